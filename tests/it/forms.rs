//! The contact form in production (issue 12): per provider (`contact.provider` in site.yaml),
//! the markup the provider requires, the build error when no provider is chosen, and
//! `folio serve` answering as the provider does (field names, honeypot, redirects, JSON, 403
//! cross-site), while `POST /api/contact` keeps its own contract.

use crate::serve::{Resp, Server};
use crate::support::*;

pub const NETLIFY: &str = "contact:\n  provider: netlify\n";
pub const FORMSPREE: &str = "contact:\n  provider: formspree\n  form_id: \"xyzabcde\"\n";
const CUSTOM_JSON: &str = "contact:\n  provider: custom\n  action: \"https://forms.example.com/lead\"\n  fields: { message: body }\n  honeypot: trap\n";
const CUSTOM_REDIRECT: &str = "contact:\n  provider: custom\n  action: \"/api/lead\"\n  function: netlify\n  answer: redirect\n";

/// The sample site with `contact` as its `contact:` block.
pub fn sample_with(contact: &str) -> Site {
    let site = Site::sample();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    let start = yaml.find("contact:\n").expect("the sample has a contact block");
    let end = start + yaml[start..].find("\nbanners:").expect("banners follow contact") + 1;
    site.write("site.yaml", &format!("{}{contact}{}", &yaml[..start], &yaml[end..]));
    site
}

/// The built contact page's `<form …>` tag and the whole form.
fn built_form(site: &Site) -> (String, String) {
    site.build().ok();
    built_form_of(site)
}

/// The contact page's form as the last build wrote it.
fn built_form_of(site: &Site) -> (String, String) {
    let html = site.read("contact/index.html");
    let form = page_forms(&html)[0].to_string();
    let open = elements(&form, "<form", ">")[0].to_string();
    (open, form)
}

fn input_named<'a>(form: &'a str, name: &str) -> &'a str {
    [elements(form, "<input", ">"), elements(form, "<textarea", ">"), elements(form, "<select", ">")]
        .concat()
        .into_iter()
        .find(|c| attr_values(c, "name").first().is_some_and(|n| n == name))
        .unwrap_or_else(|| panic!("no field named {name} in {form}"))
}

#[test]
fn netlify_markup_has_the_attributes_netlify_reads() {
    let (open, form) = built_form(&sample_with(NETLIFY));
    assert_eq!(attr_values(&open, "name"), ["contact"], "Netlify matches posts to forms by name");
    assert_eq!(attr_values(&open, "data-netlify"), ["true"]);
    assert_eq!(attr_values(&open, "data-netlify-honeypot"), ["bot-field"]);
    assert_eq!(attr_values(&open, "action"), ["/contact/thanks/"], "Netlify shows the action page after a post");
    assert_eq!(attr_values(&open, "method"), ["post"]);
    let hidden = input_named(&form, "form-name");
    assert_eq!(attr_values(hidden, "type"), ["hidden"]);
    assert_eq!(attr_values(hidden, "value"), ["contact"]);
    assert_eq!(attr_values(input_named(&form, "bot-field"), "tabindex"), ["-1"]);
    for field in ["name", "email", "company", "plan", "message"] {
        input_named(&form, field);
    }
    assert_eq!(attr_values(&open, "data-send"), ["netlify"]);
}

#[test]
fn netlify_form_name_is_configurable() {
    let (open, form) = built_form(&sample_with("contact:\n  provider: netlify\n  form_name: leads\n"));
    assert_eq!(attr_values(&open, "name"), ["leads"]);
    assert_eq!(attr_values(input_named(&form, "form-name"), "value"), ["leads"]);
}

#[test]
fn formspree_markup_posts_to_the_form_and_has_gotcha() {
    let (open, form) = built_form(&sample_with(FORMSPREE));
    assert_eq!(attr_values(&open, "action"), ["https://formspree.io/f/xyzabcde"]);
    assert_eq!(attr_values(&open, "method"), ["post"]);
    assert!(attr_values(&open, "data-netlify").is_empty());
    let gotcha = input_named(&form, "_gotcha");
    assert_eq!(attr_values(gotcha, "tabindex"), ["-1"]);
    assert_eq!(attr_values(gotcha, "autocomplete"), ["off"]);
    assert_eq!(attr_values(input_named(&form, "_subject"), "type"), ["hidden"]);
    assert!(open.contains("data-off-site"), "serve routes an off-site form to its emulation: {open}");
    assert_eq!(attr_values(&open, "data-send"), ["formspree"]);
    // No paid feature: no _next redirect field.
    assert!(!form.contains("name=\"_next\""));
}

#[test]
fn custom_markup_uses_the_endpoints_names() {
    let (open, form) = built_form(&sample_with(CUSTOM_JSON));
    assert_eq!(attr_values(&open, "action"), ["https://forms.example.com/lead"]);
    input_named(&form, "body");
    input_named(&form, "trap");
    assert!(!form.contains("name=\"message\""));
    assert_eq!(attr_values(&open, "data-send"), ["json"]);
    let (open, _) = built_form(&sample_with(CUSTOM_REDIRECT));
    assert_eq!(attr_values(&open, "action"), ["/api/lead"]);
    assert_eq!(attr_values(&open, "data-send"), ["native"]);
}

#[test]
fn without_a_provider_build_and_check_stop_and_serve_warns() {
    let site = sample_with("contact:\n  endpoint: \"/api/contact\"\n");
    for cmd in ["build", "check"] {
        site.folio(&[cmd])
            .fails()
            .stderr_has("content/contact.md shows the contact form, but no form provider is chosen")
            .stderr_has("--> site.yaml:")
            .stderr_has("provider: netlify")
            .stderr_has("provider: formspree")
            .stderr_has("provider: custom");
    }
    assert!(!site.exists("index.html"), "a failed build wrote output");
    let s = Server::start(site);
    assert_eq!(s.get("/contact/").status, 200, "serve keeps going");
    s.eventually("the warning", || s.output().contains("warning: content/contact.md shows the contact form").then_some(()));
}

#[test]
fn a_misspelled_provider_is_an_error_at_its_line_with_a_suggestion() {
    let site = sample_with("contact:\n  provider: netlfy\n");
    site.folio(&["build"]).fails().stderr_has("unknown form provider `netlfy`").stderr_has("did you mean `netlify`?").stderr_has("--> site.yaml:");
    let site = sample_with("contact:\n  provider: formspree\n");
    site.folio(&["build"]).fails().stderr_has("`provider: formspree` needs the form's id").stderr_has("form_id");
}

// ---------------------------------------------------------------------------------------------
// folio serve answers as the provider does

fn post(s: &Server, path: &str, headers: &str, content_type: &str, body: &str) -> Resp {
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\n{headers}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len(),
        h = s.host()
    );
    s.send(raw.as_bytes())
}

const FORM: &str = "application/x-www-form-urlencoded";

fn stored(s: &Server) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(s.site.root.join(".folio/submissions.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn json(r: &Resp) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

#[test]
fn serve_emulates_netlify_forms() {
    let s = Server::start(sample_with(NETLIFY));
    // A plain form post to the action, as a browser without JavaScript sends it.
    let r = post(&s, "/contact/thanks/", "", FORM, "form-name=contact&name=Ada&email=ada%40example.com&message=Hello&bot-field=");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("Location"), Some("/contact/thanks/"));
    // The page's script posts the same to the action; Netlify takes posts at "/" too.
    let r = post(&s, "/", "", FORM, "form-name=contact&name=Grace&email=grace%40example.com&message=Hi");
    assert_eq!(r.status, 303, "{}", r.text());
    // The honeypot: answered as success, stored as spam.
    let r = post(&s, "/contact/thanks/", "", FORM, "form-name=contact&name=Bot&email=bot%40example.com&message=Buy&bot-field=http%3A%2F%2Fspam");
    assert_eq!(r.status, 303);
    // A post naming no form of the site: Netlify answers 404.
    let r = post(&s, "/contact/thanks/", "", FORM, "name=X&email=x%40example.com&message=m");
    assert_eq!(r.status, 404, "{}", r.text());
    assert_contains(&r.text(), "form-name");
    // Invalid fields, and another site's page: refused.
    let r = post(&s, "/contact/thanks/", "Accept: application/json\r\n", FORM, "form-name=contact&name=&email=nope&message=m");
    assert_eq!(r.status, 422);
    assert!(json(&r)["errors"]["email"].is_string(), "{}", r.text());
    let r = s.send(format!("POST /contact/thanks/ HTTP/1.1\r\nHost: {h}\r\nOrigin: http://evil.example\r\nContent-Type: {FORM}\r\nContent-Length: 34\r\n\r\nform-name=contact&name=E&message=m", h = s.host()).as_bytes());
    assert_eq!(r.status, 403);
    let leads = stored(&s);
    assert_eq!(leads.len(), 3, "{leads:?}");
    assert_eq!(leads[0]["fields"]["name"], "Ada");
    assert_eq!(leads[2]["spam"], true);
    // The thank-you page itself is still a page.
    assert_eq!(s.get("/contact/thanks/").status, 200);
}

#[test]
fn serve_emulates_formspree() {
    let s = Server::start(sample_with(FORMSPREE));
    let accept = "Accept: application/json\r\n";
    let r = post(&s, "/__folio/forms", accept, "application/json", r#"{"name":"Ada","email":"ada@example.com","message":"Hello","_gotcha":"","_subject":"x"}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(json(&r)["ok"], true);
    let r = post(&s, "/__folio/forms", accept, "application/json", r#"{"name":"","email":"nope","message":"Hello"}"#);
    assert_eq!(r.status, 422);
    let errors = json(&r)["errors"].as_array().unwrap().clone();
    let email = errors.iter().find(|e| e["field"] == "email").expect("an email error");
    assert_eq!(email["code"], "TYPE_EMAIL");
    assert!(errors.iter().any(|e| e["field"] == "name" && e["code"] == "REQUIRED_FIELD_MISSING"), "{errors:?}");
    // The honeypot: Formspree silently ignores the post, and says ok.
    let r = post(&s, "/__folio/forms", accept, "application/json", r#"{"name":"Bot","email":"b@example.com","message":"x","_gotcha":"spam"}"#);
    assert_eq!(json(&r)["ok"], true);
    // Without JavaScript: Formspree's own thank-you page, here a stand-in.
    let r = post(&s, "/__folio/forms", "", FORM, "name=Grace&email=grace%40example.com&message=Hi");
    assert_eq!(r.status, 303);
    let thanks = r.header("Location").unwrap().to_string();
    assert_eq!(s.get(&thanks).status, 200);
    let r = s.send(
        format!(
            "POST /__folio/forms HTTP/1.1\r\nHost: {h}\r\nSec-Fetch-Site: cross-site\r\nContent-Type: {FORM}\r\nContent-Length: 6\r\n\r\nname=E",
            h = s.host()
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 403);
    let leads = stored(&s);
    assert_eq!(leads.len(), 3, "{leads:?}");
    assert_eq!(leads[1]["spam"], true);
}

#[test]
fn serve_emulates_a_custom_endpoint_and_keeps_the_stub() {
    let s = Server::start(sample_with(CUSTOM_JSON));
    let r =
        post(&s, "/__folio/forms", "Accept: application/json\r\n", "application/json", r#"{"name":"Ada","email":"ada@example.com","body":"Hello","trap":""}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = post(&s, "/__folio/forms", "Accept: application/json\r\n", "application/json", r#"{"name":"Ada","email":"ada@example.com","body":""}"#);
    assert_eq!(r.status, 422);
    assert!(json(&r)["errors"]["body"].is_string(), "errors under the endpoint's names: {}", r.text());
    // POST /api/contact keeps its contract whatever the provider.
    let r = post(&s, "/api/contact", "", "application/json", r#"{"name":"Stub","email":"s@example.com","message":"m"}"#);
    assert_eq!(r.status, 201, "{}", r.text());
    let leads = stored(&s);
    assert_eq!(leads[0]["fields"]["message"], "Hello", "stored under folio's names");
    assert_eq!(leads.len(), 2);

    let s = Server::start(sample_with(CUSTOM_REDIRECT));
    let r = post(&s, "/api/lead", "", FORM, "name=Ada&email=ada%40example.com&message=Hello");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("Location"), Some("/contact/thanks/"));
}

#[test]
fn serve_shows_the_same_form_as_build() {
    for contact in [NETLIFY, FORMSPREE, CUSTOM_JSON] {
        let site = sample_with(contact);
        site.build().ok();
        let built = site.read("contact/index.html");
        let s = Server::start_with(site, &["--port", "0"]);
        let served = s.get("/contact/").text();
        let script = served.find("<script src=\"/__folio/live.js\"").expect("the live-reload script");
        let end = script + served[script..].find("</script>").unwrap() + "</script>".len();
        let without = format!("{}{}", &served[..script], &served[end..]);
        // serve builds with its own address as base_url; compare the form only.
        let form = |html: &str| page_forms(html)[0].to_string();
        assert_eq!(form(&without), form(&built), "{contact}");
    }
}

// ---------------------------------------------------------------------------------------------
// Staging previews (`folio build --env staging`)

#[test]
fn a_staging_build_is_noindex_disallowed_marked_and_its_form_sends_nothing() {
    // No provider is needed for a preview: its form sends nothing by design.
    let site = sample_with("contact:\n  endpoint: \"/api/contact\"\n");
    let run = site.folio(&["build", "--env", "staging"]);
    run.ok().stdout_has("STAGING PREVIEW, not for production");
    assert_eq!(site.read("robots.txt").lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(), ["User-agent: *", "Disallow: /"]);
    let pages = site.html_files();
    assert!(pages.len() > 10);
    for (path, html) in &pages {
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias's redirect page: noindex already, and no theme
        }
        let robots: Vec<&str> = elements(html, "<meta name=\"robots\"", ">");
        assert_eq!(robots.len(), 1, "{path}: one robots tag");
        assert_contains(robots[0], "noindex, nofollow");
        assert_contains(html, "class=\"preview-ribbon\"");
    }
    let (open, form) = built_form_of(&site);
    assert_eq!(attr_values(&open, "data-send"), ["preview"]);
    assert!(!open.contains("data-netlify") && !open.contains("formspree"), "{open}");
    assert!(elements(&form, "<button", ">")[0].contains(" disabled"), "{form}");
    assert_contains(&form, "the form sends nothing");

    // The same site built for production (with a provider) has none of it.
    let site = sample_with(NETLIFY);
    site.folio(&["build"]).ok();
    assert!(!site.read("robots.txt").contains("Disallow: /\n"));
    assert!(!site.read("index.html").contains("preview-ribbon"));
    assert!(!site.read("index.html").contains("noindex"));
}

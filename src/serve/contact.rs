//! The contact endpoint stub: what a production form handler would check, so agencies see the
//! real behaviour while editing. Refuses other origins (any page the user visits could otherwise
//! post here), limits each client's rate, validates every field with one message per field,
//! answers honeypot hits as success, and stores valid posts durably before answering.
//! The checks are pure functions; [`Endpoint::handle`] wires them to a request. The same checks
//! answer in the dialect of the site's form provider (`contact.provider`): folio's own stub
//! contract at `/api/contact`, Netlify Forms, Formspree or a custom endpoint — the field names,
//! honeypot, redirects and JSON answers each of them has (see [`Form`]).

use super::submissions::{Fields, Record, Store};
use crate::config::forms::{Form, Provider, Send};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use unicode_normalization::UnicodeNormalization;

/// Largest body accepted, in bytes (larger gets 413).
pub const MAX_BODY: usize = 32 * 1024;
/// Posts per client per [`RATE_WINDOW`]; more get 429.
pub const RATE_LIMIT: usize = 20;
pub const RATE_WINDOW: Duration = Duration::from_secs(60);
/// Where a successful form post is sent.
pub const THANKS: &str = "/contact/thanks/";

/// Whether a post may come from where it says it comes from. `host_ok` is the server's Host
/// check, applied to the authority of an `Origin` or `Referer`. Each of `Origin` (browsers send
/// it on every POST), `Sec-Fetch-Site` (when they know it) and `Referer` (older browsers, and
/// privacy settings that strip `Origin`) is checked in that order, and any one of them that
/// names another site refuses the post. A request with none of them is not from a web page
/// (curl, a test script) and is allowed.
pub fn origin_allowed(origin: Option<&str>, sec_fetch_site: Option<&str>, referer: Option<&str>, host_ok: impl Fn(&str) -> bool) -> bool {
    let same_origin = |url: &str, whole: bool| {
        let Some(rest) = url.trim().strip_prefix("http://") else { return false };
        let authority = if whole { rest } else { rest.split(['/', '?', '#']).next().unwrap_or_default() };
        !authority.is_empty() && !authority.contains(['/', '?', '#', '@']) && host_ok(authority)
    };
    origin.is_none_or(|o| same_origin(o, true))
        && sec_fetch_site.is_none_or(|site| matches!(site.trim().to_ascii_lowercase().as_str(), "same-origin" | "none"))
        && referer.is_none_or(|r| same_origin(r, false))
}

/// How the body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Form,
    Json,
}

/// The body kind from `Content-Type`, or `None` for anything the form does not send.
pub fn body_kind(content_type: Option<&str>) -> Option<BodyKind> {
    let mime = content_type?.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match mime.as_str() {
        "application/x-www-form-urlencoded" => Some(BodyKind::Form),
        "application/json" => Some(BodyKind::Json),
        _ => None,
    }
}

/// Decodes one `application/x-www-form-urlencoded` name or value strictly: `+` is a space, `%`
/// must be followed by two hex digits, and the bytes must be UTF-8. (`form_urlencoded` keeps
/// `%ZZ` as it is and replaces bad UTF-8 with U+FFFD, which would store something the visitor
/// never typed.)
pub fn decode_component(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
                let (hi, lo) = (hex(bytes.next())?, hex(bytes.next())?);
                out.push((hi * 16 + lo) as u8);
            }
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// The fields of an urlencoded form body, named as `form` sends them; unknown names are ignored,
/// the first value wins. A known field whose value is not valid percent-encoding or UTF-8 is an
/// error for that field.
pub fn parse_form(body: &[u8], form: &Form) -> (Fields, BTreeMap<&'static str, String>) {
    let mut f = Fields::default();
    let mut errors = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let Some(field) = decode_component(name).and_then(|n| form.field_for_wire(&n)) else { continue };
        if !seen.insert(field) {
            continue;
        }
        match decode_component(value) {
            Some(v) => f.set(field, v),
            None => {
                errors.insert(field, "This field's text arrived garbled (its encoding is invalid), so nothing was saved. Please type it again.".to_string());
            }
        }
    }
    (f, errors)
}

/// The value of `name` in an urlencoded body (the first one), if it decodes.
pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let (n, v) = pair.iter().position(|b| *b == b'=').map_or((pair, &[][..]), |i| (&pair[..i], &pair[i + 1..]));
        (decode_component(n)? == name).then(|| decode_component(v)).flatten()
    })
}

/// The fields of a JSON object body, named as `form` sends them. Non-string values are an
/// error for their field.
pub fn parse_json(body: &[u8], form: &Form) -> Result<(Fields, BTreeMap<&'static str, String>), String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let serde_json::Value::Object(map) = value else {
        return Err("the body must be a JSON object of fields".into());
    };
    let mut f = Fields::default();
    let mut errors = BTreeMap::new();
    for (k, v) in map {
        let Some(field) = form.field_for_wire(&k) else { continue };
        match v {
            serde_json::Value::String(s) => f.set(field, s),
            serde_json::Value::Null => {}
            _ => {
                errors.insert(field, "Must be text.".to_string());
            }
        }
    }
    Ok((f, errors))
}

/// A simple, strict check of an address's shape (`local@domain.tld`), not of its existence.
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

/// Plan ids when the site's tiers are not known: what a tier id can look like.
fn plausible_plan(plan: &str) -> bool {
    plan.len() <= 64 && plan.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Invisible characters that change how the text around them is shown: bidirectional marks,
/// embeddings, overrides and isolates (a name that reads backwards in the leads list), zero-width
/// spaces, word joiners and byte-order marks. ZWJ and ZWNJ stay: Persian and Indic names and
/// emoji sequences need them.
fn is_invisible_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A one-line field as stored: line breaks and tabs become one space, other control and
/// invisible characters are removed, the ends trimmed, the text in Unicode NFC (so `é` typed on
/// a Mac and on Windows is one name).
pub fn clean_line(s: &str) -> String {
    let mut kept = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\t' | '\n' | '\r') {
            if !kept.ends_with(' ') {
                kept.push(' ');
            }
        } else if !c.is_control() && !is_invisible_control(c) {
            kept.push(c);
        }
    }
    kept.trim().nfc().collect()
}

/// The message as stored: line breaks become `\n`, tabs stay, other control and invisible
/// characters are removed, the ends trimmed, the text in NFC.
pub fn clean_text(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified.chars().filter(|&c| matches!(c, '\n' | '\t') || (!c.is_control() && !is_invisible_control(c))).collect();
    kept.trim().nfc().collect()
}

/// Cleans the fields (see [`clean_line`], [`clean_text`]) and validates them; returns one message per invalid field.
pub fn validate(f: &mut Fields, plans: Option<&[String]>) -> BTreeMap<&'static str, String> {
    for field in [&mut f.name, &mut f.email, &mut f.company, &mut f.plan] {
        *field = clean_line(field);
    }
    f.message = clean_text(&f.message);
    let mut errors = BTreeMap::new();
    let chars = |s: &str| s.chars().count();
    if f.name.is_empty() {
        errors.insert("name", "Please enter your name.".to_string());
    } else if chars(&f.name) > 100 {
        errors.insert("name", "Please keep your name to 100 characters or fewer.".to_string());
    }
    if f.email.is_empty() {
        errors.insert("email", "Please enter your email address.".to_string());
    } else if chars(&f.email) > 254 {
        errors.insert("email", "Please keep the email address to 254 characters or fewer.".to_string());
    } else if !email_ok(&f.email) {
        errors.insert("email", "Please enter a valid email address, like name@example.com.".to_string());
    }
    if chars(&f.company) > 100 {
        errors.insert("company", "Please keep the company name to 100 characters or fewer.".to_string());
    }
    if !f.plan.is_empty() {
        let known = match plans {
            Some(ids) => ids.contains(&f.plan),
            None => plausible_plan(&f.plan),
        };
        if !known {
            errors.insert("plan", "Please choose a plan from the list.".to_string());
        }
    }
    if f.message.is_empty() {
        errors.insert("message", "Please write a message.".to_string());
    } else if chars(&f.message) > 5000 {
        errors.insert("message", "Please keep the message to 5000 characters or fewer.".to_string());
    }
    errors
}

/// Posts per client in a sliding window.
#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Records a post from `ip` at `now`; `Err(seconds to wait)` when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut hits = self.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget clients whose window has passed, so the map stays small.
        if hits.len() > 1024 {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < RATE_WINDOW));
        }
        let q = hits.entry(ip).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW) {
            q.pop_front();
        }
        if q.len() >= RATE_LIMIT {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = RATE_WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
            return Err(wait);
        }
        q.push_back(now);
        Ok(())
    }
}

/// A post as the router hands it over.
pub struct Post<'a> {
    pub ip: IpAddr,
    pub content_type: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub sec_fetch_site: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub body: &'a [u8],
    /// The body was longer than [`MAX_BODY`].
    pub too_large: bool,
}

/// The answer to a post, independent of the HTTP library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer { status, content_type: "application/json", body: body.to_string(), headers: Vec::new() }
    }
    fn html(status: u16, title: &str, inner: &str) -> Answer {
        let body = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body><main style=\"font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
<h1>{t}</h1>\n{inner}\n<p><a href=\"/contact/\">Back to the contact form</a></p></main></body></html>\n",
            t = escape(title)
        );
        Answer { status, content_type: "text/html; charset=utf-8", body, headers: Vec::new() }
    }
    fn with_header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}

pub use crate::text::escape_html as escape;

fn label(field: &str) -> &'static str {
    match field {
        "name" => "Your name",
        "email" => "Email address",
        "company" => "Company",
        "plan" => "Plan",
        "message" => "Message",
        _ => "Field",
    }
}

fn error_answer(json_wanted: bool, status: u16, message: &str) -> Answer {
    if json_wanted {
        Answer::json(status, json!({ "error": message }))
    } else {
        Answer::html(status, "The message was not sent", &format!("<p>{}</p>", escape(message)))
    }
}

/// What a visitor is told when their post could not be stored: that it was not saved, and what
/// to do instead.
pub fn not_saved(email: Option<&str>) -> String {
    let instead = match email {
        Some(address) => format!("or email it to {address}"),
        None => "or send it by email".to_string(),
    };
    format!("Your message was not saved: the server could not store it. Please try again in a few minutes, {instead}.")
}

/// The site's contact address (`organisation.email` in site.yaml), read when it is needed.
fn site_email(root: &std::path::Path) -> Option<String> {
    crate::pipeline::read_config(root, None).ok()?.organisation?.email.filter(|e| !e.trim().is_empty())
}

/// The endpoint's state: the rate limiter and the submissions file.
pub struct Endpoint {
    pub limiter: RateLimiter,
    pub store: Store,
}

impl Endpoint {
    pub fn new(store: Store) -> Endpoint {
        Endpoint { limiter: RateLimiter::default(), store }
    }

    /// Answers one post to `form` (the provider's dialect). `host_ok` is the server's Host
    /// check; `plans` the site's tier ids.
    pub fn handle(&self, post: &Post<'_>, form: &Form, host_ok: impl Fn(&str) -> bool, plans: Option<&[String]>) -> Answer {
        let kind = body_kind(post.content_type);
        let json_wanted = kind == Some(BodyKind::Json) || post.accept.is_some_and(|a| a.contains("application/json"));
        if !origin_allowed(post.origin, post.sec_fetch_site, post.referer, host_ok) {
            return error_answer(json_wanted, 403, "Posts from other sites are refused.");
        }
        if let Err(wait) = self.limiter.check(post.ip, Instant::now()) {
            return error_answer(json_wanted, 429, "Too many messages in a short time; please wait a minute and try again.")
                .with_header("Retry-After", wait.to_string());
        }
        if post.too_large {
            return error_answer(json_wanted, 413, "The message is too large (32 KiB at most).");
        }
        let (mut fields, mut errors) = match kind {
            Some(BodyKind::Form) => parse_form(post.body, form),
            Some(BodyKind::Json) => match parse_json(post.body, form) {
                Ok(x) => x,
                Err(e) => return error_answer(true, 400, &e),
            },
            None => return error_answer(json_wanted, 415, "Send the form as application/x-www-form-urlencoded or application/json."),
        };
        if let Some(expected) = &form.form_name {
            // Netlify files a post under the form its `form-name` names, and has no other.
            let named = match kind {
                Some(BodyKind::Form) => form_value(post.body, "form-name"),
                _ => serde_json::from_slice::<serde_json::Value>(post.body).ok().and_then(|v| v.get("form-name")?.as_str().map(str::to_string)),
            };
            if named.as_deref() != Some(expected.as_str()) {
                let message = format!("Netlify answers 404 here: this post names no form `{expected}` (its hidden `form-name` field is missing or different).");
                return error_answer(json_wanted, 404, &message);
            }
        }
        let spam = !fields.website.trim().is_empty();
        if !spam {
            let mut found = validate(&mut fields, plans);
            found.append(&mut errors);
            errors = found;
            if !errors.is_empty() {
                return invalid(form, json_wanted, &errors);
            }
        }
        let record = Record::new(fields, spam, post.user_agent.unwrap_or_default());
        if let Err(e) = self.store.append(&record) {
            eprintln!("folio serve: a contact submission was NOT saved (the visitor was told to try again): {e}");
            let full = matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded);
            return error_answer(json_wanted, if full { 507 } else { 500 }, &not_saved(site_email(self.store.root()).as_deref()));
        }
        accepted(form, json_wanted, &record.id)
    }
}

/// Where Formspree sends a visitor after a plain form post on its free plan: its own page.
/// `folio serve` shows a stand-in at this path instead.
pub const FORMSPREE_THANKS: &str = "/__folio/forms/thanks";

fn redirect(to: &str) -> Answer {
    Answer { status: 303, content_type: "text/plain; charset=utf-8", body: format!("See {to}\n"), headers: Vec::new() }.with_header("Location", to.to_string())
}

/// The answer to a stored post, as the provider gives it.
fn accepted(form: &Form, json_wanted: bool, id: &str) -> Answer {
    match (form.provider, json_wanted) {
        // The stub contract (SPEC): 201 with the id, or 303 to the thank-you page.
        (None, true) => Answer::json(201, json!({ "id": id })).with_header("Location", THANKS.to_string()),
        (None, false) => redirect(THANKS),
        // Netlify answers a form post, from a page or a script alike, with the form's action page.
        (Some(Provider::Netlify), _) => redirect(&form.thanks),
        (Some(Provider::Formspree), true) => Answer::json(200, json!({ "ok": true, "next": "https://formspree.io/thanks?language=en" })),
        (Some(Provider::Formspree), false) => redirect(FORMSPREE_THANKS),
        (Some(Provider::Custom), _) if form.send == Send::Native => redirect(&form.thanks),
        (Some(Provider::Custom), _) => Answer::json(200, json!({ "ok": true, "id": id })),
    }
}

/// The answer to a post with invalid fields, named as the provider names them.
fn invalid(form: &Form, json_wanted: bool, errors: &BTreeMap<&'static str, String>) -> Answer {
    if !json_wanted {
        let items: String = errors.iter().map(|(f, m)| format!("<li><strong>{}</strong>: {}</li>", label(f), escape(m))).collect();
        return Answer::html(422, "Please check the form", &format!("<p>Some fields need attention:</p>\n<ul>{items}</ul>"));
    }
    if form.provider == Some(Provider::Formspree) {
        // Formspree's shape: a list of {field, code, message}.
        let list: Vec<serde_json::Value> = errors
            .iter()
            .map(|(f, m)| {
                let code = match *f {
                    "email" if m.contains("valid") => "TYPE_EMAIL",
                    _ if m.starts_with("Please enter") || m.starts_with("Please write") => "REQUIRED_FIELD_MISSING",
                    _ => "INVALID",
                };
                json!({ "field": form.wire_name(f), "code": code, "message": m })
            })
            .collect();
        return Answer::json(422, json!({ "error": "Validation errors", "errors": list }));
    }
    let by_wire: BTreeMap<&str, &String> = errors.iter().map(|(f, m)| (form.wire_name(f), m)).collect();
    Answer::json(422, json!({ "errors": by_wire }))
}

/// The stand-in for the page Formspree shows after a plain form post.
pub fn formspree_thanks_page() -> Answer {
    Answer::html(
        200,
        "Formspree's thank-you page",
        "<p>Your message was stored in <code>.folio/submissions.jsonl</code>.</p>\n<p>On the live site, a visitor whose browser runs no JavaScript sees Formspree's own thank-you page here (on Formspree's free plan; a custom redirect is a paid feature). With JavaScript, the page's script sends the form and shows your thank-you page instead.</p>",
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn stub() -> Form {
        Form::stub("/api/contact")
    }

    fn host_ok(h: &str) -> bool {
        h == "127.0.0.1:1111" || h == "localhost:1111"
    }

    #[test]
    fn origin_checks() {
        let allowed = |o, s, r| origin_allowed(o, s, r, host_ok);
        assert!(allowed(None, None, None), "no browser headers: not a web page");
        assert!(allowed(Some("http://127.0.0.1:1111"), Some("same-origin"), None));
        assert!(allowed(Some("http://localhost:1111"), None, None));
        assert!(allowed(None, Some("none"), None));
        assert!(!allowed(Some("http://evil.example"), None, None));
        assert!(!allowed(Some("http://127.0.0.1:1112"), None, None));
        assert!(!allowed(Some("https://127.0.0.1:1111"), None, None));
        assert!(!allowed(Some("null"), None, None));
        assert!(!allowed(Some("http://user@127.0.0.1:1111"), None, None));
        assert!(!allowed(Some("http://127.0.0.1:1111/x"), None, None));
        assert!(!allowed(None, Some("same-site"), None));
        // Any of Origin, Sec-Fetch-Site and Referer naming another site refuses the post.
        assert!(!allowed(Some("http://127.0.0.1:1111"), Some("cross-site"), None));
        assert!(!allowed(Some("http://127.0.0.1:1111"), Some("same-origin"), Some("http://evil.example/")));
        assert!(!allowed(Some("http://evil.example"), Some("same-origin"), Some("http://127.0.0.1:1111/contact/")));
        assert!(!allowed(None, Some("cross-site"), Some("http://127.0.0.1:1111/contact/")));
        assert!(!allowed(None, Some("same-origin"), Some("http://evil.example/")));
        assert!(allowed(Some("http://127.0.0.1:1111"), Some("same-origin"), Some("http://127.0.0.1:1111/contact/")));
        // Referer alone.
        assert!(allowed(None, None, Some("http://127.0.0.1:1111/contact/?a=1")));
        assert!(allowed(None, None, Some("http://localhost:1111")));
        assert!(!allowed(None, None, Some("http://evil.example/contact/")));
        assert!(!allowed(None, None, Some("http://127.0.0.1:1111.evil.example/")));
        assert!(!allowed(None, None, Some("http://a@127.0.0.1:1111/")));
        assert!(!allowed(None, None, Some("https://127.0.0.1:1111/")));
        assert!(!allowed(None, None, Some("")));
    }

    #[test]
    fn urlencoded_bodies() {
        let (f, errors) = parse_form(b"name=Ada+Lovelace&email=ada%40example.com&message=Hi%0D%0Athere&plan=&website=&x=1&name=Evil", &stub());
        assert!(errors.is_empty());
        assert_eq!(f.name, "Ada Lovelace");
        assert_eq!(f.email, "ada@example.com");
        assert_eq!(f.message, "Hi\r\nthere");
        assert_eq!(f.website, "");
        let (f, errors) = parse_form(b"name=%E2%82%AC&&=&message&x=%zz", &stub());
        assert_eq!((f.name.as_str(), f.message.as_str()), ("\u{20ac}", ""));
        assert!(errors.is_empty(), "a garbled unknown field is ignored");
    }

    #[test]
    fn garbled_fields_are_errors_naming_them() {
        for body in [&b"name=Bob%ZZ&message=hi"[..], b"name=Bob%E2%82(&message=hi", b"name=Bob%&message=hi", b"name=Bob%4&message=hi", b"name=%FF"] {
            let (f, errors) = parse_form(body, &stub());
            assert_eq!(errors.keys().copied().collect::<Vec<_>>(), ["name"], "{}", String::from_utf8_lossy(body));
            assert_eq!(f.name, "");
        }
        assert_eq!(decode_component(b"a+b%20c%2B"), Some("a b c+".to_string()));
        assert_eq!(decode_component(b"%c3%A9"), Some("\u{e9}".to_string()));
    }

    #[test]
    fn cleaning_removes_controls_and_normalises() {
        assert_eq!(clean_line("  Ada\r\nBcc: x\t "), "Ada Bcc: x");
        assert_eq!(clean_line("Bob\u{202E}evil\u{202C}\u{200B}\u{2066}x\u{2069}\u{FEFF}\u{7}"), "Bobevilx");
        assert_eq!(clean_line("Cafe\u{301}"), "Caf\u{e9}", "NFC");
        assert_eq!(clean_line("\u{645}\u{200C}\u{6CC}"), "\u{645}\u{200C}\u{6CC}", "ZWNJ stays");
        assert_eq!(clean_line("\u{1F469}\u{200D}\u{1F4BB}"), "\u{1F469}\u{200D}\u{1F4BB}", "ZWJ stays");
        assert_eq!(clean_text(" line one\r\nline\ttwo\rthree\u{0}\u{202E} "), "line one\nline\ttwo\nthree");
        assert_eq!(clean_text("re\u{301}sume\u{301}"), "r\u{e9}sum\u{e9}");
    }

    #[test]
    fn json_bodies() {
        let (f, errors) = parse_json(br#"{"name":"Ada","email":"a@b.co","message":"m","plan":null,"company":7}"#, &stub()).unwrap();
        assert_eq!(f.name, "Ada");
        assert_eq!(errors.get("company").map(String::as_str), Some("Must be text."));
        assert!(parse_json(b"[1]", &stub()).is_err());
        assert!(parse_json(b"{", &stub()).is_err());
    }

    #[test]
    fn email_syntax() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com", "x@m\u{fc}nchen.de", "o'neil@example.org"] {
            assert!(email_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a@b.",
            "a@.co",
            "a b@c.co",
            "a@b c.co",
            "a..b@c.co",
            ".a@b.co",
            "a@-b.co",
            "a@b.c",
            "a@1.2",
            "<a@b.co>",
            "a@b@c.co",
        ] {
            assert!(!email_ok(bad), "{bad}");
        }
    }

    fn fields(name: &str, email: &str, message: &str) -> Fields {
        Fields { name: name.into(), email: email.into(), message: message.into(), ..Fields::default() }
    }

    #[test]
    fn validation_gives_one_message_per_field() {
        let mut f = fields("  Ada ", " ada@example.com ", " Hello ");
        assert!(validate(&mut f, None).is_empty());
        assert_eq!((f.name.as_str(), f.email.as_str(), f.message.as_str()), ("Ada", "ada@example.com", "Hello"));

        let mut f = fields("", "nope", "");
        let e = validate(&mut f, None);
        assert_eq!(e.keys().copied().collect::<Vec<_>>(), ["email", "message", "name"]);

        let mut f = fields(&"n".repeat(101), &format!("{}@example.com", "a".repeat(250)), &"m".repeat(5001));
        f.company = "c".repeat(101);
        let e = validate(&mut f, None);
        assert_eq!(e.keys().copied().collect::<Vec<_>>(), ["company", "email", "message", "name"]);

        let mut f = fields(&"\u{e9}".repeat(100), "a@b.co", &"\u{e9}".repeat(5000));
        assert!(validate(&mut f, None).is_empty(), "limits count characters, not bytes");

        let mut f = fields("Ada\r\nBcc: x", "a@b.co", "m\u{0}");
        assert!(validate(&mut f, None).is_empty());
        assert_eq!((f.name.as_str(), f.message.as_str()), ("Ada Bcc: x", "m"), "controls are removed, not stored");
    }

    #[test]
    fn plans_must_be_known() {
        let plans = vec!["starter".to_string(), "growth".to_string()];
        let mut f = fields("A", "a@b.co", "m");
        f.plan = "growth".into();
        assert!(validate(&mut f, Some(&plans)).is_empty());
        f.plan = "gold".into();
        assert!(validate(&mut f, Some(&plans)).contains_key("plan"));
        f.plan = "any-tier-1".into();
        assert!(validate(&mut f, None).is_empty());
        f.plan = "<script>".into();
        assert!(validate(&mut f, None).contains_key("plan"));
    }

    #[test]
    fn rate_limit_is_per_client_and_slides() {
        let limiter = RateLimiter::default();
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..RATE_LIMIT {
            assert!(limiter.check(a, t0).is_ok());
        }
        assert_eq!(limiter.check(a, t0), Err(60));
        assert!(limiter.check(b, t0).is_ok());
        assert!(limiter.check(a, t0 + RATE_WINDOW).is_ok());
    }

    #[test]
    fn content_types() {
        assert_eq!(body_kind(Some("application/x-www-form-urlencoded; charset=UTF-8")), Some(BodyKind::Form));
        assert_eq!(body_kind(Some("Application/JSON")), Some(BodyKind::Json));
        assert_eq!(body_kind(Some("text/plain")), None);
        assert_eq!(body_kind(Some("multipart/form-data; boundary=x")), None);
        assert_eq!(body_kind(None), None);
    }

    #[test]
    fn a_post_that_cannot_be_stored_is_refused_and_says_so() {
        let dir = std::env::temp_dir().join(format!("folio-contact-unsaved-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // `.folio` is a file: the store cannot be created.
        std::fs::write(dir.join(".folio"), "").unwrap();
        let endpoint = Endpoint::new(Store::new(&dir));
        for (content_type, body) in [
            ("application/json", &br#"{"name":"Ada","email":"a@b.co","message":"Hi"}"#[..]),
            ("application/x-www-form-urlencoded", b"name=Ada&email=a%40b.co&message=Hi"),
        ] {
            let post = Post {
                ip: "127.0.0.1".parse().unwrap(),
                content_type: Some(content_type),
                accept: None,
                origin: None,
                sec_fetch_site: None,
                referer: None,
                user_agent: None,
                body,
                too_large: false,
            };
            let answer = endpoint.handle(&post, &stub(), host_ok, None);
            assert_eq!(answer.status, 500, "{answer:?}");
            assert!(answer.body.contains("not saved") && answer.body.contains("try again") && answer.body.contains("by email"), "{answer:?}");
        }
        assert!(not_saved(Some("hello@example.com")).ends_with("or email it to hello@example.com."));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn html_escaping() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}

//! `folio check --external` against HTTP servers started here on 127.0.0.1 (never the
//! internet): links that answer 200, 301 → 404, 404, 500, 403, slowly and never; where each
//! broken one is reported (the Markdown, template or banners.yaml line), errors against
//! warnings and the exit code, the per-host and overall limits, and the cache of good answers.

use crate::support::Site;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request a test server received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    user_agent: String,
    /// Whether it carried a cookie or a body (folio sends neither).
    cookie_or_body: bool,
}

/// A small HTTP server on 127.0.0.1, a thread per connection, answering by path:
/// `/ok` 200, `/moved` 301 to `/gone`, `/error` 500, `/forbidden` 403, `/head-refused` 405 to
/// `HEAD` and 200 to `GET`, `/slow` 200 after 2 s, `/never` nothing (the connection stays open
/// until the client gives up), `/wait/…` 200 after 300 ms, anything else 404. It counts the
/// connections open at once: a connection counts from its accept until its answer is sent.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    max_open: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let open = Arc::new(AtomicUsize::new(0));
        let max_open = Arc::new(AtomicUsize::new(0));
        let (s, o, m) = (seen.clone(), open.clone(), max_open.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let now = o.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                let (s, o) = (s.clone(), o.clone());
                std::thread::spawn(move || answer(stream, &s, &o));
            }
        });
        Server { port, seen, max_open }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests asked for `path`.
    fn asked(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

fn answer(mut stream: TcpStream, seen: &Mutex<Vec<Seen>>, open: &AtomicUsize) {
    // No test connection lives longer than this, whatever the client does.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or("").to_string(), words.next().unwrap_or("").to_string());
    let header = |name: &str| head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()));
    let cookie_or_body = header("cookie").is_some() || header("content-length").is_some_and(|n| n != "0") || header("transfer-encoding").is_some();
    seen.lock().unwrap().push(Seen { method: method.clone(), path: path.clone(), user_agent: header("user-agent").unwrap_or_default(), cookie_or_body });
    let (status, extra) = match (method.as_str(), path.split('?').next().unwrap_or("")) {
        (_, "/ok") => ("200 OK", String::new()),
        (_, "/moved") => ("301 Moved Permanently", "Location: /gone\r\n".to_string()),
        (_, "/error") => ("500 Internal Server Error", String::new()),
        (_, "/forbidden") => ("403 Forbidden", String::new()),
        ("HEAD", "/head-refused") => ("405 Method Not Allowed", String::new()),
        (_, "/head-refused") => ("200 OK", String::new()),
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(2));
            ("200 OK", String::new())
        }
        (_, "/never") => {
            // Read until the client closes the connection (or 30 s pass): never answer.
            let mut sink = [0u8; 256];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
            open.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        (_, p) if p.starts_with("/wait/") => {
            std::thread::sleep(Duration::from_millis(300));
            ("200 OK", String::new())
        }
        _ => ("404 Not Found", String::new()),
    };
    // Counted out before the answer leaves: the client can only open its next connection after.
    open.fetch_sub(1, Ordering::SeqCst);
    let _ = stream.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n").as_bytes());
    let _ = stream.flush();
}

/// Runs `folio check --external …` in the site with no proxy settings (the servers are local),
/// killed if it has not finished within a minute.
fn check_external(site: &Site, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["check", "--external"];
    all.extend_from_slice(args);
    let mut cmd = std::process::Command::new(crate::support::folio_bin());
    cmd.args(&all).current_dir(&site.root);
    for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"] {
        cmd.env_remove(var);
    }
    crate::support::run_within(cmd, Duration::from_secs(60))
}

/// A site with a home page (linking to itself by its full address) and an articles section
/// (the default theme's 404 page links there).
fn bare_site(name: &str) -> Site {
    let site = Site::empty(name);
    site.write("site.yaml", "title: \"Links\"\nbase_url: \"https://links.example.com\"\ndescription: \"Outside links.\"\n");
    site.write("content/_index.md", "---\ntitle: \"Home\"\n---\nHome, with [our own page](https://links.example.com/links/).\n");
    site.write("content/articles/_index.md", "---\ntitle: \"Articles\"\n---\n");
    site
}

/// A site whose pages, a shortcode template and a banner link to `server`.
fn linking_site(name: &str, server: &Server) -> Site {
    let site = bare_site(name);
    let u = |p: &str| server.url(p);
    site.write(
        "content/links.md",
        &format!(
            "---\ntitle: \"Links\"\n---\nFine: [ok]({}).\nMoved: [it]({})\nMissing: [it]({})\nBroken: [it]({})\nSlow: [it]({})\nNever: [it]({})\nBots: [it]({})\nHead: [it]({})\nPartner: {{{{ partner() }}}}\n",
            u("/ok"),
            u("/moved"),
            u("/missing"),
            u("/error"),
            u("/slow"),
            u("/never"),
            u("/forbidden"),
            u("/head-refused"),
        ),
    );
    site.write("content/more.md", &format!("---\ntitle: \"More\"\n---\nAgain [missing]({}#part) and [fine]({}).\n", u("/missing"), u("/ok")));
    site.write("templates/shortcodes/partner.html", &format!("<p>Our partner:\n<a href=\"{}\">their shop</a></p>\n", u("/template-gone")));
    site.write("static/banner.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"250\"></svg>\n");
    site.write(
        "content/banners.yaml",
        &format!(
            "banners:\n  - id: shop\n    partner: \"The Shop\"\n    href: \"{}\"\n    image: \"/banner.svg\"\n    alt: \"The Shop\"\n    size: rectangle\n    placements: [sidebar]\n    utm: {{ campaign: \"spring\" }}\n",
            u("/partner-gone")
        ),
    );
    site
}

/// `path:line:col` of the first `needle` in the site file `rel` (1-based, as folio reports it).
fn position(site: &Site, rel: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in {rel}"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{rel}:{line}:{col}")
}

#[track_caller]
fn reported(stderr: &str, label: &str, message: &str, location: &str) {
    let expected = format!("{label}: {message}\n  --> {location}\n");
    assert!(stderr.contains(&expected), "expected\n{expected}in\n{stderr}");
}

#[test]
fn links_that_rot_are_reported_where_they_are_written() {
    let server = Server::start();
    let site = linking_site("external-links", &server);
    let u = |p: &str| server.url(p);

    // Without --external nothing leaves the machine.
    site.folio(&["check"]).ok();
    assert!(server.seen().is_empty(), "plain check asked: {:?}", server.seen());

    let run = check_external(&site, &["--external-timeout", "1s"]);
    let err = run.stderr();
    run.exit(1);
    assert!(err.contains("Checking 10 outside links on 1 site…"), "{err}");
    // Gone: errors at the line that holds the link, every place listed.
    reported(
        &err,
        "error",
        &format!("link to {} answers 404 Not Found (after a redirect to {})", u("/moved"), u("/gone")),
        &position(&site, "content/links.md", &u("/moved")),
    );
    reported(&err, "error", &format!("link to {} answers 404 Not Found", u("/missing")), &position(&site, "content/links.md", &u("/missing")));
    let more_line = position(&site, "content/more.md", &u("/missing"));
    let more_line = more_line.rsplit_once(':').unwrap().0;
    assert!(err.contains(&format!("update or remove the link; if the page moved, link to its new address; the same link is also in {more_line}\n")), "{err}");
    // A template's link, at the template; a banner's partner (asked with its UTM parameters,
    // not the /go/ page) at the banner's `href:`.
    reported(
        &err,
        "error",
        &format!("link to {} answers 404 Not Found", u("/template-gone")),
        &position(&site, "templates/shortcodes/partner.html", &u("/template-gone")),
    );
    reported(
        &err,
        "error",
        &format!("link to {} answers 404 Not Found", u("/partner-gone?utm_campaign=spring")),
        &position(&site, "content/banners.yaml", &u("/partner-gone")),
    );
    // What may pass: warnings, with what to do.
    reported(&err, "warning", &format!("link to {} answers 500 Internal Server Error", u("/error")), &position(&site, "content/links.md", &u("/error")));
    reported(&err, "warning", &format!("link to {}: the site did not answer within 1 s", u("/slow")), &position(&site, "content/links.md", &u("/slow")));
    reported(&err, "warning", &format!("link to {}: the site did not answer within 1 s", u("/never")), &position(&site, "content/links.md", &u("/never")));
    reported(&err, "warning", &format!("link to {} answers 403 Forbidden", u("/forbidden")), &position(&site, "content/links.md", &u("/forbidden")));
    assert!(err.contains("many sites refuse automated visitors such as link checkers: open the link in a browser"), "{err}");
    assert!(err.contains("`--external-timeout` gives slow sites longer"), "{err}");
    // Good links, the site's own address and a HEAD refused then GET answered: not reported.
    for fine in [u("/ok"), u("/head-refused"), "https://links.example.com".to_string()] {
        assert!(!err.contains(&format!("link to {fine} ")) && !err.contains(&format!("link to {fine}:")), "{fine} reported:\n{err}");
    }
    assert!(err.contains("4 errors, 4 warnings found"), "{err}");
    // Each address asked once (HEAD, then GET only where HEAD got an error answer); only HEAD
    // and GET, no cookie or body, a User-Agent naming folio.
    assert_eq!(server.asked("/ok"), 1);
    assert_eq!((server.asked("/head-refused"), server.asked("/missing")), (2, 2));
    let seen = server.seen();
    assert!(seen.iter().all(|s| (s.method == "HEAD" || s.method == "GET") && !s.cookie_or_body && s.user_agent.starts_with("folio/")), "{seen:?}");

    // Second run: the good link comes from the cache; the broken ones are asked again.
    let cache = std::fs::read_to_string(site.root.join(".folio/cache/external-links.json")).unwrap();
    assert!(cache.contains(&u("/ok")) && !cache.contains(&u("/missing")), "{cache}");
    let again = check_external(&site, &["--external-timeout", "1s"]);
    again.exit(1);
    assert!(
        again.stderr().contains("Checking 10 outside links on 1 site (2 answered well within the last 24 h and are not asked again)…"),
        "{}",
        again.stderr()
    );
    assert_eq!((server.asked("/ok"), server.asked("/head-refused")), (1, 2), "a cached link was asked again");
    assert_eq!(server.asked("/missing"), 4, "a broken link must be asked on every run");
    assert_eq!(again.stderr().lines().last(), err.lines().last());

    // `--external-max-age 0s`: every link asked.
    check_external(&site, &["--external-timeout", "1s", "--external-max-age", "0s"]).exit(1);
    assert_eq!(server.asked("/ok"), 2);
}

#[test]
fn one_host_is_asked_at_most_per_host_links_at_once() {
    let server = Server::start();
    let site = bare_site("external-per-host");
    let links: String = (1..=8).map(|i| format!("- [{i}]({})\n", server.url(&format!("/wait/{i}")))).collect();
    site.write("content/many.md", &format!("---\ntitle: \"Many\"\n---\n{links}"));

    let run = check_external(&site, &["--external-jobs", "8", "--external-per-host", "2"]);
    run.ok().stdout_has("No problems found");
    assert_eq!(server.seen().len(), 8, "{:?}", server.seen());
    let max = server.max_open.load(Ordering::SeqCst);
    assert!((1..=2).contains(&max), "{max} connections to one host at once; the limit is 2");

    // The overall limit holds too when the per-host one is higher.
    let other = Server::start();
    let links: String = (1..=8).map(|i| format!("- [{i}]({})\n", other.url(&format!("/wait/{i}")))).collect();
    site.write("content/many.md", &format!("---\ntitle: \"Many\"\n---\n{links}"));
    check_external(&site, &["--external-jobs", "3", "--external-per-host", "16"]).ok();
    assert_eq!(other.seen().len(), 8);
    let max = other.max_open.load(Ordering::SeqCst);
    assert!((1..=3).contains(&max), "{max} requests at once; the limit is 3");
}

#[test]
fn external_options_need_external_and_sensible_values() {
    let site = Site::empty("external-options");
    site.write("site.yaml", "title: \"X\"\nbase_url: \"https://x.example.com\"\ndescription: \"X.\"\n");
    site.folio(&["check", "--external-jobs", "3"]).exit(2).stderr_has("--external");
    site.folio(&["check", "--external", "--external-timeout", "0s"]).exit(2).stderr_has("the time must be above zero");
    site.folio(&["check", "--external", "--external-per-host", "0"]).exit(2);
    // A site with no outside link: nothing to ask, and no cache to write.
    site.write("content/_index.md", "---\ntitle: \"Home\"\n---\nHome, [here](https://x.example.com/).\n");
    site.write("content/articles/_index.md", "---\ntitle: \"Articles\"\n---\n");
    check_external(&site, &[]).ok().stderr_has("No outside links to check.").stdout_has("No problems found");
    assert!(!site.root.join(".folio/cache").exists(), "a cache was written with nothing in it");
}

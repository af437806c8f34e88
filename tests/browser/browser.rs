//! The editing loop in a real browser: headless Chromium, driven over the DevTools protocol,
//! against `folio serve` on the sample site. Open an article, edit its Markdown and see the page
//! reload with the new text; break its front matter and see the overlay name the file and line;
//! fix it and see the overlay go; submit the contact form and land on the thank-you page with the
//! submission stored. Compiled into the `it` test binary from tests/it/serve.rs.
//!
//! Needs Chromium (`apt-get install chromium`, or FOLIO_CHROMIUM=/path/to/chrome). Without it the
//! test fails when CI is set and is skipped with a note otherwise.

use super::{edit, Server, ARTICLE, ARTICLE_URL};
use crate::support::Site;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tungstenite::{Message, WebSocket};

/// Chromium, or `None` (with a note) to skip the test; a failure when CI is set.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        let msg = "Chromium not found: install it (apt-get install chromium) or set FOLIO_CHROMIUM";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}; the browser test must run in CI");
        }
        eprintln!("note: skipping the browser test. {msg}");
    }
    found
}

/// The submissions `folio serve` stored for `site`.
fn stored(site: &Site) -> Vec<Value> {
    let text = std::fs::read_to_string(site.root.join(".folio/submissions.jsonl")).expect("a stored submission");
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FOLIO_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]).collect();
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for d in &dirs {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// A headless Chromium with a fresh profile, killed (and its profile removed) when dropped.
struct Browser {
    child: Child,
    profile: PathBuf,
    page: WebSocket<TcpStream>,
    next_id: u64,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // SIGTERM lets Chromium take its helper processes down with it; SIGKILL if it lingers.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..50 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Helpers may still be writing to the profile for a moment.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Retries `f` (at most ~60 s of 100 ms pauses).
fn retry<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(v) = f() {
            return v;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("never happened: {what}");
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes()).ok()?;
    // DevTools keeps the connection open: read the head, then exactly Content-Length bytes.
    let mut reader = BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    String::from_utf8(body).ok()
}

impl Browser {
    fn launch(chromium: &Path) -> Browser {
        let profile = std::env::temp_dir().join(format!("folio-chromium-{}-{}", std::process::id(), rand_suffix()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile folder");
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start Chromium");
        // Keep draining stderr so Chromium never blocks on a full pipe.
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || for _ in BufReader::new(err).lines().map_while(Result::ok) {});
        }
        // Chromium writes the port it chose into the profile.
        let port: u16 = retry("Chromium writes DevToolsActivePort", || {
            std::fs::read_to_string(profile.join("DevToolsActivePort")).ok()?.lines().next()?.trim().parse().ok()
        });
        let ws_url = retry("Chromium lists its page", || {
            let list: Value = serde_json::from_str(&http_get(port, "/json/list")?).ok()?;
            list.as_array()?.iter().find(|t| t["type"] == "page").and_then(|t| t["webSocketDebuggerUrl"].as_str().map(String::from))
        });
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to DevTools");
        stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
        let (page, _) = tungstenite::client(ws_url.as_str(), stream).expect("DevTools websocket");
        let mut b = Browser { child, profile, page, next_id: 0 };
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b
    }

    /// Sends one DevTools command and waits for its answer (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap_or_else(|v| panic!("{method} failed: {v}"))
    }

    /// A DevTools call; `Err` holds the answer when DevTools refused it.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params }).to_string();
        self.page.send(Message::text(msg)).expect("send to DevTools");
        loop {
            let msg = self.page.read().expect("read from DevTools");
            let Ok(text) = msg.to_text() else { continue };
            let Ok(v) = serde_json::from_str::<Value>(text) else { continue };
            if v["id"] == id {
                return if v.get("error").is_some() { Err(v) } else { Ok(v["result"].clone()) };
            }
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value: null while the page
    /// is between documents (a navigation destroys the context an evaluation was sent to).
    fn eval(&mut self, expression: &str) -> Value {
        match self.try_call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true })) {
            Ok(r) => r["result"]["value"].clone(),
            Err(_) => Value::Null,
        }
    }

    fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_listening();
    }

    /// Waits until the page has loaded and its live-reload script has heard from the server.
    fn wait_listening(&mut self) {
        retry("the page loads and connects to /__folio/events", || {
            (self.eval("document.readyState === 'complete' && !!window.__folio && window.__folio.connected") == true).then_some(())
        });
    }

    /// Opens `url` and waits until its document is parsed — not for its images (which a debug
    /// build of serve may still be making) nor its live-reload connection.
    fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        let expected = serde_json::to_string(url).unwrap_or_default();
        retry("the page loads", || (self.eval(&format!("location.href === {expected} && document.readyState !== 'loading'")) == true).then_some(()));
    }

    fn wait_for(&mut self, what: &str, expression: &str) {
        retry(what, || (self.eval(expression) == true).then_some(()));
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}

#[test]
fn the_editing_loop_in_a_real_browser() {
    let Some(chromium) = chromium_or_skip() else { return };
    let server = Server::start(Site::sample());
    let base = format!("http://127.0.0.1:{}", server.port);
    let mut b = Browser::launch(&chromium);

    // Open an article; edit its Markdown; the page reloads with the new text.
    b.navigate(&format!("{base}{ARTICLE_URL}"));
    assert_eq!(b.eval("document.title.includes('CIO vs. CTO')"), true);
    b.eval("window.__notReloaded = true");
    edit(&server.site, ARTICLE, |t| format!("{t}\nA sentence typed in the editor just now.\n"));
    b.wait_for(
        "the page reloads with the new text",
        "!window.__notReloaded && document.readyState === 'complete' && document.body.innerText.includes('A sentence typed in the editor just now.')",
    );
    b.wait_listening();

    // Break the front matter: the overlay names the file and the line, over the last good page.
    edit(&server.site, ARTICLE, |t| t.replacen("title:", "tittle:", 1));
    b.wait_for(
        "the overlay shows the file and line",
        "(function(){ var o = document.getElementById('folio-error-overlay'); \
         return !!o && o.innerText.includes('content/articles/cio-vs-cto.md:2') && o.innerText.includes('tittle'); })()",
    );
    assert_eq!(b.eval("document.body.innerText.includes('A sentence typed in the editor just now.')"), true);

    // A page opened while the site is broken shows the overlay too.
    b.navigate(&format!("{base}/about/"));
    b.wait_for("a newly opened page shows the overlay", "!!document.getElementById('folio-error-overlay')");

    // Fix it: the overlay goes and the page reloads.
    b.navigate(&format!("{base}{ARTICLE_URL}"));
    b.eval("window.__notReloaded = true");
    edit(&server.site, ARTICLE, |t| t.replacen("tittle:", "title:", 1));
    b.wait_for(
        "the overlay goes after the fix",
        "!window.__notReloaded && document.readyState === 'complete' && !document.getElementById('folio-error-overlay')",
    );

    // A stylesheet edit swaps the stylesheet in place: no reload.
    b.wait_listening();
    b.eval("window.__notReloaded = true");
    edit(&server.site, "themes/default/static/css/site.css", |t| format!("{t}\nbody {{ outline: 3px solid rgb(1, 2, 3); }}\n"));
    b.wait_for(
        "the stylesheet is swapped without a reload",
        "window.__notReloaded === true && getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)' \
         && [].some.call(document.querySelectorAll('link[rel=stylesheet]'), function (l) { return l.href.includes('folio-reload='); })",
    );

    // Submit the contact form: the thank-you page shows and the submission is stored.
    b.navigate(&format!("{base}/contact/"));
    b.eval(
        "(function(){ var f = document.querySelector('[data-contact-form]'); \
         f.querySelector('[name=name]').value = 'Browser Tester'; \
         f.querySelector('[name=email]').value = 'browser@example.com'; \
         f.querySelector('[name=company]').value = 'Headless Ltd'; \
         f.querySelector('[name=message]').value = 'Sent from headless Chromium.'; \
         f.querySelector('button[type=submit]').click(); return true; })()",
    );
    b.wait_for(
        "the thank-you page shows",
        "location.pathname === '/contact/thanks/' && document.readyState === 'complete' && document.body.innerText.includes('Thank you')",
    );
    let lines = stored(&server.site);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["fields"]["name"], "Browser Tester");
    assert_eq!(lines[0]["fields"]["company"], "Headless Ltd");
    assert_eq!(lines[0]["spam"], false);
    assert!(lines[0]["user_agent"].as_str().unwrap_or_default().contains("Chrome"), "{}", lines[0]);
}

/// The contact form at phone width against `folio serve` emulating Netlify Forms and Formspree:
/// an empty submit shows a message beside each required field; a filled one ends on the
/// thank-you page with the submission stored.
#[test]
fn the_contact_form_at_phone_width_with_netlify_and_formspree() {
    let Some(chromium) = chromium_or_skip() else { return };
    for (provider, contact) in [("netlify", crate::forms::NETLIFY), ("formspree", crate::forms::FORMSPREE)] {
        let server = Server::start(crate::forms::sample_with(contact));
        let base = format!("http://127.0.0.1:{}", server.port);
        let mut b = Browser::launch(&chromium);
        b.call("Emulation.setDeviceMetricsOverride", json!({ "width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": true }));
        b.navigate(&format!("{base}/contact/"));
        b.wait_listening();
        if provider == "formspree" {
            // The live-reload script routes the off-site form to serve's emulation.
            b.wait_for("the form posts to the emulation", "document.querySelector('[data-contact-form]').getAttribute('action') === '/__folio/forms'");
        }
        assert_eq!(b.eval("document.documentElement.clientWidth"), 390, "{provider}: phone width");
        b.eval("document.querySelector('[data-contact-form] button[type=submit]').click(); true");
        b.wait_for(
            "a message beside each required field",
            "['cf-name-error','cf-email-error','cf-message-error'].every(function (id) { return document.getElementById(id).textContent.length > 0; }) \
             && document.activeElement && document.activeElement.id === 'cf-name'",
        );
        b.eval(
            "(function(){ var f = document.querySelector('[data-contact-form]'); \
             f.querySelector('#cf-name').value = 'Phone Tester'; \
             f.querySelector('#cf-email').value = 'phone@example.com'; \
             f.querySelector('#cf-message').value = 'Sent at phone width.'; \
             f.querySelector('button[type=submit]').click(); return true; })()",
        );
        b.wait_for(
            "the thank-you page shows",
            "location.pathname === '/contact/thanks/' && document.readyState === 'complete' && document.body.innerText.includes('Thank you')",
        );
        let lines = stored(&server.site);
        assert_eq!(lines.len(), 1, "{provider}: {lines:?}");
        assert_eq!(lines[0]["fields"]["name"], "Phone Tester", "{provider}");
        assert_eq!(lines[0]["fields"]["message"], "Sent at phone width.", "{provider}");
        assert_eq!(lines[0]["spam"], false, "{provider}");
    }
}

/// axe-core (installed by `npm ci --prefix tests/vnu`), or `None` (with a note) to skip; a
/// failure when CI is set.
/// The WCAG 2.1 A and AA violations axe (already loaded into the page) finds in the open page,
/// each as "rule at selectors".
fn axe_violations(b: &mut Browser) -> Vec<String> {
    let run = b.call(
        "Runtime.evaluate",
        json!({
            "expression": "axe.run(document, { preload: false, runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
                .then(function (r) { return r.violations.map(function (v) { return v.id + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }); })",
            "awaitPromise": true,
            "returnByValue": true,
        }),
    );
    let violations = run["result"]["value"].as_array().cloned().unwrap_or_else(|| panic!("axe did not run: {run}"));
    violations.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

fn axe_or_skip() -> Option<String> {
    let path = crate::support::repo_root().join("tests/vnu/node_modules/axe-core/axe.min.js");
    let found = std::fs::read_to_string(&path).ok();
    if found.is_none() {
        let msg = format!("{} not found: run `npm ci --prefix tests/vnu`", path.display());
        if std::env::var_os("CI").is_some() {
            panic!("{msg}; the accessibility test must run in CI");
        }
        eprintln!("note: skipping the accessibility test. {msg}");
    }
    found
}

/// Every kind of page the default theme makes, checked by axe-core for the WCAG 2.1 A and AA
/// rules in Chromium, at phone and desktop width, in light and dark mode.
#[test]
fn every_page_type_passes_axe_at_phone_and_desktop_width_light_and_dark() {
    let Some(chromium) = chromium_or_skip() else { return };
    let Some(axe) = axe_or_skip() else { return };
    let server = Server::start(Site::sample());
    let base = format!("http://127.0.0.1:{}", server.port);
    let mut b = Browser::launch(&chromium);
    // Raster images stay out of it: axe reads the markup, and each first request of a copy
    // would have serve (a debug build here) encode it, holding a worker for up to a minute.
    b.call("Network.enable", json!({}));
    b.call("Network.setBlockedURLs", json!({ "urls": ["*.jpg", "*.jpeg", "*.png", "*.webp"] }));
    let pages = [
        "/",
        "/articles/",
        "/articles/what-is-cto-as-a-service/",
        "/tags/cto/",
        "/about/",
        "/authors/",
        "/authors/maya-okafor/",
        "/case-studies/",
        "/case-studies/harbourline-freight/",
        "/faq/",
        "/faq/cto-as-a-service/",
        "/pricing/",
        "/contact/",
        "/search/",
        "/no-such-page/",
    ];
    let mut found = Vec::new();
    for (width, height, mobile) in [(390, 844, true), (1280, 900, false)] {
        b.call("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }));
        for scheme in ["light", "dark"] {
            b.call("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }));
            for page in pages {
                b.open(&format!("{base}{page}"));
                b.call("Runtime.evaluate", json!({ "expression": axe }));
                found.extend(axe_violations(&mut b).iter().map(|v| format!("{page} at {width} px, {scheme}: {v}")));
            }
        }
    }
    assert!(found.is_empty(), "axe found WCAG 2.1 AA violations:\n{}", found.join("\n"));
}

/// Presses a key in the page the way a keyboard does (keyDown, then keyUp).
fn press(b: &mut Browser, key: &str, code: u32) {
    let text = if key == "Enter" { "\r" } else { "" };
    b.call("Input.dispatchKeyEvent", json!({ "type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code, "text": text }));
    b.call("Input.dispatchKeyEvent", json!({ "type": "keyUp", "key": key, "code": key, "windowsVirtualKeyCode": code }));
}

/// The search box in the header: typing shows results with the matched words marked, the arrow
/// keys move the selection, Escape closes, and Enter opens the first result at its heading's
/// anchor. The open results pass axe at phone width, light and dark.
#[test]
fn the_header_search_box_finds_highlights_and_opens_with_enter() {
    let Some(chromium) = chromium_or_skip() else { return };
    let server = Server::start(Site::sample());
    let base = format!("http://127.0.0.1:{}", server.port);
    let mut b = Browser::launch(&chromium);
    b.call("Network.enable", json!({}));
    b.call("Network.setBlockedURLs", json!({ "urls": ["*.jpg", "*.jpeg", "*.png", "*.webp"] }));
    b.call("Emulation.setDeviceMetricsOverride", json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }));
    b.open(&format!("{base}{ARTICLE_URL}"));
    b.wait_for("search.js is loaded", "document.readyState === 'complete'");

    b.eval("document.getElementById('header-search-input').focus()");
    b.call("Input.insertText", json!({ "text": "password manager" }));
    b.wait_for(
        "results with marked words",
        "(function(){ var o = document.querySelectorAll('#header-search-results [role=option]'); \
         return o.length > 0 && !!o[0].querySelector('.search-hit-text mark') \
         && document.getElementById('header-search-input').getAttribute('aria-expanded') === 'true'; })()",
    );
    let first = b.eval("document.querySelector('#header-search-results [role=option]').getAttribute('data-url')");
    let first = first.as_str().unwrap().to_string();
    assert_eq!(first, "/articles/security-policy-basics/#a-sample-password-and-access-policy");
    let marked = b.eval("[].map.call(document.querySelectorAll('#header-search-results [role=option]:first-child mark'), function (m) { return m.textContent.toLowerCase(); }).join(' ')");
    let marked = marked.as_str().unwrap().to_string();
    assert!(marked.contains("password") && marked.contains("manager"), "marked: {marked}");
    // The excerpt is cut at word boundaries: it starts and ends with a whole word or "…".
    let excerpt = b.eval("document.querySelector('#header-search-results [role=option] .search-hit-text').textContent");
    let excerpt = excerpt.as_str().unwrap().to_string();
    assert!(excerpt.split_whitespace().count() <= 30, "{excerpt}");

    // The open results pass axe, light and dark.
    if let Some(axe) = axe_or_skip() {
        b.call("Runtime.evaluate", json!({ "expression": axe }));
        for scheme in ["light", "dark"] {
            b.call("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }));
            let violations = axe_violations(&mut b);
            assert!(violations.is_empty(), "{scheme}: {violations:?}");
        }
    }

    // Arrow keys move the selection (the input keeps focus: aria-activedescendant).
    press(&mut b, "ArrowDown", 40);
    assert_eq!(b.eval("document.getElementById('header-search-input').getAttribute('aria-activedescendant')"), "header-search-input-option-1");
    assert_eq!(b.eval("document.activeElement.id"), "header-search-input");
    press(&mut b, "ArrowUp", 38);
    assert_eq!(b.eval("document.querySelector('[aria-selected=true]').id"), "header-search-input-option-0");
    // Escape closes; typing again opens.
    press(&mut b, "Escape", 27);
    assert_eq!(b.eval("document.querySelector('[data-search-popover]').hidden"), true);
    b.call("Input.insertText", json!({ "text": "s" }));
    b.wait_for("results again", "document.querySelector('[data-search-popover]').hidden === false");
    // "password managers": the plural finds the same section (stemming).
    b.wait_for(
        "the first result is the section again",
        &format!(
            "(function(){{ var o = document.querySelector('#header-search-results [role=option]'); return !!o && o.getAttribute('data-url') === {}; }})()",
            serde_json::to_string(&first).unwrap()
        ),
    );

    // Enter opens the first result, at its heading.
    press(&mut b, "Enter", 13);
    let want = format!("{base}{first}");
    b.wait_for("the first result opens", &format!("location.href === {}", serde_json::to_string(&want).unwrap()));
}

//! Live reload: one thread holds every open page's server-sent-events stream and writes each
//! rebuild's outcome to all of them (so a waiting page never ties up a request worker), the
//! script that pages load to listen, and its injection into HTML in serve mode only.

use crate::diag::Diagnostic;
use serde_json::json;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The reserved URL prefix of the dev server's own endpoints.
pub const PREFIX: &str = "__folio/";
/// Where pages listen for rebuilds.
pub const EVENTS_PATH: &str = "__folio/events";
/// The injected script.
pub const SCRIPT_PATH: &str = "__folio/live.js";
/// The current build status as JSON (also what a page loaded while broken asks for).
pub const STATUS_PATH: &str = "__folio/status";

/// Open event streams at most; more get 503 (a browser only opens a few per tab anyway).
pub const MAX_CLIENTS: usize = 64;

/// The script, served at [`SCRIPT_PATH`].
pub const SCRIPT: &str = include_str!("live.js");

/// How often an idle stream gets a comment line, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The site's build state as pages see it.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// The generation of the snapshot being served (0: nothing built yet).
    pub generation: u64,
    /// The errors of the last build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
}

fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    json!({
        "path": d.path.to_string_lossy().replace('\\', "/"),
        "line": d.line,
        "col": d.col,
        "message": d.message,
        "help": d.help,
        "snippet": d.snippet,
        "kind": d.kind,
        "severity": d.severity,
    })
}

impl Status {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "generation": self.generation,
            "ok": self.errors.is_empty(),
            "errors": self.errors.iter().map(diagnostic_json).collect::<Vec<_>>(),
        })
    }
}

/// One server-sent event, ready to write (`data` is one JSON line, so it needs no escaping).
pub fn event(name: &str, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// What pages are told after a successful rebuild.
pub fn reload_event(generation: u64, css_only: bool, changed: &[String], rendered: usize, millis: u128) -> String {
    let shown: Vec<&String> = changed.iter().take(50).collect();
    event(
        "reload",
        &json!({
            "generation": generation,
            "css_only": css_only,
            "changed": shown,
            "changed_count": changed.len(),
            "rendered": rendered,
            "millis": millis,
        }),
    )
}

/// Inserts the live-reload script before the last `</body>` (or at the end).
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/{SCRIPT_PATH}\" data-folio-generation=\"{generation}\" defer></script>");
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A page shown while no build has succeeded yet: the script draws the errors over it.
pub fn no_site_page() -> Vec<u8> {
    let html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed · folio</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body>\
<main style=\"font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
<h1>The site could not be built yet</h1><p>folio is watching your files. Fix the errors shown and this page \
reloads by itself.</p></main></body></html>\n";
    inject(html.as_bytes(), 0)
}

enum Msg {
    Join(Box<dyn Write + Send>, String),
    Broadcast(String),
    Stop,
}

/// The thread that owns every event stream.
pub struct Hub {
    tx: Mutex<Sender<Msg>>,
    clients: Arc<AtomicUsize>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Hub {
    pub fn start() -> std::io::Result<Hub> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let clients = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&clients);
        let thread = thread::Builder::new().name("folio-livereload".into()).spawn(move || {
            let mut streams: Vec<Box<dyn Write + Send>> = Vec::new();
            loop {
                let msg = rx.recv_timeout(KEEPALIVE);
                match msg {
                    Ok(Msg::Join(mut w, hello)) => {
                        if w.write_all(hello.as_bytes()).and_then(|()| w.flush()).is_ok() {
                            streams.push(w);
                        }
                    }
                    Ok(Msg::Broadcast(text)) => send_all(&mut streams, &text),
                    Err(RecvTimeoutError::Timeout) => send_all(&mut streams, ": keep-alive\n\n"),
                    Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                }
                count.store(streams.len(), Ordering::SeqCst);
            }
            count.store(0, Ordering::SeqCst);
            // Dropping the streams ends every page's connection.
        })?;
        Ok(Hub { tx: Mutex::new(tx), clients, thread: Mutex::new(Some(thread)) })
    }

    fn send(&self, msg: Msg) {
        let tx = self.tx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = tx.send(msg);
    }

    /// Whether another stream may join.
    pub fn has_room(&self) -> bool {
        self.clients.load(Ordering::SeqCst) < MAX_CLIENTS
    }

    /// Adds a page's stream (its response head already written); `hello` is sent first.
    pub fn join(&self, stream: Box<dyn Write + Send>, hello: String) {
        self.clients.fetch_add(1, Ordering::SeqCst);
        self.send(Msg::Join(stream, hello));
    }

    pub fn broadcast(&self, text: String) {
        self.send(Msg::Broadcast(text));
    }

    /// Closes every stream and joins the thread.
    pub fn stop(&self) {
        self.send(Msg::Stop);
        let handle = self.thread.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

fn send_all(streams: &mut Vec<Box<dyn Write + Send>>, text: &str) {
    streams.retain_mut(|w| w.write_all(text.as_bytes()).and_then(|()| w.flush()).is_ok());
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 7);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script src=\"/__folio/live.js\" data-folio-generation=\"7\" defer></script></BODY></html>"
        );
        let out = inject(b"<p>no body end", 1);
        assert!(String::from_utf8(out).unwrap().ends_with("defer></script>"));
    }

    #[test]
    fn events_are_single_json_lines() {
        let d = Diagnostic::at("content/a.md", "---\ntitle: \"x\n---\n", 2, 8, "unterminated string <b>")
            .with_help("close the quote")
            .kind(crate::diag::Kind::FrontMatter);
        let status = Status { generation: 3, errors: vec![d] };
        let text = event("errors", &status.to_json());
        assert!(text.starts_with("event: errors\ndata: {"));
        assert_eq!(text.matches('\n').count(), 3, "{text}");
        let data: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap().strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["errors"][0]["path"], "content/a.md");
        assert_eq!(data["errors"][0]["line"], 2);
        assert_eq!(data["errors"][0]["message"], "unterminated string <b>");
        assert_eq!(data["errors"][0]["snippet"], "title: \"x");
        assert_eq!(data["errors"][0]["kind"], "front_matter");
        assert_eq!(data["errors"][0]["severity"], "error");
        assert_eq!(data["ok"], false);
    }

    #[test]
    fn reload_events_carry_the_report() {
        let text = reload_event(4, true, &["css/site.css".into()], 1, 12);
        assert!(text.contains("\"css_only\":true"), "{text}");
        assert!(text.contains("\"rendered\":1"), "{text}");
    }
}

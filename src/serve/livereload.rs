//! Live reload: one thread holds every open page's server-sent-events stream and writes each
//! rebuild's outcome to all of them (so a waiting page never ties up a request worker), the
//! script that pages load to listen, and its injection into HTML in serve mode only. The front
//! door hands each stream over and takes it back the moment its page closes, so the count of
//! streams is always the count of open pages.

use crate::diag::Diagnostic;
use serde_json::json;
use std::collections::HashSet;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
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

/// Open event streams at most (one per open page); more get 503, and the script tries again.
pub const MAX_CLIENTS: usize = 64;

/// The start of every stream: the response head and the reconnection delay.
pub const STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";

/// The script, served at [`SCRIPT_PATH`].
pub const SCRIPT: &str = include_str!("live.js");

/// How often an idle stream gets a comment line (for anything between the page and the server
/// that closes quiet connections).
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
        "path": crate::diag::slashed(&d.path),
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
    Join(u64, TcpStream, String),
    Leave(u64),
    Broadcast(String),
    Stop,
}

/// The thread that owns every event stream.
pub struct Hub {
    tx: Mutex<Sender<Msg>>,
    /// The streams open now; a slot is taken when a stream joins and freed when it leaves or
    /// fails, so the limit counts live pages only.
    live: Arc<Mutex<HashSet<u64>>>,
    next: AtomicU64,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Hub {
    pub fn start() -> std::io::Result<Hub> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let live = Arc::new(Mutex::new(HashSet::new()));
        let live2 = Arc::clone(&live);
        let thread = thread::Builder::new().name("folio-livereload".into()).spawn(move || {
            let mut streams: Vec<(u64, TcpStream)> = Vec::new();
            loop {
                let msg = rx.recv_timeout(KEEPALIVE);
                match msg {
                    Ok(Msg::Join(id, mut stream, first)) => {
                        // A page that already left (or cannot take the first bytes) is dropped.
                        if lock(&live2).contains(&id) && write_event(&mut stream, &first) {
                            streams.push((id, stream));
                        } else {
                            let _ = stream.shutdown(Shutdown::Both);
                            lock(&live2).remove(&id);
                        }
                    }
                    Ok(Msg::Leave(id)) => streams.retain(|(s, _)| *s != id),
                    Ok(Msg::Broadcast(text)) => send_all(&mut streams, &text, &live2),
                    Err(RecvTimeoutError::Timeout) => send_all(&mut streams, ": keep-alive\n\n", &live2),
                    Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            for (_, stream) in &streams {
                let _ = stream.shutdown(Shutdown::Both);
            }
            lock(&live2).clear();
        })?;
        Ok(Hub { tx: Mutex::new(tx), live, next: AtomicU64::new(1), thread: Mutex::new(Some(thread)) })
    }

    fn send(&self, msg: Msg) {
        let _ = lock(&self.tx).send(msg);
    }

    /// Takes a page's connection as a stream: `first` ([`STREAM_HEAD`] and the hello event) is
    /// written first. `None` when [`MAX_CLIENTS`] streams are open.
    pub fn join(&self, stream: TcpStream, first: String) -> Option<u64> {
        let id = {
            let mut live = lock(&self.live);
            if live.len() >= MAX_CLIENTS {
                return None;
            }
            let id = self.next.fetch_add(1, Ordering::Relaxed);
            live.insert(id);
            id
        };
        self.send(Msg::Join(id, stream, first));
        Some(id)
    }

    /// The page closed its stream: its slot is free at once.
    pub fn leave(&self, id: u64) {
        lock(&self.live).remove(&id);
        self.send(Msg::Leave(id));
    }

    pub fn broadcast(&self, text: String) {
        self.send(Msg::Broadcast(text));
    }

    /// Closes every stream and joins the thread.
    pub fn stop(&self) {
        self.send(Msg::Stop);
        let handle = lock(&self.thread).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

fn write_event(stream: &mut TcpStream, text: &str) -> bool {
    stream.write_all(text.as_bytes()).and_then(|()| stream.flush()).is_ok()
}

/// Writes `text` to each stream; one that fails (or stalls past its write timeout) is closed,
/// which also ends the front door's wait on it, and its slot freed.
fn send_all(streams: &mut Vec<(u64, TcpStream)>, text: &str, live: &Mutex<HashSet<u64>>) {
    streams.retain_mut(|(id, stream)| {
        let ok = write_event(stream, text);
        if !ok {
            let _ = stream.shutdown(Shutdown::Both);
            lock(live).remove(id);
        }
        ok
    });
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

//! Answering requests: the tiny_http worker pool and the router. Every request is checked for
//! its Host (DNS rebinding), its path (see `paths`) and its method, then answered from the
//! snapshot of the last good build (rendered files read from the session's store on disk,
//! static files from the site), by the contact stub, or by the dev server's own endpoints under
//! `/__folio/`. No answer carries CORS headers.

use super::contact::{self, Endpoint, Post};
use super::guard::{self, PEER_HEADER, SECRET_HEADER, STREAM_HEADER};
use super::livereload::{self, Hub, Status};
use super::paths::{self, Refused, Resolved, SitePath};
use crate::config::forms::{Form, Provider};
use crate::session::{Served, Snapshot};
use std::io::{Cursor, Read};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Which Host headers the server answers: loopback names and the address it is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRule {
    pub bound: IpAddr,
    pub port: u16,
}

/// Whether a Host header (or an Origin's authority) names this server. A name other than
/// `localhost` is refused even if it resolves here: that is what DNS rebinding looks like.
/// When bound to all interfaces (`0.0.0.0`), any IP literal is accepted, names still are not.
pub fn host_allowed(host: &str, rule: &HostRule) -> bool {
    let host = host.trim();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else { return false };
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        match inside.parse::<std::net::Ipv6Addr>() {
            Ok(_) => (inside, port),
            Err(_) => return false,
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().ok() != Some(rule.port) {
            return false;
        }
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip == IpAddr::V4(Ipv4Addr::LOCALHOST) || ip == IpAddr::V6(std::net::Ipv6Addr::LOCALHOST) || ip == rule.bound || rule.bound.is_unspecified(),
        Err(_) => false,
    }
}

/// The paths that take a contact-form post, and in which provider's dialect.
#[derive(Debug, Clone)]
pub struct FormRoutes {
    /// folio's stub (`contact.endpoint`): the SPEC contract whatever the provider.
    pub stub: Form,
    /// The site's own form, as its provider receives it.
    pub site: Form,
}

impl FormRoutes {
    pub fn of(contact: &crate::config::ContactConfig, site_title: &str) -> FormRoutes {
        FormRoutes { stub: Form::stub(&contact.endpoint), site: contact.form(site_title) }
    }

    /// The form a POST to `path` (as [`paths::sanitize`] gives it) is for, if any.
    fn for_post(&self, path: &str) -> Option<&Form> {
        let is = |p: &str| path == p.trim_matches('/');
        if is(&self.stub.action) && !path.is_empty() {
            return Some(&self.stub);
        }
        let site = &self.site;
        let takes = match site.provider {
            // Netlify takes a form's post at any path; the form's script posts to its action.
            Some(Provider::Netlify) => is(&site.action) || path.is_empty(),
            // An off-site provider's post, routed here by the live-reload script.
            _ if site.off_site => path == FORMS_PATH,
            // A same-origin function's path.
            Some(Provider::Custom) => is(&site.action),
            _ => false,
        };
        takes.then_some(site)
    }
}

/// Where the live-reload script sends an off-site provider's form in `folio serve`.
pub const FORMS_PATH: &str = "__folio/forms";

/// What the request handlers share.
pub struct Shared {
    /// The last good build.
    pub snapshot: RwLock<Arc<Snapshot>>,
    /// The outcome of the last build. Written together with broadcasting it, and read together
    /// with joining a new event stream, so no page misses a rebuild between the two.
    pub status: RwLock<Status>,
    pub hub: Hub,
    pub contact: Endpoint,
    /// Where contact forms are posted, read again with site.yaml.
    pub forms: RwLock<FormRoutes>,
    pub hosts: HostRule,
    /// The per-run secret the front door adds to every request it forwards.
    pub secret: String,
    /// `--drafts`, `--future`, `--expired`: what a page left out would need to be shown.
    pub flags: super::held::Flags,
    /// Where the copies of images are kept (made on first request when not yet there).
    pub image_cache: crate::images::cache::Cache,
}

/// Live-reload streams: the front door hands each page's connection over here.
impl guard::Streams for Shared {
    fn join(&self, client: std::net::TcpStream) -> Option<u64> {
        // Joined under the status lock, which a rebuild holds while it broadcasts: a page hears
        // either the old status and then the rebuild, or the new status.
        let status = self.status.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let first = format!("{}{}", livereload::STREAM_HEAD, livereload::event("hello", &status.to_json()));
        self.hub.join(client, first)
    }

    fn leave(&self, id: u64) {
        self.hub.leave(id);
    }
}

/// A random secret for this run, from the operating system's randomness (std seeds `RandomState`
/// from it), 128 bits as hex.
pub fn new_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let word = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
        h.finish()
    };
    format!("{:016x}{:016x}", word(), word())
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

/// Serves requests until `stop` is set; each request is answered in full before checking.
pub fn worker(server: &tiny_http::Server, shared: &Shared, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(request)) => {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(shared, request)));
                if outcome.is_err() {
                    eprintln!("folio serve: a request handler panicked; the server carries on");
                }
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("folio serve: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn header<'a>(req: &'a Request, name: &'static str) -> Option<&'a str> {
    req.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn h(name: &str, value: &str) -> Header {
    // Names are our own constants and values are ASCII we made; a value that still fails is
    // sent empty rather than crashing a worker.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).or_else(|()| Header::from_bytes(name.as_bytes(), &b""[..])).expect("header names are constant tokens")
}

/// The headers every answer has. Pages are revalidated on every load (the site changes under
/// the editor's hands); the server's own answers are never stored.
fn base_headers(content_type: &str, cache: &str) -> Vec<Header> {
    vec![h("Content-Type", content_type), h("Cache-Control", cache), h("X-Content-Type-Options", "nosniff")]
}

fn text(status: u16, body: &str) -> Response<Cursor<Vec<u8>>> {
    bytes_cached(status, "text/plain; charset=utf-8", body.as_bytes().to_vec(), "no-store")
}

fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response<Cursor<Vec<u8>>> {
    bytes_cached(status, content_type, body, "no-cache")
}

fn bytes_cached(status: u16, content_type: &str, body: Vec<u8>, cache: &str) -> Response<Cursor<Vec<u8>>> {
    let len = body.len();
    Response::new(StatusCode(status), base_headers(content_type, cache), Cursor::new(body), Some(len), None)
}

fn respond<R: Read>(req: Request, resp: Response<R>) {
    // A client that went away is not an error worth reporting.
    let _ = req.respond(resp);
}

fn method_not_allowed(req: Request, allow: &str) {
    respond(req, text(405, "405 Method Not Allowed\n").with_header(h("Allow", allow)));
}

/// Answers one request.
pub fn handle(shared: &Shared, req: Request) {
    // Only the front door knows the secret: a page that finds the inner port gets nothing.
    if header(&req, SECRET_HEADER) != Some(shared.secret.as_str()) {
        return respond(req, text(403, "403 Forbidden\n"));
    }
    if !header(&req, "Host").is_some_and(|host| host_allowed(host, &shared.hosts)) {
        let msg = "403 Forbidden: this development server only answers requests for localhost or its own address.\n";
        return respond(req, text(403, msg));
    }
    let path = match paths::sanitize(req.url()) {
        Ok(p) => p,
        Err(Refused::TooLong) => return respond(req, text(414, "414 URI Too Long\n")),
        Err(Refused::Bad(why)) => return respond(req, text(400, &format!("400 Bad Request: {why}\n"))),
    };
    let snapshot = read(&shared.snapshot);
    let form = read(&shared.forms).for_post(&path.path).cloned();
    if let Some(form) = form {
        if *req.method() == Method::Post {
            return contact(shared, req, &form);
        }
        // The stub's path takes only POST, unless a page is there too (a form may post to its
        // own page's URL); a provider's paths are pages like any other.
        if form.provider.is_none() {
            let page = paths::resolve(&path, |p| snapshot.contains(p)) != Resolved::NotFound;
            if !(page && matches!(req.method(), Method::Get | Method::Head)) {
                return method_not_allowed(req, if page { "GET, HEAD, POST" } else { "POST" });
            }
        }
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        return method_not_allowed(req, "GET, HEAD");
    }
    if path.path == livereload::PREFIX.trim_end_matches('/') || path.path.starts_with(livereload::PREFIX) {
        return own_endpoint(shared, req, &path);
    }
    if snapshot.generation == 0 {
        return respond(req, bytes_cached(503, "text/html; charset=utf-8", livereload::no_site_page(), "no-store"));
    }
    match paths::resolve(&path, |p| snapshot.contains(p)) {
        Resolved::File(key) => serve_file(req, &snapshot, &key, 200, &shared.image_cache),
        Resolved::Redirect(location) => {
            let resp = text(308, &format!("308 Permanent Redirect to {location}\n")).with_header(h("Location", &location));
            respond(req, resp)
        }
        Resolved::NotFound if held_page(&snapshot, &path).is_some() => {
            let notice = held_page(&snapshot, &path).map(|p| super::held::notice(p, shared.flags)).unwrap_or_default();
            let not_found = match snapshot.get("404.html") {
                Some(served @ (Served::Bytes(_) | Served::Stored(_))) => snapshot.rendered(served).and_then(Result::ok),
                Some(Served::File(file)) => crate::load::open_asset(file).ok().and_then(|(mut f, _)| {
                    let mut html = Vec::new();
                    f.read_to_end(&mut html).ok().map(|_| html)
                }),
                Some(Served::Made(_)) | None => None,
            };
            let html = super::held::page(not_found.as_deref(), &notice);
            respond(req, bytes(404, "text/html; charset=utf-8", livereload::inject(&html, snapshot.generation)))
        }
        Resolved::NotFound if snapshot.contains("404.html") => serve_file(req, &snapshot, "404.html", 404, &shared.image_cache),
        Resolved::NotFound => respond(req, text(404, "404 Not Found\n")),
    }
}

/// The page this build left out at the requested address, if any: the address a draft would
/// have (`/articles/x/`, `/articles/x`, `/articles/x/index.html`).
fn held_page<'a>(snapshot: &'a Snapshot, path: &SitePath) -> Option<&'a crate::model::window::HeldPage> {
    if path.path.is_empty() {
        return snapshot.held("index.html");
    }
    let index = format!("{}/index.html", path.path);
    if path.trailing_slash {
        return snapshot.held(&index);
    }
    snapshot.held(&path.path).or_else(|| snapshot.held(&index))
}

fn serve_file(req: Request, snapshot: &Snapshot, key: &str, status: u16, cache: &crate::images::cache::Cache) {
    let content_type = paths::content_type(key);
    let is_html = content_type.starts_with("text/html");
    match snapshot.get(key) {
        Some(Served::Bytes(data)) if is_html => respond(req, bytes(status, content_type, livereload::inject(data, snapshot.generation))),
        Some(Served::Bytes(data)) => {
            let len = data.len();
            let headers = base_headers(content_type, "no-cache");
            let resp = Response::new(StatusCode(status), headers, Cursor::new(Arc::clone(data)), Some(len), None);
            respond(req, resp)
        }
        Some(Served::Stored(digest)) => {
            // The snapshot this request picked up names it, so it is kept until the snapshot
            // after the next one: a miss means the store was deleted under the server.
            let Ok(mut file) = snapshot.open_stored(*digest) else {
                return respond(req, text(500, "500 Internal Server Error: the rendered file is missing from .folio/serve/; save a file to rebuild\n"));
            };
            send_open_file(req, &mut file, digest.len, status, content_type, is_html.then_some(snapshot.generation))
        }
        Some(Served::File(file)) => {
            // The file the build checked, if it still is that file: a path swapped for a link
            // (or a named pipe) since is refused as the next build would refuse it.
            let Ok((mut file, meta)) = crate::load::open_asset(file) else {
                return respond(req, text(404, "404 Not Found\n"));
            };
            send_open_file(req, &mut file, meta.len(), status, content_type, is_html.then_some(snapshot.generation))
        }
        Some(Served::Made(made)) => {
            // Made on first request (or already, in the background): the page that shows it
            // reloads at once, and only this image waits for its copies.
            if let Err(why) = crate::pipeline::images::make(&made.recipe, cache) {
                return respond(req, text(500, &format!("500: {} cannot be made: {why}\n", made.path)));
            }
            match std::fs::File::open(&made.cached).and_then(|f| f.metadata().map(|m| (f, m))) {
                Ok((file, meta)) => {
                    let len = usize::try_from(meta.len()).ok();
                    respond(req, Response::new(StatusCode(status), base_headers(content_type, "no-cache"), file.take(meta.len()), len, None))
                }
                Err(_) => respond(req, text(404, "404 Not Found\n")),
            }
        }
        None => respond(req, text(404, "404 Not Found\n")),
    }
}

/// Answers with an opened file of `len` bytes: streamed, or, for a page (`reload` is the
/// snapshot's generation), read whole and given the live-reload script.
fn send_open_file(req: Request, file: &mut std::fs::File, len: u64, status: u16, content_type: &str, reload: Option<u64>) {
    if let Some(generation) = reload {
        let mut html = Vec::new();
        if file.read_to_end(&mut html).is_err() {
            return respond(req, text(500, "500 Internal Server Error: could not read the file\n"));
        }
        return respond(req, bytes(status, content_type, livereload::inject(&html, generation)));
    }
    respond(req, Response::new(StatusCode(status), base_headers(content_type, "no-cache"), file.take(len), usize::try_from(len).ok(), None))
}

fn own_endpoint(shared: &Shared, req: Request, path: &SitePath) {
    if path.path == livereload::SCRIPT_PATH {
        return respond(req, bytes(200, "text/javascript; charset=utf-8", livereload::SCRIPT.as_bytes().to_vec()));
    }
    if path.path == contact::FORMSPREE_THANKS.trim_start_matches('/') {
        let answer = contact::formspree_thanks_page();
        return respond(req, bytes_cached(answer.status, answer.content_type, answer.body.into_bytes(), "no-store"));
    }
    if path.path == livereload::STATUS_PATH {
        let status = read(&shared.status);
        let body = status.to_json().to_string().into_bytes();
        return respond(req, bytes_cached(200, "application/json", body, "no-store"));
    }
    if path.path == livereload::EVENTS_PATH {
        if *req.method() == Method::Head {
            return respond(req, bytes(200, "text/event-stream; charset=utf-8", Vec::new()));
        }
        // The front door keeps the connection and hands it to the live-reload thread.
        return respond(req, text(200, "").with_header(h(STREAM_HEADER, "events")));
    }
    respond(req, text(404, "404 Not Found\n"))
}

fn contact(shared: &Shared, mut req: Request, form: &Form) {
    let ip = header(&req, PEER_HEADER).and_then(|v| v.parse().ok()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let mut body = Vec::new();
    let declared_too_large = req.body_length().is_some_and(|n| n > contact::MAX_BODY);
    let too_large = declared_too_large || {
        let limit = contact::MAX_BODY as u64 + 1;
        req.as_reader().take(limit).read_to_end(&mut body).is_err() || body.len() > contact::MAX_BODY
    };
    let snapshot = read(&shared.snapshot);
    // Before the first good build there are no tiers to check against.
    let plans = (snapshot.generation > 0).then(|| snapshot.plans.clone());
    let post = Post {
        ip,
        content_type: header(&req, "Content-Type"),
        accept: header(&req, "Accept"),
        origin: header(&req, "Origin"),
        sec_fetch_site: header(&req, "Sec-Fetch-Site"),
        referer: header(&req, "Referer"),
        user_agent: header(&req, "User-Agent"),
        body: &body,
        too_large,
    };
    let answer = shared.contact.handle(&post, form, |a| host_allowed(a, &shared.hosts), plans.as_deref());
    let mut resp = bytes_cached(answer.status, answer.content_type, answer.body.into_bytes(), "no-store");
    for (name, value) in &answer.headers {
        resp.add_header(h(name, value));
    }
    respond(req, resp);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn host_check() {
        let rule = HostRule { bound: "127.0.0.1".parse().unwrap(), port: 1111 };
        for ok in ["127.0.0.1:1111", "localhost:1111", "LocalHost:1111", "[::1]:1111", "127.0.0.1", "localhost", "[::1]"] {
            assert!(host_allowed(ok, &rule), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1:1112",
            "127.0.0.1:",
            "127.0.0.1:01111x",
            "127.0.0.2:1111",
            "192.168.1.10:1111",
            "[::1",
            "[::1]x",
            "[evil]:1111",
            "::1",
            "localhost:1111:1111",
            "0.0.0.0:1111",
        ] {
            assert!(!host_allowed(bad, &rule), "{bad}");
        }
    }

    #[test]
    fn host_check_for_other_bind_addresses() {
        let lan = HostRule { bound: "192.168.1.10".parse().unwrap(), port: 8080 };
        assert!(host_allowed("192.168.1.10:8080", &lan));
        assert!(host_allowed("localhost:8080", &lan));
        assert!(!host_allowed("192.168.1.11:8080", &lan));
        let any = HostRule { bound: "0.0.0.0".parse().unwrap(), port: 8080 };
        assert!(host_allowed("192.168.1.11:8080", &any));
        assert!(!host_allowed("rebind.evil.example:8080", &any));
        let v6 = HostRule { bound: "::1".parse().unwrap(), port: 1 };
        assert!(host_allowed("[::1]:1", &v6));
    }
}

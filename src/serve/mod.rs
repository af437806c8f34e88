//! `folio serve`: build, serve the site on loopback (rendered pages from the session's store
//! under `.folio/serve/`, removed on Ctrl-C), watch the sources, rebuild what changed and reload
//! open pages, show build errors over the last good site, and stub the contact endpoint. This
//! module wires the parts together and owns start-up and shutdown:
//!
//! ```text
//! browser ─TCP─▶ guard (bounds, one request per connection) ─loopback TCP + secret─▶ tiny_http
//!            ▲                                     workers ──▶ http::handle ─▶ snapshot / contact
//!            └── live-reload streams: guard ─▶ livereload::Hub (released when the page closes)
//! notify ─▶ watch::classify ─▶ rebuild thread (owns the Session) ─▶ snapshot + livereload hub
//! ```

pub mod contact;
pub mod guard;
pub mod held;
pub mod http;
pub mod livereload;
pub mod paths;
pub mod submissions;
pub mod watch;

use crate::pipeline::BuildOptions;
use crate::session::{Report, Session};
use http::{HostRule, Shared};
use livereload::{Hub, Status};
use notify::{RecursiveMode, Watcher};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use watch::{Area, Batch, Change};

/// What `folio serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    /// Look for changes every so often instead of being told by the system (network drives,
    /// folders shared into a VM or container, Wine), with this interval.
    pub poll: Option<Duration>,
    pub future: bool,
    pub expired: bool,
}

/// How many ports after a busy one are tried.
const PORT_TRIES: u16 = 20;
/// Request workers. Event streams do not hold one, so a few are plenty for one person.
const WORKERS: usize = 8;

/// Runs the dev server until Ctrl-C (or SIGTERM).
pub fn run(opts: ServeOptions) -> Result<(), u8> {
    let root = opts.root.canonicalize().map_err(|e| {
        eprintln!("error: cannot serve {}: {e}", opts.root.display());
        eprintln!("  = help: pass the site's folder with --root DIR");
        1u8
    })?;
    let listener = bind(opts.bind, opts.port).map_err(|e| {
        eprintln!("error: cannot listen on {}:{}: {e}", opts.bind, opts.port);
        1u8
    })?;
    let local = listener.local_addr().map_err(|e| {
        eprintln!("error: {e}");
        1u8
    })?;
    let origin = origin_of(local);

    // Links in the served pages point at this server, as `folio build --base-url` would.
    let build_opts = BuildOptions {
        root: root.clone(),
        base_url: Some(origin.clone()),
        drafts: opts.drafts,
        future: opts.future,
        expired: opts.expired,
        preview: true,
        ..BuildOptions::default()
    };
    let flags = held::Flags { drafts: opts.drafts, future: opts.future, expired: opts.expired };
    let build_date = build_opts.build_date;
    let mut session = Session::new(build_opts);
    // Removed on the way out, when no request can read it any more.
    let store = session.store();
    // What the preview hides (drafts, pages dated later, expired pages): on the first line, and
    // again whenever a rebuild changes it.
    let mut hidden = None;
    let status = match session.build() {
        Ok(report) => {
            say!("Built {}", report.stats);
            print_warnings(&report);
            hidden = held::summary(&report.left_out, build_date, flags);
            Status { generation: session.snapshot().generation, errors: Vec::new() }
        }
        Err(d) => {
            eprintln!("{d}");
            say!("The build failed; serving an error page until the errors above are fixed.");
            Status { generation: 0, errors: d.0 }
        }
    };

    let shared = Arc::new(Shared {
        snapshot: RwLock::new(session.snapshot()),
        status: RwLock::new(status),
        hub: Hub::start().map_err(|e| fail("cannot start the live-reload thread", &e))?,
        contact: contact::Endpoint::new(submissions::Store::new(&root)),
        forms: RwLock::new(form_routes(&root)),
        hosts: HostRule { bound: local.ip(), port: local.port() },
        secret: http::new_secret(),
        flags,
        image_cache: crate::images::cache::Cache::of_site(&root),
    });

    // tiny_http listens on a loopback port of its own; only the front door knows the secret
    // every request there must carry.
    let inner = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).map_err(|e| fail("cannot open the internal port", &e))?;
    let upstream = inner.local_addr().map_err(|e| fail("cannot open the internal port", &e))?;
    let server = Arc::new(tiny_http::Server::from_listener(inner, None).map_err(|e| fail("cannot start the HTTP server", &io::Error::other(e.to_string())))?);

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for i in 0..WORKERS {
        let (server, shared, stop) = (Arc::clone(&server), Arc::clone(&shared), Arc::clone(&stop));
        let spawned = thread::Builder::new()
            .name(format!("folio-worker-{i}"))
            .spawn(move || http::worker(&server, &shared, &stop))
            .map_err(|e| fail("cannot start a worker thread", &e))?;
        workers.push(spawned);
    }

    let watching = Watching { session, shared: Arc::clone(&shared), stop: Arc::clone(&stop), hidden: hidden.clone() };
    let rebuilder = start_watching(&root, opts.poll, watching).map_err(|e| fail("cannot watch the site's files", &e))?;

    let streams: Arc<dyn guard::Streams> = Arc::clone(&shared) as Arc<dyn guard::Streams>;
    let mut guard = guard::Guard::start(listener, upstream, shared.secret.clone(), guard::Limits::default(), streams)
        .map_err(|e| fail("cannot start accepting connections", &e))?;

    let (signal_tx, signal_rx) = mpsc::channel::<()>();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = signal_tx.send(());
    }) {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
    }
    match &hidden {
        Some(hidden) => say!("Serving on {origin}/ (Ctrl-C to stop). {hidden}"),
        None => say!("Serving on {origin}/ (Ctrl-C to stop)"),
    }
    for address in network_origins(opts.bind, local.port()) {
        say!("  on your network: {address}/");
    }
    if !opts.bind.is_loopback() {
        say!(
            "note: {} is reachable from other machines, and so is the contact stub; requests must name \
this machine by IP address or localhost",
            opts.bind
        );
    }
    if opts.open {
        open_browser(&format!("{origin}/"));
    }

    // Wait for Ctrl-C; a closed channel (no handler) means wait forever.
    if signal_rx.recv().is_err() {
        loop {
            thread::park();
        }
    }
    say!("Stopping… (Ctrl-C again to stop at once)");
    let _ = thread::Builder::new().name("folio-second-ctrl-c".into()).spawn(move || {
        if signal_rx.recv().is_ok() {
            eprintln!("Stopped at once.");
            std::process::exit(130);
        }
    });
    guard.stop_accepting();
    stop.store(true, Ordering::SeqCst);
    let _ = rebuilder.join();
    for w in workers {
        // Each worker finishes the request it has, so no submission is cut short.
        let _ = w.join();
    }
    shared.hub.stop();
    guard.finish(Duration::from_secs(2));
    drop(server);
    if let Some(store) = store {
        store.close();
    }
    say!("Stopped.");
    Ok(())
}

fn fail(what: &str, e: &io::Error) -> u8 {
    eprintln!("error: {what}: {e}");
    1
}

/// Binds `port`, or the next free one after it (saying so); port 0 lets the system choose.
fn bind(ip: IpAddr, port: u16) -> io::Result<TcpListener> {
    if port == 0 {
        return TcpListener::bind((ip, 0));
    }
    let last = port.saturating_add(PORT_TRIES);
    for p in port..=last {
        match TcpListener::bind((ip, p)) {
            Ok(l) => {
                if p != port {
                    say!("Port {port} is busy; using {p} instead.");
                }
                return Ok(l);
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AddrInUse, format!("ports {port} to {last} are all busy; choose one with --port")))
}

/// `http://127.0.0.1:1111` for the bound address (loopback for "all interfaces").
pub fn origin_of(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
        IpAddr::V6(v6) if v6.is_unspecified() => format!("http://[::1]:{}", addr.port()),
        IpAddr::V4(v4) => format!("http://{v4}:{}", addr.port()),
        IpAddr::V6(v6) => format!("http://[{v6}]:{}", addr.port()),
    }
}

/// The addresses other machines reach the server at when it listens on every interface
/// (`--bind 0.0.0.0` or `::`): each interface's address that is not loopback or link-local, of
/// the bound family (`::` takes IPv4 too on most systems, but its IPv4 addresses are listed only
/// for `0.0.0.0`).
fn network_origins(bind: IpAddr, port: u16) -> Vec<String> {
    if !bind.is_unspecified() {
        return Vec::new();
    }
    let Ok(interfaces) = if_addrs::get_if_addrs() else { return Vec::new() };
    reachable_origins(bind, port, interfaces.into_iter().map(|i| i.ip()))
}

/// [`network_origins`] of the interface addresses `ips`.
fn reachable_origins(bind: IpAddr, port: u16, ips: impl Iterator<Item = IpAddr>) -> Vec<String> {
    let mut origins: Vec<String> = ips
        .filter(|ip| !ip.is_loopback() && ip.is_ipv4() == bind.is_ipv4())
        .filter(|ip| match ip {
            IpAddr::V4(v4) => !v4.is_link_local(),
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
        })
        .map(|ip| origin_of(SocketAddr::new(ip, port)))
        .collect();
    origins.sort();
    origins.dedup();
    origins
}

/// Where contact forms post, from site.yaml (the stub alone when it cannot be read).
fn form_routes(root: &Path) -> http::FormRoutes {
    match crate::pipeline::read_config(root, None) {
        Ok(c) => http::FormRoutes::of(&c.contact, &c.title),
        Err(_) => http::FormRoutes::of(&crate::config::ContactConfig::default(), ""),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reap it so it does not linger as a zombie.
            let _ = thread::Builder::new().name("folio-open".into()).spawn(move || child.wait());
        }
        Err(e) => eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself"),
    }
}

type Events = Receiver<notify::Result<notify::Event>>;

/// What the rebuild thread owns.
struct Watching {
    session: Session,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    /// What the last good build hid (see [`held::summary`]).
    hidden: Option<String>,
}

/// Makes the image copies of each build in the background, so a page reloads at once and its
/// images are ready by the time they are asked for (a request for one not made yet makes it
/// then). An image found damaged while making is announced to the rebuild thread as a change
/// of that file, once: the rebuild then reports it (from the cache's note) like a build would.
fn start_making_images(root: &Path, jobs: Receiver<Vec<crate::pipeline::images::MadeFile>>, changes: mpsc::Sender<notify::Result<notify::Event>>) {
    let cache = crate::images::cache::Cache::of_site(root);
    let root = root.to_path_buf();
    let spawned = thread::Builder::new().name("folio-images".into()).spawn(move || {
        let mut announced = std::collections::HashSet::new();
        while let Ok(mut made) = jobs.recv() {
            // Only the latest build's list matters.
            while let Ok(newer) = jobs.try_recv() {
                made = newer;
            }
            for (recipe, _) in crate::pipeline::images::make_missing(&made, &cache) {
                if let crate::pipeline::images::Recipe::Copies { shown, .. } = recipe.as_ref() {
                    if announced.insert(shown.clone()) {
                        let _ = changes.send(Ok(notify::Event::new(notify::EventKind::Any).add_path(root.join(shown))));
                    }
                }
            }
        }
    });
    if let Err(e) = spawned {
        eprintln!("warning: images will be made when first asked for: {e}");
    }
}

/// Starts the watcher and the thread that rebuilds after each burst of changes.
fn start_watching(root: &Path, poll: Option<Duration>, w: Watching) -> io::Result<JoinHandle<()>> {
    let (tx, rx) = mpsc::channel();
    let (images_tx, images_rx) = mpsc::channel();
    start_making_images(root, images_rx, tx.clone());
    let _ = images_tx.send(w.session.snapshot().made());
    // Linked folders are not followed: a folder reachable through a link too would be watched
    // under one of its two paths only, and an edit reported under the other one. Where links
    // may lead is inside the watched folders, and the engine reads again what links lead to
    // on every change.
    let config = notify::Config::default().with_follow_symlinks(false);
    let handler = move |event| {
        let _ = tx.send(event);
    };
    let mut watcher: Box<dyn Watcher + Send> = match poll {
        None => Box::new(notify::RecommendedWatcher::new(handler, config).map_err(io::Error::other)?),
        // Contents compared, not only times: coarse timestamps (FAT, some shares) miss quick edits.
        Some(every) => Box::new(notify::PollWatcher::new(handler, config.with_poll_interval(every).with_compare_contents(true)).map_err(io::Error::other)?),
    };
    // The root itself only for site.yaml (and folders appearing); the rest recursively.
    watcher.watch(root, RecursiveMode::NonRecursive).map_err(io::Error::other)?;
    for (name, _) in Area::FOLDERS {
        let dir = root.join(name);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive).map_err(io::Error::other)?;
        }
    }
    // A theme that is a link to a shared folder is watched where it is linked.
    for theme in linked_folders(&root.join(crate::load::THEMES_DIR)) {
        watcher.watch(&theme, RecursiveMode::Recursive).map_err(io::Error::other)?;
    }
    let root = root.to_path_buf();
    thread::Builder::new().name("folio-rebuild".into()).spawn(move || rebuild_loop(&root, w, &rx, watcher, &images_tx))
}

/// The entries of `dir` that are symbolic links to folders.
fn linked_folders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_symlink()) && e.path().is_dir()).map(|e| e.path()).collect()
}

/// Waits for a burst of changes to go quiet, so an editor's save is one rebuild; or for the
/// build date (`today`) to move on from `built_for`, the day of the last build, so a preview
/// left running over midnight shows what a build that day would publish.
fn next_batch(root: &Path, rx: &Events, stop: &AtomicBool, built_for: time::Date, today: &dyn Fn() -> time::Date) -> Option<Batch> {
    loop {
        let first = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::SeqCst) => {
                let day = today();
                if day != built_for {
                    let mut batch = Batch::default();
                    batch.add([Change::NewDay(day)]);
                    return Some(batch);
                }
                continue;
            }
            Err(_) => return None,
        };
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let mut batch = Batch::default();
        add_event(root, &mut batch, first);
        if batch.is_empty() {
            continue;
        }
        let started = Instant::now();
        while started.elapsed() < watch::MAX_BURST {
            match rx.recv_timeout(watch::QUIET) {
                Ok(e) => add_event(root, &mut batch, e),
                Err(_) => break,
            }
        }
        return Some(batch);
    }
}

fn add_event(root: &Path, batch: &mut Batch, event: notify::Result<notify::Event>) {
    match event {
        Ok(e) => batch.add(watch::classify(root, &e)),
        Err(e) => {
            eprintln!("warning: file watcher: {e}; rebuilding everything");
            batch.add([Change::Everything]);
        }
    }
}

fn rebuild_loop(root: &Path, w: Watching, rx: &Events, mut watcher: Box<dyn Watcher + Send>, images: &mpsc::Sender<Vec<crate::pipeline::images::MadeFile>>) {
    let Watching { mut session, shared, stop, mut hidden } = w;
    let flags = shared.flags;
    let mut built_for = crate::pipeline::today();
    while let Some(batch) = next_batch(root, rx, &stop, built_for, &crate::pipeline::today) {
        // A watched folder that appeared (say, templates/) is watched from now on.
        for change in &batch.changes {
            if let Change::Source { path, .. } = change {
                if path.parent() == Some(root) && path.is_dir() {
                    let _ = watcher.watch(path, RecursiveMode::Recursive);
                }
            }
        }
        let what = batch.describe(root);
        let build_date = crate::pipeline::today();
        built_for = build_date;
        session.set_build_date(build_date);
        let result = session.rebuild(&batch.paths());
        let mut status = shared.status.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        match result {
            Ok(report) => {
                let snapshot = session.snapshot();
                let was_broken = !status.errors.is_empty();
                *shared.snapshot.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::clone(&snapshot);
                *status = Status { generation: snapshot.generation, errors: Vec::new() };
                let _ = images.send(snapshot.made());
                say!("{}", rebuilt_line(&what, &report, was_broken));
                print_warnings(&report);
                let now_hidden = held::summary(&report.left_out, build_date, flags);
                if now_hidden != hidden {
                    match &now_hidden {
                        Some(h) => say!("Now {h}"),
                        None => say!("Now no page is hidden"),
                    }
                    hidden = now_hidden;
                }
                if !report.changed.is_empty() || was_broken {
                    let css_only = report.css_only && !was_broken;
                    shared.hub.broadcast(livereload::reload_event(snapshot.generation, css_only, &report.changed, report.rendered, report.millis));
                }
                if batch.is_full() {
                    *shared.forms.write().unwrap_or_else(std::sync::PoisonError::into_inner) = form_routes(root);
                }
            }
            Err(d) => {
                eprintln!("{d}");
                say!("Build failed after {what} changed: {} error{}; still serving the last good build.", d.len(), if d.len() == 1 { "" } else { "s" });
                status.errors = d.0;
                shared.hub.broadcast(livereload::event("errors", &status.to_json()));
            }
        }
    }
    drop(watcher);
}

/// A build's warnings, on stderr. (Which pages the preview hides is on serve's first line, and
/// printed again when a rebuild changes it.)
fn print_warnings(report: &Report) {
    if !report.warnings.is_empty() {
        eprintln!("{}", crate::diag::Diagnostics(report.warnings.clone()).sorted());
    }
}

/// The one line printed after a successful rebuild.
pub fn rebuilt_line(what: &str, report: &Report, was_broken: bool) -> String {
    let mut line = format!(
        "Rebuilt after {what} changed: {} file{} rendered, {} changed, {} ms",
        report.rendered,
        if report.rendered == 1 { "" } else { "s" },
        report.changed.len(),
        report.millis
    );
    if was_broken {
        line.push_str("; errors fixed, reloading");
    } else if report.changed.is_empty() {
        line.push_str("; nothing to reload");
    } else if report.css_only {
        line.push_str("; stylesheet swapped without reloading");
    }
    line
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn all_interfaces_list_the_addresses_other_machines_reach() {
        let ips =
            ["127.0.0.1", "192.168.1.20", "169.254.3.4", "10.0.0.7", "::1", "fe80::1", "2001:db8::5", "192.168.1.20"].map(|a| a.parse::<IpAddr>().unwrap());
        let any4: IpAddr = "0.0.0.0".parse().unwrap();
        assert_eq!(reachable_origins(any4, 1111, ips.into_iter()), ["http://10.0.0.7:1111", "http://192.168.1.20:1111"]);
        assert_eq!(reachable_origins("::".parse().unwrap(), 1111, ips.into_iter()), ["http://[2001:db8::5]:1111"]);
        assert!(network_origins("127.0.0.1".parse().unwrap(), 1111).is_empty(), "a loopback server is reached from this machine only");
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("127.0.0.1:1111".parse().unwrap()), "http://127.0.0.1:1111");
        assert_eq!(origin_of("0.0.0.0:80".parse().unwrap()), "http://127.0.0.1:80");
        assert_eq!(origin_of("[::1]:1111".parse().unwrap()), "http://[::1]:1111");
    }

    #[test]
    fn a_new_day_is_a_rebuild_without_any_file_changing() {
        let (_tx, rx) = mpsc::channel();
        let stop = AtomicBool::new(false);
        let (dec5, dec6) = (time::macros::date!(2026 - 12 - 05), time::macros::date!(2026 - 12 - 06));
        let batch = next_batch(Path::new("/site"), &rx, &stop, dec5, &|| dec6).unwrap();
        assert_eq!(batch.changes.iter().collect::<Vec<_>>(), [&Change::NewDay(dec6)]);
        assert_eq!(batch.describe(Path::new("/site")), "the date (it is now 2026-12-06)");
        assert!(batch.paths().is_empty() && !batch.is_full());
        // The same day: nothing to do until stopped.
        stop.store(true, Ordering::SeqCst);
        assert!(next_batch(Path::new("/site"), &rx, &stop, dec5, &|| dec5).is_none());
    }

    #[test]
    fn rebuild_lines() {
        let report = Report { rendered: 3, changed: vec!["a/index.html".into()], millis: 12, ..Report::default() };
        assert_eq!(rebuilt_line("content/a.md", &report, false), "Rebuilt after content/a.md changed: 3 files rendered, 1 changed, 12 ms");
        let css = Report { rendered: 1, changed: vec!["css/site.css".into()], css_only: true, ..Report::default() };
        assert!(rebuilt_line("themes/default/static/css/site.css", &css, false).ends_with("stylesheet swapped without reloading"));
    }

    #[test]
    fn busy_ports_are_skipped() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        if let Ok(next) = bind("127.0.0.1".parse().unwrap(), port) {
            assert_ne!(next.local_addr().unwrap().port(), port);
        }
    }
}

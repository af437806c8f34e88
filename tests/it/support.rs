//! A small driver so each test reads like a user story: copy a fixture site to a temporary
//! folder, run folio on it, change files, and assert on what was written.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn folio_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_folio"))
}

/// Whether the tests run under Wine (set by `.ci/wine/runner`). Wine's directory watching
/// (ReadDirectoryChangesW) drops changes when several Wine programs watch at once, so servers
/// started by the tests watch by polling there (`serve --poll`, the same code on every system).
pub fn under_wine() -> bool {
    std::env::var_os("FOLIO_TESTS_UNDER_WINE").is_some()
}

/// Starting a program, with one allowance: under Wine, CreateProcess now and then fails at once
/// with ERROR_INTERNAL_ERROR (1359) when the machine is busy, before the program runs at all. Such
/// a start is tried again (a few times, briefly apart); every other error fails the test as before.
pub trait Launch {
    fn output_ok(&mut self) -> Output;
    fn spawn_ok(&mut self) -> std::process::Child;
}

impl Launch for Command {
    #[track_caller]
    fn output_ok(&mut self) -> Output {
        retry_start(|| self.output())
    }

    #[track_caller]
    fn spawn_ok(&mut self) -> std::process::Child {
        retry_start(|| self.spawn())
    }
}

#[track_caller]
fn retry_start<T>(mut start: impl FnMut() -> std::io::Result<T>) -> T {
    const WINE_INTERNAL_ERROR: i32 = 1359;
    let mut tries = 0;
    loop {
        match start() {
            Ok(v) => return v,
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(WINE_INTERNAL_ERROR) && tries < 5 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200 * tries));
            }
            Err(e) => panic!("could not start the program: {e}"),
        }
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root (the sample site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site in its own temporary folder, removed when dropped.
pub struct Site {
    pub root: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Site {
    /// An empty site folder with the default theme copied in.
    pub fn empty(name: &str) -> Site {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("folio-it-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        copy_dir(&repo_root().join("themes"), &root.join("themes"));
        Site { root }
    }

    /// A copy of tests/fixtures/<rel> (plus the default theme unless the fixture has its own).
    pub fn fixture(rel: &str) -> Site {
        let site = Site::empty(&rel.replace('/', "-"));
        copy_dir(&fixtures().join(rel), &site.root);
        site
    }

    /// A copy of the repository's sample site.
    pub fn sample() -> Site {
        let site = Site::empty("sample");
        for d in ["content", "static"] {
            copy_dir(&repo_root().join(d), &site.root.join(d));
        }
        std::fs::copy(repo_root().join("site.yaml"), site.root.join("site.yaml")).unwrap();
        site
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.root.join(rel)).unwrap();
        self
    }

    pub fn folio(&self, args: &[&str]) -> Run {
        let out = Command::new(folio_bin()).args(args).current_dir(&self.root).output_ok();
        Run(out)
    }

    pub fn build(&self) -> Run {
        self.folio(&["build"])
    }

    /// Runs folio, killing it if it has not finished within `limit`: a test of something that
    /// could hang (a named pipe, a device) fails instead of hanging CI.
    #[track_caller]
    pub fn folio_within(&self, args: &[&str], limit: std::time::Duration) -> Run {
        let mut cmd = Command::new(folio_bin());
        cmd.args(args).current_dir(&self.root);
        run_within(cmd, limit)
    }

    pub fn public(&self, rel: &str) -> PathBuf {
        self.root.join("public").join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        let p = self.public(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The text of a published file, or of every file in a published folder (sorted by name,
    /// one after another): `search/data` is the whole search index.
    pub fn read_all(&self, rel: &str) -> String {
        let p = self.public(rel);
        if !p.is_dir() {
            return self.read(rel);
        }
        let mut names: Vec<PathBuf> = std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        names.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>().join("\n")
    }

    /// Every document of the search index, in order: `[url, title, heading, kind, text]`, and
    /// a sixth element, 1, for a draft.
    pub fn search_docs(&self) -> Vec<serde_json::Value> {
        let manifest: serde_json::Value = serde_json::from_str(&self.read("search/data/manifest.json")).unwrap();
        let (n, per) = (manifest["docs"].as_u64().unwrap(), manifest["chunk"].as_u64().unwrap());
        (0..n.div_ceil(per))
            .flat_map(|i| {
                let chunk: Vec<serde_json::Value> = serde_json::from_str(&self.read(&format!("search/data/d{i}.json"))).unwrap();
                chunk
            })
            .collect()
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public(rel).exists()
    }

    /// Copies tests/fixtures/<rel> over this site (adding and replacing files): how an error
    /// case breaks a good site.
    pub fn overlay(&self, rel: &str) -> &Self {
        let from = fixtures().join(rel);
        assert!(from.is_dir(), "no fixture folder {}", from.display());
        copy_dir(&from, &self.root);
        self
    }

    /// Copies tests/fixtures/<rel> and the default theme into the subfolder `sub` of this site's
    /// folder: a site nested in a sandbox, for tests whose failure could touch the site's parent.
    pub fn nest_fixture(&self, rel: &str, sub: &str) -> PathBuf {
        let dest = self.root.join(sub);
        copy_dir(&repo_root().join("themes"), &dest.join("themes"));
        copy_dir(&fixtures().join(rel), &dest);
        dest
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// Runs folio with extra environment variables (e.g. `SOURCE_DATE_EPOCH` to pin the date
    /// banners are scheduled against).
    pub fn folio_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(folio_bin());
        cmd.args(args).current_dir(&self.root);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run(cmd.output_ok())
    }

    /// Every file under public/, by `/`-separated relative path, with its bytes.
    pub fn snapshot(&self) -> Tree {
        tree(&self.root.join("public"))
    }

    /// Every HTML file under public/: (relative path, text).
    pub fn html_files(&self) -> Vec<(String, String)> {
        self.snapshot().into_iter().filter(|(p, _)| p.ends_with(".html")).map(|(p, b)| (p, String::from_utf8(b).expect("HTML output is UTF-8"))).collect()
    }

    /// The parsed JSON-LD of an output page (see [`jsonld`]).
    pub fn jsonld(&self, rel: &str) -> Vec<serde_json::Value> {
        jsonld(&self.read(rel))
    }
}

/// A folder's files: relative path → bytes, sorted.
pub type Tree = std::collections::BTreeMap<String, Vec<u8>>;

/// Reads every file below `dir` (empty when `dir` does not exist).
pub fn tree(dir: &Path) -> Tree {
    fn walk(base: &Path, dir: &Path, out: &mut Tree) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Tree::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
#[track_caller]
pub fn assert_same_tree(expected: &Tree, actual: &Tree, what: &str) {
    let missing: Vec<&String> = expected.keys().filter(|k| !actual.contains_key(*k)).collect();
    let extra: Vec<&String> = actual.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{what}: files missing {missing:?}, files added {extra:?}");
    for (path, bytes) in expected {
        if actual[path] != *bytes {
            let a = String::from_utf8_lossy(bytes);
            let b = String::from_utf8_lossy(&actual[path]);
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).map_or(0, |i| i + 1);
            panic!(
                "{what}: {path} differs (first at line {line}):
--- expected
{}
--- actual
{}",
                a.lines().nth(line.saturating_sub(1)).unwrap_or(""),
                b.lines().nth(line.saturating_sub(1)).unwrap_or("")
            );
        }
    }
}

/// Decodes the character references folio's templates emit (Tera escapes `/` as `&#x2F;`).
pub fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Decoded values of every `attr="…"` in an HTML document, in order.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("attribute value is closed");
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Decoded `href` values of an HTML document.
pub fn hrefs(html: &str) -> Vec<String> {
    attr_values(html, "href")
}

/// The text of every element that starts with `open` (e.g. `<details class="faq-item"`) up to
/// the first following `close` (e.g. `</details>`).
/// The page's forms other than the header's search box (`<form role="search">`, on every page).
pub fn page_forms(html: &str) -> Vec<&str> {
    elements(html, "<form", "</form>").into_iter().filter(|f| !elements(f, "<form", ">")[0].contains("role=\"search\"")).collect()
}

pub fn elements<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let from = &rest[i..];
        let end = from.find(close).map_or(from.len(), |e| e + close.len());
        out.push(&from[..end]);
        rest = &from[end..];
    }
    out
}

/// The text of an HTML fragment: tags removed, character references decoded, whitespace
/// collapsed.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of each `<th>`/`<td>` cell of a table row, in order.
pub fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = row;
    loop {
        let next = ["<th>", "<th ", "<td>", "<td "].iter().filter_map(|t| rest.find(t).map(|i| (i, t))).min();
        let Some((i, tag)) = next else { break };
        let close = if tag.starts_with("<th") { "</th>" } else { "</td>" };
        let from = &rest[i..];
        let end = from.find(close).map_or(from.len(), |e| e + close.len());
        out.push(text_of(&from[..end]));
        rest = &from[end..];
    }
    out
}

/// Every JSON-LD object of a page: each `<script type="application/ld+json">` parsed, with
/// `@graph` members flattened and the `@context` checked. Panics (naming the text) if a script
/// is not valid JSON.
pub fn jsonld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for script in elements(html, "<script type=\"application/ld+json\">", "</script>") {
        let body = &script["<script type=\"application/ld+json\">".len()..script.len() - "</script>".len()];
        let doc: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("JSON-LD is not valid JSON ({e}):\n{body}"));
        assert_eq!(doc["@context"], "https://schema.org", "JSON-LD without the schema.org @context:\n{body}");
        match doc.get("@graph").and_then(|g| g.as_array()) {
            Some(items) => out.extend(items.iter().cloned()),
            None => out.push(doc),
        }
    }
    out
}

/// The JSON-LD objects of `ty` (`@type`) on a page.
pub fn jsonld_of<'a>(items: &'a [serde_json::Value], ty: &str) -> Vec<&'a serde_json::Value> {
    items.iter().filter(|v| v["@type"] == ty).collect()
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Runs `cmd` (a folio command), killing it if it has not finished within `limit`: a test of
/// something that could hang fails instead of hanging CI.
#[track_caller]
pub fn run_within(mut cmd: Command, limit: std::time::Duration) -> Run {
    use std::io::Read;
    let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut child = cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn_ok();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("folio {args:?} did not finish within {limit:?}: it hangs\n{}", String::from_utf8_lossy(&stderr.join().unwrap()));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run(Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() })
}

/// The outcome of one folio run.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code(), 0, "folio failed:\n{}\n{}", self.stdout(), self.stderr());
        self
    }
    #[track_caller]
    pub fn fails(&self) -> &Self {
        assert_eq!(self.code(), 1, "expected exit 1:\n{}\n{}", self.stdout(), self.stderr());
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        let e = self.stderr();
        assert!(e.contains(needle), "stderr lacks {needle:?}:\n{e}");
        self
    }
    #[track_caller]
    pub fn stderr_lacks(&self, needle: &str) -> &Self {
        let e = self.stderr();
        assert!(!e.contains(needle), "stderr has {needle:?}:\n{e}");
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        let o = self.stdout();
        assert!(o.contains(needle), "stdout lacks {needle:?}:\n{o}");
        self
    }
    #[track_caller]
    pub fn exit(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "expected exit {code}:\n{}\n{}", self.stdout(), self.stderr());
        self
    }
    /// Number of `error:` diagnostics printed.
    pub fn error_count(&self) -> usize {
        self.stderr().lines().filter(|l| l.starts_with("error: ")).count()
    }
    /// Exit 0 or 1, never a panic (101) or a signal.
    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        let (o, e) = (self.stdout(), self.stderr());
        assert!(matches!(self.code(), 0 | 1), "exit {} (a panic is 101):\n{o}\n{e}", self.code());
        assert!(!e.contains("panicked"), "folio panicked:\n{e}");
        if self.code() == 1 {
            assert!(e.contains("error: "), "exit 1 without a message:\n{e}");
        }
        self
    }
}

#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "{needle:?} not found in:\n{}", &haystack[..haystack.len().min(4000)]);
}

/// The rendered files a serve session would answer with (static files are served from disk).
pub fn session_files(session: &folio::session::Session) -> std::collections::BTreeMap<String, Vec<u8>> {
    let snapshot = session.snapshot();
    snapshot
        .files()
        .into_iter()
        .filter_map(|(p, s)| Some((p.to_string(), snapshot.rendered(s)?.unwrap_or_else(|e| panic!("{p}: cannot read it from serve's store: {e}")))))
        .collect()
}

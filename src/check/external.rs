//! `folio check --external`: every outside link (`http://`, `https://`) of the finished site —
//! in pages, templates and the partner targets behind banners' `/go/<id>/` pages — asked once
//! per address over the network, and each broken one reported at the lines of the site's own
//! files that hold it (Markdown, templates, `banners.yaml`, `site.yaml`), not the output file.
//!
//! How a link is asked: `HEAD` first, then `GET` when the answer to `HEAD` is an error (some
//! servers refuse or mishandle `HEAD`); redirects are followed by folio, up to
//! [`MAX_REDIRECTS`], so a chain ending in an error is reported with where it led. Only `HEAD`
//! and `GET`, no body, no cookies, a `User-Agent` naming folio. At most `jobs` requests at once,
//! at most `per_host` to one host name, each ending after `timeout`.
//!
//! What fails `check` (errors) and what does not (warnings) is [`judge`]'s rule: an answer that
//! says the page is gone (404, 410 and the other client errors), a name that does not exist and
//! a redirect loop are errors; answers that may pass (timeouts, 5xx, 429, a refused connection)
//! and refusals of automated visitors (401, 403) are warnings.
//!
//! Links that answered well are kept in `.folio/cache/external-links.json` with the time they
//! did, and are not asked again for `max_age`; broken ones are asked again on every run. This
//! module (with `load`, `output` and `serve`) touches the network and that one file.

use crate::diag::{Diagnostic, Diagnostics, Kind};
use crate::pipeline::Built;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many redirects one link may go through before it is reported as a loop.
pub const MAX_REDIRECTS: usize = 10;

/// Where the results of links that answered well are kept, under the site's folder.
pub const CACHE_FILE: &str = ".folio/cache/external-links.json";

/// How many places of one link a message names; the rest are counted.
const PLACES_SHOWN: usize = 5;

const USER_AGENT: &str = concat!("folio/", env!("CARGO_PKG_VERSION"), " (+link check)");

/// `folio check --external`'s settings (the command line's `--external-*` options).
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests at once, over all hosts.
    pub jobs: usize,
    /// Requests at once to one host name.
    pub per_host: usize,
    /// How long one request (connecting, sending, the answer's head) may take.
    pub timeout: Duration,
    /// How long a link that answered well is trusted without asking again (zero: ask every link).
    pub max_age: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { jobs: 8, per_host: 2, timeout: Duration::from_secs(10), max_age: Duration::from_secs(24 * 3600) }
    }
}

/// What checking the outside links found.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Diagnostics,
    /// Distinct outside addresses in the finished site.
    pub links: usize,
    /// Distinct host names among them.
    pub hosts: usize,
    /// How many were taken from the cache (answered well within `max_age`), not asked.
    pub cached: usize,
    /// A note when the cache could not be written (the check itself is complete).
    pub cache_note: Option<String>,
}

/// Checks every outside link of `built`, the site in `root`; `announce` gets a line saying how
/// many links will be asked, before they are.
pub fn check(built: &Built, root: &Path, opts: &Options, announce: impl FnOnce(&str)) -> Report {
    let base = built.site.config().base_url.trim_end_matches('/').to_string();
    let urls = site_urls(built, &base);
    let cache_path = root.join(CACHE_FILE);
    let now = now_secs();
    let mut cache = read_cache(&cache_path);
    let fresh = |url: &str| cache.get(url).is_some_and(|&t| now.saturating_sub(t) < opts.max_age.as_secs() && !opts.max_age.is_zero());
    let asked: Vec<&String> = urls.keys().filter(|u| !fresh(u)).collect();
    let hosts: HashSet<String> = urls.keys().map(|u| host_of(u)).collect();
    let mut report = Report { links: urls.len(), hosts: hosts.len(), cached: urls.len() - asked.len(), ..Report::default() };
    announce(&report.announce(opts.max_age));
    let outcomes = ask_all(&asked, opts);
    let sources = Sources::read(built, root);
    for (url, outcome) in asked.iter().zip(&outcomes) {
        if *outcome == Outcome::Ok {
            cache.insert((*url).clone(), now);
            continue;
        }
        cache.remove(*url);
        let places = sources.places(url, &urls[*url]);
        report.problems.push(diagnostic(url, outcome, &places, opts.timeout));
    }
    // Entries older than a day (or than `max_age`, when longer) are of no use to anyone.
    let keep = opts.max_age.max(Options::default().max_age).as_secs();
    cache.retain(|_, t| now.saturating_sub(*t) < keep);
    // Written when something was asked (when every link came from the cache, nothing changed).
    let written = if asked.is_empty() { Ok(()) } else { write_cache(&cache_path, &cache) };
    if let Err(e) = written {
        report.cache_note = Some(format!("could not keep the results in {CACHE_FILE} ({e}); every link will be asked again next time"));
    }
    report.problems = std::mem::take(&mut report.problems).sorted();
    report
}

impl Report {
    /// The line printed before the links are asked.
    fn announce(&self, max_age: Duration) -> String {
        if self.links == 0 {
            return "No outside links to check.".into();
        }
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!("Checking {} on {}", plural(self.links, "outside link", "outside links"), plural(self.hosts, "site", "sites"));
        if self.cached > 0 {
            line.push_str(&format!(
                " ({} answered well within the last {} and {} not asked again)",
                self.cached,
                duration_words(max_age),
                if self.cached == 1 { "is" } else { "are" }
            ));
        }
        line.push('…');
        line
    }
}

// ---------------------------------------------------------------------------------------------
// Finding the links

/// Every distinct outside address of the finished HTML (fragment removed), with the output files
/// that hold it. Addresses of the site itself (under `base_url`) are left out: they are its own
/// pages, checked by `folio check` without the network.
fn site_urls(built: &Built, base: &str) -> BTreeMap<String, Vec<String>> {
    let mut urls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in built.files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        for url in outside_links(&html) {
            let url = without_fragment(&url).to_string();
            if is_own(&url, base) {
                continue;
            }
            let files = urls.entry(url).or_default();
            if files.last() != Some(&f.path) {
                files.push(f.path.clone());
            }
        }
    }
    urls
}

fn is_own(url: &str, base: &str) -> bool {
    !base.is_empty() && url.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

fn without_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

fn is_outside(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") && url.len() > 7) || (lower.starts_with("https://") && url.len() > 8)
}

/// Outside addresses (`http://`, `https://`) in the `href` and `src` attributes of an HTML
/// document, entities decoded, in order. Comments and the insides of `<script>` and `<style>`
/// are skipped; so are resource hints (`<link rel="preconnect">`, `dns-prefetch`), which name a
/// server rather than a page.
pub fn outside_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = start + rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let name_len = rest[1..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').unwrap_or(rest.len() - 1);
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            i = start + 1;
            continue;
        }
        let (attrs, used) = attributes(&rest[1 + name_len..]);
        i = start + 1 + name_len + used;
        let rel = attrs.iter().find(|(k, _)| k == "rel").map(|(_, v)| v.to_ascii_lowercase()).unwrap_or_default();
        let hint = name == "link" && rel.split_ascii_whitespace().any(|r| matches!(r, "preconnect" | "dns-prefetch"));
        if !hint {
            let mut found = Vec::new();
            for (k, v) in attrs {
                match k.as_str() {
                    "href" | "src" | "poster" => found.push(unescape(v.trim())),
                    // `srcset="a.jpg 480w, https://cdn.test/b.jpg 2x"`: each candidate's address.
                    "srcset" => found.extend(unescape(v).split(',').filter_map(|c| c.split_ascii_whitespace().next()).map(str::to_string)),
                    _ => {}
                }
            }
            out.extend(found.into_iter().filter(|v| is_outside(v)));
        }
        if name == "script" || name == "style" {
            i = closing_tag(html, i, &name);
        }
    }
    out
}

/// Where `</name` (any case) starts in `html` from `from` on, or the end of `html`.
fn closing_tag(html: &str, from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(i) = html[at..].find("</") {
        let start = at + i;
        if html.get(start + 2..start + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name)) {
            return start;
        }
        at = start + 2;
    }
    html.len()
}

/// The attributes of a tag whose name has been read, and how many bytes of `s` they took (up to
/// and including the `>`). Names are lowercased; values are as written.
fn attributes(s: &str) -> (Vec<(String, &str)>, usize) {
    let b = s.as_bytes();
    let mut attrs = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i);
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = s[i + 1..].find(q as char).map_or(s.len(), |e| i + 1 + e);
                    let v = &s[i + 1..end];
                    i = (end + 1).min(s.len());
                    v
                }
                _ => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &s[start..i]
                }
            };
            attrs.push((name, value));
        } else {
            attrs.push((name, ""));
        }
    }
}

/// HTML character references in an attribute value decoded (the named ones folio and Markdown
/// write, and numeric ones).
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let n = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")).map(|h| u32::from_str_radix(h, 16));
                    let n = n.or_else(|| name.strip_prefix('#').map(str::parse::<u32>));
                    n.and_then(Result::ok).and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Where a link is written

/// One place a link is written: a file of the site (by index into [`Sources::files`]) and the
/// byte offset of the address in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Place {
    file: usize,
    offset: usize,
}

/// The site's own files that can hold a link, and every outside address in them.
#[derive(Default)]
struct Sources {
    /// (path shown in messages, text).
    files: Vec<(PathBuf, String)>,
    /// An address as written (see [`link_key`]) → where.
    written: HashMap<String, Vec<Place>>,
    /// Addresses cut short by a template expression (`https://x.test/{{ page.slug }}` gives
    /// `https://x.test/`): a finished link starting with one was made there.
    stems: Vec<(String, Place)>,
    /// A banner's partner address, with its UTM parameters, → the `href:` of that banner.
    banners: HashMap<String, Place>,
}

impl Sources {
    /// Reads the files the finished site was made from: the Markdown of published pages and
    /// sections, the marketing files, the templates in use and `site.yaml`.
    fn read(built: &Built, root: &Path) -> Sources {
        let site = &built.site;
        let published: HashSet<&Path> = site
            .pages
            .iter()
            .map(|p| p.shown.as_path())
            .chain(site.sections.iter().map(|s| s.shown.as_path()))
            .chain(site.marketing().topics.iter().map(|t| t.shown.as_path()))
            .collect();
        let mut sources = Sources::default();
        let walk = crate::load::content_entries(root, &root.join(crate::load::CONTENT_DIR));
        let mut content: Vec<_> = walk
            .entries
            .into_iter()
            .filter_map(|(_, e)| match e {
                crate::load::ContentEntry::Text(f, _) => Some(f),
                _ => None,
            })
            .filter(|f| !f.rel.ends_with(".md") || published.contains(f.shown.as_path()))
            .collect();
        content.sort_by(|a, b| a.shown.cmp(&b.shown));
        for f in content {
            sources.add(f.shown.clone(), f.text.clone(), false);
        }
        // Site templates override the theme's of the same name: only the one in use counts.
        let theme = crate::load::theme_files(root, &site.config().theme);
        let mut templates: BTreeMap<String, crate::load::SourceFile> = BTreeMap::new();
        for t in theme.templates {
            templates.insert(t.rel.clone(), t);
        }
        for t in templates.into_values() {
            sources.add(t.shown, t.text, true);
        }
        if let Ok(Some(text)) = crate::load::config_text(root, crate::config::CONFIG_FILE) {
            sources.add(PathBuf::from(crate::config::CONFIG_FILE), text, false);
        }
        // Banners: the link is the partner's address with UTM parameters added, written without
        // them at the banner's `href:`.
        if let Some(file) = sources
            .files
            .iter()
            .position(|(p, _)| crate::diag::slashed(p).ends_with("content/banners.yaml") || crate::diag::slashed(p).ends_with("content/banners.yml"))
        {
            let text = &sources.files[file].1;
            let mut seen: Vec<&str> = Vec::new();
            let mut found = Vec::new();
            for b in &site.marketing().banners {
                let occurrence = seen.iter().filter(|i| **i == b.id).count();
                seen.push(&b.id);
                let Some(start) = crate::yaml::item_offset(text, "id", &b.id, occurrence) else { continue };
                let (line, col) = crate::yaml::key_in_item(text, start, "href");
                let line_start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
                let at = text[line_start..].find("http").map_or(line_start + col - 1, |i| line_start + i);
                found.push((link_key(without_fragment(&b.target)), Place { file, offset: at }));
            }
            sources.banners.extend(found);
        }
        sources
    }

    fn add(&mut self, shown: PathBuf, text: String, template: bool) {
        let file = self.files.len();
        for (offset, token, cut_by_expression) in written_links(&text) {
            let place = Place { file, offset };
            if template && cut_by_expression {
                self.stems.push((link_key(token), place));
            }
            // A link followed by a sentence's punctuation or a closing bracket: each shorter
            // reading is a candidate, so `(https://x.test/a_(b))` finds `https://x.test/a_(b)`.
            let mut keys = HashSet::new();
            let mut t = without_fragment(token);
            loop {
                keys.insert(link_key(t));
                match t.strip_suffix(['.', ',', ';', ':', '!', '?', ')']) {
                    Some(shorter) if is_outside(shorter) => t = shorter,
                    _ => break,
                }
            }
            for k in keys {
                self.written.entry(k).or_default().push(place);
            }
        }
        self.files.push((shown, text));
    }

    /// Where `url` is written: every place found, or, for a link no file holds as written, the
    /// template that makes it, the banner it belongs to, or (last) the output files holding it.
    fn places(&self, url: &str, outputs: &[String]) -> Vec<Located<'_>> {
        let key = link_key(url);
        let mut found: Vec<Place> = self.written.get(&key).cloned().unwrap_or_default();
        if let Some(p) = self.banners.get(&key) {
            found.push(*p);
        }
        if found.is_empty() {
            found.extend(self.stems.iter().filter(|(stem, _)| key.starts_with(stem.as_str())).map(|(_, p)| *p));
        }
        found.sort();
        found.dedup();
        if found.is_empty() {
            return outputs.iter().map(|o| Located::Output(o.clone())).collect();
        }
        found.into_iter().map(|p| Located::Source(&self.files[p.file].0, &self.files[p.file].1, p.offset)).collect()
    }
}

/// A place a link is reported at.
enum Located<'a> {
    /// A site file, its text and the byte offset of the link.
    Source(&'a Path, &'a str, usize),
    /// An output file (relative to the output folder), when no site file holds the link.
    Output(String),
}

impl Located<'_> {
    fn diagnostic(&self, message: String) -> Diagnostic {
        match self {
            Located::Source(path, text, offset) => Diagnostic::at_offset(*path, text, *offset, message),
            Located::Output(file) => Diagnostic::file(format!("public/{file}"), message),
        }
    }

    fn short(&self) -> String {
        match self {
            Located::Source(path, text, offset) => format!("{}:{}", crate::diag::slashed(path), crate::diag::line_col(text, *offset).0),
            Located::Output(file) => format!("public/{file}"),
        }
    }
}

/// How a written address and a finished one are compared: entities and `%xx` decoded, since
/// Markdown escapes `&` and percent-encodes what a link may not hold.
fn link_key(url: &str) -> String {
    crate::url::percent_decode(&unescape(url))
}

/// Every `http://` or `https://` address in a text: its byte offset, the address (up to a space,
/// a quote, an angle bracket or a backtick), and whether a template expression (`{{`, `{%`)
/// cut it short.
fn written_links(text: &str) -> Vec<(usize, &str, bool)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("http").map(|i| from + i) {
        let rest = &text[i..];
        if !is_outside(rest.get(..9).unwrap_or(rest)) || (i > 0 && text[..i].ends_with(|c: char| c.is_ascii_alphanumeric())) {
            from = i + 4;
            continue;
        }
        let len =
            rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '[' | ']')).unwrap_or(rest.len());
        let token = &rest[..len];
        let cut = rest[len..].starts_with("{{") || rest[len..].starts_with("{%");
        out.push((i, token, cut));
        from = i + len.max(4);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Asking

/// What asking a link gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer, after any redirects.
    Ok,
    /// Any other final status; `to` is where redirects led (empty without redirects).
    Status { code: u16, to: Vec<String> },
    /// More than [`MAX_REDIRECTS`] redirects.
    Loop,
    /// A redirect to something that is not a web address (`Location: mailto:…`, or none).
    BadRedirect { to: String },
    /// No answer within the timeout.
    Timeout,
    /// The host name does not exist.
    NoSuchHost(String),
    /// Not a usable address.
    BadUrl(String),
    /// Anything else: a refused connection, a failed secure connection (the words say which).
    Failed(String),
}

/// Asks every link, at most `opts.jobs` at once and `opts.per_host` at once per host name;
/// the outcomes are in the order of `urls`.
fn ask_all(urls: &[&String], opts: &Options) -> Vec<Outcome> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .timeout_global(Some(opts.timeout))
        .timeout_connect(Some(opts.timeout))
        .max_idle_connections_per_host(opts.per_host.max(1))
        .build()
        .into();
    let per_host = opts.per_host.max(1);
    let queue = Mutex::new(Queue { waiting: urls.iter().enumerate().map(|(i, u)| (i, host_of(u))).collect(), busy: HashMap::new() });
    let turn = Condvar::new();
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1).min(urls.len()) {
            scope.spawn(|| {
                while let Some((i, host)) = next_turn(&queue, &turn, per_host) {
                    let outcome = ask(&agent, urls[i]);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(outcome);
                    }
                    if let Ok(mut q) = queue.lock() {
                        if let Some(n) = q.busy.get_mut(&host) {
                            *n -= 1;
                        }
                    }
                    turn.notify_all();
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.into_iter().map(|r| r.unwrap_or_else(|| Outcome::Failed("it was not asked (folio stopped early)".into()))).collect()
}

/// The links not asked yet, and how many requests are under way per host.
struct Queue {
    waiting: VecDeque<(usize, String)>,
    busy: HashMap<String, usize>,
}

/// The next link whose host has room, waiting while every waiting link's host is busy; `None`
/// when none is left.
fn next_turn(queue: &Mutex<Queue>, turn: &Condvar, per_host: usize) -> Option<(usize, String)> {
    let mut q = queue.lock().ok()?;
    loop {
        if q.waiting.is_empty() {
            return None;
        }
        if let Some(pos) = q.waiting.iter().position(|(_, h)| q.busy.get(h).copied().unwrap_or(0) < per_host) {
            let (i, host) = q.waiting.remove(pos)?;
            *q.busy.entry(host.clone()).or_default() += 1;
            return Some((i, host));
        }
        q = turn.wait(q).ok()?;
    }
}

/// The host name of an address, lowercased, without user or port: the unit of the per-host limit.
fn host_of(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') { authority.split_inclusive(']').next().unwrap_or(authority) } else { authority.split(':').next().unwrap_or("") };
    host.to_ascii_lowercase()
}

/// Asks one link: `HEAD`, then `GET` if `HEAD` got an error answer, following redirects.
fn ask(agent: &ureq::Agent, url: &str) -> Outcome {
    let mut current = url.to_string();
    let mut to = Vec::new();
    loop {
        let answer = match request(agent, "HEAD", &current) {
            Ok((code, _)) if code >= 400 && code != 429 => request(agent, "GET", &current),
            other => other,
        };
        let (code, location) = match answer {
            Ok(a) => a,
            Err(e) => return e,
        };
        match (code, location) {
            (200..=299, _) => return Outcome::Ok,
            (300..=399, Some(location)) => {
                if to.len() == MAX_REDIRECTS {
                    return Outcome::Loop;
                }
                let next = joined(&current, &location);
                if !is_outside(&next) {
                    return Outcome::BadRedirect { to: location };
                }
                to.push(next.clone());
                current = next;
            }
            (code, _) => return Outcome::Status { code, to },
        }
    }
}

/// One request; the status and the `Location` header, or what went wrong.
fn request(agent: &ureq::Agent, method: &str, url: &str) -> Result<(u16, Option<String>), Outcome> {
    let url = encoded(url);
    let url = url.as_str();
    let answer = if method == "HEAD" { agent.head(url).call() } else { agent.get(url).call() };
    match answer {
        Ok(r) => Ok((r.status().as_u16(), r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string))),
        Err(e) => Err(failure(e, url)),
    }
}

/// `url` as a browser sends it: spaces, non-ASCII letters and the other characters an address
/// may not hold as they are percent-encoded (a template may write `https://x.test/café`).
fn encoded(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A client error as an [`Outcome`] in plain words.
fn failure(e: ureq::Error, url: &str) -> Outcome {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => Outcome::Timeout,
        ureq::Error::HostNotFound => Outcome::NoSuchHost(host_of(url)),
        ureq::Error::BadUri(why) => Outcome::BadUrl(why),
        ureq::Error::Http(why) => Outcome::BadUrl(why.to_string()),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => Outcome::Timeout,
            ErrorKind::ConnectionRefused => Outcome::Failed("the server refused the connection".into()),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
                Outcome::Failed("the server closed the connection without answering".into())
            }
            _ => {
                let words = io.to_string();
                // The system's resolver: "failed to lookup address information: Name or service
                // not known" for a name that does not exist; "Temporary failure in name
                // resolution" when it could not ask (no network).
                if words.contains("Temporary failure") || words.contains("try again") {
                    Outcome::Failed(format!("the name `{}` could not be looked up (is this machine offline?)", host_of(url)))
                } else if words.contains("lookup address") || io.raw_os_error() == Some(11001) {
                    Outcome::NoSuchHost(host_of(url))
                } else {
                    Outcome::Failed(words)
                }
            }
        },
        ureq::Error::Tls(why) => Outcome::Failed(format!("the secure connection failed: {why}")),
        ureq::Error::Rustls(why) => Outcome::Failed(format!("the secure connection failed: {why}")),
        ureq::Error::ConnectionFailed => Outcome::Failed("the connection failed".into()),
        other => Outcome::Failed(other.to_string()),
    }
}

/// `location` (absolute, `//host/…`, `/path` or relative) read against the address it came from.
fn joined(base: &str, location: &str) -> String {
    let location = location.trim();
    if is_outside(location) || location.contains("://") || location.starts_with("mailto:") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_len]);
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = rest[authority_len..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    if location.starts_with('?') {
        return format!("{origin}{path}{location}");
    }
    format!("{origin}{dir}{location}")
}

// ---------------------------------------------------------------------------------------------
// Judging

/// Whether an outcome fails `check`, and the words: (is an error, what happened, what to do).
/// The rule: a link that is gone is an error — 404, 410 and the other client errors except the
/// ones below, a host name that does not exist, a redirect loop, a redirect nowhere, an address
/// that cannot be asked. What may pass or is not the link's fault is a warning — 401, 403 and 407
/// (the site refuses automated visitors or wants a login), 408 and 429 (busy), 5xx, timeouts,
/// refused or broken connections, failed secure connections: the next scheduled check asks again.
pub fn judge(url: &str, outcome: &Outcome, timeout: Duration) -> Option<(bool, String, String)> {
    const FIX: &str = "update or remove the link; if the page moved, link to its new address";
    const PASSING: &str = "the site may be down or busy for a while: the next check asks again; if it lasts, update or remove the link";
    Some(match outcome {
        Outcome::Ok => return None,
        Outcome::Status { code, to } => {
            let said = format!("link to {url} answers {}{}", status_words(*code), redirect_words(to));
            match code {
                401 | 407 => (false, said, "the page asks for a login, so folio cannot tell whether it exists; open it in a browser to make sure".into()),
                403 => (
                    false,
                    said,
                    "many sites refuse automated visitors such as link checkers: open the link in a browser; if the page shows, the link is fine".into(),
                ),
                408 | 429 | 500..=599 => (false, said, PASSING.into()),
                400..=499 => (true, said, FIX.into()),
                _ => (false, said, "open the link in a browser to see what it shows; update it if the page moved".into()),
            }
        }
        Outcome::Loop => (true, format!("link to {url} goes round more than {MAX_REDIRECTS} redirects without reaching a page"), FIX.into()),
        Outcome::BadRedirect { to } => (true, format!("link to {url} redirects to `{to}`, which is not a web address"), FIX.into()),
        Outcome::Timeout => (
            false,
            format!("link to {url}: the site did not answer within {}", duration_words(timeout)),
            format!("{PASSING} (`--external-timeout` gives slow sites longer)"),
        ),
        Outcome::NoSuchHost(host) => (
            true,
            format!("link to {url}: there is no site called `{host}` (the name is not found)"),
            "check the spelling of the address, or remove the link if the site is gone".into(),
        ),
        Outcome::BadUrl(why) => {
            (true, format!("link to {url} is not a valid web address ({why})"), "correct the address; it must look like https://example.com/page".into())
        }
        Outcome::Failed(why) => (false, format!("link to {url} could not be reached: {why}"), PASSING.into()),
    })
}

fn status_words(code: u16) -> String {
    match ureq::http::StatusCode::from_u16(code).ok().and_then(|s| s.canonical_reason()) {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

fn redirect_words(to: &[String]) -> String {
    match to {
        [] => String::new(),
        [only] => format!(" (after a redirect to {only})"),
        [.., last] => format!(" (after {} redirects, the last to {last})", to.len()),
    }
}

/// `10 s`, `500 ms`, `24 h`: a duration as a message says it.
fn duration_words(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_millis() != 0 || secs == 0 {
        format!("{} ms", d.as_millis())
    } else if secs.is_multiple_of(3600) {
        format!("{} h", secs / 3600)
    } else if secs.is_multiple_of(60) && secs >= 600 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// The problem of one link, at its first place, naming the others.
fn diagnostic(url: &str, outcome: &Outcome, places: &[Located], timeout: Duration) -> Diagnostic {
    let (error, message, mut help) = judge(url, outcome, timeout).unwrap_or_default();
    if places.len() > 1 {
        let others: Vec<String> = places[1..].iter().take(PLACES_SHOWN).map(Located::short).collect();
        let more = places.len() - 1 - others.len();
        help.push_str(&format!("; the same link is also in {}", others.join(", ")));
        if more > 0 {
            help.push_str(&format!(" and {more} more place{}", if more == 1 { "" } else { "s" }));
        }
    }
    let d = match places.first() {
        Some(place) => place.diagnostic(message),
        None => Diagnostic::file("public", message),
    };
    let d = d.with_help(help).kind(Kind::Link);
    if error {
        d
    } else {
        d.warning()
    }
}

// ---------------------------------------------------------------------------------------------
// The cache

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct CacheFile {
    #[serde(default)]
    about: String,
    /// Address → when it last answered well (seconds since 1970).
    #[serde(default)]
    ok: BTreeMap<String, u64>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The kept results; an unreadable or damaged file is as good as none.
fn read_cache(path: &Path) -> BTreeMap<String, u64> {
    std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok()).map(|c| c.ok).unwrap_or_default()
}

/// Writes the cache whole: a temporary file beside it, then a rename over it.
fn write_cache(path: &Path, ok: &BTreeMap<String, u64>) -> std::io::Result<()> {
    let file = CacheFile {
        about: "folio check --external: outside links that answered well, and when (seconds since 1970); not asked again until --external-max-age (24 h) has passed"
            .into(),
        ok: ok.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_outside_links_in_attributes_only() {
        let html = concat!(
            r#"<a href="https://x.test/a?b=1&amp;c=2#top">x</a><img src='http://i.test/p.png' alt="">"#,
            r#"<a href="/local/">l</a><a href=https://bare.test/>b</a><a data-href="https://no.test/">n</a>"#,
            r#"<!-- <a href="https://comment.test/"> --><script>var a = '<a href="https://script.test/">';</script>"#,
            r#"<link rel="preconnect" href="https://fonts.test"><link rel="stylesheet" href="https://css.test/a.css">"#,
            r#"<p>see https://text.test/ here</p><a href="mailto:a@b.test">m</a><a HREF="HTTPS://UP.test/">u</a>"#,
            r#"<img src="/a.jpg" srcset="/a-480.jpg 480w, https://cdn.test/a-960.jpg 960w" alt=""><video poster="https://cdn.test/p.jpg"></video>"#,
        );
        assert_eq!(
            outside_links(html),
            vec![
                "https://x.test/a?b=1&c=2#top",
                "http://i.test/p.png",
                "https://bare.test/",
                "https://css.test/a.css",
                "HTTPS://UP.test/",
                "https://cdn.test/a-960.jpg",
                "https://cdn.test/p.jpg"
            ]
        );
    }

    #[test]
    fn own_addresses_are_not_outside_links() {
        assert!(is_own("https://me.test/a/", "https://me.test"));
        assert!(is_own("https://me.test", "https://me.test"));
        assert!(!is_own("https://me.test.evil/", "https://me.test"));
        assert!(!is_own("https://other.test/", ""));
    }

    #[test]
    fn written_links_stop_at_quotes_and_template_expressions() {
        let text = "a [x](https://x.test/a_(b)). \"http://q.test/\" {{ 'https://t.test/{{ slug }}' }} xhttp://no.test/ https://";
        let found: Vec<(&str, bool)> = written_links(text).into_iter().map(|(_, t, c)| (t, c)).collect();
        assert_eq!(found, vec![("https://x.test/a_(b)).", false), ("http://q.test/", false), ("https://t.test/", true)]);
    }

    #[test]
    fn a_link_is_found_where_it_is_written() {
        let mut s = Sources::default();
        s.add("content/a.md".into(), "# A\n\nSee [it](https://x.test/a_(b)).\nAnd https://x.test/page?a=1&b=2.\n".into(), false);
        s.add("templates/base.html".into(), "<a href=\"https://x.test/page?a=1&amp;b=2\">\n<a href=\"https://u.test/{{ config.extra.user }}\">".into(), true);
        let at = |url: &str| s.places(url, &["x/index.html".into()]).iter().map(Located::short).collect::<Vec<_>>();
        assert_eq!(at("https://x.test/a_(b)"), vec!["content/a.md:3"]);
        assert_eq!(at("https://x.test/page?a=1&b=2"), vec!["content/a.md:4", "templates/base.html:1"]);
        assert_eq!(at("https://u.test/jane"), vec!["templates/base.html:2"]);
        assert_eq!(at("https://nowhere.test/"), vec!["public/x/index.html"]);
        assert_eq!(at("https://x.test/a_"), vec!["public/x/index.html"]);
    }

    #[test]
    fn redirect_targets_are_read_against_the_address() {
        assert_eq!(joined("https://a.test/x/y?q=1", "/gone"), "https://a.test/gone");
        assert_eq!(joined("https://a.test/x/y", "z"), "https://a.test/x/z");
        assert_eq!(joined("https://a.test", "z"), "https://a.test/z");
        assert_eq!(joined("http://a.test/x", "//b.test/p"), "http://b.test/p");
        assert_eq!(joined("http://a.test/x", "https://c.test/"), "https://c.test/");
        assert_eq!(joined("http://a.test/x", "mailto:a@b.test"), "mailto:a@b.test");
    }

    #[test]
    fn hosts_are_names_without_port_or_user() {
        assert_eq!(host_of("https://User@Shop.Test:8443/a?b"), "shop.test");
        assert_eq!(host_of("http://127.0.0.1:4000"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:80/"), "[::1]");
    }

    #[test]
    fn gone_pages_are_errors_and_passing_trouble_warnings() {
        let t = Duration::from_secs(10);
        let status = |code| judge("https://x.test/", &Outcome::Status { code, to: vec![] }, t).map(|(e, _, _)| e);
        assert_eq!((status(404), status(410), status(400)), (Some(true), Some(true), Some(true)));
        assert_eq!((status(403), status(401), status(429), status(500), status(503)), (Some(false), Some(false), Some(false), Some(false), Some(false)));
        assert_eq!(judge("https://x.test/", &Outcome::Ok, t), None);
        let (error, message, _) = judge("https://x.test/", &Outcome::Timeout, t).unwrap();
        assert_eq!((error, message.as_str()), (false, "link to https://x.test/: the site did not answer within 10 s"));
        let (error, message, _) = judge("https://x.test/old", &Outcome::Status { code: 404, to: vec!["https://x.test/gone".into()] }, t).unwrap();
        assert_eq!((error, message.as_str()), (true, "link to https://x.test/old answers 404 Not Found (after a redirect to https://x.test/gone)"));
        assert!(judge("https://no.test/", &Outcome::NoSuchHost("no.test".into()), t).unwrap().0);
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(Duration::from_secs(10)), "10 s");
        assert_eq!(duration_words(Duration::from_millis(1500)), "1500 ms");
        assert_eq!(duration_words(Duration::from_secs(24 * 3600)), "24 h");
        assert_eq!(duration_words(Duration::from_secs(1800)), "30 min");
    }

    #[test]
    fn addresses_are_asked_as_a_browser_sends_them() {
        assert_eq!(encoded("https://x.test/café au lait?q=a|b"), "https://x.test/caf%C3%A9%20au%20lait?q=a%7Cb");
        assert_eq!(encoded("https://x.test/a%20b?c=d&e=f#g"), "https://x.test/a%20b?c=d&e=f#g");
    }

    #[test]
    fn script_insides_end_at_their_closing_tag_in_any_case() {
        let html = r#"<SCRIPT>x = "<a href='https://in.test/'>"</Script><a href="https://out.test/">o</a><style>a{}</style>"#;
        assert_eq!(outside_links(html), vec!["https://out.test/"]);
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(unescape("a&amp;b&#38;c&#x26;d&quot;&bogus; & e"), "a&b&c&d\"&bogus; & e");
    }
}

//! The build pipeline: load → parse → model → render. `build`, `check` and `serve` all run the
//! one [`Engine`]; there is no second render path (ARCHITECTURE.md, invariant 4). Every stage
//! returns its result together with the problems it found, so one run reports them all.
//!
//! Every run computes the whole site from the current files. What makes a rebuild fast is that
//! each expensive step is a pure function whose result is kept under a hash of exactly what it
//! was given (and, for Markdown, of every answer it got from the rest of the site); a result is
//! reused only when those are unchanged. Nothing is kept under a hand-written key, and errors
//! are results like any other, so a rebuild reports exactly what a fresh build would.

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::diag::{Diagnostic, Diagnostics, Kind, Severity};
use crate::hash::{hash_of, Digest};
use crate::images::markup::{Loading, Picture};
use crate::load::{self, Asset, ContentEntry, SourceFile};
use crate::marketing::{self, Marketing};
use crate::model::assemble::{self, PageSource, SectionSource};
use crate::model::claims::{self, Claim, Claimant};
use crate::model::window::{Held, HeldPage, LeftOut, Schedule, Window};
use crate::model::{self, Page, Section, Site};
use crate::parse::front_matter::{self, FrontMatter};
use crate::parse::markdown::{self, ImageCall, Rendered, Resolver, SourceInfo};
use crate::parse::shortcodes::Call;
use crate::render::search::SearchInput;
use crate::render::Renderer;
use crate::url::{page_url, parent_dir, section_url};
use rayon::prelude::*;
use std::collections::HashMap as StdHashMap;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub mod images;

pub use crate::render::site::OutFile;

/// Hash maps keyed by content paths and output paths: FxHash is several times faster than the
/// default SipHash for such short keys, and these keys are the user's own file names.
type HashMap<K, V> = StdHashMap<K, V, rustc_hash::FxBuildHasher>;

/// What a build is asked to do. Everything a build depends on besides the files is here,
/// including the date banners are scheduled against.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Include pages dated (or with a `publish_date:`) after the build date.
    pub future: bool,
    /// Include pages whose `expiry_date:` has come.
    pub expired: bool,
    /// The day the site is built for (banner schedules, pages dated later): [`today`] unless set.
    pub build_date: time::Date,
    /// A preview for `folio serve`: what only matters once the site is published (a contact
    /// form with no provider) is a warning, not an error.
    pub preview: bool,
    /// A staging build for showing a client (`build --env staging`): noindex everywhere,
    /// robots.txt disallowing all, a "Preview" ribbon, a contact form that sends nothing.
    pub staging: bool,
    /// What the previous `folio build` published in the output folder: the pages this build
    /// no longer writes are warnings (`model::dropped`). `None` for serve and check.
    pub published: Option<Arc<model::dropped::Published>>,
    /// `folio check`: errors found in the content do not stop the run before the pages are
    /// rendered (they come back in [`Built::errors`]), so the checks on the finished pages run
    /// too and every problem is reported at once; the source texts come back in
    /// [`Built::sources`] to place those problems in the files they were written in.
    pub check: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            root: PathBuf::from("."),
            base_url: None,
            drafts: false,
            future: false,
            expired: false,
            build_date: today(),
            preview: false,
            staging: false,
            published: None,
            check: false,
        }
    }
}

impl BuildOptions {
    /// Which pages this build publishes (drafts, dates after the build date, expired pages).
    pub fn window(&self) -> Window {
        Window { drafts: self.drafts, future: self.future, expired: self.expired, build_date: self.build_date }
    }
}

/// The date `--date` gave, for the whole process (see [`set_date`]).
static DATE: std::sync::OnceLock<time::Date> = std::sync::OnceLock::new();

/// Builds this process makes are for `date` (`--date YYYY-MM-DD` of `build`, `check` and
/// `serve`): [`today`] answers it from now on, over `SOURCE_DATE_EPOCH`. Set once, before the
/// first build; serve asks [`today`] before every rebuild, so it keeps the date too.
pub fn set_date(date: time::Date) {
    let _ = DATE.set(date);
}

/// The build date: the `--date` given ([`set_date`]), else `SOURCE_DATE_EPOCH` (seconds since
/// 1970, for reproducible builds) when set, else today's date in UTC. Read once, where options
/// are made.
pub fn today() -> time::Date {
    if let Some(date) = DATE.get() {
        return *date;
    }
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let now = match secs {
        Some(s) => time::OffsetDateTime::from_unix_timestamp(s).unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
        None => time::OffsetDateTime::now_utc(),
    };
    now.date()
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub terms: usize,
    pub faqs: usize,
    pub tiers: usize,
    pub banners: usize,
    pub files: usize,
    pub millis: u128,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::diag::count;
        write!(
            f,
            "{}, {}, {}, {}, {}, {}, {} in {} ms",
            count(self.pages, "page"),
            count(self.sections, "section"),
            count(self.terms, "term"),
            count(self.faqs, "FAQ"),
            count(self.tiers, "tier"),
            count(self.banners, "banner"),
            count(self.files, "file"),
            self.millis
        )
    }
}

/// A successful build: the model, every rendered file and the assets to copy.
pub struct Built {
    pub site: Arc<Site>,
    /// Every rendered file (sorted by path when it comes from [`build`]).
    pub files: Vec<OutFile>,
    pub assets: Vec<Asset>,
    /// Files made from images (their copies), by path: made into the cache by a build, by
    /// serve when first asked for (or in the background).
    pub made: Vec<images::MadeFile>,
    pub stats: Stats,
    /// Non-fatal findings (e.g. images without alt text), printed as warnings.
    pub warnings: Vec<Diagnostic>,
    /// How many files were rendered this time (the rest came from the previous build).
    pub rendered: usize,
    /// Output paths whose bytes differ from the previous build's (added, changed or gone).
    pub changed: Vec<String>,
    /// How many pages were left out (drafts, dated later) and how to include them.
    pub note: Option<String>,
    /// How many pages were left out, by reason (drafts included).
    pub left_out: LeftOut,
    /// The pages left out, with the address each would have, sorted by file.
    pub held: Vec<HeldPage>,
    /// With [`BuildOptions::check`] only: the errors found before rendering (a plain build stops
    /// on them instead, and never has any here).
    pub errors: Vec<Diagnostic>,
    /// With [`BuildOptions::check`] only: the texts of the content files (pages and sections)
    /// and templates, where `folio check` looks for the links it finds broken.
    pub sources: Vec<Arc<SourceFile>>,
}

/// Reads and validates `site.yaml` under `root`.
pub fn read_config(root: &Path, base_url: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    parse_config(&read_config_text(root)?, base_url, false)
}

fn read_config_text(root: &Path) -> Result<String, Vec<Diagnostic>> {
    match load::config_text(root, CONFIG_FILE) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(vec![Diagnostic::file(CONFIG_FILE, format!("no {CONFIG_FILE} in {}", root.display()))
            .with_help("run folio in the site's folder, pass --root DIR, or create a new site with `folio init DIR`")
            .kind(Kind::Config)]),
        Err(d) => Err(vec![d]),
    }
}

/// Parses and validates the text of `site.yaml`.
fn parse_config(text: &str, base_url: Option<&str>, staging: bool) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut config = SiteConfig::parse(Path::new(CONFIG_FILE), text)?;
    config.staging = staging;
    if let Some(b) = base_url {
        config.base_url = b.trim_end_matches('/').to_string();
    }
    if config.taxonomies.iter().any(|t| t != "tags" && t != "categories") {
        let (line, col) = crate::yaml::key_position(text, "taxonomies").unwrap_or((1, 1));
        return Err(vec![Diagnostic::at(CONFIG_FILE, text, line, col, "taxonomies can be `tags` and `categories`")
            .with_help("remove other names; free-form grouping can go under a page's `extra:`")
            .kind(Kind::Config)]);
    }
    Ok(config)
}

/// Phase timings, printed to stderr when `FOLIO_TIMINGS` is set (for profiling builds), with
/// the memory in use and the peak so far at the end of each phase where the system says
/// (Linux: `/proc/self/status`), so a peak can be placed.
struct PhaseTimer {
    enabled: bool,
    last: Instant,
    phases: Vec<Phase>,
}

/// A phase's name, milliseconds, and memory in use and peak so far (MB) at its end.
type Phase = (&'static str, f64, Option<(u64, u64)>);

impl PhaseTimer {
    fn new() -> Self {
        PhaseTimer { enabled: std::env::var_os("FOLIO_TIMINGS").is_some(), last: Instant::now(), phases: Vec::new() }
    }
    fn mark(&mut self, name: &'static str) {
        if self.enabled {
            let now = Instant::now();
            self.phases.push((name, (now - self.last).as_secs_f64() * 1000.0, crate::fsx::memory_mb()));
            self.last = now;
        }
    }
    fn report(&self) {
        if self.enabled {
            let parts: Vec<String> = self
                .phases
                .iter()
                .map(|(n, ms, mem)| match mem {
                    Some((rss, peak)) => format!("{n} {ms:.1} [{rss}/{peak} MB]"),
                    None => format!("{n} {ms:.1}"),
                })
                .collect();
            eprintln!("timings (ms): {}", parts.join(", "));
        }
    }
}

/// Builds the site in memory. On any error, returns every diagnostic found.
pub fn build(opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let mut built = Engine::new(opts.clone()).run(&ChangeSet::everything())?;
    built.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(built)
}

/// Where a build puts each output file the moment it is rendered (`output::Staging`, the
/// staging tree beside the output folder), so the rendered site is never held in memory whole.
pub trait Sink: Sync {
    /// Writes one file; the error says what went wrong, naming the output folder.
    fn put(&self, file: &OutFile) -> Result<(), Diagnostic>;

    /// A folder for the build's scratch file ([`crate::spool`]) on the disk the site goes to;
    /// `None` keeps everything in memory.
    fn scratch_dir(&self) -> Option<PathBuf> {
        None
    }
}

/// The scratch file of a build into a sink that offers a folder for one.
fn open_spool(sink: Option<&dyn Sink>) -> Result<Option<Arc<crate::spool::Spool>>, Diagnostic> {
    let Some(dir) = sink.and_then(Sink::scratch_dir) else { return Ok(None) };
    crate::spool::Spool::new_in(&dir).map(|s| Some(Arc::new(s))).map_err(|e| {
        Diagnostic::file(&dir, format!("could not make the build's scratch file here: {e}"))
            .with_help("check that this folder is writable and the disk has space; the previous site is unchanged")
            .kind(Kind::Output)
    })
}

/// Where `folio serve` keeps its rendered files instead of memory (`session::store`, a folder of
/// files named by their [`Digest`]): each file is put the moment it is rendered, and the job
/// records and serve's snapshots keep only its digest (issue 17).
pub trait Store: Sync {
    /// Keeps `bytes` under `digest`; bytes kept already are not written again.
    fn put(&self, digest: Digest, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// The bytes kept under `digest`: what the checks on finished pages read of a file this run
    /// did not render again.
    fn get(&self, digest: Digest) -> Result<Vec<u8>, Diagnostic>;
}

/// Where a run's rendered files go, and so what its job records keep of them.
#[derive(Clone, Copy)]
enum Output<'a> {
    /// Held in memory, in [`Built::files`] and the records: a build held in memory.
    Memory,
    /// Into a sink, nothing kept: `folio build`.
    Sink(&'a dyn Sink),
    /// Into serve's store, the records keeping digests.
    Store(&'a dyn Store),
}

impl<'a> Output<'a> {
    fn sink(&self) -> Option<&'a dyn Sink> {
        match self {
            Output::Sink(sink) => Some(*sink),
            _ => None,
        }
    }
}

/// Builds the site into `sink`, file by file. The [`Built`] it returns lists each file's path
/// with no bytes. On any error, returns every diagnostic found (the sink may have been given
/// files by then: the caller throws them away).
pub fn build_into(opts: &BuildOptions, sink: &dyn Sink) -> Result<Built, Diagnostics> {
    let mut built = Engine::new(opts.clone()).run_into(&ChangeSet::everything(), Output::Sink(sink))?;
    built.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(built)
}

/// What changed since the last run, classified once by where it lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Read everything again (the first run, or a change nobody could classify).
    pub everything: bool,
    pub config: bool,
    /// Paths under `content/`, relative to it and `/`-separated (`""` is the whole folder).
    /// Each names a file or a folder that changed, appeared or went away.
    pub content: Vec<String>,
    /// Something under `templates/` or `themes/` (templates and theme static files).
    pub theme: bool,
    /// Something under `static/`.
    pub statics: bool,
}

impl ChangeSet {
    pub fn everything() -> ChangeSet {
        ChangeSet { everything: true, ..ChangeSet::default() }
    }

    /// Classifies paths (absolute, or relative to the working folder) under the site `root`.
    /// Paths outside the site's inputs are ignored; an empty list means everything.
    pub fn classify(root: &Path, paths: &[PathBuf]) -> ChangeSet {
        if paths.is_empty() {
            return ChangeSet::everything();
        }
        let mut set = ChangeSet::default();
        for path in paths {
            let Some(rel) = relative_to_root(path, root) else { continue };
            let mut parts = rel.splitn(2, '/');
            let top = parts.next().unwrap_or("");
            let rest = parts.next().unwrap_or("");
            match top {
                "" => set.everything = true,
                CONFIG_FILE => set.config = true,
                load::CONTENT_DIR => set.content.push(rest.to_string()),
                load::TEMPLATES_DIR | load::THEMES_DIR => set.theme = true,
                load::STATIC_DIR => set.statics = true,
                _ => {}
            }
        }
        set.content.sort();
        set.content.dedup();
        set
    }

    pub fn is_empty(&self) -> bool {
        *self == ChangeSet::default()
    }
}

/// Paths under `root` that a change may name, relative and `/`-separated.
fn relative_to_root(path: &Path, root: &Path) -> Option<String> {
    let rel: PathBuf = match path.strip_prefix(root) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // Watchers report absolute, canonical paths; the root may be relative (`.`). A
            // deleted file cannot be canonicalised, so canonicalise its folder instead.
            let canon_root = root.canonicalize().ok()?;
            let canon = path.canonicalize().ok().or_else(|| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))?;
            canon.strip_prefix(&canon_root).ok()?.to_path_buf()
        }
    };
    // A `\` in a name is a folder separator, as in the keys `load` makes.
    Some(crate::url::forward_slashes(&rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")).into_owned())
}

/// The site's input files as last read. Every entry carries its own problem, so reading a path
/// again (or finding it gone) replaces its problem with the new state.
#[derive(Default)]
struct Sources {
    config_text: Option<Result<String, Vec<Diagnostic>>>,
    /// The theme whose templates and static files are loaded.
    theme: Option<String>,
    content: BTreeMap<String, ContentEntry>,
    /// Text files of `content/` reached through a symbolic link: key → (the file read, the
    /// key of the link).
    content_linked: BTreeMap<String, (PathBuf, String)>,
    /// Keys of the symbolic links in `content/`. Where a link leads can change with any file,
    /// so what is behind them is read again on every change.
    content_links: BTreeSet<String>,
    /// `content/`, resolved.
    content_folder: Option<PathBuf>,
    /// Text files reached twice (their second keys, left out of the site) and the problems
    /// saying so: a pure function of the entries above, so a rebuild finds what a build does.
    twice: (HashSet<String>, Vec<Diagnostic>),
    templates: Vec<SourceFile>,
    statics: Vec<Asset>,
    /// The site's own `_redirects` (see `load::ThemeFiles::redirects`).
    redirects: Option<model::UserRedirects>,
    /// Problems of the templates, static files and theme.
    theme_problems: Vec<Diagnostic>,
    /// Whether a symbolic link was met among the templates and static files.
    theme_links: bool,
}

impl Sources {
    fn apply(&mut self, root: &Path, changes: &ChangeSet) {
        if changes.everything || changes.config || self.config_text.is_none() {
            self.config_text = Some(read_config_text(root));
        }
        if changes.everything {
            self.reload_content(root, "");
        } else {
            for rel in &changes.content {
                self.reload_content(root, rel);
            }
            // Where a link leads can change with any file (or come to exist): read again what
            // links lead to, as a build would.
            if !changes.is_empty() {
                for rel in self.outermost_links() {
                    self.reload_content(root, &rel);
                }
                if self.theme_links {
                    self.theme = None;
                }
            }
        }
        if changes.everything || changes.theme || changes.statics {
            // Read again for the current theme when the build asks for it.
            self.theme = None;
        }
        self.twice = self.reached_twice();
    }

    /// The links of `content/` that are not behind another link.
    fn outermost_links(&self) -> Vec<String> {
        let mut outer: Vec<String> = Vec::new();
        for link in &self.content_links {
            if !outer.iter().any(|o| link.starts_with(&format!("{o}/"))) {
                outer.push(link.clone());
            }
        }
        outer
    }

    /// Replaces the entries at or below `rel` (a file or folder under `content/`); a path behind
    /// a link is read again from the link on.
    fn reload_content(&mut self, root: &Path, rel: &str) {
        let rel = self.content_links.iter().find(|l| rel.starts_with(&format!("{l}/"))).map_or(rel, String::as_str).to_string();
        let below = format!("{rel}/");
        let gone = |k: &String| rel.is_empty() || *k == rel || k.starts_with(&below);
        self.content.retain(|k, _| !gone(k));
        self.content_linked.retain(|k, _| !gone(k));
        self.content_links.retain(|k| !gone(k));
        let path = if rel.is_empty() { root.join(load::CONTENT_DIR) } else { root.join(load::CONTENT_DIR).join(&rel) };
        let walked = load::content_entries(root, &path);
        self.content.extend(walked.entries);
        self.content_linked.extend(walked.linked.into_iter().map(|(k, file, via)| (k, (file, via))));
        self.content_links.extend(walked.links);
        self.content_folder = walked.folder;
    }

    /// Text files reached more than once (through links): the first key (a file reached
    /// without a link before one reached through a link, then by key) stays; the others are
    /// problems and left out.
    fn reached_twice(&self) -> (HashSet<String>, Vec<Diagnostic>) {
        let mut skip = HashSet::new();
        let mut problems: Vec<Diagnostic> = Vec::new();
        let mut by_file: BTreeMap<&Path, Vec<(bool, String)>> = BTreeMap::new();
        for (key, (file, _)) in &self.content_linked {
            if matches!(self.content.get(key), Some(ContentEntry::Text(..))) {
                by_file.entry(file.as_path()).or_default().push((true, key.clone()));
            }
        }
        for (file, keys) in &mut by_file {
            let direct = self.content_folder.as_ref().and_then(|f| file.strip_prefix(f).ok());
            let direct = direct
                .map(|d| crate::url::forward_slashes(&d.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")).into_owned());
            if let Some(d) = direct.filter(|d| !self.content_linked.contains_key(d) && matches!(self.content.get(d), Some(ContentEntry::Text(..)))) {
                keys.push((false, d));
            }
            keys.sort();
        }
        // One problem per link, however many files are behind it.
        let mut by_link: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for keys in by_file.values() {
            let Some(((_, original), others)) = keys.split_first() else { continue };
            for (_, key) in others {
                let via = self.content_linked.get(key).map_or("", |(_, via)| via.as_str());
                by_link.entry(via).or_default().push((key, original));
                skip.insert(key.clone());
            }
        }
        problems.extend(by_link.into_iter().map(|(via, twice)| load::reached_twice(via, &twice)));
        (skip, problems)
    }

    /// Loads templates and static files for `theme` unless they are loaded already.
    fn ensure_theme(&mut self, root: &Path, theme: &str) {
        if self.theme.as_deref() == Some(theme) {
            return;
        }
        let files = load::theme_files(root, theme);
        self.templates = files.templates;
        self.statics = files.statics;
        self.redirects = files.redirects.map(|(shown, text)| model::UserRedirects { shown, text });
        self.theme_problems = files.problems;
        self.theme_links = files.links;
        self.theme = Some(theme.to_string());
    }

    fn texts(&self) -> impl Iterator<Item = (&Arc<SourceFile>, u64)> {
        self.content.iter().filter_map(|(key, e)| match e {
            ContentEntry::Text(f, h) if !self.twice.0.contains(key) => Some((f, *h)),
            _ => None,
        })
    }

    fn assets(&self) -> Vec<Asset> {
        let mut all = self.statics.clone();
        all.extend(self.content.values().filter_map(|e| match e {
            ContentEntry::Asset(a) => Some(a.clone()),
            _ => None,
        }));
        load::merge_assets(all)
    }

    fn problems(&self) -> impl Iterator<Item = &Diagnostic> {
        let content = self.content.values().filter_map(|e| match e {
            ContentEntry::Problem(d) => Some(d),
            _ => None,
        });
        self.theme_problems.iter().chain(content).chain(&self.twice.1)
    }
}

/// Front matter as parsed.
#[derive(Debug, Clone)]
struct Meta {
    meta: Arc<FrontMatter>,
    date: Option<time::OffsetDateTime>,
    updated: Option<time::OffsetDateTime>,
    publish: Option<time::OffsetDateTime>,
    expiry: Option<time::OffsetDateTime>,
    body_start: usize,
    body_line_offset: usize,
    /// The front matter's warnings (curly quotes around a value).
    warnings: Vec<Diagnostic>,
}

/// One answer a Markdown rendering got from the rest of the site.
#[derive(Debug, Clone)]
enum Read {
    Url { content_path: String, answer: Option<String> },
    LeftOut { content_path: String, answer: Option<(String, String)> },
    Shortcode { call: Call, page_key: String, answer: Result<String, (String, String)> },
    ThemeId { id: String, answer: bool },
    IsShortcode { name: String, answer: bool },
    Picture { src: String, alt: String, title: Option<String>, priority: bool, page_key: String, answer: Option<String> },
}

/// A Markdown rendering, the hash of the text it was given, and every answer it read.
struct MarkdownResult {
    input: u64,
    /// The resolver's `env` when this was made: while it is the same, so is every answer.
    env: u64,
    reads: Vec<Read>,
    rendered: Arc<Rendered>,
    errors: Vec<Diagnostic>,
}

/// Front matter kept under the hash of what it was parsed from, with the file it was read from.
type KeptMeta = (u64, Result<Meta, Vec<Diagnostic>>, Arc<SourceFile>);

/// A result kept under the hash of what produced it.
type Kept<T> = Option<(u64, T)>;

/// The kept results of earlier runs, each under the hash of what produced it.
#[derive(Default)]
struct Memo {
    config: Kept<Result<SiteConfig, Vec<Diagnostic>>>,
    renderer: Kept<Result<Arc<Renderer>, Vec<Diagnostic>>>,
    /// By content key: the hash of what it was parsed from, the result, and the file it was
    /// read from (while that very file is still loaded, the hash needs no recomputing).
    front_matter: HashMap<String, KeptMeta>,
    marketing: Option<(u64, Marketing, Vec<Diagnostic>)>,
    /// By content key; FAQ answers by `key#index`.
    markdown: HashMap<String, MarkdownResult>,
    skeleton: Kept<Arc<Skeleton>>,
    /// Output files claimed twice (`model::claims`).
    claims: Kept<(Vec<Diagnostic>, Arc<model::file_links::Provided>)>,
    search: HashMap<String, (u64, Arc<model::SearchPage>)>,
    /// What each image's header said, by file stamp.
    probes: images::Probes,
    /// By job name: what made each output file, and the file.
    jobs: crate::render::site::Records,
}

/// The build engine. A one-off `build` runs it once; `serve` keeps it and calls
/// [`Engine::run`] with what changed. Each run computes the whole site from the current files,
/// reusing every kept result whose recorded inputs are unchanged (see the module comment).
pub struct Engine {
    opts: BuildOptions,
    sources: Sources,
    memo: Memo,
}

/// Markdown gets URLs and shortcodes through this.
struct SiteResolver<'a> {
    urls: &'a HashMap<String, String>,
    /// Pages left out of this build and why (an `@/` link to one says so).
    held: &'a HashMap<String, Held>,
    renderer: &'a Renderer,
    marketing: &'a Marketing,
    /// The raster images and how they are published.
    images: &'a crate::images::ImageTable,
    image_options: &'a crate::config::ImageOptions,
    /// Pages whose `image:` is a raster image (shown at the top, fetched first): their first
    /// Markdown image is fetched lazily like the rest.
    heroes: &'a HashSet<String>,
    /// A hash of what `urls`, `renderer`, `marketing` and `images` were made from: the
    /// resolver is a pure function of them, so an equal `env` means equal answers to every
    /// question.
    env: u64,
}

impl SiteResolver<'_> {
    /// The output file an image written `src` in the page `page_key` leads to.
    fn image_file(&self, src: &str, page_key: &str) -> String {
        let page_url = self.urls.get(page_key).map_or("/", String::as_str);
        crate::url::link_file(page_url, src)
    }
}

impl Resolver for SiteResolver<'_> {
    fn url_for(&self, content_path: &str) -> Option<String> {
        self.urls.get(content_path.trim_start_matches('/')).cloned()
    }
    fn left_out(&self, content_path: &str) -> Option<(String, String)> {
        let key = content_path.trim_start_matches('/');
        self.held.get(key).map(|h| h.link_message(&format!("{}/{key}", load::CONTENT_DIR)))
    }
    fn shortcode(&self, call: &Call, page_key: &str) -> Result<String, (String, String)> {
        let mut made = Vec::new();
        if call.name == "figure" {
            // Its image is checked with the page's other images (`Rendered::file_refs`): a file
            // the site lacks, or cannot read, is an error at the call's line.
            if let Some(crate::parse::shortcodes::ArgValue::Str(src)) = call.args.get("src") {
                let file = self.image_file(src, page_key);
                let alt = match call.args.get("alt") {
                    Some(crate::parse::shortcodes::ArgValue::Str(a)) => a.as_str(),
                    _ => "",
                };
                let title = match call.args.get("title") {
                    Some(crate::parse::shortcodes::ArgValue::Str(t)) => Some(t.as_str()),
                    _ => None,
                };
                if let Some(facts) = self.images.facts(&file) {
                    let sizes = match call.args.get("sizes") {
                        Some(crate::parse::shortcodes::ArgValue::Str(s)) => Some(s.as_str()),
                        _ => None,
                    };
                    let picture = Picture { src, facts, alt, title, class: None, sizes, loading: Loading::Lazy };
                    made.push(("picture", crate::images::markup::picture(&picture, self.image_options)));
                }
            }
        }
        crate::render::shortcodes::render_call(self.renderer, self.marketing, call, page_key, &made)
    }
    fn theme_id(&self, id: &str) -> bool {
        self.renderer.theme_id(id)
    }
    fn is_shortcode(&self, name: &str) -> bool {
        crate::render::shortcodes::exists(self.renderer, name)
    }
    fn picture(&self, image: &ImageCall<'_>, page_key: &str) -> Option<String> {
        let facts = self.images.facts(&self.image_file(image.src, page_key))?;
        let loading = if image.priority && !self.heroes.contains(page_key) { Loading::Priority } else { Loading::Lazy };
        let picture = Picture { src: image.src, facts, alt: image.alt, title: image.title, class: None, sizes: None, loading };
        Some(crate::images::markup::picture(&picture, self.image_options))
    }
}

/// A resolver that writes down every answer it gives.
struct Recording<'a> {
    inner: &'a SiteResolver<'a>,
    reads: Mutex<Vec<Read>>,
}

impl Resolver for Recording<'_> {
    fn url_for(&self, content_path: &str) -> Option<String> {
        let answer = self.inner.url_for(content_path);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::Url { content_path: content_path.to_string(), answer: answer.clone() });
        }
        answer
    }
    fn left_out(&self, content_path: &str) -> Option<(String, String)> {
        let answer = self.inner.left_out(content_path);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::LeftOut { content_path: content_path.to_string(), answer: answer.clone() });
        }
        answer
    }
    fn shortcode(&self, call: &Call, page_key: &str) -> Result<String, (String, String)> {
        let answer = self.inner.shortcode(call, page_key);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::Shortcode { call: call.clone(), page_key: page_key.to_string(), answer: answer.clone() });
        }
        answer
    }
    fn theme_id(&self, id: &str) -> bool {
        let answer = self.inner.theme_id(id);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::ThemeId { id: id.to_string(), answer });
        }
        answer
    }
    fn is_shortcode(&self, name: &str) -> bool {
        let answer = self.inner.is_shortcode(name);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::IsShortcode { name: name.to_string(), answer });
        }
        answer
    }
    fn picture(&self, image: &ImageCall<'_>, page_key: &str) -> Option<String> {
        let answer = self.inner.picture(image, page_key);
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(Read::Picture {
                src: image.src.to_string(),
                alt: image.alt.to_string(),
                title: image.title.map(str::to_string),
                priority: image.priority,
                page_key: page_key.to_string(),
                answer: answer.clone(),
            });
        }
        answer
    }
}

/// Whether every recorded answer is still what the site answers now.
fn reads_still_hold(reads: &[Read], resolver: &SiteResolver<'_>) -> bool {
    reads.iter().all(|r| match r {
        Read::Url { content_path, answer } => resolver.urls.get(content_path.trim_start_matches('/')) == answer.as_ref(),
        Read::LeftOut { content_path, answer } => resolver.left_out(content_path) == *answer,
        Read::Shortcode { call, page_key, answer } => resolver.shortcode(call, page_key) == *answer,
        Read::ThemeId { id, answer } => resolver.theme_id(id) == *answer,
        Read::IsShortcode { name, answer } => resolver.is_shortcode(name) == *answer,
        Read::Picture { src, alt, title, priority, page_key, answer } => {
            resolver.picture(&ImageCall { src, alt, title: title.as_deref(), priority: *priority }, page_key) == *answer
        }
    })
}

/// Renders Markdown, or reuses `kept` when it was given the same text (`input`) and every
/// answer it read from the site is unchanged. Returns the result and, when `keep` (a later run
/// may reuse it), what to keep of it.
fn markdown_of(
    kept: Option<&MarkdownResult>,
    input: u64,
    info: &SourceInfo<'_>,
    resolver: &SiteResolver<'_>,
    keep: bool,
) -> (Arc<Rendered>, Vec<Diagnostic>, Option<MarkdownResult>) {
    if let Some(k) = kept {
        if k.input == input && (k.env == resolver.env || reads_still_hold(&k.reads, resolver)) {
            return (Arc::clone(&k.rendered), k.errors.clone(), None);
        }
    }
    if !keep {
        return match render_markdown(info, resolver) {
            Ok((rendered, errors)) => (Arc::new(rendered), errors, None),
            Err(bug) => (Arc::default(), vec![bug], None),
        };
    }
    let recording = Recording { inner: resolver, reads: Mutex::new(Vec::new()) };
    let (rendered, errors) = match render_markdown(info, &recording) {
        Ok(done) => done,
        // Not kept: the next run tries again.
        Err(bug) => return (Arc::default(), vec![bug], None),
    };
    let rendered = Arc::new(rendered);
    let reads = recording.reads.into_inner().unwrap_or_default();
    (Arc::clone(&rendered), errors.clone(), Some(MarkdownResult { input, env: resolver.env, reads, rendered, errors }))
}

/// Markdown to HTML; a panic (a bug in folio) becomes an error naming the file.
fn render_markdown(info: &SourceInfo<'_>, resolver: &dyn Resolver) -> Result<(Rendered, Vec<Diagnostic>), Diagnostic> {
    crate::diag::catch_panic(info.path, "turning its Markdown into HTML", || markdown::render(info, resolver))
}

/// How a content file takes part in the site.
enum Role {
    Page,
    Section,
    Marketing,
}

fn role_of(f: &SourceFile) -> Result<Role, Diagnostic> {
    if marketing::is_marketing_file(&f.rel) {
        return Ok(Role::Marketing);
    }
    if !f.rel.ends_with(".md") {
        return Err(Diagnostic::file(&f.shown, "YAML file in an unexpected place")
            .with_help("content YAML belongs in content/faq/<topic>.yaml, content/pricing/<group>.yaml, content/banners.yaml, content/testimonials.yaml or content/clients.yaml")
            .kind(Kind::Content));
    }
    if f.rel == "_index.md" || f.rel.ends_with("/_index.md") {
        Ok(Role::Section)
    } else {
        Ok(Role::Page)
    }
}

impl Engine {
    pub fn new(opts: BuildOptions) -> Engine {
        Engine { opts, sources: Sources::default(), memo: Memo::default() }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The date banners are scheduled against from the next run on.
    pub fn set_build_date(&mut self, date: time::Date) {
        self.opts.build_date = date;
    }

    /// Builds the site after `changes`. The result, including every error, is what a fresh
    /// [`build`] of the same files and options gives.
    pub fn run(&mut self, changes: &ChangeSet) -> Result<Built, Diagnostics> {
        self.run_into(changes, Output::Memory)
    }

    /// [`Engine::run`] for `folio serve`: each output file goes to `store` as it is rendered, and
    /// [`Built::files`] and the kept records hold only its [`Digest`] (an empty `bytes`). An
    /// engine is run with one store, or none, for its whole life: records of one kind are
    /// compared with records of the same kind.
    pub fn run_stored(&mut self, changes: &ChangeSet, store: &dyn Store) -> Result<Built, Diagnostics> {
        self.run_into(changes, Output::Store(store))
    }

    /// [`Engine::run`], giving each output file to `output` as soon as it is rendered; into a
    /// sink, keeping none of their bytes (no later run can reuse them: for a one-off build).
    fn run_into(&mut self, changes: &ChangeSet, output: Output<'_>) -> Result<Built, Diagnostics> {
        let started = Instant::now();
        let root = self.opts.root.clone();
        self.sources.apply(&root, changes);
        // Each page's work already turns a panic into an error naming the page; this catches one
        // anywhere else, and drops what was kept, which the panic may have left half-updated.
        let run = crate::render::on_render_threads(|| {
            crate::diag::catch_panic(Path::new(crate::config::CONFIG_FILE), "building the site", || self.build_all(output))
        });
        let mut built = match run {
            Ok(result) => result?,
            Err(bug) => {
                self.memo = Memo::default();
                return Err(Diagnostics(vec![bug]));
            }
        };
        built.stats.millis = started.elapsed().as_millis();
        Ok(built)
    }

    fn build_all(&mut self, output: Output<'_>) -> Result<Built, Diagnostics> {
        let mut timer = PhaseTimer::new();
        let opts = &self.opts;
        let root = &opts.root;
        let memo = &mut self.memo;
        let config_text = match self.sources.config_text.as_ref() {
            Some(Ok(t)) => t,
            Some(Err(e)) => return Err(Diagnostics(e.clone()).sorted()),
            None => return Err(Diagnostics::default()),
        };
        let config_input = hash_of(&(config_text, &opts.base_url, opts.staging));
        if memo.config.as_ref().is_none_or(|(k, _)| *k != config_input) {
            memo.config = Some((config_input, parse_config(config_text, opts.base_url.as_deref(), opts.staging)));
        }
        let mut config = match memo.config.as_ref().map(|(_, c)| c) {
            Some(Ok(c)) => c.clone(),
            Some(Err(e)) => return Err(Diagnostics(e.clone()).sorted()),
            None => return Err(Diagnostics::default()),
        };
        self.sources.ensure_theme(root, &config.theme);
        let sources = &self.sources;
        let mut errors = Diagnostics::default();
        errors.extend(sources.problems().cloned());
        let assets = sources.assets();
        config.custom_css = assets.iter().any(|a| a.out == load::CUSTOM_CSS);
        let config = config;
        timer.mark("load");
        let image_table = Arc::new(images::table(&assets, &mut memo.probes));
        let image_cache = crate::images::cache::Cache::of_site(root);
        let mut made = images::plan(&image_table, &assets, &config.images, &image_cache, root);
        timer.mark("images: probe");

        // Templates: one renderer per set of template texts and config.
        let renderer_input = hash_of(&(sources.templates.iter().map(|t| (&t.rel, &t.shown, &t.text)).collect::<Vec<_>>(), config_input, config.custom_css));
        if memo.renderer.as_ref().is_none_or(|(k, _)| *k != renderer_input) {
            memo.renderer = Some((renderer_input, Renderer::new(&sources.templates, &config).map(Arc::new)));
        }
        let renderer = match memo.renderer.as_ref().map(|(_, r)| r) {
            Some(Ok(r)) => Some(Arc::clone(r)),
            Some(Err(e)) => {
                errors.extend(e.iter().cloned());
                None
            }
            None => None,
        };

        // Classify; parse front matter (kept by the file's text).
        let mut page_files = Vec::new();
        let mut section_files = Vec::new();
        let mut marketing_files = Vec::new();
        for (f, h) in sources.texts() {
            match role_of(f) {
                Ok(Role::Page) => page_files.push((f, h)),
                Ok(Role::Section) => section_files.push((f, h)),
                Ok(Role::Marketing) => marketing_files.push((f, h)),
                Err(d) => errors.push(d),
            }
        }
        let fm_memo = &memo.front_matter;
        let parse_meta = |(f, _): &(&Arc<SourceFile>, u64), is_section: bool| -> (u64, Result<Meta, Vec<Diagnostic>>, bool) {
            // The same loaded file (not read again since): the same input, no need to hash it.
            if let Some((k, kept, file)) = fm_memo.get(&f.rel) {
                if Arc::ptr_eq(file, f) {
                    return (*k, kept.clone(), false);
                }
            }
            // Front matter is parsed from the text before the body alone, so a body edit
            // leaves it (and everything that follows from it) as it was.
            let head = front_matter::body_of(&f.text).map_or(f.text.as_str(), |(body, _)| &f.text[..f.text.len() - body.len()]);
            let input = hash_of(&(head, f.shown.to_str(), is_section));
            if let Some((k, kept, _)) = fm_memo.get(&f.rel) {
                if *k == input {
                    return (input, kept.clone(), true);
                }
            }
            let parsed = front_matter::parse(&f.shown, head, is_section).map(|p| Meta {
                meta: Arc::new(p.meta),
                date: p.date,
                updated: p.updated,
                publish: p.publish_date,
                expiry: p.expiry_date,
                body_start: head.len() - p.body.len(),
                body_line_offset: p.body_line_offset,
                warnings: p.warnings,
            });
            (input, parsed, true)
        };
        let page_meta: Vec<_> = page_files.par_iter().map(|f| parse_meta(f, false)).collect();
        let section_meta: Vec<_> = section_files.par_iter().map(|f| parse_meta(f, true)).collect();
        let mut fresh_meta = Vec::new();
        let mut broken: Vec<(String, String)> = Vec::new();
        // Pages this build leaves out (see `model::window`), by content key.
        let window = opts.window();
        let mut held: Vec<(String, Held)> = Vec::new();
        let mut held_pages: Vec<HeldPage> = Vec::new();
        let mut left_out = LeftOut::default();
        // Files that take part as pages or sections: (is section, file, hash of the front matter's input).
        let mut included: Vec<(bool, &Arc<SourceFile>, u64)> = Vec::with_capacity(page_meta.len() + section_meta.len());
        // Content key → (file, its text hash, where the body starts, lines before it), for Markdown.
        let mut bodies: HashMap<&str, (&Arc<SourceFile>, u64, usize, usize)> =
            HashMap::with_capacity_and_hasher(page_meta.len() + section_meta.len(), Default::default());
        for (is_section, files, metas) in [(false, &page_files, page_meta), (true, &section_files, section_meta)] {
            for ((f, h), (input, r, fresh)) in files.iter().zip(metas) {
                let withheld = match &r {
                    Ok(m) if !is_section => window.held(&Schedule { draft: m.meta.draft, date: m.date, publish: m.publish, expiry: m.expiry }),
                    _ => None,
                };
                match (&r, withheld) {
                    (Ok(m), Some(h)) => {
                        left_out.count(h);
                        held.push((f.rel.clone(), h));
                        let url = page_url(&f.rel, m.meta.slug.as_deref());
                        held_pages.push(HeldPage { file: crate::diag::slashed(&f.shown), url, why: h });
                    }
                    (Ok(m), None) => {
                        errors.extend(m.warnings.iter().cloned());
                        included.push((is_section, f, input));
                        bodies.insert(f.rel.as_str(), (f, *h, m.body_start, m.body_line_offset));
                    }
                    (Err(e), _) => {
                        errors.extend(e.iter().cloned());
                        let url = if is_section { section_url(parent_dir(&f.rel)) } else { page_url(&f.rel, None) };
                        broken.push((f.rel.clone(), url));
                    }
                }
                if fresh {
                    fresh_meta.push((f.rel.clone(), (input, r, Arc::clone(f))));
                }
            }
        }
        memo.front_matter.extend(fresh_meta);
        prune(&mut memo.front_matter, page_files.len() + section_files.len(), || page_files.iter().chain(&section_files).map(|(f, _)| f.rel.as_str()));
        timer.mark("front matter");

        // Marketing data: kept by every input `marketing::load` is given.
        let marketing_input = hash_of(&(
            marketing_files.iter().map(|(f, h)| (&f.rel, &f.shown, h)).collect::<Vec<_>>(),
            config_input,
            assets.iter().map(|a| &a.out).collect::<Vec<_>>(),
            opts.build_date,
        ));
        if memo.marketing.as_ref().is_none_or(|(k, _, _)| *k != marketing_input) {
            let files: Vec<&SourceFile> = marketing_files.iter().map(|(f, _)| f.as_ref()).collect();
            let (m, e) = marketing::load(&files, &config, &assets, opts.build_date);
            memo.marketing = Some((marketing_input, m, e));
        }
        let Some((_, loaded_marketing, marketing_errors)) = memo.marketing.as_ref() else { return Err(errors.sorted()) };
        errors.extend(marketing_errors.iter().cloned());
        let mut marketing_data = loaded_marketing.clone();
        timer.mark("marketing");

        // The skeleton: URLs (and two sources on one URL), the section tree, order, previous/next,
        // related pages and taxonomies. All of it follows from the front matter, so it is kept
        // under the hashes of what each front matter was parsed from.
        let marketing_urls = marketing_data.urls();
        let skeleton_input = hash_of(&(
            included.iter().map(|(is_section, f, input)| (*is_section, &f.rel, *input)).collect::<Vec<_>>(),
            &broken,
            &held,
            &marketing_urls,
            &config.taxonomies,
            &config.author,
        ));
        if memo.skeleton.as_ref().is_none_or(|(k, _)| *k != skeleton_input) {
            let mut pages_src = Vec::new();
            let mut sections_src = Vec::new();
            for (is_section, f, input) in &included {
                let Some((_, Ok(m), _)) = memo.front_matter.get(&f.rel) else { continue };
                if *is_section {
                    sections_src.push(SectionSource { key: f.rel.clone(), shown: f.shown.clone(), meta: Arc::clone(&m.meta), meta_hash: *input });
                } else {
                    pages_src.push(PageSource {
                        key: f.rel.clone(),
                        shown: f.shown.clone(),
                        url: page_url(&f.rel, m.meta.slug.as_deref()),
                        meta: Arc::clone(&m.meta),
                        meta_hash: *input,
                        date: m.date,
                        updated: m.updated,
                    });
                }
            }
            memo.skeleton = Some((
                skeleton_input,
                Arc::new(skeleton(pages_src, sections_src, marketing_urls, broken.clone(), &config.taxonomies, config.author.as_deref())),
            ));
        }
        timer.mark("skeleton: assemble");
        let Some((_, skeleton)) = memo.skeleton.as_ref() else { return Err(errors.sorted()) };
        let skeleton = Arc::clone(skeleton);
        let urls = &skeleton.urls;
        let held: HashMap<String, Held> = held.into_iter().collect();
        // The team and the case studies, as their blocks show them, and the testimonials' photos.
        marketing_data.people = model::showcase::people(&skeleton.pages, &image_table, &config.images);
        marketing_data.case_studies = model::showcase::case_studies(&skeleton.pages);
        for t in &mut marketing_data.testimonials {
            let shown = model::showcase::Shown { class: "avatar", sizes: Some("3rem"), loading: crate::images::markup::Loading::Lazy };
            t.photo_picture = t.photo.as_deref().and_then(|src| model::showcase::picture_of(src, &t.photo_alt, "/", &shown, &image_table, &config.images));
        }
        // Social cards: the site's, and one per article without a raster image of its own.
        let card_pages: Vec<images::CardPage<'_>> = skeleton
            .pages
            .iter()
            .map(|p| images::CardPage {
                url: &p.url,
                title: &p.title,
                section: p.section.map(|s| &skeleton.sections[s]).filter(|s| !s.is_home()).map(|s| s.title.as_str()),
                has_raster_image: p.meta.share_image().is_some_and(|i| image_table.facts(&crate::url::link_file(&p.url, i)).is_some()),
            })
            .collect();
        made.extend(images::plan_cards(&card_pages, &config, &image_cache));
        made.sort_by(|a, b| a.path.cmp(&b.path));
        timer.mark("skeleton: cards");

        // Every output file claimed once (`model::claims`): the claims follow from the plan of
        // jobs and the static files, so they are kept under what those are made from.
        let claims_input = hash_of(&(
            skeleton_input,
            config_input,
            marketing_input,
            assets.iter().map(|a| (&a.out, &a.src)).collect::<Vec<_>>(),
            sources.redirects.is_some(),
            image_table.hash,
        ));
        if memo.claims.as_ref().is_none_or(|(k, _)| *k != claims_input) {
            let probe =
                Site::new(config.clone(), skeleton.pages.clone(), skeleton.sections.clone(), skeleton.taxonomies.clone(), loaded_marketing.clone(), Vec::new())
                    .with_user_redirects(sources.redirects.clone());
            let mut all = crate::render::site::claims(&probe);
            all.extend(assets.iter().map(|a| Claim {
                file: a.out.clone(),
                by: Claimant::Static { shown: a.src.strip_prefix(root).map_or_else(|_| a.src.clone(), Path::to_path_buf) },
            }));
            all.extend(made.iter().map(|m| Claim {
                file: m.path.clone(),
                by: match m.recipe.as_ref() {
                    images::Recipe::Copies { shown, .. } => {
                        Claimant::Generated { what: format!("a resized copy of {}", crate::diag::slashed(shown)), source: Some(shown.clone()) }
                    }
                    images::Recipe::Card { title, .. } => Claimant::Generated { what: format!("the social card of “{title}”"), source: None },
                },
            }));
            timer.mark("skeleton: claims plan");
            let found = claims::collisions(&all, |key| body_of_text(&bodies, key));
            let provided = model::file_links::Provided::of(all.iter().map(|c| c.file.as_str()));
            memo.claims = Some((claims_input, (found, Arc::new(provided))));
            timer.mark("skeleton: claims check");
        }
        let provided = match &memo.claims {
            Some((_, (found, provided))) => {
                errors.extend(found.iter().cloned());
                Arc::clone(provided)
            }
            None => Arc::default(),
        };
        let (mut pages, mut sections): (Vec<Page>, Vec<Section>) = rayon::join(|| skeleton.pages.par_iter().cloned().collect(), || skeleton.sections.clone());
        timer.mark("skeleton");
        // Where each page's Markdown starts in its file.
        let body_of = |key: &str| bodies.get(key).copied();
        let Some(renderer) = renderer else {
            return Err(errors.sorted());
        };
        // A `template:` that does not exist is reported at its line, before anything renders.
        for (key, shown, meta) in pages.iter().map(|p| (&p.key, &p.shown, &p.meta)).chain(sections.iter().map(|s| (&s.key, &s.shown, &s.meta))) {
            if let Some(t) = meta.template.as_deref().filter(|t| !renderer.has_template(t)) {
                let text = body_of(key).map_or("", |(f, ..)| f.text.as_str());
                let (line, col) = front_matter::key_position(text, "template").unwrap_or((1, 1));
                errors.push(
                    Diagnostic::at(shown, text, line, col, format!("template `{t}` not found"))
                        .with_help(renderer.missing_template_help(t))
                        .kind(Kind::Template),
                );
            }
        }

        // `{{ price(…) }}` in front-matter strings (`extra`): a tier or group that does not exist
        // is reported at its line; the views fill in the prices.
        for (key, shown, meta) in pages.iter().map(|p| (&p.key, &p.shown, &p.meta)).chain(sections.iter().map(|s| (&s.key, &s.shown, &s.meta))) {
            if !marketing::pricing::has_calls(&meta.extra) {
                continue;
            }
            let text = body_of(key).map_or("", |(f, ..)| f.text.as_str());
            for (offset, message, help) in marketing::pricing::front_matter_problems(text, &meta.extra, &loaded_marketing.groups) {
                errors.push(Diagnostic::at_offset(shown, text, offset, message).with_help(help).kind(Kind::Shortcode));
            }
        }

        // Pages whose `image:` is shown at their top, fetched first (the env covers it: it
        // follows from the front matter and the image table).
        let heroes: HashSet<String> = pages
            .iter()
            .filter(|p| p.meta.image.as_deref().is_some_and(|i| image_table.facts(&crate::url::link_file(&p.url, i)).is_some()))
            .map(|p| p.key.clone())
            .collect();
        // FAQ answers first, so the `faq` shortcode in pages sees them rendered.
        let md_memo = &memo.markdown;
        // A build into a sink is never run again: what a later run could reuse is not kept.
        let keep = !matches!(output, Output::Sink(_));
        let mut fresh_md: Vec<(String, MarkdownResult)> = Vec::new();
        // The images FAQ answers show, by topic, for the errors of a damaged image below.
        let mut answer_images: Vec<(usize, Vec<crate::parse::markdown::FileRef>)> = Vec::new();
        {
            let pre = SiteResolver {
                urls,
                held: &held,
                renderer: &renderer,
                marketing: &marketing_data,
                images: &image_table,
                image_options: &config.images,
                heroes: &heroes,
                env: hash_of(&(skeleton_input, renderer.key(), marketing_input, image_table.hash, claims_input)),
            };
            let answers: Vec<(usize, usize, String)> = marketing_data
                .topics
                .iter()
                .enumerate()
                .flat_map(|(t, topic)| (0..topic.questions.len()).map(move |q| (t, q, format!("{}#{q}", topic.key))))
                .collect();
            let results: Vec<_> = answers
                .par_iter()
                .map(|(t, q, id)| {
                    let topic = &loaded_marketing.topics[*t];
                    let question = &topic.questions[*q];
                    let info = SourceInfo {
                        path: &topic.shown,
                        file_text: &topic.text,
                        body: &question.answer_md,
                        body_line_offset: question.answer_line.saturating_sub(1),
                        body_col_offset: question.answer_col_offset,
                        page_key: &topic.key,
                    };
                    let input = hash_of(&(&topic.shown, &topic.text, &question.answer_md, question.answer_line, question.answer_col_offset, &topic.key));
                    markdown_of(md_memo.get(id), input, &info, &pre, keep)
                })
                .collect();
            for ((t, q, id), (rendered, errs, fresh)) in answers.into_iter().zip(results) {
                let topic = &loaded_marketing.topics[t];
                errors.extend(model::file_links::check(&rendered.file_refs, &topic.url, &topic.shown, &topic.text, &provided));
                let images: Vec<_> = rendered.file_refs.iter().filter(|r| r.image).cloned().collect();
                if !images.is_empty() {
                    answer_images.push((t, images));
                }
                marketing_data.topics[t].questions[q].answer = rendered.html.text();
                errors.extend(errs);
                if let Some(f) = fresh {
                    fresh_md.push((id, f));
                }
            }
        }
        timer.mark("answers");

        // Pages and sections, in parallel.
        let marketing_hash = hash_of(&(
            marketing_input,
            marketing_data.topics.iter().flat_map(|t| t.questions.iter().map(|q| crate::hash::hash_bytes(q.answer.as_bytes()))).collect::<Vec<_>>(),
            (&marketing_data.people, &marketing_data.case_studies, &marketing_data.testimonials),
        ));
        let resolver = SiteResolver {
            urls,
            held: &held,
            renderer: &renderer,
            marketing: &marketing_data,
            images: &image_table,
            image_options: &config.images,
            heroes: &heroes,
            env: hash_of(&(skeleton_input, renderer.key(), marketing_hash, image_table.hash, claims_input)),
        };
        let render_body = |key: &str| -> (Arc<Rendered>, Vec<Diagnostic>, Option<MarkdownResult>) {
            let Some((f, h, body_start, body_line_offset)) = body_of(key) else { return (Arc::default(), Vec::new(), None) };
            let info = SourceInfo { path: &f.shown, file_text: &f.text, body: &f.text[body_start..], body_line_offset, body_col_offset: 0, page_key: &f.rel };
            let input = hash_of(&(h, f.shown.to_str(), body_start, body_line_offset, &f.rel));
            markdown_of(md_memo.get(key), input, &info, &resolver, keep)
        };
        // A build into a sink makes each page's search entry right away and drops the page's
        // text cut at headings, which only the entry needs; the entry and the packed body wait
        // in the build's scratch file until the index and the page are written.
        let spool = match open_spool(output.sink()) {
            Ok(s) => s,
            Err(d) => {
                errors.push(d);
                return Err(errors.sorted());
            }
        };
        let page_md: Vec<_> = pages
            .par_iter()
            .map(|p| {
                let (mut rendered, errs, fresh) = render_body(&p.key);
                let mut entry = (!keep).then(|| {
                    let input = SearchInput::with(&sections, p, &rendered);
                    let key = hash_of(&input);
                    crate::render::search::page_entry(&input, key)
                });
                if let (Some(_), Some(r)) = (&entry, Arc::get_mut(&mut rendered)) {
                    r.search_sections = Vec::new();
                    if let Some(spool) = &spool {
                        r.html.spool(spool);
                    }
                }
                if let (Some(spool), Some(e)) = (&spool, entry.as_mut().and_then(Arc::get_mut)) {
                    e.packed.spool(spool);
                }
                ((rendered, errs, fresh), entry)
            })
            .collect();
        let section_md: Vec<_> = sections.par_iter().map(|s| render_body(&s.key)).collect();
        let mut made_entries: Vec<Option<Arc<model::SearchPage>>> = Vec::with_capacity(page_md.len());
        for (page, ((rendered, errs, fresh), entry)) in pages.iter_mut().zip(page_md) {
            made_entries.push(entry);
            page.rendered = rendered;
            errors.extend(errs);
            if let Some(f) = fresh {
                fresh_md.push((page.key.clone(), f));
            }
        }
        for (section, (rendered, errs, fresh)) in sections.iter_mut().zip(section_md) {
            section.rendered = rendered;
            errors.extend(errs);
            if let Some(f) = fresh {
                fresh_md.push((section.key.clone(), f));
            }
        }
        // Pages whose front matter failed: check their bodies too, so one run shows everything.
        for (key, _) in &broken {
            let Some(f) = sources.content.get(key).and_then(|e| match e {
                ContentEntry::Text(f, _) => Some(f),
                _ => None,
            }) else {
                continue;
            };
            if let Some((body, body_line_offset)) = front_matter::body_of(&f.text) {
                let info = SourceInfo { path: &f.shown, file_text: &f.text, body, body_line_offset, body_col_offset: 0, page_key: &f.rel };
                match render_markdown(&info, &resolver) {
                    Ok((_, errs)) => errors.extend(errs),
                    Err(bug) => errors.push(bug),
                }
            }
        }
        timer.mark("markdown");
        // Images and file links that lead to no file of the site (`model::file_links`).
        for (key, url, shown, rendered, meta) in pages
            .iter()
            .map(|p| (&p.key, &p.url, &p.shown, &p.rendered, &p.meta))
            .chain(sections.iter().map(|s| (&s.key, &s.url, &s.shown, &s.rendered, &s.meta)))
        {
            let named_in_front_matter = meta.image.is_some() || meta.profile.is_some() || meta.case_study.is_some();
            if !rendered.file_refs.is_empty() || named_in_front_matter {
                let text = body_of(key).map_or("", |(f, ..)| f.text.as_str());
                errors.extend(model::file_links::check(&rendered.file_refs, url, shown, text, &provided));
                if named_in_front_matter {
                    errors.extend(model::file_links::check(&model::file_links::front_matter_refs(meta, text), url, shown, text, &provided));
                }
            }
        }
        // Images that cannot be used: damaged (their header, or — in a build, which makes every
        // copy now — their pixels), at each place they are used.
        let failed: Vec<(String, PathBuf, String)> = {
            let shown_of = |out: &str| assets.iter().find(|a| a.out == out).map(|a| a.src.strip_prefix(root).map_or_else(|_| a.src.clone(), Path::to_path_buf));
            let mut failed: Vec<(String, PathBuf, String)> = image_table
                .by_file
                .iter()
                .filter_map(|(out, r)| r.as_ref().err().map(|why| (out.clone(), shown_of(out).unwrap_or_else(|| PathBuf::from(out)), why.clone())))
                .collect();
            let made_failures =
                if opts.preview || opts.check { images::known_failures(&made, &image_cache) } else { images::make_missing(&made, &image_cache) };
            for (recipe, why) in made_failures {
                if let images::Recipe::Copies { out, shown, .. } = recipe.as_ref() {
                    failed.push((out.clone(), shown.clone(), why));
                }
            }
            failed.sort();
            failed
        };
        timer.mark("images: make (cards, copies)");
        for (out, shown, why) in &failed {
            let mut uses = Vec::new();
            for (key, url, page_shown, rendered, meta) in pages
                .iter()
                .map(|p| (&p.key, &p.url, &p.shown, &p.rendered, &p.meta))
                .chain(sections.iter().map(|s| (&s.key, &s.url, &s.shown, &s.rendered, &s.meta)))
            {
                let text = body_of(key).map_or("", |(f, ..)| f.text.as_str());
                for r in rendered.file_refs.iter().filter(|r| r.image && crate::url::link_file(url, &r.url) == *out) {
                    uses.push(images::Use { shown: page_shown, text, line: r.line, col: r.col, written: &r.url });
                }
                if let Some(img) = meta.image.as_deref().filter(|i| crate::url::link_file(url, i) == *out) {
                    let (line, col) = front_matter::key_position(text, "image").unwrap_or((1, 1));
                    uses.push(images::Use { shown: page_shown, text, line, col, written: img });
                }
            }
            for (t, refs) in &answer_images {
                let topic = &loaded_marketing.topics[*t];
                for r in refs.iter().filter(|r| crate::url::link_file(&topic.url, &r.url) == *out) {
                    uses.push(images::Use { shown: &topic.shown, text: &topic.text, line: r.line, col: r.col, written: &r.url });
                }
            }
            errors.extend(images::problem_diagnostics(shown, why, &uses));
        }
        let live_md = pages.len() + sections.len() + marketing_data.faq_count();
        if keep {
            memo.markdown.extend(fresh_md);
        }
        if memo.markdown.len() > live_md {
            let mut live: std::collections::HashSet<String> = pages.iter().map(|p| p.key.clone()).chain(sections.iter().map(|s| s.key.clone())).collect();
            for t in &marketing_data.topics {
                live.extend((0..t.questions.len()).map(|q| format!("{}#{q}", t.key)));
            }
            memo.markdown.retain(|k, _| live.contains(k));
        }
        timer.mark("markdown memo");

        let before = errors.len();
        check_anchors(&pages, &sections, &marketing_data, &mut errors);
        // Anchor problems are found after rendering; add the source line they point at.
        for d in errors.0.iter_mut().skip(before) {
            if let (Some(line), None) = (d.line, &d.snippet) {
                let rel = d.path.strip_prefix(load::CONTENT_DIR).ok().map(|p| crate::url::forward_slashes(&p.to_string_lossy()).into_owned());
                if let Some((f, ..)) = rel.and_then(|r| body_of(&r)) {
                    d.snippet = f.text.lines().nth(line - 1).map(str::to_string);
                }
            }
        }
        // `folio check` goes on to check the finished pages; a build stops here.
        let mut carried: Vec<Diagnostic> = Vec::new();
        if errors.errors() > 0 {
            if !opts.check {
                return Err(errors.sorted());
            }
            let (e, w): (Vec<Diagnostic>, Vec<Diagnostic>) = errors.0.into_iter().partition(Diagnostic::is_error);
            carried = e;
            errors = Diagnostics(w);
        }
        let fail = |mut d: Diagnostics| {
            d.extend(carried.iter().cloned());
            d.sorted()
        };
        // What is left are warnings (a Hugo shortcode shown as text): they do not stop the build.
        let body_warnings = errors.0;
        timer.mark("anchors");

        let taxonomies = skeleton.taxonomies.clone();
        let search_memo = &memo.search;
        let search_entries: Vec<(model::SearchEntry, Option<u64>)> = pages
            .par_iter()
            .zip(made_entries)
            .map(|(p, made)| {
                if let Some(page) = made {
                    return (model::SearchEntry { page }, None);
                }
                let input = SearchInput::of(&sections, p);
                let key = hash_of(&input);
                match search_memo.get(&p.key) {
                    Some((k, page)) if *k == key => (model::SearchEntry { page: Arc::clone(page) }, None),
                    _ => (model::SearchEntry { page: crate::render::search::page_entry(&input, key) }, Some(key)),
                }
            })
            .collect();
        let mut entries = Vec::with_capacity(search_entries.len());
        for (p, (e, fresh)) in pages.iter().zip(search_entries) {
            if let Some(k) = fresh.filter(|_| keep) {
                memo.search.insert(p.key.clone(), (k, Arc::clone(&e.page)));
            }
            entries.push(e);
        }
        prune(&mut memo.search, pages.len(), || pages.iter().map(|p| p.key.as_str()));
        let site = Arc::new(
            Site::new(config, pages, sections, taxonomies, marketing_data, entries)
                .with_user_redirects(sources.redirects.clone())
                .with_images(Arc::clone(&image_table)),
        );
        timer.mark("model");

        // Every output file, prepared again only when something it read changed, and rendered
        // again only when what it is made from changed.
        let hashes = model::reads::ItemHashes::of(&site, &skeleton.statics, config_input, marketing_hash);
        timer.mark("hashes");
        // Each file is checked the moment it is rendered (the heading ids its template writes too,
        // a form posting to serve's stub) and, in a build, written out.
        let clash_items: HashMap<String, (&String, &PathBuf, &Arc<Rendered>)> = site
            .pages
            .iter()
            .map(|p| (&p.key, &p.shown, &p.url, &p.rendered))
            .chain(site.sections.iter().map(|s| (&s.key, &s.shown, &s.url, &s.rendered)))
            .filter(|(.., r)| !r.headings.is_empty())
            .map(|(key, shown, url, rendered)| (crate::url::url_to_file(url), (key, shown, rendered)))
            .collect();
        let form_needle = stub_form_needle(&site);
        // Searched for in every page: memchr's SIMD search takes a fraction of `str::contains`.
        let form_finder = form_needle.as_deref().map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned());
        let found: Mutex<(Vec<Diagnostic>, Vec<String>)> = Mutex::new((Vec::new(), Vec::new()));
        let keep_files = match output {
            Output::Memory => crate::render::site::Keep::Bytes,
            Output::Store(_) => crate::render::site::Keep::Digest,
            Output::Sink(_) => crate::render::site::Keep::Path,
        };
        let on_file = |file: &OutFile| {
            let clash = clash_items.get(file.path.as_str());
            let form_page = form_needle.is_some() && file.path.ends_with(".html");
            // Serve's records keep only a digest: a file this run did not render again is read
            // back from the store when a check needs its text (it is in the store since the run
            // that rendered it; serve collects only objects no snapshot or record names).
            let mut problem = None;
            let read_back = match output {
                Output::Store(store) if !file.holds_bytes() && (clash.is_some() || form_page) => {
                    file.digest.and_then(|d| store.get(d).map_err(|e| problem = Some(e)).ok())
                }
                _ => None,
            };
            let bytes = read_back.as_deref().unwrap_or(&file.bytes);
            let html = || std::str::from_utf8(bytes).ok();
            let clashes = match (clash, html()) {
                (Some((key, shown, rendered)), Some(html)) => heading_clashes(shown, rendered, html, body_of_text(&bodies, key).unwrap_or("")),
                _ => Vec::new(),
            };
            let shows_form = form_finder.as_ref().is_some_and(|finder| form_page && finder.find(bytes).is_some());
            let written = match (output, file.digest) {
                (Output::Sink(sink), _) => sink.put(file),
                // Only what this run rendered: a file from a record is in the store already.
                (Output::Store(store), Some(digest)) if file.holds_bytes() => store.put(digest, &file.bytes),
                _ => Ok(()),
            };
            let written = written.and(problem.map_or(Ok(()), Err));
            if !clashes.is_empty() || shows_form || written.is_err() {
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                found.0.extend(clashes);
                found.0.extend(written.err());
                if shows_form {
                    found.1.push(file.path.clone());
                }
            }
        };
        let outcomes = crate::render::site::render_site(&site, &renderer, &hashes, &memo.jobs, &on_file, keep_files).map_err(|e| fail(Diagnostics(e)))?;
        let (mut file_problems, showing_form) = found.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(why) = spool.as_ref().and_then(|s| s.failure()) {
            let dir = output.sink().and_then(Sink::scratch_dir).unwrap_or_default();
            file_problems.push(
                Diagnostic::file(&dir, format!("could not use the build's scratch file here: {why}"))
                    .with_help("check that this folder is writable and the disk has space; the previous site is unchanged")
                    .kind(Kind::Output),
            );
        }
        timer.mark("render");
        if timer.enabled {
            let prepared = outcomes.iter().filter(|o| !memo.jobs.get(&o.name).is_some_and(|old| Arc::ptr_eq(old, &o.record))).count();
            eprintln!("jobs: {} planned, {prepared} prepared", outcomes.len());
        }
        let rendered = outcomes.iter().filter(|o| o.rendered).count();
        let mut changed = Vec::new();
        let mut files: Vec<OutFile> = Vec::with_capacity(outcomes.len());
        if keep {
            let mut jobs: crate::render::site::Records = HashMap::with_capacity_and_hasher(outcomes.len(), Default::default());
            for o in outcomes {
                let unchanged = match memo.jobs.get(&o.name) {
                    Some(old) => Arc::ptr_eq(old, &o.record) || (old.file.path == o.record.file.path && old.file.same_bytes(&o.record.file)),
                    None => false,
                };
                if !unchanged {
                    changed.push(o.record.file.path.clone());
                    if let Some(old) = memo.jobs.get(&o.name) {
                        if old.file.path != o.record.file.path {
                            changed.push(old.file.path.clone());
                        }
                    }
                }
                files.push(o.record.file.clone());
                jobs.insert(o.name, o.record);
            }
            // Jobs that are gone (a deleted page, a shorter list) took their files with them.
            changed.extend(memo.jobs.iter().filter(|(name, _)| !jobs.contains_key(*name)).map(|(_, rec)| rec.file.path.clone()));
            changed.sort();
            changed.dedup();
            memo.jobs = jobs;
        } else {
            // A build into a sink: nothing to compare with, nothing kept; the files are in the sink.
            files.extend(outcomes.into_iter().map(|o| Arc::try_unwrap(o.record).map_or_else(|shared| shared.file.clone(), |record| record.file)));
        }
        timer.mark("outputs");
        if !file_problems.is_empty() {
            return Err(fail(Diagnostics(file_problems)));
        }
        let mut warnings: Vec<Diagnostic> = site
            .pages
            .iter()
            .flat_map(|p| {
                p.rendered.images_missing_alt.iter().map(move |(src, line, col)| Diagnostic {
                    path: p.shown.clone(),
                    line: Some(*line),
                    col: Some(*col),
                    message: format!("image `{src}` has no alt text"),
                    help: Some("describe the image: ![A chart of CTO salaries](/images/chart.svg)".into()),
                    snippet: None,
                    kind: Kind::Accessibility,
                    severity: Severity::Warning,
                })
            })
            .collect();
        warnings.extend(body_warnings);
        warnings.extend(images::location_warnings(&image_table, &assets, root));
        warnings.extend(skeleton.spellings.iter().map(|s| claims::spelling_warning(s, &skeleton.pages, |key| body_of_text(&bodies, key))));
        warnings.extend(model::undated::warnings(site.pages.unnoted(), site.sections.unnoted(), site.config().feed.enabled, |key| body_of_text(&bodies, key)));
        let home = site.sections.unnoted().iter().position(Section::is_home);
        warnings.extend(model::authors::warnings(site.pages.unnoted(), home, |key| body_of_text(&bodies, key)));
        if let Some(before) = &opts.published {
            let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).chain(assets.iter().map(|a| a.out.as_str())).collect();
            warnings.extend(model::dropped::dropped(before, &now, site.pages.unnoted(), site.sections.unnoted(), |key| body_of_text(&bodies, key)));
        }
        let config_text = sources.config_text.as_ref().and_then(|t| t.as_ref().ok()).map_or("", String::as_str);
        if let Some(problem) = stub_form_problem(config_text, &site, &showing_form) {
            // A preview may post to the stub; a site to publish may not (SPEC, "Publishing").
            if opts.preview {
                warnings.push(problem.warning());
            } else {
                return Err(fail(Diagnostics(vec![problem])));
            }
        }
        let stats = Stats {
            pages: site.pages.len(),
            sections: site.sections.len(),
            terms: site.taxonomies().iter().map(|t| t.terms.len()).sum(),
            faqs: site.marketing().faq_count(),
            tiers: site.marketing().tier_count(),
            banners: site.marketing().banner_count(),
            files: files.len() + assets.len() + made.len(),
            millis: 0,
        };
        timer.report();
        let note = left_out.note(opts.build_date);
        held_pages.sort_by(|a, b| a.file.cmp(&b.file));
        let sources = if opts.check {
            let content = bodies.values().map(|(f, ..)| Arc::clone(f));
            let config = SourceFile { rel: CONFIG_FILE.into(), shown: PathBuf::from(CONFIG_FILE), text: config_text.to_string() };
            content.chain(sources.templates.iter().map(|t| Arc::new(t.clone()))).chain([Arc::new(config)]).collect()
        } else {
            Vec::new()
        };
        Ok(Built { site, files, assets, made, stats, warnings, rendered, changed, note, left_out, held: held_pages, errors: carried, sources })
    }
}

/// Where `needle` (a page's body, many kilobytes) first stands whole in `haystack` (the page):
/// found by its first bytes and then compared, which costs a fraction of a search for the whole
/// needle (whose setup alone reads all of it).
fn find_whole(haystack: &str, needle: &str) -> Option<usize> {
    let mut cut = needle.len().min(64);
    while !needle.is_char_boundary(cut) {
        cut -= 1;
    }
    if cut == 0 {
        return haystack.find(needle);
    }
    memchr::memmem::find_iter(haystack.as_bytes(), &needle.as_bytes()[..cut]).find(|&at| haystack.as_bytes()[at..].starts_with(needle.as_bytes()))
}

/// Heading ids that the page's template writes too, outside the Markdown body: `<main
/// id="main">`, or an id made by template code. The finished page is the one place that knows
/// every id its template writes. Each clash is an error at the heading naming the element; an
/// automatic id only clashes here with an id made by template code, since it already stepped
/// aside for the ids written out in the templates (`Resolver::theme_id`).
fn heading_clashes(shown: &Path, rendered: &Rendered, html: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let body_html = rendered.html.text();
    // A template that changes the body (a filter) leaves nothing to tell it from the rest.
    let Some(body_start) = find_whole(html, &body_html) else { return out };
    let body = body_start..body_start + body_html.len();
    let mut outside: HashMap<&str, usize> = HashMap::default();
    for (at, id) in crate::text::html_ids(html).into_iter().filter(|(at, _)| !body.contains(at)) {
        outside.entry(id).or_insert(at);
    }
    for h in &rendered.headings {
        let Some(&at) = outside.get(crate::text::escape_html(&h.id).as_str()) else { continue };
        let tag = html[..at].rfind('<').and_then(|lt| html[lt + 1..at].split_whitespace().next()).unwrap_or("");
        let element = format!("<{tag} id=\"{}\">", h.id);
        let (message, help) = if h.explicit {
            (
                format!("heading id `{}` is also the id of the page's {element}, from the template", h.id),
                format!("give the heading another id, e.g. {{#{}-section}}, and use that in links to it", h.id),
            )
        } else {
            (
                format!("this heading's id `{}` (made from its text) is also the id of the page's {element}, from the template", h.id),
                format!("give the heading an id of its own, e.g. {{#{}-section}} after its text", h.id),
            )
        };
        out.push(Diagnostic::at(shown, text, h.line, h.col, message).with_help(help).kind(Kind::Link));
    }
    out
}

/// What a page showing a form that posts to `folio serve`'s stub has in its HTML, on a site
/// with no form provider (`None`: the site has one, or is a staging build, whose form sends
/// nothing by design).
fn stub_form_needle(site: &Site) -> Option<String> {
    let config = site.config();
    (config.contact.provider.is_none() && !config.staging).then(|| format!("action=\"{}\"", config.contact.endpoint))
}

/// A form posting to `folio serve`'s stub on a site with no form provider: the pages that show
/// it (`showing`, found by [`stub_form_needle`]), as one error at `contact:` in site.yaml (or
/// its first line).
fn stub_form_problem(config_text: &str, site: &Site, showing: &[String]) -> Option<Diagnostic> {
    // Usually no page shows the form: look up sources only for the few that do.
    let source_of = |out: &str| {
        let mut urls = site.pages.iter().map(|p| (&p.url, &p.shown)).chain(site.sections.iter().map(|s| (&s.url, &s.shown)));
        urls.find(|(url, _)| out.strip_suffix("index.html") == Some(url.trim_start_matches('/'))).map(|(_, shown)| crate::diag::slashed(shown))
    };
    let mut pages: Vec<String> = showing.iter().map(|f| source_of(f).unwrap_or_else(|| f.clone())).collect();
    if pages.is_empty() {
        return None;
    }
    pages.sort();
    let (message, help) = crate::config::forms::no_provider_message(&pages);
    let (line, col) = crate::yaml::key_position(config_text, "contact").unwrap_or((1, 1));
    Some(Diagnostic::at(CONFIG_FILE, config_text, line, col, message).with_help(help).kind(Kind::Config))
}

/// What follows from the front matter alone (see [`skeleton`]).
struct Skeleton {
    /// Not yet rendered: `rendered` is empty.
    pages: Vec<Page>,
    sections: Vec<Section>,
    urls: HashMap<String, String>,
    taxonomies: Vec<model::Taxonomy>,
    /// Term spellings merged into one term because they share its address.
    spellings: Vec<model::Spellings>,
    /// Hashes of the pages, sections and taxonomies above (what render jobs read of them, but
    /// the Markdown).
    statics: model::reads::StaticHashes,
}

/// Gives pages and sections their URLs, links pages into sections in order with previous/next, finds related pages and
/// builds the taxonomies. A pure function of its arguments.
fn skeleton(
    pages: Vec<PageSource>,
    sections: Vec<SectionSource>,
    marketing_urls: Vec<(String, String)>,
    broken: Vec<(String, String)>,
    taxonomies: &[String],
    site_author: Option<&str>,
) -> Skeleton {
    let claimed = assemble::assign_urls(pages, sections, marketing_urls, broken);
    let (mut pages, mut sections) = (claimed.pages, claimed.sections);
    assemble::link_pages(&mut pages, &mut sections);
    model::authors::link_authors(&mut pages, sections.iter().position(model::Section::is_home), site_author);
    let related = model::related_by_tags(&model::RelatedInput::of(&pages), 3);
    assemble::set_related(&mut pages, &related);
    let (taxonomies, spellings) = model::build_taxonomies(&pages, taxonomies);
    let statics = model::reads::StaticHashes::of(&pages, &sections, &taxonomies);
    Skeleton { pages, sections, urls: claimed.urls, taxonomies, spellings, statics }
}

/// The text of the content file `key` (for positions in messages).
fn body_of_text<'a>(bodies: &HashMap<&str, (&'a Arc<SourceFile>, u64, usize, usize)>, key: &str) -> Option<&'a str> {
    bodies.get(key).map(|(f, ..)| f.text.as_str())
}

/// Drops cache entries whose files are gone. A cache never holds more entries than there are
/// live keys unless something was deleted, so the usual rebuild skips building the key set.
fn prune<'k, V, I: Iterator<Item = &'k str>>(cache: &mut HashMap<String, V>, live_count: usize, live: impl FnOnce() -> I) {
    if cache.len() > live_count {
        let live: std::collections::HashSet<&str> = live().collect();
        cache.retain(|k, _| live.contains(k.as_str()));
    }
}

/// `@/page.md#anchor` links must name a heading that exists on the target.
fn check_anchors(pages: &[Page], sections: &[Section], marketing: &Marketing, errors: &mut Diagnostics) {
    let refs: Vec<(&PathBuf, &markdown::AnchorRef)> = pages
        .iter()
        .map(|p| (&p.shown, &p.rendered))
        .chain(sections.iter().map(|s| (&s.shown, &s.rendered)))
        .flat_map(|(shown, r)| r.anchor_refs.iter().map(move |a| (shown, a)))
        .collect();
    if refs.is_empty() {
        return;
    }
    // Only the targets that are linked with an anchor need their headings looked up.
    let wanted: std::collections::HashSet<&str> = refs.iter().map(|(_, a)| a.target.as_str()).collect();
    let mut anchors: HashMap<&str, &[String]> = HashMap::default();
    for p in pages.iter().filter(|p| wanted.contains(p.key.as_str())) {
        anchors.insert(&p.key, &p.rendered.anchors);
    }
    for s in sections.iter().filter(|s| wanted.contains(s.key.as_str())) {
        anchors.insert(&s.key, &s.rendered.anchors);
    }
    let marketing_anchors = marketing.anchors();
    for (k, v) in &marketing_anchors {
        anchors.insert(k.as_str(), v.as_slice());
    }
    for (shown, r) in refs {
        if let Some(list) = anchors.get(r.target.as_str()) {
            if !list.iter().any(|a| a == &r.anchor) {
                let near = crate::diag::closest(&r.anchor, list.iter().map(String::as_str));
                errors.push(Diagnostic {
                    path: shown.clone(),
                    line: Some(r.line),
                    col: Some(r.col),
                    message: format!("link to `@/{}#{}`: that page has no heading with id `{}`", r.target, r.anchor, r.anchor),
                    help: Some(match near {
                        Some(n) => format!("did you mean `#{n}`?"),
                        None if list.len() > 12 => format!("headings on that page include: {}, and {} more", list[..12].join(", "), list.len() - 12),
                        None => format!("headings on that page: {}", list.join(", ")),
                    }),
                    snippet: None,
                    kind: Kind::Link,
                    severity: Severity::Error,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_whole_finds_the_first_whole_occurrence() {
        let body = format!("<p>{}</p>", "word ".repeat(40));
        let page = format!("<main><p>word word</p>{body}</main>");
        assert_eq!(find_whole(&page, &body), page.find(&body));
        assert_eq!(find_whole("<p>é</p>", "é"), Some(3));
        assert_eq!(find_whole("abc", ""), Some(0));
        assert_eq!(find_whole(&page, &format!("{body}x")), None);
    }
}

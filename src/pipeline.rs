//! The build pipeline: load → parse → model → render. `build`, `check` and `serve` all call
//! [`build`]; there is no second render path (ARCHITECTURE.md, invariant 4). Every stage returns
//! its result together with the problems it found, so one run reports them all.

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{self, Asset, SourceFile, SourceTree};
use crate::marketing::{self, Marketing};
use crate::model::{self, Page, Section, Site};
use crate::parse::front_matter;
use crate::parse::markdown::{self, Rendered, Resolver, SourceInfo};
use crate::parse::shortcodes::Call;
use crate::render::{self, Renderer};
use rayon::prelude::*;
use std::collections::HashMap as StdHashMap;

/// Hash maps keyed by content paths and job names: FxHash is several times faster than the
/// default SipHash for such short keys, and these keys are the user's own file names.
type HashMap<K, V> = StdHashMap<K, V, rustc_hash::FxBuildHasher>;
use crate::parse::front_matter::FrontMatter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What a build is asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// A rendered output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative to the output folder, `/`-separated (`articles/x/index.html`).
    pub path: String,
    pub bytes: Arc<[u8]>,
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
        write!(
            f,
            "{} pages, {} sections, {} terms, {} FAQs, {} tiers, {} banners, {} files in {} ms",
            self.pages, self.sections, self.terms, self.faqs, self.tiers, self.banners, self.files, self.millis
        )
    }
}

/// A successful build: the model, every rendered file and the assets to copy.
pub struct Built {
    pub site: Arc<Site>,
    /// Every rendered file (sorted by path when it comes from [`build`]).
    pub files: Vec<OutFile>,
    pub assets: Vec<Asset>,
    pub stats: Stats,
    /// Non-fatal findings for `folio check` (e.g. images without alt text).
    pub warnings: Vec<Diagnostic>,
    /// How many files were rendered this time (the rest came from the previous build).
    pub rendered: usize,
    /// Output paths rendered this time whose bytes differ from the previous build's.
    pub changed: Vec<String>,
}

/// Reads and validates `site.yaml` under `root`.
pub fn read_config(root: &Path, base_url: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Err(vec![Diagnostic::file(CONFIG_FILE, format!("no {CONFIG_FILE} in {}", root.display()))
            .with_help("run folio in the site's folder, pass --root DIR, or create a new site with `folio init DIR`")]);
    }
    let text = crate::fsx::read_text(&path, root).map_err(|d| vec![d])?;
    let mut config = SiteConfig::parse(Path::new(CONFIG_FILE), &text)?;
    if let Some(b) = base_url {
        config.base_url = b.trim_end_matches('/').to_string();
    }
    if config.taxonomies.iter().any(|t| t != "tags" && t != "categories") {
        let (line, col) = crate::yaml::key_position(&text, "taxonomies").unwrap_or((1, 1));
        return Err(vec![Diagnostic::at(CONFIG_FILE, &text, line, col, "taxonomies can be `tags` and `categories`")
            .with_help("remove other names; free-form grouping can go under a page's `extra:`")]);
    }
    Ok(config)
}

/// Phase timings, printed to stderr when `FOLIO_TIMINGS` is set (for profiling builds).
struct PhaseTimer {
    enabled: bool,
    last: Instant,
    phases: Vec<(&'static str, f64)>,
}

impl PhaseTimer {
    fn new() -> Self {
        PhaseTimer { enabled: std::env::var_os("FOLIO_TIMINGS").is_some(), last: Instant::now(), phases: Vec::new() }
    }
    fn mark(&mut self, name: &'static str) {
        if self.enabled {
            let now = Instant::now();
            self.phases.push((name, (now - self.last).as_secs_f64() * 1000.0));
            self.last = now;
        }
    }
    fn report(&self) {
        if self.enabled {
            let parts: Vec<String> = self.phases.iter().map(|(n, ms)| format!("{n} {ms:.1}")).collect();
            eprintln!("timings (ms): {}", parts.join(", "));
        }
    }
}

/// Builds the site in memory. On any error, returns every diagnostic found.
pub fn build(opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let mut built = Engine::new(opts.clone()).run(&[])?;
    built.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(built)
}

/// How a content file takes part in the site.
enum Role<'a> {
    Page(&'a SourceFile),
    Section(&'a SourceFile),
    Marketing(&'a SourceFile),
}

fn classify(f: &SourceFile) -> Result<Role<'_>, Diagnostic> {
    let is_md = f.rel.ends_with(".md");
    if marketing::is_marketing_file(&f.rel) {
        return Ok(Role::Marketing(f));
    }
    if !is_md {
        return Err(Diagnostic::file(&f.shown, "YAML file in an unexpected place")
            .with_help("content YAML belongs in content/faq/<topic>.yaml, content/pricing/<group>.yaml or content/banners.yaml"));
    }
    if f.rel == "_index.md" || f.rel.ends_with("/_index.md") {
        Ok(Role::Section(f))
    } else {
        Ok(Role::Page(f))
    }
}

/// Folder of a content key (`articles/x.md` → `articles`, `x.md` → ``).
fn parent_dir(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

fn slugify_path(p: &str) -> String {
    p.split('/').filter(|s| !s.is_empty()).map(crate::model::slugify).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
}

/// URL of a page from its key and optional `slug:`.
pub fn page_url(key: &str, slug: Option<&str>) -> String {
    let mut dir = parent_dir(key);
    let file = &key[dir.len() + usize::from(!dir.is_empty())..];
    let mut stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" && !dir.is_empty() {
        // `articles/x/index.md`: the page is the folder, its other files sit beside it.
        stem = &dir[dir.rfind('/').map_or(0, |i| i + 1)..];
        dir = parent_dir(dir);
    }
    let slug = match slug {
        Some(s) => slugify_path(s),
        None => crate::model::slugify(stem),
    };
    let slug = if slug.is_empty() { "page".to_string() } else { slug };
    let dir = slugify_path(dir);
    if dir.is_empty() {
        format!("/{slug}/")
    } else {
        format!("/{dir}/{slug}/")
    }
}

pub fn section_url(dir: &str) -> String {
    let d = slugify_path(dir);
    if d.is_empty() {
        "/".into()
    } else {
        format!("/{d}/")
    }
}

/// Output file for a URL path (`/a/` → `a/index.html`).
pub fn url_to_file(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// The URL of the content file an `@/` link names (`/articles/x.md` or `articles/x.md`).
fn url_of<'u>(urls: &'u HashMap<String, String>, content_path: &str) -> Option<&'u str> {
    urls.get(content_path.trim_start_matches('/')).map(String::as_str)
}

/// Markdown gets URLs and shortcodes through this.
struct SiteResolver<'a> {
    urls: &'a HashMap<String, String>,
    renderer: &'a Renderer,
    marketing: &'a Marketing,
}

impl Resolver for SiteResolver<'_> {
    fn url_for(&self, content_path: &str) -> Option<String> {
        url_of(self.urls, content_path).map(str::to_string)
    }
    fn shortcode(&self, call: &Call, page_key: &str) -> Result<String, (String, String)> {
        render::shortcodes::render_call(self.renderer, self.marketing, call, page_key)
    }
}

/// Front matter parsed once and kept while the file's text is unchanged.
#[derive(Debug, Clone)]
struct Meta {
    meta: Arc<FrontMatter>,
    date: Option<time::OffsetDateTime>,
    updated: Option<time::OffsetDateTime>,
    body_start: usize,
    body_line_offset: usize,
    /// The page's URL (sections compute theirs from the folder).
    url: String,
    /// Hash of the front matter's YAML text: unchanged means everything but the body is.
    fm_hash: u64,
}

/// A Markdown rendering kept while its inputs are unchanged.
struct MdEntry {
    text_hash: u64,
    /// Templates and marketing data when shortcodes were used (else 0).
    shortcode_version: u64,
    rendered: Arc<Rendered>,
    errors: Vec<Diagnostic>,
}

/// The last successful build's model and render plan.
struct LastBuild {
    site: Arc<Site>,
    urls: HashMap<String, String>,
    page_index: HashMap<String, usize>,
    jobs: Vec<crate::render::site::Job>,
    keys: Vec<String>,
    global: u64,
    shortcode_version: u64,
}

/// Everything kept between builds of one session.
struct State {
    config: SiteConfig,
    config_text: String,
    tree: SourceTree,
    hashes: HashMap<String, u64>,
    renderer: Option<Renderer>,
    template_errors: Vec<Diagnostic>,
    templates_hash: u64,
    load_errors: Vec<Diagnostic>,
    meta_cache: HashMap<String, (u64, Result<Meta, Vec<Diagnostic>>)>,
    md_cache: HashMap<String, MdEntry>,
    related_cache: Option<(u64, Vec<Vec<usize>>)>,
    /// Marketing data as loaded (version, data, problems) and with rendered FAQ answers.
    marketing_cache: Option<(u64, Marketing, Vec<Diagnostic>)>,
    answers_cache: Option<(u64, Marketing, Vec<Diagnostic>)>,
    /// Page key → (hash of its inputs, search index entry).
    search_cache: HashMap<String, (u64, model::SearchEntry)>,
    /// The last successful model and what rendering it needs, for fingerprints and quick rebuilds.
    last: Option<LastBuild>,
    /// Job key → (fingerprint, rendered file) of the last good build.
    outputs: HashMap<String, (u64, OutFile)>,
}

/// The build engine. A one-off `build` runs it once; `serve` keeps it and calls [`Engine::run`]
/// with the changed paths, and only the work those changes affect is done again: changed files
/// are re-read and re-parsed, Markdown is re-rendered only when its text, its link targets' URLs
/// or (with shortcodes) the templates and data changed, and only output files whose inputs
/// changed (by fingerprint) are rendered again.
pub struct Engine {
    opts: BuildOptions,
    state: Option<State>,
}

fn text_hash(s: &str) -> u64 {
    crate::render::site::hash_of(s)
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
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

impl Engine {
    pub fn new(opts: BuildOptions) -> Engine {
        Engine { opts, state: None }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Builds, reusing what `changed` (paths under the site root) did not affect. An empty
    /// `changed` after a previous run means "check everything again" and reloads all files.
    pub fn run(&mut self, changed: &[PathBuf]) -> Result<Built, Diagnostics> {
        let started = Instant::now();
        let root = self.opts.root.clone();
        let config_path = root.join(CONFIG_FILE);
        let config_text = crate::fsx::read_text(&config_path, &root).map_err(|_| Diagnostics(read_config(&root, None).err().unwrap_or_default()).sorted());
        let config_text = match config_text {
            Ok(t) => t,
            Err(e) => {
                self.state = None;
                return Err(e);
            }
        };
        let reuse = self.state.as_ref().is_some_and(|s| s.config_text == config_text);
        if !reuse {
            let config = read_config(&root, self.opts.base_url.as_deref()).map_err(|e| Diagnostics(e).sorted())?;
            let (tree, load_errors) = load::load(&root, &config.theme);
            let mut state = State {
                config,
                config_text,
                hashes: HashMap::default(),
                renderer: None,
                template_errors: Vec::new(),
                templates_hash: 0,
                load_errors,
                tree,
                meta_cache: HashMap::default(),
                md_cache: HashMap::default(),
                related_cache: None,
                search_cache: HashMap::default(),
                marketing_cache: None,
                answers_cache: None,
                last: None,
                outputs: HashMap::default(),
            };
            state.refresh_hashes();
            state.compile_templates();
            self.state = Some(state);
        } else if let Some(state) = self.state.as_mut() {
            let edited = state.apply_changes(&root, changed);
            if !edited.is_empty() {
                if let Some(result) = state.fast_rebuild(&edited) {
                    let mut built = result?;
                    built.stats.millis = started.elapsed().as_millis();
                    return Ok(built);
                }
            }
        }
        let Some(state) = self.state.as_mut() else { return Err(Diagnostics::default()) };
        let mut built = state.build(self.opts.drafts)?;
        built.stats.millis = started.elapsed().as_millis();
        Ok(built)
    }
}

impl State {
    fn refresh_hashes(&mut self) {
        self.hashes = self.tree.content.par_iter().map(|f| (f.rel.clone(), text_hash(&f.text))).collect();
    }

    fn compile_templates(&mut self) {
        let hash = text_hash(&self.tree.templates.iter().map(|t| format!("{}\u{0}{}", t.rel, t.text)).collect::<String>());
        if self.renderer.is_some() && hash == self.templates_hash {
            return;
        }
        self.templates_hash = hash;
        match Renderer::new(&self.tree.templates, &self.config) {
            Ok(r) => {
                self.renderer = Some(r);
                self.template_errors.clear();
            }
            Err(e) => {
                self.renderer = None;
                self.template_errors = e;
            }
        }
    }

    /// Re-reads what changed. Content text files are swapped one by one; anything else
    /// (templates, themes, static files, new folders) reloads the file tree, keeping caches.
    /// Returns the content keys of existing pages whose text changed when nothing else did
    /// (for [`State::fast_rebuild`]); empty when the change needs the full path.
    fn apply_changes(&mut self, root: &Path, changed: &[PathBuf]) -> Vec<String> {
        let mut reload_tree = changed.is_empty();
        let mut edited = Vec::new();
        let mut structural = false;
        for path in changed {
            let Some(rel) = relative_to_root(path, root) else { continue };
            let content_rel = rel.strip_prefix("content/").filter(|r| r.ends_with(".md") || r.ends_with(".yaml") || r.ends_with(".yml"));
            match content_rel {
                Some(crel) if !crel.split('/').any(crate::load::is_ignored_name) => {
                    let full = root.join(&rel);
                    let pos = self.tree.content.binary_search_by(|f| f.rel.as_str().cmp(crel));
                    if full.is_file() {
                        match crate::fsx::read_text(&full, root) {
                            Ok(text) => {
                                self.hashes.insert(crel.to_string(), text_hash(&text));
                                let file = SourceFile { rel: crel.to_string(), shown: crate::diag::relative(&full, root), text };
                                match pos {
                                    Ok(i) => {
                                        if self.tree.content[i].text != file.text {
                                            let plain_page = crel.ends_with(".md") && !crel.ends_with("_index.md") && !marketing::is_marketing_file(crel);
                                            if plain_page {
                                                edited.push(crel.to_string());
                                            } else {
                                                structural = true;
                                            }
                                        }
                                        self.tree.content[i] = file;
                                    }
                                    Err(i) => {
                                        structural = true;
                                        self.tree.content.insert(i, file);
                                    }
                                }
                            }
                            Err(_) => reload_tree = true,
                        }
                    } else if let Ok(i) = pos {
                        structural = true;
                        self.tree.content.remove(i);
                        self.hashes.remove(crel);
                    }
                }
                Some(_) => {}
                None => {
                    let top = rel.split('/').next().unwrap_or("");
                    if ["content", "static", "templates", "themes"].contains(&top) {
                        reload_tree = true;
                    }
                }
            }
        }
        if reload_tree {
            let (tree, load_errors) = load::load(root, &self.config.theme);
            self.tree = tree;
            self.load_errors = load_errors;
            self.refresh_hashes();
            self.compile_templates();
        }
        if reload_tree || structural {
            edited.clear();
        }
        edited.sort();
        edited.dedup();
        edited
    }

    fn build(&mut self, drafts: bool) -> Result<Built, Diagnostics> {
        let mut timer = PhaseTimer::new();
        // Set again only if this run succeeds: quick rebuilds must start from a good build.
        self.last = None;
        let mut errors = Diagnostics::default();
        errors.extend(self.load_errors.iter().cloned());
        errors.extend(self.template_errors.iter().cloned());
        let config = &self.config;
        let tree = &self.tree;

        // Classify; parse front matter of new or changed files (in parallel).
        let mut page_files = Vec::new();
        let mut section_files = Vec::new();
        let mut marketing_files = Vec::new();
        for f in &tree.content {
            match classify(f) {
                Ok(Role::Page(f)) => page_files.push(f),
                Ok(Role::Section(f)) => section_files.push(f),
                Ok(Role::Marketing(f)) => marketing_files.push(f),
                Err(d) => errors.push(d),
            }
        }
        let hashes = &self.hashes;
        let meta_cache = &self.meta_cache;
        // (text hash, parse result, whether it was parsed now rather than taken from the cache)
        let parse_meta = |f: &&SourceFile, is_section: bool| -> (u64, Result<Meta, Vec<Diagnostic>>, bool) {
            let h = hashes.get(&f.rel).copied().unwrap_or(0);
            if let Some((ch, cached)) = meta_cache.get(&f.rel) {
                if *ch == h {
                    return (h, cached.clone(), false);
                }
            }
            let parsed = front_matter::parse(&f.shown, &f.text, is_section).map(|p| Meta {
                url: if is_section { section_url(parent_dir(&f.rel)) } else { page_url(&f.rel, p.meta.slug.as_deref()) },
                fm_hash: text_hash(p.yaml),
                meta: Arc::new(p.meta),
                date: p.date,
                updated: p.updated,
                body_start: f.text.len() - p.body.len(),
                body_line_offset: p.body_line_offset,
            });
            (h, parsed, true)
        };
        let page_meta: Vec<_> = page_files.par_iter().map(|f| parse_meta(f, false)).collect();
        let section_meta: Vec<_> = section_files.par_iter().map(|f| parse_meta(f, true)).collect();
        let mut fresh_meta = Vec::new();
        // Files whose front matter failed still have an address, so links to them do not add
        // misleading "no such content file" errors to the real one.
        let mut broken: Vec<(String, String)> = Vec::new();
        let mut pages_src: Vec<(&SourceFile, Meta, u64)> = Vec::with_capacity(page_meta.len());
        let mut sections_src: Vec<(&SourceFile, Meta, u64)> = Vec::new();
        for (is_section, files, metas) in [(false, &page_files, page_meta), (true, &section_files, section_meta)] {
            for (f, (h, r, fresh)) in files.iter().zip(metas) {
                match &r {
                    Ok(m) if m.meta.draft && !drafts && !is_section => {}
                    Ok(m) if is_section => sections_src.push((f, m.clone(), h)),
                    Ok(m) => pages_src.push((f, m.clone(), h)),
                    Err(e) => {
                        errors.extend(e.iter().cloned());
                        let url = if is_section { section_url(parent_dir(&f.rel)) } else { page_url(&f.rel, None) };
                        broken.push((f.rel.clone(), url));
                    }
                }
                if fresh {
                    fresh_meta.push((f.rel.clone(), (h, r)));
                }
            }
        }
        self.meta_cache.extend(fresh_meta);
        prune(&mut self.meta_cache, page_files.len() + section_files.len(), || page_files.iter().chain(&section_files).map(|f| f.rel.as_str()));
        timer.mark("front matter");
        let marketing_version = crate::render::site::hash_of(&(
            marketing_files.iter().map(|f| (&f.rel, hashes.get(&f.rel).copied().unwrap_or(0))).collect::<Vec<_>>(),
            tree.assets.len(),
            crate::marketing::banners::build_date().to_string(),
        ));
        let (marketing_data, marketing_errors) = match &self.marketing_cache {
            Some((v, m, e)) if *v == marketing_version => (m.clone(), e.clone()),
            _ => {
                let (m, e) = marketing::load(&marketing_files, config, &tree.assets);
                self.marketing_cache = Some((marketing_version, m.clone(), e.clone()));
                (m, e)
            }
        };
        errors.extend(marketing_errors);

        timer.mark("marketing");
        // URLs, and two sources on one URL.
        let mut urls: HashMap<String, String> = HashMap::with_capacity_and_hasher(pages_src.len() + sections_src.len(), Default::default());
        let mut owners: HashMap<String, PathBuf> = HashMap::with_capacity_and_hasher(pages_src.len() + sections_src.len(), Default::default());
        let mut claim = |url: &str, shown: &Path, errors: &mut Diagnostics| {
            if let Some(first) = owners.get(url) {
                errors.push(
                    Diagnostic::file(shown, format!("two pages have the URL {url}: this file and {}", first.display()))
                        .with_help("give one of them a different `slug:` in its front matter, or rename the file"),
                );
            } else {
                owners.insert(url.to_string(), shown.to_path_buf());
            }
        };
        let mut sections: Vec<Section> = Vec::new();
        for (f, m, h) in &sections_src {
            let dir = parent_dir(&f.rel).to_string();
            let url = section_url(&dir);
            if !marketing::owns_section(&dir) {
                claim(&url, &f.shown, &mut errors);
            }
            urls.insert(f.rel.clone(), url.clone());
            sections.push(Section {
                key: f.rel.clone(),
                shown: f.shown.clone(),
                dir,
                title: m.meta.title.clone().unwrap_or_default(),
                meta: Arc::clone(&m.meta),
                source_hash: *h,
                url,
                rendered: Arc::default(),
                pages: Vec::new(),
                subsections: Vec::new(),
                parent: None,
            });
        }
        // Keep `sections_src` in the same order as `sections`.
        let mut order: Vec<usize> = (0..sections.len()).collect();
        order.sort_by(|&a, &b| sections[a].dir.cmp(&sections[b].dir));
        let sections: Vec<Section> = order.iter().map(|&i| sections[i].clone()).collect();
        let sections_src: Vec<&(&SourceFile, Meta, u64)> = order.iter().map(|&i| &sections_src[i]).collect();
        let mut sections = sections;
        let section_by_dir: HashMap<String, usize> = sections.iter().enumerate().map(|(i, s)| (s.dir.clone(), i)).collect();
        let nearest_section = |mut dir: &str| -> Option<usize> {
            loop {
                if let Some(&i) = section_by_dir.get(dir) {
                    return Some(i);
                }
                if dir.is_empty() {
                    return None;
                }
                dir = parent_dir(dir);
            }
        };
        for i in 0..sections.len() {
            if !sections[i].dir.is_empty() {
                let parent = nearest_section(parent_dir(&sections[i].dir));
                sections[i].parent = parent;
                if let Some(p) = parent {
                    sections[p].subsections.push(i);
                }
            }
        }

        let mut pages: Vec<Page> = Vec::with_capacity(pages_src.len());
        for (f, m, h) in &pages_src {
            let url = m.url.clone();
            claim(&url, &f.shown, &mut errors);
            for alias in &m.meta.aliases {
                let a = if alias.ends_with('/') || alias.contains('.') { alias.clone() } else { format!("{alias}/") };
                claim(&a, &f.shown, &mut errors);
            }
            urls.insert(f.rel.clone(), url.clone());
            pages.push(Page {
                key: f.rel.clone(),
                shown: f.shown.clone(),
                title: m.meta.title.clone().unwrap_or_default(),
                meta: Arc::clone(&m.meta),
                source_hash: *h,
                date: m.date,
                updated: m.updated,
                url,
                section: nearest_section(parent_dir(&f.rel)),
                rendered: Arc::default(),
                related: Vec::new(),
                previous: None,
                next: None,
                date_rank: 0,
                card_hash: 0,
            });
        }
        for (key, url) in marketing_data.urls() {
            claim(&url, &PathBuf::from(format!("content/{key}")), &mut errors);
            urls.insert(key, url);
        }
        let broken_keys: Vec<String> = broken.iter().map(|(k, _)| k.clone()).collect();
        for (key, url) in broken {
            urls.entry(key).or_insert(url);
        }

        timer.mark("urls");
        let Some(renderer) = self.renderer.as_ref() else {
            return Err(errors.sorted());
        };
        // A `template:` that does not exist is reported at its line, before anything renders.
        for (f, m, _) in pages_src.iter().chain(sections_src.iter().copied()) {
            if let Some(t) = m.meta.template.as_deref().filter(|t| !renderer.has_template(t)) {
                let (line, col) = crate::yaml::key_position(&f.text, "template").unwrap_or((1, 1));
                errors.push(Diagnostic::at(&f.shown, &f.text, line, col, format!("template `{t}` not found")).with_help(renderer.missing_template_help(t)));
            }
        }
        let shortcode_version = crate::render::site::hash_of(&(self.templates_hash, marketing_version));

        // FAQ answers first, so the `faq` shortcode in pages sees them rendered. They depend on
        // the FAQ files, the templates and (through links) the site's URLs.
        let mut urls_list: Vec<(&String, &String)> = urls.iter().collect();
        urls_list.sort_unstable();
        let answers_version = crate::render::site::hash_of(&(marketing_version, self.templates_hash, urls_list));
        let marketing_data = match &self.answers_cache {
            Some((v, m, e)) if *v == answers_version => {
                errors.extend(e.iter().cloned());
                m.clone()
            }
            _ => {
                let mut rendered = marketing_data.clone();
                let pre = SiteResolver { urls: &urls, renderer, marketing: &marketing_data };
                let e = rendered.render_answers(&pre);
                errors.extend(e.iter().cloned());
                self.answers_cache = Some((answers_version, rendered.clone(), e));
                rendered
            }
        };

        timer.mark("answers");
        // Markdown, in parallel, reusing renderings whose inputs did not change.
        let resolver = SiteResolver { urls: &urls, renderer, marketing: &marketing_data };
        let md_cache = &self.md_cache;
        let urls_ref = &urls;
        // A cached rendering is reused when the text is the same, every `@/` link still resolves
        // to the same URL, and (if it used shortcodes) templates and data are unchanged.
        let cached = |key: &str, h: u64| -> Option<Arc<Rendered>> {
            let e = md_cache.get(key)?;
            let links_same = e.rendered.links.iter().all(|(target, url)| url_of(urls_ref, target) == url.as_deref());
            let sc_same = e.shortcode_version == 0 || e.shortcode_version == shortcode_version;
            (e.text_hash == h && links_same && sc_same && e.errors.is_empty()).then(|| Arc::clone(&e.rendered))
        };
        let render_md = |(f, m, h): &(&SourceFile, Meta, u64)| -> Result<Arc<Rendered>, MdEntry> {
            if let Some(r) = cached(&f.rel, *h) {
                return Ok(r);
            }
            let info = SourceInfo { path: &f.shown, file_text: &f.text, body: &f.text[m.body_start..], body_line_offset: m.body_line_offset, page_key: &f.rel };
            let (rendered, errs) = markdown::render(&info, &resolver);
            Err(MdEntry {
                text_hash: *h,
                shortcode_version: if rendered.uses_shortcodes { shortcode_version } else { 0 },
                rendered: Arc::new(rendered),
                errors: errs,
            })
        };
        let page_md: Vec<Result<Arc<Rendered>, MdEntry>> = pages_src.par_iter().map(render_md).collect();
        let section_md: Vec<Result<Arc<Rendered>, MdEntry>> = sections_src.iter().map(|s| render_md(s)).collect();
        let keys_iter = pages.iter().map(|p| &p.key).chain(sections.iter().map(|s| &s.key));
        let mut fresh: Vec<(String, MdEntry)> = Vec::new();
        let mut all_rendered: Vec<Arc<Rendered>> = Vec::with_capacity(page_md.len() + section_md.len());
        for (key, r) in keys_iter.zip(page_md.into_iter().chain(section_md)) {
            match r {
                Ok(rendered) => all_rendered.push(rendered),
                Err(entry) => {
                    errors.extend(entry.errors.iter().cloned());
                    all_rendered.push(Arc::clone(&entry.rendered));
                    fresh.push((key.clone(), entry));
                }
            }
        }
        let mut all_rendered = all_rendered.into_iter();
        for page in pages.iter_mut() {
            page.rendered = all_rendered.next().unwrap_or_default();
        }
        pages.par_iter_mut().for_each(|p| p.card_hash = model::card_hash(p));
        for section in sections.iter_mut() {
            section.rendered = all_rendered.next().unwrap_or_default();
        }
        for (key, entry) in fresh {
            self.md_cache.insert(key, entry);
        }
        prune(&mut self.md_cache, pages.len() + sections.len(), || pages.iter().map(|p| p.key.as_str()).chain(sections.iter().map(|s| s.key.as_str())));
        // Pages whose front matter failed: check their bodies too, so one run shows everything.
        for key in &broken_keys {
            let Ok(i) = tree.content.binary_search_by(|f| f.rel.as_str().cmp(key)) else { continue };
            let f = &tree.content[i];
            if let Some((body, body_line_offset)) = front_matter::body_of(&f.text) {
                let info = SourceInfo { path: &f.shown, file_text: &f.text, body, body_line_offset, page_key: &f.rel };
                errors.extend(markdown::render(&info, &resolver).1);
            }
        }
        let before = errors.len();
        check_anchors(&pages, &sections, &marketing_data, &mut errors);
        // Anchor problems are found after rendering; add the source line they point at.
        for d in errors.0.iter_mut().skip(before) {
            if let (Some(line), None) = (d.line, &d.snippet) {
                let rel = d.path.strip_prefix(load::CONTENT_DIR).ok().map(|p| p.to_string_lossy().replace('\\', "/"));
                if let Some(f) = rel.and_then(|r| tree.content.binary_search_by(|f| f.rel.as_str().cmp(r.as_str())).ok()) {
                    d.snippet = tree.content[f].text.lines().nth(line - 1).map(str::to_string);
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors.sorted());
        }

        timer.mark("anchors");
        // Relations.
        model::assign_date_ranks(&mut pages);
        for (id, p) in pages.iter().enumerate() {
            if let Some(s) = p.section {
                sections[s].pages.push(id);
            }
        }
        for s in &mut sections {
            let sort_by = s.sort_by();
            model::sort_pages(&pages, &mut s.pages, sort_by);
        }
        for s in &sections {
            if s.is_home() {
                continue;
            }
            for (i, &id) in s.pages.iter().enumerate() {
                // In date order "previous" is the older article, shown after this one.
                pages[id].next = i.checked_sub(1).map(|j| s.pages[j]);
                pages[id].previous = s.pages.get(i + 1).copied();
            }
        }
        // Related articles depend only on keys, tags and dates; reuse them when those are unchanged.
        let relations_hash = crate::render::site::hash_of(&pages.iter().map(|p| (&p.key, &p.meta.tags, p.date_rank)).collect::<Vec<_>>());
        let related = match &self.related_cache {
            Some((h, r)) if *h == relations_hash => r.clone(),
            _ => model::related_by_tags(&pages, 3),
        };
        for (p, r) in pages.iter_mut().zip(&related) {
            p.related = r.clone();
        }
        self.related_cache = Some((relations_hash, related));
        timer.mark("relations");
        let taxonomies = model::build_taxonomies(&pages, &config.taxonomies);
        let search_cache = &self.search_cache;
        let search_entries: Vec<(model::SearchEntry, Option<u64>)> = pages
            .par_iter()
            .map(|p| {
                let h = search_input_hash(&sections, p);
                match search_cache.get(&p.key) {
                    Some((ch, e)) if *ch == h => (e.clone(), None),
                    _ => (crate::render::search::entry_of(&sections, p), Some(h)),
                }
            })
            .collect();
        let mut entries = Vec::with_capacity(search_entries.len());
        for (p, (e, fresh)) in pages.iter().zip(search_entries) {
            if let Some(h) = fresh {
                self.search_cache.insert(p.key.clone(), (h, e.clone()));
            }
            entries.push(e);
        }
        prune(&mut self.search_cache, pages.len(), || pages.iter().map(|p| p.key.as_str()));
        let site = Site { config: config.clone(), pages, sections, taxonomies, marketing: marketing_data, search_entries: entries };

        timer.mark("taxonomies");
        // Render only the jobs whose fingerprint changed.
        let global = crate::render::site::hash_of(&(&self.config_text, self.templates_hash, marketing_version, drafts, &config.base_url));
        let jobs = crate::render::site::plan(&site);
        let keys: Vec<String> = jobs.par_iter().map(|j| crate::render::site::job_key(&site, j)).collect();
        let page_index = site.pages.iter().enumerate().map(|(i, p)| (p.key.clone(), i)).collect();
        self.last = Some(LastBuild { site: Arc::new(site), urls, page_index, jobs, keys, global, shortcode_version });
        self.render_outputs(timer)
    }

    /// Renders the jobs of the last build whose fingerprints changed and assembles the result.
    fn render_outputs(&mut self, mut timer: PhaseTimer) -> Result<Built, Diagnostics> {
        let Some(last) = self.last.as_ref() else { return Err(Diagnostics::default()) };
        let Some(renderer) = self.renderer.as_ref() else { return Err(Diagnostics::default()) };
        let site = &last.site;
        let (jobs, keys) = (&last.jobs, &last.keys);
        let prints = crate::render::site::fingerprints(site, jobs, keys, last.global);
        timer.mark("fingerprints");
        let todo: Vec<usize> = (0..jobs.len()).filter(|&i| self.outputs.get(&keys[i]).is_none_or(|(fp, _)| *fp != prints[i])).collect();
        let todo_jobs: Vec<crate::render::site::Job> = todo.iter().map(|&i| jobs[i].clone()).collect();
        let (rendered_files, render_errors) = crate::render::site::render_jobs_unsorted(site, renderer, &todo_jobs);
        if !render_errors.is_empty() {
            // Forget the fingerprints' basis so the next run renders these jobs again.
            self.last = None;
            return Err(Diagnostics(render_errors).sorted());
        }
        timer.mark("render");
        let mut changed = Vec::new();
        for (i, file) in todo.iter().copied().zip(rendered_files) {
            match self.outputs.get(&keys[i]) {
                Some((_, old)) if old.path == file.path && old.bytes == file.bytes => {}
                Some((_, old)) if old.path != file.path => {
                    changed.push(old.path.clone());
                    changed.push(file.path.clone());
                }
                _ => changed.push(file.path.clone()),
            }
            self.outputs.insert(keys[i].clone(), (prints[i], file));
        }
        if self.outputs.len() > keys.len() {
            let live: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
            self.outputs.retain(|k, (_, f)| {
                let keep = live.contains(k.as_str());
                if !keep {
                    changed.push(f.path.clone());
                }
                keep
            });
        }
        // Unsorted here; `build` sorts for writing.
        let files: Vec<OutFile> = self.outputs.values().map(|(_, f)| f.clone()).collect();
        changed.sort();
        changed.dedup();
        timer.mark("outputs");
        let warnings = site
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
                })
            })
            .collect();
        let stats = Stats {
            pages: site.pages.len(),
            sections: site.sections.len(),
            terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
            faqs: site.marketing.faq_count(),
            tiers: site.marketing.tier_count(),
            banners: site.marketing.banner_count(),
            files: files.len() + self.tree.assets.len(),
            millis: 0,
        };
        timer.mark("finish");
        timer.report();
        Ok(Built { site: Arc::clone(site), files, assets: self.tree.assets.clone(), stats, warnings, rendered: todo.len(), changed })
    }

    /// The quick way for the most common edit: the bodies of existing articles changed and
    /// their front matter did not. URLs, ordering, taxonomies and related articles then stay as
    /// they are, so only the edited pages' Markdown is rendered before the fingerprints pick the
    /// output files to redo. Returns `None` (use the full path) for anything else, including any
    /// problem in the new text, so errors are always reported by the full path.
    fn fast_rebuild(&mut self, edited: &[String]) -> Option<Result<Built, Diagnostics>> {
        let mut timer = PhaseTimer::new();
        let last = self.last.as_ref()?;
        let renderer = self.renderer.as_ref()?;
        let marketing = &self.answers_cache.as_ref()?.1;
        if !self.template_errors.is_empty() || !self.load_errors.is_empty() {
            return None;
        }
        let resolver = SiteResolver { urls: &last.urls, renderer, marketing };
        let mut updates = Vec::new();
        for key in edited {
            let &id = last.page_index.get(key)?;
            let f = &self.tree.content[self.tree.content.binary_search_by(|f| f.rel.as_str().cmp(key)).ok()?];
            let h = self.hashes.get(key).copied()?;
            let parsed = front_matter::parse(&f.shown, &f.text, false).ok()?;
            let old = match self.meta_cache.get(key) {
                Some((_, Ok(m))) => m,
                _ => return None,
            };
            if old.fm_hash != text_hash(parsed.yaml) || parsed.meta.draft {
                return None;
            }
            let meta = Meta { body_start: f.text.len() - parsed.body.len(), body_line_offset: parsed.body_line_offset, ..old.clone() };
            let info = SourceInfo { path: &f.shown, file_text: &f.text, body: parsed.body, body_line_offset: parsed.body_line_offset, page_key: key };
            let (rendered, errs) = markdown::render(&info, &resolver);
            let old_rendered = &last.site.pages[id].rendered;
            // Headings other pages may link to must stay; anchors this page links to must exist.
            if !errs.is_empty() || rendered.anchors != old_rendered.anchors {
                return None;
            }
            for r in &rendered.anchor_refs {
                let target = last.page_index.get(&r.target).map(|&t| &last.site.pages[t].rendered.anchors)?;
                if !target.contains(&r.anchor) {
                    return None;
                }
            }
            let uses_sc = rendered.uses_shortcodes;
            updates.push((id, key.clone(), h, meta, Arc::new(rendered), uses_sc));
        }
        timer.mark("markdown");
        let shortcode_version = last.shortcode_version;
        let mut last = self.last.take()?;
        let site = Arc::make_mut(&mut last.site);
        for (id, key, h, meta, rendered, uses_sc) in updates {
            site.pages[id].rendered = Arc::clone(&rendered);
            site.pages[id].source_hash = h;
            site.pages[id].card_hash = model::card_hash(&site.pages[id]);
            let p = &site.pages[id];
            let entry = crate::render::search::entry_of(&site.sections, p);
            self.search_cache.insert(key.clone(), (search_input_hash(&site.sections, p), entry.clone()));
            site.search_entries[id] = entry;
            self.md_cache
                .insert(key.clone(), MdEntry { text_hash: h, shortcode_version: if uses_sc { shortcode_version } else { 0 }, rendered, errors: Vec::new() });
            self.meta_cache.insert(key, (h, Ok(meta)));
        }
        self.last = Some(last);
        Some(self.render_outputs(timer))
    }
}

/// Drops cache entries whose files are gone. A cache never holds more entries than there are
/// live keys unless something was deleted, so the usual rebuild skips building the key set.
fn prune<'k, V, I: Iterator<Item = &'k str>>(cache: &mut HashMap<String, V>, live_count: usize, live: impl FnOnce() -> I) {
    if cache.len() > live_count {
        let live: std::collections::HashSet<&str> = live().collect();
        cache.retain(|k, _| live.contains(k.as_str()));
    }
}

/// What a page's search entry is made from.
fn search_input_hash(sections: &[Section], p: &Page) -> u64 {
    crate::render::site::hash_of(&(p.source_hash, p.rendered.hash, &p.url, p.section.map(|s| sections[s].is_home())))
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
                        None => format!("headings on that page: {}", list.join(", ")),
                    }),
                    snippet: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_keys_and_slugs() {
        assert_eq!(page_url("articles/What Is A CTO.md", None), "/articles/what-is-a-cto/");
        assert_eq!(page_url("about.md", None), "/about/");
        assert_eq!(page_url("articles/x/index.md", None), "/articles/x/");
        assert_eq!(page_url("contact-thanks.md", Some("contact/thanks")), "/contact/thanks/");
        assert_eq!(page_url("articles/a.md", Some("Über Größe")), "/articles/uber-grosse/");
        assert_eq!(page_url("a/日本語.md", None), "/a/ri-ben-yu/");
        assert_eq!(section_url(""), "/");
        assert_eq!(section_url("articles"), "/articles/");
        assert_eq!(url_to_file("/a/b/"), "a/b/index.html");
        assert_eq!(url_to_file("/404.html"), "404.html");
    }
}

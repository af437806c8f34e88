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
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
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
    pub bytes: Vec<u8>,
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
    pub site: Site,
    pub files: Vec<OutFile>,
    pub assets: Vec<Asset>,
    pub stats: Stats,
    /// Non-fatal findings for `folio check` (e.g. images without alt text).
    pub warnings: Vec<Diagnostic>,
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

/// Builds the site in memory. On any error, returns every diagnostic found.
pub fn build(opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    let root = &opts.root;
    let config = read_config(root, opts.base_url.as_deref()).map_err(|e| Diagnostics(e).sorted())?;
    let (tree, load_errors) = load::load(root, &config.theme);
    let mut errors = Diagnostics::default();
    errors.extend(load_errors);
    let result = build_from_tree(config, tree, opts.drafts, &mut errors);
    match result {
        Some(mut built) if errors.is_empty() => {
            built.stats.millis = started.elapsed().as_millis();
            Ok(built)
        }
        _ => Err(errors.sorted()),
    }
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
        return Err(Diagnostic::file(&f.shown, "YAML file in an unexpected place").with_help(
            "content YAML belongs in content/faq/<topic>.yaml, content/pricing/<group>.yaml or content/banners.yaml",
        ));
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
    p.split('/').filter(|s| !s.is_empty()).map(slug::slugify).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
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
        None => slug::slugify(stem),
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

/// Markdown gets URLs and shortcodes through this.
struct SiteResolver<'a> {
    urls: &'a HashMap<String, String>,
    renderer: &'a Renderer,
    marketing: &'a Marketing,
    config: &'a SiteConfig,
}

impl Resolver for SiteResolver<'_> {
    fn url_for(&self, content_path: &str) -> Option<String> {
        self.urls.get(content_path.trim_start_matches('/')).cloned()
    }
    fn shortcode(&self, call: &Call, page_key: &str) -> Result<String, (String, String)> {
        render::shortcodes::render_call(self.renderer, self.marketing, self.config, call, page_key)
    }
}

struct ParsedSource<'a> {
    file: &'a SourceFile,
    parsed: front_matter::Parsed<'a>,
}

fn build_from_tree(config: SiteConfig, tree: SourceTree, drafts: bool, errors: &mut Diagnostics) -> Option<Built> {
    let renderer = match Renderer::new(&tree.templates, &config) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.extend(e);
            None
        }
    };

    // Classify and parse front matter (in parallel).
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
    fn parse_all<'a>(files: &[&'a SourceFile], is_section: bool) -> Vec<Result<ParsedSource<'a>, Vec<Diagnostic>>> {
        files
            .par_iter()
            .map(|f| front_matter::parse(&f.shown, &f.text, is_section).map(|parsed| ParsedSource { file: f, parsed }))
            .collect()
    }
    let mut pages_src = Vec::new();
    for r in parse_all(&page_files, false) {
        match r {
            Ok(p) if p.parsed.meta.draft && !drafts => {}
            Ok(p) => pages_src.push(p),
            Err(e) => errors.extend(e),
        }
    }
    let mut sections_src = Vec::new();
    for r in parse_all(&section_files, true) {
        match r {
            Ok(p) => sections_src.push(p),
            Err(e) => errors.extend(e),
        }
    }
    let (marketing_data, marketing_errors) = marketing::load(&marketing_files, &config, &tree.assets);
    errors.extend(marketing_errors);

    // URLs, and two sources on one URL.
    let mut urls: HashMap<String, String> = HashMap::new();
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
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
    for s in &sections_src {
        let dir = parent_dir(&s.file.rel).to_string();
        let url = section_url(&dir);
        if !marketing::owns_section(&dir) {
            claim(&url, &s.file.shown, errors);
        }
        urls.insert(s.file.rel.clone(), url.clone());
        sections.push(Section {
            key: s.file.rel.clone(),
            shown: s.file.shown.clone(),
            dir,
            title: s.parsed.meta.title.clone().unwrap_or_default(),
            meta: s.parsed.meta.clone(),
            url,
            rendered: Rendered::default(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
        });
    }
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
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

    pages_src.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
    let mut pages: Vec<Page> = Vec::with_capacity(pages_src.len());
    for s in &pages_src {
        let url = page_url(&s.file.rel, s.parsed.meta.slug.as_deref());
        claim(&url, &s.file.shown, errors);
        for alias in &s.parsed.meta.aliases {
            let a = if alias.ends_with('/') || alias.contains('.') { alias.clone() } else { format!("{alias}/") };
            claim(&a, &s.file.shown, errors);
        }
        urls.insert(s.file.rel.clone(), url.clone());
        let section = nearest_section(parent_dir(&s.file.rel));
        pages.push(Page {
            key: s.file.rel.clone(),
            shown: s.file.shown.clone(),
            title: s.parsed.meta.title.clone().unwrap_or_default(),
            meta: s.parsed.meta.clone(),
            date: s.parsed.date,
            updated: s.parsed.updated,
            url,
            section,
            rendered: Rendered::default(),
            related: Vec::new(),
            previous: None,
            next: None,
            date_rank: 0,
        });
    }
    for (key, url) in marketing_data.urls() {
        claim(&url, &PathBuf::from(format!("content/{key}")), errors);
        urls.insert(key, url);
    }
    for fixed in ["/404.html", "/sitemap.xml", "/robots.txt"] {
        owners.entry(fixed.to_string()).or_insert_with(|| PathBuf::from("(generated)"));
    }

    let renderer = renderer?;

    // FAQ answers first, so the `faq` shortcode in pages sees them rendered.
    let mut marketing_data = marketing_data;
    let answers_errors = {
        let unrendered = marketing_data.clone();
        let pre = SiteResolver { urls: &urls, renderer: &renderer, marketing: &unrendered, config: &config };
        marketing_data.render_answers(&pre)
    };
    errors.extend(answers_errors);

    // Markdown, in parallel.
    let resolver = SiteResolver { urls: &urls, renderer: &renderer, marketing: &marketing_data, config: &config };
    let render_md = |src: &ParsedSource<'_>| {
        let info = SourceInfo {
            path: &src.file.shown,
            file_text: &src.file.text,
            body: src.parsed.body,
            body_line_offset: src.parsed.body_line_offset,
            page_key: &src.file.rel,
        };
        markdown::render(&info, &resolver)
    };
    let page_results: Vec<(Rendered, Vec<Diagnostic>)> = pages_src.par_iter().map(render_md).collect();
    let section_by_key: HashMap<&str, &ParsedSource<'_>> = sections_src.iter().map(|s| (s.file.rel.as_str(), s)).collect();
    let section_results: Vec<(Rendered, Vec<Diagnostic>)> = sections.iter().map(|s| render_md(section_by_key[s.key.as_str()])).collect();
    for (page, (rendered, errs)) in pages.iter_mut().zip(page_results) {
        page.rendered = rendered;
        errors.extend(errs);
    }
    for (section, (rendered, errs)) in sections.iter_mut().zip(section_results) {
        section.rendered = rendered;
        errors.extend(errs);
    }
    check_anchors(&pages, &sections, &marketing_data, errors);

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
    let related = model::related_by_tags(&pages, 3);
    for (p, r) in pages.iter_mut().zip(related) {
        p.related = r;
    }
    let taxonomies = model::build_taxonomies(&pages, &config.taxonomies);

    let site = Site { config, pages, sections, taxonomies, marketing: marketing_data };
    let (files, render_errors) = render::site::render_all(&site, &renderer);
    errors.extend(render_errors);
    if !errors.is_empty() {
        return None;
    }
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
        files: files.len() + tree.assets.len(),
        millis: 0,
    };
    Some(Built { site, files, assets: tree.assets, stats, warnings })
}

/// `@/page.md#anchor` links must name a heading that exists on the target.
fn check_anchors(pages: &[Page], sections: &[Section], marketing: &Marketing, errors: &mut Diagnostics) {
    let mut anchors: HashMap<&str, &[String]> = HashMap::new();
    for p in pages {
        anchors.insert(&p.key, &p.rendered.anchors);
    }
    for s in sections {
        anchors.insert(&s.key, &s.rendered.anchors);
    }
    let marketing_anchors = marketing.anchors();
    for (k, v) in &marketing_anchors {
        anchors.insert(k.as_str(), v.as_slice());
    }
    let refs = pages.iter().map(|p| (&p.shown, &p.rendered)).chain(sections.iter().map(|s| (&s.shown, &s.rendered)));
    for (shown, rendered) in refs {
        for r in &rendered.anchor_refs {
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

//! Plans every output file of the site as a [`Job`], prepares each job's [`Work`] (a template
//! and the exact variables it is given, or bytes folio makes itself), and renders in parallel.
//! A job's key is a hash of its `Work`: what is actually passed in, never a hand-kept list of
//! what it might read. An output is rendered again only when its key changed.

use super::feeds;
use super::seo::{self, crumb, Crumb};
use super::views::{self, card, title_case};
use crate::diag::{catch_panic, Diagnostic};
use crate::hash::{hash_bytes, hash_of, hash_serialized, Digest};
use crate::marketing::PricingGroup;
use crate::model::claims::{Claim, Claimant};
use crate::model::reads::{self, ItemHashes, Named};
use crate::model::{pager, pager_count, PageId, SectionId, Site};
use crate::url::{alias_url, pager_url, url_to_file};
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A rendered output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative to the output folder, `/`-separated (`articles/x/index.html`).
    pub path: String,
    /// The bytes, while they are held: always in a build held in memory, and in serve only
    /// from rendering to [`render_site`]'s `on_file` (see [`Keep`]).
    pub bytes: Arc<[u8]>,
    /// With [`Keep::Digest`] (serve): what names the bytes, which the records keep instead.
    pub digest: Option<Digest>,
}

impl OutFile {
    /// Whether `bytes` are this file's bytes (not emptied after they went to serve's store).
    pub fn holds_bytes(&self) -> bool {
        self.digest.is_none_or(|d| d.len == self.bytes.len() as u64)
    }

    /// Whether the two files have the same bytes, by digest when both have one.
    pub fn same_bytes(&self, other: &OutFile) -> bool {
        match (self.digest, other.digest) {
            (Some(a), Some(b)) => a == b,
            (None, None) => Arc::ptr_eq(&self.bytes, &other.bytes) || self.bytes == other.bytes,
            _ => false,
        }
    }
}

/// What a job record keeps of its file once `on_file` has seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The bytes and everything a later run can reuse: a build held in memory (tests,
    /// `folio check`, which reads the finished pages).
    Bytes,
    /// Everything a later run can reuse, but of the file only its [`Digest`]: `folio serve`,
    /// whose `on_file` writes the bytes to its store on disk, so a large site's rendered pages
    /// are never all in memory (issue 17).
    Digest,
    /// Only the file's path: a one-off build into a sink, never run again.
    Path,
}

/// One output file to produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Page(PageId),
    /// Section and 0-based pager index.
    Section(SectionId, usize),
    TaxonomyList(usize),
    /// Taxonomy, term, 0-based pager index.
    Term(usize, usize, usize),
    Alias(PageId, usize),
    /// An `aliases:` entry of a section's `_index.md`.
    SectionAlias(SectionId, usize),
    NotFound,
    Feed,
    Sitemap,
    Robots,
    SyntaxCss,
    SearchPage,
    /// One file of the search index: the `n`th of [`super::search::files`] (the manifest,
    /// fragments of words, documents), whose number is known only once every page is rendered.
    /// The claim table claims their folder, [`super::search::DIR`], as a whole.
    SearchFile(usize),
    Marketing(super::marketing::Job),
    /// `_redirects`: the redirect jobs' rules for the host (see [`super::redirects`]).
    Redirects,
}

/// Every job of the site, in a stable order.
pub fn plan(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        jobs.push(Job::Page(i));
        for a in 0..p.meta.aliases.len() {
            jobs.push(Job::Alias(i, a));
        }
    }
    for (i, s) in site.sections.iter().enumerate() {
        if crate::marketing::owns_section(&s.dir) {
            continue;
        }
        let per = per_page(site, i);
        let n = if s.is_home() { 1 } else { pager_count(s.pages.len(), per) };
        for k in 0..n {
            jobs.push(Job::Section(i, k));
        }
    }
    for (i, s) in site.sections.iter().enumerate() {
        jobs.extend((0..s.meta.aliases.len()).map(|a| Job::SectionAlias(i, a)));
    }
    for (t, tax) in site.taxonomies().iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (k, term) in tax.terms.iter().enumerate() {
            for p in 0..pager_count(term.pages.len(), site.config().paginate_by) {
                jobs.push(Job::Term(t, k, p));
            }
        }
    }
    jobs.extend([Job::NotFound, Job::Sitemap, Job::Robots, Job::SyntaxCss, Job::SearchPage]);
    jobs.extend((0..super::search::index(site).len()).map(Job::SearchFile));
    if site.config().feed.enabled {
        jobs.push(Job::Feed);
    }
    jobs.extend(super::marketing::jobs(site).into_iter().map(Job::Marketing));
    if site.user_redirects().is_some() || jobs.iter().any(|j| redirect(site, j).is_some()) {
        jobs.push(Job::Redirects);
    }
    jobs
}

/// Where a redirect job sends its visitors, if `job` is one: the one list both the HTML
/// redirect pages and `_redirects` are made from.
pub fn redirect(site: &Site, job: &Job) -> Option<super::redirects::Redirect> {
    use super::redirects::Redirect;
    match job {
        Job::Alias(id, a) => {
            let p = &site.pages[*id];
            Some(Redirect::moved(&p.meta.aliases[*a], &p.url))
        }
        Job::SectionAlias(id, a) => {
            let s = &site.sections[*id];
            Some(Redirect::moved(&s.meta.aliases[*a], &s.url))
        }
        Job::Marketing(m) => super::marketing::redirect(site, m),
        _ => None,
    }
}

/// The output file of every job, claimed by what makes it (see [`crate::model::claims`]).
/// Derived from [`plan`], so every file the site is rendered into is claimed; the rendering
/// checks (in debug builds) that each job writes the file it claimed.
///
/// The search index's files depend on every page's text, which the claims are made before; so
/// they are claimed as one folder ([`super::search::DIR`] with a trailing `/`: every file in
/// it is the index's, see [`crate::model::claims::collisions`]).
pub fn claims(site: &Site) -> Vec<Claim> {
    let mut claims: Vec<Claim> = plan(site).iter().filter(|job| !matches!(job, Job::SearchFile(_))).map(|job| claim(site, job)).collect();
    claims.push(Claim { file: format!("{}/", super::search::DIR), by: Claimant::Generated { what: "the search index".into(), source: None } });
    claims
}

/// The file `job` writes and who claims it, without preparing its work.
pub fn claim(site: &Site, job: &Job) -> Claim {
    let cfg = site.config();
    let made = |what: &str| Claimant::Generated { what: what.to_string(), source: None };
    let (file, by) = match job {
        Job::Page(id) => {
            let p = &site.pages[*id];
            (url_to_file(&p.url), Claimant::Page { key: p.key.clone(), shown: p.shown.clone() })
        }
        Job::Alias(id, a) => {
            let p = &site.pages[*id];
            let alias = &p.meta.aliases[*a];
            (url_to_file(&alias_url(alias)), Claimant::Alias { key: p.key.clone(), shown: p.shown.clone(), alias: alias.clone() })
        }
        Job::SectionAlias(id, a) => {
            let s = &site.sections[*id];
            let alias = &s.meta.aliases[*a];
            (url_to_file(&alias_url(alias)), Claimant::Alias { key: s.key.clone(), shown: s.shown.clone(), alias: alias.clone() })
        }
        Job::Redirects => (super::redirects::FILE.into(), made("the redirect rules for the host (`_redirects`)")),
        Job::Section(id, k) => {
            let s = &site.sections[*id];
            let by = if *k == 0 {
                Claimant::Page { key: s.key.clone(), shown: s.shown.clone() }
            } else {
                Claimant::Generated { what: format!("page {} of the list {}", k + 1, s.url), source: Some(s.shown.clone()) }
            };
            (url_to_file(&pager_url(&s.url, k + 1)), by)
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies()[*t];
            (url_to_file(&tax.url), made(&format!("the list of all {}", tax.name)))
        }
        Job::Term(t, k, pi) => {
            let tax = &site.taxonomies()[*t];
            let term = &tax.terms[*k];
            let page = if *pi == 0 { String::new() } else { format!(" (page {})", pi + 1) };
            (url_to_file(&pager_url(&term.url, pi + 1)), made(&format!("the page of the {} `{}`{page}", crate::model::singular(&tax.name), term.name)))
        }
        Job::NotFound => ("404.html".into(), made("the page-not-found page")),
        Job::Feed => (cfg.feed.filename.clone(), Claimant::Generated { what: "the feed".into(), source: Some(crate::config::CONFIG_FILE.into()) }),
        Job::Sitemap => ("sitemap.xml".into(), made("the sitemap")),
        Job::Robots => ("robots.txt".into(), made("the robots.txt folio writes")),
        Job::SyntaxCss => ("css/syntax.css".into(), made("the code highlighting stylesheet")),
        Job::SearchPage => ("search/index.html".into(), made("the search page")),
        Job::SearchFile(n) => (super::search::index(site).path(*n).unwrap_or_default(), made("the search index")),
        Job::Marketing(m) => super::marketing::claim(site, m),
    };
    Claim { file, by }
}

fn per_page(site: &Site, section: SectionId) -> usize {
    site.sections[section].meta.paginate_by.unwrap_or(site.config().paginate_by)
}

/// The variables a template is given (besides `site`, which the [`super::Renderer`] adds), in
/// insertion order. Serializes as a map: that is what is hashed into the job's key.
#[derive(Default)]
pub struct Vars<'a>(Vec<(&'static str, Box<dyn erased_serde::Serialize + 'a>)>);

impl<'a> Vars<'a> {
    pub fn insert(&mut self, name: &'static str, value: impl Serialize + 'a) {
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, Box::new(value)));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &(dyn erased_serde::Serialize + 'a))> {
        self.0.iter().map(|(n, v)| (*n, v.as_ref()))
    }
}

impl Serialize for Vars<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value.as_ref())?;
        }
        map.end()
    }
}

/// What one output file is made from.
pub enum Work<'a> {
    /// A template, the file it is rendered for (shown in errors), the output path and the
    /// variables it gets.
    Template { template: &'a str, source: PathBuf, path: String, vars: Vars<'a> },
    /// Bytes folio writes itself (feeds, sitemap, redirects): cheap to make, so they are made
    /// every time and compared.
    Made { path: String, text: String },
}

impl<'a> Work<'a> {
    pub fn template(template: &'a str, source: PathBuf, path: String, vars: Vars<'a>) -> Work<'a> {
        Work::Template { template, source, path, vars }
    }

    pub fn path(&self) -> &str {
        match self {
            Work::Template { path, .. } | Work::Made { path, .. } => path,
        }
    }

    /// Equal keys mean equal output: the templates (by `renderer_key`), the template name, the
    /// output path and every variable, or the made bytes.
    pub fn key(&self, renderer_key: u64) -> u64 {
        match self {
            Work::Template { template, path, vars, .. } => hash_of(&(renderer_key, template, path, hash_serialized(vars))),
            Work::Made { path, text } => hash_of(&(path, hash_bytes(text.as_bytes()))),
        }
    }

    /// The file and what the template function `price(…)` answered while rendering it, or why
    /// its template failed and for which source file.
    fn produce(self, r: &super::Renderer, groups: &Arc<Vec<PricingGroup>>) -> Result<(OutFile, super::PriceAnswers), Failure> {
        match self {
            Work::Template { template, source, path, vars } => {
                let (done, prices) =
                    super::with_prices(groups, || catch_panic(&source, &format!("rendering it with template `{template}`"), || r.render_vars(template, &vars)));
                match done {
                    Ok(Ok(text)) => Ok((html(path, text), prices)),
                    Ok(Err(e)) => Err(Failure::Template(source, e)),
                    Err(bug) => Err(Failure::Bug(bug)),
                }
            }
            Work::Made { path, text } => Ok((html(path, text), Vec::new())),
        }
    }
}

/// Why a job made no file.
enum Failure {
    /// Its template failed, rendered for this source file.
    Template(PathBuf, super::RenderError),
    /// folio panicked while preparing or rendering it.
    Bug(Diagnostic),
}

/// The file a job is made for, named when folio fails on it: the page or section, the FAQ
/// topic, or `site.yaml` for what the whole site makes (feeds, lists, the search index).
fn job_source(site: &Site, job: &Job) -> PathBuf {
    let config = || PathBuf::from(crate::config::CONFIG_FILE);
    match job {
        Job::Page(id) | Job::Alias(id, _) => site.pages.unnoted().get(*id).map_or_else(config, |p| p.shown.clone()),
        Job::Section(id, _) | Job::SectionAlias(id, _) => site.sections.unnoted().get(*id).map_or_else(config, |s| s.shown.clone()),
        Job::Marketing(super::marketing::Job::FaqTopic(t)) => site.marketing().topics.get(*t).map_or_else(config, |t| t.shown.clone()),
        Job::NotFound => PathBuf::from("templates/404.html"),
        Job::SearchPage => PathBuf::from("templates/search.html"),
        _ => config(),
    }
}

/// What an output file was made from: every part of the site its work read (with the hash
/// that part had), the renderer, the key of the work, and the file.
#[derive(Debug)]
pub struct JobRecord {
    pub reads: Vec<(Named, u64)>,
    pub renderer_key: u64,
    pub work_key: u64,
    /// What `price(…)` answered in the template: prices are read while rendering, so they
    /// are not among the variables `work_key` hashes.
    pub prices: super::PriceAnswers,
    pub file: OutFile,
}

/// Job records by job name (see [`job_key`]).
pub type Records = HashMap<u64, Arc<JobRecord>, rustc_hash::FxBuildHasher>;

/// One job's outcome in a run.
pub struct Outcome {
    /// The job's name (see [`job_key`]).
    pub name: u64,
    pub record: Arc<JobRecord>,
    /// Rendered (or made) in this run rather than taken from the previous record.
    pub rendered: bool,
}

/// Every output file of `site`. A job whose previous record still holds (every part of the
/// site it read has the same hash, and the templates are the same) is not prepared again; a
/// job prepared again whose work has the same key as before is not rendered again. All
/// template errors come back together.
/// Renders every output file (again only where what it read changed, see `previous`), in
/// parallel. `on_file` sees each file as soon as it is made or found unchanged — the engine
/// checks it and, in a build or serve, writes it out; `keep` says what the records then keep of
/// it (see [`Keep`]): with [`Keep::Path`] neither its bytes nor what it read, which only a later
/// run could use, so a build never holds the rendered site in memory; with [`Keep::Digest`] what
/// it read and its digest, so serve does not either (issue 17). A file taken from a record that
/// keeps only its digest reaches `on_file` without its bytes ([`OutFile::holds_bytes`]).
pub fn render_site(
    site: &Site,
    r: &super::Renderer,
    hashes: &ItemHashes,
    previous: &Records,
    on_file: &(dyn Fn(&OutFile) + Sync),
    keep: Keep,
) -> Result<Vec<Outcome>, Vec<Diagnostic>> {
    // Looked up by key only when a page or section moved since the job was recorded.
    let page_ids: std::sync::OnceLock<HashMap<u64, usize, rustc_hash::FxBuildHasher>> = std::sync::OnceLock::new();
    let section_ids: std::sync::OnceLock<HashMap<u64, usize, rustc_hash::FxBuildHasher>> = std::sync::OnceLock::new();
    let current = |named: &Named| -> Option<u64> {
        match *named {
            Named::Page(key, hint) => match hashes.page_keys.get(hint) {
                Some(k) if *k == key => Some(hashes.pages[hint]),
                _ => page_ids.get_or_init(|| hashes.page_keys.iter().enumerate().map(|(i, k)| (*k, i)).collect()).get(&key).map(|&i| hashes.pages[i]),
            },
            Named::Section(key, hint) => match hashes.section_keys.get(hint) {
                Some(k) if *k == key => Some(hashes.sections[hint]),
                _ => section_ids.get_or_init(|| hashes.section_keys.iter().enumerate().map(|(i, k)| (*k, i)).collect()).get(&key).map(|&i| hashes.sections[i]),
            },
            Named::Other(item) => Some(hashes.hash(item)),
        }
    };
    // Read outside any job's recording: a job depends on the prices it was given (`prices`).
    let groups = Arc::new(site.marketing().groups.clone());
    let prices_hold = |rec: &JobRecord| super::prices_hold(&rec.prices, &groups);
    let jobs = plan(site);
    let results: Vec<Result<Outcome, Failure>> = jobs
        .par_iter()
        .map(|job| {
            let name = job_key(site, job);
            let before = previous.get(&name);
            if let Some(rec) = before {
                if rec.renderer_key == r.key() && rec.reads.iter().all(|(n, h)| current(n) == Some(*h)) && prices_hold(rec) {
                    on_file(&rec.file);
                    return Ok(Outcome { name, record: Arc::clone(rec), rendered: false });
                }
            }
            let (work, items) = reads::recording(|| catch_panic(&job_source(site, job), "preparing its page", || prepare(site, job)));
            let work = work.map_err(Failure::Bug)?;
            debug_assert_eq!(work.path(), claim(site, job).file, "{job:?} writes a file it did not claim");
            let work_key = work.key(r.key());
            let reads: Vec<(Named, u64)> = items.into_iter().map(|i| (hashes.named(i), hashes.hash(i))).collect();
            let (mut file, prices, rendered) = match before {
                Some(rec) if rec.work_key == work_key && rec.file.path == work.path() && prices_hold(rec) => (rec.file.clone(), rec.prices.clone(), false),
                _ => {
                    let (file, prices) = work.produce(r, &groups)?;
                    (file, prices, true)
                }
            };
            if keep == Keep::Digest && file.digest.is_none() {
                file.digest = Some(Digest::of(&file.bytes));
            }
            on_file(&file);
            // Nothing will be rendered again from this record: keep only the file's path.
            let reads = if keep == Keep::Path { Vec::new() } else { reads };
            if keep != Keep::Bytes {
                file.bytes = Arc::from(&[][..]);
            }
            Ok(Outcome { name, record: Arc::new(JobRecord { reads, renderer_key: r.key(), work_key, prices, file }), rendered })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(results.len());
    let (mut failed, mut bugs) = (Vec::new(), Vec::new());
    for res in results {
        match res {
            Ok(o) => outcomes.push(o),
            Err(Failure::Template(source, e)) => failed.push((source, e)),
            Err(Failure::Bug(d)) => bugs.push(d),
        }
    }
    if failed.is_empty() && bugs.is_empty() {
        Ok(outcomes)
    } else {
        Err(super::group_failures(failed).into_iter().chain(bugs).collect())
    }
}

/// A stable name for a job across builds (page positions shift when pages come and go, so
/// page and section jobs are named by content key): a 64-bit hash, like every key the engine
/// keeps results under.
pub fn job_key(site: &Site, job: &Job) -> u64 {
    let pages = site.pages.unnoted();
    let sections = site.sections.unnoted();
    match job {
        Job::Page(id) => hash_of(&("page", &pages[*id].key)),
        Job::Section(id, k) => hash_of(&("section", &sections[*id].key, k)),
        Job::Alias(id, a) => hash_of(&("alias", &pages[*id].key, a)),
        Job::SectionAlias(id, a) => hash_of(&("alias", &sections[*id].key, a)),
        other => hash_of(&("job", other)),
    }
}

/// Head metadata every HTML page gets.
#[derive(Serialize)]
pub struct Seo {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    /// The page's `og:image`: always a raster image (social networks show no SVG) — the page's
    /// own image, its social card, or the site's card.
    pub image: Option<String>,
    pub image_width: u32,
    pub image_height: u32,
    pub noindex: bool,
}

/// The parts of a page's context every template shares.
pub struct Common {
    pub url: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub og_type: &'static str,
    /// The page's `image:`, as written.
    pub image: Option<String>,
    /// An article: without a raster image of its own it gets a social card of its own.
    pub card: bool,
    pub noindex: bool,
    pub crumbs: Vec<Crumb>,
    pub jsonld: Vec<serde_json::Value>,
    /// Content key for banner choice (`None`: no banners on this page).
    pub banner_key: Option<String>,
}

impl Common {
    pub fn new(url: &str, title: Option<&str>) -> Common {
        Common {
            url: url.to_string(),
            title: title.map(str::to_string),
            description: None,
            og_type: "website",
            image: None,
            card: false,
            noindex: false,
            crumbs: Vec::new(),
            jsonld: Vec::new(),
            banner_key: Some(url.to_string()),
        }
    }
}

/// Variables every page gets: `current_url`, `seo`, `jsonld`, `breadcrumbs` and `banners`.
pub fn base_vars(site: &Site, mut c: Common) -> Vars<'_> {
    let cfg = site.config();
    let mut ctx = Vars::default();
    let full_title = match &c.title {
        Some(t) if c.url != "/" => format!("{t} | {}", cfg.title),
        _ => cfg.title.clone(),
    };
    if !c.crumbs.is_empty() {
        let mut trail = vec![crumb("Home", "/")];
        trail.append(&mut c.crumbs);
        c.jsonld.push(seo::breadcrumb_list(cfg, &trail));
        ctx.insert("breadcrumbs", trail);
    } else {
        ctx.insert("breadcrumbs", Vec::<Crumb>::new());
    }
    let (image, image_width, image_height) = social_image(site, &c);
    let seo = Seo {
        title: full_title,
        description: c.description.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| cfg.description.clone()),
        canonical: cfg.permalink(&c.url),
        og_type: c.og_type,
        image: Some(seo::absolute(cfg, &image)),
        image_width,
        image_height,
        noindex: c.noindex,
    };
    ctx.insert("seo", seo);
    ctx.insert("jsonld", seo::script_body(c.jsonld));
    let banners = match &c.banner_key {
        Some(k) => super::marketing::banners_for_page(site, k),
        None => Default::default(),
    };
    ctx.insert("banners", banners);
    ctx.insert("current_url", c.url);
    ctx
}

/// A page's `og:image` (a site path) and its size: its own raster image (the copy nearest 1200
/// pixels wide, in its own format), else its social card when it has one
/// (`images::has_own_card`, the rule the engine makes the cards by), else the site's card.
fn social_image(site: &Site, c: &Common) -> (String, u32, u32) {
    let own = c.image.as_deref().filter(|i| crate::images::Format::of_path(i.split(['?', '#']).next().unwrap_or(i)).is_some()).and_then(|src| {
        let file = crate::url::link_file(&c.url, src);
        let facts = *site.images().facts(&file)?;
        let copy = crate::images::markup::fallback(&facts, &site.config().images);
        Some((crate::url::encode_address(&format!("/{}", crate::images::variant_file(&file, &copy))), copy.width, copy.height))
    });
    let (w, h) = (crate::images::card::WIDTH, crate::images::card::HEIGHT);
    own.unwrap_or_else(|| match &c.title {
        Some(title) if crate::images::has_own_card(c.card, false, title) => (format!("/{}", crate::images::page_card_file(&c.url)), w, h),
        _ => (format!("/{}", crate::images::SITE_CARD), w, h),
    })
}

fn html(path: String, body: String) -> OutFile {
    OutFile { path, bytes: std::sync::Arc::from(body.into_bytes()), digest: None }
}

fn page_description(site: &Site, id: PageId) -> String {
    let p = &site.pages[id];
    p.meta.description.clone().unwrap_or_else(|| crate::text::truncate(&crate::text::html_to_text(&p.rendered.summary_html), 160))
}

/// What the output file of `job` is made from.
pub fn prepare<'a>(site: &'a Site, job: &Job) -> Work<'a> {
    let cfg = site.config();
    match job {
        Job::Page(id) => {
            let p = &site.pages[*id];
            let mut c = Common::new(&p.url, Some(&p.title));
            c.description = Some(page_description(site, *id));
            c.image = p.meta.share_image().map(str::to_string);
            c.card = p.section.map(|s| &site.sections[s]).is_some_and(|s| !s.is_home());
            // A draft is in the site only in a preview (`--drafts`): no search engine should
            // list an address that is not published yet (it is left out of the sitemap too).
            c.noindex = p.meta.draft;
            let in_section = p.section.map(|s| &site.sections[s]).filter(|s| !s.is_home());
            if let Some(person) = seo::profile_page(site, p) {
                // A person's page is about them, not an article.
                if let Some(s) = in_section {
                    c.crumbs.push(crumb(&s.title, &s.url));
                }
                c.og_type = "profile";
                c.jsonld.push(person);
            } else if let Some(s) = in_section {
                c.crumbs.push(crumb(&s.title, &s.url));
                c.og_type = "article";
                c.jsonld.push(seo::article(site, p));
            }
            c.crumbs.push(crumb(&p.title, &p.url));
            if p.meta.banners == Some(false) {
                c.banner_key = None;
            } else {
                c.banner_key = Some(p.key.clone());
            }
            let mut ctx = base_vars(site, c);
            ctx.insert("page", views::page_view(site, p));
            ctx.insert("plans", super::marketing::plans(site));
            let template = p.meta.template.as_deref().unwrap_or(if p.meta.profile.is_some() { "author.html" } else { "page.html" });
            Work::template(template, p.shown.clone(), url_to_file(&p.url), ctx)
        }
        Job::Alias(..) | Job::SectionAlias(..) => match redirect(site, job) {
            Some(r) => Work::Made { path: url_to_file(&r.from), text: redirect_page(&cfg.permalink(&r.to), &r.to) },
            None => Work::Made { path: claim(site, job).file, text: String::new() },
        },
        Job::Redirects => Work::Made { path: super::redirects::FILE.into(), text: super::redirects::file(site, &plan(site)) },
        Job::Section(id, k) => {
            let s = &site.sections[*id];
            let current = &pager(&s.url, s.pages.len(), per_page(site, *id), k + 1);
            let mut c = Common::new(&current.url, Some(&s.title));
            c.description = s.meta.description.clone();
            c.image = s.meta.image.clone();
            if s.is_home() {
                c.jsonld.push(seo::organization(cfg));
                c.jsonld.push(seo::website(cfg));
            } else {
                let mut chain = Vec::new();
                let mut cur = s.parent;
                while let Some(pid) = cur {
                    let ps = &site.sections[pid];
                    if !ps.is_home() {
                        chain.push(crumb(&ps.title, &ps.url));
                    }
                    cur = ps.parent;
                }
                chain.reverse();
                c.crumbs = chain;
                c.crumbs.push(crumb(&s.title, &s.url));
                if current.number > 1 {
                    c.title = Some(format!("{} (page {} of {})", s.title, current.number, current.total));
                    c.crumbs.push(crumb(&format!("Page {}", current.number), &current.url));
                }
            }
            let mut ctx = base_vars(site, c);
            ctx.insert("section", views::section_view(site, s, current));
            let template = if s.is_home() {
                let featured_ids = featured(site, 6);
                // The latest articles besides the featured ones, which the page already shows.
                let latest: Vec<_> = site.dated_pages().into_iter().filter(|i| !featured_ids.contains(i)).take(6).map(|i| card(site, i)).collect();
                let featured: Vec<_> = featured_ids.into_iter().map(|i| card(site, i)).collect();
                ctx.insert("featured", featured);
                ctx.insert("latest", latest);
                ctx.insert("pricing", super::marketing::pricing_teaser(site));
                let m = site.marketing();
                ctx.insert("clients", &m.clients);
                ctx.insert("testimonials", &m.testimonials[..m.testimonials.len().min(HOME_TESTIMONIALS)]);
                ctx.insert("case_studies", &m.case_studies[..m.case_studies.len().min(HOME_CASE_STUDIES)]);
                s.meta.template.as_deref().unwrap_or("index.html")
            } else {
                s.meta.template.as_deref().unwrap_or("section.html")
            };
            Work::template(template, s.shown.clone(), url_to_file(&current.url), ctx)
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies()[*t];
            let title = title_case(&tax.name);
            let mut c = Common::new(&tax.url, Some(&title));
            c.description = Some(format!("All {} on {}", tax.name, cfg.title));
            c.crumbs.push(crumb(&title, &tax.url));
            let mut ctx = base_vars(site, c);
            let view = views::TaxonomyView {
                name: &tax.name,
                title: title.clone(),
                url: &tax.url,
                terms: tax.terms.iter().map(|term| views::TermLink { name: &term.name, url: &term.url, count: term.pages.len() }).collect(),
            };
            ctx.insert("taxonomy", view);
            Work::template("taxonomy_list.html", PathBuf::from(crate::config::CONFIG_FILE), url_to_file(&tax.url), ctx)
        }
        Job::Term(t, k, pi) => {
            let tax = &site.taxonomies()[*t];
            let term = &tax.terms[*k];
            let current = &pager(&term.url, term.pages.len(), cfg.paginate_by, pi + 1);
            let tax_title = title_case(&tax.name);
            let mut c = Common::new(&current.url, Some(&format!("{}: {}", tax_title.trim_end_matches('s'), term.name)));
            c.description = Some(format!("Articles filed under {} on {}", term.name, cfg.title));
            c.crumbs.push(crumb(&tax_title, &tax.url));
            c.crumbs.push(crumb(&term.name, &term.url));
            if current.number > 1 {
                c.crumbs.push(crumb(&format!("Page {}", current.number), &current.url));
            }
            let mut ctx = base_vars(site, c);
            let view = views::TermView {
                taxonomy: &tax.name,
                taxonomy_title: tax_title.clone(),
                taxonomy_url: &tax.url,
                name: &term.name,
                url: &term.url,
                pages: term.pages[current.start..current.end].iter().map(|&i| card(site, i)).collect(),
                paginator: views::paginator_view(&term.url, current),
            };
            ctx.insert("term", view);
            Work::template("taxonomy_term.html", PathBuf::from(crate::config::CONFIG_FILE), url_to_file(&current.url), ctx)
        }
        Job::NotFound => {
            let mut c = Common::new("/404.html", Some("Page not found"));
            // Not `noindex`: hosts answer every missing address with this page and status 404,
            // which keeps it out of search indexes; the tag only failed crawl audits of the
            // page opened at /404.html. It is not in the sitemap.
            c.banner_key = None;
            let mut ctx = base_vars(site, c);
            ctx.insert("popular", popular_pages(site));
            ctx.insert("sections", top_sections(site));
            Work::template("404.html", PathBuf::from("templates/404.html"), "404.html".into(), ctx)
        }
        Job::Feed => Work::Made { path: cfg.feed.filename.clone(), text: feeds::atom(site) },
        Job::Sitemap => Work::Made { path: "sitemap.xml".into(), text: feeds::sitemap(site, &sitemap_urls(site)) },
        Job::Robots => Work::Made { path: "robots.txt".into(), text: feeds::robots(site) },
        Job::SyntaxCss => {
            Work::Made { path: "css/syntax.css".into(), text: crate::parse::highlight::stylesheet(&cfg.highlight_theme, &cfg.highlight_theme_dark) }
        }
        Job::SearchPage => {
            let mut c = Common::new("/search/", Some("Search"));
            c.description = Some(format!("Search the articles and FAQs of {}", cfg.title));
            c.crumbs.push(crumb("Search", "/search/"));
            c.banner_key = None;
            let ctx = base_vars(site, c);
            Work::template("search.html", PathBuf::from("templates/search.html"), "search/index.html".into(), ctx)
        }
        Job::SearchFile(n) => {
            let f = super::search::index(site).file(*n).unwrap_or_else(|| crate::model::SearchFile { path: String::new(), text: String::new() });
            Work::Made { path: f.path, text: f.text }
        }
        Job::Marketing(m) => super::marketing::prepare(site, m),
    }
}

/// How many testimonials and case studies the home page shows.
const HOME_TESTIMONIALS: usize = 3;
const HOME_CASE_STUDIES: usize = 3;
/// How many pages the 404 page suggests.
const POPULAR_SHOWN: usize = 6;

/// The newest `limit` pages with `featured: true`.
fn featured(site: &Site, limit: usize) -> Vec<PageId> {
    let mut ids: Vec<(PageId, usize)> = site.pages.listing().filter(|(_, p)| p.meta().featured).map(|(i, p)| (i, p.date_rank())).collect();
    ids.sort_by_key(|&(_, rank)| rank);
    ids.into_iter().take(limit).map(|(i, _)| i).collect()
}

/// The pages a lost visitor is offered: the featured ones (what the site itself puts forward),
/// then the newest, up to [`POPULAR_SHOWN`].
fn popular_pages(site: &Site) -> Vec<views::PageCard<'_>> {
    let mut ids = featured(site, POPULAR_SHOWN);
    for id in site.dated_pages() {
        if ids.len() >= POPULAR_SHOWN {
            break;
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter().map(|i| card(site, i)).collect()
}

/// The site's top-level sections (besides the home page), with their descriptions.
fn top_sections(site: &Site) -> Vec<views::SectionLink<'_>> {
    let home = site.sections.iter().position(crate::model::Section::is_home);
    site.sections
        .iter()
        .filter(|s| !s.is_home() && s.parent == home)
        .map(|s| views::SectionLink { title: &s.title, url: &s.url, description: s.meta.description.as_deref() })
        .collect()
}

/// Every indexable page with its last modification date (drafts, which a `--drafts` preview
/// marks noindex, are left out).
fn sitemap_urls(site: &Site) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for (_, p) in site.pages.listing().filter(|(_, p)| !p.meta().draft) {
        urls.push((p.url().to_string(), p.updated().or(p.date()).map(|d| views::iso_date(&d))));
    }
    for s in &site.sections {
        if !crate::marketing::owns_section(&s.dir) {
            urls.push((s.url.clone(), None));
        }
    }
    for t in site.taxonomies() {
        urls.push((t.url.clone(), None));
        for term in &t.terms {
            urls.push((term.url.clone(), None));
        }
    }
    urls.extend(super::marketing::sitemap_urls(site).into_iter().map(|u| (u, None)));
    urls.sort();
    urls.dedup();
    urls
}

/// A small valid HTML page that sends visitors and crawlers on to `to`.
pub fn redirect_page(absolute: &str, to: &str) -> String {
    let a = crate::text::escape_html(absolute);
    let t = crate::text::escape_html(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{a}\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{t}\">{a}</a>.</p>\n</body>\n</html>\n"
    )
}

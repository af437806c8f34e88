//! Plans every output file of the site as a [`Job`] and renders the jobs in parallel. Jobs are
//! the unit of incremental rebuilds: `serve` re-renders only the jobs a change affects.

use super::seo::{self, crumb, Crumb};
use super::views::{self, card, title_case};
use super::{feeds, Renderer};
use crate::diag::Diagnostic;
use crate::model::{pager, pager_count, PageId, SectionId, Site};
use crate::pipeline::{url_to_file, OutFile};
use rayon::prelude::*;
use serde::Serialize;
use std::path::PathBuf;

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
    NotFound,
    Feed,
    Sitemap,
    Robots,
    SyntaxCss,
    SearchPage,
    SearchIndex,
    Marketing(crate::marketing::Job),
}

/// The search page is built unless a page already claims `/search/`.
fn r_has_search(site: &Site) -> bool {
    !site.pages.iter().any(|p| p.url == "/search/")
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
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (k, term) in tax.terms.iter().enumerate() {
            for p in 0..pager_count(term.pages.len(), site.config.paginate_by) {
                jobs.push(Job::Term(t, k, p));
            }
        }
    }
    jobs.extend([Job::NotFound, Job::Sitemap, Job::Robots, Job::SyntaxCss]);
    if r_has_search(site) {
        jobs.extend([Job::SearchPage, Job::SearchIndex]);
    }
    if site.config.feed.enabled {
        jobs.push(Job::Feed);
    }
    jobs.extend(crate::marketing::jobs(site).into_iter().map(Job::Marketing));
    jobs
}

fn per_page(site: &Site, section: SectionId) -> usize {
    site.sections[section].meta.paginate_by.unwrap_or(site.config.paginate_by)
}

/// A stable name for a job across rebuilds (page indices shift when pages come and go).
pub fn job_key(site: &Site, job: &Job) -> String {
    match job {
        Job::Page(id) => format!("page:{}", site.pages[*id].key),
        Job::Section(id, k) => format!("section:{}:{k}", site.sections[*id].key),
        Job::TaxonomyList(t) => format!("taxonomy:{}", site.taxonomies[*t].name),
        Job::Term(t, k, p) => format!("term:{}:{}:{p}", site.taxonomies[*t].name, site.taxonomies[*t].terms[*k].slug),
        Job::Alias(id, a) => format!("alias:{}:{a}", site.pages[*id].key),
        Job::Marketing(m) => crate::marketing::job_key(site, m),
        other => format!("{other:?}"),
    }
}

/// Hashes anything hashable into one number.
pub fn hash_of<T: std::hash::Hash + ?Sized>(v: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Everything about a page: its source and its rendering (for its own page, the feed and the
/// search index, which show its content).
pub fn page_full_hash(site: &Site, id: PageId) -> u64 {
    let p = &site.pages[id];
    hash_of(&(p.source_hash, p.rendered.hash, &p.url, p.card_hash))
}

/// A fingerprint of everything a job's output depends on. Equal fingerprints mean equal
/// output, so an incremental rebuild renders only the jobs whose fingerprint changed. `global`
/// covers the configuration, templates and marketing data that every page may show.
pub fn fingerprints(site: &Site, jobs: &[Job], keys: &[String], global: u64) -> Vec<u64> {
    let cards: Vec<u64> = site.pages.iter().map(|p| p.card_hash).collect();
    let full: Vec<u64> = (0..site.pages.len()).into_par_iter().map(|i| page_full_hash(site, i)).collect();
    let section_hash = |s: SectionId| hash_of(&(site.sections[s].source_hash, site.sections[s].rendered.hash, &site.sections[s].url));
    let range_hash = |ids: &[PageId]| hash_of(&ids.iter().map(|&i| cards[i]).collect::<Vec<_>>());
    let sections_hash = hash_of(&(0..site.sections.len()).map(section_hash).collect::<Vec<_>>());
    let cards_hash = hash_of(&(&cards, sections_hash));
    let search_hash = hash_of(&site.search_entries.iter().map(|e| e.hash).collect::<Vec<_>>());
    let dated = site.dated_pages();
    let home_lists = {
        let mut featured: Vec<PageId> = (0..site.pages.len()).filter(|&i| site.pages[i].meta.featured).collect();
        featured.sort_by(|&a, &b| crate::model::by_date_desc(&site.pages, a, b));
        hash_of(&(range_hash(&featured[..featured.len().min(6)]), range_hash(&dated[..dated.len().min(6)])))
    };
    jobs.par_iter()
        .zip(keys)
        .map(|(job, key)| {
            let own = match job {
                Job::Page(id) => {
                    let p = &site.pages[*id];
                    let neighbours: Vec<u64> = p.related.iter().chain(&p.previous).chain(&p.next).map(|&i| cards[i]).collect();
                    hash_of(&(full[*id], p.section.map(section_hash), neighbours))
                }
                Job::Section(id, k) => {
                    let s = &site.sections[*id];
                    let subs: Vec<u64> = s.subsections.iter().map(|&i| section_hash(i)).collect();
                    let extra = if s.is_home() { home_lists } else { 0 };
                    let per = s.meta.paginate_by.unwrap_or(site.config.paginate_by).max(1);
                    let range = &s.pages[(k * per).min(s.pages.len())..((k + 1) * per).min(s.pages.len())];
                    hash_of(&(section_hash(*id), s.parent.map(section_hash), subs, s.pages.len(), range_hash(range), extra))
                }
                Job::TaxonomyList(t) => hash_of(&site.taxonomies[*t].terms.iter().map(|term| (&term.name, term.pages.len())).collect::<Vec<_>>()),
                Job::Term(t, k, p) => {
                    let term = &site.taxonomies[*t].terms[*k];
                    let per = site.config.paginate_by.max(1);
                    let range = &term.pages[(p * per).min(term.pages.len())..((p + 1) * per).min(term.pages.len())];
                    hash_of(&(&term.name, term.pages.len(), range_hash(range)))
                }
                Job::Alias(id, a) => hash_of(&(&site.pages[*id].url, &site.pages[*id].meta.aliases[*a])),
                Job::Feed => hash_of(&dated[..dated.len().min(site.config.feed.limit)].iter().map(|&i| full[i]).collect::<Vec<_>>()),
                Job::Sitemap => cards_hash,
                Job::SearchIndex => search_hash,
                Job::Marketing(_) => {
                    hash_of(&site.sections.iter().filter(|s| crate::marketing::owns_section(&s.dir)).map(|s| s.source_hash).collect::<Vec<_>>())
                }
                Job::NotFound | Job::Robots | Job::SyntaxCss | Job::SearchPage => 0,
            };
            hash_of(&(global, key, own))
        })
        .collect()
}

/// Renders `jobs` in parallel; files come back in the order of `jobs` (when there are no errors).
pub fn render_jobs_unsorted(site: &Site, r: &Renderer, jobs: &[Job]) -> (Vec<OutFile>, Vec<Diagnostic>) {
    let results: Vec<Result<OutFile, Diagnostic>> = jobs.par_iter().map(|j| render_job(site, r, j)).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for res in results {
        match res {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, super::group_template_errors(errors))
}

/// Head metadata every HTML page gets.
#[derive(Serialize)]
pub struct Seo {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    pub image: Option<String>,
    pub noindex: bool,
}

/// The parts of a page's context every template shares.
pub struct Common {
    pub url: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub og_type: &'static str,
    pub image: Option<String>,
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
            noindex: false,
            crumbs: Vec::new(),
            jsonld: Vec::new(),
            banner_key: Some(url.to_string()),
        }
    }
}

/// A context with `site`, `current_url`, `seo`, `jsonld`, `breadcrumbs` and `banners` set.
pub fn base_context(site: &Site, r: &Renderer, mut c: Common) -> tera::Context {
    let cfg = &site.config;
    let mut ctx = r.context();
    let full_title = match &c.title {
        Some(t) if c.url != "/" => format!("{t} | {}", cfg.title),
        _ => cfg.title.clone(),
    };
    if !c.crumbs.is_empty() {
        let mut trail = vec![crumb("Home", "/")];
        trail.append(&mut c.crumbs);
        c.jsonld.push(seo::breadcrumb_list(cfg, &trail));
        ctx.insert("breadcrumbs", &trail);
    } else {
        ctx.insert("breadcrumbs", &Vec::<Crumb>::new());
    }
    let seo = Seo {
        title: full_title,
        description: c.description.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| cfg.description.clone()),
        canonical: cfg.permalink(&c.url),
        og_type: c.og_type,
        image: c.image.as_deref().map(|i| seo::absolute(cfg, i)),
        noindex: c.noindex,
    };
    ctx.insert("seo", &seo);
    ctx.insert("current_url", &c.url);
    ctx.insert("jsonld", &seo::script_body(c.jsonld));
    let banners = match &c.banner_key {
        Some(k) => crate::marketing::banners_for_page(site, k),
        None => Default::default(),
    };
    ctx.insert("banners", &banners);
    ctx
}

fn html(path: String, body: String) -> OutFile {
    OutFile { path, bytes: std::sync::Arc::from(body.into_bytes()) }
}

fn page_description(site: &Site, id: PageId) -> String {
    let p = &site.pages[id];
    p.meta.description.clone().unwrap_or_else(|| truncate(&crate::parse::markdown::html_to_text(&p.rendered.summary_html), 160))
}

/// At most `max` characters, cut at a word boundary, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a).to_string();
    format!("{cut}…")
}

fn render_job(site: &Site, r: &Renderer, job: &Job) -> Result<OutFile, Diagnostic> {
    let cfg = &site.config;
    match job {
        Job::Page(id) => {
            let p = &site.pages[*id];
            let mut c = Common::new(&p.url, Some(&p.title));
            c.description = Some(page_description(site, *id));
            c.image = p.meta.image.clone();
            let in_section = p.section.map(|s| &site.sections[s]).filter(|s| !s.is_home());
            if let Some(s) = in_section {
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
            let mut ctx = base_context(site, r, c);
            ctx.insert("page", &views::page_view(site, p));
            ctx.insert("plans", &crate::marketing::plans(site));
            let template = p.meta.template.as_deref().unwrap_or("page.html");
            Ok(html(url_to_file(&p.url), r.render(template, &ctx, &p.shown)?))
        }
        Job::Alias(id, a) => {
            let p = &site.pages[*id];
            let alias = &p.meta.aliases[*a];
            let from = if alias.ends_with('/') || alias.contains('.') { alias.clone() } else { format!("{alias}/") };
            Ok(html(url_to_file(&from), redirect_page(&cfg.permalink(&p.url), &p.url)))
        }
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
            let mut ctx = base_context(site, r, c);
            ctx.insert("section", &views::section_view(site, s, current));
            let template = if s.is_home() {
                let featured: Vec<_> = {
                    let mut ids: Vec<PageId> = (0..site.pages.len()).filter(|&i| site.pages[i].meta.featured).collect();
                    ids.sort_by(|&a, &b| crate::model::by_date_desc(&site.pages, a, b));
                    ids.into_iter().take(6).map(|i| card(site, i)).collect()
                };
                let latest: Vec<_> = site.dated_pages().into_iter().take(6).map(|i| card(site, i)).collect();
                ctx.insert("featured", &featured);
                ctx.insert("latest", &latest);
                ctx.insert("pricing", &crate::marketing::pricing_teaser(site));
                s.meta.template.as_deref().unwrap_or("index.html")
            } else {
                s.meta.template.as_deref().unwrap_or("section.html")
            };
            Ok(html(url_to_file(&current.url), r.render(template, &ctx, &s.shown)?))
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies[*t];
            let title = title_case(&tax.name);
            let mut c = Common::new(&tax.url, Some(&title));
            c.description = Some(format!("All {} on {}", tax.name, cfg.title));
            c.crumbs.push(crumb(&title, &tax.url));
            let mut ctx = base_context(site, r, c);
            let view = views::TaxonomyView {
                name: &tax.name,
                title: title.clone(),
                url: &tax.url,
                terms: tax.terms.iter().map(|term| views::TermLink { name: &term.name, url: &term.url, count: term.pages.len() }).collect(),
            };
            ctx.insert("taxonomy", &view);
            Ok(html(url_to_file(&tax.url), r.render("taxonomy_list.html", &ctx, &PathBuf::from(crate::config::CONFIG_FILE))?))
        }
        Job::Term(t, k, pi) => {
            let tax = &site.taxonomies[*t];
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
            let mut ctx = base_context(site, r, c);
            let view = views::TermView {
                taxonomy: &tax.name,
                taxonomy_title: tax_title.clone(),
                taxonomy_url: &tax.url,
                name: &term.name,
                url: &term.url,
                pages: term.pages[current.start..current.end].iter().map(|&i| card(site, i)).collect(),
                paginator: views::paginator_view(&term.url, current),
            };
            ctx.insert("term", &view);
            Ok(html(url_to_file(&current.url), r.render("taxonomy_term.html", &ctx, &PathBuf::from(crate::config::CONFIG_FILE))?))
        }
        Job::NotFound => {
            let mut c = Common::new("/404.html", Some("Page not found"));
            c.noindex = true;
            c.banner_key = None;
            let ctx = base_context(site, r, c);
            Ok(html("404.html".into(), r.render("404.html", &ctx, &PathBuf::from("templates/404.html"))?))
        }
        Job::Feed => Ok(html(cfg.feed.filename.clone(), feeds::atom(site))),
        Job::Sitemap => Ok(html("sitemap.xml".into(), feeds::sitemap(site, &sitemap_urls(site)))),
        Job::Robots => Ok(html("robots.txt".into(), feeds::robots(site))),
        Job::SyntaxCss => Ok(html("css/syntax.css".into(), crate::parse::highlight::stylesheet(&cfg.highlight_theme, &cfg.highlight_theme_dark))),
        Job::SearchPage => {
            let mut c = Common::new("/search/", Some("Search"));
            c.description = Some(format!("Search the articles and FAQs of {}", cfg.title));
            c.crumbs.push(crumb("Search", "/search/"));
            c.banner_key = None;
            let ctx = base_context(site, r, c);
            Ok(html("search/index.html".into(), r.render("search.html", &ctx, &PathBuf::from("templates/search.html"))?))
        }
        Job::SearchIndex => Ok(html(super::search::INDEX_FILE.into(), super::search::index(site))),
        Job::Marketing(m) => crate::marketing::render_job(site, r, m),
    }
}

/// Every indexable page with its last modification date.
fn sitemap_urls(site: &Site) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for p in &site.pages {
        urls.push((p.url.clone(), p.updated.or(p.date).map(|d| views::iso_date(&d))));
    }
    for s in &site.sections {
        if !crate::marketing::owns_section(&s.dir) {
            urls.push((s.url.clone(), None));
        }
    }
    for t in &site.taxonomies {
        urls.push((t.url.clone(), None));
        for term in &t.terms {
            urls.push((term.url.clone(), None));
        }
    }
    urls.extend(crate::marketing::sitemap_urls(site).into_iter().map(|u| (u, None)));
    urls.sort();
    urls.dedup();
    urls
}

/// A small valid HTML page that sends visitors and crawlers on to `to`.
pub fn redirect_page(absolute: &str, to: &str) -> String {
    let a = crate::parse::highlight::escape_html(absolute);
    let t = crate::parse::highlight::escape_html(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{a}\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{t}\">{a}</a>.</p>\n</body>\n</html>\n"
    )
}

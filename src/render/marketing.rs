//! The rendering half of marketing content: the `/faq/`, FAQ topic, `/pricing/` and `/go/<id>/`
//! pages, their JSON-LD, the banners a page shows and the data built-in shortcodes get.

use super::seo::crumb;
use super::site::{base_vars, redirect_page, Common, Work};
use crate::config::SiteConfig;
use crate::marketing::{banners, faq, pricing, showcase, Banner, FaqTopic, Marketing, PricingGroup};
use crate::model::claims::Claimant;
use crate::model::Site;
use crate::parse::shortcodes::{ArgValue, Call};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// Output files of the marketing pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    FaqHub,
    FaqTopic(usize),
    Pricing,
    Go(usize),
}

pub fn jobs(site: &Site) -> Vec<Job> {
    let m = site.marketing();
    let mut jobs = Vec::new();
    if !m.topics.is_empty() || section(site, "faq").is_some() {
        jobs.push(Job::FaqHub);
    }
    jobs.extend((0..m.topics.len()).map(Job::FaqTopic));
    if !m.groups.is_empty() || section(site, "pricing").is_some() {
        jobs.push(Job::Pricing);
    }
    jobs.extend(m.banners.iter().enumerate().filter(|(_, b)| b.active).map(|(i, _)| Job::Go(i)));
    jobs
}

pub fn sitemap_urls(site: &Site) -> Vec<String> {
    jobs(site)
        .into_iter()
        .filter_map(|j| match j {
            Job::FaqHub => Some("/faq/".to_string()),
            Job::FaqTopic(i) => Some(site.marketing().topics[i].url.clone()),
            Job::Pricing => Some("/pricing/".to_string()),
            Job::Go(_) => None,
        })
        .collect()
}

/// The file a marketing job writes and who claims it (see [`super::site::claim`]).
pub fn claim(site: &Site, job: &Job) -> (String, Claimant) {
    let m = site.marketing();
    let shown = |dir: &str| section(site, dir).map(|s| s.shown.clone());
    match job {
        Job::FaqHub => ("faq/index.html".into(), Claimant::Generated { what: "the FAQ page".into(), source: shown("faq") }),
        Job::FaqTopic(i) => {
            let t = &m.topics[*i];
            (crate::url::url_to_file(&t.url), Claimant::Generated { what: format!("the FAQ topic `{}`", t.title), source: Some(t.shown.clone()) })
        }
        Job::Pricing => ("pricing/index.html".into(), Claimant::Generated { what: "the pricing page".into(), source: shown("pricing") }),
        Job::Go(i) => {
            let b = &m.banners[*i];
            (
                format!("go/{}/index.html", b.id),
                Claimant::Generated { what: format!("the partner link of banner `{}`", b.id), source: Some("content/banners.yaml".into()) },
            )
        }
    }
}

/// Where a `/go/<id>/` page sends its visitors (see [`super::site::redirect`]).
pub fn redirect(site: &Site, job: &Job) -> Option<super::redirects::Redirect> {
    match job {
        Job::Go(i) => {
            let b = &site.marketing().banners[*i];
            Some(super::redirects::Redirect::partner(&format!("/go/{}/", b.id), &b.target))
        }
        _ => None,
    }
}

fn section<'a>(site: &'a Site, dir: &str) -> Option<&'a crate::model::Section> {
    site.sections.iter().find(|s| s.dir == dir)
}

#[derive(Serialize)]
struct IntroView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    content: String,
}

fn intro<'a>(site: &'a Site, dir: &str, default_title: &'a str) -> IntroView<'a> {
    match section(site, dir) {
        Some(s) => IntroView { title: &s.title, description: s.meta.description.as_deref(), content: s.rendered.html.text() },
        None => IntroView { title: default_title, description: None, content: String::new() },
    }
}

#[derive(Serialize)]
struct TopicLink<'a> {
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    count: usize,
    questions: Vec<QuestionLink<'a>>,
}

/// A topic in an FAQ page's sidebar: `current` on the page's own.
#[derive(Serialize)]
struct SidebarTopic<'a> {
    #[serde(flatten)]
    link: TopicLink<'a>,
    current: bool,
}

#[derive(Serialize)]
struct QuestionLink<'a> {
    question: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TopicView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: &'a str,
    questions: &'a [faq::Question],
}

fn source_path(site: &Site, dir: &str, fallback: &str) -> std::path::PathBuf {
    section(site, dir).map(|s| s.shown.clone()).unwrap_or_else(|| fallback.into())
}

/// What the output file of a marketing job is made from.
pub fn prepare<'a>(site: &'a Site, job: &Job) -> Work<'a> {
    let m = site.marketing();
    let cfg = site.config();
    match job {
        Job::FaqHub => {
            let intro = intro(site, "faq", "Frequently asked questions");
            let mut c = Common::new("/faq/", Some(intro.title));
            c.description = intro.description.map(str::to_string);
            c.crumbs.push(crumb(intro.title, "/faq/"));
            let mut vars = base_vars(site, c);
            let topics: Vec<TopicLink<'_>> = m
                .topics
                .iter()
                .map(|t| TopicLink {
                    title: &t.title,
                    url: &t.url,
                    description: t.description.as_deref(),
                    count: t.questions.len(),
                    questions: t.questions.iter().map(|q| QuestionLink { question: &q.question, url: format!("{}#{}", t.url, q.id) }).collect(),
                })
                .collect();
            vars.insert("section", intro);
            vars.insert("topics", topics);
            Work::template("faq_hub.html", source_path(site, "faq", "content/faq/_index.md"), "faq/index.html".into(), vars)
        }
        Job::FaqTopic(i) => {
            let t = &m.topics[*i];
            let hub = intro(site, "faq", "Frequently asked questions");
            let mut c = Common::new(&t.url, Some(&t.title));
            c.description = t.description.clone();
            c.crumbs.push(crumb(hub.title, "/faq/"));
            c.crumbs.push(crumb(&t.title, &t.url));
            c.banner_key = Some(t.key.clone());
            c.jsonld.push(faq_page_jsonld(cfg, t));
            let mut vars = base_vars(site, c);
            vars.insert("topic", TopicView { title: &t.title, description: t.description.as_deref(), url: &t.url, questions: &t.questions });
            let link = |o: &'a FaqTopic| TopicLink {
                title: &o.title,
                url: &o.url,
                description: o.description.as_deref(),
                count: o.questions.len(),
                questions: Vec::new(),
            };
            vars.insert("other_topics", m.topics.iter().filter(|o| o.key != t.key).map(link).collect::<Vec<_>>());
            // Every topic in the hub's order, for the sidebar, and the topics before and after.
            vars.insert(
                "all_topics",
                m.topics.iter().map(|o| (link(o), o.key == t.key)).map(|(l, current)| SidebarTopic { link: l, current }).collect::<Vec<_>>(),
            );
            vars.insert("previous_topic", i.checked_sub(1).map(|p| link(&m.topics[p])));
            vars.insert("next_topic", m.topics.get(i + 1).map(link));
            Work::template("faq_topic.html", t.shown.clone(), crate::url::url_to_file(&t.url), vars)
        }
        Job::Pricing => {
            let intro = intro(site, "pricing", "Pricing");
            let mut c = Common::new("/pricing/", Some(intro.title));
            c.description = intro.description.map(str::to_string);
            c.crumbs.push(crumb(intro.title, "/pricing/"));
            // One Product with an Offer per tier (SPEC); a custom-priced tier's Offer has no price.
            c.jsonld.extend(m.groups.iter().flat_map(|g| g.tiers.iter().map(move |t| product_jsonld(cfg, g, t))));
            let mut vars = base_vars(site, c);
            vars.insert("section", intro);
            vars.insert("groups", &m.groups);
            Work::template("pricing.html", source_path(site, "pricing", "content/pricing/_index.md"), "pricing/index.html".into(), vars)
        }
        Job::Go(i) => {
            let b = &m.banners[*i];
            Work::Made { path: format!("go/{}/index.html", b.id), text: go_page(b) }
        }
    }
}

/// The `/go/<id>/` page: not indexed, sends the visitor to the partner with UTM parameters.
fn go_page(b: &Banner) -> String {
    let t = crate::text::escape_html(&b.target);
    let p = crate::text::escape_html(&b.partner);
    redirect_page(&b.target, &b.target).replace(
        &format!("<p>This page has moved to <a href=\"{t}\">{t}</a>.</p>"),
        &format!("<p>Taking you to {p}: <a href=\"{t}\" rel=\"sponsored noopener\">continue to {p}</a>.</p>"),
    )
}

pub fn faq_page_jsonld(cfg: &SiteConfig, t: &FaqTopic) -> serde_json::Value {
    json!({
        "@type": "FAQPage",
        "name": t.title,
        "url": cfg.permalink(&t.url),
        "mainEntity": t.questions.iter().map(|q| json!({
            "@type": "Question",
            "name": q.question,
            "acceptedAnswer": { "@type": "Answer", "text": q.answer.trim() }
        })).collect::<Vec<_>>()
    })
}

pub fn product_jsonld(cfg: &SiteConfig, g: &PricingGroup, t: &pricing::Tier) -> serde_json::Value {
    let seller = cfg.organisation.as_ref().map_or(cfg.title.as_str(), |o| o.name.as_str());
    let mut offer = json!({
        "@type": "Offer",
        "url": cfg.permalink(&format!("/pricing/#{}", t.id)),
        "availability": "https://schema.org/InStock",
        "seller": { "@type": "Organization", "name": seller }
    });
    if let (Some(a), Some(c)) = (&t.amount, &t.currency) {
        offer["price"] = json!(a);
        offer["priceCurrency"] = json!(c);
    }
    json!({
        "@type": "Product",
        "name": t.name,
        "description": if t.summary.is_empty() { g.title.clone() } else { t.summary.clone() },
        "category": g.title,
        "brand": { "@type": "Brand", "name": seller },
        "offers": offer
    })
}

/// A banner as templates see it: its fields, and `phone`, what narrow screens show instead
/// ([`banners::for_phones`]).
#[derive(Serialize)]
pub struct BannerView<'a> {
    #[serde(flatten)]
    pub banner: &'a Banner,
    pub phone: Option<&'a Banner>,
}

fn banner_view<'a>(all: &'a [Banner], chosen: &'a Banner, placement: &str, page_key: &str) -> BannerView<'a> {
    BannerView { banner: chosen, phone: banners::for_phones(all, chosen, placement, page_key) }
}

/// Banners a page shows, by placement (`sidebar`, `article_end`, `footer`).
pub fn banners_for_page<'a>(site: &'a Site, page_key: &str) -> BTreeMap<&'static str, BannerView<'a>> {
    let all = &site.marketing().banners;
    let mut out = BTreeMap::new();
    for (placement, key) in [("sidebar", "sidebar"), ("article-end", "article_end"), ("footer", "footer")] {
        if let Some(b) = banners::choose(all, placement, page_key) {
            out.insert(key, banner_view(all, b, placement, page_key));
        }
    }
    out
}

/// Pricing groups for the home page teaser.
pub fn pricing_teaser(site: &Site) -> &[PricingGroup] {
    &site.marketing().groups
}

/// Tiers for the contact form's plan selector.
pub fn plans(site: &Site) -> Vec<(&str, String)> {
    site.marketing().groups.iter().flat_map(|g| g.tiers.iter().map(move |t| (t.id.as_str(), format!("{} — {}", g.title, t.name)))).collect()
}

/// The data a built-in shortcode's template gets, as (variable, value) pairs; renderer-neutral,
/// so Tera stays inside `render`.
pub fn shortcode_data(m: &Marketing, call: &Call, page_key: &str) -> Result<Vec<(&'static str, serde_json::Value)>, (String, String)> {
    let arg = |k: &str| match call.args.get(k) {
        Some(ArgValue::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    match call.name.as_str() {
        "banner" => {
            let placement = arg("placement").unwrap_or("in-article");
            if !banners::PLACEMENTS.contains(&placement) {
                return Err((format!("unknown banner placement `{placement}`"), format!("placements: {}", banners::PLACEMENTS.join(", "))));
            }
            let chosen = match arg("id") {
                Some(id) => match m.banners.iter().find(|b| b.id == id) {
                    Some(b) if b.active => Some(b),
                    Some(_) => None,
                    None => return Err((format!("no banner with id `{id}`"), "ids are listed in content/banners.yaml".into())),
                },
                None => banners::choose(&m.banners, placement, page_key),
            };
            return Ok(vec![("banner", value(chosen.map(|b| banner_view(&m.banners, b, placement, page_key))))]);
        }
        "pricing" => {
            let id = arg("group").unwrap_or_default();
            let Some(g) = m.groups.iter().find(|g| g.id == id) else {
                let ids: Vec<&str> = m.groups.iter().map(|g| g.id.as_str()).collect();
                return Err((format!("no pricing group `{id}`"), format!("groups are the files in content/pricing/: {}", ids.join(", "))));
            };
            return Ok(vec![("group", value(g))]);
        }
        "price" => {
            let query = pricing::query_of_call(call)?;
            return Ok(vec![("text", value(pricing::price_of(&m.groups, &query)?))]);
        }
        "faq" => {
            let id = arg("topic").unwrap_or_default();
            let Some(t) = m.topics.iter().find(|t| t.slug == id) else {
                let ids: Vec<&str> = m.topics.iter().map(|t| t.slug.as_str()).collect();
                return Err((format!("no FAQ topic `{id}`"), format!("topics are the files in content/faq/: {}", ids.join(", "))));
            };
            let view =
                TopicView { title: &t.title, description: t.description.as_deref(), url: &t.url, questions: &t.questions[..limit(call, t.questions.len())] };
            return Ok(vec![("topic", value(view))]);
        }
        "testimonials" => {
            if m.testimonials.is_empty() {
                return Err(("the site has no testimonials".into(), format!("add content/{} (see README, \"Content blocks\")", showcase::TESTIMONIALS_FILE)));
            }
            return Ok(vec![("testimonials", value(&m.testimonials[..limit(call, m.testimonials.len())]))]);
        }
        "clients" => {
            if m.clients.list.is_empty() {
                return Err(("the site has no client logos".into(), format!("add content/{} (see README, \"Content blocks\")", showcase::CLIENTS_FILE)));
            }
            let title = arg("title").unwrap_or(&m.clients.title);
            return Ok(vec![("clients", value(&m.clients.list)), ("title", value(title))]);
        }
        "team" => {
            if m.people.is_empty() {
                return Err((
                    "the site has no team members".into(),
                    "give each person a page with a `profile:` in its front matter, e.g. content/authors/ada-lovelace.md (see README, \"Content blocks\")"
                        .into(),
                ));
            }
            return Ok(vec![("people", value(&m.people[..limit(call, m.people.len())]))]);
        }
        "case_studies" => {
            if m.case_studies.is_empty() {
                return Err((
                    "the site has no case studies".into(),
                    "give each case study a page with a `case_study:` in its front matter, e.g. content/case-studies/harbourline.md (see README, \"Content blocks\")".into(),
                ));
            }
            return Ok(vec![("case_studies", value(&m.case_studies[..limit(call, m.case_studies.len())]))]);
        }
        _ => {}
    }
    Ok(Vec::new())
}

/// A shortcode's `limit=` (checked to be above 0), at most `len`.
fn limit(call: &Call, len: usize) -> usize {
    match call.args.get("limit") {
        Some(ArgValue::Int(n)) => usize::try_from(*n).unwrap_or(len).min(len),
        _ => len,
    }
}

fn value(v: impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

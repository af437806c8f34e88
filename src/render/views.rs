//! Template views: borrowed, serializable shapes of the model that templates see. The model is
//! not shaped by the templates; these structs are the contract with theme authors (documented in
//! README.md, "Theme variables").

use crate::hash::Prehashed;
use crate::images::markup::Loading;
use crate::model::showcase::Shown;
use crate::model::{Page, PageId, Pager, Section, Site};
use crate::parse::front_matter::{CaseStudy, NamedLink};
use crate::parse::markdown::TocEntry;
use serde::Serialize;
use std::borrow::Cow;
use time::macros::format_description;
use time::OffsetDateTime;

#[derive(Serialize, Clone)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

/// ISO date (`2025-03-14`).
pub fn iso_date(d: &OffsetDateTime) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// RFC 3339 timestamp for feeds and structured data.
pub fn rfc3339(d: &OffsetDateTime) -> String {
    d.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Human date (`March 14, 2025`).
pub fn display_date(d: &OffsetDateTime) -> String {
    d.format(format_description!("[month repr:long] [day padding:none], [year]")).unwrap_or_default()
}

/// A page in a list: enough for a card, not the whole content.
#[derive(Serialize)]
pub struct PageCard<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub summary: &'a str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub reading_time: usize,
    pub tags: Vec<Link<'a>>,
    pub image: Option<&'a str>,
    /// `image` as `<picture>` markup (responsive copies), when it is a raster image.
    pub image_picture: Option<String>,
    pub featured: bool,
    /// `draft: true` (only in a `--drafts` build or serve): the card says "Draft".
    pub draft: bool,
    /// A person's page: their role and portrait (the card is a team card).
    pub profile: Option<CardProfile<'a>>,
    /// A case study's facts (the card is a case-study card).
    pub case_study: Option<&'a CaseStudy>,
}

/// What a team card shows besides the name.
#[derive(Serialize)]
pub struct CardProfile<'a> {
    pub role: Option<&'a str>,
    pub photo_picture: Option<String>,
    pub initials: String,
}

/// A person's portrait (their `profile:` photo, written on their page), shown as `shown`, with
/// `alt`; the image table is read only when they have a photo.
fn portrait(site: &Site, person: &Page, alt: &str, shown: &Shown<'_>) -> Option<String> {
    let src = person.meta.profile.as_ref()?.photo.as_deref()?;
    crate::model::showcase::picture_of(src, alt, &person.url, shown, site.images(), &site.config().images)
}

fn card_profile<'a>(site: &Site, p: &'a Page) -> Option<CardProfile<'a>> {
    let profile = p.meta.profile.as_ref()?;
    let shown = Shown { class: "portrait", sizes: Some(crate::model::showcase::PORTRAIT_SIZES), loading: Loading::Lazy };
    Some(CardProfile {
        role: profile.role.as_deref(),
        photo_picture: portrait(site, p, profile.photo_alt.as_deref().unwrap_or(""), &shown),
        initials: crate::marketing::showcase::initials(&p.title),
    })
}

/// An article's author, as its byline shows them.
#[derive(Serialize)]
pub struct AuthorView<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub role: Option<&'a str>,
    /// A small portrait for the byline, when their photo is a raster image.
    pub photo_picture: Option<String>,
    pub initials: String,
}

/// A person's page: what their profile says.
#[derive(Serialize)]
pub struct ProfileView<'a> {
    pub role: Option<&'a str>,
    pub photo: Option<&'a str>,
    pub photo_alt: &'a str,
    /// The portrait at the top of their page (fetched first), when it is a raster image.
    pub photo_picture: Option<String>,
    pub initials: String,
    pub email: Option<&'a str>,
    pub links: &'a [NamedLink],
    /// The articles they wrote, newest first (at most [`AUTHORED_SHOWN`]).
    pub articles: Vec<PageCard<'a>>,
    /// How many articles they wrote in all.
    pub article_count: usize,
}

/// How many of a person's articles their page lists.
pub const AUTHORED_SHOWN: usize = 24;

/// How wide the portrait at the top of a person's page is shown.
const PROFILE_SIZES: &str = "(min-width: 48rem) 16rem, 12rem";

fn profile_view<'a>(site: &'a Site, p: &'a Page) -> Option<ProfileView<'a>> {
    let profile = p.meta.profile.as_ref()?;
    let alt = profile.photo_alt.as_deref().unwrap_or("");
    let shown = Shown { class: "profile-photo", sizes: Some(PROFILE_SIZES), loading: Loading::Priority };
    Some(ProfileView {
        role: profile.role.as_deref(),
        photo: profile.photo.as_deref(),
        photo_alt: alt,
        photo_picture: portrait(site, p, alt, &shown),
        initials: crate::marketing::showcase::initials(&p.title),
        email: profile.email.as_deref(),
        links: &profile.links,
        articles: p.authored.iter().take(AUTHORED_SHOWN).map(|&id| card(site, id)).collect(),
        article_count: p.authored.len(),
    })
}

fn author_view(site: &Site, id: PageId) -> AuthorView<'_> {
    let person = &site.pages[id];
    let profile = person.meta.profile.as_ref();
    let shown = Shown { class: "byline-photo", sizes: Some("2.5rem"), loading: Loading::Lazy };
    AuthorView {
        name: &person.title,
        url: &person.url,
        role: profile.and_then(|p| p.role.as_deref()),
        photo_picture: portrait(site, person, "", &shown),
        initials: crate::marketing::showcase::initials(&person.title),
    }
}

/// How wide a card's image is shown: three cards in a row on a wide screen, one on a phone.
const CARD_SIZES: &str = "(min-width: 64rem) 22rem, (min-width: 40rem) 45vw, calc(100vw - 2.5rem)";

/// `<picture>` markup for a page's `image:` (written in the page at `page_url`), when it is a
/// raster image the site publishes. Only then is the image table read (and the output file
/// made again when an image changes).
pub fn image_picture(site: &Site, page_url: &str, image: Option<&str>, class: &str, sizes: Option<&str>, loading: Loading) -> Option<String> {
    let src = image?;
    crate::images::Format::of_path(src.split(['?', '#']).next().unwrap_or(src))?;
    crate::model::showcase::picture_of(src, "", page_url, &Shown { class, sizes, loading }, site.images(), &site.config().images)
}

pub fn tag_links<'a>(values: &'a [String], taxonomy: &str, site: &Site) -> Vec<Link<'a>> {
    if !site.config().taxonomies.iter().any(|t| t == taxonomy) {
        return Vec::new();
    }
    values
        .iter()
        .filter_map(|v| {
            let slug = crate::text::slugify(v);
            (!slug.is_empty()).then(|| Link { name: v.as_str(), url: crate::url::term_url(taxonomy, &slug) })
        })
        .collect()
}

pub fn card<'a>(site: &'a Site, id: PageId) -> PageCard<'a> {
    let p = &site.pages[id];
    PageCard {
        title: &p.title,
        url: &p.url,
        description: p.meta.description.as_deref(),
        summary: &p.rendered.summary_html,
        date: p.date.as_ref().map(iso_date),
        date_display: p.date.as_ref().map(display_date),
        reading_time: p.rendered.reading_time,
        tags: tag_links(&p.meta.tags, "tags", site),
        image: p.meta.image.as_deref(),
        image_picture: image_picture(site, &p.url, p.meta.image.as_deref(), "card-image", Some(CARD_SIZES), Loading::Lazy),
        featured: p.meta.featured,
        draft: p.meta.draft,
        profile: card_profile(site, p),
        case_study: p.meta.case_study.as_ref(),
    }
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub permalink: String,
    pub content: Prehashed<'a>,
    pub summary: &'a str,
    pub toc: &'a [TocEntry],
    pub show_toc: bool,
    pub word_count: usize,
    pub reading_time: usize,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    /// `publish_date:` and `expiry_date:` (`2025-03-14`), for a template that shows them.
    pub publish_date: Option<String>,
    pub expiry_date: Option<String>,
    pub expiry_date_display: Option<String>,
    pub author: Option<&'a str>,
    /// The author's page, when `author` names a team member (a page with a `profile:`).
    pub author_page: Option<AuthorView<'a>>,
    /// On a team member's page: their profile and articles.
    pub profile: Option<ProfileView<'a>>,
    pub case_study: Option<&'a CaseStudy>,
    pub image: Option<&'a str>,
    /// `image` as `<picture>` markup for the top of the page (fetched first), when it is a
    /// raster image.
    pub image_picture: Option<String>,
    pub featured: bool,
    pub tags: Vec<Link<'a>>,
    pub categories: Vec<Link<'a>>,
    pub section: Option<Link<'a>>,
    pub related: Vec<PageCard<'a>>,
    pub previous: Option<PageCard<'a>>,
    pub next: Option<PageCard<'a>>,
    pub banners: bool,
    /// `draft: true` (only in a `--drafts` build or serve): the page says "Draft".
    pub draft: bool,
    pub extra: Cow<'a, serde_json::Value>,
}

/// Front-matter `extra` with each `{{ price(…) }}` in its strings replaced by the price. Only a
/// page that has such a call reads the pricing data (and is rendered again when it changes);
/// a call that fails is reported by the engine at its line.
fn extra_with_prices<'a>(site: &'a Site, extra: &'a serde_json::Value) -> Cow<'a, serde_json::Value> {
    if crate::marketing::pricing::has_calls(extra) {
        Cow::Owned(crate::marketing::pricing::expand_value(extra, &site.marketing().groups))
    } else {
        Cow::Borrowed(extra)
    }
}

pub fn page_view<'a>(site: &'a Site, page: &'a Page) -> PageView<'a> {
    let section = page.section.map(|s| &site.sections[s]).filter(|s| !s.is_home());
    PageView {
        title: &page.title,
        description: page.meta.description.as_deref(),
        url: &page.url,
        permalink: site.config().permalink(&page.url),
        content: Prehashed { text: Cow::Owned(page.rendered.html.text()), hash: page.rendered.html_hash },
        summary: &page.rendered.summary_html,
        toc: &page.rendered.toc,
        show_toc: page.meta.toc.unwrap_or(false) && !page.rendered.toc.is_empty(),
        word_count: page.rendered.word_count,
        reading_time: page.rendered.reading_time,
        date: page.date.as_ref().map(iso_date),
        date_display: page.date.as_ref().map(display_date),
        updated: page.updated.as_ref().map(iso_date),
        updated_display: page.updated.as_ref().map(display_date),
        publish_date: page.meta.publish_date.as_deref().and_then(crate::parse::front_matter::parse_date).as_ref().map(iso_date),
        expiry_date: page.meta.expiry_date.as_deref().and_then(crate::parse::front_matter::parse_date).as_ref().map(iso_date),
        expiry_date_display: page.meta.expiry_date.as_deref().and_then(crate::parse::front_matter::parse_date).as_ref().map(display_date),
        author: page.meta.author.as_deref().or(site.config().author.as_deref()),
        author_page: page.author_page.map(|id| author_view(site, id)),
        profile: profile_view(site, page),
        case_study: page.meta.case_study.as_ref(),
        image: page.meta.image.as_deref(),
        image_picture: image_picture(site, &page.url, page.meta.image.as_deref(), "article-image", None, Loading::Priority),
        featured: page.meta.featured,
        tags: tag_links(&page.meta.tags, "tags", site),
        categories: tag_links(&page.meta.categories, "categories", site),
        section: section.map(|s| Link { name: &s.title, url: s.url.clone() }),
        related: page.related.iter().map(|&id| card(site, id)).collect(),
        previous: page.previous.map(|id| card(site, id)),
        next: page.next.map(|id| card(site, id)),
        banners: page.meta.banners.unwrap_or(true),
        draft: page.meta.draft,
        extra: extra_with_prices(site, &page.meta.extra),
    }
}

#[derive(Serialize)]
pub struct PaginatorView {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    /// A window of page links (first, last, and around the current one).
    pub pages: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages are skipped before this one (show an ellipsis).
    pub gap_before: bool,
}

/// The pagination bar for `current` of a list at `base`. Its size does not grow with the
/// number of pages, so long lists render in linear time.
pub fn paginator_view(base: &str, current: &Pager) -> PaginatorView {
    let window = crate::model::pager_window(current.number, current.total);
    let mut prev = 0;
    let pages = window
        .into_iter()
        .map(|n| {
            let link = PagerLink { number: n, url: crate::url::pager_url(base, n), current: n == current.number, gap_before: n > prev + 1 && prev > 0 };
            prev = n;
            link
        })
        .collect();
    PaginatorView {
        current: current.number,
        total: current.total,
        previous_url: (current.number > 1).then(|| crate::url::pager_url(base, current.number - 1)),
        next_url: (current.number < current.total).then(|| crate::url::pager_url(base, current.number + 1)),
        pages,
    }
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub permalink: String,
    pub content: Prehashed<'a>,
    pub pages: Vec<PageCard<'a>>,
    pub subsections: Vec<Link<'a>>,
    pub paginator: PaginatorView,
    pub extra: Cow<'a, serde_json::Value>,
}

pub fn section_view<'a>(site: &'a Site, section: &'a Section, current: &Pager) -> SectionView<'a> {
    SectionView {
        title: &section.title,
        description: section.meta.description.as_deref(),
        url: &section.url,
        permalink: site.config().permalink(&current.url),
        content: Prehashed { text: Cow::Owned(section.rendered.html.text()), hash: section.rendered.html_hash },
        pages: section.pages[current.start..current.end].iter().map(|&id| card(site, id)).collect(),
        subsections: section.subsections.iter().map(|&s| Link { name: &site.sections[s].title, url: site.sections[s].url.clone() }).collect(),
        paginator: paginator_view(&section.url, current),
        extra: extra_with_prices(site, &section.meta.extra),
    }
}

/// A section in a list of sections (the 404 page's).
#[derive(Serialize)]
pub struct SectionLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub description: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: String,
    pub url: &'a str,
    pub terms: Vec<TermLink<'a>>,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub taxonomy: &'a str,
    pub taxonomy_title: String,
    pub taxonomy_url: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub pages: Vec<PageCard<'a>>,
    pub paginator: PaginatorView,
}

/// `tags` → `Tags`.
pub fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

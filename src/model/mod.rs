//! The site model: pages, sections, taxonomies and their relations (ordering, pagination,
//! related articles, previous/next). Plain data and pure functions; no I/O, no templates.

pub mod assemble;
pub mod authors;
pub mod claims;
pub mod dropped;
pub mod file_links;
pub mod reads;
pub mod showcase;
pub mod undated;
pub mod window;

use crate::parse::front_matter::{FrontMatter, SortBy};
use crate::parse::markdown::Rendered;
use crate::text::slugify;
use crate::url::pager_url;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use time::OffsetDateTime;

pub type PageId = usize;
pub type SectionId = usize;

/// An article or standalone page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Content path relative to `content/`, e.g. `articles/what-is-a-cto.md`. Stable identity.
    pub key: String,
    /// Path shown in diagnostics, e.g. `content/articles/what-is-a-cto.md`.
    pub shown: PathBuf,
    pub meta: Arc<FrontMatter>,
    /// Hash of what `meta` was parsed from (the file's text and path): `meta` is a pure
    /// function of that, so equal hashes mean equal front matter.
    pub meta_hash: u64,
    pub title: String,
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub url: String,
    /// The nearest section (a folder with `_index.md`) containing the page.
    pub section: Option<SectionId>,
    pub rendered: Arc<Rendered>,
    /// Related pages by shared tags, best first.
    pub related: Vec<PageId>,
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    /// Position in the whole site's newest-first order (see [`assign_date_ranks`]); sorting by
    /// this integer is much cheaper than comparing dates and titles again and again.
    pub date_rank: usize,
    /// The page of the person this article is by (`model::authors`).
    pub author_page: Option<PageId>,
    /// On a person's page: the articles by them, newest first.
    pub authored: Vec<PageId>,
}

/// A folder with an `_index.md`: a list page with pagination.
#[derive(Debug, Clone)]
pub struct Section {
    /// e.g. `articles/_index.md`; the home page is `_index.md`.
    pub key: String,
    pub shown: PathBuf,
    /// Folder relative to `content/` (`""` for the home page).
    pub dir: String,
    pub meta: Arc<FrontMatter>,
    /// Hash of what `meta` was parsed from (see [`Page::meta_hash`]).
    pub meta_hash: u64,
    pub title: String,
    pub url: String,
    pub rendered: Arc<Rendered>,
    /// Pages directly in this section (not drafts), in the section's sort order.
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    pub parent: Option<SectionId>,
}

impl Section {
    pub fn sort_by(&self) -> SortBy {
        self.meta.sort_by.unwrap_or_default()
    }
    pub fn is_home(&self) -> bool {
        self.dir.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `tags` or `categories`.
    pub name: String,
    pub url: String,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

/// One of a taxonomy's terms in words: `tags` → `tag`, `categories` → `category`.
pub fn singular(taxonomy: &str) -> &str {
    match taxonomy {
        "categories" => "category",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// Newest first; undated last; ties by title then key, so order is always stable.
fn compare_dates(pa: &Page, pb: &Page) -> std::cmp::Ordering {
    pb.date.cmp(&pa.date).then_with(|| pa.title.cmp(&pb.title)).then_with(|| pa.key.cmp(&pb.key))
}

/// Sets every page's `date_rank` (one sort for the whole site).
pub fn assign_date_ranks(pages: &mut [Page]) {
    let mut ids: Vec<PageId> = (0..pages.len()).collect();
    ids.sort_by(|&a, &b| compare_dates(&pages[a], &pages[b]));
    for (rank, id) in ids.into_iter().enumerate() {
        pages[id].date_rank = rank;
    }
}

/// Newest first (by the precomputed rank).
pub fn by_date_desc(pages: &[Page], a: PageId, b: PageId) -> std::cmp::Ordering {
    pages[a].date_rank.cmp(&pages[b].date_rank)
}

/// Sorts a section's pages by its `sort_by`.
pub fn sort_pages(pages: &[Page], ids: &mut [PageId], sort_by: SortBy) {
    match sort_by {
        SortBy::Date => ids.sort_by(|&a, &b| by_date_desc(pages, a, b)),
        SortBy::Title => ids.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            pa.title.to_lowercase().cmp(&pb.title.to_lowercase()).then_with(|| pa.key.cmp(&pb.key))
        }),
        SortBy::Weight => ids.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            pa.meta.weight.cmp(&pb.meta.weight).then_with(|| pa.title.cmp(&pb.title)).then_with(|| pa.key.cmp(&pb.key))
        }),
    }
}

/// Spellings of one taxonomy's terms that slugify alike (`a b` and `a-b`, `C++` and `c`,
/// `Rust` and `rust`): they share one address, so they are merged into one term (named by the
/// first spelling in page order) and reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spellings {
    /// `tags` or `categories`.
    pub taxonomy: String,
    /// The term's address.
    pub url: String,
    /// Each spelling, first-seen first, with the first few pages that use it (by page order).
    pub spellings: Vec<(String, Vec<PageId>)>,
}

/// How many pages a [`Spellings`] warning names per spelling.
pub const SPELLING_PAGES_SHOWN: usize = 3;

/// Builds taxonomies from pages' `tags` and `categories`. Linear in the number of (page, term)
/// pairs: each distinct spelling is slugified once. Terms whose names slugify alike (`Rust`,
/// `rust`) are merged; the first-seen spelling (by page order) names the term, and every term
/// with more than one spelling is returned as [`Spellings`].
pub fn build_taxonomies(pages: &[Page], names: &[String]) -> (Vec<Taxonomy>, Vec<Spellings>) {
    let mut clashes = Vec::new();
    let taxonomies = names
        .iter()
        .map(|name| {
            // Spelling → (term, index of the spelling among the term's).
            let mut by_spelling: HashMap<&str, Option<(usize, usize)>> = HashMap::new();
            let mut by_slug: HashMap<String, usize> = HashMap::new();
            let mut terms: Vec<Term> = Vec::new();
            // Per term: its spellings and the first pages using each.
            let mut spellings: Vec<Vec<(String, Vec<PageId>)>> = Vec::new();
            for (id, page) in pages.iter().enumerate() {
                let values = match name.as_str() {
                    "tags" => &page.meta.tags,
                    "categories" => &page.meta.categories,
                    _ => continue,
                };
                for v in values {
                    let term = *by_spelling.entry(v.as_str()).or_insert_with(|| {
                        let slug = slugify(v);
                        if slug.is_empty() {
                            return None;
                        }
                        let t = *by_slug.entry(slug.clone()).or_insert_with(|| {
                            terms.push(Term { name: v.clone(), url: crate::url::term_url(name, &slug), slug, pages: Vec::new() });
                            spellings.push(Vec::new());
                            terms.len() - 1
                        });
                        spellings[t].push((v.clone(), Vec::new()));
                        Some((t, spellings[t].len() - 1))
                    });
                    if let Some((t, k)) = term {
                        let list = &mut terms[t].pages;
                        if list.last() != Some(&id) {
                            list.push(id);
                        }
                        let users = &mut spellings[t][k].1;
                        if users.len() < SPELLING_PAGES_SHOWN && users.last() != Some(&id) {
                            users.push(id);
                        }
                    }
                }
            }
            for (t, s) in spellings.into_iter().enumerate() {
                if s.len() > 1 {
                    clashes.push(Spellings { taxonomy: name.clone(), url: terms[t].url.clone(), spellings: s });
                }
            }
            terms.sort_by(|a, b| a.slug.cmp(&b.slug));
            for t in &mut terms {
                t.pages.sort_unstable_by_key(|&id| pages[id].date_rank);
                t.pages.dedup();
            }
            Taxonomy { name: name.clone(), url: crate::url::taxonomy_url(name), terms }
        })
        .collect();
    clashes.sort_by(|a, b| (&a.taxonomy, &a.url).cmp(&(&b.taxonomy, &b.url)));
    (taxonomies, clashes)
}

/// How many of a tag's newest pages are considered when looking for related pages. Bounds the
/// work per page, so finding related pages stays linear in the number of pages even when one
/// tag is on thousands of them.
pub const RELATED_SCAN_PER_TAG: usize = 200;

/// All that finding related pages reads of a page (its key for the engine's cache is a hash of
/// these, so nothing else can change the answer).
#[derive(Debug, Clone, Copy, Hash)]
pub struct RelatedInput<'a> {
    pub tags: &'a [String],
    pub date_rank: usize,
}

impl<'a> RelatedInput<'a> {
    pub fn of(pages: &'a [Page]) -> Vec<RelatedInput<'a>> {
        pages.iter().map(|p| RelatedInput { tags: &p.meta.tags, date_rank: p.date_rank }).collect()
    }
}

/// For each page, up to `limit` other pages sharing the most tags (then newest), looking at the
/// newest [`RELATED_SCAN_PER_TAG`] pages of each tag.
pub fn related_by_tags(pages: &[RelatedInput<'_>], limit: usize) -> Vec<Vec<PageId>> {
    let mut index: HashMap<String, Vec<PageId>> = HashMap::new();
    let slugs: Vec<Vec<String>> = pages.iter().map(|p| p.tags.iter().map(|t| slugify(t)).collect()).collect();
    for (id, tags) in slugs.iter().enumerate() {
        for t in tags {
            index.entry(t.clone()).or_default().push(id);
        }
    }
    for list in index.values_mut() {
        list.sort_unstable_by_key(|&id| pages[id].date_rank);
    }
    use rayon::prelude::*;
    (0..pages.len())
        .into_par_iter()
        .map(|id| {
            // Every candidate once per shared tag; sorting groups them for counting.
            let mut seen: Vec<PageId> = Vec::new();
            for t in &slugs[id] {
                let Some(list) = index.get(t) else { continue };
                seen.extend(list.iter().filter(|&&o| o != id).take(RELATED_SCAN_PER_TAG));
            }
            seen.sort_unstable();
            let mut shared: Vec<(PageId, usize)> = Vec::new();
            for other in seen {
                match shared.last_mut() {
                    Some((o, n)) if *o == other => *n += 1,
                    _ => shared.push((other, 1)),
                }
            }
            shared.sort_unstable_by(|&(a, ca), &(b, cb)| cb.cmp(&ca).then(pages[a].date_rank.cmp(&pages[b].date_rank)));
            // Collected from a borrow: `into_iter` would reuse `shared`'s buffer (hundreds of
            // entries) for the few kept, and 100,000 such buffers took 1.6 GB at once.
            shared.iter().take(limit).map(|&(id, _)| id).collect()
        })
        .collect()
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub total: usize,
    pub url: String,
    /// Range into the list of items.
    pub start: usize,
    pub end: usize,
}

/// How many list pages `count` items need at `per_page`; always at least one.
pub fn pager_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

/// Page `n` (1-based) of a list at `base` of `count` items, `per_page` a page. O(1), so
/// rendering every page of a long list stays linear.
pub fn pager(base: &str, count: usize, per_page: usize, n: usize) -> Pager {
    let per_page = per_page.max(1);
    let total = pager_count(count, per_page);
    let n = n.clamp(1, total);
    Pager { number: n, total, url: pager_url(base, n), start: ((n - 1) * per_page).min(count), end: (n * per_page).min(count) }
}

/// Splits `count` items into pages of `per_page`; always at least one (possibly empty) page.
#[cfg(test)]
pub fn paginate(base: &str, count: usize, per_page: usize) -> Vec<Pager> {
    (1..=pager_count(count, per_page)).map(|n| pager(base, count, per_page, n)).collect()
}

/// The page numbers a pagination bar shows: first, last, and two either side of `current`.
pub fn pager_window(current: usize, total: usize) -> Vec<usize> {
    let mut v: Vec<usize> = vec![1, total];
    v.extend(current.saturating_sub(2).max(1)..=(current + 2).min(total));
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::parse::front_matter::parse_date;

    pub(crate) fn page(key: &str, date: &str, tags: &[&str]) -> Page {
        Page {
            key: key.into(),
            shown: PathBuf::from(key),
            meta: Arc::new(FrontMatter { tags: tags.iter().map(|s| s.to_string()).collect(), ..Default::default() }),
            meta_hash: 0,
            title: key.into(),
            date: parse_date(date),
            updated: None,
            url: format!("/{key}/"),
            section: None,
            rendered: Default::default(),
            related: vec![],
            previous: None,
            next: None,
            date_rank: 0,
            author_page: None,
            authored: Vec::new(),
        }
    }

    fn ranked(mut pages: Vec<Page>) -> Vec<Page> {
        assign_date_ranks(&mut pages);
        pages
    }

    #[test]
    fn fast_slugify_matches_the_slug_crate() {
        for s in ["Hello, World!", "  small-business ", "C++ & Rust_2024", "--a--b--", "", "ÜBER größe", "日本語", "CTO/CIO"] {
            assert_eq!(slugify(s), slug::slugify(s), "{s:?}");
        }
    }

    #[test]
    fn pagination_splits_and_names_urls() {
        let p = paginate("/a/", 25, 10);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].url, "/a/");
        assert_eq!(p[2].url, "/a/page/3/");
        assert_eq!((p[2].start, p[2].end), (20, 25));
        assert_eq!(paginate("/a/", 0, 10).len(), 1);
        assert_eq!(pager("/a/", 25, 10, 3), p[2]);
        assert_eq!(pager_window(1, 1), vec![1]);
        assert_eq!(pager_window(10, 50), vec![1, 8, 9, 10, 11, 12, 50]);
        assert_eq!(pager_window(2, 4), vec![1, 2, 3, 4]);
    }

    #[test]
    fn taxonomies_merge_case_and_sort_newest_first() {
        let pages = ranked(vec![page("a", "2025-01-01", &["Rust", "web"]), page("b", "2025-02-01", &["rust"])]);
        let (tax, clashes) = build_taxonomies(&pages, &["tags".into()]);
        assert_eq!(tax[0].terms.len(), 2);
        assert_eq!(tax[0].terms[0].slug, "rust");
        assert_eq!(tax[0].terms[0].pages, vec![1, 0]);
        assert_eq!(
            clashes,
            vec![Spellings { taxonomy: "tags".into(), url: "/tags/rust/".into(), spellings: vec![("Rust".into(), vec![0]), ("rust".into(), vec![1])] }]
        );
    }

    #[test]
    fn spellings_that_share_an_address_are_reported_once_per_term() {
        let pages = ranked(vec![
            page("a", "2025-01-01", &["a b", "c++", "solo"]),
            page("b", "2025-02-01", &["a-b", "c"]),
            page("c", "2025-03-01", &["a b", "a-b", "c++"]),
        ]);
        let (tax, clashes) = build_taxonomies(&pages, &["tags".into()]);
        let names: Vec<&str> = tax[0].terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["a b", "c++", "solo"], "the first spelling names the merged term");
        assert_eq!(clashes.len(), 2);
        assert_eq!(clashes[0].url, "/tags/a-b/");
        assert_eq!(clashes[0].spellings, vec![("a b".into(), vec![0, 2]), ("a-b".into(), vec![1, 2])]);
        assert_eq!(clashes[1].url, "/tags/c/");
        assert_eq!(clashes[1].spellings, vec![("c++".into(), vec![0, 2]), ("c".into(), vec![1])]);
    }

    #[test]
    fn related_prefers_more_shared_tags() {
        let pages = ranked(vec![
            page("a", "2025-01-01", &["x", "y"]),
            page("b", "2025-03-01", &["x"]),
            page("c", "2025-02-01", &["x", "y"]),
            page("d", "2025-02-01", &["z"]),
        ]);
        let rel = related_by_tags(&RelatedInput::of(&pages), 3);
        assert_eq!(rel[0], vec![2, 1]);
        assert!(rel[3].is_empty());
    }
}

/// One page's part of the search index, made once per page and kept under a hash of what it is
/// made from (`render::search::SearchInput`): the page's documents (the text before its first
/// `##`/`###` heading, then one per such heading), each with its weighted words. The whole index
/// is merged from these each build; stemming happens there, once per distinct word of the site
/// (so the kept entries do not depend on the site's language).
#[derive(Debug, Clone)]
pub struct SearchEntry {
    pub page: Arc<SearchPage>,
}

/// See [`SearchEntry`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// How many documents (results) the page has.
    pub docs: u32,
    /// The documents, packed by `render::search::page_entry`: each one's record in a documents'
    /// file (URL, title, heading, kind, text for excerpts) and its words with their weights. A
    /// build moves them to its scratch file ([`crate::spool`]) until the index is written.
    pub packed: crate::spool::Packed,
    /// The hash of what the entry was made from.
    pub hash: u64,
    /// The hash of `packed` itself, for the index's version: two inputs may make the same entry
    /// (the same front matter in YAML and TOML), and the same files must get the same version.
    pub content_hash: u64,
}

/// The merged search index (made by `render::search::merge`, which also makes its files): the
/// manifest and the fragments, made; the documents' files, made from the entries when their
/// jobs ask (in a build the entries wait in the spool, so the documents' text is never all in
/// memory at once).
#[derive(Debug)]
pub struct SearchIndex {
    pub manifest: String,
    pub fragments: Vec<String>,
    /// The pages' entries (the FAQ's after them) and the number of the first document of each.
    pub pages: Vec<Arc<SearchPage>>,
    pub first_doc: Vec<u32>,
    pub docs: u32,
}

/// One file of the search index (under `render::search::DIR`), made from every entry at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchFile {
    pub path: String,
    pub text: String,
}

/// The whole site, ready to render. Its parts are reached through accessors that note the
/// read (see [`reads`]), so the engine knows what each output was made from.
#[derive(Debug, Clone)]
pub struct Site {
    config: crate::config::SiteConfig,
    pub pages: Pages,
    pub sections: Sections,
    taxonomies: Vec<Taxonomy>,
    marketing: crate::marketing::Marketing,
    /// Search index entry of each page, in page order.
    search_entries: Vec<SearchEntry>,
    /// The search index, merged from the entries once, when first asked for (by
    /// `render::search::index`, which notes what it reads).
    search_index: std::sync::OnceLock<Arc<SearchIndex>>,
    /// The site's own `static/_redirects`, whose rules go first in the `_redirects` folio writes.
    user_redirects: Option<UserRedirects>,
    /// The raster images the site publishes, with what their headers say.
    images: std::sync::Arc<crate::images::ImageTable>,
}

/// A `_redirects` file among the static files: where it is (for messages) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserRedirects {
    pub shown: PathBuf,
    pub text: String,
}

/// The site's pages; reading one notes it.
#[derive(Debug, Clone, Default)]
pub struct Pages(Vec<Page>);

/// The site's sections; reading one notes it.
#[derive(Debug, Clone, Default)]
pub struct Sections(Vec<Section>);

macro_rules! noted_list {
    ($list:ident, $item:ty, $id:ident, $all:ident) => {
        impl std::ops::Index<usize> for $list {
            type Output = $item;
            fn index(&self, i: usize) -> &$item {
                reads::note(reads::Item::$id(i));
                &self.0[i]
            }
        }
        impl $list {
            pub fn iter(&self) -> std::slice::Iter<'_, $item> {
                reads::note(reads::Item::$all);
                self.0.iter()
            }
            pub fn len(&self) -> usize {
                reads::note(reads::Item::$all);
                self.0.len()
            }
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
            /// Without noting a read: for the engine, which hashes what jobs read.
            pub fn unnoted(&self) -> &[$item] {
                &self.0
            }
        }
        impl<'a> IntoIterator for &'a $list {
            type Item = &'a $item;
            type IntoIter = std::slice::Iter<'a, $item>;
            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }
    };
}
noted_list!(Pages, Page, Page, AllPages);

/// A page as lists see it: its front-matter facts, not its rendering.
#[derive(Clone, Copy)]
pub struct Listed<'a>(&'a Page);

impl<'a> Listed<'a> {
    pub fn key(&self) -> &'a str {
        &self.0.key
    }
    pub fn url(&self) -> &'a str {
        &self.0.url
    }
    pub fn date(&self) -> Option<OffsetDateTime> {
        self.0.date
    }
    pub fn updated(&self) -> Option<OffsetDateTime> {
        self.0.updated
    }
    pub fn meta(&self) -> &'a FrontMatter {
        &self.0.meta
    }
    pub fn date_rank(&self) -> usize {
        self.0.date_rank
    }
}

impl Pages {
    /// Every page's facts without its rendering: a body edit does not change what this reads.
    pub fn listing(&self) -> impl Iterator<Item = (PageId, Listed<'_>)> {
        reads::note(reads::Item::Listing);
        self.0.iter().map(Listed).enumerate()
    }
}
noted_list!(Sections, Section, Section, AllSections);

impl Site {
    pub fn new(
        config: crate::config::SiteConfig,
        pages: Vec<Page>,
        sections: Vec<Section>,
        taxonomies: Vec<Taxonomy>,
        marketing: crate::marketing::Marketing,
        search_entries: Vec<SearchEntry>,
    ) -> Site {
        Site {
            config,
            pages: Pages(pages),
            sections: Sections(sections),
            taxonomies,
            marketing,
            search_entries,
            search_index: std::sync::OnceLock::new(),
            user_redirects: None,
            images: Default::default(),
        }
    }
    /// The site with the rules of the user's own `_redirects` (see [`UserRedirects`]).
    pub fn with_user_redirects(mut self, user: Option<UserRedirects>) -> Site {
        self.user_redirects = user;
        self
    }
    pub fn with_images(mut self, images: std::sync::Arc<crate::images::ImageTable>) -> Site {
        self.images = images;
        self
    }
    pub fn images(&self) -> &crate::images::ImageTable {
        reads::note(reads::Item::Images);
        &self.images
    }
    /// The hash of the image table (for the recorded reads).
    pub fn images_hash(&self) -> u64 {
        self.images.hash
    }
    pub fn user_redirects(&self) -> Option<&UserRedirects> {
        reads::note(reads::Item::UserRedirects);
        self.user_redirects.as_ref()
    }
    pub fn config(&self) -> &crate::config::SiteConfig {
        reads::note(reads::Item::Config);
        &self.config
    }
    pub fn taxonomies(&self) -> &[Taxonomy] {
        reads::note(reads::Item::Taxonomies);
        &self.taxonomies
    }
    pub fn marketing(&self) -> &crate::marketing::Marketing {
        reads::note(reads::Item::Marketing);
        &self.marketing
    }
    pub fn search_entries(&self) -> &[SearchEntry] {
        reads::note(reads::Item::SearchEntries);
        &self.search_entries
    }
    /// Where the merged search index is kept once made (see `render::search::index`); reading
    /// it notes nothing: whoever fills it reads the entries, FAQ and config through the noting
    /// accessors first.
    pub fn search_index_cell(&self) -> &std::sync::OnceLock<Arc<SearchIndex>> {
        &self.search_index
    }
    pub fn home(&self) -> Option<&Section> {
        self.sections.iter().find(|s| s.is_home())
    }
    /// Pages with a date, newest first (feeds, "latest" lists). Linear: uses the date ranks.
    pub fn dated_pages(&self) -> Vec<PageId> {
        let listed: Vec<Listed<'_>> = self.pages.listing().map(|(_, p)| p).collect();
        let mut by_rank: Vec<PageId> = vec![usize::MAX; listed.len()];
        for (id, p) in listed.iter().enumerate() {
            if let Some(slot) = by_rank.get_mut(p.date_rank()) {
                *slot = id;
            }
        }
        by_rank.into_iter().filter(|&id| id != usize::MAX && listed[id].date().is_some()).collect()
    }
}

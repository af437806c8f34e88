//! Assembling the site model from parsed sources: every page and section gets its URL (whether
//! two things claim one output file is decided by [`super::claims`] over every output file),
//! sections form a tree, pages join their nearest
//! section, and once rendered, pages get date ranks, section order and previous/next. Pure: no
//! I/O, no templates.

use super::{assign_date_ranks, sort_pages, Page, PageId, Section, SectionId};
use crate::parse::front_matter::FrontMatter;
use crate::url::{parent_dir, section_url};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use time::OffsetDateTime;

/// A page whose front matter parsed.
pub struct PageSource {
    pub key: String,
    pub shown: PathBuf,
    pub meta: Arc<FrontMatter>,
    pub meta_hash: u64,
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub url: String,
}

/// A section (`_index.md`) whose front matter parsed.
pub struct SectionSource {
    pub key: String,
    pub shown: PathBuf,
    pub meta: Arc<FrontMatter>,
    pub meta_hash: u64,
}

/// Pages and sections with their URLs; not yet rendered or related.
pub struct Claimed {
    pub pages: Vec<Page>,
    /// Sorted by folder.
    pub sections: Vec<Section>,
    /// Content key → URL of every page, section, marketing page and broken page (for `@/`).
    pub urls: HashMap<String, String, rustc_hash::FxBuildHasher>,
}

/// Gives every source its URL. `extra_urls` are (key, URL) pairs of the marketing pages;
/// `broken` are keys and URLs of files whose front matter failed, which keep their address so
/// links to them do not add misleading errors.
pub fn assign_urls(pages_src: Vec<PageSource>, sections_src: Vec<SectionSource>, extra_urls: Vec<(String, String)>, broken: Vec<(String, String)>) -> Claimed {
    let capacity = pages_src.len() + sections_src.len();
    let mut urls: HashMap<String, String, rustc_hash::FxBuildHasher> = HashMap::with_capacity_and_hasher(capacity, Default::default());
    let mut sections: Vec<Section> = sections_src
        .into_iter()
        .map(|s| {
            let dir = parent_dir(&s.key).to_string();
            Section {
                url: section_url(&dir),
                title: s.meta.title.clone().unwrap_or_default(),
                key: s.key,
                shown: s.shown,
                dir,
                meta: s.meta,
                meta_hash: s.meta_hash,
                rendered: Arc::default(),
                pages: Vec::new(),
                subsections: Vec::new(),
                parent: None,
            }
        })
        .collect();
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    for s in &sections {
        urls.insert(s.key.clone(), s.url.clone());
    }
    let section_by_dir: HashMap<&str, SectionId> = sections.iter().enumerate().map(|(i, s)| (s.dir.as_str(), i)).collect();
    let nearest_section = |mut dir: &str| -> Option<SectionId> {
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
    let parents: Vec<Option<SectionId>> = sections.iter().map(|s| if s.dir.is_empty() { None } else { nearest_section(parent_dir(&s.dir)) }).collect();
    let mut pages: Vec<Page> = Vec::with_capacity(pages_src.len());
    for p in pages_src {
        urls.insert(p.key.clone(), p.url.clone());
        let section = nearest_section(parent_dir(&p.key));
        pages.push(Page {
            title: p.meta.title.clone().unwrap_or_default(),
            key: p.key,
            shown: p.shown,
            meta: p.meta,
            meta_hash: p.meta_hash,
            date: p.date,
            updated: p.updated,
            url: p.url,
            section,
            rendered: Arc::default(),
            related: Vec::new(),
            previous: None,
            next: None,
            date_rank: 0,
            author_page: None,
            authored: Vec::new(),
        });
    }
    for (i, parent) in parents.into_iter().enumerate() {
        sections[i].parent = parent;
        if let Some(p) = parent {
            sections[p].subsections.push(i);
        }
    }
    for (key, url) in extra_urls {
        urls.insert(key, url);
    }
    for (key, url) in broken {
        urls.entry(key).or_insert(url);
    }
    Claimed { pages, sections, urls }
}

/// Once pages are rendered: newest-first ranks, each section's pages in its order, and
/// previous/next within a section (in date order "previous" is the older article).
pub fn link_pages(pages: &mut [Page], sections: &mut [Section]) {
    assign_date_ranks(pages);
    for (id, p) in pages.iter().enumerate() {
        if let Some(s) = p.section {
            sections[s].pages.push(id);
        }
    }
    for s in sections.iter_mut() {
        let sort_by = s.sort_by();
        sort_pages(pages, &mut s.pages, sort_by);
    }
    for s in sections.iter() {
        if s.is_home() {
            continue;
        }
        for (i, &id) in s.pages.iter().enumerate() {
            pages[id].next = i.checked_sub(1).map(|j| s.pages[j]);
            pages[id].previous = s.pages.get(i + 1).copied();
        }
    }
}

/// Related pages of each page, set from `related` (see [`super::related_by_tags`]).
pub fn set_related(pages: &mut [Page], related: &[Vec<PageId>]) {
    for (p, r) in pages.iter_mut().zip(related) {
        p.related = r.clone();
    }
}

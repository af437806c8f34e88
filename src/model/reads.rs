//! Recorded reads: while a render job prepares its work, every part of the [`super::Site`] it
//! looks at is written down here (the site's collections and settings can only be reached
//! through accessors that call [`note`]). The engine stores what a job read with the hash each
//! part had, and skips the job next time when every part still has that hash.

use super::{PageId, SectionId};
use std::cell::RefCell;

/// A part of the site a job can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    Page(PageId),
    Section(SectionId),
    /// The list of pages as a whole (iterating, counting).
    AllPages,
    /// Every page's front-matter facts (URL, dates, flags), but not its rendering.
    Listing,
    AllSections,
    Taxonomies,
    Config,
    Marketing,
    SearchEntries,
    /// The user's own `_redirects` rules.
    UserRedirects,
    /// The raster images and what their headers say.
    Images,
}

thread_local! {
    static READS: RefCell<Option<Vec<Item>>> = const { RefCell::new(None) };
}

/// Notes that `item` was read, when this thread is recording.
pub fn note(item: Item) {
    READS.with(|r| {
        if let Some(v) = r.borrow_mut().as_mut() {
            v.push(item);
        }
    });
}

/// Runs `f` and returns what it read of the site (sorted, each item once).
pub fn recording<R>(f: impl FnOnce() -> R) -> (R, Vec<Item>) {
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = f();
    let mut items = READS.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer)).unwrap_or_default();
    items.sort_unstable();
    items.dedup();
    (result, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_inside() {
        note(Item::Config);
        let ((), items) = recording(|| {
            note(Item::Page(3));
            note(Item::Page(3));
            note(Item::Marketing);
        });
        assert_eq!(items, vec![Item::Page(3), Item::Marketing]);
        let ((), none) = recording(|| {});
        assert!(none.is_empty());
    }
}

/// The hash of every part of one site that a job can read.
pub struct ItemHashes {
    /// Hash of each page's and section's content key.
    pub page_keys: Vec<u64>,
    pub section_keys: Vec<u64>,
    pub listing: u64,
    pub pages: Vec<u64>,
    pub sections: Vec<u64>,
    pub all_pages: u64,
    pub all_sections: u64,
    pub taxonomies: u64,
    pub config: u64,
    pub marketing: u64,
    pub search: u64,
    pub user_redirects: u64,
    pub images: u64,
}

/// A read, named so that it means the same in the next build: pages and sections by the hash
/// of their content key (positions shift when pages come and go; the position it had is kept
/// as a hint). Hashes, not strings, so checking thousands of records stays in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Named {
    Page(u64, usize),
    Section(u64, usize),
    Other(Item),
}

/// The hashes of every part of the site that does not depend on rendering: each page and
/// section without its Markdown, and the taxonomies. Made once per skeleton (see the engine).
pub struct StaticHashes {
    page_keys: Vec<u64>,
    section_keys: Vec<u64>,
    pages: Vec<u64>,
    sections: Vec<u64>,
    taxonomies: u64,
    listing: u64,
}

impl StaticHashes {
    pub fn of(pages: &[super::Page], sections: &[super::Section], taxonomies: &[super::Taxonomy]) -> StaticHashes {
        use crate::hash::hash_of;
        use rayon::prelude::*;
        use std::hash::{Hash, Hasher};
        let page_key = |id: &usize| pages[*id].key.as_str();
        let page_hashes: Vec<u64> = pages
            .par_iter()
            .map(|p| {
                let mut h = crate::hash::StableHasher::new();
                (&p.key, p.shown.to_str(), p.meta_hash, &p.title, p.date, p.updated, &p.url).hash(&mut h);
                (p.section.map(|s| &sections[s].key), p.date_rank).hash(&mut h);
                p.related.iter().for_each(|r| page_key(r).hash(&mut h));
                (p.previous.as_ref().map(page_key), p.next.as_ref().map(page_key)).hash(&mut h);
                p.author_page.as_ref().map(page_key).hash(&mut h);
                p.authored.iter().for_each(|a| page_key(a).hash(&mut h));
                h.finish()
            })
            .collect();
        let section_hashes: Vec<u64> = sections
            .iter()
            .map(|s| {
                hash_of(&(
                    (&s.key, &s.shown, &s.dir, s.meta_hash, &s.title, &s.url),
                    s.pages.iter().map(page_key).collect::<Vec<_>>(),
                    s.subsections.iter().map(|&i| &sections[i].key).collect::<Vec<_>>(),
                    s.parent.map(|i| &sections[i].key),
                ))
            })
            .collect();
        let taxonomies = hash_of(
            &taxonomies
                .iter()
                .map(|t| {
                    (
                        &t.name,
                        &t.url,
                        t.terms.iter().map(|term| (&term.name, &term.slug, &term.url, term.pages.iter().map(page_key).collect::<Vec<_>>())).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>(),
        );
        let listing = hash_of(&page_hashes);
        let page_keys = pages.iter().map(|p| hash_of(&p.key)).collect();
        let section_keys = sections.iter().map(|s| hash_of(&s.key)).collect();
        StaticHashes { page_keys, section_keys, pages: page_hashes, sections: section_hashes, taxonomies, listing }
    }
}

impl ItemHashes {
    /// Hashes every part of `site`: `statics` must be of the same pages, sections and
    /// taxonomies (it is recomputed here when the counts say otherwise). `config` and
    /// `marketing` are the hashes of what the configuration and the marketing data were made
    /// from.
    pub fn of(site: &super::Site, statics: &StaticHashes, config: u64, marketing: u64) -> ItemHashes {
        use crate::hash::hash_of;
        let pages = site.pages.unnoted();
        let sections = site.sections.unnoted();
        let fresh;
        let statics = if statics.pages.len() == pages.len() && statics.sections.len() == sections.len() {
            statics
        } else {
            fresh = StaticHashes::of(pages, sections, &site.taxonomies);
            &fresh
        };
        let page_hashes: Vec<u64> = pages.iter().zip(&statics.pages).map(|(p, s)| hash_of(&(s, p.rendered.hash))).collect();
        let section_hashes: Vec<u64> = sections.iter().zip(&statics.sections).map(|(p, s)| hash_of(&(s, p.rendered.hash))).collect();
        let search = hash_of(&site.search_entries.iter().map(|e| e.page.hash).collect::<Vec<_>>());
        ItemHashes {
            page_keys: statics.page_keys.clone(),
            section_keys: statics.section_keys.clone(),
            listing: statics.listing,
            all_pages: hash_of(&page_hashes),
            all_sections: hash_of(&section_hashes),
            pages: page_hashes,
            sections: section_hashes,
            taxonomies: statics.taxonomies,
            config,
            marketing,
            search,
            user_redirects: hash_of(&site.user_redirects),
            images: site.images_hash(),
        }
    }

    pub fn hash(&self, item: Item) -> u64 {
        match item {
            Item::Page(i) => self.pages[i],
            Item::Section(i) => self.sections[i],
            Item::AllPages => self.all_pages,
            Item::Listing => self.listing,
            Item::AllSections => self.all_sections,
            Item::Taxonomies => self.taxonomies,
            Item::Config => self.config,
            Item::Marketing => self.marketing,
            Item::SearchEntries => self.search,
            Item::UserRedirects => self.user_redirects,
            Item::Images => self.images,
        }
    }

    /// `item` named for the next build.
    pub fn named(&self, item: Item) -> Named {
        match item {
            Item::Page(i) => Named::Page(self.page_keys[i], i),
            Item::Section(i) => Named::Section(self.section_keys[i], i),
            other => Named::Other(other),
        }
    }
}

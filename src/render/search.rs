//! The search index: static files under [`DIR`] that `search.js` fetches a few at a time, so a
//! query downloads only what it needs, however large the site (the idea of Pagefind, written
//! for folio: no async runtime, no index held twice, and the per-page part kept by the engine).
//!
//! * **Documents.** Each page is cut at its `##`/`###` headings
//!   ([`crate::parse::markdown::search_sections`]): the text before the first heading is the
//!   page itself, each heading a document of its own whose URL has the heading's `#anchor`.
//!   Each FAQ question is a document (`topic#question`), and so is each pricing tier
//!   (`/pricing/#tier`).
//! * **Words and stems.** Text is lowercased, its diacritics folded and split at anything not a
//!   letter or digit ([`words`]). Each distinct word of the site is stemmed once, at build time,
//!   with the Snowball stemmer of `config.language` (none for a language it does not know), so
//!   the browser needs no stemmer: a fragment maps words to stems and holds postings per stem,
//!   and a query word found among the words reaches every word of its stem ("pricing" finds
//!   "prices").
//! * **Weights.** Per document and word: the page title 10 (for five words; 6 + 24/(words + 1),
//!   so a shorter title weighs more; 2 in the page's heading sections), a
//!   heading 6, a tag 3, the description 2, each use in the text 1 up to 5. A stem's weight in a
//!   document is the sum over its words, at most [`MAX_WEIGHT`].
//! * **Fragments** (`t<n>.json`). The sorted words are cut by prefix into a tree: a prefix whose
//!   words and postings fit in [`FRAGMENT_LIMIT`] bytes is a leaf file with all of them; a larger
//!   one is split by the next character, and gets a summary file of its most frequent words (for
//!   a query that is just that prefix, such as "k"). A stem in more than [`MAX_POSTINGS`]
//!   documents keeps its best ones.
//! * **Documents' files** (`d<n>.json`): [`DOCS_PER_CHUNK`] documents each, in document order
//!   (a page's sections together): URL, page title, heading, kind, text (at most [`TEXT_BYTES`]),
//!   and a draft flag in `--drafts` builds. Fetched only for the results shown.
//! * **`manifest.json`**: the version (a hash of every other file, added as `?v=` to each fetch
//!   so a browser never mixes two builds), the language, the chunk size, and the prefix tree.
//!
//! Everything is sorted: the same site gives the same bytes on every system.

use crate::model::{SearchFile, SearchIndex, SearchPage, Site};
use crate::text::html_to_text;
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The folder of the index's files (beside the search page's `search/index.html`).
pub const DIR: &str = "search/data";
/// The manifest, the one file every query fetches first.
pub const MANIFEST: &str = "search/data/manifest.json";
/// The largest a fragment of words and postings may be, in bytes (a leaf of one word whose
/// postings are capped stays far below it).
pub const FRAGMENT_LIMIT: usize = 64 * 1024;
/// The largest a summary file of a split prefix may be, in bytes.
pub const SUMMARY_LIMIT: usize = 24 * 1024;
/// Postings kept per stem in a fragment: a word in more documents keeps its best ones.
pub const MAX_POSTINGS: usize = 1000;
/// Postings kept per word in a summary file.
const SUMMARY_POSTINGS: usize = 100;
/// Words at most in a summary file.
const SUMMARY_WORDS: usize = 200;
/// Documents per documents' file.
pub const DOCS_PER_CHUNK: usize = 32;
/// Text kept per document for excerpts, in bytes (cut back to a word boundary).
pub const TEXT_BYTES: usize = 2000;
/// A stem's weight in a document at most.
pub const MAX_WEIGHT: u32 = 60;
/// Words longer than this are not indexed (hashes, long identifiers).
const MAX_WORD_CHARS: usize = 40;

const TITLE: u32 = 10;
const TITLE_IN_SECTION: u32 = 2;
const HEADING: u32 = 6;
const TAG: u32 = 3;
const DESCRIPTION: u32 = 2;
const BODY_CAP: u32 = 5;

/// The words of `text` as the index and `search.js` see them: lowercase, diacritics folded
/// (`é` → `e`), split at anything that is not a letter or digit; words of one character or of
/// more than 40 are left out. `search.js` folds a query the same way (`fold`).
pub fn words(text: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
    use std::borrow::Cow;
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).filter_map(|w| {
        // Most words are ASCII: lowercased without allocating when they already are.
        let folded: Cow<'_, str> = if w.is_ascii() {
            if w.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(w.to_ascii_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        } else {
            Cow::Owned(w.to_lowercase().nfd().filter(|c| !is_combining_mark(*c)).collect())
        };
        let n = if folded.is_ascii() { folded.len() } else { folded.chars().count() };
        ((2..=MAX_WORD_CHARS).contains(&n) && folded.chars().all(char::is_alphanumeric)).then_some(folded)
    })
}

/// The Snowball stemmer of a language code (`en`, `en-GB`, `de`, …), if there is one.
pub fn stemmer(language: &str) -> Option<rust_stemmers::Stemmer> {
    use rust_stemmers::Algorithm::*;
    let code = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    let algorithm = match code.as_str() {
        "ar" => Arabic,
        "da" => Danish,
        "nl" => Dutch,
        "en" => English,
        "fi" => Finnish,
        "fr" => French,
        "de" => German,
        "el" => Greek,
        "hu" => Hungarian,
        "it" => Italian,
        "no" | "nb" | "nn" => Norwegian,
        "pt" => Portuguese,
        "ro" => Romanian,
        "ru" => Russian,
        "es" => Spanish,
        "sv" => Swedish,
        "ta" => Tamil,
        "tr" => Turkish,
        _ => return None,
    };
    Some(rust_stemmers::Stemmer::create(algorithm))
}

/// All that a page's index entry is made from; the engine keeps entries by a hash of this.
pub struct SearchInput<'a> {
    title: &'a str,
    url: &'a str,
    article: bool,
    description: Option<&'a str>,
    tags: &'a [String],
    draft: bool,
    /// The text, cut at headings, comes from here.
    rendered: &'a crate::parse::markdown::Rendered,
}

impl std::hash::Hash for SearchInput<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // `rendered.hash` covers every field of the rendering; the version, how entries are made.
        (2u8, self.title, self.url, self.article, self.description, self.tags, self.draft, self.rendered.hash).hash(h);
    }
}

impl<'a> SearchInput<'a> {
    pub fn of(sections: &[crate::model::Section], p: &'a crate::model::Page) -> SearchInput<'a> {
        SearchInput::with(sections, p, &p.rendered)
    }

    /// The input of page `p` rendered as `rendered` (before the page holds it).
    pub fn with(sections: &[crate::model::Section], p: &'a crate::model::Page, rendered: &'a crate::parse::markdown::Rendered) -> SearchInput<'a> {
        SearchInput {
            title: &p.title,
            url: &p.url,
            article: p.section.is_some_and(|s| !sections[s].is_home()),
            description: p.meta.description.as_deref(),
            tags: &p.meta.tags,
            draft: p.meta.draft,
            rendered,
        }
    }
}

/// The weight of a word of a page's title: [`TITLE`] for a title of five words, more for a
/// shorter title and less for a longer one (down to 6): a word is more of what a short title is
/// about (the length normalisation of BM25F, for the one field where it matters here).
fn title_weight(title: &str) -> u32 {
    let n = words(title).count() as u32;
    (6 * (n + 1) + 24) / (n + 1)
}

/// A document's words and weights while they are counted; the words borrowed from the text
/// where they are already lowercase, so counting allocates little.
type Counts<'a> = HashMap<std::borrow::Cow<'a, str>, u32>;

/// Adds `weight` to each distinct word of `text` (once per word).
fn add_once<'a>(terms: &mut Counts<'a>, text: &'a str, weight: u32) {
    let mut seen = rustc_hash::FxHashSet::default();
    for w in words(text) {
        if seen.insert(w.clone()) {
            *terms.entry(w).or_default() += weight;
        }
    }
}

/// The words of `text`, each counted once per use up to [`BODY_CAP`].
fn body_counts(text: &str) -> Counts<'_> {
    let mut counts: Counts<'_> = HashMap::default();
    for w in words(text) {
        *counts.entry(w).or_default() += 1;
    }
    for n in counts.values_mut() {
        *n = (*n).min(BODY_CAP);
    }
    counts
}

/// `s` cut to at most `max` bytes, back to the last space when cut.
fn cut_text(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &s[..end];
    cut.rfind(' ').map_or(cut, |i| &cut[..i]).to_string()
}

/// A document's record in a documents' file: `[url,title,heading,kind,text(,1 for a draft)]`.
fn record(url: &str, title: &str, heading: &str, kind: &str, text: &str, draft: bool) -> String {
    let mut s = String::with_capacity(url.len() + title.len() + heading.len() + text.len() + 24);
    let _ = write!(s, "[{},{},{},{},{}", json(url), json(title), json(heading), json(kind), json(text));
    if draft {
        s.push_str(",1");
    }
    s.push(']');
    s
}

/// Packs documents for a [`SearchPage`]: for each, its record (`u32` length, bytes), then its
/// words (`u32` count, and per word a weight byte, a length byte and the word), sorted by word.
fn pack<'a>(docs: impl IntoIterator<Item = (String, Counts<'a>)>) -> (u32, Box<[u8]>) {
    let mut out = Vec::new();
    let mut n = 0;
    for (record, counts) in docs {
        n += 1;
        out.extend_from_slice(&(record.len() as u32).to_le_bytes());
        out.extend_from_slice(record.as_bytes());
        let mut terms: Vec<(std::borrow::Cow<'_, str>, u32)> = counts.into_iter().collect();
        terms.sort_unstable();
        out.extend_from_slice(&(terms.len() as u32).to_le_bytes());
        for (w, weight) in &terms {
            // A word is at most 40 characters (`words`): at most 160 bytes.
            out.push(u8::try_from((*weight).min(MAX_WEIGHT)).unwrap_or(u8::MAX));
            out.push(u8::try_from(w.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(w.as_bytes());
        }
    }
    (n, out.into_boxed_slice())
}

/// One packed document: its record and its words with their weights.
struct Unpacked<'a> {
    record: &'a str,
    terms: &'a [u8],
}

impl<'a> Unpacked<'a> {
    fn terms(&self) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let mut rest = self.terms;
        std::iter::from_fn(move || {
            let (&weight, tail) = rest.split_first()?;
            let (&len, tail) = tail.split_first()?;
            let (word, tail) = tail.split_at_checked(usize::from(len))?;
            rest = tail;
            Some((std::str::from_utf8(word).unwrap_or_default(), u32::from(weight)))
        })
    }
}

/// The documents packed by [`pack`]. Bytes that do not parse (a spool that could not be read
/// gives none) end the list.
fn unpack(bytes: &[u8]) -> impl Iterator<Item = Unpacked<'_>> + '_ {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let take_u32 = |b: &mut &[u8]| -> Option<usize> {
            let (n, tail) = b.split_at_checked(4)?;
            *b = tail;
            Some(u32::from_le_bytes(n.try_into().ok()?) as usize)
        };
        let len = take_u32(&mut rest)?;
        let (record, tail) = rest.split_at_checked(len)?;
        rest = tail;
        let count = take_u32(&mut rest)?;
        let start = rest;
        for _ in 0..count {
            let len = usize::from(*rest.get(1)?);
            rest = rest.get(2 + len..)?;
        }
        let terms = &start[..start.len() - rest.len()];
        Some(Unpacked { record: std::str::from_utf8(record).unwrap_or_default(), terms })
    })
}

/// The index entry of one page: its documents with their weighted words, packed. `hash` is the
/// hash of `input` (kept in the entry: the index's version is made from the entries' hashes).
pub fn page_entry(input: &SearchInput<'_>, hash: u64) -> Arc<SearchPage> {
    let sections: &[crate::parse::markdown::SearchSection] = &input.rendered.search_sections;
    let none = [crate::parse::markdown::SearchSection::default()];
    let sections = if sections.is_empty() { &none[..] } else { sections };
    let kind = if input.article { "Article" } else { "Page" };
    let docs = sections.iter().enumerate().map(|(i, s)| {
        let mut terms = body_counts(&s.text);
        if i == 0 {
            add_once(&mut terms, input.title, title_weight(input.title));
            for t in input.tags {
                add_once(&mut terms, t, TAG);
            }
            if let Some(d) = input.description {
                add_once(&mut terms, d, DESCRIPTION);
            }
        } else {
            add_once(&mut terms, input.title, TITLE_IN_SECTION);
            add_once(&mut terms, &s.heading, HEADING);
        }
        // The page's own document shows its description when its text is empty.
        let text = match (i, input.description) {
            (0, Some(d)) if s.text.is_empty() => d,
            _ => &s.text,
        };
        let url = match &s.id {
            Some(a) => format!("{}#{}", input.url, a),
            None => input.url.to_string(),
        };
        (record(&url, input.title, &s.heading, kind, &cut_text(text, TEXT_BYTES), input.draft), terms)
    });
    let (docs, packed) = pack(docs);
    let content_hash = crate::hash::hash_bytes(&packed);
    Arc::new(SearchPage { docs, packed: crate::spool::Packed::Held(packed), hash, content_hash })
}

/// The FAQ's questions, one document each, as entries after the pages'.
fn faq_entries(topics: &[crate::marketing::FaqTopic]) -> Vec<Arc<SearchPage>> {
    topics
        .iter()
        .flat_map(|t| {
            t.questions.iter().map(move |q| {
                let text = html_to_text(&q.answer);
                let mut terms = body_counts(&text);
                add_once(&mut terms, &q.question, TITLE);
                add_once(&mut terms, &t.title, 1);
                let url = format!("{}#{}", t.url, q.id);
                let (docs, packed) = pack([(record(&url, &q.question, "", "FAQ", &cut_text(&text, TEXT_BYTES), false), terms)]);
                let hash = crate::hash::hash_bytes(&packed);
                Arc::new(SearchPage { docs, packed: crate::spool::Packed::Held(packed), hash, content_hash: hash })
            })
        })
        .collect()
}

/// The pricing tiers, one document each (`/pricing/#tier`), after the FAQ's: the tier's name
/// weighs as a title, its group's title as a heading, and its text is the price, summary and
/// features as the table shows them.
fn pricing_entries(groups: &[crate::marketing::pricing::PricingGroup]) -> Vec<Arc<SearchPage>> {
    groups
        .iter()
        .flat_map(|g| {
            g.tiers.iter().map(move |t| {
                // Sentences, each ended once: "$5,400 /month. A part-time CTO… Strategy sessions: Weekly."
                let mut text = format!("{} {}", t.price_display, t.period_display).trim().to_string();
                let features = t.features.iter().filter(|f| f.included).map(|f| match &f.name {
                    Some(name) => format!("{name}: {}", f.value),
                    None => f.value.clone(),
                });
                for part in [t.summary.clone()].into_iter().chain(g.description.clone()).chain(features) {
                    let part = part.trim();
                    if part.is_empty() {
                        continue;
                    }
                    if !text.is_empty() && !text.ends_with(['.', '!', '?']) {
                        text.push('.');
                    }
                    text.push(' ');
                    text.push_str(part);
                }
                if !text.ends_with(['.', '!', '?']) {
                    text.push('.');
                }
                let text = text.trim_start().to_string();
                let mut terms = body_counts(&text);
                add_once(&mut terms, &t.name, TITLE);
                add_once(&mut terms, &g.title, HEADING);
                add_once(&mut terms, "pricing price plan", DESCRIPTION);
                let url = format!("/pricing/#{}", t.id);
                let (docs, packed) = pack([(record(&url, &t.name, &g.title, "Pricing", &cut_text(&text, TEXT_BYTES), false), terms)]);
                let hash = crate::hash::hash_bytes(&packed);
                Arc::new(SearchPage { docs, packed: crate::spool::Packed::Held(packed), hash, content_hash: hash })
            })
        })
        .collect()
}

/// The index, merged from every page's entry and the FAQ once per site (kept in the site: every
/// search job asks). Notes the reads it depends on for whichever job asks.
pub fn index(site: &Site) -> Arc<SearchIndex> {
    let entries = site.search_entries();
    let topics = &site.marketing().topics;
    let language = &site.config().language;
    Arc::clone(site.search_index_cell().get_or_init(|| {
        let started = std::time::Instant::now();
        let mut pages: Vec<Arc<SearchPage>> = entries.iter().map(|e| Arc::clone(&e.page)).collect();
        pages.extend(faq_entries(topics));
        pages.extend(pricing_entries(&site.marketing().groups));
        let index = merge(pages, language);
        if std::env::var_os("FOLIO_TIMINGS").is_some() {
            let mem = crate::fsx::memory_mb().map(|(rss, peak)| format!(" [{rss}/{peak} MB]")).unwrap_or_default();
            eprintln!("search index: {} files merged in {:.1} ms{mem}", index.len(), started.elapsed().as_secs_f64() * 1000.0);
        }
        Arc::new(index)
    }))
}

impl SearchIndex {
    /// How many files: the manifest, the fragments, the documents' files.
    pub fn len(&self) -> usize {
        1 + self.fragments.len() + self.chunks()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    fn chunks(&self) -> usize {
        (self.docs as usize).div_ceil(DOCS_PER_CHUNK)
    }

    /// The path of file `n` (see [`SearchIndex::file`]).
    pub fn path(&self, n: usize) -> Option<String> {
        match n.checked_sub(1) {
            None => Some(MANIFEST.to_string()),
            Some(n) if n < self.fragments.len() => Some(format!("{DIR}/t{n}.json")),
            Some(n) => (n - self.fragments.len() < self.chunks()).then(|| format!("{DIR}/d{}.json", n - self.fragments.len())),
        }
    }

    /// File `n` (the manifest first, then the fragments, then the documents' files).
    pub fn file(&self, n: usize) -> Option<SearchFile> {
        if n == 0 {
            return Some(SearchFile { path: MANIFEST.to_string(), text: self.manifest.clone() });
        }
        let n = n - 1;
        if let Some(text) = self.fragments.get(n) {
            return Some(SearchFile { path: format!("{DIR}/t{n}.json"), text: text.clone() });
        }
        let chunk = n - self.fragments.len();
        (chunk < self.chunks()).then(|| SearchFile { path: format!("{DIR}/d{chunk}.json"), text: self.chunk_json(chunk) })
    }

    /// A documents' file: `[record,…]` for documents `chunk * DOCS_PER_CHUNK` on.
    fn chunk_json(&self, chunk: usize) -> String {
        let from = (chunk * DOCS_PER_CHUNK) as u32;
        let to = (from + DOCS_PER_CHUNK as u32).min(self.docs);
        let mut s = String::from("[");
        let mut page = self.first_doc.partition_point(|&first| first <= from).saturating_sub(1);
        while page < self.pages.len() && self.first_doc[page] < to {
            let bytes = self.pages[page].packed.bytes();
            for (i, d) in unpack(&bytes).enumerate() {
                let id = self.first_doc[page] + i as u32;
                if (from..to).contains(&id) {
                    if s.len() > 1 {
                        s.push(',');
                    }
                    s.push_str(d.record);
                }
            }
            page += 1;
        }
        s.push(']');
        s
    }
}

/// A posting: a document and its weight (at most [`MAX_WEIGHT`], under 64) in one `u32`, so a
/// list sorts by document. Room for 2^26 documents.
fn posting(doc: u32, weight: u32) -> u32 {
    doc << 6 | weight.min(MAX_WEIGHT)
}

fn unposting(p: u32) -> (u32, u32) {
    (p >> 6, p & 63)
}

/// Merges the entries (see the module comment).
pub fn merge(pages: Vec<Arc<SearchPage>>, language: &str) -> SearchIndex {
    use rayon::prelude::*;
    let mut first_doc = Vec::with_capacity(pages.len());
    let mut docs = 0u32;
    for p in &pages {
        first_doc.push(docs);
        docs += p.docs;
    }

    // Stems: each distinct word of the site stemmed once; the steps over every document run in
    // parallel, and stem numbers follow the sorted words, so nothing depends on the threads.
    let stemmer = stemmer(language);
    let distinct: Vec<Box<str>> = {
        let sets = pages
            .par_iter()
            .fold(rustc_hash::FxHashSet::<Box<str>>::default, |mut set, p| {
                let bytes = p.packed.bytes();
                for d in unpack(&bytes) {
                    for (w, _) in d.terms() {
                        if !set.contains(w) {
                            set.insert(w.into());
                        }
                    }
                }
                set
            })
            .reduce(rustc_hash::FxHashSet::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                big.extend(small);
                big
            });
        let mut v: Vec<Box<str>> = sets.into_iter().collect();
        v.par_sort_unstable();
        v
    };
    let stems: Vec<String> = distinct
        .par_iter()
        .map(|w| match &stemmer {
            Some(st) => st.stem(w).into_owned(),
            None => w.to_string(),
        })
        .collect();
    let mut stem_ids: HashMap<&str, u32> = HashMap::default();
    let mut word_stem: HashMap<&str, u32> = HashMap::default();
    word_stem.reserve(distinct.len());
    for (w, st) in distinct.iter().zip(&stems) {
        let next = stem_ids.len() as u32;
        word_stem.insert(w, *stem_ids.entry(st.as_str()).or_insert(next));
    }

    // Postings, a run of pages at a time: each run's (stem, posting) pairs sorted, then added
    // to the lists in page order, so each list is in document order. A few runs at once, and a
    // list is cut to its best postings whenever it reaches twice as many as it keeps (the best
    // of all are the best of the best so far and the rest), so the working set stays small.
    const RUN: usize = 512;
    const RUNS_AT_ONCE: usize = 16;
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); stem_ids.len()];
    for (b, batch) in pages.chunks(RUN * RUNS_AT_ONCE).enumerate() {
        let runs: Vec<Vec<(u32, u32)>> = batch
            .par_chunks(RUN)
            .enumerate()
            .map(|(r, run)| {
                let mut pairs: Vec<(u32, u32)> = Vec::new();
                let mut doc_stems: Vec<(u32, u32)> = Vec::new();
                for (k, p) in run.iter().enumerate() {
                    let bytes = p.packed.bytes();
                    for (i, d) in unpack(&bytes).enumerate() {
                        let id = first_doc[b * RUN * RUNS_AT_ONCE + r * RUN + k] + i as u32;
                        doc_stems.clear();
                        doc_stems.extend(d.terms().map(|(w, weight)| (word_stem[w], weight)));
                        doc_stems.sort_unstable();
                        // One posting a stem: its words' weights added up.
                        doc_stems.dedup_by(|later, kept| {
                            let same = later.0 == kept.0;
                            if same {
                                kept.1 += later.1;
                            }
                            same
                        });
                        pairs.extend(doc_stems.iter().map(|&(stem, weight)| (stem, posting(id, weight))));
                    }
                }
                pairs.sort_unstable();
                pairs
            })
            .collect();
        for run in runs {
            for (stem, p) in run {
                let list = &mut postings[stem as usize];
                list.push(p);
                if list.len() >= 2 * MAX_POSTINGS {
                    cap(list, MAX_POSTINGS);
                }
            }
        }
    }
    postings.par_iter_mut().for_each(|list| {
        cap(list, MAX_POSTINGS);
        list.shrink_to_fit();
    });
    let cost: Vec<usize> = postings.par_iter().map(|p| postings_cost(p)).collect();
    let words: Vec<(&str, u32)> = distinct.iter().map(|w| (&**w, word_stem[&**w])).collect();

    // The prefix tree and its files.
    let mut fragments: Vec<String> = Vec::new();
    let mut leaves: Vec<(String, usize)> = Vec::new();
    let mut inner: Vec<(String, usize)> = Vec::new();
    let tree = Tree { postings: &postings, cost: &cost };
    tree.node(String::new(), 0, &words, &mut fragments, &mut leaves, &mut inner);

    // The version: every fragment, and every entry's bytes (which hold the documents' records),
    // in order.
    let version = crate::hash::hash_of(&(
        fragments.iter().map(|f| crate::hash::hash_bytes(f.as_bytes())).collect::<Vec<_>>(),
        pages.iter().map(|p| p.content_hash).collect::<Vec<_>>(),
        DOCS_PER_CHUNK,
        TEXT_BYTES,
    ));
    let mut manifest = String::new();
    let _ = write!(
        manifest,
        "{{\"v\":\"{:016x}\",\"lang\":{},\"docs\":{},\"chunk\":{},\"leaf\":{},\"inner\":{}}}",
        version,
        json(language),
        docs,
        DOCS_PER_CHUNK,
        prefix_map(&leaves),
        prefix_map(&inner)
    );
    SearchIndex { manifest, fragments, pages, first_doc, docs }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `{"prefix":file,…}`, in the order given (sorted by the tree walk).
fn prefix_map(v: &[(String, usize)]) -> String {
    let mut sorted: Vec<&(String, usize)> = v.iter().collect();
    sorted.sort();
    let mut s = String::from("{");
    for (i, (p, n)) in sorted.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}:{n}", json(p));
    }
    s.push('}');
    s
}

/// Keeps the best `max` postings (highest weight, then first document), in document order.
fn cap(list: &mut Vec<u32>, max: usize) {
    if list.len() > max {
        list.sort_unstable_by_key(|&p| {
            let (doc, weight) = unposting(p);
            (std::cmp::Reverse(weight), doc)
        });
        list.truncate(max);
        list.sort_unstable();
    }
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// Bytes a postings list takes in a fragment, an upper bound: `[d,w,d,w],`.
fn postings_cost(p: &[u32]) -> usize {
    let mut last = 0;
    let mut n = 3;
    for &p in p {
        let (d, w) = unposting(p);
        n += digits(d - last) + digits(w) + 2;
        last = d;
    }
    n
}

struct Tree<'a> {
    postings: &'a [Vec<u32>],
    cost: &'a [usize],
}

impl Tree<'_> {
    /// Bytes `words` take in a fragment, an upper bound (a stem shared by two words counted
    /// twice; the stem index at most 6 digits).
    fn size(&self, words: &[(&str, u32)]) -> usize {
        16 + words.iter().map(|(w, s)| w.len() + 10 + self.cost[*s as usize]).sum::<usize>()
    }

    /// Files the words under `prefix` (its first `depth` characters): one leaf file, or a
    /// summary file and a node per next character.
    fn node(
        &self,
        prefix: String,
        depth: usize,
        words: &[(&str, u32)],
        files: &mut Vec<String>,
        leaves: &mut Vec<(String, usize)>,
        inner: &mut Vec<(String, usize)>,
    ) {
        let longer = words.iter().any(|(w, _)| w.chars().nth(depth).is_some());
        if self.size(words) <= FRAGMENT_LIMIT || !longer {
            leaves.push((prefix, files.len()));
            files.push(fragment_json(words, self.postings, usize::MAX));
            return;
        }
        // The summary: the prefix itself when it is a word, then the words in most documents.
        let mut ranked: Vec<&(&str, u32)> = words.iter().collect();
        ranked.sort_by(|a, b| {
            (a.0.chars().count() != depth)
                .cmp(&(b.0.chars().count() != depth))
                .then(self.postings[b.1 as usize].len().cmp(&self.postings[a.1 as usize].len()))
                .then(a.0.cmp(b.0))
        });
        let mut chosen: Vec<(&str, u32)> = Vec::new();
        let mut size = 16;
        for (w, s) in ranked.into_iter().take(SUMMARY_WORDS) {
            let p = &self.postings[*s as usize];
            let c = w.len() + 10 + postings_cost(&p[..p.len().min(SUMMARY_POSTINGS)]);
            if size + c > SUMMARY_LIMIT {
                break;
            }
            size += c;
            chosen.push((w, *s));
        }
        chosen.sort_unstable();
        inner.push((prefix.clone(), files.len()));
        files.push(fragment_json(&chosen, self.postings, SUMMARY_POSTINGS));
        // Children: the words longer than the prefix, grouped by their next character (sorted
        // words with the same first characters are next to each other).
        let mut i = 0;
        while i < words.len() {
            let Some(c) = words[i].0.chars().nth(depth) else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < words.len() && words[j].0.chars().nth(depth) == Some(c) {
                j += 1;
            }
            let mut child = prefix.clone();
            child.push(c);
            self.node(child, depth + 1, &words[i..j], files, leaves, inner);
            i = j;
        }
    }
}

/// A fragment: `{"w":{"word":stem,…},"p":[[doc,weight,…],…]}`, each stem's postings with
/// documents as differences from the previous one, at most `max` postings a stem (the best).
fn fragment_json(words: &[(&str, u32)], postings: &[Vec<u32>], max: usize) -> String {
    let mut local: HashMap<u32, usize> = HashMap::default();
    let mut order: Vec<u32> = Vec::new();
    let mut s = String::from("{\"w\":{");
    for (i, (w, stem)) in words.iter().enumerate() {
        let n = *local.entry(*stem).or_insert_with(|| {
            order.push(*stem);
            order.len() - 1
        });
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}:{n}", json(w));
    }
    s.push_str("},\"p\":[");
    for (i, stem) in order.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let all = &postings[*stem as usize];
        let capped;
        let list = if all.len() > max {
            let mut some = all.clone();
            cap(&mut some, max);
            capped = some;
            &capped
        } else {
            all
        };
        s.push('[');
        let mut last = 0;
        for (k, &p) in list.iter().enumerate() {
            let (d, w) = unposting(p);
            if k > 0 {
                s.push(',');
            }
            let _ = write!(s, "{},{w}", d - last);
            last = d;
        }
        s.push(']');
    }
    s.push_str("]}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, title: &str, sections: &[(Option<&str>, &str, &str)]) -> Arc<SearchPage> {
        let rendered = crate::parse::markdown::Rendered {
            search_sections: sections
                .iter()
                .map(|(id, h, t)| crate::parse::markdown::SearchSection { id: id.map(str::to_string), heading: h.to_string(), text: t.to_string() })
                .collect(),
            ..Default::default()
        };
        let input = SearchInput { title, url, article: true, description: None, tags: &[], draft: false, rendered: &rendered };
        page_entry(&input, 1)
    }

    #[test]
    fn words_are_lowercased_folded_and_split() {
        let w: Vec<String> = words("Café-au-lait, naïve CTO's résumé x 42 Ärger").map(|w| w.into_owned()).collect();
        assert_eq!(w, ["cafe", "au", "lait", "naive", "cto", "resume", "42", "arger"]);
        assert_eq!(words(&"a".repeat(41)).count(), 0);
    }

    #[test]
    fn stemming_groups_word_forms_and_unknown_languages_do_not_stem() {
        let en = stemmer("en-GB").expect("English");
        for w in ["price", "prices", "pricing", "priced"] {
            assert_eq!(en.stem(w), "price", "{w}");
        }
        assert_eq!(en.stem("hiring"), en.stem("hire"));
        assert!(stemmer("xx").is_none());
        assert!(stemmer("de").is_some());
    }

    fn fragment_of(files: &[SearchFile], word: &str) -> serde_json::Value {
        let m: serde_json::Value = serde_json::from_str(&files[0].text).expect("manifest");
        // The deepest leaf whose prefix starts the word.
        let mut best: Option<(usize, u64)> = None;
        for (p, n) in m["leaf"].as_object().expect("leaves") {
            if word.starts_with(p.as_str()) && best.is_none_or(|(l, _)| p.len() >= l) {
                best = Some((p.len(), n.as_u64().expect("number")));
            }
        }
        let n = best.expect("a leaf").1;
        let f = files.iter().find(|f| f.path == format!("{DIR}/t{n}.json")).expect("fragment");
        serde_json::from_str(&f.text).expect("json")
    }

    #[test]
    fn a_word_reaches_every_form_of_its_stem_and_titles_weigh_most() {
        let entries = [
            entry("/a/", "Pricing", &[(None, "", "Our prices."), (Some("plans"), "Plans", "Priced monthly.")]),
            entry("/b/", "Other", &[(None, "", "We talk about price once.")]),
        ];
        let files = files_of(&entries);
        let f = fragment_of(&files, "pricing");
        let stem = f["w"]["pricing"].as_u64().expect("pricing is a word");
        assert_eq!(f["w"]["prices"].as_u64(), Some(stem));
        assert_eq!(f["w"]["price"].as_u64(), Some(stem));
        // Docs 0 (/a/), 1 (/a/#plans), 2 (/b/): differences, weights.
        let p: Vec<u64> = f["p"][stem as usize].as_array().expect("postings").iter().map(|v| v.as_u64().expect("n")).collect();
        assert_eq!(p, [0, 19, 1, 3, 1, 1], "title of one word 18 + body 1; title in a section 2 + body 1; body 1");
        let docs: serde_json::Value = serde_json::from_str(&files.iter().find(|f| f.path == format!("{DIR}/d0.json")).expect("docs").text).expect("json");
        assert_eq!(docs[1][0], "/a/#plans");
        assert_eq!(docs[1][2], "Plans");
    }

    /// Every file of the index merged from `pages`.
    fn files_of(pages: &[Arc<SearchPage>]) -> Vec<SearchFile> {
        let index = merge(pages.to_vec(), "en");
        (0..index.len()).map(|n| index.file(n).expect("a file")).collect()
    }

    fn big_site(pages: usize) -> Vec<Arc<SearchPage>> {
        // Deterministic pseudo-words: many distinct words sharing prefixes, some in every page.
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let syllables = ["ka", "ki", "ko", "ra", "ri", "ta", "to", "sa", "pri", "cing", "ment", "lo", "ve", "st"];
        (0..pages)
            .map(|i| {
                let text: Vec<String> = (0..300)
                    .map(|_| {
                        let n = 1 + next() % 4;
                        (0..n).map(|_| syllables[next() % syllables.len()]).collect::<String>()
                    })
                    .collect();
                let title = format!("Page {i} {}", text[0]);
                let url = format!("/p/{i}/");
                let t = text.join(" ");
                entry(&url, &title, &[(None, "", &t[..t.len() / 2]), (Some("more"), "More", &t[t.len() / 2..])])
            })
            .collect()
    }

    #[test]
    fn every_file_stays_under_its_limit_and_the_bytes_do_not_change() {
        let entries = big_site(1500);
        let files = files_of(&entries);
        assert!(files.len() > 20, "{} files: the index was split", files.len());
        for f in &files {
            assert!(f.text.len() <= FRAGMENT_LIMIT, "{} is {} bytes", f.path, f.text.len());
        }
        let m: serde_json::Value = serde_json::from_str(&files[0].text).expect("manifest");
        assert!(!m["inner"].as_object().expect("inner").is_empty(), "some prefix was split");
        // Every word is in exactly one leaf: the leaves' prefixes do not start one another.
        let leaves: Vec<&String> = m["leaf"].as_object().expect("leaf").keys().collect();
        for a in &leaves {
            for b in &leaves {
                assert!(a == b || !b.starts_with(a.as_str()), "{a} and {b}");
            }
        }
        assert_eq!(files, files_of(&entries), "same input, same bytes");
        // Documents are numbered across pages: document 32 is page 16's start.
        assert_eq!(m["docs"], 3000);
        let d1: serde_json::Value = serde_json::from_str(&files.iter().find(|f| f.path == format!("{DIR}/d1.json")).expect("d1").text).expect("json");
        assert_eq!(d1.as_array().map(Vec::len), Some(DOCS_PER_CHUNK));
        assert_eq!((d1[0][0].as_str(), d1[1][0].as_str(), d1[31][0].as_str()), (Some("/p/16/"), Some("/p/16/#more"), Some("/p/31/#more")));
    }

    #[test]
    fn entries_in_a_spool_give_the_same_files() {
        let entries = big_site(300);
        let dir = std::env::temp_dir().join(format!("folio-search-spool-{}", std::process::id()));
        let spool = Arc::new(crate::spool::Spool::new_in(&dir).expect("spool"));
        let spooled: Vec<Arc<SearchPage>> = entries
            .iter()
            .map(|e| {
                let mut page = SearchPage::clone(e);
                page.packed.spool(&spool);
                assert!(matches!(page.packed, crate::spool::Packed::Spooled(..)));
                Arc::new(page)
            })
            .collect();
        assert_eq!(files_of(&spooled), files_of(&entries));
        assert!(spool.failure().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

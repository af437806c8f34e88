//! The search index: static files under [`DIR`] that `search.js` fetches a few at a time, so a
//! query downloads only what it needs, however large the site (the idea of Pagefind, written
//! for folio: no async runtime, no index held twice, and the per-page part kept by the engine).
//!
//! * **Documents.** Each page is cut at its `##`/`###` headings
//!   ([`crate::parse::markdown::search_sections`]): the text before the first heading is the
//!   page itself, each heading a document of its own whose URL has the heading's `#anchor`.
//!   Each FAQ question is a document (`topic#question`).
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

use crate::model::{SearchDoc, SearchEntry, SearchFile, SearchPage, Site, Terms};
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
pub const DOCS_PER_CHUNK: usize = 16;
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

fn sorted_terms(terms: Counts<'_>) -> Terms {
    let mut v: Vec<(std::borrow::Cow<'_, str>, u32)> = terms.into_iter().collect();
    v.sort_unstable();
    v.iter().map(|(w, n)| (&**w, (*n).min(MAX_WEIGHT).min(u32::from(u8::MAX)))).collect()
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

/// The index entry of one page: its documents with their weighted words. `hash` is the hash of
/// `input` (kept in the entry so the merged files' key needs no second pass over the text).
pub fn page_entry(input: &SearchInput<'_>, hash: u64) -> Arc<SearchPage> {
    let mut docs = Vec::with_capacity(input.rendered.search_sections.len().max(1));
    let sections: &[crate::parse::markdown::SearchSection] = &input.rendered.search_sections;
    let none = [crate::parse::markdown::SearchSection::default()];
    let sections = if sections.is_empty() { &none[..] } else { sections };
    for (i, s) in sections.iter().enumerate() {
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
        docs.push(SearchDoc { anchor: s.id.clone(), heading: s.heading.clone(), text: cut_text(text, TEXT_BYTES), terms: sorted_terms(terms) });
    }
    Arc::new(SearchPage {
        title: input.title.to_string(),
        url: input.url.to_string(),
        kind: if input.article { "Article" } else { "Page" },
        draft: input.draft,
        docs,
        hash,
    })
}

/// One document as the merge sees it.
struct Doc<'a> {
    url: String,
    title: &'a str,
    heading: &'a str,
    kind: &'static str,
    draft: bool,
    text: &'a str,
    terms: &'a Terms,
}

/// The index's files, merged from every page's entry and the FAQ once per site (kept in the
/// site: every search job asks). Notes the reads it depends on for whichever job asks.
pub fn files(site: &Site) -> Arc<Vec<SearchFile>> {
    let entries = site.search_entries();
    let topics = &site.marketing().topics;
    let language = &site.config().language;
    Arc::clone(site.search_files_cell().get_or_init(|| {
        let faq: Vec<(String, &str, &str, SearchDoc)> = topics
            .iter()
            .flat_map(|t| {
                t.questions.iter().map(move |q| {
                    let text = html_to_text(&q.answer);
                    let mut terms = body_counts(&text);
                    add_once(&mut terms, &q.question, TITLE);
                    add_once(&mut terms, &t.title, 1);
                    let terms = sorted_terms(terms);
                    let doc = SearchDoc { anchor: None, heading: String::new(), text: cut_text(&text, TEXT_BYTES), terms };
                    (format!("{}#{}", t.url, q.id), q.question.as_str(), t.title.as_str(), doc)
                })
            })
            .collect();
        let started = std::time::Instant::now();
        let files = merge(entries, &faq, language);
        if std::env::var_os("FOLIO_TIMINGS").is_some() {
            eprintln!("search index: {} files merged in {:.1} ms", files.len(), started.elapsed().as_secs_f64() * 1000.0);
        }
        Arc::new(files)
    }))
}

/// The files of the index (see the module comment), the manifest first.
pub fn merge(entries: &[SearchEntry], faq: &[(String, &str, &str, SearchDoc)], language: &str) -> Vec<SearchFile> {
    let mut docs: Vec<Doc<'_>> = Vec::new();
    for e in entries {
        let p: &SearchPage = &e.page;
        for d in &p.docs {
            let url = match &d.anchor {
                Some(a) => format!("{}#{}", p.url, a),
                None => p.url.clone(),
            };
            docs.push(Doc { url, title: &p.title, heading: &d.heading, kind: p.kind, draft: p.draft, text: &d.text, terms: &d.terms });
        }
    }
    for (url, question, _topic, d) in faq {
        docs.push(Doc { url: url.clone(), title: question, heading: "", kind: "FAQ", draft: false, text: &d.text, terms: &d.terms });
    }

    // Stems: each distinct word of the site stemmed once; the steps over every document run in
    // parallel, and stem numbers follow the sorted words, so nothing depends on the threads.
    use rayon::prelude::*;
    let stemmer = stemmer(language);
    let distinct: Vec<&str> = {
        let sets = docs
            .par_iter()
            .fold(rustc_hash::FxHashSet::default, |mut set, d| {
                set.extend(d.terms.iter().map(|(w, _)| w));
                set
            })
            .reduce(rustc_hash::FxHashSet::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                big.extend(small);
                big
            });
        let mut v: Vec<&str> = sets.into_iter().collect();
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
    let per_doc: Vec<Vec<(u32, u32)>> = docs
        .par_iter()
        .map(|d| {
            let mut v: Vec<(u32, u32)> = d.terms.iter().map(|(w, weight)| (word_stem[w], weight)).collect();
            v.sort_unstable();
            // One posting a stem: its words' weights added up.
            v.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 += later.1;
                }
                same
            });
            v
        })
        .collect();
    let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); stem_ids.len()];
    for (id, stems) in per_doc.iter().enumerate() {
        for (stem, weight) in stems {
            postings[*stem as usize].push((id as u32, (*weight).min(MAX_WEIGHT)));
        }
    }
    postings.par_iter_mut().for_each(|list| cap(list, MAX_POSTINGS));
    let cost: Vec<usize> = postings.par_iter().map(|p| postings_cost(p)).collect();
    let words: Vec<(&str, u32)> = distinct.iter().map(|w| (*w, word_stem[w])).collect();

    // The prefix tree and its files.
    let mut fragments: Vec<String> = Vec::new();
    let mut leaves: Vec<(String, usize)> = Vec::new();
    let mut inner: Vec<(String, usize)> = Vec::new();
    let tree = Tree { postings: &postings, cost: &cost };
    tree.node(String::new(), 0, &words, &mut fragments, &mut leaves, &mut inner);

    // Documents' files.
    let chunks: Vec<String> = docs.par_chunks(DOCS_PER_CHUNK).map(chunk_json).collect();

    let version = crate::hash::hash_of(&fragments.iter().chain(&chunks).map(|f| crate::hash::hash_bytes(f.as_bytes())).collect::<Vec<_>>());
    let mut manifest = String::new();
    let _ = write!(
        manifest,
        "{{\"v\":\"{:016x}\",\"lang\":{},\"docs\":{},\"chunk\":{},\"leaf\":{},\"inner\":{}}}",
        version,
        json(language),
        docs.len(),
        DOCS_PER_CHUNK,
        prefix_map(&leaves),
        prefix_map(&inner)
    );
    let mut out = Vec::with_capacity(1 + fragments.len() + chunks.len());
    out.push(SearchFile { path: MANIFEST.to_string(), text: manifest });
    out.extend(fragments.into_iter().enumerate().map(|(i, text)| SearchFile { path: format!("{DIR}/t{i}.json"), text }));
    out.extend(chunks.into_iter().enumerate().map(|(i, text)| SearchFile { path: format!("{DIR}/d{i}.json"), text }));
    out
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
fn cap(list: &mut Vec<(u32, u32)>, max: usize) {
    if list.len() > max {
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(max);
        list.sort_unstable();
    }
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// Bytes a postings list takes in a fragment, an upper bound: `[d,w,d,w],`.
fn postings_cost(p: &[(u32, u32)]) -> usize {
    let mut last = 0;
    let mut n = 3;
    for (d, w) in p {
        n += digits(d - last) + digits(*w) + 2;
        last = *d;
    }
    n
}

struct Tree<'a> {
    postings: &'a [Vec<(u32, u32)>],
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
fn fragment_json(words: &[(&str, u32)], postings: &[Vec<(u32, u32)>], max: usize) -> String {
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
        let mut list = postings[*stem as usize].clone();
        cap(&mut list, max);
        s.push('[');
        let mut last = 0;
        for (k, (d, w)) in list.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            let _ = write!(s, "{},{w}", d - last);
            last = *d;
        }
        s.push(']');
    }
    s.push_str("]}");
    s
}

/// A documents' file: `[[url,title,heading,kind,text(,1 for a draft)],…]`.
fn chunk_json(docs: &[Doc<'_>]) -> String {
    let mut s = String::from("[");
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "[{},{},{},{},{}", json(&d.url), json(d.title), json(d.heading), json(d.kind), json(d.text));
        if d.draft {
            s.push_str(",1");
        }
        s.push(']');
    }
    s.push(']');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, title: &str, sections: &[(Option<&str>, &str, &str)]) -> SearchEntry {
        let rendered = crate::parse::markdown::Rendered {
            search_sections: sections
                .iter()
                .map(|(id, h, t)| crate::parse::markdown::SearchSection { id: id.map(str::to_string), heading: h.to_string(), text: t.to_string() })
                .collect(),
            ..Default::default()
        };
        let input = SearchInput { title, url, article: true, description: None, tags: &[], draft: false, rendered: &rendered };
        SearchEntry { page: page_entry(&input, 1) }
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
        let files = merge(&entries, &[], "en");
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

    fn big_site(pages: usize) -> Vec<SearchEntry> {
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
        let files = merge(&entries, &[], "en");
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
        assert_eq!(files, merge(&entries, &[], "en"), "same input, same bytes");
    }
}

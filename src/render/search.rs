//! The search index: a JSON file of articles, pages and FAQ questions that the search page's
//! script loads and searches in the browser, so search works from static files alone.

use crate::model::Site;
use crate::parse::markdown::html_to_text;
use serde::Serialize;

pub const INDEX_FILE: &str = "search-index.json";

/// Words of body text kept per entry: enough to match on, small enough to download quickly.
const BODY_WORDS: usize = crate::parse::markdown::SEARCH_WORDS;

#[derive(Serialize)]
struct Entry<'a> {
    /// Title.
    t: &'a str,
    /// URL.
    u: String,
    /// Kind: `Article`, `Page` or `FAQ`.
    k: &'static str,
    /// Description or the start of the text.
    d: String,
    /// Extra words to match: headings, tags, the start of the body.
    w: String,
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// The index entry of one page, as JSON. Built once per page version and cached between
/// rebuilds, so the index of a large site is re-assembled, not re-computed, after an edit.
pub fn page_entry(site_sections: &[crate::model::Section], p: &crate::model::Page) -> String {
    let in_section = p.section.is_some_and(|s| !site_sections[s].is_home());
    let text = &p.rendered.search_text;
    let mut words: Vec<String> = p.rendered.toc.iter().map(|t| t.title.clone()).collect();
    words.extend(p.meta.tags.iter().cloned());
    words.push(text.clone());
    let entry = Entry {
        t: &p.title,
        u: p.url.clone(),
        k: if in_section { "Article" } else { "Page" },
        d: p.meta.description.clone().unwrap_or_else(|| first_words(text, 30)),
        w: words.join(" "),
    };
    serde_json::to_string(&entry).unwrap_or_default()
}

/// A page's entry with its hash (the index is re-assembled only when some entry changed).
pub fn entry_of(sections: &[crate::model::Section], p: &crate::model::Page) -> crate::model::SearchEntry {
    let json = page_entry(sections, p);
    crate::model::SearchEntry { hash: crate::render::site::hash_of(&json), json: std::sync::Arc::from(json) }
}

/// The whole index: the pages' cached entries, then one entry per FAQ question.
pub fn index(site: &Site) -> String {
    let mut parts: Vec<String> = Vec::new();
    for t in &site.marketing.topics {
        for q in &t.questions {
            let text = html_to_text(&q.answer);
            let e = Entry { t: &q.question, u: format!("{}#{}", t.url, q.id), k: "FAQ", d: first_words(&text, 30), w: first_words(&text, BODY_WORDS) };
            parts.push(serde_json::to_string(&e).unwrap_or_default());
        }
    }
    let size: usize = site.search_entries.iter().map(|e| e.json.len() + 1).sum::<usize>() + parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(size + 2);
    out.push('[');
    for (i, e) in site.search_entries.iter().map(|e| &*e.json).chain(parts.iter().map(String::as_str)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push(']');
    out
}

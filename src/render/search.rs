//! The search index: a JSON file of articles, pages and FAQ questions that the search page's
//! script loads and searches in the browser, so search works from static files alone.

use crate::model::Site;
use crate::text::html_to_text;
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
    /// A draft (only in a `--drafts` build): the result says "Draft". Absent otherwise, so a
    /// site without drafts has the index it always had.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    x: bool,
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// All that a page's index entry is made from; the engine keeps entries by a hash of this.
pub struct SearchInput<'a> {
    title: &'a str,
    url: &'a str,
    article: bool,
    description: Option<&'a str>,
    tags: &'a [String],
    draft: bool,
    /// Headings and the start of the text come from here.
    rendered: &'a crate::parse::markdown::Rendered,
}

impl std::hash::Hash for SearchInput<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // `rendered.hash` covers every field of the rendering.
        (self.title, self.url, self.article, self.description, self.tags, self.draft, self.rendered.hash).hash(h);
    }
}

impl<'a> SearchInput<'a> {
    pub fn of(sections: &[crate::model::Section], p: &'a crate::model::Page) -> SearchInput<'a> {
        SearchInput {
            title: &p.title,
            url: &p.url,
            article: p.section.is_some_and(|s| !sections[s].is_home()),
            description: p.meta.description.as_deref(),
            tags: &p.meta.tags,
            draft: p.meta.draft,
            rendered: &p.rendered,
        }
    }
}

/// The index entry of one page, as JSON.
pub fn page_entry(input: &SearchInput<'_>) -> std::sync::Arc<str> {
    let text = input.rendered.search_text.as_str();
    let mut words: Vec<&str> = input.rendered.toc.iter().map(|t| t.title.as_str()).collect();
    words.extend(input.tags.iter().map(String::as_str));
    words.push(text);
    let entry = Entry {
        t: input.title,
        u: input.url.to_string(),
        k: if input.article { "Article" } else { "Page" },
        d: input.description.map(str::to_string).unwrap_or_else(|| first_words(text, 30)),
        w: words.join(" "),
        x: input.draft,
    };
    std::sync::Arc::from(serde_json::to_string(&entry).unwrap_or_default())
}

/// The whole index: the pages' cached entries, then one entry per FAQ question.
pub fn index(site: &Site) -> String {
    let mut parts: Vec<String> = Vec::new();
    for t in &site.marketing().topics {
        for q in &t.questions {
            let text = html_to_text(&q.answer);
            let e =
                Entry { t: &q.question, u: format!("{}#{}", t.url, q.id), k: "FAQ", d: first_words(&text, 30), w: first_words(&text, BODY_WORDS), x: false };
            parts.push(serde_json::to_string(&e).unwrap_or_default());
        }
    }
    let size: usize = site.search_entries().iter().map(|e| e.json.len() + 1).sum::<usize>() + parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(size + 2);
    out.push('[');
    for (i, e) in site.search_entries().iter().map(|e| &*e.json).chain(parts.iter().map(String::as_str)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push(']');
    out
}

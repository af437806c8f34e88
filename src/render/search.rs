//! The search index: a JSON file of articles, pages and FAQ questions that the search page's
//! script loads and searches in the browser, so search works from static files alone.

use crate::model::Site;
use crate::parse::markdown::html_to_text;
use serde::Serialize;

pub const INDEX_FILE: &str = "search-index.json";

/// Words of body text kept per entry: enough to match on, small enough to download quickly.
const BODY_WORDS: usize = 60;

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

pub fn index(site: &Site) -> String {
    let mut entries = Vec::new();
    for p in &site.pages {
        let in_section = p.section.is_some_and(|s| !site.sections[s].is_home());
        let text = html_to_text(&p.rendered.html);
        let mut words: Vec<String> = p.rendered.toc.iter().map(|t| t.title.clone()).collect();
        words.extend(p.meta.tags.iter().cloned());
        words.push(first_words(&text, BODY_WORDS));
        entries.push(Entry {
            t: &p.title,
            u: p.url.clone(),
            k: if in_section { "Article" } else { "Page" },
            d: p.meta.description.clone().unwrap_or_else(|| first_words(&text, 30)),
            w: words.join(" "),
        });
    }
    for t in &site.marketing.topics {
        for q in &t.questions {
            let text = html_to_text(&q.answer);
            entries.push(Entry { t: &q.question, u: format!("{}#{}", t.url, q.id), k: "FAQ", d: first_words(&text, 30), w: first_words(&text, BODY_WORDS) });
        }
    }
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

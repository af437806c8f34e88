//! Markdown extensions for knowledge-base pages, built end to end: GitHub's alert syntax
//! (`> [!NOTE]` …) becomes titled callouts, `Term` / `: Definition` becomes a definition list,
//! and the text of both reaches the search index.

use crate::support::*;

#[test]
fn callouts_and_definition_lists_render_and_are_searchable() {
    let site = Site::fixture("build/callouts");
    site.build().ok();
    let html = site.read("handbook/index.html");

    let asides = elements(&html, "<aside class=\"callout", "</aside>");
    assert_eq!(asides.len(), 5, "five callouts:\n{html}");
    for ((name, title, body), aside) in [
        ("note", "Note", "Expenses close on the fifth."),
        ("tip", "Tip", "Book rooms a week ahead."),
        ("important", "Important", "Badges open every floor."),
        ("warning", "Warning", "Fire doors stay shut."),
        ("caution", "Caution", "Deleting a client is final."),
    ]
    .into_iter()
    .zip(&asides)
    {
        assert!(aside.starts_with(&format!("<aside class=\"callout callout--{name}\" role=\"note\" aria-label=\"{title}\">")), "{aside}");
        assert_contains(aside, "<p class=\"callout__title\"><svg class=\"callout__icon\" aria-hidden=\"true\"");
        assert_contains(aside, &format!("</svg>{title}</p>"));
        assert_contains(aside, &format!("<p>{body}</p>"));
    }
    assert!(!html.contains("[!"), "no alert marker is left as text");
    assert_contains(&html, "<blockquote>\n<p>An ordinary quote.</p>\n</blockquote>");
    assert_contains(
        &html,
        "<dl>\n<dt>Retainer</dt>\n<dd>A monthly fee for time held in reserve.</dd>\n<dt>Statement of work</dt>\n<dd>What we deliver, by when.</dd>\n</dl>",
    );

    let docs = site.search_docs();
    let words: String = docs.iter().filter(|d| d[0].as_str().unwrap().starts_with("/handbook/")).map(|d| d[4].as_str().unwrap()).collect::<Vec<_>>().join(" ");
    assert!(!words.is_empty(), "the handbook is in the index");
    let words = words.as_str();
    for text in ["Expenses close on the fifth.", "Deleting a client is final.", "Retainer A monthly fee", "What we deliver, by when."] {
        assert_contains(words, text);
    }
    assert!(!words.contains("Note Expenses"), "callout titles stay out of the search text: {words}");
}

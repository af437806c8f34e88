//! The CommonMark and GFM spec examples (tests/spec/, from pulldown-cmark's repository, under
//! their own licences) run through folio's Markdown pipeline — shortcode extraction, the
//! rewritten pulldown-cmark events, heading ids, callouts, highlighting — and, for a sample, the
//! real binary and the page template. Every example pulldown-cmark itself passes (with folio's
//! options) must pass through folio too, apart from the differences folio means to make, each
//! undone by one named normalisation below (README, "Writing": what folio adds to Markdown).

use folio::parse::markdown::{self, Resolver, SourceInfo};
use folio::parse::shortcodes::Call;
use std::path::Path;

struct NoSite;

impl Resolver for NoSite {
    fn url_for(&self, _content_path: &str) -> Option<String> {
        None
    }
    fn shortcode(&self, call: &Call, _page_key: &str) -> Result<String, (String, String)> {
        Err((format!("no shortcode `{}`", call.name), String::new()))
    }
    fn is_shortcode(&self, _name: &str) -> bool {
        false
    }
}

/// One example of a spec file.
struct Example {
    file: &'static str,
    number: usize,
    line: usize,
    markdown: String,
    html: String,
}

const SPECS: &[(&str, &str)] = &[
    ("commonmark-spec.txt", include_str!("../spec/commonmark-spec.txt")),
    ("github-gfm_table.txt", include_str!("../spec/github-gfm_table.txt")),
    ("github-gfm_strikethrough.txt", include_str!("../spec/github-gfm_strikethrough.txt")),
    ("github-gfm_tasklist.txt", include_str!("../spec/github-gfm_tasklist.txt")),
];

fn examples() -> Vec<Example> {
    let fence = "````````````````````````````````";
    let mut out = Vec::new();
    for (file, text) in SPECS {
        let mut number = 0;
        let mut lines = text.lines().enumerate();
        while let Some((i, line)) = lines.next() {
            if !(line.starts_with(fence) && line.trim_end().ends_with("example")) {
                continue;
            }
            number += 1;
            let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
            for (_, l) in lines.by_ref() {
                if l.starts_with(fence) {
                    break;
                }
                if l == "." && !in_html {
                    in_html = true;
                    continue;
                }
                let l = l.replace('→', "\t");
                if in_html {
                    html.push_str(&l);
                    html.push('\n');
                } else {
                    markdown.push_str(&l);
                    markdown.push('\n');
                }
            }
            out.push(Example { file, number, line: i + 1, markdown, html });
        }
    }
    out
}

/// pulldown-cmark's own comparison (its tests/lib.rs): `<br>`/`<hr>` spellings, and line
/// breaks between tags.
fn standardize(s: &str) -> String {
    s.replace("<br>", "<br />").replace("<br/>", "<br />").replace("<hr>", "<hr />").replace("<hr/>", "<hr />").replace(">\n<", "><")
}

/// pulldown-cmark alone, with the options folio uses.
fn plain(md: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, markdown::options()));
    out
}

fn through_folio(md: &str) -> String {
    let file_text = format!("---\ntitle: x\n---\n{md}");
    let src = SourceInfo { path: Path::new("content/spec.md"), file_text: &file_text, body: md, body_line_offset: 3, body_col_offset: 0, page_key: "spec.md" };
    markdown::render(&src, &NoSite).0.html.text()
}

/// Undoes what folio adds on purpose, one rule each:
/// 1. heading ids (`<h2 id="…">`) and the `#` anchor link after the text, for linking to a part
///    of a page and for the table of contents;
/// 2. code blocks as the highlighter writes them: `<pre class="code" data-lang="…"
///    tabindex="0">` (a scrollable region reachable by keyboard) and syntect's `<span>`s (the
///    text inside is unchanged, but for `"`, which syntect writes `&quot;`);
/// 3. task-list boxes with a text alternative (`aria-label="Done"`/`"Not done"`), written as
///    HTML5 (`disabled`, not `disabled=""`).
fn intended(html: &str) -> String {
    let mut s = html.to_string();
    // 1.
    for level in 1..=6 {
        let open = format!("<h{level} id=\"");
        while let Some(i) = s.find(&open) {
            let end = s[i + open.len()..].find('"').map_or(s.len(), |e| i + open.len() + e + 1);
            s.replace_range(i + 3..end, "");
        }
    }
    let anchor = "<a class=\"anchor\" href=\"#";
    while let Some(i) = s.find(anchor) {
        let end = s[i..].find("</a>").map_or(s.len(), |e| i + e + 4);
        s.replace_range(i..end, "");
    }
    // 2.
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find("<pre class=\"code\"") {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = &rest[i..tag_end];
        let lang = tag.split("data-lang=\"").nth(1).and_then(|l| l.split('"').next());
        let after = &rest[tag_end..];
        let code_end = after.find('>').map_or(0, |e| e + 1);
        let close = after.find("</code></pre>").unwrap_or(after.len());
        let inner = &after[code_end..close];
        let mut text = String::with_capacity(inner.len());
        let mut t = inner;
        while let Some(j) = t.find('<') {
            text.push_str(&t[..j]);
            let k = t[j..].find('>').map_or(t.len(), |e| j + e + 1);
            let tag = &t[j..k];
            if !(tag.starts_with("<span") || tag == "</span>") {
                text.push_str(tag);
            }
            t = &t[k..];
        }
        text.push_str(t);
        match lang {
            Some(l) => out.push_str(&format!("<pre><code class=\"language-{l}\">")),
            None => out.push_str("<pre><code>"),
        }
        out.push_str(&text.replace("&quot;", "\""));
        rest = &after[close..];
    }
    out.push_str(rest);
    // 3.
    out.replace("<input type=\"checkbox\" disabled checked aria-label=\"Done\"> ", "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n")
        .replace("<input type=\"checkbox\" disabled aria-label=\"Not done\"> ", "<input disabled=\"\" type=\"checkbox\"/>\n")
}

#[test]
fn commonmark_and_gfm_examples_pass_through_folio() {
    let all = examples();
    assert!(all.len() > 650, "the spec files hold {} examples", all.len());
    let (mut plain_passes, mut failures) = (0, Vec::new());
    for ex in &all {
        let expected = standardize(&ex.html);
        if standardize(&plain(&ex.markdown)) != expected {
            continue;
        }
        plain_passes += 1;
        let got = standardize(&intended(&through_folio(&ex.markdown)));
        if got != expected {
            failures.push(format!(
                "{} example {} (line {}):\n--- markdown\n{}--- expected\n{}\n--- folio\n{}\n",
                ex.file, ex.number, ex.line, ex.markdown, expected, got
            ));
        }
    }
    eprintln!("spec: {} examples, {plain_passes} pass in pulldown-cmark with folio's options, {} of those differ in folio", all.len(), failures.len());
    assert!(failures.is_empty(), "{} examples differ:\n{}", failures.len(), failures.iter().take(200).cloned().collect::<Vec<_>>().join("\n"));
}

/// The page template puts the Markdown's HTML into the page as it is: a sample of examples (no
/// images or links, which would be checked against the site's files) built by the real binary.
#[test]
fn the_page_template_keeps_the_markdowns_html_as_it_is() {
    let site = crate::support::Site::fixture("build/happy");
    let chosen: Vec<Example> = examples()
        .into_iter()
        .filter(|e| !e.markdown.contains('[') && !e.markdown.contains('<') && !e.markdown.contains('{') && !e.markdown.trim().is_empty())
        .step_by(7)
        .take(40)
        .collect();
    assert!(chosen.len() >= 30, "only {} examples chosen", chosen.len());
    for (i, ex) in chosen.iter().enumerate() {
        site.write(&format!("content/spec/e{i}.md"), &format!("---\ntitle: Example {i}\n---\n{}", ex.markdown));
    }
    site.build().ok();
    for (i, ex) in chosen.iter().enumerate() {
        let page = site.read(&format!("spec/e{i}/index.html"));
        let html = intended(&through_folio(&ex.markdown));
        assert!(
            intended(&page).contains(html.trim_end()),
            "{} example {}: the page does not hold the Markdown's HTML\n--- markdown\n{}--- html\n{html}",
            ex.file,
            ex.number,
            ex.markdown
        );
    }
}

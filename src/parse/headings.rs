//! Heading ids and attributes (`## Title {#id .class key=value}`): which id each heading gets,
//! and its opening tag. An explicit id is kept as written or refused, never renamed; an
//! automatic id (from the heading's text) steps aside (`-1`, `-2`, …) for explicit ids, for ids
//! the page's body gives other elements (footnotes, raw HTML, shortcodes) and for ids the theme's
//! templates write. Every value is HTML-escaped; event handlers (`on…`) and names that are not
//! HTML attribute names are refused. Pure: the theme's ids come in as a function.

use crate::text::escape_html;
use pulldown_cmark::{CowStr, Event, Tag};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A heading's id and where the heading starts (a byte offset in the text given to Markdown),
/// for the checks on the finished page.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct HeadingAnchor {
    pub id: String,
    /// Written by the author (`{#id}`) rather than made from the heading's text.
    pub explicit: bool,
    pub line: usize,
    pub col: usize,
}

/// A problem with a heading, at a byte offset of the text given to Markdown.
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// The ids taken on one page, and the explicit ones with where their heading is.
pub struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// Looks at every event of the page first: explicit heading ids are taken before any
    /// automatic id is made, so an automatic id never takes one that a later heading names.
    /// `line_of` gives the line of an offset; `shown` is the file's name as messages show it.
    pub fn plan(events: &[(Event<'_>, Range<usize>)], shortcode_html: &[String], shown: &str, line_of: impl Fn(usize) -> usize) -> (Ids, Vec<Problem>) {
        let mut others: HashMap<String, &'static str> = HashMap::new();
        let mut explicit: Vec<(&str, usize)> = Vec::new();
        for (ev, range) in events {
            match ev {
                Event::Start(Tag::Heading { id: Some(id), .. }) => explicit.push((id.as_ref(), range.start)),
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    others.entry(label.to_string()).or_insert("a footnote");
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    for (_, id) in crate::text::html_ids(h) {
                        others.entry(id.to_string()).or_insert("an HTML element in the text");
                    }
                }
                _ => {}
            }
        }
        for html in shortcode_html {
            for (_, id) in crate::text::html_ids(html) {
                others.entry(id.to_string()).or_insert("an element a shortcode writes");
            }
        }
        let mut problems = Vec::new();
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (id, offset) in &explicit {
            if let Some(earlier) = first.get(id) {
                problems.push(Problem {
                    offset: *offset,
                    message: format!("two headings have the id `{id}`: this one and the heading at {shown}:{}", line_of(*earlier)),
                    help: format!("ids must differ on a page; change one of them, e.g. {{#{id}-2}}"),
                });
            } else if let Some(what) = others.get(*id) {
                problems.push(Problem {
                    offset: *offset,
                    message: format!("heading id `{id}` is also the id of {what} on this page"),
                    help: "give the heading another id; a link to it then uses the new one".into(),
                });
                first.insert(id, *offset);
            } else {
                first.insert(id, *offset);
            }
        }
        let taken = others.into_keys().chain(explicit.iter().map(|(id, _)| id.to_string())).collect();
        (Ids { taken }, problems)
    }

    /// The id for a heading without an explicit one: `base`, or `base-1`, `base-2`, … when
    /// `base` is taken on the page or `theme_has` it.
    pub fn automatic(&mut self, base: String, theme_has: impl Fn(&str) -> bool) -> String {
        let free = |c: &str, taken: &HashSet<String>| !taken.contains(c) && !theme_has(c);
        let id = if free(&base, &self.taken) { base } else { (1..).map(|n| format!("{base}-{n}")).find(|c| free(c, &self.taken)).unwrap_or(base) };
        self.taken.insert(id.clone());
        id
    }
}

/// Whether `name` is an attribute name HTML accepts (ASCII: a letter, `_` or `:` first, then
/// letters, digits, `-`, `_`, `.`, `:`).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The opening tag of a heading: `<h2 id="…" class="…" key="…">`, every value escaped; or the
/// problem with one of its attributes.
pub fn open_tag(level: u8, id: &str, classes: &[CowStr<'_>], attrs: &[(CowStr<'_>, Option<CowStr<'_>>)]) -> Result<String, (String, String)> {
    let mut tag = format!("<h{level} id=\"{}\"", escape_html(id));
    if !classes.is_empty() {
        let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        tag.push_str(&format!(" class=\"{}\"", escape_html(&joined.join(" "))));
    }
    for (name, value) in attrs {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("on") {
            return Err((
                format!("heading attribute `{name}` is not allowed: it would run a script"),
                "remove it; headings take an id, classes and plain attributes, e.g. {#pricing .wide data-kind=plan}".into(),
            ));
        }
        if lower == "id" || lower == "class" {
            return Err((format!("heading attribute `{name}=…` is written another way"), "write the id as {#my-id} and a class as {.my-class}".into()));
        }
        if !valid_name(name) {
            return Err((
                format!("heading attribute `{name}` is not a valid attribute name"),
                "attribute names are letters, digits and - _ . : (starting with a letter), e.g. {data-kind=plan}".into(),
            ));
        }
        match value {
            Some(v) => tag.push_str(&format!(" {lower}=\"{}\"", escape_html(v))),
            None => tag.push_str(&format!(" {lower}")),
        }
    }
    tag.push('>');
    Ok(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CowStr<'_> {
        CowStr::from(s)
    }

    #[test]
    fn open_tag_escapes_every_value() {
        let attrs = vec![(c("data-x"), Some(c("a\"b<"))), (c("hidden"), None)];
        let tag = open_tag(2, "a\"b", &[c("x\"y")], &attrs).unwrap();
        assert_eq!(tag, "<h2 id=\"a&quot;b\" class=\"x&quot;y\" data-x=\"a&quot;b&lt;\" hidden>");
    }

    #[test]
    fn open_tag_refuses_handlers_and_bad_names() {
        for name in ["onclick", "OnLoad", "id", "class", "a\"b", "1x", "x/y"] {
            assert!(open_tag(2, "x", &[], &[(c(name), Some(c("v")))]).is_err(), "{name}");
        }
        assert!(open_tag(2, "x", &[], &[(c("data-kind"), Some(c("v"))), (c("lang"), Some(c("fr")))]).is_ok());
    }

    #[test]
    fn automatic_ids_step_aside() {
        let events = [];
        let (mut ids, problems) = Ids::plan(&events, &["<div id=\"cta\">x</div>".to_string()], "x.md", |_| 1);
        assert!(problems.is_empty());
        assert_eq!(ids.automatic("main".into(), |id| id == "main"), "main-1");
        assert_eq!(ids.automatic("main".into(), |id| id == "main"), "main-2");
        assert_eq!(ids.automatic("cta".into(), |_| false), "cta-1");
        assert_eq!(ids.automatic("intro".into(), |_| false), "intro");
    }
}

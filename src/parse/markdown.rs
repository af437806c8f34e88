//! Markdown to HTML with pulldown-cmark: tables, footnotes, strikethrough, task lists and heading
//! ids; a stable, de-duplicated anchor on every heading; a table of contents; the summary; word
//! count and reading time; `@/path.md` links resolved; fenced code highlighted; shortcodes
//! rendered. Pure: all outside knowledge comes in through [`Resolver`].

use super::callouts;
use super::headings::{self, HeadingAnchor, Ids};
use super::highlight::code_block;
use super::shortcodes::{self, Call};
use crate::diag::{Diagnostic, Kind};
use crate::text::{escape_html, html_to_text};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

/// What Markdown rendering needs from the rest of the site.
pub trait Resolver: Sync {
    /// URL of the content file at `path` (relative to `content/`), if there is one.
    fn url_for(&self, content_path: &str) -> Option<String>;
    /// When the content file at `path` exists but this build leaves it out (a draft, a page
    /// dated later): why, and what to do, as (message, help).
    fn left_out(&self, _content_path: &str) -> Option<(String, String)> {
        None
    }
    /// HTML for a shortcode call, or (message, help) when the call is wrong.
    fn shortcode(&self, call: &Call, page_key: &str) -> Result<String, (String, String)>;
    /// Whether the site has a shortcode of this name (built in, or a template of the site's or
    /// theme's): `{{ name(` … that is not folio's call syntax is an error for such a name, text
    /// for any other (see `shortcodes`).
    fn is_shortcode(&self, name: &str) -> bool;
    /// Whether the theme's templates give some element this id (`main`, the skip link's
    /// target): an automatic heading id steps aside for it.
    fn theme_id(&self, _id: &str) -> bool {
        false
    }
    /// `<picture>` markup (responsive copies, `width`/`height`) for the image at `src`, as
    /// written in the page `page_key`, when the site publishes it as a raster image it can use;
    /// `None` leaves a plain `<img>`. `priority`: the page's first image, before any heading.
    fn picture(&self, _image: &ImageCall<'_>, _page_key: &str) -> Option<String> {
        None
    }
}

/// An image a page shows, as the page writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageCall<'a> {
    pub src: &'a str,
    pub alt: &'a str,
    pub title: Option<&'a str>,
    /// Fetched first (the page's lead image), not lazily.
    pub priority: bool,
}

/// One entry of a table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Hash)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A `@/` link found in the text, checked for its `#anchor` once every page is rendered.
#[derive(Debug, Clone, Hash)]
pub struct AnchorRef {
    pub target: String,
    pub anchor: String,
    pub line: usize,
    pub col: usize,
}

/// An image, or a link to a file (a path with an extension other than `.html`), to a path of
/// the site, as written (`/images/x.png`, `x.pdf`, `../files/y.zip`): checked once every output
/// file is known. Outside URLs, `#anchors`, `@/` links and links to pages are not collected.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct FileRef {
    pub url: String,
    pub image: bool,
    pub line: usize,
    pub col: usize,
}

/// Whether `dest` is a path of the site (not `https:`, `mailto:`, `//host/…`, `#top` or `@/`).
pub fn is_site_path(dest: &str) -> bool {
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || dest.starts_with("@/") {
        return false;
    }
    let path = dest.split(['?', '#']).next().unwrap_or("");
    // A scheme (`https:`, `mailto:`, `data:`) comes before any `/`.
    !path.split('/').next().is_some_and(|first| first.contains(':')) && !path.is_empty()
}

/// Whether a link to `dest` is a link to a file (checked) rather than to a page: its last part
/// has an extension, and it is not `.html` or `.htm`.
fn is_file_link(dest: &str) -> bool {
    let path = dest.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((stem, ext)) => !stem.is_empty() && !ext.is_empty() && !ext.eq_ignore_ascii_case("html") && !ext.eq_ignore_ascii_case("htm"),
        None => false,
    }
}

/// A page's body HTML, kept LZ4-compressed between Markdown and the page's template (issue 17):
/// highlighted code makes a body five times its Markdown, and a build holds every body from the
/// Markdown step until the page renders — 250 MB at 10,000 pages, 2.5 GB at 100,000. Packed, a
/// body takes about a fifth; it is unpacked for the few readers of the whole text (its own page,
/// the feed, a section's introduction, the check of heading ids). A build moves the packed
/// bytes to its scratch file ([`crate::spool`]), so the bodies wait on disk, not in memory.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedHtml {
    packed: crate::spool::Packed,
    len: usize,
}

impl PackedHtml {
    pub fn new(html: &str) -> PackedHtml {
        PackedHtml { packed: crate::spool::Packed::Held(lz4_flex::compress_prepend_size(html.as_bytes()).into_boxed_slice()), len: html.len() }
    }

    /// Moves the packed bytes to `spool` (see [`crate::spool::Packed::spool`]).
    pub fn spool(&mut self, spool: &std::sync::Arc<crate::spool::Spool>) {
        self.packed.spool(spool);
    }

    /// The HTML, unpacked.
    pub fn text(&self) -> String {
        let bytes = lz4_flex::decompress_size_prepended(&self.packed.bytes()).unwrap_or_default();
        // Packed from a `&str` by `new`: always UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Length of the HTML in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Display for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::fmt::Debug for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedHtml({:?})", self.text())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: PackedHtml,
    /// HTML before `<!-- more -->`, or the first paragraph.
    pub summary_html: String,
    /// Whether the summary was cut at an explicit `<!-- more -->`.
    pub has_more_marker: bool,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Minutes, at 200 words a minute, at least 1.
    pub reading_time: usize,
    /// Every heading id on the page (for `#anchor` checks).
    pub anchors: Vec<String>,
    /// Every heading's id and line (for the check of ids against the page's template).
    pub headings: Vec<HeadingAnchor>,
    pub anchor_refs: Vec<AnchorRef>,
    /// Image sources without alt text (for `folio check`).
    pub images_missing_alt: Vec<(String, usize, usize)>,
    /// Images and file links to paths of the site, checked against the output files.
    pub file_refs: Vec<FileRef>,
    /// Whether any shortcode was rendered.
    pub uses_shortcodes: bool,
    /// The first words of the text, for the search index.
    pub search_text: String,
    /// The whole text for the search index, cut at each `##` and `###` heading (see
    /// [`search_sections`]). Made from `html`, so `html_hash` covers it.
    pub search_sections: Vec<SearchSection>,
    /// Hash of `html` (so a page's context hashes its body without reading it again).
    pub html_hash: u64,
    /// Hash of every field above: equal hashes, equal renderings.
    pub hash: u64,
}

/// Words of body text kept for the search index.
pub const SEARCH_WORDS: usize = 60;

/// The file a text comes from, for diagnostics.
pub struct SourceInfo<'a> {
    pub path: &'a Path,
    pub file_text: &'a str,
    /// The Markdown text (a slice of `file_text`, or text from a YAML value).
    pub body: &'a str,
    pub body_line_offset: usize,
    /// Columns before each line of the body in the file: 0 for a page, the indentation of a
    /// YAML block (`answer: |`), the value's start for a one-line YAML string.
    pub body_col_offset: usize,
    /// A stable key for the page (its content path), given to shortcodes.
    pub page_key: &'a str,
}

impl SourceInfo<'_> {
    /// The file line and column of a byte offset in the body.
    pub fn position(&self, body_offset: usize) -> (usize, usize) {
        let (line, col) = crate::diag::line_col(self.body, body_offset);
        (line + self.body_line_offset, col + self.body_col_offset)
    }
}

pub const MORE_MARKER: &str = "<!-- more -->";
const WORDS_PER_MINUTE: usize = 200;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Byte ranges of code (spans and blocks) in `text`, where shortcodes are not expanded.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (ev, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match ev {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block_start.take() {
                    ranges.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Cuts the shortcodes out of `body`: none in code, `<script>`, `<style>` or comments; and a call
/// whose placeholder lands in a link's destination or title (which only Markdown can tell, so
/// it is parsed with the placeholders in) stays text too, and the body is cut again.
fn extract_shortcodes(body: &str, resolver: &dyn Resolver) -> shortcodes::Extracted {
    let mut skip = code_ranges(body);
    let html = shortcodes::html_literal_ranges(body, &skip);
    skip.extend(html);
    let is_shortcode = |name: &str| resolver.is_shortcode(name);
    let mut extracted = shortcodes::extract(body, &skip, &is_shortcode);
    // Each round leaves at least one more call as text, so this ends; a few rounds suffice for
    // any real page (the bound only keeps a pathological one linear).
    for _ in 0..4 {
        if extracted.calls.is_empty() {
            break;
        }
        let zones = link_destinations(&extracted.text);
        let inside: Vec<std::ops::Range<usize>> = (0..extracted.calls.len())
            .filter(|&i| extracted.placeholder_offset(i).is_some_and(|at| zones.iter().any(|z| z.contains(&at))))
            .map(|i| extracted.calls[i].span.clone())
            .collect();
        if inside.is_empty() {
            break;
        }
        skip.extend(inside);
        extracted = shortcodes::extract(body, &skip, &is_shortcode);
    }
    extracted
}

/// Byte ranges of the destinations and titles of links and images (`(/x "t")`, an autolink,
/// and the part after `[label]:` of a reference definition) in Markdown `text`.
fn link_destinations(text: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::LinkType;
    let mut zones = Vec::new();
    let mut parser = Parser::new_ext(text, options()).into_offset_iter();
    for (_, def) in parser.reference_definitions().iter() {
        let span = def.span.clone();
        if let Some(colon) = text.get(span.clone()).and_then(|t| t.find("]:")) {
            zones.push(span.start + colon..span.end);
        }
    }
    for (ev, range) in parser.by_ref() {
        let link_type = match ev {
            Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. }) => link_type,
            _ => continue,
        };
        match link_type {
            LinkType::Inline => {
                if let Some(close) = closing_bracket(&text[range.clone()]) {
                    zones.push(range.start + close..range.end);
                }
            }
            LinkType::Autolink | LinkType::Email => zones.push(range),
            _ => {}
        }
    }
    zones
}

/// Offset of the `]` that closes the link text opened by the first `[` of `link`.
fn closing_bracket(link: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in link.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// What a page copied from Hugo can write instead of a Hugo shortcode.
fn hugo_help(name: &str) -> String {
    let own = format!(
        "folio shortcodes are written {{{{ {name}(arg=\"value\") }}}}: add templates/shortcodes/{name}.html to make one; to show these braces on purpose, write {{{{/* … */}}}}; a whole Hugo site is best moved with `folio import hugo`, which translates the common shortcodes"
    );
    match name {
        "figure" => "write a Markdown image instead: ![what it shows](/images/photo.jpg \"caption\")".to_string(),
        "ref" | "relref" => "link to the file instead: [text](@/articles/page.md)".to_string(),
        "highlight" => "write a fenced code block with its language instead: ```python … ```".to_string(),
        _ => own,
    }
}

/// The anchor id for a heading's text: ASCII, lowercase, `-`-separated.
pub fn heading_id(text: &str) -> String {
    let s = crate::text::slugify(text);
    if s.is_empty() {
        "section".to_string()
    } else {
        s
    }
}

/// Makes `id` unique among `used` by appending `-1`, `-2`, ….
pub fn unique_id(id: String, used: &mut HashSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    (1..).map(|n| format!("{id}-{n}")).find(|candidate| used.insert(candidate.clone())).unwrap_or(id)
}

/// Renders Markdown. Problems (broken links, bad shortcodes) come back as diagnostics; the HTML
/// is still produced so every problem in the site can be reported in one run.
pub fn render(src: &SourceInfo<'_>, resolver: &dyn Resolver) -> (Rendered, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let diag_at = |offset: usize, msg: String, kind: Kind| {
        let (line, col) = src.position(offset);
        Diagnostic::at(src.path, src.file_text, line, col, msg).kind(kind)
    };

    // 1. Shortcodes out, placeholders in.
    let extracted = if src.body.contains("{{") {
        extract_shortcodes(src.body, resolver)
    } else {
        shortcodes::Extracted { text: src.body.to_string(), ..Default::default() }
    };
    for e in &extracted.errors {
        errors.push(
            diag_at(e.offset, e.message.clone(), Kind::Shortcode)
                .with_help("shortcodes look like {{ name(arg=\"value\", n=3) }}; to show braces as they are, write {{/* … */}}"),
        );
    }
    for f in &extracted.foreign {
        errors.push(
            diag_at(f.offset, format!("Hugo shortcode `{}` is not a folio shortcode; shown as text", f.name), Kind::Shortcode)
                .with_help(hugo_help(&f.name))
                .warning(),
        );
    }
    let mut shortcode_html = Vec::with_capacity(extracted.calls.len());
    // A figure's image is checked like a Markdown image's: it leads to a file, which is readable.
    let mut figure_refs = Vec::new();
    for call in &extracted.calls {
        if let (true, Some(shortcodes::ArgValue::Str(image))) = (call.name == "figure", call.args.get("src")) {
            if is_site_path(image) {
                let (line, col) = src.position(call.span.start);
                figure_refs.push(FileRef { url: image.clone(), image: true, line, col });
            }
        }
        match resolver.shortcode(call, src.page_key) {
            Ok(html) => shortcode_html.push(html),
            Err((msg, help)) => {
                errors.push(diag_at(call.span.start, msg, Kind::Shortcode).with_help(help));
                shortcode_html.push(String::new());
            }
        }
    }

    // 2. Markdown events, rewritten.
    let text = extracted.text.as_str();
    let mut out = Rendered { file_refs: figure_refs, ..Rendered::default() };
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let parsed: Vec<_> = Parser::new_ext(text, options()).into_offset_iter().collect();
    let shown = crate::diag::slashed(src.path);
    let line_col_of = |offset: usize| src.position(extracted.original_offset(offset));
    let (mut ids, problems) = Ids::plan(&parsed, &shortcode_html, &shown, |o| line_col_of(o).0);
    for p in problems {
        errors.push(diag_at(extracted.original_offset(p.offset), p.message, Kind::Link).with_help(p.help));
    }
    // A heading being collected: its start event, where it starts, and its inner events.
    type OpenHeading<'e> = (Tag<'e>, usize, Vec<Event<'e>>);
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(Option<String>, String)> = None;
    let mut image_alt: Option<(String, usize, String)> = None;
    // The image being read (outside headings): where its events start, and its title.
    let mut image_at: Option<(usize, String)> = None;
    let mut images_seen = 0usize;
    let mut headings_seen = 0usize;
    let mut words = 0usize;

    for (ev, range) in parsed {
        if let Some((_, buf)) = code.as_mut() {
            match ev {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let Some((lang, buf)) = code.take() else { continue };
                    events.push(Event::Html(CowStr::from(code_block(&buf, lang.as_deref()))));
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, _, alt)) = image_alt.as_mut() {
            if let Event::Text(t) | Event::Code(t) = &ev {
                alt.push_str(t);
            }
        }
        let ev = match ev {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) if !info.trim().is_empty() => Some(info.to_string()),
                    _ => None,
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(tag @ Tag::Heading { .. }) => {
                heading = Some((tag, range.start, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                headings_seen += 1;
                let Some((Tag::Heading { level, id: explicit_id, classes, attrs }, start, inner)) = heading.take() else { continue };
                let plain: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let plain = extracted.with_literals(&plain);
                let explicit = explicit_id.is_some();
                let id = match explicit_id {
                    Some(id) => id.to_string(),
                    None => ids.automatic(heading_id(&plain), |id| resolver.theme_id(id)),
                };
                let n = level as u8;
                let open = headings::open_tag(n, &id, &classes, &attrs).unwrap_or_else(|(msg, help)| {
                    errors.push(diag_at(extracted.original_offset(start), msg, Kind::Link).with_help(help));
                    format!("<h{n} id=\"{}\">", escape_html(&id))
                });
                events.push(Event::Html(CowStr::from(open)));
                events.extend(inner);
                let href = escape_html(&id);
                events.push(Event::Html(CowStr::from(format!("<a class=\"anchor\" href=\"#{href}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{n}>\n"))));
                let (line, col) = line_col_of(start);
                out.headings.push(HeadingAnchor { id: id.clone(), explicit, line, col });
                headings.push((n, id, plain));
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) if dest_url.starts_with("@/") => {
                let (path, anchor) = match dest_url.split_once('#') {
                    Some((p, a)) => (p, Some(a)),
                    None => (dest_url.as_ref(), None),
                };
                // `@/articles\x.md` is `@/articles/x.md`, as on Windows.
                let target = crate::url::forward_slashes(&path[2..]).into_owned();
                let target = target.as_str();
                let orig = extracted.original_offset(range.start);
                // A file saved on macOS has an NFD name, a link typed elsewhere is NFC: either finds it.
                let found = resolver.url_for(target).or_else(|| crate::url::normalised_forms(target).find_map(|t| resolver.url_for(&t)));
                let resolved = match found {
                    Some(url) => {
                        if let Some(a) = anchor {
                            let (line, col) = src.position(orig);
                            out.anchor_refs.push(AnchorRef { target: target.to_string(), anchor: a.to_string(), line, col });
                            format!("{url}#{a}")
                        } else {
                            url
                        }
                    }
                    None => {
                        let left_out = resolver.left_out(target).or_else(|| crate::url::normalised_forms(target).find_map(|t| resolver.left_out(&t)));
                        errors.push(match left_out {
                            Some((why, help)) => diag_at(orig, format!("link to `{path}`: {why}"), Kind::Link).with_help(help),
                            None => diag_at(orig, format!("link to `{path}`: no such content file"), Kind::Link).with_help(
                                "internal links name a file under content/, e.g. `@/articles/what-is-a-cto.md`; check the spelling and that the file exists",
                            ),
                        });
                        "#".to_string()
                    }
                };
                Event::Start(Tag::Link { link_type, dest_url: CowStr::from(resolved), title, id })
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                if is_site_path(&dest_url) && is_file_link(&dest_url) {
                    let (line, col) = line_col_of(range.start);
                    out.file_refs.push(FileRef { url: dest_url.to_string(), image: false, line, col });
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                if is_site_path(&dest_url) {
                    let (line, col) = line_col_of(range.start);
                    out.file_refs.push(FileRef { url: dest_url.to_string(), image: true, line, col });
                }
                image_alt = Some((dest_url.to_string(), extracted.original_offset(range.start), String::new()));
                if heading.is_none() && is_site_path(&dest_url) {
                    image_at = Some((events.len(), title.to_string()));
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            Event::End(TagEnd::Image) => {
                if let Some((src_url, off, alt)) = image_alt.take() {
                    if alt.trim().is_empty() {
                        let (line, col) = src.position(off);
                        out.images_missing_alt.push((src_url.clone(), line, col));
                    }
                    images_seen += 1;
                    if let Some((at, title)) = image_at.take() {
                        let alt = extracted.with_literals(&alt);
                        let call = ImageCall {
                            src: &src_url,
                            alt: alt.trim(),
                            title: Some(title.as_str()).filter(|t| !t.is_empty()),
                            priority: images_seen == 1 && headings_seen == 0,
                        };
                        if let Some(html) = resolver.picture(&call, src.page_key) {
                            events.truncate(at);
                            events.push(Event::InlineHtml(CowStr::from(html)));
                            continue;
                        }
                    }
                }
                Event::End(TagEnd::Image)
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => Event::Html(CowStr::from(callouts::open(kind))),
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::from(callouts::CLOSE)),
            Event::Text(t) => {
                words += t.split_whitespace().count();
                Event::Text(t)
            }
            // A task-list box with an accessible name (pulldown-cmark's has none: WCAG "label").
            Event::TaskListMarker(done) => Event::Html(CowStr::from(if done {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
            })),
            Event::Html(h) if h.trim() == MORE_MARKER => {
                out.has_more_marker = true;
                Event::Html(CowStr::from(format!("{MORE_MARKER}\n")))
            }
            other => other,
        };
        match heading.as_mut() {
            Some((_, _, inner)) => inner.push(ev),
            None => events.push(ev),
        }
    }

    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());

    // 3. Placeholders out, shortcode HTML in. A placeholder alone in a paragraph is replaced
    // with its paragraph (shortcodes render block HTML).
    for (i, sc) in shortcode_html.iter().enumerate() {
        let ph = shortcodes::placeholder(i);
        let para = format!("<p>{ph}</p>");
        if html.contains(&para) {
            html = html.replacen(&para, sc.trim_end(), 1);
        } else {
            html = html.replacen(&ph, sc.trim_end(), 1);
        }
    }

    // Escaped braces, as text.
    for (i, literal) in extracted.literals.iter().enumerate() {
        html = html.replacen(&shortcodes::literal_placeholder(i), &escape_html(literal), 1);
    }

    // 4. Summary.
    out.summary_html = if let Some(pos) = html.find(MORE_MARKER) {
        html[..pos].trim_end().to_string()
    } else if let Some(start) = html.find("<p>") {
        match html[start..].find("</p>") {
            Some(end) => html[start..start + end + 4].to_string(),
            None => String::new(),
        }
    } else {
        String::new()
    };
    out.uses_shortcodes = !extracted.calls.is_empty();
    out.search_text = text_prefix(&callouts::without_titles(&html), SEARCH_WORDS);
    out.search_sections = search_sections(&html);
    out.html_hash = crate::hash::hash_bytes(html.as_bytes());
    out.html = PackedHtml::new(&html);
    out.word_count = words;
    out.reading_time = words.div_ceil(WORDS_PER_MINUTE).max(1);
    out.anchors = headings.iter().map(|(_, id, _)| id.clone()).collect();
    out.toc = build_toc(&headings);
    out.hash = crate::hash::hash_of(&(
        out.html_hash,
        &out.summary_html,
        out.has_more_marker,
        &out.toc,
        out.word_count,
        out.reading_time,
        &out.anchors,
        &out.headings,
        &out.anchor_refs,
        (&out.images_missing_alt, &out.file_refs),
        out.uses_shortcodes,
        &out.search_text,
    ));
    (out, errors)
}

/// A part of a page for the search index: the `##` or `###` heading it starts at (`None` for
/// the text before the first one, which belongs to the page itself) and its plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchSection {
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

/// The page's rendered HTML cut at each `<h2>` and `<h3>` with an id into [`SearchSection`]s,
/// as plain text: code blocks (`<pre>`) and callout titles are left out. The first section (the
/// text before any heading) is always there, possibly empty.
pub fn search_sections(html: &str) -> Vec<SearchSection> {
    let html = callouts::without_titles(html);
    let html = without_code_blocks(&html);
    let mut out = vec![SearchSection::default()];
    let mut from = 0;
    let mut at = 0;
    while let Some(off) = crate::text::find(&html[at..], "<h") {
        let start = at + off;
        at = start + 2;
        let level = html.as_bytes().get(start + 2).copied();
        if !matches!(level, Some(b'2' | b'3')) || !matches!(html.as_bytes().get(start + 3), Some(b' ' | b'>')) {
            continue;
        }
        let Some(tag_end) = html[start..].find('>').map(|e| start + e + 1) else { break };
        let close = if level == Some(b'2') { "</h2>" } else { "</h3>" };
        let Some(end) = crate::text::find(&html[tag_end..], close).map(|e| tag_end + e) else { break };
        let tag = &html[start..tag_end];
        let Some(id) = tag.split_once(" id=\"").and_then(|(_, rest)| rest.split_once('"')).map(|(id, _)| unescape(id)) else { continue };
        out.last_mut().expect("the first section").text = plain_text(&html[from..start]);
        let inner = &html[tag_end..end];
        let inner = inner.find("<a class=\"anchor\"").map_or(inner, |a| &inner[..a]);
        out.push(SearchSection { id: Some(id), heading: plain_text(inner), text: String::new() });
        from = end + close.len();
        at = from;
    }
    out.last_mut().expect("the first section").text = plain_text(&html[from..]);
    out
}

/// What [`crate::text::html_to_text`] gives, in one pass (it is run over every page's whole
/// text): tags that are not inline become spaces, the five entities the renderer writes are undone, runs of white
/// space become one space, none at either end.
fn plain_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut space = false;
    let mut i = 0;
    // Pushes one character that is not white space, a space before it if white space came
    // between it and the text before.
    let word = |out: &mut String, space: &mut bool, s: &str| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(s);
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'<' => match html[i + 1..].find('>') {
                Some(e) => {
                    space |= !crate::text::is_inline_tag(&html[i + 1..i + 1 + e]);
                    i += e + 2;
                }
                None => {
                    space = true;
                    i = bytes.len();
                }
            },
            b'&' => {
                let entity =
                    [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")].into_iter().find(|(e, _)| html[i..].starts_with(e));
                let (len, s) = entity.map_or((1, "&"), |(e, s)| (e.len(), s));
                word(&mut out, &mut space, s);
                i += len;
            }
            _ if b.is_ascii_whitespace() => {
                space = true;
                i += 1;
            }
            _ if b.is_ascii() => {
                // A run of plain ASCII text at once.
                let end = bytes[i..].iter().position(|&c| matches!(c, b'<' | b'&') || c.is_ascii_whitespace() || !c.is_ascii()).map_or(bytes.len(), |n| i + n);
                word(&mut out, &mut space, &html[i..end]);
                i = end;
            }
            _ => {
                let c = html[i..].chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    space = true;
                } else {
                    word(&mut out, &mut space, &html[i..i + c.len_utf8()]);
                }
                i += c.len_utf8();
            }
        }
    }
    out
}

/// `html` without its `<pre>…</pre>` blocks (code is not searched: it floods the index with
/// identifiers and its words make poor excerpts).
fn without_code_blocks(html: &str) -> std::borrow::Cow<'_, str> {
    if crate::text::find(html, "<pre").is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(s) = crate::text::find(rest, "<pre") {
        out.push_str(&rest[..s]);
        match crate::text::find(&rest[s..], "</pre>") {
            Some(e) => rest = &rest[s + e + "</pre>".len()..],
            None => {
                rest = "";
            }
        }
        out.push(' ');
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// An attribute value as written in HTML, entities undone (heading ids are escaped).
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

/// Nests headings of levels 2–4 into a tree (level 1 is the page title).
fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings.iter().filter(|(l, _, _)| (2..=4).contains(l)) {
        let entry = TocEntry { level: *level, id: id.clone(), title: title.clone(), children: Vec::new() };
        insert_toc(&mut root, entry);
    }
    root
}

/// Descends while the last entry is a shallower heading, then appends.
fn insert_toc(siblings: &mut Vec<TocEntry>, entry: TocEntry) {
    match siblings.last_mut() {
        Some(last) if last.level < entry.level => insert_toc(&mut last.children, entry),
        _ => siblings.push(entry),
    }
}

/// The first `max_words` words of an HTML fragment's text; stops reading once it has them.
pub fn text_prefix(html: &str, max_words: usize) -> String {
    let mut end = html.len();
    let mut words = 0;
    let mut in_word = false;
    let mut in_tag = false;
    for (i, c) in html.char_indices() {
        match c {
            '<' => {
                in_tag = true;
                in_word = false;
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => in_word = false,
            _ => {
                if !in_word {
                    words += 1;
                    if words > max_words {
                        end = i;
                        break;
                    }
                }
                in_word = true;
            }
        }
    }
    html_to_text(&html[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl Resolver for Fake {
        fn url_for(&self, p: &str) -> Option<String> {
            (p == "articles/a.md").then(|| "/articles/a/".to_string())
        }
        fn shortcode(&self, call: &Call, _: &str) -> Result<String, (String, String)> {
            match call.name.as_str() {
                "cta" => Ok("<div class=\"cta\">CTA</div>".into()),
                other => Err((format!("unknown shortcode `{other}`"), "valid: cta".into())),
            }
        }
        fn theme_id(&self, id: &str) -> bool {
            id == "main"
        }
        fn is_shortcode(&self, name: &str) -> bool {
            name == "cta"
        }
    }

    fn md(body: &str) -> (Rendered, Vec<Diagnostic>) {
        let file = format!("---\ntitle: t\n---\n{body}");
        let src = SourceInfo { path: Path::new("content/x.md"), file_text: &file, body, body_line_offset: 3, body_col_offset: 0, page_key: "x.md" };
        render(&src, &Fake)
    }

    #[test]
    fn search_sections_cut_at_h2_and_h3_without_code() {
        let html = "<p>Intro words.</p>\n<h2 id=\"a\">First &amp; one<a class=\"anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n<p>Alpha text.</p><pre><code>let x = 1;</code></pre><h4 id=\"d\">Deep</h4><p>still a</p><h3 id=\"b&quot;c\">Second</h3><p>Beta</p>";
        let s = search_sections(html);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!((s[0].id.as_deref(), s[0].heading.as_str(), s[0].text.as_str()), (None, "", "Intro words."));
        assert_eq!((s[1].id.as_deref(), s[1].heading.as_str(), s[1].text.as_str()), (Some("a"), "First & one", "Alpha text. Deep still a"));
        assert_eq!((s[2].id.as_deref(), s[2].heading.as_str(), s[2].text.as_str()), (Some("b\"c"), "Second", "Beta"));
        assert_eq!(search_sections("").len(), 1);
        for html in [
            "<p>a &amp;lt; b</p>\n<ul><li>x</li><li>y&#39;s</li></ul>",
            "  <b>bold</b>text &quot;q&quot; &nbsp; é\u{a0}x\u{2003}y ",
            "a<br>b < c",
            "<p>unclosed",
            "x&y &amp;&lt;z",
            "<p><strong>Accounts</strong>: how <a href=\"x\">to</a>.</p><li>a</li><li>b</li>",
        ] {
            assert_eq!(plain_text(html), crate::text::html_to_text(html), "{html}");
        }
    }

    #[test]
    fn headings_get_unique_anchors_and_toc() {
        let (r, errs) = md("## Intro\n\n### Details\n\n## Intro\n\n## Custom {#my-id}\n");
        assert!(errs.is_empty());
        assert!(r.html.text().contains("<h2 id=\"intro\">Intro<a class=\"anchor\" href=\"#intro\""));
        assert!(r.html.text().contains("<h2 id=\"intro-1\">"));
        assert!(r.html.text().contains("<h2 id=\"my-id\">"));
        assert_eq!(r.anchors, vec!["intro", "details", "intro-1", "my-id"]);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "details");
    }

    #[test]
    fn heading_attributes_are_kept_and_escaped() {
        let (r, errs) = md("# Quote {#a\"b}\n\n## Plans {myattr=value .wide .x data-k=a&b'c}\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert!(r.html.text().contains("<h1 id=\"a&quot;b\">Quote<a class=\"anchor\" href=\"#a&quot;b\""), "{}", r.html);
        assert!(r.html.text().contains("<h2 id=\"plans\" class=\"wide x\" myattr=\"value\" data-k=\"a&amp;b&#39;c\">"), "{}", r.html);
    }

    #[test]
    fn dangerous_heading_attributes_are_errors_at_their_line() {
        let (r, errs) = md("Text.\n\n## Hi {onclick=alert(1)}\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, Some(6));
        assert!(errs[0].message.contains("onclick"), "{}", errs[0].message);
        assert!(!r.html.text().contains("onclick"));
    }

    #[test]
    fn explicit_ids_are_never_renamed_and_automatic_ones_step_aside() {
        let (r, errs) = md("## Intro\n\n## Welcome {#intro}\n\n## Main\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(r.anchors, vec!["intro-1", "intro", "main-1"]);
        assert!(r.headings[1].explicit && !r.headings[0].explicit);
        assert_eq!(r.headings[1].line, 6);
    }

    #[test]
    fn explicit_ids_that_clash_on_a_page_are_errors_naming_both() {
        let (_, errs) = md("## A {#intro}\n\n## B {#intro}\n\nSee[^note].\n\n[^note]: x\n\n## C {#note}\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].line, Some(6));
        assert!(errs[0].message.contains("content/x.md:4"), "{}", errs[0].message);
        assert!(errs[1].message.contains("footnote"), "{}", errs[1].message);
    }

    #[test]
    fn automatic_ids_step_aside_for_footnotes_and_raw_html() {
        let (r, _) = md("## Note\n\n<div id=\"box\">x</div>\n\n## Box\n\nA[^note].\n\n[^note]: x\n");
        assert_eq!(r.anchors, vec!["note-1", "box-1"]);
    }

    #[test]
    fn internal_links_resolve_and_broken_ones_are_errors_with_line() {
        let (r, errs) = md("See [a](@/articles/a.md#x).\n\nAnd [b](@/articles/nope.md).\n");
        assert!(r.html.text().contains("href=\"/articles/a/#x\""));
        assert_eq!(r.anchor_refs[0].anchor, "x");
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].col), (Some(6), Some(5)));
        assert!(errs[0].message.contains("@/articles/nope.md"));
        assert_eq!((errs[0].kind, errs[0].severity), (Kind::Link, crate::diag::Severity::Error));
    }

    #[test]
    fn shortcode_problems_are_shortcode_errors() {
        let (_, errs) = md("{{ nope() }}

{{ cta(text=) }}
");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|e| e.kind == Kind::Shortcode), "{errs:?}");
    }

    #[test]
    fn summary_from_more_marker_or_first_paragraph() {
        let (r, _) = md("First para.\n\nSecond.\n\n<!-- more -->\n\nRest.\n");
        assert!(r.has_more_marker);
        assert!(r.summary_html.contains("Second."));
        assert!(!r.summary_html.contains("Rest."));
        let (r, _) = md("One.\n\nTwo.\n");
        assert_eq!(r.summary_html, "<p>One.</p>");
    }

    #[test]
    fn shortcodes_render_and_unknown_ones_error_but_not_in_code() {
        let (r, errs) = md("{{ cta(text=\"x\") }}\n\n`{{ nope() }}`\n\n```\n{{ nope() }}\n```\n\n{{ nope() }}\n");
        assert!(r.html.text().contains("<div class=\"cta\">CTA</div>"));
        assert!(!r.html.text().contains("<p><div"));
        assert!(r.html.text().contains("<code>{{ nope() }}</code>"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(12));
    }

    #[test]
    fn escaped_braces_render_as_text_everywhere_but_code() {
        let (r, errs) =
            md("Write {{/* cta(text=\"x\") */}} in prose.\n\n{{/* cta() */}}\n\n## Use {{/* braces */}}\n\n`{{/* kept */}}`\n\n```\n{{/* kept */}}\n```\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert!(r.html.text().contains("<p>Write {{ cta(text=&quot;x&quot;) }} in prose.</p>"), "{}", r.html);
        assert!(r.html.text().contains("<p>{{ cta() }}</p>"), "an escape alone keeps its paragraph: {}", r.html);
        assert!(r.html.text().contains("<h2 id=\"use-braces\">Use {{ braces }}"), "{}", r.html);
        assert_eq!(r.toc[0].title, "Use {{ braces }}");
        assert!(r.html.text().contains("<code>{{/* kept */}}</code>"), "{}", r.html);
        assert!(r.html.text().contains("{{/* kept */}}\n</code></pre>") || r.html.text().matches("{{/* kept */}}").count() == 2, "{}", r.html);
        assert!(r.search_text.contains("{{ cta() }}"), "{}", r.search_text);
    }

    #[test]
    fn braces_in_scripts_styles_comments_and_link_destinations_stay_as_written() {
        let body = "<script>\nvar s = {{ site | toJSON }};\nvar c = \"{{ cta(text='x') }}\";\n</script>\n\n<style>\na::after { content: \"{{ cta() }}\" }\n</style>\n\n<!-- {{ cta(text=\"no\") }} -->\n\n[a](/x/{{ cta(text=\"y\") }}) [b](/x/{{y}} 't {{ cta(text=\"z\") }}') ![i](/img/{{cta(text='w')}}.png) [r] [s](</s/{{ cta(text=\"u\") }}>)\n\n[r]: /ref/{{cta(text='v')}} \"{{ cta(text='t') }}\"\n";
        let (r, errs) = md(body);
        assert!(errs.is_empty(), "{errs:?}");
        assert!(!r.html.text().contains("CTA"), "no shortcode rendered: {}", r.html);
        assert!(r.html.text().contains("var s = {{ site | toJSON }};\nvar c = \"{{ cta(text='x') }}\";"), "{}", r.html);
        assert!(r.html.text().contains("content: \"{{ cta() }}\""), "{}", r.html);
        assert!(r.html.text().contains("<!-- {{ cta(text=\"no\") }} -->"), "{}", r.html);
        // Not a link once the call is text (a space in the address): the text as written.
        assert!(r.html.text().contains("[a](/x/{{ cta(text=\"y\") }})"), "{}", r.html);
        let links: Vec<(String, String)> = r
            .html
            .text()
            .split("<a href=\"")
            .skip(1)
            .map(|a| {
                let (href, rest) = a.split_once('"').unwrap();
                (href.to_string(), rest.split_once('>').unwrap().0.to_string())
            })
            .collect();
        assert_eq!(
            links,
            [
                ("/x/%7B%7By%7D%7D".to_string(), " title=\"t {{ cta(text=&quot;z&quot;) }}\"".to_string()),
                ("/ref/%7B%7Bcta(text=&#x27;v&#x27;)%7D%7D".to_string(), " title=\"{{ cta(text=&#39;t&#39;) }}\"".to_string()),
                ("/s/%7B%7B%20cta(text=%22u%22)%20%7D%7D".to_string(), String::new()),
            ],
            "{}",
            r.html
        );
        assert!(r.html.text().contains("<img src=\"/img/%7B%7Bcta(text=&#x27;w&#x27;)%7D%7D.png\""), "{}", r.html);
        // The same call in the link text is a call.
        let (r, _) = md("[{{ cta(text=\"a\") }}](/x/)\n");
        assert!(r.html.text().contains("<a href=\"/x/\"><div class=\"cta\">CTA</div></a>"), "{}", r.html);
    }

    #[test]
    fn unknown_names_and_hugo_shortcodes() {
        let (r, errs) = md("{{ ctaa(text=\"x\") }}\n\n{{ url_for('static', filename='x') }}\n\n{{< figure src=\"/a.png\" >}}\n");
        let mut got: Vec<_> = errs.iter().map(|e| (e.line, e.col, e.is_error(), e.message.as_str())).collect();
        got.sort();
        assert_eq!(
            got,
            [
                (Some(4), Some(1), true, "unknown shortcode `ctaa`"),
                (Some(8), Some(1), false, "Hugo shortcode `figure` is not a folio shortcode; shown as text"),
            ]
        );
        assert!(errs.iter().any(|e| e.help.as_deref().unwrap().contains("Markdown image")));
        assert!(r.html.text().contains("<p>{{ url_for('static', filename='x') }}</p>"), "{}", r.html);
        assert!(r.html.text().contains("<p>{{&lt; figure src=\"/a.png\" &gt;}}</p>"), "{}", r.html);
    }

    #[test]
    fn gfm_extensions_and_word_count() {
        let (r, _) = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ text[^1]\n\n[^1]: note\n");
        assert!(r.html.text().contains("<table>"));
        assert!(r.html.text().contains("checkbox"));
        assert!(r.html.text().contains("<del>old</del>"));
        assert!(r.html.text().contains("footnote"));
        assert!(r.word_count >= 6);
        assert_eq!(r.reading_time, 1);
    }

    #[test]
    fn each_alert_kind_becomes_a_titled_callout() {
        for (marker, name, title) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let (r, errs) = md(&format!("> [!{marker}]\n> Mind the **gap**.\n"));
            assert!(errs.is_empty());
            let open = format!("<aside class=\"callout callout--{name}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout__title\"><svg class=\"callout__icon\" aria-hidden=\"true\"");
            assert!(r.html.text().starts_with(&open), "{}", r.html);
            assert!(r.html.text().contains(&format!("</svg>{title}</p>\n<p>Mind the <strong>gap</strong>.</p>\n</aside>\n")), "{}", r.html);
            assert!(!r.html.text().contains("blockquote") && !r.html.text().contains("[!"), "{}", r.html);
            // The search text is the body; the title and icon stay out.
            assert!(r.search_text.starts_with("Mind the gap") && !r.search_text.contains(title), "{}", r.search_text);
        }
    }

    #[test]
    fn plain_quotes_stay_quotes_and_alerts_in_code_stay_literal() {
        let (r, _) = md("> Just a quote.\n\n```\n> [!NOTE]\n> not a callout\n```\n\n`> [!TIP]`\n\n> [!NOPE]\n> unknown kind\n");
        assert!(r.html.text().contains("<blockquote>\n<p>Just a quote.</p>\n</blockquote>"), "{}", r.html);
        assert!(r.html.text().contains("&gt; [!NOTE]"), "{}", r.html);
        assert!(r.html.text().contains("<code>&gt; [!TIP]</code>"), "{}", r.html);
        assert!(r.html.text().contains("<blockquote>\n<p>[!NOPE]"), "an unknown kind is a plain quote: {}", r.html);
        assert!(!r.html.text().contains("<aside"), "{}", r.html);
    }

    #[test]
    fn definition_lists_become_dl() {
        let (r, _) = md("Onboarding\n: The first two weeks of a new hire.\n\nSLA\n: Service-level agreement.\n: What we promise.\n");
        assert!(r.html.text().contains("<dl>\n<dt>Onboarding</dt>\n<dd>The first two weeks of a new hire.</dd>\n<dt>SLA</dt>"), "{}", r.html);
        assert!(r.html.text().contains("<dd>What we promise.</dd>\n</dl>"), "{}", r.html);
        assert!(r.search_text.contains("Onboarding The first two weeks"), "{}", r.search_text);
    }

    #[test]
    fn fenced_code_is_highlighted() {
        let (r, _) = md("```rust\nfn main() {}\n```\n");
        assert!(r.html.text().contains("hl-"));
        assert!(r.html.text().contains("data-lang=\"rust\""));
    }

    #[test]
    fn text_of_html() {
        assert_eq!(html_to_text("<p>A &amp; <b>B</b></p>"), "A & B");
        assert_eq!(text_prefix("<p>one two</p><p>three four</p>", 3), "one two three");
    }
}

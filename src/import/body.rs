//! The body of an imported page: Hugo shortcodes, Jekyll's Liquid tags and Zola's body
//! shortcodes translated to Markdown, HTML or folio links where folio has an equivalent, and
//! Docusaurus/Starlight `:::note` blocks turned into callouts. Whatever is not translated is
//! left as it was written and named in the report, with its line.

use super::{Flavour, Notes};
use crate::text::escape_html;
use std::ops::Range;

/// A page another page links to: its file in the new site and its address.
#[derive(Debug, Clone)]
pub struct Target {
    pub key: String,
    pub url: String,
}

/// What a translation may look up in the rest of the site.
pub trait Lookup {
    /// The page a Hugo `ref`/`relref` or a Jekyll `link` names, from the page `from` (source
    /// paths).
    fn page(&self, from: &str, reference: &str) -> Option<Target>;
    /// The Jekyll post a `post_url` names (`2020-01-01-title`).
    fn post(&self, name: &str) -> Option<Target>;
    /// The text of a source file (relative to the source root), if it was read.
    fn text(&self, src: &str) -> Option<&str>;
    /// A value of the site's configuration (`params.x`, `title`, `url`).
    fn site_value(&self, path: &str) -> Option<String>;
    /// The address of the page being translated.
    fn own_url(&self) -> &str;
    /// A value of the page's own front matter (`title`, `author.name`).
    fn page_value(&self, _path: &str) -> Option<String> {
        None
    }
    /// A Zola shortcode folio can run (its template was carried over).
    fn runs_shortcode(&self, name: &str) -> bool;
    /// The old site's content folder (`content`, or Hugo's `contentDir` or mount).
    fn content_dir(&self) -> &str {
        "content"
    }
}

/// How deep includes may nest (an include of an include…), so a loop ends.
const MAX_INCLUDE_DEPTH: usize = 6;

/// Translates `body` of the source file `src`, whose first line is line `first_line` of it.
pub fn translate(flavour: Flavour, src: &str, body: &str, first_line: usize, lookup: &dyn Lookup, notes: &mut Notes) -> String {
    let (text, lines) = callouts(flavour, src, body, first_line, notes);
    let mut t = Translator { flavour, src, lines: &lines, lookup, notes, depth: 0, line_base: 0, fixed_line: None };
    let text = t.md_links(&text);
    t.run(&text)
}

/// `:::note` … `:::` blocks (Docusaurus, Starlight) as GitHub alerts, which folio renders as
/// callouts. Returns the text and, for each of its lines, the line of the source file it came
/// from.
fn callouts(flavour: Flavour, src: &str, body: &str, first_line: usize, notes: &mut Notes) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(body.len());
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    let mut open: Option<usize> = None;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let line_no = first_line + i;
        let trimmed = line.trim();
        let mut emit = |text: &str, out: &mut String| {
            out.push_str(text);
            lines.extend(std::iter::repeat_n(line_no, text.matches('\n').count().max(1)));
        };
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) && trimmed.trim_start_matches(f.chars().next().unwrap_or('`')).is_empty() {
                fence = None;
            }
            emit(&prefixed(open.is_some(), line), &mut out);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let c = trimmed.chars().next().unwrap_or('`');
            fence = Some(trimmed.chars().take_while(|x| *x == c).collect());
            emit(&prefixed(open.is_some(), line), &mut out);
            continue;
        }
        if let Some(attrs) = trimmed.strip_prefix("{:").and_then(|t| t.strip_suffix('}')).filter(|_| flavour == Flavour::Jekyll && open.is_none()) {
            kramdown_attributes(src, line_no, attrs.trim(), &mut out, notes);
            emit("\n", &mut out);
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(":::") {
            if rest.trim().is_empty() {
                if open.take().is_some() {
                    emit("\n", &mut out);
                    continue;
                }
            } else if open.is_none() {
                let kind: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                let title = rest[kind.len()..].trim();
                let title = title.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(title).trim();
                let alert = match kind.to_ascii_lowercase().as_str() {
                    "note" | "info" | "secondary" => Some("NOTE"),
                    "tip" | "success" => Some("TIP"),
                    "important" => Some("IMPORTANT"),
                    "warning" | "caution" => Some("WARNING"),
                    "danger" => Some("CAUTION"),
                    _ => None,
                };
                if let Some(alert) = alert {
                    open = Some(line_no);
                    emit(&format!("> [!{alert}]\n"), &mut out);
                    if !title.is_empty() {
                        emit(&format!("> **{}**\n>\n", title.replace('*', "\\*")), &mut out);
                    }
                    continue;
                }
                notes.untranslated(
                    src,
                    line_no,
                    format!("`:::{kind}` block has no folio callout; left as text (folio has note, tip, important, warning, caution)"),
                );
            } else {
                notes.untranslated(src, line_no, "a `:::` block inside another is not translated; left as text");
            }
        }
        emit(&prefixed(open.is_some(), line), &mut out);
    }
    if let Some(line) = open {
        notes.untranslated(src, line, "this `:::` block is never closed; it runs to the end of the page as a callout");
    }
    (out, lines)
}

/// A kramdown attribute list on a line of its own (`{: #v3-9-3}` under a heading), which
/// Jekyll applies to the block above: on a heading it becomes folio's `{#id .class key=value}`
/// after the heading's text; `{:toc}` (kramdown's table of contents, under `* TOC`) goes, as
/// folio's theme shows its own; elsewhere it is removed and reported. The line itself becomes
/// blank, so every other line keeps its number.
fn kramdown_attributes(src: &str, line_no: usize, attrs: &str, out: &mut String, notes: &mut Notes) {
    let body_end = out.trim_end_matches('\n').len();
    let prev_start = out[..body_end].rfind('\n').map_or(0, |i| i + 1);
    let prev = out[prev_start..body_end].to_string();
    if attrs.trim_start_matches('.') == "toc" {
        if matches!(prev.trim(), "* TOC" | "- TOC" | "1. TOC" | "* Table of contents") {
            out.replace_range(prev_start..body_end, "");
        }
        notes.untranslated(src, line_no, "kramdown's table of contents (`{:toc}`) is removed: folio's theme shows one on pages with `toc: true`");
        return;
    }
    if prev.trim_start().starts_with('#') && !prev.trim_end().ends_with('}') {
        let folio: Vec<String> = attrs.split_whitespace().map(|a| a.replace("=\"", "=").trim_end_matches('"').to_string()).collect();
        out.insert_str(body_end, &format!(" {{{}}}", folio.join(" ")));
        return;
    }
    notes.untranslated(src, line_no, format!("kramdown attribute list `{{:{attrs}}}` is removed: folio takes attributes on headings only"));
}

fn prefixed(inside: bool, line: &str) -> String {
    if !inside {
        return line.to_string();
    }
    if line.trim().is_empty() {
        ">\n".to_string()
    } else {
        format!("> {line}")
    }
}

struct Translator<'a> {
    flavour: Flavour,
    src: &'a str,
    lines: &'a [usize],
    lookup: &'a dyn Lookup,
    notes: &'a mut Notes,
    depth: usize,
    /// Lines of the page above the text being translated (inside a paired tag).
    line_base: usize,
    /// Inside an included file: every problem is reported at the include's line.
    fixed_line: Option<usize>,
}

/// One Hugo shortcode tag: `{{< name args >}}`, `{{% name %}}`, `{{< /name >}}`.
#[derive(Debug, Clone)]
struct HugoTag {
    span: Range<usize>,
    name: String,
    closing: bool,
    self_closing: bool,
    args: Vec<(Option<String>, String)>,
    /// `{{</* … */>}}`: the text to show instead.
    escaped: Option<String>,
}

impl HugoTag {
    fn arg(&self, name: &str, position: usize) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k.as_deref() == Some(name))
            .or_else(|| self.args.iter().filter(|(k, _)| k.is_none()).nth(position))
            .map(|(_, v)| v.as_str())
    }
}

/// One Liquid tag `{% name args %}` or output `{{ expr }}`.
#[derive(Debug, Clone)]
struct Liquid {
    span: Range<usize>,
    output: bool,
    name: String,
    args: String,
}

impl Translator<'_> {
    fn line_at(&self, text: &str, offset: usize) -> usize {
        if let Some(line) = self.fixed_line {
            return line;
        }
        let i = self.line_base + text[..offset.min(text.len())].matches('\n').count();
        self.lines.get(i).copied().or_else(|| self.lines.last().copied()).unwrap_or(1)
    }

    fn note(&mut self, text: &str, offset: usize, what: impl Into<String>) {
        let line = self.line_at(text, offset);
        self.notes.untranslated(self.src, line, what);
    }

    /// Markdown links to `.md` files (`[x](./other.md#part)`), which Hugo's link render hook,
    /// Jekyll's relative links and GitHub all follow to the page: folio `@/` links, checked at
    /// every build. A link to no page of the site keeps its text without the link, and is
    /// reported (left as it was, it would stop the build).
    fn md_links(&mut self, text: &str) -> String {
        use pulldown_cmark::{Event, Parser, Tag};
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for (event, range) in Parser::new_ext(text, crate::parse::markdown::options()).into_offset_iter() {
            let Event::Start(Tag::Link { dest_url, .. }) = event else { continue };
            let dest = dest_url.as_ref();
            let (path, anchor) = split_anchor(dest);
            let lower = path.to_ascii_lowercase();
            if dest.contains("://") || dest.starts_with("@/") || dest.starts_with("mailto:") || !(lower.ends_with(".md") || lower.ends_with(".markdown")) {
                continue;
            }
            let whole = &text[range.clone()];
            let Some(at) = whole.rfind(&format!("]({dest}")).or_else(|| whole.rfind(&format!("](<{dest}>"))) else { continue };
            let start = range.start + at + 2 + usize::from(whole[at + 2..].starts_with('<'));
            match self.lookup.page(self.src, path) {
                Some(target) => edits.push((start..start + dest.len(), link_to(&target, anchor, true))),
                None => {
                    self.note(text, range.start, format!("link to `{dest}`, which is not a page of the site: its text is kept without the link"));
                    let label = whole[..at].strip_prefix('[').unwrap_or(&whole[..at]).to_string();
                    edits.push((range.clone(), label));
                }
            }
        }
        let mut out = text.to_string();
        for (range, with) in edits.into_iter().rev() {
            out.replace_range(range, &with);
        }
        out
    }

    fn run(&mut self, text: &str) -> String {
        let code = code_ranges(text);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        while pos < text.len() {
            let Some(found) = text[pos..].find('{').map(|i| pos + i) else {
                out.push_str(&text[pos..]);
                break;
            };
            out.push_str(&text[pos..found]);
            if let Some(r) = code.iter().find(|r| r.contains(&found)) {
                out.push_str(&self.in_code(&text[found..r.end]));
                pos = r.end;
                continue;
            }
            let next = match self.flavour {
                Flavour::Hugo => self.hugo_at(text, found, &mut out),
                Flavour::Jekyll => self.liquid_at(text, found, &mut out),
                Flavour::Zola => self.zola_at(text, found, &mut out),
            };
            match next {
                Some(end) => pos = end,
                None => {
                    if text[found..].starts_with("{{") && looks_like_folio_call(&text[found..]) && self.flavour != Flavour::Zola {
                        // Would be read as a folio shortcode: shown as text, as in the old site.
                        out.push_str("&#123;{");
                        pos = found + 2;
                    } else {
                        out.push('{');
                        pos = found + 1;
                    }
                }
            }
        }
        out
    }

    /// Code is left as written, except for the escapes the old generator removed in it.
    fn in_code(&self, code: &str) -> String {
        match self.flavour {
            Flavour::Hugo => unescape_hugo(code),
            Flavour::Jekyll => code.replace("{% raw %}", "").replace("{% endraw %}", "").replace("{%- raw -%}", "").replace("{%- endraw -%}", ""),
            Flavour::Zola => code.to_string(),
        }
    }

    // ---- Hugo ----

    fn hugo_at(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        let tag = hugo_tag(text, at)?;
        if let Some(shown) = &tag.escaped {
            out.push_str(&shown.replacen("{{", "&#123;{", 1));
            return Some(tag.span.end);
        }
        if tag.closing {
            return self.keep(text, &tag.span, out, format!("closing `{{{{< /{} >}}}}` without its opening tag; left as text", tag.name));
        }
        let paired = if tag.self_closing { None } else { find_hugo_close(text, &tag) };
        let inner = paired.as_ref().map(|(inner, _)| &text[inner.clone()]);
        let end = paired.as_ref().map_or(tag.span.end, |(_, close)| close.end);
        let in_link = in_link_destination(text, at);
        match tag.name.as_str() {
            "figure" => out.push_str(&figure(&tag)),
            "youtube" => match tag.arg("id", 0) {
                Some(id) => {
                    out.push_str(&video(&format!("https://www.youtube-nocookie.com/embed/{}", url_part(id)), tag.arg("title", 99).unwrap_or("YouTube video")))
                }
                None => return self.keep(text, &tag.span, out, "`youtube` without a video id"),
            },
            "vimeo" => match tag.arg("id", 0) {
                Some(id) => {
                    out.push_str(&video(&format!("https://player.vimeo.com/video/{}?dnt=1", url_part(id)), tag.arg("title", 99).unwrap_or("Vimeo video")))
                }
                None => return self.keep(text, &tag.span, out, "`vimeo` without a video id"),
            },
            "details" => {
                let summary = tag.arg("summary", 0).unwrap_or("Details");
                let open = if tag.arg("open", 99).is_some_and(|v| v == "true") { " open" } else { "" };
                let body = paired.as_ref().map(|(range, _)| self.run_nested(text, range.clone())).unwrap_or_default();
                out.push_str(&format!("<details{open}>\n<summary>{}</summary>\n\n{}\n\n</details>", escape_html(summary), body.trim_matches('\n')));
            }
            "highlight" => {
                let lang = tag.arg("lang", 0).unwrap_or("");
                if let Some(options) = tag.arg("options", 1) {
                    self.note(
                        text,
                        at,
                        format!("`highlight` options `{options}` (line numbers, highlighted lines) are not carried over; the code is a plain fenced block"),
                    );
                }
                let code = inner.unwrap_or_default().trim_matches('\n');
                out.push_str(&fenced(lang, code));
            }
            "ref" | "relref" => {
                let Some(reference) = tag.arg("path", 0) else { return self.keep(text, &tag.span, out, "`ref` without a path") };
                let (path, anchor) = split_anchor(reference);
                match self.lookup.page(self.src, path) {
                    Some(target) => out.push_str(&link_to(&target, anchor, in_link)),
                    None => return self.keep(text, &tag.span, out, format!("`{}` names `{reference}`, which is not a page of the site", tag.name)),
                }
            }
            "include" | "readfile" => {
                let Some(path) = tag.arg("file", 0).or_else(|| tag.arg("path", 0)) else { return self.keep(text, &tag.span, out, "`include` without a file") };
                match self.included(text, at, path) {
                    Some(body) => out.push_str(body.trim_end_matches('\n')),
                    None => return self.keep(text, &tag.span, out, format!("`{}` names `{path}`, which was not found in the site's content", tag.name)),
                }
            }
            "param" => {
                let name = tag.arg("name", 0).unwrap_or("");
                match self.lookup.site_value(&format!("params.{name}")) {
                    Some(v) => out.push_str(&escape_html(&v)),
                    None => return self.keep(text, &tag.span, out, format!("`param \"{name}\"` names no value of the site's `params`")),
                }
            }
            "gist" => {
                let (user, id) = (tag.arg("user", 0).unwrap_or(""), tag.arg("id", 1).unwrap_or(""));
                out.push_str(&format!("[Gist {user}/{id}](https://gist.github.com/{}/{})", url_part(user), url_part(id)));
                self.note(text, at, "`gist` is shown as a link to the gist; folio does not embed outside scripts");
            }
            _ => {
                let what = format!("Hugo shortcode `{}` has no folio equivalent; left as text", tag.name);
                if let Some((inner_range, close)) = paired {
                    // The inside is still translated; the tags stay to show what was there.
                    self.note(text, at, what);
                    out.push_str(&text[tag.span.clone()]);
                    out.push_str(&self.run_nested(text, inner_range));
                    out.push_str(&text[close]);
                    return Some(end);
                }
                return self.keep(text, &tag.span, out, what);
            }
        }
        Some(end)
    }

    /// Leaves the tag at `span` as it was written, and reports it; returns where it ends.
    fn keep(&mut self, text: &str, span: &Range<usize>, out: &mut String, what: impl Into<String>) -> Option<usize> {
        self.note(text, span.start, what);
        out.push_str(&text[span.clone()]);
        Some(span.end)
    }

    /// The part `inner` of `text` (inside a paired tag), translated with the page's line numbers.
    fn run_nested(&mut self, text: &str, inner: Range<usize>) -> String {
        let saved = self.line_base;
        self.line_base += text[..inner.start].matches('\n').count();
        let out = self.run(&text[inner]);
        self.line_base = saved;
        out
    }

    /// The body of an included content file (front matter removed), translated in turn.
    fn included(&mut self, text_here: &str, at: usize, path: &str) -> Option<String> {
        if self.depth >= MAX_INCLUDE_DEPTH {
            return None;
        }
        let content = self.lookup.content_dir();
        let here = super::parent(self.src);
        let candidates: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
            vec![format!("{content}/{abs}"), format!("{content}/{abs}.md"), abs.to_string()]
        } else {
            vec![format!("{here}/{path}"), format!("{content}/{path}"), format!("{content}/{path}.md"), path.to_string(), format!("_includes/{path}")]
        };
        let (src, text) = candidates.iter().find_map(|c| self.lookup.text(c).map(|t| (c.clone(), t)))?;
        let split = super::source::split(std::path::Path::new(&src), text).ok()?;
        Some(self.run_included(text_here, at, &split.body))
    }

    /// The text of a file included at `at` of `text`, translated one level deeper; problems
    /// inside it are reported at the include's line.
    fn run_included(&mut self, text: &str, at: usize, included: &str) -> String {
        let line = self.line_at(text, at);
        let saved = (self.fixed_line, self.depth);
        (self.fixed_line, self.depth) = (Some(line), self.depth + 1);
        let translated = self.run(included);
        (self.fixed_line, self.depth) = saved;
        translated
    }

    // ---- Jekyll (Liquid) ----

    fn liquid_at(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        let tag = liquid(text, at)?;
        let in_link = in_link_destination(text, at);
        if tag.output {
            match self.liquid_output(&tag.args) {
                Some(v) => out.push_str(&v),
                None => {
                    self.note(text, at, format!("Liquid output `{{{{ {} }}}}` has no folio equivalent; left as text", tag.args.trim()));
                    out.push_str(&text[tag.span.clone()]);
                }
            }
            return Some(tag.span.end);
        }
        let block = |end_name: &str| find_liquid_end(text, tag.span.end, &tag.name, end_name);
        match tag.name.as_str() {
            "highlight" => {
                let Some((inner, end)) = block("endhighlight") else { return self.keep(text, &tag.span, out, "`highlight` without `endhighlight`") };
                let mut words = tag.args.split_whitespace();
                let lang = words.next().unwrap_or("");
                if words.next().is_some() {
                    self.note(text, at, "`highlight` options (line numbers) are not carried over; the code is a plain fenced block");
                }
                out.push_str(&fenced(lang, text[inner].trim_matches('\n')));
                Some(end)
            }
            "raw" => {
                let Some((inner, end)) = block("endraw") else { return self.keep(text, &tag.span, out, "`raw` without `endraw`") };
                out.push_str(&text[inner].replace("{{", "&#123;{").replace("{%", "&#123;%"));
                Some(end)
            }
            "comment" => {
                let Some((inner, end)) = block("endcomment") else { return self.keep(text, &tag.span, out, "`comment` without `endcomment`") };
                out.push_str(&format!("<!-- {} -->", text[inner].trim().replace("--", "- -")));
                Some(end)
            }
            "link" | "post_url" => {
                let name = tag.args.trim().trim_matches(|c| c == '"' || c == '\'');
                let target = if tag.name == "link" { self.lookup.page(self.src, name) } else { self.lookup.post(name) };
                match target {
                    Some(t) => out.push_str(&link_to(&t, None, in_link)),
                    None => return self.keep(text, &tag.span, out, format!("`{}` names `{name}`, which is not a page of the site", tag.name)),
                }
                Some(tag.span.end)
            }
            "include" | "include_relative" => {
                let mut words = tag.args.split_whitespace();
                let file = words.next().unwrap_or("");
                let params: Vec<(String, String)> = liquid_params(&tag.args[tag.args.find(file).map_or(0, |i| i + file.len())..]);
                let src = if tag.name == "include" {
                    format!("_includes/{file}")
                } else {
                    let dir = super::parent(self.src);
                    if dir.is_empty() {
                        file.to_string()
                    } else {
                        format!("{dir}/{file}")
                    }
                };
                match self.lookup.text(&src).map(str::to_string) {
                    Some(body) => match substitute_include(&body, &params) {
                        Some(done) if self.depth < MAX_INCLUDE_DEPTH => {
                            let translated = self.run_included(text, at, &done);
                            out.push_str(translated.trim_end_matches('\n'));
                        }
                        _ => {
                            return self.keep(
                                text,
                                &tag.span,
                                out,
                                format!("`{}` of `{file}`: the file uses Liquid logic folio cannot run; left as text", tag.name),
                            )
                        }
                    },
                    None => return self.keep(text, &tag.span, out, format!("`{}` names `{file}`, which was not found", tag.name)),
                }
                Some(tag.span.end)
            }
            _ => self.keep(text, &tag.span, out, format!("Liquid tag `{{% {} %}}` has no folio equivalent; left as text", tag.name)),
        }
    }

    /// `{{ site.baseurl }}`, `{{ "/x" | relative_url }}`, `{{ site.title }}`, `{{ page.url }}`.
    fn liquid_output(&self, expr: &str) -> Option<String> {
        let mut parts = expr.split('|').map(str::trim);
        let head = parts.next()?;
        let mut value = if let Some(s) = quoted(head) {
            s.to_string()
        } else {
            // Liquid writes values as they are (no escaping), and so does the translation.
            match head {
                "site.baseurl" => String::new(),
                "page.url" => self.lookup.own_url().to_string(),
                _ => {
                    if let Some(path) = head.strip_prefix("site.") {
                        self.lookup.site_value(path)?
                    } else if let Some(path) = head.strip_prefix("page.") {
                        self.lookup.page_value(path)?
                    } else {
                        return None;
                    }
                }
            }
        };
        for filter in parts {
            match filter {
                "relative_url" => {}
                "absolute_url" => value = format!("{}{value}", self.lookup.site_value("url").unwrap_or_default()),
                "prepend: site.baseurl" | "escape" | "xml_escape" | "strip" => {}
                _ => return None,
            }
        }
        Some(value)
    }

    // ---- Zola ----

    fn zola_at(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        let rest = &text[at..];
        if rest.starts_with("{{/*") {
            let end = rest.find("*/}}")? + 4;
            out.push_str(&rest[..end]);
            return Some(at + end);
        }
        if rest.starts_with("{%/*") {
            let end = rest.find("*/%}")? + 4;
            out.push_str(&format!("&#123;%{}%}}", &rest[4..end - 4]));
            return Some(at + end);
        }
        if let Some(after) = rest.strip_prefix("{{") {
            let name = call_name(after)?;
            let end = rest.find("}}")? + 2;
            if self.lookup.runs_shortcode(name) {
                out.push_str(&rest[..end]);
            } else {
                self.note(
                    text,
                    at,
                    format!("shortcode `{name}` has no template folio can run (its template is missing, or uses what only Zola has); shown as text"),
                );
                out.push_str("&#123;{");
                out.push_str(&rest[2..end]);
            }
            return Some(at + end);
        }
        if let Some(after) = rest.strip_prefix("{%") {
            let name = call_name(after)?;
            let close = rest.find("{% end %}").or_else(|| rest.find("{%end%}"));
            self.note(text, at, format!("body shortcode `{name}` ({{% … %}} … {{% end %}}) has no folio equivalent; shown as text"));
            let end = close.map_or_else(|| rest.find("%}").map_or(2, |i| i + 2), |i| i + rest[i..].find("%}").unwrap_or(0) + 2);
            out.push_str(&rest[..end].replace("{%", "&#123;%").replace("{{", "&#123;{"));
            return Some(at + end);
        }
        None
    }
}

/// Byte ranges of code spans and code blocks, where shortcodes are text.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// Whether `text` (starting with `{{`) reads as folio's shortcode syntax `{{ name(`.
fn looks_like_folio_call(text: &str) -> bool {
    call_name(&text[2..]).is_some()
}

/// The name of a call `name(` at the start of `text` (after spaces).
fn call_name(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let len = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(t.len());
    let name = &t[..len];
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic()) && t[len..].trim_start().starts_with('(')).then_some(name)
}

fn unescape_hugo(code: &str) -> String {
    let mut out = code.to_string();
    for (open, close, a, b) in [("{{</*", "*/>}}", "{{<", ">}}"), ("{{%/*", "*/%}}", "{{%", "%}}")] {
        while let Some(s) = out.find(open) {
            let Some(e) = out[s..].find(close).map(|i| s + i) else { break };
            let inner = out[s + open.len()..e].to_string();
            out.replace_range(s..e + close.len(), &format!("{a}{inner}{b}"));
        }
    }
    out
}

/// Parses a Hugo tag at `at` (`{{<` or `{{%`).
fn hugo_tag(text: &str, at: usize) -> Option<HugoTag> {
    let rest = &text[at..];
    let close = if rest.starts_with("{{<") {
        ">}}"
    } else if rest.starts_with("{{%") {
        "%}}"
    } else {
        return None;
    };
    let body_start = at + 3;
    let inner_text = &text[body_start..];
    if inner_text.trim_start().starts_with("/*") {
        let end = inner_text.find(&format!("*/{close}"))?;
        let inner = &inner_text[inner_text.find("/*")? + 2..end];
        let open = &rest[..3];
        return Some(HugoTag {
            span: at..body_start + end + 2 + close.len(),
            name: String::new(),
            closing: false,
            self_closing: true,
            args: Vec::new(),
            escaped: Some(format!("{open}{inner}{close}")),
        });
    }
    // Find the closing delimiter outside quotes.
    let bytes = inner_text.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let end = loop {
        if i >= bytes.len() || i > 4096 {
            return None;
        }
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'`' => quote = Some(b),
            None if inner_text[i..].starts_with(close) => break i,
            None => {}
        }
        i += 1;
    };
    let mut inner = inner_text[..end].trim();
    let self_closing = inner.ends_with('/');
    if self_closing {
        inner = inner[..inner.len() - 1].trim_end();
    }
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/').trim();
    let name_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = inner[..name_len].to_string();
    if name.is_empty() {
        return None;
    }
    Some(HugoTag { span: at..body_start + end + close.len(), name, closing, self_closing, args: hugo_args(&inner[name_len..]), escaped: None })
}

/// `src="a" 12 title=\`raw\`` → named and positional arguments.
fn hugo_args(text: &str) -> Vec<(Option<String>, String)> {
    let mut args = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut word = String::new();
        let mut key = None;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            if c == '=' && key.is_none() && !word.is_empty() {
                key = Some(std::mem::take(&mut word));
                chars.next();
                continue;
            }
            if c == '"' || c == '`' {
                chars.next();
                while let Some(d) = chars.next() {
                    if d == c {
                        break;
                    }
                    if d == '\\' && c == '"' {
                        if let Some(e) = chars.next() {
                            word.push(e);
                        }
                        continue;
                    }
                    word.push(d);
                }
                continue;
            }
            word.push(c);
            chars.next();
        }
        if key.is_some() || !word.is_empty() {
            args.push((key, word));
        }
    }
    args
}

/// The matching `{{< /name >}}` of an opening tag: (inside, closing tag span).
fn find_hugo_close(text: &str, open: &HugoTag) -> Option<(Range<usize>, Range<usize>)> {
    let mut depth = 0;
    let mut pos = open.span.end;
    while let Some(i) = text[pos..].find("{{").map(|i| pos + i) {
        match hugo_tag(text, i) {
            Some(t) if t.name == open.name && t.escaped.is_none() && !t.self_closing => {
                if t.closing {
                    if depth == 0 {
                        return Some((open.span.end..i, t.span));
                    }
                    depth -= 1;
                } else {
                    depth += 1;
                }
                pos = t.span.end;
            }
            Some(t) => pos = t.span.end,
            None => pos = i + 2,
        }
    }
    None
}

/// Parses a Liquid tag or output at `at`.
fn liquid(text: &str, at: usize) -> Option<Liquid> {
    let rest = &text[at..];
    let (output, close) = if rest.starts_with("{{") {
        (true, "}}")
    } else if rest.starts_with("{%") {
        (false, "%}")
    } else {
        return None;
    };
    let end = rest[2..].find(close)? + 2;
    if rest[2..end].contains('\n') && rest[2..end].lines().count() > 8 {
        return None;
    }
    let inner = rest[2..end].trim_matches('-').trim();
    let (name, args) = if output {
        (String::new(), inner.to_string())
    } else {
        let n = inner.find(char::is_whitespace).unwrap_or(inner.len());
        (inner[..n].to_string(), inner[n..].trim().to_string())
    };
    if !output && name.is_empty() {
        return None;
    }
    Some(Liquid { span: at..at + end + close.len(), output, name, args })
}

/// The end tag of a Liquid block: (inside, end of the end tag).
fn find_liquid_end(text: &str, from: usize, name: &str, end_name: &str) -> Option<(Range<usize>, usize)> {
    let mut depth = 0;
    let mut pos = from;
    while let Some(i) = text[pos..].find("{%").map(|i| pos + i) {
        let Some(t) = liquid(text, i) else {
            pos = i + 2;
            continue;
        };
        if t.name == end_name {
            if depth == 0 {
                return Some((from..i, t.span.end));
            }
            depth -= 1;
        } else if t.name == name && name != "raw" {
            depth += 1;
        }
        pos = t.span.end;
    }
    None
}

/// `key="value" n=3` parameters of a Liquid include.
fn liquid_params(text: &str) -> Vec<(String, String)> {
    hugo_args(text).into_iter().filter_map(|(k, v)| Some((k?, v))).collect()
}

/// An include's text with `{{ include.x }}` replaced by the given values; `None` when it uses
/// any other Liquid.
fn substitute_include(body: &str, params: &[(String, String)]) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut pos = 0;
    while let Some(i) = body[pos..].find(['{']).map(|i| pos + i) {
        out.push_str(&body[pos..i]);
        if body[i..].starts_with("{%") {
            return None;
        }
        if body[i..].starts_with("{{") {
            let end = body[i..].find("}}")? + i;
            let expr = body[i + 2..end].trim();
            let name = expr.strip_prefix("include.")?;
            if name.contains(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
                return None;
            }
            out.push_str(params.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str()));
            pos = end + 2;
            continue;
        }
        out.push('{');
        pos = i + 1;
    }
    out.push_str(&body[pos..]);
    Some(out)
}

fn quoted(s: &str) -> Option<&str> {
    let s = s.trim();
    (s.len() >= 2 && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))).then(|| &s[1..s.len() - 1])
}

/// Whether `at` sits right inside a Markdown link's destination: `](` or a reference `]: `.
fn in_link_destination(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(' ');
    before.ends_with("](") || before.ends_with("]:")
}

fn split_anchor(reference: &str) -> (&str, Option<&str>) {
    match reference.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (reference, None),
    }
}

/// A link to another page: an `@/` link folio checks at every build inside a Markdown link,
/// the page's address anywhere else (an HTML attribute, plain text).
fn link_to(target: &Target, anchor: Option<&str>, in_link: bool) -> String {
    let base = if in_link { format!("@/{}", target.key) } else { target.url.clone() };
    match anchor {
        Some(a) if !a.is_empty() => format!("{base}#{a}"),
        _ => base,
    }
}

fn fenced(lang: &str, code: &str) -> String {
    let fence = if code.contains("```") { "~~~~" } else { "```" };
    format!("{fence}{lang}\n{code}\n{fence}")
}

fn url_part(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect()
}

fn video(src: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{src}\" title=\"{}\" loading=\"lazy\" style=\"border:0;width:100%;aspect-ratio:16/9\" allow=\"encrypted-media; picture-in-picture; fullscreen\" allowfullscreen></iframe>",
        escape_html(title)
    )
}

/// Hugo's `figure` as folio's `figure` shortcode (a responsive `<picture>` for a raster image,
/// and the caption); Hugo's `width`/`height` are left out (folio sets both from the file).
fn figure(tag: &HugoTag) -> String {
    let quoted = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " "));
    let src = tag.arg("src", 0).unwrap_or("");
    let caption = tag.arg("caption", 99).or_else(|| tag.arg("title", 99));
    let alt = tag.arg("alt", 99).or(caption).unwrap_or("");
    let mut args = vec![format!("src={}", quoted(src)), format!("alt={}", quoted(alt))];
    if let Some(c) = caption {
        args.push(format!("caption={}", quoted(c)));
    }
    if let Some(link) = tag.arg("link", 99) {
        args.push(format!("link={}", quoted(link)));
    }
    if let Some(class) = tag.arg("class", 99) {
        args.push(format!("class={}", quoted(class)));
    }
    format!("{{{{ figure({}) }}}}", args.join(", "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    struct Site;
    impl Lookup for Site {
        fn page(&self, _from: &str, reference: &str) -> Option<Target> {
            (reference.trim_start_matches('/') == "docs/install.md" || reference == "_posts/2020-01-01-hello.md")
                .then(|| Target { key: "docs/install.md".into(), url: "/docs/install/".into() })
        }
        fn post(&self, name: &str) -> Option<Target> {
            (name == "2020-01-01-hello").then(|| Target { key: "posts/2020-01-01-hello.md".into(), url: "/posts/hello/".into() })
        }
        fn text(&self, src: &str) -> Option<&str> {
            match src {
                "_includes/note.html" => Some("<p class=\"note\">{{ include.text }}</p>\n"),
                "_includes/loop.html" => Some("{% for x in y %}{% endfor %}"),
                "content/snippets/shared.md" => Some("---\nheadless: true\n---\nShared {{< ref \"docs/install.md\" >}} text.\n"),
                _ => None,
            }
        }
        fn site_value(&self, path: &str) -> Option<String> {
            match path {
                "url" => Some("https://x.test".into()),
                "title" => Some("X".into()),
                "params.version" => Some("1.2".into()),
                _ => None,
            }
        }
        fn own_url(&self) -> &str {
            "/here/"
        }
        fn runs_shortcode(&self, name: &str) -> bool {
            name == "note"
        }
    }

    fn hugo(body: &str) -> (String, Notes) {
        let mut notes = Notes::default();
        let out = translate(Flavour::Hugo, "content/a.md", body, 5, &Site, &mut notes);
        (out, notes)
    }

    #[test]
    fn hugo_shortcodes() {
        let (out, notes) = hugo("{{< figure src=\"/i.png\" alt=\"An \\\"i\\\"\" caption=\"Cap\" >}}\n\n[Install]({{< ref \"docs/install.md#linux\" >}})\n\n{{< youtube w7Ft2ymGmfc >}}\n");
        assert!(out.contains("{{ figure(src=\"/i.png\", alt=\"An \\\"i\\\"\", caption=\"Cap\") }}"), "{out}");
        assert!(out.contains("[Install](@/docs/install.md#linux)"), "{out}");
        assert!(out.contains("youtube-nocookie.com/embed/w7Ft2ymGmfc"), "{out}");
        assert!(notes.items.is_empty(), "{:?}", notes.items);
        let (out, _) = hugo("{{< details summary=\"More\" >}}\nInside {{< param \"version\" >}}\n{{< /details >}}\n");
        assert_eq!(out, "<details>\n<summary>More</summary>\n\nInside 1.2\n\n</details>\n");
        let (out, _) = hugo("{{< highlight go >}}\nfmt.Println(\"{{\")\n{{< /highlight >}}\n");
        assert_eq!(out, "```go\nfmt.Println(\"{{\")\n```\n");
        let (out, notes) = hugo("Text\n\n{{% include \"snippets/shared.md\" %}}\n");
        assert_eq!(out, "Text\n\nShared /docs/install/ text.\n");
        assert!(notes.items.is_empty());
    }

    #[test]
    fn untranslated_hugo_is_reported_with_its_line() {
        let (out, notes) = hugo("One\n\n{{< tweet 123 >}}\n\n{{< notice warning >}}\nBody {{< ref \"nowhere.md\" >}}\n{{< /notice >}}\n");
        assert!(out.contains("{{< tweet 123 >}}"));
        let lines: Vec<(usize, &str)> = notes.items.iter().map(|n| (n.line, n.what.as_str())).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].0, 7);
        assert!(lines[0].1.contains("`tweet`"));
        assert_eq!(lines[1].0, 9);
        assert!(lines[1].1.contains("`notice`"));
        assert_eq!(lines[2].0, 10);
        assert!(lines[2].1.contains("nowhere.md"));
    }

    #[test]
    fn hugo_escapes_in_code_are_removed_and_folio_lookalikes_are_shown_as_text() {
        let (out, _) = hugo("```\n{{</* figure src=\"x\" */>}}\n```\n\nUse {{ cta(x=1) }} literally.\n");
        assert!(out.contains("```\n{{< figure src=\"x\" >}}\n```"), "{out}");
        assert!(out.contains("Use &#123;{ cta(x=1) }} literally."), "{out}");
    }

    #[test]
    fn links_to_markdown_files_become_folio_links() {
        let (out, notes) = hugo("See [install](/docs/install.md#linux), [gone](missing.md) and `[code](x.md)`.\n");
        assert_eq!(out, "See [install](@/docs/install.md#linux), gone and `[code](x.md)`.\n");
        assert_eq!(notes.items.len(), 1);
        assert!(notes.items[0].what.contains("`missing.md`"));
    }

    #[test]
    fn kramdown_attribute_lists() {
        let mut notes = Notes::default();
        let body = "## 3.9.3 / 2023-01-29\n{: #v3-9-3 .release}\n\n* TOC\n{:toc}\n\nA note.\n{: .note}\n";
        let out = translate(Flavour::Jekyll, "_docs/history.md", body, 3, &Site, &mut notes);
        assert_eq!(out, "## 3.9.3 / 2023-01-29 {#v3-9-3 .release}\n\n\n\n\n\nA note.\n\n");
        let lines: Vec<usize> = notes.items.iter().map(|n| n.line).collect();
        assert_eq!(lines, [7, 10], "{:?}", notes.items);
    }

    #[test]
    fn liquid_tags() {
        let mut notes = Notes::default();
        let body = "{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}\n\n[Hello]({% post_url 2020-01-01-hello %}) and <a href=\"{{ site.baseurl }}{% link _posts/2020-01-01-hello.md %}\">x</a>\n\n{% include note.html text=\"Hi\" %}\n\n{% raw %}{{ not.liquid }}{% endraw %}\n\n{% include loop.html %}\n{{ site.title | upcase }}\n";
        let out = translate(Flavour::Jekyll, "_posts/2020-02-02-x.md", body, 4, &Site, &mut notes);
        assert!(out.starts_with("```ruby\nputs 1\n```"), "{out}");
        assert!(out.contains("[Hello](@/posts/2020-01-01-hello.md)"), "{out}");
        assert!(out.contains("<a href=\"/docs/install/\">x</a>"), "{out}");
        assert!(out.contains("<p class=\"note\">Hi</p>"), "{out}");
        assert!(out.contains("&#123;{ not.liquid }}"), "{out}");
        let what: Vec<&str> = notes.items.iter().map(|n| n.what.as_str()).collect();
        assert_eq!(what.len(), 3, "{what:?}");
        assert!(what[0].contains("line numbers"));
        assert!(what[1].contains("loop.html"));
        assert!(what[2].contains("site.title | upcase"));
        assert_eq!(notes.items[2].line, 4 + 11);
    }

    #[test]
    fn admonitions_become_callouts() {
        let mut notes = Notes::default();
        let out = translate(
            Flavour::Zola,
            "content/a.md",
            ":::tip[Did you know?]\nLine one\n\nLine two\n:::\n\n:::unknown\nx\n:::\n\n{{ note(text=\"a\") }} {{ other(x=1) }}\n",
            1,
            &Site,
            &mut notes,
        );
        assert!(out.starts_with("> [!TIP]\n> **Did you know?**\n>\n> Line one\n>\n> Line two\n\n"), "{out}");
        assert!(out.contains("{{ note(text=\"a\") }} &#123;{ other(x=1) }}"), "{out}");
        let lines: Vec<usize> = notes.items.iter().map(|n| n.line).collect();
        assert_eq!(lines, [7, 11], "{:?}", notes.items);
    }
}

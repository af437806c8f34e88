//! `folio check`: everything a build validates, plus checks on the finished site that a build
//! does not fail on: links inside the generated HTML that lead nowhere and `#anchors` that do
//! not exist on their page (errors: check fails), and the build's warnings (images without alt
//! text), which are reported but do not fail check on their own. `external` checks the links
//! that leave the site, over the network (`folio check --external`).

pub mod external;

use crate::diag::{Diagnostic, Diagnostics, Kind};
use crate::pipeline::Built;
use std::collections::{HashMap, HashSet};

/// Root-relative URLs in `href`/`src` attributes of an HTML document's tags (not in its text:
/// `href="/x/"` shown in a code sample is not a link).
pub fn site_links(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // The tag runs to the first `>` outside a quoted attribute value.
        let mut quote = None;
        let end = rest
            .char_indices()
            .find(|&(_, c)| match quote {
                Some(q) if c == q => {
                    quote = None;
                    false
                }
                Some(_) => false,
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    false
                }
                None => c == '>',
            })
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..end];
        for attr in [" href=\"", " src=\""] {
            let mut t = tag;
            while let Some(i) = t.find(attr) {
                t = &t[i + attr.len()..];
                let Some(close) = t.find('"') else { break };
                let url = &t[..close];
                if url.starts_with('/') && !url.starts_with("//") {
                    out.push(url);
                }
                t = &t[close..];
            }
        }
        rest = &rest[end..];
    }
    out
}

/// Every `id="…"` in an HTML document.
fn ids(html: &str) -> HashSet<&str> {
    crate::text::html_ids(html).into_iter().map(|(_, id)| id).collect()
}

/// Where a finished page came from, to place its problems in the file the user edits: the
/// content file (pages and sections) with its text, and the templates' texts.
struct Origins<'a> {
    /// Output file → (content file as shown, its text when known).
    pages: HashMap<String, (&'a std::path::Path, Option<&'a str>)>,
    templates: Vec<(&'a std::path::Path, &'a str)>,
}

impl<'a> Origins<'a> {
    fn of(built: &'a Built) -> Self {
        let texts: HashMap<&std::path::Path, &str> = built.sources.iter().map(|f| (f.shown.as_path(), f.text.as_str())).collect();
        let mut pages = HashMap::new();
        let site = &built.site;
        for (url, shown) in site.pages.unnoted().iter().map(|p| (&p.url, &p.shown)).chain(site.sections.unnoted().iter().map(|s| (&s.url, &s.shown))) {
            pages.insert(crate::url::url_to_file(url), (shown.as_path(), texts.get(shown.as_path()).copied()));
        }
        let templates = built.sources.iter().filter(|f| !f.shown.starts_with(crate::load::CONTENT_DIR)).map(|f| (f.shown.as_path(), f.text.as_str())).collect();
        Origins { pages, templates }
    }

    /// The problem `message` about `written` (the link as it stands in the HTML) on output file
    /// `out`: at the place it is written in the page's content file, else in a template, else
    /// (a menu entry) in site.yaml, else at the content file (or, for a page folio makes, the
    /// output address) without a line.
    fn place(&self, out: &str, written: &str, message: String) -> Diagnostic {
        let page_address = format!("/{}", out.strip_suffix("index.html").unwrap_or(out));
        // The HTML escapes `&`; the source may not.
        let needles = [written.to_string(), written.replace('&', "&amp;")];
        let found = |text: &str| needles.iter().find_map(|n| text.find(&format!("({n}")).map(|i| i + 1).or_else(|| text.find(n.as_str())));
        if let Some((shown, text)) = self.pages.get(out) {
            if let Some(text) = text {
                if let Some(at) = found(text) {
                    return Diagnostic::at_offset(shown, text, at, message);
                }
            }
            if let Some(d) = self.in_template(&found, &message) {
                return d;
            }
            return Diagnostic::file(
                shown,
                format!("{message} (on the page made from this file, {page_address}; the link is made by its template or a shortcode)"),
            );
        }
        if let Some(d) = self.in_template(&found, &message) {
            return d;
        }
        Diagnostic::file(
            "templates",
            format!("{message} (on the page {page_address}, which folio makes from the templates; the link is made by template code)"),
        )
    }

    fn in_template(&self, found: &dyn Fn(&str) -> Option<usize>, message: &str) -> Option<Diagnostic> {
        self.templates.iter().find_map(|(shown, text)| {
            let whose = if shown.starts_with(crate::config::CONFIG_FILE) { "on every page that shows it" } else { "in a template" };
            found(text).map(|at| Diagnostic::at_offset(shown, text, at, format!("{message} ({whose})")))
        })
    }
}

/// Every problem of the run: the errors the content had (`folio check` does not stop on them,
/// see `BuildOptions::check`), the warnings, and the links of the finished pages that lead to no
/// page, file or `#anchor` — each placed in the file it was written in.
pub fn check(built: &Built) -> Diagnostics {
    let mut problems = Diagnostics::default();
    problems.extend(built.warnings.iter().cloned());
    problems.extend(built.errors.iter().cloned());
    let origins = Origins::of(built);
    // A link the build already reported (a missing image, an `@/` link's anchor) is not
    // reported a second time from the finished page.
    let known = |d: &Diagnostic, url: &str, frag: Option<&str>| {
        built.errors.iter().any(|e| {
            e.kind == Kind::Link && e.path == d.path && (e.message.contains(&format!("`{url}`")) || frag.is_some_and(|f| e.message.contains(&format!("`{f}`"))))
        })
    };
    let mut files: HashMap<String, &[u8]> = HashMap::new();
    for f in &built.files {
        files.insert(f.path.clone(), &f.bytes);
    }
    // Static files, and the files made from them (image copies, social cards).
    let assets: HashSet<&str> = built.assets.iter().map(|a| a.out.as_str()).chain(built.made.iter().map(|m| m.path.as_str())).collect();
    let id_cache: HashMap<&str, HashSet<&str>> =
        built.files.iter().filter(|f| f.path.ends_with(".html")).map(|f| (f.path.as_str(), ids(std::str::from_utf8(&f.bytes).unwrap_or("")))).collect();
    for f in built.files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).unwrap_or("");
        let mut reported = HashSet::new();
        for written in site_links(html) {
            let url = written.replace("&amp;", "&");
            let (path, fragment) = match url.split_once('#') {
                Some((p, frag)) => (p.to_string(), Some(frag.to_string())),
                None => (url.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").trim_start_matches('/').to_string();
            let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.clone() };
            let exists = files.contains_key(&file) || assets.contains(file.as_str()) || files.contains_key(&format!("{path}/index.html"));
            if !exists {
                if reported.insert(url.clone()) {
                    let d = origins.place(&f.path, &url, format!("link `{url}` leads nowhere: the site has no page or file at `/{path}`")).kind(Kind::Link);
                    let d = if d.path.starts_with(crate::load::CONTENT_DIR) {
                        d.with_help("correct the address, or add the page or file it should lead to; a link written `@/path/to/file.md` (the content file) is checked by every build")
                    } else {
                        d.with_help("correct the address, or add the page or file it should lead to (a page in content/, a file in static/)")
                    };
                    if !known(&d, &url, None) {
                        problems.push(d);
                    }
                }
                continue;
            }
            if let Some(frag) = fragment.filter(|s| !s.is_empty()) {
                let target = if path.is_empty() && url.starts_with('#') { f.path.clone() } else { file };
                if let Some(target_ids) = id_cache.get(target.as_str()) {
                    if !target_ids.contains(frag.as_str()) && reported.insert(url.clone()) {
                        let d = origins
                            .place(&f.path, &url, format!("link `{url}`: the page it leads to has no `#{frag}` (no heading or element with that id)"))
                            .with_help("link to a heading that exists (its id is its text in lowercase, with `-` between words), or remove the `#…` part")
                            .kind(Kind::Link);
                        if !known(&d, &url, Some(&frag)) {
                            problems.push(d);
                        }
                    }
                }
            }
        }
    }
    problems.sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_root_relative_links_only() {
        let html = r#"<a href="/a/">x</a><img src="/i.png" alt=""><a href="https://x.test/">e</a><a href="//cdn/">c</a><a href="rel">r</a>"#;
        assert_eq!(site_links(html), vec!["/a/", "/i.png"]);
        let code = r#"<p>Write <code>{{ cta(href="/inline/") }}</code> or <a class="x" href="/b/">b</a>.</p>"#;
        assert_eq!(site_links(code), vec!["/b/"]);
    }
}

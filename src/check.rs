//! `folio check`: everything a build validates, plus checks on the finished site that a build
//! does not fail on: links inside the generated HTML that lead nowhere and `#anchors` that do
//! not exist on their page (errors: check fails), and the build's warnings (images without alt
//! text), which are reported but do not fail check on their own. `external` checks the links
//! that leave the site, over the network (`folio check --external`).

pub mod external;

use crate::diag::{Diagnostic, Diagnostics, Kind};
use crate::pipeline::Built;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Root-relative URLs in `href`/`src` attributes of an HTML document.
pub fn site_links(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = &rest[..end];
            if url.starts_with('/') && !url.starts_with("//") {
                out.push(url);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Every `id="…"` in an HTML document.
fn ids(html: &str) -> HashSet<&str> {
    crate::text::html_ids(html).into_iter().map(|(_, id)| id).collect()
}

pub fn check(built: &Built) -> Diagnostics {
    let mut problems = Diagnostics::default();
    problems.extend(built.warnings.iter().cloned());
    let mut files: HashMap<String, &[u8]> = HashMap::new();
    for f in &built.files {
        files.insert(f.path.clone(), &f.bytes);
    }
    let assets: HashSet<&str> = built.assets.iter().map(|a| a.out.as_str()).collect();
    let id_cache: HashMap<&str, HashSet<&str>> =
        built.files.iter().filter(|f| f.path.ends_with(".html")).map(|f| (f.path.as_str(), ids(std::str::from_utf8(&f.bytes).unwrap_or("")))).collect();
    for f in built.files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).unwrap_or("");
        let mut reported = HashSet::new();
        for url in site_links(html) {
            let url = url.replace("&amp;", "&");
            let (path, fragment) = match url.split_once('#') {
                Some((p, frag)) => (p.to_string(), Some(frag.to_string())),
                None => (url.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").trim_start_matches('/').to_string();
            let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.clone() };
            let exists = files.contains_key(&file) || assets.contains(file.as_str()) || files.contains_key(&format!("{path}/index.html"));
            let shown = PathBuf::from(format!("public/{}", f.path));
            if !exists {
                if reported.insert(url.clone()) {
                    problems.push(
                        Diagnostic::file(&shown, format!("broken internal link: `{url}` leads to no page or file"))
                            .with_help(
                                "fix the link in the page's Markdown or the template; in Markdown, prefer `@/path/to/file.md` links, which the build checks",
                            )
                            .kind(Kind::Link),
                    );
                }
                continue;
            }
            if let Some(frag) = fragment.filter(|s| !s.is_empty()) {
                let target = if path.is_empty() && url.starts_with('#') { f.path.clone() } else { file };
                if let Some(target_ids) = id_cache.get(target.as_str()) {
                    if !target_ids.contains(frag.as_str()) && reported.insert(url.clone()) {
                        problems.push(
                            Diagnostic::file(&shown, format!("link `{url}`: no element with id `{frag}` on that page"))
                                .with_help("link to a heading that exists, or remove the `#…` part")
                                .kind(Kind::Link),
                        );
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
    }
}

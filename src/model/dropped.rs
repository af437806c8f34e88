//! Addresses a build stops publishing (issue 13): the pages the previous `folio build` wrote
//! (its manifest, read by `output::published`) that this build does not write. Links from other
//! sites and search results lead there, so each is a warning with the way to keep it working:
//! an `aliases:` entry on the page that replaced it. A page whose content file is still there
//! under another address (a new `slug:`) gets its own warning at the line to add the alias to;
//! the rest (deleted pages, drafts again, renamed files) are listed in one warning.

use super::{Page, Section};
use crate::diag::{slashed, Diagnostic, Kind};
use crate::url::file_to_url;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// How many addresses a warning lists, and how many moved pages get a warning of their own.
pub const SHOWN: usize = 20;

/// What the previous build published in the output folder: each file and, for a page, the
/// content file it was made from (`content/articles/x.md`, `/`-separated).
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// The output folder as the user named it (for the summary warning).
    pub folder: std::path::PathBuf,
    pub files: Vec<(String, Option<String>)>,
}

/// Whether a file of the previous build is an address worth keeping: a page (`.html`), not a
/// further page of a list (`…/page/3/`, which come and go with the number of pages) and not a
/// partner link (`/go/<id>/`, which ends with its banner on purpose).
fn is_kept_address(file: &str) -> bool {
    if !file.ends_with(".html") || file.starts_with("go/") {
        return false;
    }
    let parts: Vec<&str> = file.split('/').collect();
    let pager = parts.len() >= 3
        && parts[parts.len() - 1] == "index.html"
        && parts[parts.len() - 3] == "page"
        && parts[parts.len() - 2].bytes().all(|b| b.is_ascii_digit());
    !pager
}

/// The warnings for the pages of `before` that are not among `now` (every file this build
/// writes). `text_of` gives a content file's text by its content key.
pub fn dropped<'a>(
    before: &Published,
    now: &HashSet<&str>,
    pages: &[Page],
    sections: &[Section],
    text_of: impl Fn(&str) -> Option<&'a str>,
) -> Vec<Diagnostic> {
    let by_source: HashMap<String, (&str, &Path, &str)> = pages
        .iter()
        .map(|p| (p.key.as_str(), p.shown.as_path(), p.url.as_str()))
        .chain(sections.iter().map(|s| (s.key.as_str(), s.shown.as_path(), s.url.as_str())))
        .map(|(key, shown, url)| (slashed(shown), (key, shown, url)))
        .collect();
    let mut warnings = Vec::new();
    let mut gone: Vec<String> = Vec::new();
    for (file, source) in &before.files {
        if now.contains(file.as_str()) || !is_kept_address(file) {
            continue;
        }
        let old = file_to_url(file);
        match source.as_deref().and_then(|s| by_source.get(s)) {
            Some(&(key, shown, url)) if url != old && warnings.len() < SHOWN => warnings.push(moved(&old, shown, url, text_of(key).unwrap_or(""))),
            _ => gone.push(old),
        }
    }
    if !gone.is_empty() {
        gone.sort();
        let listed = gone.iter().take(SHOWN).map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ");
        let more = if gone.len() > SHOWN { format!(" and {} more", gone.len() - SHOWN) } else { String::new() };
        let (count, verb) = if gone.len() == 1 { ("1 address".to_string(), "is") } else { (format!("{} addresses", gone.len()), "are") };
        warnings.push(
            Diagnostic::file(&before.folder, format!("{count} the last build published {verb} gone: {listed}{more}"))
                .with_help(format!(
                    "links and search results that lead there now find nothing. If a page took its place, add the old address to that page's front matter, for example `aliases: [\"{}\"]`; a page that is a draft again or dated later is gone too",
                    gone[0]
                ))
                .kind(Kind::Url)
                .warning(),
        );
    }
    warnings
}

/// The warning for a page now at `url` that was at `old`: at its `aliases:` line, or at the line
/// that closes its front matter.
fn moved(old: &str, shown: &Path, url: &str, text: &str) -> Diagnostic {
    let head = crate::parse::front_matter::body_of(text).map_or(text, |(body, _)| &text[..text.len() - body.len()]);
    let message = format!("`{old}`, this page's address in the last build, is gone: the page is now at `{url}`");
    let d = match crate::yaml::key_position(head, "aliases") {
        Some((line, col)) => Diagnostic::at(shown, text, line, col, message)
            .with_help(format!("add \"{old}\" to `aliases:` so links and search results that lead to the old address keep working")),
        None => {
            let closing = head.lines().count().max(1);
            Diagnostic::at(shown, text, closing, 1, message)
                .with_help(format!("add the line `aliases: [\"{old}\"]` above this one, so links and search results that lead to the old address keep working"))
        }
    };
    d.kind(Kind::Url).warning()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_that_stay_addresses_count() {
        for kept in ["articles/x/index.html", "old.html", "404.html", "tags/rust/index.html", "page/index.html"] {
            assert!(is_kept_address(kept), "{kept}");
        }
        for skipped in ["articles/page/2/index.html", "page/3/index.html", "go/acme/index.html", "css/site.css", "atom.xml", "_redirects"] {
            assert!(!is_kept_address(skipped), "{skipped}");
        }
    }

    #[test]
    fn the_list_is_capped() {
        let before = Published { folder: "public".into(), files: (0..25).map(|i| (format!("p{i:02}/index.html"), None)).collect() };
        let w = dropped(&before, &HashSet::new(), &[], &[], |_| None);
        assert_eq!(w.len(), 1);
        assert!(w[0].message.starts_with("25 addresses the last build published are gone: `/p00/`"), "{}", w[0].message);
        assert!(w[0].message.ends_with("`/p19/` and 5 more"), "{}", w[0].message);
        let now: HashSet<&str> = before.files.iter().map(|(f, _)| f.as_str()).collect();
        assert!(dropped(&before, &now, &[], &[], |_| None).is_empty());
    }
}

//! Images and file links in Markdown that lead to no file of the site (issue 13): an error at
//! the link's line and column, in `build`, `check` and `serve` alike, with the nearest file the
//! site has. The links are collected while the Markdown is parsed
//! (`parse::markdown::FileRef`); the files are every file the claim table knows (pages and
//! files folio makes, static files, files beside pages), so this runs once that table is made.
//! Links to pages are left to `@/file.md` links (checked when the Markdown is rendered) and
//! `folio check`: a page address may be answered by the host (a `_redirects` rule, a function).

use crate::diag::{Diagnostic, Kind};
use crate::parse::markdown::FileRef;
use crate::url::{link_file, nfc};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Every output file of the site, to look links up in.
#[derive(Debug, Default)]
pub struct Provided {
    /// Each file, in Unicode NFC (a name saved on macOS in NFD is the same name).
    files: HashSet<String>,
    /// The files (other than pages) by their last part, for "did you mean".
    by_name: HashMap<String, Vec<String>>,
    /// The files other than pages, sorted, for "did you mean" by spelling.
    others: Vec<String>,
}

impl Provided {
    pub fn of<'a>(files: impl IntoIterator<Item = &'a str>) -> Provided {
        let mut p = Provided::default();
        for f in files {
            let f = nfc(f);
            if !f.ends_with(".html") {
                let name = f.rsplit('/').next().unwrap_or(&f).to_lowercase();
                p.by_name.entry(name).or_default().push(f.clone());
                p.others.push(f.clone());
            }
            p.files.insert(f);
        }
        p.others.sort();
        for v in p.by_name.values_mut() {
            v.sort();
        }
        p
    }

    /// The file most likely meant by `file` (which the site does not have): one with the same
    /// name elsewhere (in any case), else the nearest spelling.
    fn nearest(&self, file: &str) -> Option<&str> {
        let name = file.rsplit('/').next().unwrap_or(file).to_lowercase();
        if let Some(same) = self.by_name.get(&name).and_then(|v| v.first()) {
            return Some(same);
        }
        crate::diag::closest(file, self.others.iter().map(String::as_str))
    }
}

/// The images a page's front matter names (`image:`, a profile's `photo:`, a case study's
/// `logo:`) as links at their lines, so [`check`] reports a missing one like a Markdown image.
pub fn front_matter_refs(meta: &crate::parse::front_matter::FrontMatter, text: &str) -> Vec<FileRef> {
    let named = [
        ("image", meta.image.as_deref()),
        ("photo", meta.profile.as_ref().and_then(|p| p.photo.as_deref())),
        ("logo", meta.case_study.as_ref().and_then(|c| c.logo.as_deref())),
    ];
    named
        .into_iter()
        .filter_map(|(key, src)| {
            let src = src.filter(|s| crate::parse::markdown::is_site_path(s))?;
            let (line, col) = crate::parse::front_matter::key_position(text, key).unwrap_or((1, 1));
            Some(FileRef { url: src.to_string(), image: true, line, col })
        })
        .collect()
}

/// The errors for the links of one Markdown text: `refs`, written in the file `shown` (whose
/// whole text is `text`), for the page at `page_url`.
pub fn check(refs: &[FileRef], page_url: &str, shown: &Path, text: &str, provided: &Provided) -> Vec<Diagnostic> {
    refs.iter()
        .filter_map(|r| {
            let file = link_file(page_url, &r.url);
            if provided.files.contains(&nfc(&file)) {
                return None;
            }
            let what = if r.image { "image" } else { "link to the file" };
            let address = format!("/{file}");
            let path_part = r.url.split(['?', '#']).next().unwrap_or("");
            let message = if path_part == address {
                format!("{what} `{}` leads nowhere: the site has no file at {address}", r.url)
            } else {
                format!("{what} `{}` leads nowhere: the site has no file at {address} (where it leads from this page, {page_url})", r.url)
            };
            let help = match provided.nearest(&file) {
                Some(near) => format!("did you mean `/{near}`? Otherwise put the file in static/{file} (published at {address}), or correct the path"),
                None => format!("put the file in static/{file} (published at {address}), or correct the path"),
            };
            Some(Diagnostic::at(shown, text, r.line, r.col, message).with_help(help).kind(Kind::Link))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(url: &str, image: bool) -> FileRef {
        FileRef { url: url.into(), image, line: 3, col: 1 }
    }

    #[test]
    fn missing_files_are_errors_with_the_nearest_file() {
        let provided = Provided::of(["images/logo.png", "img/chart.svg", "articles/a/index.html", "articles/a/photo.jpg", "files/guide.pdf"]);
        let text = "---\ntitle: A\n---\nx\n";
        let refs = [r("/images/logo.png", true), r("photo.jpg", true), r("/images/chart.svg", true), r("/files/gide.pdf", false), r("../a/photo.jpg", true)];
        let errors = check(&refs, "/articles/a/", Path::new("content/articles/a/index.md"), text, &provided);
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!(errors[0].message, "image `/images/chart.svg` leads nowhere: the site has no file at /images/chart.svg");
        assert!(errors[0].help.as_deref().is_some_and(|h| h.starts_with("did you mean `/img/chart.svg`?")));
        assert_eq!(errors[1].message, "link to the file `/files/gide.pdf` leads nowhere: the site has no file at /files/gide.pdf");
        assert!(errors[1].help.as_deref().is_some_and(|h| h.starts_with("did you mean `/files/guide.pdf`?")));
        assert_eq!((errors[0].line, errors[0].col), (Some(3), Some(1)));
    }

    #[test]
    fn a_relative_link_names_where_it_leads() {
        let provided = Provided::of(["articles/photo.jpg"]);
        let errors = check(&[r("photo.jpg", true)], "/articles/a/", Path::new("content/articles/a.md"), "", &provided);
        assert_eq!(
            errors[0].message,
            "image `photo.jpg` leads nowhere: the site has no file at /articles/a/photo.jpg (where it leads from this page, /articles/a/)"
        );
        assert!(errors[0].help.as_deref().is_some_and(|h| h.starts_with("did you mean `/articles/photo.jpg`?")));
    }
}

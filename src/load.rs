//! Loading: walks `content/`, the theme and `static/` into memory. The only stage of a build
//! that reads the file system; everything after it works on what it read.

use crate::diag::{relative, Diagnostic, Kind};
use crate::fsx;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A text file of the site: content, data or a template.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to its base folder (`content/`, `templates/`), with `/` separators.
    pub rel: String,
    /// Path relative to the site root, as shown in diagnostics.
    pub shown: PathBuf,
    pub text: String,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub src: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub out: String,
}

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATES_DIR: &str = "templates";
pub const THEMES_DIR: &str = "themes";

/// Files an editor or OS leaves behind; never part of the site.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

struct Walked {
    path: PathBuf,
    rel: String,
}

/// Every regular file at or below `start` (sorted, ignoring editor leftovers), with its path
/// relative to `base`. Symlinks are followed only when they stay inside `root`; one that leads
/// outside is an error, never copied. Problems come back with the path they concern.
fn walk(base: &Path, start: &Path, root: &Path) -> (Vec<Walked>, Vec<(PathBuf, Diagnostic)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    if !start.exists() && start.symlink_metadata().is_err() {
        return (out, errors);
    }
    let rel_of = |path: &Path| path.strip_prefix(base).unwrap_or(path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    // A start below `base` inside an ignored folder (or an ignored file) is not part of the site.
    if rel_of(start).split('/').any(is_ignored_name) {
        return (out, errors);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(start)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(Path::to_path_buf).unwrap_or_else(|| start.to_path_buf());
                errors.push((p.clone(), Diagnostic::file(relative(&p, root), format!("could not read: {e}")).kind(Kind::Read)));
                continue;
            }
        };
        let path = entry.path();
        let mut is_file = entry.file_type().is_file();
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) => is_file = target.is_file(),
                _ => {
                    errors.push((
                        path.to_path_buf(),
                        Diagnostic::file(relative(path, root), "symbolic link points outside the site folder")
                            .with_help("copy the file into the site instead of linking to it")
                            .kind(Kind::Read),
                    ));
                    continue;
                }
            }
        }
        if !is_file {
            continue;
        }
        out.push(Walked { path: path.to_path_buf(), rel: rel_of(path) });
    }
    (out, errors)
}

fn read_all(files: Vec<Walked>, root: &Path, errors: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let results: Vec<Result<SourceFile, Diagnostic>> = files
        .into_par_iter()
        .map(|w| {
            let text = fsx::read_text(&w.path, root)?;
            Ok(SourceFile { rel: w.rel, shown: relative(&w.path, root), text })
        })
        .collect();
    let mut ok = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => ok.push(f),
            Err(d) => errors.push(d),
        }
    }
    ok
}

/// The theme folder for `theme` under `root`.
pub fn theme_dir(root: &Path, theme: &str) -> PathBuf {
    root.join(THEMES_DIR).join(theme)
}

/// Whether a file under `content/` is read as text (pages, sections, FAQ, pricing, banners).
pub fn is_content_text(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".yaml") || rel.ends_with(".yml")
}

/// What one path under `content/` is to the site.
#[derive(Debug, Clone)]
pub enum ContentEntry {
    /// A text file, with the hash of its text.
    Text(std::sync::Arc<SourceFile>, u64),
    /// Any other file: copied as it is.
    Asset(Asset),
    /// A file that could not be read, or a link that may not be followed.
    Problem(Diagnostic),
}

/// Every entry of `content/` at or below `start` (a path under `root/content`), keyed by its
/// path relative to `content/`. Reading a subtree again replaces exactly its entries, so a
/// file's problem goes away with the file.
pub fn content_entries(root: &Path, start: &Path) -> Vec<(String, ContentEntry)> {
    let base = root.join(CONTENT_DIR);
    let (files, problems) = walk(&base, start, root);
    let mut out: Vec<(String, ContentEntry)> = files
        .into_par_iter()
        .map(|w| {
            if is_content_text(&w.rel) {
                match fsx::read_text(&w.path, root) {
                    Ok(text) => {
                        let hash = crate::hash::hash_bytes(text.as_bytes());
                        let file = SourceFile { rel: w.rel.clone(), shown: relative(&w.path, root), text };
                        (w.rel, ContentEntry::Text(std::sync::Arc::new(file), hash))
                    }
                    Err(d) => (w.rel, ContentEntry::Problem(d)),
                }
            } else {
                (w.rel.clone(), ContentEntry::Asset(Asset { src: w.path, out: w.rel }))
            }
        })
        .collect();
    for (path, d) in problems {
        let rel = path.strip_prefix(&base).unwrap_or(&path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        out.push((rel, ContentEntry::Problem(d)));
    }
    out
}

/// The problem of a missing theme folder.
pub fn theme_problem(root: &Path, theme: &str) -> Option<Diagnostic> {
    let theme_root = theme_dir(root, theme);
    (!theme_root.is_dir()).then(|| {
        Diagnostic::file(relative(&theme_root, root), format!("theme `{theme}` not found"))
            .with_help(format!("create {}/ or set `theme:` in site.yaml to an installed theme", relative(&theme_root, root).display()))
            .kind(Kind::Config)
    })
}

/// Theme templates, then site templates (which override by name).
pub fn templates(root: &Path, theme: &str) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let theme_templates = theme_dir(root, theme).join(TEMPLATES_DIR);
    let site_templates = root.join(TEMPLATES_DIR);
    let (mut files, mut problems) = walk(&theme_templates, &theme_templates, root);
    let (site_files, site_problems) = walk(&site_templates, &site_templates, root);
    files.extend(site_files);
    problems.extend(site_problems);
    files.retain(|w| !w.rel.ends_with(".md"));
    let mut errors: Vec<Diagnostic> = problems.into_iter().map(|(_, d)| d).collect();
    let templates = read_all(files, root, &mut errors);
    (templates, errors)
}

/// Theme static files, then `static/` (which wins over the theme by output path).
pub fn static_assets(root: &Path, theme: &str) -> (Vec<Asset>, Vec<Diagnostic>) {
    let mut assets = Vec::new();
    let mut errors = Vec::new();
    for dir in [theme_dir(root, theme).join(STATIC_DIR), root.join(STATIC_DIR)] {
        let (files, problems) = walk(&dir, &dir, root);
        errors.extend(problems.into_iter().map(|(_, d)| d));
        assets.extend(files.into_iter().map(|w| Asset { src: w.path, out: w.rel }));
    }
    (assets, errors)
}

/// Later entries win over earlier ones with the same output path; sorted by output path.
pub fn merge_assets(assets: Vec<Asset>) -> Vec<Asset> {
    let mut seen = std::collections::HashSet::new();
    let mut deduped: Vec<Asset> = assets.into_iter().rev().filter(|a| seen.insert(a.out.clone())).collect();
    deduped.sort_by(|a, b| a.out.cmp(&b.out));
    deduped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_leftovers() {
        for n in [".foo.md.swp", "foo.md~", "#foo.md#", ".hidden", "4913"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("foo.md"));
    }
}

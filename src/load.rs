//! Loading: walks `content/`, the theme and `static/` into memory. The only stage of a build
//! that reads the file system; everything after it works on the [`SourceTree`].

use crate::diag::{relative, Diagnostic};
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

#[derive(Debug, Default)]
pub struct SourceTree {
    pub root: PathBuf,
    /// `.md` and `.yaml` files under `content/`.
    pub content: Vec<SourceFile>,
    /// Theme templates first, then site templates (which override by name).
    pub templates: Vec<SourceFile>,
    /// Theme static files, then `static/`, then non-Markdown files under `content/`.
    pub assets: Vec<Asset>,
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

/// Every regular file below `dir` (sorted, ignoring editor leftovers). Symlinks are followed
/// only when they stay inside `root`; one that leads outside is an error, never copied.
fn walk(dir: &Path, root: &Path, errors: &mut Vec<Diagnostic>) -> Vec<Walked> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(|p| relative(p, root)).unwrap_or_else(|| relative(dir, root));
                errors.push(Diagnostic::file(p, format!("could not read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let mut is_file = entry.file_type().is_file();
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) => is_file = target.is_file(),
                _ => {
                    errors.push(
                        Diagnostic::file(relative(path, root), "symbolic link points outside the site folder")
                            .with_help("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
            }
        }
        if !is_file {
            continue;
        }
        let rel = path.strip_prefix(dir).unwrap_or(path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        out.push(Walked { path: path.to_path_buf(), rel });
    }
    out
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

/// Loads everything a build needs except `site.yaml` (read first, by the pipeline).
pub fn load(root: &Path, theme: &str) -> (SourceTree, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let theme_root = theme_dir(root, theme);
    if !theme_root.is_dir() {
        errors.push(
            Diagnostic::file(relative(&theme_root, root), format!("theme `{theme}` not found"))
                .with_help(format!("create {}/ or set `theme:` in site.yaml to an installed theme", relative(&theme_root, root).display())),
        );
    }

    let content_files = walk(&root.join(CONTENT_DIR), root, &mut errors);
    let (text_files, content_assets): (Vec<Walked>, Vec<Walked>) =
        content_files.into_iter().partition(|w| w.rel.ends_with(".md") || w.rel.ends_with(".yaml") || w.rel.ends_with(".yml"));
    let content = read_all(text_files, root, &mut errors);

    let mut template_files = walk(&theme_root.join(TEMPLATES_DIR), root, &mut errors);
    template_files.extend(walk(&root.join(TEMPLATES_DIR), root, &mut errors));
    template_files.retain(|w| !w.rel.ends_with(".md"));
    let templates = read_all(template_files, root, &mut errors);

    let mut assets = Vec::new();
    for dir in [theme_root.join(STATIC_DIR), root.join(STATIC_DIR)] {
        for w in walk(&dir, root, &mut errors) {
            assets.push(Asset { src: w.path, out: w.rel });
        }
    }
    for w in content_assets {
        assets.push(Asset { src: w.path, out: w.rel });
    }
    // Later entries (site static, content) win over earlier ones (theme static).
    let mut seen = std::collections::HashSet::new();
    let mut deduped: Vec<Asset> = assets.into_iter().rev().filter(|a| seen.insert(a.out.clone())).collect();
    deduped.reverse();
    deduped.sort_by(|a, b| a.out.cmp(&b.out));

    (SourceTree { root: root.to_path_buf(), content, templates, assets: deduped }, errors)
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

//! Loading: walks `content/`, the theme and `static/` into memory. The only stage of a build
//! that reads the file system; everything after it works on what it read.
//!
//! Nothing from outside the site's source folders is published: a symbolic link is followed
//! only when where it leads (resolved to the end) is inside `content/` or `static/` (for
//! templates and theme files also `templates/` and the theme folder), never under `.folio/`,
//! `.git/` or a `.env*` file, and never to a hidden file (see `policy`). Only regular files are
//! read. Every other case is a problem naming the path — a link that leads elsewhere, into a
//! loop or nowhere, a named pipe, a device, an unreadable folder — never a silent skip or a hang.

mod policy;

use crate::diag::{relative, Diagnostic, Kind};
use crate::fsx::{self, FileKind};
use policy::{Area, Areas, Holds, Refusal};
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use policy::{is_ignored_name, is_skipped, PUBLISHED_DOT_NAMES};

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
    /// Where it was found in the site (a link's own path when it was reached through one).
    pub src: PathBuf,
    /// The file to copy: resolved (no link left in the path), checked to be publishable when
    /// it was found. Read it with [`open_asset`].
    pub file: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub out: String,
}

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATES_DIR: &str = "templates";
pub const THEMES_DIR: &str = "themes";
/// The site's own stylesheet (under `static/`), which every page of the default theme loads
/// after the theme's.
pub const CUSTOM_CSS: &str = "css/custom.css";

/// Folders nested deeper than this are a problem (no site needs them; it bounds the walk).
const MAX_DEPTH: usize = 256;

/// A file a walk found.
struct Walked {
    /// As found (through links, if any).
    path: PathBuf,
    /// Resolved: the file that is read.
    file: PathBuf,
    /// Relative to the walk's base folder, `/`-separated.
    rel: String,
    /// The outermost link it was reached through (relative to the base), if any.
    via: Option<String>,
}

/// What a walk found.
#[derive(Default)]
struct Found {
    files: Vec<Walked>,
    /// Problems, by the path (relative to the base folder) they concern.
    problems: Vec<(String, Diagnostic)>,
    /// Every symbolic link met, relative to the base folder.
    links: Vec<String>,
}

/// One walk of a source folder.
struct Walker<'a> {
    /// The site folder as given (paths in messages are shown relative to it).
    root: &'a Path,
    /// Where links may lead.
    areas: &'a Areas,
    /// Whether the static dot-file allow-list applies.
    statics: bool,
    found: Found,
    /// Resolved folders of the path being walked: a link back into one of them is a loop.
    chain: Vec<PathBuf>,
}

impl Walker<'_> {
    fn problem(&mut self, rel: &str, d: Diagnostic) {
        self.found.problems.push((rel.to_string(), d));
    }

    fn shown(&self, path: &Path) -> PathBuf {
        relative(path, self.root)
    }

    /// `path` (found at `rel`, resolved to `file`), of `kind` (links not followed).
    fn visit(&mut self, path: &Path, file: &Path, rel: &str, kind: FileKind, via: Option<&str>) {
        match kind {
            FileKind::File => {
                self.found.files.push(Walked { path: path.to_path_buf(), file: file.to_path_buf(), rel: rel.to_string(), via: via.map(str::to_string) })
            }
            FileKind::Folder => self.folder(path, file, rel, via),
            FileKind::Link => self.link(path, rel, via),
            special => {
                let d = fsx::special_diag(&self.shown(path), special);
                self.problem(rel, d);
            }
        }
    }

    fn folder(&mut self, path: &Path, file: &Path, rel: &str, via: Option<&str>) {
        if self.chain.len() >= MAX_DEPTH {
            let d = Diagnostic::file(self.shown(path), format!("folders are nested more than {MAX_DEPTH} deep here"))
                .with_help("move the files into fewer levels of folders")
                .kind(Kind::Read);
            return self.problem(rel, d);
        }
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                let d = folder_diag(&self.shown(path), &e);
                return self.problem(rel, d);
            }
        };
        let mut list = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                Ok(named) => list.push(named),
                Err(e) => {
                    let d = folder_diag(&self.shown(path), &e);
                    self.problem(rel, d);
                }
            }
        }
        list.sort_by(|a, b| a.0.cmp(&b.0));
        self.chain.push(file.to_path_buf());
        for (name, file_type) in list {
            let name_text = name.to_string_lossy();
            if is_skipped(&name_text, self.statics) {
                continue;
            }
            // A `\` in a name is a folder separator, as on Windows (`articles\x.md` is `articles/x.md`).
            let name_text = crate::url::forward_slashes(&name_text);
            let child_rel = if rel.is_empty() { name_text.into_owned() } else { format!("{rel}/{name_text}") };
            self.visit(&path.join(&name), &file.join(&name), &child_rel, FileKind::of(file_type), via);
        }
        self.chain.pop();
    }

    fn link(&mut self, path: &Path, rel: &str, via: Option<&str>) {
        self.found.links.push(rel.to_string());
        let shown = self.shown(path);
        let target = match fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) => return self.problem(rel, unfollowable_link(&shown, path, &e)),
        };
        if let Err(why) = self.areas.judge(&target) {
            return self.problem(rel, refused_link(&shown, self.areas, &target, why));
        }
        let kind = match fs::symlink_metadata(&target) {
            Ok(m) => FileKind::of(m.file_type()),
            Err(e) => return self.problem(rel, unfollowable_link(&shown, path, &e)),
        };
        let via = via.unwrap_or(rel).to_string();
        match kind {
            FileKind::Folder if self.chain.iter().any(|walking| walking.starts_with(&target)) => {
                let d = Diagnostic::file(
                    shown,
                    format!("symbolic link to the folder `{}`, which holds this link: following it would never end", self.areas.shown(&target)),
                )
                .with_help("point the link at another folder, or delete it")
                .kind(Kind::Read);
                self.problem(rel, d)
            }
            FileKind::Folder | FileKind::File => self.visit(path, &target, rel, kind, Some(&via)),
            _ => {
                let d = Diagnostic::file(shown, format!("symbolic link to `{}`, which is {}, not a regular file", self.areas.shown(&target), kind.described()))
                    .with_help("folio reads only regular files: point the link at one, or delete it")
                    .kind(Kind::Read);
                self.problem(rel, d)
            }
        }
    }
}

/// A folder that could not be listed.
fn folder_diag(shown: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::file(shown, format!("could not open this folder: {}", fsx::plain(e)))
        .with_help("make the folder readable (for example `chmod u+rx`), or move it out of the site's folders")
        .kind(Kind::Read)
}

/// A link that could not be resolved: it leads nowhere, into a loop, or through something
/// unreadable.
fn unfollowable_link(shown: &Path, path: &Path, e: &io::Error) -> Diagnostic {
    let points_to = fs::read_link(path).map(|t| crate::diag::slashed(&t)).unwrap_or_else(|_| "?".into());
    let (message, help) = if fsx::is_link_loop(e) {
        (format!("symbolic link to `{points_to}`, which leads round in a loop of links"), "point the link at a file or folder, or delete it")
    } else if e.kind() == io::ErrorKind::NotFound {
        (format!("symbolic link to `{points_to}`, which does not exist (the link points at nothing)"), "point the link at an existing file, or delete it")
    } else {
        (format!("could not follow this symbolic link to `{points_to}`: {}", fsx::plain(e)), "check the link and the permissions of where it leads")
    };
    Diagnostic::file(shown, message).with_help(help).kind(Kind::Read)
}

/// A link whose target may not be published.
fn refused_link(shown: &Path, areas: &Areas, target: &Path, why: Refusal) -> Diagnostic {
    let to = areas.shown(target);
    let (message, help) = match why {
        Refusal::Private => (
            format!("symbolic link to `{to}`, which is private (folio's working files, git's files or secrets in a .env file) and is never published"),
            "delete the link: nothing under .folio/ or .git/, and no .env file, can become part of the site".to_string(),
        ),
        Refusal::Outside => (
            format!("symbolic link to `{to}`, outside {}: only files in those folders are published", areas.names()),
            "copy the file into the site's static/ (or content/) folder instead of linking to it, or delete the link".to_string(),
        ),
        Refusal::Hidden => (
            format!("symbolic link to `{to}`, a hidden file or an editor's leftover, which is never published"),
            "rename the file (without the leading dot), or delete the link".to_string(),
        ),
    };
    Diagnostic::file(shown, message).with_help(help).kind(Kind::Read)
}

/// `path` resolved, or the path itself when it cannot be (the site folder is missing).
fn resolved(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A source folder (`content/`, `static/`, …) resolved: `None` when it does not exist. It may
/// itself be a link (to a folder shared between sites), but not to the site folder, a folder
/// above it or a private one, and it must be a folder.
fn source_folder(root: &Path, root_resolved: &Path, path: &Path) -> Result<Option<PathBuf>, Diagnostic> {
    let shown = relative(path, root);
    match fs::symlink_metadata(path) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(folder_diag(&shown, &e)),
    }
    let folder = fs::canonicalize(path).map_err(|e| unfollowable_link(&shown, path, &e))?;
    let kind = fs::symlink_metadata(&folder).map(|m| FileKind::of(m.file_type())).map_err(|e| folder_diag(&shown, &e))?;
    if kind != FileKind::Folder {
        return Err(Diagnostic::file(&shown, format!("this is {}, not a folder", kind.described()))
            .with_help("make it a folder, or move it away")
            .kind(Kind::Read));
    }
    if let Some(why) = policy::folder_refusal(root_resolved, &folder) {
        return Err(Diagnostic::file(&shown, format!("this folder leads to `{}`, {why}", policy::shown_from(root_resolved, &folder)))
            .with_help("make it a folder of its own (or a link to one outside the site folder)")
            .kind(Kind::Read));
    }
    Ok(Some(folder))
}

/// The areas links may lead into: `names` (relative to `root`) that exist and are acceptable.
fn areas(root: &Path, root_resolved: &Path, names: &[(String, Holds)]) -> Areas {
    let areas = names
        .iter()
        .filter_map(|(name, holds)| {
            let path = source_folder(root, root_resolved, &root.join(name)).ok()??;
            Some(Area { path, name: format!("{name}/"), holds: *holds })
        })
        .collect();
    Areas { root: root_resolved.to_path_buf(), areas }
}

/// Where links in `content/` and `static/` may lead.
fn content_and_static(root: &Path, root_resolved: &Path) -> Areas {
    areas(root, root_resolved, &[(CONTENT_DIR.into(), Holds::Sources), (STATIC_DIR.into(), Holds::Statics)])
}

/// Where links in templates and theme files may lead: also `templates/` and the theme folder.
fn theme_areas(root: &Path, root_resolved: &Path, theme: &str) -> Areas {
    areas(
        root,
        root_resolved,
        &[
            (CONTENT_DIR.into(), Holds::Sources),
            (STATIC_DIR.into(), Holds::Statics),
            (TEMPLATES_DIR.into(), Holds::Sources),
            (format!("{THEMES_DIR}/{theme}"), Holds::Theme),
        ],
    )
}

/// The `/`-separated path of `path` relative to `base`. A `\` in a name (Linux and macOS allow
/// one) is a folder separator, as it is on Windows: `articles\x.md` is `articles/x.md`.
fn rel_of(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    crate::url::forward_slashes(&rel).into_owned()
}

/// Walks `start`, the source folder `base` (resolved: `base_file`) or a path below it whose
/// folders on the way are not links. Files come back sorted, with every problem by the path it
/// concerns.
fn walk(root: &Path, base: &Path, base_file: &Path, start: &Path, areas: &Areas, statics: bool) -> Found {
    let mut walker = Walker { root, areas, statics, found: Found::default(), chain: Vec::new() };
    if start == base {
        walker.folder(base, base_file, "", None);
        return walker.found;
    }
    let rel = rel_of(base, start);
    // A start inside a skipped folder (or a skipped file) is not part of the site.
    if rel.split('/').any(|n| is_skipped(n, statics)) {
        return walker.found;
    }
    let kind = match fs::symlink_metadata(start) {
        Ok(m) => FileKind::of(m.file_type()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return walker.found,
        Err(e) => {
            let d = fsx::io_diag(&relative(start, root), "read", &e);
            walker.problem(&rel, d);
            return walker.found;
        }
    };
    walker.chain.push(base_file.to_path_buf());
    let mut above = base_file.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        above.push(part);
        walker.chain.push(above.clone());
    }
    walker.visit(start, &base_file.join(&rel), &rel, kind, None);
    walker.found
}

/// Walks a whole source folder `root/name`: what it holds, or its own problem.
fn walk_folder(root: &Path, root_resolved: &Path, name: &str, areas: &Areas, statics: bool) -> Found {
    let base = root.join(name);
    match source_folder(root, root_resolved, &base) {
        Ok(Some(base_file)) => walk(root, &base, &base_file, &base, areas, statics),
        Ok(None) => Found::default(),
        Err(d) => Found { problems: vec![(String::new(), d)], ..Found::default() },
    }
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
    Text(Arc<SourceFile>, u64),
    /// Any other file: copied as it is.
    Asset(Asset),
    /// A file that could not be read, or a link that may not be followed.
    Problem(Diagnostic),
}

/// What a walk of (part of) `content/` found.
#[derive(Debug, Default)]
pub struct ContentWalk {
    /// Every entry, keyed by its path relative to `content/` (`""` for a problem of the folder
    /// itself).
    pub entries: Vec<(String, ContentEntry)>,
    /// Text files reached through a symbolic link: key, the file read (resolved), and the key
    /// of the link.
    pub linked: Vec<(String, PathBuf, String)>,
    /// The key of every symbolic link met (followed or not).
    pub links: Vec<String>,
    /// `content/` resolved, when it exists and may be read.
    pub folder: Option<PathBuf>,
}

/// Every entry of `content/` at or below `start` (a path under `root/content` whose folders on
/// the way are not links), keyed by its path relative to `content/`. Reading a subtree again
/// replaces exactly its entries, so a file's problem goes away with the file.
pub fn content_entries(root: &Path, start: &Path) -> ContentWalk {
    let root_resolved = resolved(root);
    let base = root.join(CONTENT_DIR);
    let base_file = match source_folder(root, &root_resolved, &base) {
        Ok(Some(f)) => f,
        Ok(None) => return ContentWalk::default(),
        Err(d) => return ContentWalk { entries: vec![(String::new(), ContentEntry::Problem(d))], ..ContentWalk::default() },
    };
    let areas = content_and_static(root, &root_resolved);
    let found = walk(root, &base, &base_file, start, &areas, false);
    let linked = found.files.iter().filter(|w| is_content_text(&w.rel)).filter_map(|w| Some((w.rel.clone(), w.file.clone(), w.via.clone()?))).collect();
    let mut entries: Vec<(String, ContentEntry)> = found
        .files
        .into_par_iter()
        .map(|w| {
            if is_content_text(&w.rel) {
                match fsx::read_text(&w.file, &relative(&w.path, root)) {
                    Ok(text) => {
                        let hash = crate::hash::hash_bytes(text.as_bytes());
                        let file = SourceFile { rel: w.rel.clone(), shown: relative(&w.path, root), text };
                        (w.rel, ContentEntry::Text(Arc::new(file), hash))
                    }
                    Err(d) => (w.rel, ContentEntry::Problem(d)),
                }
            } else {
                (w.rel.clone(), ContentEntry::Asset(Asset { src: w.path, file: w.file, out: w.rel }))
            }
        })
        .collect();
    entries.extend(found.problems.into_iter().map(|(rel, d)| (rel, ContentEntry::Problem(d))));
    ContentWalk { entries, linked, links: found.links, folder: Some(base_file) }
}

/// The problem of the link `via` (a key under `content/`) behind which are text files the site
/// has already: `(key, original key)` pairs, sorted. Each would be a page of its own.
pub fn reached_twice(via: &str, twice: &[(&str, &str)]) -> Diagnostic {
    let (key, original) = twice.first().copied().unwrap_or_default();
    let message = match twice.len() {
        0 | 1 => format!("the file behind this symbolic link is part of the site already: content/{key} is content/{original}, and would be published twice"),
        n => format!(
            "the files behind this symbolic link are part of the site already: content/{key} is content/{original}, and {} more; each would be published twice",
            n - 1
        ),
    };
    Diagnostic::file(Path::new(CONTENT_DIR).join(via), message)
        .with_help("delete the link, or link to a folder of its own; to keep an old address working, add it to the page's `aliases:`")
        .kind(Kind::Read)
}

/// Templates and static files of the site and its theme, and their problems.
#[derive(Debug, Default)]
pub struct ThemeFiles {
    /// Theme templates, then site templates (which override by name).
    pub templates: Vec<SourceFile>,
    /// Theme static files, then `static/` (which wins over the theme by output path).
    pub statics: Vec<Asset>,
    pub problems: Vec<Diagnostic>,
    /// Whether a symbolic link was met: where it leads may change with any file of the site.
    pub links: bool,
    /// A `_redirects` among the static files (the site's over the theme's): where it is and its
    /// text. It is not in `statics`: its rules go first in the `_redirects` folio writes.
    pub redirects: Option<(PathBuf, String)>,
}

/// Loads the templates and static files of the site and of `theme`.
pub fn theme_files(root: &Path, theme: &str) -> ThemeFiles {
    let root_resolved = resolved(root);
    let mut files = ThemeFiles::default();
    let theme_folder = format!("{THEMES_DIR}/{theme}");
    match source_folder(root, &root_resolved, &root.join(&theme_folder)) {
        Ok(Some(_)) => {}
        Ok(None) => files.problems.push(
            Diagnostic::file(&theme_folder, format!("theme `{theme}` not found"))
                .with_help(format!("create {theme_folder}/ or set `theme:` in site.yaml to an installed theme"))
                .kind(Kind::Config),
        ),
        Err(d) => files.problems.push(d),
    }
    let theme_areas = theme_areas(root, &root_resolved, theme);
    let statics_areas = content_and_static(root, &root_resolved);
    let mut template_files = Vec::new();
    for (name, areas, statics) in [
        (format!("{theme_folder}/{TEMPLATES_DIR}"), &theme_areas, false),
        (TEMPLATES_DIR.to_string(), &theme_areas, false),
        (format!("{theme_folder}/{STATIC_DIR}"), &theme_areas, true),
        (STATIC_DIR.to_string(), &statics_areas, true),
    ] {
        let found = walk_folder(root, &root_resolved, &name, areas, statics);
        files.links |= !found.links.is_empty();
        files.problems.extend(found.problems.into_iter().map(|(_, d)| d));
        if statics {
            files.statics.extend(found.files.into_iter().map(|w| Asset { src: w.path, file: w.file, out: w.rel }));
        } else {
            template_files.extend(found.files.into_iter().filter(|w| !w.rel.ends_with(".md")));
        }
    }
    files.problems.extend(replaced_theme_files(&files.statics, &root.join(&theme_folder).join(STATIC_DIR), root, theme));
    if let Some(own) = files.statics.iter().rposition(|a| a.out == crate::url::REDIRECTS_FILE) {
        let a = files.statics.remove(own);
        files.statics.retain(|a| a.out != crate::url::REDIRECTS_FILE);
        let shown = relative(&a.src, root);
        match fsx::read_text(&a.file, &shown) {
            Ok(text) => files.redirects = Some((shown, text)),
            Err(d) => files.problems.push(d),
        }
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = template_files
        .into_par_iter()
        .map(|w| {
            let shown = relative(&w.path, root);
            Ok(SourceFile { text: fsx::read_text(&w.file, &shown)?, rel: w.rel, shown })
        })
        .collect();
    for r in read {
        match r {
            Ok(f) => files.templates.push(f),
            Err(d) => files.problems.push(d),
        }
    }
    files
}

/// Later entries win over earlier ones with the same output path; sorted by output path.
/// A warning for each file of the site's `static/` that takes the place of one of the theme's
/// (the theme's is then not published), except icons, which a site is expected to replace.
fn replaced_theme_files(statics: &[Asset], theme_static: &Path, root: &Path, theme: &str) -> Vec<Diagnostic> {
    let (of_theme, of_site): (Vec<&Asset>, Vec<&Asset>) = statics.iter().partition(|a| a.src.starts_with(theme_static));
    let theirs: std::collections::HashSet<&str> = of_theme.iter().map(|a| a.out.as_str()).collect();
    let is_icon = |out: &str| out.starts_with("favicon") || out.starts_with("apple-touch-icon");
    of_site
        .into_iter()
        .filter(|a| theirs.contains(a.out.as_str()) && !is_icon(&a.out))
        .map(|a| {
            let shown = relative(&a.src, root);
            let help = if a.out.ends_with(".css") {
                format!("to add or change styles, put only your rules in static/{}, which every page loads after the theme's stylesheet, and delete or rename this file", CUSTOM_CSS)
            } else {
                "rename this file if replacing the theme's was not meant".to_string()
            };
            Diagnostic::file(&shown, format!("static/{} replaces the {theme} theme's {}, which is not published", a.out, a.out))
                .with_help(help)
                .kind(Kind::Config)
                .warning()
        })
        .collect()
}

pub fn merge_assets(assets: Vec<Asset>) -> Vec<Asset> {
    let mut seen = std::collections::HashSet::new();
    let mut deduped: Vec<Asset> = assets.into_iter().rev().filter(|a| seen.insert(a.out.clone())).collect();
    deduped.sort_by(|a, b| a.out.cmp(&b.out));
    deduped
}

/// The text of `site.yaml` under `root` (`file` names it in problems); `None` when there is
/// none. It may be a symbolic link to another file in the site folder (not a private one);
/// like every source file it must be a regular file within the size limit.
pub fn config_text(root: &Path, file: &str) -> Result<Option<String>, Diagnostic> {
    let path = root.join(file);
    let shown = Path::new(file);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fsx::io_diag(shown, "read", &e)),
    };
    if !meta.file_type().is_symlink() {
        return fsx::read_text(&path, shown).map(Some);
    }
    let root_resolved = resolved(root);
    let target = fs::canonicalize(&path).map_err(|e| unfollowable_link(shown, &path, &e))?;
    let to = policy::shown_from(&root_resolved, &target);
    let refused = match target.strip_prefix(&root_resolved) {
        Err(_) => Some(format!("symbolic link to `{to}`, outside the site folder")),
        Ok(rel) if policy::is_private(rel) => {
            Some(format!("symbolic link to `{to}`, which is private (folio's working files, git's files or secrets in a .env file)"))
        }
        Ok(_) => None,
    };
    if let Some(message) = refused {
        return Err(Diagnostic::file(shown, message)
            .with_help(format!("put the settings in {file} itself, or link to a file in the site folder"))
            .kind(Kind::Read));
    }
    let kind = fs::symlink_metadata(&target).map(|m| FileKind::of(m.file_type())).unwrap_or(FileKind::File);
    if kind.is_special() || kind == FileKind::Folder {
        return Err(Diagnostic::file(shown, format!("symbolic link to `{to}`, which is {}, not a regular file", kind.described()))
            .with_help("folio reads only regular files: point the link at one, or delete it")
            .kind(Kind::Read));
    }
    fsx::read_text(&target, shown).map(Some)
}

/// Opens a static file (an [`Asset`]'s `file`) to copy or serve it, if it is still the file
/// the walk checked: its resolved path still leads to itself (nothing on the way was swapped
/// for a link since) and it is a regular file. Why not, in plain words, otherwise.
pub fn open_asset(file: &Path) -> Result<(fs::File, fs::Metadata), String> {
    match fs::canonicalize(file) {
        Ok(now) if now == file => {}
        Ok(_) => return Err("it was replaced by a symbolic link after the site was checked".into()),
        Err(e) => return Err(fsx::plain(&e)),
    }
    fsx::open_regular(file).map_err(|e| e.plain())
}

/// Largest image file folio reads to resize (a 100-megapixel camera file is about 60 MB).
pub const MAX_IMAGE_BYTES: u64 = 200 * 1024 * 1024;

/// What tells a static file's versions apart without reading it: its size and modification
/// time (an edit changes one of them).
pub type Stamp = (u64, Option<std::time::SystemTime>);

/// The stamp of a static file, if it can be read.
pub fn asset_stamp(file: &Path) -> Option<Stamp> {
    fs::metadata(file).ok().map(|m| (m.len(), m.modified().ok()))
}

/// Reads a static image (an [`Asset`]'s `file`) whole, through [`open_asset`], up to
/// [`MAX_IMAGE_BYTES`]; why not, in plain words.
pub fn read_image(file: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let (f, meta) = open_asset(file)?;
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(format!("it is {} MB, over the limit of {} MB for an image", meta.len() >> 20, MAX_IMAGE_BYTES >> 20));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_IMAGE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| fsx::plain(&e))?;
    Ok(bytes)
}

//! Writing a build to disk, atomically: after any build — finished, failed, killed at any point
//! or out of disk — the output folder holds either the previous site or the new one, never a mix.
//!
//! - The new site is built in `.<name>.folio-new` beside the output folder. Files whose bytes
//!   did not change are hard links to the old ones (so they keep their modification times and
//!   cost no disk space); the rest are written.
//! - Files folio did not write (`.git`, `CNAME`, `.nojekyll`, `.well-known/`, anything not in the
//!   manifest kept in the `.folio-output` marker) are the user's: top-level ones are moved into
//!   the new tree just before the swap (a folder keeps whatever is written into it meanwhile),
//!   nested ones are linked.
//! - The swap is one `renameat2(RENAME_EXCHANGE)` on Linux; elsewhere (or where the file system
//!   cannot exchange) two renames, which the next run completes or undoes if interrupted.
//! - The next run first cleans up whatever an interrupted run left (and puts back user files
//!   that were on their way), under a lock file beside the output folder, so two builds never
//!   write into the same folder at once.

use crate::diag::{Diagnostic, Kind};
use crate::load::Asset;
use crate::pipeline::{Built, OutFile};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Marks a folder as folio's output and lists the files folio wrote there (one `/`-separated
/// path per line after the first line), so a later build replaces only those.
pub const MARKER: &str = ".folio-output";

const MARKER_HEAD: &str = "This folder is folio's build output; folio replaces the files listed below and leaves everything else alone.";

/// Names a deploy set-up puts in an output folder; a folder holding only these is adopted.
const USER_NAMES: &[&str] = &[".git", "CNAME", ".nojekyll", ".well-known"];

/// `path` made absolute and free of `..`, even where it does not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    // Canonicalise the longest existing prefix, then append the rest.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

/// Refuses output folders where writing (and removing stale files) would harm the user's
/// files: the site folder itself or any folder above it, its sources, or a non-empty folder
/// that folio did not create.
pub fn check_target(target: &Path, root: &Path) -> Result<(), Diagnostic> {
    let t = absolute(target);
    let r = absolute(root);
    let refuse = |why: String| {
        Err(Diagnostic::file(target, why).with_help("choose an output folder of its own, e.g. `--output public` (the default)").kind(Kind::Output))
    };
    if r.starts_with(&t) {
        return refuse("the output folder is the site folder or a folder above it; building there would delete your files".into());
    }
    for source in [crate::load::CONTENT_DIR, crate::load::STATIC_DIR, crate::load::TEMPLATES_DIR, crate::load::THEMES_DIR] {
        if t.starts_with(r.join(source)) {
            return refuse(format!("the output folder is inside the site's {source}/ folder"));
        }
    }
    let foreign = fs::read_dir(&t).map(|d| d.flatten().any(|e| !USER_NAMES.contains(&e.file_name().to_string_lossy().as_ref()))).unwrap_or(false);
    if foreign && !t.join(MARKER).exists() {
        return Err(Diagnostic::file(target, "the output folder is not empty and was not made by folio")
            .with_help("folio replaces the output folder's contents; delete the folder or choose an empty or new one")
            .kind(Kind::Output));
    }
    Ok(())
}

/// The paths one output folder uses: the folder, its staging folder, the old folder during a
/// two-step swap, and the lock.
struct Places {
    target: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    lock: PathBuf,
}

impl Places {
    fn of(target: &Path) -> Places {
        let target = absolute(target);
        let parent = target.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        Places {
            staging: parent.join(format!(".{name}.folio-new")),
            old: parent.join(format!(".{name}.folio-old")),
            // In folio's working folder, which `folio init` lists in .gitignore.
            lock: parent.join(".folio").join(format!("{name}.lock")),
            target,
        }
    }
}

/// Writes a build held in memory (`pipeline::build`): [`Staging::begin`], each file, then
/// [`Staging::finish`].
pub fn write(built: &Built, target: &Path, root: &Path) -> Result<Written, Diagnostic> {
    let staging = Staging::begin(target, root)?;
    built.files.par_iter().try_for_each(|f| staging.put(f))?;
    staging.finish(built)
}

/// A new site on its way into an output folder: the staging tree beside it, which takes each
/// file as soon as it is rendered (`pipeline::build_into`) and is swapped in whole by
/// [`Staging::finish`]. Dropped without finishing (a build with errors, a panic), it removes
/// the staging tree and puts back anything of the user's: the output folder never changed. A
/// kill leaves the tree for the next run's [`recover`].
pub struct Staging {
    places: Places,
    /// As the user named it, for messages.
    shown: PathBuf,
    _lock: fs::File,
    /// Whether the output folder exists, and the files folio wrote there last time.
    exists: bool,
    before: BTreeSet<String>,
    /// Files in the output folder that folio did not write.
    users: HashSet<String>,
    /// The user's files at paths where the new site has the same bytes: they stay the user's.
    theirs: Mutex<BTreeSet<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Set by the first write that failed: the rest are refused at once.
    failed: AtomicBool,
    finished: bool,
}

impl Staging {
    /// Checks the output folder ([`check_target`]), takes its lock (waiting for another build),
    /// cleans up what an interrupted run left and makes an empty staging tree.
    pub fn begin(target: &Path, root: &Path) -> Result<Staging, Diagnostic> {
        check_target(target, root)?;
        let places = Places::of(target);
        let fail = |what: &str, e: io::Error| problem(target, what, e);
        if let Some(parent) = places.target.parent() {
            fs::create_dir_all(parent).map_err(|e| fail("create the output folder's parent", e))?;
        }
        let lock = lock(&places).map_err(|e| fail("lock the output folder", e))?;
        recover(&places).map_err(|e| fail("clean up after an interrupted build", e))?;
        if let Some(dir) = places.lock.parent() {
            crate::spool::sweep(dir);
        }
        let exists = places.target.is_dir();
        let before = if exists { manifest(&places.target) } else { BTreeSet::new() };
        let users: HashSet<String> =
            if exists { files_below(&places.target).into_iter().filter(|p| p != MARKER && !before.contains(p)).collect() } else { HashSet::new() };
        fs::create_dir(&places.staging).map_err(|e| fail("create the staging folder", e))?;
        Ok(Staging {
            places,
            shown: target.to_path_buf(),
            _lock: lock,
            exists,
            before,
            users,
            theirs: Mutex::new(BTreeSet::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
            finished: false,
        })
    }

    /// Writes one rendered file into the staging tree (a hard link to the old file when its
    /// bytes did not change).
    pub fn put(&self, file: &OutFile) -> Result<(), Diagnostic> {
        self.claim(&file.path, || Some(file.bytes.to_vec()))?;
        if self.failed.load(Ordering::Relaxed) {
            return Err(problem(&self.shown, "write the site", io::Error::other("an earlier file could not be written")));
        }
        let result = (|| {
            let dest = self.places.staging.join(&file.path);
            create_parent(&dest)?;
            let old = self.places.target.join(&file.path);
            if self.reuse(&file.path) && fs::metadata(&old).is_ok_and(|m| m.len() == file.bytes.len() as u64) && fs::read(&old).is_ok_and(|b| *b == *file.bytes)
            {
                link_or_copy(&old, &dest)?;
                self.unchanged.fetch_add(1, Ordering::Relaxed);
            } else {
                fs::write(&dest, &file.bytes)?;
                self.written.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })();
        result.map_err(|e| {
            self.failed.store(true, Ordering::Relaxed);
            problem(&self.shown, "write the site", e)
        })
    }

    fn reuse(&self, rel: &str) -> bool {
        self.exists && self.before.contains(rel)
    }

    /// A site file at `rel`: refused where a file of the user's is in the way (other bytes at
    /// `rel`, or a file where the site needs a folder); the same bytes stay the user's.
    fn claim(&self, rel: &str, ours: impl FnOnce() -> Option<Vec<u8>>) -> Result<(), Diagnostic> {
        if self.users.is_empty() {
            return Ok(());
        }
        let refuse = |rel: &str| {
            Diagnostic::file(self.shown.join(rel), "folio did not write this file, and the new site has another file there")
                .with_help("folio never replaces files it did not write: move or delete it, or rename the site's file")
                .kind(Kind::Output)
        };
        let mut parent = rel;
        while let Some((up, _)) = parent.rsplit_once('/') {
            if self.users.contains(up) {
                return Err(refuse(up));
            }
            parent = up;
        }
        if self.users.contains(rel) {
            let ours = ours();
            if ours.is_none() || ours != fs::read(self.places.target.join(rel)).ok() {
                return Err(refuse(rel));
            }
            self.theirs.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
        }
        Ok(())
    }

    /// Adds the static files and the files made from images, writes the manifest, moves the
    /// user's files over and swaps the new site in. `built` lists every rendered file (their
    /// bytes are not needed: [`Staging::put`] wrote them).
    pub fn finish(mut self, built: &Built) -> Result<Written, Diagnostic> {
        let rendered: HashSet<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
        for a in built.assets.iter().filter(|a| !rendered.contains(a.out.as_str())) {
            self.claim(&a.out, || read_asset(a).ok())?;
        }
        for m in &built.made {
            self.claim(&m.path, || fs::read(&m.cached).ok())?;
        }
        let theirs = std::mem::take(&mut *self.theirs.lock().unwrap_or_else(|e| e.into_inner()));
        match self.finish_tree(built, &rendered, &theirs) {
            Ok(written) => {
                self.finished = true;
                Ok(written)
            }
            Err(e) => Err(problem(&self.shown, "write the site", e)),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            // Put back anything of the user's that was on its way, then drop the half-made tree.
            let _ = recover(&self.places);
        }
    }
}

impl crate::pipeline::Sink for Staging {
    fn put(&self, file: &OutFile) -> Result<(), Diagnostic> {
        Staging::put(self, file)
    }

    /// folio's working folder beside the output folder (where its lock is): on the same disk.
    fn scratch_dir(&self) -> Option<PathBuf> {
        self.places.lock.parent().map(Path::to_path_buf)
    }
}

fn problem(target: &Path, what: &str, e: io::Error) -> Diagnostic {
    Diagnostic::file(target, format!("could not {what}: {e}"))
        .with_help("check that the output folder is writable and the disk has space; the previous site is unchanged")
        .kind(Kind::Output)
}

/// Holds the lock file in `.folio/` beside the output folder; a second build waits for the
/// first.
fn lock(places: &Places) -> io::Result<fs::File> {
    if let Some(dir) = places.lock.parent() {
        fs::create_dir_all(dir)?;
    }
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&places.lock)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another folio build that is writing to {} …", places.target.display());
            file.lock()?;
            Ok(file)
        }
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The manifest of an output folder: the files folio wrote there. A marker from before
/// manifests existed counts every file except the user's deploy files as folio's.
fn manifest(dir: &Path) -> BTreeSet<String> {
    let Ok(text) = fs::read_to_string(dir.join(MARKER)) else { return BTreeSet::new() };
    if text.starts_with(MARKER_HEAD) {
        return manifest_lines(&text).map(|(file, _)| file.to_string()).collect();
    }
    files_below(dir).into_iter().filter(|p| p != MARKER && !USER_NAMES.contains(&top(p))).collect()
}

/// The manifest's entries: each file folio wrote, and for a page the content file it was made
/// from (`articles/x/index.html\tcontent/articles/x.md`; a tab is never in an output file's
/// name, `url::component_problem` refuses it).
fn manifest_lines(text: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| match l.split_once('\t') {
        Some((file, source)) => (file, Some(source)),
        None => (l, None),
    })
}

/// What the last `folio build` published in `target`, read from its marker: every file folio
/// wrote there and, for a page, the content file it came from. Empty when there was no build
/// (or the marker is from a folio that kept no list).
pub fn published(target: &Path) -> Vec<(String, Option<String>)> {
    match fs::read_to_string(target.join(MARKER)) {
        Ok(text) if text.starts_with(MARKER_HEAD) => manifest_lines(&text).map(|(f, s)| (f.to_string(), s.map(str::to_string))).collect(),
        _ => Vec::new(),
    }
}

/// The content file of each page and section's output file, for the manifest.
fn page_sources(built: &Built) -> std::collections::HashMap<String, String> {
    let site = &built.site;
    let pages = site.pages.unnoted().iter().map(|p| (&p.url, &p.shown));
    let sections = site.sections.unnoted().iter().map(|s| (&s.url, &s.shown));
    pages.chain(sections).map(|(url, shown)| (crate::url::url_to_file(url), crate::diag::slashed(shown))).collect()
}

fn top(rel: &str) -> &str {
    rel.split('/').next().unwrap_or(rel)
}

/// Every file below `dir`, relative and `/`-separated (symlinks are not followed).
fn files_below(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| Some(e.path().strip_prefix(dir).ok()?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")))
        .collect()
}

/// Finishes or undoes what an interrupted run left: an old folder of a two-step swap goes back
/// if the output folder is missing, user files in a staging folder go back to the output
/// folder, and the rest of the staging folder is removed.
fn recover(places: &Places) -> io::Result<()> {
    if places.old.exists() {
        if !places.target.exists() {
            fs::rename(&places.old, &places.target)?;
        } else {
            fs::remove_dir_all(&places.old)?;
        }
    }
    if places.staging.exists() {
        // User files move into the staging folder only after its marker is written, so a
        // staging folder without one holds nothing of the user's.
        let ours = manifest(&places.staging);
        if places.target.is_dir() && places.staging.join(MARKER).exists() {
            for entry in fs::read_dir(&places.staging)?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let folio_made = name == MARKER || ours.contains(&name) || ours.iter().any(|p| p.starts_with(&format!("{name}/")));
                if !folio_made && !places.target.join(&name).exists() {
                    fs::rename(entry.path(), places.target.join(&name))?;
                }
            }
        }
        fs::remove_dir_all(&places.staging)?;
    }
    // Staging folders of earlier folio versions.
    if let (Some(parent), Some(name)) = (places.target.parent(), places.target.file_name()) {
        let prefix = format!(".{}.staging-", name.to_string_lossy());
        for entry in fs::read_dir(parent)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(())
}

/// Opens a static file the build checked, or says why not (naming it) if it changed since.
fn open_asset(a: &Asset) -> io::Result<(fs::File, fs::Metadata)> {
    crate::load::open_asset(&a.file)
        .map_err(|why| io::Error::other(format!("{} is no longer the file the build checked ({why}); build again", a.src.display())))
}

fn read_asset(a: &Asset) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_asset(a)?.0.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Copies a static file to `dest` (with its permissions, as `fs::copy` would), reading only the
/// regular file the build checked.
fn copy_asset(a: &Asset, dest: &Path) -> io::Result<()> {
    let (mut from, meta) = open_asset(a)?;
    let mut to = fs::File::create(dest)?;
    io::copy(&mut from, &mut to)?;
    to.set_permissions(meta.permissions())
}

/// A link to `from` at `to`, or a copy where links are impossible.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to)?;
    }
    Ok(())
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent),
        None => Ok(()),
    }
}

impl Staging {
    /// The rest of the new tree beside the rendered files: static files, made files, the
    /// manifest, the user's files; then the swap.
    fn finish_tree(&self, built: &Built, rendered: &HashSet<&str>, theirs: &BTreeSet<String>) -> io::Result<Written> {
        let places = &self.places;
        let target = &places.target;
        let staging = &places.staging;
        let exists = self.exists;
        let before = &self.before;
        let reuse = |rel: &str| self.reuse(rel);
        // A rendered file wins over a static file with the same path.
        let assets: Vec<bool> = built
            .assets
            .par_iter()
            .filter(|a| !rendered.contains(a.out.as_str()))
            .map(|a| {
                let dest = staging.join(&a.out);
                create_parent(&dest)?;
                let old = target.join(&a.out);
                if reuse(&a.out) {
                    if let (Ok(s), Ok(d)) = (fs::symlink_metadata(&a.file), fs::metadata(&old)) {
                        let newer = match (s.modified(), d.modified()) {
                            (Ok(sm), Ok(dm)) => sm > dm,
                            _ => true,
                        };
                        if s.len() == d.len() && !newer {
                            link_or_copy(&old, &dest)?;
                            return Ok(false);
                        }
                    }
                }
                copy_asset(a, &dest)?;
                Ok(true)
            })
            .collect::<io::Result<_>>()?;
        // Files made from images: from the cache, where the build made them.
        let made: Vec<bool> = built
            .made
            .par_iter()
            .map(|m| {
                let dest = staging.join(&m.path);
                create_parent(&dest)?;
                link_or_copy(&m.cached, &dest).map_err(|e| io::Error::new(e.kind(), format!("{} (copying {} from the image cache)", e, m.path)))?;
                Ok(!reuse(&m.path))
            })
            .collect::<io::Result<_>>()?;
        let after: BTreeSet<String> = built
            .files
            .iter()
            .map(|f| f.path.clone())
            .chain(built.assets.iter().filter(|a| !rendered.contains(a.out.as_str())).map(|a| a.out.clone()))
            .chain(built.made.iter().map(|m| m.path.clone()))
            .collect();
        let mut marker = String::from(MARKER_HEAD);
        marker.push('\n');
        let sources = page_sources(built);
        for p in after.difference(theirs) {
            marker.push_str(p);
            if let Some(source) = sources.get(p) {
                marker.push('\t');
                marker.push_str(source);
            }
            marker.push('\n');
        }
        fs::write(staging.join(MARKER), marker)?;
        let files = (self.written.load(Ordering::Relaxed), self.unchanged.load(Ordering::Relaxed));
        let written = files.0 + assets.iter().chain(&made).filter(|w| **w).count();
        let removed = before.iter().filter(|p| !after.contains(*p)).count();
        let result = Written { written, unchanged: files.1 + assets.len() + made.len() - (written - files.0), removed };

        if exists {
            // The user's files: nested ones are linked, top-level ones moved just before the swap.
            let mut moving: BTreeSet<String> = BTreeSet::new();
            for rel in files_below(target) {
                if rel == MARKER || before.contains(&rel) || after.contains(&rel) {
                    continue;
                }
                let name = top(&rel).to_string();
                let folio_inside = before.iter().chain(&after).any(|p| p.starts_with(&format!("{name}/")) || *p == name);
                if folio_inside {
                    let dest = staging.join(&rel);
                    create_parent(&dest)?;
                    link_or_copy(&target.join(&rel), &dest)?;
                } else {
                    moving.insert(name);
                }
            }
            // Empty folders of the user's (a fresh `.well-known/`) are theirs too.
            for entry in fs::read_dir(target)?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.file_type().is_ok_and(|t| t.is_dir())
                    && !before.iter().any(|p| p.starts_with(&format!("{name}/")))
                    && !after.iter().any(|p| p.starts_with(&format!("{name}/")))
                {
                    moving.insert(name);
                }
            }
            let mut moved = Vec::new();
            let swapped = moving
                .iter()
                .filter(|name| !staging.join(name).exists())
                .try_for_each(|name| {
                    fs::rename(target.join(name), staging.join(name))?;
                    moved.push(name.clone());
                    Ok(())
                })
                .and_then(|()| swap(staging, target, &places.old));
            if let Err(e) = swapped {
                // The folder cannot be renamed or the staging folder is on another device (a mount
                // point, a share, a file held open on Windows): put the user's files back and copy
                // the new site in, file by file.
                for name in &moved {
                    fs::rename(staging.join(name), target.join(name))?;
                }
                eprintln!("warning: could not swap in the new site at once ({e}); updating {} file by file instead", target.display());
                copy_into(staging, target, before, &after)?;
            }
            fs::remove_dir_all(staging)?;
        } else {
            if target.exists() {
                // An empty folder the user made.
                fs::remove_dir(target)?;
            }
            fs::rename(staging, target)?;
        }
        Ok(result)
    }
}

/// The fallback where folders cannot be renamed: every file of `after` is copied from `new`
/// into `target` where it differs (each through a temporary file and a rename, so no file is
/// half-written), and the files of `before` the new site no longer has are removed.
fn copy_into(new: &Path, target: &Path, before: &BTreeSet<String>, after: &BTreeSet<String>) -> io::Result<()> {
    for rel in after.iter().chain([&MARKER.to_string()]) {
        let (from, to) = (new.join(rel), target.join(rel));
        if fs::read(&from).ok() == fs::read(&to).ok() {
            continue;
        }
        create_parent(&to)?;
        let tmp = to.with_file_name(format!(".{}.folio-tmp", to.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        fs::copy(&from, &tmp)?;
        fs::rename(&tmp, &to)?;
    }
    for rel in before.difference(after) {
        let path = target.join(rel);
        let _ = fs::remove_file(&path);
        // Folders left empty go too; `remove_dir` refuses one that still holds anything.
        for dir in path.ancestors().skip(1).take_while(|d| *d != target) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    Ok(())
}

/// Exchanges `new` and `target`: afterwards `target` holds the new tree and `new` the old one.
fn swap(new: &Path, target: &Path, old: &Path) -> io::Result<()> {
    if exchange(new, target).is_ok() {
        return Ok(());
    }
    // Two steps, completed or undone by `recover` if interrupted between them.
    fs::rename(target, old)?;
    if let Err(e) = fs::rename(new, target) {
        fs::rename(old, target)?;
        return Err(e);
    }
    fs::rename(old, new)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    rustix::fs::renameat_with(rustix::fs::CWD, a, rustix::fs::CWD, b, rustix::fs::RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange on this system"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_harmful_output_folders() {
        let root = std::env::temp_dir().join(format!("folio-target-{}", std::process::id()));
        fs::create_dir_all(root.join("content")).unwrap();
        fs::create_dir_all(root.join("other")).unwrap();
        fs::write(root.join("other/file.txt"), "x").unwrap();
        for bad in [root.clone(), root.join(".."), root.join("content"), root.join("content/articles"), root.join("static/x"), root.join("other")] {
            assert!(check_target(&bad, &root).is_err(), "{}", bad.display());
        }
        assert!(check_target(&root.join("public"), &root).is_ok());
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("public").join(MARKER), "").unwrap();
        fs::write(root.join("public/index.html"), "").unwrap();
        assert!(check_target(&root.join("public"), &root).is_ok());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn adopts_a_folder_with_only_deploy_files() {
        let root = std::env::temp_dir().join(format!("folio-adopt-{}", std::process::id()));
        fs::create_dir_all(root.join("public/.git")).unwrap();
        fs::write(root.join("public/CNAME"), "example.com").unwrap();
        assert!(check_target(&root.join("public"), &root).is_ok());
        fs::write(root.join("public/notes.txt"), "mine").unwrap();
        assert!(check_target(&root.join("public"), &root).is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}

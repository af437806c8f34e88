//! Writing a build to disk. The output folder only ever holds a whole site: the previous one or
//! the new one, whether the build finished, failed, was killed or ran out of disk space.
//!
//! The new tree is built in a staging folder beside the output folder: files whose bytes did
//! not change are hard links to the old ones (they keep their modification time, which keeps
//! `rsync` and CDN uploads small), changed files are written anew, and the user's files (those
//! folio did not write: `.git`, `CNAME`, ...) are linked in too. Then the two folders are
//! swapped in one step (`place`). Where folders cannot be renamed (a mount point), the output
//! folder is updated in place instead, one file at a time. Only files listed in the marker's
//! manifest (`tree`) are ever replaced or removed.

mod place;
mod tree;

pub use tree::MARKER;

use crate::diag::{Diagnostic, Kind};
use crate::pipeline::Built;
use place::{Committed, Place, Placed};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use tree::Folder;

/// What a write did.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Trouble after the new site was in place: the site is whole, some cleaning up is left to
    /// the next build.
    pub warnings: Vec<Diagnostic>,
}

/// `path` made absolute and free of `.` and `..`, with symbolic links resolved as far as it
/// exists (`a/..` is the parent of wherever `a` leads, as the system sees it).
fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::ParentDir => {
                out = resolve_existing(&out);
                out.pop();
            }
            Component::CurDir => {}
            part => out.push(part),
        }
    }
    resolve_existing(&out)
}

/// `path` (absolute, without `..`) with its longest existing prefix canonicalised.
fn resolve_existing(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.into_iter().rev());
    out
}

/// Refuses output folders where writing (and removing stale files) would harm the user's
/// files: the site folder itself or any folder above it, its sources, or folio's own working
/// folder. (A folder holding files folio did not write is refused later, once it is locked.)
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
    if t.file_name().is_some_and(|n| n == ".folio") {
        return refuse("`.folio` is folio's working folder (submissions, the build lock)".into());
    }
    Ok(())
}

/// Writes the site into `target`; see the module documentation.
pub fn write(built: &Built, target: &Path, root: &Path) -> Result<Written, Diagnostic> {
    check_target(target, root)?;
    let files = plan(built)?;
    let fail = |what: &str, e: io::Error| {
        Diagnostic::file(target, format!("could not {what}: {e}"))
            .with_help("the output folder was left as it was; check that the disk has space and that its folder is writable, then build again")
            .kind(Kind::Output)
    };
    let place = Place::new(&absolute(target)).map_err(|e| fail("create folio's working folder `.folio` beside the output folder", e))?;
    let _lock = place.lock().map_err(|e| fail("lock the output folder against other builds", e))?;
    place.recover().map_err(|e| fail("clean up after an interrupted build", e))?;
    let old = tree::scan(&place.target).map_err(|e| fail("read the output folder", e))?;
    if let Some(old) = &old {
        if let Some(entry) = &old.foreign {
            return Err(Diagnostic::file(target, format!("the output folder holds `{entry}`, which folio did not write"))
                .with_help(format!(
                    "folio takes over a folder that is empty or holds only {}; move the other files away, or choose an empty or new folder",
                    tree::ADOPTABLE.join(", ")
                ))
                .kind(Kind::Output));
        }
        check_conflicts(&files, old, &place.target).map_err(|(rel, why)| {
            Diagnostic::file(target.join(&rel), format!("folio did not write this {why}, and the new site has another file there"))
                .with_help("folio never replaces files it did not write: move or delete it, or rename the site's file")
                .kind(Kind::Output)
        })?;
    }
    let in_place = |old: Option<&Folder>| {
        let mut written = update_in_place(&files, old, &place.target).map_err(|e| {
            Diagnostic::file(target, format!("could not update the output folder: {e}"))
                .with_help("it cannot be swapped in one step (it is a mount point or in use), so it may now hold part of the new site; fix the problem and build again")
                .kind(Kind::Output)
        })?;
        written.warnings.push(
            Diagnostic::file(target, "the output folder cannot be swapped in one step (it is a mount point, on another device, or in use), so it was updated file by file")
                .with_help("each file is whole, but a build interrupted while writing leaves some pages old and some new; make it an ordinary folder beside `.folio/` for atomic builds")
                .kind(Kind::Output)
                .warning(),
        );
        Ok(written)
    };
    if place.other_device() {
        return in_place(old.as_ref());
    }
    let staging = place.staging().map_err(|e| fail("create the staging folder", e))?;
    let staged = stage(&files, old.as_ref(), &place.target, &staging).and_then(|s| Ok((s, place.commit(&staging)?)));
    let (mut staged, committed) = match staged {
        Ok(x) => x,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(fail("write the new site", e));
        }
    };
    match committed {
        Committed::Swapped { had_old } => {
            if had_old {
                if let Err(e) = place.finish(Some(&staged.placed)) {
                    staged.written.warnings.push(
                        Diagnostic::file(target, format!("the new site is in place, but the old one could not be cleared away: {e}"))
                            .with_help("the next build tries again; your files from the old folder are kept until then")
                            .kind(Kind::Output)
                            .warning(),
                    );
                }
            }
            Ok(staged.written)
        }
        Committed::CannotRename => {
            let _ = fs::remove_dir_all(&staging);
            in_place(old.as_ref())
        }
    }
}

/// Where a file's bytes come from.
enum Source<'a> {
    Bytes(&'a [u8]),
    /// A static file, copied.
    File(&'a Path),
}

/// One file of the new site.
struct Planned<'a> {
    /// `/`-separated, relative to the output folder.
    rel: &'a str,
    source: Source<'a>,
}

impl Planned<'_> {
    fn write_to(&self, path: &Path) -> io::Result<()> {
        match self.source {
            Source::Bytes(b) => fs::write(path, b),
            Source::File(src) => fs::copy(src, path).map(drop),
        }
    }

    /// Whether the file at `path` already is this file: the same bytes, or for a static file
    /// the same size and not older than its source.
    fn is_at(&self, path: &Path) -> bool {
        let Ok(meta) = fs::symlink_metadata(path) else { return false };
        if !meta.is_file() {
            return false;
        }
        match self.source {
            Source::Bytes(b) => meta.len() == b.len() as u64 && fs::read(path).is_ok_and(|old| old == b),
            Source::File(src) => {
                fs::metadata(src).is_ok_and(|s| s.len() == meta.len() && matches!((s.modified(), meta.modified()), (Ok(new), Ok(old)) if new <= old))
            }
        }
    }

    /// Whether the file at `path` has exactly this file's bytes.
    fn same_bytes(&self, path: &Path) -> bool {
        match self.source {
            Source::Bytes(b) => fs::read(path).is_ok_and(|old| old == b),
            Source::File(src) => matches!((fs::read(path), fs::read(src)), (Ok(a), Ok(b)) if a == b),
        }
    }
}

/// The new site's files, sorted; a rendered file wins over a static file with the same path.
fn plan(built: &Built) -> Result<Vec<Planned<'_>>, Diagnostic> {
    let rendered: HashSet<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
    let mut files: Vec<Planned> = built
        .files
        .iter()
        .map(|f| Planned { rel: &f.path, source: Source::Bytes(&f.bytes) })
        .chain(built.assets.iter().filter(|a| !rendered.contains(a.out.as_str())).map(|a| Planned { rel: &a.out, source: Source::File(&a.src) }))
        .collect();
    files.sort_by(|a, b| a.rel.cmp(b.rel));
    if let Some(f) = files.iter().find(|f| f.rel == MARKER) {
        let shown = match f.source {
            Source::File(src) => src.to_path_buf(),
            Source::Bytes(_) => PathBuf::from(MARKER),
        };
        return Err(Diagnostic::file(shown, format!("the name `{MARKER}` is folio's: it lists the files folio wrote into the output folder"))
            .with_help("rename the file")
            .kind(Kind::Output));
    }
    Ok(files)
}

/// The first place where the new site would overwrite a file of the user's (a file the output
/// folder holds with other bytes, or a folder or file where the site needs a folder): its path
/// and what it is.
fn check_conflicts(files: &[Planned], old: &Folder, target: &Path) -> Result<(), (String, &'static str)> {
    for f in files {
        if old.user_dirs.contains(f.rel) {
            return Err((f.rel.to_string(), "folder"));
        }
        if old.user_files.contains(f.rel) && !f.same_bytes(&target.join(f.rel)) {
            return Err((f.rel.to_string(), "file"));
        }
        let mut rest = f.rel;
        while let Some((parent, _)) = rest.rsplit_once('/') {
            if old.user_files.contains(parent) {
                return Err((parent.to_string(), "file"));
            }
            rest = parent;
        }
    }
    Ok(())
}

/// A staged tree: what was written, and where each user file was linked.
struct Staged {
    written: Written,
    placed: Placed,
}

/// Builds the new tree in `dir`: unchanged files linked from the output folder `target`,
/// changed ones written, then the user's files linked (last, so that files they change while
/// the build runs are as recent as can be), then the marker.
fn stage(files: &[Planned], old: Option<&Folder>, target: &Path, dir: &Path) -> io::Result<Staged> {
    let wrote: Vec<bool> = files
        .par_iter()
        .map(|f| {
            let to = dir.join(f.rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            let from = target.join(f.rel);
            if old.is_some_and(|o| o.folio.contains(f.rel) || o.user_files.contains(f.rel)) && f.is_at(&from) {
                crate::fsx::link_or_copy(&from, &to)?;
                return Ok(false);
            }
            f.write_to(&to)?;
            Ok(true)
        })
        .collect::<io::Result<_>>()?;
    let in_site: HashSet<&str> = files.iter().map(|f| f.rel).collect();
    let mut placed = Placed::new();
    if let Some(old) = old {
        for d in &old.user_dirs {
            fs::create_dir_all(dir.join(d))?;
        }
        let linked: Vec<Option<(String, Option<crate::fsx::Id>)>> = old
            .user_files
            .par_iter()
            .filter(|f| !in_site.contains(f.as_str()))
            .map(|f| {
                let to = dir.join(f);
                match crate::fsx::link_or_copy(&target.join(f), &to) {
                    Ok(()) => Ok(Some((f.clone(), crate::fsx::identity_of(&to)))),
                    // Removed since the folder was read.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .collect::<io::Result<_>>()?;
        placed.extend(linked.into_iter().flatten());
    }
    fs::write(dir.join(MARKER), tree::manifest(owned(files, old)))?;
    let written = wrote.iter().filter(|w| **w).count();
    let removed = old.map_or(0, |o| o.folio.iter().filter(|f| !in_site.contains(f.as_str())).count());
    Ok(Staged { written: Written { written, unchanged: wrote.len() - written, removed, warnings: Vec::new() }, placed })
}

/// The files of the new site that folio owns: all but those the user already had, with the
/// same bytes, before the site had them (they stay the user's, and are never removed).
fn owned<'a>(files: &'a [Planned], old: Option<&'a Folder>) -> impl Iterator<Item = &'a str> {
    files.iter().map(|f| f.rel).filter(move |rel| !old.is_some_and(|o| o.user_files.contains(*rel)))
}

/// Writes the marker through a temporary file, so it is never half-written.
fn write_marker<'a>(dir: &Path, files: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    let tmp = dir.join(tree::temp_name(MARKER));
    fs::write(&tmp, tree::manifest(files))?;
    fs::rename(&tmp, dir.join(MARKER))
}

/// The fallback where the output folder cannot be swapped: each changed file is replaced
/// through a temporary file and a rename (never half-written), files the site no longer has are
/// removed. The marker lists old and new files while this runs, so an interrupted update is
/// finished by the next build.
fn update_in_place(files: &[Planned], old: Option<&Folder>, target: &Path) -> io::Result<Written> {
    fs::create_dir_all(target)?;
    let in_site: HashSet<&str> = files.iter().map(|f| f.rel).collect();
    let stale: Vec<&str> = old.map(|o| o.folio.iter().map(String::as_str).filter(|f| !in_site.contains(f)).collect()).unwrap_or_default();
    write_marker(target, owned(files, old).chain(stale.iter().copied()))?;
    for leftover in old.map(|o| o.leftovers.as_slice()).unwrap_or_default() {
        fs::remove_file(target.join(leftover))?;
    }
    let wrote: Vec<bool> = files
        .par_iter()
        .map(|f| {
            let to = target.join(f.rel);
            if f.is_at(&to) {
                return Ok(false);
            }
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            let tmp = to.with_file_name(tree::temp_name(&to.file_name().unwrap_or_default().to_string_lossy()));
            f.write_to(&tmp)?;
            fs::rename(&tmp, &to)?;
            Ok(true)
        })
        .collect::<io::Result<_>>()?;
    for f in &stale {
        let path = target.join(f);
        fs::remove_file(&path)?;
        // Folders left empty go too; `remove_dir` refuses one that still holds anything.
        for dir in path.ancestors().skip(1).take_while(|d| *d != target) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    write_marker(target, owned(files, old))?;
    let written = wrote.iter().filter(|w| **w).count();
    Ok(Written { written, unchanged: wrote.len() - written, removed: stale.len(), warnings: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_harmful_output_folders() {
        let root = std::env::temp_dir().join(format!("folio-target-{}", std::process::id()));
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [root.clone(), root.join(".."), root.join("content"), root.join("content/articles"), root.join("static/x"), root.join(".folio")] {
            assert!(check_target(&bad, &root).is_err(), "{}", bad.display());
        }
        assert!(check_target(&root.join("public"), &root).is_ok());
        assert!(check_target(&root.join("public/../public"), &root).is_ok());
        assert_eq!(absolute(&root.join("public/../public")), absolute(&root).join("public"));
        fs::remove_dir_all(&root).unwrap();
    }
}

//! Writing a build to disk. Nothing is written unless the whole site rendered without errors,
//! so a failed build leaves the previous output exactly as it was.
//!
//! - A new output folder is written into a staging folder beside it and renamed into place.
//! - An existing output folder is updated in place: only files whose bytes changed are
//!   written (each through a temporary file and a rename, so no file is ever half-written), and
//!   files that the site no longer has are removed. Unchanged files keep their modification
//!   time, which keeps `rsync` and CDN uploads small, and a rebuild does not pay for deleting
//!   and recreating thousands of folders.

use crate::diag::{Diagnostic, Kind};
use crate::fsx::Staging;
use crate::pipeline::Built;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Marks a folder as folio's output, so a later build may update it (and delete files in it).
pub const MARKER: &str = ".folio-output";

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
    let non_empty = fs::read_dir(&t).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty && !t.join(MARKER).exists() {
        return Err(Diagnostic::file(target, "the output folder is not empty and was not made by folio")
            .with_help("folio replaces the output folder's contents; delete the folder or choose an empty or new one")
            .kind(Kind::Output));
    }
    Ok(())
}

pub fn write(built: &Built, target: &Path, root: &Path) -> Result<Written, Diagnostic> {
    check_target(target, root)?;
    let fail = |what: &str, e: io::Error| {
        Diagnostic::file(target, format!("could not {what}: {e}"))
            .with_help("check that the output folder is writable and the disk has space")
            .kind(Kind::Output)
    };
    if target.is_dir() && target.join(MARKER).exists() {
        return update_in_place(built, target).map_err(|e| fail("update the output folder", e));
    }
    let staging = Staging::new(target).map_err(|e| fail("create the staging folder", e))?;
    let written = write_all(built, &staging.dir, false).map_err(|e| fail("write the site", e))?;
    fs::write(staging.dir.join(MARKER), b"This folder is folio's build output; folio updates and removes files here.\n")
        .map_err(|e| fail("write the site", e))?;
    if target.is_dir() {
        // An empty folder the user made: replace it.
        fs::remove_dir(target).map_err(|e| fail("replace the empty output folder", e))?;
    }
    staging.commit().map_err(|e| fail("move the new site into place", e))?;
    Ok(written)
}

/// Writes `bytes` to `path` unless it already holds exactly them. Returns whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8], compare: bool) -> io::Result<bool> {
    if compare {
        if let Ok(meta) = fs::metadata(path) {
            if meta.len() == bytes.len() as u64 && fs::read(path).is_ok_and(|old| old == bytes) {
                return Ok(false);
            }
        }
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    if compare {
        // Replace atomically: readers see the old file or the new one, never a mix.
        let tmp = path.with_file_name(format!(".{}.folio-tmp", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, path)?;
    } else {
        fs::write(path, bytes)?;
    }
    Ok(true)
}

/// Copies a static file unless the destination has the same size and is not older.
fn copy_if_changed(src: &Path, dest: &Path, compare: bool) -> io::Result<bool> {
    if compare {
        if let (Ok(s), Ok(d)) = (fs::metadata(src), fs::metadata(dest)) {
            let newer = match (s.modified(), d.modified()) {
                (Ok(sm), Ok(dm)) => sm > dm,
                _ => true,
            };
            if s.len() == d.len() && !newer {
                return Ok(false);
            }
        }
    }
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(src, dest)?;
    Ok(true)
}

fn write_all(built: &Built, dir: &Path, compare: bool) -> io::Result<Written> {
    let rendered: HashSet<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
    let files: Vec<bool> = built.files.par_iter().map(|f| write_if_changed(&dir.join(&f.path), &f.bytes, compare)).collect::<io::Result<_>>()?;
    // A rendered file wins over a static file with the same path.
    let assets: Vec<bool> = built
        .assets
        .par_iter()
        .filter(|a| !rendered.contains(a.out.as_str()))
        .map(|a| copy_if_changed(&a.src, &dir.join(&a.out), compare))
        .collect::<io::Result<_>>()?;
    let written = files.iter().chain(&assets).filter(|w| **w).count();
    Ok(Written { written, unchanged: files.len() + assets.len() - written, removed: 0 })
}

fn update_in_place(built: &Built, target: &Path) -> io::Result<Written> {
    let mut written = write_all(built, target, true)?;
    let keep: HashSet<String> =
        built.files.iter().map(|f| f.path.clone()).chain(built.assets.iter().map(|a| a.out.clone())).chain([MARKER.to_string()]).collect();
    // Remove files the site no longer has, then folders left empty.
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(target).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        let rel =
            entry.path().strip_prefix(target).map_err(io::Error::other)?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if entry.file_type().is_dir() {
            dirs.push(entry.path().to_path_buf());
        } else if !keep.contains(&rel) {
            fs::remove_file(entry.path())?;
            written.removed += 1;
        }
    }
    for d in dirs {
        // Fails harmlessly when the folder still has files.
        let _ = fs::remove_dir(&d);
    }
    Ok(written)
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
    fn write_if_changed_skips_identical_bytes() {
        let dir = std::env::temp_dir().join(format!("folio-out-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let p = dir.join("a/index.html");
        assert!(write_if_changed(&p, b"one", true).unwrap());
        assert!(!write_if_changed(&p, b"one", true).unwrap());
        assert!(write_if_changed(&p, b"two", true).unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1, "no temporary file left");
        fs::remove_dir_all(&dir).unwrap();
    }
}

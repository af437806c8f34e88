//! Writing a build to disk. Nothing is written unless the whole site rendered without errors,
//! so a failed build leaves the previous output exactly as it was.
//!
//! - A new output folder is written into a staging folder beside it and renamed into place.
//! - An existing output folder is updated in place: only files whose bytes changed are
//!   written (each through a temporary file and a rename, so no file is ever half-written), and
//!   files that the site no longer has are removed. Unchanged files keep their modification
//!   time, which keeps `rsync` and CDN uploads small, and a rebuild does not pay for deleting
//!   and recreating thousands of folders.

use crate::diag::Diagnostic;
use crate::fsx::Staging;
use crate::pipeline::Built;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub fn write(built: &Built, target: &Path) -> Result<Written, Diagnostic> {
    let fail = |what: &str, e: io::Error| {
        Diagnostic::file(target, format!("could not {what}: {e}")).with_help("check that the output folder is writable and the disk has space")
    };
    if target.join(crate::config::CONFIG_FILE).exists() || target.join(crate::load::CONTENT_DIR).is_dir() {
        return Err(Diagnostic::file(target, "the output folder holds a site's sources (site.yaml or content/)")
            .with_help("choose an output folder of its own, e.g. `--output public`; folio removes files there that the site no longer has"));
    }
    if target.is_dir() {
        return update_in_place(built, target).map_err(|e| fail("update the output folder", e));
    }
    let staging = Staging::new(target).map_err(|e| fail("create the staging folder", e))?;
    let written = write_all(built, &staging.dir, false).map_err(|e| fail("write the site", e))?;
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
    let keep: HashSet<String> = built.files.iter().map(|f| f.path.clone()).chain(built.assets.iter().map(|a| a.out.clone())).collect();
    // Remove files the site no longer has, then folders left empty.
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(target).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(target).map_err(io::Error::other)?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
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

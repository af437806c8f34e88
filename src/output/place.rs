//! Where a build is put and how it replaces the previous one: the lock and the staging folder
//! live in `.folio/` beside the output folder; the new tree is swapped in with one atomic
//! exchange (Linux) or two renames (elsewhere); files the user wrote into the old tree while
//! the build ran are carried over; leftovers of an interrupted run are cleaned up first.

use super::tree;
use crate::fsx;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A file's identity ([`fsx::identity`]) when it was placed in the new tree.
pub type Placed = HashMap<String, Option<fsx::Id>>;

/// An output folder and folio's working names beside it.
pub struct Place {
    /// The output folder, absolute, with `..` and symbolic links resolved.
    pub target: PathBuf,
    /// `.folio/` in the output folder's parent: the lock and the staging folders.
    pub work: PathBuf,
    name: String,
}

/// How the new tree reached the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Committed {
    /// Renamed into place (there was no output folder), or swapped with the old tree, which
    /// now waits in the `old` slot.
    Swapped { had_old: bool },
    /// The folders could not be renamed (different devices, a mount point, a folder in use):
    /// the caller updates the output folder in place.
    CannotRename,
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

fn remove_tree(p: &Path) -> io::Result<()> {
    match fs::remove_dir_all(p) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Errors that mean "these folders cannot be renamed here", not "something broke".
fn cannot_rename(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy | io::ErrorKind::PermissionDenied)
}

impl Place {
    /// `target` must be absolute and resolved (see `output::absolute`).
    pub fn new(target: &Path) -> io::Result<Place> {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no parent folder"));
        };
        let work = parent.join(".folio");
        fs::create_dir_all(&work)?;
        Ok(Place { target: target.to_path_buf(), work, name: name.to_string_lossy().into_owned() })
    }

    fn slot(&self, what: &str) -> PathBuf {
        self.work.join(format!("{}.{what}", self.name))
    }

    /// Holds the lock on this output folder until the file is dropped; waits (saying so) while
    /// another folio build holds it.
    pub fn lock(&self) -> io::Result<fs::File> {
        let file = fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(self.slot("lock"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                eprintln!("Waiting for another folio build to finish writing {} ...", self.target.display());
                file.lock()?;
            }
            // A file system without locks (some network shares): go on unlocked.
            Err(fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {}
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(file)
    }

    /// The output folder's identity as text: part of the staging folder's name, so that a
    /// later run can tell whether the swap happened.
    fn target_id(&self) -> String {
        match fsx::identity_of(&self.target) {
            Some((dev, ino)) => format!("{dev:x}-{ino:x}"),
            None if exists(&self.target) => "any".into(),
            None => "none".into(),
        }
    }

    /// A fresh, empty staging folder for the new tree.
    pub fn staging(&self) -> io::Result<PathBuf> {
        let dir = self.slot(&format!("new-{}", self.target_id()));
        remove_tree(&dir)?;
        fs::create_dir(&dir)?;
        if let Ok(meta) = fs::metadata(&self.target) {
            // The new folder keeps the old one's permissions (a web server may rely on them).
            fs::set_permissions(&dir, meta.permissions())?;
        }
        Ok(dir)
    }

    /// Whether the output folder is on another device than `.folio/` (a mount point): then
    /// neither hard links nor renames can reach it.
    pub fn other_device(&self) -> bool {
        matches!((fsx::identity_of(&self.target), fsx::identity_of(&self.work)), (Some((a, _)), Some((b, _))) if a != b)
    }

    /// Cleans up after an interrupted run: a half-built staging folder is removed; an old tree
    /// that was swapped out but not yet removed gives back the user's files it alone holds, then
    /// goes; an output folder left missing between two renames is put back.
    pub fn recover(&self) -> io::Result<()> {
        let (old, trash) = (self.slot("old"), self.slot("trash"));
        remove_tree(&trash)?;
        if !exists(&self.target) && exists(&old) {
            fs::rename(&old, &self.target)?;
        }
        let prefix = format!("{}.new-", self.name);
        for entry in fs::read_dir(&self.work)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_prefix(&prefix) else { continue };
            let swapped = exists(&self.target) && id != "any" && id != self.target_id();
            if swapped {
                // Killed between the exchange and the rename that follows it: this is the old tree.
                if exists(&old) {
                    self.finish(None)?;
                }
                fs::rename(entry.path(), &old)?;
            } else {
                remove_tree(&entry.path())?;
            }
        }
        if exists(&old) {
            self.finish(None)?;
        }
        Ok(())
    }

    /// Puts the staged tree in place of the output folder.
    pub fn commit(&self, staged: &Path) -> io::Result<Committed> {
        let old = self.slot("old");
        if !exists(&self.target) {
            fs::rename(staged, &self.target)?;
            return Ok(Committed::Swapped { had_old: false });
        }
        match fsx::exchange(&self.target, staged) {
            Ok(()) => {
                fs::rename(staged, &old)?;
                return Ok(Committed::Swapped { had_old: true });
            }
            Err(e) if cannot_rename(&e) => return Ok(Committed::CannotRename),
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
            Err(e) => return Err(e),
        }
        // Two renames: a run killed between them finds the output folder missing and the old
        // tree in the `old` slot, and `recover` puts it back.
        match fs::rename(&self.target, &old) {
            Ok(()) => {}
            Err(e) if cannot_rename(&e) => return Ok(Committed::CannotRename),
            Err(e) => return Err(e),
        }
        if let Err(e) = fs::rename(staged, &self.target) {
            fs::rename(&old, &self.target)?;
            return Err(e);
        }
        Ok(Committed::Swapped { had_old: true })
    }

    /// After a swap: carries the user's files over from the old tree (see [`reconcile`]) and
    /// removes it.
    pub fn finish(&self, placed: Option<&Placed>) -> io::Result<()> {
        let (old, trash) = (self.slot("old"), self.slot("trash"));
        reconcile(&old, &self.target, placed)?;
        fs::rename(&old, &trash)?;
        remove_tree(&trash)
    }
}

/// Brings the user's files from the old tree `old` into the output folder `target`, where they
/// changed in the old tree after being placed in the new one (`placed`: their identities then).
/// A file created, replaced or removed in the old tree while the build ran is created, replaced
/// or removed in the output folder too, unless the output folder's copy changed since the swap
/// (then that copy is newer). Without `placed` (an interrupted run), only files the output
/// folder lacks are brought over: nothing is lost.
fn reconcile(old: &Path, target: &Path, placed: Option<&Placed>) -> io::Result<()> {
    let Some(folder) = tree::scan(old)? else { return Ok(()) };
    for d in &folder.user_dirs {
        if !exists(&target.join(d)) {
            fs::create_dir_all(target.join(d))?;
        }
    }
    let mut seen = HashSet::new();
    for f in &folder.user_files {
        seen.insert(f.as_str());
        let (from, to) = (old.join(f), target.join(f));
        let Ok(from_meta) = fs::symlink_metadata(&from) else { continue };
        let there = fs::symlink_metadata(&to).ok();
        let bring = match placed.map(|p| p.get(f)) {
            None | Some(None) => there.is_none(),
            Some(Some(id)) if *id == fsx::identity(&from_meta) => false,
            Some(Some(id)) => there.as_ref().is_some_and(|t| fsx::identity(t) == *id),
        };
        if bring {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            if fs::rename(&from, &to).is_err() {
                fsx::link_or_copy(&from, &to)?;
            }
        }
    }
    for (f, id) in placed.into_iter().flatten() {
        // Removed from the old tree while the build ran, and untouched in the new one since.
        if !seen.contains(f.as_str()) && id.is_some() && fsx::identity_of(&target.join(f)) == *id {
            fs::remove_file(target.join(f))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fsx::write;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("folio-place-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn read(p: &Path) -> Option<String> {
        fs::read_to_string(p).ok()
    }

    #[test]
    #[cfg(unix)]
    fn reconcile_carries_over_what_changed_in_the_old_tree_during_the_build() {
        let dir = temp("reconcile");
        let (old, new) = (dir.join("old"), dir.join("new"));
        write(&old.join(tree::MARKER), tree::manifest(["index.html"]).as_bytes()).unwrap();
        for f in ["index.html", "replaced", "removed", "unchanged", "both"] {
            write(&old.join(f), b"before").unwrap();
        }
        // The new tree as staged: the user's files linked.
        write(&new.join("index.html"), b"new page").unwrap();
        let mut placed = Placed::new();
        for f in ["replaced", "removed", "unchanged", "both"] {
            fsx::link_or_copy(&old.join(f), &new.join(f)).unwrap();
            placed.insert(f.to_string(), fsx::identity_of(&new.join(f)));
        }
        // While the build ran, in the old tree: a file replaced (git writes a lock file and
        // renames it), one created, one removed.
        for f in ["replaced", "both"] {
            write(&old.join("tmp"), b"after").unwrap();
            fs::rename(old.join("tmp"), old.join(f)).unwrap();
        }
        write(&old.join("created/deep"), b"created").unwrap();
        fs::remove_file(old.join("removed")).unwrap();
        // After the swap, in the new tree: a file replaced again (that copy is the newest).
        write(&new.join("tmp"), b"newest").unwrap();
        fs::rename(new.join("tmp"), new.join("both")).unwrap();
        reconcile(&old, &new, Some(&placed)).unwrap();
        assert_eq!(read(&new.join("replaced")).as_deref(), Some("after"));
        assert_eq!(read(&new.join("created/deep")).as_deref(), Some("created"));
        assert_eq!(read(&new.join("removed")), None);
        assert_eq!(read(&new.join("unchanged")).as_deref(), Some("before"));
        assert_eq!(read(&new.join("both")).as_deref(), Some("newest"));
        assert_eq!(read(&new.join("index.html")).as_deref(), Some("new page"), "folio's files are not the user's");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn recover_tells_a_swapped_out_old_tree_from_a_half_built_new_one() {
        let dir = temp("recover");
        let target = dir.join("public");
        write(&target.join(tree::MARKER), tree::manifest(["index.html"]).as_bytes()).unwrap();
        write(&target.join("index.html"), b"old page").unwrap();
        write(&target.join("CNAME"), b"example.com").unwrap();
        let place = Place::new(&target).unwrap();
        // Killed while staging: the half-built tree goes, the output folder stays.
        let staging = place.staging().unwrap();
        write(&staging.join("index.html"), b"half").unwrap();
        place.recover().unwrap();
        assert!(!exists(&staging));
        assert_eq!(read(&target.join("index.html")).as_deref(), Some("old page"));
        // Killed right after the swap: the staging folder holds the old tree, with a file the
        // user wrote there during the build; it is carried over.
        let staging = place.staging().unwrap();
        write(&staging.join(tree::MARKER), tree::manifest(["index.html"]).as_bytes()).unwrap();
        write(&staging.join("index.html"), b"new page").unwrap();
        write(&staging.join("CNAME"), b"example.com").unwrap();
        write(&target.join("written-during-the-build"), b"mine").unwrap();
        if fsx::exchange(&target, &staging).is_err() {
            fs::remove_dir_all(&dir).unwrap();
            return; // no exchange on this system: the two-step case is below
        }
        place.recover().unwrap();
        assert_eq!(read(&target.join("index.html")).as_deref(), Some("new page"));
        assert_eq!(read(&target.join("written-during-the-build")).as_deref(), Some("mine"));
        // Killed between the two renames of the fallback: the old tree is put back.
        fs::rename(&target, place.slot("old")).unwrap();
        place.recover().unwrap();
        assert_eq!(read(&target.join("index.html")).as_deref(), Some("new page"));
        let left: Vec<_> = fs::read_dir(&place.work).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

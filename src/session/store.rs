//! serve's store of rendered files (issue 17): every file a serve session renders is written
//! once, under the [`Digest`] of its bytes, to `.folio/serve/<session>/objects/<xx>/<hash>`
//! (`xx` the hash's first byte: 256 folders, so render threads writing at once seldom wait on
//! one folder's lock, as in the image cache). The job records and the snapshots keep only
//! digests, so serve holds no page in memory; requests read the files back, and the operating
//! system's page cache is the bounded cache in front of them.
//!
//! Lifetime. Each session has its own folder and holds `.folio/serve/<session>.lock` locked
//! (`File::lock`) while it lives; opening a store removes every other session's folder whose
//! lock it can take (that serve was killed, or crashed), so two serves of one site do not touch
//! each other's files. Dropping the store removes its folder (serve's Ctrl-C, the end of a
//! test's session).
//!
//! Collecting. After each new snapshot the session keeps the objects the new and the previous
//! snapshot name and deletes the rest ([`Store::collect`]): a request that picked up the
//! previous snapshot just before still finds its file. Objects are only ever deleted when no
//! live snapshot names them, and a file being read on Windows is opened with delete sharing
//! (std's default), so a deletion never breaks a request.
//!
//! `.folio/` is skipped by the watcher and by every walk of the site's files, so nothing here is
//! rebuilt on or published. One of the places that touch the file system (ARCHITECTURE.md,
//! invariant 1).

use crate::diag::{Diagnostic, Kind};
use crate::hash::Digest;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Sessions opened by this process: part of each session's name, beside the process id.
static NEXT_SESSION: AtomicU64 = AtomicU64::new(0);

/// A session folder with no lock file beside it this long after it last changed is a leftover
/// (its serve was killed while it removed another's folder); a younger one may be starting.
const ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// One serve session's rendered files on disk.
#[derive(Debug)]
pub struct Store {
    /// `.folio/serve/<session>`.
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held locked while the session lives; closed before the lock file is removed.
    lock: Option<fs::File>,
    /// The objects written and not collected, by hash.
    present: Mutex<HashSet<u128>>,
}

impl Store {
    /// A new, empty store for a session of the site at `root`, after removing the folders of
    /// sessions that are gone.
    pub fn open(root: &Path) -> io::Result<Store> {
        let parent = root.join(".folio").join("serve");
        fs::create_dir_all(&parent)?;
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let name = format!("{}-{:x}-{}", std::process::id(), since_epoch.as_millis(), NEXT_SESSION.fetch_add(1, Ordering::Relaxed));
        let lock_path = parent.join(format!("{name}.lock"));
        let lock = fs::OpenOptions::new().write(true).create_new(true).open(&lock_path)?;
        lock.lock()?;
        // Another serve starting this instant may have taken the lock in the moment before it
        // was ours and removed the file: then this session would look like a leftover.
        if !lock_path.is_file() {
            return Err(io::Error::other("its lock file was removed while it was created; start serve again"));
        }
        let dir = parent.join(&name);
        fs::create_dir(&dir)?;
        remove_leftovers(&parent, &name);
        Ok(Store { dir, lock_path, lock: Some(lock), present: Mutex::new(HashSet::new()) })
    }

    /// The session's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the object under `digest` is kept.
    pub fn object(&self, digest: Digest) -> PathBuf {
        let hex = digest.hex();
        self.dir.join("objects").join(&hex[..2]).join(hex)
    }

    fn present(&self) -> std::sync::MutexGuard<'_, HashSet<u128>> {
        self.present.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `bytes` under `digest`, whole or not at all; returns whether it wrote them (bytes
    /// kept already are not written again).
    pub fn put(&self, digest: Digest, bytes: &[u8]) -> io::Result<bool> {
        // Claimed before writing, so two threads with the same bytes write once; released if
        // the write fails, so the next run tries again.
        if !self.present().insert(digest.hash) {
            return Ok(false);
        }
        let written = crate::fsx::write_whole(&self.object(digest), bytes);
        if written.is_err() {
            self.present().remove(&digest.hash);
        }
        written.map(|()| true)
    }

    /// Opens the object under `digest` for reading.
    pub fn open_object(&self, digest: Digest) -> io::Result<fs::File> {
        fs::File::open(self.object(digest))
    }

    /// The bytes kept under `digest`.
    pub fn read(&self, digest: Digest) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(usize::try_from(digest.len).unwrap_or(0));
        self.open_object(digest)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Deletes every object whose hash `live` does not hold; returns how many. An object that
    /// cannot be deleted now is tried again next time.
    pub fn collect(&self, live: &HashSet<u128>) -> usize {
        let mut present = self.present();
        let dead: Vec<u128> = present.iter().filter(|h| !live.contains(h)).copied().collect();
        let mut deleted = 0;
        for hash in dead {
            match fs::remove_file(self.object(Digest { hash, len: 0 })) {
                Ok(()) => deleted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(_) => continue,
            }
            present.remove(&hash);
        }
        deleted
    }

    /// How many objects the store holds.
    pub fn len(&self) -> usize {
        self.present().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes the session's folder and lock file (and `.folio/serve/` when no other session
    /// is in it): serve calls it on Ctrl-C, when requests have ended but snapshots may still be
    /// held; dropping the store does it too. Nothing can be read from the store afterwards.
    pub fn close(&self) {
        self.present().clear();
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_file(&self.lock_path);
        if let Some(parent) = self.dir.parent() {
            let _ = fs::remove_dir(parent);
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Closed first: Windows removes an open file only when its last handle closes.
        drop(self.lock.take());
        self.close();
    }
}

/// Removes, under `parent`, the folders of sessions other than `own` that are gone: whose lock
/// file can be locked (no process holds it), or that have no lock file and are old.
fn remove_leftovers(parent: &Path, own: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let names: Vec<String> = entries.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect();
    for name in &names {
        if let Some(session) = name.strip_suffix(".lock") {
            if session == own {
                continue;
            }
            let path = parent.join(name);
            let Ok(file) = fs::OpenOptions::new().write(true).open(&path) else { continue };
            if file.try_lock().is_ok() {
                let _ = fs::remove_dir_all(parent.join(session));
                drop(file);
                let _ = fs::remove_file(&path);
            }
        } else if name != own && !name.starts_with('.') && !names.contains(&format!("{name}.lock")) {
            let path = parent.join(name);
            let old = fs::metadata(&path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > ORPHAN_AGE);
            if old && path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            }
        }
    }
}

impl crate::pipeline::Store for Store {
    fn put(&self, digest: Digest, bytes: &[u8]) -> Result<(), Diagnostic> {
        Store::put(self, digest, bytes).map(|_| ()).map_err(|e| problem(&self.object(digest), "write", &e))
    }

    fn get(&self, digest: Digest) -> Result<Vec<u8>, Diagnostic> {
        self.read(digest).map_err(|e| problem(&self.object(digest), "read", &e))
    }
}

fn problem(path: &Path, op: &str, e: &io::Error) -> Diagnostic {
    crate::fsx::io_diag(path, op, e)
        .with_help("folio serve keeps the pages it renders in this folder: check that the disk has room and the folder is writable, then save a file to rebuild (or restart serve)")
        .kind(Kind::Output)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("folio-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn objects(store: &Store) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(store.dir())
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn same_bytes_are_one_object_written_once() {
        let root = site("once");
        let store = Store::open(&root).unwrap();
        let a = Digest::of(b"<p>a</p>");
        assert!(store.put(a, b"<p>a</p>").unwrap());
        assert!(!store.put(a, b"<p>a</p>").unwrap(), "the same bytes are not written again");
        // Not written again even when the file changed on disk: the hash names the bytes.
        let modified = fs::metadata(store.object(a)).unwrap().modified().unwrap();
        assert!(!store.put(a, b"<p>a</p>").unwrap());
        assert_eq!(fs::metadata(store.object(a)).unwrap().modified().unwrap(), modified);
        assert_eq!(store.read(a).unwrap(), b"<p>a</p>");
        let b = Digest::of(b"<p>b</p>");
        store.put(b, b"<p>b</p>").unwrap();
        let mut both = vec![a.hex(), b.hex()];
        both.sort();
        assert_eq!(objects(&store), both);
        assert_eq!(store.len(), 2);
        // No `:` or other name Windows refuses; no temporary file left behind.
        assert!(objects(&store).iter().all(|n| n.len() == 32 && n.bytes().all(|c| c.is_ascii_hexdigit())));
        drop(store);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn collecting_keeps_live_objects_only() {
        let root = site("collect");
        let store = Store::open(&root).unwrap();
        let [a, b, c] = [&b"a"[..], b"b", b"c"].map(Digest::of);
        for (d, bytes) in [(a, b"a"), (b, b"b"), (c, b"c")] {
            store.put(d, bytes).unwrap();
        }
        let live: HashSet<u128> = [a.hash, c.hash].into();
        assert_eq!(store.collect(&live), 1);
        assert!(store.object(a).is_file() && store.object(c).is_file());
        assert!(!store.object(b).exists(), "an object no snapshot names is deleted");
        // Collected bytes that come back are written again.
        assert!(store.put(b, b"b").unwrap());
        assert_eq!(store.read(b).unwrap(), b"b");
        assert_eq!(store.collect(&HashSet::new()), 3);
        assert!(store.is_empty());
        drop(store);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_dropped_store_is_removed_and_a_dead_sessions_folder_is_cleaned_at_start() {
        let root = site("lifetime");
        let first = Store::open(&root).unwrap();
        first.put(Digest::of(b"x"), b"x").unwrap();
        let first_dir = first.dir().to_path_buf();
        // A second session of the same site: the first is alive (its lock is held).
        let second = Store::open(&root).unwrap();
        assert!(first_dir.is_dir(), "a live session's folder is left alone");
        assert_ne!(second.dir(), first_dir);
        drop(second);
        // A session that was killed: its folder and an unlocked lock file remain.
        let dead = root.join(".folio/serve/1-dead-0");
        fs::create_dir_all(dead.join("objects/ab")).unwrap();
        fs::write(dead.join("objects/ab/ab00"), b"old").unwrap();
        fs::write(root.join(".folio/serve/1-dead-0.lock"), b"").unwrap();
        let third = Store::open(&root).unwrap();
        assert!(!dead.exists(), "a dead session's folder is removed");
        assert!(!root.join(".folio/serve/1-dead-0.lock").exists());
        assert!(first_dir.is_dir());
        drop(third);
        drop(first);
        assert!(!first_dir.exists(), "a dropped store removes its folder");
        assert!(!root.join(".folio/serve").exists(), "and the serve folder once it is empty");
        let _ = fs::remove_dir_all(&root);
    }
}

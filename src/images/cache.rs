//! The image cache, `.folio/cache/images/` under the site: every made file (a resized copy, a
//! social card) under a hash of everything it is made from — the source's bytes, the
//! options, [`super::CODEC_VERSION`] — so a second build re-encodes nothing and an edit to an
//! image makes new copies of that image only. Also why a source could not be decoded
//! (`<key>.error`, the message), so serve and build report a damaged image alike without
//! decoding it again.
//!
//! Safe to share: `folio serve` and `folio build` may use one cache at the same time. Each file
//! is written whole under a temporary name unique to the writer and renamed into place, so a
//! reader sees no file or a whole one; two writers of one key write the same bytes. Deleting
//! the folder is always safe (it is made again).
//!
//! One of the places allowed to touch the file system (ARCHITECTURE.md, invariant 1).

use std::io;
use std::path::{Path, PathBuf};

/// The cache folder of a site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the site at `root`.
    pub fn of_site(root: &Path) -> Cache {
        Cache { dir: root.join(".folio").join("cache").join("images") }
    }

    /// Where the file made under `key` is kept: in one of 256 folders by the key's first byte,
    /// so threads writing at once seldom wait for one folder's lock (a cold 10,000-page build
    /// writes 10,000 cards; in one folder, a tenth of its time went to waiting).
    pub fn file(&self, key: u64, extension: &str) -> PathBuf {
        self.dir.join(format!("{:02x}", key >> 56)).join(format!("{key:016x}.{extension}"))
    }

    /// Whether the file made under `key` is there.
    pub fn has(&self, key: u64, extension: &str) -> bool {
        self.file(key, extension).is_file()
    }

    /// Keeps `bytes` under `key` (whole, or not at all).
    pub fn put(&self, key: u64, extension: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let dest = self.file(key, extension);
        self.write_whole(&dest, bytes)?;
        Ok(dest)
    }

    /// Why the source under `key` could not be used, when an earlier run found out.
    pub fn error(&self, key: u64) -> Option<String> {
        std::fs::read_to_string(self.file(key, "error")).ok()
    }

    /// Notes why the source under `key` could not be used.
    pub fn put_error(&self, key: u64, why: &str) -> io::Result<()> {
        self.write_whole(&self.file(key, "error"), why.as_bytes())
    }

    fn write_whole(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        crate::fsx::write_whole(dest, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_and_errors_under_their_keys() {
        let dir = std::env::temp_dir().join(format!("folio-image-cache-{}", std::process::id()));
        let cache = Cache::of_site(&dir);
        assert!(!cache.has(7, "webp"));
        let p = cache.put(7, "webp", b"RIFF").unwrap();
        assert!(cache.has(7, "webp"));
        assert_eq!(std::fs::read(p).unwrap(), b"RIFF");
        assert_eq!(cache.error(9), None);
        cache.put_error(9, "it is damaged").unwrap();
        assert_eq!(cache.error(9).as_deref(), Some("it is damaged"));
        // Different folders by the key's first byte; no temporary file is left behind.
        assert_ne!(cache.file(7, "webp").parent(), cache.file(u64::MAX, "webp").parent());
        cache.put(u64::MAX, "webp", b"RIFF").unwrap();
        let names: Vec<String> =
            walkdir::WalkDir::new(dir.join(".folio/cache/images")).into_iter().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names.iter().filter(|n| n.ends_with(".webp")).count(), 2, "{names:?}");
        assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! File-system wrappers. Every I/O error names its path, and output is swapped in atomically:
//! a failed build never leaves a half-written output folder (ARCHITECTURE.md, invariant 3).

use crate::diag::{Diagnostic, Kind};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Content files larger than this are refused: no article is 8 MiB of text.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a UTF-8 text file, naming the path (relative to `root`) in any error.
pub fn read_text(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    let shown = crate::diag::relative(path, root);
    let meta = fs::metadata(path).map_err(|e| io_diag(&shown, "read", &e))?;
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::file(&shown, format!("file is {} bytes, over the limit of {MAX_SOURCE_BYTES} bytes", meta.len()))
            .with_help("split it into smaller files, or move large assets to static/")
            .kind(Kind::Read));
    }
    let bytes = fs::read(path).map_err(|e| io_diag(&shown, "read", &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        Diagnostic::at_offset(&shown, &valid, offset, "file is not valid UTF-8 text")
            .with_help("save the file with UTF-8 encoding in your editor")
            .kind(Kind::Read)
    })?;
    // Normalise Windows line endings once so every later position is consistent.
    Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text })
}

/// A file that could not be read or written (`op`); a [`Kind::Read`] problem unless the caller
/// says otherwise.
pub fn io_diag(path: &Path, op: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::file(path, format!("could not {op} file: {e}")).with_help("check that the path exists and that you have permission to use it").kind(Kind::Read)
}

/// Output goes to `<target>` by way of a sibling staging folder.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder next to `target`.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging { dir, target: target.to_path_buf() })
    }

    /// Swaps the staging folder in as the target; the old target is removed afterwards.
    pub fn commit(self) -> io::Result<()> {
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Writes `bytes` to `path`, creating parent folders.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_swaps_and_drop_cleans_up() {
        let tmp = std::env::temp_dir().join(format!("folio-fsx-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let target = tmp.join("public");
        write(&target.join("old.txt"), b"old").unwrap();
        {
            let s = Staging::new(&target).unwrap();
            write(&s.dir.join("new.txt"), b"new").unwrap();
            // dropped without commit
        }
        assert!(target.join("old.txt").exists());
        assert_eq!(fs::read_dir(&tmp).unwrap().count(), 1, "staging folder removed");
        let s = Staging::new(&target).unwrap();
        write(&s.dir.join("new.txt"), b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("old.txt").exists());
        assert!(target.join("new.txt").exists());
        assert_eq!(fs::read_dir(&tmp).unwrap().count(), 1);
        fs::remove_dir_all(&tmp).unwrap();
    }
}

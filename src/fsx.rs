//! File-system wrappers: reads that name their path, and the few calls that differ between
//! systems (file identity, swapping two folders, hard links, syncing a folder), each in a small
//! `#[cfg]`-gated function so the rest of folio stays portable.

use crate::diag::{Diagnostic, Kind};
use std::fs;
use std::io;
use std::path::Path;

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

/// A file's identity: see [`identity`].
pub type Id = (u64, u64);

/// What identifies a file or folder on disk (device and inode on Unix): two paths with the same
/// identity are hard links to one file, and a folder keeps its identity when renamed. `None`
/// where the system gives no such number; callers then assume "unchanged".
#[cfg(unix)]
pub fn identity(meta: &fs::Metadata) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// See the Unix version: no stable identity is read here yet.
#[cfg(not(unix))]
pub fn identity(_meta: &fs::Metadata) -> Option<Id> {
    None
}

/// The identity of whatever `path` names (not following a final symbolic link).
pub fn identity_of(path: &Path) -> Option<Id> {
    fs::symlink_metadata(path).ok().as_ref().and_then(identity)
}

/// Swaps two folders in one step: each name then holds what the other held, and no one can see
/// a moment where either is missing. Linux's `renameat2(RENAME_EXCHANGE)`; an error of kind
/// `Unsupported` where the system or the file system cannot do it.
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|e| match e {
        // Old kernels (ENOSYS) and file systems without the flag (EINVAL: FAT, exFAT, some
        // network file systems) cannot exchange.
        Errno::NOSYS | Errno::INVAL | Errno::OPNOTSUPP => io::Error::new(io::ErrorKind::Unsupported, e),
        e => io::Error::from(e),
    })
}

/// See the Linux version: elsewhere folio replaces folders in two renames.
#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Makes `to` the same file as `from`: a hard link where the file system allows one (the file
/// keeps its bytes, modification time and identity), else a copy that keeps the modification
/// time. A symbolic link is recreated as a link.
pub fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        return copy_symlink(from, to);
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    if let Ok(modified) = meta.modified() {
        fs::File::options().write(true).open(to)?.set_modified(modified)?;
    }
    Ok(())
}

#[cfg(unix)]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(from)?, to)
}

/// Elsewhere a symbolic link is copied as the file it points to.
#[cfg(not(unix))]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to).map(drop)
}

/// Makes a folder's own entry (a file created or renamed in it) survive a power cut.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Elsewhere folders cannot be opened to be synced; their entries are as durable as the system
/// makes them.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
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
    fn links_keep_identity_and_exchange_swaps_folders() {
        let tmp = std::env::temp_dir().join(format!("folio-fsx-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        write(&tmp.join("a/file.txt"), b"a").unwrap();
        write(&tmp.join("b/other.txt"), b"b").unwrap();
        link_or_copy(&tmp.join("a/file.txt"), &tmp.join("b/link.txt")).unwrap();
        assert_eq!(fs::read(tmp.join("b/link.txt")).unwrap(), b"a");
        assert_eq!(identity_of(&tmp.join("a/file.txt")), identity_of(&tmp.join("b/link.txt")));
        match exchange(&tmp.join("a"), &tmp.join("b")) {
            Ok(()) => {
                assert!(tmp.join("a/other.txt").exists() && tmp.join("b/file.txt").exists());
            }
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::Unsupported, "{e}"),
        }
        fs::remove_dir_all(&tmp).unwrap();
    }
}

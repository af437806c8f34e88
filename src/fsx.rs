//! File-system wrappers. Every I/O error names its path, and output is swapped in atomically:
//! a failed build never leaves a half-written output folder (ARCHITECTURE.md, invariant 3).

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

/// Writes `bytes` to `path`, creating parent folders.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, bytes)
}

/// A file's identity: see [`identity`].
pub type Id = (u64, u64);

/// What identifies a file on disk (device and inode on Unix): a store replaced or moved away
/// under the same path has another identity. `None` where the system gives no such number.
#[cfg(unix)]
pub fn identity(meta: &fs::Metadata) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// See the Unix version: no stable identity is read here.
#[cfg(not(unix))]
pub fn identity(_meta: &fs::Metadata) -> Option<Id> {
    None
}

/// The identity of whatever `path` names (not following a final symbolic link).
pub fn identity_of(path: &Path) -> Option<Id> {
    fs::symlink_metadata(path).ok().as_ref().and_then(identity)
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

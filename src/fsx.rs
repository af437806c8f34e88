//! File-system wrappers. Every I/O error names its path in plain words, and only regular files
//! are read: a named pipe, socket or device is refused before it is opened, and again by the
//! opened file's own metadata, so nothing swapped in between can make a read hang or run
//! without end. What differs between systems (special files, opening without following a link
//! or waiting, the error a link loop gives) is in the small `platform` functions at the end.

use crate::diag::{Diagnostic, Kind};
use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// Resident and peak resident memory of this process in MB, where the system says (Linux):
/// for `FOLIO_TIMINGS`, to place a build's peak.
pub fn memory_mb() -> Option<(u64, u64)> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().ok().map(|kb| kb / 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Content files larger than this are refused: no article is 8 MiB of text.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// What a folder entry (or an opened file) is, as far as folio cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Folder,
    Link,
    Fifo,
    Socket,
    Device,
    /// Anything else the system has (a door, a whiteout…).
    Other,
}

impl FileKind {
    /// The kind of a file type from `symlink_metadata` or `DirEntry::file_type` (links not
    /// followed).
    pub fn of(t: fs::FileType) -> FileKind {
        if t.is_symlink() {
            FileKind::Link
        } else if t.is_dir() {
            FileKind::Folder
        } else if t.is_file() {
            FileKind::File
        } else {
            platform::special_kind(t)
        }
    }

    /// The kind in words, for messages: "a named pipe (FIFO)".
    pub fn described(self) -> &'static str {
        match self {
            FileKind::File => "a file",
            FileKind::Folder => "a folder",
            FileKind::Link => "a symbolic link",
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::Socket => "a socket",
            FileKind::Device => "a device",
            FileKind::Other => "a special file",
        }
    }

    /// A named pipe, socket, device or other file that is neither a regular file, a folder
    /// nor a link: never read.
    pub fn is_special(self) -> bool {
        matches!(self, FileKind::Fifo | FileKind::Socket | FileKind::Device | FileKind::Other)
    }
}

/// Why a file was not opened.
#[derive(Debug)]
pub enum OpenError {
    /// It is not a regular file (checked before opening, and on the opened file).
    NotRegular(FileKind),
    Io(io::Error),
}

impl OpenError {
    /// In plain words, for messages.
    pub fn plain(&self) -> String {
        match self {
            OpenError::NotRegular(kind) => format!("it is {}, not a regular file", kind.described()),
            OpenError::Io(e) => plain(e),
        }
    }
}

/// Opens `path` for reading if it is a regular file, and returns it with its metadata. A final
/// symbolic link is not followed (callers open the resolved path), a special file is refused
/// before it is opened (opening some devices does something), and the file is opened without
/// waiting, so a named pipe swapped in after the check cannot make this hang; the opened file's
/// own metadata is checked again.
pub fn open_regular(path: &Path) -> Result<(fs::File, fs::Metadata), OpenError> {
    let before = fs::symlink_metadata(path).map_err(OpenError::Io)?;
    let kind = FileKind::of(before.file_type());
    if kind != FileKind::File {
        return Err(OpenError::NotRegular(kind));
    }
    let file =
        platform::open_no_follow_no_wait(path)
            .map_err(|e| if platform::is_link_loop(&e) { OpenError::NotRegular(FileKind::Link) } else { OpenError::Io(e) })?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    let kind = FileKind::of(meta.file_type());
    if kind != FileKind::File {
        return Err(OpenError::NotRegular(kind));
    }
    Ok((file, meta))
}

/// Reads the UTF-8 text file `path` (a resolved path: no link is followed), naming it `shown`
/// in any problem. Only regular files of at most [`MAX_SOURCE_BYTES`] are read, and never more
/// than that many bytes, even from a file that grows while it is read.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let (file, meta) = open_regular(path).map_err(|e| open_diag(shown, &e))?;
    let too_big = |len: u64| {
        Diagnostic::file(shown, format!("file is {len} bytes, over the limit of {MAX_SOURCE_BYTES} bytes"))
            .with_help("split it into smaller files, or move large assets to static/")
            .kind(Kind::Read)
    };
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_diag(shown, "read", &e))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        Diagnostic::at_offset(shown, &valid, offset, "file is not valid UTF-8 text")
            .with_help("save the file with UTF-8 encoding in your editor")
            .kind(Kind::Read)
    })?;
    // Normalise Windows line endings once so every later position is consistent.
    Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text })
}

/// The problem of a file [`open_regular`] refused.
pub fn open_diag(shown: &Path, e: &OpenError) -> Diagnostic {
    match e {
        OpenError::NotRegular(kind) => special_diag(shown, *kind),
        OpenError::Io(e) => io_diag(shown, "read", e),
    }
}

/// The problem of a special file (a named pipe, socket, device) where a file was expected.
pub fn special_diag(shown: &Path, kind: FileKind) -> Diagnostic {
    Diagnostic::file(shown, format!("this is {}, not a regular file; folio reads only regular files", kind.described()))
        .with_help("delete it, or replace it with a regular file")
        .kind(Kind::Read)
}

/// A file that could not be read or written (`op`); a [`Kind::Read`] problem unless the caller
/// says otherwise.
pub fn io_diag(path: &Path, op: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::file(path, format!("could not {op} file: {}", plain(e)))
        .with_help("check that the path exists and that you have permission to use it")
        .kind(Kind::Read)
}

/// An I/O error in plain words, without the system's error number.
pub fn plain(e: &io::Error) -> String {
    if platform::is_link_loop(e) {
        return "its symbolic links lead round in a loop".into();
    }
    match e.kind() {
        io::ErrorKind::NotFound => "it does not exist".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotADirectory => "a part of its path is a file, not a folder".into(),
        io::ErrorKind::IsADirectory => "it is a folder".into(),
        io::ErrorKind::InvalidFilename => "its name is too long or not allowed here".into(),
        _ => without_error_number(&e.to_string()),
    }
}

/// "Stale file handle (os error 116)" → "stale file handle".
fn without_error_number(message: &str) -> String {
    let text = match message.rfind(" (os error ") {
        Some(i) if message.ends_with(')') => &message[..i],
        _ => message,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "an unknown error".into(),
    }
}

/// Whether `e` says a path's symbolic links lead round in a loop.
pub fn is_link_loop(e: &io::Error) -> bool {
    platform::is_link_loop(e)
}

/// Writes `bytes` to `path`, creating parent folders.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, bytes)
}

/// Temporary names for [`write_whole`]: process id and a counter, so no two writers share one.
static NEXT_TEMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` to `dest` whole or not at all: under a temporary name unique to this writer
/// in the same folder (made when missing), then renamed into place, so a reader sees no file or
/// a whole one and two writers of the same bytes cannot mix them. The image cache and serve's
/// store of rendered files write this way.
pub fn write_whole(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = dest.parent().unwrap_or(Path::new("."));
    if !folder.is_dir() {
        fs::create_dir_all(folder)?;
    }
    let n = NEXT_TEMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp = folder.join(format!(".tmp-{}-{n}", std::process::id()));
    let written = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, dest));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// What differs between systems, kept small so a port touches only this.
#[cfg(unix)]
mod platform {
    use super::FileKind;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    use std::{fs, io, path::Path};

    pub fn special_kind(t: fs::FileType) -> FileKind {
        if t.is_fifo() {
            FileKind::Fifo
        } else if t.is_socket() {
            FileKind::Socket
        } else if t.is_block_device() || t.is_char_device() {
            FileKind::Device
        } else {
            FileKind::Other
        }
    }

    /// `O_NOFOLLOW`: a final link fails with ELOOP instead of being followed. `O_NONBLOCK`: a
    /// named pipe opens at once instead of waiting for a writer (reading a regular file is not
    /// affected by the flag).
    pub fn open_no_follow_no_wait(path: &Path) -> io::Result<fs::File> {
        fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
    }

    pub fn is_link_loop(e: &io::Error) -> bool {
        e.raw_os_error() == Some(libc::ELOOP)
    }
}

/// Windows has no named pipes, sockets or devices among files; a link is a reparse point.
#[cfg(windows)]
mod platform {
    use super::FileKind;
    use std::os::windows::fs::OpenOptionsExt;
    use std::{fs, io, path::Path};

    /// `FILE_FLAG_OPEN_REPARSE_POINT`: open a link itself, never where it leads.
    const OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    /// `ERROR_CANT_RESOLVE_FILENAME`: too many reparse points (a link loop).
    const CANT_RESOLVE_FILENAME: i32 = 1921;

    pub fn special_kind(_: fs::FileType) -> FileKind {
        FileKind::Other
    }

    pub fn open_no_follow_no_wait(path: &Path) -> io::Result<fs::File> {
        fs::OpenOptions::new().read(true).custom_flags(OPEN_REPARSE_POINT).open(path)
    }

    pub fn is_link_loop(e: &io::Error) -> bool {
        e.raw_os_error() == Some(CANT_RESOLVE_FILENAME)
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    use super::FileKind;
    use std::{fs, io, path::Path};

    pub fn special_kind(_: fs::FileType) -> FileKind {
        FileKind::Other
    }

    pub fn open_no_follow_no_wait(path: &Path) -> io::Result<fs::File> {
        fs::File::open(path)
    }

    pub fn is_link_loop(_: &io::Error) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_in_plain_words() {
        assert_eq!(plain(&io::Error::from(io::ErrorKind::NotFound)), "it does not exist");
        assert_eq!(plain(&io::Error::from(io::ErrorKind::PermissionDenied)), "permission denied");
        assert_eq!(without_error_number("Stale file handle (os error 116)"), "stale file handle");
        assert_eq!(without_error_number("Odd (thing)"), "odd (thing)");
        assert!(!plain(&io::Error::from_raw_os_error(5)).contains("os error"));
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_are_recognised() {
        assert!(is_link_loop(&io::Error::from_raw_os_error(libc::ELOOP)));
        assert_eq!(plain(&io::Error::from_raw_os_error(libc::ELOOP)), "its symbolic links lead round in a loop");
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_open() {
        let dir = std::env::temp_dir().join(format!("folio-fsx-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.txt"), "a").unwrap();
        std::os::unix::fs::symlink("a.txt", dir.join("link")).unwrap();
        assert!(open_regular(&dir.join("a.txt")).is_ok());
        assert!(matches!(open_regular(&dir.join("link")), Err(OpenError::NotRegular(FileKind::Link))));
        assert!(matches!(open_regular(&dir), Err(OpenError::NotRegular(FileKind::Folder))));
        assert!(matches!(open_regular(Path::new("/dev/null")), Err(OpenError::NotRegular(FileKind::Device))));
        let shown = Path::new("x");
        assert!(read_text(Path::new("/dev/zero"), shown).unwrap_err().message.contains("a device, not a regular file"));
        fs::remove_dir_all(&dir).unwrap();
    }
}

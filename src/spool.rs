//! A build's scratch file: bytes that a build must keep from one stage to a later one but reads
//! only once or twice (packed page bodies from the Markdown step until the page renders, the
//! search index's documents until their files are written) go to disk instead of memory, so
//! peak memory grows with the site's sources and indexes, not with its rendered text (issue
//! 17: 100,000 pages in under 2 GB).
//!
//! The file has no name anyone can open: on Unix it is unlinked as soon as it is made, on
//! Windows it is deleted when closed, so neither a finished build nor a killed one leaves it
//! behind (a kill between making and unlinking leaves a `spool-*` file that
//! [`sweep`] removes on the next build). Writers reserve their range with one atomic add and
//! write at that offset, so render threads never wait on each other.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Where some bytes are in a [`Spool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub offset: u64,
    pub len: u32,
}

/// An anonymous scratch file (see the module comment).
#[derive(Debug)]
pub struct Spool {
    file: File,
    end: AtomicU64,
    /// The first read that failed (readers that cannot return an error note it here; the
    /// build checks [`Spool::failure`] before it publishes anything).
    failed: Mutex<Option<String>>,
}

/// The prefix of a spool's name while it has one.
const PREFIX: &str = "spool-";

impl Spool {
    /// A new, empty spool in `dir` (made if missing). `dir` should be on the disk the site is
    /// written to, not a memory-backed temporary folder.
    pub fn new_in(dir: &Path) -> io::Result<Spool> {
        fs::create_dir_all(dir)?;
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let name = format!("{PREFIX}{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = dir.join(name);
        let file = open_anonymous(&path)?;
        Ok(Spool { file, end: AtomicU64::new(0), failed: Mutex::new(None) })
    }

    /// Appends `bytes` and says where they are. Bytes over 4 GiB in one piece are refused.
    pub fn put(&self, bytes: &[u8]) -> io::Result<Span> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a piece of over 4 GiB"))?;
        let offset = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        write_all_at(&self.file, bytes, offset)?;
        Ok(Span { offset, len })
    }

    /// The bytes at `span`.
    pub fn get(&self, span: Span) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; span.len as usize];
        read_exact_at(&self.file, &mut buf, span.offset)?;
        Ok(buf)
    }

    /// Why a read failed, if one did (see [`Packed::bytes`]).
    pub fn failure(&self) -> Option<String> {
        self.failed.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Notes that a read or write failed (the first failure is kept).
    pub fn note_failure(&self, e: &io::Error) {
        self.failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(|| e.to_string());
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bytes kept for later: in memory, or in a [`Spool`].
#[derive(Clone)]
pub enum Packed {
    Held(Box<[u8]>),
    Spooled(Arc<Spool>, Span),
}

impl Default for Packed {
    fn default() -> Packed {
        Packed::Held(Box::default())
    }
}

impl Packed {
    /// The bytes. A spool that cannot be read gives no bytes and notes why in the spool, which
    /// fails the build (the callers, such as a template's view of a page body, have no way to
    /// return an error).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Packed::Held(b) => Cow::Borrowed(b),
            Packed::Spooled(spool, span) => match spool.get(*span) {
                Ok(b) => Cow::Owned(b),
                Err(e) => {
                    spool.note_failure(&e);
                    Cow::Borrowed(&[])
                }
            },
        }
    }

    /// Moves the bytes to `spool` (bytes already in a spool stay where they are). When the
    /// spool cannot take them they stay in memory, and the spool notes why (the build fails
    /// with that once it has rendered: see [`Spool::failure`]).
    pub fn spool(&mut self, spool: &Arc<Spool>) {
        if let Packed::Held(b) = self {
            if !b.is_empty() {
                match spool.put(b) {
                    Ok(span) => *self = Packed::Spooled(Arc::clone(spool), span),
                    Err(e) => spool.note_failure(&e),
                }
            }
        }
    }
}

impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Packed {}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Packed::Held(b) => write!(f, "Held({} bytes)", b.len()),
            Packed::Spooled(_, span) => write!(f, "Spooled({span:?})"),
        }
    }
}

/// Removes spools that a killed build left in `dir` while they still had a name. Only call it
/// while holding the lock of the build that uses `dir`.
pub fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(PREFIX) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn open_anonymous(path: &Path) -> io::Result<File> {
    let file = fs::OpenOptions::new().read(true).write(true).create_new(true).open(path)?;
    fs::remove_file(path)?;
    Ok(file)
}

#[cfg(windows)]
fn open_anonymous(path: &Path) -> io::Result<File> {
    use std::os::windows::fs::OpenOptionsExt;
    /// FILE_FLAG_DELETE_ON_CLOSE: the system deletes the file when its last handle closes,
    /// also when the process is killed.
    const DELETE_ON_CLOSE: u32 = 0x0400_0000;
    /// FILE_ATTRIBUTE_TEMPORARY: kept in memory as long as there is room.
    const TEMPORARY: u32 = 0x0000_0100;
    fs::OpenOptions::new().read(true).write(true).create_new(true).custom_flags(DELETE_ON_CLOSE).attributes(TEMPORARY).open(path)
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

// Windows' positioned calls move the file's cursor too; the spool never uses the cursor, and
// each call names its offset, so threads do not disturb each other.
#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(n) => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_as_written_from_many_threads_and_leave_no_file() {
        let dir = std::env::temp_dir().join(format!("folio-spool-test-{}", std::process::id()));
        let spool = Spool::new_in(&dir).expect("spool");
        let spans: Vec<(usize, Span)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let spool = &spool;
                    s.spawn(move || {
                        (0..200).map(|i| (t * 1000 + i, spool.put(format!("piece {t}-{i}").repeat(i % 7).as_bytes()).expect("put"))).collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
        });
        for (n, span) in spans {
            let (t, i) = (n / 1000, n % 1000);
            assert_eq!(spool.get(span).expect("get"), format!("piece {t}-{i}").repeat(i % 7).into_bytes());
        }
        assert!(!spool.is_empty());
        let spool = Arc::new(spool);
        let mut packed = Packed::Held(b"kept for later".to_vec().into_boxed_slice());
        packed.spool(&spool);
        assert!(matches!(packed, Packed::Spooled(..)));
        assert_eq!(&*packed.bytes(), b"kept for later");
        assert!(spool.failure().is_none());
        #[cfg(unix)]
        assert_eq!(fs::read_dir(&dir).expect("dir").count(), 0, "the spool has no name");
        drop(packed);
        drop(spool);
        sweep(&dir);
        let _ = fs::remove_dir_all(&dir);
    }
}

//! Contact-form submissions: appended durably and whole, one JSON line each, to
//! `<root>/.folio/submissions.jsonl`; read back by `folio submissions list` and
//! `folio submissions export --csv` (spreadsheet formulas neutralised, control characters
//! removed), and thinned by `folio submissions purge --older-than DURATION`.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The submissions file, relative to the site root.
pub const FILE: &str = ".folio/submissions.jsonl";

/// The form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fields {
    pub name: String,
    pub email: String,
    pub company: String,
    pub plan: String,
    pub message: String,
    /// The honeypot: people never see it, so only robots fill it in.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub website: String,
}

impl Fields {
    pub const NAMES: [&'static str; 6] = ["name", "email", "company", "plan", "message", "website"];

    /// Sets a field by its form name; other names are ignored.
    pub fn set(&mut self, name: &str, value: String) {
        match name {
            "name" => self.name = value,
            "email" => self.email = value,
            "company" => self.company = value,
            "plan" => self.plan = value,
            "message" => self.message = value,
            "website" => self.website = value,
            _ => {}
        }
    }
}

/// One stored submission (one line of the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub fields: Fields,
    pub spam: bool,
    #[serde(default)]
    pub user_agent: String,
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A unique, roughly time-ordered id: UTC timestamp, process and a per-process sequence.
fn new_id(now: time::OffsetDateTime) -> String {
    let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let salt = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(seq);
        h.write_i128(now.unix_timestamp_nanos());
        h.finish() as u32
    };
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z-{:x}-{seq}-{salt:08x}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        std::process::id()
    )
}

impl Record {
    pub fn new(fields: Fields, spam: bool, user_agent: &str) -> Record {
        let now = time::OffsetDateTime::now_utc();
        let received_at = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| now.unix_timestamp().to_string());
        let user_agent: String = user_agent.chars().take(512).collect();
        Record { id: new_id(now), received_at, fields, spam, user_agent }
    }
}

/// Appends records to the submissions file. Each append opens the file by its path and, once
/// it holds the file's lock (so two servers, or a purge, never interleave), checks that the path
/// still leads to the file it opened — so a store deleted, moved or replaced while the server
/// runs is noticed before the next write and created anew (0600 on Unix). It writes the line and
/// syncs it to disk before returning: an answered post is on disk, in the file that
/// `folio submissions` reads. A write that fails or falls short (a full disk) is cut back to the
/// file's length before it, so the file only ever holds whole lines and the post is refused.
pub struct Store {
    root: PathBuf,
    path: PathBuf,
    /// One append at a time within this process (the file lock orders processes).
    turn: Mutex<()>,
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store { root: root.to_path_buf(), path: root.join(FILE), turn: Mutex::new(()) }
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, record: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        let _turn = self.turn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The file can also be moved away while the line is written: then the line goes to the
        // file now at the path (the moved file keeps its copy, which is harmless).
        for _ in 0..3 {
            let (Locked { file, _lock }, created) = open_current(&self.path, true)?;
            append_whole(&file, &line).map_err(|e| named(e, &self.path))?;
            if created {
                if let Some(dir) = self.path.parent() {
                    sync_dir(dir).map_err(|e| named(e, dir))?;
                }
            }
            if still_at(&file, &self.path) {
                return Ok(());
            }
        }
        Err(named(io::Error::other("the file kept being replaced while a submission was written"), &self.path))
    }
}

/// Opens the submissions file at `path` (creating it and its folder, private, when `create`),
/// waits for its lock and makes sure it is still the file at `path`: one deleted, moved or
/// replaced while this waited (by a purge, a person, another server) is let go and the path
/// opened again. Also says whether the file was created.
fn open_current(path: &Path, create: bool) -> io::Result<(Locked, bool)> {
    for _ in 0..10 {
        let (locked, created) = open_locked(path, create)?;
        if still_at(&locked.file, path) {
            return Ok((locked, created));
        }
    }
    Err(named(io::Error::other("the file kept being replaced while it was opened"), path))
}

/// The store open, with its lock held. The lock is taken on a file beside the store
/// (`submissions.jsonl.lock`), not on the store itself: Windows refuses to replace a file that is
/// open, and a purge replaces the store while it holds the lock.
struct Locked {
    file: File,
    _lock: File,
}

/// Opens the submissions file at `path` for appending (creating it and its folder when
/// `create`) after waiting for its lock. Also says whether the file was created.
fn open_locked(path: &Path, create: bool) -> io::Result<(Locked, bool)> {
    if create {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| named(e, dir))?;
        }
    }
    let private = |options: &mut OpenOptions| {
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
        let _ = options;
    };
    if !create && !path.exists() {
        return Err(named(io::ErrorKind::NotFound.into(), path));
    }
    let lock_path = path.with_extension("jsonl.lock");
    let mut lock_options = OpenOptions::new();
    lock_options.read(true).write(true).create(true).truncate(false);
    private(&mut lock_options);
    let lock = lock_options.open(&lock_path).map_err(|e| named(e, &lock_path))?;
    lock.lock().map_err(|e| named(e, &lock_path))?;
    let existed = path.exists();
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(create);
    private(&mut options);
    let file = options.open(path).map_err(|e| named(e, path))?;
    Ok((Locked { file, _lock: lock }, create && !existed))
}

/// Whether `path` still names the open `file`: on Unix the handle's device and inode against
/// those of the file the path leads to (a symbolic link to the store is followed, as opening
/// it was), so a store deleted, moved or replaced since it was opened is noticed.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

/// Elsewhere std gives no stable file identity; the store is opened by its path before every
/// write (see [`Store::append`]), which is what notices a store deleted or moved between posts.
/// (On Windows an open file cannot be deleted or renamed unless it was opened to allow it.)
#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.is_file()
}

/// Makes a folder's own entry (the store created or renamed in it) survive a power cut.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Elsewhere folders cannot be opened to be synced; their entries are as durable as the system
/// makes them.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Appends `line` whole or not at all: on any error the file is cut back to its length before.
/// A file that does not end in a line break (a line cut short by a crash) gets one first, so
/// the new record starts a line of its own.
fn append_whole(mut file: &File, line: &[u8]) -> io::Result<()> {
    let len = file.metadata()?.len();
    let mut last = [b'\n'];
    if len > 0 {
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
    }
    let result = (|| {
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
        file.write_all(line)?;
        file.sync_data()
    })();
    if let Err(e) = result {
        // Cutting back needs no space; should it fail too, the next append starts a new line.
        let _ = file.set_len(len).and_then(|()| file.sync_data());
        return Err(e);
    }
    Ok(())
}

/// What a purge did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub removed: usize,
    pub kept: usize,
    /// Lines kept because they could not be read as submissions (or their date could not).
    pub unreadable: usize,
}

/// Removes the submissions received before `cutoff`. Under the store's lock, the records kept
/// are written to a new file beside it, synced, and renamed over it (then the folder is synced),
/// so the store is at every moment either the old file or the new one; a running server waits
/// for the lock, notices the file was replaced and appends to the new one. A store reached
/// through a symbolic link is replaced where it really is, and the link kept.
pub fn purge(root: &Path, cutoff: time::OffsetDateTime) -> io::Result<Purged> {
    let path = root.join(FILE);
    let mut purged = Purged::default();
    let (Locked { mut file, _lock }, _) = match open_current(&path, false) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(purged),
        Err(e) => return Err(e),
    };
    let target = std::fs::canonicalize(&path).map_err(|e| named(e, &path))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| named(e, &path))?;
    let mut kept = Vec::with_capacity(bytes.len());
    for line in lines(&bytes) {
        let received = std::str::from_utf8(line)
            .ok()
            .and_then(|l| serde_json::from_str::<Record>(l).ok())
            .and_then(|r| time::OffsetDateTime::parse(&r.received_at, &time::format_description::well_known::Rfc3339).ok());
        match received {
            Some(at) if at < cutoff => purged.removed += 1,
            Some(_) => purged.kept += 1,
            None => purged.unreadable += 1,
        }
        if received.is_none_or(|at| at >= cutoff) {
            kept.extend_from_slice(line);
            kept.push(b'\n');
        }
    }
    if purged.removed == 0 {
        return Ok(purged);
    }
    // Closed before it is replaced (Windows refuses otherwise); the lock stays held.
    drop(file);
    let tmp = target.with_extension("jsonl.purge-tmp");
    // A leftover of a purge that was killed: created anew, so it is private.
    let _ = std::fs::remove_file(&tmp);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut t| {
        t.write_all(&kept)?;
        t.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &target)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(named(e, &target));
    }
    if let Some(dir) = target.parent() {
        sync_dir(dir).map_err(|e| named(e, dir))?;
    }
    Ok(purged)
}

/// The store's lines without their line breaks, blank ones left out.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).filter(|l| !l.trim_ascii().is_empty())
}

fn named(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Every record in the file, with a message for each line that does not parse (a line cut
/// short by a crash, even in the middle of a character, costs only that line).
pub fn read_all(root: &Path) -> io::Result<(Vec<Record>, Vec<String>)> {
    let path = root.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(named(e, &path)),
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(r) => records.push(r),
            Err(e) => problems.push(format!("{FILE}:{}: skipped a line that is not a submission: {e}", i + 1)),
        }
    }
    Ok((records, problems))
}

/// Replaces control characters so stored text cannot drive the terminal.
fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn clip(s: &str, width: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= width {
        s
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A readable table of the records, newest last.
pub fn table(records: &[Record]) -> String {
    let header = ["RECEIVED (UTC)", "NAME", "EMAIL", "COMPANY", "PLAN", "SPAM", "MESSAGE"];
    let rows: Vec<[String; 7]> = records
        .iter()
        .map(|r| {
            let f = &r.fields;
            [
                clip(&r.received_at.replace('T', " ").trim_end_matches('Z').chars().take(19).collect::<String>(), 19),
                clip(&f.name, 24),
                clip(&f.email, 32),
                clip(&f.company, 20),
                clip(&f.plan, 16),
                if r.spam { "yes".into() } else { String::new() },
                clip(&f.message, 50),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let text: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(text.join("  ").trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

/// One CSV cell. Control characters are removed — ESC, BEL and every other C0 and C1 control
/// and DEL, which could drive a terminal that shows the file — except the two a spreadsheet
/// shows as text inside a quoted cell: line breaks (`\r\n` and a lone `\r` become `\n`) and
/// tabs; a cell holding either is always quoted. Then text a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@` or tab, also once the controls before it are gone) gets a
/// leading `'`, and the cell is quoted if it needs to be.
pub fn csv_cell(value: &str) -> String {
    let clean: String = value.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let mut v = String::with_capacity(clean.len() + 3);
    if clean.starts_with(['=', '+', '-', '@', '\t']) {
        v.push('\'');
    }
    v.push_str(&clean);
    if v.contains([',', '"', '\n', '\t']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The records as CSV (RFC 4180, CRLF line ends), with a header row. It starts with a UTF-8
/// byte order mark, without which Excel reads the file in the system's legacy code page and
/// shows non-ASCII names garbled.
pub fn csv(records: &[Record]) -> String {
    let mut out = String::from("\u{feff}id,received_at,name,email,company,plan,message,spam,user_agent\r\n");
    for r in records {
        let f = &r.fields;
        let cells =
            [r.id.as_str(), r.received_at.as_str(), &f.name, &f.email, &f.company, &f.plan, &f.message, if r.spam { "true" } else { "false" }, &r.user_agent];
        out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// What `folio submissions` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Table,
    Csv,
}

/// `folio submissions list` / `export --csv`.
pub fn run(root: &Path, output: Output) -> Result<(), u8> {
    let (records, problems) = read_all(root).map_err(|e| {
        eprintln!("error: could not read the submissions: {e}");
        1u8
    })?;
    for p in &problems {
        eprintln!("warning: {p}");
    }
    let mut stdout = io::stdout().lock();
    let text = match output {
        Output::Csv => csv(&records),
        Output::Table if records.is_empty() => {
            format!("No submissions yet ({} does not exist or is empty).\n", root.join(FILE).display())
        }
        Output::Table => {
            let spam = records.iter().filter(|r| r.spam).count();
            format!("{}\n{} submissions ({spam} marked as spam) in {}\n", table(&records), records.len(), root.join(FILE).display())
        }
    };
    stdout.write_all(text.as_bytes()).map_err(|e| {
        eprintln!("error: could not write the output: {e}");
        1u8
    })
}

/// `folio submissions purge --older-than DURATION`.
pub fn run_purge(root: &Path, older_than: std::time::Duration) -> Result<(), u8> {
    let now = time::OffsetDateTime::now_utc();
    let cutoff = time::Duration::try_from(older_than).ok().and_then(|d| now.checked_sub(d)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let purged = purge(root, cutoff).map_err(|e| {
        eprintln!("error: could not purge the submissions: {e}\n  = help: nothing was removed; check that the file is writable and the disk has space");
        1u8
    })?;
    let when = cutoff.replace_nanosecond(0).unwrap_or(cutoff).format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    say!(
        "Removed {} submission{} received before {when} ({} kept) from {}",
        purged.removed,
        if purged.removed == 1 { "" } else { "s" },
        purged.kept + purged.unreadable,
        root.join(FILE).display()
    );
    if purged.unreadable > 0 {
        eprintln!("warning: {} line(s) could not be read as submissions and were kept; `folio submissions list` names them", purged.unreadable);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_cell("+1-555"), "'+1-555");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("a\tb"), "\"a\tb\"", "a tab stays, inside quotes");
        assert_eq!(csv_cell("\rx"), "\"\nx\"");
        assert_eq!(csv_cell("a\r\nb"), "\"a\nb\"");
        assert_eq!(csv_cell("old\rmac"), "\"old\nmac\"", "a lone carriage return is a line break, not glue");
        assert_eq!(csv_cell("del\u{7f}nul\u{0}vt\u{b}ff\u{c}"), "delnulvtff");
        assert_eq!(csv_cell("Ada\u{1b}[31m\u{7}\u{9b}1m"), "Ada[31m1m", "ESC, BEL and C1 controls go");
        assert_eq!(csv_cell("\u{1b}=cmd"), "'=cmd", "a formula behind a control character is still neutralised");
        assert_eq!(csv_cell(" padded"), "\" padded\"");
        assert_eq!(csv_cell("a=b"), "a=b");
        assert_eq!(csv_cell(""), "");
    }

    fn record(name: &str, message: &str) -> Record {
        Record {
            id: "id1".into(),
            received_at: "2025-01-02T03:04:05.123Z".into(),
            fields: Fields { name: name.into(), email: "a@b.co".into(), message: message.into(), ..Fields::default() },
            spam: false,
            user_agent: "UA, 1.0".into(),
        }
    }

    #[test]
    fn csv_export_has_a_header_and_one_row_per_record() {
        let out = csv(&[record("=cmd|' /C calc'!A0", "hi, \"you\"\nbye")]);
        assert_eq!(
            out,
            "\u{feff}id,received_at,name,email,company,plan,message,spam,user_agent\r\n\
             id1,2025-01-02T03:04:05.123Z,'=cmd|' /C calc'!A0,a@b.co,,,\"hi, \"\"you\"\"\nbye\",false,\"UA, 1.0\"\r\n"
        );
    }

    #[test]
    fn table_is_aligned_and_printable() {
        let out = table(&[record("Ada\u{1b}[31m", "line one\nline two")]);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("RECEIVED (UTC)       NAME"), "{out}");
        assert!(lines[1].starts_with("2025-01-02 03:04:05  Ada [31m"), "{out}");
        assert!(lines[1].contains("line one line two"), "{out}");
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn store_appends_lines_that_read_back() {
        let dir = std::env::temp_dir().join(format!("folio-store-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::new(&dir);
        let a = Record::new(Fields { name: "A".into(), ..Fields::default() }, false, "ua");
        let b = Record::new(Fields { name: "B".into(), website: "spam".into(), ..Fields::default() }, true, "ua");
        store.append(&a).unwrap();
        store.append(&b).unwrap();
        std::fs::write(dir.join(".folio/other"), "").unwrap();
        let mut f = OpenOptions::new().append(true).open(store.path()).unwrap();
        f.write_all(b"not json\n").unwrap();
        let (records, problems) = read_all(&dir).unwrap();
        assert_eq!(records, vec![a.clone(), b]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains(":3:"), "{problems:?}");
        assert_ne!(records[0].id, records[1].id);
        assert!(time::OffsetDateTime::parse(&a.received_at, &time::format_description::well_known::Rfc3339).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn temp_site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("folio-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn named_record(name: &str) -> Record {
        Record::new(Fields { name: name.into(), ..Fields::default() }, false, "ua")
    }

    fn names(root: &Path) -> Vec<String> {
        read_all(root).unwrap().0.into_iter().map(|r| r.fields.name).collect()
    }

    #[test]
    fn a_store_deleted_or_replaced_while_serving_is_written_anew() {
        let dir = temp_site("replaced");
        let store = Store::new(&dir);
        store.append(&named_record("A")).unwrap();
        std::fs::remove_file(store.path()).unwrap();
        store.append(&named_record("B")).unwrap();
        assert_eq!(names(&dir), ["B"], "written to the new file, not the deleted one");
        std::fs::rename(store.path(), dir.join("moved.jsonl")).unwrap();
        std::fs::write(store.path(), "").unwrap();
        store.append(&named_record("C")).unwrap();
        assert_eq!(names(&dir), ["C"]);
        std::fs::remove_dir_all(dir.join(".folio")).unwrap();
        store.append(&named_record("D")).unwrap();
        assert_eq!(names(&dir), ["D"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A line cut short by a crash — even in the middle of a character — costs only that line:
    /// the next record starts a line of its own, `list` reads the rest, and a purge keeps the
    /// cut line as it was.
    #[test]
    fn a_line_cut_short_does_not_swallow_the_next_record() {
        for (name, cut) in [("cut", &b"{\"id\":\"half"[..]), ("cut-utf8", &b"{\"id\":\"caf\xc3"[..])] {
            let dir = temp_site(name);
            let store = Store::new(&dir);
            store.append(&named_record("A")).unwrap();
            let mut f = OpenOptions::new().append(true).open(store.path()).unwrap();
            f.write_all(cut).unwrap();
            // Closed first: Windows refuses to replace a file someone has open (purge then
            // fails and says so).
            drop(f);
            store.append(&named_record("B")).unwrap();
            let (records, problems) = read_all(&dir).unwrap();
            assert_eq!(records.iter().map(|r| r.fields.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
            assert_eq!(problems.len(), 1, "{problems:?}");
            let cutoff = time::OffsetDateTime::now_utc() + time::Duration::days(1);
            assert_eq!(purge(&dir, cutoff).unwrap(), Purged { removed: 2, kept: 0, unreadable: 1 });
            assert_eq!(std::fs::read(store.path()).unwrap(), [cut, b"\n"].concat(), "the unreadable line is kept as it was");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_store_reached_through_a_symbolic_link_is_written_and_purged_where_it_is() {
        let dir = temp_site("symlink");
        let elsewhere = dir.join("volume/leads.jsonl");
        std::fs::create_dir_all(dir.join("volume")).unwrap();
        std::fs::create_dir_all(dir.join(".folio")).unwrap();
        std::fs::write(&elsewhere, "").unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join(FILE)).unwrap();
        let store = Store::new(&dir);
        store.append(&Record { received_at: "2001-01-01T00:00:00Z".into(), ..named_record("old") }).unwrap();
        store.append(&named_record("new")).unwrap();
        assert_eq!(names(&dir), ["old", "new"]);
        assert_eq!(purge(&dir, time::macros::datetime!(2020-01-01 0:00 UTC)).unwrap().removed, 1);
        assert!(std::fs::symlink_metadata(dir.join(FILE)).unwrap().file_type().is_symlink(), "the link is kept");
        assert_eq!(names(&dir), ["new"]);
        assert!(!std::fs::read_to_string(&elsewhere).unwrap().contains("old"), "the old record is gone from the real file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// How many open descriptors of this process lead to `path` (Linux: `/proc/self/fd`).
    #[cfg(target_os = "linux")]
    fn opened(path: &Path) -> usize {
        let path = std::fs::canonicalize(path).unwrap();
        std::fs::read_dir("/proc/self/fd").unwrap().filter_map(|e| std::fs::read_link(e.ok()?.path()).ok()).filter(|l| *l == path).count()
    }

    /// Holds the store's lock while `work` runs in a thread; once that thread has the lock file
    /// open (and so waits for the lock), a new file holding a record "N" replaces the store,
    /// and the lock is let go. Returns what `work` returned.
    #[cfg(target_os = "linux")]
    fn replaced_while_waiting<T: Send + 'static>(dir: &Path, work: impl FnOnce() -> T + Send + 'static) -> T {
        let path = dir.join(FILE);
        let lock_path = path.with_extension("jsonl.lock");
        let held = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&lock_path).unwrap();
        held.lock().unwrap();
        let thread = std::thread::spawn(work);
        while opened(&lock_path) < 2 {
            std::thread::yield_now();
        }
        let new = dir.join(".folio/new.jsonl");
        std::fs::write(&new, format!("{}\n", serde_json::to_string(&named_record("N")).unwrap())).unwrap();
        std::fs::rename(&new, &path).unwrap();
        drop(held);
        thread.join().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_store_replaced_while_an_append_waits_for_its_lock_gets_the_record() {
        let dir = temp_site("replaced-waiting");
        Store::new(&dir).append(&named_record("A")).unwrap();
        let root = dir.clone();
        replaced_while_waiting(&dir, move || Store::new(&root).append(&named_record("B")).unwrap());
        assert_eq!(names(&dir), ["N", "B"], "the record went to the replaced file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_purge_that_waited_for_the_lock_purges_the_store_as_it_is_then() {
        let dir = temp_site("purge-waiting");
        Store::new(&dir).append(&Record { received_at: "2001-01-01T00:00:00Z".into(), ..named_record("old") }).unwrap();
        let root = dir.clone();
        let purged = replaced_while_waiting(&dir, move || purge(&root, time::macros::datetime!(2020-01-01 0:00 UTC)).unwrap());
        assert_eq!(purged, Purged { removed: 0, kept: 1, unreadable: 0 }, "the purge read the file that replaced the old one");
        assert_eq!(names(&dir), ["N"], "a record written while the purge waited is kept");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn purge_removes_what_is_older_than_the_cutoff_and_keeps_unreadable_lines() {
        let dir = temp_site("purge");
        assert_eq!(purge(&dir, time::OffsetDateTime::now_utc()).unwrap(), Purged::default(), "no file, nothing to do");
        let store = Store::new(&dir);
        for (name, at) in [("old", "2024-01-01T00:00:00Z"), ("new", "2025-06-01T00:00:00Z")] {
            store.append(&Record { received_at: at.into(), ..named_record(name) }).unwrap();
        }
        let mut f = OpenOptions::new().append(true).open(store.path()).unwrap();
        f.write_all(b"not json\n").unwrap();
        drop(f);
        let cutoff = time::macros::datetime!(2025-01-01 0:00 UTC);
        assert_eq!(purge(&dir, cutoff).unwrap(), Purged { removed: 1, kept: 1, unreadable: 1 });
        assert_eq!(names(&dir), ["new"]);
        assert_eq!(read_all(&dir).unwrap().1.len(), 1, "the unreadable line is kept");
        assert_eq!(purge(&dir, cutoff).unwrap().removed, 0);
        store.append(&named_record("after")).unwrap();
        assert_eq!(names(&dir), ["new", "after"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Contact-form submissions: appended durably, one JSON line each, to
//! `<root>/.folio/submissions.jsonl`, and read back by `folio submissions list` and
//! `folio submissions export --csv` (with spreadsheet formula injection neutralised).

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
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

    pub fn trim(&mut self) {
        for s in [&mut self.name, &mut self.email, &mut self.company, &mut self.plan, &mut self.message] {
            let t = s.trim();
            if t.len() != s.len() {
                *s = t.to_string();
            }
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

/// Appends records to the submissions file. One lock around each append, the file opened with
/// O_APPEND and each line written with a single write, then synced to disk before returning:
/// concurrent posts (even from two servers) never interleave, and an answered post is on disk.
pub struct Store {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store { path: root.join(FILE), file: Mutex::new(None) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, record: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut guard = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| named(e, dir))?;
            }
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            *guard = Some(options.open(&self.path).map_err(|e| named(e, &self.path))?);
        }
        let Some(file) = guard.as_mut() else { return Err(io::ErrorKind::NotFound.into()) };
        file.write_all(&line).map_err(|e| named(e, &self.path))?;
        file.sync_data().map_err(|e| named(e, &self.path))
    }
}

fn named(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Every record in the file, with a message for each line that does not parse.
pub fn read_all(root: &Path) -> io::Result<(Vec<Record>, Vec<String>)> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(named(e, &path)),
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
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

/// One CSV cell: text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading `'`, then the cell is quoted if it needs to be.
pub fn csv_cell(value: &str) -> String {
    let mut v = String::with_capacity(value.len() + 3);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(value);
    if v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The records as CSV (RFC 4180, CRLF line ends), with a header row.
pub fn csv(records: &[Record]) -> String {
    let mut out = String::from("id,received_at,name,email,company,plan,message,spam,user_agent\r\n");
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
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
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
            "id,received_at,name,email,company,plan,message,spam,user_agent\r\n\
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
}

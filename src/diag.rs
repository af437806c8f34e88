//! Diagnostics: every problem a build finds, with the file, line and column it points at,
//! what is wrong and what to do about it. Stages collect these instead of stopping at the first
//! one, so a single build run reports everything (see ARCHITECTURE.md, invariant 2). Each one
//! says what it is about ([`Kind`]) and whether it stops a build ([`Severity`]): code that
//! needs to tell diagnostics apart looks at these, never at the message text.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// What a problem is about. Tools read it (serve's `/__folio/status` JSON); folio itself uses it
/// where it needs to tell problems apart, instead of looking at message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `site.yaml`: its YAML, unknown keys, invalid values, a theme it names that is missing;
    /// running folio outside a site.
    Config,
    /// A file that could not be read: I/O errors, size limits, text that is not UTF-8, a
    /// symbolic link that may not be followed.
    Read,
    /// A file under `content/` in a place folio has no use for (a YAML file outside
    /// `faq/`, `pricing/` and `banners.yaml`).
    Content,
    /// Front matter (of a page, a section or an FAQ topic written in Markdown): missing or
    /// unclosed, its YAML, keys and values.
    FrontMatter,
    /// Links: `@/` links and their `#anchors` in Markdown, and (in `folio check`) links in the
    /// finished pages that lead nowhere.
    Link,
    /// Shortcodes in Markdown: their syntax, unknown names, arguments, and failures while
    /// rendering one.
    Shortcode,
    /// Templates: syntax errors, a template that does not exist, failures while rendering.
    Template,
    /// FAQ topics, pricing groups and banners (`content/faq/`, `content/pricing/`,
    /// `content/banners.yaml`).
    Marketing,
    /// Two sources that would be written to the same URL.
    Url,
    /// Pages some readers cannot use: an image without alt text.
    Accessibility,
    /// A published file that gives away more than its author may mean to: a photo that holds
    /// the place it was taken.
    Privacy,
    /// Writing files: the output folder (refused or not writable), files `folio new` and
    /// `folio init` create.
    Output,
    /// A bug in folio met while working on a file (a panic caught and reported instead of
    /// stopping the process).
    Internal,
    /// Not classified: what the constructors give until [`Diagnostic::kind`] sets a kind.
    /// Every diagnostic folio reports sets one.
    #[default]
    Other,
}

/// Whether a problem stops a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing is written while there is one.
    #[default]
    Error,
    /// Reported, but the build goes on (an image without alt text).
    Warning,
}

/// One problem found in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Path relative to the site root where possible (what the user sees in their editor).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub col: Option<usize>,
    pub message: String,
    pub help: Option<String>,
    /// The offending source line, shown under the location with a caret.
    pub snippet: Option<String>,
    pub kind: Kind,
    pub severity: Severity,
}

impl Diagnostic {
    /// A problem with a whole file (no position).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            col: None,
            message: message.into(),
            help: None,
            snippet: None,
            kind: Kind::default(),
            severity: Severity::default(),
        }
    }

    /// A problem at `line`:`col` (1-based) of `source`, the full text of the file.
    pub fn at(path: impl Into<PathBuf>, source: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        // A byte-order mark is not shown, nor counted as a column (editors do not count it).
        let snippet = source.lines().nth(line.saturating_sub(1)).map(|l| l.trim_start_matches('\u{feff}').to_string());
        Diagnostic { line: Some(line.max(1)), col: Some(col.max(1)), snippet, ..Self::file(path, message) }
    }

    /// A problem at byte `offset` of `source`.
    pub fn at_offset(path: impl Into<PathBuf>, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(source, offset);
        Self::at(path, source, line, col, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same problem, saying what it is about.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// The same problem as a warning: reported, but it does not stop a build.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` as editors and terminals understand it (with `/` on every system).
    pub fn location(&self) -> String {
        let path = slashed(&self.path);
        match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            (Some(l), None) => format!("{path}:{l}"),
            _ => path,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        writeln!(f, "  --> {}", self.location())?;
        if let (Some(line), Some(snippet)) = (self.line, &self.snippet) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", snippet.trim_end())?;
            let col = self.col.unwrap_or(1);
            // Columns count characters; tabs keep their width so the caret lines up.
            let lead: String = snippet.chars().take(col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            writeln!(f, "{pad} | {lead}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Runs `f`; a panic in it (a bug in folio) becomes an error about `path`, the file being worked
/// on, instead of ending the process. `doing` says what was being done ("rendering it").
pub fn catch_panic<T>(path: &Path, doing: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let why = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_default();
        Diagnostic::file(path, format!("folio stopped with an internal error while {doing}: {why}"))
            .with_help("this is a bug in folio, not a mistake in the file: please report it with this message (and the file, if you can share it)")
            .kind(Kind::Internal)
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    // A byte-order mark is not a column in any editor.
    let col = text[line_start..offset].chars().filter(|c| *c != '\u{feff}').count() + 1;
    (line, col)
}

/// All the problems of one run, reported together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// How many stop a build.
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    /// How many are warnings only.
    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }
    /// Sorted by file and position, duplicates removed, so output is stable between runs.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message)));
        self.0.dedup();
        self
    }
}

impl Diagnostics {
    /// Every problem, then a last line saying how many there were and, after `errors_mean`
    /// when there is an error, what that means for this command ("nothing was written" for a
    /// build, which writes nothing while there is one; `folio check` never writes).
    pub fn report(&self, errors_mean: Option<&str>) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        let (errors, warnings) = (self.errors(), self.warnings());
        let counted = match (errors, warnings) {
            (0, w) => count(w, "warning"),
            (e, 0) => count(e, "error"),
            (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
        };
        out.push_str(&counted);
        out.push_str(" found");
        match errors_mean {
            Some(mean) if errors > 0 => {
                out.push_str("; ");
                out.push_str(mean);
            }
            _ => {}
        }
        out.push('.');
        out
    }
}

/// `1 page`, `2 pages`: a count and its word, singular for one. `word` is the singular; words
/// whose plural is not `+s` are listed (`FAQ` → `FAQs` is `+s` too).
pub fn count(n: usize, word: &str) -> String {
    let plural = match word {
        _ if n == 1 => word.to_string(),
        "entry" => "entries".to_string(),
        "category" => "categories".to_string(),
        w if w.ends_with('s') || w.ends_with("sh") || w.ends_with("ch") => format!("{w}es"),
        w => format!("{w}s"),
    };
    format!("{n} {plural}")
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report(Some("nothing was written")))
    }
}

/// Nearest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// `path` relative to `root` for display, or unchanged when it is elsewhere.
/// A path as messages show it: `/` between folders on every system (Windows accepts it too), so
/// a message, a test and the overlay read the same everywhere.
pub fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

pub fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        assert_eq!(catch_panic(Path::new("content/a.md"), "rendering it", || 7).ok(), Some(7));
        let d = catch_panic(Path::new("content/a.md"), "rendering it", || -> u8 { panic!("index out of bounds") }).unwrap_err();
        assert_eq!((d.path.as_path(), d.kind, d.severity), (Path::new("content/a.md"), Kind::Internal, Severity::Error));
        assert_eq!(d.message, "folio stopped with an internal error while rendering it: index out of bounds");
        assert!(d.help.unwrap().contains("bug in folio"));
        let d = catch_panic(Path::new("b.md"), "x", || -> u8 { panic!("{} apples", 3) }).unwrap_err();
        assert!(d.message.ends_with(": 3 apples"), "{}", d.message);
    }

    #[test]
    fn renders_location_snippet_caret_and_help() {
        let src = "---\ntittle: Hi\n---\n";
        let d = Diagnostic::at("content/a.md", src, 2, 1, "unknown front matter key `tittle`").with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "error: unknown front matter key `tittle`\n  --> content/a.md:2:1\n  |\n2 | tittle: Hi\n  | ^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn warnings_print_as_warnings() {
        let src = "---\ntitle: A\n---\n![](/a.png)\n";
        let d = Diagnostic::at("content/a.md", src, 4, 1, "image `/a.png` has no alt text").kind(Kind::Accessibility).warning();
        assert_eq!((d.kind, d.severity, d.is_error()), (Kind::Accessibility, Severity::Warning, false));
        assert_eq!(d.to_string(), "warning: image `/a.png` has no alt text\n  --> content/a.md:4:1\n  |\n4 | ![](/a.png)\n  | ^\n");
    }

    #[test]
    fn constructors_default_to_an_error() {
        let d = Diagnostic::file("site.yaml", "x");
        assert_eq!((d.kind, d.severity), (Kind::Other, Severity::Error));
        assert!(d.to_string().starts_with("error: x\n"));
    }

    #[test]
    fn summary_counts_errors_and_warnings_apart() {
        let e = |m: &str| Diagnostic::file("a.md", m);
        let w = |m: &str| Diagnostic::file("a.md", m).warning();
        let summary = |ds: Vec<Diagnostic>| Diagnostics(ds).to_string().lines().last().unwrap_or("").to_string();
        assert_eq!(summary(vec![e("a"), e("b"), w("c")]), "2 errors, 1 warning found; nothing was written.");
        assert_eq!(summary(vec![e("a"), w("b"), w("c")]), "1 error, 2 warnings found; nothing was written.");
        assert_eq!(summary(vec![e("a")]), "1 error found; nothing was written.");
        assert_eq!(summary(vec![w("a")]), "1 warning found.");
        assert_eq!(summary(vec![w("a"), w("b")]), "2 warnings found.");
        assert_eq!(Diagnostics(vec![e("a")]).report(None).lines().last(), Some("1 error found."));
        assert_eq!(count(1, "term"), "1 term");
        assert_eq!(count(0, "term"), "0 terms");
        assert_eq!(count(2, "FAQ"), "2 FAQs");
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd€x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('x').unwrap()), (2, 4));
    }

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["title", "date", "tags"];
        assert_eq!(closest("tittle", keys), Some("title"));
        assert_eq!(closest("zzzzzzzz", keys), None);
    }
}

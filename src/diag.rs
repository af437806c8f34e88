//! Diagnostics: every problem a build finds, with the file, line and column it points at,
//! what is wrong and what to do about it. Stages collect these instead of stopping at the first
//! one, so a single build run reports everything (see ARCHITECTURE.md, invariant 2).

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Diagnostic {
    /// A problem with a whole file (no position).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), line: None, col: None, message: message.into(), help: None, snippet: None }
    }

    /// A problem at `line`:`col` (1-based) of `source`, the full text of the file.
    pub fn at(path: impl Into<PathBuf>, source: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        let snippet = source.lines().nth(line.saturating_sub(1)).map(|l| l.to_string());
        Diagnostic { path: path.into(), line: Some(line.max(1)), col: Some(col.max(1)), message: message.into(), help: None, snippet }
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

    /// `path:line:col` as editors and terminals understand it.
    pub fn location(&self) -> String {
        let path = self.path.display();
        match (self.line, self.col) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            (Some(l), None) => format!("{path}:{l}"),
            _ => format!("{path}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
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

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
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
    /// Sorted by file and position, duplicates removed, so output is stable between runs.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message)));
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} found; nothing was written.", if n == 1 { "" } else { "s" })
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
pub fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

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

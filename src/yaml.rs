//! The one place that calls serde_yaml. serde_yaml is frozen upstream; keeping every call here
//! means a maintained fork can be swapped in by editing this file alone. Errors come back as
//! [`Diagnostic`]s with the line and column inside the *containing* file, and unknown keys get a
//! "did you mean" hint.

use crate::diag::{closest, Diagnostic, Kind};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Where a YAML text sits: its file, the whole file's text (for snippets), how many lines of
/// that file come before the YAML (front matter starts below its `---` line), and what the
/// file is (the kind of every diagnostic about it).
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a Path,
    pub file_text: &'a str,
    pub line_offset: usize,
    pub kind: Kind,
}

impl<'a> Source<'a> {
    /// A YAML file on its own.
    pub fn file(kind: Kind, path: &'a Path, text: &'a str) -> Self {
        Source { path, file_text: text, line_offset: 0, kind }
    }

    /// A diagnostic at a 1-based line/col of the YAML text.
    pub fn error_at(&self, line: usize, col: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.path, self.file_text, line + self.line_offset, col, message).kind(self.kind)
    }

    /// A diagnostic at the line where `key:` is written (first occurrence), or the start.
    pub fn error_at_key(&self, yaml: &str, key: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = key_position(yaml, key).unwrap_or((1, 1));
        self.error_at(line, col, message)
    }
}

/// Largest YAML document we accept; anything bigger is certainly a mistake.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// A YAML problem, and when it is an unknown key, the valid key it probably meant.
struct Problem {
    diagnostic: Diagnostic,
    unknown_key: Option<UnknownKey>,
}

struct UnknownKey {
    key: String,
    meant: Option<String>,
}

/// Deserializes `yaml` into `T`, reporting problems against `src`.
pub fn parse<T: DeserializeOwned>(yaml: &str, src: Source<'_>) -> Result<T, Diagnostic> {
    parse_inner(yaml, src).map_err(|p| p.diagnostic)
}

fn parse_inner<T: DeserializeOwned>(yaml: &str, src: Source<'_>) -> Result<T, Problem> {
    if yaml.len() > MAX_YAML_BYTES {
        let diagnostic = Diagnostic::file(src.path, format!("YAML is {} bytes, over the limit of {MAX_YAML_BYTES}", yaml.len()))
            .with_help("split the file or remove the oversized value")
            .kind(src.kind);
        return Err(Problem { diagnostic, unknown_key: None });
    }
    // An empty document is an empty mapping, not an error about `null`.
    let yaml_or_empty = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(yaml_or_empty).map_err(|e| to_problem(&e, yaml, src))
}

/// `value` written as YAML (for files folio writes, such as an imported page's front matter).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Most unknown keys reported from one document before giving up.
const MAX_UNKNOWN_KEYS: usize = 20;

/// What [`parse_collecting`] found.
pub struct Collected<T> {
    /// The value parsed without the unknown keys, when the rest is valid.
    pub value: Option<T>,
    /// Every problem found, in the order found.
    pub errors: Vec<Diagnostic>,
    /// Each unknown key reported, in order.
    pub unknown: Vec<UnknownKeyFound>,
}

/// An unknown key [`parse_collecting`] reported.
pub struct UnknownKeyFound {
    /// Its diagnostic's index in [`Collected::errors`].
    pub error: usize,
    pub key: String,
    /// The valid key close to it, if any (`tittle` → `title`).
    pub meant: Option<String>,
}

/// Like [`parse`], but an unknown key does not hide the rest: each one is reported, its lines
/// are blanked (so every other position stays the same) and parsing goes on. Returns the value
/// parsed without the unknown keys, if any, and every problem found.
pub fn parse_collecting<T: DeserializeOwned>(yaml: &str, src: Source<'_>) -> Collected<T> {
    let mut found = Collected { value: None, errors: Vec::new(), unknown: Vec::new() };
    let mut text = yaml.to_string();
    loop {
        match parse_inner::<T>(&text, src) {
            Ok(v) => {
                found.value = Some(v);
                return found;
            }
            Err(Problem { diagnostic: d, unknown_key: Some(unknown) }) if found.errors.len() < MAX_UNKNOWN_KEYS => {
                let Some(line) = d.line.map(|l| l - src.line_offset) else {
                    found.errors = vec![d];
                    return found;
                };
                found.unknown.push(UnknownKeyFound { error: found.errors.len(), key: unknown.key, meant: unknown.meant });
                found.errors.push(d);
                match blank_key(&text, line) {
                    Some(t) => text = t,
                    None => return found,
                }
            }
            Err(p) => {
                found.errors.push(p.diagnostic);
                return found;
            }
        }
    }
}

/// `text` with the key on 1-based `line` and its more-indented continuation lines made blank.
fn blank_key(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let key_line = *lines.get(line.checked_sub(1)?)?;
    if key_line.trim().is_empty() {
        return None;
    }
    let indent = key_line.len() - key_line.trim_start().len();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut blanking = false;
    for (i, l) in lines.iter().enumerate() {
        if i + 1 == line {
            blanking = true;
            out.push("");
        } else if blanking && (l.trim().is_empty() || l.len() - l.trim_start().len() > indent) {
            out.push("");
        } else {
            blanking = false;
            out.push(l);
        }
    }
    Some(out.join("\n"))
}

fn to_problem(e: &serde_yaml::Error, yaml: &str, src: Source<'_>) -> Problem {
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; we show the position our own way.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let (mut line, mut col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let help;
    let mut unknown_key = None;
    let mut message = without_type_names(&message);
    if let Some((unknown, near, unknown_help)) = unknown_field(&message, "`extra:`") {
        // Point at the key itself: serde reports the position after the mapping.
        if let Some((l, c)) = key_position(yaml, &unknown) {
            line = l;
            col = c;
        }
        help = unknown_help;
        message = format!("unknown key `{unknown}`");
        unknown_key = Some(UnknownKey { key: unknown, meant: near });
    } else if let Some(field) = between(&message, "missing field `", "`") {
        help = format!("add a line `{field}: …`");
        message = format!("required key `{field}` is missing");
    } else if message.contains("invalid type") || message.contains("invalid value") {
        help = "check the value's type: quote text, write numbers without quotes, `true`/`false` for yes/no".to_string();
    } else if message.contains("duplicate") {
        // serde_yaml names the key but not always where; point at its second occurrence.
        if let Some(key) = between(&message, "key \"", "\"").or_else(|| between(&message, "key `", "`")).or_else(|| between(&message, "field `", "`")) {
            let second =
                yaml.lines().enumerate().filter(|(_, l)| l.trim_start().trim_start_matches("- ").strip_prefix(key).is_some_and(|r| r.starts_with(':'))).nth(1);
            if let Some((i, l)) = second {
                line = i + 1;
                col = l.len() - l.trim_start().len() + 1;
            }
        }
        help = "each key may appear only once; remove or rename one of them".to_string();
    } else {
        help = "check the indentation and that every `key: value` pair is on its own line; quote values containing `: ` or starting with special characters"
            .to_string();
    }
    Problem { diagnostic: src.error_at(line, col, message).with_help(help), unknown_key }
}

/// serde names Rust types (`expected struct FrontMatter`); people need the YAML shape.
fn without_type_names(message: &str) -> String {
    let mut out = message.to_string();
    for (pattern, replacement) in [("struct ", "a mapping of `key: value` lines"), ("enum ", "one of the allowed values")] {
        while let Some(i) = out.find(pattern) {
            let end = out[i + pattern.len()..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(out.len(), |j| i + pattern.len() + j);
            out.replace_range(i..end, replacement);
        }
    }
    out
}

/// From serde's "unknown field `x`, expected one of `a`, `b`": the key, the valid key nearest
/// to it, and the help ("did you mean", or the valid keys and where free-form values go).
pub(crate) fn unknown_field(message: &str, free_form: &str) -> Option<(String, Option<String>, String)> {
    let unknown = between(message, "unknown field `", "`")?;
    let expected: Vec<&str> = message.split("expected ").nth(1).map(|rest| rest.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
    let near = closest(unknown, expected.iter().copied());
    let help = match near {
        Some(near) => format!("did you mean `{near}`? (valid keys: {})", expected.join(", ")),
        None if !expected.is_empty() => format!("valid keys here are: {}; free-form values go under {free_form}", expected.join(", ")),
        None => "remove this key".to_string(),
    };
    Some((unknown.to_string(), near.map(str::to_string), help))
}

pub(crate) fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// 1-based (line, column) of the first `key:` in `yaml`, at any indentation.
pub fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix(key)?;
        (rest.starts_with(':')).then_some((i + 1, indent + 1))
    })
}

/// Byte offset of the start of the `occurrence`-th (0-based) line whose `key:` holds exactly
/// `value` (bare or quoted). Locates list items (a banner, a tier) for messages.
pub fn item_offset(text: &str, key: &str, value: &str, occurrence: usize) -> Option<usize> {
    let mut seen = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(rest) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let v = rest.trim().trim_matches(|c| c == '"' || c == '\'');
            if v == value {
                if seen == occurrence {
                    return Some(offset);
                }
                seen += 1;
            }
        }
        offset += line.len();
    }
    None
}

/// (line, column) of `key:` in the item starting at byte `item_start` (falling back to the
/// item's first line).
pub fn key_in_item(text: &str, item_start: usize, key: &str) -> (usize, usize) {
    let first_line = crate::diag::line_col(text, item_start).0;
    match key_position(&text[item_start..], key) {
        Some((l, c)) => (first_line + l - 1, c),
        None => crate::diag::line_col(text, item_start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        draft: Option<bool>,
    }

    fn src<'a>(text: &'a str) -> Source<'a> {
        Source { path: Path::new("content/a.md"), file_text: text, line_offset: 1, kind: Kind::FrontMatter }
    }

    #[test]
    fn unknown_key_names_line_and_nearest_key() {
        let file = "---\ntitle: x\ntittle: y\n---\n";
        let yaml = "title: x\ntittle: y\n";
        let d = parse::<Fm>(yaml, src(file)).unwrap_err();
        assert_eq!(d.message, "unknown key `tittle`");
        assert_eq!((d.line, d.col), (Some(3), Some(1)));
        assert!(d.help.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn every_unknown_key_is_reported() {
        let file = "---\ntittle: x\ntitle: y\nextraa:\n  a: 1\ndraftt: true\n---\n";
        let Collected { value: v, errors: errs, unknown } = parse_collecting::<Fm>("tittle: x\ntitle: y\nextraa:\n  a: 1\ndraftt: true\n", src(file));
        assert_eq!(v.map(|f| f.title), Some("y".to_string()));
        let meant: Vec<_> = unknown.iter().filter_map(|u| u.meant.as_deref()).collect();
        assert_eq!(meant, vec!["title", "draft"]);
        let keys: Vec<_> = unknown.iter().map(|u| (u.error, u.key.as_str())).collect();
        assert_eq!(keys, vec![(0, "tittle"), (1, "extraa"), (2, "draftt")]);
        assert!(errs.iter().all(|e| e.kind == Kind::FrontMatter), "{errs:?}");
        let lines: Vec<Option<usize>> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![Some(2), Some(4), Some(6)], "{errs:?}");
    }

    #[test]
    fn syntax_error_has_position() {
        let file = "---\ntitle: [x\n---\n";
        let d = parse::<Fm>("title: [x\n", src(file)).unwrap_err();
        assert!(d.line.unwrap() >= 2, "{d:?}");
    }

    #[test]
    fn finds_list_items_exactly() {
        let text = "items:\n  - id: promo-2\n  - id: promo\n    x: 1\n  - id: \"promo\"\n";
        assert_eq!(item_offset(text, "id", "promo", 0), Some(text.find("  - id: promo\n").unwrap()));
        assert_eq!(item_offset(text, "id", "promo", 1), Some(text.find("  - id: \"promo\"").unwrap()));
        assert_eq!(item_offset(text, "id", "nope", 0), None);
        let start = item_offset(text, "id", "promo", 0).unwrap();
        assert_eq!(key_in_item(text, start, "x"), (4, 5));
    }

    #[test]
    fn duplicate_key_points_at_the_second_one() {
        let file = "---\ntitle: a\ndraft: true\ntitle: b\n---\n";
        let d = parse::<Fm>("title: a\ndraft: true\ntitle: b\n", src(file)).unwrap_err();
        assert_eq!(d.line, Some(4), "{d}");
    }

    #[test]
    fn type_names_are_not_shown() {
        assert_eq!(
            without_type_names("invalid type: string \"x\", expected struct FrontMatter"),
            "invalid type: string \"x\", expected a mapping of `key: value` lines"
        );
    }

    #[test]
    fn wrong_type_is_reported() {
        let file = "---\ntitle: x\ndraft: maybe\n---\n";
        let d = parse::<Fm>("title: x\ndraft: maybe\n", src(file)).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("invalid"), "{}", d.message);
    }
}

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

/// The UTF-8 byte-order mark, accepted (and ignored) at the start of a YAML text.
pub const BOM: char = '\u{feff}';

/// Marks a message a deserializer wrote for people (see [`plain_error`]); never shown.
const PLAIN: &str = "\u{1}folio:";
/// Between the message and the help of a [`plain_error`].
const PLAIN_HELP: &str = "\u{1}help:";

/// An error a hand-written `Deserialize` returns with its own plain-words message and help
/// (serde's untagged enums would say "data did not match any variant"). `to_problem` shows it
/// as written, at the value's position, without serde's path prefix.
pub fn plain_error<E: serde::de::Error>(message: &str, help: &str) -> E {
    E::custom(format!("{PLAIN}{message}{PLAIN_HELP}{help}"))
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
    // A byte-order mark (Windows Notepad writes one) is not part of the text. It is one
    // character before the first line, which editors do not count as a column either, so
    // every position stays as the user's editor shows it.
    let yaml = yaml.strip_prefix(BOM).unwrap_or(yaml);
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
    if let Some(i) = message.find(PLAIN) {
        let plain = &message[i + PLAIN.len()..];
        let (message, help) = plain.split_once(PLAIN_HELP).unwrap_or((plain, ""));
        let mut d = src.error_at(line, col, message);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        return Problem { diagnostic: d, unknown_key: None };
    }
    if let Some((l, c, message, help)) = syntax_problem(&message, &full, yaml, line, col) {
        return Problem { diagnostic: src.error_at(l, c, message).with_help(help), unknown_key: None };
    }
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
    } else if message.contains("did not match any variant") {
        // serde's untagged enums (none is left in folio's schemas; this is the net under them).
        let written = yaml.lines().nth(line.saturating_sub(1)).unwrap_or("").trim();
        message = format!("`{written}` is not written in a form folio understands here");
        help = "compare it with the example of this file in the README, and check its indentation".to_string();
    } else if message.contains("invalid type") || message.contains("invalid value") {
        help = "check the value's type: quote text, write numbers without quotes, `true`/`false` for yes/no".to_string();
    } else if message.contains("duplicate") {
        // serde_yaml names the key but not always where; point at its second occurrence.
        help = "each key may appear only once; remove one of them, or rename it".to_string();
        if let Some(key) = between(&message, "key \"", "\"").or_else(|| between(&message, "key `", "`")).or_else(|| between(&message, "field `", "`")) {
            let at = |l: &str| l.trim_start().trim_start_matches("- ").strip_prefix(key).is_some_and(|r| r.starts_with(':'));
            let mut found = yaml.lines().enumerate().filter(|(_, l)| at(l));
            let first = found.next();
            if let Some((i, l)) = found.next() {
                line = i + 1;
                col = indent_chars(l) + 1;
            }
            message = match first {
                Some((i, _)) if i + 1 < line => format!("`{key}` is written twice: first at line {}", i + 1 + src.line_offset),
                _ => format!("`{key}` is written twice"),
            };
        }
    } else {
        help = "check the indentation and that every `key: value` pair is on its own line; quote values containing `: ` or starting with special characters"
            .to_string();
    }
    Problem { diagnostic: src.error_at(line, col, message).with_help(help), unknown_key }
}

/// The common YAML syntax mistakes in plain words, each with what to do: a tab used for
/// indentation, an unquoted value with `: ` in it, indentation that does not line up, a quote
/// or bracket never closed. `message` is serde_yaml's without its position, `full` with it (the
/// "while scanning …" context names where the unclosed thing starts). Returns (line, column,
/// message, help), or `None` for the rest.
fn syntax_problem(message: &str, full: &str, yaml: &str, line: usize, col: usize) -> Option<(usize, usize, String, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let text_of = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
    // Where the unclosed quote or bracket starts (`…, while scanning a quoted scalar at line 2 column 8`).
    let context_at = |context: &str| -> Option<(usize, usize)> {
        let rest = &full[full.find(context)? + context.len()..];
        let rest = rest.strip_prefix(" at line ")?;
        let (l, rest) = rest.split_once(" column ")?;
        let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((l.parse().ok()?, c.parse().ok()?))
    };
    // A tab in the indentation of the line, or of the one above (libyaml sometimes notices a line late).
    let tab_line = [line, line.saturating_sub(1)].into_iter().find(|&l| l > 0 && text_of(l).chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t'));
    let is_syntax = message.contains("tab character")
        || message.contains("cannot start any token")
        || message.contains("mapping values are not allowed")
        || message.contains("did not find expected")
        || message.contains("not allowed in this context")
        || message.contains("end of stream");
    // `title: [Draft] My post`, or a `[` never closed that swallowed the lines after it: the
    // value starts a list or mapping where text (or a number, yes/no) was expected.
    if message.contains("invalid type: sequence") || message.contains("invalid type: map") {
        let text = text_of(line);
        let value: String = text.chars().skip(col.saturating_sub(1)).collect();
        let (open, close) = if value.starts_with('[') {
            ('[', ']')
        } else if value.starts_with('{') {
            ('{', '}')
        } else {
            return None;
        };
        let key = text.trim_start().trim_start_matches("- ").split_once(':').map_or("key", |(k, _)| k);
        if !value.contains(close) {
            return Some((
                line,
                col,
                format!("the `{open}` that starts this value is never closed"),
                format!(
                    "end it with `{close}` on the same line; if the `{open}` is part of the text, put the value in quotes: `{key}: \"{}\"`",
                    value.trim().replace('"', "\\\"")
                ),
            ));
        }
        return Some((
            line,
            col,
            format!("a value starting with `{open}` is read as a {}, not as text", if open == '[' { "list" } else { "mapping" }),
            format!("if the `{open}` is part of the text, put the value in quotes: `{key}: \"{}\"`", value.trim().replace('"', "\\\"")),
        ));
    }
    if !is_syntax {
        return None;
    }
    if let Some(l) = tab_line {
        return Some((
            l,
            1,
            "this line is indented with a tab".into(),
            "YAML indents with spaces, not tabs: replace the tab at the start of this line with spaces".into(),
        ));
    }
    if let Some((l, c)) = context_at("while scanning a quoted scalar") {
        let quote = text_of(l).chars().nth(c.saturating_sub(1)).filter(|q| *q == '"' || *q == '\'').unwrap_or('"');
        return Some((
            l,
            c,
            format!("the quote `{quote}` that starts this value is never closed"),
            format!("end the value with `{quote}` on the same line; to write a `{quote}` inside it, put the value in the other kind of quotes"),
        ));
    }
    for (context, open, close) in [("while parsing a flow sequence", '[', ']'), ("while parsing a flow mapping", '{', '}')] {
        if let Some((l, c)) = context_at(context) {
            let example = if open == '[' { "tags: [rust, web]" } else { "price: { amount: 499, currency: USD }" };
            return Some((
                l,
                c,
                format!("the `{open}` that starts this value is never closed"),
                format!("end it with `{close}` on the same line, e.g. `{example}`; a `{open}` meant as text goes in quotes"),
            ));
        }
    }
    if message.contains("cannot start any token") {
        let ch = text_of(line).chars().nth(col.saturating_sub(1)).unwrap_or('?');
        let (key, value) = text_of(line).trim_start().split_once(": ").unwrap_or(("key", "…"));
        return Some((
            line,
            col,
            format!("a value cannot start with `{ch}` unless it is in quotes"),
            format!("put the value in quotes: `{}: \"{}\"`", key.trim_start_matches("- "), value.trim().replace('"', "\\\"")),
        ));
    }
    if message.contains("mapping values are not allowed") {
        let text = text_of(line);
        let trimmed = text.trim_start();
        let dash = if trimmed.starts_with("- ") { "- " } else { "" };
        let body = &trimmed[dash.len()..];
        // `title: CTO: the role`: a second `: ` inside the value of a key on this line.
        if let Some((key, value)) =
            body.split_once(": ").filter(|(k, v)| !k.is_empty() && !k.contains(' ') && (v.contains(": ") || v.trim_end().ends_with(':')))
        {
            let indent = &text[..text.len() - trimmed.len()];
            let value = value.trim();
            let value_col = text.chars().count() - trimmed.chars().count() + dash.len() + key.chars().count() + 3;
            return Some((
                line,
                value_col,
                format!("the value of `{key}` contains `: `, which YAML reads as the start of another key"),
                format!("a value with a colon must be in quotes: `{indent}{dash}{key}: \"{}\"`", value.replace('\\', "\\\\").replace('"', "\\\"")),
            ));
        }
    }
    // `description: "He said "hi""`: the quote closes early and text is left after it.
    {
        let text = text_of(line).trim_start();
        let body = text.strip_prefix("- ").unwrap_or(text);
        if let Some((key, value)) = body.split_once(": ") {
            let value = value.trim();
            let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'');
            if let Some(q) = quote {
                let closes = value[1..].find(q).map(|i| i + 2);
                if closes.is_some_and(|end| end < value.len() && !value[end..].trim_start().starts_with('#')) {
                    let inner = &value[1..value.len() - usize::from(value.ends_with(q) && value.len() > 1)];
                    let other = if q == '"' { '\'' } else { '"' };
                    let col = text_of(line).chars().count() - text.chars().count() + (text.len() - body.len()) + key.chars().count() + 3;
                    return Some((
                        line,
                        col,
                        format!("the value of `{key}` ends at its second `{q}`, and the text after it is left over"),
                        format!("to use `{q}` inside a value, put the value in the other quotes: `{key}: {other}{inner}{other}`"),
                    ));
                }
            }
        }
    }
    if message.contains("mapping values are not allowed") || message.contains("did not find expected") || message.contains("not allowed in this context") {
        let text = text_of(line);
        let what = text.trim().split_once(':').map_or_else(|| text.trim().to_string(), |(k, _)| format!("{k}:"));
        return Some((
            line,
            indent_chars(text) + 1,
            format!("`{what}` is not lined up with the lines around it"),
            "keys of one mapping, and the `- ` items of one list, start in the same column: indent this line with as many spaces as the others at its level (a key under another key: 2 more spaces than its parent)".into(),
        ));
    }
    None
}

/// Warnings about values wrapped in curly quotes (`title: “CTO”`, as word processors and some
/// keyboards type them): YAML keeps them as part of the text, so the page shows them. They are
/// not stripped, because a testimonial or a quotation may mean them; the warning says how to
/// write either intention, and a value in straight quotes is never warned about.
pub fn curly_quote_warnings(yaml: &str, src: Source<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let line = line.strip_prefix(BOM).unwrap_or(line);
        let trimmed = line.trim_start();
        let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let (key, value) = match body.split_once(": ") {
            Some((k, v)) if !k.is_empty() && !k.contains(' ') => (Some(k), v),
            _ if trimmed.starts_with("- ") => (None, body),
            _ => continue,
        };
        let value = value.trim();
        let (Some(first), Some(last)) = (value.chars().next(), value.chars().last()) else { continue };
        if value.chars().count() < 2 || !matches!(first, '“' | '‘' | '„' | '«') || !matches!(last, '”' | '’' | '“' | '»') {
            continue;
        }
        let inner: String = value.chars().skip(1).take(value.chars().count() - 2).collect();
        let col = line.chars().count() - line.trim_start().chars().count()
            + (trimmed.chars().count() - body.chars().count())
            + key.map_or(0, |k| k.chars().count() + 2)
            + 1;
        let written = match key {
            Some(k) => format!("{k}: "),
            None => "- ".to_string(),
        };
        out.push(
            src.error_at(i + 1, col, format!("`{written}{value}` is wrapped in curly quotes, which are kept as part of the text"))
                .with_help(format!(
                    "to quote the value, use straight quotes: `{written}\"{}\"`; to show the curly quotes on the page, put the whole value in straight quotes: `{written}\"{value}\"`",
                    inner.replace('"', "\\\"")
                ))
                .warning(),
        );
    }
    out
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
        let line = line.strip_prefix(BOM).unwrap_or(line);
        let trimmed = line.trim_start().trim_start_matches("- ");
        let indent = line[..line.len() - trimmed.len()].chars().count();
        let rest = trimmed.strip_prefix(key)?;
        (rest.starts_with(':')).then_some((i + 1, indent + 1))
    })
}

/// How many characters of `line` come before its first non-blank one.
fn indent_chars(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
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

/// Byte offsets of the lines where the items of the block list under the top-level `key:` start
/// (each `- ` line at the list's indentation), in order: the n-th offset is the n-th item a parser
/// reads, for messages about one item. Empty for a flow list (`key: [a, b]`).
pub fn list_items(text: &str, key: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut offset = 0;
    let mut inside = false;
    let mut item_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.strip_prefix(BOM).unwrap_or(line);
        let content = bare.trim_end();
        let indent = indent_chars(bare);
        if !inside {
            inside = indent == 0 && content.strip_prefix(key).is_some_and(|rest| rest.trim_end() == ":");
        } else if !content.trim().is_empty() && !content.trim_start().starts_with('#') {
            let is_item = content.trim_start() == "-" || content.trim_start().starts_with("- ");
            match item_indent {
                _ if indent == 0 && !is_item => break,
                None if is_item => {
                    item_indent = Some(indent);
                    offsets.push(offset);
                }
                Some(i) if is_item && indent == i => offsets.push(offset),
                Some(i) if indent < i => break,
                _ => {}
            }
        }
        offset += line.len();
    }
    offsets
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
    fn list_items_are_found_where_they_start() {
        let text = "title: T\nitems:\n  # a comment\n  - name: a\n    quote: |\n      - not an item\n  - name: b\n\nother:\n  - name: c\n";
        let at: Vec<usize> = list_items(text, "items").into_iter().map(|o| crate::diag::line_col(text, o).0).collect();
        assert_eq!(at, [4, 7]);
        assert_eq!(key_in_item(text, list_items(text, "items")[1], "name"), (7, 5));
        assert!(list_items("items: [a, b]\n", "items").is_empty());
        let unindented = "items:\n- name: a\n- name: b\nnext: 1\n";
        assert_eq!(list_items(unindented, "items").len(), 2);
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

    fn problem(yaml: &str) -> Diagnostic {
        let file = format!("---\n{yaml}---\n");
        parse::<Fm>(yaml, src(&file)).unwrap_err()
    }

    #[test]
    fn a_byte_order_mark_is_ignored_and_positions_stay_right() {
        let text = "\u{feff}title: x\ntittle: y\n";
        let d = parse::<Fm>(text, Source::file(Kind::Config, Path::new("site.yaml"), text)).unwrap_err();
        assert_eq!((d.message.as_str(), d.line, d.col), ("unknown key `tittle`", Some(2), Some(1)));
        let ok: Fm = parse(text.replace("tittle: y\n", "").as_str(), Source::file(Kind::Config, Path::new("site.yaml"), text)).unwrap();
        assert_eq!(ok.title, "x");
        assert_eq!(key_position(text, "title"), Some((1, 1)));
    }

    #[test]
    fn common_syntax_mistakes_in_plain_words() {
        let d = problem("title: CTO: the role\n");
        assert_eq!(d.message, "the value of `title` contains `: `, which YAML reads as the start of another key");
        assert_eq!(d.help.as_deref(), Some("a value with a colon must be in quotes: `title: \"CTO: the role\"`"));
        assert_eq!((d.line, d.col), (Some(2), Some(8)));
        let d = problem("title: x\n\tdraft: true\n");
        assert_eq!((d.message.as_str(), d.line, d.col), ("this line is indented with a tab", Some(3), Some(1)));
        assert!(d.help.unwrap().starts_with("YAML indents with spaces, not tabs"));
        let d = problem("title: \"x\ndraft: true\n");
        assert_eq!((d.message.as_str(), d.line, d.col), ("the quote `\"` that starts this value is never closed", Some(2), Some(8)));
        let d = problem("title: x\ndraft: [a, b\nsummary: y\n");
        assert_eq!((d.message.as_str(), d.line, d.col), ("the `[` that starts this value is never closed", Some(3), Some(8)));
        let d = problem("title: x\n  draft: true\n");
        assert_eq!((d.message.as_str(), d.line), ("`draft:` is not lined up with the lines around it", Some(3)));
        let d = problem("draft: true\ntitle: \"He said \"hi\"\"\n");
        assert_eq!((d.message.as_str(), d.line, d.col), ("the value of `title` ends at its second `\"`, and the text after it is left over", Some(3), Some(8)));
        assert_eq!(d.help.as_deref(), Some("to use `\"` inside a value, put the value in the other quotes: `title: 'He said \"hi\"'`"));
        let d = problem("title: a\ntitle: b\n");
        assert_eq!((d.message.as_str(), d.line), ("`title` is written twice: first at line 2", Some(3)));
    }

    #[test]
    fn curly_quotes_around_a_value_are_a_warning() {
        let yaml = "title: “CTO”\nquote: \"“Kept”\"\nnote: a “b” c\n";
        let w = curly_quote_warnings(yaml, Source::file(Kind::Marketing, Path::new("x.yaml"), yaml));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!((w[0].line, w[0].col, w[0].severity), (Some(1), Some(8), crate::diag::Severity::Warning));
        assert!(w[0].help.as_deref().unwrap().contains("`title: \"CTO\"`"));
    }
}

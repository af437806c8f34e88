//! The one place that calls the `toml` crate: TOML front matter (`+++` … `+++`, as Hugo and Zola
//! sites write it). Like [`crate::yaml`], problems come back as [`Diagnostic`]s at the line and
//! column of the containing file, in plain words (no parser jargon), every unknown key is
//! reported with "did you mean", and native TOML dates (`date = 2024-03-15`) become the same
//! text a quoted date would be, so the caller checks both front-matter languages alike.

use crate::diag::Diagnostic;
use crate::yaml::{unknown_field, Collected, Source, UnknownKeyFound, MAX_YAML_BYTES};
use serde::de::DeserializeOwned;

use toml::de::{DeTable, DeValue, Deserializer};

/// Most unknown keys reported from one document before giving up.
const MAX_UNKNOWN_KEYS: usize = 20;

/// Parses `text` (TOML) into `T`. An unknown top-level key does not hide the rest: each one is
/// reported and left out, and parsing goes on. Returns the value parsed without the unknown
/// keys, if the rest is valid, and every problem found.
pub fn parse_collecting<T: DeserializeOwned>(text: &str, src: Source<'_>) -> Collected<T> {
    let mut found = Collected { value: None, errors: Vec::new(), unknown: Vec::new() };
    if text.len() > MAX_YAML_BYTES {
        found.errors.push(
            Diagnostic::file(src.path, format!("front matter is {} bytes, over the limit of {MAX_YAML_BYTES}", text.len()))
                .with_help("move the oversized value out of the front matter")
                .kind(src.kind),
        );
        return found;
    }
    let mut table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            found.errors.push(syntax_error(&e, text, src));
            return found;
        }
    };
    dates_to_text(table.get_mut());
    loop {
        let e = match T::deserialize(Deserializer::from(table.clone())) {
            Ok(v) => {
                found.value = Some(v);
                return found;
            }
            Err(e) => e,
        };
        let span = e.span().unwrap_or(0..0);
        let message = e.message().to_string();
        let Some((key, meant, help)) = unknown_field(&message, "`[extra]`") else {
            found.errors.push(type_error(&message, span.start, text, src));
            return found;
        };
        if found.unknown.len() >= MAX_UNKNOWN_KEYS {
            return found;
        }
        let (line, col) = line_col(text, span.start);
        found.unknown.push(UnknownKeyFound { error: found.errors.len(), key: key.clone(), meant });
        found.errors.push(src.error_at(line, col, format!("unknown key `{key}`")).with_help(help));
        // Leave the key out and go on; a nested unknown key (none in front matter) ends here.
        let Some(written) = table.get_ref().keys().find(|k| k.get_ref().as_ref() == key.as_str()).cloned() else {
            return found;
        };
        table.get_mut().remove(&written);
    }
}

/// Parses `text` (TOML) into a JSON value, dates as their text; a syntax error in plain words.
/// For reading other generators' files (`folio import`), where any key is welcome.
pub fn parse_value(text: &str, src: Source<'_>) -> Result<serde_json::Value, Diagnostic> {
    let mut table = DeTable::parse(text).map_err(|e| syntax_error(&e, text, src))?;
    dates_to_text(table.get_mut());
    <serde_json::Value as serde::Deserialize>::deserialize(Deserializer::from(table))
        .map_err(|e| type_error(e.message(), e.span().map_or(0, |s| s.start), text, src))
}

/// Every TOML date and time in `table`, at any depth, as the text it is written as
/// (`2024-03-15`, `2024-03-15T10:00:00Z`): front matter holds dates as text, which
/// `front_matter::parse_date` reads whichever way they were written.
fn dates_to_text(table: &mut DeTable<'_>) {
    fn value(v: &mut DeValue<'_>) {
        match v {
            DeValue::Datetime(d) => *v = DeValue::String(d.to_string().into()),
            DeValue::Array(items) => items.iter_mut().for_each(|i| value(i.get_mut())),
            DeValue::Table(t) => dates_to_text(t),
            _ => {}
        }
    }
    for (_, v) in table.iter_mut() {
        value(v.get_mut());
    }
}

/// 1-based (line, column) of byte `offset` in `text`, counting columns in characters.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::diag::line_col(text, offset.min(text.len()))
}

/// The key written at the start of the line holding byte `offset` (`draft` for `draft = "x"`).
fn key_of_line(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or_default();
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()).then_some(key)
}

/// A TOML syntax error, in plain words, at its place.
fn syntax_error(e: &toml::de::Error, text: &str, src: Source<'_>) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let raw = e.message();
    let written = text.get(span.clone()).unwrap_or_default().trim();
    let key = key_of_line(text, span.start);
    const VALUES: &str = "a value is text in quotes (\"…\"), a number, true or false, a date (2024-03-15), a list […] or a table";
    let (message, help) = if raw.starts_with("key with no value") {
        (
            format!("`{}` has no `=` and value", key.or_else(|| line_text(text, span.start).split_whitespace().next()).unwrap_or("this line")),
            "write each setting as `key = value`, e.g. `title = \"My page\"`".to_string(),
        )
    } else if raw.contains("string, expected") {
        (
            "this text is not closed".to_string(),
            "end the text with the quote it starts with, on the same line (`\"\"\"` … `\"\"\"` for text over several lines)".to_string(),
        )
    } else if raw.starts_with("duplicate key") {
        let what = key.filter(|_| !written.starts_with('[')).unwrap_or(written.trim_matches(|c| c == '[' || c == ']'));
        (format!("`{what}` is written twice"), "each key (and each `[table]`) may appear only once; remove or rename one of them".to_string())
    } else if raw.starts_with("string values must be quoted") || raw.starts_with("invalid string") {
        (format!("`{written}` is not a value folio understands: text must be in quotes"), format!("write `{} = \"{written}\"`; {VALUES}", key.unwrap_or("key")))
    } else if raw.starts_with("invalid date") || raw.starts_with("invalid time") || raw.contains("offset") {
        let detail = raw.split("expected ").nth(1).map(|d| format!(" ({d})")).unwrap_or_default();
        (
            format!("`{} = {written}` is not a valid date{detail}", key.unwrap_or("date")),
            "write dates as YYYY-MM-DD (e.g. 2025-03-14), or YYYY-MM-DDTHH:MM:SSZ with a time".to_string(),
        )
    } else if raw.starts_with("unclosed array") {
        ("this list is not closed with `]`".to_string(), "close the list, e.g. `tags = [\"a\", \"b\"]`".to_string())
    } else if raw.starts_with("unclosed inline table") || raw.contains("inline table") {
        ("this table is not closed with `}`".to_string(), "write an inline table on one line, e.g. `extra = { color = \"blue\" }`".to_string())
    } else if raw.starts_with("unquoted keys cannot be empty") {
        ("a setting here has no key before its `=`".to_string(), "write each setting as `key = value`, e.g. `title = \"My page\"`".to_string())
    } else if raw.starts_with("unexpected key or value") {
        ("there is more on this line after the value".to_string(), "put each `key = value` on its own line; quote text that contains spaces".to_string())
    } else {
        ("this line is not valid front matter".to_string(), format!("write each setting as `key = value` on its own line; {VALUES}"))
    };
    let (line, col) = line_col(text, span.start);
    src.error_at(line, col, message).with_help(help)
}

/// The line of `text` holding byte `offset`.
fn line_text(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..].lines().next().unwrap_or_default()
}

/// A value of the wrong type (or not among the allowed values), in plain words.
fn type_error(raw: &str, offset: usize, text: &str, src: Source<'_>) -> Diagnostic {
    let key = key_of_line(text, offset).unwrap_or("this key");
    let message = if let Some(rest) = raw.strip_prefix("invalid type: ").or_else(|| raw.strip_prefix("invalid value: ")) {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another kind of value"));
        format!("`{key}` must be {}, not {}", plain_expected(expected), plain_found(found))
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another value"));
        format!("`{key}` cannot be {}; it must be {}", found.trim_matches('`'), expected.replace("one of ", "one of: "))
    } else if raw.starts_with("invalid length") || raw.contains("out of range") {
        format!("`{key}` is out of range")
    } else {
        format!("`{key}` has a value folio cannot use here")
    };
    let (line, col) = line_col(text, offset);
    src.error_at(line, col, message).with_help("check the value's type: text in quotes, numbers without quotes, `true`/`false` for yes/no, lists in `[…]`")
}

fn plain_expected(expected: &str) -> String {
    match expected {
        "a string" => "text in quotes".to_string(),
        "a boolean" => "true or false".to_string(),
        "a sequence" => "a list, like `[\"a\", \"b\"]`".to_string(),
        "i64" | "u64" | "i32" | "u32" | "usize" | "an integer" => "a whole number".to_string(),
        "f64" | "a float" => "a number".to_string(),
        other => other.strip_prefix("struct ").map_or_else(|| other.to_string(), |_| "a table".to_string()),
    }
}

fn plain_found(found: &str) -> String {
    let quoted = |prefix: &str| found.strip_prefix(prefix).map(|v| v.trim_matches('`').to_string());
    if let Some(v) = found.strip_prefix("string ") {
        format!("the text {v}")
    } else if let Some(v) = quoted("integer ").or_else(|| quoted("floating point ")) {
        format!("the number {v}")
    } else if let Some(v) = quoted("boolean ") {
        v
    } else if found == "sequence" {
        "a list".to_string()
    } else if found == "map" {
        "a table".to_string()
    } else {
        found.to_string()
    }
}

/// 1-based (line, column) of the first line setting `key` in TOML `text`: `key = …`,
/// `"key" = …`, a dotted `key.sub = …`, or a `[key]` table header.
pub fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let header = trimmed.strip_prefix('[').map(|h| h.trim_start_matches('[').trim_start());
        let (name, rest) = match header {
            Some(h) => (h, ""),
            None => (trimmed, "="),
        };
        let after = name.strip_prefix(key).or_else(|| {
            let q = name.strip_prefix('"').or_else(|| name.strip_prefix('\''))?;
            q.strip_prefix(key)?.strip_prefix(['"', '\''])
        })?;
        let after = after.trim_start();
        let ok = if rest.is_empty() { after.starts_with(']') || after.starts_with('.') } else { after.starts_with('=') || after.starts_with('.') };
        ok.then_some((i + 1, indent + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Kind;
    use serde::Deserialize;
    use std::path::Path;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: Option<String>,
        draft: Option<bool>,
        date: Option<String>,
        weight: Option<i64>,
        extra: Option<serde_json::Value>,
    }

    fn src(file: &str) -> Source<'_> {
        Source { path: Path::new("content/a.md"), file_text: file, line_offset: 1, kind: Kind::FrontMatter }
    }

    /// Parses `toml` as front matter of a file `+++\n{toml}+++\n`; returns the errors.
    fn errors(toml: &str) -> Vec<Diagnostic> {
        let file = format!("+++\n{toml}+++\n");
        parse_collecting::<Fm>(toml, src(&file)).errors
    }

    #[test]
    fn native_dates_become_text() {
        let file = "+++\ndate = 2024-03-15\n+++\n";
        let c = parse_collecting::<Fm>("date = 2024-03-15\n", src(file));
        assert_eq!(c.value.unwrap().date.as_deref(), Some("2024-03-15"));
        let v = parse_value("date = 2024-03-15T10:00:00Z\n[extra]\nwhen = 2024-01-02T03:04:05+02:00\nlist = [2024-01-01]\n", src(file)).unwrap();
        assert_eq!(v["date"], "2024-03-15T10:00:00Z");
        assert_eq!(v["extra"]["when"], "2024-01-02T03:04:05+02:00");
        assert_eq!(v["extra"]["list"][0], "2024-01-01");
    }

    #[test]
    fn every_unknown_key_is_reported_at_its_place() {
        let c = parse_collecting::<Fm>("tittle = \"x\"\ntitle = \"y\"\n  draftt = true\n", src("+++\ntittle = \"x\"\ntitle = \"y\"\n  draftt = true\n+++\n"));
        assert_eq!(c.value.and_then(|f| f.title).as_deref(), Some("y"));
        // Found in the order of the keys (the build sorts every diagnostic by position).
        let mut at: Vec<_> = c.errors.iter().map(|e| (e.line, e.col, e.message.as_str())).collect();
        at.sort();
        assert_eq!(at, vec![(Some(2), Some(1), "unknown key `tittle`"), (Some(4), Some(3), "unknown key `draftt`")]);
        assert!(c.errors.iter().all(|e| e.help.as_deref().unwrap().starts_with("did you mean `")), "{:?}", c.errors);
        let mut keys: Vec<_> = c.unknown.iter().map(|u| (u.key.as_str(), u.meant.as_deref(), c.errors[u.error].line)).collect();
        keys.sort();
        assert_eq!(keys, vec![("draftt", Some("draft"), Some(4)), ("tittle", Some("title"), Some(2))]);
    }

    #[test]
    fn syntax_errors_in_plain_words() {
        let cases = [
            ("title \"x\"\n", 1, "`title` has no `=` and value"),
            ("title = \"x\n", 1, "this text is not closed"),
            ("draft = true\ntitle = \"a\"\ntitle = \"b\"\n", 3, "`title` is written twice"),
            ("[extra]\na = 1\n[extra]\n", 3, "`extra` is written twice"),
            ("title = hello world\n", 1, "`hello world` is not a value folio understands: text must be in quotes"),
            ("date = 2024-13-01\n", 1, "`date = 2024-13-01` is not a valid date (month between 01 and 12)"),
            ("\n\ntags = [\"a\",\n", 3, "this list is not closed with `]`"),
            ("title = \"a\" b\n", 1, "there is more on this line after the value"),
        ];
        for (toml, line, message) in cases {
            let e = errors(toml);
            assert_eq!(e.len(), 1, "{toml:?}: {e:?}");
            assert_eq!((e[0].line, e[0].message.as_str()), (Some(line + 1), message), "{toml:?}");
            let help = e[0].help.as_deref().unwrap_or_default();
            assert!(!help.is_empty() && !e[0].message.contains("expected") && !e[0].message.contains("TOML"), "{toml:?}: {e:?}");
        }
    }

    #[test]
    fn type_errors_in_plain_words() {
        let e = errors("title = \"x\"\ndraft = \"yes\"\n");
        assert_eq!((e[0].line, e[0].col), (Some(3), Some(9)));
        assert_eq!(e[0].message, "`draft` must be true or false, not the text \"yes\"");
        assert_eq!(errors("weight = 1.5\n")[0].message, "`weight` must be a whole number, not the number 1.5");
        assert_eq!(errors("title = 3\n")[0].message, "`title` must be text in quotes, not the number 3");
    }

    #[test]
    fn finds_keys() {
        let text = "title = \"x\"\n\"draft\" = true\nextra.a = 1\n[ extra ]\n";
        assert_eq!(key_position(text, "title"), Some((1, 1)));
        assert_eq!(key_position(text, "draft"), Some((2, 1)));
        assert_eq!(key_position(text, "extra"), Some((3, 1)));
        assert_eq!(key_position("[extra]\n", "extra"), Some((1, 1)));
        assert_eq!(key_position("titles = 1\n", "title"), None);
    }
}

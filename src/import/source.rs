//! A source file's front matter, in any of the three forms Hugo, Jekyll and Zola accept (YAML
//! between `---`, TOML between `+++`, a JSON object), read into one JSON map, with the line of
//! each top-level key so the report can point at it.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// A content file split into its front matter and its body.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// The front matter's keys and values (empty when the file has none).
    pub fields: Map<String, Value>,
    /// The 1-based line of each top-level key in the file.
    pub key_lines: BTreeMap<String, usize>,
    /// Whether the file starts with front matter at all.
    pub has_front_matter: bool,
    /// The text after the front matter.
    pub body: String,
    /// The file's line on which the body starts (1-based).
    pub body_line: usize,
}

/// Splits `text` and parses its front matter. `Err` is a sentence for the import report, with
/// the line it is about.
pub fn split(path: &Path, text: &str) -> Result<Split, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let (fields, matter, body_start) = match first {
        "---" | "+++" => {
            let open_len = text.find('\n').map_or(text.len(), |i| i + 1);
            let rest = &text[open_len..];
            let mut pos = 0;
            let mut close = None;
            for line in rest.split_inclusive('\n') {
                if line.trim_end() == first || (first == "---" && line.trim_end() == "...") {
                    close = Some((pos, pos + line.len()));
                    break;
                }
                pos += line.len();
            }
            let Some((end, after)) = close else {
                return Err((1, format!("front matter opened with `{first}` is not closed; the file was not imported")));
            };
            let matter = &rest[..end];
            let fields = if first == "---" {
                parse_yaml(path, matter)?
            } else {
                parse_toml(path, matter, 1).map_err(|(line, m)| (line, format!("front matter does not parse: {m}; the file was not imported")))?
            };
            (fields, matter, open_len + after)
        }
        _ if text.starts_with('{') => {
            let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
            match stream.next() {
                Some(Ok(Value::Object(map))) => {
                    let end = stream.byte_offset();
                    let after = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                    (map, &text[..end], after)
                }
                Some(Err(e)) => return Err((e.line(), format!("JSON front matter does not parse ({}); the file was not imported", plain_json_error(&e)))),
                _ => return Ok(Split { body: text.to_string(), body_line: 1, ..Split::default() }),
            }
        }
        _ => return Ok(Split { body: text.to_string(), body_line: 1, ..Split::default() }),
    };
    let body_line = text[..body_start].matches('\n').count() + 1;
    let key_lines = key_lines(matter, if first == "---" || first == "+++" { 2 } else { 1 });
    Ok(Split { fields, key_lines, has_front_matter: true, body: text[body_start..].to_string(), body_line })
}

fn parse_yaml(path: &Path, matter: &str) -> Result<Map<String, Value>, (usize, String)> {
    let src = crate::yaml::Source { path, file_text: matter, line_offset: 1, kind: crate::diag::Kind::FrontMatter };
    match crate::yaml::parse::<Value>(matter, src) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(_) => Err((2, "front matter is not a list of `key: value` lines; the file was not imported".into())),
        Err(d) => Err((d.line.unwrap_or(1), format!("front matter does not parse: {}; the file was not imported", d.message))),
    }
}

fn parse_toml(path: &Path, matter: &str, line_offset: usize) -> Result<Map<String, Value>, (usize, String)> {
    let src = crate::yaml::Source { path, file_text: matter, line_offset, kind: crate::diag::Kind::FrontMatter };
    match crate::toml_fm::parse_value(matter, src) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(d) => Err((d.line.unwrap_or(1), d.message)),
    }
}

/// A whole TOML file (a site's `config.toml`) as JSON.
pub fn toml_file(path: &Path, text: &str) -> Result<Map<String, Value>, (usize, String)> {
    parse_toml(path, text, 0).map_err(|(line, m)| (line, format!("does not parse: {m}")))
}

/// A whole YAML file (a site's `_config.yml`) as JSON.
pub fn yaml_file(path: &Path, text: &str) -> Result<Map<String, Value>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let src = crate::yaml::Source::file(crate::diag::Kind::Config, path, text);
    match crate::yaml::parse::<Value>(text, src) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(d) => Err((d.line.unwrap_or(1), format!("does not parse: {}", d.message))),
    }
}

fn plain_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.split(" at line").next().unwrap_or(&text).to_string()
}

/// The line of each top-level key: a line that starts (unindented) with `key:`, `key =` or
/// `"key":`. `first_line` is the file line of the front matter's first line.
fn key_lines(matter: &str, first_line: usize) -> BTreeMap<String, usize> {
    let mut lines = BTreeMap::new();
    let mut table: Option<String> = None;
    let mut yaml_parent: Option<String> = None;
    for (i, line) in matter.lines().enumerate() {
        let line_no = first_line + i;
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") {
            // A TOML table: its name is the key (`[taxonomies]`, `[extra]`).
            let name = trimmed.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_string();
            let top = name.split('.').next().unwrap_or("").trim_matches('"').to_string();
            lines.entry(top.clone()).or_insert(line_no);
            table = Some(top);
            continue;
        }
        if line.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let key: String = trimmed.trim_start_matches('"').chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')).collect();
        let after = trimmed.trim_start_matches('"')[key.len()..].trim_start_matches('"').trim_start();
        if key.is_empty() || !(after.starts_with(':') || after.starts_with('=')) {
            continue;
        }
        // A key inside a TOML table or an indented YAML mapping is `parent.key`.
        if let Some(t) = &table {
            lines.entry(format!("{t}.{key}")).or_insert(line_no);
        } else if line.starts_with([' ', '\t']) {
            if let Some(p) = &yaml_parent {
                lines.entry(format!("{p}.{key}")).or_insert(line_no);
            }
        } else {
            yaml_parent = Some(key.clone());
            lines.entry(key).or_insert(line_no);
        }
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_three_forms() {
        let p = Path::new("x.md");
        let yaml = split(p, "---\ntitle: A\ntags: [x]\n---\nBody\n").unwrap();
        assert_eq!(yaml.fields["title"], "A");
        assert_eq!(yaml.key_lines["tags"], 3);
        assert_eq!((yaml.body.as_str(), yaml.body_line), ("Body\n", 5));
        let toml = split(p, "+++\ntitle = \"A\"\ndate = 2024-03-15T10:00:00Z\n[taxonomies]\ntags = [\"x\"]\n+++\nBody\n").unwrap();
        assert_eq!(toml.fields["date"], "2024-03-15T10:00:00Z");
        assert_eq!(toml.fields["taxonomies"]["tags"][0], "x");
        assert_eq!(toml.key_lines["taxonomies"], 4);
        assert_eq!(toml.key_lines["taxonomies.tags"], 5);
        assert_eq!(toml.body_line, 7);
        let json = split(p, "{\n  \"title\": \"A\"\n}\nBody\n").unwrap();
        assert_eq!(json.fields["title"], "A");
        assert_eq!(json.body, "Body\n");
        let none = split(p, "Just text\n").unwrap();
        assert!(!none.has_front_matter);
        assert!(split(p, "---\ntitle: [\n---\n").is_err());
        assert_eq!(split(p, "+++\ntitle = \n+++\n").unwrap_err().0, 2);
    }
}

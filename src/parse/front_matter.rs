//! Front matter: the YAML block between `---` lines at the top of a Markdown file. Strict: an
//! unknown key is an error naming the nearest valid key, so `tittle:` never passes silently.

use crate::diag::{Diagnostic, Kind};
use crate::yaml;
use serde::Deserialize;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
}

/// The keys a content file may carry. Section-only keys are checked by the caller.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    /// Published from this day on (held back before it, like a later `date:`).
    #[serde(default)]
    pub publish_date: Option<String>,
    /// Left out of the build from this day on.
    #[serde(default)]
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub toc: Option<bool>,
    #[serde(default)]
    pub banners: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Value,
    /// Sections (`_index.md`) only.
    #[serde(default)]
    pub sort_by: Option<SortBy>,
    /// Sections (`_index.md`) only.
    #[serde(default)]
    pub paginate_by: Option<usize>,
}

/// Parsed front matter plus where the Markdown body starts.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    pub meta: FrontMatter,
    /// The front matter's YAML text (for locating keys in later checks).
    pub yaml: &'a str,
    pub body: &'a str,
    /// Number of lines before the body (so body line N is file line N + body_line_offset).
    pub body_line_offset: usize,
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub publish_date: Option<OffsetDateTime>,
    pub expiry_date: Option<OffsetDateTime>,
}

/// Splits `text` into YAML front matter and body, and parses the YAML strictly.
/// All problems in the front matter are returned together.
pub fn parse<'a>(path: &Path, text: &'a str, is_section: bool) -> Result<Parsed<'a>, Vec<Diagnostic>> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let Some(after_open) = text_no_bom.strip_prefix("---\n").or_else(|| (text_no_bom.trim_end() == "---").then_some("")) else {
        return Err(vec![Diagnostic::at(path, text, 1, 1, "missing front matter")
            .with_help("start the file with a `---` line, then `title: \"Your title\"`, then another `---` line")
            .kind(Kind::FrontMatter)]);
    };
    let (yaml, body) = match find_closing(after_open) {
        Some((end, body_start)) => (&after_open[..end], &after_open[body_start..]),
        None => {
            return Err(vec![Diagnostic::at(path, text, 1, 1, "front matter is not closed")
                .with_help("add a line containing only `---` after the last front matter key")
                .kind(Kind::FrontMatter)])
        }
    };
    let _ = bom;
    let src = yaml::Source { path, file_text: text, line_offset: 1, kind: Kind::FrontMatter };
    // Every unknown key is reported, and the other keys are still checked.
    let yaml::Collected { value: meta, mut errors, meant } = yaml::parse_collecting::<FrontMatter>(yaml, src);
    let Some(meta) = meta else { return Err(errors) };
    let body_line_offset = text[..text.len() - body.len()].matches('\n').count();

    // A misspelt `title:` is already reported as an unknown key with a suggestion.
    let title_misspelt = meant.iter().any(|k| k == "title");
    match &meta.title {
        None if title_misspelt => {}
        None => errors.push(
            Diagnostic::at(path, text, 1, 1, "front matter has no `title`")
                .with_help("add a line such as `title: \"What a CTO does\"` between the `---` lines")
                .kind(Kind::FrontMatter),
        ),
        Some(t) if t.trim().is_empty() => errors.push(src.error_at_key(yaml, "title", "`title` is empty").with_help("give the page a title")),
        _ => {}
    }
    let date = parse_date_field(&meta.date, "date", yaml, src, &mut errors);
    let updated = parse_date_field(&meta.updated, "updated", yaml, src, &mut errors);
    let publish_date = parse_date_field(&meta.publish_date, "publish_date", yaml, src, &mut errors);
    let expiry_date = parse_date_field(&meta.expiry_date, "expiry_date", yaml, src, &mut errors);
    // A page that expires before it is published would never be seen. Compared by moment, so
    // `expiry_date` equal to the start is as wrong as an earlier one.
    if let (Some(end), Some(e)) = (expiry_date, &meta.expiry_date) {
        let start = match (publish_date, &meta.publish_date) {
            (Some(d), Some(text)) => Some(("publish_date", d, text)),
            // A bad publish_date is reported above; no start to compare with.
            (None, Some(_)) => None,
            _ => date.zip(meta.date.as_ref()).map(|(d, text)| ("date", d, text)),
        };
        if let Some((key, _, s)) = start.filter(|(_, start, _)| end <= *start) {
            errors.push(
                src.error_at_key(yaml, "expiry_date", format!("`expiry_date: {e}` is not after `{key}: {s}`"))
                    .with_help(format!("a page is published from its `{key}` until its `expiry_date`; make the expiry date later, or remove it")),
            );
        }
    }
    if !is_section {
        for (key, set) in [("sort_by", meta.sort_by.is_some()), ("paginate_by", meta.paginate_by.is_some())] {
            if set {
                errors.push(
                    src.error_at_key(yaml, key, format!("`{key}` only applies to sections")).with_help("move it to the section's `_index.md`, or remove it"),
                );
            }
        }
    }
    if is_section {
        // Sections are never held back; a schedule on one would be silently ignored.
        for (key, set) in [("publish_date", meta.publish_date.is_some()), ("expiry_date", meta.expiry_date.is_some())] {
            if set {
                errors.push(
                    src.error_at_key(yaml, key, format!("`{key}` only applies to pages, not sections"))
                        .with_help("schedule the section's pages one by one, or remove it"),
                );
            }
        }
    }
    if meta.paginate_by == Some(0) {
        errors.push(src.error_at_key(yaml, "paginate_by", "`paginate_by` must be at least 1").with_help("use e.g. `paginate_by: 10`"));
    }
    for alias in &meta.aliases {
        if !alias.starts_with('/') || alias.contains("..") || alias.contains('\\') {
            errors.push(
                src.error_at_key(yaml, "aliases", format!("alias `{alias}` must be a site path starting with `/`"))
                    .with_help("write aliases like `/blog/old-name/`"),
            );
        }
    }
    if let Some(slug) = &meta.slug {
        if slug.trim().is_empty() || slug.contains("..") || slug.starts_with('/') {
            errors.push(
                src.error_at_key(yaml, "slug", format!("slug `{slug}` is not a valid URL part"))
                    .with_help("use lowercase words joined by `-`, e.g. `slug: what-is-a-cto`"),
            );
        }
    }
    if !meta.extra.is_null() && !meta.extra.is_object() {
        errors.push(src.error_at_key(yaml, "extra", "`extra` must be a mapping of keys to values").with_help("indent keys under `extra:`"));
    }
    if errors.is_empty() {
        Ok(Parsed { meta, yaml, body, body_line_offset, date, updated, publish_date, expiry_date })
    } else {
        Err(errors)
    }
}

/// The Markdown body of a file with front matter and how many lines come before it, even when
/// the front matter itself has problems (so the body can still be checked).
pub fn body_of(text: &str) -> Option<(&str, usize)> {
    let after_open = text.strip_prefix('\u{feff}').unwrap_or(text).strip_prefix("---\n")?;
    let (_, body_start) = find_closing(after_open)?;
    let body = &after_open[body_start..];
    Some((body, text[..text.len() - body.len()].matches('\n').count()))
}

/// Byte offset where the closing `---` line starts and where the body begins.
fn find_closing(after_open: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

fn parse_date_field(value: &Option<String>, key: &str, yaml: &str, src: yaml::Source<'_>, errors: &mut Vec<Diagnostic>) -> Option<OffsetDateTime> {
    let v = value.as_deref()?;
    match parse_date(v) {
        Some(d) => Some(d),
        None => {
            errors.push(
                src.error_at_key(yaml, key, format!("`{key}: {v}` is not a valid date"))
                    .with_help("write dates as YYYY-MM-DD (e.g. 2025-03-14), or YYYY-MM-DDTHH:MM:SSZ with a time"),
            );
            None
        }
    }
}

/// Strict date parsing: `2025-03-14`, `2025-03-14T09:30:00Z`, `2025-03-14T09:30:00+02:00`,
/// `2025-03-14 09:30:00` or `2025-03-14 09:30`. Impossible dates (Feb 30) are rejected.
pub fn parse_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
        return Some(d.midnight().assume_utc());
    }
    if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(dt);
    }
    for fmt in [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ] {
        if let Ok(dt) = PrimitiveDateTime::parse(s, fmt) {
            return Some(dt.assume_utc());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Parsed<'_>, Vec<Diagnostic>> {
        parse(Path::new("content/a.md"), text, false)
    }

    #[test]
    fn parses_front_matter_and_body_offset() {
        let text = "---\ntitle: Hello\ndate: 2025-03-14\ntags: [a, b]\n---\n# Body\n";
        let parsed = p(text).unwrap();
        assert_eq!(parsed.meta.title.as_deref(), Some("Hello"));
        assert_eq!(parsed.body, "# Body\n");
        assert_eq!(parsed.body_line_offset, 5);
        assert_eq!(parsed.date.unwrap().date().to_string(), "2025-03-14");
    }

    #[test]
    fn missing_title_and_bad_date_reported_together() {
        let text = "---\ndate: 2025-02-30\n---\nx";
        let errs = p(text).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].message.contains("no `title`"));
        assert_eq!(errs[1].line, Some(2));
        assert!(errs[1].message.contains("not a valid date"));
    }

    #[test]
    fn typo_key_is_an_error() {
        let errs = p("---\ntittle: x\n---\n").unwrap_err();
        assert_eq!(errs[0].line, Some(2));
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `title`"));
        assert_eq!(errs.len(), 1, "a misspelt title is not also a missing one: {errs:?}");
        assert_eq!(errs[0].kind, Kind::FrontMatter);
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        assert!(p("---\ntitle: x\n").unwrap_err()[0].message.contains("not closed"));
        assert!(p("# just markdown").unwrap_err()[0].message.contains("missing front matter"));
    }

    #[test]
    fn section_keys_rejected_on_pages() {
        let errs = p("---\ntitle: x\nsort_by: title\n---\n").unwrap_err();
        assert!(errs[0].message.contains("only applies to sections"));
        assert!(parse(Path::new("content/s/_index.md"), "---\ntitle: x\nsort_by: title\n---\n", true).is_ok());
    }

    #[test]
    fn body_even_when_front_matter_is_wrong() {
        assert_eq!(body_of("---\ntittle: x\n---\nBody\n"), Some(("Body\n", 3)));
        assert_eq!(body_of("no front matter"), None);
    }

    #[test]
    fn publish_and_expiry_dates_take_the_date_formats() {
        let parsed = p("---\ntitle: x\ndate: 2025-01-01\npublish_date: 2025-02-01T09:00:00+02:00\nexpiry_date: 2025-03-01 10:00\n---\n").unwrap();
        assert_eq!(parsed.publish_date.unwrap().date().to_string(), "2025-02-01");
        assert_eq!(parsed.expiry_date.unwrap().date().to_string(), "2025-03-01");
        let errs = p("---\ntitle: x\npublish_date: 2025-02-30\nexpiry_date: soon\n---\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].col), (Some(3), Some(1)));
        assert!(errs[0].message.contains("`publish_date: 2025-02-30` is not a valid date"), "{}", errs[0].message);
        assert_eq!(errs[1].line, Some(4));
        assert!(errs[1].message.contains("`expiry_date: soon` is not a valid date"));
        let errs = p("---\ntitle: x\npublish_dat: 2025-02-01\n---\n").unwrap_err();
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `publish_date`"), "{errs:?}");
    }

    #[test]
    fn expiry_must_come_after_the_start() {
        let errs = p("---\ntitle: x\npublish_date: 2025-02-01\nexpiry_date: 2025-01-01\n---\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, Some(4));
        assert_eq!(errs[0].message, "`expiry_date: 2025-01-01` is not after `publish_date: 2025-02-01`");
        // Without publish_date, date is the start; the same moment is not after it.
        let errs = p("---\ntitle: x\ndate: 2025-02-01\nexpiry_date: 2025-02-01\n---\n").unwrap_err();
        assert_eq!(errs[0].message, "`expiry_date: 2025-02-01` is not after `date: 2025-02-01`");
        // publish_date, when set, is the start, even if date is later.
        assert!(p("---\ntitle: x\ndate: 2025-06-01\npublish_date: 2025-01-01\nexpiry_date: 2025-03-01\n---\n").is_ok());
        assert!(p("---\ntitle: x\nexpiry_date: 2025-03-01\n---\n").is_ok());
        let errs = parse(Path::new("content/s/_index.md"), "---\ntitle: x\nexpiry_date: 2025-03-01\n---\n", true).unwrap_err();
        assert!(errs[0].message.contains("only applies to pages"), "{errs:?}");
    }

    #[test]
    fn date_formats() {
        assert!(parse_date("2025-01-02T03:04:05Z").is_some());
        assert!(parse_date("2025-01-02T03:04:05+02:00").is_some());
        assert!(parse_date("2025-01-02 03:04").is_some());
        assert!(parse_date("02/01/2025").is_none());
        assert!(parse_date("2025-13-01").is_none());
    }
}

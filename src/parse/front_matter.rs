//! Front matter: the YAML block between `---` lines (or TOML between `+++` lines) at the top of a
//! Markdown file. Strict: an unknown key is an error naming the nearest valid key, so `tittle:`
//! never passes silently. Both languages fill one [`FrontMatter`] and pass the same checks.

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
    /// A team member's page: the page is a person (its title their name), shown by the
    /// `team()` block and linked from the byline of each page whose `author:` names them.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// A case study: the page gets a case-study card in lists and its results at the top.
    #[serde(default)]
    pub case_study: Option<CaseStudy>,
    /// Sections (`_index.md`) only.
    #[serde(default)]
    pub sort_by: Option<SortBy>,
    /// Sections (`_index.md`) only.
    #[serde(default)]
    pub paginate_by: Option<usize>,
}

impl FrontMatter {
    /// The image that stands for the page when it is shared: its `image:`, else a team
    /// member's portrait.
    pub fn share_image(&self) -> Option<&str> {
        self.image.as_deref().or_else(|| self.profile.as_ref().and_then(|p| p.photo.as_deref()))
    }
}

/// `profile:` — what a team member's page says about them besides their name and bio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Their job, e.g. "Founder and principal CTO".
    #[serde(default)]
    pub role: Option<String>,
    /// A portrait (a site path; a raster image gets responsive copies).
    #[serde(default)]
    pub photo: Option<String>,
    /// What the portrait shows, for people who cannot see it.
    #[serde(default)]
    pub photo_alt: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Elsewhere on the web: LinkedIn, GitHub, a personal site.
    #[serde(default)]
    pub links: Vec<NamedLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

/// `case_study:` — the facts a case-study card shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudy {
    pub client: String,
    #[serde(default)]
    pub industry: Option<String>,
    /// The client's logo (a site path).
    #[serde(default)]
    pub logo: Option<String>,
    /// The outcomes in figures: `{ value: "38%", label: "lower hosting bill" }`.
    #[serde(default)]
    pub results: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub value: String,
    pub label: String,
}

/// The most results a case study shows: a card has room for three.
pub const MAX_RESULTS: usize = 3;

/// The language a file's front matter is written in: YAML between `---` lines, or TOML between
/// `+++` lines (as Hugo and Zola sites write it). Both fill the same [`FrontMatter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Toml,
}

impl Syntax {
    /// The line that opens and closes the front matter.
    pub fn fence(self) -> &'static str {
        match self {
            Syntax::Yaml => "---",
            Syntax::Toml => "+++",
        }
    }

    /// `key: value` or `key = value`, as a message shows a setting.
    pub fn pair(self, key: &str, value: &str) -> String {
        match self {
            Syntax::Yaml => format!("{key}: {value}"),
            Syntax::Toml => format!("{key} = {value}"),
        }
    }
}

/// Parsed front matter plus where the Markdown body starts.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    pub meta: FrontMatter,
    /// The front matter's text between the fences (for locating keys in later checks).
    pub head: &'a str,
    pub syntax: Syntax,
    pub body: &'a str,
    /// Number of lines before the body (so body line N is file line N + body_line_offset).
    pub body_line_offset: usize,
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub publish_date: Option<OffsetDateTime>,
    pub expiry_date: Option<OffsetDateTime>,
    /// Problems that do not stop a build (a value wrapped in curly quotes).
    pub warnings: Vec<Diagnostic>,
}

/// Checks the `profile:` and `case_study:` blocks past their shape (which serde checks).
fn check_blocks(meta: &FrontMatter, head: Head<'_>, is_section: bool, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
    for (key, set) in [("profile", meta.profile.is_some()), ("case_study", meta.case_study.is_some())] {
        if set && is_section {
            errors.push(
                head.error_at_key(key, format!("`{key}` belongs on a page, not on a section's `_index.md`"))
                    .with_help("put it in the front matter of the page it describes"),
            );
        }
    }
    if let Some(p) = &meta.profile {
        if let Some(photo) = &p.photo {
            if p.photo_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                warnings.push(
                    head.error_at_value("photo", photo, "the profile photo has no `photo_alt`")
                        .with_help(format!(
                            "describe the portrait for people who cannot see it: `{}`",
                            head.pair("photo_alt", "\"Portrait of …, smiling, in a navy jacket\"")
                        ))
                        .warning(),
                );
            }
        }
        if let Some(email) = &p.email {
            if !email.contains('@') || email.contains(char::is_whitespace) {
                errors.push(
                    head.error_at_value("email", email, format!("`{email}` is not an email address"))
                        .with_help(format!("write it like `{}`", head.pair("email", "\"maya@example.com\""))),
                );
            }
        }
        for l in &p.links {
            if l.name.trim().is_empty() {
                errors.push(
                    head.error_at_value("links", &l.url, "a profile link has an empty `name`").with_help("name the link as readers see it, e.g. LinkedIn"),
                );
            }
            if !(l.url.starts_with("https://") || l.url.starts_with("http://") || l.url.starts_with("mailto:") || l.url.starts_with('/')) {
                errors.push(
                    head.error_at_value("links", &l.url, format!("profile link `{}` is not an address", l.url))
                        .with_help("write a full address starting with https://, or a site path starting with /"),
                );
            }
        }
    }
    if let Some(c) = &meta.case_study {
        if c.client.trim().is_empty() {
            errors.push(head.error_at_key("client", "the case study's `client` is empty").with_help("name the client, e.g. `client: \"Harbourline Freight\"`"));
        }
        for r in &c.results {
            for (key, v) in [("value", &r.value), ("label", &r.label)] {
                if v.trim().is_empty() {
                    errors.push(
                        head.error_at_value("results", &r.label, format!("a result's `{key}` is empty"))
                            .with_help("write each result as a figure and what it measures: `{ value: \"38%\", label: \"lower hosting bill\" }`"),
                    );
                }
            }
        }
        if c.results.len() > MAX_RESULTS {
            errors.push(
                head.error_at_value(
                    "results",
                    &c.results[MAX_RESULTS].value,
                    format!("a case study shows at most {MAX_RESULTS} results; this one has {}", c.results.len()),
                )
                .with_help("keep the three that matter most, and tell the rest in the text"),
            );
        }
    }
}

/// The front matter's text, its language and file, for messages about its keys.
#[derive(Clone, Copy)]
struct Head<'a> {
    text: &'a str,
    syntax: Syntax,
    src: yaml::Source<'a>,
}

impl Head<'_> {
    /// A diagnostic at the line where `key` is set (first occurrence), or the start.
    fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        match self.syntax {
            Syntax::Yaml => self.src.error_at_key(self.text, key, message),
            Syntax::Toml => {
                let (line, col) = crate::toml_fm::key_position(self.text, key).unwrap_or((1, 1));
                self.src.error_at(line, col, message)
            }
        }
    }

    fn pair(&self, key: &str, value: &str) -> String {
        self.syntax.pair(key, value)
    }

    /// A diagnostic at `value` where it is written after `key:` (a value in a list under the
    /// key), else at the key.
    fn error_at_value(&self, key: &str, value: &str, message: impl Into<String>) -> Diagnostic {
        let key_line = match self.syntax {
            Syntax::Yaml => yaml::key_position(self.text, key),
            Syntax::Toml => crate::toml_fm::key_position(self.text, key),
        };
        let found = key_line
            .filter(|_| !value.is_empty())
            .and_then(|(line, _)| self.text.lines().enumerate().skip(line - 1).find_map(|(i, l)| l.find(value).map(|at| (i + 1, l[..at].chars().count() + 1))));
        match found {
            Some((line, col)) => self.src.error_at(line, col, message),
            None => self.error_at_key(key, message),
        }
    }
}

/// The front matter's language, its text and the body, or why the file has none.
struct Split<'a> {
    syntax: Syntax,
    head: &'a str,
    body: &'a str,
}

/// Finds the front matter at the top of `text` (after a byte-order mark, if any): a `---` or
/// `+++` line, the front matter, the same line again. Lines may end in `\r\n`.
fn split(text: &str) -> Result<Split<'_>, (&'static str, &'static str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.split_inclusive('\n').next().unwrap_or_default();
    let syntax = match first.trim_end() {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => {
            return Err((
                "missing front matter",
                "start the file with a `---` line, then `title: \"Your title\"`, then another `---` line (or TOML between `+++` lines)",
            ))
        }
    };
    let after_open = &text[first.len()..];
    let Some((end, body_start)) = find_closing(after_open, syntax.fence()) else {
        return Err((
            "front matter is not closed",
            match syntax {
                Syntax::Yaml => "add a line containing only `---` after the last front matter key",
                Syntax::Toml => "add a line containing only `+++` after the last front matter key",
            },
        ));
    };
    Ok(Split { syntax, head: &after_open[..end], body: &after_open[body_start..] })
}

/// Splits `text` into front matter (YAML or TOML) and body, and parses the front matter
/// strictly. All problems in the front matter are returned together.
pub fn parse<'a>(path: &Path, text: &'a str, is_section: bool) -> Result<Parsed<'a>, Vec<Diagnostic>> {
    let Split { syntax, head: head_text, body } =
        split(text).map_err(|(message, help)| vec![Diagnostic::at(path, text, 1, 1, message).with_help(help).kind(Kind::FrontMatter)])?;
    let src = yaml::Source { path, file_text: text, line_offset: 1, kind: Kind::FrontMatter };
    // Every unknown key is reported, and the other keys are still checked.
    let yaml::Collected { value: meta, mut errors, unknown } = match syntax {
        Syntax::Yaml => yaml::parse_collecting::<FrontMatter>(head_text, src),
        Syntax::Toml => crate::toml_fm::parse_collecting::<FrontMatter>(head_text, src),
    };
    for u in &unknown {
        if let Some(e) = errors.get_mut(u.error) {
            e.help = Some(unknown_key_help(&u.key, u.meant.as_deref(), e.help.take().unwrap_or_default(), syntax));
        }
    }
    let Some(meta) = meta else { return Err(errors) };
    let body_line_offset = text[..text.len() - body.len()].matches('\n').count();
    let head = Head { text: head_text, syntax, src };

    // A misspelt `title:` is already reported as an unknown key with a suggestion.
    let title_misspelt = unknown.iter().any(|u| u.meant.as_deref() == Some("title"));
    match &meta.title {
        None if title_misspelt => {}
        None => errors.push(
            Diagnostic::at(path, text, 1, 1, "front matter has no `title`")
                .with_help(format!("add a line such as `{}` between the `{}` lines", syntax.pair("title", "\"What a CTO does\""), syntax.fence()))
                .kind(Kind::FrontMatter),
        ),
        Some(t) if t.trim().is_empty() => errors.push(head.error_at_key("title", "`title` is empty").with_help("give the page a title")),
        _ => {}
    }
    let date = parse_date_field(&meta.date, "date", head, &mut errors);
    let updated = parse_date_field(&meta.updated, "updated", head, &mut errors);
    let publish_date = parse_date_field(&meta.publish_date, "publish_date", head, &mut errors);
    let expiry_date = parse_date_field(&meta.expiry_date, "expiry_date", head, &mut errors);
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
                head.error_at_key("expiry_date", format!("`{}` is not after `{}`", head.pair("expiry_date", e), head.pair(key, s)))
                    .with_help(format!("a page is published from its `{key}` until its `expiry_date`; make the expiry date later, or remove it")),
            );
        }
    }
    if !is_section {
        for (key, set) in [("sort_by", meta.sort_by.is_some()), ("paginate_by", meta.paginate_by.is_some())] {
            if set {
                errors
                    .push(head.error_at_key(key, format!("`{key}` only applies to sections")).with_help("move it to the section's `_index.md`, or remove it"));
            }
        }
    }
    if is_section {
        // Sections are never held back; a schedule on one would be silently ignored.
        for (key, set) in [("publish_date", meta.publish_date.is_some()), ("expiry_date", meta.expiry_date.is_some())] {
            if set {
                errors.push(
                    head.error_at_key(key, format!("`{key}` only applies to pages, not sections"))
                        .with_help("schedule the section's pages one by one, or remove it"),
                );
            }
        }
    }
    if meta.paginate_by == Some(0) {
        errors.push(head.error_at_key("paginate_by", "`paginate_by` must be at least 1").with_help(format!("use e.g. `{}`", head.pair("paginate_by", "10"))));
    }
    for alias in &meta.aliases {
        if !alias.starts_with('/') || alias.contains("..") || alias.contains('\\') {
            errors.push(
                head.error_at_key("aliases", format!("alias `{alias}` must be a site path starting with `/`"))
                    .with_help("write aliases like `/blog/old-name/`"),
            );
        }
    }
    if let Some(slug) = &meta.slug {
        if slug.trim().is_empty() || slug.contains("..") || slug.starts_with('/') {
            errors.push(
                head.error_at_key("slug", format!("slug `{slug}` is not a valid URL part"))
                    .with_help(format!("use lowercase words joined by `-`, e.g. `{}`", head.pair("slug", "what-is-a-cto"))),
            );
        }
    }
    if !meta.extra.is_null() && !meta.extra.is_object() {
        errors.push(head.error_at_key("extra", "`extra` must be a mapping of keys to values").with_help(match syntax {
            Syntax::Yaml => "indent keys under `extra:`",
            Syntax::Toml => "write the keys under an `[extra]` line, at the end of the front matter",
        }));
    }
    let mut warnings = Vec::new();
    check_blocks(&meta, head, is_section, &mut errors, &mut warnings);
    if errors.is_empty() {
        if syntax == Syntax::Yaml {
            warnings.extend(yaml::curly_quote_warnings(head_text, src));
        }
        Ok(Parsed { meta, head: head_text, syntax, body, body_line_offset, date, updated, publish_date, expiry_date, warnings })
    } else {
        Err(errors)
    }
}

/// The help for an unknown front-matter key: what folio calls a key other generators use
/// (`layout` is `template`), else the near valid key, and where custom data goes.
fn unknown_key_help(key: &str, meant: Option<&str>, generic: String, syntax: Syntax) -> String {
    let folio_key = |k: &str, example: &str| format!("folio calls this `{k}`: write `{}`", syntax.pair(k, example));
    let extra = match syntax {
        Syntax::Yaml => format!("put it under `extra:` (`extra:` then `  {key}: …` on the next line) and read it in templates as `page.extra.{key}`"),
        Syntax::Toml => format!("put it under `[extra]` (an `[extra]` line, then `{key} = …`) and read it in templates as `page.extra.{key}`"),
    };
    let normalized: String = key.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect();
    match normalized.as_str() {
        "layout" => folio_key("template", "\"page.html\"") + " (a file in templates/)",
        "publishdate" | "pubdate" => folio_key("publish_date", "2025-03-14"),
        "published" => format!("folio has no `{key}`; to hold a page back, write `{}`", syntax.pair("draft", "true")),
        "expirydate" | "unpublishdate" | "expires" => folio_key("expiry_date", "2025-12-31"),
        "lastmod" | "lastmodified" | "lastmodifiedat" | "modified" | "updatedat" | "updateddate" => folio_key("updated", "2025-03-14"),
        "permalink" | "url" | "path" => format!(
            "folio makes a page's address from its file's place and `slug`: write `{}`, and keep an old address working with `{}`",
            syntax.pair("slug", "my-page"),
            syntax.pair("aliases", "[\"/old/address/\"]")
        ),
        "summary" | "excerpt" => folio_key("description", "\"One sentence about the page\""),
        "images" | "cover" | "thumbnail" | "featuredimage" => folio_key("image", "\"/images/cover.jpg\""),
        "authors" => format!("folio takes one author: write `{}`", syntax.pair("author", "\"Ada Lovelace\"")),
        "taxonomies" => format!("write `{}` and `{}` as keys of their own", syntax.pair("tags", "[\"a\"]"), syntax.pair("categories", "[\"b\"]")),
        "linktitle" | "keywords" | "subtitle" => extra,
        _ => match meant {
            Some(_) => generic,
            None => format!("{generic}; for data of your own, {extra}"),
        },
    }
}

/// 1-based (line, column), in a content file's whole text, of the first line of its front matter
/// (YAML or TOML) that sets `key`: for messages placed at a key after parsing.
pub fn key_position(file_text: &str, key: &str) -> Option<(usize, usize)> {
    let Ok(Split { syntax, head, .. }) = split(file_text) else { return yaml::key_position(file_text, key) };
    let (line, col) = match syntax {
        Syntax::Yaml => yaml::key_position(head, key)?,
        Syntax::Toml => crate::toml_fm::key_position(head, key)?,
    };
    Some((line + 1, col))
}

/// The Markdown body of a file with front matter and how many lines come before it, even when
/// the front matter itself has problems (so the body can still be checked).
pub fn body_of(text: &str) -> Option<(&str, usize)> {
    let body = split(text).ok()?.body;
    Some((body, text[..text.len() - body.len()].matches('\n').count()))
}

/// Byte offset where the closing `fence` line starts and where the body begins.
fn find_closing(after_open: &str, fence: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

fn parse_date_field(value: &Option<String>, key: &str, head: Head<'_>, errors: &mut Vec<Diagnostic>) -> Option<OffsetDateTime> {
    let v = value.as_deref()?;
    match parse_date(v) {
        Some(d) => Some(d),
        None => {
            errors.push(
                head.error_at_key(key, format!("`{}` is not a valid date", head.pair(key, v)))
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
        assert_eq!(body_of("+++\ntittle = \n+++\nBody\n"), Some(("Body\n", 3)));
        assert_eq!(key_position("+++\ntitle = \"x\"\n  aliases = [\"/a/\"]\n+++\naliases: x\n", "aliases"), Some((3, 3)));
        assert_eq!(key_position("---\ntitle: x\naliases: [/a/]\n---\n", "aliases"), Some((3, 1)));
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

    fn t(text: &str) -> Result<Parsed<'_>, Vec<Diagnostic>> {
        parse(Path::new("content/a.md"), text, false)
    }

    #[test]
    fn toml_front_matter_fills_the_same_struct() {
        let text = "+++\ntitle = \"Hello\"\ndate = 2024-03-15\nupdated = 2024-03-16T10:00:00Z\ntags = [\"a\", \"b\"]\n[extra]\ncolor = \"blue\"\n+++\n# Body\n";
        let parsed = t(text).unwrap();
        assert_eq!(parsed.syntax, Syntax::Toml);
        assert_eq!(parsed.meta.title.as_deref(), Some("Hello"));
        assert_eq!(parsed.meta.tags, ["a", "b"]);
        assert_eq!(parsed.meta.extra["color"], "blue");
        assert_eq!(parsed.body, "# Body\n");
        assert_eq!(parsed.body_line_offset, 8);
        assert_eq!(parsed.date.unwrap().date().to_string(), "2024-03-15");
        assert_eq!(parsed.updated.unwrap().hour(), 10);
        // An offset date-time is a moment, like the quoted form.
        let a = t("+++\ntitle = \"x\"\ndate = 2024-03-15T10:00:00+02:00\n+++\n").unwrap().date;
        let b = t("---\ntitle: x\ndate: \"2024-03-15T10:00:00+02:00\"\n---\n").unwrap().date;
        assert_eq!(a, b);
        assert_eq!(t("+++\ntitle = \"x\"\ndate = \"2024-03-15\"\n+++\n").unwrap().date, t("+++\ntitle = \"x\"\ndate = 2024-03-15\n+++\n").unwrap().date);
    }

    #[test]
    fn toml_front_matter_passes_the_same_checks() {
        // Each check of `parse`, at the key's line in TOML text.
        let errs = t("+++\ntitle = \"x\"\npublish_date = 2025-02-01\nexpiry_date = 2025-01-01\nsort_by = \"title\"\naliases = [\"old\"]\n+++\n").unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Some(4), "`expiry_date = 2025-01-01` is not after `publish_date = 2025-02-01`"),
                (Some(5), "`sort_by` only applies to sections"),
                (Some(6), "alias `old` must be a site path starting with `/`"),
            ]
        );
        let errs = t("+++\ndate = \"2025-02-30\"\n+++\n").unwrap_err();
        assert!(
            errs[0].message.contains("no `title`") && errs[0].help.as_deref().unwrap().contains("`title = \"What a CTO does\"` between the `+++` lines"),
            "{errs:?}"
        );
        assert_eq!((errs[1].line, errs[1].message.as_str()), (Some(2), "`date = 2025-02-30` is not a valid date"));
        let errs = t("+++\ntitle = \"x\"\nextra = 3\n+++\n").unwrap_err();
        assert_eq!(errs[0].line, Some(3));
        let errs = parse(Path::new("content/s/_index.md"), "+++\ntitle = \"x\"\npaginate_by = 0\n+++\n", true).unwrap_err();
        assert_eq!((errs[0].line, errs[0].help.as_deref()), (Some(3), Some("use e.g. `paginate_by = 10`")));
        assert!(parse(Path::new("content/s/_index.md"), "+++\ntitle = \"x\"\nsort_by = \"weight\"\n+++\n", true).is_ok());
        let errs = t("+++\ntittle = \"x\"\n+++\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `title`"));
        assert!(t("+++\ntitle = \"x\"\n").unwrap_err()[0].message.contains("not closed"));
    }

    #[test]
    fn keys_of_other_generators_get_folio_names() {
        for (fm, key, help) in [
            ("---\ntitle: x\nlayout: post\n---\n", "layout", "folio calls this `template`: write `template: \"page.html\"`"),
            ("+++\ntitle = \"x\"\nlayout = \"post\"\n+++\n", "layout", "folio calls this `template`: write `template = \"page.html\"`"),
            ("---\ntitle: x\npublishDate: 2025-01-01\n---\n", "publishDate", "folio calls this `publish_date`"),
            ("---\ntitle: x\nexpiryDate: 2025-01-01\n---\n", "expiryDate", "folio calls this `expiry_date`"),
            ("---\ntitle: x\nlastmod: 2025-01-01\n---\n", "lastmod", "folio calls this `updated`"),
            ("---\ntitle: x\nlast_modified_at: 2025-01-01\n---\n", "last_modified_at", "folio calls this `updated`"),
            ("---\ntitle: x\npermalink: /a/\n---\n", "permalink", "write `slug: my-page`, and keep an old address working with `aliases:"),
            ("+++\ntitle = \"x\"\nurl = \"/a/\"\n+++\n", "url", "write `slug = my-page`"),
            ("---\ntitle: x\nsummary: s\n---\n", "summary", "folio calls this `description`"),
            ("---\ntitle: x\nlinkTitle: s\n---\n", "linkTitle", "put it under `extra:`"),
            ("+++\ntitle = \"x\"\nlinkTitle = \"s\"\n+++\n", "linkTitle", "put it under `[extra]`"),
            ("---\ntitle: x\nmood: happy\n---\n", "mood", "for data of your own, put it under `extra:`"),
        ] {
            let errs = t(fm).unwrap_err();
            assert_eq!(errs.len(), 1, "{fm:?}: {errs:?}");
            assert_eq!((errs[0].line, errs[0].message.clone()), (Some(3), format!("unknown key `{key}`")), "{fm:?}");
            let got = errs[0].help.as_deref().unwrap();
            assert!(got.contains(help), "{fm:?}: {got}");
        }
    }

    #[test]
    fn byte_order_mark_and_crlf_in_both_languages() {
        for text in [
            "\u{feff}---\r\ntitle: Hi\r\ndate: 2024-03-15\r\n---\r\nBody\r\n",
            "\u{feff}+++\r\ntitle = \"Hi\"\r\ndate = 2024-03-15\r\n+++\r\nBody\r\n",
            "---\r\ntitle: Hi\r\ndate: 2024-03-15\r\n---\r\nBody\r\n",
            "+++\r\ntitle = \"Hi\"\r\ndate = 2024-03-15\r\n+++\r\nBody\r\n",
        ] {
            let parsed = t(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            assert_eq!((parsed.meta.title.as_deref(), parsed.body, parsed.body_line_offset), (Some("Hi"), "Body\r\n", 4), "{text:?}");
            assert_eq!(parsed.date.unwrap().date().to_string(), "2024-03-15");
            assert_eq!(body_of(text), Some(("Body\r\n", 4)));
        }
        let errs = t("\u{feff}+++\r\ntitle = \"x\"\r\nlayout = \"y\"\r\n+++\r\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (Some(3), Some(1)));
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

//! Front matter from Hugo, Jekyll and Zola mapped to folio's fields. What has a folio
//! equivalent becomes it (dates in the forms folio reads, `url:`/`permalink:`/`path:` a slug plus
//! an alias, `publishDate`/`expiryDate` scheduled publishing); everything else is kept under
//! `extra:`, and what changes how a page is published is also named in the report.

use super::{Flavour, Notes};
use serde::Serialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A page's or section's front matter as folio reads it, in the order a person would write it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Folio {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paginate_by: Option<u64>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// What the mapping found besides the fields.
#[derive(Debug, Default)]
pub struct Mapped {
    pub folio: Folio,
    /// The page's own address in the old site (`url:`, `permalink:`, `path:`), when it set one.
    pub own_url: Option<String>,
    /// The file is not a page in the old site (a headless bundle, `render = false`, a redirect).
    pub not_rendered: Option<String>,
    /// Hugo's `cascade:` asked for descendants not to be rendered.
    pub cascade_not_rendered: bool,
}

/// Layouts and templates that are the source's ordinary ones: folio's own templates play their
/// part, so they are not reported.
const ORDINARY_LAYOUTS: &[&str] = &[
    "post",
    "posts",
    "page",
    "default",
    "home",
    "single",
    "list",
    "article",
    "blog",
    "index",
    "section",
    "page.html",
    "section.html",
    "index.html",
    "blog-page.html",
    "blog.html",
    "post.html",
];

/// Maps the front matter of `src` (a file of the old site) to folio's fields.
pub fn map(
    flavour: Flavour,
    src: &str,
    fields: &Map<String, Value>,
    key_lines: &std::collections::BTreeMap<String, usize>,
    section: bool,
    notes: &mut Notes,
) -> Mapped {
    let line = |k: &str| key_lines.get(k).copied().unwrap_or(1);
    let mut out = Mapped::default();
    let f = &mut out.folio;
    let mut rest: Map<String, Value> = Map::new();
    let mut description_from: Option<String> = None;
    for (key, value) in fields {
        match key.as_str() {
            "title" => f.title = text(value),
            "description" => f.description = Some(text(value)),
            "summary" | "excerpt" => description_from = Some(text(value)),
            "date" | "updated" | "lastmod" | "last_modified_at" | "modified" | "publishDate" | "publishdate" | "pubdate" | "expiryDate" | "expirydate"
            | "unpublishdate" => {
                let target = match key.as_str() {
                    "date" => &mut f.date,
                    "publishDate" | "publishdate" | "pubdate" => &mut f.publish_date,
                    "expiryDate" | "expirydate" | "unpublishdate" => &mut f.expiry_date,
                    _ => &mut f.updated,
                };
                match normalise_date(&text(value)) {
                    Some(d) => *target = Some(d),
                    None if text(value).trim().is_empty() => {}
                    None => {
                        notes.untranslated(src, line(key), format!("`{key}: {}` is not a date folio can read; kept under `extra:`", text(value)));
                        rest.insert(key.clone(), value.clone());
                    }
                }
            }
            "draft" => f.draft |= truthy(value),
            "published" if flavour == Flavour::Jekyll => f.draft |= !truthy(value),
            "slug" => f.slug = Some(text(value)).filter(|s| !s.trim().is_empty()),
            "url" | "permalink" | "path" => {
                let url = text(value);
                if !url.trim().is_empty() {
                    out.own_url = Some(url);
                }
            }
            "aliases" | "redirect_from" => f.aliases.extend(list(value)),
            "tags" => f.tags.extend(words(flavour, value)),
            "categories" | "category" => f.categories.extend(words(flavour, value)),
            "taxonomies" if flavour == Flavour::Zola => {
                for (name, terms) in value.as_object().into_iter().flatten() {
                    match name.as_str() {
                        "tags" => f.tags.extend(list(terms)),
                        "categories" => f.categories.extend(list(terms)),
                        _ => {
                            let at = key_lines.get(&format!("{key}.{name}")).copied().unwrap_or(line(key));
                            notes.untranslated(src, at, format!("taxonomy `{name}` kept under `extra:`; folio lists tags and categories"));
                            rest.insert(name.clone(), terms.clone());
                        }
                    }
                }
            }
            "author" => f.author = author(value),
            "authors" => {
                let all = list(value);
                if f.author.is_none() {
                    f.author = all.first().cloned();
                }
                if all.len() > 1 {
                    rest.insert(key.clone(), value.clone());
                }
            }
            "image" | "featured_image" | "cover" => match image(value) {
                Some(img) if f.image.is_none() => f.image = Some(img),
                _ => {
                    rest.insert(key.clone(), value.clone());
                }
            },
            "images" => match list(value).first() {
                Some(img) if f.image.is_none() => f.image = Some(img.clone()),
                _ => {
                    rest.insert(key.clone(), value.clone());
                }
            },
            "weight" => match value.as_i64().or_else(|| text(value).trim().parse().ok()) {
                Some(w) => f.weight = Some(w),
                None => {
                    rest.insert(key.clone(), value.clone());
                }
            },
            "toc" if value.is_boolean() => f.toc = value.as_bool(),
            "sort_by" if section => match text(value).as_str() {
                "date" | "update_date" => f.sort_by = Some("date".into()),
                "title" | "title_bytes" => f.sort_by = Some("title".into()),
                "weight" => f.sort_by = Some("weight".into()),
                other => {
                    notes.untranslated(src, line(key), format!("`sort_by = \"{other}\"` has no folio equivalent; the section is sorted by date"));
                    rest.insert(key.clone(), value.clone());
                }
            },
            "paginate_by" if section => match value.as_u64() {
                Some(0) | None => {
                    rest.insert(key.clone(), value.clone());
                }
                Some(n) => f.paginate_by = Some(n),
            },
            "headless" if truthy(value) => out.not_rendered = Some("a headless bundle (`headless: true`)".into()),
            "_build" | "build" => {
                if never_rendered(value) {
                    out.not_rendered = Some(format!("not rendered in the old site (`{key}: render: never`)"));
                }
            }
            "render" if flavour == Flavour::Zola && value == &Value::Bool(false) => {
                out.not_rendered = Some("not rendered in the old site (`render = false`)".into())
            }
            "cascade" => {
                let entries: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for entry in entries {
                    for (k, v) in entry.as_object().into_iter().flatten() {
                        match k.as_str() {
                            "_build" | "build" if never_rendered(v) => out.cascade_not_rendered = true,
                            "headless" if truthy(v) => out.cascade_not_rendered = true,
                            _ => {
                                let at = key_lines.get(&format!("{key}.{k}")).copied().unwrap_or(line(key));
                                notes.untranslated(src, at, format!("`cascade:` of `{k}` is not applied to the pages below; set it on each page"));
                            }
                        }
                    }
                }
            }
            "redirect_to" => {
                let to = list(value).first().cloned().unwrap_or_else(|| text(value));
                out.not_rendered = Some(format!("a redirect to {to} in the old site"));
            }
            "layout" | "template" | "type" | "page_template" => {
                let name = text(value);
                if !ORDINARY_LAYOUTS.contains(&name.as_str()) {
                    notes.untranslated(
                        src,
                        line(key),
                        format!("`{key}: {name}` kept under `extra:`; the page uses folio's default template (set `template:` to a template of your theme)"),
                    );
                }
                rest.insert(key.clone(), value.clone());
            }
            "transparent" if truthy(value) => {
                notes.untranslated(src, line(key), "`transparent = true` has no folio equivalent: the section's pages are listed only in this section");
                rest.insert(key.clone(), value.clone());
            }
            "params" | "extra" => {
                if let Value::Object(map) = value {
                    for (k, v) in map {
                        rest.insert(k.clone(), v.clone());
                    }
                }
            }
            _ => {
                rest.insert(key.clone(), value.clone());
            }
        }
    }
    if f.description.is_none() {
        f.description = description_from.filter(|d| !d.trim().is_empty()).map(|d| d.trim().to_string());
    }
    f.aliases.dedup();
    dedup(&mut f.tags);
    dedup(&mut f.categories);
    f.extra = rest;
    out
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|t| !t.trim().is_empty() && seen.insert(t.clone()));
}

fn never_rendered(value: &Value) -> bool {
    value.get("render").is_some_and(|r| r == "never" || r == &Value::Bool(false) || r == "false")
}

/// A value as text: strings as they are, numbers and booleans written out.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The value at a dotted path (`params.version`, `authors.0.name`) of a map; `any_case` also
/// finds a key written in lower case (Hugo's configuration keys are case-insensitive).
pub fn lookup<'a>(map: &'a Map<String, Value>, path: &str, any_case: bool) -> Option<&'a Value> {
    let find = |m: &'a Map<String, Value>, part: &str| m.get(part).or_else(|| any_case.then(|| m.get(&part.to_ascii_lowercase())).flatten());
    let mut parts = path.split('.');
    let mut v = find(map, parts.next()?)?;
    for part in parts {
        v = match v {
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            Value::Object(m) => find(m, part)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A value that is one string, number or boolean, as text; `None` for a list, a map or null.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Object(_) | Value::Array(_) | Value::Null => None,
        other => Some(text(other)),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true" || s == "yes",
        _ => false,
    }
}

/// A list, or one value as a list of one.
fn list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text).filter(|s| !s.trim().is_empty()).collect(),
        Value::Null => Vec::new(),
        other => vec![text(other)].into_iter().filter(|s| !s.trim().is_empty()).collect(),
    }
}

/// Tags and categories: Jekyll also takes one string of space-separated words.
fn words(flavour: Flavour, value: &Value) -> Vec<String> {
    match value {
        Value::String(s) if flavour == Flavour::Jekyll => s.split_whitespace().map(str::to_string).collect(),
        other => list(other),
    }
}

fn author(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.get("name").map(text),
        Value::Array(items) => items.first().and_then(author),
        other => Some(text(other)).filter(|s| !s.trim().is_empty()),
    }
}

fn image(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Object(map) => map.get("path").or_else(|| map.get("image")).or_else(|| map.get("src")).map(text),
        _ => None,
    }
}

/// A date in a form folio reads (`2024-03-15`, or RFC 3339 with a time), from the forms the
/// three generators write: TOML dates, `2024-03-15 10:00:00 +0100` (Jekyll), fractions of a
/// second, a date with a time and no zone.
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() == 10 && crate::parse::front_matter::parse_date(s).is_some() {
        return Some(s.to_string());
    }
    let moment = crate::parse::front_matter::parse_date(s)
        .or_else(|| with_numeric_offset(s))
        .or_else(|| OffsetDateTime::parse(&s.replacen(' ', "T", 1), &Rfc3339).ok())?;
    moment.format(&Rfc3339).ok()
}

/// `2024-03-15 10:00:00 +0100`, `2024-03-15 10:00 -07:00`, `2024-03-15T10:00:00.5 +0100`.
fn with_numeric_offset(s: &str) -> Option<OffsetDateTime> {
    let (when, zone) = s.rsplit_once(' ')?;
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i8 = digits[..2].parse().ok()?;
    let minutes: i8 = digits[2..].parse().ok()?;
    let offset = UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?;
    let when = when.trim().replacen('T', " ", 1);
    let when = when.split('.').next()?;
    for fmt in [format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"), format_description!("[year]-[month]-[day] [hour]:[minute]")] {
        if let Ok(dt) = PrimitiveDateTime::parse(when, fmt) {
            return Some(dt.assume_offset(offset));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_form() {
        assert_eq!(normalise_date("2020-03-15").as_deref(), Some("2020-03-15"));
        assert_eq!(normalise_date("2020-03-15 10:00:00 +0100").as_deref(), Some("2020-03-15T10:00:00+01:00"));
        assert_eq!(normalise_date("2020-03-15 10:00 -07:00").as_deref(), Some("2020-03-15T10:00:00-07:00"));
        assert_eq!(normalise_date("2024-03-15T10:00:00Z").as_deref(), Some("2024-03-15T10:00:00Z"));
        assert_eq!(normalise_date("2024-03-15T10:00:00.000Z").as_deref(), Some("2024-03-15T10:00:00Z"));
        assert_eq!(normalise_date("2024-03-15 10:00:00").as_deref(), Some("2024-03-15T10:00:00Z"));
        assert_eq!(normalise_date("last tuesday"), None);
        assert_eq!(normalise_date("2020-02-30"), None);
    }

    #[test]
    fn fields_map_and_the_rest_goes_to_extra() {
        let fields: Map<String, Value> = serde_json::from_str(
            r#"{"title":"T","summary":"S","lastmod":"2024-01-02","expiryDate":"2030-01-01","url":"/old/x/","linkTitle":"Short","tags":"a b","layout":"wide","published":false}"#,
        )
        .unwrap();
        let mut notes = Notes::default();
        let m = map(Flavour::Jekyll, "a.md", &fields, &Default::default(), false, &mut notes);
        assert_eq!(m.folio.description.as_deref(), Some("S"));
        assert_eq!(m.folio.updated.as_deref(), Some("2024-01-02"));
        assert_eq!(m.folio.expiry_date.as_deref(), Some("2030-01-01"));
        assert_eq!(m.own_url.as_deref(), Some("/old/x/"));
        assert_eq!(m.folio.tags, ["a", "b"]);
        assert!(m.folio.draft);
        assert_eq!(m.folio.extra["linkTitle"], "Short");
        assert_eq!(m.folio.extra["layout"], "wide");
        assert_eq!(notes.items.len(), 1, "the unusual layout is reported: {:?}", notes.items);
    }
}

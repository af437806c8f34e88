//! The claim table: every file of the finished site is claimed by what makes it — a page, a
//! section, an alias, a page folio generates, a static file — and a file claimed twice is an
//! error naming both claimants. Pure: the claims come from `render::site::claims` (which derives
//! them from the list of jobs, so no output file can go unclaimed) and the static files.

use crate::diag::{Diagnostic, Kind};
use std::collections::HashMap;
use std::path::PathBuf;

/// What claims an output file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Claimant {
    /// A page or section, made from the file `shown` (content key `key`).
    Page { key: String, shown: PathBuf },
    /// The `index`-th entry of a page's `aliases:`, as written.
    Alias { key: String, shown: PathBuf, alias: String },
    /// A page folio makes: `what` it is in words ("the pricing page"), and the file it is made
    /// from or configured in, if any.
    Generated { what: String, source: Option<PathBuf> },
    /// A file of `static/` (or beside a page in `content/`), copied as it is.
    Static { shown: PathBuf },
}

/// One output file and who claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Relative to the output folder, `/`-separated.
    pub file: String,
    pub by: Claimant,
}

impl Claimant {
    /// Who keeps the file when two claim it (lower first): what the site is built around keeps
    /// its address, and the error is put where the user can most easily choose another.
    fn rank(&self) -> u8 {
        match self {
            Claimant::Generated { .. } => 0,
            Claimant::Page { .. } => 1,
            Claimant::Static { .. } => 2,
            Claimant::Alias { .. } => 3,
        }
    }

    /// The claimant in words, for the other side of a message.
    fn describe(&self) -> String {
        match self {
            Claimant::Page { shown, .. } => format!("the page {}", crate::diag::slashed(shown)),
            Claimant::Alias { shown, alias, .. } => format!("the alias `{alias}` of {}", crate::diag::slashed(shown)),
            Claimant::Generated { what, source: Some(s) } => format!("{what} (made from {})", crate::diag::slashed(s)),
            Claimant::Generated { what, source: None } => what.clone(),
            Claimant::Static { shown } => format!("the static file {}", crate::diag::slashed(shown)),
        }
    }
}

/// Every output file claimed more than once, where files whose names differ only in case or in
/// Unicode normalisation count as one ([`crate::url::fold_key`]: Windows and macOS store them as
/// one file): one error per extra claimant, put at that claimant (the `aliases:` entry of an
/// alias, found in its file's text through `text_of`) and naming the one that keeps the file.
/// Then every file with a name no system can hold everywhere ([`crate::url::file_problem`]).
pub fn collisions<'t>(claims: &[Claim], text_of: impl Fn(&str) -> Option<&'t str>) -> Vec<Diagnostic> {
    let mut by_file: HashMap<String, Vec<&Claim>> = HashMap::with_capacity(claims.len());
    for c in claims {
        by_file.entry(crate::url::fold_key(&c.file)).or_default().push(c);
    }
    let mut errors = Vec::new();
    for (_, mut claimants) in by_file.into_iter().filter(|(_, c)| c.len() > 1) {
        claimants.sort_by(|a, b| (a.by.rank(), &a.file, a.by.describe()).cmp(&(b.by.rank(), &b.file, b.by.describe())));
        let keeper = claimants[0];
        for other in &claimants[1..] {
            errors.push(collision(&other.file, &other.by, &keeper.file, &keeper.by, &text_of));
        }
    }
    // A claim of a folder (a name ending in `/`: the search index's files, which are known only
    // after every page is rendered) owns every file in it.
    for folder in claims.iter().filter(|c| c.file.ends_with('/')) {
        let key = crate::url::fold_key(&folder.file);
        for other in claims.iter().filter(|c| !std::ptr::eq(*c, folder) && crate::url::fold_key(&c.file).starts_with(&key)) {
            let message = format!(
                "{} is inside the folder {}, where folio writes {}",
                crate::url::file_to_url(&other.file),
                crate::url::file_to_url(&folder.file),
                folder.by.describe()
            );
            errors
                .push(place(&other.by, message, &text_of).with_help("give it another address; folio writes every file in that folder itself").kind(Kind::Url));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for c in claims {
        if let Some((name, problem)) = crate::url::file_problem(&c.file) {
            if seen.insert((&c.file, &c.by)) {
                errors.push(unportable(&c.file, name, problem, &c.by, &text_of));
            }
        }
    }
    errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    errors.dedup();
    errors
}

/// Where an error about `by` goes: the alias's entry in `aliases:` when it can be found.
fn place<'t>(by: &Claimant, message: String, text_of: &impl Fn(&str) -> Option<&'t str>) -> Diagnostic {
    match by {
        Claimant::Alias { key, shown, alias } => match text_of(key).and_then(|t| alias_position(t, alias).map(|(l, c)| (t, l, c))) {
            Some((text, line, col)) => Diagnostic::at(shown, text, line, col, message),
            None => Diagnostic::file(shown, message),
        },
        Claimant::Page { shown, .. } | Claimant::Static { shown } => Diagnostic::file(shown, message),
        Claimant::Generated { source, .. } => Diagnostic::file(source.clone().unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE)), message),
    }
}

/// The error for an output file whose name cannot be written on every system.
fn unportable<'t>(file: &str, name: &str, problem: crate::url::NameProblem, by: &Claimant, text_of: &impl Fn(&str) -> Option<&'t str>) -> Diagnostic {
    use crate::url::NameProblem;
    let url = crate::url::file_to_url(file);
    let what = match by {
        Claimant::Alias { alias, .. } => format!("the alias `{alias}` (the address {url})"),
        Claimant::Page { .. } => format!("this page's address {url}"),
        Claimant::Static { .. } => format!("this static file (published at {url})"),
        Claimant::Generated { what, .. } => format!("{what} (written at {url})"),
    };
    let message = match problem {
        NameProblem::Reserved => format!(
            "{what} has the name `{name}` in it, which Windows keeps for a device (CON, PRN, AUX, NUL, COM1 to COM9, LPT1 to LPT9, with any extension): the site could not be built or copied there"
        ),
        NameProblem::TrailingDotOrSpace => {
            format!("{what} has the name `{name}` in it, which ends in a dot or a space; Windows drops those, so the file would get another name there")
        }
        NameProblem::Forbidden(c) => {
            let shown = if c.is_control() { format!("U+{:04X}", u32::from(c)) } else { c.to_string() };
            format!("{what} has the name `{}` in it, with the character {shown}, which Windows does not allow in file names (< > : \" | ? * and control characters)", name.escape_debug())
        }
        NameProblem::TooLong(n) => {
            let short: String = name.chars().take(40).collect();
            format!("{what} has a name of {n} bytes in it (`{short}…`); file systems allow at most {} bytes for one file or folder name", crate::url::MAX_NAME_BYTES)
        }
    };
    let help = match (by, problem) {
        (Claimant::Alias { .. }, NameProblem::Forbidden(_)) => {
            "remove the character from this entry of `aliases:` (a static host cannot redirect a query string anyway)"
        }
        (Claimant::Static { .. }, NameProblem::Forbidden(_)) => "rename the file or its folder: remove the character from the name",
        (Claimant::Alias { .. }, _) => "change this entry of `aliases:` (for example add a `-` to the name, or shorten it)",
        (Claimant::Static { .. }, _) => "rename the file or its folder (for example add a `-` to the name, or shorten it)",
        (Claimant::Page { key, .. }, _) if key.ends_with("_index.md") => "rename the folder (shorter, or without the reserved name)",
        (Claimant::Page { .. }, NameProblem::TooLong(_)) => "give the page a shorter `slug:` in its front matter, or rename the file",
        (Claimant::Page { .. }, _) => "give the page a different `slug:` in its front matter, or rename the file",
        (Claimant::Generated { .. }, _) => {
            "shorten or rename it where it is written: a tag or category in the pages' front matter, or in site.yaml or the file it is made from"
        }
    };
    place(by, message, text_of).with_help(help).kind(Kind::Url)
}

fn collision<'t>(file: &str, by: &Claimant, kept: &str, keeper: &Claimant, text_of: &impl Fn(&str) -> Option<&'t str>) -> Diagnostic {
    let url = crate::url::file_to_url(file);
    let other = keeper.describe();
    if file != kept {
        // Not one name, but one file on Windows and macOS.
        let twin = format!(
            "{url}, which differs only in upper and lower case or in how accents are encoded from {}, the address of {other}; Windows and macOS keep the two as one file",
            crate::url::file_to_url(kept)
        );
        let (message, help) = match by {
            Claimant::Alias { alias, .. } => (format!("the alias `{alias}` is the address {twin}"), "change or remove this entry of `aliases:`"),
            Claimant::Page { .. } => (format!("this page's URL is {twin}"), "give one of them a different `slug:` in its front matter, or rename the file"),
            Claimant::Static { .. } => {
                (format!("this static file would be published at {twin}"), "rename one of the two files so their names differ in more than case or accents")
            }
            Claimant::Generated { what, .. } => (format!("{what} would be written at {twin}"), "rename one of them so each address holds one page"),
        };
        return place(by, message, text_of).with_help(help).kind(Kind::Url);
    }
    let d = match by {
        Claimant::Alias { alias, .. } => {
            let message = format!("the alias `{alias}` is the address {url} of {other}; a redirect there would replace it");
            place(by, message, text_of).with_help("remove this entry from `aliases:`, or give the other page a different address; an address holds one page")
        }
        Claimant::Page { key, shown } => match keeper {
            Claimant::Page { .. } => Diagnostic::file(shown, format!("two pages have the URL {url}: this file and {}", other.trim_start_matches("the page "))),
            _ => Diagnostic::file(shown, format!("this page's URL {url} is the address of {other}")),
        }
        .with_help(if key.ends_with("_index.md") {
            "a section's URL is its folder's name: rename the folder"
        } else {
            "give one of them a different `slug:` in its front matter, or rename the file"
        }),
        Claimant::Static { shown } => Diagnostic::file(shown, format!("this static file would be published at {url}, the address of {other}"))
            .with_help("rename or move the file; folio writes that address itself"),
        Claimant::Generated { what, source } => Diagnostic::file(
            source.clone().unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE)),
            format!("{what} would be written at {url}, the address of {other}"),
        )
        .with_help("rename one of them so each address holds one page"),
    };
    d.kind(Kind::Url)
}

/// (line, column) of `alias` in the front matter of `text`: on the `aliases:` line or the list
/// items below it.
fn alias_position(text: &str, alias: &str) -> Option<(usize, usize)> {
    let (key_line, _) = crate::parse::front_matter::key_position(text, "aliases")?;
    text.lines().enumerate().skip(key_line - 1).take_while(|(i, l)| *i == key_line - 1 || !matches!(l.trim_end(), "---" | "+++")).find_map(|(i, line)| {
        // The whole entry, not a prefix of a longer one.
        let (at, _) = line.match_indices(alias).find(|&(at, _)| {
            let after = line[at + alias.len()..].chars().next();
            !matches!(after, Some(c) if c != '"' && c != '\'' && c != ',' && c != ']' && !c.is_whitespace())
        })?;
        Some((i + 1, at + 1))
    })
}

/// The warning for term spellings merged because they share one address: at the first page
/// that uses a second spelling (its `tags:` or `categories:` line), naming every spelling and
/// the files using it.
pub fn spelling_warning<'t>(s: &super::Spellings, pages: &[super::Page], text_of: impl Fn(&str) -> Option<&'t str>) -> Diagnostic {
    let located = |id: usize| -> (String, Option<(usize, usize, &'t str)>) {
        let p = &pages[id];
        let at = text_of(&p.key).and_then(|t| crate::parse::front_matter::key_position(t, &s.taxonomy).map(|(l, c)| (l, c, t)));
        let place = match at {
            Some((l, ..)) => format!("{}:{l}", crate::diag::slashed(&p.shown)),
            None => crate::diag::slashed(&p.shown),
        };
        (place, at)
    };
    let listed: Vec<String> = s
        .spellings
        .iter()
        .map(|(spelling, ids)| {
            let places: Vec<String> = ids.iter().map(|&id| located(id).0).collect();
            format!("`{spelling}` ({}{})", places.join(", "), if ids.len() >= super::SPELLING_PAGES_SHOWN { ", …" } else { "" })
        })
        .collect();
    let first = s.spellings.first().map_or("", |(name, _)| name.as_str());
    let message = format!(
        "the {} {} share one address, {}, so they are shown as one {}, `{first}`",
        s.taxonomy,
        listed.join(" and "),
        s.url,
        super::singular(&s.taxonomy)
    );
    let second = s.spellings.get(1).and_then(|(_, ids)| ids.first().copied());
    let d = match second.map(|id| (id, located(id).1)) {
        Some((id, Some((line, col, text)))) => Diagnostic::at(&pages[id].shown, text, line, col, message),
        Some((id, None)) => Diagnostic::file(&pages[id].shown, message),
        None => Diagnostic::file(crate::config::CONFIG_FILE, message),
    };
    d.with_help(format!(
        "write the {} the same way everywhere; addresses keep only letters and digits, so case, spaces and signs like `+` do not tell {} apart",
        super::singular(&s.taxonomy),
        s.taxonomy
    ))
    .kind(Kind::Url)
    .warning()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn page(key: &str) -> Claimant {
        Claimant::Page { key: key.into(), shown: PathBuf::from(format!("content/{key}")) }
    }

    fn claim(file: &str, by: Claimant) -> Claim {
        Claim { file: file.into(), by }
    }

    #[test]
    fn one_claim_per_file_is_fine() {
        let claims = vec![claim("a/index.html", page("a.md")), claim("b/index.html", page("b.md"))];
        assert!(collisions(&claims, |_| None).is_empty());
    }

    #[test]
    fn an_alias_onto_a_generated_page_is_reported_at_its_line() {
        let text = "---\ntitle: A\naliases:\n  - /old/\n  - /pricing/\n---\nBody\n";
        let claims = vec![
            claim("pricing/index.html", Claimant::Generated { what: "the pricing page".into(), source: None }),
            claim("pricing/index.html", Claimant::Alias { key: "a.md".into(), shown: "content/a.md".into(), alias: "/pricing/".into() }),
        ];
        let errors = collisions(&claims, |k| (k == "a.md").then_some(text));
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!((e.path.to_str(), e.line, e.col), (Some("content/a.md"), Some(5), Some(5)));
        assert!(e.message.contains("/pricing/") && e.message.contains("the pricing page"), "{}", e.message);
        assert!(e.help.as_deref().is_some_and(|h| h.contains("aliases:")));
        assert_eq!(e.kind, Kind::Url);
    }

    #[test]
    fn the_keeper_is_named_whatever_the_order() {
        let static_file = Claimant::Static { shown: "static/robots.txt".into() };
        let robots = Claimant::Generated { what: "robots.txt".into(), source: None };
        let a = collisions(&[claim("robots.txt", static_file.clone()), claim("robots.txt", robots.clone())], |_| None);
        let b = collisions(&[claim("robots.txt", robots), claim("robots.txt", static_file)], |_| None);
        assert_eq!(a, b);
        assert_eq!(a[0].path, PathBuf::from("static/robots.txt"));
    }

    #[test]
    fn three_claimants_give_two_errors_and_two_pages_keep_the_old_message() {
        let claims = vec![
            claim("x/index.html", page("x.md")),
            claim("x/index.html", page("y/x.md")),
            claim("x/index.html", Claimant::Alias { key: "z.md".into(), shown: "content/z.md".into(), alias: "/x".into() }),
        ];
        let errors = collisions(&claims, |_| Some("---\naliases: [\"/x\"]\n---\n"));
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().any(|e| e.message == "two pages have the URL /x/: this file and content/x.md"), "{errors:?}");
        let alias = errors.iter().find(|e| e.path == Path::new("content/z.md")).expect("alias error");
        assert_eq!((alias.line, alias.col), (Some(2), Some(12)));
    }

    #[test]
    fn names_differing_only_in_case_or_accent_encoding_are_one_file() {
        let claims = vec![
            claim("Logo.png", Claimant::Static { shown: "static/Logo.png".into() }),
            claim("logo.png", Claimant::Static { shown: "static/logo.png".into() }),
            claim("cafe\u{301}.png", Claimant::Static { shown: "static/cafe\u{301}.png".into() }),
            claim("caf\u{e9}.png", Claimant::Static { shown: "static/caf\u{e9}.png".into() }),
        ];
        let errors = collisions(&claims, |_| None);
        assert_eq!(errors.len(), 2, "{errors:?}");
        let e = errors.iter().find(|e| e.path == Path::new("static/logo.png")).expect("logo");
        assert!(e.message.contains("/logo.png") && e.message.contains("static/Logo.png") && e.message.contains("upper and lower case"), "{}", e.message);
        let e = errors.iter().find(|e| e.path == Path::new("static/caf\u{e9}.png")).expect("café");
        assert!(e.message.contains("static/cafe\u{301}.png"), "{}", e.message);
    }

    #[test]
    fn a_folder_claim_owns_every_file_in_it() {
        let folder = Claim { file: "search/data/".into(), by: Claimant::Generated { what: "the search index".into(), source: None } };
        let errors = collisions(&[folder.clone(), claim("search/data-x.json", page("a.md")), claim("search/data/t0.json", page("b.md"))], |_| None);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("search/data/t0.json"), "{}", errors[0].message);
        assert!(collisions(&[folder, claim("search/index.html", page("c.md"))], |_| None).is_empty());
    }

    #[test]
    fn unportable_names_are_errors_at_their_claimant() {
        let text = "---\naliases:\n  - /old/con/\n---\n";
        let long = format!("{}/index.html", "a".repeat(300));
        let claims = vec![
            claim("old/con/index.html", Claimant::Alias { key: "a.md".into(), shown: "content/a.md".into(), alias: "/old/con/".into() }),
            claim("notes./x.txt", Claimant::Static { shown: "static/notes./x.txt".into() }),
            claim(&long, page("b.md")),
            claim("fine/index.html", page("c.md")),
        ];
        let errors = collisions(&claims, |k| (k == "a.md").then_some(text));
        assert_eq!(errors.len(), 3, "{errors:?}");
        let alias = errors.iter().find(|e| e.path == Path::new("content/a.md")).expect("alias");
        assert_eq!((alias.line, alias.col), (Some(3), Some(5)));
        assert!(alias.message.contains("`con`") && alias.message.contains("Windows"), "{}", alias.message);
        let page = errors.iter().find(|e| e.path == Path::new("content/b.md")).expect("page");
        assert!(page.message.contains("300 bytes") && page.message.contains("255"), "{}", page.message);
        assert!(page.help.as_deref().is_some_and(|h| h.contains("slug:")));
        assert!(errors.iter().any(|e| e.path == Path::new("static/notes./x.txt") && e.message.contains("ends in a dot")));
    }

    #[test]
    fn alias_positions_match_whole_entries() {
        assert_eq!(alias_position("title: x\naliases: [\"/a/b/\", \"/a/\"]\n", "/a/"), Some((2, 21)));
        assert_eq!(alias_position("aliases:\n- /a/b/\n- /a/\n", "/a/"), Some((3, 3)));
        assert_eq!(alias_position("title: /a/\n", "/a/"), None);
    }
}

//! Which files may become part of the site: the names a walk skips (editor leftovers, hidden
//! files, with the allow-list of dot-files `static/` publishes), the places that are never
//! published (`.folio/`, `.git/`, `.env*`), and whether the resolved target of a symbolic link
//! stays inside the folders the link may lead into. Pure functions over paths: the walk in
//! `load` asks the file system, these decide.

use std::path::{Component, Path, PathBuf};

/// Dot-files and dot-folders `static/` publishes all the same: they are meant for the web host
/// or for visitors, and hold nothing private.
///
/// - `.well-known/`: domain verification, `security.txt`, app links (RFC 8615);
/// - `.nojekyll`: tells GitHub Pages to publish the site as it is;
/// - `.htaccess`: an Apache host's settings for the folder (redirects, caching headers); Apache
///   never serves it, and it holds rules, not passwords (`.htpasswd` stays unpublished);
/// - `.domains`: Codeberg Pages' list of custom domains (what `CNAME` is on GitHub Pages).
pub const PUBLISHED_DOT_NAMES: &[&str] = &[".well-known", ".nojekyll", ".htaccess", ".domains"];

/// Files an editor or OS leaves behind, and hidden files: never part of the site (but see
/// [`is_skipped`] for `static/`).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Whether a walk leaves out a file or folder of this name: editor leftovers and hidden files,
/// except, where static files are published (`statics`), the [`PUBLISHED_DOT_NAMES`].
pub fn is_skipped(name: &str, statics: bool) -> bool {
    is_ignored_name(name) && !(statics && PUBLISHED_DOT_NAMES.contains(&name))
}

/// Whether a name marks a place that is never published, in any folder: folio's working
/// folder (leads from the contact form), git's, and `.env` files (secrets).
pub fn is_private_name(name: &str) -> bool {
    name == ".folio" || name == ".git" || name.starts_with(".env")
}

/// The names of a relative path's parts (`..` and the like count as no name).
fn names(rel: &Path) -> impl Iterator<Item = &str> {
    rel.components().filter_map(|c| match c {
        Component::Normal(n) => n.to_str().or(Some("")),
        _ => None,
    })
}

/// Whether any part of `rel` is a private place ([`is_private_name`]).
pub fn is_private(rel: &Path) -> bool {
    names(rel).any(is_private_name)
}

/// A folder links may lead into, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// Resolved (canonical) path.
    pub path: PathBuf,
    /// As messages name it: `static/`.
    pub name: String,
    /// What it holds: which names are skipped inside it.
    pub holds: Holds,
}

/// What an [`Area`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// `content/`, `templates/`: no hidden file is part of the site.
    Sources,
    /// `static/`: the [`PUBLISHED_DOT_NAMES`] are published.
    Statics,
    /// A theme folder: its `static/` publishes the dot-names, its `templates/` does not.
    Theme,
}

impl Holds {
    /// Whether the static allow-list applies at `rel` inside such a folder.
    fn statics_at(self, rel: &Path) -> bool {
        match self {
            Holds::Sources => false,
            Holds::Statics => true,
            Holds::Theme => names(rel).next() == Some("static"),
        }
    }
}

/// Why a link's target may not be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Under `.folio/`, `.git/` or a `.env*` file.
    Private,
    /// Not inside any folder the link may lead into.
    Outside,
    /// Inside one, but a hidden file or an editor leftover there, which is never published.
    Hidden,
}

/// The site folder and the folders a link found in one of its source folders may lead into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// The site folder, resolved.
    pub root: PathBuf,
    pub areas: Vec<Area>,
}

impl Areas {
    /// Whether a link may lead to `target` (resolved: no links left in it).
    pub fn judge(&self, target: &Path) -> Result<(), Refusal> {
        if target.strip_prefix(&self.root).is_ok_and(is_private) {
            return Err(Refusal::Private);
        }
        let Some((area, rel)) = self.areas.iter().find_map(|a| Some((a, target.strip_prefix(&a.path).ok()?))) else {
            return Err(Refusal::Outside);
        };
        if is_private(rel) {
            return Err(Refusal::Private);
        }
        let statics = area.holds.statics_at(rel);
        if names(rel).any(|n| is_skipped(n, statics)) {
            return Err(Refusal::Hidden);
        }
        Ok(())
    }

    /// `target` as a message shows it: relative to the site folder when inside it.
    pub fn shown(&self, target: &Path) -> String {
        shown_from(&self.root, target)
    }

    /// The folders, as a message lists them: "content/ and static/".
    pub fn names(&self) -> String {
        match self.areas.split_last() {
            None => "the site's source folders".into(),
            Some((last, [])) => last.name.clone(),
            Some((last, rest)) => format!("{} and {}", rest.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "), last.name),
        }
    }
}

/// `path` relative to `root` (with `/`) when inside it, else as it is.
pub fn shown_from(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => "the site folder".into(),
        Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => crate::diag::slashed(path),
    }
}

/// Whether a source folder that resolves to `folder` would take in the whole site (it is the
/// site folder or a folder above it) or a private place.
pub fn folder_refusal(root: &Path, folder: &Path) -> Option<&'static str> {
    if root.starts_with(folder) {
        return Some("the site folder or a folder above it: everything in it would become part of the site");
    }
    if folder.strip_prefix(root).is_ok_and(is_private) {
        return Some("a private folder (.folio/, .git/ or .env*), which is never published");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_leftovers() {
        for n in [".foo.md.swp", "foo.md~", "#foo.md#", ".hidden", "4913"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("foo.md"));
    }

    #[test]
    fn static_publishes_only_the_allowed_dot_names() {
        for n in [".well-known", ".nojekyll", ".htaccess", ".domains"] {
            assert!(!is_skipped(n, true), "{n}");
            assert!(is_skipped(n, false), "{n} in content/");
        }
        for n in [".env", ".env.local", ".secret", ".htpasswd", ".git", ".folio", ".DS_Store", "a.swp", "b~"] {
            assert!(is_skipped(n, true), "{n}");
        }
        assert!(!is_skipped("robots.txt", true));
    }

    #[test]
    fn private_places() {
        for p in [".folio/submissions.jsonl", ".git/config", ".env", ".env.production", "a/.envrc", "x/.git/HEAD"] {
            assert!(is_private(Path::new(p)), "{p}");
        }
        for p in ["static/env.txt", "content/git.md", "folio/x", ".gitignore", ".github/x"] {
            assert!(!is_private(Path::new(p)), "{p}");
        }
    }

    fn areas() -> Areas {
        Areas {
            root: PathBuf::from("/site"),
            areas: vec![
                Area { path: PathBuf::from("/site/content"), name: "content/".into(), holds: Holds::Sources },
                Area { path: PathBuf::from("/site/static"), name: "static/".into(), holds: Holds::Statics },
                Area { path: PathBuf::from("/shared/theme"), name: "themes/shared/".into(), holds: Holds::Theme },
            ],
        }
    }

    #[test]
    fn links_may_lead_only_into_the_areas() {
        let a = areas();
        for ok in ["/site/content/a.md", "/site/static/img/x.png", "/site/static", "/site/static/.well-known/security.txt", "/shared/theme/static/.nojekyll"] {
            assert_eq!(a.judge(Path::new(ok)), Ok(()), "{ok}");
        }
        for (target, why) in [
            ("/site/.folio/submissions.jsonl", Refusal::Private),
            ("/site/.env", Refusal::Private),
            ("/site/static/.env.local", Refusal::Private),
            ("/site/content/.git/config", Refusal::Private),
            ("/shared/theme/.git/config", Refusal::Private),
            ("/site/site.yaml", Refusal::Outside),
            ("/site/templates/page.html", Refusal::Outside),
            ("/etc/passwd", Refusal::Outside),
            ("/site", Refusal::Outside),
            ("/site/static/.secret", Refusal::Hidden),
            ("/site/content/.well-known/x", Refusal::Hidden),
            ("/shared/theme/templates/.htaccess", Refusal::Hidden),
            ("/site/static/notes.md~", Refusal::Hidden),
        ] {
            assert_eq!(a.judge(Path::new(target)), Err(why), "{target}");
        }
    }

    #[test]
    fn areas_are_listed_in_words() {
        assert_eq!(areas().names(), "content/, static/ and themes/shared/");
        let two = Areas { areas: areas().areas[..2].to_vec(), ..areas() };
        assert_eq!(two.names(), "content/ and static/");
    }

    #[test]
    fn a_site_under_a_dot_folder_is_not_private_itself() {
        let a = Areas {
            root: PathBuf::from("/home/me/.env-sites/site"),
            areas: vec![Area { path: PathBuf::from("/home/me/.env-sites/site/static"), name: "static/".into(), holds: Holds::Statics }],
        };
        assert_eq!(a.judge(Path::new("/home/me/.env-sites/site/static/a.png")), Ok(()));
    }

    #[test]
    fn source_folders_may_not_take_in_the_site() {
        let root = Path::new("/site");
        assert!(folder_refusal(root, Path::new("/site")).is_some());
        assert!(folder_refusal(root, Path::new("/")).is_some());
        assert!(folder_refusal(root, Path::new("/site/.folio")).is_some());
        assert!(folder_refusal(root, Path::new("/site/static")).is_none());
        assert!(folder_refusal(root, Path::new("/shared/static")).is_none());
    }

    #[test]
    fn targets_are_shown_relative_to_the_site() {
        assert_eq!(shown_from(Path::new("/site"), Path::new("/site/.folio/submissions.jsonl")), ".folio/submissions.jsonl");
        assert_eq!(shown_from(Path::new("/site"), Path::new("/etc/passwd")), "/etc/passwd");
    }
}

//! Watching the site's sources: raw notify events are classified by a pure function into the
//! few kinds of change folio cares about (ignoring editor leftovers, `public/` and `.folio/`),
//! and a save burst is collected into one batch before a rebuild.

use crate::load::{is_ignored_name, is_skipped};
use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// The watched parts of a site (their names under the site root).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// `site.yaml`: everything is rebuilt.
    Config,
    Content,
    Themes,
    Static,
    Templates,
}

impl Area {
    /// The folders watched recursively (`site.yaml` is seen through a watch on the root).
    pub const FOLDERS: [(&'static str, Area); 4] =
        [("content", Area::Content), ("themes", Area::Themes), ("static", Area::Static), ("templates", Area::Templates)];

    fn of(first: &str, is_only_component: bool) -> Option<Area> {
        if first == crate::config::CONFIG_FILE {
            return is_only_component.then_some(Area::Config);
        }
        Area::FOLDERS.iter().find(|(name, _)| *name == first).map(|(_, a)| *a)
    }
}

/// One change worth a rebuild.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A file or folder under a watched area was created, written, renamed or removed.
    Source { area: Area, path: PathBuf },
    /// The watcher lost events (queue overflow): rebuild everything.
    Everything,
    /// A new day began (serve left running over midnight): what is scheduled — pages dated or
    /// published from that day, expired ones, banners — changes as a build that day would.
    NewDay(time::Date),
}

/// Whether a kind of event can change what a build produces. Opening, reading and
/// metadata-only changes (chmod, atime) cannot; a close after writing can (it is how `touch`
/// and some editors' saves show up). A new modification time can too: it is how the polling
/// watcher (`serve --poll`) reports every save whose time moved on.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// The change one path under `root` makes, if any.
pub fn classify_path(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n.to_str()?),
            _ => return None,
        }
    }
    let first = *names.first()?;
    let area = Area::of(first, names.len() == 1)?;
    // The same names a build skips: static files publish a few dot-files (`.well-known/`).
    let statics = matches!(area, Area::Static | Area::Themes);
    if names.iter().any(|n| if statics { is_skipped(n, true) } else { is_ignored_name(n) }) {
        return None;
    }
    Some(Change::Source { area, path: path.to_path_buf() })
}

/// Classifies a raw watcher event: the changes it makes (none for noise).
pub fn classify(root: &Path, event: &Event) -> Vec<Change> {
    if event.need_rescan() {
        return vec![Change::Everything];
    }
    if !relevant(&event.kind) {
        return Vec::new();
    }
    event.paths.iter().filter_map(|p| classify_path(root, p)).collect()
}

/// Changes collected over one save burst.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    pub changes: BTreeSet<Change>,
}

impl Batch {
    pub fn add(&mut self, changes: impl IntoIterator<Item = Change>) {
        self.changes.extend(changes);
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Everything must be rebuilt (config changed or events were lost).
    pub fn is_full(&self) -> bool {
        self.changes.iter().any(|c| matches!(c, Change::Everything | Change::Source { area: Area::Config, .. }))
    }

    /// The changed paths to hand to the session (empty: rebuild everything).
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.changes.contains(&Change::Everything) {
            return Vec::new();
        }
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::Source { path, .. } => Some(path.clone()),
                Change::Everything | Change::NewDay(_) => None,
            })
            .collect()
    }

    /// "content/a.md", "content/a.md and 2 more", "files (the watcher lost track)".
    pub fn describe(&self, root: &Path) -> String {
        if let Some(Change::NewDay(day)) = self.changes.iter().find(|c| matches!(c, Change::NewDay(_))) {
            if self.changes.len() == 1 {
                return format!("the date (it is now {day})");
            }
        }
        let paths = self.paths();
        let Some(first) = paths.first() else { return "files (the watcher lost track)".into() };
        let shown = crate::diag::slashed(&crate::diag::relative(first, root));
        match paths.len() {
            1 => shown,
            n => format!("{shown} and {} more", n - 1),
        }
    }
}

/// How long the watcher waits for quiet after an event, and at most for a burst to end. An
/// editor's save (write, or write a temporary file and rename it) is a burst of events a few
/// milliseconds apart; 15 ms of quiet catches it whole without adding noticeable delay. A burst
/// split in two only costs a second, quick rebuild.
pub const QUIET: Duration = Duration::from_millis(15);
pub const MAX_BURST: Duration = Duration::from_millis(600);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, Flag, RemoveKind, RenameMode};

    fn root() -> PathBuf {
        PathBuf::from("/site")
    }

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        paths.iter().fold(Event::new(kind), |e, p| e.add_path(root().join(p)))
    }

    fn source(area: Area, p: &str) -> Change {
        Change::Source { area, path: root().join(p) }
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));

    #[test]
    fn sources_in_each_area() {
        assert_eq!(classify(&root(), &ev(WRITE, &["site.yaml"])), [source(Area::Config, "site.yaml")]);
        assert_eq!(classify(&root(), &ev(WRITE, &["content/articles/a.md"])), [source(Area::Content, "content/articles/a.md")]);
        assert_eq!(classify(&root(), &ev(WRITE, &["themes/default/templates/page.html"])), [source(Area::Themes, "themes/default/templates/page.html")]);
        assert_eq!(classify(&root(), &ev(WRITE, &["static/img/a.png"])), [source(Area::Static, "static/img/a.png")]);
        assert_eq!(classify(&root(), &ev(WRITE, &["templates/page.html"])), [source(Area::Templates, "templates/page.html")]);
        assert_eq!(classify(&root(), &ev(EventKind::Create(CreateKind::Folder), &["templates"])), [source(Area::Templates, "templates")]);
    }

    #[test]
    fn created_removed_and_closed_after_writing() {
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Any),
            // How the polling watcher reports a save (its only event when the time moved on).
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
        ] {
            assert_eq!(classify(&root(), &ev(kind, &["content/a.md"])), [source(Area::Content, "content/a.md")], "{kind:?}");
        }
    }

    #[test]
    fn noise_is_ignored() {
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            EventKind::Other,
        ] {
            assert!(classify(&root(), &ev(kind, &["content/a.md"])).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn outside_the_watched_areas_is_ignored() {
        for p in [
            "public/index.html",
            ".folio/submissions.jsonl",
            ".public.staging-1/x.html",
            "target/debug/folio",
            "README.md",
            "content.md",
            "site.yaml/x",
            "nested/site.yaml",
        ] {
            assert!(classify(&root(), &ev(WRITE, &[p])).is_empty(), "{p}");
        }
        assert!(classify(&root(), &ev(WRITE, &[])).is_empty());
        assert!(classify(&root(), &Event::new(WRITE).add_path(PathBuf::from("/elsewhere/content/a.md"))).is_empty());
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for p in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/#a.md#",
            "content/.#a.md",
            "content/4913",
            "content/a.md.tmp",
            "content/.git/index",
            ".site.yaml.swp",
            "static/.env",
            "static/.secret",
            "static/.well-known/.security.txt.swp",
            "content/.well-known/x.md",
        ] {
            assert!(classify(&root(), &ev(WRITE, &[p])).is_empty(), "{p}");
        }
    }

    #[test]
    fn published_dot_files_are_watched() {
        for p in ["static/.well-known/security.txt", "static/.nojekyll", "static/.htaccess", "themes/default/static/.well-known/x"] {
            assert_eq!(classify(&root(), &ev(WRITE, &[p])).len(), 1, "{p}");
        }
    }

    #[test]
    fn renames_count_both_ends_inside_the_site() {
        // vim: a.md → a.md~ (backup), then a new a.md; an IDE's atomic save: .a.md.tmp → a.md.
        let backup = ev(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["content/a.md", "content/a.md~"]);
        assert_eq!(classify(&root(), &backup), [source(Area::Content, "content/a.md")]);
        let atomic = ev(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["content/.a.md.tmp", "content/a.md"]);
        assert_eq!(classify(&root(), &atomic), [source(Area::Content, "content/a.md")]);
        let moved = ev(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &["static/b.png"]);
        assert_eq!(classify(&root(), &moved), [source(Area::Static, "static/b.png")]);
    }

    #[test]
    fn lost_events_rebuild_everything() {
        let e = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert_eq!(classify(&root(), &e), [Change::Everything]);
    }

    #[test]
    fn batches_merge_a_save_burst() {
        let mut b = Batch::default();
        b.add(classify(&root(), &ev(EventKind::Create(CreateKind::File), &["content/a.md"])));
        b.add(classify(&root(), &ev(WRITE, &["content/a.md"])));
        b.add(classify(&root(), &ev(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["content/a.md"])));
        b.add(classify(&root(), &ev(WRITE, &["content/b.md"])));
        assert_eq!(b.paths(), [root().join("content/a.md"), root().join("content/b.md")]);
        assert!(!b.is_full());
        assert_eq!(b.describe(&root()), "content/a.md and 1 more");
        b.add([source(Area::Config, "site.yaml")]);
        assert!(b.is_full());
        b.add([Change::Everything]);
        assert!(b.paths().is_empty());
    }
}

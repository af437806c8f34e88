//! A build session for `folio serve`: keeps the build [`Engine`] (and its caches) between
//! rebuilds. The server reads immutable [`Snapshot`]s, so requests never see a half-finished
//! rebuild, and a failed rebuild leaves the last good snapshot in place. The rendered files
//! are not in memory: each is written to the session's [`store::Store`] on disk as it is
//! rendered, and the snapshots name it by its digest (issue 17).

pub mod store;

use crate::diag::{Diagnostic, Diagnostics, Kind};
use crate::hash::Digest;
use crate::pipeline::{BuildOptions, ChangeSet, Engine, OutFile, Stats};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use store::Store;

/// One servable file of the built site.
#[derive(Debug, Clone)]
pub enum Served {
    /// Rendered, in the session's store under this digest.
    Stored(Digest),
    /// Rendered, in memory: only when the store could not be made (a read-only site folder).
    Bytes(Arc<[u8]>),
    /// A static file: its resolved path (an [`crate::load::Asset`]'s `file`), opened with
    /// [`crate::load::open_asset`] on every request.
    File(PathBuf),
    /// A file made from an image: from the image cache, made first when it is not there yet.
    Made(crate::pipeline::images::MadeFile),
}

/// An immutable view of the whole built site, keyed by output path (`articles/x/index.html`).
/// A rebuild that changed a few files shares the map of an earlier build and lists only what
/// changed on top, so publishing it costs nothing like copying the whole site's map.
#[derive(Debug, Default)]
pub struct Snapshot {
    base: Arc<HashMap<String, Served>>,
    /// Files changed since `base`: the new file, or `None` for one that is gone.
    overlay: HashMap<String, Option<Served>>,
    /// Bumped on every successful build.
    pub generation: u64,
    /// The site's pricing tier ids (valid `plan` values for the contact endpoint).
    pub plans: Vec<String>,
    /// The pages this build left out (drafts, dated later, expired), by the output file each
    /// would have: serve answers their addresses with a 404 that says why.
    pub held: HashMap<String, crate::model::window::HeldPage>,
    /// The files made from images, by output path (the cache keeps their bytes).
    made: Arc<HashMap<String, Served>>,
    /// Where the rendered files are ([`Served::Stored`]).
    store: Option<Arc<Store>>,
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Served> {
        match self.overlay.get(path) {
            Some(changed) => changed.as_ref(),
            None => self.base.get(path),
        }
        .or_else(|| self.made.get(path))
    }

    /// The files made from images, for making them in the background.
    pub fn made(&self) -> Vec<crate::pipeline::images::MadeFile> {
        self.made
            .values()
            .filter_map(|s| match s {
                Served::Made(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// The page left out of this build whose output file is `path`, if any.
    pub fn held(&self, path: &str) -> Option<&crate::model::window::HeldPage> {
        self.held.get(path)
    }

    /// The bytes of a rendered file (`None` for a static file or one made from an image, which
    /// are read from their own places).
    pub fn rendered(&self, served: &Served) -> Option<std::io::Result<Vec<u8>>> {
        match served {
            Served::Bytes(bytes) => Some(Ok(bytes.to_vec())),
            Served::Stored(digest) => Some(self.store.as_ref().map_or_else(|| Err(std::io::ErrorKind::NotFound.into()), |s| s.read(*digest))),
            Served::File(_) | Served::Made(_) => None,
        }
    }

    /// Opens a rendered file kept in the store.
    pub fn open_stored(&self, digest: Digest) -> std::io::Result<std::fs::File> {
        self.store.as_ref().map_or_else(|| Err(std::io::ErrorKind::NotFound.into()), |s| s.open_object(digest))
    }

    /// Every file, by output path.
    pub fn files(&self) -> std::collections::BTreeMap<&str, &Served> {
        let mut all: std::collections::BTreeMap<&str, &Served> = self.made.iter().chain(self.base.iter()).map(|(k, v)| (k.as_str(), v)).collect();
        for (k, v) in &self.overlay {
            match v {
                Some(v) => all.insert(k.as_str(), v),
                None => all.remove(k.as_str()),
            };
        }
        all
    }
}

/// How many changed files a snapshot lists on top of its base before a new base is made.
const MAX_OVERLAY: usize = 2000;

/// What a (re)build did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub stats: Stats,
    /// Output files whose bytes changed (or appeared, or went away), including static files
    /// named by the change.
    pub changed: Vec<String>,
    /// How many output files were rendered this time.
    pub rendered: usize,
    pub millis: u128,
    /// Only stylesheets changed: the browser can swap CSS without reloading.
    pub css_only: bool,
    /// How many pages were left out (drafts, dated later) and how to include them.
    pub note: Option<String>,
    /// How many pages were left out, by reason (drafts included).
    pub left_out: crate::model::window::LeftOut,
    /// Problems that do not stop the build (tag spellings merged, images without alt text).
    pub warnings: Vec<crate::diag::Diagnostic>,
}

pub struct Session {
    engine: Engine,
    snapshot: Arc<Snapshot>,
    /// The static files of the last snapshot (served from disk, so not in `Built::changed`).
    assets: Vec<crate::load::Asset>,
    /// Where rendered files go, or why there is no store (the pages are then kept in memory,
    /// as before issue 17, and the first build says so).
    store: Result<Arc<Store>, Diagnostic>,
    /// Whether the missing store was reported.
    store_reported: bool,
    /// The objects the current snapshot names: kept until the snapshot after the next, for
    /// requests that picked the current one up just before it was replaced.
    live: HashSet<u128>,
}

impl Session {
    /// A session of the site at `opts.root`; its store is made under `.folio/serve/` (and the
    /// stores of serves that were killed are removed).
    pub fn new(opts: BuildOptions) -> Session {
        let store = Store::open(&opts.root).map(Arc::new).map_err(|e| {
            let folder = opts.root.join(".folio").join("serve");
            crate::fsx::io_diag(&folder, "create", &e)
                .with_help("folio serve keeps the pages it renders there; until it can, it keeps them in memory")
                .kind(Kind::Output)
                .warning()
        });
        Session { engine: Engine::new(opts), snapshot: Arc::new(Snapshot::default()), assets: Vec::new(), store, store_reported: false, live: HashSet::new() }
    }

    /// The session's store of rendered files, if it has one.
    pub fn store(&self) -> Option<Arc<Store>> {
        self.store.as_ref().ok().map(Arc::clone)
    }

    pub fn root(&self) -> &Path {
        &self.engine.options().root
    }

    /// The last good build's files.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot)
    }

    /// A full build (everything is read again).
    pub fn build(&mut self) -> Result<Report, Diagnostics> {
        self.rebuild(&[])
    }

    /// The date banners are scheduled against from the next rebuild on (serve moves it to
    /// today before each rebuild, as a `folio build` run then would).
    pub fn set_build_date(&mut self, date: time::Date) {
        self.engine.set_build_date(date);
    }

    /// Rebuilds after `changed` files (paths under the site root; empty means "everything").
    /// Only what the change affects is parsed and rendered again. On error the last good
    /// snapshot stays.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Report, Diagnostics> {
        let started = Instant::now();
        let changes = ChangeSet::classify(self.root(), changed);
        let built = match &self.store {
            Ok(store) => self.engine.run_stored(&changes, store.as_ref())?,
            Err(_) => self.engine.run(&changes)?,
        };
        let mut changed_outputs = built.changed.clone();
        // Static files are served from disk: the paths the change names are what changed (a
        // file reached through a link changes with the file it leads to).
        let mut asset_by_path: HashMap<&Path, Vec<&str>> = HashMap::new();
        for a in &built.assets {
            asset_by_path.entry(a.src.as_path()).or_default().push(a.out.as_str());
            if a.file != a.src {
                asset_by_path.entry(a.file.as_path()).or_default().push(a.out.as_str());
            }
        }
        for p in changed {
            if let Some(outs) = asset_by_path.get(p.as_path()).or_else(|| asset_by_path.get(self.root().join(p).as_path())) {
                changed_outputs.extend(outs.iter().map(|o| o.to_string()));
            }
        }
        changed_outputs.sort();
        changed_outputs.dedup();
        let (base, overlay) = if self.snapshot.generation > 0 && built.assets == self.assets && self.snapshot.overlay.len() + built.changed.len() <= MAX_OVERLAY
        {
            let mut overlay = self.snapshot.overlay.clone();
            let changed: std::collections::HashSet<&str> = built.changed.iter().map(String::as_str).collect();
            for p in &built.changed {
                // A rendered file that went away uncovers a static file of the same path.
                let asset = built.assets.iter().find(|a| a.out == *p).map(|a| Served::File(a.file.clone()));
                overlay.insert(p.clone(), asset);
            }
            for f in built.files.iter().filter(|f| changed.contains(f.path.as_str())) {
                overlay.insert(f.path.clone(), Some(served(f)));
            }
            (Arc::clone(&self.snapshot.base), overlay)
        } else {
            let mut files: HashMap<String, Served> = HashMap::with_capacity(built.files.len() + built.assets.len());
            for a in &built.assets {
                files.insert(a.out.clone(), Served::File(a.file.clone()));
            }
            for f in &built.files {
                files.insert(f.path.clone(), served(f));
            }
            (Arc::new(files), HashMap::new())
        };
        self.assets = built.assets.clone();
        let css_only = !changed_outputs.is_empty() && changed_outputs.iter().all(|p| p.ends_with(".css"));
        let generation = self.snapshot.generation + 1;
        let plans = built.site.marketing().groups.iter().flat_map(|g| g.tiers.iter().map(|t| t.id.clone())).collect();
        let mut held = HashMap::with_capacity(built.held.len());
        for page in &built.held {
            // The first file (by name) keeps an address two held pages would share.
            held.entry(crate::url::url_to_file(&page.url)).or_insert_with(|| page.clone());
        }
        let made = if built.made.len() == self.snapshot.made.len()
            && built.made.iter().all(|m| matches!(self.snapshot.made.get(&m.path), Some(Served::Made(old)) if old.cached == m.cached))
        {
            Arc::clone(&self.snapshot.made)
        } else {
            Arc::new(built.made.iter().map(|m| (m.path.clone(), Served::Made(m.clone()))).collect())
        };
        let store = self.store.as_ref().ok().map(Arc::clone);
        self.snapshot = Arc::new(Snapshot { base, overlay, generation, plans, held, made, store });
        if let Ok(store) = &self.store {
            // Every object a kept job record names is in this snapshot (a record is kept only
            // with its file), so what neither it nor the one before names is garbage.
            let live: HashSet<u128> = built.files.iter().filter_map(|f| f.digest.map(|d| d.hash)).collect();
            let previous = std::mem::replace(&mut self.live, live);
            store.collect(&previous.union(&self.live).copied().collect());
        }
        let mut warnings = built.warnings;
        if let Err(why) = &self.store {
            if !std::mem::replace(&mut self.store_reported, true) {
                warnings.push(why.clone());
            }
        }
        Ok(Report {
            stats: built.stats,
            changed: changed_outputs,
            rendered: built.rendered,
            millis: started.elapsed().as_millis(),
            css_only,
            note: built.note,
            left_out: built.left_out,
            warnings,
        })
    }
}

/// How a snapshot names a rendered file: by its digest when it went to the store.
fn served(f: &OutFile) -> Served {
    match f.digest {
        Some(digest) => Served::Stored(digest),
        None => Served::Bytes(Arc::clone(&f.bytes)),
    }
}

//! A build session for `folio serve`: keeps the build [`Engine`] (and its caches) between
//! rebuilds. The server reads immutable [`Snapshot`]s, so requests never see a half-finished
//! rebuild, and a failed rebuild leaves the last good snapshot in place.

use crate::diag::Diagnostics;
use crate::pipeline::{BuildOptions, ChangeSet, Engine, Stats};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// One servable file of the built site.
#[derive(Debug, Clone)]
pub enum Served {
    /// Rendered in memory.
    Bytes(Arc<[u8]>),
    /// A static file, read from this path inside the site folder.
    File(PathBuf),
}

/// An immutable view of the whole built site, keyed by output path (`articles/x/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: HashMap<String, Served>,
    /// Bumped on every successful build.
    pub generation: u64,
    /// The site's pricing tier ids (valid `plan` values for the contact endpoint).
    pub plans: Vec<String>,
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Served> {
        self.files.get(path)
    }
}

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
}

pub struct Session {
    engine: Engine,
    snapshot: Arc<Snapshot>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Session {
        Session { engine: Engine::new(opts), snapshot: Arc::new(Snapshot::default()) }
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
        let built = self.engine.run(&ChangeSet::classify(self.root(), changed))?;
        let mut changed_outputs = built.changed.clone();
        // Static files are served from disk: the paths the change names are what changed.
        let asset_by_src: HashMap<&Path, &str> = built.assets.iter().map(|a| (a.src.as_path(), a.out.as_str())).collect();
        for p in changed {
            if let Some(out) = asset_by_src.get(p.as_path()).or_else(|| asset_by_src.get(self.root().join(p).as_path())) {
                changed_outputs.push(out.to_string());
            }
        }
        changed_outputs.sort();
        changed_outputs.dedup();
        let mut files: HashMap<String, Served> = HashMap::with_capacity(built.files.len() + built.assets.len());
        for a in &built.assets {
            files.insert(a.out.clone(), Served::File(a.src.clone()));
        }
        for f in &built.files {
            files.insert(f.path.clone(), Served::Bytes(Arc::clone(&f.bytes)));
        }
        let css_only = !changed_outputs.is_empty() && changed_outputs.iter().all(|p| p.ends_with(".css"));
        let generation = self.snapshot.generation + 1;
        let plans = built.site.marketing().groups.iter().flat_map(|g| g.tiers.iter().map(|t| t.id.clone())).collect();
        self.snapshot = Arc::new(Snapshot { files, generation, plans });
        Ok(Report { stats: built.stats, changed: changed_outputs, rendered: built.rendered, millis: started.elapsed().as_millis(), css_only })
    }
}

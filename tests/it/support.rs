//! A small driver so each test reads like a user story: copy a fixture site to a temporary
//! folder, run folio on it, change files, and assert on what was written.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn folio_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_folio"))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root (the sample site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site in its own temporary folder, removed when dropped.
pub struct Site {
    pub root: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Site {
    /// An empty site folder with the default theme copied in.
    pub fn empty(name: &str) -> Site {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("folio-it-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        copy_dir(&repo_root().join("themes"), &root.join("themes"));
        Site { root }
    }

    /// A copy of tests/fixtures/<rel> (plus the default theme unless the fixture has its own).
    pub fn fixture(rel: &str) -> Site {
        let site = Site::empty(&rel.replace('/', "-"));
        copy_dir(&fixtures().join(rel), &site.root);
        site
    }

    /// A copy of the repository's sample site.
    pub fn sample() -> Site {
        let site = Site::empty("sample");
        for d in ["content", "static"] {
            copy_dir(&repo_root().join(d), &site.root.join(d));
        }
        std::fs::copy(repo_root().join("site.yaml"), site.root.join("site.yaml")).unwrap();
        site
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.root.join(rel)).unwrap();
        self
    }

    pub fn folio(&self, args: &[&str]) -> Run {
        let out = Command::new(folio_bin()).args(args).current_dir(&self.root).output().unwrap();
        Run(out)
    }

    pub fn build(&self) -> Run {
        self.folio(&["build"])
    }

    pub fn public(&self, rel: &str) -> PathBuf {
        self.root.join("public").join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        let p = self.public(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public(rel).exists()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The outcome of one folio run.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code(), 0, "folio failed:\n{}\n{}", self.stdout(), self.stderr());
        self
    }
    #[track_caller]
    pub fn fails(&self) -> &Self {
        assert_eq!(self.code(), 1, "expected exit 1:\n{}\n{}", self.stdout(), self.stderr());
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        let e = self.stderr();
        assert!(e.contains(needle), "stderr lacks {needle:?}:\n{e}");
        self
    }
}

#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "{needle:?} not found in:\n{}", &haystack[..haystack.len().min(4000)]);
}

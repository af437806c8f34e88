//! What an output folder holds: folio's marker with its manifest (the files folio wrote, which
//! it may replace or remove) and everything else, which is the user's and is carried into every
//! new build untouched.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::Path;

/// Marks a folder as folio's output and lists the files folio wrote there.
pub const MARKER: &str = ".folio-output";

/// The marker's first lines; the manifest follows the first empty line.
const HEADER: &str = "# This folder is folio's build output. folio replaces or removes only the files listed\n\
# below, which it wrote; everything else here (.git, CNAME, ...) is yours and is kept.\n\
# folio-output 1\n\n";

/// Names a folder may hold and still be taken as an output folder: a GitHub Pages worktree
/// (`.git`, `CNAME`, `.nojekyll`) and the usual files beside a deployed site.
pub const ADOPTABLE: &[&str] = &[".git", ".gitignore", ".gitattributes", "CNAME", ".nojekyll", ".well-known"];

/// The marker's text for these files (`/`-separated paths relative to the output folder).
/// The same files always give the same bytes.
pub fn manifest<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let sorted: BTreeSet<&str> = files.into_iter().collect();
    let mut out = String::from(HEADER);
    for f in sorted {
        out.push_str(f);
        out.push('\n');
    }
    out
}

/// The files a marker lists; `None` for the marker of folio versions that kept no list.
pub fn parse_manifest(text: &str) -> Option<HashSet<String>> {
    let (head, list) = text.split_once("\n\n")?;
    head.lines().any(|l| l == "# folio-output 1").then(|| list.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

/// The name of the temporary file an in-place update writes before renaming it over `name`.
pub fn temp_name(name: &str) -> String {
    format!(".{name}.folio-tmp")
}

fn is_temp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".folio-tmp")
}

/// An output folder as found on disk.
#[derive(Debug, Default)]
pub struct Folder {
    /// Whether it had folio's marker.
    pub marked: bool,
    /// Without a marker: the first entry that is not one of [`ADOPTABLE`], the reason not to
    /// take the folder over.
    pub foreign: Option<String>,
    /// Files folio wrote (listed in the manifest) that are there.
    pub folio: BTreeSet<String>,
    /// The user's files and symbolic links.
    pub user_files: BTreeSet<String>,
    /// Folders to recreate around the user's files: those holding them, and empty ones.
    pub user_dirs: BTreeSet<String>,
    /// Temporary files of an interrupted in-place update.
    pub leftovers: Vec<String>,
}

/// Reads the folder `dir` (`None` when it does not exist). Without a marker, every file is the
/// user's.
pub fn scan(dir: &Path) -> io::Result<Option<Folder>> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, "it is a file, not a folder"));
    }
    let marker = match fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut folder = Folder { marked: marker.is_some(), ..Folder::default() };
    let listed = marker.as_deref().and_then(parse_manifest);
    // folio before manifests: every file but the adoptable ones was folio's.
    let legacy = marker.is_some() && listed.is_none();
    let mut dirs = BTreeSet::new();
    let mut parents = HashSet::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = relative(entry.path(), dir);
        if let Some((parent, _)) = rel.rsplit_once('/') {
            parents.insert(parent.to_string());
        }
        let top = rel.split('/').next().unwrap_or_default();
        if entry.depth() == 1 && rel != MARKER && !ADOPTABLE.contains(&top) && folder.foreign.is_none() && !folder.marked {
            folder.foreign = Some(rel.clone());
        }
        if entry.file_type().is_dir() {
            dirs.insert(rel);
        } else if rel == MARKER {
            continue;
        } else if is_temp(entry.file_name().to_str().unwrap_or_default()) {
            folder.leftovers.push(rel);
        } else if listed.as_ref().is_some_and(|l| l.contains(&rel)) || (legacy && !ADOPTABLE.contains(&top)) {
            folder.folio.insert(rel);
        } else {
            folder.user_files.insert(rel);
        }
    }
    for f in &folder.user_files {
        let mut rest = f.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            folder.user_dirs.insert(parent.to_string());
            rest = parent;
        }
    }
    // Empty folders: folio never leaves one, so they are the user's.
    folder.user_dirs.extend(dirs.into_iter().filter(|d| !parents.contains(d)));
    Ok(Some(folder))
}

/// `path` below `base` as a `/`-separated relative path.
pub fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_sorted_and_reads_back() {
        let text = manifest(["b/index.html", "a.css", "b/index.html", "#odd name.txt"]);
        assert!(text.starts_with("# This folder"));
        assert!(text.ends_with("\n\n#odd name.txt\na.css\nb/index.html\n"), "{text}");
        let files = parse_manifest(&text).unwrap();
        assert_eq!(files.len(), 3);
        assert!(files.contains("#odd name.txt"));
        assert_eq!(manifest(["a.css", "b/index.html", "#odd name.txt"]), text, "same files, same bytes");
        assert_eq!(parse_manifest("This folder is folio's build output; folio updates and removes files here.\n"), None);
    }

    #[test]
    fn scan_tells_folio_files_from_the_users() {
        let dir = std::env::temp_dir().join(format!("folio-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for f in ["index.html", "a/index.html", "a/mine.txt", ".git/HEAD", "CNAME", ".x.html.folio-tmp"] {
            crate::fsx::write(&dir.join(f), b"x").unwrap();
        }
        fs::create_dir_all(dir.join(".git/refs/tags")).unwrap();
        let unmarked = scan(&dir).unwrap().unwrap();
        assert_eq!(unmarked.foreign.as_deref(), Some(".x.html.folio-tmp"));
        fs::write(dir.join(MARKER), manifest(["index.html", "a/index.html", "gone.html"])).unwrap();
        let f = scan(&dir).unwrap().unwrap();
        assert!(f.marked && f.foreign.is_none());
        assert_eq!(f.folio.iter().collect::<Vec<_>>(), ["a/index.html", "index.html"]);
        assert_eq!(f.user_files.iter().collect::<Vec<_>>(), [".git/HEAD", "CNAME", "a/mine.txt"]);
        assert_eq!(f.user_dirs.iter().collect::<Vec<_>>(), [".git", ".git/refs/tags", "a"]);
        assert_eq!(f.leftovers, [".x.html.folio-tmp"]);
        fs::write(dir.join(MARKER), "This folder is folio's build output; folio updates and removes files here.\n").unwrap();
        let legacy = scan(&dir).unwrap().unwrap();
        assert_eq!(legacy.user_files.iter().collect::<Vec<_>>(), [".git/HEAD", "CNAME"]);
        fs::remove_dir_all(&dir).unwrap();
        assert!(scan(&dir).unwrap().is_none());
    }
}

//! The output folder belongs to the user as much as to folio: files folio did not write
//! (`.git`, `CNAME`, ...) survive every build, even those written while a build runs; a folder
//! of only such files is adopted; two builds at once take turns; unchanged files keep their
//! modification time; nothing of a build is left beside the output folder.

use crate::support::{folio_bin, generate_site, hash_tree, set_title, tree_diff, Site};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The user's files of a GitHub Pages worktree, by path below the output folder.
pub const USER_FILES: &[(&str, &str)] = &[
    (".git/HEAD", "ref: refs/heads/gh-pages\n"),
    (".git/objects/ab/cdef0123", "a git object"),
    ("CNAME", "www.example.com\n"),
    (".nojekyll", ""),
    (".well-known/security.txt", "Contact: mailto:security@example.com\n"),
];

pub fn add_user_files(public: &Path) {
    for (rel, text) in USER_FILES {
        let p = public.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[track_caller]
pub fn assert_user_files(public: &Path) {
    for (rel, text) in USER_FILES {
        let got = std::fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("{rel} did not survive: {e}"));
        assert_eq!(got, *text, "{rel} changed");
    }
}

/// What folio keeps beside the output folder once no build runs: lock files alone.
#[track_caller]
pub fn assert_no_leftovers(parent: &Path) {
    let work: Vec<String> = std::fs::read_dir(parent.join(".folio"))
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n != "submissions.jsonl").collect())
        .unwrap_or_default();
    assert!(work.contains(&"public.lock".to_string()), "no lock file: {work:?}");
    assert!(work.iter().all(|n| n.ends_with(".lock")), "folio's working folder holds more than locks: {work:?}");
    let beside: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old"))
        .collect();
    assert!(beside.is_empty(), "staging copies beside the output folder: {beside:?}");
}

#[test]
fn files_folio_did_not_write_survive_every_build() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let public = site.root.join("public");
    add_user_files(&public);
    site.write("public/articles/notes.txt", "my notes, next to folio's files");
    site.build().ok().stdout_has("0 written");
    // A page goes, a page changes, the site gains a static file.
    site.remove("content/about.md");
    site.write(
        "content/articles/first.md",
        &std::fs::read_to_string(site.root.join("content/articles/first.md")).unwrap().replace("summary", "summary, edited"),
    );
    site.write("static/extra/folio.txt", "from the site");
    site.build().ok().stdout_has("1 removed");
    assert!(!site.exists("about/index.html"));
    assert_user_files(&public);
    assert_eq!(site.read("articles/notes.txt"), "my notes, next to folio's files");
    assert_eq!(site.read("extra/folio.txt"), "from the site");
    let manifest = site.read(".folio-output");
    assert!(manifest.contains("\narticles/first/index.html\n") && manifest.contains("\nextra/folio.txt\n"), "{manifest}");
    for theirs in [".git/HEAD", "CNAME", ".nojekyll", "articles/notes.txt", ".well-known/security.txt"] {
        assert!(!manifest.lines().any(|l| l == theirs), "the manifest claims {theirs}");
    }
    // The site's file stays folio's: when the site drops it, it goes; the user's stay.
    site.remove("static/extra/folio.txt");
    site.build().ok();
    assert!(!site.exists("extra"), "the folder it was in goes too");
    assert_user_files(&public);
    assert_no_leftovers(&site.root);
}

#[test]
fn the_manifest_is_deterministic() {
    let site = Site::fixture("build/happy");
    site.folio(&["build", "--output", "a"]).ok();
    site.folio(&["build", "--output", "b"]).ok();
    let a = std::fs::read_to_string(site.root.join("a/.folio-output")).unwrap();
    assert_eq!(a, std::fs::read_to_string(site.root.join("b/.folio-output")).unwrap());
    let paths: Vec<&str> = a.split_once("\n\n").unwrap().1.lines().collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    assert!(paths.contains(&"articles/first/index.html") && paths.iter().all(|p| !p.contains('\\') && !p.starts_with('/')), "{paths:?}");
}

#[test]
fn a_folder_of_only_git_cname_and_nojekyll_is_adopted_and_others_are_refused() {
    let site = Site::fixture("build/happy");
    let public = site.root.join("public");
    add_user_files(&public);
    site.build().ok();
    assert!(site.exists("index.html"));
    assert_user_files(&public);

    let dist = site.root.join("dist");
    add_user_files(&dist);
    site.write("dist/draft-notes.txt", "not a site file");
    let before = hash_tree(&dist);
    site.folio(&["build", "--output", "dist"])
        .fails()
        .stderr_has("the output folder holds `draft-notes.txt`, which folio did not write")
        .stderr_has(".git, .gitignore, .gitattributes, CNAME, .nojekyll, .well-known")
        .no_panic();
    assert_eq!(hash_tree(&dist), before, "a refused folder is left alone");
}

#[test]
fn a_file_of_the_users_in_the_way_of_a_site_file_stops_the_build() {
    let site = Site::fixture("build/happy");
    site.write("public/CNAME", "www.example.com\n");
    site.write("static/CNAME", "other.example.com\n");
    site.build().fails().stderr_has("public/CNAME").stderr_has("folio did not write this file").no_panic();
    assert!(!site.exists("index.html"), "nothing written");
    assert_eq!(site.read("CNAME"), "www.example.com\n");
    // The same bytes: the file stays the user's, and stays when the site drops it.
    site.write("static/CNAME", "www.example.com\n");
    site.build().ok();
    site.remove("static/CNAME");
    site.build().ok();
    assert_eq!(site.read("CNAME"), "www.example.com\n");
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let meta = |rel: &str| std::fs::metadata(site.public(rel)).unwrap();
    let (page, css) = (meta("about/index.html"), meta("css/site.css"));
    let first = site.read("articles/first/index.html");
    site.write(
        "content/articles/first.md",
        &std::fs::read_to_string(site.root.join("content/articles/first.md")).unwrap().replace("summary", "summary, edited"),
    );
    site.build().ok();
    assert_ne!(site.read("articles/first/index.html"), first);
    for (rel, before) in [("about/index.html", page), ("css/site.css", css)] {
        assert_eq!(meta(rel).modified().unwrap(), before.modified().unwrap(), "{rel} was rewritten");
        #[cfg(unix)]
        assert_eq!(std::os::unix::fs::MetadataExt::ino(&meta(rel)), std::os::unix::fs::MetadataExt::ino(&before), "{rel} is a new file");
    }
}

#[test]
fn an_output_path_through_dot_dot_works_and_leaves_no_copy() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let first = hash_tree(&site.root.join("public"));
    site.folio(&["build", "--output", "./public/../public"]).ok();
    site.folio(&["build", "--output", "public/./../public/"]).ok();
    assert_eq!(hash_tree(&site.root.join("public")), first);
    assert_no_leftovers(&site.root);
    let names: Vec<String> = std::fs::read_dir(&site.root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".public")), "{names:?}");
}

#[test]
fn leftovers_of_an_interrupted_build_are_cleaned_by_the_next() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    add_user_files(&site.root.join("public"));
    let expected = hash_tree(&site.root.join("public"));
    // What a build killed while staging leaves, and one killed while clearing the old tree.
    site.write(".folio/public.new-1-2/index.html", "half a site");
    site.write(".folio/public.trash/index.html", "an old site");
    site.write("public/articles/.index.html.folio-tmp", "half a file of an in-place update");
    site.build().ok();
    assert_eq!(hash_tree(&site.root.join("public")), expected, "{}", tree_diff(&hash_tree(&site.root.join("public")), &expected));
    assert_no_leftovers(&site.root);
}

#[test]
fn a_second_build_waits_for_the_lock_outside_the_output_folder() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let before = hash_tree(&site.root.join("public"));
    site.write("content/about.md", "---\ntitle: \"About, changed\"\n---\nNew text.\n");
    // The test holds the lock, as a running build would.
    let lock = std::fs::OpenOptions::new().write(true).open(site.root.join(".folio/public.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(folio_bin()).arg("build").current_dir(&site.root).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("Waiting for another folio build to finish writing"), "{line}");
    assert!(line.contains("public"), "{line}");
    assert_eq!(hash_tree(&site.root.join("public")), before, "the waiting build wrote nothing yet");
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(site.read("about/index.html").contains("About, changed"));
}

#[test]
fn builds_at_once_take_turns_and_mix_nothing() {
    let site = Site::empty("concurrent");
    generate_site(&site.root, 400, "Concurrent");
    site.folio(&["build", "--output", "clean"]).ok();
    let clean = hash_tree(&site.root.join("clean"));
    site.build().ok();
    add_user_files(&site.root.join("public"));
    set_title(&site.root, "Concurrent, edited");
    site.folio(&["build", "--output", "clean"]).ok();
    let mut expected = hash_tree(&site.root.join("clean"));
    assert_ne!(clean, expected);
    expected.extend(
        hash_tree(&site.root.join("public"))
            .into_iter()
            .filter(|(k, _)| k.starts_with(".git") || k == "CNAME" || k.starts_with(".well-known") || k == ".nojekyll"),
    );
    let runs: Vec<_> =
        (0..4).map(|_| Command::new(folio_bin()).arg("build").current_dir(&site.root).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()).collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    let got = hash_tree(&site.root.join("public"));
    assert!(got == expected, "{}", tree_diff(&got, &expected));
    assert_user_files(&site.root.join("public"));
    assert_no_leftovers(&site.root);
}

#[test]
fn files_written_into_git_while_a_build_runs_are_kept() {
    let site = Site::empty("git-during-build");
    generate_site(&site.root, 600, "Git A");
    site.build().ok();
    let public = site.root.join("public");
    add_user_files(&public);
    let mut expected_user: BTreeMap<String, String> = BTreeMap::new();
    // Three rounds; in each, files are written into .git from the start of a build to its end,
    // as git does: new files, and files replaced through a temporary file and a rename.
    for round in 0..3 {
        set_title(&site.root, &format!("Git {round}"));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (public, stop) = (public.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut written = BTreeMap::new();
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let rel = format!(".git/objects/{:02x}/{round}-{i}", i % 7);
                    let path = public.join(&rel);
                    // The output folder may be swapped between these steps; a failed write is
                    // not a write the user made, so only completed ones are expected.
                    let ok = std::fs::create_dir_all(path.parent().unwrap()).is_ok() && std::fs::write(&path, format!("object {round} {i}")).is_ok();
                    if ok {
                        written.insert(rel, format!("object {round} {i}"));
                    }
                    let tmp = public.join(".git/index.lock");
                    if std::fs::write(&tmp, format!("index {round} {i}")).is_ok() && std::fs::rename(&tmp, public.join(".git/index")).is_ok() {
                        written.insert(".git/index".into(), format!("index {round} {i}"));
                    }
                    i += 1;
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                written
            })
        };
        site.build().ok();
        stop.store(true, Ordering::SeqCst);
        expected_user.extend(writer.join().unwrap());
        for (rel, text) in &expected_user {
            let got = std::fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("round {round}: {rel} written during the build is gone: {e}"));
            assert_eq!(&got, text, "round {round}: {rel}");
        }
        assert_user_files(&public);
        assert!(site.read("index.html").contains(&format!("Git {round}")));
    }
    assert_no_leftovers(&site.root);
}

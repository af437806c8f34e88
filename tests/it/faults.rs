//! Faults that must lose nothing: `folio build` killed (SIGKILL) at many points of a rebuild of
//! a generated site of a few thousand pages, a build that fails, and a full disk, for builds and
//! for the contact-form store. The full disk is a small tmpfs that the test mounts in a private
//! mount namespace (`unshare --mount`, which needs root); where that is not allowed the test
//! prints a note and skips (under CI, which runs as root, it fails instead). After every fault
//! the output folder must hash exactly like the old site or the new one (folio's marker aside),
//! the user's `.git` and `CNAME` included.

use crate::output::{add_user_files, assert_no_leftovers, assert_user_files};
use crate::serve::{json_post, Server};
use crate::support::{folio_bin, generate_site, hash_tree, set_title, tree_diff, Hashes, Run, Site};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A line on the terminal even when the test's output is captured: a skipped check must be seen.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "note: {text}");
}

/// Whether a build's staging folder (the new tree being written) exists.
fn staging_exists(parent: &Path) -> bool {
    std::fs::read_dir(parent.join(".folio")).is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("public.new-")))
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    const PAGES: usize = 2000;
    const KILLS: u32 = 24;
    let site = Site::empty("killed");
    generate_site(&site.root, PAGES, "Version A");
    let public = site.root.join("public");
    site.build().ok();
    add_user_files(&public);
    let a = hash_tree(&public);
    set_title(&site.root, "Version B");
    let started = Instant::now();
    site.build().ok();
    let full = started.elapsed();
    let versions: [(&str, Hashes); 2] = [("Version A", a), ("Version B", hash_tree(&public))];
    assert!(versions[0].1.len() > PAGES, "{} files", versions[0].1.len());
    let differ = versions[0].1.iter().filter(|(path, hash)| versions[1].1.get(*path) != Some(hash)).count();
    assert!(differ > PAGES, "only {differ} files differ between the two versions");
    let mut current = 1;
    let (mut old, mut new, mut mid_write) = (0, 0, 0);
    for i in 0..KILLS {
        let next = 1 - current;
        set_title(&site.root, versions[next].0);
        let mut child = Command::new(folio_bin()).arg("build").current_dir(&site.root).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        if i % 2 == 0 {
            // Kill points spread over a whole build and a half (builds run slower while the
            // test reads trees): loading, rendering, writing, swapping, finished.
            std::thread::sleep(full * 3 * (i / 2 + 1) / (2 * (KILLS / 2 + 1)));
        } else {
            // Kill points while the new tree is written: a moment after the staging folder appears.
            while !staging_exists(&site.root) && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(full * (i / 2 % 8) / 10);
        }
        let _ = child.kill();
        child.wait().unwrap();
        if staging_exists(&site.root) {
            mid_write += 1;
        }
        let now = hash_tree(&public);
        let Some(found) = versions.iter().position(|(_, h)| *h == now) else {
            panic!(
                "kill {i}: the output folder is neither the old site nor the new one\nvs old: {}\nvs new: {}",
                tree_diff(&versions[current].1, &now),
                tree_diff(&versions[next].1, &now)
            );
        };
        if found == next {
            new += 1;
        } else {
            old += 1;
        }
        current = found;
        assert_user_files(&public);
    }
    note(&format!(
        "{KILLS} builds of {PAGES} pages killed (a full build took {} ms): {old} left the old site, {new} the new one; {mid_write} were killed while writing the new tree",
        full.as_millis()
    ));
    // The next build that runs to the end cleans up whatever the killed ones left.
    site.build().ok();
    assert_no_leftovers(&site.root);
    let end = hash_tree(&public);
    assert!(versions.iter().any(|(_, h)| *h == end));
}

#[test]
fn a_failed_build_leaves_the_old_site() {
    let site = Site::empty("failed");
    generate_site(&site.root, 200, "Before");
    let public = site.root.join("public");
    site.build().ok();
    add_user_files(&public);
    let before = hash_tree(&public);
    set_title(&site.root, "After");
    // A content error: nothing is written.
    site.write("content/articles/broken.md", "---\ntitle: [unclosed\n---\nText.\n");
    site.build().fails().stderr_has("content/articles/broken.md").no_panic();
    assert_eq!(hash_tree(&public), before);
    site.remove("content/articles/broken.md");
    // folio's working folder cannot be made: the site built, and still nothing is written.
    std::fs::remove_dir_all(site.root.join(".folio")).unwrap();
    site.write(".folio", "a file in the way");
    site.build().fails().stderr_has("could not create folio's working folder `.folio` beside the output folder").stderr_has("left as it was").no_panic();
    assert_eq!(hash_tree(&public), before);
    std::fs::remove_file(site.root.join(".folio")).unwrap();
    site.build().ok();
    assert!(site.read("index.html").contains("After"));
    assert_user_files(&public);
    assert_no_leftovers(&site.root);
}

/// A small file system of its own: a tmpfs mounted in a private mount namespace held open by a
/// sleeping process. Commands run inside it with `nsenter`; the test reads and writes its files
/// through `/proc/<pid>/root`. Unmounted when the process ends (on drop).
struct SmallDisk {
    holder: Child,
    /// The mount point, as seen inside the namespace.
    dir: PathBuf,
}

impl SmallDisk {
    /// `None` (after a printed note) where the machine does not allow it.
    fn new(test: &str, mib: u32) -> Option<SmallDisk> {
        let skip = |why: &str| {
            let msg = format!("{test}: cannot mount a small file system here ({why}); it needs root on Linux, unshare(1) and nsenter(1)");
            assert!(std::env::var_os("CI").is_none(), "{msg}; the full-disk tests must run in CI");
            note(&format!("SKIPPED {msg}"));
            None
        };
        if !cfg!(target_os = "linux") {
            return skip("not Linux");
        }
        let dir = std::env::temp_dir().join(format!("folio-small-disk-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = format!("mount -t tmpfs -o size={mib}m folio-test '{}' && echo mounted && exec sleep 600", dir.display());
        let spawned =
            Command::new("unshare").args(["--mount", "--propagation", "private", "sh", "-c", &script]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
        let Ok(mut holder) = spawned else { return skip("unshare is not installed") };
        let mut line = String::new();
        let _ = BufReader::new(holder.stdout.take().unwrap()).read_line(&mut line);
        if line.trim() != "mounted" {
            let _ = holder.kill();
            let out = holder.wait_with_output().map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string()).unwrap_or_default();
            let _ = std::fs::remove_dir(&dir);
            return skip(&out);
        }
        Some(SmallDisk { holder, dir })
    }

    /// `rel` inside the small disk, as the namespace sees it (for folio's arguments).
    fn inside(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Generates a site (see [`generate_site`]) in the folder `site` of the small disk; returns
    /// its path as folio's `--root` inside the namespace, and as this process reaches it.
    fn site(&self, pages: usize, title: &str) -> (String, PathBuf) {
        generate_site(&self.outside("site"), pages, title);
        (self.inside("site").to_string_lossy().into_owned(), self.outside("site"))
    }

    /// `rel` inside the small disk, as this process reaches it.
    fn outside(&self, rel: &str) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root", self.holder.id())).join(self.dir.strip_prefix("/").unwrap()).join(rel)
    }

    /// `folio ARGS` run inside the namespace.
    fn folio_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("nsenter");
        cmd.args(["-t", &self.holder.id().to_string(), "-m", "--"]).arg(folio_bin()).args(args);
        cmd
    }

    fn folio(&self, args: &[&str]) -> Run {
        Run(self.folio_command(args).output().unwrap())
    }

    /// Fills the disk but for about `free` bytes; returns the filler's path.
    fn fill(&self, free: u64) -> PathBuf {
        let path = self.outside("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        let mut len = 0u64;
        while let Ok(n) = file.write(&chunk) {
            if n == 0 {
                break;
            }
            len += n as u64;
        }
        file.set_len(len.saturating_sub(free)).unwrap();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// The bytes of every file below `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| if e.file_type().unwrap().is_dir() { tree_bytes(&e.path()) } else { e.metadata().unwrap().len() }).sum()
}

#[test]
fn a_full_disk_leaves_the_old_site() {
    let Some(disk) = SmallDisk::new("a_full_disk_leaves_the_old_site", 32) else { return };
    let (root_arg, root_out) = disk.site(300, "Roomy");
    let public = root_out.join("public");
    disk.folio(&["build", "--root", &root_arg]).ok();
    add_user_files(&public);
    let before = hash_tree(&public);
    set_title(&root_out, "Cramped");
    for free in [tree_bytes(&public) / 2, 64 * 1024, 0] {
        let filler = disk.fill(free);
        let run = disk.folio(&["build", "--root", &root_arg]);
        run.fails().stderr_has("No space left on device").stderr_has("the output folder was left as it was").no_panic();
        let now = hash_tree(&public);
        assert!(now == before, "with {free} bytes free: {}", tree_diff(&before, &now));
        std::fs::remove_file(filler).unwrap();
        assert_no_leftovers(&root_out);
    }
    disk.folio(&["build", "--root", &root_arg]).ok();
    assert!(std::fs::read_to_string(public.join("index.html")).unwrap().contains("Cramped"));
    assert_user_files(&public);
    assert_no_leftovers(&root_out);
}

#[test]
fn a_full_disk_never_corrupts_the_submissions_store() {
    let Some(disk) = SmallDisk::new("a_full_disk_never_corrupts_the_submissions_store", 8) else { return };
    let (root_arg, root_out) = disk.site(3, "Leads");
    let command = disk.folio_command(&["serve", "--root", &root_arg, "--port", "0"]);
    let server = Server::spawn(Site { root: root_out.clone() }, command);
    let post = |name: &str, message: &str| json_post(&server, None, &format!(r#"{{"name":"{name}","email":"a@example.com","message":"{message}"}}"#)).status;
    let mut acknowledged = Vec::new();
    for i in 0..3 {
        assert_eq!(post(&format!("Before {i}"), "Room to spare"), 201);
        acknowledged.push(format!("Before {i}"));
    }
    let store = root_out.join(".folio/submissions.jsonl");
    let filler = disk.fill(0);
    // A record (over 4 KiB) is bigger than the room left in the file's last page: part of it is
    // written, then the disk is full. The part must go, and the post must not be acknowledged.
    for i in 0..4 {
        let size = std::fs::metadata(&store).unwrap().len();
        let status = post(&format!("Full {i}"), &"x".repeat(4900 + i * 20));
        assert!((500..600).contains(&status), "a post on a full disk was answered {status}");
        assert_eq!(std::fs::metadata(&store).unwrap().len(), size, "a failed record left bytes behind");
    }
    std::fs::remove_file(filler).unwrap();
    for i in 0..3 {
        assert_eq!(post(&format!("After {i}"), "Room again"), 201);
        acknowledged.push(format!("After {i}"));
    }
    let text = std::fs::read_to_string(&store).unwrap();
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("a line of the store is not a whole record ({e}): {line:?}"));
    }
    let list = disk.folio(&["submissions", "list", "--root", &root_arg]);
    list.ok().stderr_lacks("warning");
    for name in &acknowledged {
        assert!(list.stdout().contains(name.as_str()), "{name} was acknowledged but is not listed:\n{}", list.stdout());
    }
    assert!(!list.stdout().contains("Full"), "{}", list.stdout());
    assert!(list.stdout().contains(&format!("{} submissions", acknowledged.len())), "{}", list.stdout());
    assert!(server.output().contains("could not store a contact submission"), "{}", server.output());
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_updated_in_place() {
    let Some(disk) = SmallDisk::new("an_output_folder_that_is_a_mount_point_is_updated_in_place", 32) else { return };
    let (root_arg, root_out) = disk.site(20, "Mounted A");
    // The output folder is a file system of its own (as a Docker volume would be): it can be
    // neither renamed nor reached by hard links.
    std::fs::create_dir_all(root_out.join("public")).unwrap();
    let mounted = Command::new("nsenter")
        .args(["-t", &disk.holder.id().to_string(), "-m", "--", "mount", "-t", "tmpfs", "-o", "size=8m", "folio-public"])
        .arg(disk.inside("site/public"))
        .status()
        .unwrap();
    assert!(mounted.success());
    let public = root_out.join("public");
    add_user_files(&public);
    disk.folio(&["build", "--root", &root_arg]).ok().stdout_has("written");
    set_title(&root_out, "Mounted B");
    std::fs::remove_file(root_out.join("content/articles/a0.md")).unwrap();
    std::fs::write(public.join("articles/.index.html.folio-tmp"), "left by a killed in-place update").unwrap();
    disk.folio(&["build", "--root", &root_arg])
        .ok()
        .stdout_has("1 removed")
        .stderr_has("warning: the output folder cannot be swapped in one step")
        .stderr_has("updated file by file");
    assert!(std::fs::read_to_string(public.join("index.html")).unwrap().contains("Mounted B"));
    assert!(!public.join("articles/a0").exists(), "a removed page's folder goes");
    assert!(!public.join("articles/.index.html.folio-tmp").exists());
    assert_user_files(&public);
    // Unchanged bytes are not rewritten: a third build with nothing changed writes nothing.
    let css = std::fs::metadata(public.join("css/site.css")).unwrap().modified().unwrap();
    disk.folio(&["build", "--root", &root_arg]).ok().stdout_has("(0 written");
    assert_eq!(std::fs::metadata(public.join("css/site.css")).unwrap().modified().unwrap(), css);
    assert_no_leftovers(&root_out);
}

//! Nothing lost (issue 9): the output folder is always wholly the previous site or wholly the
//! new one — after a finished build, a failed one, one killed with SIGKILL at many points, one
//! that runs out of disk, and two at once — and files folio did not write survive every build.

use crate::support::Launch;
use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A site of `n` articles; `version` changes every page (the site's title is on all of them).
fn generated_site(n: usize) -> Site {
    let site = Site::fixture("build/happy");
    for i in 0..n {
        site.write(
            &format!("content/articles/gen/post-{i:05}.md"),
            &format!(
                "---\ntitle: \"Generated post {i}\"\ndate: 2024-01-{:02}\ntags: [t{}]\n---\nParagraph {i} of a generated site.\n\n## Part two\n\nMore text.\n",
                1 + i % 28,
                i % 40
            ),
        );
    }
    site
}

/// Version one or two of the generated site: two has another title (on every page) and a page
/// more (new paths, so a half-made staging folder holds files the old site does not have).
fn version(site: &Site, v: u8) {
    if v == 2 {
        set_title(site, "Version two");
        site.write("content/articles/gen/extra.md", "---\ntitle: \"Only in version two\"\ndate: 2024-02-01\n---\nNew.\n");
    } else {
        set_title(site, "Version one");
        let _ = std::fs::remove_file(site.root.join("content/articles/gen/extra.md"));
    }
}

fn set_title(site: &Site, title: &str) {
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    let mut lines: Vec<String> = config.lines().map(str::to_string).collect();
    for l in &mut lines {
        if l.starts_with("title:") {
            *l = format!("title: \"{title}\"");
        }
    }
    site.write("site.yaml", &(lines.join("\n") + "\n"));
}

/// The output's files without folio's marker (its manifest lists what folio wrote).
fn site_files(dir: &Path) -> Tree {
    let mut t = tree(dir);
    t.remove(".folio-output");
    t.retain(|k, _| !k.starts_with(".git/") && k != "CNAME");
    t
}

fn user_files_present(dir: &Path) -> bool {
    std::fs::read(dir.join("CNAME")).is_ok_and(|b| b == b"docs.example.com\n")
        && std::fs::read(dir.join(".git/HEAD")).is_ok_and(|b| b == b"ref: refs/heads/main\n")
}

fn add_user_files(dir: &Path) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join("CNAME"), "docs.example.com\n").unwrap();
}

fn leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.") && !n.ends_with("folio-lock"))
        .collect()
}

fn build_cmd(site: &Site) -> Command {
    let mut c = Command::new(folio_bin());
    c.arg("build").current_dir(&site.root).env("SOURCE_DATE_EPOCH", "1768478400").stdout(Stdio::null()).stderr(Stdio::null());
    c
}

#[test]
fn a_killed_rebuild_leaves_the_old_site_or_the_new_one_never_a_mix() {
    let site = generated_site(1500);
    let public = site.root.join("public");
    // The new site, for comparison, built elsewhere first.
    version(&site, 2);
    assert!(build_cmd(&site).arg("--output").arg("reference-new").status().unwrap().success());
    let new = site_files(&site.root.join("reference-new"));
    std::fs::remove_dir_all(site.root.join("reference-new")).unwrap();
    version(&site, 1);
    let started = Instant::now();
    assert!(build_cmd(&site).status().unwrap().success());
    let full = started.elapsed();
    add_user_files(&public);
    let old = site_files(&public);
    assert_ne!(old, new);
    version(&site, 2);

    // Kill points spread over a whole build, dense near its end where the swap happens.
    let fractions = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.2];
    let (mut saw_old, mut saw_new) = (0, 0);
    for f in fractions {
        let mut child = build_cmd(&site).spawn_ok();
        std::thread::sleep(full.mul_f64(f));
        let _ = child.kill();
        let _ = child.wait();
        let now = site_files(&public);
        assert!(now == old || now == new, "killed at {f} of a build: the output is a mix of the old and the new site");
        assert!(user_files_present(&public), "killed at {f} of a build: .git or CNAME is gone");
        if now == old {
            saw_old += 1;
        } else {
            saw_new += 1;
            // Back to the old site for the next kill: rebuild it and the next build is a full change again.
            version(&site, 1);
            assert!(build_cmd(&site).status().unwrap().success());
            assert!(site_files(&public) == old);
            version(&site, 2);
        }
    }
    eprintln!("kill points: {saw_old} left the old site, {saw_new} the new one");
    // The next build cleans up whatever the killed ones left and finishes the job.
    assert!(build_cmd(&site).status().unwrap().success());
    assert!(site_files(&public) == new);
    assert!(user_files_present(&public));
    assert!(leftovers(&site).is_empty(), "left behind: {:?}", leftovers(&site));
}

#[test]
fn a_failed_build_changes_nothing_and_user_files_survive() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let public = site.root.join("public");
    add_user_files(&public);
    std::fs::create_dir_all(public.join(".well-known")).unwrap();
    std::fs::write(public.join(".well-known/security.txt"), "Contact: mailto:security@example.com\n").unwrap();
    std::fs::write(public.join(".nojekyll"), "").unwrap();
    let before = tree(&public);
    site.write("content/articles/broken.md", "---\ntitle: [unclosed\n---\n");
    site.build().fails();
    assert!(tree(&public) == before, "a failed build changed the output folder");
    site.remove("content/articles/broken.md");
    site.write("content/about.md", "---\ntitle: About us again\n---\nNew text.\n");
    site.build().ok();
    assert!(user_files_present(&public));
    assert!(public.join(".well-known/security.txt").exists() && public.join(".nojekyll").exists());
    assert!(site.read("about/index.html").contains("About us again"));
    assert!(leftovers(&site).is_empty(), "left behind: {:?}", leftovers(&site));
}

#[test]
fn a_folder_with_only_deploy_files_is_adopted_and_odd_output_paths_work() {
    let site = Site::fixture("build/happy");
    let public = site.root.join("public");
    add_user_files(&public);
    std::fs::write(public.join(".nojekyll"), "").unwrap();
    site.folio(&["build", "--output", "./public/../public"]).ok();
    assert!(user_files_present(&public) && public.join(".nojekyll").exists());
    assert!(public.join("index.html").exists());
    site.folio(&["build", "--output", "./public/../public"]).ok();
    assert!(leftovers(&site).is_empty(), "left behind: {:?}", leftovers(&site));
    // A folder with other files is still refused.
    let other = site.root.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    site.folio(&["build", "--output", "other"]).fails();
    assert_eq!(std::fs::read_to_string(other.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn two_builds_at_once_give_one_whole_site() {
    let site = generated_site(300);
    assert!(build_cmd(&site).status().unwrap().success());
    add_user_files(&site.root.join("public"));
    set_title(&site, "Concurrent");
    let a = build_cmd(&site).spawn_ok();
    let b = build_cmd(&site).spawn_ok();
    // Something written into .git while the builds run is kept.
    std::fs::write(site.root.join("public/.git/ORIG_HEAD"), "written during the build\n").unwrap();
    for mut c in [a, b] {
        assert!(c.wait().unwrap().success());
    }
    assert!(build_cmd(&site).arg("--output").arg("reference").status().unwrap().success());
    assert!(site_files(&site.root.join("public")) == site_files(&site.root.join("reference")));
    assert!(user_files_present(&site.root.join("public")));
    assert!(site.root.join("public/.git/ORIG_HEAD").exists(), "a file written into .git during the build was lost");
}

/// Runs `script` in a private mount namespace (for a small tmpfs or a bind mount) and returns
/// its stdout and stderr; `None`, with a visible note naming `test`, where that is not allowed
/// (the script prints `MOUNTED` right after its mount).
fn in_mount_namespace(test: &str, script: &str) -> Option<(String, String)> {
    let probe = Command::new("unshare").args(["--mount", "true"]).stderr(Stdio::null()).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: {test} needs `unshare --mount` (root) to make a small file system");
        return None;
    }
    let out = Command::new("unshare").args(["--mount", "bash", "-euo", "pipefail", "-c", script]).output().ok()?;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    // Every script prints MOUNTED once its mount worked.
    if !stdout.contains("MOUNTED") {
        eprintln!("skipped: {test}: mounting is not allowed here: {stderr}");
        return None;
    }
    Some((stdout, stderr))
}

#[test]
fn a_build_that_runs_out_of_disk_changes_nothing() {
    let site = Site::fixture("build/happy");
    let disk = site.root.join("small-disk");
    std::fs::create_dir_all(&disk).unwrap();
    let bin = folio_bin();
    let script = format!(
        r#"mount -t tmpfs -o size=3m tmpfs '{disk}'
echo MOUNTED
cd '{root}'
export SOURCE_DATE_EPOCH=1768478400
'{bin}' build --output '{disk}/public' > /dev/null
mkdir -p '{disk}/public/.git' && echo 'ref: refs/heads/main' > '{disk}/public/.git/HEAD' && echo docs.example.com > '{disk}/public/CNAME'
sum() {{ (cd '{disk}/public' && find . -type f ! -name .folio-output -print0 | sort -z | xargs -0 sha256sum); }}
before=$(sum)
head -c 4000000 /dev/urandom > static/big.bin
sed -i 's/^title:.*/title: "Bigger"/' site.yaml
if '{bin}' build --output '{disk}/public' > /dev/null 2> build.err; then echo "BUILD SUCCEEDED"; fi
grep -q 'disk has space' build.err && echo "SAID WHY"
after=$(sum)
[ "$before" = "$after" ] && echo "UNCHANGED"
ls -a '{disk}' | grep -q folio-new && echo "LEFTOVER" || true
rm static/big.bin
'{bin}' build --output '{disk}/public' > /dev/null && echo "RECOVERED"
cat '{disk}/public/CNAME'
"#,
        disk = disk.display(),
        root = site.root.display(),
        bin = bin.display()
    );
    let Some((stdout, stderr)) = in_mount_namespace("a_build_that_runs_out_of_disk_changes_nothing", &script) else { return };
    assert!(!stdout.contains("BUILD SUCCEEDED"), "the build should run out of space:\n{stdout}\n{stderr}");
    assert!(stdout.contains("SAID WHY"), "the error should say what to do:\n{stdout}\n{stderr}");
    assert!(stdout.contains("UNCHANGED"), "a build that ran out of disk changed the output:\n{stdout}\n{stderr}");
    assert!(!stdout.contains("LEFTOVER"), "a staging folder was left on the full disk:\n{stdout}");
    assert!(stdout.contains("RECOVERED") && stdout.contains("docs.example.com"), "{stdout}\n{stderr}");
}

#[test]
fn a_build_whose_scratch_file_runs_out_of_disk_changes_nothing() {
    // The build keeps page bodies and search entries in a scratch file in `.folio/` beside the
    // output folder (`folio::spool`): here that folder is a small full disk of its own.
    let site = Site::fixture("build/happy");
    let bin = folio_bin();
    let script = format!(
        r#"cd '{root}'
export SOURCE_DATE_EPOCH=1768478400
'{bin}' build > /dev/null
mkdir -p .folio
mount -t tmpfs -o size=2m tmpfs .folio
echo MOUNTED
head -c 2090000 /dev/zero > .folio/filler || true
sum() {{ (cd public && find . -type f -print0 | sort -z | xargs -0 sha256sum); }}
before=$(sum)
cp content/about.md about.bak
head -c 60000 /dev/urandom | base64 -w 76 >> content/about.md
if '{bin}' build > /dev/null 2> build.err; then echo "BUILD SUCCEEDED"; fi
grep -q 'disk has space' build.err && echo "SAID WHY"
grep -q "the build's scratch file" build.err && echo "SCRATCH"
after=$(sum)
[ "$before" = "$after" ] && echo "UNCHANGED"
ls -a | grep -q folio-new && echo "LEFTOVER" || true
ls .folio | grep -q spool && echo "SPOOL LEFT" || true
cat build.err >&2
rm .folio/filler
mv about.bak content/about.md
'{bin}' build > /dev/null && echo "RECOVERED"
"#,
        root = site.root.display(),
        bin = bin.display()
    );
    let Some((stdout, stderr)) = in_mount_namespace("a_build_whose_scratch_file_runs_out_of_disk_changes_nothing", &script) else { return };
    assert!(!stdout.contains("BUILD SUCCEEDED"), "the build should run out of space:\n{stdout}\n{stderr}");
    assert!(stdout.contains("SAID WHY") && stdout.contains("SCRATCH"), "the error should say what to do:\n{stdout}\n{stderr}");
    assert!(stdout.contains("UNCHANGED"), "the output changed:\n{stdout}\n{stderr}");
    assert!(!stdout.contains("LEFTOVER") && !stdout.contains("SPOOL LEFT"), "{stdout}");
    assert!(stdout.contains("RECOVERED"), "{stdout}\n{stderr}");
}

#[test]
fn an_output_folder_that_cannot_be_renamed_is_updated_file_by_file() {
    let site = Site::fixture("build/happy");
    let bin = folio_bin();
    // A bind mount cannot be renamed: the swap fails and folio copies the new site in instead.
    let script = format!(
        r#"cd '{root}'
mkdir -p real public
mount --bind real public
echo MOUNTED
'{bin}' build > /dev/null
echo docs.example.com > public/CNAME
sed -i 's/^title:.*/title: "Mounted"/' site.yaml
rm content/about.md
'{bin}' build > /dev/null 2> build.err && echo "BUILT"
[ -e public/about ] && echo "STALE FOLDER" || true
grep -q 'file by file' build.err && echo "WARNED"
grep -q 'Mounted' public/index.html && echo "UPDATED"
cat public/CNAME
ls -a | grep -q folio-new && echo "LEFTOVER" || true
"#,
        root = site.root.display(),
        bin = bin.display()
    );
    let Some((stdout, stderr)) = in_mount_namespace("an_output_folder_that_cannot_be_renamed_is_updated_file_by_file", &script) else { return };
    for want in ["BUILT", "WARNED", "UPDATED", "docs.example.com"] {
        assert!(stdout.contains(want), "missing {want}:\n{stdout}\n{stderr}");
    }
    assert!(!stdout.contains("LEFTOVER"), "{stdout}");
    assert!(!stdout.contains("STALE FOLDER"), "the removed page's folder is still there:\n{stdout}");
}

#[test]
fn a_full_disk_never_loses_an_acknowledged_lead() {
    let site = Site::sample();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bin = folio_bin();
    let message = "A lead long enough to fill a small disk quickly. ".repeat(20);
    // `.folio/` is a small tmpfs, all but 8 KiB of it taken by serve's pages and a filler file: after a few posts the
    // store's next page cannot be had (ENOSPC, often after a short write). Removing the filler
    // frees space, and the next post must be stored whole after the cut-back ones.
    let script = format!(
        r#"cd '{root}'
mkdir -p .folio
mount -t tmpfs -o size=16m tmpfs .folio
echo MOUNTED
# A build first, so the image cache (social cards, copies) is complete and serve's background
# work after it starts writes nothing more to the small disk.
'{bin}' build > /dev/null 2>&1
'{bin}' serve --port {port} > serve.log 2>&1 &
pid=$!
for i in $(seq 1 600); do grep -q 'Serving on' serve.log && break; sleep 0.1; done
# serve keeps its rendered pages in .folio/serve/: fill what is left but 8 KiB.
sleep 1
free=$(df --output=avail -B1 .folio | tail -1)
head -c $((free - 8192)) /dev/zero > .folio/filler
post() {{
  curl -s -o answer.txt -w '%{{http_code}}' -H 'Origin: http://127.0.0.1:{port}' -H 'Sec-Fetch-Site: same-origin' \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{{\"name\":\"Lead $1\",\"email\":\"lead$1@example.com\",\"message\":\"{message}\"}}" http://127.0.0.1:{port}/api/contact
}}
for i in $(seq 1 18); do
  code=$(post $i)
  if [ "$code" = 201 ]; then echo "ACK Lead $i"
  elif [ "${{code:0:1}}" = 5 ]; then echo "REFUSED $code $(cat answer.txt)"
  else echo "ODD $code $(cat answer.txt)"; fi
done
rm .folio/filler
code=$(post 19)
[ "$code" = 201 ] && echo "ACK Lead 19"
echo "AFTER FREEING SPACE: $code $(cat answer.txt)"
kill -INT $pid; wait $pid || true
'{bin}' submissions export --csv > export.csv 2> export.err
cp .folio/submissions.jsonl store-copy.jsonl
"#,
        root = site.root.display(),
        bin = bin.display(),
    );
    let Some((stdout, stderr)) = in_mount_namespace("a_full_disk_never_loses_an_acknowledged_lead", &script) else { return };
    let context = format!("{stdout}\n{stderr}\nserve.log:\n{}", std::fs::read_to_string(site.root.join("serve.log")).unwrap_or_default());
    let acked: std::collections::BTreeSet<String> = stdout.lines().filter_map(|l| l.strip_prefix("ACK ")).map(str::to_string).collect();
    let refused: Vec<&str> = stdout.lines().filter(|l| l.starts_with("REFUSED ")).collect();
    assert!(!stdout.contains("ODD"), "every post is stored (201) or refused (5xx):\n{context}");
    assert!(acked.len() > 1 && !refused.is_empty(), "the disk should fill up part way:\n{context}");
    assert!(acked.contains("Lead 19"), "once space is free again, a post is stored:\n{context}");
    for r in &refused {
        assert!(r.contains("not saved") && r.contains("hello@cto.example.com"), "a refused post must say it was not saved and what to do: {r}");
    }
    // Every line of the store parses, the file ends with a whole line, and it holds exactly the
    // acknowledged leads: none lost, none stored behind a 5xx.
    let store = std::fs::read_to_string(site.root.join("store-copy.jsonl")).unwrap();
    assert!(store.ends_with('\n'), "the store ends in a line cut short: {store:?}");
    let stored: std::collections::BTreeSet<String> = store
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("a corrupt line in the store ({e}): {l:?}\n{context}")))
        .map(|v| v["fields"]["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(stored, acked, "the store must hold exactly the acknowledged leads:\n{context}");
    // `folio submissions` reads every one of them back, and skips no line.
    let export = std::fs::read_to_string(site.root.join("export.csv")).unwrap();
    assert_eq!(std::fs::read_to_string(site.root.join("export.err")).unwrap(), "", "submissions export warned about the store");
    for name in &acked {
        let email = format!(",{}@example.com,", name.replace("Lead ", "lead"));
        assert!(export.contains(&email), "{name} is not in `folio submissions export`:\n{export}");
    }
    assert_eq!(export.lines().count(), acked.len() + 1, "{export}");
}

#[test]
fn a_file_of_the_users_where_the_site_has_one_is_never_overwritten() {
    let site = Site::fixture("build/happy");
    site.write("public/CNAME", "docs.example.com\n");
    site.write("static/CNAME", "other.example.com\n");
    site.build().fails().stderr_has("public/CNAME").stderr_has("folio did not write this file").no_panic();
    assert!(!site.exists("index.html"), "nothing written");
    assert_eq!(site.read("CNAME"), "docs.example.com\n");
    // The same bytes: the file stays the user's, and stays when the site no longer has it.
    site.write("static/CNAME", "docs.example.com\n");
    site.build().ok();
    assert!(!site.read(".folio-output").lines().any(|l| l == "CNAME"), "folio claims the user's CNAME");
    site.remove("static/CNAME");
    site.build().ok();
    assert_eq!(site.read("CNAME"), "docs.example.com\n");
    // A file of the user's where the site needs a folder.
    site.write("public/downloads", "a file of the user's");
    site.write("static/downloads/guide.txt", "the site's");
    site.build().fails().stderr_has("public/downloads").no_panic();
    assert_eq!(site.read("downloads"), "a file of the user's");
}

#[test]
fn a_second_build_waits_for_the_lock_and_writes_nothing_meanwhile() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let before = site_files(&site.root.join("public"));
    site.write("content/about.md", "---\ntitle: \"About, changed\"\n---\nNew text.\n");
    // The test holds the lock, as a running build would. It lives in .folio/ (which `folio
    // init` lists in .gitignore), not beside the output folder where git would show it.
    assert!(leftovers(&site).is_empty() && !site.root.join(".public.folio-lock").exists());
    let lock = std::fs::OpenOptions::new().write(true).open(site.root.join(".folio/public.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(folio_bin()).arg("build").current_dir(&site.root).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn_ok();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stderr.take().unwrap()), &mut line).unwrap();
    assert!(line.contains("waiting for another folio build"), "{line}");
    assert!(site_files(&site.root.join("public")) == before, "the waiting build wrote something");
    drop(lock);
    assert!(child.wait().unwrap().success());
    assert_contains(&site.read("about/index.html"), "About, changed");
}

#[test]
fn unchanged_files_keep_their_modification_time_and_identity() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let meta = |rel: &str| std::fs::metadata(site.public(rel)).unwrap();
    let (page, css) = (meta("about/index.html"), meta("css/site.css"));
    let first = site.read("articles/first/index.html");
    let text = std::fs::read_to_string(site.root.join("content/articles/first.md")).unwrap();
    site.write("content/articles/first.md", &text.replace("summary", "summary, edited"));
    site.build().ok();
    assert_ne!(site.read("articles/first/index.html"), first);
    for (rel, before) in [("about/index.html", page), ("css/site.css", css)] {
        assert_eq!(meta(rel).modified().unwrap(), before.modified().unwrap(), "{rel} was rewritten");
        #[cfg(unix)]
        assert_eq!(std::os::unix::fs::MetadataExt::ino(&meta(rel)), std::os::unix::fs::MetadataExt::ino(&before), "{rel} is a new file");
    }
}

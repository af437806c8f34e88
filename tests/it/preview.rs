//! The preview never lies: the four field reports of issue 8 as regression tests. Each drives
//! the engine `folio serve` uses (a kept `Session`) through the reported edits and checks, after
//! every step, that it gives exactly what a fresh `folio build` gives: the same files byte for
//! byte, or the same errors. The last test runs the real `folio serve` over HTTP.

use crate::serve::Server;
use crate::support::*;
use folio::pipeline::{self, BuildOptions};
use folio::session::Session;
use std::collections::BTreeMap;
use std::path::PathBuf;

const ARTICLE: &str = "content/articles/cio-vs-cto.md";
const OLD_URL: &str = "/articles/cio-vs-cto/";
const NEW_URL: &str = "/articles/cio-versus-cto/";

fn options(site: &Site, drafts: bool) -> BuildOptions {
    BuildOptions { root: site.root.clone(), drafts, ..BuildOptions::default() }
}

/// A fresh build: every rendered file, or every error (as printed).
fn fresh(site: &Site, drafts: bool) -> Result<BTreeMap<String, Vec<u8>>, Vec<String>> {
    match pipeline::build(&options(site, drafts)) {
        Ok(built) => Ok(built.files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect()),
        Err(e) => Err(e.0.iter().map(ToString::to_string).collect()),
    }
}

/// Rebuilds after `changed` and checks the result against a fresh build; returns the files.
#[track_caller]
fn step(site: &Site, session: &mut Session, changed: &[&str], what: &str) -> Result<BTreeMap<String, Vec<u8>>, Vec<String>> {
    let paths: Vec<PathBuf> = changed.iter().map(|c| site.root.join(c)).collect();
    let result = session.rebuild(&paths).map_err(|e| e.0.iter().map(ToString::to_string).collect::<Vec<_>>());
    let drafts = false;
    match (fresh(site, drafts), result) {
        (Ok(full), Ok(_)) => {
            let inc = session_files(session);
            let only_full: Vec<&String> = full.keys().filter(|k| !inc.contains_key(*k)).collect();
            let only_inc: Vec<&String> = inc.keys().filter(|k| !full.contains_key(*k)).collect();
            assert!(only_full.is_empty() && only_inc.is_empty(), "after {what}: only in a fresh build {only_full:?}, only in serve {only_inc:?}");
            for (path, bytes) in &full {
                assert!(inc[path] == *bytes, "after {what}: {path} differs from a fresh build");
            }
            Ok(full)
        }
        (Err(full), Err(inc)) => {
            assert_eq!(inc, full, "after {what}: serve and build report different errors");
            Err(full)
        }
        (Ok(_), Err(e)) => panic!("after {what}: build succeeds but serve fails with {e:?}"),
        (Err(e), Ok(_)) => panic!("after {what}: serve accepts what build rejects: {e:?}"),
    }
}

/// A source file of the site (not its output).
fn source(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn session_for(site: &Site) -> Session {
    let mut session = Session::new(options(site, false));
    session.build().unwrap_or_else(|e| panic!("{e}"));
    session
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8_lossy(files.get(path).unwrap_or_else(|| panic!("no {path}"))).into_owned()
}

#[test]
fn a_slug_change_updates_every_page_that_links_to_the_article() {
    let site = Site::sample();
    // Routes to the article from every kind of page the report names.
    let pricing = source(&site, "content/pricing/_index.md");
    site.write("content/pricing/_index.md", &format!("{pricing}\nRead [CIO vs. CTO](@/articles/cio-vs-cto.md) first.\n"));
    let faq = source(&site, "content/faq/_index.md");
    site.write("content/faq/_index.md", &format!("{faq}\nSee [CIO vs. CTO](@/articles/cio-vs-cto.md).\n"));
    let embedding = "content/articles/security-policy-basics.md";
    let body = source(&site, embedding);
    site.write(embedding, &format!("{body}\n{{{{ faq(topic=\"cto-and-cio-roles\") }}}}\n"));
    let mut session = session_for(&site);
    let before = step(&site, &mut session, &[], "the first build").unwrap();
    for page in ["faq/cto-and-cio-roles/index.html", "faq/index.html", "pricing/index.html", "articles/security-policy-basics/index.html"] {
        assert!(text(&before, page).contains(OLD_URL), "{page} should link to the article before the edit");
    }

    let original = source(&site, ARTICLE);
    site.write(ARTICLE, &original.replacen("---\n", "---\nslug: cio-versus-cto\n", 1));
    let after = step(&site, &mut session, &[ARTICLE], "adding a slug").unwrap();
    assert!(after.contains_key("articles/cio-versus-cto/index.html"));
    assert!(!after.contains_key("articles/cio-vs-cto/index.html"));
    for page in
        ["faq/cto-and-cio-roles/index.html", "faq/index.html", "pricing/index.html", "articles/security-policy-basics/index.html", "atom.xml", "sitemap.xml"]
    {
        let t = text(&after, page);
        assert!(!t.contains(OLD_URL), "{page} still links to {OLD_URL}");
        assert!(t.contains(NEW_URL), "{page} does not link to {NEW_URL}");
    }
    // The FAQ's JSON-LD answer carries the new link too.
    let ld = jsonld(&text(&after, "faq/cto-and-cio-roles/index.html"));
    assert!(serde_json::to_string(&ld).unwrap().contains("cio-versus-cto"));

    site.write(ARTICLE, &original);
    step(&site, &mut session, &[ARTICLE], "removing the slug again").unwrap();
}

#[test]
fn edits_made_while_site_yaml_is_broken_are_not_lost() {
    let site = Site::sample();
    let mut session = session_for(&site);
    let config = source(&site, "site.yaml");
    site.write("site.yaml", &format!("{config}\ncolour: blue\n"));
    let errors = step(&site, &mut session, &["site.yaml"], "breaking site.yaml").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("site.yaml") && e.contains("colour")), "{errors:?}");

    let original = source(&site, ARTICLE);
    site.write(ARTICLE, &original.replacen("title: \"", "title: \"Retitled while broken: ", 1));
    step(&site, &mut session, &[ARTICLE], "retitling an article while site.yaml is broken").unwrap_err();
    site.write("content/articles/added-while-broken.md", "---\ntitle: Added while broken\ndate: 2026-01-01\n---\nA new page.\n");
    step(&site, &mut session, &["content/articles/added-while-broken.md"], "adding a page while site.yaml is broken").unwrap_err();

    site.write("site.yaml", &config);
    let files = step(&site, &mut session, &["site.yaml"], "restoring site.yaml").unwrap();
    assert!(files.contains_key("articles/added-while-broken/index.html"));
    assert!(text(&files, "articles/index.html").contains("Added while broken"));
    assert!(text(&files, "atom.xml").contains("Retitled while broken"));
    assert!(files.iter().filter(|(p, _)| p.starts_with("search/data/")).any(|(_, b)| String::from_utf8_lossy(b).contains("Added while broken")));
    assert!(text(&files, "sitemap.xml").contains("added-while-broken"));
}

#[test]
fn a_fixed_or_deleted_file_loses_its_error() {
    let site = Site::sample();
    let mut session = session_for(&site);
    let original = source(&site, ARTICLE);
    let latin1: Vec<u8> = original.replacen("title: ", "title: Caf\u{e9} ", 1).chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();

    site.write_bytes(ARTICLE, &latin1);
    let errors = step(&site, &mut session, &[ARTICLE], "saving the article as Latin-1").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("cio-vs-cto.md")), "{errors:?}");
    site.write(ARTICLE, &original);
    step(&site, &mut session, &[ARTICLE], "saving it again as UTF-8").unwrap();

    site.write_bytes(ARTICLE, &latin1);
    step(&site, &mut session, &[ARTICLE], "saving it as Latin-1 again").unwrap_err();
    // Deleting it leaves the links other articles have to it broken (as a fresh build says),
    // but the file's own error is gone.
    site.remove(ARTICLE);
    let errors = step(&site, &mut session, &[ARTICLE], "deleting the Latin-1 article").unwrap_err();
    assert!(errors.iter().all(|e| !e.contains(&format!("--> {ARTICLE}"))), "{errors:?}");
    assert!(errors.iter().all(|e| e.contains("@/articles/cio-vs-cto.md")), "{errors:?}");
}

#[test]
fn serve_rejects_a_missing_banner_image_as_build_does() {
    let site = Site::sample();
    let mut session = session_for(&site);
    let (from, to) = ("static/banners/voxelry-leaderboard.svg", "static/banners/voxelry-leaderboard-2024.svg");
    std::fs::rename(site.root.join(from), site.root.join(to)).unwrap();
    let errors = step(&site, &mut session, &[from, to], "renaming a banner's image").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("voxelry-leaderboard.svg")), "{errors:?}");
    std::fs::rename(site.root.join(to), site.root.join(from)).unwrap();
    step(&site, &mut session, &[from, to], "renaming it back").unwrap();
}

#[test]
fn drafts_show_only_when_asked_for() {
    let site = Site::sample();
    site.write("content/articles/a-draft.md", "---\ntitle: A draft\ndraft: true\n---\nNot yet.\n");
    let mut without = Session::new(options(&site, false));
    without.build().unwrap_or_else(|e| panic!("{e}"));
    assert!(!session_files(&without).contains_key("articles/a-draft/index.html"));
    assert_eq!(Ok(session_files(&without)), fresh(&site, false));
    let mut with = Session::new(options(&site, true));
    with.build().unwrap_or_else(|e| panic!("{e}"));
    assert!(session_files(&with).contains_key("articles/a-draft/index.html"));
    assert_eq!(Ok(session_files(&with)), fresh(&site, true));
}

/// The served page without the one script tag serve injects.
fn without_live_script(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let Some(start) = text.find("<script src=\"/__folio/live.js\"") else { return body.to_vec() };
    let end = start + text[start..].find("</script>").expect("closed script") + "</script>".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// Every file `folio build` writes with serve's base URL equals what serve answers.
#[track_caller]
fn served_equals_built(server: &Server, what: &str) {
    let out = tempdir_for(&server.site, "preview-out");
    server.site.folio(&["build", "--base-url", &format!("http://{}", server.host()), "--output", out.to_str().unwrap()]).ok();
    let built = tree(&out);
    assert!(built.len() > 20, "the build wrote too little");
    for (rel, bytes) in &built {
        if rel.starts_with(".folio") || !(rel.ends_with(".html") || rel.ends_with(".xml") || rel.ends_with(".json")) {
            continue;
        }
        let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(rel));
        let resp = server.get(&url);
        assert_eq!(resp.status, 200, "after {what}: {url} answers {}", resp.status);
        assert!(without_live_script(&resp.body) == *bytes, "after {what}: {url} differs from `folio build`");
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// A folder of its own for each call: tests run in parallel in one process, and two builds into
/// one folder take turns on its lock while one test deletes what the other reads.
fn tempdir_for(site: &Site, name: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    site.root.parent().unwrap_or(&site.root).join(format!("{name}-{}-{n}", std::process::id()))
}

fn rebuilt_since(server: &Server, lines_before: usize) -> Option<String> {
    let out = server.output();
    let line = out.lines().skip(lines_before).find(|l| l.starts_with("Rebuilt after") || l.starts_with("Build failed after"))?;
    Some(line.to_string())
}

#[test]
fn real_serve_shows_what_build_writes_through_a_slug_change_and_a_broken_config() {
    let server = Server::start(Site::sample());
    served_equals_built(&server, "the first build");
    let site = &server.site;

    let original = source(site, ARTICLE);
    let mark = server.output().lines().count();
    site.write(ARTICLE, &original.replacen("---\n", "---\nslug: cio-versus-cto\n", 1));
    let line = server.eventually("a rebuild after the slug change", || rebuilt_since(&server, mark));
    assert!(line.starts_with("Rebuilt after"), "{line}");
    served_equals_built(&server, "the slug change");
    assert_eq!(server.get(OLD_URL).status, 404);

    let config = source(site, "site.yaml");
    let mark = server.output().lines().count();
    site.write("site.yaml", &format!("{config}\ncolour: blue\n"));
    let line = server.eventually("a failed rebuild", || rebuilt_since(&server, mark));
    assert!(line.starts_with("Build failed after"), "{line}");
    assert_eq!(server.status_json()["ok"], false);

    let mark = server.output().lines().count();
    site.write(ARTICLE, &original.replacen("title: \"", "title: \"Retitled while broken: ", 1));
    server.eventually("a rebuild after the retitle", || rebuilt_since(&server, mark));
    let mark = server.output().lines().count();
    site.write("site.yaml", &config);
    server.eventually("the fixed site", || rebuilt_since(&server, mark).filter(|l| l.starts_with("Rebuilt after")));
    assert_eq!(server.status_json()["ok"], true);
    served_equals_built(&server, "fixing site.yaml");
    let page = server.get(OLD_URL);
    assert!(String::from_utf8_lossy(&page.body).contains("Retitled while broken"), "the edit made while site.yaml was broken is lost");
}

#[test]
fn real_serve_clears_a_fixed_files_error_and_rejects_a_missing_banner_image() {
    let server = Server::start(Site::sample());
    let site = &server.site;
    let original = source(site, ARTICLE);
    let latin1: Vec<u8> = original.replacen("title: \"", "title: \"Caf\u{e9} ", 1).chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    // A save can reach the watcher as more than one event; wait for the outcome that must come.
    let wait_for = |mark: usize, what: &str, prefix: &str| {
        server.eventually(what, || server.output().lines().skip(mark).find(|l| l.starts_with(prefix)).map(str::to_string));
    };

    let mark = server.output().lines().count();
    site.write_bytes(ARTICLE, &latin1);
    wait_for(mark, "the Latin-1 save", "Build failed after");
    let status = server.status_json();
    assert!(status["errors"].to_string().contains("cio-vs-cto.md"), "{status}");

    let mark = server.output().lines().count();
    site.write(ARTICLE, &original);
    wait_for(mark, "the UTF-8 save", "Rebuilt after");
    assert_eq!(server.status_json()["ok"], true);
    served_equals_built(&server, "saving the article as UTF-8 again");

    let (from, to) = ("static/banners/voxelry-leaderboard.svg", "static/banners/voxelry-leaderboard-2024.svg");
    let mark = server.output().lines().count();
    std::fs::rename(site.root.join(from), site.root.join(to)).unwrap();
    wait_for(mark, "the banner image rename", "Build failed after");
    assert!(server.status_json()["errors"].to_string().contains("voxelry-leaderboard.svg"));
    let mark = server.output().lines().count();
    std::fs::rename(site.root.join(to), site.root.join(from)).unwrap();
    wait_for(mark, "renaming it back", "Rebuilt after");
    served_equals_built(&server, "renaming the banner image back");
}

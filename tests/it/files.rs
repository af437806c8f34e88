//! Nothing from outside `content/` and `static/` is published (issue 10, item 3): symbolic links
//! are followed only into the site's source folders and never to `.folio/`, `.git/` or `.env*`;
//! only regular files are read (a named pipe or a device is an error, never a hang); loops,
//! dangling links and unreadable folders are errors naming the path; `static/` publishes a short
//! allow-list of dot-files. Every build here runs the real binary with a time limit, so a
//! regression that hangs fails the test instead of hanging CI.

//!
//! Symbolic links, named pipes and folder permissions are Unix tests (`cfg(unix)`): on Windows a
//! link needs administrator rights or developer mode, and there are no pipes in the file tree.
//! The size limit and the dot-file allow-list run on every system.

use crate::serve::Server;
use crate::support::*;
#[cfg(unix)]
use std::os::unix::fs::symlink;
#[cfg(unix)]
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build of a small site on a busy machine; a hang is much longer.
const LIMIT: Duration = Duration::from_secs(120);

/// A lead in folio's store: what must never reach the site.
const LEAD: &str = "LEAD-jane.doe@example.com";
const SECRET: &str = "API_KEY=SECRET-IN-DOT-ENV";

/// The good base site with a static file, folio's store of leads and a `.env` file.
fn site() -> Site {
    let site = Site::fixture("errors/base");
    site.write("static/robots-note.txt", "hello\n");
    site.write(".folio/submissions.jsonl", &format!("{{\"email\":\"{LEAD}\"}}\n"));
    site.write(".env", &format!("{SECRET}\n"));
    site
}

#[cfg(unix)]
fn link(site: &Site, target: &str, at: &str) {
    let at = site.root.join(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, at).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn build(site: &Site) -> Run {
    site.folio_within(&["build"], LIMIT)
}

/// A build that fails, writes nothing, and never prints (or publishes) the lead or the secret.
#[track_caller]
fn refused(site: &Site) -> Run {
    let run = build(site);
    run.fails().no_panic().stderr_has("nothing was written");
    assert!(!site.exists("index.html"), "a failed build wrote the site");
    let printed = format!("{}{}", run.stdout(), run.stderr());
    assert!(!printed.contains(LEAD) && !printed.contains("SECRET-IN-DOT-ENV"), "printed a private file's text:\n{printed}");
    assert!(!printed.contains("os error"), "a raw system error:\n{printed}");
    run
}

#[test]
#[cfg(unix)]
fn a_static_link_to_the_leads_store_is_refused() {
    let site = site();
    link(&site, "../.folio/submissions.jsonl", "static/leads.jsonl");
    refused(&site)
        .stderr_has("  --> static/leads.jsonl")
        .stderr_has("symbolic link to `.folio/submissions.jsonl`, which is private")
        .stderr_has("= help: delete the link");
    // Through a linked folder too, and from content/.
    let site = self::site();
    link(&site, "../.folio", "static/data");
    link(&site, "../../.folio/submissions.jsonl", "content/articles/leads.md");
    refused(&site).stderr_has("  --> static/data").stderr_has("  --> content/articles/leads.md").stderr_has("symbolic link to `.folio`, which is private");
}

#[test]
#[cfg(unix)]
fn a_static_link_to_a_dot_env_file_is_refused() {
    let site = site();
    link(&site, "../.env", "static/config.txt");
    refused(&site).stderr_has("  --> static/config.txt").stderr_has("symbolic link to `.env`, which is private");
}

#[test]
#[cfg(unix)]
fn a_static_link_to_a_project_file_outside_static_is_refused() {
    let site = site();
    link(&site, "../site.yaml", "static/settings.yaml");
    refused(&site)
        .stderr_has("  --> static/settings.yaml")
        .stderr_has("symbolic link to `site.yaml`, outside content/ and static/: only files in those folders are published")
        .stderr_has("= help: copy the file into the site's static/");
}

#[test]
#[cfg(unix)]
fn a_static_link_out_of_the_project_is_refused() {
    let site = site();
    let outside = Site::empty("outside");
    outside.write("secret.txt", "OUTSIDE-SECRET\n");
    link(&site, outside.root.join("secret.txt").to_str().unwrap(), "static/secret.txt");
    let run = refused(&site);
    run.stderr_has("  --> static/secret.txt").stderr_has("outside content/ and static/");
    assert!(!run.stderr().contains("OUTSIDE-SECRET"));
}

#[test]
#[cfg(unix)]
fn links_inside_static_and_content_are_followed() {
    let site = site();
    site.write("static/images/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    link(&site, "images/logo.svg", "static/favicon.svg");
    link(&site, "../../static/images", "content/articles/pictures");
    build(&site).ok();
    assert_eq!(site.read("favicon.svg"), site.read("images/logo.svg"));
    assert!(site.exists("articles/pictures/logo.svg"));
}

#[test]
#[cfg(unix)]
fn a_linked_folder_in_content_is_walked_and_its_pages_appear() {
    let site = site();
    // A handbook kept beside the static files it uses; content/ links to it.
    site.write("static/handbook/onboarding.md", "---\ntitle: Onboarding\n---\nWelcome aboard.\n");
    link(&site, "../static/handbook", "content/handbook");
    build(&site).ok();
    assert_contains(&site.read("handbook/onboarding/index.html"), "Welcome aboard.");
}

#[test]
#[cfg(unix)]
fn a_page_reached_twice_through_a_link_is_an_error_not_two_pages() {
    let site = site();
    link(&site, "articles", "content/guides");
    let run = refused(&site);
    run.stderr_has("  --> content/guides\n")
        .stderr_has(
            "the files behind this symbolic link are part of the site already: content/guides/_index.md is content/articles/_index.md, and 2 more; each would be published twice",
        )
        .stderr_has("aliases:")
        .stderr_lacks("  --> content/articles/good.md");
    assert_eq!(run.error_count(), 1, "one problem for the link:\n{}", run.stderr());
    // A file linked beside itself, too.
    let site = self::site();
    link(&site, "good.md", "content/articles/good-again.md");
    refused(&site)
        .stderr_has("  --> content/articles/good-again.md")
        .stderr_has("the file behind this symbolic link is part of the site already: content/articles/good-again.md is content/articles/good.md");
}

#[test]
#[cfg(unix)]
fn a_linked_folder_leading_out_of_content_is_refused() {
    let site = site();
    site.write("docs/setup.md", "---\ntitle: Setup\n---\nSteps.\n");
    link(&site, "../docs", "content/docs");
    refused(&site).stderr_has("  --> content/docs").stderr_has("symbolic link to `docs`, outside content/ and static/");
}

#[test]
#[cfg(unix)]
fn link_loops_are_errors_naming_the_link() {
    let site = site();
    link(&site, "b.txt", "static/a.txt");
    link(&site, "a.txt", "static/b.txt");
    link(&site, "..", "content/articles/again");
    let run = refused(&site);
    run.stderr_has("  --> static/a.txt")
        .stderr_has("  --> static/b.txt")
        .stderr_has("which leads round in a loop of links")
        .stderr_has("  --> content/articles/again")
        .stderr_has("symbolic link to the folder `content`, which holds this link: following it would never end");
}

#[test]
#[cfg(unix)]
fn a_dangling_link_points_at_nothing() {
    let site = site();
    link(&site, "images/gone.png", "static/logo.png");
    refused(&site)
        .stderr_has("  --> static/logo.png")
        .stderr_has("symbolic link to `images/gone.png`, which does not exist (the link points at nothing)")
        .stderr_lacks("outside");
}

#[test]
#[cfg(unix)]
fn named_pipes_are_errors_not_hangs() {
    let site = site();
    mkfifo(&site.root.join("content/articles/pipe.md"));
    mkfifo(&site.root.join("content/faq/pipe.yaml"));
    mkfifo(&site.root.join("static/pipe.txt"));
    mkfifo(&site.root.join("templates/pipe.html"));
    let run = refused(&site);
    for path in ["content/articles/pipe.md", "content/faq/pipe.yaml", "static/pipe.txt", "templates/pipe.html"] {
        run.stderr_has(&format!("  --> {path}"));
    }
    run.stderr_has("this is a named pipe (FIFO), not a regular file; folio reads only regular files");
    // A link to one is refused the same way.
    let site = self::site();
    mkfifo(&site.root.join("static/fifo"));
    link(&site, "fifo", "static/data.json");
    refused(&site).stderr_has("  --> static/data.json").stderr_has("which is a named pipe (FIFO), not a regular file");
}

#[test]
#[cfg(unix)]
fn site_yaml_as_a_named_pipe_is_an_error_not_a_hang() {
    let site = site();
    std::fs::remove_file(site.root.join("site.yaml")).unwrap();
    mkfifo(&site.root.join("site.yaml"));
    refused(&site).stderr_has("  --> site.yaml").stderr_has("named pipe (FIFO)").stderr_lacks("no site.yaml");
}

#[test]
#[cfg(unix)]
fn site_yaml_linked_to_dev_zero_is_an_error_not_endless_memory() {
    let site = site();
    std::fs::remove_file(site.root.join("site.yaml")).unwrap();
    link(&site, "/dev/zero", "site.yaml");
    refused(&site).stderr_has("  --> site.yaml").stderr_has("symbolic link to `/dev/zero`, outside the site folder");
    // Inside the site folder a link is fine, but not to a private file.
    let site = self::site();
    std::fs::rename(site.root.join("site.yaml"), site.root.join("settings.yaml")).unwrap();
    link(&site, "settings.yaml", "site.yaml");
    build(&site).ok();
    let site = self::site();
    std::fs::remove_file(site.root.join("site.yaml")).unwrap();
    link(&site, ".env", "site.yaml");
    refused(&site).stderr_has("symbolic link to `.env`, which is private");
}

#[test]
fn a_file_over_the_size_limit_is_an_error_naming_it() {
    let site = site();
    let limit = folio::fsx::MAX_SOURCE_BYTES as usize;
    site.write("content/articles/huge.md", &format!("---\ntitle: Huge\n---\n{}\n", "x".repeat(limit)));
    refused(&site).stderr_has("  --> content/articles/huge.md").stderr_has(&format!("over the limit of {limit} bytes"));
}

#[test]
#[cfg(unix)]
fn an_unreadable_folder_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let site = site();
    site.write("content/private/page.md", "---\ntitle: Private\n---\n");
    let folder = site.root.join("content/private");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&folder).is_ok() {
        // Root (as in many containers) reads any folder: nothing to test here.
        eprintln!("note: running as root, which can read any folder; unreadable-folder test skipped");
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let run = build(&site);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.fails().no_panic().stderr_has("  --> content/private").stderr_has("could not open this folder: permission denied");
}

#[test]
fn static_publishes_the_allowed_dot_files_only() {
    let site = site();
    site.write("static/.well-known/security.txt", "Contact: mailto:security@example.com\n");
    site.write("static/.nojekyll", "");
    site.write("static/.htaccess", "Redirect 301 /old /new\n");
    site.write("static/.env", &format!("{SECRET}\n"));
    site.write("static/.secret", "hidden\n");
    site.write("static/.htpasswd", "admin:$apr1$x\n");
    site.write("static/.well-known/.draft.swp", "leftover\n");
    site.write("content/.well-known/page.md", "---\ntitle: Hidden page\n---\n");
    build(&site).ok();
    assert_contains(&site.read(".well-known/security.txt"), "security@example.com");
    assert!(site.exists(".nojekyll"));
    assert!(site.exists(".htaccess"));
    for hidden in [".env", ".secret", ".htpasswd", ".well-known/.draft.swp", ".well-known/page/index.html"] {
        assert!(!site.exists(hidden), "{hidden} was published");
    }
}

/// serve answers static files from disk: a file swapped for a link to the leads store after
/// the build must never be answered, neither before the rebuild notices nor after.
#[test]
#[cfg(unix)]
fn serve_never_answers_a_static_file_swapped_for_a_link_to_the_leads() {
    let site = Site::sample();
    site.write(".folio/submissions.jsonl", &format!("{{\"email\":\"{LEAD}\"}}\n"));
    let s = Server::start(site);
    assert_eq!(s.get("/favicon.svg").status, 200);
    let file = s.site.root.join("static/favicon.svg");
    std::fs::remove_file(&file).unwrap();
    symlink(s.site.root.join(".folio/submissions.jsonl"), &file).unwrap();
    // At once, before the watcher's rebuild: the served entry must not follow the new link.
    for _ in 0..20 {
        let r = s.get("/favicon.svg");
        assert!(!r.text().contains(LEAD), "served the leads store: {}", r.text());
    }
    s.eventually("the rebuild reports the link", || (s.status_json()["ok"] == false).then_some(()));
    let r = s.get("/favicon.svg");
    assert!(!r.text().contains(LEAD), "served the leads store: {}", r.text());
    assert_eq!(r.status, 404);
    assert_contains(&s.status_json().to_string(), "symbolic link to `.folio/submissions.jsonl`, which is private");
}

/// serve publishes what build publishes: the allowed dot-files, and not the others, also when
/// they appear while it runs.
#[test]
fn serve_answers_the_allowed_dot_files_only() {
    let site = Site::sample();
    site.write("static/.well-known/security.txt", "Contact: mailto:security@example.com\n");
    site.write("static/.secret", "hidden\n");
    let s = Server::start(site);
    let r = s.get("/.well-known/security.txt");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_contains(&r.text(), "security@example.com");
    assert_eq!(s.get("/.secret").status, 404);
    s.site.write("static/.well-known/change-password", "https://example.com/account\n");
    s.eventually("the new dot-file is served", || (s.get("/.well-known/change-password").status == 200).then_some(()));
}

/// What a link leads to can change without the link changing: a kept session (as serve keeps
/// it) must still give exactly what a fresh build gives, files and errors.
#[test]
#[cfg(unix)]
fn rebuilds_through_links_equal_a_fresh_build() {
    use folio::pipeline::{self, BuildOptions};
    use folio::session::Session;
    let site = site();
    let opts = BuildOptions { root: site.root.clone(), ..Default::default() };
    site.write("static/handbook/onboarding.md", "---\ntitle: Onboarding\n---\nWelcome aboard.\n");
    site.write("static/images/team.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    link(&site, "../static/handbook", "content/handbook");
    link(&site, "../../static/images", "content/articles/pictures");
    link(&site, "../../static/later.md", "content/articles/later.md");
    link(&site, "images/team.svg", "static/team.svg");
    let mut session = Session::new(opts.clone());
    let same = |session: &Session, outcome: &Result<folio::session::Report, folio::diag::Diagnostics>, after: &str| match (pipeline::build(&opts), outcome) {
        (Ok(fresh), Ok(_)) => {
            let fresh_files: std::collections::BTreeMap<String, Vec<u8>> = fresh.files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect();
            assert!(fresh_files == session_files(session), "after {after}: rendered files differ from a fresh build");
            let fresh_static: Vec<(&str, &Path)> = fresh.assets.iter().map(|a| (a.out.as_str(), a.file.as_path())).collect();
            let snap = session.snapshot();
            let ours: Vec<(&str, &Path)> = snap
                .files()
                .into_iter()
                .filter_map(|(p, s)| match s {
                    folio::session::Served::File(f) => Some((p, f.as_path())),
                    folio::session::Served::Bytes(_) | folio::session::Served::Stored(_) | folio::session::Served::Made(_) => None,
                })
                .collect();
            assert_eq!(fresh_static, ours, "after {after}: static files differ from a fresh build");
        }
        (Err(fresh), Err(ours)) => assert_eq!(fresh.to_string(), ours.to_string(), "after {after}"),
        (fresh, ours) => panic!("after {after}: fresh build ok: {}, session ok: {}", fresh.is_ok(), ours.is_ok()),
    };
    let outcome = session.build();
    same(&session, &outcome, "the first build (one dangling link)");
    assert!(outcome.is_err(), "content/articles/later.md points at nothing yet");

    // The file a dangling link names appears: the change names only static/.
    site.write("static/later.md", "---\ntitle: Later\n---\nNow here.\n");
    let outcome = session.rebuild(&[site.root.join("static/later.md")]);
    same(&session, &outcome, "creating the file a content link leads to");
    assert!(session.snapshot().contains("articles/later/index.html"));

    // A page behind a folder link is edited where it lives.
    site.write("static/handbook/onboarding.md", "---\ntitle: Onboarding\n---\nWelcome, edited.\n");
    let outcome = session.rebuild(&[site.root.join("static/handbook/onboarding.md")]);
    same(&session, &outcome, "editing a page behind a folder link");

    // A file behind two links goes away.
    std::fs::remove_file(site.root.join("static/images/team.svg")).unwrap();
    let outcome = session.rebuild(&[site.root.join("static/images/team.svg")]);
    same(&session, &outcome, "deleting a file two links lead to");
    assert!(outcome.is_err());

    // A content folder comes to be reached twice, then not.
    link(&site, "handbook", "content/manual");
    let outcome = session.rebuild(&[site.root.join("content/manual")]);
    same(&session, &outcome, "a second link to the same folder");
    std::fs::remove_file(site.root.join("content/manual")).unwrap();
    std::fs::write(site.root.join("static/images/team.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n").unwrap();
    let outcome = session.rebuild(&[site.root.join("content/manual"), site.root.join("static/images/team.svg")]);
    same(&session, &outcome, "removing the second link and restoring the file");
    assert!(outcome.is_ok());
}

/// A folder reachable through a link under a second path: an edit must still update the page
/// (the watcher reports it where the file is, and folio reads again what links lead to).
#[test]
#[cfg(unix)]
fn serve_updates_a_page_whose_folder_is_also_linked_from_static() {
    let site = Site::sample();
    site.write("content/docs/setup.md", "---\ntitle: Setup\n---\nFirst version.\n");
    link(&site, "../content/docs", "static/docs");
    let s = Server::start(site);
    s.eventually("the page is served", || s.get("/docs/setup/").text().contains("First version.").then_some(()));
    s.site.write("content/docs/setup.md", "---\ntitle: Setup\n---\nSecond version.\n");
    s.eventually("the edit is served", || s.get("/docs/setup/").text().contains("Second version.").then_some(()));
    assert_contains(&s.get("/docs/setup.md").text(), "Second version.");
}

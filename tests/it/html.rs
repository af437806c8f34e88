//! Valid HTML5: every generated page of the sample site, and of the fixture sites that exercise
//! the other templates (pagination, anchors, highlighting, FAQ, pricing, banners, the contact
//! form), passes the Nu HTML Checker with no errors. Runs tests/vnu/check.sh, which needs Java
//! 17 or later and `npm ci --prefix tests/vnu --ignore-scripts` (as the README says); without
//! them the test fails under CI and elsewhere is *ignored* with the reason, so the summary of
//! `cargo test` shows it (`build.rs` looks for the tools and sets `folio_no_vnu` /
//! `folio_no_linkinator`; a tool gone since the build gives a note and an early return).

use crate::support::Launch;
use crate::support::*;
use std::process::Command;

/// How the README says to install the checkers' modules; the hints below say the same.
const NPM_CI: &str = "npm ci --prefix tests/vnu --ignore-scripts";

/// Runs tests/vnu/check.sh on the sites; `None` when Java or vnu.jar is missing outside CI.
fn nu_check(sites: &[&Site]) -> Option<(bool, String)> {
    nu_check_with(sites, &[])
}

/// [`nu_check`] of a build with more flags (`--drafts`).
fn nu_check_with(sites: &[&Site], flags: &[&str]) -> Option<(bool, String)> {
    let jar = repo_root().join("tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    if !java || !jar.is_file() {
        let missing = if java { format!("{} (run `{NPM_CI}`)", jar.display()) } else { "java (install Java 17 or later)".to_string() };
        let msg = format!("the Nu HTML Checker cannot run: {missing} is missing");
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("note: skipping the Nu HTML Checker: {msg}");
        return None;
    }
    let roots: Vec<String> = sites.iter().map(|s| s.root.to_string_lossy().into_owned()).collect();
    let out = Command::new(repo_root().join("tests/vnu/check.sh"))
        .args(&roots)
        .env("FOLIO", folio_bin())
        .env("FOLIO_BUILD_FLAGS", flags.join(" "))
        // 2026-10-01: every article of the sample site is published (links to a later one are errors).
        .env("SOURCE_DATE_EPOCH", "1790812800")
        .output()
        .expect("run tests/vnu/check.sh");
    let mut text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for (i, r) in roots.iter().enumerate() {
        text.push_str(&format!("\nsite-{} = {r}", i + 1));
    }
    let clean = out.status.success() && text.contains("check.sh: no errors");
    Some((clean, text))
}

#[test]
#[cfg_attr(folio_no_vnu, ignore = "skipped: needs Java 17 or later and `npm ci --prefix tests/vnu --ignore-scripts` (then `touch tests/vnu`)")]
fn nu_html_checker_finds_no_errors_in_the_sample_site() {
    let sample = Site::sample();
    if let Some((clean, text)) = nu_check(&[&sample]) {
        assert!(clean, "the Nu HTML Checker found errors in the sample site:\n{text}");
    }
}

#[test]
#[cfg_attr(folio_no_vnu, ignore = "skipped: needs Java 17 or later and `npm ci --prefix tests/vnu --ignore-scripts` (then `touch tests/vnu`)")]
fn nu_html_checker_finds_no_errors_in_the_fixture_sites() {
    let sites: Vec<Site> = ["build/happy", "build/pagination", "build/anchors", "build/highlight", "build/aliases", "build/callouts", "marketing/site"]
        .into_iter()
        .map(Site::fixture)
        .collect();
    let refs: Vec<&Site> = sites.iter().collect();
    if let Some((clean, text)) = nu_check(&refs) {
        assert!(clean, "the Nu HTML Checker found errors in the fixture sites:\n{text}");
    }
}

/// Drafts carry a "Draft" label on their pages, cards and previous/next links (issue 14).
#[test]
#[cfg_attr(folio_no_vnu, ignore = "skipped: needs Java 17 or later and `npm ci --prefix tests/vnu --ignore-scripts` (then `touch tests/vnu`)")]
fn nu_html_checker_finds_no_errors_in_a_drafts_build() {
    let site = Site::fixture("build/happy");
    site.write("content/articles/zz-draft.md", "---\ntitle: \"Another draft\"\ndate: 2025-05-01\ndraft: true\ntags: [Rust]\n---\nDraft text.\n");
    if let Some((clean, text)) = nu_check_with(&[&site, &Site::sample()], &["--drafts"]) {
        assert!(clean, "the Nu HTML Checker found errors in a --drafts build:\n{text}");
    }
}

/// What `folio import` writes (figures, video embeds, details, callouts, code) is valid HTML:
/// the Hugo, Jekyll and Zola fixtures, imported and built.
#[test]
#[cfg_attr(folio_no_vnu, ignore = "skipped: needs Java 17 or later and `npm ci --prefix tests/vnu --ignore-scripts` (then `touch tests/vnu`)")]
fn nu_html_checker_finds_no_errors_in_imported_sites() {
    let sites: Vec<Site> = ["hugo", "jekyll", "zola"]
        .into_iter()
        .map(|kind| {
            let site = Site::empty(&format!("imported-{kind}"));
            std::fs::remove_dir_all(&site.root).unwrap();
            let out = Command::new(folio_bin()).args(["import", kind]).arg(fixtures().join("import").join(kind)).arg("--into").arg(&site.root).output_ok();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            site
        })
        .collect();
    let refs: Vec<&Site> = sites.iter().collect();
    if let Some((clean, text)) = nu_check(&refs) {
        assert!(clean, "the Nu HTML Checker found errors in the imported sites:\n{text}");
    }
}

/// Runs linkinator (tests/vnu/node_modules) over a built site; `None` when it is missing outside
/// CI. Returns the broken links as "status url (from page)".
fn broken_links(out: &std::path::Path) -> Option<Vec<String>> {
    let cli = repo_root().join("tests/vnu/node_modules/linkinator/build/src/cli.js");
    if !cli.is_file() {
        let msg = format!("linkinator cannot run: {} is missing (run `{NPM_CI}`)", cli.display());
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("note: skipping the link checker: {msg}");
        return None;
    }
    // Only the site's own pages, through linkinator's local server: absolute links to the
    // production address (canonical, og:url) and to other sites need a network the tests lack.
    let run = Command::new("node").arg(&cli).arg(out).args(["--recurse", "--format", "json", "--skip", "^(?!http://localhost)"]).output().expect("run node");
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("linkinator: {e}\n{}", String::from_utf8_lossy(&run.stderr)));
    let links = report["links"].as_array().expect("links");
    assert!(links.len() > 40, "linkinator checked only {} links", links.len());
    Some(
        links
            .iter()
            .filter(|l| l["state"] == "BROKEN")
            .map(|l| format!("{} {} (from {})", l["status"], l["url"].as_str().unwrap_or_default(), l["parent"].as_str().unwrap_or_default()))
            .collect(),
    )
}

#[test]
#[cfg_attr(folio_no_linkinator, ignore = "skipped: needs Node and `npm ci --prefix tests/vnu --ignore-scripts` (then `touch tests/vnu`)")]
fn linkinator_finds_no_broken_link_in_the_sample_site_for_production_and_staging() {
    let sample = Site::sample();
    for (name, args) in
        [("production", &["build", "--output", "out-production"][..]), ("staging", &["build", "--env", "staging", "--output", "out-staging"][..])]
    {
        sample.folio_env(args, &[("SOURCE_DATE_EPOCH", "1790812800")]).ok();
        if let Some(broken) = broken_links(&sample.root.join(format!("out-{name}"))) {
            assert!(broken.is_empty(), "{name}: broken links:\n{}", broken.join("\n"));
        }
    }
}

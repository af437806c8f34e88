//! Explicit URL claims and the publication window (issue 10, items 4 and 5), over the real
//! binary on the marketing fixture (it has pricing, FAQ, banners, tags and a feed): two claims of
//! one output file are an error naming both, in `build`, `check` and serve's engine; tag spellings
//! that share an address are merged with a warning; pages dated after the build date are left
//! out with a note, and `--future` brings them back.

use crate::support::*;
use folio::pipeline::BuildOptions;
use folio::session::Session;

/// 2026-01-15 12:00 UTC: the fixture's banners are scheduled against it.
const EPOCH: &str = "1768478400";
const ARTICLE: &str = "content/articles/no-banners.md";

fn site() -> Site {
    Site::fixture("marketing/site")
}

fn run(site: &Site, args: &[&str]) -> Run {
    site.folio_env(args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

/// Adds `line` to the front matter of the article (after its first line).
fn add_front_matter(site: &Site, line: &str) {
    let text = std::fs::read_to_string(site.root.join(ARTICLE)).unwrap();
    site.write(ARTICLE, &text.replacen("---\n", &format!("---\n{line}\n"), 1));
}

/// `build` and `check` both fail with `needle` among the errors, at the alias's line.
#[track_caller]
fn alias_collides(alias: &str, needle: &str) {
    let site = site();
    add_front_matter(&site, &format!("aliases: [\"/old-home/\", \"{alias}\"]"));
    for cmd in ["build", "check"] {
        let r = run(&site, &[cmd]);
        r.fails()
            .stderr_has(&format!("error: the alias `{alias}` is the address"))
            .stderr_has(needle)
            .stderr_has(&format!("--> {ARTICLE}:2:"))
            .stderr_has("help: remove this entry from `aliases:`");
        // check also reports the finished pages' broken links (the fixture's theme links to a
        // /privacy/ page it does not have): the alias is reported once.
        assert_eq!(r.stderr().matches("error: the alias").count(), 1, "{cmd}: {}", r.stderr());
    }
    assert!(!site.root.join("public").exists(), "nothing is written");
}

#[test]
fn an_alias_onto_the_pricing_page_is_an_error() {
    alias_collides("/pricing/", "of the pricing page (made from content/pricing/_index.md)");
}

#[test]
fn an_alias_onto_the_faq_page_is_an_error() {
    alias_collides("/faq/", "of the FAQ page (made from content/faq/_index.md)");
}

#[test]
fn an_alias_onto_the_search_page_is_an_error() {
    alias_collides("/search/", "of the search page");
}

#[test]
fn an_alias_onto_a_tag_page_is_an_error() {
    alias_collides("/tags/marketing/", "of the page of the tag `marketing`");
}

#[test]
fn an_alias_onto_the_feed_is_an_error() {
    alias_collides("/atom.xml", "of the feed (made from site.yaml)");
}

#[test]
fn an_alias_onto_a_static_file_is_an_error() {
    alias_collides("/banners/logo.svg", "of the static file static/banners/logo.svg");
}

#[test]
fn an_alias_onto_another_pages_alias_is_an_error() {
    let site = site();
    add_front_matter(&site, "aliases:\n  - /taken/");
    let other = "content/articles/with-banners.md";
    let text = std::fs::read_to_string(site.root.join(other)).unwrap();
    site.write(other, &text.replacen("---\n", "---\naliases: [\"/taken/\"]\n", 1));
    let r = run(&site, &["check"]);
    r.fails().stderr_has("error: the alias `/taken/` is the address /taken/ of the alias `/taken/` of content/articles/");
    assert_eq!(r.stderr().matches("error: the alias").count(), 1, "{}", r.stderr());
}

#[test]
fn a_static_file_onto_a_generated_file_is_an_error() {
    let site = site();
    site.write("static/robots.txt", "User-agent: *\n");
    site.write("static/pricing/index.html", "<p>old</p>\n");
    let r = run(&site, &["build"]);
    r.fails()
        .stderr_has("error: this static file would be published at /robots.txt, the address of the robots.txt folio writes")
        .stderr_has("--> static/robots.txt")
        .stderr_has("--> static/pricing/index.html")
        .stderr_has("help: rename or move the file");
    assert_eq!(r.error_count(), 2, "{}", r.stderr());
}

#[test]
fn a_page_on_a_generated_address_is_an_error() {
    let site = site();
    site.write("content/search.md", "---\ntitle: Our own search\n---\nHello.\n");
    run(&site, &["build"]).fails().stderr_has("error: this page's URL /search/ is the address of the search page").stderr_has("--> content/search.md");
}

#[test]
fn serve_reports_a_collision_and_recovers() {
    let site = site();
    let opts = BuildOptions { root: site.root.clone(), ..BuildOptions::default() };
    let mut session = Session::new(opts);
    session.build().unwrap_or_else(|e| panic!("{e}"));
    add_front_matter(&site, "aliases: [\"/pricing/\"]");
    let Err(errors) = session.rebuild(&[site.root.join(ARTICLE)]) else { panic!("the collision stops the rebuild") };
    assert!(errors.0.iter().any(|e| e.message.contains("`/pricing/`") && e.line == Some(2)), "{errors}");
    // The last good site is still served, with the pricing page.
    assert!(session.snapshot().files().into_iter().any(|(p, _)| p == "pricing/index.html"));
    let text = std::fs::read_to_string(site.root.join(ARTICLE)).unwrap();
    site.write(ARTICLE, &text.replacen("aliases: [\"/pricing/\"]\n", "", 1));
    session.rebuild(&[site.root.join(ARTICLE)]).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn tag_spellings_on_one_address_are_merged_with_a_warning() {
    let site = site();
    site.write("content/articles/a.md", "---\ntitle: A\ndate: 2025-01-01\ntags: [a b, c++, Rust]\n---\nA.\n");
    site.write("content/articles/b.md", "---\ntitle: B\ndate: 2025-01-02\ntags: [a-b, c, rust]\n---\nB.\n");
    let r = run(&site, &["build"]);
    r.ok()
        .stderr_has("warning: the tags `a b` (content/articles/a.md:4) and `a-b` (content/articles/b.md:4) share one address, /tags/a-b/, so they are shown as one tag, `a b`")
        .stderr_has("warning: the tags `c++` (content/articles/a.md:4) and `c` (content/articles/b.md:4) share one address, /tags/c/")
        .stderr_has("warning: the tags `Rust` (content/articles/a.md:4) and `rust` (content/articles/b.md:4) share one address, /tags/rust/")
        .stderr_has("--> content/articles/b.md:4:1")
        .stderr_has("3 warnings found.");
    assert_eq!(r.error_count(), 0);
    let term = site.read("tags/a-b/index.html");
    assert!(term.contains("/articles/a/") && term.contains("/articles/b/"), "one term page lists both");
    // `check` reports them too (this fixture has broken links of its own, so check fails).
    run(&site, &["check"]).stderr_has("warning: the tags `a b`").stderr_has("3 warnings");
}

#[test]
fn a_page_dated_later_is_left_out_until_its_day() {
    let site = site();
    site.write("content/articles/soon.md", "---\ntitle: Coming soon\ndate: 2026-01-20\ntags: [soon-only]\n---\nNot yet.\n");
    let r = run(&site, &["build"]);
    r.ok().stderr_has("note: left out 1 page dated after 2026-01-15 (build with --future to include it)");
    assert!(!site.exists("articles/soon/index.html"));
    assert!(!site.exists("tags/soon-only/index.html"));
    for (path, text) in site.html_files() {
        assert!(!text.contains("Coming soon"), "the future page leaked into {path}");
    }
    for file in ["sitemap.xml", "atom.xml", "search/data"] {
        assert!(!site.read_all(file).contains("soon"), "the future page leaked into {file}");
    }

    run(&site, &["build", "--future"]).ok().stderr_lacks("note:");
    assert!(site.exists("articles/soon/index.html"));
    assert!(site.read("atom.xml").contains("Coming soon"));
    // On its day it is published without --future.
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", "1768910400")]).ok().stderr_lacks("note:");
    assert!(site.exists("articles/soon/index.html"));
}

#[test]
fn a_link_to_a_page_dated_later_says_it_is_scheduled() {
    let site = site();
    site.write("content/articles/soon.md", "---\ntitle: Coming soon\ndate: 2026-02-01\n---\nNot yet.\n");
    site.write("content/articles/now.md", "---\ntitle: Now\ndate: 2025-01-01\n---\nSee [the next one](@/articles/soon.md).\n");
    let r = run(&site, &["check"]);
    r.fails()
        .stderr_has("error: link to `@/articles/soon.md`: that page is scheduled for 2026-02-01, a later date than this build's")
        .stderr_has("--> content/articles/now.md:5:")
        .stderr_has("--future");
    run(&site, &["build", "--future"]).ok();
    // A draft says it is a draft.
    site.write("content/articles/soon.md", "---\ntitle: Coming soon\ndraft: true\n---\nNot yet.\n");
    run(&site, &["build"]).fails().stderr_has("error: link to `@/articles/soon.md`: that page is a draft");
}

#[test]
fn serve_publishes_a_page_on_its_day() {
    let site = site();
    site.write("content/articles/soon.md", "---\ntitle: Coming soon\ndate: 2026-01-20\n---\nNot yet.\n");
    let day = |d: u8| time::Date::from_calendar_date(2026, time::Month::January, d).unwrap();
    let opts = BuildOptions { root: site.root.clone(), build_date: day(19), ..BuildOptions::default() };
    let mut session = Session::new(opts.clone());
    let report = session.build().unwrap_or_else(|e| panic!("{e}"));
    assert!(report.note.is_some_and(|n| n.contains("1 page dated after 2026-01-19")));
    assert!(!session_files(&session).contains_key("articles/soon/index.html"));
    // The next day an unrelated edit rebuilds: the page is due and appears, as in a fresh build.
    session.set_build_date(day(20));
    site.write(
        "content/articles/with-banners.md",
        &std::fs::read_to_string(site.root.join("content/articles/with-banners.md")).unwrap().replace("first paragraph", "opening paragraph"),
    );
    let report = session.rebuild(&[site.root.join("content/articles/with-banners.md")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.note, None);
    let served = session_files(&session);
    assert!(served.contains_key("articles/soon/index.html"));
    let fresh = folio::pipeline::build(&BuildOptions { build_date: day(20), ..opts }).unwrap_or_else(|e| panic!("{e}"));
    let fresh: std::collections::BTreeMap<String, Vec<u8>> = fresh.files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect();
    assert_eq!(served.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
    for (path, bytes) in &fresh {
        assert!(served[path] == *bytes, "{path} differs from a fresh build");
    }
}

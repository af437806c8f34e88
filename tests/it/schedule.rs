//! Scheduled publishing (issue 13, item 3), over the real binary on the marketing fixture (it has
//! a section list, tags, a feed, a sitemap and a search index): a page whose `publish_date:` is
//! after the build date, or whose `expiry_date:` has come, is left out of all of them through the
//! same window as a page dated later; `--future` and `--expired` bring them back; a link to an
//! expired page says so; bad schedule dates are errors at their line.

use crate::support::*;
use folio::pipeline::BuildOptions;
use folio::session::Session;

/// 2026-01-15 12:00 UTC, as in claims.rs.
const EPOCH: &str = "1768478400";

fn run(site: &Site, args: &[&str]) -> Run {
    site.folio_env(args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

/// The page's title and address appear nowhere in the built site.
#[track_caller]
fn absent(site: &Site, title: &str, slug: &str) {
    assert!(!site.exists(&format!("articles/{slug}/index.html")));
    for (path, text) in site.html_files() {
        assert!(!text.contains(title) && !text.contains(&format!("/articles/{slug}/")), "the held page leaked into {path}");
    }
    for file in ["sitemap.xml", "atom.xml", "search/data"] {
        let text = site.read_all(file);
        assert!(!text.contains(title) && !text.contains(&format!("/articles/{slug}/")), "the held page leaked into {file}");
    }
}

/// The page is built and listed in the section, the feed, the sitemap and the search index.
#[track_caller]
fn present(site: &Site, title: &str, slug: &str) {
    assert!(site.exists(&format!("articles/{slug}/index.html")));
    assert!(site.read("articles/index.html").contains(title), "missing from the section list");
    assert!(site.read("atom.xml").contains(title), "missing from the feed");
    assert!(site.read("sitemap.xml").contains(&format!("/articles/{slug}/")), "missing from the sitemap");
    assert!(site.read_all("search/data").contains(title), "missing from the search index");
}

/// One page held back by its schedule: `note` without flags, and with `other_flag` (which does
/// not concern it); published with `flag`, and without flags on the build date `open_epoch`.
struct Held {
    slug: &'static str,
    title: &'static str,
    schedule: &'static str,
    note: &'static str,
    flag: &'static str,
    other_flag: &'static str,
    open_epoch: &'static str,
}

fn left_out_then_brought_back(h: &Held) {
    let site = Site::fixture("marketing/site");
    let (slug, title) = (h.slug, h.title);
    site.write(&format!("content/articles/{slug}.md"), &format!("---\ntitle: {title}\n{}\ntags: [{slug}-only]\n---\nText.\n", h.schedule));
    for args in [&["build"][..], &["build", h.other_flag]] {
        run(&site, args).ok().stderr_has(h.note);
        absent(&site, title, slug);
        assert!(!site.exists(&format!("tags/{slug}-only/index.html")));
    }
    run(&site, &["build", h.flag]).ok().stderr_lacks("note:");
    present(&site, title, slug);
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", h.open_epoch)]).ok().stderr_lacks("note:");
    present(&site, title, slug);
}

#[test]
fn a_page_with_a_later_publish_date_is_left_out_until_then() {
    left_out_then_brought_back(&Held {
        slug: "launch",
        title: "Launch notes",
        // Dated long ago, but to be published on the 20th.
        schedule: "date: 2025-01-01\npublish_date: 2026-01-20",
        note: "note: left out 1 page dated after 2026-01-15 (build with --future to include it)",
        flag: "--future",
        other_flag: "--expired",
        // The 20th: on its day it is published without a flag.
        open_epoch: "1768910400",
    });
}

#[test]
fn an_expired_page_is_left_out_and_expired_brings_it_back() {
    left_out_then_brought_back(&Held {
        slug: "offer",
        title: "Winter offer",
        schedule: "date: 2025-12-01\nexpiry_date: 2026-01-10",
        note: "note: left out 1 expired page (build with --expired to include it)",
        flag: "--expired",
        other_flag: "--future",
        // The 9th: the day before it expires it is still published.
        open_epoch: "1767960000",
    });
}

#[test]
fn a_link_to_an_expired_page_says_it_expired() {
    let site = Site::fixture("marketing/site");
    site.write("content/articles/offer.md", "---\ntitle: Winter offer\ndate: 2025-12-01\nexpiry_date: 2026-01-10\n---\nHurry.\n");
    site.write("content/articles/now.md", "---\ntitle: Now\ndate: 2025-01-01\n---\nSee [the offer](@/articles/offer.md).\n");
    for command in ["build", "check"] {
        run(&site, &[command])
            .fails()
            .stderr_has("error: link to `@/articles/offer.md`: that page expired on 2026-01-10, so it is no longer published")
            .stderr_has("--> content/articles/now.md:5:")
            .stderr_has("build with --expired to preview both");
    }
    run(&site, &["build", "--expired"]).ok();
    assert!(site.read("articles/now/index.html").contains("/articles/offer/"));
}

#[test]
fn bad_schedule_dates_are_errors_at_their_line() {
    let site = Site::fixture("marketing/site");
    site.write("content/articles/bad.md", "---\ntitle: Bad\ndate: 2025-01-01\npublish_date: 2026-02-30\nexpiry_date: next week\n---\nx\n");
    site.write("content/articles/backwards.md", "---\ntitle: Backwards\npublish_date: 2026-03-01\nexpiry_date: 2026-02-01\n---\nx\n");
    site.write("content/articles/typo.md", "---\ntitle: Typo\nexpiry_dat: 2026-02-01\n---\nx\n");
    for command in ["build", "check"] {
        run(&site, &[command])
            .fails()
            .stderr_has("error: `publish_date: 2026-02-30` is not a valid date")
            .stderr_has("--> content/articles/bad.md:4:1")
            .stderr_has("error: `expiry_date: next week` is not a valid date")
            .stderr_has("--> content/articles/bad.md:5:1")
            .stderr_has("error: `expiry_date: 2026-02-01` is not after `publish_date: 2026-03-01`")
            .stderr_has("--> content/articles/backwards.md:4:1")
            .stderr_has("did you mean `expiry_date`")
            .stderr_has("--> content/articles/typo.md:3:1");
    }
}

#[test]
fn serve_drops_a_page_on_its_expiry_day_and_takes_schedule_edits() {
    let site = Site::fixture("marketing/site");
    let offer = "content/articles/offer.md";
    site.write(offer, "---\ntitle: Winter offer\ndate: 2025-12-01\nexpiry_date: 2026-01-20\n---\nHurry.\n");
    let day = |d: u8| time::Date::from_calendar_date(2026, time::Month::January, d).unwrap();
    let opts = BuildOptions { root: site.root.clone(), build_date: day(19), ..BuildOptions::default() };
    let mut session = Session::new(opts.clone());
    let report = session.build().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.note, None);
    assert!(session_files(&session).contains_key("articles/offer/index.html"));
    // The next day an unrelated edit rebuilds: the page has expired, as in a fresh build.
    session.set_build_date(day(20));
    let other = "content/articles/with-banners.md";
    site.write(other, &std::fs::read_to_string(site.root.join(other)).unwrap().replace("first paragraph", "opening paragraph"));
    let report = session.rebuild(&[site.root.join(other)]).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.note.is_some_and(|n| n.contains("1 expired page")));
    same_as_fresh(&session, &BuildOptions { build_date: day(20), ..opts.clone() });
    // Moving the expiry date brings it back; a publish date after the build date holds it again.
    site.write(offer, "---\ntitle: Winter offer\ndate: 2025-12-01\nexpiry_date: 2026-02-01\n---\nHurry.\n");
    session.rebuild(&[site.root.join(offer)]).unwrap_or_else(|e| panic!("{e}"));
    assert!(session_files(&session).contains_key("articles/offer/index.html"));
    same_as_fresh(&session, &BuildOptions { build_date: day(20), ..opts.clone() });
    site.write(offer, "---\ntitle: Winter offer\ndate: 2025-12-01\npublish_date: 2026-01-25\nexpiry_date: 2026-02-01\n---\nHurry.\n");
    session.rebuild(&[site.root.join(offer)]).unwrap_or_else(|e| panic!("{e}"));
    assert!(!session_files(&session).contains_key("articles/offer/index.html"));
    same_as_fresh(&session, &BuildOptions { build_date: day(20), ..opts });
}

#[track_caller]
fn same_as_fresh(session: &Session, opts: &BuildOptions) {
    let served = session_files(session);
    let fresh = folio::pipeline::build(opts).unwrap_or_else(|e| panic!("{e}"));
    let fresh: std::collections::BTreeMap<String, Vec<u8>> = fresh.files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect();
    assert_eq!(served.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
    for (path, bytes) in &fresh {
        assert!(served[path] == *bytes, "{path} differs from a fresh build");
    }
}

/// Templates can show a page's schedule (`page.publish_date`, `page.expiry_date`, and the
/// expiry as words), e.g. "Offer ends March 1, 2026".
#[test]
fn templates_read_the_schedule() {
    let site = Site::fixture("build/happy");
    site.write("templates/page.html", "{{ page.title }}|{{ page.publish_date }}|{{ page.expiry_date }}|{{ page.expiry_date_display }}|{{ page.updated }}\n");
    site.write("content/offer.md", "---\ntitle: Offer\ndate: 2025-12-01\npublish_date: 2026-01-02T09:00:00Z\nexpiry_date: 2026-03-01\n---\nBook now.\n");
    run(&site, &["build"]).ok();
    assert_eq!(site.read("offer/index.html"), "Offer|2026-01-02|2026-03-01|March 1, 2026|\n");
}

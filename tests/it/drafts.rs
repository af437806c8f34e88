//! Drafts a writer can find (issue 14, "Drafts"), over the real binary: `folio new` says where the
//! page will be and how to preview it; `folio serve` says how many pages it hides and answers a
//! hidden page's address with a 404 that names the file and the way to see it (over real HTTP
//! on 127.0.0.1), which `folio build` never writes; with `--drafts` every draft page and card
//! says "Draft"; a link to a draft says it is a draft.
//!
//! The rule under all of it: `folio serve` shows what `folio build` publishes, and
//! `serve --drafts` what `build --drafts` publishes.

use crate::serve::Server;
use crate::support::{assert_contains, Site};

/// The happy fixture (one draft, `articles/unfinished.md`) with a page dated far in the future
/// and one long expired.
fn site_with_held_pages() -> Site {
    let site = Site::fixture("build/happy");
    site.write("content/articles/later.md", "---\ntitle: \"Coming later\"\ndate: 2999-01-01\n---\nNot yet.\n");
    site.write("content/articles/gone.md", "---\ntitle: \"Gone offer\"\ndate: 2000-01-01\nexpiry_date: 2000-02-01\n---\nOver.\n");
    site
}

/// serve's first line (the port is read from it before it is stored: wait for it).
fn serving_line(s: &Server) -> String {
    s.eventually("the Serving line", || s.output().lines().find(|l| l.starts_with("Serving on")).map(str::to_string))
}

#[test]
fn new_article_prints_the_address_and_how_to_preview_it() {
    let site = Site::fixture("build/happy");
    let run = site.folio(&["new", "article", "Ten Tips: Über Speed!"]);
    run.ok()
        .stdout_has("Created content/articles/ten-tips-uber-speed.md (a draft: `draft: true` keeps it out of `folio build` and `folio serve`).")
        .stdout_has("Preview it: run `folio serve --drafts`, then open http://127.0.0.1:1111/articles/ten-tips-uber-speed/")
        .stdout_has("Publish it: remove the line `draft: true` from it.");
    // The address printed is where the build puts the page.
    site.folio(&["build", "--drafts"]).ok();
    assert_contains(&site.read("articles/ten-tips-uber-speed/index.html"), "Ten Tips: Über Speed!");

    // From another folder, the preview command names the site's folder.
    let elsewhere = Site::empty("elsewhere");
    let root = site.root.to_string_lossy().into_owned();
    elsewhere
        .folio(&["new", "article", "From afar", "--root", &root])
        .ok()
        .stdout_has(&format!("run `folio serve --drafts --root {}`", root.replace('\\', "/")));

    // An FAQ topic is not a draft: plain serve shows it.
    site.folio(&["new", "faq", "Billing Questions"])
        .ok()
        .stdout_has("Created content/faq/billing-questions.md.\nPreview it: run `folio serve`, then open http://127.0.0.1:1111/faq/billing-questions/");
    site.build().ok();
    assert!(site.exists("faq/billing-questions/index.html"));
}

#[test]
fn serve_says_what_it_hides_and_answers_a_hidden_address_with_a_404_that_says_why() {
    let s = Server::start(site_with_held_pages());
    let first = serving_line(&s);
    assert_contains(&first, "(Ctrl-C to stop). 1 draft hidden: run folio serve --drafts to see it; 1 page dated after ");
    assert_contains(&first, " held back: run folio serve --future to see it; 1 expired page held back: run folio serve --expired to see it");

    for path in ["/articles/unfinished/", "/articles/unfinished", "/articles/unfinished/index.html"] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        let text = r.text();
        assert_contains(&text, "This page is a draft");
        assert_contains(&text, "<code>content/articles/unfinished.md</code> has <code>draft: true</code>");
        assert_contains(&text, "run <code>folio serve --drafts</code>, or remove the line <code>draft: true</code>");
        // In the theme's 404 page, with the live-reload script, once.
        assert_contains(&text, "<h1>Page not found</h1>");
        assert_contains(&text, "<link rel=\"stylesheet\" href=\"/css/site.css\">");
        assert_eq!(text.matches("/__folio/live.js").count(), 1, "{text}");
        assert!(text.find("folio-held") < text.find("<h1>Page not found</h1>"), "the note comes first: {text}");
    }
    let later = s.get("/articles/later/");
    assert_eq!(later.status, 404);
    assert_contains(&later.text(), "This page is scheduled for 2999-01-01");
    assert_contains(&later.text(), "<code>content/articles/later.md</code> is dated");
    assert_contains(&later.text(), "<code>folio serve --future</code>");
    let gone = s.get("/articles/gone/");
    assert_eq!(gone.status, 404);
    assert_contains(&gone.text(), "This page expired on 2000-02-01");
    assert_contains(&gone.text(), "<code>folio serve --expired</code>");
    // Any other missing address is the plain 404 page.
    let missing = s.get("/articles/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(!missing.text().contains("folio-held"), "{}", missing.text());
    // Published pages are served as ever.
    assert_eq!(s.get("/articles/first/").status, 200);

    // Publishing the draft: the next rebuild serves it, and serve says what it hides now.
    let text = std::fs::read_to_string(s.site.root.join("content/articles/unfinished.md")).unwrap();
    s.site.write("content/articles/unfinished.md", &text.replace("draft: true\n", ""));
    s.eventually("the draft is served once `draft: true` is gone", || (s.get("/articles/unfinished/").status == 200).then_some(()));
    s.eventually("serve says what it hides now", || s.output().contains("Now 1 page dated after").then_some(()));
    assert!(!s.output().contains("Now 1 draft"), "{}", s.output());
}

#[test]
fn serve_with_drafts_hides_no_draft_and_keeps_other_flags_in_its_advice() {
    let s = Server::start_with(site_with_held_pages(), &["--port", "0", "--drafts"]);
    let first = serving_line(&s);
    assert!(!first.contains(" hidden"), "no draft is hidden: {first}");
    assert_contains(&first, "held back: run folio serve --drafts --future to see it");
    assert_eq!(s.get("/articles/unfinished/").status, 200);
    let later = s.get("/articles/later/");
    assert_eq!(later.status, 404);
    assert_contains(&later.text(), "<code>folio serve --drafts --future</code>");
}

#[test]
fn build_writes_nothing_about_the_pages_it_leaves_out() {
    let site = site_with_held_pages();
    site.build().ok();
    for (path, text) in site.html_files() {
        for needle in ["folio-held", "is a draft", "unfinished.md", "--drafts", "Coming later", "Gone offer"] {
            assert!(!text.contains(needle), "{path} mentions {needle:?}");
        }
    }
}

#[test]
fn with_drafts_every_draft_page_and_card_says_draft_and_is_not_indexed() {
    let site = Site::fixture("build/happy");
    site.folio(&["build", "--drafts"]).ok();
    let label = "<small class=\"draft-label\">Draft</small>";
    let page = site.read("articles/unfinished/index.html");
    assert_contains(&page, &format!("<p class=\"draft-ribbon\" role=\"note\">{label} This page is not published yet.</p>"));
    assert_contains(&page, "<meta name=\"robots\" content=\"noindex\">");
    // Its card in the section list, on its tag's page and on the home page, and nowhere else.
    let card = format!("<a href=\"/articles/unfinished/\">An unfinished draft</a> {label}</h");
    for list in ["articles/index.html", "tags/drafts-only/index.html", "index.html"] {
        let text = site.read(list);
        assert_contains(&text, &card);
        assert_eq!(text.matches(label).count(), 1, "{list}: only the draft's card is labelled");
    }
    // Previous/next links to it.
    let neighbours = site
        .html_files()
        .into_iter()
        .filter(|(_, t)| t.contains("rel=\"prev\" href=\"/articles/unfinished/\"") || t.contains("rel=\"next\" href=\"/articles/unfinished/\""))
        .count();
    assert!(neighbours > 0, "some page links to the draft as previous or next");
    for (_, text) in site.html_files() {
        for rel in ["prev", "next"] {
            if let Some(at) = text.find(&format!("rel=\"{rel}\" href=\"/articles/unfinished/\"")) {
                let link = &text[at..at + text[at..].find("</a>").unwrap()];
                assert_contains(link, label);
            }
        }
    }
    // A published page is neither labelled nor noindex.
    let first = site.read("articles/first/index.html");
    assert!(!first.contains("draft-ribbon") && !first.contains("content=\"noindex\""), "{first}");
    // The search result says so too; the sitemap leaves the draft out (it is noindex).
    let docs = site.search_docs();
    assert!(docs.iter().any(|d| d[0] == "/articles/unfinished/"), "the draft is in a --drafts build's search");
    for d in &docs {
        assert_eq!(d.get(5) == Some(&serde_json::json!(1)), d[0].as_str().unwrap().starts_with("/articles/unfinished/"), "{d}");
    }
    assert!(!site.read("sitemap.xml").contains("/articles/unfinished/"));
    assert_contains(&site.read("sitemap.xml"), "/articles/first/");
    // The label is styled in both colour schemes.
    let css = site.read("css/site.css");
    assert_contains(&css, ".draft-label {");
    assert_eq!(css.matches("--draft-bg:").count(), 2, "light and dark");

    // Without --drafts there is no trace of drafts in what is published.
    site.build().ok();
    for (path, text) in site.html_files() {
        assert!(!text.contains("draft-label") && !text.contains("draft-ribbon"), "{path}");
    }
    assert!(site.search_docs().iter().all(|d| d.get(5).is_none()), "no draft flag without --drafts");
}

#[test]
fn serve_with_drafts_shows_the_labels_build_with_drafts_writes() {
    let s = Server::start_with(Site::fixture("build/happy"), &["--port", "0", "--drafts"]);
    let page = s.get("/articles/unfinished/");
    assert_eq!(page.status, 200);
    assert_contains(&page.text(), "<p class=\"draft-ribbon\" role=\"note\"><small class=\"draft-label\">Draft</small>");
    assert_contains(&s.get("/articles/").text(), "<a href=\"/articles/unfinished/\">An unfinished draft</a> <small class=\"draft-label\">Draft</small>");
}

#[test]
fn a_link_to_a_draft_says_it_is_a_draft_and_what_to_do() {
    let site = Site::fixture("build/happy");
    site.write(
        "content/articles/linker.md",
        "---\ntitle: Linker\ndate: 2025-01-01\n---\nSee [the draft](@/articles/unfinished.md) and [its part](@/articles/unfinished.md#part).\n",
    );
    for command in ["build", "check"] {
        site.folio(&[command])
            .fails()
            .stderr_has("error: link to `@/articles/unfinished.md`: that page is a draft (`draft: true` in content/articles/unfinished.md), so it is not published\n  --> content/articles/linker.md:5:5")
            .stderr_has("  --> content/articles/linker.md:5:47")
            .stderr_has("= help: remove `draft: true` from content/articles/unfinished.md to publish it, remove this link until the page is ready, or build with --drafts (or serve with --drafts) to preview both");
        assert!(!site.folio(&[command]).stderr().contains("no such content file"));
    }
    // With --drafts the link leads to the draft (the anchor is checked then, so it goes).
    site.write("content/articles/linker.md", "---\ntitle: Linker\ndate: 2025-01-01\n---\nSee [the draft](@/articles/unfinished.md).\n");
    site.folio(&["build", "--drafts"]).ok();
    assert_contains(&site.read("articles/linker/index.html"), "<a href=\"/articles/unfinished/\">the draft</a>");
}

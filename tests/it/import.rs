//! `folio import hugo|jekyll|zola` (issue 13, item 1) over the real binary: a small site in each
//! source format (tests/fixtures/import/) is imported, its report asserted line by line, and the
//! new site built; the old site is only read; importing twice gives the same bytes; every report
//! line points at a line of the old site that holds what it names.

use crate::support::Launch;
use crate::support::*;
use std::path::{Path, PathBuf};

/// A fresh folder (not created) to import into, removed when dropped.
struct Into(PathBuf);

impl Into {
    fn new(name: &str) -> Into {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("folio-import-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Into(dir)
    }
    fn site(&self) -> Site {
        Site { root: self.0.clone() }
    }
}

impl Drop for Into {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn import(kind: &str, name: &str) -> (Site, Run) {
    let into = Into::new(name);
    let src = fixtures().join("import").join(kind);
    let out = std::process::Command::new(folio_bin()).args(["import", kind]).arg(&src).arg("--into").arg(&into.0).output_ok();
    let site = into.site();
    std::mem::forget(into);
    (site, Run(out))
}

/// The report's `path:line: what` lines under a heading.
fn report_lines(site: &Site, heading: &str) -> Vec<String> {
    let report = std::fs::read_to_string(site.root.join("import-report.md")).unwrap();
    let part = report.split(&format!("## {heading}\n")).nth(1).unwrap_or_else(|| panic!("no `{heading}` in the report:\n{report}"));
    let part = part.split("\n## ").next().unwrap();
    part.lines().skip_while(|l| *l != "```text").skip(1).take_while(|l| *l != "```").map(str::to_string).collect()
}

fn has_line(lines: &[String], start: &str, needle: &str) {
    assert!(lines.iter().any(|l| l.starts_with(start) && l.contains(needle)), "no line `{start}…{needle}…` in:\n{}", lines.join("\n"));
}

fn content(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.root.join("content").join(rel)).unwrap_or_else(|e| panic!("content/{rel}: {e}"))
}

#[test]
fn a_hugo_site_with_toml_front_matter_and_shortcodes_imports_and_builds() {
    let (site, run) = import("hugo", "hugo");
    run.ok();
    assert!(run.stdout().contains("7 pages"), "{}", run.stdout());
    let open = report_lines(&site, "Not translated");
    has_line(&open, "content/posts/first-post.md:25: ", "Hugo shortcode `tweet` has no folio equivalent");
    has_line(&open, "content/about.md:2: ", "`layout: wide`");
    has_line(&open, "layouts/", "templates (layouts) are not carried over");
    has_line(&open, "themes/ananke/theme.toml:1: ", "theme is not carried over");
    assert_eq!(open.len(), 4, "{open:#?}");
    let changed = report_lines(&site, "Changed");
    has_line(&changed, "content/headless/index.md:1: ", "headless bundle");
    has_line(&changed, "content/snippets/shared.md:1: ", "not rendered in the old site (`cascade`)");
    has_line(&changed, "content/posts/first-post.md:1: ", "is taken by content/posts/clash.md; this page is now at /posts/first-post-2024/");
    has_line(&changed, "content/about.md:1: ", "titled \"About\"");
    has_line(&changed, "static/robots.txt:1: ", "folio writes its own robots.txt");

    let first = content(&site, "posts/first-post.md");
    assert!(first.starts_with("---\ntitle: Our first post\ndate: 2024-03-15T10:00:00Z\nupdated: 2024-04-01\n"), "{first}");
    for alias in ["/old/first/", "/posts/first-again", "/2024/03/our-first-post/"] {
        assert!(first.contains(&format!("- {alias}\n")), "alias {alias} missing:\n{first}");
    }
    assert!(first.contains("  linkTitle: First\n"), "unknown keys go under extra:\n{first}");
    assert!(first.contains("> [!NOTE]\n> Admonitions from Docusaurus become callouts."), "{first}");
    assert!(first.contains("```markdown\n{{< figure src=\"x.png\" >}}\n```"), "Hugo's escape inside code is removed:\n{first}");
    let second = content(&site, "posts/second.md");
    assert!(second.contains("publish_date: 2024-05-03\nexpiry_date: 2099-01-01\nslug: second\naliases:\n- /legacy/second.html\n"), "{second}");
    assert!(second.contains("This paragraph is shared between pages."), "the include is inlined:\n{second}");
    assert!(content(&site, "docs/install.md").contains("[the first post](@/posts/first-post.md)"));
    assert!(!site.root.join("content/headless").exists() && !site.root.join("content/snippets/shared.md").exists());

    let env = [("SOURCE_DATE_EPOCH", "1768478400")];
    site.folio_env(&["build"], &env).ok();
    let page = site.read("posts/first-post-2024/index.html");
    assert!(page.contains("<figcaption>Our logo</figcaption>") && page.contains("youtube-nocookie.com/embed/w7Ft2ymGmfc"), "{page}");
    assert!(page.contains("<summary>What changed?</summary>") && page.contains("/docs/install/#linux"));
    assert!(page.contains("callout callout--note"));
    for old in ["old/first/index.html", "posts/first-again/index.html", "2024/03/our-first-post/index.html", "legacy/second.html"] {
        assert!(site.exists(old), "old address {old} is not kept");
    }
    assert!(site.read("docs/install/index.html").contains("Version 2.4."));
    assert!(site.read("docs/install/index.html").contains("<dl>"), "definition lists survive");
    assert!(site.exists("posts/bundle/chart.svg") && site.exists("images/logo.svg"));
    assert!(site.exists("posts/index.html"), "Hugo's top-level section keeps its list page");
    // Hugo publishes folders in lower case; the files beside a page stay beside it, and a link
    // to a Markdown file is a link to its page.
    assert!(content(&site, "docs/guides/index.md").contains("[install](@/docs/install.md)"));
    assert!(site.exists("docs/guides/diagram.svg"));
    assert!(site.read("docs/guides/index.html").contains("src=\"diagram.svg\""));
    let _ = std::fs::remove_dir_all(&site.root);
}

#[test]
fn a_jekyll_blog_keeps_its_file_name_dates_its_old_addresses_and_distinct_urls() {
    let (site, run) = import("jekyll", "jekyll");
    run.ok();
    let open = report_lines(&site, "Not translated");
    has_line(&open, "news/_posts/2021-06-01-liquid.md:14: ", "Liquid tag `{% for %}`");
    has_line(&open, "news/_posts/2021-06-01-liquid.md:15: ", "`{{ post.title }}`");
    has_line(&open, "contact.html:1: ", "HTML page with Liquid is not imported");
    has_line(&open, "feed.xml:1: ", "folio writes its own feed");
    has_line(&open, "assets/css/style.scss:1: ", "Sass");
    has_line(&open, "_layouts/post.html:1: ", "layouts are not carried over");
    assert!(!open.iter().any(|l| l.starts_with("_config.yml")), "{open:#?}");
    let changed = report_lines(&site, "Changed");
    has_line(&changed, "_posts/2020-01-01-update.md:1: ", "is taken by _posts/2019-01-01-update.md; this page is now at /posts/update-2020/");
    assert_eq!(changed.len(), 1, "{changed:#?}");

    let welcome = content(&site, "posts/2020-03-15-welcome.md");
    assert!(welcome.contains("date: 2020-03-15T10:30:00+01:00\n"), "{welcome}");
    assert!(welcome.contains("- /welcome.html\n- /updates/2020/03/15/welcome.html\n"), "{welcome}");
    assert!(welcome.contains("tags:\n- jekyll\n- intro\n"), "space-separated tags:\n{welcome}");
    assert!(welcome.contains("[update](@/posts/2020-01-01-update.md)") && welcome.contains("```ruby\ndef hello"), "{welcome}");
    assert!(welcome.contains("## Details {#the-details .wide}\n"), "kramdown's attribute list moves onto the heading:\n{welcome}");
    assert!(welcome.contains("Written by Grace for Jekyll Blog, Ruby 3.3."), "page., site. and site.data. values:\n{welcome}");
    assert!(welcome.contains("See [the update](@/posts/2020-01-01-update.md) and the recipes."), "{welcome}");
    has_line(&open, "_posts/2020-03-15-welcome.md:23: ", "link to `missing.md`, which is not a page of the site");
    let liquid = content(&site, "posts/2021-06-01-liquid.md");
    assert!(liquid.contains("date: 2021-06-01\nupdated: 2021-07-01\n"), "the date comes from the file name:\n{liquid}");
    assert!(liquid.contains("categories:\n- news\n"), "the folder above _posts/ is a category:\n{liquid}");
    assert!(liquid.contains("<aside class=\"note\">Remember the milk</aside>"), "{liquid}");
    assert!(liquid.contains("> [!WARNING]\n> **Careful**"), "{liquid}");
    assert!(content(&site, "posts/a-draft.md").contains("draft: true"));
    assert!(!site.root.join("static/notes.txt").exists() && !site.root.join("static/Gemfile").exists(), "excluded files stay out");
    assert!(site.root.join("static/CNAME").exists() && site.root.join("static/assets/img/logo.svg").exists());

    let env = [("SOURCE_DATE_EPOCH", "1768478400")];
    site.folio_env(&["build"], &env).ok();
    assert!(site.exists("posts/update/index.html") && site.exists("posts/update-2020/index.html"), "posts sharing a file name keep distinct addresses");
    for old in [
        "2019/01/01/update.html",
        "2020/01/01/update.html",
        "updates/2020/03/15/welcome.html",
        "welcome.html",
        "news/2021/06/01/liquid.html",
        "recipes/pancakes/index.html",
    ] {
        assert!(site.exists(old), "old address {old} is not kept");
    }
    let feed = site.read("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 4, "every dated post is in the feed:\n{feed}");
    assert!(!site.exists("posts/a-draft/index.html"), "a draft stays a draft");
    assert!(site.read("index.html").contains("Welcome to Jekyll Blog."));
    let _ = std::fs::remove_dir_all(&site.root);
}

#[test]
fn a_zola_site_keeps_the_shortcodes_folio_can_run() {
    let (site, run) = import("zola", "zola");
    run.ok();
    let open = report_lines(&site, "Not translated");
    has_line(&open, "content/blog/2021-05-01-hello.md:17: ", "shortcode `gallery` has no template folio can run");
    has_line(&open, "content/blog/2021-05-01-hello.md:19: ", "body shortcode `quote`");
    has_line(&open, "content/blog/2021-05-01-hello.md:8: ", "taxonomy `series`");
    has_line(&open, "templates/shortcodes/gallery.html:1: ", "`resize_image`, which only Zola has");
    has_line(&open, "content/blog/_index.md:5: ", "`transparent = true`");
    has_line(&open, "content/pages/about.md:3: ", "`template: about.html`");
    assert_eq!(std::fs::read_to_string(site.root.join("templates/shortcodes/note.html")).unwrap(), "<p class=\"note\">{{ text }}</p>\n");
    assert!(!site.root.join("templates/shortcodes/gallery.html").exists());
    let hello = content(&site, "blog/2021-05-01-hello.md");
    assert!(hello.contains("date: 2021-05-01\nslug: hello\n"), "{hello}");
    assert!(hello.contains("extra:\n  mood: happy\n"), "{hello}");
    assert!(content(&site, "blog/_index.md").contains("sort_by: date\npaginate_by: 5\n"));

    let env = [("SOURCE_DATE_EPOCH", "1768478400")];
    site.folio_env(&["build"], &env).ok();
    let page = site.read("blog/hello/index.html");
    assert!(page.contains("<p class=\"note\">Shortcodes with templates folio can run are kept.</p>"), "{page}");
    assert!(page.contains("href=\"/blog/other/\""), "the @/ link resolves");
    assert!(page.contains("Literal: {{ note(text=&quot;x&quot;) }}."), "Zola's escape is folio's too:\n{page}");
    assert!(site.exists("legacy/other/index.html") && site.exists("old/hello/index.html"));
    assert!(site.exists("blog/other/picture.svg"));
    assert!(!site.exists("pages/index.html"), "no list page the old site did not have");
    let _ = std::fs::remove_dir_all(&site.root);
}

#[test]
fn the_old_site_is_only_read_and_importing_twice_gives_the_same_site() {
    for kind in ["hugo", "jekyll", "zola"] {
        let src = fixtures().join("import").join(kind);
        let before = tree(&src);
        let (a, run_a) = import(kind, "twice-a");
        let (b, run_b) = import(kind, "twice-b");
        run_a.ok();
        run_b.ok();
        assert_eq!(tree(&src), before, "{kind}: the old site changed");
        assert_same_tree(&tree(&a.root), &tree(&b.root), kind);
        let _ = std::fs::remove_dir_all(&a.root);
        let _ = std::fs::remove_dir_all(&b.root);
    }
}

#[test]
fn import_refuses_a_folder_with_files_and_a_site_of_another_kind() {
    let into = Into::new("refuse");
    std::fs::create_dir_all(&into.0).unwrap();
    std::fs::write(into.0.join("keep.txt"), "mine").unwrap();
    let src = fixtures().join("import/hugo");
    let run = Run(std::process::Command::new(folio_bin()).args(["import", "hugo"]).arg(&src).arg("--into").arg(&into.0).output_ok());
    run.fails().stderr_has("this folder is not empty");
    assert_eq!(std::fs::read_to_string(into.0.join("keep.txt")).unwrap(), "mine");
    let other = Into::new("other");
    let run = Run(std::process::Command::new(folio_bin()).args(["import", "jekyll"]).arg(&src).arg("--into").arg(&other.0).output_ok());
    run.fails().stderr_has("does not look like a Jekyll site");
    assert!(!other.0.exists(), "nothing is written for a refused import");
}

/// Every report line names a file of the old site and a line it has; a line about a
/// shortcode, tag or key holds that name.
#[test]
fn every_report_line_points_at_what_it_names() {
    for kind in ["hugo", "jekyll", "zola"] {
        let src = fixtures().join("import").join(kind);
        let (site, run) = import(kind, "lines");
        run.ok();
        for line in report_lines(&site, "Not translated").into_iter().chain(report_lines(&site, "Changed")) {
            let mut parts = line.splitn(3, ':');
            let (file, number, what) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let number: usize = number.parse().unwrap_or_else(|_| panic!("{line}"));
            let path = Path::new(&src).join(file);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{kind}: {line}: {e}"));
            let at = text.lines().nth(number - 1).unwrap_or_else(|| panic!("{kind}: {line}: the file has {} lines", text.lines().count()));
            if let Some(name) = what.split('`').nth(1).filter(|_| what.contains("shortcode") || what.contains("Liquid") || what.contains("kept under")) {
                let name = name.trim_start_matches("{% ").trim_end_matches(" %}").trim_start_matches("{{ ").trim_end_matches(" }}");
                let key = name.split([':', ' ', '=']).next().unwrap();
                // A shortcode's own template is named after it.
                let named_by_file = file.rsplit('/').next().is_some_and(|f| f.starts_with(&format!("{key}.")));
                assert!(at.contains(key) || named_by_file, "{kind}: {line}: line {number} is `{at}`, without `{key}`");
            }
        }
        let _ = std::fs::remove_dir_all(&site.root);
    }
}

/// Import against hand-writing: a random Hugo site (TOML front matter with native dates, drafts,
/// tags, weights; figure, details, highlight and `:::tip` in the body) is imported, and the same
/// site is written by hand in folio's own form; both build to the same bytes.
#[test]
fn an_imported_hugo_site_builds_like_the_same_site_written_by_hand() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

    #[derive(Debug, Clone)]
    enum Block {
        Para(String),
        Figure { alt: String, caption: Option<String> },
        Details { summary: String, inner: String },
        Highlight { lang: &'static str, code: String },
        Tip(String),
    }
    #[derive(Debug, Clone)]
    struct Page {
        title: String,
        description: Option<String>,
        date: Option<(u32, u32, u32, Option<u32>)>,
        draft: bool,
        tags: Vec<String>,
        weight: Option<i64>,
        blocks: Vec<Block>,
    }
    let words = || {
        proptest::collection::vec(
            prop_oneof![
                "[a-z]{1,8}",
                "[A-Z][a-z]{1,6}",
                Just("&".to_string()),
                Just("don't".to_string()),
                Just("\"quoted\"".to_string()),
                Just("CTO:".to_string()),
                Just("#1".to_string())
            ],
            1..6,
        )
        .prop_map(|w| w.join(" "))
    };
    let sentence = || proptest::collection::vec("[a-z]{1,8}", 1..12).prop_map(|w| format!("{}.", w.join(" ")));
    let block = prop_oneof![
        sentence().prop_map(Block::Para),
        (words(), proptest::option::of(words())).prop_map(|(alt, caption)| Block::Figure { alt, caption }),
        (words(), sentence()).prop_map(|(summary, inner)| Block::Details { summary, inner }),
        (prop_oneof![Just("rust"), Just("go"), Just("")], "[a-z]{1,6}\\(\\);( [a-z]{1,4} = 1;)?").prop_map(|(lang, code)| Block::Highlight { lang, code }),
        sentence().prop_map(Block::Tip),
    ];
    let page = (
        words(),
        proptest::option::of(sentence()),
        proptest::option::of((2019u32..2026, 1u32..13, 1u32..29, proptest::option::of(0u32..24))),
        proptest::bool::weighted(0.2),
        proptest::collection::vec("[a-z]{2,6}", 0..3),
        proptest::option::of(-3i64..10),
        proptest::collection::vec(block, 0..5),
    )
        .prop_map(|(title, description, date, draft, tags, weight, blocks)| Page { title, description, date, draft, tags, weight, blocks });
    let site = proptest::collection::vec(page, 1..6);

    fn quoted(s: &str) -> String {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
    fn date_text(d: &(u32, u32, u32, Option<u32>)) -> String {
        match d.3 {
            Some(h) => format!("{:04}-{:02}-{:02}T{h:02}:00:00Z", d.0, d.1, d.2),
            None => format!("{:04}-{:02}-{:02}", d.0, d.1, d.2),
        }
    }
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
    }
    let hugo_page = |p: &Page| -> String {
        let mut fm = format!("+++\ntitle = {}\n", quoted(&p.title));
        if let Some(d) = &p.description {
            fm += &format!("description = {}\n", quoted(d));
        }
        if let Some(d) = &p.date {
            fm += &format!("date = {}\n", date_text(d));
        }
        if p.draft {
            fm += "draft = true\n";
        }
        if !p.tags.is_empty() {
            fm += &format!("tags = [{}]\n", p.tags.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(", "));
        }
        if let Some(w) = p.weight {
            fm += &format!("weight = {w}\n");
        }
        fm += "+++\n";
        let body: Vec<String> = p
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(t) => t.clone(),
                Block::Figure { alt, caption } => format!(
                    "{{{{< figure src=\"/img/a.svg\" alt={}{} >}}}}",
                    quoted(alt),
                    caption.as_ref().map(|c| format!(" caption={}", quoted(c))).unwrap_or_default()
                ),
                Block::Details { summary, inner } => format!("{{{{< details summary={} >}}}}\n{inner}\n{{{{< /details >}}}}", quoted(summary)),
                Block::Highlight { lang, code } => format!("{{{{< highlight {lang} >}}}}\n{code}\n{{{{< /highlight >}}}}"),
                Block::Tip(t) => format!(":::tip\n{t}\n:::"),
            })
            .collect();
        fm + &body.join("\n\n") + "\n"
    };
    let folio_page = |p: &Page| -> String {
        let mut fm = format!("---\ntitle: {}\n", quoted(&p.title));
        if let Some(d) = &p.description {
            fm += &format!("description: {}\n", quoted(d));
        }
        if let Some(d) = &p.date {
            fm += &format!("date: {}\n", date_text(d));
        }
        if p.draft {
            fm += "draft: true\n";
        }
        if !p.tags.is_empty() {
            fm += &format!("tags: [{}]\n", p.tags.join(", "));
        }
        if let Some(w) = p.weight {
            fm += &format!("weight: {w}\n");
        }
        fm += "---\n";
        let body: Vec<String> = p
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(t) => t.clone(),
                Block::Figure { alt, caption } => {
                    let quoted = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
                    let caption = caption.as_ref().map(|c| format!(", caption={}", quoted(c))).unwrap_or_default();
                    format!("{{{{ figure(src=\"/img/a.svg\", alt={}{caption}) }}}}", quoted(alt))
                }
                Block::Details { summary, inner } => format!("<details>\n<summary>{}</summary>\n\n{inner}\n\n</details>", escape(summary)),
                Block::Highlight { lang, code } => format!("```{lang}\n{code}\n```"),
                Block::Tip(t) => format!("> [!TIP]\n> {t}\n"),
            })
            .collect();
        fm + &body.join("\n\n") + "\n"
    };

    let cases = std::env::var("FOLIO_IMPORT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(if under_wine() { 6 } else { 24 });
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 200, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7u8; 32]));
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>\n";
    let env = [("SOURCE_DATE_EPOCH", "1768478400")];
    let result = runner.run(&site, |pages| {
        let hugo = Into::new("prop-hugo");
        let hand = Into::new("prop-hand");
        let into = Into::new("prop-into");
        let write = |root: &Path, rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(&hugo.0, "hugo.toml", "baseURL = \"https://ex.test/\"\ntitle = \"Ex & Co\"\nlanguageCode = \"en\"\n[params]\ndescription = \"About \\\"Ex\\\"\"\n[[menu.main]]\nname = \"News\"\nurl = \"/posts/\"\n");
        write(&hugo.0, "content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n");
        write(&hugo.0, "static/img/a.svg", svg);
        write(&hand.0, "site.yaml", "title: \"Ex & Co\"\nbase_url: \"https://ex.test\"\nlanguage: en\ndescription: \"About \\\"Ex\\\"\"\nmenu:\n  - { name: News, url: /posts/ }\n");
        write(&hand.0, "content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
        // Hugo lists by weight first; a section of pages without dates by title.
        let order = if pages.iter().any(|p| p.weight.is_some()) {
            "weight"
        } else if pages.iter().all(|p| p.date.is_none()) {
            "title"
        } else {
            "date"
        };
        write(&hand.0, "content/posts/_index.md", &format!("---\ntitle: Posts\nsort_by: {order}\n---\n"));
        write(&hand.0, "static/img/a.svg", svg);
        for (i, p) in pages.iter().enumerate() {
            write(&hugo.0, &format!("content/posts/page-{i}.md"), &hugo_page(p));
            write(&hand.0, &format!("content/posts/page-{i}.md"), &folio_page(p));
        }
        let run = Run(std::process::Command::new(folio_bin()).args(["import", "hugo"]).arg(&hugo.0).arg("--into").arg(&into.0).output_ok());
        if run.code() != 0 {
            return Err(TestCaseError::fail(format!("import failed: {}", run.stderr())));
        }
        copy_dir(&repo_root().join("themes"), &hand.0.join("themes"));
        let (imported, by_hand) = (into.site(), hand.site());
        for (what, s) in [("imported", &imported), ("hand-written", &by_hand)] {
            let r = s.folio_env(&["build"], &env);
            if r.code() != 0 {
                return Err(TestCaseError::fail(format!("the {what} site does not build: {}", r.stderr())));
            }
        }
        let (a, b) = (by_hand.snapshot(), imported.snapshot());
        std::mem::forget(imported);
        std::mem::forget(by_hand);
        if a != b {
            let differs: Vec<&String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
            let first = differs[0];
            let (x, y) = (String::from_utf8_lossy(a.get(first).map_or(&[][..], |v| v)).to_string(), String::from_utf8_lossy(b.get(first).map_or(&[][..], |v| v)).to_string());
            let line = x.lines().zip(y.lines()).position(|(p, q)| p != q).unwrap_or(0);
            return Err(TestCaseError::fail(format!(
                "{first} differs at line {}:\n--- by hand\n{}\n--- imported\n{}\n--- the imported pages\n{}",
                line + 1,
                x.lines().nth(line).unwrap_or("(none)"),
                y.lines().nth(line).unwrap_or("(none)"),
                (0..pages.len()).map(|i| std::fs::read_to_string(into.0.join(format!("content/posts/page-{i}.md"))).unwrap_or_default()).collect::<Vec<_>>().join("\n")
            )));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The import is all or nothing: killed (SIGKILL) at points spread over a whole run, it leaves
/// the new site's folder absent or complete, never half-written, and the next run finishes.
#[cfg(unix)]
#[test]
fn a_killed_import_leaves_no_half_written_site() {
    use std::time::Instant;
    // A Jekyll blog big enough that an import takes a measurable time.
    let src = Into::new("kill-src");
    for i in 0..1500 {
        let p = src.0.join(format!("_posts/2020-01-{:02}-post-{i}.md", i % 28 + 1));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, format!("---\ntitle: Post {i}\ntags: a b\n---\nText {{% highlight ruby %}}\nx = {i}\n{{% endhighlight %}}\n")).unwrap();
    }
    std::fs::write(src.0.join("_config.yml"), "title: Big\n").unwrap();
    let import = |into: &Path| std::process::Command::new(folio_bin()).args(["import", "jekyll"]).arg(&src.0).arg("--into").arg(into).spawn_ok();
    let reference = Into::new("kill-reference");
    let started = Instant::now();
    assert!(import(&reference.0).wait().unwrap().success());
    let full = started.elapsed();
    let whole = tree(&reference.0);
    let into = Into::new("kill-into");
    let (mut absent, mut complete) = (0, 0);
    for f in [0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0, 1.05, 1.2] {
        let _ = std::fs::remove_dir_all(&into.0);
        let mut child = import(&into.0);
        std::thread::sleep(full.mul_f64(f));
        let _ = child.kill();
        let _ = child.wait();
        if into.0.exists() {
            assert_same_tree(&whole, &tree(&into.0), &format!("killed at {f} of an import"));
            complete += 1;
        } else {
            absent += 1;
        }
    }
    eprintln!("kill points: {absent} left no folder, {complete} a complete site");
    // The next run cleans up what a killed one left beside the folder and finishes.
    let _ = std::fs::remove_dir_all(&into.0);
    assert!(import(&into.0).wait().unwrap().success());
    assert_same_tree(&whole, &tree(&into.0), "the import after the killed ones");
}

//! `folio import hugo|jekyll|zola` (issue 13, item 1) over the real binary: a small site in each
//! source format (tests/fixtures/import/) is imported, its report asserted line by line, and the
//! new site built; the old site is only read; importing twice gives the same bytes; every report
//! line points at a line of the old site that holds what it names.

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
    let out = std::process::Command::new(folio_bin()).args(["import", kind]).arg(&src).arg("--into").arg(&into.0).output().unwrap();
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
    assert!(run.stdout().contains("6 pages"), "{}", run.stdout());
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
    has_line(&open, "content/blog/2021-05-01-hello.md:15: ", "shortcode `gallery` has no template folio can run");
    has_line(&open, "content/blog/2021-05-01-hello.md:17: ", "body shortcode `quote`");
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
    let run = Run(std::process::Command::new(folio_bin()).args(["import", "hugo"]).arg(&src).arg("--into").arg(&into.0).output().unwrap());
    run.fails().stderr_has("this folder is not empty");
    assert_eq!(std::fs::read_to_string(into.0.join("keep.txt")).unwrap(), "mine");
    let other = Into::new("other");
    let run = Run(std::process::Command::new(folio_bin()).args(["import", "jekyll"]).arg(&src).arg("--into").arg(&other.0).output().unwrap());
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

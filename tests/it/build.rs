//! `folio build` on small fixture sites (issue 2): the happy path, drafts, pagination,
//! taxonomies, template overrides, aliases, heading anchors and the table of contents,
//! highlighting, determinism; and the small commands around it: `new`, `init`, `check`, and
//! exit code 2 for bad command-line use.

use crate::support::Launch;
use crate::support::*;

#[test]
fn happy_path_builds_a_complete_site() {
    let site = Site::fixture("build/happy");
    let run = site.build();
    run.ok().stdout_has("Built 4 pages, 3 sections, 4 terms");
    assert_eq!(run.stderr(), "", "a good build prints no warnings");
    assert_eq!(run.stdout().lines().count(), 1, "one summary line: {}", run.stdout());
    for file in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "articles/first/index.html",
        "articles/second/index.html",
        "articles/guides/index.html",
        "articles/guides/setup/index.html",
        "tags/index.html",
        "tags/rust/index.html",
        "tags/static-sites/index.html",
        "categories/index.html",
        "categories/guides/index.html",
        "categories/news/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "css/site.css",
        "css/syntax.css",
        "favicon.svg",
        "search/index.html",
    ] {
        assert!(site.exists(file), "missing {file}");
    }

    let home = site.read("index.html");
    assert_contains(&home, "<title>Happy Path Co</title>");
    assert_contains(&home, "We build <strong>happy</strong> things.");

    let first = site.read("articles/first/index.html");
    assert_contains(&first, "<h1>The first article</h1>");
    assert_contains(&first, "<title>The first article | Happy Path Co</title>");
    assert_contains(&unescape(&first), "<link rel=\"canonical\" href=\"https://happy.example.com/articles/first/\">");
    assert_contains(&first, "<meta property=\"og:title\"");
    assert_contains(&first, "<meta name=\"twitter:card\"");
    let links = hrefs(&first);
    // `@/` links resolve to URLs, anchors included.
    assert!(links.contains(&"/articles/guides/setup/#install".to_string()), "{links:?}");
    assert!(links.contains(&"/tags/rust/".to_string()) && links.contains(&"/categories/guides/".to_string()), "{links:?}");
    assert!(site.read("about/index.html").contains("<a href=\"/articles/first/\">our first article</a>"));

    // The section lists its pages newest first and links its nested section.
    let list = site.read("articles/index.html");
    let list_links = hrefs(&list);
    let second = list_links.iter().position(|l| l == "/articles/second/").expect("second listed");
    let first_pos = list_links.iter().position(|l| l == "/articles/first/").expect("first listed");
    assert!(second < first_pos, "sort_by: date lists newest first: {list_links:?}");
    assert!(list_links.contains(&"/articles/guides/".to_string()), "the nested section is linked: {list_links:?}");
    assert!(hrefs(&site.read("articles/guides/index.html")).contains(&"/articles/guides/setup/".to_string()));

    // Breadcrumbs below home.
    let setup = site.read("articles/guides/setup/index.html");
    assert_contains(&setup, "aria-label=\"Breadcrumb\"");

    let sitemap = site.read("sitemap.xml");
    assert_contains(&sitemap, "<loc>https://happy.example.com/articles/first/</loc><lastmod>2025-01-10</lastmod>");
    assert_contains(&sitemap, "<loc>https://happy.example.com/articles/second/</loc><lastmod>2025-03-01</lastmod>");
    assert_contains(&site.read("robots.txt"), "Sitemap: https://happy.example.com/sitemap.xml");
    let feed = site.read("atom.xml");
    assert_contains(&feed, "<title>The second article</title>");
    assert!(feed.find("The second article") < feed.find("The first article"), "feed is newest first");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    assert!(!site.exists("articles/unfinished/index.html"));
    assert!(!site.exists("tags/drafts-only/index.html"));
    for (path, text) in site.html_files() {
        assert!(!text.contains("An unfinished draft"), "draft title leaked into {path}");
    }
    for file in ["sitemap.xml", "atom.xml", "search/data"] {
        assert!(!site.read_all(file).contains("unfinished"), "draft leaked into {file}");
    }

    site.folio(&["build", "--drafts"]).ok().stdout_has("Built 5 pages");
    assert_contains(&site.read("articles/unfinished/index.html"), "This text must not appear in a normal build.");
    assert!(site.exists("tags/drafts-only/index.html"));
    assert!(hrefs(&site.read("articles/index.html")).contains(&"/articles/unfinished/".to_string()));
}

#[test]
fn pagination_splits_a_section_and_links_the_pages() {
    let site = Site::fixture("build/pagination");
    site.build().ok();
    assert!(site.exists("s/index.html") && site.exists("s/page/2/index.html") && site.exists("s/page/3/index.html"));
    assert!(!site.exists("s/page/4/index.html") && !site.exists("s/page/1/index.html"));

    let story_links = |html: &str| -> Vec<String> { hrefs(html).into_iter().filter(|h| h.starts_with("/s/story-")).collect() };
    let p1 = site.read("s/index.html");
    let p2 = site.read("s/page/2/index.html");
    let p3 = site.read("s/page/3/index.html");
    assert_eq!(story_links(&p1), ["/s/story-5/", "/s/story-4/"]);
    assert_eq!(story_links(&p2), ["/s/story-3/", "/s/story-2/"]);
    assert_eq!(story_links(&p3), ["/s/story-1/"]);

    let rel = |html: &str, rel: &str| -> Option<String> {
        elements(html, "<a ", ">").into_iter().find(|a| a.contains(&format!("rel=\"{rel}\""))).map(|a| hrefs(a)[0].clone())
    };
    assert_eq!(rel(&p1, "prev"), None);
    assert_eq!(rel(&p1, "next").as_deref(), Some("/s/page/2/"));
    assert_eq!(rel(&p2, "prev").as_deref(), Some("/s/"));
    assert_eq!(rel(&p2, "next").as_deref(), Some("/s/page/3/"));
    assert_eq!(rel(&p3, "prev").as_deref(), Some("/s/page/2/"));
    assert_eq!(rel(&p3, "next"), None);
    assert_contains(&p2, "<span aria-current=\"page\">2</span>");
    assert_contains(&p2, "page 2 of 3");
    // Every page of the list is in the sitemap's reach through the pager links.
    for p in [&p1, &p2, &p3] {
        let links = hrefs(p);
        for target in ["/s/", "/s/page/2/", "/s/page/3/"] {
            assert!(links.iter().any(|l| l == target) || p.contains("aria-current=\"page\""), "{target} not linked");
        }
    }
}

#[test]
fn taxonomies_make_list_and_term_pages() {
    let site = Site::fixture("build/taxonomies");
    site.build().ok();
    let tags = site.read("tags/index.html");
    let tag_links = hrefs(&tags);
    for t in ["/tags/rust/", "/tags/static-sites/", "/tags/python/"] {
        assert!(tag_links.contains(&t.to_string()), "{t} missing from /tags/: {tag_links:?}");
    }
    // "Rust" and "rust" are one term.
    assert_eq!(tag_links.iter().filter(|l| *l == "/tags/rust/").count(), 1);
    assert_contains(&tags, "(2 articles)");
    assert_contains(&tags, "(1 article)");

    let rust = site.read("tags/rust/index.html");
    let posts: Vec<String> = hrefs(&rust).into_iter().filter(|h| h.starts_with("/posts/")).collect();
    assert_eq!(posts, ["/posts/beta/", "/posts/alpha/"], "term page lists its pages newest first");
    assert!(!rust.contains("Gamma"));

    let categories = hrefs(&site.read("categories/index.html"));
    assert!(categories.contains(&"/categories/tutorials/".to_string()) && categories.contains(&"/categories/opinion/".to_string()));
    let tutorials: Vec<String> = hrefs(&site.read("categories/tutorials/index.html")).into_iter().filter(|h| h.starts_with("/posts/")).collect();
    assert_eq!(tutorials, ["/posts/beta/", "/posts/alpha/"]);
    let opinion: Vec<String> = hrefs(&site.read("categories/opinion/index.html")).into_iter().filter(|h| h.starts_with("/posts/")).collect();
    assert_eq!(opinion, ["/posts/beta/"]);

    let sitemap = site.read("sitemap.xml");
    for u in ["/tags/", "/tags/rust/", "/categories/", "/categories/opinion/"] {
        assert_contains(&sitemap, &format!("<loc>https://taxonomies.example.com{u}</loc>"));
    }
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::fixture("build/template-override");
    site.build().ok();
    let page = site.read("notes/a-note/index.html");
    assert_contains(&page, "<p class=\"override-marker\">Rendered by the site's own templates/page.html</p>");
    assert_contains(&page, "<p>The note body.</p>");
    assert!(!page.contains("class=\"article-header\""), "the theme's page.html was used:\n{page}");
    // Templates the site does not override still come from the theme.
    assert_contains(&page, "class=\"skip-link\"");
    assert_contains(&site.read("notes/index.html"), "class=\"cards\"");
}

#[test]
fn aliases_become_redirect_pages() {
    let site = Site::fixture("build/aliases");
    site.build().ok();
    for file in ["blog/old-name/index.html", "2019/01/moved.html", "legacy/index.html"] {
        let html = site.read(file);
        assert_contains(&html, "<meta http-equiv=\"refresh\" content=\"0; url=/articles/moved/\">");
        assert_contains(&html, "<link rel=\"canonical\" href=\"https://aliases.example.com/articles/moved/\">");
        assert_contains(&html, "<meta name=\"robots\" content=\"noindex\">");
        assert!(hrefs(&html).contains(&"/articles/moved/".to_string()), "a plain link for people without meta refresh");
    }
    assert!(!site.read("sitemap.xml").contains("old-name"), "redirects are not in the sitemap");
}

#[test]
fn headings_get_unique_anchors_and_a_table_of_contents() {
    let site = Site::fixture("build/anchors");
    site.build().ok();
    let html = site.read("guide/index.html");
    let ids: Vec<String> = attr_values(&html, "id").into_iter().filter(|i| !["main", "toc-heading"].contains(&i.as_str())).collect();
    for id in ["getting-started", "install-the-tool", "configure-it", "getting-started-1", "getting-started-2", "uber-grosse-quotes", "my-custom-id"] {
        assert_eq!(ids.iter().filter(|i| *i == id).count(), 1, "id {id} once in {ids:?}");
    }
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    assert_contains(&html, "<h2 id=\"getting-started-1\">Getting started");
    // Every heading links to itself.
    assert_contains(&html, "<a class=\"anchor\" href=\"#install-the-tool\"");

    let toc = elements(&html, "<nav class=\"toc\"", "</nav>");
    assert_eq!(toc.len(), 1, "toc: true gives one table of contents");
    let toc_links = hrefs(toc[0]);
    assert_eq!(
        toc_links,
        ["#getting-started", "#install-the-tool", "#configure-it", "#getting-started-1", "#getting-started-2", "#uber-grosse-quotes", "#my-custom-id"]
    );
    // h3s nest under their h2.
    let nested = toc[0].find("#install-the-tool").unwrap();
    let inner_ol = toc[0][..nested].rfind("<ol>").unwrap();
    assert!(inner_ol > toc[0].find("#getting-started").unwrap(), "h3 entries sit in a nested list:\n{}", toc[0]);

    assert!(!site.read("no-toc/index.html").contains("class=\"toc\""), "no toc without `toc: true`");
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_a_light_and_dark_stylesheet() {
    let site = Site::fixture("build/highlight");
    site.build().ok();
    let html = site.read("code/index.html");
    assert_contains(&html, "<code class=\"language-rust\">");
    assert_contains(&html, "<span class=\"hl-");
    assert!(!html.contains("style=\"color"), "highlighting uses classes, not inline styles");
    // Unknown languages and plain blocks are escaped text, not errors.
    assert_contains(&html, "<code class=\"language-nosuchlang\">&lt;script&gt;alert(&quot;not html&quot;)&lt;/script&gt;");
    assert_contains(&html, "<code>plain &amp; simple");
    assert!(!html.contains("<script>alert"));

    let css = site.read("css/syntax.css");
    assert!(css.contains(".hl-"), "stylesheet styles hl- classes");
    let dark = css.find("@media (prefers-color-scheme: dark)").expect("a dark variant");
    assert!(css[..dark].contains(".hl-") && css[dark..].contains(".hl-"), "light rules before, dark rules inside the media query");
    assert!(hrefs(&html).contains(&"/css/syntax.css".to_string()), "pages link the stylesheet");
}

#[test]
fn builds_are_byte_identical() {
    // Two copies of each site in different folders, each built twice: every file must match.
    for fixture in ["sample", "build/happy", "build/pagination", "marketing/site"] {
        let copy = || if fixture == "sample" { Site::sample() } else { Site::fixture(fixture) };
        let (one, two) = (copy(), copy());
        // The sample links to articles dated after this date: `--future` builds them too.
        let env = [("SOURCE_DATE_EPOCH", "1768478400")];
        one.folio_env(&["build", "--future", "--output", "out-a"], &env).ok();
        one.folio_env(&["build", "--future", "--output", "out-b"], &env).ok();
        two.folio_env(&["build", "--future"], &env).ok();
        let a = tree(&one.root.join("out-a"));
        assert!(a.len() > 10, "{fixture}: {} files", a.len());
        assert_same_tree(&a, &tree(&one.root.join("out-b")), &format!("{fixture}, second build"));
        assert_same_tree(&a, &two.snapshot(), &format!("{fixture}, built in another folder"));
    }
}

#[test]
fn rebuilding_over_existing_output_gives_the_same_files() {
    let site = Site::fixture("build/happy");
    site.build().ok();
    let first = site.snapshot();
    site.build().ok();
    assert_same_tree(&first, &site.snapshot(), "second build");
    // Files folio did not write are the user's: they stay. Files folio wrote for a page that is
    // gone are removed.
    site.write("public/notes.html", "the user's own file");
    site.remove("content/articles/second.md");
    site.build().ok();
    assert!(site.exists("notes.html"), "folio removed a file it did not write");
    assert!(!site.exists("articles/second/index.html"), "the deleted page's output is still there");
}

#[test]
fn output_and_base_url_flags() {
    let site = Site::fixture("build/happy");
    site.folio(&["build", "--output", "dist", "--base-url", "https://cdn.example.net/"]).ok().stdout_has("dist");
    assert!(!site.root.join("public").exists());
    let page = std::fs::read_to_string(site.root.join("dist/articles/first/index.html")).unwrap();
    assert_contains(&unescape(&page), "<link rel=\"canonical\" href=\"https://cdn.example.net/articles/first/\">");
    assert_contains(&std::fs::read_to_string(site.root.join("dist/sitemap.xml")).unwrap(), "<loc>https://cdn.example.net/about/</loc>");
}

#[test]
fn output_folder_must_not_be_or_contain_the_sources() {
    for out in ["content", "content/articles", "static", "templates", "themes", ".."] {
        // The site sits in a sandbox folder, so even `--output ..` can only touch the sandbox.
        let sandbox = Site::empty("sandbox");
        sandbox.nest_fixture("errors/base", "site");
        sandbox.write("site/static/robots-extra.txt", "keep me");
        sandbox.write("site/templates/shortcodes/keep.html", "<b>{{ text }}</b>");
        sandbox.write("notes.txt", "a file of the user's, beside the site");
        let before = tree(&sandbox.root);
        let run = sandbox.folio(&["build", "--root", "site", "--output", &format!("site/{out}")]);
        assert_ne!(run.code(), 0, "--output {out} was accepted:\n{}", run.stdout());
        run.no_panic();
        assert_same_tree(&before, &tree(&sandbox.root), &format!("the sandbox after --output {out}"));
    }
}

#[test]
fn build_with_root_from_elsewhere() {
    let site = Site::fixture("build/happy");
    let elsewhere = Site::empty("elsewhere");
    let root = site.root.to_string_lossy().into_owned();
    elsewhere.folio(&["build", "--root", &root]).ok();
    assert!(site.exists("articles/first/index.html"));
}

#[test]
fn new_article_writes_a_draft_that_builds() {
    let site = Site::fixture("build/happy");
    let run = site.folio_env(&["new", "article", "Ten Tips: Über Speed!"], &[("SOURCE_DATE_EPOCH", "1768478400")]);
    run.ok().stdout_has("content/articles/ten-tips-uber-speed.md");
    let text = std::fs::read_to_string(site.root.join("content/articles/ten-tips-uber-speed.md")).unwrap();
    assert!(text.starts_with("---\n"), "{text}");
    assert_contains(&text, "title: \"Ten Tips: Über Speed!\"");
    assert_contains(&text, "date: 2026-01-15");
    assert_contains(&text, "draft: true");
    assert_contains(&text, "slug: ten-tips-uber-speed");

    site.build().ok();
    assert!(!site.exists("articles/ten-tips-uber-speed/index.html"), "a new article is a draft");
    site.folio(&["build", "--drafts"]).ok();
    assert_contains(&site.read("articles/ten-tips-uber-speed/index.html"), "Ten Tips: Über Speed!");

    site.folio(&["new", "article", "Ten Tips: Über Speed!"]).fails().stderr_has("already exists");
    site.folio(&["new", "article", "!!!"]).fails().no_panic();
}

#[test]
fn new_faq_writes_a_topic_that_builds() {
    let site = Site::fixture("build/happy");
    site.folio(&["new", "faq", "Billing Questions"]).ok().stdout_has("content/faq/billing-questions.md");
    site.build().ok();
    let page = site.read("faq/billing-questions/index.html");
    assert_contains(&page, "<details");
    assert!(hrefs(&site.read("faq/index.html")).contains(&"/faq/billing-questions/".to_string()));
}

#[test]
fn init_scaffolds_a_site_that_builds_at_once() {
    let parent = Site::empty("init");
    parent.folio(&["init", "newsite"]).ok();
    parent.folio(&["build", "--root", "newsite"]).ok();
    let out = parent.root.join("newsite/public");
    for f in ["index.html", "articles/index.html", "articles/hello-world/index.html", "about/index.html", "css/site.css", "sitemap.xml"] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    // A second init in the same folder refuses to overwrite.
    parent.folio(&["init", "newsite"]).fails().stderr_has("already exists");
}

#[test]
fn init_site_passes_check() {
    let parent = Site::empty("init-check");
    parent.folio(&["init", "newsite"]).ok();
    parent.folio(&["check", "--root", "newsite"]).ok();
}

#[test]
fn check_finds_a_broken_raw_internal_link_and_writes_nothing() {
    let site = Site::fixture("build/check");
    let run = site.folio(&["check"]);
    run.fails().stderr_has("error: link `/no-such-page/` leads nowhere").stderr_has("  --> content/links.md:4:39").stderr_lacks("public/");
    run.stderr_has("error: link `/about/#no-such-heading`: the page it leads to has no `#no-such-heading`").stderr_has("  --> content/links.md:6:55");
    run.stderr_lacks("`/about/` leads");
    assert!(!site.root.join("public").exists(), "check writes nothing");
}

#[test]
fn check_reports_images_without_alt_text() {
    let site = Site::fixture("build/check");
    let run = site.folio(&["check"]);
    run.fails().stderr_has("warning: image `/pixel.svg` has no alt text").stderr_has("content/links.md:9:1");
    // The broken link and the missing anchor fail check; the image is a warning. (The theme's
    // 404 page links only the site's own menu, so it adds no broken link to a site without
    // /articles/.)
    run.stderr_has("2 errors, 1 warning found");
    assert_eq!(run.error_count(), 2, "{}", run.stderr());
}

#[test]
fn check_passes_with_warnings_only() {
    let site = Site::fixture("build/happy");
    site.write("content/logo.md", "---\ntitle: \"Logo\"\n---\nOur logo:\n\n![](/favicon.svg)\n");
    let run = site.folio(&["check"]);
    run.ok().stderr_has("warning: image `/favicon.svg` has no alt text").stderr_has("content/logo.md:6:1").stderr_has("1 warning found.");
    run.stdout_has("No errors found (1 warning): ");
    assert_eq!(run.error_count(), 0, "{}", run.stderr());
}

#[test]
fn build_prints_images_without_alt_text_as_warnings_and_succeeds() {
    let site = Site::fixture("build/check");
    let run = site.build();
    run.ok().stdout_has("Built ");
    run.stderr_has("warning: image `/pixel.svg` has no alt text").stderr_has("  --> content/links.md:9:1").stderr_has("= help: describe the image");
    run.stderr_has("1 warning found.").stderr_lacks("error:").stderr_lacks("nothing was written");
    assert!(site.public("links/index.html").is_file(), "a build with warnings writes the site");
}

#[test]
fn check_runs_the_build_validations_too() {
    let site = Site::fixture("errors/base");
    site.overlay("errors/bad-date");
    site.folio(&["check"]).fails().stderr_has("content/articles/bad-date.md:3:1");
}

#[test]
fn check_finds_a_broken_link_in_a_template_menu() {
    let site = Site::fixture("build/check");
    site.write("site.yaml", "title: Check\nbase_url: https://check.example.com\nmenu:\n  - { name: Gone, url: /gone-page/ }\n");
    site.folio(&["check"]).fails().stderr_has("error: link `/gone-page/` leads nowhere").stderr_has("  --> site.yaml:4:24");
}

#[test]
fn bad_command_line_use_exits_2() {
    let site = Site::fixture("build/happy");
    for args in [&[][..], &["frobnicate"], &["build", "--no-such-flag"], &["build", "extra-arg"], &["new"], &["new", "article"], &["init"]] {
        let run = site.folio(args);
        assert_eq!(run.code(), 2, "folio {args:?}: {}{}", run.stdout(), run.stderr());
        assert!(!run.stderr().is_empty(), "folio {args:?} explains itself");
    }
    site.folio(&["--help"]).ok().stdout_has("build");
    site.folio(&["--version"]).ok();
}

#[test]
fn version_names_the_commit() {
    let out = std::process::Command::new(crate::support::folio_bin()).arg("--version").output_ok();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(&format!("folio {} (", env!("CARGO_PKG_VERSION"))), "{text}");
    assert!(text.contains("commit"), "{text}");
}

/// `folio build | head -0`: output to a closed pipe is dropped, never a panic, and the build
/// still finishes (exit 0, the site written).
#[test]
fn a_closed_stdout_is_no_panic() {
    let site = Site::fixture("build/happy");
    let mut child = std::process::Command::new(folio_bin())
        .arg("build")
        .current_dir(&site.root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn_ok();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(site.exists("index.html"));
}

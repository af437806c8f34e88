//! Warnings and errors for what a site would otherwise lose without a word (issue 13): pages
//! without a date in a section listed by date (and so missing from the feed), and image or file
//! links in Markdown to a path nothing in the output provides.

use crate::support::*;

fn site_with(files: &[(&str, &str)]) -> Site {
    let site = Site::empty("losses");
    site.write("site.yaml", "title: Losses\nbase_url: https://example.com\n").write("content/_index.md", "---\ntitle: Home\n---\n");
    for (rel, text) in files {
        site.write(rel, text);
    }
    site
}

#[test]
fn undated_pages_in_a_date_sorted_section_are_one_warning_per_section() {
    let site = site_with(&[
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/2024-01-02-hello.md", "---\ntitle: Hello\n---\nHi.\n"),
        ("content/posts/2024-02-03-again.md", "---\ntitle: Again\n---\nHi.\n"),
        ("content/news/_index.md", "---\ntitle: News\nsort_by: date\n---\n"),
        ("content/news/dated.md", "---\ntitle: Dated\ndate: 2024-05-01\n---\nHi.\n"),
        ("content/news/undated.md", "---\ntitle: Undated\n---\nHi.\n"),
        ("content/docs/_index.md", "---\ntitle: Docs\nsort_by: title\n---\n"),
        ("content/docs/setup.md", "---\ntitle: Setup\n---\nHi.\n"),
        ("content/about.md", "---\ntitle: About\n---\nUs.\n"),
    ]);
    let run = site.build();
    run.ok()
        .stderr_has("--> content/posts/_index.md\n")
        .stderr_has("warning: this section is sorted by date, but none of its 2 pages has a `date:`: they are listed after the dated ones and left out of the feed (content/posts/2024-01-02-hello.md, content/posts/2024-02-03-again.md)")
        .stderr_has("warning: this section is sorted by date, but 1 of its 2 pages have no `date:`")
        .stderr_has("--> content/news/_index.md:3:1")
        .stderr_has("set `sort_by: weight` or `sort_by: title`");
    let err = run.stderr();
    assert_eq!(err.matches("this section is sorted by date").count(), 2, "once per section, none for docs (by title) or the home page: {err}");
    assert!(!err.contains("content/docs") && !err.contains("about.md"), "{err}");
    // The loss the warning is about: the feed has only the dated page.
    assert_eq!(site.read("atom.xml").matches("<entry>").count(), 1);

    site.write("content/posts/2024-01-02-hello.md", "---\ntitle: Hello\ndate: 2024-01-02\n---\nHi.\n")
        .write("content/posts/2024-02-03-again.md", "---\ntitle: Again\ndate: 2024-02-03\n---\nHi.\n");
    site.build().ok().stderr_lacks("content/posts/_index.md");
}

#[test]
fn a_missing_image_is_an_error_at_its_markdown_line_in_build_check_and_serve() {
    let site = site_with(&[
        ("content/articles/_index.md", "---\ntitle: Articles\nsort_by: title\n---\n"),
        (
            "content/articles/a.md",
            "---\ntitle: A\n---\nIntro.\n\nSee {{ cta(text=\"Talk\", href=\"/contact/\") }} ![the chart](/images/chrat.svg) and [the guide](/files/guide.pdf).\n\n[About](/about/) and [elsewhere](https://example.org/x.png) and ![ok](/images/chart.svg).\n",
        ),
        ("static/images/chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
    ]);
    let run = site.build();
    run.fails()
        .stderr_has("error: image `/images/chrat.svg` leads nowhere: the site has no file at /images/chrat.svg")
        .stderr_has("--> content/articles/a.md:6:46")
        .stderr_has("did you mean `/images/chart.svg`?")
        .stderr_has("error: link to the file `/files/guide.pdf` leads nowhere")
        .stderr_has("--> content/articles/a.md:6:82")
        .stderr_lacks("/about/")
        .stderr_lacks("example.org");
    assert_eq!(run.error_count(), 2, "{}", run.stderr());
    assert!(!site.exists("articles/a/index.html"), "nothing is written");
    site.folio(&["check"]).fails().stderr_has("--> content/articles/a.md:6:46");

    // Adding the files the links name fixes the build (a static file added is seen).
    site.write("static/images/chrat.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n").write("static/files/guide.pdf", "%PDF-1.4\n");
    site.build().ok();
}

#[test]
fn a_relative_image_beside_the_page_is_found_and_a_wrong_one_is_not() {
    let site = site_with(&[
        ("content/articles/_index.md", "---\ntitle: Articles\nsort_by: title\n---\n"),
        ("content/articles/bundle/index.md", "---\ntitle: Bundle\n---\n![A photo](photo.svg)\n\n![Up](../shared.svg)\n"),
        ("content/articles/bundle/photo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
        ("content/articles/shared.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
        ("content/articles/flat.md", "---\ntitle: Flat\n---\n![Shared](shared.svg)\n"),
    ]);
    site.build()
        .fails()
        .stderr_has(
            "error: image `shared.svg` leads nowhere: the site has no file at /articles/flat/shared.svg (where it leads from this page, /articles/flat/)",
        )
        .stderr_has("--> content/articles/flat.md:4:1")
        .stderr_has("did you mean `/articles/shared.svg`?");
    site.write("content/articles/flat.md", "---\ntitle: Flat\n---\n![Shared](../shared.svg)\n");
    site.build().ok();
}

#[test]
fn serve_reports_a_missing_image_as_a_build_error() {
    let site = site_with(&[("content/about.md", "---\ntitle: About\n---\n![Team](/images/team.jpg)\n")]);
    let built = folio::pipeline::build(&folio::pipeline::BuildOptions { root: site.root.clone(), preview: true, ..Default::default() });
    let errors = built.err().expect("a build error in serve's preview build too");
    assert!(errors.0.iter().any(|d| d.message.starts_with("image `/images/team.jpg` leads nowhere") && d.line == Some(4)), "{errors:?}");
}

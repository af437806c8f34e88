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

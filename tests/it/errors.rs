//! Content and template errors (issue 2, item 10): each names the file, line and column, says
//! what is wrong and what to do, exits 1, and leaves the previous output exactly as it was. Every
//! case starts from the good site in fixtures/errors/base/, builds it, then copies the case's
//! folder over it and builds again.

use crate::support::*;

/// Builds the good base site, breaks it with fixtures/errors/<case>/, rebuilds, and checks the
/// failed build changed nothing in public/. Returns the failed run for message assertions.
fn break_with(case: &str) -> (Site, Run) {
    let site = Site::fixture("errors/base");
    site.build().ok();
    let before = site.snapshot();
    assert!(before.contains_key("articles/good/index.html"), "the base site built: {:?}", before.keys());
    site.overlay(&format!("errors/{case}"));
    let run = site.build();
    run.fails().no_panic().stderr_has("nothing was written");
    assert_same_tree(&before, &site.snapshot(), &format!("public/ after the failed build of {case}"));
    (site, run)
}

#[test]
fn malformed_front_matter_yaml() {
    let (_site, run) = break_with("malformed-yaml");
    // An unclosed quote: reported where the quote opens (YAML itself notices at the closing `---`).
    run.stderr_has("is never closed").stderr_has("  --> content/articles/broken.md:2:").stderr_has("= help: ");
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn malformed_front_matter_yaml_colon_in_value() {
    let (_site, run) = break_with("malformed-yaml-colon");
    run.stderr_has("the value of `title` contains `: `")
        .stderr_has("  --> content/articles/colon.md:2:")
        .stderr_has("must be in quotes: `title: \"Why: a story about colons\"`");
}

#[test]
fn missing_title() {
    let (_site, run) = break_with("missing-title");
    run.stderr_has("error: front matter has no `title`").stderr_has("  --> content/articles/untitled.md:1:1").stderr_has("= help: add a line such as `title:");
}

#[test]
fn impossible_date() {
    let (_site, run) = break_with("bad-date");
    run.stderr_has("error: `date: 2025-02-30` is not a valid date")
        .stderr_has("  --> content/articles/bad-date.md:3:1")
        .stderr_has("3 | date: 2025-02-30")
        .stderr_has("write dates as YYYY-MM-DD");
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let (_site, run) = break_with("unknown-key");
    run.stderr_has("error: unknown key `tittle`").stderr_has("  --> content/articles/typo.md:2:1").stderr_has("did you mean `title`");
}

#[test]
fn unknown_template_names_the_page() {
    let (_site, run) = break_with("unknown-template");
    run.stderr_has("error: template `nope.html` not found").stderr_has("  --> content/articles/nope.md").stderr_has("page.html");
}

#[test]
fn unknown_template_points_at_the_template_key() {
    let (_site, run) = break_with("unknown-template");
    run.stderr_has("  --> content/articles/nope.md:3:1");
}

#[test]
fn template_runtime_error_names_template_line_and_page() {
    let (_site, run) = break_with("template-runtime");
    // One broken template is one error, naming the pages it broke.
    run.stderr_has("error: template `page.html` failed while rendering 3 pages (content/about.md, content/articles/good.md, content/articles/other.md)")
        .stderr_has("undefined_thing")
        .stderr_has("  --> templates/page.html:4:7")
        .stderr_has("4 | <p>{{ undefined_thing.value }}</p>")
        .stderr_has("| default(value=…)");
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn template_syntax_error_names_template_line_and_column() {
    let (_site, run) = break_with("template-syntax");
    run.stderr_has("error: template syntax error").stderr_has("  --> templates/page.html:4:19").stderr_has("4 | <h1>{{ page.title }</h1>");
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn two_pages_on_one_url_names_both_files() {
    let (_site, run) = break_with("duplicate-url");
    run.stderr_has("two pages have the URL /articles/good/")
        .stderr_has("content/articles/good.md")
        .stderr_has("content/articles/dup.md")
        .stderr_has("different `slug:`");
}

#[test]
fn broken_internal_link() {
    let (_site, run) = break_with("broken-link");
    run.stderr_has("error: link to `@/articles/nope.md`: no such content file")
        .stderr_has("  --> content/articles/links.md:6:5")
        .stderr_has("6 | See [this](@/articles/nope.md) please.");
}

#[test]
fn broken_internal_link_anchor() {
    let (_site, run) = break_with("broken-anchor");
    run.stderr_has("error: link to `@/articles/other.md#getting-startd`: that page has no heading with id `getting-startd`")
        .stderr_has("  --> content/articles/links.md:6:5")
        .stderr_has("did you mean `#getting-started`?");
}

#[test]
fn unknown_site_yaml_key_suggests_the_nearest() {
    let (_site, run) = break_with("site-unknown-key");
    run.stderr_has("error: unknown key `paginat_by`").stderr_has("  --> site.yaml:4:1").stderr_has("did you mean `paginate_by`?");
}

#[test]
fn unknown_nested_site_yaml_key() {
    let site = Site::fixture("errors/base");
    site.write("site.yaml", "title: T\nfeed:\n  limt: 3\n");
    site.build().fails().stderr_has("unknown key `limt`").stderr_has("  --> site.yaml:3:3").stderr_has("did you mean `limit`?");
}

#[test]
fn every_error_of_a_build_is_reported_together() {
    let (_site, run) = break_with("three-broken-files");
    run.stderr_has("  --> content/articles/a.md:3:1")
        .stderr_has("not a valid date")
        .stderr_has("  --> content/articles/b.md:2:1")
        .stderr_has("unknown key `tittle`")
        .stderr_has("  --> content/c.md:4:1")
        .stderr_has("no such content file")
        .stderr_has("3 errors found");
    assert_eq!(run.error_count(), 3, "{}", run.stderr());
}

#[test]
fn errors_are_printed_in_a_stable_order() {
    let site = Site::fixture("errors/base");
    site.overlay("errors/three-broken-files");
    let first = site.build().stderr();
    for _ in 0..2 {
        assert_eq!(site.build().stderr(), first);
    }
}

#[test]
fn a_site_without_site_yaml_says_what_to_do() {
    let site = Site::empty("no-config");
    site.build().fails().stderr_has("no site.yaml").stderr_has("folio init");
}

#[test]
fn a_missing_theme_is_an_error() {
    let site = Site::fixture("errors/base");
    site.write("site.yaml", "title: T\ntheme: nosuchtheme\n");
    site.build().fails().no_panic().stderr_has("theme `nosuchtheme` not found");
}

/// Odd files a build must survive: exit 0 or 1 with a message, never a panic.
#[test]
fn no_panic_on_garbage_input() {
    let mut noise = Vec::with_capacity(8192);
    let mut x: u32 = 0x1234_5678;
    for _ in 0..8192 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x >> 24) as u8);
    }
    let huge_line = format!("---\ntitle: Huge\n---\n{}\n", "word ".repeat(400_000));
    let deep_quote = format!("---\ntitle: Deep\n---\n{}deep\n", "> ".repeat(20_000));
    let deep_yaml = format!("---\ntitle: x\nextra:\n  v: {}1{}\n---\n", "[".repeat(3000), "]".repeat(3000));
    let brackets = format!("---\ntitle: Brackets\n---\n{}x{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let alias_bomb = "---\ntitle: x\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("content/articles/binary.md", noise.clone()),
        ("content/articles/empty.md", Vec::new()),
        ("content/articles/nul-bytes.md", b"\0\0\0---\0".to_vec()),
        ("content/articles/dashes.md", b"---\n".to_vec()),
        ("content/articles/empty-front-matter.md", b"---\n---\n".to_vec()),
        ("content/articles/list-front-matter.md", b"---\n- a\n- b\n---\n".to_vec()),
        ("content/articles/crlf.md", b"---\r\ntitle: CRLF\r\n---\r\nWindows line endings.\r\n".to_vec()),
        ("content/articles/bom.md", "\u{feff}---\ntitle: BOM\n---\nbody\n".as_bytes().to_vec()),
        ("content/articles/huge-line.md", huge_line.into_bytes()),
        ("content/articles/deep-quote.md", deep_quote.into_bytes()),
        ("content/articles/deep-yaml.md", deep_yaml.into_bytes()),
        ("content/articles/brackets.md", brackets.into_bytes()),
        ("content/articles/alias-bomb.md", alias_bomb.as_bytes().to_vec()),
        ("content/articles/unclosed-shortcode.md", b"---\ntitle: x\n---\n{{ cta(text=\"a\n".to_vec()),
        ("content/articles/lone-braces.md", b"---\ntitle: x\n---\n{{".to_vec()),
        ("content/articles/weird-slug.md", b"---\ntitle: \"\\u0000\"\nslug: \"a/../../b\"\naliases: [\"/\"]\n---\n".to_vec()),
        ("content/articles/not-text.yaml", b"key: value\n".to_vec()),
        ("content/articles/_index.md", noise[..100].to_vec()),
        ("site.yaml", noise[..300].to_vec()),
        ("site.yaml", Vec::new()),
        ("site.yaml", b"- just\n- a list\n".to_vec()),
        ("content/banners.yaml", noise[..500].to_vec()),
        ("content/banners.yaml", b"banners: 7\n".to_vec()),
        ("content/faq/x.yaml", b"questions: 5\n".to_vec()),
        ("content/faq/y.md", b"---\ntitle: T\n---\n## \n".to_vec()),
        ("content/pricing/p.yaml", b"tiers: [1, 2]\ntitle: [\n".to_vec()),
        ("content/pricing/q.yaml", b"title: Q\ntiers:\n  - id: a\n    name: A\n    price: { amount: -1e400, currency: \"\" }\n".to_vec()),
        ("templates/page.html", noise[..200].to_vec()),
        ("templates/page.html", b"{% extends \"page.html\" %}".to_vec()),
        ("templates/shortcodes/loop.html", b"{{ x }}".to_vec()),
    ];
    // Each case is its own site; they run four at a time.
    for chunk in cases.chunks(4) {
        std::thread::scope(|scope| {
            for (path, bytes) in chunk {
                scope.spawn(move || {
                    let site = Site::fixture("errors/base");
                    site.write_bytes(path, bytes);
                    let run = site.build();
                    run.no_panic();
                    if run.code() == 1 {
                        assert!(!site.exists("index.html"), "{path}: a failed first build wrote output");
                    }
                });
            }
        });
    }
}

#[test]
fn an_unreadable_output_location_is_an_error_not_a_panic() {
    let site = Site::fixture("errors/base");
    // The output path is a file, so the staging folder beside it cannot become it.
    site.write("blocked", "a file where the output folder should go");
    site.folio(&["build", "--output", "blocked/public"]).fails().no_panic();
}

#[test]
fn every_problem_of_a_page_is_reported_and_links_to_it_still_resolve() {
    let site = Site::fixture("errors/base");
    site.write("content/articles/typos.md", "---\ntittle: Typos\ndraftt: true\ndate: 2025-02-30\n---\nBody with [a broken link](@/articles/gone.md).\n");
    site.write("content/articles/linker.md", "---\ntitle: Linker\n---\nSee [typos](@/articles/typos.md).\n");
    let run = site.build();
    run.fails()
        .stderr_has("unknown key `tittle`")
        .stderr_has("  --> content/articles/typos.md:2:1")
        .stderr_has("unknown key `draftt`")
        .stderr_has("  --> content/articles/typos.md:3:1")
        .stderr_has("  --> content/articles/typos.md:4:1")
        .stderr_has("  --> content/articles/typos.md:6:11")
        .stderr_has("link to `@/articles/gone.md`: no such content file")
        .stderr_lacks("link to `@/articles/typos.md`")
        .stderr_lacks("has no `title`");
    assert_eq!(run.error_count(), 4, "{}", run.stderr());
}

/// Every error case names what its problems are about (`Diagnostic::kind`), which tools read
/// from serve's status; none is left unclassified, and none is a warning.
#[test]
fn every_error_case_has_its_kind() {
    use folio::diag::{Kind, Severity};
    use folio::pipeline::{self, BuildOptions};
    let cases = [
        ("bad-date", Kind::FrontMatter),
        ("broken-anchor", Kind::Link),
        ("broken-link", Kind::Link),
        ("duplicate-url", Kind::Url),
        ("malformed-yaml", Kind::FrontMatter),
        ("malformed-yaml-colon", Kind::FrontMatter),
        ("missing-title", Kind::FrontMatter),
        ("site-unknown-key", Kind::Config),
        ("template-runtime", Kind::Template),
        ("template-syntax", Kind::Template),
        ("unknown-key", Kind::FrontMatter),
        ("unknown-template", Kind::Template),
    ];
    for (case, kind) in cases {
        let site = Site::fixture("errors/base");
        site.overlay(&format!("errors/{case}"));
        let Err(errors) = pipeline::build(&BuildOptions { root: site.root.clone(), ..Default::default() }) else { panic!("{case} builds") };
        assert!(!errors.is_empty(), "{case}");
        for d in &errors.0 {
            assert_eq!((d.kind, d.severity), (kind, Severity::Error), "{case}: {d}");
        }
    }
}

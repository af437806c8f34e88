//! Recursive templates (issue 10, item 1): include, import and extends loops are errors found
//! before rendering, naming every hop (file:line); macros nested deeper than folio's limit
//! (100) are an error while rendering; neither kills the process, in `build` or in `serve`.
//! A recursive macro of modest depth (a nested menu) still renders.

use crate::serve::Server;
use crate::support::*;

/// The good base site of the error cases with `files` written over it, built.
fn build_with(files: &[(&str, &str)]) -> (Site, Run) {
    let site = Site::fixture("errors/base");
    for (rel, text) in files {
        site.write(rel, text);
    }
    let run = site.build();
    (site, run)
}

/// Exit code 1 (not a signal, not a panic), with the message and nothing written.
#[track_caller]
fn fails_cleanly(run: &Run) {
    assert_eq!(run.0.status.code(), Some(1), "killed by a signal or wrong exit:\n{}\n{}", run.stdout(), run.stderr());
    run.no_panic().stderr_has("nothing was written").stderr_lacks("stack overflow");
}

/// A page template showing what `call` (a macro of `templates/recursion.html`) gives.
fn page_calling(call: &str) -> String {
    format!("{{% extends \"base.html\" %}}\n{{% import \"recursion.html\" as r %}}\n{{% block main %}}{{{{ {call} }}}}{{% endblock main %}}\n")
}

const FOREVER: &str = "{# a macro with no way out #}\n{% macro forever(n) %}<i>{{ self::forever(n=n + 1) }}</i>{% endmacro forever %}\n";

const COUNTDOWN: &str = "{% macro down(n) %}{% if n > 0 %}{% for i in [1] %}<b>{{ self::down(n=n - 1) }}</b>{% endfor %}{% endif %}{% endmacro down %}\n";

/// Builds with `files`, which make one loop, and checks it is the one error: `message`, shown at
/// `at`, with a help line containing `help`.
#[track_caller]
fn one_loop(files: &[(&str, &str)], message: &str, at: &str, help: &str) {
    let (_site, run) = build_with(files);
    fails_cleanly(&run);
    run.stderr_has(&format!("error: {message}\n  --> {at}")).stderr_has(&format!("= help: {help}"));
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_template_that_includes_itself() {
    one_loop(
        &[("templates/partials/loop.html", "<p>\n{% include \"partials/loop.html\" %}\n</p>\n")],
        "a template includes itself: templates/partials/loop.html:2 includes partials/loop.html, itself",
        "templates/partials/loop.html:2:1",
        "rendering these templates would never end",
    );
}

#[test]
fn two_partials_that_include_each_other() {
    one_loop(
        &[
            ("templates/partials/a.html", "<div>\n<p>a</p>\n{% include \"partials/b.html\" %}\n</div>\n"),
            ("templates/partials/b.html", "<div>\n\n\n\n\n<p>b</p>\n  {% include \"partials/a.html\" %}\n</div>\n"),
            ("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/a.html\" %}{% endblock main %}\n"),
        ],
        "templates include each other in a loop: templates/partials/a.html:3 includes partials/b.html, \
         which includes partials/a.html at templates/partials/b.html:7",
        "templates/partials/a.html:3:1",
        "rendering these templates would never end",
    );
}

#[test]
fn templates_that_extend_each_other() {
    // page.html → layouts/one.html → layouts/two.html → layouts/one.html: Tera's own check only
    // sees a loop back to the first template, and recursed forever on this one.
    one_loop(
        &[
            ("templates/page.html", "{% extends \"layouts/one.html\" %}\n"),
            ("templates/layouts/one.html", "{% extends \"layouts/two.html\" %}\n{% block main %}one{% endblock main %}\n"),
            ("templates/layouts/two.html", "\n{% extends \"layouts/one.html\" %}\n"),
        ],
        "templates extend each other in a loop: templates/layouts/one.html:1 extends layouts/two.html, \
         which extends layouts/one.html at templates/layouts/two.html:2",
        "templates/layouts/one.html:1:1",
        "a template cannot extend itself",
    );
}

#[test]
fn macro_files_that_import_each_other() {
    one_loop(
        &[
            ("templates/menus/a.html", "{% import \"menus/b.html\" as b %}\n{% macro one() %}{{ b::two() }}{% endmacro one %}\n"),
            ("templates/menus/b.html", "{% import \"menus/a.html\" as a %}\n{% macro two() %}2{% endmacro two %}\n"),
            ("templates/page.html", "{% extends \"base.html\" %}\n{% import \"menus/a.html\" as a %}\n{% block main %}{{ a::one() }}{% endblock main %}\n"),
        ],
        "templates import macros from each other in a loop: templates/menus/a.html:1 imports macros from menus/b.html, \
         which imports macros from menus/a.html at templates/menus/b.html:1",
        "templates/menus/a.html:1:1",
        "move the macros they share into a separate file",
    );
}

#[test]
fn every_loop_and_syntax_error_comes_in_one_run() {
    let (_site, run) = build_with(&[
        ("templates/partials/loop.html", "{% include \"partials/loop.html\" %}"),
        ("templates/layouts/self.html", "{% extends \"layouts/self.html\" %}"),
        ("templates/broken.html", "ok\n{% if %}\n"),
    ]);
    fails_cleanly(&run);
    run.stderr_has("a template includes itself: templates/partials/loop.html:1")
        .stderr_has("a template extends itself: templates/layouts/self.html:1 extends layouts/self.html, itself")
        .stderr_has("error: template syntax error")
        .stderr_has("  --> templates/broken.html:2:");
    assert_eq!(run.error_count(), 3, "{}", run.stderr());
}

#[test]
fn templates_nested_past_what_tera_can_parse_are_refused() {
    // Each of these overflowed the stack while Tera parsed or dropped the template.
    let deep = 100_000;
    let (_site, run) = build_with(&[
        ("templates/brackets.html", &format!("{{{{ {}1{} }}}}", "(".repeat(deep), ")".repeat(deep))),
        ("templates/tags.html", &format!("x\n{}{}", "{% if true %}".repeat(deep / 10), "{% endif %}".repeat(deep / 10))),
        ("templates/chain.html", &format!("{{{{ 1{} }}}}", " + 1".repeat(deep))),
    ]);
    fails_cleanly(&run);
    run.stderr_has("error: brackets nested more than 40 deep in one expression\n  --> templates/brackets.html:1:1")
        .stderr_has("error: `{% if %}` tags nested more than 40 deep\n  --> templates/tags.html:2:521")
        .stderr_has("error: more than 200 operators in one expression\n  --> templates/chain.html:1:1")
        .stderr_has("= help: move the inner part into a macro or a partial template");
    assert_eq!(run.error_count(), 3, "{}", run.stderr());
}

#[test]
fn a_macro_recursing_forever_is_stopped() {
    let (_site, run) = build_with(&[("templates/recursion.html", FOREVER), ("templates/page.html", &page_calling("r::forever(n=0)"))]);
    fails_cleanly(&run);
    run.stderr_has("error: template `recursion.html` failed while rendering 3 pages (content/about.md, content/articles/good.md, content/articles/other.md): macro `forever` calls itself")
        .stderr_has("more than 100 levels deep, or without end")
        .stderr_has("  --> templates/recursion.html:2:1")
        .stderr_has("= help: a macro that calls itself needs a condition that stops it");
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_macro_recursing_a_thousand_deep_is_stopped() {
    let (_site, run) = build_with(&[("templates/recursion.html", COUNTDOWN), ("templates/page.html", &page_calling("r::down(n=1000)"))]);
    fails_cleanly(&run);
    run.stderr_has("macro `down` calls itself").stderr_has("  --> templates/recursion.html:1:1");
}

#[test]
fn a_macro_may_nest_up_to_the_limit() {
    // 100 calls: the page's and 99 more.
    let (site, run) = build_with(&[("templates/recursion.html", COUNTDOWN), ("templates/page.html", &page_calling("r::down(n=99)"))]);
    run.ok();
    assert_eq!(site.read("articles/good/index.html").matches("<b>").count(), 99);
}

#[test]
fn a_nested_menu_renders() {
    let mut yaml = String::from("extra:\n  menu:\n");
    for level in 1..=5 {
        let pad = "  ".repeat(2 * level);
        yaml.push_str(&format!("{pad}- title: level-{level}\n{pad}  children:\n"));
    }
    yaml.push_str(&format!("{}- title: leaf\n", "  ".repeat(12)));
    let site = Site::fixture("errors/base");
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}{yaml}"));
    site.write(
        "templates/recursion.html",
        "{% macro tree(items) %}<ul>{% for item in items %}<li>{{ item.title }}\
         {% if item.children %}{{ self::tree(items=item.children) }}{% endif %}</li>{% endfor %}</ul>{% endmacro tree %}\n",
    );
    site.write("templates/page.html", &page_calling("r::tree(items=site.extra.menu)"));
    site.build().ok();
    let html = site.read("articles/good/index.html");
    assert_contains(&html, "<ul><li>level-1<ul><li>level-2<ul><li>level-3<ul><li>level-4<ul><li>level-5<ul><li>leaf</li></ul></li></ul>");
}

#[test]
fn serve_survives_recursive_templates_and_keeps_the_last_good_site() {
    let mut s = Server::start(Site::fixture("errors/base"));
    let good = s.get("/articles/good/");
    assert_eq!(good.status, 200, "{}", good.text());
    let home = s.get("/");
    assert_eq!(home.status, 200);

    // Found before rendering: an include loop.
    s.site.write("templates/partials/loop.html", "<p>\n{% include \"partials/loop.html\" %}\n</p>\n");
    let status = s.eventually("the rebuild reports the include loop", || (s.status_json()["ok"] == false).then(|| s.status_json().to_string()));
    assert_contains(&status, "a template includes itself: templates/partials/loop.html:2 includes partials/loop.html, itself");
    assert!(s.is_running(), "serve died:\n{}", s.output());
    let after = s.get("/articles/good/");
    assert_eq!((after.status, after.text()), (200, good.text()), "the last good page is served");
    assert_eq!(s.get("/").status, 200);

    // Found while rendering: a macro recursing forever.
    s.site.remove("templates/partials/loop.html");
    s.site.write("templates/recursion.html", FOREVER);
    s.site.write("templates/page.html", &page_calling("r::forever(n=0)"));
    s.eventually("the rebuild reports the endless macro", || s.status_json().to_string().contains("macro `forever` calls itself").then_some(()));
    assert!(s.is_running(), "serve died:\n{}", s.output());
    let after = s.get("/articles/good/");
    assert_eq!((after.status, after.text()), (200, good.text()), "the last good page is served");
    assert_eq!(s.get("/").text(), home.text());

    // And it recovers.
    s.site.write("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}fixed{% endblock main %}\n");
    s.eventually("the fixed template builds", || (s.status_json()["ok"] == true).then_some(()));
    assert_contains(&s.get("/articles/good/").text(), "fixed");
}

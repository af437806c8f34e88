//! Heading ids and attributes (`## Title {#id .class key=value}`): attributes kept and escaped,
//! event handlers refused, explicit ids never renamed, automatic ids stepping aside for explicit
//! ones and for the theme's own ids (`## Main` next to `<main id="main">`), and clashes reported
//! by `folio build` and `folio check` at the heading's line.

use crate::support::*;

const ARTICLE: &str = "content/articles/h.md";

fn article(body: &str) -> String {
    format!("---\ntitle: \"Headings\"\ndate: 2025-01-11\n---\n{body}")
}

fn site_with(body: &str) -> Site {
    let site = Site::fixture("build/happy");
    site.write(ARTICLE, &article(body));
    site
}

fn ids_of(site: &Site) -> Vec<String> {
    attr_values(&site.read("articles/h/index.html"), "id")
}

#[test]
fn attributes_are_kept_and_every_value_escaped() {
    let site = site_with("Intro.\n\n# Quote {#a\"b}\n\n## Plans {myattr=value .wide data-k=a&b}\n");
    site.build().ok();
    let html = site.read("articles/h/index.html");
    assert_contains(&html, "<h1 id=\"a&quot;b\">Quote");
    assert_contains(&html, "href=\"#a&quot;b\"");
    assert_contains(&html, "<h2 id=\"plans\" class=\"wide\" myattr=\"value\" data-k=\"a&amp;b\">Plans");
}

#[test]
fn event_handlers_and_invalid_names_are_errors_at_the_heading() {
    let site = site_with("Intro.\n\n## Buy {onclick=steal()}\n");
    site.build().fails().stderr_has("heading attribute `onclick` is not allowed").stderr_has("content/articles/h.md:7:1");
    site.folio(&["check"]).fails().stderr_has("onclick");
    assert!(!site.exists("articles/h/index.html"));
    site.write(ARTICLE, &article("Intro.\n\n## Buy {id=x}\n"));
    site.build().fails().stderr_has("write the id as {#my-id}");
}

#[test]
fn an_explicit_id_is_never_renamed_and_the_automatic_one_steps_aside() {
    let site = site_with("Intro.\n\n## Intro\n\n## Welcome {#intro}\n");
    site.write(
        "content/articles/second.md",
        &format!("{}\nSee [the welcome](@/articles/h.md#intro).\n", std::fs::read_to_string(site.root.join("content/articles/second.md")).unwrap()),
    );
    site.build().ok();
    let ids = ids_of(&site);
    assert!(ids.contains(&"intro".to_string()) && ids.contains(&"intro-1".to_string()), "{ids:?}");
    assert_contains(&site.read("articles/h/index.html"), "<h2 id=\"intro\">Welcome");
    assert_contains(&site.read("articles/second/index.html"), "/articles/h/#intro");
}

#[test]
fn two_explicit_ids_on_a_page_name_both_headings() {
    let site = site_with("Intro.\n\n## A {#plans}\n\n## B {#plans}\n");
    site.build().fails().stderr_has("two headings have the id `plans`").stderr_has("content/articles/h.md:9:1").stderr_has("content/articles/h.md:7");
}

#[test]
fn main_in_an_article_just_works() {
    let site = site_with("Intro.\n\n## Main\n\nText.\n");
    site.build().ok();
    let ids = ids_of(&site);
    assert_eq!(ids.iter().filter(|i| *i == "main").count(), 1, "{ids:?}");
    assert!(ids.contains(&"main-1".to_string()), "{ids:?}");
    site.folio(&["check"]).ok();
    // A link to the heading uses its final id; the old one is reported with the new one offered.
    let second = std::fs::read_to_string(site.root.join("content/articles/second.md")).unwrap();
    site.write("content/articles/second.md", &format!("{second}\nSee [main](@/articles/h.md#main-1).\n"));
    site.build().ok();
    site.write("content/articles/second.md", &format!("{second}\nSee [main](@/articles/h.md#main).\n"));
    site.build().fails().stderr_has("that page has no heading with id `main`").stderr_has("main-1");
}

#[test]
fn an_explicit_id_the_theme_uses_is_an_error_from_build_and_check() {
    let site = site_with("Intro.\n\n## Main {#main}\n");
    site.build().fails().stderr_has("heading id `main` is also the id of the page's <main id=\"main\">").stderr_has("content/articles/h.md:7:1");
    site.folio(&["check"]).fails().stderr_has("<main id=\"main\">").stderr_lacks("No problems found");
}

#[test]
fn an_explicit_id_of_a_footnote_is_an_error() {
    let site = site_with("Intro[^note].\n\n## Note {#note}\n\n[^note]: A footnote.\n");
    site.build().fails().stderr_has("heading id `note` is also the id of a footnote");
}

#[test]
fn an_automatic_id_made_by_template_code_is_an_error_at_the_heading() {
    let site = site_with("Intro.\n\n## Overview\n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<div id=\"{{ 'over' ~ 'view' }}\"></div>{{ page.content | safe }}{% endblock main %}",
    );
    site.build()
        .fails()
        .stderr_has("this heading's id `overview` (made from its text) is also the id of the page's <div id=\"overview\">")
        .stderr_has("{#overview-section}");
}

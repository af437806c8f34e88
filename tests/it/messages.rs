//! Messages a non-programmer can act on (issue 14): each says what is wrong, where
//! (file:line:col) and what to do, in plain words. Run on the sample site, broken one way each.

use crate::support::*;

/// The sample site with `rel` rewritten by `edit`.
fn sample_with(rel: &str, edit: impl FnOnce(&str) -> String) -> Site {
    let site = Site::sample();
    let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
    let changed = edit(&text);
    assert_ne!(changed, text, "the edit of {rel} changed nothing");
    site.write(rel, &changed);
    site
}

// ---------------------------------------------------------------------------------------------
// A byte-order mark (Windows Notepad) at the start of any YAML file is accepted.

#[test]
fn byte_order_mark_is_accepted_in_every_yaml_file() {
    let site = Site::sample();
    for rel in ["site.yaml", "content/faq/working-with-us.yaml", "content/pricing/cto-retainers.yaml", "content/banners.yaml"] {
        let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
        site.write(rel, &format!("\u{feff}{text}"));
    }
    site.build().ok().stderr_lacks("more than one document");
    assert_contains(&site.read("pricing/index.html"), "Advisory");
}

#[test]
fn byte_order_mark_keeps_positions_right() {
    // An unknown key on line 1 after a BOM is at column 1, as the editor shows it.
    let site = sample_with("site.yaml", |t| format!("\u{feff}titel: x\n{t}"));
    site.build().fails().stderr_has("error: unknown key `titel`").stderr_has("  --> site.yaml:1:1\n").stderr_lacks("more than one document");
}

// ---------------------------------------------------------------------------------------------
// YAML syntax mistakes

fn front_matter_of_about(yaml: &str) -> Run {
    let site = Site::sample();
    site.write("content/about.md", &format!("---\n{yaml}---\nAbout us.\n"));
    site.build()
}

#[test]
fn tab_indentation_says_use_spaces() {
    front_matter_of_about("title: About\nextra:\n\tteam: 3\n")
        .fails()
        .stderr_has("error: this line is indented with a tab\n  --> content/about.md:4:1")
        .stderr_has("help: YAML indents with spaces, not tabs: replace the tab at the start of this line with spaces");
}

#[test]
fn colon_in_a_value_says_quote_it_with_the_users_own_line() {
    front_matter_of_about("title: CTO: the role\n")
        .fails()
        .stderr_has("error: the value of `title` contains `: `, which YAML reads as the start of another key\n  --> content/about.md:2:8")
        .stderr_has("help: a value with a colon must be in quotes: `title: \"CTO: the role\"`")
        .stderr_lacks("mapping values are not allowed");
}

#[test]
fn bad_indentation_says_line_it_up() {
    front_matter_of_about("title: About\n  description: Who we are\n")
        .fails()
        .stderr_has("error: `description:` is not lined up with the lines around it\n  --> content/about.md:3:3")
        .stderr_has("start in the same column");
}

#[test]
fn unclosed_quote_and_bracket_point_where_they_open() {
    front_matter_of_about("title: \"About\ndescription: Who we are\n")
        .fails()
        .stderr_has("error: the quote `\"` that starts this value is never closed\n  --> content/about.md:2:8")
        .stderr_has("help: end the value with `\"` on the same line");
    front_matter_of_about("title: About\ntags: [team, people\ndescription: Who we are\n")
        .fails()
        .stderr_has("error: the `[` that starts this value is never closed\n  --> content/about.md:3:7")
        .stderr_has("end it with `]` on the same line");
}

#[test]
fn duplicate_key_names_the_first_line() {
    front_matter_of_about("title: About\ndescription: x\ntitle: Again\n")
        .fails()
        .stderr_has("error: `title` is written twice: first at line 2\n  --> content/about.md:4:1")
        .stderr_has("help: each key may appear only once");
}

#[test]
fn curly_quotes_around_a_value_are_a_warning_with_both_ways_out() {
    let run = front_matter_of_about("title: “About us”\n");
    run.ok()
        .stderr_has("warning: `title: “About us”` is wrapped in curly quotes, which are kept as part of the text\n  --> content/about.md:2:8")
        .stderr_has("use straight quotes: `title: \"About us\"`")
        .stderr_has("put the whole value in straight quotes: `title: \"“About us”\"`");
    // Written inside straight quotes, the curly quotes are meant: no warning.
    front_matter_of_about("title: \"“About us”\"\n").ok().stderr_lacks("curly quotes");
}

#[test]
fn curly_quotes_in_marketing_yaml_are_a_warning_too() {
    let site = sample_with("content/pricing/cto-retainers.yaml", |t| t.replacen("name: \"Advisory\"", "name: “Advisory”", 1));
    site.build().ok().stderr_has("warning: `name: “Advisory”` is wrapped in curly quotes").stderr_has("  --> content/pricing/cto-retainers.yaml:6:11");
}

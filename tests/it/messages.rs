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
fn a_value_starting_with_a_bracket_or_holding_its_own_quotes_says_how_to_quote_it() {
    front_matter_of_about("title: [Draft] About us\n")
        .fails()
        .stderr_has("error: a value starting with `[` is read as a list, not as text\n  --> content/about.md:2:8")
        .stderr_has("help: if the `[` is part of the text, put the value in quotes: `title: \"[Draft] About us\"`");
    front_matter_of_about("title: About\ndescription: \"We say \"hello\" first\"\n")
        .fails()
        .stderr_has("error: the value of `description` ends at its second `\"`, and the text after it is left over\n  --> content/about.md:3:14")
        .stderr_has("help: to use `\"` inside a value, put the value in the other quotes: `description: 'We say \"hello\" first'`");
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

/// An FAQ topic written in Markdown gets the front-matter warning too (it was dropped).
#[test]
fn curly_quotes_in_an_faq_topics_front_matter_are_a_warning_too() {
    let site = sample_with("content/faq/cto-and-cio-roles.md", |t| t.replacen("title: \"CTO and CIO roles\"", "title: “CTO and CIO roles”", 1));
    site.build().ok().stderr_has("warning: `title: “CTO and CIO roles”` is wrapped in curly quotes").stderr_has("  --> content/faq/cto-and-cio-roles.md:2:8");
}

// ---------------------------------------------------------------------------------------------
// Pricing: amounts, currencies, tier ids, and no second error for a group that failed.

/// The sample site with the Fractional tier's amount (`amount: 5400,` in a `{ … }` price)
/// written as `amount`.
fn fractional_amount(amount: &str) -> Run {
    sample_with("content/pricing/cto-retainers.yaml", |t| t.replacen("amount: 5400,", &format!("amount: {amount},"), 1)).build()
}

#[test]
fn amount_with_a_thousands_separator_is_not_a_number() {
    fractional_amount("5,400")
        .fails()
        .stderr_has("error: `amount: 5,400` is not a number\n  --> content/pricing/cto-retainers.yaml:22:22")
        .stderr_has("help: write the amount as digits only, without separators or currency: `amount: 5400` (the currency goes in `currency:`)")
        .stderr_lacks("did not match any variant")
        .stderr_lacks("indentation");
}

#[test]
fn amount_in_a_block_with_a_separator_points_at_the_amount_line() {
    let site = sample_with("content/pricing/cto-retainers.yaml", |t| {
        t.replacen("price: { amount: 5400, currency: USD, period: \"month\" }", "price:\n      amount: 1,950\n      currency: USD\n      period: month", 1)
    });
    site.build()
        .fails()
        .stderr_has("error: `amount: 1,950` is not a number\n  --> content/pricing/cto-retainers.yaml:23:15\n")
        .stderr_has("`amount: 1950` (the currency goes in `currency:`)");
}

#[test]
fn amount_in_quotes_says_remove_them() {
    fractional_amount("\"5400\"")
        .fails()
        .stderr_has("error: `amount: \"5400\"` is a number in quotes, which makes it text\n  --> content/pricing/cto-retainers.yaml:22:22")
        .stderr_has("help: remove the quotes: `amount: 5400`");
}

#[test]
fn amount_with_a_space_or_a_currency_says_what_to_write() {
    fractional_amount("5 400").fails().stderr_has("error: `amount: 5 400` is not a number").stderr_has("`amount: 5400` (the currency goes in `currency:`)");
    fractional_amount("5400 USD")
        .fails()
        .stderr_has("error: `amount: 5400 USD` is not a number")
        .stderr_has("help: write the amount as digits only and put the currency in `currency:`: `amount: 5400` and `currency: USD`");
}

#[test]
fn a_failed_pricing_file_gives_no_second_error_on_pages_that_show_the_group() {
    // content/_index.md shows price(lowest_in='cto-retainers'), an article the pricing table.
    let run = fractional_amount("5,400");
    run.fails().stderr_lacks("no pricing group").stderr_lacks("no pricing tier");
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
    run.stderr_has("1 error found");
}

#[test]
fn currency_codes_are_checked_against_iso_4217() {
    let with = |code: &str| {
        sample_with("content/pricing/cto-retainers.yaml", |t| t.replacen("amount: 5400, currency: USD", &format!("amount: 5400, currency: {code}"), 1)).build()
    };
    with("UDS")
        .fails()
        .stderr_has("error: `UDS` is not a currency code\n  --> content/pricing/cto-retainers.yaml:22:38")
        .stderr_has("help: did you mean `USD`? write `currency: USD`");
    with("XYZ").fails().stderr_has("error: `XYZ` is not a currency code").stderr_has("help: write the code of the price's currency, e.g. `currency: USD`");
    with("eur").fails().stderr_has("error: currency `eur` must be written in capitals").stderr_has("help: write `currency: EUR`");
}

#[test]
fn a_tier_id_used_twice_points_at_the_second_and_names_the_first() {
    let site = sample_with("content/pricing/cto-retainers.yaml", |t| t.replacen("- id: cto-fractional", "- id: cto-advisory", 1));
    site.build()
        .fails()
        .stderr_has("error: `id: cto-advisory` is used twice: first at line 5\n  --> content/pricing/cto-retainers.yaml:20:5")
        .stderr_has("help: give every tier its own id");
}

#[test]
fn a_tier_id_used_in_two_groups_names_the_first_file_and_line() {
    let site = Site::sample();
    site.write(
        "content/pricing/more.yaml",
        "title: More\nweight: 9\ntiers:\n  - id: extra\n    name: Extra\n    price: custom\n  - id: cto-advisory\n    name: Again\n    price: custom\n",
    );
    site.build()
        .fails()
        .stderr_has("error: `id: cto-advisory` is used twice: first at content/pricing/cto-retainers.yaml:5\n  --> content/pricing/more.yaml:7:5");
}

// ---------------------------------------------------------------------------------------------
// `folio check`: problems placed in the files they are written in, all reported in one run.

#[test]
fn check_names_the_source_file_and_line_of_a_broken_link_never_the_output_file() {
    let site = Site::sample();
    let about = std::fs::read_to_string(site.root.join("content/about.md")).unwrap();
    let line = about.lines().count() + 2;
    site.write("content/about.md", &format!("{about}\nSee <img src=\"/img/gone.png\" alt=\"Gone\"> and [the team](/about/#the-whole-team).\n"));
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}<p><a href=\"/lost-and-found/\">Lost</a></p>{% endblock main %}");
    let run = site.folio(&["check"]);
    run.fails()
        .stderr_lacks("public/")
        .stderr_has(&format!("error: link `/img/gone.png` leads nowhere: the site has no page or file at `/img/gone.png`\n  --> content/about.md:{line}:15"))
        .stderr_has(&format!("error: link `/about/#the-whole-team`: the page it leads to has no `#the-whole-team` (no heading or element with that id)\n  --> content/about.md:{line}:"))
        .stderr_has("error: link `/lost-and-found/` leads nowhere: the site has no page or file at `/lost-and-found/` (in a template)\n  --> templates/404.html:1:")
        .stderr_has("help: link to a heading that exists");
}

#[test]
fn check_reports_every_problem_at_once_even_with_a_bad_anchor() {
    let site = Site::sample();
    let about = std::fs::read_to_string(site.root.join("content/about.md")).unwrap();
    // An `@/` link to a missing heading is a build error; it used to hide the rest.
    site.write(
        "content/about.md",
        &format!("{about}\nRead [the roles](@/articles/cio-vs-cto.md#no-such-heading), [gone](/gone/) and <a href=\"/about/#nowhere\">here</a>.\n"),
    );
    let run = site.folio(&["check"]);
    run.fails()
        .stderr_has("no heading with id `no-such-heading`")
        .stderr_has("error: link `/gone/` leads nowhere")
        .stderr_has("error: link `/about/#nowhere`: the page it leads to has no `#nowhere`");
    assert_eq!(run.error_count(), 3, "each problem once: {}", run.stderr());
    run.stderr_has("3 errors found; `folio build` will not publish the site until they are fixed.").stderr_lacks("nothing was written");
    assert!(!site.root.join("public").exists(), "check writes nothing");
}

#[test]
fn summaries_use_the_singular_for_one() {
    let site = Site::empty("singular");
    site.write("site.yaml", "title: One\nbase_url: https://one.example.com\n");
    site.write("content/_index.md", "---\ntitle: Home\n---\nHi.\n");
    site.write("content/articles/_index.md", "---\ntitle: Articles\n---\n");
    site.write("content/articles/a.md", "---\ntitle: A\ntags: [x]\n---\nA.\n");
    let out = site.folio(&["check"]).ok().stdout();
    assert!(out.contains(": 1 page, 2 sections, 1 term, 0 FAQs, 0 tiers, 0 banners,"), "{out}");
    assert!(!out.contains("1 pages") && !out.contains("1 terms"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// The README's shortcode examples work as written.

/// Every `{{ name(…) }}` the README shows for a built-in shortcode, except the ones it shows as
/// text (on a line with a `{{/*` escape).
fn readme_shortcode_examples() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let builtins = ["banner", "cta", "faq", "price", "pricing"];
    let mut out = Vec::new();
    for line in readme.lines().filter(|l| !l.contains("{{/*")) {
        let mut rest = line;
        while let Some(i) = rest.find("{{") {
            let Some(j) = rest[i..].find("}}") else { break };
            let call = &rest[i..i + j + 2];
            let name = call[2..].trim_start().split('(').next().unwrap_or("");
            if builtins.contains(&name) && !out.iter().any(|c| c == call) {
                out.push(call.to_string());
            }
            rest = &rest[i + j + 2..];
        }
    }
    out
}

#[test]
fn every_shortcode_example_in_the_readme_builds() {
    let examples = readme_shortcode_examples();
    for name in ["banner(id=", "banner(placement=", "cta(", "faq(", "pricing(", "price(tier=", "price(lowest_in="] {
        assert!(examples.iter().any(|e| e.contains(name)), "the README shows `{name}`: {examples:?}");
    }
    let site = Site::sample();
    site.write("content/articles/readme-examples.md", &format!("---\ntitle: README examples\n---\n{}\n", examples.join("\n\n")));
    site.build().ok().stderr_lacks("error:");
    assert_contains(&site.read("articles/readme-examples/index.html"), "Book a call");
}

#[test]
fn banner_needs_placement_or_id_and_says_so() {
    let site = Site::sample();
    site.write("content/articles/b.md", "---\ntitle: B\n---\nText.\n\n{{ banner() }}\n");
    site.build()
        .fails()
        .stderr_has("error: shortcode `banner` needs `placement` or `id`\n  --> content/articles/b.md:6:1")
        .stderr_has("help: write {{ banner(placement=\"in-article\") }} for one of the banners scheduled there, or {{ banner(id=\"…\") }}");
}

// ---------------------------------------------------------------------------------------------
// `--date YYYY-MM-DD`: preview the site as it will be on another day (banner schedules).

/// 2026-01-15 12:00 UTC, as SOURCE_DATE_EPOCH: `future-deal` (from 2099) is not running.
const JAN_15: &str = "1768478400";

#[test]
fn date_shows_a_banner_scheduled_for_a_later_day_and_wins_over_source_date_epoch() {
    let site = Site::fixture("marketing/site");
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", JAN_15)]).ok();
    assert!(!site.exists("go/future-deal/index.html"), "not running on 2026-01-15");
    site.folio_env(&["build", "--date", "2099-06-01"], &[("SOURCE_DATE_EPOCH", JAN_15)]).ok();
    assert!(site.exists("go/future-deal/index.html"), "running on 2099-06-01");
    assert!(site.html_files().iter().any(|(_, html)| html.contains("/go/future-deal/")), "shown on a page");
    // The fixture's theme links to a /privacy/ page it lacks; check would say so.
    site.write("content/privacy.md", "---\ntitle: Privacy\n---\nPrivacy.\n");
    let banners = |run: &Run| run.stdout().split(", ").find(|p| p.ends_with("banners") || p.ends_with("banner")).unwrap_or("").to_string();
    let now = site.folio_env(&["check"], &[("SOURCE_DATE_EPOCH", JAN_15)]);
    // On 2026-03-01 `seasonal` (January 2026) has ended.
    let later = site.folio_env(&["check", "--date", "2026-03-01"], &[("SOURCE_DATE_EPOCH", JAN_15)]);
    now.ok();
    later.ok();
    assert_eq!((banners(&now).as_str(), banners(&later).as_str()), ("2 banners", "1 banner"), "{}\n{}", now.stdout(), later.stdout());
}

#[test]
fn serve_with_date_shows_the_banner_of_that_day() {
    let site = Site::fixture("marketing/site");
    let server = crate::serve::Server::start_with(site, &["--port", "0", "--date", "2099-06-01"]);
    let go = server.get("/go/future-deal/");
    assert_eq!(go.status, 200, "{}", server.output());
}

#[test]
fn an_invalid_date_is_a_usage_error_in_plain_words() {
    let site = Site::fixture("marketing/site");
    for bad in ["2026-13-01", "01/03/2026", "2026-3-1"] {
        site.folio(&["build", "--date", bad]).exit(2).stderr_has(&format!("`{bad}` is not a date; write the day as YYYY-MM-DD, e.g. `--date 2026-03-01`"));
    }
}

// ---------------------------------------------------------------------------------------------
// The README for a newcomer.

#[test]
fn documents_cite_only_files_the_repository_has() {
    for doc in ["README.md", "ARCHITECTURE.md"] {
        let text = std::fs::read_to_string(repo_root().join(doc)).unwrap();
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')) {
            let word = word.trim_end_matches('.');
            let Some(stem) = word.strip_suffix(".md") else { continue };
            // `STYLE.md`, `CONTRIBUTING.md`: a document at the top of the repository.
            if !stem.is_empty() && stem.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c == '-') {
                assert!(repo_root().join(word).is_file(), "{doc} cites {word}, which the repository does not have");
            }
        }
    }
}

#[test]
fn readme_and_the_html_checker_tests_give_the_same_install_line() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let html = std::fs::read_to_string(repo_root().join("tests/it/html.rs")).unwrap();
    let line = "npm ci --prefix tests/vnu --ignore-scripts";
    assert!(readme.contains(line), "the README's install line for the HTML checkers is `{line}`");
    assert!(html.contains(&format!("const NPM_CI: &str = \"{line}\";")), "tests/it/html.rs hints `{line}`");
    // Every hint of html.rs names the same command: none without `--ignore-scripts`.
    assert_eq!(html.matches("npm ci --prefix tests/vnu").count(), html.matches(line).count(), "a hint in tests/it/html.rs differs from the README");
    // A skipped check is visible in the summary: ignored with its reason, not `ok`.
    assert_eq!(
        html.matches("#[cfg_attr(folio_no_").count(),
        html.matches("#[test]").count(),
        "each HTML-checker test is ignored, with a reason, when its tools are missing"
    );
}

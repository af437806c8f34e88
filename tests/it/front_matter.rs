//! Front matter in TOML (`+++`, as Hugo and Zola write it) beside YAML (`---`), over the real
//! binary: TOML pages and sections build (native dates, `sort_by`, `[extra]`, CRLF), the same
//! front matter written in either language gives the same site byte for byte, and TOML problems
//! are reported at file:line:col in plain words, like YAML ones.

use crate::support::*;

const CONFIG: &str = "title: \"Front Matter Co\"\nbase_url: \"https://fm.example.com\"\n";

/// One page's settings, written out in either language.
struct Fields<'a> {
    title: &'a str,
    /// A date as TOML writes it natively and YAML as text (both unquoted).
    date: &'a str,
    tags: &'a [&'a str],
    weight: i64,
    extra_color: &'a str,
}

fn yaml(f: &Fields<'_>) -> String {
    format!(
        "---\ntitle: \"{}\"\ndate: {}\ntags: [{}]\nweight: {}\nextra:\n  color: \"{}\"\n---\n",
        f.title,
        f.date,
        f.tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", "),
        f.weight,
        f.extra_color
    )
}

fn toml(f: &Fields<'_>) -> String {
    format!(
        "+++\ntitle = \"{}\"\ndate = {}\ntags = [{}]\nweight = {}\n\n[extra]\ncolor = \"{}\"\n+++\n",
        f.title,
        f.date,
        f.tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", "),
        f.weight,
        f.extra_color
    )
}

const PAGES: &[(&str, Fields<'static>, &str)] = &[
    ("notes/zebra.md", Fields { title: "Zebra crossings", date: "2024-03-15", tags: &["roads"], weight: 1, extra_color: "black" }, "Stripes.\n"),
    (
        "notes/apple.md",
        Fields { title: "Apple trees", date: "2024-03-16T10:00:00Z", tags: &["roads", "fruit"], weight: 2, extra_color: "red" },
        "Fruit.\n\n## Pruning\n\nIn winter.\n",
    ),
    ("notes/mango.md", Fields { title: "Mango season", date: "2024-01-02T03:04:05+02:00", tags: &[], weight: 3, extra_color: "gold" }, "Sweet.\n"),
    ("about.md", Fields { title: "About us", date: "2023-12-31", tags: &[], weight: 0, extra_color: "none" }, "Who we are.\n"),
];

/// A site whose pages and sections are all written in one language.
fn site(name: &str, write: fn(&Fields<'_>) -> String, section: &str) -> Site {
    let site = Site::empty(name);
    site.write("site.yaml", CONFIG);
    site.write("content/_index.md", "---\ntitle: \"Home\"\n---\nWelcome.\n");
    site.write("content/notes/_index.md", section);
    for (rel, fields, body) in PAGES {
        site.write(&format!("content/{rel}"), &format!("{}{body}", write(fields)));
    }
    site
}

#[test]
fn toml_pages_and_sections_build() {
    let site = site("toml-fm", toml, "+++\ntitle = \"Notes\"\nsort_by = \"title\"\n+++\nAll notes.\n");
    // A TOML page with Windows line endings and a byte-order mark.
    site.write("content/notes/crlf.md", "\u{feff}+++\r\ntitle = \"Windows notes\"\r\ndate = 2024-02-01\r\n+++\r\nWritten on Windows.\r\n");
    site.build().ok();
    let list = site.read("notes/index.html");
    let order: Vec<usize> = ["Apple trees", "Mango season", "Windows notes", "Zebra crossings"].iter().map(|t| list.find(t).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "`sort_by = \"title\"` orders the section: {order:?}\n{list}");
    let zebra = site.read("notes/zebra/index.html");
    assert_contains(&zebra, "<h1>Zebra crossings</h1>");
    assert_contains(&zebra, "<time datetime=\"2024-03-15\">March 15, 2024</time>");
    let apple = site.read("notes/apple/index.html");
    assert_contains(&apple, "<time datetime=\"2024-03-16\">March 16, 2024</time>");
    assert_contains(&apple, "id=\"pruning\"");
    assert_contains(&site.read("notes/mango/index.html"), "<time datetime=\"2024-01-02\">");
    assert_contains(&site.read("notes/crlf/index.html"), "Written on Windows.");
    assert_contains(&site.read("tags/roads/index.html"), "Apple trees");
    assert!(site.read("atom.xml").contains("Zebra crossings"));
}

#[test]
fn the_same_front_matter_in_yaml_and_toml_gives_the_same_site() {
    let yaml_site = site("yaml-twin", yaml, "---\ntitle: \"Notes\"\nsort_by: weight\npaginate_by: 2\n---\nAll notes.\n");
    let toml_site = site("toml-twin", toml, "+++\ntitle = \"Notes\"\nsort_by = \"weight\"\npaginate_by = 2\n+++\nAll notes.\n");
    yaml_site.build().ok();
    toml_site.build().ok();
    assert!(yaml_site.exists("notes/page/2/index.html"), "the section is paginated");
    assert_same_tree(&yaml_site.snapshot(), &toml_site.snapshot(), "YAML site vs TOML site");
}

#[test]
fn toml_problems_are_reported_at_their_place() {
    let site = Site::empty("toml-errors");
    site.write("site.yaml", CONFIG);
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("content/typo.md", "+++\ntittle = \"Typo\"\n  draftt = true\n+++\nx\n");
    site.write("content/hugo.md", "+++\ntitle = \"From Hugo\"\nlayout = \"post\"\npublishDate = 2024-01-01\n+++\nx\n");
    site.write("content/syntax.md", "+++\ntitle = \"Syntax\"\ndescription = \"not closed\n+++\nx\n");
    site.write("content/bare.md", "+++\ntitle = Hello world\n+++\nx\n");
    site.write("content/twice.md", "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\nx\n");
    site.write("content/date.md", "+++\ntitle = \"Bad date\"\ndate = 2024-02-30\nupdated = \"2024-13-01\"\n+++\nx\n");
    site.write("content/kind.md", "+++\ntitle = \"Kind\"\ndraft = \"yes\"\n+++\nx\n");
    let run = site.build();
    run.fails().no_panic();
    run.stderr_has("content/typo.md:2:1")
        .stderr_has("unknown key `tittle`")
        .stderr_has("did you mean `title`?")
        .stderr_has("content/typo.md:3:3")
        .stderr_has("unknown key `draftt`")
        .stderr_lacks("has no `title`")
        .stderr_has("content/hugo.md:3:1")
        .stderr_has("unknown key `layout`")
        .stderr_has("folio calls this `template`: write `template = \"page.html\"`")
        .stderr_has("content/hugo.md:4:1")
        .stderr_has("folio calls this `publish_date`: write `publish_date = 2025-03-14`")
        .stderr_has("content/syntax.md:3:")
        .stderr_has("this text is not closed")
        .stderr_has("content/bare.md:2:9")
        .stderr_has("`Hello world` is not a value folio understands: text must be in quotes")
        .stderr_has("content/twice.md:3:1")
        .stderr_has("`title` is written twice")
        .stderr_has("content/date.md:3:8")
        .stderr_has("`date = 2024-02-30` is not a valid date")
        .stderr_has("content/kind.md:3:9")
        .stderr_has("`draft` must be true or false, not the text \"yes\"");
    for jargon in ["TOML parse error", "invalid type", "expected `", "DeTable", "string values must be quoted"] {
        run.stderr_lacks(jargon);
    }
}

#[test]
fn yaml_gets_the_same_hints_for_other_generators_keys() {
    let site = Site::empty("yaml-hints");
    site.write("site.yaml", CONFIG);
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/jekyll.md", "---\ntitle: From Jekyll\nlayout: post\nlast_modified_at: 2024-01-01\npermalink: /old/\nmood: calm\n---\nx\n");
    site.build()
        .fails()
        .stderr_has("content/jekyll.md:3:1")
        .stderr_has("folio calls this `template`: write `template: \"page.html\"`")
        .stderr_has("content/jekyll.md:4:1")
        .stderr_has("folio calls this `updated`")
        .stderr_has("content/jekyll.md:5:1")
        .stderr_has("keep an old address working with `aliases: [\"/old/address/\"]`")
        .stderr_has("content/jekyll.md:6:1")
        .stderr_has("for data of your own, put it under `extra:`");
}

#[test]
fn later_checks_find_keys_in_toml_too() {
    let site = Site::empty("toml-later");
    site.write("site.yaml", CONFIG);
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("content/a.md", "+++\ntitle = \"A\"\n\ntemplate = \"nope.html\"\n+++\nx\n");
    site.write("content/b.md", "+++\ntitle = \"B\"\naliases = [\"/x/\",\n  \"/a/\"]\n+++\nx\n");
    site.build()
        .fails()
        .stderr_has("content/a.md:4:1")
        .stderr_has("template `nope.html` not found")
        .stderr_has("content/b.md:4:4")
        .stderr_has("the alias `/a/`");
}

//! One set of rules for paths on every system (issue 11, item 2), over the real binary: a site
//! that builds on Linux builds on Windows and macOS too. One test per rule: backslashes, CRLF,
//! names differing only in case, names Windows reserves, Unicode NFC, names over 255 bytes.
//! Tests that need two files a case-insensitive or normalising file system cannot hold side by
//! side are skipped, with the reason printed, where the file system folds them (Windows, macOS);
//! names Windows cannot hold at all (reserved names, forbidden characters, `\` in a name) are
//! compiled out there.

use crate::support::*;

fn site() -> Site {
    Site::fixture("build/happy")
}

/// A page at `rel` under content/ with `front` lines in its front matter.
fn page(site: &Site, rel: &str, front: &str) {
    site.write(&format!("content/{rel}"), &format!("---\ntitle: \"A page\"\ndate: 2024-01-01\n{front}\n---\nBody.\n"));
}

/// Whether the file system keeps `a` and `b` (two spellings of one name) as two files; if not,
/// says why the calling test is skipped.
fn holds_both(site: &Site, a: &str, b: &str) -> bool {
    let dir = site.root.join("twin-probe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(a), "a").unwrap();
    std::fs::write(dir.join(b), "b").unwrap();
    let n = std::fs::read_dir(&dir).unwrap().count();
    std::fs::remove_dir_all(&dir).unwrap();
    if n != 2 {
        eprintln!("skipped: this file system keeps {a:?} and {b:?} as one file");
    }
    n == 2
}

/// `build` and `check` fail with every needle in the errors, and nothing is written.
#[track_caller]
fn fails_with(site: &Site, needles: &[&str]) {
    for cmd in ["build", "check"] {
        let r = site.folio(&[cmd]);
        r.fails();
        for n in needles {
            r.stderr_has(n);
        }
        r.stderr_lacks("os error");
    }
    assert!(!site.root.join("public").exists(), "nothing is written");
}

#[test]
fn backslashes_in_internal_links_and_slugs_are_folder_separators() {
    let site = site();
    site.write(
        "content/links.md",
        "---\ntitle: Links\nslug: \"more\\\\links\"\n---\nSee [the first](@/articles\\first.md) and [setup](@/articles\\guides\\setup.md#install).\n",
    );
    site.build().ok();
    let html = site.read("more/links/index.html");
    let links = hrefs(&html);
    assert!(links.iter().any(|h| h.ends_with("/articles/first/")), "{links:?}");
    assert!(links.iter().any(|h| h.ends_with("/articles/guides/setup/#install")), "{links:?}");
}

#[test]
fn crlf_line_endings_work_in_site_yaml_front_matter_and_markdown() {
    let site = site();
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", &config.replace('\n', "\r\n"));
    site.write(
        "content/articles/windows.md",
        "---\r\ntitle: \"Saved on Windows\"\r\ndate: 2024-02-02\r\ntags:\r\n  - crlf\r\n---\r\n# A heading\r\n\r\nA paragraph\r\nwith two lines.\r\n\r\n- one\r\n- two\r\n",
    );
    site.build().ok();
    let html = site.read("articles/windows/index.html");
    assert_contains(&html, "Saved on Windows");
    assert_contains(&html, "id=\"a-heading\"");
    assert_contains(&html, "<li>two</li>");
    assert!(!html.contains("---"), "front matter leaked into the page");
    assert!(site.exists("tags/crlf/index.html"));
    assert_contains(&site.read("index.html"), "Happy Path Co");
}

#[test]
fn two_slugs_differing_only_in_case_are_one_address() {
    let site = site();
    page(&site, "one.md", "slug: Intro");
    page(&site, "two.md", "slug: intro");
    fails_with(&site, &["two pages have the URL /intro/", "content/one.md", "content/two.md"]);
}

#[test]
fn an_alias_differing_from_a_page_only_in_case_is_an_error() {
    let site = site();
    page(&site, "old.md", "aliases: [\"/About/\"]");
    fails_with(
        &site,
        &["the alias `/About/` is the address /About/, which differs only in upper and lower case", "the page content/about.md", "--> content/old.md:4:"],
    );
}

#[test]
fn page_files_differing_only_in_case_are_an_error_naming_both() {
    let site = site();
    if !holds_both(&site, "About.md", "about.md") {
        return;
    }
    page(&site, "About.md", "");
    fails_with(&site, &["two pages have the URL /about/", "content/About.md", "content/about.md"]);
}

/// Two static files `a` and `b` (where the file system holds both) fail the build with `needle`,
/// naming both.
fn static_twins_fail(a: &str, b: &str, needle: &str) {
    let site = site();
    if !holds_both(&site, a, b) {
        return;
    }
    site.write(&format!("static/{a}"), "one");
    site.write(&format!("static/{b}"), "two");
    fails_with(&site, &[needle, &format!("static/{a}"), &format!("static/{b}")]);
}

#[test]
fn static_files_differing_only_in_case_are_an_error_naming_both() {
    static_twins_fail("Logo.png", "logo.png", "upper and lower case");
}

#[test]
fn slugs_folio_makes_from_reserved_names_are_escaped() {
    let site = site();
    page(&site, "device.md", "slug: con\ntags: [nul, Aux]");
    page(&site, "printer.md", "slug: \"old/COM3\"");
    site.build().ok();
    for f in ["con-/index.html", "old/com3-/index.html", "tags/nul-/index.html", "tags/aux-/index.html"] {
        assert!(site.exists(f), "{f} missing");
    }
    assert!(!site.exists("con/index.html"));
}

#[cfg(not(windows))]
#[test]
fn a_page_file_with_a_reserved_name_gets_an_escaped_address() {
    let site = site();
    page(&site, "articles/prn.md", "");
    site.build().ok();
    assert!(site.exists("articles/prn-/index.html"));
}

#[test]
fn reserved_names_and_trailing_dots_in_aliases_are_errors_at_their_line() {
    let site = site();
    page(&site, "moved.md", "aliases:\n  - /old/con.html\n  - \"/notes./\"");
    fails_with(
        &site,
        &[
            "the alias `/old/con.html`",
            "`con.html`",
            "Windows keeps for a device",
            "--> content/moved.md:5:",
            "the alias `/notes./`",
            "ends in a dot or a space",
            "--> content/moved.md:6:",
        ],
    );
}

#[test]
fn characters_windows_forbids_in_aliases_are_errors_at_their_line() {
    let site = site();
    page(&site, "moved.md", "aliases:\n  - \"/old.php?id=3\"\n  - \"/a:b/\"");
    fails_with(
        &site,
        &[
            "the alias `/old.php?id=3`",
            "with the character ?",
            "--> content/moved.md:5:",
            "the alias `/a:b/`",
            "with the character :",
            "--> content/moved.md:6:",
        ],
    );
}

// Windows cannot hold such a file at all.
#[cfg(not(windows))]
#[test]
fn a_static_file_with_a_character_windows_forbids_is_an_error_naming_it() {
    let site = site();
    site.write("static/files/report|2024.pdf", "pdf");
    fails_with(&site, &["static/files/report|2024.pdf", "with the character |", "Windows does not allow", "remove the character"]);
}

#[cfg(not(windows))]
#[test]
fn a_static_file_with_a_reserved_name_is_an_error_naming_it() {
    let site = site();
    site.write("static/downloads/Aux.pdf", "pdf");
    fails_with(&site, &["static/downloads/Aux.pdf", "`Aux.pdf`", "Windows keeps for a device", "rename the file"]);
}

#[test]
fn nfd_and_nfc_page_files_are_one_address_naming_both() {
    let site = site();
    let (nfd, nfc) = ("cafe\u{301}.md", "caf\u{e9}.md");
    if !holds_both(&site, nfd, nfc) {
        return;
    }
    page(&site, nfd, "");
    page(&site, nfc, "");
    fails_with(&site, &["two pages have the URL /cafe/", &format!("content/{nfd}"), &format!("content/{nfc}")]);
}

#[test]
fn an_nfc_slug_and_an_nfd_file_name_are_one_address() {
    let site = site();
    page(&site, "cafe\u{301}.md", "");
    page(&site, "menu.md", "slug: \"caf\u{e9}\"");
    fails_with(&site, &["two pages have the URL /cafe/", "content/cafe\u{301}.md", "content/menu.md"]);
}

#[test]
fn nfd_and_nfc_static_files_are_an_error_naming_both() {
    static_twins_fail("cafe\u{301}.png", "caf\u{e9}.png", "how accents are encoded");
}

#[test]
fn a_slug_longer_than_255_bytes_is_an_error_naming_the_page() {
    let site = site();
    page(&site, "long.md", &format!("slug: \"{}\"", "word-".repeat(60)));
    fails_with(&site, &["content/long.md", "this page's address", "299 bytes", "at most 255 bytes", "shorter `slug:`"]);
}

#[test]
fn an_nfc_link_finds_a_file_saved_with_an_nfd_name() {
    let site = site();
    page(&site, "articles/cafe\u{301}-menu.md", "");
    site.write("content/links.md", "---\ntitle: Links\n---\nSee [the menu](@/articles/caf\u{e9}-menu.md).\n");
    site.build().ok();
    assert!(hrefs(&site.read("links/index.html")).iter().any(|h| h.ends_with("/articles/cafe-menu/")));
}

#[test]
fn a_site_saved_with_crlf_everywhere_builds_the_same_pages() {
    const EPOCH: [(&str, &str); 1] = [("SOURCE_DATE_EPOCH", "1768478400")];
    let lf = Site::fixture("marketing/site");
    let crlf = Site::fixture("marketing/site");
    let sources = tree(&crlf.root);
    let mut converted = 0;
    for (rel, bytes) in &sources {
        if [".md", ".yaml", ".yml"].iter().any(|e| rel.ends_with(e)) && !rel.starts_with("themes/") {
            converted += 1;
            let text = String::from_utf8(bytes.clone()).unwrap();
            crlf.write(rel, &text.replace("\r\n", "\n").replace('\n', "\r\n"));
        }
    }
    assert!(converted >= 10, "site.yaml, pages and YAML data: {converted}");
    lf.folio_env(&["build"], &EPOCH).ok();
    crlf.folio_env(&["build"], &EPOCH).ok();
    let (a, b) = (tree(&lf.root.join("public")), tree(&crlf.root.join("public")));
    assert!(a.len() > 20, "{}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same files");
    for (rel, bytes) in &a {
        if rel.ends_with(".html") {
            let text = |b: &[u8]| String::from_utf8_lossy(b).replace("\r\n", "\n");
            assert_eq!(text(bytes), text(&b[rel]), "{rel}");
        }
    }
}

/// Linux and macOS allow `\` in a file name; Windows reads it as a folder separator, and so does
/// folio everywhere.
#[cfg(not(windows))]
#[test]
fn a_backslash_in_a_content_or_static_file_name_is_a_folder_separator() {
    let site = site();
    page(&site, "articles\\extra.md", "");
    site.write("static/img\\dot.svg", "<svg/>");
    site.build().ok();
    assert!(site.exists("articles/extra/index.html"));
    assert!(site.exists("img/dot.svg"));
    assert_contains(&site.read("articles/index.html"), "/articles/extra/");
}

#[test]
fn a_tag_longer_than_255_bytes_is_an_error_naming_it() {
    let site = site();
    let tag = "long ".repeat(60);
    page(&site, "tagged.md", &format!("tags: [\"{tag}\"]"));
    let r = site.build();
    r.fails().stderr_has("the page of the tag `long long").stderr_has("at most 255 bytes").stderr_has("a tag or category").stderr_lacks("os error");
}

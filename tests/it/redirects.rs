//! Old addresses (issue 13): `_redirects` for the host, made from the same redirects as the
//! meta-refresh pages, and the warning when a build stops publishing an address the previous
//! build published.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet};

/// 2026-01-15 12:00 UTC, when the marketing fixture's `always-on` and `seasonal` banners run.
const JAN_15: &str = "1768478400";

/// The marketing fixture with aliases on a page (a folder and an `.html` one) and on a section.
fn site_with_aliases() -> Site {
    let site = Site::fixture("marketing/site");
    site.write(
        "content/articles/moved.md",
        "---\ntitle: \"Moved\"\ndate: 2025-05-01\naliases: [\"/blog/moved/\", \"/old/moved.html\", \"/caf\u{e9}\"]\n---\nIt moved.\n",
    )
    .write("content/articles/_index.md", "---\ntitle: \"Articles\"\nsort_by: date\naliases:\n  - /blog/\n---\n");
    site
}

/// `_redirects` read as the hosts read it: every rule `from to status`.
fn parse_rules(text: &str) -> Vec<(String, String, u16)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "a rule is `from to status`: {l:?}");
            let status = parts[2].parse().unwrap_or_else(|_| panic!("status of {l:?}"));
            assert!(matches!(status, 301 | 302), "{l:?}");
            (parts[0].to_string(), parts[1].to_string(), status)
        })
        .collect()
}

/// The output file a rule's address is answered from without `_redirects`: `/old/` and `/old`
/// by `old/index.html`, `/old.html` by itself.
fn file_of(from: &str) -> String {
    let last = from.rsplit('/').next().unwrap_or("");
    let path = from.trim_start_matches('/');
    if from.ends_with('/') {
        format!("{path}index.html")
    } else if last.contains('.') {
        path.to_string()
    } else {
        format!("{path}/index.html")
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Every meta-refresh page of the output: its file and where it sends visitors.
fn refresh_pages(site: &Site) -> BTreeMap<String, String> {
    site.html_files()
        .into_iter()
        .filter_map(|(path, html)| {
            let at = html.find("http-equiv=\"refresh\" content=\"0; url=")?;
            let rest = &html[at + "http-equiv=\"refresh\" content=\"0; url=".len()..];
            Some((path, unescape(&rest[..rest.find('"')?])))
        })
        .collect()
}

#[test]
fn redirects_file_matches_the_refresh_pages_one_to_one() {
    let site = site_with_aliases();
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", JAN_15)]).ok();
    let rules = parse_rules(&site.read("_redirects"));
    let froms: BTreeSet<&str> = rules.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(froms.len(), rules.len(), "each address once: {rules:?}");
    let mut sorted = rules.clone();
    sorted.sort();
    assert_eq!(rules, sorted, "sorted, so the same site gives the same bytes");
    for alias in ["/blog/moved/", "/blog/moved", "/old/moved.html", "/blog/", "/blog", "/caf%C3%A9/", "/go/always-on/", "/go/seasonal/"] {
        assert!(froms.contains(alias), "{alias} missing from {froms:?}");
    }
    let pages = refresh_pages(&site);
    for (from, to, status) in &rules {
        if to.starts_with('/') {
            assert_eq!(*status, 301, "{from}");
            assert!(site.exists(&file_of(to)), "{from} → {to}, which the site does not have");
        } else {
            assert!(from.starts_with("/go/") && *status == 302, "{from} {to} {status}");
        }
        let file = percent_decode(&file_of(from));
        assert_eq!(pages.get(&file), Some(to), "{from}: the refresh page {file} sends visitors elsewhere");
    }
    let answered: BTreeSet<String> = rules.iter().map(|r| percent_decode(&file_of(&r.0))).collect();
    let refreshing: BTreeSet<String> = pages.keys().cloned().collect();
    assert_eq!(answered, refreshing, "every refresh page has its rule");
    assert_eq!(rules.iter().find(|r| r.0 == "/blog/moved/").map(|r| r.1.as_str()), Some("/articles/moved/"));
    assert_eq!(rules.iter().find(|r| r.0 == "/blog/").map(|r| r.1.as_str()), Some("/articles/"));

    // Same input, same bytes.
    let first = site.read("_redirects");
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", JAN_15)]).ok();
    assert_eq!(site.read("_redirects"), first);
}

#[test]
fn the_sites_own_redirects_come_first() {
    let site = site_with_aliases();
    site.write("static/_redirects", "# mine\n/api/* https://api.example.com/:splat 200\n/blog/moved/ /elsewhere/ 301");
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", JAN_15)]).ok();
    let text = site.read("_redirects");
    assert!(text.starts_with("# mine\n/api/* https://api.example.com/:splat 200\n/blog/moved/ /elsewhere/ 301\n# Added by folio"), "{text}");
    assert!(text.contains("\n/blog/moved/ /articles/moved/ 301\n"), "{text}");

    // Without aliases or banners, only the user's file is published, as it was.
    let plain = Site::empty("plain-redirects");
    plain
        .write("site.yaml", "title: Plain\nbase_url: https://example.com\n")
        .write("content/_index.md", "---\ntitle: Home\n---\n")
        .write("static/_redirects", "/a /b 301\n");
    plain.build().ok();
    assert_eq!(plain.read("_redirects"), "/a /b 301\n");
}

#[test]
fn a_site_without_redirects_writes_no_redirects_file() {
    let plain = Site::empty("no-redirects");
    plain.write("site.yaml", "title: Plain\nbase_url: https://example.com\n").write("content/_index.md", "---\ntitle: Home\n---\n");
    plain.build().ok();
    assert!(!plain.exists("_redirects"));
}

/// A small site whose article can be renamed between builds.
fn small_site(article_head: &str) -> Site {
    let site = Site::empty("dropped");
    site.write("site.yaml", "title: Dropped\nbase_url: https://example.com\n")
        .write("content/_index.md", "---\ntitle: Home\n---\n")
        .write("content/articles/_index.md", "---\ntitle: Articles\n---\n")
        .write("content/articles/first.md", &format!("---\ntitle: First\ndate: 2025-01-02\n{article_head}---\nBody.\n"))
        .write("content/about.md", "---\ntitle: About\n---\nUs.\n");
    site
}

#[test]
fn a_new_slug_warns_at_the_line_to_add_the_alias_to_until_the_alias_is_there() {
    let site = small_site("");
    site.build().ok().stderr_lacks("warning");
    site.write("content/articles/first.md", "---\ntitle: First\ndate: 2025-01-02\nslug: premier\n---\nBody.\n");
    let run = site.build();
    run.ok()
        .stderr_has("warning: `/articles/first/`, this page's address in the last build, is gone: the page is now at `/articles/premier/`")
        .stderr_has("content/articles/first.md:5:1")
        .stderr_has("add the line `aliases: [\"/articles/first/\"]` above this one");
    assert!(site.exists("articles/premier/index.html"), "a warning does not stop the build");

    // With the alias, the old address is published again (as a redirect): no warning.
    site.write("content/articles/first.md", "---\ntitle: First\ndate: 2025-01-02\nslug: premier\naliases: [\"/articles/first/\"]\n---\nBody.\n");
    site.build().ok().stderr_lacks("warning");
    assert!(site.read("_redirects").contains("/articles/first/ /articles/premier/ 301\n"));
}

#[test]
fn a_deleted_page_and_a_draft_again_are_listed_and_check_says_nothing() {
    let site = small_site("");
    site.build().ok();
    site.remove("content/about.md");
    site.write("content/articles/first.md", "---\ntitle: First\ndate: 2025-01-02\ndraft: true\n---\nBody.\n");
    site.folio(&["check"]).stderr_lacks("is gone").stderr_lacks("are gone");
    site.build().ok().stderr_has("warning: 2 addresses the last build published are gone: `/about/`, `/articles/first/`").stderr_has("aliases: [\"/about/\"]");
    // Said once: the next build compares with this one.
    site.build().ok().stderr_lacks("warning");
}

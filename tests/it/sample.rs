//! The repository's own sample site (the Lanternfish Labs "CTO as a service" site): it builds,
//! every key page exists, `folio check` finds no broken internal link, and the JSON-LD of each
//! page type parses and carries the required properties.

use crate::support::*;
use std::path::Path;

/// 2026-06-01 12:00 UTC, so which sample banners run does not depend on the day the tests run.
const JUNE_2026: &str = "1780315200";

fn sample_built() -> Site {
    let site = Site::sample();
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", JUNE_2026)]).ok().stdout_has("Built ");
    site
}

/// Whether the sample article is published on 2026-06-01: not a draft and not dated later.
fn published(a: &Path) -> bool {
    front_matter_value(a, "draft").as_deref() != Some("true") && front_matter_value(a, "date").is_none_or(|d| d.as_str() <= "2026-06-01")
}

/// `key: value` of a Markdown file's front matter (simple values only), if present.
fn front_matter_value(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let fm = text.strip_prefix("---\n")?.split("\n---").next()?.to_string();
    fm.lines().find_map(|l| l.strip_prefix(&format!("{key}:")).map(|v| v.trim().trim_matches('"').to_string()))
}

/// Content files of the sample in `dir` (relative to content/), `_index.md` excluded.
fn content_files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("content").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext) && !p.ends_with("_index.md"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn sample_site_builds_with_every_key_page() {
    let site = sample_built();
    for file in [
        "index.html",
        "articles/index.html",
        "faq/index.html",
        "pricing/index.html",
        "contact/index.html",
        "contact/thanks/index.html",
        "about/index.html",
        "privacy/index.html",
        "search/index.html",
        "search/data/manifest.json",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "css/site.css",
        "css/syntax.css",
        "tags/index.html",
        "categories/index.html",
    ] {
        assert!(site.exists(file), "missing {file}");
    }
    let articles = content_files("articles", "md");
    assert!(articles.len() >= 8, "the sample has at least 8 articles");
    for a in &articles {
        let slug = front_matter_value(a, "slug").unwrap_or_else(|| stem(a));
        if published(a) {
            assert!(site.exists(&format!("articles/{slug}/index.html")), "article {} not built", a.display());
        } else if front_matter_value(a, "draft").is_none() {
            assert!(!site.exists(&format!("articles/{slug}/index.html")), "article {} is dated after the build date", a.display());
        }
    }
    let topics: Vec<_> = content_files("faq", "md").into_iter().chain(content_files("faq", "yaml")).collect();
    assert!(topics.len() >= 3, "at least 3 FAQ topics");
    let hub = hrefs(&site.read("faq/index.html"));
    for t in &topics {
        let url = format!("/faq/{}/", stem(t));
        assert!(site.exists(&format!("faq/{}/index.html", stem(t))), "FAQ topic {url} not built");
        assert!(hub.contains(&url), "{url} not on the FAQ hub");
    }
    let questions: usize = topics.iter().map(|t| elements(&site.read(&format!("faq/{}/index.html", stem(t))), "<details", "</details>").len()).sum();
    assert!(questions >= 25, "25 or more FAQ questions in all, found {questions}");

    // Banners: at least one partner page, and every banner link on every page leads to one.
    let go: Vec<String> = site.snapshot().into_keys().filter(|k| k.starts_with("go/")).collect();
    assert!(!go.is_empty(), "no /go/<id>/ pages");
    let banners_yaml = std::fs::read_to_string(repo_root().join("content/banners.yaml")).unwrap();
    for g in &go {
        let id = g.trim_start_matches("go/").trim_end_matches("/index.html");
        assert!(banners_yaml.contains(&format!("id: {id}")), "{g} is not a banner in content/banners.yaml");
    }
    for (path, html) in site.html_files() {
        for h in hrefs(&html).into_iter().filter(|h| h.starts_with("/go/")) {
            assert!(site.exists(&format!("{}index.html", h.trim_start_matches('/'))), "{path} links {h}, which does not exist");
        }
    }
}

#[test]
fn sample_site_has_no_broken_internal_links() {
    let site = Site::sample();
    let run = site.folio_env(&["check"], &[("SOURCE_DATE_EPOCH", JUNE_2026)]);
    run.ok().stdout_has("No problems found");
}

#[test]
fn sample_json_ld_of_every_page_type() {
    let site = sample_built();

    let home = site.jsonld("index.html");
    let org = jsonld_of(&home, "Organization");
    assert_eq!(org.len(), 1, "{home:#?}");
    for key in ["name", "url", "logo"] {
        assert!(org[0][key].as_str().is_some_and(|v| !v.is_empty()), "Organization.{key}: {}", org[0]);
    }
    let web = jsonld_of(&home, "WebSite");
    assert_eq!(web.len(), 1);
    for key in ["name", "url"] {
        assert!(web[0][key].as_str().is_some_and(|v| !v.is_empty()), "WebSite.{key}: {}", web[0]);
    }

    let mut articles_seen = 0;
    for a in content_files("articles", "md") {
        if !published(&a) {
            continue;
        }
        let slug = front_matter_value(&a, "slug").unwrap_or_else(|| stem(&a));
        let ld = site.jsonld(&format!("articles/{slug}/index.html"));
        let art = jsonld_of(&ld, "Article");
        assert_eq!(art.len(), 1, "{slug}: {ld:#?}");
        let art = art[0];
        for key in ["headline", "datePublished", "dateModified", "url", "mainEntityOfPage"] {
            assert!(art[key].as_str().is_some_and(|v| !v.is_empty()), "{slug}: Article.{key} missing: {art}");
        }
        assert!(art["headline"].as_str().unwrap().chars().count() <= 110, "{slug}: headline over 110 characters");
        assert!(art["author"]["name"].is_string(), "{slug}: Article.author.name: {art}");
        assert!(art["publisher"]["name"].is_string(), "{slug}: Article.publisher.name: {art}");
        let crumbs = jsonld_of(&ld, "BreadcrumbList");
        assert_eq!(crumbs.len(), 1, "{slug}");
        let items = crumbs[0]["itemListElement"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{slug}: Home › Articles › the article");
        assert_eq!(items[2]["item"], art["url"]);
        articles_seen += 1;
    }
    assert!(articles_seen >= 8);

    for t in content_files("faq", "md").into_iter().chain(content_files("faq", "yaml")) {
        let page = format!("faq/{}/index.html", stem(&t));
        let html = site.read(&page);
        let ld = jsonld(&html);
        let faq = jsonld_of(&ld, "FAQPage");
        assert_eq!(faq.len(), 1, "{page}");
        let entities = faq[0]["mainEntity"].as_array().unwrap();
        assert_eq!(entities.len(), elements(&html, "<details", "</details>").len(), "{page}: one Question per question shown");
        for q in entities {
            assert_eq!(q["@type"], "Question");
            assert!(q["name"].as_str().is_some_and(|n| !n.is_empty()), "{page}: {q}");
            assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
            assert!(q["acceptedAnswer"]["text"].as_str().is_some_and(|a| !a.is_empty()), "{page}: {q}");
        }
    }

    let pricing = site.read("pricing/index.html");
    let ld = jsonld(&pricing);
    let products = jsonld_of(&ld, "Product");
    assert_eq!(products.len(), elements(&pricing, "<article class=\"tier", "</article>").len(), "one Product per tier");
    assert!(products.len() >= 6);
    for p in &products {
        assert!(p["name"].as_str().is_some_and(|n| !n.is_empty()), "{p}");
        let offer = &p["offers"];
        assert_eq!(offer["@type"], "Offer", "{p}");
        if let Some(price) = offer.get("price") {
            assert!(price.as_str().is_some_and(|v| v.parse::<f64>().is_ok()), "Offer.price is a number: {p}");
            assert!(offer["priceCurrency"].as_str().is_some_and(|c| c.len() == 3), "Offer.priceCurrency: {p}");
        }
    }
    assert!(products.iter().filter(|p| p["offers"].get("price").is_some()).count() >= 4, "most tiers have a price");
}

#[test]
fn sample_every_page_below_home_has_parseable_json_ld_with_breadcrumbs() {
    let site = sample_built();
    for (path, html) in site.html_files() {
        let ld = jsonld(&html); // panics with the text if any script is not JSON
        let redirect = html.contains("http-equiv=\"refresh\"");
        if path == "index.html" || path == "404.html" || redirect {
            continue;
        }
        assert_eq!(jsonld_of(&ld, "BreadcrumbList").len(), 1, "{path} has no BreadcrumbList");
    }
}

#[test]
fn sample_pages_have_seo_meta() {
    let site = sample_built();
    for (path, html) in site.html_files() {
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let html = unescape(&html);
        for needle in [
            "<title>",
            "<meta name=\"description\" content=\"",
            "<link rel=\"canonical\" href=\"https://cto.example.com/",
            "<meta property=\"og:title\"",
            "<meta name=\"twitter:card\"",
            "<html lang=\"en\"",
        ] {
            assert!(html.contains(needle), "{path} lacks {needle}");
        }
        assert!(!html.contains("<meta name=\"description\" content=\"\">"), "{path} has an empty description");
    }
}

//! Site search (src/render/search.rs, themes/default/static/js/search.js): the quality of the
//! ranking on the sample site, ranked by the theme's own search.js under node (one ranking, the
//! browser's), and the size of every index file on a large generated site. The browser test of
//! the header box is `serve::browser::the_header_search_box_finds_highlights_and_opens_with_enter`.

use crate::support::{repo_root, Site};
use std::process::Command;

/// Whether node can run here; the quality test needs it (CI installs it: .ci/run).
fn node() -> bool {
    Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The first `limit` URLs search.js gives for each query, and the bytes each query fetched.
fn rank(site: &Site, queries: &[&str], limit: usize) -> Vec<(Vec<String>, u64)> {
    let out = Command::new("node")
        .arg(repo_root().join("tests/search/rank.js"))
        .arg(site.public(""))
        .arg(repo_root().join("themes/default/static/js/search.js"))
        .arg(limit.to_string())
        .args(queries)
        .output()
        .unwrap();
    assert!(out.status.success(), "node: {}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), queries.len());
    lines.iter().map(|l| (l["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect(), l["bytes"].as_u64().unwrap())).collect()
}

#[test]
fn search_ranks_the_right_page_first_on_the_sample_site() {
    if !node() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let site = Site::sample();
    site.build().ok();
    // (query, the URL, the rank it must have at worst): titles, headings deep in articles, FAQ
    // questions, word forms (stemming), a prefix being typed, and capitals.
    let cases: &[(&str, &str, usize)] = &[
        ("cto", "/articles/what-is-cto-as-a-service/", 1),
        ("cio vs cto", "/articles/cio-vs-cto/", 1),
        ("startup cto", "/articles/startup-cto-vs-enterprise-cto/", 1),
        ("security policy", "/articles/security-policy-basics/", 1),
        ("SECURITY Policy", "/articles/security-policy-basics/", 1),
        ("hiring", "/articles/hiring-and-building-a-tech-team/", 1),
        ("four pillars", "/articles/four-pillars-of-an-outsourced-cto/", 1),
        ("technology roadmap", "/articles/it-master-plan-technology-roadmap/", 3),
        ("northwind", "/case-studies/northwind-dental/", 1),
        ("maya okafor", "/authors/maya-okafor/", 1),
        ("privacy", "/privacy/", 1),
        ("dan", "/authors/daniel-reyes/", 1),
        // Headings deep inside articles: the result links to the heading.
        ("password manager", "/articles/security-policy-basics/#a-sample-password-and-access-policy", 1),
        ("onboarding", "/articles/hiring-and-building-a-tech-team/#onboard-on-purpose", 1),
        ("scorecard", "/articles/hiring-and-building-a-tech-team/#interview-with-a-scorecard", 1),
        ("pillar relationships", "/articles/four-pillars-of-an-outsourced-cto/#pillar-4-relationships", 1),
        ("roadmap priorities", "/articles/it-master-plan-technology-roadmap/#step-3-turn-priorities-into-a-roadmap", 1),
        ("keep resources current", "/articles/it-master-plan-technology-roadmap/#step-4-keep-resources-current", 1),
        ("cto salary", "/articles/cto-salary-and-career-outlook/#how-much-does-a-cto-earn", 3),
        ("quick summary", "/articles/cio-vs-cto/#quick-summary", 1),
        // FAQ questions are results of their own.
        ("how much does cto as a service cost", "/faq/working-with-us/#how-much-does-cto-as-a-service-cost", 1),
        ("board of directors", "/faq/cto-and-cio-roles/#can-a-cto-sit-on-the-board-of-directors", 1),
        ("will an outsourced cto write code", "/faq/cto-as-a-service/#will-an-outsourced-cto-write-code", 1),
        ("cheaper than hiring a full time cto", "/faq/cto-as-a-service/#is-it-cheaper-than-hiring-a-full-time-cto", 1),
        ("what does a cio do", "/faq/cto-and-cio-roles/#what-does-a-cio-do", 1),
        ("non technical background", "/faq/cto-and-cio-roles/#can-someone-from-a-non-technical-background-become-a-cto", 1),
        ("what does a cto do", "/articles/what-does-a-cto-do/", 3),
        // A prefix being typed: "pric" reaches "pricing" and "price".
        ("pric", "/faq/working-with-us/#how-much-does-cto-as-a-service-cost", 3),
        // Pricing tiers are results of their own.
        ("ecommerce store", "/pricing/#ecommerce-store", 1),
        ("fractional", "/pricing/#cto-fractional", 3),
    ];
    let queries: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let ranked = rank(&site, &queries, 3);
    let mut failures = Vec::new();
    for ((q, want, at_worst), (urls, _)) in cases.iter().zip(&ranked) {
        match urls.iter().position(|u| u == want) {
            Some(i) if i < *at_worst => {}
            other => failures.push(format!("{q:?}: wanted {want} in the first {at_worst}, got it at {:?}; first: {urls:?}", other.map(|i| i + 1))),
        }
    }
    assert!(failures.is_empty(), "{} of {} queries ranked wrong:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // No result for words that are nowhere, and no error.
    assert!(rank(&site, &["zzyzx"], 3)[0].0.is_empty());
}

/// A site of `pages` articles of generated text: words from a fixed list of syllables, so the
/// vocabulary is large and its prefixes shared, like a real knowledge base's.
fn generated_site(pages: usize) -> Site {
    let site = Site::empty("search-large");
    site.write("site.yaml", "title: Large\nbase_url: https://large.example.com\nlanguage: en\n");
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site.write("content/articles/_index.md", "---\ntitle: Articles\nsort_by: title\n---\n");
    let syllables = ["ka", "ri", "to", "sa", "pri", "cing", "ment", "lo", "ve", "st", "an", "el", "mo", "du", "ber", "qu"];
    let mut seed = 11u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for i in 0..pages {
        let mut word = || (0..1 + next() % 4).map(|_| syllables[next() % syllables.len()]).collect::<String>();
        let mut body = String::new();
        for h in 0..4 {
            body.push_str(&format!("\n## {} {} {h}\n\n", word(), word()));
            for _ in 0..80 {
                body.push_str(&word());
                body.push(' ');
            }
            body.push_str("the pricing strategy of the team.\n");
        }
        site.write(
            &format!("content/articles/a{i}.md"),
            &format!("---\ntitle: \"{} {} {i}\"\ndescription: \"About {}.\"\n---\n{body}", word(), word(), word()),
        );
    }
    site
}

#[test]
fn no_search_file_is_over_100_kb_on_a_2000_page_site() {
    let site = generated_site(2000);
    site.build().ok();
    let dir = site.public("search/data");
    let mut count = 0;
    let mut biggest = (0, String::new());
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        let len = e.metadata().unwrap().len();
        count += 1;
        if len > biggest.0 {
            biggest = (len, e.file_name().to_string_lossy().into_owned());
        }
    }
    assert!(count > 100, "{count} files: the index is cut up");
    assert!(biggest.0 <= 100 * 1024, "{} is {} bytes", biggest.1, biggest.0);
    if node() {
        // A query fetches a small part of the index: the manifest, a fragment a word and the
        // documents of the results shown.
        let total: u64 = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
        for (q, (urls, bytes)) in ["pricing strategy", "k"].iter().zip(rank(&site, &["pricing strategy", "k"], 10)) {
            assert_eq!(urls.len(), 10, "{q}");
            assert!(bytes < total / 10 && bytes < 400 * 1024, "{q}: {bytes} of {total} bytes");
        }
    }
}

#[test]
fn a_file_in_the_search_index_folder_is_an_error_naming_it() {
    let site = Site::empty("search-claim");
    site.write("site.yaml", "title: T\nbase_url: https://t.example.com\n");
    site.write("content/_index.md", "---\ntitle: Home\n---\nHi.\n");
    site.write("static/search/data/manifest.json", "{}");
    site.build().fails().stderr_has("/search/data/manifest.json is inside the folder /search/data/, where folio writes the search index");
}

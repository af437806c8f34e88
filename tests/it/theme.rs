//! The default theme's blocks and fixes (issue 16): what a page shows, from the content in.

use crate::support::*;

/// The addresses of the cards inside the home page's section headed `heading_id`.
fn card_links(html: &str, heading_id: &str) -> Vec<String> {
    let open = format!("<section class=\"home-section\" aria-labelledby=\"{heading_id}\">");
    let section = elements(html, &open, "</section>");
    assert_eq!(section.len(), 1, "no section {heading_id}");
    hrefs(section[0]).into_iter().filter(|h| h != "/articles/").collect()
}

#[test]
fn the_home_pages_latest_articles_leave_out_the_featured_ones() {
    let site = Site::sample();
    site.build().ok();
    let home = site.read("index.html");
    let featured = card_links(&home, "featured-heading");
    let latest = card_links(&home, "latest-heading");
    assert!(!featured.is_empty() && !latest.is_empty(), "{featured:?} {latest:?}");
    let repeated: Vec<&String> = latest.iter().filter(|l| featured.contains(l)).collect();
    assert!(repeated.is_empty(), "latest repeats featured: {repeated:?}");
}

/// A pricing group of four tiers, the second lacking two features.
const FOUR_TIERS: &str = r#"title: "Support plans"
weight: 3
tiers:
  - { id: s-one, name: "One", price: { amount: 10, currency: USD, period: month }, features: [{ name: "Email", value: "Yes" }, { name: "Phone", value: "No" }] }
  - { id: s-two, name: "Two", price: { amount: 20, currency: USD, period: month }, features: [{ name: "Email", value: "Yes" }, { name: "Phone", value: "Not included" }, "Named engineer"] }
  - { id: s-three, name: "Three", price: { amount: 30, currency: USD, period: month }, features: [{ name: "Email", value: "Yes" }, { name: "Phone", value: "Business hours" }] }
  - { id: s-four, name: "Four", price: custom, features: [{ name: "Email", value: "Yes" }, { name: "Phone", value: "Around the clock" }] }
"#;

#[test]
fn a_feature_a_tier_lacks_is_marked_apart_and_four_tiers_never_leave_one_alone() {
    let site = Site::sample();
    site.write("content/pricing/support.yaml", FOUR_TIERS);
    site.build().ok();
    let html = site.read("pricing/index.html");
    let group = elements(&html, "<section class=\"pricing-group\" aria-labelledby=\"group-support\">", "</section>");
    assert_eq!(group.len(), 1, "{html}");
    assert!(group[0].contains("<div class=\"tiers tiers--four\">"), "{}", group[0]);
    let two = elements(group[0], "<article class=\"tier\" id=\"s-two\">", "</article>");
    let items = elements(two[0], "<li", "</li>");
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].starts_with("<li>") && items[0].contains("Email"), "{items:?}");
    assert!(items[1].starts_with("<li class=\"is-excluded\">") && items[1].contains("Not included"), "{items:?}");
    assert!(items[2].starts_with("<li>") && items[2].contains("Named engineer"), "{items:?}");
    // Groups of three keep the grid that fits three in a row.
    assert!(html.contains("<div class=\"tiers\">"), "a three-tier group lost its grid");
    // The sample's own "Not included" features are marked too.
    assert!(html.matches("class=\"is-excluded\"").count() >= 2 + 3, "{html}");
}

/// Every banner of a page: its container element, from `<div class="banner …">` to its end.
fn banners_in(html: &str) -> Vec<&str> {
    elements(html, "<div class=\"banner ", "\n</div>")
}

#[test]
fn a_leaderboard_has_a_banner_for_phones_or_none_never_a_shrunk_one() {
    let site = Site::sample();
    site.build().ok();
    let (mut with_phone, mut without) = (0, 0);
    for (rel, html) in site.html_files() {
        for banner in banners_in(&html) {
            let horizontal = banner.starts_with("<div class=\"banner banner--horizontal");
            let phone = elements(banner, "<a class=\"banner-phone\"", "</a>");
            if !horizontal {
                assert!(phone.is_empty() && !banner.contains("banner--has-phone"), "{rel}: {banner}");
                continue;
            }
            match phone.first() {
                Some(p) => {
                    with_phone += 1;
                    assert!(banner.contains("banner--has-phone"), "{rel}: {banner}");
                    // No wider than a phone: the sample's rectangles are 300×250.
                    assert!(p.contains("width=\"300\" height=\"250\"") && p.contains("rel=\"sponsored noopener\""), "{rel}: {p}");
                }
                None => {
                    without += 1;
                    assert!(!banner.contains("banner--has-phone"), "{rel}: {banner}");
                }
            }
        }
    }
    // Article ends have rectangles to show instead; the footer has only leaderboards, so phones
    // show no footer banner at all.
    assert!(with_phone > 0 && without > 0, "with a phone banner: {with_phone}, without: {without}");
    let css = site.read("css/site.css");
    assert!(
        css.contains(".banner--horizontal:not(.banner--has-phone), .footer-banner:has(.banner--horizontal:not(.banner--has-phone)) { display: none; }"),
        "the theme shows a shrunk leaderboard"
    );
}

#[test]
fn an_introduction_sits_beside_the_title_on_wide_screens() {
    let site = Site::sample();
    site.build().ok();
    // A section with an introduction: title and lead, then the introduction, in one split block.
    let pricing = site.read("pricing/index.html");
    let intro = elements(&pricing, "<div class=\"page-intro page-intro--split\">", "\n  </div>\n");
    assert_eq!(intro.len(), 1, "{pricing}");
    let header = intro[0].find("<header class=\"page-header\">").unwrap();
    let prose = intro[0].find("<div class=\"prose\">").unwrap();
    assert!(header < prose && intro[0].contains("<h1>Pricing</h1>"), "{}", intro[0]);
    // A section without one keeps its header alone.
    site.write("content/pricing/_index.md", "---\ntitle: \"Pricing\"\n---\n");
    site.build().ok();
    let bare = site.read("pricing/index.html");
    assert!(bare.contains("<div class=\"page-intro\">") && !bare.contains("page-intro--split"), "{bare}");
    let css = site.read("css/site.css");
    assert!(css.contains(".page-intro--split { display: grid;") && css.contains(".intro:has(> :nth-child(2)) { display: grid;"), "no wide layout");
}

#[test]
fn a_site_restyles_the_theme_from_site_yaml_and_its_own_stylesheet() {
    let site = Site::sample();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}style:\n  accent: \"#7c3aed\"\n  accent_dark: \"#c4b5fd\"\n  font: \"Georgia, serif\"\n  radius: 2px\n  ground: \"#2e1065\"\n"),
    );
    site.write("static/css/custom.css", ".hero { text-align: center; }\n");
    site.build().ok();
    let home = site.read("index.html");
    let head = &home[..home.find("</head>").unwrap()];
    let theme_css = head.find("<link rel=\"stylesheet\" href=\"/css/site.css\">").unwrap();
    let tokens = head.find("<style>:root{--font:Georgia, serif;").expect("the tokens are written into the head");
    let custom = head.find("<link rel=\"stylesheet\" href=\"/css/custom.css\">").expect("the site's stylesheet is linked");
    assert!(theme_css < tokens && tokens < custom, "the theme's stylesheet, then the tokens, then the site's own, last");
    assert!(
        head.contains("--font:Georgia, serif;")
            && head.contains("--navy:#2e1065;")
            && head.contains("@media (prefers-color-scheme: dark){:root{--accent:#c4b5fd;"),
        "{head}"
    );
    assert_eq!(site.read("css/custom.css"), ".hero { text-align: center; }\n");
    // The footer's colours follow the tokens too.
    let css = site.read("css/site.css");
    assert!(css.contains(".site-footer {") && css.contains("background: var(--footer-bg);"), "the footer ignores the tokens");

    // Without the site's stylesheet, no link to it; a faint accent is an error at its line.
    site.remove("static/css/custom.css");
    site.write("site.yaml", &format!("{yaml}style:\n  accent: \"#ffd54f\"\n"));
    let line = yaml.lines().count() + 2;
    site.build()
        .fails()
        .stderr_has(&format!("site.yaml:{line}:3"))
        .stderr_has("accent colour #ffd54f is too faint on the theme's light backgrounds (#eaf2f8 the darkest): contrast 1.2:1");
    site.write("site.yaml", &yaml);
    site.build().ok();
    assert!(!site.read("index.html").contains("/css/custom.css"), "a link to a stylesheet the site does not have");
}

#[test]
fn a_static_file_that_replaces_one_of_the_themes_is_a_warning_and_an_icon_is_not() {
    let site = Site::sample();
    site.write("static/css/site.css", "body { color: red; }\n");
    site.build()
        .ok()
        .stderr_has("warning: static/css/site.css replaces the default theme's css/site.css, which is not published")
        .stderr_has("static/css/custom.css");
    // The sample's own favicon.svg replaces the theme's without a word.
    site.remove("static/css/site.css");
    site.build().ok().stderr_lacks("replaces the default theme");
}

#[test]
fn the_organisations_logo_stands_for_the_name_in_the_header_unless_a_mark_is_set() {
    let site = Site::sample();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.build().ok();
    assert!(site
        .read("index.html")
        .contains("<a class=\"brand\" href=\"/\"><img src=\"/favicon.svg\" alt=\"\" width=\"34\" height=\"34\"><span>Lanternfish Labs</span></a>"));
    site.write("site.yaml", &yaml.replace("  brand_mark: \"/favicon.svg\"\n", ""));
    site.build().ok();
    assert!(
        site.read("index.html")
            .contains("<a class=\"brand\" href=\"/\"><img class=\"brand-logo\" src=\"/images/logo.svg\" alt=\"Lanternfish Labs\" height=\"40\"></a>"),
        "{}",
        site.read("index.html")
    );
}

#[test]
fn a_new_site_comes_with_its_tokens_its_own_stylesheet_and_icon() {
    let parent = Site::empty("init-brand");
    parent.folio(&["init", "brand"]).ok();
    let root = parent.root.join("brand");
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    for token in ["style:", "  accent: \"#0a5a85\"", "  accent_dark:", "  ground:", "  font:", "  heading_font:", "  radius: 12px", "organisation:"] {
        assert!(yaml.contains(token), "site.yaml lacks {token}:\n{yaml}");
    }
    let icon = std::fs::read_to_string(root.join("static/favicon.svg")).unwrap();
    assert!(icon.contains(">M</text>"), "{icon}");
    // It builds without a warning (its icon replaces the theme's as icons may), and every page
    // loads the site's stylesheet after the tokens.
    parent.folio(&["build", "--root", "brand"]).ok().stderr_lacks("warning");
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(home.contains("{:root{--accent:#0a5a85;") && home.contains("<link rel=\"stylesheet\" href=\"/css/custom.css\">"), "{home}");
    // Rebranding is changing a value.
    std::fs::write(root.join("site.yaml"), yaml.replace("accent: \"#0a5a85\"", "accent: \"#b42318\"")).unwrap();
    parent.folio(&["build", "--root", "brand"]).ok();
    assert!(std::fs::read_to_string(root.join("public/index.html")).unwrap().contains("--accent:#b42318;"));
}

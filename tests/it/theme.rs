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

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

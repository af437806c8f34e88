//! Content blocks (issue 16): testimonials and client logos from their YAML files, the team
//! (pages with a `profile:`) with author pages and bylines, case studies (pages with a
//! `case_study:`), the FAQ sidebar with previous/next between topics, and the 404 page. Content
//! in, markup out; a wrong block is an error (or a warning) at its file, line and column.

use crate::support::*;

#[test]
fn the_home_page_shows_client_logos_case_studies_and_testimonials_from_the_content() {
    let site = Site::sample();
    site.build().ok();
    let home = site.read("index.html");
    let band = elements(&home, "<section class=\"clients-band\"", "</section>");
    assert_eq!(band.len(), 1, "no client logos on the home page");
    assert!(band[0].contains("<h2 class=\"clients-title\" id=\"clients-heading\">Trusted by growing businesses</h2>"), "{}", band[0]);
    let logos = elements(band[0], "<img ", ">");
    assert_eq!(logos.len(), 6, "{logos:?}");
    // Each logo in a box of one size (no layout shift), named for people who cannot see it.
    assert!(logos[1].contains("src=\"/images/clients/bramble-and-oak.svg\" alt=\"Bramble &amp; Oak\" width=\"160\" height=\"48\""), "{}", logos[1]);

    let cases = elements(&home, "<section class=\"home-section\" aria-labelledby=\"cases-heading\">", "</section>");
    assert_eq!(cases.len(), 1);
    let cards = elements(cases[0], "<article class=\"card case-card\">", "</article>");
    assert_eq!(cards.len(), 3);
    // Newest first, with the client and the figures.
    assert!(cards[0].contains("href=\"/case-studies/northwind-dental/\"") && cards[0].contains("Northwind Dental Group · Healthcare"), "{}", cards[0]);
    assert!(cards[1].contains("<div><dt>lower monthly cloud bill</dt><dd>38%</dd></div>"), "{}", cards[1]);

    let quotes = elements(&home, "<figure class=\"testimonial\">", "</figure>");
    assert_eq!(quotes.len(), 3);
    assert!(quotes[0].contains("<blockquote><p>Maya found out in six weeks"), "{}", quotes[0]);
    assert!(quotes[0].contains("<strong>Grace Whitfield</strong> <span>Chief operating officer, Harbourline Freight</span>"), "{}", quotes[0]);
    // Without a photo, the initials stand in (hidden from screen readers: the name follows).
    assert!(quotes[0].contains("<span class=\"avatar avatar--initials\" aria-hidden=\"true\">GW</span>"), "{}", quotes[0]);
}

#[test]
fn the_blocks_are_shortcodes_too() {
    let site = Site::sample();
    site.build().ok();
    let about = site.read("about/index.html");
    let team = elements(&about, "<div class=\"team\">", "</div>\n</div>");
    assert_eq!(team.len(), 1, "{about}");
    let people = elements(team[0], "<article class=\"person\">", "</article>");
    let names: Vec<String> = people.iter().map(|p| text_of(elements(p, "<h3 class=\"person-name\">", "</h3>")[0])).collect();
    assert_eq!(names, ["Maya Okafor", "Daniel Reyes", "Priya Nair", "Tomás Lindqvist"], "by weight");
    assert!(people[0].contains("<a href=\"/authors/maya-okafor/\">Maya Okafor</a>"), "{}", people[0]);
    assert!(people[0].contains("<p class=\"person-role\">Founder and principal CTO</p>"), "{}", people[0]);
    // The portrait is a responsive picture, sized for the card.
    assert!(people[0].contains("<picture><source type=\"image/webp\"") && people[0].contains("sizes=\"9rem\""), "{}", people[0]);
    assert!(people[0].contains("alt=\"Portrait of Maya Okafor, illustrated"), "{}", people[0]);
    // clients(title="") leaves the title out; testimonials(limit=2) shows two.
    let clients = elements(&about, "<div class=\"clients-block\">", "</div>");
    assert_eq!(clients.len(), 1);
    assert!(!clients[0].contains("clients-title") && clients[0].matches("<img ").count() == 6, "{}", clients[0]);
    assert_eq!(about.matches("<figure class=\"testimonial\">").count(), 2);
    // And case_studies() in any page.
    site.write("content/work.md", "---\ntitle: Work\n---\n\nSome of it:\n\n{{ case_studies(limit=1) }}\n");
    site.build().ok();
    assert_eq!(site.read("work/index.html").matches("<article class=\"card case-card\">").count(), 1);
}

#[test]
fn team_members_get_author_pages_and_articles_link_to_them() {
    let site = Site::sample();
    site.build().ok();
    let page = site.read("authors/maya-okafor/index.html");
    assert!(page.contains("<h1>Maya Okafor</h1>"), "{page}");
    assert!(page.contains("<p class=\"profile-role\">Founder and principal CTO</p>"), "{page}");
    assert!(page.contains("<a href=\"mailto:maya@cto.example.com\">maya@cto.example.com</a>"), "{page}");
    assert!(page.contains("<a href=\"https://www.linkedin.example/in/maya-okafor\" rel=\"me noopener\">LinkedIn</a>"), "{page}");
    // The portrait at the top is fetched first.
    let portrait = elements(&page, "<div class=\"profile-photo-frame\">", "</div>");
    assert!(portrait[0].contains("fetchpriority=\"high\"") && portrait[0].contains("class=\"profile-photo\""), "{}", portrait[0]);
    // Her articles, newest first — the ones with `author: "Maya Okafor"`, and a case study.
    let articles = elements(&page, "<section class=\"related\" aria-labelledby=\"authored-heading\">", "</section>");
    assert_eq!(articles.len(), 1, "{page}");
    assert!(articles[0].contains("<h2 id=\"authored-heading\">Articles by Maya Okafor</h2>"));
    let links: Vec<String> = hrefs(articles[0]).into_iter().filter(|h| h.starts_with("/articles/") || h.starts_with("/case-studies/")).collect();
    assert_eq!(
        links,
        [
            "/articles/it-master-plan-technology-roadmap/",
            "/case-studies/harbourline-freight/",
            "/articles/four-pillars-of-an-outsourced-cto/",
            "/articles/what-is-cto-as-a-service/",
            "/articles/what-does-a-cto-do/"
        ]
    );
    // Structured data: a ProfilePage about a Person who works for the organisation.
    let ld = site.jsonld("authors/maya-okafor/index.html");
    let profile = jsonld_of(&ld, "ProfilePage");
    assert_eq!(profile.len(), 1, "{ld:?}");
    assert_eq!(profile[0]["mainEntity"]["jobTitle"], "Founder and principal CTO");
    assert_eq!(profile[0]["mainEntity"]["sameAs"][0], "https://www.linkedin.example/in/maya-okafor");
    // The article's byline links to her page, with her portrait, and its Article names her page.
    let article = site.read("articles/what-is-cto-as-a-service/index.html");
    let byline = elements(&article, "<a class=\"byline\"", "</a>");
    assert_eq!(byline.len(), 1, "{article}");
    assert!(byline[0].contains("href=\"/authors/maya-okafor/\" rel=\"author\"") && byline[0].contains("class=\"byline-photo\""), "{}", byline[0]);
    assert!(byline[0].contains("</picture>By Maya Okafor</a>"), "{}", byline[0]);
    let ld = site.jsonld("articles/what-is-cto-as-a-service/index.html");
    assert_eq!(jsonld_of(&ld, "Article")[0]["author"]["url"], "https://cto.example.com/authors/maya-okafor/");
    // The team's list page shows team cards.
    let team = site.read("authors/index.html");
    assert_eq!(team.matches("<article class=\"person\">").count(), 4, "{team}");
    // Its social card is the portrait.
    assert!(page.contains("<meta property=\"og:image\" content=\"https://cto.example.com/images/team/maya-okafor-1200w.jpg\">"), "{page}");
}

#[test]
fn an_author_nobody_on_the_team_is_named_is_a_warning_at_the_line() {
    let site = Site::sample();
    site.write("content/articles/guest.md", "---\ntitle: \"A guest post\"\ndate: 2025-01-02\nauthor: \"Maya Okafr\"\n---\n\nHello.\n");
    let run = site.build();
    run.ok();
    run.stderr_has("warning: `author: Maya Okafr` names nobody on the team, so the byline links to no author page")
        .stderr_has("content/articles/guest.md:4:1")
        .stderr_has("did you mean `Maya Okafor`?");
    // The byline is the plain name.
    let html = site.read("articles/guest/index.html");
    assert!(html.contains("By Maya Okafr ·") && !html.contains("class=\"byline\""), "{html}");
    // A site without team pages has no such warning.
    let plain = Site::empty("no-team");
    plain.write("site.yaml", "title: T\nbase_url: https://example.com\n");
    plain.write("content/articles/_index.md", "---\ntitle: Articles\n---\n");
    plain.write("content/articles/a.md", "---\ntitle: A\ndate: 2025-01-02\nauthor: \"Somebody Else\"\n---\nText.\n");
    plain.build().ok().stderr_lacks("names nobody");
}

#[test]
fn a_wrong_profile_or_case_study_is_an_error_at_its_line() {
    let site = Site::sample();
    site.write("content/authors/new-person.md", "---\ntitle: \"New Person\"\nprofile:\n  roll: \"Designer\"\n---\nBio.\n");
    site.write(
        "content/authors/ada.md",
        "---\ntitle: \"Ada\"\nprofile:\n  photo_alt: \"Ada\"\n  email: \"ada at example\"\n  links:\n    - { name: \"Site\", url: \"ada.example\" }\n---\nBio.\n",
    );
    site.write("content/authors/bo.md", "---\ntitle: \"Bo\"\nprofile:\n  role: \"Designer\"\n  photo: \"/images/team/bo.jpg\"\n---\nBio.\n");
    site.write(
        "content/case-studies/wrong.md",
        "---\ntitle: \"Wrong\"\ndate: 2025-01-01\ncase_study:\n  client: \"\"\n  results:\n    - { value: \"1\", label: \"a\" }\n    - { value: \"2\", label: \"b\" }\n    - { value: \"3\", label: \"c\" }\n    - { value: \"4\", label: \"d\" }\n---\nText.\n",
    );
    let run = site.build();
    run.fails();
    run.stderr_has("content/authors/new-person.md:4:3")
        .stderr_has("did you mean `role`")
        .stderr_has("content/authors/bo.md:5:3")
        .stderr_has("image `/images/team/bo.jpg` leads nowhere")
        .stderr_has("content/authors/ada.md:5:11")
        .stderr_has("`ada at example` is not an email address")
        .stderr_has("content/authors/ada.md:7:29")
        .stderr_has("profile link `ada.example` is not an address")
        .stderr_has("content/case-studies/wrong.md:5:3")
        .stderr_has("the case study's `client` is empty")
        .stderr_has("content/case-studies/wrong.md:10:17")
        .stderr_has("a case study shows at most 3 results; this one has 4");
    assert!(!site.exists("index.html"), "nothing is written when a block is wrong");
}

#[test]
fn a_wrong_testimonial_or_client_is_an_error_at_its_line() {
    let site = Site::sample();
    site.write("content/testimonials.yaml", "testimonials:\n  - quote: \"Great.\"\n    name: \"A\"\n  - quote: \"\"\n    name: \"B\"\n    compnay: \"C\"\n");
    site.write("content/clients.yaml", "clients:\n  - name: \"North\"\n    logo: \"/images/clients/north.svg\"\n");
    let run = site.build();
    run.fails();
    run.stderr_has("content/testimonials.yaml:6:5").stderr_has("did you mean `company`");
    run.stderr_has("content/clients.yaml:3:5").stderr_has("logo `/images/clients/north.svg` not found");
    // With the unknown key fixed, the empty quote is reported at its line.
    site.write("content/testimonials.yaml", "testimonials:\n  - quote: \"Great.\"\n    name: \"A\"\n  - quote: \"\"\n    name: \"B\"\n");
    site.build().fails().stderr_has("content/testimonials.yaml:4:5").stderr_has("testimonial 2 has an empty `quote`");
}

#[test]
fn a_block_the_site_has_no_content_for_is_an_error_saying_where_it_comes_from() {
    let site = Site::empty("no-blocks");
    site.write("site.yaml", "title: T\nbase_url: https://example.com\n");
    site.write("content/page.md", "---\ntitle: P\n---\n\n{{ team() }}\n\n{{ testimonials() }}\n");
    let run = site.build();
    run.fails();
    run.stderr_has("content/page.md:5:1").stderr_has("the site has no team members").stderr_has("a page with a `profile:`");
    run.stderr_has("content/page.md:7:1").stderr_has("the site has no testimonials").stderr_has("content/testimonials.yaml");
}

#[test]
fn case_studies_show_their_results_on_their_page_and_in_lists() {
    let site = Site::sample();
    site.build().ok();
    let page = site.read("case-studies/bramble-and-oak/index.html");
    assert!(page.contains("<p class=\"eyebrow\">Case study · Bramble &amp; Oak · Retail</p>"), "{page}");
    let results = elements(&page, "<dl class=\"results results--page\">", "</dl>");
    assert_eq!(results.len(), 1, "{page}");
    assert_eq!(results[0].matches("<dt>").count(), 3);
    let list = site.read("case-studies/index.html");
    assert_eq!(list.matches("<article class=\"card case-card\">").count(), 3, "{list}");
}

#[test]
fn faq_topics_have_a_sidebar_of_topics_and_previous_next_between_them() {
    let site = Site::sample();
    site.build().ok();
    let hub = site.read("faq/index.html");
    let order: Vec<String> = hrefs(&hub).into_iter().filter(|h| h.starts_with("/faq/") && h.len() > 5 && h.ends_with('/')).fold(Vec::new(), |mut v, h| {
        if !v.contains(&h) {
            v.push(h);
        }
        v
    });
    assert_eq!(order.len(), 3, "{order:?}");
    for (i, url) in order.iter().enumerate() {
        let html = site.read(&format!("{}index.html", &url[1..]));
        let side = elements(&html, "<nav class=\"faq-topics\"", "</nav>");
        assert_eq!(side.len(), 1, "{url}");
        assert!(side[0].contains(&format!("<a href=\"{url}\" aria-current=\"page\">")), "{url}: {}", side[0]);
        // Every other topic is linked; the page's own questions are listed under it.
        for other in order.iter().filter(|o| *o != url) {
            assert!(side[0].contains(&format!("<a href=\"{other}\">")), "{url}: {}", side[0]);
        }
        assert!(side[0].contains("<ul class=\"faq-topics-questions\"><li><a href=\"#"), "{}", side[0]);
        let nav = elements(&html, "<nav class=\"prev-next\" aria-label=\"More FAQ topics\">", "</nav>");
        let prev = nav.first().map(|n| hrefs(elements(n, "<a rel=\"prev\"", "</a>").first().copied().unwrap_or("")));
        let next = nav.first().map(|n| hrefs(elements(n, "<a rel=\"next\"", "</a>").first().copied().unwrap_or("")));
        let expect_prev: Vec<String> = i.checked_sub(1).map(|p| order[p].clone()).into_iter().collect();
        let expect_next: Vec<String> = order.get(i + 1).cloned().into_iter().collect();
        assert_eq!(prev.unwrap_or_default(), expect_prev, "{url}");
        assert_eq!(next.unwrap_or_default(), expect_next, "{url}");
    }
}

#[test]
fn the_404_page_offers_a_search_popular_pages_and_the_sections() {
    let site = Site::sample();
    site.build().ok();
    let html = site.read("404.html");
    assert!(html.contains("<form class=\"search-form\" action=\"/search/\" method=\"get\" role=\"search\">"), "{html}");
    assert!(html.contains("name=\"q\" type=\"search\""), "{html}");
    assert!(html.contains("<script src=\"/js/not-found.js\" defer></script>"));
    assert!(site.exists("js/not-found.js"));
    let popular = elements(&html, "<section class=\"home-section\" aria-labelledby=\"popular-heading\">", "</section>");
    assert_eq!(popular.len(), 1, "{html}");
    let cards: Vec<String> = hrefs(popular[0]);
    assert_eq!(cards.len(), 6, "{cards:?}");
    // The featured articles first.
    assert_eq!(cards[0], "/articles/four-pillars-of-an-outsourced-cto/");
    let nav = elements(&html, "<nav class=\"not-found-sections\"", "</nav>");
    assert!(nav[0].contains("<a href=\"/case-studies/\">Case studies</a>") && nav[0].contains("<a href=\"/\">Home page</a>"), "{}", nav[0]);
    // Hosts answer it with status 404, which keeps it out of search indexes; not in the sitemap.
    assert!(!site.read("sitemap.xml").contains("404.html"), "the 404 page is in the sitemap");
}

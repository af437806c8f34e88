//! Marketing content (issue 3): FAQ topics, pricing tiers, affiliate banners, shortcodes, the
//! contact form, their JSON-LD, and each validation error. The fixture is
//! fixtures/marketing/site/; its build date is pinned with SOURCE_DATE_EPOCH because banners are
//! scheduled against it.

use crate::support::*;

/// 2026-01-15 12:00 UTC: `seasonal` (January 2026) is running, `expired-deal` (2020) has ended
/// and `future-deal` (2099) has not started.
const JAN_15: &str = "1768478400";
/// 2026-03-01 12:00 UTC: `seasonal` has ended.
const MAR_01: &str = "1772366400";

fn build_on(site: &Site, epoch: &str) -> Run {
    site.folio_env(&["build"], &[("SOURCE_DATE_EPOCH", epoch)])
}

fn built() -> Site {
    let site = Site::fixture("marketing/site");
    build_on(&site, JAN_15).ok();
    site
}

// ---------------------------------------------------------------------------------------------
// FAQ

#[test]
fn faq_hub_lists_every_topic_with_its_question_count() {
    let site = built();
    let hub = site.read("faq/index.html");
    assert_contains(&hub, "<h1>Questions and answers</h1>");
    assert_contains(&hub, "<p>Pick a topic.</p>");
    assert_contains(&hub, "3 questions");
    assert_contains(&hub, "2 questions");
    let links = hrefs(&hub);
    let billing = links.iter().position(|l| l == "/faq/billing/").expect("billing topic linked");
    let support = links.iter().position(|l| l == "/faq/support/").expect("support topic linked");
    assert!(billing < support, "topics in weight order");
    for q in ["/faq/billing/#how-do-i-pay", "/faq/billing/#can-i-get-a-refund", "/faq/billing/#how-do-i-pay-1", "/faq/support/#who-answers-support-requests"] {
        assert!(links.contains(&q.to_string()), "{q} not on the hub: {links:?}");
    }
    assert_contains(&site.read("sitemap.xml"), "<loc>https://market.example.com/faq/billing/</loc>");
}

#[test]
fn faq_topic_from_markdown_is_an_accordion_with_an_anchor_per_question() {
    let site = built();
    let page = site.read("faq/billing/index.html");
    let items = elements(&page, "<details", "</details>");
    assert_eq!(items.len(), 3, "one <details> per `## ` heading");
    let ids: Vec<String> = items.iter().map(|d| attr_values(d, "id")[0].clone()).collect();
    assert_eq!(ids, ["how-do-i-pay", "can-i-get-a-refund", "how-do-i-pay-1"], "unique, linkable anchors");
    for d in &items {
        assert_eq!(elements(d, "<summary>", "</summary>").len(), 1, "question in a <summary>: {d}");
    }
    assert_contains(items[0], "How do I pay?</h2></summary>");
    assert_contains(items[0], "By bank transfer or <strong>card</strong>.");
    // `@/faq/support.yaml#…` resolves to the topic page and question anchor.
    assert!(hrefs(items[1]).contains(&"/faq/support/#who-answers-support-requests".to_string()));
}

#[test]
fn faq_topic_from_yaml_renders_markdown_answers() {
    let site = built();
    let page = site.read("faq/support/index.html");
    let items = elements(&page, "<details", "</details>");
    assert_eq!(items.len(), 2);
    assert_contains(items[0], "id=\"who-answers-support-requests\"");
    assert_contains(items[0], "Our engineers, in <em>person</em>.");
    assert_contains(items[1], "Within one working day.");
}

#[test]
fn faq_pages_carry_faqpage_json_ld() {
    let site = built();
    let ld = site.jsonld("faq/billing/index.html");
    let faq = jsonld_of(&ld, "FAQPage");
    assert_eq!(faq.len(), 1, "{ld:#?}");
    let entities = faq[0]["mainEntity"].as_array().expect("mainEntity list");
    assert_eq!(entities.len(), 3);
    for q in entities {
        assert_eq!(q["@type"], "Question");
        assert!(q["name"].as_str().is_some_and(|n| n.ends_with('?')), "{q}");
        assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
        assert!(q["acceptedAnswer"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{q}");
    }
    assert_eq!(entities[0]["name"], "How do I pay?");
    assert!(entities[0]["acceptedAnswer"]["text"].as_str().unwrap().contains("bank transfer"));
    let crumbs = jsonld_of(&ld, "BreadcrumbList");
    assert_eq!(crumbs.len(), 1);
    assert_eq!(crumbs[0]["itemListElement"][2]["item"], "https://market.example.com/faq/billing/");
}

#[test]
fn faq_shortcode_embeds_a_limited_number_of_questions() {
    let site = built();
    let page = site.read("articles/with-banners/index.html");
    let embedded = elements(&page, "<section class=\"embedded-faq\"", "</section>");
    assert_eq!(embedded.len(), 1);
    assert_eq!(elements(embedded[0], "<details", "</details>").len(), 2, "limit=2");
    assert!(hrefs(embedded[0]).contains(&"/faq/billing/".to_string()));
}

// ---------------------------------------------------------------------------------------------
// Pricing

#[test]
fn pricing_page_shows_cards_prices_and_calls_to_action() {
    let site = built();
    let page = site.read("pricing/index.html");
    assert_contains(&page, "<h1>Plans and prices</h1>");
    let cards = elements(&page, "<article class=\"tier", "</article>");
    assert_eq!(cards.len(), 5, "one card per tier");
    let card = |id: &str| *cards.iter().find(|c| c.contains(&format!("id=\"{id}\""))).unwrap_or_else(|| panic!("no card {id}"));

    // Highlighted tier stands out, with its badge.
    assert!(card("growth").starts_with("<article class=\"tier tier--highlighted\""), "{}", card("growth"));
    assert_contains(card("growth"), "Best value");
    assert!(!card("starter").contains("tier--highlighted"));
    assert_eq!(cards.iter().filter(|c| c.contains("tier--highlighted")).count(), 1);

    // Prices formatted per currency; custom prices say so.
    assert_contains(card("starter"), "€49");
    assert_contains(&unescape(card("starter")), "/month");
    assert_contains(card("growth"), "$1,290.50");
    assert_contains(card("audit"), "£900");
    assert_contains(card("workshop"), "¥120,000");
    assert_contains(card("enterprise"), "Custom");

    // Calls to action go to the contact form with the plan named.
    for id in ["starter", "growth", "enterprise", "audit", "workshop"] {
        assert!(hrefs(card(id)).contains(&format!("/contact/?plan={id}")), "{id}: {:?}", hrefs(card(id)));
    }
    assert_contains(card("growth"), "Grow with us");

    // Tiers in weight order within a group.
    let order: Vec<usize> = ["starter", "growth", "enterprise"].iter().map(|id| page.find(&format!("id=\"{id}\"")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "weight order");
}

#[test]
fn pricing_comparison_table_only_when_tiers_share_feature_names() {
    let site = built();
    let page = site.read("pricing/index.html");
    let tables = elements(&page, "<table class=\"comparison\">", "</table>");
    assert_eq!(tables.len(), 1, "plans share `Seats`/`Support`; add-ons share nothing");
    let t = tables[0];
    assert!(text_of(elements(t, "<caption", "</caption>")[0]).contains("Service plans"), "a caption names the group: {t}");
    let rows: Vec<Vec<String>> = elements(t, "<tr>", "</tr>").iter().map(|r| cells(r)).collect();
    assert_eq!(rows[0], ["Feature", "Starter", "Growth", "Enterprise"]);
    assert_eq!(rows[1], ["Seats", "3", "25", "Unlimited"]);
    assert_eq!(rows[2], ["Support", "Email", "Phone", "—"]);
    assert_eq!(rows.len(), 3, "only named features are compared");
    assert_eq!(elements(t, "<th scope=\"col\"", "</th>").len(), 4, "column headers are scoped");
    assert_eq!(elements(t, "<th scope=\"row\"", "</th>").len(), 2, "row headers are scoped");
}

#[test]
fn pricing_page_carries_product_and_offer_json_ld() {
    let site = built();
    let ld = site.jsonld("pricing/index.html");
    let products = jsonld_of(&ld, "Product");
    assert_eq!(products.len(), 5, "{ld:#?}");
    for p in &products {
        assert!(p["name"].as_str().is_some_and(|n| !n.is_empty()), "{p}");
        assert!(p["description"].is_string(), "{p}");
        assert_eq!(p["offers"]["@type"], "Offer", "{p}");
        assert!(p["offers"]["url"].as_str().is_some_and(|u| u.starts_with("https://market.example.com/pricing/#")), "{p}");
    }
    let by_name = |n: &str| *products.iter().find(|p| p["name"] == n).unwrap();
    assert_eq!(by_name("Starter")["offers"]["price"], "49.00");
    assert_eq!(by_name("Starter")["offers"]["priceCurrency"], "EUR");
    assert_eq!(by_name("Growth")["offers"]["price"], "1290.50");
    assert_eq!(by_name("Growth")["offers"]["priceCurrency"], "USD");
    assert_eq!(by_name("Security audit")["offers"]["priceCurrency"], "GBP");
    assert!(by_name("Enterprise")["offers"].get("price").is_none(), "a custom price has no number");
}

#[test]
fn pricing_shortcode_embeds_a_group() {
    let site = built();
    let page = site.read("articles/with-banners/index.html");
    let embedded = elements(&page, "<div class=\"embedded-pricing\">", "</section>");
    assert_eq!(embedded.len(), 1);
    assert_eq!(elements(embedded[0], "<article class=\"tier", "</article>").len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Banners

#[test]
fn banners_are_disclosed_sponsored_sized_and_lazy() {
    let site = built();
    let page = site.read("articles/with-banners/index.html");
    let banners = elements(&page, "<div class=\"banner", "</div>");
    assert!(banners.len() >= 3, "in-article, article-end and sidebar: {banners:#?}");
    for b in &banners {
        assert_contains(b, "<span class=\"banner-label\">Advertisement</span>");
        let links = elements(b, "<a ", ">");
        assert_eq!(links.len(), 1, "{b}");
        assert_contains(links[0], "rel=\"sponsored noopener\"");
        let href = &hrefs(links[0])[0];
        assert!(href.starts_with("/go/") && href.ends_with('/'), "banner links go through /go/<id>/: {href}");
        let img = elements(b, "<img ", ">")[0];
        assert_contains(img, "loading=\"lazy\"");
        let (w, h) = (&attr_values(img, "width")[0], &attr_values(img, "height")[0]);
        assert!(w.parse::<u32>().is_ok() && h.parse::<u32>().is_ok(), "width and height reserve space: {img}");
        assert!(!attr_values(img, "alt")[0].is_empty());
    }
    let rect = banners.iter().find(|b| b.contains("/go&#x2F;always-on") || unescape(b).contains("/go/always-on/")).expect("always-on shown");
    assert_contains(&unescape(rect), "width=\"300\" height=\"250\"");
}

#[test]
fn go_pages_redirect_with_utm_parameters_and_are_not_indexed() {
    let site = built();
    let go = unescape(&site.read("go/always-on/index.html"));
    let target = "https://always.example/offer?ref=folio&utm_source=markettest&utm_medium=banner&utm_campaign=always-campaign&utm_content=rect";
    assert_contains(&go, "<meta name=\"robots\" content=\"noindex\">");
    assert_contains(&go, &format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">"));
    assert_contains(&go, &format!("href=\"{target}\" rel=\"sponsored noopener\""));
    // Site-wide UTM defaults fill what the banner does not set.
    let seasonal = unescape(&site.read("go/seasonal/index.html"));
    assert_contains(&seasonal, "https://seasonal.example/?utm_source=markettest&utm_medium=banner&utm_campaign=site-default");
    assert!(!site.read("sitemap.xml").contains("/go/"), "redirects are not in the sitemap");
    assert_contains(&site.read("robots.txt"), "Disallow: /go/");
}

#[test]
fn expired_and_future_banners_never_appear() {
    let site = built();
    assert!(!site.exists("go/expired-deal/index.html") && !site.exists("go/future-deal/index.html"));
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        for gone in ["expired-deal", "expired.example", "future-deal", "future.example", "wide.svg\" alt"] {
            assert!(!text.contains(gone), "{gone} appears in {path}");
        }
    }
    build_on(&site, JAN_15).ok().stdout_has("2 banners");
}

#[test]
fn banner_schedule_follows_the_build_date() {
    let site = built();
    assert!(site.exists("go/seasonal/index.html"), "seasonal runs in January");
    build_on(&site, MAR_01).ok().stdout_has("1 banner,");
    assert!(!site.exists("go/seasonal/index.html"), "seasonal ended in January");
    for (path, text) in site.html_files() {
        assert!(!text.contains("seasonal"), "an ended banner appears in {path}");
    }
}

#[test]
fn banners_false_turns_banners_off_for_a_page() {
    let site = built();
    for page in ["articles/no-banners/index.html", "contact/index.html"] {
        let html = site.read(page);
        assert!(!html.contains("class=\"banner"), "{page} shows a banner");
        assert!(!html.contains("sponsored"), "{page} has a sponsored link");
    }
    assert!(site.read("articles/with-banners/index.html").contains("class=\"banner"), "other pages keep theirs");
}

#[test]
fn banner_choice_is_weighted_and_deterministic() {
    let site = Site::fixture("marketing/site");
    site.write(
        "content/banners.yaml",
        "banners:\n  - { id: heavy, partner: Heavy, href: \"https://heavy.example/\", image: /banners/sky.svg, alt: Heavy, size: skyscraper, placements: [sidebar], weight: 9 }\n  - { id: light, partner: Light, href: \"https://light.example/\", image: /banners/sky.svg, alt: Light, size: skyscraper, placements: [sidebar], weight: 1 }\n",
    );
    for i in 0..60 {
        site.write(&format!("content/articles/gen-{i:02}.md"), &format!("---\ntitle: \"Generated {i}\"\ndate: 2025-01-01\n---\nBody {i}.\n"));
    }
    build_on(&site, JAN_15).ok();
    let choices = || -> Vec<&'static str> {
        (0..60)
            .map(|i| {
                let html = unescape(&site.read(&format!("articles/gen-{i:02}/index.html")));
                let sidebar = elements(&html, "<aside class=\"sidebar\"", "</aside>");
                assert_eq!(sidebar.len(), 1, "gen-{i:02} has a sidebar banner");
                match (sidebar[0].contains("/go/heavy/"), sidebar[0].contains("/go/light/")) {
                    (true, false) => "heavy",
                    (false, true) => "light",
                    other => panic!("gen-{i:02}: {other:?}"),
                }
            })
            .collect()
    };
    let first = choices();
    let heavy = first.iter().filter(|c| **c == "heavy").count();
    assert!(heavy >= 45, "weight 9 of 10 should win about 54 of 60 pages, won {heavy}");
    assert!(heavy < 60, "weight 1 of 10 should win a few of 60 pages, won {}", 60 - heavy);
    // Same input, same output: rebuild, and rebuild on another day while both banners run.
    build_on(&site, JAN_15).ok();
    assert_eq!(choices(), first);
    build_on(&site, MAR_01).ok();
    assert_eq!(choices(), first);
}

#[test]
fn banner_shortcode_places_a_banner_inside_an_article() {
    let site = built();
    let html = site.read("articles/with-banners/index.html");
    let prose = elements(&html, "<div class=\"prose\">", "<p class=\"tags\">")[0];
    assert!(prose.contains("<div class=\"banner"), "in-article banner inside the article body");
}

// ---------------------------------------------------------------------------------------------
// Shortcodes

#[test]
fn built_in_and_site_shortcodes_render() {
    let site = built();
    let html = site.read("articles/with-banners/index.html");
    let cta = elements(&html, "<p class=\"cta\">", "</p>");
    assert_eq!(cta.len(), 1);
    assert_eq!(hrefs(cta[0]), ["/contact/"]);
    assert_contains(cta[0], ">Book a call</a>");
    // From the site's templates/shortcodes/note.html, with its arguments.
    assert_contains(&unescape(&html), "<aside class=\"note note--tip\"><p>Notes come from the site's templates/shortcodes/ folder.</p></aside>");
}

#[test]
fn shortcodes_inside_code_stay_text() {
    let site = built();
    let html = unescape(&site.read("articles/with-banners/index.html"));
    assert_contains(&html, "<code>{{ cta(text=\"inline\", href=\"/inline/\") }}</code>");
    assert_contains(&html, "{{ cta(text=\"fenced\", href=\"/fenced/\") }}");
    let links: Vec<String> = elements(&html, "<a ", ">").iter().flat_map(|a| hrefs(a)).collect();
    assert!(!links.iter().any(|h| h == "/inline/" || h == "/fenced/"), "a shortcode in code was expanded: {links:?}");
}

#[test]
fn unknown_shortcode_is_an_error_listing_the_valid_names() {
    let (_site, run) = break_with("unknown-shortcode");
    run.stderr_has("error: unknown shortcode `nope`")
        .stderr_has("  --> content/articles/shortcodes.md:7:1")
        .stderr_has("banner, case_studies, clients, cta, faq, figure, note, price, pricing, team, testimonials");
}

#[test]
fn unknown_shortcode_argument_is_an_error() {
    let (_site, run) = break_with("unknown-shortcode-argument");
    run.stderr_has("error: shortcode `cta` has no argument `colour`")
        .stderr_has("  --> content/articles/shortcodes.md:7:1")
        .stderr_has("`cta` takes: text, href, style");
}

// ---------------------------------------------------------------------------------------------
// Contact form

#[test]
fn contact_form_is_labelled_autocompleted_and_has_a_hidden_honeypot() {
    let site = built();
    let html = site.read("contact/index.html");
    let forms = page_forms(&html);
    assert_eq!(forms.len(), 1);
    let form = forms[0];
    let open = elements(form, "<form", ">")[0];
    assert_eq!(attr_values(open, "action"), ["https://forms.example.com/lead"], "posts to contact.action");
    assert_eq!(attr_values(open, "method"), ["post"]);

    // Every visible control has a label pointing at it.
    let label_for = attr_values(form, "for");
    let controls: Vec<&str> = [elements(form, "<input", ">"), elements(form, "<textarea", ">"), elements(form, "<select", ">")].concat();
    for c in &controls {
        let id = &attr_values(c, "id")[0];
        assert!(label_for.contains(id), "control #{id} has no <label for>: {c}");
    }
    let control =
        |name: &str| *controls.iter().find(|c| attr_values(c, "name").first().is_some_and(|n| n == name)).unwrap_or_else(|| panic!("no field {name}"));
    assert_eq!(attr_values(control("name"), "autocomplete"), ["name"]);
    assert_eq!(attr_values(control("email"), "autocomplete"), ["email"]);
    assert_eq!(attr_values(control("email"), "type"), ["email"]);
    assert_eq!(attr_values(control("company"), "autocomplete"), ["organization"]);
    // contact.fields renames `message` to what the custom endpoint expects.
    for required in ["name", "email", "body"] {
        assert!(control(required).contains(" required"), "{required} is required");
    }
    // The plan selector lists every tier.
    let options = attr_values(elements(form, "<select", "</select>")[0], "value");
    for id in ["starter", "growth", "enterprise", "audit", "workshop"] {
        assert!(options.contains(&id.to_string()), "plan {id} missing: {options:?}");
    }

    // The honeypot is hidden from screen readers, out of the tab order and styled away.
    let hp_input = control("website");
    assert_eq!(attr_values(hp_input, "tabindex"), ["-1"]);
    assert_eq!(attr_values(hp_input, "autocomplete"), ["off"]);
    let hp_wrap_start = form[..form.find(hp_input).unwrap()].rfind("<div").unwrap();
    let hp_wrap = elements(&form[hp_wrap_start..], "<div", ">")[0];
    assert_contains(hp_wrap, "aria-hidden=\"true\"");
    let class = &attr_values(hp_wrap, "class")[0];
    let css = site.read("css/site.css");
    let rule = css.find(&format!(".{class} {{")).map(|i| &css[i..i + css[i..].find('}').unwrap()]).expect("honeypot class styled");
    assert!(rule.contains("display: none") || rule.contains("-10000px") || rule.contains("clip"), "honeypot not hidden: {rule}");
}

// ---------------------------------------------------------------------------------------------
// JSON-LD of the other page types of the fixture

#[test]
fn home_and_article_json_ld() {
    let site = built();
    let home = site.jsonld("index.html");
    let org = jsonld_of(&home, "Organization");
    assert_eq!(org.len(), 1, "{home:#?}");
    assert_eq!(org[0]["name"], "Market Test Co");
    assert_eq!(org[0]["url"], "https://market.example.com");
    assert_eq!(org[0]["logo"], "https://market.example.com/banners/logo.svg");
    let web = jsonld_of(&home, "WebSite");
    assert_eq!(web.len(), 1);
    assert_eq!(web[0]["url"], "https://market.example.com/");
    assert_eq!(web[0]["name"], "Market Test Co");

    let art = site.jsonld("articles/with-banners/index.html");
    let a = jsonld_of(&art, "Article");
    assert_eq!(a.len(), 1, "{art:#?}");
    assert_eq!(a[0]["headline"], "An article with banners");
    assert_eq!(a[0]["datePublished"], "2025-06-01T00:00:00Z");
    assert_eq!(a[0]["author"]["name"], "Grace Hopper");
    assert_eq!(a[0]["publisher"]["name"], "Market Test Co");
    assert_eq!(a[0]["mainEntityOfPage"], "https://market.example.com/articles/with-banners/");
    let crumbs = jsonld_of(&art, "BreadcrumbList");
    assert_eq!(crumbs.len(), 1);
    let items = crumbs[0]["itemListElement"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Home", "Articles", "An article with banners"]);
    for (n, i) in items.iter().enumerate() {
        assert_eq!(i["position"], n + 1);
        assert!(i["item"].as_str().unwrap().starts_with("https://market.example.com/"));
    }
}

// ---------------------------------------------------------------------------------------------
// Validation errors (item 7): each with file:line, exit 1, the previous output intact.

/// Builds the good fixture, breaks it with fixtures/marketing/<case>/, rebuilds, and checks
/// nothing in public/ changed.
fn break_with(case: &str) -> (Site, Run) {
    let site = built();
    let before = site.snapshot();
    site.overlay(&format!("marketing/{case}"));
    let run = build_on(&site, JAN_15);
    run.fails().no_panic();
    assert_same_tree(&before, &site.snapshot(), &format!("public/ after the failed build of {case}"));
    (site, run)
}

#[test]
fn tier_without_a_price() {
    let (_s, run) = break_with("tier-without-price");
    run.stderr_has("error: tier `priceless` has no price").stderr_has("  --> content/pricing/noprice.yaml:3:").stderr_has("price: custom");
}

#[test]
fn pricing_group_without_tiers() {
    let (_s, run) = break_with("group-without-tiers");
    run.stderr_has("error: pricing group `An empty group` has no tiers").stderr_has("  --> content/pricing/empty.yaml:3:1");
}

#[test]
fn banner_that_ends_before_it_starts() {
    let (_s, run) = break_with("banner-ends-before-start");
    run.stderr_has("error: banner `ok-banner` ends (2026-01-01) before it starts (2026-05-01)").stderr_has("  --> content/banners.yaml:10:5");
}

#[test]
fn banner_with_a_missing_image() {
    let (_s, run) = break_with("missing-banner-image");
    run.stderr_has("error: banner image `/banners/missing.svg` not found").stderr_has("  --> content/banners.yaml:5:5").stderr_has("static/");
}

#[test]
fn banner_with_an_unknown_placement() {
    let (_s, run) = break_with("unknown-placement");
    run.stderr_has("error: unknown placement `sidebr` on banner `ok-banner`")
        .stderr_has("  --> content/banners.yaml:8:5")
        .stderr_has("did you mean `sidebar`?");
}

#[test]
fn duplicate_banner_ids() {
    let (_s, run) = break_with("duplicate-banner-ids");
    run.stderr_has("error: banner id `ok-banner` is used twice").stderr_has("  --> content/banners.yaml:");
}

#[test]
fn duplicate_banner_id_points_at_the_second_banner() {
    let (_s, run) = break_with("duplicate-banner-ids");
    run.stderr_has("  --> content/banners.yaml:9:");
}

#[test]
fn faq_markdown_file_without_questions() {
    let (_s, run) = break_with("faq-without-questions");
    run.stderr_has("error: FAQ topic `No questions yet` has no questions").stderr_has("  --> content/faq/empty.md").stderr_has("`## Question?`");
}

#[test]
fn faq_yaml_file_without_questions() {
    let (_s, run) = break_with("faq-yaml-without-questions");
    run.stderr_has("error: FAQ topic `No questions yet` has no questions").stderr_has("  --> content/faq/empty.yaml");
}

#[test]
fn faq_without_questions_has_a_line() {
    let (_s, run) = break_with("faq-yaml-without-questions");
    run.stderr_has("  --> content/faq/empty.yaml:2:1");
    let (_s, run) = break_with("faq-without-questions");
    run.stderr_has("  --> content/faq/empty.md:4:");
}

#[test]
fn duplicate_tier_ids_across_groups() {
    let (_s, run) = break_with("duplicate-tier-ids");
    run.stderr_has("error: `id: starter` is used twice: first at content/pricing/plans.yaml:5").stderr_has("content/pricing/more.yaml");
}

#[test]
fn duplicate_tier_id_has_a_line() {
    let (_s, run) = break_with("duplicate-tier-ids");
    run.stderr_has("  --> content/pricing/more.yaml:7:");
}

#[test]
fn all_validation_errors_are_reported_together() {
    let (_s, run) = break_with("all-validation-errors");
    for (message, location) in [
        ("tier `priceless` has no price", "content/pricing/noprice.yaml:3:"),
        ("pricing group `An empty group` has no tiers", "content/pricing/empty.yaml:3:1"),
        ("FAQ topic `No questions yet` has no questions", "content/faq/empty.md"),
        ("banner `backwards` ends (2026-01-01) before it starts (2026-05-01)", "content/banners.yaml:10:5"),
        ("banner image `/banners/missing.svg` not found", "content/banners.yaml:14:5"),
        ("unknown placement `header` on banner `bad-place`", "content/banners.yaml:24:5"),
        ("banner id `twice` is used twice", "content/banners.yaml:"),
    ] {
        run.stderr_has(&format!("error: {message}")).stderr_has(&format!("  --> {location}"));
    }
    assert_eq!(run.error_count(), 7, "{}", run.stderr());
    run.stderr_has("7 errors found");
}

// ---------------------------------------------------------------------------------------------
// Prices written once (issue 12): `price(…)` in templates, Markdown and front matter

#[test]
fn home_page_hero_price_follows_the_pricing_yaml() {
    let site = Site::sample();
    site.build().ok();
    assert_contains(&site.read("index.html"), "<li>Retainers from $1,800/month</li>");
    let yaml = site.root.join("content/pricing/cto-retainers.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    site.write("content/pricing/cto-retainers.yaml", &text.replace("amount: 1800,", "amount: 2150,"));
    site.build().ok();
    let home = site.read("index.html");
    assert_contains(&home, "<li>Retainers from $2,150/month</li>");
    assert!(!home.contains("$1,800"), "the old price is gone from the home page");
}

#[test]
fn price_shortcode_renders_inline_in_an_article() {
    let site = built();
    site.write(
        "content/articles/prices.md",
        "---\ntitle: Prices\n---\nStarter costs {{ price(tier=\"starter\") }}; plans start at {{ price(lowest_in=\"plans\") }}.\n",
    );
    build_on(&site, JAN_15).ok();
    assert_contains(&site.read("articles/prices/index.html"), "<p>Starter costs €49/month; plans start at €49/month.</p>");
}

#[test]
fn price_of_an_unknown_tier_is_an_error_with_a_suggestion() {
    let site = built();
    site.write("content/articles/prices.md", "---\ntitle: Prices\n---\nIntro.\n\nStarter costs {{ price(tier=\"startr\") }}.\n");
    build_on(&site, JAN_15)
        .fails()
        .stderr_has("error: no pricing tier `startr`")
        .stderr_has("  --> content/articles/prices.md:6:15")
        .stderr_has("did you mean `starter`?");
}

#[test]
fn price_in_front_matter_of_an_unknown_group_is_an_error_at_its_line() {
    let site = Site::sample();
    let home = std::fs::read_to_string(site.root.join("content/_index.md")).unwrap();
    site.write("content/_index.md", &home.replace("lowest_in='cto-retainers'", "lowest_in='cto-retainer'"));
    site.build()
        .fails()
        .no_panic()
        .stderr_has("error: no pricing group `cto-retainer`")
        .stderr_has("  --> content/_index.md:14:23")
        .stderr_has("did you mean `cto-retainers`?");
}

#[test]
fn price_template_function_and_its_errors() {
    let site = built();
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}<p class=\"p\">{{ price(tier=\"starter\") }}</p>{% endblock main %}");
    build_on(&site, JAN_15).ok();
    assert_contains(&site.read("404.html"), "<p class=\"p\">€49/month</p>");
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}\n{{ price(tier=\"startr\") }}{% endblock main %}");
    build_on(&site, JAN_15).fails().no_panic().stderr_has("no pricing tier `startr` (did you mean `starter`?").stderr_has("  --> templates/404.html:2:4");
}

//! Responsive images (issue 15): every raster image is published at the configured widths below
//! its own, in its format and as WebP; pages show them as `<picture>` with `srcset`, `sizes`,
//! `width`/`height`; copies are made once (the cache) and damaged images are errors at the line
//! that uses them. Fixture `tests/fixtures/images`: a 2600×1300 JPEG hero, a 1000×750 JPEG, a
//! 600×300 PNG with transparency and a 300×200 JPEG whose EXIF orientation turns it upright
//! (shown 200×300).

use crate::support::{attr_values, elements, Site};
use std::path::Path;

fn built() -> Site {
    let site = Site::fixture("images");
    site.build().ok();
    site
}

fn dimensions(site: &Site, rel: &str) -> (u32, u32, image::ImageFormat, bool) {
    let bytes = std::fs::read(site.public(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let format = image::guess_format(&bytes).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    (img.width(), img.height(), format, img.color().has_alpha())
}

#[test]
fn every_raster_image_gets_copies_at_each_width_below_its_own_in_its_format_and_webp() {
    let site = built();
    use image::ImageFormat::{Jpeg, Png, WebP};
    for (w, h) in [(480, 240), (800, 400), (1200, 600), (1600, 800), (2400, 1200)] {
        assert_eq!(dimensions(&site, &format!("images/hero-{w}w.jpg")), (w, h, Jpeg, false));
        assert_eq!(dimensions(&site, &format!("images/hero-{w}w.webp")), (w, h, WebP, false));
    }
    // Never larger than the original: no 2600 copy (above the largest width), and a 1000-pixel
    // image stops at its own width.
    assert!(!site.exists("images/hero-2600w.jpg"));
    assert_eq!(dimensions(&site, "images/team-1000w.jpg"), (1000, 750, Jpeg, false));
    assert!(!site.exists("images/team-1200w.jpg"));
    // Transparency kept in PNG and WebP.
    assert_eq!(dimensions(&site, "images/logo-480w.png"), (480, 240, Png, true));
    assert_eq!(dimensions(&site, "images/logo-480w.webp"), (480, 240, WebP, true));
    // The original is published as it is.
    assert_eq!(std::fs::read(site.public("images/hero.jpg")).unwrap(), std::fs::read(site.root.join("static/images/hero.jpg")).unwrap());
}

#[test]
fn a_photo_taken_upright_is_upright_and_copies_carry_no_metadata() {
    let site = built();
    // Stored 300×200 with EXIF orientation 6 (turn 90°): shown 200×300.
    assert_eq!(dimensions(&site, "images/rotated-200w.jpg").0, 200);
    assert_eq!(dimensions(&site, "images/rotated-200w.jpg").1, 300);
    let original = std::fs::read(site.root.join("static/images/rotated.jpg")).unwrap();
    assert!(original.windows(4).any(|w| w == b"Exif"), "the fixture has EXIF");
    for copy in ["images/rotated-200w.jpg", "images/rotated-200w.webp"] {
        let bytes = std::fs::read(site.public(copy)).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{copy} carries EXIF (camera, location)");
    }
    let html = site.read("articles/photos/index.html");
    let img = elements(&html, "<img", ">").into_iter().find(|i| i.contains("rotated-200w.jpg")).unwrap();
    assert!(img.contains("width=\"200\" height=\"300\""), "{img}");
}

#[test]
fn markdown_images_become_pictures_with_srcset_sizes_and_dimensions() {
    let site = built();
    let html = site.read("articles/photos/index.html");
    let pictures = elements(&html, "<picture>", "</picture>");
    // The hero (front matter `image:`), three Markdown images and the figure.
    assert_eq!(pictures.len(), 5, "{html}");
    let team = pictures.iter().find(|p| p.contains("The team around a table")).unwrap();
    assert!(
        team.contains(r#"<source type="image/webp" srcset="/images/team-480w.webp 480w, /images/team-800w.webp 800w, /images/team-1000w.webp 1000w" sizes="#),
        "{team}"
    );
    assert!(
        team.contains(r#"src="/images/team-1000w.jpg" srcset="/images/team-480w.jpg 480w, /images/team-800w.jpg 800w, /images/team-1000w.jpg 1000w""#),
        "{team}"
    );
    assert!(team.contains(r#"width="1000" height="750""#) && team.contains(r#"title="At the office""#), "{team}");
    // Every image has its dimensions; only the hero (the page's first large image) is fetched
    // first, the others lazily.
    let imgs: Vec<&str> = pictures.iter().flat_map(|p| elements(p, "<img", ">")).collect();
    assert!(imgs.iter().all(|i| i.contains(" width=\"") && i.contains(" height=\"")), "{imgs:?}");
    let eager: Vec<&&str> = imgs.iter().filter(|i| i.contains("fetchpriority=\"high\"")).collect();
    assert_eq!(eager.len(), 1, "{eager:?}");
    assert!(eager[0].contains("hero-1200w.jpg") && !eager[0].contains("loading="), "{eager:?}");
    assert_eq!(imgs.iter().filter(|i| i.contains("loading=\"lazy\"")).count(), 4);
    // A relative image leads where the original does.
    assert!(html.contains(r#"srcset="../../images/rotated-200w.webp 200w""#), "{html}");
    // The WebP and JPEG sets name files that exist.
    for set in attr_values(&html, "srcset") {
        for part in set.split(", ") {
            let url = part.split(' ').next().unwrap();
            let file = folio::url::link_file("/articles/photos/", url);
            assert!(site.exists(&file), "{url} → {file} is not published");
        }
    }
}

#[test]
fn without_a_hero_the_first_image_before_any_heading_is_fetched_first() {
    let site = Site::fixture("images");
    site.write(
        "content/articles/photos.md",
        "---\ntitle: \"Photos\"\ndate: 2024-05-01\n---\n![The team](/images/team.jpg)\n\n## Later\n\n![Logo](/images/logo.png)\n",
    );
    site.build().ok();
    let html = site.read("articles/photos/index.html");
    let imgs = elements(&html, "<img", ">");
    assert!(imgs[0].contains("team-1000w.jpg") && imgs[0].contains("fetchpriority=\"high\""), "{imgs:?}");
    assert!(imgs[1].contains("loading=\"lazy\""), "{imgs:?}");
}

#[test]
fn the_figure_shortcode_shows_a_picture_with_its_caption() {
    let site = built();
    let html = site.read("articles/photos/index.html");
    let figure = elements(&html, "<figure class=\"figure portrait\">", "</figure>");
    assert_eq!(figure.len(), 1, "{html}");
    assert!(figure[0].contains("<picture>") && figure[0].contains("sizes=\"10rem\""), "{}", figure[0]);
    assert!(figure[0].contains("<figcaption>The team, on a Friday</figcaption>"), "{}", figure[0]);
    // A figure of a file the site does not have is an error at its line.
    site.write("content/articles/plain.md", "---\ntitle: \"Plain\"\ndate: 2024-04-01\n---\nText.\n\n{{ figure(src=\"/images/nope.jpg\", alt=\"x\") }}\n");
    site.build().fails().stderr_has("content/articles/plain.md:7:1").stderr_has("image `/images/nope.jpg` leads nowhere");
    // And one of a damaged file, like a Markdown image's.
    site.write_bytes("static/images/broken.png", b"not a PNG at all");
    site.write("content/articles/plain.md", "---\ntitle: \"Plain\"\ndate: 2024-04-01\n---\nText.\n\n{{ figure(src=\"/images/broken.png\", alt=\"x\") }}\n");
    site.build()
        .fails()
        .stderr_has("content/articles/plain.md:7:1")
        .stderr_has("image `/images/broken.png` cannot be used: it is not a PNG image")
        .stderr_lacks("cannot be published");
    std::fs::remove_file(site.root.join("static/images/broken.png")).unwrap();
    // And so is one without alt text (alt="" marks a decorative image).
    site.write("content/articles/plain.md", "---\ntitle: \"Plain\"\ndate: 2024-04-01\n---\n{{ figure(src=\"/images/team.jpg\") }}\n");
    site.build().fails().stderr_has("needs the argument `alt`");
}

/// Every file of the cache (in its folders by key), with its modification time.
fn cache_files(root: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(root.join(".folio/cache/images"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_second_build_encodes_nothing_and_an_edited_image_only_its_own_copies() {
    let site = built();
    let first = cache_files(&site.root);
    assert_eq!(first.len(), 10 + 6 + 4 + 2 + 2, "hero, team, logo, rotated, two social cards: {first:?}");
    std::fs::remove_dir_all(site.root.join("public")).unwrap();
    site.build().ok();
    assert_eq!(cache_files(&site.root), first, "the second build wrote to the cache");
    assert!(site.exists("images/hero-800w.webp"), "copies come from the cache into a fresh output folder");
    // A changed image: its copies are made again (new keys), the others are left alone.
    let logo = image::RgbaImage::from_pixel(300, 300, image::Rgba([0, 0, 200, 128]));
    logo.save(site.root.join("static/images/logo.png")).unwrap();
    site.build().ok();
    let after = cache_files(&site.root);
    let new: Vec<_> = after.iter().filter(|f| !first.contains(f)).collect();
    assert_eq!(new.len(), 2, "one 300-pixel PNG and one WebP: {new:?}");
    assert_eq!(dimensions(&site, "images/logo-300w.png").0, 300);
    assert!(!site.exists("images/logo-480w.png"), "the old copies are gone from the site");
}

#[test]
fn a_damaged_image_is_an_error_at_each_line_that_uses_it_and_nothing_is_written() {
    let site = built();
    let before = site.snapshot();
    // Not an image at all, under an image's name, used by a Markdown image.
    site.write_bytes("static/images/team.jpg", b"this is not a JPEG");
    // A PNG cut in half: its header is fine, its pixels are not (found when decoding).
    let logo = std::fs::read(site.root.join("static/images/logo.png")).unwrap();
    let noisy = image::RgbaImage::from_fn(400, 400, |x, y| image::Rgba([((x * 7) ^ (y * 13)) as u8, (x * y) as u8, (y * 3) as u8, 255]));
    noisy.save(site.root.join("static/images/logo.png")).unwrap();
    let whole = std::fs::read(site.root.join("static/images/logo.png")).unwrap();
    assert!(whole.len() > logo.len());
    site.write_bytes("static/images/logo.png", &whole[..whole.len() / 2]);
    // One nobody uses.
    site.write_bytes("static/images/unused.webp", b"RIFF\x00\x00\x00\x00WEBPjunk");
    // An FAQ answer that shows the damaged PNG: the error is at the answer's line too.
    site.write(
        "content/faq/brand.yaml",
        "title: \"Brand\"\nquestions:\n  - question: \"What is our logo?\"\n    answer: |\n      This one:\n\n      ![The logo](/images/logo.png)\n",
    );
    let run = site.build();
    run.fails()
        .stderr_has("content/faq/brand.yaml:7:7")
        .stderr_has("content/articles/photos.md:9:1")
        .stderr_has("image `/images/team.jpg` cannot be used: it is not a JPEG image")
        .stderr_has("content/articles/photos.md:13:1")
        .stderr_has("image `/images/logo.png` cannot be used: it is a damaged PNG image")
        .stderr_has("static/images/unused.webp")
        .stderr_has("export it again as JPEG, PNG or WebP");
    assert_eq!(site.snapshot(), before, "a failed build changed the output folder");
    // The damaged PNG is remembered by the cache: the next run says the same without decoding.
    let errors: Vec<_> = cache_files(&site.root).into_iter().filter(|(n, _)| n.ends_with(".error")).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    site.build().fails().stderr_has("image `/images/logo.png` cannot be used: it is a damaged PNG image");
}

#[test]
fn a_static_file_at_a_copys_name_is_reported() {
    let site = built();
    std::fs::copy(site.root.join("static/images/team.jpg"), site.root.join("static/images/team-800w.jpg")).unwrap();
    site.build().fails().stderr_has("images/team-800w.jpg").stderr_has("a resized copy of static/images/team.jpg");
}

#[test]
fn image_options_in_site_yaml_change_widths_quality_and_formats() {
    let site = Site::fixture("images");
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}images:\n  widths: [300, 700]\n  quality: 60\n  webp: false\n"));
    site.build().ok();
    assert!(site.exists("images/hero-300w.jpg") && site.exists("images/hero-700w.jpg"));
    assert!(!site.exists("images/hero-800w.jpg") && !site.exists("images/hero-300w.webp"));
    let html = site.read("articles/photos/index.html");
    assert!(!html.contains("image/webp"), "no WebP source without WebP copies");
    site.write("site.yaml", &format!("{yaml}images:\n  widths: [0]\n  quality: 0\n"));
    site.build()
        .fails()
        .stderr_has("site.yaml:6:")
        .stderr_has("image widths must be between 16 and 8192 pixels")
        .stderr_has("image quality must be between 1 and 100");
}

/// The `og:image` of a published page, with its width and height.
fn og_image(site: &Site, page: &str) -> (String, String, String) {
    let html = site.read(page);
    let meta = |property: &str| {
        let tag = elements(&html, &format!("<meta property=\"{property}\""), ">");
        let tag = tag.first().unwrap_or_else(|| panic!("{page} has no {property}"));
        attr_values(tag, "content")[0].clone()
    };
    (meta("og:image"), meta("og:image:width"), meta("og:image:height"))
}

#[test]
fn every_page_has_a_raster_social_image_its_own_its_card_or_the_sites() {
    let site = built();
    let card = |url: &str| (format!("https://images.example.com{url}"), "1200".to_string(), "630".to_string());
    // An article without an image: a card of its own, beside it, 1200×630 PNG.
    assert_eq!(og_image(&site, "articles/plain/index.html"), card("/articles/plain/social.png"));
    assert_eq!(dimensions(&site, "articles/plain/social.png"), (1200, 630, image::ImageFormat::Png, false));
    // An article with a raster image: the copy of it nearest 1200 pixels wide.
    assert_eq!(
        og_image(&site, "articles/photos/index.html"),
        ("https://images.example.com/images/hero-1200w.jpg".to_string(), "1200".to_string(), "600".to_string())
    );
    assert!(!site.exists("articles/photos/social.png"), "a page with its own image gets no card");
    // The home page and lists: the site's card.
    assert_eq!(og_image(&site, "index.html"), card("/social.png"));
    assert_eq!(og_image(&site, "articles/index.html"), card("/social.png"));
    assert_eq!(dimensions(&site, "social.png"), (1200, 630, image::ImageFormat::Png, false));
    // Cards differ by title.
    assert_ne!(std::fs::read(site.public("social.png")).unwrap(), std::fs::read(site.public("articles/plain/social.png")).unwrap());
}

#[test]
fn a_title_the_bundled_font_cannot_draw_uses_the_sites_card_and_a_new_title_a_new_card() {
    let site = built();
    let first = std::fs::read(site.public("articles/plain/social.png")).unwrap();
    site.write("content/articles/plain.md", "---\ntitle: \"Another title altogether\"\ndate: 2024-04-01\n---\nText.\n");
    site.build().ok();
    assert_ne!(std::fs::read(site.public("articles/plain/social.png")).unwrap(), first, "the card shows the new title");
    site.write("content/articles/plain.md", "---\ntitle: \"東京のオフィス\"\ndate: 2024-04-01\n---\nText.\n");
    site.build().ok();
    assert_eq!(og_image(&site, "articles/plain/index.html").0, "https://images.example.com/social.png");
    assert!(!site.exists("articles/plain/social.png"), "no card with boxes for letters");
}

#[test]
fn social_card_colours_come_from_site_yaml_and_bad_ones_are_errors() {
    let site = built();
    let before = std::fs::read(site.public("social.png")).unwrap();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}social_card:\n  background: \"#ffffff\"\n  text: \"#111111\"\n"));
    site.build().ok();
    let card = image::load_from_memory(&std::fs::read(site.public("social.png")).unwrap()).unwrap().to_rgb8();
    assert_ne!(std::fs::read(site.public("social.png")).unwrap(), before);
    let mut counts = std::collections::HashMap::new();
    for p in card.pixels() {
        *counts.entry(p.0).or_insert(0usize) += 1;
    }
    let background = counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0;
    assert_eq!(background, [255, 255, 255], "the background is the configured colour");
    site.write("site.yaml", &format!("{yaml}social_card:\n  background: \"navy-ish\"\n"));
    site.build().fails().stderr_has("site.yaml:6:").stderr_has("navy-ish");
}

#[test]
fn serve_makes_copies_on_request_and_reports_a_damaged_image_in_the_status() {
    use crate::serve::Server;
    let site = Site::fixture("images");
    // Nothing made yet: serve starts without making copies first, and makes each on request.
    let s = Server::start(site);
    let copy = s.eventually("a copy is served", || {
        let r = s.get("/images/team-800w.webp");
        (r.status == 200).then_some(r)
    });
    assert_eq!(copy.header("content-type"), Some("image/webp"));
    let img = image::load_from_memory(&copy.body).unwrap();
    assert_eq!((img.width(), img.height()), (800, 600));
    let card = s.get("/articles/plain/social.png");
    assert_eq!(card.status, 200);
    assert_eq!(image::load_from_memory(&card.body).unwrap().width(), 1200);
    // The page names copies that are served.
    let page = s.get("/articles/photos/").text();
    for set in crate::support::attr_values(&page, "srcset") {
        for part in set.split(", ") {
            let url = part.split(' ').next().unwrap();
            let url = format!("/{}", folio::url::link_file("/articles/photos/", url));
            assert_eq!(s.get(&url).status, 200, "{url}");
        }
    }
    // An image damaged while serving: the status reports it at the line that uses it.
    s.site.write_bytes("static/images/team.jpg", b"this is not a JPEG");
    let status = s.eventually("the damaged image is reported", || {
        let st = s.status_json();
        (st["ok"] == false).then_some(st)
    });
    let errors = status["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["path"] == "content/articles/photos.md" && e["line"] == 9 && e["message"].as_str().unwrap().contains("it is not a JPEG image")),
        "{status}"
    );
}

#[test]
fn a_file_name_with_spaces_and_commas_stays_one_address_in_srcset() {
    let site = Site::fixture("images");
    std::fs::copy(site.root.join("static/images/team.jpg"), site.root.join("static/images/our team, 2024.jpg")).unwrap();
    site.write("content/articles/plain.md", "---\ntitle: \"Plain\"\ndate: 2024-04-01\n---\n![The team](</images/our team, 2024.jpg>)\n");
    site.build().ok();
    let html = site.read("articles/plain/index.html");
    assert!(html.contains(r#"srcset="/images/our%20team%2C%202024-480w.webp 480w, /images/our%20team%2C%202024-800w.webp 800w,"#), "{html}");
    assert!(site.exists("images/our team, 2024-800w.webp"));
}

#[test]
fn a_photo_that_holds_where_it_was_taken_is_a_warning_and_its_copies_do_not_hold_it() {
    let site = Site::fixture("images");
    // A big-endian EXIF block whose GPS directory holds a latitude (tag 2), spliced in after
    // the JPEG's start-of-image marker, as a phone writes it.
    let be = |n: u32, bytes: usize| n.to_be_bytes()[4 - bytes..].to_vec();
    let mut tiff = b"MM\0*".to_vec();
    tiff.extend(be(8, 4));
    tiff.extend([be(1, 2), be(0x8825, 2), be(4, 2), be(1, 4), be(26, 4), be(0, 4)].concat());
    tiff.extend([be(1, 2), be(2, 2), be(5, 2), be(3, 4), be(0, 4), be(0, 4)].concat());
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(be((2 + 6 + tiff.len()) as u32, 2));
    app1.extend(b"Exif\0\0");
    app1.extend(&tiff);
    let team = std::fs::read(site.root.join("static/images/team.jpg")).unwrap();
    let located = [&team[..2], &app1[..], &team[2..]].concat();
    site.write_bytes("static/images/located.jpg", &located);
    site.build()
        .ok()
        .stderr_has("warning: image static/images/located.jpg holds the place it was taken")
        .stderr_has("exiftool -gps:all= static/images/located.jpg")
        .stderr_lacks("team.jpg holds");
    let copy = std::fs::read(site.public("images/located-800w.jpg")).unwrap();
    assert!(!copy.windows(6).any(|w| w == b"Exif\0\0"), "the copy carries the location");
}

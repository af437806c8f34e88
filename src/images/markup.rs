//! `<picture>` markup for a raster image: a WebP `<source>` and the original format's
//! `srcset` on the `<img>`, both with `sizes`, and `width`/`height` always set (no layout
//! shift). Variant URLs are written the way the image's own URL was written (`/images/x.jpg`,
//! `x.jpg` or `../x.jpg`), with the file name changed, so they lead where the original does.

use super::{variant_file, variants, Facts, Format, Variant};
use crate::config::ImageOptions;
use crate::text::escape_html;

/// How the browser should fetch an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loading {
    /// The first large image of a page (its hero): fetched first, never lazily.
    Priority,
    /// Any other image: fetched when it comes near the screen.
    Lazy,
}

/// Width of the `<img>`'s own `src` (for browsers without `srcset`): the copy nearest this.
const FALLBACK_WIDTH: u32 = 1200;

/// One image to show.
pub struct Picture<'a> {
    /// The image's URL as written (its copies are found beside it).
    pub src: &'a str,
    pub facts: &'a Facts,
    pub alt: &'a str,
    pub title: Option<&'a str>,
    /// The `<img>`'s class.
    pub class: Option<&'a str>,
    /// How wide the image is shown (the `sizes` attribute); `None`: the site's `images.sizes`.
    pub sizes: Option<&'a str>,
    pub loading: Loading,
}

/// The URL of a copy: `src` with its file name replaced (query and fragment dropped).
pub fn variant_url(src: &str, v: &Variant) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    crate::url::encode_address(&variant_file(path, v))
}

/// `url 480w, url 800w, …` for the copies in one format.
fn srcset(src: &str, all: &[Variant], format: Format) -> String {
    all.iter().filter(|v| v.format == format).map(|v| format!("{} {}w", variant_url(src, v), v.width)).collect::<Vec<_>>().join(", ")
}

/// The copy in the original format whose width is nearest [`FALLBACK_WIDTH`] (the largest
/// below it, else the smallest).
pub fn fallback(facts: &Facts, opts: &ImageOptions) -> Variant {
    let own: Vec<Variant> = variants(facts, opts).into_iter().filter(|v| v.format == facts.format).collect();
    own.iter().rev().find(|v| v.width <= FALLBACK_WIDTH).or(own.first()).copied().unwrap_or(Variant {
        width: facts.width,
        height: facts.height,
        format: facts.format,
    })
}

/// The `<picture>` element.
pub fn picture(p: &Picture<'_>, opts: &ImageOptions) -> String {
    let all = variants(p.facts, opts);
    let sizes = escape_html(p.sizes.unwrap_or(&opts.sizes));
    let main = fallback(p.facts, opts);
    let mut html = String::from("<picture>");
    if p.facts.format != Format::Webp && all.iter().any(|v| v.format == Format::Webp) {
        html.push_str(&format!("<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">", escape_html(&srcset(p.src, &all, Format::Webp))));
    }
    html.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"",
        escape_html(&variant_url(p.src, &main)),
        escape_html(&srcset(p.src, &all, p.facts.format)),
        main.width,
        main.height,
        escape_html(p.alt)
    ));
    if let Some(t) = p.title {
        html.push_str(&format!(" title=\"{}\"", escape_html(t)));
    }
    if let Some(c) = p.class {
        html.push_str(&format!(" class=\"{}\"", escape_html(c)));
    }
    html.push_str(match p.loading {
        Loading::Priority => " fetchpriority=\"high\" decoding=\"async\">",
        Loading::Lazy => " loading=\"lazy\" decoding=\"async\">",
    });
    html.push_str("</picture>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_gets_webp_and_jpeg_sets_and_its_dimensions() {
        let facts = Facts { width: 4000, height: 3000, format: Format::Jpeg, alpha: false, hash: 1, located: false };
        let opts = ImageOptions::default();
        let html = picture(
            &Picture { src: "/images/team.jpg", facts: &facts, alt: "Our team, \"smiling\"", title: None, class: None, sizes: None, loading: Loading::Lazy },
            &opts,
        );
        assert!(html.starts_with("<picture><source type=\"image/webp\" srcset=\"/images/team-480w.webp 480w, /images/team-800w.webp 800w,"), "{html}");
        assert!(html.contains("<img src=\"/images/team-1200w.jpg\" srcset=\"/images/team-480w.jpg 480w,"), "{html}");
        assert!(html.contains("width=\"1200\" height=\"900\" alt=\"Our team, &quot;smiling&quot;\""), "{html}");
        assert!(html.contains("loading=\"lazy\"") && !html.contains("fetchpriority"), "{html}");
        assert!(html.ends_with("</picture>"));
        let hero = picture(
            &Picture { src: "team.jpg", facts: &facts, alt: "", title: Some("T"), class: Some("hero"), sizes: Some("100vw"), loading: Loading::Priority },
            &opts,
        );
        assert!(hero.contains("srcset=\"team-480w.webp 480w") && hero.contains("sizes=\"100vw\""), "{hero}");
        assert!(hero.contains("fetchpriority=\"high\"") && !hero.contains("loading=\"lazy\""), "{hero}");
    }

    #[test]
    fn a_webp_original_has_no_second_source_and_a_small_image_keeps_its_size() {
        let facts = Facts { width: 300, height: 200, format: Format::Webp, alpha: false, hash: 1, located: false };
        let html = picture(
            &Picture { src: "/a/b.webp?x=1", facts: &facts, alt: "b", title: None, class: None, sizes: None, loading: Loading::Lazy },
            &ImageOptions::default(),
        );
        assert!(!html.contains("<source"), "{html}");
        assert!(html.contains("src=\"/a/b-300w.webp\" srcset=\"/a/b-300w.webp 300w\"") && html.contains("width=\"300\" height=\"200\""), "{html}");
    }
}

//! Responsive images (ground floor: pure functions of bytes and options, except `cache`).
//!
//! Every JPEG, PNG and WebP file the site publishes (from `static/` or beside a page) is also
//! published at the configured widths below its own (`images.widths` in site.yaml; never
//! larger than the original), in its own format and as WebP: `images/team.jpg` (4000 px wide)
//! gives `images/team-480w.jpg`, `images/team-480w.webp`, … `images/team-2400w.webp`. The
//! copies are decoded once per image, turned upright by the EXIF orientation, resized with a
//! Lanczos filter and encoded again, which drops every metadata block (camera, location). The
//! original file is published as it is, for links to it.
//!
//! - [`probe`] reads an image's size, format and orientation from its header (cheap: the
//!   engine does it for every image on every build, kept by file stamp).
//! - [`variants`] is the set of copies for an image and the options: the claim table, the
//!   markup and the encoder all ask it, so they cannot disagree.
//! - [`encode`] makes the copies (the expensive part: the engine runs it in parallel, once per
//!   content hash and options, through [`cache`]).
//! - [`markup`] writes `<picture>` for Markdown images, the `figure` shortcode and templates.

pub mod cache;
pub mod card;
pub mod markup;

use crate::config::ImageOptions;
use std::io::Cursor;

/// Bumped whenever [`encode`] would give other bytes for the same input (part of every cache
/// key, so an upgrade never serves an old encoding).
pub const CODEC_VERSION: u32 = 1;

/// Largest image folio decodes (pixels): a 100-megapixel photo fits, a decompression bomb (a
/// small file claiming 100,000 × 100,000 pixels) is refused before any memory is taken.
pub const MAX_PIXELS: u64 = 120_000_000;

/// The formats folio resizes. GIF (often animated) and SVG are published as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    /// The format a file name says, by its extension (any case).
    pub fn of_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
        }
    }

    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::Webp => image::ImageFormat::WebP,
        }
    }
}

/// What the header of an image file says: enough for the markup (`width`, `height`, the
/// copies) and the cache key (`hash`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Facts {
    /// As shown: after the EXIF orientation (a portrait photo stored sideways is taller than wide).
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Whether it has an alpha channel (a PNG logo on a transparent background).
    pub alpha: bool,
    /// Hash of the file's bytes.
    pub hash: u64,
    /// Whether its EXIF data holds where it was taken (GPS latitude): its copies never do, but
    /// the file itself is published as it is.
    pub located: bool,
}

/// Reads what [`Facts`] holds from an image's header. `Err` says in plain words why the file
/// is not a usable image (not the format its name says, damaged, too large).
pub fn probe(bytes: &[u8], named: Format) -> Result<Facts, String> {
    let reader = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| format!("it cannot be read ({e})"))?;
    let found = match reader.format() {
        Some(image::ImageFormat::Jpeg) => Format::Jpeg,
        Some(image::ImageFormat::Png) => Format::Png,
        Some(image::ImageFormat::WebP) => Format::Webp,
        Some(other) => return Err(format!("it is not a {} image but a {:?} file", named.name(), other)),
        None if bytes.is_empty() => return Err("the file is empty".into()),
        None => return Err(format!("it is not a {} image (the file is damaged, or something else with an image's name)", named.name())),
    };
    if found != named {
        return Err(format!("it is not a {} image but a {} image", named.name(), found.name()));
    }
    let mut decoder = reader.into_decoder().map_err(|e| damaged(named, &e))?;
    use image::ImageDecoder;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("it has no pixels".into());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("it is {w} × {h} pixels, larger than folio resizes ({} megapixels at most)", MAX_PIXELS / 1_000_000));
    }
    let alpha = decoder.color_type().has_alpha();
    let located = decoder.exif_metadata().ok().flatten().is_some_and(|exif| has_location(&exif));
    let turned = decoder.orientation().is_ok_and(swaps_sides);
    let (width, height) = if turned { (h, w) } else { (w, h) };
    Ok(Facts { width, height, format: found, alpha, hash: crate::hash::hash_bytes(bytes), located })
}

/// Whether EXIF data (a TIFF structure, with or without its `Exif\0\0` prefix) holds a GPS
/// latitude: the first directory points to a GPS directory (tag 0x8825) that has tag 2.
fn has_location(exif: &[u8]) -> bool {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big_endian = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return false,
    };
    let u16_at = |at: usize| tiff.get(at..at + 2).map(|b| if big_endian { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) });
    let u32_at = |at: usize| {
        tiff.get(at..at + 4).map(|b| if big_endian { u32::from_be_bytes([b[0], b[1], b[2], b[3]]) } else { u32::from_le_bytes([b[0], b[1], b[2], b[3]]) })
    };
    // The value of `tag` in the directory at `dir` (an offset for a pointer tag).
    let entry = |dir: usize, tag: u16| -> Option<u32> {
        let count = usize::from(u16_at(dir)?);
        (0..count).map(|i| dir + 2 + i * 12).find(|&at| u16_at(at) == Some(tag)).and_then(|at| u32_at(at + 8))
    };
    let Some(first) = u32_at(4) else { return false };
    let Some(gps) = entry(first as usize, 0x8825) else { return false };
    entry(gps as usize, 0x0002).is_some()
}

fn swaps_sides(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

fn damaged(format: Format, e: &image::ImageError) -> String {
    let detail = e.to_string();
    let detail = detail.trim_end_matches('.');
    format!("it is a damaged {} image ({detail})", format.name())
}

/// What each raster image's header says, by output file (`images/team.jpg`); `Err`: why it
/// cannot be used, in plain words.
#[derive(Debug, Default)]
pub struct ImageTable {
    pub by_file: rustc_hash::FxHashMap<String, Result<Facts, String>>,
    /// Hash of every entry: equal hashes, equal tables.
    pub hash: u64,
}

impl ImageTable {
    /// The facts of the image at output file `file`, when it is a usable raster image.
    pub fn facts(&self, file: &str) -> Option<&Facts> {
        self.by_file.get(file).and_then(|r| r.as_ref().ok())
    }
}

/// The site's social card (for every page without one of its own), at the site's root.
pub const SITE_CARD: &str = "social.png";

/// The social card made for a page, beside it (`articles/x/` → `articles/x/social.png`).
pub fn page_card_file(page_url: &str) -> String {
    let dir = page_url.trim_start_matches('/');
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}social.png")
    } else {
        // An address written as a file (`/old.html`): beside it, named after it.
        format!("{}-social.png", dir.rsplit_once('.').map_or(dir, |(stem, _)| stem))
    }
}

/// Whether a page gets a social card of its own: an article (a page in a section) without a
/// raster image of its own, whose title the card's font can draw. Every other page shows its
/// own image, or the site's card.
pub fn has_own_card(in_section: bool, has_raster_image: bool, title: &str) -> bool {
    in_section && !has_raster_image && card::can_draw(title)
}

/// One published copy of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// The copies of an image: for each configured width below the image's own (and the image's
/// own width when it is not above the largest configured one), one in the original format
/// and, with `webp`, one in WebP. Sorted by format, then width.
pub fn variants(facts: &Facts, opts: &ImageOptions) -> Vec<Variant> {
    let mut widths: Vec<u32> = opts.widths.iter().copied().filter(|w| *w < facts.width).collect();
    if opts.widths.last().is_none_or(|max| facts.width <= *max) {
        widths.push(facts.width);
    }
    let mut formats = vec![facts.format];
    if opts.webp && facts.format != Format::Webp {
        formats.push(Format::Webp);
    }
    formats.sort();
    let height = |w: u32| ((u64::from(w) * u64::from(facts.height) + u64::from(facts.width) / 2) / u64::from(facts.width)).max(1) as u32;
    formats.iter().flat_map(|&format| widths.iter().map(move |&width| Variant { width, height: height(width), format })).collect()
}

/// The file of a copy, beside the original: `images/team.jpg` → `images/team-800w.webp`.
pub fn variant_file(original: &str, v: &Variant) -> String {
    let (stem, _) = original.rsplit_once('.').unwrap_or((original, ""));
    format!("{stem}-{}w.{}", v.width, v.format.extension())
}

/// Makes every copy in `variants` from the image's bytes, in that order. `Err` says why the
/// image cannot be decoded, in plain words.
pub fn encode(bytes: &[u8], facts: &Facts, variants: &[Variant], quality: u8) -> Result<Vec<Vec<u8>>, String> {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    reader.set_format(facts.format.image_format());
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| damaged(facts.format, &e))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| damaged(facts.format, &e))?;
    img.apply_orientation(orientation);
    // Eight bits per channel, with alpha only when the image has it.
    let img = if facts.alpha { image::DynamicImage::ImageRgba8(img.into_rgba8()) } else { image::DynamicImage::ImageRgb8(img.into_rgb8()) };
    let mut resizer = fast_image_resize::Resizer::new();
    let options = fast_image_resize::ResizeOptions::new().resize_alg(fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3));
    let mut sized: Vec<(u32, image::DynamicImage)> = Vec::new();
    let mut out = Vec::with_capacity(variants.len());
    for v in variants {
        if !sized.iter().any(|(w, _)| *w == v.width) {
            let resized = if v.width == img.width() && v.height == img.height() {
                img.clone()
            } else {
                let mut dst = match &img {
                    image::DynamicImage::ImageRgba8(_) => image::DynamicImage::new_rgba8(v.width, v.height),
                    _ => image::DynamicImage::new_rgb8(v.width, v.height),
                };
                resizer.resize(&img, &mut dst, &options).map_err(|e| format!("it could not be resized ({e})"))?;
                dst
            };
            sized.push((v.width, resized));
        }
        let Some((_, small)) = sized.iter().find(|(w, _)| *w == v.width) else { continue };
        out.push(encode_one(small, v.format, quality)?);
    }
    Ok(out)
}

fn encode_one(img: &image::DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let failed = |e: image::ImageError| format!("it could not be encoded ({e})");
    match format {
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
            enc.encode_image(&rgb).map_err(failed)?;
        }
        Format::Png => {
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut buf,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            img.write_with_encoder(enc).map_err(failed)?;
        }
        Format::Webp => {
            let encoded = match img {
                image::DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height()).encode(f32::from(quality)),
                other => {
                    let rgb = other.to_rgb8();
                    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(f32::from(quality))
                }
            };
            buf.extend_from_slice(&encoded);
        }
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {

    /// A little-endian TIFF structure whose first directory points to a GPS directory holding
    /// `gps_tag`.
    fn exif_with_gps(gps_tag: u16) -> Vec<u8> {
        let mut t = b"Exif\0\0II*\0".to_vec();
        t.extend(8u32.to_le_bytes());
        t.extend(1u16.to_le_bytes()); // one entry: the GPS pointer, to offset 26
        t.extend(0x8825u16.to_le_bytes());
        t.extend(4u16.to_le_bytes());
        t.extend(1u32.to_le_bytes());
        t.extend(26u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        t.extend(1u16.to_le_bytes()); // the GPS directory: one entry
        t.extend(gps_tag.to_le_bytes());
        t.extend(5u16.to_le_bytes());
        t.extend(3u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        t
    }

    #[test]
    fn a_gps_latitude_is_a_location_and_a_bare_gps_directory_is_not() {
        assert!(has_location(&exif_with_gps(2)));
        assert!(!has_location(&exif_with_gps(0)), "a GPS version alone says nothing of a place");
        assert!(!has_location(b"Exif\0\0II*\0\xff\xff\xff\xff"), "an offset beyond the data");
        assert!(!has_location(b""));
    }

    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128]));
        let mut buf = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 90).encode_image(&img).unwrap();
        buf
    }

    fn png_alpha(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([200, 30, 30, (x * 255 / w) as u8]));
        let mut buf = Vec::new();
        image::DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut buf), image::ImageFormat::Png).unwrap();
        buf
    }

    #[test]
    fn variants_never_upscale_and_keep_the_aspect() {
        let opts = ImageOptions::default();
        let big = Facts { width: 4000, height: 3000, format: Format::Jpeg, alpha: false, hash: 0, located: false };
        let v = variants(&big, &opts);
        let jpegs: Vec<_> = v.iter().filter(|v| v.format == Format::Jpeg).map(|v| (v.width, v.height)).collect();
        assert_eq!(jpegs, [(480, 360), (800, 600), (1200, 900), (1600, 1200), (2400, 1800)]);
        assert_eq!(v.iter().filter(|v| v.format == Format::Webp).count(), 5);
        let small = Facts { width: 900, height: 300, format: Format::Png, alpha: true, hash: 0, located: false };
        let v: Vec<_> = variants(&small, &opts).iter().map(|v| (v.width, v.format)).collect();
        assert_eq!(v, [(480, Format::Png), (800, Format::Png), (900, Format::Png), (480, Format::Webp), (800, Format::Webp), (900, Format::Webp)]);
        let tiny = Facts { width: 32, height: 32, format: Format::Webp, alpha: false, hash: 0, located: false };
        assert_eq!(variants(&tiny, &opts), [Variant { width: 32, height: 32, format: Format::Webp }]);
        let no_webp = ImageOptions { webp: false, ..ImageOptions::default() };
        assert!(variants(&big, &no_webp).iter().all(|v| v.format == Format::Jpeg));
        assert_eq!(variant_file("images/team.photo.JPG", &Variant { width: 800, height: 600, format: Format::Webp }), "images/team.photo-800w.webp");
    }

    #[test]
    fn probe_reads_size_format_and_refuses_impostors() {
        let f = probe(&jpeg(64, 48), Format::Jpeg).unwrap();
        assert_eq!((f.width, f.height, f.format, f.alpha), (64, 48, Format::Jpeg, false));
        let p = probe(&png_alpha(10, 5), Format::Png).unwrap();
        assert!(p.alpha);
        assert!(probe(&png_alpha(10, 5), Format::Jpeg).unwrap_err().contains("not a JPEG image but a PNG image"));
        assert!(probe(b"GIF89a not really", Format::Jpeg).unwrap_err().contains("not a JPEG"));
        assert!(probe(b"", Format::Png).unwrap_err().contains("empty"));
        assert!(probe(b"hello, world, this is text", Format::Png).unwrap_err().contains("damaged"));
    }

    #[test]
    fn encode_makes_each_copy_at_its_size_and_format() {
        let bytes = jpeg(1000, 500);
        let facts = probe(&bytes, Format::Jpeg).unwrap();
        let v = variants(&facts, &ImageOptions::default());
        let made = encode(&bytes, &facts, &v, 80).unwrap();
        assert_eq!(made.len(), v.len());
        for (variant, data) in v.iter().zip(&made) {
            let back = image::load_from_memory(data).unwrap();
            assert_eq!((back.width(), back.height()), (variant.width, variant.height));
            assert_eq!(image::guess_format(data).unwrap(), variant.format.image_format());
        }
        // Transparency survives in PNG and WebP.
        let bytes = png_alpha(600, 300);
        let facts = probe(&bytes, Format::Png).unwrap();
        let v = variants(&facts, &ImageOptions::default());
        for data in encode(&bytes, &facts, &v, 80).unwrap() {
            assert!(image::load_from_memory(&data).unwrap().color().has_alpha());
        }
    }

    #[test]
    fn a_truncated_image_is_damaged() {
        let bytes = png_alpha(300, 300);
        let cut = &bytes[..bytes.len() / 2];
        let facts = probe(cut, Format::Png).unwrap();
        let why = encode(cut, &facts, &variants(&facts, &ImageOptions::default()), 80).unwrap_err();
        assert!(why.contains("damaged PNG"), "{why}");
    }
}

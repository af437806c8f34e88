//! Social cards: a 1200×630 PNG (`og:image`) drawn from a page's title and the site's brand,
//! for the pages that have no raster image of their own.
//!
//! Pure and deterministic: text and colours in, PNG bytes out, no file system, no system fonts.
//! The font is bundled (Inter, SIL Open Font License; see `fonts/README.md`) and outlines are
//! rasterized by ab_glyph in plain IEEE float arithmetic (its AVX2/SSE4.2 paths are the same
//! scalar code compiled for those CPUs, and Rust never fuses a multiply and an add by itself), so
//! the same input gives the same bytes on every system; `a_card_has_the_same_bytes_everywhere`
//! pins one card's hash, on Linux and under Wine.
//!
//! The drawing is a grid of palette indices — the background, and `LEVELS` anti-aliasing steps of
//! each text colour over it — written as a 4-bit indexed PNG with fdeflate and the `Up` filter.
//! Glyphs are rasterized once per (font, glyph, size) on each thread, at whole-pixel positions,
//! and kept between cards.
//!
//! Speed, measured with `cargo run --release --example card_speed` (2,000 different titles of 3
//! to 14 words, one thread, on the shared 2-core development machine): 0.24 ms a card, 19 KB a
//! card on average, 29 KB the largest (at 8 bits a pixel, 16 levels, pixel by pixel: 0.44 ms,
//! 24 KB). Glyphs are laid two pixels a byte through a 64 KB table per ink; fdeflate is now
//! most of a card's time. Encoding a four-line 8-bit
//! card, fdeflate with the `Up` row filter was the fastest (0.22 ms, 28 KB; adaptive filters:
//! 0.37 ms, 24 KB; no filter: 0.31 ms, 101 KB; zlib level 1: 0.69 ms, 27 KB; zlib level 6:
//! 3.7 ms, 18 KB).

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// The card's size in pixels, the size LinkedIn, Facebook and X show large.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Changes whenever the drawing changes (part of the cache key).
pub const CARD_VERSION: u32 = 2;

/// A colour, 8 bits a channel, sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The site's brand colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CardStyle {
    pub background: Rgb,
    pub foreground: Rgb,
    pub accent: Rgb,
}

/// What a card says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CardText<'a> {
    /// A short line above the title, e.g. the section's name ("Articles"); may be empty.
    pub kicker: &'a str,
    pub title: &'a str,
    pub site_name: &'a str,
}

/// Whether the bundled font has a glyph for every character of `text` (after Unicode NFC, so a
/// decomposed "é" counts as the one character it shows). Whitespace always can be drawn.
/// The caller uses the site card instead when a title cannot be drawn (Chinese, Japanese, emoji…).
pub fn can_draw(text: &str) -> bool {
    let Some(fonts) = fonts() else {
        return false;
    };
    text.nfc().all(|c| c.is_whitespace() || (fonts.title.glyph_id(c).0 != 0 && fonts.text.glyph_id(c).0 != 0))
}

/// The card as PNG bytes: deterministic (same input, same bytes, on every system).
///
/// Characters the font lacks are drawn as its empty box; ask [`can_draw`] first. (Encoding into
/// memory cannot fail; were it ever to, the result would be empty rather than a panic.)
pub fn render(style: &CardStyle, text: &CardText) -> Vec<u8> {
    let colours = Colours::of(style);
    let mut canvas = Canvas::new(colours.mark_index());
    if let Some(fonts) = fonts() {
        draw_card(&mut canvas, fonts, text);
    }
    encode(&canvas, &colours.palette())
}

/// How a title was cut into lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Wrapped {
    pub lines: Vec<String>,
    /// The text did not fit in the lines allowed: the last line ends in "…".
    pub ellipsis: bool,
    /// A word wider than a whole line was cut between two characters.
    pub broke_word: bool,
}

/// Cuts `text` into at most `max_lines` lines at spaces (runs of whitespace count as one space),
/// each of which `fits`; a dash or a French-spaced mark standing alone (" — ", " ?") stays at the
/// end of the line with the word before it. A word wider than a line is cut between characters; text left over
/// after the last line is replaced by "…" at the end of that line (words dropped from the line's
/// end, or characters for a cut word, until line and "…" fit). An empty text gives no lines.
pub fn wrap_lines(text: &str, max_lines: usize, fits: impl Fn(&str) -> bool) -> Wrapped {
    let mut out = Wrapped::default();
    if max_lines == 0 {
        return out;
    }
    let mut current = String::new();
    let mut overflow = false;
    'words: for word in &units(text) {
        let word = word.as_str();
        if !current.is_empty() {
            let candidate = format!("{current} {word}");
            if fits(&candidate) {
                current = candidate;
                continue;
            }
            out.lines.push(std::mem::take(&mut current));
            if out.lines.len() == max_lines {
                overflow = true;
                break;
            }
        }
        let mut rest = word;
        while !fits(rest) {
            out.broke_word = true;
            let cut = longest_fitting_prefix(rest, &fits);
            out.lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
            if out.lines.len() == max_lines {
                overflow = true;
                break 'words;
            }
        }
        current = rest.to_string();
    }
    if !current.is_empty() {
        out.lines.push(current);
    }
    if overflow {
        if let Some(last) = out.lines.last_mut() {
            *last = ellipsize(last, &fits);
        }
        out.ellipsis = true;
    }
    out
}

/// The words of `text`, with a lone dash or mark joined to the word before it.
fn units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match units.last_mut() {
            Some(last) if ["—", "–", "-", ":", ";", "!", "?", "»"].contains(&word) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_string()),
        }
    }
    units
}

/// The byte length of the longest prefix of `word` that fits, at least one character.
fn longest_fitting_prefix(word: &str, fits: &impl Fn(&str) -> bool) -> usize {
    let mut ends = word.char_indices().map(|(i, c)| i + c.len_utf8());
    let first = ends.next().unwrap_or(word.len());
    let mut best = first;
    for end in ends {
        if !fits(&word[..end]) {
            break;
        }
        best = end;
    }
    best
}

/// `line` shortened until it and "…" fit: whole words first, characters when one word is left.
fn ellipsize(line: &str, fits: &impl Fn(&str) -> bool) -> String {
    let mut kept = line;
    loop {
        kept = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c));
        let candidate = format!("{kept}…");
        if kept.is_empty() || fits(&candidate) {
            return candidate;
        }
        kept = match kept.rfind(' ') {
            Some(space) => &kept[..space],
            None => &kept[..kept.char_indices().last().map_or(0, |(i, _)| i)],
        };
    }
}

// ---- Layout -------------------------------------------------------------------------------------

const MARGIN: i32 = 80;
/// The coloured band along the left edge.
const BAND: i32 = 16;
const TEXT_LEFT: i32 = MARGIN + BAND;
const TEXT_WIDTH: f32 = (WIDTH as i32 - TEXT_LEFT - MARGIN) as f32;
const KICKER_SIZE: f32 = 26.0;
const KICKER_TRACKING: f32 = 0.1; // em
const SITE_SIZE: f32 = 28.0;
/// From the kicker's baseline to the top of the title's capitals.
const KICKER_GAP: f32 = 36.0;
/// Between the title block's space and the top of the site name's capitals: room for descenders.
const FOOTER_GAP: f32 = 48.0;
/// Title sizes (px per em), tried largest first.
const TITLE_SIZES: [f32; 7] = [76.0, 72.0, 68.0, 64.0, 60.0, 56.0, 52.0];
const TITLE_LINE_HEIGHT: f32 = 1.12;
/// Lines a title may take: three at display sizes, four once the text is smaller.
fn title_max_lines(size: f32) -> usize {
    if size > 64.0 {
        3
    } else {
        4
    }
}

struct Fonts {
    /// Inter Display Bold: the title.
    title: FontRef<'static>,
    /// Inter SemiBold: the kicker and the site name.
    text: FontRef<'static>,
}

fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                title: FontRef::try_from_slice(include_bytes!("fonts/InterDisplay-Bold.otf")).ok()?,
                text: FontRef::try_from_slice(include_bytes!("fonts/Inter-SemiBold.otf")).ok()?,
            })
        })
        .as_ref()
}

/// A font at one size: scale, capital height and measuring.
struct Face<'f> {
    font: &'f FontRef<'static>,
    /// Which of the two fonts (part of the glyph cache key).
    which: u8,
    em: f32,
    scale: PxScale,
    tracking: f32,
}

impl<'f> Face<'f> {
    fn new(font: &'f FontRef<'static>, which: u8, em: f32, tracking_em: f32) -> Self {
        // ab_glyph's scale is the ascent-to-descent height; a font size is the em.
        let units = font.units_per_em().unwrap_or(1000.0);
        let height = font.height_unscaled();
        Face { font, which, em, scale: PxScale::from(em * height / units), tracking: tracking_em * em }
    }

    fn cap_height(&self) -> f32 {
        let units = self.font.units_per_em().unwrap_or(1000.0);
        let cap = self.font.outline(self.font.glyph_id('H')).map_or(0.7 * units, |o| o.bounds.height().abs());
        cap * self.em / units
    }

    /// Each character's glyph and the x offset of its origin from the start of `s`, and the
    /// whole width.
    fn layout(&self, s: &str) -> (Vec<(GlyphId, f32)>, f32) {
        let scaled = self.font.as_scaled(self.scale);
        let mut placed = Vec::with_capacity(s.len());
        let mut x = 0.0;
        let mut previous: Option<GlyphId> = None;
        for c in s.chars().filter(|c| !c.is_control()) {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                x += scaled.kern(p, id) + self.tracking;
            }
            placed.push((id, x));
            x += scaled.h_advance(id);
            previous = Some(id);
        }
        (placed, x)
    }

    fn width(&self, s: &str) -> f32 {
        self.layout(s).1
    }
}

thread_local! {
    /// Glyphs rasterized on this thread, kept between cards: a build draws thousands of cards
    /// from a few hundred glyphs. Emptied when it grows past `MAX_KEPT_GLYPHS`.
    static GLYPHS: std::cell::RefCell<GlyphCache> = std::cell::RefCell::new(GlyphCache::default());
}

/// At most this many rasterized glyphs are kept per thread (a few MB).
const MAX_KEPT_GLYPHS: usize = 4096;

fn draw_card(canvas: &mut Canvas, fonts: &Fonts, text: &CardText) {
    GLYPHS.with(|cache| {
        let mut glyphs = cache.borrow_mut();
        if glyphs.bitmaps.len() > MAX_KEPT_GLYPHS {
            glyphs.bitmaps.clear();
        }
        draw_card_with(canvas, fonts, text, &mut glyphs);
    });
}

fn draw_card_with(canvas: &mut Canvas, fonts: &Fonts, text: &CardText, glyphs: &mut GlyphCache) {
    let kicker_face = Face::new(&fonts.text, 1, KICKER_SIZE, KICKER_TRACKING);
    let site_face = Face::new(&fonts.text, 1, SITE_SIZE, 0.0);

    // Site name at the bottom, after a square of the accent colour.
    let site_baseline = (HEIGHT as i32 - MARGIN) as f32;
    let site_cap = site_face.cap_height();
    let site = normalized(text.site_name);
    if !site.is_empty() {
        let mark = site_cap.round() as i32;
        canvas.fill_rect(TEXT_LEFT, site_baseline as i32 - mark, mark, mark, canvas.mark);
        let x = TEXT_LEFT as f32 + 2.0 * mark as f32;
        let line = one_line_within(&site, &site_face, TEXT_WIDTH - 2.0 * mark as f32);
        glyphs.draw_line(canvas, &site_face, &line, x, site_baseline, Ink::Foreground);
    }

    // Kicker and title, as one block centred in the space above the site name: the kicker in
    // small tracked capitals of the accent colour, the title at the largest size at which it
    // fits whole (else the smallest, with "…").
    let kicker = normalized(text.kicker).to_uppercase();
    let kicker_cap = kicker_face.cap_height();
    let kicker_space = if kicker.is_empty() { 0.0 } else { kicker_cap + KICKER_GAP };
    let top = MARGIN as f32;
    let bottom = site_baseline - site_cap - FOOTER_GAP;
    let title = normalized(text.title);
    let (face, wrapped) = fit_title(&fonts.title, &title, bottom - top - kicker_space);
    let line_height = (face.em * TITLE_LINE_HEIGHT).round();
    let title_cap = face.cap_height();
    let lines = wrapped.lines.len();
    let title_height = if lines == 0 { 0.0 } else { title_cap + (lines - 1) as f32 * line_height };
    let block = kicker_space + title_height;
    let block_top = (top + ((bottom - top - block) / 2.0).max(0.0)).round();
    if !kicker.is_empty() {
        let line = one_line(&kicker, &kicker_face);
        glyphs.draw_line(canvas, &kicker_face, &line, TEXT_LEFT as f32, block_top + kicker_cap, Ink::Accent);
    }
    let mut baseline = block_top + kicker_space + title_cap;
    for line in &wrapped.lines {
        glyphs.draw_line(canvas, &face, line, TEXT_LEFT as f32, baseline, Ink::Foreground);
        baseline += line_height;
    }
}

/// Whitespace runs as one space, NFC (so decomposed accents find their composed glyphs).
fn normalized(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn one_line(s: &str, face: &Face) -> String {
    one_line_within(s, face, TEXT_WIDTH)
}

fn one_line_within(s: &str, face: &Face, width: f32) -> String {
    let wrapped = wrap_lines(s, 1, |t| face.width(t) <= width);
    wrapped.lines.into_iter().next().unwrap_or_default()
}

/// Tries the title sizes largest first: the first at which the title fits with no word cut, else
/// the first at which it fits at all, else the smallest with "…".
fn fit_title<'f>(font: &'f FontRef<'static>, title: &str, height: f32) -> (Face<'f>, Wrapped) {
    let mut fallback = None;
    let smallest = TITLE_SIZES.len() - 1;
    for (i, &size) in TITLE_SIZES.iter().enumerate() {
        let face = Face::new(font, 0, size, 0.0);
        // Lines that fit the height: the first line's capitals, then a line height each.
        let by_height = ((height - face.cap_height()) / (size * TITLE_LINE_HEIGHT)).floor().max(0.0) as usize + 1;
        let max_lines = title_max_lines(size).min(by_height);
        let wrapped = wrap_lines(title, max_lines, |t| face.width(t) <= TEXT_WIDTH);
        if !wrapped.ellipsis && !wrapped.broke_word {
            return (face, wrapped);
        }
        if fallback.is_none() && (!wrapped.ellipsis || i == smallest) {
            fallback = Some((size, wrapped));
        }
    }
    let (size, wrapped) = fallback.unwrap_or_default();
    (Face::new(font, 0, size, 0.0), wrapped)
}

// ---- Drawing ------------------------------------------------------------------------------------

/// Anti-aliasing steps of each text colour (palette entries besides the background): seven, so
/// the palette (background, two inks, the mark) has 16 entries and a pixel takes 4 bits — half
/// the bytes to filter and compress of an 8-bit card, which was half the time a card took.
const LEVELS: u8 = 7;

#[derive(Clone, Copy)]
enum Ink {
    Foreground,
    Accent,
}

impl Ink {
    /// Palette index of coverage level 0 (the background, 0) minus nothing: level k is base + k.
    fn base(self) -> u8 {
        match self {
            Ink::Foreground => 0,
            Ink::Accent => LEVELS,
        }
    }
}

/// The palette: 0 background; 1..=LEVELS foreground over it; then the accent text's steps; last
/// the solid mark colour.
struct Colours {
    background: Rgb,
    foreground: Rgb,
    accent_text: Rgb,
    mark: Rgb,
}

impl Colours {
    /// The brand colours, with legibility kept: a foreground under 4.5:1 against the background
    /// (WCAG AA) becomes black or white; an accent under 3:1 (AA for large text) writes the
    /// kicker in the foreground instead; a mark nearly invisible takes the foreground too.
    fn of(style: &CardStyle) -> Colours {
        let bg = style.background;
        let foreground = if contrast(style.foreground, bg) >= 4.5 {
            style.foreground
        } else if contrast(Rgb(0, 0, 0), bg) >= contrast(Rgb(255, 255, 255), bg) {
            Rgb(17, 17, 17)
        } else {
            Rgb(255, 255, 255)
        };
        let accent_text = if contrast(style.accent, bg) >= 3.0 { style.accent } else { foreground };
        let mark = if contrast(style.accent, bg) >= 1.5 { style.accent } else { foreground };
        Colours { background: bg, foreground, accent_text, mark }
    }

    fn mark_index(&self) -> u8 {
        2 * LEVELS + 1
    }

    fn palette(&self) -> Vec<u8> {
        let mut palette = Vec::with_capacity(3 * (2 * LEVELS as usize + 2));
        let Rgb(r, g, b) = self.background;
        palette.extend([r, g, b]);
        for ink in [self.foreground, self.accent_text] {
            for level in 1..=LEVELS {
                let Rgb(r, g, b) = blend(self.background, ink, level);
                palette.extend([r, g, b]);
            }
        }
        let Rgb(r, g, b) = self.mark;
        palette.extend([r, g, b]);
        palette
    }
}

/// `ink` at `level`/LEVELS coverage over `under`, blended in sRGB (as browsers blend text).
fn blend(under: Rgb, ink: Rgb, level: u8) -> Rgb {
    let mix = |a: u8, b: u8| -> u8 {
        let l = u32::from(level);
        let n = u32::from(LEVELS);
        ((u32::from(a) * (n - l) + u32::from(b) * l + n / 2) / n) as u8
    };
    Rgb(mix(under.0, ink.0), mix(under.1, ink.1), mix(under.2, ink.2))
}

/// WCAG 2 contrast ratio, 1 to 21.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    crate::config::style::contrast([a.0, a.1, a.2], [b.0, b.1, b.2])
}

/// Palette indices, 4 bits a pixel, two pixels a byte (the left one in the high bits, PNG's
/// order), row after row: the layout the PNG is written in, so nothing is repacked.
struct Canvas {
    pixels: Vec<u8>,
    mark: u8,
}

/// Bytes a row of the canvas takes.
const ROW_BYTES: usize = WIDTH as usize / 2;

impl Canvas {
    fn new(mark: u8) -> Canvas {
        const _: () = assert!(WIDTH.is_multiple_of(2) && 2 * LEVELS + 2 <= 16);
        let mut canvas = Canvas { pixels: vec![0; ROW_BYTES * HEIGHT as usize], mark };
        canvas.fill_rect(0, 0, BAND, HEIGHT as i32, mark);
        canvas
    }

    fn set(&mut self, row: usize, x: usize, index: u8) {
        let byte = &mut self.pixels[row * ROW_BYTES + x / 2];
        *byte = if x.is_multiple_of(2) { (*byte & 0x0f) | (index << 4) } else { (*byte & 0xf0) | index };
    }

    fn fill_rect(&mut self, x: i32, y: i32, w: i32, h: i32, index: u8) {
        let (x0, x1) = (x.clamp(0, WIDTH as i32) as usize, (x + w).clamp(0, WIDTH as i32) as usize);
        for row in y.clamp(0, HEIGHT as i32) as usize..(y + h).clamp(0, HEIGHT as i32) as usize {
            for x in x0..x1 {
                self.set(row, x, index);
            }
        }
    }
}

/// A glyph's coverage, in levels 0..=LEVELS, and where its box sits from the pen position.
struct Bitmap {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
    /// Of each row, the cells from its first to its last covered one (empty for a blank row):
    /// the only ones drawing has to visit.
    spans: Vec<std::ops::Range<usize>>,
    /// The coverage two cells a byte, as the canvas holds pixels, for a glyph starting on an
    /// even pixel ([0]: cells 2k and 2k+1 in byte k) and on an odd one ([1]: cells 2k-1 and 2k);
    /// `packed_width` bytes a row.
    packed: [Vec<u8>; 2],
    packed_width: usize,
}

impl Bitmap {
    fn new(left: i32, top: i32, width: usize, coverage: Vec<u8>) -> Bitmap {
        let rows = coverage.len().checked_div(width).unwrap_or(0);
        let spans = if width == 0 {
            Vec::new()
        } else {
            coverage
                .chunks_exact(width)
                .map(|row| match (row.iter().position(|&c| c != 0), row.iter().rposition(|&c| c != 0)) {
                    (Some(first), Some(last)) => first..last + 1,
                    _ => 0..0,
                })
                .collect()
        };
        let packed_width = width / 2 + 1;
        let packed = [0, 1].map(|parity: usize| {
            let mut bytes = vec![0u8; packed_width * rows];
            for (row, cells) in coverage.chunks_exact(width.max(1)).enumerate().take(rows) {
                for (c, &level) in cells.iter().enumerate() {
                    let k = (c + parity) / 2;
                    let shift = if (c + parity).is_multiple_of(2) { 4 } else { 0 };
                    bytes[row * packed_width + k] |= level << shift;
                }
            }
            bytes
        });
        Bitmap { left, top, width, coverage, spans, packed, packed_width }
    }
}

/// What a canvas pixel `cell` becomes under a glyph's coverage `level` of the ink whose levels
/// start at `base`: unchanged where the glyph does not cover it; where it meets coverage of the
/// same ink (two glyphs touching), the levels add up, saturating at full.
fn overlay(cell: u8, level: u8, base: u8) -> u8 {
    if level == 0 {
        return cell;
    }
    let under = if cell > base && cell <= base + LEVELS { cell - base } else { 0 };
    base + (under + level).min(LEVELS)
}

/// [`overlay`] for two pixels at once, by ink: entry `canvas byte << 8 | glyph byte`.
fn overlay_tables() -> &'static [Vec<u8>; 2] {
    static TABLES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        [Ink::Foreground, Ink::Accent].map(|ink| {
            (0..=u16::MAX)
                .map(|i| {
                    let [canvas, glyph] = i.to_be_bytes();
                    (overlay(canvas >> 4, glyph >> 4, ink.base()) << 4) | overlay(canvas & 0x0f, glyph & 0x0f, ink.base())
                })
                .collect()
        })
    })
}

#[derive(Default)]
struct GlyphCache {
    bitmaps: FxHashMap<(u8, u16, u32), Option<Bitmap>>,
}

impl GlyphCache {
    /// Draws `line` with its first origin at (`x`, `baseline`); glyphs land on whole pixels.
    fn draw_line(&mut self, canvas: &mut Canvas, face: &Face, line: &str, x: f32, baseline: f32, ink: Ink) {
        let (placed, _) = face.layout(line);
        let y = baseline.round() as i32;
        for (id, offset) in placed {
            let key = (face.which, id.0, face.em.to_bits());
            let bitmap = self.bitmaps.entry(key).or_insert_with(|| rasterize(face, id));
            if let Some(bitmap) = bitmap {
                blit(canvas, bitmap, (x + offset).round() as i32, y, ink);
            }
        }
    }
}

fn rasterize(face: &Face, id: GlyphId) -> Option<Bitmap> {
    let glyph = id.with_scale_and_position(face.scale, ab_glyph::point(0.0, 0.0));
    let outlined = face.font.outline_glyph(glyph)?;
    let bounds = outlined.px_bounds();
    let width = bounds.width() as usize;
    let height = bounds.height() as usize;
    let mut coverage = vec![0u8; width * height];
    outlined.draw(|x, y, c| {
        if let Some(cell) = coverage.get_mut(y as usize * width + x as usize) {
            *cell = (c.clamp(0.0, 1.0) * f32::from(LEVELS)).round() as u8;
        }
    });
    Some(Bitmap::new(bounds.min.x as i32, bounds.min.y as i32, width, coverage))
}

/// Lays a glyph's coverage over the canvas ([`overlay`]): two pixels a byte through a table when
/// the glyph is wholly inside the canvas's width (always, for text inside the margins), else
/// pixel by pixel, clipped.
fn blit(canvas: &mut Canvas, bitmap: &Bitmap, x: i32, y: i32, ink: Ink) {
    if bitmap.width == 0 {
        return;
    }
    let left = x + bitmap.left;
    let inside = left >= 0 && left as usize + bitmap.width <= WIDTH as usize;
    let table = &overlay_tables()[usize::from(matches!(ink, Ink::Accent))];
    for (row, (cells, span)) in bitmap.coverage.chunks_exact(bitmap.width).zip(&bitmap.spans).enumerate() {
        let py = y + bitmap.top + row as i32;
        if py < 0 || py >= HEIGHT as i32 || span.is_empty() {
            continue;
        }
        let start = py as usize * ROW_BYTES;
        let bytes = &mut canvas.pixels[start..start + ROW_BYTES];
        if inside {
            let parity = left as usize % 2;
            let (first, last) = ((span.start + parity) / 2, (span.end - 1 + parity) / 2);
            let glyph = &bitmap.packed[parity][row * bitmap.packed_width..][first..=last];
            let under = &mut bytes[left as usize / 2 + first..][..glyph.len()];
            for (byte, &coverage) in under.iter_mut().zip(glyph) {
                *byte = table[usize::from(*byte) << 8 | usize::from(coverage)];
            }
            continue;
        }
        // The row's covered cells, clipped to the canvas, pixel by pixel.
        let from = left + span.start as i32;
        let skip = (-from).max(0) as usize;
        let covered = &cells[span.clone()];
        if skip >= covered.len() || from >= WIDTH as i32 {
            continue;
        }
        for (x, &level) in (from.max(0) as usize..WIDTH as usize).zip(&covered[skip..]) {
            let byte = &mut bytes[x / 2];
            let shift = if x.is_multiple_of(2) { 4 } else { 0 };
            let index = overlay((*byte >> shift) & 0x0f, level, ink.base());
            *byte = (*byte & !(0x0f << shift)) | (index << shift);
        }
    }
}

fn encode(canvas: &Canvas, palette: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16 * 1024);
    let written = (|| -> Result<(), png::EncodingError> {
        let mut encoder = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Four);
        encoder.set_palette(palette);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Up);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&canvas.pixels)?;
        writer.finish()
    })();
    if written.is_err() {
        return Vec::new();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn light() -> CardStyle {
        CardStyle { background: Rgb(255, 255, 255), foreground: Rgb(17, 24, 39), accent: Rgb(79, 70, 229) }
    }

    fn dark() -> CardStyle {
        CardStyle { background: Rgb(15, 23, 42), foreground: Rgb(248, 250, 252), accent: Rgb(56, 189, 248) }
    }

    fn card(title: &str) -> CardText<'_> {
        CardText { kicker: "Articles", title, site_name: "Northwind Studio" }
    }

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.bit_depth, png::BitDepth::Four);
        // One palette index a pixel, as the canvas holds them.
        let pixels = buf[..info.buffer_size()].iter().flat_map(|b| [b >> 4, b & 0x0f]).collect();
        (info, pixels)
    }

    /// Counts characters: a line of at most `n` characters fits.
    fn chars(n: usize) -> impl Fn(&str) -> bool {
        move |s: &str| s.chars().count() <= n
    }

    #[test]
    fn decodes_to_1200_by_630() {
        let bytes = render(&light(), &card("How we cut our build times in half"));
        let (info, pixels) = decode(&bytes);
        assert_eq!((info.width, info.height), (1200, 630));
        assert_eq!(info.color_type, png::ColorType::Indexed);
        // Text was drawn: the full foreground colour (index LEVELS) is present.
        assert!(pixels.contains(&LEVELS));
        assert!(pixels.contains(&(2 * LEVELS)), "the kicker in the accent colour");
    }

    #[test]
    fn same_input_same_bytes_different_titles_different_bytes() {
        let a = render(&light(), &card("Pricing pages that convert"));
        let b = render(&light(), &card("Pricing pages that convert"));
        let c = render(&light(), &card("Pricing pages that convert!"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(render(&dark(), &card("Pricing pages that convert")), a);
    }

    #[test]
    fn a_dark_and_a_light_style_both_render() {
        for style in [light(), dark()] {
            let (info, pixels) = decode(&render(&style, &card("Design systems for small teams")));
            assert_eq!(info.width, 1200);
            // Background, text and mark all present.
            assert!(pixels.contains(&0) && pixels.contains(&LEVELS) && pixels.contains(&(2 * LEVELS + 1)));
        }
    }

    #[test]
    fn an_empty_title_and_kicker_still_make_a_card() {
        let bytes = render(&light(), &CardText { kicker: "", title: "", site_name: "Northwind" });
        assert_eq!(decode(&bytes).0.height, 630);
    }

    #[test]
    fn unreadable_foreground_is_replaced() {
        let style = CardStyle { background: Rgb(255, 255, 255), foreground: Rgb(250, 250, 250), accent: Rgb(255, 255, 0) };
        let colours = Colours::of(&style);
        assert_eq!(colours.foreground, Rgb(17, 17, 17));
        assert_eq!(colours.accent_text, Rgb(17, 17, 17), "yellow on white is too faint for the kicker");
        let dark_bg = CardStyle { background: Rgb(0, 0, 0), foreground: Rgb(20, 20, 20), accent: Rgb(255, 200, 0) };
        assert_eq!(Colours::of(&dark_bg).foreground, Rgb(255, 255, 255));
        assert_eq!(Colours::of(&dark_bg).accent_text, Rgb(255, 200, 0));
    }

    #[test]
    fn wraps_at_word_boundaries() {
        let w = wrap_lines("the quick brown fox jumps over", 4, chars(10));
        assert_eq!(w.lines, ["the quick", "brown fox", "jumps over"]);
        assert!(!w.ellipsis && !w.broke_word);
        let w = wrap_lines("  spaced   out\ttext ", 4, chars(40));
        assert_eq!(w.lines, ["spaced out text"]);
        // A dash between spaces ends a line, never starts one.
        let w = wrap_lines("ideas found — last summer", 4, chars(11));
        assert_eq!(w.lines, ["ideas", "found —", "last summer"]);
    }

    #[test]
    fn too_many_lines_end_in_an_ellipsis() {
        let w = wrap_lines("one two three four five six seven eight", 2, chars(9));
        assert_eq!(w.lines, ["one two", "three…"]);
        assert!(w.ellipsis);
        // The last line keeps what fits with the "…"; trailing punctuation goes.
        let w = wrap_lines("alpha, beta gamma", 1, chars(7));
        assert_eq!(w.lines, ["alpha…"]);
    }

    #[test]
    fn an_overlong_word_is_cut_or_ellipsised() {
        let word = "a".repeat(25);
        let w = wrap_lines(&word, 4, chars(10));
        assert_eq!(w.lines, ["a".repeat(10), "a".repeat(10), "a".repeat(5)]);
        assert!(w.broke_word && !w.ellipsis);
        let w = wrap_lines(&word, 2, chars(10));
        assert_eq!(w.lines, ["a".repeat(10), format!("{}…", "a".repeat(9))]);
        assert!(w.ellipsis);
        // Cut between characters, never inside one.
        let w = wrap_lines("ééééé", 3, |s| s.len() <= 5);
        assert_eq!(w.lines, ["éé", "éé", "é"]);
    }

    #[test]
    fn an_empty_title_has_no_lines() {
        assert_eq!(wrap_lines("", 3, chars(10)), Wrapped::default());
        assert_eq!(wrap_lines("   ", 3, chars(10)), Wrapped::default());
    }

    #[test]
    fn sixty_character_word_fits_the_card() {
        let fonts = fonts().unwrap();
        let (face, wrapped) = fit_title(&fonts.title, &"W".repeat(60), 300.0);
        assert!(wrapped.broke_word && !wrapped.ellipsis, "{wrapped:?}");
        assert!(wrapped.lines.iter().all(|l| face.width(l) <= TEXT_WIDTH));
    }

    #[test]
    fn long_titles_step_down_then_ellipsise() {
        let fonts = fonts().unwrap();
        let (face, wrapped) = fit_title(&fonts.title, "Short title", 300.0);
        assert_eq!((face.em, wrapped.lines.len()), (76.0, 1));
        let long = "word ".repeat(80);
        let (face, wrapped) = fit_title(&fonts.title, &long, 300.0);
        assert_eq!(face.em, 52.0);
        assert!(wrapped.ellipsis && wrapped.lines.last().unwrap().ends_with('…'));
    }

    #[test]
    fn can_draw_latin_greek_cyrillic_but_not_chinese() {
        assert!(can_draw("How we halved our build times"));
        assert!(can_draw("Où trouver des idées — l’été dernier…"));
        assert!(can_draw("Größenänderung für Bilder: Straße"));
        assert!(can_draw("Как мы ускорили сборку сайта"));
        assert!(can_draw("Πώς μειώσαμε τον χρόνο κατασκευής"));
        assert!(can_draw("Cafe\u{301} decomposed")); // NFC makes it é
        assert!(!can_draw("如何加快网站构建"));
        assert!(!can_draw("Launch day 🚀"));
    }

    #[test]
    fn pairs_are_kerned() {
        let fonts = fonts().unwrap();
        let face = Face::new(&fonts.title, 0, 76.0, 0.0);
        assert!(face.width("AV") < face.width("A") + face.width("V") - 1.0, "the font's kern table is read");
    }

    /// Two pixels a byte through the table, as [`overlay`] pixel by pixel does: glyphs at even
    /// and odd positions, overlapping each other, in both inks, and clipped at the edges.
    #[test]
    fn glyphs_are_laid_two_pixels_a_byte_as_pixel_by_pixel() {
        let fonts = fonts().unwrap();
        let face = Face::new(&fonts.title, 0, 90.0, 0.0);
        let glyphs: Vec<Bitmap> = "WAVé".chars().filter_map(|c| rasterize(&face, fonts.title.glyph_id(c))).collect();
        let mut canvas = Canvas::new(15);
        let mut reference = vec![0u8; (WIDTH * HEIGHT) as usize];
        for r in 0..HEIGHT as usize {
            reference[r * WIDTH as usize..][..BAND as usize].fill(15);
        }
        let places = [
            (200, 300, Ink::Foreground),
            (231, 300, Ink::Foreground),
            (262, 310, Ink::Accent),
            (263, 310, Ink::Accent),
            (-20, 100, Ink::Foreground),
            (1170, 620, Ink::Accent),
        ];
        for (n, (x, y, ink)) in places.into_iter().enumerate() {
            let bitmap = &glyphs[n % glyphs.len()];
            blit(&mut canvas, bitmap, x, y, ink);
            for (row, cells) in bitmap.coverage.chunks_exact(bitmap.width).enumerate() {
                for (c, &level) in cells.iter().enumerate() {
                    let (px, py) = (x + bitmap.left + c as i32, y + bitmap.top + row as i32);
                    if (0..WIDTH as i32).contains(&px) && (0..HEIGHT as i32).contains(&py) {
                        let cell = &mut reference[py as usize * WIDTH as usize + px as usize];
                        *cell = overlay(*cell, level, ink.base());
                    }
                }
            }
        }
        let unpacked: Vec<u8> = canvas.pixels.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect();
        assert!(unpacked.iter().any(|&p| p > LEVELS && p < 2 * LEVELS), "accent coverage was drawn");
        assert!(unpacked == reference, "the canvas differs from pixel-by-pixel drawing");
    }

    /// The bytes of one card, as a hash: the same on every system (the suite runs this under
    /// Wine too). Drawing changes must change `CARD_VERSION` and this number together.
    #[test]
    fn a_card_has_the_same_bytes_everywhere() {
        let bytes = render(&dark(), &card("Où trouver des idées neuves — l’été dernier à Zürich"));
        assert_eq!(xxhash_rust::xxh3::xxh3_64(&bytes), 7202735156962325591, "CARD_VERSION {CARD_VERSION}");
    }
}

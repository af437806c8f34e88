//! `style:` in site.yaml: the default theme's design tokens a site sets without touching CSS —
//! the accent colour (light and dark), the fonts, the corner radius. Each becomes a CSS custom
//! property the theme's stylesheet reads (`--accent`, `--font`, `--heading-font`, `--radius`),
//! written into every page's `<head>` after the theme's stylesheet, so it wins; what is not set
//! keeps the theme's value. Colours are checked for WCAG AA contrast against the theme's
//! backgrounds (links are accent-coloured text), values for characters that could end the CSS
//! declaration they are written into.

use crate::diag::Diagnostic;
use crate::yaml;
use serde::Deserialize;

/// Of the theme's backgrounds accent-coloured text is written on (`--bg`, `--bg-soft`,
/// `--bg-tint` in `site.css`), the one closest to it in each scheme: the tint, in light mode
/// the darkest, in dark mode the lightest.
const LIGHT_BACKGROUND: [u8; 3] = [0xea, 0xf2, 0xf8];
const DARK_BACKGROUND: [u8; 3] = [0x15, 0x26, 0x3a];

/// The faintest text the theme writes on the ground (the footer's small print).
const FAINTEST_ON_GROUND: [u8; 3] = [0xae, 0xbc, 0xce];

/// WCAG AA for body text: links are accent-coloured text.
const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, Hash, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    /// Links, buttons, focus rings and highlights, on the light background (`#rrggbb`).
    #[serde(default)]
    pub accent: Option<String>,
    /// The same on the dark background (dark mode); the theme's own when not set.
    #[serde(default)]
    pub accent_dark: Option<String>,
    /// Body text: a CSS font list, e.g. `"Inter, system-ui, sans-serif"`.
    #[serde(default)]
    pub font: Option<String>,
    /// Headings; the body font when not set.
    #[serde(default)]
    pub heading_font: Option<String>,
    /// Corner radius of cards, buttons and boxes, e.g. `4px`, `0`, `1rem`.
    #[serde(default)]
    pub radius: Option<String>,
    /// The deep colour under the hero, the call-to-action band and the footer (light text is
    /// written on it), `#rrggbb`; the theme's navy when not set.
    #[serde(default)]
    pub ground: Option<String>,
}

impl StyleConfig {
    /// Every problem of the values, each at its key under `style:`.
    pub fn problems(&self, src: yaml::Source<'_>, text: &str) -> Vec<Diagnostic> {
        let at = |key: &str, message: String, help: String| {
            let (line, col) = key_in_style(text, key);
            src.error_at(line, col, message).with_help(help)
        };
        let mut errors = Vec::new();
        for (key, value, background, scheme) in [
            ("accent", &self.accent, LIGHT_BACKGROUND, "the theme's light backgrounds (#eaf2f8 the darkest)"),
            ("accent_dark", &self.accent_dark, DARK_BACKGROUND, "the theme's dark backgrounds (#15263a the lightest)"),
        ] {
            let Some(value) = value else { continue };
            match super::parse_colour(value) {
                None => errors.push(at(
                    key,
                    format!("`{value}` is not a colour"),
                    "write a colour as `#` and six hexadecimal digits, in quotes, e.g. `\"#0a5a85\"`".into(),
                )),
                Some(rgb) if contrast(rgb, background) < MIN_CONTRAST => errors.push(at(
                    key,
                    format!("accent colour {value} is too faint on {scheme}: contrast {:.1}:1, links need at least 4.5:1", contrast(rgb, background)),
                    if key == "accent" { "choose a darker shade of it".into() } else { "choose a lighter shade of it".into() },
                )),
                Some(_) => {}
            }
        }
        if let Some(value) = &self.ground {
            match super::parse_colour(value) {
                None => errors.push(at(
                    "ground",
                    format!("`{value}` is not a colour"),
                    "write a colour as `#` and six hexadecimal digits, in quotes, e.g. `\"#13233f\"`".into(),
                )),
                // The hero's gradient ends on the lighter shade: the text must read there too.
                Some(rgb) if contrast(mix(rgb, [255; 3], 1), FAINTEST_ON_GROUND) < MIN_CONTRAST => errors.push(at(
                    "ground",
                    format!(
                        "ground colour {value} is too light for the light text written on it: contrast {:.1}:1, it needs at least 4.5:1",
                        contrast(mix(rgb, [255; 3], 1), FAINTEST_ON_GROUND)
                    ),
                    "choose a deeper shade of it, e.g. your brand colour mixed with black".into(),
                )),
                Some(_) => {}
            }
        }
        for (key, value) in [("font", &self.font), ("heading_font", &self.heading_font)] {
            if let Some(value) = value.as_deref().filter(|v| !is_font_list(v)) {
                errors.push(at(
                    key,
                    format!("`{value}` is not a list of fonts"),
                    "write font names separated by commas, e.g. `\"Inter, system-ui, sans-serif\"`; only letters, digits, spaces, `-`, `,` and quotes".into(),
                ));
            }
        }
        if let Some(value) = self.radius.as_deref().filter(|v| !is_length(v)) {
            errors.push(at("radius", format!("`{value}` is not a length"), "write a number and `px` or `rem`, e.g. `6px`, `0.5rem` or `0`".into()));
        }
        errors
    }

    /// The custom properties the values set, as a `<style>` body; `None` when nothing is set.
    /// Call after [`StyleConfig::problems`] found none.
    pub fn css(&self) -> Option<String> {
        // Both schemes: fonts, corners, the ground (light text on it either way).
        let mut both = String::new();
        if let Some(font) = &self.font {
            both.push_str(&format!("--font:{font};"));
        }
        if let Some(font) = self.heading_font.as_ref().or(self.font.as_ref()) {
            both.push_str(&format!("--heading-font:{font};"));
        }
        if let Some(radius) = &self.radius {
            // `calc(0 * 2 / 3)` is invalid CSS (a unitless zero cannot be multiplied into a length).
            let small = if radius.trim_start_matches(['0', '.']).is_empty() { "0".to_string() } else { format!("calc({radius} * 2 / 3)") };
            both.push_str(&format!("--radius:{radius};--radius-sm:{small};"));
        }
        if let Some(rgb) = self.ground.as_deref().and_then(super::parse_colour) {
            let [lighter, deeper] = [mix(rgb, [255; 3], 1), mix(rgb, [0; 3], 2)];
            both.push_str(&format!("--navy:{};--navy-2:{};--footer-bg:{};--footer-line:{};", hex(rgb), hex(lighter), hex(deeper), hex(lighter)));
        }
        // The accent of each scheme: the dark one, when not set, is the light one made light
        // enough to read on the dark background.
        let accent = self.accent.as_deref().and_then(super::parse_colour);
        let accent_dark = self.accent_dark.as_deref().and_then(super::parse_colour).or(accent.map(readable_on_dark));
        let mut css = String::new();
        if !both.is_empty() {
            css.push_str(&format!(":root{{{both}}}"));
        }
        if let Some(rgb) = accent {
            css.push_str(&format!("@media not all and (prefers-color-scheme: dark){{:root{{{}}}}}", accent_properties(rgb, [0, 0, 0])));
        }
        if let Some(rgb) = accent_dark {
            css.push_str(&format!("@media (prefers-color-scheme: dark){{:root{{{}}}}}", accent_properties(rgb, [255, 255, 255])));
        }
        (!css.is_empty()).then_some(css)
    }
}

/// `rgb` mixed with white just enough to read on the theme's dark background.
fn readable_on_dark(rgb: [u8; 3]) -> [u8; 3] {
    (0..=8).map(|eighths| mix(rgb, [255; 3], eighths)).find(|&c| contrast(c, DARK_BACKGROUND) >= MIN_CONTRAST).unwrap_or([255; 3])
}

/// The accent and what the theme derives from it: `--accent-strong` (hover: a quarter of the
/// way to `towards`, black on light pages, white on dark ones) and `--accent-contrast` (text on
/// an accent-coloured button: white or near-black, whichever reads better).
fn accent_properties(rgb: [u8; 3], towards: [u8; 3]) -> String {
    let strong = mix(rgb, towards, 2);
    let on_accent = if contrast(rgb, [255, 255, 255]) >= contrast(rgb, [0x0a, 0x16, 0x24]) { "#ffffff" } else { "#0a1624" };
    format!("--accent:{};--accent-strong:{};--accent-contrast:{on_accent};", hex(rgb), hex(strong))
}

/// `rgb` moved `eighths`/8 of the way to `towards`.
fn mix(rgb: [u8; 3], towards: [u8; 3], eighths: u16) -> [u8; 3] {
    std::array::from_fn(|i| ((u16::from(rgb[i]) * (8 - eighths) + u16::from(towards[i]) * eighths) / 8) as u8)
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white).
pub fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

/// WCAG 2 contrast ratio of two sRGB colours, 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Font names separated by commas: nothing that could end the declaration (`;`, `}`, `<`).
fn is_font_list(value: &str) -> bool {
    !value.trim().is_empty() && value.chars().all(|c| c.is_alphanumeric() || " -_,.'\"".contains(c))
}

/// `0`, or a positive number and `px`, `rem` or `em`.
fn is_length(value: &str) -> bool {
    let value = value.trim();
    if value == "0" {
        return true;
    }
    let number = value.strip_suffix("px").or_else(|| value.strip_suffix("rem")).or_else(|| value.strip_suffix("em"));
    number.is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.') && n.parse::<f64>().is_ok_and(|v| v <= 100.0))
}

/// (line, column) of `key:` inside the `style:` block of `text`.
fn key_in_style(text: &str, key: &str) -> (usize, usize) {
    let start = yaml::key_position(text, "style").map_or(0, |(line, _)| text.split_inclusive('\n').take(line - 1).map(str::len).sum());
    yaml::key_in_item(text, start, key)
}

#[cfg(test)]
mod tests {
    use crate::config::SiteConfig;
    use std::path::Path;

    fn parse(style: &str) -> Result<SiteConfig, Vec<crate::diag::Diagnostic>> {
        SiteConfig::parse(Path::new("site.yaml"), &format!("title: T\nsocial_card:\n  accent: \"#f2b84b\"\nstyle:\n{style}"))
    }

    #[test]
    fn tokens_become_custom_properties_light_and_dark() {
        let c = parse("  accent: \"#7c3aed\"\n  accent_dark: \"#c4b5fd\"\n  font: \"Inter, system-ui, sans-serif\"\n  radius: 4px\n  ground: \"#2e1065\"\n")
            .unwrap();
        let css = c.style.css().unwrap();
        assert!(css.starts_with(":root{--font:Inter, system-ui, sans-serif;--heading-font:Inter, system-ui, sans-serif;--radius:4px;--radius-sm:calc(4px * 2 / 3);--navy:#2e1065;--navy-2:#482d78;--footer-bg:#220c4b;"), "{css}");
        // Each accent only in its own scheme, so the light one never lands on the dark page.
        assert!(
            css.contains("@media not all and (prefers-color-scheme: dark){:root{--accent:#7c3aed;--accent-strong:#5d2bb1;--accent-contrast:#ffffff;}}"),
            "{css}"
        );
        assert!(css.contains("@media (prefers-color-scheme: dark){:root{--accent:#c4b5fd;"), "{css}");
        // Without accent_dark, the dark page gets the accent lightened until it reads there.
        let c = parse("  accent: \"#7c3aed\"\n").unwrap();
        let css = c.style.css().unwrap();
        let dark = css.split("@media (prefers-color-scheme: dark){:root{--accent:#").nth(1).unwrap();
        let rgb = crate::config::parse_colour(&format!("#{}", &dark[..6])).unwrap();
        assert!(super::contrast(rgb, super::DARK_BACKGROUND) >= 4.5 && rgb != [255; 3], "{css}");
        assert_eq!(parse("  {}\n").unwrap().style.css(), None, "nothing set, nothing written");
    }

    #[test]
    fn faint_colours_and_unsafe_values_are_errors_at_their_keys() {
        let square = parse("  radius: 0\n").unwrap().style.css().unwrap_or_default();
        assert!(square.contains("--radius:0;--radius-sm:0;"), "{square}");
        let errs = parse("  accent: \"#ffd54f\"\n  accent_dark: \"#1e3a8a\"\n  font: \"x; } body { display: none\"\n  radius: 12\n").unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|d| format!("{}:{} {}", d.line.unwrap_or(0), d.col.unwrap_or(0), d.message)).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].starts_with("5:3 accent colour #ffd54f is too faint on the theme's light backgrounds"), "{msgs:?}");
        assert!(msgs[1].starts_with("6:3 accent colour #1e3a8a is too faint on the theme's dark backgrounds"), "{msgs:?}");
        assert!(msgs[2].starts_with("7:3 `x; } body { display: none` is not a list of fonts"), "{msgs:?}");
        assert!(msgs[3].starts_with("8:3 `12` is not a length"), "{msgs:?}");
        let errs = parse("  ground: \"#7c3aed\"\n").unwrap_err();
        assert!(errs[0].message.contains("too light for the light text"), "{errs:?}");
        let errs = parse("  accent: orange\n").unwrap_err();
        assert!(errs[0].message.contains("`orange` is not a colour"), "{errs:?}");
    }
}

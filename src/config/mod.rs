//! `site.yaml`: the site's configuration. Deserialized strictly (unknown keys are errors with a
//! "did you mean" hint) and then validated into the options the pipeline uses.

use crate::diag::{Diagnostic, Kind};
use crate::yaml;
use serde::Deserialize;
use std::path::Path;

pub mod forms;
pub mod style;
pub use forms::ContactConfig;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub organisation: Option<Organisation>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    #[serde(default = "default_highlight_theme")]
    pub highlight_theme: String,
    #[serde(default = "default_highlight_theme_dark")]
    pub highlight_theme_dark: String,
    #[serde(default)]
    pub feed: FeedConfig,
    #[serde(default)]
    pub contact: ContactConfig,
    #[serde(default)]
    pub banners: BannerConfig,
    /// Set by `build --env staging`, never by site.yaml (see `BuildOptions::staging`).
    #[serde(skip)]
    pub staging: bool,
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    #[serde(default)]
    pub images: ImageOptions,
    /// The colours and wording of the generated social cards (`og:image`).
    #[serde(default)]
    pub social_card: SocialCard,
    /// The default theme's design tokens: accent colours, fonts, corner radius.
    #[serde(default)]
    pub style: style::StyleConfig,
    /// Whether the site has `static/css/custom.css`, which every page then loads after the
    /// theme's stylesheet. Set by the pipeline from the files it found, never by site.yaml.
    #[serde(skip)]
    pub custom_css: bool,
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// How raster images (JPEG, PNG, WebP) are published (`images:` in site.yaml).
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ImageOptions {
    /// The widths, in pixels, each image is published at (only those below its own width).
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1–100.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// Whether WebP copies are offered beside the original format.
    #[serde(default = "yes")]
    pub webp: bool,
    /// The `sizes` attribute of an image in an article's text: how wide it is shown.
    #[serde(default = "default_sizes")]
    pub sizes: String,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions { widths: default_widths(), quality: default_quality(), webp: true, sizes: default_sizes() }
    }
}

fn default_widths() -> Vec<u32> {
    vec![480, 800, 1200, 1600, 2400]
}
fn default_quality() -> u8 {
    80
}
fn default_sizes() -> String {
    "(min-width: 48rem) 44rem, calc(100vw - 2.5rem)".into()
}

/// The generated social cards: colours as `#rrggbb`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SocialCard {
    #[serde(default = "default_card_background")]
    pub background: String,
    #[serde(default = "default_card_text")]
    pub text: String,
    #[serde(default = "default_card_accent")]
    pub accent: String,
}

impl Default for SocialCard {
    fn default() -> Self {
        SocialCard { background: default_card_background(), text: default_card_text(), accent: default_card_accent() }
    }
}

fn default_card_background() -> String {
    "#0b3a4a".into()
}
fn default_card_text() -> String {
    "#ffffff".into()
}
fn default_card_accent() -> String {
    "#f2b84b".into()
}

/// Smallest and largest width an image may be published at.
pub const IMAGE_WIDTHS: std::ops::RangeInclusive<u32> = 16..=8192;

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telephone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
    #[serde(default = "default_feed_filename")]
    pub filename: String,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { enabled: true, limit: default_feed_limit(), filename: default_feed_filename() }
    }
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct BannerConfig {
    #[serde(default = "default_disclosure")]
    pub disclosure: String,
    #[serde(default)]
    pub utm: Utm,
}

/// UTM parameters appended to affiliate links; banner values override the site's defaults.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Utm {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub medium: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

fn yes() -> bool {
    true
}
fn default_base_url() -> String {
    "http://127.0.0.1:1111".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into(), "categories".into()]
}
fn default_paginate_by() -> usize {
    10
}
fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}
fn default_highlight_theme_dark() -> String {
    "base16-ocean.dark".into()
}
fn default_feed_limit() -> usize {
    20
}
fn default_feed_filename() -> String {
    "atom.xml".into()
}
fn default_disclosure() -> String {
    "Sponsored".into()
}

impl SiteConfig {
    /// Parses and validates `site.yaml` text. All problems come back together.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let src = yaml::Source::file(Kind::Config, path, text);
        let yaml::Collected { value, mut errors, .. } = yaml::parse_collecting::<SiteConfig>(text, src);
        let Some(mut config) = value else { return Err(errors) };
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            errors.push(
                src.error_at_key(text, "base_url", format!("base_url `{}` is not an http(s) URL", config.base_url))
                    .with_help("write the full address, e.g. `base_url: \"https://www.example.com\"`"),
            );
        }
        if config.paginate_by == 0 {
            errors.push(src.error_at_key(text, "paginate_by", "paginate_by must be at least 1").with_help("use e.g. `paginate_by: 10`"));
        }
        for t in &config.taxonomies {
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_') {
                errors.push(
                    src.error_at_key(text, "taxonomies", format!("taxonomy name `{t}` must be lowercase letters, `-` or `_`"))
                        .with_help("use names like `tags` or `categories`"),
                );
            }
        }
        errors.extend(config.contact.problems(src, text));
        errors.extend(config.image_problems(src, text));
        errors.extend(config.style.problems(src, text));
        if config.extra.is_null() {
            config.extra = serde_json::Value::Object(Default::default());
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// `images:` and `social_card:` values out of range, each at its key.
    fn image_problems(&mut self, src: yaml::Source<'_>, text: &str) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let images = &mut self.images;
        if images.widths.is_empty() || images.widths.iter().any(|w| !IMAGE_WIDTHS.contains(w)) {
            errors.push(
                src.error_at_key(text, "widths", format!("image widths must be between {} and {} pixels", IMAGE_WIDTHS.start(), IMAGE_WIDTHS.end()))
                    .with_help("list a few widths, e.g. `widths: [480, 800, 1200, 1600, 2400]`"),
            );
        }
        images.widths.sort_unstable();
        images.widths.dedup();
        if !(1..=100).contains(&images.quality) {
            errors.push(src.error_at_key(text, "quality", "image quality must be between 1 and 100").with_help("80 is a good balance of size and sharpness"));
        }
        let card = &self.social_card;
        for (key, value) in [("background", &card.background), ("text", &card.text), ("accent", &card.accent)] {
            if parse_colour(value).is_none() {
                errors.push(
                    src.error_at_key(text, key, format!("`{value}` is not a colour"))
                        .with_help("write a colour as `#` and six hexadecimal digits, e.g. `\"#0b3a4a\"` (in quotes: `#` starts a comment)"),
                );
            }
        }
        errors
    }

    /// Absolute URL for a site path like `/articles/x/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `#rrggbb` or `#rgb` as red, green and blue.
pub fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = hex.as_bytes();
    match b.len() {
        6 => Some([digit(b[0])? * 16 + digit(b[1])?, digit(b[2])? * 16 + digit(b[3])?, digit(b[4])? * 16 + digit(b[5])?]),
        3 => Some([digit(b[0])? * 17, digit(b[1])? * 17, digit(b[2])? * 17]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_options_have_defaults_and_limits() {
        let c = SiteConfig::parse(Path::new("site.yaml"), "title: T\n").unwrap();
        assert_eq!(c.images.widths, vec![480, 800, 1200, 1600, 2400]);
        assert_eq!(c.images.quality, 80);
        let c = SiteConfig::parse(Path::new("site.yaml"), "title: T\nimages:\n  widths: [1200, 300, 300]\n").unwrap();
        assert_eq!(c.images.widths, vec![300, 1200]);
        let errs = SiteConfig::parse(Path::new("site.yaml"), "title: T\nimages:\n  widths: [0]\n  quality: 101\nsocial_card:\n  accent: orange\n").unwrap_err();
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(3), Some(4), Some(6)], "{errs:?}");
        assert_eq!(parse_colour("#0B3a4a"), Some([11, 58, 74]));
        assert_eq!(parse_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("fff"), None);
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = SiteConfig::parse(Path::new("site.yaml"), "title: T\nbase_url: https://x.test/\n").unwrap();
        assert_eq!(c.base_url, "https://x.test");
        assert_eq!(c.taxonomies, vec!["tags", "categories"]);
        assert_eq!(c.contact.endpoint, "/api/contact");
        assert_eq!(c.permalink("/a/"), "https://x.test/a/");
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let errs = SiteConfig::parse(Path::new("site.yaml"), "title: T\npaginat_by: 3\n").unwrap_err();
        assert_eq!(errs[0].line, Some(2));
        assert!(errs[0].help.as_deref().unwrap().contains("`paginate_by`"));
    }

    #[test]
    fn problems_are_about_the_config() {
        let errs = SiteConfig::parse(Path::new("site.yaml"), "title: T\npaginat_by: 3\nbase_url: ftp://x\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|e| e.kind == Kind::Config && e.is_error()), "{errs:?}");
    }

    #[test]
    fn nested_unknown_key_is_found() {
        let errs = SiteConfig::parse(Path::new("site.yaml"), "title: T\nfeed:\n  limt: 3\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (Some(3), Some(3)));
        assert!(errs[0].help.as_deref().unwrap().contains("`limit`"));
    }
}

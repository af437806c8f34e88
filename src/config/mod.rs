//! `site.yaml`: the site's configuration. Deserialized strictly (unknown keys are errors with a
//! "did you mean" hint) and then validated into the options the pipeline uses.

use crate::diag::{Diagnostic, Kind};
use crate::yaml;
use serde::Deserialize;
use std::path::Path;

pub mod forms;
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
    pub extra: serde_json::Value,
}

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
        if config.extra.is_null() {
            config.extra = serde_json::Value::Object(Default::default());
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Absolute URL for a site path like `/articles/x/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

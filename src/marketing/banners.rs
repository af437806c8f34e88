//! Affiliate banners: `content/banners.yaml`. Scheduling (starts/ends against the build date),
//! sizes, placements, UTM parameters, and the weighted, deterministic choice of which banner a
//! page shows in a placement.

use crate::config::{SiteConfig, Utm};
use crate::diag::{Diagnostic, Kind};
use crate::load::{Asset, SourceFile};
use crate::parse::front_matter::parse_date;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::Date;

pub const PLACEMENTS: &[&str] = &["sidebar", "article-end", "footer", "in-article"];

/// Sizes by name; `horizontal`/`vertical` are accepted as the SPEC's orientation words.
pub const SIZES: &[(&str, u32, u32, &str)] = &[
    ("leaderboard", 728, 90, "horizontal"),
    ("horizontal", 728, 90, "horizontal"),
    ("skyscraper", 160, 600, "vertical"),
    ("vertical", 160, 600, "vertical"),
    ("rectangle", 300, 250, "rectangle"),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    banners: Vec<RawBanner>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBanner {
    id: String,
    partner: String,
    href: String,
    image: String,
    alt: String,
    size: String,
    #[serde(default)]
    placements: Vec<String>,
    #[serde(default = "one")]
    weight: u32,
    #[serde(default)]
    starts: Option<String>,
    #[serde(default)]
    ends: Option<String>,
    #[serde(default)]
    utm: Utm,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    pub id: String,
    pub partner: String,
    /// The partner's URL with UTM parameters appended.
    pub target: String,
    /// Where the banner links: the `/go/<id>/` redirect page.
    pub href: String,
    pub image: String,
    pub alt: String,
    pub size: String,
    pub orientation: String,
    pub width: u32,
    pub height: u32,
    pub placements: Vec<String>,
    pub weight: u32,
    /// Within its dates on the build date.
    pub active: bool,
}

/// Appends UTM parameters (banner values over site defaults) to `href`.
pub fn with_utm(href: &str, site: &Utm, banner: &Utm) -> String {
    let pairs = [
        ("utm_source", banner.source.as_ref().or(site.source.as_ref())),
        ("utm_medium", banner.medium.as_ref().or(site.medium.as_ref())),
        ("utm_campaign", banner.campaign.as_ref().or(site.campaign.as_ref())),
        ("utm_term", banner.term.as_ref().or(site.term.as_ref())),
        ("utm_content", banner.content.as_ref().or(site.content.as_ref())),
    ];
    let (base, fragment) = match href.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (href, None),
    };
    let mut url = base.to_string();
    for (k, v) in pairs {
        if let Some(v) = v {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode(v));
        }
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn parse(f: &SourceFile, config: &SiteConfig, assets: &[Asset], today: Date) -> Result<Vec<Banner>, Vec<Diagnostic>> {
    let src = yaml::Source::file(Kind::Marketing, &f.shown, &f.text);
    let raw: RawFile = yaml::parse(&f.text, src).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    let mut seen_ids: Vec<String> = Vec::new();
    for b in raw.banners {
        // Position of this banner's keys, for messages.
        let occurrence = seen_ids.iter().filter(|i| **i == b.id).count();
        seen_ids.push(b.id.clone());
        let item_start = crate::yaml::item_offset(&f.text, "id", &b.id, occurrence).unwrap_or(0);
        let at = |key: &str, msg: String, help: &str| {
            let (line, col) = crate::yaml::key_in_item(&f.text, item_start, key);
            Diagnostic::at(&f.shown, &f.text, line, col, msg).with_help(help.to_string()).kind(Kind::Marketing)
        };
        if !ids.insert(b.id.clone()) {
            errors.push(at("id", format!("banner id `{}` is used twice", b.id), "give every banner its own id"));
        }
        if b.id.is_empty() || !b.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            errors.push(at("id", format!("banner id `{}` must be lowercase letters, digits and `-`", b.id), "it becomes the URL /go/<id>/"));
        }
        let size = SIZES.iter().find(|(n, _, _, _)| *n == b.size);
        if size.is_none() {
            errors.push(at("size", format!("unknown banner size `{}`", b.size), "use leaderboard (728×90), skyscraper (160×600) or rectangle (300×250)"));
        }
        for p in &b.placements {
            if !PLACEMENTS.contains(&p.as_str()) {
                let near = crate::diag::closest(p, PLACEMENTS.iter().copied());
                errors.push(at(
                    "placements",
                    format!("unknown placement `{p}` on banner `{}`", b.id),
                    &match near {
                        Some(n) => format!("did you mean `{n}`? Placements: {}", PLACEMENTS.join(", ")),
                        None => format!("placements: {}", PLACEMENTS.join(", ")),
                    },
                ));
            }
        }
        if !(b.href.starts_with("https://") || b.href.starts_with("http://")) {
            errors.push(at("href", format!("banner `{}` href must be a full http(s) URL", b.id), "e.g. `href: \"https://partner.example/offer\"`"));
        }
        if b.alt.trim().is_empty() {
            errors.push(at("alt", format!("banner `{}` has empty alt text", b.id), "describe what the banner says for people using screen readers"));
        }
        let image_path = b.image.trim_start_matches('/');
        if !b.image.starts_with("http") && !assets.iter().any(|a| a.out == image_path) {
            errors.push(at(
                "image",
                format!("banner image `{}` not found", b.image),
                "put the file under static/ (e.g. static/banners/x.svg) and write `image: /banners/x.svg`",
            ));
        }
        let starts = b.starts.as_deref().map(|s| (s, parse_date(s)));
        let ends = b.ends.as_deref().map(|s| (s, parse_date(s)));
        for (key, v) in [("starts", &starts), ("ends", &ends)] {
            if let Some((s, None)) = v {
                errors.push(at(key, format!("`{key}: {s}` is not a valid date"), "write dates as YYYY-MM-DD"));
            }
        }
        let (s, e) = (starts.and_then(|(_, d)| d).map(|d| d.date()), ends.and_then(|(_, d)| d).map(|d| d.date()));
        if let (Some(s), Some(e)) = (s, e) {
            if e < s {
                errors.push(at("ends", format!("banner `{}` ends ({e}) before it starts ({s})", b.id), "swap the dates or correct the typo"));
            }
        }
        let active = s.is_none_or(|s| s <= today) && e.is_none_or(|e| today <= e);
        let Some((size_name, w, h, orientation)) = size else { continue };
        out.push(Banner {
            target: with_utm(&b.href, &config.banners.utm, &b.utm),
            href: format!("/go/{}/", b.id),
            id: b.id,
            partner: b.partner,
            image: b.image,
            alt: b.alt,
            size: size_name.to_string(),
            orientation: orientation.to_string(),
            width: *w,
            height: *h,
            placements: b.placements,
            weight: b.weight.max(1),
            active,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The banner `page_key` shows in `placement`: a weighted choice among active banners for that
/// placement, deterministic for the page (same input, same output).
pub fn choose<'a>(banners: &'a [Banner], placement: &str, page_key: &str) -> Option<&'a Banner> {
    choose_where(banners, placement, page_key, |_| true)
}

/// What phones show instead of `chosen` in `placement` when `chosen` is a horizontal banner
/// (728 px wide, its words about 6 px tall on a phone; the default theme switches below 768 px,
/// where it would have to shrink): an active banner of that placement no
/// wider than a phone, chosen like [`choose`]; `None` (the slot stays empty on phones) when the
/// site has none, or when `chosen` fits a phone already.
pub fn for_phones<'a>(banners: &'a [Banner], chosen: &Banner, placement: &str, page_key: &str) -> Option<&'a Banner> {
    if chosen.orientation != "horizontal" {
        return None;
    }
    choose_where(banners, placement, page_key, |b| b.orientation != "horizontal" && b.width <= 320)
}

fn choose_where<'a>(banners: &'a [Banner], placement: &str, page_key: &str, fits: impl Fn(&Banner) -> bool) -> Option<&'a Banner> {
    let candidates: Vec<&Banner> = banners.iter().filter(|b| b.active && b.placements.iter().any(|p| p == placement) && fits(b)).collect();
    let total: u64 = candidates.iter().map(|b| u64::from(b.weight)).sum();
    if total == 0 {
        return None;
    }
    let mut pick = crate::hash::fnv1a(&format!("{page_key}\u{0}{placement}")) % total;
    for b in candidates {
        let w = u64::from(b.weight);
        if pick < w {
            return Some(b);
        }
        pick -= w;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn cfg() -> SiteConfig {
        SiteConfig::parse(std::path::Path::new("site.yaml"), "title: T\nbanners:\n  utm: { source: site, medium: banner }\n").unwrap()
    }

    fn assets() -> Vec<Asset> {
        vec![Asset { src: PathBuf::from("static/b.svg"), file: PathBuf::from("/site/static/b.svg"), out: "b.svg".into() }]
    }

    fn file(text: &str) -> SourceFile {
        SourceFile { rel: "banners.yaml".into(), shown: PathBuf::from("content/banners.yaml"), text: text.into() }
    }

    const ONE: &str = "banners:\n  - id: a\n    partner: P\n    href: https://p.example/x\n    image: /b.svg\n    alt: P banner\n    size: rectangle\n    placements: [sidebar]\n    utm: { campaign: c1 }\n";

    #[test]
    fn parses_and_appends_utm() {
        let b = parse(&file(ONE), &cfg(), &assets(), Date::from_calendar_date(2026, time::Month::January, 1).unwrap()).unwrap();
        assert_eq!(b[0].target, "https://p.example/x?utm_source=site&utm_medium=banner&utm_campaign=c1");
        assert_eq!((b[0].width, b[0].height), (300, 250));
        assert!(b[0].active);
    }

    #[test]
    fn validation_errors_all_reported() {
        let text = "banners:\n  - id: a\n    partner: P\n    href: https://p.example/\n    image: /missing.svg\n    alt: x\n    size: rectangle\n    placements: [sidebr]\n    starts: 2026-05-01\n    ends: 2026-01-01\n  - id: a\n    partner: P\n    href: https://p.example/\n    image: /b.svg\n    alt: x\n    size: rectangle\n";
        let e = parse(&file(text), &cfg(), &assets(), Date::from_calendar_date(2026, time::Month::January, 1).unwrap()).unwrap_err();
        let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("not found")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("unknown placement `sidebr`")));
        assert!(msgs.iter().any(|m| m.contains("ends (2026-01-01) before it starts")));
        assert!(msgs.iter().any(|m| m.contains("used twice")));
        let ends = e.iter().find(|d| d.message.contains("before it starts")).unwrap();
        assert_eq!(ends.line, Some(10));
    }

    #[test]
    fn scheduling_and_deterministic_weighted_choice() {
        let mut banners = Vec::new();
        for (i, w) in [(0, 1u32), (1, 3)] {
            banners.push(Banner {
                id: format!("b{i}"),
                partner: "P".into(),
                target: "t".into(),
                href: "h".into(),
                image: "i".into(),
                alt: "a".into(),
                size: "rectangle".into(),
                orientation: "rectangle".into(),
                width: 1,
                height: 1,
                placements: vec!["sidebar".into()],
                weight: w,
                active: true,
            });
        }
        let a = choose(&banners, "sidebar", "articles/x.md").unwrap().id.clone();
        assert_eq!(choose(&banners, "sidebar", "articles/x.md").unwrap().id, a);
        let heavy = (0..400).filter(|i| choose(&banners, "sidebar", &format!("p{i}")).unwrap().id == "b1").count();
        assert!((240..360).contains(&heavy), "weight 3 of 4 should win about 300 of 400, got {heavy}");
        assert!(choose(&banners, "footer", "x").is_none());
        banners[1].active = false;
        assert!((0..50).all(|i| choose(&banners, "sidebar", &format!("p{i}")).unwrap().id == "b0"));
    }

    #[test]
    fn a_leaderboard_gets_a_banner_for_phones_of_its_placement_when_there_is_one() {
        let banner = |id: &str, size: &str, orientation: &str, width: u32, placements: &[&str]| Banner {
            id: id.into(),
            partner: "P".into(),
            target: "t".into(),
            href: "h".into(),
            image: "i".into(),
            alt: "a".into(),
            size: size.into(),
            orientation: orientation.into(),
            width,
            height: 90,
            placements: placements.iter().map(|p| p.to_string()).collect(),
            weight: 1,
            active: true,
        };
        let mut banners = vec![
            banner("wide", "leaderboard", "horizontal", 728, &["footer", "article-end"]),
            banner("wide2", "leaderboard", "horizontal", 728, &["article-end"]),
            banner("tall", "skyscraper", "vertical", 160, &["sidebar"]),
            banner("box", "rectangle", "rectangle", 300, &["article-end"]),
        ];
        let for_phones_of = |banners: &[Banner], id: &str, placement: &str| {
            let chosen = banners.iter().find(|b| b.id == id).unwrap();
            for_phones(banners, chosen, placement, "articles/x.md").map(|b| b.id.clone())
        };
        assert_eq!(for_phones_of(&banners, "wide", "article-end").as_deref(), Some("box"), "never another leaderboard");
        assert_eq!(for_phones_of(&banners, "wide", "footer"), None, "no banner of the footer fits a phone");
        assert_eq!(for_phones_of(&banners, "tall", "sidebar"), None, "a skyscraper fits a phone as it is");
        banners[3].active = false;
        assert_eq!(for_phones_of(&banners, "wide", "article-end"), None, "an inactive banner is not shown");
    }
}

//! Pricing tiers: `content/pricing/<group>.yaml`. Prices are formatted per currency; a group
//! gets a comparison table when its tiers share named features.

use crate::diag::{Diagnostic, Kind};
use crate::load::SourceFile;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PriceSpec {
    /// `custom` or `contact us`.
    Word(String),
    Amount(Price),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub amount: f64,
    pub currency: String,
    #[serde(default)]
    pub period: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Feature {
    Plain(String),
    Named { name: String, value: String },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallToAction {
    pub text: String,
    #[serde(default)]
    pub href: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    id: String,
    name: String,
    #[serde(default)]
    price: Option<PriceSpec>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    features: Vec<Feature>,
    #[serde(default)]
    cta: Option<CallToAction>,
    #[serde(default)]
    highlighted: bool,
    #[serde(default)]
    badge: Option<String>,
    #[serde(default)]
    weight: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    tiers: Vec<RawTier>,
}

/// A feature as templates see it: `name` is absent for a plain feature.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FeatureView {
    pub name: Option<String>,
    pub value: String,
}

impl From<&Feature> for FeatureView {
    fn from(f: &Feature) -> Self {
        match f {
            Feature::Plain(text) => FeatureView { name: None, value: text.clone() },
            Feature::Named { name, value } => FeatureView { name: Some(name.clone()), value: value.clone() },
        }
    }
}

/// A tier as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Tier {
    pub id: String,
    pub name: String,
    /// `$1,290`, or `Custom` for a custom price.
    pub price_display: String,
    /// `/month`, `one-time`, or empty.
    pub period_display: String,
    pub custom: bool,
    /// Numeric price for structured data (`1290.00`), absent when custom.
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub summary: String,
    pub features: Vec<FeatureView>,
    pub cta_text: String,
    pub cta_href: String,
    pub highlighted: bool,
    pub badge: Option<String>,
    pub weight: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonRow {
    pub name: String,
    /// One cell per tier, in tier order (`—` where a tier lacks the feature).
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PricingGroup {
    /// File stem, e.g. `websites`; also the anchor on /pricing/.
    pub id: String,
    #[serde(skip)]
    pub key: String,
    #[serde(skip)]
    pub shown: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub tiers: Vec<Tier>,
    pub comparison: Vec<ComparisonRow>,
    /// Where each tier's `id:` is written: (id, line, column, source line), for messages.
    #[serde(skip)]
    pub tier_positions: Vec<(String, usize, usize, String)>,
}

/// `1290` in `USD` → `$1,290`; two decimals only when the amount has cents.
pub fn format_price(amount: f64, currency: &str) -> String {
    let cents = (amount * 100.0).round() as i64;
    let whole = cents / 100;
    let frac = cents % 100;
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let number = if frac != 0 { format!("{grouped}.{:02}", frac.abs()) } else { grouped };
    let sign = if whole < 0 { "-" } else { "" };
    match currency.to_ascii_uppercase().as_str() {
        "USD" => format!("{sign}${number}"),
        "EUR" => format!("{sign}€{number}"),
        "GBP" => format!("{sign}£{number}"),
        "JPY" => format!("{sign}¥{number}"),
        "INR" => format!("{sign}₹{number}"),
        "AUD" => format!("{sign}A${number}"),
        "CAD" => format!("{sign}CA${number}"),
        other => format!("{sign}{number} {other}"),
    }
}

fn period_display(p: Option<&str>) -> String {
    match p.map(str::trim) {
        None | Some("") => String::new(),
        Some("month" | "monthly") => "/month".into(),
        Some("year" | "yearly" | "annual") => "/year".into(),
        Some("week") => "/week".into(),
        Some("hour") => "/hour".into(),
        Some(other) => other.to_string(),
    }
}

pub fn parse(f: &SourceFile) -> Result<PricingGroup, Vec<Diagnostic>> {
    let src = yaml::Source::file(Kind::Marketing, &f.shown, &f.text);
    let raw: RawGroup = yaml::parse(&f.text, src).map_err(|d| vec![d])?;
    let id = crate::text::slugify(f.rel.trim_start_matches("pricing/").rsplit_once('.').map_or("", |(s, _)| s));
    let mut errors = Vec::new();
    if raw.tiers.is_empty() {
        errors.push(
            src.error_at_key(&f.text, "tiers", format!("pricing group `{}` has no tiers", raw.title))
                .with_help("add `tiers:` with at least one tier: id, name, price, summary, features"),
        );
    }
    let at_tier = |id: &str, key: &str| -> (usize, usize) {
        let start = crate::yaml::item_offset(&f.text, "id", id, 0).unwrap_or(0);
        crate::yaml::key_in_item(&f.text, start, key)
    };
    let mut tiers = Vec::new();
    for t in raw.tiers {
        let (custom, price_display, amount, currency, period) = match &t.price {
            None => {
                let (l, c) = at_tier(&t.id, "id");
                errors.push(
                    Diagnostic::at(&f.shown, &f.text, l, c, format!("tier `{}` has no price", t.id))
                        .with_help("add `price: { amount: 499, currency: USD, period: month }` or `price: custom`")
                        .kind(Kind::Marketing),
                );
                continue;
            }
            Some(PriceSpec::Word(w)) => {
                let lw = w.trim().to_lowercase();
                if lw != "custom" && lw != "contact us" {
                    let (l, c) = at_tier(&t.id, "price");
                    errors.push(
                        Diagnostic::at(&f.shown, &f.text, l, c, format!("price `{w}` of tier `{}` is not understood", t.id))
                            .with_help("write `price: custom`, or `price: { amount: 499, currency: USD, period: month }`")
                            .kind(Kind::Marketing),
                    );
                    continue;
                }
                (true, "Custom".to_string(), None, None, String::new())
            }
            Some(PriceSpec::Amount(p)) => {
                if !(p.amount.is_finite() && p.amount >= 0.0) || p.currency.len() != 3 || !p.currency.chars().all(|c| c.is_ascii_alphabetic()) {
                    let (l, c) = at_tier(&t.id, "price");
                    errors.push(
                        Diagnostic::at(&f.shown, &f.text, l, c, format!("price of tier `{}` needs a non-negative amount and a 3-letter currency code", t.id))
                            .with_help("e.g. `price: { amount: 499, currency: USD }`")
                            .kind(Kind::Marketing),
                    );
                    continue;
                }
                (
                    false,
                    format_price(p.amount, &p.currency),
                    Some(format!("{:.2}", p.amount)),
                    Some(p.currency.to_ascii_uppercase()),
                    period_display(p.period.as_deref()),
                )
            }
        };
        let cta = t.cta.clone().unwrap_or(CallToAction { text: if custom { "Contact us".into() } else { "Get started".into() }, href: None });
        tiers.push(Tier {
            cta_href: cta.href.clone().unwrap_or_else(|| format!("/contact/?plan={}", t.id)),
            cta_text: cta.text,
            id: t.id,
            name: t.name,
            price_display,
            period_display: period,
            custom,
            amount,
            currency,
            summary: t.summary,
            features: t.features.iter().map(FeatureView::from).collect(),
            highlighted: t.highlighted,
            badge: t.badge.filter(|b| !b.trim().is_empty()),
            weight: t.weight,
        });
    }
    tiers.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.id.cmp(&b.id)));
    let comparison = comparison(&tiers);
    let tier_positions = tiers
        .iter()
        .map(|t| {
            let (l, c) = at_tier(&t.id, "id");
            (t.id.clone(), l, c, f.text.lines().nth(l - 1).unwrap_or("").to_string())
        })
        .collect();
    if errors.is_empty() {
        Ok(PricingGroup {
            id,
            key: f.rel.clone(),
            shown: f.shown.clone(),
            title: raw.title,
            description: raw.description,
            weight: raw.weight,
            tiers,
            comparison,
            tier_positions,
        })
    } else {
        Err(errors)
    }
}

/// Rows of named features when at least two tiers share a name; empty otherwise.
pub fn comparison(tiers: &[Tier]) -> Vec<ComparisonRow> {
    let mut names: Vec<&str> = Vec::new();
    for t in tiers {
        for f in &t.features {
            if let Some(name) = &f.name {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
    }
    let shared = names.iter().any(|n| tiers.iter().filter(|t| t.features.iter().any(|f| f.name.as_deref() == Some(*n))).count() >= 2);
    if !shared || tiers.len() < 2 {
        return Vec::new();
    }
    names
        .iter()
        .map(|n| ComparisonRow {
            name: n.to_string(),
            values: tiers
                .iter()
                .map(|t| t.features.iter().find(|f| f.name.as_deref() == Some(*n)).map(|f| f.value.clone()).unwrap_or_else(|| "—".into()))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile { rel: "pricing/web.yaml".into(), shown: PathBuf::from("content/pricing/web.yaml"), text: text.into() }
    }

    #[test]
    fn formats_prices_per_currency() {
        assert_eq!(format_price(1290.0, "USD"), "$1,290");
        assert_eq!(format_price(1234567.5, "EUR"), "€1,234,567.50");
        assert_eq!(format_price(99.0, "chf"), "99 CHF");
        assert_eq!(format_price(0.0, "GBP"), "£0");
    }

    #[test]
    fn parses_group_with_comparison() {
        let g = parse(&file(
            "title: Web\ntiers:\n  - id: a\n    name: A\n    price: { amount: 10, currency: USD, period: month }\n    features: [x, { name: Pages, value: \"5\" }]\n  - id: b\n    name: B\n    price: custom\n    features: [{ name: Pages, value: \"50\" }]\n",
        ))
        .unwrap();
        assert_eq!(g.id, "web");
        assert_eq!(g.tiers[0].price_display, "$10");
        assert_eq!(g.tiers[0].period_display, "/month");
        assert_eq!(g.tiers[0].cta_href, "/contact/?plan=a");
        assert!(g.tiers[1].custom);
        assert_eq!(g.comparison[0].values, vec!["5", "50"]);
    }

    #[test]
    fn tier_without_price_and_group_without_tiers() {
        let e = parse(&file("title: Web\ntiers:\n  - id: a\n    name: A\n")).unwrap_err();
        assert!(e[0].message.contains("tier `a` has no price"));
        assert_eq!(e[0].line, Some(3));
        let e = parse(&file("title: Web\ntiers: []\n")).unwrap_err();
        assert!(e[0].message.contains("has no tiers"));
    }
}

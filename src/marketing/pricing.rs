//! Pricing tiers: `content/pricing/<group>.yaml`. Prices are formatted per currency; a group
//! gets a comparison table when its tiers share named features.

use crate::diag::{Diagnostic, Kind};
use crate::load::SourceFile;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A tier's `price:`: a word (`custom`, `contact us`) or `{ amount, currency, period }`. Read by
/// hand rather than as an untagged enum, whose only error is "data did not match any variant":
/// a wrong amount or a misspelt key is reported at its own line, in plain words.
#[derive(Debug, Clone)]
pub enum PriceSpec {
    /// `custom` or `contact us`.
    Word(String),
    Amount(Price),
}

#[derive(Debug, Clone)]
pub struct Price {
    pub amount: f64,
    pub currency: String,
    pub period: Option<String>,
}

/// The keys of a `price:` mapping.
const PRICE_KEYS: &[&str] = &["amount", "currency", "period"];

impl<'de> Deserialize<'de> for PriceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PriceSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`custom`, or `{ amount: 499, currency: USD }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PriceSpec, E> {
                Ok(PriceSpec::Word(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PriceSpec, E> {
                Err(no_currency(&v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PriceSpec, E> {
                Err(no_currency(&v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<PriceSpec, E> {
                Err(no_currency(&v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<PriceSpec, A::Error> {
                let (mut amount, mut currency, mut period) = (None, None, None);
                let mut last_amount: Option<f64> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "amount" => {
                            let a = map.next_value::<Amount>()?.0;
                            amount = Some(a);
                            last_amount = Some(a);
                            continue;
                        }
                        "currency" => currency = Some(map.next_value::<String>()?),
                        "period" => period = map.next_value::<Option<String>>()?,
                        // `{ amount: 1,950, … }`: in braces the comma ends the amount, and `950`
                        // is read as a key of its own.
                        k if last_amount.is_some() && !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()) => {
                            let whole = last_amount.unwrap_or_default();
                            return Err(crate::yaml::plain_error(
                                &format!("`amount: {whole},{k}` is not a number"),
                                &format!(
                                    "write the amount as digits only, without separators or currency: `amount: {whole}{k}` (the currency goes in `currency:`)"
                                ),
                            ));
                        }
                        _ => return Err(serde::de::Error::unknown_field(&key, PRICE_KEYS)),
                    }
                    last_amount = None;
                }
                let amount = amount.ok_or_else(|| serde::de::Error::missing_field("amount"))?;
                let currency = currency.ok_or_else(|| serde::de::Error::missing_field("currency"))?;
                Ok(PriceSpec::Amount(Price { amount, currency, period }))
            }
        }
        d.deserialize_any(V)
    }
}

/// `price: 499`: a number without its currency.
fn no_currency<E: serde::de::Error>(n: &str) -> E {
    crate::yaml::plain_error(
        &format!("`price: {n}` has no currency"),
        &format!("write the amount and its currency: `price: {{ amount: {n}, currency: USD }}` (add `period: month` for a monthly price)"),
    )
}

/// A price's amount: a number as YAML writes one. Text is refused with what to write instead.
struct Amount(f64);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                Ok(Amount(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                let (message, help) = amount_problem(v);
                Err(crate::yaml::plain_error(&message, &help))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Amount, E> {
                Err(crate::yaml::plain_error(&format!("`amount: {v}` is not a number"), "write the amount as digits, e.g. `amount: 1950`"))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Amount, E> {
                Err(crate::yaml::plain_error("`amount:` has no value", "write the amount as digits, e.g. `amount: 1950`"))
            }
        }
        d.deserialize_any(V)
    }
}

/// What is wrong with an amount written as text, as (message, help): a number in quotes, a
/// number with separators (`1,950`, `1 950`) or with its currency (`1950 USD`, `$1950`).
pub fn amount_problem(text: &str) -> (String, String) {
    let t = text.trim();
    if t.parse::<f64>().is_ok() {
        return (format!("`amount: \"{t}\"` is a number in quotes, which makes it text"), format!("remove the quotes: `amount: {t}`"));
    }
    let letters: String = t.chars().filter(|c| c.is_alphabetic()).collect();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let number = if digits.is_empty() { "1950".to_string() } else { digits };
    let code = letters.to_uppercase();
    if !letters.is_empty() && letters.chars().count() == 3 && t.chars().any(|c| c.is_ascii_digit()) {
        return (
            format!("`amount: {t}` is not a number"),
            format!("write the amount as digits only and put the currency in `currency:`: `amount: {number}` and `currency: {code}`"),
        );
    }
    (
        format!("`amount: {t}` is not a number"),
        format!("write the amount as digits only, without separators or currency: `amount: {number}` (the currency goes in `currency:`)"),
    )
}

/// A feature: text (`"Unlimited pages"`) or `{ name: Seats, value: 3 }`, which the comparison
/// table lines up by name. Read by hand for the same reason as [`PriceSpec`].
#[derive(Debug, Clone)]
pub enum Feature {
    Plain(String),
    Named { name: String, value: String },
}

/// A feature's text: a string, or a number or yes/no written as such (`value: 3`).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(if v { "Yes" } else { "No" }.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Feature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Feature;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a feature")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Feature, E> {
                Ok(Feature::Plain(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Feature, E> {
                Ok(Feature::Plain(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Feature, E> {
                Ok(Feature::Plain(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Feature, E> {
                Ok(Feature::Plain(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Feature, A::Error> {
                Err(feature_shape())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Feature, A::Error> {
                let (mut name, mut value) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value::<Text>()?.0),
                        "value" => value = Some(map.next_value::<Text>()?.0),
                        _ => return Err(serde::de::Error::unknown_field(&key, &["name", "value"])),
                    }
                }
                let name = name.ok_or_else(|| serde::de::Error::missing_field("name"))?;
                let value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(Feature::Named { name, value })
            }
        }
        d.deserialize_any(V)
    }
}

fn feature_shape<E: serde::de::Error>() -> E {
    crate::yaml::plain_error(
        "a feature is either text or a `name` and a `value`",
        "write `- \"Unlimited pages\"`, or `- { name: \"Pages\", value: \"10\" }` for a row of the comparison table",
    )
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
    /// False when a named feature's value says the tier lacks it (`Not included`, `No`,
    /// `no`/`false` written bare, `None`, `—`): the theme marks it apart from what a tier has.
    pub included: bool,
}

/// Whether a named feature's value says the tier does not have it.
pub fn says_not_included(value: &str) -> bool {
    const NOT: [&str; 9] = ["not included", "no", "none", "false", "n/a", "-", "—", "–", "✗"];
    let value = value.trim().trim_end_matches('.');
    NOT.iter().any(|n| value.eq_ignore_ascii_case(n))
}

impl From<&Feature> for FeatureView {
    fn from(f: &Feature) -> Self {
        match f {
            Feature::Plain(text) => FeatureView { name: None, value: text.clone(), included: true },
            Feature::Named { name, value } => FeatureView { name: Some(name.clone()), value: value.clone(), included: !says_not_included(value) },
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
    /// For a group whose file has errors (reported with the file): the tier ids written in it.
    /// The group stands in the list with no tiers, so that pages showing it or its prices get
    /// no second, misleading "no pricing group" error (see [`PricingGroup::failed`]).
    #[serde(skip)]
    pub failed: Option<Vec<String>>,
}

impl PricingGroup {
    /// The stand-in for a group whose file `f` has errors: its id, no tiers, and the tier ids
    /// its text names (`id:` lines), so `price(tier=…)` of one of them is not "no such tier".
    pub fn failed(f: &SourceFile) -> PricingGroup {
        let tier_ids = f
            .text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- ").map(str::trim_start).and_then(|r| r.strip_prefix("id:")))
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            .collect();
        PricingGroup {
            id: group_id(&f.rel),
            key: f.rel.clone(),
            shown: f.shown.clone(),
            title: group_id(&f.rel),
            description: None,
            weight: i64::MAX,
            tiers: Vec::new(),
            comparison: Vec::new(),
            tier_positions: Vec::new(),
            failed: Some(tier_ids),
        }
    }

    /// What a price from this group reads while its file has errors (the build fails anyway,
    /// on the file's own error).
    fn unavailable(&self) -> String {
        format!("(price unavailable: {} has errors)", crate::diag::slashed(&self.shown))
    }
}

/// A group's id: its file's stem, as a slug (`pricing/CTO Retainers.yaml` → `cto-retainers`).
fn group_id(rel: &str) -> String {
    crate::text::slugify(rel.trim_start_matches("pricing/").rsplit_once('.').map_or("", |(s, _)| s))
}

/// The active ISO 4217 currency codes (2025), without the fund, precious-metal, testing and
/// "no currency" codes (`BOV`, `XAU`, `XTS`, `XXX`, …) no price is written in. A static table:
/// it changes a few times a decade, and a crate for it would bring much more than 170 codes.
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN",
    "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD",
    "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY",
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP",
    "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER",
    "ZAR", "ZMW", "ZWG",
];

/// The codes most prices are in, preferred when a typo is as close to several codes.
const COMMON_CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "INR", "CNY", "SEK", "NOK", "DKK", "PLN", "NZD"];

/// Whether `code` is an active ISO 4217 code as written (capitals); else (message, help): the
/// code in capitals when only the case is wrong, else the nearest code (one letter off, or two
/// swapped: `UDS` → `USD`).
pub fn currency_problem(code: &str) -> Result<(), (String, String)> {
    if CURRENCIES.contains(&code) {
        return Ok(());
    }
    let upper = code.trim().to_uppercase();
    if CURRENCIES.contains(&upper.as_str()) {
        return Err((format!("currency `{code}` must be written in capitals"), format!("write `currency: {upper}`")));
    }
    let near = CURRENCIES
        .iter()
        .filter(|c| strsim::damerau_levenshtein(&upper, c) == 1)
        .min_by_key(|c| (!COMMON_CURRENCIES.contains(c), !(c.chars().all(|ch| upper.contains(ch))), **c));
    let examples = "currency codes are three capital letters from ISO 4217: USD, EUR, GBP, JPY, CHF…";
    Err((
        format!("`{code}` is not a currency code"),
        match near {
            Some(n) => format!("did you mean `{n}`? write `currency: {n}` ({examples})"),
            None => format!("write the code of the price's currency, e.g. `currency: USD` ({examples})"),
        },
    ))
}

/// (line, column) of the `currency` value written for the tier whose `id:` is at `tier`
/// (block or `{ … }` style).
fn currency_position(text: &str, tier: (usize, usize), code: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate().skip(tier.0 - 1) {
        if i + 1 > tier.0 && line.trim_start().starts_with("- id:") {
            return None;
        }
        if let Some(k) = line.find("currency:") {
            let after = &line[k + "currency:".len()..];
            let v = after.find(code).map_or(k, |j| k + "currency:".len() + j);
            let v = if line[..v].ends_with(['"', '\'']) { v - 1 } else { v };
            return Some((i + 1, line[..v].chars().count() + 1));
        }
    }
    None
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
    let raw: RawGroup = yaml::parse(&f.text, src).map_err(|mut d| {
        // `price: { amount: 1,950, … }` is only seen at the `{`; point at the amount itself.
        if d.message.starts_with("`amount: ") {
            if let Some(at) = d.snippet.as_deref().and_then(|l| l.find("amount:").map(|i| l[..i].chars().count() + "amount: ".len() + 1)) {
                d.col = d.col.max(Some(at));
            }
        }
        vec![d]
    })?;
    let id = group_id(&f.rel);
    let mut errors = Vec::new();
    if raw.tiers.is_empty() {
        errors.push(
            src.error_at_key(&f.text, "tiers", format!("pricing group `{}` has no tiers", raw.title))
                .with_help("add `tiers:` with at least one tier: id, name, price, summary, features"),
        );
    }
    // The `occurrence`-th tier with this id (a duplicate is found at its own place).
    let at_nth = |id: &str, occurrence: usize, key: &str| -> (usize, usize) {
        let start = crate::yaml::item_offset(&f.text, "id", id, occurrence).or_else(|| crate::yaml::item_offset(&f.text, "id", id, 0)).unwrap_or(0);
        crate::yaml::key_in_item(&f.text, start, key)
    };
    let mut tiers = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for t in raw.tiers {
        let occurrence = *seen.entry(t.id.clone()).and_modify(|n| *n += 1).or_insert(0);
        let at_tier = |id: &str, key: &str| at_nth(id, occurrence, key);
        if occurrence > 0 {
            let (first, _) = at_nth(&t.id, 0, "id");
            let (l, c) = at_tier(&t.id, "id");
            errors.push(
                Diagnostic::at(&f.shown, &f.text, l, c, format!("`id: {}` is used twice: first at line {first}", t.id))
                    .with_help("give every tier its own id: it names the plan in /contact/?plan=<id> and in price(tier=\"…\")")
                    .kind(Kind::Marketing),
            );
            continue;
        }
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
                if !(p.amount.is_finite() && p.amount >= 0.0) {
                    let (l, c) = at_tier(&t.id, "price");
                    errors.push(
                        Diagnostic::at(&f.shown, &f.text, l, c, format!("the amount of tier `{}` is below zero", t.id))
                            .with_help("write a price of 0 or more, e.g. `price: { amount: 499, currency: USD }`")
                            .kind(Kind::Marketing),
                    );
                    continue;
                }
                if let Err((message, help)) = currency_problem(&p.currency) {
                    let (l, c) = currency_position(&f.text, at_nth(&t.id, occurrence, "id"), &p.currency).unwrap_or_else(|| at_tier(&t.id, "price"));
                    errors.push(Diagnostic::at(&f.shown, &f.text, l, c, message).with_help(help).kind(Kind::Marketing));
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
            let (l, c) = at_nth(&t.id, 0, "id");
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
            failed: None,
        })
    } else {
        Err(errors)
    }
}

impl Tier {
    /// The price as one piece of text, as the pricing tables show it: `$1,800/month`,
    /// `$690 one-time`, `$99`, or `Custom`.
    pub fn price_text(&self) -> String {
        match self.period_display.as_str() {
            _ if self.custom => self.price_display.clone(),
            "" => self.price_display.clone(),
            p if p.starts_with('/') => format!("{}{p}", self.price_display),
            p => format!("{} {p}", self.price_display),
        }
    }
}

/// Which price a `price(…)` call asks for: one tier's, or the lowest in a group ("from …").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PriceQuery {
    /// `price(tier="cto-advisory")`
    Tier(String),
    /// `price(lowest_in="cto-retainers")`: the cheapest tier with a price in the group.
    LowestIn(String),
}

/// The arguments a `price(…)` call takes, in templates, Markdown and front matter alike.
pub const PRICE_ARGS: &[&str] = &["tier", "lowest_in"];

impl PriceQuery {
    /// The query of a call's text arguments (`tier` or `lowest_in`, exactly one), or what is
    /// wrong with them, as (message, help).
    pub fn from_args(tier: Option<&str>, lowest_in: Option<&str>) -> Result<PriceQuery, (String, String)> {
        match (tier, lowest_in) {
            (Some(t), None) => Ok(PriceQuery::Tier(t.to_string())),
            (None, Some(g)) => Ok(PriceQuery::LowestIn(g.to_string())),
            _ => Err((
                "`price` needs either `tier` or `lowest_in`, not both".into(),
                "write price(tier=\"cto-advisory\") for one plan, or price(lowest_in=\"cto-retainers\") for the lowest price of a group".into(),
            )),
        }
    }
}

/// A price's text, or why there is none, as (message, help).
pub type PriceAnswer = Result<String, (String, String)>;

/// The price text a query asks for, or why there is none, as (message, help) with a close
/// name when there is one.
pub fn price_of(groups: &[PricingGroup], query: &PriceQuery) -> PriceAnswer {
    let did_you_mean = |wanted: &str, names: Vec<&str>, what: &str| -> String {
        match crate::diag::closest(wanted, names.iter().copied()) {
            Some(n) => format!("did you mean `{n}`? {what}: {}", names.join(", ")),
            None => format!("{what}: {}", names.join(", ")),
        }
    };
    match query {
        PriceQuery::Tier(id) => {
            let tiers = groups.iter().flat_map(|g| &g.tiers);
            match tiers.clone().find(|t| t.id == *id) {
                Some(t) => Ok(t.price_text()),
                None => match groups.iter().find(|g| g.failed.as_ref().is_some_and(|ids| ids.contains(id))) {
                    Some(g) => Ok(g.unavailable()),
                    None => Err((
                        format!("no pricing tier `{id}`"),
                        did_you_mean(id, tiers.map(|t| t.id.as_str()).collect(), "tiers are the `id:` entries in content/pricing/*.yaml"),
                    )),
                },
            }
        }
        PriceQuery::LowestIn(id) => {
            let Some(g) = groups.iter().find(|g| g.id == *id) else {
                return Err((
                    format!("no pricing group `{id}`"),
                    did_you_mean(id, groups.iter().map(|g| g.id.as_str()).collect(), "groups are the files in content/pricing/"),
                ));
            };
            if g.failed.is_some() {
                return Ok(g.unavailable());
            }
            let amount = |t: &&Tier| t.amount.as_deref().and_then(|a| a.parse::<f64>().ok());
            let lowest = g.tiers.iter().filter(|t| amount(t).is_some()).min_by(|a, b| amount(a).partial_cmp(&amount(b)).unwrap_or(std::cmp::Ordering::Equal));
            match lowest {
                Some(t) => Ok(t.price_text()),
                None => Err((
                    format!("pricing group `{id}` has no tier with a price"),
                    "give a tier of this group an amount, or name one tier with price(tier=\"…\")".into(),
                )),
            }
        }
    }
}

/// `{{ price(…) }}` calls written inside a front-matter string, each with the text it stands
/// for or what is wrong with it; other shortcodes cannot be used there.
pub fn calls_in_text(text: &str, groups: &[PricingGroup]) -> Vec<(std::ops::Range<usize>, PriceAnswer)> {
    let found = crate::parse::shortcodes::extract(text, &[], &|_| true);
    let mut out: Vec<_> =
        found.errors.iter().map(|e| (e.offset..e.offset, Err((e.message.clone(), "write it like {{ price(tier=\"…\") }}".to_string())))).collect();
    for call in &found.calls {
        let answer = if call.name != "price" {
            Err((
                format!("`{}` cannot be used in front matter", call.name),
                "only {{ price(…) }} works in front matter; put other shortcodes in the text below it".into(),
            ))
        } else {
            query_of_call(call).and_then(|q| price_of(groups, &q))
        };
        out.push((call.span.clone(), answer));
    }
    out
}

/// The query of a parsed `price(…)` call; argument names and kinds as the other built-ins check
/// them.
pub fn query_of_call(call: &crate::parse::shortcodes::Call) -> Result<PriceQuery, (String, String)> {
    use crate::parse::shortcodes::ArgValue;
    let text = |k: &str| -> Result<Option<&str>, (String, String)> {
        match call.args.get(k) {
            None => Ok(None),
            Some(ArgValue::Str(s)) => Ok(Some(s.as_str())),
            Some(v) => Err((format!("argument `{k}` of `price` must be text in quotes, not {}", v.type_name()), format!("write e.g. {k}=\"…\""))),
        }
    };
    if let Some(k) = call.args.keys().find(|k| !PRICE_ARGS.contains(&k.as_str())) {
        let help = match crate::diag::closest(k, PRICE_ARGS.iter().copied()) {
            Some(n) => format!("did you mean `{n}`? `price` takes: {}", PRICE_ARGS.join(", ")),
            None => format!("`price` takes: {}", PRICE_ARGS.join(", ")),
        };
        return Err((format!("shortcode `price` has no argument `{k}`"), help));
    }
    let tier = text("tier")?;
    PriceQuery::from_args(tier, text("lowest_in")?)
}

/// What is wrong with the `price(…)` calls in a front-matter value, each as (offset in
/// `file_text`, message, help): at the call where it can be found in the file as written, else
/// at its string, else at the first `price(`.
pub fn front_matter_problems(file_text: &str, extra: &serde_json::Value, groups: &[PricingGroup]) -> Vec<(usize, String, String)> {
    let mut strings = Vec::new();
    strings_with_calls(extra, &mut strings);
    let mut out = Vec::new();
    for s in &strings {
        for (span, answer) in calls_in_text(s, groups) {
            let Err((message, help)) = answer else { continue };
            let offset = file_text
                .find(s.as_str())
                .map(|i| i + span.start)
                .or_else(|| file_text.find(&s[span.clone()]).filter(|_| !span.is_empty()))
                .or_else(|| file_text.find("price("))
                .unwrap_or(0);
            out.push((offset, message, help));
        }
    }
    out
}

/// A front-matter string with every `price(…)` call replaced by its price; a call that fails
/// stays as written (the build reports it, see [`calls_in_text`]).
pub fn expand(text: &str, groups: &[PricingGroup]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (span, answer) in calls_in_text(text, groups) {
        if let (Ok(price), true) = (answer, span.start >= copied && !span.is_empty()) {
            out.push_str(&text[copied..span.start]);
            out.push_str(&price);
            copied = span.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether a front-matter value holds a string with a `{{` in it (only then is it expanded).
pub fn has_calls(v: &serde_json::Value) -> bool {
    let mut found = Vec::new();
    strings_with_calls(v, &mut found);
    !found.is_empty()
}

/// Every string of a front-matter value, depth first in key order (strings with `{{` only).
pub fn strings_with_calls(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.contains("{{") => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_with_calls(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings_with_calls(x, out)),
        _ => {}
    }
}

/// A front-matter value with the prices filled into its strings.
pub fn expand_value(v: &serde_json::Value, groups: &[PricingGroup]) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) if s.contains("{{") => serde_json::Value::String(expand(s, groups)),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(|x| expand_value(x, groups)).collect()),
        serde_json::Value::Object(o) => serde_json::Value::Object(o.iter().map(|(k, x)| (k.clone(), expand_value(x, groups))).collect()),
        other => other.clone(),
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
    fn values_that_say_a_tier_lacks_a_feature() {
        for lacks in ["Not included", "not included.", "No", "no", "None", "—", "-", "n/a", "False"] {
            assert!(says_not_included(lacks), "{lacks}");
        }
        for has in ["Yes", "Included", "Up to 5", "Not included in the first month", "0", "Nothing extra"] {
            assert!(!says_not_included(has), "{has}");
        }
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

    fn groups() -> Vec<PricingGroup> {
        let g = parse(&file(
            "title: Web\ntiers:\n  - id: small\n    name: S\n    price: { amount: 1800, currency: USD, period: month }\n    weight: 2\n  - id: big\n    name: B\n    price: { amount: 5400, currency: USD, period: month }\n    weight: 1\n  - id: site\n    name: Site\n    price: { amount: 690, currency: EUR, period: one-time }\n    weight: 3\n  - id: custom\n    name: C\n    price: custom\n",
        ))
        .unwrap();
        vec![g]
    }

    #[test]
    fn price_text_is_the_table_price_with_its_period() {
        let g = groups();
        let text = |id: &str| price_of(&g, &PriceQuery::Tier(id.into()));
        assert_eq!(text("small").unwrap(), "$1,800/month");
        assert_eq!(text("site").unwrap(), "€690 one-time");
        assert_eq!(text("custom").unwrap(), "Custom");
        // The lowest priced tier, not the first by weight; a custom tier has no amount.
        assert_eq!(price_of(&g, &PriceQuery::LowestIn("web".into())).unwrap(), "€690 one-time");
    }

    #[test]
    fn unknown_tier_or_group_suggests_a_close_name() {
        let g = groups();
        let (message, help) = price_of(&g, &PriceQuery::Tier("smal".into())).unwrap_err();
        assert_eq!(message, "no pricing tier `smal`");
        assert!(help.starts_with("did you mean `small`?"), "{help}");
        let (message, help) = price_of(&g, &PriceQuery::LowestIn("wbe".into())).unwrap_err();
        assert_eq!(message, "no pricing group `wbe`");
        assert!(help.starts_with("did you mean `web`?"), "{help}");
        assert!(PriceQuery::from_args(Some("a"), Some("b")).is_err());
        assert!(PriceQuery::from_args(None, None).is_err());
    }

    #[test]
    fn front_matter_strings_get_their_prices_and_problems_their_place() {
        let g = groups();
        assert_eq!(expand("From {{ price(lowest_in='web') }}, or {{ price(tier=\"big\") }}.", &g), "From €690 one-time, or $5,400/month.");
        assert_eq!(expand("Kept: {{ price(tier='nope') }} and {{ not a call }}", &g), "Kept: {{ price(tier='nope') }} and {{ not a call }}");
        let extra: serde_json::Value = serde_json::json!({ "points": ["plain", "From {{ price(tier='smal') }}"], "n": 3 });
        assert!(has_calls(&extra));
        assert_eq!(expand_value(&extra, &g)["points"][1], "From {{ price(tier='smal') }}");
        let file_text = "---\nextra:\n  points:\n    - \"From {{ price(tier='smal') }}\"\n---\n";
        let problems = front_matter_problems(file_text, &extra, &g);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, file_text.find("{{").unwrap());
        assert_eq!(problems[0].1, "no pricing tier `smal`");
        let other = serde_json::json!("{{ banner(id='x') }} and {{ price(tier='small', size=2) }}");
        let messages: Vec<String> = front_matter_problems("", &other, &g).into_iter().map(|p| p.1).collect();
        assert_eq!(messages, ["`banner` cannot be used in front matter", "shortcode `price` has no argument `size`"]);
    }

    #[test]
    fn tier_without_price_and_group_without_tiers() {
        let e = parse(&file("title: Web\ntiers:\n  - id: a\n    name: A\n")).unwrap_err();
        assert!(e[0].message.contains("tier `a` has no price"));
        assert_eq!(e[0].line, Some(3));
        let e = parse(&file("title: Web\ntiers: []\n")).unwrap_err();
        assert!(e[0].message.contains("has no tiers"));
    }

    #[test]
    fn amounts_written_as_text_say_what_to_write() {
        assert_eq!(
            amount_problem("1950"),
            ("`amount: \"1950\"` is a number in quotes, which makes it text".into(), "remove the quotes: `amount: 1950`".into())
        );
        let (m, h) = amount_problem("1,950");
        assert_eq!(m, "`amount: 1,950` is not a number");
        assert_eq!(h, "write the amount as digits only, without separators or currency: `amount: 1950` (the currency goes in `currency:`)");
        assert!(amount_problem("1 950").1.contains("`amount: 1950`"));
        assert_eq!(amount_problem("1950 USD").1, "write the amount as digits only and put the currency in `currency:`: `amount: 1950` and `currency: USD`");
        let e = parse(&file("title: Web\ntiers:\n  - id: a\n    name: A\n    price:\n      amount: 1,950\n      currency: USD\n")).unwrap_err();
        assert_eq!((e[0].message.as_str(), e[0].line, e[0].col), ("`amount: 1,950` is not a number", Some(6), Some(15)));
    }

    #[test]
    fn currencies_are_checked_against_iso_4217() {
        assert!(currency_problem("USD").is_ok());
        assert_eq!(currency_problem("eur").unwrap_err(), ("currency `eur` must be written in capitals".into(), "write `currency: EUR`".into()));
        let (m, h) = currency_problem("UDS").unwrap_err();
        assert_eq!(m, "`UDS` is not a currency code");
        assert!(h.starts_with("did you mean `USD`? write `currency: USD`"), "{h}");
        let (m, h) = currency_problem("XYZ").unwrap_err();
        assert_eq!(m, "`XYZ` is not a currency code");
        assert!(h.starts_with("write the code of the price's currency"), "{h}");
        let e = parse(&file("title: Web\ntiers:\n  - id: a\n    name: A\n    price: { amount: 3200, currency: UDS }\n")).unwrap_err();
        assert_eq!((e[0].line, e[0].col), (Some(5), Some(38)));
    }

    #[test]
    fn a_tier_id_twice_in_a_file_is_reported_at_the_second() {
        let e = parse(&file("title: Web\ntiers:\n  - id: pro\n    name: A\n    price: custom\n  - id: pro\n    name: B\n    price: custom\n")).unwrap_err();
        assert_eq!((e[0].message.as_str(), e[0].line), ("`id: pro` is used twice: first at line 3", Some(6)));
    }
}

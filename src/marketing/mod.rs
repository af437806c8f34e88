//! Marketing content: FAQ topics, pricing tiers, affiliate banners, testimonials and client
//! logos — what makes folio a marketing and knowledge-base tool. Parsed from `content/faq/`,
//! `content/pricing/`, `content/banners.yaml`, `content/testimonials.yaml` and
//! `content/clients.yaml`, validated and scheduled here; `render::marketing` turns them into
//! `/faq/`, `/pricing/` and `/go/<id>/` pages, the home page's blocks and shortcode data. The
//! team and case studies are pages; [`showcase`] holds what their blocks show.

pub mod banners;
pub mod faq;
pub mod pricing;
pub mod showcase;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Kind, Severity};
use crate::load::{Asset, SourceFile};
pub use banners::Banner;
pub use faq::FaqTopic;
pub use pricing::PricingGroup;
use std::collections::BTreeMap;
use std::path::Path;

/// All marketing data of a site.
#[derive(Debug, Clone, Default)]
pub struct Marketing {
    /// Sorted by weight, then title.
    pub topics: Vec<FaqTopic>,
    /// Sorted by weight, then title.
    pub groups: Vec<PricingGroup>,
    /// In file order; includes inactive ones (for validation and `folio check`).
    pub banners: Vec<Banner>,
    /// In file order.
    pub testimonials: Vec<showcase::Testimonial>,
    pub clients: showcase::Clients,
    /// The pages with a `profile:`, by weight then name (filled in by the engine).
    pub people: Vec<showcase::Person>,
    /// The pages with a `case_study:`, newest first (filled in by the engine).
    pub case_studies: Vec<showcase::CaseStudyCard>,
}

/// Files under content/ that this module reads.
pub fn is_marketing_file(rel: &str) -> bool {
    let yaml = rel.ends_with(".yaml") || rel.ends_with(".yml");
    let direct = |dir: &str| rel.strip_prefix(dir).is_some_and(|rest| !rest.contains('/'));
    rel == "banners.yaml"
        || rel == "banners.yml"
        || rel == showcase::TESTIMONIALS_FILE
        || rel == showcase::CLIENTS_FILE
        || (direct("faq/") && (yaml || (rel.ends_with(".md") && rel != "faq/_index.md")))
        || (direct("pricing/") && yaml)
}

/// Sections whose pages this module renders (their `_index.md` only supplies title and intro).
pub fn owns_section(dir: &str) -> bool {
    dir == "faq" || dir == "pricing"
}

/// Parses and validates every marketing file; banners are scheduled against `today`.
pub fn load(files: &[&SourceFile], config: &SiteConfig, assets: &[Asset], today: time::Date) -> (Marketing, Vec<Diagnostic>) {
    let mut m = Marketing::default();
    let mut errors = Vec::new();
    for f in files {
        if !f.rel.ends_with(".md") {
            errors.extend(crate::yaml::curly_quote_warnings(&f.text, crate::yaml::Source::file(Kind::Marketing, &f.shown, &f.text)));
        }
        let result = if f.rel.starts_with("faq/") {
            faq::parse(f).map(|mut t| {
                errors.append(&mut t.warnings);
                m.topics.push(t)
            })
        } else if f.rel.starts_with("pricing/") {
            // A group whose file has errors still stands in the list (with no tiers), so pages
            // that show it are not told it does not exist: the file's own errors say what to fix.
            pricing::parse(f).map(|g| m.groups.push(g)).inspect_err(|_| m.groups.push(PricingGroup::failed(f)))
        } else if f.rel == showcase::TESTIMONIALS_FILE {
            showcase::parse_testimonials(f, assets).map(|t| m.testimonials = t)
        } else if f.rel == showcase::CLIENTS_FILE {
            showcase::parse_clients(f, assets).map(|c| m.clients = c)
        } else {
            banners::parse(f, config, assets, today).map(|b| m.banners = b)
        };
        if let Err(e) = result {
            errors.extend(e);
        }
    }
    m.topics.sort_by(|a, b| (a.weight, &a.title, &a.key).cmp(&(b.weight, &b.title, &b.key)));
    m.groups.sort_by(|a, b| (a.weight, &a.title, &a.key).cmp(&(b.weight, &b.title, &b.key)));
    // A tier id is the plan's name in /contact/?plan=<id>: unique across all groups. (Twice in
    // one file is reported by `pricing::parse`.)
    // "First" is first in the order the pricing page shows the groups (weight, title, file).
    let mut seen: BTreeMap<&str, (&Path, usize)> = BTreeMap::new();
    for g in &m.groups {
        for (id, line, col, source_line) in &g.tier_positions {
            if let Some((first, first_line)) = seen.insert(id, (&g.shown, *line)) {
                errors.push(
                    Diagnostic {
                        path: g.shown.clone(),
                        line: Some(*line),
                        col: Some(*col),
                        message: format!("`id: {id}` is used twice: first at {}:{first_line}", crate::diag::slashed(first)),
                        help: None,
                        snippet: Some(source_line.clone()),
                        kind: Kind::Marketing,
                        severity: Severity::Error,
                    }
                    .with_help("tier ids must be unique across all pricing groups: they name the plan in /contact/?plan=<id>; rename one of them"),
                );
                seen.insert(id, (first, first_line));
            }
        }
    }
    (m, errors)
}

impl Marketing {
    /// Content keys and URLs of the pages this module makes (for `@/` links and URL clashes).
    pub fn urls(&self) -> Vec<(String, String)> {
        self.topics.iter().map(|t| (t.key.clone(), t.url.clone())).collect()
    }

    pub fn anchors(&self) -> Vec<(String, Vec<String>)> {
        self.topics.iter().map(|t| (t.key.clone(), t.questions.iter().map(|q| q.id.clone()).collect())).collect()
    }

    pub fn faq_count(&self) -> usize {
        self.topics.iter().map(|t| t.questions.len()).sum()
    }
    pub fn tier_count(&self) -> usize {
        self.groups.iter().map(|g| g.tiers.len()).sum()
    }
    pub fn banner_count(&self) -> usize {
        self.banners.iter().filter(|b| b.active).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_marketing_files() {
        assert!(is_marketing_file("banners.yaml"));
        assert!(is_marketing_file("faq/cto.md"));
        assert!(is_marketing_file("faq/work.yaml"));
        assert!(is_marketing_file("pricing/web.yaml"));
        assert!(is_marketing_file("testimonials.yaml"));
        assert!(is_marketing_file("clients.yaml"));
        assert!(!is_marketing_file("articles/clients.yaml"));
        assert!(!is_marketing_file("faq/_index.md"));
        assert!(!is_marketing_file("pricing/_index.md"));
        assert!(!is_marketing_file("articles/x.md"));
        assert!(!is_marketing_file("faq/sub/x.md"));
    }
}

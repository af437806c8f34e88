//! The differential property test: random edit scripts on a small site (tests/fixtures/differential/), driven through the same
//! `Session` `folio serve` keeps; after every step the session's files and errors must equal a fresh build's, byte for byte.
//!
//! Seeded and deterministic: `FOLIO_DIFF_SEED` (decimal or 0x-hex) picks the seed, `FOLIO_DIFF_CASES` the number of cases
//! (default 1000 when `CI` is set, 64 otherwise). A failure is shrunk to a minimal edit script and printed step by step.
//! Two knobs for working on the engine: `FOLIO_DIFF_SKIP=Slug,RenameStatic` leaves out edit kinds (to look past a known
//! failure), and `FOLIO_DIFF_CONTROL=1` gives every step a new session, which checks the harness itself (it must pass).
//!
//! Every edit names its targets by small indices into the site's current files (the n-th page, the n-th tier, …), so a
//! shrunk script stays meaningful, and an edit that finds nothing to change is skipped (no rebuild). Each applied edit
//! hands `Session::rebuild` exactly the paths it touched, as the file watcher would: a rename names both paths, a
//! deletion names the deleted file. Some edits are undone a few steps later (the file's earlier bytes come back), so
//! errors are introduced and fixed again, and removed pages return.

use crate::support::Site;
use folio::diag::Diagnostics;
use folio::pipeline::{self, BuildOptions};
use folio::session::{Report, Served, Session};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

const DEFAULT_SEED: u64 = 0x00F0_110D_1FF0_0001;
/// Shrinking reruns scripts; this bounds how long a failure takes to report.
const MAX_SHRINK_ITERS: u32 = 600;

// Values the strategies pick from: a few ordinary ones and a few that collide or need escaping.
const TITLES: &[&str] = &["Renamed", "Alpha: what a CTO does", "Zeta comes last", "Ünïcode & <escapes>", "A"];
/// Some call the shortcode `note`, which `Edit::ShortcodeTemplate` adds and removes: a call of it
/// renders or is an unknown shortcode; `note('x')` (not folio's call syntax) is an error while
/// the site has `note` and text while it has not; the escape is text either way.
const SENTENCES: &[&str] = &[
    "A new closing paragraph.",
    "Second thoughts on **strategy**.",
    "Café, naïve, ünïcode.",
    "Short.",
    "Say {{ note(text=\"hi\") }} here.",
    "Braces {{ note('x') }} stay.",
    "Escaped {{/* note() */}} braces.",
    "The team: {{ team() }}",
    "What they say: {{ testimonials(limit=1) }}",
    "Our work: {{ case_studies() }}",
];
/// `author:` values: titles pages can be given (`TITLES`), spelled as written or otherwise, and
/// a name nobody has; a page with a `profile:` and one of these titles is that author's page.
const AUTHORS: &[&str] = &["Alpha: what a CTO does", "alpha:  WHAT a cto does", "Renamed", "Nobody Known"];
/// `profile:` blocks: plain, with a portrait the site lacks (an error), with a bad link.
const PROFILES: &[&str] = &[
    "{ role: \"CTO\" }",
    "{ role: \"Writer\", photo: \"/images/nobody.png\", photo_alt: \"A portrait\" }",
    "{ links: [{ name: \"Site\", url: \"example.com\" }] }",
];
/// `case_study:` blocks, one without a client (an error).
const CASE_STUDIES: &[&str] = &["{ client: \"Acme\", industry: \"Retail\", results: [{ value: \"3×\", label: \"orders\" }] }", "{ client: \"\" }"];
/// The testimonials and client-logo files: written well, with an error, or deleted.
const BLOCK_FILES: &[(&str, &str)] = &[
    ("content/testimonials.yaml", "testimonials:\n  - quote: \"They listened.\"\n    name: \"Ann Client\"\n    company: \"Acme\"\n"),
    ("content/testimonials.yaml", "testimonials:\n  - quote: \"\"\n    name: \"Ann Client\"\n"),
    ("content/clients.yaml", "clients:\n  - name: \"Acme\"\n    logo: \"/banners/wide.svg\"\n"),
    ("content/clients.yaml", "clients:\n  - name: \"Acme\"\n    logo: \"/images/missing.svg\"\n"),
];
const SLUGS: &[&str] = &["renamed", "alpha", "beta-two", "news/today", "Über Größe"];
const DATES: &[&str] = &["2025-03-01", "2023-07-04", "2025-12-31", "2026-02-14T09:30:00Z", "2024-11-02"];
const TAGS: &[&str] = &["cto", "leadership", "security", "new-tag", "Über Tag"];
const CATEGORIES: &[&str] = &["Leadership", "Business", "New Category"];
const ALIASES: &[&str] = &["/old/page/", "/legacy/", "/articles/alpha/", "/2019/post.html"];
/// Addresses something else already claims: generated pages, the feed, a tag page, a static file.
const COLLIDING_ALIASES: &[&str] = &["/pricing/", "/faq/", "/search/", "/tags/cto/", "/atom.xml", "/sitemap.xml", "/legacy/", "/", "/files/readme.txt"];
/// Dates after any build date the test runs with.
const FUTURE_DATES: &[&str] = &["2099-01-01", "2098-06-30T12:00:00Z"];
/// `publish_date:` and `expiry_date:` values: long past (expired, or already published) and far
/// ahead; some come before the page's date, which is an error for an expiry date.
const SCHEDULE_DATES: &[&str] = &["2001-01-01", "2099-01-01", "2098-06-30T12:00:00Z"];
const SCHEDULE_KEYS: &[&str] = &["publish_date", "expiry_date"];
/// Spellings of `TAGS` that share their address.
const TAG_SPELLINGS: &[&str] = &["CTO", "Leader-Ship", "new tag", "NEW-TAG", "über-tag"];
const SECTIONS: &[&str] = &["articles", "guides", ""];
const QUESTIONS: &[&str] = &["What is new?", "How do I pay?", "Is there a trial?", "Wer zahlt? Ünïcode"];
const ANSWERS: &[&str] = &["Yes.", "By **card**, see [alpha](@/articles/alpha.md).", "No; write to us.", "Use the [setup guide](@/guides/setup.md#configure)."];
const PRICES: &[&str] =
    &["{ amount: 59, currency: EUR, period: month }", "custom", "{ amount: 1200, currency: USD }", "{ amount: 9.99, currency: GBP, period: month }"];
const TIER_NAMES: &[&str] = &["Pro", "Starter", "Team & Co"];
const FEATURES: &[&str] = &[
    r#"[{ name: "Seats", value: "5" }, "Plain feature"]"#,
    r#"["Only plain"]"#,
    r#"[{ name: "Support", value: "Chat" }, { name: "Seats", value: "10" }]"#,
    "[]",
];
const BANNER_DATES: &[(&str, &str)] = &[("2020-01-01", "2099-12-31"), ("2019-01-01", "2020-06-30"), ("2090-01-01", "2095-01-01"), ("2024-01-01", "2098-01-01")];
const PLACEMENTS: &[&str] = &["sidebar", "in-article", "article-end", "footer"];
const SITE_TITLES: &[&str] = &["Differential Co", "Renamed Site", "Ünïcode & Co"];
const MENU_URLS: &[&str] = &["/about/", "/pricing/", "/guides/setup/"];
const USER_REDIRECTS: &[&str] = &["/old-home/ / 301\n", "/api/* https://api.example.com/:splat 200"];
const STATIC_DIRS: &[&str] = &["static/banners", "static/images", "static/files", "content/articles"];

/// A link target's anchor.
#[derive(Debug, Clone)]
enum Anchor {
    None,
    /// The n-th heading (or question) of the target.
    Heading(u8),
    /// A heading the target does not have (an error).
    Missing,
}

#[derive(Debug, Clone)]
enum MenuOp {
    Add { name: &'static str, url: &'static str },
    Remove(u8),
    Rename(u8, &'static str),
}

/// One edit a user makes and saves. Indices (`u8`) pick among the site's current files or items, modulo their count.
#[derive(Debug, Clone)]
enum Edit {
    Body {
        doc: u8,
        text: &'static str,
    },
    Summary {
        doc: u8,
        text: &'static str,
    },
    Title {
        doc: u8,
        title: &'static str,
    },
    Slug {
        page: u8,
        slug: Option<&'static str>,
    },
    Date {
        page: u8,
        date: Option<&'static str>,
    },
    Tags {
        page: u8,
        tags: Vec<&'static str>,
    },
    Categories {
        page: u8,
        categories: Vec<&'static str>,
    },
    ToggleDraft {
        page: u8,
    },
    /// An alias onto an address something else claims (`COLLIDING_ALIASES`).
    CollidingAlias {
        page: u8,
        alias: &'static str,
    },
    /// A date after the build date: the page is left out unless `--future`.
    FutureDate {
        page: u8,
        date: &'static str,
    },
    /// A `publish_date:` or `expiry_date:` set or removed: the page is left out outside its
    /// window unless `--future` or `--expired`.
    Schedule {
        page: u8,
        key: &'static str,
        date: Option<&'static str>,
    },
    /// `author:` set or removed.
    Author {
        page: u8,
        name: Option<&'static str>,
    },
    /// A `profile:` (the page is a person) or a `case_study:` set or removed.
    Block {
        page: u8,
        key: &'static str,
        value: Option<&'static str>,
    },
    /// `content/testimonials.yaml` or `content/clients.yaml` written (one of `BLOCK_FILES`) or deleted.
    BlockFile {
        file: u8,
        delete: bool,
    },
    /// A tag spelled another way than the same tag on other pages (one address, a warning).
    TagSpelling {
        page: u8,
        tags: Vec<&'static str>,
    },
    ToggleFeatured {
        page: u8,
    },
    AddAlias {
        page: u8,
        alias: &'static str,
    },
    AddLink {
        from: u8,
        to: u8,
        anchor: Anchor,
    },
    AddPage {
        section: u8,
        title: &'static str,
        date: &'static str,
        tags: Vec<&'static str>,
        draft: bool,
    },
    DeletePage {
        page: u8,
    },
    RenamePage {
        page: u8,
        section: u8,
    },
    /// An image (or a file link) to a static file, or to one the site does not have.
    AddFileLink {
        from: u8,
        file: u8,
        image: bool,
    },
    /// A new static file saved and an image to it added to a page, in one step.
    LinkNewStatic {
        from: u8,
    },
    /// The site's own `static/_redirects` written (one of `USER_REDIRECTS`) or deleted.
    UserRedirects {
        text: Option<&'static str>,
    },
    FaqQuestion {
        topic: u8,
        question: u8,
        text: &'static str,
    },
    FaqAnswer {
        topic: u8,
        question: u8,
        text: &'static str,
    },
    AddTopic {
        yaml: bool,
        question: &'static str,
    },
    RemoveTopic {
        topic: u8,
    },
    TierPrice {
        tier: u8,
        price: &'static str,
    },
    TierName {
        tier: u8,
        name: &'static str,
    },
    TierFeatures {
        tier: u8,
        features: &'static str,
    },
    AddTier {
        name: &'static str,
        price: &'static str,
    },
    RemoveTier {
        tier: u8,
    },
    BannerDates {
        banner: u8,
        dates: (&'static str, &'static str),
    },
    BannerWeight {
        banner: u8,
        weight: u8,
    },
    BannerPlacements {
        banner: u8,
        placements: Vec<&'static str>,
    },
    SiteTitle {
        title: &'static str,
    },
    SiteMenu {
        op: MenuOp,
    },
    SitePaginate {
        by: u8,
    },
    ThemeTemplate {
        template: u8,
    },
    /// The site's shortcode template `templates/shortcodes/note.html` added or removed.
    ShortcodeTemplate {
        add: bool,
    },
    AddOverride {
        template: u8,
    },
    RemoveOverride {
        template: u8,
    },
    AddStatic {
        dir: u8,
    },
    RemoveStatic {
        file: u8,
    },
    RenameStatic {
        file: u8,
    },
    /// An unknown key (or a YAML syntax error) in site.yaml.
    BreakConfig {
        syntax: bool,
    },
    /// The page saved as Latin-1 with a non-ASCII character.
    BreakEncoding {
        page: u8,
    },
    /// An unknown key (or a YAML syntax error) in a page's front matter.
    BreakFrontMatter {
        doc: u8,
        syntax: bool,
    },
    /// A Tera syntax error in a theme template.
    BreakTemplate {
        template: u8,
    },
    /// An unknown top-level key in an FAQ, pricing or banner YAML file.
    BreakData {
        file: u8,
    },
    /// Undoes the breakage of the n-th broken file (a Latin-1 file is saved again as UTF-8).
    Fix {
        file: u8,
    },
}

/// An index into the site's current files or items (taken modulo their count): small, so shrunk scripts read well.
fn idx() -> impl Strategy<Value = u8> {
    0..24u8
}

fn pick<T: Clone + std::fmt::Debug + 'static>(values: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(values)
}

fn edit() -> impl Strategy<Value = Edit> {
    let anchor = prop_oneof![3 => Just(Anchor::None), 3 => idx().prop_map(Anchor::Heading), 1 => Just(Anchor::Missing)];
    let menu = prop_oneof![
        (pick(TITLES), pick(MENU_URLS)).prop_map(|(name, url)| MenuOp::Add { name, url }),
        idx().prop_map(MenuOp::Remove),
        (idx(), pick(TITLES)).prop_map(|(i, n)| MenuOp::Rename(i, n)),
    ];
    prop_oneof![
        3 => (idx(), pick(SENTENCES)).prop_map(|(doc, text)| Edit::Body { doc, text }),
        2 => (idx(), pick(SENTENCES)).prop_map(|(doc, text)| Edit::Summary { doc, text }),
        2 => (idx(), pick(TITLES)).prop_map(|(doc, title)| Edit::Title { doc, title }),
        2 => (idx(), prop::option::of(pick(SLUGS))).prop_map(|(page, slug)| Edit::Slug { page, slug }),
        2 => (idx(), prop::option::of(pick(DATES))).prop_map(|(page, date)| Edit::Date { page, date }),
        2 => (idx(), prop::sample::subsequence(TAGS, 0..=3)).prop_map(|(page, tags)| Edit::Tags { page, tags }),
        1 => (idx(), prop::sample::subsequence(CATEGORIES, 0..=2)).prop_map(|(page, categories)| Edit::Categories { page, categories }),
        1 => idx().prop_map(|page| Edit::ToggleDraft { page }),
        1 => idx().prop_map(|page| Edit::ToggleFeatured { page }),
        1 => (idx(), pick(ALIASES)).prop_map(|(page, alias)| Edit::AddAlias { page, alias }),
        1 => (idx(), pick(COLLIDING_ALIASES)).prop_map(|(page, alias)| Edit::CollidingAlias { page, alias }),
        1 => (idx(), pick(FUTURE_DATES)).prop_map(|(page, date)| Edit::FutureDate { page, date }),
        2 => (idx(), pick(SCHEDULE_KEYS), prop::option::weighted(0.7, pick(SCHEDULE_DATES))).prop_map(|(page, key, date)| Edit::Schedule { page, key, date }),
        1 => (idx(), prop::sample::subsequence(TAG_SPELLINGS, 1..=2)).prop_map(|(page, tags)| Edit::TagSpelling { page, tags }),
        2 => (idx(), prop::option::of(pick(AUTHORS))).prop_map(|(page, name)| Edit::Author { page, name }),
        1 => (idx(), prop::option::weighted(0.7, pick(PROFILES))).prop_map(|(page, value)| Edit::Block { page, key: "profile", value }),
        1 => (idx(), prop::option::weighted(0.7, pick(CASE_STUDIES))).prop_map(|(page, value)| Edit::Block { page, key: "case_study", value }),
        1 => (idx(), any::<bool>()).prop_map(|(file, delete)| Edit::BlockFile { file, delete }),
        2 => (idx(), idx(), anchor).prop_map(|(from, to, anchor)| Edit::AddLink { from, to, anchor }),
        2 => (idx(), pick(TITLES), pick(DATES), prop::sample::subsequence(TAGS, 0..=2), prop::bool::weighted(0.2))
            .prop_map(|(section, title, date, tags, draft)| Edit::AddPage { section, title, date, tags, draft }),
        1 => idx().prop_map(|page| Edit::DeletePage { page }),
        1 => (idx(), idx()).prop_map(|(page, section)| Edit::RenamePage { page, section }),
        2 => (idx(), idx(), pick(QUESTIONS)).prop_map(|(topic, question, text)| Edit::FaqQuestion { topic, question, text }),
        2 => (idx(), idx(), pick(ANSWERS)).prop_map(|(topic, question, text)| Edit::FaqAnswer { topic, question, text }),
        1 => (any::<bool>(), pick(QUESTIONS)).prop_map(|(yaml, question)| Edit::AddTopic { yaml, question }),
        1 => idx().prop_map(|topic| Edit::RemoveTopic { topic }),
        1 => (idx(), pick(PRICES)).prop_map(|(tier, price)| Edit::TierPrice { tier, price }),
        1 => (idx(), pick(TIER_NAMES)).prop_map(|(tier, name)| Edit::TierName { tier, name }),
        1 => (idx(), pick(FEATURES)).prop_map(|(tier, features)| Edit::TierFeatures { tier, features }),
        1 => (pick(TIER_NAMES), pick(PRICES)).prop_map(|(name, price)| Edit::AddTier { name, price }),
        1 => idx().prop_map(|tier| Edit::RemoveTier { tier }),
        1 => (idx(), pick(BANNER_DATES)).prop_map(|(banner, dates)| Edit::BannerDates { banner, dates }),
        1 => (idx(), 1..=9u8).prop_map(|(banner, weight)| Edit::BannerWeight { banner, weight }),
        1 => (idx(), prop::sample::subsequence(PLACEMENTS, 0..=4)).prop_map(|(banner, placements)| Edit::BannerPlacements { banner, placements }),
        1 => pick(SITE_TITLES).prop_map(|title| Edit::SiteTitle { title }),
        1 => menu.prop_map(|op| Edit::SiteMenu { op }),
        1 => (1..=4u8).prop_map(|by| Edit::SitePaginate { by }),
        1 => idx().prop_map(|template| Edit::ThemeTemplate { template }),
        1 => any::<bool>().prop_map(|add| Edit::ShortcodeTemplate { add }),
        1 => idx().prop_map(|template| Edit::AddOverride { template }),
        1 => idx().prop_map(|template| Edit::RemoveOverride { template }),
        1 => idx().prop_map(|dir| Edit::AddStatic { dir }),
        2 => (idx(), idx(), any::<bool>()).prop_map(|(from, file, image)| Edit::AddFileLink { from, file, image }),
        1 => idx().prop_map(|from| Edit::LinkNewStatic { from }),
        1 => prop::option::of(pick(USER_REDIRECTS)).prop_map(|text| Edit::UserRedirects { text }),
        1 => idx().prop_map(|file| Edit::RemoveStatic { file }),
        1 => idx().prop_map(|file| Edit::RenameStatic { file }),
        1 => any::<bool>().prop_map(|syntax| Edit::BreakConfig { syntax }),
        1 => idx().prop_map(|page| Edit::BreakEncoding { page }),
        1 => (idx(), any::<bool>()).prop_map(|(doc, syntax)| Edit::BreakFrontMatter { doc, syntax }),
        1 => idx().prop_map(|template| Edit::BreakTemplate { template }),
        1 => idx().prop_map(|file| Edit::BreakData { file }),
        1 => idx().prop_map(|file| Edit::Fix { file }),
    ]
}

/// How often (in percent) an edit of this kind is undone a few steps later: the file's earlier bytes are restored,
/// as with an editor's undo or `git checkout`. Breakage is mostly fixed again and removals mostly come back, so most
/// steps end in a site that builds and whole outputs are compared, while errors still come and go.
fn undo_percent(edit: &Edit) -> u32 {
    match edit {
        Edit::BreakConfig { .. } | Edit::BreakEncoding { .. } | Edit::BreakFrontMatter { .. } | Edit::BreakTemplate { .. } | Edit::BreakData { .. } => 80,
        Edit::DeletePage { .. } | Edit::RenamePage { .. } | Edit::RemoveTopic { .. } | Edit::ToggleDraft { .. } => 60,
        Edit::CollidingAlias { .. } | Edit::FutureDate { .. } | Edit::Schedule { .. } => 60,
        Edit::RemoveTier { .. }
        | Edit::RemoveStatic { .. }
        | Edit::RenameStatic { .. }
        | Edit::RemoveOverride { .. }
        | Edit::FaqQuestion { .. }
        | Edit::AddLink { .. } => 50,
        _ => 20,
    }
}

/// One step of a script: an edit, perhaps undone after `delay` more edits. The roll decides (with the edit kind's
/// [`undo_percent`]) whether it is undone; it shrinks towards 0, "not undone".
#[derive(Clone)]
struct Step {
    edit: Edit,
    undo_roll: u8,
    delay: u8,
}

impl Step {
    fn undo_after(&self) -> Option<usize> {
        (u32::from(self.undo_roll) * 100 >= (100 - undo_percent(&self.edit)) * 256).then_some(usize::from(self.delay))
    }
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.edit)?;
        if let Some(k) = self.undo_after() {
            write!(f, ", undone after {k} more edit(s)")?;
        }
        Ok(())
    }
}

/// One generated case: build options and an edit script.
#[derive(Debug, Clone)]
struct Case {
    drafts: bool,
    future: bool,
    expired: bool,
    script: Vec<Step>,
}

fn case() -> impl Strategy<Value = Case> {
    let step = (edit(), any::<u8>(), 0..3u8).prop_map(|(edit, undo_roll, delay)| Step { edit, undo_roll, delay });
    (prop::bool::weighted(0.2), prop::bool::weighted(0.2), prop::bool::weighted(0.2), prop::collection::vec(step, 1..=8))
        .prop_map(|(drafts, future, expired, script)| Case { drafts, future, expired, script })
}

// ---------------------------------------------------------------------------------------------------------------------
// Applying edits to the files on disk.

/// How a file was broken, so `Fix` can undo exactly that.
#[derive(Debug, Clone)]
enum Broken {
    Latin1,
    /// This text was inserted; removing it fixes the file.
    Junk(String),
}

/// The site on disk while a script runs.
struct Files {
    root: PathBuf,
    /// Counter for new file names and template markers.
    next: u32,
    /// Broken files (relative to the root) and how.
    broken: BTreeMap<String, Broken>,
}

/// What an applied edit did: a description and the paths it touched (relative to the root).
struct Applied {
    what: String,
    touched: Vec<String>,
}

fn list_files(root: &Path, dir: &str) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &root.join(dir), &mut out);
    out.sort();
    out
}

fn nth<T: Clone>(items: &[T], i: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(i) % items.len()].clone())
}

fn is_section(rel: &str) -> bool {
    rel.ends_with("/_index.md")
}

fn is_faq_topic(rel: &str) -> bool {
    rel.starts_with("content/faq/") && !is_section(rel) && (rel.ends_with(".md") || rel.ends_with(".yaml"))
}

/// `(start of the YAML, end of the YAML, start of the body)` of a Markdown file with front matter.
fn split_front_matter(text: &str) -> Option<(usize, usize, usize)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n").map(|i| i + 1).or_else(|| rest.ends_with("\n---").then(|| rest.len() - 3))?;
    Some((4, 4 + end, (4 + end + 4).min(text.len())))
}

/// Sets (or removes, with `None`) a top-level front matter key, keeping everything else as it is.
fn set_key(text: &str, key: &str, value: Option<&str>) -> String {
    let Some((ys, ye, bs)) = split_front_matter(text) else { return text.to_string() };
    let prefix = format!("{key}:");
    let mut lines: Vec<String> = text[ys..ye].lines().map(str::to_string).collect();
    let pos = lines.iter().position(|l| l.starts_with(&prefix));
    match (pos, value) {
        (Some(i), Some(v)) => lines[i] = format!("{key}: {v}"),
        (Some(i), None) => {
            lines.remove(i);
        }
        (None, Some(v)) => lines.push(format!("{key}: {v}")),
        (None, None) => {}
    }
    let yaml: String = lines.iter().map(|l| format!("{l}\n")).collect();
    format!("---\n{yaml}---\n{}", &text[bs..])
}

fn get_key(text: &str, key: &str) -> Option<String> {
    let (ys, ye, _) = split_front_matter(text)?;
    let prefix = format!("{key}:");
    text[ys..ye].lines().find_map(|l| l.strip_prefix(&prefix)).map(|v| v.trim().to_string())
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn flow_list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", "))
}

/// Anchors of a content file: its headings (Markdown) or questions (FAQ YAML), made unique as folio does.
fn anchors_of(rel: &str, text: &str) -> Vec<String> {
    let titles: Vec<String> = if rel.ends_with(".yaml") {
        text.lines().filter_map(|l| l.trim_start().strip_prefix("- question:")).map(|q| q.trim().trim_matches('"').to_string()).collect()
    } else {
        let body = split_front_matter(text).map_or(text, |(_, _, b)| &text[b..]);
        body.lines().filter(|l| l.starts_with('#')).map(|l| l.trim_start_matches('#').trim().to_string()).collect()
    };
    let mut used = HashSet::new();
    titles.iter().map(|t| folio::parse::markdown::unique_id(folio::parse::markdown::heading_id(t), &mut used)).collect()
}

/// Line ranges of the items of a YAML list whose items start with `  - id:` (tiers, banners).
fn item_blocks(lines: &[&str]) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| l.starts_with("  - id:")).map(|(i, _)| i).collect();
    starts
        .iter()
        .map(|&s| {
            let end = (s + 1..lines.len()).find(|&i| !lines[i].starts_with("    ")).unwrap_or(lines.len());
            (s, end)
        })
        .collect()
}

/// Sets `    key: value` inside the n-th item of a YAML list of `  - id:` items.
fn set_item_field(text: &str, item: u8, key: &str, value: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let (s, e) = nth(&item_blocks(&lines), item)?;
    let id = lines[s].trim_start_matches("  - id:").trim().to_string();
    let prefix = format!("    {key}:");
    let new_line = format!("    {key}: {value}");
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match (s..e).find(|&i| lines[i].starts_with(&prefix)) {
        Some(i) => out[i] = new_line,
        None => out.insert(e, new_line),
    }
    Some((out.join("\n") + "\n", id))
}

/// Inserts a marker where a template shows it on every page it renders.
fn mark_template(text: &str, marker: &str) -> String {
    const BLOCK: &str = "{% block main %}";
    if let Some(i) = text.find(BLOCK) {
        let at = i + BLOCK.len();
        format!("{}{marker}{}", &text[..at], &text[at..])
    } else if let Some(i) = text.find("</body>") {
        format!("{}{marker}{}", &text[..i], &text[i..])
    } else {
        format!("{text}{marker}")
    }
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

fn from_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

impl Files {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The text of a file, or `None` when it is missing or not UTF-8 (a Latin-1 file is left alone until fixed).
    fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.path(rel)).ok()
    }

    fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("a file has a folder")).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn fresh_name(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{}", self.next)
    }

    fn content(&self) -> Vec<String> {
        list_files(&self.root, "content")
    }

    fn readable(&self, rel: &str) -> bool {
        !matches!(self.broken.get(rel), Some(Broken::Latin1))
    }

    /// Articles and standalone pages (not sections, not FAQ topics), including broken ones.
    fn pages(&self) -> Vec<String> {
        self.content().into_iter().filter(|r| r.ends_with(".md") && !is_section(r) && !r.starts_with("content/faq/")).collect()
    }

    fn readable_pages(&self) -> Vec<String> {
        self.pages().into_iter().filter(|r| self.readable(r)).collect()
    }

    /// Pages, sections and Markdown FAQ topics that can be read.
    fn docs(&self) -> Vec<String> {
        self.content().into_iter().filter(|r| r.ends_with(".md") && self.readable(r)).collect()
    }

    fn topics(&self) -> Vec<String> {
        self.content().into_iter().filter(|r| is_faq_topic(r) && self.readable(r)).collect()
    }

    fn pricing(&self) -> Vec<String> {
        self.content().into_iter().filter(|r| r.starts_with("content/pricing/") && r.ends_with(".yaml")).collect()
    }

    fn theme_templates(&self) -> Vec<String> {
        list_files(&self.root, "themes/default/templates").into_iter().filter(|r| r.ends_with(".html") && !r.ends_with("/macros.html")).collect()
    }

    fn statics(&self) -> Vec<String> {
        let mut all = list_files(&self.root, "static");
        all.extend(self.content().into_iter().filter(|r| !r.ends_with(".md") && !r.ends_with(".yaml")));
        all
    }

    /// Edits a text file with `f`; `None` when the file cannot be read or `f` declines.
    fn edit(&self, rel: &str, f: impl FnOnce(&str) -> Option<String>) -> Option<()> {
        let text = self.read(rel)?;
        let new = f(&text)?;
        self.write(rel, &new);
        Some(())
    }

    /// Applies one edit; `None` when it finds nothing to change.
    fn apply(&mut self, edit: &Edit) -> Option<Applied> {
        let one = |what: String, rel: &str| Some(Applied { what, touched: vec![rel.to_string()] });
        match edit {
            Edit::Body { doc, text } => {
                let rel = nth(&self.docs(), *doc)?;
                self.edit(&rel, |t| Some(format!("{t}\n{text}\n")))?;
                one(format!("append {text:?} to the body of {rel}"), &rel)
            }
            Edit::Summary { doc, text } => {
                let rel = nth(&self.docs(), *doc)?;
                self.edit(&rel, |t| {
                    let (_, _, b) = split_front_matter(t)?;
                    let lead = t[b..].len() - t[b..].trim_start_matches('\n').len();
                    let at = b + lead;
                    Some(format!("{}{text}\n\n{}", &t[..at], &t[at..]))
                })?;
                one(format!("put {text:?} first in the summary of {rel}"), &rel)
            }
            Edit::Title { doc, title } => {
                let rel = nth(&self.docs(), *doc)?;
                self.edit(&rel, |t| Some(set_key(t, "title", Some(&quoted(title)))))?;
                one(format!("title of {rel} := {title:?}"), &rel)
            }
            Edit::Slug { page, slug } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, "slug", slug.map(quoted).as_deref())))?;
                one(format!("slug of {rel} := {slug:?}"), &rel)
            }
            Edit::Date { page, date } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, "date", *date)))?;
                one(format!("date of {rel} := {date:?}"), &rel)
            }
            Edit::Tags { page, tags } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, "tags", Some(&flow_list(tags)))))?;
                one(format!("tags of {rel} := {tags:?}"), &rel)
            }
            Edit::Categories { page, categories } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, "categories", Some(&flow_list(categories)))))?;
                one(format!("categories of {rel} := {categories:?}"), &rel)
            }
            Edit::ToggleDraft { page } | Edit::ToggleFeatured { page } => {
                let key = if matches!(edit, Edit::ToggleDraft { .. }) { "draft" } else { "featured" };
                let rel = nth(&self.readable_pages(), *page)?;
                let mut now = false;
                self.edit(&rel, |t| {
                    now = get_key(t, key).as_deref() != Some("true");
                    Some(set_key(t, key, now.then_some("true")))
                })?;
                one(format!("{key} of {rel} := {now}"), &rel)
            }
            Edit::Author { page, name } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, "author", name.map(quoted).as_deref())))?;
                one(format!("author of {rel} := {name:?}"), &rel)
            }
            Edit::Block { page, key, value } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, key, *value)))?;
                one(format!("{key} of {rel} := {value:?}"), &rel)
            }
            Edit::BlockFile { file, delete } => {
                let (rel, text) = BLOCK_FILES[usize::from(*file) % BLOCK_FILES.len()];
                if *delete {
                    if !self.path(rel).exists() {
                        return None;
                    }
                    std::fs::remove_file(self.path(rel)).unwrap();
                } else {
                    self.write(rel, text);
                }
                one(format!("{} {rel}", if *delete { "delete" } else { "write" }), rel)
            }
            Edit::CollidingAlias { page, alias } => self.apply(&Edit::AddAlias { page: *page, alias }),
            Edit::FutureDate { page, date } => self.apply(&Edit::Date { page: *page, date: Some(date) }),
            Edit::Schedule { page, key, date } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| Some(set_key(t, key, *date)))?;
                one(format!("{key} of {rel} := {date:?}"), &rel)
            }
            Edit::TagSpelling { page, tags } => self.apply(&Edit::Tags { page: *page, tags: tags.clone() }),
            Edit::AddAlias { page, alias } => {
                let rel = nth(&self.readable_pages(), *page)?;
                self.edit(&rel, |t| {
                    let old = get_key(t, "aliases").unwrap_or_default();
                    let inner = old.trim().trim_start_matches('[').trim_end_matches(']').trim();
                    let list = if inner.is_empty() { format!("[{}]", quoted(alias)) } else { format!("[{inner}, {}]", quoted(alias)) };
                    Some(set_key(t, "aliases", Some(&list)))
                })?;
                one(format!("add alias {alias:?} to {rel}"), &rel)
            }
            Edit::AddLink { from, to, anchor } => {
                let rel = nth(&self.docs(), *from)?;
                let targets: Vec<String> = self.content().into_iter().filter(|r| r.ends_with(".md") || is_faq_topic(r)).collect();
                let target = nth(&targets, *to)?;
                let fragment = match anchor {
                    Anchor::None => String::new(),
                    Anchor::Missing => "#no-such-heading".to_string(),
                    Anchor::Heading(h) => {
                        let text = self.read(&target).unwrap_or_default();
                        nth(&anchors_of(&target, &text), *h).map(|a| format!("#{a}")).unwrap_or_default()
                    }
                };
                let link = format!("@/{}{fragment}", target.trim_start_matches("content/"));
                self.edit(&rel, |t| Some(format!("{t}\nSee [this page]({link}).\n")))?;
                one(format!("link {rel} to {link}"), &rel)
            }
            Edit::AddFileLink { from, file, image } => {
                let rel = nth(&self.docs(), *from)?;
                let mut targets: Vec<String> =
                    self.statics().iter().map(|f| format!("/{}", f.strip_prefix("static/").or_else(|| f.strip_prefix("content/")).unwrap_or(f))).collect();
                targets.push("/images/not-there.svg".into());
                let target = nth(&targets, *file)?;
                let link = if *image { format!("![A picture]({target})") } else { format!("[the file]({target})") };
                self.edit(&rel, |t| {
                    Some(format!(
                        "{t}
{link}
"
                    ))
                })?;
                one(format!("link {rel} to the file {target}"), &rel)
            }
            Edit::LinkNewStatic { from } => {
                let rel = nth(&self.docs(), *from)?;
                let file = format!("static/images/{}.svg", self.fresh_name("pic"));
                self.write(&file, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n");
                let url = file.trim_start_matches("static");
                self.edit(&rel, |t| Some(format!("{t}\n![A new picture]({url})\n")))?;
                Some(Applied { what: format!("save {file} and show it in {rel}"), touched: vec![file, rel] })
            }
            Edit::AddPage { section, title, date, tags, draft } => {
                let dir = nth(SECTIONS, *section)?;
                let name = self.fresh_name("new");
                let rel = if dir.is_empty() { format!("content/{name}.md") } else { format!("content/{dir}/{name}.md") };
                let draft_line = if *draft { "draft: true\n" } else { "" };
                let text = format!(
                    "---\ntitle: {}\ndate: {date}\ntags: {}\n{draft_line}---\nFresh text for {title}.\n\n## Details\n\nMore.\n",
                    quoted(title),
                    flow_list(tags)
                );
                self.write(&rel, &text);
                one(format!("add page {rel} (title {title:?}, date {date}, tags {tags:?}, draft {draft})"), &rel)
            }
            Edit::DeletePage { page } => {
                let rel = nth(&self.pages(), *page)?;
                std::fs::remove_file(self.path(&rel)).unwrap();
                self.broken.remove(&rel);
                one(format!("delete {rel}"), &rel)
            }
            Edit::RenamePage { page, section } => {
                let rel = nth(&self.pages(), *page)?;
                let dir = nth(SECTIONS, *section)?;
                let name = self.fresh_name("moved");
                let to = if dir.is_empty() { format!("content/{name}.md") } else { format!("content/{dir}/{name}.md") };
                std::fs::rename(self.path(&rel), self.path(&to)).unwrap();
                if let Some(b) = self.broken.remove(&rel) {
                    self.broken.insert(to.clone(), b);
                }
                Some(Applied { what: format!("rename {rel} to {to}"), touched: vec![rel, to] })
            }
            Edit::FaqQuestion { topic, question, text } | Edit::FaqAnswer { topic, question, text } => {
                let is_question = matches!(edit, Edit::FaqQuestion { .. });
                let rel = nth(&self.topics(), *topic)?;
                let src = self.read(&rel)?;
                let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
                let new = if rel.ends_with(".yaml") {
                    let qs: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  - question:")).collect();
                    let q = nth(&qs, *question)?;
                    if is_question {
                        lines[q] = format!("  - question: {}", quoted(text));
                    } else {
                        let a = (q + 1..lines.len()).find(|&i| lines[i].starts_with("    answer:"))?;
                        lines[a] = format!("    answer: {}", quoted(text));
                    }
                    lines.join("\n") + "\n"
                } else {
                    let body = split_front_matter(&src).map_or(0, |(_, _, b)| src[..b].lines().count());
                    let qs: Vec<usize> = (body..lines.len()).filter(|&i| lines[i].starts_with("## ")).collect();
                    let q = nth(&qs, *question)?;
                    if is_question {
                        lines[q] = format!("## {text}");
                    } else {
                        let end = (q + 1..lines.len()).find(|&i| lines[i].starts_with("## ")).unwrap_or(lines.len());
                        lines.splice(q + 1..end, [String::new(), text.to_string(), String::new()]);
                    }
                    lines.join("\n") + "\n"
                };
                self.write(&rel, &new);
                let part = if is_question { "question" } else { "answer" };
                one(format!("{part} {question} of {rel} := {text:?}"), &rel)
            }
            Edit::AddTopic { yaml, question } => {
                let name = self.fresh_name("topic");
                let (rel, text) = if *yaml {
                    (
                        format!("content/faq/{name}.yaml"),
                        format!("title: \"Topic {name}\"\nweight: 3\nquestions:\n  - question: {}\n    answer: \"An answer.\"\n", quoted(question)),
                    )
                } else {
                    (format!("content/faq/{name}.md"), format!("---\ntitle: \"Topic {name}\"\nweight: 3\n---\n## {question}\n\nAn answer.\n"))
                };
                self.write(&rel, &text);
                one(format!("add FAQ topic {rel} asking {question:?}"), &rel)
            }
            Edit::RemoveTopic { topic } => {
                let topics: Vec<String> = self.content().into_iter().filter(|r| is_faq_topic(r)).collect();
                let rel = nth(&topics, *topic)?;
                std::fs::remove_file(self.path(&rel)).unwrap();
                self.broken.remove(&rel);
                one(format!("delete FAQ topic {rel}"), &rel)
            }
            Edit::TierPrice { tier, price } | Edit::TierName { tier, name: price } | Edit::TierFeatures { tier, features: price } => {
                let (key, value) = match edit {
                    Edit::TierPrice { .. } => ("price", price.to_string()),
                    Edit::TierName { .. } => ("name", quoted(price)),
                    _ => ("features", price.to_string()),
                };
                let rel = nth(&self.pricing(), 0)?;
                let mut id = String::new();
                self.edit(&rel, |t| {
                    let (new, i) = set_item_field(t, *tier, key, &value)?;
                    id = i;
                    Some(new)
                })?;
                one(format!("{key} of tier {id} in {rel} := {value}"), &rel)
            }
            Edit::AddTier { name, price } => {
                let rel = nth(&self.pricing(), 0)?;
                let id = self.fresh_name("tier");
                self.edit(&rel, |t| {
                    Some(format!("{t}  - id: {id}\n    name: {}\n    price: {price}\n    features: [\"Added feature\"]\n    weight: 5\n", quoted(name)))
                })?;
                one(format!("add tier {id} ({name:?}, {price}) to {rel}"), &rel)
            }
            Edit::RemoveTier { tier } => {
                let rel = nth(&self.pricing(), 0)?;
                let mut id = String::new();
                self.edit(&rel, |t| {
                    let lines: Vec<&str> = t.lines().collect();
                    let (s, e) = nth(&item_blocks(&lines), *tier)?;
                    id = lines[s].to_string();
                    let kept: Vec<&str> = lines[..s].iter().chain(&lines[e..]).copied().collect();
                    Some(kept.join("\n") + "\n")
                })?;
                one(format!("remove tier `{}` from {rel}", id.trim()), &rel)
            }
            Edit::BannerDates { banner, dates: (starts, ends) } => {
                let rel = "content/banners.yaml";
                let mut id = String::new();
                self.edit(rel, |t| {
                    let (t, i) = set_item_field(t, *banner, "starts", starts)?;
                    id = i;
                    Some(set_item_field(&t, *banner, "ends", ends)?.0)
                })?;
                one(format!("dates of banner {id} := {starts} to {ends}"), rel)
            }
            Edit::BannerWeight { banner, weight } => {
                let rel = "content/banners.yaml";
                let mut id = String::new();
                self.edit(rel, |t| {
                    let (t, i) = set_item_field(t, *banner, "weight", &weight.to_string())?;
                    id = i;
                    Some(t)
                })?;
                one(format!("weight of banner {id} := {weight}"), rel)
            }
            Edit::BannerPlacements { banner, placements } => {
                let rel = "content/banners.yaml";
                let mut id = String::new();
                let list = format!("[{}]", placements.join(", "));
                self.edit(rel, |t| {
                    let (t, i) = set_item_field(t, *banner, "placements", &list)?;
                    id = i;
                    Some(t)
                })?;
                one(format!("placements of banner {id} := {list}"), rel)
            }
            Edit::SiteTitle { title } => {
                self.edit("site.yaml", |t| {
                    Some(t.lines().map(|l| if l.starts_with("title:") { format!("title: {}\n", quoted(title)) } else { format!("{l}\n") }).collect())
                })?;
                one(format!("site title := {title:?}"), "site.yaml")
            }
            Edit::SiteMenu { op } => {
                let mut what = String::new();
                self.edit("site.yaml", |t| {
                    let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
                    let items: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  - { name:")).collect();
                    match op {
                        MenuOp::Add { name, url } => {
                            let at = items.last().map_or(lines.len(), |i| i + 1);
                            lines.insert(at, format!("  - {{ name: {}, url: \"{url}\" }}", quoted(name)));
                            what = format!("add menu item {name:?} → {url}");
                        }
                        MenuOp::Remove(i) => {
                            let at = nth(&items, *i)?;
                            what = format!("remove menu item `{}`", lines[at].trim());
                            lines.remove(at);
                        }
                        MenuOp::Rename(i, name) => {
                            let at = nth(&items, *i)?;
                            let url = lines[at].split("url:").nth(1)?.trim().trim_end_matches('}').trim().to_string();
                            what = format!("rename menu item `{}` to {name:?}", lines[at].trim());
                            lines[at] = format!("  - {{ name: {}, url: {url} }}", quoted(name));
                        }
                    }
                    Some(lines.join("\n") + "\n")
                })?;
                one(what, "site.yaml")
            }
            Edit::SitePaginate { by } => {
                self.edit("site.yaml", |t| {
                    Some(t.lines().map(|l| if l.starts_with("paginate_by:") { format!("paginate_by: {by}\n") } else { format!("{l}\n") }).collect())
                })?;
                one(format!("site paginate_by := {by}"), "site.yaml")
            }
            Edit::ThemeTemplate { template } => {
                let rel = nth(&self.theme_templates(), *template)?;
                let marker = format!("<!-- {} -->", self.fresh_name("edit"));
                self.edit(&rel, |t| Some(mark_template(t, &marker)))?;
                one(format!("insert {marker} into {rel}"), &rel)
            }
            Edit::ShortcodeTemplate { add } => {
                let rel = "templates/shortcodes/note.html";
                if *add {
                    self.write(rel, "<span class=\"note\">{{ text | default(value=\"\") }}</span>\n");
                    one("add the shortcode template note.html".to_string(), rel)
                } else {
                    std::fs::remove_file(self.path(rel)).ok()?;
                    self.broken.remove(rel);
                    one("delete the shortcode template note.html".to_string(), rel)
                }
            }
            Edit::AddOverride { template } => {
                let theme = nth(&self.theme_templates(), *template)?;
                let rel = format!("templates/{}", theme.trim_start_matches("themes/default/templates/"));
                let base = self.read(&rel).or_else(|| self.read(&theme))?;
                let marker = format!("<!-- {} -->", self.fresh_name("override"));
                self.write(&rel, &mark_template(&base, &marker));
                one(format!("site override {rel} (the theme's with {marker})"), &rel)
            }
            Edit::RemoveOverride { template } => {
                let rel = nth(&list_files(&self.root, "templates"), *template)?;
                std::fs::remove_file(self.path(&rel)).unwrap();
                self.broken.remove(&rel);
                one(format!("delete override {rel}"), &rel)
            }
            Edit::AddStatic { dir } => {
                let dir = nth(STATIC_DIRS, *dir)?;
                let name = self.fresh_name("new");
                let rel = if dir.ends_with("files") { format!("{dir}/{name}.txt") } else { format!("{dir}/{name}.svg") };
                self.write(&rel, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n");
                one(format!("add static file {rel}"), &rel)
            }
            Edit::UserRedirects { text } => {
                let rel = "static/_redirects".to_string();
                match text {
                    Some(t) => self.write(&rel, t),
                    None if self.path(&rel).exists() => std::fs::remove_file(self.path(&rel)).unwrap(),
                    None => return None,
                }
                one(format!("{} {rel}", if text.is_some() { "write" } else { "delete" }), &rel)
            }
            Edit::RemoveStatic { file } => {
                let rel = nth(&self.statics(), *file)?;
                std::fs::remove_file(self.path(&rel)).unwrap();
                one(format!("delete static file {rel}"), &rel)
            }
            Edit::RenameStatic { file } => {
                let rel = nth(&self.statics(), *file)?;
                let (dir, file_name) = rel.rsplit_once('/')?;
                let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
                let to = format!("{dir}/{}.{ext}", self.fresh_name("renamed"));
                std::fs::rename(self.path(&rel), self.path(&to)).unwrap();
                Some(Applied { what: format!("rename static file {rel} to {to}"), touched: vec![rel, to] })
            }
            Edit::BreakConfig { syntax } => {
                let junk = if *syntax { "broken: [unclosed\n" } else { "colour: blue\n" };
                self.insert_junk("site.yaml", 0, junk)
            }
            Edit::BreakEncoding { page } => {
                let candidates: Vec<String> = self.readable_pages().into_iter().filter(|r| !self.broken.contains_key(r)).collect();
                let rel = nth(&candidates, *page)?;
                let text = self.read(&rel)?;
                self.write_bytes(&rel, &latin1(&format!("{text}\nCafé crème, saved as Latin-1.\n")));
                self.broken.insert(rel.clone(), Broken::Latin1);
                one(format!("save {rel} as Latin-1 (with \"Café crème\")"), &rel)
            }
            Edit::BreakFrontMatter { doc, syntax } => {
                let candidates: Vec<String> = self.docs().into_iter().filter(|r| !self.broken.contains_key(r)).collect();
                let rel = nth(&candidates, *doc)?;
                let junk = if *syntax { "extra: {broken\n" } else { "tittle: oops\n" };
                self.insert_junk(&rel, 4, junk)
            }
            Edit::BreakTemplate { template } => {
                let candidates: Vec<String> = self.theme_templates().into_iter().filter(|r| !self.broken.contains_key(r)).collect();
                let rel = nth(&candidates, *template)?;
                self.insert_junk(&rel, 0, "{{ broken( }}\n")
            }
            Edit::BreakData { file } => {
                let candidates: Vec<String> =
                    self.content().into_iter().filter(|r| r.ends_with(".yaml") && self.readable(r) && !self.broken.contains_key(r)).collect();
                let rel = nth(&candidates, *file)?;
                self.insert_junk(&rel, 0, "colour: red\n")
            }
            Edit::Fix { file } => {
                let broken: Vec<(String, Broken)> = self.broken.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                let (rel, how) = nth(&broken, *file)?;
                self.broken.remove(&rel);
                match how {
                    Broken::Latin1 => {
                        let bytes = std::fs::read(self.path(&rel)).ok()?;
                        self.write(&rel, &from_latin1(&bytes));
                        one(format!("fix {rel}: save it again as UTF-8"), &rel)
                    }
                    Broken::Junk(junk) => {
                        self.edit(&rel, |t| Some(t.replacen(&junk, "", 1)))?;
                        one(format!("fix {rel}: remove {junk:?}"), &rel)
                    }
                }
            }
        }
    }

    /// Breaks a file by inserting `junk` at byte `at` (once per file).
    fn insert_junk(&mut self, rel: &str, at: usize, junk: &str) -> Option<Applied> {
        if self.broken.contains_key(rel) {
            return None;
        }
        self.edit(rel, |t| t.is_char_boundary(at.min(t.len())).then(|| format!("{}{junk}{}", &t[..at.min(t.len())], &t[at.min(t.len())..])))?;
        self.broken.insert(rel.to_string(), Broken::Junk(junk.to_string()));
        Some(Applied { what: format!("break {rel}: insert {junk:?}"), touched: vec![rel.to_string()] })
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Comparing the session with a fresh build.

fn rendered(diags: &Diagnostics) -> Vec<String> {
    let mut all: Vec<String> = diags.0.iter().map(ToString::to_string).collect();
    all.sort();
    all
}

fn excerpt(bytes: &[u8], at: usize) -> String {
    let from = at.saturating_sub(120);
    let to = (at + 120).min(bytes.len());
    String::from_utf8_lossy(&bytes[from.min(to)..to]).replace('\n', "⏎")
}

/// Where two versions of a file first differ, with some context from both.
fn first_difference(path: &str, fresh: &[u8], session: &[u8]) -> String {
    let at = fresh.iter().zip(session).position(|(a, b)| a != b).unwrap_or(fresh.len().min(session.len()));
    let line = fresh[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    format!(
        "{path} differs from a fresh build at byte {at} (line {line}; {} bytes fresh, {} bytes in the session):\n    fresh:   …{}…\n    session: …{}…",
        fresh.len(),
        session.len(),
        excerpt(fresh, at),
        excerpt(session, at)
    )
}

/// Compares the session's outcome of one step with a fresh build of the same folder.
fn compare(opts: &BuildOptions, session: &Session, outcome: &Result<Report, Diagnostics>) -> Result<(), String> {
    let fresh = pipeline::build(opts);
    match (fresh, outcome) {
        (Err(fresh), Err(ours)) => {
            let (f, s) = (rendered(&fresh), rendered(ours));
            if f == s {
                return Ok(());
            }
            let only_fresh: Vec<&String> = f.iter().filter(|d| !s.contains(d)).collect();
            let only_session: Vec<&String> = s.iter().filter(|d| !f.contains(d)).collect();
            Err(format!("the error lists differ.\n  only in the fresh build:\n{}\n  only in the session:\n{}", indent(&only_fresh), indent(&only_session)))
        }
        (Err(fresh), Ok(_)) => Err(format!("the session accepted a site a fresh build rejects:\n{}", indent(&rendered(&fresh).iter().collect::<Vec<_>>()))),
        (Ok(_), Err(ours)) => Err(format!("the session failed where a fresh build succeeds:\n{}", indent(&rendered(ours).iter().collect::<Vec<_>>()))),
        (Ok(built), Ok(report)) => {
            let snap = session.snapshot();
            let mut ours_bytes: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
            let mut ours_static: BTreeMap<&str, &Path> = BTreeMap::new();
            let mut ours_made: BTreeMap<&str, &Path> = BTreeMap::new();
            for (path, served) in snap.files() {
                match served {
                    Served::Bytes(_) | Served::Stored(_) => {
                        let bytes = snap.rendered(served).expect("a rendered file").unwrap_or_else(|e| panic!("{path}: {e}"));
                        ours_bytes.insert(path, bytes);
                    }
                    Served::File(src) => {
                        ours_static.insert(path, src);
                    }
                    Served::Made(m) => {
                        ours_made.insert(path, &m.cached);
                    }
                }
            }
            // Files made from images: the same files, made from the same image and options
            // (the cache file is named by the hash of both).
            let fresh_made: BTreeMap<&str, &Path> = built.made.iter().map(|m| (m.path.as_str(), m.cached.as_path())).collect();
            let fresh_bytes: BTreeMap<&str, Vec<u8>> = built.files.iter().map(|f| (f.path.as_str(), f.bytes.to_vec())).collect();
            let fresh_static: BTreeMap<&str, &Path> = built.assets.iter().map(|a| (a.out.as_str(), a.file.as_path())).collect();
            let mut differing = Vec::new();
            let mut first = None;
            for k in fresh_bytes.keys().chain(ours_bytes.keys()).copied().collect::<BTreeSet<&str>>() {
                match (fresh_bytes.get(k), ours_bytes.get(k)) {
                    (Some(_), None) => differing.push(format!("{k} (only in the fresh build)")),
                    (None, Some(_)) => differing.push(format!("{k} (only in the session)")),
                    (Some(f), Some(s)) if f != s => {
                        first.get_or_insert_with(|| first_difference(k, f, s));
                        differing.push(k.to_string());
                    }
                    _ => {}
                }
            }
            let mut problems = Vec::new();
            if !differing.is_empty() {
                problems.push(format!("{} rendered file(s) differ: {}", differing.len(), differing.join(", ")));
            }
            if fresh_made != ours_made {
                problems.push(format!("the files made from images differ:\n  fresh: {fresh_made:?}\n  session: {ours_made:?}"));
            }
            problems.extend(first);
            // Warnings (tag spellings merged, images without alt text) and the note on pages
            // left out are results too.
            let (fw, sw) = (rendered(&Diagnostics(built.warnings.clone())), rendered(&Diagnostics(report.warnings.clone())));
            if fw != sw {
                problems.push(format!(
                    "the warnings differ:
  fresh:
{}
  session:
{}",
                    indent(&fw.iter().collect::<Vec<_>>()),
                    indent(&sw.iter().collect::<Vec<_>>())
                ));
            }
            if built.note != report.note {
                problems.push(format!("the note differs: fresh {:?}, session {:?}", built.note, report.note));
            }
            if fresh_static != ours_static {
                let show = |a: &BTreeMap<&str, &Path>, b: &BTreeMap<&str, &Path>| -> Vec<String> {
                    a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).map(|(k, v)| format!("{k} ← {}", v.display())).collect()
                };
                problems.push(format!(
                    "static files differ: only in the fresh build {:?}, only in the session {:?}",
                    show(&fresh_static, &ours_static),
                    show(&ours_static, &fresh_static)
                ));
            }
            let fresh_plans: Vec<String> = built.site.marketing().groups.iter().flat_map(|g| g.tiers.iter().map(|t| t.id.clone())).collect();
            if fresh_plans != snap.plans {
                problems.push(format!("pricing plans (for the contact form) differ: fresh {fresh_plans:?}, session {:?}", snap.plans));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n  "))
            }
        }
    }
}

fn indent(lines: &[&String]) -> String {
    if lines.is_empty() {
        return "    (none)".to_string();
    }
    lines.iter().flat_map(|d| d.lines()).map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Every file of the site folder (relative path → bytes), to undo edits with.
fn snapshot_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(root, "").into_iter().filter_map(|rel| std::fs::read(root.join(&rel)).ok().map(|b| (rel, b))).collect()
}

/// How to undo an applied edit: the earlier bytes (or absence) and broken state of each path it touched.
struct Undo {
    of_step: usize,
    what: String,
    files: Vec<(String, Option<Vec<u8>>, Option<Broken>)>,
}

impl Undo {
    fn apply(self, files: &mut Files) -> Applied {
        let mut touched = Vec::new();
        for (rel, bytes, broken) in self.files {
            match bytes {
                Some(b) => files.write_bytes(&rel, &b),
                None => {
                    let _ = std::fs::remove_file(files.path(&rel));
                }
            }
            match broken {
                Some(b) => files.broken.insert(rel.clone(), b),
                None => files.broken.remove(&rel),
            };
            touched.push(rel);
        }
        Applied { what: format!("restore {} as before edit {} ({})", touched.join(", "), self.of_step, self.what), touched }
    }
}

/// Runs one case: a fresh copy of the fixture, a session's first build, then each edit (and each scheduled undo)
/// followed by a rebuild and a comparison with a fresh build. The error names the step and carries the log of every
/// step so far. With `control`, every step uses a new session: that checks the harness (it must always pass).
fn run_case(case: &Case, control: bool, skip: &[String]) -> Result<(), String> {
    let site = Site::fixture("differential");
    let opts = BuildOptions { root: site.root.clone(), drafts: case.drafts, future: case.future, expired: case.expired, ..Default::default() };
    let mut files = Files { root: site.root.clone(), next: 0, broken: BTreeMap::new() };
    let mut log = format!("  options: drafts = {}, future = {}, expired = {}\n", case.drafts, case.future, case.expired);
    let mut session = Session::new(opts.clone());
    let first = session.build();
    compare(&opts, &session, &first).map_err(|e| format!("{log}after the first build: {e}"))?;
    let mut step = 0;
    let mut pending: Vec<(usize, Undo)> = Vec::new();
    let mut rebuild = |label: String, applied: Applied, log: &mut String, session: &mut Session| -> Result<(), String> {
        step += 1;
        let outcome = if control {
            *session = Session::new(opts.clone());
            session.build()
        } else {
            session.rebuild(&applied.touched.iter().map(|r| site.root.join(r)).collect::<Vec<_>>())
        };
        let result = match &outcome {
            Ok(_) => "ok".to_string(),
            Err(e) => format!("{} error(s)", e.len()),
        };
        let _ = writeln!(log, "  {step}. {label}\n       {}; rebuild({}) → {result}", applied.what, applied.touched.join(", "));
        compare(&opts, session, &outcome).map_err(|e| format!("{log}after step {step}: {e}"))?;
        tally(|t| if outcome.is_ok() { t.files_compared += 1 } else { t.errors_compared += 1 });
        Ok(())
    };
    for (i, planned) in case.script.iter().enumerate() {
        while let Some(at) = pending.iter().position(|(due, _)| *due <= i) {
            let (_, undo) = pending.remove(at);
            let label = format!("undo of edit {}", undo.of_step);
            rebuild(label, undo.apply(&mut files), &mut log, &mut session)?;
        }
        let before = planned.undo_after().map(|_| (snapshot_files(&site.root), files.broken.clone()));
        let kind = kind_of(&planned.edit);
        let applied = if skip.contains(&kind) { None } else { files.apply(&planned.edit) };
        let Some(applied) = applied else {
            let _ = writeln!(log, "  -. edit {}: {planned:?}\n       (nothing to change: skipped)", i + 1);
            tally(|t| t.kinds.entry(kind).or_default().1 += 1);
            continue;
        };
        if let (Some(k), Some((old_files, old_broken))) = (planned.undo_after(), before) {
            let saved = applied.touched.iter().map(|r| (r.clone(), old_files.get(r).cloned(), old_broken.get(r).cloned())).collect();
            pending.push((i + 1 + k, Undo { of_step: i + 1, what: applied.what.clone(), files: saved }));
        }
        rebuild(format!("edit {}: {planned:?}", i + 1), applied, &mut log, &mut session)?;
        tally(|t| t.kinds.entry(kind).or_default().0 += 1);
    }
    for (_, undo) in pending {
        let label = format!("undo of edit {}", undo.of_step);
        rebuild(label, undo.apply(&mut files), &mut log, &mut session)?;
    }
    Ok(())
}

/// What the cases did, printed after a passing run so a change that makes most edits skip or fail shows.
#[derive(Default)]
struct Tally {
    /// Edit kind → (applied, skipped).
    kinds: BTreeMap<String, (u32, u32)>,
    /// Steps (edits and undos) after which both builds succeeded (files compared) or both failed (errors compared).
    files_compared: u32,
    errors_compared: u32,
}

static TALLY: std::sync::Mutex<Option<Tally>> = std::sync::Mutex::new(None);

fn tally(f: impl FnOnce(&mut Tally)) {
    if let Ok(mut t) = TALLY.lock() {
        f(t.get_or_insert_with(Tally::default));
    }
}

fn kind_of(edit: &Edit) -> String {
    format!("{edit:?}").split([' ', '{', '(']).next().unwrap_or_default().to_string()
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => v.replace('_', "").parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v} is not a number")))
}

#[test]
fn incremental_rebuilds_equal_fresh_builds_after_random_edit_scripts() {
    let seed = env_number("FOLIO_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let cases = env_number("FOLIO_DIFF_CASES").map_or(if in_ci { 1000 } else { 64 }, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let mut seed_bytes = [0u8; 32];
    for chunk in seed_bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let config = Config { cases, max_shrink_iters: MAX_SHRINK_ITERS, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let started = Instant::now();
    let control = std::env::var_os("FOLIO_DIFF_CONTROL").is_some();
    let skip: Vec<String> = std::env::var("FOLIO_DIFF_SKIP").unwrap_or_default().split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
    let result = runner.run(&case(), |c| run_case(&c, control, &skip).map_err(TestCaseError::fail));
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            eprintln!("differential: {cases} cases passed (seed {seed:#x}) in {secs:.1} s");
            if let Some(t) = TALLY.lock().ok().and_then(|mut t| t.take()) {
                eprintln!("  steps compared: {} with files, {} with errors", t.files_compared, t.errors_compared);
                let kinds: Vec<String> = t.kinds.iter().map(|(k, (a, s))| format!("{k} {a}/{}", a + s)).collect();
                eprintln!("  edits applied/generated: {}", kinds.join(", "));
            }
        }
        Err(TestError::Fail(reason, minimal)) => {
            let script: String = minimal.script.iter().enumerate().map(|(i, s)| format!("  {}. {s:?}\n", i + 1)).collect();
            panic!(
                "an incremental rebuild differs from a fresh build (seed {seed:#x}, {cases} cases, {secs:.1} s).\n\
                 Minimal edit script (drafts = {}):\n{script}\
                 Steps as applied to the fixture, and what differed:\n{reason}\n\
                 Reproduce: FOLIO_DIFF_SEED={seed:#x} FOLIO_DIFF_CASES={cases} cargo test --test it differential -- --nocapture",
                minimal.drafts
            );
        }
        Err(TestError::Abort(reason)) => panic!("the differential test stopped (seed {seed:#x}): {reason}"),
    }
}

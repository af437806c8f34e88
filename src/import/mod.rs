//! `folio import hugo|jekyll|zola SRC --into DIR`: reads a Hugo, Jekyll or Zola site without
//! changing it and writes a folio site that builds at once, with `import-report.md` naming every
//! construct it could not translate (`path:line: what`).
//!
//! The work is a pure plan from the files read (`plan`): [`source`] splits front matter of any
//! form, [`fields`] maps it to folio's fields, [`body`] translates shortcodes and Liquid tags,
//! [`sites`] knows each generator's folders, configuration and URL rules. Then the plan is
//! written into a staging folder beside DIR and renamed into place, so DIR is either absent or
//! complete. Same source, same bytes: every list is sorted.

pub mod body;
pub mod fields;
pub mod sites;
pub mod source;

use crate::diag::{Diagnostic, Kind};
pub(crate) use crate::url::parent_dir as parent;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The generator a site was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Hugo,
    Jekyll,
    Zola,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Hugo => "Hugo",
            Flavour::Jekyll => "Jekyll",
            Flavour::Zola => "Zola",
        }
    }
}

/// One line of the report: a file of the old site, a line, and what happened there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub file: String,
    pub line: usize,
    pub what: String,
    pub changed: bool,
}

/// What the import could not translate (`untranslated`) and what it changed to keep the site
/// building (`changed`: a URL made unique, a file left out).
#[derive(Debug, Default)]
pub struct Notes {
    pub items: Vec<Note>,
}

impl Notes {
    pub fn untranslated(&mut self, file: &str, line: usize, what: impl Into<String>) {
        self.items.push(Note { file: file.to_string(), line, what: what.into(), changed: false });
    }
    pub fn changed(&mut self, file: &str, line: usize, what: impl Into<String>) {
        self.items.push(Note { file: file.to_string(), line, what: what.into(), changed: true });
    }
}

/// A source site as read: every file by its path relative to the site's folder.
#[derive(Debug, Default)]
pub struct Tree {
    pub root: PathBuf,
    pub files: BTreeMap<String, Entry>,
}

#[derive(Debug)]
pub enum Entry {
    Text(String),
    /// Not read as text (an image, a font): copied as it is.
    Binary,
    /// A symbolic link, or a file that could not be read: left out, with the reason.
    Skipped(String),
}

impl Tree {
    pub fn text(&self, rel: &str) -> Option<&str> {
        match self.files.get(rel) {
            Some(Entry::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// A file of the new site.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    /// A file of the source site, copied as it is.
    Copy(String),
}

/// What the import will write, and what it found.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: BTreeMap<String, Out>,
    pub notes: Vec<Note>,
    pub counts: Counts,
}

#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub pages: usize,
    pub sections: usize,
    pub drafts: usize,
    pub static_files: usize,
    pub aliases: usize,
    pub translated: usize,
}

/// The file the report is written to, at the root of the new site (never published).
pub const REPORT_FILE: &str = "import-report.md";

/// Files the source may have that folio writes itself.
const FOLIO_WRITES: &[&str] = &["404.html", "atom.xml", "sitemap.xml", "robots.txt", "css/syntax.css", "search/index.html", "feed.xml", "index.xml"];

/// Reads the site in `src`, plans the new site and writes it into `into`. Returns the plan
/// (for the summary). `into` must not exist or be an empty folder.
pub fn run(flavour: Flavour, src: &Path, into: &Path) -> Result<Plan, Diagnostic> {
    if !src.is_dir() {
        return Err(Diagnostic::file(src, format!("there is no folder here to import a {} site from", flavour.name()))
            .with_help("give the folder of the site (the one with its content/ or _posts/ folder)")
            .kind(Kind::Read));
    }
    refuse_output(src, into)?;
    let tree = read_tree(src, into)?;
    sites::looks_like(flavour, &tree).map_err(|why| {
        Diagnostic::file(src, why)
            .with_help(format!("check the folder, or import it as another kind: `folio import hugo|jekyll|zola {}`", crate::diag::slashed(src)))
            .kind(Kind::Read)
    })?;
    let plan = plan(flavour, &tree);
    write(&tree, &plan, into)?;
    Ok(plan)
}

fn refuse_output(src: &Path, into: &Path) -> Result<(), Diagnostic> {
    if let Ok(mut entries) = std::fs::read_dir(into) {
        if entries.next().is_some() {
            return Err(Diagnostic::file(into, "this folder is not empty; the import writes a whole new site")
                .with_help("give a new folder with --into (it is created), or empty this one first")
                .kind(Kind::Output));
        }
    } else if into.exists() {
        return Err(Diagnostic::file(into, "this is a file, not a folder").with_help("give a new folder with --into").kind(Kind::Output));
    }
    let (src_abs, into_abs) = (absolute(src), absolute(into));
    if src_abs.starts_with(&into_abs) {
        return Err(Diagnostic::file(into, "the new site would hold the old one").with_help("choose a folder outside the site you import").kind(Kind::Output));
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Folders never read: version control, dependencies, build output and caches.
const NEVER_READ: &[&str] =
    &[".git", ".hg", ".svn", "node_modules", "_site", "public", "resources", ".jekyll-cache", ".sass-cache", ".bundle", "target", ".folio"];

/// Dot files a site publishes on purpose.
const PUBLISHED_DOT_FILES: &[&str] = &[".well-known", ".nojekyll", ".htaccess", ".domains"];

/// Files read as text; everything else is copied as bytes.
const TEXT_EXTENSIONS: &[&str] =
    &["md", "markdown", "mdown", "html", "htm", "toml", "yaml", "yml", "json", "xml", "txt", "liquid", "scss", "sass", "css", "js"];

/// Largest text file read; bigger ones are copied.
const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;

fn read_tree(src: &Path, into: &Path) -> Result<Tree, Diagnostic> {
    let into_abs = absolute(into);
    let mut tree = Tree { root: src.to_path_buf(), files: BTreeMap::new() };
    let walk = walkdir::WalkDir::new(src).follow_links(false).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || (!NEVER_READ.contains(&name.as_ref())
                && (!name.starts_with('.') || PUBLISHED_DOT_FILES.contains(&name.as_ref()))
                && absolute(e.path()) != into_abs)
    });
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| src.to_path_buf());
                return Err(Diagnostic::file(&path, "this folder of the site could not be read")
                    .with_help(format!("check its permissions ({})", e.io_error().map_or_else(|| e.to_string(), ToString::to_string)))
                    .kind(Kind::Read));
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(src).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        let rel = crate::url::nfc(&rel);
        if entry.path_is_symlink() || !entry.file_type().is_file() {
            tree.files.insert(
                rel,
                Entry::Skipped("a symbolic link or special file; not copied (copy what it points to into the new site if it belongs there)".into()),
            );
            continue;
        }
        let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let want_text = size <= MAX_TEXT_BYTES && (TEXT_EXTENSIONS.contains(&ext.as_str()) || rel.starts_with("_includes/"));
        let value = if want_text {
            match std::fs::read(entry.path()) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Entry::Text(text.replace("\r\n", "\n")),
                    Err(_) => Entry::Binary,
                },
                Err(e) => Entry::Skipped(format!("could not be read ({e}); not copied")),
            }
        } else {
            Entry::Binary
        };
        tree.files.insert(rel, value);
    }
    Ok(tree)
}

/// A page or section of the new site, as planned.
#[derive(Debug)]
struct Planned {
    /// The file of the old site.
    src: String,
    /// Its file under the new site's `content/`.
    key: String,
    section: bool,
    split: source::Split,
    mapped: fields::Mapped,
    /// Its address in the old site.
    old_url: Option<String>,
    /// Its address in the new site.
    url: String,
}

/// The new site, from the files of the old one. Pure: reads nothing but `tree`.
pub fn plan(flavour: Flavour, tree: &Tree) -> Plan {
    let mut notes = Notes::default();
    let config = sites::config(flavour, tree, &mut notes);
    let mut layout = sites::classify(flavour, tree, &config, &mut notes);
    // A folder's `index.md` where the new site needs a list page for that folder (a Jekyll
    // collection, a Hugo section without `_index.md`) is that list page, not a page of its own
    // at the same address.
    let keys: Vec<String> = layout.pages.iter().map(|c| c.key.clone()).collect();
    let implied: Vec<String> =
        sites::implied_sections(flavour, &config, &keys.iter().map(String::as_str).collect::<Vec<_>>()).into_iter().map(|(dir, _, _)| dir).collect();
    for c in &mut layout.pages {
        if let Some(dir) = c.key.strip_suffix("/index.md") {
            if implied.iter().any(|d| d == dir) && !keys.iter().any(|k| *k == format!("{dir}/_index.md")) {
                c.key = format!("{dir}/_index.md");
                c.section = true;
            }
        }
    }
    // Two files of the old site that would be one file of the new (`Diff/x.md` and `diff/x.md`
    // once Hugo's folders are in lower case, or the same name in two `_posts/` folders).
    let mut keys = std::collections::BTreeSet::new();
    for c in &mut layout.pages {
        let mut key = c.key.clone();
        let mut n = 1;
        while !keys.insert(crate::url::fold_key(&key)) {
            n += 1;
            key = format!("{}-{n}.md", c.key.trim_end_matches(".md"));
        }
        if key != c.key {
            notes.changed(&c.src, 1, format!("written as content/{key}: content/{} is another file of the old site", c.key));
            c.key = key;
        }
    }
    let mut counts = Counts::default();
    let mut files: BTreeMap<String, Out> = BTreeMap::new();

    // Front matter of every page, and which are left out.
    let mut planned: Vec<Planned> = Vec::new();
    let mut hidden_dirs: Vec<String> = Vec::new();
    for c in &layout.pages {
        let Some(text) = tree.text(&c.src) else { continue };
        let split = match source::split(Path::new(&c.src), text) {
            Ok(s) => s,
            Err((line, what)) => {
                notes.untranslated(&c.src, line, what);
                continue;
            }
        };
        let mapped = fields::map(flavour, &c.src, &split.fields, &split.key_lines, c.section, &mut notes);
        if mapped.cascade_not_rendered {
            hidden_dirs.push(parent(&c.src).to_string());
        }
        planned.push(Planned { src: c.src.clone(), key: c.key.clone(), section: c.section, split, mapped, old_url: None, url: String::new() });
        let p = planned.last_mut().expect("just pushed");
        let f = &mut p.mapped.folio;
        if f.date.is_none() {
            f.date = c.file_date.clone();
        }
        if c.draft {
            f.draft = true;
        }
        f.categories.extend(c.categories.iter().cloned());
        f.categories.dedup();
    }
    // Headless bundles and what a `cascade` keeps from rendering: not pages (their text may
    // still be included by others).
    planned.retain(|p| {
        let hidden_by = hidden_dirs.iter().find(|d| p.src.starts_with(&format!("{d}/")) && !p.src.ends_with(&format!("{d}/_index.md")));
        let why = p.mapped.not_rendered.clone().or_else(|| hidden_by.map(|d| format!("under {d}/, which is not rendered in the old site (`cascade`)")));
        match why {
            Some(why) => {
                notes.changed(&p.src, 1, format!("not imported as a page: {why}"));
                false
            }
            None => true,
        }
    });

    // Titles, slugs and addresses.
    let mut taken: BTreeMap<String, String> = FOLIO_WRITES.iter().map(|f| (crate::url::fold_key(f), FOLIO_OWNS.to_string())).collect();
    for p in &mut planned {
        if p.mapped.folio.title.trim().is_empty() {
            let name = title_from_key(&p.key);
            if !p.section {
                let line = if p.split.has_front_matter { 1 } else { p.split.body_line };
                notes.changed(&p.src, line, format!("no title in the old site; titled \"{name}\" after its file name"));
            }
            p.mapped.folio.title = name;
        }
        p.old_url = sites::old_url(flavour, &config, &layout, &p.src, &p.key, p.section, &p.mapped);
    }
    // Sections first: their addresses follow from their folders. Then, when two pages want
    // one address, the one that asked for it (`slug:`, `url:`) keeps it, then the older one.
    let order = |p: &Planned| {
        (!p.section, p.mapped.folio.slug.is_none() && p.mapped.own_url.is_none(), p.mapped.folio.date.clone().unwrap_or_else(|| "9999".into()), p.key.clone())
    };
    planned.sort_by_cached_key(order);
    for p in &mut planned {
        if p.section {
            p.url = crate::url::section_url(parent(&p.key));
            taken.insert(crate::url::fold_key(&crate::url::url_to_file(&p.url)), p.src.clone());
            continue;
        }
        if p.mapped.folio.slug.is_none() {
            // An address of its own becomes the slug (and, below, an alias); a file name
            // with a date keeps the part after it, as the old site did.
            p.mapped.folio.slug = match &p.mapped.own_url {
                Some(own) => last_segment(own),
                None => layout.file_slug.get(&p.src).cloned(),
            };
        }
        let base_slug = p.mapped.folio.slug.clone();
        let mut url = crate::url::page_url(&p.key, base_slug.as_deref());
        let mut tries = 0;
        while let Some(owner) = taken.get(&crate::url::fold_key(&crate::url::url_to_file(&url))).cloned() {
            tries += 1;
            let stem = base_slug.clone().unwrap_or_else(|| crate::url::slug(&title_from_key(&p.key)));
            let stem = last_segment(&stem).unwrap_or(stem);
            let year = p.mapped.folio.date.as_deref().map(|d| d[..d.len().min(if tries == 1 { 4 } else { 10 })].to_string());
            let slug = match (&year, tries) {
                (Some(y), 1 | 2) => format!("{stem}-{y}"),
                _ => format!("{stem}-{tries}"),
            };
            let new_url = crate::url::page_url(&p.key, Some(&slug));
            if !taken.contains_key(&crate::url::fold_key(&crate::url::url_to_file(&new_url))) {
                let line = p.split.key_lines.get("slug").copied().unwrap_or(1);
                notes.changed(
                    &p.src,
                    line,
                    format!("its address {url} is {}; this page is now at {new_url} (its old address still leads to it)", describe_owner(&owner)),
                );
                p.mapped.folio.slug = Some(slug);
                url = new_url;
                break;
            }
            if tries > 50 {
                break;
            }
        }
        taken.insert(crate::url::fold_key(&crate::url::url_to_file(&url)), p.src.clone());
        p.url = url;
    }

    // Aliases: the old address when it differs, and the old site's own aliases, each once,
    // never one another page or alias already has.
    for p in &mut planned {
        let mut aliases: Vec<String> = Vec::new();
        let own_dir = if p.section { parent(&p.key).to_string() } else { parent(parent_of_url(&p.url)).to_string() };
        for a in p.mapped.folio.aliases.drain(..).chain(p.old_url.clone()) {
            let a = normalise_alias(&a, &config.base_url, &own_dir);
            if a.is_empty() || same_address(&a, &p.url) || aliases.iter().any(|x| same_address(x, &a)) {
                continue;
            }
            let file = crate::url::fold_key(&crate::url::url_to_file(&crate::url::alias_url(&a)));
            if let Some(owner) = taken.get(&file) {
                let line = p.split.key_lines.get("aliases").or(p.split.key_lines.get("redirect_from")).copied().unwrap_or(1);
                notes.changed(&p.src, line, format!("old address {a} is {}; it is not kept as an alias of this page", describe_owner(owner)));
                continue;
            }
            if crate::url::file_problem(&crate::url::url_to_file(&crate::url::alias_url(&a))).is_some()
                || a.contains("..")
                || a.contains(['?', '#', '"', '<', '>', '|', '*', ':'])
            {
                notes.untranslated(&p.src, 1, format!("old address {a} cannot be a file on every system; not kept (add a redirect on the host)"));
                continue;
            }
            taken.insert(file, p.src.clone());
            aliases.push(a);
        }
        counts.aliases += aliases.len();
        p.mapped.folio.aliases = aliases;
    }

    // The order of sections that do not say: the old generators sort by weight first (Hugo) or
    // not at all (Zola); folio sorts by date unless told.
    let facts: Vec<(String, bool, bool)> =
        planned.iter().filter(|p| !p.section).map(|p| (p.key.clone(), p.mapped.folio.weight.is_some(), p.mapped.folio.date.is_some())).collect();
    for p in planned.iter_mut().filter(|p| p.section && p.mapped.folio.sort_by.is_none()) {
        p.mapped.folio.sort_by = section_order(parent(&p.key), &facts);
    }

    // Bodies, now that every page's new address is known.
    let targets = Targets::new(&planned, tree, &config, &layout);
    for p in &planned {
        let lookup = PageLookup { targets: &targets, url: &p.url, fields: &p.split.fields };
        let translated = body::translate(flavour, &p.src, &p.split.body, p.split.body_line, &lookup, &mut notes);
        counts.translated += count_translated(&p.split.body, &translated);
        let text = page_text(&p.mapped.folio, &translated);
        if p.section {
            counts.sections += 1;
        } else {
            counts.pages += 1;
            counts.drafts += usize::from(p.mapped.folio.draft);
        }
        files.insert(format!("content/{}", p.key), Out::Text(text));
    }
    // Sections the new site needs: the home page, and list pages the old site had.
    for (dir, title, sort) in sites::implied_sections(flavour, &config, &planned.iter().map(|p| p.key.as_str()).collect::<Vec<_>>()) {
        let key = if dir.is_empty() { "_index.md".to_string() } else { format!("{dir}/_index.md") };
        if files.contains_key(&format!("content/{key}")) {
            continue;
        }
        let order = if sort { section_order(&dir, &facts).or(Some("date".to_string())) } else { None };
        let folio = fields::Folio { title, sort_by: order, ..Default::default() };
        files.insert(format!("content/{key}"), Out::Text(page_text(&folio, "")));
        counts.sections += 1;
    }

    // Static files and the files beside pages.
    for (src, out) in &layout.copies {
        let rel = out.strip_prefix("static/").or_else(|| out.strip_prefix("content/")).unwrap_or(out);
        if FOLIO_WRITES.contains(&rel) {
            notes.changed(src, 1, format!("not copied: folio writes its own {rel}"));
            continue;
        }
        if rel.strip_prefix(crate::render::search::DIR).is_some_and(|r| r.starts_with('/')) {
            notes.changed(src, 1, format!("not copied: folio writes its own search index in /{}/", crate::render::search::DIR));
            continue;
        }
        let file = crate::url::fold_key(rel);
        if let Some(owner) = taken.get(&file) {
            notes.changed(src, 1, format!("not copied: its address /{rel} is {}", describe_owner(owner)));
            continue;
        }
        if let Some((_, problem)) = crate::url::file_problem(rel) {
            notes.changed(src, 1, format!("not copied: its name cannot be a file on every system ({problem:?})"));
            continue;
        }
        taken.insert(file, src.clone());
        files.insert(out.clone(), Out::Copy(src.clone()));
        counts.static_files += 1;
    }
    for (rel, text) in &layout.carried_templates {
        files.insert(rel.clone(), Out::Text(text.clone()));
    }
    for (rel, entry) in &tree.files {
        if let Entry::Skipped(why) = entry {
            notes.changed(rel, 1, why.clone());
        }
    }

    files.insert(
        crate::config::CONFIG_FILE.into(),
        Out::Text(sites::site_yaml(
            &config,
            &planned.iter().map(|p| (p.key.as_str(), p.url.as_str(), p.mapped.folio.title.as_str(), p.mapped.folio.weight)).collect::<Vec<_>>(),
        )),
    );
    for (rel, text) in crate::scaffold::DEFAULT_THEME {
        files.insert(format!("{}/default/{rel}", crate::load::THEMES_DIR), Out::Text(text.to_string()));
    }
    files.insert(".gitignore".into(), Out::Text(crate::scaffold::GITIGNORED.iter().map(|l| format!("{l}\n")).collect()));
    let mut items = notes.items;
    items.sort();
    items.dedup();
    let plan_without_report = Plan { files, notes: items, counts };
    let report = report(flavour, &plan_without_report);
    let mut plan = plan_without_report;
    plan.files.insert(REPORT_FILE.into(), Out::Text(report));
    plan
}

/// How a section in `dir` should be sorted, from its pages' (key, has a weight, has a date):
/// by weight when any page has one, by title when none has a date, else by date (`None`: the
/// default), so no page drops to the end of a date-sorted list for lack of a date it never had.
fn section_order(dir: &str, pages: &[(String, bool, bool)]) -> Option<String> {
    let mine: Vec<&(String, bool, bool)> = pages
        .iter()
        .filter(|(key, _, _)| {
            let folder = parent(key);
            let folder = if key.ends_with("/index.md") { parent(folder) } else { folder };
            folder == dir
        })
        .collect();
    if mine.iter().any(|(_, weight, _)| *weight) {
        Some("weight".into())
    } else if !mine.is_empty() && mine.iter().all(|(_, _, dated)| !dated) {
        Some("title".into())
    } else {
        None
    }
}

/// Who holds an address: a file of the old site, or folio itself.
fn describe_owner(owner: &str) -> String {
    if owner == FOLIO_OWNS {
        "taken by a file folio writes itself".into()
    } else {
        format!("taken by {owner}")
    }
}

/// The owner recorded for the files folio writes itself.
const FOLIO_OWNS: &str = "(folio)";

/// How many shortcodes, tags and `:::` blocks a translation changed: the `{{`, `{%` and
/// `:::` openings that are gone.
fn count_translated(before: &str, after: &str) -> usize {
    let count = |t: &str| t.matches("{{").count() + t.matches("{%").count() + t.lines().filter(|l| l.trim_start().starts_with(":::")).count();
    count(before).saturating_sub(count(after))
}

/// Front matter and body of a content file of the new site.
fn page_text(folio: &fields::Folio, body: &str) -> String {
    let yaml = crate::yaml::to_string(folio).unwrap_or_else(|e| format!("title: \"could not write the front matter: {e}\"\n"));
    let body = body.trim_start_matches('\n');
    format!("---\n{yaml}---\n{body}")
}

/// A title made from a file name: `getting-started.md` → "Getting started".
fn title_from_key(key: &str) -> String {
    let mut stem = key.rsplit('/').next().unwrap_or(key).trim_end_matches(".md");
    if stem == "index" || stem == "_index" {
        stem = parent(key).rsplit('/').next().unwrap_or("");
    }
    let words = stem.replace(['-', '_'], " ");
    let words = words.trim();
    if words.is_empty() {
        return "Home".into();
    }
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn parent_of_url(url: &str) -> &str {
    url.trim_end_matches('/')
}

fn last_segment(url: &str) -> Option<String> {
    let seg = url.trim_end_matches('/').rsplit('/').next()?;
    let seg = seg.strip_suffix(".html").unwrap_or(seg);
    let slug = crate::url::slug(seg);
    (!slug.is_empty()).then_some(slug)
}

/// An old address as an alias: a site path starting with `/` (the site's own address
/// removed; a relative one read from the page's folder).
fn normalise_alias(alias: &str, base_url: &str, own_dir: &str) -> String {
    let a = alias.trim();
    let a = if !base_url.is_empty() && a.starts_with(base_url) { &a[base_url.len()..] } else { a };
    if a.starts_with("http://") || a.starts_with("https://") || a.starts_with("//") {
        return String::new();
    }
    let a = if a.starts_with('/') {
        a.to_string()
    } else if own_dir.is_empty() || own_dir == "/" {
        format!("/{a}")
    } else {
        format!("{}/{a}", own_dir.trim_end_matches('/'))
    };
    single_slashes(&a)
}

/// `s` with every run of `/` written once (`/a//b` → `/a/b`): what an empty part of an address
/// pattern or a joined path leaves.
pub(crate) fn single_slashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// Whether two addresses are one page (`/a` and `/a/`, `/a/index.html`).
fn same_address(a: &str, b: &str) -> bool {
    let norm = |s: &str| crate::url::fold_key(&crate::url::url_to_file(&crate::url::alias_url(s)));
    norm(a) == norm(b)
}

/// Every page's new file and address, by its file in the old site.
struct Targets<'a> {
    by_src: BTreeMap<&'a str, body::Target>,
    /// Every page's file in lower case (a reference may differ in case, as Hugo allows).
    by_lower: BTreeMap<String, &'a str>,
    tree: &'a Tree,
    config: &'a sites::Config,
    layout: &'a sites::Layout,
}

impl<'a> Targets<'a> {
    fn new(planned: &'a [Planned], tree: &'a Tree, config: &'a sites::Config, layout: &'a sites::Layout) -> Self {
        let by_src = planned.iter().map(|p| (p.src.as_str(), body::Target { key: p.key.clone(), url: p.url.clone() })).collect();
        let by_lower = planned.iter().map(|p| (p.src.to_lowercase(), p.src.as_str())).collect();
        Targets { by_src, by_lower, tree, config, layout }
    }
}

struct PageLookup<'a> {
    targets: &'a Targets<'a>,
    url: &'a str,
    /// The page's front matter in the old site.
    fields: &'a serde_json::Map<String, serde_json::Value>,
}

impl body::Lookup for PageLookup<'_> {
    fn page(&self, from: &str, reference: &str) -> Option<body::Target> {
        let t = self.targets;
        let reference = reference.trim();
        let from_dir = parent(from);
        let content = &t.config.content_dir;
        let mut bases: Vec<String> = Vec::new();
        if let Some(abs) = reference.strip_prefix('/') {
            bases.push(format!("{content}/{abs}"));
            bases.push(abs.to_string());
        } else {
            bases.push(if from_dir.is_empty() { reference.to_string() } else { format!("{from_dir}/{reference}") });
            bases.push(format!("{content}/{reference}"));
            bases.push(reference.to_string());
        }
        for base in &bases {
            let base = crate::url::tidy_path(base);
            let base = base.trim_end_matches('/');
            for candidate in [base.to_string(), format!("{base}.md"), format!("{base}/index.md"), format!("{base}/_index.md"), format!("{base}.markdown")] {
                if let Some(target) = t.by_src.get(candidate.as_str()).or_else(|| t.by_lower.get(&candidate.to_lowercase()).and_then(|src| t.by_src.get(src))) {
                    return Some(target.clone());
                }
            }
        }
        // A bare name (`ref "about"`): the one page with that file name.
        if !reference.contains('/') {
            let stem = reference.trim_end_matches(".md");
            let found: Vec<&body::Target> = t
                .by_src
                .iter()
                .filter(|(src, _)| {
                    let name = src.rsplit('/').next().unwrap_or(src);
                    name.trim_end_matches(".md").trim_end_matches(".markdown") == stem
                })
                .map(|(_, target)| target)
                .collect();
            if let [only] = found.as_slice() {
                return Some((*only).clone());
            }
        }
        None
    }

    fn post(&self, name: &str) -> Option<body::Target> {
        let name = name.trim().trim_end_matches(".md");
        let src = self.targets.layout.posts_by_name.get(name)?;
        self.targets.by_src.get(src.as_str()).cloned()
    }

    fn text(&self, src: &str) -> Option<&str> {
        self.targets.tree.text(src)
    }

    fn site_value(&self, path: &str) -> Option<String> {
        // Jekyll's `site.data.<file>.<key>`: a file of `_data/`.
        if let Some(rest) = path.strip_prefix("data.") {
            let (file, key) = rest.split_once('.')?;
            let (name, text) = ["yml", "yaml", "json"].iter().find_map(|ext| {
                let name = format!("_data/{file}.{ext}");
                self.targets.tree.text(&name).map(|t| (name, t))
            })?;
            let map = if name.ends_with(".json") { serde_json::from_str(text).ok()? } else { source::yaml_file(Path::new(&name), text).ok()? };
            return fields::lookup(&map, key, false).and_then(fields::scalar_text);
        }
        self.targets.config.value(path)
    }

    fn page_value(&self, path: &str) -> Option<String> {
        fields::lookup(self.fields, path, false).and_then(fields::scalar_text)
    }

    fn own_url(&self) -> &str {
        self.url
    }

    fn content_dir(&self) -> &str {
        &self.targets.config.content_dir
    }

    fn runs_shortcode(&self, name: &str) -> bool {
        self.targets.layout.carried_templates.keys().any(|k| k == &format!("templates/shortcodes/{name}.html"))
    }
}

/// `import-report.md`: the counts, then one line per construct not translated and per change
/// made, each `path:line: what`.
fn report(flavour: Flavour, plan: &Plan) -> String {
    let c = &plan.counts;
    let untranslated: Vec<&Note> = plan.notes.iter().filter(|n| !n.changed).collect();
    let changed: Vec<&Note> = plan.notes.iter().filter(|n| n.changed).collect();
    let mut out = format!(
        "# Import report\n\nImported from a {} site by `folio import`. Paths and lines below are those of the files of the old site.\n\n\
         | What | Count |\n|---|---:|\n| Pages | {} |\n| Drafts among them | {} |\n| Sections | {} |\n| Static files and page files | {} |\n| Old addresses kept as aliases | {} |\n| Shortcodes, tags and blocks translated | {} |\n| Constructs not translated | {} |\n| Changes made to keep the site building | {} |\n",
        flavour.name(), c.pages, c.drafts, c.sections, c.static_files, c.aliases, c.translated, untranslated.len(), changed.len()
    );
    let section = |title: &str, intro: &str, notes: &[&Note]| -> String {
        if notes.is_empty() {
            return format!("\n## {title}\n\nNone.\n");
        }
        let mut s = format!("\n## {title}\n\n{intro}\n\n```text\n");
        for n in notes {
            s.push_str(&format!("{}:{}: {}\n", n.file, n.line, n.what));
        }
        s.push_str("```\n");
        s
    };
    out.push_str(&section("Not translated", "Left in the new site as they were written (or left out, where said); fix each by hand.", &untranslated));
    out.push_str(&section("Changed", "Done so that the new site builds; check each is what you want.", &changed));
    out
}

/// Writes the plan into a staging folder beside `into`, then renames it into place.
fn write(tree: &Tree, plan: &Plan, into: &Path) -> Result<(), Diagnostic> {
    let name = into.file_name().map_or_else(|| "site".into(), |n| n.to_string_lossy().to_string());
    let staging = into.with_file_name(format!(".{name}.folio-import"));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        for (rel, out) in &plan.files {
            let path = staging.join(rel);
            match out {
                Out::Text(text) => crate::fsx::write(&path, text.as_bytes()).map_err(|e| crate::fsx::io_diag(&into.join(rel), "write", &e))?,
                Out::Copy(src) => {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| crate::fsx::io_diag(&into.join(rel), "write", &e))?;
                    }
                    std::fs::copy(tree.root.join(src), &path).map_err(|e| crate::fsx::io_diag(&tree.root.join(src), "copy", &e))?;
                }
            }
        }
        if into.exists() {
            std::fs::remove_dir(into).map_err(|e| crate::fsx::io_diag(into, "replace", &e))?;
        }
        std::fs::rename(&staging, into).map_err(|e| crate::fsx::io_diag(into, "create", &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map_err(|d| d.kind(Kind::Output))
}

//! What each generator keeps where: its configuration file, which files are pages, sections,
//! static files or its own machinery, and the address each page had in the old site.

use super::{fields, parent, source, Entry, Flavour, Notes, Tree};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The old site's configuration, as far as the import uses it.
#[derive(Debug, Default)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub author: Option<String>,
    /// The old site's main menu: (name, address, weight).
    pub menu: Vec<(String, String, i64)>,
    /// The whole configuration, for `param` and Liquid's `site.x`.
    pub raw: Map<String, Value>,
    /// Hugo's content folder (`content`).
    pub content_dir: String,
    /// Hugo's and Zola's static folders.
    pub static_dirs: Vec<String>,
    /// Address patterns: Hugo's `permalinks` by section; Jekyll's `permalink` under `posts`
    /// and each collection's under its name.
    pub permalinks: BTreeMap<String, String>,
    /// Hugo's `uglyURLs`: pages at `/x.html`.
    pub ugly_urls: bool,
    /// Jekyll's collections that are published: name → their address pattern, if any.
    pub collections: BTreeMap<String, Option<String>>,
    /// Jekyll's `exclude:`.
    pub exclude: Vec<String>,
    /// Hugo publishes a page's folders in lower case (unless `disablePathToLower`): the new
    /// site's folders are written so, and the files beside a page stay beside it.
    pub lower_paths: bool,
}

impl Config {
    /// A value by dotted path (`params.version`, `title`); `url` is the site's address.
    pub fn value(&self, path: &str) -> Option<String> {
        if path == "url" {
            return Some(self.base_url.clone());
        }
        fields::lookup(&self.raw, path, true).and_then(fields::scalar_text)
    }
}

/// A file of the old site that becomes a page or a section.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub src: String,
    /// Its file under the new site's `content/`.
    pub key: String,
    pub section: bool,
    /// The date in its file name (`2020-03-15-title.md`).
    pub file_date: Option<String>,
    /// Jekyll's `_drafts/`.
    pub draft: bool,
    /// Jekyll's categories from the folders above `_posts/`.
    pub categories: Vec<String>,
}

/// Where the old site's files go.
#[derive(Debug, Default)]
pub struct Layout {
    pub pages: Vec<Candidate>,
    /// (file of the old site, file of the new site).
    pub copies: Vec<(String, String)>,
    /// A page's slug from its file name, where the old site took it from there.
    pub file_slug: BTreeMap<String, String>,
    /// Jekyll posts by their `post_url` name (`2020-03-15-title`).
    pub posts_by_name: BTreeMap<String, String>,
    /// Zola shortcode templates folio can run: file of the new site → text.
    pub carried_templates: BTreeMap<String, String>,
    /// Jekyll posts (addresses follow the posts' pattern) and collection documents.
    pub kind: BTreeMap<String, DocKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocKind {
    Post,
    Collection(String),
}

/// Whether `tree` looks like a site of `flavour`; the sentence says what is missing.
pub fn looks_like(flavour: Flavour, tree: &Tree) -> Result<(), String> {
    let has = |p: &str| tree.files.keys().any(|k| k == p || k.starts_with(&format!("{p}/")));
    let ok = match flavour {
        Flavour::Hugo => HUGO_CONFIGS.iter().any(|c| has(c)) || has("content"),
        Flavour::Jekyll => has("_config.yml") || has("_config.yaml") || has("_posts") || tree.files.keys().any(|k| k.contains("/_posts/")),
        Flavour::Zola => has("config.toml") || has("zola.toml") || has("content"),
    };
    if ok {
        Ok(())
    } else {
        Err(match flavour {
            Flavour::Hugo => "this does not look like a Hugo site: no hugo.toml, config.toml or content/ folder".into(),
            Flavour::Jekyll => "this does not look like a Jekyll site: no _config.yml or _posts/ folder".into(),
            Flavour::Zola => "this does not look like a Zola site: no config.toml or content/ folder".into(),
        })
    }
}

const HUGO_CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/config.toml",
    "config/_default/hugo.yaml",
    "config/_default/config.yaml",
];

fn read_config_file(tree: &Tree, names: &[&str], notes: &mut Notes) -> (Option<String>, Map<String, Value>) {
    for name in names {
        let Some(text) = tree.text(name) else { continue };
        let parsed = if name.ends_with(".toml") {
            source::toml_file(std::path::Path::new(name), text)
        } else if name.ends_with(".json") {
            serde_json::from_str::<Map<String, Value>>(text).map_err(|e| (e.line(), "does not parse as JSON".to_string()))
        } else {
            source::yaml_file(std::path::Path::new(name), text)
        };
        match parsed {
            Ok(map) => return (Some(name.to_string()), map),
            Err((line, what)) => {
                notes.untranslated(name, line, format!("the configuration {what}; the import uses defaults instead"));
                return (Some(name.to_string()), Map::new());
            }
        }
    }
    (None, Map::new())
}

fn get<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| fields::lookup(map, k, false).filter(|v| !v.is_null()))
}

fn get_text(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    get(map, keys).map(fields::text).filter(|s| !s.trim().is_empty())
}

/// Reads the old site's configuration (defaults where there is none).
pub fn config(flavour: Flavour, tree: &Tree, notes: &mut Notes) -> Config {
    let names: &[&str] = match flavour {
        Flavour::Hugo => HUGO_CONFIGS,
        Flavour::Jekyll => &["_config.yml", "_config.yaml", "_config.toml"],
        Flavour::Zola => &["config.toml", "zola.toml"],
    };
    let (file, raw) = read_config_file(tree, names, notes);
    let mut c = Config { content_dir: "content".into(), static_dirs: vec!["static".into()], ..Config::default() };
    c.title = get_text(&raw, &["title"]).unwrap_or_else(|| "My site".into());
    c.description = get_text(&raw, &["description", "params.description", "extra.description"]).unwrap_or_default();
    c.author = get(&raw, &["author", "params.author", "extra.author"]).and_then(|v| match v {
        Value::Object(m) => m.get("name").map(fields::text),
        other => Some(fields::text(other)),
    });
    match flavour {
        Flavour::Hugo => {
            c.base_url = get_text(&raw, &["baseURL", "baseurl", "baseUrl"]).unwrap_or_default();
            c.language = get_text(&raw, &["languageCode", "defaultContentLanguage"]).unwrap_or_else(|| "en".into());
            c.content_dir = get_text(&raw, &["contentDir", "contentdir"]).unwrap_or_else(|| "content".into());
            if let Some(dirs) = get(&raw, &["staticDir", "staticdir"]) {
                c.static_dirs = match dirs {
                    Value::Array(a) => a.iter().map(fields::text).collect(),
                    other => vec![fields::text(other)],
                };
            }
            // Module mounts (`source = "content/en"`, `target = "content"`) move the folders.
            let mut content_mounts = Vec::new();
            for mount in get(&raw, &["module.mounts"]).and_then(Value::as_array).into_iter().flatten() {
                let (Some(source), Some(target)) = (mount.get("source").map(fields::text), mount.get("target").map(fields::text)) else { continue };
                match target.trim_matches('/') {
                    "content" => content_mounts.push(source.trim_matches('/').to_string()),
                    "static" => c.static_dirs.push(source.trim_matches('/').to_string()),
                    _ => {}
                }
            }
            if let Some(first) = content_mounts.first() {
                c.content_dir = first.clone();
                if content_mounts.len() > 1 {
                    notes.untranslated(file.as_deref().unwrap_or("hugo.toml"), 1, format!("several folders are mounted as content; only {first} is imported"));
                }
            }
            c.lower_paths = !get(&raw, &["disablePathToLower", "disablepathtolower"]).is_some_and(|v| v == &Value::Bool(true));
            c.ugly_urls = get(&raw, &["uglyURLs", "uglyurls"]).is_some_and(|v| v == &Value::Bool(true));
            for (section, pattern) in get(&raw, &["permalinks"]).and_then(Value::as_object).into_iter().flatten() {
                match pattern {
                    Value::String(p) => {
                        c.permalinks.insert(section.clone(), p.clone());
                    }
                    // `[permalinks.page] posts = "…"`.
                    Value::Object(by_section) if section == "page" => {
                        for (s, p) in by_section {
                            c.permalinks.insert(s.clone(), fields::text(p));
                        }
                    }
                    _ => {}
                }
            }
            for item in get(&raw, &["menu.main", "menus.main"]).and_then(Value::as_array).into_iter().flatten() {
                let name = item.get("name").map(fields::text).unwrap_or_default();
                let url = item.get("url").or_else(|| item.get("pageRef")).map(fields::text).unwrap_or_default();
                if !name.is_empty() && !url.is_empty() {
                    c.menu.push((name, url, item.get("weight").and_then(Value::as_i64).unwrap_or(0)));
                }
            }
            if get(&raw, &["languages"]).and_then(Value::as_object).is_some_and(|l| l.len() > 1) {
                notes.untranslated(
                    file.as_deref().unwrap_or("hugo.toml"),
                    1,
                    "the site has several languages; only the default language's content folder is imported",
                );
            }
        }
        Flavour::Jekyll => {
            let url = get_text(&raw, &["url"]).unwrap_or_default();
            let base = get_text(&raw, &["baseurl"]).unwrap_or_default();
            c.base_url = format!("{}{}", url.trim_end_matches('/'), base.trim_end_matches('/'));
            c.language = get_text(&raw, &["lang", "locale"]).unwrap_or_else(|| "en".into()).replace('_', "-");
            c.permalinks.insert("posts".into(), get_text(&raw, &["permalink"]).unwrap_or_else(|| "date".into()));
            for (name, settings) in get(&raw, &["collections"]).and_then(Value::as_object).into_iter().flatten() {
                if name == "posts" {
                    continue;
                }
                let output = settings.get("output").is_some_and(|v| v == &Value::Bool(true));
                if output {
                    c.collections.insert(name.clone(), settings.get("permalink").map(fields::text));
                }
            }
            c.exclude = get(&raw, &["exclude"]).and_then(Value::as_array).map(|a| a.iter().map(fields::text).collect()).unwrap_or_default();
            for page in get(&raw, &["header_pages"]).and_then(Value::as_array).into_iter().flatten() {
                c.menu.push((String::new(), fields::text(page), 0));
            }
        }
        Flavour::Zola => {
            c.base_url = get_text(&raw, &["base_url"]).unwrap_or_default();
            c.language = get_text(&raw, &["default_language"]).unwrap_or_else(|| "en".into());
        }
    }
    if !(c.base_url.starts_with("http://") || c.base_url.starts_with("https://")) {
        if !c.base_url.is_empty() {
            notes.changed(
                file.as_deref().unwrap_or("(no configuration)"),
                1,
                format!("the site's address `{}` is not a full http(s) address; site.yaml has https://www.example.com until you set `base_url`", c.base_url),
            );
        }
        c.base_url = String::new();
    }
    c.base_url = c.base_url.trim_end_matches('/').to_string();
    c.raw = raw;
    c
}

/// The Jekyll and Zola file-name date: `2020-03-15-title.md`, `2020-03-15_title.md`; returns
/// (date, the rest of the name).
fn file_name_date(name: &str) -> Option<(String, String)> {
    let date = name.get(..10)?;
    let rest = name.get(10..)?;
    if crate::parse::front_matter::parse_date(date).is_none() || !(rest.starts_with('-') || rest.starts_with('_')) {
        return None;
    }
    Some((date.to_string(), rest[1..].to_string()))
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn is_markdown(rel: &str) -> bool {
    let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "md" | "markdown" | "mdown")
}

/// `x.markdown` → `x.md`.
fn md_key(rel: &str) -> String {
    format!("{}.md", stem(rel))
}

/// A path under the content folder as the new site holds it: Hugo's folders in lower case.
fn new_folders(inner: &str, config: &Config) -> String {
    if !config.lower_paths {
        return inner.to_string();
    }
    match inner.rsplit_once('/') {
        Some((dir, name)) => format!("{}/{name}", dir.to_lowercase()),
        None => inner.to_string(),
    }
}

/// Sorts the old site's files into pages, sections, copies and what is left out.
pub fn classify(flavour: Flavour, tree: &Tree, config: &Config, notes: &mut Notes) -> Layout {
    let mut layout = Layout::default();
    let mut machinery: BTreeMap<String, (String, &'static str)> = BTreeMap::new();
    for (rel, entry) in &tree.files {
        if matches!(entry, Entry::Skipped(_)) {
            continue;
        }
        let top = rel.split('/').next().unwrap_or(rel);
        let text = tree.text(rel);
        match flavour {
            Flavour::Hugo | Flavour::Zola => {
                let content = if flavour == Flavour::Hugo { config.content_dir.as_str() } else { "content" };
                if let Some(inner) = rel.strip_prefix(&format!("{content}/")) {
                    let name = inner.rsplit('/').next().unwrap_or(inner);
                    if is_markdown(inner) && text.is_some() {
                        let section = stem(name) == "_index";
                        let mut c = Candidate { src: rel.clone(), key: md_key(&new_folders(inner, config)), section, ..Candidate::default() };
                        if flavour == Flavour::Zola && !section {
                            // `2020-03-15-title.md`, or a bundle folder `2020-03-15-title/index.md`.
                            let named = if stem(name) == "index" { parent(inner).rsplit('/').next().unwrap_or("") } else { stem(name) };
                            match file_name_date(named) {
                                Some((date, rest)) => {
                                    c.file_date = Some(date);
                                    layout.file_slug.insert(rel.clone(), crate::url::slug(&rest));
                                }
                                None => {
                                    layout.file_slug.insert(rel.clone(), crate::url::slug(named));
                                }
                            }
                        }
                        layout.pages.push(c);
                    } else if matches!(name.rsplit_once('.').map(|(_, e)| e), Some("yaml" | "yml" | "toml" | "json")) {
                        notes.changed(rel, 1, "a data file in the content folder is not copied (folio reads YAML there as FAQ, pricing or banners)");
                    } else if name.ends_with(".html") && text.is_some_and(|t| t.starts_with("---") || t.starts_with("+++")) {
                        notes.untranslated(rel, 1, "an HTML content file is not imported; write it as a Markdown page");
                    } else {
                        layout.copies.push((rel.clone(), format!("content/{}", new_folders(inner, config))));
                    }
                    continue;
                }
                if let Some(dir) = config.static_dirs.iter().find(|d| rel.starts_with(&format!("{d}/"))) {
                    layout.copies.push((rel.clone(), format!("static/{}", &rel[dir.len() + 1..])));
                    continue;
                }
                if flavour == Flavour::Zola {
                    if let Some(name) = rel.strip_prefix("templates/shortcodes/") {
                        carry_zola_shortcode(rel, name, text, &mut layout, notes);
                        continue;
                    }
                }
                let what: Option<&'static str> = match (flavour, top) {
                    (Flavour::Hugo, "content") if config.content_dir != "content" => {
                        Some("only the folder mounted as content is imported; files of content/ outside it are not")
                    }
                    (Flavour::Hugo, "layouts") => Some("templates (layouts) are not carried over; the new site uses folio's default theme"),
                    (Flavour::Hugo, "themes") | (Flavour::Zola, "themes") => Some("the theme is not carried over; the new site uses folio's default theme"),
                    (Flavour::Hugo, "assets") => Some("Hugo Pipes assets (Sass, bundles) are not processed; copy what the new site needs into static/"),
                    (Flavour::Hugo, "data") => Some("data files are not imported; folio reads FAQ, pricing and banners from content/ in its own format"),
                    (Flavour::Hugo, "i18n") => Some("translations are not imported"),
                    (Flavour::Hugo, "archetypes") => Some("archetypes are not imported; `folio new article` makes new pages"),
                    (Flavour::Zola, "templates") => Some("templates are not carried over; the new site uses folio's default theme"),
                    (Flavour::Zola, "sass") => Some("Sass is not compiled; copy the CSS the new site needs into static/"),
                    _ => None,
                };
                if let Some(what) = what {
                    machinery.entry(top.to_string()).or_insert((rel.clone(), what));
                }
            }
            Flavour::Jekyll => classify_jekyll(rel, text, config, &mut layout, &mut machinery, notes),
        }
    }
    for (_, (first, what)) in machinery {
        notes.untranslated(&first, 1, format!("{}/: {what}", first.split('/').next().unwrap_or(&first)));
    }
    layout
}

fn classify_jekyll(
    rel: &str,
    text: Option<&str>,
    config: &Config,
    layout: &mut Layout,
    machinery: &mut BTreeMap<String, (String, &'static str)>,
    notes: &mut Notes,
) {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or(rel);
    let has_front_matter = text.is_some_and(|t| t.strip_prefix('\u{feff}').unwrap_or(t).starts_with("---"));
    // Posts and drafts, also under category folders (`news/_posts/…`).
    if let Some(i) = parts.iter().position(|p| *p == "_posts" || *p == "_drafts") {
        if !(is_markdown(rel) || name.ends_with(".html")) || text.is_none() {
            if parts[..i].iter().all(|p| !p.starts_with('_')) {
                layout.copies.push((rel.to_string(), format!("static/{}", parts[i + 1..].join("/"))));
            }
            return;
        }
        let draft = parts[i] == "_drafts";
        let (file_date, rest) = match file_name_date(name) {
            Some((d, r)) => (Some(d), r),
            None => (None, name.to_string()),
        };
        let categories: Vec<String> = parts[..i].iter().filter(|p| !p.starts_with('_')).map(|s| s.to_string()).collect();
        let key = format!("posts/{}", md_key(&parts[i + 1..].join("/")));
        layout.file_slug.insert(rel.to_string(), crate::url::slug(stem(&rest)));
        layout.posts_by_name.insert(stem(&parts[i + 1..].join("/")).to_string(), rel.to_string());
        layout.kind.insert(rel.to_string(), DocKind::Post);
        if name.ends_with(".html") {
            notes.untranslated(rel, 1, "an HTML post is imported as a Markdown page with its HTML as it is; check it looks right");
        }
        layout.pages.push(Candidate { src: rel.to_string(), key, section: false, file_date, draft, categories });
        return;
    }
    let top = parts[0];
    if let Some(collection) = top.strip_prefix('_') {
        if config.collections.contains_key(collection) && parts.len() > 1 {
            if (is_markdown(rel) || name.ends_with(".html")) && has_front_matter {
                let key = format!("{collection}/{}", md_key(&parts[1..].join("/")));
                layout.kind.insert(rel.to_string(), DocKind::Collection(collection.to_string()));
                layout.pages.push(Candidate { src: rel.to_string(), key, ..Candidate::default() });
            } else {
                layout.copies.push((rel.to_string(), format!("static/{collection}/{}", parts[1..].join("/"))));
            }
            return;
        }
        let what: &'static str = match top {
            "_layouts" => "layouts are not carried over; the new site uses folio's default theme",
            "_includes" => "includes are inlined where a page uses them with `{% include %}`; nothing else is carried over",
            "_sass" => "Sass is not compiled; copy the CSS the new site needs into static/",
            "_data" => "data files are not imported; folio reads FAQ, pricing and banners from content/ in its own format",
            "_plugins" => "plugins do not run in folio",
            _ => "folders starting with `_` are not published by Jekyll, and are not imported",
        };
        if top != "_includes" && parts.len() > 1 {
            machinery.entry(top.to_string()).or_insert((rel.to_string(), what));
        }
        return;
    }
    if is_excluded(rel, config) {
        return;
    }
    if has_front_matter {
        if is_markdown(rel) {
            let key = if rel == "index.md" || rel == "index.markdown" { "_index.md".to_string() } else { md_key(rel) };
            layout.pages.push(Candidate { src: rel.to_string(), key: key.clone(), section: key == "_index.md", ..Candidate::default() });
        } else {
            let what = match name.rsplit_once('.').map(|(_, e)| e) {
                Some("scss" | "sass") => "Sass with front matter is not compiled; copy the CSS the new site needs into static/",
                _ if matches!(name, "feed.xml" | "sitemap.xml" | "robots.txt" | "atom.xml") => {
                    "folio writes its own feed, sitemap and robots.txt; this file is not imported"
                }
                _ if name.ends_with(".html") => "an HTML page with Liquid is not imported; write it as a Markdown page or a template",
                _ => "a file with Liquid front matter is not imported",
            };
            notes.untranslated(rel, 1, what);
        }
        return;
    }
    layout.copies.push((rel.to_string(), format!("static/{rel}")));
}

/// Files Jekyll never publishes (its defaults and the site's `exclude:`).
fn is_excluded(rel: &str, config: &Config) -> bool {
    const DEFAULT: &[&str] = &[
        "Gemfile",
        "Gemfile.lock",
        "gemfiles",
        "vendor",
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "Rakefile",
        "_config.yml",
        "_config.yaml",
        "_config.toml",
        "CNAME.example",
    ];
    let top = rel.split('/').next().unwrap_or(rel);
    DEFAULT.contains(&top)
        || config.exclude.iter().any(|e| {
            let e = e.trim_end_matches('/');
            rel == e || rel.starts_with(&format!("{e}/")) || (e.starts_with("*.") && rel.ends_with(&e[1..]))
        })
}

/// What a Zola shortcode template may use and folio does not give it.
const ZOLA_ONLY: &[&str] = &[
    "get_url",
    "get_page",
    "get_section",
    "get_taxonomy",
    "get_taxonomy_url",
    "get_image_metadata",
    "resize_image",
    "load_data",
    "get_file_hash",
    "get_hash",
    "trans",
    "page.",
    "section.",
    "config.",
    "nth",
    "lang",
    "body",
    "markdown",
];

fn carry_zola_shortcode(rel: &str, name: &str, text: Option<&str>, layout: &mut Layout, notes: &mut Notes) {
    let Some(text) = text else { return };
    let stem = stem(name);
    if crate::render::shortcodes::BUILTINS.iter().any(|(n, _, _)| *n == stem) {
        notes.untranslated(rel, 1, format!("shortcode `{stem}` is not carried over: folio has a built-in shortcode of that name"));
        return;
    }
    if let Some(used) = ZOLA_ONLY.iter().find(|w| uses_word(text, w)) {
        notes.untranslated(rel, 1, format!("shortcode `{stem}` is not carried over: its template uses `{}`, which only Zola has", used.trim_end_matches('.')));
        return;
    }
    if name.ends_with(".html") {
        layout.carried_templates.insert(format!("templates/shortcodes/{name}"), text.to_string());
    } else {
        notes.untranslated(rel, 1, format!("shortcode `{stem}` is not carried over: folio's shortcode templates are HTML"));
    }
}

fn uses_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') && (word.ends_with('.') || !after.is_some_and(|c| c.is_alphanumeric() || c == '_'))
    })
}

/// Hugo's address of a path: lower case, spaces as `-`.
fn hugo_path(p: &str) -> String {
    p.to_lowercase().replace(' ', "-")
}

/// The address a page had in the old site.
pub fn old_url(flavour: Flavour, config: &Config, layout: &Layout, src: &str, key: &str, section: bool, mapped: &fields::Mapped) -> Option<String> {
    let f = &mapped.folio;
    let dir = parent(key);
    let stem_of_key = stem(key.rsplit('/').next().unwrap_or(key));
    match flavour {
        Flavour::Hugo => {
            if let Some(own) = &mapped.own_url {
                return Some(if own.starts_with('/') { own.clone() } else { format!("/{own}") });
            }
            if section {
                return Some(if dir.is_empty() { "/".into() } else { format!("/{}/", hugo_path(dir)) });
            }
            let (folder, name) = if stem_of_key == "index" { (parent(dir), dir.rsplit('/').next().unwrap_or(dir)) } else { (dir, stem_of_key) };
            let top = key.split('/').next().filter(|_| key.contains('/')).unwrap_or("");
            if let Some(pattern) = config.permalinks.get(top).or_else(|| (!key.contains('/')).then(|| config.permalinks.get("/")).flatten()) {
                let title_slug = crate::url::slug(&f.title);
                let slug = f.slug.clone().unwrap_or_else(|| title_slug.clone());
                return Some(expand(
                    pattern,
                    f.date.as_deref(),
                    &[
                        ("section", top.to_string()),
                        ("sections", folder.to_string()),
                        ("title", title_slug),
                        ("slug", slug.clone()),
                        ("filename", name.to_string()),
                        ("contentbasename", name.to_string()),
                        ("slugorfilename", f.slug.clone().unwrap_or_else(|| name.to_string())),
                        ("slugorcontentbasename", f.slug.clone().unwrap_or_else(|| name.to_string())),
                    ],
                ));
            }
            let last = f.slug.clone().unwrap_or_else(|| name.to_string());
            let path = if folder.is_empty() { hugo_path(&last) } else { format!("{}/{}", hugo_path(folder), hugo_path(&last)) };
            Some(if config.ugly_urls { format!("/{path}.html") } else { format!("/{path}/") })
        }
        Flavour::Zola => {
            if let Some(own) = &mapped.own_url {
                let own = own.trim_matches('/');
                return Some(if own.contains('.') { format!("/{own}") } else { format!("/{own}/") });
            }
            if section {
                return Some(crate::url::section_url(dir));
            }
            let folder = if stem_of_key == "index" { parent(dir) } else { dir };
            let slug = f.slug.clone().or_else(|| layout.file_slug.get(src).cloned()).unwrap_or_else(|| crate::url::slug(stem_of_key));
            let folder = crate::url::slugify_path(folder);
            Some(if folder.is_empty() { format!("/{slug}/") } else { format!("/{folder}/{slug}/") })
        }
        Flavour::Jekyll => {
            let pattern_for = |p: &str| -> String { jekyll_style(p) };
            let output_ext = ".html";
            match layout.kind.get(src) {
                // A draft had no address: Jekyll shows drafts only in a preview.
                Some(DocKind::Post) if f.draft && src.contains("_drafts/") => None,
                Some(DocKind::Post) => {
                    let file_slug = layout.file_slug.get(src).cloned().unwrap_or_default();
                    let title_part = src
                        .rsplit('/')
                        .next()
                        .map(stem)
                        .and_then(file_name_date)
                        .map(|(_, r)| r)
                        .unwrap_or_else(|| stem(src.rsplit('/').next().unwrap_or(src)).to_string());
                    let pattern = mapped.own_url.clone().unwrap_or_else(|| pattern_for(config.permalinks.get("posts").map_or("date", String::as_str)));
                    let cats: Vec<String> = f.categories.iter().map(|c| c.to_lowercase().replace(' ', "-")).collect();
                    let slug = f.slug.clone().unwrap_or(file_slug);
                    Some(expand(
                        &pattern,
                        f.date.as_deref(),
                        &[
                            ("categories", cats.join("/")),
                            ("title", f.slug.clone().unwrap_or(title_part)),
                            ("slug", slug),
                            ("output_ext", output_ext.to_string()),
                        ],
                    ))
                }
                Some(DocKind::Collection(name)) => {
                    let path = stem(src.strip_prefix('_').unwrap_or(src)).to_string();
                    let pattern = mapped
                        .own_url
                        .clone()
                        .or_else(|| config.collections.get(name).cloned().flatten())
                        .unwrap_or_else(|| "/:collection/:path:output_ext".into());
                    let pattern = jekyll_style(&pattern);
                    let doc = stem(src.rsplit('/').next().unwrap_or(src)).to_string();
                    Some(expand(
                        &pattern,
                        f.date.as_deref(),
                        &[
                            ("collection", name.clone()),
                            ("path", path.trim_start_matches(&format!("{name}/")).to_string()),
                            ("name", doc.clone()),
                            ("title", doc.clone()),
                            ("slug", crate::url::slug(&doc)),
                            ("output_ext", output_ext.to_string()),
                        ],
                    ))
                }
                None => {
                    if let Some(own) = &mapped.own_url {
                        return Some(if own.starts_with('/') { own.clone() } else { format!("/{own}") });
                    }
                    let pretty = config.permalinks.get("posts").is_some_and(|p| p == "pretty" || p.ends_with('/'));
                    let file = src.rsplit('/').next().unwrap_or(src);
                    let folder = parent(src);
                    let prefix = if folder.is_empty() { String::new() } else { format!("{folder}/") };
                    Some(if stem(file) == "index" {
                        format!("/{prefix}")
                    } else if pretty {
                        format!("/{prefix}{}/", stem(file))
                    } else {
                        format!("/{prefix}{}.html", stem(file))
                    })
                }
            }
        }
    }
}

/// Jekyll's named address styles.
fn jekyll_style(p: &str) -> String {
    match p {
        "date" => "/:categories/:year/:month/:day/:title:output_ext".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".into(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".into(),
        "none" => "/:categories/:title:output_ext".into(),
        other => other.to_string(),
    }
}

/// An address pattern with `:year`, `:month`, `:day` (from `date`) and the given values filled
/// in; doubled slashes closed up.
fn expand(pattern: &str, date: Option<&str>, values: &[(&str, String)]) -> String {
    let date = date.unwrap_or("");
    let (y, m, d) = (date.get(..4).unwrap_or(""), date.get(5..7).unwrap_or(""), date.get(8..10).unwrap_or(""));
    let mut vars: Vec<(String, String)> = values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    vars.extend([
        ("year".to_string(), y.to_string()),
        ("month".to_string(), m.to_string()),
        ("day".to_string(), d.to_string()),
        ("i_month".to_string(), m.trim_start_matches('0').to_string()),
        ("i_day".to_string(), d.trim_start_matches('0').to_string()),
        ("short_year".to_string(), y.get(2..).unwrap_or("").to_string()),
    ]);
    // Longest names first, so `:title` never eats `:titles`.
    vars.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match vars.iter().find(|(k, _)| after.starts_with(k.as_str())) {
            Some((k, v)) => {
                out.push_str(v);
                rest = &after[k.len()..];
            }
            None => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let mut clean = super::single_slashes(&out);
    if !clean.starts_with('/') {
        clean.insert(0, '/');
    }
    clean
}

/// Sections the new site needs that the old one had without an `_index.md`: (folder, title,
/// sorted by date).
pub fn implied_sections(flavour: Flavour, config: &Config, keys: &[&str]) -> Vec<(String, String, bool)> {
    let mut out: BTreeMap<String, (String, bool)> = BTreeMap::new();
    out.insert(String::new(), (config.title.clone(), false));
    for key in keys.iter().filter(|k| !k.ends_with("_index.md")) {
        let dir = parent(key);
        let wanted: Option<String> = match flavour {
            Flavour::Hugo => key.split('/').next().filter(|_| !dir.is_empty()).map(str::to_string),
            Flavour::Jekyll => key.split('/').next().filter(|t| !dir.is_empty() && (*t == "posts" || config.collections.contains_key(*t))).map(str::to_string),
            // A Zola folder without `_index.md` had no list page; none is made.
            Flavour::Zola => None,
        };
        if let Some(d) = wanted {
            // Every folder on the way is a section too (a Zola section needs its parents).
            let mut acc = String::new();
            for part in d.split('/') {
                acc = if acc.is_empty() { part.to_string() } else { format!("{acc}/{part}") };
                out.entry(acc.clone()).or_insert_with(|| (super::title_from_key(&format!("{acc}/_index.md")), true));
            }
        }
    }
    out.into_iter().map(|(d, (t, s))| (d, t, s)).collect()
}

#[derive(serde::Serialize)]
struct SiteYaml<'a> {
    title: &'a str,
    base_url: String,
    language: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    menu: Vec<MenuItem>,
}

#[derive(serde::Serialize)]
struct MenuItem {
    name: String,
    url: String,
}

/// `site.yaml` of the new site: the old site's title, address, language, description, author
/// and main menu (or, without one, its sections and top-level pages).
pub fn site_yaml(config: &Config, pages: &[(&str, &str, &str, Option<i64>)]) -> String {
    let mut menu: Vec<MenuItem> = Vec::new();
    let mut items = config.menu.clone();
    items.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    for (name, url, _) in items {
        // Jekyll's `header_pages` name files; Hugo's menus name addresses or pages.
        let found = pages.iter().find(|(key, _, _, _)| {
            let k = key.trim_end_matches(".md");
            let u = url.trim_matches('/').trim_end_matches(".md").trim_end_matches(".markdown");
            k == u || k == format!("{u}/_index") || k == format!("{u}/index")
        });
        match found {
            Some((_, page_url, title, _)) => menu.push(MenuItem { name: if name.is_empty() { title.to_string() } else { name }, url: page_url.to_string() }),
            None if url.starts_with('/') || url.starts_with("http") => menu.push(MenuItem { name: if name.is_empty() { url.clone() } else { name }, url }),
            None => {}
        }
    }
    if menu.is_empty() {
        let mut top: Vec<(i64, &str, &str)> = pages
            .iter()
            .filter(|(key, _, _, _)| {
                let depth = key.matches('/').count();
                (depth == 0 && *key != "_index.md") || (depth == 1 && key.ends_with("/_index.md"))
            })
            .map(|(_, url, title, weight)| (weight.unwrap_or(0), *title, *url))
            .collect();
        top.sort();
        menu = top.into_iter().take(6).map(|(_, t, u)| MenuItem { name: t.to_string(), url: u.to_string() }).collect();
    }
    let site = SiteYaml {
        title: &config.title,
        base_url: if config.base_url.is_empty() { "https://www.example.com".into() } else { config.base_url.clone() },
        language: &config.language,
        description: &config.description,
        author: config.author.as_deref(),
        menu,
    };
    let yaml = crate::yaml::to_string(&site).unwrap_or_default();
    format!("# Imported by `folio import`; see import-report.md for what could not be carried over.\n{yaml}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand() {
        assert_eq!(
            expand(&jekyll_style("date"), Some("2020-03-05"), &[("categories", "".into()), ("title", "Hello".into()), ("output_ext", ".html".into())]),
            "/2020/03/05/Hello.html"
        );
        assert_eq!(expand(&jekyll_style("pretty"), Some("2020-03-05"), &[("categories", "news/x".into()), ("title", "a".into())]), "/news/x/2020/03/05/a/");
        assert_eq!(expand("/:year/:i_month/:slug/", Some("2020-03-05"), &[("slug", "s".into())]), "/2020/3/s/");
        assert_eq!(file_name_date("2020-03-15-title.md"), Some(("2020-03-15".into(), "title.md".into())));
        assert_eq!(file_name_date("2020-13-15-title.md"), None);
        assert!(uses_word("{{ page.title }}", "page."));
        assert!(!uses_word("{{ homepage.x }}", "page."));
        assert!(uses_word("{{ body | markdown }}", "body"));
        assert!(!uses_word("{{ nobody }}", "body"));
    }
}

//! Rendering: Tera templates (theme first, site `templates/` overriding by name), the views they
//! see, structured data, feeds and the sitemap. Tera 1.x is used on purpose: it is the stable
//! line that Zola ships, its API is settled, and nothing outside this module names it, so moving
//! to 2.x later touches this module only.

pub mod feeds;
pub mod marketing;
pub mod precheck;
pub mod redirects;
pub mod search;
pub mod seo;
pub mod shortcodes;
pub mod site;
pub mod views;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Kind};
use crate::load::SourceFile;
use crate::marketing::pricing::{self, PriceQuery};
use crate::marketing::PricingGroup;
use crate::parse::shortcodes::{ArgValue, Call};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;

/// Compiled templates plus where each came from (for error messages).
pub struct Renderer {
    tera: tera::Tera,
    sources: HashMap<String, (PathBuf, String)>,
    site_value: tera::Value,
    /// Hash of everything the renderer was made from (every template's name, path and text, and
    /// the `site` value): part of every template job's key.
    key: u64,
    /// Every id a template writes as plain text (`<main id="main">`): an automatic heading id
    /// steps aside for these. Ids made by template code (`id="{{ t.id }}"`) are not here; the
    /// finished pages are checked for those.
    theme_ids: HashSet<String>,
}

fn escape_fn(s: &str) -> String {
    crate::text::escape_html(s)
}

fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// `--> L:C` in a Tera/pest parse message.
fn parse_position(msg: &str) -> Option<(usize, usize)> {
    let rest = &msg[msg.find("--> ")? + 4..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// The last line of a pest message is its "expected …" summary.
fn parse_summary(msg: &str) -> String {
    msg.lines()
        .rev()
        .find(|l| l.trim_start().starts_with('='))
        .map(|l| l.trim_start_matches([' ', '=']).to_string())
        .unwrap_or_else(|| msg.lines().next().unwrap_or("").to_string())
}

/// The syntax errors of each template, compiled on its own.
fn syntax_errors(raw: &[(&str, &str)], by_name: &HashMap<String, &SourceFile>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, text) in raw {
        let mut scratch = tera::Tera::default();
        if let Err(e) = scratch.add_raw_template(name, text) {
            let chain = error_chain(&e);
            if chain.contains("Failed to parse") {
                let file = &by_name[*name];
                let (line, col) = parse_position(&chain).unwrap_or((1, 1));
                errors.push(
                    Diagnostic::at(&file.shown, &file.text, line, col, format!("template syntax error: {}", parse_summary(&chain)))
                        .with_help("check the `{{ }}` and `{% %}` tags near this position; every `{% if %}`/`{% for %}`/`{% block %}` needs its `{% end… %}`")
                        .kind(Kind::Template),
                );
            }
        }
    }
    errors
}

/// Templates nested deeper than Tera can parse and render on a bounded stack, one error each.
fn too_deep<'n>(by_name: &'n HashMap<String, &SourceFile>) -> Vec<(&'n str, Diagnostic)> {
    by_name
        .iter()
        .filter_map(|(name, f)| {
            let e = precheck::too_deep(&f.text)?;
            Some((name.as_str(), Diagnostic::at(&f.shown, &f.text, e.line, e.col, e.message).with_help(e.help).kind(Kind::Template)))
        })
        .collect()
}

/// Templates that include, import or extend each other in a loop, one error per loop, naming
/// every hop (file:line).
fn template_loops(by_name: &HashMap<String, &SourceFile>) -> Vec<Diagnostic> {
    let refs: BTreeMap<String, Vec<precheck::Reference>> = by_name.iter().map(|(n, f)| (n.clone(), precheck::references(&f.text))).collect();
    let shown = |name: &str| by_name.get(name).map(|f| crate::diag::slashed(&f.shown)).unwrap_or_default();
    precheck::find(&refs)
        .into_iter()
        .filter_map(|hops| {
            let first = hops.first()?;
            let file = by_name.get(&first.from)?;
            let (message, help) = precheck::describe(&hops, shown);
            Some(Diagnostic::at(&file.shown, &file.text, first.line, first.col, message).with_help(help).kind(Kind::Template))
        })
        .collect()
}

impl Renderer {
    /// Compiles every template. All syntax errors are reported together. All syntax errors are reported together.
    pub fn new(templates: &[SourceFile], config: &SiteConfig) -> Result<Renderer, Vec<Diagnostic>> {
        // Later files override earlier ones with the same name (site over theme).
        let mut by_name: HashMap<String, &SourceFile> = HashMap::new();
        for t in templates {
            by_name.insert(t.rel.clone(), t);
        }
        let mut names: Vec<&String> = by_name.keys().collect();
        names.sort();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also encodes `/` (as `&#x2F;`), which bloats every URL and, with
        // the `default` filter, ends up double-escaped. Escaping `& < > " '` is what HTML needs.
        tera.set_escape_fn(escape_fn);
        tera.register_function("price", price_function);
        let raw: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), by_name[*n].text.as_str())).collect();
        // Deep nesting and loops first: Tera would recurse past any stack, or without end, on
        // them while compiling. A template nested too deep is not compiled even on its own.
        let deep = too_deep(&by_name);
        let loops = template_loops(&by_name);
        if !deep.is_empty() || !loops.is_empty() {
            let others: Vec<(&str, &str)> = raw.iter().filter(|(n, _)| !deep.iter().any(|(d, _)| d == n)).copied().collect();
            return Err(deep.into_iter().map(|(_, d)| d).chain(loops).chain(syntax_errors(&others, &by_name)).collect());
        }
        if let Err(e) = tera.add_raw_templates(raw.clone()) {
            let mut errors = syntax_errors(&raw, &by_name);
            if errors.is_empty() {
                let chain = error_chain(&e);
                let culprit =
                    names.iter().find(|n| chain.contains(&format!("'{n}'"))).map(|n| by_name[*n].shown.clone()).unwrap_or_else(|| PathBuf::from("templates"));
                errors.push(
                    Diagnostic::file(culprit, format!("template error: {chain}"))
                        .with_help("a template `extends` or `include`s a template that does not exist; check the name, or add the file under templates/")
                        .kind(Kind::Template),
                );
            }
            return Err(errors);
        }
        let site_value = site_value(config);
        let key = crate::hash::hash_of(&(
            names.iter().map(|n| (n.as_str(), &by_name[*n].shown, by_name[*n].text.as_str())).collect::<Vec<_>>(),
            crate::hash::hash_serialized(&site_value),
        ));
        let theme_ids =
            by_name.values().flat_map(|t| crate::text::html_ids(&t.text)).filter(|(_, id)| !id.contains('{')).map(|(_, id)| id.to_string()).collect();
        let sources = by_name.into_iter().map(|(k, v)| (k, (v.shown.clone(), v.text.clone()))).collect();
        Ok(Renderer { tera, sources, site_value, key, theme_ids })
    }

    /// Whether a template writes `id` as plain text (see `theme_ids`).
    pub fn theme_id(&self, id: &str) -> bool {
        self.theme_ids.contains(id)
    }

    /// Equal keys mean the same templates and `site` value.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// Renders `template` with `site` and `vars`.
    pub fn render_vars(&self, template: &str, vars: &site::Vars<'_>) -> Result<String, RenderError> {
        let mut ctx = self.context();
        for (name, value) in vars.iter() {
            ctx.insert(name, value);
        }
        self.render(template, &ctx)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Template names under `shortcodes/` (without folder and extension).
    pub fn shortcode_templates(&self) -> Vec<String> {
        let mut v: Vec<String> =
            self.sources.keys().filter_map(|k| k.strip_prefix("shortcodes/").and_then(|n| n.strip_suffix(".html")).map(str::to_string)).collect();
        v.sort();
        v
    }

    /// What to say when `name` is not a template: a close name if there is one, and the list.
    pub fn missing_template_help(&self, name: &str) -> String {
        let mut known: Vec<&str> = self.sources.keys().map(String::as_str).filter(|k| !k.starts_with("shortcodes/")).collect();
        known.sort();
        let near = known.iter().map(|k| (strsim::levenshtein(name, k), *k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k);
        match near {
            Some(n) => format!("did you mean `{n}`? Available templates: {}", known.join(", ")),
            None => format!("add templates/{name} to the site, or use one of: {}", known.join(", ")),
        }
    }

    /// A new context with `site` filled in.
    pub fn context(&self) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_value);
        ctx
    }

    /// Renders `template`. A failure does not name the page it was rendered for: the caller
    /// knows it, and whether other pages failed the same way ([`RenderError::on_page`],
    /// [`group_failures`]).
    pub fn render(&self, template: &str, ctx: &tera::Context) -> Result<String, RenderError> {
        if !self.has_template(template) {
            return Err(RenderError::Missing { template: template.to_string(), help: self.missing_template_help(template) });
        }
        self.tera.render(template, ctx).map_err(|e| RenderError::Failed(self.runtime_error(template, &e)))
    }

    /// Tera runtime errors carry no position; we find the first mention of the failing variable
    /// in the template to point at a line.
    fn runtime_error(&self, template: &str, e: &tera::Error) -> TemplateFailure {
        let chain = error_chain(e);
        if let Some(failure) = self.nesting_error(&chain) {
            return failure;
        }
        let culprit_template = chain.split('\'').skip(1).step_by(2).filter(|n| self.sources.contains_key(*n)).last().unwrap_or(template);
        let (shown, text) = &self.sources[culprit_template];
        let variable = chain.split('`').nth(1).filter(|_| chain.contains("not found in context"));
        // A function's own message may hold `: `; it is everything after Tera's prefix.
        let function = chain.find("Function call '").and_then(|i| {
            let rest = &chain[i + "Function call '".len()..];
            let (name, after) = rest.split_once('\'')?;
            Some((format!("{name}("), after.split_once("failed: ").map_or(after, |(_, d)| d)))
        });
        let detail = function.as_ref().map_or_else(|| chain.split(": ").last().unwrap_or(&chain), |(_, d)| *d).to_string();
        let message = format!("template `{culprit_template}` failed: {detail}");
        let help = if variable.is_some() {
            "the variable does not exist for this kind of page; guard it with `{% if … %}` or use `| default(value=…)`"
        } else {
            "check the template expression at this position"
        };
        let call = function.as_ref().and_then(|(name, _)| text.find(name.as_str()));
        let diagnostic = match variable.and_then(|v| text.find(v)).or(call) {
            Some(off) => Diagnostic::at_offset(shown, text, off, message),
            None => Diagnostic::file(shown, message),
        };
        TemplateFailure { diagnostic: diagnostic.with_help(help).kind(Kind::Template), template: culprit_template.to_string(), detail }
    }
}

/// What `price(…)` answered while a template rendered: the query and the answer, so that a
/// kept output file can be checked against today's prices (see [`prices_hold`]).
pub type PriceAnswers = Vec<(PriceQuery, pricing::PriceAnswer)>;

thread_local! {
    /// The pricing groups `price(…)` reads while this thread renders, and what it answered.
    static PRICES: RefCell<Option<(Arc<Vec<PricingGroup>>, PriceAnswers)>> = const { RefCell::new(None) };
}

/// Runs `f` (a render) with `groups` as what the template function `price(…)` reads, and
/// returns what it answered.
pub fn with_prices<R>(groups: &Arc<Vec<PricingGroup>>, f: impl FnOnce() -> R) -> (R, PriceAnswers) {
    let outer = PRICES.with(|p| p.borrow_mut().replace((Arc::clone(groups), Vec::new())));
    let result = f();
    let answers = PRICES.with(|p| std::mem::replace(&mut *p.borrow_mut(), outer)).map(|(_, a)| a).unwrap_or_default();
    (result, answers)
}

/// Whether every recorded `price(…)` answer is still what the pricing data gives.
pub fn prices_hold(answers: &PriceAnswers, groups: &[PricingGroup]) -> bool {
    answers.iter().all(|(q, a)| pricing::price_of(groups, q) == *a)
}

/// The template function `price(tier="…")` / `price(lowest_in="…")`: the same call, arguments
/// and answer as the `price` shortcode.
fn price_function(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let arg = |v: &tera::Value| match v {
        tera::Value::String(s) => ArgValue::Str(s.clone()),
        tera::Value::Bool(b) => ArgValue::Bool(*b),
        tera::Value::Number(n) => n.as_i64().map_or(ArgValue::Float(n.as_f64().unwrap_or_default()), ArgValue::Int),
        other => ArgValue::Str(other.to_string()),
    };
    let call = Call { name: "price".into(), args: args.iter().map(|(k, v)| (k.clone(), arg(v))).collect(), span: 0..0 };
    let answer = pricing::query_of_call(&call).and_then(|query| {
        PRICES.with(|p| match p.borrow_mut().as_mut() {
            Some((groups, answers)) => {
                let answer = pricing::price_of(groups, &query);
                answers.push((query, answer.clone()));
                answer
            }
            None => Err(("prices are not available here".into(), "use price(…) in page, section and shortcode templates".into())),
        })
    });
    answer.map(tera::Value::String).map_err(|(message, help)| tera::Error::msg(format!("{message} ({help})")))
}

/// How deep macro calls and includes may nest while rendering (a nested menu needs a few
/// levels); deeper is an error. The vendored Tera counts them (`vendor/tera`).
pub const MAX_NESTING: usize = tera::MAX_NESTING;

/// Stack of a rendering thread. The static checks (`precheck`: at most 40 nested block tags,
/// 40 nested brackets and 200 operators per expression) and [`MAX_NESTING`] bound how deep
/// Tera recurses. Measured on the worst such template (100 levels of a macro, each inside 38
/// nested `{% for %}` with a 150-operator expression), rendering needs less than 4 MiB; 64 MiB
/// leaves a wide margin. Address space only: pages are used as touched.
pub const RENDER_STACK: usize = 64 << 20;

/// Runs `f` (a whole build, whose parallel work then runs on the same threads) on the
/// rendering threads, whose stacks hold [`MAX_NESTING`] levels of templates: Tera recurses on
/// the stack, and an overflow aborts the process.
pub fn on_render_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().stack_size(RENDER_STACK).thread_name(|i| format!("folio-render-{i}")).build().ok());
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

impl Renderer {
    /// A template nested more than [`MAX_NESTING`] deep, as Tera reports it ("templates nested
    /// more than 100 deep: macro `ns::name` of `file`" or "…: include of `file`"), pointing at
    /// the macro's definition or the included template.
    fn nesting_error(&self, chain: &str) -> Option<TemplateFailure> {
        let rest = &chain[chain.find("templates nested more than ")?..];
        let quoted: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        let (template, detail, offset) = if rest.contains(": macro `") {
            let (called, template) = (*quoted.first()?, *quoted.get(1)?);
            let name = called.rsplit("::").next().unwrap_or(called);
            let (_, text) = self.sources.get(template)?;
            let detail =
                format!("macro `{name}` calls itself (directly or through other macros and includes) more than {MAX_NESTING} levels deep, or without end");
            (template, detail, macro_definition(text, name))
        } else {
            let template = *quoted.first()?;
            (template, format!("`{template}` is included inside itself (through macros) more than {MAX_NESTING} levels deep, or without end"), None)
        };
        let (shown, text) = self.sources.get(template)?;
        let message = format!("template `{template}` failed: {detail}");
        let diagnostic = match offset {
            Some(off) => Diagnostic::at_offset(shown, text, off, message),
            None => Diagnostic::file(shown, message),
        };
        let help = format!(
            "a macro that calls itself needs a condition that stops it, such as `{{% if item.children %}}`; templates may nest at most {MAX_NESTING} levels deep"
        );
        Some(TemplateFailure { diagnostic: diagnostic.with_help(help).kind(Kind::Template), template: template.to_string(), detail })
    }
}

/// Where `{% macro name(` starts in a template text.
fn macro_definition(text: &str, name: &str) -> Option<usize> {
    text.match_indices("macro").find_map(|(i, _)| {
        let after = text[i + "macro".len()..].trim_start();
        let opens = after.strip_prefix(name).is_some_and(|r| r.trim_start().starts_with('('));
        let tag = text[..i].trim_end().trim_end_matches('-').ends_with("{%");
        (opens && tag).then(|| text[..i].rfind("{%").unwrap_or(i))
    })
}

/// Why a template could not be rendered, without the page it was rendered for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RenderError {
    /// No template has this name; `help` names those that exist.
    Missing { template: String, help: String },
    /// The template failed while rendering.
    Failed(TemplateFailure),
}

/// A template that failed while rendering. One broken template (say `base.html`) fails every
/// page that uses it the same way, so equal failures are one problem that names its pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TemplateFailure {
    /// Points into the failing template, with help; its message names no page.
    pub diagnostic: Diagnostic,
    /// The failing template (an included one rather than the page's own, when that failed).
    template: String,
    /// What Tera says went wrong.
    detail: String,
}

impl TemplateFailure {
    /// The failure as it happened on `pages` (paths as shown to the user; at least one): the
    /// first three are named, with how many more there were.
    pub fn on_pages(self, pages: &[String]) -> Diagnostic {
        let (template, detail) = (&self.template, &self.detail);
        let pages = match pages {
            [page] => page.clone(),
            _ => {
                let mut sorted: Vec<&str> = pages.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                let more = if sorted.len() > 3 { format!(" and {} more", sorted.len() - 3) } else { String::new() };
                format!("{} pages ({}{more})", sorted.len(), sorted[..sorted.len().min(3)].join(", "))
            }
        };
        Diagnostic { message: format!("template `{template}` failed while rendering {pages}: {detail}"), ..self.diagnostic }
    }
}

impl RenderError {
    /// The problem as it happened on `page` alone (as shown to the user).
    pub fn on_page(self, page: &Path) -> Diagnostic {
        match self {
            RenderError::Missing { template, help } => Diagnostic::file(page, format!("template `{template}` not found")).with_help(help).kind(Kind::Template),
            RenderError::Failed(f) => f.on_pages(&[crate::diag::slashed(page)]),
        }
    }
}

/// The problems of many renders, each with the page it was for. Equal template failures are
/// merged into one that names how many pages failed and the first few; a missing template is
/// reported on each page that asked for it.
pub fn group_failures(failures: impl IntoIterator<Item = (PathBuf, RenderError)>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut groups: HashMap<TemplateFailure, Vec<String>> = HashMap::new();
    for (page, error) in failures {
        match error {
            RenderError::Failed(f) => groups.entry(f).or_default().push(crate::diag::slashed(&page)),
            missing @ RenderError::Missing { .. } => out.push(missing.on_page(&page)),
        }
    }
    out.extend(groups.into_iter().map(|(failure, pages)| failure.on_pages(&pages)));
    out
}

#[derive(Serialize)]
struct SiteValue<'a> {
    title: &'a str,
    base_url: &'a str,
    language: &'a str,
    description: &'a str,
    author: Option<&'a str>,
    organisation: Option<&'a crate::config::Organisation>,
    menu: &'a [crate::config::MenuItem],
    feed_url: Option<String>,
    /// Where the contact form posts (`contact.action` of [`Form`], kept for older templates).
    contact_endpoint: String,
    contact: crate::config::forms::Form,
    /// `production`, or `staging` for a preview shown to a client.
    env: &'static str,
    banner_disclosure: &'a str,
    taxonomies: &'a [String],
    /// The custom properties of site.yaml's `style:`, for a `<style>` after the theme's
    /// stylesheet; absent when nothing is set.
    style_css: Option<String>,
    /// Whether the site has `static/css/custom.css`, linked after everything else.
    custom_css: bool,
    extra: &'a serde_json::Value,
}

fn site_value(c: &SiteConfig) -> tera::Value {
    let form = if c.staging { crate::config::forms::Form::preview(&c.contact.endpoint) } else { c.contact.form(&c.title) };
    let v = SiteValue {
        title: &c.title,
        base_url: &c.base_url,
        language: &c.language,
        description: &c.description,
        author: c.author.as_deref(),
        organisation: c.organisation.as_ref(),
        menu: &c.menu,
        feed_url: c.feed.enabled.then(|| format!("/{}", c.feed.filename)),
        contact_endpoint: form.action.clone(),
        contact: form,
        env: if c.staging { "staging" } else { "production" },
        banner_disclosure: &c.banners.disclosure,
        taxonomies: &c.taxonomies,
        style_css: c.style.css(),
        custom_css: c.custom_css,
        extra: &c.extra,
    };
    serde_json::to_value(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile { rel: name.into(), shown: PathBuf::from(format!("templates/{name}")), text: text.into() }
    }

    fn config() -> SiteConfig {
        SiteConfig::parse(std::path::Path::new("site.yaml"), "title: T\n").unwrap()
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let errs = Renderer::new(&[file("a.html", "ok"), file("b.html", "line1\n{% if %}\n")], &config()).err().unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, PathBuf::from("templates/b.html"));
        assert_eq!(errs[0].line, Some(2));
    }

    #[test]
    fn missing_template_suggests_nearest() {
        let r = Renderer::new(&[file("page.html", "x")], &config()).ok().unwrap();
        let e = r.render("pgae.html", &r.context()).unwrap_err().on_page(Path::new("content/a.md"));
        assert_eq!(e.message, "template `pgae.html` not found");
        assert_eq!((e.path.as_path(), e.kind), (Path::new("content/a.md"), Kind::Template));
        assert!(e.help.unwrap().contains("did you mean `page.html`"));
    }

    #[test]
    fn one_broken_template_is_one_error() {
        let r = Renderer::new(&[file("page.html", "a\n{{ page.nope }}\n")], &config()).ok().unwrap();
        // Rendered in an order other than the pages' (as parallel rendering does).
        let failures: Vec<(PathBuf, RenderError)> = ["content/d.md", "content/b.md", "content/a.md", "content/c.md"]
            .iter()
            .map(|p| (PathBuf::from(p), r.render("page.html", &r.context()).unwrap_err()))
            .collect();
        assert!(failures.iter().all(|(_, e)| *e == failures[0].1), "the page is not part of the failure");
        let grouped = group_failures(failures);
        assert_eq!(grouped.len(), 1);
        assert_eq!(
            grouped[0].message,
            "template `page.html` failed while rendering 4 pages (content/a.md, content/b.md, content/c.md and 1 more): \
             Variable `page.nope` not found in context while rendering 'page.html'"
        );
        assert_eq!((grouped[0].path.as_path(), grouped[0].line, grouped[0].kind), (Path::new("templates/page.html"), Some(2), Kind::Template));
    }

    #[test]
    fn different_failures_and_missing_templates_stay_apart() {
        let r = Renderer::new(&[file("page.html", "{{ page.nope }}"), file("list.html", "{{ 1 / x }}")], &config()).ok().unwrap();
        let failures = vec![
            (PathBuf::from("content/a.md"), r.render("page.html", &r.context()).unwrap_err()),
            (PathBuf::from("content/b.md"), r.render("page.html", &r.context()).unwrap_err()),
            (PathBuf::from("content/c.md"), r.render("list.html", &r.context()).unwrap_err()),
            (PathBuf::from("content/d.md"), r.render("gone.html", &r.context()).unwrap_err()),
            (PathBuf::from("content/e.md"), r.render("gone.html", &r.context()).unwrap_err()),
        ];
        let mut messages: Vec<String> = group_failures(failures).into_iter().map(|d| format!("{}: {}", crate::diag::slashed(&d.path), d.message)).collect();
        messages.sort();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with("content/d.md: template `gone.html` not found"), "{messages:#?}");
        assert!(messages[1].starts_with("content/e.md: template `gone.html` not found"), "{messages:#?}");
        assert!(messages[2].starts_with("templates/list.html: template `list.html` failed while rendering content/c.md: "), "{messages:#?}");
        assert!(
            messages[3].starts_with("templates/page.html: template `page.html` failed while rendering 2 pages (content/a.md, content/b.md): "),
            "{messages:#?}"
        );
    }

    #[test]
    fn price_function_answers_and_records_what_it_answered() {
        let group = |amount: u32| {
            let text = format!("title: G\ntiers:\n  - id: a\n    name: A\n    price: {{ amount: {amount}, currency: USD, period: month }}\n");
            let f = SourceFile { rel: "pricing/g.yaml".into(), shown: PathBuf::from("content/pricing/g.yaml"), text };
            Arc::new(vec![pricing::parse(&f).unwrap()])
        };
        let r = Renderer::new(&[file("p.html", "{{ price(tier=\"a\") }} from {{ price(lowest_in=\"g\") }}")], &config()).ok().unwrap();
        let (out, answers) = with_prices(&group(1800), || r.render("p.html", &r.context()));
        assert_eq!(out.unwrap(), "$1,800/month from $1,800/month");
        assert_eq!(answers.len(), 2);
        assert!(prices_hold(&answers, &group(1800)));
        assert!(!prices_hold(&answers, &group(1900)), "a new amount is a new answer");
        let bad = Renderer::new(&[file("p.html", "x\n{{ price(tier=\"b\") }}")], &config()).ok().unwrap();
        let (out, _) = with_prices(&group(1800), || bad.render("p.html", &bad.context()));
        let e = out.unwrap_err().on_page(Path::new("content/a.md"));
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.ends_with("no pricing tier `b` (did you mean `a`? tiers are the `id:` entries in content/pricing/*.yaml: a)"), "{e}");
    }

    #[test]
    fn runtime_error_points_at_variable() {
        let r = Renderer::new(&[file("page.html", "a\n{{ page.nope }}\n")], &config()).ok().unwrap();
        let e = r.render("page.html", &r.context()).unwrap_err().on_page(Path::new("content/a.md"));
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.starts_with("template `page.html` failed while rendering content/a.md: "), "{e}");
    }
}

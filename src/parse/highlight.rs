//! Syntax highlighting with syntect: CSS classes in the HTML plus one generated stylesheet with
//! a light and a dark theme. The syntax and theme sets are loaded once per process.

use crate::text::escape_html;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::OnceLock;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Code blocks longer than this are shown without highlighting (a guard against pathological
/// input; syntect's time grows with line length).
const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// A `<pre>` block for `code` in language `lang` (the fence's info string). Unknown languages
/// give plain escaped code, never an error.
pub fn code_block(code: &str, lang: Option<&str>) -> String {
    let lang = lang.map(|l| l.split([',', ' ']).next().unwrap_or("").trim()).filter(|l| !l.is_empty());
    let ss = syntaxes();
    let syntax = lang.and_then(|l| ss.find_syntax_by_token(l));
    let lang_attr = lang.map(|l| format!(" data-lang=\"{}\"", escape_html(l))).unwrap_or_default();
    let body = match syntax {
        Some(syntax) if code.len() <= MAX_HIGHLIGHT_BYTES => {
            // A grammar bug must not take the build down: a panic inside syntect leaves this
            // block unhighlighted instead.
            let highlighted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| classed_html(code, syntax, ss)));
            highlighted.ok().flatten().unwrap_or_else(|| escape_html(code))
        }
        _ => escape_html(code),
    };
    let class = lang.map(|l| format!(" class=\"language-{}\"", escape_html(l))).unwrap_or_default();
    // tabindex makes a scrollable block reachable by keyboard (WCAG 2.1.1).
    format!("<pre class=\"code\"{lang_attr} tabindex=\"0\"><code{class}>{body}</code></pre>\n")
}

/// `code` as classed spans: what syntect's `ClassedHTMLGenerator` makes, line by line, with
/// each line's parse looked up in [`LineCache`] first.
fn classed_html(code: &str, syntax: &SyntaxReference, ss: &SyntaxSet) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut open_spans: isize = 0;
    let mut html = String::with_capacity(code.len() * 4);
    let syntax_id = std::ptr::from_ref(syntax) as usize;
    for line in LinesWithEndings::from(code) {
        let cached = LINE_CACHE.with_borrow(|cache| cache.get(syntax_id, line, &state));
        let ops = match cached {
            Some((ops, after)) => {
                state = after;
                ops
            }
            None => {
                let before = state.clone();
                let ops = Arc::new(state.parse_line(line, ss).ok()?);
                LINE_CACHE.with_borrow_mut(|cache| cache.put(syntax_id, line, before, Arc::clone(&ops), &state));
                ops
            }
        };
        let (formatted, delta) = line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
        open_spans += delta;
        html.push_str(&formatted);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// What parsing a line gave: the ops, and the parse state after it.
type Parsed = (Arc<Vec<(usize, ScopeStackOp)>>, ParseState);

/// Parsed lines, by grammar, line and the parse state before the line (parsing is a function of
/// these three). Code repeats lines across a site (imports, closing braces, blank lines, the
/// same calls): the regex matching that parsing is (a third of a build of highlighted articles)
/// runs once per distinct line and state instead of once per line. One cache per thread (a
/// parse state holds regex captures, which may not cross threads), bounded: once full it keeps
/// what it has and parses the rest.
#[derive(Default)]
struct LineCache {
    entries: HashMap<u64, Vec<CachedLine>>,
    count: usize,
}

struct CachedLine {
    syntax: usize,
    line: Box<str>,
    before: ParseState,
    ops: Arc<Vec<(usize, ScopeStackOp)>>,
    after: ParseState,
}

/// Entries kept at most per thread (two parse states, the ops and the line: about 1.5 KB each,
/// so about 30 MB when full).
const MAX_CACHED_LINES: usize = 20_000;

thread_local! {
    static LINE_CACHE: RefCell<LineCache> = RefCell::new(LineCache::default());
}

impl LineCache {
    fn key(syntax: usize, line: &str) -> u64 {
        crate::hash::hash_of(&(syntax, line))
    }

    fn get(&self, syntax: usize, line: &str, state: &ParseState) -> Option<Parsed> {
        let hit = self.entries.get(&Self::key(syntax, line))?.iter().find(|c| c.syntax == syntax && &*c.line == line && c.before == *state)?;
        Some((Arc::clone(&hit.ops), hit.after.clone()))
    }

    fn put(&mut self, syntax: usize, line: &str, before: ParseState, ops: Arc<Vec<(usize, ScopeStackOp)>>, after: &ParseState) {
        if self.count >= MAX_CACHED_LINES {
            return;
        }
        self.count += 1;
        self.entries.entry(Self::key(syntax, line)).or_default().push(CachedLine { syntax, line: line.into(), before, ops, after: after.clone() });
    }
}

/// The stylesheet for highlighted code: `light` by default, `dark` under
/// `prefers-color-scheme: dark`. Unknown theme names fall back to the defaults.
pub fn stylesheet(light: &str, dark: &str) -> String {
    let ts = themes();
    let pick = |name: &str, fallback: &str| ts.themes.get(name).or_else(|| ts.themes.get(fallback));
    let mut css = String::from("/* Generated by folio from syntect themes, colours raised to WCAG AA contrast. */\n");
    // Each scheme in its own media block, so no rule of one leaks into the other.
    if let Some(theme) = pick(light, "InspiredGitHub") {
        css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
        css.push_str(&theme_css(theme));
        css.push_str("}\n");
    }
    if let Some(theme) = pick(dark, "base16-ocean.dark") {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&theme_css(theme));
        css.push_str("}\n");
    }
    css
}

/// The class rules of `theme` with every colour readable on its background, plus the block's own
/// colours on `pre.code` (the element code blocks are rendered in).
fn theme_css(theme: &Theme) -> String {
    let t = accessible(theme);
    let hex = |c: Color| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    let mut css = String::new();
    if let (Some(fg), Some(bg)) = (t.settings.foreground, t.settings.background) {
        css.push_str(&format!("pre.code {{ color: {}; background-color: {}; }}\n", hex(fg), hex(bg)));
    }
    css.push_str(&css_for_theme_with_class_style(&t, CLASS_STYLE).unwrap_or_default());
    css
}

/// A copy of `theme` whose foreground colours all reach 4.5:1 contrast on its background.
fn accessible(theme: &Theme) -> Theme {
    let mut t = theme.clone();
    let bg = t.settings.background.unwrap_or(Color::WHITE);
    t.settings.foreground = t.settings.foreground.map(|c| readable(c, bg));
    for item in &mut t.scopes {
        item.style.foreground = item.style.foreground.map(|c| readable(c, bg));
    }
    t
}

fn luminance(c: Color) -> f64 {
    crate::config::style::luminance([c.r, c.g, c.b])
}

fn contrast(a: Color, b: Color) -> f64 {
    crate::config::style::contrast([a.r, a.g, a.b], [b.r, b.g, b.b])
}

/// `fg` mixed towards black (light background) or white (dark background) just enough for 4.6:1.
fn readable(fg: Color, bg: Color) -> Color {
    let to = if luminance(bg) > 0.18 { Color::BLACK } else { Color::WHITE };
    let mix = |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    (0..=40)
        .map(|step| {
            let t = f64::from(step) / 40.0;
            Color { r: mix(fg.r, to.r, t), g: mix(fg.g, to.g, t), b: mix(fg.b, to.b, t), a: 255 }
        })
        .find(|&c| contrast(c, bg) >= 4.6)
        .unwrap_or(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_language_with_classes() {
        let html = code_block("fn main() {}\n", Some("rust"));
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("data-lang=\"rust\""));
    }

    /// What syntect's own generator makes of `code`, without the line cache.
    fn uncached(code: &str, lang: &str) -> String {
        let ss = syntaxes();
        let syntax = ss.find_syntax_by_token(lang).expect("a known language");
        let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            gen.parse_html_for_line_which_includes_newline(line).expect("parses");
        }
        gen.finalize()
    }

    /// Lines that open and close comments, strings and embedded languages, so the same line
    /// comes up in different parse states.
    const LINES: [(&str, [&str; 10]); 4] = [
        ("python", ["def f(x):\n", "    return x\n", "\"\"\"\n", "s = '''\n", "'''\n", "# note\n", "\n", "    pass\n", "import os\n", "x = f(1) + 2\n"]),
        ("rust", ["fn main() {\n", "}\n", "/* open\n", "*/\n", "let s = \"a\n", "b\";\n", "// x\n", "\n", "    let x = 1;\n", "r#\"raw\n"]),
        (
            "html",
            [
                "<div class=\"a\">\n",
                "</div>\n",
                "<script>\n",
                "</script>\n",
                "<style>\n",
                "</style>\n",
                "var x = 1;\n",
                "a { color: red }\n",
                "<!--\n",
                "-->\n",
            ],
        ),
        ("sh", ["echo hi\n", "cat <<EOF\n", "EOF\n", "if [ -f x ]; then\n", "fi\n", "'\n", "\"\n", "\n", "x=$(ls)\n", "# c\n"]),
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The line cache changes nothing: each block is what syntect makes of it, the first
        /// time (the cache being filled) and the second (every line found).
        #[test]
        fn cached_lines_give_what_syntect_gives(lang in 0usize..4, picks in proptest::collection::vec(0usize..10, 0..40)) {
            let (name, lines) = LINES[lang];
            let code: String = picks.iter().map(|&i| lines[i]).collect();
            let ss = syntaxes();
            let syntax = ss.find_syntax_by_token(name).expect("known");
            let want = uncached(&code, name);
            let (first, second) = (classed_html(&code, syntax, ss), classed_html(&code, syntax, ss));
            proptest::prop_assert_eq!(first.as_deref(), Some(want.as_str()));
            proptest::prop_assert_eq!(second.as_deref(), Some(want.as_str()));
        }
    }

    #[test]
    fn unknown_language_is_plain_escaped() {
        let html = code_block("<b>&</b>\n", Some("nosuchlang"));
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(!html.contains("hl-"));
    }

    #[test]
    fn every_theme_colour_is_readable_on_its_background() {
        for name in ["InspiredGitHub", "base16-ocean.dark", "Solarized (light)", "base16-eighties.dark"] {
            let t = accessible(&themes().themes[name]);
            let bg = t.settings.background.unwrap();
            for item in &t.scopes {
                if let Some(fg) = item.style.foreground {
                    assert!(contrast(fg, bg) >= 4.5, "{name}: {fg:?} on {bg:?}");
                }
            }
        }
    }

    #[test]
    fn stylesheet_has_light_and_dark() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark");
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}

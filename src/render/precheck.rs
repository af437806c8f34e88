//! The static checks run before any template is compiled: templates nested too deep to parse
//! and render on a bounded stack, and templates that include, import or extend each other in a
//! loop. Tera would recurse without end on each of them (extends loops
//! while compiling, import loops while loading macros, include loops while rendering), and a
//! stack overflow aborts the process, so they must be found here, in the template texts.
//!
//! Macro recursion is not looked for: a macro calling itself is how nested menus are written,
//! and whether it ends depends on the data. The vendored Tera bounds it while rendering
//! (`tera::MAX_NESTING`).

use std::collections::{BTreeMap, BTreeSet};

/// How one template names another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefKind {
    Include,
    Import,
    Extends,
}

impl RefKind {
    /// The verb of a hop in a message: "a.html:3 includes b.html".
    fn verb(self) -> &'static str {
        match self {
            RefKind::Include => "includes",
            RefKind::Import => "imports macros from",
            RefKind::Extends => "extends",
        }
    }

    fn help(self) -> &'static str {
        match self {
            RefKind::Include => {
                "rendering these templates would never end: remove one of these includes, or move what they share into a separate partial that includes none of them"
            }
            RefKind::Import => "move the macros they share into a separate file that imports none of them, and import that file instead",
            RefKind::Extends => "a template cannot extend itself, directly or through others: make the chain end at a base template that extends nothing",
        }
    }
}

/// An `{% include %}`, `{% import %}` or `{% extends %}` tag: the names it gives (an include may
/// list several and takes the first that exists) and where the tag starts (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: RefKind,
    pub names: Vec<String>,
    pub line: usize,
    pub col: usize,
}

/// A `{{ … }}` or `{% … %}` tag: where it starts, whether it is a statement (`{%`), and its
/// inside without the whitespace-control dashes.
struct Tag<'t> {
    start: usize,
    statement: bool,
    inner: &'t str,
}

/// The tags of a template text, in order. Comments, the inside of `{% raw %}` blocks and quoted
/// text are skipped; a tag this scanner cannot read is left to Tera's parser, which reports it.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut in_raw = false;
    while let Some(found) = text[pos..].find('{') {
        let start = pos + found;
        let rest = &text[start..];
        pos = start + 1;
        let (close, statement) = match rest.as_bytes().get(1) {
            Some(b'#') if !in_raw => {
                pos = text[start..].find("#}").map_or(text.len(), |e| start + e + 2);
                continue;
            }
            Some(b'{') if !in_raw => ("}}", false),
            Some(b'%') => ("%}", true),
            _ => continue,
        };
        let Some((inner_end, end)) = tag_end(text, start + 2, close) else { break };
        let inner = text[start + 2..inner_end].trim_start_matches('-').trim_end_matches('-').trim();
        let word = inner.split(char::is_whitespace).next().unwrap_or("");
        if in_raw {
            in_raw = word != "endraw";
            pos = if in_raw { start + 2 } else { end };
            continue;
        }
        pos = end;
        in_raw = statement && word == "raw";
        out.push(Tag { start, statement, inner });
    }
    out
}

/// 1-based lines and columns of increasing offsets, counted on from the previous one so a long
/// template is read once.
struct Positions<'t> {
    text: &'t str,
    counted: usize,
    line: usize,
    line_start: usize,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        Positions { text, counted: 0, line: 1, line_start: 0 }
    }

    fn of(&mut self, offset: usize) -> (usize, usize) {
        let before = &self.text[self.counted..offset];
        self.line += before.matches('\n').count();
        self.line_start = before.rfind('\n').map_or(self.line_start, |i| self.counted + i + 1);
        self.counted = offset;
        (self.line, self.text[self.line_start..offset].chars().count() + 1)
    }
}

/// The include, import and extends tags of a template text, in order.
pub fn references(text: &str) -> Vec<Reference> {
    let mut positions = Positions::new(text);
    let mut out = Vec::new();
    for tag in tags(text).into_iter().filter(|t| t.statement) {
        let (word, args) = tag.inner.split_once(char::is_whitespace).unwrap_or((tag.inner, ""));
        let kind = match word {
            "include" => RefKind::Include,
            "import" => RefKind::Import,
            "extends" => RefKind::Extends,
            _ => continue,
        };
        let names = quoted(args, kind == RefKind::Include);
        if !names.is_empty() {
            let (line, col) = positions.of(tag.start);
            out.push(Reference { kind, names, line, col });
        }
    }
    out
}

/// How deep `{% if %}`, `{% for %}` and the other block tags may nest in one template, and
/// brackets in one expression. Tera parses and renders them by recursion on the stack, so
/// without a limit a template could exhaust any stack; with these and `tera::MAX_NESTING`,
/// rendering needs a bounded stack (`super::RENDER_STACK`). Real templates nest a few levels.
pub const MAX_TAG_NESTING: usize = 40;

/// How many operators one expression may have: Tera builds `a + b + c …` as a chain nested as
/// deep as it is long, and walks (and frees) it by recursion.
pub const MAX_OPERATORS: usize = 200;

/// A template nested deeper than the limits allow: where, and in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: &'static str,
}

/// The first place in `text` where block tags or an expression's brackets nest deeper than
/// [`MAX_TAG_NESTING`].
pub fn too_deep(text: &str) -> Option<TooDeep> {
    let mut depth = 0usize;
    for tag in tags(text) {
        let word = tag.inner.split(char::is_whitespace).next().unwrap_or("");
        let found = if operators(tag.inner) > MAX_OPERATORS {
            Some((
                format!("more than {MAX_OPERATORS} operators in one expression"),
                "compute parts of it first with `{% set part = … %}` and use `part` in this expression",
            ))
        } else if brackets_depth(tag.inner) > MAX_TAG_NESTING {
            Some((
                format!("brackets nested more than {MAX_TAG_NESTING} deep in one expression"),
                "compute the inner parts first with `{% set part = … %}` and use `part` in this expression",
            ))
        } else if !tag.statement {
            None
        } else if matches!(word, "if" | "for" | "block" | "macro" | "filter") {
            depth += 1;
            (depth > MAX_TAG_NESTING).then(|| {
                (
                    format!("`{{% {word} %}}` tags nested more than {MAX_TAG_NESTING} deep"),
                    "move the inner part into a macro or a partial template (`{% include %}`)",
                )
            })
        } else {
            if word.starts_with("end") {
                depth = depth.saturating_sub(1);
            }
            None
        };
        if let Some((message, help)) = found {
            let (line, col) = Positions::new(text).of(tag.start);
            return Some(TooDeep { line, col, message, help });
        }
    }
    None
}

/// How many operators (`+`, `==`, `and`, `not`, `in`, …) a tag has outside quotes: each run of
/// operator signs counts once, and so does each operator word.
fn operators(inner: &str) -> usize {
    let (mut count, mut quote, mut in_sign, mut word) = (0, None, false, String::new());
    for c in inner.chars().chain([' ']) {
        if let Some(q) = quote {
            quote = (c != q).then_some(q);
            continue;
        }
        let sign = "+-*/%~<>=!".contains(c);
        count += usize::from(sign && !in_sign);
        in_sign = sign;
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            count += usize::from(matches!(word.as_str(), "and" | "or" | "not" | "in" | "is"));
            word.clear();
        }
        if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
        }
    }
    count
}

/// The deepest nesting of `(` and `[` outside quotes.
fn brackets_depth(inner: &str) -> usize {
    let (mut depth, mut deepest, mut quote) = (0usize, 0, None);
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    deepest
}

/// Where a tag opened before `from` closes with `close`, quotes respected: the end of its
/// inside and the position after `close`.
fn tag_end(text: &str, from: usize, close: &str) -> Option<(usize, usize)> {
    let mut quote: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if text[from + i..].starts_with(close) => return Some((from + i, from + i + close.len())),
            None => {}
        }
    }
    None
}

/// The quoted names at the start of a tag's arguments: one, or (for an include) a `[…]` list.
fn quoted(args: &str, list_allowed: bool) -> Vec<String> {
    let args = args.trim_start();
    let (body, is_list) = match args.strip_prefix('[') {
        Some(rest) if list_allowed => (rest.split(']').next().unwrap_or(""), true),
        _ => (args, false),
    };
    let mut names = Vec::new();
    let mut rest = body.trim_start();
    while let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
        let Some(len) = rest[1..].find(q) else { break };
        names.push(rest[1..1 + len].to_string());
        rest = rest[len + 2..].trim_start();
        if !is_list {
            break;
        }
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    names
}

/// One step of a loop: `from` names `to` in a tag at `line`:`col` of `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub kind: RefKind,
    pub from: String,
    pub to: String,
    pub line: usize,
    pub col: usize,
}

/// Every loop among `templates` (name → its references), one per loop, each starting at its
/// alphabetically first template; includes, imports and extends are looked at apart (a loop
/// through an include and an extends ends in Tera's own error, not in endless recursion). A
/// reference to a template that does not exist is no hop: Tera reports it.
pub fn find(templates: &BTreeMap<String, Vec<Reference>>) -> Vec<Vec<Hop>> {
    let mut loops = Vec::new();
    for kind in [RefKind::Extends, RefKind::Import, RefKind::Include] {
        // The first hop from each template to each other one, in the order of the text.
        let mut graph: BTreeMap<&str, Vec<Hop>> = BTreeMap::new();
        for (name, refs) in templates {
            let hops = graph.entry(name).or_default();
            for r in refs.iter().filter(|r| r.kind == kind) {
                let Some(to) = r.names.iter().find(|n| templates.contains_key(*n)) else { continue };
                if !hops.iter().any(|h| &h.to == to) {
                    hops.push(Hop { kind, from: name.clone(), to: to.clone(), line: r.line, col: r.col });
                }
            }
        }
        loops.extend(loops_in(&graph));
    }
    loops
}

/// The loops a depth-first walk of `graph` meets (at least one in every group of templates
/// that reach each other), without repeats. The walk keeps its own stack: a long chain of
/// templates cannot exhaust the thread's.
fn loops_in(graph: &BTreeMap<&str, Vec<Hop>>) -> Vec<Vec<Hop>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state: BTreeMap<&str, State> = graph.keys().map(|k| (*k, State::New)).collect();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut loops = Vec::new();
    for &root in graph.keys() {
        if state[root] != State::New {
            continue;
        }
        // The open path: each template and the index of its next hop to follow.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        state.insert(root, State::Open);
        while let Some(top) = path.last_mut() {
            let node = top.0;
            let Some(hop) = graph[node].get(top.1) else {
                state.insert(node, State::Done);
                path.pop();
                continue;
            };
            top.1 += 1;
            let to = hop.to.as_str();
            match state[to] {
                State::New => {
                    state.insert(to, State::Open);
                    path.push((to, 0));
                }
                State::Open => {
                    let first = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let mut hops: Vec<Hop> = path[first..].iter().map(|(n, i)| graph[n][i - 1].clone()).collect();
                    let least = hops.iter().enumerate().min_by(|a, b| a.1.from.cmp(&b.1.from)).map_or(0, |(i, _)| i);
                    hops.rotate_left(least);
                    if seen.insert(hops.iter().map(|h| h.from.clone()).collect()) {
                        loops.push(hops);
                    }
                }
                State::Done => {}
            }
        }
    }
    loops
}

/// A loop in plain words, `shown(name)` giving each template's file:
/// "templates/a.html:3 includes b.html, which includes a.html at templates/b.html:7".
pub fn describe(hops: &[Hop], shown: impl Fn(&str) -> String) -> (String, &'static str) {
    let Some(first) = hops.first() else { return (String::new(), "") };
    let verb = first.kind.verb();
    let mut text = format!("{}:{} {verb} {}", shown(&first.from), first.line, first.to);
    if hops.len() == 1 {
        text.push_str(", itself");
    }
    for h in &hops[1..] {
        text.push_str(&format!(", which {verb} {} at {}:{}", h.to, shown(&h.from), h.line));
    }
    let what = match first.kind {
        RefKind::Include if hops.len() == 1 => "a template includes itself",
        RefKind::Include => "templates include each other in a loop",
        RefKind::Import if hops.len() == 1 => "a template imports macros from itself",
        RefKind::Import => "templates import macros from each other in a loop",
        RefKind::Extends if hops.len() == 1 => "a template extends itself",
        RefKind::Extends => "templates extend each other in a loop",
    };
    (format!("{what}: {text}"), first.kind.help())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(templates: &[(&str, &str)]) -> BTreeMap<String, Vec<Reference>> {
        templates.iter().map(|(n, t)| (n.to_string(), references(t))).collect()
    }

    fn described(templates: &[(&str, &str)]) -> Vec<String> {
        find(&graph(templates)).iter().map(|l| describe(l, |n| format!("templates/{n}")).0).collect()
    }

    #[test]
    fn reads_tags_with_their_positions() {
        let text = "a\n  {%- include \"p/a.html\" -%}\n{% import 'm.html' as m %}{% extends `base.html` %}\n\
                    {% include [\"gone.html\", \"p/b.html\"] ignore missing %}";
        let refs = references(text);
        let got: Vec<(RefKind, Vec<&str>, usize, usize)> = refs.iter().map(|r| (r.kind, r.names.iter().map(String::as_str).collect(), r.line, r.col)).collect();
        assert_eq!(
            got,
            vec![
                (RefKind::Include, vec!["p/a.html"], 2, 3),
                (RefKind::Import, vec!["m.html"], 3, 1),
                (RefKind::Extends, vec!["base.html"], 3, 27),
                (RefKind::Include, vec!["gone.html", "p/b.html"], 4, 1),
            ]
        );
    }

    #[test]
    fn skips_comments_raw_blocks_and_strings() {
        let text = "{# {% include \"a.html\" %} #}{% raw %}{% include \"b.html\" %}{% endraw %}\
                    {{ \"{% include 'c.html' %}\" }}{% set x = \"%}\" %}{% include \"d.html\" %}";
        let names: Vec<String> = references(text).into_iter().flat_map(|r| r.names).collect();
        assert_eq!(names, vec!["d.html"]);
    }

    #[test]
    fn nesting_within_the_limits_passes() {
        let ok = format!("{}x{}{{{{ {}1{} }}}}", "{% if a %}".repeat(40), "{% endif %}".repeat(40), "(".repeat(40), ")".repeat(40));
        assert_eq!(too_deep(&ok), None);
        // Ends close what opened: 41 tags in a row, never more than one open.
        assert_eq!(too_deep(&"{% for i in x %}{% endfor %}".repeat(41)), None);
        // Brackets in strings and in raw blocks do not count.
        let quoted = format!("{{{{ \"{}\" }}}}{{% raw %}}{}{{% endraw %}}", "((+".repeat(100), "{% if a %}".repeat(100));
        assert_eq!(too_deep(&quoted), None);
    }

    #[test]
    fn nesting_past_the_limits_is_found_where_it_happens() {
        let tags = format!("a\n{}\n  {{% if deep %}}x", "{% if a %}{% for b in c %}".repeat(20));
        let e = too_deep(&tags).unwrap();
        assert_eq!((e.line, e.col), (3, 3));
        assert_eq!(e.message, "`{% if %}` tags nested more than 40 deep");
        let chain = format!("{{{{ 1{} }}}}\n{{% if {} %}}", " + 1".repeat(200), "a and not b or ".repeat(67) + "c");
        let e = too_deep(&chain).unwrap();
        assert_eq!((e.line, e.col, e.message.as_str()), (2, 1, "more than 200 operators in one expression"));
        let brackets = format!("{{{{ {}1{} }}}}", "(".repeat(41), ")".repeat(41));
        let e = too_deep(&brackets).unwrap();
        assert_eq!((e.line, e.col, e.message.as_str()), (1, 1, "brackets nested more than 40 deep in one expression"));
    }

    #[test]
    fn self_include() {
        assert_eq!(described(&[("a.html", "x\n{% include \"a.html\" %}")]), vec!["a template includes itself: templates/a.html:2 includes a.html, itself"]);
    }

    #[test]
    fn mutual_include_names_every_hop_once() {
        let got = described(&[
            ("page.html", "{% include \"partials/b.html\" %}"),
            ("partials/a.html", "\n\n{% include \"partials/b.html\" %}"),
            ("partials/b.html", "\n\n\n\n\n\n{% include \"partials/a.html\" %}"),
        ]);
        assert_eq!(
            got,
            vec![
                "templates include each other in a loop: templates/partials/a.html:3 includes partials/b.html, \
                 which includes partials/a.html at templates/partials/b.html:7"
            ]
        );
    }

    #[test]
    fn extends_and_import_loops_of_three() {
        let got = described(&[
            ("a.html", "{% extends \"b.html\" %}"),
            ("b.html", "{% extends \"c.html\" %}"),
            ("c.html", "{% extends \"b.html\" %}"),
            ("m1.html", "{% import \"m2.html\" as m2 %}"),
            ("m2.html", "{% import \"m3.html\" as m3 %}"),
            ("m3.html", "{% import \"m1.html\" as m1 %}"),
        ]);
        assert_eq!(
            got,
            vec![
                "templates extend each other in a loop: templates/b.html:1 extends c.html, which extends b.html at templates/c.html:1",
                "templates import macros from each other in a loop: templates/m1.html:1 imports macros from m2.html, \
                 which imports macros from m3.html at templates/m2.html:1, which imports macros from m1.html at templates/m3.html:1",
            ]
        );
    }

    #[test]
    fn no_loop_in_a_tree_of_templates_or_across_kinds() {
        let got = described(&[
            ("page.html", "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% include \"nav.html\" %}"),
            ("base.html", "{% include \"nav.html\" %}{% include \"footer.html\" %}"),
            ("nav.html", "{% import \"macros.html\" as m %}"),
            ("footer.html", "{% include \"nav.html\" %}"),
            // An include back to a template that extends this one is Tera's error, not a loop.
            ("macros.html", "{% macro item(n) %}{{ self::item(n=n) }}{% endmacro %}{% include \"page.html\" %}"),
            ("gone.html", "{% include \"missing.html\" %}"),
        ]);
        assert_eq!(got, Vec::<String>::new());
    }

    #[test]
    fn a_long_chain_does_not_use_the_stack() {
        let n = 20_000;
        let templates: BTreeMap<String, Vec<Reference>> =
            (0..n).map(|i| (format!("t{i:05}.html"), references(&format!("{{% include \"t{:05}.html\" %}}", (i + 1) % n)))).collect();
        let loops = find(&templates);
        assert_eq!(loops.len(), 1);
        assert_eq!(loops[0].len(), n);
        assert_eq!(loops[0][0].from, "t00000.html");
    }
}

//! Shortcodes in Markdown: `{{ name(arg="value", n=3, flag=true) }}`. They are cut out of the
//! text before Markdown parsing and replaced by placeholders, then the rendered HTML is put back
//! in their place.
//!
//! Which `{{` is a shortcode (the rules the README states):
//! - `{{/* anything */}}` is the escape: it shows `{{ anything }}`, exactly, as text.
//! - Inside code (fenced, indented or inline), `<script>`, `<style>` and `<!-- comments -->`,
//!   and in a link's or image's destination and title (and a reference definition's), nothing is
//!   a shortcode and nothing is unescaped: the text stays as written. (The caller passes those
//!   ranges in; see `markdown::render`.)
//! - `{{ name(` … `) }}` naming a shortcode the site has (built in, or a template of the site or
//!   theme: the caller says which names through `is_shortcode`) is a call; a mistake in its
//!   arguments is an error.
//! - A well-formed call (`name(key=value, …)`) naming no shortcode is a call too, so a typo is an
//!   error with "did you mean", never silent text.
//! - Anything else between `{{ }}` (`{{ site | toJSON }}`, `{{ url_for('static', x='y') }}`,
//!   `{{ .Title }}`) is not folio's syntax and stays text. Hugo's `{{< name >}}` and
//!   `{{% name %}}` stay text too, and are reported as a warning (a page copied from Hugo).

use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// A shortcode argument value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl ArgValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgValue::Str(_) => "text",
            ArgValue::Int(_) => "whole number",
            ArgValue::Float(_) => "number",
            ArgValue::Bool(_) => "true/false",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, ArgValue>,
    /// Byte range of the whole `{{ … }}` in the original text.
    pub span: Range<usize>,
}

/// A syntax problem at a byte offset of the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// At most this many shortcodes in one file.
pub const MAX_CALLS: usize = 500;

/// The placeholder that stands for call `i` while Markdown is rendered. Letters and digits only,
/// so Markdown leaves it alone.
pub fn placeholder(i: usize) -> String {
    format!("FOLIOSHORTCODE{i}END")
}

/// The placeholder that stands for escaped text `i` (`{{/* … */}}`) while Markdown is rendered.
pub fn literal_placeholder(i: usize) -> String {
    format!("FOLIOLITERAL{i}END")
}

/// A Hugo shortcode (`{{< name … >}}` or `{{% name … %}}`) left as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Foreign {
    /// Offset of its `{{` in the original text.
    pub offset: usize,
    pub name: String,
}

/// Result of cutting shortcodes out of a text.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The text with each call replaced by its placeholder, each escape by its literal placeholder.
    pub text: String,
    pub calls: Vec<Call>,
    /// The text each `{{/* … */}}` stands for (`{{ … }}`), by literal placeholder number.
    pub literals: Vec<String>,
    /// Hugo shortcodes, left as text.
    pub foreign: Vec<Foreign>,
    pub errors: Vec<SyntaxError>,
    /// (offset in `text`, offset in the original) at each replacement, to map positions back.
    pub offset_map: Vec<(usize, usize)>,
}

impl Extracted {
    /// Maps an offset in the placeholder text back to the original text.
    pub fn original_offset(&self, offset: usize) -> usize {
        let idx = self.offset_map.partition_point(|(new, _)| *new <= offset);
        if idx == 0 {
            return offset;
        }
        let (new, orig) = self.offset_map[idx - 1];
        orig + (offset - new)
    }
}

impl Extracted {
    /// `text` (a heading's words, say) with each literal placeholder replaced by its text.
    pub fn with_literals(&self, text: &str) -> String {
        if !text.contains("FOLIOLITERAL") {
            return text.to_string();
        }
        let mut out = text.to_string();
        for (i, literal) in self.literals.iter().enumerate() {
            out = out.replacen(&literal_placeholder(i), literal, 1);
        }
        out
    }

    /// Where call `i`'s placeholder stands in [`Extracted::text`].
    pub fn placeholder_offset(&self, i: usize) -> Option<usize> {
        self.text.find(&placeholder(i))
    }
}

/// Cuts every shortcode call and escape outside the `skip` ranges (code, and the places where
/// text stays as written) out of `text`. `is_shortcode` says which names the site has.
pub fn extract(text: &str, skip: &[Range<usize>], is_shortcode: &dyn Fn(&str) -> bool) -> Extracted {
    let mut out = Extracted { text: String::with_capacity(text.len()), ..Default::default() };
    let mut copied = 0;
    let mut i = 0;
    while let Some(start) = next_outside(text, i, "{{", skip) {
        let rest = &text[start + 2..];
        // The escape: `{{/* inner */}}` is the text `{{ inner }}`.
        if let Some(inner) = rest.strip_prefix("/*") {
            if let Some(close) = inner.find("*/}}") {
                let end = start + 4 + close + 4;
                if out.calls.len() + out.literals.len() >= MAX_CALLS {
                    out.errors.push(SyntaxError { offset: start, message: format!("more than {MAX_CALLS} shortcodes in one file") });
                    break;
                }
                let ph = literal_placeholder(out.literals.len());
                out.literals.push(format!("{{{{{}}}}}", &inner[..close]));
                replace(&mut out, text, &mut copied, start, end, &ph);
                i = end;
                continue;
            }
        }
        if let Some(tag) = rest.strip_prefix('<').or_else(|| rest.strip_prefix('%')) {
            let name: String = tag.trim_start().chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '.')).collect();
            if !name.is_empty() && !name.starts_with('/') {
                out.foreign.push(Foreign { offset: start, name });
            }
            i = start + 2;
            continue;
        }
        match parse_call(text, start) {
            Ok(Some(call)) => {
                if out.calls.len() + out.literals.len() >= MAX_CALLS {
                    out.errors.push(SyntaxError { offset: start, message: format!("more than {MAX_CALLS} shortcodes in one file") });
                    break;
                }
                let end = call.span.end;
                let ph = placeholder(out.calls.len());
                replace(&mut out, text, &mut copied, start, end, &ph);
                i = end;
                out.calls.push(call);
            }
            Ok(None) => i = start + 2,
            // A mistake in a call of a shortcode the site has is an error; text that is not
            // folio's call syntax and names no shortcode is someone else's braces: text.
            Err((name, e)) => {
                if is_shortcode(&name) {
                    out.errors.push(e);
                }
                // Skip past this `{{` and carry on looking for more problems.
                i = start + 2;
            }
        }
        if i >= text.len() {
            break;
        }
    }
    out.text.push_str(&text[copied..]);
    out
}

/// Where the next `needle` at or after `from` in `text` stands outside every `skip` range.
fn next_outside(text: &str, mut from: usize, needle: &str, skip: &[Range<usize>]) -> Option<usize> {
    loop {
        let at = from + text.get(from..)?.find(needle)?;
        match skip.iter().find(|r| r.contains(&at)) {
            Some(r) => from = r.end.max(at + 1),
            None => return Some(at),
        }
    }
}

/// Copies the text before `start`, then `placeholder` for `start..end`, noting both offsets.
fn replace(out: &mut Extracted, text: &str, copied: &mut usize, start: usize, end: usize, placeholder: &str) {
    out.text.push_str(&text[*copied..start]);
    out.offset_map.push((out.text.len(), start));
    out.text.push_str(placeholder);
    out.offset_map.push((out.text.len(), end));
    *copied = end;
}

/// Byte ranges of `text` where `{{` is never a shortcode because HTML keeps the text as it is:
/// `<script>` and `<style>` elements and `<!-- comments -->` (outside the `code` ranges). An
/// element or comment left open runs to the end of the text, as in a browser.
pub fn html_literal_ranges(text: &str, code: &[Range<usize>]) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(start) = next_outside(&lower, i, "<", code) {
        let rest = &lower[start..];
        let close = if rest.starts_with("<!--") {
            Some(("-->", 4))
        } else {
            ["script", "style"].into_iter().find_map(|tag| {
                let after = rest[1..].strip_prefix(tag)?;
                after
                    .starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
                    .then_some((if tag == "script" { "</script" } else { "</style" }, 1 + tag.len()))
            })
        };
        let Some((closer, skip)) = close else {
            i = start + 1;
            continue;
        };
        let end = match lower[start + skip..].find(closer) {
            Some(j) => {
                let after = start + skip + j + closer.len();
                if closer.ends_with('>') {
                    after
                } else {
                    lower[after..].find('>').map_or(text.len(), |k| after + k + 1)
                }
            }
            None => text.len(),
        };
        ranges.push(start..end);
        i = end;
    }
    ranges
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(c) if c == ' ' || c == '\t' || c == '\n') {
            self.bump();
        }
    }
    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.bump();
        }
        &self.text[start..self.pos]
    }
    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { offset: self.pos, message: message.into() }
    }
}

/// Parses a call starting at `start` (which holds `{{`). `Ok(None)`: this `{{` is not a
/// shortcode at all (no `name(` follows), so it stays text. An error comes with the name called.
fn parse_call(text: &str, start: usize) -> Result<Option<Call>, (String, SyntaxError)> {
    let mut name = String::new();
    parse_call_inner(text, start, &mut name).map_err(|e| (name, e))
}

fn parse_call_inner(text: &str, start: usize, found_name: &mut String) -> Result<Option<Call>, SyntaxError> {
    let mut c = Cursor { text, pos: start + 2 };
    c.skip_ws();
    let name_start = c.pos;
    let name = c.ident().to_string();
    if name.is_empty() || !name.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        return Ok(None);
    }
    c.skip_ws();
    if c.peek() != Some('(') {
        return Ok(None);
    }
    c.bump();
    found_name.clone_from(&name);
    let mut args = BTreeMap::new();
    loop {
        c.skip_ws();
        if c.peek() == Some(')') {
            c.bump();
            break;
        }
        let key_pos = c.pos;
        let key = c.ident().to_string();
        if key.is_empty() {
            return Err(c.err(format!("expected an argument name or `)` in shortcode `{name}`")));
        }
        c.skip_ws();
        if c.bump() != Some('=') {
            return Err(SyntaxError { offset: key_pos, message: format!("argument `{key}` of `{name}` needs a value, like {key}=\"…\"") });
        }
        c.skip_ws();
        let value = parse_value(&mut c, &name, &key)?;
        if args.insert(key.clone(), value).is_some() {
            return Err(SyntaxError { offset: key_pos, message: format!("argument `{key}` is given twice") });
        }
        c.skip_ws();
        match c.peek() {
            Some(',') => {
                c.bump();
            }
            Some(')') => {}
            _ => return Err(c.err(format!("expected `,` or `)` after argument `{key}`"))),
        }
    }
    c.skip_ws();
    if !c.text[c.pos..].starts_with("}}") {
        return Err(c.err(format!("shortcode `{name}` is not closed with `}}}}`")));
    }
    c.pos += 2;
    let _ = name_start;
    Ok(Some(Call { name, args, span: start..c.pos }))
}

fn parse_value(c: &mut Cursor<'_>, name: &str, key: &str) -> Result<ArgValue, SyntaxError> {
    match c.peek() {
        Some(q @ ('"' | '\'')) => {
            c.bump();
            let mut s = String::new();
            loop {
                match c.bump() {
                    None => return Err(c.err(format!("text value of `{key}` is not closed with {q}"))),
                    Some('\\') => match c.bump() {
                        Some('n') => s.push('\n'),
                        Some(other) => s.push(other),
                        None => return Err(c.err("text ends after `\\`")),
                    },
                    Some(ch) if ch == q => break,
                    Some(ch) => s.push(ch),
                }
                if s.len() > 8192 {
                    return Err(c.err(format!("text value of `{key}` is longer than 8192 bytes")));
                }
            }
            Ok(ArgValue::Str(s))
        }
        _ => {
            let start = c.pos;
            while matches!(c.peek(), Some(ch) if ch.is_ascii_alphanumeric() || ch == '.' || ch == '-' || ch == '+' || ch == '_') {
                c.bump();
            }
            let raw = &c.text[start..c.pos];
            match raw {
                "true" => Ok(ArgValue::Bool(true)),
                "false" => Ok(ArgValue::Bool(false)),
                _ => {
                    if let Ok(n) = raw.parse::<i64>() {
                        Ok(ArgValue::Int(n))
                    } else if let Ok(f) = raw.parse::<f64>() {
                        Ok(ArgValue::Float(f))
                    } else {
                        Err(SyntaxError {
                            offset: start,
                            message: format!("value `{raw}` of `{name}({key}=…)` is not text, a number or true/false; put text in quotes"),
                        })
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Extracts with the shortcodes `cta` and `faq` known.
    fn ex(text: &str, skip: &[Range<usize>]) -> Extracted {
        extract(text, skip, &|name| matches!(name, "cta" | "faq"))
    }

    #[test]
    fn extracts_calls_with_typed_args() {
        let text = "a {{ faq(topic=\"x y\", limit=3, open=true, r=1.5) }} b";
        let e = ex(text, &[]);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(e.text, "a FOLIOSHORTCODE0END b");
        let call = &e.calls[0];
        assert_eq!(call.name, "faq");
        assert_eq!(call.args["topic"], ArgValue::Str("x y".into()));
        assert_eq!(call.args["limit"], ArgValue::Int(3));
        assert_eq!(call.args["open"], ArgValue::Bool(true));
        assert_eq!(call.args["r"], ArgValue::Float(1.5));
        assert_eq!(&text[call.span.clone()], "{{ faq(topic=\"x y\", limit=3, open=true, r=1.5) }}");
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one code range, on purpose
    fn code_ranges_and_non_calls_stay_text() {
        let text = "`{{ cta() }}` and {{ not a call }} {{x}}";
        let e = ex(text, &[0..13]);
        assert!(e.calls.is_empty());
        assert!(e.errors.is_empty());
        assert_eq!(e.text, text);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "x {{ cta(text=\"a\" href=\"b\") }}";
        let e = ex(text, &[]);
        assert_eq!(e.errors.len(), 1);
        assert!(e.errors[0].message.contains("expected `,` or `)`"));
        assert_eq!(e.errors[0].offset, text.find("href").unwrap());
        let e = ex("{{ cta(text=oops) }}", &[]);
        assert!(e.errors[0].message.contains("put text in quotes"));
    }

    #[test]
    fn maps_offsets_back() {
        let text = "{{ cta(text=\"long text here\") }}\n[x](@/missing.md)";
        let e = ex(text, &[]);
        let new_off = e.text.find("[x]").unwrap();
        assert_eq!(e.original_offset(new_off), text.find("[x]").unwrap());
        assert_eq!(e.original_offset(0), 0);
    }

    #[test]
    fn the_escape_shows_its_inner_text_exactly() {
        let text = "Write {{/* cta(text=\"x\") */}} or {{/*x*/}}, then {{ cta(text=\"y\") }}.";
        let e = ex(text, &[]);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(e.literals, ["{{ cta(text=\"x\") }}", "{{x}}"]);
        assert_eq!(e.text, "Write FOLIOLITERAL0END or FOLIOLITERAL1END, then FOLIOSHORTCODE0END.");
        assert_eq!(e.with_literals("a FOLIOLITERAL1END b"), "a {{x}} b");
        // Positions after an escape map back to the original.
        let at = e.text.find("then").unwrap();
        assert_eq!(e.original_offset(at), text.find("then").unwrap());
        // An escape never closed is not one; as it is not a call either, it stays text.
        let e = ex("{{/* cta(text=\"x\") }}", &[]);
        assert!(e.literals.is_empty() && e.calls.is_empty() && e.errors.is_empty(), "{e:?}");
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one code range, on purpose
    fn in_code_the_escape_stays_as_written() {
        let text = "`{{/* cta() */}}`";
        let e = ex(text, &[0..text.len()]);
        assert!(e.literals.is_empty());
        assert_eq!(e.text, text);
    }

    #[test]
    fn other_braces_stay_text() {
        for text in [
            "{{ url_for('static', filename='x') }}",
            "{{ site | toJSON }}",
            "{{ .Title }}",
            "{{ range .Pages }}",
            "{{ super() | safe }}",
            "{{ lower(\"X\") }}",
            "{{ }}",
        ] {
            let e = ex(text, &[]);
            assert!(e.calls.is_empty() && e.errors.is_empty() && e.foreign.is_empty(), "{text}: {e:?}");
            assert_eq!(e.text, text);
        }
    }

    #[test]
    fn a_shortcode_the_site_has_is_checked() {
        let e = ex("{{ cta('Book') }}", &[]);
        assert_eq!(e.errors.len(), 1, "{e:?}");
        assert!(e.errors[0].message.contains("expected an argument name"), "{:?}", e.errors);
        let e = ex("{{ faq(topic=\"x\" }}", &[]);
        assert_eq!(e.errors.len(), 1, "{e:?}");
    }

    #[test]
    fn a_well_formed_call_of_an_unknown_name_is_a_call() {
        // So rendering reports it with "did you mean": a typo is never silent text.
        let e = ex("{{ ctaa(text=\"x\", href=\"/y/\") }} {{ nothing() }}", &[]);
        let names: Vec<&str> = e.calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ctaa", "nothing"]);
        assert!(e.errors.is_empty());
    }

    #[test]
    fn hugo_shortcodes_stay_text_and_are_noted() {
        let text = "{{< figure src=\"/a.png\" >}} {{% notice tip %}}x{{% /notice %}} {{</* raw */>}}";
        let e = ex(text, &[]);
        assert_eq!(e.text, text);
        let found: Vec<(usize, &str)> = e.foreign.iter().map(|f| (f.offset, f.name.as_str())).collect();
        assert_eq!(found, [(0, "figure"), (text.find("{{% notice").unwrap(), "notice")]);
        assert!(e.calls.is_empty() && e.errors.is_empty());
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one range, on purpose
    fn script_style_and_comments_are_literal_ranges() {
        let text = "a <script type=\"x\">{{ cta() }}</script> b <STYLE>{{x}}</Style > c <!-- {{ cta() }} --> d <scripts>{{ cta() }}";
        let ranges = html_literal_ranges(text, &[]);
        let got: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["<script type=\"x\">{{ cta() }}</script>", "<STYLE>{{x}}</Style >", "<!-- {{ cta() }} -->"]);
        let e = ex(text, &ranges);
        assert_eq!(e.calls.len(), 1, "only the call after `<scripts>` (no such element): {e:?}");
        // Left open, a script runs to the end.
        assert_eq!(html_literal_ranges("x <script>{{ a }}", &[]), [2..17]);
        // In code, `<script>` is text.
        assert!(html_literal_ranges("`<script>`", &[0..10]).is_empty());
    }
}

//! Shortcodes in Markdown: `{{ name(arg="value", n=3, flag=true) }}`. They are cut out of the
//! text before Markdown parsing and replaced by placeholders, then the rendered HTML is put back
//! in their place. Calls inside code (fenced, indented or inline) stay text.

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

/// Result of cutting shortcodes out of a text.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The text with each call replaced by its placeholder.
    pub text: String,
    pub calls: Vec<Call>,
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

/// Cuts every shortcode call outside `code` ranges out of `text`.
pub fn extract(text: &str, code: &[Range<usize>]) -> Extracted {
    let mut out = Extracted { text: String::with_capacity(text.len()), ..Default::default() };
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let start = i + found;
        if let Some(r) = code.iter().find(|r| r.contains(&start)) {
            i = r.end.max(start + 2);
            continue;
        }
        match parse_call(text, start) {
            Ok(Some(call)) => {
                if out.calls.len() >= MAX_CALLS {
                    out.errors.push(SyntaxError { offset: start, message: format!("more than {MAX_CALLS} shortcodes in one file") });
                    break;
                }
                out.text.push_str(&text[copied..start]);
                out.offset_map.push((out.text.len(), start));
                out.text.push_str(&placeholder(out.calls.len()));
                out.offset_map.push((out.text.len(), call.span.end));
                copied = call.span.end;
                i = call.span.end;
                out.calls.push(call);
            }
            Ok(None) => i = start + 2,
            Err(e) => {
                out.errors.push(e);
                // Skip past this `{{` and carry on looking for more problems.
                i = start + 2;
            }
        }
        if i >= bytes.len() {
            break;
        }
    }
    out.text.push_str(&text[copied..]);
    out
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
/// shortcode at all (no `name(` follows), so it stays text.
fn parse_call(text: &str, start: usize) -> Result<Option<Call>, SyntaxError> {
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

    #[test]
    fn extracts_calls_with_typed_args() {
        let text = "a {{ faq(topic=\"x y\", limit=3, open=true, r=1.5) }} b";
        let e = extract(text, &[]);
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
        let e = extract(text, &[0..13]);
        assert!(e.calls.is_empty());
        assert!(e.errors.is_empty());
        assert_eq!(e.text, text);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "x {{ cta(text=\"a\" href=\"b\") }}";
        let e = extract(text, &[]);
        assert_eq!(e.errors.len(), 1);
        assert!(e.errors[0].message.contains("expected `,` or `)`"));
        assert_eq!(e.errors[0].offset, text.find("href").unwrap());
        let e = extract("{{ cta(text=oops) }}", &[]);
        assert!(e.errors[0].message.contains("put text in quotes"));
    }

    #[test]
    fn maps_offsets_back() {
        let text = "{{ cta(text=\"long text here\") }}\n[x](@/missing.md)";
        let e = extract(text, &[]);
        let new_off = e.text.find("[x]").unwrap();
        assert_eq!(e.original_offset(new_off), text.find("[x]").unwrap());
        assert_eq!(e.original_offset(0), 0);
    }
}

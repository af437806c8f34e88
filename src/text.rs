//! Text rules every stage may use: slugs, HTML escaping, HTML to plain text, truncation.
//! Ground floor: depends on nothing else in folio.

/// A URL-safe slug: lowercase ASCII letters and digits joined by `-`. Same result as the `slug`
/// crate, with a fast path for ASCII text (tags, titles and file names nearly always are), since
/// slugs are computed for every tag of every page on every build.
pub fn slugify(s: &str) -> String {
    if !s.is_ascii() {
        return slug::slugify(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Every `id="…"` value in an HTML text, in order, with the byte offset of its ` id="`.
pub fn html_ids(html: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find(&html[at..], " id=\"") {
        let start = at + i + 5;
        let Some(end) = html[start..].find('"') else { break };
        out.push((at + i, &html[start..start + end]));
        at = start + end;
    }
    out
}

/// Where `needle` first is in `haystack`: memchr's SIMD search, several times `str::find` on
/// the long pages and highlighted code the per-page steps scan.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes())
}

/// Whether the tag whose text (between `<` and `>`) is `tag` sits inside a line of text
/// (`<strong>`, `</a>`, `<code>`…): it joins the text around it, where any other tag (a
/// paragraph, a list item, a line break) separates it. So `<strong>Plans</strong>: monthly`
/// reads "Plans: monthly", not "Plans : monthly".
pub fn is_inline_tag(tag: &str) -> bool {
    let name = tag.strip_prefix('/').unwrap_or(tag);
    let end = name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len());
    const INLINE: [&str; 25] = [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
        "sub", "sup", "u", "var",
    ];
    let name = &name[..end];
    INLINE.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Plain text of an HTML fragment (tags removed, entities for `& < > "` decoded), whitespace
/// collapsed; a tag that is not inline ([`is_inline_tag`]) separates words. For descriptions
/// and search.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            text.push(' ');
            rest = "";
            break;
        };
        if !is_inline_tag(&after[..gt]) {
            text.push(' ');
        }
        rest = &after[gt + 1..];
    }
    text.push_str(rest);
    let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, cut at a word boundary, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a).to_string();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_escapes_and_text() {
        assert_eq!(slugify("What Is A CTO?"), "what-is-a-cto");
        assert_eq!(slugify("Über Größe"), "uber-grosse");
        assert_eq!(escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(html_to_text("<p>a &amp; <b>b</b></p>"), "a & b");
        assert_eq!(html_to_text("<p><strong>Accounts and passwords</strong>: how</p><p>Next</p>"), "Accounts and passwords: how Next");
        assert_eq!(html_to_text("a<br>b<em>c</em>d <A HREF=x>e</A>."), "a bcd e.");
        assert_eq!(truncate("one two three", 8), "one two…");
    }
}

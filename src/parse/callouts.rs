//! Callouts: GitHub's alert blockquotes (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`,
//! `[!CAUTION]`) as an `<aside role="note">` with a visible title and a decorative icon, kept
//! apart from the Markdown walk so the markup is one function and the search text can leave the
//! title out.

use pulldown_cmark::BlockQuoteKind;

/// The class on a callout's title paragraph; [`without_titles`] finds titles by it.
const TITLE_OPEN: &str = "<p class=\"callout__title\">";

/// The kind's class suffix and visible title.
fn name_and_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The icon's drawing (24×24, stroked in the text colour): an "i" in a circle, a light bulb, an
/// "!" in a speech bubble, in a triangle, in an octagon.
fn icon_paths(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "<circle cx=\"12\" cy=\"12\" r=\"9\"/><path d=\"M12 11v6M12 7.5v.5\"/>",
        BlockQuoteKind::Tip => "<path d=\"M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z\"/>",
        BlockQuoteKind::Important => "<path d=\"M4 5h16v11H9l-5 4z\"/><path d=\"M12 8v4M12 14v.5\"/>",
        BlockQuoteKind::Warning => "<path d=\"M12 3 2 20h20z\"/><path d=\"M12 10v4M12 17v.5\"/>",
        BlockQuoteKind::Caution => "<path d=\"M8 3h8l5 5v8l-5 5H8l-5-5V8z\"/><path d=\"M12 7.5v5M12 16v.5\"/>",
    }
}

/// The opening of a callout, up to where its Markdown body starts. The aside is named by its
/// title through `aria-label` rather than `aria-labelledby`, so no id is needed: a list page
/// showing several summaries cannot repeat one.
pub fn open(kind: BlockQuoteKind) -> String {
    let (name, title) = name_and_title(kind);
    format!(
        "<aside class=\"callout callout--{name}\" role=\"note\" aria-label=\"{title}\">\n{TITLE_OPEN}<svg class=\"callout__icon\" aria-hidden=\"true\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</svg>{title}</p>\n",
        icon_paths(kind)
    )
}

pub const CLOSE: &str = "</aside>\n";

/// `html` without callout titles (the search text is the body, not "Note", "Tip", …).
pub fn without_titles(html: &str) -> std::borrow::Cow<'_, str> {
    if crate::text::find(html, TITLE_OPEN).is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = crate::text::find(rest, TITLE_OPEN) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        rest = crate::text::find(rest, "</p>").map_or("", |end| &rest[end + "</p>".len()..]);
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_cut_out_of_search_html() {
        let html = format!("<p>a</p>{}<p>body</p>{CLOSE}<p>z</p>", open(BlockQuoteKind::Tip));
        let cut = without_titles(&html);
        assert!(!cut.contains("<svg"), "{cut}");
        assert_eq!(crate::text::html_to_text(&cut), "a body z");
        assert!(cut.contains("<p>body</p>") && cut.starts_with("<p>a</p>") && cut.ends_with("<p>z</p>"));
        assert!(matches!(without_titles("<p>plain</p>"), std::borrow::Cow::Borrowed(_)));
    }
}

//! The answer to the address of a page this preview leaves out (a draft without `--drafts`, a
//! page dated later without `--future`, an expired one without `--expired`): still a 404, as
//! the published site would answer, but saying which file it is, why it is left out and how to
//! see it. Made here, in serve only: `folio build` writes nothing about pages it leaves out.
//! Pure functions of the held page, the site's own 404 page and serve's flags.

use crate::model::window::{Held, HeldPage, LeftOut};
use crate::text::escape_html;

/// The flags `folio serve` was started with that widen the publication window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub drafts: bool,
    pub future: bool,
    pub expired: bool,
}

impl Flags {
    /// The command that shows `why` as well as what is shown now: `folio serve --drafts --future`.
    fn restart_with(&self, why: Held) -> String {
        let mut f = *self;
        match why {
            Held::Draft => f.drafts = true,
            Held::Scheduled(_) => f.future = true,
            Held::Expired(_) => f.expired = true,
        }
        let mut cmd = String::from("folio serve");
        for (on, flag) in [(f.drafts, " --drafts"), (f.future, " --future"), (f.expired, " --expired")] {
            if on {
                cmd.push_str(flag);
            }
        }
        cmd
    }
}

/// What `folio serve` adds to its first line (and prints again when it changes): how many pages
/// it hides and the command that shows them; `None` when it hides none.
pub fn summary(left_out: &LeftOut, build_date: time::Date, flags: Flags) -> Option<String> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let them = |n: usize| if n == 1 { "it" } else { "them" };
    let mut parts = Vec::new();
    if left_out.drafts > 0 {
        let n = left_out.drafts;
        parts.push(format!("{n} draft{} hidden: run {} to see {}", plural(n), flags.restart_with(Held::Draft), them(n)));
    }
    if left_out.scheduled > 0 {
        let n = left_out.scheduled;
        parts.push(format!(
            "{n} page{} dated after {build_date} held back: run {} to see {}",
            plural(n),
            flags.restart_with(Held::Scheduled(build_date)),
            them(n)
        ));
    }
    if left_out.expired > 0 {
        let n = left_out.expired;
        parts.push(format!("{n} expired page{} held back: run {} to see {}", plural(n), flags.restart_with(Held::Expired(build_date)), them(n)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The notice: a heading and two paragraphs, styled inline so that it reads the same in any
/// theme, light or dark (`Canvas`/`CanvasText` follow the page's color scheme).
pub fn notice(page: &HeldPage, flags: Flags) -> String {
    let file = format!("<code>{}</code>", escape_html(&page.file));
    let restart = format!("<code>{}</code>", escape_html(&flags.restart_with(page.why)));
    let (title, why, change) = match page.why {
        Held::Draft => (
            "This page is a draft".to_string(),
            format!("{file} has <code>draft: true</code>, so <code>folio build</code> does not publish it, and this preview leaves it out too."),
            "remove the line <code>draft: true</code> from the file (this page then shows it at once)".to_string(),
        ),
        Held::Scheduled(day) => (
            format!("This page is scheduled for {day}"),
            format!("{file} is dated (or has a <code>publish_date:</code>) after today, so <code>folio build</code> does not publish it yet, and this preview leaves it out too."),
            "change its date to today or earlier".to_string(),
        ),
        Held::Expired(day) => (
            format!("This page expired on {day}"),
            format!("{file} has an <code>expiry_date:</code> that has come, so <code>folio build</code> no longer publishes it, and this preview leaves it out too."),
            "move its <code>expiry_date:</code> later, or remove it".to_string(),
        ),
    };
    format!(
        "<section class=\"folio-held\" role=\"note\" aria-labelledby=\"folio-held-title\" style=\"box-sizing:border-box;max-width:44rem;margin:1.5rem auto;\
padding:1rem 1.25rem;border:2px solid #b45309;border-left-width:8px;border-radius:8px;background:Canvas;color:CanvasText;font:16px/1.5 system-ui,sans-serif\">\
<p id=\"folio-held-title\" style=\"margin:0 0 .5rem;font-size:1.25rem;font-weight:bold\">{title}</p>\
<p style=\"margin:0 0 .5rem\">{why}</p>\
<p style=\"margin:0\">To see it: stop this server (Ctrl-C) and run {restart}, or {change}. \
<small>(Only <code>folio serve</code> shows this note; the published site answers this address with its plain “not found” page.)</small></p>\
</section>\n"
    )
}

/// The site's 404 page with the notice at the start of its `<main>` (or of its `<body>`), so the
/// visitor stays in the theme's look; serve's own small page when the site has none.
pub fn page(not_found: Option<&[u8]>, notice: &str) -> Vec<u8> {
    let Some(html) = not_found else {
        return format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not published · folio</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"></head>\n<body>\
<main style=\"padding:0 1rem\">{notice}</main></body></html>\n"
        )
        .into_bytes();
    };
    let at = after_open_tag(html, b"<main").or_else(|| after_open_tag(html, b"<body")).unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + notice.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(notice.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Where the content of the first `<name …>` element starts (just after its `>`), by bytes,
/// ignoring case; `<mainx` is not `<main`.
fn after_open_tag(html: &[u8], open: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].windows(open.len()).position(|w| w.eq_ignore_ascii_case(open)).map(|i| i + from) {
        let next = html.get(i + open.len()).copied();
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            return html[i..].iter().position(|&b| b == b'>').map(|gt| i + gt + 1);
        }
        from = i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn draft() -> HeldPage {
        HeldPage { file: "content/articles/my-title.md".into(), url: "/articles/my-title/".into(), why: Held::Draft }
    }

    #[test]
    fn the_notice_names_the_file_and_the_way_to_see_it() {
        let n = notice(&draft(), Flags::default());
        assert!(n.contains("This page is a draft"), "{n}");
        assert!(n.contains("<code>content/articles/my-title.md</code> has <code>draft: true</code>"), "{n}");
        assert!(n.contains("run <code>folio serve --drafts</code>"), "{n}");
        let later = HeldPage { why: Held::Scheduled(date!(2027 - 01 - 01)), ..draft() };
        let n = notice(&later, Flags { drafts: true, ..Flags::default() });
        assert!(n.contains("scheduled for 2027-01-01") && n.contains("<code>folio serve --drafts --future</code>"), "{n}");
        let gone = HeldPage { why: Held::Expired(date!(2026 - 01 - 01)), file: "content/a&b.md".into(), ..draft() };
        let n = notice(&gone, Flags::default());
        assert!(n.contains("expired on 2026-01-01") && n.contains("content/a&amp;b.md") && n.contains("--expired"), "{n}");
    }

    #[test]
    fn the_summary_counts_drafts_and_keeps_the_flags_in_use() {
        let day = date!(2026 - 01 - 15);
        let mut l = LeftOut::default();
        assert_eq!(summary(&l, day, Flags::default()), None);
        l.count(Held::Draft);
        assert_eq!(summary(&l, day, Flags::default()).as_deref(), Some("1 draft hidden: run folio serve --drafts to see it"));
        l.count(Held::Draft);
        l.count(Held::Expired(date!(2026 - 01 - 01)));
        assert_eq!(
            summary(&l, day, Flags::default()).as_deref(),
            Some("2 drafts hidden: run folio serve --drafts to see them; 1 expired page held back: run folio serve --expired to see it")
        );
        let later = LeftOut { scheduled: 3, ..LeftOut::default() };
        assert_eq!(
            summary(&later, day, Flags { drafts: true, ..Flags::default() }).as_deref(),
            Some("3 pages dated after 2026-01-15 held back: run folio serve --drafts --future to see them")
        );
    }

    #[test]
    fn the_notice_goes_into_the_sites_404_page() {
        let html = b"<html><body class=\"x\"><header>h</header><main id=\"main\" tabindex=\"-1\"><h1>Page not found</h1></main></body></html>";
        let out = String::from_utf8(page(Some(html), "<p>N</p>")).unwrap_or_default();
        assert_eq!(out, "<html><body class=\"x\"><header>h</header><main id=\"main\" tabindex=\"-1\"><p>N</p><h1>Page not found</h1></main></body></html>");
        let no_main = String::from_utf8(page(Some(b"<BODY><mainly>x</mainly></BODY>"), "<p>N</p>")).unwrap_or_default();
        assert_eq!(no_main, "<BODY><p>N</p><mainly>x</mainly></BODY>");
        let own = String::from_utf8(page(None, "<p>N</p>")).unwrap_or_default();
        assert!(own.starts_with("<!doctype html>") && own.contains("<main style=\"padding:0 1rem\"><p>N</p></main>"), "{own}");
    }
}

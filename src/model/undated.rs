//! Pages without a `date:` in a section listed by date (issue 13). Such a page is listed after
//! every dated one and left out of the feed, with nothing said: a Jekyll site whose dates lived in
//! file names came out with an empty feed. One warning per section, at its `_index.md`.
//!
//! When it fires: a section other than the home page (whose pages are standalone pages such as
//! About, undated by nature) sorted by date — `sort_by: date`, or no `sort_by:` — with at least
//! one page without a date. Setting `sort_by: weight` or `title` says the order is not about
//! dates, and silences it.

use super::{Page, Section};
use crate::diag::{slashed, Diagnostic, Kind};
use crate::parse::front_matter::SortBy;

/// How many undated files a warning names.
const NAMED: usize = 5;

/// One warning per date-sorted section with undated pages. `text_of` gives a section's text by
/// its content key (to point at its `sort_by:` line); `feed` is whether the site has a feed.
pub fn warnings<'a>(pages: &[Page], sections: &[Section], feed: bool, text_of: impl Fn(&str) -> Option<&'a str>) -> Vec<Diagnostic> {
    sections
        .iter()
        .filter(|s| !s.is_home() && s.sort_by() == SortBy::Date)
        .filter_map(|s| {
            let undated: Vec<&Page> = s.pages.iter().map(|&i| &pages[i]).filter(|p| p.date.is_none()).collect();
            if undated.is_empty() {
                return None;
            }
            let mut files: Vec<String> = undated.iter().map(|p| slashed(&p.shown)).collect();
            files.sort();
            let named = files.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
            let more = if files.len() > NAMED { format!(" and {} more", files.len() - NAMED) } else { String::new() };
            let missing = if undated.len() == s.pages.len() {
                format!("none of its {} pages has a `date:`", s.pages.len())
            } else {
                format!("{} of its {} pages have no `date:`", undated.len(), s.pages.len())
            };
            let loss = if feed { "they are listed after the dated ones and left out of the feed" } else { "they are listed after the dated ones" };
            let message = format!("this section is sorted by date, but {missing}: {loss} ({named}{more})");
            let text = text_of(&s.key).unwrap_or("");
            let head = crate::parse::front_matter::body_of(text).map_or(text, |(body, _)| &text[..text.len() - body.len()]);
            let d = match crate::yaml::key_position(head, "sort_by") {
                Some((line, col)) => Diagnostic::at(&s.shown, text, line, col, message),
                None => Diagnostic::file(&s.shown, message),
            };
            Some(
                d.with_help("add a `date:` line (e.g. `date: 2025-01-31`) to the front matter of each of these pages; or, if this section's order is not about dates, set `sort_by: weight` or `sort_by: title` here")
                    .kind(Kind::FrontMatter)
                    .warning(),
            )
        })
        .collect()
}

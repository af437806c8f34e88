//! The publication window: whether a page is published in this build. One rule for every
//! reason a page is held back — `draft: true`, a date after the build date, `publish_date:`
//! after the build date and `expiry_date:` on or before it — so the pipeline asks one question in one place. Pure: the
//! build date and the flags come in as arguments.

use time::{Date, OffsetDateTime, UtcOffset};

/// What a build lets through: `--drafts`, `--future`, `--expired` and the day it is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub drafts: bool,
    pub future: bool,
    pub expired: bool,
    pub build_date: Date,
}

/// The facts about one page that decide whether it is published.
#[derive(Debug, Clone, Copy, Default)]
pub struct Schedule {
    pub draft: bool,
    pub date: Option<OffsetDateTime>,
    /// Published from this day on (`publish_date:`); `date` when unset.
    pub publish: Option<OffsetDateTime>,
    /// Left out from this day on (`expiry_date:`), unless the build is `--expired`.
    pub expiry: Option<OffsetDateTime>,
}

/// Why a page is left out of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Held {
    /// `draft: true`, without `--drafts`.
    Draft,
    /// Dated (or to be published) after the build date, without `--future`: the day it is due.
    Scheduled(Date),
    /// Its expiry date has come, without `--expired`: the day it expired.
    Expired(Date),
}

/// The day of a moment, in UTC (the build date is a UTC day too).
fn day(t: OffsetDateTime) -> Date {
    t.to_offset(UtcOffset::UTC).date()
}

impl Window {
    /// `None` when the page is published in this build, else why it is left out.
    pub fn held(&self, s: &Schedule) -> Option<Held> {
        if s.draft && !self.drafts {
            return Some(Held::Draft);
        }
        if let Some(due) = s.publish.or(s.date).map(day) {
            if due > self.build_date && !self.future {
                return Some(Held::Scheduled(due));
            }
        }
        match s.expiry.map(day) {
            Some(end) if end <= self.build_date && !self.expired => Some(Held::Expired(end)),
            _ => None,
        }
    }
}

impl Held {
    /// Why a link to the page in `file` (`content/articles/x.md`) leads nowhere, and what to
    /// do, in plain words.
    pub fn link_message(&self, file: &str) -> (String, String) {
        match self {
            Held::Draft => (
                format!("that page is a draft (`draft: true` in {file}), so it is not published"),
                format!("remove `draft: true` from {file} to publish it, remove this link until the page is ready, or build with --drafts (or serve with --drafts) to preview both"),
            ),
            Held::Scheduled(d) => (
                format!("that page is scheduled for {d}, a later date than this build's, so it is not published yet"),
                format!("remove the link until then, date {file} earlier, or build with --future to preview both"),
            ),
            Held::Expired(d) => (
                format!("that page expired on {d}, so it is no longer published"),
                format!("remove the link, move the `expiry_date:` of {file} later, or build with --expired to preview both"),
            ),
        }
    }
}

/// A page left out of this build: where its file is, the address it would have, and why.
/// `folio serve` answers that address with a 404 saying so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPage {
    /// The file as messages show it (`content/articles/x.md`).
    pub file: String,
    /// The page's address by the build's URL rules (`/articles/x/`).
    pub url: String,
    pub why: Held,
}

/// How many pages a build left out, by reason: the note `build`, `check` and `serve` print,
/// and the count of drafts `serve` shows on its first line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub drafts: usize,
    pub scheduled: usize,
    pub expired: usize,
}

impl LeftOut {
    pub fn count(&mut self, held: Held) {
        match held {
            Held::Draft => self.drafts += 1,
            Held::Scheduled(_) => self.scheduled += 1,
            Held::Expired(_) => self.expired += 1,
        }
    }

    /// One line saying how many finished pages were left out and how to include them; `None`
    /// when there are none. Drafts are unfinished on purpose: `build` leaves them out without
    /// a note (`serve` counts them on its first line).
    pub fn note(&self, build_date: Date) -> Option<String> {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let them = |n: usize| if n == 1 { "it" } else { "them" };
        let mut parts = Vec::new();
        if self.scheduled > 0 {
            let n = self.scheduled;
            parts.push(format!("{n} page{} dated after {build_date} (build with --future to include {})", plural(n), them(n)));
        }
        if self.expired > 0 {
            let n = self.expired;
            parts.push(format!("{n} expired page{} (build with --expired to include {})", plural(n), them(n)));
        }
        (!parts.is_empty()).then(|| format!("left out {}", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::front_matter::parse_date;
    use time::macros::date;

    fn window(drafts: bool, future: bool) -> Window {
        Window { drafts, future, expired: false, build_date: date!(2026 - 01 - 15) }
    }

    fn dated(d: &str) -> Schedule {
        Schedule { date: parse_date(d), ..Schedule::default() }
    }

    #[test]
    fn a_page_dated_after_the_build_date_is_held_until_its_day() {
        assert_eq!(window(false, false).held(&dated("2026-01-16")), Some(Held::Scheduled(date!(2026 - 01 - 16))));
        assert_eq!(window(false, false).held(&dated("2026-01-15")), None, "due on the build date itself");
        assert_eq!(window(false, false).held(&dated("2026-01-15T23:59:00Z")), None);
        // 00:30 at +02:00 is still the 15th in UTC.
        assert_eq!(window(false, false).held(&dated("2026-01-16T00:30:00+02:00")), None);
        assert_eq!(window(false, true).held(&dated("2099-01-01")), None, "--future includes it");
        assert_eq!(window(false, false).held(&Schedule::default()), None, "undated pages are published");
    }

    #[test]
    fn drafts_publish_and_expiry_dates_share_the_rule() {
        let draft = Schedule { draft: true, ..dated("2099-01-01") };
        assert_eq!(window(false, false).held(&draft), Some(Held::Draft));
        assert_eq!(window(true, false).held(&draft), Some(Held::Scheduled(date!(2099 - 01 - 01))));
        assert_eq!(window(true, true).held(&draft), None);
        let publish = Schedule { publish: parse_date("2026-02-01"), ..dated("2025-01-01") };
        assert_eq!(window(false, false).held(&publish), Some(Held::Scheduled(date!(2026 - 02 - 01))));
        let expired = Schedule { expiry: parse_date("2026-01-15"), ..dated("2025-01-01") };
        assert_eq!(window(false, true).held(&expired), Some(Held::Expired(date!(2026 - 01 - 15))));
        let running = Schedule { expiry: parse_date("2026-01-16"), ..dated("2025-01-01") };
        assert_eq!(window(false, false).held(&running), None);
    }

    #[test]
    fn expired_includes_expired_pages_and_nothing_else() {
        let expired_build = Window { expired: true, ..window(false, false) };
        let expired = Schedule { expiry: parse_date("2026-01-10"), ..dated("2025-01-01") };
        assert_eq!(expired_build.held(&expired), None, "--expired includes it");
        let scheduled = Schedule { publish: parse_date("2026-02-01"), expiry: parse_date("2026-03-01"), ..Schedule::default() };
        assert_eq!(expired_build.held(&scheduled), Some(Held::Scheduled(date!(2026 - 02 - 01))), "--expired is not --future");
        assert_eq!(window(false, true).held(&scheduled), None);
        // The expiry day itself is already out, in UTC.
        let today = Schedule { expiry: parse_date("2026-01-15T23:00:00Z"), ..Schedule::default() };
        assert_eq!(window(false, false).held(&today), Some(Held::Expired(date!(2026 - 01 - 15))));
        let draft = Schedule { draft: true, ..expired };
        assert_eq!(expired_build.held(&draft), Some(Held::Draft), "a draft stays a draft");
    }

    #[test]
    fn the_note_counts_and_says_how_to_include() {
        assert_eq!(LeftOut::default().note(date!(2026 - 01 - 15)), None);
        let mut l = LeftOut::default();
        l.count(Held::Scheduled(date!(2026 - 02 - 01)));
        l.count(Held::Scheduled(date!(2026 - 03 - 01)));
        l.count(Held::Draft);
        assert_eq!(l.note(date!(2026 - 01 - 15)).as_deref(), Some("left out 2 pages dated after 2026-01-15 (build with --future to include them)"));
        l.count(Held::Expired(date!(2026 - 01 - 01)));
        assert_eq!(
            l.note(date!(2026 - 01 - 15)).as_deref(),
            Some("left out 2 pages dated after 2026-01-15 (build with --future to include them), 1 expired page (build with --expired to include it)")
        );
    }
}

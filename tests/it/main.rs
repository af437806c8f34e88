//! The one integration-test binary: runs the real `folio` binary on fixture sites
//! (tests/fixtures/<feature>/<case>/) and asserts on the files written, the messages printed and
//! the exit codes; the dev server is tested over real HTTP on 127.0.0.1.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod blocks;
mod build;
mod claims;
mod differential;
mod drafts;
mod errors;
mod external;
mod files;
mod forms;
mod front_matter;
mod headings;
mod html;
mod images;
mod import;
mod incremental;
mod losses;
mod markdown;
mod marketing;
mod messages;
mod nothing_lost;
mod paths;
mod preview;
mod redirects;
mod sample;
mod schedule;
mod search;
mod serve;
mod shortcodes;
mod spec;
mod support;
mod templates;
mod theme;
mod tidy;

//! Parsers for the user's text formats. Pure functions: text in, data and diagnostics out.

pub mod callouts;
pub mod front_matter;
pub mod headings;
pub mod highlight;
pub mod markdown;
pub mod shortcodes;

//! The default theme's files, embedded at compile time by build.rs (for `folio init`).

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

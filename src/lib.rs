//! folio: a static-site generator for marketing and knowledge-base sites.
//! See ARCHITECTURE.md for the map of modules and the invariants they keep.

#![cfg_attr(test, allow(clippy::unwrap_used))]

/// `println!` for folio's own output: a closed stdout (`folio build | head -1`, a closed
/// terminal) ends nothing and is no panic; the line is dropped. Defined before the modules so
/// every one can use it.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod fsx;
pub mod hash;
pub mod images;
pub mod import;
pub mod load;
pub mod marketing;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod spool;
pub mod text;
mod theme_files;
pub mod toml_fm;
pub mod url;
pub mod yaml;

//! folio: a static-site generator for marketing and knowledge-base sites.
//! See ARCHITECTURE.md for the map of modules and the invariants they keep.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod fsx;
pub mod hash;
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
pub mod text;
mod theme_files;
pub mod toml_fm;
pub mod url;
pub mod yaml;

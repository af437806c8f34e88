//! The `folio` binary: parse the command line, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = folio::cli::Cli::parse();
    match folio::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// mimalloc: a build allocates and frees millions of small strings (Markdown events, template
/// values, highlighted spans) across threads; glibc's malloc spent about 12% of a 10,000-page
/// build in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

//! Writing a build to disk: everything goes into a staging folder beside the target, which is
//! swapped in only when every file was written. A failed build leaves the old output as it was.

use crate::diag::Diagnostic;
use crate::fsx::{self, Staging};
use crate::pipeline::Built;
use rayon::prelude::*;
use std::path::Path;

pub fn write(built: &Built, target: &Path) -> Result<(), Diagnostic> {
    let fail = |what: &str, e: std::io::Error| {
        Diagnostic::file(target, format!("could not {what}: {e}")).with_help("check that the output folder is writable and the disk has space")
    };
    let staging = Staging::new(target).map_err(|e| fail("create the staging folder", e))?;
    let dir = staging.dir.clone();
    built
        .files
        .par_iter()
        .try_for_each(|f| fsx::write(&dir.join(&f.path), &f.bytes))
        .map_err(|e| fail("write the site", e))?;
    built
        .assets
        .par_iter()
        .try_for_each(|a| {
            let dest = dir.join(&a.out);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // A rendered file wins over a static file with the same path.
            if dest.exists() {
                return Ok(());
            }
            std::fs::copy(&a.src, &dest).map(|_| ())
        })
        .map_err(|e| fail("copy static files", e))?;
    staging.commit().map_err(|e| fail("replace the output folder", e))
}

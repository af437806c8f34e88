//! Embeds the default theme (themes/default) into the binary for `folio init`, and the commit the
//! binary is built from (for `folio --version`). Also tells the HTML-checker tests whether their
//! tools are here (`test_tools`), so a test that cannot run is reported as ignored, not as passed.

use std::fmt::Write;
use std::path::Path;

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, base, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// `FOLIO_COMMIT` from the environment (a release built from a source archive), else git's.
fn commit() -> String {
    println!("cargo:rerun-if-env-changed=FOLIO_COMMIT");
    if let Ok(c) = std::env::var("FOLIO_COMMIT") {
        return c;
    }
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and packed refs.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--symbolic-full-name", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r])),
        git(&["rev-parse", "--git-path", "packed-refs"]),
    ]
    .into_iter()
    .flatten()
    {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"]).map_or_else(|| "unknown commit".to_string(), |hash| format!("commit {hash}"))
}

/// Sets `folio_no_vnu` / `folio_no_linkinator` when the Nu HTML Checker (Java and the vnu jar)
/// or linkinator (Node and its module) is missing, so tests/it/html.rs marks those tests
/// `#[ignore]` with the reason: `cargo test` then says "ignored, …" in its summary instead of
/// `ok`. Never under `CI`, where the tests must run and fail if the tools are missing. Looked
/// for again when tests/vnu changes (after `npm ci --prefix tests/vnu --ignore-scripts`) or
/// when `CI` or `JAVA_HOME` change.
fn test_tools(manifest: &Path) {
    println!("cargo:rustc-check-cfg=cfg(folio_no_vnu)");
    println!("cargo:rustc-check-cfg=cfg(folio_no_linkinator)");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-env-changed=JAVA_HOME");
    println!("cargo:rerun-if-changed=tests/vnu");
    if std::env::var_os("CI").is_some() {
        return;
    }
    let runs = |program: &str, arg: &str| std::process::Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success());
    let modules = manifest.join("tests/vnu/node_modules");
    if !(runs("java", "-version") && modules.join("vnu-jar/build/dist/vnu.jar").is_file()) {
        println!("cargo:rustc-cfg=folio_no_vnu");
    }
    if !(runs("node", "--version") && modules.join("linkinator/build/src/cli.js").is_file()) {
        println!("cargo:rustc-cfg=folio_no_linkinator");
    }
}

fn main() {
    println!("cargo:rustc-env=FOLIO_COMMIT={}", commit());
    test_tools(Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")));
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let theme = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk(&theme, &theme, &mut files);
    let mut code = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for f in files {
        let abs = theme.join(&f);
        let _ = writeln!(code, "    ({f:?}, include_str!({:?})),", abs.to_string_lossy());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme_files.rs");
    std::fs::write(out, code).expect("write theme_files.rs");
}

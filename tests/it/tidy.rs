//! Rules of the codebase checked by a test rather than by memory: every module says why it
//! exists, serde_yaml is called from one module (so a maintained fork can be swapped in), and
//! Tera is named only inside rendering.

use crate::support::repo_root;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo_root()).unwrap().to_string_lossy().replace('\\', "/")
}

#[test]
fn every_module_opens_with_why_it_exists() {
    let missing: Vec<String> =
        rust_files(&repo_root().join("src")).into_iter().filter(|p| !std::fs::read_to_string(p).unwrap().starts_with("//!")).map(|p| rel(&p)).collect();
    assert!(missing.is_empty(), "modules without a `//!` line at the top: {missing:?}");
}

#[test]
fn serde_yaml_only_in_yaml_rs_toml_only_in_toml_fm_and_tera_only_in_render() {
    for path in rust_files(&repo_root().join("src")) {
        let name = rel(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        if name != "src/yaml.rs" {
            assert!(!text.contains("serde_yaml"), "{name} uses serde_yaml; keep every call in src/yaml.rs");
        }
        if name != "src/toml_fm.rs" {
            assert!(!text.contains("toml::"), "{name} uses the toml crate; keep every call in src/toml_fm.rs");
        }
        if !name.starts_with("src/render/") {
            assert!(!text.contains("tera::"), "{name} names Tera; keep it inside src/render/");
        }
    }
}

#[test]
fn code_is_formatted() {
    // rustfmt ships with the toolchain; a machine without it skips this check.
    let Ok(out) = std::process::Command::new("cargo").args(["fmt", "--check"]).current_dir(repo_root()).output() else {
        eprintln!("note: cargo fmt is not available; formatting not checked");
        return;
    };
    if String::from_utf8_lossy(&out.stderr).contains("no such command") {
        eprintln!("note: cargo fmt is not installed; formatting not checked");
        return;
    }
    assert!(out.status.success(), "run `cargo fmt` (rustfmt.toml holds the settings):\n{}", String::from_utf8_lossy(&out.stdout));
}

/// The stages in the order imports may flow: a module may use only modules of a lower layer
/// (load → parse → model → render → output, with the ground floor below everything).
const LAYERS: &[(&str, u8)] = &[
    ("text", 0),
    ("hash", 0),
    ("diag", 0),
    ("url", 1),
    ("yaml", 1),
    ("toml_fm", 2),
    ("fsx", 1),
    ("spool", 1),
    ("config", 2),
    ("theme_files", 2),
    ("load", 3),
    ("images", 3),
    ("parse", 4),
    ("marketing", 5),
    ("model", 6),
    ("render", 7),
    ("pipeline", 8),
    ("output", 9),
    ("check", 9),
    ("session", 9),
    ("scaffold", 9),
    ("serve", 10),
    ("import", 10),
    ("cli", 11),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

#[test]
fn imports_flow_one_way() {
    let mut wrong = Vec::new();
    for path in rust_files(&repo_root().join("src")) {
        let name = rel(&path);
        let module = name.trim_start_matches("src/").split(['/', '.']).next().unwrap_or_default().to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            wrong.push(format!("{name}: module `{module}` has no layer in tests/it/tidy.rs LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("crate::{"), "{name}: name each module (`use crate::x::…`) so the import check can see it");
        for (i, _) in text.match_indices("crate::") {
            let target: String = text[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if target == module {
                continue;
            }
            match layer_of(&target) {
                Some(l) if l < own => {}
                _ => wrong.push(format!("{name} uses crate::{target}, which is not below `{module}`")),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "imports that run back up the pipeline:\n{}", wrong.join("\n"));
}

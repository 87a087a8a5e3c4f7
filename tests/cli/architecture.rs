//! The shape of the source (docs/ARCHITECTURE.md): dependencies between the top-level modules
//! point down the layers only, and no source file is over 400 lines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules of src/, top first. A module may use those below it (and itself).
const LAYERS: &[&[&str]] = &[
    &["main", "lib"],
    &["app"],
    &["render"],
    &["commands"],
    &["settings"],
    &["cli"],
    &["poll"],
    &["api"],
    &["emulator"],
    &["journal"],
    &["auth"],
    &["output"],
    &["redact", "pool", "interrupt", "bounded"],
    &["error"],
    &["report"],
    &["domain", "secret", "sync", "text"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module {module} is not in the LAYERS of this test"))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/api/ims.rs` -> `api`, `src/error.rs` -> `error`.
fn owner(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::NAME` the file mentions outside comments.
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let text = code.as_str();
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        if text[..i].ends_with("ims_share::") {
            continue;
        }
        let name: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

#[test]
fn dependencies_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut upward = Vec::new();
    for file in &files {
        let from = owner(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        for to in uses(&text) {
            if to != from && layer(&to) < layer(&from) {
                upward.push(format!(
                    "{} uses crate::{to}, which is above {from}",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}

#[test]
fn no_source_file_is_over_400_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 400).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split along their seams: {long:?}");
}

//! The layering rules of docs/architecture.md, checked on the source: every `crate::X`
//! reference inside module M must name a module M may use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module -> modules it may use (besides itself). `cli` and the crate root may use anything.
const ALLOWED: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("diagnostics", &["source"]),
    ("stdlib", &["source"]),
    ("policy", &[]),
    ("syntax", &["source", "diagnostics"]),
    ("fmt", &["source", "diagnostics", "syntax"]),
    ("catalog", &["source", "diagnostics"]),
    ("project", &["source", "diagnostics"]),
    ("resolve", &["source", "diagnostics", "syntax", "stdlib"]),
    (
        "check",
        &[
            "source",
            "diagnostics",
            "syntax",
            "resolve",
            "catalog",
            "policy",
        ],
    ),
    (
        "lower",
        &["source", "diagnostics", "syntax", "check", "policy"],
    ),
    ("eval", &["policy", "catalog"]),
    (
        "prove",
        &[
            "source",
            "diagnostics",
            "syntax",
            "check",
            "policy",
            "eval",
            "catalog",
        ],
    ),
    ("emit", &["policy"]),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The `crate::NAME` references in a text, ignoring `#[cfg(test)]` modules is not attempted:
/// tests follow the same rules.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            refs.insert(name);
        }
    }
    refs
}

#[test]
fn modules_only_use_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut violations = Vec::new();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let Some(ok) = allowed.get(module.as_str()) else {
            continue; // cli, lsp, lib.rs, main.rs may use anything
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for r in crate_refs(&text) {
            if r != module && !ok.contains(&r.as_str()) {
                violations.push(format!("{} uses crate::{r}", rel.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
}

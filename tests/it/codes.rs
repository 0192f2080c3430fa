//! The diagnostic code registry against its documentation and its corpora: every code has
//! its page (enforced at compile time by `Code::explanation`), no page is orphaned, codes are
//! unique, and every code is produced somewhere in a malformed corpus.

use iamc::diagnostics::Code;
use std::collections::BTreeSet;
use std::path::Path;

/// Codes no corpus file can reasonably trigger, each with the test that covers it instead.
const EXEMPT: &[(&str, &str)] = &[
    (
        "E0109",
        "needs a ~100 KB declaration; tests/it/syntax.rs builds one in memory",
    ),
    (
        "E0190",
        "only a formatter bug produces it; src/fmt/verify.rs tests feed it altered output",
    ),
    (
        "E0208",
        "needs two modules; tests/it/frontend.rs duplicate_document_names_across_modules_collide",
    ),
    (
        "E0210",
        "needs two files; two_files_for_one_module_are_reported below",
    ),
    (
        "E0605",
        "needs a project with a templates folder; tests/it/deploy.rs a_broken_template_is_located",
    ),
    (
        "E0901",
        "an unreadable file has no text to point into; tests/it/cli.rs covers it",
    ),
];

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn codes_are_unique_and_every_page_belongs_to_a_code() {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "duplicate codes in the registry");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors");
    for entry in std::fs::read_dir(&docs).unwrap().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let stem = file.trim_end_matches(".md");
        assert!(
            unique.contains(stem),
            "docs/errors/{file} documents no registered code"
        );
    }
    for code in Code::ALL {
        let page = code.explanation();
        assert!(
            page.starts_with(&format!("# {}", code.as_str())),
            "{} page must start with its code as a title",
            code.as_str()
        );
    }
}

#[test]
fn every_code_is_exercised_by_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut seen = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for line in text.lines() {
            if let Some(rest) = line.split("expect:").nth(1) {
                if let Some(code) = rest.split_whitespace().next() {
                    seen.insert(code.to_string());
                }
            }
        }
    }
    let exempt: BTreeSet<&str> = EXEMPT.iter().map(|(c, _)| *c).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c) && !exempt.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no malformed corpus file expects: {missing:?}"
    );
}

#[test]
fn explain_prints_the_page_and_rejects_unknown_codes() {
    let out = crate::support::iamc()
        .args(["explain", "e0341"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# E0341: unknown action"), "{text}");
    let out = crate::support::iamc()
        .args(["explain", "E9999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// The README says every reporting command takes `--format json`; `explain` too.
#[test]
fn explain_speaks_json() {
    let out = crate::support::iamc()
        .args(["explain", "w0331", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "W0331");
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["title"], Code::W0331.title());
    assert_eq!(v["explanation"], Code::W0331.explanation());
    let out = crate::support::iamc()
        .args(["explain", "E9999", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn two_files_for_one_module_are_reported() {
    let dir = std::env::temp_dir().join(format!("iamc-e0210-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("x")).unwrap();
    std::fs::create_dir_all(dir.join("y")).unwrap();
    std::fs::write(
        dir.join("x/a.iamc"),
        "policy A { allow s3:GetObject on * }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("y/a.iamc"),
        "policy B { allow s3:GetObject on * }\n",
    )
    .unwrap();
    let out = crate::support::iamc()
        .arg("check")
        .arg(dir.join("x/a.iamc"))
        .arg(dir.join("y/a.iamc"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"E0210\""), "{text}");
}

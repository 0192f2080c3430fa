//! Golden tests: the seed project's emitted JSON equals the published seed policies in
//! meaning; the seed project's and the organization baseline's emitted JSON equal the
//! pinned files byte for byte.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-golden-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn build_seeds(out: &Path) {
    build_project("examples/seeds", out);
}

fn build_project(project: &str, out: &Path) {
    let status = crate::support::iamc()
        .args(["build", "--project"])
        .arg(root().join(project))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// Sorts arrays, turns single strings in list positions into lists, drops `Sid`, and
/// sorts statements, so two policies that mean the same compare equal.
fn normalise(v: &Value) -> Value {
    fn walk(v: &Value, key: &str) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = serde_json::Map::new();
                for (k, x) in m {
                    if k == "Sid" {
                        continue;
                    }
                    out.insert(k.clone(), walk(x, k));
                }
                Value::Object(out)
            }
            Value::Array(xs) => {
                let mut xs: Vec<Value> = xs
                    .iter()
                    .map(|x| {
                        if x.is_string() {
                            x.clone()
                        } else {
                            walk(x, key)
                        }
                    })
                    .collect();
                xs.sort_by_key(|x| x.to_string());
                Value::Array(xs)
            }
            Value::String(s) if !matches!(key, "Version" | "Effect") => {
                Value::Array(vec![Value::String(s.clone())])
            }
            other => other.clone(),
        }
    }
    walk(v, "")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

fn json_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    v.sort();
    v
}

#[test]
fn seeds_mean_what_the_published_policies_mean() {
    let out = scratch("meaning");
    build_seeds(&out);
    let expected_dir = root().join("tests/golden/seeds/expected");
    // Every published seed policy is emitted (the project also declares the policies its
    // principals need for their proofs, which no seed note publishes).
    let emitted = json_files(&out);
    for name in json_files(&expected_dir) {
        assert!(emitted.contains(&name), "{name} is not emitted");
    }
    for name in json_files(&expected_dir) {
        let got = normalise(&read_json(&out.join(&name)));
        let want = normalise(&read_json(&expected_dir.join(&name)));
        assert_eq!(got, want, "{name} differs in meaning");
        // The emitted text parses back into the policy model and prints the same.
        let text = std::fs::read_to_string(out.join(&name)).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let doc = iamc::policy::parse::parse_document(&value, "").unwrap();
        assert_eq!(
            iamc::policy::json::to_string(&doc, iamc::policy::json::Layout::Pretty),
            text
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn seeds_are_byte_identical_to_the_pinned_files() {
    pinned("examples/seeds", "tests/golden/seeds/pinned", "pinned");
}

/// The second example project: every document of an organization's baseline, from the
/// standard library, with its proofs (decided by the build).
#[test]
fn org_baseline_is_byte_identical_to_the_pinned_files() {
    pinned(
        "examples/org-baseline",
        "tests/golden/org-baseline/pinned",
        "org-baseline",
    );
}

/// Builds `project` and compares its JSON files with `pinned` (regenerated with
/// `IAMC_BLESS=1`).
fn pinned(project: &str, pinned: &str, scratch_name: &str) {
    let out = scratch(scratch_name);
    build_project(project, &out);
    let pinned = root().join(pinned);
    if std::env::var_os("IAMC_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&pinned);
        std::fs::create_dir_all(&pinned).unwrap();
        for name in json_files(&out) {
            std::fs::copy(out.join(&name), pinned.join(&name)).unwrap();
        }
    }
    assert_eq!(json_files(&out), json_files(&pinned));
    for name in json_files(&pinned) {
        let got = std::fs::read(out.join(&name)).unwrap();
        let want = std::fs::read(pinned.join(&name)).unwrap();
        assert!(
            got == want,
            "{name} changed; run with IAMC_BLESS=1 if intended:\n{}",
            String::from_utf8_lossy(&got)
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

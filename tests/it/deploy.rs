//! The deployable targets (CloudFormation, Terraform) through the real binary: the pinned
//! output of every target of the example and test projects, template overrides, and the
//! all-or-nothing writing they share with the JSON target. `deploy_check.rs` compares the
//! templates with the JSON target and runs cfn-lint and an HCL parser on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-deploy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A compilation whose every target is pinned and checked.
pub struct Case {
    pub name: &'static str,
    /// `iamc build` arguments naming the sources.
    pub sources: Vec<String>,
    /// The environment's `account` and `region`, for the samples substituted for the
    /// deployed values.
    pub account: &'static str,
    pub region: &'static str,
    /// Where the outputs are pinned (for the seeds: the templates only; the JSON files are
    /// pinned by `golden.rs`).
    pub pinned: PathBuf,
}

/// The example project, the test projects, and the realistic programs as plain files.
pub fn cases() -> Vec<Case> {
    let project = |p: &str| {
        vec![
            "--project".to_string(),
            root().join(p).display().to_string(),
        ]
    };
    let mut realistic: Vec<String> = std::fs::read_dir(root().join("tests/valid/realistic"))
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".iamc"))
        .collect();
    realistic.sort();
    realistic.extend(["--target", "json,cloudformation,terraform"].map(String::from));
    vec![
        Case {
            name: "seeds",
            sources: project("examples/seeds"),
            account: "123412341234",
            region: "us-east-1",
            pinned: root().join("tests/golden/seeds/templates"),
        },
        Case {
            name: "stackset",
            sources: project("tests/golden/deploy/stackset/project"),
            account: "111122223333",
            region: "eu-west-1",
            pinned: root().join("tests/golden/deploy/stackset/expected"),
        },
        Case {
            name: "modules",
            sources: project("tests/golden/deploy/modules/project"),
            account: "123456789012",
            region: "us-east-1",
            pinned: root().join("tests/golden/deploy/modules/expected"),
        },
        Case {
            name: "realistic",
            sources: realistic,
            account: "123456789012",
            region: "us-east-1",
            pinned: root().join("tests/golden/deploy/realistic/expected"),
        },
    ]
}

/// Runs `iamc build` with `args` into `out`; returns stdout. Fails the test on an error.
pub fn build(sources: &[String], out: &Path, extra: &[&str]) -> String {
    let o = crate::support::iamc()
        .arg("build")
        .args(sources)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{sources:?} {extra:?}: {stderr}");
    String::from_utf8(o.stdout).unwrap()
}

/// Every file under `dir` by `/`-separated relative path (the manifest left out).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else if name != ".iamc-manifest" {
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// The files of one case's build that its pinned folder holds.
fn pinned_part(case: &Case, all: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    all.into_iter()
        .filter(|(name, _)| case.name != "seeds" || name.contains('/'))
        .collect()
}

/// Every target of every case, byte for byte as pinned (regenerate with `IAMC_BLESS=1`
/// after checking the change is intended). Two builds give the same bytes.
#[test]
fn every_target_is_byte_identical_to_its_pinned_files() {
    for case in cases() {
        let out = scratch(&format!("pinned-{}", case.name));
        build(&case.sources, &out, &[]);
        let got = pinned_part(&case, files(&out));
        assert!(
            got.keys().any(|n| n.starts_with("cloudformation/")),
            "{}",
            case.name
        );
        assert!(
            got.keys().any(|n| n.starts_with("terraform/")),
            "{}",
            case.name
        );
        let again = scratch(&format!("again-{}", case.name));
        build(&case.sources, &again, &[]);
        assert_eq!(
            pinned_part(&case, files(&again)),
            got,
            "{}: two builds differ",
            case.name
        );
        if std::env::var_os("IAMC_BLESS").is_some() {
            let _ = std::fs::remove_dir_all(&case.pinned);
            for (name, bytes) in &got {
                let p = case.pinned.join(name);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
        }
        let want = files(&case.pinned);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{}: other files than pinned",
            case.name
        );
        for (name, bytes) in &got {
            assert!(
                want.get(name) == Some(bytes),
                "{}: {name} changed; run with IAMC_BLESS=1 if intended:\n{}",
                case.name,
                String::from_utf8_lossy(bytes)
            );
        }
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(&again);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small project with a role, in a fresh folder.
fn small_project(name: &str, toml_extra: &str) -> PathBuf {
    let dir = scratch(name);
    write(
        &dir.join("iamc.toml"),
        &format!("[project]\nname = \"small\"\nsources = [\"iam\"]\n\n{toml_extra}"),
    );
    write(
        &dir.join("iam/main.iamc"),
        "policy P {\n    allow s3:GetObject on *\n}\n\ntrust T {\n    allow sts:AssumeRole from service(\"ec2.amazonaws.com\")\n}\n\nprincipal App {\n    trust: T\n    policies: [P]\n}\n",
    );
    dir
}

fn iamc_in(args: &[&str], project: &Path) -> std::process::Output {
    crate::support::iamc()
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .unwrap()
}

#[test]
fn project_templates_replace_the_embedded_ones() {
    let dir = small_project(
        "override",
        "[build]\ntargets = [\"cloudformation\"]\ntemplates = \"tpl\"\n",
    );
    write(
        &dir.join("tpl/cloudformation/template.yaml.tera"),
        "# {{ group }}: {% for p in managed_policies %}{{ p.id }} {% endfor %}{% for r in roles %}{{ r.id }}{% endfor %}\n",
    );
    let out = dir.join("out");
    let o = iamc_in(&["build", "--out", out.to_str().unwrap()], &dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("cloudformation/small.yaml")).unwrap(),
        "# small: P App\n"
    );
    // Only CloudFormation was asked for: no JSON documents.
    assert_eq!(files(&out).len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A template that does not parse is E0605 at the `templates` setting, and nothing is
/// written.
#[test]
fn a_broken_template_is_located() {
    let dir = small_project(
        "broken",
        "[build]\ntargets = [\"json\", \"terraform\"]\ntemplates = \"tpl\"\n",
    );
    write(&dir.join("tpl/terraform/main.tf.tera"), "{% for x in %}\n");
    let out = dir.join("out");
    let o = iamc_in(
        &["build", "--format", "json", "--out", out.to_str().unwrap()],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0605", "{v}");
    assert!(
        d["message"].as_str().unwrap().contains("terraform/main.tf"),
        "{d}"
    );
    assert_eq!(d["span"]["start_pos"]["line"], 7, "{d}");
    assert!(!out.exists());
    // A JSON template that renders something other than JSON is refused too.
    std::fs::remove_dir_all(dir.join("tpl")).unwrap();
    write(
        &dir.join("tpl/cloudformation/template.json.tera"),
        "{ {{ group }}\n",
    );
    let o = iamc_in(
        &[
            "check",
            "--format",
            "json",
            "-t",
            "cloudformation",
            "--cloudformation-format",
            "json",
        ],
        &dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0605", "{v}");
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not JSON"),
        "{v}"
    );
    // A missing folder is a setting error, also located.
    std::fs::remove_dir_all(dir.join("tpl")).unwrap();
    let o = iamc_in(&["check", "--format", "json"], &dir);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0904", "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An error only a deployable target finds (a logical id taken twice) writes nothing, not
/// even the JSON files; a later build drops the templates the manifest lists when their
/// target is no longer selected, and the folders it made for them.
#[test]
fn deployable_outputs_are_written_all_or_nothing_and_cleaned_up() {
    let dir = small_project(
        "atomic",
        "[build]\ntargets = [\"json\", \"cloudformation\", \"terraform\"]\n",
    );
    let out = dir.join("out");
    let o = iamc_in(&["build", "--out", out.to_str().unwrap()], &dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = files(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        [
            "P.json",
            "T.json",
            "cloudformation/small.yaml",
            "terraform/small/main.tf"
        ]
    );
    // `p` and `P` are different documents but one logical id.
    let main = dir.join("iam/main.iamc");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        format!("{text}\npolicy p_ {{\n    allow s3:PutObject on *\n}}\n"),
    )
    .unwrap();
    let o = iamc_in(
        &["build", "--out", out.to_str().unwrap(), "--format", "json"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0601", "{v}");
    assert_eq!(files(&out), before, "an error changed the output folder");
    // Without the deployable targets, the templates and their folders go.
    std::fs::write(&main, text).unwrap();
    let o = iamc_in(
        &["build", "--out", out.to_str().unwrap(), "--target", "json"],
        &dir,
    );
    assert!(o.status.success());
    assert_eq!(files(&out).keys().collect::<Vec<_>>(), ["P.json", "T.json"]);
    assert!(!out.join("terraform").exists() && !out.join("cloudformation").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check` does the deployable targets' work and reports what they find, and both
/// commands say what they wrote or checked.
#[test]
fn check_and_build_report_templates() {
    let dir = small_project("report", "");
    let o = iamc_in(
        &["check", "--target", "cloudformation", "--format", "json"],
        &dir,
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outputs = v["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "{v}");
    assert_eq!(outputs[0]["target"], "cloudformation");
    assert_eq!(outputs[0]["path"], "cloudformation/small.yaml");
    assert_eq!(outputs[0]["declarations"], 2);
    assert!(outputs[0]["file"].is_null());
    let out = dir.join("out");
    let o = iamc_in(
        &[
            "build",
            "-t",
            "terraform",
            "-t",
            "cloudformation",
            "--cloudformation-format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
        &dir,
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        stdout,
        format!(
            "wrote {} (CloudFormation template, 2 declarations)\nwrote {} (Terraform configuration, 2 declarations)\n",
            out.join("cloudformation/small.json").display(),
            out.join("terraform/small/main.tf").display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

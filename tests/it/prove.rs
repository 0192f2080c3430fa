//! `iamc prove`, and the proof gate of `build` and `check`, through the binary, against
//! spec/prove.md: the JSON object, the verdicts, the counterexample files (replayed with
//! `iamc eval`), nothing written when a property is refuted, the seed project's proofs,
//! and the mistakes the seed notes warn about.

use crate::support::iamc;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-prove-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    std::fs::write(
        dir.join("iamc.toml"),
        "[project]\nsources = [\"iam\"]\n\n[env.dev]\naccount = \"123412341234\"\n",
    )
    .unwrap();
    for (path, text) in files {
        let p = dir.join("iam").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn prove_json(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = iamc()
        .arg("prove")
        .arg("--project")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (
        out.status.code().unwrap(),
        v,
        String::from_utf8(out.stderr).unwrap(),
    )
}

const POLICIES: &str = r#"
policy Dev {
    allow s3:GetObject, s3:PutObject on arn"arn:aws:s3:::app/*"
    allow ec2:Describe* on *
    deny * on * when not aws:MultiFactorAuthPresent
}

policy Wide {
    allow s3:*Object, ec2:Describe* on *
}

principal Developer {
    arn: arn"arn:aws:iam::123412341234:role/developer"
    policies: [Dev]
}

prove Developer {
    denies iam:* on *
    allows s3:GetObject on arn"arn:aws:s3:::app/*" when aws:MultiFactorAuthPresent
}
"#;

const MORE: &str = r#"
prove Developer {
    allows s3:GetObject on arn"arn:aws:s3:::app/*"
    may allow ec2:DescribeInstances on *
    within Wide
    equivalent Wide
    denies s3:GetObject on * except [s3:*]
}
"#;

#[test]
fn json_output_and_counterexample_files_follow_the_spec() {
    let both = format!("{POLICIES}{MORE}");
    let dir = project("json", &[("a/policies.iamc", &both)]);
    let cex = dir.join("cex");
    let (code, v, _) = prove_json(&dir, &["--emit-counterexample", cex.to_str().unwrap()]);
    assert_eq!(code, 1, "a property is refuted: {v:#}");
    let proofs = v["proofs"].as_array().unwrap();
    let verdicts: Vec<(&str, &str)> = proofs
        .iter()
        .map(|p| {
            (
                p["property"].as_str().unwrap(),
                p["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("denies iam:* on *", "proved"),
            (
                "allows s3:GetObject on arn\"arn:aws:s3:::app/*\" when aws:MultiFactorAuthPresent",
                "proved"
            ),
            (
                "allows s3:GetObject on arn\"arn:aws:s3:::app/*\"",
                "refuted"
            ),
            ("may allow ec2:DescribeInstances on *", "proved"),
            ("within Wide", "proved"),
            ("equivalent Wide", "refuted"),
            ("denies s3:GetObject on * except [s3:*]", "vacuous"),
        ]
    );
    assert_eq!(v["proved"], 4);
    assert_eq!(v["refuted"], 2);
    for p in proofs {
        for key in [
            "file",
            "line",
            "column",
            "subject",
            "property",
            "verdict",
            "ms",
            "counterexample",
            "decision",
            "other",
            "witness",
        ] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
        assert_eq!(p["subject"], "Developer");
        assert!(p["ms"].as_f64().unwrap() >= 0.0);
    }
    let first = &proofs[0];
    assert_eq!(first["file"], "iam/a/policies.iamc");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(18), Some(5))
    );
    // Refuted: the counterexample, its decision, no witness; `may allow` proved: a witness.
    let refuted = &proofs[2];
    assert_eq!(refuted["decision"], "explicit_deny");
    assert!(refuted["counterexample"].is_object() && refuted["witness"].is_null());
    assert!(refuted["other"].is_null());
    assert!(proofs[3]["witness"].is_object() && proofs[3]["counterexample"].is_null());
    let equivalent = &proofs[5];
    assert!(equivalent["other"].is_object());
    // Files: <Subject>.<n>.json, n across both prove blocks in path order.
    let mut files: Vec<String> = std::fs::read_dir(&cex)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "Developer.3.json",
            "Developer.6.json",
            "Developer.6.other.json"
        ]
    );
    // Each replays with `iamc eval` to the decision reported.
    let replay = |f: &str| -> String {
        let out = iamc()
            .args(["eval", cex.join(f).to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(replay("Developer.3.json"), "explicit_deny");
    let (mine, theirs) = (replay("Developer.6.json"), replay("Developer.6.other.json"));
    assert_ne!(mine == "allow", theirs == "allow", "the two sides differ");
    assert_eq!(equivalent["decision"], Value::String(mine));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_build_writes_nothing_when_a_property_is_refuted() {
    let both = format!("{POLICIES}{MORE}");
    let dir = project("gate", &[("a/policies.iamc", &both)]);
    let out = iamc()
        .arg("build")
        .arg("--project")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("[E0501]"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is written");
    let out = iamc()
        .arg("check")
        .arg("--project")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Without the refuted properties the build writes.
    std::fs::write(dir.join("iam/a/policies.iamc"), POLICIES).unwrap();
    let out = iamc()
        .arg("build")
        .arg("--project")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("proved 2 properties"), "{stdout}");
    assert!(dir.join("out/Dev.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_seed_project_proves_its_guarantees() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seeds");
    for env in ["dev", "prod"] {
        let (code, v, stderr) = prove_json(&seeds, &["--env", env]);
        assert_eq!(code, 0, "{v:#}\n{stderr}");
        let proofs = v["proofs"].as_array().unwrap();
        assert!(proofs.len() >= 15, "{}", proofs.len());
        assert!(proofs.iter().all(|p| p["verdict"] == "proved"), "{v:#}");
    }
}

/// The mistakes the seed notes warn about, each refuted with a counterexample of its kind.
#[test]
fn the_seed_notes_mistakes_are_refuted() {
    let text = r#"
import std.scp.FullAWSAccess

/// `allow not [...]` (NotAction) grants every other action, future ones included.
policy NotIam {
    allow not [iam:*] on *
}

prove NotIam {
    denies organizations:* on *
}

/// A second SCP level without an allow denies everything.
scp OnlyEc2 {
    allow ec2:* on *
}

policy Admin {
    allow * on *
}

principal Member {
    arn: arn"arn:aws:iam::123412341234:role/admin"
    policies: [Admin]
    scps: [FullAWSAccess, OnlyEc2]
}

prove Member {
    allows s3:GetObject on *
}

/// A boundary without S3, and a bucket policy that names the user but not the role.
boundary NoS3 {
    allow not s3:* on *
}

resource Bucket {
    allow * from arn"arn:aws:iam::123412341234:user/test" on arn"arn:aws:s3:::b/*"
}

principal RoleUnderBoundary {
    arn: arn"arn:aws:iam::123412341234:role/test"
    policies: [Admin]
    boundary: NoS3
    resource: Bucket
}

prove RoleUnderBoundary {
    allows s3:GetObject on arn"arn:aws:s3:::b/*"
}
"#;
    let dir = project("mistakes", &[("m.iamc", text)]);
    let (code, v, _) = prove_json(&dir, &[]);
    assert_eq!(code, 1);
    let proofs = v["proofs"].as_array().unwrap();
    assert!(proofs.iter().all(|p| p["verdict"] == "refuted"), "{v:#}");
    let action = |i: usize| {
        proofs[i]["counterexample"]["request"]["action"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(action(0).starts_with("organizations:"));
    assert_eq!(proofs[1]["decision"], "implicit_deny");
    assert_eq!(proofs[2]["decision"], "implicit_deny");
    let principal = proofs[2]["counterexample"]["request"]["principal"]
        .as_str()
        .unwrap();
    assert!(principal.starts_with("arn:aws:sts::123412341234:assumed-role/test/"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_output_is_one_line_per_property_with_its_time() {
    let dir = project("text", &[("a/policies.iamc", POLICIES)]);
    let out = iamc()
        .arg("prove")
        .arg("--project")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("proved    Developer: denies iam:* on * ("),
        "{stdout}"
    );
    assert!(lines[0].ends_with(" ms)"), "{stdout}");
    assert_eq!(lines.last(), Some(&"2 proved, 0 refuted, 0 other"));
    let _ = std::fs::remove_dir_all(&dir);
}

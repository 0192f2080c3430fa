//! Integration tests: the catalog (`iamc catalog ...`, `iamc expand`), its counts against the
//! source README, the seed actions and keys, `catalog update` + `IAMC_CATALOG`, and the
//! catalog corpus of malformed/valid sources.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions fail loudly on broken fixtures"
)]

use iamc::catalog::{Catalog, KeyType, ScalarType};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iamc() -> Command {
    // A user's own catalog must not leak into the tests.
    let mut c = crate::support::iamc();
    c.env("XDG_DATA_HOME", scratch("no-user-catalog"));
    c
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("iamc-it-catalog-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn run_json(args: &[&str]) -> Value {
    json(
        &iamc()
            .args(args)
            .arg("--format")
            .arg("json")
            .output()
            .unwrap(),
    )
}

#[test]
fn stats_equal_the_source_readme() {
    let v = run_json(&["catalog", "stats"]);
    assert_eq!(v["services"], 458);
    assert_eq!(v["actions"], 21862);
    let levels = &v["access_levels"];
    assert_eq!(levels["Write"], 11230);
    assert_eq!(levels["Read"], 5821);
    assert_eq!(levels["List"], 3677);
    assert_eq!(levels["Tagging"], 719);
    assert_eq!(levels["Permissions management"], 415);
    assert_eq!(v["resource_types"], 2310);
    assert_eq!(v["arn_formats"], 2323);
    assert_eq!(v["service_key_entries"], 2563);
    assert_eq!(v["service_specific_key_entries"], 1565);
    assert_eq!(v["aws_key_entries"], 998);
    assert_eq!(v["service_specific_keys"], 1550);
    assert_eq!(v["global_keys"], 61);
    assert_eq!(v["retired_services"], 8);
    assert_eq!(v["retired_actions"], 121);
    assert_eq!(v["retired_resource_types"], 10);
    assert_eq!(v["origin"], "embedded");
    assert!(v["source"]
        .as_str()
        .unwrap()
        .contains("e4e908ea45969e841198a0785270ab12223c4a0f"));
}

const SEED_ACTIONS: &[&str] = &[
    "s3:ListBucket",
    "s3:GetObject",
    "s3:PutObject",
    "iam:PassRole",
    "iam:ListInstanceProfiles",
    "iam:ChangePassword",
    "iam:GetAccountPasswordPolicy",
    "iam:CreateVirtualMFADevice",
    "iam:DeleteVirtualMFADevice",
    "iam:DeactivateMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
    "sts:AssumeRole",
    "organizations:LeaveOrganization",
    "ec2:RunInstances",
    "ec2:DescribeImages",
    "sts:DecodeAuthorizationMessage",
];

#[test]
fn seed_actions_resolve_in_any_case() {
    let cat = Catalog::embedded();
    for name in SEED_ACTIONS {
        let a = cat.action(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(&a.full_name(), name);
        assert_eq!(
            cat.action(&name.to_ascii_uppercase()).map(|a| a.id),
            Some(a.id)
        );
    }
}

#[test]
fn seed_keys_resolve_with_their_types() {
    let cat = Catalog::embedded();
    let ty = |scalar, multivalued| KeyType {
        scalar,
        multivalued,
    };
    let cases = [
        (
            "aws:MultiFactorAuthPresent",
            ty(ScalarType::Bool, false),
            true,
        ),
        ("aws:SourceIp", ty(ScalarType::IpAddress, false), true),
        ("aws:TagKeys", ty(ScalarType::String, true), true),
        ("aws:CurrentTime", ty(ScalarType::Date, false), true),
        ("sts:ExternalId", ty(ScalarType::String, false), false),
        ("iam:PassedToService", ty(ScalarType::String, false), false),
        ("aws:ViaAWSService", ty(ScalarType::Bool, false), true),
    ];
    for (name, t, global) in cases {
        let k = cat
            .condition_key(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(k.types, vec![t], "{name}");
        assert_eq!(k.global, global, "{name}");
        assert_eq!(k.name.to_ascii_lowercase(), name.to_ascii_lowercase());
        assert!(cat.condition_key(&name.to_ascii_lowercase()).is_some());
    }
}

#[test]
fn show_an_action() {
    let v = run_json(&["catalog", "show", "s3:getobject"]);
    assert_eq!(v["kind"], "action");
    assert_eq!(v["name"], "s3:GetObject");
    assert_eq!(v["access_level"], "Read");
    let res = v["resource_types"].as_array().unwrap();
    let object = res.iter().find(|r| r["name"] == "object").unwrap();
    assert_eq!(
        object["arn_formats"][0],
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );
    assert!(v["condition_keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "s3:ExistingObjectTag/<key>"));
    assert!(!v["description"].as_str().unwrap().is_empty());
    let v = run_json(&["catalog", "show", "iam:PassRole"]);
    assert_eq!(v["access_level"], "Write");
    assert_eq!(v["resource_types"][0]["required"], true);
    // Dependent actions are what an operation needs besides its own action, one way:
    // accepting a handshake may need leaving the old organization, not the reverse, and
    // PassRole, which a thousand operations need, needs nothing (it used to list 1,083).
    let deps = |name: &str| run_json(&["catalog", "show", name])["dependent_actions"].clone();
    assert_eq!(
        deps("organizations:AcceptHandshake"),
        serde_json::json!(["organizations:LeaveOrganization"])
    );
    assert_eq!(
        deps("organizations:LeaveOrganization"),
        serde_json::json!([])
    );
    assert_eq!(deps("iam:PassRole"), serde_json::json!([]));
    assert!(deps("ec2:RunInstances")
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "iam:PassRole"));
    let text = iamc()
        .args(["catalog", "show", "s3:GetObject"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("access_level: Read"));
}

#[test]
fn show_a_service_and_a_key() {
    let v = run_json(&["catalog", "show", "S3"]);
    assert_eq!(v["kind"], "service");
    assert_eq!(v["name"], "s3");
    assert_eq!(v["display_name"], "Amazon S3");
    assert_eq!(v["retired"], false);
    let v = run_json(&["catalog", "show", "deeplens"]);
    assert_eq!(v["retired"], true);
    let v = run_json(&["catalog", "show", "aws:PrincipalTag/team"]);
    assert_eq!(v["kind"], "condition_key");
    assert_eq!(v["name"], "aws:PrincipalTag/${TagKey}");
    assert_eq!(v["global"], true);
    assert_eq!(v["types"][0], "String");
    let v = run_json(&["catalog", "show", "aws:TagKeys"]);
    assert_eq!(v["types"][0], "ArrayOfString");
}

#[test]
fn show_unknown_suggests() {
    let out = iamc()
        .args(["catalog", "show", "s3:GetObjects"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `s3:GetObject`?"), "{err}");
}

#[test]
fn search_finds_actions_services_and_keys() {
    let v = run_json(&["catalog", "search", "MultiFactorAuth"]);
    assert!(v["condition_keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["name"] == "aws:MultiFactorAuthPresent"));
    let v = run_json(&["catalog", "search", "virtualmfa"]);
    assert!(v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "iam:CreateVirtualMFADevice"));
    let v = run_json(&["catalog", "search", "Amazon S3"]);
    assert!(v["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "s3"));
}

/// `catalog search vpce` finds about 70 things; `--service`, `--kind` and `--limit`
/// narrow them, and what is left out is counted.
#[test]
fn search_narrows_by_service_kind_and_limit() {
    let names = |v: &Value, kind: &str| -> Vec<String> {
        v[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = run_json(&["catalog", "search", "vpce"]);
    assert!(names(&all, "actions").len() > 40);
    let v = run_json(&["catalog", "search", "vpce", "--service", "ec2"]);
    assert!(names(&v, "services").is_empty());
    assert!(!names(&v, "actions").is_empty());
    assert!(names(&v, "actions").iter().all(|a| a.starts_with("ec2:")));
    assert!(names(&v, "condition_keys")
        .iter()
        .all(|k| k.starts_with("ec2:")));
    let v = run_json(&[
        "catalog",
        "search",
        "vpce",
        "--service",
        "aws",
        "--kind",
        "key",
    ]);
    assert!(names(&v, "actions").is_empty());
    assert!(names(&v, "condition_keys").contains(&"aws:SourceVpce".to_string()));
    let v = run_json(&[
        "catalog", "search", "vpce", "--kind", "action", "--limit", "3",
    ]);
    assert_eq!(names(&v, "actions").len(), 3);
    assert_eq!(
        v["not_shown"]["actions"].as_u64().unwrap() as usize,
        names(&all, "actions").len() - 3
    );
    let out = iamc()
        .args([
            "catalog", "search", "vpce", "--kind", "action", "--limit", "3",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("more not shown"));
    let out = iamc()
        .args(["catalog", "search", "vpce", "--service", "ec3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `ec2`?"));
}

/// `catalog show KEY` knows a key exactly when `iamc check` accepts it in a condition:
/// identity providers' claims included (`token.actions.githubusercontent.com:sub` used
/// to be "unknown" to `show` while the checker took it).
#[test]
fn catalog_show_agrees_with_the_checker_on_keys() {
    let dir = scratch("keys");
    let keys = [
        "token.actions.githubusercontent.com:sub",
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:repository_id",
        "token.actions.githubusercontent.com:subb",
        "oidc.example.com:sub",
        "oidc.example.com:groups",
        "accounts.google.com:aud",
        "cognito-identity.amazonaws.com:amr",
        "aws:SourceIp",
        "aws:SourceIpp",
        "s3:prefix",
        "s3:prefixx",
    ];
    for key in keys {
        let file = dir.join("k.iamc");
        std::fs::write(
            &file,
            format!(
                "trust T {{
    allow sts:AssumeRoleWithWebIdentity from federated(\"accounts.google.com\") when exists({key})
}}
"
            ),
        )
        .unwrap();
        let (_, v) =
            crate::support::json_report(iamc().arg("check").arg(&file).args(["--format", "json"]));
        let checker_knows = !crate::support::codes(&v).iter().any(|c| c == "E0343");
        let show = iamc().args(["catalog", "show", key]).output().unwrap();
        assert_eq!(
            show.status.code() == Some(0),
            checker_knows,
            "{key}: check says {v}, show says {}",
            String::from_utf8_lossy(&show.stderr)
        );
    }
    let v = run_json(&["catalog", "show", "token.actions.githubusercontent.com:sub"]);
    assert_eq!(v["types"], serde_json::json!(["String"]));
    assert_eq!(
        v["identity_provider"],
        "token.actions.githubusercontent.com"
    );
    let out = iamc()
        .args([
            "catalog",
            "show",
            "token.actions.githubusercontent.com:subb",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("did you mean `token.actions.githubusercontent.com:sub`?"));
}

#[test]
fn expand_patterns() {
    let v = run_json(&["expand", "s3:Get*"]);
    let actions: Vec<&str> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(actions.contains(&"s3:GetObject"));
    assert!(actions.iter().all(|a| a.starts_with("s3:Get")));
    assert_eq!(v["count"], actions.len());
    let v = run_json(&["expand", "iam:?etUser"]);
    assert_eq!(v["actions"], serde_json::json!(["iam:GetUser"]));
    let v = run_json(&["expand", "*:Describe*"]);
    assert!(v["count"].as_u64().unwrap() > 1000);
    let v = run_json(&["expand", "*"]);
    assert_eq!(v["count"], 21862);
    // What matches nothing gets the did-you-mean docs/catalog.md promises, and the
    // checker's E0342 offers the same one.
    for (typo, meant) in [
        ("s3:Gett*", "s3:Get*"),
        ("*:Descrbe*", "*:Describe*"),
        ("stss:Get*", "sts:Get*"),
        ("s3:GetObjects", "s3:GetObject"),
        ("iam:Lst*", "iam:List*"),
    ] {
        let out = iamc().args(["expand", typo]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("did you mean `{meant}`?")),
            "{typo}: {err}"
        );
    }
    let dir = scratch("e0342");
    let file = dir.join("p.iamc");
    std::fs::write(&file, "policy P {\n    allow s3:Gett* on *\n}\n").unwrap();
    let out = iamc()
        .arg("check")
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0342");
    assert_eq!(v["diagnostics"][0]["help"], "did you mean `s3:Get*`?");
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A tiny folder in AWS's format: two services and the global key list.
fn tiny_reference(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    write(
        &dir.join("demo.json"),
        r#"{"Name": "demo", "Version": "v1.4",
  "Actions": [
    {"Name": "ReadThing", "ActionConditionKeys": ["demo:Color"],
     "Annotations": {"Properties": {"IsList": false, "IsPermissionManagement": false, "IsTaggingOnly": false, "IsWrite": false}},
     "Resources": [{"Name": "thing"}]},
    {"Name": "WriteThing",
     "Annotations": {"Properties": {"IsList": false, "IsPermissionManagement": false, "IsTaggingOnly": false, "IsWrite": true}},
     "Resources": [{"Name": "thing"}]}
  ],
  "Resources": [{"Name": "thing", "ARNFormats": ["arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}"],
                 "ConditionKeys": ["aws:ResourceTag/${TagKey}"]}],
  "ConditionKeys": [{"Name": "demo:Color", "Types": ["String"]},
                    {"Name": "aws:ResourceTag/${TagKey}", "Types": ["String"]}],
  "Operations": [{"Name": "WriteThing", "AuthorizedActions": [{"Name": "WriteThing", "Service": "demo"}, {"Name": "ReadThing", "Service": "demo"}]},
                 {"Name": "BatchThings", "AuthorizedActions": [{"Name": "WriteThing", "Service": "demo"}, {"Name": "ReadThing", "Service": "demo"}]}]
}"#,
    );
    write(
        &dir.join("other.json"),
        r#"{"Name": "other", "Version": "v1.4",
  "Actions": [{"Name": "Ping", "Annotations": {"Properties": {"IsList": true, "IsPermissionManagement": false, "IsTaggingOnly": false, "IsWrite": false}}}]}"#,
    );
    write(
        &dir.join("global-condition-keys.json"),
        r#"{"ConditionKeys": [{"Name": "aws:SourceIp", "Types": ["IPAddress"]},
                             {"Name": "aws:ResourceTag/${TagKey}", "Types": ["String"]}]}"#,
    );
}

#[test]
fn update_then_use_with_the_env_var() {
    let dir = scratch("update");
    let src = dir.join("ref");
    tiny_reference(&src);
    let out_file = dir.join("out").join("catalog.bin");
    let st = iamc()
        .args(["catalog", "update", "--from"])
        .arg(&src)
        .arg("--out")
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let first = std::fs::read(&out_file).unwrap();
    // Deterministic: the same input gives identical bytes.
    let again = dir.join("out").join("again.bin");
    let st = iamc()
        .args(["catalog", "update", "--from"])
        .arg(&src)
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(st.status.success());
    assert_eq!(first, std::fs::read(&again).unwrap());

    let with_env = |args: &[&str]| {
        json(
            &iamc()
                .env("IAMC_CATALOG", &out_file)
                .args(args)
                .arg("--format")
                .arg("json")
                .output()
                .unwrap(),
        )
    };
    let v = with_env(&["catalog", "stats"]);
    assert_eq!(v["services"], 2);
    assert_eq!(v["actions"], 3);
    assert_eq!(v["resource_types"], 1);
    assert_eq!(v["global_keys"], 2);
    assert_eq!(v["origin"], out_file.display().to_string());
    let v = with_env(&["catalog", "show", "demo:writething"]);
    assert_eq!(v["access_level"], "Write");
    assert_eq!(
        v["dependent_actions"],
        serde_json::json!(["demo:ReadThing"])
    );
    // `BatchThings` authorizes both and is neither: it makes no one depend on the other.
    let v = with_env(&["catalog", "show", "demo:readthing"]);
    assert_eq!(v["dependent_actions"], serde_json::json!([]));
    let v = with_env(&["catalog", "show", "demo:color"]);
    assert_eq!(v["types"], serde_json::json!(["String"]));
    let v = with_env(&["expand", "*:*Thing"]);
    assert_eq!(v["count"], 2);
    // The embedded catalog is not in use: s3 is unknown here.
    let out = iamc()
        .env("IAMC_CATALOG", &out_file)
        .args(["catalog", "show", "s3:GetObject"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_broken_catalog_file_is_an_io_error() {
    let dir = scratch("broken");
    let f = dir.join("bad.bin");
    std::fs::write(&f, b"IAMCCAT1garbage").unwrap();
    let out = iamc()
        .env("IAMC_CATALOG", &f)
        .args(["catalog", "stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use catalog"));
}

#[test]
fn update_without_service_files_fails() {
    let dir = scratch("empty-ref");
    let out = iamc()
        .args(["catalog", "update", "--from"])
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("x.bin"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The committed catalog is exactly what the converter makes of the snapshot (when the
/// snapshot is on this machine; users' builds never need it).
#[test]
fn committed_catalog_is_regenerated_identically() {
    let snapshot = Path::new("/work/shared/catalog");
    if !snapshot.join("service-reference").is_dir() {
        eprintln!("skipped: no snapshot at {}", snapshot.display());
        return;
    }
    let input = iamc::cli::commands::catalog::read_input(snapshot).unwrap();
    let bytes = iamc::catalog::convert::convert(&input).unwrap();
    let committed =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalog/data/catalog.bin"))
            .unwrap();
    assert!(
        bytes == committed,
        "run `iamc catalog update --from /work/shared/catalog --out src/catalog/data/catalog.bin`"
    );
}

// ---- the catalog corpus -------------------------------------------------------------------

fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(kind)
        .join("catalog");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "iamc"))
        .collect();
    files.sort();
    files
}

/// `// expect: CODE L:C-L:C` lines of a source.
fn expectations(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("// expect:"))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let code = parts.next().unwrap().to_string();
            let span = parts.next().unwrap().to_string();
            (code, span)
        })
        .collect()
}

#[test]
fn corpus_is_well_formed() {
    let bad = corpus("malformed");
    assert!(bad.len() >= 40, "only {} malformed sources", bad.len());
    for f in &bad {
        let text = std::fs::read_to_string(f).unwrap();
        let exps = expectations(&text);
        assert!(!exps.is_empty(), "{} has no expectation", f.display());
        for (code, span) in exps {
            assert!(
                iamc::diagnostics::Code::parse(&code).is_some(),
                "{code} unknown"
            );
            let (a, b) = span.split_once('-').unwrap();
            for pos in [a, b] {
                let (l, c) = pos.split_once(':').unwrap();
                let (l, c): (usize, usize) = (l.parse().unwrap(), c.parse().unwrap());
                assert!(
                    c >= 1 && text.lines().nth(l - 1).is_some(),
                    "{span} in {}",
                    f.display()
                );
            }
        }
        let valid = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/valid/catalog")
            .join(f.file_name().unwrap());
        assert!(valid.is_file(), "{} has no corrected version", f.display());
    }
}

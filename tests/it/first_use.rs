//! What a new user hits first (issue #12), through the real binary: the help that says
//! which standard-library import is missing, service names next to constants, values
//! that only look right, principals IAM accepts, trust policies for OIDC providers.
//! Each test states the behaviour it pins down; the corpora under `tests/malformed/` hold
//! the codes and spans.

use crate::support::{codes, json_report};
use serde_json::Value;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-first-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `iamc check FILE --format json` on `text`: the exit code and the report.
fn check(name: &str, text: &str) -> (i32, Value) {
    let dir = scratch(name);
    let file = dir.join("main.iamc");
    std::fs::write(&file, text).unwrap();
    json_report(
        crate::support::iamc()
            .arg("check")
            .arg(&file)
            .args(["--format", "json"]),
    )
}

/// Applies a diagnostic's fix to `text`.
fn apply_fix(text: &str, d: &Value) -> String {
    let fix = &d["fix"];
    let start = fix["span"]["start"].as_u64().unwrap() as usize;
    let end = fix["span"]["end"].as_u64().unwrap() as usize;
    format!(
        "{}{}{}",
        &text[..start],
        fix["replacement"].as_str().unwrap(),
        &text[end..]
    )
}

/// A template, constant or document of the standard library used without its import:
/// the help names the import and the fix adds it; applied, the file checks clean.
#[test]
fn a_missing_standard_library_import_is_suggested() {
    let text = "import std.guards.mfa_guard\n\npolicy P {\n    use allowlist(services: [s3])\n    use mfa_guard(except: [iam:ChangePassword])\n}\n";
    let (code, v) = check("std-import", text);
    assert_eq!(code, 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(
        d["help"],
        "import it from the standard library: `import std.patterns.allowlist`"
    );
    let fixed = apply_fix(text, d);
    assert!(fixed.starts_with("import std.guards.mfa_guard\nimport std.patterns.allowlist\n"));
    let (code, v) = check("std-import-fixed", &fixed);
    assert_eq!((code, codes(&v)), (0, vec![]), "{fixed}");

    // Without any import, the fix goes at the top; a document of the library too.
    let text = "policy P {\n    allow s3:GetObject on *\n}\n\nprincipal Dev {\n    policies: [P]\n    scps: [[FullAWSAccess]]\n}\n";
    let (_, v) = check("std-doc", text);
    let d = &v["diagnostics"][0];
    assert_eq!(
        d["help"],
        "import it from the standard library: `import std.scp.FullAWSAccess`"
    );
    let fixed = apply_fix(text, d);
    assert!(fixed.starts_with("import std.scp.FullAWSAccess\n\npolicy P"));
    let (code, v) = check("std-doc-fixed", &fixed);
    assert_eq!((code, codes(&v)), (0, vec![]), "{fixed}");
}

/// `iamc build FILE --out DIR --format json` on `text`: the exit code, the report and the
/// written documents by name.
fn build(name: &str, text: &str) -> (i32, Value, Vec<(String, Value)>) {
    let dir = scratch(name);
    let file = dir.join("main.iamc");
    std::fs::write(&file, text).unwrap();
    let out_dir = dir.join("out");
    let (code, v) = json_report(
        crate::support::iamc()
            .arg("build")
            .arg(&file)
            .arg("--out")
            .arg(&out_dir)
            .args(["--format", "json"]),
    );
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&out_dir).into_iter().flatten().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = n.strip_suffix(".json") {
            let doc: Value = serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
            docs.push((stem.to_string(), doc));
        }
    }
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    (code, v, docs)
}

/// `{name}` in a plain string is interpolated as in an ARN literal (it used to be
/// emitted as written); `{{` and `}}` are braces; a name that is not in scope is E0201.
#[test]
fn names_in_strings_are_interpolated() {
    let text = "const region = \"eu-west-1\"\n\npolicy P {\n    allow kms:Decrypt on * when kms:ViaService == \"s3.{region}.amazonaws.com\"\n        and aws:PrincipalTag/note == \"{{region}}\"\n}\n";
    let (code, v, docs) = build("interp", text);
    assert_eq!(code, 0, "{v}");
    let cond = &docs[0].1["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(cond["kms:ViaService"], "s3.eu-west-1.amazonaws.com");
    assert_eq!(cond["aws:PrincipalTag/note"], "{region}");
    let (code, v) = check("interp-unknown", &text.replace("{region}.", "{regoin}."));
    assert_eq!(code, 1);
    assert_eq!(codes(&v), ["E0201"]);
    assert_eq!(v["diagnostics"][0]["help"], "did you mean `region`?");
}

/// A project folder with `iamc.toml` and `iam/main.iamc`.
fn project(name: &str, toml: &str, main: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    std::fs::write(dir.join("iamc.toml"), toml).unwrap();
    std::fs::write(dir.join("iam/main.iamc"), main).unwrap();
    dir
}

/// `iamc ARGS --format json` in `dir`: the exit code and the report.
fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    json_report(
        crate::support::iamc()
            .args(args)
            .args(["--format", "json"])
            .current_dir(dir),
    )
}

/// `iamc.toml` constants are strings, numbers, booleans and lists of them, per
/// environment (`regions = [...]` used to be E0904), typed where they are used.
#[test]
fn environment_constants_are_lists_numbers_and_booleans() {
    let toml = "[project]\nsources = [\"iam\"]\n\n[env.dev]\nregions = [\"eu-west-1\", \"eu-central-1\"]\nmax_keys = 100\nstrict = true\n\n[env.prod]\nregions = [\"us-east-1\"]\nmax_keys = 10\nstrict = false\n";
    let main = "const regions: List<String> = env.regions\n\nscp RegionLock {\n    deny * on * when aws:RequestedRegion not in regions\n}\n\npolicy Lists {\n    allow s3:ListBucket on * when s3:max-keys <= env.max_keys and aws:SecureTransport == env.strict\n}\n";
    let dir = project("env-typed", toml, main);
    let (code, v) = run_in(&dir, &["build", "--env", "prod"]);
    assert_eq!((code, codes(&v)), (0, vec![]), "{v}");
    let read = |n: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join("out").join(n)).unwrap()).unwrap()
    };
    let lock = read("RegionLock.json");
    assert_eq!(
        lock["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"],
        "us-east-1"
    );
    let lists = read("Lists.json");
    let cond = &lists["Statement"][0]["Condition"];
    assert_eq!(cond["NumericLessThanEquals"]["s3:max-keys"], "10");
    assert_eq!(cond["Bool"]["aws:SecureTransport"], "false");
    let (code, _) = run_in(&dir, &["build"]);
    assert_eq!(code, 0);
    let lock = read("RegionLock.json");
    assert_eq!(
        lock["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"],
        serde_json::json!(["eu-west-1", "eu-central-1"])
    );

    // A list item of the wrong type: reported where it is used, with the item located in
    // `iamc.toml`.
    let bad = toml.replace("regions = [\"us-east-1\"]", "regions = [\"us-east-1\", 3]");
    let dir = project("env-typed-bad", &bad, main);
    let (code, v) = run_in(&dir, &["check", "--env", "prod"]);
    assert_eq!(code, 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0301", "{v}");
    assert_eq!(d["message"], "expected `String`, found `Number`");
    assert_eq!(d["span"]["file"], "iam/main.iamc");
    let label = &d["labels"][0];
    assert_eq!(label["span"]["file"], "iamc.toml");
    assert_eq!(label["span"]["start_pos"]["line"], 10);
    assert_eq!(label["span"]["start_pos"]["column"], 25);
}

/// `from arn"arn:aws:s3:::bucket"` used to be emitted as `{"AWS": "arn:aws:s3:::bucket"}`,
/// which IAM rejects; now it is E0336 with the way to say what was meant.
#[test]
fn a_resource_is_no_principal() {
    let text = "trust T {\n    allow sts:AssumeRole from arn\"arn:aws:s3:::bucket\"\n}\n";
    let (code, v) = check("principal-bucket", text);
    assert_eq!((code, codes(&v)), (1, vec!["E0336".to_string()]));
    let d = &v["diagnostics"][0];
    assert_eq!(
        d["message"],
        "`arn:aws:s3:::bucket` is a resource of `s3`, not a principal"
    );
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains("service(\"s3.amazonaws.com\")") && help.contains("aws:SourceArn"),
        "{help}"
    );
}

/// Trust policies: only the assume-role actions mean something; a federated provider
/// needs its own action (the fix writes it); GitHub's provider needs a subject.
#[test]
fn trust_policies_say_what_they_mean() {
    let (code, v) = check(
        "trust-action",
        "trust T {\n    allow s3:GetObject from service(\"ec2.amazonaws.com\")\n}\n",
    );
    assert_eq!((code, codes(&v)), (1, vec!["E0337".to_string()]));

    let text = "trust Deploy {\n    allow sts:AssumeRole\n        from federated(arn\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\")\n        when token.actions.githubusercontent.com:aud == \"sts.amazonaws.com\"\n            and token.actions.githubusercontent.com:sub like \"repo:acme/app:*\"\n}\n";
    let (code, v) = check("trust-federated", text);
    assert_eq!((code, codes(&v)), (1, vec!["E0338".to_string()]));
    let fixed = apply_fix(text, &v["diagnostics"][0]);
    assert!(
        fixed.contains("allow sts:AssumeRoleWithWebIdentity\n"),
        "{fixed}"
    );
    let (code, v) = check("trust-federated-fixed", &fixed);
    assert_eq!((code, codes(&v)), (0, vec![]), "{v}");

    // Without the subject test: anyone's workflow on GitHub could assume the role.
    let open = fixed.replace(
        "\n            and token.actions.githubusercontent.com:sub like \"repo:acme/app:*\"",
        "",
    );
    let (code, v) = check("trust-oidc-open", &open);
    assert_eq!((code, codes(&v)), (1, vec!["E0339".to_string()]), "{open}");
    // A subject for the whole organization is a warning, with the narrower form.
    let org = fixed.replace("repo:acme/app:*", "repo:acme/*");
    let (code, v) = check("trust-oidc-org", &org);
    assert_eq!((code, codes(&v)), (0, vec!["W0348".to_string()]));
    assert!(v["diagnostics"][0]["help"]
        .as_str()
        .unwrap()
        .contains("repo:acme/REPO:ref:refs/heads/main"));
}

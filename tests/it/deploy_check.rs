//! The deployable targets judged by things iamc did not write: every policy inside every
//! CloudFormation template (read by an independent YAML parser) and Terraform
//! configuration (read by python-hcl2) is, once this test substitutes sample values for
//! `Fn::Sub` and for Terraform's interpolations itself, the same document as the JSON
//! target's, policy variables intact; and every CloudFormation template passes cfn-lint.
//!
//! cfn-lint and python-hcl2 come from PyPI: `.ci/run` installs them into a virtual
//! environment (`target/ci-tools`) and sets `IAMC_CI`. Without them a test says so and
//! passes, except in CI (`IAMC_CI` set), where it fails.

use crate::deploy::{build, cases, files, root, scratch, Case};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the policies of a template must be: the JSON target's documents, and the
/// values that replace the deployed account, region, partition and URL suffix.
pub struct Oracle {
    /// Names the build in messages.
    pub label: String,
    /// The JSON target's documents by declaration name.
    pub documents: BTreeMap<String, Value>,
    /// The names of the trust policies (a role's has no name in a template).
    pub trusts: Vec<String>,
    /// Documents the build said it left out of the templates (W0606).
    pub left_out: Vec<String>,
    pub account: String,
    pub region: String,
}

/// One build of a case in each CloudFormation format, with its JSON documents.
struct Built {
    case: Case,
    yaml: PathBuf,
    json: PathBuf,
    oracle: Oracle,
}

fn built(tag: &str) -> Vec<Built> {
    cases()
        .into_iter()
        .map(|case| {
            let yaml = scratch(&format!("{tag}-{}-yaml", case.name));
            let stdout = build(
                &case.sources,
                &yaml,
                &["--cloudformation-format", "yaml", "--format", "json"],
            );
            let report: Value = serde_json::from_str(&stdout).unwrap();
            let json = scratch(&format!("{tag}-{}-json", case.name));
            build(&case.sources, &json, &["--cloudformation-format", "json"]);
            let mut documents = BTreeMap::new();
            let mut trusts = Vec::new();
            for o in report["outputs"].as_array().unwrap() {
                if o["target"] != "json" {
                    continue;
                }
                let name = o["name"].as_str().unwrap().to_string();
                let text = std::fs::read_to_string(o["file"].as_str().unwrap()).unwrap();
                documents.insert(name.clone(), serde_json::from_str(&text).unwrap());
                if o["kind"] == "trust policy" {
                    trusts.push(name);
                }
            }
            let left_out = report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"] == "W0606")
                .map(|d| {
                    let m = d["message"].as_str().unwrap();
                    m.split('`').nth(1).unwrap().to_string()
                })
                .collect();
            let oracle = Oracle {
                label: case.name.to_string(),
                documents,
                trusts,
                left_out,
                account: case.account.to_string(),
                region: case.region.to_string(),
            };
            Built {
                case,
                yaml,
                json,
                oracle,
            }
        })
        .collect()
}

fn clean(b: &[Built]) {
    for x in b {
        let _ = std::fs::remove_dir_all(&x.yaml);
        let _ = std::fs::remove_dir_all(&x.json);
    }
}

// ---- reading the templates back -----------------------------------------------------------

fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(r) => Value::String(r.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => panic!("a map key that is not a string: {other:?}"),
                };
                m.insert(key, yaml_to_json(v));
            }
            Value::Object(m)
        }
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML value {other:?}"),
    }
}

/// A CloudFormation template's text, YAML or JSON, as a JSON value.
pub fn parse_template(text: &str, json: bool) -> Value {
    if json {
        serde_json::from_str(text).unwrap()
    } else {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs.len(), 1);
        yaml_to_json(&docs[0])
    }
}

fn read_template(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    parse_template(&text, path.extension().is_some_and(|e| e == "json"))
}

/// The values this test gives CloudFormation's pseudo parameters.
fn cfn_samples(o: &Oracle) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("AWS::AccountId", o.account.clone()),
        ("AWS::Region", o.region.clone()),
        ("AWS::Partition", "aws".to_string()),
        ("AWS::URLSuffix", "amazonaws.com".to_string()),
    ])
}

/// What CloudFormation does to an `Fn::Sub` string: `${!x}` is the text `${x}`, `${Name}`
/// the value of a pseudo parameter. A name this test has no sample for fails the test
/// (CloudFormation would reject the template).
fn sub(text: &str, samples: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            out.push_str("${");
            rest = literal;
            continue;
        }
        let end = after
            .find('}')
            .unwrap_or_else(|| panic!("unclosed ${{ in {text}"));
        let name = &after[..end];
        out.push_str(
            samples
                .get(name)
                .unwrap_or_else(|| panic!("`${{{name}}}` in Fn::Sub has no value: {text}")),
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A template value with every `Fn::Sub` resolved; any other intrinsic function inside a
/// policy fails the test.
pub fn resolve(v: &Value, samples: &BTreeMap<&str, String>) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Sub") => match &m["Fn::Sub"] {
            Value::String(s) => Value::String(sub(s, samples)),
            other => panic!("Fn::Sub with variables: {other}"),
        },
        Value::Object(m) => {
            assert!(
                !m.keys().any(|k| k.starts_with("Fn::") || k == "Ref"),
                "an intrinsic function inside a policy: {v}"
            );
            Value::Object(
                m.iter()
                    .map(|(k, x)| (k.clone(), resolve(x, samples)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| resolve(x, samples)).collect()),
        other => other.clone(),
    }
}

/// Compares one document of a template with the JSON target's document `name` (or, for
/// a role's trust policy, one of the trust policies); returns the name matched.
fn same_document(o: &Oracle, what: &str, name: Option<&str>, got: Value) -> String {
    match name {
        Some(n) => {
            let want = o
                .documents
                .get(n)
                .unwrap_or_else(|| panic!("{}: {what}: no JSON document `{n}`", o.label));
            assert_eq!(
                &got, want,
                "{}: {what} is not the JSON target's `{n}`",
                o.label
            );
            n.to_string()
        }
        None => o
            .trusts
            .iter()
            .find(|t| o.documents.get(*t) == Some(&got))
            .unwrap_or_else(|| {
                panic!(
                    "{}: {what}: no trust policy of the JSON target is {got}",
                    o.label
                )
            })
            .clone(),
    }
}

/// Every policy document in a CloudFormation template (`what` names it in messages),
/// checked; the names matched.
pub fn check_cfn(o: &Oracle, what: &str, t: &Value) -> Vec<String> {
    let samples = cfn_samples(o);
    let mut seen = Vec::new();
    let resources = t["Resources"].as_object().unwrap();
    for (id, r) in resources {
        let p = &r["Properties"];
        let what = format!("{what} {id}");
        let mut check = |key: &str, name: Option<&str>| {
            seen.push(same_document(
                o,
                &format!("{what} {key}"),
                name,
                resolve(&p[key], &samples),
            ));
        };
        match r["Type"].as_str().unwrap() {
            "AWS::IAM::ManagedPolicy" => check("PolicyDocument", p["ManagedPolicyName"].as_str()),
            "AWS::Organizations::Policy" => check("Content", p["Name"].as_str()),
            "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                check("PolicyDocument", Some(id))
            }
            "AWS::KMS::Key" => check("KeyPolicy", Some(id)),
            "AWS::IAM::Role" => {
                check("AssumeRolePolicyDocument", None);
                for inline in p["Policies"].as_array().into_iter().flatten() {
                    let name = inline["PolicyName"].as_str().unwrap();
                    let got = resolve(&inline["PolicyDocument"], &samples);
                    seen.push(same_document(
                        o,
                        &format!("{what} Policies"),
                        Some(name),
                        got,
                    ));
                }
            }
            "AWS::KMS::Alias" => {}
            other => panic!("{what}: unexpected resource type {other}"),
        }
    }
    seen
}

fn template_files(dir: &Path, folder: &str) -> Vec<PathBuf> {
    files(dir)
        .into_keys()
        .filter(|n| n.starts_with(folder))
        .map(|n| dir.join(n))
        .collect()
}

/// Every document of the JSON target was found in the templates, but those the build
/// said it left out (trust policies no role uses, resource policies without a target).
fn all_deployed(b: &Built, mut seen: Vec<String>) {
    seen.sort();
    seen.dedup();
    let want: Vec<&String> = b
        .oracle
        .documents
        .keys()
        .filter(|n| !b.oracle.left_out.contains(n))
        .collect();
    assert_eq!(
        seen.iter().collect::<Vec<_>>(),
        want,
        "{}: documents missing",
        b.case.name
    );
}

#[test]
fn cloudformation_policies_are_the_json_documents() {
    let all = built("cfn");
    for b in &all {
        for dir in [&b.yaml, &b.json] {
            let seen = template_files(dir, "cloudformation/")
                .iter()
                .flat_map(|p| check_cfn(&b.oracle, &p.display().to_string(), &read_template(p)))
                .collect();
            all_deployed(b, seen);
        }
    }
    // Policy variables are escaped in Fn::Sub, kept as they are elsewhere.
    let seeds = all.iter().find(|b| b.case.name == "seeds").unwrap();
    let text = std::fs::read_to_string(seeds.yaml.join("cloudformation/seeds.yaml")).unwrap();
    assert!(text.contains(r#"Fn::Sub: "arn:${AWS::Partition}:iam::*:user/${!aws:username}""#));
    assert!(seeds.oracle.documents["MfaSelfService"]
        .to_string()
        .contains("user/${aws:username}"));
    clean(&all);
}

// ---- Terraform ------------------------------------------------------------------------------

/// A tool of the CI virtual environment (`target/ci-tools/bin/NAME`, made by `.ci/run`),
/// else NAME on the path, that answers `args` successfully.
fn tool(name: &str, args: &[&str]) -> Option<PathBuf> {
    [
        root().join("target/ci-tools/bin").join(name),
        PathBuf::from(name),
    ]
    .into_iter()
    .find(|p| {
        std::process::Command::new(p)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A Python with python-hcl2.
pub fn python_with_hcl2() -> Option<PathBuf> {
    tool("python3", &["-c", "import hcl2"])
}

/// A tool is missing: fails in CI, says so and passes elsewhere.
pub fn missing(tool: &str) {
    let msg = format!("{tool} not found: install it with `.ci/run`'s setup (a virtual environment in target/ci-tools)");
    assert!(std::env::var_os("IAMC_CI").is_none(), "{msg}");
    eprintln!("note: skipped: {msg}");
}

/// Every `main.tf` parsed by python-hcl2, as JSON, by path.
pub fn parse_hcl(python: &Path, paths: &[PathBuf]) -> BTreeMap<PathBuf, Value> {
    let script =
        "import hcl2, json, sys\nprint(json.dumps({p: hcl2.load(open(p)) for p in sys.argv[1:]}))";
    let o = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(paths)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python-hcl2: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: BTreeMap<String, Value> = serde_json::from_slice(&o.stdout).unwrap();
    v.into_iter().map(|(k, v)| (PathBuf::from(k), v)).collect()
}

/// python-hcl2 keeps a string's quotes (`"\"x\""`); the text inside them.
fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// The text of a `<<-EOT` heredoc as Terraform reads it: the lines between the markers,
/// less the indentation they all share.
fn heredoc(raw: &str) -> String {
    let raw = unquote(raw);
    let body = raw
        .strip_prefix("<<-EOT\n")
        .unwrap_or_else(|| panic!("not a heredoc: {raw}"));
    let mut lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.pop().map(str::trim), Some("EOT"), "{raw}");
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What Terraform does to a template string: `$${` is `${`, `%%{` is `%{`, `${data...}`
/// the data source's value (samples here); any other interpolation fails the test.
fn interpolate(text: &str, o: &Oracle) -> String {
    let samples = BTreeMap::from([
        (
            "data.aws_caller_identity.current.account_id",
            o.account.as_str(),
        ),
        ("data.aws_region.current.region", o.region.as_str()),
        ("data.aws_partition.current.partition", "aws"),
        ("data.aws_partition.current.dns_suffix", "amazonaws.com"),
    ]);
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = [
            rest.find("$${"),
            rest.find("%%{"),
            rest.find("${"),
            rest.find("%{"),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(at) = next else { break };
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(t) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = t;
        } else if let Some(t) = tail.strip_prefix("%%{") {
            out.push_str("%{");
            rest = t;
        } else if let Some(t) = tail.strip_prefix("${") {
            let end = t.find('}').unwrap();
            let name = &t[..end];
            out.push_str(
                samples
                    .get(name)
                    .unwrap_or_else(|| panic!("interpolation `{name}` in {text}")),
            );
            rest = &t[end + 1..];
        } else {
            panic!("a template directive in {text}");
        }
    }
    out.push_str(rest);
    out
}

/// Every policy in a parsed Terraform configuration, checked; the names matched.
pub fn check_tf(o: &Oracle, path: &Path, tf: &Value) -> Vec<String> {
    let mut seen = Vec::new();
    let doc = |raw: &Value| -> Value {
        let text = interpolate(&heredoc(raw.as_str().unwrap()), o);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}: {text}", path.display()))
    };
    for block in tf["resource"].as_array().into_iter().flatten() {
        for (ty, named) in block.as_object().unwrap() {
            for (name, r) in named.as_object().unwrap() {
                let (ty, name) = (unquote(ty), unquote(name));
                let what = format!("{} {ty}.{name}", path.display());
                let mut check = |key: &str, n: Option<&str>| {
                    seen.push(same_document(o, &format!("{what}.{key}"), n, doc(&r[key])));
                };
                match ty {
                    "aws_iam_policy" => check("policy", Some(unquote(r["name"].as_str().unwrap()))),
                    "aws_organizations_policy" => {
                        check("content", Some(unquote(r["name"].as_str().unwrap())))
                    }
                    "aws_s3_bucket_policy"
                    | "aws_sqs_queue_policy"
                    | "aws_sns_topic_policy"
                    | "aws_kms_key" => check("policy", Some(name)),
                    "aws_iam_role" => check("assume_role_policy", None),
                    "aws_iam_role_policy" => {
                        for (policy, raw) in r["for_each"].as_object().unwrap() {
                            seen.push(same_document(o, &what, Some(policy), doc(raw)));
                        }
                    }
                    "aws_iam_role_policy_attachment"
                    | "aws_organizations_policy_attachment"
                    | "aws_kms_alias" => {}
                    other => panic!("{what}: unexpected resource type {other}"),
                }
            }
        }
    }
    seen
}

#[test]
fn terraform_parses_and_its_policies_are_the_json_documents() {
    let Some(python) = python_with_hcl2() else {
        missing("python-hcl2");
        return;
    };
    let all = built("tf");
    for b in &all {
        let paths = template_files(&b.yaml, "terraform/");
        let parsed = parse_hcl(&python, &paths);
        assert_eq!(parsed.len(), paths.len());
        all_deployed(
            b,
            parsed
                .iter()
                .flat_map(|(p, tf)| check_tf(&b.oracle, p, tf))
                .collect(),
        );
    }
    clean(&all);
}

// ---- cfn-lint ---------------------------------------------------------------------------------

/// Every CloudFormation template of every case, in both formats, in one cfn-lint run: no
/// error, no warning, no informational finding.
#[test]
fn every_cloudformation_template_passes_cfn_lint() {
    let Some(lint) = tool("cfn-lint", &["--version"]) else {
        missing("cfn-lint");
        return;
    };
    let all = built("lint");
    let templates: Vec<PathBuf> = all
        .iter()
        .flat_map(|b| [&b.yaml, &b.json])
        .flat_map(|d| template_files(d, "cloudformation/"))
        .collect();
    assert!(templates.len() >= 12, "{templates:?}");
    let o = std::process::Command::new(&lint)
        .args(&templates)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    clean(&all);
}

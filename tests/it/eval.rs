//! Integration tests: the evaluation engine and `iamc eval`.
//!
//! Three layers: the scenario corpus in `tests/eval/*.json` (each file carries its expected
//! decision in `expect` and the AWS documentation it follows in `description`), a table of
//! rule-level cases below (each citing the IAM User Guide section it follows), and the CLI
//! contract of docs/eval-scenario.md driven through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions fail loudly on broken fixtures"
)]

use iamc::eval::scenario;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn corpus() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

fn decide(v: &Value) -> String {
    let s = scenario::parse_value(v).unwrap_or_else(|e| panic!("unusable scenario: {e}"));
    s.decide().outcome.as_str().to_string()
}

#[test]
fn corpus_scenarios_decide_as_expected() {
    let corpus = corpus();
    assert!(corpus.len() >= 25, "corpus shrank: {}", corpus.len());
    for (name, v) in &corpus {
        let expect = v["expect"].as_str().unwrap();
        assert_eq!(decide(v), expect, "{name}: {}", v["description"]);
    }
}

fn iamc() -> Command {
    crate::support::iamc()
}

fn run_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = iamc()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn binary_batch_agrees_with_the_corpus() {
    let corpus = corpus();
    let mut input = String::new();
    for (_, v) in &corpus {
        input.push_str(&serde_json::to_string(v).unwrap());
        input.push_str("\n\n"); // blank lines are skipped, not answered
    }
    let (code, stdout, _) = run_stdin(&["eval", "--batch", "-", "--format", "json"], &input);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), corpus.len());
    for ((name, v), line) in corpus.iter().zip(lines) {
        let out: Value = serde_json::from_str(line).unwrap();
        assert_eq!(out["decision"], v["expect"], "{name}");
    }
}

#[test]
fn single_file_and_stdin() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let file = dir.join("spec1-deny-wins.json");
    let out = iamc()
        .args(["eval", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.ends_with('\n') && stdout.lines().count() == 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["decision"], "explicit_deny");
    assert_eq!(
        v["statements"],
        json!([{"policy": "identity[0]", "statement": "1", "effect": "Deny"}])
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let (code, stdout, _) = run_stdin(&["eval", "-", "--format", "json"], &text);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["decision"],
        "explicit_deny"
    );
    // text format for people
    let (code, stdout, _) = run_stdin(&["eval", "-"], &text);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("explicit_deny") && stdout.contains("identity[0]"),
        "{stdout}"
    );
}

/// Bad input: exit 2, nothing on stdout, the JSON path on stderr.
#[test]
fn unusable_scenarios_exit_2_with_the_json_path() {
    let base = json!({"identity": [], "request": {"principal": "arn:aws:iam::111122223333:user/a",
        "action": "s3:GetObject", "resource": "*"}});
    let with = |path: &[&str], value: Value| {
        let mut v = base.clone();
        let mut cur = &mut v;
        for (i, p) in path.iter().enumerate() {
            if i + 1 == path.len() {
                cur[*p] = value.clone();
            } else {
                cur = &mut cur[*p];
            }
        }
        v.to_string()
    };
    let bad_doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": {"x": 1}}}}]});
    let bad_num = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"NumericLessThan": {"s3:max-keys": ["1", "ten"]}}}});
    let cases: Vec<(String, &str)> = vec![
        ("{not json".into(), "$: invalid JSON"),
        ("[]".into(), "$: expected a scenario object"),
        (
            with(&["identity"], json!({})),
            "$.identity: expected an array",
        ),
        (
            with(&["identity"], json!([bad_doc])),
            "$.identity[0].Statement[1].Condition.StringEquals.k",
        ),
        (
            with(&["boundary"], bad_num),
            "$.boundary.Statement.Condition.NumericLessThan.s3:max-keys[1]",
        ),
        (
            with(&["request", "principal"], json!(7)),
            "$.request.principal: expected a string",
        ),
        (
            with(&["request", "principal"], json!("alice")),
            "$.request.principal: expected an IAM user ARN",
        ),
        (
            with(
                &["request", "context"],
                json!({"aws:MultiFactorAuthPresent": true}),
            ),
            "$.request.context.aws:MultiFactorAuthPresent",
        ),
        (
            with(&["request", "context"], json!({"aws:TagKeys": ["a", 1]})),
            "$.request.context.aws:TagKeys[1]",
        ),
        // key names ignore case: two spellings of one key are ambiguous
        (
            with(
                &["request", "context"],
                json!({"aws:username": "a", "AWS:UserName": "b"}),
            ),
            "duplicate context key",
        ),
        // malformed documents inside a scenario: the JSON path of the problem
        (
            with(
                &["identity"],
                json!([{"Version": "2012-10-17", "Statement": "x"}]),
            ),
            "$.identity[0].Statement: expected a statement object or an array",
        ),
        (
            with(
                &["identity"],
                json!([{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}]),
            ),
            "$.identity[0].Statement[0]: both `Action` and `NotAction`",
        ),
        (
            with(
                &["identity"],
                json!([{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"k": "v"}}}}]),
            ),
            "$.identity[0].Statement.Condition.StringEqualz: unknown condition operator",
        ),
        // "Condition operators": BinaryEquals values must be base64
        (
            with(
                &["identity"],
                json!([{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"BinaryEquals": {"k": ["QQ==", "not base64!"]}}}}]),
            ),
            "$.identity[0].Statement.Condition.BinaryEquals.k[1]: expected base64 text",
        ),
        // "Policy variables": not with Numeric operators; the text is no number
        (
            with(
                &["identity"],
                json!([{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:username}"}}}}]),
            ),
            "$.identity[0].Statement.Condition.NumericLessThan.s3:max-keys: expected a number",
        ),
        // "Policy variables": in `Resource` only in the resource part (after the fifth colon)
        (
            with(
                &["identity"],
                json!([{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:s3:::b/*", "arn:aws:iam::${aws:PrincipalAccount}:user/x"]}}]),
            ),
            "$.identity[0].Statement.Resource[1]: policy variable before the resource part",
        ),
        (
            with(
                &["identity"],
                json!([{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:${aws:RequestedRegion}::b"}]}]),
            ),
            "$.identity[0].Statement[0].NotResource: policy variable before the resource part",
        ),
        (
            with(
                &["identity"],
                json!([{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}]),
            ),
            "$.identity[0].Statement: unexpected `Principal`",
        ),
        // semantics-pitfalls 9: no partial wildcards in `Principal` (only `"*"`)
        (
            with(
                &["resource"],
                json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}, "Action": "*", "Resource": "*"}}),
            ),
            "$.resource.Statement.Principal.AWS: unsupported wildcard in principal",
        ),
        (
            with(
                &["resource"],
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ),
            "$.resource.Statement: missing `Principal`",
        ),
        // spec: `request.action` is `service:ActionName`; `*` is a pattern, not an action
        (
            with(&["request", "action"], json!("*")),
            "$.request.action: expected `service:ActionName`",
        ),
        (
            with(&["request", "resource_account"], json!("12")),
            "$.request.resource_account",
        ),
        (
            with(
                &["session"],
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ),
            "$.session: expected null",
        ),
        (with(&["scps"], json!([{}])), "$.scps[0]: expected an array"),
        (
            with(
                &["rcps"],
                json!([[{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}]]),
            ),
            "$.rcps[0][0].Statement: missing `Principal`",
        ),
        (
            with(&["boundry"], json!(null)),
            "$.boundry: unknown scenario field",
        ),
        (with(&["request", "acton"], json!("x")), "$.request.acton"),
        (base.to_string().replace("\"request\"", "\"req\""), "$.req"),
    ];
    for (input, expect) in cases {
        let (code, stdout, stderr) = run_stdin(&["eval", "-", "--format", "json"], &input);
        assert_eq!(code, 2, "{input}");
        assert!(stdout.is_empty(), "{input}: {stdout}");
        assert!(
            stderr.contains(expect),
            "{input}\nwanted {expect}\ngot {stderr}"
        );
    }
    let out = iamc()
        .args(["eval", "/nonexistent/scenario.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn batch_answers_every_line_and_exits_2_on_any_error() {
    let good = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval/seed-mfa-true.json"),
    )
    .unwrap();
    let good: Value = serde_json::from_str(&good).unwrap();
    let input = format!("{good}\n{{\"request\": 3}}\n   \nnot json\n{good}\n");
    let (code, stdout, _) = run_stdin(&["eval", "--batch", "-", "--format", "json"], &input);
    assert_eq!(code, 2);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().starts_with("$.request"));
    assert_eq!(lines[2]["line"], 4);
    assert!(lines[2]["error"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(lines[3]["decision"], "allow");
    // all good: exit 0; a file works as well as stdin
    let path = std::env::temp_dir().join(format!("iamc-eval-batch-{}.jsonl", std::process::id()));
    std::fs::write(&path, format!("{good}\n{good}")).unwrap();
    let out = iamc()
        .args([
            "eval",
            "--batch",
            path.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

// ---------------------------------------------------------------------------------------
// Rule table. `s(...)` builds a scenario around a user in 111122223333.

const USER: &str = "arn:aws:iam::111122223333:user/alice";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/Dev/alice-session";
const ROLE: &str = "arn:aws:iam::111122223333:role/Dev";
const OTHER: &str = "arn:aws:iam::444455556666:user/bob";

fn st(effect: &str, action: Value, resource: Value) -> Value {
    json!({"Effect": effect, "Action": action, "Resource": resource})
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow_all() -> Value {
    doc(vec![st("Allow", json!("*"), json!("*"))])
}

struct Case {
    cite: &'static str,
    scenario: Value,
    expect: &'static str,
}

fn req(principal: &str, action: &str, resource: &str, context: Value) -> Value {
    json!({"principal": principal, "action": action, "resource": resource, "context": context})
}

fn with(mut base: Value, key: &str, v: Value) -> Value {
    base[key] = v;
    base
}

fn identity(docs: Vec<Value>, request: Value) -> Value {
    json!({"identity": docs, "request": request})
}

fn cond_case(
    cite: &'static str,
    op: &str,
    key: &str,
    values: Value,
    context: Value,
    expect: &'static str,
) -> Case {
    let mut s = st("Allow", json!("s3:GetObject"), json!("*"));
    s["Condition"] = json!({op: {key: values}});
    Case {
        cite,
        scenario: identity(
            vec![doc(vec![s])],
            req(USER, "s3:GetObject", "arn:aws:s3:::b/k", context),
        ),
        expect,
    }
}

fn res_case(
    cite: &'static str,
    pattern: Value,
    resource: &str,
    context: Value,
    expect: &'static str,
) -> Case {
    Case {
        cite,
        scenario: identity(
            vec![doc(vec![st("Allow", json!("*"), pattern)])],
            req(USER, "s3:GetObject", resource, context),
        ),
        expect,
    }
}

fn act_case(cite: &'static str, actions: Value, action: &str, expect: &'static str) -> Case {
    Case {
        cite,
        scenario: identity(
            vec![doc(vec![st("Allow", actions, json!("*"))])],
            req(USER, action, "*", json!({})),
        ),
        expect,
    }
}

fn rp(principal: Value, action: &str, resource: &str) -> Value {
    doc(vec![
        json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}),
    ])
}

fn rule_cases() -> Vec<Case> {
    let bucket = "arn:aws:s3:::b/k";
    let deny_boundary = doc(vec![st("Allow", json!("ec2:*"), json!("*"))]);
    let mut v = vec![
        // Actions
        act_case(
            "Action: names ignore case",
            json!("S3:getobject"),
            "s3:GetObject",
            "allow",
        ),
        act_case(
            "Action: `*` within the name",
            json!("s3:Get*"),
            "s3:GetObjectAcl",
            "allow",
        ),
        act_case(
            "Action: `?` is one character",
            json!("s3:GetObjec?"),
            "s3:GetObject",
            "allow",
        ),
        act_case(
            "Action: `?` is exactly one",
            json!("s3:GetObjec?"),
            "s3:GetObjects",
            "implicit_deny",
        ),
        act_case(
            "Action: `*` alone matches all",
            json!("*"),
            "iam:CreateUser",
            "allow",
        ),
        act_case(
            "Action: service prefix counts",
            json!("s3:*"),
            "s3express:CreateSession",
            "implicit_deny",
        ),
        Case {
            cite: "NotAction: Allow grants every action not listed",
            scenario: identity(
                vec![doc(vec![
                    json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
                ])],
                req(USER, "s3:GetObject", "*", json!({})),
            ),
            expect: "allow",
        },
        Case {
            cite: "NotAction: listed actions are not granted",
            scenario: identity(
                vec![doc(vec![
                    json!({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}),
                ])],
                req(USER, "IAM:CreateUser", "*", json!({})),
            ),
            expect: "implicit_deny",
        },
        // Resources
        res_case(
            "Resource: `*` matches everything",
            json!("*"),
            bucket,
            json!({}),
            "allow",
        ),
        res_case(
            "Resource: `*` matches the request resource `*`",
            json!("*"),
            "*",
            json!({}),
            "allow",
        ),
        res_case(
            "Resource: an ARN pattern never matches the request `*`",
            json!("arn:aws:s3:::*"),
            "*",
            json!({}),
            "implicit_deny",
        ),
        res_case(
            "Resource: case-sensitive",
            json!("arn:aws:s3:::B/*"),
            bucket,
            json!({}),
            "implicit_deny",
        ),
        res_case(
            "Resource: `*` in the resource part crosses `/`",
            json!("arn:aws:s3:::b*"),
            "arn:aws:s3:::b/x/y",
            json!({}),
            "allow",
        ),
        res_case(
            "Resource: `*` in the resource part crosses `:`",
            json!("arn:aws:lambda:eu-west-1:111122223333:function:*"),
            "arn:aws:lambda:eu-west-1:111122223333:function:f:prod",
            json!({}),
            "allow",
        ),
        res_case(
            "Resource: `*` in the region stays in the region",
            json!("arn:aws:lambda:*:function:*"),
            "arn:aws:lambda:eu-west-1:111122223333:function:f",
            json!({}),
            "implicit_deny",
        ),
        res_case(
            "Resource: `?` in a component",
            json!("arn:aws:sqs:eu-west-?:111122223333:q"),
            "arn:aws:sqs:eu-west-1:111122223333:q",
            json!({}),
            "allow",
        ),
        Case {
            cite: "NotResource: Allow grants every resource not listed",
            scenario: identity(
                vec![doc(vec![
                    json!({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}),
                ])],
                req(USER, "s3:GetObject", bucket, json!({})),
            ),
            expect: "allow",
        },
        Case {
            cite: "NotResource: the listed resources stay denied",
            scenario: identity(
                vec![doc(vec![
                    json!({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}),
                ])],
                req(USER, "s3:GetObject", "arn:aws:s3:::secret/k", json!({})),
            ),
            expect: "implicit_deny",
        },
        // Policy variables (IAM User Guide, "Policy variables")
        res_case(
            "Policy variables: ${aws:username} in Resource",
            json!("arn:aws:s3:::b/home/${aws:username}/*"),
            "arn:aws:s3:::b/home/alice/x",
            json!({"aws:username": "alice"}),
            "allow",
        ),
        res_case(
            "Policy variables: another user's folder",
            json!("arn:aws:s3:::b/home/${aws:username}/*"),
            "arn:aws:s3:::b/home/bob/x",
            json!({"aws:username": "alice"}),
            "implicit_deny",
        ),
        res_case(
            "Policy variables with no value: the entry matches nothing",
            json!("arn:aws:s3:::b/home/${aws:username}/*"),
            "arn:aws:s3:::b/home/${aws:username}/x",
            json!({}),
            "implicit_deny",
        ),
        res_case(
            "Policy variables: default value",
            json!("arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"),
            "arn:aws:s3:::b/shared/x",
            json!({}),
            "allow",
        ),
        res_case(
            "Policy variables: tag value",
            json!("arn:aws:s3:::b/${aws:PrincipalTag/team}/*"),
            "arn:aws:s3:::b/red/x",
            json!({"aws:principaltag/team": "red"}),
            "allow",
        ),
        res_case(
            "Policy variables: ${*} is a literal star",
            json!("arn:aws:s3:::b/${*}"),
            "arn:aws:s3:::b/k",
            json!({}),
            "implicit_deny",
        ),
        res_case(
            "Policy variables: ${*} matches a literal star",
            json!("arn:aws:s3:::b/${*}"),
            "arn:aws:s3:::b/*",
            json!({}),
            "allow",
        ),
        Case {
            cite: "Policy variables: literal text under Version 2008-10-17",
            scenario: identity(
                vec![
                    json!({"Version": "2008-10-17", "Statement": st("Allow", json!("*"), json!("arn:aws:s3:::b/${aws:username}"))}),
                ],
                req(
                    USER,
                    "s3:GetObject",
                    "arn:aws:s3:::b/${aws:username}",
                    json!({"aws:username": "alice"}),
                ),
            ),
            expect: "allow",
        },
        Case {
            cite: "Policy variables: a missing Version means 2008-10-17",
            scenario: identity(
                vec![
                    json!({"Statement": st("Allow", json!("*"), json!("arn:aws:s3:::b/${aws:username}"))}),
                ],
                req(
                    USER,
                    "s3:GetObject",
                    "arn:aws:s3:::b/alice",
                    json!({"aws:username": "alice"}),
                ),
            ),
            expect: "implicit_deny",
        },
        // Conditions (IAM User Guide, "Condition operators" and "multiple context keys or values")
        cond_case(
            "Condition operators: StringEquals, values OR",
            "StringEquals",
            "aws:username",
            json!(["bob", "alice"]),
            json!({"aws:username": "alice"}),
            "allow",
        ),
        cond_case(
            "Condition operators: StringNotEquals, values NOR",
            "StringNotEquals",
            "aws:username",
            json!(["bob", "alice"]),
            json!({"aws:username": "alice"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: negated operator on an absent key is true",
            "StringNotEquals",
            "aws:username",
            json!("bob"),
            json!({}),
            "allow",
        ),
        cond_case(
            "Condition operators: positive operator on an absent key is false",
            "StringEquals",
            "aws:username",
            json!("alice"),
            json!({}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: ...IfExists on an absent key",
            "StringEqualsIfExists",
            "aws:username",
            json!("bob"),
            json!({}),
            "allow",
        ),
        cond_case(
            "Condition operators: StringEqualsIgnoreCase",
            "StringEqualsIgnoreCase",
            "aws:username",
            json!("ALICE"),
            json!({"aws:username": "alice"}),
            "allow",
        ),
        cond_case(
            "Condition operators: StringLike",
            "StringLike",
            "s3:prefix",
            json!("home/*"),
            json!({"s3:prefix": "home/a/b"}),
            "allow",
        ),
        cond_case(
            "Condition operators: StringNotLike",
            "StringNotLike",
            "s3:prefix",
            json!("home/*"),
            json!({"s3:prefix": "home/a"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: NumericLessThan",
            "NumericLessThan",
            "s3:max-keys",
            json!(10),
            json!({"s3:max-keys": "9"}),
            "allow",
        ),
        cond_case(
            "Condition operators: NumericGreaterThanEquals",
            "NumericGreaterThanEquals",
            "s3:max-keys",
            json!("10"),
            json!({"s3:max-keys": "9"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: DateGreaterThan, ISO 8601",
            "DateGreaterThan",
            "aws:CurrentTime",
            json!("2024-01-01T00:00:00Z"),
            json!({"aws:CurrentTime": "2024-06-01T12:00:00Z"}),
            "allow",
        ),
        cond_case(
            "Condition operators: DateLessThan, epoch seconds",
            "DateLessThan",
            "aws:EpochTime",
            json!("1700000000"),
            json!({"aws:EpochTime": "1800000000"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: Bool with a JSON boolean",
            "Bool",
            "aws:SecureTransport",
            json!(true),
            json!({"aws:SecureTransport": "true"}),
            "allow",
        ),
        cond_case(
            "Condition operators: Bool false does not match true",
            "Bool",
            "aws:SecureTransport",
            json!("false"),
            json!({"aws:SecureTransport": "true"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: BinaryEquals",
            "BinaryEquals",
            "k",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
            json!({"k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}),
            "allow",
        ),
        // decision: BinaryEquals compares the decoded bytes, so padding does not matter
        cond_case(
            "Condition operators: BinaryEquals compares decoded bytes (padding optional)",
            "BinaryEquals",
            "k",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA"),
            json!({"k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}),
            "allow",
        ),
        cond_case(
            "Condition operators: BinaryEquals other bytes do not match",
            "BinaryEquals",
            "k",
            json!("QmluYXJ5"),
            json!({"k": "QmluYXJ6"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: BinaryEquals request value that is not base64 matches nothing",
            "BinaryEquals",
            "k",
            json!("QmluYXJ5"),
            json!({"k": "Binary"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: IpAddress IPv4 CIDR",
            "IpAddress",
            "aws:SourceIp",
            json!("203.0.113.0/24"),
            json!({"aws:SourceIp": "203.0.113.77"}),
            "allow",
        ),
        cond_case(
            "Condition operators: IpAddress bare address is /32",
            "IpAddress",
            "aws:SourceIp",
            json!("203.0.113.1"),
            json!({"aws:SourceIp": "203.0.113.2"}),
            "implicit_deny",
        ),
        cond_case(
            "Condition operators: IpAddress IPv6",
            "IpAddress",
            "aws:SourceIp",
            json!("2001:DB8:1234:5678::/64"),
            json!({"aws:SourceIp": "2001:db8:1234:5678::9"}),
            "allow",
        ),
        cond_case(
            "Condition operators: NotIpAddress",
            "NotIpAddress",
            "aws:SourceIp",
            json!(["203.0.113.0/24", "2001:db8::/32"]),
            json!({"aws:SourceIp": "198.51.100.1"}),
            "allow",
        ),
        cond_case(
            "Condition operators: ArnLike per component",
            "ArnLike",
            "aws:SourceArn",
            json!("arn:aws:sns:*:111122223333:*"),
            json!({"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"}),
            "allow",
        ),
        cond_case(
            "Condition operators: ArnEquals behaves like ArnLike",
            "ArnEquals",
            "aws:SourceArn",
            json!("arn:aws:sns:*:111122223333:*"),
            json!({"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"}),
            "allow",
        ),
        cond_case(
            "Condition operators: ArnNotLike",
            "ArnNotLike",
            "aws:SourceArn",
            json!("arn:aws:sns:*:111122223333:*"),
            json!({"aws:SourceArn": "arn:aws:sns:eu-west-1:999999999999:t"}),
            "allow",
        ),
        cond_case(
            "Condition operators: Null true on absent key",
            "Null",
            "aws:TokenIssueTime",
            json!("true"),
            json!({}),
            "allow",
        ),
        cond_case(
            "Condition operators: Null false on absent key",
            "Null",
            "aws:TokenIssueTime",
            json!("false"),
            json!({}),
            "implicit_deny",
        ),
        cond_case(
            "Multivalued keys: ForAllValues is vacuously true when absent",
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            json!(["a", "b"]),
            json!({}),
            "allow",
        ),
        cond_case(
            "Multivalued keys: ForAllValues, every value listed",
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            json!(["a", "b"]),
            json!({"aws:TagKeys": ["a", "c"]}),
            "implicit_deny",
        ),
        cond_case(
            "Multivalued keys: ForAnyValue false when absent",
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            json!(["a"]),
            json!({}),
            "implicit_deny",
        ),
        cond_case(
            "Multivalued keys: ForAnyValue, one value listed",
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            json!(["a"]),
            json!({"aws:TagKeys": ["c", "a"]}),
            "allow",
        ),
        cond_case(
            "Multivalued keys: IfExists before ForAnyValue",
            "ForAnyValue:StringEqualsIfExists",
            "aws:TagKeys",
            json!(["a"]),
            json!({}),
            "allow",
        ),
        cond_case(
            "iamc decision: a multivalued key without a qualifier matches when any value does",
            "StringEquals",
            "aws:TagKeys",
            json!(["a"]),
            json!({"aws:TagKeys": ["c", "a"]}),
            "allow",
        ),
        cond_case(
            "Policy variables: in condition values",
            "StringEquals",
            "s3:prefix",
            json!("home/${aws:username}"),
            json!({"s3:prefix": "home/alice", "aws:username": "alice"}),
            "allow",
        ),
        cond_case(
            "Policy variables with no value: positive operators do not match",
            "StringLike",
            "s3:prefix",
            json!("home/${aws:username}/*"),
            json!({"s3:prefix": "home/x/y"}),
            "implicit_deny",
        ),
        cond_case(
            "Policy variables with no value: negated operators match",
            "StringNotEquals",
            "s3:prefix",
            json!("home/${aws:username}"),
            json!({"s3:prefix": "home/x"}),
            "allow",
        ),
        Case {
            cite: "Multiple context keys: several keys and operators AND",
            scenario: identity(
                vec![doc(vec![
                    json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
                    "StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "red"},
                    "Bool": {"aws:SecureTransport": "true"}}}),
                ])],
                req(
                    USER,
                    "s3:GetObject",
                    bucket,
                    json!({"aws:username": "alice", "aws:PrincipalTag/team": "red"}),
                ),
            ),
            expect: "implicit_deny",
        },
    ];
    // The grant (IAM User Guide, "Policy evaluation logic", "Permissions boundaries",
    // "Session policies", "Cross-account policy evaluation logic").
    let sess = |extra: Value| {
        let mut s = json!({"identity": [allow_all()], "request": req(SESSION, "s3:GetObject", bucket, json!({}))});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    };
    v.extend([
        Case { cite: "Policy evaluation logic: no policy allows", scenario: identity(vec![], req(USER, "s3:GetObject", bucket, json!({}))), expect: "implicit_deny" },
        Case { cite: "Permissions boundaries: the boundary limits the identity policy", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "boundary", deny_boundary.clone()), expect: "implicit_deny" },
        Case { cite: "Permissions boundaries: an explicit deny in the boundary", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "boundary", doc(vec![st("Allow", json!("*"), json!("*")), st("Deny", json!("s3:*"), json!("*"))])), expect: "explicit_deny" },
        Case { cite: "Session policies: the session policy limits the role's policies", scenario: sess(json!({"session": deny_boundary.clone()})), expect: "implicit_deny" },
        Case { cite: "Session policies: both allow", scenario: sess(json!({"session": allow_all()})), expect: "allow" },
        Case { cite: "Session policies: a resource policy naming the session ARN is not limited", scenario: sess(json!({"identity": [], "session": deny_boundary.clone(), "resource": rp(json!({"AWS": SESSION}), "s3:GetObject", bucket)})), expect: "allow" },
        Case { cite: "Session policies: a resource policy naming the role ARN is limited by the session policy", scenario: sess(json!({"identity": [], "session": deny_boundary.clone(), "resource": rp(json!({"AWS": ROLE}), "s3:GetObject", bucket)})), expect: "implicit_deny" },
        Case { cite: "Policy evaluation logic: a role ARN grant covers the session when nothing limits it", scenario: sess(json!({"identity": [], "resource": rp(json!({"AWS": ROLE}), "s3:GetObject", bucket)})), expect: "allow" },
        Case { cite: "Permissions boundaries: a role ARN grant is limited by the boundary", scenario: sess(json!({"identity": [], "boundary": deny_boundary.clone(), "resource": rp(json!({"AWS": ROLE}), "s3:GetObject", bucket)})), expect: "implicit_deny" },
        Case { cite: "Principal: `*` names the caller directly", scenario: sess(json!({"identity": [], "boundary": deny_boundary.clone(), "resource": rp(json!("*"), "s3:GetObject", bucket)})), expect: "allow" },
        Case { cite: "Principal: {\"AWS\": \"*\"} names the caller directly", scenario: sess(json!({"identity": [], "resource": rp(json!({"AWS": "*"}), "s3:GetObject", bucket)})), expect: "allow" },
        Case { cite: "Principal: another session of the same role is not named", scenario: sess(json!({"identity": [], "resource": rp(json!({"AWS": "arn:aws:sts::111122223333:assumed-role/Dev/other"}), "s3:GetObject", bucket)})), expect: "implicit_deny" },
        Case { cite: "Principal: a service principal does not name an IAM caller", scenario: sess(json!({"identity": [], "resource": rp(json!({"Service": "ec2.amazonaws.com"}), "s3:GetObject", bucket)})), expect: "implicit_deny" },
        Case { cite: "Policy evaluation logic: an account grant plus the identity side", scenario: sess(json!({"resource": rp(json!({"AWS": "111122223333"}), "s3:GetObject", bucket)})), expect: "allow" },
        Case { cite: "Policy evaluation logic: a resource policy Deny naming the account applies", scenario: sess(json!({"resource": doc(vec![json!({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"})])})), expect: "explicit_deny" },
        Case { cite: "Policy evaluation logic: a resource policy Deny naming someone else does not apply", scenario: sess(json!({"resource": doc(vec![json!({"Effect": "Deny", "Principal": {"AWS": OTHER}, "Action": "s3:*", "Resource": "*"})])})), expect: "allow" },
        Case { cite: "NotPrincipal: Deny applies to every principal not listed", scenario: sess(json!({"resource": doc(vec![json!({"Effect": "Deny", "NotPrincipal": {"AWS": OTHER}, "Action": "s3:*", "Resource": "*"})])})), expect: "explicit_deny" },
        Case { cite: "NotPrincipal: the session, its role and its account listed exempt it", scenario: sess(json!({"resource": doc(vec![json!({"Effect": "Deny", "NotPrincipal": {"AWS": [SESSION, ROLE, "arn:aws:iam::111122223333:root"]}, "Action": "s3:*", "Resource": "*"})])})), expect: "allow" },
        Case { cite: "NotPrincipal: Deny always applies to a principal with a boundary", scenario: sess(json!({"boundary": allow_all(), "resource": doc(vec![json!({"Effect": "Deny", "NotPrincipal": {"AWS": [SESSION, ROLE, "arn:aws:iam::111122223333:root"]}, "Action": "s3:*", "Resource": "*"})])})), expect: "explicit_deny" },
        Case { cite: "Cross-account: no resource policy, denied", scenario: with(sess(json!({})), "request", json!({"principal": SESSION, "action": "s3:GetObject", "resource": bucket, "resource_account": "444455556666"})), expect: "implicit_deny" },
        Case { cite: "Cross-account: both sides allow", scenario: with(sess(json!({"resource": rp(json!({"AWS": "111122223333"}), "s3:GetObject", bucket)})), "request", json!({"principal": SESSION, "action": "s3:GetObject", "resource": bucket, "resource_account": "444455556666"})), expect: "allow" },
        Case { cite: "Cross-account: the resource policy alone is not enough", scenario: with(sess(json!({"identity": [], "resource": rp(json!({"AWS": SESSION}), "s3:GetObject", bucket)})), "request", json!({"principal": SESSION, "action": "s3:GetObject", "resource": bucket, "resource_account": "444455556666"})), expect: "implicit_deny" },
        Case { cite: "Roles: the trust policy must allow even in the same account", scenario: identity(vec![allow_all()], req(USER, "sts:AssumeRole", ROLE, json!({}))), expect: "implicit_deny" },
        Case { cite: "Roles: a trust policy naming the user directly is enough in the same account", scenario: with(identity(vec![], req(USER, "sts:AssumeRole", ROLE, json!({}))), "resource", doc(vec![json!({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"})])), expect: "allow" },
        Case { cite: "Roles: a trust policy naming the account needs the identity side", scenario: with(identity(vec![], req(USER, "sts:AssumeRole", ROLE, json!({}))), "resource", doc(vec![json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"})])), expect: "implicit_deny" },
        Case { cite: "Roles: a trust policy naming the account and an identity allow", scenario: with(identity(vec![allow_all()], req(USER, "sts:AssumeRoleWithSAML", ROLE, json!({}))), "resource", doc(vec![json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole*"})])), expect: "allow" },
        Case { cite: "SCPs: an SCP Deny wins", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "scps", json!([[doc(vec![st("Allow", json!("*"), json!("*")), st("Deny", json!("s3:*"), json!("*"))])]])), expect: "explicit_deny" },
        Case { cite: "SCPs: SCPs grant nothing by themselves", scenario: with(identity(vec![], req(USER, "s3:GetObject", bucket, json!({}))), "scps", json!([[allow_all()]])), expect: "implicit_deny" },
        Case { cite: "SCPs: they also cap resource-policy grants", scenario: with(with(identity(vec![], req(USER, "s3:GetObject", bucket, json!({}))), "resource", rp(json!({"AWS": USER}), "s3:GetObject", bucket)), "scps", json!([[doc(vec![st("Allow", json!("ec2:*"), json!("*"))])]])), expect: "implicit_deny" },
        Case { cite: "SCPs: `[]` means no SCPs apply", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "scps", json!([])), expect: "allow" },
        Case { cite: "RCPs: RCPFullAWSAccess is implied", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "rcps", json!([[], []])), expect: "allow" },
        Case { cite: "RCPs: a customer RCP Deny applies", scenario: with(identity(vec![allow_all()], req(USER, "s3:GetObject", bucket, json!({}))), "rcps", json!([[doc(vec![json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}})])]])), expect: "explicit_deny" },
    ]);
    v
}

#[test]
fn rule_table() {
    let cases = rule_cases();
    assert!(cases.len() >= 90, "{}", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let got = match scenario::parse_value(&c.scenario) {
            Ok(s) => s.decide().outcome.as_str().to_string(),
            Err(e) => format!("error {e}"),
        };
        if got != c.expect {
            failures.push(format!("{}: expected {}, got {got}", c.cite, c.expect));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// eval-scenario.md, batch mode: "Output is flushed line by line, so a caller may stream."
/// The caller sends one line, waits for its answer, then sends the next.
#[test]
fn batch_answers_each_line_before_the_next_arrives() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let (_, first) = corpus().into_iter().next().unwrap();
    let line = serde_json::to_string(&first).unwrap();
    let mut child = iamc()
        .args(["eval", "--batch", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(l)) = lines.next() {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    // A watchdog, not a timing assertion: without it a regression would hang the suite.
    let wait = std::time::Duration::from_secs(120);
    for _ in 0..3 {
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let answer = rx.recv_timeout(wait).expect("no answer to a streamed line");
        assert!(answer.contains("\"decision\""), "{answer}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

// ---------------------------------------------------------------------------------------
// Callers outside IAM (docs/eval-scenario.md, "Callers outside IAM"): AWS service principals,
// identity providers and anonymous callers. The corpus holds tests/eval/outside-*.json; the
// tests below cover the unusable scenarios, the output and batch mode, and compare the engine
// with a direct reading of the rules.

const GH_PROVIDER: &str =
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const SAML_PROVIDER: &str = "arn:aws:iam::111122223333:saml-provider/CorpIdP";
const TRUST_EC2: &str = r#"{"Version": "2012-10-17", "Statement": {"Sid": "TrustEc2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#;

fn outside_base() -> Value {
    json!({"identity": [], "resource": serde_json::from_str::<Value>(TRUST_EC2).unwrap(),
           "request": {"principal": "ec2.amazonaws.com", "action": "sts:AssumeRole",
                       "resource": ROLE, "context": {}}})
}

/// Spec: for these callers `identity` must be `[]` and `boundary`, `session` and `scps`
/// null, absent or `[]`, else exit 2 naming the field; the resource's account comes from
/// `request.resource` or `resource_account`, which is required when the ARN has none.
#[test]
fn outside_callers_unusable_scenarios_name_the_field() {
    let doc_allow_all = allow_all();
    let set = |key: &str, value: Value| {
        let mut v = outside_base();
        v[key] = value;
        v
    };
    let set_req = |key: &str, value: Value| {
        let mut v = outside_base();
        v["request"][key] = value;
        v
    };
    let s3 = |principal: &str, extra: Value| {
        let mut v = json!({"identity": [], "resource": rp(json!("*"), "s3:GetObject", "arn:aws:s3:::b/*"),
            "request": {"principal": principal, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}});
        for (k, x) in extra.as_object().unwrap() {
            v["request"][k] = x.clone();
        }
        v
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            set("identity", json!([doc_allow_all.clone()])),
            "$.identity: expected null or `[]`: a caller outside IAM has no identity-based policies (the principal is the AWS service `ec2.amazonaws.com`)",
        ),
        (set("identity", json!({})), "$.identity: expected null or `[]`"),
        (
            set("boundary", doc_allow_all.clone()),
            "$.boundary: expected null or `[]`: a caller outside IAM has no permissions boundary",
        ),
        (
            set("session", doc_allow_all.clone()),
            "$.session: expected null or `[]`: a caller outside IAM has no session policy",
        ),
        (
            set("scps", json!([[doc_allow_all.clone()]])),
            "$.scps: expected null or `[]`: a caller outside IAM has no SCPs",
        ),
        // an empty level is a level (it allows nothing), not "no SCPs"
        (set("scps", json!([[]])), "$.scps: expected null or `[]`"),
        (
            {
                let mut v = s3(GH_PROVIDER, json!({}));
                v["identity"] = json!([doc_allow_all.clone()]);
                v
            },
            "(the principal is the identity provider `arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com`)",
        ),
        (
            {
                let mut v = s3("anonymous", json!({"resource_account": "111122223333"}));
                v["session"] = doc_allow_all.clone();
                v
            },
            "$.session: expected null or `[]`: a caller outside IAM has no session policy (the principal is an anonymous caller)",
        ),
        // S3 ARNs carry no account
        (
            s3("anonymous", json!({})),
            "$.request.resource_account: missing: `request.resource` (`arn:aws:s3:::b/k`) names no account",
        ),
        (
            s3("logging.s3.amazonaws.com", json!({"resource": "*"})),
            "$.request.resource_account: missing",
        ),
        (
            set_req("resource_account", json!("444455556666")),
            "$.request.resource_account: `444455556666` is not the account `111122223333` of `request.resource`",
        ),
        (
            s3("anonymous", json!({"resource_account": "12345"})),
            "$.request.resource_account: expected a 12-digit account id",
        ),
        // IAM Access Analyzer, "Invalid service principal format": all lowercase
        (
            set_req("principal", json!("EC2.amazonaws.com")),
            "$.request.principal: expected an IAM user ARN",
        ),
        (
            set_req("principal", json!("EC2.amazonaws.com")),
            "a service principal is written in lowercase letters",
        ),
        (
            set_req("principal", json!("amazonaws.com")),
            "an AWS service principal such as `ec2.amazonaws.com`",
        ),
        (
            set_req(
                "principal",
                json!("arn:aws:iam::111122223333:oidc-provider/https://token.actions.githubusercontent.com"),
            ),
            "$.request.principal",
        ),
        (
            set_req("principal", json!("Anonymous")),
            "$.request.principal",
        ),
    ];
    for (input, expect) in cases {
        let (code, stdout, stderr) =
            run_stdin(&["eval", "-", "--format", "json"], &input.to_string());
        assert_eq!(code, 2, "{input}\n{stdout}");
        assert!(stdout.is_empty(), "{input}: {stdout}");
        assert!(
            stderr.contains(expect),
            "{input}\nwanted {expect}\ngot {stderr}"
        );
    }
}

/// Spec: "null, absent or `[]`" are all fine, and the account may come from either place.
#[test]
fn outside_callers_accept_every_empty_form() {
    let mut forms = vec![outside_base()];
    for (key, value) in [
        ("identity", json!(null)),
        ("boundary", json!(null)),
        ("boundary", json!([])),
        ("session", json!(null)),
        ("session", json!([])),
        ("scps", json!(null)),
        ("scps", json!([])),
        ("rcps", json!([])),
    ] {
        let mut v = outside_base();
        v[key] = value;
        forms.push(v);
    }
    let mut given = outside_base();
    given["request"]["resource_account"] = json!("111122223333");
    forms.push(given);
    for v in forms {
        assert_eq!(decide(&v), "allow", "{v}");
    }
}

/// Single mode: the `statements` field as for other callers.
#[test]
fn outside_callers_statements_in_the_output() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let run = |name: &str| -> Value {
        let out = iamc()
            .args(["eval", dir.join(name).to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = run("outside-ec2-trust-names-ec2.json");
    assert_eq!(v["decision"], "allow");
    assert_eq!(
        v["statements"],
        json!([{"policy": "resource", "statement": "TrustService", "effect": "Allow"}])
    );
    let v = run("outside-rcp-deny-service-s3.json");
    assert_eq!(v["decision"], "explicit_deny");
    assert_eq!(
        v["statements"],
        json!([{"policy": "rcps[0][0]", "statement": "EnforceConfusedDeputyProtection", "effect": "Deny"}])
    );
    let v = run("outside-notprincipal-deny-other-service.json");
    assert_eq!(
        v["statements"],
        json!([{"policy": "resource", "statement": "OnlyCloudTrail", "effect": "Deny"}])
    );
    let v = run("outside-github-oidc-sub-missing.json");
    assert_eq!(v["decision"], "implicit_deny");
    assert_eq!(v["statements"], json!([]));
    // text for people
    let text = std::fs::read_to_string(dir.join("outside-trust-null.json")).unwrap();
    let (code, stdout, _) = run_stdin(&["eval", "-"], &text);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("implicit_deny") && stdout.contains("no trust policy"),
        "{stdout}"
    );
}

/// Batch mode: outside callers decided line by line, unusable lines answered with the path.
#[test]
fn outside_callers_in_batch_mode() {
    let good = outside_base();
    let mut lambda = outside_base();
    lambda["request"]["principal"] = json!("lambda.amazonaws.com");
    let mut with_identity = outside_base();
    with_identity["identity"] = json!([allow_all()]);
    let anonymous_s3 = json!({"identity": [], "resource": rp(json!("*"), "s3:GetObject", "arn:aws:s3:::b/*"),
        "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}});
    let mut anonymous_ok = anonymous_s3.clone();
    anonymous_ok["request"]["resource_account"] = json!("111122223333");
    let input = [&good, &lambda, &with_identity, &anonymous_s3, &anonymous_ok]
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let (code, stdout, _) = run_stdin(&["eval", "--batch", "-", "--format", "json"], &input);
    assert_eq!(code, 2, "two lines are unusable");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(
        lines[0]["statements"],
        json!([{"policy": "resource", "statement": "TrustEc2", "effect": "Allow"}])
    );
    assert_eq!(lines[1]["decision"], "implicit_deny");
    assert_eq!(lines[2]["line"], 3);
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("$.identity: expected null or `[]`"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["line"], 4);
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .starts_with("$.request.resource_account: missing"));
    assert_eq!(lines[4]["decision"], "allow");
    // all usable: exit 0
    let input = format!("{good}\n{lambda}\n{anonymous_ok}\n");
    let (code, stdout, _) = run_stdin(&["eval", "--batch", "-", "--format", "json"], &input);
    assert_eq!(code, 0);
    let decisions: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(decisions, ["allow", "implicit_deny", "allow"]);
}

/// The rules of "Callers outside IAM" read directly from the JSON of the policies, written
/// apart from the engine: a `Principal` names a service through `Service`, a provider through
/// `Federated` (exactly, or `"*"` for every caller of that type), everybody through `"*"` or
/// `{"AWS": "*"}`, and nobody outside IAM through anything else; `NotPrincipal` applies to
/// whoever it does not name; RCPs are skipped for the trust policy of a service-linked role.
mod outside_reference {
    use serde_json::Value;

    pub enum Kind {
        Service,
        Provider,
        Anonymous,
    }

    pub fn names(kind: &Kind, name: &str, element: &Value) -> bool {
        let listed = |v: &Value, who: &str| match v {
            Value::String(s) => s == "*" || s == who,
            Value::Array(xs) => xs.iter().any(|x| x == "*" || x == who),
            _ => false,
        };
        match element {
            Value::String(s) => s == "*",
            Value::Object(o) => o.iter().any(|(key, v)| match key.as_str() {
                "AWS" => listed(v, "*"),
                "Service" => matches!(kind, Kind::Service) && listed(v, name),
                "Federated" => matches!(kind, Kind::Provider) && listed(v, name),
                _ => false,
            }),
            _ => false,
        }
    }

    /// Whether a statement applies to the caller (its principal part).
    pub fn applies(kind: &Kind, name: &str, statement: &Value) -> bool {
        match (statement.get("Principal"), statement.get("NotPrincipal")) {
            (Some(p), _) => names(kind, name, p),
            (None, Some(np)) => !names(kind, name, np),
            (None, None) => true,
        }
    }

    /// The decision, given which statements' actions match the request (statement, matches).
    pub fn decide(
        kind: &Kind,
        name: &str,
        resource: Option<&[(Value, bool)]>,
        rcp_denies: bool,
        slr_trust: bool,
    ) -> &'static str {
        let statements = resource.unwrap_or(&[]);
        let hit = |effect: &str| {
            statements
                .iter()
                .any(|(s, matches)| *matches && s["Effect"] == effect && applies(kind, name, s))
        };
        if hit("Deny") || (rcp_denies && !slr_trust) {
            "explicit_deny"
        } else if hit("Allow") {
            "allow"
        } else {
            "implicit_deny"
        }
    }
}

#[test]
fn outside_callers_agree_with_a_direct_reading_of_the_rules() {
    use iamc::eval::{evaluate, CompiledDocument, PolicySet, Request};
    use iamc::policy::parse::parse_document_as;
    use iamc::policy::DocumentKind;
    use outside_reference::Kind;

    let callers = [
        (Kind::Service, "ec2.amazonaws.com"),
        (Kind::Service, "lambda.amazonaws.com"),
        (Kind::Provider, GH_PROVIDER),
        (Kind::Provider, SAML_PROVIDER),
        (Kind::Provider, "accounts.google.com"),
        (Kind::Anonymous, "anonymous"),
    ];
    let elements = [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": "111122223333"}),
        json!({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"]}),
        json!({"Service": "ec2.amazonaws.com"}),
        json!({"Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]}),
        json!({"Service": "EC2.amazonaws.com"}),
        json!({"Service": "*"}),
        json!({"Federated": GH_PROVIDER}),
        json!({"Federated": ["accounts.google.com", SAML_PROVIDER]}),
        json!({"Federated": "*"}),
        json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
        json!({"Service": "lambda.amazonaws.com", "Federated": "accounts.google.com"}),
    ];
    // (request action, request resource, resource account, a matching action, whether the
    // target is the trust policy of a service-linked role)
    let targets = [
        (
            "sts:AssumeRoleWithWebIdentity",
            "arn:aws:iam::111122223333:role/aws-service-role/ec2.amazonaws.com/AWSServiceRoleForEC2",
            None,
            "sts:AssumeRole*",
            true,
        ),
        ("sts:AssumeRole", ROLE, None, "sts:AssumeRole", false),
        (
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            Some("111122223333"),
            "s3:Get*",
            false,
        ),
    ];
    let statement = |effect: &str, key: &str, element: &Value, action: &str| json!({"Effect": effect, key: element, "Action": action, "Resource": "*"});
    let compile = |statements: &[Value]| {
        let v = json!({"Version": "2012-10-17", "Statement": statements});
        CompiledDocument::compile(&parse_document_as(&v, "$", DocumentKind::Resource).unwrap())
            .unwrap()
    };
    // RCPs: none; one whose Deny applies to every caller; one whose Deny never holds (a
    // positive operator on a key no request here carries).
    let rcp = |condition: Option<Value>| {
        let mut s = json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"});
        if let Some(c) = condition {
            s["Condition"] = c;
        }
        vec![vec![compile(&[s])]]
    };
    let rcps = [
        (Vec::new(), false),
        (rcp(None), true),
        (
            rcp(Some(
                json!({"StringEquals": {"aws:SourceOrgID": "o-never"}}),
            )),
            false,
        ),
    ];
    let mut checked = 0usize;
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for (action, resource, account, matching, slr) in targets {
        let trust = action.starts_with("sts:");
        // Every statement shape: effect x Principal/NotPrincipal x element x action match.
        let mut shapes: Vec<(Value, bool)> = Vec::new();
        for effect in ["Allow", "Deny"] {
            for key in ["Principal", "NotPrincipal"] {
                for e in &elements {
                    for hit in [true, false] {
                        let a = if hit { matching } else { "kms:Decrypt" };
                        shapes.push((statement(effect, key, e, a), hit));
                    }
                }
            }
        }
        // Resource policies: none, one statement, or an Allow followed by a Deny.
        let mut policies: Vec<Option<Vec<(Value, bool)>>> = vec![None];
        policies.extend(shapes.iter().map(|s| Some(vec![s.clone()])));
        for allow in shapes.iter().filter(|(s, _)| s["Effect"] == "Allow") {
            for deny in shapes
                .iter()
                .filter(|(s, hit)| s["Effect"] == "Deny" && *hit)
            {
                policies.push(Some(vec![allow.clone(), deny.clone()]));
            }
        }
        for policy in &policies {
            let compiled = policy
                .as_ref()
                .map(|p| compile(&p.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()));
            for (rcp_levels, rcp_denies) in &rcps {
                let set = PolicySet {
                    resource: compiled.clone(),
                    rcps: rcp_levels.clone(),
                    ..PolicySet::default()
                };
                for (kind, name) in &callers {
                    let mut request = Request::new(name, action, resource).unwrap();
                    if let Some(a) = account {
                        request = request.with_resource_account(a);
                    }
                    let got = evaluate(&set, &request).outcome.as_str();
                    let want = outside_reference::decide(
                        kind,
                        name,
                        policy.as_deref(),
                        *rcp_denies,
                        slr && trust,
                    );
                    checked += 1;
                    *outcomes.entry(want).or_default() += 1;
                    if got != want && failures.len() < 20 {
                        failures.push(format!(
                            "{name} {action} on {resource}, policy {:?}, rcp denies {rcp_denies}: engine {got}, reference {want}",
                            policy.as_ref().map(|p| p.iter().map(|(s, _)| s.to_string()).collect::<Vec<_>>())
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The space reaches every outcome, many times.
    assert!(checked > 50_000, "{checked}");
    for outcome in ["allow", "explicit_deny", "implicit_deny"] {
        assert!(
            outcomes.get(outcome).copied().unwrap_or(0) > 1000,
            "{outcomes:?}"
        );
    }
}

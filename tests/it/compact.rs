//! Smaller documents, same meaning (issue #9, docs/lowering.md): a document over its kind's
//! budget shrinks under it when the prover shows the merge safe, and otherwise the build
//! fails with the size and the budget. What is written is compared with the document as
//! lowered (before merging) by the evaluation engine, request by request, over the actions
//! the documents name, actions they match only by wildcards, and actions AWS has not
//! published.

use iamc::catalog::Catalog;
use iamc::eval::{evaluate, Outcome, PolicySet, Request};
use iamc::policy::{Document, Effect, Matcher, Statement, Version};
use iamc::source::{Origin, Sources};
use iamc::{analyze, AnalyzeOptions};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-compact-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds `text` as `main.iamc` in a scratch folder: (exit code, stdout, stderr, out dir).
fn build(name: &str, text: &str, extra: &[&str]) -> (Option<i32>, String, String, PathBuf) {
    let dir = scratch(name);
    let file = dir.join("main.iamc");
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out");
    let o = crate::support::iamc()
        .arg("build")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    )
}

/// The document as lowered, before any merging (the library's analysis does not compact).
fn lowered(text: &str, name: &str) -> Document {
    let mut sources = Sources::new();
    sources.add(
        "main.iamc",
        "main",
        Origin::Memory("main.iamc".into()),
        text,
    );
    iamc::stdlib::add_to(&mut sources);
    let a = analyze(&sources, &AnalyzeOptions::default());
    a.documents
        .iter()
        .find(|d| d.name == name)
        .map(|d| d.document.clone())
        .unwrap()
}

fn written(out: &Path, name: &str) -> (Document, String) {
    let text = std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    (
        iamc::policy::parse::parse_document(&value, "").unwrap(),
        text,
    )
}

use crate::support::allow_all;

/// How a document is placed for the comparison.
#[derive(Clone, Copy)]
enum Slot {
    /// The only identity policy.
    Alone,
    /// Next to an identity policy allowing everything (what it denies shows).
    BesideAdmin,
    /// An SCP level with `FullAWSAccess`, under an identity policy allowing everything.
    Scp,
}

fn decide(
    doc: &Document,
    slot: Slot,
    action: &str,
    resource: &str,
    ctx: &[(&str, &str)],
) -> Outcome {
    let mut set = PolicySet::new();
    match slot {
        Slot::Alone => set.add_identity(doc).unwrap(),
        Slot::BesideAdmin => {
            set.add_identity(doc).unwrap();
            set.add_identity(&allow_all()).unwrap();
        }
        Slot::Scp => {
            set.add_identity(&allow_all()).unwrap();
            set.add_scp_level(&[allow_all(), doc.clone()]).unwrap();
        }
    }
    let mut context = iamc::eval::Context::new();
    for (k, v) in ctx {
        context = context.with(k, v);
    }
    let req = Request::new("arn:aws:iam::111122223333:user/alice", action, resource)
        .unwrap()
        .with_context(context);
    evaluate(&set, &req).outcome
}

/// Both documents decide alike on every (action, resource, context) of the lists, in every
/// slot; returns how many requests were compared.
fn same_decisions(
    a: &Document,
    b: &Document,
    actions: &[String],
    resources: &[String],
    contexts: &[Vec<(&str, &str)>],
) -> usize {
    let mut n = 0;
    for slot in [Slot::Alone, Slot::BesideAdmin, Slot::Scp] {
        for action in actions {
            for resource in resources {
                for ctx in contexts {
                    let x = decide(a, slot, action, resource, ctx);
                    let y = decide(b, slot, action, resource, ctx);
                    assert_eq!(x, y, "{action} on {resource} with {ctx:?}");
                    n += 1;
                }
            }
        }
    }
    n
}

fn seventy_buckets() -> String {
    let rules: Vec<String> = (0..70)
        .map(|i| {
            format!(
                "    allow s3:GetObject, s3:PutObject on arn\"arn:aws:s3:::team-data-{i:02}/*\""
            )
        })
        .collect();
    format!(
        "/// Seventy buckets, one rule each.\npolicy Buckets {{\n{}\n}}\n",
        rules.join("\n")
    )
}

#[test]
fn a_document_over_its_budget_shrinks_under_it_when_the_merge_is_provably_safe() {
    let text = seventy_buckets();
    let before = lowered(&text, "Buckets");
    assert_eq!(before.statements.len(), 70);
    let (code, stdout, stderr, out) = build("merge", &text, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("(identity policy, 2239 of 6144 characters; 6959 saved by merges the prover showed equivalent, from 9198)"),
        "{stdout}"
    );
    let (after, json) = written(&out, "Buckets");
    assert_eq!(after.statements.len(), 1);
    assert!(
        iamc::policy::json::size_without_whitespace(&after) <= 6144,
        "{json}"
    );
    let actions: Vec<String> = [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjectNext",
    ]
    .map(String::from)
    .to_vec();
    let mut resources: Vec<String> = (0..72)
        .map(|i| format!("arn:aws:s3:::team-data-{i:02}/key"))
        .collect();
    resources.push("arn:aws:s3:::other/key".into());
    let n = same_decisions(&before, &after, &actions, &resources, &[vec![]]);
    assert!(n > 800, "{n}");
    // --format json says what was saved too.
    let (_, stdout, _, _) = build("merge-json", &text, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let o = &v["outputs"][0];
    assert_eq!(o["size"], 2239);
    assert_eq!(o["size_before_merging"], 9198);
}

#[test]
fn otherwise_the_build_fails_with_the_size_and_the_budget() {
    let rules: Vec<String> = (0..70)
        .map(|i| {
            format!(
                "    allow s3:GetObject on arn\"arn:aws:s3:::team-data-{i:02}/*\" when aws:SourceVpce == \"vpce-{i:08x}\""
            )
        })
        .collect();
    let text = format!("policy Endpoints {{\n{}\n}}\n", rules.join("\n"));
    let (code, _, stderr, out) = build("no-merge", &text, &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("`Endpoints` is 12278 characters without whitespace, over the 6144-character budget of an identity policy"),
        "{stderr}"
    );
    assert!(!out.join("Endpoints.json").exists());
}

/// An explicit list of today's actions is never replaced by wildcards that would grant the
/// actions AWS adds later: over the budget, it stays an error.
#[test]
fn an_explicit_action_list_is_not_collapsed_into_wildcards() {
    let text = "policy Ec2Reads {\n    allow actions(ec2, [\"Read\", \"List\"]) on *\n}\n";
    let (code, _, stderr, _) = build("explicit", text, &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[E0404]"), "{stderr}");
    assert!(
        stderr.contains("over the 6144-character budget"),
        "{stderr}"
    );
}

/// A wildcard the rest of the document already implies is kept: every `ec2:Describe...`
/// action (today's and tomorrow's) is allowed by the second rule, so the first rule's
/// `Describe` actions can become `ec2:Describe*`.
#[test]
fn a_wildcard_the_document_already_implies_replaces_the_list() {
    let text = "/// Listing EC2.\npolicy Listing {\n    allow actions(ec2, \"List\") on *\n    allow ec2:Describe* on *\n}\n";
    let before = lowered(text, "Listing");
    let (code, stdout, stderr, out) = build("collapse", text, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("saved by merges the prover showed equivalent"),
        "{stdout}"
    );
    let (after, _) = written(&out, "Listing");
    let Matcher::Is(actions) = &after.statements[0].action else {
        panic!()
    };
    assert!(actions.iter().any(|a| a == "ec2:Describe*"), "{actions:?}");
    let mut all: Vec<String> = Catalog::embedded()
        .service("ec2")
        .unwrap()
        .actions()
        .map(|a| format!("ec2:{}", a.name()))
        .collect();
    all.extend(["ec2:DescribeFuture", "ec2:GetFuture", "ec2:ListFuture"].map(String::from));
    same_decisions(&before, &after, &all, &["*".to_string()], &[vec![]]);
}

/// A guard that only denies allows nothing alone, so "equivalent" alone would accept any
/// widening of its deny list; compaction also compares what the documents deny, so a
/// guardrail's list is merged but never widened.
#[test]
fn a_deny_list_is_merged_but_never_widened() {
    let lists = [
        "iam:CreateUser, iam:CreateAccessKey",
        "iam:CreateLoginProfile, iam:UpdateLoginProfile",
        "iam:AttachUserPolicy, iam:PutUserPolicy",
    ];
    let mut rules = Vec::new();
    for i in 0..40 {
        let list = lists[i % lists.len()];
        rules.push(format!(
            "    deny {list} on arn\"arn:aws:iam::*:user/team-{i:02}/*\" when aws:PrincipalTag/team != \"t{i:02}\""
        ));
    }
    // The same list under one condition, over and over, is what merges.
    for i in 0..40 {
        rules.push(format!(
            "    deny iam:CreateUser, iam:DeleteUser on arn\"arn:aws:iam::*:user/shared-{i:02}\" when not aws:MultiFactorAuthPresent"
        ));
    }
    let text = format!(
        "/// No user management.\nscp NoUsers {{\n{}\n}}\n",
        rules.join("\n")
    );
    let before = lowered(&text, "NoUsers");
    let (code, stdout, stderr, out) = build("guard", &text, &["--minify"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (after, _) = written(&out, "NoUsers");
    assert!(after.statements.len() < before.statements.len(), "{stdout}");
    for st in &after.statements {
        let Matcher::Is(actions) = &st.action else {
            panic!()
        };
        assert!(actions.iter().all(|a| !a.contains('*')), "{actions:?}");
    }
    let actions: Vec<String> = [
        "iam:CreateUser",
        "iam:DeleteUser",
        "iam:CreateAccessKey",
        "iam:UpdateLoginProfile",
        "iam:PutUserPolicy",
        "iam:CreateRole",
        "iam:CreateUserFuture",
    ]
    .map(String::from)
    .to_vec();
    let resources: Vec<String> = [
        "arn:aws:iam::111122223333:user/team-03/x",
        "arn:aws:iam::111122223333:user/shared-07",
        "arn:aws:iam::111122223333:user/other",
    ]
    .map(String::from)
    .to_vec();
    let contexts = vec![
        vec![],
        vec![
            ("aws:MultiFactorAuthPresent", "true"),
            ("aws:PrincipalTag/team", "t03"),
        ],
        vec![("aws:MultiFactorAuthPresent", "false")],
    ];
    same_decisions(&before, &after, &actions, &resources, &contexts);
}

// ---- random documents, compacted and compared with the engine ---------------------------

const POOL_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetBucketPolicy",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:Get*",
    "ec2:DescribeInstances",
    "ec2:DescribeImages",
    "ec2:Describe*",
    "ec2:RunInstances",
    "iam:PassRole",
    "*",
];
const POOL_RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::a/*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::a",
    "arn:aws:ec2:*:*:instance/*",
];
/// (operator, key, value): the corners of conditions (absent keys, IfExists, Null).
const POOL_CONDITIONS: &[(&str, &str, &str)] = &[
    ("Bool", "aws:SecureTransport", "true"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "true"),
    ("Bool", "aws:MultiFactorAuthPresent", "false"),
    ("StringEquals", "s3:prefix", "x"),
    ("StringNotEqualsIfExists", "s3:prefix", "y"),
    ("Null", "aws:TokenIssueTime", "true"),
];

fn random_list(rng: &mut crate::support::Rng, pool: &[&str]) -> Vec<String> {
    let n = 1 + rng.below(3);
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        let x = rng.pick(pool).copied().unwrap_or("*").to_string();
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// Statements drawn so that merges and collapses are often possible: few distinct
/// conditions, lists that share members, now and then `NotAction`, `NotResource`, `Deny`.
fn random_document(rng: &mut crate::support::Rng) -> Document {
    let shared: Vec<(&str, &str, &str)> = (0..2)
        .filter_map(|_| rng.pick(POOL_CONDITIONS).copied())
        .collect();
    let n = 2 + rng.below(6);
    let statements = (0..n)
        .map(|_| {
            let actions = random_list(rng, POOL_ACTIONS);
            let resources = random_list(rng, POOL_RESOURCES);
            let conditions = match rng.below(4) {
                0 | 1 => Vec::new(),
                2 => rng.pick(&shared).copied().into_iter().collect(),
                _ => rng.pick(POOL_CONDITIONS).copied().into_iter().collect(),
            };
            let conditions = conditions
                .into_iter()
                .map(|(op, key, value)| {
                    let v = serde_json::json!({ op: { key: value } });
                    let d = iamc::policy::parse::parse_document(
                        &serde_json::json!({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": v}]}),
                        "",
                    )
                    .unwrap();
                    d.statements[0].conditions[0].clone()
                })
                .collect();
            Statement {
                sid: None,
                effect: if rng.below(100) < 25 {
                    Effect::Deny
                } else {
                    Effect::Allow
                },
                principal: None,
                action: if rng.below(100) < 10 {
                    Matcher::Not(actions)
                } else {
                    Matcher::Is(actions)
                },
                resource: Some(if rng.below(100) < 10 {
                    Matcher::Not(resources)
                } else {
                    Matcher::Is(resources)
                }),
                conditions,
            }
        })
        .collect();
    Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements,
    }
}

/// Compaction (merges and collapses, whatever the size) never changes a decision: random
/// documents, compacted, decide every request alike in every slot (alone, beside an
/// administrator, as an SCP), over the pool's actions, actions only wildcards match and
/// actions AWS has not published, with conditions' keys present, absent and contrary.
#[test]
fn compaction_of_random_documents_changes_no_decision() {
    let cases: u64 = std::env::var("IAMC_COMPACT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let mut rng = crate::support::Rng(0x5eed_c0ac);
    let actions: Vec<String> = [
        "s3:GetObject",
        "s3:GetObjectAcl",
        "s3:GetBucketPolicy",
        "s3:GetObjectIamcFuture",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:FutureAction",
        "ec2:DescribeInstances",
        "ec2:DescribeImages",
        "ec2:DescribeIamcFuture",
        "ec2:RunInstances",
        "iam:PassRole",
        "sqs:SendMessage",
    ]
    .map(String::from)
    .to_vec();
    let resources: Vec<String> = [
        "arn:aws:s3:::a/k",
        "arn:aws:s3:::a",
        "arn:aws:s3:::b/k",
        "arn:aws:s3:::c/k",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    ]
    .map(String::from)
    .to_vec();
    let contexts: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("aws:SecureTransport", "true")],
        vec![
            ("aws:SecureTransport", "true"),
            ("aws:MultiFactorAuthPresent", "true"),
            ("s3:prefix", "x"),
        ],
        vec![
            ("aws:MultiFactorAuthPresent", "false"),
            ("s3:prefix", "y"),
            ("aws:TokenIssueTime", "2026-01-01T00:00:00Z"),
        ],
    ];
    let (mut changed, mut compared, mut accepted_total) = (0, 0, 0);
    for case in 0..cases {
        let original = random_document(&mut rng);
        let kind = if rng.below(100) < 30 {
            iamc::policy::DocumentKind::Scp
        } else {
            iamc::policy::DocumentKind::Identity
        };
        let (compacted, accepted, _) = iamc::compact::compact_document(
            &original,
            kind,
            Catalog::embedded(),
            iamc::prove::search::Limits::default(),
            &|| false,
        );
        if compacted != original {
            changed += 1;
            accepted_total += accepted;
        }
        let json = iamc::emit::json(&original, false);
        let result = std::panic::catch_unwind(|| {
            same_decisions(&original, &compacted, &actions, &resources, &contexts)
        });
        match result {
            Ok(n) => compared += n,
            Err(_) => panic!(
                "case {case}: compaction changed a decision\noriginal: {json}\ncompacted: {}",
                iamc::emit::json(&compacted, false)
            ),
        }
    }
    eprintln!(
        "{cases} documents, {changed} compacted ({accepted_total} changes), {compared} requests compared"
    );
    // The generator must reach compaction, or this test proves nothing.
    assert!(
        changed * 6 >= cases as usize,
        "only {changed} of {cases} compacted"
    );
}

//! Generated programs: the template iamc writes for one environment, deployed in another
//! account and region, holds the policies the JSON target writes for that other
//! environment.
//!
//! Each program is analysed twice, with environments A and B that differ in `account` and
//! `region` only. The CloudFormation and Terraform templates are built from A with
//! `[deploy] account = "account"`, `region = "region"`; this test resolves their
//! `Fn::Sub`s and interpolations with B's values itself and requires every policy to be
//! B's JSON document, and every resource policy's target (bucket, queue URL, topic, key
//! alias) to be B's. That holds only if exactly the bytes that came from `env.account` and
//! `env.region` became deployed values: the generator also writes A's account id as a
//! literal and through an unrelated constant, which must stay as they are, and policy
//! variables, `%{` and `${!` in values, which must come back unchanged.

use crate::deploy_check::{
    check_cfn, check_tf, missing, parse_hcl, parse_template, python_with_hcl2, resolve, Oracle,
};
use crate::support::Rng;
use iamc::analysis::TargetKind;
use iamc::project::{BuildSettings, Environment, Setting, Target};
use iamc::Analysis;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

const A_ACCOUNT: &str = "111122223333";
const A_REGION: &str = "eu-west-1";
const B_ACCOUNT: &str = "444455556666";
const B_REGION: &str = "ap-southeast-2";

/// Resources a rule of an identity policy may name.
const RESOURCES: &[&str] = &[
    r#"arn"arn:aws:s3:::data-{acct}/*""#,
    r#"arn"arn:aws:s3:::data-{other}/${aws:username}/*""#,
    r#"arn"arn:aws:s3:::logs-{env.account}-{env.region}/*""#,
    r#"arn"arn:aws:s3:::typed-111122223333/*""#,
    r#"arn"arn:aws:s3:::${aws:PrincipalTag/team}-${!x}/*""#,
    "*",
];

/// Conditions a rule may carry.
const CONDITIONS: &[&str] = &[
    "aws:PrincipalAccount == acct",
    "aws:PrincipalAccount == other",
    r#"aws:PrincipalTag/team == "${aws:username}""#,
    r#"aws:RequestTag/note == "100%{{x}}${!y}""#,
    r#"aws:SourceArn == arn"arn:aws:sns:{env.region}:{acct}:topic""#,
    r#"s3:prefix like "home/${aws:username}/*""#,
];

/// Who a resource policy lets in.
const CALLERS: &[&str] = &[
    "account(acct)",
    "account(other)",
    r#"arn"arn:aws:iam::{acct}:user/u""#,
    r#"service("sns.amazonaws.com")"#,
];

/// What a resource policy is attached to (`{i}` is the document's number).
const TARGETS: &[&str] = &[
    r#"arn"arn:aws:s3:::data-{acct}-{i}""#,
    r#"arn"arn:aws:sqs:{env.region}:{acct}:q{i}""#,
    r#"arn"arn:aws:sns:{env.region}:{other}:t{i}""#,
    r#"arn"arn:aws:kms:{env.region}:{env.account}:alias/k{i}""#,
];

fn rule(rng: &mut Rng, effect: &str) -> String {
    let resource = rng.pick(RESOURCES).unwrap();
    let mut r = format!("    {effect} s3:GetObject on {resource}");
    if rng.below(2) == 0 {
        write!(r, " when {}", rng.pick(CONDITIONS).unwrap()).unwrap();
    }
    r.push('\n');
    r
}

/// A program of a few documents of every kind, and roles using them.
fn program(rng: &mut Rng) -> String {
    // `other` is sometimes the very digits of A's account: still not the deployed one.
    let other = if rng.below(2) == 0 {
        A_ACCOUNT
    } else {
        "999988887777"
    };
    let mut p =
        format!("const acct: AccountId = env.account\nconst other: AccountId = \"{other}\"\n\n");
    let mut policies = Vec::new();
    for i in 0..1 + rng.below(3) {
        let kind = if rng.below(3) == 0 {
            "boundary"
        } else {
            "policy"
        };
        p.push_str(&format!("{kind} P{i} {{\n"));
        for _ in 0..1 + rng.below(3) {
            p.push_str(&rule(rng, "allow"));
        }
        p.push_str("}\n\n");
        policies.push((kind, format!("P{i}")));
    }
    for i in 0..rng.below(3) {
        let target = rng.pick(TARGETS).unwrap().replace("{i}", &i.to_string());
        let caller = rng.pick(CALLERS).unwrap();
        let resource = rng.pick(RESOURCES).unwrap();
        p.push_str(&format!(
            "resource R{i} on {target} {{\n    allow s3:GetObject from {caller} on {resource}\n}}\n\n"
        ));
    }
    if rng.below(2) == 0 {
        p.push_str("scp S {\n");
        p.push_str(&rule(rng, "deny"));
        p.push_str("}\n\n");
    }
    for i in 0..rng.below(3) {
        let caller = rng.pick(&CALLERS[..3]).unwrap();
        p.push_str(&format!(
            "trust T{i} {{\n    allow sts:AssumeRole from {caller}\n}}\n\nprincipal Role{i} {{\n    trust: T{i}\n"
        ));
        let identity: Vec<&String> = policies
            .iter()
            .filter(|(k, _)| *k == "policy")
            .map(|(_, n)| n)
            .collect();
        if let Some(managed) = rng.pick(&identity) {
            p.push_str(&format!("    policies: [{managed}]\n"));
        }
        if let (Some(inline), 0) = (rng.pick(&identity), rng.below(2)) {
            p.push_str(&format!("    inline_policies: [{inline}]\n"));
        }
        p.push_str("}\n\n");
    }
    p
}

fn analyse(text: &str, account: &str, region: &str) -> Analysis {
    let env = Environment::new("e", [("account", account), ("region", region)]);
    crate::support::analyze_text(text, Some(env))
}

/// B's JSON documents, and what each target must be in B.
fn oracle(b: &Analysis, label: String) -> (Oracle, BTreeMap<String, String>) {
    let mut documents = BTreeMap::new();
    let mut trusts = Vec::new();
    for d in b.user_documents() {
        documents.insert(d.name.clone(), iamc::policy::json::to_value(&d.document));
        if d.kind == iamc::policy::DocumentKind::Trust {
            trusts.push(d.name.clone());
        }
    }
    let mut targets = BTreeMap::new();
    for d in b.program.documents.iter() {
        let Some(t) = &d.target else { continue };
        // The ARN's fields, read here without iamc's help.
        let f: Vec<&str> = t.arn.node.splitn(6, ':').collect();
        let want = match t.kind {
            TargetKind::S3Bucket => f[5].to_string(),
            TargetKind::SqsQueue => format!("https://sqs.{}.amazonaws.com/{}/{}", f[3], f[4], f[5]),
            TargetKind::SnsTopic => t.arn.node.clone(),
            TargetKind::KmsKey => f[5].to_string(),
        };
        targets.insert(d.name.node.clone(), want);
    }
    let o = Oracle {
        label,
        documents,
        trusts,
        left_out: Vec::new(),
        account: B_ACCOUNT.into(),
        region: B_REGION.into(),
    };
    (o, targets)
}

fn settings() -> BuildSettings {
    let named = |v: &str| Setting {
        value: v.to_string(),
        span: Default::default(),
    };
    BuildSettings {
        targets: vec![Target::Cloudformation, Target::Terraform],
        account: Some(named("account")),
        region: Some(named("region")),
        partition: true,
        ..BuildSettings::default()
    }
}

/// The targets of the resource policies in a CloudFormation template, resolved.
fn cfn_targets(t: &Value, o: &Oracle) -> BTreeMap<String, String> {
    let samples = BTreeMap::from([
        ("AWS::AccountId", o.account.clone()),
        ("AWS::Region", o.region.clone()),
        ("AWS::Partition", "aws".to_string()),
        ("AWS::URLSuffix", "amazonaws.com".to_string()),
    ]);
    let mut out = BTreeMap::new();
    for (id, r) in t["Resources"].as_object().unwrap() {
        let p = &r["Properties"];
        let (name, v) = match r["Type"].as_str().unwrap() {
            "AWS::S3::BucketPolicy" => (id.clone(), p["Bucket"].clone()),
            "AWS::SQS::QueuePolicy" => (id.clone(), p["Queues"][0].clone()),
            "AWS::SNS::TopicPolicy" => (id.clone(), p["Topics"][0].clone()),
            "AWS::KMS::Alias" => (
                id.trim_end_matches("Alias").to_string(),
                p["AliasName"].clone(),
            ),
            _ => continue,
        };
        let text = match resolve(&serde_json::json!({ "x": v }), &samples)["x"].clone() {
            Value::String(s) => s,
            other => panic!("{other}"),
        };
        out.insert(name, text);
    }
    out
}

#[test]
fn templates_built_for_one_account_hold_every_other_accounts_policies() {
    let mut rng = Rng(0xdec1_a55e_7ab1_e5e7);
    let python = python_with_hcl2();
    let dir = crate::deploy::scratch("props");
    let mut tf_files = Vec::new();
    let mut oracles = Vec::new();
    for n in 0..60 {
        let text = program(&mut rng);
        let a = analyse(&text, A_ACCOUNT, A_REGION);
        let b = analyse(&text, B_ACCOUNT, B_REGION);
        let (o, targets) = oracle(&b, format!("program {n}:\n{text}"));
        let settings = settings();
        let (outputs, diags) = iamc::emit::deployable(&iamc::emit::Inputs {
            analysis: &a,
            settings: &settings,
            project: "p",
            overrides: &[],
        });
        assert!(!diags.iter().any(|d| d.is_error()), "{text}\n{diags:#?}");
        let mut seen = Vec::new();
        for out in &outputs {
            match out.target {
                Target::Cloudformation => {
                    let t = parse_template(&out.text, false);
                    seen.extend(check_cfn(&o, &out.path, &t));
                    assert_eq!(
                        cfn_targets(&t, &o),
                        targets
                            .iter()
                            .filter(|(n, _)| !out.organization
                                && t["Resources"].get(n.as_str()).is_some())
                            .map(|(n, v)| (n.clone(), v.clone()))
                            .collect::<BTreeMap<_, _>>(),
                        "{}",
                        o.label
                    );
                }
                _ => {
                    let path = dir.join(format!("{n}")).join(&out.path);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &out.text).unwrap();
                    tf_files.push((path, oracles.len()));
                }
            }
        }
        seen.sort();
        seen.dedup();
        let mut deployed: Vec<String> = o.documents.keys().cloned().collect();
        deployed.retain(|d| !o.trusts.contains(d) || seen.contains(d));
        assert_eq!(seen, deployed, "{}", o.label);
        oracles.push(o);
    }
    match python {
        Some(python) => {
            let paths: Vec<_> = tf_files.iter().map(|(p, _)| p.clone()).collect();
            let parsed = parse_hcl(&python, &paths);
            for (path, i) in &tf_files {
                check_tf(&oracles[*i], path, &parsed[path]);
            }
        }
        None => missing("python-hcl2"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

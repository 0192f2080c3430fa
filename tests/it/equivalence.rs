//! Every emitted policy is checked against the evaluation engine.
//!
//! 1. The seed project: for each declaration, the compiled document and the published seed
//!    policy (`tests/golden/seeds/expected/`) give the same decision over a systematic
//!    request space (actions named, variants matched only by wildcards or `NotAction`,
//!    resources named and not, every combination of the condition keys used, callers in the
//!    same and another account), with the policy in the slot it is used in.
//! 2. The seed scenarios' decisive behaviours, asserted directly on the compiled outputs.
//! 3. Each standard-library template, instantiated and compiled, against a hand-written
//!    table of what the template promises.

use iamc::catalog::Catalog;
use iamc::eval::{evaluate, Context, Outcome, PolicySet, Request};
use iamc::policy::{Document, DocumentKind, Effect, Matcher};
use iamc::Analysis;
use std::collections::BTreeSet;
use std::path::PathBuf;

const ACCOUNT: &str = "123412341234";
const OTHER: &str = "999988887777";
const USER: &str = "test20220710";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---- compiling ------------------------------------------------------------------------

/// Analyses `examples/seeds` through the library, as `iamc build --project` does.
fn compile_seeds() -> Analysis {
    crate::support::analyze_seeds()
}

fn compile_text(text: &str) -> Analysis {
    crate::support::analyze_text(text, None)
}

fn output<'c>(c: &'c Analysis, name: &str) -> &'c iamc::LoweredDocument {
    c.documents
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no output {name}"))
}

use crate::support::allow_all;

// ---- the request space ------------------------------------------------------------------

/// A caller and the `aws:username` AWS puts in its context (users only).
struct Caller {
    arn: String,
    username: Option<String>,
}

fn callers() -> Vec<Caller> {
    let user = |acct: &str, name: &str| Caller {
        arn: format!("arn:aws:iam::{acct}:user/{name}"),
        username: Some(name.to_string()),
    };
    let session = |acct: &str| Caller {
        arn: format!("arn:aws:sts::{acct}:assumed-role/Admin/s1"),
        username: None,
    };
    vec![
        user(ACCOUNT, USER),
        user(ACCOUNT, "alice"),
        user(OTHER, USER),
        session(ACCOUNT),
        session(OTHER),
    ]
}

/// Concrete actions: every literal named, a few a wildcard matches, the same in lower case,
/// other actions of each service named, and actions of services nobody named.
fn actions(docs: &[&Document]) -> Vec<String> {
    let cat = Catalog::embedded();
    let mut out = BTreeSet::new();
    let mut services = BTreeSet::new();
    for doc in docs {
        for st in &doc.statements {
            for pat in st.action.inner() {
                if let Some((svc, _)) = pat.split_once(':') {
                    if !svc.contains(['*', '?']) {
                        services.insert(svc.to_string());
                    }
                }
                if pat.contains(['*', '?']) {
                    let hits = cat.expand(pat);
                    for i in [0, hits.len() / 2, hits.len().saturating_sub(1)] {
                        if let Some(a) = hits.get(i) {
                            out.insert(a.full_name());
                        }
                    }
                } else {
                    out.insert(pat.clone());
                    out.insert(pat.to_ascii_lowercase());
                }
            }
        }
    }
    for svc in &services {
        if let Some(s) = cat.service(svc) {
            let all: Vec<String> = s.actions().map(|a| a.full_name()).collect();
            let step = (all.len() / 8).max(1);
            out.extend(all.iter().step_by(step).cloned());
        }
    }
    for a in [
        "newsvc:DoThing",
        "s3:GetObject",
        "s3:ListBucket",
        "ec2:RunInstances",
        "iam:PassRole",
        "iam:ChangePassword",
        "sts:AssumeRole",
        "sts:GetSessionToken",
        "organizations:LeaveOrganization",
    ] {
        out.insert(a.to_string());
    }
    out.into_iter().collect()
}

/// Concrete resources: each pattern with its wildcards and `${aws:username}` filled in,
/// variants that must not match (another name, another account, a longer bucket name), and
/// unrelated ARNs and `*`.
fn resources(docs: &[&Document]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for doc in docs {
        for st in &doc.statements {
            let Some(m) = &st.resource else { continue };
            for pat in m.inner() {
                if pat == "*" {
                    continue;
                }
                for name in [USER, "alice"] {
                    let filled = pat
                        .replace("${aws:username}", name)
                        .replace("iam::*:", &format!("iam::{ACCOUNT}:"))
                        .replace('*', "x/y")
                        .replace('?', "q");
                    out.insert(filled.replace(ACCOUNT, OTHER));
                    out.insert(format!("{filled}-other"));
                    out.insert(filled);
                }
            }
        }
    }
    for r in [
        "*",
        "arn:aws:s3:::otherbucket",
        "arn:aws:s3:::otherbucket/key",
        "arn:aws:ec2:us-east-1:123412341234:instance/i-0123456789abcdef0",
        "arn:aws:iam::123412341234:role/MfaAssumeRole",
        "arn:aws:iam::123412341234:user/test20220710",
    ] {
        out.insert(r.to_string());
    }
    out.into_iter().collect()
}

/// Each condition key used, with the values worth trying (`None`: absent).
fn condition_space(docs: &[&Document]) -> Vec<(String, Vec<Option<String>>)> {
    let mut keys: Vec<(String, BTreeSet<String>)> = Vec::new();
    for doc in docs {
        for st in &doc.statements {
            for c in &st.conditions {
                let lower = c.key.to_ascii_lowercase();
                let i = match keys
                    .iter()
                    .position(|(k, _)| k.to_ascii_lowercase() == lower)
                {
                    Some(i) => i,
                    None => {
                        keys.push((c.key.clone(), BTreeSet::new()));
                        keys.len() - 1
                    }
                };
                keys[i].1.extend(c.values.iter().cloned());
            }
        }
    }
    keys.into_iter()
        .map(|(k, vals)| {
            let mut vs: BTreeSet<String> = vals;
            vs.extend(["true", "false", "zz-other-value"].map(String::from));
            let mut values = vec![None];
            values.extend(vs.into_iter().map(Some));
            (k, values)
        })
        .collect()
}

fn contexts(space: &[(String, Vec<Option<String>>)]) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (key, values) in space {
        let mut next = Vec::new();
        for ctx in &out {
            for v in values {
                let mut c = ctx.clone();
                if let Some(v) = v {
                    c.push((key.clone(), v.clone()));
                }
                next.push(c);
            }
        }
        out = next;
    }
    out
}

/// The ways a document of `kind` is used: the policy sets it takes part in.
fn placements(kind: DocumentKind, doc: &Document) -> Vec<(&'static str, PolicySet)> {
    let mut out = Vec::new();
    let mut set = |name, f: &dyn Fn(&mut PolicySet)| {
        let mut s = PolicySet::new();
        f(&mut s);
        out.push((name, s));
    };
    match kind {
        DocumentKind::Identity => {
            set("identity alone", &|s| s.add_identity(doc).unwrap());
            set("identity with allow-all", &|s| {
                s.add_identity(doc).unwrap();
                s.add_identity(&allow_all()).unwrap();
            });
        }
        DocumentKind::Boundary => set("boundary of allow-all", &|s| {
            s.add_identity(&allow_all()).unwrap();
            s.set_boundary(doc).unwrap();
        }),
        DocumentKind::Resource | DocumentKind::Trust => {
            set("resource alone", &|s| s.set_resource(doc).unwrap());
            set("resource with allow-all identity", &|s| {
                s.set_resource(doc).unwrap();
                s.add_identity(&allow_all()).unwrap();
            });
        }
        DocumentKind::Scp => {
            set("scp alone", &|s| {
                s.add_identity(&allow_all()).unwrap();
                s.add_scp_level(std::slice::from_ref(doc)).unwrap();
            });
            set("scp with FullAWSAccess", &|s| {
                s.add_identity(&allow_all()).unwrap();
                s.add_scp_level(&[allow_all(), doc.clone()]).unwrap();
            });
        }
        DocumentKind::Rcp => set("rcp", &|s| {
            s.add_identity(&allow_all()).unwrap();
            s.add_rcp_level(std::slice::from_ref(doc)).unwrap();
        }),
        DocumentKind::Session => set("session of allow-all", &|s| {
            s.add_identity(&allow_all()).unwrap();
            s.set_session(doc).unwrap();
        }),
    }
    out
}

fn request(caller: &Caller, action: &str, resource: &str, ctx: &[(String, String)]) -> Request {
    let mut c = Context::new();
    if let Some(u) = &caller.username {
        c = c.with("aws:username", u);
    }
    for (k, v) in ctx {
        c = c.with(k, v);
    }
    Request::new(&caller.arn, action, resource)
        .unwrap()
        .with_resource_account(ACCOUNT)
        .with_context(c)
}

/// Compares the decisions of `got` and `want` over the request space of both; returns the
/// number of requests compared and the mismatches found.
fn compare(kind: DocumentKind, got: &Document, want: &Document) -> (usize, Vec<String>) {
    let docs = [got, want];
    let actions = actions(&docs);
    let resources = resources(&docs);
    let contexts = contexts(&condition_space(&docs));
    let got_sets = placements(kind, got);
    let want_sets = placements(kind, want);
    let mut n = 0;
    let mut mismatches = Vec::new();
    for ((slot, g), (_, w)) in got_sets.iter().zip(&want_sets) {
        for caller in &callers() {
            for a in &actions {
                for r in &resources {
                    for ctx in &contexts {
                        let req = request(caller, a, r, ctx);
                        let (dg, dw) = (evaluate(g, &req), evaluate(w, &req));
                        n += 1;
                        if dg.outcome != dw.outcome {
                            mismatches.push(format!(
                                "[{slot}] {} {a} on {r} with {ctx:?}: emitted {:?}, published {:?}",
                                caller.arn, dg.outcome, dw.outcome
                            ));
                        }
                    }
                }
            }
        }
    }
    (n, mismatches)
}

/// The seed notes' published policies, by name (the project also declares the policies its
/// principals need for their proofs, which the notes do not publish).
const PUBLISHED: [&str; 7] = [
    "DenyLeaveOrganization",
    "MfaAssumeRole",
    "MfaSelfService",
    "MyTestBucketPolicy",
    "NoS3Boundary",
    "PassRoleToEC2",
    "RequireMfaSession",
];

fn published(name: &str, kind: DocumentKind) -> Document {
    let p = root().join(format!("tests/golden/seeds/expected/{name}.json"));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    iamc::policy::parse::parse_document_as(&value, "$", kind)
        .unwrap_or_else(|e| panic!("{name}: {} {}", e.path, e.message))
}

#[test]
fn seed_outputs_decide_like_the_published_policies() {
    let c = compile_seeds();
    let names: Vec<&str> = c.user_documents().map(|o| o.name.as_str()).collect();
    for p in PUBLISHED {
        assert!(names.contains(&p), "{p} is not emitted");
    }
    let mut total = 0;
    let mut report = Vec::new();
    for o in c
        .user_documents()
        .filter(|o| PUBLISHED.contains(&o.name.as_str()))
    {
        let want = published(&o.name, o.kind);
        let (n, bad) = compare(o.kind, &o.document, &want);
        // Enough requests per document that the comparison cannot be vacuous.
        assert!(n >= 500, "{}: only {n} requests", o.name);
        eprintln!("{}: {n} requests compared", o.name);
        total += n;
        report.extend(bad.into_iter().map(|m| format!("{}: {m}", o.name)));
    }
    eprintln!("seed equivalence: {total} requests compared");
    assert!(total >= 70_000, "only {total} requests");
    assert!(
        report.is_empty(),
        "{} mismatches, first ones:\n{}",
        report.len(),
        report[..report.len().min(30)].join("\n")
    );
}

/// The one published policy the project corrects (tests/golden/seeds/README.md): the notes'
/// PassRoleToEC2 allows `iam:ListInstanceProfiles` on `instance-profile/*`, but the action
/// has no resource type, so AWS evaluates it against `*` and that statement never applies
/// (W0346). The project's policy, from `std.passrole.passrole_to_ec2`, differs from the
/// published one on that action alone, where the published one never allows.
#[test]
fn the_published_passrole_policy_never_lets_the_console_list_instance_profiles() {
    let c = compile_seeds();
    let o = output(&c, "PassRoleToEC2");
    let p = root().join("tests/golden/seeds/published/PassRoleToEC2.json");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let original =
        iamc::policy::parse::parse_document_as(&value, "$", DocumentKind::Identity).unwrap();
    let (n, bad) = compare(o.kind, &o.document, &original);
    assert!(n >= 500, "{n}");
    assert!(!bad.is_empty());
    // Every difference is that action, allowed by the project's policy and not by the
    // published one; among them the request AWS makes, on `*`.
    for m in &bad {
        assert!(
            m.to_lowercase().contains(" iam:listinstanceprofiles on ")
                && m.contains("emitted Allow, published ImplicitDeny"),
            "{m}"
        );
    }
    assert!(bad
        .iter()
        .any(|m| m.to_lowercase().contains(" iam:listinstanceprofiles on * ")));
    let catalog = iamc::catalog::Catalog::embedded();
    let action = catalog.action("iam:ListInstanceProfiles").unwrap();
    assert!(action.resource_types().is_empty());
}

/// The comparison sees a change in any statement: flipping one statement's effect in the
/// published policy always makes some request decide differently.
#[test]
fn the_comparison_sees_every_flipped_statement() {
    let c = compile_seeds();
    let mut flips = 0;
    for o in c
        .user_documents()
        .filter(|o| PUBLISHED.contains(&o.name.as_str()))
    {
        let want = published(&o.name, o.kind);
        for i in 0..want.statements.len() {
            let mut changed = want.clone();
            let st = &mut changed.statements[i];
            st.effect = match st.effect {
                Effect::Allow => Effect::Deny,
                Effect::Deny => Effect::Allow,
            };
            let (_, bad) = compare(o.kind, &o.document, &changed);
            assert!(
                !bad.is_empty(),
                "{}: flipping statement {i} goes unnoticed",
                o.name
            );
            flips += 1;
        }
    }
    assert_eq!(flips, 12);
}

// ---- the seed scenarios, decided directly -------------------------------------------------

fn decide(
    set: &PolicySet,
    principal: &str,
    action: &str,
    resource: &str,
    ctx: &[(&str, &str)],
) -> Outcome {
    let mut c = Context::new();
    for (k, v) in ctx {
        c = c.with(k, v);
    }
    let req = Request::new(principal, action, resource)
        .unwrap()
        .with_context(c);
    evaluate(set, &req).outcome
}

fn user(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

#[test]
fn boundary_without_s3_is_lifted_only_by_the_bucket_policy_naming_the_user() {
    let c = compile_seeds();
    let boundary = &output(&c, "NoS3Boundary").document;
    let bucket = &output(&c, "MyTestBucketPolicy").document;
    let mut set = PolicySet::new();
    set.add_identity(&allow_all()).unwrap();
    set.set_boundary(boundary).unwrap();
    let b = "arn:aws:s3:::mytest20220710";
    let me = user(USER);
    assert_eq!(
        decide(&set, &me, "s3:ListBucket", b, &[]),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&set, &me, "ec2:RunInstances", "*", &[]),
        Outcome::Allow
    );
    set.set_resource(bucket).unwrap();
    assert_eq!(decide(&set, &me, "s3:ListBucket", b, &[]), Outcome::Allow);
    assert_eq!(
        decide(&set, &me, "s3:GetObject", &format!("{b}/k"), &[]),
        Outcome::Allow
    );
    // Another user, and another bucket, stay outside.
    assert_eq!(
        decide(&set, &user("alice"), "s3:ListBucket", b, &[]),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&set, &me, "s3:ListBucket", "arn:aws:s3:::otherbucket", &[]),
        Outcome::ImplicitDeny
    );
}

#[test]
fn mfa_guards_deny_without_mfa_and_allow_with_it() {
    let c = compile_seeds();
    let me = user(USER);
    let mfa_absent: &[(&str, &str)] = &[("aws:username", USER)];
    let mfa_false: &[(&str, &str)] = &[
        ("aws:username", USER),
        ("aws:MultiFactorAuthPresent", "false"),
    ];
    let mfa_true: &[(&str, &str)] = &[
        ("aws:username", USER),
        ("aws:MultiFactorAuthPresent", "true"),
    ];

    // MfaSelfService next to an administrator policy.
    let mut set = PolicySet::new();
    set.add_identity(&output(&c, "MfaSelfService").document)
        .unwrap();
    set.add_identity(&allow_all()).unwrap();
    for ctx in [mfa_absent, mfa_false] {
        assert_eq!(
            decide(&set, &me, "ec2:RunInstances", "*", ctx),
            Outcome::ExplicitDeny
        );
        assert_eq!(
            decide(&set, &me, "s3:ListBucket", "arn:aws:s3:::b", ctx),
            Outcome::ExplicitDeny
        );
        // The self-service actions stay open.
        assert_eq!(
            decide(&set, &me, "iam:ChangePassword", &me, ctx),
            Outcome::Allow
        );
        assert_eq!(
            decide(&set, &me, "iam:ListVirtualMFADevices", "*", ctx),
            Outcome::Allow
        );
    }
    assert_eq!(
        decide(&set, &me, "ec2:RunInstances", "*", mfa_true),
        Outcome::Allow
    );

    // MfaSelfService alone: one's own MFA device, not someone else's.
    let mut alone = PolicySet::new();
    alone
        .add_identity(&output(&c, "MfaSelfService").document)
        .unwrap();
    let my_mfa = format!("arn:aws:iam::{ACCOUNT}:mfa/{USER}");
    assert_eq!(
        decide(
            &alone,
            &me,
            "iam:CreateVirtualMFADevice",
            &my_mfa,
            mfa_absent
        ),
        Outcome::Allow
    );
    assert_eq!(
        decide(
            &alone,
            &me,
            "iam:CreateVirtualMFADevice",
            &format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
            mfa_absent
        ),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&alone, &me, "iam:EnableMFADevice", &me, mfa_absent),
        Outcome::Allow
    );
    // Deleting a device is not on the exception list: it needs MFA (as published).
    assert_eq!(
        decide(
            &alone,
            &me,
            "iam:DeleteVirtualMFADevice",
            &my_mfa,
            mfa_absent
        ),
        Outcome::ExplicitDeny
    );
    assert_eq!(
        decide(&alone, &me, "iam:DeleteVirtualMFADevice", &my_mfa, mfa_true),
        Outcome::Allow
    );

    // RequireMfaSession: everything with MFA, only sts:GetSessionToken without.
    let mut set = PolicySet::new();
    set.add_identity(&output(&c, "RequireMfaSession").document)
        .unwrap();
    for ctx in [mfa_absent, mfa_false] {
        assert_eq!(
            decide(&set, &me, "s3:GetObject", "arn:aws:s3:::b/k", ctx),
            Outcome::ExplicitDeny
        );
        assert_eq!(
            decide(&set, &me, "sts:GetSessionToken", "*", ctx),
            Outcome::Allow
        );
    }
    assert_eq!(
        decide(&set, &me, "s3:GetObject", "arn:aws:s3:::b/k", mfa_true),
        Outcome::Allow
    );
    // A service acting for the user passes without MFA.
    assert_eq!(
        decide(
            &set,
            &me,
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            &[("aws:ViaAWSService", "true")]
        ),
        Outcome::Allow
    );
    assert_eq!(
        decide(
            &set,
            &me,
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            &[("aws:ViaAWSService", "false")]
        ),
        Outcome::ExplicitDeny
    );
}

#[test]
fn passrole_goes_only_to_ec2() {
    let c = compile_seeds();
    let mut set = PolicySet::new();
    set.add_identity(&output(&c, "PassRoleToEC2").document)
        .unwrap();
    let me = user(USER);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/WebServer");
    fn to(svc: &str) -> [(&str, &str); 1] {
        [("iam:PassedToService", svc)]
    }
    assert_eq!(
        decide(&set, &me, "iam:PassRole", &role, &to("ec2.amazonaws.com")),
        Outcome::Allow
    );
    assert_eq!(
        decide(
            &set,
            &me,
            "iam:PassRole",
            &role,
            &to("lambda.amazonaws.com")
        ),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&set, &me, "iam:PassRole", &role, &[]),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &me,
            "iam:PassRole",
            &format!("arn:aws:iam::{OTHER}:role/WebServer"),
            &to("ec2.amazonaws.com")
        ),
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &me,
            "iam:ListInstanceProfiles",
            &format!("arn:aws:iam::{ACCOUNT}:instance-profile/web"),
            &[]
        ),
        Outcome::Allow
    );
}

#[test]
fn assuming_the_mfa_role_needs_the_external_id_and_mfa() {
    let c = compile_seeds();
    let mut set = PolicySet::new();
    set.set_resource(&output(&c, "MfaAssumeRole").document)
        .unwrap();
    // The trust policy names the account, which delegates to the caller's own policies.
    set.add_identity(&allow_all()).unwrap();
    let me = user(USER);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/MfaAssumeRole");
    let both = [
        ("sts:ExternalId", "testtest"),
        ("aws:MultiFactorAuthPresent", "true"),
    ];
    assert_eq!(
        decide(&set, &me, "sts:AssumeRole", &role, &both),
        Outcome::Allow
    );
    for ctx in [
        &[("sts:ExternalId", "testtest")][..],
        &[("aws:MultiFactorAuthPresent", "true")][..],
        &[
            ("sts:ExternalId", "testtest"),
            ("aws:MultiFactorAuthPresent", "false"),
        ][..],
        &[
            ("sts:ExternalId", "other"),
            ("aws:MultiFactorAuthPresent", "true"),
        ][..],
        &[][..],
    ] {
        assert_eq!(
            decide(&set, &me, "sts:AssumeRole", &role, ctx),
            Outcome::ImplicitDeny,
            "{ctx:?}"
        );
    }
    // Another account is not trusted; nor is any other action allowed by the trust policy.
    let stranger = format!("arn:aws:iam::{OTHER}:user/{USER}");
    let req = Request::new(&stranger, "sts:AssumeRole", &role)
        .unwrap()
        .with_resource_account(ACCOUNT)
        .with_context(
            Context::new()
                .with("sts:ExternalId", "testtest")
                .with("aws:MultiFactorAuthPresent", "true"),
        );
    assert_eq!(evaluate(&set, &req).outcome, Outcome::ImplicitDeny);
    let mut trust_only = PolicySet::new();
    trust_only
        .set_resource(&output(&c, "MfaAssumeRole").document)
        .unwrap();
    assert_eq!(
        decide(&trust_only, &me, "sts:AssumeRole", &role, &both),
        Outcome::ImplicitDeny
    );
}

#[test]
fn member_accounts_cannot_leave_the_organization() {
    let c = compile_seeds();
    let mut set = PolicySet::new();
    set.add_identity(&allow_all()).unwrap();
    set.add_scp_level(&[
        allow_all(),
        output(&c, "DenyLeaveOrganization").document.clone(),
    ])
    .unwrap();
    let me = user(USER);
    assert_eq!(
        decide(&set, &me, "organizations:LeaveOrganization", "*", &[]),
        Outcome::ExplicitDeny
    );
    assert_eq!(
        decide(&set, &me, "organizations:ListAccounts", "*", &[]),
        Outcome::Allow
    );
    assert_eq!(
        decide(&set, &me, "s3:GetObject", "arn:aws:s3:::b/k", &[]),
        Outcome::Allow
    );
}

// ---- the standard library -------------------------------------------------------------------

const STDLIB_PROGRAM: &str = r#"
import std.guards.{mfa_guard, mfa_guard_via_services}
import std.passrole.passrole_to_service
import std.patterns.{allowlist, deny_actions, hybrid}
import std.scp.{deny_leave_organization, deny_root_user}
import std.trust.{assume_from_account_with_mfa, assume_from_service}

policy Guard {
    use mfa_guard(except: [iam:ChangePassword, sts:GetSessionToken])
}

policy GuardVia {
    use mfa_guard_via_services(except: [sts:GetSessionToken])
}

policy PassLambda {
    use passrole_to_service(service: "lambda.amazonaws.com", roles: arn"arn:aws:iam::111122223333:role/app/*")
}

policy Allowed {
    use allowlist(services: [s3, dynamodb])
}

policy Denied {
    use deny_actions(denied: [ec2])
}

policy Hybrid {
    use hybrid(allowed: [s3, iam], denied: [iam])
}

scp NoLeave {
    use deny_leave_organization()
}

scp NoRoot {
    use deny_root_user()
}

trust AssumeMfa {
    use assume_from_account_with_mfa(account: "111122223333", external_id: "ext-42")
}

trust FromLambda {
    use assume_from_service(service: "lambda.amazonaws.com")
}
"#;

/// How a row places the document under test.
#[derive(Clone, Copy, Debug)]
enum Slot {
    /// The document is the only identity policy.
    Alone,
    /// Next to an identity policy allowing everything.
    WithAdmin,
    /// An SCP level with `FullAWSAccess` (the one std.scp declares), allow-all identity.
    Scp,
    /// The trust policy of the role; the caller's identity allows everything.
    Trust,
}

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const MALLORY: &str = "arn:aws:iam::444455556666:user/mallory";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/App/s1";

/// (document, slot, caller, action, resource, context, expected).
type Row = (
    &'static str,
    Slot,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Outcome,
);

/// What each template promises, from reading it.
#[rustfmt::skip]
const STDLIB_TABLE: &[Row] = {
    use Outcome::{Allow as A, ExplicitDeny as D, ImplicitDeny as I};
    use Slot::*;
    const B: &str = "arn:aws:s3:::b/k";
    const MFA: &[(&str, &str)] = &[("aws:MultiFactorAuthPresent", "true")];
    const NO_MFA: &[(&str, &str)] = &[("aws:MultiFactorAuthPresent", "false")];
    const ROLE: &str = "arn:aws:iam::111122223333:role/app/worker";
    &[
        // mfa_guard: deny everything but `except` without MFA (absent or false).
        ("Guard", WithAdmin, ALICE, "s3:GetObject", B, &[], D),
        ("Guard", WithAdmin, ALICE, "s3:GetObject", B, NO_MFA, D),
        ("Guard", WithAdmin, ALICE, "s3:GetObject", B, MFA, A),
        ("Guard", WithAdmin, ALICE, "newsvc:DoThing", "*", &[], D),
        ("Guard", WithAdmin, ALICE, "iam:ChangePassword", ALICE, &[], A),
        ("Guard", WithAdmin, ALICE, "sts:GetSessionToken", "*", NO_MFA, A),
        ("Guard", WithAdmin, ALICE, "s3:GetObject", B, &[("aws:ViaAWSService", "true")], D),
        // A guard grants nothing by itself.
        ("Guard", Alone, ALICE, "s3:GetObject", B, MFA, I),
        ("Guard", Alone, ALICE, "iam:ChangePassword", ALICE, &[], I),
        // mfa_guard_via_services: the same, but a service acting for the user passes.
        ("GuardVia", WithAdmin, ALICE, "s3:GetObject", B, &[], D),
        ("GuardVia", WithAdmin, ALICE, "s3:GetObject", B, NO_MFA, D),
        ("GuardVia", WithAdmin, ALICE, "s3:GetObject", B, MFA, A),
        ("GuardVia", WithAdmin, ALICE, "s3:GetObject", B, &[("aws:ViaAWSService", "true")], A),
        ("GuardVia", WithAdmin, ALICE, "s3:GetObject", B, &[("aws:ViaAWSService", "false")], D),
        ("GuardVia", WithAdmin, ALICE, "sts:GetSessionToken", "*", &[], A),
        ("GuardVia", WithAdmin, ALICE, "iam:ChangePassword", ALICE, &[], D),
        // passrole_to_service: the roles, to that service only.
        ("PassLambda", Alone, ALICE, "iam:PassRole", ROLE, &[("iam:PassedToService", "lambda.amazonaws.com")], A),
        ("PassLambda", Alone, ALICE, "iam:PassRole", ROLE, &[("iam:PassedToService", "ec2.amazonaws.com")], I),
        ("PassLambda", Alone, ALICE, "iam:PassRole", ROLE, &[], I),
        ("PassLambda", Alone, ALICE, "iam:PassRole", "arn:aws:iam::111122223333:role/other", &[("iam:PassedToService", "lambda.amazonaws.com")], I),
        ("PassLambda", Alone, ALICE, "iam:GetRole", ROLE, &[], I),
        // allowlist: every action of the services, nothing else.
        ("Allowed", Alone, ALICE, "s3:GetObject", B, &[], A),
        ("Allowed", Alone, ALICE, "s3:PutBucketPolicy", "arn:aws:s3:::b", &[], A),
        ("Allowed", Alone, ALICE, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t", &[], A),
        ("Allowed", Alone, ALICE, "ec2:RunInstances", "*", &[], I),
        ("Allowed", Alone, ALICE, "newsvc:DoThing", "*", &[], I),
        ("Allowed", Alone, SESSION, "S3:getobject", B, &[], A),
        // deny_actions: the services are denied even next to an administrator policy.
        ("Denied", WithAdmin, ALICE, "ec2:RunInstances", "*", &[], D),
        ("Denied", WithAdmin, ALICE, "ec2:DescribeInstances", "*", &[], D),
        ("Denied", WithAdmin, ALICE, "s3:GetObject", B, &[], A),
        ("Denied", Alone, ALICE, "s3:GetObject", B, &[], I),
        // hybrid: allowed services, but the denied ones never.
        ("Hybrid", Alone, ALICE, "s3:GetObject", B, &[], A),
        ("Hybrid", Alone, ALICE, "iam:CreateUser", "arn:aws:iam::111122223333:user/x", &[], D),
        ("Hybrid", WithAdmin, ALICE, "iam:PassRole", ROLE, &[], D),
        ("Hybrid", Alone, ALICE, "ec2:RunInstances", "*", &[], I),
        // deny_leave_organization.
        ("NoLeave", Scp, ALICE, "organizations:LeaveOrganization", "*", &[], D),
        ("NoLeave", Scp, ALICE, "organizations:ListAccounts", "*", &[], A),
        ("NoLeave", Scp, SESSION, "s3:GetObject", B, &[], A),
        // deny_root_user: the root user (by aws:PrincipalArn) may do nothing.
        ("NoRoot", Scp, ALICE, "s3:GetObject", B, &[("aws:PrincipalArn", "arn:aws:iam::111122223333:root")], D),
        ("NoRoot", Scp, ALICE, "iam:CreateUser", "*", &[("aws:PrincipalArn", "arn:aws:iam::999988887777:root")], D),
        ("NoRoot", Scp, ALICE, "s3:GetObject", B, &[("aws:PrincipalArn", ALICE)], A),
        ("NoRoot", Scp, ALICE, "s3:GetObject", B, &[], A),
        // assume_from_account_with_mfa: principals of the account, with MFA and the id.
        ("AssumeMfa", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "true"), ("sts:ExternalId", "ext-42")], A),
        ("AssumeMfa", Trust, SESSION, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "true"), ("sts:ExternalId", "ext-42")], A),
        ("AssumeMfa", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("sts:ExternalId", "ext-42")], I),
        ("AssumeMfa", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "false"), ("sts:ExternalId", "ext-42")], I),
        ("AssumeMfa", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "true"), ("sts:ExternalId", "ext-43")], I),
        ("AssumeMfa", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "true")], I),
        ("AssumeMfa", Trust, MALLORY, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[("aws:MultiFactorAuthPresent", "true"), ("sts:ExternalId", "ext-42")], I),
        // assume_from_service: no IAM user or role session may assume the role (the engine
        // has no service callers; the principal is checked in the JSON below).
        ("FromLambda", Trust, ALICE, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[], I),
        ("FromLambda", Trust, SESSION, "sts:AssumeRole", "arn:aws:iam::111122223333:role/R", &[], I),
    ]
};

#[test]
fn stdlib_templates_behave_as_they_promise() {
    let c = compile_text(STDLIB_PROGRAM);
    // The standard library's own documents are lowered too.
    let full = output(&c, "FullAWSAccess").document.clone();
    let mut used = BTreeSet::new();
    for (i, (name, slot, caller, action, resource, ctx, want)) in STDLIB_TABLE.iter().enumerate() {
        let doc = &output(&c, name).document;
        used.insert(*name);
        let mut set = PolicySet::new();
        match slot {
            Slot::Alone => set.add_identity(doc).unwrap(),
            Slot::WithAdmin => {
                set.add_identity(doc).unwrap();
                set.add_identity(&allow_all()).unwrap();
            }
            Slot::Scp => {
                set.add_identity(&allow_all()).unwrap();
                set.add_scp_level(&[full.clone(), doc.clone()]).unwrap();
            }
            Slot::Trust => {
                set.add_identity(&allow_all()).unwrap();
                set.set_resource(doc).unwrap();
            }
        }
        let mut context = Context::new();
        for (k, v) in *ctx {
            context = context.with(k, v);
        }
        let req = Request::new(caller, action, resource)
            .unwrap()
            .with_context(context);
        let got = evaluate(&set, &req).outcome;
        assert_eq!(
            got, *want,
            "row {i}: {name} {slot:?} {caller} {action} on {resource} {ctx:?}"
        );
    }
    // Every document of the program is exercised.
    let declared: BTreeSet<&str> = c.user_documents().map(|o| o.name.as_str()).collect();
    assert_eq!(used, declared);
    // FullAWSAccess alone lets everything through one SCP level.
    let mut set = PolicySet::new();
    set.add_identity(&allow_all()).unwrap();
    set.add_scp_level(std::slice::from_ref(&full)).unwrap();
    assert_eq!(
        evaluate(&set, &Request::new(ALICE, "newsvc:DoThing", "*").unwrap()).outcome,
        Outcome::Allow
    );
    // The service principal the engine cannot play: the JSON names exactly the service.
    let from_lambda = &output(&c, "FromLambda").document;
    assert_eq!(from_lambda.statements.len(), 1);
    let st = &from_lambda.statements[0];
    let p = st.principal.as_ref().unwrap();
    assert!(!p.is_negated());
    assert_eq!(p.inner().service, ["lambda.amazonaws.com"]);
    assert!(p.inner().aws.is_empty() && !p.inner().any);
    assert_eq!(st.action, Matcher::Is(vec!["sts:AssumeRole".to_string()]));
    assert_eq!(st.effect, Effect::Allow);
    assert!(st.conditions.is_empty() && st.resource.is_none());
}

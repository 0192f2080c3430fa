//! The prover on the seed notes' scenarios and their classic mistakes, each judged
//! against what AWS documents (the counterexamples are replayed through the engine by the
//! search itself).

use super::problem::RequestSet;
use super::search::Limits;
use super::subject::{Placed, PrincipalSpec, Side, Subject};
use super::{decide, Property, Verdict};
use crate::catalog::Catalog;
use crate::check::ir::{Atom, CondExpr};
use crate::eval::Outcome;
use crate::policy::{parse::parse_document, Document, Matcher, Operator};
use crate::source::{Span, Spanned};

fn doc(json: &str) -> Document {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    parse_document(&v, "$").unwrap()
}

fn placed(d: &Document, decl: usize) -> Placed<'_> {
    Placed { doc: d, decl }
}

fn atom(op: &str, key: &str, values: &[&str]) -> CondExpr {
    CondExpr::Atom(Atom {
        operator: Operator::parse(op).unwrap(),
        key: Spanned::new(key.into(), Span::default()),
        values: values
            .iter()
            .map(|v| Spanned::new(v.to_string(), Span::default()))
            .collect(),
        span: Span::default(),
    })
}

fn request_set(actions: &[&str], resources: Option<&[&str]>, cond: Option<CondExpr>) -> RequestSet {
    RequestSet {
        actions: actions.iter().map(|s| s.to_string()).collect(),
        actions_negated: false,
        except: Vec::new(),
        resources: resources.map(|r| Matcher::Is(r.iter().map(|s| s.to_string()).collect())),
        condition: cond,
    }
}

fn run(subject: &Subject<'_>, p: &Property<'_>) -> Verdict {
    decide(subject, p, Catalog::embedded(), Limits::default(), &|| {
        false
    })
    .unwrap()
    .verdict
}

fn user<'d>(identity: Vec<Placed<'d>>) -> PrincipalSpec<'d> {
    PrincipalSpec {
        arn: Some("arn:aws:iam::123412341234:user/alice".into()),
        identity,
        ..PrincipalSpec::default()
    }
}

fn refuted(v: &Verdict) -> &crate::prove::search::Hit {
    match v {
        Verdict::Refuted {
            counterexample: Some(h),
        } => h,
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

#[test]
fn mfa_guard_with_bool_lets_access_keys_through() {
    // semantics-pitfalls 6: requests signed with long-term keys carry no MFA key.
    let allow = doc(ALLOW_ALL);
    let bool_guard = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}}"#,
    );
    let ifexists_guard = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*",
            "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}"#,
    );
    let mut r = request_set(
        &["*"],
        None,
        Some(CondExpr::Not(Box::new(atom(
            "Bool",
            "aws:MultiFactorAuthPresent",
            &["true"],
        )))),
    );
    r.except = vec!["iam:ChangePassword".into()];
    let bad = Subject::Principal(user(vec![placed(&allow, 0), placed(&bool_guard, 1)]));
    let v = run(&bad, &Property::Denies(r.clone()));
    let hit = refuted(&v);
    assert_eq!(hit.decisions[0].outcome, Outcome::Allow);
    assert!(
        hit.request
            .context
            .get("aws:MultiFactorAuthPresent")
            .is_none(),
        "the counterexample is a request without the key: {:?}",
        hit.request.context
    );
    let good = Subject::Principal(user(vec![placed(&allow, 0), placed(&ifexists_guard, 1)]));
    assert!(matches!(
        run(&good, &Property::Denies(r)),
        Verdict::Proved { .. }
    ));
}

#[test]
fn not_action_grants_far_more_than_intended() {
    let d = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}"#,
    );
    let s = Subject::Document(placed(&d, 0), Side::IdentityLike);
    let v = run(
        &s,
        &Property::Denies(request_set(&["account:*"], None, None)),
    );
    assert!(refuted(&v).request.action.starts_with("account:"));
    assert!(matches!(
        run(&s, &Property::Denies(request_set(&["iam:*"], None, None))),
        Verdict::Proved { .. }
    ));
}

#[test]
fn a_deny_list_of_todays_actions_is_no_deny_of_the_service() {
    // Open world: every s3 action the catalog knows, denied one by one.
    let cat = Catalog::embedded();
    let names: Vec<String> = cat
        .service("s3")
        .unwrap()
        .actions()
        .map(|a| format!("\"{}\"", a.full_name()))
        .collect();
    let deny = doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}},
            {{"Effect":"Deny","Action":[{}],"Resource":"*"}}]}}"#,
        names.join(",")
    ));
    let s = Subject::Document(placed(&deny, 0), Side::IdentityLike);
    let v = run(&s, &Property::Denies(request_set(&["s3:*"], None, None)));
    let action = &refuted(&v).request.action;
    assert!(action.starts_with("s3:"));
    assert!(
        cat.action(action).is_none(),
        "{action} is not in the catalog"
    );
}

#[test]
fn an_scp_level_without_an_allow_denies_everything() {
    let allow = doc(ALLOW_ALL);
    let only_ec2 = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#,
    );
    let mut p = user(vec![placed(&allow, 0)]);
    p.scps = vec![vec![placed(&allow, 1)], vec![placed(&only_ec2, 2)]];
    let s = Subject::Principal(p);
    let v = run(
        &s,
        &Property::Allows(request_set(&["s3:GetObject"], None, None)),
    );
    assert_eq!(refuted(&v).decisions[0].outcome, Outcome::ImplicitDeny);
    assert!(matches!(
        run(
            &s,
            &Property::Allows(request_set(&["ec2:RunInstances"], None, None))
        ),
        Verdict::Proved { .. }
    ));
}

#[test]
fn a_bucket_policy_naming_the_user_gets_past_the_boundary_but_not_naming_the_role() {
    let boundary = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}}"#,
    );
    let names_user = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123412341234:user/alice"},
            "Action":"*","Resource":["arn:aws:s3:::mytest","arn:aws:s3:::mytest/*"]}}"#,
    );
    let names_role = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123412341234:role/dev"},
            "Action":"*","Resource":["arn:aws:s3:::mytest","arn:aws:s3:::mytest/*"]}}"#,
    );
    let r = request_set(&["s3:GetObject"], Some(&["arn:aws:s3:::mytest/*"]), None);
    let mut p = user(vec![]);
    p.boundary = Some(placed(&boundary, 0));
    p.resource = Some(placed(&names_user, 1));
    assert!(matches!(
        run(&Subject::Principal(p), &Property::Allows(r.clone())),
        Verdict::Proved { .. }
    ));
    let role = PrincipalSpec {
        arn: Some("arn:aws:iam::123412341234:role/dev".into()),
        boundary: Some(placed(&boundary, 0)),
        resource: Some(placed(&names_role, 1)),
        ..PrincipalSpec::default()
    };
    let v = run(&Subject::Principal(role), &Property::Allows(r));
    assert_eq!(refuted(&v).decisions[0].outcome, Outcome::ImplicitDeny);
}

#[test]
fn may_allow_finds_a_witness_and_vacuous_sets_are_reported() {
    let d = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123412341234:role/*",
            "Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}}"#,
    );
    let s = Subject::Document(placed(&d, 0), Side::IdentityLike);
    match run(
        &s,
        &Property::MayAllow(request_set(&["iam:PassRole"], None, None)),
    ) {
        Verdict::Proved { witness: Some(w) } => {
            assert_eq!(
                w.request.context.get("iam:PassedToService"),
                Some(&crate::eval::ContextValue::One("ec2.amazonaws.com".into()))
            );
        }
        other => panic!("{other:?}"),
    }
    let not_ec2 = CondExpr::Not(Box::new(atom(
        "StringEquals",
        "iam:PassedToService",
        &["ec2.amazonaws.com"],
    )));
    assert!(matches!(
        run(
            &s,
            &Property::Denies(request_set(&["iam:PassRole"], None, Some(not_ec2)))
        ),
        Verdict::Proved { .. }
    ));
    let mut empty = request_set(&["iam:PassRole"], None, None);
    empty.except = vec!["iam:*".into()];
    assert!(matches!(
        run(&s, &Property::Denies(empty)),
        Verdict::Vacuous
    ));
}

#[test]
fn trust_with_mfa_and_external_id() {
    let trust = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123412341234:root"},
            "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},
            "StringEquals":{"sts:ExternalId":"testtest"}}}}"#,
    );
    let s = Subject::Document(placed(&trust, 0), Side::ResourceLike);
    let no_mfa = CondExpr::Not(Box::new(atom(
        "Bool",
        "aws:MultiFactorAuthPresent",
        &["true"],
    )));
    assert!(matches!(
        run(
            &s,
            &Property::Denies(request_set(&["sts:AssumeRole"], None, Some(no_mfa)))
        ),
        Verdict::Proved { .. }
    ));
    let other_account = atom("StringNotEquals", "aws:PrincipalAccount", &["123412341234"]);
    assert!(matches!(
        run(
            &s,
            &Property::Denies(request_set(&["*"], None, Some(other_account)))
        ),
        Verdict::Proved { .. }
    ));
    let v = run(
        &s,
        &Property::Denies(request_set(&["sts:AssumeRole"], None, None)),
    );
    let hit = refuted(&v);
    assert_eq!(hit.request.caller.account(), Some("123412341234"));
}

#[test]
fn within_and_equivalent_compare_two_documents() {
    let narrow = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let wide = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let s = Subject::Document(placed(&narrow, 0), Side::IdentityLike);
    assert!(matches!(
        run(&s, &Property::Within(placed(&wide, 1), Side::IdentityLike)),
        Verdict::Proved { .. }
    ));
    let v = run(
        &s,
        &Property::Equivalent(placed(&wide, 1), Side::IdentityLike),
    );
    let hit = refuted(&v);
    assert_eq!(hit.decisions[0].outcome, Outcome::ImplicitDeny);
    assert_eq!(hit.decisions[1].outcome, Outcome::Allow);
    let w = Subject::Document(placed(&wide, 1), Side::IdentityLike);
    assert!(matches!(
        run(
            &w,
            &Property::Within(placed(&narrow, 0), Side::IdentityLike)
        ),
        Verdict::Refuted { .. }
    ));
}

#[test]
fn policy_variables_of_the_caller() {
    // A user's own MFA device: `${aws:username}` is the user's name.
    let d = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:EnableMFADevice","Resource":"arn:aws:iam::*:user/${aws:username}"}}"#,
    );
    let alice = Subject::Principal(user(vec![placed(&d, 0)]));
    assert!(matches!(
        run(
            &alice,
            &Property::Allows(request_set(
                &["iam:EnableMFADevice"],
                Some(&["arn:aws:iam::123412341234:user/alice"]),
                None
            ))
        ),
        Verdict::Proved { .. }
    ));
    let v = run(
        &alice,
        &Property::Denies(request_set(
            &["iam:EnableMFADevice"],
            Some(&["arn:aws:iam::*:user/bob"]),
            None,
        )),
    );
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
    // Any caller: someone is called bob.
    let any = Subject::Document(placed(&d, 0), Side::IdentityLike);
    let v = run(
        &any,
        &Property::Denies(request_set(
            &["iam:EnableMFADevice"],
            Some(&["arn:aws:iam::*:user/bob"]),
            None,
        )),
    );
    assert!(
        refuted(&v).request.caller.as_str().ends_with("user/bob"),
        "{v:?}"
    );
}

#[test]
fn oidc_trust_and_the_wide_subject() {
    // semantics-pitfalls 14: a subject admitting every repository of an organization.
    let trust = |sub: &str| {
        doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow",
            "Principal":{{"Federated":"arn:aws:iam::123412341234:oidc-provider/token.actions.githubusercontent.com"}},
            "Action":"sts:AssumeRoleWithWebIdentity","Condition":{{
              "StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},
              "StringLike":{{"token.actions.githubusercontent.com:sub":"{sub}"}}}}}}}}"#
        ))
    };
    let narrow = trust("repo:org/app:ref:refs/heads/main");
    let wide = trust("repo:org/*");
    let other_repo = CondExpr::Not(Box::new(atom(
        "StringLike",
        "token.actions.githubusercontent.com:sub",
        &["repo:org/app:*"],
    )));
    let r = request_set(&["sts:AssumeRoleWithWebIdentity"], None, Some(other_repo));
    let s = Subject::Document(placed(&narrow, 0), Side::ResourceLike);
    assert!(matches!(
        run(&s, &Property::Denies(r.clone())),
        Verdict::Proved { .. }
    ));
    let s = Subject::Document(placed(&wide, 0), Side::ResourceLike);
    let v = run(&s, &Property::Denies(r));
    let hit = refuted(&v);
    assert!(
        hit.request.caller.is_outside_iam(),
        "{:?}",
        hit.request.caller
    );
    let may = run(
        &s,
        &Property::MayAllow(request_set(&["sts:AssumeRoleWithWebIdentity"], None, None)),
    );
    assert!(matches!(may, Verdict::Proved { witness: Some(_) }));
}

#[test]
fn assuming_a_role_needs_a_trust_policy_even_under_allow_everything() {
    // spec/prove.md: for `sts:AssumeRole*` the target's trust policy is the principal's
    // `resource`; without one nobody can assume it. No statement mentions the action, so
    // the decision's own test on it must split the actions (found by the cross-check).
    let allow = doc(ALLOW_ALL);
    let s = Subject::Principal(user(vec![placed(&allow, 0)]));
    let v = run(&s, &Property::Allows(request_set(&["*"], None, None)));
    let hit = refuted(&v);
    assert!(hit
        .request
        .action
        .to_lowercase()
        .starts_with("sts:assumerole"));
    let d = Subject::Document(placed(&allow, 0), Side::IdentityLike);
    assert!(matches!(
        run(&d, &Property::Allows(request_set(&["*"], None, None))),
        Verdict::Proved { .. }
    ));
}

#[test]
fn a_session_policy_limits_role_sessions_and_users_have_none() {
    let allow = doc(ALLOW_ALL);
    let session = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    let any = PrincipalSpec {
        account: Some("123412341234".into()),
        identity: vec![placed(&allow, 0)],
        session: Some(placed(&session, 1)),
        ..PrincipalSpec::default()
    };
    let s = Subject::Principal(any);
    assert!(matches!(
        run(&s, &Property::Denies(request_set(&["ec2:*"], None, None))),
        Verdict::Proved { .. }
    ));
    let mut u = user(vec![placed(&allow, 0)]);
    u.session = Some(placed(&session, 1));
    let e = decide(
        &Subject::Principal(u),
        &Property::Denies(request_set(&["ec2:*"], None, None)),
        Catalog::embedded(),
        Limits::default(),
        &|| false,
    );
    assert!(matches!(e, Err(super::Undecided::SessionForUser(_))));
}

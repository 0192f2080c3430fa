//! What IAM accepts as a principal, and what a trust policy can mean.
//!
//! Principals (E0336), per the IAM User Guide, "AWS JSON policy elements: Principal": the
//! `AWS` slot takes an account (`arn:aws:iam::ACCOUNT:root`, which `account(...)` writes),
//! an IAM user or role ARN, a role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`),
//! a federated user session (`arn:aws:sts::ACCOUNT:federated-user/NAME`), a CloudFront
//! origin access identity, or `*`; `Federated` takes an IAM SAML or OIDC provider ARN or one
//! of the web identity providers AWS names by domain (Cognito, Login with Amazon, Facebook,
//! Google); `CanonicalUser` a 64-digit hexadecimal id. IAM groups, instance profiles and
//! resources of other services are no principals: IAM rejects the document.
//!
//! Trust policies (IAM User Guide, "Roles terms and concepts", and the STS API reference):
//! only `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`,
//! `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext` are decided by a role's
//! trust policy (E0337); a federated principal assumes the role only through
//! `AssumeRoleWithWebIdentity` (OIDC) or `AssumeRoleWithSAML` (SAML), never `AssumeRole`
//! (E0338); and a web identity trust must say which tokens it takes: an audience and a
//! subject condition, and for GitHub Actions a subject naming the repository
//! (semantics-pitfalls 14; E0339, W0348).

use super::ir::{self, Atom, CondExpr, PrincipalValue};
use super::types::{has_policy_variable, has_wildcard, is_account_id};
use super::Checker;
use crate::catalog::pattern::Glob;
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::{BaseOperator, Effect, Matcher};
use crate::source::{Span, Spanned};

/// The actions a role's trust policy decides.
pub const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// The web identity providers AWS names by domain in `Federated`.
const WEB_IDENTITY_DOMAINS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "www.amazon.com",
    "graph.facebook.com",
    "accounts.google.com",
];

/// GitHub Actions' OIDC issuer.
const GITHUB: &str = "token.actions.githubusercontent.com";

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, split.
struct Arn<'t> {
    partition: &'t str,
    service: &'t str,
    region: &'t str,
    account: &'t str,
    resource: &'t str,
}

fn arn(text: &str) -> Option<Arn<'_>> {
    let mut p = text.splitn(6, ':');
    if p.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: p.next()?,
        service: p.next()?,
        region: p.next()?,
        account: p.next()?,
        resource: p.next()?,
    })
}

/// The partitions' names all start with `aws` (`aws`, `aws-cn`, `aws-us-gov`, ...).
fn is_partition(p: &str) -> bool {
    p == "aws"
        || p.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        })
}

/// `ROLE/SESSION` or `path/NAME`: at least `min` non-empty `/`-separated parts.
fn names(rest: &str, min: usize) -> bool {
    let parts: Vec<&str> = rest.split('/').collect();
    parts.len() >= min && parts.iter().all(|p| !p.is_empty())
}

/// The help that lists what a principal can be.
const PRINCIPAL_FORMS: &str = "a principal is an account (`account(\"111122223333\")`), an IAM user or role (`arn\"arn:aws:iam::111122223333:role/NAME\"`), a role session (`arn:aws:sts::111122223333:assumed-role/ROLE/SESSION`), `service(\"ec2.amazonaws.com\")`, `federated(...)`, `canonical(...)` or `*`";

/// Why IAM rejects `pv` as a principal, with the help to give; `None` when it accepts it
/// (or cannot tell: patterns, which E0329 reports, and policy variables).
pub fn principal_problem(pv: &PrincipalValue) -> Option<(String, String)> {
    let text = match pv {
        PrincipalValue::Any | PrincipalValue::Service(_) => return None,
        PrincipalValue::Aws(t)
        | PrincipalValue::Federated(t)
        | PrincipalValue::CanonicalUser(t) => t,
    };
    if text == "*" || has_wildcard(text) || has_policy_variable(text) {
        return None;
    }
    match pv {
        PrincipalValue::Aws(t) => aws_problem(t),
        PrincipalValue::Federated(t) => federated_problem(t),
        PrincipalValue::CanonicalUser(t) => {
            let ok = t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit());
            (!ok).then(|| {
                (
                    format!("`{t}` is not a canonical user id"),
                    "a canonical user id is 64 hexadecimal digits (S3 shows it as the owner's `ID`)"
                        .to_string(),
                )
            })
        }
        PrincipalValue::Any | PrincipalValue::Service(_) => None,
    }
}

fn aws_problem(t: &str) -> Option<(String, String)> {
    let not_a = |what: &str, help: &str| {
        Some((
            format!("`{t}` is {what}, not a principal"),
            help.to_string(),
        ))
    };
    let Some(a) = arn(t) else {
        return not_a("not an ARN", PRINCIPAL_FORMS);
    };
    if !is_partition(a.partition) {
        return not_a("not an ARN of an AWS partition", PRINCIPAL_FORMS);
    }
    match a.service {
        "iam" => {}
        "sts" => {
            let ok = a.region.is_empty()
                && is_account_id(a.account)
                && (a.resource.strip_prefix("assumed-role/").is_some_and(|r| names(r, 2))
                    || a.resource.strip_prefix("federated-user/").is_some_and(|r| names(r, 1)));
            return if ok {
                None
            } else {
                Some((
                    format!("`{t}` is not a session principal"),
                    "a session principal is `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` or `arn:aws:sts::ACCOUNT:federated-user/NAME`; to trust every session of a role, name the role: `arn:aws:iam::ACCOUNT:role/ROLE`".to_string(),
                ))
            };

        }
        other => {
            return not_a(
                &format!("a resource of `{other}`"),
                &format!("{PRINCIPAL_FORMS}; to let a service act for one resource (a bucket, a topic), trust `service(\"{other}.amazonaws.com\")` and test `aws:SourceArn`"),
            )
        }
    }
    if !a.region.is_empty() {
        return not_a(
            "an IAM ARN with a region",
            "IAM ARNs have no region: `arn:aws:iam::ACCOUNT:...`",
        );
    }
    // A CloudFront origin access identity: `arn:aws:iam::cloudfront:user/CloudFront Origin
    // Access Identity ID`.
    if a.account == "cloudfront"
        && a.resource
            .starts_with("user/CloudFront Origin Access Identity ")
    {
        return None;
    }
    if !is_account_id(a.account) {
        return not_a(
            "an IAM ARN without an account",
            "the fifth part of a principal's ARN is a 12-digit account id",
        );
    }
    let kind = a.resource.split('/').next().unwrap_or("");
    match kind {
        "root" if a.resource == "root" => None,
        "user" | "role" if names(a.resource, 2) => None,
        "group" => not_a(
            "an IAM group",
            "IAM groups are not principals; name the users, or trust the account and test `aws:PrincipalArn` or a principal tag",
        ),
        "oidc-provider" | "saml-provider" => not_a(
            "an identity provider",
            "an identity provider is trusted with `federated(...)`: `from federated(arn\"...\")`",
        ),
        "instance-profile" => not_a(
            "an instance profile",
            "instances act with the profile's role: trust `service(\"ec2.amazonaws.com\")` in the role, or name the role's ARN",
        ),
        _ => not_a("an IAM resource", PRINCIPAL_FORMS),
    }
}

fn federated_problem(t: &str) -> Option<(String, String)> {
    if WEB_IDENTITY_DOMAINS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(t))
    {
        return None;
    }
    let help = "a federated principal is an IAM identity provider's ARN (`arn:aws:iam::ACCOUNT:oidc-provider/HOST` or `arn:aws:iam::ACCOUNT:saml-provider/NAME`) or `cognito-identity.amazonaws.com`, `www.amazon.com`, `graph.facebook.com`, `accounts.google.com`";
    let bad = |what: &str| Some((format!("`{t}` is {what}"), help.to_string()));
    let Some(a) = arn(t) else {
        return bad("not an identity provider");
    };
    let ok = is_partition(a.partition)
        && a.service == "iam"
        && a.region.is_empty()
        && is_account_id(a.account)
        && (a
            .resource
            .strip_prefix("oidc-provider/")
            .is_some_and(|r| !r.is_empty())
            || a.resource
                .strip_prefix("saml-provider/")
                .is_some_and(|r| names(r, 1)));
    if ok {
        None
    } else {
        bad("not an identity provider's ARN")
    }
}

/// What a federated principal is, for the trust checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Provider<'t> {
    /// An OIDC provider, by its host (`token.actions.githubusercontent.com`), or a web
    /// identity domain (`accounts.google.com`).
    Oidc(&'t str),
    Saml,
}

fn provider(text: &str) -> Option<Provider<'_>> {
    if WEB_IDENTITY_DOMAINS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(text))
    {
        return Some(Provider::Oidc(text));
    }
    let a = arn(text)?;
    if let Some(host) = a.resource.strip_prefix("oidc-provider/") {
        return Some(Provider::Oidc(host));
    }
    a.resource
        .strip_prefix("saml-provider/")
        .map(|_| Provider::Saml)
}

impl Checker<'_, '_> {
    /// The trust policy checks of one rule: actions (E0337); for an `allow`, the action a
    /// federated principal needs (E0338) and what a web identity trust must test (E0339,
    /// W0348).
    pub(super) fn check_trust_rule(&mut self, rule: &ir::Rule) {
        self.trust_actions(rule);
        if rule.effect != Effect::Allow {
            return;
        }
        let Some(Matcher::Is(principals)) = &rule.principals else {
            return;
        };
        let federated: Vec<&Spanned<PrincipalValue>> = principals
            .iter()
            .filter(|p| matches!(p.node, PrincipalValue::Federated(_)))
            .collect();
        if federated.is_empty() {
            return;
        }
        let only_federated = federated.len() == principals.len();
        self.federated_actions(rule, &federated, only_federated);
        for p in &federated {
            if let PrincipalValue::Federated(t) = &p.node {
                if let Some(Provider::Oidc(host)) = provider(t) {
                    self.web_identity_conditions(rule, host, p.span);
                }
            }
        }
    }

    /// Actions a trust policy does not decide: an error, since the statement means
    /// nothing (`s3:GetObject` in a trust policy grants nobody anything).
    fn trust_actions(&mut self, rule: &ir::Rule) {
        let Matcher::Is(actions) = &rule.actions else {
            return;
        };
        for a in actions {
            let text = a.node.as_str();
            let meaningful = if has_wildcard(text) {
                let glob = Glob::new(text);
                TRUST_ACTIONS.iter().any(|t| glob.matches(t))
            } else {
                TRUST_ACTIONS.iter().any(|t| t.eq_ignore_ascii_case(text))
            };
            // An unknown `sts:` action is the catalog checks' to report (E0341).
            let unknown_sts = !has_wildcard(text)
                && text.to_ascii_lowercase().starts_with("sts:")
                && self.catalog.action(text).is_none();
            if meaningful || unknown_sts {
                continue;
            }
            self.err(
                Diagnostic::new(
                    Code::E0337,
                    a.span,
                    format!("`{text}` means nothing in a trust policy"),
                )
                .with_help("a trust policy decides who may assume the role: `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`; grant other actions in the role's permission policies"),
            );
        }
    }
}

/// The claim keys a web identity trust must test, by provider: (audience keys, subject
/// keys); an empty list when the provider has no such claim AWS documents.
fn claims_to_test(host: &str) -> (Vec<String>, Vec<String>) {
    let key = |claim: &str| format!("{host}:{claim}");
    match host.to_ascii_lowercase().as_str() {
        // The identity pool is the audience; a pool's identities are its users.
        "cognito-identity.amazonaws.com" => (vec![key("aud")], Vec::new()),
        "www.amazon.com" | "graph.facebook.com" => (vec![key("app_id")], Vec::new()),
        // STS also passes GitHub's repository claims (STS-claims): naming the repository
        // there tests the subject too.
        GITHUB => (
            vec![key("aud")],
            ["sub", "repository", "repository_id", "job_workflow_ref"]
                .iter()
                .map(|c| key(c))
                .collect(),
        ),
        _ => (vec![key("aud")], vec![key("sub")]),
    }
}

/// Whether the condition can only hold when one of `keys` is present with a value it
/// names: a positive string test (not `IfExists`) on every path through the `or`s.
fn restricts(c: &CondExpr, keys: &[String]) -> bool {
    match c {
        CondExpr::And(xs) => xs.iter().any(|x| restricts(x, keys)),
        CondExpr::Or(xs) => !xs.is_empty() && xs.iter().all(|x| restricts(x, keys)),
        CondExpr::Atom(a) => {
            keys.iter().any(|k| k.eq_ignore_ascii_case(&a.key.node))
                && !a.operator.if_exists
                && matches!(
                    a.operator.base,
                    BaseOperator::StringEquals
                        | BaseOperator::StringEqualsIgnoreCase
                        | BaseOperator::StringLike
                )
                && a.values.iter().all(|v| v.node != "*")
        }
        CondExpr::Const(b) => !b,
        CondExpr::Not(_) => false,
    }
}

/// Every positive string test on `key` in the condition.
fn positive_atoms<'c>(c: &'c CondExpr, key: &str, out: &mut Vec<&'c Atom>) {
    match c {
        CondExpr::And(xs) | CondExpr::Or(xs) => xs.iter().for_each(|x| positive_atoms(x, key, out)),
        CondExpr::Atom(a) if a.key.node.eq_ignore_ascii_case(key) => out.push(a),
        _ => {}
    }
}

/// How much of GitHub a `sub` value admits.
enum Reach {
    /// Every repository on GitHub (`*`, `repo:*`).
    AllOfGithub,
    /// Every repository of one owner (`repo:acme/*`, `repo:acme/*:ref:refs/heads/main`).
    Organization(String),
    Narrow,
}

fn github_subject_reach(value: &str) -> Reach {
    let Some(rest) = value.strip_prefix("repo:") else {
        return if value.starts_with(['*', '?']) {
            Reach::AllOfGithub
        } else {
            Reach::Narrow
        };
    };
    match rest.split_once('/') {
        _ if rest.starts_with(['*', '?']) => Reach::AllOfGithub,
        Some((owner, repo)) if repo.starts_with('*') && !has_wildcard(owner) => {
            Reach::Organization(owner.to_string())
        }
        None if has_wildcard(rest) => Reach::AllOfGithub,
        _ => Reach::Narrow,
    }
}

impl Checker<'_, '_> {
    /// A federated principal can only use the statement through the assume-role action of
    /// its kind of provider (E0338); a fix replaces a plain `sts:AssumeRole`.
    fn federated_actions(
        &mut self,
        rule: &ir::Rule,
        federated: &[&Spanned<PrincipalValue>],
        only_federated: bool,
    ) {
        let Matcher::Is(actions) = &rule.actions else {
            return;
        };
        let admits = |wanted: &str| {
            actions.iter().any(|a| {
                if has_wildcard(&a.node) {
                    Glob::new(&a.node).matches(wanted)
                } else {
                    a.node.eq_ignore_ascii_case(wanted)
                }
            })
        };
        let mut reported = false;
        for p in federated {
            let PrincipalValue::Federated(t) = &p.node else {
                continue;
            };
            let (wanted, how) = match provider(t) {
                Some(Provider::Oidc(_)) => (
                    "sts:AssumeRoleWithWebIdentity",
                    "an OIDC or web identity provider's users exchange their token with `AssumeRoleWithWebIdentity`",
                ),
                Some(Provider::Saml) => (
                    "sts:AssumeRoleWithSAML",
                    "a SAML provider's users exchange their assertion with `AssumeRoleWithSAML`",
                ),
                None => continue,
            };
            if admits(wanted) || reported {
                continue;
            }
            reported = true;
            let plain = actions
                .iter()
                .find(|a| a.node.eq_ignore_ascii_case("sts:AssumeRole"));
            let at = plain.map_or(p.span, |a| a.span);
            let mut d = Diagnostic::new(
                Code::E0338,
                at,
                format!("`{t}` can assume the role only with `{wanted}`"),
            )
            .with_help(format!(
                "{how}; `sts:AssumeRole` never matches a federated caller: allow `{wanted}`"
            ));
            if plain.is_some() {
                d = d.with_label(p.span, "a federated principal");
                if let Some(a) = plain.filter(|a| a.span.len() as usize == a.node.len()) {
                    if only_federated {
                        d = d.with_fix(a.span, wanted);
                    }
                }
            }
            self.err(d);
        }
    }

    /// A web identity trust says which tokens it takes: the audience (the app or pool)
    /// and the subject. Without a subject test, GitHub's provider lets every workflow of
    /// every repository on GitHub assume the role (E0339); a subject for a whole owner,
    /// every repository of an organization (W0348), as does a missing audience or, for
    /// other providers, a missing subject.
    fn web_identity_conditions(&mut self, rule: &ir::Rule, host: &str, at: Span) {
        let (audience, subject) = claims_to_test(host);
        let holds = |keys: &[String]| {
            keys.is_empty() || rule.condition.as_ref().is_some_and(|c| restricts(c, keys))
        };
        let github = host.eq_ignore_ascii_case(GITHUB);
        let sub_key = format!("{host}:sub");
        let owner_keys: Vec<String> = ["repository_owner", "repository_owner_id"]
            .iter()
            .map(|c| format!("{host}:{c}"))
            .collect();
        if github && !holds(&subject) && holds(&owner_keys) {
            self.err(
                Diagnostic::new(
                    Code::W0348,
                    at,
                    "this trust lets every repository of one GitHub owner assume the role",
                )
                .with_help(format!(
                    "the owner is tested, not the repository: anyone who can create or push to a repository of the organization gets the role; test `{sub_key}` (`repo:OWNER/REPO:*`)"
                )),
            );
        } else if github && !holds(&subject) {
            self.err(
                Diagnostic::new(
                    Code::E0339,
                    at,
                    "this trust lets every GitHub Actions workflow of every repository assume the role",
                )
                .with_help(format!(
                    "test the subject, which names the repository: `when {sub_key} like \"repo:OWNER/REPO:*\"` (or `:ref:refs/heads/main`, `:environment:prod`)"
                )),
            );
        } else if !holds(&subject) {
            self.err(
                Diagnostic::new(
                    Code::W0348,
                    at,
                    format!("this trust takes a token from `{host}` for any subject"),
                )
                .with_help(format!(
                    "test the subject too: `and {sub_key} == \"...\"` (for EKS, `system:serviceaccount:NAMESPACE:NAME`)"
                )),
            );
        }
        if !holds(&audience) {
            let aud = audience.first().cloned().unwrap_or_default();
            let example = if github { "sts.amazonaws.com" } else { "..." };
            self.err(
                Diagnostic::new(
                    Code::W0348,
                    at,
                    format!("this trust takes a token from `{host}` for any audience"),
                )
                .with_help(format!(
                    "test the audience (the app or identity pool the token was issued for): `and {aud} == \"{example}\"`"
                )),
            );
        }
        if github {
            let mut atoms = Vec::new();
            if let Some(c) = &rule.condition {
                positive_atoms(c, &sub_key, &mut atoms);
            }
            for a in atoms {
                for v in &a.values {
                    match github_subject_reach(&v.node) {
                        Reach::AllOfGithub => self.err(
                            Diagnostic::new(
                                Code::E0339,
                                v.span,
                                format!("`{}` lets every repository on GitHub assume the role", v.node),
                            )
                            .with_help("name the repository: `repo:OWNER/REPO:*`"),
                        ),
                        Reach::Organization(owner) => self.err(
                            Diagnostic::new(
                                Code::W0348,
                                v.span,
                                format!("`{}` lets every repository of `{owner}` assume the role", v.node),
                            )
                            .with_help(format!(
                                "anyone who can create or push to a repository of `{owner}` gets the role: name the repository (`repo:{owner}/REPO:ref:refs/heads/main`), or test `{GITHUB}:job_workflow_ref` for a reviewed workflow"
                            )),
                        ),
                        Reach::Narrow => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(t: &str) -> bool {
        principal_problem(&PrincipalValue::Aws(t.into())).is_none()
    }

    fn federated(t: &str) -> bool {
        principal_problem(&PrincipalValue::Federated(t.into())).is_none()
    }

    #[test]
    fn principals_by_slot() {
        for ok in [
            "*",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/a",
            "arn:aws:iam::111122223333:role/path/to/r",
            "arn:aws:sts::111122223333:assumed-role/r/s",
            "arn:aws:sts::111122223333:federated-user/u",
            "arn:aws-cn:iam::111122223333:role/r",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1",
            "arn:aws:iam::${aws:PrincipalAccount}:root",
        ] {
            assert!(aws(ok), "{ok}");
        }
        for bad in [
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111122223333:group/g",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:rootx",
            "arn:aws:iam:eu-west-1:111122223333:role/r",
            "arn:aws:sts::111122223333:assumed-role/r",
            "arn:aws:iam::111122223333:oidc-provider/x",
            "arn:aws:iam:::role/r",
            "arn:gcp:iam::111122223333:role/r",
            "111122223333",
        ] {
            assert!(!aws(bad), "{bad}");
        }
        assert!(federated("accounts.google.com"));
        assert!(federated("arn:aws:iam::111122223333:saml-provider/Okta"));
        assert!(federated(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.x.amazonaws.com/id/A"
        ));
        assert!(!federated("login.example.com"));
        assert!(!federated("arn:aws:iam::111122223333:role/r"));
        let canonical =
            |t: &str| principal_problem(&PrincipalValue::CanonicalUser(t.into())).is_none();
        assert!(canonical(&"a".repeat(64)));
        assert!(!canonical(&"a".repeat(63)));
    }

    #[test]
    fn github_subjects() {
        let org =
            |v: &str| matches!(github_subject_reach(v), Reach::Organization(o) if o == "acme");
        let all = |v: &str| matches!(github_subject_reach(v), Reach::AllOfGithub);
        let narrow = |v: &str| matches!(github_subject_reach(v), Reach::Narrow);
        assert!(all("*") && all("repo:*") && all("repo:*/app:*") && all("repo:acme*"));
        assert!(
            org("repo:acme/*") && org("repo:acme/*:*") && org("repo:acme/*:ref:refs/heads/main")
        );
        assert!(narrow("repo:acme/app:*") && narrow("repo:acme/app-*:ref:refs/heads/main"));
    }
}

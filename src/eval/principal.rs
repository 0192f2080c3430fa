//! The caller and how a `Principal` names it (IAM User Guide, "AWS JSON policy elements:
//! Principal" and "NotPrincipal"; spec "The decision", rule 4, and "Callers outside IAM").

use super::arn;
use crate::policy::{Matcher, Principals};

/// Who makes the request (`request.principal` of a scenario).
///
/// The first three kinds are IAM principals: they belong to an account, their identity-based
/// policies, boundary, session policy and SCPs apply, and a `Principal` names them through
/// the `AWS` key. The last three are *callers outside IAM* (docs/eval-scenario.md, "Callers
/// outside IAM"): they have no identity-based policy, boundary, session policy or SCP of their
/// own, so only the resource-based policy (for `sts:AssumeRole*`, the trust policy) and the
/// RCPs decide their requests.
///
/// [`Caller::parse`] checks the text of each kind; a caller built directly is taken as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// An IAM user, `arn:PARTITION:iam::ACCOUNT:user/[PATH/]NAME`.
    User { arn: String, account: String },
    /// A role session, `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    Session {
        arn: String,
        account: String,
        /// The role's name (its last path segment).
        role: String,
    },
    /// An AWS STS federated user session (from `GetFederationToken`),
    /// `arn:PARTITION:sts::ACCOUNT:federated-user/NAME`.
    FederatedUser { arn: String, account: String },
    /// An AWS service acting as itself, such as `ec2.amazonaws.com` assuming an instance's role
    /// or `logging.s3.amazonaws.com` writing to a bucket. Named by `"Principal": {"Service":
    /// ...}`. `name` is the service principal, all lowercase as AWS defines it.
    Service { name: String },
    /// An identity provider, standing for the federated users it vouches for when they call
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`. Named by
    /// `"Principal": {"Federated": ...}`. `name` is the provider's ARN or, for a well-known
    /// web identity provider, its name (`accounts.google.com`).
    Provider { name: String, kind: ProviderKind },
    /// An unauthenticated request (a public bucket or object). Only `"Principal": "*"` and
    /// `{"AWS": "*"}` name it.
    Anonymous,
}

/// The kinds of identity provider a [`Caller::Provider`] can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// An IAM OIDC identity provider, `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]`
    /// (GitHub Actions: `token.actions.githubusercontent.com`; EKS:
    /// `oidc.eks.REGION.amazonaws.com/id/ID`).
    Oidc,
    /// An IAM SAML identity provider, `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
    Saml,
    /// One of [`WEB_IDENTITY_PROVIDERS`], which need no IAM provider resource.
    WebIdentity,
}

/// The well-known web identity providers a trust policy names by name (IAM User Guide,
/// "AWS JSON policy elements: Principal", "Web identity session principals").
pub const WEB_IDENTITY_PROVIDERS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// What `request.principal` may be; every parse error starts with it.
const EXPECTED: &str =
    "expected an IAM user ARN `arn:aws:iam::ACCOUNT:user/NAME`, a role session ARN \
    `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, a federated user ARN \
    `arn:aws:sts::ACCOUNT:federated-user/NAME`, an AWS service principal such as \
    `ec2.amazonaws.com`, an identity provider (`arn:aws:iam::ACCOUNT:oidc-provider/HOST`, \
    `arn:aws:iam::ACCOUNT:saml-provider/NAME`, `cognito-identity.amazonaws.com`, \
    `accounts.google.com`, `graph.facebook.com`, `www.amazon.com`) or `anonymous`";

/// The endings of AWS service principal names. `.amazonaws.com` is the usual form, with one
/// label or more before it (`ec2.amazonaws.com`, `logging.s3.amazonaws.com`, the regional
/// `states.eu-west-1.amazonaws.com`); `.amazonaws.com.cn` is the form some services used in
/// the China Regions (AWS CDK, `ServicePrincipal.servicePrincipalName`: names "used to be
/// different for different partitions"); `.amazon.com` is used by a few services
/// (`alexa-appkit.amazon.com`; the Security Lake API accepts
/// `[a-z0-9.-]*.(amazonaws|amazon).com` as a service principal).
const SERVICE_SUFFIXES: [&str; 3] = [".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"];

impl Caller {
    /// Parses `request.principal`; the error says what was expected.
    pub fn parse(text: &str) -> Result<Caller, String> {
        let bad = || format!("{EXPECTED}, found `{text}`");
        if text == "anonymous" {
            return Ok(Caller::Anonymous);
        }
        // Checked before the service shape: `cognito-identity.amazonaws.com` is the Amazon
        // Cognito web identity provider, which trust policies name as `Federated`.
        if WEB_IDENTITY_PROVIDERS.contains(&text) {
            return Ok(Caller::Provider {
                name: text.to_string(),
                kind: ProviderKind::WebIdentity,
            });
        }
        if text.starts_with("arn:") {
            return parse_arn(text).ok_or_else(bad);
        }
        match service_principal(text) {
            Some(true) => Ok(Caller::Service {
                name: text.to_string(),
            }),
            // IAM Access Analyzer, "Invalid service principal format": a service principal
            // is "in all lowercase letters"; AWS services never call under another spelling.
            Some(false) => Err(format!(
                "{}; a service principal is written in lowercase letters, as AWS defines it",
                bad()
            )),
            None => Err(bad()),
        }
    }

    /// The caller as `request.principal` writes it (`anonymous` for an anonymous caller).
    pub fn as_str(&self) -> &str {
        match self {
            Caller::User { arn, .. }
            | Caller::Session { arn, .. }
            | Caller::FederatedUser { arn, .. } => arn,
            Caller::Service { name } | Caller::Provider { name, .. } => name,
            Caller::Anonymous => "anonymous",
        }
    }

    /// The account of an IAM caller; `None` for a caller outside IAM, which has no account
    /// whose policies apply to it.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::User { account, .. }
            | Caller::Session { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            Caller::Service { .. } | Caller::Provider { .. } | Caller::Anonymous => None,
        }
    }

    pub fn is_user(&self) -> bool {
        matches!(self, Caller::User { .. })
    }

    /// Whether the caller has no IAM identity (an AWS service, an identity provider or an
    /// anonymous caller), so that only the resource-based policy and RCPs decide.
    pub fn is_outside_iam(&self) -> bool {
        self.account().is_none()
    }
}

/// Parses the ARN forms of a caller: IAM users, sessions, federated users and IAM identity
/// providers.
fn parse_arn(text: &str) -> Option<Caller> {
    let [a, partition, service, region, account, resource] = arn::split(text)?;
    if a != "arn" || partition.is_empty() || !region.is_empty() || !is_account(account) {
        return None;
    }
    let arn = text.to_string();
    let account = account.to_string();
    match service {
        "iam" => {
            if let Some(name) = resource.strip_prefix("user/") {
                (!name.is_empty() && !name.ends_with('/')).then_some(Caller::User { arn, account })
            } else if let Some(url) = resource.strip_prefix("oidc-provider/") {
                is_oidc_url(url).then_some(Caller::Provider {
                    name: arn,
                    kind: ProviderKind::Oidc,
                })
            } else if let Some(name) = resource.strip_prefix("saml-provider/") {
                is_saml_name(name).then_some(Caller::Provider {
                    name: arn,
                    kind: ProviderKind::Saml,
                })
            } else {
                None
            }
        }
        "sts" => {
            if let Some(rest) = resource.strip_prefix("assumed-role/") {
                let (role, session) = rest.split_once('/')?;
                (!role.is_empty() && !session.is_empty() && !session.contains('/')).then(|| {
                    Caller::Session {
                        role: role.to_string(),
                        arn,
                        account,
                    }
                })
            } else if let Some(name) = resource.strip_prefix("federated-user/") {
                (!name.is_empty()).then_some(Caller::FederatedUser { arn, account })
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `Some(true)` for a service principal name, `Some(false)` for one that is right but for
/// upper-case letters, `None` for anything else.
fn service_principal(text: &str) -> Option<bool> {
    let lower = text.to_ascii_lowercase();
    let prefix = SERVICE_SUFFIXES
        .iter()
        .find_map(|s| lower.strip_suffix(s))?;
    let labels_ok = prefix.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    labels_ok.then_some(lower == text)
}

/// The `HOST[/PATH]` of an OIDC provider ARN: the issuer URL without `https://`. IAM
/// (`CreateOpenIDConnectProvider`) takes a host name, optionally with path components and no
/// port; the engine asks for DNS labels in the host and non-empty path segments, and no
/// wildcard, which no caller has.
fn is_oidc_url(url: &str) -> bool {
    let mut parts = url.split('/');
    let host_ok = parts.next().is_some_and(|host| {
        host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    });
    host_ok
        && parts.all(|seg| {
            !seg.is_empty() && !seg.contains(|c: char| c.is_whitespace() || c == '*' || c == '?')
        })
}

/// A SAML provider name: 1 to 128 of `A-Z a-z 0-9 _ . -` (IAM API Reference,
/// `CreateSAMLProvider`, `Name`).
fn is_saml_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Whether a `Principal` ARN names an IAM caller with ARN `arn`. IAM user and role names
/// "are not distinguished by case" (IAM API Reference, `CreateUser`/`CreateRole`: one account
/// cannot hold both `Alice` and `alice`), and IAM resolves a user ARN in a `Principal` to
/// that user, so an IAM user's name compares ignoring ASCII case; the rest of the ARN (and
/// every session ARN, which AWS keeps as text) compares exactly.
fn same_principal(entry: &str, arn: &str, is_user: bool) -> bool {
    if entry == arn {
        return true;
    }
    if !is_user || entry.len() != arn.len() {
        return false;
    }
    match (entry.rsplit_once('/'), arn.rsplit_once('/')) {
        (Some((ep, en)), Some((ap, an))) => ep == ap && en.eq_ignore_ascii_case(an),
        _ => false,
    }
}

pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// How a resource policy statement names the caller; the order is the strength of the grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Naming {
    /// By the account (`"ACCOUNT"`, `arn:aws:iam::ACCOUNT:root`): delegates to the account's
    /// own IAM policies.
    Account,
    /// By the role ARN: every session of the role.
    Role,
    /// The user ARN, the session ARN, `"*"` or `{"AWS": "*"}`; for a caller outside IAM, any
    /// naming at all.
    Direct,
}

/// The entries of one principal type other than `AWS` (`Service`, `Federated`), compared
/// exactly: `"*"` names every caller of that type.
#[derive(Clone, Debug, Default)]
struct Names {
    any: bool,
    names: Vec<String>,
}

impl Names {
    fn new(list: &[String]) -> Names {
        Names {
            any: list.iter().any(|e| e == "*"),
            names: list.iter().filter(|e| *e != "*").cloned().collect(),
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.any || self.names.iter().any(|n| n == name)
    }
}

/// A `Principal`/`NotPrincipal` element, classified once.
#[derive(Clone, Debug, Default)]
pub struct CompiledPrincipal {
    negated: bool,
    any: bool,
    direct: Vec<String>,
    /// (account, role name): a role ARN names the role by its last path segment.
    roles: Vec<(String, String)>,
    accounts: Vec<String>,
    /// `Service` entries: they name only [`Caller::Service`].
    services: Names,
    /// `Federated` entries: they name only [`Caller::Provider`].
    providers: Names,
}

impl CompiledPrincipal {
    pub fn compile(m: &Matcher<Principals>) -> CompiledPrincipal {
        let p = m.inner();
        // `CanonicalUser` entries (S3 canonical user ids) name no caller the engine knows:
        // a canonical user id stands for an account, which a scenario names by its id.
        let mut c = CompiledPrincipal {
            negated: m.is_negated(),
            any: p.any,
            services: Names::new(&p.service),
            providers: Names::new(&p.federated),
            ..CompiledPrincipal::default()
        };
        for entry in &p.aws {
            if entry == "*" {
                c.any = true;
            } else if is_account(entry) {
                c.accounts.push(entry.clone());
            } else if let Some([_, _, "iam", "", account, resource]) = arn::split(entry) {
                if resource == "root" {
                    c.accounts.push(account.to_string());
                } else if let Some(path_name) = resource.strip_prefix("role/") {
                    let name = path_name.rsplit('/').next().unwrap_or(path_name);
                    c.roles.push((account.to_string(), name.to_string()));
                } else {
                    c.direct.push(entry.clone());
                }
            } else {
                c.direct.push(entry.clone());
            }
        }
        c
    }

    fn names_role(&self, caller: &Caller) -> bool {
        match caller {
            Caller::Session { account, role, .. } => self
                .roles
                .iter()
                .any(|(a, r)| a == account && r.eq_ignore_ascii_case(role)),
            _ => false,
        }
    }

    fn names_account(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a == account)
    }

    fn names_direct(&self, arn: &str, is_user: bool) -> bool {
        self.any || self.direct.iter().any(|d| same_principal(d, arn, is_user))
    }

    /// Whether the element lists a caller outside IAM. Service principal names are defined
    /// by AWS in lowercase and provider ARNs and names are compared as written (an OIDC
    /// issuer "is a case sensitive URL", OpenID Connect Core 1.0, section 2), so both
    /// compare exactly. An anonymous caller is listed only by `"*"` / `{"AWS": "*"}`.
    fn lists_outside(&self, caller: &Caller) -> bool {
        self.any
            || match caller {
                Caller::Service { name } => self.services.contains(name),
                Caller::Provider { name, .. } => self.providers.contains(name),
                _ => false,
            }
    }

    /// Whether the statement applies to the caller, and how strongly it names it.
    ///
    /// `NotPrincipal` (IAM User Guide, "NotPrincipal"): the statement applies to every
    /// principal not listed. AWS may check the account, then the role, then the session, so
    /// an IAM caller is exempt only when every one of those is listed (the user and its
    /// account; the session, its role and its account); and a `Deny` with `NotPrincipal`
    /// "will always deny any IAM principal that has a permissions boundary" (`has_boundary`).
    /// A caller outside IAM has no account or role above it, so listing it (its `Service` or
    /// `Federated` name, or `"*"`) is enough to exempt it, and it has no boundary. An `Allow`
    /// with `NotPrincipal` (unsupported by AWS, but it parses) grants like `"*"`, which for
    /// anonymous callers is what the "NotPrincipal" page warns of.
    pub fn naming(&self, caller: &Caller, has_boundary: bool) -> Option<Naming> {
        let (arn, account, is_user) = match caller {
            Caller::User { arn, account } => (arn, account, true),
            Caller::Session { arn, account, .. } | Caller::FederatedUser { arn, account } => {
                (arn, account, false)
            }
            Caller::Service { .. } | Caller::Provider { .. } | Caller::Anonymous => {
                return (self.lists_outside(caller) != self.negated).then_some(Naming::Direct);
            }
        };
        if self.negated {
            if has_boundary {
                return Some(Naming::Direct);
            }
            let exempt = self.any
                || (self.names_direct(arn, is_user)
                    && self.names_account(account)
                    && (!matches!(caller, Caller::Session { .. }) || self.names_role(caller)));
            return (!exempt).then_some(Naming::Direct);
        }
        if self.names_direct(arn, is_user) {
            Some(Naming::Direct)
        } else if self.names_role(caller) {
            Some(Naming::Role)
        } else if self.names_account(account) {
            Some(Naming::Account)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    fn compiled(ps: Principals, negated: bool) -> CompiledPrincipal {
        CompiledPrincipal::compile(&if negated {
            Matcher::Not(ps)
        } else {
            Matcher::Is(ps)
        })
    }

    fn p(aws: &[&str], negated: bool) -> CompiledPrincipal {
        let ps = Principals {
            aws: strings(aws),
            ..Principals::default()
        };
        compiled(ps, negated)
    }

    /// A principal element with `Service` and `Federated` entries.
    fn outside(service: &[&str], federated: &[&str], negated: bool) -> CompiledPrincipal {
        let ps = Principals {
            service: strings(service),
            federated: strings(federated),
            ..Principals::default()
        };
        compiled(ps, negated)
    }

    #[test]
    fn callers_parse() {
        assert!(Caller::parse("arn:aws:iam::123412341234:user/test")
            .unwrap()
            .is_user());
        assert!(Caller::parse("arn:aws:iam::123412341234:user/a/b/test").is_ok());
        let s = Caller::parse("arn:aws:sts::210987654321:assumed-role/Builder/ci-run-7").unwrap();
        assert_eq!(s.account(), Some("210987654321"));
        assert!(Caller::parse("arn:aws:sts::210987654321:federated-user/bob").is_ok());
        for bad in [
            "alice",
            "arn:aws:iam::123:user/x",
            "arn:aws:iam::123412341234:role/x",
            "arn:aws:sts::123412341234:assumed-role/R",
            "arn:aws:iam:eu-west-1:123412341234:user/x",
        ] {
            assert!(Caller::parse(bad).is_err(), "{bad}");
        }
    }

    // IAM User Guide, "Principal": account, role, session, user and "*" forms
    #[test]
    fn naming_strength() {
        let user = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let sess = Caller::parse("arn:aws:sts::111122223333:assumed-role/R/s1").unwrap();
        assert_eq!(p(&["*"], false).naming(&user, false), Some(Naming::Direct));
        assert_eq!(
            p(&["arn:aws:iam::111122223333:user/alice"], false).naming(&user, false),
            Some(Naming::Direct)
        );
        assert_eq!(
            p(&["111122223333"], false).naming(&user, false),
            Some(Naming::Account)
        );
        assert_eq!(
            p(&["arn:aws:iam::111122223333:root"], false).naming(&sess, false),
            Some(Naming::Account)
        );
        assert_eq!(
            p(&["arn:aws:iam::111122223333:role/path/R"], false).naming(&sess, false),
            Some(Naming::Role)
        );
        assert_eq!(
            p(&["arn:aws:iam::111122223333:role/R"], false).naming(&user, false),
            None
        );
        assert_eq!(
            p(&["arn:aws:sts::111122223333:assumed-role/R/s1"], false).naming(&sess, false),
            Some(Naming::Direct)
        );
        assert_eq!(
            p(&["arn:aws:sts::111122223333:assumed-role/R/s2"], false).naming(&sess, false),
            None
        );
        assert_eq!(p(&["999999999999"], false).naming(&user, false), None);
        // IAM user and role names are unique ignoring case (CreateUser, CreateRole)
        assert_eq!(
            p(&["arn:aws:iam::111122223333:user/ALICE"], false).naming(&user, false),
            Some(Naming::Direct)
        );
        assert_eq!(
            p(&["arn:aws:iam::111122223333:user/path/alice"], false).naming(&user, false),
            None,
            "the path is part of the ARN"
        );
        assert_eq!(
            p(&["arn:aws:iam::111122223333:role/r"], false).naming(&sess, false),
            Some(Naming::Role)
        );
        assert_eq!(
            p(&["arn:aws:sts::111122223333:assumed-role/R/S1"], false).naming(&sess, false),
            None,
            "session ARNs compare exactly"
        );
    }

    // IAM User Guide, "NotPrincipal with Deny"
    #[test]
    fn not_principal_exemption_needs_the_whole_chain() {
        let user = Caller::parse("arn:aws:iam::444455556666:user/Bob").unwrap();
        let bob_only = p(&["arn:aws:iam::444455556666:user/Bob"], true);
        assert_eq!(bob_only.naming(&user, false), Some(Naming::Direct));
        let bob_and_acct = p(
            &[
                "arn:aws:iam::444455556666:user/Bob",
                "arn:aws:iam::444455556666:root",
            ],
            true,
        );
        assert_eq!(bob_and_acct.naming(&user, false), None);
        assert_eq!(
            bob_and_acct.naming(&user, true),
            Some(Naming::Direct),
            "boundary: always denied"
        );
        let sess = Caller::parse("arn:aws:sts::444455556666:assumed-role/ro/app").unwrap();
        let two = p(
            &[
                "arn:aws:sts::444455556666:assumed-role/ro/app",
                "arn:aws:iam::444455556666:root",
            ],
            true,
        );
        assert_eq!(two.naming(&sess, false), Some(Naming::Direct));
        let three = p(
            &[
                "arn:aws:sts::444455556666:assumed-role/ro/app",
                "arn:aws:iam::444455556666:role/ro",
                "arn:aws:iam::444455556666:root",
            ],
            true,
        );
        assert_eq!(three.naming(&sess, false), None);
    }

    // IAM User Guide, "Principal": AWS service principals, web identity and SAML session
    // principals; spec "Callers outside IAM"
    #[test]
    fn callers_outside_iam_parse() {
        let service = |t: &str| Caller::parse(t).unwrap();
        for name in [
            "ec2.amazonaws.com",
            "lambda.amazonaws.com",
            "logging.s3.amazonaws.com",
            "states.eu-west-1.amazonaws.com",
            "ec2.amazonaws.com.cn",
            "alexa-appkit.amazon.com",
        ] {
            assert_eq!(
                service(name),
                Caller::Service {
                    name: name.to_string()
                }
            );
            assert!(service(name).is_outside_iam());
            assert_eq!(service(name).account(), None);
        }
        for (text, kind) in [
            (
                "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                ProviderKind::Oidc,
            ),
            (
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                ProviderKind::Oidc,
            ),
            (
                "arn:aws-cn:iam::111122223333:saml-provider/Okta_prod.1",
                ProviderKind::Saml,
            ),
            ("cognito-identity.amazonaws.com", ProviderKind::WebIdentity),
            ("accounts.google.com", ProviderKind::WebIdentity),
            ("graph.facebook.com", ProviderKind::WebIdentity),
            ("www.amazon.com", ProviderKind::WebIdentity),
        ] {
            let c = Caller::parse(text).unwrap();
            assert_eq!(
                c,
                Caller::Provider {
                    name: text.to_string(),
                    kind
                }
            );
            assert_eq!(c.as_str(), text);
            assert!(c.is_outside_iam());
        }
        assert_eq!(Caller::parse("anonymous").unwrap(), Caller::Anonymous);
        assert_eq!(Caller::Anonymous.as_str(), "anonymous");
        for bad in [
            "amazonaws.com",
            ".amazonaws.com",
            "ec2..amazonaws.com",
            "ec2.amazonaws.co",
            "ec2_x.amazonaws.com",
            "*.amazonaws.com",
            "Anonymous",
            "*",
            "arn:aws:iam::111122223333:oidc-provider/",
            "arn:aws:iam::111122223333:oidc-provider/host/",
            "arn:aws:iam::111122223333:oidc-provider/https://host",
            "arn:aws:iam::111122223333:oidc-provider/host:443",
            "arn:aws:iam::111122223333:oidc-provider/ho st",
            "arn:aws:iam::111122223333:oidc-provider/host/*",
            "arn:aws:iam::111122223333:saml-provider/",
            "arn:aws:iam::111122223333:saml-provider/a/b",
            "arn:aws:iam::123:saml-provider/a",
            "arn:aws:iam:eu-west-1:111122223333:saml-provider/a",
            "arn:aws:sts::111122223333:oidc-provider/host",
        ] {
            assert!(Caller::parse(bad).is_err(), "{bad}");
        }
        // IAM Access Analyzer, "Invalid service principal format": all lowercase letters
        let e = Caller::parse("EC2.amazonaws.com").unwrap_err();
        assert!(e.contains("lowercase"), "{e}");
    }

    // IAM User Guide, "Principal": `Service` names services, `Federated` names identity
    // providers, `"*"` and `{"AWS": "*"}` name everybody, anonymous callers included
    #[test]
    fn naming_callers_outside_iam() {
        let ec2 = Caller::parse("ec2.amazonaws.com").unwrap();
        let gh = Caller::parse(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        )
        .unwrap();
        let google = Caller::parse("accounts.google.com").unwrap();
        let anon = Caller::Anonymous;
        let by_service = outside(&["lambda.amazonaws.com", "ec2.amazonaws.com"], &[], false);
        assert_eq!(by_service.naming(&ec2, false), Some(Naming::Direct));
        assert_eq!(by_service.naming(&gh, false), None);
        assert_eq!(by_service.naming(&anon, false), None);
        assert_eq!(
            outside(&["lambda.amazonaws.com"], &[], false).naming(&ec2, false),
            None
        );
        // names compare exactly: AWS defines service principals in lowercase
        assert_eq!(
            outside(&["EC2.amazonaws.com"], &[], false).naming(&ec2, false),
            None
        );
        let by_provider = outside(
            &[],
            &[
                "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                "accounts.google.com",
            ],
            false,
        );
        assert_eq!(by_provider.naming(&gh, false), Some(Naming::Direct));
        assert_eq!(by_provider.naming(&google, false), Some(Naming::Direct));
        assert_eq!(by_provider.naming(&ec2, false), None);
        assert_eq!(
            outside(&[], &["Accounts.Google.com"], false).naming(&google, false),
            None
        );
        assert_eq!(
            outside(
                &[],
                &["arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"],
                false
            )
            .naming(&gh, false),
            None,
            "another account's provider"
        );
        // `"*"` in one type names every caller of that type, and no other
        let any_service = outside(&["*"], &[], false);
        assert_eq!(any_service.naming(&ec2, false), Some(Naming::Direct));
        assert_eq!(any_service.naming(&gh, false), None);
        assert_eq!(any_service.naming(&anon, false), None);
        // the AWS key never names a caller outside IAM, except `*`
        assert_eq!(p(&["111122223333"], false).naming(&gh, false), None);
        assert_eq!(
            p(&["arn:aws:iam::111122223333:root"], false).naming(&anon, false),
            None
        );
        for everyone in [p(&["*"], false), {
            let ps = Principals {
                any: true,
                ..Principals::default()
            };
            compiled(ps, false)
        }] {
            for c in [&ec2, &gh, &google, &anon] {
                assert_eq!(everyone.naming(c, false), Some(Naming::Direct), "{c:?}");
            }
        }
        // `Service` and `Federated` entries never name an IAM caller
        let user = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        assert_eq!(outside(&["*"], &["*"], false).naming(&user, false), None);
    }

    // IAM User Guide, "NotPrincipal": the statement applies to every principal not listed
    #[test]
    fn not_principal_for_callers_outside_iam() {
        let ec2 = Caller::parse("ec2.amazonaws.com").unwrap();
        let saml = Caller::parse("arn:aws:iam::111122223333:saml-provider/Corp").unwrap();
        let anon = Caller::Anonymous;
        let except_ec2 = outside(&["ec2.amazonaws.com"], &[], true);
        assert_eq!(except_ec2.naming(&ec2, false), None, "listed: exempt");
        assert_eq!(except_ec2.naming(&saml, false), Some(Naming::Direct));
        assert_eq!(except_ec2.naming(&anon, false), Some(Naming::Direct));
        let except_saml = outside(&[], &["arn:aws:iam::111122223333:saml-provider/Corp"], true);
        assert_eq!(except_saml.naming(&saml, false), None);
        assert_eq!(except_saml.naming(&ec2, false), Some(Naming::Direct));
        // an account or `root` listed does not exempt anybody outside IAM
        let except_acct = p(&["111122223333", "arn:aws:iam::111122223333:root"], true);
        for c in [&ec2, &saml, &anon] {
            assert_eq!(except_acct.naming(c, false), Some(Naming::Direct), "{c:?}");
        }
        // only `"*"` exempts an anonymous caller
        assert_eq!(p(&["*"], true).naming(&anon, false), None);
        // a caller outside IAM has no boundary, whatever the flag says
        assert_eq!(except_ec2.naming(&ec2, true), None);
    }
}

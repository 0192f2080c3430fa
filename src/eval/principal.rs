//! The caller and how a `Principal` names it (IAM User Guide, "AWS JSON policy elements:
//! Principal" and "NotPrincipal"; spec "The decision", rule 4).

use super::arn;
use crate::policy::{Matcher, Principals};

/// The principal making the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// `arn:PARTITION:iam::ACCOUNT:user/[path/]NAME`
    User { arn: String, account: String },
    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`
    Session {
        arn: String,
        account: String,
        role: String,
    },
    /// `arn:PARTITION:sts::ACCOUNT:federated-user/NAME`
    Federated { arn: String, account: String },
}

impl Caller {
    /// Parses a caller ARN; the error says what was expected.
    pub fn parse(text: &str) -> Result<Caller, String> {
        const EXPECTED: &str = "expected an IAM user ARN `arn:aws:iam::ACCOUNT:user/NAME`, a role session ARN `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` or a federated user ARN `arn:aws:sts::ACCOUNT:federated-user/NAME`";
        let bad = || Err(format!("{EXPECTED}, found `{text}`"));
        let Some([a, partition, service, region, account, resource]) = arn::split(text) else {
            return bad();
        };
        if a != "arn" || partition.is_empty() || !region.is_empty() || !is_account(account) {
            return bad();
        }
        let arn = text.to_string();
        let account = account.to_string();
        match service {
            "iam" => match resource.strip_prefix("user/") {
                Some(name) if !name.is_empty() && !name.ends_with('/') => {
                    Ok(Caller::User { arn, account })
                }
                _ => bad(),
            },
            "sts" => {
                if let Some(rest) = resource.strip_prefix("assumed-role/") {
                    match rest.split_once('/') {
                        Some((role, session))
                            if !role.is_empty()
                                && !session.is_empty()
                                && !session.contains('/') =>
                        {
                            Ok(Caller::Session {
                                role: role.to_string(),
                                arn,
                                account,
                            })
                        }
                        _ => bad(),
                    }
                } else if let Some(name) = resource.strip_prefix("federated-user/") {
                    if name.is_empty() {
                        return bad();
                    }
                    Ok(Caller::Federated { arn, account })
                } else {
                    bad()
                }
            }
            _ => bad(),
        }
    }

    pub fn arn(&self) -> &str {
        match self {
            Caller::User { arn, .. }
            | Caller::Session { arn, .. }
            | Caller::Federated { arn, .. } => arn,
        }
    }

    pub fn account(&self) -> &str {
        match self {
            Caller::User { account, .. }
            | Caller::Session { account, .. }
            | Caller::Federated { account, .. } => account,
        }
    }

    pub fn is_user(&self) -> bool {
        matches!(self, Caller::User { .. })
    }
}

/// Whether a `Principal` ARN names the caller. IAM user and role names "are not
/// distinguished by case" (IAM API Reference, `CreateUser`/`CreateRole`: one account cannot
/// hold both `Alice` and `alice`), and IAM resolves a user ARN in a `Principal` to that
/// user, so an IAM user's name compares ignoring ASCII case; the rest of the ARN (and
/// every session ARN, which AWS keeps as text) compares exactly.
fn same_principal(entry: &str, caller: &Caller) -> bool {
    let arn = caller.arn();
    if entry == arn {
        return true;
    }
    if !caller.is_user() || entry.len() != arn.len() {
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
    /// The user ARN, the session ARN, `"*"` or `{"AWS": "*"}`.
    Direct,
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
}

impl CompiledPrincipal {
    pub fn compile(m: &Matcher<Principals>) -> CompiledPrincipal {
        let p = m.inner();
        let mut c = CompiledPrincipal {
            negated: m.is_negated(),
            any: p.any,
            ..CompiledPrincipal::default()
        };
        // Service, Federated and CanonicalUser principals never name an IAM user or a
        // role session, the only callers a scenario has.
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

    fn names_account(&self, caller: &Caller) -> bool {
        self.accounts.iter().any(|a| a == caller.account())
    }

    fn names_direct(&self, caller: &Caller) -> bool {
        self.any || self.direct.iter().any(|d| same_principal(d, caller))
    }

    /// Whether the statement applies to the caller, and how strongly it names it.
    ///
    /// `NotPrincipal` (IAM User Guide, "NotPrincipal"): the statement applies to every
    /// principal not listed. AWS may check the account, then the role, then the session, so
    /// a caller is exempt only when every one of those is listed (the user and its account;
    /// the session, its role and its account); and a `Deny` with `NotPrincipal` "will always
    /// deny any IAM principal that has a permissions boundary" (`has_boundary`). An `Allow`
    /// with `NotPrincipal` (unsupported by AWS, but it parses) grants like `"*"`.
    pub fn naming(&self, caller: &Caller, has_boundary: bool) -> Option<Naming> {
        if self.negated {
            if has_boundary {
                return Some(Naming::Direct);
            }
            let exempt = self.any
                || (self.names_direct(caller)
                    && self.names_account(caller)
                    && (!matches!(caller, Caller::Session { .. }) || self.names_role(caller)));
            return (!exempt).then_some(Naming::Direct);
        }
        if self.names_direct(caller) {
            Some(Naming::Direct)
        } else if self.names_role(caller) {
            Some(Naming::Role)
        } else if self.names_account(caller) {
            Some(Naming::Account)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(aws: &[&str], negated: bool) -> CompiledPrincipal {
        let ps = Principals {
            aws: aws.iter().map(|s| s.to_string()).collect(),
            ..Principals::default()
        };
        CompiledPrincipal::compile(&if negated {
            Matcher::Not(ps)
        } else {
            Matcher::Is(ps)
        })
    }

    #[test]
    fn callers_parse() {
        assert!(Caller::parse("arn:aws:iam::123412341234:user/test")
            .unwrap()
            .is_user());
        assert!(Caller::parse("arn:aws:iam::123412341234:user/a/b/test").is_ok());
        let s = Caller::parse("arn:aws:sts::210987654321:assumed-role/Builder/ci-run-7").unwrap();
        assert_eq!(s.account(), "210987654321");
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
}

//! The caller as one string field.
//!
//! An IAM caller is encoded as the ARN AWS puts in `aws:PrincipalArn`, plus `#SESSION` for
//! a role session: `arn:aws:iam::111122223333:user/dev/alice`,
//! `arn:aws:iam::111122223333:role/app/deployer#ci-run-7`. Every test a policy makes on
//! the caller (a `Principal` naming the account, the role, the user or the session; a
//! condition on `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType` or
//! `aws:username`) is a regular language over that string, so the caller is partitioned
//! by the same automaton as every other string field, exactly. `#` appears in no IAM name,
//! so wildcards are kept from crossing it.

use super::automaton::{CharSet, Fold, Re};
use super::patterns;
use crate::eval::arn;
use crate::eval::glob::{tokens, Tok};
use crate::eval::{Caller, ContextValue};
use crate::policy::Principals;

/// Which callers a proof ranges over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallerSpace {
    /// One IAM user.
    User { arn: String },
    /// Any session of one role (`arn` is the role's `arn:...:iam::...:role/...`).
    Role { arn: String },
    /// Any IAM user or role session, of one account or of any; with `outside`, also AWS
    /// services, identity providers and anonymous callers (for resource-based documents,
    /// spec/eval-scenario.md "Callers outside IAM").
    Any {
        account: Option<String>,
        outside: bool,
        /// Role sessions only (a principal with a session policy: IAM users have none).
        sessions_only: bool,
    },
}

/// Encoding prefixes of callers outside IAM.
const SERVICE: &str = "svc:";
const PROVIDER: &str = "idp:";
const ANONYMOUS: &str = "anonymous";

fn twelve_digits() -> Re {
    Re::Cat(vec![Re::Set(CharSet::only('0'..='9')); 12])
}

/// A DNS name: labels of `[a-z0-9-]` joined by dots.
fn dns_name() -> Re {
    let label = || Re::plus(CharSet::only(('a'..='z').chain('0'..='9').chain(['-'])));
    Re::Cat(vec![
        label(),
        Re::Star(Box::new(Re::Cat(vec![Re::char('.', Fold::None), label()]))),
    ])
}

/// AWS services (`*.amazonaws.com`), identity providers (OIDC and SAML provider ARNs and
/// the well-known web identity providers) and anonymous callers, encoded.
fn outside_domain() -> Re {
    let mut providers = vec![
        Re::Cat(vec![
            lit("arn:aws:iam::"),
            twelve_digits(),
            lit(":oidc-provider/"),
            dns_name(),
            Re::Star(Box::new(Re::Cat(vec![Re::char('/', Fold::None), name()]))),
        ]),
        Re::Cat(vec![
            lit("arn:aws:iam::"),
            twelve_digits(),
            lit(":saml-provider/"),
            Re::plus(CharSet::only(
                ('a'..='z')
                    .chain('A'..='Z')
                    .chain('0'..='9')
                    .chain(['_', '.', '-']),
            )),
        ]),
    ];
    providers.extend(crate::eval::WEB_IDENTITY_PROVIDERS.iter().map(|p| lit(p)));
    Re::Alt(vec![
        Re::Cat(vec![lit(SERVICE), dns_name(), lit(".amazonaws.com")]),
        Re::Cat(vec![lit(PROVIDER), Re::Alt(providers)]),
        lit(ANONYMOUS),
    ])
}

/// Characters of IAM user, role, path segment and session names (`[\w+=,.@-]`).
fn name_chars() -> CharSet {
    CharSet::only(
        ('a'..='z')
            .chain('A'..='Z')
            .chain('0'..='9')
            .chain(['+', '=', ',', '.', '@', '_', '-']),
    )
}

fn name() -> Re {
    Re::plus(name_chars())
}

/// `(SEG/)*SEG`: an optional path and a name.
fn path_and_name() -> Re {
    Re::Cat(vec![
        Re::Star(Box::new(Re::Cat(vec![name(), Re::char('/', Fold::None)]))),
        name(),
    ])
}

fn lit(s: &str) -> Re {
    Re::lit(s, Fold::None)
}

fn session_suffix() -> Re {
    Re::Cat(vec![Re::char('#', Fold::None), name()])
}

/// Anything after the identity ARN (a session suffix or nothing).
fn any_suffix() -> Re {
    Re::opt(Re::Cat(vec![Re::char('#', Fold::None), Re::any_run()]))
}

/// `arn:PARTITION:iam::` with any partition.
fn iam_prefix() -> Re {
    Re::Cat(vec![
        lit("arn:"),
        Re::run_except(&[':', '#']),
        lit(":iam::"),
    ])
}

impl CallerSpace {
    /// The encoded callers of this space.
    pub fn domain(&self) -> Re {
        match self {
            CallerSpace::User { arn } => lit(arn),
            CallerSpace::Role { arn } => Re::Cat(vec![lit(arn), session_suffix()]),
            CallerSpace::Any {
                account,
                outside,
                sessions_only,
            } => {
                let acct = match account {
                    Some(a) => lit(a),
                    None => twelve_digits(),
                };
                let mut kinds = vec![Re::Cat(vec![
                    lit("role/"),
                    path_and_name(),
                    session_suffix(),
                ])];
                if !*sessions_only {
                    kinds.push(Re::Cat(vec![lit("user/"), path_and_name()]));
                }
                let iam = Re::Cat(vec![lit("arn:aws:iam::"), acct, lit(":"), Re::Alt(kinds)]);
                if *outside {
                    Re::Alt(vec![iam, outside_domain()])
                } else {
                    iam
                }
            }
        }
    }

    /// Languages that tell the kinds of caller apart (their derived keys differ).
    pub fn kind_languages() -> Vec<Re> {
        vec![
            CallerSpace::user_language(),
            Re::Cat(vec![lit(SERVICE), Re::any_run()]),
            Re::Cat(vec![lit(PROVIDER), Re::any_run()]),
            lit(ANONYMOUS),
        ]
    }

    /// Tells users from role sessions (their derived keys differ).
    pub fn user_language() -> Re {
        Re::Cat(vec![
            iam_prefix(),
            Re::run_except(&[':', '#']),
            lit(":user/"),
            Re::any_run(),
        ])
    }
}

/// The caller an encoded string stands for, with the keys AWS derives from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerValue {
    pub caller: Caller,
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`.
    pub derived: Vec<(&'static str, ContextValue)>,
    /// The encoded form.
    pub encoded: String,
}

/// Decodes an encoded caller.
pub fn decode(encoded: &str) -> Option<CallerValue> {
    let outside = encoded
        .strip_prefix(SERVICE)
        .or_else(|| encoded.strip_prefix(PROVIDER))
        .or((encoded == ANONYMOUS).then_some(ANONYMOUS));
    if let Some(text) = outside {
        // AWS derives no IAM keys for these callers; the keys it sets for them (`aud`,
        // `sub`, `aws:SourceAccount`, ...) are ordinary keys of the request space.
        return Some(CallerValue {
            caller: Caller::parse(text).ok()?,
            derived: Vec::new(),
            encoded: encoded.to_string(),
        });
    }
    let (identity, session) = match encoded.split_once('#') {
        Some((i, s)) => (i, Some(s)),
        None => (encoded, None),
    };
    let [_, partition, _, _, account, resource] = arn::split(identity)?;
    let name = resource.rsplit('/').next()?;
    let one = |s: &str| ContextValue::One(s.to_string());
    let mut derived = vec![
        ("aws:PrincipalArn", one(identity)),
        ("aws:PrincipalAccount", one(account)),
    ];
    let caller = match session {
        None => {
            derived.push(("aws:PrincipalType", one("User")));
            derived.push(("aws:username", one(name)));
            Caller::parse(identity).ok()?
        }
        Some(s) => {
            derived.push(("aws:PrincipalType", one("AssumedRole")));
            Caller::parse(&format!(
                "arn:{partition}:sts::{account}:assumed-role/{name}/{s}"
            ))
            .ok()?
        }
    };
    Some(CallerValue {
        caller,
        derived,
        encoded: encoded.to_string(),
    })
}

/// The three ways a `Principal` element can name an IAM caller, as languages over the
/// encoding: (directly, by the role, by the account), mirroring
/// `eval::principal::CompiledPrincipal`.
pub fn principal_languages(p: &Principals) -> [Re; 3] {
    let mut direct = Vec::new();
    let mut role = Vec::new();
    let mut account = Vec::new();
    if p.any {
        direct.push(Re::any_run());
    }
    for entry in &p.aws {
        if entry == "*" {
            direct.push(Re::any_run());
        } else if crate::eval::principal::is_account(entry) {
            account.push(account_prefix(entry));
        } else if let Some([_, _, "iam", "", acct, resource]) = arn::split(entry) {
            if resource == "root" {
                account.push(account_prefix(acct));
            } else if let Some(path_name) = resource.strip_prefix("role/") {
                let rname = path_name.rsplit('/').next().unwrap_or(path_name);
                // A role ARN names every session of the role, by account and name (the
                // name ignoring case, as IAM names are unique ignoring case).
                role.push(Re::Cat(vec![
                    lit("arn:"),
                    Re::run_except(&[':', '#']),
                    lit(&format!(":iam::{acct}:role/")),
                    Re::opt(Re::Cat(vec![
                        Re::run_except(&['#']),
                        Re::char('/', Fold::None),
                    ])),
                    Re::lit(rname, Fold::Ascii),
                    any_suffix(),
                ]));
            } else if let Some(uname) = resource.strip_prefix("user/") {
                // The user itself; its name ignoring ASCII case, the path exactly.
                let (path, n) = match uname.rsplit_once('/') {
                    Some((p, n)) => (format!("{p}/"), n),
                    None => (String::new(), uname),
                };
                let head = entry
                    .get(..entry.len().saturating_sub(uname.len()))
                    .unwrap_or_default();
                direct.push(Re::Cat(vec![
                    lit(head),
                    lit(&path),
                    Re::lit(n, Fold::Ascii),
                ]));
            }
        } else if let Some([_, part, "sts", "", acct, resource]) = arn::split(entry) {
            // A session ARN compares exactly with the caller's session ARN.
            if let Some(rest) = resource.strip_prefix("assumed-role/") {
                if let Some((rname, sname)) = rest.split_once('/') {
                    direct.push(Re::Cat(vec![
                        lit(&format!("arn:{part}:iam::{acct}:role/")),
                        Re::opt(Re::Cat(vec![
                            Re::run_except(&['#']),
                            Re::char('/', Fold::None),
                        ])),
                        lit(rname),
                        Re::char('#', Fold::None),
                        lit(sname),
                    ]));
                }
            }
        }
    }
    // Callers outside IAM are named by their type's entries (or `*`), exactly.
    for (prefix, list) in [(SERVICE, &p.service), (PROVIDER, &p.federated)] {
        for entry in list {
            direct.push(if entry == "*" {
                Re::Cat(vec![lit(prefix), Re::any_run()])
            } else {
                lit(&format!("{prefix}{entry}"))
            });
        }
    }
    [Re::Alt(direct), Re::Alt(role), Re::Alt(account)]
}

fn account_prefix(acct: &str) -> Re {
    Re::Cat(vec![
        lit("arn:"),
        Re::run_except(&[':', '#']),
        lit(&format!(":iam::{acct}:")),
        Re::any_run(),
    ])
}

/// A pattern over one of the derived keys' values, as a language over the encoding.
/// `family`: how the value compares (`Exact`, `IgnoreCase`, `Like`, `Arn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueTest {
    Exact,
    IgnoreCase,
    Like,
    Arn,
}

fn value_re(toks: &[Tok], test: ValueTest, stop: &[char]) -> Re {
    match test {
        ValueTest::Arn => patterns::arn_from_tokens(toks, stop),
        ValueTest::Like => {
            let mut parts = Vec::new();
            for t in toks {
                parts.push(match t {
                    Tok::Lit(s) => lit(s),
                    Tok::Star => Re::run_except(stop),
                    Tok::One => Re::Set(CharSet::except(stop.iter().copied())),
                });
            }
            Re::Cat(parts)
        }
        ValueTest::Exact | ValueTest::IgnoreCase => {
            let text: String = toks
                .iter()
                .map(|t| match t {
                    Tok::Lit(s) => s.as_str(),
                    Tok::Star => "*",
                    Tok::One => "?",
                })
                .collect();
            let fold = if test == ValueTest::IgnoreCase {
                Fold::Unicode
            } else {
                Fold::None
            };
            Re::lit(&text, fold)
        }
    }
}

/// The language of callers whose derived `key` (lowercase) has a value the test accepts.
/// `toks`: the policy value as glob tokens (literal for `Exact`/`IgnoreCase`).
pub fn derived_language(key: &str, toks: &[Tok], test: ValueTest) -> Option<Re> {
    match key {
        "aws:principalarn" => Some(Re::Cat(vec![value_re(toks, test, &['#']), any_suffix()])),
        "aws:principalaccount" => Some(Re::Cat(vec![
            iam_prefix(),
            value_re(toks, test, &[':', '#']),
            lit(":"),
            Re::any_run(),
        ])),
        "aws:username" => Some(Re::Cat(vec![
            iam_prefix(),
            Re::run_except(&[':', '#']),
            lit(":user/"),
            Re::opt(Re::Cat(vec![
                Re::run_except(&['#']),
                Re::char('/', Fold::None),
            ])),
            value_re(toks, test, &['/', '#']),
        ])),
        _ => None,
    }
}

/// Text as glob tokens (for `Like`/`Arn` tests) or as one literal.
pub fn value_tokens(text: &str, wild: bool) -> Vec<Tok> {
    if wild {
        let mut t = Vec::new();
        tokens(text, &mut t);
        t
    } else {
        vec![Tok::Lit(text.to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::principal::{CompiledPrincipal, Naming};
    use crate::policy::Matcher;
    use crate::prove::automaton::Family;

    fn principals(aws: &[&str]) -> Principals {
        Principals {
            aws: aws.iter().map(|s| s.to_string()).collect(),
            ..Principals::default()
        }
    }

    #[test]
    fn principal_languages_agree_with_the_engine() {
        let entries = [
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/path/Deployer",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/dev/bob",
            "arn:aws:sts::111122223333:assumed-role/Deployer/run1",
            "*",
        ];
        let callers = [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/ALICE",
            "arn:aws:iam::111122223333:user/x/alice",
            "arn:aws:iam::111122223333:user/dev/bob",
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:iam::444455556666:user/alice",
            "arn:aws:iam::111122223333:role/Deployer#run1",
            "arn:aws:iam::111122223333:role/p/deployer#run2",
            "arn:aws:iam::111122223333:role/Other#run1",
            "arn:aws:iam::444455556666:role/Deployer#run1",
        ];
        for e in entries {
            let p = principals(&[e]);
            let [d, r, a] = principal_languages(&p);
            let mut fam = Family::new(&Re::any_run(), &[d, r, a]);
            let cp = CompiledPrincipal::compile(&Matcher::Is(p));
            for c in callers {
                let v = decode(c).unwrap();
                let sig = fam.classify(c).unwrap();
                let want = cp.naming(&v.caller, false);
                let got = if sig.get(0) {
                    Some(Naming::Direct)
                } else if sig.get(1) {
                    Some(Naming::Role)
                } else if sig.get(2) {
                    Some(Naming::Account)
                } else {
                    None
                };
                assert_eq!(got, want, "{e} naming {c}");
            }
        }
    }

    #[test]
    fn decoding() {
        let v = decode("arn:aws:iam::111122223333:role/app/Deployer#ci").unwrap();
        assert_eq!(
            v.caller.as_str(),
            "arn:aws:sts::111122223333:assumed-role/Deployer/ci"
        );
        assert!(v.derived.iter().any(|(k, x)| *k == "aws:PrincipalArn"
            && *x == ContextValue::One("arn:aws:iam::111122223333:role/app/Deployer".into())));
        let u = decode("arn:aws:iam::111122223333:user/dev/alice").unwrap();
        assert!(u.caller.is_user());
        assert!(u
            .derived
            .contains(&("aws:username", ContextValue::One("alice".into()))));
        let mut fam = Family::new(
            &CallerSpace::Any {
                account: None,
                outside: true,
                sessions_only: false,
            }
            .domain(),
            &CallerSpace::kind_languages(),
        );
        let classes = fam.partition(10_000).unwrap();
        assert_eq!(classes.len(), 5, "{classes:?}");
        for c in classes {
            assert!(decode(&c.witness).is_some(), "{}", c.witness);
        }
    }
}

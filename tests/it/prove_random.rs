//! The prover against brute force, on thousands of small random subjects and properties.
//!
//! Each case draws documents (statements over a pool of action, resource and principal
//! patterns and condition entries on keys of every type, `IfExists`, set qualifiers and
//! `Null` included), a subject (a user, a role, any principal of an account, or one
//! document alone) and a property. Then:
//!
//! (a) every counterexample (and `may allow` witness) is written as an `iamc eval`
//!     scenario, parsed back by the scenario parser, decided by the engine, and must
//!     violate (satisfy) the property and lie in R by a direct reading of R;
//! (b)+(c) a brute-force universe (every combination of actions, resources, callers and
//!     values of the keys the case uses, chosen to hit the patterns and their boundaries,
//!     absent keys and empty sets included) is judged request by request through
//!     scenarios built here independently of the prover's own: a violation there means
//!     the prover must not have proved the property, a request of R there means R is not
//!     empty, and an allowed request of R means `may allow` holds.
//!
//! `IAMC_PROVE_CASES=20000 cargo test --release prove_random` runs a longer campaign.

use iamc::catalog::Catalog;
use iamc::check::ir::{Atom, CondExpr};
use iamc::eval::arn::ArnPattern;
use iamc::eval::condition::CompiledCondition;
use iamc::eval::glob::Glob;
use iamc::eval::scenario::parse_value;
use iamc::eval::{Context, ContextValue, Decision, Outcome, Request};
use iamc::policy::json::to_value;
use iamc::policy::{
    Condition, Document, Effect, Matcher, Operator, Principals, Statement, Version,
};
use iamc::prove::problem::RequestSet;
use iamc::prove::search::{Hit, Limits};
use iamc::prove::subject::{Judge, PrincipalSpec, Slots, Subject};
use iamc::prove::{decide, Placed, Property, Side, Verdict};
use iamc::source::{Span, Spanned};
use serde_json::{json, Value};

const A: &str = "111122223333";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "s3:PutObject",
    "s3:*Object",
    "iam:*",
    "iam:PassRole",
    "ec2:*",
    "s3:Get?bject",
    "sts:AssumeRole",
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:GetBucketPolicy",
    "s3:GetXbject",
    "iam:PassRole",
    "iam:GetRole",
    "ec2:RunInstances",
    "kms:Decrypt",
    "sts:AssumeRole",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::c*",
    "arn:aws:iam::111122223333:role/r*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
    "arn:aws:*:*:111122223333:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/alice/x",
    "arn:aws:s3:::b/dev/x",
    "arn:aws:s3:::c1",
    "arn:aws:iam::111122223333:role/r1",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-1",
];

/// A key: its operators (with values) and the values brute force tries.
struct KeySpec {
    name: &'static str,
    tests: &'static [(&'static str, &'static [&'static str])],
    /// `None` in a list: absent.
    probe: &'static [Option<&'static [&'static str]>],
    multi: bool,
}

const KEYS: &[KeySpec] = &[
    KeySpec {
        name: "aws:MultiFactorAuthPresent",
        tests: &[
            ("Bool", &["true"]),
            ("Bool", &["false"]),
            ("BoolIfExists", &["false"]),
            ("BoolIfExists", &["true"]),
            ("Null", &["true"]),
        ],
        probe: &[None, Some(&["true"]), Some(&["false"])],
        multi: false,
    },
    KeySpec {
        name: "aws:SourceIp",
        tests: &[
            ("IpAddress", &["10.0.0.0/8"]),
            ("NotIpAddress", &["10.0.0.0/8", "192.168.1.0/24"]),
            ("IpAddressIfExists", &["192.168.1.0/24"]),
            ("NotIpAddressIfExists", &["10.0.0.0/8"]),
        ],
        probe: &[
            None,
            Some(&["10.1.2.3"]),
            Some(&["192.168.1.5"]),
            Some(&["8.8.8.8"]),
            Some(&["2001:db8::1"]),
        ],
        multi: false,
    },
    KeySpec {
        name: "s3:prefix",
        tests: &[
            ("StringEquals", &["home/"]),
            ("StringNotEquals", &["home/", ""]),
            ("StringLike", &["home/*"]),
            ("StringNotLikeIfExists", &["home/*"]),
            ("StringEqualsIgnoreCase", &["HOME/"]),
            ("StringEqualsIfExists", &["other"]),
            ("Null", &["false"]),
            ("StringLike", &["home/${aws:username}/*"]),
            ("StringNotEquals", &["${aws:PrincipalTag/team}"]),
        ],
        probe: &[
            None,
            Some(&[""]),
            Some(&["home/"]),
            Some(&["home/x"]),
            Some(&["Home/"]),
            Some(&["other"]),
            Some(&["home/alice/x"]),
            Some(&["dev"]),
        ],
        multi: false,
    },
    KeySpec {
        name: "aws:PrincipalTag/team",
        tests: &[
            ("StringEquals", &["dev"]),
            ("StringNotEquals", &["dev"]),
            ("StringLike", &["d*"]),
        ],
        probe: &[None, Some(&["dev"]), Some(&["ops"])],
        multi: false,
    },
    KeySpec {
        name: "aws:TagKeys",
        tests: &[
            ("ForAnyValue:StringEquals", &["a"]),
            ("ForAllValues:StringEquals", &["a", "b"]),
            ("ForAnyValue:StringLike", &["t*"]),
            ("ForAllValues:StringNotEquals", &["a"]),
            ("ForAnyValue:StringEqualsIfExists", &["b"]),
            ("Null", &["true"]),
        ],
        probe: &[
            None,
            Some(&[]),
            Some(&["a"]),
            Some(&["b"]),
            Some(&["a", "b"]),
            Some(&["t1"]),
            Some(&[""]),
            Some(&["a", "t1"]),
        ],
        multi: true,
    },
    KeySpec {
        name: "s3:max-keys",
        tests: &[
            ("NumericLessThan", &["10"]),
            ("NumericGreaterThanEquals", &["100"]),
            ("NumericNotEquals", &["10", "50"]),
            ("NumericLessThanEqualsIfExists", &["50"]),
        ],
        probe: &[
            None,
            Some(&["5"]),
            Some(&["10"]),
            Some(&["50"]),
            Some(&["100"]),
            Some(&["1000"]),
        ],
        multi: false,
    },
    KeySpec {
        name: "aws:CurrentTime",
        tests: &[
            ("DateLessThan", &["2026-01-01T00:00:00Z"]),
            ("DateGreaterThanEquals", &["2026-01-01T00:00:00Z"]),
        ],
        probe: &[
            Some(&["2025-06-01T00:00:00Z"]),
            Some(&["2026-01-01T00:00:00Z"]),
            Some(&["2027-01-01T00:00:00Z"]),
        ],
        multi: false,
    },
    KeySpec {
        name: "aws:EpochTime",
        tests: &[
            ("NumericLessThan", &["1800000000"]),
            ("DateGreaterThan", &["2027-01-01T00:00:00Z"]),
            ("NumericGreaterThanEquals", &["1700000000.5"]),
        ],
        probe: &[
            Some(&["1700000000"]),
            Some(&["1800000000"]),
            Some(&["1900000000"]),
        ],
        multi: false,
    },
    KeySpec {
        name: "aws:PrincipalArn",
        tests: &[
            ("ArnLike", &["arn:aws:iam::*:role/r*"]),
            ("ArnNotLike", &["arn:aws:iam::111122223333:user/alice"]),
            ("StringEquals", &["arn:aws:iam::444455556666:user/bob"]),
        ],
        probe: &[],
        multi: false,
    },
    KeySpec {
        name: "aws:PrincipalAccount",
        tests: &[
            ("StringEquals", &["111122223333"]),
            ("StringNotEquals", &["111122223333"]),
        ],
        probe: &[],
        multi: false,
    },
];

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// A condition entry on one of the case's keys (`used` starts with the two the case may
/// use, so brute force stays small).
fn entry(rng: &mut Rng, used: &mut [usize]) -> Condition {
    let k = *rng.pick(used);
    let spec = &KEYS[k];
    let (op, values) = rng.pick(spec.tests);
    Condition {
        operator: Operator::parse(op).unwrap(),
        key: spec.name.to_string(),
        values: strings(values),
    }
}

const PRINCIPALS: &[&[&str]] = &[
    &["*"],
    &["111122223333"],
    &["arn:aws:iam::111122223333:user/alice"],
    &["arn:aws:iam::111122223333:role/r1"],
    &["444455556666"],
    &[
        "arn:aws:iam::444455556666:user/bob",
        "arn:aws:iam::444455556666:root",
    ],
];

fn document(rng: &mut Rng, resource_like: bool, used: &mut [usize]) -> Document {
    let n = 1 + rng.below(3);
    let mut statements = Vec::new();
    for _ in 0..n {
        let effect = if rng.chance(30) {
            Effect::Deny
        } else {
            Effect::Allow
        };
        let acts: Vec<String> = (0..1 + rng.below(2))
            .map(|_| rng.pick(ACTION_PATTERNS).to_string())
            .collect();
        let action = if rng.chance(15) {
            Matcher::Not(acts)
        } else {
            Matcher::Is(acts)
        };
        let res: Vec<String> = (0..1 + rng.below(2))
            .map(|_| rng.pick(RESOURCE_PATTERNS).to_string())
            .collect();
        let resource = Some(if rng.chance(10) {
            Matcher::Not(res)
        } else {
            Matcher::Is(res)
        });
        let principal = resource_like.then(|| {
            let p = Principals {
                aws: strings(PRINCIPALS[rng.below(PRINCIPALS.len())]),
                service: if rng.chance(15) {
                    strings(&["ec2.amazonaws.com"])
                } else {
                    Vec::new()
                },
                ..Principals::default()
            };
            if effect == Effect::Deny && rng.chance(15) {
                Matcher::Not(p)
            } else {
                Matcher::Is(p)
            }
        });
        // One entry per operator and key: JSON cannot hold two (a document's writer
        // would join their values, turning AND into OR), and lowering never makes two.
        let mut conditions: Vec<Condition> = Vec::new();
        for _ in 0..rng.below(3) {
            let c = entry(rng, used);
            if !conditions
                .iter()
                .any(|x| x.operator == c.operator && x.key == c.key)
            {
                conditions.push(c);
            }
        }
        statements.push(Statement {
            sid: None,
            effect,
            principal,
            action,
            resource,
            conditions,
        });
    }
    Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements,
    }
}

fn atom(c: Condition) -> CondExpr {
    CondExpr::Atom(Atom {
        operator: c.operator,
        key: Spanned::new(c.key, Span::default()),
        values: c
            .values
            .into_iter()
            .map(|v| Spanned::new(v, Span::default()))
            .collect(),
        span: Span::default(),
    })
}

fn condition(rng: &mut Rng, used: &mut [usize], depth: usize) -> CondExpr {
    match if depth > 1 { 0 } else { rng.below(4) } {
        0 => atom(entry(rng, used)),
        1 => CondExpr::Not(Box::new(condition(rng, used, depth + 1))),
        2 => CondExpr::And(vec![
            condition(rng, used, depth + 1),
            condition(rng, used, depth + 1),
        ]),
        _ => CondExpr::Or(vec![
            condition(rng, used, depth + 1),
            condition(rng, used, depth + 1),
        ]),
    }
}

fn request_set(rng: &mut Rng, used: &mut [usize]) -> RequestSet {
    RequestSet {
        actions: (0..1 + rng.below(2))
            .map(|_| rng.pick(ACTION_PATTERNS).to_string())
            .collect(),
        actions_negated: rng.chance(10),
        except: if rng.chance(20) {
            vec![rng.pick(ACTION_PATTERNS).to_string()]
        } else {
            Vec::new()
        },
        resources: rng
            .chance(40)
            .then(|| Matcher::Is(vec![rng.pick(RESOURCE_PATTERNS).to_string()])),
        condition: rng.chance(50).then(|| condition(rng, used, 0)),
    }
}

/// Everything one case draws.
struct Case {
    docs: Vec<Document>,
    /// `None`: a document subject (docs[0], with its side).
    principal: Option<(Option<&'static str>, Option<&'static str>, bool)>,
    side: Side,
    identity: usize,
    boundary: bool,
    scp_levels: usize,
    /// A session policy (role principals only: users have no sessions).
    session: bool,
    /// One RCP level of `Deny` statements.
    rcp: bool,
    resource: bool,
    kind: usize,
    r: RequestSet,
    used: Vec<usize>,
}

fn draw(rng: &mut Rng) -> Case {
    let first = rng.below(KEYS.len());
    let second = (first + 1 + rng.below(KEYS.len() - 1)) % KEYS.len();
    let mut used = vec![first, second];
    let principal = rng.chance(60).then(|| {
        let arn = *rng.pick(&[
            Some("arn:aws:iam::111122223333:user/alice"),
            Some("arn:aws:iam::111122223333:role/r1"),
            None,
        ]);
        let account = if arn.is_none() && rng.chance(50) {
            Some(A)
        } else {
            None
        };
        (arn, account, rng.chance(30))
    });
    let side = if principal.is_none() && rng.chance(50) {
        Side::ResourceLike
    } else {
        Side::IdentityLike
    };
    let identity = if principal.is_some() {
        1 + rng.below(2)
    } else {
        1
    };
    let boundary = principal.is_some() && rng.chance(30);
    let scp_levels = if principal.is_some() && rng.chance(30) {
        1 + rng.below(2)
    } else {
        0
    };
    let session = principal.is_some_and(|(arn, _, _)| arn.is_some_and(|a| a.contains(":role/")))
        && rng.chance(25);
    let rcp = principal.is_some() && rng.chance(20);
    let resource = principal.is_some() && rng.chance(30);
    let mut docs = Vec::new();
    for _ in 0..identity {
        docs.push(document(rng, side == Side::ResourceLike, &mut used));
    }
    for _ in 0..(usize::from(boundary) + scp_levels + usize::from(session)) {
        docs.push(document(rng, false, &mut used));
    }
    if rcp {
        // Customer RCPs deny only (spec/eval-scenario.md, `rcps`).
        let mut d = document(rng, true, &mut used);
        for st in &mut d.statements {
            st.effect = Effect::Deny;
            st.principal = Some(Matcher::Is(Principals {
                any: true,
                ..Principals::default()
            }));
        }
        docs.push(d);
    }
    if resource {
        docs.push(document(rng, true, &mut used));
    }
    let kind = rng.below(10);
    // within/equivalent: one more document of the subject's side, often the subject's
    // own first document, as is or with one more `Allow` (so both verdicts occur).
    if kind >= 8 {
        let resource_like = side == Side::ResourceLike;
        let d = match rng.below(3) {
            0 => document(rng, resource_like, &mut used),
            1 => docs[0].clone(),
            _ => {
                let mut d = docs[0].clone();
                let extra = document(rng, resource_like, &mut used);
                d.statements.extend(
                    extra
                        .statements
                        .into_iter()
                        .filter(|s| s.effect == Effect::Allow),
                );
                d
            }
        };
        docs.push(d);
    }
    let r = request_set(rng, &mut used);
    Case {
        docs,
        principal,
        side,
        identity,
        boundary,
        scp_levels,
        session,
        rcp,
        resource,
        kind,
        r,
        used,
    }
}

fn subject(c: &Case) -> Subject<'_> {
    let p = |i: usize| Placed {
        doc: &c.docs[i],
        decl: i,
    };
    match c.principal {
        None => Subject::Document(p(0), c.side),
        Some((arn, account, tags)) => {
            let mut next = c.identity;
            let boundary = c.boundary.then(|| {
                next += 1;
                p(next - 1)
            });
            let scps = (0..c.scp_levels)
                .map(|_| {
                    next += 1;
                    vec![p(next - 1)]
                })
                .collect();
            let session = c.session.then(|| {
                next += 1;
                p(next - 1)
            });
            let rcps = if c.rcp {
                next += 1;
                vec![vec![p(next - 1)]]
            } else {
                Vec::new()
            };
            let resource = c.resource.then(|| p(next));
            Subject::Principal(PrincipalSpec {
                arn: arn.map(str::to_string),
                account: account.map(str::to_string),
                tags: tags.then(|| vec![("team".to_string(), "dev".to_string())]),
                identity: (0..c.identity).map(p).collect(),
                boundary,
                session,
                scps,
                rcps,
                resource,
            })
        }
    }
}

/// The property of a case; `all`/`none`: every / no request of R in the universe is
/// allowed (so a property that holds there is often asked, and proofs are exercised).
fn property<'d>(c: &'d Case, all: bool, none: bool) -> Property<'d> {
    let other = || Placed {
        doc: c.docs.last().unwrap(),
        decl: c.docs.len() - 1,
    };
    let kind = match c.kind {
        0..=4 if all => 0,
        0..=4 if none => 3,
        k => k,
    };
    match kind {
        0..=2 => Property::Allows(c.r.clone()),
        3..=5 => Property::Denies(c.r.clone()),
        6 | 7 => Property::MayAllow(c.r.clone()),
        8 => Property::Within(other(), c.side),
        _ => Property::Equivalent(other(), c.side),
    }
}

// ---- the independent judge -------------------------------------------------------------

/// R read directly: patterns with the engine's matchers, the condition as booleans.
fn in_r(r: &RequestSet, req: &Request) -> bool {
    let act = |p: &String| p == "*" || Glob::new(p, true).matches(&req.action);
    let acts = r.actions.iter().any(act) != r.actions_negated;
    let except = r.except.iter().any(act);
    let res_ok = match &r.resources {
        None => true,
        Some(m) => {
            let hit = m.inner().iter().any(|e| {
                e == "*"
                    || (req.resource != "*"
                        && match iamc::eval::template::Template::parse(e) {
                            Some(t) => {
                                let mut toks = Vec::new();
                                t.resolve(&req.context, true, &mut toks)
                                    && ArnPattern::from_tokens(&toks).matches_text(&req.resource)
                            }
                            None => ArnPattern::new(e).matches_text(&req.resource),
                        })
            });
            hit != m.is_negated()
        }
    };
    acts && !except && res_ok && r.condition.as_ref().is_none_or(|c| holds(c, &req.context))
}

fn holds(c: &CondExpr, ctx: &Context) -> bool {
    match c {
        CondExpr::Const(b) => *b,
        CondExpr::Not(x) => !holds(x, ctx),
        CondExpr::And(xs) => xs.iter().all(|x| holds(x, ctx)),
        CondExpr::Or(xs) => xs.iter().any(|x| holds(x, ctx)),
        CondExpr::Atom(a) => CompiledCondition::compile(
            &Condition {
                operator: a.operator,
                key: a.key.node.clone(),
                values: a.values.iter().map(|v| v.node.clone()).collect(),
            },
            true,
        )
        .unwrap()
        .holds(ctx),
    }
}

fn context_json(ctx: &Context) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in ctx.iter() {
        m.insert(
            k.to_string(),
            match v {
                ContextValue::One(s) => json!(s),
                ContextValue::Many(xs) => json!(xs),
            },
        );
    }
    Value::Object(m)
}

/// The scenario of spec/prove.md for one side, written here from the spec's words.
fn spec_scenario(slots: &Slots<'_>, req: &Request) -> Value {
    let docs = |ps: &[Placed<'_>]| Value::Array(ps.iter().map(|p| to_value(p.doc)).collect());
    let outside = req.caller.is_outside_iam();
    let caller_account = req.caller.account().unwrap_or("");
    let mut request = json!({
        "principal": req.caller.as_str(),
        "action": req.action,
        "resource": req.resource,
        "context": context_json(&req.context),
    });
    let mut top = json!({
        "identity": docs(&slots.identity),
        "resource": slots.resource.map(|p| to_value(p.doc)),
        "boundary": slots.boundary.map(|p| to_value(p.doc)),
        "session": slots.session.map(|p| to_value(p.doc)),
        "scps": Value::Array(slots.scps.iter().map(|l| docs(l)).collect()),
        "rcps": Value::Array(slots.rcps.iter().map(|l| docs(l)).collect()),
    });
    match slots.side {
        Some(Side::ResourceLike) => {
            top["identity"] = if outside {
                json!([])
            } else {
                json!([{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}])
            };
            let acct = if outside {
                iamc::eval::arn::split(&req.resource)
                    .map(|p| p[4])
                    .filter(|a| a.len() == 12)
                    .unwrap_or("999999999999")
                    .to_string()
            } else if caller_account == "999999999999" {
                "888888888888".to_string()
            } else {
                "999999999999".to_string()
            };
            request["resource_account"] = json!(acct);
        }
        Some(Side::IdentityLike) if req.action.to_lowercase().starts_with("sts:assumerole") => {
            top["resource"] = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{caller_account}:root")}, "Action": "sts:AssumeRole*"}]});
        }
        _ => {}
    }
    top["request"] = request;
    top
}

fn spec_decide(slots: &Slots<'_>, req: &Request) -> Decision {
    let s = spec_scenario(slots, req);
    parse_value(&s)
        .unwrap_or_else(|e| panic!("{e:?} in {s}"))
        .decide()
}

/// `spec_decide` for many requests: the scenario's policies depend on the request only
/// through the caller's account, its kind and whether the action assumes a role, so one
/// parsed scenario per such combination is reused.
#[derive(Default)]
struct SpecCache {
    sets: std::collections::HashMap<(String, bool, bool, String), iamc::eval::scenario::Scenario>,
}

impl SpecCache {
    fn decide(&mut self, slots: &Slots<'_>, req: &Request) -> Decision {
        let key = (
            req.caller.account().unwrap_or("").to_string(),
            req.caller.is_outside_iam(),
            req.action.to_lowercase().starts_with("sts:assumerole"),
            iamc::eval::arn::split(&req.resource)
                .map(|p| p[4].to_string())
                .unwrap_or_default(),
        );
        let sc = self.sets.entry(key).or_insert_with(|| {
            let s = spec_scenario(slots, req);
            parse_value(&s).unwrap_or_else(|e| panic!("{e:?} in {s}"))
        });
        let mut r = req.clone();
        r.resource_account = sc.request.resource_account.clone();
        iamc::eval::evaluate(&sc.policies, &r)
    }
}

// ---- the universe ----------------------------------------------------------------------

fn callers(c: &Case) -> Vec<&'static str> {
    match c.principal {
        Some((Some(arn), _, _)) if arn.contains(":user/") => vec!["arn:aws:sts::dummy"; 0]
            .into_iter()
            .chain(["arn:aws:iam::111122223333:user/alice"])
            .collect(),
        Some((Some(_), _, _)) => vec!["arn:aws:sts::111122223333:assumed-role/r1/s1"],
        Some((None, Some(_), _)) => vec![
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:sts::111122223333:assumed-role/r1/s1",
            "arn:aws:sts::111122223333:assumed-role/r2/s1",
        ],
        _ => {
            let mut v = vec![
                "arn:aws:iam::111122223333:user/alice",
                "arn:aws:iam::444455556666:user/bob",
                "arn:aws:sts::111122223333:assumed-role/r1/s1",
                "arn:aws:sts::444455556666:assumed-role/r2/s1",
            ];
            if c.principal.is_none() && c.side == Side::ResourceLike {
                v.extend(["ec2.amazonaws.com", "anonymous"]);
            }
            v
        }
    }
}

fn derived(caller: &str, ctx: &mut Context) {
    if let Some(rest) = caller.strip_prefix("arn:aws:iam::") {
        let (acct, res) = rest.split_once(':').unwrap();
        ctx.insert("aws:PrincipalArn", ContextValue::One(caller.into()));
        ctx.insert("aws:PrincipalAccount", ContextValue::One(acct.into()));
        ctx.insert("aws:PrincipalType", ContextValue::One("User".into()));
        ctx.insert(
            "aws:username",
            ContextValue::One(res.rsplit('/').next().unwrap().into()),
        );
        ctx.insert("aws:userid", ContextValue::One("AIDAX".into()));
    } else if let Some(rest) = caller.strip_prefix("arn:aws:sts::") {
        let (acct, res) = rest.split_once(':').unwrap();
        let role = res.split('/').nth(1).unwrap();
        ctx.insert(
            "aws:PrincipalArn",
            ContextValue::One(format!("arn:aws:iam::{acct}:role/{role}")),
        );
        ctx.insert("aws:PrincipalAccount", ContextValue::One(acct.into()));
        ctx.insert("aws:PrincipalType", ContextValue::One("AssumedRole".into()));
        ctx.insert("aws:userid", ContextValue::One("AROAX:s1".into()));
    }
}

/// Keys and their values (`None`: absent) of one brute-force context.
type Contexts = Vec<(&'static str, Option<&'static [&'static str]>)>;

fn universe(c: &Case) -> Vec<Request> {
    let tags = c.principal.is_some_and(|(_, _, t)| t);
    let mut contexts: Vec<Contexts> = vec![Vec::new()];
    for &k in &c.used {
        let spec = &KEYS[k];
        if spec.probe.is_empty() {
            continue; // derived from the caller
        }
        let values: Vec<Option<&[&str]>> = if spec.name == "aws:PrincipalTag/team" && tags {
            vec![Some(&["dev"][..])]
        } else {
            spec.probe.to_vec()
        };
        let mut next = Vec::new();
        for ctx in &contexts {
            for v in &values {
                let mut c2 = ctx.clone();
                c2.push((spec.name, *v));
                next.push(c2);
            }
        }
        contexts = next;
    }
    let mut out = Vec::new();
    for caller in callers(c) {
        for action in ACTIONS {
            for resource in RESOURCES {
                for kv in &contexts {
                    let mut ctx = Context::new();
                    derived(caller, &mut ctx);
                    if !kv.iter().any(|(k, _)| *k == "aws:CurrentTime") {
                        ctx.insert(
                            "aws:CurrentTime",
                            ContextValue::One("2026-11-30T12:00:00Z".into()),
                        );
                    }
                    for (k, v) in kv {
                        if let Some(v) = v {
                            let cv = if KEYS.iter().any(|s| s.name == *k && s.multi) {
                                ContextValue::Many(strings(v))
                            } else {
                                ContextValue::One(v[0].to_string())
                            };
                            ctx.insert(k, cv);
                        }
                    }
                    let mut req = Request::new(caller, action, resource).unwrap();
                    req.context = ctx;
                    out.push(req);
                }
            }
        }
    }
    out
}

fn slots_of<'d>(s: &Subject<'d>) -> Slots<'d> {
    match s {
        Subject::Principal(p) => Slots::of_principal(p),
        Subject::Document(d, side) => Slots::of_document(*d, *side),
    }
}

fn allowed(d: &Decision) -> bool {
    d.outcome == Outcome::Allow
}

/// Replays a prover hit through scenarios: the subject's decision (and the other side's).
fn replay(subject: &Slots<'_>, other: Option<&Slots<'_>>, hit: &Hit) -> (bool, Option<bool>) {
    let judge = Judge::new(subject.clone()).unwrap();
    let s = iamc::prove::scenario::scenario(&judge, &hit.request, &|k| k.to_string());
    let d = parse_value(&s)
        .unwrap_or_else(|e| panic!("{e:?} in {s}"))
        .decide();
    assert_eq!(
        d.outcome, hit.decisions[0].outcome,
        "the scenario file replays the decision"
    );
    assert_eq!(d.outcome, spec_decide(subject, &hit.request).outcome);
    let o = other.map(|o| allowed(&spec_decide(o, &hit.request)));
    (allowed(&d), o)
}

#[test]
fn the_prover_agrees_with_brute_force_and_its_counterexamples_replay() {
    let cases: usize = std::env::var("IAMC_PROVE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut proved, mut refuted, mut vacuous, mut confirmed) = (0, 0, 0, 0);
    for case in 0..cases {
        let c = draw(&mut rng);
        let s = subject(&c);
        let slots = slots_of(&s);
        let within_kind = c.kind >= 8;
        let other_slots = within_kind.then(|| {
            Slots::of_document(
                Placed {
                    doc: c.docs.last().unwrap(),
                    decl: c.docs.len() - 1,
                },
                c.side,
            )
        });
        // Brute force over the universe first: (request, in R, subject allows, other allows).
        let (mut mine, mut theirs) = (SpecCache::default(), SpecCache::default());
        let judged: Vec<(Request, bool, bool, bool)> = universe(&c)
            .into_iter()
            .map(|req| {
                let r = in_r(&c.r, &req);
                let subj = allowed(&mine.decide(&slots, &req));
                let oth = other_slots
                    .as_ref()
                    .is_some_and(|o| allowed(&theirs.decide(o, &req)));
                (req, r, subj, oth)
            })
            .collect();
        let some_in_r = judged.iter().any(|j| j.1);
        let allowed_in_r = judged.iter().any(|j| j.1 && j.2);
        let all = some_in_r && judged.iter().all(|j| !j.1 || j.2);
        let p = property(&c, all && rng.chance(60), !allowed_in_r && rng.chance(60));
        let other = match &p {
            Property::Within(d, side) | Property::Equivalent(d, side) => {
                Some(Slots::of_document(*d, *side))
            }
            _ => None,
        };
        let t0 = std::time::Instant::now();
        let decided = decide(&s, &p, Catalog::embedded(), Limits::default(), &|| false);
        if std::env::var("IAMC_PROVE_TRACE").is_ok() {
            eprintln!(
                "case {case}: {} cases in {:?}",
                decided.as_ref().map_or(0, |d| d.cases),
                t0.elapsed()
            );
        }
        let decided = decided.unwrap_or_else(|e| panic!("case {case}: undecided {e:?}"));
        let violation = judged
            .iter()
            .find(|(_, r, subj, oth)| match &p {
                Property::Allows(_) => *r && !*subj,
                Property::Denies(_) => *r && *subj,
                Property::MayAllow(_) => false,
                Property::Within(..) => *subj && !*oth,
                Property::Equivalent(..) => subj != oth,
            })
            .map(|j| &j.0);
        let what = || {
            format!(
                "case {case}: {:?}\nproperty {:?}\ndocs {:#?}",
                c.principal, p, c.docs
            )
        };
        match (&decided.verdict, &p) {
            (Verdict::Proved { witness }, Property::MayAllow(_)) => {
                let w = witness.as_ref().expect("a witness");
                assert!(in_r(&c.r, &w.request), "witness outside R: {}", what());
                assert!(replay(&slots, None, w).0, "witness not allowed: {}", what());
                proved += 1;
            }
            (Verdict::Refuted { .. }, Property::MayAllow(_)) => {
                assert!(
                    !allowed_in_r,
                    "may allow refuted but brute force found one: {}",
                    what()
                );
                refuted += 1;
            }
            (Verdict::Proved { .. }, _) => {
                assert!(
                    violation.is_none(),
                    "proved, but brute force violates it with {:?}: {}",
                    violation
                        .as_ref()
                        .map(|r| (&r.caller, &r.action, &r.resource, &r.context)),
                    what()
                );
                proved += 1;
            }
            (Verdict::Vacuous, _) => {
                assert!(
                    !some_in_r,
                    "vacuous, but brute force found a request in R: {}",
                    what()
                );
                vacuous += 1;
            }
            (Verdict::Refuted { counterexample }, _) => {
                let h = counterexample.as_ref().expect("a counterexample");
                let (subj, oth) = replay(&slots, other.as_ref(), h);
                let ok = match &p {
                    Property::Allows(_) => in_r(&c.r, &h.request) && !subj,
                    Property::Denies(_) => in_r(&c.r, &h.request) && subj,
                    Property::Within(..) => subj && oth == Some(false),
                    Property::Equivalent(..) => Some(subj) != oth,
                    Property::MayAllow(_) => false,
                };
                assert!(
                    ok,
                    "the counterexample does not violate the property: {}",
                    what()
                );
                confirmed += usize::from(violation.is_some());
                refuted += 1;
            }
        }
    }
    eprintln!(
        "{cases} cases: {proved} proved, {refuted} refuted ({confirmed} also found by brute force), {vacuous} vacuous"
    );
    assert!(
        proved > cases / 10 && refuted > cases / 10,
        "the generator reaches both verdicts"
    );
}

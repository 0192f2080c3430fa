//! Every `prove` block of a checked program, decided: the bridge from the typed IR to
//! [`super::decide`], and the reports `iamc build`, `iamc prove` and the language server
//! print (spec/prove.md).

use super::problem::RequestSet;
use super::scenario::scenario;
use super::search::{Hit, Limits};
use super::subject::{Judge, Placed, PrincipalSpec, Side, Slots, Subject};
use super::{decide, Decided, Property, Undecided, Verdict};
use crate::catalog::Catalog;
use crate::check::ir;
use crate::eval::Decision;
use crate::policy::{Document, DocumentKind, Matcher};
use crate::source::{Sources, Span};
use crate::syntax::ast;
use serde_json::Value;

/// What the driver reads: the program and the lowered document of every declaration,
/// index-aligned with `program.documents` (the analysis snapshot's).
pub struct Inputs<'a> {
    pub program: &'a ir::Program,
    pub documents: Vec<&'a Document>,
}

/// Budgets of one property (`[prove]` in `iamc.toml`).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub limits: Limits,
    /// Milliseconds one property may take.
    pub timeout_ms: f64,
    /// Decide the standard library's own proofs too. They are decided by the test suite
    /// (`tests/it/stdlib.rs`) once, not by every build of every project.
    pub include_std: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            limits: Limits::default(),
            timeout_ms: 10_000.0,
            include_std: false,
        }
    }
}

impl Settings {
    /// The defaults with the budgets a project sets (`[prove]` in `iamc.toml`: timeout,
    /// `max_cases`, `max_states`), for the command line and the language server alike.
    pub fn with_budgets(
        timeout_ms: Option<u64>,
        max_cases: Option<u64>,
        max_states: Option<u64>,
    ) -> Settings {
        let mut s = Settings::default();
        if let Some(t) = timeout_ms {
            s.timeout_ms = t as f64;
        }
        if let Some(n) = max_cases {
            s.limits.max_cases = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(n) = max_states {
            s.limits.max_states = usize::try_from(n).unwrap_or(usize::MAX);
        }
        s
    }
}

/// The kind of a property, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Allows,
    Denies,
    MayAllow,
    Within,
    Equivalent,
}

/// Why a property was not decided, before or during the search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `within`/`equivalent` between an identity-side and a resource-side subject.
    Sides {
        subject: &'static str,
        other: &'static str,
    },
    Undecided(Undecided),
}

/// A deciding statement: the declaration (index into the documents) and the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deciding {
    pub document: usize,
    pub statement: usize,
    pub effect: crate::policy::Effect,
}

/// One decided property.
#[derive(Clone, Debug)]
pub struct Report {
    /// Index into `program.proofs` and into that proof's properties.
    pub proof: usize,
    pub property: usize,
    pub kind: Kind,
    /// The name after `prove`.
    pub subject: String,
    /// 1-based, across the subject's `prove` blocks (files in path order, then source
    /// order): the `<n>` of counterexample file names.
    pub ordinal: usize,
    pub span: Span,
    pub result: Result<Decided, Problem>,
    pub ms: f64,
    /// Refuted: the counterexample's scenario; `may allow` proved: the witness's.
    pub scenario: Option<Value>,
    /// `within`/`equivalent` refuted: the other side's scenario for the same request.
    pub other_scenario: Option<Value>,
    /// The decisions on that request (subject, then other side).
    pub decisions: Vec<Decision>,
    /// The subject's statements that decided the counterexample.
    pub deciding: Vec<Deciding>,
    /// The condition keys the subject's documents and the property test (as spelled
    /// there): what a reader of the counterexample needs to see, present or absent.
    pub keys: Vec<String>,
}

impl Report {
    pub fn verdict_word(&self) -> &'static str {
        match &self.result {
            Ok(d) => match d.verdict {
                Verdict::Proved { .. } => "proved",
                Verdict::Refuted { .. } => "refuted",
                Verdict::Vacuous => "vacuous",
            },
            Err(_) => "undecided",
        }
    }

    pub fn hit(&self) -> Option<&Hit> {
        match &self.result {
            Ok(Decided {
                verdict:
                    Verdict::Refuted {
                        counterexample: Some(h),
                    }
                    | Verdict::Proved { witness: Some(h) },
                ..
            }) => Some(h),
            _ => None,
        }
    }
}

/// Which side of a request a document kind sits on (spec/prove.md, "The subject").
pub fn side_of(kind: DocumentKind) -> Side {
    match kind {
        DocumentKind::Trust | DocumentKind::Resource | DocumentKind::Rcp => Side::ResourceLike,
        DocumentKind::Identity
        | DocumentKind::Boundary
        | DocumentKind::Scp
        | DocumentKind::Session => Side::IdentityLike,
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::IdentityLike => "the identity side (a principal or an identity-based document)",
        Side::ResourceLike => "the resource side (a trust, resource or resource control policy)",
    }
}

fn strings(m: &[crate::source::Spanned<String>]) -> Vec<String> {
    m.iter().map(|s| s.node.clone()).collect()
}

fn request_set(
    actions: &Matcher<Vec<crate::source::Spanned<String>>>,
    resources: &Option<Matcher<Vec<crate::source::Spanned<String>>>>,
    condition: &Option<ir::CondExpr>,
    except: &[crate::source::Spanned<String>],
) -> RequestSet {
    RequestSet {
        actions: strings(actions.inner()),
        actions_negated: actions.is_negated(),
        except: strings(except),
        resources: resources.as_ref().map(|m| match m {
            Matcher::Is(v) => Matcher::Is(strings(v)),
            Matcher::Not(v) => Matcher::Not(strings(v)),
        }),
        condition: condition.clone(),
    }
}

impl<'a> Inputs<'a> {
    fn placed(&self, i: usize) -> Option<Placed<'a>> {
        self.documents.get(i).map(|d| Placed { doc: d, decl: i })
    }

    fn kind(&self, i: usize) -> Option<DocumentKind> {
        self.program.documents.get(i).map(|d| d.kind)
    }

    /// The subject of a proof.
    fn subject(&self, target: ir::ProofTarget) -> Option<(Subject<'a>, String, Side)> {
        match target {
            ir::ProofTarget::Document(d) => {
                let side = side_of(self.kind(d)?);
                let name = self.program.documents.get(d)?.name.node.clone();
                Some((Subject::Document(self.placed(d)?, side), name, side))
            }
            ir::ProofTarget::Principal(i) => {
                let p = self.program.principals.get(i)?;
                let mut tags: Option<Vec<(String, String)>> = None;
                let mut account = None;
                for (k, v) in &p.context {
                    if let Some(tag) = k.strip_prefix("aws:PrincipalTag/") {
                        tags.get_or_insert_with(Vec::new)
                            .push((tag.to_string(), v.clone()));
                    } else if k == "aws:PrincipalAccount" {
                        account = Some(v.clone());
                    }
                }
                let list = |xs: &[usize]| xs.iter().filter_map(|&d| self.placed(d)).collect();
                let spec = PrincipalSpec {
                    arn: p.arn.as_ref().map(|a| a.node.clone()),
                    account,
                    tags,
                    identity: list(&p.policies),
                    boundary: p.boundary.and_then(|d| self.placed(d)),
                    session: p.session.and_then(|d| self.placed(d)),
                    scps: p.scps.iter().map(|l| list(l)).collect(),
                    rcps: p.rcps.iter().map(|l| list(l)).collect(),
                    resource: p.resource.and_then(|d| self.placed(d)),
                };
                Some((
                    Subject::Principal(spec),
                    p.name.node.clone(),
                    Side::IdentityLike,
                ))
            }
        }
    }
}

/// The order proofs are numbered in: by file name, then position.
fn proof_order(program: &ir::Program, sources: &Sources) -> Vec<usize> {
    let mut order: Vec<usize> = (0..program.proofs.len()).collect();
    order.sort_by_key(|&i| {
        let span = program.proofs.get(i).map(|p| p.span).unwrap_or_default();
        let name = sources
            .get(span.file)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        (name, span.start)
    });
    order
}

/// Decides every property of every proof. `now_ms` is the caller's clock (the core reads
/// none); `only`: decide just the proofs of files this predicate accepts.
pub fn run(
    inputs: &Inputs<'_>,
    sources: &Sources,
    catalog: &Catalog,
    settings: Settings,
    now_ms: &dyn Fn() -> f64,
) -> Vec<Report> {
    let mut reports = Vec::new();
    let mut ordinals: Vec<(ir::ProofTarget, usize)> = Vec::new();
    for pi in proof_order(inputs.program, sources) {
        let Some(proof) = inputs.program.proofs.get(pi) else {
            continue;
        };
        let in_std = sources
            .get(proof.span.file)
            .is_some_and(|f| matches!(f.origin, crate::source::Origin::Stdlib(_)));
        if in_std && !settings.include_std {
            continue;
        }
        let Some((subject, name, side)) = inputs.subject(proof.target) else {
            continue;
        };
        for (qi, prop) in proof.properties.iter().enumerate() {
            let ordinal = match ordinals.iter_mut().find(|(t, _)| *t == proof.target) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    ordinals.push((proof.target, 1));
                    1
                }
            };
            let start = now_ms();
            let deadline = start + settings.timeout_ms;
            let expired = || now_ms() > deadline;
            let (kind, span, property, other_side) = match prop {
                ir::Property::Request {
                    verdict,
                    actions,
                    resources,
                    condition,
                    except,
                    span,
                } => {
                    let r = request_set(actions, resources, condition, except);
                    let (kind, p) = match verdict {
                        ast::Verdict::Allows => (Kind::Allows, Property::Allows(r)),
                        ast::Verdict::Denies => (Kind::Denies, Property::Denies(r)),
                        ast::Verdict::MayAllow => (Kind::MayAllow, Property::MayAllow(r)),
                    };
                    (kind, *span, Some(p), None)
                }
                ir::Property::Within { document, span }
                | ir::Property::Equivalent { document, span } => {
                    let kind = if matches!(prop, ir::Property::Within { .. }) {
                        Kind::Within
                    } else {
                        Kind::Equivalent
                    };
                    let d_side = inputs.kind(*document).map(side_of);
                    let p = match (inputs.placed(*document), d_side) {
                        (Some(d), Some(s)) if s == side => Some(if kind == Kind::Within {
                            Property::Within(d, s)
                        } else {
                            Property::Equivalent(d, s)
                        }),
                        _ => None,
                    };
                    (kind, *span, p, d_side)
                }
            };
            let result = match (&property, other_side) {
                (Some(p), _) => decide(&subject, p, catalog, settings.limits, &expired)
                    .map_err(Problem::Undecided),
                (None, Some(o)) => Err(Problem::Sides {
                    subject: side_name(side),
                    other: side_name(o),
                }),
                (None, None) => continue,
            };
            let ms = now_ms() - start;
            let mut report = Report {
                proof: pi,
                property: qi,
                kind,
                subject: name.clone(),
                ordinal,
                span,
                result,
                ms,
                scenario: None,
                other_scenario: None,
                decisions: Vec::new(),
                deciding: Vec::new(),
                keys: Vec::new(),
            };
            report.keys = tested_keys(&subject, prop, property.as_ref());
            attach_scenarios(&mut report, &subject, property.as_ref(), inputs);
            reports.push(report);
        }
    }
    reports
}

/// Condition keys the subject's documents, the other side and the property test.
fn tested_keys(
    subject: &Subject<'_>,
    prop: &ir::Property,
    property: Option<&Property<'_>>,
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |k: &str| {
        if !keys.iter().any(|x| x.eq_ignore_ascii_case(k)) {
            keys.push(k.to_string());
        }
    };
    let mut docs: Vec<&Document> = slots_of(subject)
        .placed()
        .iter()
        .map(|(_, p)| p.doc)
        .collect();
    if let Some(Property::Within(d, _) | Property::Equivalent(d, _)) = property {
        docs.push(d.doc);
    }
    for d in docs {
        for st in &d.statements {
            for c in &st.conditions {
                add(&c.key);
            }
        }
    }
    fn walk(c: &ir::CondExpr, add: &mut dyn FnMut(&str)) {
        match c {
            ir::CondExpr::Atom(a) => add(&a.key.node),
            ir::CondExpr::Not(x) => walk(x, add),
            ir::CondExpr::And(xs) | ir::CondExpr::Or(xs) => xs.iter().for_each(|x| walk(x, add)),
            ir::CondExpr::Const(_) => {}
        }
    }
    if let ir::Property::Request {
        condition: Some(c), ..
    } = prop
    {
        walk(c, &mut add);
    }
    keys
}

fn slots_of<'d>(s: &Subject<'d>) -> Slots<'d> {
    match s {
        Subject::Principal(p) => Slots::of_principal(p),
        Subject::Document(d, side) => Slots::of_document(*d, *side),
    }
}

/// Writes the counterexample (or witness) as scenarios and finds the deciding statements.
fn attach_scenarios(
    report: &mut Report,
    subject: &Subject<'_>,
    property: Option<&Property<'_>>,
    inputs: &Inputs<'_>,
) {
    let Some(hit) = report.hit().cloned() else {
        return;
    };
    let key_name = |lower: &str| key_spelling(lower, inputs);
    let slots = slots_of(subject);
    if let Ok(judge) = Judge::new(slots.clone()) {
        report.scenario = Some(scenario(&judge, &hit.request, &key_name));
    }
    if let Some(Property::Within(d, side) | Property::Equivalent(d, side)) = property {
        if let Ok(judge) = Judge::new(Slots::of_document(*d, *side)) {
            report.other_scenario = Some(scenario(&judge, &hit.request, &key_name));
        }
    }
    report.decisions = hit.decisions.clone();
    let placed = slots.placed();
    if let Some(d) = hit.decisions.first() {
        for s in &d.statements {
            if let Some((_, p)) = placed.iter().find(|(r, _)| *r == s.policy) {
                report.deciding.push(Deciding {
                    document: p.decl,
                    statement: s.index,
                    effect: s.effect,
                });
            }
        }
    }
}

/// A lowercase key as the program spells it (the counterexample should read like the
/// policies it refutes).
fn key_spelling(lower: &str, inputs: &Inputs<'_>) -> String {
    for d in &inputs.documents {
        for st in &d.statements {
            for c in &st.conditions {
                if c.key.eq_ignore_ascii_case(lower) {
                    return c.key.clone();
                }
            }
        }
    }
    for k in [
        "aws:SecureTransport",
        "aws:RequestedRegion",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalType",
        "aws:username",
        "aws:userid",
    ] {
        if k.eq_ignore_ascii_case(lower) {
            return k.to_string();
        }
    }
    lower.to_string()
}

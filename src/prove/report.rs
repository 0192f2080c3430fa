//! Decided properties as diagnostics and as the `--format json` object of spec/prove.md.
//!
//! A refuted property is an error at the property (E0501) with every statement that decided
//! the counterexample labelled in its own file (and the `use` that pulled a template's
//! statement in), and the counterexample request in the help text; the same request is the
//! `counterexample` scenario, which `iamc eval` replays.

use super::driver::{Inputs, Kind, Problem, Report};
use super::search::Stop;
use super::{Undecided, Verdict};
use crate::analysis::Analysis;
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{ContextValue, Request};
use crate::policy::Effect;
use crate::source::Span;
use serde_json::{json, Value};

/// The inputs of the driver, read from the snapshot.
pub fn inputs(a: &Analysis) -> Inputs<'_> {
    Inputs {
        program: &a.program,
        documents: a.documents.iter().map(|d| &d.document).collect(),
    }
}

/// The property's source text, on one line.
pub fn property_text(a: &Analysis, span: Span) -> String {
    a.sources
        .get(span.file)
        .and_then(|f| f.text.get(span.range()))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The request in one line a person reads: what, by whom, on what, and the keys that
/// matter (`keys`, those the policies and the property test), present or absent.
pub fn request_line(req: &Request, keys: &[String]) -> String {
    let ctx: Vec<String> = keys
        .iter()
        .map(|k| match req.context.get(k) {
            Some(ContextValue::One(s)) => format!("`{k}` = {s:?}"),
            Some(ContextValue::Many(xs)) => format!("`{k}` = {xs:?}"),
            None => format!("no `{k}`"),
        })
        .collect();
    let ctx = if ctx.is_empty() {
        String::new()
    } else {
        format!(", with {}", ctx.join(", "))
    };
    format!(
        "`{}` by `{}` on `{}`{ctx}",
        req.action,
        req.caller.as_str(),
        req.resource
    )
}

fn words(o: crate::eval::Outcome) -> &'static str {
    match o {
        crate::eval::Outcome::Allow => "allowed",
        crate::eval::Outcome::ExplicitDeny => "denied by a `Deny`",
        crate::eval::Outcome::ImplicitDeny => "denied (nothing allows it)",
    }
}

fn stop_words(s: &Stop) -> (String, &'static str) {
    match s {
        Stop::Cases(n) => (
            format!("deciding it needs more than {n} requests"),
            "raise `max_cases` in the `[prove]` table of `iamc.toml`, or narrow the property (fewer actions, a resource, a condition)",
        ),
        Stop::Partition(p) => (
            format!("{p:?} has more distinct cases than the budget"),
            "raise `max_states` in the `[prove]` table of `iamc.toml`, or use fewer overlapping wildcards",
        ),
        Stop::Timeout => (
            "the time budget ran out".to_string(),
            "raise `timeout_ms` in the `[prove]` table of `iamc.toml`, or narrow the property",
        ),
        Stop::VariableCycle => (
            "policy variables read keys whose own values depend on variables".to_string(),
            "avoid policy variables in the values of keys that other variables read",
        ),
        Stop::Inconsistent(m) => (
            format!("the prover's prediction and the engine disagree ({m})"),
            "this is a bug in iamc; please report it with the property and the policies",
        ),
    }
}

/// The diagnostics of the reports.
pub fn diagnostics(a: &Analysis, reports: &[Report]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in reports {
        let text = property_text(a, r.span);
        match &r.result {
            Ok(d) => match &d.verdict {
                Verdict::Refuted { counterexample } => {
                    let mut diag = Diagnostic::new(
                        Code::E0501,
                        r.span,
                        format!("`{}` violates `{text}`", r.subject),
                    );
                    match (counterexample, r.kind) {
                        (Some(h), _) => {
                            let outcome = h.decisions.first().map_or("?", |d| words(d.outcome));
                            let mut help = format!(
                                "counterexample: {} is {outcome}",
                                request_line(&h.request, &r.keys)
                            );
                            if let Some(o) = h.decisions.get(1) {
                                help.push_str(&format!(
                                    " for `{}` but {} for the other document",
                                    r.subject,
                                    words(o.outcome)
                                ));
                            }
                            help.push_str(
                                "; `iamc prove --emit-counterexample DIR` writes it as a scenario for `iamc eval`",
                            );
                            diag = diag.with_help(help);
                            for dec in &r.deciding {
                                let Some(origin) = a
                                    .documents
                                    .get(dec.document)
                                    .and_then(|d| d.origins.get(dec.statement))
                                else {
                                    continue;
                                };
                                let what = match dec.effect {
                                    Effect::Allow => "this statement allows the request",
                                    Effect::Deny => "this statement denies the request",
                                };
                                diag = diag.with_label(origin.rule, what);
                                for u in &origin.use_sites {
                                    diag = diag.with_label(*u, "through this `use`");
                                }
                            }
                        }
                        (None, Kind::MayAllow) => {
                            diag = Diagnostic::new(
                                Code::E0501,
                                r.span,
                                format!("`{}` allows no request of `{text}`", r.subject),
                            )
                            .with_help("no request the property describes is allowed: the policies (or the property) are narrower than intended");
                        }
                        (None, _) => {}
                    }
                    out.push(diag);
                }
                Verdict::Vacuous => out.push(
                    Diagnostic::new(
                        Code::W0502,
                        r.span,
                        format!("no request matches `{text}`, so it says nothing"),
                    )
                    .with_help("the `except` list removes every action, or the `when` condition can never hold"),
                ),
                Verdict::Proved { .. } if d.sampled_variables => out.push(
                    Diagnostic::new(
                        Code::W0506,
                        r.span,
                        "proved over representative values of a policy variable",
                    )
                    .with_help("a policy variable the subject does not fix (such as `${aws:username}` of any caller) was tried with the values the policies compare it with and a fresh one; give the principal an `arn` (and `tags`) to fix it"),
                ),
                Verdict::Proved { .. } => {}
            },
            Err(Problem::Sides { subject, other }) => out.push(
                Diagnostic::new(
                    Code::E0504,
                    r.span,
                    "this compares two sides of a request that cannot be compared",
                )
                .with_help(format!(
                    "the subject is on {subject}, the document on {other}; compare a principal or an identity-based document with an identity-based document, a resource-based document with a resource-based document"
                )),
            ),
            Err(Problem::Undecided(u)) => out.push(undecided(a, r, u)),
        }
    }
    out
}

fn undecided(a: &Analysis, r: &Report, u: &Undecided) -> Diagnostic {
    match u {
        Undecided::Stopped(s) => {
            let (why, help) = stop_words(s);
            Diagnostic::new(
                Code::E0503,
                r.span,
                format!("this property could not be decided: {why}"),
            )
            .with_help(help)
        }
        Undecided::Unusable(un) => {
            let span = a.documents.get(un.decl).map_or(r.span, |d| d.span);
            Diagnostic::new(
                Code::E0505,
                span,
                format!("the evaluation engine refuses this document: {}", un.error),
            )
            .with_label(r.span, "needed by this property")
        }
        Undecided::BadValue { decl, message } => {
            let span = decl
                .and_then(|d| a.documents.get(d))
                .map_or(r.span, |d| d.span);
            Diagnostic::new(
                Code::E0505,
                span,
                format!("the prover cannot read a value: {message}"),
            )
            .with_label(r.span, "needed by this property")
        }
        Undecided::SessionForUser(arn) => Diagnostic::new(
            Code::E0505,
            r.span,
            format!("`{arn}` is an IAM user, and a user has no session policy"),
        )
        .with_help("a session policy is passed when a role is assumed; give the principal a role `arn`, or drop `session`"),
        Undecided::BadPrincipal(arn) => Diagnostic::new(
            Code::E0505,
            r.span,
            format!("`{arn}` is neither an IAM user nor an IAM role ARN"),
        )
        .with_help("a principal's `arn` is `arn:aws:iam::ACCOUNT:user/NAME` or `arn:aws:iam::ACCOUNT:role/NAME`; leave it out for any principal of the account"),
    }
}

/// One entry of the `proofs` array (spec/prove.md, "`--format json`").
pub fn proof_json(a: &Analysis, r: &Report) -> Value {
    let (file, line, column) = a
        .sources
        .get(r.span.file)
        .map(|f| {
            let lc = f.lines.line_col(&f.text, r.span.start);
            (f.name.clone(), lc.line, lc.col)
        })
        .unwrap_or_default();
    let refuted = r.verdict_word() == "refuted";
    let witness = matches!(
        &r.result,
        Ok(super::Decided {
            verdict: Verdict::Proved { witness: Some(_) },
            ..
        })
    );
    json!({
        "file": file,
        "line": line,
        "column": column,
        "subject": r.subject,
        "property": property_text(a, r.span),
        "verdict": r.verdict_word(),
        "ms": (r.ms * 1000.0).round() / 1000.0,
        "counterexample": if refuted { r.scenario.clone() } else { None },
        "decision": if refuted { r.decisions.first().map(|d| d.outcome.as_str()) } else { None },
        "other": if refuted { r.other_scenario.clone() } else { None },
        "witness": if witness { r.scenario.clone() } else { None },
    })
}

//! Typed IR -> the IAM policy model: `or` splitting, grouping, statement ids, size
//! budgets (E04xx). See docs/lowering.md.

pub mod cond;
mod conjunct;
pub mod sid;

use crate::check::ir;
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::json::{self, Layout};
use crate::policy::{self, Condition, DocumentKind, Matcher, Principals, Statement, Version};
use crate::source::{Span, Spanned};
use cond::{lower_condition, LowerError};

/// How many statements one rule may expand to before we call it an explosion.
pub const MAX_STATEMENTS_PER_RULE: usize = 64;

/// A lowered document with its size.
#[derive(Clone, Debug)]
pub struct Lowered {
    pub document: policy::Document,
    /// One per statement of `document`, in the same order.
    pub origins: Vec<StatementOrigin>,
    /// Characters AWS counts against the budget.
    pub size: usize,
    pub budget: usize,
}

/// Where one emitted statement came from: the prover underlines these rules and `use`s
/// in a counterexample, the editor links a statement back to its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementOrigin {
    /// The index of the rule among the IR document's `rules`.
    pub rule_index: usize,
    /// The rule's span: in the document, or in the template a `use` expanded.
    pub rule: Span,
    /// The `use`s that pulled the rule in, outermost first; empty for a rule written in
    /// the document itself.
    pub use_sites: Vec<Span>,
}

impl StatementOrigin {
    fn of(rule_index: usize, rule: &ir::Rule) -> StatementOrigin {
        StatementOrigin {
            rule_index,
            rule: rule.span,
            use_sites: match &rule.origin {
                ir::RuleOrigin::Direct => Vec::new(),
                ir::RuleOrigin::Template { use_sites, .. } => use_sites.clone(),
            },
        }
    }
}

/// The size budget of a document kind, in characters (semantics-pitfalls.md point 12).
pub fn budget(kind: DocumentKind) -> usize {
    match kind {
        DocumentKind::Identity | DocumentKind::Boundary => 6_144,
        DocumentKind::Trust | DocumentKind::Session => 2_048,
        // Since 2026-05-15 (was 5,120).
        DocumentKind::Scp => 10_240,
        DocumentKind::Rcp => 5_120,
        // The S3 bucket policy limit (20 KB); other services are stricter or looser.
        DocumentKind::Resource => 20_480,
    }
}

/// Characters AWS counts: IAM ignores whitespace; Organizations (SCP, RCP) counts every
/// character as submitted, so for those the layout we write is what counts.
pub fn counted_size(doc: &policy::Document, kind: DocumentKind, layout: Layout) -> usize {
    match kind {
        DocumentKind::Scp | DocumentKind::Rcp => json::to_string(doc, layout).chars().count(),
        _ => json::size_without_whitespace(doc),
    }
}

/// Lowers one document. Diagnostics go to `diags`; the document is still returned (with
/// the rules that lowered) so callers can report sizes.
pub fn lower_document(d: &ir::Document, layout: Layout, diags: &mut Vec<Diagnostic>) -> Lowered {
    let mut statements: Vec<(Statement, Option<Spanned<String>>, usize)> = Vec::new();
    let mut origins: Vec<StatementOrigin> = Vec::new();
    for (rule_index, rule) in d.rules.iter().enumerate() {
        let conjuncts = match &rule.condition {
            None => vec![Vec::new()],
            Some(c) => match lower_condition(c, MAX_STATEMENTS_PER_RULE) {
                Ok(c) => c,
                Err(LowerError::Inexpressible {
                    span,
                    message,
                    help,
                }) => {
                    diags.push(Diagnostic::new(Code::E0401, span, message).with_help(help));
                    continue;
                }
                Err(LowerError::TooLarge { conjuncts }) => {
                    let span = rule
                        .condition
                        .as_ref()
                        .map(|_| rule.span)
                        .unwrap_or(rule.span);
                    diags.push(
                        Diagnostic::new(
                            Code::E0402,
                            span,
                            format!("this condition needs more than {MAX_STATEMENTS_PER_RULE} statements ({conjuncts} or more)"),
                        )
                        .with_help("each `or` of `and`s becomes its own statement; use `in [...]` for alternatives on one key, or split the rule"),
                    );
                    continue;
                }
            },
        };
        if conjuncts.is_empty() {
            diags.push(
                Diagnostic::new(
                    Code::W0405,
                    rule.span,
                    "this rule's condition can never hold, so it emits nothing",
                )
                .with_help("remove the rule or fix the condition"),
            );
            continue;
        }
        let principal = rule.principals.as_ref().map(principals);
        let action = dedup(&rule.actions);
        let resource = rule.resources.as_ref().map(dedup);
        for (i, c) in conjuncts.into_iter().enumerate() {
            let st = Statement {
                sid: None,
                effect: rule.effect,
                principal: principal.clone(),
                action: action.clone(),
                resource: resource.clone(),
                conditions: c
                    .into_iter()
                    .map(|l| Condition {
                        operator: l.op,
                        key: l.key,
                        values: l.values,
                    })
                    .collect(),
            };
            statements.push((st, rule.sid.clone(), i));
            origins.push(StatementOrigin::of(rule_index, rule));
        }
    }
    sid::assign(&mut statements, diags);
    let document = policy::Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements: statements.into_iter().map(|(s, _, _)| s).collect(),
    };
    let size = counted_size(&document, d.kind, layout);
    let budget = budget(d.kind);
    if size > budget {
        let how = match d.kind {
            DocumentKind::Scp | DocumentKind::Rcp => {
                "characters as written (Organizations counts whitespace; `--minify` helps)"
            }
            _ => "characters without whitespace",
        };
        diags.push(
            Diagnostic::new(
                Code::E0404,
                d.name.span,
                format!(
                    "`{}` is {size} {how}, over the {budget}-character budget of {} {}",
                    d.name.node,
                    if d.kind.name().starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    },
                    d.kind.name()
                ),
            )
            .with_help(
                "split it into several documents, or use wildcards and `in [...]` to shorten it",
            ),
        );
    }
    Lowered {
        document,
        origins,
        size,
        budget,
    }
}

fn dedup(m: &Matcher<Vec<Spanned<String>>>) -> Matcher<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in m.inner() {
        if !out.contains(&s.node) {
            out.push(s.node.clone());
        }
    }
    match m {
        Matcher::Is(_) => Matcher::Is(out),
        Matcher::Not(_) => Matcher::Not(out),
    }
}

fn principals(m: &Matcher<Vec<Spanned<ir::PrincipalValue>>>) -> Matcher<Principals> {
    let mut p = Principals::default();
    for v in m.inner() {
        let (list, text) = match &v.node {
            ir::PrincipalValue::Any => {
                p.any = true;
                continue;
            }
            ir::PrincipalValue::Aws(t) => (&mut p.aws, t),
            ir::PrincipalValue::Service(t) => (&mut p.service, t),
            ir::PrincipalValue::Federated(t) => (&mut p.federated, t),
            ir::PrincipalValue::CanonicalUser(t) => (&mut p.canonical_user, t),
        };
        if !list.contains(text) {
            list.push(text.clone());
        }
    }
    if p.any {
        p = Principals {
            any: true,
            ..Principals::default()
        };
    }
    match m {
        Matcher::Is(_) => Matcher::Is(p),
        Matcher::Not(_) => Matcher::Not(p),
    }
}

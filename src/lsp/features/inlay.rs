//! Inlay hints: after each condition test, the IAM operator it lowers to
//! (`aws:MultiFactorAuthPresent` under `not` becomes `BoolIfExists`, `!=` on a string key
//! `StringNotEquals`, `any k like ...` `ForAnyValue:StringLike`).
//!
//! The operators come from the lowering itself: each rule's checked condition goes through
//! `lower::cond::lower_condition`, the function that writes the statements, and every
//! condition entry it produces keeps the span of the test it came from. A test that
//! lowers to two entries (a negated `if exists` test needs the key present: `Null` beside
//! the negated operator) shows both. Rules expanded from a template are hinted in the
//! template, once, with the operators of every expansion.

use super::Ctx;
use crate::check::ir;
use crate::lower::cond::lower_condition;
use crate::lower::MAX_STATEMENTS_PER_RULE;
use std::collections::BTreeMap;

/// One hint: a label shown at `offset` (the end of a condition test).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub offset: u32,
    pub label: String,
    /// The condition entries the test becomes, as JSON.
    pub tooltip: String,
}

/// The hints of the file between `start` and `end` (bytes).
pub fn hints(ctx: &Ctx<'_>, start: u32, end: u32) -> Vec<Hint> {
    // By test span: the operators in order of first appearance, and the entries.
    let mut tests: BTreeMap<(u32, u32), (Vec<String>, Vec<String>)> = BTreeMap::new();
    let rules = ctx
        .analysis
        .program
        .documents
        .iter()
        .flat_map(|d| d.rules.iter());
    for rule in rules {
        let Some(cond) = &rule.condition else {
            continue;
        };
        if !touches_file(cond, ctx, start, end) {
            continue;
        }
        let Ok(conjuncts) = lower_condition(cond, MAX_STATEMENTS_PER_RULE) else {
            continue;
        };
        for lit in conjuncts.iter().flatten() {
            if lit.span.file != ctx.file || lit.span.end < start || lit.span.start > end {
                continue;
            }
            let (ops, entries) = tests.entry((lit.span.start, lit.span.end)).or_default();
            let op = lit.op.to_string();
            let entry = format!(
                "\"{op}\": {{ \"{}\": {} }}",
                lit.key,
                serde_json::to_string(&lit.values).unwrap_or_default()
            );
            if !ops.contains(&op) {
                ops.push(op);
            }
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
    }
    tests
        .into_iter()
        .map(|((_, end), (ops, entries))| Hint {
            offset: end,
            label: ops.join(" + "),
            tooltip: entries.join("\n"),
        })
        .collect()
}

/// Whether a condition has a test in the file (skips lowering the others).
fn touches_file(c: &ir::CondExpr, ctx: &Ctx<'_>, start: u32, end: u32) -> bool {
    match c {
        ir::CondExpr::And(xs) | ir::CondExpr::Or(xs) => {
            xs.iter().any(|x| touches_file(x, ctx, start, end))
        }
        ir::CondExpr::Not(x) => touches_file(x, ctx, start, end),
        ir::CondExpr::Atom(a) => {
            a.span.file == ctx.file && a.span.end >= start && a.span.start <= end
        }
        ir::CondExpr::Const(_) => false,
    }
}

//! Conditions -> disjunctive normal form over IAM condition entries, exactly.
//!
//! `not` is pushed inward with IAM's exact complements (docs/lowering.md has the table):
//! a negated operator is the complement of its positive form for single-valued keys,
//! including absent keys; the complement of an `...IfExists` test adds `Null: false`;
//! `ForAnyValue` and `ForAllValues` swap with the per-value complement. The result is
//! expanded to DNF (one statement per conjunct); each conjunct's entries are merged key by
//! key (`conjunct.rs`), conjuncts that can never hold are dropped, conjuncts implied by
//! others are absorbed, and conjuncts that differ in one entry's values are joined again.

use super::conjunct::{self, Conjunct};
use crate::check::ir::{Atom, CondExpr};
use crate::policy::{BaseOperator, Operator, SetQualifier};
use crate::source::Span;

/// One condition entry: IAM's `operator: { key: [values] }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    pub op: Operator,
    pub key: String,
    pub values: Vec<String>,
    pub span: Span,
}

impl Lit {
    fn same_test(&self, other: &Lit) -> bool {
        self.op == other.op && self.key.eq_ignore_ascii_case(&other.key)
    }

    /// The entry as a comparable value: a list of values is a set.
    fn sort_key(&self) -> (String, String, Vec<String>) {
        let mut v = self.values.clone();
        v.sort();
        v.dedup();
        (self.op.to_string(), self.key.to_lowercase(), v)
    }
}

/// Why a condition cannot be lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerError {
    /// No IAM condition means this; `span` is the part of the source at fault.
    Inexpressible {
        span: Span,
        message: String,
        help: String,
    },
    /// The DNF has more conjuncts than the limit.
    TooLarge { conjuncts: usize },
}

/// A condition in negation normal form.
#[derive(Clone, Debug)]
enum Nnf {
    True,
    False,
    Lit(Lit),
    And(Vec<Nnf>),
    Or(Vec<Nnf>),
}

fn lit(op: Operator, key: &str, values: Vec<String>, span: Span) -> Nnf {
    Nnf::Lit(Lit {
        op,
        key: key.to_string(),
        values,
        span,
    })
}

/// The positive/negated twin of a base operator, per value.
pub(super) fn twin(b: BaseOperator) -> Option<BaseOperator> {
    use BaseOperator::*;
    Some(match b {
        StringEquals => StringNotEquals,
        StringNotEquals => StringEquals,
        StringEqualsIgnoreCase => StringNotEqualsIgnoreCase,
        StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
        StringLike => StringNotLike,
        StringNotLike => StringLike,
        NumericEquals => NumericNotEquals,
        NumericNotEquals => NumericEquals,
        DateEquals => DateNotEquals,
        DateNotEquals => DateEquals,
        IpAddress => NotIpAddress,
        NotIpAddress => IpAddress,
        ArnEquals => ArnNotEquals,
        ArnNotEquals => ArnEquals,
        ArnLike => ArnNotLike,
        ArnNotLike => ArnLike,
        _ => return None,
    })
}

/// The complement of an ordering on a present value (`<` <-> `>=`).
fn flip_order(b: BaseOperator) -> Option<BaseOperator> {
    use BaseOperator::*;
    Some(match b {
        NumericLessThan => NumericGreaterThanEquals,
        NumericLessThanEquals => NumericGreaterThan,
        NumericGreaterThan => NumericLessThanEquals,
        NumericGreaterThanEquals => NumericLessThan,
        DateLessThan => DateGreaterThanEquals,
        DateLessThanEquals => DateGreaterThan,
        DateGreaterThan => DateLessThanEquals,
        DateGreaterThanEquals => DateLessThan,
        _ => return None,
    })
}

fn bool_complement(values: &[String]) -> Vec<String> {
    ["true", "false"]
        .iter()
        .filter(|b| !values.iter().any(|v| v.eq_ignore_ascii_case(b)))
        .map(|b| b.to_string())
        .collect()
}

fn inexpressible(span: Span, message: String, help: &str) -> LowerError {
    LowerError::Inexpressible {
        span,
        message,
        help: help.to_string(),
    }
}

/// `not (op key values)` as a formula, exactly.
fn negate(a: &Lit) -> Result<Nnf, LowerError> {
    use BaseOperator as B;
    let op = a.op;
    let plain = |base: B| Operator {
        set: None,
        base,
        if_exists: false,
    };
    let present = || lit(plain(B::Null), &a.key, vec!["false".into()], a.span);
    match op.set {
        None => {
            if op.base == B::Null {
                let c = bool_complement(&a.values);
                return Ok(if c.is_empty() {
                    Nnf::False
                } else {
                    lit(op, &a.key, c, a.span)
                });
            }
            if op.base == B::Bool {
                let c = bool_complement(&a.values);
                return Ok(match (op.if_exists, c.is_empty()) {
                    // absent, or present with a value outside V
                    (false, true) => lit(plain(B::Null), &a.key, vec!["true".into()], a.span),
                    (false, false) => lit(plain(B::Bool).if_exists(), &a.key, c, a.span),
                    // present with a value outside V
                    (true, true) => Nnf::False,
                    (true, false) => lit(plain(B::Bool), &a.key, c, a.span),
                });
            }
            if op.base.is_negated() {
                // N and N-IfExists both hold on absent keys; the complement is P on a present key.
                let p = twin(op.base).unwrap_or(op.base);
                return Ok(lit(plain(p), &a.key, a.values.clone(), a.span));
            }
            let per_value = |b: B| -> Result<Nnf, LowerError> {
                if let Some(n) = twin(b) {
                    Ok(lit(plain(n), &a.key, a.values.clone(), a.span))
                } else if let Some(f) = flip_order(b) {
                    // not (k < a or k < b) = k >= a and k >= b (absent: true)
                    Ok(Nnf::And(
                        a.values
                            .iter()
                            .map(|v| lit(plain(f).if_exists(), &a.key, vec![v.clone()], a.span))
                            .collect(),
                    ))
                } else {
                    Err(inexpressible(
                        a.span,
                        format!("IAM has no negated form of `{}`", b.as_str()),
                        "state the condition without `not` around this test",
                    ))
                }
            };
            let neg = per_value(op.base)?;
            if op.if_exists {
                // not (absent or P) = present and not P; on a present key "not P" is the
                // negated twin without IfExists.
                let strip = |n: Nnf| match n {
                    Nnf::And(xs) => Nnf::And(
                        xs.into_iter()
                            .map(|x| match x {
                                Nnf::Lit(mut l) => {
                                    l.op.if_exists = false;
                                    Nnf::Lit(l)
                                }
                                o => o,
                            })
                            .collect(),
                    ),
                    o => o,
                };
                Ok(Nnf::And(vec![present(), strip(neg)]))
            } else {
                Ok(neg)
            }
        }
        Some(set) => {
            let flipped = match set {
                SetQualifier::ForAnyValue => SetQualifier::ForAllValues,
                SetQualifier::ForAllValues => SetQualifier::ForAnyValue,
            };
            let (base, values) = if let Some(t) = twin(op.base) {
                (t, a.values.clone())
            } else if op.base == B::Bool {
                let c = bool_complement(&a.values);
                if c.is_empty() {
                    return Err(inexpressible(
                        a.span,
                        "this negated set test on a `Bool` key has no IAM form".into(),
                        "write the test without `not`",
                    ));
                }
                (B::Bool, c)
            } else if let (Some(f), [_]) = (flip_order(op.base), a.values.as_slice()) {
                (f, a.values.clone())
            } else {
                return Err(inexpressible(
                    a.span,
                    format!("IAM has no negated form of `{op}` here"),
                    "write the test without `not`",
                ));
            };
            let neg = lit(
                Operator {
                    set: Some(flipped),
                    base,
                    if_exists: false,
                },
                &a.key,
                values,
                a.span,
            );
            // ForAnyValue...IfExists holds on an absent key, so its complement needs presence;
            // ForAllValues already holds on an absent key, IfExists changes nothing.
            Ok(if op.if_exists && set == SetQualifier::ForAnyValue {
                Nnf::And(vec![present(), neg])
            } else {
                neg
            })
        }
    }
}

fn nnf(e: &CondExpr, negated: bool) -> Result<Nnf, LowerError> {
    Ok(match (e, negated) {
        (CondExpr::Const(b), n) => {
            if *b != n {
                Nnf::True
            } else {
                Nnf::False
            }
        }
        (CondExpr::Not(inner), n) => nnf(inner, !n)?,
        (CondExpr::And(xs), false) | (CondExpr::Or(xs), true) => and(xs
            .iter()
            .map(|x| nnf(x, negated))
            .collect::<Result<_, _>>()?),
        (CondExpr::Or(xs), false) | (CondExpr::And(xs), true) => or(xs
            .iter()
            .map(|x| nnf(x, negated))
            .collect::<Result<_, _>>()?),
        (CondExpr::Atom(a), true) => negate(&atom_lit(a))?,
        (CondExpr::Atom(a), false) => positive(atom_lit(a)),
    })
}

/// An atom as IAM entries, without `IfExists` on a set operator. Whether `IfExists` turns
/// `ForAnyValue` into "true when absent" is disputed (AWS users report denials where the
/// general rule, IAM User Guide "Condition operators", says it holds; semantics-pitfalls.md
/// point 5), so `any k? ...` is written as "absent, or any value matches" with `Null: true`
/// in a statement of its own, which means the same under either reading. `ForAllValues`
/// already holds on an absent key, so `IfExists` there changes nothing and is dropped.
fn positive(mut l: Lit) -> Nnf {
    match (l.op.set, l.op.if_exists) {
        (Some(SetQualifier::ForAnyValue), true) => {
            l.op.if_exists = false;
            let absent = lit(
                Operator::plain(BaseOperator::Null),
                &l.key,
                vec!["true".into()],
                l.span,
            );
            Nnf::Or(vec![absent, Nnf::Lit(l)])
        }
        (Some(SetQualifier::ForAllValues), true) => {
            l.op.if_exists = false;
            Nnf::Lit(l)
        }
        _ => Nnf::Lit(l),
    }
}

/// A conjunction with the constants folded away (so `false and ...` never expands).
fn and(xs: Vec<Nnf>) -> Nnf {
    if xs.iter().any(|x| matches!(x, Nnf::False)) {
        return Nnf::False;
    }
    let xs: Vec<Nnf> = xs.into_iter().filter(|x| !matches!(x, Nnf::True)).collect();
    if xs.is_empty() {
        Nnf::True
    } else {
        Nnf::And(xs)
    }
}

/// A disjunction with the constants folded away.
fn or(xs: Vec<Nnf>) -> Nnf {
    if xs.iter().any(|x| matches!(x, Nnf::True)) {
        return Nnf::True;
    }
    let xs: Vec<Nnf> = xs
        .into_iter()
        .filter(|x| !matches!(x, Nnf::False))
        .collect();
    if xs.is_empty() {
        Nnf::False
    } else {
        Nnf::Or(xs)
    }
}

/// An atom's entry, each value once (the JSON lists a value once too).
fn atom_lit(a: &Atom) -> Lit {
    let mut values: Vec<String> = Vec::with_capacity(a.values.len());
    for v in &a.values {
        if !values.contains(&v.node) {
            values.push(v.node.clone());
        }
    }
    Lit {
        op: a.operator,
        key: a.key.node.clone(),
        values,
        span: a.span,
    }
}

/// The DNF of a formula: a list of conjuncts (empty list = false; one empty conjunct = true).
fn dnf(f: &Nnf, limit: usize) -> Result<Vec<Vec<Lit>>, LowerError> {
    Ok(match f {
        Nnf::True => vec![Vec::new()],
        Nnf::False => Vec::new(),
        Nnf::Lit(l) => vec![vec![l.clone()]],
        Nnf::Or(xs) => {
            let mut out = Vec::new();
            for x in xs {
                out.extend(dnf(x, limit)?);
                if out.len() > limit {
                    return Err(LowerError::TooLarge {
                        conjuncts: out.len(),
                    });
                }
            }
            out
        }
        Nnf::And(xs) => {
            let mut acc: Vec<Vec<Lit>> = vec![Vec::new()];
            for x in xs {
                let d = dnf(x, limit)?;
                let n = acc.len().saturating_mul(d.len());
                if n > limit {
                    return Err(LowerError::TooLarge { conjuncts: n });
                }
                let mut next = Vec::with_capacity(n);
                for a in &acc {
                    for b in &d {
                        let mut c = a.clone();
                        c.extend(b.iter().cloned());
                        next.push(c);
                    }
                }
                acc = next;
            }
            acc
        }
    })
}

/// Whether two conjuncts differ only in the values of one positive entry; returns the
/// index of that entry in `a`.
fn joinable(a: &[Lit], b: &[Lit]) -> Option<usize> {
    if a.len() != b.len() {
        return None;
    }
    let mut diff = None;
    for (i, la) in a.iter().enumerate() {
        if b.iter().any(|lb| lb.sort_key() == la.sort_key()) {
            continue;
        }
        if diff.is_some() {
            return None;
        }
        diff = Some(i);
    }
    let i = diff?;
    let la = a.get(i)?;
    // The other conjunct must hold the same test with other values, and everything else equal.
    let lb = b
        .iter()
        .find(|lb| lb.same_test(la) && !a.iter().any(|x| x.sort_key() == lb.sort_key()))?;
    let others_equal = b
        .iter()
        .filter(|x| !std::ptr::eq(*x, lb))
        .all(|x| a.iter().any(|y| y.sort_key() == x.sort_key()));
    // Values OR together only for positive operators outside `ForAllValues`.
    let positive = !la.op.base.is_negated() && la.op.set != Some(SetQualifier::ForAllValues);
    (others_equal && positive && la.same_test(lb)).then_some(i)
}

/// Lowers a condition to its conjuncts, merged and joined. An empty result means the
/// condition never holds; a single empty conjunct means it always does.
pub fn lower_condition(c: &CondExpr, limit: usize) -> Result<Vec<Vec<Lit>>, LowerError> {
    let f = nnf(c, false)?;
    let raw = dnf(&f, limit)?;
    let mut merged: Vec<(Vec<Lit>, Option<LowerError>)> = Vec::new();
    for c in raw {
        match conjunct::normalize(c) {
            Conjunct::Never => {}
            Conjunct::Entries(v) => merged.push((v, None)),
            Conjunct::Inexpressible(v, e) => merged.push((v, Some(e))),
        }
    }
    let merged = absorb(merged);
    // A conjunct IAM cannot write is an error only if it still matters.
    if let Some(e) = merged.iter().find_map(|(_, e)| e.clone()) {
        return Err(e);
    }
    let mut conjuncts: Vec<Vec<Lit>> = merged.into_iter().map(|(c, _)| c).collect();
    join(&mut conjuncts);
    Ok(conjuncts)
}

/// Absorption: a conjunct that contains every entry of another one implies it and adds
/// nothing to the disjunction. Only conjuncts IAM can write absorb others; of equal ones the
/// first stays. Every dropped conjunct implies a kept one (the relation is a strict order,
/// whose minimal elements stay), so the outcome does not depend on the order of the checks.
fn absorb(cs: Vec<(Vec<Lit>, Option<LowerError>)>) -> Vec<(Vec<Lit>, Option<LowerError>)> {
    type Key = (String, String, Vec<String>);
    let keys: Vec<(Vec<Key>, bool)> = cs
        .iter()
        .map(|(c, e)| (c.iter().map(Lit::sort_key).collect(), e.is_none()))
        .collect();
    let absorbed = |i: usize, ki: &[Key]| {
        keys.iter().enumerate().any(|(j, (kj, writable))| {
            j != i
                && *writable
                && kj.iter().all(|k| ki.contains(k))
                && (kj.len() < ki.len() || j < i)
        })
    };
    let drop: Vec<bool> = keys
        .iter()
        .enumerate()
        .map(|(i, (ki, _))| absorbed(i, ki))
        .collect();
    cs.into_iter()
        .zip(drop)
        .filter(|(_, d)| !*d)
        .map(|(c, _)| c)
        .collect()
}

/// Joins conjuncts that differ only in one positive entry's values (`k == "a" or k == "b"`
/// is one `StringEquals: {k: [a, b]}`): values of a positive operator are alternatives.
fn join(conjuncts: &mut Vec<Vec<Lit>>) {
    'again: loop {
        for i in 0..conjuncts.len() {
            for j in (i + 1)..conjuncts.len() {
                let (Some(a), Some(b)) = (conjuncts.get(i), conjuncts.get(j)) else {
                    continue;
                };
                let Some(k) = joinable(a, b) else {
                    continue;
                };
                let other = conjuncts.remove(j);
                if let Some(target) = conjuncts.get_mut(i).and_then(|c| c.get_mut(k)) {
                    if let Some(lb) = other.iter().find(|l| l.same_test(target)) {
                        for v in &lb.values {
                            if !target.values.contains(v) {
                                target.values.push(v.clone());
                            }
                        }
                    }
                }
                continue 'again;
            }
        }
        break;
    }
}

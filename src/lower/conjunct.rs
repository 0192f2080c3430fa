//! One conjunct (the entries of one statement, AND-ed) -> the entries IAM can write.
//!
//! A statement's `Condition` holds one list of values per operator and key, and the values
//! of one list are alternatives (IAM User Guide, "Creating a condition with multiple context
//! keys or values"). Entries of a conjunct that share an operator and key must therefore
//! become one entry that means their conjunction, or the conjunct is inexpressible.
//!
//! Everything is decided per key, from what the entries on that key allow as a whole: an
//! absent key, a present one, and the values a merged entry keeps. Entries are merged in
//! classes (same set qualifier and base operator); the outcome does not depend on the order
//! the entries come in, because every merge is a union or an intersection of value sets,
//! and presence is decided only after every entry of the key has been merged. Whether a
//! conjunct can never hold is decided before IAM's one-list-per-key limit is reported, so a
//! contradiction is dropped (W0405) in every order rather than reported as E0401 in some.
//!
//! Unqualified operators are taken to test single-valued keys (the checker asks for `any` /
//! `all` on a multivalued key, E0322): `StringEquals [a]` and `StringEquals [b]` then mean
//! "one value, both a and b", which is why their values intersect.

use super::cond::{Lit, LowerError};
use crate::policy::{BaseOperator, Operator, SetQualifier};

/// What one conjunct comes to.
pub(super) enum Conjunct {
    /// No request satisfies it.
    Never,
    /// The entries to write, one per operator and key.
    Entries(Vec<Lit>),
    /// It can hold, but two entries share an operator and key and IAM has no single entry for
    /// both. The entries (merged as far as they merge) still mean the conjunct, so a conjunct
    /// that implies another can be absorbed before the error is reported.
    Inexpressible(Vec<Lit>, LowerError),
}

/// Merges a conjunct's entries key by key.
pub(super) fn normalize(conjunct: Vec<Lit>) -> Conjunct {
    let mut keys: Vec<KeyTests> = Vec::new();
    for l in conjunct {
        match keys.iter_mut().find(|k| k.key.eq_ignore_ascii_case(&l.key)) {
            Some(k) => k.add(l),
            None => {
                let mut k = KeyTests::new(&l.key);
                k.add(l);
                keys.push(k);
            }
        }
    }
    let mut out = Vec::new();
    let mut error = None;
    for k in keys {
        match k.finish() {
            Conjunct::Never => return Conjunct::Never,
            Conjunct::Entries(v) => out.extend(v),
            Conjunct::Inexpressible(v, e) => {
                out.extend(v);
                error.get_or_insert(e);
            }
        }
    }
    match error {
        Some(e) => Conjunct::Inexpressible(out, e),
        None => Conjunct::Entries(out),
    }
}

/// Whether an entry holds on a request without its key: `...IfExists` and negated operators
/// do, positive ones do not (IAM User Guide, "Condition operators"); `ForAllValues` does,
/// `ForAnyValue` does not ("Single-valued vs. multivalued context keys"); `IfExists` is
/// applied first (semantics-pitfalls.md, point 5).
fn holds_when_absent(l: &Lit) -> bool {
    if l.op.base == BaseOperator::Null {
        return l.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
    }
    if l.op.if_exists {
        return true;
    }
    match l.op.set {
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => false,
        None => l.op.base.is_negated(),
    }
}

/// Whether the entry's values compare as plain text (or plain booleans), so that two
/// entries' common values are found by comparing the text. `StringEquals` treats `*` as a
/// character; a policy variable could equal anything, and numbers, dates, ARNs and
/// addresses have several spellings of one value.
fn compares_text(l: &Lit) -> bool {
    match l.op.base {
        BaseOperator::Bool => true,
        BaseOperator::StringEquals => !l.values.iter().any(|v| v.contains("${")),
        _ => false,
    }
}

/// How two entries of one class combine into one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Negated operators outside `ForAnyValue`: "none of A" and "none of B" is "none of A
    /// or B" (the values of a negated operator combine as NOR). `IfExists` changes nothing,
    /// since they hold on an absent key anyway.
    Union,
    /// Positive text comparisons, single-valued or under `ForAllValues`: the values both
    /// entries accept.
    Intersect,
    /// Anything else: only equal value lists combine.
    Same,
}

/// The rule two entries combine by, or `None` when they can stay apart: another key, another
/// operator, or `IfExists` on one only where combining them would not be exact (two
/// `StringLike` tests, one with `IfExists`, are two JSON entries and need no merging).
fn rule(a: &Lit, b: &Lit) -> Option<Rule> {
    if !a.key.eq_ignore_ascii_case(&b.key) || a.op.set != b.op.set || a.op.base != b.op.base {
        return None;
    }
    let r = match (a.op.set, a.op.base.is_negated()) {
        (Some(SetQualifier::ForAnyValue), _) => Rule::Same,
        (_, true) => Rule::Union,
        _ if compares_text(a) && compares_text(b) => Rule::Intersect,
        _ => Rule::Same,
    };
    (a.op.if_exists == b.op.if_exists || r != Rule::Same).then_some(r)
}

/// An entry being merged.
#[derive(Clone, Debug)]
struct Entry {
    lit: Lit,
    /// `ForAllValues` with no value left (`all k in [a] and all k in [b]`): holds only when
    /// the key is absent or has no values. `lit.values` keeps one value as a witness.
    none_left: bool,
}

/// What merging two entries of one class gives.
enum Merged {
    One(Entry),
    /// Only a request without the key satisfies both (`k? == "a" and k? == "b"`).
    AbsentOnly,
    /// No request satisfies both.
    Never,
}

fn norm(op: Operator, v: &str) -> String {
    if op.base == BaseOperator::Bool {
        v.to_ascii_lowercase()
    } else {
        v.to_string()
    }
}

fn same_values(a: &Lit, b: &Lit) -> bool {
    let set = |l: &Lit| {
        let mut v: Vec<String> = l.values.iter().map(|x| norm(l.op, x)).collect();
        v.sort();
        v.dedup();
        v
    };
    set(a) == set(b)
}

/// The merge of two entries of one class; `None` for two `Same` entries with different
/// values, which no single entry means.
fn merge(a: &Entry, b: &Entry, r: Rule) -> Option<Merged> {
    // An entry holds on an absent key only if both did.
    let op = Operator {
        if_exists: a.lit.op.if_exists && b.lit.op.if_exists,
        ..a.lit.op
    };
    let with = |values: Vec<String>, none_left: bool| Entry {
        lit: Lit {
            op,
            values,
            ..a.lit.clone()
        },
        none_left,
    };
    Some(match r {
        Rule::Union => {
            let mut v = a.lit.values.clone();
            for x in &b.lit.values {
                if !v.iter().any(|y| norm(op, y) == norm(op, x)) {
                    v.push(x.clone());
                }
            }
            Merged::One(with(v, false))
        }
        Rule::Intersect => {
            // The witness of "no value left" is the least value of either entry, so that it
            // does not depend on the order of the entries.
            let witness = || {
                let least = a.lit.values.iter().chain(&b.lit.values).min();
                least.into_iter().cloned().collect::<Vec<String>>()
            };
            // "Every value is in A" and "every value is in nothing" is "no value".
            if a.none_left || b.none_left {
                return Some(Merged::One(with(witness(), true)));
            }
            let common: Vec<String> = a
                .lit
                .values
                .iter()
                .filter(|x| b.lit.values.iter().any(|y| norm(op, y) == norm(op, x)))
                .cloned()
                .collect();
            if !common.is_empty() {
                Merged::One(with(common, false))
            } else if op.set.is_some() {
                Merged::One(with(witness(), true))
            } else if op.if_exists {
                Merged::AbsentOnly
            } else {
                Merged::Never
            }
        }
        Rule::Same if same_values(&a.lit, &b.lit) => Merged::One(with(a.lit.values.clone(), false)),
        Rule::Same => return None,
    })
}

/// Everything one conjunct says about one key.
struct KeyTests {
    key: String,
    /// Whether an absent key, and a present one, can still satisfy the conjunct.
    absent: bool,
    present: bool,
    /// The first `Null` entry (its spelling and span are reused).
    null: Option<Lit>,
    entries: Vec<Entry>,
}

impl KeyTests {
    fn new(key: &str) -> KeyTests {
        KeyTests {
            key: key.to_string(),
            absent: true,
            present: true,
            null: None,
            entries: Vec::new(),
        }
    }

    fn add(&mut self, l: Lit) {
        if l.op.base == BaseOperator::Null && l.op.set.is_none() {
            // `Null` (which has no `IfExists` form) only says which of absent and present.
            let says = |b: &str| l.values.iter().any(|v| v.eq_ignore_ascii_case(b));
            self.absent &= says("true");
            self.present &= says("false");
            self.null.get_or_insert(l);
            return;
        }
        let mut pending = Entry {
            lit: l,
            none_left: false,
        };
        // Merge with the entry of the same class that combines with this one, until none
        // does. Entries that cannot combine stay side by side; whether that matters is
        // decided in `finish`, once every entry is in.
        loop {
            let found = self.entries.iter().enumerate().find_map(|(i, e)| {
                rule(&e.lit, &pending.lit)
                    .filter(|r| *r != Rule::Same || same_values(&e.lit, &pending.lit))
                    .map(|r| (i, e, r))
            });
            let Some((i, existing, r)) = found else {
                self.entries.push(pending);
                return;
            };
            match merge(existing, &pending, r) {
                Some(Merged::One(m)) => {
                    self.entries.remove(i);
                    pending = m;
                }
                Some(Merged::AbsentOnly) => {
                    self.entries.remove(i);
                    self.present = false;
                    return;
                }
                Some(Merged::Never) => {
                    self.entries.remove(i);
                    self.absent = false;
                    self.present = false;
                    return;
                }
                None => {
                    self.entries.push(pending);
                    return;
                }
            }
        }
    }

    fn finish(self) -> Conjunct {
        if !self.present {
            // Only a request without the key can satisfy the conjunct: it does if every
            // other entry holds on an absent key, and then `Null: true` says it all.
            if !self.absent || !self.entries.iter().all(|e| holds_when_absent(&e.lit)) {
                return Conjunct::Never;
            }
            let span = self
                .null
                .as_ref()
                .map(|n| n.span)
                .or_else(|| self.entries.first().map(|e| e.lit.span))
                .unwrap_or_default();
            return Conjunct::Entries(vec![Lit {
                op: Operator::plain(BaseOperator::Null),
                key: self.null.map_or(self.key, |n| n.key),
                values: vec!["true".into()],
                span,
            }]);
        }
        let mut out: Vec<Lit> = Vec::new();
        if !self.absent {
            if let Some(n) = self.null {
                out.push(Lit {
                    values: vec!["false".into()],
                    ..n
                });
            }
        }
        // Two entries of one class left side by side are one JSON key twice. (Every merge so
        // far was a union or an intersection, so which entries are left does not depend on
        // the order they came in.)
        let mut apart = self.entries.iter().enumerate().find_map(|(i, a)| {
            self.entries
                .iter()
                .skip(i + 1)
                .find(|b| rule(&a.lit, &b.lit).is_some())
                .map(|b| LowerError::Inexpressible {
                    span: b.lit.span,
                    message: format!(
                        "`{}` is tested twice with `{}` in one statement, which IAM cannot express",
                        a.lit.key, a.lit.op
                    ),
                    help: "IAM allows one list of values per operator and key in a statement; combine the tests into one (`in [...]`) or move one into a separate rule".into(),
                })
        });
        let mut witnesses: Vec<Lit> = Vec::new();
        for e in self.entries {
            if e.none_left {
                // No value left: say "every value is w and none is w" with one witness w,
                // which only an absent key or one without values satisfies, under either
                // reading of an empty string (a value, or AWS's null dataset).
                let w: Vec<String> = e.lit.values.iter().take(1).cloned().collect();
                witnesses.push(e.lit.clone());
                out.push(Lit { values: w, ..e.lit });
            } else {
                out.push(e.lit);
            }
        }
        for w in witnesses {
            let Some(value) = w.values.first() else {
                continue;
            };
            let Some(base) = super::cond::twin(w.op.base) else {
                apart.get_or_insert(LowerError::Inexpressible {
                    span: w.span,
                    message: format!(
                        "`{}` is tested with `{}` for lists with no value in common, which IAM cannot express",
                        w.key, w.op
                    ),
                    help: "test the key once".into(),
                });
                continue;
            };
            let twin = Operator {
                set: w.op.set,
                base,
                if_exists: false,
            };
            match out.iter_mut().find(|l| {
                l.op.set == twin.set && l.op.base == base && l.key.eq_ignore_ascii_case(&w.key)
            }) {
                Some(l) => {
                    if !l.values.contains(value) {
                        l.values.push(value.clone());
                    }
                }
                None => out.push(Lit {
                    op: twin,
                    values: vec![value.clone()],
                    ..w
                }),
            }
        }
        match apart {
            Some(e) => Conjunct::Inexpressible(out, e),
            None => Conjunct::Entries(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn lit(op: &str, key: &str, values: &[&str]) -> Lit {
        Lit {
            op: Operator::parse(op).unwrap(),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            span: Span::default(),
        }
    }

    /// The entries as `Operator key [values]` texts, sorted, for every order of the input.
    fn all_orders(entries: &[Lit]) -> Vec<Option<Vec<String>>> {
        let n = entries.len();
        let mut out = Vec::new();
        // Every rotation and its reverse: enough to put each entry first and last.
        for r in 0..n {
            for reverse in [false, true] {
                let mut v: Vec<Lit> = entries.to_vec();
                v.rotate_left(r);
                if reverse {
                    v.reverse();
                }
                out.push(match normalize(v) {
                    Conjunct::Never => None,
                    Conjunct::Entries(es) => {
                        let mut t: Vec<String> = es
                            .iter()
                            .map(|l| {
                                let mut vs = l.values.clone();
                                vs.sort();
                                format!("{} {} {vs:?}", l.op, l.key.to_lowercase())
                            })
                            .collect();
                        t.sort();
                        Some(t)
                    }
                    Conjunct::Inexpressible(..) => Some(vec!["inexpressible".into()]),
                });
            }
        }
        out
    }

    fn same_in_every_order(entries: &[Lit]) -> Option<Vec<String>> {
        let outs = all_orders(entries);
        let first = outs.first().cloned().flatten();
        assert!(outs.iter().all(|o| *o == first), "{outs:?}");
        first
    }

    // The example: `Null: [false, true]` was emitted in one order.
    #[test]
    fn contradictory_presence_is_never_in_any_order() {
        let k = "aws:PrincipalTag/team";
        let c = [
            lit("Null", k, &["false"]),
            lit("StringEqualsIfExists", k, &["dev"]),
            lit("StringEqualsIfExists", k, &["ops"]),
        ];
        assert_eq!(same_in_every_order(&c), None);
        // `not team? == "qa"` is present and not qa.
        let c = [
            lit("StringEqualsIfExists", k, &["dev"]),
            lit("StringEqualsIfExists", k, &["ops"]),
            lit("Null", k, &["false"]),
            lit("StringNotEquals", k, &["qa"]),
        ];
        assert_eq!(same_in_every_order(&c), None);
        // Bool: `exists(mfa) and mfa? and not mfa`.
        let m = "aws:MultiFactorAuthPresent";
        let c = [
            lit("Null", m, &["false"]),
            lit("BoolIfExists", m, &["true"]),
            lit("BoolIfExists", m, &["false"]),
        ];
        assert_eq!(same_in_every_order(&c), None);
    }

    #[test]
    fn absent_only_is_null_true() {
        let k = "k";
        let c = [
            lit("StringEqualsIfExists", k, &["a"]),
            lit("StringEqualsIfExists", k, &["b"]),
            lit("StringNotEquals", k, &["c"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["Null k [\"true\"]".to_string()])
        );
        // ... unless another entry needs the key.
        let c = [
            lit("StringEqualsIfExists", k, &["a"]),
            lit("StringEqualsIfExists", k, &["b"]),
            lit("StringLike", k, &["*"]),
        ];
        assert_eq!(same_in_every_order(&c), None);
    }

    #[test]
    fn negated_values_unite_and_positive_ones_intersect() {
        let c = [
            lit("StringNotEquals", "k", &["a"]),
            lit("StringNotEqualsIfExists", "K", &["b"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["StringNotEquals k [\"a\", \"b\"]".to_string()])
        );
        let c = [
            lit("StringEquals", "k", &["a", "b"]),
            lit("StringEqualsIfExists", "k", &["b", "c"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["StringEquals k [\"b\"]".to_string()])
        );
        // A policy variable could be any value: no intersection by text.
        let c = [
            lit("StringEquals", "k", &["${aws:username}"]),
            lit("StringEquals", "k", &["b"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["inexpressible".to_string()])
        );
        // Two patterns on one key and operator have no single entry...
        let c = [
            lit("StringLike", "k", &["a*"]),
            lit("StringLike", "k", &["*b"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["inexpressible".to_string()])
        );
        // ... unless the key must be absent anyway, or cannot be.
        let c = [
            lit("StringLikeIfExists", "k", &["a*"]),
            lit("StringLikeIfExists", "k", &["*b"]),
            lit("Null", "k", &["true"]),
        ];
        assert_eq!(
            same_in_every_order(&c),
            Some(vec!["Null k [\"true\"]".to_string()])
        );
        let c = [
            lit("StringLike", "k", &["a*"]),
            lit("StringLike", "k", &["*b"]),
            lit("Null", "k", &["true"]),
        ];
        assert_eq!(same_in_every_order(&c), None);
    }

    #[test]
    fn for_all_values_with_nothing_in_common_means_no_values() {
        let c = [
            lit("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
            lit("ForAllValues:StringEquals", "aws:TagKeys", &["b"]),
        ];
        assert_eq!(
            normalize(c.to_vec()).entries().map(|es| es.len()),
            Some(2),
            "every value is w and none is w"
        );
        let c = [
            lit("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
            lit("ForAllValues:StringNotEquals", "aws:TagKeys", &["x"]),
            lit("ForAllValues:StringEquals", "aws:TagKeys", &["b"]),
        ];
        let out = same_in_every_order(&c).unwrap();
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out
            .iter()
            .any(|e| e.starts_with("ForAllValues:StringNotEquals")));
    }

    impl Conjunct {
        fn entries(self) -> Option<Vec<Lit>> {
            match self {
                Conjunct::Entries(v) => Some(v),
                _ => None,
            }
        }
    }
}

//! Canonical JSON for policy documents.
//!
//! Deterministic by construction: keys in a fixed order (`Version`, `Id`, `Statement`;
//! `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`), condition operators
//! and keys sorted by name, values in the order given. A list of one value is written as a
//! plain string, as AWS itself prints policies.

use super::{Condition, Document, Matcher, Principals, Statement};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How to lay the JSON out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Two-space indentation and a final newline; what `iamc build` writes by default.
    Pretty,
    /// No whitespace at all: what IAM counts against its size quotas.
    Minified,
}

/// The document as a JSON value, keys in canonical order.
pub fn to_value(doc: &Document) -> Value {
    let mut top = Map::new();
    if let Some(v) = doc.version {
        top.insert("Version".into(), Value::String(v.as_str().into()));
    }
    if let Some(id) = &doc.id {
        top.insert("Id".into(), Value::String(id.clone()));
    }
    top.insert(
        "Statement".into(),
        Value::Array(doc.statements.iter().map(statement_value).collect()),
    );
    Value::Object(top)
}

/// The document as text.
pub fn to_string(doc: &Document, layout: Layout) -> String {
    let value = to_value(doc);
    match layout {
        Layout::Pretty => {
            let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
            s.push('\n');
            s
        }
        Layout::Minified => serde_json::to_string(&value).unwrap_or_default(),
    }
}

/// The number of characters IAM counts for a document (whitespace ignored).
pub fn size_without_whitespace(doc: &Document) -> usize {
    to_string(doc, Layout::Minified).chars().count()
}

fn one_or_many(values: &[String]) -> Value {
    match values {
        [one] => Value::String(one.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    }
}

fn statement_value(st: &Statement) -> Value {
    let mut m = Map::new();
    if let Some(sid) = &st.sid {
        m.insert("Sid".into(), Value::String(sid.clone()));
    }
    m.insert("Effect".into(), Value::String(st.effect.as_str().into()));
    if let Some(p) = &st.principal {
        let (key, inner) = match p {
            Matcher::Is(p) => ("Principal", p),
            Matcher::Not(p) => ("NotPrincipal", p),
        };
        m.insert(key.into(), principals_value(inner));
    }
    let (key, actions) = match &st.action {
        Matcher::Is(a) => ("Action", a),
        Matcher::Not(a) => ("NotAction", a),
    };
    m.insert(key.into(), one_or_many(actions));
    if let Some(r) = &st.resource {
        let (key, resources) = match r {
            Matcher::Is(r) => ("Resource", r),
            Matcher::Not(r) => ("NotResource", r),
        };
        m.insert(key.into(), one_or_many(resources));
    }
    if !st.conditions.is_empty() {
        m.insert("Condition".into(), conditions_value(&st.conditions));
    }
    Value::Object(m)
}

fn principals_value(p: &Principals) -> Value {
    if p.any {
        return Value::String("*".into());
    }
    let mut m = Map::new();
    for (key, list) in [
        ("AWS", &p.aws),
        ("CanonicalUser", &p.canonical_user),
        ("Federated", &p.federated),
        ("Service", &p.service),
    ] {
        if !list.is_empty() {
            m.insert(key.into(), one_or_many(list));
        }
    }
    Value::Object(m)
}

/// Groups conditions per operator, then per key, as IAM requires. Two entries with the same
/// operator and key would be one JSON key twice; lowering never produces that, and if a
/// caller does, their values are merged in order (which is what the key would mean to a
/// reader of the source, never wider than either entry for a negated operator).
fn conditions_value(conds: &[Condition]) -> Value {
    let mut grouped: BTreeMap<String, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for c in conds {
        let values = grouped
            .entry(c.operator.to_string())
            .or_default()
            .entry(c.key.as_str())
            .or_default();
        for v in &c.values {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
    let mut m = Map::new();
    for (op, keys) in grouped {
        let mut inner = Map::new();
        for (key, values) in keys {
            inner.insert(key.to_string(), one_or_many(&values));
        }
        m.insert(op, Value::Object(inner));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{BaseOperator, Effect, Operator, Version};

    fn mfa_guard() -> Document {
        Document {
            version: Some(Version::V2012_10_17),
            id: None,
            statements: vec![Statement {
                sid: Some("DenyWithoutMfa".into()),
                effect: Effect::Deny,
                principal: None,
                action: Matcher::Not(vec!["sts:GetSessionToken".into()]),
                resource: Some(Matcher::Is(vec!["*".into()])),
                conditions: vec![
                    Condition {
                        operator: Operator::plain(BaseOperator::Bool).if_exists(),
                        key: "aws:ViaAWSService".into(),
                        values: vec!["false".into()],
                    },
                    Condition {
                        operator: Operator::plain(BaseOperator::Bool).if_exists(),
                        key: "aws:MultiFactorAuthPresent".into(),
                        values: vec!["false".into()],
                    },
                ],
            }],
        }
    }

    #[test]
    fn canonical_order_and_grouping() {
        let text = to_string(&mfa_guard(), Layout::Minified);
        assert_eq!(
            text,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyWithoutMfa","Effect":"Deny","NotAction":"sts:GetSessionToken","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}}]}"#
        );
    }

    #[test]
    fn pretty_ends_with_newline_and_is_stable() {
        let a = to_string(&mfa_guard(), Layout::Pretty);
        let b = to_string(&mfa_guard(), Layout::Pretty);
        assert_eq!(a, b);
        assert!(a.ends_with("}\n"));
        assert_eq!(
            size_without_whitespace(&mfa_guard()),
            to_string(&mfa_guard(), Layout::Minified).len()
        );
    }
}

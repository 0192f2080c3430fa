//! A lowered policy document as the value a target writes: the canonical JSON of the
//! `json` target, with each value text cut by [`subst`] and written in the target's way.
//!
//! The value texts are those of `Principal`/`NotPrincipal`, `Action`/`NotAction`,
//! `Resource`/`NotResource` and condition values: exactly the texts the provenance is
//! keyed by. Everything else (`Version`, `Sid`, `Effect`, operators, condition keys) is
//! literal.

use super::hcl;
use super::subst::{self, Seg, Subst};
use crate::analysis::Analysis;
use crate::policy::json;
use serde_json::{Map, Value};

/// How a target writes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A value with deployed parts becomes `{"Fn::Sub": "..."}` (literal `${` escaped as
    /// `${!`); the others stay plain strings, which CloudFormation does not touch.
    CloudFormation,
    /// Every string is an HCL template (literal `${` escaped as `$${`); deployed parts are
    /// interpolations of Terraform data sources.
    Terraform,
}

/// The value of a whole string in the target's way.
pub fn string(segs: &[Seg], style: Style) -> Value {
    match style {
        Style::CloudFormation if subst::has_pseudo(segs) => {
            let mut m = Map::new();
            m.insert("Fn::Sub".into(), Value::String(cfn_sub(segs)));
            Value::Object(m)
        }
        Style::CloudFormation => Value::String(subst::literal(segs)),
        Style::Terraform => Value::String(hcl::template(segs)),
    }
}

/// The string of an `Fn::Sub`: literal `${` escaped as `${!`.
pub fn cfn_sub(segs: &[Seg]) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Lit(t) => t.replace("${", "${!"),
            Seg::Pseudo(p, _) => format!("${{{}}}", cfn_pseudo(*p)),
        })
        .collect()
}

/// The CloudFormation pseudo parameter of a deployed value.
pub fn cfn_pseudo(p: subst::Pseudo) -> &'static str {
    match p {
        subst::Pseudo::AccountId => "AWS::AccountId",
        subst::Pseudo::Region => "AWS::Region",
        subst::Pseudo::Partition => "AWS::Partition",
        subst::Pseudo::UrlSuffix => "AWS::URLSuffix",
    }
}

/// Document `doc` of the analysis, written for `style`.
pub fn value(analysis: &Analysis, doc: usize, subst: &Subst, style: Style) -> Value {
    let Some(lowered) = analysis.documents.get(doc) else {
        return Value::Null;
    };
    let mut top = json::to_value(&lowered.document);
    if let Some(Value::Array(statements)) = top.get_mut("Statement") {
        for (j, st) in statements.iter_mut().enumerate() {
            let Value::Object(m) = st else { continue };
            let leaf = |text: &str| string(&subst::of_value(analysis, doc, j, text, subst), style);
            for (key, v) in m.iter_mut() {
                match key.as_str() {
                    "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Resource"
                    | "NotResource" => map_strings(v, &leaf),
                    "Condition" => {
                        // Operator -> key -> values: only the values are value texts.
                        if let Value::Object(ops) = v {
                            for keys in ops.values_mut() {
                                if let Value::Object(keys) = keys {
                                    keys.values_mut().for_each(|vals| map_strings(vals, &leaf));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if style == Style::Terraform {
        escape_rest(&mut top);
    }
    top
}

/// Replaces every string in `v` (a string, or a list or map of them) by `f` of it.
fn map_strings(v: &mut Value, f: &dyn Fn(&str) -> Value) {
    match v {
        Value::String(s) => *v = f(s),
        Value::Array(items) => items.iter_mut().for_each(|i| map_strings(i, f)),
        Value::Object(m) => m.values_mut().for_each(|i| map_strings(i, f)),
        _ => {}
    }
}

/// Escapes for HCL the map keys of a Terraform document (condition keys may hold
/// `${aws:username}`); the strings are written by [`string`] or hold no `${`.
fn escape_rest(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let entries = std::mem::take(m);
            for (k, mut x) in entries {
                escape_rest(&mut x);
                m.insert(hcl::escape_template(&k), x);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_rest),
        _ => {}
    }
}

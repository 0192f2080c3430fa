//! Terraform's [`Writer`]: every value written as HCL. Names and other strings are quoted
//! HCL expressions (`"app"`, `aws_iam_policy.P.arn`,
//! `"arn:${data.aws_partition.current.partition}:..."`); policy documents are JSON texts
//! for a heredoc, escaped for HCL templates (`$${aws:username}`). The context also lists
//! the `data_sources` the values use.

use super::context::{self, Writer};
use super::deploy::{PolicyRef, Resource, Template};
use super::document::{self, Style};
use super::hcl;
use super::subst::{Pseudo, Seg, Subst};
use crate::analysis::Analysis;
use serde_json::{json, Value};

/// The data sources iamc's values may read.
const DATA_SOURCES: &[&str] = &["aws_caller_identity", "aws_partition", "aws_region"];

struct Tf<'a> {
    analysis: &'a Analysis,
    subst: &'a Subst,
}

impl Writer for Tf<'_> {
    /// The document's pretty JSON, for a heredoc.
    fn document(&self, doc: usize) -> Value {
        let v = document::value(self.analysis, doc, self.subst, Style::Terraform);
        Value::String(serde_json::to_string_pretty(&v).unwrap_or_default())
    }

    fn string(&self, segs: &[Seg]) -> Value {
        Value::String(hcl::quote_template(&hcl::template(segs)))
    }

    fn text(&self, s: &str) -> Value {
        Value::String(hcl::quote(s))
    }

    /// The resource's attribute in the same configuration, built from the policy's name
    /// otherwise.
    fn policy_arn(&self, r: &PolicyRef) -> Value {
        Value::String(match r {
            PolicyRef::Local { name, .. } => format!("aws_iam_policy.{name}.arn"),
            PolicyRef::Remote { name } => hcl::quote_template(&format!(
                "arn:{}:iam::{}:policy/{}",
                hcl::pseudo(Pseudo::Partition),
                hcl::pseudo(Pseudo::AccountId),
                hcl::escape_template(name)
            )),
        })
    }

    fn targets_parameter(&self, r: &Resource) -> String {
        format!("{}_targets", r.name)
    }

    fn subst(&self) -> &Subst {
        self.subst
    }
}

/// The rendering context of one configuration, with the data sources it uses.
pub fn context(t: &Template, analysis: &Analysis, subst: &Subst) -> Value {
    let mut v = context::context(t, analysis, &Tf { analysis, subst });
    let text = v.to_string();
    let used: Vec<&str> = DATA_SOURCES
        .iter()
        .copied()
        .filter(|d| text.contains(&format!("data.{d}.current.")))
        .collect();
    if let Value::Object(m) = &mut v {
        m.insert("data_sources".into(), json!(used));
    }
    v
}

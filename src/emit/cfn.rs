//! CloudFormation's [`Writer`]: policy documents and ARNs as JSON values in which deployed
//! parts are `Fn::Sub` and references are `Ref`, laid out by the templates
//! (`templates/cloudformation/`) through the `yaml` and `json` filters.

use super::context::{self, Writer};
use super::deploy::{PolicyRef, Resource, Scope, Template};
use super::document::{self, Style};
use super::names;
use super::subst::{Seg, Subst};
use crate::analysis::Analysis;
use serde_json::{json, Value};

struct Cfn<'a> {
    analysis: &'a Analysis,
    subst: &'a Subst,
}

impl Writer for Cfn<'_> {
    fn document(&self, doc: usize) -> Value {
        document::value(self.analysis, doc, self.subst, Style::CloudFormation)
    }

    fn string(&self, segs: &[Seg]) -> Value {
        document::string(segs, Style::CloudFormation)
    }

    /// A plain string: templates quote it (`json_encode`).
    fn text(&self, s: &str) -> Value {
        Value::String(s.to_string())
    }

    /// `Ref` in the same template, built from the policy's name otherwise.
    fn policy_arn(&self, r: &PolicyRef) -> Value {
        match r {
            PolicyRef::Local { id, .. } => json!({ "Ref": id }),
            PolicyRef::Remote { name } => json!({
                "Fn::Sub": format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{name}")
            }),
        }
    }

    fn targets_parameter(&self, r: &Resource) -> String {
        names::targets_parameter(&r.id)
    }

    fn subst(&self) -> &Subst {
        self.subst
    }
}

/// The rendering context of one template, with its `description`.
pub fn context(t: &Template, analysis: &Analysis, subst: &Subst) -> Value {
    let mut v = context::context(t, analysis, &Cfn { analysis, subst });
    let description = match t.scope {
        Scope::Account => format!(
            "{}: IAM policies, roles and resource policies (written by iamc)",
            t.group
        ),
        Scope::Organization => format!(
            "{}: service and resource control policies, for the management account (written by iamc)",
            t.group
        ),
    };
    if let Value::Object(m) = &mut v {
        m.insert("description".into(), Value::String(description));
    }
    v
}

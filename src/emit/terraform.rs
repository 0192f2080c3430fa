//! The context the Terraform template (`templates/terraform/main.tf.tera`) is rendered
//! with: the same resources as CloudFormation's, every value already written as HCL. Names
//! and other strings are quoted HCL expressions (`"app"`, `aws_iam_policy.P.arn`,
//! `"arn:${data.aws_partition.current.partition}:..."`); policy documents are JSON texts for
//! a heredoc, escaped for HCL templates (`$${aws:username}`). `data_sources` lists the
//! `data` blocks the values use. docs/terraform.md describes every field.

use super::cfn::comment;
use super::deploy::{Kind, PolicyRef, Resource, Scope, Template};
use super::document::{self, Style};
use super::hcl;
use super::subst::Subst;
use super::target;
use crate::analysis::{Analysis, TargetKind};
use serde_json::{json, Map, Value};

/// The data sources iamc's values may read, and what each gives.
const DATA_SOURCES: &[&str] = &["aws_caller_identity", "aws_partition", "aws_region"];

/// The rendering context of one template.
pub fn context(t: &Template, analysis: &Analysis, subst: &Subst) -> Value {
    let mut c = Context::default();
    for r in &t.resources {
        c.add(r, analysis, subst);
    }
    let mut v = json!({
        "group": t.group,
        "scope": match t.scope { Scope::Account => "account", Scope::Organization => "organization" },
        "variables": c.variables,
        "managed_policies": c.managed_policies,
        "roles": c.roles,
        "organization_policies": c.organization_policies,
        "bucket_policies": c.bucket_policies,
        "queue_policies": c.queue_policies,
        "topic_policies": c.topic_policies,
        "keys": c.keys,
    });
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

#[derive(Default)]
struct Context {
    variables: Vec<Value>,
    managed_policies: Vec<Value>,
    roles: Vec<Value>,
    organization_policies: Vec<Value>,
    bucket_policies: Vec<Value>,
    queue_policies: Vec<Value>,
    topic_policies: Vec<Value>,
    keys: Vec<Value>,
}

/// A managed policy's ARN: the resource's attribute in the same configuration, built from
/// its name otherwise.
fn policy_arn(r: &PolicyRef) -> String {
    match r {
        PolicyRef::Local { name, .. } => format!("aws_iam_policy.{name}.arn"),
        PolicyRef::Remote { name } => hcl::quote_template(&format!(
            "arn:{}:iam::{}:policy/{}",
            hcl::pseudo(super::subst::Pseudo::Partition),
            hcl::pseudo(super::subst::Pseudo::AccountId),
            hcl::escape_template(name)
        )),
    }
}

fn quote_opt(s: Option<&String>) -> Option<String> {
    s.map(|s| hcl::quote(s))
}

impl Context {
    fn add(&mut self, r: &Resource, analysis: &Analysis, subst: &Subst) {
        let doc = |d: usize| {
            let v = document::value(analysis, d, subst, Style::Terraform);
            serde_json::to_string_pretty(&v).unwrap_or_default()
        };
        let common = |extra: Value| {
            let mut m = Map::new();
            m.insert("name".into(), json!(r.name));
            m.insert("quoted_name".into(), json!(hcl::quote(&r.name)));
            m.insert("comment".into(), json!(comment(r.doc.as_deref())));
            if let Value::Object(x) = extra {
                m.extend(x);
            }
            Value::Object(m)
        };
        match &r.kind {
            Kind::ManagedPolicy { document } => self
                .managed_policies
                .push(common(json!({ "document": doc(*document) }))),
            Kind::Role(role) => {
                let inline: Vec<Value> = role
                    .inline
                    .iter()
                    .filter_map(|&d| {
                        let name = analysis.documents.get(d)?.name.clone();
                        Some(json!({ "name": name, "document": doc(d) }))
                    })
                    .collect();
                let managed: Vec<Value> = role
                    .managed
                    .iter()
                    .map(|m| {
                        let name = match m {
                            PolicyRef::Local { name, .. } | PolicyRef::Remote { name } => name,
                        };
                        json!({ "name": name, "arn": policy_arn(m) })
                    })
                    .collect();
                let tags: Vec<Value> = role
                    .tags
                    .iter()
                    .map(|(k, v)| json!({ "key": hcl::quote(k), "value": hcl::quote(v) }))
                    .collect();
                self.roles.push(common(json!({
                    "role_name": quote_opt(role.role_name.as_ref()),
                    "path": quote_opt(role.path.as_ref()),
                    "description": quote_opt(role.description.as_ref()),
                    "max_session_duration": role.max_session_duration,
                    "trust": doc(role.trust),
                    "managed_policies": managed,
                    "boundary": role.boundary.as_ref().map(policy_arn),
                    "inline_policies": inline,
                    "tags": tags,
                })));
            }
            Kind::OrganizationPolicy {
                document,
                scp,
                description,
            } => {
                let variable = format!("{}_targets", r.name);
                let what = if *scp { "SCP" } else { "RCP" };
                self.variables.push(json!({
                    "name": variable,
                    "description": hcl::quote(&format!(
                        "The roots, OUs and accounts (ids) the {what} {} is attached to",
                        r.name
                    )),
                }));
                self.organization_policies.push(common(json!({
                    "type": hcl::quote(if *scp { "SERVICE_CONTROL_POLICY" } else { "RESOURCE_CONTROL_POLICY" }),
                    "description": quote_opt(description.as_ref()),
                    "content": doc(*document),
                    "targets_variable": variable,
                })));
            }
            Kind::ResourcePolicy {
                document,
                target: t,
                description,
            } => {
                let value =
                    target::value(t, subst).map(|s| hcl::quote_template(&hcl::template(&s)));
                let entry = common(json!({
                    "target": value,
                    "document": doc(*document),
                    "description": quote_opt(description.as_ref()),
                }));
                match t.kind {
                    TargetKind::S3Bucket => self.bucket_policies.push(entry),
                    TargetKind::SqsQueue => self.queue_policies.push(entry),
                    TargetKind::SnsTopic => self.topic_policies.push(entry),
                    TargetKind::KmsKey => self.keys.push(entry),
                }
            }
        }
    }
}

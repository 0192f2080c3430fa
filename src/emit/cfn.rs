//! The context the CloudFormation templates (`templates/cloudformation/`) are rendered
//! with: one per [`Template`], listing its resources by kind, every value already written
//! for CloudFormation (policy documents and ARNs as JSON values in which deployed parts are
//! `Fn::Sub` and references are `Ref`). The templates only lay the values out, through the
//! `yaml` and `json` filters. docs/cloudformation.md describes every field.

use super::deploy::{Kind, PolicyRef, Resource, Scope, Template};
use super::document::{self, Style};
use super::names;
use super::subst::{Seg, Subst};
use super::target;
use crate::analysis::{Analysis, TargetKind};
use serde_json::{json, Map, Value};

/// The rendering context of one template.
pub fn context(t: &Template, analysis: &Analysis, subst: &Subst) -> Value {
    let mut c = Context::default();
    for r in &t.resources {
        c.add(r, analysis, subst);
    }
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
    json!({
        "group": t.group,
        "scope": match t.scope { Scope::Account => "account", Scope::Organization => "organization" },
        "description": description,
        "parameters": c.parameters,
        "managed_policies": c.managed_policies,
        "roles": c.roles,
        "organization_policies": c.organization_policies,
        "bucket_policies": c.bucket_policies,
        "queue_policies": c.queue_policies,
        "topic_policies": c.topic_policies,
        "keys": c.keys,
    })
}

#[derive(Default)]
struct Context {
    parameters: Vec<Value>,
    managed_policies: Vec<Value>,
    roles: Vec<Value>,
    organization_policies: Vec<Value>,
    bucket_policies: Vec<Value>,
    queue_policies: Vec<Value>,
    topic_policies: Vec<Value>,
    keys: Vec<Value>,
}

/// The lines of a documentation comment (YAML templates write them as `#` comments).
pub fn comment(doc: Option<&str>) -> Vec<String> {
    doc.map(|d| d.lines().map(|l| l.trim_end().to_string()).collect())
        .unwrap_or_default()
}

/// A string value with deployed parts, for CloudFormation.
fn segs_value(segs: &[Seg]) -> Value {
    document::string(segs, Style::CloudFormation)
}

/// A managed policy's ARN: `Ref` in the same template, built from its name otherwise.
fn policy_arn(r: &PolicyRef) -> Value {
    match r {
        PolicyRef::Local { id, .. } => json!({ "Ref": id }),
        PolicyRef::Remote { name } => json!({
            "Fn::Sub": format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{name}")
        }),
    }
}

impl Context {
    fn add(&mut self, r: &Resource, analysis: &Analysis, subst: &Subst) {
        let doc = |d: usize| document::value(analysis, d, subst, Style::CloudFormation);
        let common = |extra: Value| {
            let mut m = Map::new();
            m.insert("id".into(), json!(r.id));
            m.insert("name".into(), json!(r.name));
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
                let tags: Vec<Value> = role
                    .tags
                    .iter()
                    .map(|(k, v)| json!({ "key": k, "value": v }))
                    .collect();
                self.roles.push(common(json!({
                    "role_name": role.role_name,
                    "path": role.path,
                    "description": role.description,
                    "max_session_duration": role.max_session_duration,
                    "trust": doc(role.trust),
                    "managed_policy_arns": role.managed.iter().map(policy_arn).collect::<Vec<_>>(),
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
                let parameter = names::targets_parameter(&r.id);
                let what = if *scp { "SCP" } else { "RCP" };
                self.parameters.push(json!({
                    "id": parameter,
                    "type": "CommaDelimitedList",
                    "description": format!("The roots, OUs and accounts (ids) the {what} {} is attached to", r.name),
                }));
                self.organization_policies.push(common(json!({
                    "type": if *scp { "SERVICE_CONTROL_POLICY" } else { "RESOURCE_CONTROL_POLICY" },
                    "description": description,
                    "content": doc(*document),
                    "targets_parameter": parameter,
                })));
            }
            Kind::ResourcePolicy {
                document,
                target: t,
                description,
            } => {
                let value = target::value(t, subst).map(|s| segs_value(&s));
                let entry = common(json!({
                    "targets": value.iter().collect::<Vec<_>>(),
                    "target": value,
                    "document": doc(*document),
                    "description": description,
                    "alias_id": names::alias_id(&r.id),
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

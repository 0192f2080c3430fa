//! The context a template is rendered with: the resources of one [`Template`], listed by
//! kind, with every value already written for the target by a [`Writer`] (`cfn` for
//! CloudFormation, `terraform` for Terraform). The shape is the same for every target,
//! so a new target is a template folder and, at most, a writer.
//! docs/cloudformation.md and docs/terraform.md describe every field.

use super::deploy::{Kind, PolicyRef, Resource, Scope, Template};
use super::subst::{Seg, Subst};
use super::target;
use crate::analysis::{Analysis, TargetKind};
use serde_json::{json, Map, Value};

/// How a target writes values.
pub trait Writer {
    /// Policy document `doc` of the analysis.
    fn document(&self, doc: usize) -> Value;
    /// A string with deployed parts (a resource policy's target).
    fn string(&self, segs: &[Seg]) -> Value;
    /// A literal string (a name, a description, a tag).
    fn text(&self, s: &str) -> Value;
    /// The ARN of a managed policy a role attaches.
    fn policy_arn(&self, r: &PolicyRef) -> Value;
    /// The name of the parameter (variable) holding an organization policy's targets.
    fn targets_parameter(&self, r: &Resource) -> String;
    /// What becomes the deployed account, region and partition.
    fn subst(&self) -> &Subst;
}

/// The rendering context of one template: `group`, `scope`, `parameters` and the lists
/// of resources by kind.
pub fn context(t: &Template, analysis: &Analysis, w: &dyn Writer) -> Value {
    let mut c = Lists::default();
    for r in &t.resources {
        c.add(r, analysis, w);
    }
    json!({
        "group": t.group,
        "scope": match t.scope { Scope::Account => "account", Scope::Organization => "organization" },
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

/// The lines of a documentation comment (templates write them as `#` comments).
fn comment(doc: Option<&str>) -> Vec<String> {
    doc.map(|d| d.lines().map(|l| l.trim_end().to_string()).collect())
        .unwrap_or_default()
}

#[derive(Default)]
struct Lists {
    parameters: Vec<Value>,
    managed_policies: Vec<Value>,
    roles: Vec<Value>,
    organization_policies: Vec<Value>,
    bucket_policies: Vec<Value>,
    queue_policies: Vec<Value>,
    topic_policies: Vec<Value>,
    keys: Vec<Value>,
}

impl Lists {
    fn add(&mut self, r: &Resource, analysis: &Analysis, w: &dyn Writer) {
        let text = |s: Option<&String>| s.map(|s| w.text(s));
        let common = |extra: Value| {
            let mut m = Map::new();
            m.insert("id".into(), json!(r.id));
            m.insert("name".into(), json!(r.name));
            m.insert("aws_name".into(), w.text(&r.name));
            m.insert("comment".into(), json!(comment(r.doc.as_deref())));
            if let Value::Object(x) = extra {
                m.extend(x);
            }
            Value::Object(m)
        };
        match &r.kind {
            Kind::ManagedPolicy { document } => self
                .managed_policies
                .push(common(json!({ "document": w.document(*document) }))),
            Kind::Role(role) => {
                let inline: Vec<Value> = role
                    .inline
                    .iter()
                    .filter_map(|&d| {
                        let name = &analysis.documents.get(d)?.name;
                        Some(json!({ "name": name, "aws_name": w.text(name), "document": w.document(d) }))
                    })
                    .collect();
                let managed: Vec<Value> = role
                    .managed
                    .iter()
                    .map(|m| {
                        let name = match m {
                            PolicyRef::Local { name, .. } | PolicyRef::Remote { name } => name,
                        };
                        json!({ "name": name, "arn": w.policy_arn(m) })
                    })
                    .collect();
                let tags: Vec<Value> = role
                    .tags
                    .iter()
                    .map(|(k, v)| json!({ "key": w.text(k), "value": w.text(v) }))
                    .collect();
                self.roles.push(common(json!({
                    "role_name": text(role.role_name.as_ref()),
                    "path": text(role.path.as_ref()),
                    "description": text(role.description.as_ref()),
                    "max_session_duration": role.max_session_duration,
                    "trust": w.document(role.trust),
                    "managed_policies": managed,
                    "boundary": role.boundary.as_ref().map(|b| w.policy_arn(b)),
                    "inline_policies": inline,
                    "tags": tags,
                })));
            }
            Kind::OrganizationPolicy {
                document,
                scp,
                description,
            } => {
                let parameter = w.targets_parameter(r);
                let what = if *scp { "SCP" } else { "RCP" };
                self.parameters.push(json!({
                    "id": parameter,
                    "description": w.text(&format!(
                        "The roots, OUs and accounts (ids) the {what} {} is attached to",
                        r.name
                    )),
                }));
                let kind = if *scp {
                    "SERVICE_CONTROL_POLICY"
                } else {
                    "RESOURCE_CONTROL_POLICY"
                };
                self.organization_policies.push(common(json!({
                    "type": w.text(kind),
                    "description": text(description.as_ref()),
                    "content": w.document(*document),
                    "targets_parameter": parameter,
                })));
            }
            Kind::ResourcePolicy {
                document,
                target: t,
                description,
            } => {
                let value = target::value(t, w.subst()).map(|s| w.string(&s));
                let entry = common(json!({
                    "targets": value.iter().collect::<Vec<_>>(),
                    "target": value,
                    "document": w.document(*document),
                    "description": text(description.as_ref()),
                    "alias_id": super::names::alias_id(&r.id),
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

//! The deployment: what the declarations of an analysis become when they are deployed,
//! independent of the target's syntax.
//!
//! Every `policy` and `boundary` is a managed policy; a `principal` with `trust` is a role
//! (its trust policy, managed policies, boundary, inline policies, tags); every `scp` and
//! `rcp` is an organization policy; a `resource` with `on ARN` is a bucket, queue or topic
//! policy, or a KMS key with its key policy. Resources are grouped into templates: one per
//! project or per module (`[build] per`), and within that one for the account's resources
//! and one for the organization's (SCPs and RCPs are created in the management account
//! once, while the rest is deployed to every account, for example by a StackSet).
//!
//! This is also where the quotas that apply to a role as a whole are checked (E0603,
//! E0604) and where documents with nowhere to go are reported (W0606).

use super::names;
use crate::analysis::{is_description_char, Analysis, ResourceTarget};
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::DocumentKind;
use crate::project::{BuildSettings, Per};
use crate::source::Span;
use std::collections::BTreeMap;

/// IAM's quota on the inline policies of one role, added up, whitespace not counted.
pub const ROLE_INLINE_CHARACTERS: usize = 10_240;

/// Where a template is deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Every account (IAM, resource policies): a stack, or a StackSet instance per account.
    Account,
    /// The organization's management account (SCPs, RCPs).
    Organization,
}

/// One template: the resources of a group (the project or a module) for one scope.
#[derive(Clone, Debug)]
pub struct Template {
    /// The project's name or the module's path.
    pub group: String,
    pub scope: Scope,
    pub resources: Vec<Resource>,
}

impl Template {
    /// The file stem: the group, with `-organization` for the organization's template.
    pub fn stem(&self) -> String {
        match self.scope {
            Scope::Account => self.group.clone(),
            Scope::Organization => format!("{}-organization", self.group),
        }
    }
}

/// One declaration deployed as a resource (and what goes with it).
#[derive(Clone, Debug)]
pub struct Resource {
    /// The CloudFormation logical id (unique in its template).
    pub id: String,
    /// The declared name; the Terraform resource name.
    pub name: String,
    /// The declaration's name in the source.
    pub span: Span,
    /// Its `///` comment, as written.
    pub doc: Option<String>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// `policy` or `boundary`: a customer managed policy named after the declaration.
    ManagedPolicy {
        document: usize,
    },
    Role(Box<Role>),
    /// `scp` or `rcp`, attached to the roots, OUs and accounts the template is given.
    OrganizationPolicy {
        document: usize,
        scp: bool,
        description: Option<String>,
    },
    /// `resource ... on ARN`.
    ResourcePolicy {
        document: usize,
        target: ResourceTarget,
        /// For a KMS key (the only target with a description).
        description: Option<String>,
    },
}

/// A principal with `trust`, deployed as a role.
#[derive(Clone, Debug)]
pub struct Role {
    pub principal: usize,
    pub role_name: Option<String>,
    pub path: Option<String>,
    pub description: Option<String>,
    pub max_session_duration: Option<u32>,
    pub trust: usize,
    pub managed: Vec<PolicyRef>,
    pub boundary: Option<PolicyRef>,
    /// Documents written into the role (their names are the inline policies' names).
    pub inline: Vec<usize>,
    pub tags: Vec<(String, String)>,
}

/// A managed policy a role refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyRef {
    /// In the same template: by its logical id (and Terraform name).
    Local { id: String, name: String },
    /// In another template of the project, deployed to the same account: by its ARN,
    /// which its name gives.
    Remote { name: String },
}

/// The deployment of an analysis, and what building it found to report.
pub fn plan(
    analysis: &Analysis,
    settings: &BuildSettings,
    project: &str,
) -> (Vec<Template>, Vec<Diagnostic>) {
    let mut p = Planner {
        analysis,
        settings,
        project,
        templates: BTreeMap::new(),
        diagnostics: Vec::new(),
        homes: BTreeMap::new(),
    };
    p.documents();
    p.roles();
    let mut templates: Vec<Template> = p.templates.into_values().collect();
    for t in &mut templates {
        names::assign_ids(t, &mut p.diagnostics);
    }
    names::check_role_names(&templates, analysis, &mut p.diagnostics);
    names::check_lengths(&templates, &mut p.diagnostics);
    (templates, p.diagnostics)
}

struct Planner<'a> {
    analysis: &'a Analysis,
    settings: &'a BuildSettings,
    project: &'a str,
    templates: BTreeMap<(String, Scope), Template>,
    diagnostics: Vec<Diagnostic>,
    /// The group each managed policy is deployed in, by document index.
    homes: BTreeMap<usize, String>,
}

impl Planner<'_> {
    /// The group of a declaration of `module`.
    fn group(&self, module: &str) -> String {
        match self.settings.per {
            Per::Project => self.project.to_string(),
            Per::Module => module.to_string(),
        }
    }

    fn push(&mut self, group: String, scope: Scope, r: Resource) {
        self.templates
            .entry((group.clone(), scope))
            .or_insert_with(|| Template {
                group,
                scope,
                resources: Vec::new(),
            })
            .resources
            .push(r);
    }

    /// The roles of the project's principals (not the standard library's).
    fn user_roles(
        &self,
    ) -> impl Iterator<
        Item = (
            usize,
            &crate::analysis::ir::Principal,
            &crate::analysis::Role,
        ),
    > + '_ {
        self.analysis
            .program
            .principals
            .iter()
            .enumerate()
            .filter(|(_, p)| !is_std(&p.module))
            .filter_map(|(i, p)| p.role.as_ref().map(|r| (i, p, r)))
    }

    /// Managed policies, organization policies and resource policies, in source order;
    /// warnings for documents that go nowhere.
    fn documents(&mut self) {
        // A standard-library policy a role attaches is deployed with the project's.
        let mut wanted: Vec<usize> = Vec::new();
        let mut trusts: Vec<usize> = Vec::new();
        let mut inline_only: Vec<usize> = Vec::new();
        let mut attached: Vec<usize> = Vec::new();
        for (_, p, r) in self.user_roles() {
            trusts.push(r.trust);
            attached.extend(p.policies.iter().filter(|d| !r.inline.contains(d)));
            attached.extend(p.boundary);
            inline_only.extend(&r.inline);
        }
        inline_only.retain(|d| !attached.contains(d));
        for (i, doc) in self.analysis.documents.iter().enumerate() {
            if !doc.is_std || attached.contains(&i) {
                wanted.push(i);
            }
        }
        for d in wanted {
            let (Some(lowered), Some(ir)) = (
                self.analysis.documents.get(d),
                self.analysis.program.documents.get(d),
            ) else {
                continue;
            };
            let group = self.group(&lowered.module);
            let resource = |kind| Resource {
                id: String::new(),
                name: lowered.name.clone(),
                span: lowered.span,
                doc: ir.doc.clone(),
                kind,
            };
            match lowered.kind {
                DocumentKind::Identity | DocumentKind::Boundary | DocumentKind::Session => {
                    if inline_only.contains(&d) {
                        continue;
                    }
                    self.homes.insert(d, group.clone());
                    self.push(group, Scope::Account, resource(Kind::ManagedPolicy { document: d }));
                }
                DocumentKind::Scp | DocumentKind::Rcp => {
                    let description =
                        self.description(ir.doc.as_deref(), lowered.span, 512, |_| true);
                    let kind = Kind::OrganizationPolicy {
                        document: d,
                        scp: lowered.kind == DocumentKind::Scp,
                        description,
                    };
                    self.push(group, Scope::Organization, resource(kind));
                }
                DocumentKind::Resource => match &ir.target {
                    Some(target) => {
                        let description = match target.kind {
                            crate::analysis::TargetKind::KmsKey => {
                                self.description(ir.doc.as_deref(), lowered.span, 8192, |_| true)
                            }
                            _ => None,
                        };
                        let kind = Kind::ResourcePolicy {
                            document: d,
                            target: target.clone(),
                            description,
                        };
                        self.push(group, Scope::Account, resource(kind));
                    }
                    None => self.left_out(
                        lowered.span,
                        format!("resource policy `{}` names no resource", lowered.name),
                        format!("say what it is attached to: `resource {} on arn\"arn:aws:s3:::BUCKET\" {{ ... }}`", lowered.name),
                    ),
                },
                DocumentKind::Trust => {
                    if !trusts.contains(&d) {
                        self.left_out(
                            lowered.span,
                            format!("trust policy `{}` is the trust policy of no role", lowered.name),
                            format!("a trust policy is deployed with its role: `principal Role {{ trust: {} }}`", lowered.name),
                        );
                    }
                }
            }
        }
    }

    fn left_out(&mut self, span: Span, what: String, help: String) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::W0606,
                span,
                format!("{what}: it is left out of the deployable templates"),
            )
            .with_help(help),
        );
    }

    /// Roles, with the quotas that apply to a role as a whole.
    fn roles(&mut self) {
        let roles: Vec<(usize, crate::analysis::ir::Principal, crate::analysis::Role)> = self
            .user_roles()
            .map(|(i, p, r)| (i, p.clone(), r.clone()))
            .collect();
        for (i, p, r) in roles {
            let group = self.group(&p.module);
            let managed_docs: Vec<usize> = p
                .policies
                .iter()
                .copied()
                .filter(|d| !r.inline.contains(d))
                .collect();
            self.check_quotas(&p, &r, &managed_docs);
            let managed = managed_docs
                .iter()
                .filter_map(|&d| self.policy_ref(d, &group))
                .collect();
            let boundary = p.boundary.and_then(|d| self.policy_ref(d, &group));
            let explicit = r.description.as_ref().map(|d| d.node.clone());
            let description = match explicit {
                Some(d) => Some(d),
                None => self.description(r.doc.as_deref(), p.name.span, 1000, is_description_char),
            };
            let tags = p
                .context
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("aws:PrincipalTag/")
                        .map(|k| (k.to_string(), v.clone()))
                })
                .collect();
            let role = Role {
                principal: i,
                role_name: r.name.as_ref().map(|n| n.node.clone()),
                path: r.path.as_ref().map(|n| n.node.clone()),
                description,
                max_session_duration: r.max_session_duration.as_ref().map(|s| s.node),
                trust: r.trust,
                managed,
                boundary,
                inline: r.inline.clone(),
                tags,
            };
            self.push(
                group,
                Scope::Account,
                Resource {
                    id: String::new(),
                    name: p.name.node.clone(),
                    span: p.name.span,
                    doc: r.doc.clone(),
                    kind: Kind::Role(Box::new(role)),
                },
            );
        }
    }

    /// How a role in `group` refers to managed policy `d`.
    fn policy_ref(&self, d: usize, group: &str) -> Option<PolicyRef> {
        let name = self.analysis.documents.get(d)?.name.clone();
        Some(match self.homes.get(&d) {
            Some(home) if home == group => PolicyRef::Local {
                id: names::logical_id(&name),
                name,
            },
            _ => PolicyRef::Remote { name },
        })
    }

    fn check_quotas(
        &mut self,
        p: &crate::analysis::ir::Principal,
        r: &crate::analysis::Role,
        managed: &[usize],
    ) {
        let quota = &self.settings.managed_policies_per_role;
        let n = managed.len();
        if n > quota.value as usize {
            let mut d = Diagnostic::new(
                Code::E0603,
                p.name.span,
                format!(
                    "role `{}` has {n} managed policies; IAM attaches at most {} to a role",
                    p.name.node, quota.value
                ),
            )
            .with_help("merge policies or make some `inline_policies`; if the account's quota \"Managed policies per role\" was raised, set `[deploy] managed_policies_per_role` in iamc.toml");
            if quota.span != Span::default() {
                d = d.with_label(quota.span, "the quota, from iamc.toml");
            }
            self.diagnostics.push(d);
        }
        let inline: usize = r
            .inline
            .iter()
            .filter_map(|&d| self.analysis.documents.get(d))
            .map(|d| d.size)
            .sum();
        if inline > ROLE_INLINE_CHARACTERS {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E0604,
                    p.name.span,
                    format!(
                        "the inline policies of role `{}` hold {inline} characters; IAM allows {ROLE_INLINE_CHARACTERS} per role",
                        p.name.node
                    ),
                )
                .with_help("attach some as managed policies (`policies: [...]`), each up to 6,144 characters"),
            );
        }
    }

    /// A documentation comment as an AWS description: lines joined by spaces, within
    /// `max` characters that `allowed` accepts; a warning and `None` otherwise.
    fn description(
        &mut self,
        doc: Option<&str>,
        span: Span,
        max: usize,
        allowed: fn(char) -> bool,
    ) -> Option<String> {
        let text = doc?.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = text.chars().count();
        let why = if n > max {
            format!("{n} characters, more than the {max} AWS accepts")
        } else if let Some(c) = text.chars().find(|&c| !allowed(c)) {
            format!("AWS does not accept `{}` in it", c.escape_debug())
        } else {
            return (!text.is_empty()).then_some(text);
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::W0607,
                span,
                format!("the documentation comment cannot be the AWS description: {why}"),
            )
            .with_help(
                "shorten it or keep to printable ASCII and Latin-1; it is left out of the template",
            ),
        );
        None
    }
}

fn is_std(module: &str) -> bool {
    module == "std" || module.starts_with("std.")
}

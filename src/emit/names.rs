//! Names in deployed templates: CloudFormation logical ids derived from declaration names,
//! and the checks that they (and role names) are unique (E0601) and short enough (E0602).
//!
//! A logical id is the declared name with each `_`-separated part starting with a capital
//! letter and the `_` removed (`deny_leave_org` -> `DenyLeaveOrg`, `PassRoleToEC2` stays):
//! alphanumeric as CloudFormation requires, stable as long as the name is, and readable
//! next to the source. Terraform uses the declared names as they are (they are valid
//! Terraform names).

use super::deploy::{Kind, Resource, Template};
use crate::analysis::{Analysis, TargetKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use std::collections::BTreeMap;

/// CloudFormation's limit on logical ids.
pub const MAX_LOGICAL_ID: usize = 255;
/// IAM's and Organizations' limit on policy names.
pub const MAX_POLICY_NAME: usize = 128;

/// The logical id of a declaration named `name`.
pub fn logical_id(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars);
        }
    }
    out.retain(|c| c.is_ascii_alphanumeric());
    if out.is_empty() {
        out.push('R');
    }
    out
}

/// The parameter holding the targets an organization policy is attached to.
pub fn targets_parameter(id: &str) -> String {
    format!("{id}Targets")
}

/// The alias of a KMS key the template creates.
pub fn alias_id(id: &str) -> String {
    format!("{id}Alias")
}

/// Every id a resource takes in its template: its own, and those of what comes with it.
pub fn ids_of(r: &Resource) -> Vec<String> {
    let mut ids = vec![r.id.clone()];
    match &r.kind {
        Kind::OrganizationPolicy { .. } => ids.push(targets_parameter(&r.id)),
        Kind::ResourcePolicy { target, .. } if target.kind == TargetKind::KmsKey => {
            ids.push(alias_id(&r.id))
        }
        _ => {}
    }
    ids
}

/// Gives each resource of a template its logical id; reports ids taken twice.
pub fn assign_ids(t: &mut Template, diags: &mut Vec<Diagnostic>) {
    let mut taken: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for r in &mut t.resources {
        r.id = logical_id(&r.name);
        for id in ids_of(r) {
            // CloudFormation compares logical ids exactly; AWS resource names compare
            // case-insensitively, and ids become file-system paths in some tools: a
            // difference in case alone is refused too.
            let key = id.to_lowercase();
            if let Some((other, span)) = taken.get(&key) {
                diags.push(
                    Diagnostic::new(
                        Code::E0601,
                        r.span,
                        format!(
                            "`{}` and `{other}` both become `{id}` in the template",
                            r.name
                        ),
                    )
                    .with_label(*span, format!("`{other}` is declared here"))
                    .with_help(
                        "rename one of them; logical ids drop `_` and capitalise the parts between",
                    ),
                );
            } else {
                taken.insert(key, (r.name.clone(), r.span));
            }
        }
    }
}

/// Two roles with one name cannot both exist in an account.
pub fn check_role_names(templates: &[Template], analysis: &Analysis, diags: &mut Vec<Diagnostic>) {
    let mut taken: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for r in templates.iter().flat_map(|t| &t.resources) {
        let Kind::Role(role) = &r.kind else { continue };
        let Some(name) = &role.role_name else {
            continue;
        };
        let span = analysis
            .program
            .principals
            .get(role.principal)
            .and_then(|p| p.role.as_ref())
            .and_then(|r| r.name.as_ref())
            .map_or(r.span, |n| n.span);
        match taken.get(&name.to_lowercase()) {
            Some((other, first)) => diags.push(
                Diagnostic::new(
                    Code::E0601,
                    span,
                    format!("roles `{other}` and `{}` are both named `{name}`", r.name),
                )
                .with_label(*first, "the first role with this name")
                .with_help("IAM role names are unique in an account (case aside); give each role its own `role_name`"),
            ),
            None => {
                taken.insert(name.to_lowercase(), (r.name.clone(), span));
            }
        }
    }
}

/// Names AWS would refuse for their length.
pub fn check_lengths(templates: &[Template], diags: &mut Vec<Diagnostic>) {
    for r in templates.iter().flat_map(|t| &t.resources) {
        let named_policy = matches!(
            r.kind,
            Kind::ManagedPolicy { .. } | Kind::OrganizationPolicy { .. }
        );
        let n = r.name.chars().count();
        if named_policy && n > MAX_POLICY_NAME {
            diags.push(
                Diagnostic::new(
                    Code::E0602,
                    r.span,
                    format!("the policy would be named `{}`: {n} characters, more than the {MAX_POLICY_NAME} AWS accepts", r.name),
                )
                .with_help("give the declaration a shorter name"),
            );
            continue;
        }
        if let Some(long) = ids_of(r).into_iter().find(|id| id.len() > MAX_LOGICAL_ID) {
            diags.push(
                Diagnostic::new(
                    Code::E0602,
                    r.span,
                    format!("the logical id `{long}` has {} characters, more than the {MAX_LOGICAL_ID} CloudFormation accepts", long.len()),
                )
                .with_help("give the declaration a shorter name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_alphanumeric_and_stable() {
        assert_eq!(logical_id("PassRoleToEC2"), "PassRoleToEC2");
        assert_eq!(logical_id("deny_leave_org"), "DenyLeaveOrg");
        assert_eq!(logical_id("_x__y_"), "XY");
        assert_eq!(logical_id("a1_b2"), "A1B2");
        assert_eq!(logical_id("_"), "R");
        assert_eq!(targets_parameter("Guard"), "GuardTargets");
    }
}

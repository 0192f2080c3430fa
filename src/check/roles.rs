//! The role fields of a `principal` declaration: `trust`, `inline_policies`, `role_name`,
//! `path`, `description`, `max_session_duration` -> [`ir::Role`].
//!
//! A principal that names a `trust` policy is a role the deployable targets
//! (CloudFormation, Terraform) create; the other fields describe it and are refused
//! without `trust`. The checks here are IAM's own limits on each field (CreateRole), so
//! a template that checks deploys; quotas over the role as a whole (managed policies
//! attached, inline policy size) are the emitter's, which knows what gets attached.

use super::ir;
use super::types::{conform, Ty, Val};
use super::{Checker, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::DocumentKind;
use crate::source::{Span, Spanned};
use crate::syntax::ast;

/// The role fields of one principal, as read so far.
#[derive(Debug, Default)]
pub(super) struct RoleFields {
    trust: Option<(usize, Span)>,
    /// `trust` was written (even if it names no trust policy: no second error then).
    trust_given: bool,
    inline: Vec<usize>,
    name: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    max_session_duration: Option<Spanned<u32>>,
    /// The first field that only makes sense on a role, for the error without `trust`.
    first: Option<(String, Span)>,
}

/// The shortest and longest `max_session_duration` IAM accepts, in seconds.
const SESSION_SECONDS: std::ops::RangeInclusive<u32> = 3600..=43200;

impl Checker<'_, '_> {
    /// Reads one role field into `role`; `false` when `name` is not a role field.
    pub(super) fn role_field(
        &mut self,
        role: &mut RoleFields,
        f: &ast::Field,
        scope: Scope<'_>,
    ) -> bool {
        let name = f.name.node.as_str();
        match name {
            "trust" => {
                role.trust_given = true;
                role.trust = self
                    .document_of_kind(&f.value, scope, &[DocumentKind::Trust], "a `trust` policy")
                    .map(|d| (d, f.value.span));
                return true;
            }
            "inline_policies" => {
                role.inline = self.documents_of_kind(
                    &f.value,
                    scope,
                    &[DocumentKind::Identity],
                    "a `policy`",
                );
            }
            "role_name" => {
                role.name = self.string_field(f, scope).and_then(|s| {
                    self.role_text(
                        s,
                        64,
                        is_role_name_char,
                        "a role name is 1 to 64 letters, digits and `+=,.@_-`",
                    )
                });
            }
            "path" => {
                role.path = self.string_field(f, scope).and_then(|s| {
                    if is_path(&s.node) {
                        Some(s)
                    } else {
                        self.field_error(
                            s.span,
                            format!("`{}` is not an IAM path", s.node),
                            "a path is `/` or `/` + names + `/` (`/app/`), at most 512 characters",
                        );
                        None
                    }
                });
            }
            "description" => {
                role.description = self.string_field(f, scope).and_then(|s| {
                    self.role_text(
                        s,
                        1000,
                        is_description_char,
                        "a role description is at most 1000 characters: printable ASCII and Latin-1, tabs and line breaks",
                    )
                });
            }
            "max_session_duration" => {
                role.max_session_duration = self.seconds_field(f, scope);
            }
            _ => return false,
        }
        if role.first.is_none() {
            role.first = Some((name.to_string(), f.name.span));
        }
        true
    }

    /// The role the fields describe, once every field of `p` is read: `None` without
    /// `trust` (the fields that need it are errors then). A role `arn` gives the name and
    /// path when the fields do not, and must agree with them when they do.
    pub(super) fn finish_role(
        &mut self,
        role: RoleFields,
        p: &ast::PrincipalDecl,
        arn: Option<&Spanned<String>>,
    ) -> Option<ir::Role> {
        let Some((trust, _)) = role.trust else {
            if let (Some((field, span)), false) = (role.first, role.trust_given) {
                self.field_error(
                    span,
                    format!("`{field}` needs `trust`: only a principal with a trust policy is deployed as a role"),
                    "name the role's trust policy: `trust: SomeTrust`",
                );
            }
            return None;
        };
        let mut name = role.name;
        let mut path = role.path;
        if let Some(arn) = arn {
            match role_arn_parts(&arn.node) {
                Some((arn_path, arn_name)) => {
                    self.agree(&mut name, arn_name, arn.span, "role name");
                    self.agree(&mut path, arn_path, arn.span, "path");
                }
                None if !arn.node.contains(['*', '?', '$']) => self.field_error(
                    arn.span,
                    format!("`{}` is not a role ARN", arn.node),
                    "a principal with `trust` is a role: `arn:aws:iam::ACCOUNT:role/NAME`",
                ),
                None => {}
            }
        }
        Some(ir::Role {
            trust,
            inline: role.inline,
            name,
            path,
            description: role.description,
            doc: p.doc.as_ref().map(|d| d.node.clone()),
            max_session_duration: role.max_session_duration,
        })
    }

    /// Takes `derived` (from the role ARN) where the field is not given; reports a field
    /// that disagrees with it.
    fn agree(
        &mut self,
        field: &mut Option<Spanned<String>>,
        derived: String,
        arn: Span,
        what: &str,
    ) {
        match field {
            Some(given) if given.node != derived => {
                let d = Diagnostic::new(
                    Code::E0326,
                    given.span,
                    format!(
                        "the {what} `{}` is not the one in the role's `arn` (`{derived}`)",
                        given.node
                    ),
                )
                .with_label(arn, "the role's ARN")
                .with_help("give the same name in both, or leave this field out");
                self.err(d);
            }
            Some(_) => {}
            None => *field = Some(Spanned::new(derived, arn)),
        }
    }

    /// The document a field names, if it is of one of `kinds` (`what` says which, for
    /// the error).
    fn document_of_kind(
        &mut self,
        e: &ast::Expr,
        scope: Scope<'_>,
        kinds: &[DocumentKind],
        what: &str,
    ) -> Option<usize> {
        let d = self.document_ref(e, scope)?;
        self.kind_is(d, e.span, kinds, what).then_some(d)
    }

    fn documents_of_kind(
        &mut self,
        e: &ast::Expr,
        scope: Scope<'_>,
        kinds: &[DocumentKind],
        what: &str,
    ) -> Vec<usize> {
        let items: Vec<&ast::Expr> = match &e.kind {
            ast::ExprKind::List(items) => items.iter().collect(),
            _ => vec![e],
        };
        items
            .into_iter()
            .filter_map(|i| self.document_of_kind(i, scope, kinds, what))
            .collect()
    }

    /// Whether document `d` is of one of `kinds`; reports it otherwise.
    pub(super) fn kind_is(
        &mut self,
        d: usize,
        span: Span,
        kinds: &[DocumentKind],
        what: &str,
    ) -> bool {
        let Some(doc) = self.program.documents.get(d) else {
            return false;
        };
        if kinds.contains(&doc.kind) {
            return true;
        }
        let kind = doc.kind.name();
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let msg = format!("`{}` is {article} {kind}, not {what}", doc.name.node);
        self.field_error(span, msg, format!("name {what} here"));
        false
    }

    fn string_field(&mut self, f: &ast::Field, scope: Scope<'_>) -> Option<Spanned<String>> {
        let v = self.eval_expr(&f.value, scope, Some(&Ty::String))?;
        match conform(&v, &Ty::String) {
            Ok(v) => match v.val {
                Val::Str(s) => Some(Spanned::new(s, v.span)),
                _ => None,
            },
            Err(e) => {
                self.mismatch(e);
                None
            }
        }
    }

    fn seconds_field(&mut self, f: &ast::Field, scope: Scope<'_>) -> Option<Spanned<u32>> {
        let v = self.eval_expr(&f.value, scope, Some(&Ty::Number))?;
        let v = match conform(&v, &Ty::Number) {
            Ok(v) => v,
            Err(e) => {
                self.mismatch(e);
                return None;
            }
        };
        let seconds = match &v.val {
            Val::Num(n) => n.parse::<u32>().ok(),
            _ => None,
        };
        match seconds {
            Some(s) if SESSION_SECONDS.contains(&s) => Some(Spanned::new(s, v.span)),
            _ => {
                self.field_error(
                    v.span,
                    "`max_session_duration` is a whole number of seconds from 3600 to 43200",
                    "one to twelve hours: `max_session_duration: 3600`",
                );
                None
            }
        }
    }

    /// A name or description within IAM's length and character limits.
    fn role_text(
        &mut self,
        s: Spanned<String>,
        max: usize,
        allowed: fn(char) -> bool,
        help: &str,
    ) -> Option<Spanned<String>> {
        let n = s.node.chars().count();
        let bad = s.node.chars().find(|&c| !allowed(c));
        let msg = match (n, bad) {
            (0, _) if max == 64 => "a role name cannot be empty".to_string(),
            (n, _) if n > max => format!("{n} characters, more than the {max} IAM accepts"),
            (_, Some(c)) => format!("IAM does not accept `{}` here", c.escape_debug()),
            _ => return Some(s),
        };
        self.field_error(s.span, msg, help);
        None
    }

    fn field_error(&mut self, span: Span, msg: impl Into<String>, help: impl Into<String>) {
        self.err(Diagnostic::new(Code::E0326, span, msg).with_help(help));
    }
}

/// `[\w+=,.@-]`: the characters of a role name.
fn is_role_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// Printable ASCII and Latin-1, tab and line breaks: what IAM accepts in a role's
/// description.
pub fn is_description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}')
}

/// `/` or `/a/b/`: printable ASCII without spaces between slashes, at most 512
/// characters.
fn is_path(p: &str) -> bool {
    p.len() <= 512
        && p.starts_with('/')
        && p.ends_with('/')
        && p.chars().all(|c| ('\u{21}'..='\u{7E}').contains(&c))
}

/// The path and name of a role ARN (`arn:aws:iam::1:role/app/dev` -> `/app/`, `dev`);
/// `None` for other ARNs and for ARNs with wildcards or policy variables.
pub fn role_arn_parts(arn: &str) -> Option<(String, String)> {
    if arn.contains(['*', '?', '$']) {
        return None;
    }
    let Some(["arn", _, "iam", "", _, resource]) = super::attach::arn_fields(arn) else {
        return None;
    };
    let rest = resource.strip_prefix("role/")?;
    let (dirs, name) = match rest.rsplit_once('/') {
        Some((dirs, name)) => (format!("/{dirs}/"), name),
        None => ("/".to_string(), rest),
    };
    (!name.is_empty() && name.chars().all(is_role_name_char) && is_path(&dirs))
        .then(|| (dirs, name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_give_path_and_name() {
        let parts = |a: &str| role_arn_parts(a);
        assert_eq!(
            parts("arn:aws:iam::123412341234:role/app"),
            Some(("/".into(), "app".into()))
        );
        assert_eq!(
            parts("arn:aws:iam::123412341234:role/team/app/dev"),
            Some(("/team/app/".into(), "dev".into()))
        );
        assert_eq!(parts("arn:aws:iam::123412341234:user/app"), None);
        assert_eq!(parts("arn:aws:iam::123412341234:role/app-*"), None);
        assert_eq!(parts("arn:aws:s3:::role/x"), None);
        assert_eq!(parts("arn:aws:iam::1:role/"), None);
    }

    #[test]
    fn paths_and_descriptions() {
        assert!(is_path("/"));
        assert!(is_path("/app/dev/"));
        assert!(!is_path("app/"));
        assert!(!is_path("/a b/"));
        assert!(is_description_char('é'));
        assert!(!is_description_char('—'));
    }
}

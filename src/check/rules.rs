//! One `allow`/`deny` rule -> an IR rule, with the rules of its document kind:
//! principals only (and always) in trust, resource and resource control policies, no
//! resources in trust policies, `from not` only with `deny`, RCPs deny-only from `*`.

use super::types::{conform, SVal, Ty, Val};
use super::{ir, Checker, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::{DocumentKind, Effect, Matcher};
use crate::source::{Span, Spanned};
use crate::syntax::ast;

/// What the rule is being checked for.
pub(super) struct DocCtx {
    /// `None` while a template is checked at its definition: the rules of a document kind
    /// are then left to the template's uses.
    pub kind: Option<DocumentKind>,
}

impl Checker<'_, '_> {
    /// Checks one rule; with a document kind, builds its IR (with the provenance of its
    /// values).
    pub(super) fn check_rule(
        &mut self,
        rule: &ast::Rule,
        scope: Scope<'_>,
        ctx: &DocCtx,
        origin: ir::RuleOrigin,
    ) -> Option<ir::Rule> {
        let outer = self.provenance.replace(ir::Provenance::default());
        let checked = self.rule_ir(rule, scope, ctx, origin);
        let provenance = std::mem::replace(&mut self.provenance, outer).unwrap_or_default();
        checked.map(|r| ir::Rule { provenance, ..r })
    }

    fn rule_ir(
        &mut self,
        rule: &ast::Rule,
        scope: Scope<'_>,
        ctx: &DocCtx,
        origin: ir::RuleOrigin,
    ) -> Option<ir::Rule> {
        let before = self.diags.iter().filter(|d| d.is_error()).count();
        let effect = match rule.effect.node {
            ast::RuleEffect::Allow => Effect::Allow,
            ast::RuleEffect::Deny => Effect::Deny,
        };
        let Some(kind) = ctx.kind else {
            return self.check_rule_shape(rule, scope, effect);
        };
        self.check_sid(rule);
        if kind == DocumentKind::Rcp {
            if effect == Effect::Allow {
                self.err(
                    Diagnostic::new(Code::E0315, rule.effect.span, "a resource control policy cannot allow")
                        .with_help("RCPs only restrict: AWS attaches `RCPFullAWSAccess` for the allow; write `deny`"),
                );
            }
            if let Some(not) = rule.actions.not {
                self.err(
                    Diagnostic::new(
                        Code::E0317,
                        not,
                        "a resource control policy cannot use `not` actions",
                    )
                    .with_help("list the denied actions (`NotAction` is an RCP syntax error)"),
                );
            }
        }

        let actions = self.actions(&rule.actions, scope);

        let principals = match (&rule.principals, kind.has_principal()) {
            (None, true) => {
                self.err(
                    Diagnostic::new(Code::E0310, rule.effect.span, format!("a statement of {} {} needs `from`", article(kind.name()), kind.name()))
                        .with_help(match kind {
                            DocumentKind::Rcp => "resource control policies apply to everyone: add `from *`",
                            DocumentKind::Trust => "say who may assume the role: `from account(...)`, `from service(\"...\")`, `from arn\"...\"`",
                            _ => "say whom the statement applies to: `from arn\"...\"`, `from account(...)` or `from *`",
                        }),
                );
                None
            }
            (Some(clause), false) => {
                self.err(
                    Diagnostic::new(
                        Code::E0311,
                        clause.span,
                        format!("{} {} has no principals", article(kind.name()), kind.name()),
                    )
                    .with_help(
                        "remove `from ...`: the policy applies to the identity it is attached to",
                    ),
                );
                None
            }
            (None, false) => None,
            (Some(clause), true) => self.principal_clause(clause, scope, effect, kind),
        };

        let resources = match (&rule.resources, kind.has_resource()) {
            (Some(clause), false) => {
                self.err(
                    Diagnostic::new(Code::E0312, clause.span, "a trust policy has no resources")
                        .with_help("the resource is the role itself; remove `on ...`"),
                );
                None
            }
            (None, true) => {
                self.err(
                    Diagnostic::new(Code::E0313, rule.effect.span, "this statement needs `on`")
                        .with_help("write `on *` for every resource, or name the ARNs"),
                );
                None
            }
            (None, false) => None,
            (Some(clause), true) => self.resource_clause(clause, scope),
        };

        let condition = match &rule.condition {
            Some(c) => self.condition(c, scope, Some(effect)),
            None => None,
        };
        let after = self.diags.iter().filter(|d| d.is_error()).count();
        if after > before {
            return None;
        }
        let condition = match (&rule.condition, condition) {
            (Some(_), None) => return None,
            (_, c) => c,
        };
        let checked = ir::Rule {
            sid: rule.sid.clone(),
            effect,
            actions: actions?,
            principals,
            resources,
            condition,
            origin,
            provenance: ir::Provenance::default(),
            span: rule.span,
        };
        if kind == DocumentKind::Trust {
            self.check_trust_rule(&checked);
        }
        Some(checked)
    }

    fn check_sid(&mut self, rule: &ast::Rule) {
        if let Some(sid) = &rule.sid {
            if sid.node.is_empty() || !sid.node.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.err(
                    Diagnostic::new(Code::E0309, sid.span, format!("statement id `{}` is not alphanumeric", sid.node))
                        .with_help("IAM accepts only ASCII letters and digits in `Sid` for every policy type; remove other characters"),
                );
            }
        }
    }

    /// A rule of a template at its definition: every clause's values and the condition,
    /// without the rules of a document kind. Produces no IR.
    fn check_rule_shape(
        &mut self,
        rule: &ast::Rule,
        scope: Scope<'_>,
        effect: Effect,
    ) -> Option<ir::Rule> {
        self.check_sid(rule);
        self.actions(&rule.actions, scope);
        if let Some(clause) = &rule.principals {
            // `Identity` carries none of the RCP-only principal rules.
            self.principal_clause(clause, scope, effect, DocumentKind::Identity);
        }
        if let Some(clause) = &rule.resources {
            self.resource_clause(clause, scope);
        }
        if let Some(c) = &rule.condition {
            self.condition(c, scope, Some(effect));
        }
        None
    }

    /// Evaluates a list clause's items, flattened and conformed to `ty`.
    fn clause_values(
        &mut self,
        items: &[ast::Expr],
        scope: Scope<'_>,
        ty: &Ty,
        span: Span,
        what: &str,
    ) -> Option<Vec<SVal>> {
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            let Some(v) = self.eval_expr(item, scope, Some(ty)) else {
                ok = false;
                continue;
            };
            for v in v.flatten() {
                match conform(&v, ty) {
                    Ok(v) => out.push(v),
                    Err(e) => {
                        self.mismatch(e);
                        ok = false;
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        if out.is_empty() {
            self.err(
                Diagnostic::new(Code::E0328, span, format!("no {what} here")).with_help(format!(
                    "IAM rejects an empty list of {what}; name at least one"
                )),
            );
            return None;
        }
        Some(out)
    }

    fn actions(
        &mut self,
        clause: &ast::Clause<ast::Expr>,
        scope: Scope<'_>,
    ) -> Option<Matcher<Vec<Spanned<String>>>> {
        self.text_clause(clause, scope, &Ty::ActionPattern, "actions")
    }

    fn resource_clause(
        &mut self,
        clause: &ast::Clause<ast::Expr>,
        scope: Scope<'_>,
    ) -> Option<Matcher<Vec<Spanned<String>>>> {
        self.text_clause(clause, scope, &Ty::ArnPattern, "resources")
    }

    /// An action or resource clause: its items checked as `ty`, kept as text, negated or not.
    fn text_clause(
        &mut self,
        clause: &ast::Clause<ast::Expr>,
        scope: Scope<'_>,
        ty: &Ty,
        what: &str,
    ) -> Option<Matcher<Vec<Spanned<String>>>> {
        let vals = self.clause_values(&clause.items, scope, ty, clause.span, what)?;
        for v in &vals {
            if let Some(t) = v.val.text() {
                self.note_provenance(&t, &v.pieces);
            }
        }
        let list = texts(vals);
        Some(if clause.is_negated() {
            Matcher::Not(list)
        } else {
            Matcher::Is(list)
        })
    }

    fn principal_clause(
        &mut self,
        clause: &ast::Clause<ast::PrincipalExpr>,
        scope: Scope<'_>,
        effect: Effect,
        kind: DocumentKind,
    ) -> Option<Matcher<Vec<Spanned<ir::PrincipalValue>>>> {
        if let (Some(not), Effect::Allow) = (clause.not, effect) {
            self.err(
                Diagnostic::new(Code::E0314, not, "`from not` (IAM's `NotPrincipal`) only works with `deny`")
                    .with_help("AWS does not support `NotPrincipal` with `Allow`; name the principals to allow"),
            );
            return None;
        }
        let mut out: Vec<Spanned<ir::PrincipalValue>> = Vec::new();
        let mut ok = true;
        for p in &clause.items {
            let (expr, ty, wrap): (&ast::Expr, Ty, fn(String) -> ir::PrincipalValue) = match &p.kind
            {
                ast::PrincipalKind::Any => {
                    out.push(Spanned::new(ir::PrincipalValue::Any, p.span));
                    continue;
                }
                ast::PrincipalKind::Account(e) => (e, Ty::AccountId, |s| {
                    ir::PrincipalValue::Aws(super::types::account_root(&s))
                }),
                ast::PrincipalKind::Service(e) => (e, Ty::String, ir::PrincipalValue::Service),
                ast::PrincipalKind::Federated(e) => (e, Ty::String, ir::PrincipalValue::Federated),
                ast::PrincipalKind::CanonicalUser(e) => {
                    (e, Ty::String, ir::PrincipalValue::CanonicalUser)
                }
                ast::PrincipalKind::Arn(e) => (e, Ty::Principal, |s| ir::PrincipalValue::Aws(s)),
            };
            // A federated provider may be named by its ARN: an `Arn` value is as welcome as a
            // `String`, which the conversion below decides.
            let want = match p.kind {
                ast::PrincipalKind::Federated(_) => None,
                _ => Some(&ty),
            };
            let Some(v) = self.eval_expr(expr, scope, want) else {
                ok = false;
                continue;
            };
            for v in v.flatten() {
                // A federated provider may be named by its ARN.
                let v = match (&ty, &v.val) {
                    (Ty::String, Val::Arn(a))
                        if matches!(p.kind, ast::PrincipalKind::Federated(_)) =>
                    {
                        SVal {
                            pieces: v.pieces.clone(),
                            ..SVal::new(Val::Str(a.clone()), v.span)
                        }
                    }
                    // The same inside a template, where the ARN is not known yet.
                    (Ty::String, Val::Sym(Ty::Arn | Ty::ArnPattern))
                        if matches!(p.kind, ast::PrincipalKind::Federated(_)) =>
                    {
                        SVal::new(Val::Sym(Ty::String), v.span)
                    }
                    _ => v,
                };
                match conform(&v, &ty) {
                    Ok(SVal {
                        val: Val::Principal(pv),
                        span,
                        ..
                    }) => {
                        if let Some(t) = principal_text(&pv) {
                            self.note_provenance(t, &v.pieces_in(t));
                        }
                        out.push(Spanned::new(pv, span))
                    }
                    Ok(conformed) => match conformed.val.text() {
                        Some(t)
                            if matches!(p.kind, ast::PrincipalKind::Service(_))
                                && !is_service_principal(&t) =>
                        {
                            self.err(
                                Diagnostic::new(
                                    Code::E0302,
                                    conformed.span,
                                    format!("`{t}` is not an AWS service principal"),
                                )
                                .with_help("a service principal is the service's DNS name, like `ec2.amazonaws.com`; name accounts with `account(...)` and roles or users by their ARN"),
                            );
                            ok = false;
                        }
                        Some(t) => {
                            let pv = wrap(t);
                            if let Some(t) = principal_text(&pv) {
                                self.note_provenance(t, &conformed.pieces_in(t));
                            }
                            out.push(Spanned::new(pv, conformed.span))
                        }
                        None => ok = false,
                    },
                    Err(e) => {
                        self.mismatch(e);
                        ok = false;
                    }
                }
            }
        }
        // IAM User Guide, "Principal": no partial wildcards (`user/*`, `*.amazonaws.com`);
        // only `*` alone. AWS rejects such a document, so iamc does too.
        for pv in &out {
            let text = match &pv.node {
                ir::PrincipalValue::Any => continue,
                ir::PrincipalValue::Aws(t)
                | ir::PrincipalValue::Service(t)
                | ir::PrincipalValue::Federated(t)
                | ir::PrincipalValue::CanonicalUser(t) => t,
            };
            if text != "*" && text.contains(['*', '?']) {
                self.err(
                    Diagnostic::new(
                        Code::E0329,
                        pv.span,
                        format!("`{text}` has a wildcard, which IAM does not allow in a principal"),
                    )
                    .with_help("name each principal exactly, or allow `from *` and narrow it with a condition such as `aws:PrincipalArn like \"arn:aws:iam::111122223333:user/*\"`"),
                );
                ok = false;
            }
        }
        // IAM User Guide, "Principal": what each slot accepts.
        for pv in &out {
            if let Some((message, help)) = super::trust::principal_problem(&pv.node) {
                self.err(Diagnostic::new(Code::E0336, pv.span, message).with_help(help));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        if kind == DocumentKind::Rcp
            && !(out.len() == 1
                && out.iter().all(|p| p.node == ir::PrincipalValue::Any)
                && clause.not.is_none())
        {
            self.err(
                Diagnostic::new(
                    Code::E0316,
                    clause.span,
                    "a resource control policy applies to `from *` only",
                )
                .with_help(
                    "write `from *` and narrow with a condition such as `aws:PrincipalAccount`",
                ),
            );
            return None;
        }
        Some(if clause.is_negated() {
            Matcher::Not(out)
        } else {
            Matcher::Is(out)
        })
    }
}

/// The text a principal value is written as in a statement.
fn principal_text(pv: &ir::PrincipalValue) -> Option<&str> {
    match pv {
        ir::PrincipalValue::Any => None,
        ir::PrincipalValue::Aws(t)
        | ir::PrincipalValue::Service(t)
        | ir::PrincipalValue::Federated(t)
        | ir::PrincipalValue::CanonicalUser(t) => Some(t),
    }
}

/// A service principal as AWS names them: a DNS name under `amazonaws.com`
/// (`.cn` in China), or `amazon.com` for a few older ones (`alexa-appkit.amazon.com`).
/// Policy variables are left to IAM.
pub(super) fn is_service_principal(text: &str) -> bool {
    if text.contains("${") {
        return true;
    }
    let Some(name) = ["amazonaws.com", "amazonaws.com.cn", "amazon.com"]
        .iter()
        .find_map(|d| text.strip_suffix(d).and_then(|h| h.strip_suffix('.')))
    else {
        return false;
    };
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn texts(vals: Vec<SVal>) -> Vec<Spanned<String>> {
    vals.into_iter()
        .filter_map(|v| v.val.text().map(|t| Spanned::new(t, v.span)))
        .collect()
}

/// `a` or `an` before a document kind's name.
pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::is_service_principal;

    #[test]
    fn service_principals() {
        assert!(is_service_principal("ec2.amazonaws.com"));
        assert!(is_service_principal("delivery.logs.amazonaws.com"));
        assert!(is_service_principal("ec2.amazonaws.com.cn"));
        assert!(is_service_principal("alexa-appkit.amazon.com"));
        assert!(!is_service_principal("ec2.amazonaw.com"));
        assert!(!is_service_principal("ec2"));
        assert!(!is_service_principal("amazonaws.com"));
        assert!(!is_service_principal("arn:aws:iam::111122223333:root"));
        assert!(!is_service_principal("ec2.amazonaws.com/x"));
    }
}

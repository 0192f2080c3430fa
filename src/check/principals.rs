//! `principal` and `prove` declarations -> IR (deciding proofs is the prover's job).

use super::ir;
use super::roles::RoleFields;
use super::types::{conform, Ty, Val};
use super::{Checker, Scope};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::policy::Matcher;
use crate::resolve::ItemRef;
use crate::source::{Span, Spanned};
use crate::syntax::ast;

/// The fields a `principal` declaration takes (the language server completes them).
pub const FIELDS: &[&str] = &[
    "arn",
    "account",
    "policies",
    "boundary",
    "session",
    "scps",
    "rcps",
    "resource",
    "tags",
    // The role a deployable target creates (see `roles`).
    "trust",
    "inline_policies",
    "role_name",
    "path",
    "description",
    "max_session_duration",
];

impl Checker<'_, '_> {
    /// The index of the document a name refers to.
    pub(super) fn document_ref(&mut self, e: &ast::Expr, scope: Scope<'_>) -> Option<usize> {
        let ast::ExprKind::Name(path) = &e.kind else {
            self.err(
                Diagnostic::new(Code::E0326, e.span, "expected the name of a document")
                    .with_help("name a `policy`, `boundary`, `scp`, ... declared or imported here"),
            );
            return None;
        };
        let b = self.res.lookup_path(scope.module, path);
        if let Some(b) = b {
            self.refer_binding(path.span, b);
        } else if self.res.excused(scope.module, &path.dotted()) {
            return None;
        }
        match b.and_then(|b| self.doc_index.get(&b.target).copied()) {
            Some(i) => Some(i),
            None => {
                let msg = match b {
                    Some(_) => format!("`{}` is not a document", path.dotted()),
                    None => format!("unknown document `{}`", path.dotted()),
                };
                let mut d = Diagnostic::new(
                    if b.is_some() {
                        Code::E0326
                    } else {
                        Code::E0201
                    },
                    path.span,
                    msg,
                );
                let docs = self
                    .res
                    .names_in_scope_where(scope.module, |b| self.doc_index.contains_key(&b.target));
                let from_std = b.is_none().then(|| {
                    self.std_import(scope.module, &path.dotted(), |i| {
                        matches!(i, ast::Item::Document(_))
                    })
                });
                if let Some((help, at, text)) = from_std.flatten() {
                    d = d.with_help(help).with_fix(at, text);
                } else if let Some(s) = suggest::closest(&path.dotted(), docs) {
                    d = d
                        .with_help(format!("did you mean `{s}`?"))
                        .with_fix(path.span, s);
                }
                self.err(d);
                None
            }
        }
    }

    pub(super) fn document_list(&mut self, e: &ast::Expr, scope: Scope<'_>) -> Vec<usize> {
        match &e.kind {
            ast::ExprKind::List(items) => items
                .iter()
                .filter_map(|i| self.document_ref(i, scope))
                .collect(),
            _ => self.document_ref(e, scope).into_iter().collect(),
        }
    }

    fn document_levels(&mut self, e: &ast::Expr, scope: Scope<'_>) -> Vec<Vec<usize>> {
        match &e.kind {
            ast::ExprKind::List(items) => {
                items.iter().map(|i| self.document_list(i, scope)).collect()
            }
            _ => vec![self.document_list(e, scope)],
        }
    }

    pub(super) fn check_principal(
        &mut self,
        module: usize,
        p: &ast::PrincipalDecl,
    ) -> ir::Principal {
        let scope = Scope::of(module);
        let mut out = ir::Principal {
            name: p.name.clone(),
            module: self
                .res
                .modules
                .get(module)
                .map(|m| m.path.clone())
                .unwrap_or_default(),
            arn: None,
            policies: Vec::new(),
            boundary: None,
            session: None,
            scps: Vec::new(),
            rcps: Vec::new(),
            resource: None,
            context: Vec::new(),
            role: None,
            span: p.span,
        };
        let mut role = RoleFields::default();
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for f in &p.fields {
            if let Some((_, prev)) = seen.iter().find(|(n, _)| *n == f.name.node) {
                let prev = *prev;
                self.repeated(Code::E0326, &f.name, prev, "field", "given");
                continue;
            }
            seen.push((&f.name.node, f.name.span));
            if self.role_field(&mut role, f, scope) {
                continue;
            }
            match f.name.node.as_str() {
                "arn" => {
                    if let Some(v) = self.eval_expr(&f.value, scope, Some(&Ty::Arn)) {
                        match conform(&v, &Ty::Arn) {
                            Ok(v) => out.arn = v.val.text().map(|t| Spanned::new(t, v.span)),
                            Err(e) => self.mismatch(e),
                        }
                    }
                }
                "account" => {
                    if let Some(v) = self.eval_expr(&f.value, scope, Some(&Ty::AccountId)) {
                        match conform(&v, &Ty::AccountId) {
                            Ok(v) => {
                                if let Val::Str(s) = v.val {
                                    out.context.push(("aws:PrincipalAccount".into(), s));
                                }
                            }
                            Err(e) => self.mismatch(e),
                        }
                    }
                }
                "policies" => out.policies = self.document_list(&f.value, scope),
                "boundary" => out.boundary = self.document_ref(&f.value, scope),
                "session" => out.session = self.document_ref(&f.value, scope),
                "resource" => out.resource = self.document_ref(&f.value, scope),
                "scps" => out.scps = self.document_levels(&f.value, scope),
                "tags" => {
                    // `["team=platform"]` or key/value pairs `["team", "platform"]`.
                    let ty = Ty::List(Box::new(Ty::String));
                    if let Some(v) = self.eval_expr(&f.value, scope, Some(&ty)) {
                        match conform(&v, &ty) {
                            Ok(v) => {
                                let items: Vec<String> = v
                                    .flatten()
                                    .into_iter()
                                    .filter_map(|x| x.val.text())
                                    .collect();
                                if items.iter().all(|i| i.contains('=')) {
                                    for i in &items {
                                        if let Some((k, val)) = i.split_once('=') {
                                            out.context.push((
                                                format!("aws:PrincipalTag/{k}"),
                                                val.to_string(),
                                            ));
                                        }
                                    }
                                } else if items.len() % 2 == 0 {
                                    for pair in items.chunks(2) {
                                        if let [k, val] = pair {
                                            out.context.push((
                                                format!("aws:PrincipalTag/{k}"),
                                                val.clone(),
                                            ));
                                        }
                                    }
                                } else {
                                    self.err(
                                        Diagnostic::new(
                                            Code::E0326,
                                            f.value.span,
                                            "tags are `\"key=value\"` strings or key, value pairs",
                                        )
                                        .with_help("write `tags: [\"team=platform\"]`"),
                                    );
                                }
                            }
                            Err(e) => self.mismatch(e),
                        }
                    }
                }
                "rcps" => out.rcps = self.document_levels(&f.value, scope),
                other => {
                    let mut d = Diagnostic::new(
                        Code::E0326,
                        f.name.span,
                        format!("a principal has no field `{other}`"),
                    );
                    d = match suggest::closest(other, FIELDS.iter().copied()) {
                        Some(s) => d
                            .with_help(format!("did you mean `{s}`?"))
                            .with_fix(f.name.span, s),
                        None => d.with_help(format!("the fields are: {}", FIELDS.join(", "))),
                    };
                    self.err(d);
                }
            }
        }
        out.role = self.finish_role(role, p, out.arn.as_ref());
        // The prover sees every identity policy of the role, inline ones too.
        if let Some(r) = &out.role {
            for &d in &r.inline {
                if !out.policies.contains(&d) {
                    out.policies.push(d);
                }
            }
        }
        out
    }

    pub(super) fn check_proof(
        &mut self,
        module: usize,
        p: &ast::ProveDecl,
        principals: &[(ItemRef, usize)],
    ) -> Option<ir::Proof> {
        let scope = Scope::of(module);
        let b = self.res.lookup_path(module, &p.target);
        if let Some(b) = b {
            self.refer_binding(p.target.span, b);
        }
        let target = match b {
            None if self.res.excused(module, &p.target.dotted()) => return None,
            Some(b) => match (
                self.doc_index.get(&b.target),
                principals.iter().find(|(r, _)| *r == b.target),
            ) {
                (Some(&d), _) => ir::ProofTarget::Document(d),
                (None, Some((_, i))) => ir::ProofTarget::Principal(*i),
                _ => {
                    self.err(
                        Diagnostic::new(
                            Code::E0327,
                            p.target.span,
                            format!(
                                "`{}` is neither a principal nor a document",
                                p.target.dotted()
                            ),
                        )
                        .with_help("`prove X` takes a `principal` (the requests it makes) or a `policy`, `boundary`, `scp`, `rcp`, `trust` or `resource` declaration (the document alone)"),
                    );
                    return None;
                }
            },
            None => {
                self.err(
                    Diagnostic::new(
                        Code::E0201,
                        p.target.span,
                        format!("unknown name `{}`", p.target.dotted()),
                    )
                    .with_help("name a `principal` or a document declared or imported here"),
                );
                return None;
            }
        };
        let mut properties = Vec::new();
        for prop in &p.properties {
            match &prop.kind {
                ast::PropertyKind::Within(path) | ast::PropertyKind::Equivalent(path) => {
                    let e = ast::Expr {
                        kind: ast::ExprKind::Name(path.clone()),
                        span: path.span,
                    };
                    if let Some(d) = self.document_ref(&e, scope) {
                        properties.push(match prop.kind {
                            ast::PropertyKind::Within(_) => ir::Property::Within {
                                document: d,
                                span: prop.span,
                            },
                            _ => ir::Property::Equivalent {
                                document: d,
                                span: prop.span,
                            },
                        });
                    }
                }
                ast::PropertyKind::Request { verdict, request } => {
                    let actions = self.pattern_list(&request.actions, scope, &Ty::ActionPattern);
                    let resources = request
                        .resources
                        .as_ref()
                        .map(|r| self.pattern_list(r, scope, &Ty::ArnPattern));
                    let condition = request
                        .condition
                        .as_ref()
                        .map(|c| self.condition(c, scope, None));
                    let except = request
                        .except
                        .as_ref()
                        .map(|e| self.pattern_list(e, scope, &Ty::ActionPattern));
                    let (Some(actions), Some(resources), Some(condition), Some(except)) = (
                        actions,
                        resources.map_or(Some(None), |r| r.map(Some)),
                        condition.map_or(Some(None), |c| c.map(Some)),
                        except.map_or(Some(None), |e| e.map(Some)),
                    ) else {
                        continue;
                    };
                    properties.push(ir::Property::Request {
                        verdict: verdict.node,
                        actions,
                        resources,
                        condition,
                        except: except.map(|m| m.inner().clone()).unwrap_or_default(),
                        span: prop.span,
                    });
                }
            }
        }
        Some(ir::Proof {
            target,
            properties,
            span: p.span,
        })
    }

    fn pattern_list(
        &mut self,
        clause: &ast::Clause<ast::Expr>,
        scope: Scope<'_>,
        ty: &Ty,
    ) -> Option<Matcher<Vec<Spanned<String>>>> {
        let mut out = Vec::new();
        let mut ok = true;
        for item in &clause.items {
            let Some(v) = self.eval_expr(item, scope, Some(ty)) else {
                ok = false;
                continue;
            };
            for v in v.flatten() {
                match conform(&v, ty) {
                    Ok(v) => out.extend(v.val.text().map(|t| Spanned::new(t, v.span))),
                    Err(e) => {
                        self.mismatch(e);
                        ok = false;
                    }
                }
            }
        }
        ok.then(|| {
            if clause.is_negated() {
                Matcher::Not(out)
            } else {
                Matcher::Is(out)
            }
        })
    }
}

//! Constants and written types: each constant is evaluated once (in declaration order, or
//! earlier when another declaration refers to it), and a constant defined in terms of
//! itself is reported where the cycle closes.

use super::types::{conform, SVal, Ty};
use super::{Checker, Scope};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::resolve::ItemRef;
use crate::source::Span;
use crate::syntax::ast;

/// Where a constant's evaluation stands.
pub(super) enum ConstState {
    InProgress,
    Done(Option<SVal>),
}

impl Checker<'_, '_> {
    /// Resolves a written type.
    pub(super) fn resolve_type(&mut self, t: &ast::TypeExpr) -> Option<Ty> {
        match &t.kind {
            ast::TypeExprKind::List(inner) => Some(Ty::List(Box::new(self.resolve_type(inner)?))),
            ast::TypeExprKind::Named(name) => match Ty::named(&name.node) {
                Some(ty) => Some(ty),
                None => {
                    let mut d = Diagnostic::new(
                        Code::E0308,
                        name.span,
                        format!("unknown type `{}`", name.node),
                    );
                    if let Some(s) = suggest::closest(&name.node, Ty::NAMES.iter().copied()) {
                        d = d
                            .with_help(format!("did you mean `{s}`?"))
                            .with_fix(name.span, s);
                    } else {
                        d = d.with_help(format!("the types are: {}", Ty::NAMES.join(", ")));
                    }
                    self.err(d);
                    None
                }
            },
        }
    }

    /// A type already reported (if bad) at its declaration.
    pub(super) fn resolve_type_quiet(&mut self, t: &ast::TypeExpr) -> Option<Ty> {
        let before = self.diags.len();
        let ty = self.resolve_type(t);
        self.diags.truncate(before);
        ty
    }

    pub(super) fn eval_const(&mut self, r: ItemRef) -> Option<SVal> {
        self.eval_const_at(r, None)
    }

    /// Evaluates a constant once; `use_span` is where it is referred to (for cycles).
    pub(super) fn eval_const_at(&mut self, r: ItemRef, use_span: Option<Span>) -> Option<SVal> {
        match self.consts.get(&r) {
            Some(ConstState::Done(v)) => return v.clone(),
            Some(ConstState::InProgress) => {
                if let (Some(span), Some(ast::Item::Const(c))) = (use_span, self.res.item(r)) {
                    self.err(
                        Diagnostic::new(
                            Code::E0303,
                            span,
                            format!("constant `{}` is defined in terms of itself", c.name.node),
                        )
                        .with_label(c.name.span, "the constant")
                        .with_help("give one of the constants in the cycle a literal value"),
                    );
                }
                return None;
            }
            None => {}
        }
        let Some(ast::Item::Const(c)) = self.res.item(r) else {
            return None;
        };
        self.consts.insert(r, ConstState::InProgress);
        let ty = c.ty.as_ref().and_then(|t| self.resolve_type(t));
        let scope = Scope::of(r.module);
        let v = self.eval_expr(&c.value, scope, ty.as_ref());
        let v = match (v, &ty) {
            (Some(v), Some(ty)) => match conform(&v, ty) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.mismatch(e);
                    None
                }
            },
            (v, _) => v,
        };
        self.consts.insert(r, ConstState::Done(v.clone()));
        v
    }
}

//! Spans out of the way: a copy of a module with every span set to the empty default, so
//! that two parses of differently laid-out texts compare equal exactly when they hold the
//! same program.
//!
//! `Spanned<T>` already ignores its span in equality, but many nodes carry a plain
//! `span: Span` (and `not`/`if_exists` are `Option<Span>`), which `==` compares. The
//! formatter's soundness check and its tests compare trees through this.

use super::ast::*;
use crate::source::Span;

/// `m` with every span erased (a present `Option<Span>` stays present).
pub fn without_spans(m: &Module) -> Module {
    let mut m = m.clone();
    for item in &mut m.items {
        self::item(item);
    }
    for b in &mut m.broken {
        erase(&mut b.span);
    }
    m
}

fn erase(s: &mut Span) {
    *s = Span::default();
}

fn erase_opt(s: &mut Option<Span>) {
    if let Some(s) = s {
        erase(s);
    }
}

fn item(i: &mut Item) {
    match i {
        Item::Import(i) => {
            erase(&mut i.span);
            path(&mut i.module);
            for n in &mut i.names {
                erase(&mut n.span);
            }
        }
        Item::Const(c) => {
            erase(&mut c.span);
            if let Some(t) = &mut c.ty {
                ty(t);
            }
            expr(&mut c.value);
        }
        Item::Template(t) => {
            erase(&mut t.span);
            for p in &mut t.params {
                erase(&mut p.span);
                ty(&mut p.ty);
                if let Some(d) = &mut p.default {
                    expr(d);
                }
            }
            t.body.iter_mut().for_each(stmt);
        }
        Item::Document(d) => {
            erase(&mut d.span);
            if let Some(t) = &mut d.target {
                expr(t);
            }
            d.body.iter_mut().for_each(stmt);
        }
        Item::Principal(p) => {
            erase(&mut p.span);
            for f in &mut p.fields {
                erase(&mut f.span);
                expr(&mut f.value);
            }
        }
        Item::Prove(p) => {
            erase(&mut p.span);
            path(&mut p.target);
            for prop in &mut p.properties {
                erase(&mut prop.span);
                match &mut prop.kind {
                    PropertyKind::Within(p) | PropertyKind::Equivalent(p) => path(p),
                    PropertyKind::Request { request, .. } => {
                        erase(&mut request.span);
                        clause(&mut request.actions, expr);
                        if let Some(c) = &mut request.resources {
                            clause(c, expr);
                        }
                        if let Some(c) = &mut request.condition {
                            cond(c);
                        }
                        if let Some(c) = &mut request.except {
                            clause(c, expr);
                        }
                    }
                }
            }
        }
    }
}

fn path(p: &mut Path) {
    erase(&mut p.span);
}

fn ty(t: &mut TypeExpr) {
    erase(&mut t.span);
    if let TypeExprKind::List(inner) = &mut t.kind {
        ty(inner);
    }
}

fn stmt(s: &mut Stmt) {
    match s {
        Stmt::Use(u) => {
            erase(&mut u.span);
            path(&mut u.template);
            for a in &mut u.args {
                erase(&mut a.span);
                expr(&mut a.value);
            }
        }
        Stmt::Rule(r) => {
            erase(&mut r.span);
            clause(&mut r.actions, expr);
            if let Some(c) = &mut r.principals {
                clause(c, principal);
            }
            if let Some(c) = &mut r.resources {
                clause(c, expr);
            }
            if let Some(c) = &mut r.condition {
                cond(c);
            }
        }
    }
}

fn clause<T>(c: &mut Clause<T>, f: fn(&mut T)) {
    erase(&mut c.span);
    erase_opt(&mut c.not);
    c.items.iter_mut().for_each(f);
}

fn principal(p: &mut PrincipalExpr) {
    erase(&mut p.span);
    match &mut p.kind {
        PrincipalKind::Any => {}
        PrincipalKind::Account(e)
        | PrincipalKind::Service(e)
        | PrincipalKind::Federated(e)
        | PrincipalKind::CanonicalUser(e)
        | PrincipalKind::Arn(e) => expr(e),
    }
}

fn expr(e: &mut Expr) {
    erase(&mut e.span);
    match &mut e.kind {
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        ExprKind::Call(c) => {
            erase(&mut c.name.span);
            c.args.iter_mut().for_each(expr);
        }
        ExprKind::Name(p) => path(p),
        ExprKind::Arn(a) | ExprKind::Interpolated(a) => {
            for part in &mut a.parts {
                if let ArnPart::Interp(p) = part {
                    path(p);
                }
            }
        }
        ExprKind::String(_)
        | ExprKind::Number(_)
        | ExprKind::Bool(_)
        | ExprKind::Tagged(..)
        | ExprKind::Action(_)
        | ExprKind::Wildcard => {}
    }
}

/// Conditions nest as deep as the parser allows (chains of [`super::MAX_CHAIN`] under
/// [`super::MAX_DEPTH`] parentheses), so they are walked with an explicit stack.
fn cond(c: &mut Cond) {
    let mut stack: Vec<&mut Cond> = vec![c];
    while let Some(c) = stack.pop() {
        erase(&mut c.span);
        match &mut c.kind {
            CondKind::And(l, r) | CondKind::Or(l, r) => {
                stack.push(l);
                stack.push(r);
            }
            CondKind::Not(inner) => stack.push(inner),
            CondKind::Key(k) | CondKind::Exists(k) => erase_opt(&mut k.if_exists),
            CondKind::Compare { key, value, .. } | CondKind::Quantified { key, value, .. } => {
                erase_opt(&mut key.if_exists);
                expr(value);
            }
            CondKind::Literal(_) => {}
        }
    }
}

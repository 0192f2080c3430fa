//! What is under the cursor, from the AST alone: an action literal or a condition key
//! (names are the name table's business: `NameTable::reference_at`).
//!
//! The walk descends only into nodes whose span holds the offset, so a query costs the
//! depth of the tree, not its size.

use super::touches;
use crate::source::Span;
use crate::syntax::ast::{self, Cond, CondKind, Expr, ExprKind, Item, Stmt};

/// A node of interest under the cursor.
#[derive(Clone, Copy, Debug)]
pub enum Found<'a> {
    /// An action or action pattern (`s3:GetObject`, `s3:Get*`), with the literal's span.
    Action(&'a ast::ActionLit, Span),
    /// A condition key as written.
    Key(&'a ast::KeyRef),
    /// A built-in function call (`actions(s3, "Read")`), the cursor on its name.
    Call(&'a ast::Call),
}

/// The action literal or condition key at `offset`, if any.
pub fn at(module: &ast::Module, offset: u32) -> Option<Found<'_>> {
    module
        .items
        .iter()
        .filter(|i| touches(i.span(), offset))
        .find_map(|i| item(i, offset))
}

fn item(i: &Item, offset: u32) -> Option<Found<'_>> {
    match i {
        Item::Import(_) => None,
        Item::Const(c) => expr(&c.value, offset),
        Item::Template(t) => t
            .params
            .iter()
            .filter_map(|p| p.default.as_ref())
            .find_map(|e| expr(e, offset))
            .or_else(|| stmts(&t.body, offset)),
        Item::Document(d) => stmts(&d.body, offset),
        Item::Principal(p) => p.fields.iter().find_map(|f| expr(&f.value, offset)),
        Item::Prove(p) => p.properties.iter().find_map(|prop| match &prop.kind {
            ast::PropertyKind::Request { request, .. } => {
                let r = request;
                clause(&r.actions, offset)
                    .or_else(|| r.resources.as_ref().and_then(|c| clause(c, offset)))
                    .or_else(|| r.except.as_ref().and_then(|c| clause(c, offset)))
                    .or_else(|| r.condition.as_ref().and_then(|c| cond(c, offset)))
            }
            _ => None,
        }),
    }
}

fn stmts(body: &[Stmt], offset: u32) -> Option<Found<'_>> {
    body.iter()
        .filter(|s| touches(s.span(), offset))
        .find_map(|s| match s {
            Stmt::Rule(r) => clause(&r.actions, offset)
                .or_else(|| r.resources.as_ref().and_then(|c| clause(c, offset)))
                .or_else(|| {
                    r.principals.as_ref().and_then(|c| {
                        c.items.iter().find_map(|p| match &p.kind {
                            ast::PrincipalKind::Any => None,
                            ast::PrincipalKind::Account(e)
                            | ast::PrincipalKind::Service(e)
                            | ast::PrincipalKind::Federated(e)
                            | ast::PrincipalKind::CanonicalUser(e)
                            | ast::PrincipalKind::Arn(e) => expr(e, offset),
                        })
                    })
                })
                .or_else(|| r.condition.as_ref().and_then(|c| cond(c, offset))),
            Stmt::Use(u) => u.args.iter().find_map(|a| expr(&a.value, offset)),
        })
}

fn clause(c: &ast::Clause<Expr>, offset: u32) -> Option<Found<'_>> {
    c.items.iter().find_map(|e| expr(e, offset))
}

fn expr(e: &Expr, offset: u32) -> Option<Found<'_>> {
    if !touches(e.span, offset) {
        return None;
    }
    match &e.kind {
        ExprKind::Action(a) => Some(Found::Action(a, e.span)),
        ExprKind::List(items) => items.iter().find_map(|x| expr(x, offset)),
        ExprKind::Call(c) if touches(c.name.span, offset) => Some(Found::Call(c)),
        ExprKind::Call(c) => c.args.iter().find_map(|x| expr(x, offset)),
        _ => None,
    }
}

fn cond(c: &Cond, offset: u32) -> Option<Found<'_>> {
    if !touches(c.span, offset) {
        return None;
    }
    match &c.kind {
        CondKind::And(a, b) | CondKind::Or(a, b) => cond(a, offset).or_else(|| cond(b, offset)),
        CondKind::Not(a) => cond(a, offset),
        CondKind::Key(k) | CondKind::Exists(k) => key(k, offset),
        CondKind::Compare { key: k, value, .. } | CondKind::Quantified { key: k, value, .. } => {
            key(k, offset).or_else(|| expr(value, offset))
        }
        CondKind::Literal(_) => None,
    }
}

fn key(k: &ast::KeyRef, offset: u32) -> Option<Found<'_>> {
    touches(k.name.span, offset).then_some(Found::Key(k))
}

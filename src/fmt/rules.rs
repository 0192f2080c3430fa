//! Statements (`allow`/`deny` rules, `use`) and proof properties.
//!
//! A rule is laid out in up to three steps, the first that fits within the width:
//!
//! 1. all on one line;
//! 2. the head (`@sid` aside, the effect, the actions and the `from`/`on` clauses) on one
//!    line and `when` on the next, indented one level;
//! 3. the actions on the first line, then each clause on its own line, indented one level.
//!
//! A clause's list that still does not fit wraps under its first element; a condition that
//! does not fit breaks before its operators. Properties of `prove` blocks follow the same
//! steps (`when` and `except` are the tail). `@sid(...)` always has a line of its own.

use super::doc::{anchor, concat, group, indent, text, Doc};
use super::Walk;
use crate::source::Span;
use crate::syntax::ast::{
    Clause, Cond, Expr, NamedArg, PrincipalExpr, PrincipalKind, Property, PropertyKind, RuleEffect,
    Stmt, UseStmt, Verdict,
};

/// A `from` or `on` clause of a rule or property; they are printed in the order written.
enum Tail<'a> {
    From(&'a Clause<PrincipalExpr>),
    On(&'a Clause<Expr>),
}

impl Walk<'_> {
    /// `{ statements }` of a template or document; `close` is where the `}` is.
    pub(super) fn body(&mut self, stmts: &[Stmt], close: usize) -> Doc {
        self.braces(stmts, close, Stmt::span, Walk::stmt)
    }

    /// `{`, one line per item (statement, field, property) with the comments and blank
    /// lines between them, the comments before `}` (at `close`), and `}` on its own line;
    /// `{}` if there is nothing inside.
    pub(super) fn braces<T>(
        &mut self,
        items: &[T],
        close: usize,
        span_of: fn(&T) -> Span,
        doc_of: fn(&mut Self, &T) -> Doc,
    ) -> Doc {
        let mut inner = Vec::new();
        let mut prev_end = None;
        for item in items {
            let span = span_of(item);
            let start = span.start as usize;
            inner.push(self.trivia.statement_separator(prev_end, start));
            inner.push(doc_of(self, item));
            prev_end = Some(span.end as usize);
        }
        inner.extend(self.trivia.closing(close, prev_end));
        if inner.is_empty() {
            return text("{}");
        }
        concat(vec![
            text("{"),
            indent(concat(inner)),
            Doc::HardLine,
            text("}"),
        ])
    }

    fn stmt(&mut self, s: &Stmt) -> Doc {
        match s {
            Stmt::Use(u) => self.use_stmt(u),
            Stmt::Rule(r) => {
                let mut parts = Vec::new();
                if let Some(sid) = &r.sid {
                    parts.push(text(format!("@sid({})", self.sid_literal(sid.span))));
                    let effect = r.effect.span.start as usize;
                    parts.push(self.trivia.separator(effect, Doc::HardLine));
                }
                let effect = match r.effect.node {
                    RuleEffect::Allow => "allow",
                    RuleEffect::Deny => "deny",
                };
                let mut tails = Vec::new();
                if let Some(p) = &r.principals {
                    tails.push(Tail::From(p));
                }
                if let Some(res) = &r.resources {
                    tails.push(Tail::On(res));
                }
                tails.sort_by_key(|t| match t {
                    Tail::From(c) => c.span.start,
                    Tail::On(c) => c.span.start,
                });
                parts.push(self.request(effect, &r.actions, &tails, r.condition.as_ref(), None));
                concat(parts)
            }
        }
    }

    /// The separator before the token at `pos` (see [`Trivia::separator`]) and what
    /// `build` lays out from there, indented one level from the current line should a
    /// comment break it.
    ///
    /// [`Trivia::separator`]: super::trivia::Trivia::separator
    pub(super) fn then(
        &mut self,
        pos: usize,
        flat: Doc,
        build: impl FnOnce(&mut Self) -> Doc,
    ) -> Doc {
        let sep = self.trivia.separator(pos, flat);
        let d = build(self);
        anchor(indent(concat(vec![sep, d])))
    }

    /// The string literal inside `@sid(...)`, as written.
    fn sid_literal(&self, span: Span) -> String {
        let end = span.end as usize;
        let open = self.trivia.token_after(span.start as usize + "@sid".len());
        let quote = self.trivia.token_after(open + 1);
        let literal = self.trivia.slice(quote, end);
        match literal_end(literal) {
            Some(n) => literal.get(..n).unwrap_or(literal).to_string(),
            None => literal.trim_end_matches(')').trim_end().to_string(),
        }
    }

    /// The head, clauses and tail of a rule or property (see the module comment).
    fn request(
        &mut self,
        verb: &str,
        actions: &Clause<Expr>,
        tails: &[Tail],
        condition: Option<&Cond>,
        except: Option<&Clause<Expr>>,
    ) -> Doc {
        let mut head = vec![text(verb)];
        let start = actions.span.start as usize;
        head.push(self.then(start, text(" "), |w| w.expr_clause(actions)));
        let mut prev_end = actions.span.end as usize;
        let mut clauses = Vec::new();
        for t in tails {
            let (kw, span) = match t {
                Tail::From(c) => ("from", c.span),
                Tail::On(c) => ("on", c.span),
            };
            let kw_pos = self.trivia.token_after(prev_end);
            clauses.push(self.trivia.separator(kw_pos, Doc::Line));
            clauses.push(text(kw));
            clauses.push(self.then(span.start as usize, text(" "), |w| match t {
                Tail::From(c) => w.principal_clause(c),
                Tail::On(c) => w.expr_clause(c),
            }));
            prev_end = span.end as usize;
        }
        head.push(indent(concat(clauses)));
        let mut tail = Vec::new();
        if let Some(c) = condition {
            let kw_pos = self.trivia.token_after(prev_end);
            tail.push(self.trivia.separator(kw_pos, Doc::Line));
            tail.push(text("when"));
            tail.push(self.then(c.span.start as usize, text(" "), |w| w.cond(c)));
            prev_end = c.span.end as usize;
        }
        if let Some(e) = except {
            let kw_pos = self.trivia.token_after(prev_end);
            tail.push(self.trivia.separator(kw_pos, Doc::Line));
            tail.push(text("except"));
            tail.push(self.then(e.span.start as usize, text(" "), |w| w.expr_clause(e)));
        }
        group(concat(vec![group(concat(head)), indent(concat(tail))]))
    }

    /// `[not] a, b, c`
    fn expr_clause(&mut self, c: &Clause<Expr>) -> Doc {
        let list = |w: &mut Self| w.clause_list(&c.items, Walk::expr, |e| e.span);
        self.negatable(c, list)
    }

    fn principal_clause(&mut self, c: &Clause<PrincipalExpr>) -> Doc {
        let list = |w: &mut Self| w.clause_list(&c.items, Walk::principal, |p| p.span);
        self.negatable(c, list)
    }

    fn negatable<T>(&mut self, c: &Clause<T>, list: impl FnOnce(&mut Self) -> Doc) -> Doc {
        match c.not {
            None => list(self),
            Some(not) => {
                let after_not = self.trivia.token_after(not.end as usize);
                concat(vec![text("not"), self.then(after_not, text(" "), list)])
            }
        }
    }

    fn principal(&mut self, p: &PrincipalExpr) -> Doc {
        let (name, arg) = match &p.kind {
            PrincipalKind::Any => return text("*"),
            PrincipalKind::Arn(e) => return self.expr(e),
            PrincipalKind::Account(e) => ("account", e),
            PrincipalKind::Service(e) => ("service", e),
            PrincipalKind::Federated(e) => ("federated", e),
            PrincipalKind::CanonicalUser(e) => ("canonical", e),
        };
        let d = self.then(arg.span.start as usize, text(""), |w| w.expr(arg));
        concat(vec![text(name), text("("), d, text(")")])
    }

    /// `use t(a: x, b: y)`, broken one argument per line; a single list argument hugs the
    /// parentheses (`use t(except: [` ... `])`).
    fn use_stmt(&mut self, u: &UseStmt) -> Doc {
        let head = format!("use {}(", self.src(u.template.span));
        let close = (u.span.end as usize).saturating_sub(1);
        if let [arg] = u.args.as_slice() {
            let hugs = matches!(arg.value.kind, crate::syntax::ast::ExprKind::List(_))
                && !self
                    .trivia
                    .has_comment_before(arg.value.span.start as usize);
            if hugs {
                let value = self.expr(&arg.value);
                return concat(vec![
                    text(head),
                    text(format!("{}: ", self.src(arg.name.span))),
                    value,
                    text(")"),
                ]);
            }
        }
        let mut inner = Vec::new();
        for (i, a) in u.args.iter().enumerate() {
            let flat = if i == 0 { Doc::SoftLine } else { Doc::Line };
            inner.push(self.trivia.separator(a.span.start as usize, flat));
            inner.push(self.named_arg(a));
            inner.push(if i + 1 < u.args.len() {
                text(",")
            } else {
                Doc::IfBreak(",".into())
            });
        }
        inner.extend(self.trivia.closing(close, None));
        group(concat(vec![
            text(head),
            indent(concat(inner)),
            Doc::SoftLine,
            text(")"),
        ]))
    }

    fn named_arg(&mut self, a: &NamedArg) -> Doc {
        let value = self.then(a.value.span.start as usize, text(" "), |w| w.expr(&a.value));
        concat(vec![text(format!("{}:", self.src(a.name.span))), value])
    }

    /// One property of a `prove` block.
    pub(super) fn property(&mut self, p: &Property) -> Doc {
        match &p.kind {
            PropertyKind::Within(path) => text(format!("within {}", self.src(path.span))),
            PropertyKind::Equivalent(path) => text(format!("equivalent {}", self.src(path.span))),
            PropertyKind::Request { verdict, request } => {
                let verb = match verdict.node {
                    Verdict::Allows => "allows",
                    Verdict::Denies => "denies",
                    Verdict::MayAllow => "may allow",
                };
                let tails: Vec<Tail> = request.resources.iter().map(Tail::On).collect();
                self.request(
                    verb,
                    &request.actions,
                    &tails,
                    request.condition.as_ref(),
                    request.except.as_ref(),
                )
            }
        }
    }
}

/// The length of the string literal at the start of `s` (which starts with `"`), closing
/// quote included; `None` if it is not closed on its line.
fn literal_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in s.char_indices().skip(1) {
        match ch {
            '\n' => return None,
            '"' if !escaped => return Some(i + 1),
            '\\' if !escaped => escaped = true,
            _ => escaped = false,
        }
    }
    None
}

//! Expressions -> compile-time values: literals, lists, and names (`env.NAME`, template
//! parameters, constants in scope, service prefixes where a service is expected).

use super::arn::{ArnText, Into};
use super::types::{conform, Mismatch, SVal, Ty, Val};
use super::{item_kind_name, Checker, Scope};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::policy::values;
use crate::project::EnvValue;
use crate::resolve::names::Target;
use crate::source::{Span, Spanned};
use crate::syntax::ast;

impl Checker<'_, '_> {
    /// Evaluates an expression. `want` is the type the context expects, if known; it only
    /// decides whether an unbound name may stand for a service prefix.
    pub(super) fn eval_expr(
        &mut self,
        e: &ast::Expr,
        scope: Scope<'_>,
        want: Option<&Ty>,
    ) -> Option<SVal> {
        let val = match &e.kind {
            ast::ExprKind::String(s) => Val::Str(s.clone()),
            ast::ExprKind::Number(n) => Val::Num(n.clone()),
            ast::ExprKind::Bool(b) => Val::Bool(*b),
            ast::ExprKind::Wildcard => Val::Wildcard,
            ast::ExprKind::Action(a) => Val::Action(format!("{}:{}", a.service.node, a.name.node)),
            ast::ExprKind::Arn(lit) => match self.interpolate(lit, e.span, scope)? {
                ArnText::Known(text, pieces) => {
                    return Some(SVal {
                        pieces,
                        ..SVal::new(Val::Arn(text), e.span)
                    })
                }
                ArnText::Sym(ty) => Val::Sym(ty),
            },
            ast::ExprKind::Interpolated(lit) => {
                match self.interpolate_parts(lit, scope, Into::String)? {
                    ArnText::Known(text, pieces) => {
                        return Some(SVal {
                            pieces,
                            ..SVal::new(Val::Str(text), e.span)
                        })
                    }
                    ArnText::Sym(ty) => Val::Sym(ty),
                }
            }
            ast::ExprKind::Tagged(tag, text) => self.tagged(tag, text, e.span)?,
            ast::ExprKind::List(items) => {
                let inner = match want {
                    Some(Ty::List(t)) => Some(t.as_ref()),
                    other => other,
                };
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for i in items {
                    match self.eval_expr(i, scope, inner) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Val::List(out)
            }
            ast::ExprKind::Name(path) => return self.eval_name(path, scope, want),
            ast::ExprKind::Call(call) => return self.eval_call(call, e.span, scope),
        };
        Some(SVal::new(val, e.span))
    }

    fn tagged(&mut self, tag: &Spanned<ast::LiteralTag>, text: &str, span: Span) -> Option<Val> {
        let (ok, val, what) = match tag.node {
            ast::LiteralTag::Cidr => (
                values::is_cidr(text),
                Val::Cidr(text.into()),
                "a CIDR range like `10.0.0.0/8`",
            ),
            ast::LiteralTag::Ip => (
                values::is_ip(text),
                Val::Ip(text.into()),
                "an IP address like `10.1.2.3`",
            ),
            ast::LiteralTag::Date => (
                values::is_date(text),
                Val::Date(text.into()),
                "a valid ISO 8601 date like `2026-01-01T00:00:00Z` (a day that exists)",
            ),
        };
        if ok {
            Some(val)
        } else {
            let code = if self.in_condition {
                Code::E0321
            } else {
                Code::E0318
            };
            self.err(
                Diagnostic::new(code, span, format!("`{text}` is not {what}"))
                    .with_help(format!("write {what}")),
            );
            None
        }
    }

    /// `env.NAME`: the selected environment's constant, or E0905. Where the type wanted is
    /// known, a value of the wrong type is reported here, with where `iamc.toml` sets it
    /// (the list item itself for a list).
    fn env_value(&mut self, path: &ast::Path, name: &str, want: Option<&Ty>) -> Option<SVal> {
        if let (Some(c), Some(def)) = (
            self.env.and_then(|e| e.get(name)),
            self.res.names.env_def(name),
        ) {
            self.refer(path.span, Target::Def(def), None);
            let v = env_sval(&c.value, path.span).attributed(def);
            if let Some(want) = want {
                if let Err((at, m)) = conform_located(&c.value, c.value_span, &v, want) {
                    let d = self
                        .mismatch_diagnostic((path.span, m))
                        .with_label(at, format!("`{name}` is set here in `iamc.toml`"));
                    self.err(d);
                    return None;
                }
            }
            return Some(v);
        }
        let mut d = Diagnostic::new(
            Code::E0905,
            path.span,
            match self.env {
                Some(env) => format!("environment `{}` defines no constant `{name}`", env.name),
                None => format!("no environment is selected, so `env.{name}` has no value"),
            },
        );
        let defined = self
            .env
            .into_iter()
            .flat_map(|e| e.constants.keys().map(String::as_str));
        d = match suggest::closest(name, defined) {
            Some(s) => d.with_help(format!("did you mean `env.{s}`?")),
            None => d.with_help(format!(
                "add `{name} = \"...\"` to the environment's table in `iamc.toml`"
            )),
        };
        // An environment built in code (tests, tools) has no table to point at.
        if let Some(env) = self.env.filter(|e| !e.span.is_empty()) {
            d = d.with_label(env.span, "the environment is defined here");
        }
        self.err(d);
        None
    }

    /// Looks a dotted name up: `env.NAME`, a template parameter, a constant in scope, or
    /// (where a service is expected) a service prefix.
    pub(super) fn eval_name(
        &mut self,
        path: &ast::Path,
        scope: Scope<'_>,
        want: Option<&Ty>,
    ) -> Option<SVal> {
        let segs = &path.segments;
        if let [first, name] = segs.as_slice() {
            if first.node == "env" {
                return self.env_value(path, &name.node, want);
            }
        }
        let [one] = segs.as_slice() else {
            self.err(
                Diagnostic::new(
                    Code::E0209,
                    path.span,
                    format!("`{}` is not a name in scope", path.dotted()),
                )
                .with_help("import the declaration (`import module.name`) and refer to it by its name; only `env.NAME` is dotted"),
            );
            return None;
        };
        let name = one.node.as_str();
        match self.named_type_fits(scope, name, want) {
            Fit::Yes => {}
            Fit::ServiceInstead => {
                self.refer(path.span, Target::Service(name.to_string()), None);
                return Some(SVal::new(Val::Service(name.to_string()), path.span));
            }
            Fit::No { declared, at } => {
                let expected = want
                    .map(element)
                    .map(ToString::to_string)
                    .unwrap_or_default();
                self.err(
                    Diagnostic::new(
                        Code::E0301,
                        path.span,
                        format!("expected `{expected}`, found `{declared}`"),
                    )
                    .with_label(at, format!("`{name}` is declared `{declared}` here"))
                    .with_help(format!("pass a `{expected}` here")),
                );
                // Still a use of the name (for the name table).
                if let Some((_, template)) = scope.param(name) {
                    if let Some(def) = self.res.names.param_def(template, name) {
                        self.refer(path.span, Target::Def(def), None);
                    }
                } else if let Some(b) = self.res.lookup(scope.module, name) {
                    self.refer_binding(path.span, b);
                }
                return None;
            }
        }
        if let Some((v, template)) = scope.param(name) {
            let v = respan(v.clone(), path.span);
            return Some(match self.res.names.param_def(template, name) {
                Some(def) => {
                    self.refer(path.span, Target::Def(def), None);
                    v.attributed(def)
                }
                None => v,
            });
        }
        if let Some(b) = self.res.lookup(scope.module, name) {
            self.refer_binding(path.span, b);
            let def = self.res.names.item_def(b.target);
            return match self.res.item(b.target) {
                Some(ast::Item::Const(_)) => self
                    .eval_const_at(b.target, Some(path.span))
                    .map(|v| respan(v, path.span))
                    .map(|v| match def {
                        Some(def) => v.attributed(def),
                        None => v,
                    }),
                Some(item) => {
                    let what = item_kind_name(item);
                    self.err(
                        Diagnostic::new(
                            Code::E0207,
                            path.span,
                            format!("`{name}` is a {what}, not a value"),
                        )
                        .with_label(b.span, "declared here")
                        .with_help(match item {
                            ast::Item::Template(_) => format!("a template is pulled into a document with `use {name}(...)`"),
                            ast::Item::Document(_) | ast::Item::Principal(_) => format!("a {what} is named only in `principal` fields and in `prove` (its target, `within`, `equivalent`); declare a `const` for a value"),
                            _ => "declare a `const` for a value".to_string(),
                        }),
                    );
                    None
                }
                None => None,
            };
        }
        // A name a broken declaration would have defined: its syntax error says it all.
        if self
            .res
            .modules
            .get(scope.module)
            .is_some_and(|m| m.broken.contains(name))
        {
            return None;
        }
        if want.is_some_and(Ty::accepts_service_names) && super::types::is_service_name(name) {
            self.refer(path.span, Target::Service(name.to_string()), None);
            return Some(SVal::new(Val::Service(name.to_string()), path.span));
        }
        if self.res.excused(scope.module, name) {
            return None;
        }
        let mut candidates: Vec<&str> = self.res.names_in_scope(scope.module);
        if let Some(p) = scope.params {
            candidates.extend(p.values.keys().map(String::as_str));
        }
        let mut d = Diagnostic::new(Code::E0201, path.span, format!("unknown name `{name}`"));
        let from_std = self.std_import(scope.module, name, |i| matches!(i, ast::Item::Const(_)));
        if let Some((help, at, text)) = from_std {
            d = d.with_help(help).with_fix(at, text);
        } else if let Some(s) = suggest::closest(name, candidates) {
            d = d
                .with_help(format!("did you mean `{s}`?"))
                .with_fix(path.span, s);
        } else {
            d = d.with_help(
                "declare it with `const`, import it, or pass it as a template parameter",
            );
        }
        self.err(d);
        None
    }
}

/// An environment constant as a value, at the span of the `env.NAME` that uses it.
fn env_sval(v: &EnvValue, span: Span) -> SVal {
    let val = match v {
        EnvValue::String(s) => Val::Str(s.clone()),
        EnvValue::Number(n) => Val::Num(n.clone()),
        EnvValue::Bool(b) => Val::Bool(*b),
        EnvValue::List(items) => Val::List(items.iter().map(|(i, _)| env_sval(i, span)).collect()),
    };
    SVal::new(val, span)
}

/// Checks an environment constant's value against `want` like `conform` (lists item by
/// item); on a mismatch, also where in `iamc.toml` the offending value is written.
fn conform_located(
    raw: &EnvValue,
    raw_span: Span,
    v: &SVal,
    want: &Ty,
) -> Result<(), (Span, Mismatch)> {
    if let (EnvValue::List(items), Val::List(vals), Ty::List(inner)) = (raw, &v.val, want) {
        for ((item, at), val) in items.iter().zip(vals) {
            conform_located(item, *at, val, inner)?;
        }
        return Ok(());
    }
    // Where a single value is wanted, a list is flattened (`in env.regions`): each item
    // must fit.
    if let (EnvValue::List(items), Val::List(vals)) = (raw, &v.val) {
        if !matches!(want, Ty::List(_)) {
            for ((item, at), val) in items.iter().zip(vals) {
                conform_located(item, *at, val, want)?;
            }
            return Ok(());
        }
    }
    conform(v, want).map(|_| ()).map_err(|(_, m)| (raw_span, m))
}

/// The value, now at the span of the name that produced it (pieces kept).
fn respan(v: SVal, span: Span) -> SVal {
    SVal { span, ..v }
}

/// Whether a named value's declared type fits where it is used.
enum Fit {
    /// It fits, or nothing is known that says otherwise.
    Yes,
    /// It does not, but the name is a service prefix the catalog knows and a service fits:
    /// the name means the service there (`account` the Account Management service next to a constant
    /// `account: AccountId`).
    ServiceInstead,
    /// It does not: a type error (declared type, where it is declared).
    No { declared: Ty, at: Span },
}

/// `List<T>` -> `T`, recursively: lists are flattened wherever items are expected.
fn element(t: &Ty) -> &Ty {
    match t {
        Ty::List(inner) => element(inner),
        other => other,
    }
}

impl Checker<'_, '_> {
    /// How a constant or template parameter `name`, if it is one and has a declared type,
    /// fits the type `want` of the place it is used. The rule (docs/language.md, "Names"):
    /// a constant or parameter shadows the service prefix of the same name only where a
    /// value of its type fits; elsewhere the name is the service (if AWS has one by that
    /// name and a service fits there), and a type error if not.
    fn named_type_fits(&mut self, scope: Scope<'_>, name: &str, want: Option<&Ty>) -> Fit {
        let Some(want) = want else {
            return Fit::Yes;
        };
        let declared: Option<(Ty, Span)> = if let Some((_, template)) = scope.param(name) {
            match self.res.item(template) {
                Some(ast::Item::Template(t)) => t
                    .params
                    .iter()
                    .find(|p| p.name.node == name)
                    .and_then(|p| Some((self.resolve_type_quiet(&p.ty)?, p.name.span))),
                _ => None,
            }
        } else {
            match self
                .res
                .lookup(scope.module, name)
                .map(|b| (b, self.res.item(b.target)))
            {
                Some((_, Some(ast::Item::Const(c)))) => {
                    c.ty.as_ref()
                        .and_then(|t| Some((self.resolve_type_quiet(t)?, c.name.span)))
                }
                _ => None,
            }
        };
        let Some((declared, at)) = declared else {
            return Fit::Yes;
        };
        if super::types::may_conform(element(&declared), element(want)) {
            Fit::Yes
        } else if want.accepts_service_names()
            && super::types::is_service_name(name)
            && self.catalog.service(name).is_some()
        {
            Fit::ServiceInstead
        } else {
            Fit::No { declared, at }
        }
    }
}

//! Templates: checked once at their definition (each parameter a symbolic value of its
//! type), expanded at each `use` with the arguments, and guarded against using themselves
//! and against nesting deeper than [`MAX_USE_DEPTH`].

use super::types::{conform, SVal, Val};
use super::{document_kind, ir, item_kind_name, rules, Checker, Scope, MAX_USE_DEPTH};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::resolve::names::Target;
use crate::resolve::ItemRef;
use crate::source::Span;
use crate::syntax::ast;
use std::collections::BTreeMap;

impl<'r> Checker<'_, 'r> {
    /// Checks a template where it is declared: its parameters, defaults and body (see the
    /// module docs), and whether it uses itself.
    pub(super) fn check_template_decl(&mut self, r: ItemRef, t: &ast::TemplateDecl) {
        let module = r.module;
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        let mut params: BTreeMap<String, SVal> = BTreeMap::new();
        let mut types_ok = true;
        for p in &t.params {
            if let Some(prev) = seen.insert(&p.name.node, p.name.span) {
                self.repeated(Code::E0204, &p.name, prev, "parameter", "declared");
            }
            let ty = self.resolve_type(&p.ty);
            match &ty {
                Some(ty) => {
                    params.insert(p.name.node.clone(), SVal::new(Val::Sym(ty.clone()), p.span));
                }
                None => types_ok = false,
            }
            if let (Some(ty), Some(default)) = (ty, &p.default) {
                let scope = Scope::of(module);
                if let Some(v) = self.eval_expr(default, scope, Some(&ty)) {
                    if let Err(e) = conform(&v, &ty) {
                        self.mismatch(e);
                    }
                }
            }
        }
        if let Some(span) = self.self_use(r, t) {
            self.err(
                Diagnostic::new(
                    Code::E0307,
                    span,
                    format!("template `{}` uses itself", t.name.node),
                )
                .with_label(t.name.span, "the template")
                .with_help("a template that uses itself, directly or through other templates, never finishes expanding; remove this `use`"),
            );
        }
        // With an unknown parameter type, every use of the parameter would be reported.
        if !types_ok {
            return;
        }
        let ctx = rules::DocCtx { kind: None };
        let scope = Scope::template(r, &params);
        let was = std::mem::replace(&mut self.defining, true);
        let mut stack = vec![(t.name.node.clone(), t.name.span)];
        let mut discarded = Vec::new();
        self.expand_body(&t.body, scope, &ctx, &mut stack, &mut discarded);
        self.defining = was;
    }

    /// The first `use` in `t`'s body from which `t` is reached again, if any, and if `t`
    /// comes first among the templates of that cycle (the cycle is reported once).
    fn self_use(&self, r: ItemRef, t: &ast::TemplateDecl) -> Option<Span> {
        let mut seen = std::collections::BTreeSet::new();
        let span = t.body.iter().find_map(|stmt| match stmt {
            ast::Stmt::Use(u) => self
                .used_template(r.module, u)
                .filter(|&(next, nt)| next == r || self.reaches(next, nt, r, &mut seen))
                .map(|_| u.span),
            ast::Stmt::Rule(_) => None,
        })?;
        let earlier_member = seen.iter().filter(|&&q| q < r).any(|&q| {
            matches!(self.res.item(q), Some(ast::Item::Template(qt))
                if self.reaches(q, qt, r, &mut std::collections::BTreeSet::new()))
        });
        (!earlier_member).then_some(span)
    }

    /// Whether expanding `t` (at `from`) reaches the template `target`.
    fn reaches(
        &self,
        from: ItemRef,
        t: &ast::TemplateDecl,
        target: ItemRef,
        seen: &mut std::collections::BTreeSet<ItemRef>,
    ) -> bool {
        if !seen.insert(from) {
            return false;
        }
        t.body.iter().any(|stmt| match stmt {
            ast::Stmt::Use(u) => self
                .used_template(from.module, u)
                .is_some_and(|(next, nt)| next == target || self.reaches(next, nt, target, seen)),
            ast::Stmt::Rule(_) => false,
        })
    }

    /// The template a `use` in `module` names, without reporting anything.
    fn used_template(
        &self,
        module: usize,
        u: &ast::UseStmt,
    ) -> Option<(ItemRef, &'r ast::TemplateDecl)> {
        let b = self.res.lookup_path(module, &u.template)?;
        match self.res.item(b.target) {
            Some(ast::Item::Template(t)) => Some((b.target, t)),
            _ => None,
        }
    }

    pub(super) fn expand_document(
        &mut self,
        module: usize,
        d: &ast::DocumentDecl,
    ) -> Vec<ir::Rule> {
        let ctx = rules::DocCtx {
            kind: Some(document_kind(d.keyword.node)),
        };
        let mut out = Vec::new();
        let scope = Scope::of(module);
        let mut stack = Vec::new();
        self.expand_body(&d.body, scope, &ctx, &mut stack, &mut out);
        out
    }

    /// Expands statements into rules; `stack` holds the enclosing `use`s (template name
    /// and use site), outermost first.
    fn expand_body(
        &mut self,
        body: &[ast::Stmt],
        scope: Scope<'_>,
        ctx: &rules::DocCtx,
        stack: &mut Vec<(String, Span)>,
        out: &mut Vec<ir::Rule>,
    ) {
        for stmt in body {
            match stmt {
                ast::Stmt::Rule(rule) => {
                    let origin = match stack.first() {
                        None => ir::RuleOrigin::Direct,
                        Some(_) => ir::RuleOrigin::Template {
                            template: stack.last().map(|(n, _)| n.clone()).unwrap_or_default(),
                            use_sites: stack.iter().map(|(_, s)| *s).collect(),
                        },
                    };
                    if let Some(r) = self.check_rule(rule, scope, ctx, origin) {
                        out.push(r);
                    }
                }
                ast::Stmt::Use(u) => self.expand_use(u, scope, ctx, stack, out),
            }
        }
    }

    /// `use template(args)`: looks the template up, binds the arguments (defaults for
    /// the rest) and expands its body into `out`.
    fn expand_use(
        &mut self,
        u: &ast::UseStmt,
        scope: Scope<'_>,
        ctx: &rules::DocCtx,
        stack: &mut Vec<(String, Span)>,
        out: &mut Vec<ir::Rule>,
    ) {
        let Some((tref, t)) = self.lookup_template(u, scope) else {
            return;
        };
        // A template that uses itself is reported at its definition.
        if self.active.contains(&tref) {
            return;
        }
        if stack.len() >= MAX_USE_DEPTH {
            self.too_deep(u, t);
            return;
        }
        let Some(params) = self.arguments(u, tref, t, scope) else {
            return;
        };
        // At a definition, the used template's body is checked at its own definition.
        if self.defining {
            return;
        }
        self.active.push(tref);
        stack.push((t.name.node.clone(), u.span));
        let tscope = Scope::template(tref, &params);
        self.expand_body(&t.body, tscope, ctx, stack, out);
        stack.pop();
        self.active.pop();
    }

    fn too_deep(&mut self, u: &ast::UseStmt, t: &ast::TemplateDecl) {
        self.err(
            Diagnostic::new(
                Code::E0307,
                u.span,
                format!("templates nest more than {MAX_USE_DEPTH} levels deep here"),
            )
            .with_help(format!(
                "`{}` is reached through a chain of more than {MAX_USE_DEPTH} `use`s; fold some of the templates together",
                t.name.node
            )),
        );
    }

    /// The value of every parameter of `t` at the `use` `u`: the arguments given, then
    /// the defaults. `None` when an argument is wrong or missing (reported).
    fn arguments(
        &mut self,
        u: &ast::UseStmt,
        tref: ItemRef,
        t: &ast::TemplateDecl,
        scope: Scope<'_>,
    ) -> Option<BTreeMap<String, SVal>> {
        let mut params = BTreeMap::new();
        let (given, given_ok) = self.given_arguments(u, tref, t, scope, &mut params);
        let defaults_ok = self.default_arguments(u, tref, t, &given, &mut params);
        (given_ok && defaults_ok).then_some(params)
    }

    /// Evaluates the arguments written at a `use` into `params`; returns the names given
    /// (with their spans) and whether every argument was right.
    fn given_arguments<'u>(
        &mut self,
        u: &'u ast::UseStmt,
        tref: ItemRef,
        t: &ast::TemplateDecl,
        scope: Scope<'_>,
        params: &mut BTreeMap<String, SVal>,
    ) -> (BTreeMap<&'u str, Span>, bool) {
        let mut given: BTreeMap<&str, Span> = BTreeMap::new();
        let mut ok = true;
        for arg in &u.args {
            if let Some(prev) = given.insert(&arg.name.node, arg.name.span) {
                self.repeated(Code::E0306, &arg.name, prev, "argument", "given");
                ok = false;
                continue;
            }
            let Some(param) = t.params.iter().find(|p| p.name.node == arg.name.node) else {
                self.unknown_parameter(t, &arg.name);
                ok = false;
                continue;
            };
            if let Some(def) = self.res.names.param_def(tref, &param.name.node) {
                self.refer(arg.name.span, Target::Def(def), None);
            }
            let Some(ty) = self.resolve_type_quiet(&param.ty) else {
                ok = false;
                continue;
            };
            match self.eval_expr(&arg.value, scope, Some(&ty)) {
                Some(v) => match conform(&v, &ty) {
                    Ok(v) => {
                        params.insert(param.name.node.clone(), v);
                    }
                    Err(e) => {
                        self.mismatch(e);
                        ok = false;
                    }
                },
                None => ok = false,
            }
        }
        (given, ok)
    }

    fn unknown_parameter(&mut self, t: &ast::TemplateDecl, name: &ast::Ident) {
        let mut d = Diagnostic::new(
            Code::E0305,
            name.span,
            format!(
                "template `{}` has no parameter `{}`",
                t.name.node, name.node
            ),
        );
        let names: Vec<&str> = t.params.iter().map(|p| p.name.node.as_str()).collect();
        if let Some(s) = suggest::closest(&name.node, names.iter().copied()) {
            d = d
                .with_help(format!("did you mean `{s}`?"))
                .with_fix(name.span, s);
        } else {
            d = d.with_help(format!("its parameters are: {}", names.join(", ")));
        }
        self.err(d);
    }

    /// Fills the parameters not given at a `use` from their defaults (evaluated in the
    /// template's module); a parameter without a default is a missing argument. Returns
    /// whether all of them got a value.
    fn default_arguments(
        &mut self,
        u: &ast::UseStmt,
        tref: ItemRef,
        t: &ast::TemplateDecl,
        given: &BTreeMap<&str, Span>,
        params: &mut BTreeMap<String, SVal>,
    ) -> bool {
        let mut ok = true;
        for p in &t.params {
            if params.contains_key(&p.name.node) || given.contains_key(p.name.node.as_str()) {
                continue;
            }
            let Some(default) = &p.default else {
                self.err(
                    Diagnostic::new(
                        Code::E0304,
                        u.span,
                        format!(
                            "missing argument `{}` of template `{}`",
                            p.name.node, t.name.node
                        ),
                    )
                    .with_label(p.span, "the parameter is declared here")
                    .with_help(format!("add `{}: ...` to the arguments", p.name.node)),
                );
                ok = false;
                continue;
            };
            let Some(ty) = self.resolve_type_quiet(&p.ty) else {
                ok = false;
                continue;
            };
            // Errors in defaults are reported at the declaration already.
            let before = self.diags.len();
            match self
                .eval_expr(default, Scope::of(tref.module), Some(&ty))
                .and_then(|v| conform(&v, &ty).ok())
            {
                Some(v) => {
                    params.insert(p.name.node.clone(), v);
                }
                None => ok = false,
            }
            self.diags.truncate(before);
        }
        ok
    }

    fn lookup_template(
        &mut self,
        u: &ast::UseStmt,
        scope: Scope<'_>,
    ) -> Option<(ItemRef, &'r ast::TemplateDecl)> {
        let name = u.template.dotted();
        let Some(b) = self.res.lookup_path(scope.module, &u.template) else {
            if self.res.excused(scope.module, &name) {
                return None;
            }
            let templates = self.res.names_in_scope_where(scope.module, |b| {
                matches!(self.res.item(b.target), Some(ast::Item::Template(_)))
            });
            let mut d = Diagnostic::new(
                Code::E0201,
                u.template.span,
                format!("unknown template `{name}`"),
            );
            let from_std =
                self.std_import(scope.module, &name, |i| matches!(i, ast::Item::Template(_)));
            if let Some((help, at, text)) = from_std {
                d = d.with_help(help).with_fix(at, text);
            } else if let Some(s) = suggest::closest(&name, templates.iter().copied()) {
                d = d
                    .with_help(format!("did you mean `{s}`?"))
                    .with_fix(u.template.span, s);
            } else if u.template.segments.len() > 1 {
                d = d.with_help(
                    "import the template first (`import module.template`) and use it by name",
                );
            } else {
                d = d.with_help("declare it with `template` or import it");
            }
            self.err(d);
            return None;
        };
        self.refer_binding(u.template.span, b);
        match self.res.item(b.target) {
            Some(ast::Item::Template(t)) => Some((b.target, t)),
            Some(item) => {
                let what = item_kind_name(item);
                self.err(
                    Diagnostic::new(
                        Code::E0206,
                        u.template.span,
                        format!("`{name}` is a {what}, not a template"),
                    )
                    .with_label(b.span, "declared here")
                    .with_help("only templates can be pulled in with `use`"),
                );
                None
            }
            None => None,
        }
    }
}

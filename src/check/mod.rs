//! Types, operator selection per key type, template expansion (E03xx).
//!
//! `check` walks the resolved modules and produces the typed IR: every constant evaluated,
//! every template expanded, every ARN interpolated, every condition operator chosen from
//! its key's catalog type. Templates are checked twice: at their definition, with each
//! parameter a symbolic value of its type (so errors in unused templates are reported), and
//! where they are used, with the arguments (for what depends on values and on the document
//! kind). A diagnostic both passes find is reported once.

pub mod catalog;
pub mod cond;
pub mod ir;
mod principals;
mod rules;
pub mod types;

use crate::catalog::Catalog;
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::policy::{values, DocumentKind};
use crate::resolve::{ItemRef, Resolved};
use crate::source::{Span, Spanned};
use crate::syntax::ast;
use std::collections::{BTreeMap, HashMap};
use types::{conform, Mismatch, SVal, Ty, Val};

/// The selected environment of `iamc.toml`: its name and constants.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub name: Option<String>,
    pub constants: BTreeMap<String, String>,
    /// The `[env.NAME]` table in `iamc.toml`, for diagnostics.
    pub span: Option<Span>,
}

/// Checks a resolved program and builds its IR.
pub fn check(res: &Resolved<'_>, env: &Env, catalog: &Catalog) -> (ir::Program, Vec<Diagnostic>) {
    let mut c = Checker {
        res,
        env,
        catalog,
        diags: Vec::new(),
        consts: HashMap::new(),
        doc_index: BTreeMap::new(),
        program: ir::Program::default(),
        in_condition: false,
        defining: false,
        active: Vec::new(),
    };
    c.run();
    let mut diags = c.diags;
    crate::diagnostics::finish(&mut diags);
    (c.program, diags)
}

/// The maximum nesting of `use` inside templates.
pub const MAX_USE_DEPTH: usize = 16;

enum ConstState {
    InProgress,
    Done(Option<SVal>),
}

/// Where names are looked up: a module, and the parameters of the template being expanded.
#[derive(Clone, Copy)]
struct Scope<'s> {
    module: usize,
    params: Option<&'s BTreeMap<String, SVal>>,
}

struct Checker<'a, 'r> {
    res: &'a Resolved<'r>,
    env: &'a Env,
    catalog: &'a Catalog,
    diags: Vec<Diagnostic>,
    consts: HashMap<ItemRef, ConstState>,
    doc_index: BTreeMap<ItemRef, usize>,
    program: ir::Program,
    /// Evaluating a condition's value: a malformed literal there is E0321.
    in_condition: bool,
    /// Checking a template at its definition: `use`s inside check their arguments but do
    /// not expand (each template body is checked at its own definition).
    defining: bool,
    /// The templates being expanded, outermost first (to stop self-use).
    active: Vec<ItemRef>,
}

fn document_kind(k: ast::DocumentKeyword) -> DocumentKind {
    match k {
        ast::DocumentKeyword::Policy => DocumentKind::Identity,
        ast::DocumentKeyword::Boundary => DocumentKind::Boundary,
        ast::DocumentKeyword::Trust => DocumentKind::Trust,
        ast::DocumentKeyword::Scp => DocumentKind::Scp,
        ast::DocumentKeyword::Rcp => DocumentKind::Rcp,
        ast::DocumentKeyword::Resource => DocumentKind::Resource,
    }
}

impl<'a, 'r> Checker<'a, 'r> {
    fn run(&mut self) {
        // Documents get their indexes first so principals can refer to any of them.
        for (mi, m) in self.res.modules.iter().enumerate() {
            for (ii, item) in m.ast.items.iter().enumerate() {
                if let ast::Item::Document(d) = item {
                    let idx = self.program.documents.len();
                    self.doc_index.insert(
                        ItemRef {
                            module: mi,
                            item: ii,
                        },
                        idx,
                    );
                    self.program.documents.push(ir::Document {
                        name: d.name.clone(),
                        module: m.path.clone(),
                        kind: document_kind(d.keyword.node),
                        doc: d.doc.as_ref().map(|d| d.node.clone()),
                        rules: Vec::new(),
                        span: d.span,
                    });
                }
            }
        }
        self.report_output_collisions();
        // Principals are numbered in declaration order, so proofs can name later ones.
        let mut principal_refs: Vec<(ItemRef, usize)> = Vec::new();
        for (mi, m) in self.res.modules.iter().enumerate() {
            for (ii, item) in m.ast.items.iter().enumerate() {
                if matches!(item, ast::Item::Principal(_)) {
                    let n = principal_refs.len();
                    principal_refs.push((
                        ItemRef {
                            module: mi,
                            item: ii,
                        },
                        n,
                    ));
                }
            }
        }
        for (mi, m) in self.res.modules.iter().enumerate() {
            for (ii, item) in m.ast.items.iter().enumerate() {
                let r = ItemRef {
                    module: mi,
                    item: ii,
                };
                match item {
                    ast::Item::Const(_) => {
                        self.eval_const(r);
                    }
                    ast::Item::Template(t) => self.check_template_decl(r, t),
                    ast::Item::Document(d) => {
                        let rules = self.expand_document(mi, d);
                        if let Some(&idx) = self.doc_index.get(&r) {
                            if let Some(doc) = self.program.documents.get_mut(idx) {
                                doc.rules = rules;
                            }
                        }
                    }
                    ast::Item::Principal(p) => {
                        let p = self.check_principal(mi, p);
                        self.program.principals.push(p);
                    }
                    ast::Item::Prove(p) => {
                        if let Some(p) = self.check_proof(mi, p, &principal_refs) {
                            self.program.proofs.push(p);
                        }
                    }
                    ast::Item::Import(_) => {}
                }
            }
        }
    }

    /// Output files are named after documents; two user documents with one name collide.
    fn report_output_collisions(&mut self) {
        let mut seen: BTreeMap<String, (Span, String)> = BTreeMap::new();
        for (r, &idx) in &self.doc_index {
            if self.res.modules.get(r.module).is_some_and(|m| m.is_std) {
                continue;
            }
            let Some(doc) = self.program.documents.get(idx) else {
                continue;
            };
            let key = doc.name.node.to_lowercase();
            if let Some((span, module)) = seen.get(&key) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        doc.name.span,
                        format!(
                            "a document named `{}` is already declared in module `{module}`",
                            doc.name.node
                        ),
                    )
                    .with_label(*span, "declared here too")
                    .with_help("each document is written to `<name>.json`; give the documents distinct names"),
                );
            } else {
                seen.insert(key, (doc.name.span, doc.module.clone()));
            }
        }
    }

    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// "parameter `x` is declared twice", pointing back at the first one.
    fn repeated(&mut self, code: Code, name: &ast::Ident, first: Span, what: &str, verb: &str) {
        self.err(
            Diagnostic::new(
                code,
                name.span,
                format!("{what} `{}` is {verb} twice", name.node),
            )
            .with_label(first, format!("first {verb} here")),
        );
    }

    fn mismatch(&mut self, (span, m): (Span, Mismatch)) {
        let d = match m {
            Mismatch::Type { expected, found } => Diagnostic::new(
                Code::E0301,
                span,
                format!("expected `{expected}`, found `{found}`"),
            ),
            Mismatch::Content {
                expected,
                why,
                text,
            } => Diagnostic::new(
                Code::E0302,
                span,
                match text {
                    Some(t) => format!("`{t}` is not a valid `{expected}`"),
                    None => format!("this is not a valid `{expected}`"),
                },
            )
            .with_help(why),
        };
        self.err(d);
    }

    /// Resolves a written type.
    fn resolve_type(&mut self, t: &ast::TypeExpr) -> Option<Ty> {
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

    fn eval_const(&mut self, r: ItemRef) -> Option<SVal> {
        self.eval_const_at(r, None)
    }

    /// Evaluates a constant once; `use_span` is where it is referred to (for cycles).
    fn eval_const_at(&mut self, r: ItemRef, use_span: Option<Span>) -> Option<SVal> {
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
        let scope = Scope {
            module: r.module,
            params: None,
        };
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

    /// Evaluates an expression. `want` is the type the context expects, if known; it only
    /// decides whether an unbound name may stand for a service prefix.
    fn eval_expr(&mut self, e: &ast::Expr, scope: Scope<'_>, want: Option<&Ty>) -> Option<SVal> {
        let val = match &e.kind {
            ast::ExprKind::String(s) => Val::Str(s.clone()),
            ast::ExprKind::Number(n) => Val::Num(n.clone()),
            ast::ExprKind::Bool(b) => Val::Bool(*b),
            ast::ExprKind::Wildcard => Val::Wildcard,
            ast::ExprKind::Action(a) => Val::Action(format!("{}:{}", a.service.node, a.name.node)),
            ast::ExprKind::Arn(lit) => match self.interpolate(lit, e.span, scope)? {
                ArnText::Known(text) => Val::Arn(text),
                ArnText::Sym(ty) => Val::Sym(ty),
            },
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

    /// Builds an ARN literal's text, substituting `{name}` parts.
    fn interpolate(&mut self, lit: &ast::ArnLit, span: Span, scope: Scope<'_>) -> Option<ArnText> {
        let mut text = String::new();
        let mut ok = true;
        let mut symbolic = false;
        for part in &lit.parts {
            match part {
                ast::ArnPart::Text(t) => text.push_str(&t.node),
                ast::ArnPart::PolicyVar(v) => text.push_str(&v.node),
                ast::ArnPart::Interp(path) => match self.eval_name(path, scope, None) {
                    Some(SVal {
                        val: Val::Sym(ty), ..
                    }) if !matches!(ty, Ty::Principal | Ty::List(_)) => symbolic = true,
                    Some(v) => match v.val.text() {
                        Some(t) if !matches!(v.val, Val::Principal(_) | Val::List(_)) => {
                            text.push_str(&t)
                        }
                        _ => {
                            self.err(
                                Diagnostic::new(
                                    Code::E0301,
                                    path.span,
                                    format!(
                                        "`{}` is a `{}`, which cannot be part of an ARN",
                                        path.dotted(),
                                        v.val.describe()
                                    ),
                                )
                                .with_help(
                                    "interpolate a single string, account id, service or ARN",
                                ),
                            );
                            ok = false;
                        }
                    },
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        if symbolic {
            // The text is only known at a use; so is whether it is an ARN.
            let ty = if types::has_wildcard(&text) {
                Ty::ArnPattern
            } else {
                Ty::Arn
            };
            return Some(ArnText::Sym(ty));
        }
        if text != "*" && !arn_shape_ok(&text) {
            self.err(
                Diagnostic::new(Code::E0319, span, format!("`{text}` is not an ARN"))
                    .with_help("an ARN is `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (six parts separated by `:`)"),
            );
            return None;
        }
        if let Some(account) = bad_arn_account(&text) {
            self.err(
                Diagnostic::new(
                    Code::E0319,
                    span,
                    format!("the account `{account}` in `{text}` is not a 12-digit account id"),
                )
                .with_help("the fifth part of an ARN is a 12-digit account id (no dashes), `*`, or empty (S3 buckets, public AMIs); AWS-managed policies use `aws`"),
            );
            return None;
        }
        Some(ArnText::Known(text))
    }

    /// Looks a dotted name up: `env.NAME`, a template parameter, a constant in scope, or
    /// (where a service is expected) a service prefix.
    fn eval_name(&mut self, path: &ast::Path, scope: Scope<'_>, want: Option<&Ty>) -> Option<SVal> {
        let segs = &path.segments;
        if segs.len() == 2 && segs.first().is_some_and(|s| s.node == "env") {
            let name = segs.get(1).map(|s| s.node.as_str()).unwrap_or("");
            return match self.env.constants.get(name) {
                Some(v) => Some(SVal::new(Val::Str(v.clone()), path.span)),
                None => {
                    let mut d = Diagnostic::new(
                        Code::E0905,
                        path.span,
                        match &self.env.name {
                            Some(env) => {
                                format!("environment `{env}` defines no constant `{name}`")
                            }
                            None => {
                                format!("no environment is selected, so `env.{name}` has no value")
                            }
                        },
                    );
                    if let Some(s) =
                        suggest::closest(name, self.env.constants.keys().map(String::as_str))
                    {
                        d = d.with_help(format!("did you mean `env.{s}`?"));
                    } else {
                        d = d.with_help(format!(
                            "add `{name} = \"...\"` to the environment's table in `iamc.toml`"
                        ));
                    }
                    if let Some(span) = self.env.span {
                        d = d.with_label(span, "the environment is defined here");
                    }
                    self.err(d);
                    None
                }
            };
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
        if let Some(v) = scope.params.and_then(|p| p.get(name)) {
            return Some(respan(v.clone(), path.span));
        }
        if let Some(b) = self.res.lookup(scope.module, name) {
            return match self.res.item(b.target) {
                Some(ast::Item::Const(_)) => self
                    .eval_const_at(b.target, Some(path.span))
                    .map(|v| respan(v, path.span)),
                Some(item) => {
                    let what = item_kind_name(item);
                    self.err(
                        Diagnostic::new(
                            Code::E0207,
                            path.span,
                            format!("`{name}` is a {what}, not a value"),
                        )
                        .with_label(b.span, "declared here"),
                    );
                    None
                }
                None => None,
            };
        }
        if want.is_some_and(Ty::accepts_service_names) && types::is_service_name(name) {
            return Some(SVal::new(Val::Service(name.to_string()), path.span));
        }
        let mut candidates: Vec<&str> = self.res.names_in_scope(scope.module);
        if let Some(p) = scope.params {
            candidates.extend(p.keys().map(String::as_str));
        }
        let mut d = Diagnostic::new(Code::E0201, path.span, format!("unknown name `{name}`"));
        if let Some(s) = suggest::closest(name, candidates) {
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

    /// Checks a template where it is declared: its parameters, defaults and body (see the
    /// module docs), and whether it uses itself.
    fn check_template_decl(&mut self, r: ItemRef, t: &ast::TemplateDecl) {
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
                let scope = Scope {
                    module,
                    params: None,
                };
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
        let scope = Scope {
            module,
            params: Some(&params),
        };
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

    fn expand_document(&mut self, module: usize, d: &ast::DocumentDecl) -> Vec<ir::Rule> {
        let ctx = rules::DocCtx {
            kind: Some(document_kind(d.keyword.node)),
        };
        let mut out = Vec::new();
        let scope = Scope {
            module,
            params: None,
        };
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
            return;
        }
        let mut params: BTreeMap<String, SVal> = BTreeMap::new();
        let mut given: BTreeMap<&str, Span> = BTreeMap::new();
        let mut ok = true;
        for arg in &u.args {
            if let Some(prev) = given.insert(&arg.name.node, arg.name.span) {
                self.repeated(Code::E0306, &arg.name, prev, "argument", "given");
                ok = false;
                continue;
            }
            let Some(param) = t.params.iter().find(|p| p.name.node == arg.name.node) else {
                let mut d = Diagnostic::new(
                    Code::E0305,
                    arg.name.span,
                    format!(
                        "template `{}` has no parameter `{}`",
                        t.name.node, arg.name.node
                    ),
                );
                let names: Vec<&str> = t.params.iter().map(|p| p.name.node.as_str()).collect();
                if let Some(s) = suggest::closest(&arg.name.node, names.iter().copied()) {
                    d = d
                        .with_help(format!("did you mean `{s}`?"))
                        .with_fix(arg.name.span, s);
                } else {
                    d = d.with_help(format!("its parameters are: {}", names.join(", ")));
                }
                self.err(d);
                ok = false;
                continue;
            };
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
        for p in &t.params {
            if params.contains_key(&p.name.node) || given.contains_key(p.name.node.as_str()) {
                continue;
            }
            match &p.default {
                Some(default) => {
                    let Some(ty) = self.resolve_type_quiet(&p.ty) else {
                        ok = false;
                        continue;
                    };
                    let tscope = Scope {
                        module: tref.module,
                        params: None,
                    };
                    // Errors in defaults are reported at the declaration already.
                    let before = self.diags.len();
                    match self
                        .eval_expr(default, tscope, Some(&ty))
                        .and_then(|v| conform(&v, &ty).ok())
                    {
                        Some(v) => {
                            params.insert(p.name.node.clone(), v);
                        }
                        None => ok = false,
                    }
                    self.diags.truncate(before);
                }
                None => {
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
                }
            }
        }
        // At a definition, the used template's body is checked at its own definition.
        if !ok || self.defining {
            return;
        }
        self.active.push(tref);
        stack.push((t.name.node.clone(), u.span));
        let tscope = Scope {
            module: tref.module,
            params: Some(&params),
        };
        self.expand_body(&t.body, tscope, ctx, stack, out);
        stack.pop();
        self.active.pop();
    }

    /// A type already reported (if bad) at its declaration.
    fn resolve_type_quiet(&mut self, t: &ast::TypeExpr) -> Option<Ty> {
        let before = self.diags.len();
        let ty = self.resolve_type(t);
        self.diags.truncate(before);
        ty
    }

    fn lookup_template(
        &mut self,
        u: &ast::UseStmt,
        scope: Scope<'_>,
    ) -> Option<(ItemRef, &'r ast::TemplateDecl)> {
        let name = u.template.dotted();
        let Some(b) = self.res.lookup_path(scope.module, &u.template) else {
            let templates = self.res.names_in_scope_where(scope.module, |b| {
                matches!(self.res.item(b.target), Some(ast::Item::Template(_)))
            });
            let mut d = Diagnostic::new(
                Code::E0201,
                u.template.span,
                format!("unknown template `{name}`"),
            );
            if let Some(s) = suggest::closest(&name, templates.iter().copied()) {
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

/// An ARN literal's text, or (with a symbolic part) only its type.
enum ArnText {
    Known(String),
    Sym(Ty),
}

fn respan(v: SVal, span: Span) -> SVal {
    SVal { val: v.val, span }
}

fn item_kind_name(item: &ast::Item) -> &'static str {
    match item {
        ast::Item::Const(_) => "constant",
        ast::Item::Template(_) => "template",
        ast::Item::Document(d) => match d.keyword.node {
            ast::DocumentKeyword::Policy => "policy",
            ast::DocumentKeyword::Boundary => "boundary",
            ast::DocumentKeyword::Trust => "trust policy",
            ast::DocumentKeyword::Scp => "service control policy",
            ast::DocumentKeyword::Rcp => "resource control policy",
            ast::DocumentKeyword::Resource => "resource policy",
        },
        ast::Item::Principal(_) => "principal",
        ast::Item::Import(_) => "import",
        ast::Item::Prove(_) => "proof",
    }
}

/// `arn:partition:service:region:account:resource`: at least six `:`-separated parts
/// (the resource part may hold more `:`), starting with `arn`.
fn arn_shape_ok(text: &str) -> bool {
    let mut parts = text.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next().is_some()
        && parts.next().is_some()
        && parts.next().is_some_and(|p| !p.is_empty())
}

/// The account part of an ARN when it cannot be one: not empty, `aws` (managed policies),
/// `cloudfront` (origin access identities), 12 digits, or a pattern or policy variable that may stand for them.
fn bad_arn_account(text: &str) -> Option<&str> {
    let account = text.split(':').nth(4)?;
    if account.is_empty()
        || account == "aws"
        || account == "cloudfront"
        || types::is_account_id(account)
        || types::has_policy_variable(account)
    {
        return None;
    }
    if types::has_wildcard(account) {
        // `*`, `1111????3333`: fine when it can still be 12 digits.
        let fixed = account.chars().filter(|&c| c != '*').count();
        let digits_only = account
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '?');
        let fits = if account.contains('*') {
            fixed <= 12
        } else {
            fixed == 12
        };
        return (!(digits_only && fits)).then_some(account);
    }
    Some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_accounts() {
        assert_eq!(bad_arn_account("arn:aws:s3:::b/*"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            None
        );
        assert_eq!(bad_arn_account("arn:aws:iam::*:role/x"), None);
        assert_eq!(bad_arn_account("arn:aws:iam::1111222233??:role/x"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::${aws:PrincipalAccount}:role/x"),
            None
        );
        assert_eq!(bad_arn_account("arn:aws:ec2:eu-west-1::image/ami-1"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"),
            None
        );
        assert_eq!(
            bad_arn_account("arn:aws:ec2:eu-west-1:12345:instance/*"),
            Some("12345")
        );
        assert_eq!(
            bad_arn_account("arn:aws:iam::1111-2222-3333:role/x"),
            Some("1111-2222-3333")
        );
        assert_eq!(bad_arn_account("arn:aws:iam::111?:role/x"), Some("111?"));
    }

    #[test]
    fn arn_shapes() {
        assert!(arn_shape_ok("arn:aws:s3:::bucket/*"));
        assert!(arn_shape_ok("arn:aws:iam::*:user/${aws:username}"));
        assert!(!arn_shape_ok("arn:aws::s3"));
        assert!(!arn_shape_ok("arn:aws:s3:::"));
        assert!(!arn_shape_ok("s3:::b"));
    }
}

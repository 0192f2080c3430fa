//! The file and its declarations.
//!
//! Declarations are separated by one blank line, except that a run of imports or a run of
//! constants keeps the author's choice (none or one). Doc comments are comments like any
//! other here: they come back in order right before their declaration, and since the
//! separator never puts a blank line between a comment and the code after it unless the
//! author had one, the parser attaches them to the same declaration again.

use super::doc::{concat, group, text, Doc};
use super::Walk;
use crate::syntax::ast::{
    ConstDecl, DocumentDecl, Field, Import, ImportName, Item, Module, Param, PrincipalDecl,
    ProveDecl, TemplateDecl, TypeExpr, TypeExprKind,
};

impl Walk<'_> {
    pub(super) fn module(&mut self, m: &Module) -> Doc {
        let mut parts = Vec::new();
        let mut prev: Option<&Item> = None;
        for item in &m.items {
            let force_blank = prev.is_some_and(|p| !same_run(p, item));
            let prev_end = prev.map(|p| p.span().end as usize);
            let start = item.span().start as usize;
            parts.push(self.trivia.top_separator(prev_end, start, force_blank));
            parts.push(self.item(item));
            prev = Some(item);
        }
        parts.push(self.trivia.end_of_file(prev.map(|p| p.span().end as usize)));
        concat(parts)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Import(i) => self.import(i),
            Item::Const(c) => self.const_decl(c),
            Item::Template(t) => self.template(t),
            Item::Document(d) => self.document(d),
            Item::Principal(p) => self.principal_decl(p),
            Item::Prove(p) => self.prove(p),
        }
    }

    /// `import a.b.c`, `import a.b.c as d` or `import a.b.{c, d as e}`, in the form the
    /// author chose (they mean the same).
    fn import(&mut self, i: &Import) -> Doc {
        let module = self.src(i.module.span).to_string();
        let dot = self.trivia.token_after(i.module.span.end as usize);
        let after_dot = self.trivia.token_after(dot + 1);
        let grouped = self.trivia.slice(after_dot, after_dot + 1) == "{";
        if grouped {
            let close = (i.span.end as usize).saturating_sub(1);
            let names = self.block_list(
                ("{", "}"),
                close,
                &i.names,
                Walk::import_name,
                |n| n.span,
                true,
            );
            return concat(vec![text(format!("import {module}.")), names]);
        }
        let names: Vec<Doc> = i.names.iter().map(|n| self.import_name(n)).collect();
        concat(vec![text(format!("import {module}.")), concat(names)])
    }

    fn import_name(&mut self, n: &ImportName) -> Doc {
        let name = self.src(n.name.span);
        text(match &n.alias {
            Some(a) => format!("{name} as {}", self.src(a.span)),
            None => name.to_string(),
        })
    }

    fn type_expr(&self, t: &TypeExpr) -> String {
        match &t.kind {
            TypeExprKind::Named(n) => n.node.clone(),
            TypeExprKind::List(inner) => format!("List<{}>", self.type_expr(inner)),
        }
    }

    /// `const name: Type = value`
    fn const_decl(&mut self, c: &ConstDecl) -> Doc {
        let mut head = format!("const {}", self.src(c.name.span));
        if let Some(t) = &c.ty {
            head.push_str(": ");
            head.push_str(&self.type_expr(t));
        }
        head.push_str(" =");
        let value = self.then(c.value.span.start as usize, text(" "), |w| w.expr(&c.value));
        concat(vec![text(head), value])
    }

    /// `template name(params) { ... }`; parameters are broken one per line when they do not
    /// fit.
    fn template(&mut self, t: &TemplateDecl) -> Doc {
        let lparen = self.trivia.token_after(t.name.span.end as usize);
        let after_params = t.params.last().map_or(lparen + 1, |p| p.span.end as usize);
        let mut rparen = self.trivia.token_after(after_params);
        if self.trivia.slice(rparen, rparen + 1) == "," {
            rparen = self.trivia.token_after(rparen + 1);
        }
        let params = self.block_list(
            ("(", ")"),
            rparen,
            &t.params,
            Walk::param,
            |p| p.span,
            false,
        );
        let close = (t.span.end as usize).saturating_sub(1);
        let body = self.body(&t.body, close);
        concat(vec![
            text(format!("template {}", self.src(t.name.span))),
            group(params),
            text(" "),
            body,
        ])
    }

    fn param(&mut self, p: &Param) -> Doc {
        let head = format!("{}: {}", self.src(p.name.span), self.type_expr(&p.ty));
        match &p.default {
            None => text(head),
            Some(d) => {
                let value = self.then(d.span.start as usize, text(" "), |w| w.expr(d));
                concat(vec![text(head), text(" ="), value])
            }
        }
    }

    /// `policy Name { ... }` and the other document kinds.
    /// `resource Name on ARN { ... }`: the target follows the name.
    fn document(&mut self, d: &DocumentDecl) -> Doc {
        let head = text(format!(
            "{} {}",
            d.keyword.node.as_str(),
            self.src(d.name.span)
        ));
        let target = d.target.as_ref().map(|t| {
            let on = self.trivia.token_after(d.name.span.end as usize);
            self.then(on, text(" "), |w| {
                let value = w.then(t.span.start as usize, text(" "), |w| w.expr(t));
                concat(vec![text("on"), value])
            })
        });
        let close = (d.span.end as usize).saturating_sub(1);
        let body = self.body(&d.body, close);
        let mut parts = vec![head];
        parts.extend(target);
        parts.push(text(" "));
        parts.push(body);
        concat(parts)
    }

    /// `principal Name { field: value ... }`, one field per line, no commas.
    fn principal_decl(&mut self, p: &PrincipalDecl) -> Doc {
        let close = (p.span.end as usize).saturating_sub(1);
        let braces = self.braces(&p.fields, close, |f| f.span, Walk::field);
        concat(vec![
            text(format!("principal {} ", self.src(p.name.span))),
            braces,
        ])
    }

    fn field(&mut self, f: &Field) -> Doc {
        let value = self.then(f.value.span.start as usize, text(" "), |w| w.expr(&f.value));
        concat(vec![text(format!("{}:", self.src(f.name.span))), value])
    }

    /// `prove Target { property ... }`, one property per line.
    fn prove(&mut self, p: &ProveDecl) -> Doc {
        let close = (p.span.end as usize).saturating_sub(1);
        let braces = self.braces(&p.properties, close, |p| p.span, Walk::property);
        concat(vec![
            text(format!("prove {} ", self.src(p.target.span))),
            braces,
        ])
    }
}

/// Imports next to imports and constants next to constants may be written without a blank
/// line between them.
fn same_run(a: &Item, b: &Item) -> bool {
    matches!(
        (a, b),
        (Item::Import(_), Item::Import(_)) | (Item::Const(_), Item::Const(_))
    )
}

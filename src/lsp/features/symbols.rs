//! Symbols: the outline of a file (its declarations, a template's parameters, a proof's
//! properties) and the declarations of the whole workspace, searched by name.

use super::{keyword, Ctx};
use crate::resolve::names::DefKind;
use crate::source::{Origin, Span};
use crate::syntax::ast;
use crate::Analysis;

/// What a symbol is, for the client's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Import,
    Const,
    Template,
    Parameter,
    Document,
    Principal,
    Proof,
    Property,
}

/// One symbol of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// The name, inside `span`.
    pub name_span: Span,
    pub children: Vec<Symbol>,
}

/// The outline of the file.
pub fn document_symbols(ctx: &Ctx<'_>) -> Vec<Symbol> {
    let Some(module) = ctx.module() else {
        return Vec::new();
    };
    module.items.iter().map(|i| item(ctx, i)).collect()
}

fn item(ctx: &Ctx<'_>, i: &ast::Item) -> Symbol {
    let src = &ctx.analysis.sources;
    let leaf = |name: &str, kind, span, name_span, detail: Option<String>| Symbol {
        name: name.to_string(),
        detail,
        kind,
        span,
        name_span,
        children: Vec::new(),
    };
    match i {
        ast::Item::Import(imp) => leaf(
            src.slice(imp.span).trim_start_matches("import").trim(),
            SymbolKind::Import,
            imp.span,
            imp.module.span,
            None,
        ),
        ast::Item::Const(c) => leaf(
            &c.name.node,
            SymbolKind::Const,
            c.span,
            c.name.span,
            c.ty.as_ref().map(crate::resolve::names::type_text),
        ),
        ast::Item::Template(t) => Symbol {
            children: t
                .params
                .iter()
                .map(|p| {
                    leaf(
                        &p.name.node,
                        SymbolKind::Parameter,
                        p.span,
                        p.name.span,
                        Some(crate::resolve::names::type_text(&p.ty)),
                    )
                })
                .collect(),
            ..leaf(
                &t.name.node,
                SymbolKind::Template,
                t.span,
                t.name.span,
                Some("template".into()),
            )
        },
        ast::Item::Document(d) => leaf(
            &d.name.node,
            SymbolKind::Document,
            d.span,
            d.name.span,
            Some(keyword(i).to_string()),
        ),
        ast::Item::Principal(p) => leaf(
            &p.name.node,
            SymbolKind::Principal,
            p.span,
            p.name.span,
            None,
        ),
        ast::Item::Prove(p) => Symbol {
            children: p
                .properties
                .iter()
                .map(|prop| {
                    let text = src.slice(prop.span);
                    let first = text.lines().next().unwrap_or("").trim();
                    leaf(first, SymbolKind::Property, prop.span, prop.span, None)
                })
                .collect(),
            ..leaf(
                &format!("prove {}", p.target.dotted()),
                SymbolKind::Proof,
                p.span,
                p.target.span,
                None,
            )
        },
    }
}

/// A declaration found by a workspace search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    pub kind: SymbolKind,
    pub span: Span,
    /// The module declaring it.
    pub module: String,
}

/// The declarations of the user's files whose name contains `query` (any case).
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<Found> {
    let query = query.to_lowercase();
    analysis
        .names
        .definitions()
        .filter_map(|(_, d)| {
            let kind = match d.kind {
                DefKind::Const => SymbolKind::Const,
                DefKind::Template => SymbolKind::Template,
                DefKind::Document => SymbolKind::Document,
                DefKind::Principal => SymbolKind::Principal,
                _ => return None,
            };
            let user = matches!(
                analysis.sources.get(d.span.file).map(|f| &f.origin),
                Some(Origin::File(_) | Origin::Memory(_))
            );
            (user && d.name.to_lowercase().contains(&query)).then(|| Found {
                name: d.name.clone(),
                kind,
                span: d.span,
                module: d.module.clone(),
            })
        })
        .collect()
}

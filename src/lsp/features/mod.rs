//! The editor features, each a function of the analysis snapshot and a byte offset.
//!
//! Nothing here knows the protocol: features take byte offsets into one file of an
//! [`Analysis`] and return plain data with byte spans; `convert` turns both ways. So every
//! feature is a compiler query that a unit test can ask without a client, and the
//! protocol's quirks (UTF-16 columns, URIs, optional capabilities) live in one place.

pub mod actions;
pub mod completion;
pub mod formatting;
pub mod hover;
pub mod inlay;
pub mod lenses;
pub mod locate;
pub mod navigation;
mod place;
pub mod rename;
mod scan;
pub mod symbols;

use super::proofs::Proofs;
use crate::catalog::Catalog;
use crate::project::Environment;
use crate::resolve::names::{DefId, DefKind, Definition};
use crate::source::{FileId, Span};
use crate::syntax::ast;
use crate::Analysis;

/// What a feature reads: one file of one analysis, and what came with the analysis.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub analysis: &'a Analysis,
    pub catalog: &'a Catalog,
    pub file: FileId,
    /// The selected environment (values of `env.NAME`).
    pub env: Option<&'a Environment>,
    pub proofs: &'a Proofs,
}

impl<'a> Ctx<'a> {
    /// The file's text, as analysed.
    pub fn text(&self) -> &'a str {
        self.analysis.sources.text(self.file)
    }

    /// The file's AST.
    pub fn module(&self) -> Option<&'a ast::Module> {
        self.analysis.file(self.file).map(|f| &f.ast)
    }

    /// The module path of the file (`iam.app`).
    pub fn module_path(&self) -> &'a str {
        self.analysis
            .file(self.file)
            .map_or("", |f| f.module.as_str())
    }

    /// The declaration a definition names, in the AST of its file.
    pub fn item_of(&self, def: &Definition) -> Option<&'a ast::Item> {
        self.analysis
            .file(def.span.file)?
            .ast
            .items
            .iter()
            .find(|i| i.name().is_some_and(|n| n.span == def.span))
    }

    /// The template declaring a parameter, and the parameter.
    pub fn param_of(&self, def: &Definition) -> Option<(&'a ast::TemplateDecl, &'a ast::Param)> {
        self.analysis
            .file(def.span.file)?
            .ast
            .items
            .iter()
            .find_map(|i| match i {
                ast::Item::Template(t) => t
                    .params
                    .iter()
                    .find(|p| p.name.span == def.span)
                    .map(|p| (t, p)),
                _ => None,
            })
    }

    /// The value of `env.NAME` as `iamc.toml` writes it (`"123412341234"`, `["a", "b"]`).
    pub fn env_value(&self, name: &str) -> Option<String> {
        let c = self.env?.get(name)?;
        let written = self.analysis.sources.slice(c.value_span);
        if !written.is_empty() {
            return Some(written.to_string());
        }
        self.env?.value(name).map(|v| format!("{v:?}"))
    }

    /// The definitions of a kind visible by name in this file: its module's own and those
    /// it imports (under their local names).
    pub fn in_scope(&self, kinds: &[DefKind]) -> Vec<(String, DefId, &'a Definition)> {
        let names = &self.analysis.names;
        let module = self.module_path();
        let mut out: Vec<(String, DefId, &Definition)> = names
            .definitions()
            .filter(|(_, d)| d.module == module && kinds.contains(&d.kind))
            .map(|(id, d)| (d.name.clone(), id, d))
            .collect();
        for item in self.module().map(|m| m.items.as_slice()).unwrap_or(&[]) {
            let ast::Item::Import(imp) = item else {
                continue;
            };
            for n in &imp.names {
                let Some(r) = names.reference_at(self.file, n.name.span.start) else {
                    continue;
                };
                let crate::resolve::names::Target::Def(id) = r.target else {
                    continue;
                };
                if let Some(d) = names.definition(id).filter(|d| kinds.contains(&d.kind)) {
                    out.push((n.local().node.clone(), id, d));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

/// Replace the text at `span` by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A span contains an offset, its end included (a cursor just after a name is on it).
pub fn touches(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// A declaration's keyword as written (`policy`, `template`).
pub fn keyword(item: &ast::Item) -> &'static str {
    match item {
        ast::Item::Import(_) => "import",
        ast::Item::Const(_) => "const",
        ast::Item::Template(_) => "template",
        ast::Item::Document(d) => d.keyword.node.as_str(),
        ast::Item::Principal(_) => "principal",
        ast::Item::Prove(_) => "prove",
    }
}

/// A declaration's `///` documentation.
pub fn doc_of(item: &ast::Item) -> Option<&str> {
    match item {
        ast::Item::Const(c) => c.doc.as_ref(),
        ast::Item::Template(t) => t.doc.as_ref(),
        ast::Item::Document(d) => d.doc.as_ref(),
        ast::Item::Principal(p) => p.doc.as_ref(),
        ast::Item::Prove(p) => p.doc.as_ref(),
        ast::Item::Import(_) => None,
    }
    .map(|d| d.node.as_str())
}

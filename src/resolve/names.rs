//! The name table: every definition a name can refer to, and every use of a name in the
//! sources with the definition it resolves to.
//!
//! Definitions are made by `resolve` (modules, declarations, template parameters, the
//! selected environment's constants); references are recorded where the names are looked
//! up: imports here, everything inside expressions and declarations by `check`, which
//! follows the same rules it checks by. The language server answers "go to definition",
//! "find references" and hover from it by byte offset.
//!
//! Invariant: at most one reference per span (a template body is checked at its definition
//! and again at each use; its names resolve the same way every time, so the first
//! recording stands), and reference spans do not overlap.

use super::ItemRef;
use crate::source::{FileId, Span};
use crate::syntax::ast;
use std::collections::BTreeMap;

/// Identifies a definition in a [`NameTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(u32);

impl DefId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of the `index`th definition (tests build provenance by hand with it).
    #[cfg(test)]
    pub fn from_index(index: usize) -> DefId {
        DefId(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// What a definition defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    /// A module (a file); its span is empty, at the file's start.
    Module,
    Const,
    Template,
    /// `policy`, `boundary`, `trust`, `scp`, `rcp` or `resource`.
    Document,
    Principal,
    /// A template parameter.
    Param,
    /// A constant of the selected environment (`env.NAME`), defined in `iamc.toml`.
    EnvConstant,
}

/// Something a name can refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub kind: DefKind,
    /// The name as defined (`account`, `AppDeveloper`, `app.developer` for a module).
    pub name: String,
    /// The defining name: a declaration's or parameter's name, a constant's key in
    /// `iamc.toml`; a module's file start.
    pub span: Span,
    /// The module the definition belongs to (`""` for environment constants).
    pub module: String,
    /// The declared type as written (`AccountId`, `List<Service>`), for constants and
    /// parameters that declare one.
    pub ty: Option<String>,
}

/// What a name use resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Def(DefId),
    /// A bare service prefix where a service is expected (`services: [ec2, s3]`): a name
    /// of the catalog, with no definition in the sources.
    Service(String),
}

/// One use of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The name as written: an identifier, a dotted path (`env.account`, the module path
    /// of an import), or a named argument's name.
    pub span: Span,
    pub target: Target,
    /// The import (its local name) the name was found through, for names declared in
    /// another module.
    pub via: Option<Span>,
}

/// Every definition and every name use of one analysis.
#[derive(Clone, Debug, Default)]
pub struct NameTable {
    definitions: Vec<Definition>,
    /// By span: one reference per span.
    references: BTreeMap<Span, Reference>,
    /// While resolving and checking: the definition of each declaration, of each template
    /// parameter (by template and name) and of each environment constant.
    items: BTreeMap<ItemRef, DefId>,
    params: BTreeMap<(ItemRef, String), DefId>,
    env: BTreeMap<String, DefId>,
}

impl NameTable {
    /// Adds a definition.
    pub fn define(&mut self, def: Definition) -> DefId {
        let id = DefId(u32::try_from(self.definitions.len()).unwrap_or(u32::MAX));
        self.definitions.push(def);
        id
    }

    pub(super) fn define_item(&mut self, item: ItemRef, def: Definition) -> DefId {
        let id = self.define(def);
        self.items.insert(item, id);
        id
    }

    pub(super) fn define_param(&mut self, template: ItemRef, def: Definition) {
        let key = (template, def.name.clone());
        if !self.params.contains_key(&key) {
            let id = self.define(def);
            self.params.insert(key, id);
        }
    }

    pub(super) fn define_env(&mut self, def: Definition) {
        let name = def.name.clone();
        let id = self.define(def);
        self.env.insert(name, id);
    }

    /// Records a name use; the first recording of a span stands.
    pub fn refer(&mut self, span: Span, target: Target, via: Option<Span>) {
        self.references
            .entry(span)
            .or_insert(Reference { span, target, via });
    }

    /// Adds references recorded elsewhere (by `check`).
    pub fn extend(&mut self, references: impl IntoIterator<Item = Reference>) {
        for r in references {
            self.refer(r.span, r.target, r.via);
        }
    }

    /// The definition of a declaration.
    pub fn item_def(&self, item: ItemRef) -> Option<DefId> {
        self.items.get(&item).copied()
    }

    /// The definition of a template's parameter.
    pub fn param_def(&self, template: ItemRef, name: &str) -> Option<DefId> {
        self.params.get(&(template, name.to_string())).copied()
    }

    /// The definition of an environment constant.
    pub fn env_def(&self, name: &str) -> Option<DefId> {
        self.env.get(name).copied()
    }

    pub fn definition(&self, id: DefId) -> Option<&Definition> {
        self.definitions.get(id.index())
    }

    pub fn definitions(&self) -> impl Iterator<Item = (DefId, &Definition)> + '_ {
        self.definitions
            .iter()
            .enumerate()
            .map(|(i, d)| (DefId(u32::try_from(i).unwrap_or(u32::MAX)), d))
    }

    /// Every name use, by file and position.
    pub fn references(&self) -> impl Iterator<Item = &Reference> + '_ {
        self.references.values()
    }

    /// The name use at a byte offset (a cursor at a name's end counts as on it).
    pub fn reference_at(&self, file: FileId, offset: u32) -> Option<&Reference> {
        let upto = Span {
            file,
            start: offset,
            end: u32::MAX,
        };
        self.references
            .range(..=upto)
            .next_back()
            .map(|(_, r)| r)
            .filter(|r| r.span.file == file && r.span.start <= offset && offset <= r.span.end)
    }

    /// The definition a byte offset refers to: that of the name used there, or the one
    /// defined there (a cursor on a declaration's own name).
    pub fn definition_at(&self, file: FileId, offset: u32) -> Option<DefId> {
        if let Some(r) = self.reference_at(file, offset) {
            return match r.target {
                Target::Def(id) => Some(id),
                Target::Service(_) => None,
            };
        }
        self.definitions().find_map(|(id, d)| {
            (d.span.file == file
                && !d.span.is_empty()
                && d.span.start <= offset
                && offset <= d.span.end)
                .then_some(id)
        })
    }

    /// Every use of a definition, by file and position.
    pub fn references_of(&self, def: DefId) -> impl Iterator<Item = &Reference> + '_ {
        self.references
            .values()
            .filter(move |r| r.target == Target::Def(def))
    }
}

/// A written type as text: `AccountId`, `List<Service>`.
pub fn type_text(t: &ast::TypeExpr) -> String {
    match &t.kind {
        ast::TypeExprKind::Named(n) => n.node.clone(),
        ast::TypeExprKind::List(inner) => format!("List<{}>", type_text(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, start: usize) -> Definition {
        Definition {
            kind: DefKind::Const,
            name: name.into(),
            span: Span::new(FileId(0), start, start + name.len()),
            module: "m".into(),
            ty: None,
        }
    }

    #[test]
    fn offsets_find_uses_and_definitions() {
        let mut t = NameTable::default();
        let a = t.define(def("a", 6));
        let b = t.define(def("bb", 20));
        t.refer(Span::new(FileId(0), 40, 41), Target::Def(a), None);
        t.refer(Span::new(FileId(0), 50, 52), Target::Def(b), None);
        t.refer(Span::new(FileId(1), 40, 41), Target::Def(b), None);
        // The first recording of a span stands.
        t.refer(Span::new(FileId(0), 40, 41), Target::Def(b), None);
        assert_eq!(t.definition_at(FileId(0), 40), Some(a));
        assert_eq!(t.definition_at(FileId(0), 41), Some(a));
        assert_eq!(t.definition_at(FileId(0), 42), None);
        assert_eq!(t.definition_at(FileId(0), 51), Some(b));
        assert_eq!(t.definition_at(FileId(1), 40), Some(b));
        assert_eq!(t.definition_at(FileId(0), 21), Some(b));
        assert_eq!(t.references_of(b).count(), 2);
        assert_eq!(t.references().count(), 3);
    }
}

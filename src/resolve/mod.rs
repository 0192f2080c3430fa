//! Modules, imports and names: which declaration every name refers to (E02xx).
//!
//! A module is one file; its path comes from [`crate::source::SourceFile::module`]. Each
//! module gets a scope: its own declarations plus what it imports. Imports name declared
//! items only (no re-exports), and the import graph must be acyclic. Names inside
//! expressions (constants, template parameters, `env.NAME`) are looked up by `check`
//! through [`Resolved::lookup`]; every definition and every use goes into the
//! [`names::NameTable`].
//!
//! Broken declarations (left out for a syntax error) follow one rule, so that a syntax
//! error is not followed by errors that only repeat it: a name a broken declaration would
//! have defined is *broken* in its module and in every module importing it, and a use of
//! a broken name is silently an error value. A broken declaration whose name cannot be
//! read (or a broken `import`) could have defined any name: in its module, and in imports
//! from that module, no name is reported unknown. See [`Resolved::excused`]. An import
//! that fails (unknown module, E0202; no such declaration, E0203) is reported once: the
//! names it would have bound are broken in the importing module.

pub mod names;

use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::project::Environment;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast;
use names::{type_text, DefKind, Definition, NameTable, Target};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A declaration: the module it lives in and its index among that module's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    pub module: usize,
    pub item: usize,
}

/// What a name in a module's scope refers to, and where it was bound.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub target: ItemRef,
    /// The declaration's name or the import's local name.
    pub span: Span,
    /// Bound by an import (the declaration lives in another module).
    pub imported: bool,
}

/// One module with its scope.
#[derive(Debug)]
pub struct ModuleInfo<'a> {
    pub path: String,
    pub file: FileId,
    pub ast: &'a ast::Module,
    /// The module's definition in the name table.
    pub def: names::DefId,
    /// A module of the embedded standard library (`std.*`).
    pub is_std: bool,
    pub scope: BTreeMap<String, Binding>,
    /// Names of broken declarations, its own and imported ones, and the names of imports
    /// that failed (reported at the import, see the module docs).
    pub broken: BTreeSet<String>,
    /// A broken declaration here could have defined any name (see the module docs).
    pub hides_names: bool,
}

/// Every module and its scope.
#[derive(Debug, Default)]
pub struct Resolved<'a> {
    pub modules: Vec<ModuleInfo<'a>>,
    by_path: HashMap<String, usize>,
    /// Every definition, and the imports' name uses (`check` adds the rest).
    pub names: NameTable,
}

impl<'a> Resolved<'a> {
    pub fn module_index(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    pub fn item(&self, r: ItemRef) -> Option<&'a ast::Item> {
        self.modules
            .get(r.module)
            .and_then(|m| m.ast.items.get(r.item))
    }

    /// Looks a single name up in a module's scope.
    pub fn lookup(&self, module: usize, name: &str) -> Option<Binding> {
        self.modules
            .get(module)
            .and_then(|m| m.scope.get(name).copied())
    }

    /// Resolves a path naming a declaration: `Name` in scope. Longer paths are reported
    /// by the caller (only imported names are visible).
    pub fn lookup_path(&self, module: usize, path: &ast::Path) -> Option<Binding> {
        match path.segments.as_slice() {
            [one] => self.lookup(module, &one.node),
            _ => None,
        }
    }

    /// Whether a name that is not in a module's scope goes unreported there: it names a
    /// broken declaration, or a broken declaration there could have defined it.
    pub fn excused(&self, module: usize, name: &str) -> bool {
        self.modules
            .get(module)
            .is_some_and(|m| m.hides_names || m.broken.contains(name))
    }

    /// The target and import (if any) to record for a name bound in a scope.
    pub fn target_of(&self, b: Binding) -> Option<(Target, Option<Span>)> {
        let def = self.names.item_def(b.target)?;
        Some((Target::Def(def), b.imported.then_some(b.span)))
    }

    /// The names visible in a module, for "did you mean".
    pub fn names_in_scope(&self, module: usize) -> Vec<&str> {
        self.names_in_scope_where(module, |_| true)
    }

    /// The names visible in a module whose binding passes `keep` (only templates, only
    /// documents, ...), for "did you mean".
    pub fn names_in_scope_where(&self, module: usize, keep: impl Fn(Binding) -> bool) -> Vec<&str> {
        self.modules
            .get(module)
            .map(|m| {
                m.scope
                    .iter()
                    .filter(|(_, b)| keep(**b))
                    .map(|(n, _)| n.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Builds the module table, the scopes and the definitions; reports bad imports,
/// duplicates and cycles. `env` is the selected environment, whose constants are defined
/// here too.
pub fn resolve<'a>(
    sources: &Sources,
    modules: &'a [ast::Module],
    env: Option<&Environment>,
) -> (Resolved<'a>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut res = Resolved::default();
    for m in modules {
        let Some(file) = sources.get(m.file) else {
            continue;
        };
        let path = file.module.clone();
        if res.by_path.contains_key(&path) {
            diags.push(
                Diagnostic::new(
                    Code::E0210,
                    Span::new(m.file, 0, 0),
                    format!("module `{path}` is defined by two files"),
                )
                .with_help("each file defines the module named by its path; rename one file"),
            );
            continue;
        }
        res.by_path.insert(path.clone(), res.modules.len());
        let def = res.names.define(Definition {
            kind: DefKind::Module,
            name: path.clone(),
            span: Span::new(m.file, 0, 0),
            module: path.clone(),
            ty: None,
        });
        res.modules.push(ModuleInfo {
            def,
            is_std: path == "std" || path.starts_with("std."),
            broken: m
                .broken
                .iter()
                .filter_map(|b| b.name.as_ref().map(|n| n.node.clone()))
                .collect(),
            hides_names: m.broken.iter().any(ast::BrokenItem::hides_names),
            path,
            file: m.file,
            ast: m,
            scope: BTreeMap::new(),
        });
    }
    define_env(&mut res.names, env);
    declare_items(&mut res, &mut diags);
    let edges = bind_imports(&mut res, &mut diags);
    report_cycles(&res, &edges, &mut diags);
    (res, diags)
}

/// Puts every module's own declarations in its scope.
fn declare_items(res: &mut Resolved<'_>, diags: &mut Vec<Diagnostic>) {
    for (mi, m) in res.modules.iter_mut().enumerate() {
        for (ii, item) in m.ast.items.iter().enumerate() {
            let Some(name) = item.name() else { continue };
            if let Some(prev) = m.scope.get(&name.node) {
                diags.push(
                    Diagnostic::new(
                        Code::E0204,
                        name.span,
                        format!("`{}` is declared twice in module `{}`", name.node, m.path),
                    )
                    .with_label(prev.span, "first declared here")
                    .with_help("rename one of the declarations"),
                );
                continue;
            }
            let r = ItemRef {
                module: mi,
                item: ii,
            };
            m.scope.insert(
                name.node.clone(),
                Binding {
                    target: r,
                    span: name.span,
                    imported: false,
                },
            );
            define_item(&mut res.names, r, item, &m.path);
        }
    }
}

/// The definition of a declaration (and of a template's parameters).
fn define_item(names: &mut NameTable, r: ItemRef, item: &ast::Item, module: &str) {
    let Some(name) = item.name() else { return };
    let (kind, ty) = match item {
        ast::Item::Const(c) => (DefKind::Const, c.ty.as_ref().map(type_text)),
        ast::Item::Template(_) => (DefKind::Template, None),
        ast::Item::Document(_) => (DefKind::Document, None),
        ast::Item::Principal(_) => (DefKind::Principal, None),
        ast::Item::Import(_) | ast::Item::Prove(_) => return,
    };
    names.define_item(
        r,
        Definition {
            kind,
            name: name.node.clone(),
            span: name.span,
            module: module.to_string(),
            ty,
        },
    );
    if let ast::Item::Template(t) = item {
        for p in &t.params {
            names.define_param(
                r,
                Definition {
                    kind: DefKind::Param,
                    name: p.name.node.clone(),
                    span: p.name.span,
                    module: module.to_string(),
                    ty: Some(type_text(&p.ty)),
                },
            );
        }
    }
}

/// The selected environment's constants, defined where `iamc.toml` writes them.
fn define_env(names: &mut NameTable, env: Option<&Environment>) {
    for (name, c) in env.iter().flat_map(|e| &e.constants) {
        names.define_env(Definition {
            kind: DefKind::EnvConstant,
            name: name.clone(),
            span: c.span,
            module: String::new(),
            ty: None,
        });
    }
}

/// An import edge: from module, to module, the import's span.
type Edge = (usize, usize, Span);

/// Binds imported names; returns the import graph's edges.
fn bind_imports(res: &mut Resolved<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Edge> {
    let mut edges = Vec::new();
    let mut additions: Vec<(usize, String, Binding)> = Vec::new();
    // Imports of broken names, and the name uses of every import.
    let mut broken: Vec<(usize, String)> = Vec::new();
    let mut uses: Vec<(Span, Target)> = Vec::new();
    let module_paths: Vec<String> = res.modules.iter().map(|m| m.path.clone()).collect();
    for (mi, m) in res.modules.iter().enumerate() {
        for item in &m.ast.items {
            let ast::Item::Import(imp) = item else {
                continue;
            };
            let target_path = imp.module.dotted();
            let Some(&ti) = res.by_path.get(&target_path) else {
                let mut d = Diagnostic::new(
                    Code::E0202,
                    imp.module.span,
                    format!("unknown module `{target_path}`"),
                );
                if let Some(s) =
                    suggest::closest(&target_path, module_paths.iter().map(String::as_str))
                {
                    d = d
                        .with_help(format!("did you mean `{s}`?"))
                        .with_fix(imp.module.span, s);
                } else {
                    d = d.with_help(
                        "a module is a file named by its path under a source folder (with `sources = [\"iam\"]`, `iam/app/dev.iamc` is `app.dev`) or a `std.*` module",
                    );
                }
                diags.push(d);
                // The import is reported; the names it would have bound are not unknown
                // at every use too.
                for name in &imp.names {
                    broken.push((mi, name.local().node.clone()));
                }
                continue;
            };
            edges.push((mi, ti, imp.span));
            let Some(target) = res.modules.get(ti) else {
                continue;
            };
            uses.push((imp.module.span, Target::Def(target.def)));
            for name in &imp.names {
                let Some(b) = target
                    .scope
                    .get(&name.name.node)
                    .filter(|b| b.target.module == ti)
                else {
                    if target.hides_names || target.broken.contains(&name.name.node) {
                        broken.push((mi, name.local().node.clone()));
                        continue;
                    }
                    let declared: Vec<&str> = target
                        .scope
                        .iter()
                        .filter(|(_, b)| b.target.module == ti)
                        .map(|(k, _)| k.as_str())
                        .collect();
                    let mut d = Diagnostic::new(
                        Code::E0203,
                        name.name.span,
                        format!(
                            "module `{target_path}` has no declaration `{}`",
                            name.name.node
                        ),
                    );
                    if let Some(s) = suggest::closest(&name.name.node, declared.iter().copied()) {
                        d = d
                            .with_help(format!("did you mean `{s}`?"))
                            .with_fix(name.name.span, s);
                    } else if !declared.is_empty() {
                        d = d.with_help(format!("it declares: {}", declared.join(", ")));
                    }
                    diags.push(d);
                    broken.push((mi, name.local().node.clone()));
                    continue;
                };
                if let Some(def) = res.names.item_def(b.target) {
                    uses.push((name.name.span, Target::Def(def)));
                    if let Some(alias) = &name.alias {
                        uses.push((alias.span, Target::Def(def)));
                    }
                }
                let local = name.local();
                additions.push((
                    mi,
                    local.node.clone(),
                    Binding {
                        target: b.target,
                        span: local.span,
                        imported: true,
                    },
                ));
            }
        }
    }
    for (mi, name, binding) in additions {
        let Some(m) = res.modules.get_mut(mi) else {
            continue;
        };
        if let Some(prev) = m.scope.get(&name) {
            if prev.target == binding.target {
                continue;
            }
            diags.push(
                Diagnostic::new(
                    Code::E0204,
                    binding.span,
                    format!("`{name}` is already defined in module `{}`", m.path),
                )
                .with_label(prev.span, "first defined here")
                .with_help(format!("import it under another name: `as other_{name}`")),
            );
            continue;
        }
        m.scope.insert(name, binding);
    }
    for (mi, name) in broken {
        if let Some(m) = res.modules.get_mut(mi) {
            m.broken.insert(name);
        }
    }
    for (span, target) in uses {
        res.names.refer(span, target, None);
    }
    edges
}

/// Reports each import cycle once, at the import that closes it.
fn report_cycles(res: &Resolved<'_>, edges: &[Edge], diags: &mut Vec<Diagnostic>) {
    let n = res.modules.len();
    let mut adj: Vec<Vec<(usize, Span)>> = vec![Vec::new(); n];
    for &(from, to, span) in edges {
        if let Some(list) = adj.get_mut(from) {
            if !list.iter().any(|(t, _)| *t == to) {
                list.push((to, span));
            }
        }
    }
    let mut state = vec![Visit::New; n];
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..n {
        if state.get(start) == Some(&Visit::New) {
            visit(start, &adj, &mut state, &mut stack, res, diags);
        }
    }
}

/// Where the depth-first walk of the import graph stands with a module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnStack,
    Done,
}

fn visit(
    node: usize,
    adj: &[Vec<(usize, Span)>],
    state: &mut [Visit],
    stack: &mut Vec<usize>,
    res: &Resolved<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let set = |state: &mut [Visit], v| {
        if let Some(s) = state.get_mut(node) {
            *s = v;
        }
    };
    set(state, Visit::OnStack);
    stack.push(node);
    for &(next, span) in adj.get(node).into_iter().flatten() {
        match state.get(next) {
            Some(Visit::New) => visit(next, adj, state, stack, res, diags),
            Some(Visit::OnStack) => {
                let from = stack.iter().position(|&m| m == next).unwrap_or(0);
                let path = |m: usize| res.modules.get(m).map_or("", |m| m.path.as_str());
                let mut names: Vec<&str> = stack.iter().skip(from).map(|&m| path(m)).collect();
                names.push(path(next));
                diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        span,
                        format!("import cycle: {}", names.join(" -> ")),
                    )
                    .with_help("move the shared declarations into a module both can import"),
                );
            }
            _ => {}
        }
    }
    stack.pop();
    set(state, Visit::Done);
}

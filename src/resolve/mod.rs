//! Modules, imports and names: which declaration every name refers to (E02xx).
//!
//! A module is one file; its path comes from [`crate::source::SourceFile::module`]. Each
//! module gets a scope: its own declarations plus what it imports. Imports name declared
//! items only (no re-exports), and the import graph must be acyclic. Names inside
//! expressions (constants, template parameters, `env.NAME`) are looked up by `check`
//! through [`Resolved::lookup`].

use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast;
use std::collections::{BTreeMap, HashMap};

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
}

/// One module with its scope.
#[derive(Debug)]
pub struct ModuleInfo<'a> {
    pub path: String,
    pub file: FileId,
    pub ast: &'a ast::Module,
    /// A module of the embedded standard library (`std.*`).
    pub is_std: bool,
    pub scope: BTreeMap<String, Binding>,
}

/// Every module and its scope.
#[derive(Debug, Default)]
pub struct Resolved<'a> {
    pub modules: Vec<ModuleInfo<'a>>,
    by_path: HashMap<String, usize>,
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

/// Builds the module table and scopes; reports bad imports, duplicates and cycles.
pub fn resolve<'a>(
    sources: &Sources,
    modules: &'a [ast::Module],
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
        res.modules.push(ModuleInfo {
            is_std: path == "std" || path.starts_with("std."),
            path,
            file: m.file,
            ast: m,
            scope: BTreeMap::new(),
        });
    }
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
            m.scope.insert(
                name.node.clone(),
                Binding {
                    target: ItemRef {
                        module: mi,
                        item: ii,
                    },
                    span: name.span,
                },
            );
        }
    }
}

/// An import edge: from module, to module, the import's span.
type Edge = (usize, usize, Span);

/// Binds imported names; returns the import graph's edges.
fn bind_imports(res: &mut Resolved<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Edge> {
    let mut edges = Vec::new();
    let mut additions: Vec<(usize, String, Binding)> = Vec::new();
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
                        "a module is a file under the project's sources (`iam/app.iamc` is `iam.app`) or a `std.*` module",
                    );
                }
                diags.push(d);
                continue;
            };
            edges.push((mi, ti, imp.span));
            let target = &res.modules[ti];
            for name in &imp.names {
                let Some(b) = target
                    .scope
                    .get(&name.name.node)
                    .filter(|b| b.target.module == ti)
                else {
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
                    continue;
                };
                let local = name.local();
                additions.push((
                    mi,
                    local.node.clone(),
                    Binding {
                        target: b.target,
                        span: local.span,
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
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..n {
        if state[start] == 0 {
            visit(start, &adj, &mut state, &mut stack, res, diags);
        }
    }
}

fn visit(
    node: usize,
    adj: &[Vec<(usize, Span)>],
    state: &mut [u8],
    stack: &mut Vec<usize>,
    res: &Resolved<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    state[node] = 1;
    stack.push(node);
    for &(next, span) in &adj[node] {
        match state[next] {
            0 => visit(next, adj, state, stack, res, diags),
            1 => {
                let from = stack.iter().position(|&m| m == next).unwrap_or(0);
                let mut names: Vec<&str> = stack[from..]
                    .iter()
                    .map(|&m| res.modules[m].path.as_str())
                    .collect();
                names.push(res.modules[next].path.as_str());
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
    state[node] = 2;
}

//! Types, operator selection per key type, template expansion (E03xx).
//!
//! `check` walks the resolved modules and produces the typed IR: every constant evaluated,
//! every template expanded, every ARN interpolated, every condition operator chosen from
//! its key's catalog type. Templates are checked twice: at their definition, with each
//! parameter a symbolic value of its type (so errors in unused templates are reported), and
//! where they are used, with the arguments (for what depends on values and on the document
//! kind). A diagnostic both passes find is reported once.
//!
//! As it looks names up, the checker records every name use (for the name table) and,
//! for each rule, which parts of its values came from which named value (provenance).
//!
//! This file is the driver (declaration order, the checker's state, shared diagnostic
//! helpers); one file per topic holds the rest: `consts` (constants, written types),
//! `expr` (expressions and names), `arn` (ARN interpolation), `templates` (definition
//! checks and `use` expansion), `rules` (one rule per document kind), `cond`
//! (conditions), `principals` (`principal` and `prove`), `catalog_checks` (the IR
//! against the AWS catalog), `types` (types and values), `ir` (the output).

mod arn;
mod attach;
pub mod builtins;
pub mod catalog_checks;
pub mod cond;
mod consts;
mod expr;
pub mod ir;
mod principals;
pub mod roles;
mod rules;
mod templates;
pub mod trust;
pub mod types;

pub use principals::FIELDS as PRINCIPAL_FIELDS;

use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::DocumentKind;
use crate::project::Environment;
use crate::resolve::names::{Reference, Target};
use crate::resolve::{Binding, ItemRef, Resolved};
use crate::source::Span;
use crate::syntax::ast;
use consts::ConstState;
use std::collections::{BTreeMap, HashMap};
use types::{Mismatch, SVal};

/// What checking produced.
#[derive(Debug, Default)]
pub struct Checked {
    pub program: ir::Program,
    pub diagnostics: Vec<Diagnostic>,
    /// Every name use inside declarations and expressions, with what it resolved to (the
    /// imports' are in `Resolved::names` already).
    pub references: Vec<Reference>,
}

/// Checks a resolved program and builds its IR. `env` is the selected environment, if any
/// (what `env.NAME` stands for).
pub fn check(res: &Resolved<'_>, env: Option<&Environment>, catalog: &Catalog) -> Checked {
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
        references: Vec::new(),
        provenance: None,
        in_std: false,
    };
    c.run();
    let mut diagnostics = c.diags;
    crate::diagnostics::finish(&mut diagnostics);
    Checked {
        program: c.program,
        diagnostics,
        references: c.references,
    }
}

/// The maximum nesting of `use` inside templates.
pub const MAX_USE_DEPTH: usize = 16;

/// Where names are looked up: a module, and the parameters of the template being checked
/// or expanded.
#[derive(Clone, Copy)]
struct Scope<'s> {
    module: usize,
    params: Option<Params<'s>>,
}

/// A template's parameters with their values (symbolic at the template's definition).
#[derive(Clone, Copy)]
struct Params<'s> {
    template: ItemRef,
    values: &'s BTreeMap<String, SVal>,
}

impl<'s> Scope<'s> {
    /// The scope of a module's own declarations.
    fn of(module: usize) -> Scope<'s> {
        Scope {
            module,
            params: None,
        }
    }

    /// Inside template `template` (declared in its module), with its parameters' values.
    fn template(template: ItemRef, values: &'s BTreeMap<String, SVal>) -> Scope<'s> {
        Scope {
            module: template.module,
            params: Some(Params { template, values }),
        }
    }

    /// A parameter's value and definition.
    fn param(&self, name: &str) -> Option<(&'s SVal, ItemRef)> {
        let p = self.params?;
        p.values.get(name).map(|v| (v, p.template))
    }
}

struct Checker<'a, 'r> {
    res: &'a Resolved<'r>,
    env: Option<&'a Environment>,
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
    /// Name uses found so far.
    references: Vec<Reference>,
    /// While a rule is checked: the provenance of its values.
    provenance: Option<ir::Provenance>,
    /// Checking a declaration of the standard library: what its built-in calls find in the
    /// catalog is not reported (the test suite checks the library against the embedded
    /// catalog; a catalog the user installed may lack what its examples name).
    in_std: bool,
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

impl Checker<'_, '_> {
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
                        target: None,
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
                self.in_std = m.is_std;
                match item {
                    ast::Item::Const(_) => {
                        self.eval_const(r);
                    }
                    ast::Item::Template(t) => self.check_template_decl(r, t),
                    ast::Item::Document(d) => {
                        let rules = self.expand_document(mi, d);
                        let target = self.resource_target(mi, d);
                        if let Some(&idx) = self.doc_index.get(&r) {
                            if let Some(doc) = self.program.documents.get_mut(idx) {
                                doc.rules = rules;
                                doc.target = target;
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

    /// Records a name use.
    fn refer(&mut self, span: Span, target: Target, via: Option<Span>) {
        self.references.push(Reference { span, target, via });
    }

    /// Records the use of a name bound in a module's scope.
    fn refer_binding(&mut self, span: Span, b: Binding) {
        if let Some((target, via)) = self.res.target_of(b) {
            self.refer(span, target, via);
        }
    }

    /// Records where a value text of the rule being checked came from.
    fn note_provenance(&mut self, text: &str, pieces: &[ir::Piece]) {
        if let Some(p) = &mut self.provenance {
            p.add(text, pieces);
        }
    }

    /// "parameter `x` is declared twice", pointing back at the first one.
    fn repeated(&mut self, code: Code, name: &ast::Ident, first: Span, what: &str, verb: &str) {
        self.err(
            Diagnostic::new(
                code,
                name.span,
                format!("{what} `{}` is {verb} twice", name.node),
            )
            .with_label(first, format!("first {verb} here"))
            .with_help(format!("keep one; a {what} is {verb} once")),
        );
    }

    /// A name not in scope that the standard library declares (as `keep` wants it): the
    /// help and fix say to import it (`import std.patterns.allowlist`), added after the
    /// module's last import, else at its start. `None` when the library has no such name.
    fn std_import(
        &self,
        module: usize,
        name: &str,
        keep: impl Fn(&ast::Item) -> bool,
    ) -> Option<(String, Span, String)> {
        let path = self.res.modules.iter().find_map(|m| {
            let b = m.scope.get(name).filter(|b| m.is_std && !b.imported)?;
            self.res
                .item(b.target)
                .filter(|i| keep(i))
                .map(|_| format!("{}.{name}", m.path))
        })?;
        let here = self.res.modules.get(module)?;
        let last_import = here
            .ast
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Import(imp) => Some(imp.span),
                _ => None,
            })
            .max_by_key(|s| s.end);
        let (at, text) = match last_import {
            Some(s) => (Span { start: s.end, ..s }, format!("\nimport {path}")),
            None => (
                Span {
                    file: here.file,
                    start: 0,
                    end: 0,
                },
                format!("import {path}\n\n"),
            ),
        };
        Some((
            format!("import it from the standard library: `import {path}`"),
            at,
            text,
        ))
    }

    fn mismatch(&mut self, e: (Span, Mismatch)) {
        let d = self.mismatch_diagnostic(e);
        self.err(d);
    }

    fn mismatch_diagnostic(&self, (span, m): (Span, Mismatch)) -> Diagnostic {
        match m {
            Mismatch::Type { expected, found } => Diagnostic::new(
                Code::E0301,
                span,
                if found.starts_with('`') {
                    format!("expected `{expected}`, found {found}")
                } else {
                    format!("expected `{expected}`, found `{found}`")
                },
            )
            .with_help(expected.how_written()),
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
        }
    }
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

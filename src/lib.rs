//! iamc: a compiler for a small, typed policy-as-code language for AWS IAM.
//!
//! The pipeline: `syntax` (text -> AST) -> `resolve` (modules, names) -> `check` (types,
//! catalog) -> `lower` (IAM policy model) -> `prove` -> `emit`. The `policy` model is shared
//! by lowering, the evaluation engine (`eval`), the prover and every emitter. Only `cli` (and
//! later `lsp`) touch the filesystem, stdio or the clock.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod eval;
pub mod fmt;
pub mod lower;
pub mod policy;
pub mod project;
pub mod prove;
pub mod resolve;
pub mod source;
pub mod stdlib;
pub mod syntax;

use diagnostics::Diagnostic;
use policy::json::Layout;
use policy::DocumentKind;
use source::{Sources, Span};

/// What a compilation needs besides the sources.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// The selected environment's constants (`env.NAME`).
    pub env: check::Env,
    /// The layout the documents will be written in (SCP and RCP budgets count it).
    pub layout: Layout,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            env: check::Env::default(),
            layout: Layout::Pretty,
        }
    }
}

/// One emitted document.
#[derive(Clone, Debug)]
pub struct Output {
    /// The declared name; the file is `<name>.json`.
    pub name: String,
    pub module: String,
    pub kind: DocumentKind,
    pub document: policy::Document,
    /// Characters AWS counts against `budget`.
    pub size: usize,
    pub budget: usize,
    /// The declaration's name in the source.
    pub span: Span,
}

/// Everything a compilation produced. Outputs are only meant to be written when
/// `diagnostics` hold no error.
#[derive(Clone, Debug, Default)]
pub struct Compilation {
    pub program: check::ir::Program,
    /// One per document declared outside the standard library, in source order.
    pub documents: Vec<Output>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// Compiles every `.iamc` text in `sources` (user files and standard library alike).
/// No I/O: the caller fills `sources` (see `stdlib::add_to`).
pub fn compile(sources: &Sources, options: &CompileOptions) -> Compilation {
    let mut diags = Vec::new();
    let mut modules = Vec::new();
    for (id, file) in sources.iter() {
        if !file.name.ends_with(".iamc") {
            continue;
        }
        let (m, d) = syntax::parse(id, &file.text);
        modules.push(m);
        diags.extend(d);
    }
    // Later stages would only repeat what a broken parse already says.
    if diagnostics::has_errors(&diags) {
        diagnostics::sort(&mut diags);
        return Compilation {
            program: check::ir::Program::default(),
            documents: Vec::new(),
            diagnostics: diags,
        };
    }
    let (resolved, d) = resolve::resolve(sources, &modules);
    diags.extend(d);
    let catalog = catalog::Catalog::embedded();
    let (program, d) = check::check(&resolved, &options.env, catalog);
    diags.extend(d);
    diags.extend(check::catalog::check_program(&program, catalog));
    let mut documents = Vec::new();
    for doc in &program.documents {
        if doc.module == "std" || doc.module.starts_with("std.") {
            continue;
        }
        let lowered = lower::lower_document(doc, options.layout, &mut diags);
        documents.push(Output {
            name: doc.name.node.clone(),
            module: doc.module.clone(),
            kind: doc.kind,
            document: lowered.document,
            size: lowered.size,
            budget: lowered.budget,
            span: doc.name.span,
        });
    }
    diagnostics::sort(&mut diags);
    Compilation {
        program,
        documents,
        diagnostics: diags,
    }
}

//! The analysis snapshot: everything one run of the front end learns about a set of
//! sources, kept and owned, for every feature to read.
//!
//! `analyze` parses every `.iamc` source, resolves, checks and lowers what parsed (a
//! declaration with a syntax error is left out; the rest of its file and every other file
//! go on, see `resolve`'s rule on broken names), and keeps the result: the ASTs, the
//! typed IR, the lowered document of every declaration (the standard library's too,
//! flagged), and every diagnostic. `iamc build` and `check` write and report from it; the
//! prover, the language server, the formatter and the CloudFormation target read it.
//! docs/architecture.md describes what it holds and its invariants.

use crate::catalog::Catalog;
use crate::check;
use crate::diagnostics::{self, Diagnostic};
use crate::lower;
use crate::policy::json::Layout;
use crate::policy::{self, DocumentKind};
use crate::project::Environment;
use crate::resolve;
use crate::resolve::names::NameTable;

// What the prover, the emitters and the language server read of the IR, the name table
// and the statement origins, so that they need no edge to `check`, `resolve` or `lower`.
pub use crate::check::ir::{self, Piece, Provenance, ResourceTarget, Role, TargetKind};
pub use crate::check::roles::is_description_char;
pub use crate::lower::StatementOrigin;
pub use crate::resolve::names::{DefId, DefKind, Definition, Reference};
use crate::source::{FileId, Sources, Span};
use crate::syntax::{self, ast, Comment};

/// What an analysis needs besides the sources.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// The selected environment (`env.NAME`); `None` when there is none.
    pub env: Option<Environment>,
    /// The layout the documents will be written in (SCP and RCP budgets count it).
    pub layout: Layout,
    /// The AWS catalog actions, keys and ARNs are checked against.
    pub catalog: &'static Catalog,
}

impl Default for AnalyzeOptions {
    /// No environment, pretty layout, the catalog in use ([`Catalog::active`]).
    fn default() -> Self {
        AnalyzeOptions {
            env: None,
            layout: Layout::Pretty,
            catalog: Catalog::active(),
        }
    }
}

/// One analysed `.iamc` file.
#[derive(Clone, Debug)]
pub struct FileAnalysis {
    pub file: FileId,
    /// The module path the file defines (`app.developer` for `iam/app/developer.iamc` under the source folder `iam`, `std.guards`).
    pub module: String,
    /// Everything that parsed; declarations with syntax errors are missing (see
    /// `ast.broken`).
    pub ast: ast::Module,
    /// Every `//` and `///` comment, in order (the AST does not hold them).
    pub comments: Vec<Comment>,
}

/// The lowered document of one declaration.
#[derive(Clone, Debug)]
pub struct LoweredDocument {
    /// The declared name; `iamc build` writes `<name>.json`.
    pub name: String,
    pub module: String,
    pub kind: DocumentKind,
    /// Declared in the standard library (lowered for the prover, never written).
    pub is_std: bool,
    pub document: policy::Document,
    /// One per statement of `document`, in the same order.
    pub origins: Vec<StatementOrigin>,
    /// Characters AWS counts against `budget`.
    pub size: usize,
    pub budget: usize,
    /// The declaration's name in the source.
    pub span: Span,
}

/// The snapshot. Documents are only meant to be written when `diagnostics` hold no error.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// An owned copy of what was analysed (spans point into it).
    pub sources: Sources,
    /// One per `.iamc` source, in source order.
    pub files: Vec<FileAnalysis>,
    /// Every definition and every name use, queried by byte offset.
    pub names: NameTable,
    /// The typed IR; `program.documents` include the standard library's.
    pub program: ir::Program,
    /// Index-aligned with `program.documents`: `documents[i]` lowers
    /// `program.documents[i]`, so the document indexes of `ir::Principal` and
    /// `ir::ProofTarget` work on both.
    pub documents: Vec<LoweredDocument>,
    /// Sorted and de-duplicated by [`diagnostics::finish`].
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }

    /// The documents declared outside the standard library, in source order: what
    /// `iamc build` writes.
    pub fn user_documents(&self) -> impl Iterator<Item = &LoweredDocument> + '_ {
        self.documents.iter().filter(|d| !d.is_std)
    }

    /// The analysis of one file.
    pub fn file(&self, id: FileId) -> Option<&FileAnalysis> {
        self.files.iter().find(|f| f.file == id)
    }

    /// The definition a byte offset of a file refers to: the one of the name used there,
    /// or the one defined there.
    pub fn definition_at(&self, file: FileId, offset: u32) -> Option<(DefId, &Definition)> {
        let id = self.names.definition_at(file, offset)?;
        self.names.definition(id).map(|d| (id, d))
    }

    /// Every use of a definition, by file and position.
    pub fn references_of(&self, def: DefId) -> impl Iterator<Item = &Reference> + '_ {
        self.names.references_of(def)
    }

    /// The IR rule a lowered statement came from: `document` indexes `documents` (and
    /// `program.documents`), `statement` the document's statements.
    pub fn rule_of(&self, document: usize, statement: usize) -> Option<&ir::Rule> {
        let origin = self.documents.get(document)?.origins.get(statement)?;
        self.program
            .documents
            .get(document)?
            .rules
            .get(origin.rule_index)
    }

    /// Which parts of a lowered statement's values came from constants, template
    /// parameters and environment constants (see [`ir::Provenance`]).
    pub fn provenance(&self, document: usize, statement: usize) -> Option<&ir::Provenance> {
        self.rule_of(document, statement).map(|r| &r.provenance)
    }

    /// Adds diagnostics found outside the analysis (the project loader's warnings) and
    /// puts the whole list back in reporting order.
    pub fn add_diagnostics(&mut self, extra: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(extra);
        diagnostics::finish(&mut self.diagnostics);
    }
}

/// Analyses every `.iamc` text in `sources` (user files and standard library alike).
/// No I/O: the caller fills `sources` (see `project::load_project`).
pub fn analyze(sources: &Sources, options: &AnalyzeOptions) -> Analysis {
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
    let env = options.env.as_ref();
    let (mut resolved, d) = resolve::resolve(sources, &modules, env);
    diags.extend(d);
    let checked = check::check(&resolved, env, options.catalog);
    diags.extend(checked.diagnostics);
    let program = checked.program;
    let mut names = std::mem::take(&mut resolved.names);
    names.extend(checked.references);
    drop(resolved);
    // The standard library's own documents and proofs are checked against the catalog by
    // the test suite, not by every analysis (see `check_program_except`).
    let is_std = |f: FileId| {
        sources
            .get(f)
            .is_some_and(|f| matches!(f.origin, crate::source::Origin::Stdlib(_)))
    };
    diags.extend(check::catalog_checks::check_program_except(
        &program,
        options.catalog,
        &is_std,
    ));
    let documents = program
        .documents
        .iter()
        .map(|doc| lower_one(doc, options.layout, &mut diags))
        .collect();
    diagnostics::finish(&mut diags);
    let files = modules
        .into_iter()
        .map(|ast| {
            let file = sources.get(ast.file);
            FileAnalysis {
                file: ast.file,
                module: file.map(|f| f.module.clone()).unwrap_or_default(),
                comments: syntax::comments::scan(file.map_or("", |f| f.text.as_str()), ast.file),
                ast,
            }
        })
        .collect();
    Analysis {
        sources: sources.clone(),
        files,
        names,
        program,
        documents,
        diagnostics: diags,
    }
}

fn lower_one(doc: &ir::Document, layout: Layout, diags: &mut Vec<Diagnostic>) -> LoweredDocument {
    let lowered = lower::lower_document(doc, layout, diags);
    LoweredDocument {
        name: doc.name.node.clone(),
        module: doc.module.clone(),
        kind: doc.kind,
        is_std: doc.module == "std" || doc.module.starts_with("std."),
        document: lowered.document,
        origins: lowered.origins,
        size: lowered.size,
        budget: lowered.budget,
        span: doc.name.span,
    }
}

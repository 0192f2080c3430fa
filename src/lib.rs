//! iamc: a compiler for a small, typed policy-as-code language for AWS IAM.
//!
//! The pipeline: `syntax` (text -> AST) -> `resolve` (modules, names) -> `check` (types,
//! catalog) -> `lower` (IAM policy model) -> `prove` -> `emit`. [`analyze`] runs the front
//! end and keeps what it learns in one [`Analysis`] snapshot that every feature reads. The
//! `policy` model is shared by lowering, the evaluation engine (`eval`), the prover and
//! every emitter. Only `cli` and `lsp` touch the filesystem, stdio or the clock.
//!
//! No indexing or string slicing that can panic: user input reaches every module, and a
//! panic is a crash in the user's build or editor (`get` and `split_once` instead; unit
//! tests may index, see clippy.toml).
#![deny(clippy::indexing_slicing, clippy::string_slice)]

pub mod analysis;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod compact;
pub mod diagnostics;
pub mod emit;
pub mod eval;
pub mod fmt;
pub mod lower;
pub mod lsp;
pub mod policy;
pub mod project;
pub mod prove;
pub mod resolve;
pub mod source;
pub mod stdlib;
pub mod syntax;

pub use analysis::{analyze, Analysis, AnalyzeOptions, FileAnalysis, LoweredDocument};

//! The front end: text -> spanned AST, never failing and never panicking.
//!
//! `parse` always returns a module (possibly with fewer items) and the syntax errors it met;
//! a broken declaration is skipped up to the next top-level keyword so the rest of the file
//! still parses (the language server relies on this).

pub mod ast;
pub mod comments;
mod erase;
mod errors;
pub mod keywords;
mod pest_parser;
mod recover;
mod to_ast;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;

pub use comments::{Comment, CommentKind};
pub use erase::without_spans;
/// The parser's limits, which the formatter must not push a file past.
pub use to_ast::{MAX_CHAIN, MAX_DEPTH};

/// Parses one file.
pub fn parse(file: FileId, text: &str) -> (ast::Module, Vec<Diagnostic>) {
    recover::parse_module(file, text)
}

#[cfg(test)]
mod tests;

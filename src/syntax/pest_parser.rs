//! The pest-generated parser for `grammar/iamc.pest`, plus the global call budget.
//!
//! Only this module and `to_ast`/`errors` see pest types; the rest of the compiler sees the
//! AST and `Diagnostic`s.

use pest_derive::Parser;
use std::num::NonZeroUsize;

#[derive(Parser)]
#[grammar = "../grammar/iamc.pest"]
pub struct IamcParser;

/// The cumulative pest call budget per top-level item. The grammar backtracks only a
/// constant amount per token, so this is a size limit in disguise: it admits declarations
/// of a few hundred kilobytes (IAM's own documents stop at 10 KB) and stops hostile input
/// with a located error. It is one constant, never changed at run time, because pest keeps
/// it in a process-wide setting.
pub const CALL_LIMIT: usize = 2_000_000;

/// Installs the call budget (a process-wide pest setting; idempotent).
pub fn install_call_limit() {
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
}

//! The pest-generated parser for `grammar/iamc.pest`, plus the global call budget.
//!
//! Only this module and `to_ast`/`errors` see pest types; the rest of the compiler sees the
//! AST and `Diagnostic`s.

use pest_derive::Parser;
use std::num::NonZeroUsize;

#[derive(Parser)]
#[grammar = "../grammar/iamc.pest"]
pub struct IamcParser;

/// The cumulative pest call budget per top-level item. The grammar is close to LL(1) and
/// needs roughly ten calls per input byte, so this bounds backtracking on hostile input
/// while leaving room for items of several megabytes.
pub const CALL_LIMIT: usize = 50_000_000;

/// Installs the call budget (a process-wide pest setting; idempotent).
pub fn install_call_limit() {
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
}

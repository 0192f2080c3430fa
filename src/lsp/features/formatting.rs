//! Formatting: the whole document through `iamc fmt`'s formatter, as one edit.
//!
//! A file with syntax errors is left alone (the formatter refuses it; its diagnostics are
//! already on screen), and so is a file already in the canonical layout.

use super::{Ctx, Edit};
use crate::source::Span;

/// The edit that formats the file, if it parses and is not formatted yet.
pub fn format(ctx: &Ctx<'_>) -> Option<Edit> {
    let text = ctx.text();
    let formatted = crate::fmt::format(text, ctx.file).ok()?;
    (formatted != text).then(|| Edit {
        span: Span::new(ctx.file, 0, text.len()),
        text: formatted,
    })
}

//! `iamc fmt`: one canonical layout for `.iamc` text, keeping every comment.
//!
//! The AST gives the structure and the comment table ([`crate::syntax::comments`]) what
//! the AST drops; literals are copied from the source through their spans, so nothing is
//! re-escaped. The walk (`items`, `rules`, `cond`, `exprs`, with `trivia` handing out the
//! comments) builds a layout document (`doc`) that the printer (`print`) fits into
//! [`WIDTH`] columns. Before a result leaves this module, `verify` parses it again and
//! compares trees and comments, so formatting never changes what a file means.
//!
//! No I/O here: the CLI reads and writes the files, the language server passes its buffers.
//! The rules are written down in `docs/fmt.md`.

mod cond;
mod doc;
mod exprs;
mod items;
mod print;
mod rules;
mod trivia;
mod verify;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{comments, parse};

/// The width lines are fitted into, where the layout allows (long literals may exceed it).
pub const WIDTH: usize = 100;

/// Formats one file's text. A text with syntax errors is refused with the parser's
/// diagnostics (formatting a broken file could lose text); so is, should the formatter
/// have a bug, a result that would not parse back to the same program (`E0190`).
pub fn format(text: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (module, diags) = parse(file, text);
    if !diags.is_empty() {
        return Err(diags);
    }
    let comments = comments::scan(text, file);
    let mut walk = Walk {
        trivia: trivia::Trivia::new(text, comments.clone()),
    };
    let layout = walk.module(&module);
    let mut out = print::print(&layout, WIDTH);
    if !out.is_empty() {
        out.push('\n');
    }
    // Keep the author's line endings (taken from the first line) and byte order mark.
    if uses_crlf(text) {
        out = out.replace('\n', "\r\n");
    }
    if let Some(bom) = text.strip_suffix(text.trim_start_matches('\u{feff}')) {
        out.insert_str(0, bom);
    }
    verify::check(file, &module, &comments, &out).map_err(|d| vec![*d])?;
    Ok(out)
}

/// True if the text's first line ends in `\r\n`.
fn uses_crlf(text: &str) -> bool {
    text.find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r'))
}

/// The walk over one file's AST, in source order.
struct Walk<'t> {
    trivia: trivia::Trivia<'t>,
}

#[cfg(test)]
mod tests;

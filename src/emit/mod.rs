//! Emitters: deterministic bytes for each output format. No I/O here; `cli` writes them.

use crate::policy::json::{self, Layout};
use crate::policy::Document;

/// The JSON text of a document, pretty (with a final newline) or minified.
pub fn json(doc: &Document, minify: bool) -> String {
    json::to_string(
        doc,
        if minify {
            Layout::Minified
        } else {
            Layout::Pretty
        },
    )
}

/// The file a document is written to: `<Name>.json`.
pub fn file_name(document_name: &str) -> String {
    format!("{document_name}.json")
}

//! `iamc lsp`: the language server on standard input and output (see docs/lsp.md).
//!
//! The command hands the server the two inputs the command line owns: the catalog in use
//! (the user's, as for `build`) and the disk.

use crate::cli::commands::catalog;
use crate::cli::disk::Disk;
use crate::cli::Exit;

pub fn run() -> Exit {
    let catalog = catalog::load_override().unwrap_or_else(|e| {
        // A broken user catalog should not cost the editor its language server.
        eprintln!("warning: {e}; using the embedded catalog");
        crate::catalog::Catalog::active()
    });
    let status = crate::lsp::run(crate::lsp::Options {
        catalog,
        fs: Box::new(Disk),
    });
    // LSP: 0 after `shutdown` then `exit`, 1 when the session ended otherwise.
    if status == 0 {
        Exit::Ok
    } else {
        Exit::SourceErrors
    }
}

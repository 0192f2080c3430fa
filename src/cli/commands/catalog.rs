//! `iamc catalog ...` and `iamc expand`.

use crate::cli::args::{CatalogCommand, Format};
use crate::cli::Exit;

pub fn run(command: CatalogCommand) -> Exit {
    let _ = command;
    eprintln!("error: `iamc catalog` is not built yet");
    Exit::UsageOrIo
}

pub fn expand(pattern: &str, format: Format) -> Exit {
    let _ = (pattern, format);
    eprintln!("error: `iamc expand` is not built yet");
    Exit::UsageOrIo
}

//! `iamc build` and `iamc check`.

use crate::cli::args::SourceArgs;
use crate::cli::Exit;
use std::path::Path;

pub fn build(sources: &SourceArgs, out: Option<&Path>, minify: bool) -> Exit {
    let _ = (sources, out, minify);
    eprintln!("error: `iamc build` is not built yet");
    Exit::UsageOrIo
}

pub fn check(sources: &SourceArgs) -> Exit {
    let _ = sources;
    eprintln!("error: `iamc check` is not built yet");
    Exit::UsageOrIo
}

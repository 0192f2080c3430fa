//! `iamc eval`: the fixed scenario interface of `docs/eval-scenario.md`.

use crate::cli::args::Format;
use crate::cli::Exit;
use std::path::Path;

pub fn run(scenario: &Path, batch: bool, format: Format) -> Exit {
    let _ = (scenario, batch, format);
    eprintln!("error: `iamc eval` is not built yet");
    Exit::UsageOrIo
}

//! One module per command; `dispatch` routes to them.

pub mod build;
pub mod catalog;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod lsp;
pub mod prove;
pub mod targets;

use super::args::{Cli, Command};
use super::Exit;

pub fn dispatch(cli: Cli) -> Exit {
    match cli.command {
        Command::Build {
            sources,
            targets,
            out,
            minify,
        } => build::build(&sources, &targets, out.as_deref(), minify),
        Command::Check { sources, targets } => build::check(&sources, &targets),
        Command::Eval {
            scenario,
            batch,
            format,
        } => eval::run(&scenario, batch, format),
        Command::Catalog { command } => catalog::run(command),
        Command::Expand { pattern, format } => catalog::expand(&pattern, format),
        Command::Explain { code, format } => explain::run(&code, format),
        Command::Prove {
            sources,
            emit_counterexample,
        } => prove::run(&sources, emit_counterexample.as_deref()),
        Command::Fmt {
            files,
            project,
            check,
        } => fmt::run(&files, project.as_deref(), check),
        Command::Lsp => lsp::run(),
    }
}

/// Whether standard error is a terminal (colour only there).
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// Diagnostics for people on standard error, coloured on a terminal.
pub fn eprint_diagnostics(
    diags: &[crate::diagnostics::Diagnostic],
    sources: &crate::source::Sources,
) {
    if !diags.is_empty() {
        eprint!(
            "{}",
            crate::diagnostics::render::to_text(diags, sources, stderr_is_terminal())
        );
    }
}

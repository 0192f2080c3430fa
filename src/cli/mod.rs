//! The command line. Only this module (and later `lsp`) does I/O.

pub mod args;
pub mod commands;
pub mod exit;
pub mod write;

use clap::Parser;
pub use exit::Exit;

/// Parses the arguments, runs the command and returns the documented exit code.
pub fn run() -> std::process::ExitCode {
    let args = match args::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::UsageOrIo
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    commands::dispatch(args).into()
}

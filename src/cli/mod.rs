//! The command line. Only this module (and later `lsp`) does I/O.

/// `println!` that ends the process quietly when stdout is a closed pipe
/// (`iamc catalog search x | head`) instead of panicking.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*), true)
    };
}

/// `print!` with the same closed-pipe behaviour as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*), false)
    };
}

pub mod args;
pub mod commands;
pub mod disk;
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

/// Writes to stdout. A reader that went away (`| head`) is not our error: exit 0 quietly.
/// Any other failure is reported once on stderr with the I/O exit code.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(Exit::UsageOrIo as i32);
    }
}

//! `iamc explain CODE`: the long explanation of a diagnostic code (the embedded page
//! from `docs/errors/`).

use crate::cli::Exit;
use crate::diagnostics::Code;

pub fn run(code: &str) -> Exit {
    match Code::parse(code) {
        Some(c) => {
            out!("{}", c.explanation());
            if !c.explanation().ends_with('\n') {
                outln!();
            }
            Exit::Ok
        }
        None => {
            eprintln!("error: `{code}` is not an iamc diagnostic code");
            eprintln!("help: codes look like `E0341` or `W0344`; see docs/errors/");
            Exit::UsageOrIo
        }
    }
}

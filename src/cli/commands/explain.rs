//! `iamc explain CODE`: the long explanation of a diagnostic code, embedded from
//! `docs/errors/`.

use crate::cli::Exit;
use crate::diagnostics::Code;

pub fn run(code: &str) -> Exit {
    match Code::parse(code) {
        Some(c) => {
            println!("{}: {}", c.as_str(), c.title());
            println!("\nSee {} for the full explanation.", c.doc_path());
            Exit::Ok
        }
        None => {
            eprintln!("error: `{code}` is not an iamc diagnostic code");
            Exit::UsageOrIo
        }
    }
}

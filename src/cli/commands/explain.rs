//! `iamc explain CODE`: the long explanation of a diagnostic code (the embedded page
//! from `docs/errors/`), as the page itself or (`--format json`) as one JSON object.

use crate::cli::args::Format;
use crate::cli::Exit;
use crate::diagnostics::Code;

pub fn run(code: &str, format: Format) -> Exit {
    let Some(c) = Code::parse(code) else {
        eprintln!("error: `{code}` is not an iamc diagnostic code");
        eprintln!("help: codes look like `E0341` or `W0344`; see docs/errors/");
        return Exit::UsageOrIo;
    };
    match format {
        Format::Text => {
            out!("{}", c.explanation());
            if !c.explanation().ends_with('\n') {
                outln!();
            }
        }
        Format::Json => {
            let v = serde_json::json!({
                "code": c.as_str(),
                "severity": c.severity(),
                "title": c.title(),
                "explanation": c.explanation(),
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
    Exit::Ok
}

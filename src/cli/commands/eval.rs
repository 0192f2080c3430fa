//! `iamc eval`: the fixed scenario interface of `docs/eval-scenario.md`.
//!
//! Single mode prints one decision (exit 0) or, for an unusable scenario, nothing on stdout
//! and the JSON path of the problem on stderr (exit 2). Batch mode answers every non-empty
//! line in order and exits 2 when any line was unusable. Answers are flushed whenever no
//! complete input line is waiting, so a caller that streams one line at a time gets each
//! answer before it sends the next, while a large file is written in blocks.

use crate::cli::args::Format;
use crate::cli::disk::Disk;
use crate::cli::Exit;
use crate::eval::scenario::{self, ScenarioError};
use crate::project::FileSystem;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

pub fn run(scenario: &Path, batch: bool, format: Format) -> Exit {
    let stdin = scenario.as_os_str() == "-";
    if batch {
        let reader: Box<dyn Read> = if stdin {
            Box::new(io::stdin().lock())
        } else {
            match std::fs::File::open(scenario) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {e}", scenario.display());
                    return Exit::UsageOrIo;
                }
            }
        };
        // Stdout is line-buffered; a block buffer lets `run_batch` decide when to flush.
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        return match run_batch(reader, &mut out, format) {
            Ok(true) => Exit::Ok,
            Ok(false) => Exit::UsageOrIo,
            Err(e) => {
                eprintln!("error: {e}");
                Exit::UsageOrIo
            }
        };
    }
    let mut text = String::new();
    let read = if stdin {
        io::stdin()
            .read_to_string(&mut text)
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else {
        Disk.read_to_string(scenario)
            .map(|t| text = t)
            .map_err(|e| e.why())
    };
    if let Err(e) = read {
        let name = if stdin {
            "standard input".to_string()
        } else {
            format!("`{}`", scenario.display())
        };
        eprintln!("error: cannot read {name}: {e}");
        return Exit::UsageOrIo;
    }
    match scenario::parse_str(&text) {
        Ok(s) => {
            let d = s.decide();
            match format {
                Format::Json => outln!("{}", scenario::decision_json(&s.policies, &d)),
                Format::Text => out!("{}", scenario::decision_text(&s.policies, &d)),
            }
            Exit::Ok
        }
        Err(e) => {
            report(&e);
            Exit::UsageOrIo
        }
    }
}

fn report(e: &ScenarioError) {
    eprintln!("error: {}: {}", e.path, e.message);
}

/// Answers every non-empty line; `Ok(true)` when all were usable. Public for the benchmark,
/// which times this path in process.
pub fn run_batch(input: impl Read, out: &mut impl Write, format: Format) -> io::Result<bool> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut all_ok = true;
    let mut buf = Vec::with_capacity(4096);
    let mut line_no = 0usize;
    // Batches repeat the same policies with varied requests: compile each once.
    let mut cache = scenario::DocumentCache::new();
    loop {
        // Before reading could block, hand over every answer so far: a streaming caller
        // waiting for its answer is never left waiting on us.
        if !reader.buffer().contains(&b'\n') {
            out.flush()?;
        }
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        let result = match std::str::from_utf8(&buf) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => scenario::parse_str_cached(text, &mut cache),
            Err(_) => Err(ScenarioError {
                path: "$".into(),
                message: "the line is not valid UTF-8".into(),
            }),
        };
        match result {
            Ok(s) => {
                let d = s.decide();
                match format {
                    Format::Json => {
                        serde_json::to_writer(
                            &mut *out,
                            &scenario::decision_json(&s.policies, &d),
                        )?;
                        out.write_all(b"\n")?;
                    }
                    Format::Text => {
                        writeln!(out, "{line_no}: {} ({})", d.outcome.as_str(), d.reason)?
                    }
                }
            }
            Err(e) => {
                all_ok = false;
                match format {
                    Format::Json => {
                        serde_json::to_writer(&mut *out, &scenario::error_json(&e, line_no))?;
                        out.write_all(b"\n")?;
                    }
                    Format::Text => writeln!(out, "{line_no}: error: {e}")?,
                }
            }
        }
    }
    out.flush()?;
    Ok(all_ok)
}

//! Formatter benchmark: `iamc::fmt::format` on the largest `.iamc` of the repository and on
//! a generated 2,000-line file, with a parse of the same text for comparison (a format
//! parses twice: once to read the file, once to check the result). Run with
//! `cargo bench --bench fmt`.

use iamc::source::FileId;
use std::hint::black_box;
use std::time::{Duration, Instant};

const LARGEST: &str = include_str!("../tests/valid/syntax/realistic.iamc");

/// At least 2,000 lines: the largest file over and over, laid out badly (two-space
/// indentation, clauses joined onto one line) so that the formatter has work to do.
fn generated() -> String {
    let messy = LARGEST
        .replace("\n    ", "\n  ")
        .replace("\n        on ", " on ")
        .replace("\n        when ", " when ");
    let mut out = String::new();
    while out.lines().count() < 2000 {
        out.push_str(&messy);
        out.push('\n');
    }
    out
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn measure(f: impl Fn()) -> Duration {
    for _ in 0..5 {
        f();
    }
    median(
        (0..41)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn report(name: &str, text: &str) {
    let formatted = iamc::fmt::format(text, FileId(0));
    assert!(formatted.is_ok(), "{name} does not format: {formatted:?}");
    let formatted = formatted.unwrap_or_default();
    let fmt = measure(|| {
        black_box(iamc::fmt::format(black_box(text), FileId(0)).ok());
    });
    let parse = measure(|| {
        black_box(iamc::syntax::parse(FileId(0), black_box(text)));
    });
    println!(
        "fmt {name}: {} lines in, {} lines out, {} bytes: format {:.2} ms, parse {:.2} ms (median of 41)",
        text.lines().count(),
        formatted.lines().count(),
        text.len(),
        fmt.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
    );
}

fn main() {
    report(
        "largest repository file (tests/valid/syntax/realistic.iamc)",
        LARGEST,
    );
    report("generated", &generated());
}

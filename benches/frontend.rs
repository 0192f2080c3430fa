//! Front-end benchmark: parse a ~500-line realistic source many times and print the time per
//! parse and the throughput. Run with `cargo bench --bench frontend`.

use iamc::source::FileId;
use std::hint::black_box;
use std::time::Instant;

const SOURCE: &str = include_str!("../tests/valid/syntax/realistic.iamc");

fn main() {
    let lines = SOURCE.lines().count();
    let (module, diags) = iamc::syntax::parse(FileId(0), SOURCE);
    assert!(
        diags.is_empty(),
        "the benchmark source must parse cleanly: {diags:?}"
    );
    let items = module.items.len();

    // Warm up, then measure.
    for _ in 0..20 {
        black_box(iamc::syntax::parse(FileId(0), black_box(SOURCE)));
    }
    let runs = 300u32;
    let start = Instant::now();
    for _ in 0..runs {
        black_box(iamc::syntax::parse(FileId(0), black_box(SOURCE)));
    }
    let elapsed = start.elapsed();
    let per_parse = elapsed.as_secs_f64() / f64::from(runs);
    let mb_per_s = SOURCE.len() as f64 / per_parse / 1e6;
    println!(
        "frontend: {lines} lines, {} bytes, {items} items: {:.1} µs per parse, {:.1} MB/s ({runs} runs)",
        SOURCE.len(),
        per_parse * 1e6,
        mb_per_s
    );
}

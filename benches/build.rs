//! Analyses the seed example project in-process N times and prints ms per analysis.
//! Run: `cargo bench --bench build`.

use iamc::cli::disk::Disk;
use iamc::{analyze, project, AnalyzeOptions};
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seeds");
    let Ok(loaded) = project::load_project(&Disk, &root, None) else {
        eprintln!("cannot load {}", root.display());
        return;
    };
    let options = AnalyzeOptions {
        env: loaded.env,
        ..AnalyzeOptions::default()
    };
    let sources = loaded.sources;
    let n = 200;
    // Warm up (the catalog decodes lazily on first use).
    let first = analyze(&sources, &options);
    assert!(!first.has_errors(), "{:?}", first.diagnostics);
    let start = Instant::now();
    let mut docs = 0;
    for _ in 0..n {
        docs += analyze(&sources, &options).user_documents().count();
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    println!(
        "build: seed project ({} files, {} documents): {ms:.3} ms per analysis over {n} runs",
        sources.len(),
        docs / n as usize
    );
}

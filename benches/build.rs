//! Compiles the seed example project in-process N times and prints ms per compile.
//! Run: `cargo bench --bench build`.

use iamc::source::{Origin, Sources};
use iamc::{check, compile, project, stdlib, CompileOptions};
use std::path::Path;
use std::time::Instant;

fn load() -> (Sources, CompileOptions) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seeds");
    let mut sources = Sources::new();
    let toml = std::fs::read_to_string(root.join("iamc.toml")).unwrap_or_default();
    let id = sources.add(
        "iamc.toml",
        "",
        Origin::File("iamc.toml".into()),
        toml.clone(),
    );
    let proj = project::parse(id, &toml).ok();
    let mut options = CompileOptions::default();
    if let Some(Ok(Some(e))) = proj.as_ref().map(|p| p.select_env(None, id)) {
        options.env = check::Env {
            name: Some(e.name.clone()),
            constants: e.constants.clone(),
            span: Some(e.span),
        };
    }
    let mut files: Vec<_> = std::fs::read_dir(root.join("iam"))
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        sources.add(
            format!("iam/{name}.iamc"),
            format!("iam.{name}"),
            Origin::File(name.clone()),
            text,
        );
    }
    stdlib::add_to(&mut sources);
    (sources, options)
}

fn main() {
    let (sources, options) = load();
    let n = 200;
    // Warm up (the catalog decodes lazily on first use).
    let first = compile(&sources, &options);
    assert!(!first.has_errors(), "{:?}", first.diagnostics);
    let start = Instant::now();
    let mut docs = 0;
    for _ in 0..n {
        docs += compile(&sources, &options).documents.len();
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    println!(
        "build: seed project ({} files, {} documents): {ms:.3} ms per compile over {n} runs",
        sources.len(),
        docs / n as usize
    );
}

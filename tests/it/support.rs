//! Helpers shared by the test modules: the `iamc` binary with the embedded catalog, the
//! analysed seed project, the repository's `.iamc` files and a seeded random generator.

use std::path::{Path, PathBuf};

/// Every `.iamc` file under `dir`, recursively, in a stable order.
pub fn iamc_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            iamc_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "iamc") {
            out.push(p);
        }
    }
}

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One of `items`, or `None` if there are none.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// The `iamc` binary, with the embedded catalog: a catalog the user installed
/// (`IAMC_CATALOG`, or the user catalog file under `XDG_DATA_HOME`) must not change what
/// the corpora expect. It runs in a scratch folder outside the repository (tests pass
/// absolute paths), so a command that writes next to where it runs (`iamc build FILE`
/// writes `./out/`) never writes into the repository; a test may still set its own
/// `current_dir`. Every test starts the binary through here.
pub fn iamc() -> std::process::Command {
    let mut c = std::process::Command::new(iamc_path());
    c.env_remove("IAMC_CATALOG")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("iamc-it-no-user-catalog"),
        )
        .current_dir(scratch_cwd());
    c
}

/// Where the `iamc` binary under test is (for a tool that starts it itself, such as an
/// editor starting `iamc lsp`); tests start it with [`iamc`].
pub fn iamc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_iamc"))
}

/// The folder the binary runs in by default (see [`iamc`]): one per test process.
pub fn scratch_cwd() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-it-cwd-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The seed project, loaded as `iamc build --project examples/seeds` loads it, analysed;
/// it must have no error.
pub fn analyze_seeds() -> iamc::Analysis {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seeds");
    let loaded = iamc::project::load_project(&iamc::cli::disk::Disk, &dir, None).unwrap();
    let options = iamc::AnalyzeOptions {
        env: loaded.env,
        ..iamc::AnalyzeOptions::default()
    };
    let a = iamc::analyze(&loaded.sources, &options);
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    a
}

/// Runs a command that prints one JSON report on standard output (`--format json`):
/// its exit code and the report.
pub fn json_report(command: &mut std::process::Command) -> (i32, serde_json::Value) {
    let out = command.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// The codes of a report's diagnostics, in report order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// One module `main` of source text (and the standard library), analysed with `env`; it
/// must have no error.
pub fn analyze_text(text: &str, env: Option<iamc::project::Environment>) -> iamc::Analysis {
    let mut sources = iamc::source::Sources::new();
    sources.add(
        "main.iamc",
        "main",
        iamc::source::Origin::Memory("main.iamc".into()),
        text,
    );
    iamc::stdlib::add_to(&mut sources);
    let options = iamc::AnalyzeOptions {
        env,
        ..iamc::AnalyzeOptions::default()
    };
    let a = iamc::analyze(&sources, &options);
    assert!(!a.has_errors(), "{text}\n{:#?}", a.diagnostics);
    a
}

/// `Allow * on *`: the administrator a document is placed beside, or the `FullAWSAccess`
/// of an SCP level.
pub fn allow_all() -> iamc::policy::Document {
    use iamc::policy::{Document, Effect, Matcher, Statement, Version};
    Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements: vec![Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: Matcher::Is(vec!["*".into()]),
            resource: Some(Matcher::Is(vec!["*".into()])),
            conditions: vec![],
        }],
    }
}

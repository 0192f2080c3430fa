//! The one integration-test binary (one link step on 2 cores). Each module drives the real
//! `iamc` binary or the library on a corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod analysis;
mod architecture;
mod catalog;
mod cli;
mod codes;
mod comments;
mod equivalence;
mod eval;
mod frontend;
mod frontend_props;
mod golden;
mod hardening;
mod lowering;
mod syntax;
mod values;

/// The `iamc` binary, with the embedded catalog: a catalog the user installed
/// (`IAMC_CATALOG`, or the user catalog file under `XDG_DATA_HOME`) must not change what
/// the corpora expect.
pub fn iamc() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_iamc"));
    c.env_remove("IAMC_CATALOG").env(
        "XDG_DATA_HOME",
        std::env::temp_dir().join("iamc-it-no-user-catalog"),
    );
    c
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

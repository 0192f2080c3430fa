//! `iamc prove` (spec/prove.md), and the proof pass `build` and `check` run before they
//! write anything.

use crate::analysis::Analysis;
use crate::catalog::Catalog;
use crate::cli::args::{Format, SourceArgs};
use crate::cli::commands::build;
use crate::cli::write::write_all_atomic;
use crate::cli::Exit;
use crate::diagnostics::render;
use crate::project::ProveSettings;
use crate::prove::driver::{self, Report, Settings};
use crate::prove::report;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The budgets of `iamc.toml`'s `[prove]` table over the defaults.
pub fn settings(p: ProveSettings) -> Settings {
    Settings::with_budgets(p.timeout_ms, p.max_cases, p.max_states)
}

/// Decides every property of an analysis without errors (the clock is this process's).
pub fn run_proofs(analysis: &Analysis, catalog: &Catalog, settings: Settings) -> Vec<Report> {
    if analysis.has_errors() {
        return Vec::new();
    }
    let start = Instant::now();
    let now_ms = || start.elapsed().as_secs_f64() * 1000.0;
    driver::run(
        &report::inputs(analysis),
        &analysis.sources,
        catalog,
        settings,
        &now_ms,
    )
}

/// The proof pass: decides, then adds the verdicts' diagnostics to the analysis.
pub fn gate(analysis: &mut Analysis, catalog: &Catalog, settings: Settings) -> Vec<Report> {
    let reports = run_proofs(analysis, catalog, settings);
    let diags = report::diagnostics(analysis, &reports);
    analysis.add_diagnostics(diags);
    reports
}

/// `<Subject>.<n>.json` and `<Subject>.<n>.other.json` for every refuted property.
fn write_counterexamples(dir: &Path, reports: &[Report]) -> Result<usize, String> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for r in reports {
        if r.verdict_word() != "refuted" {
            continue;
        }
        let Some(s) = &r.scenario else { continue };
        let base = format!("{}.{}", r.subject, r.ordinal);
        let text = serde_json::to_string_pretty(s).unwrap_or_default() + "\n";
        files.push((dir.join(format!("{base}.json")), text.into_bytes()));
        if let Some(o) = &r.other_scenario {
            let text = serde_json::to_string_pretty(o).unwrap_or_default() + "\n";
            files.push((dir.join(format!("{base}.other.json")), text.into_bytes()));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let refs: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, b)| (p.clone(), &b[..])).collect();
    write_all_atomic(&refs).map_err(|e| format!("cannot write into `{}`: {e}", dir.display()))?;
    Ok(files.len())
}

pub fn run(args: &SourceArgs, emit: Option<&Path>) -> Exit {
    let (mut analysis, catalog, loaded_prove) = match build::load_and_analyze(args, false) {
        Ok(x) => x,
        Err(exit) => return exit,
    };
    let reports = gate(&mut analysis, catalog, settings(loaded_prove));
    let mut status = if analysis.has_errors() {
        Exit::SourceErrors
    } else {
        Exit::Ok
    };
    if let Some(dir) = emit {
        if let Err(e) = write_counterexamples(dir, &reports) {
            eprintln!("error: {e}");
            status = Exit::UsageOrIo;
        }
    }
    let proved = reports
        .iter()
        .filter(|r| r.verdict_word() == "proved")
        .count();
    let refuted = reports
        .iter()
        .filter(|r| r.verdict_word() == "refuted")
        .count();
    match args.format {
        Format::Json => {
            if !analysis.diagnostics.is_empty() {
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&render::to_json(
                        &analysis.diagnostics,
                        &analysis.sources
                    ))
                    .unwrap_or_default()
                );
            }
            let doc = serde_json::json!({
                "proofs": reports.iter().map(|r| report::proof_json(&analysis, r)).collect::<Vec<_>>(),
                "proved": proved,
                "refuted": refuted,
            });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            for r in &reports {
                outln!(
                    "{:<9} {}: {} ({:.1} ms)",
                    r.verdict_word(),
                    r.subject,
                    report::property_text(&analysis, r.span),
                    r.ms
                );
            }
            super::eprint_diagnostics(&analysis.diagnostics, &analysis.sources);
            if reports.is_empty() && !analysis.has_errors() {
                outln!("no properties to prove");
            } else if !reports.is_empty() {
                outln!(
                    "{proved} proved, {refuted} refuted, {} other",
                    reports.len() - proved - refuted
                );
            }
        }
    }
    status
}

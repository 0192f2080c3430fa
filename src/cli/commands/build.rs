//! `iamc build` and `iamc check`.
//!
//! Loads the project (or plain files) from disk through `project`, analyses it in memory
//! with the catalog in use (the user's, see `iamc catalog update`, else the embedded one)
//! and, for `build`, writes one `<Name>.json` per document declared outside the standard
//! library. Atomic: with any error nothing is written. A manifest (`.iamc-manifest`) in the
//! output folder lists the files iamc wrote, so stale ones from an earlier build are
//! removed and nothing else is.

use crate::cli::args::{Format, SourceArgs};
use crate::cli::commands::{catalog, stderr_is_terminal};
use crate::cli::disk::Disk;
use crate::cli::write::{write_all_atomic, write_atomic};
use crate::cli::Exit;
use crate::diagnostics::{render, Diagnostic};
use crate::policy::json::Layout;
use crate::project::{self, LoadError, Loaded};
use crate::source::Sources;
use crate::{analyze, emit, AnalyzeOptions};
use std::path::{Path, PathBuf};

/// The manifest of files written by the last build, one name per line.
pub const MANIFEST: &str = ".iamc-manifest";

pub fn build(args: &SourceArgs, out: Option<&Path>, minify: bool) -> Exit {
    run(args, Some(out), minify)
}

pub fn check(args: &SourceArgs) -> Exit {
    run(args, None, false)
}

/// A loaded and analysed compilation, with what the commands need next.
pub(crate) struct Analyzed {
    pub analysis: crate::analysis::Analysis,
    pub catalog: &'static crate::catalog::Catalog,
    pub prove: crate::project::ProveSettings,
    pub out_dir: Option<PathBuf>,
}

/// Loads the sources, the catalog in use and the settings, and analyses them.
pub(crate) fn analyzed(args: &SourceArgs, layout: Layout) -> Result<Analyzed, Exit> {
    let loaded = load(args)?;
    let catalog = catalog::load_override().map_err(|e| {
        eprintln!("error: {e}");
        Exit::UsageOrIo
    })?;
    let options = AnalyzeOptions {
        env: loaded.env,
        layout,
        catalog,
    };
    let mut analysis = analyze(&loaded.sources, &options);
    analysis.add_diagnostics(loaded.diagnostics);
    Ok(Analyzed {
        analysis,
        catalog,
        prove: loaded.prove,
        out_dir: loaded.out_dir,
    })
}

/// For `iamc prove`: the analysis, the catalog and the `[prove]` budgets.
pub(crate) fn load_and_analyze(
    args: &SourceArgs,
    minify: bool,
) -> Result<
    (
        crate::analysis::Analysis,
        &'static crate::catalog::Catalog,
        crate::project::ProveSettings,
    ),
    Exit,
> {
    let layout = if minify {
        Layout::Minified
    } else {
        Layout::Pretty
    };
    analyzed(args, layout).map(|a| (a.analysis, a.catalog, a.prove))
}

fn run(args: &SourceArgs, out: Option<Option<&Path>>, minify: bool) -> Exit {
    let layout = if minify {
        Layout::Minified
    } else {
        Layout::Pretty
    };
    let Analyzed {
        mut analysis,
        catalog,
        prove,
        out_dir,
    } = match analyzed(args, layout) {
        Ok(a) => a,
        Err(exit) => return exit,
    };
    let out_dir = match (out.flatten(), out_dir) {
        (Some(o), _) => o.to_path_buf(),
        (None, Some(d)) => d,
        (None, None) => PathBuf::from("out"),
    };
    // Every proof first: a refuted property is an error, and then nothing is written.
    let reports = super::prove::gate(&mut analysis, catalog, super::prove::settings(prove));
    let failed = analysis.has_errors();
    let mut written: Vec<Written> = Vec::new();
    for o in analysis.user_documents() {
        written.push(Written {
            name: o.name.clone(),
            module: o.module.clone(),
            kind: o.kind.name(),
            file: emit::file_name(&o.name),
            text: emit::json(&o.document, minify),
            size: o.size,
            budget: o.budget,
        });
    }
    let mut status = if failed { Exit::SourceErrors } else { Exit::Ok };
    let mut io_error = None;
    if let (Some(_), false) = (out, failed) {
        if let Err(e) = write_outputs(&out_dir, &written) {
            io_error = Some(e);
            status = Exit::UsageOrIo;
        }
    }
    let wrote = out.is_some() && !failed && io_error.is_none();
    match args.format {
        Format::Json => {
            let outputs: Vec<serde_json::Value> = written
                .iter()
                .map(|w| {
                    serde_json::json!({
                        "name": w.name,
                        "module": w.module,
                        "kind": w.kind,
                        "file": if wrote { Some(out_dir.join(&w.file).to_string_lossy().into_owned()) } else { None },
                        "size": w.size,
                        "budget": w.budget,
                    })
                })
                .collect();
            let mut doc = serde_json::json!({
                "diagnostics": render::to_json(&analysis.diagnostics, &analysis.sources),
                "outputs": if failed { Vec::new() } else { outputs },
                "proofs": reports.iter().map(|r| crate::prove::report::proof_json(&analysis, r)).collect::<Vec<_>>(),
            });
            if let (Some(e), Some(obj)) = (&io_error, doc.as_object_mut()) {
                obj.insert("error".into(), serde_json::Value::String(e.clone()));
            }
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            if !analysis.diagnostics.is_empty() {
                eprint!(
                    "{}",
                    render::to_text(
                        &analysis.diagnostics,
                        &analysis.sources,
                        stderr_is_terminal()
                    )
                );
            }
            if let Some(e) = &io_error {
                eprintln!("error: {e}");
            } else if failed {
                let n = analysis.diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "error: {n} error{} found; nothing written",
                    if n == 1 { "" } else { "s" }
                );
            } else {
                let verb = if wrote { "wrote" } else { "checked" };
                for w in &written {
                    let shown = if wrote {
                        out_dir.join(&w.file).display().to_string()
                    } else {
                        w.name.clone()
                    };
                    outln!(
                        "{verb} {shown} ({}, {} of {} characters)",
                        w.kind,
                        w.size,
                        w.budget
                    );
                }
                if written.is_empty() {
                    outln!("no documents declared");
                }
                if !reports.is_empty() {
                    // No times here: build output stays byte-identical across runs
                    // (`iamc prove` reports each property's time).
                    outln!(
                        "proved {} propert{} (`iamc prove` lists them)",
                        reports.len(),
                        if reports.len() == 1 { "y" } else { "ies" }
                    );
                }
            }
        }
    }
    status
}

struct Written {
    name: String,
    module: String,
    kind: &'static str,
    file: String,
    text: String,
    size: usize,
    budget: usize,
}

fn report(format: Format, sources: &Sources, diags: &[Diagnostic], outputs: &[serde_json::Value]) {
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "diagnostics": render::to_json(diags, sources), "outputs": outputs });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => eprint!("{}", render::to_text(diags, sources, stderr_is_terminal())),
    }
}

/// Writes every output (all or nothing), then removes files the previous build wrote that
/// this one did not.
fn write_outputs(dir: &Path, written: &[Written]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let manifest_path = dir.join(MANIFEST);
    let previous: Vec<String> = std::fs::read_to_string(&manifest_path)
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    // All or nothing: every file is staged before any replaces its old version, so a
    // failed write never leaves a mix of this build's files and the last one's.
    let files: Vec<(std::path::PathBuf, &[u8])> = written
        .iter()
        .map(|w| (dir.join(&w.file), w.text.as_bytes()))
        .collect();
    write_all_atomic(&files).map_err(|e| format!("cannot write into `{}`: {e}", dir.display()))?;
    let current: Vec<&str> = written.iter().map(|w| w.file.as_str()).collect();
    for old in &previous {
        // Only plain `*.json` names we wrote ourselves; never a path.
        let safe = old.ends_with(".json") && !old.contains(['/', '\\']) && !old.starts_with('.');
        if safe && !current.contains(&old.as_str()) {
            let _ = std::fs::remove_file(dir.join(old));
        }
    }
    let mut manifest = current.join("\n");
    manifest.push('\n');
    write_atomic(&manifest_path, manifest.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", manifest_path.display()))
}

/// Loads plain files or the project from disk; reports what went wrong and returns the
/// exit code otherwise.
fn load(args: &SourceArgs) -> Result<Loaded, Exit> {
    let loaded = if args.files.is_empty() {
        let dir = args.project.clone().unwrap_or_else(|| PathBuf::from("."));
        project::load_project(&Disk, &dir, args.env.as_deref())
    } else if args.project.is_some() {
        return Err(usage("give either files or `--project`, not both"));
    } else if args.env.is_some() {
        return Err(usage(
            "`--env` needs a project (`iamc.toml`); plain files have no environments",
        ));
    } else {
        project::load_files(&Disk, &args.files)
    };
    loaded.map_err(|e| match e {
        LoadError::Manifest {
            sources,
            diagnostic,
            requested,
        } => {
            report(
                args.format,
                &sources,
                std::slice::from_ref(&diagnostic),
                &[],
            );
            if requested {
                Exit::UsageOrIo
            } else {
                Exit::SourceErrors
            }
        }
        other => usage(other.to_string()),
    })
}

/// A usage or I/O error: said on stderr, exit 2.
fn usage(msg: impl std::fmt::Display) -> Exit {
    eprintln!("error: {msg}");
    Exit::UsageOrIo
}

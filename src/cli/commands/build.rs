//! `iamc build` and `iamc check`.
//!
//! Loads the project (or plain files) from disk through `project`, analyses it in memory
//! with the catalog in use (the user's, see `iamc catalog update`, else the embedded one)
//! and, for `build`, writes the selected targets: one `<Name>.json` per document declared
//! outside the standard library (`json`), CloudFormation templates under
//! `cloudformation/`, Terraform configurations under `terraform/` (see `targets`).
//! Atomic: with any error nothing is written. A manifest (`.iamc-manifest`) in the output
//! folder lists the files iamc wrote, so stale ones from an earlier build are removed and
//! nothing else is.

use crate::cli::args::{Format, SourceArgs, TargetArgs};
use crate::cli::commands::{catalog, targets};
use crate::cli::disk::Disk;
use crate::cli::write::{write_all_atomic, write_atomic};
use crate::cli::Exit;
use crate::diagnostics::{render, Diagnostic};
use crate::policy::json::Layout;
use crate::project::{self, LoadError, Loaded, Target};
use crate::source::Sources;
use crate::{analyze, emit, AnalyzeOptions};
use std::path::{Path, PathBuf};

/// The manifest of files written by the last build, one name per line.
pub const MANIFEST: &str = ".iamc-manifest";

pub fn build(args: &SourceArgs, targets: &TargetArgs, out: Option<&Path>, minify: bool) -> Exit {
    run(args, targets, Some(out), minify)
}

pub fn check(args: &SourceArgs, targets: &TargetArgs) -> Exit {
    run(args, targets, None, false)
}

/// A loaded and analysed compilation, with what the commands need next.
pub(crate) struct Analyzed {
    pub analysis: crate::analysis::Analysis,
    pub catalog: &'static crate::catalog::Catalog,
    pub prove: crate::project::ProveSettings,
    pub out_dir: Option<PathBuf>,
    /// `[project] name`, for the deployable targets' file names.
    pub name: Option<String>,
    /// What `build` writes (`[build]`, `[deploy]`, `[cloudformation]`).
    pub build: crate::project::BuildSettings,
    /// Documents made smaller where the prover showed the meaning unchanged.
    pub savings: Vec<crate::compact::Saving>,
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
    // Documents over or near their budget, merged where the prover shows the meaning
    // unchanged (docs/lowering.md, "Smaller documents, same meaning").
    let budgets = super::prove::settings(loaded.prove);
    let start = std::time::Instant::now();
    let expired = || start.elapsed().as_secs_f64() * 1000.0 > budgets.timeout_ms;
    let savings = crate::compact::compact(&mut analysis, catalog, layout, budgets.limits, &expired);
    Ok(Analyzed {
        analysis,
        catalog,
        prove: loaded.prove,
        out_dir: loaded.out_dir,
        name: loaded.name,
        build: loaded.build,
        savings,
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

fn run(
    args: &SourceArgs,
    target_args: &TargetArgs,
    out: Option<Option<&Path>>,
    minify: bool,
) -> Exit {
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
        name,
        build,
        savings,
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
    let settings = targets::settings(&build, target_args);
    let project_dir = project_dir(args);
    let name = targets::project_name(name.as_deref(), project_dir.as_deref());
    let (deployables, found) =
        targets::deployables(&analysis, &settings, project_dir.as_deref(), &name);
    analysis.add_diagnostics(found);
    let failed = analysis.has_errors();
    let mut written: Vec<Written> = Vec::new();
    if settings.targets.contains(&Target::Json) {
        for (i, o) in analysis
            .documents
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.is_std)
        {
            written.push(Written {
                file: emit::file_name(&o.name),
                text: emit::json(&o.document, minify),
                what: What::Document {
                    name: o.name.clone(),
                    module: o.module.clone(),
                    kind: o.kind.name(),
                    size: o.size,
                    budget: o.budget,
                    before: savings
                        .iter()
                        .find(|s| s.document == i && s.after < s.before)
                        .map(|s| s.before),
                },
            });
        }
    }
    for d in deployables {
        written.push(Written {
            file: d.path,
            text: d.text,
            what: What::Template {
                target: d.target,
                declarations: d.declarations,
                organization: d.organization,
            },
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
                    let file = wrote.then(|| out_dir.join(&w.file).to_string_lossy().into_owned());
                    match &w.what {
                        What::Document {
                            name,
                            module,
                            kind,
                            size,
                            budget,
                            before,
                        } => serde_json::json!({
                            "target": "json",
                            "name": name,
                            "module": module,
                            "kind": kind,
                            "file": file,
                            "size": size,
                            "budget": budget,
                            "size_before_merging": before,
                        }),
                        What::Template {
                            target,
                            declarations,
                            organization,
                        } => serde_json::json!({
                            "target": target.name(),
                            "path": w.file,
                            "file": file,
                            "declarations": declarations,
                            "organization": organization,
                        }),
                    }
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
            super::eprint_diagnostics(&analysis.diagnostics, &analysis.sources);
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
                    outln!("{verb} {}", w.describe(wrote.then_some(out_dir.as_path())));
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

/// One output file, before it is written.
struct Written {
    /// Relative to the output folder, `/`-separated.
    file: String,
    text: String,
    what: What,
}

enum What {
    /// A `<Name>.json` policy document.
    Document {
        name: String,
        module: String,
        kind: &'static str,
        size: usize,
        budget: usize,
        /// The size before statements were merged (where the prover showed the meaning
        /// unchanged).
        before: Option<usize>,
    },
    /// A CloudFormation template or Terraform configuration.
    Template {
        target: Target,
        declarations: usize,
        organization: bool,
    },
}

impl Written {
    /// What `build` says it wrote (the path in `out`) or `check` checked.
    fn describe(&self, out: Option<&Path>) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match (&self.what, out) {
            (
                What::Document {
                    name,
                    kind,
                    size,
                    budget,
                    before,
                    ..
                },
                out,
            ) => {
                let shown = out.map_or(name.clone(), |o| o.join(&self.file).display().to_string());
                match before {
                    Some(b) => format!(
                        "{shown} ({kind}, {size} of {budget} characters; {} saved by merges the prover showed equivalent, from {b})",
                        b.saturating_sub(*size)
                    ),
                    None => format!("{shown} ({kind}, {size} of {budget} characters)"),
                }
            }
            (
                What::Template {
                    target,
                    declarations,
                    organization,
                },
                out,
            ) => {
                let shown = out.map_or(self.file.clone(), |o| {
                    o.join(&self.file).display().to_string()
                });
                let what = match target {
                    Target::Terraform => "Terraform configuration",
                    _ => "CloudFormation template",
                };
                let scope = if *organization {
                    " for the management account"
                } else {
                    ""
                };
                format!(
                    "{shown} ({what}{scope}, {declarations} declaration{})",
                    plural(*declarations)
                )
            }
        }
    }
}

fn report(format: Format, sources: &Sources, diags: &[Diagnostic], outputs: &[serde_json::Value]) {
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "diagnostics": render::to_json(diags, sources), "outputs": outputs });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => super::eprint_diagnostics(diags, sources),
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
        if is_our_output(old) && !current.contains(&old.as_str()) {
            let _ = std::fs::remove_file(dir.join(old));
            // The folders iamc made for it go too, once empty (`remove_dir` refuses
            // folders with anything in them).
            let mut parent = Path::new(old).parent();
            while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
                if std::fs::remove_dir(dir.join(p)).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
    }
    let mut manifest = current.join("\n");
    manifest.push('\n');
    write_atomic(&manifest_path, manifest.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", manifest_path.display()))
}

/// Whether a manifest line names a file iamc writes: a relative path of plain names (no
/// `..`, no hidden names, no backslash) ending in one of the outputs' extensions. Anything
/// else in a manifest is left alone, so an edited manifest cannot make iamc delete it.
fn is_our_output(line: &str) -> bool {
    let plain = line
        .split('/')
        .all(|seg| !seg.is_empty() && !seg.starts_with('.') && !seg.contains('\\'));
    plain && [".json", ".yaml", ".tf"].iter().any(|e| line.ends_with(e))
}

/// The project folder of a project build (`None` for plain files).
fn project_dir(args: &SourceArgs) -> Option<PathBuf> {
    args.files
        .is_empty()
        .then(|| args.project.clone().unwrap_or_else(|| PathBuf::from(".")))
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

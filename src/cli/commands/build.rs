//! `iamc build` and `iamc check`.
//!
//! Reads the project (or plain files), compiles in memory and, for `build`, writes one
//! `<Name>.json` per document declared outside the standard library. Atomic: with any
//! error nothing is written. A manifest (`.iamc-manifest`) in the output folder lists the
//! files iamc wrote, so stale ones from an earlier build are removed and nothing else is.

use crate::cli::args::{Format, SourceArgs};
use crate::cli::commands::stderr_is_terminal;
use crate::cli::write::{write_all_atomic, write_atomic};
use crate::cli::Exit;
use crate::diagnostics::{render, Diagnostic};
use crate::policy::json::Layout;
use crate::source::{Origin, Sources};
use crate::{check, emit, project, stdlib, CompileOptions};
use std::path::{Path, PathBuf};

/// The manifest of files written by the last build, one name per line.
pub const MANIFEST: &str = ".iamc-manifest";

pub fn build(args: &SourceArgs, out: Option<&Path>, minify: bool) -> Exit {
    run(args, Some(out), minify)
}

pub fn check(args: &SourceArgs) -> Exit {
    run(args, None, false)
}

/// Sources and settings read from disk.
struct Loaded {
    sources: Sources,
    options: CompileOptions,
    out_dir: PathBuf,
    /// Diagnostics found while loading (project warnings).
    diagnostics: Vec<Diagnostic>,
}

enum LoadError {
    /// Usage or I/O: a message, exit 2.
    Usage(String),
    /// A located diagnostic in `iamc.toml`; exit 1 (or 2 for `usage`).
    Located {
        sources: Box<Sources>,
        diag: Box<Diagnostic>,
        usage: bool,
    },
}

fn usage(msg: impl Into<String>) -> LoadError {
    LoadError::Usage(msg.into())
}

fn run(args: &SourceArgs, out: Option<Option<&Path>>, minify: bool) -> Exit {
    let layout = if minify {
        Layout::Minified
    } else {
        Layout::Pretty
    };
    let loaded = match load(args, out.flatten(), layout) {
        Ok(l) => l,
        Err(LoadError::Usage(msg)) => {
            eprintln!("error: {msg}");
            return Exit::UsageOrIo;
        }
        Err(LoadError::Located {
            sources,
            diag,
            usage,
        }) => {
            report(args.format, &sources, std::slice::from_ref(&diag), &[]);
            return if usage {
                Exit::UsageOrIo
            } else {
                Exit::SourceErrors
            };
        }
    };
    let mut compilation = crate::compile(&loaded.sources, &loaded.options);
    compilation.diagnostics.extend(loaded.diagnostics);
    crate::diagnostics::sort(&mut compilation.diagnostics);
    let failed = compilation.has_errors();
    let mut written: Vec<Written> = Vec::new();
    for o in &compilation.documents {
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
        if let Err(e) = write_outputs(&loaded.out_dir, &written) {
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
                        "file": if wrote { Some(loaded.out_dir.join(&w.file).to_string_lossy().into_owned()) } else { None },
                        "size": w.size,
                        "budget": w.budget,
                    })
                })
                .collect();
            let mut doc = serde_json::json!({
                "diagnostics": render::to_json(&compilation.diagnostics, &loaded.sources),
                "outputs": if failed { Vec::new() } else { outputs },
            });
            if let (Some(e), Some(obj)) = (&io_error, doc.as_object_mut()) {
                obj.insert("error".into(), serde_json::Value::String(e.clone()));
            }
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            if !compilation.diagnostics.is_empty() {
                eprint!(
                    "{}",
                    render::to_text(
                        &compilation.diagnostics,
                        &loaded.sources,
                        stderr_is_terminal()
                    )
                );
            }
            if let Some(e) = &io_error {
                eprintln!("error: {e}");
            } else if failed {
                let n = compilation
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .count();
                eprintln!(
                    "error: {n} error{} found; nothing written",
                    if n == 1 { "" } else { "s" }
                );
            } else {
                let verb = if wrote { "wrote" } else { "checked" };
                for w in &written {
                    let shown = if wrote {
                        loaded.out_dir.join(&w.file).display().to_string()
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

/// Reads a source or manifest; every failure names the path and says why in words.
fn read(path: &Path) -> Result<String, LoadError> {
    if path.is_dir() {
        return Err(usage(format!(
            "`{}` is a directory, not a file; pass `.iamc` files, or the folder with `--project`",
            path.display()
        )));
    }
    std::fs::read_to_string(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_string(),
            _ => e.to_string(),
        };
        usage(format!("cannot read `{}`: {why}", path.display()))
    })
}

fn load(args: &SourceArgs, out: Option<&Path>, layout: Layout) -> Result<Loaded, LoadError> {
    let mut sources = Sources::new();
    if !args.files.is_empty() {
        if args.project.is_some() {
            return Err(usage("give either files or `--project`, not both"));
        }
        if args.env.is_some() {
            return Err(usage(
                "`--env` needs a project (`iamc.toml`); plain files have no environments",
            ));
        }
        for f in &args.files {
            let text = read(f)?;
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let module = project::module_path(&format!("{stem}.iamc")).ok_or_else(|| {
                usage(format!(
                    "`{}`: a file name must be a name (letters, digits, `_`) to be a module",
                    f.display()
                ))
            })?;
            sources.add(
                f.display().to_string(),
                module,
                Origin::File(f.display().to_string()),
                text,
            );
        }
        stdlib::add_to(&mut sources);
        return Ok(Loaded {
            sources,
            options: CompileOptions {
                env: check::Env::default(),
                layout,
            },
            out_dir: out
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("out")),
            diagnostics: Vec::new(),
        });
    }
    let dir = args.project.clone().unwrap_or_else(|| PathBuf::from("."));
    let toml_path = dir.join("iamc.toml");
    if !toml_path.is_file() {
        return Err(usage(format!(
            "no `iamc.toml` in `{}`; give `--project DIR` or `.iamc` files",
            dir.display()
        )));
    }
    let toml_text = read(&toml_path)?;
    let toml_id = sources.add(
        "iamc.toml",
        "",
        Origin::File(toml_path.display().to_string()),
        toml_text.clone(),
    );
    let proj = project::parse(toml_id, &toml_text).map_err(|d| LoadError::Located {
        sources: Box::new(sources.clone()),
        diag: d,
        usage: false,
    })?;
    let env = proj
        .select_env(args.env.as_deref(), toml_id)
        .map_err(|d| LoadError::Located {
            sources: Box::new(sources.clone()),
            diag: d,
            usage: args.env.is_some(),
        })?;
    let env = match env {
        Some(e) => check::Env {
            name: Some(e.name.clone()),
            constants: e.constants.clone(),
            span: Some(e.span),
        },
        None => check::Env::default(),
    };
    let mut files = Vec::new();
    for src in &proj.sources {
        let root = dir.join(src);
        if !root.is_dir() {
            return Err(usage(format!(
                "source folder `{}` (from `iamc.toml`) does not exist",
                root.display()
            )));
        }
        collect(&root, &mut files)
            .map_err(|e| usage(format!("cannot list `{}`: {e}", root.display())))?;
    }
    files.sort();
    files.dedup();
    for f in files {
        let rel = f.strip_prefix(&dir).unwrap_or(&f);
        let rel_text = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let module = project::module_path(&rel_text)
            .ok_or_else(|| usage(format!("`{rel_text}`: every folder and file name must be a name (letters, digits, `_`) to be a module")))?;
        let text = read(&f)?;
        sources.add(
            rel_text,
            module,
            Origin::File(f.display().to_string()),
            text,
        );
    }
    stdlib::add_to(&mut sources);
    let out_dir = match out {
        Some(o) => o.to_path_buf(),
        None => dir.join(&proj.out),
    };
    Ok(Loaded {
        sources,
        options: CompileOptions { env, layout },
        out_dir,
        diagnostics: proj.env_warnings(),
    })
}

/// Every `.iamc` file under `dir`, recursively.
pub(crate) fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "iamc") {
            out.push(path);
        }
    }
    Ok(())
}

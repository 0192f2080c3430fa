//! `iamc fmt`: rewrites `.iamc` files in the canonical layout (`crate::fmt`), or with
//! `--check` lists the files that would change.
//!
//! A file with syntax errors is reported and left untouched. Rewrites are atomic (a
//! temporary file and a rename), so an interrupted run never leaves half a file. Exit codes:
//! 0 when nothing is (or would be) left unformatted, 1 when `--check` finds a file to
//! reformat or a file cannot be formatted, 2 on usage or I/O errors.

use crate::cli::disk::Disk;
use crate::cli::write::write_atomic;
use crate::cli::Exit;
use crate::diagnostics::render;
use crate::project::FileSystem;
use crate::source::{Origin, Sources};
use std::path::{Path, PathBuf};

pub fn run(files: &[PathBuf], project: Option<&Path>, check: bool) -> Exit {
    let files = match targets(files, project) {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Exit::UsageOrIo;
        }
    };
    let mut status = Exit::Ok;
    let mut worse = |e: Exit| {
        if e as u8 > status as u8 {
            status = e;
        }
    };
    let mut changed = 0usize;
    for path in &files {
        match format_file(path, check) {
            Ok(false) => {}
            Ok(true) => {
                changed += 1;
                if check {
                    worse(Exit::SourceErrors);
                }
            }
            Err(e) => worse(e),
        }
    }
    if check && changed > 0 {
        eprintln!(
            "{changed} file{} would be reformatted; run `iamc fmt` to fix",
            if changed == 1 { "" } else { "s" }
        );
    }
    status
}

/// The files to format: the ones given, or the project's sources.
fn targets(files: &[PathBuf], project: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    if !files.is_empty() {
        if project.is_some() {
            return Err("give either files or `--project`, not both".into());
        }
        return Ok(files.to_vec());
    }
    project_files(project.unwrap_or(Path::new(".")))
}

/// The `.iamc` files of the project in `dir`, found as `iamc build` finds them: every file
/// under the source folders `iamc.toml` names, sorted.
fn project_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let toml_path = dir.join("iamc.toml");
    let toml_text = Disk.read_to_string(&toml_path).map_err(|e| {
        format!(
            "no readable `iamc.toml` in `{}` ({}); give `--project DIR` or `.iamc` files",
            dir.display(),
            e.why()
        )
    })?;
    let mut sources = Sources::new();
    let id = sources.add(
        "iamc.toml",
        "",
        Origin::File(toml_path.display().to_string()),
        toml_text.clone(),
    );
    let proj = crate::project::parse(id, &toml_text).map_err(|d| {
        render::to_text(std::slice::from_ref(&d), &sources, false)
            .trim_end()
            .to_string()
    })?;
    crate::project::source_files(&Disk, dir, &proj).map_err(|e| e.to_string())
}

/// Formats one file; `Ok(true)` if it changed (or, with `check`, would change).
fn format_file(path: &Path, check: bool) -> Result<bool, Exit> {
    let text = Disk.read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read `{}`: {}", path.display(), e.why());
        Exit::UsageOrIo
    })?;
    let mut sources = Sources::new();
    let name = path.display().to_string();
    let id = sources.add(name.clone(), "", Origin::File(name.clone()), text.clone());
    let formatted = match crate::fmt::format(&text, id) {
        Ok(f) => f,
        Err(diags) => {
            super::eprint_diagnostics(&diags, &sources);
            eprintln!("error: `{name}` was left unchanged");
            return Err(Exit::SourceErrors);
        }
    };
    if formatted == text {
        return Ok(false);
    }
    if check {
        outln!("would reformat {name}");
        for line in first_difference(&text, &formatted) {
            outln!("{line}");
        }
        return Ok(true);
    }
    write_atomic(path, formatted.as_bytes()).map_err(|e| {
        eprintln!("error: cannot write `{name}`: {e}");
        Exit::UsageOrIo
    })?;
    outln!("formatted {name}");
    Ok(true)
}

/// A hint at what would change: the first line that differs, before and after.
fn first_difference(old: &str, new: &str) -> Vec<String> {
    let mut old_lines = old.lines();
    let mut new_lines = new.lines();
    let mut n = 1usize;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => n += 1,
            (None, None) => return vec!["  (line endings or the end of the file)".into()],
            (a, b) => {
                let mut out = vec![format!("  line {n}:")];
                out.extend(a.map(|a| format!("  - {a}")));
                out.extend(b.map(|b| format!("  + {b}")));
                return out;
            }
        }
    }
}

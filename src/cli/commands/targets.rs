//! The deployable targets of `iamc build` and `check`: the settings after the command
//! line's overrides, the project's template overrides read from disk, and the call into
//! `emit::deployable`, which does the rest without I/O.

use crate::analysis::Analysis;
use crate::cli::args::{CfnFormatArg, TargetArg, TargetArgs};
use crate::diagnostics::{Code, Diagnostic};
use crate::emit;
use crate::project::{BuildSettings, CfnFormat, Setting, Target};
use std::path::{Path, PathBuf};

/// The project's build settings with the command line's choices applied.
pub fn settings(project: &BuildSettings, args: &TargetArgs) -> BuildSettings {
    let mut s = project.clone();
    if !args.target.is_empty() {
        let mut targets: Vec<Target> = args
            .target
            .iter()
            .map(|t| match t {
                TargetArg::Json => Target::Json,
                TargetArg::Cloudformation => Target::Cloudformation,
                TargetArg::Terraform => Target::Terraform,
            })
            .collect();
        targets.sort();
        targets.dedup();
        s.targets = targets;
    }
    if let Some(f) = args.cloudformation_format {
        s.cloudformation_format = match f {
            CfnFormatArg::Yaml => CfnFormat::Yaml,
            CfnFormatArg::Json => CfnFormat::Json,
        };
    }
    s
}

/// The deployable files of the analysis and what making them found. `project_dir` is
/// the project's folder (template overrides are read relative to it); `name` names the
/// project's templates.
pub fn deployables(
    analysis: &Analysis,
    settings: &BuildSettings,
    project_dir: Option<&Path>,
    name: &str,
) -> (Vec<emit::Output>, Vec<Diagnostic>) {
    let deploys = settings.targets.iter().any(|t| *t != Target::Json);
    let mut overrides = Vec::new();
    if let (true, Some(folder), Some(dir)) = (deploys, &settings.templates, project_dir) {
        match read_overrides(&dir.join(&folder.value)) {
            Ok(o) => overrides = o,
            Err(why) => return (Vec::new(), vec![folder_error(folder, &why)]),
        }
    }
    emit::deployable(&emit::Inputs {
        analysis,
        settings,
        project: name,
        overrides: &overrides,
    })
}

fn folder_error(folder: &Setting<String>, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0904,
        folder.span,
        format!("cannot read the templates folder `{}`: {why}", folder.value),
    )
    .with_help("`[build] templates` names a folder of the project holding `cloudformation/*.tera` and `terraform/*.tera` files")
}

/// Every `*.tera` file under `root`, as (path relative to `root` without `.tera`, text),
/// sorted by name.
fn read_overrides(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    collect(root, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        let name: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = name.join("/");
        let Some(name) = name.strip_suffix(".tera") else {
            continue;
        };
        let text = std::fs::read_to_string(&f).map_err(|e| format!("`{}`: {e}", f.display()))?;
        out.push((name.to_string(), text));
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "tera") {
            out.push(path);
        }
    }
    Ok(())
}

/// The name of the project's templates: `[project] name`, else the project folder's
/// name, else `iamc`.
pub fn project_name(name: Option<&str>, project_dir: Option<&Path>) -> String {
    if let Some(n) = name.filter(|n| !n.is_empty()) {
        return n.to_string();
    }
    project_dir
        .and_then(|d| {
            let abs = std::path::absolute(d).ok()?;
            abs.file_name().map(|n| n.to_string_lossy().into_owned())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "iamc".to_string())
}

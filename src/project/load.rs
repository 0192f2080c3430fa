//! Finding a compilation's sources: the `.iamc` files under a project's `sources` folders
//! (or the plain files given), their module names, the selected environment and the
//! standard library, read through a [`FileSystem`] so this module does no I/O itself.
//!
//! `iamc build`/`check` and the language server load through here, so they cannot
//! disagree about which files form the project.

use super::build::BuildSettings;
use super::env::Environment;
use super::fs::{FileSystem, FsError};
use super::manifest::{self, Project, ProveSettings};
use crate::diagnostics::Diagnostic;
use crate::source::{Origin, Sources};
use crate::stdlib;
use std::fmt;
use std::path::{Path, PathBuf};

/// A loaded compilation: every source (the standard library included), the selected
/// environment and what loading found to warn about.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub sources: Sources,
    /// `None` for plain files and for projects without `[env.NAME]` tables.
    pub env: Option<Environment>,
    /// The project's output folder (`out` in `iamc.toml`, relative to the project);
    /// `None` for plain files.
    pub out_dir: Option<PathBuf>,
    /// Warnings about `iamc.toml` (environments that define different constants).
    pub diagnostics: Vec<Diagnostic>,
    /// The project's name (`[project] name`); `None` for plain files and projects
    /// without one.
    pub name: Option<String>,
    /// What `iamc build` writes and how (the defaults for plain files).
    pub build: BuildSettings,
    /// The prover's budgets (`[prove]`; defaults for plain files).
    pub prove: ProveSettings,
}

/// Why loading failed.
#[derive(Clone, Debug)]
pub enum LoadError {
    /// The folder has no `iamc.toml`.
    NoManifest {
        dir: PathBuf,
    },
    /// A path given as a file is a folder.
    IsFolder {
        path: PathBuf,
    },
    Read {
        path: PathBuf,
        error: FsError,
    },
    List {
        path: PathBuf,
        error: FsError,
    },
    /// A `sources` folder named in `iamc.toml` does not exist.
    NoSourceFolder {
        path: PathBuf,
    },
    /// A file whose name (or a folder of whose path) is not a module name.
    NotAModuleName {
        path: String,
        plain_file: bool,
    },
    /// A file whose module name would be the standard library's (`std`, `std.*`).
    ReservedModule {
        path: String,
        module: String,
    },
    /// `iamc.toml` is malformed or names an unknown environment: a located diagnostic
    /// into `sources` (which hold the `iamc.toml` text). `requested` when the unknown
    /// environment was the one asked for (a usage error, not a source error).
    Manifest {
        sources: Box<Sources>,
        diagnostic: Box<Diagnostic>,
        requested: bool,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoManifest { dir } => write!(
                f,
                "no `iamc.toml` in `{}`; give `--project DIR` or `.iamc` files",
                dir.display()
            ),
            LoadError::IsFolder { path } => write!(
                f,
                "`{}` is a directory, not a file; pass `.iamc` files, or the folder with `--project`",
                path.display()
            ),
            LoadError::Read { path, error } => {
                write!(f, "cannot read `{}`: {}", path.display(), error.why())
            }
            LoadError::List { path, error } => {
                write!(f, "cannot list `{}`: {error}", path.display())
            }
            LoadError::NoSourceFolder { path } => write!(
                f,
                "source folder `{}` (from `iamc.toml`) does not exist",
                path.display()
            ),
            LoadError::NotAModuleName {
                path,
                plain_file: true,
            } => write!(
                f,
                "`{path}`: a file name must be a name (letters, digits, `_`) to be a module"
            ),
            LoadError::NotAModuleName {
                path,
                plain_file: false,
            } => write!(
                f,
                "`{path}`: every folder and file name must be a name (letters, digits, `_`) to be a module"
            ),
            LoadError::ReservedModule { path, module } => write!(
                f,
                "`{path}` would be module `{module}`, but `std` names the standard library; rename the file or its folder"
            ),
            LoadError::Manifest { diagnostic, .. } => f.write_str(&diagnostic.message),
        }
    }
}

/// Loads plain `.iamc` files (no project): each file is the module named by its stem.
pub fn load_files(fs: &dyn FileSystem, files: &[PathBuf]) -> Result<Loaded, LoadError> {
    let mut sources = Sources::new();
    for f in files {
        let text = read(fs, f)?;
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let module =
            module_path(&format!("{stem}.iamc")).ok_or_else(|| LoadError::NotAModuleName {
                path: f.display().to_string(),
                plain_file: true,
            })?;
        not_reserved(&f.display().to_string(), &module)?;
        sources.add(
            f.display().to_string(),
            module,
            Origin::File(f.display().to_string()),
            text,
        );
    }
    stdlib::add_to(&mut sources);
    Ok(Loaded {
        sources,
        env: None,
        out_dir: None,
        diagnostics: Vec::new(),
        name: None,
        build: BuildSettings::default(),
        prove: ProveSettings::default(),
    })
}

/// Loads the project in `dir`: `iamc.toml` (the first source, so its diagnostics have a
/// file), the environment `env` (else the default one), and every `.iamc` file under the
/// `sources` folders, sorted by path.
pub fn load_project(
    fs: &dyn FileSystem,
    dir: &Path,
    env: Option<&str>,
) -> Result<Loaded, LoadError> {
    let mut sources = Sources::new();
    let toml_path = dir.join("iamc.toml");
    if !fs.is_file(&toml_path) {
        return Err(LoadError::NoManifest {
            dir: dir.to_path_buf(),
        });
    }
    let toml_text = read(fs, &toml_path)?;
    let toml_id = sources.add(
        "iamc.toml",
        "",
        Origin::File(toml_path.display().to_string()),
        toml_text.clone(),
    );
    let manifest_error = |sources: &Sources, diagnostic, requested| LoadError::Manifest {
        sources: Box::new(sources.clone()),
        diagnostic,
        requested,
    };
    let proj =
        manifest::parse(toml_id, &toml_text).map_err(|d| manifest_error(&sources, d, false))?;
    let selected = proj
        .select_env(env, toml_id)
        .map_err(|d| manifest_error(&sources, d, env.is_some()))?
        .cloned();
    for (f, module) in source_modules(fs, dir, &proj)? {
        let rel_text = slash_path(f.strip_prefix(dir).unwrap_or(&f));
        let text = read(fs, &f)?;
        sources.add(
            rel_text,
            module,
            Origin::File(f.display().to_string()),
            text,
        );
    }
    stdlib::add_to(&mut sources);
    Ok(Loaded {
        sources,
        env: selected,
        out_dir: Some(dir.join(&proj.out)),
        diagnostics: proj.env_warnings(),
        name: proj.name.clone(),
        build: proj.build.clone(),
        prove: proj.prove,
    })
}

/// The `.iamc` files under the `sources` folders of the project in `dir`, sorted: what
/// `iamc build` analyses and `iamc fmt` formats.
pub fn source_files(
    fs: &dyn FileSystem,
    dir: &Path,
    project: &Project,
) -> Result<Vec<PathBuf>, LoadError> {
    Ok(source_modules(fs, dir, project)?
        .into_iter()
        .map(|(f, _)| f)
        .collect())
}

/// The `.iamc` files of the project in `dir` with their module names, sorted by path. A
/// module is named by the file's path under its source folder: with `sources = ["iam"]`,
/// `iam/app/dev.iamc` is module `app.dev`; a source given as a file is named by its stem.
pub fn source_modules(
    fs: &dyn FileSystem,
    dir: &Path,
    project: &Project,
) -> Result<Vec<(PathBuf, String)>, LoadError> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for src in &project.sources {
        let root = dir.join(src);
        let mut files = Vec::new();
        if fs.is_file(&root) && root.extension().is_some_and(|e| e == "iamc") {
            files.push(root.clone());
        } else if fs.is_dir(&root) {
            collect(fs, &root, &mut files)?;
        } else {
            return Err(LoadError::NoSourceFolder { path: root });
        }
        for f in files {
            let shown = slash_path(f.strip_prefix(dir).unwrap_or(&f));
            let under_root = match f.strip_prefix(&root) {
                Ok(rel) if !rel.as_os_str().is_empty() => slash_path(rel),
                _ => f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            let module = module_path(&under_root).ok_or_else(|| LoadError::NotAModuleName {
                path: shown.clone(),
                plain_file: false,
            })?;
            not_reserved(&shown, &module)?;
            out.push((f, module));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A path relative to the project, `/`-separated (as diagnostics show it).
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The standard library's module names (`std`, `std.*`) are not the user's to define.
fn not_reserved(path: &str, module: &str) -> Result<(), LoadError> {
    if module == "std" || module.starts_with("std.") {
        return Err(LoadError::ReservedModule {
            path: path.to_string(),
            module: module.to_string(),
        });
    }
    Ok(())
}

/// Reads a source or manifest; a folder is refused with words saying what to pass.
fn read(fs: &dyn FileSystem, path: &Path) -> Result<String, LoadError> {
    if fs.is_dir(path) {
        return Err(LoadError::IsFolder {
            path: path.to_path_buf(),
        });
    }
    fs.read_to_string(path).map_err(|error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    })
}

/// Every `.iamc` file under `dir`, recursively.
fn collect(fs: &dyn FileSystem, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = fs.list_dir(dir).map_err(|error| LoadError::List {
        path: dir.to_path_buf(),
        error,
    })?;
    for path in entries {
        if fs.is_dir(&path) {
            collect(fs, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "iamc") {
            out.push(path);
        }
    }
    Ok(())
}

/// The module path of a source file from its path relative to its source folder,
/// `/`-separated: `app/developer.iamc` -> `app.developer`. `None` if a segment is not a
/// name.
pub fn module_path(relative: &str) -> Option<String> {
    let stem = relative.strip_suffix(".iamc")?;
    let segs: Vec<&str> = stem
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let ok = !segs.is_empty()
        && segs.iter().all(|s| {
            let mut c = s.chars();
            c.next()
                .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
                && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
        });
    ok.then(|| segs.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MemoryFs;

    fn project() -> MemoryFs {
        let mut fs = MemoryFs::new();
        fs.insert(
            "p/iamc.toml",
            "[project]\nsources = [\"iam\"]\n\n[env.dev]\naccount = \"111122223333\"\n\n[env.prod]\nregion = \"x\"\n",
        );
        fs.insert("p/iam/b.iamc", "const b = 1\n");
        fs.insert("p/iam/app/a.iamc", "const a = 1\n");
        fs.insert("p/iam/notes.txt", "not a module\n");
        fs
    }

    #[test]
    fn a_project_is_its_manifest_its_modules_and_the_stdlib() {
        let loaded = load_project(&project(), Path::new("p"), None).unwrap();
        let user: Vec<(&str, &str)> = loaded
            .sources
            .iter()
            .map(|(_, f)| (f.name.as_str(), f.module.as_str()))
            .filter(|(n, _)| !n.starts_with("std/"))
            .collect();
        assert_eq!(
            user,
            [
                ("iamc.toml", ""),
                ("iam/app/a.iamc", "app.a"),
                ("iam/b.iamc", "b")
            ]
        );
        assert_eq!(loaded.env.map(|e| e.name), Some("dev".to_string()));
        assert_eq!(loaded.out_dir, Some(PathBuf::from("p/out")));
        // `prod` lacks `account` and `dev` lacks `region`.
        assert_eq!(loaded.diagnostics.len(), 2);
    }

    #[test]
    fn loading_errors_say_what_is_wrong() {
        let fs = project();
        let e = load_project(&fs, Path::new("q"), None).unwrap_err();
        assert!(matches!(e, LoadError::NoManifest { .. }), "{e}");
        let e = load_project(&fs, Path::new("p"), Some("stage")).unwrap_err();
        assert!(
            matches!(
                e,
                LoadError::Manifest {
                    requested: true,
                    ..
                }
            ),
            "{e}"
        );
        let e = load_files(&fs, &[PathBuf::from("p/iam")]).unwrap_err();
        assert!(matches!(e, LoadError::IsFolder { .. }), "{e}");
        let e = load_files(&fs, &[PathBuf::from("p/iam/missing.iamc")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read `p/iam/missing.iamc`: no such file"
        );
        let mut bad = fs.clone();
        bad.insert("p/iam/my-app.iamc", "");
        let e = load_project(&bad, Path::new("p"), None).unwrap_err();
        assert!(
            matches!(
                e,
                LoadError::NotAModuleName {
                    plain_file: false,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn a_source_given_as_a_file_is_named_by_its_stem() {
        let mut fs = project();
        fs.insert(
            "p/iamc.toml",
            "[project]\nsources = [\"iam/app\", \"extra.iamc\"]\n",
        );
        fs.insert("p/extra.iamc", "const x = 1\n");
        let loaded = load_project(&fs, Path::new("p"), None).unwrap();
        let user: Vec<(&str, &str)> = loaded
            .sources
            .iter()
            .map(|(_, f)| (f.name.as_str(), f.module.as_str()))
            .filter(|(n, _)| !n.starts_with("std/") && *n != "iamc.toml")
            .collect();
        assert_eq!(user, [("extra.iamc", "extra"), ("iam/app/a.iamc", "a")]);
    }

    #[test]
    fn plain_files_are_modules_by_stem() {
        let loaded = load_files(&project(), &[PathBuf::from("p/iam/app/a.iamc")]).unwrap();
        let first = loaded.sources.iter().next().map(|(_, f)| f.module.clone());
        assert_eq!(first.as_deref(), Some("a"));
        assert!(loaded.env.is_none() && loaded.out_dir.is_none());
    }

    #[test]
    fn module_paths() {
        assert_eq!(
            module_path("iam/app/developer.iamc").as_deref(),
            Some("iam.app.developer")
        );
        assert_eq!(module_path("iam/my-app.iamc"), None);
    }
}

//! Compilations: which documents are analysed together, and the analysis of each.
//!
//! A document belongs to the project of the nearest folder above it holding an
//! `iamc.toml`, loaded by `project::load_project` through the overlay (open buffers over
//! the disk), so files of the project that are not open are read from disk. A document
//! outside any project, or outside its project's `sources` folders, is a compilation of
//! its own, like `iamc check FILE`; an unsaved one (`untitled:`) too. When a project does
//! not load (a broken `iamc.toml`), its open documents are analysed as plain files and the
//! loader's error is reported on `iamc.toml`, so the editor keeps working.

use super::documents::{Document, Documents};
use super::proofs::Proofs;
use super::uri;
use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::project::{self, Environment, FileSystem, LoadError, ProveSettings};
use crate::source::{FileId, Origin, Sources, Span};
use crate::{analyze, stdlib, Analysis, AnalyzeOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a compilation is rooted at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    /// A folder holding `iamc.toml`.
    Project(PathBuf),
    /// A file analysed on its own.
    File(PathBuf),
    /// A document with no file (`untitled:`), by URI.
    Memory(String),
}

/// What every compilation is analysed with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The environment of `iamc.toml` to use (the project's default when `None`).
    pub env: Option<String>,
    pub catalog: &'static Catalog,
}

/// Diagnostics found outside the analysis (the project loader's), with the sources their
/// spans point into.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

/// One analysed compilation.
#[derive(Debug)]
pub struct Compilation {
    /// Increases with every analysis; proof results of an older one are dropped.
    pub generation: u64,
    pub analysis: Arc<Analysis>,
    pub extra: Extra,
    /// The selected environment, for hovers on `env.NAME`.
    pub env: Option<Environment>,
    /// The prover's budgets (`[prove]` in `iamc.toml`).
    pub prove: ProveSettings,
    pub proofs: Proofs,
    uris: BTreeMap<FileId, String>,
    files: BTreeMap<String, FileId>,
}

impl Compilation {
    /// The URI of a source file; `None` for the standard library.
    pub fn uri(&self, file: FileId) -> Option<&str> {
        self.uris.get(&file).map(String::as_str)
    }

    /// The source file a URI names in this compilation.
    pub fn file(&self, uri: &str) -> Option<FileId> {
        self.files.get(uri).copied()
    }

    /// Every file with a URI (the user's sources and `iamc.toml`).
    pub fn uris(&self) -> impl Iterator<Item = (FileId, &str)> + '_ {
        self.uris.iter().map(|(f, u)| (*f, u.as_str()))
    }
}

/// The root a document belongs to, before its project is loaded: the nearest folder above
/// it with an `iamc.toml`, else the file itself.
pub fn root_of(doc: &Document, fs: &dyn FileSystem) -> Root {
    let Some(path) = &doc.path else {
        return Root::Memory(doc.uri.clone());
    };
    if path.file_name().is_some_and(|n| n == "iamc.toml") {
        if let Some(dir) = path.parent() {
            return Root::Project(dir.to_path_buf());
        }
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if fs.is_file(&d.join("iamc.toml")) {
            return Root::Project(d.to_path_buf());
        }
        dir = d.parent();
    }
    Root::File(path.clone())
}

/// The time the editor gives compaction per analysis, in milliseconds (a build gives it
/// `[prove] timeout_ms`).
const COMPACT_MS: f64 = 250.0;

/// Loads and analyses one compilation.
pub fn compile(
    root: &Root,
    docs: &Documents,
    fs: &dyn FileSystem,
    settings: &Settings,
    generation: u64,
) -> Compilation {
    let Input {
        sources,
        env,
        warnings,
        extra,
        prove,
    } = load(root, docs, fs, settings);
    let options = AnalyzeOptions {
        env: env.clone(),
        catalog: settings.catalog,
        ..AnalyzeOptions::default()
    };
    let mut analysis = analyze(&sources, &options);
    analysis.add_diagnostics(warnings);
    // What `iamc build` writes: a document near its budget merged where the prover shows
    // the meaning unchanged, so the editor's sizes and E0404 say what the build will.
    let budgets = crate::prove::driver::Settings::with_budgets(
        prove.timeout_ms,
        prove.max_cases,
        prove.max_states,
    );
    // Bounded tighter than a build: this runs on the loop that answers the editor.
    let limit_ms = budgets.timeout_ms.min(COMPACT_MS);
    let start = std::time::Instant::now();
    let expired = || start.elapsed().as_secs_f64() * 1000.0 > limit_ms;
    let savings = crate::compact::compact(
        &mut analysis,
        settings.catalog,
        options.layout,
        budgets.limits,
        &expired,
    );
    if !savings.is_empty() && expired() {
        for d in analysis
            .diagnostics
            .iter_mut()
            .filter(|d| d.code == crate::diagnostics::Code::E0404)
        {
            let note = format!(
                "the editor stops merging after {COMPACT_MS} ms; `iamc build` may merge more within `[prove] timeout_ms`"
            );
            d.help = Some(match d.help.take() {
                Some(help) => format!("{help} ({note})"),
                None => note,
            });
        }
    }
    let mut uris = BTreeMap::new();
    for (id, file) in analysis.sources.iter() {
        let uri = match &file.origin {
            Origin::File(p) => {
                let p = Path::new(p);
                docs.by_path(p)
                    .map_or_else(|| uri::from_path(p), |d| d.uri.clone())
            }
            Origin::Memory(u) => u.clone(),
            Origin::Stdlib(_) => continue,
        };
        uris.insert(id, uri);
    }
    let files = uris.iter().map(|(f, u)| (u.clone(), *f)).collect();
    Compilation {
        generation,
        analysis: Arc::new(analysis),
        extra,
        env,
        prove,
        proofs: Proofs::default(),
        uris,
        files,
    }
}

/// What a compilation is analysed from.
#[derive(Default)]
struct Input {
    sources: Sources,
    env: Option<Environment>,
    /// The project loader's warnings (spans into `sources`).
    warnings: Vec<Diagnostic>,
    extra: Extra,
    prove: ProveSettings,
}

fn load(root: &Root, docs: &Documents, fs: &dyn FileSystem, settings: &Settings) -> Input {
    match root {
        Root::Project(dir) => {
            let mut result = project::load_project(fs, dir, settings.env.as_deref());
            let mut extra = Extra::default();
            if let (
                Err(LoadError::Manifest {
                    requested: true, ..
                }),
                Some(_),
            ) = (&result, &settings.env)
            {
                // The environment the editor asked for does not exist: say so on
                // `iamc.toml` and go on with the project's default.
                if let Err(e) = &result {
                    extra = extra_of(e, dir, fs);
                }
                result = project::load_project(fs, dir, None);
            }
            match result {
                Ok(l) => Input {
                    sources: l.sources,
                    env: l.env,
                    warnings: l.diagnostics,
                    extra,
                    prove: l.prove,
                },
                Err(e) => {
                    let paths: Vec<PathBuf> = docs
                        .iter()
                        .filter_map(|d| d.path.clone())
                        .filter(|p| {
                            p.starts_with(dir) && p.extension().is_some_and(|x| x == "iamc")
                        })
                        .collect();
                    Input {
                        sources: loose(fs, &paths),
                        extra: extra_of(&e, dir, fs),
                        ..Input::default()
                    }
                }
            }
        }
        Root::File(path) => Input {
            sources: loose(fs, std::slice::from_ref(path)),
            ..Input::default()
        },
        Root::Memory(u) => {
            let mut sources = Sources::new();
            let text = docs.get(u).map(|d| d.text.clone()).unwrap_or_default();
            // The analysis reads texts named `*.iamc`; the URI stays in the origin.
            sources.add("main.iamc", "main", Origin::Memory(u.clone()), text);
            stdlib::add_to(&mut sources);
            Input {
                sources,
                ..Input::default()
            }
        }
    }
}

/// Plain files, as `iamc check FILE...` loads them; a file whose name is not a module
/// name (`my-policy.iamc`, which the command line refuses) is still analysed, as module
/// `main`, so the editor has something to show.
fn loose(fs: &dyn FileSystem, paths: &[PathBuf]) -> Sources {
    if let Ok(l) = project::load_files(fs, paths) {
        return l.sources;
    }
    let mut sources = Sources::new();
    for p in paths {
        let Ok(text) = fs.read_to_string(p) else {
            continue;
        };
        let module = p
            .file_name()
            .and_then(|n| project::module_path(&n.to_string_lossy()))
            .unwrap_or_else(|| "main".to_string());
        let name = p.display().to_string();
        sources.add(name.clone(), module, Origin::File(name), text);
    }
    stdlib::add_to(&mut sources);
    sources
}

/// The loader's error as a diagnostic on `iamc.toml`.
fn extra_of(e: &LoadError, dir: &Path, fs: &dyn FileSystem) -> Extra {
    if let LoadError::Manifest {
        sources,
        diagnostic,
        ..
    } = e
    {
        return Extra {
            sources: (**sources).clone(),
            diagnostics: vec![(**diagnostic).clone()],
        };
    }
    let toml = dir.join("iamc.toml");
    let mut sources = Sources::new();
    let text = fs.read_to_string(&toml).unwrap_or_default();
    let id = sources.add(
        "iamc.toml",
        "",
        Origin::File(toml.display().to_string()),
        text,
    );
    Extra {
        sources,
        diagnostics: vec![Diagnostic::new(
            Code::E0901,
            Span::new(id, 0, 0),
            e.to_string(),
        )],
    }
}

/// The URI of every file of an extra's sources.
pub fn extra_uri(extra: &Extra, file: FileId, docs: &Documents) -> Option<String> {
    match &extra.sources.get(file)?.origin {
        Origin::File(p) => {
            let p = Path::new(p);
            Some(
                docs.by_path(p)
                    .map_or_else(|| uri::from_path(p), |d| d.uri.clone()),
            )
        }
        Origin::Memory(u) => Some(u.clone()),
        Origin::Stdlib(_) => None,
    }
}

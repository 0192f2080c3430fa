//! Texts embedded in the binary, written to disk so the editor can open them: the
//! explanation of each diagnostic code (the target of a diagnostic's `codeDescription`
//! link), the standard library's modules (the target of "go to definition" on a `std`
//! template) and the JSON a declaration emits (the "show JSON" lens).
//!
//! They go under `$XDG_CACHE_HOME/iamc/<version>/` (else `~/.cache`, else the temporary
//! folder), one folder per version so a page always matches the binary that links to it.
//! A file is written once per session, whole (a temporary file renamed over it), and only
//! when missing or different. Instead of the written pages, a client may ask for links to
//! a hosted copy of `docs/errors` with the `errorDocsUrl` initialization option
//! (`https://example.com/iamc/docs/errors/{code}.md`).

use super::uri;
use crate::diagnostics::Code;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub struct Cache {
    dir: Option<PathBuf>,
    /// `errorDocsUrl`: a URL with `{code}` in it.
    docs_template: Option<String>,
    /// Relative paths written in this session.
    written: RefCell<BTreeSet<PathBuf>>,
}

impl Cache {
    pub fn new(docs_template: Option<String>) -> Cache {
        Cache {
            dir: cache_dir(),
            docs_template,
            written: RefCell::default(),
        }
    }

    /// The link to a code's explanation.
    pub fn error_doc(&self, code: Code) -> Option<String> {
        if let Some(t) = &self.docs_template {
            return Some(t.replace("{code}", code.as_str()));
        }
        let rel = Path::new("errors").join(format!("{}.md", code.as_str()));
        self.file(&rel, code.explanation())
    }

    /// A readable copy of a standard library module (`std/guards.iamc`).
    pub fn stdlib(&self, name: &str) -> Option<String> {
        let (_, file, text) = crate::stdlib::STDLIB.iter().find(|(_, n, _)| *n == name)?;
        self.file(&Path::new("stdlib").join(file), text)
    }

    /// A declaration's emitted JSON, as a file to show.
    pub fn json(&self, module: &str, name: &str, text: &str) -> Option<String> {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let rel = Path::new("json")
            .join(safe(module))
            .join(format!("{}.json", safe(name)));
        // A new build may emit different JSON for the same name: always rewrite.
        self.written.borrow_mut().remove(&rel);
        self.file(&rel, text)
    }

    /// The URI of a cached file, written first if needed.
    fn file(&self, rel: &Path, text: &str) -> Option<String> {
        let path = self.dir.as_ref()?.join(rel);
        if !self.written.borrow().contains(rel) {
            let same = std::fs::read_to_string(&path).is_ok_and(|t| t == text);
            if !same {
                write(&path, text).ok()?;
            }
            self.written.borrow_mut().insert(rel.to_path_buf());
        }
        Some(uri::from_path(&path))
    }
}

fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join("iamc").join(env!("CARGO_PKG_VERSION"));
    dir.is_absolute().then_some(dir)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

//! The file system as the project loader sees it: a small trait, so the loader itself does
//! no I/O. The CLI implements it with the disk (`cli::disk`), tests with [`MemoryFs`], and
//! the language server lays its open buffers over the disk (`lsp::overlay`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What the loader needs from a file system.
pub trait FileSystem {
    /// The text of a file.
    fn read_to_string(&self, path: &Path) -> Result<String, FsError>;
    /// The entries of a folder, as full paths (`path` joined with each name).
    fn list_dir(&self, path: &Path) -> Result<Vec<PathBuf>, FsError>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
}

/// Why a file system operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsError {
    pub kind: FsErrorKind,
    /// The system's own message (shown where the kind has no words of ours).
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsErrorKind {
    NotFound,
    PermissionDenied,
    /// The file is not UTF-8 text.
    NotText,
    Other,
}

impl FsError {
    pub fn new(kind: FsErrorKind, message: impl Into<String>) -> FsError {
        FsError {
            kind,
            message: message.into(),
        }
    }

    /// Why a file could not be read, in words.
    pub fn why(&self) -> String {
        match self.kind {
            FsErrorKind::NotFound => "no such file".to_string(),
            FsErrorKind::PermissionDenied => "permission denied".to_string(),
            FsErrorKind::NotText => "the file is not UTF-8 text".to_string(),
            FsErrorKind::Other => self.message.clone(),
        }
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An in-memory file system: files by path; folders are the paths' ancestors.
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, String>,
}

impl MemoryFs {
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }
}

impl FileSystem for MemoryFs {
    fn read_to_string(&self, path: &Path) -> Result<String, FsError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| FsError::new(FsErrorKind::NotFound, "not found"))
    }

    fn list_dir(&self, path: &Path) -> Result<Vec<PathBuf>, FsError> {
        if !self.is_dir(path) {
            return Err(FsError::new(FsErrorKind::NotFound, "not found"));
        }
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|f| {
                let rest = f.strip_prefix(path).ok()?;
                let first = rest.components().next()?;
                Some(path.join(first))
            })
            .collect();
        out.dedup();
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files.keys().any(|f| f != path && f.starts_with(path))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_folders_are_the_ancestors_of_files() {
        let mut fs = MemoryFs::new();
        fs.insert("p/iam/a.iamc", "a");
        fs.insert("p/iam/sub/b.iamc", "b");
        fs.insert("p/iamc.toml", "");
        assert!(fs.is_dir(Path::new("p")));
        assert!(fs.is_dir(Path::new("p/iam/sub")));
        assert!(!fs.is_dir(Path::new("p/iam/a.iamc")));
        assert!(fs.is_file(Path::new("p/iam/a.iamc")));
        assert_eq!(
            fs.list_dir(Path::new("p/iam")).ok(),
            Some(vec![
                PathBuf::from("p/iam/a.iamc"),
                PathBuf::from("p/iam/sub")
            ])
        );
        assert_eq!(
            fs.read_to_string(Path::new("p/nope")).map_err(|e| e.kind),
            Err(FsErrorKind::NotFound)
        );
    }
}

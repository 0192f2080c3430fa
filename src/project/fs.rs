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

    /// A file whose bytes are not UTF-8 text: where the first bad byte is (a zero-based
    /// byte offset, and the one-based line and column, in characters, it falls on).
    pub fn not_utf8(bytes: &[u8]) -> FsError {
        let at = match std::str::from_utf8(bytes) {
            Ok(_) => bytes.len(),
            Err(e) => e.valid_up_to(),
        };
        let before = bytes.get(..at).unwrap_or_default();
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + std::str::from_utf8(before.get(line_start..).unwrap_or_default())
            .map_or(0, |t| t.chars().count());
        let byte = bytes
            .get(at)
            .map_or(String::new(), |b| format!(" 0x{b:02X}"));
        FsError::new(
            FsErrorKind::NotText,
            format!(
                "the file is not UTF-8 text: byte{byte} at offset {at} (line {line}, column {column})"
            ),
        )
    }

    /// Why a file could not be read, in words.
    pub fn why(&self) -> String {
        match self.kind {
            FsErrorKind::NotFound => "no such file".to_string(),
            FsErrorKind::PermissionDenied => "permission denied".to_string(),
            FsErrorKind::NotText if self.message.starts_with("the file") => self.message.clone(),
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
    fn bad_bytes_are_located() {
        let e = FsError::not_utf8(b"policy P\xe9 {}\n");
        assert_eq!(
            e.why(),
            "the file is not UTF-8 text: byte 0xE9 at offset 8 (line 1, column 9)"
        );
        let e = FsError::not_utf8(b"// \xc3\xa9\nconst a = \"\xff\"");
        assert_eq!(
            e.why(),
            "the file is not UTF-8 text: byte 0xFF at offset 17 (line 2, column 12)"
        );
    }

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

//! The disk as the project loader's [`FileSystem`]: the CLI's only implementation of it.

use crate::project::{FileSystem, FsError, FsErrorKind};
use std::path::{Path, PathBuf};

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

fn fs_error(e: &std::io::Error) -> FsError {
    let kind = match e.kind() {
        std::io::ErrorKind::NotFound => FsErrorKind::NotFound,
        std::io::ErrorKind::PermissionDenied => FsErrorKind::PermissionDenied,
        std::io::ErrorKind::InvalidData => FsErrorKind::NotText,
        _ => FsErrorKind::Other,
    };
    FsError::new(kind, e.to_string())
}

impl FileSystem for Disk {
    fn read_to_string(&self, path: &Path) -> Result<String, FsError> {
        if path.is_dir() {
            return Err(FsError::new(
                FsErrorKind::Other,
                "it is a directory, not a file",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| fs_error(&e))?;
        String::from_utf8(bytes).map_err(|e| FsError::not_utf8(e.as_bytes()))
    }

    fn list_dir(&self, path: &Path) -> Result<Vec<PathBuf>, FsError> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| fs_error(&e))? {
            out.push(entry.map_err(|e| fs_error(&e))?.path());
        }
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

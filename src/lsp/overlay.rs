//! The project loader's file system as the editor sees it: open buffers laid over the
//! disk. An open document is read from its buffer, saved or not, and exists even if it
//! was never written; every other file comes from the disk. `iamc build` loads through the
//! same `project` functions over the disk alone, so the two cannot disagree about which
//! files form the project.

use crate::project::{FileSystem, FsError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Open buffers (by path) over a base file system.
pub struct Overlay<'a> {
    pub base: &'a dyn FileSystem,
    pub open: &'a BTreeMap<PathBuf, String>,
}

impl FileSystem for Overlay<'_> {
    fn read_to_string(&self, path: &Path) -> Result<String, FsError> {
        match self.open.get(path) {
            Some(text) => Ok(text.clone()),
            None => self.base.read_to_string(path),
        }
    }

    fn list_dir(&self, path: &Path) -> Result<Vec<PathBuf>, FsError> {
        let mut entries = if self.base.is_dir(path) {
            self.base.list_dir(path)?
        } else {
            Vec::new()
        };
        // Open buffers never saved, and folders that hold only such buffers.
        for open in self.open.keys() {
            if let Ok(rest) = open.strip_prefix(path) {
                if let Some(first) = rest.components().next() {
                    entries.push(path.join(first));
                }
            }
        }
        entries.sort();
        entries.dedup();
        Ok(entries)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.base.is_dir(path) || self.open.keys().any(|f| f != path && f.starts_with(path))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.open.contains_key(path) || self.base.is_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MemoryFs;

    #[test]
    fn buffers_shadow_and_extend_the_disk() {
        let mut disk = MemoryFs::new();
        disk.insert("/p/iam/a.iamc", "disk a");
        disk.insert("/p/iam/b.iamc", "disk b");
        let mut open = BTreeMap::new();
        open.insert(PathBuf::from("/p/iam/a.iamc"), "buffer a".to_string());
        open.insert(PathBuf::from("/p/iam/new/c.iamc"), "buffer c".to_string());
        let fs = Overlay {
            base: &disk,
            open: &open,
        };
        assert_eq!(
            fs.read_to_string(Path::new("/p/iam/a.iamc"))
                .ok()
                .as_deref(),
            Some("buffer a")
        );
        assert_eq!(
            fs.read_to_string(Path::new("/p/iam/b.iamc"))
                .ok()
                .as_deref(),
            Some("disk b")
        );
        assert!(fs.is_dir(Path::new("/p/iam/new")));
        assert!(fs.is_file(Path::new("/p/iam/new/c.iamc")));
        assert_eq!(
            fs.list_dir(Path::new("/p/iam")).ok(),
            Some(vec![
                PathBuf::from("/p/iam/a.iamc"),
                PathBuf::from("/p/iam/b.iamc"),
                PathBuf::from("/p/iam/new"),
            ])
        );
    }
}

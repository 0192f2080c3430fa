//! Atomic writes: a temporary file in the target folder, then a rename, so a reader never
//! sees half a file and an error never leaves one behind.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file written in full to a temporary beside its target, not yet in place.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Puts the file in place (a rename within one folder: all or nothing).
    pub fn commit(self) -> std::io::Result<()> {
        let result = std::fs::rename(&self.tmp, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }

    /// Drops the temporary; the target is untouched.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` to a temporary file in `path`'s folder, synced to disk.
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{}.{}.tmp", name, std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    match written {
        Ok(()) => Ok(Staged {
            tmp,
            target: path.to_path_buf(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Writes `bytes` to `path` atomically (same-folder temporary file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(path, bytes)?.commit()
}

/// Writes several files so that a failure while writing leaves every target as it was:
/// all contents are staged first, and only then renamed into place.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> std::io::Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        match stage(path, bytes) {
            Ok(s) => staged.push(s),
            Err(e) => {
                staged.into_iter().for_each(Staged::discard);
                return Err(e);
            }
        }
    }
    // Renames within one folder do not fail for want of space; the first error stops.
    staged.into_iter().try_for_each(Staged::commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leaving_temporaries() {
        let dir = std::env::temp_dir().join(format!("iamc-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("sub").join("a.json");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("sub")).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_batch_changes_nothing() {
        let dir = std::env::temp_dir().join(format!("iamc-batch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.json");
        write_atomic(&a, b"old").unwrap();
        // The second target's folder is a plain file, so staging it fails after `a` was
        // staged: `a` must keep its old contents and no temporary may remain.
        std::fs::write(dir.join("notadir"), b"").unwrap();
        let files = [
            (a.clone(), &b"new"[..]),
            (dir.join("notadir").join("b.json"), &b"b"[..]),
        ];
        assert!(write_all_atomic(&files).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.json", "notadir"]);
        write_all_atomic(&[(a.clone(), &b"new"[..])]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

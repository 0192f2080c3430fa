//! The documents the client has open: their text (full-text sync: every change carries
//! the whole text), version and, for `file:` URIs, path.

use super::uri;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI exactly as the client sent it; answers use the same string.
    pub uri: String,
    /// `None` for URIs that name no file (`untitled:`).
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
}

/// Every open document, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: BTreeMap<String, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: String, version: i32, text: String) {
        let path = uri::to_path(&uri);
        self.docs.insert(
            uri.clone(),
            Document {
                uri,
                path,
                version,
                text,
            },
        );
    }

    /// Replaces a document's text; false if it is not open (a client bug, ignored).
    pub fn change(&mut self, uri: &str, version: i32, text: String) -> bool {
        match self.docs.get_mut(uri) {
            Some(d) => {
                d.version = version;
                d.text = text;
                true
            }
            None => false,
        }
    }

    pub fn close(&mut self, uri: &str) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &str) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> + '_ {
        self.docs.values()
    }

    /// The open document of a path, if any.
    pub fn by_path(&self, path: &std::path::Path) -> Option<&Document> {
        self.docs.values().find(|d| d.path.as_deref() == Some(path))
    }

    /// The buffers of open files, by path, for the overlay file system.
    pub fn buffers(&self) -> BTreeMap<PathBuf, String> {
        self.docs
            .values()
            .filter_map(|d| Some((d.path.clone()?, d.text.clone())))
            .collect()
    }
}

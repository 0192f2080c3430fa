//! `file:` URIs <-> paths, the only translation between how the client names files and
//! how the project loader does.
//!
//! Documents are kept under the URI string the client sent (answers name them the same
//! way); paths are only derived to lay open buffers over the disk. Paths of files the
//! client never opened are turned into URIs with every byte outside RFC 3986's unreserved
//! set and `/` percent-encoded, which clients parse back to the same file.

use std::path::{Path, PathBuf};

/// The path of a `file:` URI (`file:///x/y`, `file://localhost/x/y`), percent-decoded;
/// `None` for other schemes (`untitled:`) and for paths that are not UTF-8.
pub fn to_path(uri: &str) -> Option<PathBuf> {
    let rest = strip_prefix_ignore_case(uri, "file://")?;
    let path = if rest.starts_with('/') {
        rest
    } else {
        // An authority: only the local host names a local file.
        let (host, path) = rest.split_at(rest.find('/')?);
        if !host.eq_ignore_ascii_case("localhost") {
            return None;
        }
        path
    };
    // Neither a query nor a fragment names a different file.
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        for p in ["/tmp/a b/ç.iamc", "/x/iamc.toml", "/p/[1]%.iamc"] {
            let uri = from_path(Path::new(p));
            assert!(uri.is_ascii(), "{uri}");
            assert_eq!(to_path(&uri), Some(PathBuf::from(p)), "{uri}");
        }
        assert_eq!(
            to_path("file://localhost/a/b.iamc"),
            Some(PathBuf::from("/a/b.iamc"))
        );
        assert_eq!(
            to_path("file:///a/%C3%A7.iamc"),
            Some(PathBuf::from("/a/ç.iamc"))
        );
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(to_path("file://server/share/a"), None);
        assert_eq!(to_path("file:///a/%G0"), None);
        assert_eq!(to_path("file:///a/%"), None);
    }
}

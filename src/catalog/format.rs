//! The compact binary layout of the catalog: a string table plus a stream of `u32` words.
//!
//! Layout: the magic `IAMCCAT1`, a `u32` string-table length, the UTF-8 string bytes, a
//! `u32` word count and the table words, a `u32` count and the pool words (all
//! little-endian). A string is two words (offset, length) into the string table; a list is
//! two words (start, length) into the pool. Tables have fixed-size records (`store.rs`), so
//! a look-up reads the few words it needs straight from the bytes: opening a catalog copies
//! and parses nothing, which keeps the first look-up of a fresh process cheap.

use std::collections::HashMap;

/// The first eight bytes of every catalog file.
pub const MAGIC: &[u8; 8] = b"IAMCCAT1";

/// A string in the string table: byte offset and length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Str {
    pub off: u32,
    pub len: u32,
}

/// Why a catalog file could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not start with [`MAGIC`].
    BadMagic,
    /// The file ends in the middle of a section.
    Truncated,
    /// A record refers to something that is not there.
    BadReference(&'static str),
    /// Bytes after the last word.
    TrailingBytes,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::BadMagic => write!(f, "not an iamc catalog file (bad magic)"),
            FormatError::Truncated => write!(f, "catalog file is truncated"),
            FormatError::BadReference(what) => {
                write!(f, "catalog file has a broken {what} reference")
            }
            FormatError::TrailingBytes => write!(f, "catalog file has trailing bytes"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Builds a catalog file. Strings are interned in first-use order, so the same sequence of
/// calls always gives the same bytes.
#[derive(Default)]
pub struct Writer {
    strings: Vec<u8>,
    interned: HashMap<String, Str>,
    words: Vec<u32>,
    pool: Vec<u32>,
}

impl Writer {
    pub fn u32(&mut self, w: u32) {
        self.words.push(w);
    }

    pub fn usize(&mut self, n: usize) {
        self.words.push(u32::try_from(n).unwrap_or(u32::MAX));
    }

    pub fn str(&mut self, s: &str) {
        let st = self.intern(s);
        self.words.push(st.off);
        self.words.push(st.len);
    }

    fn intern(&mut self, s: &str) -> Str {
        if let Some(st) = self.interned.get(s) {
            return *st;
        }
        let st = Str {
            off: u32::try_from(self.strings.len()).unwrap_or(u32::MAX),
            len: u32::try_from(s.len()).unwrap_or(u32::MAX),
        };
        self.strings.extend_from_slice(s.as_bytes());
        self.interned.insert(s.to_string(), st);
        st
    }

    /// A list of words in the pool, referred to by (start, length).
    pub fn list(&mut self, items: &[u32]) {
        let start = self.pool.len();
        self.pool.extend_from_slice(items);
        self.usize(start);
        self.usize(items.len());
    }

    /// A list of strings: (offset, length) pairs in the pool.
    pub fn str_list(&mut self, items: &[String]) {
        let pairs: Vec<u32> = items
            .iter()
            .flat_map(|s| {
                let st = self.intern(s);
                [st.off, st.len]
            })
            .collect();
        self.list(&pairs);
    }

    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.strings.len() + 4 * self.words.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.strings.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.strings);
        for section in [&self.words, &self.pool] {
            out.extend_from_slice(&(section.len() as u32).to_le_bytes());
            for w in section {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }
}

/// Where the three sections of a catalog file are (byte ranges).
#[derive(Clone, Debug, Default)]
pub struct Sections {
    pub strings: std::ops::Range<usize>,
    pub words: std::ops::Range<usize>,
    pub pool: std::ops::Range<usize>,
}

/// Finds the sections; checks only that they fit the file.
pub fn split(bytes: &[u8]) -> Result<Sections, FormatError> {
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err(FormatError::BadMagic);
    }
    let slen = read_u32(bytes, 8)? as usize;
    let strings = 12..12usize.checked_add(slen).ok_or(FormatError::Truncated)?;
    if strings.end > bytes.len() {
        return Err(FormatError::Truncated);
    }
    let words = section(bytes, strings.end)?;
    let pool = section(bytes, words.end)?;
    if pool.end != bytes.len() {
        return Err(FormatError::TrailingBytes);
    }
    Ok(Sections {
        strings,
        words,
        pool,
    })
}

fn section(bytes: &[u8], at: usize) -> Result<std::ops::Range<usize>, FormatError> {
    let n = read_u32(bytes, at)? as usize;
    let start = at + 4;
    let end = n
        .checked_mul(4)
        .and_then(|n| n.checked_add(start))
        .ok_or(FormatError::Truncated)?;
    if end > bytes.len() {
        return Err(FormatError::Truncated);
    }
    Ok(start..end)
}

/// The little-endian word at byte offset `at`, if the file has it.
pub fn read_u32(bytes: &[u8], at: usize) -> Result<u32, FormatError> {
    let b: [u8; 4] = bytes
        .get(at..at.checked_add(4).ok_or(FormatError::Truncated)?)
        .and_then(|b| b.try_into().ok())
        .ok_or(FormatError::Truncated)?;
    Ok(u32::from_le_bytes(b))
}

/// A list in the pool: its first word and its length.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span32 {
    pub start: u32,
    pub len: u32,
}

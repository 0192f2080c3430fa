//! The compact binary layout of the catalog: a string table plus a stream of `u32` words.
//!
//! Layout: the magic `IAMCCAT1`, a `u32` string-table length, the UTF-8 string bytes, a
//! `u32` word count, then the words (all little-endian). A string is two words (offset,
//! length) into the string table. Records are read in a fixed order by `store.rs`; this
//! module only knows bytes, words and strings. Decoding copies the words once and never
//! parses text, which keeps the first look-up of a fresh process well under a millisecond.

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

    /// A length-prefixed list of words.
    pub fn list(&mut self, items: &[u32]) {
        self.usize(items.len());
        self.words.extend_from_slice(items);
    }

    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.strings.len() + 4 * self.words.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.strings.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.strings);
        out.extend_from_slice(&(self.words.len() as u32).to_le_bytes());
        for w in &self.words {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// Splits a catalog file into its string table and words.
pub fn split(bytes: &[u8]) -> Result<(std::ops::Range<usize>, Vec<u32>), FormatError> {
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err(FormatError::BadMagic);
    }
    let slen = read_u32(bytes, 8)? as usize;
    let strings = 12..12usize.checked_add(slen).ok_or(FormatError::Truncated)?;
    if strings.end > bytes.len() {
        return Err(FormatError::Truncated);
    }
    let nwords = read_u32(bytes, strings.end)? as usize;
    let start = strings.end + 4;
    let end = nwords
        .checked_mul(4)
        .and_then(|n| n.checked_add(start))
        .ok_or(FormatError::Truncated)?;
    let body = bytes.get(start..end).ok_or(FormatError::Truncated)?;
    if end != bytes.len() {
        return Err(FormatError::TrailingBytes);
    }
    let words = body
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok((strings, words))
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, FormatError> {
    let b = bytes.get(at..at + 4).ok_or(FormatError::Truncated)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads words in order, failing (never panicking) past the end.
pub struct Reader<'a> {
    words: &'a [u32],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(words: &'a [u32]) -> Reader<'a> {
        Reader { words, pos: 0 }
    }

    pub fn u32(&mut self) -> Result<u32, FormatError> {
        let w = *self.words.get(self.pos).ok_or(FormatError::Truncated)?;
        self.pos += 1;
        Ok(w)
    }

    pub fn str(&mut self, table_len: usize) -> Result<Str, FormatError> {
        let s = Str {
            off: self.u32()?,
            len: self.u32()?,
        };
        if (s.off as usize).saturating_add(s.len as usize) > table_len {
            return Err(FormatError::BadReference("string"));
        }
        Ok(s)
    }

    /// Skips a length-prefixed list and returns where its items are in the words.
    pub fn list(&mut self) -> Result<Span32, FormatError> {
        let n = self.u32()?;
        let start = u32::try_from(self.pos).map_err(|_| FormatError::Truncated)?;
        let end = self
            .pos
            .checked_add(n as usize)
            .ok_or(FormatError::Truncated)?;
        if end > self.words.len() {
            return Err(FormatError::Truncated);
        }
        self.pos = end;
        Ok(Span32 { start, len: n })
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.words.len()
    }
}

/// A run of words inside the word stream.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span32 {
    pub start: u32,
    pub len: u32,
}

impl Span32 {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start as usize + self.len as usize)
    }
}

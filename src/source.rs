//! Source files, byte spans and line/column conversion.
//!
//! Architecture invariant: every position inside the compiler is a byte offset into one
//! file's text. Line/column (and UTF-16 for the editor) exist only at the edges, through
//! [`LineIndex`].

use std::fmt;

/// Identifies one source text inside a [`Sources`] set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `[start, end)` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (same file assumed; `self`'s file wins).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// True when `inner` lies inside `self`.
    pub fn contains(self, inner: Span) -> bool {
        self.file == inner.file && self.start <= inner.start && inner.end <= self.end
    }
}

/// A value with the span it came from. The span takes no part in equality or hashing, so
/// two ASTs parsed from differently laid-out text compare equal.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            node: f(self.node),
            span: self.span,
        }
    }

    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            node: &self.node,
            span: self.span,
        }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.node.hash(state)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node.fmt(f)
    }
}

/// Where a source text came from; decides how it is shown to users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file of the user's, by the path they will recognise.
    File(String),
    /// A module of the embedded standard library.
    Stdlib(String),
    /// Text handed over without a file (tests, the editor's unsaved buffers, stdin).
    Memory(String),
}

/// One source text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path relative to the project, or `std/guards.iamc`).
    pub name: String,
    /// The module path this file defines (`app.developer` for `iam/app/developer.iamc` under the source folder `iam`, `std.guards`).
    pub module: String,
    pub origin: Origin,
    pub text: String,
    pub lines: LineIndex,
}

/// Every source text of one compilation: the user's files and the standard library.
///
/// The compiler core reads nothing from disk; the CLI fills this from files, the language
/// server from open buffers and tests from string literals.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a text and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        module: impl Into<String>,
        origin: Origin,
        text: impl Into<String>,
    ) -> FileId {
        let text = text.into();
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            name: name.into(),
            module: module.into(),
            origin,
            lines: LineIndex::new(&text),
            text,
        });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.text.as_str()).unwrap_or("")
    }

    /// The text a span covers, or `""` if the span is out of bounds.
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A 1-based line and column; the column counts characters (Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Byte offset <-> line/column for one text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex {
            line_starts,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where the 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and character column of a byte offset in `text`.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = (offset.min(self.len) as usize).max(start);
        let col = text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(end - start);
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }

    /// 0-based line and UTF-16 column, as the Language Server Protocol counts by default.
    pub fn utf16_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = (offset.min(self.len) as usize).max(start);
        let col: usize = text
            .get(start..end)
            .map(|s| s.chars().map(char::len_utf16).sum())
            .unwrap_or(end - start);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// Byte offset of a 0-based line and UTF-16 column (clamped to the line).
    pub fn offset_of_utf16(&self, text: &str, line: u32, col16: u32) -> u32 {
        let start = self.line_start(line as usize) as usize;
        let end = self.line_start(line as usize + 1) as usize;
        let mut units = 0u32;
        let line_text = text.get(start..end).unwrap_or("");
        for (i, ch) in line_text.char_indices() {
            if units >= col16 || ch == '\n' {
                return u32::try_from(start + i).unwrap_or(u32::MAX);
            }
            units += u32::try_from(ch.len_utf16()).unwrap_or(2);
        }
        u32::try_from(end).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, col: 1 });
        // 'd' is at byte 5 (ç is two bytes) but column 2.
        assert_eq!(idx.line_col(text, 5), LineCol { line: 2, col: 2 });
        assert_eq!(idx.line_col(text, 100), LineCol { line: 3, col: 1 });
    }

    #[test]
    fn utf16_round_trip() {
        let text = "x😀y\nz";
        let idx = LineIndex::new(text);
        let y = text.find('y').map(|i| i as u32).unwrap_or(0);
        assert_eq!(idx.utf16_position(text, y), (0, 3));
        assert_eq!(idx.offset_of_utf16(text, 0, 3), y);
        assert_eq!(idx.offset_of_utf16(text, 1, 0), 6 + 1);
    }

    #[test]
    fn spanned_equality_ignores_span() {
        let a = Spanned::new(1, Span::new(FileId(0), 0, 1));
        let b = Spanned::new(1, Span::new(FileId(1), 5, 9));
        assert_eq!(a, b);
    }
}

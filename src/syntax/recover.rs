//! The item loop: trivia and doc comments between items, one pest parse per item, and
//! declaration-level recovery.
//!
//! Parsing one item at a time keeps errors local: when an item fails, the error is recorded
//! and parsing resumes at the next line that starts with a top-level keyword (or `///`), so
//! the rest of the file still yields items for the checker and the editor.

use super::ast::{BrokenItem, Doc, Item, Module};
use super::errors::{self, SyntaxError};
use super::keywords::TOP_LEVEL;
use super::pest_parser::{install_call_limit, IamcParser, Rule};
use super::to_ast::{AstBuilder, MAX_DEPTH};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, Spanned};
use pest::Parser;

/// Parses a whole file; see [`super::parse`].
pub fn parse_module(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    install_call_limit();
    let deep = too_deep_offsets(text);
    let mut items: Vec<Item> = Vec::new();
    let mut broken: Vec<BrokenItem> = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    // A byte order mark (some Windows editors write one) is not part of the text.
    let mut pos = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    loop {
        let (start, doc) = skip_trivia(file, text, pos);
        pos = start;
        if pos >= text.len() {
            break;
        }
        // Never hand pest a bracket nested deeper than we allow: cut the input there.
        let cut = deep.iter().copied().find(|&d| d >= pos);
        let end = cut.unwrap_or(text.len());
        let src = text.get(pos..end).unwrap_or("");
        match IamcParser::parse(Rule::item, src) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else {
                    pos = next_item_start(text, pos);
                    continue;
                };
                let consumed = pair.as_span().end();
                let errors_before = error_count(&diags);
                let mut builder = AstBuilder::new(file, pos, &mut diags);
                match builder.item(pair, doc) {
                    // A declaration with a syntax error inside is left out like one that
                    // did not parse: later stages would only repeat the error.
                    Ok(item) if error_count(&diags) == errors_before => items.push(item),
                    Ok(_) => broken.push(broken_item(file, text, pos, pos + consumed)),
                    Err(d) => {
                        diags.push(*d);
                        broken.push(broken_item(file, text, pos, pos + consumed));
                    }
                }
                pos += consumed.max(1);
                // Keep `pos` on a char boundary whatever happened.
                while pos < text.len() && !text.is_char_boundary(pos) {
                    pos += 1;
                }
            }
            Err(err) => {
                let rel = match err.location {
                    pest::error::InputLocation::Pos(p) => p,
                    pest::error::InputLocation::Span((s, _)) => s,
                };
                let mut resume_from = pos;
                // Past the cut pest sees the end of input and may blame an earlier token;
                // if the cut lies in this item's stretch of text, the nesting is the cause.
                match cut {
                    Some(d) if rel >= src.len() || d < next_item_start(text, pos) => {
                        let span = Span::new(file, d, d + 1);
                        diags.push(errors::diagnostic(SyntaxError::TooDeep, span));
                        resume_from = d;
                    }
                    _ => {
                        // A string left open is the likely cause of what follows; say so.
                        let upto = (pos + rel).min(text.len());
                        for (s, e) in unterminated_strings(text, pos, upto) {
                            let span = Span::new(file, s, e);
                            diags.push(errors::diagnostic(SyntaxError::UnterminatedString, span));
                        }
                        let (e, s, en) = errors::from_pest(&err, text, pos);
                        diags.push(errors::diagnostic(e, Span::new(file, s, en)));
                    }
                }
                let start = pos;
                pos = next_item_start(text, resume_from);
                broken.push(broken_item(file, text, start, pos));
            }
        }
    }
    (
        Module {
            file,
            items,
            broken,
        },
        diags,
    )
}

fn error_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// What the text of a broken declaration at `start..end` shows: its keyword, and the name
/// after it when the keyword declares one.
fn broken_item(file: FileId, text: &str, start: usize, end: usize) -> BrokenItem {
    let word_at = |from: usize| -> Option<(usize, &str)> {
        let rest = text.get(from..end)?;
        let skipped = rest.len() - rest.trim_start().len();
        let at = from + skipped;
        let word = rest.trim_start();
        let len = word
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(word.len());
        let word = word.get(..len).filter(|w| !w.is_empty())?;
        Some((at, word))
    };
    let keyword = word_at(start).filter(|(_, w)| TOP_LEVEL.contains(w));
    let declares_name = keyword.is_some_and(|(_, w)| !matches!(w, "import" | "prove"));
    let name = keyword
        .filter(|_| declares_name)
        .and_then(|(at, kw)| word_at(at + kw.len()))
        .filter(|(_, w)| {
            w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && !super::keywords::RESERVED.contains(w)
        })
        .map(|(at, w)| Spanned::new(w.to_string(), Span::new(file, at, at + w.len())));
    BrokenItem {
        keyword: keyword.map(|(_, w)| w.to_string()),
        name,
        span: Span::new(file, start, end.max(start)),
    }
}

/// Skips whitespace and comments from `pos`; returns where the next item starts and the doc
/// comment directly before it (consecutive `///` lines, no blank line or other comment
/// between them and the item).
fn skip_trivia(file: FileId, text: &str, mut pos: usize) -> (usize, Option<Doc>) {
    let bytes = text.as_bytes();
    let mut lines: Vec<&str> = Vec::new();
    let mut doc_span: Option<(usize, usize)> = None;
    let mut newlines_since_doc = 0usize;
    loop {
        match bytes.get(pos) {
            Some(b'\n') => {
                newlines_since_doc += 1;
                if newlines_since_doc > 1 {
                    lines.clear();
                    doc_span = None;
                }
                pos += 1;
            }
            Some(b' ' | b'\t' | b'\r') => pos += 1,
            Some(b'/') if bytes.get(pos + 1) == Some(&b'/') => {
                let line_end = text
                    .get(pos..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |n| pos + n);
                let line = text.get(pos..line_end).unwrap_or("").trim_end_matches('\r');
                if let Some(body) = line.strip_prefix("///") {
                    if lines.is_empty() {
                        doc_span = Some((pos, pos + line.len()));
                    } else if let Some((s, _)) = doc_span {
                        doc_span = Some((s, pos + line.len()));
                    }
                    lines.push(body.strip_prefix(' ').unwrap_or(body));
                    newlines_since_doc = 0;
                } else {
                    lines.clear();
                    doc_span = None;
                }
                pos = line_end;
            }
            _ => break,
        }
    }
    let doc = doc_span.map(|(s, e)| Spanned::new(lines.join("\n"), Span::new(file, s, e)));
    (pos, doc)
}

/// The start of the first line after the line containing `from` that begins (after
/// indentation) with a top-level keyword followed by a space, or with `///`.
pub fn next_item_start(text: &str, from: usize) -> usize {
    let mut line_start = match text.get(from..).and_then(|r| r.find('\n')) {
        Some(n) => from + n + 1,
        None => return text.len(),
    };
    while line_start < text.len() {
        let line_end = text
            .get(line_start..)
            .and_then(|r| r.find('\n'))
            .map_or(text.len(), |n| line_start + n);
        let line = text.get(line_start..line_end).unwrap_or("");
        let trimmed = line.trim_start();
        if starts_item(trimmed) {
            return line_start + (line.len() - trimmed.len());
        }
        line_start = line_end + 1;
    }
    text.len()
}

fn starts_item(line: &str) -> bool {
    if line.starts_with("///") {
        return true;
    }
    TOP_LEVEL.iter().any(|kw| {
        line.strip_prefix(kw)
            .is_some_and(|rest| rest.starts_with([' ', '\t']))
    })
}

/// The strings opened in `text[from..to]` that reach the end of their line unclosed, as
/// (opening quote, end of line) byte ranges.
fn unterminated_strings(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        match bytes.get(i) {
            Some(b'"') => {
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        Some(b'"') => break,
                        None | Some(b'\n') => {
                            let end = if i > open + 1 && bytes.get(i - 1) == Some(&b'\r') {
                                i - 1
                            } else {
                                i
                            };
                            out.push((open, end));
                            break;
                        }
                        Some(b'\\') if !matches!(bytes.get(i + 1), Some(b'\n') | None) => i += 2,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            Some(b'/') if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            Some(_) => i += 1,
            None => break,
        }
    }
    out
}

/// Byte offsets of each opening bracket that takes the nesting of `(`, `[`, `{` and type
/// arguments `<` (outside strings and comments) past [`MAX_DEPTH`]. pest recurses per bracket, so input is cut at
/// these points before pest sees it.
fn too_deep_offsets(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut type_depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'"' | b'\n' => break,
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth == MAX_DEPTH + 1 {
                    out.push(i);
                }
            }
            // A type argument: `List<T` (a name, `<`, a name); comparisons are spaced.
            b'<' if i > 0
                && bytes.get(i - 1).is_some_and(u8::is_ascii_alphanumeric)
                && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) =>
            {
                depth += 1;
                type_depth += 1;
                if depth == MAX_DEPTH + 1 {
                    out.push(i);
                }
            }
            b'>' if type_depth > 0 => {
                type_depth -= 1;
                depth = depth.saturating_sub(1);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    out
}

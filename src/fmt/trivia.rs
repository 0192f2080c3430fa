//! Comments and blank lines: what the AST does not hold, handed back to the walk in source
//! order.
//!
//! The walk visits the AST in source order and, before each token that may start a line,
//! asks for the comments written before that token ([`Trivia::separator`]). Every comment is
//! handed out exactly once, in order, so none is lost or duplicated even where the walk has
//! no better place for it than the next token. A comment that shares its line with code
//! before it stays at the end of that line; any other comment gets a line of its own.

use super::doc::{concat, Doc};
use crate::syntax::{Comment, CommentKind};

pub struct Trivia<'t> {
    text: &'t str,
    comments: Vec<Comment>,
    /// The first comment not handed out yet.
    next: usize,
}

/// Where blank lines of the author's are kept around comments.
#[derive(Clone, Copy)]
enum Blanks {
    /// Nowhere (inside a statement).
    None,
    /// After the code that ends here, and between and after comments.
    From(usize),
    /// Like `From`, and one blank line before the first own-line comment (or the code)
    /// whatever the author wrote.
    Forced(usize),
    /// Right after an opening brace: not before the first comment, but after it.
    AfterFirstComment,
    /// The start of the file: no line break before the first comment.
    StartOfFile,
}

impl<'t> Trivia<'t> {
    pub fn new(text: &'t str, comments: Vec<Comment>) -> Trivia<'t> {
        Trivia {
            text,
            comments,
            next: 0,
        }
    }

    /// The source text of a byte range ("" if out of bounds).
    pub fn slice(&self, start: usize, end: usize) -> &'t str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Takes the comments that start before `pos`.
    fn take_before(&mut self, pos: usize) -> Vec<Comment> {
        let first = self.next;
        while self.has_comment_before(pos) {
            self.next += 1;
        }
        self.comments
            .get(first..self.next)
            .map(<[Comment]>::to_vec)
            .unwrap_or_default()
    }

    /// True if some comment starts before `pos` and has not been handed out.
    pub fn has_comment_before(&self, pos: usize) -> bool {
        self.comments
            .get(self.next)
            .is_some_and(|c| (c.span.start as usize) < pos)
    }

    /// The separator before the token at `pos`: `flat` when no comment comes first;
    /// otherwise the comments, each ending its line, and a line break instead of `flat`.
    pub fn separator(&mut self, pos: usize, flat: Doc) -> Doc {
        self.comments_doc(pos, Some(flat), Blanks::None)
    }

    /// The line break between two statements (or principal fields, or properties): one
    /// blank line of the author's is kept, before, between and after the comments.
    /// `prev_end` is where the previous one ends; `None` for the first after an opening
    /// brace, where no blank line goes.
    pub fn statement_separator(&mut self, prev_end: Option<usize>, pos: usize) -> Doc {
        let blanks = match prev_end {
            Some(e) => Blanks::From(e),
            None => Blanks::AfterFirstComment,
        };
        self.comments_doc(pos, Some(Doc::HardLine), blanks)
    }

    /// The line break before a top-level declaration at `pos`, like
    /// [`statement_separator`](Self::statement_separator); `force_blank` puts a blank line
    /// before the declaration and its leading comments whatever the author wrote. With no
    /// `prev_end` this is the start of the file: no line break before the first comment,
    /// none at all without one.
    pub fn top_separator(&mut self, prev_end: Option<usize>, pos: usize, force_blank: bool) -> Doc {
        let blanks = match prev_end {
            Some(e) if force_blank => Blanks::Forced(e),
            Some(e) => Blanks::From(e),
            None => Blanks::StartOfFile,
        };
        self.comments_doc(pos, Some(Doc::HardLine), blanks)
    }

    /// The comments left at the end of the file, after the code that ends at `prev_end`
    /// (`None`: the file holds no code). Nothing follows them.
    pub fn end_of_file(&mut self, prev_end: Option<usize>) -> Doc {
        let blanks = match prev_end {
            Some(e) => Blanks::From(e),
            None => Blanks::StartOfFile,
        };
        self.comments_doc(usize::MAX, None, blanks)
    }

    /// The comments before a closing token at `pos` (`}`, `]`, `)`) and after the last thing
    /// in the brackets, which ends at `prev_end` (an author's blank line before them is kept
    /// if given): each on its own line but a trailing first one. The caller follows this
    /// with a line break.
    pub fn closing(&mut self, pos: usize, prev_end: Option<usize>) -> Option<Doc> {
        if !self.has_comment_before(pos) {
            return None;
        }
        let blanks = match prev_end {
            Some(e) => Blanks::From(e),
            None => Blanks::None,
        };
        Some(self.comments_doc(pos, None, blanks))
    }

    /// The comments before `pos` as layout. `flat` is the separator used when there are
    /// none; when there are, a line break replaces it (`None`: nothing follows them).
    fn comments_doc(&mut self, pos: usize, flat: Option<Doc>, blanks: Blanks) -> Doc {
        let text = self.text;
        let pending = self.take_before(pos);
        let start_of_file = matches!(blanks, Blanks::StartOfFile);
        let mut forced = matches!(blanks, Blanks::Forced(_));
        let keeps = !matches!(blanks, Blanks::None);
        let mut last_end = match blanks {
            Blanks::From(e) | Blanks::Forced(e) => Some(e),
            Blanks::None | Blanks::AfterFirstComment | Blanks::StartOfFile => None,
        };
        let blank_between =
            |from: Option<usize>, to: usize| from.is_some_and(|f| blank_line_between(text, f, to));
        let mut parts = Vec::new();
        for (i, c) in pending.iter().enumerate() {
            let start = c.span.start as usize;
            if i == 0 && !start_of_file && is_trailing(text, c) {
                parts.push(Doc::Trailing(comment_text(c)));
            } else {
                if !(start_of_file && i == 0) {
                    parts.push(Doc::HardLine);
                    if forced || blank_between(last_end, start) {
                        parts.push(Doc::HardLine);
                    }
                }
                forced = false;
                parts.push(Doc::Verbatim(comment_text(c)));
            }
            if keeps {
                last_end = Some(c.span.end as usize);
            }
        }
        let Some(flat) = flat else {
            return concat(parts);
        };
        if pending.is_empty() {
            if start_of_file {
                return concat(parts);
            }
            parts.push(flat);
        } else {
            parts.push(Doc::HardLine);
        }
        if forced || blank_between(last_end, pos) {
            parts.push(Doc::HardLine);
        }
        concat(parts)
    }

    /// The first byte at or after `pos` that is neither whitespace nor inside a comment:
    /// where the next token (a keyword, a bracket) starts.
    pub fn token_after(&self, pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut p = pos;
        let mut ci = self
            .comments
            .partition_point(|c| (c.span.end as usize) <= p);
        loop {
            match bytes.get(p) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => p += 1,
                Some(_) => match self.comments.get(ci) {
                    Some(c) if c.span.start as usize == p => {
                        p = c.span.end as usize;
                        ci += 1;
                    }
                    _ => return p,
                },
                None => return p,
            }
        }
    }
}

/// A comment as it is printed: the marker, then the text (line comments lose trailing
/// whitespace; doc comments keep it, since the parser keeps it in the documentation).
fn comment_text(c: &Comment) -> String {
    match c.kind {
        CommentKind::Doc => format!("///{}", c.text),
        CommentKind::Line => format!("//{}", c.text.trim_end()),
    }
}

/// True if code comes before the comment on its line. A doc comment always gets a line of
/// its own: between declarations the parser reads `///` lines as documentation of the next
/// one, and a blank line put between two of them would cut it.
fn is_trailing(text: &str, c: &Comment) -> bool {
    if c.kind == CommentKind::Doc {
        return false;
    }
    let before = text.get(..c.span.start as usize).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    !line.trim().is_empty()
}

/// True if `text[from..to]` holds an empty (or whitespace-only) line.
pub fn blank_line_between(text: &str, from: usize, to: usize) -> bool {
    let gap = text.get(from..to.min(text.len())).unwrap_or("");
    let mut newlines = 0;
    for b in gap.bytes() {
        match b {
            b'\n' => {
                newlines += 1;
                if newlines >= 2 {
                    return true;
                }
            }
            b' ' | b'\t' | b'\r' => {}
            _ => newlines = 0,
        }
    }
    false
}

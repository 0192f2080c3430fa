//! Expressions and lists.
//!
//! Literals are printed from the source text through their spans, so strings, ARNs, tagged
//! literals and numbers come out exactly as written (escapes included); every literal rule
//! of the grammar is atomic, so a literal's span holds no whitespace or comment. Lists are
//! laid out one way everywhere: flat if they fit, otherwise one element per line, except
//! that lists of short words (actions, names, `*`) fill their lines.

use super::doc::{align, anchor, concat, group, indent, text, Doc};
use super::Walk;
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind};

impl Walk<'_> {
    /// The source text of a span.
    pub(super) fn src(&self, span: Span) -> &str {
        self.trivia.slice(span.start as usize, span.end as usize)
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::List(items) => self.bracket_list(e.span, items),
            ExprKind::Call(c) => {
                let close = (e.span.end as usize).saturating_sub(1);
                let open = format!("{}(", c.name.node);
                self.block_list((&open, ")"), close, &c.args, Walk::expr, |e| e.span, true)
            }
            ExprKind::Wildcard => text("*"),
            ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
            ExprKind::String(_)
            | ExprKind::Interpolated(_)
            | ExprKind::Number(_)
            | ExprKind::Arn(_)
            | ExprKind::Tagged(..)
            | ExprKind::Action(_)
            | ExprKind::Name(_) => text(self.src(e.span)),
        }
    }

    /// `[a, b]`, or broken as a block with a trailing comma:
    ///
    /// ```text
    /// [
    ///     a,
    ///     b,
    /// ]
    /// ```
    fn bracket_list(&mut self, span: Span, items: &[Expr]) -> Doc {
        let close = (span.end as usize).saturating_sub(1);
        self.block_list(("[", "]"), close, items, Walk::expr, |e| e.span, true)
    }

    /// A delimited list, flat or broken as a block indented from the line the opening
    /// delimiter is on; `close` is where the closing delimiter is in the source.
    pub(super) fn block_list<T>(
        &mut self,
        (open, close_text): (&str, &str),
        close: usize,
        items: &[T],
        doc_of: fn(&mut Self, &T) -> Doc,
        span_of: fn(&T) -> Span,
        fill_words: bool,
    ) -> Doc {
        let mut inner = Vec::new();
        if let Some(first) = items.first() {
            let lead = self
                .trivia
                .separator(span_of(first).start as usize, Doc::SoftLine);
            inner.push(lead);
            // Without a fill, the lines between elements are the block's own: one element
            // per line exactly when the brackets break.
            let (parts, words) = self.list_body(items, doc_of, span_of, fill_words);
            inner.push(if words {
                Doc::Fill(parts)
            } else {
                concat(parts)
            });
            inner.push(Doc::IfBreak(",".into()));
        }
        inner.extend(self.trivia.closing(close, None));
        if inner.is_empty() {
            return text(format!("{open}{close_text}"));
        }
        anchor(group(concat(vec![
            text(open),
            indent(concat(inner)),
            Doc::SoftLine,
            text(close_text),
        ])))
    }

    /// A clause's comma-separated list (`allow a, b`, `on x, y`, `except a`): no brackets,
    /// no trailing comma; broken lines start under the first element.
    pub(super) fn clause_list<T>(
        &mut self,
        items: &[T],
        doc_of: fn(&mut Self, &T) -> Doc,
        span_of: fn(&T) -> Span,
    ) -> Doc {
        let (parts, words) = self.list_body(items, doc_of, span_of, true);
        align(if words {
            Doc::Fill(parts)
        } else {
            group(concat(parts))
        })
    }

    /// The elements with their commas and the separators between them, as the parts of a
    /// fill, and whether to fill (every element a short word, and `fill_words`) rather than
    /// put one element per line once the list breaks.
    fn list_body<T>(
        &mut self,
        items: &[T],
        doc_of: fn(&mut Self, &T) -> Doc,
        span_of: fn(&T) -> Span,
        fill_words: bool,
    ) -> (Vec<Doc>, bool) {
        let mut contents: Vec<Doc> = Vec::with_capacity(items.len());
        let mut seps: Vec<Doc> = Vec::with_capacity(items.len());
        let mut words = fill_words;
        for (i, item) in items.iter().enumerate() {
            let span = span_of(item);
            if i > 0 {
                seps.push(self.trivia.separator(span.start as usize, Doc::Line));
            }
            let d = doc_of(self, item);
            words &= is_word(self.src(span));
            contents.push(d);
        }
        let last = contents.len().saturating_sub(1);
        let mut parts = Vec::with_capacity(contents.len() * 2);
        let mut seps = seps.into_iter();
        for (i, c) in contents.into_iter().enumerate() {
            if i > 0 {
                parts.extend(seps.next());
            }
            parts.push(if i < last {
                concat(vec![c, text(",")])
            } else {
                c
            });
        }
        (parts, words)
    }
}

/// True for the short words that fill lines: actions, names, `*`, numbers (anything
/// without quotes or brackets).
fn is_word(src: &str) -> bool {
    !src.is_empty() && !src.contains(['"', '[', '('])
}

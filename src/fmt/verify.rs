//! The soundness check run on every result before it is handed out: the formatted text
//! parses without error to the same tree (spans aside) and holds the same comments.
//!
//! The walk is written to make this hold; checking it costs one more parse and guarantees
//! that a bug in the formatter can cost a user a formatting run, never the meaning of a
//! policy or a comment.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Item, Module};
use crate::syntax::{comments, parse, without_spans, Comment, CommentKind};

/// `Ok` if `output` means what the original (parsed as `original`, with `original_comments`)
/// means; otherwise the diagnostic to report instead of writing `output`.
pub fn check(
    file: FileId,
    original: &Module,
    original_comments: &[Comment],
    output: &str,
) -> Result<(), Box<Diagnostic>> {
    let (module, diags) = parse(file, output);
    let (before, after) = (without_spans(original), without_spans(&module));
    let at = if !diags.is_empty() {
        Some(Span::new(file, 0, 0))
    } else if before != after {
        // Point at the first declaration that would change.
        let differs = (0..before.items.len().max(after.items.len()))
            .find(|&i| before.items.get(i) != after.items.get(i))
            .and_then(|i| original.items.get(i))
            .map(Item::span);
        Some(differs.unwrap_or(Span::new(file, 0, 0)))
    } else if comment_texts(original_comments) != comment_texts(&comments::scan(output, file)) {
        Some(Span::new(file, 0, 0))
    } else {
        None
    };
    match at {
        None => Ok(()),
        Some(span) => Err(Box::new(
            Diagnostic::new(
                Code::E0190,
                span,
                "formatting would change the meaning or the comments of this file, so it was left as it is",
            )
            .with_help("this is a bug in `iamc fmt`; please report it with the file"),
        )),
    }
}

/// The comments as the formatter prints them (line comments without trailing whitespace),
/// sorted, to compare as multisets.
fn comment_texts(comments: &[Comment]) -> Vec<(bool, &str)> {
    let mut out: Vec<(bool, &str)> = comments
        .iter()
        .map(|c| match c.kind {
            CommentKind::Doc => (true, c.text.as_str()),
            CommentKind::Line => (false, c.text.trim_end()),
        })
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original(text: &str) -> (Module, Vec<Comment>) {
        let (m, d) = parse(FileId(0), text);
        assert!(d.is_empty());
        (m, comments::scan(text, FileId(0)))
    }

    #[test]
    fn accepts_a_new_layout_of_the_same_program() {
        let (m, c) = original("policy P { allow s3:GetObject on * } // c\n");
        let out = "policy P {\n    allow s3:GetObject on * // c\n}\n";
        assert!(check(FileId(0), &m, &c, out).is_ok());
    }

    #[test]
    fn refuses_a_changed_program_a_lost_comment_or_a_broken_text() {
        let (m, c) = original("policy P { allow s3:GetObject on * } // c\n");
        for out in [
            "policy P {\n    allow s3:PutObject on * // c\n}\n",
            "policy P {\n    allow s3:GetObject on *\n}\n",
            "policy P {\n    allow s3:GetObject on * // d\n}\n",
            "policy P {\n    allow s3:GetObject on * // c\n",
        ] {
            let err = check(FileId(0), &m, &c, out).err();
            assert_eq!(err.map(|d| d.code), Some(Code::E0190), "{out}");
        }
    }
}

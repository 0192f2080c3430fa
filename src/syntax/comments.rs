//! The comment table: every `//` and `///` comment of a source text, found by a small
//! lexer that knows where the grammar does *not* treat `//` as a comment.
//!
//! The parser skips comments as trivia, so the AST does not hold them; the formatter and the
//! analysis snapshot (hover on a declaration, the editor's folding) need them back. Three
//! places in the grammar contain `//` that is not a comment: string and tagged literals
//! (`"a//b"`, `cidr"..."`, with `\` escapes), ARN literals (`arn"arn:aws:s3:::a//b"`, no
//! escapes) and condition keys, whose characters include `/` (`aws:PrincipalTag//x` is one
//! key). A literal left open ends at the end of its line, as in the grammar. Keys are only
//! read where a condition operand starts (after `when`, `and`, `or`, `not`, `(`, `any`, `all`),
//! which is the one place the grammar reads them.
//!
//! The scanner works on bytes: every character it looks at is ASCII, and ASCII bytes never
//! occur inside a multi-byte UTF-8 sequence, so every offset it reports is a char boundary.

use crate::source::{FileId, Span};

/// Which marker opened a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...` (documentation of the following declaration; `////` counts too, as in the
    /// parser's doc-comment reader).
    Doc,
}

/// One comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From the first `/` to the end of the line, without the line break (neither `\n` nor
    /// the `\r` of a CRLF ending).
    pub span: Span,
    pub kind: CommentKind,
    /// The text after the `//` or `///` marker, exactly as written (a leading space is kept),
    /// without the line break.
    pub text: String,
}

/// Every comment of `text`, in order.
pub fn scan(text: &str, file: FileId) -> Vec<Comment> {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        pos: 0,
        in_condition: false,
        operand_start: false,
        after_dot: false,
    };
    let mut out = Vec::new();
    while let Some((start, end)) = lexer.next_comment() {
        let raw = text.get(start..end).unwrap_or("");
        let (kind, body) = match raw.strip_prefix("///") {
            Some(body) => (CommentKind::Doc, body),
            None => (CommentKind::Line, raw.get(2..).unwrap_or("")),
        };
        out.push(Comment {
            span: Span::new(file, start, end),
            kind,
            text: body.to_string(),
        });
    }
    out
}

/// The lexer's state: a position and just enough context to recognise condition keys.
struct Lexer<'t> {
    bytes: &'t [u8],
    pos: usize,
    /// Inside a `when` condition (until a keyword or brace that cannot belong to one).
    in_condition: bool,
    /// The next token would start a condition operand, where the grammar reads a key.
    operand_start: bool,
    /// The previous token was a `.`: the next word is a path segment, not a keyword.
    after_dot: bool,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Advances to the next comment and returns its byte range, or `None` at the end.
    fn next_comment(&mut self) -> Option<(usize, usize)> {
        while let Some(b) = self.peek(0) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'/' if self.peek(1) == Some(b'/') => {
                    let start = self.pos;
                    self.skip_to_line_end();
                    let mut end = self.pos;
                    if end > start && self.bytes.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                    return Some((start, end));
                }
                _ if self.operand_start && self.key_at() => {
                    self.operand_start = false;
                    self.after_dot = false;
                }
                b'"' => {
                    let arn = self.word_before(self.pos) == b"arn";
                    self.pos += 1;
                    self.skip_literal(arn);
                    self.token_done(false);
                }
                _ if is_word_byte(b) => self.word(),
                _ => {
                    self.pos += 1;
                    match b {
                        b'(' if self.in_condition => self.operand_start = true,
                        b'{' | b'}' | b'@' => self.leave_condition(),
                        _ => self.operand_start = false,
                    }
                    self.after_dot = b == b'.';
                }
            }
        }
        None
    }

    fn skip_to_line_end(&mut self) {
        while self.peek(0).is_some_and(|c| c != b'\n') {
            self.pos += 1;
        }
    }

    /// Skips the body of a literal whose opening quote was just passed: up to and including
    /// the closing quote, or up to (not including) the end of the line if it is left open.
    /// ARN literals have no escapes; strings and tagged literals do (`\"`), but a backslash
    /// never escapes the line break.
    fn skip_literal(&mut self, arn: bool) {
        while let Some(c) = self.peek(0) {
            match c {
                b'\n' => return,
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' if !arn => {
                    let escapes_break = matches!(
                        (self.peek(1), self.peek(2)),
                        (Some(b'\n'), _) | (Some(b'\r'), Some(b'\n')) | (None, _)
                    );
                    self.pos += if escapes_break { 1 } else { 2 };
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The run of word bytes that ends right before `end`.
    fn word_before(&self, end: usize) -> &[u8] {
        let mut start = end;
        while start > 0 && self.bytes.get(start - 1).copied().is_some_and(is_word_byte) {
            start -= 1;
        }
        self.bytes.get(start..end).unwrap_or(&[])
    }

    /// A word (identifier, keyword, number or tag): updates the condition context.
    fn word(&mut self) {
        let start = self.pos;
        while self.peek(0).is_some_and(is_word_byte) {
            self.pos += 1;
        }
        let word = self.bytes.get(start..self.pos).unwrap_or(&[]);
        if self.after_dot {
            // A path segment such as `x.when` is a name whatever it spells.
            self.token_done(false);
            return;
        }
        match word {
            b"when" => {
                self.in_condition = true;
                self.token_done(true);
            }
            b"and" | b"or" | b"not" | b"any" | b"all" => self.token_done(self.in_condition),
            b"allow" | b"deny" | b"use" | b"except" | b"allows" | b"denies" | b"may"
            | b"within" | b"equivalent" | b"import" | b"const" | b"template" | b"policy"
            | b"boundary" | b"trust" | b"scp" | b"rcp" | b"resource" | b"principal" | b"prove" => {
                self.leave_condition();
                self.after_dot = false;
            }
            _ => self.token_done(false),
        }
    }

    fn token_done(&mut self, operand_start: bool) {
        self.operand_start = operand_start;
        self.after_dot = false;
    }

    fn leave_condition(&mut self) {
        self.in_condition = false;
        self.operand_start = false;
    }

    /// If a condition key starts here, skips it and returns true. Mirrors the grammar's
    /// `key_name` (greedy, no backtracking): a prefix of `[A-Za-z0-9._/-]`, a `:`, then key
    /// characters and `${...}` variables.
    fn key_at(&mut self) -> bool {
        let mut p = self.pos;
        while self.bytes.get(p).copied().is_some_and(is_key_prefix_byte) {
            p += 1;
        }
        if p == self.pos || self.bytes.get(p) != Some(&b':') {
            return false;
        }
        p += 1;
        let body_start = p;
        loop {
            match self.bytes.get(p).copied() {
                Some(c) if is_key_byte(c) => p += 1,
                Some(b'$') if self.bytes.get(p + 1) == Some(&b'{') => {
                    let mut q = p + 2;
                    while self.bytes.get(q).copied().is_some_and(is_key_byte) {
                        q += 1;
                    }
                    if q == p + 2 || self.bytes.get(q) != Some(&b'}') {
                        break;
                    }
                    p = q + 1;
                }
                _ => break,
            }
        }
        if p == body_start {
            return false;
        }
        self.pos = p;
        true
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_key_prefix_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/')
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b':' | b'@' | b'+' | b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(src: &str) -> Vec<(CommentKind, String)> {
        scan(src, FileId(0))
            .into_iter()
            .map(|c| (c.kind, c.text))
            .collect()
    }

    fn line(t: &str) -> (CommentKind, String) {
        (CommentKind::Line, t.to_string())
    }

    /// The source text of a comment's span.
    fn raw<'s>(src: &'s str, c: &Comment) -> &'s str {
        src.get(c.span.range()).unwrap_or("<out of bounds>")
    }

    #[test]
    fn finds_line_and_doc_comments_with_spans() {
        let src = "/// Doc\npolicy P { // end\n  allow s3:GetObject //x\n}\n";
        let found = scan(src, FileId(3));
        let [doc, end, x] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!((doc.kind, doc.text.as_str()), (CommentKind::Doc, " Doc"));
        assert_eq!(raw(src, doc), "/// Doc");
        assert_eq!((end.kind, raw(src, end)), (CommentKind::Line, "// end"));
        assert_eq!((x.text.as_str(), x.span.file), ("x", FileId(3)));
    }

    #[test]
    fn crlf_is_not_part_of_the_comment() {
        let src = "// a\r\n//b\r\npolicy P {}\r\n";
        let found = scan(src, FileId(0));
        let [a, b] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!(raw(src, a), "// a");
        assert_eq!(b.text, "b");
    }

    #[test]
    fn slashes_inside_literals_are_not_comments() {
        let src = concat!(
            "const a = \"x // y\" // one\n",
            "const b = arn\"arn:aws:s3:::a//b\" // two\n",
            "const c = cidr\"10.0.0.0//8\" // three\n",
            "const d = \"esc \\\" // still\" // four\n",
            "const e = arn\"arn:aws:s3:::b\\\" // five\n",
        );
        assert_eq!(
            texts(src),
            vec![
                line(" one"),
                line(" two"),
                line(" three"),
                line(" four"),
                line(" five")
            ]
        );
    }

    #[test]
    fn an_open_literal_ends_at_the_end_of_its_line() {
        let src = "const a = \"open // not a comment\n// yes\nconst b = \"x\\\n// again\n";
        assert_eq!(texts(src), vec![line(" yes"), line(" again")]);
    }

    #[test]
    fn a_word_ending_in_arn_is_a_tag_with_escapes() {
        // `xarn"..."` is a tagged literal, where `\"` does not close it.
        let src = "const a = xarn\"a\\\" // in\" // out\n";
        assert_eq!(texts(src), vec![line(" out")]);
    }

    #[test]
    fn condition_keys_may_hold_slashes() {
        let src = concat!(
            "policy P {\n",
            "  allow s3:GetObject// action, then a comment\n",
            "    when aws:PrincipalTag//team == \"a\" and not s3:x//y // real\n",
            "  allow s3:Put* when (exists(aws:a//b?)) or any aws:c//d in [\"e\"] //z\n",
            "}\n",
        );
        assert_eq!(
            texts(src),
            vec![line(" action, then a comment"), line(" real"), line("z")]
        );
    }

    #[test]
    fn a_comment_right_after_when_is_a_comment() {
        let src = "policy P { allow s3:* when // why\n aws:MultiFactorAuthPresent }";
        assert_eq!(texts(src), vec![line(" why")]);
    }

    #[test]
    fn values_in_conditions_are_not_keys() {
        let src = "policy P { allow s3:* when aws:CalledVia in [s3:a//b] and x.and == 1 }";
        assert_eq!(texts(src), vec![line("b] and x.and == 1 }")]);
    }

    #[test]
    fn operators_after_keys_are_not_keys() {
        let src = "policy P { allow s3:* when aws:x not like s3:y//c }";
        assert_eq!(texts(src), vec![line("c }")]);
    }

    #[test]
    fn non_ascii_text_keeps_offsets_on_char_boundaries() {
        let src = "// é\nconst a = \"ü//\" // ñ\n";
        let found = scan(src, FileId(0));
        let [e, n] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!((e.text.as_str(), n.text.as_str()), (" é", " ñ"));
        assert_eq!(raw(src, n), "// ñ");
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_sound(src in "(?s).{0,200}") {
            check_invariants(&src);
        }

        #[test]
        fn never_panics_on_iamc_like_text(
            src in proptest::collection::vec(
                prop_oneof![
                    Just("//"), Just("///"), Just("\""), Just("\\"), Just("arn\""), Just("\n"),
                    Just("\r\n"), Just(" "), Just("when "), Just("and "), Just("aws:k"),
                    Just("/"), Just("${"), Just("}"), Just("("), Just("."), Just("é"), Just("x"),
                ],
                0..60,
            ).prop_map(|parts| parts.concat())
        ) {
            check_invariants(&src);
        }
    }

    fn check_invariants(src: &str) {
        let found = scan(src, FileId(0));
        let mut last_end = 0;
        for c in &found {
            let (s, e) = (c.span.start as usize, c.span.end as usize);
            assert!(last_end <= s && s < e && e <= src.len());
            assert!(src.is_char_boundary(s) && src.is_char_boundary(e));
            let raw = raw(src, c);
            assert!(raw.starts_with("//"));
            assert!(!raw.contains('\n'));
            assert!(raw.ends_with(&c.text));
            last_end = e;
        }
    }
}

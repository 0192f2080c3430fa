//! The tokens of the declaration around the cursor, for completion.
//!
//! Completion happens in text that does not parse yet (`allow s3:` and `when ` are not
//! declarations), so it reads tokens rather than the AST: from the start of the current
//! declaration (the last line that starts with a top-level keyword) to the cursor.
//! Comments are skipped by the comment table of the analysis (the one scanner that knows
//! where `//` is not a comment); string and ARN literals become one token each.

use crate::syntax::keywords::TOP_LEVEL;
use crate::syntax::Comment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A run of word characters: a keyword, name, action, key or number.
    Word,
    /// A literal (`"..."`, `arn"..."`, `cidr"..."`).
    Literal,
    /// Punctuation: brackets, commas, comparison operators.
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok<'t> {
    pub text: &'t str,
    pub start: usize,
    pub kind: Kind,
}

/// The tokens before the cursor and the word being typed.
#[derive(Debug)]
pub struct Scan<'t> {
    /// From the start of the declaration up to the word under the cursor.
    pub tokens: Vec<Tok<'t>>,
    /// The word under the cursor (may be empty), and where it starts and ends (the end may
    /// lie after the cursor).
    pub word: &'t str,
    pub word_start: usize,
    pub word_end: usize,
    /// The cursor is inside a literal or a comment: nothing to complete.
    pub in_literal: bool,
}

/// Characters of names, keywords, actions (`s3:Get*`), keys (`aws:PrincipalTag/team?`)
/// and labels (`except:`).
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '*' | '?' | '@' | '$')
}

pub fn scan<'t>(text: &'t str, offset: usize, comments: &[Comment]) -> Scan<'t> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let start = declaration_start(text, offset);
    let mut tokens = Vec::new();
    let mut in_literal = false;
    let mut i = start;
    let bytes = text.as_bytes();
    while i < offset {
        if let Some(c) = comments
            .iter()
            .find(|c| c.span.start as usize <= i && i < c.span.end as usize)
        {
            if offset <= c.span.end as usize {
                in_literal = true;
            }
            i = c.span.end as usize;
            continue;
        }
        let Some(ch) = text.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        if ch.is_whitespace() {
            i += ch.len_utf8();
            continue;
        }
        let from = i;
        if is_word(ch) {
            while let Some(c) = text
                .get(i..)
                .and_then(|r| r.chars().next())
                .filter(|c| is_word(*c))
            {
                i += c.len_utf8();
            }
            if bytes.get(i) == Some(&b'"') {
                // A tagged or ARN literal: the word is its prefix.
                let (end, open) = literal_end(text, i);
                in_literal |= end > offset || (open && end >= offset);
                i = end;
                push(&mut tokens, text, from, i.min(offset), Kind::Literal);
                continue;
            }
            push(&mut tokens, text, from, i.min(offset), Kind::Word);
        } else if ch == '"' {
            let (end, open) = literal_end(text, i);
            in_literal |= end > offset || (open && end >= offset);
            i = end;
            push(&mut tokens, text, from, i.min(offset), Kind::Literal);
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            let len = if matches!(two, "==" | "!=" | "<=" | ">=") {
                2
            } else {
                ch.len_utf8()
            };
            i += len;
            push(&mut tokens, text, from, i.min(offset), Kind::Punct);
        }
    }
    // The word under the cursor is the last token if it reaches the cursor.
    let (word, word_start) = match tokens.last() {
        Some(t) if t.kind == Kind::Word && t.start + t.text.len() == offset => (t.text, t.start),
        _ => ("", offset),
    };
    if !word.is_empty() {
        tokens.pop();
    }
    let mut word_end = offset;
    while let Some(c) = text
        .get(word_end..)
        .and_then(|r| r.chars().next())
        .filter(|c| is_word(*c))
    {
        word_end += c.len_utf8();
    }
    Scan {
        tokens,
        word,
        word_start,
        word_end,
        in_literal,
    }
}

fn push<'t>(tokens: &mut Vec<Tok<'t>>, text: &'t str, from: usize, to: usize, kind: Kind) {
    if let Some(t) = text.get(from..to) {
        tokens.push(Tok {
            text: t,
            start: from,
            kind,
        });
    }
}

/// The end of a literal whose quote is at `quote`, and whether it was left open (a
/// literal ends at the end of its line, as in the grammar).
fn literal_end(text: &str, quote: usize) -> (usize, bool) {
    let mut i = quote + 1;
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return (i + 1, false),
            b'\\' => i += 2,
            b'\n' => return (i, true),
            _ => i += 1,
        }
    }
    (text.len(), true)
}

/// Where the declaration holding `offset` starts: the start of the last line at or before
/// the cursor's that begins with a top-level keyword, else the start of the text.
fn declaration_start(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or("");
    let mut end = before.len();
    loop {
        let line_start = before
            .get(..end)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text.get(line_start..).unwrap_or("");
        let word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if TOP_LEVEL.contains(&word.as_str()) {
            return line_start;
        }
        if line_start == 0 {
            return 0;
        }
        end = line_start - 1;
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &Scan<'_>) -> Vec<String> {
        s.tokens.iter().map(|t| t.text.to_string()).collect()
    }

    #[test]
    fn tokens_of_the_declaration_before_the_cursor() {
        let text = "const a = 1\npolicy P {\n    allow s3:GetObject on arn\"arn:aws:s3:::b/*\" // x\n    when aws:SourceIp? == \"x\" and s3:";
        let s = scan(
            text,
            text.len(),
            &crate::syntax::comments::scan(text, crate::source::FileId(0)),
        );
        assert_eq!(
            words(&s),
            [
                "policy",
                "P",
                "{",
                "allow",
                "s3:GetObject",
                "on",
                "arn\"arn:aws:s3:::b/*\"",
                "when",
                "aws:SourceIp?",
                "==",
                "\"x\"",
                "and"
            ]
        );
        assert_eq!(s.word, "s3:");
        assert!(!s.in_literal);
    }

    #[test]
    fn inside_literals_and_comments_there_is_nothing_to_complete() {
        for text in ["policy P { allow s3:x on \"arn:", "policy P { // allow s3:"] {
            let comments = crate::syntax::comments::scan(text, crate::source::FileId(0));
            assert!(scan(text, text.len(), &comments).in_literal, "{text}");
        }
        let text = "policy P { allow s3:Get on \"x\" ";
        assert!(!scan(text, text.len(), &[]).in_literal);
    }

    #[test]
    fn the_word_extends_past_the_cursor() {
        let text = "policy P { allow s3:GetObj }";
        let at = text.find("Obj").unwrap_or(0);
        let s = scan(text, at, &[]);
        assert_eq!(s.word, "s3:Get");
        assert_eq!(text.get(s.word_start..s.word_end), Some("s3:GetObj"));
    }
}

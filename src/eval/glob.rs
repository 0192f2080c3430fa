//! Wildcard matching with `*` (any run of characters) and `?` (exactly one character), as
//! IAM uses in `Action`, `Resource` and the `...Like` operators.
//!
//! A pattern is compiled once into the literal segments between its stars; matching is
//! then anchored head, leftmost search for each middle segment, anchored tail. Leftmost is
//! correct because every segment has a fixed length in characters and the stars around it
//! absorb anything. No allocation while matching.

/// One token of a pattern before compilation. Templates (policy variables) resolve into
/// tokens so that a variable's value is always literal, never a wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Lit(String),
    Star,
    One,
}

/// Parses pattern text: `*` and `?` are wildcards, everything else literal.
pub fn tokens(text: &str, out: &mut Vec<Tok>) {
    let mut lit = String::new();
    for c in text.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                out.push(if c == '*' { Tok::Star } else { Tok::One });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Tok::Lit(lit));
    }
}

/// A piece of a segment: literal bytes or one character.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Lit(Box<[u8]>),
    One,
}

/// A run of pieces between two stars.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Seg {
    pieces: Vec<Piece>,
    /// The segment is a single literal (the common case): compared with memcmp.
    literal: Option<Box<[u8]>>,
}

impl Seg {
    fn new(pieces: Vec<Piece>) -> Seg {
        let literal = match pieces.as_slice() {
            [] => Some(Box::from(&b""[..])),
            [Piece::Lit(l)] => Some(l.clone()),
            _ => None,
        };
        Seg { pieces, literal }
    }

    /// Matches the segment at `pos`; returns the end position.
    fn match_at(&self, text: &[u8], pos: usize, ci: bool) -> Option<usize> {
        let mut p = pos;
        for piece in &self.pieces {
            match piece {
                Piece::Lit(l) => {
                    let end = p.checked_add(l.len())?;
                    let t = text.get(p..end)?;
                    if !bytes_eq(l, t, ci) {
                        return None;
                    }
                    p = end;
                }
                Piece::One => {
                    let first = *text.get(p)?;
                    p += utf8_len(first);
                    if p > text.len() {
                        return None;
                    }
                }
            }
        }
        Some(p)
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn is_char_boundary(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        None => i == text.len(),
        Some(b) => (*b as i8) >= -0x40,
    }
}

/// `pat` is already lowercase when `ci`; only ASCII letters fold (action names are ASCII).
fn bytes_eq(pat: &[u8], text: &[u8], ci: bool) -> bool {
    if ci {
        pat.len() == text.len()
            && pat
                .iter()
                .zip(text)
                .all(|(p, t)| *p == t.to_ascii_lowercase())
    } else {
        pat == text
    }
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    kind: Kind,
    /// Compare ignoring ASCII case (the pattern is stored lowercase).
    ci: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// `*`: everything.
    Any,
    /// No star: the text must match the one segment exactly.
    Exact(Seg),
    /// At least one star: `head * middle... * tail`.
    Stars {
        head: Seg,
        middle: Vec<Seg>,
        tail: Seg,
    },
}

impl Glob {
    /// Compiles pattern text (`*`, `?` wildcards). `ci`: compare ignoring ASCII case.
    pub fn new(text: &str, ci: bool) -> Glob {
        let mut toks = Vec::new();
        tokens(text, &mut toks);
        Glob::from_tokens(&toks, ci)
    }

    /// A pattern matching exactly `text` (no wildcards).
    pub fn literal(text: &str, ci: bool) -> Glob {
        Glob::from_tokens(&[Tok::Lit(text.to_string())], ci)
    }

    pub fn from_tokens(toks: &[Tok], ci: bool) -> Glob {
        let mut segs: Vec<Seg> = Vec::new();
        let mut cur: Vec<Piece> = Vec::new();
        let mut stars = 0usize;
        for t in toks {
            match t {
                Tok::Star => {
                    segs.push(Seg::new(std::mem::take(&mut cur)));
                    stars += 1;
                }
                Tok::One => cur.push(Piece::One),
                Tok::Lit(s) => {
                    let s = if ci {
                        s.to_ascii_lowercase()
                    } else {
                        s.clone()
                    };
                    // Merge adjacent literals so a literal segment stays one memcmp.
                    if let Some(Piece::Lit(prev)) = cur.last_mut() {
                        let mut v = prev.to_vec();
                        v.extend_from_slice(s.as_bytes());
                        *prev = v.into_boxed_slice();
                    } else {
                        cur.push(Piece::Lit(s.into_bytes().into_boxed_slice()));
                    }
                }
            }
        }
        segs.push(Seg::new(cur));
        let kind = if stars == 0 {
            Kind::Exact(segs.pop().unwrap_or_default())
        } else if segs.iter().all(|s| s.pieces.is_empty()) {
            Kind::Any
        } else {
            let tail = segs.pop().unwrap_or_default();
            let mut rest = segs.into_iter();
            let head = rest.next().unwrap_or_default();
            let middle = rest.filter(|s| !s.pieces.is_empty()).collect();
            Kind::Stars { head, middle, tail }
        };
        Glob { kind, ci }
    }

    pub fn is_any(&self) -> bool {
        matches!(self.kind, Kind::Any)
    }

    pub fn matches(&self, text: &str) -> bool {
        let text = text.as_bytes();
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(seg) => match &seg.literal {
                Some(l) => bytes_eq(l, text, self.ci),
                None => seg.match_at(text, 0, self.ci) == Some(text.len()),
            },
            Kind::Stars { head, middle, tail } => {
                let Some(mut pos) = head.match_at(text, 0, self.ci) else {
                    return false;
                };
                for seg in middle {
                    match find(seg, text, pos, self.ci) {
                        Some(end) => pos = end,
                        None => return false,
                    }
                }
                match &tail.literal {
                    Some(l) => {
                        text.len() >= pos + l.len()
                            && text
                                .get(text.len() - l.len()..)
                                .is_some_and(|t| bytes_eq(l, t, self.ci))
                    }
                    None => {
                        let mut start = pos;
                        while start <= text.len() {
                            if is_char_boundary(text, start)
                                && tail.match_at(text, start, self.ci) == Some(text.len())
                            {
                                return true;
                            }
                            start += 1;
                        }
                        false
                    }
                }
            }
        }
    }
}

/// The end of the leftmost match of `seg` at or after `from`.
fn find(seg: &Seg, text: &[u8], from: usize, ci: bool) -> Option<usize> {
    if let Some(l) = &seg.literal {
        if !ci {
            let first = *l.first()?;
            let mut start = from;
            while start + l.len() <= text.len() {
                let rel = text.get(start..)?.iter().position(|b| *b == first)?;
                start += rel;
                if text.get(start..start + l.len())? == &l[..] {
                    return Some(start + l.len());
                }
                start += 1;
            }
            return None;
        }
    }
    let mut start = from;
    while start <= text.len() {
        if is_char_boundary(text, start) {
            if let Some(end) = seg.match_at(text, start, ci) {
                return Some(end);
            }
        }
        start += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p, false).matches(t)
    }

    #[test]
    fn stars_and_questions() {
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("a*", "abc"));
        assert!(!m("a*", "bac"));
        assert!(m("*c", "abc"));
        assert!(m("a*c", "ac"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abbbc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("a?c", "aéc"));
        assert!(m("*?", "x"));
        assert!(!m("*?", ""));
        assert!(m("**", ""));
        assert!(m("*a?c*", "zzabc"));
        assert!(m("*ab?", "xabab1"));
        assert!(!m("abc", "abcd"));
        assert!(m("abc", "abc"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("*aa", "aaa"));
        assert!(m("a*aa", "aaa"));
        assert!(!m("a*aa", "aa"));
    }

    #[test]
    fn case_insensitive_for_actions() {
        let g = Glob::new("S3:Get*", true);
        assert!(g.matches("s3:GETOBJECT"));
        assert!(g.matches("s3:getobject"));
        assert!(!g.matches("s3:PutObject"));
        assert!(!Glob::new("s3:Get*", false).matches("s3:getObject"));
    }

    #[test]
    fn literal_tokens_do_not_wildcard() {
        let g = Glob::from_tokens(&[Tok::Lit("a*b".into())], false);
        assert!(g.matches("a*b"));
        assert!(!g.matches("axb"));
        assert!(Glob::literal("a?", false).matches("a?"));
        assert!(!Glob::literal("a?", false).matches("ab"));
    }
}

//! The layout language between the AST walk and the printer: text, places where a line may
//! break, and groups that break together (Wadler's "prettier printer", in the flavour of
//! Prettier's `fill` and `align`).
//!
//! The walk (`items`, `rules`, `cond`, `exprs`) says *where* a line may break; the printer
//! (`print`) decides *whether* it does, by width. Keeping the two apart is what makes the
//! breaking rule deterministic and the same for every construct.

/// A piece of layout.
#[derive(Clone, Debug)]
pub enum Doc {
    /// Code text without line breaks. Trailing spaces are separators: the printer drops them
    /// when a line break follows.
    Text(String),
    /// A comment's text, written exactly (doc comments keep their trailing spaces, since the
    /// parser keeps them in the declaration's documentation).
    Verbatim(String),
    /// A space, or a line break when the enclosing group breaks.
    Line,
    /// Nothing, or a line break when the enclosing group breaks.
    SoftLine,
    /// Always a line break; every group around it breaks.
    HardLine,
    /// ` // text` at the end of a line. A line break always follows it; it does not count
    /// against the width (moving code because of a comment would be surprising).
    Trailing(String),
    Concat(Vec<Doc>),
    /// Breaks all its own `Line`s or none. `must_break` is set when it holds a hard break.
    Group {
        body: Box<Doc>,
        must_break: bool,
    },
    /// Indents the lines broken inside by one level (4 spaces) more than the enclosing level.
    Indent(Box<Doc>),
    /// Lines broken inside start at the column where this starts (lists after `allow `).
    Align(Box<Doc>),
    /// Lines broken inside are indented relative to the line this starts on, not to the
    /// enclosing level (a `[` block opened at the end of a continuation line).
    Anchor(Box<Doc>),
    /// Text written only when the enclosing group is broken (a trailing comma).
    IfBreak(String),
    /// `[content, separator, content, separator, content]`: each separator breaks only if
    /// the content after it does not fit on the line (lists of actions fill lines).
    Fill(Vec<Doc>),
}

/// The indentation of one level.
pub const INDENT: usize = 4;

pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

pub fn indent(d: Doc) -> Doc {
    Doc::Indent(Box::new(d))
}

pub fn align(d: Doc) -> Doc {
    Doc::Align(Box::new(d))
}

pub fn anchor(d: Doc) -> Doc {
    Doc::Anchor(Box::new(d))
}

/// A group; it must break if anything inside forces a line break.
pub fn group(d: Doc) -> Doc {
    let must_break = forces_break(&d);
    Doc::Group {
        body: Box::new(d),
        must_break,
    }
}

/// True if `d` holds a hard line break (or a trailing comment, which ends its line).
pub fn forces_break(d: &Doc) -> bool {
    match d {
        Doc::HardLine | Doc::Trailing(_) => true,
        Doc::Group { must_break, .. } => *must_break,
        Doc::Concat(parts) | Doc::Fill(parts) => parts.iter().any(forces_break),
        Doc::Indent(inner) | Doc::Align(inner) | Doc::Anchor(inner) => forces_break(inner),
        Doc::Text(_) | Doc::Verbatim(_) | Doc::Line | Doc::SoftLine | Doc::IfBreak(_) => false,
    }
}

//! Diagnostics as data: every stage reports [`Diagnostic`]s; renderers turn them into
//! terminal reports (ariadne), JSON (`--format json`) or LSP messages.
//!
//! Messages follow one style: lowercase, no final period, user input in backticks, no line
//! breaks; anything longer goes to `help`.

pub mod codes;
pub mod render;
pub mod suggest;

pub use codes::Code;

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A secondary location with its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A machine-applicable edit: replace the text at `span` with `replacement`.
/// The language server offers it as a quick fix ("did you mean `s3:GetObject`?").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Span,
    /// What to say at the primary span (defaults to nothing beyond the message).
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// An error with the severity its code is registered with.
    pub fn new(code: Code, primary: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_label_here(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary_label = Some(message.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True if any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The one way diagnostics are put in reporting order: sorted by file, position, code and
/// message, and without repeats. Of several diagnostics with the same code, span and
/// message (a template body is checked at its definition and again at each use), the
/// first reported is kept, with its labels and help.
pub fn finish(diags: &mut Vec<Diagnostic>) {
    // A stable sort keeps equal diagnostics in the order they were reported.
    diags.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    diags.dedup_by(|later, first| {
        later.code == first.code && later.primary == first.primary && later.message == first.message
    });
}

fn order_key(d: &Diagnostic) -> (crate::source::FileId, u32, u32, &'static str, &str) {
    (
        d.primary.file,
        d.primary.start,
        d.primary.end,
        d.code.as_str(),
        &d.message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn finish_sorts_and_keeps_the_first_of_repeats() {
        let at = |start| Span::new(FileId(0), start, start + 1);
        let mut diags = vec![
            Diagnostic::new(Code::E0201, at(9), "b"),
            Diagnostic::new(Code::E0201, at(1), "a").with_help("first"),
            Diagnostic::new(Code::E0201, at(1), "a").with_help("second"),
            Diagnostic::new(Code::E0101, at(1), "a"),
        ];
        finish(&mut diags);
        let got: Vec<(u32, &str, Option<&str>)> = diags
            .iter()
            .map(|d| (d.primary.start, d.code.as_str(), d.help.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (1, "E0101", None),
                (1, "E0201", Some("first")),
                (9, "E0201", None)
            ]
        );
    }
}

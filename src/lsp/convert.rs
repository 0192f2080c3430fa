//! Between the compiler and the protocol: byte offsets <-> LSP positions in the encoding
//! negotiated at start-up (UTF-8 when the client offers it, else UTF-16 as LSP requires),
//! and the features' plain results -> `lsp_types`.
//!
//! Positions are computed on the text that was analysed, line by line, through the file's
//! `LineIndex`; a position past the end of its line or of the file is clamped to it, so an
//! out-of-range request gets an answer about the nearest text instead of an error. A `\r`
//! before a line's `\n` belongs to the line break, not to the line.

use super::features::completion::{Completions, ItemKind};
use super::features::hover::Hover;
use super::features::inlay::Hint;
use super::features::symbols::{Symbol, SymbolKind};
use super::features::Edit;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{FileId, SourceFile, Span};
use lsp_types as lsp;

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it among `general.positionEncodings`, else UTF-16.
    pub fn negotiate(caps: &lsp::ClientCapabilities) -> Encoding {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        match offered {
            Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> lsp::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }
    }
}

/// One line of a file: where it starts and where its text ends (before `\r\n` or `\n`).
fn line_bounds(file: &SourceFile, line: usize) -> Option<(usize, usize)> {
    if line >= file.lines.line_count() {
        return None;
    }
    let start = file.lines.line_start(line) as usize;
    let next = file.lines.line_start(line + 1) as usize;
    let text = file.text.get(start..next).unwrap_or("");
    let content = text.trim_end_matches('\n').trim_end_matches('\r');
    Some((start, start + content.len()))
}

/// The byte offset of a position (clamped into the text).
pub fn offset(file: &SourceFile, pos: lsp::Position, enc: Encoding) -> u32 {
    let Some((start, end)) = line_bounds(file, pos.line as usize) else {
        return u32::try_from(file.text.len()).unwrap_or(u32::MAX);
    };
    let line = file.text.get(start..end).unwrap_or("");
    let want = pos.character as usize;
    let mut units = 0usize;
    for (i, ch) in line.char_indices() {
        if units >= want {
            return u32::try_from(start + i).unwrap_or(u32::MAX);
        }
        units += match enc {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
        };
    }
    u32::try_from(end).unwrap_or(u32::MAX)
}

/// The position of a byte offset.
pub fn position(file: &SourceFile, offset: u32, enc: Encoding) -> lsp::Position {
    let offset = (offset as usize).min(file.text.len());
    let line = file
        .lines
        .line_of(u32::try_from(offset).unwrap_or(u32::MAX));
    let start = file.lines.line_start(line) as usize;
    let before = file.text.get(start..offset.max(start)).unwrap_or("");
    let character = match enc {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
    };
    lsp::Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

pub fn range(file: &SourceFile, span: Span, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(file, span.start, enc),
        end: position(file, span.end, enc),
    }
}

/// The byte span of a range.
pub fn span(file: &SourceFile, id: FileId, r: lsp::Range, enc: Encoding) -> Span {
    let a = offset(file, r.start, enc);
    let b = offset(file, r.end, enc);
    Span {
        file: id,
        start: a.min(b),
        end: a.max(b),
    }
}

pub fn uri(text: &str) -> Option<lsp::Uri> {
    text.parse().ok()
}

/// What converting diagnostics needs besides them: the files and URIs of their spans,
/// and where each code's explanation is.
pub struct DiagnosticsCtx<'a> {
    pub sources: &'a crate::source::Sources,
    pub uri_of: &'a dyn Fn(FileId) -> Option<String>,
    pub docs: &'a dyn Fn(Code) -> Option<String>,
    pub enc: Encoding,
}

/// A compiler diagnostic: its code (with a link to its explanation), severity, message
/// and help, the labels as related information, and the fix in `data` for code actions.
pub fn diagnostic(d: &Diagnostic, cx: &DiagnosticsCtx<'_>) -> lsp::Diagnostic {
    let file = cx.sources.get(d.primary.file);
    let primary = file
        .map(|f| range(f, d.primary, cx.enc))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(l) = &d.primary_label {
        message.push_str(&format!(": {l}"));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let f = cx.sources.get(l.span.file)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri(&(cx.uri_of)(l.span.file)?)?,
                    range: range(f, l.span, cx.enc),
                },
                message: l.message.clone(),
            })
        })
        .collect();
    let data = d.fix.as_ref().and_then(|fix| {
        let f = cx.sources.get(fix.span.file)?;
        Some(serde_json::json!({
            "fix": { "range": range(f, fix.span, cx.enc), "newText": fix.replacement }
        }))
    });
    lsp::Diagnostic {
        range: primary,
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: (cx.docs)(d.code)
            .and_then(|u| uri(&u))
            .map(|href| lsp::CodeDescription { href }),
        source: Some("iamc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        // A rule that never applies is dead code.
        tags: (d.code == Code::W0405).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data,
    }
}

pub fn text_edit(file: &SourceFile, e: &Edit, enc: Encoding) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(file, e.span, enc),
        new_text: e.text.clone(),
    }
}

pub fn hover(file: &SourceFile, h: &Hover, enc: Encoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(range(file, h.span, enc)),
    }
}

pub fn completions(file: &SourceFile, c: &Completions, enc: Encoding) -> lsp::CompletionResponse {
    let items = c
        .items
        .iter()
        .map(|i| lsp::CompletionItem {
            label: i.label.clone(),
            kind: Some(completion_kind(i.kind)),
            detail: i.detail.clone(),
            documentation: i.documentation.clone().map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: d,
                })
            }),
            sort_text: Some(i.sort.clone()),
            filter_text: Some(i.label.clone()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: range(file, i.replace, enc),
                new_text: i.insert.clone(),
            })),
            ..lsp::CompletionItem::default()
        })
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: c.incomplete,
        items,
    })
}

fn completion_kind(k: ItemKind) -> lsp::CompletionItemKind {
    use lsp::CompletionItemKind as K;
    match k {
        ItemKind::Service | ItemKind::Module => K::MODULE,
        ItemKind::Action => K::FUNCTION,
        ItemKind::Key => K::PROPERTY,
        ItemKind::Operator => K::OPERATOR,
        ItemKind::Template => K::SNIPPET,
        ItemKind::Argument | ItemKind::Field => K::FIELD,
        ItemKind::Keyword => K::KEYWORD,
        ItemKind::Value => K::VARIABLE,
        ItemKind::Constant => K::CONSTANT,
        ItemKind::Declaration => K::STRUCT,
        ItemKind::Type => K::TYPE_PARAMETER,
    }
}

pub fn symbol_kind(k: SymbolKind) -> lsp::SymbolKind {
    use lsp::SymbolKind as K;
    match k {
        SymbolKind::Import => K::NAMESPACE,
        SymbolKind::Const => K::CONSTANT,
        SymbolKind::Template => K::FUNCTION,
        SymbolKind::Parameter => K::VARIABLE,
        SymbolKind::Document => K::STRUCT,
        SymbolKind::Principal => K::CLASS,
        SymbolKind::Proof => K::EVENT,
        SymbolKind::Property => K::BOOLEAN,
    }
}

#[expect(
    deprecated,
    reason = "`deprecated` is a required field of the lsp-types struct"
)]
pub fn document_symbol(file: &SourceFile, s: &Symbol, enc: Encoding) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.is_empty() {
            "?".into()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range(file, s.span, enc),
        selection_range: range(file, s.name_span, enc),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .iter()
                .map(|c| document_symbol(file, c, enc))
                .collect()
        }),
    }
}

pub fn inlay_hint(file: &SourceFile, h: &Hint, enc: Encoding) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(file, h.offset, enc),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(h.tooltip.clone())),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Origin, Sources};

    fn file(text: &str) -> Sources {
        let mut s = Sources::new();
        s.add("a.iamc", "a", Origin::Memory("a".into()), text);
        s
    }

    #[test]
    fn utf16_and_utf8_columns_round_trip() {
        let s = file("a😀b\r\nçd\n");
        let f = s.get(FileId(0)).unwrap();
        let b = 5; // after `a` (1 byte) and the emoji (4 bytes)
        assert_eq!(position(f, b, Encoding::Utf16), lsp::Position::new(0, 3));
        assert_eq!(position(f, b, Encoding::Utf8), lsp::Position::new(0, 5));
        assert_eq!(offset(f, lsp::Position::new(0, 3), Encoding::Utf16), b);
        assert_eq!(offset(f, lsp::Position::new(0, 5), Encoding::Utf8), b);
        // `d` on the second line: after `ç` (2 bytes, 1 UTF-16 unit).
        assert_eq!(offset(f, lsp::Position::new(1, 1), Encoding::Utf16), 10);
        assert_eq!(position(f, 10, Encoding::Utf16), lsp::Position::new(1, 1));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let s = file("ab\r\ncd");
        let f = s.get(FileId(0)).unwrap();
        // Past the end of a line: the end of its text, before `\r\n`.
        assert_eq!(offset(f, lsp::Position::new(0, 99), Encoding::Utf16), 2);
        // Past the last line: the end of the file.
        assert_eq!(offset(f, lsp::Position::new(9, 0), Encoding::Utf16), 6);
        // Inside a surrogate pair or a multi-byte character: the character's start.
        let s = file("😀x");
        let f = s.get(FileId(0)).unwrap();
        assert_eq!(offset(f, lsp::Position::new(0, 1), Encoding::Utf16), 4);
        assert_eq!(offset(f, lsp::Position::new(0, 2), Encoding::Utf8), 4);
        assert_eq!(position(f, 99, Encoding::Utf16), lsp::Position::new(0, 3));
    }
}

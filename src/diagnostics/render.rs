//! The renderers: ariadne for people, JSON for machines.
//!
//! ariadne counts characters by default while our spans are byte offsets; every report here
//! is built with `IndexType::Byte`.

use super::{Diagnostic, Severity};
use crate::source::Sources;
use ariadne::{Config, IndexType, Label, Report, ReportKind};
use serde::Serialize;

/// Renders diagnostics for a terminal (`color`) or a plain text stream.
pub fn to_text(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut out = Vec::new();
    let cache = ariadne::sources(
        sources
            .iter()
            .map(|(_, f)| (f.name.clone(), f.text.clone()))
            .collect::<Vec<_>>(),
    );
    let mut cache = cache;
    for d in diags {
        let file = sources.name(d.primary.file).to_string();
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            Severity::Note => ReportKind::Advice,
        };
        let config = Config::default()
            .with_index_type(IndexType::Byte)
            .with_color(color);
        let mut report = Report::build(kind, (file.clone(), d.primary.range()))
            .with_config(config)
            .with_code(d.code)
            .with_message(&d.message);
        // ariadne draws no marker for a label without a message, so the primary span always
        // gets one: its own, or the code's title.
        let here = d.primary_label.as_deref().unwrap_or(d.code.title());
        report =
            report.with_label(Label::new((file.clone(), d.primary.range())).with_message(here));
        for label in &d.labels {
            report = report.with_label(
                Label::new((
                    sources.name(label.span.file).to_string(),
                    label.span.range(),
                ))
                .with_message(&label.message),
            );
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        // Writing to a Vec cannot fail; a broken source id only loses the excerpt.
        if report.finish().write(&mut cache, &mut out).is_err() {
            out.extend_from_slice(format!("{}: {} [{}]\n", file, d.message, d.code).as_bytes());
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One line per diagnostic: `file:line:col: error[E0201]: message`.
pub fn to_short(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let pos = sources
            .get(d.primary.file)
            .map(|f| f.lines.line_col(&f.text, d.primary.start))
            .map(|lc| lc.to_string())
            .unwrap_or_else(|| "?:?".into());
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        out.push_str(&format!(
            "{}:{}: {}[{}]: {}\n",
            sources.name(d.primary.file),
            pos,
            sev,
            d.code,
            d.message
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonPos {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonSpan {
    file: String,
    /// Byte offsets, half-open.
    start: u32,
    end: u32,
    start_pos: JsonPos,
    end_pos: JsonPos,
}

#[derive(Serialize)]
struct JsonLabel {
    span: JsonSpan,
    message: String,
}

#[derive(Serialize)]
struct JsonFix {
    span: JsonSpan,
    replacement: String,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    severity: Severity,
    message: String,
    span: JsonSpan,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix>,
}

fn json_span(span: crate::source::Span, sources: &Sources) -> JsonSpan {
    let (start_pos, end_pos) = match sources.get(span.file) {
        Some(f) => (
            f.lines.line_col(&f.text, span.start),
            f.lines.line_col(&f.text, span.end),
        ),
        None => Default::default(),
    };
    JsonSpan {
        file: sources.name(span.file).to_string(),
        start: span.start,
        end: span.end,
        start_pos: JsonPos {
            line: start_pos.line,
            column: start_pos.col,
        },
        end_pos: JsonPos {
            line: end_pos.line,
            column: end_pos.col,
        },
    }
}

/// The diagnostics as a JSON array (`--format json`); spans carry byte offsets and 1-based
/// line/column pairs (columns count characters).
pub fn to_json(diags: &[Diagnostic], sources: &Sources) -> serde_json::Value {
    let list: Vec<JsonDiagnostic> = diags
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity,
            message: d.message.clone(),
            span: json_span(d.primary, sources),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    span: json_span(l.span, sources),
                    message: l.message.clone(),
                })
                .collect(),
            help: d.help.clone(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                span: json_span(f.span, sources),
                replacement: f.replacement.clone(),
            }),
        })
        .collect();
    serde_json::to_value(list).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::source::{Origin, Span};

    #[test]
    fn byte_spans_after_non_ascii_text_point_at_the_right_place() {
        let mut sources = Sources::new();
        let text = "// é é é\nbad thing\n";
        let id = sources.add("a.iamc", "a", Origin::Memory("a".into()), text);
        let start = text.find("thing").unwrap_or(0);
        let d = Diagnostic::new(Code::E0101, Span::new(id, start, start + 5), "oops")
            .with_label_here("here");
        let out = to_text(std::slice::from_ref(&d), &sources, false);
        assert!(out.contains("a.iamc:2:5"), "{out}");
        // The marker sits under `thing` (column 5), whatever came before on earlier lines.
        assert!(out.contains("    ──┬──"), "{out}");
        let bare = Diagnostic::new(Code::E0101, Span::new(id, start, start + 5), "oops");
        let out = to_text(std::slice::from_ref(&bare), &sources, false);
        assert!(out.contains(Code::E0101.title()), "{out}");
        assert!(to_short(&[d], &sources).starts_with("a.iamc:2:5: error[E0101]: oops"));
    }
}

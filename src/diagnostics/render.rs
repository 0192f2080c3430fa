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
        // ariadne's work per report grows with the length of the lines it shows; a
        // generated one-line file with thousands of findings would take minutes.
        if std::iter::once(d.primary)
            .chain(d.labels.iter().map(|l| l.span))
            .any(|s| line_len(sources, s) > MAX_EXCERPT_LINE)
        {
            out.extend_from_slice(plain_report(d, sources).as_bytes());
            continue;
        }
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
        // ariadne 0.5 underlines only labels with a message: without one, the report would
        // show the line but not where on it. The code's title stands in.
        let primary = Label::new((file.clone(), d.primary.range()))
            .with_message(d.primary_label.as_deref().unwrap_or(d.code.title()));
        report = report.with_label(primary);
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

/// Lines longer than this (in bytes) are not excerpted in text reports.
pub const MAX_EXCERPT_LINE: usize = 2000;

/// The byte length of the line holding `span`'s start.
fn line_len(sources: &Sources, span: crate::source::Span) -> usize {
    let Some(f) = sources.get(span.file) else {
        return 0;
    };
    let line = f.lines.line_of(span.start);
    let start = f.lines.line_start(line) as usize;
    let end = if line + 1 < f.lines.line_count() {
        f.lines.line_start(line + 1) as usize
    } else {
        f.text.len()
    };
    end.saturating_sub(start)
}

/// A report without source excerpts, for diagnostics on very long lines.
fn plain_report(d: &Diagnostic, sources: &Sources) -> String {
    let pos = |span: crate::source::Span| {
        let lc = sources
            .get(span.file)
            .map(|f| f.lines.line_col(&f.text, span.start).to_string())
            .unwrap_or_else(|| "?:?".into());
        format!("{}:{lc}", sources.name(span.file))
    };
    let sev = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Note => "Advice",
    };
    let mut out = format!(
        "[{}] {sev}: {}\n   --> {} (line too long to show)\n",
        d.code,
        d.message,
        pos(d.primary)
    );
    for l in &d.labels {
        out.push_str(&format!("   --> {}: {}\n", pos(l.span), l.message));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("   Help: {help}\n"));
    }
    out
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

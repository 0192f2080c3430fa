//! Integration tests: syntax. The malformed corpus (`tests/malformed/syntax/*.iamc`, each
//! file naming its diagnostics in `// expect: CODE LINE:COL-LINE:COL` comments), the valid
//! corpus with span invariants, property tests (no panic, spans in bounds on char
//! boundaries) and a deep-nesting test.

use iamc::diagnostics::Diagnostic;
use iamc::source::{FileId, LineIndex, Span};
use iamc::syntax::{ast::*, parse};
use proptest::prelude::*;
use std::path::{Path as FsPath, PathBuf};

fn corpus(dir: &str) -> Vec<(PathBuf, String)> {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "iamc"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect()
}

/// `CODE L:C-L:C` for a diagnostic, as the corpus writes it.
fn render(d: &Diagnostic, text: &str, idx: &LineIndex) -> String {
    format!(
        "{} {}-{}",
        d.code,
        idx.line_col(text, d.primary.start),
        idx.line_col(text, d.primary.end)
    )
}

/// The `// expect:` lines of a corpus file.
fn expectations(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.split_once("// expect:")
                .map(|(_, e)| e.trim().to_string())
        })
        .collect()
}

#[test]
fn malformed_corpus_reports_exactly_the_expected_diagnostics() {
    let files = corpus("tests/malformed/syntax");
    assert!(files.len() >= 30, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for (path, text) in &files {
        let mut expected = expectations(text);
        assert!(
            !expected.is_empty(),
            "{} has no `// expect:` line",
            path.display()
        );
        let (_, diags) = parse(FileId(0), text);
        let idx = LineIndex::new(text);
        let mut got: Vec<String> = diags.iter().map(|d| render(d, text, &idx)).collect();
        expected.sort();
        got.sort();
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {got:?}\n  messages {:?}",
                path.display(),
                diags.iter().map(|d| &d.message).collect::<Vec<_>>()
            ));
        }
        for d in &diags {
            assert!(
                !d.message.is_empty() && !d.message.ends_with('.'),
                "{}: {:?}",
                path.display(),
                d.message
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_syntax_code_is_exercised_by_the_corpus() {
    let all: String = corpus("tests/malformed/syntax")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    for code in iamc::diagnostics::Code::ALL {
        if code.stage() == iamc::diagnostics::codes::Stage::Syntax {
            assert!(
                all.contains(&format!("// expect: {code} ")),
                "{code} has no corpus file"
            );
        }
    }
}

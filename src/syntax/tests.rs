//! Unit tests for the front end: every construct of the language parses to the expected AST.

use super::ast::*;
use super::parse;
use crate::source::FileId;

fn ok(text: &str) -> Module {
    let (m, d) = parse(FileId(0), text);
    assert!(d.is_empty(), "unexpected diagnostics for {text:?}: {d:#?}");
    m
}

#[test]
fn design_example_parses() {
    let m = ok(include_str!("../../tests/valid/syntax/design.iamc"));
    assert_eq!(m.items.len(), 12);
}

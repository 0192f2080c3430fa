//! The comment scanner against the parser, on every `.iamc` file of the repository: blanking
//! the `//` comments the scanner finds leaves the parse unchanged (so none of them was code),
//! and every doc comment the parser attached to a declaration is made of `///` comments the
//! scanner found.

use crate::support::iamc_files;
use iamc::source::FileId;
use iamc::syntax::comments::scan;
use iamc::syntax::{ast::Item, parse, CommentKind};
use std::path::{Path, PathBuf};

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests"] {
        iamc_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the corpus is missing");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// The text with every line comment the scanner found replaced by spaces.
fn blank_line_comments(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    for c in scan(text, FileId(0)) {
        if c.kind == CommentKind::Line {
            for b in out.get_mut(c.span.range()).into_iter().flatten() {
                *b = b' ';
            }
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn blanking_the_scanned_comments_does_not_change_the_parse() {
    let mut checked = 0;
    for (path, text) in corpus() {
        let (module, diags) = parse(FileId(0), &text);
        if !diags.is_empty() {
            continue;
        }
        let (blanked, blank_diags) = parse(FileId(0), &blank_line_comments(&text));
        assert!(
            blank_diags.is_empty(),
            "{}: {blank_diags:?}",
            path.display()
        );
        assert_eq!(module, blanked, "{}", path.display());
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files parsed cleanly");
}

#[test]
fn doc_comments_are_made_of_scanned_doc_comments() {
    for (path, text) in corpus() {
        let comments = scan(&text, FileId(0));
        let (module, _) = parse(FileId(0), &text);
        for item in &module.items {
            let doc = match item {
                Item::Const(c) => &c.doc,
                Item::Template(t) => &t.doc,
                Item::Document(d) => &d.doc,
                Item::Principal(p) => &p.doc,
                Item::Prove(p) => &p.doc,
                Item::Import(_) => &None,
            };
            let Some(doc) = doc else { continue };
            let starts = comments
                .iter()
                .any(|c| c.kind == CommentKind::Doc && c.span.start == doc.span.start);
            let ends = comments
                .iter()
                .any(|c| c.kind == CommentKind::Doc && c.span.end == doc.span.end);
            assert!(starts && ends, "{}: doc at {:?}", path.display(), doc.span);
        }
    }
}

/// Texts where `//` is and is not a comment, each of which parses cleanly, with the number
/// of comments in each.
const TRICKY: &[(&str, usize)] = &[
    ("policy P {\n  allow s3:GetObject// action, then a comment\n    when aws:PrincipalTag//team == \"a\" and not s3:x//y // real\n}\n", 2),
    ("policy P {\n  allow s3:Put* when (exists(aws:a//b?)) or any aws:c//d in [\"e\"] //z\n}\n", 1),
    ("policy P {\n  allow s3:* on arn\"arn:aws:s3:::a//b\" // c\n    when aws:x == \"q // r\" // s\n}\n", 2),
    ("const c = cidr\"10.0.0.0/8\" // t\nconst d = \"a\\\"//\" // u\n", 2),
    ("policy P { allow s3:* when // why\n aws:MultiFactorAuthPresent }\n", 1),
    ("policy P { allow s3:* when aws:CalledVia in [s3:a//b\n] }\n", 1),
];

#[test]
fn tricky_slashes_agree_with_the_parser() {
    for (text, count) in TRICKY {
        assert_eq!(scan(text, FileId(0)).len(), *count, "{text}");
        let (module, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{text}: {diags:?}");
        let (blanked, blank_diags) = parse(FileId(0), &blank_line_comments(text));
        assert!(blank_diags.is_empty(), "{text}: {blank_diags:?}");
        assert_eq!(module, blanked, "{text}");
    }
}

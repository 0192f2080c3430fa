//! Integration tests: syntax. The malformed corpus (`tests/malformed/syntax/*.iamc`, each
//! file naming its diagnostics in `// expect: CODE LINE:COL-LINE:COL` comments), the valid
//! corpus with span invariants, property tests (no panic, spans in bounds on char
//! boundaries) and a deep-nesting test.

use iamc::diagnostics::Diagnostic;
use iamc::source::{FileId, LineIndex, Span};
use iamc::syntax::{ast::*, parse};
use proptest::prelude::*;
use std::path::{Path as FsPath, PathBuf};

#[allow(
    clippy::panic,
    reason = "a test helper: a missing fixture fails the test"
)]
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
        // E0109 needs a declaration of hundreds of kilobytes: see `huge_input_is_too_complex`.
        // E0190 comes only from a formatter bug: see the tests in `src/fmt/verify.rs`.
        if code.stage() == iamc::diagnostics::codes::Stage::Syntax
            && !matches!(code.as_str(), "E0109" | "E0190")
        {
            assert!(
                all.contains(&format!("// expect: {code} ")),
                "{code} has no corpus file"
            );
        }
    }
}

// ---- span invariants ---------------------------------------------------------------------

/// Checks that every node's span lies in the text, on char boundaries, inside its parent.
struct SpanCheck<'t> {
    text: &'t str,
    errors: Vec<String>,
}

impl SpanCheck<'_> {
    fn at(&mut self, parent: Span, child: Span, what: &str) {
        let ok_bounds = child.start <= child.end
            && (child.end as usize) <= self.text.len()
            && self.text.is_char_boundary(child.start as usize)
            && self.text.is_char_boundary(child.end as usize);
        if !ok_bounds {
            self.errors.push(format!("{what}: {child:?} out of bounds"));
        } else if !parent.contains(child) {
            self.errors.push(format!(
                "{what}: {:?} ({:?}) not inside {:?} ({:?})",
                child,
                &self.text[child.range()],
                parent,
                &self.text[parent.range()]
            ));
        }
    }

    fn path(&mut self, parent: Span, p: &Path) {
        self.at(parent, p.span, "path");
        for s in &p.segments {
            self.at(p.span, s.span, "path segment");
        }
    }

    fn expr(&mut self, parent: Span, e: &Expr) {
        self.at(parent, e.span, "expr");
        match &e.kind {
            ExprKind::Arn(a) | ExprKind::Interpolated(a) => {
                for part in &a.parts {
                    match part {
                        ArnPart::Text(t) | ArnPart::PolicyVar(t) => {
                            self.at(e.span, t.span, "arn part")
                        }
                        ArnPart::Interp(p) => self.path(e.span, p),
                    }
                }
            }
            ExprKind::Tagged(t, _) => self.at(e.span, t.span, "tag"),
            ExprKind::Action(a) => {
                self.at(e.span, a.service.span, "service");
                self.at(e.span, a.name.span, "action name");
                if a.service.span.end > a.name.span.start {
                    self.errors.push("action parts out of order".into());
                }
            }
            ExprKind::Name(p) => self.path(e.span, p),
            ExprKind::List(items) => items.iter().for_each(|i| self.expr(e.span, i)),
            ExprKind::Call(c) => {
                self.at(e.span, c.name.span, "function name");
                c.args.iter().for_each(|i| self.expr(e.span, i));
            }
            ExprKind::String(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Wildcard => {}
        }
    }

    fn clause<T>(&mut self, parent: Span, c: &Clause<T>, f: fn(&mut Self, Span, &T)) {
        self.at(parent, c.span, "clause");
        if let Some(n) = c.not {
            self.at(c.span, n, "not");
        }
        for i in &c.items {
            f(self, c.span, i);
        }
    }

    fn principal(&mut self, parent: Span, p: &PrincipalExpr) {
        self.at(parent, p.span, "principal");
        match &p.kind {
            PrincipalKind::Any => {}
            PrincipalKind::Account(e)
            | PrincipalKind::Service(e)
            | PrincipalKind::Federated(e)
            | PrincipalKind::CanonicalUser(e)
            | PrincipalKind::Arn(e) => self.expr(p.span, e),
        }
    }

    fn key(&mut self, parent: Span, k: &KeyRef) {
        self.at(parent, k.name.span, "key");
        if let Some(q) = k.if_exists {
            self.at(parent, q, "if exists");
        }
    }

    fn cond(&mut self, parent: Span, c: &Cond) {
        self.at(parent, c.span, "cond");
        match &c.kind {
            CondKind::And(a, b) | CondKind::Or(a, b) => {
                self.cond(c.span, a);
                self.cond(c.span, b);
            }
            CondKind::Not(a) => self.cond(c.span, a),
            CondKind::Key(k) | CondKind::Exists(k) => self.key(c.span, k),
            CondKind::Compare { key, op, value } => {
                self.key(c.span, key);
                self.at(c.span, op.span, "op");
                self.expr(c.span, value);
            }
            CondKind::Quantified {
                quantifier,
                key,
                op,
                value,
            } => {
                self.at(c.span, quantifier.span, "quantifier");
                self.key(c.span, key);
                self.at(c.span, op.span, "op");
                self.expr(c.span, value);
            }
            CondKind::Literal(_) => {}
        }
    }

    fn ty(&mut self, parent: Span, t: &TypeExpr) {
        self.at(parent, t.span, "type");
        match &t.kind {
            TypeExprKind::Named(n) => self.at(t.span, n.span, "type name"),
            TypeExprKind::List(inner) => self.ty(t.span, inner),
        }
    }

    fn stmts(&mut self, parent: Span, body: &[Stmt]) {
        for s in body {
            self.at(parent, s.span(), "stmt");
            match s {
                Stmt::Use(u) => {
                    self.path(u.span, &u.template);
                    for a in &u.args {
                        self.at(u.span, a.span, "arg");
                        self.at(a.span, a.name.span, "arg name");
                        self.expr(a.span, &a.value);
                    }
                }
                Stmt::Rule(r) => {
                    if let Some(sid) = &r.sid {
                        self.at(r.span, sid.span, "sid");
                    }
                    self.at(r.span, r.effect.span, "effect");
                    self.clause(r.span, &r.actions, Self::expr);
                    if let Some(p) = &r.principals {
                        self.clause(r.span, p, Self::principal);
                    }
                    if let Some(o) = &r.resources {
                        self.clause(r.span, o, Self::expr);
                    }
                    if let Some(c) = &r.condition {
                        self.cond(r.span, c);
                    }
                }
            }
        }
    }

    fn module(&mut self, m: &Module) {
        let whole = Span::new(m.file, 0, self.text.len());
        let mut prev_end = 0;
        for item in &m.items {
            let s = item.span();
            self.at(whole, s, "item");
            if s.start < prev_end {
                self.errors.push(format!("items overlap at {s:?}"));
            }
            prev_end = s.end;
            if let Some(n) = item.name() {
                self.at(s, n.span, "item name");
            }
            match item {
                Item::Import(i) => {
                    self.path(i.span, &i.module);
                    for n in &i.names {
                        self.at(i.span, n.span, "import name");
                        self.at(n.span, n.name.span, "imported");
                        if let Some(a) = &n.alias {
                            self.at(n.span, a.span, "alias");
                        }
                    }
                }
                Item::Const(c) => {
                    self.doc(whole, &c.doc, s);
                    if let Some(t) = &c.ty {
                        self.ty(s, t);
                    }
                    self.expr(s, &c.value);
                }
                Item::Template(t) => {
                    self.doc(whole, &t.doc, s);
                    for p in &t.params {
                        self.at(s, p.span, "param");
                        self.at(p.span, p.name.span, "param name");
                        self.ty(p.span, &p.ty);
                        if let Some(d) = &p.default {
                            self.expr(p.span, d);
                        }
                    }
                    self.stmts(s, &t.body);
                }
                Item::Document(d) => {
                    self.doc(whole, &d.doc, s);
                    self.at(s, d.keyword.span, "keyword");
                    self.stmts(s, &d.body);
                }
                Item::Principal(p) => {
                    self.doc(whole, &p.doc, s);
                    for f in &p.fields {
                        self.at(s, f.span, "field");
                        self.at(f.span, f.name.span, "field name");
                        self.expr(f.span, &f.value);
                    }
                }
                Item::Prove(p) => {
                    self.doc(whole, &p.doc, s);
                    self.path(s, &p.target);
                    for prop in &p.properties {
                        self.at(s, prop.span, "property");
                        match &prop.kind {
                            PropertyKind::Within(x) | PropertyKind::Equivalent(x) => {
                                self.path(prop.span, x)
                            }
                            PropertyKind::Request { verdict, request } => {
                                self.at(prop.span, verdict.span, "verdict");
                                self.at(prop.span, request.span, "request");
                                let r = request.span;
                                self.clause(r, &request.actions, Self::expr);
                                if let Some(o) = &request.resources {
                                    self.clause(r, o, Self::expr);
                                }
                                if let Some(c) = &request.condition {
                                    self.cond(r, c);
                                }
                                if let Some(e) = &request.except {
                                    self.clause(r, e, Self::expr);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A doc comment lies in the file and ends before its item.
    fn doc(&mut self, whole: Span, doc: &Option<Doc>, item: Span) {
        if let Some(d) = doc {
            self.at(whole, d.span, "doc");
            if d.span.end > item.start {
                self.errors
                    .push(format!("doc {:?} after its item {item:?}", d.span));
            }
        }
    }
}

fn span_errors(text: &str, m: &Module) -> Vec<String> {
    let mut c = SpanCheck {
        text,
        errors: Vec::new(),
    };
    c.module(m);
    c.errors
}

#[test]
fn valid_corpus_parses_cleanly_with_sound_spans() {
    let files = corpus("tests/valid/syntax");
    assert!(files.len() >= 3);
    for (path, text) in &files {
        let (m, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        assert!(!m.items.is_empty(), "{}", path.display());
        let errors = span_errors(text, &m);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

/// Spans of error recovery: the items that do parse in a broken file have sound spans too.
#[test]
fn malformed_corpus_items_have_sound_spans() {
    for (path, text) in corpus("tests/malformed/syntax") {
        let (m, diags) = parse(FileId(0), &text);
        for d in &diags {
            assert!(in_bounds(&text, d.primary), "{}: {d:?}", path.display());
        }
        let errors = span_errors(&text, &m);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn recovery_keeps_the_items_around_a_broken_one() {
    let text = "const a = 1\npolicy Broken {\n  allow on\n}\n/// Kept.\npolicy Kept { allow * }\nconst b = 2\n";
    let (m, diags) = parse(FileId(0), text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let names: Vec<String> = m
        .items
        .iter()
        .filter_map(|i| i.name().map(|n| n.node.clone()))
        .collect();
    assert_eq!(names, ["a", "Kept", "b"]);
    let Some(Item::Document(kept)) = m.items.get(1) else {
        panic!("not a document")
    };
    assert_eq!(kept.doc.as_ref().map(|d| d.node.as_str()), Some("Kept."));
}

// ---- limits --------------------------------------------------------------------------------

fn in_bounds(text: &str, s: Span) -> bool {
    s.start <= s.end
        && (s.end as usize) <= text.len()
        && text.is_char_boundary(s.start as usize)
        && text.is_char_boundary(s.end as usize)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn deep_nesting_gives_a_located_error_not_a_stack_overflow() {
    let cases = [
        format!("const a = {}{}", "[".repeat(2000), "]".repeat(2000)),
        format!(
            "policy P {{ allow * when {}a:b{} }}",
            "(".repeat(2000),
            ")".repeat(2000)
        ),
        format!("policy P {{ allow * when {}a:b }}", "not ".repeat(2000)),
        format!(
            "const a: {}String{} = 1",
            "List<".repeat(2000),
            ">".repeat(2000)
        ),
        format!("const a = {}", "[".repeat(2000)),
        format!("policy P {{ allow * when {}a:b }}", "(not ".repeat(2000)),
    ];
    for text in &cases {
        let (_, diags) = parse(FileId(0), text);
        assert_eq!(codes(&diags), ["E0108"], "{:?}", &text[..40]);
        let d = &diags[0];
        assert!(in_bounds(text, d.primary) && !d.primary.is_empty());
        // The error points at the first level past the limit, near the start.
        assert!((d.primary.start as usize) < 600, "{:?}", d.primary);
    }
    // A long `and` chain is flat in the grammar but deep in the tree: bounded too.
    let chain = format!("policy P {{ allow * when {}a:b }}", "a:b and ".repeat(1000));
    let (_, diags) = parse(FileId(0), &chain);
    assert_eq!(codes(&diags), ["E0108"]);
    // Nesting up to the limit is fine.
    let ok = format!("const a = {}{}", "[".repeat(60), "]".repeat(60));
    assert!(parse(FileId(0), &ok).1.is_empty());
}

#[test]
fn huge_input_is_too_complex_not_a_hang() {
    // 120 KB of lists nested 60 deep: more work than the parser's budget for one declaration.
    let nested = format!("{}{}, ", "[".repeat(60), "]".repeat(60));
    let text = format!(
        "const a = [{}]\npolicy Q {{ allow * }}",
        nested.repeat(1000)
    );
    let (m, diags) = parse(FileId(0), &text);
    assert_eq!(codes(&diags), ["E0109"]);
    assert!(in_bounds(&text, diags[0].primary));
    // Recovery still finds the next declaration.
    assert_eq!(m.items.len(), 1);
}

#[test]
fn megabyte_lines_parse_or_fail_cleanly() {
    let string = format!("const a = \"{}\"", "x".repeat(1 << 20));
    let (m, diags) = parse(FileId(0), &string);
    assert!(
        diags.is_empty() && m.items.len() == 1,
        "{:?}",
        codes(&diags)
    );
    let list = format!(
        "const a = [{}]",
        "\"arn:aws:s3:::bucket-name/*\", ".repeat(8_000)
    );
    let (m, diags) = parse(FileId(0), &list);
    assert!(
        diags.is_empty() && m.items.len() == 1,
        "{:?}",
        codes(&diags)
    );
    let junk = format!("{}\npolicy Q {{ allow * }}", "@".repeat(1 << 20));
    let (m, diags) = parse(FileId(0), &junk);
    assert_eq!((codes(&diags), m.items.len()), (vec!["E0101"], 1));
    let open = format!("const a = \"{}", "y".repeat(1 << 20));
    let (_, diags) = parse(FileId(0), &open);
    assert_eq!(codes(&diags), ["E0102"]);
}

// ---- property tests --------------------------------------------------------------------------

/// Characters that matter to the grammar, for insertions.
const INTERESTING: &[&str] = &[
    "{", "}", "(", ")", "[", "]", "\"", "\\", ",", ":", "?", "*", "$", "${", "<", ">", "=", "==",
    "//", "///", "\n", " ", "not ", "and ", "or ", "when ", "on ", "from ", "arn\"", "cidr\"",
    "foo\"", "policy ", "allow ", "é", "😀", "\u{0}", "-", ".", "@sid(",
];

fn valid_sources() -> Vec<String> {
    corpus("tests/valid/syntax")
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

fn assert_sound(text: &str) {
    let (m, diags) = parse(FileId(0), text);
    for d in &diags {
        assert!(
            in_bounds(text, d.primary),
            "diagnostic span {:?} out of bounds in {text:?}",
            d.primary
        );
        assert!(!d.message.is_empty());
    }
    let errors = span_errors(text, &m);
    assert!(errors.is_empty(), "{errors:?} in {text:?}");
}

/// A small mutation: delete a range, insert a grammar-relevant string, or truncate.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..8).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0..INTERESTING.len()).prop_map(|(a, i)| Mutation::Insert(a, i)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, muts: &[Mutation]) -> String {
    let mut t = text.to_string();
    for m in muts {
        if t.is_empty() {
            break;
        }
        match *m {
            Mutation::Delete(at, n) => {
                let a = floor_boundary(&t, at % t.len());
                let b = floor_boundary(&t, a + n);
                t.replace_range(a..b, "");
            }
            Mutation::Insert(at, i) => {
                let a = floor_boundary(&t, at % (t.len() + 1));
                t.insert_str(a, INTERESTING[i]);
            }
            Mutation::Truncate(at) => {
                let a = floor_boundary(&t, at % t.len());
                t.truncate(a);
            }
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        assert_sound(&text);
    }

    #[test]
    fn grammar_soup_never_panics(parts in proptest::collection::vec(0..INTERESTING.len(), 0..60)) {
        let text: String = parts.iter().map(|&i| INTERESTING[i]).collect();
        assert_sound(&text);
    }

}

proptest! {
    // Each case parses a whole corpus file in a debug build: fewer cases keep `cargo test` fast.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_sources_never_panic(
        which in any::<usize>(),
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        let sources = valid_sources();
        let text = &sources[which % sources.len()];
        assert_sound(&apply(text, &muts));
    }
}

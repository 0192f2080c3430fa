//! Integration tests: the editor side (`editors/`).
//!
//! - The TextMate grammar (`editors/vscode/syntaxes/iamc.tmLanguage.json`) against the real
//!   parser: this module parses every `.iamc` file of the repository, walks the AST and writes
//!   the place and kind of every token the parser knows (keywords, names, actions, condition
//!   keys, literals and their parts) and of every comment the compiler's comment scanner
//!   finds; `editors/vscode/test/grammar.test.js` tokenizes the same files with the engine VS
//!   Code uses (vscode-textmate on vscode-oniguruma) and checks that each of those tokens has
//!   the matching scope and that no other text has one of those scopes. The same node run checks the caret-annotated fixtures and sweeps every file for
//!   `invalid` scopes and strings or comments that run past their line.
//! - The VS Code extension compiles with `tsc` (strict); its path resolution is unit-tested,
//!   and the compiled extension runs in node on a stand-in for the `vscode` module: it starts
//!   a fake server over stdio, restarts it, stops it, explains a missing binary, and starts
//!   this build's `iamc lsp` when the binary has that command.
//! - Every editor's configuration starts `iamc lsp`, and the extension manifest, grammar and
//!   language configuration agree (these need no node).
//!
//! The node parts need `npm ci --prefix editors/vscode`. Without it they fail when `IAMC_CI`
//! is set (`.ci/run` sets it) and are skipped with a note otherwise.

use crate::support::iamc_files;
use iamc::source::{FileId, LineIndex, Span};
use iamc::syntax::{ast::*, parse};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vscode() -> PathBuf {
    repo().join("editors/vscode")
}

/// `Some(node)` when node and the extension's node_modules are there; `None` (with a note)
/// when they are not and this is not CI; a failure when they are not and `IAMC_CI` is set.
fn node_tools() -> Option<String> {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".to_string());
    let has_node = Command::new(&node)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let modules = vscode().join("node_modules");
    let has_modules = ["vscode-textmate", "vscode-oniguruma", "typescript"]
        .iter()
        .all(|m| modules.join(m).join("package.json").is_file());
    if has_node && has_modules {
        return Some(node);
    }
    let missing = if has_node {
        "editors/vscode/node_modules (run `npm ci --prefix editors/vscode`)"
    } else {
        "node (Node.js 20 or later)"
    };
    assert!(
        std::env::var_os("IAMC_CI").is_none(),
        "IAMC_CI is set but {missing} is missing: .ci/run must install it"
    );
    note(&format!(
        "skipping the editor tests that need node: no {missing}"
    ));
    None
}

/// A line on the real stderr, which the test harness does not capture: a skipped check should
/// be seen.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "note: {text}");
}

/// Runs `node ARGS` in `editors/vscode`; fails with its output unless it succeeds.
fn run_node(node: &str, args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new(node);
    cmd.args(args).current_dir(vscode());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "node {} failed ({}):\n{stdout}\n{stderr}",
        args.join(" "),
        out.status
    );
    stdout
}

/// Every `.iamc` file of the repository (build output aside), sorted.
fn repository_iamc_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo()).unwrap().flatten() {
        let name = entry.file_name();
        if entry.path().is_dir() && !matches!(name.to_str(), Some("target" | ".git")) {
            iamc_files(&entry.path(), &mut out);
        }
    }
    out.sort();
    out
}

// ---- the parser's tokens ----------------------------------------------------------------

/// The tokens of one file as the parser sees them: byte range and kind. The kinds are mapped
/// to scopes in `editors/vscode/test/oracle.js`.
struct Tokens<'a> {
    text: &'a str,
    out: Vec<(usize, usize, &'static str)>,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Tokens<'a> {
    fn add(&mut self, span: Span, kind: &'static str) {
        self.add_range(span.start as usize, span.end as usize, kind);
    }

    fn add_range(&mut self, start: usize, end: usize, kind: &'static str) {
        if start < end {
            self.out.push((start, end, kind));
        }
    }

    /// Whether `text[start..start + len]` is a whole word (no name character either side).
    fn whole_word(&self, start: usize, len: usize) -> bool {
        let bytes = self.text.as_bytes();
        let before = start.checked_sub(1).and_then(|i| bytes.get(i));
        !before.copied().is_some_and(is_ident_byte)
            && !bytes.get(start + len).copied().is_some_and(is_ident_byte)
    }

    /// The keyword `word` at `pos`, after any whitespace and comments.
    fn keyword_after(&mut self, mut pos: usize, word: &str) {
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
                Some(b'/') if bytes.get(pos + 1) == Some(&b'/') => {
                    let rest = self.text.get(pos..).unwrap_or("");
                    pos = rest.find('\n').map_or(self.text.len(), |n| pos + n);
                }
                _ => break,
            }
        }
        let end = pos + word.len();
        assert!(
            self.text.get(pos..end) == Some(word) && self.whole_word(pos, word.len()),
            "expected `{word}` at byte {pos}: {:?}",
            self.text.get(pos..end.min(self.text.len()))
        );
        self.add_range(pos, end, "keyword");
    }

    /// The keyword `word` that ends right before `pos` (whitespace and `(` between them).
    fn keyword_before(&mut self, pos: usize, word: &str) {
        let head = self
            .text
            .get(..pos)
            .unwrap_or("")
            .trim_end_matches([' ', '\t', '\r', '\n', '(']);
        let start = head.len().saturating_sub(word.len());
        assert!(
            head.ends_with(word) && self.whole_word(start, word.len()),
            "expected `{word}` before byte {pos}: {:?}",
            head.get(head.len().saturating_sub(20)..)
        );
        self.add_range(start, head.len(), "keyword");
    }

    /// The one keyword `word` between two sub-conditions (`and`, `or`), comments aside.
    fn keyword_between(&mut self, from: usize, to: usize, word: &str) {
        let mut found = Vec::new();
        let mut line_start = from;
        for line in self.text.get(from..to).unwrap_or("").split_inclusive('\n') {
            let code = line.split("//").next().unwrap_or("");
            found.extend(
                code.match_indices(word)
                    .map(|(i, _)| line_start + i)
                    .filter(|&s| self.whole_word(s, word.len())),
            );
            line_start += line.len();
        }
        assert!(
            found.len() <= 1,
            "several `{word}` between bytes {from} and {to}"
        );
        let Some(&start) = found.first() else {
            panic!("no `{word}` between bytes {from} and {to}");
        };
        self.add_range(start, start + word.len(), "keyword");
    }

    fn doc(&mut self, doc: &Option<Doc>) {
        if let Some(d) = doc {
            self.add(d.span, "doc");
        }
    }

    /// A name used as a value: `env` first in a dotted name is the environment.
    fn name(&mut self, path: &Path_) {
        for (i, s) in path.segments.iter().enumerate() {
            let env = i == 0 && s.node == "env" && path.segments.len() > 1;
            self.add(s.span, if env { "env" } else { "name" });
        }
    }

    fn ty(&mut self, t: &TypeExpr) {
        match &t.kind {
            TypeExprKind::Named(id) => self.add(id.span, "type"),
            TypeExprKind::List(inner) => {
                let s = t.span.start as usize;
                assert_eq!(self.text.get(s..s + 4), Some("List"));
                self.add_range(s, s + 4, "type");
                self.ty(inner);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            // `{name}` inside a string is not yet a scope of its own in the grammar.
            ExprKind::String(_) | ExprKind::Interpolated(_) => self.add(e.span, "string"),
            ExprKind::Number(_) => self.add(e.span, "number"),
            ExprKind::Bool(_) => self.add(e.span, "bool"),
            ExprKind::Wildcard => self.add(e.span, "wildcard"),
            ExprKind::Action(a) => self.add(a.service.span.to(a.name.span), "action"),
            ExprKind::Arn(arn) => {
                self.add(e.span, "arn");
                let s = e.span.start as usize;
                self.add_range(s, s + 3, "tag");
                for part in &arn.parts {
                    match part {
                        ArnPart::Text(_) => {}
                        ArnPart::Interp(p) => self.name(p),
                        ArnPart::PolicyVar(v) => self.add(v.span, "policy-variable"),
                    }
                }
            }
            ExprKind::Tagged(tag, _) => {
                self.add(e.span, "tagged");
                self.add(tag.span, "tag");
            }
            ExprKind::Name(p) => self.name(p),
            // `actions(...)`, `action_wildcards(...)`: a built-in function.
            ExprKind::Call(c) => {
                self.add(c.name.span, "builtin");
                c.args.iter().for_each(|x| self.expr(x));
            }
            ExprKind::List(items) => items.iter().for_each(|x| self.expr(x)),
        }
    }

    fn clause(&mut self, c: &Clause<Expr>) {
        if let Some(not) = c.not {
            self.add(not, "keyword");
        }
        c.items.iter().for_each(|x| self.expr(x));
    }

    fn key(&mut self, k: &KeyRef) {
        self.add(k.name.span, "key");
        if let Some(q) = k.if_exists {
            self.add(q, "keyword");
        }
    }

    fn cond(&mut self, c: &Cond) {
        match &c.kind {
            CondKind::And(l, r) | CondKind::Or(l, r) => {
                let word = if matches!(c.kind, CondKind::And(..)) {
                    "and"
                } else {
                    "or"
                };
                self.cond(l);
                self.keyword_between(l.span.end as usize, r.span.start as usize, word);
                self.cond(r);
            }
            CondKind::Not(inner) => {
                self.keyword_after(c.span.start as usize, "not");
                self.cond(inner);
            }
            CondKind::Key(k) => self.key(k),
            CondKind::Compare { key, op, value } => {
                self.key(key);
                self.add(op.span, "keyword");
                self.expr(value);
            }
            CondKind::Quantified {
                quantifier,
                key,
                op,
                value,
            } => {
                self.add(quantifier.span, "keyword");
                self.key(key);
                self.add(op.span, "keyword");
                self.expr(value);
            }
            CondKind::Exists(k) => {
                self.keyword_after(c.span.start as usize, "exists");
                self.key(k);
            }
            CondKind::Literal(_) => self.add(c.span, "bool"),
        }
    }

    fn when(&mut self, c: &Option<Cond>) {
        if let Some(c) = c {
            self.keyword_before(c.span.start as usize, "when");
            self.cond(c);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Use(u) => {
                self.keyword_after(u.span.start as usize, "use");
                self.add(u.template.span, "use-template");
                for a in &u.args {
                    self.add(a.name.span, "arg");
                    self.expr(&a.value);
                }
            }
            Stmt::Rule(r) => {
                if let Some(sid) = &r.sid {
                    // `@sid("...")`: the annotation, and the string inside.
                    let s = sid.span.start as usize;
                    self.add_range(s, s + 4, "sid");
                    let inner = self.text.get(s..sid.span.end as usize).unwrap_or("");
                    if let (Some(a), Some(b)) = (inner.find('"'), inner.rfind('"')) {
                        self.add_range(s + a, s + b + 1, "string");
                    }
                }
                self.add(r.effect.span, "keyword");
                self.clause(&r.actions);
                if let Some(p) = &r.principals {
                    self.keyword_before(p.span.start as usize, "from");
                    if let Some(not) = p.not {
                        self.add(not, "keyword");
                    }
                    for pe in &p.items {
                        self.principal(pe);
                    }
                }
                if let Some(c) = &r.resources {
                    self.keyword_before(c.span.start as usize, "on");
                    self.clause(c);
                }
                self.when(&r.condition);
            }
        }
    }

    fn principal(&mut self, p: &PrincipalExpr) {
        let (word, arg) = match &p.kind {
            PrincipalKind::Any => return self.add(p.span, "wildcard"),
            PrincipalKind::Arn(e) => return self.expr(e),
            PrincipalKind::Account(e) => ("account", e),
            PrincipalKind::Service(e) => ("service", e),
            PrincipalKind::Federated(e) => ("federated", e),
            PrincipalKind::CanonicalUser(e) => ("canonical", e),
        };
        let s = p.span.start as usize;
        assert_eq!(self.text.get(s..s + word.len()), Some(word));
        self.add_range(s, s + word.len(), "principal-fn");
        self.expr(arg);
    }

    fn item(&mut self, item: &Item) {
        let start = item.span().start as usize;
        match item {
            Item::Import(i) => {
                self.keyword_after(start, "import");
                self.add(i.module.span, "namespace");
                for n in &i.names {
                    self.add(n.name.span, "import-name");
                    if let Some(alias) = &n.alias {
                        self.keyword_before(alias.span.start as usize, "as");
                        self.add(alias.span, "import-name");
                    }
                }
            }
            Item::Const(c) => {
                self.doc(&c.doc);
                self.keyword_after(start, "const");
                self.add(c.name.span, "const-name");
                if let Some(t) = &c.ty {
                    self.ty(t);
                }
                self.expr(&c.value);
            }
            Item::Template(t) => {
                self.doc(&t.doc);
                self.keyword_after(start, "template");
                self.add(t.name.span, "template-name");
                for p in &t.params {
                    self.add(p.name.span, "param");
                    self.ty(&p.ty);
                    if let Some(d) = &p.default {
                        self.expr(d);
                    }
                }
                t.body.iter().for_each(|s| self.stmt(s));
            }
            Item::Document(d) => {
                self.doc(&d.doc);
                self.add(d.keyword.span, "keyword");
                self.add(d.name.span, "document-name");
                if let Some(t) = &d.target {
                    self.keyword_after(d.name.span.end as usize, "on");
                    self.expr(t);
                }
                d.body.iter().for_each(|s| self.stmt(s));
            }
            Item::Principal(p) => {
                self.doc(&p.doc);
                self.keyword_after(start, "principal");
                self.add(p.name.span, "principal-name");
                for f in &p.fields {
                    self.add(f.name.span, "field");
                    self.expr(&f.value);
                }
            }
            Item::Prove(p) => {
                self.doc(&p.doc);
                self.keyword_after(start, "prove");
                self.add(p.target.span, "target");
                for prop in &p.properties {
                    self.property(prop);
                }
            }
        }
    }

    fn property(&mut self, prop: &Property) {
        let start = prop.span.start as usize;
        match &prop.kind {
            PropertyKind::Within(path) => {
                self.keyword_after(start, "within");
                self.add(path.span, "target");
            }
            PropertyKind::Equivalent(path) => {
                self.keyword_after(start, "equivalent");
                self.add(path.span, "target");
            }
            PropertyKind::Request { verdict, request } => {
                self.add(verdict.span, "keyword");
                self.clause(&request.actions);
                if let Some(c) = &request.resources {
                    self.keyword_before(c.span.start as usize, "on");
                    self.clause(c);
                }
                self.when(&request.condition);
                if let Some(c) = &request.except {
                    self.keyword_before(c.span.start as usize, "except");
                    self.clause(c);
                }
            }
        }
    }
}

type Path_ = iamc::syntax::ast::Path;

/// The parser's tokens of one file as JSON (0-based line, UTF-16 columns, one entry per line
/// a token covers), or `None` when the file has syntax errors.
fn parser_tokens(text: &str) -> Option<Vec<Value>> {
    let (module, diags) = parse(FileId(0), text);
    if !diags.is_empty() {
        return None;
    }
    let mut t = Tokens {
        text,
        out: Vec::new(),
    };
    module.items.iter().for_each(|i| t.item(i));
    // Comments, from the compiler's own comment scanner (the formatter's).
    for c in iamc::syntax::comments::scan(text, FileId(0)) {
        t.add(c.span, "comment");
    }
    let idx = LineIndex::new(text);
    let mut out = Vec::new();
    for (start, end, kind) in t.out {
        let (l0, c0) = idx.utf16_position(text, start as u32);
        let (l1, c1) = idx.utf16_position(text, end as u32);
        for line in l0..=l1 {
            let from = if line == l0 { c0 } else { 0 };
            let to = if line == l1 {
                c1
            } else {
                let (_, eol) =
                    idx.utf16_position(text, idx.line_start(line as usize + 1).saturating_sub(1));
                eol
            };
            out.push(json!({"line": line, "start": from, "end": to, "kind": kind}));
        }
    }
    Some(out)
}

#[test]
fn the_grammar_agrees_with_the_parser_and_its_fixtures() {
    // Build the oracle first: a walker that no longer fits the AST should fail even where node
    // is missing.
    let root = repo();
    let mut files = Vec::new();
    let mut clean = 0usize;
    for path in repository_iamc_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let tokens = parser_tokens(&text);
        clean += usize::from(tokens.is_some());
        files.push(json!({"path": rel, "tokens": tokens}));
    }
    assert!(
        files.len() >= 200 && clean >= 150,
        "{} files, {clean} parse",
        files.len()
    );
    let Some(node) = node_tools() else {
        return;
    };
    let oracle = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("iamc-parser-tokens.json");
    std::fs::write(
        &oracle,
        serde_json::to_string(&json!({"files": files})).unwrap(),
    )
    .unwrap();
    let out = run_node(
        &node,
        &["--test", "test/grammar.test.js"],
        &[("IAMC_PARSER_TOKENS", &oracle)],
    );
    // Every node test ran: the parser tokens were read, nothing was skipped.
    assert!(
        out.contains("# fail 0") && out.contains("# skipped 0"),
        "{out}"
    );
}

#[test]
fn the_vscode_extension_compiles_and_starts_a_server() {
    let Some(node) = node_tools() else {
        return;
    };
    // One strict `tsc` run type-checks the client and emits it for the unit test.
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("iamc-vscode-out");
    let _ = std::fs::remove_dir_all(&out_dir);
    let out_arg = out_dir.to_string_lossy().into_owned();
    run_node(
        &node,
        &[
            "node_modules/typescript/bin/tsc",
            "-p",
            ".",
            "--outDir",
            &out_arg,
        ],
        &[],
    );
    assert!(out_dir.join("extension.js").is_file());
    // The extension itself, with vscode-languageclient, on a stand-in for the `vscode` module:
    // a missing binary, a fake server, restarts, and this build's `iamc lsp` if it has one.
    let bin = crate::support::iamc_path();
    let out = run_node(
        &node,
        &["--test", "test/client.test.js", "test/extension.test.js"],
        &[
            ("IAMC_VSCODE_OUT", &out_dir),
            ("IAMC_BIN", &bin),
            // The compiled client outside the extension's folder finds its dependencies here.
            ("NODE_PATH", &vscode().join("node_modules")),
        ],
    );
    assert!(out.contains("# fail 0"), "{out}");
    if !out.contains("# skipped 0") {
        note("this iamc has no `lsp` command: the extension was not started against it");
    }
}

// ---- the other editors ------------------------------------------------------------------

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn read_json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn read_toml(rel: &str) -> toml::Value {
    toml::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_editor_starts_iamc_lsp_for_iamc_files() {
    // VS Code: the manifest names the compiled client, the grammar and the settings the
    // client reads.
    let pkg = read_json("editors/vscode/package.json");
    assert_eq!(pkg["main"], "./out/extension.js");
    let tsconfig = read_json("editors/vscode/tsconfig.json");
    assert_eq!(tsconfig["compilerOptions"]["outDir"], "out");
    assert_eq!(tsconfig["compilerOptions"]["strict"], true);
    assert!(pkg["activationEvents"]
        .as_array()
        .unwrap()
        .contains(&json!("onLanguage:iamc")));
    let c = &pkg["contributes"];
    assert_eq!(c["languages"][0]["id"], "iamc");
    assert_eq!(c["languages"][0]["extensions"], json!([".iamc"]));
    let grammar_path = c["grammars"][0]["path"].as_str().unwrap();
    let grammar = read_json(&format!("editors/vscode/{grammar_path}"));
    assert_eq!(grammar["scopeName"], c["grammars"][0]["scopeName"]);
    let lang_config = c["languages"][0]["configuration"].as_str().unwrap();
    assert_eq!(
        read_json(&format!("editors/vscode/{lang_config}"))["comments"]["lineComment"],
        "//"
    );
    let props = &c["configuration"]["properties"];
    assert_eq!(props["iamc.server.path"]["default"], "iamc");
    assert_eq!(props["iamc.server.extraArgs"]["default"], json!([]));
    assert_eq!(props["iamc.trace.server"]["default"], "off");
    let client = read("editors/vscode/src/extension.ts");
    assert!(
        client.contains("const CLIENT_ID = 'iamc';"),
        "the trace setting is `<id>.trace.server`"
    );
    assert!(read("editors/vscode/src/server.ts")
        .contains("const args = ['lsp', ...settings.extraArgs];"));
    for command in ["iamc.restartServer", "iamc.showOutput"] {
        assert!(c["commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["command"] == command));
        assert!(
            client.contains(&format!("'{command}'")),
            "{command} is registered"
        );
    }

    // Neovim: filetype, and the server for it with the project root.
    let nvim = read("editors/neovim/lsp/iamc.lua");
    assert!(nvim.contains("cmd = { 'iamc', 'lsp' }"), "{nvim}");
    assert!(nvim.contains("filetypes = { 'iamc' }"), "{nvim}");
    assert!(nvim.contains("root_markers = { 'iamc.toml'"), "{nvim}");
    assert!(read("editors/neovim/ftdetect/iamc.lua").contains("extension = { iamc = 'iamc' }"));

    // Helix.
    let hx = read_toml("editors/helix/languages.toml");
    assert_eq!(
        hx["language-server"]["iamc"]["command"].as_str(),
        Some("iamc")
    );
    assert_eq!(
        hx["language-server"]["iamc"]["args"],
        toml::Value::Array(vec!["lsp".into()])
    );
    let lang = &hx["language"][0];
    assert_eq!(lang["name"].as_str(), Some("iamc"));
    for (key, want) in [
        ("file-types", "iamc"),
        ("language-servers", "iamc"),
        ("roots", "iamc.toml"),
    ] {
        assert!(
            lang[key].as_array().unwrap().contains(&want.into()),
            "helix {key}"
        );
    }

    // Zed: the extension declares the language and its server; the code starts `iamc lsp`.
    let ext = read_toml("editors/zed/extension.toml");
    assert_eq!(ext["id"].as_str(), Some("iamc"));
    assert_eq!(
        ext["language_servers"]["iamc"]["languages"],
        toml::Value::Array(vec!["iamc".into()])
    );
    let zlang = read_toml("editors/zed/languages/iamc/config.toml");
    assert_eq!(zlang["name"].as_str(), Some("iamc"));
    assert_eq!(
        zlang["path_suffixes"],
        toml::Value::Array(vec!["iamc".into()])
    );
    let zed = read("editors/zed/src/lib.rs");
    assert!(zed.contains(r#"const SERVER: &str = "iamc";"#) && zed.contains(r#"which("iamc")"#));
    assert!(zed.contains(r#"vec!["lsp".to_string()]"#));
}

/// Neovim 0.11 or later: `NVIM`, else `nvim` on PATH.
fn nvim() -> Option<String> {
    let nvim = std::env::var("NVIM").unwrap_or_else(|_| "nvim".to_string());
    let out = Command::new(&nvim).arg("--version").output().ok()?;
    let version = String::from_utf8_lossy(&out.stdout);
    let minor: u32 = version
        .strip_prefix("NVIM v0.")?
        .split('.')
        .next()?
        .parse()
        .ok()?;
    (out.status.success() && minor >= 11).then_some(nvim)
}

#[test]
fn neovim_starts_the_server_for_an_iamc_file() {
    let Some(node) = node_tools() else {
        return;
    };
    let Some(nvim) = nvim() else {
        assert!(
            std::env::var_os("IAMC_CI").is_none(),
            "IAMC_CI is set but Neovim 0.11+ is missing: .ci/run must install it"
        );
        note("skipping the Neovim test: no Neovim 0.11+ (set NVIM or put nvim on PATH)");
        return;
    };
    // A project with a file, and an `iamc` on PATH that is the fake server (the configuration
    // names `iamc`, not a path).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("iamc-neovim");
    let _ = std::fs::remove_dir_all(&dir);
    let (bin, project) = (dir.join("bin"), dir.join("project"));
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(project.join("iam")).unwrap();
    std::fs::write(project.join("iamc.toml"), "").unwrap();
    std::fs::write(
        project.join("iam/a.iamc"),
        "policy P {\n    allow s3:GetObject on *\n}\n",
    )
    .unwrap();
    let fake = vscode().join("test/fake-server.js");
    let script = format!("#!/bin/sh\nexec '{node}' '{}' \"$@\"\n", fake.display());
    std::fs::write(bin.join("iamc"), script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("iamc"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let log = dir.join("server.log");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let runtime = repo().join("editors/neovim");
    let report = "local c = vim.lsp.get_clients({ bufnr = 0 })[1]; \
        io.stdout:write(vim.bo.filetype, ' ', vim.bo.commentstring, ' ', \
        c and c.root_dir or '-', '\\n')";
    let out = Command::new(&nvim)
        .current_dir(&project)
        .env("PATH", &path)
        .env("IAMC_FAKE_SERVER_LOG", &log)
        .args(["--headless", "--clean", "-n"])
        .args(["--cmd", &format!("set rtp^={}", runtime.display())])
        .args(["--cmd", "lua vim.lsp.enable('iamc')"])
        .arg("iam/a.iamc")
        // Wait (10 s at most) until the server has seen the file opened: quitting sooner
        // would stop it before it logs that.
        .args([
            "-c",
            "lua vim.wait(10000, function() \
             local f = io.open(os.getenv('IAMC_FAKE_SERVER_LOG') or '') \
             local log = f and f:read('*a') or '' if f then f:close() end \
             return log:find('textDocument/didOpen', 1, true) ~= nil end, 50)",
        ])
        .args(["-c", &format!("lua {report}"), "-c", "qa!"])
        .output()
        .expect("nvim runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let project_real = project.canonicalize().unwrap();
    assert_eq!(
        stdout.trim(),
        format!("iamc // %s {}", project_real.display()),
        "filetype, commentstring, root"
    );
    // The server was started as `iamc lsp` and told about the file.
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    let first: Value = serde_json::from_str(log.lines().next().unwrap_or("{}")).unwrap();
    assert_eq!(first["args"], json!(["lsp"]), "{log}");
    for method in ["initialize", "initialized", "textDocument/didOpen"] {
        assert!(
            log.contains(&format!("\"method\":\"{method}\"")),
            "{method} in {log}"
        );
    }
}

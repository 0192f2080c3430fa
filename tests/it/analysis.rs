//! The analysis snapshot (`iamc::analyze`): recovery after syntax errors without cascades,
//! the use -> definition table judged by an independent walk over the AST, each
//! statement's way back to its rule, the provenance of interpolated values, the documents
//! lined up with the IR, and the catalog the user installed.

use iamc::check::ir::{Provenance, RuleOrigin};
use iamc::project::Environment;
use iamc::resolve::names::{DefKind, Target};
use iamc::source::{FileId, Origin, Sources, Span};
use iamc::syntax::ast;
use iamc::{analyze, Analysis, AnalyzeOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// ---- helpers ----------------------------------------------------------------------------

/// `(file name, module, text)` files plus the standard library, with the `dev`
/// environment of the seed project.
fn analyze_files(files: &[(&str, &str, &str)]) -> Analysis {
    let mut sources = Sources::new();
    for (name, module, text) in files {
        sources.add(*name, *module, Origin::Memory((*name).into()), *text);
    }
    iamc::stdlib::add_to(&mut sources);
    let options = AnalyzeOptions {
        env: Some(Environment::new(
            "dev",
            [
                ("account", "123412341234"),
                ("external_id", "testtest"),
                ("region", "eu-west-1"),
            ],
        )),
        ..AnalyzeOptions::default()
    };
    analyze(&sources, &options)
}

fn seeds() -> Analysis {
    crate::support::analyze_seeds()
}

/// The codes reported in one file, in order.
fn codes_in<'a>(a: &'a Analysis, file: &str) -> Vec<&'a str> {
    a.diagnostics
        .iter()
        .filter(|d| a.sources.name(d.primary.file) == file)
        .map(|d| d.code.as_str())
        .collect()
}

// ---- recovery ---------------------------------------------------------------------------

#[test]
fn a_syntax_error_in_one_file_leaves_the_others_checked() {
    let a = analyze_files(&[
        (
            "a.iamc",
            "app.a",
            "const account: AccountId = \"1234123412\npolicy UsesBroken {\n    allow s3:GetObject on arn\"arn:aws:iam::{account}:role/x\"\n}\n",
        ),
        (
            "b.iamc",
            "app.b",
            "import app.a.account\n\npolicy Imports {\n    allow s3:GetObject on arn\"arn:aws:s3:::b-{account}/*\"\n}\n\nconst n: Number = \"ten\"\n",
        ),
        (
            "c.iamc",
            "app.c",
            "policy Typo {\n    allow s3:GetObjects on *\n}\n",
        ),
    ]);
    let a_codes = codes_in(&a, "a.iamc");
    assert!(
        !a_codes.is_empty() && a_codes.iter().all(|c| c.starts_with("E01")),
        "{a_codes:?}"
    );
    // The type error and the catalog error of the other files are still found...
    assert_eq!(codes_in(&a, "b.iamc"), ["E0301"]);
    assert_eq!(codes_in(&a, "c.iamc"), ["E0341"]);
    // ...and nothing repeats the syntax error as an unknown name.
    let names: Vec<&str> = a
        .program
        .documents
        .iter()
        .map(|d| d.name.node.as_str())
        .collect();
    assert!(names.contains(&"UsesBroken") && names.contains(&"Imports") && names.contains(&"Typo"));
    let broken = &a.files.first().unwrap().ast.broken;
    assert_eq!(broken.len(), 1);
    assert_eq!(
        broken
            .first()
            .and_then(|b| b.name.as_ref())
            .map(|n| n.node.as_str()),
        Some("account")
    );
}

#[test]
fn a_broken_declaration_without_a_name_hides_unknown_names_in_its_module_only() {
    let a = analyze_files(&[
        (
            "a.iamc",
            "app.a",
            "policy {\n    allow * on *\n}\n\npolicy P {\n    allow s3:GetObject on arn\"arn:aws:s3:::{bucket}\"\n}\n",
        ),
        (
            "b.iamc",
            "app.b",
            "import app.a.bucket\n\npolicy Q {\n    allow s3:GetObject on arn\"arn:aws:s3:::{bucket}-{other}\"\n}\n",
        ),
    ]);
    // `bucket` may have been what the broken declaration defined, in `app.a` and through
    // the import; `other` is unknown in a module with no broken declaration.
    assert_eq!(codes_in(&a, "a.iamc"), ["E0101"]);
    assert_eq!(codes_in(&a, "b.iamc"), ["E0201"]);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E0201")
        .unwrap();
    assert!(d.message.contains("`other`"), "{}", d.message);
}

#[test]
fn a_declaration_with_an_error_inside_is_left_out_whole() {
    // The parser keeps reading after a bad interpolation, but the constant is left out, so
    // neither its ARN shape nor its uses are reported again.
    let a = analyze_files(&[(
        "a.iamc",
        "app.a",
        "const roles = arn\"arn:aws:iam::{1account}:role/x\"\n\npolicy P {\n    allow iam:PassRole on roles\n}\n",
    )]);
    assert_eq!(codes_in(&a, "a.iamc"), ["E0105"]);
}

#[test]
fn build_with_a_syntax_error_writes_nothing_and_reports_the_other_files() {
    let dir = std::env::temp_dir().join(format!("iamc-it-analysis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    std::fs::write(dir.join("iamc.toml"), "[project]\nsources = [\"iam\"]\n").unwrap();
    std::fs::write(
        dir.join("iam/a.iamc"),
        "policy A {\n    allow s3:GetObject on\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("iam/b.iamc"),
        "policy B {\n    allow s3:GetObjects on *\n}\n",
    )
    .unwrap();
    let out = crate::support::iamc()
        .args(["build", "--project"])
        .arg(&dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let written = dir.join("out").exists();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(!written, "a build with errors wrote its output folder");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0101", "E0341"]);
}

// ---- the use -> definition table ------------------------------------------------------

/// What a name use must resolve to, found by walking the AST with scoping rules of its
/// own (not the compiler's).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expected {
    /// A declaration: module and name.
    Decl(String, String),
    /// A parameter of a template (module, template, parameter).
    Param(String, String, String),
    Env(String),
    Module(String),
    Service(String),
}

/// Declarations and imports of every module, by module path.
struct Scopes {
    /// (module, name) -> the declaration's name span.
    decls: BTreeMap<(String, String), Span>,
    /// (module, local name) -> (module, declared name).
    imports: BTreeMap<(String, String), (String, String)>,
    /// (module, template) -> its parameters' name spans.
    params: BTreeMap<(String, String), BTreeMap<String, Span>>,
}

fn scopes(a: &Analysis) -> Scopes {
    let mut s = Scopes {
        decls: BTreeMap::new(),
        imports: BTreeMap::new(),
        params: BTreeMap::new(),
    };
    for f in &a.files {
        for item in &f.ast.items {
            if let Some(name) = item.name() {
                s.decls
                    .entry((f.module.clone(), name.node.clone()))
                    .or_insert(name.span);
            }
            match item {
                ast::Item::Import(imp) => {
                    for n in &imp.names {
                        s.imports.insert(
                            (f.module.clone(), n.local().node.clone()),
                            (imp.module.dotted(), n.name.node.clone()),
                        );
                    }
                }
                ast::Item::Template(t) => {
                    let params = t
                        .params
                        .iter()
                        .map(|p| (p.name.node.clone(), p.name.span))
                        .collect();
                    s.params
                        .insert((f.module.clone(), t.name.node.clone()), params);
                }
                _ => {}
            }
        }
    }
    s
}

impl Scopes {
    /// The declaration a name in `module` refers to: its own, else an imported one.
    fn decl(&self, module: &str, name: &str) -> Option<(String, String)> {
        let own = (module.to_string(), name.to_string());
        if self.decls.contains_key(&own) {
            return Some(own);
        }
        self.imports.get(&own).cloned()
    }
}

/// The walk: every name use with what it must resolve to.
struct Walk<'s> {
    scopes: &'s Scopes,
    module: String,
    /// The template whose body is walked.
    template: Option<String>,
    uses: Vec<(Span, Expected)>,
}

impl Walk<'_> {
    fn name(&mut self, path: &ast::Path) {
        let segs: Vec<&str> = path.segments.iter().map(|s| s.node.as_str()).collect();
        let expected = match segs.as_slice() {
            ["env", name] => Expected::Env((*name).to_string()),
            [one] => {
                let param = self.template.as_ref().filter(|t| {
                    self.scopes
                        .params
                        .get(&(self.module.clone(), (*t).clone()))
                        .is_some_and(|p| p.contains_key(*one))
                });
                match (param, self.scopes.decl(&self.module, one)) {
                    (Some(t), _) => {
                        Expected::Param(self.module.clone(), t.clone(), (*one).to_string())
                    }
                    (None, Some((m, n))) => Expected::Decl(m, n),
                    (None, None) => Expected::Service((*one).to_string()),
                }
            }
            _ => panic!("a dotted name in a valid program: {}", path.dotted()),
        };
        self.uses.push((path.span, expected));
    }

    fn decl_ref(&mut self, path: &ast::Path) {
        let (m, n) = self
            .scopes
            .decl(&self.module, &path.dotted())
            .unwrap_or_else(|| panic!("`{}` names no declaration", path.dotted()));
        self.uses.push((path.span, Expected::Decl(m, n)));
    }

    fn expr(&mut self, e: &ast::Expr) {
        match &e.kind {
            ast::ExprKind::Name(p) => self.name(p),
            ast::ExprKind::Arn(lit) | ast::ExprKind::Interpolated(lit) => {
                for part in &lit.parts {
                    if let ast::ArnPart::Interp(p) = part {
                        self.name(p);
                    }
                }
            }
            ast::ExprKind::List(items) => items.iter().for_each(|i| self.expr(i)),
            ast::ExprKind::Call(c) => c.args.iter().for_each(|i| self.expr(i)),
            _ => {}
        }
    }

    fn clause(&mut self, c: &ast::Clause<ast::Expr>) {
        c.items.iter().for_each(|e| self.expr(e));
    }

    fn cond(&mut self, c: &ast::Cond) {
        match &c.kind {
            ast::CondKind::And(a, b) | ast::CondKind::Or(a, b) => {
                self.cond(a);
                self.cond(b);
            }
            ast::CondKind::Not(a) => self.cond(a),
            ast::CondKind::Compare { value, .. } | ast::CondKind::Quantified { value, .. } => {
                self.expr(value)
            }
            _ => {}
        }
    }

    fn body(&mut self, body: &[ast::Stmt]) {
        for stmt in body {
            match stmt {
                ast::Stmt::Rule(r) => {
                    self.clause(&r.actions);
                    for p in r.principals.iter().flat_map(|c| &c.items) {
                        match &p.kind {
                            ast::PrincipalKind::Any => {}
                            ast::PrincipalKind::Account(e)
                            | ast::PrincipalKind::Service(e)
                            | ast::PrincipalKind::Federated(e)
                            | ast::PrincipalKind::CanonicalUser(e)
                            | ast::PrincipalKind::Arn(e) => self.expr(e),
                        }
                    }
                    if let Some(c) = &r.resources {
                        self.clause(c);
                    }
                    if let Some(c) = &r.condition {
                        self.cond(c);
                    }
                }
                ast::Stmt::Use(u) => {
                    self.decl_ref(&u.template);
                    let (tm, tn) = self
                        .scopes
                        .decl(&self.module, &u.template.dotted())
                        .unwrap();
                    for arg in &u.args {
                        self.uses.push((
                            arg.name.span,
                            Expected::Param(tm.clone(), tn.clone(), arg.name.node.clone()),
                        ));
                        self.expr(&arg.value);
                    }
                }
            }
        }
    }

    fn item(&mut self, item: &ast::Item) {
        self.template = None;
        match item {
            ast::Item::Import(imp) => {
                self.uses
                    .push((imp.module.span, Expected::Module(imp.module.dotted())));
                for n in &imp.names {
                    let target = Expected::Decl(imp.module.dotted(), n.name.node.clone());
                    self.uses.push((n.name.span, target.clone()));
                    if let Some(alias) = &n.alias {
                        self.uses.push((alias.span, target));
                    }
                }
            }
            ast::Item::Const(c) => self.expr(&c.value),
            ast::Item::Template(t) => {
                for p in &t.params {
                    if let Some(d) = &p.default {
                        self.expr(d);
                    }
                }
                self.template = Some(t.name.node.clone());
                self.body(&t.body);
            }
            ast::Item::Document(d) => {
                if let Some(t) = &d.target {
                    self.expr(t);
                }
                self.body(&d.body)
            }
            ast::Item::Principal(p) => p.fields.iter().for_each(|f| self.expr(&f.value)),
            ast::Item::Prove(p) => {
                self.decl_ref(&p.target);
                for prop in &p.properties {
                    match &prop.kind {
                        ast::PropertyKind::Within(path) | ast::PropertyKind::Equivalent(path) => {
                            self.decl_ref(path)
                        }
                        ast::PropertyKind::Request { request, .. } => {
                            self.clause(&request.actions);
                            if let Some(c) = &request.resources {
                                self.clause(c);
                            }
                            if let Some(c) = &request.except {
                                self.clause(c);
                            }
                            if let Some(c) = &request.condition {
                                self.cond(c);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Every name use the walk finds resolves, through the table, to the definition the walk
/// expects; returns how many uses were checked.
fn every_use_resolves(a: &Analysis) -> usize {
    let scopes = scopes(a);
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in &a.files {
        let mut walk = Walk {
            scopes: &scopes,
            module: f.module.clone(),
            template: None,
            uses: Vec::new(),
        };
        f.ast.items.iter().for_each(|i| walk.item(i));
        for (span, expected) in walk.uses {
            checked += 1;
            let here = format!(
                "{} {}..{} `{}`",
                a.sources.name(span.file),
                span.start,
                span.end,
                a.sources.slice(span)
            );
            let Some(r) = a.names.reference_at(span.file, span.start) else {
                failures.push(format!("{here}: not in the table (want {expected:?})"));
                continue;
            };
            if r.span != span {
                failures.push(format!("{here}: the table has {:?}", r.span));
                continue;
            }
            let def = match &r.target {
                Target::Service(s) => {
                    if expected != Expected::Service(s.clone()) {
                        failures.push(format!("{here}: service `{s}`, want {expected:?}"));
                    }
                    continue;
                }
                Target::Def(id) => a.names.definition(*id).unwrap(),
            };
            let want_span = match &expected {
                Expected::Decl(m, n) => scopes.decls.get(&(m.clone(), n.clone())).copied(),
                Expected::Param(m, t, p) => scopes
                    .params
                    .get(&(m.clone(), t.clone()))
                    .and_then(|ps| ps.get(p))
                    .copied(),
                Expected::Env(name) => {
                    // The key in `iamc.toml` (an environment built in code has no file).
                    let in_toml = a.sources.slice(def.span) == name
                        && a.sources.name(def.span.file) == "iamc.toml";
                    (def.kind == DefKind::EnvConstant
                        && &def.name == name
                        && (in_toml || def.span.is_empty()))
                    .then_some(def.span)
                }
                Expected::Module(path) => a
                    .files
                    .iter()
                    .find(|f| &f.module == path)
                    .map(|f| Span::new(f.file, 0, 0)),
                Expected::Service(_) => None,
            };
            if want_span != Some(def.span) {
                failures.push(format!(
                    "{here}: resolves to {:?} `{}` at {:?}, want {expected:?} at {want_span:?}",
                    def.kind, def.name, def.span
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The table holds nothing the walk did not find either.
    assert_eq!(a.names.references().count(), checked);
    checked
}

#[test]
fn every_name_use_of_the_seeds_and_the_stdlib_resolves_to_its_definition() {
    let n = every_use_resolves(&seeds());
    assert!(n >= 30, "only {n} name uses");
}

const EVERY_KIND_OF_NAME: &str = r#"import std.scp.FullAWSAccess as Full
import app.lib.{bucket, read as r}

const account: AccountId = env.account
const roles = arn"arn:aws:iam::{account}:role/app-*"

template limited(what: ArnPattern, svc: Service = s3, who: AccountId = account) {
    allow svc on what when aws:PrincipalAccount == who
    use r(on_what: what)
}

policy P {
    use limited(what: bucket, svc: ec2)
    allow iam:PassRole on roles
    allow kms:Decrypt on * when kms:ViaService == "s3.{env.region}.amazonaws.com"
}

boundary B {
    allow not [iam:*] on *
}

scp Guard {
    deny organizations:LeaveOrganization on *
}

principal Dev {
    arn: arn"arn:aws:iam::{env.account}:role/dev"
    policies: [P]
    boundary: B
    scps: [[Full, Guard]]
}

prove Dev {
    denies iam:* on * except [iam:PassRole]
    within P
}
"#;

#[test]
fn every_kind_of_name_use_resolves_to_its_definition() {
    let a = analyze_files(&[
        (
            "lib.iamc",
            "app.lib",
            "const bucket = arn\"arn:aws:s3:::b\"\ntemplate read(on_what: ArnPattern) {\n    allow s3:ListBucket on on_what\n}\n",
        ),
        ("main.iamc", "app.main", EVERY_KIND_OF_NAME),
    ]);
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    every_use_resolves(&a);
    // And by offset, as the editor asks: the `account` inside `roles`.
    let main = a.files.iter().find(|f| f.module == "app.main").unwrap();
    let text = a.sources.text(main.file);
    let at = text.find("{account}").unwrap() + 3;
    let (id, def) = a.definition_at(main.file, at as u32).unwrap();
    assert_eq!((def.kind, def.name.as_str()), (DefKind::Const, "account"));
    assert_eq!(def.ty.as_deref(), Some("AccountId"));
    // On the definition itself too, and its uses: `roles` and the default of `who`.
    let decl = text.find("const account").unwrap() + "const ".len();
    assert_eq!(
        a.definition_at(main.file, decl as u32).map(|(i, _)| i),
        Some(id)
    );
    assert_eq!(a.references_of(id).count(), 2);
}

// ---- statements back to rules -----------------------------------------------------------

fn every_statement_maps_back(a: &Analysis) -> usize {
    assert_eq!(a.documents.len(), a.program.documents.len());
    let mut n = 0;
    for (i, (low, ir)) in a.documents.iter().zip(&a.program.documents).enumerate() {
        assert_eq!(low.name, ir.name.node);
        assert_eq!(
            low.origins.len(),
            low.document.statements.len(),
            "{}",
            low.name
        );
        for (j, origin) in low.origins.iter().enumerate() {
            n += 1;
            let rule = a.rule_of(i, j).unwrap();
            assert_eq!(rule.span, origin.rule);
            let text = a.sources.slice(origin.rule);
            assert!(
                ["allow", "deny", "@sid"]
                    .iter()
                    .any(|k| text.starts_with(k)),
                "{}: statement {j} maps to `{text}`",
                low.name
            );
            match &rule.origin {
                RuleOrigin::Direct => {
                    assert!(origin.use_sites.is_empty());
                    assert!(ir.span.contains(origin.rule), "{}: {j}", low.name);
                }
                RuleOrigin::Template { use_sites, .. } => {
                    assert_eq!(&origin.use_sites, use_sites);
                    let outermost = *use_sites.first().unwrap();
                    // The outermost `use` is in the document, the rule in a template.
                    assert!(ir.span.contains(outermost), "{}: {j}", low.name);
                    assert!(!ir.span.contains(origin.rule), "{}: {j}", low.name);
                    for s in use_sites {
                        assert!(a.sources.slice(*s).starts_with("use "), "{s:?}");
                    }
                }
            }
        }
    }
    n
}

#[test]
fn every_emitted_statement_maps_back_to_its_rule() {
    let a = seeds();
    let n = every_statement_maps_back(&a);
    assert!(n >= 10, "only {n} statements");
    // Template statements are among them, with their `use`.
    assert!(a
        .documents
        .iter()
        .flat_map(|d| &d.origins)
        .any(|o| !o.use_sites.is_empty()));
    let nested = analyze_files(&[("main.iamc", "app.main", EVERY_KIND_OF_NAME), (
        "lib.iamc",
        "app.lib",
        "const bucket = arn\"arn:aws:s3:::b\"\ntemplate read(on_what: ArnPattern) {\n    allow s3:ListBucket on on_what\n}\n",
    )]);
    every_statement_maps_back(&nested);
    // `P` pulls `read` in through `limited`: two use sites, outermost first.
    let p = nested.documents.iter().position(|d| d.name == "P").unwrap();
    let sites: Vec<&str> = nested.documents[p]
        .origins
        .iter()
        .find(|o| o.use_sites.len() == 2)
        .unwrap()
        .use_sites
        .iter()
        .map(|s| nested.sources.slice(*s))
        .collect();
    assert!(sites[0].starts_with("use limited("), "{sites:?}");
    assert!(sites[1].starts_with("use r("), "{sites:?}");
}

#[test]
fn documents_line_up_with_the_ir_and_the_stdlib_is_flagged() {
    let a = analyze_files(&[("main.iamc", "app.main", EVERY_KIND_OF_NAME), (
        "lib.iamc",
        "app.lib",
        "const bucket = arn\"arn:aws:s3:::b\"\ntemplate read(on_what: ArnPattern) {\n    allow s3:ListBucket on on_what\n}\n",
    )]);
    for (low, ir) in a.documents.iter().zip(&a.program.documents) {
        assert_eq!(
            (&low.name, &low.module, low.kind),
            (&ir.name.node, &ir.module, ir.kind)
        );
        assert_eq!(low.is_std, ir.module.starts_with("std."));
    }
    assert!(a
        .documents
        .iter()
        .any(|d| d.is_std && d.name == "FullAWSAccess"));
    let dev = a.program.principals.first().unwrap();
    let scps: Vec<&str> = dev
        .scps
        .iter()
        .flatten()
        .map(|&i| a.documents[i].name.as_str())
        .collect();
    assert_eq!(scps, ["FullAWSAccess", "Guard"]);
    assert_eq!(a.documents[dev.policies[0]].name, "P");
    assert_eq!(a.user_documents().count(), 3);
}

// ---- provenance -------------------------------------------------------------------------

/// The pieces of a value text as `(name, text the piece covers)`, outermost first.
fn pieces<'a>(a: &'a Analysis, p: &Provenance, text: &'a str) -> Vec<(&'a str, &'a str)> {
    p.pieces(text)
        .iter()
        .map(|piece| {
            let def = a.names.definition(piece.def).unwrap();
            let covered = text.get(piece.start as usize..piece.end as usize).unwrap();
            (def.name.as_str(), covered)
        })
        .collect()
}

/// The provenance of the statement of document `doc` whose JSON mentions `needle`.
fn provenance_with<'a>(a: &'a Analysis, doc: &str, needle: &str) -> &'a Provenance {
    let i = a.documents.iter().position(|d| d.name == doc).unwrap();
    let j = a.documents[i]
        .document
        .statements
        .iter()
        .position(|s| format!("{s:?}").contains(needle))
        .unwrap_or_else(|| panic!("no statement of {doc} mentions {needle}"));
    a.provenance(i, j).unwrap()
}

#[test]
fn interpolated_parts_keep_where_they_came_from() {
    let a = analyze_files(&[(
        "main.iamc",
        "app.main",
        r#"const account: AccountId = "111122223333"
const roles = arn"arn:aws:iam::{account}:role/app-*"

template bucket_of(who: AccountId) {
    allow s3:GetObject on arn"arn:aws:s3:::data-{who}/*"
}

policy P {
    allow iam:PassRole on roles when aws:PrincipalAccount == account
    use bucket_of(who: account)
    allow s3:ListBucket on arn"arn:aws:s3:::logs-{env.account}"
    allow kms:Decrypt on * when kms:ViaService == "s3.{env.region}.amazonaws.com"
        and kms:CallerAccount == "{account}"
}

trust T {
    allow sts:AssumeRole from account(account)
}
"#,
    )]);
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let p = provenance_with(&a, "P", "PassRole");
    assert_eq!(
        pieces(&a, p, "arn:aws:iam::111122223333:role/app-*"),
        [
            ("roles", "arn:aws:iam::111122223333:role/app-*"),
            ("account", "111122223333")
        ]
    );
    assert_eq!(pieces(&a, p, "111122223333"), [("account", "111122223333")]);
    // Through a template parameter: the parameter, then the constant passed to it.
    let p = provenance_with(&a, "P", "GetObject");
    assert_eq!(
        pieces(&a, p, "arn:aws:s3:::data-111122223333/*"),
        [("who", "111122223333"), ("account", "111122223333")]
    );
    // An environment constant, defined in no source file here.
    let p = provenance_with(&a, "P", "ListBucket");
    let got = pieces(&a, p, "arn:aws:s3:::logs-123412341234");
    assert_eq!(got, [("account", "123412341234")]);
    let def = a
        .names
        .definition(p.pieces("arn:aws:s3:::logs-123412341234")[0].def)
        .unwrap();
    assert_eq!(def.kind, DefKind::EnvConstant);
    // `{name}` in a plain string is interpolated too, and traced the same way.
    let p = provenance_with(&a, "P", "Decrypt");
    assert_eq!(
        pieces(&a, p, "s3.eu-west-1.amazonaws.com"),
        [("region", "eu-west-1")]
    );
    assert_eq!(pieces(&a, p, "111122223333"), [("account", "111122223333")]);
    // `account(account)` becomes the account's root ARN; the piece moves with it.
    let t = provenance_with(&a, "T", "AssumeRole");
    assert_eq!(
        pieces(&a, t, "arn:aws:iam::111122223333:root"),
        [("account", "111122223333")]
    );
    // The declared type comes with the definition, for an emitter to pick `AccountId`s.
    let account = a
        .names
        .definition(t.pieces("arn:aws:iam::111122223333:root")[0].def);
    assert_eq!(account.and_then(|d| d.ty.as_deref()), Some("AccountId"));
}

#[test]
fn the_seeds_account_is_traced_to_the_environment() {
    let a = seeds();
    let p = provenance_with(&a, "MyTestBucketPolicy", "test20220710");
    let text = "arn:aws:iam::123412341234:user/test20220710";
    assert_eq!(pieces(&a, p, text), [("account", "123412341234")]);
    let def = a.names.definition(p.pieces(text)[0].def).unwrap();
    assert_eq!(def.kind, DefKind::EnvConstant);
    assert_eq!(a.sources.name(def.span.file), "iamc.toml");
}

// ---- the snapshot keeps comments ------------------------------------------------------------

#[test]
fn each_file_keeps_its_comments() {
    let a = seeds();
    let mfa = a.files.iter().find(|f| f.module == "mfa").unwrap();
    let first = mfa.comments.first().unwrap();
    assert_eq!(
        first.text,
        " MFA: what a user may do before signing in with MFA."
    );
    assert_eq!(first.span.file, mfa.file);
    assert!(mfa.comments.len() >= 3);
}

// ---- the catalog in use -------------------------------------------------------------------

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A catalog of one service, `s3`, that knows `GetObject` and not `PutObject`.
fn small_catalog(dir: &Path) -> PathBuf {
    let reference = dir.join("ref");
    write(
        &reference.join("s3.json"),
        r#"{"Name": "s3", "Version": "v1.4",
  "Actions": [{"Name": "GetObject", "Annotations": {"Properties": {"IsList": false, "IsPermissionManagement": false, "IsTaggingOnly": false, "IsWrite": false}}}]}"#,
    );
    write(
        &reference.join("global-condition-keys.json"),
        r#"{"ConditionKeys": [{"Name": "aws:SourceIp", "Types": ["IPAddress"]}]}"#,
    );
    let file = dir.join("catalog.bin");
    let out = crate::support::iamc()
        .args(["catalog", "update", "--from"])
        .arg(&reference)
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

#[test]
fn the_catalog_a_user_installed_decides_what_check_accepts() {
    let dir = std::env::temp_dir().join(format!("iamc-it-user-catalog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let catalog = small_catalog(&dir);
    let source = dir.join("p.iamc");
    write(
        &source,
        "policy P {\n    allow s3:GetObject, s3:PutObject on *\n}\n",
    );
    let codes = |cmd: &mut std::process::Command| -> (Option<i32>, Vec<String>) {
        let out = cmd
            .arg("check")
            .arg(&source)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect();
        (out.status.code(), codes)
    };
    // The embedded catalog knows both actions.
    assert_eq!(codes(&mut crate::support::iamc()), (Some(0), vec![]));
    // `IAMC_CATALOG` names the small one: `s3:PutObject` is unknown there.
    let with_env = codes(crate::support::iamc().env("IAMC_CATALOG", &catalog));
    assert_eq!(with_env, (Some(1), vec!["E0341".to_string()]));
    // So does the user catalog file, which `iamc catalog update` writes by default.
    let data = dir.join("data");
    write(&data.join("iamc/catalog.bin"), "");
    std::fs::copy(&catalog, data.join("iamc/catalog.bin")).unwrap();
    let with_file = codes(crate::support::iamc().env("XDG_DATA_HOME", &data));
    assert_eq!(with_file, (Some(1), vec!["E0341".to_string()]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unusable_user_catalog_stops_check_with_an_io_error() {
    let dir = std::env::temp_dir().join(format!("iamc-it-bad-catalog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let bad = dir.join("bad.bin");
    write(&bad, "IAMCCAT1garbage");
    let source = dir.join("p.iamc");
    write(&source, "policy P {\n    allow s3:GetObject on *\n}\n");
    let out = crate::support::iamc()
        .env("IAMC_CATALOG", &bad)
        .arg("check")
        .arg(&source)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use catalog"));
}

#[test]
fn offsets_outside_names_find_nothing() {
    let a = seeds();
    let f = a.files.first().unwrap();
    assert!(a.definition_at(f.file, 0).is_none());
    assert!(a.definition_at(FileId(9999), 10).is_none());
}

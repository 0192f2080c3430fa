//! Completion: what may be written at the cursor, read from the tokens before it
//! (`scan`), since the text being typed rarely parses yet.
//!
//! Where the cursor is decides what is offered: top-level keywords; module paths and
//! their declarations after `import`; service prefixes, then the service's actions after
//! `prefix:`, in action lists; condition keys after `when`, `and`, `or`, `not`, `(`,
//! those the statement's actions support first; the operators that fit a key's type after
//! the key (from the checker's own table, `check::cond::select`); `true`/`false` after a
//! `Bool` key's operator; templates after `use` and their named arguments inside its
//! parentheses; principal fields; types after `:` in constants and parameters; constants
//! and parameters where a value goes.

use super::scan::{self, Kind, Scan, Tok};
use super::{hover, Ctx};
use crate::catalog::{Catalog, KeyId, ScalarType};
use crate::check::cond::select;
use crate::check::types::Ty;
use crate::resolve::names::DefKind;
use crate::source::Span;
use crate::syntax::ast::{self, CompareOp};
use crate::syntax::keywords::TOP_LEVEL;
use std::collections::BTreeSet;

/// What a completion item is, for the client's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Service,
    Action,
    Key,
    Operator,
    Module,
    Template,
    Argument,
    Field,
    Keyword,
    Value,
    Constant,
    Declaration,
    Type,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text that replaces `replace`.
    pub insert: String,
    pub replace: Span,
    /// Items sort by this, then by label.
    pub sort: String,
}

/// The items, and whether the list depends on more typing (the client asks again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Item>,
    pub incomplete: bool,
}

/// Where the cursor is.
#[derive(Debug, PartialEq, Eq)]
enum Place<'t> {
    Nothing,
    TopLevel,
    /// After `import`; with the module when inside `{`.
    Import(Option<&'t str>),
    Type,
    /// A value: constants and parameters in scope.
    Value,
    ProveTarget,
    Statement {
        prove: bool,
    },
    UseTemplate,
    UseArgument {
        template: &'t str,
        given: Vec<&'t str>,
    },
    Field {
        given: Vec<&'t str>,
    },
    FieldValue(&'t str),
    Actions,
    /// After a complete clause: the clause keywords that may follow, and new statements.
    After {
        keywords: &'static [&'static str],
        prove: bool,
    },
    Resources,
    Principals,
    Key {
        actions: Vec<&'t str>,
        quantified: bool,
    },
    Operator {
        key: &'t str,
        negated: bool,
    },
    CondValue {
        key: &'t str,
    },
}

const OPS: [CompareOp; 10] = [
    CompareOp::Eq,
    CompareOp::Ne,
    CompareOp::Like,
    CompareOp::NotLike,
    CompareOp::In,
    CompareOp::NotIn,
    CompareOp::Lt,
    CompareOp::Le,
    CompareOp::Gt,
    CompareOp::Ge,
];

const DOCUMENT_KEYWORDS: [&str; 6] = ["policy", "boundary", "trust", "scp", "rcp", "resource"];

/// Actions expanded from the statement's patterns at most, to rank keys.
const RANK_ACTIONS: usize = 400;

pub fn complete(ctx: &Ctx<'_>, offset: u32) -> Completions {
    let text = ctx.text();
    let comments = ctx
        .analysis
        .file(ctx.file)
        .map(|f| f.comments.as_slice())
        .unwrap_or(&[]);
    let s = scan::scan(text, offset as usize, comments);
    if s.in_literal {
        return Completions::default();
    }
    let mut out = Out {
        ctx,
        replace: Span::new(ctx.file, s.word_start, s.word_end),
        items: Vec::new(),
        incomplete: false,
    };
    match place(&s) {
        Place::Nothing => {}
        Place::TopLevel => out.keywords(TOP_LEVEL),
        Place::Import(module) => out.imports(module),
        Place::Type => {
            for t in Ty::NAMES {
                out.push(t, ItemKind::Type, None, None, t.to_string(), "0");
            }
        }
        Place::Value => out.values(offset),
        Place::ProveTarget => out.declarations(&[DefKind::Principal, DefKind::Document]),
        Place::Statement { prove } => out.statements(prove),
        Place::UseTemplate => out.templates(),
        Place::UseArgument { template, given } => out.arguments(template, &given),
        Place::Field { given } => out.fields(&given),
        Place::FieldValue(field) => match field {
            "arn" | "account" | "tags" => out.values(offset),
            _ => out.declarations(&[DefKind::Document]),
        },
        Place::Actions => out.actions(s.word),
        Place::After { keywords, prove } => {
            out.keywords(keywords);
            out.statements(prove);
        }
        Place::Resources => {
            out.keywords(&["*", "not"]);
            out.values(offset);
        }
        Place::Principals => {
            out.keywords(&["*", "not"]);
            for f in ["account(", "service(", "federated(", "canonical("] {
                out.push(f, ItemKind::Keyword, None, None, f.to_string(), "0");
            }
            out.values(offset);
        }
        Place::Key {
            actions,
            quantified,
        } => {
            if !quantified {
                out.keywords(&["not", "exists(", "any", "all"]);
            }
            out.keys(s.word, &actions);
        }
        Place::Operator { key, negated } => out.operators(key, negated),
        Place::CondValue { key } => out.cond_values(key, offset),
    }
    Completions {
        items: out.items,
        incomplete: out.incomplete,
    }
}

fn place<'t>(s: &Scan<'t>) -> Place<'t> {
    let toks = &s.tokens;
    let Some(first) = toks.first() else {
        return Place::TopLevel;
    };
    let has = |t: &str| toks.iter().any(|x| x.text == t);
    match first.text {
        "import" => {
            if let Some(i) = toks.iter().position(|t| t.text == "{") {
                let module = i
                    .checked_sub(1)
                    .and_then(|j| toks.get(j))
                    .map(|t| t.text.trim_end_matches('.'));
                return Place::Import(module);
            }
            if toks.len() == 1 {
                Place::Import(None)
            } else {
                Place::Nothing
            }
        }
        "const" => {
            if has("=") {
                Place::Value
            } else if toks.last().is_some_and(|t| t.text.ends_with(':')) {
                Place::Type
            } else {
                Place::Nothing
            }
        }
        "principal" => match toks.iter().position(|t| t.text == "{") {
            Some(i) => principal_body(toks.get(i + 1..).unwrap_or(&[])),
            None => Place::Nothing,
        },
        "prove" => match toks.iter().position(|t| t.text == "{") {
            Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), true),
            None if toks.len() == 1 => Place::ProveTarget,
            None => Place::Nothing,
        },
        "template" => {
            // The body starts at the first `{` after the parameters' `)`.
            let close = toks.iter().position(|t| t.text == ")");
            match close.and_then(|c| {
                toks.iter()
                    .skip(c)
                    .position(|t| t.text == "{")
                    .map(|p| p + c)
            }) {
                Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), false),
                None if close.is_none() && has("(") => {
                    let last = toks.last().map_or("", |t| t.text);
                    if last.ends_with(':') {
                        Place::Type
                    } else if last == "=" {
                        Place::Value
                    } else {
                        Place::Nothing
                    }
                }
                None => Place::Nothing,
            }
        }
        k if DOCUMENT_KEYWORDS.contains(&k) => match toks.iter().position(|t| t.text == "{") {
            Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), false),
            None => Place::Nothing,
        },
        _ => Place::TopLevel,
    }
}

/// Inside `principal X { ... }`.
fn principal_body<'t>(toks: &[Tok<'t>]) -> Place<'t> {
    if toks.iter().any(|t| t.text == "}") && depth_at_end(toks) < 0 {
        return Place::TopLevel;
    }
    let given: Vec<&str> = toks
        .iter()
        .filter(|t| t.kind == Kind::Word && t.text.ends_with(':'))
        .map(|t| t.text.trim_end_matches(':'))
        .collect();
    match toks.last() {
        None => Place::Field { given },
        Some(t) if t.text == "," => Place::Field { given },
        Some(t) if t.text.ends_with(':') || t.text == "[" => {
            // The value of the last field named.
            let field = toks
                .iter()
                .rev()
                .find(|t| t.kind == Kind::Word && t.text.ends_with(':'))
                .map_or("", |t| t.text.trim_end_matches(':'));
            Place::FieldValue(field)
        }
        Some(_) if depth_at_end(toks) == 0 => Place::Field { given },
        Some(_) => Place::Nothing,
    }
}

/// Bracket depth after the tokens (negative once a bracket opened before them closes).
fn depth_at_end(toks: &[Tok<'_>]) -> i32 {
    let mut depth = 0;
    for t in toks {
        match t.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return depth;
        }
    }
    depth
}

const STATEMENT_WORDS: [&str; 8] = [
    "allow",
    "deny",
    "use",
    "allows",
    "denies",
    "within",
    "equivalent",
    "@sid",
];

/// Inside the body of a document, template or proof.
fn body<'t>(toks: &[Tok<'t>], prove: bool) -> Place<'t> {
    // Track brackets; remember where each open one is.
    let mut open: Vec<usize> = Vec::new();
    let mut statement: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        match t.text {
            "(" | "[" | "{" => open.push(i),
            // The body's own `}` (the guard pops): the cursor is after the declaration.
            ")" | "]" | "}" if open.pop().is_none() => return Place::TopLevel,
            ")" | "]" | "}" => {}
            w if open.is_empty() && STATEMENT_WORDS.contains(&w) => statement = Some(i),
            _ => {}
        }
    }
    let last = toks.last().map_or("", |t| t.text);
    // Inside `use t(...)`.
    if let Some(&p) = open.first() {
        let before = |n: usize| p.checked_sub(n).and_then(|j| toks.get(j)).map(|t| t.text);
        if toks.get(p).is_some_and(|t| t.text == "(") && before(2) == Some("use") {
            let template = before(1).unwrap_or("");
            let inner = toks.get(p + 1..).unwrap_or(&[]);
            if open.len() == 1 && (last == "(" || last == ",") {
                let given = inner
                    .iter()
                    .filter(|t| t.kind == Kind::Word && t.text.ends_with(':'))
                    .map(|t| t.text.trim_end_matches(':'))
                    .collect();
                return Place::UseArgument { template, given };
            }
            return if last.ends_with(':') || last == "[" || last == "," {
                Place::Value
            } else {
                Place::Nothing
            };
        }
        if toks.get(p).is_some_and(|t| t.text == "(") && before(1) == Some("@sid") {
            return Place::Nothing;
        }
    }
    let Some(si) = statement else {
        return Place::Statement { prove };
    };
    let stmt = toks.get(si + 1..).unwrap_or(&[]);
    match toks.get(si).map_or("", |t| t.text) {
        "@sid" => Place::Nothing,
        "use" if stmt.is_empty() => Place::UseTemplate,
        "use" => Place::Statement { prove },
        "within" | "equivalent" if stmt.is_empty() => Place::ProveTarget,
        "within" | "equivalent" => Place::Statement { prove },
        _ => rule(stmt, toks.get(si).map_or("", |t| t.text), prove),
    }
}

/// Inside an `allow`/`deny` rule or a request property, after its keyword.
fn rule<'t>(stmt: &[Tok<'t>], keyword: &'t str, prove: bool) -> Place<'t> {
    let clause = stmt
        .iter()
        .enumerate()
        .rev()
        .find(|(_, t)| matches!(t.text, "on" | "from" | "when" | "except"))
        .map(|(i, t)| (i, t.text));
    let last = stmt.last().map_or(keyword, |t| t.text);
    let opens_item = |k: &str| last == k || matches!(last, "not" | "," | "[");
    match clause {
        None => {
            if opens_item(keyword) || (keyword == "allow" && last == "may") {
                Place::Actions
            } else if prove {
                Place::After {
                    keywords: &["on", "when", "except"],
                    prove,
                }
            } else {
                Place::After {
                    keywords: &["on", "from", "when"],
                    prove,
                }
            }
        }
        Some((_, "except")) if opens_item("except") => Place::Actions,
        Some((_, "on")) if opens_item("on") => Place::Resources,
        Some((_, "on")) if prove => Place::After {
            keywords: &["when", "except"],
            prove,
        },
        Some((_, "on")) => Place::After {
            keywords: &["from", "when"],
            prove,
        },
        Some((_, "from")) if opens_item("from") => Place::Principals,
        Some((_, "from")) => Place::After {
            keywords: &["on", "when"],
            prove,
        },
        Some((i, "when")) => {
            let actions: Vec<&str> = stmt
                .iter()
                .take_while(|t| !matches!(t.text, "on" | "from" | "when"))
                .filter(|t| t.kind == Kind::Word && t.text.contains(':') && !t.text.ends_with(':'))
                .map(|t| t.text)
                .collect();
            condition(stmt.get(i + 1..).unwrap_or(&[]), actions, prove)
        }
        Some(_) => Place::Statement { prove },
    }
}

fn is_key(t: &Tok<'_>) -> bool {
    t.kind == Kind::Word && t.text.contains(':') && !t.text.ends_with(':')
}

/// Inside a `when` condition.
fn condition<'t>(cond: &[Tok<'t>], actions: Vec<&'t str>, prove: bool) -> Place<'t> {
    let n = cond.len();
    let back = |k: usize| n.checked_sub(k).and_then(|i| cond.get(i));
    let Some(last) = back(1) else {
        return Place::Key {
            actions,
            quantified: false,
        };
    };
    match last.text {
        "not" if back(2).is_some_and(is_key) => Place::Operator {
            key: back(2).map_or("", |t| t.text),
            negated: true,
        },
        "and" | "or" | "not" | "(" => Place::Key {
            actions,
            quantified: false,
        },
        "any" | "all" => Place::Key {
            actions,
            quantified: true,
        },
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "like" | "in" => {
            let key = cond
                .iter()
                .rev()
                .skip(1)
                .find(|t| t.text != "not")
                .filter(|t| is_key(t))
                .map_or("", |t| t.text);
            Place::CondValue { key }
        }
        "if" => Place::After {
            keywords: &["exists"],
            prove,
        },
        _ if is_key(last) => Place::Operator {
            key: last.text,
            negated: false,
        },
        "[" | "," => Place::Value,
        _ => Place::After {
            keywords: &["and", "or", "if exists"],
            prove,
        },
    }
}

/// The collected items.
struct Out<'a, 'c> {
    ctx: &'a Ctx<'c>,
    replace: Span,
    items: Vec<Item>,
    incomplete: bool,
}

impl Out<'_, '_> {
    fn push(
        &mut self,
        label: &str,
        kind: ItemKind,
        detail: Option<String>,
        documentation: Option<String>,
        insert: String,
        sort: &str,
    ) {
        self.items.push(Item {
            label: label.to_string(),
            kind,
            detail,
            documentation,
            insert,
            replace: self.replace,
            sort: format!("{sort}{label}"),
        });
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.push(w, ItemKind::Keyword, None, None, w.to_string(), "1");
        }
    }

    fn statements(&mut self, prove: bool) {
        if prove {
            self.keywords(&["allows", "denies", "may allow", "within", "equivalent"]);
        } else {
            self.keywords(&["allow", "deny", "use"]);
            self.push(
                "@sid",
                ItemKind::Keyword,
                Some("a statement id".into()),
                None,
                "@sid(\"\")".into(),
                "1",
            );
        }
    }

    /// Constants in scope, and the parameters of the template around the cursor.
    fn values(&mut self, offset: u32) {
        let ctx = self.ctx;
        for (name, _, d) in ctx.in_scope(&[DefKind::Const]) {
            let detail = d.ty.clone();
            self.push(&name, ItemKind::Constant, detail, None, name.clone(), "0");
        }
        let template = ctx.module().and_then(|m| {
            m.items.iter().find_map(|i| match i {
                ast::Item::Template(t) if super::touches(t.span, offset) => Some(t),
                _ => None,
            })
        });
        for p in template.map(|t| t.params.as_slice()).unwrap_or(&[]) {
            let ty = crate::resolve::names::type_text(&p.ty);
            self.push(
                &p.name.node,
                ItemKind::Value,
                Some(ty),
                None,
                p.name.node.clone(),
                "0",
            );
        }
    }

    fn declarations(&mut self, kinds: &[DefKind]) {
        let ctx = self.ctx;
        for (name, _, d) in ctx.in_scope(kinds) {
            let detail = ctx.item_of(d).map(|i| super::keyword(i).to_string());
            self.push(
                &name,
                ItemKind::Declaration,
                detail,
                None,
                name.clone(),
                "0",
            );
        }
    }

    fn templates(&mut self) {
        let ctx = self.ctx;
        for (name, _, d) in ctx.in_scope(&[DefKind::Template]) {
            let item = ctx.item_of(d);
            let detail = item.map(|i| hover::signature(ctx, i));
            let doc = item.and_then(super::doc_of).map(str::to_string);
            self.push(&name, ItemKind::Template, detail, doc, name.clone(), "0");
        }
    }

    fn arguments(&mut self, template: &str, given: &[&str]) {
        let ctx = self.ctx;
        let Some((_, _, d)) = ctx
            .in_scope(&[DefKind::Template])
            .into_iter()
            .find(|(n, _, _)| n == template)
        else {
            return;
        };
        let Some(ast::Item::Template(t)) = ctx.item_of(d) else {
            return;
        };
        for p in &t.params {
            if given.contains(&p.name.node.as_str()) {
                continue;
            }
            let ty = crate::resolve::names::type_text(&p.ty);
            let (detail, sort) = match &p.default {
                Some(e) => (
                    format!("{ty} = {}", ctx.analysis.sources.slice(e.span)),
                    "1",
                ),
                None => (ty, "0"),
            };
            let label = format!("{}:", p.name.node);
            self.push(
                &label,
                ItemKind::Argument,
                Some(detail),
                None,
                format!("{} ", label),
                sort,
            );
        }
    }

    fn fields(&mut self, given: &[&str]) {
        for f in crate::check::PRINCIPAL_FIELDS {
            if !given.contains(f) {
                let label = format!("{f}:");
                self.push(
                    &label,
                    ItemKind::Field,
                    None,
                    None,
                    format!("{label} "),
                    "0",
                );
            }
        }
    }

    fn imports(&mut self, module: Option<&str>) {
        let ctx = self.ctx;
        let own = ctx.module_path();
        let names = &ctx.analysis.names;
        if let Some(m) = module {
            for (_, d) in names.definitions() {
                if d.module == m && is_declaration(d.kind) {
                    self.push(
                        &d.name,
                        ItemKind::Declaration,
                        None,
                        None,
                        d.name.clone(),
                        "0",
                    );
                }
            }
            return;
        }
        let mut modules: BTreeSet<&str> = BTreeSet::new();
        for (_, f) in ctx.analysis.sources.iter() {
            if !f.module.is_empty() && f.module != own && f.name.ends_with(".iamc") {
                modules.insert(f.module.as_str());
            }
        }
        for m in &modules {
            self.push(m, ItemKind::Module, None, None, m.to_string(), "0");
        }
        for (_, d) in names.definitions() {
            if modules.contains(d.module.as_str()) && is_declaration(d.kind) {
                let path = format!("{}.{}", d.module, d.name);
                self.push(&path, ItemKind::Declaration, None, None, path.clone(), "1");
            }
        }
    }

    fn actions(&mut self, word: &str) {
        let catalog = self.ctx.catalog;
        self.incomplete = true;
        match word.split_once(':') {
            Some((prefix, _)) => {
                let Some(svc) = catalog.service(prefix) else {
                    return;
                };
                for a in svc.actions() {
                    let full = a.full_name();
                    let doc = (!a.description().is_empty()).then(|| a.description().to_string());
                    self.push(
                        &full,
                        ItemKind::Action,
                        Some(a.access_level().as_str().into()),
                        doc,
                        full.clone(),
                        "0",
                    );
                }
            }
            None => {
                for s in catalog.services().filter(|s| !s.retired()) {
                    let detail =
                        (!s.display_name().is_empty()).then(|| s.display_name().to_string());
                    self.push(
                        s.prefix(),
                        ItemKind::Service,
                        detail,
                        None,
                        format!("{}:", s.prefix()),
                        "0",
                    );
                }
                self.keywords(&["*", "not"]);
            }
        }
    }

    /// Condition keys: with a prefix typed, that service's (or `aws:`) keys; without, the
    /// global keys and those of the statement's services. Keys the statement's actions
    /// support come first.
    fn keys(&mut self, word: &str, actions: &[&str]) {
        let catalog = self.ctx.catalog;
        self.incomplete = true;
        let supported = supported_keys(catalog, actions);
        let services: BTreeSet<String> = actions
            .iter()
            .filter_map(|a| a.split_once(':'))
            .map(|(s, _)| s.to_ascii_lowercase())
            .collect();
        let typed = word.split_once(':').map(|(p, _)| p.to_ascii_lowercase());
        for k in catalog.keys() {
            let name = k.name();
            let prefix = name
                .split_once(':')
                .map_or("", |(p, _)| p)
                .to_ascii_lowercase();
            let wanted = match &typed {
                Some(p) => *p == prefix,
                None => prefix == "aws" || services.contains(&prefix) || supported.contains(&k.id),
            };
            if !wanted {
                continue;
            }
            let sort = if supported.contains(&k.id) {
                "0"
            } else if k.global() {
                "1"
            } else {
                "2"
            };
            let types: Vec<String> = k.types().iter().map(|t| t.to_string()).collect();
            // A key with a variable part (`aws:PrincipalTag/${TagKey}`) is inserted up to it.
            let insert = name.split("${").next().unwrap_or(name).to_string();
            self.push(
                name,
                ItemKind::Key,
                Some(types.join(" | ")),
                Some(hover::key_text(&k)),
                insert,
                sort,
            );
        }
    }

    fn operators(&mut self, key: &str, negated: bool) {
        let key = key.trim_end_matches('?');
        let scalars: Vec<(ScalarType, bool)> = self
            .ctx
            .catalog
            .key(key)
            .map(|k| {
                k.types()
                    .iter()
                    .map(|t| (t.scalar, t.multivalued))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen: Vec<CompareOp> = Vec::new();
        for op in OPS {
            if negated && !matches!(op, CompareOp::NotLike | CompareOp::NotIn) {
                continue;
            }
            let fitting: Vec<String> = scalars
                .iter()
                .filter_map(|(s, multi)| {
                    select(*s, op).map(|(base, neg)| {
                        let set = if *multi {
                            "ForAnyValue:/ForAllValues:"
                        } else {
                            ""
                        };
                        format!(
                            "{set}{}{}",
                            base.as_str(),
                            if neg { " (negated)" } else { "" }
                        )
                    })
                })
                .collect();
            if !scalars.is_empty() && fitting.is_empty() {
                continue;
            }
            if seen.contains(&op) {
                continue;
            }
            seen.push(op);
            let label = if negated {
                op.as_str().trim_start_matches("not ").to_string()
            } else {
                op.as_str().to_string()
            };
            let detail = (!fitting.is_empty()).then(|| fitting.join(", "));
            let sort = format!("{}", seen.len());
            self.push(
                &label,
                ItemKind::Operator,
                detail,
                None,
                label.clone(),
                &format!("0{sort:0>2}"),
            );
        }
        if !negated && scalars.iter().any(|(s, _)| *s == ScalarType::Bool) {
            self.keywords(&["and", "or"]);
        }
    }

    fn cond_values(&mut self, key: &str, offset: u32) {
        let is_bool = self
            .ctx
            .catalog
            .key(key.trim_end_matches('?'))
            .is_some_and(|k| k.types().iter().any(|t| t.scalar == ScalarType::Bool));
        if is_bool {
            self.keywords(&["true", "false"]);
        }
        self.values(offset);
    }
}

fn is_declaration(k: DefKind) -> bool {
    matches!(
        k,
        DefKind::Const | DefKind::Template | DefKind::Document | DefKind::Principal
    )
}

/// The keys the statement's actions support (directly or through their resource types).
fn supported_keys(catalog: &Catalog, actions: &[&str]) -> BTreeSet<KeyId> {
    let mut out = BTreeSet::new();
    let mut n = 0;
    for pattern in actions {
        for a in catalog.expand(pattern) {
            n += 1;
            if n > RANK_ACTIONS {
                return out;
            }
            out.extend(a.condition_keys().iter().map(|k| k.id));
            for (r, _) in a.resource_types() {
                out.extend(r.condition_keys().iter().map(|k| k.id));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(text: &str) -> String {
        let s = scan::scan(text, text.len(), &[]);
        format!("{:?}", place(&s))
    }

    #[test]
    fn the_place_follows_the_tokens() {
        assert_eq!(place_of(""), "TopLevel");
        assert_eq!(place_of("import "), "Import(None)");
        assert_eq!(
            place_of("import std.guards.{a, "),
            "Import(Some(\"std.guards\"))"
        );
        assert_eq!(place_of("policy P {\n  allow "), "Actions");
        assert_eq!(place_of("policy P {\n  allow s3:"), "Actions");
        assert_eq!(place_of("policy P {\n  allow s3:GetObject, "), "Actions");
        assert!(place_of("policy P {\n  allow s3:GetObject ").starts_with("After"));
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on "),
            "Resources"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when "),
            "Key { actions: [\"s3:GetObject\"], quantified: false }"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when aws:SourceIp "),
            "Operator { key: \"aws:SourceIp\", negated: false }"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when aws:SecureTransport == "),
            "CondValue { key: \"aws:SecureTransport\" }"
        );
        assert_eq!(
            place_of("policy P {\n  allow * on * when aws:SourceIp not "),
            "Operator { key: \"aws:SourceIp\", negated: true }"
        );
        assert_eq!(place_of("policy P {\n  use "), "UseTemplate");
        assert_eq!(
            place_of("policy P {\n  use t(a: [s3:GetObject], "),
            "UseArgument { template: \"t\", given: [\"a\"] }"
        );
        assert_eq!(place_of("policy P {\n  use t(a: "), "Value");
        assert_eq!(place_of("policy P {\n  allow * on *\n}\n"), "TopLevel");
        assert_eq!(
            place_of("principal D {\n  arn: arn\"x\"\n  "),
            "Field { given: [\"arn\"] }"
        );
        assert_eq!(
            place_of("principal D {\n  policies: "),
            "FieldValue(\"policies\")"
        );
        assert_eq!(place_of("const a: "), "Type");
        assert_eq!(place_of("prove "), "ProveTarget");
        assert_eq!(place_of("prove D {\n  denies "), "Actions");
    }
}

//! Completion: what may be written at the cursor (`place` says where it is).
//!
//! Where the cursor is decides what is offered: top-level keywords; module paths and
//! their declarations after `import`; service prefixes, then the service's actions after
//! `prefix:`, in action lists; condition keys after `when`, `and`, `or`, `not`, `(`,
//! those the statement's actions support first; the operators that fit a key's type after
//! the key (from the checker's own table, `check::cond::select`); `true`/`false` after a
//! `Bool` key's operator; templates after `use` and their named arguments inside its
//! parentheses; principal fields; types after `:` in constants and parameters; constants
//! and parameters where a value goes.

use super::place::{place, Place};
use super::scan;
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
    // Inside a built-in call, its arguments: services, then access levels.
    if let Some(argument) = builtin_argument(&s.tokens) {
        match argument {
            0 => out.services(),
            1 => out.levels(),
            _ => {}
        }
        return Completions {
            items: out.items,
            incomplete: out.incomplete,
        };
    }
    match place(&s) {
        Place::Nothing => {}
        Place::TopLevel => out.keywords(TOP_LEVEL),
        Place::Import(module) => out.imports(module),
        Place::Type => {
            for t in Ty::NAMES {
                out.push(t, ItemKind::Type, None, None, t.to_string(), "0");
            }
        }
        Place::Value => {
            out.values(offset);
            out.builtins();
        }
        Place::ProveTarget => out.declarations(&[DefKind::Principal, DefKind::Document]),
        Place::Statement { prove } => out.statements(prove),
        Place::UseTemplate => out.templates(),
        Place::UseArgument { template, given } => out.arguments(template, &given),
        Place::Field { given } => out.fields(&given),
        Place::FieldValue(field) => match field {
            "arn" | "account" | "tags" => out.values(offset),
            _ => out.declarations(&[DefKind::Document]),
        },
        Place::Actions => {
            out.actions(s.word);
            if !s.word.contains(':') {
                out.builtins();
            }
        }
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

    /// Constants in scope, the selected environment's (`env.NAME`), and the parameters
    /// of the template around the cursor.
    fn values(&mut self, offset: u32) {
        let ctx = self.ctx;
        for (name, _, d) in ctx.in_scope(&[DefKind::Const]) {
            let detail = d.ty.clone();
            self.push(&name, ItemKind::Constant, detail, None, name.clone(), "0");
        }
        for (_, d) in ctx.analysis.names.definitions() {
            if d.kind == DefKind::EnvConstant {
                let label = format!("env.{}", d.name);
                let value = ctx.env_value(&d.name);
                self.push(&label, ItemKind::Constant, value, None, label.clone(), "1");
            }
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
                self.service_items(":");
                self.keywords(&["*", "not"]);
            }
        }
    }

    /// Every service that is not retired, inserted with `suffix` after its prefix.
    fn service_items(&mut self, suffix: &str) {
        self.incomplete = true;
        for s in self.ctx.catalog.services().filter(|s| !s.retired()) {
            let detail = (!s.display_name().is_empty()).then(|| s.display_name().to_string());
            self.push(
                s.prefix(),
                ItemKind::Service,
                detail,
                None,
                format!("{}{suffix}", s.prefix()),
                "0",
            );
        }
    }

    /// The first argument of a built-in call: service prefixes alone.
    fn services(&mut self) {
        self.service_items("");
    }

    /// The second argument of a built-in call: the access levels, quoted.
    fn levels(&mut self) {
        for (i, level) in crate::check::builtins::LEVELS.iter().enumerate() {
            let quoted = format!("\"{}\"", level.as_str());
            self.push(
                &quoted,
                ItemKind::Value,
                Some("access level".into()),
                None,
                quoted.clone(),
                &i.to_string(),
            );
        }
    }

    /// The built-in functions, where actions go.
    fn builtins(&mut self) {
        for (name, doc) in [
            (
                "actions",
                "Every catalog action of the services at the access levels, by name (closed world).",
            ),
            (
                "action_wildcards",
                "The fewest `svc:Prefix*` patterns matching those actions today (open world).",
            ),
        ] {
            self.push(
                &format!("{name}("),
                ItemKind::Keyword,
                Some("(services, levels) -> List<Action>".into()),
                Some(doc.into()),
                format!("{name}("),
                "1",
            );
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

/// Which argument of a built-in call (`actions(`, `action_wildcards(`) the cursor is in,
/// from the tokens before it: the nearest unclosed `(` must follow the function's name;
/// commas at that depth (not inside a `[...]` list) count the arguments before.
fn builtin_argument(tokens: &[scan::Tok<'_>]) -> Option<usize> {
    let mut depth = 0usize;
    let mut commas = 0usize;
    for (i, t) in tokens.iter().enumerate().rev() {
        if t.kind != scan::Kind::Punct {
            continue;
        }
        match t.text {
            ")" | "]" => depth += 1,
            "[" if depth > 0 => depth -= 1,
            "(" if depth > 0 => depth -= 1,
            // The cursor is inside a list argument: the commas seen were its own.
            "[" => commas = 0,
            "(" => {
                let name = i.checked_sub(1).and_then(|j| tokens.get(j))?;
                return crate::check::builtins::BUILTINS
                    .contains(&name.text)
                    .then_some(commas);
            }
            "," if depth == 0 => commas += 1,
            "{" | "}" => return None,
            _ => {}
        }
    }
    None
}

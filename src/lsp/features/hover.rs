//! Hover: what the thing under the cursor is, in Markdown.
//!
//! Names (constants, templates, parameters, declarations, modules, `env.NAME`) are looked
//! up in the name table; actions and condition keys are found in the AST and described
//! from the catalog: an action's service, access level, description, resource types and
//! condition keys; a key's type, whether every request carries it, and its description.

use super::locate::{self, Found};
use super::{doc_of, keyword, Ctx};
use crate::catalog::{Action, Catalog, Key};
use crate::resolve::names::{DefId, DefKind, Target};
use crate::source::Span;
use crate::syntax::ast;
use std::fmt::Write;

/// Hover text and the span it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// Lists longer than this are cut, with a count of the rest.
const LIST_MAX: usize = 25;

/// Emitted JSON up to this size is shown in a declaration's hover.
const JSON_MAX: usize = 1500;

pub fn hover(ctx: &Ctx<'_>, offset: u32) -> Option<Hover> {
    let names = &ctx.analysis.names;
    if let Some(r) = names.reference_at(ctx.file, offset) {
        let markdown = match &r.target {
            Target::Def(id) => definition(ctx, *id),
            Target::Service(s) => service(ctx.catalog, s),
        }?;
        return Some(Hover {
            span: r.span,
            markdown,
        });
    }
    if let Some(id) = names.definition_at(ctx.file, offset) {
        let span = names.definition(id)?.span;
        return Some(Hover {
            span,
            markdown: definition(ctx, id)?,
        });
    }
    match locate::at(ctx.module()?, offset)? {
        Found::Action(a, span) => {
            let markdown = if offset < a.service.span.end {
                service(ctx.catalog, &a.service.node)
            } else {
                action_pattern(ctx.catalog, &format!("{}:{}", a.service.node, a.name.node))
            }?;
            Some(Hover { span, markdown })
        }
        Found::Key(k) => Some(Hover {
            span: k.name.span,
            markdown: key(ctx.catalog, &k.name.node)?,
        }),
        Found::Call(c) => Some(Hover {
            span: c.name.span,
            markdown: builtin(ctx.catalog, c)?,
        }),
    }
}

/// A built-in function: what it does, and, when its arguments are written out (services
/// and level names, not constants or parameters), what it gives today.
fn builtin(catalog: &Catalog, call: &ast::Call) -> Option<String> {
    use crate::check::builtins::{actions_at, level_named, wildcards_at};
    let wildcards = match call.name.node.as_str() {
        "actions" => false,
        "action_wildcards" => true,
        _ => return None,
    };
    let mut out = format!(
        "```iamc
{}(services, levels) -> List<Action>
```

",
        call.name.node
    );
    out.push_str(if wildcards {
        "The fewest `svc:Prefix*` patterns that match exactly the catalog's actions of the services at the access levels today. Compact, but an open world: a pattern also matches the actions AWS adds later under its prefix, at any level (docs/stdlib.md)."
    } else {
        "Every action the catalog lists for the services at the access levels, by name. A closed world: an action AWS adds later is not in the list, whatever its level (docs/stdlib.md)."
    });
    out.push('\n');
    let written = |e: &ast::Expr| -> Vec<ast::Expr> {
        match &e.kind {
            ast::ExprKind::List(items) => items.clone(),
            _ => vec![e.clone()],
        }
    };
    let (Some(services), Some(levels)) = (call.args.first(), call.args.get(1)) else {
        return Some(out);
    };
    let services: Option<Vec<String>> = written(services)
        .iter()
        .map(|e| match &e.kind {
            // A service prefix the catalog knows (a constant's name is not written out).
            ast::ExprKind::Name(p) if p.segments.len() == 1 => p
                .segments
                .first()
                .filter(|s| catalog.service(&s.node).is_some())
                .map(|s| s.node.clone()),
            _ => None,
        })
        .collect();
    let levels: Option<Vec<_>> = written(levels)
        .iter()
        .map(|e| match &e.kind {
            ast::ExprKind::String(s) => level_named(s),
            _ => None,
        })
        .collect();
    let (Some(services), Some(levels)) = (services, levels) else {
        return Some(out);
    };
    let mut all: Vec<String> = Vec::new();
    let mut per_service: Vec<String> = Vec::new();
    for s in &services {
        let got = if wildcards {
            wildcards_at(catalog, s, &levels)
        } else {
            actions_at(catalog, s, &levels)
        };
        per_service.push(format!("{s} {}", got.len()));
        all.extend(got);
    }
    let what = if wildcards { "pattern" } else { "action" };
    let _ = writeln!(
        out,
        "\nToday: {} {what}{} ({}): {}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        per_service.join(", "),
        list(&all.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>())
    );
    Some(out)
}

fn definition(ctx: &Ctx<'_>, id: DefId) -> Option<String> {
    let def = ctx.analysis.names.definition(id)?;
    let mut out = String::new();
    match def.kind {
        DefKind::Module => {
            let _ = writeln!(out, "```iamc\nmodule {}\n```", def.name);
            let items: Vec<String> = ctx
                .analysis
                .names
                .definitions()
                .filter(|(_, d)| d.module == def.name && is_declaration(d.kind))
                .map(|(_, d)| format!("`{}`", d.name))
                .collect();
            if !items.is_empty() {
                let _ = writeln!(out, "\nDeclares {}", list(&items));
            }
        }
        DefKind::EnvConstant => {
            let value = ctx.env_value(&def.name).unwrap_or_default();
            let _ = writeln!(out, "```iamc\nenv.{} = {value}\n```", def.name);
            if let Some(e) = ctx.env {
                let _ = writeln!(out, "\nFrom `[env.{}]` in `iamc.toml`.", e.name);
            }
        }
        DefKind::Param => {
            let (t, p) = ctx.param_of(def)?;
            let _ = writeln!(out, "```iamc\n{}\n```", param_text(ctx, p));
            let _ = writeln!(out, "\nParameter of template `{}`.", t.name.node);
        }
        DefKind::Const | DefKind::Template | DefKind::Document | DefKind::Principal => {
            let item = ctx.item_of(def)?;
            let _ = writeln!(out, "```iamc\n{}\n```", signature(ctx, item));
            if let Some(doc) = doc_of(item) {
                let _ = writeln!(out, "\n{doc}");
            }
            if def.kind == DefKind::Document {
                document(ctx, def.span, &mut out);
            }
            if def.module != ctx.module_path() {
                let _ = writeln!(out, "\nDeclared in module `{}`.", def.module);
            }
        }
    }
    Some(out)
}

fn is_declaration(k: DefKind) -> bool {
    matches!(
        k,
        DefKind::Const | DefKind::Template | DefKind::Document | DefKind::Principal
    )
}

/// The first line of a declaration, as a reader would write it.
pub fn signature(ctx: &Ctx<'_>, item: &ast::Item) -> String {
    let src = &ctx.analysis.sources;
    match item {
        ast::Item::Const(c) => {
            let ty =
                c.ty.as_ref()
                    .map(|t| format!(": {}", crate::resolve::names::type_text(t)))
                    .unwrap_or_default();
            format!(
                "const {}{ty} = {}",
                c.name.node,
                shorten(src.slice(c.value.span))
            )
        }
        ast::Item::Template(t) => {
            let params: Vec<String> = t.params.iter().map(|p| param_text(ctx, p)).collect();
            format!("template {}({})", t.name.node, params.join(", "))
        }
        other => format!(
            "{} {}",
            keyword(other),
            other.name().map_or("", |n| n.node.as_str())
        ),
    }
}

fn param_text(ctx: &Ctx<'_>, p: &ast::Param) -> String {
    let default = p
        .default
        .as_ref()
        .map(|d| format!(" = {}", shorten(ctx.analysis.sources.slice(d.span))))
        .unwrap_or_default();
    format!(
        "{}: {}{default}",
        p.name.node,
        crate::resolve::names::type_text(&p.ty)
    )
}

/// A long value on one line, cut.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        let cut: String = one_line.chars().take(117).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

/// What a declaration's document emits.
fn document(ctx: &Ctx<'_>, name: Span, out: &mut String) {
    let Some(d) = ctx.analysis.documents.iter().find(|d| d.span == name) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{}: {} of {} characters, {} statement{}.",
        capitalise(d.kind.name()),
        d.size,
        d.budget,
        d.document.statements.len(),
        if d.document.statements.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    let json = crate::emit::json(&d.document, false);
    if json.len() <= JSON_MAX {
        let _ = writeln!(out, "\n```json\n{}\n```", json.trim_end());
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn list(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(LIST_MAX).map(String::as_str).collect();
    let mut s = shown.join(", ");
    if items.len() > LIST_MAX {
        let _ = write!(s, " and {} more", items.len() - LIST_MAX);
    }
    s
}

/// A service prefix.
pub fn service(catalog: &Catalog, prefix: &str) -> Option<String> {
    let s = catalog.service(prefix)?;
    let mut out = format!("**{}**", s.prefix());
    if !s.display_name().is_empty() {
        let _ = write!(out, " · {}", s.display_name());
    }
    let _ = writeln!(
        out,
        "\n\n{} actions, {} resource types, {} condition keys.",
        s.actions().count(),
        s.resource_types().count(),
        s.condition_keys().len()
    );
    if s.retired() {
        out.push_str("\nRetired: AWS no longer lists this service.\n");
    }
    Some(out)
}

/// An action, or what an action pattern matches today.
pub fn action_pattern(catalog: &Catalog, text: &str) -> Option<String> {
    if !text.contains(['*', '?']) {
        return catalog.action(text).map(|a| action(&a));
    }
    let matched = catalog.expand(text);
    let mut out = format!("**{text}**\n\nMatches {} action", matched.len());
    if matched.len() != 1 {
        out.push('s');
    }
    out.push_str(" today");
    let mut by_level: Vec<(crate::catalog::AccessLevel, usize)> = Vec::new();
    for a in &matched {
        let l = a.access_level();
        match by_level.iter_mut().find(|(x, _)| *x == l) {
            Some((_, n)) => *n += 1,
            None => by_level.push((l, 1)),
        }
    }
    by_level.sort();
    if !by_level.is_empty() {
        let levels: Vec<String> = by_level
            .iter()
            .map(|(l, n)| format!("{n} {}", l.as_str()))
            .collect();
        let _ = write!(out, " ({})", levels.join(", "));
    }
    out.push_str(".\n");
    if !matched.is_empty() {
        let names: Vec<String> = matched
            .iter()
            .map(|a| format!("`{}`", a.full_name()))
            .collect();
        let _ = writeln!(out, "\n{}", list(&names));
    }
    Some(out)
}

fn action(a: &Action<'_>) -> String {
    let svc = a.service();
    let mut out = format!("**{}**", a.full_name());
    if !svc.display_name().is_empty() {
        let _ = write!(out, " · {}", svc.display_name());
    }
    let _ = writeln!(out, "\n\nAccess level: {}", a.access_level().as_str());
    if !a.description().is_empty() {
        let _ = writeln!(out, "\n{}", a.description());
    }
    let resources = a.resource_types();
    if resources.is_empty() {
        out.push_str("\nResource types: none (the action applies with `on *` only).\n");
    } else {
        let items: Vec<String> = resources
            .iter()
            .map(|(r, required)| {
                let arn = r
                    .arn_formats()
                    .first()
                    .map(|f| format!(" `{f}`"))
                    .unwrap_or_default();
                format!(
                    "`{}`{}{arn}",
                    r.name(),
                    if *required { " (required)" } else { "" }
                )
            })
            .collect();
        let _ = writeln!(out, "\nResource types:");
        for i in items.iter().take(LIST_MAX) {
            let _ = writeln!(out, "- {i}");
        }
    }
    let mut keys: Vec<String> = a
        .condition_keys()
        .iter()
        .chain(
            resources
                .iter()
                .flat_map(|(r, _)| r.condition_keys())
                .collect::<Vec<_>>()
                .iter(),
        )
        .map(|k| format!("`{}`", k.name()))
        .collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        let _ = writeln!(out, "\nCondition keys: {}", list(&keys));
    }
    let deps: Vec<String> = a
        .dependent_actions()
        .iter()
        .map(|d| format!("`{}`", d.full_name()))
        .collect();
    if !deps.is_empty() {
        let _ = writeln!(out, "\nDependent actions: {}", list(&deps));
    }
    out
}

/// A condition key.
pub fn key(catalog: &Catalog, name: &str) -> Option<String> {
    let k = catalog.key(name.trim_end_matches('?'))?;
    Some(key_text(&k))
}

/// A condition key's description: its type, whether every request has it, its text.
pub fn key_text(k: &Key<'_>) -> String {
    let types: Vec<String> = k.types().iter().map(|t| format!("`{t}`")).collect();
    let mut out = format!("**{}**", k.name());
    if !types.is_empty() {
        let _ = write!(out, ": {}", types.join(" or "));
    }
    out.push_str("\n\n");
    out.push_str(if k.global() {
        "Global condition key"
    } else {
        "Service condition key"
    });
    if let Some(s) = k.service() {
        let _ = write!(out, " of `{}`", s.prefix());
    }
    out.push_str(". ");
    out.push_str(if always_present(k) {
        "Present on every request."
    } else {
        "Not on every request: a test on it is false (or, negated, true) when the key is absent; say `?` or `if exists` for \"absent or ...\"."
    });
    out.push('\n');
    if k.types().iter().any(|t| t.multivalued) {
        out.push_str(
            "\nMultivalued: test it with `any` (`ForAnyValue:`) or `all` (`ForAllValues:`).\n",
        );
    }
    if !k.description().is_empty() {
        let _ = writeln!(out, "\n{}", k.description());
    }
    out
}

/// Keys the catalog documents as present on every request (the checker reads the same
/// words, see `check::cond`).
pub fn always_present(k: &Key<'_>) -> bool {
    k.description().starts_with("Always present")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_keys_and_patterns_are_described_from_the_catalog() {
        let c = Catalog::embedded();
        let a = action_pattern(c, "s3:GetObject").unwrap_or_default();
        assert!(
            a.contains("**s3:GetObject**") && a.contains("Access level: Read"),
            "{a}"
        );
        assert!(a.contains("`object`"), "{a}");
        let p = action_pattern(c, "s3:GetObject*").unwrap_or_default();
        assert!(p.contains("Matches") && p.contains("`s3:GetObject`"), "{p}");
        let k = key(c, "aws:SourceIp").unwrap_or_default();
        assert!(k.contains("`IPAddress`") && k.contains("Global"), "{k}");
        assert!(key(c, "aws:SecureTransport")
            .unwrap_or_default()
            .contains("Present on every request"));
        assert!(service(c, "s3").unwrap_or_default().contains("actions"));
        assert_eq!(action_pattern(c, "s3:NoSuchAction"), None);
    }
}

//! Built-in functions: the actions of services at chosen access levels, resolved through
//! the catalog (docs/language.md, "Built-in functions").
//!
//! - `actions(services, levels)`: every action the catalog lists for the services at those
//!   levels, by name. A closed world: an action AWS adds later is not in the list, whatever
//!   its level.
//! - `action_wildcards(services, levels)`: the fewest `svc:Prefix*` patterns (cut at the
//!   words of the action names) that match exactly those catalog actions today. Compact, but
//!   an open world: a pattern also matches the actions AWS adds later under its prefix, at
//!   any level.
//!
//! Both take a service or a list of services and a level or a list of levels (the Service
//! Authorization Reference's names: `List`, `Read`, `Write`, `Permissions management`,
//! `Tagging`). Inside a template whose parameters are not known yet the result is a
//! symbolic list; the catalog is consulted at each `use`.

use super::types::{conform, SVal, Ty, Val};
use super::{Checker, Scope};
use crate::catalog::words::{word_count, word_prefix};
use crate::catalog::{AccessLevel, Catalog};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

/// The built-in functions, by name.
pub const BUILTINS: &[&str] = &["actions", "action_wildcards"];

/// The access levels a program can name, in the reference's spelling.
pub const LEVELS: &[AccessLevel] = &[
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

/// The level a string names (case-insensitive), if any.
pub fn level_named(text: &str) -> Option<AccessLevel> {
    LEVELS
        .iter()
        .copied()
        .find(|l| l.as_str().eq_ignore_ascii_case(text))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Builtin {
    Actions,
    Wildcards,
}

impl Checker<'_, '_> {
    /// Evaluates a built-in function call.
    pub(super) fn eval_call(
        &mut self,
        call: &ast::Call,
        span: Span,
        scope: Scope<'_>,
    ) -> Option<SVal> {
        let f = match call.name.node.as_str() {
            "actions" => Builtin::Actions,
            "action_wildcards" => Builtin::Wildcards,
            other => {
                let mut d = Diagnostic::new(
                    Code::E0201,
                    call.name.span,
                    format!("unknown function `{other}`"),
                );
                d = match suggest::closest(other, BUILTINS.iter().copied()) {
                    Some(s) => d
                        .with_help(format!("did you mean `{s}`?"))
                        .with_fix(call.name.span, s),
                    None => d.with_help(format!(
                        "the built-in functions are {}; templates are pulled in with `use`",
                        BUILTINS.join(" and ")
                    )),
                };
                self.err(d);
                return None;
            }
        };
        let [services, levels] = call.args.as_slice() else {
            self.err(
                Diagnostic::new(
                    Code::E0350,
                    span,
                    format!(
                        "`{}` takes 2 arguments, services and access levels; {} given",
                        call.name.node,
                        call.args.len()
                    ),
                )
                .with_help(format!(
                    "write `{}(s3, [\"Read\", \"List\"])`",
                    call.name.node
                )),
            );
            return None;
        };
        let services = self.call_argument(services, scope, &Ty::Service);
        let levels = self.call_argument(levels, scope, &Ty::AccessLevel);
        let (services, levels) = (services?, levels?);
        let item = match f {
            Builtin::Actions => Ty::Action,
            Builtin::Wildcards => Ty::ActionPattern,
        };
        let symbolic = |v: &SVal| matches!(v.val, Val::Sym(_));
        if services.iter().any(symbolic) || levels.iter().any(symbolic) {
            return Some(SVal::new(Val::Sym(Ty::List(Box::new(item))), span));
        }
        let wanted: Vec<AccessLevel> = levels
            .iter()
            .filter_map(|l| l.val.text().as_deref().and_then(level_named))
            .collect();
        let mut out = Vec::new();
        let mut ok = true;
        for s in &services {
            let Some(prefix) = s.val.text() else {
                continue;
            };
            if self.catalog.service(&prefix).is_none() {
                if self.in_std {
                    continue;
                }
                let mut d =
                    Diagnostic::new(Code::E0340, s.span, format!("unknown service `{prefix}`"));
                d = match self.catalog.suggest_service(&prefix) {
                    Some(x) => d
                        .with_help(format!("did you mean `{x}`?"))
                        .with_fix(s.span, x),
                    None => d.with_help("`iamc catalog search TEXT` lists services by name"),
                };
                self.err(d);
                ok = false;
                continue;
            }
            let names = match f {
                Builtin::Actions => actions_at(self.catalog, &prefix, &wanted),
                Builtin::Wildcards => wildcards_at(self.catalog, &prefix, &wanted),
            };
            out.extend(names.into_iter().map(|n| SVal::new(Val::Action(n), span)));
        }
        if !ok {
            return None;
        }
        if out.is_empty() && !self.in_std {
            let levels: Vec<&str> = wanted.iter().map(|l| l.as_str()).collect();
            self.err(
                Diagnostic::new(
                    Code::E0342,
                    span,
                    format!(
                        "no action of these services is at the level {} in the catalog",
                        levels.join(" or ")
                    ),
                )
                .with_help("`iamc catalog show SERVICE` lists a service's actions and levels"),
            );
            return None;
        }
        Some(SVal::new(Val::List(out), span))
    }

    /// One argument of a built-in: a value or a list of values of `ty`, flattened.
    fn call_argument(&mut self, e: &ast::Expr, scope: Scope<'_>, ty: &Ty) -> Option<Vec<SVal>> {
        let list = Ty::List(Box::new(ty.clone()));
        let v = self.eval_expr(e, scope, Some(&list))?;
        let mut out = Vec::new();
        let mut ok = true;
        for item in v.flatten() {
            match conform(&item, ty) {
                Ok(x) => out.push(x),
                Err(err) => {
                    self.mismatch(err);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

/// Every action of `service` at one of `levels`, as `svc:Name`, in catalog order.
pub fn actions_at(catalog: &Catalog, service: &str, levels: &[AccessLevel]) -> Vec<String> {
    let Some(s) = catalog.service(service) else {
        return Vec::new();
    };
    s.actions()
        .filter(|a| levels.contains(&a.access_level()))
        .map(|a| format!("{}:{}", s.prefix(), a.name()))
        .collect()
}

/// The fewest `svc:Prefix*` patterns, prefixes cut at the words of the action names
/// (`GetObject` is `Get`, `Object`), plus exact names where no pattern fits, that match
/// exactly the actions of `service` at `levels` among the catalog's actions; `svc:*` when
/// that is every action.
pub fn wildcards_at(catalog: &Catalog, service: &str, levels: &[AccessLevel]) -> Vec<String> {
    let Some(s) = catalog.service(service) else {
        return Vec::new();
    };
    let mut all: Vec<(String, bool)> = s
        .actions()
        .map(|a| (a.name().to_string(), levels.contains(&a.access_level())))
        .collect();
    all.sort_by_key(|(n, _)| n.to_ascii_lowercase());
    let lower: Vec<String> = all.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    let chosen: Vec<&str> = all
        .iter()
        .filter(|(_, c)| *c)
        .map(|(n, _)| n.as_str())
        .collect();
    let mut out: Vec<String> = Vec::new();
    cover(&all, &lower, &chosen, 0, &mut out);
    // Names that share a prefix without sharing its words (`GetObjects` among the
    // `GetObject...`s) may split a group, which then finds the same pattern twice.
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out.into_iter()
        .map(|p| format!("{}:{p}", s.prefix()))
        .collect()
}

/// Covers `names` (chosen actions sharing their first `words` words) with patterns.
fn cover(
    all: &[(String, bool)],
    lower: &[String],
    names: &[&str],
    words: usize,
    out: &mut Vec<String>,
) {
    let Some(first) = names.first() else {
        return;
    };
    let prefix = word_prefix(first, words);
    // `prefix*` is safe when every catalog action it matches is chosen.
    let lp = prefix.to_ascii_lowercase();
    let start = lower.partition_point(|n| n.as_str() < lp.as_str());
    let safe = lower
        .get(start..)
        .unwrap_or_default()
        .iter()
        .zip(all.get(start..).unwrap_or_default())
        .take_while(|(l, _)| l.starts_with(&lp))
        .all(|(_, (_, chosen))| *chosen);
    if safe {
        out.push(format!("{prefix}*"));
        return;
    }
    // Names that end here are written out; the others are covered one next word at a time.
    let mut i = 0;
    while let Some(name) = names.get(i) {
        if word_count(name) <= words {
            out.push((*name).to_string());
            i += 1;
            continue;
        }
        let next = word_prefix(name, words + 1);
        let mut j = i;
        while names
            .get(j)
            .is_some_and(|n| word_count(n) > words && word_prefix(n, words + 1) == next)
        {
            j += 1;
        }
        cover(
            all,
            lower,
            names.get(i..j).unwrap_or_default(),
            words + 1,
            out,
        );
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::pattern::Glob;

    /// The patterns match exactly the chosen catalog actions, for every level set of a
    /// few services of different shapes.
    #[test]
    fn wildcards_match_exactly_the_listed_actions_today() {
        let catalog = Catalog::embedded();
        let sets: Vec<Vec<AccessLevel>> = (1u32..32)
            .map(|m| {
                LEVELS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| m & (1 << i) != 0)
                    .map(|(_, l)| *l)
                    .collect()
            })
            .collect();
        for svc in [
            "s3",
            "iam",
            "ec2",
            "sts",
            "kms",
            "organizations",
            "cloudtrail",
        ] {
            let s = catalog.service(svc).unwrap();
            for levels in &sets {
                let listed = actions_at(catalog, svc, levels);
                let pats = wildcards_at(catalog, svc, levels);
                let globs: Vec<Glob> = pats
                    .iter()
                    .map(|p| Glob::new(p.split_once(':').unwrap().1))
                    .collect();
                for a in s.actions() {
                    let full = format!("{svc}:{}", a.name());
                    let matched = globs.iter().any(|g| g.matches(a.name()));
                    assert_eq!(
                        matched,
                        listed.contains(&full),
                        "{full} at {levels:?}: patterns {pats:?}"
                    );
                }
                assert!(pats.len() <= listed.len().max(1), "{svc} {levels:?}");
            }
        }
        // Every level: the whole service.
        assert_eq!(wildcards_at(catalog, "s3", LEVELS), ["s3:*"]);
        assert_eq!(
            level_named("permissions MANAGEMENT"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(level_named("Unknown"), None);
    }
}

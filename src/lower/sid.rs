//! Statement ids: `@sid("...")` wins; otherwise a readable id derived from the effect and
//! the first action (`AllowIamPassRole`, `DenyNotStsGetSessionToken`, `AllowAllActions`),
//! `Etc` when there are more actions. A rule that splits into several statements numbers
//! them (`X`, `X2`, `X3`); collisions get the next free number. Ids are ASCII
//! alphanumeric, as every policy type accepts.

use crate::diagnostics::{Code, Diagnostic};
use crate::policy::{Matcher, Statement};
use crate::source::Spanned;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

const MAX_LEN: usize = 100;

fn camel(part: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in part.chars() {
        if c == '*' {
            out.push_str("All");
            upper = true;
        } else if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// The derived id of a statement (before numbering).
pub fn derive(st: &Statement) -> String {
    let mut s = st.effect.as_str().to_string();
    let actions = match &st.action {
        Matcher::Is(a) => a,
        Matcher::Not(a) => {
            s.push_str("Not");
            a
        }
    };
    match actions.first().map(String::as_str) {
        Some("*") | None => s.push_str("AllActions"),
        Some(a) => {
            let (svc, name) = a.split_once(':').unwrap_or((a, ""));
            s.push_str(&camel(svc));
            s.push_str(&camel(name));
        }
    }
    if actions.len() > 1 {
        s.push_str("Etc");
    }
    s.truncate(MAX_LEN);
    s
}

/// Assigns ids in place. Each entry: the statement, the rule's `@sid`, and the index of
/// the statement among those of its rule.
pub fn assign(
    statements: &mut [(Statement, Option<Spanned<String>>, usize)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut explicit: BTreeMap<String, crate::source::Span> = BTreeMap::new();
    for (_, sid, i) in statements.iter() {
        if let (Some(s), 0) = (sid, i) {
            if let Some(prev) = explicit.get(&s.node) {
                diags.push(
                    Diagnostic::new(
                        Code::E0403,
                        s.span,
                        format!("statement id `{}` is used twice in this document", s.node),
                    )
                    .with_label(*prev, "first used here")
                    .with_help("statement ids must be unique within a policy"),
                );
            } else {
                explicit.insert(s.node.clone(), s.span);
                used.insert(s.node.clone());
            }
        }
    }
    let mut free_from: BTreeMap<String, usize> = BTreeMap::new();
    for (st, sid, i) in statements.iter_mut() {
        let (base, first) = match sid {
            Some(s) => (s.node.clone(), *i == 0),
            None => (derive(st), false),
        };
        if first {
            st.sid = Some(base);
            continue;
        }
        let start = if sid.is_some() { *i + 1 } else { 1 };
        // Numbers below `free_from` are taken already: without this, a document of many
        // statements with one derived id would try every earlier number each time.
        let known = free_from.get(&base).copied().unwrap_or(1);
        let mut n = start.max(known);
        loop {
            let cand = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            if !used.contains(&cand) {
                used.insert(cand.clone());
                st.sid = Some(cand);
                break;
            }
            n += 1;
        }
        if start <= known {
            free_from.insert(base, n + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Effect;

    fn st(effect: Effect, action: Matcher<Vec<String>>) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            action,
            resource: None,
            conditions: vec![],
        }
    }

    /// Runs `assign` on `v`: the ids it gave (empty for none) and its diagnostics.
    fn assigned(
        v: &mut [(Statement, Option<Spanned<String>>, usize)],
    ) -> (Vec<String>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        assign(v, &mut d);
        let ids = v
            .iter()
            .map(|(s, _, _)| s.sid.clone().unwrap_or_default())
            .collect();
        (ids, d)
    }

    #[test]
    fn derived_ids_are_readable_and_unique() {
        let mut v = vec![
            (
                st(Effect::Allow, Matcher::Is(vec!["iam:PassRole".into()])),
                None,
                0,
            ),
            (
                st(Effect::Allow, Matcher::Is(vec!["iam:PassRole".into()])),
                None,
                0,
            ),
            (
                st(
                    Effect::Deny,
                    Matcher::Not(vec!["sts:GetSessionToken".into(), "iam:*".into()]),
                ),
                None,
                0,
            ),
            (st(Effect::Allow, Matcher::Is(vec!["*".into()])), None, 0),
        ];
        let (ids, d) = assigned(&mut v);
        assert_eq!(
            ids,
            [
                "AllowIamPassRole",
                "AllowIamPassRole2",
                "DenyNotStsGetSessionTokenEtc",
                "AllowAllActions"
            ]
        );
        assert!(d.is_empty());
    }

    #[test]
    fn numbering_skips_taken_ids_in_order() {
        let get = || st(Effect::Allow, Matcher::Is(vec!["s3:GetObject".into()]));
        let sid = |t: &str| Some(Spanned::new(t.to_string(), crate::source::Span::default()));
        let mut v = vec![
            (get(), None, 0),
            (get(), sid("AllowS3GetObject3"), 0),
            (get(), None, 0),
            (get(), sid("AllowS3GetObject"), 1),
            (get(), None, 0),
            (get(), None, 0),
            (get(), sid("AllowS3GetObject"), 4),
            (get(), None, 0),
        ];
        let (ids, _) = assigned(&mut v);
        assert_eq!(
            ids,
            [
                "AllowS3GetObject",
                "AllowS3GetObject3",
                "AllowS3GetObject2",
                "AllowS3GetObject4",
                "AllowS3GetObject5",
                "AllowS3GetObject6",
                "AllowS3GetObject7",
                "AllowS3GetObject8",
            ]
        );
    }
}

//! Catalog checks over the typed IR (E0340-E0347): every action pattern names something AWS
//! has, every condition key exists and fits the statement's actions, every ARN fits a
//! resource type of the statement's actions.
//!
//! Statements with `*` or `NotAction` are judged on what they can match (everything), so the
//! key and ARN warnings stay quiet for them; wildcards are judged on what they expand to today.

use crate::catalog::{Action, Catalog, ResourceType};
use crate::check::ir::{CondExpr, Program, Property, Rule};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::policy::Matcher;
use crate::source::{FileId, Span, Spanned};
use std::collections::BTreeSet;

/// Runs every catalog check; diagnostics come back sorted and without duplicates (rules
/// expanded from one template several times report once).
pub fn check_program(program: &Program, catalog: &Catalog) -> Vec<Diagnostic> {
    check_program_except(program, catalog, &|_| false)
}

/// [`check_program`] without the documents and proofs declared in the files `skip`
/// accepts: the analysis of a project leaves out the standard library's own examples, which
/// the test suite checks once (`tests/it/stdlib.rs`), rather than every build (their
/// `*:Get*` patterns alone cost more than a small project's whole analysis).
pub fn check_program_except(
    program: &Program,
    catalog: &Catalog,
    skip: &dyn Fn(FileId) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut expansions = Expansions::default();
    for doc in program.documents.iter().filter(|d| !skip(d.span.file)) {
        for rule in &doc.rules {
            rule_against_catalog(rule, catalog, &mut expansions, &mut out);
        }
    }
    for proof in program.proofs.iter().filter(|p| !skip(p.span.file)) {
        for prop in &proof.properties {
            if let Property::Request {
                actions,
                condition,
                except,
                ..
            } = prop
            {
                for a in actions.inner().iter().chain(except) {
                    resolve_action(a, catalog, &mut expansions, &mut out);
                }
                if let Some(c) = condition {
                    for key in keys_of(c) {
                        resolve_key(key, catalog, &mut out);
                    }
                }
            }
        }
    }
    diagnostics::finish(&mut out);
    out
}

/// What one action pattern stands for.
enum Resolved<'c> {
    /// `*`: every action.
    Everything,
    /// A literal action.
    One(Action<'c>),
    /// A wildcard pattern and what it matches today.
    Many(Vec<Action<'c>>),
    /// Unknown or retired: already reported, and not used for the other checks.
    Unknown,
}

fn replace_fix(d: Diagnostic, at: &Spanned<String>, replacement: String) -> Diagnostic {
    // Only offer an edit when the span is exactly the text (not a template argument).
    if at.span.len() as usize == at.node.len() {
        d.with_fix(at.span, replacement)
    } else {
        d
    }
}

/// What each wildcard pattern matched, so that a pattern written many times (`*:Get*` in a
/// policy and in its proofs) is expanded over the catalog once per analysis.
type Expansions<'c> = std::collections::HashMap<String, Vec<Action<'c>>>;

fn resolve_action<'c>(
    pat: &Spanned<String>,
    catalog: &'c Catalog,
    expansions: &mut Expansions<'c>,
    out: &mut Vec<Diagnostic>,
) -> Resolved<'c> {
    let text = pat.node.as_str();
    if !text.is_empty() && text.chars().all(|c| c == '*') {
        return Resolved::Everything;
    }
    let Some((svc, name)) = text.split_once(':') else {
        out.push(
            Diagnostic::new(Code::E0341, pat.span, format!("`{text}` is not an action"))
                .with_help("write actions as `service:Action`, e.g. `s3:GetObject`"),
        );
        return Resolved::Unknown;
    };
    let wild = |s: &str| s.contains(['*', '?']);
    if !wild(svc) {
        match catalog.service(svc) {
            None => {
                let mut d = Diagnostic::new(
                    Code::E0340,
                    pat.span,
                    format!("unknown service `{svc}` in `{text}`"),
                );
                match catalog.suggest_service(svc) {
                    Some(s) => {
                        d = d.with_help(format!("did you mean `{s}`?"));
                        d = replace_fix(d, pat, format!("{s}:{name}"));
                    }
                    None => {
                        d = d.with_help("`iamc catalog search TEXT` lists services by name");
                    }
                }
                out.push(d);
                return Resolved::Unknown;
            }
            Some(s) if s.retired() => {
                out.push(
                    Diagnostic::new(
                        Code::W0347,
                        pat.span,
                        format!("service `{}` is retired", s.prefix()),
                    )
                    .with_help("AWS no longer lists this service; its actions grant nothing today"),
                );
                return Resolved::Unknown;
            }
            Some(_) => {}
        }
    }
    if !wild(text) {
        if let Some(a) = catalog.action(text) {
            return Resolved::One(a);
        }
        let mut d = Diagnostic::new(Code::E0341, pat.span, format!("unknown action `{text}`"));
        match catalog.suggest_action(text) {
            Some(s) => {
                d = d.with_help(format!("did you mean `{s}`?"));
                d = replace_fix(d, pat, s);
            }
            None => {
                d = d.with_help(format!(
                    "`iamc catalog show {svc}` lists the service's actions"
                ));
            }
        }
        out.push(d);
        return Resolved::Unknown;
    }
    let matched = expansions
        .entry(text.to_ascii_lowercase())
        .or_insert_with(|| catalog.expand(text))
        .clone();
    if matched.is_empty() {
        let d = Diagnostic::new(Code::E0342, pat.span, format!("`{text}` matches no action"));
        out.push(match catalog.suggest_pattern(text) {
            Some(s) => {
                let d = d.with_help(format!("did you mean `{s}`?"));
                replace_fix(d, pat, s)
            }
            None => d.with_help("`iamc expand PATTERN` shows what a pattern matches"),
        });
        return Resolved::Unknown;
    }
    Resolved::Many(matched)
}

/// The key spans of every atom in a condition.
fn keys_of(c: &CondExpr) -> Vec<&Spanned<String>> {
    let mut out = Vec::new();
    let mut stack = vec![c];
    while let Some(c) = stack.pop() {
        match c {
            CondExpr::And(xs) | CondExpr::Or(xs) => stack.extend(xs.iter().rev()),
            CondExpr::Not(x) => stack.push(x),
            CondExpr::Atom(a) => out.push(&a.key),
            CondExpr::Const(_) => {}
        }
    }
    out
}

/// Reports an unknown key; returns the catalog entry otherwise. Keys of providers the
/// catalog cannot know (OIDC issuers such as `oidc.example.com:sub`) pass silently.
fn resolve_key<'c>(
    key: &Spanned<String>,
    catalog: &'c Catalog,
    out: &mut Vec<Diagnostic>,
) -> Option<crate::catalog::Key<'c>> {
    if let Some(k) = catalog.key(&key.node) {
        return Some(k);
    }
    let name = key.node.as_str();
    let prefix = name.split_once(':').map(|(p, _)| p).unwrap_or(name);
    let known_prefix = prefix.eq_ignore_ascii_case("aws") || catalog.service(prefix).is_some();
    if !known_prefix && prefix.contains('.') {
        oidc_claim(key, catalog, out);
        return None;
    }
    let mut d = Diagnostic::new(
        Code::E0343,
        key.span,
        format!("unknown condition key `{name}`"),
    );
    if let Some(s) = catalog.suggest_key(name) {
        d = d.with_help(format!("did you mean `{s}`?"));
        d = replace_fix(d, key, s);
    } else if !known_prefix {
        d = d.with_help(format!("`{prefix}` is not a service prefix nor `aws`"));
    } else {
        d = d.with_help(format!(
            "`iamc catalog search {prefix}:` lists the known keys"
        ));
    }
    out.push(d);
    None
}

/// A key of an identity provider (`token.actions.githubusercontent.com:sub`). Providers the
/// catalog lists keys for (GitHub, GitLab, Google, Cognito, ...) are judged: the claim must
/// be one of the generic OIDC claims or one the catalog lists for that provider. Other
/// issuers (`oidc.example.com`) are unknown to us and pass.
fn oidc_claim(key: &Spanned<String>, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let Some(pc) = catalog.provider_claim(&key.node) else {
        return;
    };
    let Some((all, closest)) = pc.alternatives() else {
        return;
    };
    let mut d = Diagnostic::new(
        Code::E0343,
        key.span,
        format!(
            "`{}` is not a condition key of the identity provider `{}`",
            pc.claim, pc.provider
        ),
    );
    match closest {
        Some(s) => {
            d = d.with_help(format!("did you mean `{s}`?"));
            d = replace_fix(d, key, s);
        }
        None => {
            d = d.with_help(format!(
                "AWS passes these claims as keys: {}",
                all.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out.push(d);
}

fn names(actions: &[Action<'_>], limit: usize) -> String {
    let mut list: Vec<String> = actions
        .iter()
        .take(limit)
        .map(|a| format!("`{}`", a.full_name()))
        .collect();
    if actions.len() > limit {
        list.push(format!("{} more", actions.len() - limit));
    }
    list.join(", ")
}

fn rule_against_catalog<'c>(
    rule: &Rule,
    catalog: &'c Catalog,
    expansions: &mut Expansions<'c>,
    out: &mut Vec<Diagnostic>,
) {
    let mut everything = matches!(rule.actions, Matcher::Not(_));
    let mut literal: Vec<(Action<'_>, Span)> = Vec::new();
    let mut all: Vec<Action<'_>> = Vec::new();
    let mut unknown = false;
    for pat in rule.actions.inner() {
        match resolve_action(pat, catalog, expansions, out) {
            Resolved::Everything => everything = true,
            Resolved::One(a) => {
                literal.push((a, pat.span));
                all.push(a);
            }
            Resolved::Many(xs) => all.extend(xs),
            Resolved::Unknown => unknown = true,
        }
    }
    let mut seen = BTreeSet::new();
    all.retain(|a| seen.insert(a.id));
    // With `*`, `NotAction` or an unknown action the statement's reach is not known here.
    let judge = !everything && !unknown && !all.is_empty();

    if let Some(cond) = &rule.condition {
        for key in keys_of(cond) {
            let Some(k) = resolve_key(key, catalog, out) else {
                continue;
            };
            if !judge || k.global() || all.iter().any(|a| a.supports_key(k.id)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::W0344,
                    key.span,
                    format!(
                        "condition key `{}` is not supported by {}",
                        key.node,
                        names(&all, 3)
                    ),
                )
                .with_help(
                    "the key is absent from these requests, so the condition never matches as written (`iamc catalog show ACTION` lists the keys an action supports)",
                ),
            );
        }
    }

    let Some(Matcher::Is(resources)) = &rule.resources else {
        return;
    };
    if !judge {
        return;
    }
    let any_star = resources.iter().any(|r| r.node == "*");
    let specific: Vec<&Spanned<String>> = resources.iter().filter(|r| r.node != "*").collect();
    if let Some(first) = specific.first() {
        if !any_star {
            for (a, span) in &literal {
                if a.resource_types().is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::W0346,
                            *span,
                            format!("`{}` has no resource-level permissions", a.full_name()),
                        )
                        .with_label(first.span, "it never matches this resource")
                        .with_help(
                            "the action only applies with `on *`; give it a rule of its own",
                        ),
                    );
                }
            }
        }
    }
    let mut types: Vec<ResourceType<'_>> = Vec::new();
    let mut type_seen = BTreeSet::new();
    for a in &all {
        for (r, _) in a.resource_types() {
            if type_seen.insert(r.id) {
                types.push(r);
            }
        }
    }
    if types.is_empty() {
        return;
    }
    for r in specific {
        if types.iter().any(|t| t.fits(&r.node)) {
            continue;
        }
        let expected: Vec<String> = types
            .iter()
            .take(4)
            .map(|t| {
                format!(
                    "`{}` ({})",
                    t.name(),
                    t.arn_formats().first().copied().unwrap_or("")
                )
            })
            .collect();
        let more = if types.len() > 4 {
            format!(" and {} more", types.len() - 4)
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                Code::W0345,
                r.span,
                format!(
                    "`{}` matches no resource type of {}",
                    r.node,
                    names(&all, 3)
                ),
            )
            .with_help(format!(
                "the actions apply to {}{more}",
                expected.join(", ")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{Atom, Document, RuleOrigin};
    use crate::policy::{BaseOperator, DocumentKind, Effect, Operator};
    use crate::source::FileId;
    use std::cell::Cell;

    /// Hands out distinct spans whose length is the text's, like a parser would.
    struct Spans(Cell<usize>);

    impl Spans {
        fn new() -> Spans {
            Spans(Cell::new(0))
        }
        fn sp(&self, text: &str) -> Spanned<String> {
            let start = self.0.get();
            self.0.set(start + text.len() + 1);
            Spanned::new(
                text.to_string(),
                Span::new(FileId(0), start, start + text.len()),
            )
        }
    }

    fn rule(
        s: &Spans,
        actions: &[&str],
        resources: &[&str],
        keys: &[&str],
        not_action: bool,
    ) -> Rule {
        let acts: Vec<_> = actions.iter().map(|a| s.sp(a)).collect();
        let res: Vec<_> = resources.iter().map(|r| s.sp(r)).collect();
        let atoms: Vec<CondExpr> = keys
            .iter()
            .map(|k| {
                CondExpr::Atom(Atom {
                    operator: Operator::plain(BaseOperator::StringEquals),
                    key: s.sp(k),
                    values: vec![s.sp("x")],
                    span: Span::default(),
                })
            })
            .collect();
        Rule {
            sid: None,
            effect: Effect::Allow,
            actions: if not_action {
                Matcher::Not(acts)
            } else {
                Matcher::Is(acts)
            },
            principals: None,
            resources: Some(Matcher::Is(res)),
            condition: (!atoms.is_empty()).then_some(CondExpr::And(atoms)),
            origin: RuleOrigin::Direct,
            provenance: Default::default(),
            span: Span::default(),
        }
    }

    fn run(rules: Vec<Rule>) -> Vec<Diagnostic> {
        let program = Program {
            documents: vec![Document {
                name: Spanned::new("P".into(), Span::default()),
                module: "m".into(),
                kind: DocumentKind::Identity,
                doc: None,
                rules,
                target: None,
                span: Span::default(),
            }],
            ..Program::default()
        };
        check_program(&program, Catalog::embedded())
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code.as_str()).collect()
    }

    fn one(actions: &[&str], resources: &[&str], keys: &[&str]) -> Vec<Diagnostic> {
        let s = Spans::new();
        run(vec![rule(&s, actions, resources, keys, false)])
    }

    #[test]
    fn good_rules_are_quiet() {
        assert!(one(
            &["s3:GetObject", "s3:PutObject"],
            &["arn:aws:s3:::b/*"],
            &["aws:SourceIp"]
        )
        .is_empty());
        assert!(one(&["s3:ListBucket"], &["arn:aws:s3:::b"], &["s3:prefix"]).is_empty());
        assert!(one(&["S3:getobject"], &["*"], &[]).is_empty());
        assert!(one(
            &["s3:Get*", "*:Describe*"],
            &["*"],
            &["aws:PrincipalTag/team"]
        )
        .is_empty());
        assert!(one(
            &["iam:PassRole"],
            &["arn:aws:iam::123456789012:role/app"],
            &["iam:PassedToService"]
        )
        .is_empty());
        assert!(one(&["*"], &["arn:aws:s3:::b"], &["s3:prefix"]).is_empty());
        assert!(one(&["oidc:Foo*"], &["*"], &[]).len() == 1);
        assert!(one(&["s3:GetObject"], &["*"], &["token.example.com:sub"]).is_empty());
    }

    #[test]
    fn unknown_action_has_a_suggestion_and_fix() {
        let d = one(&["s3:GetObjects"], &["*"], &[]);
        assert_eq!(codes(&d), ["E0341"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `s3:GetObject`?"));
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(fix.replacement, "s3:GetObject");
        assert_eq!(fix.span, d[0].primary);
    }

    #[test]
    fn unknown_service_and_retired_service() {
        let d = one(&["s4:GetObject"], &["*"], &[]);
        assert_eq!(codes(&d), ["E0340"]);
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "s3:GetObject");
        assert_eq!(codes(&one(&["deeplens:GetDevice"], &["*"], &[])), ["W0347"]);
    }

    #[test]
    fn wildcard_matching_nothing() {
        assert_eq!(codes(&one(&["s3:Gett*"], &["*"], &[])), ["E0342"]);
        assert_eq!(codes(&one(&["*:Zzz*"], &["*"], &[])), ["E0342"]);
    }

    #[test]
    fn unknown_keys() {
        let d = one(&["s3:GetObject"], &["*"], &["aws:SourceIpp"]);
        assert_eq!(codes(&d), ["E0343"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `aws:SourceIp`?"));
        assert_eq!(
            codes(&one(&["s3:GetObject"], &["*"], &["s3:prefixx"])),
            ["E0343"]
        );
        assert_eq!(
            codes(&one(&["s3:GetObject"], &["*"], &["foo:bar"])),
            ["E0343"]
        );
    }

    #[test]
    fn unsupported_key_names_the_actions() {
        let d = one(&["s3:GetObject"], &["*"], &["s3:prefix"]);
        assert_eq!(codes(&d), ["W0344"]);
        assert!(d[0].message.contains("`s3:GetObject`"), "{}", d[0].message);
        // Judged on what wildcards match: s3:List* includes ListBucket.
        assert!(one(&["s3:List*"], &["*"], &["s3:prefix"]).is_empty());
        // Global keys are always fine; so is NotAction.
        assert!(one(&["s3:GetObject"], &["*"], &["aws:CurrentTime"]).is_empty());
        let s = Spans::new();
        assert!(run(vec![rule(
            &s,
            &["s3:GetObject"],
            &["*"],
            &["s3:prefix"],
            true
        )])
        .is_empty());
    }

    #[test]
    fn resource_checks() {
        let d = one(&["s3:ListBucket"], &["arn:aws:s3:::b/*"], &[]);
        assert_eq!(codes(&d), ["W0345"]);
        assert!(d[0].help.as_deref().unwrap().contains("`bucket`"));
        let d = one(&["s3:ListAllMyBuckets"], &["arn:aws:s3:::b"], &[]);
        assert_eq!(codes(&d), ["W0346"]);
        // Allowed together with `*`: the action still applies.
        assert!(one(&["s3:ListAllMyBuckets"], &["arn:aws:s3:::b", "*"], &[]).is_empty());
        assert!(one(&["s3:Get*"], &["arn:aws:s3:::b/*"], &[]).is_empty());
        assert_eq!(
            codes(&one(&["s3:Get*"], &["arn:aws:iam::1:role/x"], &[])),
            ["W0345"]
        );
    }

    #[test]
    fn template_duplicates_report_once() {
        let s = Spans::new();
        let r = rule(&s, &["s3:GetObjects"], &["*"], &[], false);
        assert_eq!(run(vec![r.clone(), r]).len(), 1);
    }
}

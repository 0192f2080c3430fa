//! Smaller documents, same meaning: documents over or near their size budget have
//! statements merged and action lists collapsed into wildcards, each change kept only when
//! the prover shows the document's meaning unchanged over the open world
//! (docs/lowering.md, "Smaller documents, same meaning").
//!
//! "Unchanged" is checked in a way that holds wherever the document is used (next to other
//! identity policies, at an SCP level beside `FullAWSAccess`, as a boundary): the changed
//! document must be `equivalent` to the original (the same requests allowed and not denied),
//! and its deny statements alone, read as allows, equivalent to the original's (the same
//! requests explicitly denied). A guard that only denies is therefore never widened, even
//! though alone it allows nothing either way. A proof that is not exhaustive (a policy
//! variable explored through representative values, or a budget that ran out) keeps the
//! document as it was.
//!
//! A wildcard is kept only when the actions it adds are decided alike by the rest of the
//! document, including actions AWS has not published: `s3:Get*` is not today's list of
//! `s3:Get...` actions, and the prover says so with an invented one. So an explicit list of
//! actions is never replaced by a pattern that grants more; it shrinks only where the
//! document already decides the pattern's other actions the same way (a deny of actions no
//! statement allows, a list another statement already covers).

use crate::analysis::Analysis;
use crate::catalog::pattern::Glob;
use crate::catalog::words::{word_count, word_prefix};
use crate::catalog::Catalog;
use crate::diagnostics::Code;
use crate::lower::{self, StatementOrigin};
use crate::policy::json::Layout;
use crate::policy::{Document, DocumentKind, Effect, Matcher, Statement};
use crate::prove::driver::side_of;
use crate::prove::search::Limits;
use crate::prove::subject::Subject;
use crate::prove::{decide, Placed, Property, Side, Verdict};

/// A document is compacted once it exceeds this share of its budget (in percent).
pub const NEAR_BUDGET_PERCENT: usize = 90;

/// How many collapses into a wildcard are tried on one document (each costs two proofs).
pub const MAX_COLLAPSE_TRIES: usize = 64;

/// What compaction did to one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saving {
    /// Index into `Analysis::documents`.
    pub document: usize,
    pub name: String,
    /// Characters AWS counts, before and after.
    pub before: usize,
    pub after: usize,
    pub statements_before: usize,
    pub statements_after: usize,
    /// Changes the prover accepted, and those it refused (meaning would change).
    pub accepted: usize,
    pub refused: usize,
}

/// Compacts every user document of `analysis` over [`NEAR_BUDGET_PERCENT`] of its budget,
/// updating the document, its statement origins and size, and the E0404 diagnostic
/// (removed when the document now fits, otherwise saying what merging saved). Does nothing
/// when the analysis has an error other than E0404. `expired` bounds each proof (the clock
/// is the caller's: the core reads none).
pub fn compact(
    analysis: &mut Analysis,
    catalog: &Catalog,
    layout: Layout,
    limits: Limits,
    expired: &dyn Fn() -> bool,
) -> Vec<Saving> {
    let blocking = analysis
        .diagnostics
        .iter()
        .any(|d| d.is_error() && d.code != Code::E0404);
    if blocking {
        return Vec::new();
    }
    let mut savings = Vec::new();
    for i in 0..analysis.documents.len() {
        let Some(d) = analysis.documents.get(i) else {
            continue;
        };
        if d.is_std || d.size * 100 <= d.budget * NEAR_BUDGET_PERCENT {
            continue;
        }
        let checker = Checker {
            catalog,
            side: side_of(d.kind),
            limits,
            expired,
        };
        let before = d.size;
        let statements_before = d.document.statements.len();
        let sids = explicit_sids(analysis, i, &d.origins);
        let mut work = Work {
            doc: d.document.clone(),
            origins: d.origins.clone(),
            sids,
        };
        let original = d.document.clone();
        let (accepted, refused) = shrink(&mut work, &original, d.kind, &checker);
        if accepted == 0 {
            if refused > 0 {
                savings.push(Saving {
                    document: i,
                    name: d.name.clone(),
                    before,
                    after: before,
                    statements_before,
                    statements_after: statements_before,
                    accepted,
                    refused,
                });
            }
            continue;
        }
        rename(&mut work);
        let after = lower::counted_size(&work.doc, d.kind, layout);
        let (name, span, budget) = (d.name.clone(), d.span, d.budget);
        if let Some(d) = analysis.documents.get_mut(i) {
            d.document = work.doc;
            d.origins = work.origins;
            d.size = after;
        }
        update_budget_diagnostic(analysis, span, before, after, budget);
        savings.push(Saving {
            document: i,
            name,
            before,
            after,
            statements_before,
            statements_after: analysis
                .documents
                .get(i)
                .map_or(0, |d| d.document.statements.len()),
            accepted,
            refused,
        });
    }
    savings
}

/// What [`compact`] does to one document, whatever its size, outside any analysis (every
/// statement is taken as coming from a rule of its own, none named with `@sid`): the
/// smaller document and the number of changes accepted and refused. For tests and tools
/// that compare the result with the original.
pub fn compact_document(
    doc: &Document,
    kind: DocumentKind,
    catalog: &Catalog,
    limits: Limits,
    expired: &dyn Fn() -> bool,
) -> (Document, usize, usize) {
    let checker = Checker {
        catalog,
        side: side_of(kind),
        limits,
        expired,
    };
    let mut work = Work {
        doc: doc.clone(),
        origins: (0..doc.statements.len())
            .map(|rule_index| StatementOrigin {
                rule_index,
                rule: crate::source::Span::default(),
                use_sites: Vec::new(),
            })
            .collect(),
        sids: vec![None; doc.statements.len()],
    };
    let (accepted, refused) = shrink(&mut work, doc, kind, &checker);
    if accepted > 0 {
        rename(&mut work);
    }
    (work.doc, accepted, refused)
}

/// Removes the document's E0404 when it now fits; otherwise says what merging saved.
fn update_budget_diagnostic(
    analysis: &mut Analysis,
    span: crate::source::Span,
    before: usize,
    after: usize,
    budget: usize,
) {
    if after <= budget {
        analysis
            .diagnostics
            .retain(|d| !(d.code == Code::E0404 && d.primary == span));
        return;
    }
    for d in analysis
        .diagnostics
        .iter_mut()
        .filter(|d| d.code == Code::E0404 && d.primary == span)
    {
        d.message = d
            .message
            .replacen(&format!(" is {before} "), &format!(" is {after} "), 1);
        d.help = Some(format!(
            "merging what the prover shows equivalent took it from {before} to {after}; the rest cannot be merged without changing what it allows (a wildcard would also grant actions AWS adds later): split it into several documents"
        ));
    }
}

/// The document being compacted, with one origin and one `@sid` (if written) per statement.
struct Work {
    doc: Document,
    origins: Vec<StatementOrigin>,
    /// The `@sid` of each statement's rule. A statement with one is never merged: the user
    /// named it, and a merge would change what the name stands for or drop it.
    sids: Vec<Option<crate::source::Spanned<String>>>,
}

/// The `@sid` written on the rule of each statement of document `i`.
fn explicit_sids(
    analysis: &Analysis,
    i: usize,
    origins: &[StatementOrigin],
) -> Vec<Option<crate::source::Spanned<String>>> {
    let rules = analysis.program.documents.get(i).map(|d| &d.rules);
    origins
        .iter()
        .map(|o| {
            rules
                .and_then(|r| r.get(o.rule_index))
                .and_then(|r| r.sid.clone())
        })
        .collect()
}

/// Statement ids after merging, by the lowering's own rule (`lower::sid`): a merged
/// statement's derived id says what it now holds (`AllowS3GetObjectEtc`); written ids stay.
fn rename(work: &mut Work) {
    let mut seen: std::collections::BTreeMap<usize, usize> = Default::default();
    let mut entries: Vec<_> = work
        .doc
        .statements
        .iter()
        .enumerate()
        .map(|(k, st)| {
            let rule = work.origins.get(k).map_or(usize::MAX - k, |o| o.rule_index);
            let n = seen.entry(rule).or_default();
            let index = *n;
            *n += 1;
            (st.clone(), work.sids.get(k).cloned().flatten(), index)
        })
        .collect();
    // The written ids were checked when the document was lowered (E0403).
    lower::sid::assign(&mut entries, &mut Vec::new());
    for (st, (renamed, _, _)) in work.doc.statements.iter_mut().zip(entries) {
        st.sid = renamed.sid;
    }
}

struct Checker<'a> {
    catalog: &'a Catalog,
    side: Side,
    limits: Limits,
    expired: &'a dyn Fn() -> bool,
}

impl Checker<'_> {
    /// Whether `candidate` means what `original` means wherever it is used.
    fn same_meaning(&self, candidate: &Document, original: &Document) -> bool {
        self.equivalent(candidate, original)
            && self.equivalent(&denies_as_allows(candidate), &denies_as_allows(original))
    }

    fn equivalent(&self, a: &Document, b: &Document) -> bool {
        if a == b {
            return true;
        }
        let subject = Subject::Document(Placed { doc: a, decl: 0 }, self.side);
        let property = Property::Equivalent(Placed { doc: b, decl: 1 }, self.side);
        match decide(&subject, &property, self.catalog, self.limits, self.expired) {
            Ok(d) => matches!(d.verdict, Verdict::Proved { .. }) && !d.sampled_variables,
            Err(_) => false,
        }
    }
}

/// The deny statements of a document, as allows: what it explicitly denies becomes what
/// this document allows. Statements with `NotPrincipal` cannot be read as allows and stay
/// out; a document with one is never changed (see `shrink`).
fn denies_as_allows(d: &Document) -> Document {
    Document {
        version: d.version,
        id: None,
        statements: d
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .map(|s| Statement {
                sid: None,
                effect: Effect::Allow,
                ..s.clone()
            })
            .collect(),
    }
}

/// Applies every change the prover accepts: merges of statements first, then collapses of
/// action lists. Returns (accepted, refused).
fn shrink(
    work: &mut Work,
    original: &Document,
    kind: DocumentKind,
    checker: &Checker<'_>,
) -> (usize, usize) {
    let not_principal = original
        .statements
        .iter()
        .any(|s| matches!(s.principal, Some(Matcher::Not(_))));
    if not_principal {
        return (0, 0);
    }
    let mut accepted = 0;
    let mut refused = 0;
    // Merges, all at once: a statement with the union of two lists means what the two
    // meant, and the prover confirms it (a budget running out refuses them all).
    let merged = merge_all(work);
    if merged.doc.statements.len() < work.doc.statements.len() {
        if checker.same_meaning(&merged.doc, original) {
            accepted += work.doc.statements.len() - merged.doc.statements.len();
            *work = merged;
        } else {
            refused += 1;
        }
    }
    // Collapses of one statement's actions of one service into a wildcard. The action
    // lists' matchers and the size are made once per version of the document: a list of
    // thousands of actions has thousands of candidates. The clock is read at each
    // candidate, so a huge document gives up in time rather than after every candidate.
    let mut tries = 0;
    let mut i = 0;
    let mut matchers = ActionMatchers::of(&work.doc);
    let mut size = lower::counted_size(&work.doc, kind, Layout::Minified);
    'statements: while i < work.doc.statements.len() && tries < MAX_COLLAPSE_TRIES {
        for pattern in collapse_candidates(work.doc.statements.get(i)) {
            if tries >= MAX_COLLAPSE_TRIES || (checker.expired)() {
                break 'statements;
            }
            if !covered_elsewhere(&work.doc, &matchers, i, &pattern) {
                continue;
            }
            let Some(candidate) = collapsed(&work.doc, i, &pattern) else {
                continue;
            };
            let candidate_size = lower::counted_size(&candidate, kind, Layout::Minified);
            if candidate_size >= size {
                continue;
            }
            tries += 1;
            if checker.same_meaning(&candidate, original) {
                work.doc = candidate;
                matchers = ActionMatchers::of(&work.doc);
                size = candidate_size;
                accepted += 1;
            } else {
                refused += 1;
            }
        }
        i += 1;
    }
    (accepted, refused)
}

/// Each statement's `Action` (or `NotAction`) entries as matchers, made once.
struct ActionMatchers(Vec<Vec<Glob>>);

impl ActionMatchers {
    fn of(doc: &Document) -> ActionMatchers {
        ActionMatchers(
            doc.statements
                .iter()
                .map(|s| match &s.action {
                    Matcher::Is(xs) | Matcher::Not(xs) => xs.iter().map(|x| Glob::new(x)).collect(),
                })
                .collect(),
        )
    }

    /// Whether statement `i`'s `Action` (or `NotAction`) element matches `action`.
    fn matches(&self, doc: &Document, i: usize, action: &str) -> bool {
        let any = self
            .0
            .get(i)
            .is_some_and(|globs| globs.iter().any(|g| g.matches(action)));
        match doc.statements.get(i).map(|s| &s.action) {
            Some(Matcher::Is(_)) => any,
            Some(Matcher::Not(_)) => !any,
            None => false,
        }
    }
}

/// Two statements that differ only in their `Action` (or only in their `Resource`) lists,
/// both positive, can be one statement with the union of the lists.
fn mergeable(a: &Statement, b: &Statement) -> Option<Part> {
    if a.effect != b.effect || a.principal != b.principal || !same_conditions(a, b) {
        return None;
    }
    match (&a.action, &b.action, &a.resource, &b.resource) {
        (Matcher::Is(_), Matcher::Is(_), ra, rb) if ra == rb => Some(Part::Actions),
        (x, y, Some(Matcher::Is(_)), Some(Matcher::Is(_))) if x == y => Some(Part::Resources),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Actions,
    Resources,
}

fn same_conditions(a: &Statement, b: &Statement) -> bool {
    conditions_of(a) == conditions_of(b)
}

/// A statement's conditions in a form that compares as IAM reads them: keys ignore case,
/// and neither the conditions' nor a condition's values' order matters.
fn conditions_of(s: &Statement) -> Vec<(crate::policy::Operator, String, Vec<String>)> {
    let mut v: Vec<_> = s
        .conditions
        .iter()
        .map(|c| {
            let mut values = c.values.clone();
            values.sort();
            (c.operator, c.key.to_ascii_lowercase(), values)
        })
        .collect();
    v.sort();
    v
}

/// `into` with `from`'s list of `part` added (without duplicates).
fn absorb(into: &mut Statement, from: &Statement, part: Part) {
    let (dst, src) = match part {
        Part::Actions => (Some(&mut into.action), Some(&from.action)),
        Part::Resources => (into.resource.as_mut(), from.resource.as_ref()),
    };
    if let (Some(Matcher::Is(dst)), Some(Matcher::Is(src))) = (dst, src) {
        for s in src {
            let dup = match part {
                Part::Actions => dst.iter().any(|d| d.eq_ignore_ascii_case(s)),
                Part::Resources => dst.contains(s),
            };
            if !dup {
                dst.push(s.clone());
            }
        }
    }
}

/// Every merge at once: each statement absorbs the later ones it can.
fn merge_all(work: &Work) -> Work {
    let mut out = Work {
        doc: Document {
            statements: Vec::new(),
            ..work.doc.clone()
        },
        origins: Vec::new(),
        sids: Vec::new(),
    };
    let named = |k: usize| work.sids.get(k).is_some_and(Option::is_some);
    let mut used = vec![false; work.doc.statements.len()];
    for (i, s) in work.doc.statements.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let mut s = s.clone();
        for (j, t) in work.doc.statements.iter().enumerate().skip(i + 1) {
            if named(i) || named(j) || used.get(j).copied().unwrap_or(true) {
                continue;
            }
            if let Some(part) = mergeable(&s, t) {
                absorb(&mut s, t, part);
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
            }
        }
        out.doc.statements.push(s);
        if let Some(o) = work.origins.get(i) {
            out.origins.push(o.clone());
        }
        out.sids.push(work.sids.get(i).cloned().flatten());
    }
    out
}

/// Wildcards that could replace two or more of a statement's actions of one service, the
/// coarsest first: `svc:*`, then `svc:Word*` for a first word shared by two or more actions,
/// then longer word prefixes.
fn collapse_candidates(st: Option<&Statement>) -> Vec<String> {
    let Some(Matcher::Is(actions)) = st.map(|s| &s.action) else {
        return Vec::new();
    };
    let mut by_service: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for a in actions {
        if let Some((svc, name)) = a.split_once(':') {
            if !svc.contains(['*', '?']) {
                by_service
                    .entry(svc.to_ascii_lowercase())
                    .or_default()
                    .push(name);
            }
        }
    }
    let mut out = Vec::new();
    for (svc, names) in by_service {
        if names.len() < 2 {
            continue;
        }
        out.push(format!("{svc}:*"));
        let max_words = names.iter().map(|n| word_count(n)).max().unwrap_or(0);
        for words in 1..max_words {
            let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
            for n in &names {
                if word_count(n) > words {
                    *counts.entry(word_prefix(n, words).to_string()).or_default() += 1;
                }
            }
            for (prefix, count) in counts {
                if count >= 2 {
                    out.push(format!("{svc}:{prefix}*"));
                }
            }
        }
    }
    out
}

/// Whether the document already decides, wherever statement `i` applies, an action
/// `pattern` covers that no catalog lists (`svc:PrefixIamcUnpublished`, the kind AWS adds
/// later): some statement (`i` itself included) matches that action, with the same
/// principal, on every resource `i` names, under no condition `i` lacks, and denies it if
/// `i` is a deny. Without one, the collapsed statement would decide that action differently
/// (or only on some requests: left to chance, it is not worth a proof).
fn covered_elsewhere(doc: &Document, matchers: &ActionMatchers, i: usize, pattern: &str) -> bool {
    let Some(own) = doc.statements.get(i) else {
        return false;
    };
    let probe = format!("{}IamcUnpublished", pattern.trim_end_matches('*'));
    let own_conditions = conditions_of(own);
    doc.statements.iter().enumerate().any(|(j, s)| {
        let everywhere = match &s.resource {
            None => true,
            Some(Matcher::Is(r)) => r.iter().any(|r| r == "*") || s.resource == own.resource,
            Some(Matcher::Not(_)) => s.resource == own.resource,
        };
        // The cheap tests first; matching the probe against a long list last.
        everywhere
            && (own.effect == Effect::Allow || s.effect == Effect::Deny)
            && s.principal == own.principal
            && conditions_of(s).iter().all(|c| own_conditions.contains(c))
            && matchers.matches(doc, j, &probe)
    })
}

/// The document with statement `i`'s actions that `pattern` covers replaced by it.
fn collapsed(doc: &Document, i: usize, pattern: &str) -> Option<Document> {
    let st = doc.statements.get(i)?;
    let Matcher::Is(actions) = &st.action else {
        return None;
    };
    let (psvc, pname) = pattern.split_once(':')?;
    let prefix = pname.strip_suffix('*')?.to_ascii_lowercase();
    let covered = |a: &String| {
        a.split_once(':').is_some_and(|(s, n)| {
            s.eq_ignore_ascii_case(psvc) && literal_prefix(n).starts_with(&prefix)
        })
    };
    let n = actions.iter().filter(|a| covered(a)).count();
    if n < 2 {
        return None;
    }
    let mut kept: Vec<String> = Vec::new();
    let mut placed = false;
    for a in actions {
        if covered(a) {
            if !placed {
                kept.push(pattern.to_string());
                placed = true;
            }
        } else {
            kept.push(a.clone());
        }
    }
    let mut out = doc.clone();
    if let Some(s) = out.statements.get_mut(i) {
        s.action = Matcher::Is(kept);
    }
    Some(out)
}

/// The lower-cased text of an action name up to its first wildcard (what a prefix pattern
/// must cover).
fn literal_prefix(name: &str) -> String {
    name.split(['*', '?'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> Document {
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        crate::policy::parse::parse_document(&v, "").unwrap_or_else(|_| Document {
            version: None,
            id: None,
            statements: Vec::new(),
        })
    }

    fn checker(side: Side) -> Checker<'static> {
        Checker {
            catalog: Catalog::embedded(),
            side,
            limits: Limits::default(),
            expired: &|| false,
        }
    }

    /// A deny-only document allows nothing, whatever it denies: alone, a widened deny list
    /// is "equivalent". Compaction must still refuse it.
    #[test]
    fn a_guard_is_never_widened_though_alone_it_allows_nothing_either_way() {
        let narrow = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}"#,
        );
        let wide = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:Create*","Resource":"*"}]}"#,
        );
        let c = checker(Side::IdentityLike);
        assert!(c.equivalent(&wide, &narrow));
        assert!(!c.same_meaning(&wide, &narrow));
        assert!(c.same_meaning(&narrow.clone(), &narrow));
    }

    #[test]
    fn merges_join_statements_that_differ_in_one_list() {
        let d = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::a/*"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::c/*",
             "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#);
        let origins: Vec<StatementOrigin> = (0..4)
            .map(|i| StatementOrigin {
                rule_index: i,
                rule: crate::source::Span::default(),
                use_sites: Vec::new(),
            })
            .collect();
        let w = merge_all(&Work {
            doc: d.clone(),
            origins: origins.clone(),
            sids: vec![None; 4],
        });
        // a+b by resources; then the GetObject on a,b and PutObject on a differ in both.
        assert_eq!(w.doc.statements.len(), 3);
        assert_eq!(w.origins.len(), 3);
        assert_eq!(w.sids.len(), 3);
        assert!(checker(Side::IdentityLike).same_meaning(&w.doc, &d));

        // A statement the user named (`@sid`) is left as written.
        let named = |k: usize| {
            (k == 1).then(|| crate::source::Spanned {
                node: "BucketB".to_string(),
                span: crate::source::Span::default(),
            })
        };
        let mut w = merge_all(&Work {
            doc: d.clone(),
            origins,
            sids: (0..4).map(named).collect(),
        });
        // a's GetObject and PutObject merge (by actions); b stays apart.
        assert_eq!(w.doc.statements.len(), 3);
        assert!(checker(Side::IdentityLike).same_meaning(&w.doc, &d));
        // Derived ids say what the merged statement holds now.
        rename(&mut w);
        let sids: Vec<_> = w.doc.statements.iter().map(|s| s.sid.clone()).collect();
        assert_eq!(
            sids,
            ["AllowS3GetObjectEtc", "BucketB", "AllowS3GetObject"].map(|s| Some(s.to_string()))
        );
    }

    #[test]
    fn candidates_go_from_the_whole_service_to_longer_prefixes() {
        let st = Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: Matcher::Is(
                [
                    "ec2:DescribeInstances",
                    "ec2:DescribeImages",
                    "ec2:GetConsoleOutput",
                    "s3:GetObject",
                ]
                .map(String::from)
                .to_vec(),
            ),
            resource: Some(Matcher::Is(vec!["*".into()])),
            conditions: Vec::new(),
        };
        assert_eq!(
            collapse_candidates(Some(&st)),
            ["ec2:*", "ec2:Describe*"].map(String::from)
        );
        let d = Document {
            version: None,
            id: None,
            statements: vec![st],
        };
        let c = collapsed(&d, 0, "ec2:Describe*").unwrap();
        assert_eq!(
            c.statements[0].action,
            Matcher::Is(
                ["ec2:Describe*", "ec2:GetConsoleOutput", "s3:GetObject"]
                    .map(String::from)
                    .to_vec()
            )
        );
        // Nothing in the document decides `ec2:DescribeIamcUnpublished`: not worth a proof.
        assert!(!covered_elsewhere(
            &d,
            &ActionMatchers::of(&d),
            0,
            "ec2:Describe*"
        ));
        assert!(covered_elsewhere(
            &c,
            &ActionMatchers::of(&c),
            0,
            "ec2:Describe*"
        ));
    }
}

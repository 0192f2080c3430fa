//! Conditions -> boolean formulas over IAM atoms, with operators chosen from each key's
//! catalog type (see LANGUAGE.md, "Semantics summary", and docs/lowering.md).
//!
//! A key the catalog does not know (reporting it is the catalog checks' job) gets its
//! type from the literal it is compared with. Warnings flag the places where IAM's
//! treatment of absent keys surprises authors.

use super::ir::{Atom, CondExpr};
use super::types::{self, has_policy_variable, SVal, Ty, Val};
use super::{Checker, Scope};
use crate::catalog::{KeyType, ScalarType};
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::values;
use crate::policy::{BaseOperator, Effect, Operator, SetQualifier};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, CompareOp, Quantifier};
use std::collections::BTreeSet;

/// Conditions nest at most this deep (a guard for our own recursion).
pub const MAX_COND_DEPTH: usize = 200;

/// What the walk knows about the whole condition, for warnings.
struct Walk {
    /// The rule's effect; `None` in proofs (no warnings there).
    effect: Option<Effect>,
    /// Keys (lowercase) whose presence the condition tests anywhere: `exists(k)`, or an
    /// `any k ...` test (false on an absent key and on one without values).
    exists: BTreeSet<String>,
}

fn scalar_name(s: ScalarType) -> &'static str {
    match s {
        ScalarType::String => "String",
        ScalarType::Arn => "Arn",
        ScalarType::Bool => "Bool",
        ScalarType::Date => "Date",
        ScalarType::Numeric => "Numeric",
        ScalarType::IpAddress => "IpAddress",
        ScalarType::Binary => "Binary",
    }
}

fn collect_exists(c: &ast::Cond, out: &mut BTreeSet<String>, depth: usize) {
    if depth > MAX_COND_DEPTH {
        return;
    }
    match &c.kind {
        ast::CondKind::And(a, b) | ast::CondKind::Or(a, b) => {
            collect_exists(a, out, depth + 1);
            collect_exists(b, out, depth + 1);
        }
        ast::CondKind::Not(a) => collect_exists(a, out, depth + 1),
        ast::CondKind::Exists(k) => {
            out.insert(k.name.node.to_lowercase());
        }
        ast::CondKind::Quantified {
            quantifier, key, ..
        } if quantifier.node == Quantifier::Any => {
            out.insert(key.name.node.to_lowercase());
        }
        _ => {}
    }
}

/// The base operator for a comparison on a key of scalar type `s`, and whether the
/// comparison is the negation of that operator (`!=` on a `Bool` key).
pub fn select(s: ScalarType, op: CompareOp) -> Option<(BaseOperator, bool)> {
    use BaseOperator as B;
    use CompareOp as O;
    Some(match (s, op) {
        (ScalarType::String, O::Eq | O::In) => (B::StringEquals, false),
        (ScalarType::String, O::Ne | O::NotIn) => (B::StringNotEquals, false),
        (ScalarType::String, O::Like) => (B::StringLike, false),
        (ScalarType::String, O::NotLike) => (B::StringNotLike, false),
        (ScalarType::Arn, O::Eq | O::In) => (B::ArnEquals, false),
        (ScalarType::Arn, O::Ne | O::NotIn) => (B::ArnNotEquals, false),
        (ScalarType::Arn, O::Like) => (B::ArnLike, false),
        (ScalarType::Arn, O::NotLike) => (B::ArnNotLike, false),
        (ScalarType::Numeric, O::Eq | O::In) => (B::NumericEquals, false),
        (ScalarType::Numeric, O::Ne | O::NotIn) => (B::NumericNotEquals, false),
        (ScalarType::Numeric, O::Lt) => (B::NumericLessThan, false),
        (ScalarType::Numeric, O::Le) => (B::NumericLessThanEquals, false),
        (ScalarType::Numeric, O::Gt) => (B::NumericGreaterThan, false),
        (ScalarType::Numeric, O::Ge) => (B::NumericGreaterThanEquals, false),
        (ScalarType::Date, O::Eq | O::In) => (B::DateEquals, false),
        (ScalarType::Date, O::Ne | O::NotIn) => (B::DateNotEquals, false),
        (ScalarType::Date, O::Lt) => (B::DateLessThan, false),
        (ScalarType::Date, O::Le) => (B::DateLessThanEquals, false),
        (ScalarType::Date, O::Gt) => (B::DateGreaterThan, false),
        (ScalarType::Date, O::Ge) => (B::DateGreaterThanEquals, false),
        (ScalarType::Bool, O::Eq) => (B::Bool, false),
        (ScalarType::Bool, O::Ne) => (B::Bool, true),
        (ScalarType::IpAddress, O::Eq | O::In) => (B::IpAddress, false),
        (ScalarType::IpAddress, O::Ne | O::NotIn) => (B::NotIpAddress, false),
        (ScalarType::Binary, O::Eq | O::In) => (B::BinaryEquals, false),
        (ScalarType::Binary, O::Ne | O::NotIn) => (B::BinaryEquals, true),
        _ => return None,
    })
}

/// What operators a key type takes, for the E0320 help line.
fn fitting_ops(s: ScalarType) -> &'static str {
    match s {
        ScalarType::String | ScalarType::Arn => "`==`, `!=`, `like`, `not like`, `in`, `not in`",
        ScalarType::Numeric | ScalarType::Date => {
            "`==`, `!=`, `in`, `not in`, `<`, `<=`, `>`, `>=`"
        }
        ScalarType::Bool => "`==`, `!=`, or the bare key (`k` means `k == true`)",
        ScalarType::IpAddress => {
            "`in`, `not in`, `==`, `!=` with `ip\"...\"` or `cidr\"...\"` values"
        }
        ScalarType::Binary => "`==`, `!=`, `in`, `not in`",
    }
}

/// Keys whose values are region codes.
const REGION_KEYS: [&str; 2] = ["aws:RequestedRegion", "ec2:Region"];

/// A region code's shape: `AREA[-PART]-DIRECTION-N` (`us-east-1`, `us-gov-west-1`,
/// `us-isob-east-1`, `eusc-de-east-1`, `cn-northwest-1`).
fn is_region_name(text: &str) -> bool {
    const DIRECTIONS: [&str; 9] = [
        "north",
        "south",
        "east",
        "west",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ];
    let parts: Vec<&str> = text.split('-').collect();
    let word = |p: &str| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase());
    let (area, middle, direction, number) = match parts.as_slice() {
        [a, d, n] => (*a, None, *d, *n),
        [a, m, d, n] => (*a, Some(*m), *d, *n),
        _ => return false,
    };
    word(area)
        && middle.is_none_or(word)
        && DIRECTIONS.contains(&direction)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The E0321 help line for an IP literal compared with a key of another type.
fn ip_help(s: ScalarType) -> String {
    match s {
        ScalarType::String | ScalarType::Arn => format!(
            "IP tests need an `IpAddress` key such as `aws:SourceIp`; for a `{}` key write the value in quotes",
            scalar_name(s)
        ),
        _ => "IP tests need an `IpAddress` key such as `aws:SourceIp`".to_string(),
    }
}

/// The scalar type a literal suggests, for keys the catalog does not know.
fn scalar_of_value(v: &Val) -> ScalarType {
    match v {
        Val::Sym(t) => match t {
            Ty::Arn | Ty::ArnPattern => ScalarType::Arn,
            Ty::Number => ScalarType::Numeric,
            Ty::Bool => ScalarType::Bool,
            Ty::Date => ScalarType::Date,
            Ty::Ip | Ty::Cidr => ScalarType::IpAddress,
            Ty::List(inner) => scalar_of_value(&Val::Sym(inner.as_ref().clone())),
            _ => ScalarType::String,
        },
        Val::Arn(_) => ScalarType::Arn,
        Val::Num(_) => ScalarType::Numeric,
        Val::Bool(_) => ScalarType::Bool,
        Val::Date(_) => ScalarType::Date,
        Val::Ip(_) | Val::Cidr(_) => ScalarType::IpAddress,
        _ => ScalarType::String,
    }
}

/// What a value for a key of type `s` must be, for messages.
fn expected_text(s: ScalarType) -> &'static str {
    match s {
        ScalarType::String => "a string",
        ScalarType::Arn => "an ARN (`arn\"...\"`)",
        ScalarType::Numeric => "a number",
        ScalarType::Date => "an ISO 8601 date (`date\"2026-01-01T00:00:00Z\"`) or epoch seconds",
        ScalarType::Bool => "`true` or `false`",
        ScalarType::IpAddress => "an IP address or CIDR range (`cidr\"10.0.0.0/8\"`)",
        ScalarType::Binary => "a base64 string",
    }
}

/// A value's text as the key type wants it, or why not.
fn value_text(s: ScalarType, v: &Val) -> Result<String, &'static str> {
    let text = match (s, v) {
        // A template parameter at the template's definition: only its type is known.
        (_, Val::Sym(t)) => {
            let fits = match s {
                ScalarType::String => matches!(
                    t,
                    Ty::String
                        | Ty::AccountId
                        | Ty::Arn
                        | Ty::ArnPattern
                        | Ty::Number
                        | Ty::Action
                        | Ty::ActionPattern
                        | Ty::Service
                ),
                ScalarType::Arn => matches!(t, Ty::Arn | Ty::ArnPattern | Ty::String),
                ScalarType::Numeric => matches!(t, Ty::Number | Ty::String),
                ScalarType::Date => matches!(t, Ty::Date | Ty::String | Ty::Number),
                ScalarType::Bool => matches!(t, Ty::Bool | Ty::String),
                ScalarType::IpAddress => matches!(t, Ty::Ip | Ty::Cidr | Ty::String),
                ScalarType::Binary => matches!(t, Ty::String),
            };
            if !fits {
                return Err(expected_text(s));
            }
            String::new()
        }
        (
            ScalarType::String,
            Val::Str(t) | Val::Arn(t) | Val::Num(t) | Val::Action(t) | Val::Service(t),
        ) => t.clone(),
        (ScalarType::String, Val::Wildcard) => "*".into(),
        (ScalarType::String, _) => return Err(expected_text(s)),
        (ScalarType::Arn, Val::Arn(t)) => t.clone(),
        (ScalarType::Arn, Val::Wildcard) => "*".into(),
        (ScalarType::Arn, Val::Str(t))
            if t.starts_with("arn:") || t == "*" || t.starts_with("${") =>
        {
            t.clone()
        }
        (ScalarType::Arn, _) => return Err(expected_text(s)),
        (ScalarType::Numeric, Val::Num(t)) => t.clone(),
        (ScalarType::Numeric, Val::Str(t)) if types::is_number(t) => t.clone(),
        (ScalarType::Numeric, _) => return Err(expected_text(s)),
        (ScalarType::Date, Val::Date(t)) => t.clone(),
        (ScalarType::Date, Val::Str(t)) if values::is_date(t) => t.clone(),
        (ScalarType::Date, Val::Num(t)) if values::is_date(t) => t.clone(),
        (ScalarType::Date, _) => return Err(expected_text(s)),
        (ScalarType::Bool, Val::Bool(b)) => b.to_string(),
        (ScalarType::Bool, Val::Str(t)) if t == "true" || t == "false" => t.clone(),
        (ScalarType::Bool, _) => return Err(expected_text(s)),
        (ScalarType::IpAddress, Val::Ip(t) | Val::Cidr(t)) => t.clone(),
        (ScalarType::IpAddress, Val::Str(t)) if values::is_cidr(t) => t.clone(),
        (ScalarType::IpAddress, _) => return Err(expected_text(s)),
        (ScalarType::Binary, Val::Str(t)) => t.clone(),
        (ScalarType::Binary, _) => return Err(expected_text(s)),
    };
    Ok(text)
}

impl Checker<'_, '_> {
    /// Checks a rule's condition. Returns `None` on errors (already reported).
    pub(super) fn condition(
        &mut self,
        c: &ast::Cond,
        scope: Scope<'_>,
        effect: Option<Effect>,
    ) -> Option<CondExpr> {
        let mut exists = BTreeSet::new();
        collect_exists(c, &mut exists, 0);
        let walk = Walk { effect, exists };
        self.cond(c, scope, &walk, true, 0)
    }

    fn cond(
        &mut self,
        c: &ast::Cond,
        scope: Scope<'_>,
        walk: &Walk,
        positive: bool,
        depth: usize,
    ) -> Option<CondExpr> {
        if depth > MAX_COND_DEPTH {
            self.err(
                Diagnostic::new(
                    Code::E0401,
                    c.span,
                    format!("condition nests more than {MAX_COND_DEPTH} levels deep"),
                )
                .with_help("split it into several rules"),
            );
            return None;
        }
        match &c.kind {
            ast::CondKind::And(a, b) | ast::CondKind::Or(a, b) => {
                let l = self.cond(a, scope, walk, positive, depth + 1);
                let r = self.cond(b, scope, walk, positive, depth + 1);
                let (l, r) = (l?, r?);
                let is_and = matches!(c.kind, ast::CondKind::And(..));
                let mut parts = Vec::new();
                for side in [l, r] {
                    match (side, is_and) {
                        (CondExpr::And(xs), true) | (CondExpr::Or(xs), false) => parts.extend(xs),
                        (x, _) => parts.push(x),
                    }
                }
                Some(if is_and {
                    CondExpr::And(parts)
                } else {
                    CondExpr::Or(parts)
                })
            }
            ast::CondKind::Not(inner) => Some(CondExpr::Not(Box::new(self.cond(
                inner,
                scope,
                walk,
                !positive,
                depth + 1,
            )?))),
            ast::CondKind::Literal(b) => Some(CondExpr::Const(*b)),
            ast::CondKind::Exists(key) => {
                if let Some(span) = key.if_exists {
                    self.err(
                        Diagnostic::new(Code::E0323, span, "`exists(...)` cannot take `?`")
                            .with_help("`exists(k)` tests presence itself (IAM's `Null`, which has no `IfExists` form)"),
                    );
                    return None;
                }
                let (name, _) = self.key_info(&key.name);
                Some(CondExpr::Atom(Atom {
                    operator: Operator::plain(BaseOperator::Null),
                    key: name,
                    values: vec![Spanned::new("false".into(), c.span)],
                    span: c.span,
                }))
            }
            ast::CondKind::Key(key) => {
                let (name, types) = self.key_info(&key.name);
                let bool_key =
                    types.is_empty() || types.iter().any(|t| t.scalar == ScalarType::Bool);
                if !bool_key {
                    let ty = types
                        .first()
                        .map(|t| scalar_name(t.scalar))
                        .unwrap_or("String");
                    self.err(
                        Diagnostic::new(
                            Code::E0320,
                            key.name.span,
                            format!(
                                "`{}` is a `{ty}` key; a bare key only tests a `Bool` key",
                                key.name.node
                            ),
                        )
                        .with_help(format!(
                            "compare it instead; a `{ty}` key takes {}",
                            fitting_ops(
                                types
                                    .first()
                                    .map(|t| t.scalar)
                                    .unwrap_or(ScalarType::String)
                            )
                        )),
                    );
                    return None;
                }
                if let Some(t) = types.iter().find(|t| t.scalar == ScalarType::Bool) {
                    if t.multivalued {
                        self.multivalued_needs_quantifier(&key.name);
                        return None;
                    }
                }
                let mut operator = Operator::plain(BaseOperator::Bool);
                if key.if_exists.is_some() {
                    // `?` is the author saying "or absent"; nothing to warn about.
                    operator = operator.if_exists();
                }
                Some(CondExpr::Atom(Atom {
                    operator,
                    key: name,
                    values: vec![Spanned::new("true".into(), key.name.span)],
                    span: c.span,
                }))
            }
            ast::CondKind::Compare { key, op, value } => {
                let cmp = Comparison {
                    span: c.span,
                    quantifier: None,
                    key,
                    op,
                    value,
                };
                self.compare(&cmp, scope, walk, positive)
            }
            ast::CondKind::Quantified {
                quantifier,
                key,
                op,
                value,
            } => {
                let cmp = Comparison {
                    span: c.span,
                    quantifier: Some(quantifier),
                    key,
                    op,
                    value,
                };
                self.compare(&cmp, scope, walk, positive)
            }
        }
    }

    /// The key's spelling to emit and its catalog types (empty if the catalog does not know it).
    fn key_info(&self, key: &Spanned<String>) -> (Spanned<String>, Vec<KeyType>) {
        match self.catalog.condition_key(&key.node) {
            Some(info) => {
                let name = if info.name.eq_ignore_ascii_case(&key.node) {
                    info.name.clone()
                } else {
                    key.node.clone()
                };
                (Spanned::new(name, key.span), info.types)
            }
            None => (key.clone(), Vec::new()),
        }
    }

    fn multivalued_needs_quantifier(&mut self, key: &Spanned<String>) {
        self.err(
            Diagnostic::new(Code::E0322, key.span, format!("`{}` can carry several values; say `any` or `all`", key.node))
                .with_help(format!(
                    "`any {0} ...` holds if one value matches (IAM `ForAnyValue:`); `all {0} ...` if every value does (IAM `ForAllValues:`, also true when the key is absent)",
                    key.node
                )),
        );
    }

    /// Keys the catalog documents as present on every request (`aws:SecureTransport`):
    /// the absent-key warnings have nothing to say about them.
    fn always_present(&self, key: &str) -> bool {
        self.catalog
            .key(key)
            .is_some_and(|k| k.description().starts_with("Always present"))
    }

    /// When a key is absent, for the W0332 help line: the catalog's availability note
    /// where it has one.
    fn absent_when(&self, key: &str) -> String {
        let doc = self.catalog.key(key).map(|k| k.description()).unwrap_or("");
        if key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent") {
            format!("requests signed with long-term access keys carry no `{key}`")
        } else if doc.starts_with("Only") || doc.starts_with("Present") {
            let mut chars = doc.trim_end_matches('.').chars();
            let doc: String = chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default();
            format!("`{key}` is not on every request ({doc})")
        } else {
            format!("`Bool` is false on requests without `{key}`")
        }
    }

    /// `==`/`!=`/`in`/`not in` on a `String` key compare literally (`StringEquals`): a `*`
    /// or `?` in the value is then a character, not a wildcard, which is rarely meant.
    fn warn_literal_wildcard(
        &mut self,
        op: &Spanned<CompareOp>,
        texts: &[Spanned<String>],
        key: &str,
    ) {
        let Some(v) = texts.iter().find(|t| types::has_wildcard(&t.node)) else {
            return;
        };
        let like = match op.node {
            CompareOp::Ne | CompareOp::NotIn => "not like",
            _ => "like",
        };
        self.err(
            Diagnostic::new(
                Code::W0334,
                v.span,
                format!(
                    "`{}` compares `{key}` literally: `*` and `?` here are not wildcards",
                    op.node.as_str()
                ),
            )
            .with_label(op.span, "an exact comparison (`StringEquals`)")
            .with_help(format!(
                "write `{like}` to match patterns (it takes a list too); in a pattern `${{*}}` and `${{?}}` stand for the characters themselves"
            )),
        );
    }

    /// A region lock with a misspelt region (`eu-wset-1`) or an availability zone
    /// (`eu-west-1a`) silently denies or allows the wrong thing.
    fn warn_region_names(&mut self, texts: &[Spanned<String>], key: &str) {
        for v in texts {
            // An empty text is a template parameter at the template's definition (see
            // `value_text`): its regions are checked at each `use`.
            if v.node.is_empty()
                || types::has_wildcard(&v.node)
                || has_policy_variable(&v.node)
                || is_region_name(&v.node)
            {
                continue;
            }
            self.err(
                Diagnostic::new(
                    Code::W0335,
                    v.span,
                    format!("`{}` is not an AWS region name", v.node),
                )
                .with_help(format!(
                    "`{key}` holds a region code like `eu-west-1` or `us-gov-west-1` (not an availability zone like `eu-west-1a`)"
                )),
            );
        }
    }

    fn warn_absent_allow(&mut self, walk: &Walk, positive: bool, key: &Spanned<String>, why: &str) {
        if walk.effect == Some(Effect::Allow)
            && positive
            && !walk.exists.contains(&key.node.to_lowercase())
            && !self.always_present(&key.node)
        {
            self.err(
                Diagnostic::new(
                    Code::W0331,
                    key.span,
                    format!(
                        "in an allow, this test also holds when `{}` is absent",
                        key.node
                    ),
                )
                .with_help(format!(
                    "{why}; add `exists({}) and ...` if the key must be present",
                    key.node
                )),
            );
        }
    }

    /// `key OP value` (or `any`/`all key OP value`) -> an atom whose operator is chosen
    /// from the key's type, or `None` after an error.
    fn compare(
        &mut self,
        cmp: &Comparison<'_>,
        scope: Scope<'_>,
        walk: &Walk,
        positive: bool,
    ) -> Option<CondExpr> {
        let (name, key_types) = self.key_info(&cmp.key.name);
        self.in_condition = true;
        let v = self.eval_expr(cmp.value, scope, None);
        self.in_condition = false;
        let v = v?;
        let values: Vec<SVal> = v.flatten();
        let scalar = comparison_scalar(&key_types, &values);
        self.reject_ip_values(cmp.key, scalar, &values)?;
        let (base, negate) = self.select_operator(cmp, scalar)?;
        let multivalued = key_types.iter().any(|t| t.multivalued);
        self.check_quantifier(cmp, multivalued, !key_types.is_empty())?;
        self.check_arity(cmp, v.val.is_list(), values.len())?;
        let texts = self.value_texts(cmp.key, scalar, base, &values)?;
        self.service_principal_values(cmp.key, &values, &texts)?;
        let operator = self.operator(cmp, base, negate, walk, positive);
        if cmp.quantifier.is_none() {
            self.absent_and_literal_warnings(cmp, base, negate, &texts, walk, positive);
        }
        let atom = CondExpr::Atom(Atom {
            operator,
            key: name,
            values: texts,
            span: cmp.span,
        });
        Some(if negate {
            CondExpr::Not(Box::new(atom))
        } else {
            atom
        })
    }

    /// `in cidr"..."` asks for an IP range test, which only an IP key takes: an IP literal
    /// against another key is what is wrong, not the operator (`aws:SourceVpce ==
    /// cidr"10.0.0.0/8"`).
    fn reject_ip_values(
        &mut self,
        key: &ast::KeyRef,
        scalar: ScalarType,
        values: &[SVal],
    ) -> Option<()> {
        let ip_values = !values.is_empty()
            && values.iter().all(|v| {
                matches!(
                    v.val,
                    Val::Ip(_) | Val::Cidr(_) | Val::Sym(Ty::Ip | Ty::Cidr)
                )
            });
        if !ip_values || scalar == ScalarType::IpAddress {
            return Some(());
        }
        for v in values {
            self.err(
                Diagnostic::new(
                    Code::E0321,
                    v.span,
                    format!(
                        "`{}` is a `{}` key, but this is an IP address or range",
                        key.name.node,
                        scalar_name(scalar)
                    ),
                )
                .with_label(
                    key.name.span,
                    format!("this key is a `{}`", scalar_name(scalar)),
                )
                .with_help(ip_help(scalar)),
            );
        }
        None
    }

    /// The base operator for the comparison on a key of type `scalar` (see [`select`]),
    /// or E0320.
    fn select_operator(
        &mut self,
        cmp: &Comparison<'_>,
        scalar: ScalarType,
    ) -> Option<(BaseOperator, bool)> {
        let selected = select(scalar, cmp.op.node);
        if selected.is_none() {
            let key = &cmp.key.name;
            self.err(
                Diagnostic::new(
                    Code::E0320,
                    cmp.op.span,
                    format!(
                        "`{}` does not fit `{}`, a `{}` key",
                        cmp.op.node.as_str(),
                        key.node,
                        scalar_name(scalar)
                    ),
                )
                .with_label(key.span, format!("this key is a `{}`", scalar_name(scalar)))
                .with_help(format!(
                    "a `{}` key takes {}",
                    scalar_name(scalar),
                    fitting_ops(scalar)
                )),
            );
        }
        selected
    }

    /// A multivalued key needs `any`/`all` (E0322); a single-valued one known to the
    /// catalog should not have one (W0333).
    fn check_quantifier(
        &mut self,
        cmp: &Comparison<'_>,
        multivalued: bool,
        known_key: bool,
    ) -> Option<()> {
        match (cmp.quantifier, multivalued) {
            (None, true) => {
                self.multivalued_needs_quantifier(&cmp.key.name);
                return None;
            }
            (Some(q), false) if known_key => {
                self.err(
                    Diagnostic::new(Code::W0333, q.span, format!("`{}` carries a single value; `any`/`all` are for multivalued keys", cmp.key.name.node))
                        .with_help("drop the quantifier (AWS Access Analyzer flags `ForAllValues` on single-valued keys as a security risk)"),
                );
            }
            _ => {}
        }
        Some(())
    }

    /// `==`, `!=` and the orderings take exactly one value; every comparison at least one
    /// (E0325).
    fn check_arity(&mut self, cmp: &Comparison<'_>, is_list: bool, count: usize) -> Option<()> {
        let op = cmp.op.node;
        let single_only = matches!(
            op,
            CompareOp::Eq
                | CompareOp::Ne
                | CompareOp::Lt
                | CompareOp::Le
                | CompareOp::Gt
                | CompareOp::Ge
        );
        if !(single_only && is_list && count != 1) && count != 0 {
            return Some(());
        }
        let help = if count == 0 {
            "give at least one value".to_string()
        } else if matches!(op, CompareOp::Eq | CompareOp::Ne) {
            format!(
                "to test against several values write `{}`",
                if op == CompareOp::Eq {
                    "in [...]"
                } else {
                    "not in [...]"
                }
            )
        } else {
            "an ordering compares with one value".to_string()
        };
        self.err(
            Diagnostic::new(
                Code::E0325,
                cmp.value.span,
                format!("`{}` needs exactly one value", op.as_str()),
            )
            .with_help(help),
        );
        None
    }

    /// The values' texts as the key type wants them (E0321 otherwise), without policy
    /// variables where the operator does not expand them (E0324); their provenance goes
    /// to the rule being checked.
    fn value_texts(
        &mut self,
        key: &ast::KeyRef,
        scalar: ScalarType,
        base: BaseOperator,
        values: &[SVal],
    ) -> Option<Vec<Spanned<String>>> {
        let mut texts = Vec::with_capacity(values.len());
        let mut ok = true;
        let no_variables = |this: &mut Self, span: Span| {
            this.err(
                Diagnostic::new(Code::E0324, span, format!("IAM does not expand policy variables in `{}` values", base.as_str()))
                    .with_help("policy variables work only with string and ARN operators; write the value itself"),
            );
        };
        for v in values {
            let variable = v.val.text().is_some_and(|t| has_policy_variable(&t));
            if variable && !base.takes_variables() {
                no_variables(self, v.span);
                ok = false;
                continue;
            }
            match value_text(scalar, &v.val) {
                Ok(t) => {
                    if has_policy_variable(&t) && !base.takes_variables() {
                        no_variables(self, v.span);
                        ok = false;
                    }
                    self.note_provenance(&t, &v.pieces_in(&t));
                    texts.push(Spanned::new(t, v.span));
                }
                Err(expected) => {
                    let mut d = Diagnostic::new(
                        Code::E0321,
                        v.span,
                        format!(
                            "`{}` is a `{}` key, but this is not {expected}",
                            key.name.node,
                            scalar_name(scalar)
                        ),
                    )
                    .with_label(
                        key.name.span,
                        format!("this key is a `{}`", scalar_name(scalar)),
                    )
                    .with_help(format!("write {expected}"));
                    // A value from a constant (or `iamc.toml`): say where it is set.
                    let origin = v
                        .pieces
                        .last()
                        .and_then(|p| self.res.names.definition(p.def));
                    if let Some(def) = origin.filter(|d| !d.span.is_empty()) {
                        d = d.with_label(def.span, format!("`{}` is defined here", def.name));
                    }
                    self.err(d);
                    ok = false;
                }
            }
        }
        ok.then_some(texts)
    }

    /// The full operator: the quantifier's set qualifier (warning that `all` holds on an
    /// absent key in an allow, W0330) and `IfExists` (not on the inner test of a negated
    /// one, `negate`).
    fn operator(
        &mut self,
        cmp: &Comparison<'_>,
        base: BaseOperator,
        negate: bool,
        walk: &Walk,
        positive: bool,
    ) -> Operator {
        let key = &cmp.key.name;
        let mut operator = Operator::plain(base);
        if let Some(q) = cmp.quantifier {
            operator = operator.with_set(match q.node {
                Quantifier::Any => SetQualifier::ForAnyValue,
                Quantifier::All => SetQualifier::ForAllValues,
            });
            if q.node == Quantifier::All
                && walk.effect == Some(Effect::Allow)
                && positive
                && !walk.exists.contains(&key.node.to_lowercase())
            {
                self.err(
                    Diagnostic::new(Code::W0330, q.span, format!("`all` also holds when `{}` is absent or empty", key.node))
                        .with_help(format!("IAM's `ForAllValues` is vacuously true, also for `[]` and `[\"\"]`, which `exists({0})` lets through; repeat the test under `any` (`any {0} ... and all {0} ...`) to require at least one value", key.node)),
                );
            }
        }
        // `k? != v` on a `Bool` key is `not (k == v)`, which already holds when `k` is absent.
        // `?` belongs to the whole test ("absent, or the test holds": IAM User Guide,
        // "Condition operators", `...IfExists`), so it must not go on the inner `==`: that
        // would make it `not (absent or k == v)`, "present and different", and drop the
        // requests without the key (the MFA trap of W0332).
        if cmp.key.if_exists.is_some() && !negate {
            operator = operator.if_exists();
        }
        operator
    }

    /// Warnings on a comparison without quantifier: tests that also hold, or do not fire,
    /// when the key is absent (W0331, W0332), literal wildcards (W0334) and misspelt
    /// regions (W0335).
    fn absent_and_literal_warnings(
        &mut self,
        cmp: &Comparison<'_>,
        base: BaseOperator,
        negate: bool,
        texts: &[Spanned<String>],
        walk: &Walk,
        positive: bool,
    ) {
        let key = &cmp.key;
        let negated_op = matches!(
            cmp.op.node,
            CompareOp::Ne | CompareOp::NotLike | CompareOp::NotIn
        );
        if negated_op && key.if_exists.is_none() {
            self.warn_absent_allow(
                walk,
                positive,
                &key.name,
                "a negated comparison is true when the key is missing",
            );
        }
        // An explicit `?` / `if exists` already says "or absent": no warning.
        if walk.effect == Some(Effect::Deny)
            && positive
            && base == BaseOperator::Bool
            && !negate
            && key.if_exists.is_none()
            && texts.iter().all(|t| t.node == "false")
            && !self.always_present(&key.name.node)
        {
            let when = self.absent_when(&key.name.node);
            self.err(
                Diagnostic::new(
                    Code::W0332,
                    cmp.span,
                    format!("this deny does not fire when `{}` is absent", key.name.node),
                )
                .with_help(format!(
                    "{when}; write `not {0}` to deny those requests too",
                    key.name.node
                )),
            );
        }
        if matches!(
            base,
            BaseOperator::StringEquals | BaseOperator::StringNotEquals
        ) {
            self.warn_literal_wildcard(cmp.op, texts, &key.name.node);
            if REGION_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&key.name.node))
            {
                self.warn_region_names(texts, &key.name.node);
            }
        }
    }
}

/// Keys whose values are AWS service principals (`ec2.amazonaws.com`), as the IAM User
/// Guide and the services' condition key tables describe them: checked like
/// `service(...)` (E0302). `kms:ViaService` holds a service's regional endpoint
/// (`s3.eu-west-1.amazonaws.com`), which has the same shape.
const SERVICE_PRINCIPAL_KEYS: &[&str] = &[
    "iam:PassedToService",
    "iam:AWSServiceName",
    "iam:ServiceSpecificCredentialServiceName",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "organizations:ServicePrincipal",
    "sts:AWSServiceName",
    "kms:GranteeServicePrincipal",
    "kms:RetiringServicePrincipal",
    "kms:ViaService",
    "codeconnections:PassedToService",
    "codestar-connections:PassedToService",
    "config:ConfigurationRecorderServicePrincipal",
];

impl Checker<'_, '_> {
    /// The values of a key that holds service principals must look like one (E0302):
    /// `iam:PassedToService == "cloudformation"` never matches, AWS sends
    /// `cloudformation.amazonaws.com`. Patterns with wildcards and policy variables are
    /// left alone.
    fn service_principal_values(
        &mut self,
        key: &ast::KeyRef,
        values: &[SVal],
        texts: &[Spanned<String>],
    ) -> Option<()> {
        let Some(canonical) = SERVICE_PRINCIPAL_KEYS
            .iter()
            .find(|k| k.eq_ignore_ascii_case(&key.name.node))
        else {
            return Some(());
        };
        let via = canonical.eq_ignore_ascii_case("kms:ViaService");
        let mut ok = true;
        for (v, t) in values.iter().zip(texts) {
            let text = t.node.as_str();
            if matches!(v.val, Val::Sym(_))
                || types::has_wildcard(text)
                || has_policy_variable(text)
                || super::rules::is_service_principal(text)
            {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::E0302,
                t.span,
                format!("`{text}` is not an AWS service principal"),
            )
            .with_label(
                key.name.span,
                if via {
                    "this key holds a service's regional endpoint"
                } else {
                    "this key holds service principals"
                },
            );
            let bare = super::types::is_service_name(text);
            d = if via {
                d.with_help(format!(
                    "`{canonical}` holds the endpoint the request came through, `SERVICE.REGION.amazonaws.com`, like `s3.eu-west-1.amazonaws.com`"
                ))
            } else if bare {
                let meant = format!("{text}.amazonaws.com");
                let d = d.with_help(format!(
                    "`{canonical}` holds a service principal, the service's DNS name: did you mean `{meant}`?"
                ));
                // Only a literal written right here can be replaced.
                if t.span.len() as usize == text.len() + 2 {
                    d.with_fix(t.span, format!("\"{meant}\""))
                } else {
                    d
                }
            } else {
                d.with_help(format!(
                    "`{canonical}` holds a service principal, the service's DNS name, like `ec2.amazonaws.com`"
                ))
            };
            self.err(d);
            ok = false;
        }
        ok.then_some(())
    }
}

/// One comparison as written: `key OP value`, possibly under `any`/`all`.
struct Comparison<'c> {
    /// The whole comparison.
    span: Span,
    quantifier: Option<&'c Spanned<Quantifier>>,
    key: &'c ast::KeyRef,
    op: &'c Spanned<CompareOp>,
    value: &'c ast::Expr,
}

/// The key's scalar type: from the catalog, or (for a key it does not know) from the
/// literal; a key of several types takes the one the literal suggests.
fn comparison_scalar(key_types: &[KeyType], values: &[SVal]) -> ScalarType {
    let hint = values.first().map(|v| scalar_of_value(&v.val));
    match key_types {
        [] => hint.unwrap_or(ScalarType::String),
        [only] => only.scalar,
        several => several
            .iter()
            .find(|t| Some(t.scalar) == hint)
            .or(several.first())
            .map(|t| t.scalar)
            .unwrap_or(ScalarType::String),
    }
}

#[cfg(test)]
mod tests {
    use super::is_region_name;

    #[test]
    fn region_names() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "cn-northwest-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "eusc-de-east-1",
            "il-central-1",
        ] {
            assert!(is_region_name(r), "{r}");
        }
        for r in [
            "eu-wset-1",
            "eu-west1",
            "eu-west-1a",
            "euwest-1",
            "EU-WEST-1",
            "global",
            "",
        ] {
            assert!(!is_region_name(r), "{r}");
        }
    }
}

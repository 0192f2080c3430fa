//! Compiled conditions and their evaluation (IAM User Guide, "IAM JSON policy elements:
//! Condition operators", "Creating a condition with multiple context keys or values",
//! "Single-valued vs. multivalued context keys").
//!
//! Decisions where AWS documents no outcome, made here and tested:
//! - A multivalued key (an array in the context) under an operator without `ForAllValues:`/
//!   `ForAnyValue:`: a positive operator holds when *any* request value matches one of the
//!   policy values, a negated operator when *none* does (the negation of the positive test).
//!   An empty array then behaves like an absent key for both (but not for `IfExists`/`Null`:
//!   the key is present).
//! - An empty string is a present value like any other for operators without a set
//!   qualifier (and for `Null` and `IfExists`). Under `ForAllValues:`/`ForAnyValue:` a key
//!   whose values are all empty strings is the "null dataset" AWS documents for
//!   `ForAllValues` (true) and is treated like `[]` (so `ForAnyValue` is false).
//! - A request value that does not parse for a typed operator (`NumericEquals` on `abc`, an
//!   `Arn*` operator on a value that is not an ARN, `IpAddress` on a host name) matches no
//!   policy value, so positive operators are false and negated ones true.
//! - `Bool` values compare ignoring case (`"True"` is `true`); other text matches nothing.

use super::arn::{self, ArnPattern};
use super::context::Context;
use super::glob::{Glob, Tok};
use super::template::Template;
use crate::policy::values::{self, Cidr};
use crate::policy::{BaseOperator, Condition, SetQualifier};
use std::cmp::Ordering;

/// How numbers and dates compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// `request <op> policy`.
    fn holds(self, o: Ordering) -> bool {
        match self {
            Cmp::Eq => o == Ordering::Equal,
            Cmp::Lt => o == Ordering::Less,
            Cmp::Le => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Ge => o != Ordering::Less,
        }
    }
}

#[derive(Clone, Debug)]
enum Text {
    Fixed(String),
    Tmpl(Template),
}

#[derive(Clone, Debug)]
enum Pat<T> {
    Fixed(T),
    Tmpl(Template),
}

/// The positive test of an operator, with its policy values pre-parsed.
#[derive(Clone, Debug)]
enum Test {
    StrEq(Vec<Text>),
    /// Values stored lowercase.
    StrEqIc(Vec<Text>),
    StrLike(Vec<Pat<Glob>>),
    Num(Cmp, Vec<f64>),
    Date(Cmp, Vec<i128>),
    Bool(Vec<bool>),
    /// Decoded bytes (see `values::base64`).
    Binary(Vec<Vec<u8>>),
    Ip(Vec<Cidr>),
    Arn(Vec<Pat<ArnPattern>>),
    /// `true`: holds when absent; `false`: holds when present.
    Null(Vec<bool>),
}

/// One compiled `operator: {key: values}` entry.
#[derive(Clone, Debug)]
pub struct CompiledCondition {
    key: Box<str>,
    set: Option<SetQualifier>,
    if_exists: bool,
    negated: bool,
    test: Test,
}

/// A policy value the operator cannot use (`NumericEquals: "ten"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// Index of the bad value in the key's list.
    pub index: usize,
    pub message: String,
}

impl CompiledCondition {
    /// Pre-parses the values. `variables`: the document is `2012-10-17`, so string and ARN
    /// values may hold policy variables.
    pub fn compile(c: &Condition, variables: bool) -> Result<CompiledCondition, ValueError> {
        use BaseOperator::*;
        let op = c.operator;
        let vars = variables && op.base.takes_variables();
        let tmpl = |v: &String| if vars { Template::parse(v) } else { None };
        let typed = |parse: &dyn Fn(&str) -> bool, what: &str| -> Result<(), ValueError> {
            for (index, v) in c.values.iter().enumerate() {
                if !parse(v) {
                    return Err(ValueError {
                        index,
                        message: format!("expected {what} for `{}`, found `{v}`", op.base.as_str()),
                    });
                }
            }
            Ok(())
        };
        let nums = |cmp| -> Result<Test, ValueError> {
            typed(&|v| values::number(v).is_some(), "a number")?;
            Ok(Test::Num(
                cmp,
                c.values.iter().filter_map(|v| values::number(v)).collect(),
            ))
        };
        let dates = |cmp| -> Result<Test, ValueError> {
            typed(
                &|v| values::date(v).is_some(),
                "an ISO 8601 date or epoch seconds",
            )?;
            Ok(Test::Date(
                cmp,
                c.values.iter().filter_map(|v| values::date(v)).collect(),
            ))
        };
        let test = match op.base {
            StringEquals | StringNotEquals => Test::StrEq(
                c.values
                    .iter()
                    .map(|v| tmpl(v).map_or_else(|| Text::Fixed(v.clone()), Text::Tmpl))
                    .collect(),
            ),
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => Test::StrEqIc(
                c.values
                    .iter()
                    .map(|v| tmpl(v).map_or_else(|| Text::Fixed(v.to_lowercase()), Text::Tmpl))
                    .collect(),
            ),
            StringLike | StringNotLike => Test::StrLike(
                c.values
                    .iter()
                    .map(|v| tmpl(v).map_or_else(|| Pat::Fixed(Glob::new(v, false)), Pat::Tmpl))
                    .collect(),
            ),
            NumericEquals | NumericNotEquals => nums(Cmp::Eq)?,
            NumericLessThan => nums(Cmp::Lt)?,
            NumericLessThanEquals => nums(Cmp::Le)?,
            NumericGreaterThan => nums(Cmp::Gt)?,
            NumericGreaterThanEquals => nums(Cmp::Ge)?,
            DateEquals | DateNotEquals => dates(Cmp::Eq)?,
            DateLessThan => dates(Cmp::Lt)?,
            DateLessThanEquals => dates(Cmp::Le)?,
            DateGreaterThan => dates(Cmp::Gt)?,
            DateGreaterThanEquals => dates(Cmp::Ge)?,
            Bool => {
                typed(&|v| values::boolean(v).is_some(), "`true` or `false`")?;
                Test::Bool(c.values.iter().filter_map(|v| values::boolean(v)).collect())
            }
            BinaryEquals => {
                typed(&|v| values::base64(v).is_some(), "base64 text")?;
                Test::Binary(c.values.iter().filter_map(|v| values::base64(v)).collect())
            }
            IpAddress | NotIpAddress => {
                typed(
                    &|v| Cidr::parse(v).is_some(),
                    "an IPv4 or IPv6 address or CIDR block",
                )?;
                Test::Ip(c.values.iter().filter_map(|v| Cidr::parse(v)).collect())
            }
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Test::Arn(
                c.values
                    .iter()
                    .map(|v| tmpl(v).map_or_else(|| Pat::Fixed(ArnPattern::new(v)), Pat::Tmpl))
                    .collect(),
            ),
            Null => {
                typed(&|v| v == "true" || v == "false", "`true` or `false`")?;
                Test::Null(c.values.iter().map(|v| v == "true").collect())
            }
        };
        Ok(CompiledCondition {
            key: c.key.to_lowercase().into_boxed_str(),
            set: op.set,
            if_exists: op.if_exists,
            negated: op.base.is_negated(),
            test,
        })
    }

    /// Whether the condition holds for the request context.
    pub fn holds(&self, ctx: &Context) -> bool {
        let value = ctx.get_lower(&self.key);
        if let Test::Null(wants) = &self.test {
            let absent = value.is_none();
            return wants.contains(&absent);
        }
        let Some(value) = value else {
            // Absent key: IfExists first (semantics-pitfalls 5), then the set qualifier's
            // vacuous truth, then the negated/positive rule ("Condition operators").
            if self.if_exists {
                return true;
            }
            return match self.set {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => self.negated,
            };
        };
        let values = value.as_slice();
        // "ForAllValues ... also returns true if ... the context key value resolves to a
        // null dataset, such as an empty string" ("Single-valued vs. multivalued context
        // keys"; the Null guard AWS recommends exists for that case): a key whose values are
        // all empty strings (`""`, `[""]`, `[]`) is the null dataset for both qualifiers.
        if self.set.is_some() && values.iter().all(String::is_empty) {
            return self.set == Some(SetQualifier::ForAllValues);
        }
        match self.set {
            Some(SetQualifier::ForAllValues) => values
                .iter()
                .all(|v| self.matches_one(v, ctx) != self.negated),
            Some(SetQualifier::ForAnyValue) => values
                .iter()
                .any(|v| self.matches_one(v, ctx) != self.negated),
            None => values.iter().any(|v| self.matches_one(v, ctx)) != self.negated,
        }
    }

    /// Whether one request value matches one of the policy values (the positive test).
    fn matches_one(&self, v: &str, ctx: &Context) -> bool {
        match &self.test {
            Test::StrEq(vals) => vals.iter().any(|p| match p {
                Text::Fixed(s) => s == v,
                Text::Tmpl(t) => t.resolve_text(ctx).is_some_and(|s| s == v),
            }),
            Test::StrEqIc(vals) => vals.iter().any(|p| match p {
                Text::Fixed(s) => eq_ignore_case(s, v),
                // The resolved text keeps the case it was written in (and the variable's
                // value its own): lowercase it before the one-sided comparison.
                Text::Tmpl(t) => t
                    .resolve_text(ctx)
                    .is_some_and(|s| eq_ignore_case(&s.to_lowercase(), v)),
            }),
            Test::StrLike(vals) => vals.iter().any(|p| match p {
                Pat::Fixed(g) => g.matches(v),
                Pat::Tmpl(t) => {
                    let mut toks: Vec<Tok> = Vec::new();
                    t.resolve(ctx, true, &mut toks) && Glob::from_tokens(&toks, false).matches(v)
                }
            }),
            Test::Num(cmp, vals) => match values::number(v) {
                Some(n) => vals
                    .iter()
                    .any(|p| n.partial_cmp(p).is_some_and(|o| cmp.holds(o))),
                None => false,
            },
            Test::Date(cmp, vals) => match values::date(v) {
                Some(d) => vals.iter().any(|p| cmp.holds(d.cmp(p))),
                None => false,
            },
            Test::Bool(vals) => match values::boolean(v) {
                Some(b) => vals.contains(&b),
                None => false,
            },
            Test::Binary(vals) => match values::base64(v) {
                Some(b) => vals.contains(&b),
                None => false,
            },
            Test::Ip(nets) => match values::address(v) {
                Some(a) => nets.iter().any(|n| n.contains(&a)),
                None => false,
            },
            Test::Arn(vals) => {
                let parts = arn::split(v);
                vals.iter().any(|p| match p {
                    Pat::Fixed(a) => a.matches(v, parts.as_ref()),
                    Pat::Tmpl(t) => {
                        let mut toks: Vec<Tok> = Vec::new();
                        t.resolve(ctx, true, &mut toks)
                            && ArnPattern::from_tokens(&toks).matches(v, parts.as_ref())
                    }
                })
            }
            Test::Null(_) => false,
        }
    }
}

/// `a` is already lowercase.
fn eq_ignore_case(a_lower: &str, b: &str) -> bool {
    if a_lower.is_ascii() && b.is_ascii() {
        return a_lower.len() == b.len()
            && a_lower
                .bytes()
                .zip(b.bytes())
                .all(|(x, y)| x == y.to_ascii_lowercase());
    }
    a_lower
        .chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Operator;

    fn cond(op: &str, key: &str, values: &[&str]) -> CompiledCondition {
        let c = Condition {
            operator: Operator::parse(op).unwrap(),
            key: key.into(),
            values: values.iter().map(|s| s.to_string()).collect(),
        };
        CompiledCondition::compile(&c, true).unwrap()
    }

    fn ctx1(k: &str, v: &str) -> Context {
        Context::new().with(k, v)
    }

    // "Condition operators": string operators
    #[test]
    fn string_operators() {
        let c = cond("StringEquals", "aws:username", &["alice", "bob"]);
        assert!(c.holds(&ctx1("AWS:UserName", "bob")));
        assert!(!c.holds(&ctx1("aws:username", "Bob")));
        assert!(!c.holds(&Context::new()));
        let c = cond("StringNotEquals", "aws:username", &["alice", "bob"]);
        assert!(!c.holds(&ctx1("aws:username", "bob")), "NOR over values");
        assert!(c.holds(&ctx1("aws:username", "carol")));
        assert!(c.holds(&Context::new()), "negated on absent key is true");
        let c = cond("StringEqualsIgnoreCase", "k", &["Alice"]);
        assert!(c.holds(&ctx1("k", "ALICE")));
        let c = cond("StringNotEqualsIgnoreCase", "k", &["Alice"]);
        assert!(!c.holds(&ctx1("k", "alice")));
        // a template's text and the variable's value ignore case too
        let c = cond("StringEqualsIgnoreCase", "k", &["Home/${aws:username}"]);
        assert!(c.holds(&ctx1("k", "home/ALICE").with("aws:username", "Alice")));
        let c = cond("StringNotEqualsIgnoreCase", "k", &["Home/${aws:username}"]);
        assert!(!c.holds(&ctx1("k", "home/alice").with("aws:username", "ALICE")));
        let c = cond("StringLike", "k", &["ab*", "x?z"]);
        assert!(c.holds(&ctx1("k", "abcdef")));
        assert!(c.holds(&ctx1("k", "xyz")));
        assert!(!c.holds(&ctx1("k", "xz")));
        let c = cond("StringNotLike", "k", &["ab*"]);
        assert!(!c.holds(&ctx1("k", "abc")));
        assert!(c.holds(&ctx1("k", "bc")));
        // StringEquals is literal: `*` is not a wildcard
        assert!(!cond("StringEquals", "k", &["a*"]).holds(&ctx1("k", "ab")));
    }

    // "Condition operators": IfExists and Null
    #[test]
    fn if_exists_and_null() {
        let c = cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]);
        assert!(c.holds(&Context::new()));
        assert!(c.holds(&ctx1("aws:MultiFactorAuthPresent", "false")));
        assert!(!c.holds(&ctx1("aws:MultiFactorAuthPresent", "true")));
        let c = cond("Bool", "aws:MultiFactorAuthPresent", &["false"]);
        assert!(!c.holds(&Context::new()));
        let c = cond("Null", "k", &["true"]);
        assert!(c.holds(&Context::new()));
        assert!(!c.holds(&ctx1("k", "")));
        let c = cond("Null", "k", &["false"]);
        assert!(c.holds(&ctx1("k", "x")));
        assert!(
            c.holds(&Context::new().with_many("k", &[])),
            "[] is present"
        );
        let c = cond("StringNotEqualsIfExists", "k", &["a"]);
        assert!(c.holds(&Context::new()));
        assert!(!c.holds(&ctx1("k", "a")));
    }

    // "Single-valued vs. multivalued context keys"
    #[test]
    fn set_qualifiers() {
        let all = cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b"]);
        assert!(all.holds(&Context::new()), "vacuous truth when absent");
        assert!(all.holds(&Context::new().with_many("aws:TagKeys", &[])));
        assert!(all.holds(&Context::new().with_many("aws:TagKeys", &["a", "b"])));
        assert!(!all.holds(&Context::new().with_many("aws:TagKeys", &["a", "c"])));
        let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]);
        assert!(!any.holds(&Context::new()));
        assert!(!any.holds(&Context::new().with_many("aws:TagKeys", &[])));
        assert!(any.holds(&Context::new().with_many("aws:TagKeys", &["c", "a"])));
        // IfExists before set semantics (semantics-pitfalls 5)
        // a null dataset ("an empty string") is vacuous for ForAllValues, false for ForAnyValue
        assert!(all.holds(&ctx1("aws:TagKeys", "")));
        assert!(all.holds(&Context::new().with_many("aws:TagKeys", &[""])));
        assert!(!any.holds(&ctx1("aws:TagKeys", "")));
        assert!(!cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"])
            .holds(&Context::new().with_many("aws:TagKeys", &[""])));
        let any_ie = cond("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", &["a"]);
        assert!(any_ie.holds(&Context::new()));
        assert!(!any_ie.holds(&Context::new().with_many("aws:TagKeys", &["c"])));
        let all_not = cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["x"]);
        assert!(all_not.holds(&Context::new().with_many("aws:TagKeys", &["a", "b"])));
        assert!(!all_not.holds(&Context::new().with_many("aws:TagKeys", &["a", "x"])));
        let any_not = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["x"]);
        assert!(any_not.holds(&Context::new().with_many("aws:TagKeys", &["a", "x"])));
        assert!(!any_not.holds(&Context::new().with_many("aws:TagKeys", &["x"])));
        assert!(!any_not.holds(&Context::new()));
        // the documented choice for multivalued keys without a qualifier
        let plain = cond("StringEquals", "aws:TagKeys", &["a"]);
        assert!(plain.holds(&Context::new().with_many("aws:TagKeys", &["c", "a"])));
        assert!(!plain.holds(&Context::new().with_many("aws:TagKeys", &[])));
        let neg = cond("StringNotEquals", "aws:TagKeys", &["a"]);
        assert!(!neg.holds(&Context::new().with_many("aws:TagKeys", &["c", "a"])));
        assert!(neg.holds(&Context::new().with_many("aws:TagKeys", &["c"])));
        assert!(neg.holds(&Context::new().with_many("aws:TagKeys", &[])));
    }

    // "Condition operators": numeric, date, bool, binary, IP, ARN
    #[test]
    fn typed_operators() {
        let c = cond("NumericLessThanEquals", "s3:max-keys", &["10"]);
        assert!(c.holds(&ctx1("s3:max-keys", "10")));
        assert!(c.holds(&ctx1("s3:max-keys", "9.5")));
        assert!(!c.holds(&ctx1("s3:max-keys", "11")));
        assert!(!c.holds(&ctx1("s3:max-keys", "ten")));
        assert!(cond("NumericNotEquals", "n", &["1", "2"]).holds(&ctx1("n", "3")));
        assert!(!cond("NumericNotEquals", "n", &["1", "2"]).holds(&ctx1("n", "2.0")));
        assert!(cond("NumericGreaterThan", "n", &["1"]).holds(&ctx1("n", "1.5")));
        assert!(!cond("NumericGreaterThanEquals", "n", &["1"]).holds(&ctx1("n", "0")));
        assert!(cond("NumericLessThan", "n", &["1"]).holds(&ctx1("n", "0")));
        assert!(cond("NumericEquals", "n", &["1"]).holds(&ctx1("n", "1.0")));
        let d = cond("DateLessThan", "aws:CurrentTime", &["2020-01-01T00:00:00Z"]);
        assert!(d.holds(&ctx1("aws:CurrentTime", "2019-12-31T23:59:59Z")));
        assert!(d.holds(&ctx1("aws:CurrentTime", "1577836799")));
        assert!(!d.holds(&ctx1("aws:CurrentTime", "1577836800")));
        assert!(cond("DateEquals", "t", &["1577836800"]).holds(&ctx1("t", "2020-01-01T00:00:00Z")));
        assert!(
            cond("DateNotEquals", "t", &["1577836800"]).holds(&ctx1("t", "2020-01-01T00:00:01Z"))
        );
        assert!(cond("DateGreaterThan", "t", &["2020-01-01"]).holds(&ctx1("t", "2020-01-02")));
        assert!(cond("DateGreaterThanEquals", "t", &["2020-01-01"]).holds(&ctx1("t", "2020-01-01")));
        assert!(cond("DateLessThanEquals", "t", &["2020-01-01"]).holds(&ctx1("t", "2020-01-01")));
        assert!(cond("Bool", "b", &["true"]).holds(&ctx1("b", "true")));
        assert!(!cond("Bool", "b", &["true"]).holds(&ctx1("b", "yes")));
        assert!(cond("BinaryEquals", "k", &["QmluYXJ5"]).holds(&ctx1("k", "QmluYXJ5")));
        assert!(!cond("BinaryEquals", "k", &["QmluYXJ5"]).holds(&ctx1("k", "qmluyxj5")));
        // decoded bytes compare: padding is optional on either side
        assert!(cond("BinaryEquals", "k", &["QQ=="]).holds(&ctx1("k", "QQ")));
        assert!(cond("BinaryEquals", "k", &["QUI"]).holds(&ctx1("k", "QUI=")));
        // a policy value that is not base64 is unusable
        let bad = Condition {
            operator: Operator::parse("BinaryEquals").unwrap(),
            key: "k".into(),
            values: vec!["QQ==".into(), "Q=Q=".into()],
        };
        assert_eq!(CompiledCondition::compile(&bad, true).unwrap_err().index, 1);
        // a request value that is not base64 matches nothing
        assert!(!cond("BinaryEquals", "k", &["QQ=="]).holds(&ctx1("k", "A")));
        let ip = cond(
            "IpAddress",
            "aws:SourceIp",
            &["203.0.113.0/24", "2001:db8::/32"],
        );
        assert!(ip.holds(&ctx1("aws:SourceIp", "203.0.113.7")));
        assert!(ip.holds(&ctx1("aws:SourceIp", "2001:db8::7")));
        assert!(!ip.holds(&ctx1("aws:SourceIp", "198.51.100.1")));
        let nip = cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]);
        assert!(nip.holds(&ctx1("aws:SourceIp", "198.51.100.1")));
        assert!(!nip.holds(&ctx1("aws:SourceIp", "203.0.113.1")));
        assert!(nip.holds(&Context::new()));
        let a = cond(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:123456789012:topic-*"],
        );
        assert!(a.holds(&ctx1(
            "aws:SourceArn",
            "arn:aws:sns:eu-west-1:123456789012:topic-a"
        )));
        assert!(!a.holds(&ctx1(
            "aws:SourceArn",
            "arn:aws:sns:eu-west-1:999999999999:topic-a"
        )));
        let e = cond("ArnEquals", "aws:SourceArn", &["arn:aws:s3:::b*"]);
        assert!(
            e.holds(&ctx1("aws:SourceArn", "arn:aws:s3:::bucket")),
            "ArnEquals == ArnLike"
        );
        // documented decision: a non-ARN value matches no ARN pattern
        let n = cond("ArnNotLike", "aws:SourceArn", &["arn:aws:s3:::b*"]);
        assert!(n.holds(&ctx1("aws:SourceArn", "not-an-arn")));
        assert!(!cond("ArnEquals", "aws:SourceArn", &["arn:aws:s3:::b*"])
            .holds(&ctx1("aws:SourceArn", "not-an-arn")));
        assert!(cond("ArnNotEquals", "k", &["arn:aws:s3:::b"]).holds(&ctx1("k", "arn:aws:s3:::c")));
    }

    #[test]
    fn bad_policy_values_are_errors() {
        for (op, good, v) in [
            ("NumericEquals", "1", "ten"),
            ("DateLessThan", "1", "tomorrow"),
            ("Bool", "true", "yes"),
            ("IpAddress", "10.0.0.1", "10.0.0.0/40"),
        ] {
            let c = Condition {
                operator: Operator::parse(op).unwrap(),
                key: "k".into(),
                values: vec![good.into(), v.into()],
            };
            let e = CompiledCondition::compile(&c, true).unwrap_err();
            assert_eq!(e.index, 1, "{op}");
        }
    }

    // "Policy variables": no value => positive false, negated true; defaults; 2008 literal
    #[test]
    fn variables_in_values() {
        let c = cond("StringEquals", "s3:prefix", &["home/${aws:username}"]);
        assert!(c.holds(&ctx1("s3:prefix", "home/alice").with("aws:username", "alice")));
        assert!(!c.holds(&ctx1("s3:prefix", "home/alice")));
        let n = cond("StringNotEquals", "s3:prefix", &["home/${aws:username}"]);
        assert!(
            n.holds(&ctx1("s3:prefix", "home/alice")),
            "no value: negated matches"
        );
        let l = cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]);
        assert!(l.holds(&ctx1("s3:prefix", "home/a*/x").with("aws:username", "a*")));
        assert!(
            !l.holds(&ctx1("s3:prefix", "home/ab/x").with("aws:username", "a*")),
            "variable values are literal"
        );
        let d = cond("StringEquals", "k", &["${aws:PrincipalTag/team, 'none'}"]);
        assert!(d.holds(&ctx1("k", "none")));
        let lit = cond("StringEquals", "k", &["a${*}"]);
        assert!(lit.holds(&ctx1("k", "a*")));
        let c2008 = CompiledCondition::compile(
            &Condition {
                operator: Operator::parse("StringEquals").unwrap(),
                key: "k".into(),
                values: vec!["${aws:username}".into()],
            },
            false,
        )
        .unwrap();
        assert!(c2008.holds(&ctx1("k", "${aws:username}").with("aws:username", "x")));
        let a = cond(
            "ArnLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:user/${aws:username}"],
        );
        assert!(
            a.holds(&ctx1("aws:PrincipalArn", "arn:aws:iam::1:user/bo").with("aws:username", "bo"))
        );
        assert!(!a.holds(&ctx1("aws:PrincipalArn", "arn:aws:iam::1:user/bo")));
    }
}

//! One table of date, CIDR and IP forms, and both readers of them judged against it: the
//! checker (a `date"..."`, `cidr"..."` or `ip"..."` literal, and a plain string where the
//! key's type wants one) and the evaluation engine (a policy value it compiles, a request
//! value it reads). They share one grammar (`policy::values`); this table keeps them from
//! drifting apart again, whichever side changes.

use iamc::eval::condition::CompiledCondition;
use iamc::eval::context::Context;
use iamc::policy::{BaseOperator, Condition, Operator};
use iamc::source::{Origin, Sources};
use iamc::{analyze, AnalyzeOptions};

/// (text, is a date)
const DATES: &[(&str, bool)] = &[
    ("2026-01-01T00:00:00Z", true),
    ("2026-01-01", true),
    ("2026-01-01T10:00:00.5+09:00", true),
    ("2026-01-01T10:00:00+0900", true),
    ("2026-01-01T10:00:00-09", true),
    ("2026-01-01T10:00Z", true),
    ("2026-01-01T10:00", true),
    ("2026-01-01 10:00:00Z", true),
    ("2026-01-01t10:00:00z", true),
    ("2024-02-29T00:00:00Z", true),
    ("2000-02-29", true),
    ("2026-12-31T23:59:59Z", true),
    ("2026-12-31T23:59:60Z", true),
    ("2020", true),
    ("2020-01", true),
    ("1700000000", true),
    ("1700000000.5", true),
    ("-86400", true),
    ("2026-02-29T00:00:00Z", false),
    ("1900-02-29", false),
    ("2026-04-31", false),
    ("2026-13-01", false),
    ("2026-00-10", false),
    ("2026-01-00", false),
    ("2026-01-01T24:00:00Z", false),
    ("2026-01-01T10:60:00Z", false),
    ("2026-01-01T10:00.5", false),
    ("2026-01-01T10", false),
    ("2026-01-01T10:00:00+24:00", false),
    ("2026-01-01T10:00:00+0960", false),
    ("2026-01-01X", false),
    ("2020-1", false),
    ("2020-01-", false),
    ("2020-01T00:00Z", false),
    ("2020-13", false),
    ("yesterday", false),
    ("1e9", false),
];

/// (text, is an address or a CIDR block)
const CIDRS: &[(&str, bool)] = &[
    ("10.0.0.0/8", true),
    ("10.1.2.3/8", true),
    ("10.0.0.1", true),
    ("10.0.0.1/32", true),
    ("0.0.0.0/0", true),
    ("10.0.0.0/08", true),
    ("2001:db8::/32", true),
    ("2001:DB8:1234:5678::/64", true),
    ("::/0", true),
    ("::1", true),
    ("10.0.0.0/33", false),
    ("2001:db8::/129", false),
    ("10.0.0/8", false),
    ("10.0.0.300/8", false),
    ("10.0.0.0/+8", false),
    ("10.0.0.0/-8", false),
    ("10.0.0.0/", false),
    ("10.0.0.0/8/8", false),
    ("10.0.0.0/0008", false),
    ("/8", false),
    ("nope", false),
];

/// (text, is a single address)
const IPS: &[(&str, bool)] = &[
    ("10.1.2.3", true),
    ("255.255.255.255", true),
    ("::1", true),
    ("2001:db8::7", true),
    ("10.1.2.3/32", false),
    ("10.1.2", false),
    ("10.1.2.256", false),
    ("nope", false),
];

/// The checker's verdict on a condition written in the language.
fn checker_accepts(condition: &str) -> bool {
    let mut sources = Sources::new();
    sources.add(
        "main.iamc",
        "main",
        Origin::Memory("main.iamc".into()),
        format!("policy P {{\n    allow s3:GetObject on * when {condition}\n}}\n"),
    );
    iamc::stdlib::add_to(&mut sources);
    let a = analyze(&sources, &AnalyzeOptions::default());
    // Only value errors count; a syntax error would mean the case is badly written.
    assert!(
        a.diagnostics
            .iter()
            .all(|d| !d.code.as_str().starts_with("E01")),
        "`{condition}` does not parse: {:?}",
        a.diagnostics
    );
    !a.has_errors()
}

/// The engine's verdict on a policy value.
fn engine_compiles(op: BaseOperator, key: &str, value: &str) -> bool {
    let c = Condition {
        operator: Operator::plain(op),
        key: key.into(),
        values: vec![value.into()],
    };
    CompiledCondition::compile(&c, true).is_ok()
}

#[test]
fn checker_and_engine_agree_on_dates() {
    let mut disagreements = Vec::new();
    for &(text, valid) in DATES {
        let engine = engine_compiles(BaseOperator::DateLessThan, "aws:CurrentTime", text);
        let literal = checker_accepts(&format!("aws:CurrentTime < date\"{text}\""));
        let string = checker_accepts(&format!("aws:CurrentTime < \"{text}\""));
        if (engine, literal, string) != (valid, valid, valid) {
            disagreements.push(format!(
                "`{text}`: table {valid}, engine {engine}, date literal {literal}, string {string}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn checker_and_engine_agree_on_cidrs() {
    let mut disagreements = Vec::new();
    for &(text, valid) in CIDRS {
        let engine = engine_compiles(BaseOperator::IpAddress, "aws:SourceIp", text);
        let literal = checker_accepts(&format!("aws:SourceIp in [cidr\"{text}\"]"));
        let string = checker_accepts(&format!("aws:SourceIp in [\"{text}\"]"));
        if (engine, literal, string) != (valid, valid, valid) {
            disagreements.push(format!(
                "`{text}`: table {valid}, engine {engine}, cidr literal {literal}, string {string}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn checker_and_engine_agree_on_addresses() {
    let anywhere = Condition {
        operator: Operator::plain(BaseOperator::IpAddress),
        key: "aws:SourceIp".into(),
        values: vec!["0.0.0.0/0".into(), "::/0".into()],
    };
    let anywhere = CompiledCondition::compile(&anywhere, true).unwrap();
    let mut disagreements = Vec::new();
    for &(text, valid) in IPS {
        // A request address the engine cannot read is in no range.
        let engine = anywhere.holds(&Context::new().with("aws:SourceIp", text));
        let literal = checker_accepts(&format!("aws:SourceIp == ip\"{text}\""));
        if (engine, literal) != (valid, valid) {
            disagreements.push(format!(
                "`{text}`: table {valid}, engine {engine}, ip literal {literal}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

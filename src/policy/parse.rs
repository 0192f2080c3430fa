//! Parsing real IAM policy JSON into the model, with the JSON path of every problem.
//!
//! The grammar is the one of the IAM User Guide ("IAM JSON policy grammar" and
//! "IAM JSON policy element reference"): every string-or-array field may be either, element
//! names are case-sensitive and unknown elements are rejected (IAM rejects them too).
//!
//! Condition operator names are matched exactly as AWS spells them (`StringEquals`, not
//! `stringequals`): the grammar lists them with that spelling and AWS documents only context
//! *key* names as case-insensitive ("IAM JSON policy elements: Condition"). A wrongly cased
//! operator is an error naming the right spelling, never silently ignored.

use super::{
    BaseOperator, Condition, Document, DocumentKind, Effect, Matcher, Operator, Principals,
    Statement, Version,
};
use serde_json::{Map, Value};
use std::fmt;

/// A document that is not valid IAM policy JSON, with where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// A JSON path such as `$.Statement[1].Condition.StringEquals`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        path: path.to_string(),
        message: message.into(),
    })
}

/// The JSON type of a value, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `path.key`, or `path["key"]` when the key is not a plain identifier (condition keys
/// such as `aws:username` contain `:`; JSONPath allows them after a dot in practice, and
/// the brief's examples use the dotted form, so only keys with spaces or quotes are bracketed).
pub fn child(path: &str, key: &str) -> String {
    if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c == '"' || c == '.') {
        format!("{path}[{}]", Value::String(key.to_string()))
    } else {
        format!("{path}.{key}")
    }
}

/// `path[i]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Parses one policy document from a JSON value. `path` is the JSON path of `value` itself
/// (`$` for a whole file, `$.identity[0]` inside a scenario).
pub fn parse_document(value: &Value, path: &str) -> Result<Document, ParseError> {
    let Value::Object(top) = value else {
        return err(
            path,
            format!(
                "expected a policy document object, found {}",
                type_name(value)
            ),
        );
    };
    for key in top.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return err(
                &child(path, key),
                format!("unknown policy element `{key}`; expected `Version`, `Id` or `Statement`"),
            );
        }
    }
    let version = match top.get("Version") {
        None => None,
        Some(Value::String(s)) if s == "2012-10-17" => Some(Version::V2012_10_17),
        Some(Value::String(s)) if s == "2008-10-17" => Some(Version::V2008_10_17),
        Some(other) => {
            return err(
                &child(path, "Version"),
                format!(
                    "expected `2012-10-17` or `2008-10-17`, found {}",
                    describe(other)
                ),
            )
        }
    };
    let id = match top.get("Id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return err(
                &child(path, "Id"),
                format!("expected a string, found {}", type_name(other)),
            )
        }
    };
    let st_path = child(path, "Statement");
    let statements = match top.get("Statement") {
        None => {
            return err(
                path,
                "missing `Statement`; expected an object or an array of statements",
            )
        }
        Some(Value::Object(o)) => vec![parse_statement(o, &st_path)?],
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = index(&st_path, i);
                let Value::Object(o) = item else {
                    return err(
                        &p,
                        format!("expected a statement object, found {}", type_name(item)),
                    );
                };
                out.push(parse_statement(o, &p)?);
            }
            out
        }
        Some(other) => {
            return err(
                &st_path,
                format!(
                    "expected a statement object or an array of statements, found {}",
                    type_name(other)
                ),
            )
        }
    };
    Ok(Document {
        version,
        id,
        statements,
    })
}

/// Parses a document and checks the elements its use allows: `Principal`/`NotPrincipal`
/// only (and always) in resource-based policies, trust policies and RCPs; `Resource` or
/// `NotResource` always outside trust and resource-based policies (a trust policy has none;
/// the scenario's `resource` slot holds either kind, so there it is optional).
pub fn parse_document_as(
    value: &Value,
    path: &str,
    kind: DocumentKind,
) -> Result<Document, ParseError> {
    let doc = parse_document(value, path)?;
    // AWS Organizations, "RCP syntax": the `Version` element must be `2012-10-17`.
    if kind == DocumentKind::Rcp && doc.version != Some(super::Version::V2012_10_17) {
        return err(
            &child(path, "Version"),
            "a resource control policy needs `\"Version\": \"2012-10-17\"`".to_string(),
        );
    }
    let st_path = child(path, "Statement");
    let array = matches!(value.get("Statement"), Some(Value::Array(_)));
    for (i, st) in doc.statements.iter().enumerate() {
        let p = if array {
            index(&st_path, i)
        } else {
            st_path.clone()
        };
        if kind.has_principal() {
            if st.principal.is_none() {
                return err(
                    &p,
                    format!(
                        "missing `Principal`; a statement of a {} names the principals it applies to",
                        kind.name()
                    ),
                );
            }
        } else if st.principal.is_some() {
            return err(
                &p,
                format!(
                    "unexpected `Principal`/`NotPrincipal`; a {} applies to its own principal and names none",
                    kind.name()
                ),
            );
        }
        let resource_optional = matches!(kind, DocumentKind::Trust | DocumentKind::Resource);
        if st.resource.is_none() && !resource_optional {
            return err(
                &p,
                format!(
                    "missing `Resource` or `NotResource`; a {} statement needs one",
                    kind.name()
                ),
            );
        }
    }
    Ok(doc)
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => type_name(other).to_string(),
    }
}

const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn parse_statement(o: &Map<String, Value>, path: &str) -> Result<Statement, ParseError> {
    for key in o.keys() {
        if !STATEMENT_ELEMENTS.contains(&key.as_str()) {
            return err(
                &child(path, key),
                format!(
                    "unknown statement element `{key}`; expected one of `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`"
                ),
            );
        }
    }
    let sid = match o.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return err(
                &child(path, "Sid"),
                format!("expected a string, found {}", type_name(other)),
            )
        }
    };
    let effect = match o.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(other) => {
            return err(
                &child(path, "Effect"),
                format!("expected `Allow` or `Deny`, found {}", describe(other)),
            )
        }
        None => return err(path, "missing `Effect`; expected `Allow` or `Deny`"),
    };
    let action = match (o.get("Action"), o.get("NotAction")) {
        (Some(a), None) => Matcher::Is(string_list(a, &child(path, "Action"))?),
        (None, Some(a)) => Matcher::Not(string_list(a, &child(path, "NotAction"))?),
        (Some(_), Some(_)) => {
            return err(
                path,
                "both `Action` and `NotAction`; a statement has exactly one",
            )
        }
        (None, None) => return err(path, "missing `Action` or `NotAction`"),
    };
    let resource = match (o.get("Resource"), o.get("NotResource")) {
        (Some(r), None) => Some(Matcher::Is(string_list(r, &child(path, "Resource"))?)),
        (None, Some(r)) => Some(Matcher::Not(string_list(r, &child(path, "NotResource"))?)),
        (Some(_), Some(_)) => {
            return err(
                path,
                "both `Resource` and `NotResource`; a statement has at most one",
            )
        }
        (None, None) => None,
    };
    let principal = match (o.get("Principal"), o.get("NotPrincipal")) {
        (Some(p), None) => Some(Matcher::Is(parse_principals(p, &child(path, "Principal"))?)),
        (None, Some(p)) => Some(Matcher::Not(parse_principals(
            p,
            &child(path, "NotPrincipal"),
        )?)),
        (Some(_), Some(_)) => {
            return err(
                path,
                "both `Principal` and `NotPrincipal`; a statement has at most one",
            )
        }
        (None, None) => None,
    };
    let conditions = match o.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(c, &child(path, "Condition"))?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// A string or a non-empty array of strings.
fn string_list(v: &Value, path: &str) -> Result<Vec<String>, ParseError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            if items.is_empty() {
                return err(
                    path,
                    "expected a string or a non-empty array of strings, found an empty array",
                );
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        return err(
                            &index(path, i),
                            format!("expected a string, found {}", type_name(other)),
                        )
                    }
                }
            }
            Ok(out)
        }
        other => err(
            path,
            format!(
                "expected a string or an array of strings, found {}",
                type_name(other)
            ),
        ),
    }
}

fn parse_principals(v: &Value, path: &str) -> Result<Principals, ParseError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principals {
            any: true,
            ..Principals::default()
        }),
        Value::String(s) => err(
            path,
            format!("expected `\"*\"` or an object such as {{\"AWS\": ...}}, found `{s}`"),
        ),
        Value::Object(o) => {
            if o.is_empty() {
                return err(path, "expected at least one of `AWS`, `Service`, `Federated`, `CanonicalUser`, found an empty object");
            }
            let mut p = Principals::default();
            for (key, value) in o {
                let kp = child(path, key);
                let list = string_list(value, &kp)?;
                reject_partial_wildcards(&list, value.is_array(), &kp)?;
                match key.as_str() {
                    "AWS" => p.aws = list,
                    "Service" => p.service = list,
                    "Federated" => p.federated = list,
                    "CanonicalUser" => p.canonical_user = list,
                    _ => {
                        return err(
                            &kp,
                            format!("unknown principal type `{key}`; expected `AWS`, `Service`, `Federated` or `CanonicalUser`"),
                        )
                    }
                }
            }
            Ok(p)
        }
        other => err(
            path,
            format!(
                "expected `\"*\"` or a principal object, found {}",
                type_name(other)
            ),
        ),
    }
}

/// Decision (semantics-pitfalls 9; IAM User Guide, "Principal": the only wildcard form is
/// `"*"`, for all principals; Access Analyzer reports "Unsupported wildcard in principal"):
/// a principal entry that holds `*` or `?` but is not exactly `"*"`, such as
/// `arn:aws:iam::123456789012:user/*`, makes the document unusable, with the entry's path.
/// Kept as literal text it would silently name nobody, while its writer meant a pattern.
fn reject_partial_wildcards(list: &[String], array: bool, path: &str) -> Result<(), ParseError> {
    for (j, entry) in list.iter().enumerate() {
        if entry != "*" && entry.contains(['*', '?']) {
            let at = if array {
                index(path, j)
            } else {
                path.to_string()
            };
            return err(
                &at,
                format!("unsupported wildcard in principal `{entry}`; a principal is `\"*\"` or names one principal exactly, use a condition such as `ArnLike` on `aws:PrincipalArn` for a pattern"),
            );
        }
    }
    Ok(())
}

fn parse_conditions(v: &Value, path: &str) -> Result<Vec<Condition>, ParseError> {
    let Value::Object(ops) = v else {
        return err(
            path,
            format!(
                "expected an object of condition operators, found {}",
                type_name(v)
            ),
        );
    };
    let mut out = Vec::new();
    for (op_name, keys) in ops {
        let op_path = child(path, op_name);
        let Some(operator) = Operator::parse(op_name) else {
            return err(&op_path, unknown_operator_message(op_name));
        };
        let Value::Object(keys) = keys else {
            return err(
                &op_path,
                format!(
                    "expected an object of condition keys, found {}",
                    type_name(keys)
                ),
            );
        };
        if keys.is_empty() {
            return err(
                &op_path,
                "expected at least one condition key, found an empty object",
            );
        }
        for (key, values) in keys {
            let key_path = child(&op_path, key);
            let values = condition_values(values, &key_path)?;
            if operator.base == BaseOperator::Null {
                for (i, v) in values.iter().enumerate() {
                    if v != "true" && v != "false" {
                        let p = if values.len() > 1 {
                            index(&key_path, i)
                        } else {
                            key_path.clone()
                        };
                        return err(
                            &p,
                            format!("expected `true` or `false` for `Null`, found `{v}`"),
                        );
                    }
                }
            }
            out.push(Condition {
                operator,
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

/// Condition values: a string, boolean or number, or a non-empty array of them. Booleans
/// and numbers become their JSON text, as IAM stores them.
fn condition_values(v: &Value, path: &str) -> Result<Vec<String>, ParseError> {
    fn scalar(v: &Value, path: &str) -> Result<String, ParseError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => err(
                path,
                format!(
                    "expected a string, boolean or number, found {}",
                    type_name(other)
                ),
            ),
        }
    }
    match v {
        Value::Array(items) => {
            if items.is_empty() {
                return err(
                    path,
                    "expected at least one condition value, found an empty array",
                );
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| scalar(item, &index(path, i)))
                .collect()
        }
        other => Ok(vec![scalar(other, path)?]),
    }
}

fn unknown_operator_message(name: &str) -> String {
    // Suggest the right spelling when only the case (or the IfExists/Null mix) is wrong.
    let lower = name.to_ascii_lowercase();
    let (prefix, rest) = if let Some(r) = lower.strip_prefix("forallvalues:") {
        ("ForAllValues:", r)
    } else if let Some(r) = lower.strip_prefix("foranyvalue:") {
        ("ForAnyValue:", r)
    } else {
        ("", lower.as_str())
    };
    let (stem, if_exists) = match rest.strip_suffix("ifexists") {
        Some(s) => (s, "IfExists"),
        None => (rest, ""),
    };
    if let Some(base) = BaseOperator::ALL
        .iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(stem))
    {
        if *base == BaseOperator::Null && !if_exists.is_empty() {
            return format!(
                "`{name}` is not an operator; `Null` cannot be combined with `IfExists`"
            );
        }
        let right = format!("{prefix}{}{if_exists}", base.as_str());
        if right != name {
            return format!(
                "unknown condition operator `{name}`; operator names are case-sensitive, did you mean `{right}`?"
            );
        }
    }
    format!("unknown condition operator `{name}`; expected an operator such as `StringEquals`, optionally prefixed by `ForAllValues:`/`ForAnyValue:` and suffixed by `IfExists`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Document, ParseError> {
        parse_document(&v, "$")
    }

    #[test]
    fn statement_object_or_array_and_string_or_array_fields() {
        let d = parse(json!({"Version": "2012-10-17", "Id": "x", "Statement": {
            "Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": ["a", "b"]}}))
        .unwrap();
        assert_eq!(d.version, Some(Version::V2012_10_17));
        assert_eq!(d.id.as_deref(), Some("x"));
        assert_eq!(d.statements.len(), 1);
        assert_eq!(
            d.statements[0].action,
            Matcher::Is(vec!["s3:GetObject".into()])
        );
        assert_eq!(
            d.statements[0].resource,
            Some(Matcher::Is(vec!["a".into(), "b".into()]))
        );
        let d = parse(
            json!({"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "*"}]}),
        )
        .unwrap();
        assert_eq!(d.version, None);
        assert_eq!(d.effective_version(), Version::V2008_10_17);
        assert!(d.statements[0].action.is_negated());
    }

    #[test]
    fn principal_forms() {
        let d = parse(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*"},
            {"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:root"],
              "Service": "ec2.amazonaws.com", "Federated": "cognito-identity.amazonaws.com",
              "CanonicalUser": "abc"}, "Action": "*"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:user/x"}, "Action": "*"}
        ]}))
        .unwrap();
        let p0 = d.statements[0].principal.clone().unwrap();
        assert!(p0.inner().any);
        let p1 = d.statements[1].principal.clone().unwrap();
        assert_eq!(p1.inner().aws, vec!["*".to_string()]);
        let p2 = d.statements[2].principal.clone().unwrap();
        assert_eq!(p2.inner().aws.len(), 2);
        assert_eq!(p2.inner().service, vec!["ec2.amazonaws.com".to_string()]);
        assert_eq!(p2.inner().federated.len(), 1);
        assert_eq!(p2.inner().canonical_user.len(), 1);
        assert!(d.statements[3].principal.clone().unwrap().is_negated());
    }

    #[test]
    fn condition_values_are_text() {
        let d = parse(json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"s3:max-keys": [10, 2.5]},
                          "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a*"}}}}))
        .unwrap();
        let c = &d.statements[0].conditions;
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].values, vec!["true".to_string()]);
        assert_eq!(c[1].values, vec!["10".to_string(), "2.5".to_string()]);
        assert_eq!(c[2].operator.to_string(), "ForAnyValue:StringLikeIfExists");
    }

    fn error_of(v: Value) -> ParseError {
        match parse(v) {
            Err(e) => e,
            Ok(d) => unreachable!("expected an error, parsed {d:?}"),
        }
    }

    #[test]
    fn partial_wildcards_in_principal_are_rejected() {
        let e = error_of(json!({"Statement": {"Effect": "Allow", "Action": "*",
            "Principal": {"AWS": ["111122223333", "arn:aws:iam::123456789012:user/*"]}}}));
        assert_eq!(e.path, "$.Statement.Principal.AWS[1]");
        assert!(e.message.contains("unsupported wildcard in principal"));
        let e = error_of(json!({"Statement": [{"Effect": "Deny", "Action": "*",
            "NotPrincipal": {"Service": "*.amazonaws.com"}}]}));
        assert_eq!(e.path, "$.Statement[0].NotPrincipal.Service");
        let e = error_of(json!({"Statement": [{"Effect": "Allow", "Action": "*",
            "Principal": {"AWS": "arn:aws:iam::12345678901?:root"}}]}));
        assert_eq!(e.path, "$.Statement[0].Principal.AWS");
        // `"*"` alone stays the documented "everyone"
        assert!(parse(json!({"Statement": {"Effect": "Allow", "Action": "*",
            "Principal": {"AWS": ["*"]}}}))
        .is_ok());
    }

    #[test]
    fn errors_name_the_json_path() {
        let e = error_of(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": null}}}]}),
        );
        assert_eq!(e.path, "$.Statement[1].Condition.StringEquals.k");
        let e = error_of(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"stringequals": {"k": "v"}}}]}),
        );
        assert_eq!(e.path, "$.Statement[0].Condition.stringequals");
        assert!(
            e.message.contains("did you mean `StringEquals`"),
            "{}",
            e.message
        );
        let e = error_of(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Foo": 1}}),
        );
        assert_eq!(e.path, "$.Statement.Foo");
        let e = error_of(json!({"Statement": [], "Extra": 1}));
        assert_eq!(e.path, "$.Extra");
        let e = error_of(json!({"Version": "2012-10-18", "Statement": []}));
        assert_eq!(e.path, "$.Version");
        let e =
            error_of(json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}));
        assert_eq!(e.path, "$.Statement[0]");
        let e = error_of(json!({"Statement": [{"Effect": "allow", "Action": "*"}]}));
        assert_eq!(e.path, "$.Statement[0].Effect");
        let e = error_of(json!({"Statement": [{"Effect": "Allow", "Action": ["s3:x", 3]}]}));
        assert_eq!(e.path, "$.Statement[0].Action[1]");
        let e = error_of(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Aws": "*"}}]}),
        );
        assert_eq!(e.path, "$.Statement[0].Principal.Aws");
        let e = error_of(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}]}),
        );
        assert!(e.message.contains("IfExists"));
        let e = error_of(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": "yes"}}}]}),
        );
        assert_eq!(e.path, "$.Statement[0].Condition.Null.k");
        let e = error_of(json!([1]));
        assert_eq!(e.path, "$");
    }

    #[test]
    fn kinds_check_principal_and_resource() {
        let id = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}});
        assert!(parse_document_as(&id, "$", DocumentKind::Identity).is_err());
        assert!(parse_document_as(&id, "$", DocumentKind::Resource).is_ok());
        let trust = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}});
        assert!(parse_document_as(&trust, "$", DocumentKind::Resource).is_ok());
        assert!(parse_document_as(&trust, "$", DocumentKind::Rcp).is_err());
        let no_res = json!({"Statement": {"Effect": "Allow", "Action": "*"}});
        let e = parse_document_as(&no_res, "$.identity[0]", DocumentKind::Identity).unwrap_err();
        assert_eq!(e.path, "$.identity[0].Statement");
    }

    /// AWS Organizations, "RCP syntax": `Version` must be `2012-10-17`.
    #[test]
    fn rcps_need_the_2012_version() {
        let rcp = json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}});
        let e = parse_document_as(&rcp, "$.rcps[0][0]", DocumentKind::Rcp).unwrap_err();
        assert_eq!(e.path, "$.rcps[0][0].Version");
        let mut with_version = rcp.clone();
        with_version["Version"] = json!("2012-10-17");
        assert!(parse_document_as(&with_version, "$", DocumentKind::Rcp).is_ok());
        with_version["Version"] = json!("2008-10-17");
        assert!(parse_document_as(&with_version, "$", DocumentKind::Rcp).is_err());
    }
}

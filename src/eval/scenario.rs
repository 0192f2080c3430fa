//! The scenario format of `iamc eval` (docs/eval-scenario.md, a fixed interface): JSON in,
//! a compiled [`PolicySet`] and a [`Request`] out, every problem named by its JSON path;
//! and the decision as the JSON object the command prints. No I/O here.
//!
//! Unknown top-level fields are errors (a misspelt `"scps"` must not silently drop the
//! SCPs), except metadata that harnesses put next to a scenario: `name`, `description`,
//! `comment`, `expect`, `expected` and any field starting with `_`.

use super::{
    evaluate, Caller, CompileError, CompiledDocument, Context, ContextValue, Decision, PolicySet,
    Request,
};
use crate::policy::parse::{child, index, parse_document_as, type_name, ParseError};
use crate::policy::DocumentKind;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// An unusable scenario: the JSON path of the problem and what was expected.
pub type ScenarioError = ParseError;

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ParseError {
        path: path.to_string(),
        message: message.into(),
    })
}

/// A parsed and compiled scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub policies: PolicySet,
    pub request: Request,
}

impl Scenario {
    pub fn decide(&self) -> Decision {
        evaluate(&self.policies, &self.request)
    }
}

/// Parses scenario text (one JSON object).
pub fn parse_str(text: &str) -> Result<Scenario, ScenarioError> {
    parse_str_cached(text, &mut DocumentCache::disabled())
}

/// Parses scenario text, reusing the documents `cache` has already compiled.
pub fn parse_str_cached(text: &str, cache: &mut DocumentCache) -> Result<Scenario, ScenarioError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ParseError {
        path: "$".into(),
        message: format!("invalid JSON: {e}"),
    })?;
    parse_value_cached(&value, cache)
}

/// Compiled documents by kind and JSON text, for batches: a harness repeats the same
/// policies with varied requests, and parsing and compiling a document costs several times
/// what deciding a request does. Only documents that compiled are kept, and a hit needs the
/// same kind and an identical value (keys in the same order), so every answer and every
/// error is exactly what an uncached parse gives.
#[derive(Debug, Default)]
pub struct DocumentCache {
    enabled: bool,
    entries: HashMap<u64, Vec<(DocumentKind, Value, CompiledDocument)>>,
    len: usize,
}

impl DocumentCache {
    /// Bounds the memory a long batch of distinct documents can take.
    const CAPACITY: usize = 4096;

    pub fn new() -> DocumentCache {
        DocumentCache {
            enabled: true,
            ..DocumentCache::default()
        }
    }

    /// A cache that keeps nothing (single scenarios).
    pub fn disabled() -> DocumentCache {
        DocumentCache::default()
    }

    /// Parses and compiles the document at `path`, or returns the copy compiled before.
    fn compile(
        &mut self,
        v: &Value,
        path: &str,
        kind: DocumentKind,
    ) -> Result<CompiledDocument, ScenarioError> {
        let fresh = |v: &Value| {
            let doc = parse_document_as(v, path, kind)?;
            CompiledDocument::compile(&doc).map_err(|e| compile_error(e, v, path))
        };
        if !self.enabled {
            return fresh(v);
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        kind.hash(&mut h);
        hash_value(v, &mut h);
        let key = h.finish();
        if let Some(hit) = self
            .entries
            .get(&key)
            .and_then(|b| b.iter().find(|(k, x, _)| *k == kind && identical(x, v)))
        {
            return Ok(hit.2.clone());
        }
        let compiled = fresh(v)?;
        if self.len >= Self::CAPACITY {
            self.entries.clear();
            self.len = 0;
        }
        self.entries
            .entry(key)
            .or_default()
            .push((kind, v.clone(), compiled.clone()));
        self.len += 1;
        Ok(compiled)
    }
}

/// Hashes a JSON value, object keys in their order.
fn hash_value(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(xs) => {
            (4u8, xs.len()).hash(h);
            for x in xs {
                hash_value(x, h);
            }
        }
        Value::Object(m) => {
            (5u8, m.len()).hash(h);
            for (k, x) in m {
                k.hash(h);
                hash_value(x, h);
            }
        }
    }
}

/// Equality that also requires object keys in the same order (`Value`'s `==` ignores it).
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| identical(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kp, p), (kq, q))| kp == kq && identical(p, q))
        }
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => false,
        _ => a == b,
    }
}

const TOP: &[&str] = &[
    "identity", "resource", "boundary", "session", "scps", "rcps", "request",
];
const METADATA: &[&str] = &["name", "description", "comment", "expect", "expected"];

/// Parses a scenario object.
pub fn parse_value(value: &Value) -> Result<Scenario, ScenarioError> {
    parse_value_cached(value, &mut DocumentCache::disabled())
}

/// Parses a scenario object, reusing the documents `cache` has already compiled.
pub fn parse_value_cached(
    value: &Value,
    cache: &mut DocumentCache,
) -> Result<Scenario, ScenarioError> {
    let Value::Object(top) = value else {
        return err(
            "$",
            format!("expected a scenario object, found {}", type_name(value)),
        );
    };
    for key in top.keys() {
        if !TOP.contains(&key.as_str())
            && !METADATA.contains(&key.as_str())
            && !key.starts_with('_')
        {
            return err(
                &child("$", key),
                format!("unknown scenario field `{key}`; expected one of `identity`, `resource`, `boundary`, `session`, `scps`, `rcps`, `request`"),
            );
        }
    }
    let Some(req_value) = top.get("request") else {
        return err("$", "missing `request`; expected the request object");
    };
    let mut request = parse_request(req_value, "$.request")?;
    let mut set = PolicySet::new();
    if request.caller.is_outside_iam() {
        // Only the resource policy and the RCPs can hold anything for such a caller.
        check_outside_iam(top, &mut request)?;
        set.resource = optional_doc(top, "resource", DocumentKind::Resource, cache)?;
        set.rcps = levels(top, "rcps", DocumentKind::Rcp, cache)?;
        return Ok(Scenario {
            policies: set,
            request,
        });
    }

    match top.get("identity") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let p = index("$.identity", i);
                set.identity
                    .push(cache.compile(item, &p, DocumentKind::Identity)?);
            }
        }
        Some(other) => {
            return err(
                "$.identity",
                format!(
                    "expected an array of policy documents, found {}",
                    type_name(other)
                ),
            )
        }
    }
    set.resource = optional_doc(top, "resource", DocumentKind::Resource, cache)?;
    set.boundary = optional_doc(top, "boundary", DocumentKind::Boundary, cache)?;
    if matches!(top.get("session"), Some(v) if !v.is_null()) && request.caller.is_user() {
        // An invalid document is reported first, as before.
        optional_doc(top, "session", DocumentKind::Session, cache)?;
        return err(
            "$.session",
            "expected null: an IAM user has no session policy (the principal is an IAM user)",
        );
    }
    set.session = optional_doc(top, "session", DocumentKind::Session, cache)?;
    set.scps = levels(top, "scps", DocumentKind::Scp, cache)?;
    set.rcps = levels(top, "rcps", DocumentKind::Rcp, cache)?;
    Ok(Scenario {
        policies: set,
        request,
    })
}

/// The rules of "Callers outside IAM" (docs/eval-scenario.md): such a caller has no
/// identity-based policy, boundary, session policy or SCP, so those fields must say so; and
/// the resource's account comes from `request.resource` or `resource_account`, one of which
/// must give it. Checked before any document is compiled: the field is wrong whatever it
/// holds. (`[]` is accepted for the document fields too, as the spec words it.)
fn check_outside_iam(top: &Map<String, Value>, request: &mut Request) -> Result<(), ScenarioError> {
    let who = match &request.caller {
        Caller::Service { name } => format!("the AWS service `{name}`"),
        Caller::Provider { name, .. } => format!("the identity provider `{name}`"),
        _ => "an anonymous caller".to_string(),
    };
    for (field, what) in [
        ("identity", "identity-based policies"),
        ("boundary", "permissions boundary"),
        ("session", "session policy"),
        ("scps", "SCPs"),
    ] {
        let empty = match top.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        };
        if !empty {
            return err(
                &child("$", field),
                format!("expected null or `[]`: a caller outside IAM has no {what} (the principal is {who})"),
            );
        }
    }
    let in_arn = super::arn::split(&request.resource).and_then(|[_, _, _, _, account, _]| {
        super::principal::is_account(account).then_some(account)
    });
    match (in_arn, request.resource_account.as_deref()) {
        (Some(a), Some(given)) if a != given => err(
            "$.request.resource_account",
            format!("`{given}` is not the account `{a}` of `request.resource`; a caller outside IAM is decided for the resource's account"),
        ),
        (Some(a), None) => {
            request.resource_account = Some(a.to_string());
            Ok(())
        }
        (_, Some(_)) => Ok(()),
        (None, None) => err(
            "$.request.resource_account",
            format!("missing: `request.resource` (`{}`) names no account, so a request from a caller outside IAM must give the resource's 12-digit account", request.resource),
        ),
    }
}

fn optional_doc(
    top: &Map<String, Value>,
    field: &str,
    kind: DocumentKind,
    cache: &mut DocumentCache,
) -> Result<Option<CompiledDocument>, ScenarioError> {
    match top.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some(cache.compile(v, &child("$", field), kind)?)),
    }
}

fn levels(
    top: &Map<String, Value>,
    field: &str,
    kind: DocumentKind,
    cache: &mut DocumentCache,
) -> Result<Vec<Vec<CompiledDocument>>, ScenarioError> {
    let path = child("$", field);
    let expected = "expected null or an array of levels, each an array of policy documents";
    match top.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(levels)) => {
            let mut out = Vec::with_capacity(levels.len());
            for (l, level) in levels.iter().enumerate() {
                let lp = index(&path, l);
                let Value::Array(docs) = level else {
                    return err(
                        &lp,
                        format!(
                            "expected an array of policy documents (one level), found {}",
                            type_name(level)
                        ),
                    );
                };
                let mut compiled = Vec::with_capacity(docs.len());
                for (i, d) in docs.iter().enumerate() {
                    let dp = index(&lp, i);
                    compiled.push(cache.compile(d, &dp, kind)?);
                }
                out.push(compiled);
            }
            Ok(out)
        }
        Some(other) => err(&path, format!("{expected}, found {}", type_name(other))),
    }
}

/// Turns a compile error (statement index + inner location) into a full JSON path.
fn compile_error(e: CompileError, doc: &Value, path: &str) -> ScenarioError {
    let statements = child(path, "Statement");
    let st = if matches!(doc.get("Statement"), Some(Value::Array(_))) {
        index(&statements, e.statement)
    } else {
        statements
    };
    ParseError {
        path: format!("{st}.{}", e.location),
        message: e.message,
    }
}

fn string_field<'v>(
    o: &'v Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'v str>, ScenarioError> {
    match o.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => err(
            &child(path, key),
            format!("expected a string, found {}", type_name(other)),
        ),
    }
}

fn parse_request(v: &Value, path: &str) -> Result<Request, ScenarioError> {
    let Value::Object(o) = v else {
        return err(
            path,
            format!("expected the request object, found {}", type_name(v)),
        );
    };
    for key in o.keys() {
        if !matches!(
            key.as_str(),
            "principal" | "action" | "resource" | "resource_account" | "context"
        ) {
            return err(
                &child(path, key),
                format!("unknown request field `{key}`; expected `principal`, `action`, `resource`, `resource_account` or `context`"),
            );
        }
    }
    let required = |key: &str, what: &str| -> Result<&str, ScenarioError> {
        match string_field(o, key, path)? {
            Some(s) => Ok(s),
            None => err(path, format!("missing `{key}`; expected {what}")),
        }
    };
    let principal = required("principal", "the caller")?;
    let action = required("action", "`service:ActionName`")?;
    let resource = required("resource", "the target resource's ARN or `*`")?;
    let caller = Caller::parse(principal).map_err(|m| ParseError {
        path: child(path, "principal"),
        message: m,
    })?;
    // A request names one real action (spec: `service:ActionName`); `*` is a policy
    // pattern, never a request action, and accepting it would let `NotAction` lists
    // "allow" an action that does not exist.
    if !action
        .split_once(':')
        .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty())
    {
        return err(
            &child(path, "action"),
            format!("expected `service:ActionName`, found `{action}`"),
        );
    }
    if resource.is_empty() {
        return err(
            &child(path, "resource"),
            "expected an ARN or `*`, found an empty string",
        );
    }
    let resource_account = match string_field(o, "resource_account", path)? {
        None => None,
        Some(a) if super::principal::is_account(a) => Some(a.to_string()),
        Some(a) => {
            return err(
                &child(path, "resource_account"),
                format!("expected a 12-digit account id, found `{a}`"),
            )
        }
    };
    let mut context = Context::new();
    let cpath = child(path, "context");
    match o.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(entries)) => {
            for (key, value) in entries {
                let kp = child(&cpath, key);
                // Key names ignore case, so two spellings of one key would be two values
                // for it, one silently dropped: the scenario is ambiguous.
                if context.get(key).is_some() {
                    return err(
                        &kp,
                        format!("duplicate context key `{key}`; key names ignore case, so it repeats another key of the context"),
                    );
                }
                let cv = match value {
                    Value::String(s) => ContextValue::One(s.clone()),
                    Value::Array(items) => {
                        let mut vals = Vec::with_capacity(items.len());
                        for (i, item) in items.iter().enumerate() {
                            match item {
                                Value::String(s) => vals.push(s.clone()),
                                other => {
                                    return err(
                                        &index(&kp, i),
                                        format!("expected a string, found {}", type_name(other)),
                                    )
                                }
                            }
                        }
                        ContextValue::Many(vals)
                    }
                    other => {
                        return err(
                            &kp,
                            format!(
                                "expected a string or an array of strings (write booleans and numbers as AWS does, `\"true\"`, `\"10\"`), found {}",
                                type_name(other)
                            ),
                        )
                    }
                };
                context.insert(key, cv);
            }
        }
        Some(other) => {
            return err(
                &cpath,
                format!(
                    "expected an object of condition keys, found {}",
                    type_name(other)
                ),
            )
        }
    }
    Ok(Request {
        caller,
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account,
        context,
    })
}

/// The decision as the JSON object `iamc eval --format json` prints.
pub fn decision_json(set: &PolicySet, d: &Decision) -> Value {
    let statements: Vec<Value> = d
        .statements
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("policy".into(), Value::String(s.policy.to_string()));
            m.insert(
                "statement".into(),
                Value::String(set.statement_label(s).to_string()),
            );
            m.insert("effect".into(), Value::String(s.effect.as_str().into()));
            Value::Object(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("decision".into(), Value::String(d.outcome.as_str().into()));
    m.insert("reason".into(), Value::String(d.reason.to_string()));
    m.insert("statements".into(), Value::Array(statements));
    Value::Object(m)
}

/// The decision for people.
pub fn decision_text(set: &PolicySet, d: &Decision) -> String {
    let mut s = format!("decision: {}\nreason: {}\n", d.outcome.as_str(), d.reason);
    if !d.statements.is_empty() {
        s.push_str("deciding statements:\n");
        for st in &d.statements {
            s.push_str(&format!(
                "  {} statement `{}` ({})\n",
                st.policy,
                set.statement_label(st),
                st.effect
            ));
        }
    }
    s
}

/// The error line of batch mode.
pub fn error_json(e: &ScenarioError, line: usize) -> Value {
    let mut m = Map::new();
    m.insert("error".into(), Value::String(e.to_string()));
    m.insert("line".into(), Value::from(line));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"{"identity":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}],"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"}}"#;

    #[test]
    fn the_cache_changes_no_answer_and_no_error() {
        let mut cache = DocumentCache::new();
        let plain = parse_str(OK).unwrap().decide();
        for _ in 0..2 {
            assert_eq!(parse_str_cached(OK, &mut cache).unwrap().decide(), plain);
        }
        assert_eq!(cache.len, 1);
        // The same document as a boundary is another entry.
        let as_boundary = OK
            .replace(r#""identity":["#, r#""identity":[],"boundary":"#)
            .replace("}}],", "}},");
        assert!(parse_str_cached(&as_boundary, &mut cache).is_ok());
        assert_eq!(cache.len, 2);
        // A document that does not compile is reported each time, never kept.
        let bad = OK.replace("\"Allow\"", "\"Permit\"");
        let e1 = parse_str(&bad).unwrap_err();
        for _ in 0..2 {
            let e = parse_str_cached(&bad, &mut cache).unwrap_err();
            assert_eq!(
                (e.path.as_str(), e.message.as_str()),
                (e1.path.as_str(), e1.message.as_str())
            );
        }
        assert_eq!(cache.len, 2);
        // Key order matters to a hit, not to the answer.
        let reordered = OK.replace(
            r#""Effect":"Allow","Action":"s3:Get*""#,
            r#""Action":"s3:Get*","Effect":"Allow""#,
        );
        assert_eq!(
            parse_str_cached(&reordered, &mut cache).unwrap().decide(),
            plain
        );
        assert_eq!(cache.len, 3);
    }
}

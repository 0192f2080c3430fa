//! The scenario format of `iamc eval` (docs/eval-scenario.md, a fixed interface): JSON in,
//! a compiled [`PolicySet`] and a [`Request`] out, every problem named by its JSON path;
//! and the decision as the JSON object the command prints. No I/O here.
//!
//! Unknown top-level fields are errors (a misspelt `"scps"` must not silently drop the
//! SCPs), except metadata that harnesses put next to a scenario: `name`, `description`,
//! `comment`, `expect`, `expected` and any field starting with `_`.

use super::{evaluate, Caller, CompileError, Context, ContextValue, Decision, PolicySet, Request};
use crate::policy::parse::{child, index, parse_document_as, type_name, ParseError};
use crate::policy::{Document, DocumentKind};
use serde_json::{Map, Value};

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
    let value: Value = serde_json::from_str(text).map_err(|e| ParseError {
        path: "$".into(),
        message: format!("invalid JSON: {e}"),
    })?;
    parse_value(&value)
}

const TOP: &[&str] = &[
    "identity", "resource", "boundary", "session", "scps", "rcps", "request",
];
const METADATA: &[&str] = &["name", "description", "comment", "expect", "expected"];

/// Parses a scenario object.
pub fn parse_value(value: &Value) -> Result<Scenario, ScenarioError> {
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
    let request = parse_request(req_value, "$.request")?;
    let mut set = PolicySet::new();

    match top.get("identity") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let p = index("$.identity", i);
                let doc = parse_document_as(item, &p, DocumentKind::Identity)?;
                set.add_identity(&doc)
                    .map_err(|e| compile_error(e, item, &p))?;
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
    if let Some((doc, v)) = optional_doc(top, "resource", DocumentKind::Resource)? {
        set.set_resource(&doc)
            .map_err(|e| compile_error(e, v, "$.resource"))?;
    }
    if let Some((doc, v)) = optional_doc(top, "boundary", DocumentKind::Boundary)? {
        set.set_boundary(&doc)
            .map_err(|e| compile_error(e, v, "$.boundary"))?;
    }
    if let Some((doc, v)) = optional_doc(top, "session", DocumentKind::Session)? {
        if request.caller.is_user() {
            return err(
                "$.session",
                "expected null: an IAM user has no session policy (the principal is an IAM user)",
            );
        }
        set.set_session(&doc)
            .map_err(|e| compile_error(e, v, "$.session"))?;
    }
    set.scps = levels(top, "scps", DocumentKind::Scp)?;
    set.rcps = levels(top, "rcps", DocumentKind::Rcp)?;
    Ok(Scenario {
        policies: set,
        request,
    })
}

fn optional_doc<'v>(
    top: &'v Map<String, Value>,
    field: &str,
    kind: DocumentKind,
) -> Result<Option<(Document, &'v Value)>, ScenarioError> {
    match top.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some((parse_document_as(v, &child("$", field), kind)?, v))),
    }
}

fn levels(
    top: &Map<String, Value>,
    field: &str,
    kind: DocumentKind,
) -> Result<Vec<Vec<super::CompiledDocument>>, ScenarioError> {
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
                    let doc = parse_document_as(d, &dp, kind)?;
                    compiled.push(
                        super::CompiledDocument::compile(&doc)
                            .map_err(|e| compile_error(e, d, &dp))?,
                    );
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
    let principal = required("principal", "the caller's ARN")?;
    let action = required("action", "`service:ActionName`")?;
    let resource = required("resource", "the target resource's ARN or `*`")?;
    let caller = Caller::parse(principal).map_err(|m| ParseError {
        path: child(path, "principal"),
        message: m,
    })?;
    if action != "*"
        && !action
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

//! Counterexamples as `iamc eval` scenarios (spec/eval-scenario.md), so anyone can replay
//! the request the prover found and see the decision it reported.

use super::subject::Judge;
use crate::eval::{ContextValue, Request};
use crate::policy::json::to_value;
use serde_json::{json, Map, Value};

fn docs(list: &[crate::policy::Document]) -> Value {
    Value::Array(list.iter().map(to_value).collect())
}

/// The scenario of `req` for one side. `key_name` gives a lowercase key its spelling.
pub fn scenario(judge: &Judge<'_>, req: &Request, key_name: &dyn Fn(&str) -> String) -> Value {
    let (identity, resource, resource_account) = judge.scenario_parts(req);
    let slots = &judge.slots;
    let levels = |ls: &Vec<Vec<super::subject::Placed<'_>>>| {
        if ls.is_empty() {
            Value::Null
        } else {
            Value::Array(
                ls.iter()
                    .map(|l| Value::Array(l.iter().map(|p| to_value(p.doc)).collect()))
                    .collect(),
            )
        }
    };
    let mut context = Map::new();
    let mut entries: Vec<(String, &ContextValue)> =
        req.context.iter().map(|(k, v)| (key_name(k), v)).collect();
    entries.sort_by_key(|a| a.0.to_lowercase());
    for (k, v) in entries {
        let value = match v {
            ContextValue::One(s) => Value::String(s.clone()),
            ContextValue::Many(xs) => Value::Array(xs.iter().cloned().map(Value::String).collect()),
        };
        context.insert(k, value);
    }
    let mut request = Map::new();
    request.insert(
        "principal".into(),
        Value::String(req.caller.as_str().to_string()),
    );
    request.insert("action".into(), Value::String(req.action.clone()));
    request.insert("resource".into(), Value::String(req.resource.clone()));
    let account = resource_account.or_else(|| req.resource_account.clone());
    if let Some(a) = account {
        request.insert("resource_account".into(), Value::String(a));
    }
    request.insert("context".into(), Value::Object(context));
    json!({
        "identity": docs(&identity),
        "resource": resource.as_ref().map_or(Value::Null, to_value),
        "boundary": slots.boundary.map_or(Value::Null, |p| to_value(p.doc)),
        "session": slots.session.map_or(Value::Null, |p| to_value(p.doc)),
        "scps": levels(&slots.scps),
        "rcps": levels(&slots.rcps),
        "request": Value::Object(request),
    })
}

//! Documents compiled once for fast evaluation: actions lowercased into globs, resources
//! pre-split into ARN component globs, principals classified, condition values pre-parsed
//! and policy variables pre-split.

use super::arn::{self, ArnPattern};
use super::condition::CompiledCondition;
use super::context::Context;
use super::glob::{Glob, Tok};
use super::principal::{Caller, CompiledPrincipal, Naming};
use super::template::Template;
use crate::policy::{Document, Effect, Matcher};

/// A compiled policy document.
#[derive(Clone, Debug)]
pub struct CompiledDocument {
    pub(crate) statements: Vec<CompiledStatement>,
}

/// A statement's value that the operator cannot use, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Index of the statement in the document.
    pub statement: usize,
    /// The path inside the statement, such as `Condition.NumericEquals["s3:max-keys"][1]`.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Statement[{}].{}: {}",
            self.statement, self.location, self.message
        )
    }
}

impl std::error::Error for CompileError {}

#[derive(Clone, Debug)]
pub(crate) struct CompiledStatement {
    /// The Sid, or the statement's index when it has none.
    pub label: String,
    pub effect: Effect,
    principal: Option<CompiledPrincipal>,
    actions: Actions,
    resources: Option<Resources>,
    conditions: Vec<CompiledCondition>,
}

#[derive(Clone, Debug)]
struct Actions {
    negated: bool,
    any: bool,
    globs: Vec<Glob>,
    /// The lowercase service prefixes when every pattern spells its service literally
    /// (`s3:Get*`): a request for another service is rejected with one short compare.
    services: Option<Vec<Box<[u8]>>>,
}

/// The literal service prefix of an action pattern, lowercase; `None` when the service
/// part has a wildcard (or there is no colon).
fn literal_service(pattern: &str) -> Option<Box<[u8]>> {
    let (svc, _) = pattern.split_once(':')?;
    if svc.contains(['*', '?']) {
        return None;
    }
    Some(svc.to_ascii_lowercase().into_bytes().into_boxed_slice())
}

/// The service prefix of a request action (bytes before the first colon).
pub(crate) fn request_service(action: &str) -> &[u8] {
    let b = action.as_bytes();
    match b.iter().position(|c| *c == b':') {
        Some(i) => b.get(..i).unwrap_or(b),
        None => b,
    }
}

#[derive(Clone, Debug)]
struct Resources {
    negated: bool,
    entries: Vec<ResourceEntry>,
}

#[derive(Clone, Debug)]
enum ResourceEntry {
    /// `"*"`: every resource, including the request resource `"*"`.
    Any,
    Pattern(ArnPattern),
    Template(Template),
}

/// Compiles `Resource`/`NotResource` entries of statement `statement`.
///
/// Decision (IAM User Guide, "Policy variables": a variable in `Resource` is allowed "only
/// in the resource part of the ARN"): a variable before the fifth colon (in the partition,
/// service, region or account) makes the document unusable — a `CompileError` with the
/// entry's path, so `iamc eval` exits 2 — rather than expanding it (which AWS would not do)
/// or keeping the text literal (which would silently match nothing and hide the mistake).
/// Only for documents that expand variables; under `2008-10-17` the text is literal.
fn compile_resources(
    m: &Matcher<Vec<String>>,
    variables: bool,
    statement: usize,
) -> Result<Resources, CompileError> {
    let (negated, list, element) = match m {
        Matcher::Is(l) => (false, l, "Resource"),
        Matcher::Not(l) => (true, l, "NotResource"),
    };
    let mut entries = Vec::with_capacity(list.len());
    for (j, r) in list.iter().enumerate() {
        let entry = if r == "*" {
            ResourceEntry::Any
        } else if let Some(t) = variables.then(|| Template::parse(r)).flatten() {
            if !t.variables_in_resource_part() {
                return Err(CompileError {
                    statement,
                    location: if list.len() > 1 {
                        format!("{element}[{j}]")
                    } else {
                        element.to_string()
                    },
                    message: format!(
                        "policy variable before the resource part of the ARN `{r}`: \
                         variables are allowed only after the fifth colon"
                    ),
                });
            }
            ResourceEntry::Template(t)
        } else {
            ResourceEntry::Pattern(ArnPattern::new(r))
        };
        entries.push(entry);
    }
    Ok(Resources { negated, entries })
}

/// A request ready for matching: the resource split once.
pub(crate) struct Prepared<'a> {
    pub action: &'a str,
    pub service: &'a [u8],
    pub resource: &'a str,
    pub parts: Option<[&'a str; 6]>,
    pub context: &'a Context,
    pub caller: &'a Caller,
    pub has_boundary: bool,
}

impl CompiledDocument {
    pub fn compile(doc: &Document) -> Result<CompiledDocument, CompileError> {
        let variables = doc.effective_version().supports_variables();
        let mut statements = Vec::with_capacity(doc.statements.len());
        for (i, st) in doc.statements.iter().enumerate() {
            let (negated, list) = match &st.action {
                Matcher::Is(l) => (false, l),
                Matcher::Not(l) => (true, l),
            };
            let any = list.iter().any(|a| a == "*");
            let actions = Actions {
                negated,
                any,
                globs: list.iter().map(|a| Glob::new(a, true)).collect(),
                services: if any {
                    None
                } else {
                    list.iter().map(|a| literal_service(a)).collect()
                },
            };
            let resources = match &st.resource {
                None => None,
                Some(m) => Some(compile_resources(m, variables, i)?),
            };
            let mut conditions = Vec::with_capacity(st.conditions.len());
            for c in &st.conditions {
                let cc = CompiledCondition::compile(c, variables).map_err(|e| {
                    let key = crate::policy::parse::child("", &c.key);
                    let op = crate::policy::parse::child("Condition", &c.operator.to_string());
                    CompileError {
                        statement: i,
                        location: if c.values.len() > 1 {
                            format!("{op}{key}[{}]", e.index)
                        } else {
                            format!("{op}{key}")
                        },
                        message: e.message,
                    }
                })?;
                conditions.push(cc);
            }
            statements.push(CompiledStatement {
                label: st.sid.clone().unwrap_or_else(|| i.to_string()),
                effect: st.effect,
                principal: st.principal.as_ref().map(CompiledPrincipal::compile),
                actions,
                resources,
                conditions,
            });
        }
        Ok(CompiledDocument { statements })
    }

    pub fn len(&self) -> usize {
        self.statements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

impl Actions {
    fn matches(&self, action: &str, service: &[u8]) -> bool {
        if let Some(services) = &self.services {
            if !services.iter().any(|s| s.eq_ignore_ascii_case(service)) {
                return self.negated;
            }
        }
        let hit = self.any || self.globs.iter().any(|g| g.matches(action));
        hit != self.negated
    }
}

impl Resources {
    fn matches(&self, p: &Prepared<'_>) -> bool {
        let hit = self.entries.iter().any(|e| entry_matches(e, p));
        hit != self.negated
    }
}

fn entry_matches(e: &ResourceEntry, p: &Prepared<'_>) -> bool {
    entry_matches_resource(e, p.resource, p.parts.as_ref(), p.context)
}

fn entry_matches_resource(
    e: &ResourceEntry,
    resource: &str,
    parts: Option<&[&str; 6]>,
    context: &Context,
) -> bool {
    match e {
        ResourceEntry::Any => true,
        // An ARN pattern never matches the request resource `*`.
        _ if resource == "*" => false,
        ResourceEntry::Pattern(a) => a.matches(resource, parts),
        ResourceEntry::Template(t) => {
            // A variable with no value makes the entry match nothing ("Policy variables
            // with no value"); a variable's value is literal text.
            let mut toks: Vec<Tok> = Vec::new();
            if !t.resolve(context, true, &mut toks) {
                return false;
            }
            ArnPattern::from_tokens(&toks).matches(resource, parts)
        }
    }
}

/// Whether one `Resource`/`NotResource` entry as written matches a request's resource,
/// by the engine's own rule (`variables`: the document expands policy variables, which
/// read `context`). For the prover, which asks about one entry at a time.
pub fn resource_entry_matches(
    entry: &str,
    variables: bool,
    resource: &str,
    context: &Context,
) -> bool {
    let e = if entry == "*" {
        ResourceEntry::Any
    } else if let Some(t) = variables.then(|| Template::parse(entry)).flatten() {
        ResourceEntry::Template(t)
    } else {
        ResourceEntry::Pattern(ArnPattern::new(entry))
    };
    entry_matches_resource(&e, resource, arn::split(resource).as_ref(), context)
}

impl CompiledStatement {
    /// Action, resource and conditions (not the principal).
    pub fn matches(&self, p: &Prepared<'_>) -> bool {
        self.actions.matches(p.action, p.service)
            && self.resources.as_ref().is_none_or(|r| r.matches(p))
            && self.conditions.iter().all(|c| c.holds(p.context))
    }

    /// For statements with a `Principal`: how it names the caller (`None`: not at all).
    /// Statements without one apply to the policy's own principal.
    pub fn naming(&self, p: &Prepared<'_>) -> Option<Naming> {
        match &self.principal {
            None => Some(Naming::Direct),
            Some(cp) => cp.naming(p.caller, p.has_boundary),
        }
    }
}

pub(crate) fn prepare<'a>(
    action: &'a str,
    resource: &'a str,
    context: &'a Context,
    caller: &'a Caller,
    has_boundary: bool,
) -> Prepared<'a> {
    Prepared {
        action,
        service: request_service(action),
        resource,
        parts: arn::split(resource),
        context,
        caller,
        has_boundary,
    }
}

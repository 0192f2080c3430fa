//! A proof as a search problem: the request's parts (fields), the atomic tests policies
//! make on them (atoms), and a formula per statement and for the property's request set.
//!
//! Atoms are shared: the same pattern or condition entry in two statements is one atom,
//! so the search asks about it once.

use super::formula::{AtomId, Formula};
use super::subject::{Placed, Slots};
use crate::catalog::{Catalog, ScalarType};
use crate::check::ir::CondExpr;
use crate::eval::condition::CompiledCondition;
use crate::eval::principal::CompiledPrincipal;
use crate::eval::template::Template;
use crate::eval::ContextValue;
use crate::policy::{BaseOperator, Condition, Matcher, OperatorFamily, Principals, Statement};
use std::collections::HashMap;

/// A part of the request the search assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldId {
    Action,
    Caller,
    Resource,
    /// A condition key, by index into [`Problem::keys`].
    Key(usize),
}

/// What values a condition key takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    String,
    Arn,
    Numeric,
    Date,
    /// `aws:EpochTime`: epoch seconds, compared as numbers and as dates.
    Epoch,
    Ip,
    Bool,
    Binary,
}

/// Whether a key may be absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    Free,
    /// AWS documents it on every request.
    Always,
    /// Fixed by the subject (a declared principal tag, or an undeclared one: absent).
    Fixed(Option<ContextValue>),
}

/// Keys AWS documents as present in every request context (IAM User Guide, "AWS global
/// condition context keys": "This key is always included in the request context"); the
/// spec's list (spec/prove.md, "The request space").
pub const ALWAYS_PRESENT: [&str; 4] = [
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:requestedregion",
];

/// Keys AWS derives from an IAM caller; they belong to the caller field.
pub const CALLER_KEYS: [&str; 4] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
];

#[derive(Clone, Debug)]
pub struct KeyDef {
    /// Lowercase (IAM compares key names ignoring case).
    pub lower: String,
    /// As first written.
    pub name: String,
    pub domain: Domain,
    pub multivalued: bool,
    pub presence: Presence,
}

/// One atomic test.
#[derive(Clone, Debug)]
pub enum AtomDef {
    /// An `Action`/`NotAction` pattern (lowercase).
    Action(String),
    /// A `Resource`/`NotResource` entry (or a property's `on` item).
    Resource { entry: String, variables: bool },
    /// Whether a `Principal`/`NotPrincipal` element applies to the caller.
    Principal(Box<CompiledPrincipal>, Matcher<Principals>),
    /// One `operator: {key: values}` entry, compiled by the engine, with its positive
    /// per-value test (for telling values apart).
    Condition {
        key: usize,
        condition: Condition,
        variables: bool,
        compiled: Box<CompiledCondition>,
        positive: Option<Box<CompiledCondition>>,
    },
}

#[derive(Clone, Debug)]
pub struct Atom {
    pub def: AtomDef,
    pub field: FieldId,
    /// Keys (indexes) whose values this atom's policy variables read.
    pub reads: Vec<usize>,
}

/// A statement of the subject's (or the other side's) documents.
#[derive(Clone, Debug)]
pub struct StatementFormula {
    /// 0: the subject; 1: the other side of `within`/`equivalent`.
    pub side: usize,
    pub policy: crate::eval::PolicyRef,
    pub index: usize,
    pub effect: crate::policy::Effect,
    pub formula: Formula,
}

/// The property's request set: R (spec/prove.md, "The properties").
#[derive(Clone, Debug, Default)]
pub struct RequestSet {
    pub actions: Vec<String>,
    pub actions_negated: bool,
    pub except: Vec<String>,
    pub resources: Option<Matcher<Vec<String>>>,
    pub condition: Option<CondExpr>,
}

/// A document or value the prover cannot use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadValue {
    pub message: String,
}

#[derive(Debug)]
pub struct Problem {
    pub atoms: Vec<Atom>,
    index: HashMap<String, AtomId>,
    pub keys: Vec<KeyDef>,
    key_index: HashMap<String, usize>,
    pub statements: Vec<StatementFormula>,
    /// Membership in R.
    pub request_set: Formula,
    /// Tests the engine's decision makes besides statement matches (whether the action
    /// assumes a role; whether the resource is a service-linked role), so every request
    /// part they read is told apart by them.
    pub hidden: Vec<Formula>,
    /// The hidden atom "the action is `sts:AssumeRole*`".
    pub assume_role: Option<AtomId>,
    /// Whether the subject has a permissions boundary (a `NotPrincipal` deny then applies
    /// to every IAM caller).
    pub has_boundary: bool,
}

/// The domain a key's values come from: its catalog type, else the operators used on it.
fn key_domain(catalog: &Catalog, lower: &str, family: OperatorFamily) -> (Domain, bool) {
    if lower == "aws:epochtime" {
        return (Domain::Epoch, false);
    }
    if let Some(info) = catalog.condition_key(lower) {
        if let Some(t) = info.types.first() {
            let d = match t.scalar {
                ScalarType::String => Domain::String,
                ScalarType::Arn => Domain::Arn,
                ScalarType::Bool => Domain::Bool,
                ScalarType::Date => Domain::Date,
                ScalarType::Numeric => Domain::Numeric,
                ScalarType::IpAddress => Domain::Ip,
                ScalarType::Binary => Domain::Binary,
            };
            return (d, t.multivalued);
        }
    }
    let d = match family {
        OperatorFamily::String | OperatorFamily::Null => Domain::String,
        OperatorFamily::Arn => Domain::Arn,
        OperatorFamily::Numeric => Domain::Numeric,
        OperatorFamily::Date => Domain::Date,
        OperatorFamily::Bool => Domain::Bool,
        OperatorFamily::Binary => Domain::Binary,
        OperatorFamily::Ip => Domain::Ip,
    };
    (d, false)
}

impl Problem {
    pub fn new(has_boundary: bool) -> Problem {
        Problem {
            atoms: Vec::new(),
            index: HashMap::new(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            statements: Vec::new(),
            request_set: Formula::Const(true),
            hidden: Vec::new(),
            assume_role: None,
            has_boundary,
        }
    }

    fn intern(&mut self, key: String, make: impl FnOnce() -> Atom) -> AtomId {
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let id = self.atoms.len();
        self.atoms.push(make());
        self.index.insert(key, id);
        id
    }

    /// The key's index, declaring it on first use.
    pub fn key(
        &mut self,
        name: &str,
        family: OperatorFamily,
        catalog: &Catalog,
        presence: impl FnOnce(&str) -> Presence,
    ) -> usize {
        let lower = name.to_lowercase();
        if let Some(&i) = self.key_index.get(&lower) {
            return i;
        }
        let (domain, multivalued) = key_domain(catalog, &lower, family);
        let presence = if ALWAYS_PRESENT.contains(&lower.as_str()) {
            Presence::Always
        } else {
            presence(&lower)
        };
        let i = self.keys.len();
        self.keys.push(KeyDef {
            lower: lower.clone(),
            name: name.to_string(),
            domain,
            multivalued,
            presence,
        });
        self.key_index.insert(lower, i);
        i
    }

    pub fn key_index(&self, lower: &str) -> Option<usize> {
        self.key_index.get(lower).copied()
    }

    fn action_atom(&mut self, pattern: &str) -> Formula {
        if pattern == "*" {
            return Formula::Const(true);
        }
        let lower = pattern.to_ascii_lowercase();
        let id = self.intern(format!("a\u{0}{lower}"), || Atom {
            def: AtomDef::Action(lower.clone()),
            field: FieldId::Action,
            reads: Vec::new(),
        });
        Formula::Atom(id)
    }

    fn reads_of(&mut self, text: &str, catalog: &Catalog, ctx: &Builder<'_>) -> Vec<usize> {
        let Some(t) = Template::parse(text) else {
            return Vec::new();
        };
        let vars: Vec<String> = t.variables().map(str::to_string).collect();
        vars.iter()
            .map(|v| self.key(v, OperatorFamily::String, catalog, |l| (ctx.presence)(l)))
            .collect()
    }

    fn resource_atom(
        &mut self,
        entry: &str,
        variables: bool,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Formula {
        if entry == "*" {
            return Formula::Const(true);
        }
        let reads = if variables {
            self.reads_of(entry, catalog, ctx)
        } else {
            Vec::new()
        };
        let id = self.intern(format!("r\u{0}{variables}\u{0}{entry}"), || Atom {
            def: AtomDef::Resource {
                entry: entry.to_string(),
                variables,
            },
            field: FieldId::Resource,
            reads,
        });
        Formula::Atom(id)
    }

    fn principal_atom(&mut self, m: &Matcher<Principals>) -> Formula {
        let id = self.intern(format!("p\u{0}{m:?}"), || Atom {
            def: AtomDef::Principal(Box::new(CompiledPrincipal::compile(m)), m.clone()),
            field: FieldId::Caller,
            reads: Vec::new(),
        });
        Formula::Atom(id)
    }

    /// An atom for one condition entry.
    pub fn condition_atom(
        &mut self,
        c: &Condition,
        variables: bool,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Result<Formula, BadValue> {
        let key = self.key(&c.key, c.operator.base.family(), catalog, |l| {
            (ctx.presence)(l)
        });
        let field = if CALLER_KEYS.contains(&c.key.to_lowercase().as_str()) {
            FieldId::Caller
        } else {
            FieldId::Key(key)
        };
        let tag = format!("c\u{0}{variables}\u{0}{}\u{0}{:?}", c.operator, c);
        if let Some(&id) = self.index.get(&tag) {
            return Ok(Formula::Atom(id));
        }
        let compiled = CompiledCondition::compile(c, variables)
            .map_err(|e| BadValue { message: e.message })?;
        let positive = if c.operator.base == BaseOperator::Null {
            None
        } else {
            let plain = Condition {
                operator: crate::policy::Operator::plain(c.operator.base.positive()),
                key: c.key.clone(),
                values: c.values.clone(),
            };
            CompiledCondition::compile(&plain, variables)
                .ok()
                .map(Box::new)
        };
        let mut reads = Vec::new();
        if variables && c.operator.base.takes_variables() {
            for v in &c.values {
                reads.extend(self.reads_of(v, catalog, ctx));
            }
        }
        reads.sort_unstable();
        reads.dedup();
        let id = self.intern(tag, || Atom {
            def: AtomDef::Condition {
                key,
                condition: c.clone(),
                variables,
                compiled: Box::new(compiled),
                positive,
            },
            field,
            reads,
        });
        Ok(Formula::Atom(id))
    }

    /// The formula of one statement: action, resource, principal and every condition.
    pub fn statement_formula(
        &mut self,
        st: &Statement,
        variables: bool,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Result<Formula, BadValue> {
        let mut parts = Vec::new();
        let (neg, list) = match &st.action {
            Matcher::Is(l) => (false, l),
            Matcher::Not(l) => (true, l),
        };
        let acts = Formula::or(list.iter().map(|a| self.action_atom(a)).collect());
        parts.push(if neg { Formula::negate(acts) } else { acts });
        if let Some(r) = &st.resource {
            let (neg, list) = match r {
                Matcher::Is(l) => (false, l),
                Matcher::Not(l) => (true, l),
            };
            let res = Formula::or(
                list.iter()
                    .map(|e| self.resource_atom(e, variables, catalog, ctx))
                    .collect(),
            );
            parts.push(if neg { Formula::negate(res) } else { res });
        }
        if let Some(p) = &st.principal {
            parts.push(self.principal_atom(p));
        }
        for c in &st.conditions {
            parts.push(self.condition_atom(c, variables, catalog, ctx)?);
        }
        Ok(Formula::and(parts))
    }

    /// Tells apart `sts:AssumeRole*` actions (role trust policies must allow them) and,
    /// with RCPs, service-linked roles (whose trust policies RCPs do not restrict).
    pub fn add_hidden_tests(&mut self, rcps: bool, catalog: &Catalog, ctx: &Builder<'_>) {
        let f = self.action_atom("sts:AssumeRole*");
        if let Formula::Atom(a) = f {
            self.assume_role = Some(a);
        }
        self.hidden.push(f);
        if rcps {
            let f =
                self.resource_atom("arn:*:iam:*:*:role/aws-service-role/*", false, catalog, ctx);
            self.hidden.push(f);
        }
    }

    /// Adds every statement of one side's documents.
    pub fn add_side(
        &mut self,
        side: usize,
        slots: &Slots<'_>,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Result<(), (usize, BadValue)> {
        for (policy, placed) in slots.placed() {
            let Placed { doc, decl } = placed;
            let variables = doc.effective_version().supports_variables();
            for (index, st) in doc.statements.iter().enumerate() {
                let formula = self
                    .statement_formula(st, variables, catalog, ctx)
                    .map_err(|e| (decl, e))?;
                self.statements.push(StatementFormula {
                    side,
                    policy,
                    index,
                    effect: st.effect,
                    formula,
                });
            }
        }
        Ok(())
    }

    /// Sets R from the property.
    pub fn set_request_set(
        &mut self,
        r: &RequestSet,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Result<(), BadValue> {
        let acts = Formula::or(r.actions.iter().map(|a| self.action_atom(a)).collect());
        let acts = if r.actions_negated {
            Formula::negate(acts)
        } else {
            acts
        };
        let except = Formula::or(r.except.iter().map(|a| self.action_atom(a)).collect());
        let mut parts = vec![acts, Formula::negate(except)];
        if let Some(m) = &r.resources {
            let (neg, list) = match m {
                Matcher::Is(l) => (false, l),
                Matcher::Not(l) => (true, l),
            };
            let res = Formula::or(
                list.iter()
                    .map(|e| self.resource_atom(e, true, catalog, ctx))
                    .collect(),
            );
            parts.push(if neg { Formula::negate(res) } else { res });
        }
        if let Some(c) = &r.condition {
            parts.push(self.cond_formula(c, catalog, ctx)?);
        }
        self.request_set = Formula::and(parts);
        Ok(())
    }

    fn cond_formula(
        &mut self,
        c: &CondExpr,
        catalog: &Catalog,
        ctx: &Builder<'_>,
    ) -> Result<Formula, BadValue> {
        Ok(match c {
            CondExpr::Const(b) => Formula::Const(*b),
            CondExpr::Not(inner) => Formula::negate(self.cond_formula(inner, catalog, ctx)?),
            CondExpr::And(xs) => Formula::and(
                xs.iter()
                    .map(|x| self.cond_formula(x, catalog, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            CondExpr::Or(xs) => Formula::or(
                xs.iter()
                    .map(|x| self.cond_formula(x, catalog, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            CondExpr::Atom(a) => {
                let cond = Condition {
                    operator: a.operator,
                    key: a.key.node.clone(),
                    values: a.values.iter().map(|v| v.node.clone()).collect(),
                };
                self.condition_atom(&cond, true, catalog, ctx)?
            }
        })
    }
}

/// What building a problem needs to know about the subject.
pub struct Builder<'a> {
    /// The presence of a key (lowercase) that is not always present.
    pub presence: &'a dyn Fn(&str) -> Presence,
}

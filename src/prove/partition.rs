//! The classes of one field: values of the request part on which every given atom
//! answers alike, one representative each, covering every realizable combination.
//!
//! String fields (action, resource, caller, string and ARN keys) go through the automaton
//! ([`super::automaton`]); numbers, dates, addresses, booleans and binary values through
//! their ordered or finite domains ([`super::points`]). A key's value is then absent, one
//! element, or (for multivalued keys) a set of elements, whose behaviour under `ForAnyValue`,
//! `ForAllValues` and the plain operators depends only on which element classes it holds
//! (explored as a search over "which tests some element passes / every element passes").
//! Atom outcomes on a key are computed by the evaluation engine itself.

use super::automaton::{Class, Family, Fold, Re, Signature, TooLarge};
use super::caller::{self, CallerSpace, CallerValue, ValueTest};
use super::formula::AtomId;
use super::patterns;
use super::points;
use super::problem::{AtomDef, Domain, FieldId, KeyDef, Presence, Problem};
use crate::eval::glob::{tokens, Tok};
use crate::eval::template::Template;
use crate::eval::{Context, ContextValue};
use crate::policy::values::{self, Cidr};
use crate::policy::{BaseOperator, Condition, OperatorFamily};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// A value of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Action(String),
    Resource(String),
    Caller(CallerValue),
    /// `None`: the key is absent.
    Key(Option<ContextValue>),
}

/// One class: its representative and what each partitioned atom answers on it.
#[derive(Clone, Debug)]
pub struct FieldClass {
    pub value: FieldValue,
    pub outcomes: Outcomes,
}

/// What each partitioned atom answers on a class.
#[derive(Clone, Debug)]
pub enum Outcomes {
    /// Atom by atom.
    Listed(Vec<(AtomId, bool)>),
    /// The live atoms, shared by every class of one partition, and the class's signature
    /// over them: a partition of thousands of classes over thousands of atoms (an action
    /// list from the catalog) would otherwise hold a list of every atom in every class.
    Signature(Rc<[AtomId]>, Signature),
}

impl Outcomes {
    /// Each atom with its answer.
    pub fn for_each(&self, mut f: impl FnMut(AtomId, bool)) {
        match self {
            Outcomes::Listed(v) => v.iter().for_each(|&(a, b)| f(a, b)),
            Outcomes::Signature(live, sig) => {
                live.iter().enumerate().for_each(|(i, &a)| f(a, sig.get(i)))
            }
        }
    }
}

pub use super::automaton::Keep;

/// Why a field could not be partitioned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionError {
    TooLarge { field: String, states: usize },
    Unsupported(String),
}

impl PartitionError {
    fn too_large(field: &str, t: TooLarge) -> PartitionError {
        PartitionError::TooLarge {
            field: field.to_string(),
            states: t.states,
        }
    }
}

pub struct Partitioner<'p> {
    pub problem: &'p Problem,
    pub callers: CallerSpace,
    pub max_states: usize,
    /// Element sets explored per multivalued key.
    pub max_sets: usize,
    /// Caller partitions already made, by what they depend on: the search asks for the
    /// same one under every action class (hundreds for an action list from the catalog).
    pub caller_cache: CallerCache,
}

/// The caller classes of earlier calls, keyed by everything [`Partitioner::classes`]
/// reads for the caller: the live atoms, the names to tell apart and the context.
#[derive(Default)]
pub struct CallerCache(RefCell<Vec<(CallerKey, Vec<FieldClass>)>>);

type CallerKey = (Vec<AtomId>, Vec<String>, Context);

/// Distinct caller partitions remembered at most (a search rarely makes more than a few).
const CALLER_CACHE_SIZE: usize = 16;

/// A resolved policy value (templates read the context); `None`: a variable has no value.
fn resolve(text: &str, variables: bool, wild: bool, ctx: &Context) -> Option<Vec<Tok>> {
    match variables.then(|| Template::parse(text)).flatten() {
        Some(t) => {
            let mut toks = Vec::new();
            t.resolve(ctx, wild, &mut toks).then_some(toks)
        }
        None if wild => {
            let mut toks = Vec::new();
            tokens(text, &mut toks);
            Some(toks)
        }
        None => Some(vec![Tok::Lit(text.to_string())]),
    }
}

fn literal_text(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(s) => s.as_str(),
            Tok::Star => "*",
            Tok::One => "?",
        })
        .collect()
}

/// How a string-family or ARN-family operator compares one value.
fn value_test(base: BaseOperator) -> Option<ValueTest> {
    use BaseOperator::*;
    Some(match base.positive() {
        StringEquals => ValueTest::Exact,
        StringEqualsIgnoreCase => ValueTest::IgnoreCase,
        StringLike => ValueTest::Like,
        ArnEquals | ArnLike => ValueTest::Arn,
        _ => return None,
    })
}

/// The language of one value of a string/ARN entry over the key's own value.
fn value_language(test: ValueTest, toks: &[Tok]) -> Re {
    match test {
        ValueTest::Exact => Re::lit(&literal_text(toks), Fold::None),
        ValueTest::IgnoreCase => Re::lit(&literal_text(toks).to_lowercase(), Fold::Unicode),
        ValueTest::Like => patterns::glob_from_tokens(toks, Fold::None),
        ValueTest::Arn => patterns::arn_from_tokens(toks, &[]),
    }
}

fn with_key(ctx: &Context, key: &str, v: &Option<ContextValue>) -> Context {
    let mut c = ctx.clone();
    if let Some(v) = v {
        c.insert(key, v.clone());
    }
    c
}

impl<'p> Partitioner<'p> {
    fn def(&self, a: AtomId) -> Option<&'p AtomDef> {
        self.problem.atoms.get(a).map(|x| &x.def)
    }

    /// The classes of `field` over the `live` atoms. `keep` prunes classes (and, for the
    /// action and the resource, whole prefixes while the automaton explores) on which
    /// the caller's must-hold condition is already false: it is asked with the partial
    /// answers of the live atoms, by position in `live`.
    pub fn classes(
        &self,
        field: FieldId,
        live: &[AtomId],
        ctx: &Context,
        splits: &[String],
        keep: &Keep<'_>,
    ) -> Result<Vec<FieldClass>, PartitionError> {
        match field {
            FieldId::Action => self.actions(live, keep),
            FieldId::Resource => self.resources(live, ctx, keep),
            FieldId::Caller => self.cached_callers(live, ctx, splits),
            FieldId::Key(k) => match self.problem.keys.get(k) {
                Some(key) => self.key(key, live, ctx, splits),
                None => Ok(Vec::new()),
            },
        }
    }

    fn from_classes(
        classes: Vec<Class>,
        live: &[AtomId],
        make: impl Fn(String) -> Option<FieldValue>,
    ) -> Vec<FieldClass> {
        let shared: Rc<[AtomId]> = Rc::from(live);
        classes
            .into_iter()
            .filter_map(|c| {
                let value = make(c.witness)?;
                Some(FieldClass {
                    value,
                    outcomes: Outcomes::Signature(Rc::clone(&shared), c.signature),
                })
            })
            .collect()
    }

    fn actions(&self, live: &[AtomId], keep: &Keep<'_>) -> Result<Vec<FieldClass>, PartitionError> {
        let langs: Vec<Re> = live
            .iter()
            .map(|&a| match self.def(a) {
                Some(AtomDef::Action(p)) => patterns::action(p),
                _ => Re::Void,
            })
            .collect();
        let mut fam = Family::new(&patterns::action_domain(), &langs);
        let classes = fam
            .partition_where(self.max_states, keep)
            .map_err(|t| PartitionError::too_large("the action", t))?;
        Ok(Self::from_classes(classes, live, |w| {
            Some(FieldValue::Action(w))
        }))
    }

    fn resources(
        &self,
        live: &[AtomId],
        ctx: &Context,
        keep: &Keep<'_>,
    ) -> Result<Vec<FieldClass>, PartitionError> {
        let langs: Vec<Re> = live
            .iter()
            .map(|&a| match self.def(a) {
                // (The entry `*` is no atom; every other entry is an ARN pattern.)
                Some(AtomDef::Resource { entry, variables }) => {
                    match resolve(entry, *variables, true, ctx) {
                        Some(toks) => patterns::arn_from_tokens(&toks, &[]),
                        None => Re::Void,
                    }
                }
                _ => Re::Void,
            })
            .collect();
        let mut fam = Family::new(&patterns::resource_domain_without_star(), &langs);
        let classes = fam
            .partition_where(self.max_states, keep)
            .map_err(|t| PartitionError::too_large("the resource", t))?;
        let mut out = Self::from_classes(classes, live, |w| Some(FieldValue::Resource(w)));
        // The request resource `*` (actions without a resource type): only the entry `*`
        // matches it, and that entry is no atom.
        if keep(&|_| Some(false)) {
            out.push(FieldClass {
                value: FieldValue::Resource("*".into()),
                outcomes: Outcomes::Listed(live.iter().map(|a| (*a, false)).collect()),
            });
        }
        Ok(out)
    }

    /// The language of a derived-key entry's positive test over the caller encoding.
    fn derived_entry_language(
        &self,
        c: &Condition,
        variables: bool,
        ctx: &Context,
    ) -> Result<Re, PartitionError> {
        let key = c.key.to_lowercase();
        if key == "aws:principaltype" {
            // Two possible values: test each with the engine's positive operator.
            let mut alts = Vec::new();
            for (value, user) in [("User", true), ("AssumedRole", false)] {
                let plain = Condition {
                    operator: crate::policy::Operator::plain(c.operator.base.positive()),
                    key: c.key.clone(),
                    values: c.values.clone(),
                };
                let holds = crate::eval::condition::CompiledCondition::compile(&plain, variables)
                    .map(|cc| cc.holds(&ctx.clone().with(&c.key, value)))
                    .unwrap_or(false);
                if holds {
                    alts.push(if user {
                        CallerSpace::user_language()
                    } else {
                        Re::Cat(vec![
                            Re::any_run(),
                            Re::char('#', Fold::None),
                            Re::any_run(),
                        ])
                    });
                }
            }
            return Ok(Re::Alt(alts));
        }
        if c.operator.base == BaseOperator::Null {
            return Ok(Re::Void);
        }
        let Some(test) = value_test(c.operator.base) else {
            return Err(PartitionError::Unsupported(format!(
                "`{}` on `{}` (the prover reads the caller's keys with string and ARN operators only)",
                c.operator.base.as_str(),
                c.key
            )));
        };
        let wild = matches!(test, ValueTest::Like | ValueTest::Arn);
        let vars = variables && c.operator.base.takes_variables();
        let mut alts = Vec::new();
        for v in &c.values {
            if let Some(toks) = resolve(v, vars, wild, ctx) {
                if let Some(re) = caller::derived_language(&key, &toks, test) {
                    alts.push(re);
                }
            }
        }
        Ok(Re::Alt(alts))
    }

    fn cached_callers(
        &self,
        live: &[AtomId],
        ctx: &Context,
        splits: &[String],
    ) -> Result<Vec<FieldClass>, PartitionError> {
        let hit = self
            .caller_cache
            .0
            .borrow()
            .iter()
            .find(|((l, s, c), _)| l == live && s == splits && c == ctx)
            .map(|(_, classes)| classes.clone());
        if let Some(classes) = hit {
            return Ok(classes);
        }
        let classes = self.callers(live, ctx, splits)?;
        let mut cache = self.caller_cache.0.borrow_mut();
        if cache.len() < CALLER_CACHE_SIZE {
            cache.push((
                (live.to_vec(), splits.to_vec(), ctx.clone()),
                classes.clone(),
            ));
        }
        Ok(classes)
    }

    fn callers(
        &self,
        live: &[AtomId],
        ctx: &Context,
        splits: &[String],
    ) -> Result<Vec<FieldClass>, PartitionError> {
        // Languages: three per principal element, one per derived-key entry, the
        // user/session split, and one per name the search wants told apart.
        let mut langs = CallerSpace::kind_languages();
        for &a in live {
            match self.def(a) {
                Some(AtomDef::Principal(_, m)) => {
                    langs.extend(caller::principal_languages(m.inner()));
                }
                Some(AtomDef::Condition {
                    condition,
                    variables,
                    ..
                }) => {
                    langs.push(self.derived_entry_language(condition, *variables, ctx)?);
                }
                _ => {}
            }
        }
        for s in splits {
            if let Some(re) =
                caller::derived_language("aws:username", &[Tok::Lit(s.clone())], ValueTest::Exact)
            {
                langs.push(re);
            }
        }
        let mut fam = Family::new(&self.callers.domain(), &langs);
        let classes = fam
            .partition(self.max_states)
            .map_err(|t| PartitionError::too_large("the caller", t))?;
        let mut out = Vec::new();
        for c in classes {
            let Some(v) = caller::decode(&c.witness) else {
                continue;
            };
            let outcomes = self.caller_outcomes(&v, live, ctx);
            out.push(FieldClass {
                value: FieldValue::Caller(v),
                outcomes: Outcomes::Listed(outcomes),
            });
        }
        Ok(out)
    }

    /// What each caller atom answers for one caller (the engine decides).
    pub fn caller_outcomes(
        &self,
        v: &CallerValue,
        live: &[AtomId],
        ctx: &Context,
    ) -> Vec<(AtomId, bool)> {
        let mut cctx = ctx.clone();
        for (k, x) in &v.derived {
            cctx.insert(k, x.clone());
        }
        live.iter()
            .map(|&a| {
                let b = match self.def(a) {
                    Some(AtomDef::Principal(cp, _)) => {
                        cp.naming(&v.caller, self.problem.has_boundary).is_some()
                    }
                    Some(AtomDef::Condition { compiled, .. }) => compiled.holds(&cctx),
                    _ => false,
                };
                (a, b)
            })
            .collect()
    }

    /// Candidate elements of a key's values, one per element class.
    fn elements(
        &self,
        key: &KeyDef,
        entries: &[&AtomDef],
        ctx: &Context,
        splits: &[String],
    ) -> Result<Vec<String>, PartitionError> {
        let mut extra: Vec<String> = Vec::new();
        let mut numbers: Vec<f64> = Vec::new();
        let mut dates: Vec<i128> = Vec::new();
        let mut ranges: Vec<Cidr> = Vec::new();
        let mut binaries: Vec<Vec<u8>> = Vec::new();
        let mut langs: Vec<Re> = Vec::new();
        for def in entries {
            let AtomDef::Condition {
                condition,
                variables,
                ..
            } = def
            else {
                continue;
            };
            let base = condition.operator.base;
            let vars = *variables && base.takes_variables();
            match base.family() {
                OperatorFamily::String | OperatorFamily::Arn => {
                    let Some(test) = value_test(base) else {
                        continue;
                    };
                    let wild = matches!(test, ValueTest::Like | ValueTest::Arn);
                    let mut alts = Vec::new();
                    for v in &condition.values {
                        if let Some(toks) = resolve(v, vars, wild, ctx) {
                            extra.push(literal_text(&toks));
                            alts.push(value_language(test, &toks));
                        }
                    }
                    langs.push(Re::Alt(alts));
                }
                OperatorFamily::Numeric => {
                    numbers.extend(condition.values.iter().filter_map(|v| values::number(v)));
                }
                OperatorFamily::Date => {
                    dates.extend(condition.values.iter().filter_map(|v| values::date(v)));
                }
                OperatorFamily::Ip => {
                    ranges.extend(condition.values.iter().filter_map(|v| Cidr::parse(v)));
                }
                OperatorFamily::Binary => {
                    binaries.extend(condition.values.iter().filter_map(|v| values::base64(v)));
                }
                OperatorFamily::Bool => extra.extend(["true".to_string(), "false".to_string()]),
                OperatorFamily::Null => {}
            }
        }
        let mut out: Vec<String> = match key.domain {
            Domain::String | Domain::Arn => {
                // The empty string is its own class: under `ForAnyValue`/`ForAllValues` a
                // key holding only empty strings is the null dataset.
                langs.push(Re::Eps);
                for s in splits {
                    langs.push(Re::lit(s, Fold::None));
                }
                let domain = if key.domain == Domain::Arn {
                    patterns::arn_value_domain()
                } else {
                    Re::any_run()
                };
                let mut fam = Family::new(&domain, &langs);
                let classes = fam
                    .partition(self.max_states)
                    .map_err(|t| PartitionError::too_large(&key.name, t))?;
                // Literal values of other families (a number compared as text) are
                // elements too, where the domain admits them.
                let mut v: Vec<String> = classes.into_iter().map(|c| c.witness).collect();
                for e in &extra {
                    if fam.classify(e).is_some() {
                        v.push(e.clone());
                    }
                }
                for n in points::numbers(&numbers)
                    .into_iter()
                    .filter(|_| !numbers.is_empty())
                {
                    if fam.classify(&n).is_some() {
                        v.push(n);
                    }
                }
                v
            }
            Domain::Numeric => points::numbers(&numbers),
            Domain::Epoch => {
                let mut all = numbers.clone();
                // Date constants as epoch seconds; whole seconds on both sides of each.
                for d in &dates {
                    let s = (*d as f64) / 1e9;
                    all.push(s);
                }
                points::numbers(&all)
            }
            Domain::Date => points::dates(&dates),
            Domain::Ip => points::addresses(&ranges),
            Domain::Bool => vec!["true".into(), "false".into()],
            Domain::Binary => points::binaries(&binaries),
        };
        if matches!(
            key.domain,
            Domain::Numeric | Domain::Date | Domain::Epoch | Domain::Ip
        ) {
            // Text compared as text on a typed key: the literal, if it has the key's type.
            for e in &extra {
                let ok = match key.domain {
                    Domain::Numeric | Domain::Epoch => values::number(e).is_some(),
                    Domain::Date => values::date(e).is_some(),
                    _ => values::address(e).is_some(),
                };
                if ok {
                    out.push(e.clone());
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|e| seen.insert(e.clone()));
        Ok(out)
    }

    fn key(
        &self,
        key: &KeyDef,
        live: &[AtomId],
        ctx: &Context,
        splits: &[String],
    ) -> Result<Vec<FieldClass>, PartitionError> {
        let outcomes = |value: &Option<ContextValue>| -> Vec<(AtomId, bool)> {
            let c = with_key(ctx, &key.lower, value);
            live.iter()
                .map(|&a| {
                    let b = match self.def(a) {
                        Some(AtomDef::Condition { compiled, .. }) => compiled.holds(&c),
                        _ => false,
                    };
                    (a, b)
                })
                .collect()
        };
        if let Presence::Fixed(v) = &key.presence {
            return Ok(vec![FieldClass {
                outcomes: Outcomes::Listed(outcomes(v)),
                value: FieldValue::Key(v.clone()),
            }]);
        }
        let entries: Vec<&AtomDef> = live.iter().filter_map(|&a| self.def(a)).collect();
        let elements = self.elements(key, &entries, ctx, splits)?;
        // Each element's answers to the entries' positive per-value tests.
        let element_bits: Vec<Vec<bool>> = elements
            .iter()
            .map(|e| {
                let c = with_key(ctx, &key.lower, &Some(ContextValue::One(e.clone())));
                entries
                    .iter()
                    .map(|d| match d {
                        AtomDef::Condition {
                            positive: Some(p), ..
                        } => p.holds(&c),
                        _ => false,
                    })
                    .collect()
            })
            .collect();
        let mut values: Vec<Option<ContextValue>> = Vec::new();
        if key.presence == Presence::Free {
            values.push(None);
        }
        if key.multivalued {
            for set in self.element_sets(&elements, &element_bits)? {
                values.push(Some(ContextValue::Many(set)));
            }
        } else {
            values.extend(elements.into_iter().map(|e| Some(ContextValue::One(e))));
        }
        let keep_all = !splits.is_empty();
        let mut out: Vec<FieldClass> = Vec::new();
        let mut seen: HashMap<Vec<bool>, ()> = HashMap::new();
        for v in values {
            let o = outcomes(&v);
            let sig: Vec<bool> = o.iter().map(|(_, b)| *b).collect();
            if keep_all || seen.insert(sig, ()).is_none() {
                out.push(FieldClass {
                    value: FieldValue::Key(v),
                    outcomes: Outcomes::Listed(o),
                });
            }
        }
        Ok(out)
    }

    /// Sets of elements with every distinct behaviour: a breadth-first search over
    /// (which tests some element passes, which every element passes, whether every element
    /// is the empty string, whether the set is empty) — the only things `ForAnyValue`,
    /// `ForAllValues`, the plain operators and the null-dataset rule look at.
    fn element_sets(
        &self,
        elements: &[String],
        bits: &[Vec<bool>],
    ) -> Result<Vec<Vec<String>>, PartitionError> {
        let n = bits.first().map_or(0, Vec::len);
        type State = (Signature, Signature, bool, bool);
        let start: State = (
            Signature::with_len(n),
            {
                let mut s = Signature::with_len(n);
                (0..n).for_each(|i| s.set(i));
                s
            },
            true,
            true,
        );
        let mut seen: HashMap<State, usize> = HashMap::new();
        let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
        seen.insert(start.clone(), 0);
        let mut queue: VecDeque<(State, usize)> = VecDeque::from([(start, 0)]);
        while let Some(((any, all, only_empty, _), at)) = queue.pop_front() {
            for (e, eb) in bits.iter().enumerate() {
                let mut any2 = any.clone();
                let mut all2 = Signature::with_len(n);
                for i in 0..n {
                    let hit = eb.get(i).copied().unwrap_or(false);
                    if hit || any.get(i) {
                        any2.set(i);
                    }
                    if hit && all.get(i) {
                        all2.set(i);
                    }
                }
                let empty_elem = elements.get(e).is_some_and(|s| s.is_empty());
                let next: State = (any2, all2, only_empty && empty_elem, false);
                if !seen.contains_key(&next) {
                    if sets.len() >= self.max_sets {
                        return Err(PartitionError::TooLarge {
                            field: "a multivalued key's sets".into(),
                            states: sets.len(),
                        });
                    }
                    let mut s = sets.get(at).cloned().unwrap_or_default();
                    s.push(e);
                    seen.insert(next.clone(), sets.len());
                    queue.push_back((next, sets.len()));
                    sets.push(s);
                }
            }
        }
        Ok(sets
            .into_iter()
            .map(|s| {
                s.into_iter()
                    .filter_map(|i| elements.get(i).cloned())
                    .collect()
            })
            .collect())
    }
}

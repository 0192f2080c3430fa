//! The search: assign the request's parts one at a time, each over the classes of the
//! atoms still undecided, and judge every complete combination with the evaluation engine.
//!
//! Exactness: a statement's match and R's membership depend on a request only through
//! their atoms, and [`super::partition`] yields every realizable combination of atom
//! answers on a field, one representative each. Fields are independent except through
//! policy variables, which are resolved before the field that reads them. So the
//! combinations the search visits are all the realizable ones (up to parts no undecided
//! formula reads, which cannot change any decision), and the engine judges one concrete
//! request per combination.
//!
//! Every leaf is also checked: the engine's own matching of every statement, and a direct
//! interpretation of R, must agree with what the search predicted from the classes. A
//! disagreement is an internal inconsistency, reported, never a silent verdict.

use super::caller::CallerSpace;
use super::formula::AtomId;
use super::partition::{FieldClass, FieldValue, PartitionError, Partitioner};
use super::problem::{AtomDef, FieldId, Presence, Problem, CALLER_KEYS};
use super::subject::Judge;
use crate::eval::{Context, Decision, Request};

/// What the search looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Some request in R.
    InRequestSet,
    /// A request in R the subject does not allow.
    NotAllowed,
    /// A request in R the subject allows.
    Allowed,
    /// A request the subject allows and the other side does not.
    Beyond,
    /// A request on which the two sides differ.
    Different,
}

/// Why a search stopped without an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// More cases than the budget allows.
    Cases(usize),
    /// A field had too many classes to enumerate.
    Partition(PartitionError),
    /// The time budget ran out.
    Timeout,
    /// Policy variables read keys whose own values depend on variables in a cycle.
    VariableCycle,
    /// The search's prediction and the engine disagree (a prover bug; never hidden).
    Inconsistent(String),
}

/// Budgets.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Complete requests judged.
    pub max_cases: usize,
    /// Product automaton states per field partition.
    pub max_states: usize,
    /// Element sets per multivalued key.
    pub max_sets: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_cases: 2_000_000,
            max_states: 200_000,
            max_sets: 4_096,
        }
    }
}

/// A request the search found, with the engine's decision on each side.
#[derive(Clone, Debug)]
pub struct Hit {
    pub request: Request,
    pub decisions: Vec<Decision>,
    pub in_request_set: bool,
    /// The class chosen for each field, in assignment order (for polishing).
    pub path: Vec<(FieldId, FieldValue)>,
}

#[derive(Clone)]
pub(super) struct State {
    pub(super) atoms: Vec<Option<bool>>,
    pub(super) assigned: Vec<(FieldId, FieldValue)>,
    pub(super) ctx: Context,
}

impl State {
    pub(super) fn has(&self, f: FieldId) -> bool {
        self.assigned.iter().any(|(g, _)| *g == f)
    }

    pub(super) fn value(&self, f: FieldId) -> Option<&FieldValue> {
        self.assigned.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }
}

pub struct Search<'a, 'd> {
    pub problem: &'a Problem,
    pub part: Partitioner<'a>,
    pub judges: Vec<Judge<'d>>,
    pub goal: Goal,
    pub limits: Limits,
    pub expired: &'a dyn Fn() -> bool,
    pub cases: usize,
    pub base: Context,
    /// Whether a free policy variable was explored through representative values.
    pub sampled_variables: bool,
}

/// Literal pieces of a pattern, for the values a policy variable is tried with.
fn fragments(text: &str, out: &mut Vec<String>) {
    for piece in text.split(['*', '?', '$', '{', '}']) {
        if !piece.is_empty() {
            out.push(piece.to_string());
        }
        for seg in piece.split(['/', ':']) {
            if !seg.is_empty() {
                out.push(seg.to_string());
            }
        }
    }
}
impl<'a, 'd> Search<'a, 'd> {
    pub(super) fn uses_request_set(&self) -> bool {
        !matches!(self.goal, Goal::Beyond | Goal::Different)
    }

    pub fn run(&mut self) -> Result<Option<Hit>, Stop> {
        let state = State {
            atoms: vec![None; self.problem.atoms.len()],
            assigned: Vec::new(),
            ctx: self.base.clone(),
        };
        self.node(state)
    }

    fn read_satisfied(&self, st: &State, key: usize) -> bool {
        let Some(k) = self.problem.keys.get(key) else {
            return true;
        };
        if CALLER_KEYS.contains(&k.lower.as_str()) {
            return st.has(FieldId::Caller);
        }
        matches!(k.presence, Presence::Fixed(_)) || st.has(FieldId::Key(key))
    }

    fn field_of_read(&self, key: usize) -> FieldId {
        match self.problem.keys.get(key) {
            Some(k) if CALLER_KEYS.contains(&k.lower.as_str()) => FieldId::Caller,
            _ => FieldId::Key(key),
        }
    }

    fn node(&mut self, st: State) -> Result<Option<Hit>, Stop> {
        if (self.expired)() {
            return Err(Stop::Timeout);
        }
        let r = &self.problem.request_set;
        if self.uses_request_set() && r.eval(&st.atoms) == Some(false) {
            return Ok(None);
        }
        let vals: Vec<Option<bool>> = self
            .problem
            .statements
            .iter()
            .map(|s| s.formula.eval(&st.atoms))
            .collect();
        let Some(sides) = self.live_sides(&vals, &st.atoms) else {
            return Ok(None);
        };
        let mut pending: Vec<AtomId> = Vec::new();
        if self.uses_request_set() {
            r.pending(&st.atoms, &mut pending);
        }
        for (s, v) in self.problem.statements.iter().zip(&vals) {
            if v.is_none() && sides.get(s.side).copied().unwrap_or(false) {
                s.formula.pending(&st.atoms, &mut pending);
            }
        }
        if sides.iter().any(|x| *x) {
            for f in &self.problem.hidden {
                f.pending(&st.atoms, &mut pending);
            }
        }
        pending.sort_unstable();
        pending.dedup();
        if pending.is_empty() {
            return self.leaf(&st);
        }
        // The fields still needed, and the keys that policy variables read.
        let mut read_keys: Vec<usize> = Vec::new();
        let mut wanted: Vec<FieldId> = Vec::new();
        for &a in &pending {
            let Some(atom) = self.problem.atoms.get(a) else {
                continue;
            };
            wanted.push(atom.field);
            for &k in &atom.reads {
                if !self.read_satisfied(&st, k) {
                    read_keys.push(k);
                    wanted.push(self.field_of_read(k));
                }
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        wanted.retain(|f| !st.has(*f));
        let ready = |f: &FieldId| {
            pending.iter().all(|&a| {
                self.problem.atoms.get(a).is_none_or(|atom| {
                    atom.field != *f || atom.reads.iter().all(|&k| self.read_satisfied(&st, k))
                })
            })
        };
        // The request set's own fields first: its answer prunes whole subtrees (and a
        // test like `aws:SecureTransport == false` can settle a `Deny` before anything
        // else is split); then the action, the caller, keys that variables read, the
        // resource, other keys.
        let mut in_r: Vec<FieldId> = Vec::new();
        if self.uses_request_set() {
            let mut rp = Vec::new();
            r.pending(&st.atoms, &mut rp);
            in_r.extend(
                rp.iter()
                    .filter_map(|&a| self.problem.atoms.get(a).map(|x| x.field)),
            );
        }
        let priority = |f: &FieldId| {
            let base = match f {
                FieldId::Action => (0, 0),
                FieldId::Caller => (1, 0),
                FieldId::Key(k) if read_keys.contains(k) => (2, *k),
                FieldId::Resource => (3, 0),
                FieldId::Key(k) => (4, *k),
            };
            (!in_r.contains(f), base)
        };
        let Some(field) = wanted
            .iter()
            .filter(|f| ready(f))
            .min_by_key(|f| priority(f))
            .copied()
        else {
            return Err(Stop::VariableCycle);
        };
        let live: Vec<AtomId> = pending
            .iter()
            .copied()
            .filter(|&a| self.problem.atoms.get(a).is_some_and(|x| x.field == field))
            .collect();
        let splits = self.splits(field, &pending);
        // R must still be able to hold: prune the classes (and prefixes) where it cannot.
        let uses_r = self.uses_request_set();
        // Where each atom is in `live` (`u32::MAX`: not there), so that each of the many
        // questions `keep` is asked (one per explored prefix) is one lookup per atom of R.
        let mut position = vec![u32::MAX; if uses_r { self.problem.atoms.len() } else { 0 }];
        for (i, &a) in live.iter().enumerate() {
            if let Some(p) = position.get_mut(a) {
                *p = u32::try_from(i).unwrap_or(u32::MAX);
            }
        }
        let keep = |known: &dyn Fn(usize) -> Option<bool>| -> bool {
            !uses_r
                || r.eval_with(&|a| match position.get(a) {
                    Some(&i) if i != u32::MAX => known(i as usize),
                    _ => st.atoms.get(a).copied().flatten(),
                }) != Some(false)
        };
        let classes = self
            .part
            .classes(field, &live, &st.ctx, &splits, &keep)
            .map_err(Stop::Partition)?;
        for class in classes {
            let next = self.assign(&st, field, class);
            if let Some(hit) = self.node(next)? {
                return Ok(Some(hit));
            }
        }
        Ok(None)
    }

    /// Values a policy variable's key is tried with: the literal pieces of the patterns
    /// its templates are compared with (so `home/${aws:username}/*` meets `home/admin/*`
    /// with `admin`), besides every class of its own tests.
    fn splits(&mut self, field: FieldId, pending: &[AtomId]) -> Vec<String> {
        let reads_field = |k: usize| match field {
            FieldId::Key(f) => f == k,
            FieldId::Caller => self
                .problem
                .keys
                .get(k)
                .is_some_and(|d| d.lower == "aws:username"),
            _ => false,
        };
        let mut target_fields: Vec<FieldId> = Vec::new();
        for &a in pending {
            if let Some(atom) = self.problem.atoms.get(a) {
                if atom.reads.iter().any(|&k| reads_field(k)) {
                    target_fields.push(atom.field);
                }
            }
        }
        if target_fields.is_empty() {
            return Vec::new();
        }
        let sampled = match field {
            FieldId::Key(k) => self.problem.keys.get(k).is_some_and(|d| {
                d.presence != Presence::Fixed(None) && !matches!(d.presence, Presence::Fixed(_))
            }),
            FieldId::Caller => matches!(self.part.callers, CallerSpace::Any { .. }),
            _ => false,
        };
        self.sampled_variables |= sampled;
        let mut out = Vec::new();
        for atom in &self.problem.atoms {
            if !target_fields.contains(&atom.field) {
                continue;
            }
            match &atom.def {
                AtomDef::Resource { entry, .. } => fragments(entry, &mut out),
                AtomDef::Condition { condition, .. } => {
                    condition.values.iter().for_each(|v| fragments(v, &mut out))
                }
                AtomDef::Action(p) => fragments(p, &mut out),
                AtomDef::Principal(..) => {}
            }
        }
        out.sort();
        out.dedup();
        out.truncate(64);
        out
    }

    fn assign(&self, st: &State, field: FieldId, class: FieldClass) -> State {
        let mut next = st.clone();
        class.outcomes.for_each(|a, b| {
            if let Some(slot) = next.atoms.get_mut(a) {
                *slot = Some(b);
            }
        });
        match (&class.value, field) {
            (FieldValue::Caller(v), _) => {
                for (k, x) in &v.derived {
                    next.ctx.insert(k, x.clone());
                }
            }
            (FieldValue::Key(Some(v)), FieldId::Key(k)) => {
                if let Some(def) = self.problem.keys.get(k) {
                    next.ctx.insert(&def.name, v.clone());
                }
            }
            _ => {}
        }
        next.assigned.push((field, class.value));
        next
    }
}

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

use super::caller::{self, CallerSpace, CallerValue};
use super::formula::AtomId;
use super::partition::{FieldClass, FieldValue, PartitionError, Partitioner};
use super::problem::{AtomDef, FieldId, Presence, Problem, CALLER_KEYS};
use super::subject::Judge;
use crate::eval::arn::ArnPattern;
use crate::eval::compile::prepare;
use crate::eval::glob::{Glob, Tok};
use crate::eval::template::Template;
use crate::eval::{
    CompiledDocument, Context, ContextValue, Decision, Outcome, PolicyRef, PolicySet, Request,
};

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
struct State {
    atoms: Vec<Option<bool>>,
    assigned: Vec<(FieldId, FieldValue)>,
    ctx: Context,
}

impl State {
    fn has(&self, f: FieldId) -> bool {
        self.assigned.iter().any(|(g, _)| *g == f)
    }

    fn value(&self, f: FieldId) -> Option<&FieldValue> {
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

fn document_of(set: &PolicySet, p: PolicyRef) -> Option<&CompiledDocument> {
    match p {
        PolicyRef::Identity(i) => set.identity.get(i),
        PolicyRef::Resource => set.resource.as_ref(),
        PolicyRef::Boundary => set.boundary.as_ref(),
        PolicyRef::Session => set.session.as_ref(),
        PolicyRef::Scp(l, i) => set.scps.get(l).and_then(|v| v.get(i)),
        PolicyRef::Rcp(l, i) => set.rcps.get(l).and_then(|v| v.get(i)),
    }
}

impl<'a, 'd> Search<'a, 'd> {
    fn uses_request_set(&self) -> bool {
        !matches!(self.goal, Goal::Beyond | Goal::Different)
    }

    /// What is already certain of a side's decision, from what is known of its
    /// statements, by the engine's documented rules (spec/eval-scenario.md, "The
    /// decision"): `Some(false)` when it cannot be `allow` — a matching `Deny` applies
    /// (rule 1), an SCP level has no `Allow` that can still match (rule 2), or no identity
    /// or resource `Allow` can still grant (rule 4); `Some(true)` when it must be `allow` —
    /// no `Deny` can match and a grant is certain (for a document alone, an `Allow` of the
    /// document matches; for a principal, outside `sts:AssumeRole*`, every SCP level, the
    /// identity policies, the boundary and the session policy each have a matching
    /// `Allow`); `None` otherwise. Only certainty is used: unknown statements keep it open.
    fn certain(&self, side: usize, vals: &[Option<bool>], atoms: &[Option<bool>]) -> Option<bool> {
        use super::subject::Side;
        use crate::eval::PolicyRef;
        use crate::policy::Effect;
        let stmts = || {
            self.problem
                .statements
                .iter()
                .zip(vals)
                .filter(move |(s, _)| s.side == side)
        };
        if stmts().any(|(s, v)| s.effect == Effect::Deny && *v == Some(true)) {
            return Some(false);
        }
        let judge = self.judges.get(side)?;
        let allow_in = |pick: &dyn Fn(PolicyRef) -> bool, want: Option<bool>| {
            stmts().any(|(s, v)| s.effect == Effect::Allow && pick(s.policy) && *v == want)
        };
        let open_in = |pick: &dyn Fn(PolicyRef) -> bool| {
            stmts().any(|(s, v)| s.effect == Effect::Allow && pick(s.policy) && *v != Some(false))
        };
        for level in 0..judge.slots.scps.len() {
            if !open_in(&|p| matches!(p, PolicyRef::Scp(l, _) if l == level)) {
                return Some(false);
            }
        }
        // A resource-based document's scenario grants on the identity side whatever
        // happens (its identity policy allows everything), so there only the resource
        // policy's `Allow`s can still grant.
        let resource_side = judge.slots.side == Some(Side::ResourceLike);
        let grants = |p: PolicyRef| match p {
            PolicyRef::Resource => true,
            PolicyRef::Identity(_) => !resource_side,
            _ => false,
        };
        if !open_in(&grants) {
            return Some(false);
        }
        let no_deny = stmts().all(|(s, v)| s.effect != Effect::Deny || *v == Some(false));
        if !no_deny {
            return None;
        }
        let identity = |p: PolicyRef| matches!(p, PolicyRef::Identity(_));
        let granted = match judge.slots.side {
            Some(Side::ResourceLike) => allow_in(&|p| p == PolicyRef::Resource, Some(true)),
            Some(Side::IdentityLike) => allow_in(&identity, Some(true)),
            None => {
                let not_assume = self
                    .problem
                    .assume_role
                    .and_then(|a| atoms.get(a).copied().flatten())
                    == Some(false);
                let levels_ok = (0..judge.slots.scps.len()).all(|level| {
                    allow_in(
                        &|p| matches!(p, PolicyRef::Scp(l, _) if l == level),
                        Some(true),
                    )
                });
                let slot_ok =
                    |present: bool, p: PolicyRef| !present || allow_in(&|q| q == p, Some(true));
                not_assume
                    && levels_ok
                    && allow_in(&identity, Some(true))
                    && slot_ok(judge.slots.boundary.is_some(), PolicyRef::Boundary)
                    && slot_ok(judge.slots.session.is_some(), PolicyRef::Session)
            }
        };
        granted.then_some(true)
    }

    /// The sides whose statements can still change the goal's answer, given what is
    /// known; `None` when the goal can no longer be met here.
    fn live_sides(&self, vals: &[Option<bool>], atoms: &[Option<bool>]) -> Option<[bool; 2]> {
        let c = |side| self.certain(side, vals, atoms);
        match self.goal {
            Goal::InRequestSet => Some([false, false]),
            Goal::NotAllowed => match c(0) {
                Some(true) => None,
                Some(false) => Some([false, false]),
                None => Some([true, false]),
            },
            Goal::Allowed => match c(0) {
                Some(false) => None,
                Some(true) => Some([false, false]),
                None => Some([true, false]),
            },
            Goal::Beyond => match (c(0), c(1)) {
                (Some(false), _) | (_, Some(true)) => None,
                (a, b) => Some([a.is_none(), b.is_none()]),
            },
            Goal::Different => match (c(0), c(1)) {
                (Some(x), Some(y)) if x == y => None,
                (a, b) => Some([a.is_none(), b.is_none()]),
            },
        }
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
        let keep = |known: &dyn Fn(usize) -> Option<bool>| -> bool {
            !uses_r
                || r.eval_with(&|a| match live.binary_search(&a) {
                    Ok(i) => known(i),
                    Err(_) => st.atoms.get(a).copied().flatten(),
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
        for (a, b) in &class.outcomes {
            if let Some(slot) = next.atoms.get_mut(*a) {
                *slot = Some(*b);
            }
        }
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

    /// The caller when no test told callers apart.
    pub fn default_caller(&self) -> Option<CallerValue> {
        let encoded = match &self.part.callers {
            CallerSpace::User { arn } => arn.clone(),
            CallerSpace::Role { arn } => format!("{arn}#iamc-session"),
            CallerSpace::Any { account, .. } => format!(
                "arn:aws:iam::{}:user/alice",
                account.as_deref().unwrap_or("111122223333")
            ),
        };
        caller::decode(&encoded)
    }

    /// The concrete request of a leaf.
    fn request(&self, st: &State) -> Result<Request, Stop> {
        let action = match st.value(FieldId::Action) {
            Some(FieldValue::Action(a)) => a.clone(),
            _ => "s3:listallmybuckets".to_string(),
        };
        let resource = match st.value(FieldId::Resource) {
            Some(FieldValue::Resource(r)) => r.clone(),
            _ => "*".to_string(),
        };
        let mut ctx = st.ctx.clone();
        let caller = match st.value(FieldId::Caller) {
            Some(FieldValue::Caller(v)) => v.clone(),
            _ => {
                let v = self
                    .default_caller()
                    .ok_or_else(|| Stop::Inconsistent("no default caller".into()))?;
                for (k, x) in &v.derived {
                    ctx.insert(k, x.clone());
                }
                v
            }
        };
        for (i, k) in self.problem.keys.iter().enumerate() {
            if st.has(FieldId::Key(i)) || ctx.get_lower(&k.lower).is_some() {
                continue;
            }
            if k.presence == Presence::Always {
                if let Some(v) = default_value(&k.lower, &caller) {
                    ctx.insert(&k.name, ContextValue::One(v));
                }
            }
        }
        for (name, v) in always_defaults(&caller) {
            if ctx.get(name).is_none() {
                ctx.insert(name, ContextValue::One(v));
            }
        }
        Ok(Request {
            caller: caller.caller,
            action,
            resource,
            resource_account: None,
            context: ctx,
        })
    }

    /// An atom's answer on a concrete request, by the engine's own matchers.
    pub(super) fn concrete(&self, a: AtomId, req: &Request) -> bool {
        let Some(atom) = self.problem.atoms.get(a) else {
            return false;
        };
        match &atom.def {
            AtomDef::Action(p) => Glob::new(p, true).matches(&req.action),
            AtomDef::Resource { entry, variables } => {
                if req.resource == "*" {
                    return false;
                }
                match variables.then(|| Template::parse(entry)).flatten() {
                    Some(t) => {
                        let mut toks: Vec<Tok> = Vec::new();
                        t.resolve(&req.context, true, &mut toks)
                            && ArnPattern::from_tokens(&toks).matches_text(&req.resource)
                    }
                    None => ArnPattern::new(entry).matches_text(&req.resource),
                }
            }
            AtomDef::Principal(cp, _) => {
                cp.naming(&req.caller, self.problem.has_boundary).is_some()
            }
            AtomDef::Condition { compiled, .. } => compiled.holds(&req.context),
        }
    }

    /// Judges a complete request again (after polishing): the decisions, R, the goal.
    pub fn rejudge(&mut self, req: &Request, path: Vec<(FieldId, FieldValue)>) -> Option<Hit> {
        let r = &self.problem.request_set;
        let mut ratoms = Vec::new();
        r.atoms(&mut ratoms);
        let mut concrete = vec![None; self.problem.atoms.len()];
        for a in ratoms {
            if let Some(slot) = concrete.get_mut(a) {
                *slot = Some(self.concrete(a, req));
            }
        }
        let in_r = r.eval(&concrete) == Some(true);
        let decisions: Vec<Decision> = self
            .judges
            .iter_mut()
            .map(|j| {
                let shaped = j.shape(req);
                j.decide(&shaped)
            })
            .collect();
        self.goal_hit(in_r, &decisions).then(|| Hit {
            request: req.clone(),
            decisions,
            in_request_set: in_r,
            path,
        })
    }

    fn goal_hit(&self, in_r: bool, decisions: &[Decision]) -> bool {
        let allowed = |i: usize| {
            decisions
                .get(i)
                .is_some_and(|d| d.outcome == Outcome::Allow)
        };
        match self.goal {
            Goal::InRequestSet => in_r,
            Goal::NotAllowed => in_r && !allowed(0),
            Goal::Allowed => in_r && allowed(0),
            Goal::Beyond => allowed(0) && !allowed(1),
            Goal::Different => allowed(0) != allowed(1),
        }
    }

    fn leaf(&mut self, st: &State) -> Result<Option<Hit>, Stop> {
        self.cases += 1;
        if self.cases > self.limits.max_cases {
            return Err(Stop::Cases(self.limits.max_cases));
        }
        let req = self.request(st)?;
        // R, interpreted directly on the concrete request.
        let r = &self.problem.request_set;
        let mut ratoms = Vec::new();
        r.atoms(&mut ratoms);
        let mut concrete = vec![None; self.problem.atoms.len()];
        for a in ratoms {
            if let Some(slot) = concrete.get_mut(a) {
                *slot = Some(self.concrete(a, &req));
            }
        }
        let in_r = r.eval(&concrete) == Some(true);
        if self.uses_request_set() && r.eval(&st.atoms) != Some(in_r) {
            return Err(Stop::Inconsistent(format!(
                "the request set predicted {:?} but the request {} on {} is {}",
                r.eval(&st.atoms),
                req.action,
                req.resource,
                if in_r { "in it" } else { "outside it" }
            )));
        }
        let mut decisions = Vec::new();
        for (side, judge) in self.judges.iter_mut().enumerate() {
            let shaped = judge.shape(&req);
            decisions.push(judge.decide(&shaped));
            // Every statement of this side: the engine's match against the prediction.
            let p = prepare(
                &shaped.action,
                &shaped.resource,
                &shaped.context,
                &shaped.caller,
                judge.set().boundary.is_some(),
            );
            for s in self.problem.statements.iter().filter(|s| s.side == side) {
                let Some(predicted) = s.formula.eval(&st.atoms) else {
                    continue;
                };
                let Some(cs) =
                    document_of(judge.set(), s.policy).and_then(|d| d.statements.get(s.index))
                else {
                    continue;
                };
                let actual = cs.matches(&p) && cs.naming(&p).is_some();
                if actual != predicted {
                    return Err(Stop::Inconsistent(format!(
                        "statement {} of {} predicted {predicted}, the engine says {actual} for {} on {}",
                        s.index, s.policy, req.action, req.resource
                    )));
                }
            }
        }
        let hit = self.goal_hit(in_r, &decisions);
        Ok(hit.then(|| Hit {
            request: req,
            decisions,
            in_request_set: in_r,
            path: st.assigned.clone(),
        }))
    }
}

/// Values for keys AWS puts on every request, where no test needs another.
fn always_defaults(caller: &CallerValue) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("aws:SecureTransport", "true".to_string()),
        ("aws:RequestedRegion", "us-east-1".to_string()),
        (
            "aws:CurrentTime",
            super::points::render_date(1_796_040_000 * 1_000_000_000),
        ),
        ("aws:EpochTime", "1796040000".to_string()),
    ];
    v.push(("aws:userid", userid(caller)));
    v
}

pub(super) fn userid(caller: &CallerValue) -> String {
    if caller.caller.is_user() {
        "AIDAIAMCEXAMPLEUSER01".to_string()
    } else {
        let session = caller.encoded.rsplit('#').next().unwrap_or("session");
        format!("AROAIAMCEXAMPLEROLE01:{session}")
    }
}

fn default_value(lower: &str, caller: &CallerValue) -> Option<String> {
    always_defaults(caller)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(lower))
        .map(|(_, v)| v)
}

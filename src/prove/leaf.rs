//! The leaves of the search: the concrete request of a combination of classes, judged by
//! the engine, with R read directly and every statement's match checked against the
//! search's prediction.

use super::caller::{self, CallerSpace, CallerValue};
use super::formula::AtomId;
use super::partition::FieldValue;
use super::problem::{AtomDef, FieldId, Presence};
use super::search::{Goal, Hit, Search, State, Stop};
use crate::eval::compile::prepare;
use crate::eval::glob::Glob;
use crate::eval::{
    CompiledDocument, ContextValue, Decision, Outcome, PolicyRef, PolicySet, Request,
};

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

impl Search<'_, '_> {
    /// The caller when no test told callers apart.
    pub fn default_caller(&self) -> Option<CallerValue> {
        let encoded = match &self.part.callers {
            CallerSpace::User { arn } => arn.clone(),
            CallerSpace::Role { arn } => format!("{arn}#iamc-session"),
            CallerSpace::Any {
                account,
                sessions_only,
                ..
            } => {
                let account = account.as_deref().unwrap_or("111122223333");
                if *sessions_only {
                    format!("arn:aws:iam::{account}:role/developer#iamc-session")
                } else {
                    format!("arn:aws:iam::{account}:user/alice")
                }
            }
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
            AtomDef::Resource { entry, variables } => crate::eval::compile::resource_entry_matches(
                entry,
                *variables,
                &req.resource,
                &req.context,
            ),
            AtomDef::Principal(cp, _) => {
                cp.naming(&req.caller, self.problem.has_boundary).is_some()
            }
            AtomDef::Condition { compiled, .. } => compiled.holds(&req.context),
        }
    }

    /// R, read directly on a concrete request (every atom by the engine's own matchers).
    fn in_request_set(&self, req: &Request) -> bool {
        self.problem
            .request_set
            .eval_with(&|a| Some(self.concrete(a, req)))
            == Some(true)
    }

    /// Judges a complete request again (after polishing): the decisions, R, the goal.
    pub fn rejudge(&mut self, req: &Request, path: Vec<(FieldId, FieldValue)>) -> Option<Hit> {
        let in_r = self.in_request_set(req);
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

    pub(super) fn leaf(&mut self, st: &State) -> Result<Option<Hit>, Stop> {
        self.cases += 1;
        if self.cases > self.limits.max_cases {
            return Err(Stop::Cases(self.limits.max_cases));
        }
        let req = self.request(st)?;
        let in_r = self.in_request_set(&req);
        let r = &self.problem.request_set;
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

//! The prover: `prove` properties decided over every request (docs/prover.md).
//!
//! [`decide`] takes a subject (a principal's policies in their places, or one document
//! alone) and a property, builds the atoms and formulas of the problem
//! ([`problem`]), and searches the realizable combinations of atom answers ([`search`]),
//! judging each with the evaluation engine. A refuted property comes with the request the
//! engine decided against it; a proved one means no request violates it.

pub mod automaton;
pub mod caller;
mod certainty;
pub mod driver;
pub mod formula;
mod fxhash;
mod leaf;
pub mod partition;
pub mod patterns;
pub mod points;
pub mod polish;
pub mod problem;
pub mod report;
pub mod scenario;
pub mod search;
pub mod subject;

use crate::catalog::Catalog;
use caller::CallerSpace;
use partition::Partitioner;
use problem::{Builder, Presence, Problem, RequestSet};
use search::{Goal, Hit, Limits, Search, Stop};
use subject::{Judge, PrincipalSpec, Slots, Subject, Unusable};

pub use subject::{Placed, Side};

/// What a property claims.
#[derive(Clone, Debug)]
pub enum Property<'d> {
    /// Every request in R is allowed.
    Allows(RequestSet),
    /// No request in R is allowed.
    Denies(RequestSet),
    /// Some request in R is allowed.
    MayAllow(RequestSet),
    /// Everything the subject allows, the document alone allows.
    Within(Placed<'d>, Side),
    /// The subject and the document alone allow exactly the same requests.
    Equivalent(Placed<'d>, Side),
}

/// The answer.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// No request violates the property; `witness`: for `may allow`, an allowed request.
    Proved { witness: Option<Hit> },
    /// A request violates it (none for a refuted `may allow`).
    Refuted { counterexample: Option<Hit> },
    /// `allows`/`denies` over an empty request set.
    Vacuous,
}

/// A decided property, and how it was decided.
#[derive(Clone, Debug)]
pub struct Decided {
    pub verdict: Verdict,
    /// Complete requests judged.
    pub cases: usize,
    /// A free policy variable was explored through representative values (see
    /// docs/prover.md, "Limits"): the verdict is exact for those values.
    pub sampled_variables: bool,
}

/// Why a property could not be decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undecided {
    /// The engine refuses a document (the declaration's index and the engine's message).
    Unusable(Unusable),
    /// A value the prover cannot read.
    BadValue {
        decl: Option<usize>,
        message: String,
    },
    /// The subject's `arn` is not an IAM user or role ARN.
    BadPrincipal(String),
    /// A session policy for an IAM user (sessions belong to roles).
    SessionForUser(String),
    /// A budget ran out, or the search found itself inconsistent.
    Stopped(Stop),
}

/// The callers a subject's requests come from.
fn caller_space(subject: &Subject<'_>) -> Result<CallerSpace, Undecided> {
    match subject {
        Subject::Document(_, side) => Ok(CallerSpace::Any {
            account: None,
            outside: *side == Side::ResourceLike,
            sessions_only: false,
        }),
        Subject::Principal(p) => match &p.arn {
            None => Ok(CallerSpace::Any {
                account: p.account.clone(),
                outside: false,
                sessions_only: p.session.is_some(),
            }),
            Some(arn) => match crate::eval::arn::split(arn) {
                Some([_, _, "iam", "", _, res]) if res.starts_with("user/") => {
                    if p.session.is_some() {
                        return Err(Undecided::SessionForUser(arn.clone()));
                    }
                    Ok(CallerSpace::User { arn: arn.clone() })
                }
                Some([_, _, "iam", "", _, res]) if res.starts_with("role/") => {
                    Ok(CallerSpace::Role { arn: arn.clone() })
                }
                _ => Err(Undecided::BadPrincipal(arn.clone())),
            },
        },
    }
}

/// Presence of keys the subject fixes: declared principal tags (and no others).
fn presence_of(p: Option<&PrincipalSpec<'_>>, lower: &str) -> Presence {
    if lower == "aws:userid" {
        return Presence::Always;
    }
    if let (Some(tags), Some(tag)) = (
        p.and_then(|p| p.tags.as_ref()),
        lower.strip_prefix("aws:principaltag/"),
    ) {
        return Presence::Fixed(
            tags.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(tag))
                .map(|(_, v)| crate::eval::ContextValue::One(v.clone())),
        );
    }
    Presence::Free
}

/// Decides one property of one subject. `expired` is polled during the search (the clock
/// is the caller's: the core reads none).
pub fn decide(
    subject: &Subject<'_>,
    property: &Property<'_>,
    catalog: &Catalog,
    limits: Limits,
    expired: &dyn Fn() -> bool,
) -> Result<Decided, Undecided> {
    let slots = match subject {
        Subject::Principal(p) => Slots::of_principal(p),
        Subject::Document(d, side) => Slots::of_document(*d, *side),
    };
    let principal = match subject {
        Subject::Principal(p) => Some(p),
        Subject::Document(..) => None,
    };
    let has_boundary = slots.boundary.is_some();
    let mut judges = vec![Judge::new(slots.clone()).map_err(Undecided::Unusable)?];
    let other = match property {
        Property::Within(d, side) | Property::Equivalent(d, side) => {
            Some(Slots::of_document(*d, *side))
        }
        _ => None,
    };
    if let Some(o) = &other {
        judges.push(Judge::new(o.clone()).map_err(Undecided::Unusable)?);
    }
    let presence = |lower: &str| presence_of(principal, lower);
    let builder = Builder {
        presence: &presence,
    };
    let mut problem = Problem::new(has_boundary);
    let bad = |(decl, e): (usize, problem::BadValue)| Undecided::BadValue {
        decl: Some(decl),
        message: e.message,
    };
    problem
        .add_side(0, &slots, catalog, &builder)
        .map_err(bad)?;
    problem.add_hidden_tests(!slots.rcps.is_empty(), catalog, &builder);
    if let Some(o) = &other {
        problem.add_side(1, o, catalog, &builder).map_err(bad)?;
    }
    let request_set = match property {
        Property::Allows(r) | Property::Denies(r) | Property::MayAllow(r) => Some(r),
        _ => None,
    };
    if let Some(r) = request_set {
        problem
            .set_request_set(r, catalog, &builder)
            .map_err(|e| Undecided::BadValue {
                decl: None,
                message: e.message,
            })?;
    }
    let callers = caller_space(subject)?;
    let mut base = crate::eval::Context::new();
    for k in &problem.keys {
        if let Presence::Fixed(Some(v)) = &k.presence {
            base.insert(&k.name, v.clone());
        }
    }
    let part = Partitioner {
        problem: &problem,
        callers,
        max_states: limits.max_states,
        max_sets: limits.max_sets,
        caller_cache: Default::default(),
    };
    let mut search = Search {
        problem: &problem,
        part,
        judges,
        goal: Goal::InRequestSet,
        limits,
        expired,
        cases: 0,
        base,
        sampled_variables: false,
    };
    let stopped = Undecided::Stopped;
    // A found request, made readable and judged again.
    let polish = |search: &mut Search<'_, '_>, hit: Hit| -> Hit {
        let better = search.polish(&hit.request, catalog);
        match search.rejudge(&better, hit.path.clone()) {
            Some(h)
                if h.decisions
                    .iter()
                    .map(|d| d.outcome)
                    .eq(hit.decisions.iter().map(|d| d.outcome)) =>
            {
                h
            }
            _ => hit,
        }
    };
    let verdict = match property {
        Property::Allows(_) | Property::Denies(_) => {
            search.goal = Goal::InRequestSet;
            if search.run().map_err(stopped)?.is_none() {
                Verdict::Vacuous
            } else {
                search.goal = if matches!(property, Property::Allows(_)) {
                    Goal::NotAllowed
                } else {
                    Goal::Allowed
                };
                match search.run().map_err(stopped)? {
                    Some(hit) => Verdict::Refuted {
                        counterexample: Some(polish(&mut search, hit)),
                    },
                    None => Verdict::Proved { witness: None },
                }
            }
        }
        Property::MayAllow(_) => {
            search.goal = Goal::Allowed;
            match search.run().map_err(stopped)? {
                Some(hit) => Verdict::Proved {
                    witness: Some(polish(&mut search, hit)),
                },
                None => Verdict::Refuted {
                    counterexample: None,
                },
            }
        }
        Property::Within(..) | Property::Equivalent(..) => {
            search.goal = if matches!(property, Property::Within(..)) {
                Goal::Beyond
            } else {
                Goal::Different
            };
            match search.run().map_err(stopped)? {
                Some(hit) => Verdict::Refuted {
                    counterexample: Some(polish(&mut search, hit)),
                },
                None => Verdict::Proved { witness: None },
            }
        }
    };
    Ok(Decided {
        verdict,
        cases: search.cases,
        sampled_variables: search.sampled_variables,
    })
}

#[cfg(test)]
mod tests;

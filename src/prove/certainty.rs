//! What is already certain of a side's decision while the search is under way, by the
//! engine's documented rules; it lets a branch stop as soon as the goal is settled.

use super::search::{Goal, Search};

impl Search<'_, '_> {
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
    pub(super) fn live_sides(
        &self,
        vals: &[Option<bool>],
        atoms: &[Option<bool>],
    ) -> Option<[bool; 2]> {
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
}

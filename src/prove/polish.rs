//! Counterexamples a person recognises: the search's representatives are the shortest
//! strings of their classes (`s3:a`, `arn:aws:iam::000000000000:user/a`); here each part
//! is replaced, one at a time, by a realistic value of the same class — a catalog action,
//! an ARN of the action's resource type, the principal's account, an ordinary name —
//! where one exists. A replacement is kept only when every atom of the problem answers
//! exactly as before on the new request (so the decision cannot change), and the engine
//! judges the final request again.

use super::caller::{self, CallerSpace};
use super::search::Search;
use crate::catalog::Catalog;
use crate::eval::{ContextValue, Request};

/// What a replacement must keep: every atom's answer and every side's outcome.
struct Want {
    answers: Vec<bool>,
    outcomes: Vec<crate::eval::Outcome>,
}

/// Fills an ARN format's placeholders (`${Partition}`, `${Region}`, `${Account}`, ...).
fn fill(format: &str, account: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or_default());
            return out;
        };
        let name = after.get(..end).unwrap_or_default();
        out.push_str(match name {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => account,
            "BucketName" => "example-bucket",
            "ObjectName" | "Key" => "example-key",
            _ => "example",
        });
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A pattern made concrete: wildcards become ordinary text.
fn instantiate(pattern: &str) -> String {
    pattern.replace('*', "example").replace('?', "x")
}

impl Search<'_, '_> {
    /// Every atom's answer on a request.
    fn answers(&self, req: &Request) -> Vec<bool> {
        (0..self.problem.atoms.len())
            .map(|a| self.concrete(a, req))
            .collect()
    }

    /// The engine's outcome on each side.
    fn outcomes(&mut self, req: &Request) -> Vec<crate::eval::Outcome> {
        self.judges
            .iter_mut()
            .map(|j| {
                let shaped = j.shape(req);
                j.decide(&shaped).outcome
            })
            .collect()
    }

    /// Replaces `req` by `candidate` when every atom answers alike and the engine decides
    /// alike on every side (`polish_caller` also keeps to the request space's callers).
    fn try_replace(&mut self, req: &mut Request, want: &Want, candidate: Request) -> bool {
        if self.answers(&candidate) == want.answers && self.outcomes(&candidate) == want.outcomes {
            *req = candidate;
            true
        } else {
            false
        }
    }

    /// A more readable request of the same class as `req`, decided alike.
    pub fn polish(&mut self, req: &Request, catalog: &Catalog) -> Request {
        let want = Want {
            answers: self.answers(req),
            outcomes: self.outcomes(req),
        };
        let want = &want;
        let mut req = req.clone();
        self.polish_caller(&mut req, want);
        self.polish_action(&mut req, want, catalog);
        self.polish_resource(&mut req, want, catalog);
        self.polish_keys(&mut req, want);
        req
    }

    fn polish_action(&mut self, req: &mut Request, want: &Want, catalog: &Catalog) {
        let service = req.action.split(':').next().unwrap_or_default().to_string();
        // A cheap first test on the action's own atoms, before the whole request's.
        let action_atoms: Vec<usize> = (0..self.problem.atoms.len())
            .filter(|&a| {
                matches!(
                    self.problem.atoms.get(a).map(|x| &x.def),
                    Some(super::problem::AtomDef::Action(_))
                )
            })
            .collect();
        let globs: Vec<(crate::eval::glob::Glob, bool)> = action_atoms
            .iter()
            .filter_map(|&a| match self.problem.atoms.get(a).map(|x| &x.def) {
                Some(super::problem::AtomDef::Action(p)) => Some((
                    crate::eval::glob::Glob::new(p, true),
                    want.answers.get(a).copied().unwrap_or(false),
                )),
                _ => None,
            })
            .collect();
        let same_actions = |name: &str| globs.iter().all(|(g, w)| g.matches(name) == *w);
        // The same action spelled as the catalog does.
        if let Some(a) = catalog.action(&req.action) {
            let mut c = req.clone();
            c.action = a.full_name();
            if self.try_replace(req, want, c) {
                return;
            }
        }
        // Actions people know, then the witness's own service, then every other.
        const FAMILIAR: [&str; 14] = [
            "s3:GetObject",
            "s3:PutObject",
            "s3:ListBucket",
            "ec2:RunInstances",
            "ec2:DescribeInstances",
            "iam:CreateUser",
            "iam:PassRole",
            "sts:AssumeRole",
            "lambda:InvokeFunction",
            "dynamodb:GetItem",
            "kms:Decrypt",
            "sqs:SendMessage",
            "organizations:LeaveOrganization",
            "cloudtrail:StopLogging",
        ];
        for name in FAMILIAR {
            let fits = name.split(':').next() == Some(service.as_str())
                || catalog.service(&service).is_none();
            if fits && same_actions(name) {
                let mut c = req.clone();
                c.action = name.to_string();
                if self.try_replace(req, want, c) {
                    return;
                }
            }
        }
        let same_service = catalog
            .service(&service)
            .into_iter()
            .flat_map(|s| s.actions());
        let others = catalog
            .services()
            .filter(|s| s.prefix() != service)
            .flat_map(|s| s.actions());
        let candidates: Vec<String> = same_service
            .chain(others)
            .map(|a| a.full_name())
            .filter(|n| same_actions(n))
            .take(16)
            .collect();
        for name in candidates {
            let mut c = req.clone();
            c.action = name;
            if self.try_replace(req, want, c) {
                return;
            }
        }
        // No catalog action has the class: an invented one that reads as such.
        for name in ["FutureAction", "NewAction"] {
            let mut c = req.clone();
            c.action = format!("{service}:{name}");
            if self.try_replace(req, want, c) {
                return;
            }
        }
    }

    fn polish_resource(&mut self, req: &mut Request, want: &Want, catalog: &Catalog) {
        let account = req.caller.account().unwrap_or("111122223333").to_string();
        let mut candidates: Vec<String> = Vec::new();
        if let Some(a) = catalog.action(&req.action) {
            // The plainest format first: fewest placeholders, then shortest.
            let mut formats: Vec<&str> = a
                .resource_types()
                .iter()
                .flat_map(|(rt, _)| rt.arn_formats())
                .collect();
            formats.sort_by_key(|f| (f.matches("${").count(), f.len()));
            candidates.extend(formats.into_iter().map(|f| fill(f, &account)));
        }
        for atom in &self.problem.atoms {
            if let super::problem::AtomDef::Resource { entry, .. } = &atom.def {
                if !entry.contains("${") {
                    candidates.push(instantiate(entry));
                }
            }
        }
        candidates.push("*".into());
        for r in candidates {
            if r == req.resource {
                return;
            }
            let mut c = req.clone();
            c.resource = r;
            if self.try_replace(req, want, c) {
                return;
            }
        }
    }

    fn polish_caller(&mut self, req: &mut Request, want: &Want) {
        let accounts: Vec<String> = match &self.part.callers {
            CallerSpace::Any {
                account: Some(a), ..
            } => vec![a.clone()],
            CallerSpace::Any { .. } => vec!["111122223333".into(), "444455556666".into()],
            _ => return,
        };
        let outside = matches!(self.part.callers, CallerSpace::Any { outside: true, .. });
        let mut encoded = Vec::new();
        for a in &accounts {
            for n in ["alice", "bob", "admin"] {
                encoded.push(format!("arn:aws:iam::{a}:user/{n}"));
            }
            for r in ["developer", "deployer"] {
                encoded.push(format!("arn:aws:iam::{a}:role/{r}#session-1"));
            }
        }
        encoded.extend(
            outside.then_some([
                "svc:ec2.amazonaws.com",
                "svc:lambda.amazonaws.com",
                "idp:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                "anonymous",
            ])
            .into_iter()
            .flatten()
            .map(String::from),
        );
        let mut domain = super::automaton::Family::new(&self.part.callers.domain(), &[]);
        for e in encoded {
            if domain.classify(&e).is_none() {
                continue;
            }
            let Some(v) = caller::decode(&e) else {
                continue;
            };
            let mut c = req.clone();
            // The keys AWS derives from the caller follow it.
            for k in [
                "aws:PrincipalArn",
                "aws:PrincipalAccount",
                "aws:PrincipalType",
                "aws:username",
            ] {
                c.context.remove(k);
            }
            for (k, x) in &v.derived {
                c.context.insert(k, x.clone());
            }
            if v.caller.is_outside_iam() {
                c.context.remove("aws:userid");
            } else if c.context.get("aws:userid").is_some() {
                c.context
                    .insert("aws:userid", ContextValue::One(super::leaf::userid(&v)));
            }
            c.caller = v.caller;
            if self.try_replace(req, want, c) {
                return;
            }
        }
    }

    fn polish_keys(&mut self, req: &mut Request, want: &Want) {
        let keys: Vec<(String, ContextValue)> = req
            .context
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        for (k, v) in keys {
            let ContextValue::One(s) = &v else { continue };
            if s.len() > 2 || s.is_empty() {
                continue;
            }
            let mut c = req.clone();
            c.context.insert(&k, ContextValue::One("example".into()));
            self.try_replace(req, want, c);
        }
    }
}

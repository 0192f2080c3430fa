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

    /// Replaces `req` by `candidate` when every atom answers alike.
    fn try_replace(&self, req: &mut Request, want: &[bool], candidate: Request) -> bool {
        if self.answers(&candidate) == want {
            *req = candidate;
            true
        } else {
            false
        }
    }

    /// A more readable request of the same class as `req`.
    pub fn polish(&self, req: &Request, catalog: &Catalog) -> Request {
        let want = self.answers(req);
        let mut req = req.clone();
        self.polish_caller(&mut req, &want);
        self.polish_action(&mut req, &want, catalog);
        self.polish_resource(&mut req, &want, catalog);
        self.polish_keys(&mut req, &want);
        req
    }

    fn polish_action(&self, req: &mut Request, want: &[bool], catalog: &Catalog) {
        let service = req.action.split(':').next().unwrap_or_default().to_string();
        // The same action spelled as the catalog does.
        if let Some(a) = catalog.action(&req.action) {
            let mut c = req.clone();
            c.action = a.full_name();
            if self.try_replace(req, want, c) {
                return;
            }
        }
        let same_service = catalog.service(&service).into_iter().flat_map(|s| s.actions());
        for a in same_service {
            let mut c = req.clone();
            c.action = a.full_name();
            if self.try_replace(req, want, c) {
                return;
            }
        }
        for s in catalog.services() {
            if s.prefix() == service {
                continue;
            }
            for a in s.actions() {
                let mut c = req.clone();
                c.action = a.full_name();
                if self.try_replace(req, want, c) {
                    return;
                }
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

    fn polish_resource(&self, req: &mut Request, want: &[bool], catalog: &Catalog) {
        let account = req
            .caller
            .account()
            .unwrap_or("111122223333")
            .to_string();
        let mut candidates: Vec<String> = Vec::new();
        if let Some(a) = catalog.action(&req.action) {
            for (rt, _) in a.resource_types() {
                for f in rt.arn_formats() {
                    candidates.push(fill(f, &account));
                }
            }
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

    fn polish_caller(&self, req: &mut Request, want: &[bool]) {
        let accounts: Vec<String> = match &self.part.callers {
            CallerSpace::Any {
                account: Some(a), ..
            } => vec![a.clone()],
            CallerSpace::Any { .. } => vec!["111122223333".into(), "444455556666".into()],
            _ => return,
        };
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
            [
                "svc:ec2.amazonaws.com",
                "svc:lambda.amazonaws.com",
                "idp:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                "anonymous",
            ]
            .map(String::from),
        );
        for e in encoded {
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
            if c.context.get("aws:userid").is_some() {
                c.context
                    .insert("aws:userid", ContextValue::One(super::search::userid(&v)));
            }
            c.caller = v.caller;
            if self.try_replace(req, want, c) {
                return;
            }
        }
    }

    fn polish_keys(&self, req: &mut Request, want: &[bool]) {
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

//! What a proof is about (a principal, or one document alone) and how a request is judged
//! for it: the policies in their slots of an `iamc eval` scenario, compiled once, and the
//! evaluation engine deciding (spec/prove.md, "The subject").

use crate::eval::{
    self, evaluate, is_assume_role, CompiledDocument, Decision, PolicyRef, PolicySet, Request,
};
use crate::policy::{Document, Effect, Matcher, Principals, Statement, Version};
use std::collections::HashMap;

/// A lowered document and the declaration it came from (an index the caller chooses,
/// used to point at the statements that decided a counterexample).
#[derive(Clone, Copy, Debug)]
pub struct Placed<'d> {
    pub doc: &'d Document,
    pub decl: usize,
}

/// How a document alone is judged: as the caller's only identity policy, or as the
/// resource's policy seen by a caller from another account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `policy`, `boundary`, `scp`: the scenario's only identity policy.
    IdentityLike,
    /// `trust`, `resource`, `rcp`: the scenario's resource policy.
    ResourceLike,
}

/// A `principal` declaration's policies and identity.
#[derive(Clone, Debug, Default)]
pub struct PrincipalSpec<'d> {
    /// A user or role ARN; `None`: any IAM user or role session of `account` (or of any
    /// account when that is `None` too).
    pub arn: Option<String>,
    pub account: Option<String>,
    /// `Some`: exactly these principal tags; `None`: any tags.
    pub tags: Option<Vec<(String, String)>>,
    pub identity: Vec<Placed<'d>>,
    pub boundary: Option<Placed<'d>>,
    pub session: Option<Placed<'d>>,
    pub scps: Vec<Vec<Placed<'d>>>,
    pub rcps: Vec<Vec<Placed<'d>>>,
    pub resource: Option<Placed<'d>>,
}

#[derive(Clone, Debug)]
pub enum Subject<'d> {
    Principal(PrincipalSpec<'d>),
    Document(Placed<'d>, Side),
}

/// The account a resource-like document's resource lives in when the caller's is `caller`.
pub fn other_account(caller: &str) -> &'static str {
    if caller == "999999999999" {
        "888888888888"
    } else {
        "999999999999"
    }
}

fn statement(effect: Effect, principal: Option<Principals>, action: &str) -> Statement {
    Statement {
        sid: None,
        effect,
        principal: principal.map(Matcher::Is),
        action: Matcher::Is(vec![action.to_string()]),
        resource: Some(Matcher::Is(vec!["*".to_string()])),
        conditions: Vec::new(),
    }
}

fn document(statements: Vec<Statement>) -> Document {
    Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements,
    }
}

/// The identity policy of a resource-like document's scenario: everything, so that only
/// the resource policy decides.
pub fn allow_everything() -> Document {
    document(vec![statement(Effect::Allow, None, "*")])
}

/// The trust policy of an identity-like document's `sts:AssumeRole*` scenario: it trusts
/// the caller's account, which delegates to the identity policy (the document alone).
pub fn trust_account(account: &str) -> Document {
    let mut st = statement(
        Effect::Allow,
        Some(Principals {
            aws: vec![format!("arn:aws:iam::{account}:root")],
            ..Principals::default()
        }),
        "sts:AssumeRole*",
    );
    st.resource = None;
    document(vec![st])
}

/// Where the documents of one side of a proof sit in an `iamc eval` scenario.
#[derive(Clone, Debug)]
pub struct Slots<'d> {
    pub identity: Vec<Placed<'d>>,
    pub boundary: Option<Placed<'d>>,
    pub session: Option<Placed<'d>>,
    pub scps: Vec<Vec<Placed<'d>>>,
    pub rcps: Vec<Vec<Placed<'d>>>,
    pub resource: Option<Placed<'d>>,
    pub side: Option<Side>,
}

impl<'d> Slots<'d> {
    pub fn of_principal(p: &PrincipalSpec<'d>) -> Slots<'d> {
        Slots {
            identity: p.identity.clone(),
            boundary: p.boundary,
            session: p.session,
            scps: p.scps.clone(),
            rcps: p.rcps.clone(),
            resource: p.resource,
            side: None,
        }
    }

    pub fn of_document(d: Placed<'d>, side: Side) -> Slots<'d> {
        let (identity, resource) = match side {
            Side::IdentityLike => (vec![d], None),
            Side::ResourceLike => (Vec::new(), Some(d)),
        };
        Slots {
            identity,
            boundary: None,
            session: None,
            scps: Vec::new(),
            rcps: Vec::new(),
            resource,
            side: Some(side),
        }
    }

    /// Every placed document with its scenario reference, in scenario order.
    pub fn placed(&self) -> Vec<(PolicyRef, Placed<'d>)> {
        let mut out = Vec::new();
        for (i, p) in self.identity.iter().enumerate() {
            out.push((PolicyRef::Identity(i), *p));
        }
        if let Some(p) = self.resource {
            out.push((PolicyRef::Resource, p));
        }
        if let Some(p) = self.boundary {
            out.push((PolicyRef::Boundary, p));
        }
        if let Some(p) = self.session {
            out.push((PolicyRef::Session, p));
        }
        for (l, level) in self.scps.iter().enumerate() {
            for (i, p) in level.iter().enumerate() {
                out.push((PolicyRef::Scp(l, i), *p));
            }
        }
        for (l, level) in self.rcps.iter().enumerate() {
            for (i, p) in level.iter().enumerate() {
                out.push((PolicyRef::Rcp(l, i), *p));
            }
        }
        out
    }
}

/// A document of the subject that the engine refuses (for example a policy variable
/// before the fifth colon of a `Resource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unusable {
    pub decl: usize,
    pub error: eval::CompileError,
}

/// One side's policies compiled, ready to judge requests.
pub struct Judge<'d> {
    pub slots: Slots<'d>,
    set: PolicySet,
    /// Identity-like documents facing `sts:AssumeRole*`: the trust policy depends on the
    /// caller's account, so those sets are built per account on demand.
    trust_sets: HashMap<String, PolicySet>,
}

fn compile(p: &Placed<'_>) -> Result<CompiledDocument, Unusable> {
    CompiledDocument::compile(p.doc).map_err(|error| Unusable {
        decl: p.decl,
        error,
    })
}

impl<'d> Judge<'d> {
    pub fn new(slots: Slots<'d>) -> Result<Judge<'d>, Unusable> {
        let mut set = PolicySet::new();
        for p in &slots.identity {
            set.identity.push(compile(p)?);
        }
        if slots.side == Some(Side::ResourceLike) {
            set.add_identity(&allow_everything())
                .map_err(|error| Unusable { decl: 0, error })?;
        }
        set.resource = slots.resource.as_ref().map(compile).transpose()?;
        set.boundary = slots.boundary.as_ref().map(compile).transpose()?;
        set.session = slots.session.as_ref().map(compile).transpose()?;
        for level in &slots.scps {
            set.scps
                .push(level.iter().map(compile).collect::<Result<_, _>>()?);
        }
        for level in &slots.rcps {
            set.rcps
                .push(level.iter().map(compile).collect::<Result<_, _>>()?);
        }
        Ok(Judge {
            slots,
            set,
            trust_sets: HashMap::new(),
        })
    }

    /// Whether the scenario of `req` needs the synthesized trust policy.
    fn needs_trust(&self, req: &Request) -> bool {
        self.slots.side == Some(Side::IdentityLike) && is_assume_role(&req.action)
    }

    /// The request as this side's scenario sees it (a resource-like document's resource
    /// lives in another account than the caller's).
    pub fn shape(&self, req: &Request) -> Request {
        let mut r = req.clone();
        r.resource_account = self.resource_account(req);
        r
    }

    /// The resource's account in this side's scenario: another account than an IAM
    /// caller's for a resource-like document; for a caller outside IAM the account of the
    /// resource ARN (the scenario format requires the two to agree), else any.
    fn resource_account(&self, req: &Request) -> Option<String> {
        if req.caller.is_outside_iam() {
            let in_arn = crate::eval::arn::split(&req.resource)
                .map(|[_, _, _, _, a, _]| a)
                .filter(|a| crate::eval::principal::is_account(a));
            return Some(in_arn.unwrap_or("999999999999").to_string());
        }
        match self.slots.side {
            Some(Side::ResourceLike) => {
                Some(other_account(req.caller.account().unwrap_or_default()).to_string())
            }
            _ => None,
        }
    }

    /// The engine's decision on `req` (already shaped with [`Judge::shape`]).
    pub fn decide(&mut self, req: &Request) -> Decision {
        if self.needs_trust(req) {
            let account = req.caller.account().unwrap_or_default().to_string();
            if !self.trust_sets.contains_key(&account) {
                let mut set = self.set.clone();
                if let Ok(t) = CompiledDocument::compile(&trust_account(&account)) {
                    set.resource = Some(t);
                }
                self.trust_sets.insert(account.clone(), set);
            }
            if let Some(set) = self.trust_sets.get(&account) {
                return evaluate(set, req);
            }
        }
        evaluate(&self.set, req)
    }

    /// The compiled set the request is decided against (for statement-level checks).
    pub fn set(&self) -> &PolicySet {
        &self.set
    }

    /// The synthesized documents of the scenario for `req`, as `iamc eval` needs them:
    /// (identity documents, resource document, resource account).
    pub fn scenario_parts(
        &self,
        req: &Request,
    ) -> (Vec<Document>, Option<Document>, Option<String>) {
        // A caller outside IAM has no identity-based policies (the scenario format says so).
        let identity: Vec<Document> = if req.caller.is_outside_iam() {
            Vec::new()
        } else {
            self.slots
                .identity
                .iter()
                .map(|p| p.doc.clone())
                .chain((self.slots.side == Some(Side::ResourceLike)).then(allow_everything))
                .collect()
        };
        let resource = if self.needs_trust(req) {
            Some(trust_account(req.caller.account().unwrap_or_default()))
        } else {
            self.slots.resource.map(|p| p.doc.clone())
        };
        (identity, resource, self.resource_account(req))
    }
}

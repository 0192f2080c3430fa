//! The evaluation engine: AWS's decision for one request, and why.
//!
//! Documents are compiled once ([`PolicySet`]); [`evaluate`] then decides a [`Request`]
//! without re-parsing anything. The rules are the "The decision" section of
//! `docs/eval-scenario.md`, which follows the IAM User Guide ("Policy evaluation logic",
//! "Cross-account policy evaluation logic", "Permissions boundaries", "Session policies")
//! and AWS Organizations (SCP and RCP evaluation).
//!
//! Library use (no JSON needed):
//! ```
//! use iamc::eval::{evaluate, Outcome, PolicySet, Request};
//! use iamc::policy::{Document, Effect, Matcher, Statement, Version};
//! let doc = Document { version: Some(Version::V2012_10_17), id: None, statements: vec![Statement {
//!     sid: None, effect: Effect::Allow, principal: None,
//!     action: Matcher::Is(vec!["s3:Get*".into()]),
//!     resource: Some(Matcher::Is(vec!["*".into()])), conditions: vec![] }] };
//! let mut set = PolicySet::new();
//! set.add_identity(&doc).unwrap();
//! let req = Request::new("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/k").unwrap();
//! assert_eq!(evaluate(&set, &req).outcome, Outcome::Allow);
//! ```

pub mod arn;
pub mod compile;
pub mod condition;
pub mod context;
pub mod glob;
pub mod principal;
pub mod scenario;
pub mod template;

pub use compile::{CompileError, CompiledDocument};
pub use context::{Context, ContextValue};
pub use principal::{Caller, Naming};

use crate::policy::{Document, Effect};
use compile::{prepare, Prepared};
use std::fmt;

/// Every policy that applies to one request, compiled.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    pub identity: Vec<CompiledDocument>,
    /// The resource-based policy (for `sts:AssumeRole*`: the role's trust policy).
    pub resource: Option<CompiledDocument>,
    pub boundary: Option<CompiledDocument>,
    pub session: Option<CompiledDocument>,
    /// SCP levels, root first; empty: no SCPs apply. An empty level allows nothing.
    pub scps: Vec<Vec<CompiledDocument>>,
    /// Customer RCP levels; `RCPFullAWSAccess` is implied at every level.
    pub rcps: Vec<Vec<CompiledDocument>>,
}

impl PolicySet {
    pub fn new() -> PolicySet {
        PolicySet::default()
    }

    pub fn add_identity(&mut self, doc: &Document) -> Result<(), CompileError> {
        self.identity.push(CompiledDocument::compile(doc)?);
        Ok(())
    }

    pub fn set_resource(&mut self, doc: &Document) -> Result<(), CompileError> {
        self.resource = Some(CompiledDocument::compile(doc)?);
        Ok(())
    }

    pub fn set_boundary(&mut self, doc: &Document) -> Result<(), CompileError> {
        self.boundary = Some(CompiledDocument::compile(doc)?);
        Ok(())
    }

    pub fn set_session(&mut self, doc: &Document) -> Result<(), CompileError> {
        self.session = Some(CompiledDocument::compile(doc)?);
        Ok(())
    }

    /// Adds one SCP level (the next one down from the root).
    pub fn add_scp_level(&mut self, docs: &[Document]) -> Result<(), CompileError> {
        let level = docs
            .iter()
            .map(CompiledDocument::compile)
            .collect::<Result<_, _>>()?;
        self.scps.push(level);
        Ok(())
    }

    /// Adds one RCP level of customer RCPs.
    pub fn add_rcp_level(&mut self, docs: &[Document]) -> Result<(), CompileError> {
        let level = docs
            .iter()
            .map(CompiledDocument::compile)
            .collect::<Result<_, _>>()?;
        self.rcps.push(level);
        Ok(())
    }

    fn document(&self, p: PolicyRef) -> Option<&CompiledDocument> {
        match p {
            PolicyRef::Identity(i) => self.identity.get(i),
            PolicyRef::Resource => self.resource.as_ref(),
            PolicyRef::Boundary => self.boundary.as_ref(),
            PolicyRef::Session => self.session.as_ref(),
            PolicyRef::Scp(l, i) => self.scps.get(l).and_then(|v| v.get(i)),
            PolicyRef::Rcp(l, i) => self.rcps.get(l).and_then(|v| v.get(i)),
        }
    }

    /// The Sid of a deciding statement, or its index when it has none.
    pub fn statement_label(&self, s: &StatementRef) -> &str {
        self.document(s.policy)
            .and_then(|d| d.statements.get(s.index))
            .map_or("?", |st| st.label.as_str())
    }
}

/// One request.
#[derive(Clone, Debug)]
pub struct Request {
    pub caller: Caller,
    pub action: String,
    pub resource: String,
    /// The account owning the resource; `None`: the caller's account.
    pub resource_account: Option<String>,
    pub context: Context,
}

impl Request {
    /// A request with an empty context; the error explains a malformed caller ARN.
    pub fn new(principal: &str, action: &str, resource: &str) -> Result<Request, String> {
        Ok(Request {
            caller: Caller::parse(principal)?,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: None,
            context: Context::new(),
        })
    }

    pub fn with_context(mut self, context: Context) -> Request {
        self.context = context;
        self
    }

    pub fn with_resource_account(mut self, account: &str) -> Request {
        self.resource_account = Some(account.to_string());
        self
    }

    pub fn resource_account(&self) -> &str {
        self.resource_account
            .as_deref()
            .unwrap_or_else(|| self.caller.account())
    }
}

/// The three answers AWS can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::ExplicitDeny => "explicit_deny",
            Outcome::ImplicitDeny => "implicit_deny",
        }
    }
}

/// Which document a statement is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyRef {
    Identity(usize),
    Resource,
    Boundary,
    Session,
    Scp(usize, usize),
    Rcp(usize, usize),
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyRef::Identity(i) => write!(f, "identity[{i}]"),
            PolicyRef::Resource => f.write_str("resource"),
            PolicyRef::Boundary => f.write_str("boundary"),
            PolicyRef::Session => f.write_str("session"),
            PolicyRef::Scp(l, i) => write!(f, "scps[{l}][{i}]"),
            PolicyRef::Rcp(l, i) => write!(f, "rcps[{l}][{i}]"),
        }
    }
}

/// A statement that decided the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementRef {
    pub policy: PolicyRef,
    /// Index of the statement in its document.
    pub index: usize,
    pub effect: Effect,
}

/// Why the outcome is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A matching `Deny` statement.
    ExplicitDeny,
    /// This SCP level has no matching `Allow`.
    ScpLevelDoesNotAllow(usize),
    /// `sts:AssumeRole*` with no trust policy.
    NoTrustPolicy,
    /// The trust policy does not allow the caller.
    TrustPolicyDoesNotAllow,
    /// Cross-account and the resource policy does not allow the caller.
    ResourcePolicyDoesNotAllow,
    /// No identity policy allows (and no resource policy grant suffices).
    IdentityDoesNotAllow,
    BoundaryDoesNotAllow,
    SessionDoesNotAllow,
    /// Allowed through the identity side.
    AllowedByIdentity,
    /// Allowed by the resource policy naming the caller (directly or by role).
    AllowedByResource,
    /// Allowed with both the identity side and the resource policy (cross-account).
    AllowedByBoth,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ExplicitDeny => f.write_str("an applicable `Deny` statement matches"),
            Reason::ScpLevelDoesNotAllow(l) => {
                write!(f, "no SCP at level {l} allows the request")
            }
            Reason::NoTrustPolicy => {
                f.write_str("the role has no trust policy, so nobody can assume it")
            }
            Reason::TrustPolicyDoesNotAllow => {
                f.write_str("the trust policy does not allow the caller")
            }
            Reason::ResourcePolicyDoesNotAllow => {
                f.write_str("cross-account access needs the resource policy to allow the caller")
            }
            Reason::IdentityDoesNotAllow => {
                f.write_str("no identity-based policy allows the request")
            }
            Reason::BoundaryDoesNotAllow => {
                f.write_str("the permissions boundary does not allow the request")
            }
            Reason::SessionDoesNotAllow => {
                f.write_str("the session policy does not allow the request")
            }
            Reason::AllowedByIdentity => f.write_str("allowed by the identity-based policies"),
            Reason::AllowedByResource => f.write_str("allowed by the resource-based policy"),
            Reason::AllowedByBoth => {
                f.write_str("allowed by the identity-based and resource-based policies")
            }
        }
    }
}

/// The decision and its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: Reason,
    /// The deciding statements: every matching `Deny` for an explicit deny; the allowing
    /// statements for an allow; empty for an implicit deny.
    pub statements: Vec<StatementRef>,
}

/// Whether an action is `sts:AssumeRole*` (role trust policies must allow it).
fn is_assume_role(action: &str) -> bool {
    const P: &str = "sts:assumerole";
    action.len() >= P.len() && action.as_bytes()[..P.len()].eq_ignore_ascii_case(P.as_bytes())
}

/// The first matching `Allow` in a document (with the principal applying, for resource
/// policies: the strongest naming among matching allows).
fn first_allow(doc: &CompiledDocument, p: &Prepared<'_>) -> Option<usize> {
    doc.statements
        .iter()
        .position(|s| s.effect == Effect::Allow && s.matches(p))
}

fn resource_allow(doc: &CompiledDocument, p: &Prepared<'_>) -> Option<(Naming, usize)> {
    let mut best: Option<(Naming, usize)> = None;
    for (i, s) in doc.statements.iter().enumerate() {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(n) = s.naming(p) else { continue };
        if best.is_some_and(|(b, _)| b >= n) || !s.matches(p) {
            continue;
        }
        best = Some((n, i));
        if n == Naming::Direct {
            break;
        }
    }
    best
}

fn collect_denies(
    doc: &CompiledDocument,
    p: &Prepared<'_>,
    at: PolicyRef,
    out: &mut Vec<StatementRef>,
) {
    for (i, s) in doc.statements.iter().enumerate() {
        if s.effect == Effect::Deny && s.naming(p).is_some() && s.matches(p) {
            out.push(StatementRef {
                policy: at,
                index: i,
                effect: Effect::Deny,
            });
        }
    }
}

/// AWS's decision for `req` under `set`.
pub fn evaluate(set: &PolicySet, req: &Request) -> Decision {
    let p = prepare(
        &req.action,
        &req.resource,
        &req.context,
        &req.caller,
        set.boundary.is_some(),
    );
    let deny = |reason| Decision {
        outcome: Outcome::ImplicitDeny,
        reason,
        statements: Vec::new(),
    };

    // 1. Explicit deny anywhere.
    let mut denies = Vec::new();
    for (i, d) in set.identity.iter().enumerate() {
        collect_denies(d, &p, PolicyRef::Identity(i), &mut denies);
    }
    if let Some(d) = &set.resource {
        collect_denies(d, &p, PolicyRef::Resource, &mut denies);
    }
    if let Some(d) = &set.boundary {
        collect_denies(d, &p, PolicyRef::Boundary, &mut denies);
    }
    if let Some(d) = &set.session {
        collect_denies(d, &p, PolicyRef::Session, &mut denies);
    }
    for (l, level) in set.scps.iter().enumerate() {
        for (i, d) in level.iter().enumerate() {
            collect_denies(d, &p, PolicyRef::Scp(l, i), &mut denies);
        }
    }
    for (l, level) in set.rcps.iter().enumerate() {
        for (i, d) in level.iter().enumerate() {
            collect_denies(d, &p, PolicyRef::Rcp(l, i), &mut denies);
        }
    }
    if !denies.is_empty() {
        return Decision {
            outcome: Outcome::ExplicitDeny,
            reason: Reason::ExplicitDeny,
            statements: denies,
        };
    }

    // 2. Every SCP level needs a matching Allow (3. RCPs: RCPFullAWSAccess allows).
    let mut allows = Vec::new();
    for (l, level) in set.scps.iter().enumerate() {
        let hit = level
            .iter()
            .enumerate()
            .find_map(|(i, d)| first_allow(d, &p).map(|s| (i, s)));
        match hit {
            Some((i, s)) => allows.push(StatementRef {
                policy: PolicyRef::Scp(l, i),
                index: s,
                effect: Effect::Allow,
            }),
            None => return deny(Reason::ScpLevelDoesNotAllow(l)),
        }
    }

    // 4. The grant.
    let allow_ref = |policy, index| StatementRef {
        policy,
        index,
        effect: Effect::Allow,
    };
    let identity = set
        .identity
        .iter()
        .enumerate()
        .find_map(|(i, d)| first_allow(d, &p).map(|s| allow_ref(PolicyRef::Identity(i), s)));
    let boundary = set
        .boundary
        .as_ref()
        .map(|d| first_allow(d, &p).map(|s| allow_ref(PolicyRef::Boundary, s)));
    let session = set
        .session
        .as_ref()
        .map(|d| first_allow(d, &p).map(|s| allow_ref(PolicyRef::Session, s)));
    // `None`: no such policy; `Some(None)`: it exists and does not allow.
    let boundary_ok = !matches!(boundary, Some(None));
    let session_ok = !matches!(session, Some(None));
    let identity_side = identity.is_some() && boundary_ok && session_ok;
    let identity_failure = if identity.is_none() {
        Reason::IdentityDoesNotAllow
    } else if !boundary_ok {
        Reason::BoundaryDoesNotAllow
    } else {
        Reason::SessionDoesNotAllow
    };
    let resource = set
        .resource
        .as_ref()
        .and_then(|d| resource_allow(d, &p))
        .map(|(n, s)| (n, allow_ref(PolicyRef::Resource, s)));
    let same_account = req.resource_account() == req.caller.account();
    let trust = is_assume_role(&req.action);

    let push_identity = |allows: &mut Vec<StatementRef>| {
        allows.extend(identity);
        allows.extend(boundary.flatten());
        allows.extend(session.flatten());
    };
    let finish = |mut allows: Vec<StatementRef>, reason| {
        allows.sort_by_key(|s| order(s.policy));
        Decision {
            outcome: Outcome::Allow,
            reason,
            statements: allows,
        }
    };

    if trust {
        if set.resource.is_none() {
            return deny(Reason::NoTrustPolicy);
        }
        if resource.is_none() {
            return deny(Reason::TrustPolicyDoesNotAllow);
        }
    }
    if same_account {
        if let Some((naming, st)) = resource {
            let enough = match naming {
                Naming::Direct => true,
                Naming::Role => boundary_ok && session_ok,
                Naming::Account => false,
            };
            if enough {
                allows.push(st);
                if naming == Naming::Role {
                    allows.extend(boundary.flatten());
                    allows.extend(session.flatten());
                }
                return finish(allows, Reason::AllowedByResource);
            }
        }
        if identity_side {
            if let Some((_, st)) = resource.filter(|_| trust) {
                allows.push(st);
                push_identity(&mut allows);
                return finish(allows, Reason::AllowedByBoth);
            }
            push_identity(&mut allows);
            return finish(allows, Reason::AllowedByIdentity);
        }
        return deny(identity_failure);
    }
    // Cross-account: both sides.
    if !identity_side {
        return deny(identity_failure);
    }
    match resource {
        Some((_, st)) => {
            allows.push(st);
            push_identity(&mut allows);
            finish(allows, Reason::AllowedByBoth)
        }
        None => deny(if trust {
            Reason::TrustPolicyDoesNotAllow
        } else {
            Reason::ResourcePolicyDoesNotAllow
        }),
    }
}

/// Output order of deciding statements: as the scenario lists the documents.
fn order(p: PolicyRef) -> (u8, usize, usize) {
    match p {
        PolicyRef::Identity(i) => (0, i, 0),
        PolicyRef::Resource => (1, 0, 0),
        PolicyRef::Boundary => (2, 0, 0),
        PolicyRef::Session => (3, 0, 0),
        PolicyRef::Scp(l, i) => (4, l, i),
        PolicyRef::Rcp(l, i) => (5, l, i),
    }
}

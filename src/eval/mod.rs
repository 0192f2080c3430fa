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
//!
//! Callers outside IAM (spec, "Callers outside IAM") are [`Caller`] values too; only the
//! resource policy (here a role's trust policy) and the RCPs decide for them:
//! ```
//! use iamc::eval::{evaluate, Caller, Outcome, PolicySet, Request};
//! use iamc::policy::{Document, Effect, Matcher, Principals, Statement, Version};
//! let trust = Document { version: Some(Version::V2012_10_17), id: None, statements: vec![Statement {
//!     sid: None, effect: Effect::Allow,
//!     principal: Some(Matcher::Is(Principals { service: vec!["ec2.amazonaws.com".into()], ..Principals::default() })),
//!     action: Matcher::Is(vec!["sts:AssumeRole".into()]), resource: None, conditions: vec![] }] };
//! let mut set = PolicySet::new();
//! set.set_resource(&trust).unwrap();
//! let role = "arn:aws:iam::111122223333:role/app";
//! let ec2 = Request::new("ec2.amazonaws.com", "sts:AssumeRole", role).unwrap();
//! assert_eq!(ec2.caller, Caller::Service { name: "ec2.amazonaws.com".into() });
//! assert_eq!(evaluate(&set, &ec2).outcome, Outcome::Allow);
//! let lambda = Request::new("lambda.amazonaws.com", "sts:AssumeRole", role).unwrap();
//! assert_eq!(evaluate(&set, &lambda).outcome, Outcome::ImplicitDeny);
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
pub use principal::{Caller, Naming, ProviderKind, WEB_IDENTITY_PROVIDERS};

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
    /// The account owning the resource; `None`: the caller's account. For a caller outside
    /// IAM the decision does not depend on it (the scenario format requires it all the same).
    pub resource_account: Option<String>,
    pub context: Context,
}

impl Request {
    /// A request with an empty context; the error explains a malformed caller.
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

    /// The account owning the resource: `resource_account`, else the caller's account
    /// (`None` for a caller outside IAM without `resource_account`).
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account
            .as_deref()
            .or_else(|| self.caller.account())
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
    /// A caller outside IAM, which only the resource-based policy can allow, and it does not
    /// (or there is none).
    ResourcePolicyDoesNotAllowOutsideCaller,
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
            Reason::ResourcePolicyDoesNotAllowOutsideCaller => f.write_str(
                "a caller outside IAM has no identity-based policies, and no resource-based policy allows it",
            ),
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
pub fn is_assume_role(action: &str) -> bool {
    const P: &str = "sts:assumerole";
    action
        .as_bytes()
        .get(..P.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(P.as_bytes()))
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

/// The matching `Deny` statements of SCP or RCP levels; `at` makes the reference from the
/// level and the index within it.
fn collect_level_denies(
    levels: &[Vec<CompiledDocument>],
    p: &Prepared<'_>,
    at: fn(usize, usize) -> PolicyRef,
    out: &mut Vec<StatementRef>,
) {
    for (l, level) in levels.iter().enumerate() {
        for (i, d) in level.iter().enumerate() {
            collect_denies(d, p, at(l, i), out);
        }
    }
}

fn explicit_deny(statements: Vec<StatementRef>) -> Decision {
    Decision {
        outcome: Outcome::ExplicitDeny,
        reason: Reason::ExplicitDeny,
        statements,
    }
}

/// AWS's decision for `req` under `set`.
///
/// For a caller outside IAM ([`Caller::is_outside_iam`]) only `set.resource` and `set.rcps`
/// are consulted: identity-based policies, boundaries, session policies and SCPs belong to
/// IAM principals, so any in `set` are not theirs (the scenario format refuses them).
pub fn evaluate(set: &PolicySet, req: &Request) -> Decision {
    if req.caller.is_outside_iam() {
        return evaluate_outside(set, req);
    }
    let p = prepare(
        &req.action,
        &req.resource,
        &req.context,
        &req.caller,
        set.boundary.is_some(),
    );
    let deny = implicit_deny;

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
    collect_level_denies(&set.scps, &p, PolicyRef::Scp, &mut denies);
    collect_level_denies(&set.rcps, &p, PolicyRef::Rcp, &mut denies);
    if !denies.is_empty() {
        return explicit_deny(denies);
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

fn implicit_deny(reason: Reason) -> Decision {
    Decision {
        outcome: Outcome::ImplicitDeny,
        reason,
        statements: Vec::new(),
    }
}

/// Whether `resource` is a service-linked role: an IAM role whose path is
/// `/aws-service-role/` (IAM User Guide, "Service-linked roles").
fn is_service_linked_role(resource: &str) -> bool {
    matches!(arn::split(resource), Some([_, _, "iam", _, _, r]) if r.starts_with("role/aws-service-role/"))
}

/// The decision for a caller outside IAM (spec, "Callers outside IAM"): `explicit_deny` if a
/// matching `Deny` of the resource policy or an RCP applies to the caller, `allow` if the
/// resource policy (the trust policy for `sts:AssumeRole*`) has a matching `Allow` naming it,
/// otherwise `implicit_deny`. Such a caller has no identity side, no boundary and no session
/// policy, and SCPs govern only the IAM principals of member accounts.
fn evaluate_outside(set: &PolicySet, req: &Request) -> Decision {
    let p = prepare(&req.action, &req.resource, &req.context, &req.caller, false);
    let trust = is_assume_role(&req.action);
    let mut denies = Vec::new();
    if let Some(d) = &set.resource {
        collect_denies(d, &p, PolicyRef::Resource, &mut denies);
    }
    // AWS Organizations User Guide, "Resource control policies", "Resources and entities not
    // restricted by RCPs": "RCPs also do not impact AWS services' ability to assume a
    // service-linked role; that is, the service-linked role's trust policy is also not
    // impacted by RCPs."
    if !(trust && is_service_linked_role(&req.resource)) {
        collect_level_denies(&set.rcps, &p, PolicyRef::Rcp, &mut denies);
    }
    if !denies.is_empty() {
        return explicit_deny(denies);
    }
    let Some(doc) = &set.resource else {
        return implicit_deny(if trust {
            Reason::NoTrustPolicy
        } else {
            Reason::ResourcePolicyDoesNotAllowOutsideCaller
        });
    };
    match resource_allow(doc, &p) {
        Some((_, index)) => Decision {
            outcome: Outcome::Allow,
            reason: Reason::AllowedByResource,
            statements: vec![StatementRef {
                policy: PolicyRef::Resource,
                index,
                effect: Effect::Allow,
            }],
        },
        None => implicit_deny(if trust {
            Reason::TrustPolicyDoesNotAllow
        } else {
            Reason::ResourcePolicyDoesNotAllowOutsideCaller
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

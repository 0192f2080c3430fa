//! The typed IR: what `check` hands to `lower`, to the catalog checks and to the prover.
//!
//! Every template is expanded, every name replaced by its value, every ARN interpolated,
//! every condition operator chosen from its key's type. Spans point at the source the user
//! wrote (for template statements, at the template's text, with the `use` site kept too).

use crate::policy::{DocumentKind, Effect, Matcher, Operator};
use crate::resolve::names::DefId;
use crate::source::{Span, Spanned};
use std::collections::BTreeMap;

/// A whole checked compilation.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub documents: Vec<Document>,
    pub principals: Vec<Principal>,
    pub proofs: Vec<Proof>,
}

/// One `policy` / `boundary` / `trust` / `scp` / `rcp` / `resource` declaration.
#[derive(Clone, Debug)]
pub struct Document {
    /// The declared name (`AppDeveloper`).
    pub name: Spanned<String>,
    /// The module it is declared in (`app.developer`).
    pub module: String,
    pub kind: DocumentKind,
    pub doc: Option<String>,
    pub rules: Vec<Rule>,
    /// `resource Name on ARN`: the resource the policy is attached to.
    pub target: Option<ResourceTarget>,
    pub span: Span,
}

/// The resource a `resource` declaration's policy is attached to (`on ARN`), for the
/// deployable targets (CloudFormation, Terraform).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceTarget {
    pub kind: TargetKind,
    /// The resource's ARN, with the span of the expression that gave it.
    pub arn: Spanned<String>,
    /// Which parts of the ARN came from named values (see [`Provenance`]), outermost
    /// first.
    pub pieces: Vec<Piece>,
}

/// The kinds of resource a resource policy can be deployed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    /// An S3 bucket (`arn:aws:s3:::NAME`): `AWS::S3::BucketPolicy`.
    S3Bucket,
    /// An SQS queue (`arn:aws:sqs:REGION:ACCOUNT:NAME`): `AWS::SQS::QueuePolicy`.
    SqsQueue,
    /// An SNS topic (`arn:aws:sns:REGION:ACCOUNT:NAME`): `AWS::SNS::TopicPolicy`.
    SnsTopic,
    /// A KMS key the template creates, named by an alias
    /// (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`): `AWS::KMS::Key` with its key policy.
    KmsKey,
}

impl TargetKind {
    /// What the target is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            TargetKind::S3Bucket => "S3 bucket",
            TargetKind::SqsQueue => "SQS queue",
            TargetKind::SnsTopic => "SNS topic",
            TargetKind::KmsKey => "KMS key",
        }
    }
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleOrigin {
    /// Written in the document itself.
    Direct,
    /// Expanded from `use template(...)`; outermost `use` first.
    Template {
        template: String,
        use_sites: Vec<Span>,
    },
}

/// One `allow` / `deny`, with everything resolved to text.
#[derive(Clone, Debug)]
pub struct Rule {
    pub sid: Option<Spanned<String>>,
    pub effect: Effect,
    /// Action patterns (`s3:GetObject`, `s3:Get*`, `*`), each with the span it came from.
    pub actions: Matcher<Vec<Spanned<String>>>,
    /// `None` where the document kind has no principals.
    pub principals: Option<Matcher<Vec<Spanned<PrincipalValue>>>>,
    /// ARN patterns or `*`; `None` in trust policies.
    pub resources: Option<Matcher<Vec<Spanned<String>>>>,
    /// `None`: unconditional.
    pub condition: Option<CondExpr>,
    pub origin: RuleOrigin,
    /// Which parts of the rule's values came from constants, parameters and environment
    /// constants.
    pub provenance: Provenance,
    pub span: Span,
}

/// Bytes `start..end` of a value's text came from the named value `def` (a constant, a
/// template parameter or an environment constant; see `NameTable::definition` for its
/// name, declared type and definition).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Piece {
    pub start: u32,
    pub end: u32,
    pub def: DefId,
}

/// The provenance of a rule's values: for each value text that holds interpolated or
/// named parts (an action, a resource, a principal, a condition value, exactly as the
/// lowered statements carry it), the pieces it is made of.
///
/// Keyed by the text itself, because lowering copies value texts verbatim into the
/// statements (de-duplicating, splitting `or`s into several statements, moving condition
/// values between operators): whatever statement a text ends up in, looking the text up
/// here finds its pieces. Pieces nest: the outermost first (`app_roles` covering the whole
/// ARN), then those inside it by position (`account` inside `app_roles`), so a
/// CloudFormation emitter can replace the innermost `AccountId` by `${AWS::AccountId}`.
/// Should one text occur twice in a rule with different origins, the first one checked
/// is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    values: BTreeMap<String, Vec<Piece>>,
}

impl Provenance {
    /// The pieces of a value text (empty when nothing named went into it).
    pub fn pieces(&self, text: &str) -> &[Piece] {
        self.values.get(text).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every value text with pieces, in text order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Piece])> + '_ {
        self.values.iter().map(|(t, p)| (t.as_str(), p.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Records a text's pieces, unless the text is already recorded or has none.
    pub fn add(&mut self, text: &str, pieces: &[Piece]) {
        if !pieces.is_empty() && !self.values.contains_key(text) {
            self.values.insert(text.to_string(), pieces.to_vec());
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalValue {
    Any,
    /// An account id, an ARN of a user, role, session or `:root`, or `*`.
    Aws(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// A condition as a boolean formula over IAM atoms. Lowering turns it into statements.
#[derive(Clone, Debug)]
pub enum CondExpr {
    And(Vec<CondExpr>),
    Or(Vec<CondExpr>),
    Not(Box<CondExpr>),
    Atom(Atom),
    Const(bool),
}

/// One IAM condition test: operator (chosen from the key's type), key and values.
#[derive(Clone, Debug)]
pub struct Atom {
    pub operator: Operator,
    pub key: Spanned<String>,
    pub values: Vec<Spanned<String>>,
    pub span: Span,
}

/// `principal Developer { ... }`, resolved.
#[derive(Clone, Debug)]
pub struct Principal {
    pub name: Spanned<String>,
    pub module: String,
    pub arn: Option<Spanned<String>>,
    /// Indexes into `Program::documents`.
    pub policies: Vec<usize>,
    pub boundary: Option<usize>,
    pub session: Option<usize>,
    /// One list per level, root first.
    pub scps: Vec<Vec<usize>>,
    pub rcps: Vec<Vec<usize>>,
    pub resource: Option<usize>,
    /// Fixed request-context values the principal carries (`aws:PrincipalTag/team`).
    pub context: Vec<(String, String)>,
    /// Present when the principal is a role the deployable targets create (`trust:`).
    pub role: Option<Role>,
    pub span: Span,
}

/// What a principal with a trust policy needs to be deployed as an IAM role. Its
/// identity policies are `Principal::policies` (managed and inline alike, so the prover
/// sees them all); `inline` says which of them are written into the role itself. Its
/// tags are the principal's `tags` (`aws:PrincipalTag/...` in `Principal::context`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The `trust` document (an index into `Program::documents`).
    pub trust: usize,
    /// The `inline_policies` (indexes into `Program::documents`, also in `policies`).
    pub inline: Vec<usize>,
    /// `role_name`, else the name at the end of a role `arn`.
    pub name: Option<Spanned<String>>,
    /// `path`, else the path of a role `arn`.
    pub path: Option<Spanned<String>>,
    /// `description`, checked against IAM's limits.
    pub description: Option<Spanned<String>>,
    /// The principal's documentation comment (the description when none is given).
    pub doc: Option<String>,
    /// Seconds, 3600 to 43200.
    pub max_session_duration: Option<Spanned<u32>>,
}

/// `prove X { ... }`, resolved (deciding it is a later issue).
#[derive(Clone, Debug)]
pub struct Proof {
    pub target: ProofTarget,
    pub properties: Vec<Property>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofTarget {
    Principal(usize),
    Document(usize),
}

#[derive(Clone, Debug)]
pub enum Property {
    Request {
        verdict: crate::syntax::ast::Verdict,
        actions: Matcher<Vec<Spanned<String>>>,
        resources: Option<Matcher<Vec<Spanned<String>>>>,
        condition: Option<CondExpr>,
        except: Vec<Spanned<String>>,
        span: Span,
    },
    Within {
        document: usize,
        span: Span,
    },
    Equivalent {
        document: usize,
        span: Span,
    },
}

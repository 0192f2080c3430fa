//! The typed IR: what `check` hands to `lower`, to the catalog checks and to the prover.
//!
//! Every template is expanded, every name replaced by its value, every ARN interpolated,
//! every condition operator chosen from its key's type. Spans point at the source the user
//! wrote (for template statements, at the template's text, with the `use` site kept too).

use crate::policy::{DocumentKind, Effect, Matcher, Operator};
use crate::source::{Span, Spanned};

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
    /// The module it is declared in (`iam.app.developer`).
    pub module: String,
    pub kind: DocumentKind,
    pub doc: Option<String>,
    pub rules: Vec<Rule>,
    pub span: Span,
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
    pub span: Span,
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
    pub span: Span,
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

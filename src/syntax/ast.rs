//! The abstract syntax tree: what the source says, with a span on every node and no
//! semantic information (names are unresolved, types unchecked).
//!
//! Architecture invariant: the parser is the only producer of this tree; `resolve` and
//! `check` read it. A child's span lies inside its parent's.

use crate::source::{FileId, Span, Spanned};

pub type Ident = Spanned<String>;

/// A dotted name: `std.patterns.allowlist`, `env.account`, `allowlist`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The path as written, segments joined by `.`.
    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.node.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// One source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub file: FileId,
    /// The declarations that parsed without a syntax error.
    pub items: Vec<Item>,
    /// The declarations left out for a syntax error, in source order.
    pub broken: Vec<BrokenItem>,
}

/// A top-level declaration left out because of a syntax error (reported), as far as its
/// text shows what it was. `resolve` uses it so that the error is not followed by
/// "unknown name" errors for what the declaration would have defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenItem {
    /// The declaration's keyword (`const`, `policy`, `import`, ...), when the text starts
    /// with one.
    pub keyword: Option<String>,
    /// The declared name, when the keyword declares one and a name follows it.
    pub name: Option<Ident>,
    /// From the start of the declaration to where parsing resumed.
    pub span: Span,
}

impl BrokenItem {
    /// Whether the declaration might have bound names that are not known: a broken
    /// `import`, a declaration whose name could not be read, or text that starts with no
    /// keyword at all. (A broken `prove` declares nothing.)
    pub fn hides_names(&self) -> bool {
        self.name.is_none() && self.keyword.as_deref() != Some("prove")
    }
}

/// A `///` doc comment: its lines with the `///` and one following space removed.
pub type Doc = Spanned<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Import(Import),
    Const(ConstDecl),
    Template(TemplateDecl),
    Document(DocumentDecl),
    Principal(PrincipalDecl),
    Prove(ProveDecl),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Const(i) => i.span,
            Item::Template(i) => i.span,
            Item::Document(i) => i.span,
            Item::Principal(i) => i.span,
            Item::Prove(i) => i.span,
        }
    }

    /// The name the item declares, if it declares one (imports and proofs do not).
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Item::Const(i) => Some(&i.name),
            Item::Template(i) => Some(&i.name),
            Item::Document(i) => Some(&i.name),
            Item::Principal(i) => Some(&i.name),
            Item::Import(_) | Item::Prove(_) => None,
        }
    }
}

/// `import std.patterns.allowlist`, `import std.patterns.{allowlist, denylist as deny}`,
/// `import std.guards.mfa_guard as mfa`.
///
/// The path names a module followed by one of its items; with braces, several items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module path (`std.patterns`).
    pub module: Path,
    pub names: Vec<ImportName>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportName {
    pub name: Ident,
    pub alias: Option<Ident>,
    pub span: Span,
}

impl ImportName {
    /// The name the import binds in the importing module.
    pub fn local(&self) -> &Ident {
        self.alias.as_ref().unwrap_or(&self.name)
    }
}

/// `const account: AccountId = "123412341234"`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDecl {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub span: Span,
}

/// A type as written: `AccountId`, `List<Service>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExprKind {
    /// A named type (`Action`, `Arn`, `String`, ...); checked by `check`.
    Named(Ident),
    /// `List<T>`
    List(Box<TypeExpr>),
}

/// `template allowlist(services: List<Service>, except: List<Action> = []) { ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateDecl {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

/// The keyword that starts a policy document declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKeyword {
    Policy,
    Boundary,
    Trust,
    Scp,
    Rcp,
    Resource,
}

impl DocumentKeyword {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKeyword::Policy => "policy",
            DocumentKeyword::Boundary => "boundary",
            DocumentKeyword::Trust => "trust",
            DocumentKeyword::Scp => "scp",
            DocumentKeyword::Rcp => "rcp",
            DocumentKeyword::Resource => "resource",
        }
    }
}

/// `policy AppDeveloper { ... }` and the other document kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDecl {
    pub doc: Option<Doc>,
    pub keyword: Spanned<DocumentKeyword>,
    pub name: Ident,
    /// `resource Name on ARN { ... }`: the resource the policy is attached to.
    pub target: Option<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// A statement inside a document or template body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "AST nodes are built once and read in place; boxing buys nothing"
)]
pub enum Stmt {
    Rule(Rule),
    Use(UseStmt),
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Rule(r) => r.span,
            Stmt::Use(u) => u.span,
        }
    }
}

/// `use allowlist(services: [ec2, s3])`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseStmt {
    pub template: Path,
    pub args: Vec<NamedArg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedArg {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleEffect {
    Allow,
    Deny,
}

/// `@sid("AllowPassRole") allow iam:PassRole on roles when iam:PassedToService == "ec2.amazonaws.com"`
///
/// `from` and `on` may come in either order; `when` comes last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `@sid("...")`: the statement id to emit.
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<RuleEffect>,
    pub actions: Clause<Expr>,
    pub principals: Option<Clause<PrincipalExpr>>,
    pub resources: Option<Clause<Expr>>,
    pub condition: Option<Cond>,
    pub span: Span,
}

/// A list of items, possibly under `not`: `s3:GetObject, s3:PutObject`, `not [iam:*]`,
/// `*`, `on not arn"..."`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause<T> {
    /// The span of the `not` keyword, if negated.
    pub not: Option<Span>,
    pub items: Vec<T>,
    pub span: Span,
}

impl<T> Clause<T> {
    pub fn is_negated(&self) -> bool {
        self.not.is_some()
    }
}

/// One principal after `from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalExpr {
    pub kind: PrincipalKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `*`: anyone.
    Any,
    /// `account(expr)`: an account id, meaning the account's own IAM decides.
    Account(Expr),
    /// `service("ec2.amazonaws.com")`
    Service(Expr),
    /// `federated("cognito-identity.amazonaws.com")` or an identity provider ARN.
    Federated(Expr),
    /// `canonical("79a59df9...")`: an S3 canonical user id.
    CanonicalUser(Expr),
    /// An ARN literal or a name of an `Arn` constant: a user, role, session or `:root`.
    Arn(Expr),
}

/// An expression: a literal, a name, or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `"text"` with escapes resolved and `{{`/`}}` read as braces. `${aws:username}`
    /// inside stays verbatim.
    String(String),
    /// `"s3.{env.region}.amazonaws.com"`: a string with `{name}` parts to interpolate, in
    /// the parts of an ARN literal (text with escapes resolved, names, policy variables).
    Interpolated(ArnLit),
    /// A decimal number, kept as written (`42`, `-1.5`).
    Number(String),
    Bool(bool),
    /// `arn"arn:aws:iam::{account}:role/app-*"`
    Arn(ArnLit),
    /// `cidr"10.0.0.0/8"`, `ip"10.1.2.3"`, `date"2026-01-01T00:00:00Z"`: a typed literal whose
    /// text `check` validates.
    Tagged(Spanned<LiteralTag>, String),
    /// An action or action pattern: `s3:GetObject`, `s3:Get*`, `iam:*`.
    Action(ActionLit),
    /// `*` on its own: every action, every resource.
    Wildcard,
    /// A name: a constant, a template parameter, `env.account`, or a bare service prefix
    /// where a `Service` is expected (`ec2`).
    Name(Path),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `actions(s3, ["Read", "List"])`: a built-in function, evaluated by the checker
    /// (docs/language.md, "Built-in functions").
    Call(Call),
}

/// A built-in function applied to its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralTag {
    Cidr,
    Ip,
    Date,
}

/// An action literal split at the first `:`. Both parts keep `*` and `?` as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionLit {
    pub service: Spanned<String>,
    pub name: Spanned<String>,
}

/// The pieces of an ARN literal, in order; concatenating their text gives the ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnLit {
    pub parts: Vec<ArnPart>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArnPart {
    /// Literal text (may contain `*` and `?`).
    Text(Spanned<String>),
    /// `{account}`: the value of a constant or parameter, substituted at compile time.
    Interp(Path),
    /// `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`: an IAM policy
    /// variable, kept verbatim (the text includes `${` and `}`).
    PolicyVar(Spanned<String>),
}

/// A condition after `when`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cond {
    pub kind: CondKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondKind {
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    /// A bare key: `aws:MultiFactorAuthPresent` (a `Bool` key that must be true).
    Key(KeyRef),
    /// `key OP value`: `aws:SourceVpce == "vpce-1"`, `aws:SourceIp in [cidr"10.0.0.0/8"]`.
    Compare {
        key: KeyRef,
        op: Spanned<CompareOp>,
        value: Expr,
    },
    /// `any aws:TagKeys in ["a", "b"]`, `all aws:TagKeys like "team-*"`.
    Quantified {
        quantifier: Spanned<Quantifier>,
        key: KeyRef,
        op: Spanned<CompareOp>,
        value: Expr,
    },
    /// `exists(aws:SourceIp)`
    Exists(KeyRef),
    /// `true` / `false` as a whole condition (mostly from template parameters).
    Literal(bool),
}

/// A condition key as written, with `?` or `if exists` (IAM's `...IfExists`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRef {
    /// The key name as written: `aws:PrincipalTag/team`, `s3:prefix`.
    pub name: Spanned<String>,
    /// Set by a `?` after the key or `if exists` after the comparison.
    pub if_exists: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `like`
    Like,
    /// `not like`
    NotLike,
    /// `in`: membership in a list of values or in CIDR ranges
    In,
    /// `not in`
    NotIn,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Like => "like",
            CompareOp::NotLike => "not like",
            CompareOp::In => "in",
            CompareOp::NotIn => "not in",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `any`: IAM's `ForAnyValue:`
    Any,
    /// `all`: IAM's `ForAllValues:`
    All,
}

/// `principal Developer { arn: arn"...", policies: [AppDeveloper], boundary: B, ... }`
///
/// Fields are checked by `check`: `arn`, `policies`, `boundary`, `session`, `scps`, `rcps`,
/// `resource`, `tags`, `account`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalDecl {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `prove Developer { denies iam:* on * except [iam:PassRole] ... }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProveDecl {
    pub doc: Option<Doc>,
    /// A principal or a single document.
    pub target: Path,
    pub properties: Vec<Property>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub kind: PropertyKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "AST nodes are built once and read in place; boxing buys nothing"
)]
pub enum PropertyKind {
    /// `allows R`, `denies R`, `may allow R`
    Request {
        verdict: Spanned<Verdict>,
        request: RequestPattern,
    },
    /// `within P`: nothing beyond what P allows.
    Within(Path),
    /// `equivalent P`: exactly what P allows.
    Equivalent(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Allows,
    Denies,
    MayAllow,
}

/// The requests a property speaks of: `iam:* on * when not aws:MultiFactorAuthPresent
/// except [iam:ChangePassword]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPattern {
    pub actions: Clause<Expr>,
    pub resources: Option<Clause<Expr>>,
    pub condition: Option<Cond>,
    /// Actions left out of the property.
    pub except: Option<Clause<Expr>>,
    pub span: Span,
}

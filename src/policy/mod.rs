//! THE IAM policy model: documents, statements, conditions.
//!
//! Architecture invariant: this is the one model that lowering produces, the evaluation
//! engine and the prover read, `iamc eval` parses raw JSON into, and every emitter writes.
//! It depends on nothing else in the crate.
//!
//! The model keeps what IAM keeps and nothing more: action and resource strings exactly as
//! written (matching rules live in `eval`), condition values as strings (JSON booleans and
//! numbers are turned into their text when parsed, as IAM does).

pub mod json;
pub mod parse;
pub mod values;

use std::fmt;

/// The policy language version. Policy variables are only expanded under `2012-10-17`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    pub fn supports_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

/// What a document is used as; decides which elements are allowed and its size budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    /// An identity-based (customer managed) policy.
    Identity,
    /// A permissions boundary (a managed policy used as a boundary).
    Boundary,
    /// A role trust policy (a resource policy on the role for `sts:AssumeRole*`).
    Trust,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A resource-based policy (bucket policy, queue policy, ...).
    Resource,
    /// A session policy.
    Session,
}

impl DocumentKind {
    /// Whether statements name a `Principal` (resource-based policies, trust policies, RCPs).
    pub fn has_principal(self) -> bool {
        matches!(
            self,
            DocumentKind::Trust | DocumentKind::Rcp | DocumentKind::Resource
        )
    }

    /// Whether statements carry `Resource`/`NotResource` (trust policies do not).
    pub fn has_resource(self) -> bool {
        self != DocumentKind::Trust
    }

    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Identity => "identity policy",
            DocumentKind::Boundary => "permissions boundary",
            DocumentKind::Trust => "trust policy",
            DocumentKind::Scp => "service control policy",
            DocumentKind::Rcp => "resource control policy",
            DocumentKind::Resource => "resource-based policy",
            DocumentKind::Session => "session policy",
        }
    }
}

/// One policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// `None` when the JSON had no `Version` (AWS then behaves as `2008-10-17`).
    pub version: Option<Version>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Document {
    /// The version that governs evaluation (absent means `2008-10-17`).
    pub fn effective_version(&self) -> Version {
        self.version.unwrap_or(Version::V2008_10_17)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list of patterns that is either matched (`Action`) or complemented (`NotAction`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Matcher<T> {
    /// `Action`, `Resource`, `Principal`: matches when any entry matches.
    Is(T),
    /// `NotAction`, `NotResource`, `NotPrincipal`: matches when no entry matches.
    Not(T),
}

impl<T> Matcher<T> {
    pub fn inner(&self) -> &T {
        match self {
            Matcher::Is(t) | Matcher::Not(t) => t,
        }
    }

    pub fn is_negated(&self) -> bool {
        matches!(self, Matcher::Not(_))
    }
}

/// The principals of a `Principal` / `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Principals {
    /// `"Principal": "*"` (which is not quite the same as `{"AWS": "*"}` in trust policies).
    pub any: bool,
    /// `AWS`: account ids, `arn:aws:iam::ACCOUNT:root`, user, role and session ARNs, `*`.
    pub aws: Vec<String>,
    /// `Service`: `ec2.amazonaws.com`, ...
    pub service: Vec<String>,
    /// `Federated`: an identity provider ARN or name (`cognito-identity.amazonaws.com`).
    pub federated: Vec<String>,
    /// `CanonicalUser`: S3 canonical user ids.
    pub canonical_user: Vec<String>,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`; `None` in identity policies, boundaries, SCPs.
    pub principal: Option<Matcher<Principals>>,
    /// `Action` or `NotAction`: `service:Name` patterns with `*` and `?`, or `*`.
    pub action: Matcher<Vec<String>>,
    /// `Resource` or `NotResource`; `None` in trust policies.
    pub resource: Option<Matcher<Vec<String>>>,
    /// Every condition must hold (AND). Order is kept as written; the emitter groups by
    /// operator and key.
    pub conditions: Vec<Condition>,
}

/// One `operator: { key: [values] }` entry of a `Condition` block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Condition {
    pub operator: Operator,
    /// The condition key as written (IAM compares key names case-insensitively).
    pub key: String,
    /// Alternatives (OR; NOR for negated operators).
    pub values: Vec<String>,
}

/// A full condition operator: set qualifier + base operator + `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl Operator {
    pub fn plain(base: BaseOperator) -> Operator {
        Operator {
            set: None,
            base,
            if_exists: false,
        }
    }

    pub fn if_exists(self) -> Operator {
        Operator {
            if_exists: true,
            ..self
        }
    }

    pub fn with_set(self, set: SetQualifier) -> Operator {
        Operator {
            set: Some(set),
            ..self
        }
    }

    /// Parses `ForAnyValue:StringLikeIfExists` and the like. Operator names are matched
    /// exactly as AWS spells them.
    pub fn parse(text: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, text)
        };
        let (base, if_exists) = match BaseOperator::parse(rest) {
            Some(b) => (b, false),
            None => {
                let stem = rest.strip_suffix("IfExists")?;
                let b = BaseOperator::parse(stem)?;
                if b == BaseOperator::Null {
                    // AWS: Null cannot be combined with IfExists.
                    return None;
                }
                (b, true)
            }
        };
        Some(Operator {
            set,
            base,
            if_exists,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = self.set {
            f.write_str(set.as_str())?;
            f.write_str(":")?;
        }
        f.write_str(self.base.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

impl SetQualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

macro_rules! base_operators {
    ($($name:ident),* $(,)?) => {
        /// Every base condition operator AWS documents.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum BaseOperator {
            $($name,)*
        }

        impl BaseOperator {
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$name,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(BaseOperator::$name => stringify!($name),)*
                }
            }

            pub fn parse(text: &str) -> Option<BaseOperator> {
                match text {
                    $(stringify!($name) => Some(BaseOperator::$name),)*
                    _ => None,
                }
            }
        }
    };
}

base_operators! {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The family of an operator: what kind of value it compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOperator {
    pub fn family(self) -> OperatorFamily {
        use BaseOperator::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Negated operators hold when the key matches none of the values, and hold on an
    /// absent key (IAM User Guide, "Condition operators").
    pub fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive test a negated operator complements, value by value
    /// (`StringNotEquals` -> `StringEquals`); a positive operator is its own.
    pub fn positive(self) -> BaseOperator {
        use BaseOperator::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether policy variables in the values are expanded (string and ARN operators only;
    /// IAM User Guide, "Policy variables").
    pub fn takes_variables(self) -> bool {
        matches!(self.family(), OperatorFamily::String | OperatorFamily::Arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for name in [
            "StringEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotEqualsIfExists",
            "BoolIfExists",
            "Null",
            "ArnNotLikeIfExists",
        ] {
            let op = Operator::parse(name).map(|o| o.to_string());
            assert_eq!(op.as_deref(), Some(name));
        }
        assert_eq!(Operator::parse("NullIfExists"), None);
        assert_eq!(Operator::parse("ForAnyValues:StringLike"), None);
        assert_eq!(Operator::parse("stringequals"), None);
    }
}

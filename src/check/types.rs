//! Types and compile-time values, and the coercions between them.
//!
//! A value is what an expression evaluates to after names are replaced and ARN literals
//! interpolated. Checking a value against a declared type may refine it: a string of 12
//! digits becomes an `AccountId`, a service prefix in action position becomes `svc:*`.

use crate::check::ir::{Piece, PrincipalValue};
use crate::policy::values;
use crate::resolve::names::DefId;
use crate::source::Span;
use std::fmt;

/// A type of the language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Action,
    ActionPattern,
    Arn,
    ArnPattern,
    Service,
    AccountId,
    String,
    Bool,
    Number,
    Date,
    Ip,
    Cidr,
    Principal,
    /// An access level of the Service Authorization Reference (`"Read"`,
    /// `"Permissions management"`), written as a string.
    AccessLevel,
    List(Box<Ty>),
}

impl Ty {
    /// How a value of this type is written, for the help line of a type mismatch.
    pub fn how_written(&self) -> String {
        match self {
            Ty::Action => "an `Action` is a service prefix and an action name: `s3:GetObject`".into(),
            Ty::ActionPattern => "an `ActionPattern` is an action, or one with `*`/`?`: `s3:Get*`, `iam:*`, `*`".into(),
            Ty::Arn => "an `Arn` is an ARN literal without wildcards: `arn\"arn:aws:iam::111122223333:role/app\"`".into(),
            Ty::ArnPattern => "an `ArnPattern` is an ARN literal, wildcards allowed: `arn\"arn:aws:s3:::bucket/*\"`, or `*`".into(),
            Ty::Service => "a `Service` is a service prefix written bare: `s3`, `ec2`".into(),
            Ty::AccountId => "an `AccountId` is a string of 12 digits: `\"111122223333\"`".into(),
            Ty::String => "a `String` is text in double quotes: `\"text\"`".into(),
            Ty::Bool => "a `Bool` is `true` or `false`".into(),
            Ty::Number => "a `Number` is written as digits: `42`, `-1.5`".into(),
            Ty::Date => "a `Date` is a date literal: `date\"2026-01-01T00:00:00Z\"`".into(),
            Ty::Ip => "an `Ip` is an address literal: `ip\"10.1.2.3\"`".into(),
            Ty::Cidr => "a `Cidr` is a range literal: `cidr\"10.0.0.0/8\"`".into(),
            Ty::Principal => "a `Principal` is `*`, `account(...)`, `service(...)`, `federated(...)`, `canonical(...)` or an ARN".into(),
            Ty::AccessLevel => "an `AccessLevel` is one of \"List\", \"Read\", \"Write\", \"Permissions management\", \"Tagging\"".into(),
            Ty::List(inner) => format!("a `{self}` is one value or a list `[a, b]` of them, where {}", inner.how_written()),
        }
    }

    /// The type named by a simple type name.
    pub fn named(name: &str) -> Option<Ty> {
        Some(match name {
            "Action" => Ty::Action,
            "ActionPattern" => Ty::ActionPattern,
            "Arn" => Ty::Arn,
            "ArnPattern" => Ty::ArnPattern,
            "Service" => Ty::Service,
            "AccountId" => Ty::AccountId,
            "String" => Ty::String,
            "Bool" => Ty::Bool,
            "Number" => Ty::Number,
            "Date" => Ty::Date,
            "Ip" => Ty::Ip,
            "Cidr" => Ty::Cidr,
            "Principal" => Ty::Principal,
            "AccessLevel" => Ty::AccessLevel,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &[
        "Action",
        "ActionPattern",
        "Arn",
        "ArnPattern",
        "Service",
        "AccountId",
        "String",
        "Bool",
        "Number",
        "Date",
        "Ip",
        "Cidr",
        "Principal",
        "AccessLevel",
        "List",
    ];

    /// Whether a bare unknown name may stand for a service prefix where this type is wanted.
    pub fn accepts_service_names(&self) -> bool {
        match self {
            Ty::Service | Ty::ActionPattern => true,
            Ty::List(t) => t.accepts_service_names(),
            _ => false,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::List(t) => write!(f, "List<{t}>"),
            other => f.write_str(match other {
                Ty::Action => "Action",
                Ty::ActionPattern => "ActionPattern",
                Ty::Arn => "Arn",
                Ty::ArnPattern => "ArnPattern",
                Ty::Service => "Service",
                Ty::AccountId => "AccountId",
                Ty::String => "String",
                Ty::Bool => "Bool",
                Ty::Number => "Number",
                Ty::Date => "Date",
                Ty::Ip => "Ip",
                Ty::Cidr => "Cidr",
                Ty::Principal => "Principal",
                Ty::AccessLevel => "AccessLevel",
                Ty::List(_) => "List",
            }),
        }
    }
}

/// A compile-time value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// A string; `AccountId` values are strings of 12 digits.
    Str(String),
    Num(String),
    Bool(bool),
    /// ARN text (may hold `*`, `?` and `${...}` policy variables).
    Arn(String),
    /// An action or action pattern `svc:Name`.
    Action(String),
    /// A service prefix (`ec2`).
    Service(String),
    /// `*` on its own.
    Wildcard,
    Ip(String),
    Cidr(String),
    Date(String),
    Principal(PrincipalValue),
    List(Vec<SVal>),
    /// A template parameter while the template is checked at its definition: any value of
    /// the type. Never reaches the IR of a document.
    Sym(Ty),
}

/// A value with the span of the expression that produced it, and which parts of its text
/// came from named values (constants, template parameters, `env.NAME`), outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SVal {
    pub val: Val,
    pub span: Span,
    pub pieces: Vec<Piece>,
}

impl SVal {
    pub fn new(val: Val, span: Span) -> SVal {
        SVal {
            val,
            span,
            pieces: Vec::new(),
        }
    }

    /// The value, now known to come (entirely) from the named value `def`: each scalar
    /// gets a piece covering its whole text, in front of the pieces it already has.
    pub fn attributed(mut self, def: DefId) -> SVal {
        match &mut self.val {
            Val::List(items) => {
                let items = std::mem::take(items);
                self.val = Val::List(items.into_iter().map(|i| i.attributed(def)).collect());
            }
            val => {
                if let Some(text) = val.text() {
                    let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
                    self.pieces.insert(0, Piece { start: 0, end, def });
                }
            }
        }
        self
    }

    /// The pieces of this value placed where its text lies in `text` (a text built from
    /// it: `svc:*` from a service, an account's root ARN from an account id); none when
    /// it does not occur there.
    pub fn pieces_in(&self, text: &str) -> Vec<Piece> {
        let at = self
            .val
            .text()
            .and_then(|own| text.find(own.as_str()))
            .and_then(|at| u32::try_from(at).ok());
        match at {
            Some(at) => shifted(&self.pieces, at),
            None => Vec::new(),
        }
    }

    /// The value and, for lists, every element, flattened (lists nest freely).
    pub fn flatten(&self) -> Vec<SVal> {
        let mut out = Vec::new();
        self.flatten_into(&mut out);
        out
    }

    fn flatten_into(&self, out: &mut Vec<SVal>) {
        match &self.val {
            Val::List(items) => items.iter().for_each(|i| i.flatten_into(out)),
            Val::Sym(Ty::List(inner)) => {
                SVal::new(Val::Sym(inner.as_ref().clone()), self.span).flatten_into(out)
            }
            _ => out.push(self.clone()),
        }
    }
}

impl Val {
    /// A short description of the value's type for messages.
    pub fn describe(&self) -> String {
        match self {
            Val::Str(_) => "String".into(),
            Val::Num(_) => "Number".into(),
            Val::Bool(_) => "Bool".into(),
            Val::Arn(t) if has_wildcard(t) => "ArnPattern".into(),
            Val::Arn(_) => "Arn".into(),
            Val::Action(t) if has_wildcard(t) => "ActionPattern".into(),
            Val::Action(_) => "Action".into(),
            Val::Service(_) => "Service".into(),
            Val::Wildcard => "`*`".into(),
            Val::Ip(_) => "Ip".into(),
            Val::Cidr(_) => "Cidr".into(),
            Val::Date(_) => "Date".into(),
            Val::Principal(_) => "Principal".into(),
            Val::List(items) => match items.first() {
                Some(first) => format!("List<{}>", first.val.describe()),
                None => "List".into(),
            },
            Val::Sym(t) => t.to_string(),
        }
    }

    /// The text a scalar value contributes to an ARN interpolation or a condition value.
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Str(s)
            | Val::Num(s)
            | Val::Arn(s)
            | Val::Action(s)
            | Val::Service(s)
            | Val::Ip(s)
            | Val::Cidr(s)
            | Val::Date(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            Val::Wildcard => Some("*".into()),
            Val::Principal(_) | Val::List(_) | Val::Sym(_) => None,
        }
    }

    /// Whether the value is a list, or a symbolic value of a list type.
    pub fn is_list(&self) -> bool {
        matches!(self, Val::List(_) | Val::Sym(Ty::List(_)))
    }
}

/// Pieces moved `by` bytes to the right.
pub fn shifted(pieces: &[Piece], by: u32) -> Vec<Piece> {
    pieces
        .iter()
        .map(|p| Piece {
            start: p.start.saturating_add(by),
            end: p.end.saturating_add(by),
            def: p.def,
        })
        .collect()
}

/// Whether some value of type `from` may be accepted where `to` is wanted. For symbolic
/// values: `false` means every value of `from` is rejected, so the error does not depend
/// on the arguments of a template and can be reported at its definition.
pub fn may_conform(from: &Ty, to: &Ty) -> bool {
    use Ty as T;
    match (from, to) {
        (T::List(a), T::List(b)) => may_conform(a, b),
        (T::List(_), _) | (_, T::List(_)) => false,
        (a, b) if a == b => true,
        (
            T::String,
            T::AccountId
            | T::Service
            | T::Arn
            | T::ArnPattern
            | T::Date
            | T::Principal
            | T::AccessLevel,
        ) => true,
        (T::AccountId, T::String | T::Principal) => true,
        (T::Service, T::ActionPattern) => true,
        (T::Action, T::ActionPattern) => true,
        (T::ActionPattern, T::Action) => true,
        (T::Arn, T::ArnPattern | T::Principal) => true,
        (T::ArnPattern, T::Arn | T::Principal) => true,
        (T::Ip, T::Cidr) => true,
        _ => false,
    }
}

/// `*` or `?` outside policy variables.
pub fn has_wildcard(text: &str) -> bool {
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            '*' | '?' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

pub fn has_policy_variable(text: &str) -> bool {
    text.contains("${")
}

/// A service prefix as AWS spells them: a lowercase letter, then lowercase letters,
/// digits and `-` (`s3`, `ec2`, `route53-recovery-control-config`).
pub fn is_service_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Why a value does not have a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Wrong kind of value altogether.
    Type { expected: Ty, found: String },
    /// Right kind, bad content (an account id of 11 digits, a wildcard where none may be).
    Content {
        expected: Ty,
        why: String,
        /// The value's text, when it has one (for the message).
        text: Option<String>,
    },
}

/// Checks `v` against `ty`, refining it (see the module docs). The refined value keeps the
/// pieces of `v` where its text still shows them.
pub fn conform(v: &SVal, ty: &Ty) -> Result<SVal, (Span, Mismatch)> {
    let mut out = conform_value(v, ty)?;
    if !v.pieces.is_empty() {
        if let Some(text) = out.val.text() {
            out.pieces = v.pieces_in(&text);
        }
    }
    Ok(out)
}

fn conform_value(v: &SVal, ty: &Ty) -> Result<SVal, (Span, Mismatch)> {
    let bad = |found: &Val| {
        Err((
            v.span,
            Mismatch::Type {
                expected: ty.clone(),
                found: found.describe(),
            },
        ))
    };
    let content = |why: &str| {
        Err((
            v.span,
            Mismatch::Content {
                expected: ty.clone(),
                why: why.to_string(),
                text: v.val.text(),
            },
        ))
    };
    let ok = |val: Val| Ok(SVal::new(val, v.span));
    match (ty, &v.val) {
        (_, Val::Sym(from)) => {
            if may_conform(from, ty) {
                ok(Val::Sym(ty.clone()))
            } else {
                Err((
                    v.span,
                    Mismatch::Type {
                        expected: ty.clone(),
                        found: from.to_string(),
                    },
                ))
            }
        }
        (Ty::List(inner), Val::List(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(conform(i, inner)?);
            }
            ok(Val::List(out))
        }
        (Ty::List(_), other) => bad(other),
        (_, Val::List(_)) => bad(&v.val),
        (Ty::String, Val::Str(s)) => ok(Val::Str(s.clone())),
        (Ty::AccountId, Val::Str(s)) => {
            if is_account_id(s) || s.starts_with("${") {
                ok(Val::Str(s.clone()))
            } else {
                content("an account id is 12 digits")
            }
        }
        (Ty::Service, Val::Service(s)) => ok(Val::Service(s.clone())),
        (Ty::Service, Val::Str(s)) if is_service_name(s) => ok(Val::Service(s.clone())),
        (Ty::Service, Val::Str(_)) => {
            content("a service prefix is a lowercase letter, then lowercase letters, digits and `-` (`s3`, `ec2`)")
        }
        (Ty::Action, Val::Action(a)) => {
            if has_wildcard(a) {
                content(
                    "an `Action` has no wildcards; declare the type `ActionPattern` to allow them",
                )
            } else {
                ok(Val::Action(a.clone()))
            }
        }
        (Ty::ActionPattern, Val::Action(a)) => ok(Val::Action(a.clone())),
        (Ty::ActionPattern, Val::Wildcard) => ok(Val::Action("*".into())),
        (Ty::ActionPattern, Val::Service(s)) => ok(Val::Action(format!("{s}:*"))),
        (Ty::Arn, Val::Arn(a)) => {
            if has_wildcard(a) {
                content("an `Arn` has no wildcards; declare the type `ArnPattern` to allow them")
            } else {
                ok(Val::Arn(a.clone()))
            }
        }
        (Ty::Arn | Ty::ArnPattern, Val::Str(s)) if s.starts_with("arn:") => {
            conform(&SVal::new(Val::Arn(s.clone()), v.span), ty)
        }
        (Ty::ArnPattern, Val::Arn(a)) => ok(Val::Arn(a.clone())),
        (Ty::ArnPattern, Val::Wildcard) => ok(Val::Arn("*".into())),
        (Ty::Bool, Val::Bool(b)) => ok(Val::Bool(*b)),
        (Ty::Number, Val::Num(n)) => ok(Val::Num(n.clone())),
        (Ty::Date, Val::Date(d)) => ok(Val::Date(d.clone())),
        (Ty::Date, Val::Str(s)) => {
            if values::is_date(s) {
                ok(Val::Date(s.clone()))
            } else {
                content("a date is ISO 8601, like `2026-01-01T00:00:00Z`")
            }
        }
        (Ty::Ip, Val::Ip(s)) => ok(Val::Ip(s.clone())),
        (Ty::Cidr, Val::Cidr(s) | Val::Ip(s)) => ok(Val::Cidr(s.clone())),
        (Ty::AccessLevel, Val::Str(s)) => match super::builtins::level_named(s) {
            Some(l) => ok(Val::Str(l.as_str().to_string())),
            None => content(
                "an access level is one of \"List\", \"Read\", \"Write\", \"Permissions management\", \"Tagging\"",
            ),
        },
        (Ty::Principal, Val::Principal(p)) => ok(Val::Principal(p.clone())),
        (Ty::Principal, Val::Wildcard) => ok(Val::Principal(PrincipalValue::Any)),
        (Ty::Principal, Val::Arn(a)) => ok(Val::Principal(PrincipalValue::Aws(a.clone()))),
        (Ty::Principal, Val::Str(s)) if is_account_id(s) => {
            ok(Val::Principal(PrincipalValue::Aws(account_root(s))))
        }
        (_, other) => bad(other),
    }
}

/// The ARN that means "this account" in a principal.
pub fn account_root(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

pub fn is_number(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_shapes() {
        assert!(is_number("-1.5"));
        assert!(!is_number("1e5"));
        assert!(has_wildcard("arn:aws:s3:::b/*"));
        assert!(!has_wildcard(
            "arn:aws:iam::*:user/${aws:username}"
                .replace('*', "1")
                .as_str()
        ));
        assert!(!has_wildcard("${*}"));
    }

    #[test]
    fn conform_refines_values() {
        let s = Span::default();
        let svc = SVal::new(Val::Service("ec2".into()), s);
        assert_eq!(
            conform(&svc, &Ty::ActionPattern).map(|v| v.val),
            Ok(Val::Action("ec2:*".into()))
        );
        let bad = SVal::new(Val::Str("1234".into()), s);
        assert!(matches!(
            conform(&bad, &Ty::AccountId),
            Err((_, Mismatch::Content { .. }))
        ));
        let list = SVal::new(Val::List(vec![svc]), s);
        assert!(conform(&list, &Ty::List(Box::new(Ty::Service))).is_ok());
        assert!(conform(&list, &Ty::Service).is_err());
    }
}

//! ARN literals: `{name}` parts interpolated, the result checked for an ARN's shape and a
//! plausible account.

use super::ir::Piece;
use super::types::{self, SVal, Ty, Val};
use super::{Checker, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

/// An ARN literal's text and which parts of it came from named values, or (with a
/// symbolic part) only its type.
pub(super) enum ArnText {
    Known(String, Vec<Piece>),
    Sym(Ty),
}

/// What `{name}` parts are interpolated into.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Into {
    Arn,
    String,
}

impl Checker<'_, '_> {
    /// Builds an ARN literal's text, substituting `{name}` parts, and checks it is an ARN.
    pub(super) fn interpolate(
        &mut self,
        lit: &ast::ArnLit,
        span: Span,
        scope: Scope<'_>,
    ) -> Option<ArnText> {
        let (text, pieces) = match self.interpolate_parts(lit, scope, Into::Arn)? {
            ArnText::Known(text, pieces) => (text, pieces),
            // The text is only known at a use; so is whether it is an ARN.
            sym @ ArnText::Sym(_) => return Some(sym),
        };
        if text != "*" && !arn_shape_ok(&text) {
            self.err(
                Diagnostic::new(Code::E0319, span, format!("`{text}` is not an ARN"))
                    .with_help("an ARN is `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (six parts separated by `:`)"),
            );
            return None;
        }
        if let Some(account) = bad_arn_account(&text) {
            self.err(
                Diagnostic::new(
                    Code::E0319,
                    span,
                    format!("the account `{account}` in `{text}` is not a 12-digit account id"),
                )
                .with_help("the fifth part of an ARN is a 12-digit account id (no dashes), `*`, or empty (S3 buckets, public AMIs); AWS-managed policies use `aws`"),
            );
            return None;
        }
        Some(ArnText::Known(text, pieces))
    }

    /// The text of an ARN literal or interpolated string with its `{name}` parts
    /// substituted, and which parts came from named values; with a symbolic part (a
    /// template parameter at its definition), only the type: `ArnPattern` or `Arn` for an
    /// ARN (by its wildcards), `String` for a string.
    pub(super) fn interpolate_parts(
        &mut self,
        lit: &ast::ArnLit,
        scope: Scope<'_>,
        into: Into,
    ) -> Option<ArnText> {
        let mut text = String::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut ok = true;
        let mut symbolic = false;
        let what = match into {
            Into::Arn => "an ARN",
            Into::String => "a string",
        };
        for part in &lit.parts {
            match part {
                ast::ArnPart::Text(t) => text.push_str(&t.node),
                ast::ArnPart::PolicyVar(v) => text.push_str(&v.node),
                ast::ArnPart::Interp(path) => match self.eval_name(path, scope, None) {
                    Some(SVal {
                        val: Val::Sym(ty), ..
                    }) if !matches!(ty, Ty::Principal | Ty::List(_)) => symbolic = true,
                    Some(v) => match v.val.text() {
                        Some(t) if !matches!(v.val, Val::Principal(_) | Val::List(_)) => {
                            let at = u32::try_from(text.len()).unwrap_or(u32::MAX);
                            pieces.extend(types::shifted(&v.pieces, at));
                            text.push_str(&t)
                        }
                        _ => {
                            self.err(
                                Diagnostic::new(
                                    Code::E0301,
                                    path.span,
                                    format!(
                                        "`{}` is a `{}`, which cannot be part of {what}",
                                        path.dotted(),
                                        v.val.describe()
                                    ),
                                )
                                .with_help(
                                    "interpolate a single string, number, account id, service or ARN",
                                ),
                            );
                            ok = false;
                        }
                    },
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        if symbolic {
            return Some(ArnText::Sym(match into {
                Into::Arn if types::has_wildcard(&text) => Ty::ArnPattern,
                Into::Arn => Ty::Arn,
                Into::String => Ty::String,
            }));
        }
        Some(ArnText::Known(text, pieces))
    }
}

/// `arn:partition:service:region:account:resource`: at least six `:`-separated parts
/// (the resource part may hold more `:`), starting with `arn`.
fn arn_shape_ok(text: &str) -> bool {
    let mut parts = text.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next().is_some()
        && parts.next().is_some()
        && parts.next().is_some_and(|p| !p.is_empty())
}

/// The account part of an ARN when it cannot be one: not empty, `aws` (managed policies),
/// `cloudfront` (origin access identities), 12 digits, or a pattern or policy variable that may stand for them.
fn bad_arn_account(text: &str) -> Option<&str> {
    let account = text.split(':').nth(4)?;
    if account.is_empty()
        || account == "aws"
        || account == "cloudfront"
        || types::is_account_id(account)
        || types::has_policy_variable(account)
    {
        return None;
    }
    if types::has_wildcard(account) {
        // `*`, `1111????3333`: fine when it can still be 12 digits.
        let fixed = account.chars().filter(|&c| c != '*').count();
        let digits_only = account
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '?');
        let fits = if account.contains('*') {
            fixed <= 12
        } else {
            fixed == 12
        };
        return (!(digits_only && fits)).then_some(account);
    }
    Some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_accounts() {
        assert_eq!(bad_arn_account("arn:aws:s3:::b/*"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            None
        );
        assert_eq!(bad_arn_account("arn:aws:iam::*:role/x"), None);
        assert_eq!(bad_arn_account("arn:aws:iam::1111222233??:role/x"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::${aws:PrincipalAccount}:role/x"),
            None
        );
        assert_eq!(bad_arn_account("arn:aws:ec2:eu-west-1::image/ami-1"), None);
        assert_eq!(
            bad_arn_account("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"),
            None
        );
        assert_eq!(
            bad_arn_account("arn:aws:ec2:eu-west-1:12345:instance/*"),
            Some("12345")
        );
        assert_eq!(
            bad_arn_account("arn:aws:iam::1111-2222-3333:role/x"),
            Some("1111-2222-3333")
        );
        assert_eq!(bad_arn_account("arn:aws:iam::111?:role/x"), Some("111?"));
    }

    #[test]
    fn arn_shapes() {
        assert!(arn_shape_ok("arn:aws:s3:::bucket/*"));
        assert!(arn_shape_ok("arn:aws:iam::*:user/${aws:username}"));
        assert!(!arn_shape_ok("arn:aws::s3"));
        assert!(!arn_shape_ok("arn:aws:s3:::"));
        assert!(!arn_shape_ok("s3:::b"));
    }
}

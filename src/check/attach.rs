//! `resource Name on ARN { ... }`: the resource a resource policy is attached to, read
//! into [`ir::ResourceTarget`] for the deployable targets (E0608).
//!
//! The ARN says both which kind of resource it is and which one: an S3 bucket
//! (`arn:aws:s3:::NAME`), an SQS queue or SNS topic (`arn:aws:sqs:REGION:ACCOUNT:NAME`),
//! or a KMS key named by its alias (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`; a key id
//! only exists once AWS has created the key, so the template creates the key and its
//! alias). Its parts keep their provenance, so an account from the environment can
//! become the deployed account's (`${AWS::AccountId}`) like any other value.

use super::ir::{self, TargetKind};
use super::types::{conform, Ty};
use super::{Checker, Scope};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Spanned;
use crate::syntax::ast;

impl Checker<'_, '_> {
    /// The target of a document declaration, if it names one and it is usable.
    pub(super) fn resource_target(
        &mut self,
        module: usize,
        d: &ast::DocumentDecl,
    ) -> Option<ir::ResourceTarget> {
        let e = d.target.as_ref()?;
        let v = self.eval_expr(e, Scope::of(module), Some(&Ty::Arn))?;
        if d.keyword.node != ast::DocumentKeyword::Resource {
            self.err(
                Diagnostic::new(
                    Code::E0608,
                    e.span,
                    format!(
                        "a `{}` declaration is not attached to a resource",
                        d.keyword.node.as_str()
                    ),
                )
                .with_help("only `resource` declarations take `on ARN`: the bucket, queue, topic or key the policy is for"),
            );
            return None;
        }
        let v = match conform(&v, &Ty::Arn) {
            Ok(v) => v,
            Err(m) => {
                self.mismatch(m);
                return None;
            }
        };
        let arn = v.val.text()?;
        match classify(&arn) {
            Ok(kind) => Some(ir::ResourceTarget {
                kind,
                arn: Spanned::new(arn, v.span),
                pieces: v.pieces,
            }),
            Err(help) => {
                self.err(
                    Diagnostic::new(
                        Code::E0608,
                        v.span,
                        format!("`{arn}` is not a resource iamc can attach a policy to"),
                    )
                    .with_help(help),
                );
                None
            }
        }
    }
}

/// The kind of resource an ARN names, or why it cannot carry a deployed resource policy.
pub fn classify(arn: &str) -> Result<TargetKind, String> {
    if arn.contains("${") {
        return Err(
            "policy variables have no value when a template is deployed; name one resource".into(),
        );
    }
    let Some(["arn", partition, service, region, account, name]) = arn_fields(arn) else {
        return Err(
            "an ARN has six fields: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`".into(),
        );
    };
    let regional = !region.is_empty() && !account.is_empty();
    let plain = !name.is_empty() && !name.contains([':', '/']);
    match service {
        _ if partition.is_empty() => Err("the ARN has no partition (`aws`)".into()),
        "s3" if region.is_empty() && account.is_empty() && plain => Ok(TargetKind::S3Bucket),
        "s3" => Err(format!(
            "a bucket policy is attached to a bucket: `arn:{partition}:s3:::BUCKET`"
        )),
        "sqs" if regional && plain => Ok(TargetKind::SqsQueue),
        "sns" if regional && plain => Ok(TargetKind::SnsTopic),
        "sqs" | "sns" => Err(format!(
            "name one {}: `arn:{partition}:{service}:REGION:ACCOUNT:NAME`",
            if service == "sqs" { "queue" } else { "topic" }
        )),
        "kms" if regional && name.strip_prefix("alias/").is_some_and(|a| !a.is_empty()) => {
            Ok(TargetKind::KmsKey)
        }
        "kms" => Err(format!(
            "AWS gives a key its id when it creates it: name the key by an alias, `arn:{partition}:kms:REGION:ACCOUNT:alias/NAME`, and the template creates the key"
        )),
        _ => Err(format!(
            "`{service}` resources are not supported: policies attach to S3 buckets, SQS queues, SNS topics and KMS keys"
        )),
    }
}

/// The six fields of an ARN (the last one holds the rest, `:` and `/` included).
pub(super) fn arn_fields(arn: &str) -> Option<[&str; 6]> {
    let mut f = arn.splitn(6, ':');
    Some([
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_their_kind() {
        assert_eq!(classify("arn:aws:s3:::b"), Ok(TargetKind::S3Bucket));
        assert_eq!(
            classify("arn:aws:sqs:eu-west-1:123412341234:q"),
            Ok(TargetKind::SqsQueue)
        );
        assert_eq!(
            classify("arn:aws-cn:sns:cn-north-1:123412341234:t"),
            Ok(TargetKind::SnsTopic)
        );
        assert_eq!(
            classify("arn:aws:kms:eu-west-1:123412341234:alias/app"),
            Ok(TargetKind::KmsKey)
        );
        for bad in [
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/key",
            "arn:aws:sqs:::q",
            "arn:aws:kms:eu-west-1:123412341234:key/1234",
            "arn:aws:kms:eu-west-1:123412341234:alias/",
            "arn:aws:iam::123412341234:role/r",
            "arn:aws:s3:::${aws:username}",
            "arn:aws:s3",
            "arn::s3:::b",
        ] {
            assert!(classify(bad).is_err(), "{bad}");
        }
    }
}

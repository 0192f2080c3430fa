//! The resource a resource policy is attached to, written for a target: the bucket name,
//! the queue URL, the topic ARN, the key alias, each cut into segments so that an account
//! or region from the environment becomes the deployed one.

use super::subst::{self, Pseudo, Seg, Subst};
use crate::analysis::{ResourceTarget, TargetKind};

/// The byte offset where field `n` (0-based) of an ARN starts.
fn field_start(arn: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    arn.match_indices(':').nth(n - 1).map(|(i, _)| i + 1)
}

/// The byte range of field `n` of an ARN (the last field runs to the end).
fn field(arn: &str, n: usize) -> Option<std::ops::Range<usize>> {
    let start = field_start(arn, n)?;
    let end = if n >= 5 {
        arn.len()
    } else {
        field_start(arn, n + 1)?.saturating_sub(1)
    };
    Some(start..end)
}

/// What a template writes for the target: for S3 the bucket name, for SQS the queue URL,
/// for SNS the topic ARN, for KMS the alias (`alias/NAME`).
pub fn value(target: &ResourceTarget, subst: &Subst) -> Option<Vec<Seg>> {
    let arn = target.arn.node.as_str();
    let segs = subst::segments(arn, &target.pieces, subst);
    let value = match target.kind {
        TargetKind::S3Bucket | TargetKind::KmsKey => subst::slice(&segs, field(arn, 5)?),
        TargetKind::SnsTopic => segs,
        TargetKind::SqsQueue => {
            let partition = arn.get(field(arn, 1)?)?;
            let suffix = if partition == "aws-cn" {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            let mut url = vec![Seg::Lit("https://sqs.".into())];
            url.extend(subst::slice(&segs, field(arn, 3)?));
            url.push(Seg::Lit(".".into()));
            url.push(Seg::Pseudo(Pseudo::UrlSuffix, suffix.into()));
            url.push(Seg::Lit("/".into()));
            url.extend(subst::slice(&segs, field(arn, 4)?));
            url.push(Seg::Lit("/".into()));
            url.extend(subst::slice(&segs, field(arn, 5)?));
            url
        }
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Spanned;

    fn target(kind: TargetKind, arn: &str) -> ResourceTarget {
        ResourceTarget {
            kind,
            arn: Spanned::new(arn.to_string(), Default::default()),
            pieces: Vec::new(),
        }
    }

    #[test]
    fn targets_give_names_urls_and_aliases() {
        let s = Subst::default();
        let lit = |t: &ResourceTarget| value(t, &s).map(|v| subst::literal(&v));
        assert_eq!(
            lit(&target(TargetKind::S3Bucket, "arn:aws:s3:::b")).as_deref(),
            Some("b")
        );
        assert_eq!(
            lit(&target(
                TargetKind::SqsQueue,
                "arn:aws:sqs:eu-west-1:123412341234:q"
            ))
            .as_deref(),
            Some("https://sqs.eu-west-1.amazonaws.com/123412341234/q")
        );
        assert_eq!(
            lit(&target(
                TargetKind::SqsQueue,
                "arn:aws-cn:sqs:cn-north-1:123412341234:q"
            ))
            .as_deref(),
            Some("https://sqs.cn-north-1.amazonaws.com.cn/123412341234/q")
        );
        assert_eq!(
            lit(&target(
                TargetKind::KmsKey,
                "arn:aws:kms:eu-west-1:123412341234:alias/app"
            ))
            .as_deref(),
            Some("alias/app")
        );
        assert_eq!(
            lit(&target(
                TargetKind::SnsTopic,
                "arn:aws:sns:eu-west-1:123412341234:t"
            ))
            .as_deref(),
            Some("arn:aws:sns:eu-west-1:123412341234:t")
        );
    }
}

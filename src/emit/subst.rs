//! Which parts of a value the deployed template takes from where it is deployed.
//!
//! A value text of a lowered statement (an ARN, an account id, a condition value) is cut
//! into [`Seg`]ments: literal text, and the parts that become the deployed account, region
//! or partition. The cut follows the analysis's provenance: the bytes that came from the
//! environment constant `[deploy] account` names (directly, or through constants and
//! template parameters) become the account; likewise for `region`; with
//! `[deploy] partition = true`, the `aws` of a value starting `arn:aws:` becomes the
//! partition. A value typed as a literal in the source stays literal even when it happens
//! to equal the environment's account: only provenance decides.
//!
//! Each target writes the segments its own way: CloudFormation as `Fn::Sub` with
//! `${AWS::AccountId}` (and policy variables escaped `${!aws:username}`), Terraform as
//! `${data.aws_caller_identity.current.account_id}` (and `$${aws:username}`).

use crate::analysis::{Analysis, DefId, Piece};

/// A value a deployed template takes from where it is deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pseudo {
    AccountId,
    Region,
    Partition,
    /// `amazonaws.com` (or `amazonaws.com.cn`): only in URLs iamc builds (SQS queues).
    UrlSuffix,
}

/// One part of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Lit(String),
    /// A deployed value, with the text it stands for in this build's environment.
    Pseudo(Pseudo, String),
}

/// What gets replaced: the environment constants that are the deployed account and
/// region (their definitions in the analysis), and whether the partition is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Subst {
    pub account: Option<DefId>,
    pub region: Option<DefId>,
    pub partition: bool,
}

impl Subst {
    fn pseudo_of(&self, def: DefId) -> Option<Pseudo> {
        if self.account == Some(def) {
            Some(Pseudo::AccountId)
        } else if self.region == Some(def) {
            Some(Pseudo::Region)
        } else {
            None
        }
    }
}

/// The segments of `text`, whose provenance is `pieces` (byte ranges into `text`).
pub fn segments(text: &str, pieces: &[Piece], subst: &Subst) -> Vec<Seg> {
    let mut cuts: Vec<(usize, usize, Pseudo)> = pieces
        .iter()
        .filter_map(|p| {
            let kind = subst.pseudo_of(p.def)?;
            Some((p.start as usize, p.end as usize, kind))
        })
        .collect();
    if subst.partition && text.starts_with("arn:aws:") {
        cuts.push((4, 7, Pseudo::Partition));
    }
    cuts.sort();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, kind) in cuts {
        // Nested or overlapping pieces: the first one (outermost, leftmost) wins.
        if start < at || end <= start {
            continue;
        }
        let (Some(before), Some(covered)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        if !before.is_empty() {
            out.push(Seg::Lit(before.to_string()));
        }
        out.push(Seg::Pseudo(kind, covered.to_string()));
        at = end;
    }
    if let Some(rest) = text.get(at..) {
        if !rest.is_empty() || out.is_empty() {
            out.push(Seg::Lit(rest.to_string()));
        }
    }
    out
}

/// Whether any segment is deployed rather than literal.
pub fn has_pseudo(segs: &[Seg]) -> bool {
    segs.iter().any(|s| matches!(s, Seg::Pseudo(..)))
}

/// The text the segments stand for in this build's environment.
pub fn literal(segs: &[Seg]) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Lit(t) | Seg::Pseudo(_, t) => t.as_str(),
        })
        .collect()
}

/// The segments of the part `range` of the text they cut (a deployed part cut in two
/// becomes literal).
pub fn slice(segs: &[Seg], range: std::ops::Range<usize>) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut at = 0;
    for s in segs {
        let text = match s {
            Seg::Lit(t) | Seg::Pseudo(_, t) => t,
        };
        let (start, end) = (at, at + text.len());
        at = end;
        let (from, to) = (start.max(range.start), end.min(range.end));
        if from >= to {
            continue;
        }
        match s {
            Seg::Pseudo(kind, t) if from == start && to == end => {
                out.push(Seg::Pseudo(*kind, t.clone()))
            }
            _ => {
                if let Some(part) = text.get(from - start..to - start) {
                    out.push(Seg::Lit(part.to_string()));
                }
            }
        }
    }
    out
}

/// The segments of the value text `text` of statement `statement` of document `doc`.
pub fn of_value(
    analysis: &Analysis,
    doc: usize,
    statement: usize,
    text: &str,
    subst: &Subst,
) -> Vec<Seg> {
    let pieces = analysis
        .provenance(doc, statement)
        .map(|p| p.pieces(text))
        .unwrap_or(&[]);
    segments(text, pieces, subst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::DefId;

    fn piece(start: u32, end: u32, def: DefId) -> Piece {
        Piece { start, end, def }
    }

    #[test]
    fn provenance_decides_what_is_replaced() {
        let account = DefId::from_index(3);
        let other = DefId::from_index(4);
        let subst = Subst {
            account: Some(account),
            region: None,
            partition: true,
        };
        let text = "arn:aws:iam::123412341234:role/x-123412341234";
        // The outer piece (a constant holding the whole ARN) is not the account; the
        // inner one is. The second occurrence of the digits has no piece: it stays.
        let pieces = [piece(0, 45, other), piece(13, 25, account)];
        assert_eq!(
            segments(text, &pieces, &subst),
            [
                Seg::Lit("arn:".into()),
                Seg::Pseudo(Pseudo::Partition, "aws".into()),
                Seg::Lit(":iam::".into()),
                Seg::Pseudo(Pseudo::AccountId, "123412341234".into()),
                Seg::Lit(":role/x-123412341234".into()),
            ]
        );
        let segs = segments(text, &pieces, &subst);
        assert_eq!(literal(&segs), text);
        assert_eq!(
            slice(&segs, 13..25),
            [Seg::Pseudo(Pseudo::AccountId, "123412341234".into())]
        );
        assert_eq!(slice(&segs, 14..16), [Seg::Lit("23".into())]);
        // Nothing to replace: one literal, even for the empty text.
        assert_eq!(
            segments("", &[], &Subst::default()),
            [Seg::Lit(String::new())]
        );
        assert!(!has_pseudo(&segments(text, &pieces, &Subst::default())));
    }
}

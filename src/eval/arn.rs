//! ARN patterns (IAM User Guide, "IAM identifiers: ARNs" and "IAM JSON policy elements:
//! Resource"): `arn:partition:service:region:account:resource`, compared component by
//! component, case-sensitively. The sixth component is everything after the fifth colon and
//! may itself hold `:` and `/`, so a `*` there crosses them; a `*` in an earlier component
//! stays inside that component. `ArnLike`/`ArnEquals` compare the same way ("Condition
//! operators": "each of the six colon-delimited components of the ARN is checked separately").

use super::glob::{tokens, Glob, Tok};

/// Splits an ARN at its first five colons; `None` when it has fewer than six components.
pub fn split(text: &str) -> Option<[&str; 6]> {
    let mut it = text.splitn(6, ':');
    Some([
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

/// Pattern tokens split at their first five literal colons: six components for an ARN
/// pattern, fewer for text that is not one. The one rule both the engine's matcher and
/// the prover's languages read ARN patterns by.
pub fn components(toks: &[Tok]) -> Vec<Vec<Tok>> {
    let mut comps: Vec<Vec<Tok>> = vec![Vec::new()];
    for t in toks {
        match t {
            Tok::Lit(s) if comps.len() < 6 && s.contains(':') => {
                let mut rest = s.as_str();
                while comps.len() < 6 {
                    let Some((head, tail)) = rest.split_once(':') else {
                        break;
                    };
                    if !head.is_empty() {
                        if let Some(c) = comps.last_mut() {
                            c.push(Tok::Lit(head.to_string()));
                        }
                    }
                    comps.push(Vec::new());
                    rest = tail;
                }
                if !rest.is_empty() {
                    if let Some(c) = comps.last_mut() {
                        c.push(Tok::Lit(rest.to_string()));
                    }
                }
            }
            other => {
                if let Some(c) = comps.last_mut() {
                    c.push(other.clone());
                }
            }
        }
    }
    comps
}

/// A pattern over an ARN (six component globs) or, when the pattern text is not an ARN, a
/// glob over the whole string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArnPattern {
    Arn(Box<[Glob; 6]>),
    Whole(Glob),
    /// Starts with `arn:` but has fewer than six components: a malformed ARN matches
    /// nothing (semantics-pitfalls 17; aws/aws-cli#8650).
    Never,
}

impl ArnPattern {
    pub fn new(text: &str) -> ArnPattern {
        let mut toks = Vec::new();
        tokens(text, &mut toks);
        ArnPattern::from_tokens(&toks)
    }

    /// Splits tokens at the first five literal colons.
    pub fn from_tokens(toks: &[Tok]) -> ArnPattern {
        let comps = components(toks);
        if comps.len() == 6 {
            let g: Vec<Glob> = comps.iter().map(|c| Glob::from_tokens(c, false)).collect();
            if let Ok(arr) = <[Glob; 6]>::try_from(g) {
                return ArnPattern::Arn(Box::new(arr));
            }
        }
        let starts_arn = matches!(toks.first(), Some(Tok::Lit(s)) if s.starts_with("arn:"));
        if starts_arn {
            return ArnPattern::Never;
        }
        ArnPattern::Whole(Glob::from_tokens(toks, false))
    }

    /// Matches a value already split with [`split`] (`parts`) or, for a whole-string
    /// pattern, the text itself. A value that is not an ARN matches no ARN pattern.
    pub fn matches(&self, text: &str, parts: Option<&[&str; 6]>) -> bool {
        match self {
            ArnPattern::Whole(g) => g.matches(text),
            ArnPattern::Never => false,
            ArnPattern::Arn(globs) => match parts {
                Some(p) => globs.iter().zip(p.iter()).all(|(g, c)| g.matches(c)),
                None => false,
            },
        }
    }

    pub fn matches_text(&self, text: &str) -> bool {
        self.matches(text, split(text).as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // IAM User Guide, "IAM JSON policy elements: Resource" (wildcards in ARNs)
    #[test]
    fn components_and_resource_part() {
        let p = ArnPattern::new("arn:aws:s3:::bucket/*");
        assert!(p.matches_text("arn:aws:s3:::bucket/a/b:c"));
        assert!(!p.matches_text("arn:aws:s3:::bucket"));
        let p = ArnPattern::new("arn:aws:lambda:*:123456789012:function:*");
        assert!(p.matches_text("arn:aws:lambda:eu-west-1:123456789012:function:f:live"));
        // `*` in the region stays inside the region
        let p = ArnPattern::new("arn:aws:ec2:*:*:instance/*");
        assert!(p.matches_text("arn:aws:ec2:eu-west-1:123:instance/i-1"));
        assert!(!p.matches_text("arn:aws:ec2:eu:west-1:123:instance/i-1"));
        // too few components: malformed, matches nothing
        let p = ArnPattern::new("arn:aws:ec2:*:instance/*");
        assert!(!p.matches_text("arn:aws:ec2:eu-west-1:123:instance/i-1"));
        let p = ArnPattern::new("arn:aws:s3:::*");
        assert!(p.matches_text("arn:aws:s3:::b"));
        assert!(!p.matches_text("arn:aws:sqs:eu-west-1:1:q"));
        // case-sensitive
        assert!(!ArnPattern::new("arn:aws:s3:::Bucket").matches_text("arn:aws:s3:::bucket"));
        // not an ARN: compared as a whole string
        assert!(ArnPattern::new("*").matches_text("anything"));
        assert!(!ArnPattern::new("arn:aws:s3:::b").matches_text("b"));
        assert_eq!(ArnPattern::new("arn:aws::s3:*"), ArnPattern::Never);
    }
}

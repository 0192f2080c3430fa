//! Case-insensitive wildcard matching for action patterns (`s3:Get*`, `*:Describe?`) and
//! variable-part condition keys (`aws:PrincipalTag/${TagKey}` matches `aws:PrincipalTag/team`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// Exactly one character.
    One,
    /// Any run of characters, possibly empty.
    Many,
}

/// An IAM-style glob: `*` any run, `?` one character, everything else literal; case-insensitive.
#[derive(Clone, Debug)]
pub struct Glob {
    toks: Vec<Tok>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let toks = pattern
            .chars()
            .map(|c| match c {
                '*' => Tok::Many,
                '?' => Tok::One,
                c => Tok::Lit(fold(c)),
            })
            .collect();
        Glob { toks }
    }

    /// A condition key name with variable parts: `${...}`, `<...>` and a final `tag-key`
    /// each match one or more characters; the rest is literal.
    pub fn key(name: &str) -> Glob {
        let mut toks = Vec::new();
        let mut rest = name;
        if let Some(head) = rest.strip_suffix("tag-key").filter(|h| h.ends_with('/')) {
            toks.extend(lits(head));
            toks.push(Tok::One);
            toks.push(Tok::Many);
            return Glob { toks };
        }
        while !rest.is_empty() {
            let var = if rest.starts_with("${") {
                rest.find('}').map(|i| i + 1)
            } else if rest.starts_with('<') {
                rest.find('>').map(|i| i + 1)
            } else {
                None
            };
            match var {
                Some(len) => {
                    toks.push(Tok::One);
                    toks.push(Tok::Many);
                    rest = rest.get(len..).unwrap_or("");
                }
                None => {
                    let mut chars = rest.chars();
                    if let Some(c) = chars.next() {
                        toks.push(Tok::Lit(fold(c)));
                    }
                    rest = chars.as_str();
                }
            }
        }
        Glob { toks }
    }

    /// True when the pattern has any wildcard.
    pub fn is_wild(&self) -> bool {
        self.toks.iter().any(|t| !matches!(t, Tok::Lit(_)))
    }

    /// Whether `text` matches, ignoring ASCII case (the classic two-pointer algorithm).
    pub fn matches(&self, text: &str) -> bool {
        if text.is_ascii() {
            // Catalog names are ASCII: match bytes without allocating.
            let bytes = text.as_bytes();
            return self.matches_with(bytes.len(), |i| {
                bytes.get(i).map(|b| char::from(b.to_ascii_lowercase()))
            });
        }
        let chars: Vec<char> = text.chars().map(fold).collect();
        self.matches_with(chars.len(), |i| chars.get(i).copied())
    }

    fn matches_with(&self, len: usize, at: impl Fn(usize) -> Option<char>) -> bool {
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < len {
            match self.toks.get(p) {
                Some(Tok::Lit(c)) if Some(*c) == at(t) => {
                    p += 1;
                    t += 1;
                }
                Some(Tok::One) => {
                    p += 1;
                    t += 1;
                }
                Some(Tok::Many) => {
                    star = Some((p, t));
                    p += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        self.toks
            .get(p..)
            .unwrap_or(&[])
            .iter()
            .all(|t| *t == Tok::Many)
    }
}

fn lits(s: &str) -> impl Iterator<Item = Tok> + '_ {
    s.chars().map(|c| Tok::Lit(fold(c)))
}

fn fold(c: char) -> char {
    c.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(Glob::new("s3:Get*").matches("s3:GetObject"));
        assert!(Glob::new("S3:get*").matches("s3:GetObject"));
        assert!(Glob::new("*:Describe*").matches("ec2:DescribeImages"));
        assert!(Glob::new("s3:GetObjec?").matches("s3:GetObject"));
        assert!(!Glob::new("s3:GetObjec?").matches("s3:GetObjectAcl"));
        assert!(Glob::new("*").matches(""));
        assert!(Glob::new("a*b*c").matches("aXbYbc"));
        assert!(!Glob::new("a*b*c").matches("aXbYb"));
        assert!(!Glob::new("s3:Get").matches("s3:GetObject"));
    }

    #[test]
    fn key_patterns() {
        let g = Glob::key("aws:PrincipalTag/${TagKey}");
        assert!(g.matches("aws:principaltag/team"));
        assert!(g.matches("aws:PrincipalTag/${TagKey}"));
        assert!(!g.matches("aws:PrincipalTag/"));
        assert!(Glob::key("s3:ExistingObjectTag/<key>").matches("s3:ExistingObjectTag/env"));
        assert!(
            Glob::key("secretsmanager:ResourceTag/tag-key").matches("secretsmanager:ResourceTag/x")
        );
        let g = Glob::key("token.actions.githubusercontent.com/${SubPath}:sub");
        assert!(g.matches("token.actions.githubusercontent.com/a/b:sub"));
        assert!(!g.matches("token.actions.githubusercontent.com:sub"));
        assert!(Glob::key("kms:EncryptionContext:${EncryptionContextKey}")
            .matches("kms:EncryptionContext:aws:pi"));
    }
}

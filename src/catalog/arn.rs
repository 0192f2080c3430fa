//! Does an ARN pattern written by the user fit a resource type's ARN format?
//!
//! Both sides are patterns. The user's side: `*` any run, `?` one character, `${aws:...}`
//! policy variables any non-empty run, the rest literal (ARNs are case-sensitive). The
//! format's side: `${Name}` placeholders are non-empty runs that cannot contain the literal
//! character that follows them in the format (so `${BucketName}` in
//! `arn:${Partition}:s3:::${BucketName}` cannot swallow `/object`, and `${Region}` cannot
//! swallow a `:`); a placeholder at the very end may hold anything (`${ObjectName}`,
//! `${RoleNameWithPath}`, `secret:${SecretId}`), except right after `:::` (an S3 bucket name
//! has no `/`). The answer is whether some ARN matches both: a search over pairs of
//! positions in the two patterns.

use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Lit(char),
    Any,
    AnyBut(char),
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    class: Class,
    /// May match nothing.
    optional: bool,
    /// May match more than one character.
    repeat: bool,
}

fn lit(c: char) -> Tok {
    Tok {
        class: Class::Lit(c),
        optional: false,
        repeat: false,
    }
}

fn user_tokens(arn: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut rest = arn;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                out.push(Tok {
                    class: Class::Any,
                    optional: false,
                    repeat: true,
                });
                rest = rest.get(end + 1..).unwrap_or("");
                continue;
            }
        }
        out.push(match c {
            '*' => Tok {
                class: Class::Any,
                optional: true,
                repeat: true,
            },
            '?' => Tok {
                class: Class::Any,
                optional: false,
                repeat: false,
            },
            c => lit(c),
        });
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

fn format_tokens(format: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let after = rest.get(end + 1..).unwrap_or("");
                let class = match after.chars().next() {
                    Some(next @ ('/' | ':')) => Class::AnyBut(next),
                    // The whole resource part of a region- and account-less ARN (S3
                    // buckets): a name, never a path.
                    None if format.len() >= rest.len() + 3
                        && format
                            .get(..format.len() - rest.len())
                            .is_some_and(|h| h.ends_with(":::")) =>
                    {
                        Class::AnyBut('/')
                    }
                    _ => Class::Any,
                };
                out.push(Tok {
                    class,
                    optional: false,
                    repeat: true,
                });
                rest = after;
                continue;
            }
        }
        out.push(lit(c));
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

fn overlap(a: Class, b: Class) -> bool {
    match (a, b) {
        (Class::Lit(x), Class::Lit(y)) => x == y,
        (Class::Lit(x), Class::AnyBut(y)) | (Class::AnyBut(y), Class::Lit(x)) => x != y,
        _ => true,
    }
}

/// A state in one pattern: before token `i`, or inside token `i` after one character.
type State = (usize, bool);

fn epsilon(toks: &[Tok], (i, inside): State) -> Option<State> {
    let t = toks.get(i)?;
    (inside || t.optional).then_some((i + 1, false))
}

fn step(toks: &[Tok], (i, _): State) -> Option<(Class, State)> {
    let t = toks.get(i)?;
    Some((t.class, if t.repeat { (i, true) } else { (i + 1, false) }))
}

/// Whether some ARN matches both the user's pattern and the format.
pub fn fits(user: &str, format: &str) -> bool {
    let u = user_tokens(user);
    let f = format_tokens(format);
    let mut seen: HashSet<(State, State)> = HashSet::new();
    let mut stack = vec![((0, false), (0, false))];
    while let Some((a, b)) = stack.pop() {
        if !seen.insert((a, b)) {
            continue;
        }
        if a == (u.len(), false) && b == (f.len(), false) {
            return true;
        }
        if let Some(a2) = epsilon(&u, a) {
            stack.push((a2, b));
        }
        if let Some(b2) = epsilon(&f, b) {
            stack.push((a, b2));
        }
        if let (Some((ca, a2)), Some((cb, b2))) = (step(&u, a), step(&f, b)) {
            if overlap(ca, cb) {
                stack.push((a2, b2));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::fits;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn s3() {
        assert!(fits("arn:aws:s3:::b", BUCKET));
        assert!(!fits("arn:aws:s3:::b/*", BUCKET));
        assert!(fits("arn:aws:s3:::b/*", OBJECT));
        assert!(!fits("arn:aws:s3:::b", OBJECT));
        assert!(fits("arn:aws:s3:::*", BUCKET));
        assert!(fits("arn:aws:s3:::*", OBJECT));
        assert!(fits("arn:aws:s3:::b/home/${aws:username}/*", OBJECT));
        assert!(fits("*", BUCKET));
        assert!(!fits("arn:aws:s3:::", BUCKET));
    }

    #[test]
    fn iam() {
        assert!(fits("arn:aws:iam::123456789012:role/app/dev", ROLE));
        assert!(fits("arn:aws:iam::*:role/*", ROLE));
        assert!(!fits("arn:aws:iam::123456789012:user/alice", ROLE));
        assert!(!fits("arn:aws:s3:::b", ROLE));
        assert!(fits("arn:aws:iam::12345678901?:role/x", ROLE));
    }

    #[test]
    fn regions_do_not_swallow_colons() {
        let f = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";
        assert!(fits("arn:aws:ec2:us-east-1:123456789012:instance/i-1", f));
        assert!(fits("arn:aws:ec2:*:*:instance/*", f));
        assert!(!fits("arn:aws:ec2:us-east-1:123456789012:volume/v-1", f));
    }
}

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
    // Most formats a statement's actions bring are another service's: when both service
    // parts are plain text, comparing them answers without the search (see `service_of`).
    if let (Some(a), Some(b)) = (user_service(user), format_service(format)) {
        if a != b {
            return false;
        }
    }
    search(user, format)
}

/// The service part (between the second and third `:`) of a user's ARN pattern whose
/// first three parts are plain text (no `*`, `?` or policy variable).
///
/// Why a mismatch settles it: with plain text before the third `:` on the user's side,
/// and on the format's side plain text or placeholders that each end at a `:` (their
/// class excludes the `:` that follows them, see `format_tokens`), the first three `:` of
/// any ARN matching both are the same characters on both sides, so the service parts
/// must be equal.
fn user_service(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(4, ':');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next()?;
    let plain = |s: &str| !s.contains(['*', '?', '$']);
    (plain(a) && plain(b) && plain(c)).then_some(c)
}

/// The service part of a format whose first three parts are plain text or placeholders
/// that end at a `:` (`arn:${Partition}:s3:::...`).
fn format_service(format: &str) -> Option<&str> {
    let mut parts = format.splitn(4, ':');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next()?;
    let part_ok = |s: &str| {
        !s.contains('$')
            || (s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1)
    };
    (part_ok(a) && part_ok(b) && !c.contains(['$', '{', '}'])).then_some(c)
}

/// The search over pairs of positions in the two patterns.
fn search(user: &str, format: &str) -> bool {
    let u = user_tokens(user);
    let f = format_tokens(format);
    // A state is a position (0..=len) and whether it is inside a token: `2 * i + inside`.
    let index = |(i, inside): State, len: usize| (2 * i + usize::from(inside)).min(2 * len + 1);
    let width = 2 * f.len() + 2;
    let mut seen = vec![false; (2 * u.len() + 2) * width];
    let mut stack = vec![((0, false), (0, false))];
    while let Some((a, b)) = stack.pop() {
        match seen.get_mut(index(a, u.len()) * width + index(b, f.len())) {
            Some(s) if !*s => *s = true,
            _ => continue,
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
    use super::{fits, search};

    /// The shortcut on service parts changes no answer: every catalog format against ARNs
    /// made from a sample of the formats (placeholders filled in) and hand-written ones.
    #[test]
    fn the_service_shortcut_agrees_with_the_search() {
        let cat = crate::catalog::Catalog::embedded();
        let formats: Vec<&str> = (0..cat.resource_count())
            .filter_map(|i| cat.resource_by_id(crate::catalog::ResourceId(i as u32)))
            .flat_map(|r| r.arn_formats())
            .collect();
        let mut arns: Vec<String> = [
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:*:s3:::b",
            "arn:aws:s3*:::x",
            "arn:aws:iam::123412341234:role/x",
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            "arn:aws:kms:*:*:key/*",
            "*",
            "arn:aws:lambda:us-east-1:1:function:f",
            "arn:aws-cn:s3:::b",
            "arn:aws:s3",
            "arn:${aws:x}:s3:::b",
            "arn:aws:sts::1:assumed-role/r/s",
            "arn:aws::::",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for f in formats.iter().step_by(23) {
            let mut filled = String::new();
            let mut rest = *f;
            while let Some((before, after)) = rest.split_once("${") {
                filled.push_str(before);
                filled.push('x');
                rest = after.split_once('}').map_or("", |(_, r)| r);
            }
            filled.push_str(rest);
            arns.push(filled);
        }
        for a in &arns {
            for f in &formats {
                assert_eq!(fits(a, f), search(a, f), "{a} against {f}");
            }
        }
    }

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

//! Policy patterns as regular languages ([`Re`]), mirroring the engine's matching rules
//! exactly (`eval::glob`, `eval::arn`, `eval::compile`), and the domains of the string
//! parts of a request. Tests below compare every translation with the engine's own
//! matcher on generated strings.

use super::automaton::{CharSet, Fold, Re};
use crate::eval::glob::{tokens, Tok};

/// How a glob's wildcards read in one place.
#[derive(Clone, Copy)]
struct Wild<'a> {
    /// Characters `*` and `?` never cover (`:` inside an ARN component).
    stop: &'a [char],
    fold: Fold,
}

fn glob_tokens_re(toks: &[Tok], w: Wild<'_>) -> Re {
    let mut parts = Vec::with_capacity(toks.len());
    for t in toks {
        match t {
            Tok::Lit(s) => parts.push(Re::lit(s, w.fold)),
            Tok::Star => parts.push(Re::run_except(w.stop)),
            Tok::One => parts.push(Re::Set(CharSet::except(w.stop.iter().copied()))),
        }
    }
    Re::Cat(parts)
}

/// A glob (`*`, `?`) over a whole string, as `Glob::new(text, ci)` matches it.
pub fn glob(text: &str, fold: Fold) -> Re {
    let mut toks = Vec::new();
    tokens(text, &mut toks);
    glob_tokens_re(&toks, Wild { stop: &[], fold })
}

/// Glob tokens (from a resolved policy variable template) over a whole string.
pub fn glob_from_tokens(toks: &[Tok], fold: Fold) -> Re {
    glob_tokens_re(toks, Wild { stop: &[], fold })
}

/// An ARN pattern, as `ArnPattern::from_tokens` matches: split at the first five literal
/// colons; a `*` or `?` in the first five components stays inside its component, in the
/// sixth it crosses `:` and `/`; a pattern with fewer than six components is a glob over
/// the whole string, unless it starts with `arn:` (malformed: matches nothing).
///
/// `stop`: characters that no wildcard covers anywhere (the caller encoding's `#`).
pub fn arn_from_tokens(toks: &[Tok], stop: &[char]) -> Re {
    let comps = crate::eval::arn::components(toks);
    if comps.len() == 6 {
        let mut inner_stop: Vec<char> = stop.to_vec();
        inner_stop.push(':');
        let mut parts = Vec::with_capacity(11);
        for (i, c) in comps.iter().enumerate() {
            if i > 0 {
                parts.push(Re::char(':', Fold::None));
            }
            let w = if i < 5 {
                Wild {
                    stop: &inner_stop,
                    fold: Fold::None,
                }
            } else {
                Wild {
                    stop,
                    fold: Fold::None,
                }
            };
            parts.push(glob_tokens_re(c, w));
        }
        return Re::Cat(parts);
    }
    let starts_arn = matches!(toks.first(), Some(Tok::Lit(s)) if s.starts_with("arn:"));
    if starts_arn {
        return Re::Void;
    }
    glob_tokens_re(
        toks,
        Wild {
            stop,
            fold: Fold::None,
        },
    )
}

/// An ARN pattern written as text (no policy variables).
pub fn arn(text: &str) -> Re {
    let mut toks = Vec::new();
    tokens(text, &mut toks);
    arn_from_tokens(&toks, &[])
}

/// Characters of action service prefixes and names (the catalog's, plus `_`).
fn action_word() -> Re {
    Re::plus(CharSet::only(
        ('a'..='z').chain('0'..='9').chain(['-', '_']),
    ))
}

/// Every request action, lowercase: `service:name` (matching ignores ASCII case, so the
/// lowercase strings stand for every spelling).
pub fn action_domain() -> Re {
    Re::Cat(vec![
        action_word(),
        Re::char(':', Fold::None),
        action_word(),
    ])
}

/// An action pattern (`Action`/`NotAction` entry), matched ignoring ASCII case.
pub fn action(pattern: &str) -> Re {
    glob(&pattern.to_ascii_lowercase(), Fold::None)
}

/// Every request resource except `*` itself (which no pattern but `"*"` matches, so it is
/// a class of its own): any non-empty string.
pub fn resource_domain_without_star() -> Re {
    Re::Alt(vec![
        Re::Cat(vec![Re::Set(CharSet::except(['*'])), Re::any_run()]),
        Re::Cat(vec![Re::char('*', Fold::None), Re::plus(CharSet::any())]),
    ])
}

/// A `Resource`/`NotResource` entry (or a property's `on` item) without variables, over
/// resources other than `*`. The entry `"*"` matches every resource.
pub fn resource_entry(text: &str) -> Re {
    if text == "*" {
        Re::any_run()
    } else {
        arn(text)
    }
}

/// Values of an ARN-typed condition key: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
pub fn arn_value_domain() -> Re {
    let comp = || Re::run_except(&[':']);
    let colon = || Re::char(':', Fold::None);
    Re::Cat(vec![
        Re::lit("arn", Fold::None),
        colon(),
        Re::plus(CharSet::except([':'])),
        colon(),
        Re::plus(CharSet::except([':'])),
        colon(),
        comp(),
        colon(),
        comp(),
        colon(),
        Re::plus(CharSet::any()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::arn::ArnPattern;
    use crate::eval::glob::Glob;
    use crate::prove::automaton::Family;

    /// Strings built from the patterns' own pieces, so matches and near misses both occur.
    fn probes(pieces: &[&str], depth: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..depth {
            let mut next = Vec::new();
            for s in &frontier {
                for p in pieces {
                    next.push(format!("{s}{p}"));
                }
            }
            out.extend(next.iter().cloned());
            frontier = next;
        }
        out
    }

    #[test]
    fn arn_patterns_match_like_the_engine() {
        let pats = [
            "arn:aws:s3:::bucket/*",
            "arn:aws:*:*:123:*",
            "arn:aws:s3:::b?",
            "arn:*:iam::*:role/a*",
            "arn:aws:ec2:*:instance/*",
            "*",
            "b*",
            "arn:aws:s3:::*:x",
            "arn:a?s:s3:::*",
        ];
        let langs: Vec<Re> = pats.iter().map(|p| resource_entry(p)).collect();
        let mut fam = Family::new(&Re::any_run(), &langs);
        let engine: Vec<ArnPattern> = pats.iter().map(|p| ArnPattern::new(p)).collect();
        let pieces = [
            "arn", ":", "aws", "s3", "bucket", "/", "b", "x", "123", "iam", "role/a", "*",
        ];
        let mut n = 0;
        for s in probes(&pieces, 4) {
            let sig = fam.classify(&s).unwrap();
            for (i, (p, e)) in pats.iter().zip(&engine).enumerate() {
                let want = if *p == "*" { true } else { e.matches_text(&s) };
                assert_eq!(sig.get(i), want, "{p} on {s}");
            }
            n += 1;
        }
        assert!(n > 10_000);
    }

    #[test]
    fn action_globs_match_like_the_engine() {
        let pats = [
            "s3:Get*",
            "*",
            "s3:*Object",
            "iam:?ass*",
            "S3:GETOBJECT",
            "s3*",
        ];
        let langs: Vec<Re> = pats.iter().map(|p| action(p)).collect();
        let mut fam = Family::new(&action_domain(), &langs);
        let globs: Vec<Glob> = pats.iter().map(|p| Glob::new(p, true)).collect();
        for s in probes(&["s3", ":", "get", "object", "iam", "pass", "x"], 5) {
            match fam.classify(&s) {
                None => assert!(
                    s.split(':').count() != 2 || s.starts_with(':') || s.ends_with(':'),
                    "{s} should be in the domain"
                ),
                Some(sig) => {
                    for (i, g) in globs.iter().enumerate() {
                        assert_eq!(sig.get(i), g.matches(&s), "{} on {s}", pats[i]);
                    }
                }
            }
        }
    }
}

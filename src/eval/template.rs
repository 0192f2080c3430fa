//! Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"):
//! `${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}` and the literals
//! `${*}`, `${?}`, `${$}`. Templates are split once when a document is compiled; resolving
//! one against a request yields glob tokens in which a variable's value is always literal.
//!
//! Only documents with `"Version": "2012-10-17"` expand variables; the compiler never
//! builds a template for a `2008-10-17` document, so there `${aws:username}` is plain text.

use super::context::Context;
use super::glob::{tokens, Tok};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// Text as written; its `*`/`?` are wildcards where the use allows them.
    Text(String),
    /// `${*}`, `${?}`, `${$}`: always a literal character.
    Escaped(char),
    /// `${key}` or `${key, 'default'}`; the key lowercase.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// A value containing at least one `${...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Splits `text`; `None` when it holds no variable (so the caller compiles it as a
    /// plain pattern). An unterminated `${` is plain text.
    pub fn parse(text: &str) -> Option<Template> {
        if !text.contains("${") {
            return None;
        }
        let mut parts = Vec::new();
        let mut rest = text;
        let mut text_acc = String::new();
        let mut found = false;
        while let Some((before, after)) = rest.split_once("${") {
            let Some((inner, tail)) = after.split_once('}') else {
                break;
            };
            text_acc.push_str(before);
            let part = match inner {
                "*" => Some(Part::Escaped('*')),
                "?" => Some(Part::Escaped('?')),
                "$" => Some(Part::Escaped('$')),
                _ => parse_var(inner),
            };
            match part {
                Some(p) => {
                    if !text_acc.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text_acc)));
                    }
                    parts.push(p);
                    found = true;
                }
                None => {
                    text_acc.push_str("${");
                    text_acc.push_str(inner);
                    text_acc.push('}');
                }
            }
            rest = tail;
        }
        text_acc.push_str(rest);
        if !text_acc.is_empty() {
            parts.push(Part::Text(text_acc));
        }
        found.then_some(Template { parts })
    }

    /// The condition keys the template's variables read, lowercase, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// Resolves into glob tokens (`wild`: whether the written text's `*`/`?` are
    /// wildcards). `false` when a variable has no value ("Policy variables with no value").
    pub fn resolve(&self, ctx: &Context, wild: bool, out: &mut Vec<Tok>) -> bool {
        out.clear();
        for part in &self.parts {
            match part {
                Part::Text(t) => {
                    if wild {
                        tokens(t, out);
                    } else {
                        out.push(Tok::Lit(t.clone()));
                    }
                }
                Part::Escaped(c) => out.push(Tok::Lit(c.to_string())),
                Part::Var { key, default } => {
                    let value = ctx.get_lower(key).and_then(|v| v.single());
                    match (value, default) {
                        (Some(v), _) => out.push(Tok::Lit(v.to_string())),
                        (None, Some(d)) => out.push(Tok::Lit(d.clone())),
                        (None, None) => return false,
                    }
                }
            }
        }
        true
    }

    /// Whether every variable sits in the resource part of an ARN, after the fifth colon
    /// of the written text (colons inside `${...}` do not count). "Policy variables": in
    /// the `Resource` element a variable may appear "only in the resource part of the ARN".
    /// `${*}`, `${?}` and `${$}` are literal characters, not variables, so they may appear
    /// anywhere.
    pub fn variables_in_resource_part(&self) -> bool {
        let mut colons = 0usize;
        for part in &self.parts {
            match part {
                Part::Text(t) => colons += t.matches(':').count(),
                Part::Escaped(_) => {}
                Part::Var { .. } => {
                    if colons < 5 {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Resolves to plain text (for exact comparisons); `None` when a variable has no value.
    pub fn resolve_text(&self, ctx: &Context) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Escaped(c) => out.push(*c),
                Part::Var { key, default } => {
                    match (ctx.get_lower(key).and_then(|v| v.single()), default) {
                        (Some(v), _) => out.push_str(v),
                        (None, Some(d)) => out.push_str(d),
                        (None, None) => return None,
                    }
                }
            }
        }
        Some(out)
    }
}

/// `key` or `key, 'default'` (whitespace around the comma allowed). A key is a condition
/// key name: no spaces, quotes or braces.
fn parse_var(inner: &str) -> Option<Part> {
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.to_string()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(|c: char| c.is_whitespace() || "'\"{}$".contains(c)) {
        return None;
    }
    Some(Part::Var {
        key: key.to_lowercase(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_variables_defaults_and_literals() {
        assert_eq!(Template::parse("arn:aws:s3:::b/home/*"), None);
        let t = Template::parse("home/${aws:username}/*").unwrap();
        let ctx = Context::new().with("AWS:UserName", "alice");
        assert_eq!(t.resolve_text(&ctx).as_deref(), Some("home/alice/*"));
        assert_eq!(t.resolve_text(&Context::new()), None);
        let t = Template::parse("${aws:PrincipalTag/team, 'company-wide'}").unwrap();
        assert_eq!(
            t.resolve_text(&Context::new()).as_deref(),
            Some("company-wide")
        );
        let ctx = Context::new().with("aws:principaltag/team", "red");
        assert_eq!(t.resolve_text(&ctx).as_deref(), Some("red"));
        let t = Template::parse("a${*}b${?}c${$}").unwrap();
        assert_eq!(t.resolve_text(&Context::new()).as_deref(), Some("a*b?c$"));
        let mut toks = Vec::new();
        assert!(t.resolve(&Context::new(), true, &mut toks));
        assert!(toks.iter().all(|t| matches!(t, Tok::Lit(_))));
        // multivalued keys have no value as a variable
        let t = Template::parse("${aws:TagKeys}").unwrap();
        let ctx = Context::new().with_many("aws:TagKeys", &["x"]);
        assert_eq!(t.resolve_text(&ctx), None);
        // an unterminated variable is text
        assert_eq!(Template::parse("a${b"), None);
    }

    #[test]
    fn variables_only_after_the_fifth_colon() {
        let ok = |s: &str| Template::parse(s).unwrap().variables_in_resource_part();
        assert!(ok("arn:aws:s3:::b/${aws:username}/*"));
        assert!(ok("arn:aws:iam::123456789012:user/${aws:username}"));
        // the colon inside the variable is not a component separator
        assert!(ok("arn:aws:s3:::${aws:username}"));
        assert!(!ok("arn:aws:s3:${aws:RequestedRegion}::b/*"));
        assert!(!ok("arn:aws:iam::${aws:PrincipalAccount}:user/x"));
        assert!(!ok("${aws:username}"));
        assert!(!ok("arn:aws:iam::${aws:PrincipalAccount, '1'}:user/x"));
        // literal escapes are no variables
        assert!(ok("arn:aws:s3:::b${*}/${$}"));
        assert!(ok("arn:${*}:s3:::b"));
    }
}

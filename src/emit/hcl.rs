//! Terraform's HCL: quoted strings and the escapes of its string templates.
//!
//! Every HCL string (quoted or heredoc) is a template: `${...}` interpolates and `%{...}`
//! is a directive, so a literal `${aws:username}` in a policy is written `$${aws:username}`
//! (and `%{` as `%%{`); Terraform hands IAM the text with the escapes undone. Quoted
//! strings also have backslash escapes; heredocs do not.

use super::subst::{Pseudo, Seg};

/// Literal text escaped for an HCL template: `${` -> `$${`, `%{` -> `%%{`.
pub fn escape_template(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// The interpolation that gives a deployed value in the generated configuration.
pub fn pseudo(p: Pseudo) -> &'static str {
    match p {
        Pseudo::AccountId => "${data.aws_caller_identity.current.account_id}",
        Pseudo::Region => "${data.aws_region.current.region}",
        Pseudo::Partition => "${data.aws_partition.current.partition}",
        Pseudo::UrlSuffix => "${data.aws_partition.current.dns_suffix}",
    }
}

/// The segments as the inside of an HCL template (literal parts escaped).
pub fn template(segs: &[Seg]) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Lit(t) => escape_template(t),
            Seg::Pseudo(p, _) => pseudo(*p).to_string(),
        })
        .collect()
}

/// A quoted HCL string whose inside is already an HCL template (from [`template`] or
/// [`escape_template`]): adds the quotes and the backslash escapes.
pub fn quote_template(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len() + 2);
    out.push('"');
    for c in inner.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal string as a quoted HCL string.
pub fn quote(text: &str) -> String {
    quote_template(&escape_template(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_templates() {
        assert_eq!(quote("a\"b\\c\n${x}%{y}"), r#""a\"b\\c\n$${x}%%{y}""#);
        let segs = [
            Seg::Lit("arn:".into()),
            Seg::Pseudo(Pseudo::Partition, "aws".into()),
            Seg::Lit(":s3:::b/${aws:username}".into()),
        ];
        assert_eq!(
            template(&segs),
            "arn:${data.aws_partition.current.partition}:s3:::b/$${aws:username}"
        );
    }
}

//! The language's keywords, once: the words the grammar reserves (never a name), the
//! words that start a top-level declaration (where recovery resumes), and every keyword
//! (for completion and highlighting).
//!
//! The grammar (`grammar/iamc.pest`) is the source of truth; a test below reads it and
//! fails when a list here drifts from it.

/// Words that are never a name (the grammar's `reserved` rule).
pub const RESERVED: &[&str] = &[
    "import",
    "const",
    "template",
    "policy",
    "boundary",
    "trust",
    "scp",
    "rcp",
    "principal",
    "prove",
    "allow",
    "deny",
    "use",
    "not",
    "on",
    "from",
    "when",
    "and",
    "or",
    "like",
    "in",
    "exists",
    "true",
    "false",
    "as",
];

/// Words that start a top-level declaration (the first keyword of each `item`).
pub const TOP_LEVEL: &[&str] = &[
    "import",
    "const",
    "template",
    "policy",
    "boundary",
    "trust",
    "scp",
    "rcp",
    "resource",
    "principal",
    "prove",
];

/// Every keyword, reserved or contextual (`resource`, `except`, `any`, ... are names
/// elsewhere), in the grammar's order.
pub const ALL: &[&str] = &[
    "import",
    "as",
    "const",
    "template",
    "policy",
    "boundary",
    "trust",
    "scp",
    "rcp",
    "resource",
    "principal",
    "prove",
    "use",
    "allow",
    "deny",
    "not",
    "on",
    "from",
    "when",
    "and",
    "or",
    "like",
    "in",
    "exists",
    "if",
    "true",
    "false",
    "except",
    "allows",
    "denies",
    "may",
    "within",
    "equivalent",
    "any",
    "all",
];

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/iamc.pest");

    /// The text of the rule `name = ... }` (up to the first closing brace).
    fn rule(name: &str) -> &'static str {
        let start = GRAMMAR
            .lines()
            .scan(0usize, |offset, line| {
                let at = *offset;
                *offset += line.len() + 1;
                Some((at, line))
            })
            .find(|(_, line)| {
                line.strip_prefix(name)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|(at, _)| at);
        let Some(start) = start else {
            return "";
        };
        let rest = GRAMMAR.get(start..).unwrap_or("");
        let end = rest.find('}').unwrap_or(rest.len());
        rest.get(..end).unwrap_or("")
    }

    /// The double-quoted strings of a rule's text.
    fn quoted(text: &str) -> Vec<&str> {
        text.split('"').skip(1).step_by(2).collect()
    }

    /// The first word after `=` and the rule's opening brace: `kw_const` in
    /// `const_decl = { kw_const ~ ...`.
    fn first_token(text: &str) -> &str {
        text.split_once('{')
            .map(|(_, body)| body)
            .and_then(|body| body.split_whitespace().next())
            .unwrap_or("")
    }

    /// The words a keyword rule (`kw_x = @{ "x" ~ !ident_char }`) matches.
    fn words_of(rule_name: &str) -> Vec<&'static str> {
        match rule_name {
            "doc_keyword" => rule("doc_keyword")
                .split(['{', '|'])
                .skip(1)
                .flat_map(|alt| words_of(alt.trim()))
                .collect(),
            other => quoted(rule(other)),
        }
    }

    #[test]
    fn reserved_words_are_the_grammars() {
        assert_eq!(quoted(rule("reserved")), RESERVED);
    }

    #[test]
    fn top_level_words_start_the_grammars_items() {
        let items = rule("item");
        let mut words: Vec<&str> = items
            .split(['{', '|'])
            .skip(1)
            .flat_map(|alt| words_of(first_token(rule(alt.trim()))))
            .collect();
        let mut expected = TOP_LEVEL.to_vec();
        words.sort_unstable();
        expected.sort_unstable();
        assert_eq!(words, expected);
    }

    #[test]
    fn every_keyword_rule_is_listed() {
        let mut words: Vec<&str> = GRAMMAR
            .lines()
            .filter(|l| l.starts_with("kw_") || l.starts_with("quantifier "))
            .flat_map(quoted)
            .collect();
        let mut expected = ALL.to_vec();
        words.sort_unstable();
        expected.sort_unstable();
        assert_eq!(words, expected);
    }
}

//! Syntax errors: a typed enum of what went wrong, and its conversion to `Diagnostic`s with
//! stable E01xx codes. pest's "expected rules" are translated into words users know.

use super::keywords::{RESERVED, TOP_LEVEL};
use super::pest_parser::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// The literal prefixes the language knows, for help lines.
pub const KNOWN_PREFIXES: &str = "`arn`, `cidr`, `ip` and `date`";

/// Every syntax problem the front end reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// pest rejected the input: what was expected (in words) and what was found.
    Unexpected {
        expected: Vec<&'static str>,
        found: String,
        help: Option<String>,
    },
    UnterminatedString,
    InvalidEscape(String),
    UnknownPrefix(String),
    BadInterpolation(String),
    UnterminatedPolicyVar,
    SingleSegmentImport(String),
    TooDeep,
    ChainTooLong,
    TooComplex,
    ReservedName(String),
    DuplicateClause(&'static str),
    NotGeneric(String),
    /// A grammar/AST mismatch: a bug in iamc, reported rather than panicking.
    Internal,
}

/// The diagnostic for one syntax error at `span`.
pub fn diagnostic(e: SyntaxError, span: Span) -> Diagnostic {
    match e {
        SyntaxError::Unexpected {
            expected,
            found,
            help,
        } => {
            let msg = if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", words(&expected))
            };
            let d = Diagnostic::new(Code::E0101, span, msg);
            match help {
                Some(h) => d.with_help(h),
                None => d,
            }
        }
        SyntaxError::UnterminatedString => {
            Diagnostic::new(Code::E0102, span, "unterminated string")
                .with_help("close the string with `\"` before the end of the line")
        }
        SyntaxError::InvalidEscape(esc) => {
            Diagnostic::new(Code::E0103, span, format!("invalid escape `{esc}`"))
                .with_help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{HEX}`")
        }
        SyntaxError::UnknownPrefix(p) => {
            Diagnostic::new(Code::E0104, span, format!("unknown literal prefix `{p}`"))
                .with_help(format!("the literal prefixes are {KNOWN_PREFIXES}; a plain string has no prefix"))
        }
        SyntaxError::BadInterpolation(text) => Diagnostic::new(
            Code::E0105,
            span,
            format!("invalid interpolation `{text}`"),
        )
        .with_help("write `{name}` or `{env.name}` to insert a constant, `${aws:username}` for an IAM policy variable, or (in a string) `{{` and `}}` for the braces themselves"),
        SyntaxError::UnterminatedPolicyVar => Diagnostic::new(
            Code::E0106,
            span,
            "unterminated policy variable",
        )
        .with_help("close the policy variable with `}`, as in `${aws:username}`"),
        SyntaxError::SingleSegmentImport(name) => Diagnostic::new(
            Code::E0107,
            span,
            format!("import of `{name}` names no item"),
        )
        .with_help(format!(
            "an import names a module and an item, such as `import std.patterns.allowlist`; to import several items write `import {name}.{{a, b}}`"
        )),
        SyntaxError::TooDeep => Diagnostic::new(Code::E0108, span, "nesting too deep")
            .with_help(format!(
                "lists, parentheses and `not`s may nest at most {} levels",
                super::to_ast::MAX_DEPTH
            )),
        SyntaxError::ChainTooLong => Diagnostic::new(Code::E0108, span, "condition chain too long")
            .with_help(format!(
                "one `and`/`or` chain may join at most {} conditions; split the statement",
                super::to_ast::MAX_CHAIN
            )),
        SyntaxError::TooComplex => Diagnostic::new(Code::E0109, span, "input too complex to parse")
            .with_help("split this declaration into smaller ones"),
        SyntaxError::ReservedName(w) => Diagnostic::new(
            Code::E0110,
            span,
            format!("`{w}` is a reserved word and cannot be used as a name"),
        )
        .with_help(format!("choose another name, such as `{w}_`")),
        SyntaxError::DuplicateClause(kw) => Diagnostic::new(
            Code::E0111,
            span,
            format!("duplicate `{kw}` clause"),
        )
        .with_help(format!("a rule has at most one `{kw}` clause; list all items in it, separated by commas")),
        SyntaxError::NotGeneric(name) => Diagnostic::new(
            Code::E0112,
            span,
            format!("type `{name}` takes no type argument"),
        )
        .with_help("only `List<T>` takes a type argument"),
        SyntaxError::Internal => Diagnostic::new(
            Code::E0101,
            span,
            "the parser could not build this declaration",
        )
        .with_help("this is a bug in iamc; please report it with the input"),
    }
}

/// Joins words as `a`, `a or b`, `a, b or c`.
fn words(items: &[&'static str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How a grammar rule is named to users, or `None` for rules never reported alone.
pub fn rule_words(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::item => "a declaration (`policy`, `const`, `template`, `import`, ...)",
        Rule::ident | Rule::path => "a name",
        Rule::label => "a name",
        Rule::type_expr => "a type like `String` or `List<Action>`",
        Rule::expr | Rule::principal => "a value",
        Rule::clause => "an action like `s3:GetObject`",
        Rule::res_clause => "a resource like `*` or `arn\"...\"`",
        Rule::lparen => "`(`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::kw_import => "`import`",
        Rule::kw_const => "`const`",
        Rule::kw_template => "`template`",
        Rule::kw_policy => "`policy`",
        Rule::kw_principal => "`principal`",
        Rule::kw_prove => "`prove`",
        Rule::kw_use => "a statement (`allow`, `deny`, `use`)",
        Rule::kw_allow => "`allow`",
        Rule::kw_deny => "`deny`",
        Rule::kw_on => "`on`",
        Rule::kw_from => "`from`",
        Rule::kw_when => "`when`",
        Rule::kw_like => "`like`",
        Rule::kw_in => "`in`",
        Rule::kw_exists => "`exists`",
        Rule::kw_except => "`except`",
        Rule::list => "a list",
        Rule::call | Rule::call_name => "a function like `actions(s3, [\"Read\"])`",
        Rule::string => "a string",
        Rule::number => "a number",
        Rule::action => "an action like `s3:GetObject`",
        Rule::arn_lit => "an ARN literal",
        Rule::cond | Rule::cond_and | Rule::cond_not => "a condition",
        Rule::cond_compare | Rule::key | Rule::key_name => "a condition key like `aws:SourceIp`",
        Rule::cmp_op => "an operator (`==`, `!=`, `like`, `in`, `<`, ...)",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::if_exists => "`if exists`",
        Rule::rbrace => "`}`",
        Rule::lbrace => "`{`",
        Rule::rparen => "`)`",
        Rule::rbracket => "`]`",
        Rule::rule | Rule::effect => "a statement (`allow`, `deny`, `use`)",
        Rule::use_stmt => "`use`",
        Rule::sid => "`@sid`",
        Rule::on_clause | Rule::attach => "`on`",
        Rule::from_clause => "`from`",
        Rule::when_clause => "`when`",
        Rule::field => "a field like `policies: [...]`",
        Rule::param => "a parameter like `name: Type`",
        Rule::named_arg => "an argument like `name: value`",
        Rule::property => "a property (`allows`, `denies`, `may allow`, `within`, `equivalent`)",
        Rule::except_clause => "`except`",
        Rule::import_group => "`.{`",
        Rule::import_alias | Rule::kw_as => "`as`",
        Rule::import_name => "a name",
        Rule::doc_keyword => "a declaration keyword",
        Rule::kw_not => "`not`",
        _ => return None,
    })
}

/// The byte range of the token at `pos` in `text` (after any whitespace), for "found ...".
pub fn token_at(text: &str, pos: usize) -> (usize, usize) {
    let rest = text.get(pos..).unwrap_or("");
    let skipped = rest.len() - rest.trim_start().len();
    let start = pos + skipped;
    let rest = text.get(start..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return (text.len(), text.len());
    };
    let len = if first.is_ascii_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    (start, start + len)
}

/// Describes the token `text[start..end]` for a message.
fn describe(tok: &str) -> String {
    match tok.chars().next() {
        None => "end of file".to_string(),
        Some('"') => "a string".to_string(),
        Some('`') => "a backtick".to_string(),
        Some(c) if c.is_control() => format!("character U+{:04X}", c as u32),
        Some(_) => format!("`{tok}`"),
    }
}

/// Converts a pest error for text parsed from `text[offset..]` into a syntax error and the
/// span (absolute byte offsets) it should be reported at.
pub fn from_pest(
    err: &pest::error::Error<Rule>,
    text: &str,
    offset: usize,
) -> (SyntaxError, usize, usize) {
    let rel = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let pos = (offset + rel).min(text.len());
    let (start, end) = token_at(text, pos);
    let tok = text.get(start..end).unwrap_or("");
    match &err.variant {
        pest::error::ErrorVariant::CustomError { message } => {
            let e = if message.contains("stack limit") {
                SyntaxError::TooDeep
            } else {
                SyntaxError::TooComplex
            };
            (e, start, end)
        }
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let wants_name = positives
                .iter()
                .any(|r| matches!(r, Rule::ident | Rule::path | Rule::import_name));
            if wants_name && RESERVED.contains(&tok) {
                return (SyntaxError::ReservedName(tok.to_string()), start, end);
            }
            let mut expected: Vec<&'static str> = Vec::new();
            for w in positives.iter().filter_map(|r| rule_words(*r)) {
                if !expected.contains(&w) {
                    expected.push(w);
                }
            }
            let help = help_for(&expected, tok)
                .or_else(|| help_in_context(text, start, tok))
                .or_else(|| form_of(&expected, tok));
            (
                SyntaxError::Unexpected {
                    expected,
                    found: describe(tok),
                    help,
                },
                start,
                end,
            )
        }
    }
}

/// A hint for common slips, judged from what was expected and found.
fn help_for(expected: &[&'static str], tok: &str) -> Option<String> {
    let wanted = |w: &str| expected.contains(&w);
    if wanted("`}`") && TOP_LEVEL.contains(&tok) {
        return Some("a `}` may be missing before this declaration".to_string());
    }
    if matches!(tok, "on" | "from") && wanted("`and`") {
        return Some(format!("`{tok}` comes before `when` in a rule"));
    }
    if tok.chars().next().is_some_and(|c| !c.is_ascii()) {
        return Some("names and keywords use ASCII letters, digits and `_`".to_string());
    }
    if tok == "=" && expected.iter().any(|w| w.starts_with("an operator")) {
        return Some("compare with `==`".to_string());
    }
    if tok == "&" || tok == "|" || tok == "!" {
        return Some(
            "conditions are joined with `and` and `or`, and negated with `not`".to_string(),
        );
    }
    None
}

/// How the first thing expected is written, when no hint about a common slip applies: a
/// syntax error always says what was expected, and this line shows its form.
fn form_of(expected: &[&'static str], tok: &str) -> Option<String> {
    let first = *expected.first()?;
    let has = |w: &str| expected.contains(&w);
    let text = if has("a statement (`allow`, `deny`, `use`)") {
        "a rule is `allow|deny ACTIONS [from PRINCIPALS] [on RESOURCES] [when CONDITION]`, one per line; a template is pulled in with `use name(arg: value)`"
    } else if has("a property (`allows`, `denies`, `may allow`, `within`, `equivalent`)") {
        "a property is `allows|denies|may allow ACTIONS [on RESOURCES] [when CONDITION] [except ACTIONS]`, `within NAME` or `equivalent NAME`"
    } else if first.starts_with("a declaration") {
        "a file holds declarations (`import`, `const`, `template`, `policy`, `boundary`, `trust`, `scp`, `rcp`, `resource`, `principal`, `prove`); rules go inside a declaration's `{ }`"
    } else if first.starts_with("an action") {
        "actions are `service:Name`, patterns such as `s3:Get*` or `*`, a constant's name, or a list `[s3:GetObject, s3:PutObject]`"
    } else if first.starts_with("a resource") {
        "resources are `*`, ARN literals `arn\"arn:aws:s3:::bucket/*\"`, a constant's name, or a list of them"
    } else if first.starts_with("a condition") {
        "a condition is `KEY OPERATOR VALUE` (`aws:SourceIp in [cidr\"10.0.0.0/8\"]`), a Bool key alone, or `exists(KEY)`, joined with `and`/`or` and negated with `not`"
    } else if first == "a value" {
        "a value is a string `\"...\"`, a number, `true`/`false`, a typed literal (`arn\"...\"`, `cidr\"...\"`, `ip\"...\"`, `date\"...\"`), an action, a list `[...]` or a constant's name"
    } else if first == "a name" {
        "a name starts with a letter or `_` and holds letters, digits and `_`"
    } else if first == "a string" {
        "a string is text in double quotes: `\"text\"`"
    } else if first == "`:`" {
        "fields and named arguments are written `name: value`"
    } else if first == "`(`" {
        "a call is written with its arguments in parentheses: `name(...)`"
    } else if matches!(first, "`]`" | "`}`" | "`)`") || tok.is_empty() {
        "every `[`, `(` and `{` needs its closing bracket"
    } else if first == "`allow`" || first == "`deny`" {
        "a rule starts with `allow` or `deny`"
    } else {
        "the syntax of each construct is in docs/language.md"
    };
    Some(text.to_string())
}

/// Hints that need the text around the token: a key compared with another key, and a
/// number written in exponent form.
fn help_in_context(text: &str, start: usize, tok: &str) -> Option<String> {
    key_compared_with_key(text, start, tok).or_else(|| exponent_number(text, start, tok))
}

/// Characters a condition key is written with (see `key_name` in the grammar).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | ':' | '@' | '+' | '-')
}

/// `aws:PrincipalTag/team == aws:ResourceTag/team`: the right side parses as an action up to
/// the `/`. The hint names the whole key, written as a policy variable.
fn key_compared_with_key(text: &str, start: usize, tok: &str) -> Option<String> {
    if tok != "/" {
        return None;
    }
    let before = text.get(..start)?;
    let key_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !is_key_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = text.get(start..)?;
    let key_end = start + after.find(|c: char| !is_key_char(c)).unwrap_or(after.len());
    let key = text.get(key_start..key_end)?;
    let lead = text.get(..key_start)?.trim_end();
    let last_word = lead.rsplit(char::is_whitespace).next().unwrap_or("");
    let after_operator = lead.ends_with(['=', '<', '>']) || matches!(last_word, "like" | "in");
    let (prefix, name) = key.split_once(':')?;
    let looks_like_key = !prefix.is_empty() && !name.is_empty() && !prefix.contains('/');
    if !(after_operator && looks_like_key) {
        return None;
    }
    Some(format!(
        "a condition compares a key with a value; to compare with another key, write it as a policy variable: `\"${{{key}}}\"`"
    ))
}

/// `1e3`: the number parses up to the `e`. The hint gives the decimal form when it is short.
fn exponent_number(text: &str, start: usize, tok: &str) -> Option<String> {
    let mut chars = tok.chars();
    if !matches!(chars.next(), Some('e' | 'E')) || !chars.all(|c| c.is_ascii_digit()) {
        return None;
    }
    let before = text.get(..start)?;
    let mantissa_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mantissa = before.get(mantissa_start..)?;
    let glued = before
        .get(..mantissa_start)?
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if glued || !mantissa.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let example =
        decimal_form(mantissa, tok.get(1..).unwrap_or("")).unwrap_or_else(|| "1000".to_string());
    Some(format!(
        "numbers are written in decimal, without an exponent: `{example}`"
    ))
}

/// `mantissa` times ten to `exponent` in decimal digits, for a whole mantissa and a short result.
fn decimal_form(mantissa: &str, exponent: &str) -> Option<String> {
    if exponent.is_empty() || !mantissa.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let zeros: usize = exponent.parse().ok()?;
    if zeros + mantissa.len() > 20 {
        return None;
    }
    Some(format!("{mantissa}{}", "0".repeat(zeros)))
}

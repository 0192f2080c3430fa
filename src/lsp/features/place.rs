//! Where the cursor is, for completion: read from the tokens of the declaration before
//! it (`scan`), since the text being typed rarely parses yet (`allow s3:`, `when `).
//!
//! The first token says which declaration the cursor is in; inside a body, the last
//! statement keyword at the body's depth (`allow`, `deny`, `use`, `allows`, ...) and the
//! last clause keyword after it (`on`, `from`, `when`, `except`) say which clause; inside
//! a `when`, the token before the cursor says whether a key, an operator, a value or a
//! connective comes next.

use super::scan::{Kind, Scan, Tok};

/// Where the cursor is.
#[derive(Debug, PartialEq, Eq)]
pub enum Place<'t> {
    Nothing,
    TopLevel,
    /// After `import`; with the module when inside `{`.
    Import(Option<&'t str>),
    Type,
    /// A value: constants and parameters in scope.
    Value,
    ProveTarget,
    Statement {
        prove: bool,
    },
    UseTemplate,
    UseArgument {
        template: &'t str,
        given: Vec<&'t str>,
    },
    Field {
        given: Vec<&'t str>,
    },
    FieldValue(&'t str),
    Actions,
    /// After a complete clause: the clause keywords that may follow, and new statements.
    After {
        keywords: &'static [&'static str],
        prove: bool,
    },
    Resources,
    Principals,
    Key {
        actions: Vec<&'t str>,
        quantified: bool,
    },
    Operator {
        key: &'t str,
        negated: bool,
    },
    CondValue {
        key: &'t str,
    },
}

const DOCUMENT_KEYWORDS: [&str; 6] = ["policy", "boundary", "trust", "scp", "rcp", "resource"];

/// Where the cursor is, from the scan of the text before it.
pub fn place<'t>(s: &Scan<'t>) -> Place<'t> {
    let toks = &s.tokens;
    let Some(first) = toks.first() else {
        return Place::TopLevel;
    };
    let has = |t: &str| toks.iter().any(|x| x.text == t);
    match first.text {
        "import" => {
            if let Some(i) = toks.iter().position(|t| t.text == "{") {
                let module = i
                    .checked_sub(1)
                    .and_then(|j| toks.get(j))
                    .map(|t| t.text.trim_end_matches('.'));
                return Place::Import(module);
            }
            if toks.len() == 1 {
                Place::Import(None)
            } else {
                Place::Nothing
            }
        }
        "const" => {
            if has("=") {
                Place::Value
            } else if toks.last().is_some_and(|t| t.text.ends_with(':')) {
                Place::Type
            } else {
                Place::Nothing
            }
        }
        "principal" => match toks.iter().position(|t| t.text == "{") {
            Some(i) => principal_body(toks.get(i + 1..).unwrap_or(&[])),
            None => Place::Nothing,
        },
        "prove" => match toks.iter().position(|t| t.text == "{") {
            Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), true),
            None if toks.len() == 1 => Place::ProveTarget,
            None => Place::Nothing,
        },
        "template" => {
            // The body starts at the first `{` after the parameters' `)`.
            let close = toks.iter().position(|t| t.text == ")");
            match close.and_then(|c| {
                toks.iter()
                    .skip(c)
                    .position(|t| t.text == "{")
                    .map(|p| p + c)
            }) {
                Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), false),
                None if close.is_none() && has("(") => {
                    let last = toks.last().map_or("", |t| t.text);
                    if last.ends_with(':') {
                        Place::Type
                    } else if last == "=" {
                        Place::Value
                    } else {
                        Place::Nothing
                    }
                }
                None => Place::Nothing,
            }
        }
        k if DOCUMENT_KEYWORDS.contains(&k) => match toks.iter().position(|t| t.text == "{") {
            Some(i) => body(toks.get(i + 1..).unwrap_or(&[]), false),
            None => Place::Nothing,
        },
        _ => Place::TopLevel,
    }
}

/// Inside `principal X { ... }`.
fn principal_body<'t>(toks: &[Tok<'t>]) -> Place<'t> {
    if toks.iter().any(|t| t.text == "}") && depth_at_end(toks) < 0 {
        return Place::TopLevel;
    }
    let given: Vec<&str> = toks
        .iter()
        .filter(|t| t.kind == Kind::Word && t.text.ends_with(':'))
        .map(|t| t.text.trim_end_matches(':'))
        .collect();
    match toks.last() {
        None => Place::Field { given },
        Some(t) if t.text == "," => Place::Field { given },
        Some(t) if t.text.ends_with(':') || t.text == "[" => {
            // The value of the last field named.
            let field = toks
                .iter()
                .rev()
                .find(|t| t.kind == Kind::Word && t.text.ends_with(':'))
                .map_or("", |t| t.text.trim_end_matches(':'));
            Place::FieldValue(field)
        }
        Some(_) if depth_at_end(toks) == 0 => Place::Field { given },
        Some(_) => Place::Nothing,
    }
}

/// Bracket depth after the tokens (negative once a bracket opened before them closes).
fn depth_at_end(toks: &[Tok<'_>]) -> i32 {
    let mut depth = 0;
    for t in toks {
        match t.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return depth;
        }
    }
    depth
}

const STATEMENT_WORDS: [&str; 8] = [
    "allow",
    "deny",
    "use",
    "allows",
    "denies",
    "within",
    "equivalent",
    "@sid",
];

/// Inside the body of a document, template or proof.
fn body<'t>(toks: &[Tok<'t>], prove: bool) -> Place<'t> {
    // Track brackets; remember where each open one is.
    let mut open: Vec<usize> = Vec::new();
    let mut statement: Option<usize> = None;
    for (i, t) in toks.iter().enumerate() {
        match t.text {
            "(" | "[" | "{" => open.push(i),
            // The body's own `}` (the guard pops): the cursor is after the declaration.
            ")" | "]" | "}" if open.pop().is_none() => return Place::TopLevel,
            ")" | "]" | "}" => {}
            w if open.is_empty() && STATEMENT_WORDS.contains(&w) => statement = Some(i),
            _ => {}
        }
    }
    let last = toks.last().map_or("", |t| t.text);
    // Inside `use t(...)`.
    if let Some(&p) = open.first() {
        let before = |n: usize| p.checked_sub(n).and_then(|j| toks.get(j)).map(|t| t.text);
        if toks.get(p).is_some_and(|t| t.text == "(") && before(2) == Some("use") {
            let template = before(1).unwrap_or("");
            let inner = toks.get(p + 1..).unwrap_or(&[]);
            if open.len() == 1 && (last == "(" || last == ",") {
                let given = inner
                    .iter()
                    .filter(|t| t.kind == Kind::Word && t.text.ends_with(':'))
                    .map(|t| t.text.trim_end_matches(':'))
                    .collect();
                return Place::UseArgument { template, given };
            }
            return if last.ends_with(':') || last == "[" || last == "," {
                Place::Value
            } else {
                Place::Nothing
            };
        }
        if toks.get(p).is_some_and(|t| t.text == "(") && before(1) == Some("@sid") {
            return Place::Nothing;
        }
    }
    let Some(si) = statement else {
        return Place::Statement { prove };
    };
    let stmt = toks.get(si + 1..).unwrap_or(&[]);
    match toks.get(si).map_or("", |t| t.text) {
        "@sid" => Place::Nothing,
        "use" if stmt.is_empty() => Place::UseTemplate,
        "use" => Place::Statement { prove },
        "within" | "equivalent" if stmt.is_empty() => Place::ProveTarget,
        "within" | "equivalent" => Place::Statement { prove },
        _ => rule(stmt, toks.get(si).map_or("", |t| t.text), prove),
    }
}

/// Inside an `allow`/`deny` rule or a request property, after its keyword.
fn rule<'t>(stmt: &[Tok<'t>], keyword: &'t str, prove: bool) -> Place<'t> {
    let clause = stmt
        .iter()
        .enumerate()
        .rev()
        .find(|(_, t)| matches!(t.text, "on" | "from" | "when" | "except"))
        .map(|(i, t)| (i, t.text));
    let last = stmt.last().map_or(keyword, |t| t.text);
    let opens_item = |k: &str| last == k || matches!(last, "not" | "," | "[");
    match clause {
        None => {
            if opens_item(keyword) || (keyword == "allow" && last == "may") {
                Place::Actions
            } else if prove {
                Place::After {
                    keywords: &["on", "when", "except"],
                    prove,
                }
            } else {
                Place::After {
                    keywords: &["on", "from", "when"],
                    prove,
                }
            }
        }
        Some((_, "except")) if opens_item("except") => Place::Actions,
        Some((_, "on")) if opens_item("on") => Place::Resources,
        Some((_, "on")) if prove => Place::After {
            keywords: &["when", "except"],
            prove,
        },
        Some((_, "on")) => Place::After {
            keywords: &["from", "when"],
            prove,
        },
        Some((_, "from")) if opens_item("from") => Place::Principals,
        Some((_, "from")) => Place::After {
            keywords: &["on", "when"],
            prove,
        },
        Some((i, "when")) => {
            let actions: Vec<&str> = stmt
                .iter()
                .take_while(|t| !matches!(t.text, "on" | "from" | "when"))
                .filter(|t| t.kind == Kind::Word && t.text.contains(':') && !t.text.ends_with(':'))
                .map(|t| t.text)
                .collect();
            condition(stmt.get(i + 1..).unwrap_or(&[]), actions, prove)
        }
        Some(_) => Place::Statement { prove },
    }
}

fn is_key(t: &Tok<'_>) -> bool {
    t.kind == Kind::Word && t.text.contains(':') && !t.text.ends_with(':')
}

/// Inside a `when` condition.
fn condition<'t>(cond: &[Tok<'t>], actions: Vec<&'t str>, prove: bool) -> Place<'t> {
    let n = cond.len();
    let back = |k: usize| n.checked_sub(k).and_then(|i| cond.get(i));
    let Some(last) = back(1) else {
        return Place::Key {
            actions,
            quantified: false,
        };
    };
    match last.text {
        "not" if back(2).is_some_and(is_key) => Place::Operator {
            key: back(2).map_or("", |t| t.text),
            negated: true,
        },
        "and" | "or" | "not" | "(" => Place::Key {
            actions,
            quantified: false,
        },
        "any" | "all" => Place::Key {
            actions,
            quantified: true,
        },
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "like" | "in" => {
            let key = cond
                .iter()
                .rev()
                .skip(1)
                .find(|t| t.text != "not")
                .filter(|t| is_key(t))
                .map_or("", |t| t.text);
            Place::CondValue { key }
        }
        "if" => Place::After {
            keywords: &["exists"],
            prove,
        },
        _ if is_key(last) => Place::Operator {
            key: last.text,
            negated: false,
        },
        "[" | "," => Place::Value,
        _ => Place::After {
            keywords: &["and", "or", "if exists"],
            prove,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::features::scan;

    fn place_of(text: &str) -> String {
        let s = scan::scan(text, text.len(), &[]);
        format!("{:?}", place(&s))
    }

    #[test]
    fn the_place_follows_the_tokens() {
        assert_eq!(place_of(""), "TopLevel");
        assert_eq!(place_of("import "), "Import(None)");
        assert_eq!(
            place_of("import std.guards.{a, "),
            "Import(Some(\"std.guards\"))"
        );
        assert_eq!(place_of("policy P {\n  allow "), "Actions");
        assert_eq!(place_of("policy P {\n  allow s3:"), "Actions");
        assert_eq!(place_of("policy P {\n  allow s3:GetObject, "), "Actions");
        assert!(place_of("policy P {\n  allow s3:GetObject ").starts_with("After"));
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on "),
            "Resources"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when "),
            "Key { actions: [\"s3:GetObject\"], quantified: false }"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when aws:SourceIp "),
            "Operator { key: \"aws:SourceIp\", negated: false }"
        );
        assert_eq!(
            place_of("policy P {\n  allow s3:GetObject on * when aws:SecureTransport == "),
            "CondValue { key: \"aws:SecureTransport\" }"
        );
        assert_eq!(
            place_of("policy P {\n  allow * on * when aws:SourceIp not "),
            "Operator { key: \"aws:SourceIp\", negated: true }"
        );
        assert_eq!(place_of("policy P {\n  use "), "UseTemplate");
        assert_eq!(
            place_of("policy P {\n  use t(a: [s3:GetObject], "),
            "UseArgument { template: \"t\", given: [\"a\"] }"
        );
        assert_eq!(place_of("policy P {\n  use t(a: "), "Value");
        assert_eq!(place_of("policy P {\n  allow * on *\n}\n"), "TopLevel");
        assert_eq!(
            place_of("principal D {\n  arn: arn\"x\"\n  "),
            "Field { given: [\"arn\"] }"
        );
        assert_eq!(
            place_of("principal D {\n  policies: "),
            "FieldValue(\"policies\")"
        );
        assert_eq!(place_of("const a: "), "Type");
        assert_eq!(place_of("prove "), "ProveTarget");
        assert_eq!(place_of("prove D {\n  denies "), "Actions");
    }
}

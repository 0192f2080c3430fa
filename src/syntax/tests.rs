//! Unit tests for the front end: every construct of the language parses to the expected AST,
//! compared through a compact S-expression rendering (spans are checked separately).

use super::ast::*;
use super::parse;
use crate::source::FileId;

fn ok(text: &str) -> Module {
    let (m, d) = parse(FileId(0), text);
    assert!(d.is_empty(), "unexpected diagnostics for {text:?}: {d:#?}");
    m
}

/// Renders the module, one item per line.
pub fn render(m: &Module) -> String {
    m.items.iter().map(item).collect::<Vec<_>>().join("\n")
}

fn doc(d: &Option<Doc>) -> String {
    d.as_ref()
        .map_or(String::new(), |d| format!("doc={:?} ", d.node))
}

fn item(i: &Item) -> String {
    match i {
        Item::Import(i) => {
            let names: Vec<String> = i
                .names
                .iter()
                .map(|n| match &n.alias {
                    Some(a) => format!("{} as {}", n.name, a),
                    None => n.name.node.clone(),
                })
                .collect();
            format!("(import {} [{}])", i.module.dotted(), names.join(", "))
        }
        Item::Const(c) => format!(
            "(const {}{}{} = {})",
            doc(&c.doc),
            c.name,
            c.ty.as_ref()
                .map_or(String::new(), |t| format!(": {}", ty(t))),
            expr(&c.value)
        ),
        Item::Template(t) => {
            let params: Vec<String> = t
                .params
                .iter()
                .map(|p| {
                    format!(
                        "{}: {}{}",
                        p.name,
                        ty(&p.ty),
                        p.default
                            .as_ref()
                            .map_or(String::new(), |d| format!(" = {}", expr(d)))
                    )
                })
                .collect();
            format!(
                "(template {}{}({}) {})",
                doc(&t.doc),
                t.name,
                params.join(", "),
                body(&t.body)
            )
        }
        Item::Document(d) => format!(
            "({} {}{} {})",
            d.keyword.node.as_str(),
            doc(&d.doc),
            d.name,
            body(&d.body)
        ),
        Item::Principal(p) => {
            let fields: Vec<String> = p
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, expr(&f.value)))
                .collect();
            format!(
                "(principal {}{} {{{}}})",
                doc(&p.doc),
                p.name,
                fields.join(", ")
            )
        }
        Item::Prove(p) => {
            let props: Vec<String> = p.properties.iter().map(property).collect();
            format!(
                "(prove {}{} {{{}}})",
                doc(&p.doc),
                p.target.dotted(),
                props.join(" ")
            )
        }
    }
}

fn ty(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Named(n) => n.node.clone(),
        TypeExprKind::List(inner) => format!("List<{}>", ty(inner)),
    }
}

fn body(stmts: &[Stmt]) -> String {
    let s: Vec<String> = stmts.iter().map(stmt).collect();
    format!("{{{}}}", s.join(" "))
}

fn stmt(s: &Stmt) -> String {
    match s {
        Stmt::Use(u) => {
            let args: Vec<String> = u
                .args
                .iter()
                .map(|a| format!("{}: {}", a.name, expr(&a.value)))
                .collect();
            format!("(use {}({}))", u.template.dotted(), args.join(", "))
        }
        Stmt::Rule(r) => {
            let mut out = String::from("(");
            if let Some(sid) = &r.sid {
                out.push_str(&format!("sid={:?} ", sid.node));
            }
            out.push_str(match r.effect.node {
                RuleEffect::Allow => "allow",
                RuleEffect::Deny => "deny",
            });
            out.push(' ');
            out.push_str(&clause(&r.actions, expr));
            if let Some(p) = &r.principals {
                out.push_str(&format!(" from={}", clause(p, principal)));
            }
            if let Some(on) = &r.resources {
                out.push_str(&format!(" on={}", clause(on, expr)));
            }
            if let Some(c) = &r.condition {
                out.push_str(&format!(" when={}", cond(c)));
            }
            out.push(')');
            out
        }
    }
}

fn clause<T>(c: &Clause<T>, f: fn(&T) -> String) -> String {
    let items: Vec<String> = c.items.iter().map(f).collect();
    format!(
        "({}{})",
        if c.is_negated() { "not " } else { "" },
        items.join(" ")
    )
}

fn principal(p: &PrincipalExpr) -> String {
    match &p.kind {
        PrincipalKind::Any => "any".into(),
        PrincipalKind::Account(e) => format!("account({})", expr(e)),
        PrincipalKind::Service(e) => format!("service({})", expr(e)),
        PrincipalKind::Federated(e) => format!("federated({})", expr(e)),
        PrincipalKind::CanonicalUser(e) => format!("canonical({})", expr(e)),
        PrincipalKind::Arn(e) => format!("arn({})", expr(e)),
    }
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::String(s) => format!("{s:?}"),
        ExprKind::Number(n) => format!("num:{n}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Arn(a) | ExprKind::Interpolated(a) => {
            let parts: Vec<String> = a
                .parts
                .iter()
                .map(|p| match p {
                    ArnPart::Text(t) => format!("{:?}", t.node),
                    ArnPart::Interp(p) => format!("{{{}}}", p.dotted()),
                    ArnPart::PolicyVar(v) => format!("var:{}", v.node),
                })
                .collect();
            let kind = if matches!(e.kind, ExprKind::Arn(_)) {
                "arn"
            } else {
                "str"
            };
            format!("{kind}[{}]", parts.join(" "))
        }
        ExprKind::Tagged(t, s) => format!("{:?}:{s:?}", t.node),
        ExprKind::Action(a) => format!("act:{}|{}", a.service, a.name),
        ExprKind::Wildcard => "*".into(),
        ExprKind::Name(p) => format!("name:{}", p.dotted()),
        ExprKind::Call(c) => format!(
            "call:{}({})",
            c.name.node,
            c.args.iter().map(expr).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(" "))
        }
    }
}

fn key(k: &KeyRef) -> String {
    format!("{}{}", k.name, if k.if_exists.is_some() { "?" } else { "" })
}

fn cond(c: &Cond) -> String {
    match &c.kind {
        CondKind::And(a, b) => format!("(and {} {})", cond(a), cond(b)),
        CondKind::Or(a, b) => format!("(or {} {})", cond(a), cond(b)),
        CondKind::Not(a) => format!("(not {})", cond(a)),
        CondKind::Key(k) => format!("key:{}", key(k)),
        CondKind::Compare { key: k, op, value } => {
            format!("({} {} {})", op.node.as_str(), key(k), expr(value))
        }
        CondKind::Quantified {
            quantifier,
            key: k,
            op,
            value,
        } => format!(
            "({} {} {} {})",
            match quantifier.node {
                Quantifier::Any => "any",
                Quantifier::All => "all",
            },
            op.node.as_str(),
            key(k),
            expr(value)
        ),
        CondKind::Exists(k) => format!("(exists {})", key(k)),
        CondKind::Literal(b) => b.to_string(),
    }
}

fn property(p: &Property) -> String {
    match &p.kind {
        PropertyKind::Within(p) => format!("(within {})", p.dotted()),
        PropertyKind::Equivalent(p) => format!("(equivalent {})", p.dotted()),
        PropertyKind::Request { verdict, request } => {
            let mut out = format!(
                "({} {}",
                match verdict.node {
                    Verdict::Allows => "allows",
                    Verdict::Denies => "denies",
                    Verdict::MayAllow => "may-allow",
                },
                clause(&request.actions, expr)
            );
            if let Some(on) = &request.resources {
                out.push_str(&format!(" on={}", clause(on, expr)));
            }
            if let Some(c) = &request.condition {
                out.push_str(&format!(" when={}", cond(c)));
            }
            if let Some(e) = &request.except {
                out.push_str(&format!(" except={}", clause(e, expr)));
            }
            out.push(')');
            out
        }
    }
}

/// Parses `text` with no errors and compares the rendering.
fn check(text: &str, expected: &str) {
    let got = render(&ok(text));
    assert_eq!(got, expected, "for {text:?}");
}

/// Parses `policy P { <stmt> }` and compares the rendering of the one statement.
fn check_stmt(text: &str, expected: &str) {
    let m = ok(&format!("policy P {{ {text} }}"));
    let Some(Item::Document(d)) = m.items.first() else {
        unreachable!("not a document")
    };
    let got: Vec<String> = d.body.iter().map(stmt).collect();
    assert_eq!(got.join(" "), expected, "for {text:?}");
}

/// Parses `allow * when <cond>` and compares the condition's rendering.
fn check_cond(text: &str, expected: &str) {
    let m = ok(&format!("policy P {{ allow * when {text} }}"));
    let Some(Item::Document(d)) = m.items.first() else {
        unreachable!("not a document")
    };
    let Some(Stmt::Rule(r)) = d.body.first() else {
        unreachable!("not a rule")
    };
    let got = r.condition.as_ref().map(cond).unwrap_or_default();
    assert_eq!(got, expected, "for {text:?}");
}

/// Parses `const x = <expr>` and compares the expression's rendering.
fn check_expr(text: &str, expected: &str) {
    let m = ok(&format!("const x = {text}"));
    let Some(Item::Const(c)) = m.items.first() else {
        unreachable!("not a const")
    };
    assert_eq!(expr(&c.value), expected, "for {text:?}");
}

#[test]
fn design_example_parses() {
    let m = ok(include_str!("../../tests/valid/syntax/design.iamc"));
    assert_eq!(m.items.len(), 12);
}

#[test]
fn imports() {
    check("import a.b.c", "(import a.b [c])");
    check("import a.b.c as d", "(import a.b [c as d])");
    check("import a.b.{c, d as e,}", "(import a.b [c, d as e])");
    check(
        "import std.scp.FullAWSAccess",
        "(import std.scp [FullAWSAccess])",
    );
    check("import a.{b}", "(import a [b])");
}

#[test]
fn consts_and_types() {
    check(
        "const account: AccountId = \"123412341234\"",
        "(const account: AccountId = \"123412341234\")",
    );
    check(
        "const s: List<Service> = [ec2, s3,]",
        "(const s: List<Service> = [name:ec2 name:s3])",
    );
    check(
        "const n: List<List<String>> = []",
        "(const n: List<List<String>> = [])",
    );
    check("const a = env.account", "(const a = name:env.account)");
}

#[test]
fn doc_comments() {
    check(
        "/// One.\n///  Two.\nconst a = 1",
        "(const doc=\"One.\\n Two.\" a = num:1)",
    );
    // A blank line or an ordinary comment detaches the doc.
    check("/// One.\n\nconst a = 1", "(const a = num:1)");
    check("/// One.\n// x\nconst a = 1", "(const a = num:1)");
    check(
        "const a = 1\n/// B.\npolicy P {}",
        "(const a = num:1)\n(policy doc=\"B.\" P {})",
    );
}

#[test]
fn templates() {
    check(
        "template allowlist(services: List<Service>, except: List<Action> = [],) { allow services on * }",
        "(template allowlist(services: List<Service>, except: List<Action> = []) {(allow (name:services) on=(*))})",
    );
    check("template t() {}", "(template t() {})");
    // A parameter named `except` can be used inside the body.
    check(
        "template g(except: List<Action>) { deny not except on * }",
        "(template g(except: List<Action>) {(deny (not name:except) on=(*))})",
    );
}

#[test]
fn documents() {
    for kw in ["policy", "boundary", "trust", "scp", "rcp", "resource"] {
        check(&format!("{kw} X {{}}"), &format!("({kw} X {{}})"));
    }
}

#[test]
fn use_statements() {
    check_stmt("use t()", "(use t())");
    check_stmt(
        "use std.p.allowlist(services: [ec2, s3], except: [iam:ChangePassword],)",
        "(use std.p.allowlist(services: [name:ec2 name:s3], except: [act:iam|ChangePassword]))",
    );
}

#[test]
fn rules() {
    check_stmt(
        "allow s3:GetObject, s3:PutObject on arn\"arn:aws:s3:::app-data/*\" when aws:SourceVpce == \"vpce-1a2b3c4d\"",
        "(allow (act:s3|GetObject act:s3|PutObject) on=(arn[\"arn:aws:s3:::app-data/*\"]) when=(== aws:SourceVpce \"vpce-1a2b3c4d\"))",
    );
    check_stmt(
        "allow not [iam:*, organizations:*, account:*] on *",
        "(allow (not [act:iam|* act:organizations|* act:account|*]) on=(*))",
    );
    check_stmt(
        "deny * on not [arn\"arn:aws:s3:::logs/*\"]",
        "(deny (*) on=(not [arn[\"arn:aws:s3:::logs/*\"]]))",
    );
    check_stmt(
        "allow sts:AssumeRole from account(account) when aws:MultiFactorAuthPresent and sts:ExternalId == \"testtest\"",
        "(allow (act:sts|AssumeRole) from=(account(name:account)) when=(and key:aws:MultiFactorAuthPresent (== sts:ExternalId \"testtest\")))",
    );
    check_stmt(
        "allow * from arn\"arn:aws:iam::123412341234:user/test20220710\" on arn\"arn:aws:s3:::b\", arn\"arn:aws:s3:::b/*\"",
        "(allow (*) from=(arn(arn[\"arn:aws:iam::123412341234:user/test20220710\"])) on=(arn[\"arn:aws:s3:::b\"] arn[\"arn:aws:s3:::b/*\"]))",
    );
    check_stmt("allow services on *", "(allow (name:services) on=(*))");
    // `on` before `from`, `@sid`, and every principal form.
    check_stmt(
        "@sid(\"Trust\") allow sts:AssumeRole on * from not *, service(\"ec2.amazonaws.com\"), federated(\"cognito-identity.amazonaws.com\"), canonical(\"79a5\"), account(\"123412341234\"), [a, b]",
        "(sid=\"Trust\" allow (act:sts|AssumeRole) from=(not any service(\"ec2.amazonaws.com\") federated(\"cognito-identity.amazonaws.com\") canonical(\"79a5\") account(\"123412341234\") arn([name:a name:b])) on=(*))",
    );
    // Several statements, `deny`, action patterns.
    check_stmt(
        "deny s3:Get* allow ec2:Describe?nstances, s3-object-lambda:*",
        "(deny (act:s3|Get*)) (allow (act:ec2|Describe?nstances act:s3-object-lambda|*))",
    );
    // `account` is an ordinary name where not followed by `(`.
    check_stmt(
        "allow * from account on *",
        "(allow (*) from=(arn(name:account)) on=(*))",
    );
}

#[test]
fn conditions() {
    check_cond(
        "not aws:MultiFactorAuthPresent",
        "(not key:aws:MultiFactorAuthPresent)",
    );
    check_cond(
        "aws:SourceIp? in [cidr\"10.0.0.0/8\"]",
        "(in aws:SourceIp? [Cidr:\"10.0.0.0/8\"])",
    );
    check_cond(
        "any aws:TagKeys in [\"team\", \"env\"] and exists(aws:RequestTag/team)",
        "(and (any in aws:TagKeys [\"team\" \"env\"]) (exists aws:RequestTag/team))",
    );
    check_cond(
        "aws:CurrentTime < date\"2027-01-01T00:00:00Z\" or aws:PrincipalTag/role == \"admin\"",
        "(or (< aws:CurrentTime Date:\"2027-01-01T00:00:00Z\") (== aws:PrincipalTag/role \"admin\"))",
    );
    check_cond("a:x or b:y and c:z", "(or key:a:x (and key:b:y key:c:z))");
    check_cond("a:x and b:y and c:z", "(and (and key:a:x key:b:y) key:c:z)");
    check_cond("a:x or b:y or c:z", "(or (or key:a:x key:b:y) key:c:z)");
    check_cond(
        "not (a:x or b:y) and c:z",
        "(and (not (or key:a:x key:b:y)) key:c:z)",
    );
    check_cond("not not a:x", "(not (not key:a:x))");
    check_cond("true or false", "(or true false)");
    check_cond("k:a not like \"x*\"", "(not like k:a \"x*\")");
    check_cond("k:a not in [\"x\"]", "(not in k:a [\"x\"])");
    check_cond("not k:a like \"x\"", "(not (like k:a \"x\"))");
    check_cond("k:a != \"x\" if exists", "(!= k:a? \"x\")");
    check_cond(
        "s3:max-keys <= 10 and s3:max-keys >= -1.5 and n:x > 1 and n:y < 2",
        "(and (and (and (<= s3:max-keys num:10) (>= s3:max-keys num:-1.5)) (> n:x num:1)) (< n:y num:2))",
    );
    check_cond(
        "all aws:TagKeys like \"team-*\"",
        "(all like aws:TagKeys \"team-*\")",
    );
    check_cond(
        "kms:EncryptionContext:aws:pi == \"x\" and token.actions.githubusercontent.com:sub like \"repo:o/*\"",
        "(and (== kms:EncryptionContext:aws:pi \"x\") (like token.actions.githubusercontent.com:sub \"repo:o/*\"))",
    );
    check_cond(
        "aws:SourceIp? == ip\"10.1.2.3\"",
        "(== aws:SourceIp? Ip:\"10.1.2.3\")",
    );
    check_cond(
        "aws:MultiFactorAuthPresent == true",
        "(== aws:MultiFactorAuthPresent true)",
    );
    // `any`/`all` are names unless a key follows.
    check_cond("k:a == any", "(== k:a name:any)");
}

#[test]
fn expressions() {
    check_expr(
        "\"a\\\"b\\\\c\\nd\\te\\u{1F600}\"",
        "\"a\\\"b\\\\c\\nd\\te😀\"",
    );
    check_expr("\"${aws:username}\"", "\"${aws:username}\"");
    check_expr("-12.5", "num:-12.5");
    check_expr("true", "true");
    check_expr("false", "false");
    check_expr("*", "*");
    check_expr("s3:", "act:s3|");
    check_expr("[[a], [], [b, c,],]", "[[name:a] [] [name:b name:c]]");
    check_expr("cidr\"10.0.0.0/8\"", "Cidr:\"10.0.0.0/8\"");
    check_expr(
        "arn\"arn:aws:iam::{account}:role/${aws:username}-{env.name}/*\"",
        "arn[\"arn:aws:iam::\" {account} \":role/\" var:${aws:username} \"-\" {env.name} \"/*\"]",
    );
    check_expr(
        "arn\"arn:aws:s3:::b/${aws:PrincipalTag/team, 'default'}/$x\"",
        "arn[\"arn:aws:s3:::b/\" var:${aws:PrincipalTag/team, 'default'} \"/$x\"]",
    );
    check_expr("arn\"\"", "arn[]");
    // `{name}` in a string is interpolated; `{{`, `}}` and escapes are text; `${...}` is
    // a policy variable, kept.
    check_expr(
        "\"s3.{env.region}.amazonaws.com\"",
        "str[\"s3.\" {env.region} \".amazonaws.com\"]",
    );
    check_expr(
        "\"{{a}} \\u{7B}{b}}} ${aws:username}-{c}\"",
        "str[\"{a} {\" {b} \"} \" var:${aws:username} \"-\" {c}]",
    );
    check_expr("\"{{x}}\"", "\"{x}\"");
    check_expr(
        "actions(s3, [\"Read\", \"List\",],)",
        "call:actions(name:s3 [\"Read\" \"List\"])",
    );
    check_expr("f()", "call:f()");
    check_stmt(
        "allow action_wildcards([ec2], levels) on *",
        "(allow (call:action_wildcards([name:ec2] name:levels)) on=(*))",
    );
}

#[test]
fn principals() {
    check(
        "principal Developer { arn: arn\"arn:aws:iam::{account}:role/developer\"\n policies: [AppDeveloper] boundary: DeveloperBoundary, scps: [[FullAWSAccess, Guardrails]], resource: R }",
        "(principal Developer {arn: arn[\"arn:aws:iam::\" {account} \":role/developer\"], policies: [name:AppDeveloper], boundary: name:DeveloperBoundary, scps: [[name:FullAWSAccess name:Guardrails]], resource: name:R})",
    );
    check("principal E {}", "(principal E {})");
}

#[test]
fn proofs() {
    check(
        "prove Developer {
            denies iam:* on * except [iam:PassRole]
            denies * on * when not aws:MultiFactorAuthPresent except [iam:ChangePassword], iam:GetAccountPasswordPolicy
            allows ec2:RunInstances on * when aws:MultiFactorAuthPresent
            may allow s3:GetObject on arn\"arn:aws:s3:::app-data/*\"
            within SomePolicy
            equivalent a.OtherPolicy
            allows not [iam:*] on not *
        }",
        "(prove Developer {(denies (act:iam|*) on=(*) except=([act:iam|PassRole])) \
(denies (*) on=(*) when=(not key:aws:MultiFactorAuthPresent) except=([act:iam|ChangePassword] act:iam|GetAccountPasswordPolicy)) \
(allows (act:ec2|RunInstances) on=(*) when=key:aws:MultiFactorAuthPresent) \
(may-allow (act:s3|GetObject) on=(arn[\"arn:aws:s3:::app-data/*\"])) \
(within SomePolicy) (equivalent a.OtherPolicy) (allows (not [act:iam|*]) on=(not *))})",
    );
}

#[test]
fn comments_and_layout() {
    check(
        "// lead\npolicy P { // trailing\n allow * // after\n on * }\n// end",
        "(policy P {(allow (*) on=(*))})",
    );
    check("", "");
    check(
        "\r\npolicy P {\r\n allow *\r\n}\r\n",
        "(policy P {(allow (*))})",
    );
}

#[test]
fn seed_like_programs_parse() {
    let m = ok(include_str!("../../tests/valid/syntax/seeds.iamc"));
    assert_eq!(m.items.len(), 19);
}

#[test]
fn keys_end_at_operators_and_braces() {
    // A key takes no `<`, `=`, `>`, `{` or `}` outside a whole `${...}`.
    check_cond("aws:EpochTime<5", "(< aws:EpochTime num:5)");
    check_cond("s3:max-keys>=10", "(>= s3:max-keys num:10)");
    check_cond("aws:username==\"bob\"", "(== aws:username \"bob\")");
    check_cond(
        "aws:PrincipalTag/${aws:username} == \"x\"",
        "(== aws:PrincipalTag/${aws:username} \"x\")",
    );
    let m = ok("policy P { allow sts:AssumeRole on * when aws:MultiFactorAuthPresent}");
    let Some(Item::Document(d)) = m.items.first() else {
        unreachable!("not a document")
    };
    let Some(Stmt::Rule(r)) = d.body.first() else {
        unreachable!("not a rule")
    };
    assert_eq!(
        r.condition.as_ref().map(cond).unwrap_or_default(),
        "key:aws:MultiFactorAuthPresent"
    );
}

#[test]
fn keys_reject_half_policy_variables() {
    for text in [
        "policy P { allow * on * when aws:PrincipalTag/${aws:username == \"x\" }",
        "policy P { allow * on * when s3:ExistingObjectTag/<key> == \"x\" }",
    ] {
        let (_, diags) = crate::syntax::parse(crate::source::FileId(0), text);
        assert!(
            diags.iter().any(|d| d.is_error()),
            "{text:?} parsed cleanly"
        );
    }
}

/// The help lines of the diagnostics for `text`.
fn helps(text: &str) -> Vec<String> {
    let (_, d) = parse(FileId(0), text);
    d.into_iter().filter_map(|d| d.help).collect()
}

#[test]
fn key_compared_with_key_suggests_a_policy_variable() {
    let h = helps("policy P { allow * on * when aws:PrincipalTag/team == aws:ResourceTag/team }");
    assert_eq!(
        h,
        ["a condition compares a key with a value; to compare with another key, write it as a policy variable: `\"${aws:ResourceTag/team}\"`"]
    );
    let h = helps(
        "policy P { allow * on * when aws:PrincipalTag/team like s3:ExistingObjectTag/team }",
    );
    assert!(h[0].contains("`\"${s3:ExistingObjectTag/team}\"`"), "{h:?}");
    // A `/` that does not follow an operator gets no such hint.
    let h = helps("policy P { allow * on * when aws:SourceVpce == \"x\" / }");
    assert!(h.iter().all(|h| !h.contains("policy variable")), "{h:?}");
}

#[test]
fn exponent_numbers_suggest_decimal() {
    let h = helps("const n = 1e3");
    assert_eq!(
        h,
        ["numbers are written in decimal, without an exponent: `1000`"]
    );
    assert!(helps("const n = 25E2")[0].ends_with("`2500`"));
    // A fraction or a negative exponent falls back to a plain example.
    assert!(helps("const n = 1.5e3")[0].ends_with("`1000`"));
    // A name that merely contains digits and `e` is not a number.
    let h = helps("const n = [x1 e3]");
    assert!(h.iter().all(|h| !h.contains("decimal")), "{h:?}");
}

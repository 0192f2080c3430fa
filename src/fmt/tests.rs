//! Input/expected pairs for every construct of the grammar, and the properties every result
//! must have (idempotence; the soundness check inside `format` covers meaning and comments).

use super::{format, WIDTH};
use crate::diagnostics::Code;
use crate::source::FileId;
use crate::syntax::{parse, without_spans};

fn fmt(text: &str) -> String {
    match format(text, FileId(0)) {
        Ok(out) => out,
        Err(d) => panic!("cannot format {text:?}: {d:#?}"),
    }
}

/// Formats `input`, compares with `expected`, and checks idempotence and the tree.
fn check(input: &str, expected: &str) {
    let out = fmt(input);
    assert_eq!(
        out, expected,
        "\n--- got ---\n{out}\n--- want ---\n{expected}"
    );
    assert_eq!(fmt(&out), out, "not idempotent");
    let (a, _) = parse(FileId(0), input);
    let (b, _) = parse(FileId(0), &out);
    assert_eq!(without_spans(&a), without_spans(&b));
}

/// Imports keep their form (single, aliased, grouped); groups lose spaces and a flat trailing comma, and fill their lines when broken.
#[test]
fn imports() {
    check(
        r#"import std.patterns.allowlist
import   std.patterns.{ allowlist as al , denylist , }
import std.guards.mfa_guard as   mfa
import std.a.{very_long_name_number_one, very_long_name_number_two as two, very_long_name_number_three}
import std.b.{x}
"#,
        r#"import std.patterns.allowlist
import std.patterns.{allowlist as al, denylist}
import std.guards.mfa_guard as mfa
import std.a.{
    very_long_name_number_one, very_long_name_number_two as two, very_long_name_number_three,
}
import std.b.{x}
"#,
    );
}

/// Constants with types (nested `List<...>`), numbers, booleans, names, escaped strings, tagged literals, ARNs with interpolation and policy variables, nested lists; literals exactly as written.
#[test]
fn consts() {
    check(
        r#"const a = 1
const  b : List < List<String> > = [ ["x"] , [] , ]
const c: Number = -1.50
const d = false
const e = env.account
const s = "a\"b\\c\u{e9}\t${aws:username}"

const t = [cidr"10.0.0.0/8", ip"10.1.2.3", date"2026-01-01T00:00:00Z"]
const r = arn"arn:aws:iam::{e}:role/${aws:PrincipalTag/team, 'x'}-{env.suffix}/*"
"#,
        r#"const a = 1
const b: List<List<String>> = [["x"], []]
const c: Number = -1.50
const d = false
const e = env.account
const s = "a\"b\\c\u{e9}\t${aws:username}"

const t = [cidr"10.0.0.0/8", ip"10.1.2.3", date"2026-01-01T00:00:00Z"]
const r = arn"arn:aws:iam::{e}:role/${aws:PrincipalTag/team, 'x'}-{env.suffix}/*"
"#,
    );
}

/// Templates with and without parameters and defaults; parameters one per line (with a trailing comma) when they do not fit.
#[test]
fn templates() {
    check(
        r#"template none() { }
template t(services: List<Service>, except: List<Action> = [], key: String = "team") {
allow services on *
}
template long(first_parameter: List<Service>, second_parameter: List<ArnPattern> = [], third: String = "x",) { deny * on * }
"#,
        r#"template none() {}

template t(services: List<Service>, except: List<Action> = [], key: String = "team") {
    allow services on *
}

template long(
    first_parameter: List<Service>,
    second_parameter: List<ArnPattern> = [],
    third: String = "x",
) {
    deny * on *
}
"#,
    );
}

/// Every document keyword; an empty body is `{}`.
#[test]
fn documents() {
    check(
        r#"policy P { allow s3:GetObject on * }
boundary B { allow * on * }
trust T { allow sts:AssumeRole from service("ec2.amazonaws.com") }
scp S { deny organizations:LeaveOrganization on * }
rcp R { deny s3:* from * on * when not aws:SecureTransport }
resource X { allow s3:GetObject from * on arn"arn:aws:s3:::b/*" }
policy Empty {}
"#,
        r#"policy P {
    allow s3:GetObject on *
}

boundary B {
    allow * on *
}

trust T {
    allow sts:AssumeRole from service("ec2.amazonaws.com")
}

scp S {
    deny organizations:LeaveOrganization on *
}

rcp R {
    deny s3:* from * on * when not aws:SecureTransport
}

resource X {
    allow s3:GetObject from * on arn"arn:aws:s3:::b/*"
}

policy Empty {}
"#,
    );
}

/// Principal fields one per line, without commas.
#[test]
fn principal() {
    check(
        r#"principal Dev { arn: arn"arn:aws:iam::1:role/dev", policies: [P, Q], boundary: B,
 scps: [[S], []], tags: ["team", "platform"], }
"#,
        r#"principal Dev {
    arn: arn"arn:aws:iam::1:role/dev"
    policies: [P, Q]
    boundary: B
    scps: [[S], []]
    tags: ["team", "platform"]
}
"#,
    );
}

/// Every property form: `allows`, `denies`, `may allow`, `on`, `when`, `except`, `within`, `equivalent`.
#[test]
fn prove() {
    check(
        r#"prove Dev { allows s3:GetObject on arn"arn:aws:s3:::b/k" when aws:MultiFactorAuthPresent
denies iam:* on * except iam:PassRole, iam:GetRole
may allow ec2:RunInstances
denies * on * when not aws:MultiFactorAuthPresent except [iam:ChangePassword, iam:GetAccountPasswordPolicy, sts:GetSessionToken]
within B
equivalent P }
"#,
        r#"prove Dev {
    allows s3:GetObject on arn"arn:aws:s3:::b/k" when aws:MultiFactorAuthPresent
    denies iam:* on * except iam:PassRole, iam:GetRole
    may allow ec2:RunInstances
    denies * on *
        when not aws:MultiFactorAuthPresent
        except [iam:ChangePassword, iam:GetAccountPasswordPolicy, sts:GetSessionToken]
    within B
    equivalent P
}
"#,
    );
}

/// Every condition form and comparison operator, `?` and `if exists` as written.
#[test]
fn conds() {
    check(
        r#"policy P {
allow s3:* when aws:a
allow s3:* when aws:a?
allow s3:* when aws:a == 1 and aws:b != "x" and aws:c < 1 and aws:d <= 2 and aws:e > 3 and aws:f >= 4
allow s3:* when aws:a like "x*" or aws:b not like "y" or aws:c in ["z"] or aws:d not in ["w"]
allow s3:* when aws:a == "x" if exists and aws:b? == "y"
allow s3:* when any aws:TagKeys in ["a", "b"] and all aws:TagKeys like "t-*" if exists
allow s3:* when exists(aws:a) and not exists(aws:b?)
allow s3:* when true or false
}
"#,
        r#"policy P {
    allow s3:* when aws:a
    allow s3:* when aws:a?
    allow s3:*
        when aws:a == 1 and aws:b != "x" and aws:c < 1 and aws:d <= 2 and aws:e > 3 and aws:f >= 4
    allow s3:* when aws:a like "x*" or aws:b not like "y" or aws:c in ["z"] or aws:d not in ["w"]
    allow s3:* when aws:a == "x" if exists and aws:b? == "y"
    allow s3:* when any aws:TagKeys in ["a", "b"] and all aws:TagKeys like "t-*" if exists
    allow s3:* when exists(aws:a) and not exists(aws:b?)
    allow s3:* when true or false
}
"#,
    );
}

/// Parentheses only where the tree needs them.
#[test]
fn parens() {
    check(
        r#"policy P {
allow s3:* when (aws:a and aws:b) and aws:c
allow s3:* when aws:a and (aws:b and aws:c)
allow s3:* when (aws:a or aws:b) or aws:c
allow s3:* when aws:a or (aws:b or aws:c)
allow s3:* when aws:a and (aws:b or aws:c)
allow s3:* when (aws:a and aws:b) or aws:c
allow s3:* when not (aws:a and aws:b)
allow s3:* when not (not aws:a)
allow s3:* when ((aws:a))
allow s3:* when not (aws:a == 1)
}
"#,
        r#"policy P {
    allow s3:* when aws:a and aws:b and aws:c
    allow s3:* when aws:a and (aws:b and aws:c)
    allow s3:* when aws:a or aws:b or aws:c
    allow s3:* when aws:a or (aws:b or aws:c)
    allow s3:* when aws:a and (aws:b or aws:c)
    allow s3:* when aws:a and aws:b or aws:c
    allow s3:* when not (aws:a and aws:b)
    allow s3:* when not not aws:a
    allow s3:* when aws:a
    allow s3:* when not aws:a == 1
}
"#,
    );
}

/// `not` clauses and every kind of principal after `from`; clauses stay in the author's order.
#[test]
fn clauses() {
    check(
        r#"policy P {
allow not s3:* on not arn"arn:aws:s3:::x", arn"arn:aws:s3:::y"
deny not [iam:*, sts:*] on *
}
resource R {
allow s3:GetObject from account("111122223333"), service("ec2.amazonaws.com"), federated("cognito-identity.amazonaws.com"), canonical("79a59df9"), arn"arn:aws:iam::1:root", *
deny s3:* on * from not arn"arn:aws:iam::1:role/writer"
}
"#,
        r#"policy P {
    allow not s3:* on not arn"arn:aws:s3:::x", arn"arn:aws:s3:::y"
    deny not [iam:*, sts:*] on *
}

resource R {
    allow s3:GetObject
        from account("111122223333"),
             service("ec2.amazonaws.com"),
             federated("cognito-identity.amazonaws.com"),
             canonical("79a59df9"),
             arn"arn:aws:iam::1:root",
             *
    deny s3:* on * from not arn"arn:aws:iam::1:role/writer"
}
"#,
    );
}

/// The breaking rule: actions fill and align, other lists one per line, `when` on its own line, then every clause, conditions before their operators; `use` arguments one per line, a single list argument hugs the parentheses.
#[test]
fn wrapping() {
    check(
        r#"policy P {
allow iam:ChangePassword, iam:GetUser, iam:CreateAccessKey, iam:DeleteAccessKey, iam:ListAccessKeys, iam:UpdateAccessKey on *
allow s3:GetObject on arn"arn:aws:s3:::a-long-bucket-name/*", arn"arn:aws:s3:::another-long-bucket-name/*"
allow s3:GetObject on * when aws:SourceVpce == "vpce-1a2b3c4d" and aws:PrincipalTag/team == "platform-team"
allow sts:AssumeRole from arn"arn:aws:iam::123412341234:role/a-role-with-a-long-name" on arn"arn:aws:s3:::b"
use passrole_to_service(service: "ecs-tasks.amazonaws.com", roles: arn"arn:aws:iam::123412341234:role/x-*")
use mfa_guard(except: [iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, iam:ListMFADevices])
deny * on * when aws:SourceIp not in [cidr"203.0.113.0/24", cidr"198.51.100.0/24", cidr"2001:db8:1234::/48"]
}
"#,
        r#"policy P {
    allow iam:ChangePassword, iam:GetUser, iam:CreateAccessKey, iam:DeleteAccessKey,
          iam:ListAccessKeys, iam:UpdateAccessKey
        on *
    allow s3:GetObject
        on arn"arn:aws:s3:::a-long-bucket-name/*", arn"arn:aws:s3:::another-long-bucket-name/*"
    allow s3:GetObject on *
        when aws:SourceVpce == "vpce-1a2b3c4d" and aws:PrincipalTag/team == "platform-team"
    allow sts:AssumeRole
        from arn"arn:aws:iam::123412341234:role/a-role-with-a-long-name"
        on arn"arn:aws:s3:::b"
    use passrole_to_service(
        service: "ecs-tasks.amazonaws.com",
        roles: arn"arn:aws:iam::123412341234:role/x-*",
    )
    use mfa_guard(except: [
        iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, iam:ListMFADevices,
    ])
    deny * on *
        when aws:SourceIp not in [
            cidr"203.0.113.0/24",
            cidr"198.51.100.0/24",
            cidr"2001:db8:1234::/48",
        ]
}
"#,
    );
}

/// Comments everywhere: file header, after braces, between statements, between list elements, inside conditions and values, at the end of a body and of the file; blank lines kept (at most one).
#[test]
fn comments() {
    check(
        r#"// File header.


// Second paragraph.
import a.b // why b


/// Doc of P,
/// on two lines.
policy P { // after the brace
    // Before the first statement.


    @sid("S") // after the sid
    allow s3:GetObject, // first action
        // before the second action
        s3:PutObject
        on [ // open
            arn"arn:aws:s3:::a//b", // first arn
            // before the second arn
            arn"arn:aws:s3:::c"
            // after the last arn
        ]
        when aws:a // after a
            // before and
            and aws:b == [ // in the value
            "x"]


    // Between statements.
    deny * on * // trailing
    // At the end of the body.
}
// End of file.
"#,
        r#"// File header.

// Second paragraph.
import a.b // why b

/// Doc of P,
/// on two lines.
policy P { // after the brace
    // Before the first statement.

    @sid("S") // after the sid
    allow s3:GetObject, // first action
          // before the second action
          s3:PutObject
        on [ // open
            arn"arn:aws:s3:::a//b", // first arn
            // before the second arn
            arn"arn:aws:s3:::c",
            // after the last arn
        ]
        when aws:a // after a
            // before and
            and aws:b == [ // in the value
                "x",
            ]

    // Between statements.
    deny * on * // trailing
    // At the end of the body.
}
// End of file.
"#,
    );
}

/// Blank lines: one between declarations, the author's choice (none or one) inside runs of imports and of constants and between statements, none after `{` or before `}`.
#[test]
fn blanks() {
    check(
        r#"import a.b

import a.c
import a.d
const x = 1


const y = 2
const z = 3
policy P {

    allow s3:* on *



    deny s3:* on *
    allow x:y on *

}
policy Q {}



policy R {}
"#,
        r#"import a.b

import a.c
import a.d

const x = 1

const y = 2
const z = 3

policy P {
    allow s3:* on *

    deny s3:* on *
    allow x:y on *
}

policy Q {}

policy R {}
"#,
    );
}

/// Doc comments come back as written (trailing spaces included, since they are part of the documentation); a detached one stays detached.
#[test]
fn doccomments() {
    check(
        r#"///   indented doc   
//// four slashes
policy P {
    /// doc inside a body
    allow s3:* on *
}

/// detached doc

policy Q {}
"#,
        r#"///   indented doc   
//// four slashes
policy P {
    /// doc inside a body
    allow s3:* on *
}

/// detached doc

policy Q {}
"#,
    );
}

/// Non-ASCII text in comments, strings and ARNs.
#[test]
fn nonascii() {
    check(
        r#"// Überprüfung: café 日本 😀
const name = "Zoë 日本語 😀" // ü
policy P { allow s3:GetObject on arn"arn:aws:s3:::bücket/日本/*" when aws:username == "José" }
"#,
        r#"// Überprüfung: café 日本 😀
const name = "Zoë 日本語 😀" // ü

policy P {
    allow s3:GetObject on arn"arn:aws:s3:::bücket/日本/*" when aws:username == "José"
}
"#,
    );
}

#[test]
fn crlf_input_keeps_crlf_line_endings() {
    check(
        "policy P {\r\n  allow s3:GetObject,\r\n    s3:PutObject on * // c\r\n}\r\n",
        "policy P {\r\n    allow s3:GetObject, s3:PutObject on * // c\r\n}\r\n",
    );
    check("const a = 1\nconst b = 2\r\n", "const a = 1\nconst b = 2\n");
}

#[test]
fn a_byte_order_mark_is_kept() {
    check("\u{feff}const a   = 1", "\u{feff}const a = 1\n");
}

#[test]
fn empty_and_comment_only_files() {
    check("", "");
    check("\n\n  \n", "");
    check(
        "\n\n// only\n\n\n// comments   \n\n",
        "// only\n\n// comments\n",
    );
}

#[test]
fn a_file_with_syntax_errors_is_refused_with_the_parser_diagnostics() {
    for text in [
        "policy P { allow }",
        "const a = \"open\n",
        "policy P { allow s3:* on * on * }",
        "import a",
    ] {
        let Err(diags) = format(text, FileId(0)) else {
            panic!("formatted {text:?}");
        };
        assert!(!diags.is_empty());
        assert!(
            diags.iter().all(|d| d.code.as_str().starts_with("E01")),
            "{diags:?}"
        );
        assert!(diags.iter().all(|d| d.code != Code::E0190));
    }
}

#[test]
fn sids_keep_their_literal_as_written() {
    check(
        "policy P { @sid( \"A\\\"b\" ) allow s3:* on * }",
        "policy P {\n    @sid(\"A\\\"b\")\n    allow s3:* on *\n}\n",
    );
}

#[test]
fn rules_take_the_first_layout_that_fits() {
    // One line; then `when` on its own; then every clause on its own.
    let short = "policy P {\n    allow s3:GetObject on * when aws:a\n}\n";
    check(short, short);
    let head = format!(
        "policy P {{\n    allow s3:GetObject on *\n        when aws:PrincipalTag/team == \"{}\"\n}}\n",
        "x".repeat(70)
    );
    check(&head, &head);
    let all = format!(
        "policy P {{\n    allow s3:GetObject\n        from *\n        on arn\"arn:aws:s3:::{}\"\n}}\n",
        "b".repeat(80)
    );
    check(&all, &all);
}

#[test]
fn lines_fit_the_width_unless_a_single_literal_is_longer() {
    let actions: Vec<String> = (0..60).map(|i| format!("s3:Action{i}")).collect();
    let arns: Vec<String> = (0..8)
        .map(|i| format!("arn\"arn:aws:s3:::bucket-{i}-with-a-long-name/*\""))
        .collect();
    let conds: Vec<String> = (0..12).map(|i| format!("aws:k{i} == \"v{i}\"")).collect();
    let text = format!(
        "policy P {{ allow {} on {} when {} }}",
        actions.join(", "),
        arns.join(", "),
        conds.join(" and ")
    );
    let out = fmt(&text);
    assert_eq!(fmt(&out), out);
    for line in out.lines() {
        assert!(line.chars().count() <= WIDTH, "{line:?} is too long");
    }
}

#[test]
fn chains_longer_than_the_parser_accepts_keep_their_parentheses() {
    let left: Vec<String> = (0..200).map(|i| format!("aws:a{i}")).collect();
    let right: Vec<String> = (0..200).map(|i| format!("aws:b{i}")).collect();
    let text = format!(
        "policy P {{ allow s3:* on * when ({}) and {} }}",
        left.join(" and "),
        right.join(" and ")
    );
    let out = fmt(&text);
    assert_eq!(fmt(&out), out);
    assert!(
        out.contains('('),
        "the chain was flattened past the parser's limit"
    );
}

#[test]
fn deep_nesting_is_formatted_without_adding_depth() {
    let text = format!(
        "policy P {{ allow s3:* on * when {}aws:a{} }}\nconst l = {}1{}\n",
        "not (".repeat(30),
        ")".repeat(30),
        "[".repeat(60),
        "]".repeat(60)
    );
    let out = fmt(&text);
    assert_eq!(fmt(&out), out);
}

//! JSON values as YAML block text, for CloudFormation templates.
//!
//! Only what templates need, written so that any YAML 1.1 or 1.2 reader reads back the
//! same value: every string is double-quoted with JSON's escapes (valid YAML escapes), so
//! `"true"`, `"2012-10-17"`, `"*"` or `"arn:aws:..."` can never turn into something else; map
//! keys are plain only when they are names (`Statement`, `Fn::Sub`) and quoted otherwise
//! (`"aws:SourceIp"`); empty maps and lists are `{}` and `[]`.

use serde_json::Value;

/// The value as it follows `key:` in a block mapping whose keys are indented `indent`
/// spaces: ` "scalar"` on the same line, or a line break and a block indented two more.
pub fn after_key(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => block(value, indent + 2, &mut out),
        Value::Array(a) if !a.is_empty() => block(value, indent + 2, &mut out),
        _ => {
            out.push(' ');
            out.push_str(&scalar(value));
        }
    }
    out
}

/// Writes a non-empty map or list as a block at `indent`, each line starting with a line
/// break.
fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                out.push_str(&after_key(v, indent));
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                match item {
                    // A map in a list starts on the dash's line: `- Effect: "Allow"`.
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        block(item, indent + 2, &mut inner);
                        // Drop the first line break and the first line's indentation.
                        let first = inner.trim_start_matches('\n');
                        out.push(' ');
                        out.push_str(first.get(indent + 2..).unwrap_or(first));
                    }
                    Value::Array(a) if !a.is_empty() => block(item, indent + 2, out),
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(item));
                    }
                }
            }
        }
        _ => out.push_str(&scalar(value)),
    }
}

/// A scalar (or an empty collection) in flow style.
fn scalar(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quoted(s),
    }
}

/// A double-quoted YAML string (JSON's escapes are YAML's).
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Words a YAML reader takes for something other than a string when they are plain (YAML
/// 1.1's booleans and null; the condition operator `Null` is one of them).
const SPECIAL: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];

/// A map key: plain when it is a name (letters and digits, `::` between parts, as in
/// `Fn::Sub`) that YAML reads as a string, quoted otherwise.
fn key(k: &str) -> String {
    let plain = !SPECIAL.iter().any(|w| w.eq_ignore_ascii_case(k))
        && k.split("::").all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if plain {
        k.to_string()
    } else {
        quoted(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_scalars_and_keys() {
        let v = json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::b/${!aws:username}"},
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                               "Null": {"aws:TokenIssueTime": "true"}}},
                {"Effect": "Deny", "NotAction": "*", "Principal": {}, "Empty": []}
            ]
        });
        let text = format!("PolicyDocument:{}\n", after_key(&v, 0));
        let want = r#"PolicyDocument:
  Version: "2012-10-17"
  Statement:
    - Effect: "Allow"
      Action:
        - "s3:GetObject"
        - "s3:PutObject"
      Resource:
        Fn::Sub: "arn:${AWS::Partition}:s3:::b/${!aws:username}"
      Condition:
        Bool:
          "aws:MultiFactorAuthPresent": "true"
        "Null":
          "aws:TokenIssueTime": "true"
    - Effect: "Deny"
      NotAction: "*"
      Principal: {}
      Empty: []
"#;
        assert_eq!(text, want);
        assert_eq!(after_key(&json!("a\"b\n"), 4), r#" "a\"b\n""#);
        assert_eq!(after_key(&json!(3600), 4), " 3600");
    }

    #[test]
    fn nested_lists_indent_under_their_dash() {
        let v = json!([["a", "b"], "c"]);
        assert_eq!(
            format!("K:{}", after_key(&v, 2)),
            "K:\n    -\n      - \"a\"\n      - \"b\"\n    - \"c\""
        );
    }
}

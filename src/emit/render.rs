//! The tera templates: the embedded ones (`templates/` in the repository, compiled into
//! the binary), a project's overrides, the filters they use, and rendering.
//!
//! Templates are registered under their path without `.tera` (`cloudformation/template.yaml`),
//! so tera's autoescaping, which it only turns on for `.html`, `.htm` and `.xml` names,
//! stays off; it is also switched off explicitly. Values reach the templates already
//! written for their target (see `cfn` and `terraform`); the filters only lay them out:
//!
//! - `yaml(indent=N)`: a value as it follows `key:` in a YAML mapping indented N spaces;
//! - `json(indent=N)`: a value as pretty JSON, lines after the first indented N spaces;
//! - `json_encode` (tera's): a string as a JSON (and YAML) double-quoted string.

use super::yaml;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use tera::Tera;

/// The embedded templates: (name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "cloudformation/template.yaml",
        include_str!("../../templates/cloudformation/template.yaml.tera"),
    ),
    (
        "cloudformation/template.json",
        include_str!("../../templates/cloudformation/template.json.tera"),
    ),
    (
        "terraform/main.tf",
        include_str!("../../templates/terraform/main.tf.tera"),
    ),
];

/// Why templates could not be used: the message says which template and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// tera's error with its causes, on one line.
fn explain(e: &tera::Error) -> TemplateError {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    TemplateError(
        parts
            .join(": ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The template engine: the embedded templates, replaced by `overrides` of the same name
/// (`(name, text)`, the name relative to the project's templates folder without `.tera`).
pub fn engine(overrides: &[(String, String)]) -> Result<Tera, TemplateError> {
    let mut all: BTreeMap<String, String> = EMBEDDED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (name, text) in overrides {
        all.insert(name.clone(), text.clone());
    }
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::new());
    tera.register_filter("yaml", yaml_filter);
    tera.register_filter("json", json_filter);
    tera.add_raw_templates(all).map_err(|e| explain(&e))?;
    Ok(tera)
}

/// Renders template `name` with `context` (a JSON object).
pub fn render(tera: &Tera, name: &str, context: &Value) -> Result<String, TemplateError> {
    let ctx = tera::Context::from_value(context.clone()).map_err(|e| explain(&e))?;
    tera.render(name, &ctx).map_err(|e| explain(&e))
}

fn indent_arg(args: &HashMap<String, Value>) -> tera::Result<usize> {
    match args.get("indent") {
        None => Ok(0),
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| tera::Error::msg("`indent` is a number of spaces")),
    }
}

fn yaml_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(yaml::after_key(value, indent_arg(args)?)))
}

fn json_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let pad = " ".repeat(indent_arg(args)?);
    let text = serde_json::to_string_pretty(value).map_err(tera::Error::msg)?;
    Ok(Value::String(text.replace('\n', &format!("\n{pad}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_parse_and_overrides_replace_them() {
        let tera = engine(&[]).unwrap();
        let names: Vec<&str> = tera.get_template_names().collect();
        assert_eq!(names.len(), EMBEDDED.len());
        let tera = engine(&[(
            "cloudformation/template.yaml".into(),
            "{{ group }}:{{ doc | yaml(indent=0) }}".into(),
        )])
        .unwrap();
        let out = render(
            &tera,
            "cloudformation/template.yaml",
            &serde_json::json!({"group": "g", "doc": {"a": ["b"]}}),
        )
        .unwrap();
        assert_eq!(out, "g:\n  a:\n    - \"b\"");
        let e = engine(&[("x.yaml".into(), "{% for %}".into())]).unwrap_err();
        assert!(e.0.contains("x.yaml"), "{e}");
        let e = render(
            &tera,
            "cloudformation/template.yaml",
            &serde_json::json!({}),
        )
        .unwrap_err();
        assert!(e.0.contains("group"), "{e}");
    }
}

//! The selected environment: the values `env.NAME` stands for, and where `iamc.toml`
//! defines each (for diagnostics and for the editor's go-to-definition).
//!
//! This is the one environment type: `iamc.toml`'s `[env.NAME]` tables parse into it and
//! the checker reads it. A constant is a string, a number, a boolean or a list of them
//! (`regions = ["eu-west-1", "eu-central-1"]`); the checker types it where it is used.

use crate::source::Span;
use std::collections::BTreeMap;

/// One `[env.NAME]` table of `iamc.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    /// By name.
    pub constants: BTreeMap<String, EnvConstant>,
    /// The table's name in `iamc.toml`.
    pub span: Span,
}

/// One constant of an environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvConstant {
    pub value: EnvValue,
    /// The constant's name in `iamc.toml` (its definition).
    pub span: Span,
    /// Its value in `iamc.toml`.
    pub value_span: Span,
}

/// The value of an environment constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    String(String),
    /// An integer or a float, as TOML reads it (`42`, `1.5`).
    Number(String),
    Bool(bool),
    /// A list, each item with where it is written.
    List(Vec<(EnvValue, Span)>),
}

impl Default for EnvValue {
    fn default() -> EnvValue {
        EnvValue::String(String::new())
    }
}

impl Environment {
    /// An environment written in code (tests, tools): string constants, every span the
    /// default one.
    pub fn new<'a>(name: &str, constants: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment {
            name: name.to_string(),
            constants: constants
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        EnvConstant {
                            value: EnvValue::String(v.to_string()),
                            ..EnvConstant::default()
                        },
                    )
                })
                .collect(),
            span: Span::default(),
        }
    }

    /// The constant `env.NAME`.
    pub fn get(&self, name: &str) -> Option<&EnvConstant> {
        self.constants.get(name)
    }

    /// The text of a scalar `env.NAME` (a string, a number as written, `true`/`false`);
    /// `None` for a list or an unknown name.
    pub fn value(&self, name: &str) -> Option<&str> {
        match &self.constants.get(name)?.value {
            EnvValue::String(s) | EnvValue::Number(s) => Some(s),
            EnvValue::Bool(true) => Some("true"),
            EnvValue::Bool(false) => Some("false"),
            EnvValue::List(_) => None,
        }
    }
}

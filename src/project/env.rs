//! The selected environment: the values `env.NAME` stands for, and where `iamc.toml`
//! defines each (for diagnostics and for the editor's go-to-definition).
//!
//! This is the one environment type: `iamc.toml`'s `[env.NAME]` tables parse into it and
//! the checker reads it.

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
    pub value: String,
    /// The constant's name in `iamc.toml` (its definition).
    pub span: Span,
}

impl Environment {
    /// An environment written in code (tests, tools): every span is the default one.
    pub fn new<'a>(name: &str, constants: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment {
            name: name.to_string(),
            constants: constants
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        EnvConstant {
                            value: v.to_string(),
                            span: Span::default(),
                        },
                    )
                })
                .collect(),
            span: Span::default(),
        }
    }

    /// The value of `env.NAME`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.constants.get(name).map(|c| c.value.as_str())
    }
}

//! Parsing real IAM policy JSON into the model, with the JSON path of every problem.
//! (Owned by the evaluation-engine work; see issue 4.)

use super::Document;
use std::fmt;

/// A document that is not valid IAM policy JSON, with where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// A JSON path such as `$.Statement[1].Condition.StringEquals`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses one policy document from a JSON value. `path` is the JSON path of `value` itself
/// (`$` for a whole file, `$.identity[0]` inside a scenario).
pub fn parse_document(value: &serde_json::Value, path: &str) -> Result<Document, ParseError> {
    let _ = value;
    Err(ParseError {
        path: path.to_string(),
        message: "policy JSON parsing is not built yet".into(),
    })
}

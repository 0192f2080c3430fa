//! Typed IR -> the IAM policy model: `or` splitting, grouping, statement ids (E04xx).

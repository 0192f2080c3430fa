//! The evaluation engine: AWS's decision for one request, and why.

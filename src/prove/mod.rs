//! Proofs over every request (a later issue).

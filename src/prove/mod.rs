//! The prover: `prove` properties decided over every request (see docs/prover.md).

pub mod automaton;
pub mod patterns;
pub mod points;

//! Types, operator selection per key type, catalog checks, template expansion (E03xx).

pub mod catalog;
pub mod ir;

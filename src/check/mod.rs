//! Types, operator selection per key type, catalog checks, template expansion (E03xx).

pub mod ir;

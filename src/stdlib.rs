//! The standard library, embedded in the binary so an installed `iamc` needs no files.
//! A test checks this list against the `stdlib/` directory.

/// `(module path, file name shown in diagnostics, text)`
pub const STDLIB: &[(&str, &str, &str)] = &[];

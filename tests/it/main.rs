//! The one integration-test binary (one link step on 2 cores). Each module drives the real
//! `iamc` binary or the library on a corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod analysis;
mod architecture;
mod catalog;
mod cli;
mod codes;
mod comments;
mod compact;
mod deploy;
mod deploy_check;
mod deploy_props;
mod docs;
mod editors;
mod equivalence;
mod eval;
mod first_use;
mod fmt;
mod frontend;
mod frontend_props;
mod golden;
mod hardening;
mod lowering;
mod lsp;
mod prove;
mod prove_random;
mod stdlib;
mod support;
mod syntax;
mod values;

//! The one integration-test binary (one link step on 2 cores). Each module drives the real
//! `iamc` binary or the library on a corpus.

mod architecture;
mod catalog;
mod cli;
mod eval;
mod frontend;
mod golden;
mod syntax;

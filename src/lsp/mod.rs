//! The language server, `iamc lsp`: the compiler's own passes on the editor's open
//! buffers, over JSON-RPC on standard input and output.
//!
//! `transport` frames messages (and survives malformed ones); `server` runs the loop, the
//! lifecycle and the pause before re-analysis; `refresh` re-analyses and publishes;
//! `session` handles `initialize` and the notifications; `handlers` decodes each request
//! and encodes its answer; `convert` is the one place that turns byte offsets into LSP
//! positions and compiler data into `lsp_types`; `documents` holds the open buffers,
//! `overlay` lays them over the disk for the project loader, and `workspace` decides which
//! files are analysed together and analyses them; `features` are the queries (hover,
//! completion, navigation, rename, symbols, quick fixes, formatting, inlay hints, lenses),
//! which know nothing of the protocol; `proofs` decides `prove` blocks on a background
//! thread; `cache` writes embedded texts (error explanations, the standard library, emitted
//! JSON) where the editor can open them. docs/lsp.md describes what the client sees.

mod cache;
mod convert;
mod documents;
pub mod features;
mod handlers;
mod overlay;
mod proofs;
mod refresh;
mod server;
mod session;
pub mod transport;
mod uri;
mod workspace;

pub use server::{run, Options, DEBOUNCE};

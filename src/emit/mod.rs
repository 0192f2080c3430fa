//! Emitters: deterministic bytes for each output format. No I/O here; `cli` writes them.

//! Go to definition and find references, across the files of a compilation, from the
//! name table: every use of a constant, template, parameter, declaration, module or
//! environment constant resolves to the definition the checker itself used.

use super::Ctx;
use crate::source::Span;

/// Where the name at `offset` is defined (a module's definition is the start of its
/// file; an environment constant's is its key in `iamc.toml`).
pub fn definition(ctx: &Ctx<'_>, offset: u32) -> Option<Span> {
    let (_, def) = ctx.analysis.definition_at(ctx.file, offset)?;
    Some(def.span)
}

/// Every use of the name at `offset`, and its definition if asked, in source order.
pub fn references(ctx: &Ctx<'_>, offset: u32, with_definition: bool) -> Vec<Span> {
    let Some((id, def)) = ctx.analysis.definition_at(ctx.file, offset) else {
        return Vec::new();
    };
    let mut out: Vec<Span> = ctx.analysis.references_of(id).map(|r| r.span).collect();
    if with_definition && !def.span.is_empty() {
        out.push(def.span);
    }
    out.sort();
    out.dedup();
    out
}

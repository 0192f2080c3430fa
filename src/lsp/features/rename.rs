//! Rename: a constant, template, parameter, declaration or principal, at its definition
//! and every use, across the files of the compilation.
//!
//! A use spelt differently (through an import alias: `import m.{c as d}` then `d`) keeps
//! its spelling; the import's `c` is renamed. The standard library, modules (file names)
//! and environment constants (keys of `iamc.toml`, one per environment) are not renamed.

use super::{Ctx, Edit};
use crate::resolve::names::{DefKind, Definition};
use crate::source::{Origin, Span};
use crate::syntax::keywords::RESERVED;

/// The name under the cursor that a rename would change, and its text.
pub fn prepare(ctx: &Ctx<'_>, offset: u32) -> Result<(Span, String), String> {
    let (_, def) = ctx
        .analysis
        .definition_at(ctx.file, offset)
        .ok_or("no name to rename here")?;
    renamable(ctx, def)?;
    let span = match ctx.analysis.names.reference_at(ctx.file, offset) {
        Some(r) => name_in(ctx, r.span, &def.name).ok_or_else(|| {
            format!(
                "`{}` is an import alias; rename `{}` at the import or where it is declared",
                ctx.analysis.sources.slice(r.span),
                def.name
            )
        })?,
        None => def.span,
    };
    Ok((span, def.name.clone()))
}

/// The edits that rename the definition of the name at `offset` to `new_name`.
pub fn rename(ctx: &Ctx<'_>, offset: u32, new_name: &str) -> Result<Vec<Edit>, String> {
    let (id, def) = ctx
        .analysis
        .definition_at(ctx.file, offset)
        .ok_or("no name to rename here")?;
    renamable(ctx, def)?;
    if !is_name(new_name) {
        return Err(format!("`{new_name}` is not a name"));
    }
    let mut edits = vec![Edit {
        span: def.span,
        text: new_name.to_string(),
    }];
    for r in ctx.analysis.references_of(id) {
        if let Some(span) = name_in(ctx, r.span, &def.name) {
            edits.push(Edit {
                span,
                text: new_name.to_string(),
            });
        }
    }
    edits.sort_by_key(|e| e.span);
    edits.dedup_by_key(|e| e.span);
    Ok(edits)
}

fn renamable(ctx: &Ctx<'_>, def: &Definition) -> Result<(), String> {
    match def.kind {
        DefKind::Module => return Err("a module is named by its file; rename the file".into()),
        DefKind::EnvConstant => {
            return Err("environment constants are keys of `iamc.toml`, one per environment".into())
        }
        _ => {}
    }
    match ctx.analysis.sources.get(def.span.file).map(|f| &f.origin) {
        Some(Origin::File(_) | Origin::Memory(_)) => Ok(()),
        _ => Err(format!(
            "`{}` is declared in the standard library",
            def.name
        )),
    }
}

/// Where `name` is written in a use: the whole span, or the last segment of a dotted
/// path; `None` when the use is spelt otherwise (an alias).
fn name_in(ctx: &Ctx<'_>, span: Span, name: &str) -> Option<Span> {
    let text = ctx.analysis.sources.slice(span);
    if text == name {
        return Some(span);
    }
    let last = text.strip_suffix(name).filter(|rest| rest.ends_with('.'))?;
    let start = span.start + u32::try_from(last.len()).ok()?;
    Some(Span {
        file: span.file,
        start,
        end: span.end,
    })
}

/// An identifier the grammar accepts as a declared name.
pub fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
        && !RESERVED.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_grammar() {
        assert!(is_name("account_2"));
        assert!(is_name("_x"));
        assert!(!is_name("2x"));
        assert!(!is_name("a-b"));
        assert!(!is_name("policy"));
        assert!(!is_name(""));
    }
}

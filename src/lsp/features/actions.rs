//! Code actions: the machine-applicable fixes the compiler's diagnostics carry ("did you
//! mean `s3:GetObject`?"), offered as quick fixes where the cursor or selection touches
//! the diagnostic.

use super::{Ctx, Edit};
use crate::diagnostics::Diagnostic;

/// One quick fix.
#[derive(Clone, Debug)]
pub struct QuickFix<'a> {
    pub title: String,
    pub edit: Edit,
    /// The diagnostic it fixes.
    pub diagnostic: &'a Diagnostic,
}

/// The fixes of diagnostics in the file that overlap `start..end` (bytes).
pub fn quick_fixes<'a>(ctx: &Ctx<'a>, start: u32, end: u32) -> Vec<QuickFix<'a>> {
    ctx.analysis
        .diagnostics
        .iter()
        .filter(|d| d.primary.file == ctx.file && d.primary.start <= end && start <= d.primary.end)
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let title = match &d.help {
                Some(h) if h.starts_with("did you mean") => h.clone(),
                _ => format!("replace with `{}`", fix.replacement),
            };
            Some(QuickFix {
                title,
                edit: Edit {
                    span: fix.span,
                    text: fix.replacement.clone(),
                },
                diagnostic: d,
            })
        })
        .collect()
}

//! Code lenses: above each declaration, the size of the JSON it emits against its budget
//! (with a command that shows the JSON); above each `prove` property, its proof status
//! and time.

use super::super::proofs::{self, Status};
use super::Ctx;
use crate::source::Span;
use crate::syntax::ast;

/// The command a declaration's lens runs: show the emitted JSON. Its argument names the
/// declaration (see [`ShowJson`]).
pub const SHOW_JSON: &str = "iamc.showJson";

/// A lens: a title above `span`, with the command it runs if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub span: Span,
    pub title: String,
    pub command: Option<ShowJson>,
}

/// The argument of [`SHOW_JSON`]: a declaration by module and name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShowJson {
    pub module: String,
    pub name: String,
}

pub fn lenses(ctx: &Ctx<'_>) -> Vec<Lens> {
    let mut out = Vec::new();
    for d in &ctx.analysis.documents {
        if d.span.file != ctx.file || d.is_std {
            continue;
        }
        let share = d.size.saturating_mul(100) / d.budget.max(1);
        out.push(Lens {
            span: d.span,
            title: format!(
                "{} of {} characters ({share}%) · show JSON",
                d.size, d.budget
            ),
            command: Some(ShowJson {
                module: d.module.clone(),
                name: d.name.clone(),
            }),
        });
    }
    let Some(module) = ctx.module() else {
        return out;
    };
    let errors = ctx.analysis.has_errors();
    for item in &module.items {
        let ast::Item::Prove(p) = item else {
            continue;
        };
        for prop in &p.properties {
            let outcome = ctx.proofs.outcomes.iter().find(|o| o.span == prop.span);
            let title = match (outcome, &ctx.proofs.status) {
                (Some(o), _) => {
                    let mut t = format!("{} in {}", o.verdict, millis(o.ms));
                    if let Some(d) = &o.detail {
                        t.push_str(": ");
                        t.push_str(d);
                    }
                    t
                }
                (None, Status::Running) => "proving...".to_string(),
                (None, _) if errors => "not proved: fix the errors first".to_string(),
                (None, _) if !proofs::AVAILABLE => {
                    "not proved: this build has no prover".to_string()
                }
                (None, _) => "not proved".to_string(),
            };
            out.push(Lens {
                span: prop.span,
                title,
                command: None,
            });
        }
    }
    out
}

fn millis(ms: f64) -> String {
    if ms < 1.0 {
        "<1 ms".to_string()
    } else {
        format!("{ms:.0} ms")
    }
}

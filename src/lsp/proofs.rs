//! Proofs in the background: one thread decides the `prove` blocks of the latest analysis
//! of each compilation while the loop goes on answering, and hands the outcomes back.
//!
//! Every job carries its compilation's generation. The thread skips a job when a newer
//! one for the same compilation is already queued, and a job that becomes stale while it
//! runs is cut short: its clock jumps past every deadline, so each remaining property
//! gives up at once (the prover checks its deadline as it searches). The loop drops any
//! result whose generation is not its compilation's current one.
//!
//! Proofs run only on an analysis without errors: the prover needs the whole program, and
//! a property over a half-checked one would be decided on the wrong policies.

use super::workspace::Root;
use crate::catalog::Catalog;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::Analysis;
use std::collections::BTreeMap;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

/// Whether this build can decide proofs (the prover's library entry point is wired in).
pub const AVAILABLE: bool = false;

/// The outcome of one property.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The property as written.
    pub span: Span,
    /// `proved`, `refuted`, `vacuous` or `undecided`.
    pub verdict: String,
    pub ms: f64,
    /// What to say beyond the verdict (the counterexample's request, why undecided).
    pub detail: Option<String>,
    /// The rules whose statements decided a refutation.
    pub deciding: Vec<Span>,
}

impl Outcome {
    pub fn refuted(&self) -> bool {
        self.verdict == "refuted"
    }
}

/// Where a compilation's proofs stand.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Status {
    /// Not started: the analysis has errors, or this build has no prover.
    #[default]
    Idle,
    Running,
    /// Decided; the outcomes are those of this generation.
    Done,
}

/// A compilation's proofs: their status, the latest outcomes and the prover's
/// diagnostics (`E05xx`). Those of an earlier generation are kept, where every file they
/// point into is unchanged, until new ones arrive, so a refuted property does not blink
/// out at every keystroke elsewhere.
#[derive(Clone, Debug, Default)]
pub struct Proofs {
    pub status: Status,
    pub outcomes: Vec<Outcome>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Proofs {
    /// What of `old` still holds in a new analysis: the outcomes and diagnostics whose
    /// files `unchanged` accepts.
    pub fn carried(old: Proofs, unchanged: impl Fn(FileId) -> bool) -> Proofs {
        Proofs {
            status: Status::Idle,
            outcomes: old
                .outcomes
                .into_iter()
                .filter(|o| unchanged(o.span.file) && o.deciding.iter().all(|d| unchanged(d.file)))
                .collect(),
            diagnostics: old
                .diagnostics
                .into_iter()
                .filter(|d| {
                    unchanged(d.primary.file) && d.labels.iter().all(|l| unchanged(l.span.file))
                })
                .collect(),
        }
    }
}

/// One request for proofs.
pub struct Job {
    pub root: Root,
    pub generation: u64,
    pub analysis: Arc<Analysis>,
}

/// The answer to a job.
#[derive(Debug)]
pub struct Finished {
    pub root: Root,
    pub generation: u64,
    pub outcomes: Vec<Outcome>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The handle of the background thread.
pub struct Prover {
    jobs: Sender<Job>,
    latest: Arc<Mutex<BTreeMap<Root, u64>>>,
}

impl Prover {
    /// Starts the thread; `deliver` hands results to the loop (false: the loop is gone).
    pub fn start(
        catalog: &'static Catalog,
        deliver: impl Fn(Finished) -> bool + Send + 'static,
    ) -> std::io::Result<Prover> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let latest: Arc<Mutex<BTreeMap<Root, u64>>> = Arc::default();
        let seen = Arc::clone(&latest);
        std::thread::Builder::new()
            .name("iamc-lsp-prover".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    // Of what queued up meanwhile, only the newest job per compilation.
                    let mut queued: BTreeMap<Root, Job> = BTreeMap::new();
                    for job in std::iter::once(first).chain(rx.try_iter()) {
                        queued.insert(job.root.clone(), job);
                    }
                    for (_, job) in queued {
                        let current = || {
                            seen.lock()
                                .map(|m| m.get(&job.root) == Some(&job.generation))
                                .unwrap_or(false)
                        };
                        if !current() {
                            continue;
                        }
                        let (outcomes, diagnostics) = prove(&job.analysis, catalog, &|| !current());
                        let done = Finished {
                            root: job.root,
                            generation: job.generation,
                            outcomes,
                            diagnostics,
                        };
                        if !deliver(done) {
                            return;
                        }
                    }
                }
            })?;
        Ok(Prover { jobs, latest })
    }

    /// Queues the proofs of a compilation's newest analysis; older jobs of it become stale.
    pub fn submit(&self, job: Job) {
        if let Ok(mut m) = self.latest.lock() {
            m.insert(job.root.clone(), job.generation);
        }
        let _ = self.jobs.send(job);
    }

    /// Marks a compilation's jobs stale (it was dropped).
    pub fn forget(&self, root: &Root) {
        if let Ok(mut m) = self.latest.lock() {
            m.remove(root);
        }
    }
}

/// Decides every property of an analysis: the outcome of each, and the prover's
/// diagnostics. `stale` turns true when the result is no longer wanted.
///
/// The prover's library entry point (`prove::driver::run`) is not on this branch yet;
/// until it is, there is nothing to decide and [`AVAILABLE`] is false. The bridge goes
/// here and nowhere else: run the driver on `prove::report::inputs(analysis)` with a clock
/// that jumps past every deadline once `stale()`, map each report to an [`Outcome`]
/// (span of the property, `verdict_word()`, `ms`, the deciding statements through
/// `analysis.documents[d].origins[s].rule`), and take the diagnostics from
/// `prove::report::diagnostics`.
fn prove(
    analysis: &Analysis,
    catalog: &Catalog,
    stale: &dyn Fn() -> bool,
) -> (Vec<Outcome>, Vec<Diagnostic>) {
    let _ = (analysis, catalog, stale);
    (Vec::new(), Vec::new())
}

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
use crate::prove::driver::{self, Settings};
use crate::prove::report;
use crate::source::{FileId, Span};
use crate::Analysis;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Whether this build can decide proofs (the prover's library entry point is wired in).
pub const AVAILABLE: bool = true;

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
    /// The project's budgets (`[prove]` in `iamc.toml`).
    pub settings: Settings,
}

/// The answer to a job.
#[derive(Debug)]
pub struct Finished {
    pub root: Root,
    pub generation: u64,
    pub outcomes: Vec<Outcome>,
    pub diagnostics: Vec<Diagnostic>,
    /// The prover panicked (a bug): nothing was decided.
    pub failed: bool,
}

/// The newest generation of each compilation, shared by the loop and the thread.
#[derive(Default)]
struct Latest {
    generations: Mutex<BTreeMap<Root, u64>>,
    /// Bumped by every change of `generations`, so a running job can tell cheaply that
    /// nothing changed (its clock is read often).
    changes: AtomicU64,
}

impl Latest {
    fn set(&self, root: &Root, generation: Option<u64>) {
        if let Ok(mut m) = self.generations.lock() {
            match generation {
                Some(g) => m.insert(root.clone(), g),
                None => m.remove(root),
            };
        }
        self.changes.fetch_add(1, Ordering::SeqCst);
    }

    fn is_current(&self, root: &Root, generation: u64) -> bool {
        self.generations
            .lock()
            .map(|m| m.get(root) == Some(&generation))
            .unwrap_or(false)
    }
}

/// Whether a running job went stale, looked up again only after a change.
struct Watch<'a> {
    latest: &'a Latest,
    root: &'a Root,
    generation: u64,
    seen: Cell<u64>,
    stale: Cell<bool>,
}

impl Watch<'_> {
    fn stale(&self) -> bool {
        let now = self.latest.changes.load(Ordering::SeqCst);
        if !self.stale.get() && now != self.seen.get() {
            self.seen.set(now);
            self.stale
                .set(!self.latest.is_current(self.root, self.generation));
        }
        self.stale.get()
    }
}

/// The handle of the background thread.
pub struct Prover {
    jobs: Sender<Job>,
    latest: Arc<Latest>,
}

impl Prover {
    /// Starts the thread; `deliver` hands results to the loop (false: the loop is gone).
    pub fn start(
        catalog: &'static Catalog,
        deliver: impl Fn(Finished) -> bool + Send + 'static,
    ) -> std::io::Result<Prover> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let latest: Arc<Latest> = Arc::default();
        let shared = Arc::clone(&latest);
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
                        let watch = Watch {
                            latest: &shared,
                            root: &job.root,
                            generation: job.generation,
                            seen: Cell::new(shared.changes.load(Ordering::SeqCst)),
                            stale: Cell::new(!shared.is_current(&job.root, job.generation)),
                        };
                        if watch.stale() {
                            continue;
                        }
                        // A bug in the prover costs these results, not the thread.
                        let proved = catch_unwind(AssertUnwindSafe(|| {
                            prove(&job.analysis, catalog, job.settings, &|| watch.stale())
                        }));
                        let failed = proved.is_err();
                        let (outcomes, diagnostics) = proved.unwrap_or_default();
                        let done = Finished {
                            root: job.root.clone(),
                            generation: job.generation,
                            outcomes,
                            diagnostics,
                            failed,
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
        self.latest.set(&job.root, Some(job.generation));
        let _ = self.jobs.send(job);
    }

    /// Marks a compilation's jobs stale (it was dropped).
    pub fn forget(&self, root: &Root) {
        self.latest.set(root, None);
    }
}

/// Decides every property of an analysis (`prove::driver::run`, as `iamc prove` does):
/// the outcome of each for the lenses, and the prover's diagnostics
/// (`prove::report::diagnostics`: `E0501` at a refuted property with the deciding
/// statements as labels, `E0503` undecided, ...). `stale` turns true when the result is
/// no longer wanted: the clock then reads infinity, past every property's deadline.
fn prove(
    analysis: &Analysis,
    catalog: &Catalog,
    settings: Settings,
    stale: &dyn Fn() -> bool,
) -> (Vec<Outcome>, Vec<Diagnostic>) {
    let start = Instant::now();
    let now_ms = || {
        if stale() {
            f64::INFINITY
        } else {
            start.elapsed().as_secs_f64() * 1000.0
        }
    };
    let reports = driver::run(
        &report::inputs(analysis),
        &analysis.sources,
        catalog,
        settings,
        &now_ms,
    );
    let outcomes = reports
        .iter()
        .map(|r| Outcome {
            span: r.span,
            verdict: r.verdict_word().to_string(),
            ms: r.ms,
            detail: (r.verdict_word() == "refuted")
                .then(|| r.hit())
                .flatten()
                .map(|h| {
                    format!(
                        "counterexample {}",
                        report::request_line(&h.request, &r.keys)
                    )
                }),
            deciding: r
                .deciding
                .iter()
                .filter_map(|d| {
                    let doc = analysis.documents.get(d.document)?;
                    doc.origins.get(d.statement).map(|o| o.rule)
                })
                .collect(),
        })
        .collect();
    (outcomes, report::diagnostics(analysis, &reports))
}

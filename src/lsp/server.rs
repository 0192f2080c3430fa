//! The server loop: one thread, one queue of events (client messages, proof results),
//! the LSP lifecycle, and re-analysis after a short pause in the typing.
//!
//! Text changes are not analysed one by one. A change that ends a quiet spell (an
//! isolated keystroke) is analysed at once; a change that follows another within the
//! pause (`debounceMs`: a paste, an auto-closed bracket, several cursors, fast typing)
//! re-arms a timer, and the loop analyses when it expires, when a request arrives
//! (answers always reflect every change before them), or when changes have kept coming
//! for several pauses. So diagnostics follow a keystroke by the analysis time alone, and
//! a burst costs one analysis, not one per change.
//!
//! Analysis re-runs parse -> resolve -> check -> lower on the whole compilation of each
//! changed document, then publishes the diagnostics of every file whose list changed (and
//! always of the changed documents), then queues the proofs.
//!
//! Every handler runs under `catch_unwind`: a bug in one answer becomes an "internal
//! error" response, and the session goes on. Lifecycle per the specification: requests
//! before `initialize` get "server not initialized", requests after `shutdown` get
//! "invalid request", `exit` ends the loop with status 0 after `shutdown` and 1 without.

use super::cache::Cache;
use super::convert::{self, DiagnosticsCtx, Encoding};
use super::documents::Documents;
use super::overlay::Overlay;
use super::proofs::{self, Finished, Job, Proofs, Prover, Status};
use super::transport::{self, Incoming, Outgoing};
use super::workspace::{self, Compilation, Root, Settings};
use crate::catalog::Catalog;
use crate::project::FileSystem;
use crate::source::{FileId, Sources};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the command line hands the server.
pub struct Options {
    /// The catalog in use (the user's, else the embedded one).
    pub catalog: &'static Catalog,
    /// The disk, under the open buffers.
    pub fs: Box<dyn FileSystem>,
}

/// The pause that gathers changes arriving together, unless `debounceMs` says
/// otherwise: long enough for the changes an editor sends at once (a paste, an
/// auto-closed bracket, several cursors), shorter than the gap between keystrokes.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

/// Changes that keep coming are analysed after this many timer lengths anyway.
const MAX_DELAY_FACTOR: u32 = 4;

enum Event {
    Client(Incoming),
    Proofs(Finished),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

/// What the client said it can do, as far as the server cares.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Client {
    pub show_document: bool,
    pub code_lens_refresh: bool,
    pub watch_files: bool,
}

/// The server's state.
pub(super) struct Server {
    pub out: mpsc::Sender<Outgoing>,
    pub settings: Settings,
    pub base: Box<dyn FileSystem>,
    pub docs: Documents,
    pub compilations: BTreeMap<Root, Compilation>,
    /// The compilation each open document belongs to.
    pub assigned: BTreeMap<String, Root>,
    /// Documents opened, changed or closed since the last analysis.
    changed: BTreeSet<String>,
    /// Compilations to redo whatever changed (a document left them, files changed on disk).
    dirty: BTreeSet<Root>,
    /// Every project is to be redone (files changed on disk).
    rescan: bool,
    deadline: Option<Instant>,
    first_pending: Option<Instant>,
    last_change: Option<Instant>,
    pub debounce: Duration,
    pub enc: Encoding,
    generation: u64,
    prover: Option<Prover>,
    /// What was last published, per URI.
    published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    pub client: Client,
    pub cache: Cache,
    phase: Phase,
    next_id: i32,
}

/// Runs the server on standard input and output until `exit` or the end of input;
/// returns the process status (0 after an orderly shutdown, 1 otherwise).
pub fn run(options: Options) -> i32 {
    let (events, queue) = mpsc::channel::<Event>();
    let to_loop = events.clone();
    let stdin = std::io::BufReader::new(std::io::stdin());
    if transport::spawn_reader(stdin, move |m| to_loop.send(Event::Client(m)).is_ok()).is_err() {
        return 1;
    }
    let Ok((out, writer)) = transport::spawn_writer(std::io::stdout()) else {
        return 1;
    };
    let catalog = options.catalog;
    let prover = if proofs::AVAILABLE {
        Prover::start(catalog, move |f| events.send(Event::Proofs(f)).is_ok()).ok()
    } else {
        drop(events);
        None
    };
    let mut server = Server {
        out,
        settings: Settings { env: None, catalog },
        base: options.fs,
        docs: Documents::default(),
        compilations: BTreeMap::new(),
        assigned: BTreeMap::new(),
        changed: BTreeSet::new(),
        dirty: BTreeSet::new(),
        rescan: false,
        deadline: None,
        first_pending: None,
        last_change: None,
        debounce: DEBOUNCE,
        enc: Encoding::Utf16,
        generation: 0,
        prover,
        published: BTreeMap::new(),
        client: Client::default(),
        cache: Cache::new(None),
        phase: Phase::Uninitialized,
        next_id: 0,
    };
    let status = server.main_loop(&queue);
    // Let the writer finish what was sent (the shutdown response) before the process ends.
    drop(server);
    let _ = writer.join();
    status
}

impl Server {
    fn main_loop(&mut self, queue: &mpsc::Receiver<Event>) -> i32 {
        loop {
            let event = match self.deadline {
                Some(d) => match queue.recv_timeout(d.saturating_duration_since(Instant::now())) {
                    Ok(e) => Some(e),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return self.end_of_input(),
                },
                None => match queue.recv() {
                    Ok(e) => Some(e),
                    Err(_) => return self.end_of_input(),
                },
            };
            match event {
                None => self.guarded("analysis", Self::flush),
                Some(Event::Proofs(f)) => self.guarded("proof results", |s| s.proofs_done(f)),
                Some(Event::Client(Incoming::Closed)) => return self.end_of_input(),
                Some(Event::Client(Incoming::Malformed { id, reason })) => {
                    let code = if id.is_some() {
                        ErrorCode::InvalidRequest
                    } else {
                        ErrorCode::ParseError
                    };
                    self.send(Outgoing::Error {
                        id,
                        code: code as i32,
                        message: reason,
                    });
                }
                Some(Event::Client(Incoming::Message(m))) => {
                    if let Some(status) = self.message(m) {
                        return status;
                    }
                }
            }
        }
    }

    fn end_of_input(&self) -> i32 {
        i32::from(self.phase != Phase::ShutDown)
    }

    /// Handles one message; `Some(status)` when the session ends.
    fn message(&mut self, m: Message) -> Option<i32> {
        match m {
            Message::Request(req) => {
                let id = req.id.clone();
                let response = match (self.phase, req.method.as_str()) {
                    (Phase::Uninitialized, "initialize") => {
                        let r = safely(id, "initialize", || self.initialize(req));
                        if r.error.is_none() {
                            self.phase = Phase::Running;
                        }
                        r
                    }
                    (Phase::Uninitialized, _) => error(
                        id,
                        ErrorCode::ServerNotInitialized,
                        "the server is not initialized yet",
                    ),
                    (Phase::ShutDown, _) => error(
                        id,
                        ErrorCode::InvalidRequest,
                        "the server is shut down; only `exit` is expected",
                    ),
                    (Phase::Running, "initialize") => error(
                        id,
                        ErrorCode::InvalidRequest,
                        "the server is already initialized",
                    ),
                    (Phase::Running, "shutdown") => {
                        self.phase = Phase::ShutDown;
                        // Nothing will be published any more: stop proving.
                        self.prover = None;
                        ok(id, serde_json::Value::Null)
                    }
                    (Phase::Running, _) => {
                        let method = req.method.clone();
                        safely(id, &method, || {
                            self.flush();
                            self.request(req)
                        })
                    }
                };
                self.send(Outgoing::Message(Message::Response(response)));
                None
            }
            Message::Notification(n) if n.method == "exit" => Some(self.end_of_input()),
            Message::Notification(n) => {
                if self.phase == Phase::Running {
                    let method = n.method.clone();
                    self.guarded(&method, |s| s.notification(n));
                }
                None
            }
            // Answers to our own requests (refreshes, showDocument): nothing to do.
            Message::Response(_) => None,
        }
    }

    /// Runs `f` and survives its panic, saying so in the client's log.
    fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Self)) {
        if catch_unwind(AssertUnwindSafe(|| f(self))).is_err() {
            self.log(
                lsp::MessageType::ERROR,
                &format!("internal error in {what} (a bug in iamc)"),
            );
        }
    }

    pub fn send(&self, out: Outgoing) {
        let _ = self.out.send(out);
    }

    pub fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        if let Ok(params) = serde_json::to_value(params) {
            self.send(Outgoing::Message(Message::Notification(Notification {
                method: N::METHOD.to_string(),
                params,
            })));
        }
    }

    /// Sends a request to the client (its answer is ignored).
    pub fn ask<R: lsp::request::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        if let Ok(params) = serde_json::to_value(params) {
            self.send(Outgoing::Message(Message::Request(Request {
                id: RequestId::from(format!("iamc-{}", self.next_id)),
                method: R::METHOD.to_string(),
                params,
            })));
        }
    }

    pub fn log(&self, typ: lsp::MessageType, message: &str) {
        self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams {
            typ,
            message: message.to_string(),
        });
    }

    /// A document was opened or changed: analyse at once when `now` or when the change
    /// ends a quiet spell (an isolated keystroke), otherwise after the pause.
    pub fn touched(&mut self, uri: &str, now: bool) {
        self.changed.insert(uri.to_string());
        let t = Instant::now();
        let quiet = self
            .last_change
            .is_none_or(|l| t.saturating_duration_since(l) >= self.debounce);
        self.last_change = Some(t);
        let first = *self.first_pending.get_or_insert(t);
        let latest = first + self.debounce * MAX_DELAY_FACTOR;
        let at = if now || quiet {
            t
        } else {
            (t + self.debounce).min(latest)
        };
        self.deadline = Some(at);
    }

    /// A document was closed: its compilation is redone (or dropped) at the next analysis.
    pub fn closed(&mut self, uri: &str) {
        if let Some(root) = self.assigned.remove(uri) {
            self.dirty.insert(root);
        }
        self.touched(uri, true);
    }

    /// Files changed on disk: every project is redone at the next analysis.
    pub fn disk_changed(&mut self) {
        self.rescan = true;
        self.deadline = Some(Instant::now());
    }

    /// Analyses every compilation with a change since the last time, publishes, queues
    /// proofs.
    pub fn flush(&mut self) {
        self.deadline = None;
        self.first_pending = None;
        if self.changed.is_empty() && self.dirty.is_empty() && !self.rescan {
            return;
        }
        let changed = std::mem::take(&mut self.changed);
        let dirty = std::mem::take(&mut self.dirty);
        let rescan = std::mem::replace(&mut self.rescan, false);
        let Server {
            base,
            docs,
            settings,
            compilations,
            generation,
            ..
        } = self;
        let buffers = docs.buffers();
        let overlay = Overlay {
            base: &**base,
            open: &buffers,
        };
        let mut build = Build {
            compilations,
            generation,
            docs,
            settings,
            fs: &overlay,
            redone: Vec::new(),
        };
        let mut first: BTreeMap<String, Root> = BTreeMap::new();
        for d in build.docs.iter() {
            first.insert(d.uri.clone(), workspace::root_of(d, &overlay));
        }
        // Projects first: which documents they hold decides where the others go.
        let projects: BTreeSet<&Root> = first
            .values()
            .filter(|r| matches!(r, Root::Project(_)))
            .collect();
        for root in projects {
            let stale = rescan
                || dirty.contains(root)
                || !build.compilations.contains_key(root)
                || first.iter().any(|(u, r)| r == root && changed.contains(u));
            if stale {
                build.compile(root);
            }
        }
        let mut assigned = BTreeMap::new();
        for (uri, root) in first {
            let path = build.docs.get(&uri).and_then(|d| d.path.clone());
            // `iamc.toml` stays with its project even when the project does not load
            // (its error is reported there).
            let manifest = path.as_ref().is_some_and(|p| p.ends_with("iamc.toml"));
            let outside = matches!(root, Root::Project(_))
                && !manifest
                && build
                    .compilations
                    .get(&root)
                    .is_some_and(|c| c.file(&uri).is_none());
            let root = match (outside, path) {
                (true, Some(p)) => Root::File(p),
                _ => root,
            };
            assigned.insert(uri, root);
        }
        let others: BTreeSet<&Root> = assigned
            .values()
            .filter(|r| !matches!(r, Root::Project(_)))
            .collect();
        for root in others {
            let stale = dirty.contains(root)
                || !build.compilations.contains_key(root)
                || assigned
                    .iter()
                    .any(|(u, r)| r == root && changed.contains(u));
            if stale {
                build.compile(root);
            }
        }
        let redone = build.redone;
        // Compilations no document belongs to any more are dropped.
        let kept: BTreeSet<&Root> = assigned.values().collect();
        let gone: Vec<Root> = self
            .compilations
            .keys()
            .filter(|r| !kept.contains(r))
            .cloned()
            .collect();
        for root in &gone {
            self.compilations.remove(root);
            if let Some(p) = &self.prover {
                p.forget(root);
            }
        }
        self.assigned = assigned;
        for root in &redone {
            self.publish(root, &changed);
            self.queue_proofs(root);
        }
        self.clear_orphans(&changed);
    }

    fn queue_proofs(&mut self, root: &Root) {
        let Some(c) = self.compilations.get_mut(root) else {
            return;
        };
        let Some(prover) = &self.prover else {
            return;
        };
        if c.analysis.has_errors() || c.analysis.program.proofs.is_empty() {
            c.proofs.status = Status::Idle;
            return;
        }
        c.proofs.status = Status::Running;
        let p = c.prove;
        prover.submit(Job {
            root: root.clone(),
            generation: c.generation,
            analysis: Arc::clone(&c.analysis),
            settings: crate::prove::driver::Settings::with_budgets(
                p.timeout_ms,
                p.max_cases,
                p.max_states,
            ),
        });
    }

    fn proofs_done(&mut self, f: Finished) {
        if f.failed {
            self.log(
                lsp::MessageType::ERROR,
                "internal error in the prover (a bug in iamc); the proofs were not decided",
            );
        }
        let Some(c) = self.compilations.get_mut(&f.root) else {
            return;
        };
        if c.generation != f.generation {
            return;
        }
        c.proofs.outcomes = f.outcomes;
        c.proofs.diagnostics = f.diagnostics;
        c.proofs.status = Status::Done;
        self.publish(&f.root, &BTreeSet::new());
        if self.client.code_lens_refresh {
            self.ask::<lsp::request::CodeLensRefresh>(());
        }
    }

    /// Publishes the diagnostics of a compilation's files: always for the documents in
    /// `force`, otherwise only where the list changed.
    fn publish(&mut self, root: &Root, force: &BTreeSet<String>) {
        let Some(c) = self.compilations.get(root) else {
            return;
        };
        let mut by_uri: BTreeMap<String, Vec<lsp::Diagnostic>> = BTreeMap::new();
        for (_, uri) in c.uris() {
            by_uri.entry(uri.to_string()).or_default();
        }
        let uri_of = |f: FileId| c.uri(f).map(str::to_string);
        let docs_url = |code| self.cache.error_doc(code);
        let cx = DiagnosticsCtx {
            sources: &c.analysis.sources,
            uri_of: &uri_of,
            docs: &docs_url,
            enc: self.enc,
        };
        for d in c.analysis.diagnostics.iter().chain(&c.proofs.diagnostics) {
            if let Some(uri) = c.uri(d.primary.file) {
                by_uri
                    .entry(uri.to_string())
                    .or_default()
                    .push(convert::diagnostic(d, &cx));
            }
        }
        let extra_uri = |f: FileId| workspace::extra_uri(&c.extra, f, &self.docs);
        let ecx = DiagnosticsCtx {
            sources: &c.extra.sources,
            uri_of: &extra_uri,
            docs: &docs_url,
            enc: self.enc,
        };
        for d in &c.extra.diagnostics {
            if let Some(uri) = extra_uri(d.primary.file) {
                by_uri
                    .entry(uri)
                    .or_default()
                    .push(convert::diagnostic(d, &ecx));
            }
        }
        for (uri, diags) in by_uri {
            self.publish_one(&uri, diags, force.contains(&uri));
        }
    }

    fn publish_one(&mut self, uri: &str, diags: Vec<lsp::Diagnostic>, force: bool) {
        let before = self.published.get(uri);
        if !force && before.map_or(diags.is_empty(), |b| *b == diags) {
            return;
        }
        let Some(u) = convert::uri(uri) else {
            return;
        };
        let version = self.docs.get(uri).map(|d| d.version);
        self.notify::<lsp::notification::PublishDiagnostics>(lsp::PublishDiagnosticsParams {
            uri: u,
            diagnostics: diags.clone(),
            version,
        });
        if diags.is_empty() {
            self.published.remove(uri);
        } else {
            self.published.insert(uri.to_string(), diags);
        }
    }

    /// Clears what was published for files no compilation holds any more (a closed file
    /// outside any project).
    fn clear_orphans(&mut self, force: &BTreeSet<String>) {
        let held: BTreeSet<String> = self
            .compilations
            .values()
            .flat_map(|c| c.uris().map(|(_, u)| u.to_string()).collect::<Vec<_>>())
            .chain(self.compilations.values().flat_map(|c| {
                (0..c.extra.sources.len())
                    .filter_map(|i| {
                        workspace::extra_uri(
                            &c.extra,
                            FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                            &self.docs,
                        )
                    })
                    .collect::<Vec<_>>()
            }))
            .collect();
        let orphans: Vec<String> = self
            .published
            .keys()
            .chain(force.iter())
            .filter(|u| !held.contains(*u))
            .cloned()
            .collect();
        for uri in orphans {
            self.publish_one(&uri, Vec::new(), self.published.contains_key(&uri));
        }
    }

    /// The environment of `iamc.toml` to analyse with (the project's default when `None`).
    pub fn set_env(&mut self, env: Option<String>) {
        self.settings.env = env;
    }
}

/// The compilations being redone by one analysis.
struct Build<'a> {
    compilations: &'a mut BTreeMap<Root, Compilation>,
    generation: &'a mut u64,
    docs: &'a Documents,
    settings: &'a Settings,
    fs: &'a dyn FileSystem,
    redone: Vec<Root>,
}

impl Build<'_> {
    fn compile(&mut self, root: &Root) {
        *self.generation += 1;
        let mut c = workspace::compile(root, self.docs, self.fs, self.settings, *self.generation);
        if let Some(old) = self.compilations.remove(root) {
            // Keep the proof results on files whose text did not change until new ones come.
            let (before, now) = (&old.analysis.sources, &c.analysis.sources);
            c.proofs = Proofs::carried(old.proofs, |f| same_text(before, now, f));
        }
        self.compilations.insert(root.clone(), c);
        self.redone.push(root.clone());
    }
}

/// Whether a file has the same name and text in two source sets.
fn same_text(old: &Sources, new: &Sources, file: FileId) -> bool {
    match (old.get(file), new.get(file)) {
        (Some(a), Some(b)) => a.name == b.name && a.text == b.text,
        _ => false,
    }
}

/// Runs a request's handler; should it panic (a bug), the answer is an internal error
/// and the session goes on.
fn safely(id: RequestId, method: &str, f: impl FnOnce() -> Response) -> Response {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        error(
            id,
            ErrorCode::InternalError,
            &format!("internal error while answering `{method}` (a bug in iamc)"),
        )
    })
}

pub(super) fn ok(id: RequestId, result: serde_json::Value) -> Response {
    Response {
        id,
        result: Some(result),
        error: None,
    }
}

pub(super) fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_becomes_an_internal_error() {
        let r = safely(RequestId::from(3), "textDocument/hover", || panic!("a bug"));
        assert_eq!(r.id, RequestId::from(3));
        assert_eq!(
            r.error.map(|e| e.code),
            Some(ErrorCode::InternalError as i32)
        );
        let r = safely(RequestId::from(4), "x", || {
            ok(RequestId::from(4), serde_json::Value::Null)
        });
        assert!(r.error.is_none());
    }
}

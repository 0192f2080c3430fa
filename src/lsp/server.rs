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
use super::convert::Encoding;
use super::documents::Documents;
use super::proofs::{self, Finished, Prover};
use super::transport::{self, Incoming, Outgoing};
use super::workspace::{Compilation, Root, Settings};
use crate::catalog::Catalog;
use crate::project::FileSystem;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
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
    pub(super) out: mpsc::Sender<Outgoing>,
    pub(super) settings: Settings,
    pub(super) base: Box<dyn FileSystem>,
    pub(super) docs: Documents,
    pub(super) compilations: BTreeMap<Root, Compilation>,
    /// The compilation each open document belongs to.
    pub(super) assigned: BTreeMap<String, Root>,
    /// Documents opened, changed or closed since the last analysis.
    pub(super) changed: BTreeSet<String>,
    /// Compilations to redo whatever changed (a document left them, files changed on disk).
    pub(super) dirty: BTreeSet<Root>,
    /// Every project is to be redone (files changed on disk).
    pub(super) rescan: bool,
    pub(super) deadline: Option<Instant>,
    pub(super) first_pending: Option<Instant>,
    pub(super) last_change: Option<Instant>,
    pub(super) debounce: Duration,
    pub(super) enc: Encoding,
    pub(super) generation: u64,
    pub(super) prover: Option<Prover>,
    /// What was last published, per URI.
    pub(super) published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    pub(super) client: Client,
    pub(super) cache: Cache,
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

    /// The environment of `iamc.toml` to analyse with (the project's default when `None`).
    pub fn set_env(&mut self, env: Option<String>) {
        self.settings.env = env;
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

//! The session's side that is not a query: `initialize` (the position encoding, what
//! the client can do, the initialization options, the server's capabilities) and the
//! notifications that change what is analysed (documents opened, changed, closed; files
//! changed on disk).

use super::cache::Cache;
use super::convert::{self, Encoding};
use super::features::lenses;
use super::server::{error, ok, Server};
use crate::source::Span;
use lsp_server::{ErrorCode, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request as req;
use std::time::Duration;

/// What `initialize` may carry in `initializationOptions`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InitOptions {
    /// The environment of `iamc.toml` to analyse with.
    environment: Option<String>,
    /// Changes closer together than this (milliseconds) are gathered into one analysis.
    debounce_ms: Option<u64>,
    /// Links for diagnostic codes: a URL with `{code}` in it.
    error_docs_url: Option<String>,
}

impl Server {
    pub(super) fn initialize(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        let params: lsp::InitializeParams = match serde_json::from_value(r.params) {
            Ok(p) => p,
            Err(e) => {
                return error(
                    id,
                    ErrorCode::InvalidParams,
                    &format!("invalid `initialize` parameters: {e}"),
                )
            }
        };
        self.enc = Encoding::negotiate(&params.capabilities);
        let caps = &params.capabilities;
        self.client.show_document = caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support);
        let ws = caps.workspace.as_ref();
        self.client.code_lens_refresh = ws
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        self.client.watch_files = ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|c| c.dynamic_registration)
            .unwrap_or(false);
        let options: InitOptions = params
            .initialization_options
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        self.set_env(options.environment);
        if let Some(ms) = options.debounce_ms {
            self.debounce = Duration::from_millis(ms.min(2_000));
        }
        self.cache = Cache::new(options.error_docs_url);
        let result = lsp::InitializeResult {
            capabilities: capabilities(self.enc),
            server_info: Some(lsp::ServerInfo {
                name: "iamc".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        ok(id, serde_json::to_value(result).unwrap_or_default())
    }

    pub(super) fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_string();
                    self.docs
                        .open(uri.clone(), p.text_document.version, p.text_document.text);
                    self.touched(&uri, true);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    self.did_change(p);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_string();
                    self.docs.close(&uri);
                    self.closed(&uri);
                }
            }
            note::DidChangeWatchedFiles::METHOD => self.disk_changed(),
            note::Initialized::METHOD => self.register_watchers(),
            // Saving changes nothing the buffer did not already say; `$/` notifications
            // (cancellation, trace) may be ignored; so may unknown ones.
            _ => {}
        }
    }

    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let mut text = doc.text.clone();
        for change in p.content_changes {
            match change.range {
                // Full-text sync, as advertised.
                None => text = change.text,
                // A client that sends ranges anyway: apply them in order.
                Some(range) => {
                    let mut sources = crate::source::Sources::new();
                    let id = sources.add(
                        "",
                        "",
                        crate::source::Origin::Memory(String::new()),
                        text.clone(),
                    );
                    if let Some(f) = sources.get(id) {
                        let s = convert::span(f, id, range, self.enc);
                        if let Some(t) = splice(&text, s, &change.text) {
                            text = t;
                        }
                    }
                }
            }
        }
        self.docs.change(&uri, p.text_document.version, text);
        self.touched(&uri, false);
    }

    /// Asks the client to report changes of project files on disk.
    fn register_watchers(&mut self) {
        if !self.client.watch_files {
            return;
        }
        let watchers = ["**/*.iamc", "**/iamc.toml"]
            .iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String((*g).to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        self.ask::<req::RegisterCapability>(lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "iamc-watch".into(),
                method: note::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }
}

/// The server's capabilities.
fn capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![":".into(), ".".into()]),
            ..lsp::CompletionOptions::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![lenses::SHOW_JSON.into()],
            ..lsp::ExecuteCommandOptions::default()
        }),
        ..lsp::ServerCapabilities::default()
    }
}

/// `text` with `span` replaced.
fn splice(text: &str, span: Span, with: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(text.get(..span.start as usize)?);
    out.push_str(with);
    out.push_str(text.get(span.end as usize..)?);
    Some(out)
}

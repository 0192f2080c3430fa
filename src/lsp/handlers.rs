//! Requests: decode the parameters, find the document's compilation,
//! ask the feature, encode the answer. An unknown method gets "method not found";
//! parameters that do not decode get "invalid params"; a document the server does not
//! have open gets an empty answer.

use super::convert;
use super::features::{actions, completion, formatting, hover, inlay, lenses, navigation};
use super::features::{rename, symbols, Ctx, Edit};
use super::server::{error, ok, Server};
use super::workspace::Compilation;
use crate::source::{FileId, SourceFile, Span};
use lsp_server::{ErrorCode, Request, Response};
use lsp_types as lsp;
use lsp_types::request::{self as req, Request as _};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;

/// Why a request failed.
pub struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

type Answer<T> = Result<T, Failure>;

impl Server {
    /// Answers a request (the lifecycle ones are the loop's).
    pub(super) fn request(&mut self, r: Request) -> Response {
        match r.method.as_str() {
            req::HoverRequest::METHOD => self.answer::<req::HoverRequest>(r, Self::hover),
            req::Completion::METHOD => self.answer::<req::Completion>(r, Self::completion),
            req::GotoDefinition::METHOD => self.answer::<req::GotoDefinition>(r, Self::definition),
            req::References::METHOD => self.answer::<req::References>(r, Self::references),
            req::PrepareRenameRequest::METHOD => {
                self.answer::<req::PrepareRenameRequest>(r, Self::prepare_rename)
            }
            req::Rename::METHOD => self.answer::<req::Rename>(r, Self::rename),
            req::DocumentSymbolRequest::METHOD => {
                self.answer::<req::DocumentSymbolRequest>(r, Self::document_symbols)
            }
            req::WorkspaceSymbolRequest::METHOD => {
                self.answer::<req::WorkspaceSymbolRequest>(r, Self::workspace_symbols)
            }
            req::CodeActionRequest::METHOD => {
                self.answer::<req::CodeActionRequest>(r, Self::code_actions)
            }
            req::Formatting::METHOD => self.answer::<req::Formatting>(r, Self::formatting),
            req::InlayHintRequest::METHOD => {
                self.answer::<req::InlayHintRequest>(r, Self::inlay_hints)
            }
            req::CodeLensRequest::METHOD => {
                self.answer::<req::CodeLensRequest>(r, Self::code_lenses)
            }
            req::ExecuteCommand::METHOD => {
                self.answer::<req::ExecuteCommand>(r, Self::execute_command)
            }
            _ => error(
                r.id,
                ErrorCode::MethodNotFound,
                &format!("iamc does not handle `{}`", r.method),
            ),
        }
    }

    fn answer<R>(
        &mut self,
        r: Request,
        f: fn(&mut Self, R::Params) -> Answer<R::Result>,
    ) -> Response
    where
        R: req::Request,
        R::Params: DeserializeOwned,
        R::Result: Serialize,
    {
        let params = match serde_json::from_value::<R::Params>(r.params) {
            Ok(p) => p,
            Err(e) => {
                return error(
                    r.id,
                    ErrorCode::InvalidParams,
                    &format!("invalid parameters for `{}`: {e}", R::METHOD),
                )
            }
        };
        match f(self, params) {
            Ok(result) => match serde_json::to_value(result) {
                Ok(v) => ok(r.id, v),
                Err(e) => error(r.id, ErrorCode::InternalError, &e.to_string()),
            },
            Err(f) => error(r.id, f.code, &f.message),
        }
    }

    /// The compilation and file of an open document.
    fn locate(&self, uri: &lsp::Uri) -> Option<(&Compilation, FileId)> {
        let root = self.assigned.get(uri.as_str())?;
        let c = self.compilations.get(root)?;
        Some((c, c.file(uri.as_str())?))
    }

    fn ctx<'a>(&'a self, c: &'a Compilation, file: FileId) -> Ctx<'a> {
        Ctx {
            analysis: &c.analysis,
            catalog: self.settings.catalog,
            file,
            env: c.env.as_ref(),
            proofs: &c.proofs,
        }
    }

    /// The context and byte offset of a position in an open document.
    fn at(&self, p: &lsp::TextDocumentPositionParams) -> Option<(Ctx<'_>, &SourceFile, u32)> {
        let (c, file) = self.locate(&p.text_document.uri)?;
        let source = c.analysis.sources.get(file)?;
        let offset = convert::offset(source, p.position, self.enc);
        Some((self.ctx(c, file), source, offset))
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Answer<Option<lsp::Hover>> {
        let Some((ctx, source, offset)) = self.at(&p.text_document_position_params) else {
            return Ok(None);
        };
        Ok(hover::hover(&ctx, offset).map(|h| convert::hover(source, &h, self.enc)))
    }

    fn completion(&mut self, p: lsp::CompletionParams) -> Answer<Option<lsp::CompletionResponse>> {
        let Some((ctx, source, offset)) = self.at(&p.text_document_position) else {
            return Ok(None);
        };
        let c = completion::complete(&ctx, offset);
        Ok(Some(convert::completions(source, &c, self.enc)))
    }

    /// A span of a compilation as a location (a file of the standard library as the copy
    /// in the cache).
    fn location(&self, c: &Compilation, span: Span) -> Option<lsp::Location> {
        let source = c.analysis.sources.get(span.file)?;
        let uri = match c.uri(span.file) {
            Some(u) => u.to_string(),
            None => self.cache.stdlib(&source.name)?,
        };
        Some(lsp::Location {
            uri: convert::uri(&uri)?,
            range: convert::range(source, span, self.enc),
        })
    }

    fn definition(
        &mut self,
        p: lsp::GotoDefinitionParams,
    ) -> Answer<Option<lsp::GotoDefinitionResponse>> {
        let Some((ctx, _, offset)) = self.at(&p.text_document_position_params) else {
            return Ok(None);
        };
        let Some(span) = navigation::definition(&ctx, offset) else {
            return Ok(None);
        };
        let Some((c, _)) = self.locate(&p.text_document_position_params.text_document.uri) else {
            return Ok(None);
        };
        Ok(self
            .location(c, span)
            .map(lsp::GotoDefinitionResponse::Scalar))
    }

    fn references(&mut self, p: lsp::ReferenceParams) -> Answer<Option<Vec<lsp::Location>>> {
        let Some((ctx, _, offset)) = self.at(&p.text_document_position) else {
            return Ok(None);
        };
        let spans = navigation::references(&ctx, offset, p.context.include_declaration);
        let Some((c, _)) = self.locate(&p.text_document_position.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(
            spans
                .into_iter()
                .filter_map(|s| self.location(c, s))
                .collect(),
        ))
    }

    fn prepare_rename(
        &mut self,
        p: lsp::TextDocumentPositionParams,
    ) -> Answer<Option<lsp::PrepareRenameResponse>> {
        let Some((ctx, source, offset)) = self.at(&p) else {
            return Ok(None);
        };
        let (span, placeholder) = rename::prepare(&ctx, offset).map_err(Failure::failed)?;
        Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: convert::range(source, span, self.enc),
            placeholder,
        }))
    }

    fn rename(&mut self, p: lsp::RenameParams) -> Answer<Option<lsp::WorkspaceEdit>> {
        let Some((ctx, _, offset)) = self.at(&p.text_document_position) else {
            return Ok(None);
        };
        let edits = rename::rename(&ctx, offset, &p.new_name).map_err(Failure::failed)?;
        let Some((c, _)) = self.locate(&p.text_document_position.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(self.workspace_edit(c, &edits)))
    }

    #[expect(
        clippy::mutable_key_type,
        reason = "lsp-types keys `WorkspaceEdit::changes` by `Uri`; its hash is its text"
    )]
    fn workspace_edit(&self, c: &Compilation, edits: &[Edit]) -> lsp::WorkspaceEdit {
        let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for e in edits {
            let (Some(uri), Some(source)) = (
                c.uri(e.span.file).and_then(convert::uri),
                c.analysis.sources.get(e.span.file),
            ) else {
                continue;
            };
            changes
                .entry(uri)
                .or_default()
                .push(convert::text_edit(source, e, self.enc));
        }
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }
    }

    fn document_symbols(
        &mut self,
        p: lsp::DocumentSymbolParams,
    ) -> Answer<Option<lsp::DocumentSymbolResponse>> {
        let Some((c, file)) = self.locate(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(source) = c.analysis.sources.get(file) else {
            return Ok(None);
        };
        let symbols = symbols::document_symbols(&self.ctx(c, file));
        Ok(Some(lsp::DocumentSymbolResponse::Nested(
            symbols
                .iter()
                .map(|s| convert::document_symbol(source, s, self.enc))
                .collect(),
        )))
    }

    fn workspace_symbols(
        &mut self,
        p: lsp::WorkspaceSymbolParams,
    ) -> Answer<Option<lsp::WorkspaceSymbolResponse>> {
        let mut out: Vec<lsp::WorkspaceSymbol> = Vec::new();
        for c in self.compilations.values() {
            for f in symbols::workspace_symbols(&c.analysis, &p.query) {
                let Some(location) = self.location(c, f.span) else {
                    continue;
                };
                if out
                    .iter()
                    .any(|o| o.location == lsp::OneOf::Left(location.clone()))
                {
                    continue;
                }
                out.push(lsp::WorkspaceSymbol {
                    name: f.name,
                    kind: convert::symbol_kind(f.kind),
                    tags: None,
                    container_name: Some(f.module),
                    location: lsp::OneOf::Left(location),
                    data: None,
                });
            }
        }
        Ok(Some(lsp::WorkspaceSymbolResponse::Nested(out)))
    }

    fn code_actions(
        &mut self,
        p: lsp::CodeActionParams,
    ) -> Answer<Option<lsp::CodeActionResponse>> {
        let Some((c, file)) = self.locate(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(source) = c.analysis.sources.get(file) else {
            return Ok(None);
        };
        let span = convert::span(source, file, p.range, self.enc);
        let ctx = self.ctx(c, file);
        let uri_of = |f: FileId| c.uri(f).map(str::to_string);
        let docs = |code| self.cache.error_doc(code);
        let cx = convert::DiagnosticsCtx {
            sources: &c.analysis.sources,
            uri_of: &uri_of,
            docs: &docs,
            enc: self.enc,
        };
        let fixes = actions::quick_fixes(&ctx, span.start, span.end);
        Ok(Some(
            fixes
                .into_iter()
                .map(|fix| {
                    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: fix.title,
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(fix.diagnostic, &cx)]),
                        edit: Some(self.workspace_edit(c, std::slice::from_ref(&fix.edit))),
                        is_preferred: Some(true),
                        ..lsp::CodeAction::default()
                    })
                })
                .collect(),
        ))
    }

    fn formatting(
        &mut self,
        p: lsp::DocumentFormattingParams,
    ) -> Answer<Option<Vec<lsp::TextEdit>>> {
        let Some((c, file)) = self.locate(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(source) = c.analysis.sources.get(file) else {
            return Ok(None);
        };
        let edit = formatting::format(&self.ctx(c, file));
        Ok(Some(
            edit.iter()
                .map(|e| convert::text_edit(source, e, self.enc))
                .collect(),
        ))
    }

    fn inlay_hints(&mut self, p: lsp::InlayHintParams) -> Answer<Option<Vec<lsp::InlayHint>>> {
        let Some((c, file)) = self.locate(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(source) = c.analysis.sources.get(file) else {
            return Ok(None);
        };
        let span = convert::span(source, file, p.range, self.enc);
        let hints = inlay::hints(&self.ctx(c, file), span.start, span.end);
        Ok(Some(
            hints
                .iter()
                .map(|h| convert::inlay_hint(source, h, self.enc))
                .collect(),
        ))
    }

    fn code_lenses(&mut self, p: lsp::CodeLensParams) -> Answer<Option<Vec<lsp::CodeLens>>> {
        let Some((c, file)) = self.locate(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(source) = c.analysis.sources.get(file) else {
            return Ok(None);
        };
        let lenses = lenses::lenses(&self.ctx(c, file));
        Ok(Some(
            lenses
                .into_iter()
                .map(|l| {
                    let at = convert::position(source, l.span.start, self.enc);
                    lsp::CodeLens {
                        range: lsp::Range { start: at, end: at },
                        command: Some(lsp::Command {
                            title: l.title,
                            command: if l.command.is_some() {
                                lenses::SHOW_JSON.into()
                            } else {
                                String::new()
                            },
                            arguments: l
                                .command
                                .and_then(|a| serde_json::to_value(a).ok())
                                .map(|a| vec![a]),
                        }),
                        data: None,
                    }
                })
                .collect(),
        ))
    }

    /// `iamc.showJson`: the JSON a declaration emits, returned, and shown in the editor
    /// when the client can open a document for the server.
    fn execute_command(
        &mut self,
        p: lsp::ExecuteCommandParams,
    ) -> Answer<Option<serde_json::Value>> {
        if p.command != lenses::SHOW_JSON {
            return Err(Failure::failed(format!("unknown command `{}`", p.command)));
        }
        let which: lenses::ShowJson = p
            .arguments
            .into_iter()
            .next()
            .and_then(|a| serde_json::from_value(a).ok())
            .ok_or_else(|| Failure {
                code: ErrorCode::InvalidParams,
                message: "expected `{ \"module\": ..., \"name\": ... }`".into(),
            })?;
        let json = self
            .compilations
            .values()
            .flat_map(|c| c.analysis.user_documents())
            .find(|d| d.module == which.module && d.name == which.name)
            .map(|d| crate::emit::json(&d.document, false))
            .ok_or_else(|| {
                Failure::failed(format!(
                    "no declaration `{}` in `{}`",
                    which.name, which.module
                ))
            })?;
        if self.client.show_document {
            if let Some(uri) = self
                .cache
                .json(&which.module, &which.name, &json)
                .and_then(|u| convert::uri(&u))
            {
                self.ask::<req::ShowDocument>(lsp::ShowDocumentParams {
                    uri,
                    external: Some(false),
                    take_focus: Some(true),
                    selection: None,
                });
            }
        }
        Ok(Some(serde_json::Value::String(json)))
    }
}

//! Re-analysis and publishing: which compilations a round of changes touches, analysing
//! them, publishing their diagnostics (always for the changed documents, otherwise only
//! where a file's list changed), queueing their proofs and taking the results back.
//!
//! Projects are analysed first: which documents a project holds (its `sources` folders)
//! decides which other documents are compilations of their own. A compilation no open
//! document belongs to is dropped, and what was published for its files is cleared.

use super::convert::{self, DiagnosticsCtx};
use super::documents::Documents;
use super::overlay::Overlay;
use super::proofs::{Finished, Job, Proofs, Status};
use super::server::Server;
use super::workspace::{self, Compilation, Root, Settings};
use crate::project::FileSystem;
use crate::source::{FileId, Sources};
use lsp_types as lsp;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

impl Server {
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

    pub(super) fn proofs_done(&mut self, f: Finished) {
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

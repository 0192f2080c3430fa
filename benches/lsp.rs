//! The language server's latency and memory, measured as an editor sees them: the release
//! binary runs `iamc lsp` as a process and this bench speaks JSON-RPC to it over stdio.
//!
//! The project: the nine realistic files of `tests/valid/realistic/` copied five times
//! into one project (`team1` .. `team5`, each document renamed so every output name stays
//! unique), about 2,200 lines. One file is open; the others are read from disk.
//!
//! (a) didChange -> publishDiagnostics for the changed file, with the default pause
//!     (`DEBOUNCE`) and with none (`debounceMs: 0`, the analysis alone);
//! (b) completion after `s3:` and after `when ` on a settled document, and after a change
//!     (the request waits for the analysis of that change, as when typing `:`);
//! (c) the server's resident memory (`VmRSS`, peak `VmHWM`) from /proc after the runs;
//! (d) for comparison, `analyze()` of the same project in this process (what (a) costs
//!     beyond the protocol);
//! (e) proofs included: a `prove` block is added to the open file and the change that
//!     makes its property false is timed until the prover's `E0501` is published (the
//!     analysis, then the proof on the background thread); the change back, until the
//!     diagnostic is gone.
//!
//! Run: `cargo bench --bench lsp` (builds the release binary). Medians of RUNS each.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark whose setup fails has no figures to report"
)]

use iamc::lsp::transport::{self, Incoming};
use lsp_server::Message;
use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const RUNS: usize = 40;
const COPIES: usize = 5;

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    id: i64,
}

impl Server {
    fn start(debounce_ms: Option<u64>, root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamc"))
            .arg("lsp")
            .env_remove("IAMC_CATALOG")
            .env(
                "XDG_CACHE_HOME",
                std::env::temp_dir().join("iamc-bench-lsp-cache"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start `iamc lsp`");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = mpsc::channel();
        transport::spawn_reader(stdout, move |m| match m {
            Incoming::Message(m) => tx.send(serde_json::to_value(m).unwrap_or_default()).is_ok(),
            _ => false,
        })
        .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut s = Server {
            child,
            stdin,
            rx,
            id: 0,
        };
        let mut options = json!({});
        if let Some(ms) = debounce_ms {
            options = json!({ "debounceMs": ms });
        }
        s.request(
            "initialize",
            json!({ "rootUri": uri(root), "capabilities": {}, "initializationOptions": options }),
        );
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: Value) {
        let m: Message = serde_json::from_value(v).unwrap();
        let mut buf = Vec::new();
        m.write(&mut buf).unwrap();
        self.stdin.write_all(&buf).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|v| v["id"] == id && v.get("method").is_none())
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let v = self
                .rx
                .recv_timeout(Duration::from_secs(120))
                .expect("no answer from the server");
            if pred(&v) {
                return v;
            }
        }
    }

    fn diagnostics(&mut self, u: &str) -> Value {
        self.wait(|v| v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == u)
    }

    /// VmRSS and VmHWM of the server, in MB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kb = |field: &str| -> f64 {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Writes the project; returns its folder, the open file and its text, and the line count.
fn project() -> (PathBuf, PathBuf, String, usize) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("iamc-bench-lsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    std::fs::write(dir.join("iamc.toml"), "[project]\nsources = [\"iam\"]\n").unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/valid/realistic"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "iamc"))
        .collect();
    files.sort();
    let mut lines = 0;
    for n in 1..=COPIES {
        let team = dir.join(format!("iam/team{n}"));
        std::fs::create_dir_all(&team).unwrap();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let renamed = rename_documents(&text, n);
            lines += renamed.lines().count();
            std::fs::write(team.join(f.file_name().unwrap()), renamed).unwrap();
        }
    }
    let open = dir.join("iam/team1/iam_admin.iamc");
    let text = std::fs::read_to_string(&open).unwrap();
    (dir, open, text, lines)
}

/// `policy Name {` -> `policy NameN {` for every document keyword.
fn rename_documents(text: &str, n: usize) -> String {
    text.lines()
        .map(|l| {
            let kw = [
                "policy ",
                "boundary ",
                "trust ",
                "scp ",
                "rcp ",
                "resource ",
            ];
            match kw.iter().find(|k| l.starts_with(*k)) {
                Some(k) => {
                    let rest = &l[k.len()..];
                    let name_end = rest.find([' ', '{']).unwrap_or(rest.len());
                    format!("{k}{}{n}{}", &rest[..name_end], &rest[name_end..])
                }
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.1} ms (min {:.1}, p90 {:.1}, {} runs)",
        at(0.5),
        at(0.0),
        at(0.9),
        ms.len()
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (a): the time from didChange to the diagnostics of the changed file.
fn change_to_diagnostics(s: &mut Server, u: &str, text: &str, version: &mut i64) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 0..RUNS + 3 {
        // Alternate a clean text and one with an unknown action.
        let t = if i % 2 == 0 {
            text.replacen("iam:GetUser", "iam:GetUsr", 1)
        } else {
            text.to_string()
        };
        *version += 1;
        let start = Instant::now();
        s.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": u, "version": *version }, "contentChanges": [{ "text": t }] }),
        );
        s.diagnostics(u);
        if i >= 3 {
            out.push(ms(start.elapsed()));
        }
    }
    out
}

fn completion(
    s: &mut Server,
    u: &str,
    text: &str,
    needle: &str,
    version: &mut i64,
    change_first: bool,
) -> (Vec<f64>, usize) {
    let before = &text[..text.find(needle).unwrap() + needle.len()];
    let line = before.matches('\n').count();
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut items = 0;
    for i in 0..RUNS + 3 {
        let start;
        if change_first {
            *version += 1;
            let t = format!("{text}// {i}\n");
            start = Instant::now();
            s.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": u, "version": *version }, "contentChanges": [{ "text": t }] }),
            );
        } else {
            start = Instant::now();
        }
        let r = s.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": u }, "position": { "line": line, "character": col } }),
        );
        if i >= 3 {
            out.push(ms(start.elapsed()));
        }
        items = r["result"]["items"].as_array().map_or(0, Vec::len);
    }
    (out, items)
}

/// (e): the time from a change that refutes a property to the diagnostic saying so, and
/// back.
fn proofs(s: &mut Server, u: &str, text: &str, version: &mut i64) -> (Vec<f64>, Vec<f64>) {
    let holds = format!("{text}\nprove SelfService1 {{\n    denies iam:CreateUser on *\n}}\n");
    let fails = holds.replace("denies iam:CreateUser", "denies iam:GetUser");
    let e0501 = |v: &Value| {
        v["params"]["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["code"] == "E0501"))
    };
    let (mut refuted, mut cleared) = (Vec::new(), Vec::new());
    for i in 0..RUNS + 3 {
        for (t, want) in [(&fails, true), (&holds, false)] {
            *version += 1;
            let start = Instant::now();
            s.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": u, "version": *version }, "contentChanges": [{ "text": t }] }),
            );
            s.wait(|v| {
                v["method"] == "textDocument/publishDiagnostics"
                    && v["params"]["uri"] == u
                    && e0501(v) == want
            });
            if i >= 3 {
                if want { &mut refuted } else { &mut cleared }.push(ms(start.elapsed()));
            }
        }
    }
    (refuted, cleared)
}

fn main() {
    let (dir, open, text, lines) = project();
    let u = uri(&open);
    println!(
        "lsp: project of {lines} lines in {} files ({COPIES} copies of tests/valid/realistic)",
        COPIES * 9
    );
    for (label, debounce) in [
        ("default pause", None),
        ("no pause (debounceMs 0)", Some(0)),
    ] {
        let mut s = Server::start(debounce, &dir);
        s.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": "iamc", "version": 1, "text": text } }),
        );
        let first = s.diagnostics(&u);
        assert!(
            first["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().all(|x| x["severity"] != 1)),
            "the bench project must have no error: {first}"
        );
        let mut version = 1;
        let a = change_to_diagnostics(&mut s, &u, &text, &mut version);
        println!("(a) didChange -> publishDiagnostics, {label}: {}", stats(a));
        if debounce.is_none() {
            // A text with the two completion sites, settled.
            let body = format!("{text}\npolicy BenchCompletion {{\n    allow s3:\n    allow s3:GetObject on * when \n}}\n");
            version += 1;
            s.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": u, "version": version }, "contentChanges": [{ "text": body }] }),
            );
            s.diagnostics(&u);
            let (b1, n1) = completion(&mut s, &u, &body, "allow s3:", &mut version, false);
            println!(
                "(b) completion after `s3:` ({n1} items), settled: {}",
                stats(b1)
            );
            let (b2, n2) = completion(&mut s, &u, &body, "when ", &mut version, false);
            println!(
                "(b) completion after `when ` ({n2} items), settled: {}",
                stats(b2)
            );
            let (b3, _) = completion(&mut s, &u, &body, "allow s3:", &mut version, true);
            println!(
                "(b) didChange + completion after `s3:` (waits for the analysis): {}",
                stats(b3)
            );
            let (refuted, cleared) = proofs(&mut s, &u, &text, &mut version);
            println!(
                "(e) didChange -> E0501 published (analysis + proof): {}",
                stats(refuted)
            );
            println!("(e) didChange -> E0501 gone (analysis): {}", stats(cleared));
            let (rss, hwm) = s.memory();
            println!("(c) memory after the runs: VmRSS {rss:.1} MB, peak VmHWM {hwm:.1} MB");
        }
        s.stop();
    }
    let loaded = iamc::project::load_project(&iamc::cli::disk::Disk, &dir, None).unwrap();
    let options = iamc::AnalyzeOptions::default();
    let mut times = Vec::new();
    for i in 0..RUNS + 3 {
        let start = Instant::now();
        std::hint::black_box(iamc::analyze(&loaded.sources, &options));
        if i >= 3 {
            times.push(ms(start.elapsed()));
        }
    }
    println!("(d) analyze() of the project in process: {}", stats(times));
    let _ = std::fs::remove_dir_all(&dir);
}

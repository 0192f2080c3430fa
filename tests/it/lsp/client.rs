//! A small LSP client for the tests: starts `iamc lsp` as a process and speaks JSON-RPC
//! with `Content-Length` framing over its standard input and output, the way an editor
//! does. Messages from the server are read by a thread; notifications that arrive while
//! a response is awaited are kept for later.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// A guard against a hung server, not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(120);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests not consumed yet.
    pending: VecDeque<Value>,
    /// The position encoding the server chose.
    pub utf8: bool,
}

/// A folder of files for one test (removed first if left over).
pub fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-it-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    dir
}

/// The `file:` URI of a path (the tests' paths are plain ASCII).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The LSP position (line, column) of the `nth` occurrence of `needle` in `text`, plus
/// `delta` characters, in UTF-16 units or bytes.
pub fn pos(text: &str, needle: &str, nth: usize, delta: usize, utf8: bool) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        .0;
    let at = at
        + needle
            .chars()
            .take(delta)
            .map(char::len_utf8)
            .sum::<usize>();
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = if utf8 {
        at - line_start
    } else {
        text[line_start..at].encode_utf16().count()
    };
    json!({ "line": line, "character": col })
}

impl Client {
    /// Starts the server (nothing sent yet).
    pub fn start() -> Client {
        let cache = std::env::temp_dir().join(format!("iamc-it-lsp-cache-{}", std::process::id()));
        let mut child = crate::support::iamc()
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start `iamc lsp`");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            next_id: 0,
            pending: VecDeque::new(),
            utf8: false,
        }
    }

    /// Starts the server and initializes it; `utf8` offers UTF-8 positions.
    pub fn initialized(root: &Path, utf8: bool) -> Client {
        let mut c = Client::start();
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let r = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": { "general": { "positionEncodings": encodings } },
                "initializationOptions": { "debounceMs": 1 },
            }),
        );
        let enc = r["result"]["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap()
            .to_string();
        c.utf8 = enc == "utf-8";
        c.notify("initialized", json!({}));
        c
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, v: &Value) {
        let text = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{text}", text.len()).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(&json!(id))
    }

    /// The response with this id (null for the answer to unreadable input).
    pub fn response(&mut self, id: &Value) -> Value {
        loop {
            let v = self.next();
            let is_response = v.get("method").is_none()
                && (v.get("result").is_some() || v.get("error").is_some());
            if is_response && v["id"] == *id {
                return v;
            }
            self.pending.push_back(v);
        }
    }

    fn next(&mut self) -> Value {
        self.rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no message from the server within {PATIENCE:?}"))
    }

    /// The next notification with this method for which `pred` holds (earlier ones of
    /// the same method are dropped).
    pub fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .pending
            .iter()
            .position(|v| v["method"] == method && pred(&v["params"]))
        {
            let v = self.pending.remove(i).unwrap();
            self.pending
                .retain(|p| p["method"] != method || !pred(&p["params"]));
            return v["params"].clone();
        }
        loop {
            let v = self.next();
            if v["method"] == method && pred(&v["params"]) {
                return v["params"].clone();
            }
            self.pending.push_back(v);
        }
    }

    /// The next diagnostics published for a URI.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let p = self.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// The completion list at a position.
    pub fn completion(&mut self, uri: &str, position: Value) -> Value {
        let r = self.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        );
        r["result"].clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "iamc", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `shutdown` then `exit`; the process's status.
    pub fn shutdown(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(mut self) -> ExitStatus {
        drop(self.stdin.take());
        self.child.wait().unwrap()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Applies LSP text edits (the server's encoding) to a text.
pub fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        if utf8 {
            return start + col;
        }
        let mut units = 0;
        for (i, ch) in rest.char_indices() {
            if units >= col {
                return start + i;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in edits {
        out.replace_range(a..b, &t);
    }
    out
}

/// The labels of a completion list, in its order.
pub fn labels(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

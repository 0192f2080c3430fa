//! JSON-RPC over a byte stream with LSP's `Content-Length` framing: one thread reads
//! messages and hands each to the server loop, one thread writes what the loop sends.
//!
//! lsp-server's own stdio transport ends its reader thread at the first malformed message,
//! and with it the session. A client bug should cost one message, not the editor's
//! language support, so this reader skips what it cannot read, reports it (the loop answers
//! with JSON-RPC's "parse error" and a null id, or "invalid request" to the id it could
//! still find) and reads on. lsp-server's message types are kept: the loop and the tests
//! speak `lsp_server::Message`.

use lsp_server::{Message, RequestId};
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// Messages larger than this are skipped unread: no client sends a quarter of a gigabyte
/// in one message, and allocating what a corrupt header claims would be the crash.
const MAX_MESSAGE: usize = 256 << 20;

/// What the reader hands to the loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Something that is not a JSON-RPC message. `id` when the text was JSON with an `id`
    /// (answer "invalid request" to it), `None` for text that is not JSON at all or a
    /// broken header (answer "parse error" with a null id).
    Malformed {
        id: Option<RequestId>,
        reason: String,
    },
    /// The input ended (the client closed its end or died).
    Closed,
}

/// What the loop sends.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// An error response whose id may be null (JSON-RPC's answer to unreadable input,
    /// which `lsp_server::Response` cannot express).
    Error {
        id: Option<RequestId>,
        code: i32,
        message: String,
    },
}

/// Starts the reader thread: every message read from `input` goes to `deliver`, until the
/// input ends or `deliver` returns false (the loop is gone).
pub fn spawn_reader(
    input: impl BufRead + Send + 'static,
    deliver: impl Fn(Incoming) -> bool + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("iamc-lsp-reader".into())
        .spawn(move || {
            let mut input = input;
            loop {
                let incoming = read(&mut input);
                let closed = matches!(incoming, Incoming::Closed);
                if !deliver(incoming) || closed {
                    return;
                }
            }
        })
}

/// Starts the writer thread; it ends when every sender is dropped (after writing what
/// was sent) or when `output` fails.
pub fn spawn_writer(
    output: impl Write + Send + 'static,
) -> io::Result<(Sender<Outgoing>, JoinHandle<()>)> {
    let (tx, rx): (Sender<Outgoing>, Receiver<Outgoing>) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("iamc-lsp-writer".into())
        .spawn(move || {
            let mut output = output;
            for out in rx {
                if write(&mut output, &out).is_err() {
                    return;
                }
            }
        })?;
    Ok((tx, handle))
}

/// Reads one message, or says why the next bytes are not one.
pub fn read(input: &mut impl BufRead) -> Incoming {
    let body = match read_frame(input) {
        Ok(Some(body)) => body,
        Ok(None) => return Incoming::Closed,
        Err(Frame::Broken(reason)) => return Incoming::Malformed { id: None, reason },
        Err(Frame::Io) => return Incoming::Closed,
    };
    let value = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed {
                id: None,
                reason: format!("not JSON: {e}"),
            }
        }
    };
    // Checked before serde sees it: `Message` is an untagged enum, and any object with an
    // `id` would pass as a response.
    let id = value
        .get("id")
        .cloned()
        .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
    let shape_ok = match value.get("method") {
        Some(m) => m.is_string(),
        None => {
            value.get("id").is_some()
                && (value.get("result").is_some() || value.get("error").is_some())
        }
    };
    if !value.is_object() || !shape_ok {
        return Incoming::Malformed {
            id,
            reason: "not a JSON-RPC request, response or notification".into(),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Malformed {
            id,
            reason: format!("not a JSON-RPC message: {e}"),
        },
    }
}

enum Frame {
    /// The framing is wrong; what was read is skipped and reading goes on.
    Broken(String),
    /// The stream failed or ended in the middle of a message.
    Io,
}

/// Reads the headers and the body of one message. `Ok(None)` at a clean end of input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) if !saw_header => return Ok(None),
            Ok(0) => return Err(Frame::Io),
            Ok(_) => {}
            // Bytes that are not UTF-8 in a header: the line is consumed; skip it.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Err(Frame::Broken("a header line is not UTF-8".into()))
            }
            Err(_) => return Err(Frame::Io),
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if !saw_header {
                // Blank lines between messages are tolerated.
                continue;
            }
            break;
        }
        saw_header = true;
        let Some((name, value)) = header.split_once(':') else {
            return Err(Frame::Broken(format!("malformed header `{header}`")));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => return Err(Frame::Broken(format!("bad Content-Length `{value}`"))),
            }
        }
    }
    let Some(length) = length else {
        return Err(Frame::Broken("a message without Content-Length".into()));
    };
    if length > MAX_MESSAGE {
        let skipped = io::copy(&mut input.take(length as u64), &mut io::sink());
        return match skipped {
            Ok(n) if n == length as u64 => Err(Frame::Broken(format!(
                "a message of {length} bytes is over the limit"
            ))),
            _ => Err(Frame::Io),
        };
    }
    let mut body = vec![0u8; length];
    input.read_exact(&mut body).map_err(|_| Frame::Io)?;
    Ok(Some(body))
}

/// Writes one message with its header.
fn write(output: &mut impl Write, out: &Outgoing) -> io::Result<()> {
    let text = match out {
        Outgoing::Message(m) => {
            let mut buf = Vec::new();
            m.write(&mut buf)?;
            output.write_all(&buf)?;
            return output.flush();
        }
        Outgoing::Error { id, code, message } => serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code, "message": message },
        })
        .to_string(),
    };
    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            out.extend(format!("Content-Length: {}\r\n\r\n{p}", p.len()).into_bytes());
        }
        out
    }

    #[test]
    fn skips_malformed_messages_and_reads_on() {
        let mut bytes = frames(&["{not json", r#"{"id": 7, "nonsense": true}"#]);
        bytes.extend(b"Content-Type: x\r\n\r\n");
        bytes.extend(b"garbage line\r\n");
        bytes.extend(frames(&[r#"{"jsonrpc":"2.0","method":"exit"}"#]));
        let mut input = io::Cursor::new(bytes);
        let mut got = Vec::new();
        loop {
            match read(&mut input) {
                Incoming::Closed => break,
                other => got.push(other),
            }
        }
        assert!(matches!(
            got.first(),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(matches!(
            got.get(1),
            Some(Incoming::Malformed { id: Some(id), .. }) if *id == RequestId::from(7)
        ));
        assert!(matches!(
            got.get(2),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(matches!(
            got.get(3),
            Some(Incoming::Malformed { id: None, .. })
        ));
        assert!(matches!(
            got.get(4),
            Some(Incoming::Message(Message::Notification(n))) if n.method == "exit"
        ));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn an_error_without_id_is_written_with_null() {
        let mut out = Vec::new();
        let e = Outgoing::Error {
            id: None,
            code: -32700,
            message: "x".into(),
        };
        write(&mut out, &e).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (_, body) = text.split_once("\r\n\r\n").unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v.get("id"), Some(&serde_json::Value::Null));
        assert_eq!(v.pointer("/error/code"), Some(&serde_json::json!(-32700)));
    }
}

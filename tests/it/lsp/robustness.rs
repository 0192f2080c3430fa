//! The server survives what clients get wrong: unreadable messages, unknown methods, bad
//! parameters, requests before `initialize` and after `shutdown`, positions outside the
//! text; and it ends as the specification says (status 0 after `shutdown` + `exit`, 1
//! otherwise).

use super::client::{project, uri, Client};
use super::{app_open, two_files, Session, APP};
use serde_json::{json, Value};

fn hover_works(c: &mut Client, u: &str) {
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": super::client::pos(APP, "s3:PutObject", 0, 3, false) }),
    );
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("s3:PutObject"),
        "{h}"
    );
}

#[test]
fn malformed_messages_and_unknown_methods_get_errors_and_the_session_goes_on() {
    let Session { mut c, app, .. } = app_open("malformed");
    // Not JSON: a parse error with a null id.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let r = c.response(&Value::Null);
    assert_eq!(r["error"]["code"], -32700);
    // A header without a length, then a line that is no header at all.
    c.send_raw(b"X-Nonsense: 1\r\n\r\n");
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32700);
    // JSON that is not a message, with an id: "invalid request" to that id.
    c.send(&json!({ "jsonrpc": "2.0", "id": 77, "method": 5 }));
    assert_eq!(c.response(&json!(77))["error"]["code"], -32600);
    // An unknown method.
    let r = c.request("iamc/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // Parameters of the wrong shape.
    let r = c.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(r["error"]["code"], -32602);
    // Notifications nobody knows, and a change to a document that is not open.
    c.notify("iamc/whatever", json!([1, 2]));
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///nowhere.iamc", "version": 3 }, "contentChanges": [{ "text": "x" }] }));
    c.notify("textDocument/didOpen", json!({ "nonsense": true }));
    hover_works(&mut c, &app);
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused() {
    let dir = two_files("before-init");
    let mut c = Client::start();
    let r = c.request("textDocument/hover", json!({ "textDocument": { "uri": "file:///x" }, "position": { "line": 0, "character": 0 } }));
    assert_eq!(r["error"]["code"], -32002);
    c.notify("textDocument/didOpen", json!({}));
    let r = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(r["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(r["result"]["serverInfo"]["name"], "iamc");
    let r = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(r["error"]["code"], -32600);
    c.notify("initialized", json!({}));
    let app = uri(&dir.join("iam/app.iamc"));
    c.open(&app, APP);
    hover_works(&mut c, &app);
}

#[test]
fn positions_outside_the_text_are_clamped_not_fatal() {
    let Session { mut c, app, .. } = app_open("out-of-range");
    for (line, character) in [(9_999, 0), (0, 9_999), (4_000_000_000u64, 4_000_000_000u64)] {
        let p = json!({ "textDocument": { "uri": app }, "position": { "line": line, "character": character } });
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/prepareRename",
        ] {
            let r = c.request(method, p.clone());
            let code = r["error"]["code"].as_i64();
            // Nothing there (null), or a refusal for rename; never an internal error.
            assert!(
                code.is_none() || code == Some(-32803),
                "{method} at {line}:{character}: {r}"
            );
        }
        let r = c.request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": app }, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": character } } }),
        );
        assert!(r["error"].is_null(), "{r}");
    }
    // A negative line does not even decode: invalid params.
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": app }, "position": { "line": -1, "character": 0 } }),
    );
    assert_eq!(r["error"]["code"], -32602);
    hover_works(&mut c, &app);
}

#[test]
fn shutdown_then_exit_ends_with_status_0_and_refuses_requests_between() {
    let dir = two_files("shutdown");
    let mut c = Client::initialized(&dir, false);
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    let r = c.request("textDocument/hover", json!({ "textDocument": { "uri": "file:///x" }, "position": { "line": 0, "character": 0 } }));
    assert_eq!(r["error"]["code"], -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait().code(), Some(0));
}

#[test]
fn exit_without_shutdown_or_a_closed_input_ends_with_status_1() {
    let dir = two_files("exit");
    let mut c = Client::initialized(&dir, false);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait().code(), Some(1));
    let c = Client::initialized(&dir, false);
    assert_eq!(c.wait().code(), Some(1));
}

#[test]
fn closing_a_file_outside_any_project_clears_its_diagnostics() {
    let dir = project(
        "loose",
        &[("loose.iamc", "policy P {\n    allow s3:GetObjekt on *\n}\n")],
    );
    let u = uri(&dir.join("loose.iamc"));
    let text = std::fs::read_to_string(dir.join("loose.iamc")).unwrap();
    let mut c = Client::initialized(&dir, false);
    c.open(&u, &text);
    assert_eq!(c.diagnostics(&u).len(), 1);
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    );
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // An unsaved buffer with no file is analysed on its own too.
    let untitled = "untitled:Untitled-1";
    c.open(untitled, "policy Q {\n    allow s3:GetObjekt on *\n}\n");
    assert_eq!(c.diagnostics(untitled).len(), 1);
}

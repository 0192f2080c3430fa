//! Completion, formatting, code actions, inlay hints and code lenses over the protocol,
//! each checked against an independent source: the catalog (completion), the formatter
//! called as a library (formatting), the analysis after the fix is applied (code
//! actions), the operators of the emitted JSON (inlay hints), the lowered document's
//! size and JSON (lenses).

use super::client::{apply, pos, project, uri, Client};
use super::{app_open, Session, APP};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn one_file(name: &str, text: &str) -> (std::path::PathBuf, String) {
    let dir = project(
        name,
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/x.iamc", text),
        ],
    );
    let u = uri(&dir.join("iam/x.iamc"));
    (dir, u)
}

/// The completion list just after `needle`.
fn complete(c: &mut Client, u: &str, text: &str, needle: &str) -> Value {
    c.completion(u, pos(text, needle, 0, needle.chars().count(), false))
}

fn labels(list: &Value) -> BTreeSet<String> {
    super::client::labels(list).into_iter().collect()
}

#[test]
fn completion_after_a_service_prefix_lists_its_actions() {
    let text = "policy P {\n    allow s3:\n}\n";
    let (dir, u) = one_file("complete-actions", text);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let r = complete(&mut c, &u, text, "allow s3:");
    let cat = iamc::catalog::Catalog::embedded();
    let want: BTreeSet<String> = cat
        .service("s3")
        .unwrap()
        .actions()
        .map(|a| a.full_name())
        .collect();
    assert_eq!(labels(&r), want);
    // Each item replaces the whole `s3:` with the action.
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "s3:GetObject")
        .unwrap();
    assert_eq!(item["textEdit"]["newText"], "s3:GetObject");
    assert_eq!(
        item["textEdit"]["range"],
        json!({ "start": pos(text, "s3:", 0, 0, false), "end": pos(text, "s3:", 0, 3, false) })
    );
    assert_eq!(item["detail"], "Read");
    // Before any prefix: the services.
    let text2 = "policy P {\n    allow \n}\n";
    c.change(&u, 2, text2);
    let r = complete(&mut c, &u, text2, "allow ");
    let services = labels(&r);
    assert!(
        services.contains("s3") && services.contains("ec2"),
        "{services:?}"
    );
}

#[test]
fn completion_after_when_offers_keys_the_actions_support_first() {
    let text = "policy P {\n    allow s3:GetObject on * when \n}\n";
    let (dir, u) = one_file("complete-keys", text);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let r = complete(&mut c, &u, text, "when ");
    let items = r["items"].as_array().unwrap();
    let keys: Vec<&Value> = items.iter().filter(|i| i["kind"] == 10).collect();
    assert!(keys.iter().any(|k| k["label"] == "aws:SourceIp"));
    // The keys s3:GetObject supports, from the catalog: those and only those come first.
    let cat = iamc::catalog::Catalog::embedded();
    let get = cat.action("s3:GetObject").unwrap();
    let mut supported: BTreeSet<String> = get
        .condition_keys()
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    for (r, _) in get.resource_types() {
        supported.extend(r.condition_keys().iter().map(|k| k.name().to_string()));
    }
    let first: BTreeSet<String> = keys
        .iter()
        .filter(|k| k["sortText"].as_str().unwrap().starts_with('0'))
        .map(|k| k["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(first, supported);
    let worst_first = keys
        .iter()
        .filter(|k| supported.contains(k["label"].as_str().unwrap()))
        .map(|k| k["sortText"].as_str().unwrap())
        .max()
        .unwrap();
    for k in keys
        .iter()
        .filter(|k| !supported.contains(k["label"].as_str().unwrap()))
    {
        assert!(k["sortText"].as_str().unwrap() > worst_first);
    }
    assert!(r["isIncomplete"].as_bool().unwrap());

    // After a key: the operators that fit its type (IPAddress), with the IAM operator.
    let text2 = "policy P {\n    allow s3:GetObject on * when aws:SourceIp \n}\n";
    c.change(&u, 2, text2);
    let r = complete(&mut c, &u, text2, "aws:SourceIp ");
    let ops: BTreeSet<String> = labels(&r);
    let want: BTreeSet<String> = ["==", "!=", "in", "not in"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(ops, want);
    let eq = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "in")
        .unwrap();
    assert_eq!(eq["detail"], "IpAddress");
}

#[test]
fn formatting_returns_what_iamc_fmt_writes() {
    let text = "policy   P {\nallow s3:GetObject,s3:PutObject on *\n  // kept\n}\n";
    let (dir, u) = one_file("format", text);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let edits = r["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let formatted = apply(text, edits, false);
    let want = iamc::fmt::format(text, iamc::source::FileId(0)).unwrap();
    assert_eq!(formatted, want);
    assert_ne!(formatted, text);
    // A file with a syntax error is left alone.
    let broken = "policy P {\n    allow\n";
    c.change(&u, 2, broken);
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(r["result"], json!([]));
}

#[test]
fn a_quick_fix_applied_clears_the_diagnostic() {
    let text = "policy P {\n    allow s3:GetObjekt on *\n}\n";
    let (dir, u) = one_file("code-action", text);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let diags = c.diagnostics(&u);
    assert_eq!(diags.len(), 1);
    let r = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": u },
            "range": { "start": pos(text, "GetObjekt", 0, 2, false), "end": pos(text, "GetObjekt", 0, 2, false) },
            "context": { "diagnostics": diags },
        }),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    let a = &actions[0];
    assert_eq!(a["title"], "did you mean `s3:GetObject`?");
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["diagnostics"][0]["code"], "E0341");
    let fixed = apply(text, a["edit"]["changes"][&u].as_array().unwrap(), false);
    assert_eq!(fixed, text.replace("GetObjekt", "GetObject"));
    c.change(&u, 2, &fixed);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
}

/// The condition operators of an emitted document's JSON.
fn json_operators(json: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    let statements = match &v["Statement"] {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    statements
        .iter()
        .filter_map(|s| s["Condition"].as_object())
        .flat_map(|c| c.keys().cloned())
        .collect()
}

fn app_document(dir: &std::path::Path) -> iamc::LoweredDocument {
    let loaded = iamc::project::load_project(&iamc::cli::disk::Disk, dir, None).unwrap();
    let a = iamc::analyze(&loaded.sources, &iamc::AnalyzeOptions::default());
    let doc = a
        .user_documents()
        .find(|d| d.name == "App")
        .unwrap()
        .clone();
    doc
}

#[test]
fn inlay_hints_show_the_operators_of_the_emitted_json() {
    let Session {
        mut c, dir, app, ..
    } = app_open("inlay");
    let r = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": app }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } } }),
    );
    let hints = r["result"].as_array().unwrap();
    let mfa_end = pos(APP, "aws:MultiFactorAuthPresent", 0, 26, false);
    let ip_end = pos(APP, "cidr\"10.0.0.0/8\"]", 0, 18, false);
    let got: Vec<(Value, String)> = hints
        .iter()
        .map(|h| {
            (
                h["position"].clone(),
                h["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (mfa_end, "BoolIfExists".to_string()),
            (ip_end, "IpAddress".to_string())
        ]
    );
    let emitted = json_operators(&iamc::emit::json(&app_document(&dir).document, false));
    for (_, label) in &got {
        for op in label.split(" + ") {
            assert!(emitted.contains(op), "{op} not in {emitted:?}");
        }
    }
}

#[test]
fn lenses_show_the_size_and_the_command_shows_the_json() {
    let Session {
        mut c, dir, app, ..
    } = app_open("lens");
    let r = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": app } }),
    );
    let lenses = r["result"].as_array().unwrap();
    assert_eq!(lenses.len(), 1);
    let doc = app_document(&dir);
    let command = &lenses[0]["command"];
    let title = command["title"].as_str().unwrap();
    assert!(
        title.starts_with(&format!("{} of {} characters", doc.size, doc.budget)),
        "{title}"
    );
    assert_eq!(lenses[0]["range"]["start"], pos(APP, "App", 0, 0, false));
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert_eq!(r["result"], iamc::emit::json(&doc.document, false));
}

/// The editor says what `iamc build` will write: a document over its budget that the
/// build merges (where the prover shows the meaning unchanged) has no E0404 and its lens
/// shows the merged size; one that cannot be merged keeps E0404.
#[test]
fn sizes_and_budget_errors_are_those_of_the_build_after_merging() {
    let rules: Vec<String> = (0..70)
        .map(|i| format!("    allow s3:GetObject on arn\"arn:aws:s3:::team-data-{i:02}/*\""))
        .collect();
    let merged = format!("policy Buckets {{\n{}\n}}\n", rules.join("\n"));
    let (dir, u) = one_file("lens-merged", &merged);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, &merged);
    let diags = c.diagnostics(&u);
    assert!(diags.iter().all(|d| d["code"] != "E0404"), "{diags:?}");
    let r = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": u } }),
    );
    let title = r["result"][0]["command"]["title"]
        .as_str()
        .unwrap()
        .to_string();
    let size: usize = title.split(' ').next().unwrap().parse().unwrap();
    assert!(size <= 6144, "{title}");
    // The build writes the same size.
    let out = crate::support::iamc()
        .args(["build", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outputs"][0]["size"], json!(size), "{v}");

    // A condition of its own on each rule: nothing merges.
    let rules: Vec<String> = (0..70)
        .map(|i| {
            format!("    allow s3:GetObject on arn\"arn:aws:s3:::team-data-{i:02}/*\" when aws:SourceVpce == \"vpce-{i:08x}\"")
        })
        .collect();
    let stuck = format!("policy Buckets {{\n{}\n}}\n", rules.join("\n"));
    c.change(&u, 2, &stuck);
    let diags = c.diagnostics(&u);
    assert!(diags.iter().any(|d| d["code"] == "E0404"), "{diags:?}");
}

/// Built-in calls: offered where actions go; inside one, services for the first argument
/// and the access levels (quoted) for the second, in a list or not.
#[test]
fn completion_knows_the_builtin_functions_and_their_arguments() {
    let text = "policy P {\n    allow \n}\n";
    let (dir, u) = one_file("complete-builtins", text);
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let r = complete(&mut c, &u, text, "allow ");
    let got = labels(&r);
    assert!(
        got.contains("actions(") && got.contains("action_wildcards("),
        "{got:?}"
    );
    assert!(got.contains("s3"), "{got:?}");

    let levels: BTreeSet<String> = [
        "\"List\"",
        "\"Read\"",
        "\"Write\"",
        "\"Permissions management\"",
        "\"Tagging\"",
    ]
    .map(String::from)
    .into();
    for (version, typed, needle) in [
        (2, "policy P {\n    allow actions(s3, \n}\n", "actions(s3, "),
        (
            3,
            "policy P {\n    allow actions([s3, sqs], [\"Read\", \n}\n",
            "[\"Read\", ",
        ),
    ] {
        c.change(&u, version, typed);
        let r = complete(&mut c, &u, typed, needle);
        assert_eq!(labels(&r), levels, "{typed}");
    }
    // The first argument: services, without the `:` an action would take.
    let typed = "policy P {\n    allow actions([s3, \n}\n";
    c.change(&u, 4, typed);
    let r = complete(&mut c, &u, typed, "[s3, ");
    let items = r["items"].as_array().unwrap();
    let sqs = items.iter().find(|i| i["label"] == "sqs").unwrap();
    assert_eq!(sqs["textEdit"]["newText"], "sqs");
    assert!(!labels(&r).contains("actions("));
}

/// When the editor's time for merging runs out (here `[prove] timeout_ms = 0`), a document
/// still over its budget keeps E0404, and its help says the build may merge more.
#[test]
fn a_budget_error_says_when_the_editor_stopped_merging() {
    let rules: Vec<String> = (0..70)
        .map(|i| format!("    allow s3:GetObject on arn\"arn:aws:s3:::team-data-{i:02}/*\""))
        .collect();
    let text = format!("policy Buckets {{\n{}\n}}\n", rules.join("\n"));
    let dir = super::client::project(
        "lens-no-time",
        &[
            (
                "iamc.toml",
                "[project]\nsources = [\"iam\"]\n\n[prove]\ntimeout_ms = 0\n",
            ),
            ("iam/x.iamc", &text),
        ],
    );
    let u = uri(&dir.join("iam/x.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, &text);
    let diags = c.diagnostics(&u);
    let e = diags.iter().find(|d| d["code"] == "E0404").expect("E0404");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("the editor stops merging after 250 ms"),
        "{message}"
    );
}

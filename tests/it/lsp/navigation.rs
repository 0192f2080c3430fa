//! Hover, go to definition, references, rename and symbols over the protocol, on the
//! two-file project: the answers are checked against the catalog and against the text
//! (where each name is written), and a rename is applied and analysed again.

use super::client::{apply, labels, pos, uri, Client};
use super::{app_open, two_files, Session, APP, COMMON};
use serde_json::{json, Value};

fn at(u: &str, text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    json!({ "textDocument": { "uri": u }, "position": pos(text, needle, nth, delta, false) })
}

/// The range of the `nth` occurrence of `needle` (UTF-16, the texts are ASCII).
fn range_of(text: &str, needle: &str, nth: usize) -> Value {
    json!({
        "start": pos(text, needle, nth, 0, false),
        "end": pos(text, needle, nth, needle.chars().count(), false),
    })
}

#[test]
fn hover_describes_actions_and_keys_from_the_catalog() {
    let Session { mut c, app, .. } = app_open("hover");
    let h = c.request("textDocument/hover", at(&app, APP, "s3:PutObject", 0, 5));
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let cat = iamc::catalog::Catalog::embedded();
    let put = cat.action("s3:PutObject").unwrap();
    assert!(text.contains("**s3:PutObject**"), "{text}");
    assert!(
        text.contains(&format!("Access level: {}", put.access_level().as_str())),
        "{text}"
    );
    assert!(text.contains(put.description()), "{text}");
    for (r, _) in put.resource_types() {
        assert!(text.contains(&format!("`{}`", r.name())), "{text}");
    }
    assert_eq!(h["result"]["range"], range_of(APP, "s3:PutObject", 0));

    let h = c.request(
        "textDocument/hover",
        at(&app, APP, "aws:MultiFactorAuthPresent", 0, 8),
    );
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**aws:MultiFactorAuthPresent**: `Bool`"),
        "{text}"
    );
    assert!(text.contains("Not on every request"), "{text}");
    assert_eq!(
        h["result"]["range"],
        range_of(APP, "aws:MultiFactorAuthPresent", 0)
    );

    // A constant imported from the other file: its declaration and documentation.
    let h = c.request("textDocument/hover", at(&app, APP, "bucket", 2, 1));
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("const bucket: ArnPattern"), "{text}");
    assert!(text.contains("The bucket the app reads."), "{text}");
    // A template: its parameters and documentation.
    let h = c.request("textDocument/hover", at(&app, APP, "read(", 0, 1));
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("template read(objects: ArnPattern)"),
        "{text}"
    );
    assert!(
        text.contains("Read access to a bucket's objects."),
        "{text}"
    );
    // Nothing under the cursor: no hover.
    let h = c.request("textDocument/hover", at(&app, APP, "{\n", 0, 0));
    assert_eq!(h["result"], Value::Null);
}

#[test]
fn definition_and_references_cross_files() {
    let Session {
        mut c, app, common, ..
    } = app_open("definition");
    // `bucket` in `allow s3:PutObject on bucket` (its third occurrence in app.iamc).
    let d = c.request("textDocument/definition", at(&app, APP, "bucket", 2, 2));
    assert_eq!(
        d["result"],
        json!({ "uri": common, "range": range_of(COMMON, "bucket", 1) })
    );
    let d = c.request("textDocument/definition", at(&app, APP, "read(", 0, 2));
    let read = json!({ "start": pos(COMMON, "read(", 0, 0, false), "end": pos(COMMON, "read(", 0, 4, false) });
    assert_eq!(d["result"], json!({ "uri": common, "range": read }));
    // A named argument goes to the template's parameter.
    let d = c.request("textDocument/definition", at(&app, APP, "objects:", 0, 2));
    assert_eq!(
        d["result"],
        json!({ "uri": common, "range": range_of(COMMON, "objects", 1) })
    );

    let r = c.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": app },
            "position": pos(APP, "bucket", 1, 0, false),
            "context": { "includeDeclaration": true },
        }),
    );
    let mut got: Vec<Value> = r["result"].as_array().unwrap().clone();
    got.sort_by_key(|v| v.to_string());
    let mut want = vec![
        json!({ "uri": app, "range": range_of(APP, "bucket", 0) }),
        json!({ "uri": app, "range": range_of(APP, "bucket", 1) }),
        json!({ "uri": app, "range": range_of(APP, "bucket", 2) }),
        json!({ "uri": common, "range": range_of(COMMON, "bucket", 1) }),
    ];
    want.sort_by_key(|v| v.to_string());
    assert_eq!(got, want);
}

#[test]
fn rename_edits_every_file_and_the_result_still_checks() {
    let Session {
        mut c, app, common, ..
    } = app_open("rename");
    let p = c.request("textDocument/prepareRename", at(&app, APP, "bucket", 1, 3));
    assert_eq!(
        p["result"],
        json!({ "range": range_of(APP, "bucket", 1), "placeholder": "bucket" })
    );
    let bad = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": app }, "position": pos(APP, "bucket", 1, 3, false), "newName": "not a name" }),
    );
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is not a name"));
    // The standard library is not renamed.
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": app }, "position": pos(APP, "bucket", 1, 3, false), "newName": "data_bucket" }),
    );
    let changes = &r["result"]["changes"];
    let new_app = apply(APP, changes[&app].as_array().unwrap(), false);
    let new_common = apply(COMMON, changes[&common].as_array().unwrap(), false);
    assert_eq!(new_app, APP.replace("bucket", "data_bucket"));
    assert_eq!(
        new_common,
        COMMON.replacen("const bucket", "const data_bucket", 1)
    );
    // Both files as edited analyse without a diagnostic.
    c.open(&common, &new_common);
    c.change(&app, 2, &new_app);
    assert_eq!(c.diagnostics(&app), Vec::<Value>::new());
}

#[test]
fn symbols_of_a_file_and_of_the_workspace() {
    let dir = two_files("symbols");
    let common = uri(&dir.join("iam/common.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&common, COMMON);
    let s = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": common } }),
    );
    let names: Vec<&str> = s["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bucket", "read"]);
    assert_eq!(s["result"][1]["children"][0]["name"], "objects");
    assert_eq!(
        s["result"][0]["selectionRange"],
        range_of(COMMON, "bucket", 1)
    );
    // The workspace holds app.iamc too (read from disk).
    let w = c.request("workspace/symbol", json!({ "query": "ap" }));
    let found: Vec<(&str, &str)> = w["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["containerName"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("App", "app")]);
}

const WITH_STD: &str = "import std.guards.mfa_guard

const account: AccountId = env.account

policy Admin {
    allow iam:* on arn\"arn:aws:iam::{account}:role/*\"
    use mfa_guard(except: [iam:ChangePassword])
}
";

#[test]
fn the_standard_library_and_the_environment() {
    let dir = super::client::project(
        "std-env",
        &[
            (
                "iamc.toml",
                "[project]\nsources = [\"iam\"]\n\n[env.dev]\naccount = \"111122223333\"\n",
            ),
            ("iam/admin.iamc", WITH_STD),
        ],
    );
    let u = uri(&dir.join("iam/admin.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, WITH_STD);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // Into the standard library: a readable copy of the module, at the template's name.
    let d = c.request(
        "textDocument/definition",
        at(&u, WITH_STD, "mfa_guard(", 0, 2),
    );
    let target = d["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("/stdlib/std/guards.iamc"), "{target}");
    let copy = std::fs::read_to_string(target.trim_start_matches("file://")).unwrap();
    let line = d["result"]["range"]["start"]["line"].as_u64().unwrap() as usize;
    let col = d["result"]["range"]["start"]["character"].as_u64().unwrap() as usize;
    assert!(
        copy.lines().nth(line).unwrap()[col..].starts_with("mfa_guard("),
        "{copy}"
    );
    // `env.account`: its key in iamc.toml, and its value.
    let toml = uri(&dir.join("iamc.toml"));
    let d = c.request(
        "textDocument/definition",
        at(&u, WITH_STD, "env.account", 0, 5),
    );
    assert_eq!(d["result"]["uri"], toml);
    assert_eq!(
        d["result"]["range"]["start"],
        json!({ "line": 4, "character": 0 })
    );
    let h = c.request("textDocument/hover", at(&u, WITH_STD, "env.account", 0, 5));
    assert!(h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("\"111122223333\""));
    // Renaming a template of the standard library is refused, with the reason.
    let r = c.request(
        "textDocument/prepareRename",
        at(&u, WITH_STD, "mfa_guard(", 0, 2),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("standard library"),
        "{r}"
    );
    // Completion: templates after `use`, their arguments inside the parentheses.
    let text = WITH_STD.replace(
        "use mfa_guard(except: [iam:ChangePassword])",
        "use mfa_guard(",
    );
    c.change(&u, 2, &text);
    let arguments = labels(&c.completion(&u, pos(&text, "mfa_guard(", 0, 10, false)));
    assert_eq!(arguments, ["except:"]);
    let templates = labels(&c.completion(&u, pos(&text, "use ", 0, 4, false)));
    assert_eq!(templates, ["mfa_guard"]);
    // Values: constants and the environment's.
    let text = format!("{WITH_STD}const other: AccountId = env.");
    c.change(&u, 3, &text);
    let values = labels(&c.completion(&u, pos(&text, "= env.", 0, 6, false)));
    assert!(
        values.iter().any(|l| l == "env.account") && values.iter().any(|l| l == "account"),
        "{values:?}"
    );
    // Module paths after `import`.
    let text = format!("import \n{WITH_STD}");
    c.change(&u, 4, &text);
    let modules = labels(&c.completion(&u, json!({ "line": 0, "character": 7 })));
    assert!(
        modules.iter().any(|l| l == "std.guards")
            && modules.iter().any(|l| l == "std.guards.mfa_guard"),
        "{modules:?}"
    );
}

/// Hover on a built-in function's name says what it does and, with its arguments written
/// out, what it gives today: counted here from the catalog, independently.
#[test]
fn hover_on_a_builtin_call_shows_what_it_gives_today() {
    let text = "const mine: List<Service> = [s3]\n\npolicy P {\n    allow actions([s3, sqs], [\"List\", \"Read\"]) on *\n    allow action_wildcards(s3, \"List\") on *\n    allow actions(mine, \"Read\") on *\n}\n";
    let dir = super::client::project(
        "hover-builtin",
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/x.iamc", text),
        ],
    );
    let u = uri(&dir.join("iam/x.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let cat = iamc::catalog::Catalog::embedded();
    let count = |svc: &str| {
        cat.service(svc)
            .unwrap()
            .actions()
            .filter(|a| matches!(a.access_level().as_str(), "List" | "Read"))
            .count()
    };
    let h = c.request("textDocument/hover", at(&u, text, "actions(", 0, 2));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("closed world"), "{md}");
    let (s3, sqs) = (count("s3"), count("sqs"));
    assert!(
        md.contains(&format!("Today: {} actions (s3 {s3}, sqs {sqs})", s3 + sqs)),
        "{md}"
    );
    // Long lists are cut after 25 names, with a count of the rest.
    assert!(md.contains(&format!("and {} more", s3 + sqs - 25)), "{md}");
    assert_eq!(h["result"]["range"], range_of(text, "actions", 0));

    let h = c.request("textDocument/hover", at(&u, text, "action_wildcards", 0, 3));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("open world"), "{md}");
    assert!(md.contains("`s3:List*`"), "{md}");
    // Arguments that are not written out (a constant) give the description alone.
    let h = c.request("textDocument/hover", at(&u, text, "actions(mine", 0, 2));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("closed world") && !md.contains("Today"), "{md}");
    // An argument inside the call is still a service to hover.
    let h = c.request("textDocument/hover", at(&u, text, "sqs", 0, 1));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("**sqs**"), "{md}");
}

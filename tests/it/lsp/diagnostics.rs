//! Diagnostics over the protocol: published on open and on change with the compiler's
//! codes and spans (compared with the library's analysis of the same files, converted to
//! UTF-16 or UTF-8 columns here, independently of the server), links to each code's
//! explanation, related information, the fix carried for code actions; files of the
//! project that are not open are read from disk, open buffers win over the disk.

use super::client::{project, uri, Client};
use super::{two_files, APP};
use serde_json::Value;
use std::path::Path;

/// A file with two errors after non-ASCII text: an unknown action, and an unknown key on
/// a line that has `é` and an emoji (two UTF-16 units, four bytes) before it.
const BAD: &str = "// Bücher und Grüße 😀
policy Bad {
    allow s3:GetObjekt on *
    allow s3:GetObject on * when aws:PrincipalTag/team == \"é😀\" and aws:SourceIpp == \"x\"
}
const twice = 1
const twice = 2
";

const GOOD: &str = "// Bücher und Grüße 😀
policy Bad {
    allow s3:GetObject on *
}
";

/// (code, start line, start column, end line, end column, related count) of the library's
/// diagnostics for a file of a project, columns in UTF-16 units or bytes.
pub(super) fn expected(
    dir: &Path,
    file: &str,
    utf8: bool,
) -> Vec<(String, u64, u64, u64, u64, usize)> {
    let loaded = iamc::project::load_project(&iamc::cli::disk::Disk, dir, None).unwrap();
    let analysis = iamc::analyze(&loaded.sources, &iamc::AnalyzeOptions::default());
    let (id, src) = analysis
        .sources
        .iter()
        .find(|(_, f)| f.name == file)
        .unwrap();
    let text = &src.text;
    let at = |offset: u32| {
        let before = &text[..offset as usize];
        let line = before.matches('\n').count() as u64;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = if utf8 {
            (offset as usize - start) as u64
        } else {
            text[start..offset as usize].encode_utf16().count() as u64
        };
        (line, col)
    };
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.primary.file == id)
        .map(|d| {
            let (a, b) = at(d.primary.start);
            let (c, e) = at(d.primary.end);
            (d.code.as_str().to_string(), a, b, c, e, d.labels.len())
        })
        .collect()
}

pub(super) fn got(diags: &[Value]) -> Vec<(String, u64, u64, u64, u64, usize)> {
    diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            (
                d["code"].as_str().unwrap().to_string(),
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
                d["relatedInformation"].as_array().map_or(0, Vec::len),
            )
        })
        .collect()
}

fn bad_project(name: &str) -> std::path::PathBuf {
    project(
        name,
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/bad.iamc", BAD),
        ],
    )
}

fn open_bad_and_compare(utf8: bool) {
    let dir = bad_project(if utf8 { "diag-utf8" } else { "diag-utf16" });
    let file = dir.join("iam/bad.iamc");
    let u = uri(&file);
    let mut c = Client::initialized(&dir, utf8);
    assert_eq!(c.utf8, utf8);
    c.open(&u, BAD);
    let diags = c.diagnostics(&u);
    let want = expected(&dir, "iam/bad.iamc", utf8);
    assert_eq!(got(&diags), want);
    let codes: Vec<&str> = want.iter().map(|w| w.0.as_str()).collect();
    for code in ["E0341", "E0343", "E0204"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    // The unknown key sits after `é😀"`: its column differs between the encodings.
    let key = diags.iter().find(|d| d["code"] == "E0343").unwrap();
    let line = BAD.lines().nth(3).unwrap();
    let prefix = &line[..line.find("aws:SourceIpp").unwrap()];
    let col = if utf8 {
        prefix.len()
    } else {
        prefix.encode_utf16().count()
    };
    assert_eq!(key["range"]["start"]["character"], col as u64);
    assert_ne!(prefix.len(), prefix.encode_utf16().count());
    // Every diagnostic links to its explanation, which exists and is the code's page.
    for d in &diags {
        let href = d["codeDescription"]["href"].as_str().unwrap();
        let code = d["code"].as_str().unwrap();
        assert!(href.ends_with(&format!("/errors/{code}.md")), "{href}");
        let page = std::fs::read_to_string(href.trim_start_matches("file://")).unwrap();
        assert!(page.starts_with(&format!("# {code}")), "{page}");
        assert_eq!(d["source"], "iamc");
    }
    // The unknown action carries its fix, for the code action.
    let action = diags.iter().find(|d| d["code"] == "E0341").unwrap();
    assert_eq!(action["data"]["fix"]["newText"], "s3:GetObject");
    assert!(action["message"].as_str().unwrap().contains("did you mean"));
    // The name defined twice points at the first definition.
    let twice = diags.iter().find(|d| d["code"] == "E0204").unwrap();
    assert_eq!(twice["relatedInformation"][0]["location"]["uri"], u);
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn open_publishes_the_compilers_diagnostics_in_utf16_columns() {
    open_bad_and_compare(false);
}

#[test]
fn open_publishes_the_compilers_diagnostics_in_utf8_columns_when_offered() {
    open_bad_and_compare(true);
}

#[test]
fn a_change_that_fixes_the_errors_clears_them() {
    let dir = bad_project("diag-change");
    let u = uri(&dir.join("iam/bad.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, BAD);
    assert!(!c.diagnostics(&u).is_empty());
    c.change(&u, 2, GOOD);
    let p = c.notification("textDocument/publishDiagnostics", |p| p["uri"] == u);
    assert_eq!(p["diagnostics"], serde_json::json!([]));
    assert_eq!(p["version"], 2);
    // And breaking it again brings them back.
    c.change(&u, 3, BAD);
    assert_eq!(
        c.diagnostics(&u).len(),
        expected(&dir, "iam/bad.iamc", false).len()
    );
}

#[test]
fn project_files_not_open_are_read_from_disk_and_open_buffers_win() {
    let dir = two_files("diag-disk");
    // On disk, the template of common.iamc misspells an action.
    let common_path = dir.join("iam/common.iamc");
    let broken = super::COMMON.replace("s3:GetObject", "s3:GetObjekt");
    std::fs::write(&common_path, &broken).unwrap();
    let app = uri(&dir.join("iam/app.iamc"));
    let common = uri(&common_path);
    let mut c = Client::initialized(&dir, false);
    c.open(&app, APP);
    // The import resolves (common.iamc was read from disk) and its error is published.
    assert_eq!(c.diagnostics(&app), Vec::<Value>::new());
    let on_disk = c.diagnostics(&common);
    assert_eq!(got(&on_disk), expected(&dir, "iam/common.iamc", false));
    assert!(on_disk.iter().any(|d| d["code"] == "E0341"));
    // Opening it with the fix typed in (not saved) clears the error.
    c.open(&common, super::COMMON);
    assert_eq!(c.diagnostics(&common), Vec::<Value>::new());
}

#[test]
fn a_broken_declaration_gives_diagnostics_and_the_rest_still_answers() {
    let text = "policy Broken {\n    allow s3:GetObject on\n}\n\npolicy Fine {\n    allow s3:PutObject on *\n}\n";
    let dir = project(
        "diag-broken",
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/x.iamc", text),
        ],
    );
    let u = uri(&dir.join("iam/x.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, text);
    let diags = c.diagnostics(&u);
    assert_eq!(got(&diags), expected(&dir, "iam/x.iamc", false));
    assert!(
        diags
            .iter()
            .any(|d| d["code"].as_str().unwrap().starts_with("E01")),
        "{diags:?}"
    );
    let h = c.request(
        "textDocument/hover",
        serde_json::json!({ "textDocument": { "uri": u }, "position": super::client::pos(text, "s3:PutObject", 0, 4, false) }),
    );
    assert!(h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("s3:PutObject"));
}

#[test]
fn a_broken_iamc_toml_is_reported_there_and_the_files_still_analysed() {
    let broken_toml = "[project\nsources = [\"iam\"]\n";
    let dir = project(
        "diag-toml",
        &[
            ("iamc.toml", broken_toml),
            ("iam/a.iamc", "policy A {\n    allow s3:GetObjekt on *\n}\n"),
        ],
    );
    let toml = uri(&dir.join("iamc.toml"));
    let a = uri(&dir.join("iam/a.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(
        &a,
        &std::fs::read_to_string(dir.join("iam/a.iamc")).unwrap(),
    );
    let on_toml = c.diagnostics(&toml);
    assert_eq!(on_toml.len(), 1);
    assert_eq!(on_toml[0]["code"], "E0902");
    let on_a = c.diagnostics(&a);
    assert!(on_a.iter().any(|d| d["code"] == "E0341"), "{on_a:?}");
    // Fixing iamc.toml in the editor clears its error.
    c.open(&toml, broken_toml);
    c.change(&toml, 2, "[project]\nsources = [\"iam\"]\n");
    let p = c.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == toml && p["diagnostics"] == serde_json::json!([])
    });
    assert_eq!(p["version"], 2);
}

#[test]
fn files_changed_on_disk_are_read_again_when_the_client_says_so() {
    let dir = two_files("diag-watch");
    let app = uri(&dir.join("iam/app.iamc"));
    let common_path = dir.join("iam/common.iamc");
    let common = uri(&common_path);
    let mut c = Client::start();
    c.request(
        "initialize",
        serde_json::json!({
            "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } },
        }),
    );
    c.notify("initialized", serde_json::json!({}));
    // The server asks to watch the project's files.
    let reg = c.notification("client/registerCapability", |_| true);
    assert_eq!(
        reg["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    c.open(&app, APP);
    assert_eq!(c.diagnostics(&app), Vec::<Value>::new());
    // common.iamc (not open) changes on disk: the next analysis reads it again.
    std::fs::write(
        &common_path,
        super::COMMON.replace("s3:GetObject", "s3:GetObjekt"),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({ "changes": [{ "uri": common, "type": 2 }] }),
    );
    let on_disk = c.diagnostics(&common);
    assert!(on_disk.iter().any(|d| d["code"] == "E0341"), "{on_disk:?}");
}

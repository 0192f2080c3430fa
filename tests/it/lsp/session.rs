//! Random editing sessions, the way an editor drives the server: a project of realistic
//! files, one of them open and edited at random (text deleted, snippets typed, lines
//! duplicated and swapped, non-ASCII and CRLF included); after every change the
//! diagnostics the server publishes for that version are compared with the library's
//! analysis of the same text (codes, ranges in UTF-16, related locations), and requests
//! at random positions (hover, completion, definition, references, symbols, inlay hints,
//! code lenses, code actions, formatting) must each get an answer, never an error, with
//! the session going on. `IAMC_LSP_EDITS=N` sets the edits per session (default 40).

use super::client::{apply, project, uri, Client};
use super::diagnostics::{expected, got};
use crate::support::Rng;
use serde_json::{json, Value};
use std::path::Path;

/// Realistic files without `prove` blocks (proof results arrive later, on their own).
const FILES: &[&str] = &[
    "eks_irsa.iamc",
    "network_perimeter.iamc",
    "orders_service.iamc",
    "rcp_perimeter.iamc",
    "s3_data_lake.iamc",
    "trust_federation.iamc",
];

/// What is typed: pieces of the language, broken pieces, and text that tests encodings.
const SNIPPETS: &[&str] = &[
    "allow ",
    "deny ",
    " on *",
    "s3:Get",
    "s3:GetObject",
    "iam:*",
    " when ",
    "aws:SourceIp",
    "aws:PrincipalTag/team",
    " == ",
    " like ",
    "\"x\"",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ", ",
    "\n",
    "\r\n",
    "\t",
    "é😀",
    "policy Z {\n",
    "use ",
    "import std.guards\n",
    "actions(s3, \"Read\")",
    "// note\n",
    "/// doc\n",
    "arn\"arn:aws:s3:::b/*\"",
    "?",
    "not ",
    "any ",
    "${aws:username}",
    "const k = 1\n",
    "from account(\"111122223333\")",
];

/// Whole rules, some valid in any document kind, some only in some, some wrong.
const RULES: &[&str] = &[
    "    allow s3:GetObject on *\n",
    "    deny * on * when not aws:SecureTransport\n",
    "    allow s3:GetObjekt on *\n",
    "    allow ec2:* on * when aws:RequestedRegion == \"eu-west-1\"\n",
    "    allow sts:AssumeRole from account(\"111122223333\")\n",
    "    allow s3:GetObject on * when aws:SourceIpp == \"x\"\n",
    "    allow actions(s3, \"List\") on *\n",
];

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One random edit of `text`.
fn edit(rng: &mut Rng, text: &str) -> String {
    let at = floor(text, rng.below(text.len() + 1));
    match rng.below(6) {
        0 | 1 => {
            let end = floor(text, at + 1 + rng.below(24));
            format!("{}{}", &text[..at], &text[end..])
        }
        2 | 3 => {
            let s = rng.pick(SNIPPETS).copied().unwrap_or("");
            format!("{}{s}{}", &text[..at], &text[at..])
        }
        4 => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let i = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            if let Some(l) = lines.get(i) {
                out.insert(i, l);
            }
            out.concat()
        }
        _ => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
            if i < lines.len() && j < lines.len() {
                lines.swap(i, j);
            }
            lines.concat()
        }
    }
}

/// A position in `text` (line, UTF-16 column), sometimes past the end of a line.
fn position(rng: &mut Rng, text: &str) -> Value {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = rng.below(lines.len() + 1);
    let width = lines.get(line).map_or(0, |l| l.encode_utf16().count());
    json!({ "line": line, "character": rng.below(width + 3) })
}

/// Every request an editor sends while typing, at a random place; none may fail.
fn ask_everything(c: &mut Client, rng: &mut Rng, u: &str, text: &str) {
    let doc = json!({ "uri": u });
    let p = position(rng, text);
    let q = position(rng, text);
    let requests = [
        (
            "textDocument/hover",
            json!({ "textDocument": doc, "position": p }),
        ),
        (
            "textDocument/completion",
            json!({ "textDocument": doc, "position": p }),
        ),
        (
            "textDocument/definition",
            json!({ "textDocument": doc, "position": p }),
        ),
        (
            "textDocument/references",
            json!({ "textDocument": doc, "position": p, "context": { "includeDeclaration": true } }),
        ),
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        ),
        (
            "textDocument/inlayHint",
            json!({ "textDocument": doc, "range": { "start": { "line": 0, "character": 0 }, "end": q } }),
        ),
        ("textDocument/codeLens", json!({ "textDocument": doc })),
        (
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": { "start": p, "end": p }, "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/formatting",
            json!({ "textDocument": doc, "options": { "tabSize": 4, "insertSpaces": true } }),
        ),
    ];
    for (method, params) in requests {
        let r = c.request(method, params.clone());
        assert!(
            r.get("error").is_none() && r.get("result").is_some(),
            "{method} {params} on\n{text}\n-> {r}"
        );
        if method == "textDocument/formatting" {
            // What `iamc fmt` writes, or nothing for text it refuses.
            let edits = r["result"].as_array().cloned().unwrap_or_default();
            let formatted = apply(text, &edits, false);
            let want = iamc::fmt::format(text, iamc::source::FileId(0))
                .unwrap_or_else(|_| text.to_string());
            assert_eq!(formatted, want, "formatting of\n{text}");
        }
    }
}

/// Runs one session; returns the distinct codes published, how many versions had some
/// and how many had none.
fn session(seed: u64, edits: usize) -> (std::collections::BTreeSet<String>, usize, usize) {
    let realistic = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid/realistic");
    let texts: Vec<(String, String)> = FILES
        .iter()
        .map(|f| {
            (
                format!("iam/{f}"),
                std::fs::read_to_string(realistic.join(f)).unwrap(),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("iamc.toml", "[project]\nsources = [\"iam\"]\n")];
    files.extend(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let name = format!("session-{seed}");
    let dir = project(&name, &files);
    // The library reads the same text from a twin folder, rewritten after every edit.
    let twin = project(&format!("{name}-twin"), &files);
    let mut rng = Rng(seed);
    let (file, start) = texts
        .get(rng.below(texts.len()))
        .cloned()
        .unwrap_or_default();
    let u = uri(&dir.join(&file));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, &start);
    c.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str()
    });
    let mut text = start.clone();
    let mut codes = std::collections::BTreeSet::new();
    let mut with_diagnostics = 0;
    let mut clean = 0;
    for version in 2..(2 + edits as i64) {
        text = match rng.below(10) {
            // Undo everything, as an editor does, so that valid text comes back.
            0 => start.clone(),
            // A whole rule in the first declaration body.
            1 => match text.find("{\n") {
                Some(i) => format!(
                    "{}{}{}",
                    &text[..i + 2],
                    rng.pick(RULES).copied().unwrap_or(""),
                    &text[i + 2..]
                ),
                None => edit(&mut rng, &text),
            },
            _ => edit(&mut rng, &text),
        };
        c.change(&u, version, &text);
        let published = c.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str() && p["version"] == version
        });
        std::fs::write(twin.join(&file), &text).unwrap();
        let mut want = expected(&twin, &file, false);
        want.sort();
        let diags = published["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut have = got(&diags);
        have.sort();
        assert_eq!(
            have, want,
            "seed {seed}, version {version}, {file}:\n{text}"
        );
        with_diagnostics += usize::from(!want.is_empty());
        clean += usize::from(want.is_empty());
        codes.extend(want.into_iter().map(|w| w.0));
        ask_everything(&mut c, &mut rng, &u, &text);
    }
    assert_eq!(c.shutdown().code(), Some(0));
    (codes, with_diagnostics, clean)
}

#[test]
fn random_editing_sessions_publish_the_compilers_diagnostics_and_answer_everything() {
    let edits: usize = std::env::var("IAMC_LSP_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut codes = std::collections::BTreeSet::new();
    let (mut with_diagnostics, mut clean) = (0, 0);
    for seed in [0x1dea_5eed, 0x0dd5_eed5, 0xfeed_face] {
        let (c, n, k) = session(seed, edits);
        codes.extend(c);
        with_diagnostics += n;
        clean += k;
    }
    eprintln!(
        "{} edits, {with_diagnostics} versions with diagnostics, {clean} clean, codes {codes:?}",
        3 * edits
    );
    // The edits must reach broken text and clean text, or the comparison says little.
    assert!(
        codes.len() >= 3 && with_diagnostics * 4 >= edits && clean * 20 >= edits,
        "{codes:?}"
    );
}

//! The README and the documentation are executed: every command they show is run through
//! the binary and what it prints is compared, every `.iamc` example is compiled, every
//! `iamc.toml` example loaded, every JSON example parsed, and each error page's examples
//! report (or, fixed, no longer report) its code.
//!
//! # The convention (also in `docs/README.md`)
//!
//! Every fenced block in `README.md`, `docs/*.md` and `docs/errors/*.md` carries a
//! language tag (an untagged fence fails the test), and the tag says what is done with it:
//!
//! - `console`: a shell session. Each line starting with `$ ` is an `iamc` command; the lines
//!   after it, up to the next `$ ` line, are what it prints: standard error, then standard
//!   output, colour off, trailing spaces ignored. A line `...` stands for any number of
//!   lines. Commands run in the document's sandbox (below), in order.
//! - `sh`: commands to type. Each line starting with `iamc ` runs in the sandbox and must exit
//!   `0` (` # ...` is a comment); other lines (`cargo ...`) are not run.
//! - `iamc`: a module, checked as `iam/main.iamc` of a project with the example project's
//!   `iamc.toml` (environment `dev`): no error (warnings are fine). Attributes after the
//!   tag: `fragment` (not checked on its own: a piece of a module, or a file a later
//!   command uses) or `expect=E0341,W0345` (exactly these codes, in any order).
//! - `toml`: an `iamc.toml`; a project with it (and its `iam/` folder) checks with no
//!   diagnostic.
//! - `json`: parses as JSON (`json fragment`: elided, not parsed).
//! - `text`, `rust`, `jsonc`, `yaml`, `hcl`: shown only (synopses with placeholders, diagrams,
//!   Rust, emitted CloudFormation and Terraform).
//!
//! `<!-- file: PATH -->` on the line before a fence writes the block into the sandbox at
//! `PATH` when the walk reaches it, so later commands can use it.
//!
//! The sandbox of a document is a scratch folder holding copies of `examples/` and
//! `tests/eval/`, so `iamc build --project examples/seeds` and
//! `iamc eval tests/eval/...` work as written from the repository's root.
//!
//! Error pages (`docs/errors/CODE.md`) also have to show their code: an `iamc` block under
//! a heading with "Example" must report `CODE` (and may report others); any other `iamc`
//! block there without `expect=` (a fix) must not report it, nor any error.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One fenced block.
#[derive(Debug)]
struct Block {
    /// The first word of the info string.
    lang: String,
    /// The other words.
    attrs: Vec<String>,
    text: String,
    /// The fence's line, 1-based.
    line: usize,
    /// `<!-- file: PATH -->` before it.
    file: Option<String>,
    /// The last heading before it.
    heading: String,
}

/// The fenced blocks of a Markdown text (fences indented up to three spaces included).
fn blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut heading = String::new();
    let mut file = None;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(h) = line.strip_prefix('#') {
            heading = h.trim_start_matches('#').trim().to_string();
        }
        if let Some(path) = trimmed
            .strip_prefix("<!-- file:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            file = Some(path.trim().to_string());
            i += 1;
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```").filter(|_| indent <= 3) {
            let mut words = info.split_whitespace().map(str::to_string);
            let lang = words.next().unwrap_or_default();
            let attrs = words.collect();
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim() != "```" {
                end += 1;
            }
            let text: String = lines[start..end.min(lines.len())]
                .iter()
                .map(|l| {
                    let cut = l.len() - l.trim_start().len();
                    format!("{}\n", &l[cut.min(indent)..])
                })
                .collect();
            out.push(Block {
                lang,
                attrs,
                text,
                line: i + 1,
                file: file.take(),
                heading: heading.clone(),
            });
            i = end + 1;
            continue;
        }
        if !trimmed.is_empty() {
            file = None;
        }
        i += 1;
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            if e.file_name() == "out" {
                continue;
            }
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The sandbox a document's commands run in.
fn sandbox(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&root().join("examples"), &dir.join("examples"));
    copy_dir(&root().join("tests/eval"), &dir.join("tests/eval"));
    dir
}

/// A command line split into words: whitespace separates, `'...'` and `"..."` group.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// Runs an `iamc ...` command line in `dir`: exit code, standard error then standard
/// output.
fn run(dir: &Path, command: &str) -> (i32, String) {
    let w = words(command);
    assert_eq!(w.first().map(String::as_str), Some("iamc"), "{command}");
    let out = crate::support::iamc()
        .args(&w[1..])
        .current_dir(dir)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code().unwrap_or(-1), text)
}

/// Lines without trailing spaces, without trailing empty lines.
fn normalized(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Whether `actual` matches `expected`, where a line `...` in `expected` matches any run
/// of lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| a == first && matches(rest, more)),
    }
}

/// The codes `iamc check --format json` reports for `text` as `iam/main.iamc` of a project
/// with the example project's `iamc.toml`.
fn check_module(text: &str, name: &str) -> Vec<String> {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    std::fs::copy(
        root().join("examples/seeds/iamc.toml"),
        dir.join("iamc.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("iam/main.iamc"), text).unwrap();
    let (_, v) = crate::support::json_report(
        crate::support::iamc()
            .args(["check", "--format", "json"])
            .current_dir(&dir),
    );
    let _ = std::fs::remove_dir_all(&dir);
    crate::support::codes(&v)
}

/// Runs one Markdown document's blocks; returns what failed.
fn execute(doc: &Path) -> Vec<String> {
    let rel = doc.strip_prefix(root()).unwrap().display().to_string();
    let label = rel.replace(['/', '.'], "-");
    let text = std::fs::read_to_string(doc).unwrap();
    let error_page =
        is_error_page(doc).then(|| doc.file_stem().unwrap().to_string_lossy().into_owned());
    let dir = sandbox(&label);
    let mut failures = Vec::new();
    for (n, b) in blocks(&text).into_iter().enumerate() {
        let at = format!("{rel}:{}", b.line);
        if let Some(path) = &b.file {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &b.text).unwrap();
        }
        let fragment = b.attrs.iter().any(|a| a == "fragment");
        match b.lang.as_str() {
            "console" => console(&dir, &b, &at, &mut failures),
            "sh" | "shell" => {
                for line in b.text.lines().filter(|l| l.starts_with("iamc ")) {
                    let command = line.split(" #").next().unwrap_or(line).trim();
                    let (code, out) = run(&dir, command);
                    if code != 0 {
                        failures.push(format!("{at}: `{command}` exits {code}:\n{out}"));
                    }
                }
            }
            "iamc" if fragment => {}
            "iamc" => {
                let mut got = check_module(&b.text, &format!("{label}-{n}"));
                let expect: Option<Vec<String>> = b
                    .attrs
                    .iter()
                    .find_map(|a| a.strip_prefix("expect="))
                    .map(|c| c.split(',').map(str::to_string).collect());
                let page_code = error_page.as_deref();
                let example = b.heading.to_lowercase().contains("example");
                if let Some(mut want) = expect {
                    want.sort();
                    got.sort();
                    if got != want {
                        failures.push(format!("{at}: want {want:?}, got {got:?}"));
                    }
                } else if let (Some(code), true) = (page_code, example) {
                    if !got.iter().any(|c| c == code) {
                        failures.push(format!("{at}: the example does not report {code}: {got:?}"));
                    }
                } else if page_code.is_some_and(|code| got.iter().any(|c| c == code)) {
                    failures.push(format!("{at}: the fix still reports its code: {got:?}"));
                } else if got.iter().any(|c| c.starts_with('E')) {
                    failures.push(format!("{at}: the example has errors: {got:?}"));
                }
            }
            "toml" if error_page.is_some() => {}
            "toml" => {
                let p = scratch(&format!("{label}-{n}"));
                std::fs::create_dir_all(p.join("iam")).unwrap();
                std::fs::write(p.join("iamc.toml"), &b.text).unwrap();
                let (code, out) = run(&p, "iamc check");
                if code != 0 || out.contains('[') {
                    failures.push(format!("{at}: the project file is not clean:\n{out}"));
                }
            }
            "json" if fragment => {}
            "json" => {
                if let Err(e) = serde_json::from_str::<Value>(&b.text) {
                    failures.push(format!("{at}: not JSON: {e}"));
                }
            }
            "text" | "rust" | "jsonc" | "yaml" | "hcl" => {}
            "" => failures.push(format!(
                "{at}: a fence without a language tag (see tests/it/docs.rs for the tags)"
            )),
            other => failures.push(format!("{at}: unknown fence tag `{other}`")),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures
}

/// A `console` block: each `$ iamc ...` with the output that follows it.
fn console(dir: &Path, b: &Block, at: &str, failures: &mut Vec<String>) {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    for line in b.text.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command.to_string(), Vec::new()));
        } else if let Some((_, out)) = steps.last_mut() {
            out.push(line.trim_end().to_string());
        } else {
            failures.push(format!("{at}: output before any `$ ` command: {line}"));
        }
    }
    for (command, mut expected) in steps {
        while expected.last().is_some_and(String::is_empty) {
            expected.pop();
        }
        let (_, out) = run(dir, &command);
        let actual = normalized(&out);
        if !matches(&expected, &actual) {
            failures.push(format!(
                "{at}: `{command}` prints something else.\n--- shown\n{}\n--- printed\n{}",
                expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
}

/// The documents: `README.md`, `docs/*.md`, `docs/errors/*.md`.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    for dir in ["docs", "docs/errors"] {
        let mut md: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        md.sort();
        docs.extend(md);
    }
    docs
}

/// Executes the documents `keep` accepts; fails with every problem found.
fn documents_execute(keep: impl Fn(&Path) -> bool) {
    let docs: Vec<PathBuf> = documents().into_iter().filter(|d| keep(d)).collect();
    assert!(!docs.is_empty());
    let failures: Vec<String> = docs.iter().flat_map(|d| execute(d)).collect();
    assert!(
        failures.is_empty(),
        "{} problems:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn is_error_page(d: &Path) -> bool {
    d.parent().is_some_and(|p| p.ends_with("errors"))
}

#[test]
fn the_readme_and_the_docs_do_what_they_say() {
    documents_execute(|d| !is_error_page(d));
}

#[test]
fn every_error_page_shows_its_code() {
    assert!(documents().iter().filter(|d| is_error_page(d)).count() > 60);
    documents_execute(is_error_page);
}

#[test]
fn the_conventions_work() {
    let md = "# T\n\n<!-- file: a.iamc -->\n```iamc expect=E0341\npolicy P { allow s3:Nope on * }\n```\n\n   ```text\n   x\n   ```\n";
    let b = blocks(md);
    assert_eq!(b.len(), 2);
    assert_eq!(
        (b[0].lang.as_str(), b[0].attrs.clone(), b[0].file.as_deref()),
        ("iamc", vec!["expect=E0341".to_string()], Some("a.iamc"))
    );
    assert_eq!(
        (b[1].lang.as_str(), b[1].text.as_str(), b[1].file.as_deref()),
        ("text", "x\n", None)
    );
    assert_eq!(
        words("iamc expand 's3:Get*' --x \"a b\""),
        ["iamc", "expand", "s3:Get*", "--x", "a b"]
    );
    let l = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(&l(&["a", "...", "d"]), &l(&["a", "b", "c", "d"])));
    assert!(matches(&l(&["a", "..."]), &l(&["a"])));
    assert!(!matches(&l(&["a", "...", "d"]), &l(&["a", "b"])));
}

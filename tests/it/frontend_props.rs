//! Property test of the whole front end (`iamc::analyze`): valid sources (the seed project,
//! the standard library, `tests/valid/**`, the DESIGN example in
//! `tests/valid/syntax/design.iamc`) under random mutations never make it panic, every
//! diagnostic points into an existing file on char boundaries, and compiling twice gives
//! identical diagnostics and output.
//!
//! A small seeded generator keeps the run deterministic and fast in debug builds; a failure
//! prints the case number and the mutated text. 250 cases by default (about 3 s in debug).

use crate::support::{iamc_files, Rng};
use iamc::project::Environment;
use iamc::source::{Origin, Sources, Span};
use iamc::{analyze, AnalyzeOptions};
use std::path::Path;

/// One compilation unit: `(file name, module, text, from the standard library)`.
type Project = Vec<(String, String, String, bool)>;

fn projects() -> Vec<Project> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stdlib = || -> Project {
        iamc::stdlib::STDLIB
            .iter()
            .map(|(m, n, t)| (n.to_string(), m.to_string(), t.to_string(), true))
            .collect()
    };
    let mut out = Vec::new();
    // The seed project, all files together (they import each other).
    let mut seeds = Vec::new();
    iamc_files(&root.join("examples/seeds/iam"), &mut seeds);
    let mut seed_project = stdlib();
    for p in &seeds {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(p).unwrap();
        seed_project.push((
            format!("iam/{stem}.iamc"),
            // Module names are relative to the source folder (`iam`).
            stem.clone(),
            text,
            false,
        ));
    }
    out.push(seed_project);
    // The standard library on its own.
    out.push(stdlib());
    // Every valid corpus file on its own.
    let mut valid = Vec::new();
    iamc_files(&root.join("tests/valid"), &mut valid);
    assert!(valid.len() > 10, "the valid corpus is missing");
    for p in valid {
        let mut proj = stdlib();
        let text = std::fs::read_to_string(&p).unwrap();
        proj.push(("main.iamc".into(), "main".into(), text, false));
        out.push(proj);
    }
    out
}

/// Tokens the grammar cares about, and text that tends to break lexers.
const TOKENS: &[&str] = &[
    "not ",
    " or ",
    " and ",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    "*",
    "?",
    "(",
    ")",
    ",",
    "=",
    "<",
    ">",
    "==",
    "arn\"",
    "${",
    "when ",
    "use ",
    "allow ",
    "deny ",
    "on ",
    "from ",
    "\n",
    "\r\n",
    "//",
    "///",
    "é",
    "日本",
    "\u{feff}",
    "\t",
    "-",
    ".",
    "1",
    "@sid(\"X\") ",
    "env.",
    "in ",
    "like ",
    "exists(",
    "any ",
    "template t() {\n    use t()\n}\n",
    "policy Q {\n}\n",
    "cidr\"",
    "date\"",
    "ip\"",
    "\\",
    "\\u{",
    "import ",
];

fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut t = text.to_string();
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 => {
                let a = boundary(&t, rng.below(t.len() + 1));
                let b = boundary(&t, a + 1 + rng.below(3));
                t.replace_range(a..b.max(a), "");
            }
            1 | 2 => {
                let a = boundary(&t, rng.below(t.len() + 1));
                let tok = TOKENS[rng.below(TOKENS.len())];
                t.insert_str(a, tok);
            }
            3 => {
                let mut lines: Vec<&str> = t.split('\n').collect();
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(i, j);
                t = lines.join("\n");
            }
            4 => {
                let mut lines: Vec<&str> = t.split('\n').collect();
                let i = rng.below(lines.len());
                let l = lines[i];
                lines.insert(i, l);
                t = lines.join("\n");
            }
            _ => {
                let a = boundary(&t, rng.below(t.len() + 1));
                t.truncate(a);
            }
        }
    }
    t
}

fn options() -> AnalyzeOptions {
    AnalyzeOptions {
        env: Some(Environment::new(
            "dev",
            [("account", "123412341234"), ("external_id", "testtest")],
        )),
        ..AnalyzeOptions::default()
    }
}

fn sources_of(project: &Project) -> Sources {
    let mut s = Sources::new();
    for (name, module, text, std) in project {
        let origin = if *std {
            Origin::Stdlib(module.clone())
        } else {
            Origin::Memory(name.clone())
        };
        s.add(name.as_str(), module.as_str(), origin, text.as_str());
    }
    s
}

fn span_ok(sources: &Sources, s: Span) -> Result<(), String> {
    let Some(file) = sources.get(s.file) else {
        return Err(format!("{s:?} names no file"));
    };
    let (a, b) = (s.start as usize, s.end as usize);
    if a > b || b > file.text.len() {
        return Err(format!(
            "{s:?} outside `{}` ({} bytes)",
            file.name,
            file.text.len()
        ));
    }
    if !file.text.is_char_boundary(a) || !file.text.is_char_boundary(b) {
        return Err(format!("{s:?} not on char boundaries in `{}`", file.name));
    }
    Ok(())
}

/// What docs/architecture.md promises of every snapshot, whatever the sources: name uses
/// and definitions point into the sources, uses do not overlap, documents line up with
/// the IR and every statement has its origin.
fn snapshot_invariants(sources: &Sources, a: &iamc::Analysis) -> Result<(), String> {
    let mut last: Option<Span> = None;
    for r in a.names.references() {
        span_ok(sources, r.span).map_err(|e| format!("name use: {e}"))?;
        if let Some(prev) = last.filter(|p| p.file == r.span.file && p.end > r.span.start) {
            return Err(format!("name uses {prev:?} and {:?} overlap", r.span));
        }
        last = Some(r.span);
    }
    for (_, d) in a.names.definitions() {
        if d.span != Span::default() {
            span_ok(sources, d.span).map_err(|e| format!("definition `{}`: {e}", d.name))?;
        }
    }
    if a.documents.len() != a.program.documents.len() {
        return Err("documents do not line up with the IR".into());
    }
    for d in &a.documents {
        if d.origins.len() != d.document.statements.len() {
            return Err(format!("{}: not one origin per statement", d.name));
        }
    }
    Ok(())
}

fn check_case(project: &Project) -> Result<(), String> {
    let sources = sources_of(project);
    let opts = options();
    let first = analyze(&sources, &opts);
    for d in &first.diagnostics {
        let spans = std::iter::once(d.primary)
            .chain(d.labels.iter().map(|l| l.span))
            .chain(d.fix.iter().map(|f| f.span));
        for s in spans {
            span_ok(&sources, s).map_err(|e| format!("{} `{}`: {e}", d.code, d.message))?;
        }
    }
    snapshot_invariants(&sources, &first)?;
    let second = analyze(&sources, &opts);
    if first.diagnostics != second.diagnostics {
        return Err("diagnostics differ between two runs".into());
    }
    let json = |c: &iamc::Analysis| -> Vec<String> {
        c.documents
            .iter()
            .map(|o| iamc::policy::json::to_string(&o.document, iamc::policy::json::Layout::Pretty))
            .collect()
    };
    if json(&first) != json(&second) {
        return Err("output differs between two runs".into());
    }
    Ok(())
}

#[test]
fn mutated_sources_never_break_the_front_end() {
    let projects = projects();
    // The unmutated sources analyse (the seed project and stdlib without errors).
    for p in projects.iter().take(2) {
        let c = analyze(&sources_of(p), &options());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // A deeper run: `IAMC_PROP_CASES=5000 cargo test frontend_props` (5000 pass).
    let cases: usize = std::env::var("IAMC_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    for case in 0..cases {
        let mut project = projects[case % projects.len()].clone();
        // Mutate a user file mostly, a standard library file sometimes.
        let user: Vec<usize> = (0..project.len()).filter(|&i| !project[i].3).collect();
        let i = if user.is_empty() || rng.below(5) == 0 {
            rng.below(project.len())
        } else {
            user[rng.below(user.len())]
        };
        let mutated = mutate(&mut rng, &project[i].2);
        project[i].2 = mutated;
        let result = std::panic::catch_unwind(|| check_case(&project));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!(
                "case {case}, file `{}`: {e}\n---\n{}",
                project[i].0, project[i].2
            ),
            Err(_) => panic!(
                "case {case}, file `{}` panicked\n---\n{}",
                project[i].0, project[i].2
            ),
        }
    }
}

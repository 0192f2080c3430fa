//! `iamc fmt`: properties on the repository's sources and on generated ones, and the
//! command through the real binary.
//!
//! Every result must parse to the same tree (spans aside), keep the multiset of comments,
//! be a fixed point (`fmt(fmt(x)) == fmt(x)`) and compile to the same JSON bytes. The
//! generated sources come from a seeded generator (deterministic, no dependency): the
//! repository's files with comments and whitespace scattered through them, and random
//! condition trees with random parentheses.

use crate::support::{iamc_files, Rng};
use iamc::source::{FileId, Origin, Sources};
use iamc::syntax::comments::scan;
use iamc::syntax::{parse, without_spans, CommentKind};
use iamc::{analyze, AnalyzeOptions};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fixtures whose layout is their point, left as written.
const LAYOUT_FIXTURES: &[&str] = &[
    // Keys ending where an operator starts, with no space: the parser test needs it so.
    "tests/valid/syntax/tight_keys.iamc",
];

/// The repository's sources that are kept formatted.
fn formatted_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests/valid", "tests/golden"] {
        iamc_files(&root().join(dir), &mut files);
    }
    files.retain(|f| !LAYOUT_FIXTURES.iter().any(|x| f.ends_with(x)));
    assert!(files.len() > 60, "the corpus is missing");
    files
}

/// Every `.iamc` text of the repository that parses without error (the malformed corpus
/// included: most of it is wrong only past the parser).
fn corpus() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests"] {
        iamc_files(&root().join(dir), &mut files);
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .filter(|(_, t)| parse(FileId(0), t).1.is_empty())
        .collect()
}

fn fmt(text: &str) -> String {
    iamc::fmt::format(text, FileId(0)).unwrap_or_else(|d| panic!("cannot format:\n{text}\n{d:#?}"))
}

/// The comments as the formatter keeps them: doc comments exactly, line comments without
/// trailing whitespace; sorted.
fn comment_multiset(text: &str) -> Vec<(bool, String)> {
    let mut v: Vec<(bool, String)> = scan(text, FileId(0))
        .into_iter()
        .map(|c| match c.kind {
            CommentKind::Doc => (true, c.text),
            CommentKind::Line => (false, c.text.trim_end().to_string()),
        })
        .collect();
    v.sort();
    v
}

/// The properties every formatting result has.
fn assert_sound(what: &str, text: &str) -> String {
    let out = fmt(text);
    let (before, _) = parse(FileId(0), text);
    let (after, diags) = parse(FileId(0), &out);
    assert!(diags.is_empty(), "{what}: {diags:?}\n{out}");
    assert_eq!(
        without_spans(&before),
        without_spans(&after),
        "{what}: the tree changed\n{out}"
    );
    assert_eq!(
        comment_multiset(text),
        comment_multiset(&out),
        "{what}: comments\n{out}"
    );
    assert_eq!(fmt(&out), out, "{what}: not idempotent");
    out
}

#[test]
fn the_repository_sources_keep_their_tree_comments_and_are_fixed_points() {
    let corpus = corpus();
    assert!(corpus.len() > 150, "only {} files parse", corpus.len());
    for (path, text) in &corpus {
        assert_sound(&path.display().to_string(), text);
    }
}

/// JSON bytes of every document `iamc build` emits for `main` (with the standard library),
/// and the diagnostic codes.
fn compiled(text: &str) -> (Vec<String>, Vec<String>) {
    let mut sources = Sources::new();
    sources.add("main.iamc", "main", Origin::Memory("main".into()), text);
    iamc::stdlib::add_to(&mut sources);
    let c = analyze(&sources, &AnalyzeOptions::default());
    let docs = c
        .user_documents()
        .map(|d| iamc::emit::json(&d.document, false))
        .collect();
    let codes = c
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    (docs, codes)
}

#[test]
fn formatting_does_not_change_the_compiled_json() {
    let mut documents = 0;
    for (path, text) in corpus() {
        let before = compiled(&text);
        let after = compiled(&fmt(&text));
        assert_eq!(before, after, "{}", path.display());
        documents += before.0.len();
    }
    assert!(documents > 80, "only {documents} documents compiled");
}

#[test]
fn the_repository_sources_are_formatted() {
    let out = crate::support::iamc()
        .arg("fmt")
        .arg("--check")
        .args(formatted_sources())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run `iamc fmt` on these:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- generated sources ----------------------------------------------------------------------

/// How many cases to run and the seed: the defaults, or `IAMC_FMT_CASES` and
/// `IAMC_FMT_SEED` for a longer run with other cases.
fn stress(cases: usize, seed: u64) -> (usize, u64) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    (
        var("IAMC_FMT_CASES").map_or(cases, |n: u64| n as usize),
        var("IAMC_FMT_SEED").unwrap_or(seed),
    )
}

/// What may replace a run of whitespace between tokens.
const SPACING: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n\n\n    ",
    "\t",
    " // a note\n",
    "\n// an own-line note\n",
    "\n\n// after a blank line\n\n",
    "  //trailing spaces   \n",
    "\r\n",
    " // é 日本 😀\n  ",
    "\n/// a stray doc comment\n",
];

/// Spacing that changes neither comments nor blank lines, so the formatter gives back the
/// original layout.
const LAYOUT_ONLY: &[&str] = &[" ", "  ", "\n", "\n        ", "\t", " \n "];

/// Replaces some whitespace runs of `text` with other spacing, keeping only the changes
/// that leave the tree as it was (a change inside a literal, or one that detaches a doc
/// comment, is undone).
fn scatter(text: &str, rng: &mut Rng, changes: usize) -> String {
    respace(text, rng, changes, SPACING)
}

/// Like [`scatter`] with [`LAYOUT_ONLY`], leaving alone the whitespace around comments and
/// blank lines.
fn relayout(text: &str, rng: &mut Rng, changes: usize) -> String {
    respace(text, rng, changes, LAYOUT_ONLY)
}

fn respace(text: &str, rng: &mut Rng, changes: usize, spacing: &[&str]) -> String {
    const WHITE: [char; 4] = [' ', '\n', '\t', '\r'];
    let (reference, _) = parse(FileId(0), text);
    let reference = without_spans(&reference);
    let layout_only = std::ptr::eq(spacing, LAYOUT_ONLY);
    let mut current = text.to_string();
    for _ in 0..changes {
        let spaces: Vec<usize> = current
            .char_indices()
            .filter(|(_, c)| *c == ' ' || *c == '\n')
            .map(|(i, _)| i)
            .collect();
        let Some(&picked) = rng.pick(&spaces) else {
            break;
        };
        // The whole run of whitespace around the picked character (all ASCII, so every
        // offset below is a char boundary).
        let before = current.get(..picked).unwrap_or("");
        let at = before.trim_end_matches(WHITE).len();
        let after = current.get(picked..).unwrap_or("");
        let end = picked + (after.len() - after.trim_start_matches(WHITE).len());
        let (head, run, tail) = (
            current.get(..at).unwrap_or(""),
            current.get(at..end).unwrap_or(""),
            current.get(end..).unwrap_or(""),
        );
        let line_before = head.rsplit('\n').next().unwrap_or("");
        let near_comment = line_before.contains("//") || tail.starts_with("//");
        if layout_only && (near_comment || run.matches('\n').count() > 1) {
            continue;
        }
        let with = rng.pick(spacing).copied().unwrap_or(" ");
        let candidate = format!("{head}{with}{tail}");
        let (m, diags) = parse(FileId(0), &candidate);
        if diags.is_empty() && without_spans(&m) == reference {
            current = candidate;
        }
    }
    current
}

#[test]
fn scattered_comments_and_whitespace_keep_their_meaning() {
    let corpus = corpus();
    let (cases, seed) = stress(400, 0x1a2b_3c4d_5e6f_7081);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let Some((path, text)) = rng.pick(&corpus) else {
            panic!("empty corpus");
        };
        // Long files get fewer rounds: every change is checked with a parse.
        let changes = if text.len() > 5000 {
            8
        } else {
            1 + rng.below(30)
        };
        let mutated = scatter(text, &mut rng, changes);
        assert_sound(&format!("case {case} from {}", path.display()), &mutated);
    }
}

/// A random condition of at most `depth` levels, parenthesised at random.
fn condition(rng: &mut Rng, depth: usize) -> String {
    const ATOMS: &[&str] = &[
        "aws:MultiFactorAuthPresent",
        "aws:SecureTransport?",
        "aws:SourceVpce == \"vpce-1\"",
        "aws:SourceIp not in [cidr\"10.0.0.0/8\"] if exists",
        "any aws:TagKeys like \"team-*\"",
        "exists(aws:PrincipalTag/team)",
        "true",
        "s3:max-keys >= 10",
    ];
    if depth == 0 || rng.below(4) == 0 {
        return rng.pick(ATOMS).copied().unwrap_or("true").to_string();
    }
    let wrap = |s: String, rng: &mut Rng| {
        if rng.below(2) == 0 {
            format!("({s})")
        } else {
            s
        }
    };
    match rng.below(3) {
        0 => {
            let inner = condition(rng, depth - 1);
            format!("not {}", wrap(inner, rng))
        }
        op => {
            let l = condition(rng, depth - 1);
            let l = wrap(l, rng);
            let r = condition(rng, depth - 1);
            let r = wrap(r, rng);
            let kw = if op == 1 { "and" } else { "or" };
            let sep = if rng.below(5) == 0 {
                "\n    // why\n    "
            } else {
                " "
            };
            format!("{l}{sep}{kw} {r}")
        }
    }
}

#[test]
fn random_conditions_keep_their_tree() {
    let (cases, seed) = stress(600, 0x0dd_ba11_cafe_f00d);
    let mut rng = Rng(seed);
    let mut checked = 0;
    for case in 0..cases {
        let depth = 1 + rng.below(6);
        let cond = condition(&mut rng, depth);
        let text = format!("policy P {{\n    allow s3:GetObject on * when {cond}\n}}\n");
        // Anything the generator writes that does not parse is skipped.
        if !parse(FileId(0), &text).1.is_empty() {
            continue;
        }
        assert_sound(&format!("condition case {case}"), &text);
        checked += 1;
    }
    assert!(
        checked * 3 > cases * 2,
        "only {checked} generated conditions parsed"
    );
}

// ---- the command -----------------------------------------------------------------------------

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn iamc(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = crate::support::iamc().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const UNFORMATTED: &str = "policy P { allow s3:GetObject,s3:PutObject on *   // why\n}\n";
const FORMATTED: &str = "policy P {\n    allow s3:GetObject, s3:PutObject on * // why\n}\n";

#[test]
fn fmt_rewrites_a_file_and_check_reports_what_would_change() {
    let dir = scratch("rewrite");
    let file = dir.join("p.iamc");
    std::fs::write(&file, UNFORMATTED).unwrap();
    let (code, stdout, _) = iamc(&["fmt".as_ref(), "--check".as_ref(), file.as_os_str()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("would reformat"), "{stdout}");
    assert!(stdout.contains("- policy P {"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), UNFORMATTED);
    let (code, stdout, stderr) = iamc(&["fmt".as_ref(), file.as_os_str()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("formatted"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), FORMATTED);
    let (code, stdout, _) = iamc(&["fmt".as_ref(), "--check".as_ref(), file.as_os_str()]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_untouched() {
    let dir = scratch("broken");
    let broken = dir.join("broken.iamc");
    let good = dir.join("good.iamc");
    let text = "policy P { allow s3:GetObject on   }\n";
    std::fs::write(&broken, text).unwrap();
    std::fs::write(&good, UNFORMATTED).unwrap();
    let (code, _, stderr) = iamc(&["fmt".as_ref(), broken.as_os_str(), good.as_os_str()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("E0101"), "{stderr}");
    assert!(stderr.contains("left unchanged"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    // The other file is still formatted.
    assert_eq!(std::fs::read_to_string(&good).unwrap(), FORMATTED);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = scratch("usage");
    let file = dir.join("p.iamc");
    std::fs::write(&file, FORMATTED).unwrap();
    let missing = dir.join("missing.iamc");
    let (code, _, stderr) = iamc(&["fmt".as_ref(), missing.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = iamc(&[
        "fmt".as_ref(),
        "--project".as_ref(),
        dir.as_os_str(),
        file.as_os_str(),
    ]);
    assert_eq!(code, 2);
    // No `iamc.toml` there.
    let (code, _, stderr) = iamc(&["fmt".as_ref(), "--project".as_ref(), dir.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Copies the seed project, scrambling the layout of its sources (the meaning kept).
fn scrambled_seeds(dir: &Path, rng: &mut Rng) {
    let seeds = root().join("examples/seeds");
    std::fs::copy(seeds.join("iamc.toml"), dir.join("iamc.toml")).unwrap();
    std::fs::create_dir_all(dir.join("iam")).unwrap();
    let mut files = Vec::new();
    iamc_files(&seeds.join("iam"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let scrambled = relayout(&text, rng, 40);
        assert_ne!(scrambled, text);
        std::fs::write(dir.join("iam").join(f.file_name().unwrap()), scrambled).unwrap();
    }
}

fn build(project: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let (code, _, stderr) = iamc(&[
        "build".as_ref(),
        "--project".as_ref(),
        project.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Every file of every target (the templates are in folders), by relative path.
    fn walk(dir: &Path, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), files);
            } else {
                files.push((name, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(out, "", &mut files);
    files.sort();
    files
}

/// The seed project, scrambled, builds to the same bytes before and after
/// `iamc fmt --project`, and to the pinned golden files.
#[test]
fn the_seed_project_compiles_to_the_same_bytes_before_and_after_fmt() {
    let dir = scratch("seeds");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    scrambled_seeds(&project, &mut Rng(0x5eed_5eed_5eed_5eed));
    let before = build(&project, &dir.join("before"));
    let (code, _, stderr) = iamc(&["fmt".as_ref(), "--project".as_ref(), project.as_os_str()]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = iamc(&[
        "fmt".as_ref(),
        "--check".as_ref(),
        "--project".as_ref(),
        project.as_os_str(),
    ]);
    assert_eq!(code, 0);
    let after = build(&project, &dir.join("after"));
    assert_eq!(before, after);
    let pinned = root().join("tests/golden/seeds/pinned");
    for (name, bytes) in after
        .iter()
        .filter(|(n, _)| n.ends_with(".json") && !n.contains('/'))
    {
        assert_eq!(&std::fs::read(pinned.join(name)).unwrap(), bytes, "{name}");
    }
    // The formatted sources are the repository's own, which are kept formatted.
    for f in std::fs::read_dir(project.join("iam")).unwrap().flatten() {
        let repo = root().join("examples/seeds/iam").join(f.file_name());
        assert_eq!(
            std::fs::read_to_string(f.path()).unwrap(),
            std::fs::read_to_string(repo).unwrap()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

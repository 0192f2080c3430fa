//! Integration tests: `iamc build` and `iamc check` driving the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

fn iamc(args: &[&str], cwd: &Path) -> Output {
    crate::support::iamc()
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

const TOML: &str = "[project]\nname = \"t\"\nsources = [\"iam\"]\n\n[env.dev]\naccount = \"111122223333\"\n\n[env.prod]\naccount = \"444455556666\"\n";

fn project(name: &str) -> PathBuf {
    let dir = scratch(name);
    write(&dir, "iamc.toml", TOML);
    write(
        &dir,
        "iam/app.iamc",
        "policy ReadData {\n    allow s3:GetObject on arn\"arn:aws:s3:::data-{env.account}/*\"\n}\n\nboundary NoIam {\n    allow not iam:* on *\n}\n",
    );
    dir
}

#[test]
fn build_writes_one_file_per_document_and_check_writes_none() {
    let dir = project("build");
    let out = iamc(&["check"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.join("out").exists());
    let out = iamc(&["build"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        listing(&dir.join("out")),
        [".iamc-manifest", "NoIam.json", "ReadData.json"]
    );
    let text = std::fs::read_to_string(dir.join("out/ReadData.json")).unwrap();
    assert!(text.contains("arn:aws:s3:::data-111122223333/*"), "{text}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ReadData.json") && stdout.contains("of 6144 characters"),
        "{stdout}"
    );
}

#[test]
fn builds_are_byte_identical() {
    let dir = project("twice");
    assert!(iamc(&["build", "--out", "a"], &dir).status.success());
    assert!(iamc(&["build", "--out", "b"], &dir).status.success());
    for f in ["NoIam.json", "ReadData.json"] {
        assert_eq!(
            std::fs::read(dir.join("a").join(f)).unwrap(),
            std::fs::read(dir.join("b").join(f)).unwrap()
        );
    }
}

#[test]
fn env_selects_constants_and_unknown_env_is_a_usage_error() {
    let dir = project("env");
    assert!(iamc(&["build", "--env", "prod"], &dir).status.success());
    let text = std::fs::read_to_string(dir.join("out/ReadData.json")).unwrap();
    assert!(text.contains("data-444455556666"), "{text}");
    let out = iamc(&["build", "--env", "stage"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0903"));
    // Located at the environments `iamc.toml` defines, not at its first byte.
    let out = iamc(&["check", "--env", "stage", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0903");
    assert_eq!(d["span"]["file"], "iamc.toml");
    let at = |s: &serde_json::Value| {
        (
            s["start_pos"]["line"].clone(),
            s["start_pos"]["column"].clone(),
        )
    };
    assert_eq!(at(&d["span"]), (5.into(), 6.into()), "{d}");
    assert_eq!(at(&d["labels"][0]["span"]), (8.into(), 6.into()), "{d}");
    assert!(d["help"].as_str().unwrap().contains("dev, prod"), "{d}");
}

#[test]
fn errors_write_nothing_and_exit_1() {
    let dir = project("errors");
    write(
        &dir,
        "iam/bad.iamc",
        "policy Bad {\n    allow s3:GetObject on bucket\n}\n",
    );
    let out = iamc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("out").exists());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("E0201") && stderr.contains("nothing written"),
        "{stderr}"
    );
}

#[test]
fn stale_outputs_are_removed_but_foreign_files_kept() {
    let dir = project("stale");
    assert!(iamc(&["build"], &dir).status.success());
    write(&dir, "out/mine.json", "{}");
    write(
        &dir,
        "iam/app.iamc",
        "policy ReadData {\n    allow s3:GetObject on *\n}\n",
    );
    assert!(iamc(&["build"], &dir).status.success());
    assert_eq!(
        listing(&dir.join("out")),
        [".iamc-manifest", "ReadData.json", "mine.json"]
    );
}

#[test]
fn bad_arguments_exit_2() {
    let dir = scratch("args");
    assert_eq!(
        iamc(&["build", "--no-such-flag"], &dir).status.code(),
        Some(2)
    );
    // No iamc.toml here and no files given.
    assert_eq!(iamc(&["build"], &dir).status.code(), Some(2));
    assert_eq!(
        iamc(&["check", "missing.iamc"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn plain_files_mode() {
    let dir = scratch("plain");
    write(
        &dir,
        "consts.iamc",
        "const bucket = arn\"arn:aws:s3:::b\"\n",
    );
    write(
        &dir,
        "main.iamc",
        "import consts.bucket\n\npolicy P {\n    allow s3:ListBucket on bucket\n}\n",
    );
    let out = iamc(&["build", "consts.iamc", "main.iamc", "--out", "o"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(listing(&dir.join("o")), [".iamc-manifest", "P.json"]);
    assert_eq!(
        iamc(&["check", "main.iamc", "--env", "dev"], &dir)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn format_json_reports_diagnostics_and_outputs() {
    let dir = project("json");
    let out = iamc(&["check", "--format", "json"], &dir);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outputs"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["outputs"][0]["name"], "ReadData");
    assert_eq!(v["outputs"][0]["budget"], 6144);
    write(
        &dir,
        "iam/bad.iamc",
        "policy Bad {\n    allow s3:GetObject on bucket\n}\n",
    );
    let out = iamc(&["check", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0201");
    assert_eq!(v["diagnostics"][0]["span"]["start_pos"]["line"], 2);
}

#[test]
fn minify_writes_compact_json() {
    let dir = project("minify");
    assert!(iamc(&["build", "--minify"], &dir).status.success());
    let text = std::fs::read_to_string(dir.join("out/NoIam.json")).unwrap();
    assert!(!text.contains('\n') && !text.contains(' '), "{text}");
}

#[test]
fn bad_toml_is_located_and_exits_1() {
    let dir = scratch("toml");
    write(&dir, "iamc.toml", "[project]\nname = 3\n");
    let out = iamc(&["check", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0904");
    assert_eq!(v["diagnostics"][0]["span"]["file"], "iamc.toml");
    assert_eq!(v["diagnostics"][0]["span"]["start_pos"]["line"], 2);
}

/// `iamc expand '*' | head -1`: the reader goes away early; iamc ends quietly, no panic.
#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = crate::support::iamc()
        .args(["expand", "*"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.contains(':'), "{first}");
    // The reader is dropped here, closing the pipe while iamc still writes 20,000 lines.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// A test run writes nothing into the repository: no build output (`.iamc-manifest`) lies
/// in it outside the ignored `examples/*/out`, every test starts the binary through
/// `support::iamc()`, and that runs it outside the repository, so `iamc build FILE`
/// (which writes `./out/`) lands in a scratch folder.
#[test]
fn test_runs_write_nothing_into_the_repository() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    fn manifests(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            let skipped = rel.starts_with("target")
                || rel.starts_with(".git")
                || (rel.starts_with("examples")
                    && rel
                        .components()
                        .nth(2)
                        .is_some_and(|c| c.as_os_str() == "out"));
            if skipped {
                continue;
            }
            if p.is_dir() {
                manifests(&p, root, out);
            } else if p.file_name().is_some_and(|n| n == ".iamc-manifest") {
                out.push(rel);
            }
        }
    }
    let mut found = Vec::new();
    manifests(&root, &root, &mut found);
    assert!(
        found.is_empty(),
        "build output in the repository: {found:?}"
    );

    // Every module of the test binary, those in folders (`tests/it/lsp/`) too.
    let mut sources = Vec::new();
    let mut folders = vec![root.join("tests/it")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            if entry.path().is_dir() {
                folders.push(entry.path());
            } else {
                sources.push(entry.path());
            }
        }
    }
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let starts = text.matches(concat!("CARGO_BIN_EXE", "_iamc")).count();
        let allowed = usize::from(path.file_name().is_some_and(|n| n == "support.rs"));
        assert_eq!(
            starts,
            allowed,
            "{}: start the binary with crate::support::iamc() (or find it with iamc_path())",
            path.display()
        );
    }

    let dir = scratch("cwd");
    write(
        &dir,
        "p.iamc",
        "policy P {\n    allow s3:GetObject on *\n}\n",
    );
    let out = crate::support::iamc()
        .arg("build")
        .arg(dir.join("p.iamc"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let cwd = crate::support::scratch_cwd();
    assert!(!cwd.starts_with(&root), "{}", cwd.display());
    assert!(cwd.join("out/P.json").is_file());
    assert!(!root.join("out").exists());
}

/// Module names are paths under the source folder, as the README and the tutorial say:
/// with `sources = ["iam"]`, `iam/app/dev.iamc` is module `app.dev`, and
/// `import app.common.read_bucket` finds `iam/app/common.iamc`.
#[test]
fn modules_are_named_by_their_path_under_the_source_folder() {
    let dir = scratch("modules");
    write(&dir, "iamc.toml", "[project]\nsources = [\"iam\"]\n");
    write(
        &dir,
        "iam/app/common.iamc",
        "template read_bucket(bucket: String) {\n    allow s3:GetObject on arn\"arn:aws:s3:::{bucket}/*\"\n}\n",
    );
    write(
        &dir,
        "iam/app/dev.iamc",
        "import app.common.read_bucket\n\npolicy DevRead {\n    use read_bucket(bucket: \"dev-data\")\n}\n",
    );
    let out = iamc(&["check", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outputs"][0]["module"], "app.dev", "{v}");
    // The old spelling, with the source folder in front, names no module.
    write(
        &dir,
        "iam/app/dev.iamc",
        "import iam.app.common.read_bucket\n\npolicy DevRead {\n    use read_bucket(bucket: \"dev-data\")\n}\n",
    );
    let out = iamc(&["check", "--format", "json"], &dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E0202", "{v}");
    assert_eq!(
        v["diagnostics"][0]["help"], "did you mean `app.common`?",
        "{v}"
    );
    // A folder named `std` under the sources would shadow the standard library.
    write(&dir, "iam/app/dev.iamc", "");
    write(&dir, "iam/std/extra.iamc", "");
    let out = iamc(&["check"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would be module `std.extra`"));
}

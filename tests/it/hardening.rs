//! Adversarial but plausible inputs through the real binary: byte order marks, CRLF, empty
//! and comment-only files, non-ASCII text before a diagnostic, huge generated files, deep
//! and self-using templates, missing `env.` constants, and files that cannot be read.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-harden-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn iamc(args: &[&str]) -> Output {
    crate::support::iamc().args(args).output().unwrap()
}

/// Writes `text` to `dir/name` and runs `iamc check --format json` on it.
fn check_json(dir: &Path, name: &str, text: &[u8]) -> (Value, i32) {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    let out = iamc(&["check", "--format", "json", p.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
}

/// `(code, "line:col")` of each diagnostic.
fn diags(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let p = &d["span"]["start_pos"];
            (
                d["code"].as_str().unwrap().to_string(),
                format!("{}:{}", p["line"], p["column"]),
            )
        })
        .collect()
}

fn check_text(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    let out = iamc(&["check", p.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout)
}

#[test]
fn byte_order_mark_is_ignored() {
    let dir = scratch("bom");
    let (v, rc) = check_json(
        &dir,
        "bom.iamc",
        "\u{feff}/// Reads.\npolicy P {\n    allow s3:GetObject on *\n}\n".as_bytes(),
    );
    assert_eq!((diags(&v), rc), (vec![], 0), "{v}");
    assert_eq!(v["outputs"].as_array().unwrap().len(), 1, "{v}");
    let (v, rc) = check_json(&dir, "only.iamc", "\u{feff}".as_bytes());
    assert_eq!((diags(&v), rc), (vec![], 0), "{v}");
}

#[test]
fn empty_and_comment_only_files_are_fine() {
    let dir = scratch("empty");
    for (name, text) in [
        ("empty.iamc", ""),
        (
            "comments.iamc",
            "// nothing here\n/// a doc comment before nothing\n",
        ),
        ("blank.iamc", "\n\n   \t\r\n"),
    ] {
        let (v, rc) = check_json(&dir, name, text.as_bytes());
        assert_eq!((diags(&v), rc), (vec![], 0), "{name}: {v}");
    }
}

#[test]
fn crlf_files_compile_like_lf_files() {
    let dir = scratch("crlf");
    let lf = "/// Reads.\npolicy P {\n    allow s3:GetObject on arn\"arn:aws:s3:::b/*\"\n    allow s3:Nope on *\n}\n";
    let crlf = lf.replace('\n', "\r\n");
    let (a, _) = check_json(&dir, "lf.iamc", lf.as_bytes());
    let (b, _) = check_json(&dir, "crlf.iamc", crlf.as_bytes());
    assert_eq!(diags(&a), [("E0341".to_string(), "4:11".to_string())]);
    assert_eq!(diags(&a), diags(&b));
    let fixed_lf = lf.replace("    allow s3:Nope on *\n", "");
    let fixed_crlf = fixed_lf.replace('\n', "\r\n");
    let (b, _) = check_json(&dir, "crlf.iamc", fixed_crlf.as_bytes());
    assert_eq!(diags(&b), vec![], "{b}");
    // The same policy is written.
    let mut written = Vec::new();
    for (sub, text) in [("lf", &fixed_lf), ("crlf", &fixed_crlf)] {
        let src = dir.join(format!("{sub}-src"));
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("p.iamc"), text).unwrap();
        let out_dir = dir.join(format!("{sub}-out"));
        let out = iamc(&[
            "build",
            src.join("p.iamc").to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        written.push(std::fs::read(out_dir.join("P.json")).unwrap());
    }
    assert_eq!(written[0], written[1]);
}

/// The column (in characters) where the underline under line `line_no` starts, and the
/// column of `needle` in the excerpt of that line, both after the `│ ` gutter.
fn underline_and_needle(report: &str, line_no: usize, needle: &str) -> (usize, usize) {
    let lines: Vec<&str> = report.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{line_no} │")))
        .unwrap_or_else(|| panic!("no excerpt of line {line_no} in\n{report}"));
    let gutter = |l: &str| l.chars().position(|c| c == '│').unwrap() + 2;
    let src = lines[at];
    let under = lines[at + 1];
    let src_chars: Vec<char> = src.chars().collect();
    let g = gutter(src);
    let text: String = src_chars[g..].iter().collect();
    let needle_col = text[..text.find(needle).unwrap()].chars().count();
    let under_col = under.chars().position(|c| c == '─' || c == '┬').unwrap() - gutter(under);
    (under_col, needle_col)
}

#[test]
fn report_columns_after_non_ascii_text() {
    let dir = scratch("unicode");
    // Two-byte characters of width one: the underline starts under the literal.
    let text = "policy P {\n    allow s3:GetObject on * when aws:username == \"éàü\" and aws:SourceIp in [cidr\"10.0.0.0/33\"]\n}\n";
    let out = check_text(&dir, "u.iamc", text);
    assert!(out.contains("u.iamc:2:77"), "{out}");
    let (under, needle) = underline_and_needle(&out, 2, "cidr");
    assert_eq!(under, needle, "{out}");
    // Wide characters take two columns: the underline is shifted by one per character.
    let text = "policy P {\n    allow s3:GetObject on * when aws:username == \"日本語\" and aws:SourceIp in [cidr\"10.0.0.0/33\"]\n}\n";
    let out = check_text(&dir, "w.iamc", text);
    assert!(out.contains("w.iamc:2:77"), "{out}");
    let (under, needle) = underline_and_needle(&out, 2, "cidr");
    assert_eq!(under, needle + 3, "{out}");
}

#[test]
fn every_report_underlines_its_span() {
    // ariadne draws nothing under a label without a message.
    let dir = scratch("underline");
    let out = check_text(&dir, "a.iamc", "policy P {\n    allow s3:Nope on *\n}\n");
    let (under, needle) = underline_and_needle(&out, 2, "s3:Nope");
    assert_eq!(under, needle, "{out}");
}

#[test]
fn missing_env_constant_in_an_unused_template() {
    let dir = scratch("env");
    let (v, rc) = check_json(
        &dir,
        "t.iamc",
        b"template t() {\n    allow s3:GetObject on arn\"arn:aws:s3:::{env.bucket}/*\"\n}\n",
    );
    assert_eq!(diags(&v), [("E0905".to_string(), "2:45".to_string())]);
    assert_eq!(rc, 1);
}

#[test]
fn deep_and_exploding_template_chains_end_with_e0307() {
    let dir = scratch("chains");
    // A chain of 30 templates.
    let mut t: String = (0..30)
        .map(|i| format!("template t{i}() {{\n    use t{}()\n}}\n", i + 1))
        .collect();
    t.push_str("template t30() {\n    allow s3:GetObject on *\n}\npolicy P {\n    use t0()\n}\n");
    let (v, _) = check_json(&dir, "chain.iamc", t.as_bytes());
    assert_eq!(diags(&v), [("E0307".to_string(), "47:5".to_string())]);
    // Each template uses the next twice: 2^16 expansions at most, one diagnostic per place.
    let mut t: String = (0..25)
        .map(|i| {
            format!(
                "template d{i}() {{\n    use d{0}()\n    use d{0}()\n}}\n",
                i + 1
            )
        })
        .collect();
    t.push_str("template d25() {\n    allow s3:GetObject on *\n}\npolicy P {\n    use d0()\n}\n");
    let (v, _) = check_json(&dir, "diamond.iamc", t.as_bytes());
    let d = diags(&v);
    assert!(
        !d.is_empty() && d.iter().all(|(c, _)| c == "E0307"),
        "{d:?}"
    );
    assert!(d.len() <= 2, "{d:?}");
    // A cycle through three templates, none used: reported once.
    let t = "template a() {\n    use b()\n}\ntemplate b() {\n    use c()\n}\ntemplate c() {\n    use a()\n}\n";
    let (v, _) = check_json(&dir, "cycle.iamc", t.as_bytes());
    assert_eq!(diags(&v), [("E0307".to_string(), "2:5".to_string())]);
}

#[test]
fn thousands_of_findings_on_one_long_line_render_quickly() {
    // One line of 3000 ARNs, each a warning: ariadne would render the whole line 3000 times.
    let dir = scratch("longline");
    let arns: Vec<String> = (0..3000)
        .map(|i| format!("arn\"arn:aws:s3:::b{i}\""))
        .collect();
    let text = format!(
        "policy P {{\n    allow s3:GetObject on {}\n}}\n",
        arns.join(", ")
    );
    let out = check_text(&dir, "long.iamc", &text);
    assert!(out.contains("W0345"), "{}", &out[..out.len().min(2000)]);
    assert!(out.contains("line too long to show"));
}

#[test]
fn many_statements_with_one_derived_id_are_numbered() {
    let dir = scratch("manyrules");
    let rules: String = (0..2000)
        .map(|i| format!("    allow s3:GetObject on arn\"arn:aws:s3:::b{i}/*\"\n"))
        .collect();
    let (v, _) = check_json(
        &dir,
        "m.iamc",
        format!("policy P {{\n{rules}}}\n").as_bytes(),
    );
    // Over the size budget, but every statement was numbered (the budget is judged after).
    assert!(diags(&v).iter().any(|(c, _)| c == "E0404"), "{v}");
}

#[test]
fn unreadable_inputs_are_usage_errors_naming_the_path() {
    let dir = scratch("unreadable");
    let missing = dir.join("missing.iamc");
    let bad = dir.join("latin1.iamc");
    std::fs::write(&bad, b"policy P {}\n// caf\xc3\xa9 \xe9\n").unwrap();
    // Where the first byte that is not UTF-8 is: its offset, line and column.
    let not_utf8 = "not UTF-8 text: byte 0xE9 at offset 21 (line 2, column 9)";
    let cases: [(&Path, &str); 3] = [
        (&missing, "no such file"),
        (&dir, "is a directory"),
        (&bad, not_utf8),
    ];
    for cmd in ["check", "build", "fmt"] {
        for (path, why) in cases {
            let out = iamc(&[cmd, path.to_str().unwrap()]);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{cmd} {}: {err}",
                path.display()
            );
            assert!(
                err.contains(&format!("`{}`", path.display())) && err.contains(why),
                "{cmd}: {err}"
            );
        }
    }
}

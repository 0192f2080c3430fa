//! Process-level figures on the release binary (`target/release/iamc`), spawn to exit:
//!
//! (a) `iamc check --project examples/seeds`, median of 60 runs (target <= 50 ms);
//! (b) cold start to the first catalog look-up, `iamc catalog show s3:GetObject`, median of
//!     60 runs (target <= 10 ms);
//! (c) `iamc eval --batch` on a generated 100,000-line JSONL file of the seed scenarios
//!     with varied requests: scenarios per second, parsing and printing included
//!     (target >= 50,000/s).
//!
//! Build the binary first: `cargo build --release`; then `cargo bench --bench process`.

#![allow(
    clippy::panic,
    reason = "a benchmark whose setup fails has no figures to report"
)]

use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 60;
const LINES: usize = 100_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the command to completion, draining stdout; returns the wall time and stdout's
/// line count. A failing command aborts the benchmark (its figures would mean nothing).
fn run(bin: &Path, args: &[&str], stdin_null: bool) -> (Duration, usize) {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(root())
        .stdin(if stdin_null {
            Stdio::null()
        } else {
            Stdio::inherit()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let mut out = Vec::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_end(&mut out);
    }
    let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    let took = start.elapsed();
    assert!(
        status.success(),
        "`{} {}` failed: {status}",
        bin.display(),
        args.join(" ")
    );
    let lines = out.iter().filter(|b| **b == b'\n').count();
    (took, lines)
}

struct Stats {
    median: Duration,
    min: Duration,
    p90: Duration,
}

fn stats(mut xs: Vec<Duration>) -> Stats {
    xs.sort();
    Stats {
        median: xs[xs.len() / 2],
        min: xs[0],
        p90: xs[xs.len() * 9 / 10],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn repeat(bin: &Path, args: &[&str], runs: usize) -> Stats {
    for _ in 0..3 {
        run(bin, args, true);
    }
    stats((0..runs).map(|_| run(bin, args, true).0).collect())
}

fn report(label: &str, s: &Stats, target_ms: f64) {
    let verdict = if ms(s.median) <= target_ms {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "{label}: median {:.2} ms (min {:.2}, p90 {:.2}) over {RUNS} runs; target <= {target_ms} ms: {verdict}",
        ms(s.median),
        ms(s.min),
        ms(s.p90)
    );
}

fn doc(name: &str) -> Value {
    let p = root().join(format!("tests/golden/seeds/expected/{name}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A realistic batch: the seed scenarios (boundary + bucket policy, MFA guards, PassRole,
/// the MFA trust policy, the SCP), each with requests varied by a counter.
fn generate(path: &Path) {
    let allow_all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let (self_service, require_mfa, passrole, trust, scp, boundary, bucket) = (
        doc("MfaSelfService"),
        doc("RequireMfaSession"),
        doc("PassRoleToEC2"),
        doc("MfaAssumeRole"),
        doc("DenyLeaveOrganization"),
        doc("NoS3Boundary"),
        doc("MyTestBucketPolicy"),
    );
    let users = ["test20220710", "alice", "bob"];
    let bools = ["true", "false"];
    let mut text = String::with_capacity(LINES * 900);
    for i in 0..LINES {
        let user = users[i % users.len()];
        let me = format!("arn:aws:iam::123412341234:user/{user}");
        let mfa = bools[(i / 3) % 2];
        let scenario = match i % 7 {
            0 => json!({
                "identity": [allow_all], "boundary": boundary,
                "resource": if i % 2 == 0 { bucket.clone() } else { Value::Null },
                "request": {"principal": me, "action": (["s3:ListBucket", "s3:GetObject", "ec2:RunInstances"][i % 3]),
                    "resource": format!("arn:aws:s3:::mytest20220710/k{i}")}
            }),
            1 => json!({
                "identity": [self_service, allow_all],
                "request": {"principal": me, "action": (["iam:CreateVirtualMFADevice", "iam:ChangePassword", "ec2:StopInstances", "iam:DeleteVirtualMFADevice"][i % 4]),
                    "resource": format!("arn:aws:iam::123412341234:mfa/{user}"),
                    "context": {"aws:username": user, "aws:MultiFactorAuthPresent": mfa}}
            }),
            2 => json!({
                "identity": [require_mfa],
                "request": {"principal": me, "action": (["sts:GetSessionToken", "s3:GetObject", "dynamodb:GetItem"][i % 3]),
                    "resource": "*",
                    "context": if i % 5 == 0 { json!({}) } else { json!({"aws:MultiFactorAuthPresent": mfa, "aws:ViaAWSService": bools[i % 2]}) }}
            }),
            3 => json!({
                "identity": [passrole],
                "request": {"principal": me, "action": "iam:PassRole",
                    "resource": format!("arn:aws:iam::123412341234:role/role{}", i % 50),
                    "context": {"iam:PassedToService": (["ec2.amazonaws.com", "lambda.amazonaws.com"][i % 2])}}
            }),
            4 => json!({
                "identity": [allow_all], "resource": trust,
                "request": {"principal": if i % 3 == 0 { "arn:aws:iam::999988887777:user/x".to_string() } else { me },
                    "action": "sts:AssumeRole", "resource": "arn:aws:iam::123412341234:role/MfaAssumeRole",
                    "resource_account": "123412341234",
                    "context": {"sts:ExternalId": (["testtest", "wrong"][i % 2]), "aws:MultiFactorAuthPresent": mfa}}
            }),
            5 => json!({
                "identity": [allow_all], "scps": [[allow_all, scp]],
                "request": {"principal": "arn:aws:sts::123412341234:assumed-role/Admin/s1",
                    "action": (["organizations:LeaveOrganization", "organizations:ListAccounts"][i % 2]), "resource": "*"}
            }),
            _ => json!({
                "identity": [self_service], "boundary": boundary,
                "request": {"principal": me, "action": "iam:EnableMFADevice",
                    "resource": format!("arn:aws:iam::123412341234:user/{}", users[(i / 7) % 3]),
                    "context": {"aws:username": user}}
            }),
        };
        text.push_str(&scenario.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let bin = root().join("target/release/iamc");
    if !bin.is_file() {
        println!(
            "process bench: `{}` is missing; build it first with `cargo build --release`",
            bin.display()
        );
        return;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "binary: {}; load average at start: {}",
        bin.display(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let baseline = repeat(Path::new("/bin/true"), &[], RUNS);
    println!(
        "spawn baseline (/bin/true): median {:.2} ms (min {:.2}, p90 {:.2})",
        ms(baseline.median),
        ms(baseline.min),
        ms(baseline.p90)
    );

    // (a)
    let check = repeat(&bin, &["check", "--project", "examples/seeds"], RUNS);
    report("(a) iamc check --project examples/seeds", &check, 50.0);

    // (b)
    let show = repeat(&bin, &["catalog", "show", "s3:GetObject"], RUNS);
    report("(b) iamc catalog show s3:GetObject", &show, 10.0);

    // (c)
    let file =
        std::env::temp_dir().join(format!("iamc-process-bench-{}.jsonl", std::process::id()));
    generate(&file);
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let file_arg = file.to_string_lossy().into_owned();
    let args = ["eval", "--batch", file_arg.as_str(), "--format", "json"];
    let (_, lines) = run(&bin, &args, true);
    assert_eq!(lines, LINES, "one output line per scenario");
    let runs: Vec<Duration> = (0..5).map(|_| run(&bin, &args, true).0).collect();
    let s = stats(runs);
    let rate = LINES as f64 / s.median.as_secs_f64();
    println!(
        "(c) iamc eval --batch ({LINES} lines, {:.1} MB): median {:.1} ms over 5 runs (min {:.1}) = {:.0} scenarios/s; target >= 50000/s: {}",
        bytes as f64 / 1e6,
        ms(s.median),
        ms(s.min),
        rate,
        if rate >= 50_000.0 { "met" } else { "MISSED" }
    );
    // `IAMC_BENCH_KEEP=PATH` keeps the generated batch (for profiling).
    match std::env::var_os("IAMC_BENCH_KEEP") {
        Some(keep) => {
            let _ = std::fs::rename(&file, &keep);
        }
        None => {
            let _ = std::fs::remove_file(&file);
        }
    }
}

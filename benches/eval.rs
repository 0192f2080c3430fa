//! Evaluation speed: `cargo bench --bench eval`.
//!
//! (a) the seed scenarios (tests/eval/seed-*.json), compiled once, decided in a loop;
//! (b) a synthetic principal with 200 identity statements, a boundary and two SCP levels;
//! (c) `iamc eval --batch` end to end in process (JSON parsing, compiling, deciding,
//!     writing JSON Lines) on 100,000 generated realistic lines.
//! Single-threaded; plain `std::time` loops.

use iamc::cli::args::Format;
use iamc::cli::commands::eval::run_batch;
use iamc::eval::scenario::{self, Scenario};
use iamc::eval::{evaluate, Outcome};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn rate(label: &str, n: u64, elapsed: Duration, unit: &str) -> f64 {
    let per_s = n as f64 / elapsed.as_secs_f64();
    println!(
        "{label:<52} {per_s:>14.0} {unit}/s  ({n} in {:.3} s)",
        elapsed.as_secs_f64()
    );
    per_s
}

fn seeds() -> Vec<Scenario> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seed-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| scenario::parse_str(&t).ok())
        .collect()
}

fn time_scenarios(label: &str, scenarios: &[Scenario], min: Duration) -> f64 {
    let mut n = 0u64;
    let start = Instant::now();
    while start.elapsed() < min {
        for s in scenarios {
            black_box(evaluate(black_box(&s.policies), black_box(&s.request)));
        }
        n += scenarios.len() as u64;
    }
    rate(label, n, start.elapsed(), "evals")
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

const SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "dynamodb",
    "sqs",
    "sns",
    "lambda",
    "kms",
    "logs",
    "cloudwatch",
    "iam",
];

/// 200 realistic identity statements: service wildcards, specific actions, ARNs with
/// wildcards, a few conditions and variables.
fn synthetic() -> Value {
    let mut sts = Vec::new();
    for i in 0..200 {
        let svc = SERVICES[i % SERVICES.len()];
        let mut s = json!({
            "Sid": format!("S{i}"),
            "Effect": if i % 17 == 16 { "Deny" } else { "Allow" },
            "Action": [format!("{svc}:Get{i}*"), format!("{svc}:Describe{i}?"), format!("{svc}:List{i}")],
            "Resource": [format!("arn:aws:{svc}:eu-west-1:111122223333:thing-{i}/*"),
                         format!("arn:aws:{svc}:*:111122223333:other-{i}/${{aws:username}}/*")]
        });
        if i % 5 == 0 {
            s["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                                    "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}});
        }
        sts.push(s);
    }
    // the statement that finally allows the request, last
    sts.push(
        json!({"Sid": "Final", "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::data-bucket/${aws:username}/*",
        "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}}),
    );
    json!({
        "identity": [doc(sts)],
        "boundary": doc(vec![json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})]),
        "scps": [[doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])],
                 [doc(vec![json!({"Effect": "Allow", "Action": ["s3:*", "ec2:*", "dynamodb:*"], "Resource": "*"}),
                           json!({"Effect": "Deny", "Action": "*", "Resource": "*",
                                  "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}})])]],
        "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::data-bucket/alice/report.csv",
                    "context": {"aws:username": "alice", "aws:SourceIp": "10.1.2.3",
                                "aws:RequestedRegion": "eu-west-1", "aws:MultiFactorAuthPresent": "true"}}
    })
}

/// Realistic batch lines: the seed scenarios and variants of requests, 100k lines.
fn batch_input(lines: usize) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut bases: Vec<Value> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect();
    bases.sort_by_key(|v: &Value| v.to_string());
    let actions = [
        "s3:GetObject",
        "s3:PutObject",
        "ec2:DescribeInstances",
        "iam:PassRole",
        "sts:AssumeRole",
    ];
    let mut out = Vec::new();
    for i in 0..lines {
        let mut v = bases[i % bases.len()].clone();
        if i % 3 == 1 {
            v["request"]["action"] = json!(actions[i % actions.len()]);
        }
        if let Some(o) = v.as_object_mut() {
            o.remove("description");
            o.remove("expect");
        }
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let min = Duration::from_secs(2);
    println!("iamc eval benchmark (single-threaded)");

    let seeds = seeds();
    assert!(!seeds.is_empty(), "no seed scenarios found");
    let a = time_scenarios(
        &format!("(a) seed scenarios ({} of them)", seeds.len()),
        &seeds,
        min,
    );

    let synth = scenario::parse_value(&synthetic())?;
    assert_eq!(synth.decide().outcome, Outcome::Allow);
    let b = time_scenarios(
        "(b) 200 identity statements + boundary + 2 SCP levels",
        std::slice::from_ref(&synth),
        min,
    );

    let input = batch_input(100_000);
    let mut best = 0f64;
    for _ in 0..3 {
        let mut sink: Vec<u8> = Vec::with_capacity(input.len() / 4);
        let start = Instant::now();
        let ok = run_batch(&input[..], &mut sink, Format::Json)?;
        let el = start.elapsed();
        assert!(ok, "batch had unusable lines");
        best = best.max(rate(
            &format!(
                "(c) batch in process, 100k lines ({:.1} MB)",
                input.len() as f64 / 1e6
            ),
            100_000,
            el,
            "scenarios",
        ));
    }
    println!();
    println!("targets: (a) >= 1,000,000  (b) >= 100,000  (c) >= 50,000");
    println!(
        "result:  (a) {}  (b) {}  (c) {}",
        if a >= 1e6 { "met" } else { "MISSED" },
        if b >= 1e5 { "met" } else { "MISSED" },
        if best >= 5e4 { "met" } else { "MISSED" }
    );
    Ok(())
}

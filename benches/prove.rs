//! Proof time as a principal grows: `cargo bench --bench prove`.
//!
//! A generated project (through the real front end) declares one principal with N
//! statements spread over identity policies (70%), a boundary (10%) and two SCP levels
//! (20%), with actions of 16 services (exact names and wildcards), resources of several
//! shapes, and conditions on several keys of different types (MFA, source IP, region, a
//! principal tag, a date, an S3 prefix). Four properties of it are decided, each timed
//! (best of three), with the number of requests the engine judged; then every proof of the
//! example project and of the standard library. `N` defaults to 10, 100 and 1000;
//! `IAMC_BENCH_SIZES=10,100` overrides. Peak memory (VmHWM) is read from /proc at the end.

use iamc::catalog::Catalog;
use iamc::prove::driver::{self, Settings};
use iamc::prove::report;
use iamc::source::{Origin, Sources};
use iamc::{analyze, AnalyzeOptions};
use std::fmt::Write;
use std::time::Instant;

const SERVICES: [&str; 16] = [
    "s3",
    "ec2",
    "iam",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "cloudwatch",
    "rds",
    "ecr",
    "ecs",
    "sts",
    "secretsmanager",
    "ssm",
];

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn action(g: &mut Gen, cat: &Catalog) -> String {
    let svc = SERVICES[g.below(SERVICES.len())];
    let names: Vec<String> = cat
        .service(svc)
        .map(|s| s.actions().map(|a| a.name().to_string()).take(40).collect())
        .unwrap_or_default();
    match g.below(5) {
        0 => format!("{svc}:*"),
        1 => {
            let n = &names[g.below(names.len())];
            format!("{svc}:{}*", &n[..n.len().min(3)])
        }
        _ => format!("{svc}:{}", names[g.below(names.len())]),
    }
}

fn condition(g: &mut Gen) -> String {
    match g.below(8) {
        0 => "aws:MultiFactorAuthPresent".into(),
        1 => "not aws:MultiFactorAuthPresent".into(),
        2 => format!("aws:SourceIp in cidr\"10.{}.0.0/16\"", g.below(4)),
        3 => format!(
            "aws:RequestedRegion in [\"eu-west-{}\", \"us-east-1\"]",
            1 + g.below(3)
        ),
        4 => format!("aws:PrincipalTag/team == \"team{}\"", g.below(5)),
        5 => format!(
            "aws:CurrentTime < date\"202{}-01-01T00:00:00Z\"",
            6 + g.below(3)
        ),
        6 => format!(
            "aws:SourceIp in cidr\"10.{}.0.0/16\" and aws:MultiFactorAuthPresent",
            g.below(4)
        ),
        _ => String::new(),
    }
}

fn rule(g: &mut Gen, cat: &Catalog, effect: &str) -> String {
    let acts: Vec<String> = (0..1 + g.below(3)).map(|_| action(g, cat)).collect();
    let res = match g.below(4) {
        0 => format!("arn\"arn:aws:s3:::bucket-{}/*\"", g.below(20)),
        1 => format!(
            "arn\"arn:aws:dynamodb:*:123412341234:table/t{}\"",
            g.below(20)
        ),
        _ => "*".into(),
    };
    let cond = condition(g);
    let when = if cond.is_empty() {
        String::new()
    } else {
        format!(" when {cond}")
    };
    format!("    {effect} {} on {res}{when}\n", acts.join(", "))
}

fn project(n: usize, cat: &Catalog) -> String {
    let mut g = Gen(n as u64 * 7919 + 1);
    let mut src = String::from("import std.scp.FullAWSAccess\n\n");
    let identity = n * 7 / 10;
    let docs = identity.div_ceil(25);
    for d in 0..docs {
        let _ = writeln!(src, "policy Identity{d} {{");
        for _ in 0..(identity / docs) {
            let effect = if g.below(5) == 0 { "deny" } else { "allow" };
            src.push_str(&rule(&mut g, cat, effect));
        }
        src.push_str("}\n\n");
    }
    src.push_str("boundary Boundary {\n    allow not [iam:*, organizations:*] on *\n");
    for _ in 0..(n / 10).saturating_sub(1) {
        src.push_str(&rule(&mut g, cat, "allow"));
    }
    src.push_str("}\n\nscp Level1 {\n    deny organizations:LeaveOrganization on *\n");
    src.push_str("    deny * on * when aws:SecureTransport == false\n");
    for _ in 0..(n / 10).saturating_sub(1) {
        src.push_str(&rule(&mut g, cat, "deny"));
    }
    src.push_str("}\n\nscp Level2 {\n    allow * on *\n");
    for _ in 0..(n / 10).saturating_sub(1) {
        src.push_str(&rule(&mut g, cat, "deny"));
    }
    src.push_str("}\n\nprincipal Developer {\n");
    src.push_str("    arn: arn\"arn:aws:iam::123412341234:role/developer\"\n");
    let list: Vec<String> = (0..docs).map(|d| format!("Identity{d}")).collect();
    let _ = writeln!(src, "    policies: [{}]", list.join(", "));
    src.push_str("    boundary: Boundary\n    scps: [[FullAWSAccess, Level1], Level2]\n}\n\n");
    src.push_str(
        "prove Developer {\n\
         \x20   denies iam:* on * except [iam:PassRole]\n\
         \x20   denies organizations:LeaveOrganization on *\n\
         \x20   may allow s3:GetObject on arn\"arn:aws:s3:::bucket-1/*\"\n\
         \x20   allows s3:GetObject on arn\"arn:aws:s3:::bucket-1/*\" when aws:MultiFactorAuthPresent\n\
         \x20   denies * on * when not aws:SecureTransport\n\
         \x20   within AllowAll\n\
         }\n\n\
         policy AllowAll {\n    allow * on *\n}\n",
    );
    src
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn run(label: &str, sources: &Sources, cat: &'static Catalog) {
    let options = AnalyzeOptions {
        catalog: cat,
        ..AnalyzeOptions::default()
    };
    let a = analyze(sources, &options);
    // Large generated documents exceed AWS's size quotas (E0404); the prover reasons about
    // them all the same, so only other errors stop the bench.
    let blocking: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code.as_str() != "E0404")
        .collect();
    if !blocking.is_empty() {
        for d in blocking.iter().take(5) {
            println!("  error {}: {}", d.code.as_str(), d.message);
        }
        return;
    }
    let statements: usize = a
        .documents
        .iter()
        .filter(|d| !d.is_std)
        .map(|d| d.document.statements.len())
        .sum();
    println!("{label}: {statements} statements emitted");
    let mut best: Vec<(f64, String, String, usize)> = Vec::new();
    for round in 0..3 {
        let start = Instant::now();
        let now = || start.elapsed().as_secs_f64() * 1000.0;
        let reports = driver::run(
            &report::inputs(&a),
            &a.sources,
            cat,
            Settings::default(),
            &now,
        );
        for (i, r) in reports.iter().enumerate() {
            let cases = r.result.as_ref().map_or(0, |d| d.cases);
            let entry = (
                r.ms,
                r.verdict_word().to_string(),
                report::property_text(&a, r.span),
                cases,
            );
            if round == 0 {
                best.push(entry);
            } else if let Some(b) = best.get_mut(i) {
                if entry.0 < b.0 {
                    *b = entry;
                }
            }
        }
    }
    for (ms, verdict, text, cases) in &best {
        println!("  {ms:>9.2} ms  {verdict:<10} {cases:>8} requests  {text}");
    }
}

fn main() {
    let cat = Catalog::embedded();
    let sizes: Vec<usize> = std::env::var("IAMC_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 100, 1000]);
    for n in sizes {
        let mut sources = Sources::new();
        sources.add(
            "bench.iamc",
            "bench",
            Origin::Memory("bench".into()),
            project(n, cat),
        );
        iamc::stdlib::add_to(&mut sources);
        run(&format!("principal with N = {n}"), &sources, cat);
    }
    println!("peak memory: {} MiB", peak_kib() / 1024);
}

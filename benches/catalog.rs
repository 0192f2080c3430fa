//! Catalog benchmarks (plain std::time, no harness):
//! 1. cold start: a fresh `iamc` process to its first catalog look-up (`iamc catalog show
//!    aws:SourceIp`), spawned many times, median and p90 (build the release binary first:
//!    `cargo build --release`; falls back to the debug binary);
//! 2. decode time of the embedded catalog in-process;
//! 3. look-ups per second (actions, keys, tag-style keys, misses) and pattern expansion.

use iamc::catalog::Catalog;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["target/release/iamc", "target/debug/iamc"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_file())
}

fn median(mut xs: Vec<Duration>) -> (Duration, Duration) {
    xs.sort();
    let m = xs.get(xs.len() / 2).copied().unwrap_or_default();
    let p90 = xs.get(xs.len() * 9 / 10).copied().unwrap_or_default();
    (m, p90)
}

fn main() {
    if let Some(bin) = binary() {
        let mut cold = Vec::new();
        let mut baseline = Vec::new();
        for _ in 0..60 {
            let t = Instant::now();
            let st = Command::new(&bin)
                .args(["catalog", "show", "aws:SourceIp"])
                .env_remove("IAMC_CATALOG")
                .stdout(Stdio::null())
                .status();
            cold.push(t.elapsed());
            assert!(st.map(|s| s.success()).unwrap_or(false));
            // The same process start without touching the catalog, to separate the two.
            let t = Instant::now();
            let _ = Command::new(&bin)
                .args(["explain", "E0341"])
                .stdout(Stdio::null())
                .status();
            baseline.push(t.elapsed());
        }
        let (m, p90) = median(cold);
        let (bm, _) = median(baseline);
        println!(
            "cold start to first look-up ({}): median {:.2} ms, p90 {:.2} ms (process without catalog: {:.2} ms)",
            bin.display(),
            m.as_secs_f64() * 1e3,
            p90.as_secs_f64() * 1e3,
            bm.as_secs_f64() * 1e3
        );
    } else {
        println!("no iamc binary built; run `cargo build --release` first");
    }

    let bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/catalog/data/catalog.bin"),
    )
    .unwrap_or_default();
    let mut decode = Vec::new();
    for _ in 0..30 {
        let b = bytes.clone();
        let t = Instant::now();
        let c = Catalog::from_bytes(b, "bench");
        decode.push(t.elapsed());
        assert!(c.is_ok());
    }
    let (m, _) = median(decode);
    println!(
        "decode {} bytes in-process: median {:.3} ms",
        bytes.len(),
        m.as_secs_f64() * 1e3
    );

    let cat = Catalog::embedded();
    let names = [
        "s3:GetObject",
        "iam:PassRole",
        "EC2:runinstances",
        "sts:AssumeRole",
        "s3:NoSuchAction",
    ];
    let keys = [
        "aws:SourceIp",
        "aws:PrincipalTag/team",
        "s3:prefix",
        "kms:EncryptionContext:aws:pi",
        "aws:NoSuchKey",
    ];
    let n = 200_000;
    let t = Instant::now();
    let mut hits = 0usize;
    for i in 0..n {
        if cat.action(names[i % names.len()]).is_some() {
            hits += 1;
        }
    }
    let e = t.elapsed();
    println!(
        "action look-ups: {:.0}/s ({hits} hits)",
        n as f64 / e.as_secs_f64()
    );
    let t = Instant::now();
    hits = 0;
    for i in 0..n {
        if cat.condition_key(keys[i % keys.len()]).is_some() {
            hits += 1;
        }
    }
    let e = t.elapsed();
    println!(
        "condition key look-ups (incl. tag-style and misses): {:.0}/s ({hits} hits)",
        n as f64 / e.as_secs_f64()
    );
    let t = Instant::now();
    let mut total = 0;
    for _ in 0..50 {
        total += cat.expand("*:Describe*").len();
    }
    println!(
        "expand `*:Describe*`: {:.2} ms each ({} actions)",
        t.elapsed().as_secs_f64() * 1e3 / 50.0,
        total / 50
    );
}

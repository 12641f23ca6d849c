//! Times the comparison alone (catalog already loaded, inputs already parsed): `bench_compare BASE HEAD [RUNS]`.
//! Used by `scripts/bench-check.sh`; prints one Markdown table row per measurement.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use pare_drift::input::{load, Source};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, head) = (&args[1], &args[2]);
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(20);
    let t = Instant::now();
    let _ = pare_catalog::catalog().action_count();
    let catalog_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let b = load(&Source::parse(base)).unwrap();
    let h = load(&Source::parse(head)).unwrap();
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::with_capacity(runs);
    let mut findings = 0;
    let mut requests = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = pare_drift::check::check(&b, &h, None, "2026-01-01", base, head);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        findings = r.findings.len();
        requests = r.summary.requests;
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "| compare only: {} unit(s), {} findings, {} requests decided | {runs} | {mean:.2} | {:.2} |",
        h.units.len(),
        findings,
        requests,
        times[0]
    );
    println!(
        "| (catalog load {catalog_ms:.1} ms, parsing both sides {load_ms:.1} ms, once per process) | | | |"
    );
}

//! Replays a directory and prints the throughput (a profiling aid; `pare replay` is the product).
//!
//! `replay_dir DIR [THREADS] [OUT.json]`: with OUT, the usage summary is written there as well (to compare the
//! output of two builds byte for byte).
#![allow(clippy::unwrap_used, reason = "a benchmark tool")]
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let threads = std::env::args().nth(2).map_or(0, |t| t.parse().unwrap());
    let out = std::env::args().nth(3);
    let mut r = pare_trail::replay::Replayer::new(pare_trail::replay::ReplayOptions {
        threads,
        ..Default::default()
    })
    .unwrap();
    r.add_path(dir).unwrap();
    let (s, rep) = r.finish().unwrap();
    println!(
        "{} records, {} principals, {:.1} MB gz, {:.1} MB decoded in {:.2}s: {:.1} MB/s gz, {:.1} MB/s decoded, {:.0} ev/s",
        s.stats.records, s.principals.len(), rep.bytes_read as f64 / 1e6, rep.bytes_decoded as f64 / 1e6,
        rep.elapsed.as_secs_f64(), rep.mb_per_sec(), rep.decoded_mb_per_sec(), rep.events_per_sec()
    );
    if let Some(out) = out {
        s.write(out).unwrap();
    }
}

//! Generates a synthetic CloudTrail corpus for the replay benchmark from the real events in
//! `fixtures/cloudtrail-real`: `.json.gz` log files in the S3 layout
//! (`AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<time>_<id>.json.gz`),
//! each a `{"Records":[...]}` document of events copied from the real ones with varied accounts, principals,
//! regions, times, event ids and S3 bucket/key parameters. Deterministic for a given seed.
//!
//! `cargo run --release -p pare-trail --example gen_corpus -- --out DIR --size-mb 1024 [--seed N]`
//! (see `scripts/gen-corpus.sh`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark tool that fails loudly"
)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const ACCOUNTS: u64 = 8;
const USERS_PER_ACCOUNT: u64 = 40;
const ROLES_PER_ACCOUNT: u64 = 20;
const BUCKETS_PER_ACCOUNT: u64 = 5;
const KEYS_PER_BUCKET: u64 = 2000;
const EVENTS_PER_FILE: usize = 1500;
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn load_templates(root: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                if name != "LICENSES" {
                    stack.push(p);
                }
            } else if name.ends_with(".jsonl") {
                for line in std::fs::read_to_string(&p).unwrap().lines() {
                    if !line.trim().is_empty() {
                        out.push(serde_json::from_str(line).unwrap());
                    }
                }
            } else if name.ends_with(".json") && name != "accessdenied-ground-truth.json" {
                let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                if let Some(Value::Array(recs)) = doc.get("Records") {
                    out.extend(recs.iter().cloned());
                }
            }
        }
    }
    out
}

fn account(i: u64) -> String {
    format!("{:012}", 100_000_000_000 + i * 1_111_111)
}

fn set(v: &mut Value, key: &str, new: Value) {
    if let Some(obj) = v.as_object_mut() {
        if obj.contains_key(key) {
            obj.insert(key.to_string(), new);
        }
    }
}

fn vary(template: &Value, rng: &mut Rng, acct: &str, region: &str, time: &str) -> Value {
    let mut ev = template.clone();
    let id = (rng.next(), rng.next());
    let event_id = format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        id.0 >> 32,
        (id.0 >> 16) & 0xffff,
        id.0 & 0xffff,
        id.1 >> 48,
        id.1 & 0xffff_ffff_ffff
    );
    let obj = ev.as_object_mut().unwrap();
    obj.insert("eventID".into(), Value::String(event_id));
    obj.insert("eventTime".into(), Value::String(time.to_string()));
    obj.remove("@timestamp");
    obj.remove("@version");
    obj.insert("awsRegion".into(), Value::String(region.to_string()));
    obj.insert("recipientAccountId".into(), Value::String(acct.to_string()));
    if let Some(ui) = obj.get_mut("userIdentity") {
        let kind = ui.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        set(ui, "accountId", Value::String(acct.to_string()));
        match kind.as_str() {
            "IAMUser" => {
                let user = format!("user-{}", rng.below(USERS_PER_ACCOUNT));
                set(
                    ui,
                    "arn",
                    Value::String(format!("arn:aws:iam::{acct}:user/{user}")),
                );
                set(ui, "userName", Value::String(user));
            }
            "AssumedRole" => {
                let role = format!("app-role-{}", rng.below(ROLES_PER_ACCOUNT));
                let session = format!("session-{}", rng.below(1000));
                set(
                    ui,
                    "arn",
                    Value::String(format!("arn:aws:sts::{acct}:assumed-role/{role}/{session}")),
                );
                if let Some(issuer) = ui.pointer_mut("/sessionContext/sessionIssuer") {
                    set(
                        issuer,
                        "arn",
                        Value::String(format!("arn:aws:iam::{acct}:role/service/{role}")),
                    );
                    set(issuer, "userName", Value::String(role.clone()));
                    set(issuer, "accountId", Value::String(acct.to_string()));
                }
            }
            _ => {}
        }
    }
    let bucket = format!("data-{acct}-{}", rng.below(BUCKETS_PER_ACCOUNT));
    let key = format!(
        "runs/{}/part-{}.json",
        rng.below(50),
        rng.below(KEYS_PER_BUCKET / 50)
    );
    if let Some(params) = obj.get_mut("requestParameters") {
        set(params, "bucketName", Value::String(bucket.clone()));
        set(params, "key", Value::String(key.clone()));
    }
    if let Some(Value::Array(resources)) = obj.get_mut("resources") {
        for r in resources {
            if let Some(arn) = r.get("ARN").and_then(Value::as_str) {
                let new = if arn.starts_with("arn:aws:s3:::") {
                    if arn.contains('/') {
                        format!("arn:aws:s3:::{bucket}/{key}")
                    } else {
                        format!("arn:aws:s3:::{bucket}")
                    }
                } else {
                    let parts: Vec<&str> = arn.splitn(6, ':').collect();
                    if parts.len() == 6 {
                        let region = if parts[3].is_empty() { "" } else { region };
                        format!(
                            "{}:{}:{}:{}:{}:{}",
                            parts[0], parts[1], parts[2], region, acct, parts[5]
                        )
                    } else {
                        arn.to_string()
                    }
                };
                set(r, "ARN", Value::String(new));
                set(r, "accountId", Value::String(acct.to_string()));
            }
        }
    }
    ev
}

fn main() {
    let mut out = PathBuf::from("bench-data/corpus");
    let mut size_mb: u64 = 1024;
    let mut seed: u64 = 1;
    let mut fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudtrail-real");
    let mut threads = std::thread::available_parallelism().map_or(1, usize::from);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--out" => out = PathBuf::from(v),
            "--size-mb" => size_mb = v.parse().expect("--size-mb N"),
            "--seed" => seed = v.parse().expect("--seed N"),
            "--fixtures" => fixtures = PathBuf::from(v),
            "--threads" => threads = v.parse().expect("--threads N"),
            other => {
                eprintln!("unknown argument `{other}`");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    let templates = load_templates(&fixtures);
    assert!(!templates.is_empty(), "no events under {}", fixtures.display());
    let target = size_mb * 1_000_000;
    let written = AtomicU64::new(0);
    let events = AtomicU64::new(0);
    let next_file = AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                if written.load(Ordering::Relaxed) >= target {
                    break;
                }
                let n = next_file.fetch_add(1, Ordering::Relaxed);
                let mut rng = Rng(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
                let acct = account(rng.below(ACCOUNTS));
                let region = REGIONS[rng.below(REGIONS.len() as u64) as usize];
                // Five-minute files, spread over 30 days from 2026-10-01.
                let minutes = (n * 5) % (30 * 24 * 60);
                let (day, hour, minute) = (1 + minutes / 1440, (minutes / 60) % 24, minutes % 60);
                let dir = out.join(format!("AWSLogs/{acct}/CloudTrail/{region}/2026/10/{day:02}"));
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join(format!(
                    "{acct}_CloudTrail_{region}_202610{day:02}T{hour:02}{minute:02}Z_{n:08x}.json.gz"
                ));
                let f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
                let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
                gz.write_all(b"{\"Records\":[").unwrap();
                for e in 0..EVENTS_PER_FILE {
                    let tpl = &templates[rng.below(templates.len() as u64) as usize];
                    let second = (e as u64 * 300) / EVENTS_PER_FILE as u64;
                    let time = format!(
                        "2026-10-{day:02}T{hour:02}:{:02}:{:02}Z",
                        minute + second / 60,
                        second % 60
                    );
                    let ev = vary(tpl, &mut rng, &acct, region, &time);
                    if e > 0 {
                        gz.write_all(b",").unwrap();
                    }
                    serde_json::to_writer(&mut gz, &ev).unwrap();
                }
                gz.write_all(b"]}").unwrap();
                let f = gz.finish().unwrap();
                drop(f);
                let size = std::fs::metadata(&file).unwrap().len();
                written.fetch_add(size, Ordering::Relaxed);
                events.fetch_add(EVENTS_PER_FILE as u64, Ordering::Relaxed);
            });
        }
    });
    println!(
        "wrote {} files, {} events, {:.1} MB of .json.gz under {}",
        next_file.load(Ordering::Relaxed),
        events.load(Ordering::Relaxed),
        written.load(Ordering::Relaxed) as f64 / 1e6,
        out.display()
    );
}

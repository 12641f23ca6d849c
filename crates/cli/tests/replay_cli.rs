//! `pare replay` and `pare merge` through the built binary: local sources, bad input, strict mode, merge,
//! and the AWS sources against local endpoints (moto for S3, a LookupEvents endpoint for CloudTrail).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use pare_aws::testing;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn real(dir: &str) -> String {
    root()
        .join("fixtures/cloudtrail-real")
        .join(dir)
        .display()
        .to_string()
}

fn bad(name: &str) -> String {
    root().join("fixtures/replay").join(name).display().to_string()
}

fn pare(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pare"));
    cmd.args(args).env("CI", "1");
    for k in testing::CLEARED_ENV {
        cmd.env_remove(k);
    }
    for (k, v) in testing::TEST_ENV {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const DIRS: [&str; 3] = [
    "invictus-aws-dataset",
    "traildiscover-log-examples",
    "otrf-ec2-proxy-s3-exfiltration",
];

#[test]
fn replays_the_real_fixtures_to_stdout_with_stats_on_stderr() {
    let dirs: Vec<String> = DIRS.iter().map(|d| real(d)).collect();
    let args: Vec<&str> = std::iter::once("replay")
        .chain(dirs.iter().map(String::as_str))
        .collect();
    let out = pare(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout_json(&out);
    assert_eq!(s["schema"], "pare.usage/v1");
    assert_eq!(s["stats"]["records"], 2248);
    assert_eq!(s["stats"]["skipped"], 0);
    assert_eq!(s["sources"].as_array().unwrap().len(), 421);
    let err = stderr(&out);
    assert!(
        err.contains("replayed 421 sources: 2248 records used, 0 skipped"),
        "{err}"
    );
    assert!(err.contains("MB/s") && err.contains("events/s"), "{err}");
    assert!(err.contains("unmapped events (top): "), "{err}");
}

#[test]
fn output_file_quiet_and_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.json");
    let b = tmp.path().join("b.json");
    let dir = real("invictus-aws-dataset");
    let out = pare(&["replay", &dir, "-o", a.to_str().unwrap(), "-q", "--threads", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", stderr(&out));
    let out = pare(&[
        "replay",
        &dir,
        "--out",
        b.to_str().unwrap(),
        "--threads",
        "2",
        "--no-progress",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let stdout = pare(&["replay", &dir, "-q"]);
    assert_eq!(stdout.stdout, std::fs::read(&a).unwrap());
}

#[test]
fn bad_input_is_skipped_with_warnings_or_fails_with_strict() {
    let dir = root().join("fixtures/replay").display().to_string();
    let out = pare(&["replay", &dir, "--max-decompressed-size", "1MiB"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout_json(&out);
    let reasons = &s["stats"]["reasons"];
    assert_eq!(reasons["gzip-bomb"], 1);
    assert_eq!(reasons["bad-gzip"], 1);
    assert_eq!(reasons["not-an-object"], 3);
    assert_eq!(reasons["missing-field"], 4);
    let err = stderr(&out);
    assert!(err.contains("skipped by reason: "), "{err}");
    assert!(err.contains("warning: "), "{err}");
    assert!(
        err.contains("more errors in the summary's `stats.errors`"),
        "{err}"
    );

    let missing = bad("missing-fields.json");
    let out = pare(&["replay", &missing, "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out).trim_end(),
        format!("error: `eventSource` is missing ({missing}:record 0) (stopped by --strict)")
    );

    let jsonl = bad("broken-line.jsonl");
    let out = pare(&["replay", &jsonl, "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: truncated JSON: "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(&format!("({jsonl}:3)")), "{}", stderr(&out));

    let bomb = bad("bomb.json.gz");
    let out = pare(&["replay", &bomb, "--strict", "--max-decompressed-size", "1MiB"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("decompressed size exceeds the limit of 1048576 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = pare(&["replay", "/nonexistent/logs.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot read `/nonexistent/logs.json`"),
        "{}",
        stderr(&out)
    );

    let out = pare(&["replay", "ftp://example/logs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unsupported source `ftp://example/logs`"));

    let dir = real("otrf-ec2-proxy-s3-exfiltration");
    let out = pare(&["replay", &dir, "--since", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: invalid --since `last week`"),
        "{}",
        stderr(&out)
    );

    let out = pare(&["replay", &dir, "--max-decompressed-size", "lots"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn filters_by_principal_and_time() {
    let dir = real("otrf-ec2-proxy-s3-exfiltration");
    let out = pare(&[
        "replay",
        &dir,
        "--principal",
        "arn:aws:iam::*:role/*",
        "--since",
        "2020-09-14T00:50:00Z",
        "--until",
        "2020-09-15",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout_json(&out);
    let principals = s["principals"].as_array().unwrap();
    assert_eq!(principals.len(), 1);
    assert!(principals[0]["arn"]
        .as_str()
        .unwrap()
        .contains(":role/MordorNginxStack-BankingWAFRole"));
    let records = s["stats"]["records"].as_u64().unwrap();
    let skipped = s["stats"]["skipped"].as_u64().unwrap();
    assert_eq!(records + skipped, 103);
    assert!(s["window"]["start"].as_str().unwrap() >= "2020-09-14T00:50:00Z");
}

#[test]
fn parquet_output_goes_through_the_report_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("usage.parquet");
    let dir = real("otrf-ec2-proxy-s3-exfiltration");
    let out = pare(&["replay", &dir, "-q", "-o", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(&p).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    let bad = tmp.path().join("missing-dir/usage.parquet");
    let out = pare(&["replay", &dir, "-q", "-o", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

#[test]
fn merge_of_shards_equals_replay_of_all_in_any_order() {
    let tmp = tempfile::tempdir().unwrap();
    let mut shards = Vec::new();
    for d in DIRS {
        let p = tmp.path().join(format!("{d}.json"));
        let out = pare(&["replay", &real(d), "-q", "-o", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        shards.push(p.display().to_string());
    }
    let whole = tmp.path().join("whole.json");
    let dirs: Vec<String> = DIRS.iter().map(|d| real(d)).collect();
    let mut args = vec!["replay", "-q", "-o", whole.to_str().unwrap()];
    args.extend(dirs.iter().map(String::as_str));
    assert_eq!(pare(&args).status.code(), Some(0));

    let merged = tmp.path().join("merged.json");
    let out = pare(&[
        "merge",
        &shards[0],
        &shards[1],
        &shards[2],
        "-o",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("merged 3 summaries: 2248 records"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&merged).unwrap(), std::fs::read(&whole).unwrap());

    // ((c, a), b) to stdout is the same document.
    let ca = tmp.path().join("ca.json");
    assert_eq!(
        pare(&["merge", &shards[2], &shards[0], "-o", ca.to_str().unwrap(), "-q"])
            .status
            .code(),
        Some(0)
    );
    let out = pare(&["merge", ca.to_str().unwrap(), &shards[1]]);
    assert_eq!(out.stdout, std::fs::read(&whole).unwrap());

    let junk = tmp.path().join("junk.json");
    std::fs::write(&junk, "{\"schema\":\"pare.policies/v1\"}").unwrap();
    let out = pare(&["merge", &shards[0], junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unsupported schema `pare.policies/v1`"),
        "{}",
        stderr(&out)
    );
}

/// The moto server, or `None` (test skipped) when it is not installed and not required.
fn moto() -> Option<testing::MotoServer> {
    match testing::MotoServer::program() {
        Some(p) => Some(testing::MotoServer::start(&p, &[]).unwrap()),
        None if testing::emulator_required() => {
            panic!("moto_server is required (scripts/setup.sh installs it)")
        }
        None => {
            eprintln!("skipped: moto_server not installed (run scripts/setup.sh)");
            None
        }
    }
}

#[test]
fn replays_from_s3_in_the_cloudtrail_layout() {
    let Some(server) = moto() else { return };
    let endpoint = server.endpoint();
    let client = testing::block_on(testing::s3_client(&endpoint)).unwrap();
    let bucket = "trail-logs";
    testing::block_on(async {
        client.create_bucket().bucket(bucket).send().await.unwrap();
        let dir = root().join("fixtures/cloudtrail-real/invictus-aws-dataset");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for (i, path) in names.iter().enumerate() {
            let body = testing::gzip(&std::fs::read(path).unwrap());
            let key = format!(
                "AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10/{}.gz",
                path.file_name().unwrap().to_string_lossy()
            );
            client
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(body.into())
                .send()
                .await
                .unwrap();
            if i == 0 {
                client
                    .put_object()
                    .bucket(bucket)
                    .key("AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10/broken.json.gz")
                    .body(b"\x1f\x8b\x08\x00broken".to_vec().into())
                    .send()
                    .await
                    .unwrap();
            }
        }
    })
    .unwrap();
    let url = format!("s3://{bucket}/AWSLogs/");
    let out = pare(&[
        "replay",
        &url,
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout_json(&out);
    assert_eq!(s["stats"]["records"], 1761);
    assert_eq!(s["stats"]["reasons"]["bad-gzip"], 1);
    let sources = s["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 37);
    assert!(sources.iter().all(|x| x["path"]
        .as_str()
        .unwrap()
        .starts_with("s3://trail-logs/AWSLogs/123837392027/")));

    // Same events as the local files.
    let local = pare(&["replay", &real("invictus-aws-dataset")]);
    let local = stdout_json(&local);
    assert_eq!(s["principals"], local["principals"]);

    let out = pare(&["replay", "s3://no-such-bucket/x", "--endpoint-url", &endpoint]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

#[test]
fn replays_from_cloudtrail_lookup_events() {
    // The Invictus records carry eventTime (LookupEvents needs it).
    let file = root().join("fixtures/cloudtrail-real/invictus-aws-dataset");
    let mut records = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&file)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names.iter().take(4) {
        let d: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        records.extend(d["Records"].as_array().unwrap().iter().cloned());
    }
    let server = testing::FakeCloudTrail::start(&records, 50, Some(1)).unwrap();
    let out = pare(&[
        "replay",
        "cloudtrail:lookup",
        "--endpoint-url",
        &server.endpoint(),
        "--region",
        "us-east-1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout_json(&out);
    assert_eq!(s["stats"]["records"].as_u64().unwrap(), records.len() as u64);
    assert_eq!(s["sources"][0]["path"], "cloudtrail:lookup");
    assert!(server.requests().len() >= records.len() / 50);
}

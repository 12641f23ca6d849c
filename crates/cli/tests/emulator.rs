//! End to end: the `pare` binary against local AWS emulators, compared with the same data read from files.
//!
//! - `pare replay s3://…` against moto's S3 (objects uploaded with aws-sdk-s3), vs replaying the same files
//!   from a local directory.
//! - `pare replay cloudtrail:lookup` against the local CloudTrail LookupEvents endpoint (pages, NextToken,
//!   one throttling answer), vs replaying the same events from a file.
//! - `pare policies iam:live` against moto's IAM (entities created with aws-sdk-iam), vs `pare policies` on
//!   the AWS CLI's `get-account-authorization-details` output for the same account.
//!
//! Without moto installed (scripts/setup.sh) the moto-backed tests are skipped with a message, unless
//! `PARE_REQUIRE_EMULATOR=1` (scripts/test.sh, CI), where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use pare_aws::testing::{self, FakeCloudTrail, MotoServer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PARE: &str = env!("CARGO_BIN_EXE_pare");

fn moto(test: &str, env: &[(&str, &str)]) -> Option<MotoServer> {
    match MotoServer::program() {
        Some(program) => Some(MotoServer::start(&program, env).unwrap_or_else(|e| panic!("{test}: {e}"))),
        None if testing::emulator_required() => {
            panic!("{test}: moto_server is not installed (.venv/bin/moto_server); run scripts/setup.sh")
        }
        None => {
            eprintln!(
                "\n*** SKIPPED {test}: moto_server is not installed; run scripts/setup.sh \
                 (set PARE_REQUIRE_EMULATOR=1 to make this a failure) ***\n"
            );
            None
        }
    }
}

/// A command with the dummy credentials only (never the user's `~/.aws`), no progress bars.
fn aws_env(cmd: &mut Command, scratch: &Path) {
    for k in testing::CLEARED_ENV {
        cmd.env_remove(k);
    }
    cmd.envs(testing::TEST_ENV)
        .env("AWS_CONFIG_FILE", scratch.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", scratch.join("no-aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("CI", "true");
}

fn pare(args: &[&str], scratch: &Path) -> Output {
    let mut cmd = Command::new(PARE);
    cmd.args(args).current_dir(scratch);
    aws_env(&mut cmd, scratch);
    cmd.output().unwrap()
}

fn pare_ok(args: &[&str], scratch: &Path) -> Output {
    let out = pare(args, scratch);
    assert!(
        out.status.success(),
        "`pare {}` failed ({}):\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudtrail-real")
}

fn sorted_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Log files of the fixtures as CloudTrail delivers them: `(key, bytes)` in the
/// `AWSLogs/<account>/CloudTrail/<region>/<y>/<m>/<d>/` layout, every other one gzipped.
fn trail_objects() -> Vec<(String, Vec<u8>)> {
    let mut files = sorted_files("invictus-aws-dataset");
    files.extend(sorted_files("traildiscover-log-examples").into_iter().take(40));
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let bytes = std::fs::read(f).unwrap();
            let stem = f.file_stem().unwrap().to_string_lossy();
            let day = 10 + i % 3;
            let base = format!(
                "AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/{day}/123837392027_CloudTrail_us-east-1_{stem}"
            );
            if i % 2 == 0 {
                (format!("{base}.json.gz"), testing::gzip(&bytes))
            } else {
                (format!("{base}.json"), bytes)
            }
        })
        .collect()
}

/// A usage summary without what names its sources, for comparing the same events read from two places.
fn without_sources(mut v: Value) -> Value {
    let obj = v.as_object_mut().unwrap();
    obj.remove("sources");
    if let Some(errors) = obj
        .get_mut("stats")
        .and_then(|s| s.get_mut("errors"))
        .and_then(Value::as_array_mut)
    {
        for e in errors {
            if let Some(s) = e.get_mut("source") {
                // `s3://bucket/AWSLogs/…` and `/tmp/…/AWSLogs/…` name the same object.
                let name = s.as_str().unwrap_or_default();
                let tail = name.find("AWSLogs/").map_or(name, |i| &name[i..]).to_owned();
                *s = Value::String(tail);
            }
        }
    }
    v
}

#[test]
fn replay_from_s3_matches_replay_of_the_same_files() {
    let Some(moto) = moto("replay_from_s3_matches_replay_of_the_same_files", &[]) else {
        return;
    };
    let endpoint = moto.endpoint();
    let objects = trail_objects();
    let scratch = tempfile::tempdir().unwrap();
    let local = scratch.path().join("logs");
    testing::block_on(async {
        let s3 = testing::s3_client(&endpoint).await;
        s3.create_bucket().bucket("org-trail").send().await.unwrap();
        // A console-made "folder" key and an unrelated object outside the prefix.
        for (key, body) in [
            ("AWSLogs/".to_owned(), Vec::new()),
            ("digest/readme.txt".to_owned(), b"x".to_vec()),
        ] {
            s3.put_object()
                .bucket("org-trail")
                .key(key)
                .body(body.into())
                .send()
                .await
                .unwrap();
        }
        for (key, body) in &objects {
            s3.put_object()
                .bucket("org-trail")
                .key(key)
                .body(body.clone().into())
                .send()
                .await
                .unwrap();
        }
    })
    .unwrap();
    for (key, body) in &objects {
        let p = local.join(key);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }

    let out = pare_ok(
        &[
            "replay",
            "s3://org-trail/AWSLogs/",
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "--out",
            "s3.json",
        ],
        scratch.path(),
    );
    pare_ok(
        &["replay", local.to_str().unwrap(), "--out", "local.json"],
        scratch.path(),
    );
    let from_s3 = read_json(&scratch.path().join("s3.json"));
    let from_files = read_json(&scratch.path().join("local.json"));

    let sources = from_s3["sources"].as_array().unwrap();
    assert_eq!(
        sources.len(),
        objects.len(),
        "one source per object, the folder key skipped"
    );
    assert!(sources
        .iter()
        .all(|s| s["path"].as_str().unwrap().starts_with("s3://org-trail/AWSLogs/")));
    let records = from_s3["stats"]["records"].as_u64().unwrap();
    assert!(records > 1_700, "records: {records}");
    assert_eq!(from_s3["principals"], from_files["principals"]);
    assert_eq!(without_sources(from_s3), without_sources(from_files));
    assert!(
        !String::from_utf8_lossy(&out.stderr).is_empty(),
        "a summary is printed on stderr"
    );
}

#[test]
fn replay_from_s3_reports_a_missing_bucket() {
    let Some(moto) = moto("replay_from_s3_reports_a_missing_bucket", &[]) else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let out = pare(
        &[
            "replay",
            "s3://no-such-trail/AWSLogs/",
            "--endpoint-url",
            &moto.endpoint(),
            "--region",
            "us-east-1",
        ],
        scratch.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error:") && err.contains("no-such-trail") && err.contains("NoSuchBucket"),
        "{err}"
    );
}

#[test]
fn replay_from_cloudtrail_lookup_counts_every_page_and_matches_the_local_replay() {
    let mut records: Vec<Value> = Vec::new();
    for dir in ["invictus-aws-dataset", "traildiscover-log-examples"] {
        for p in sorted_files(dir).iter().take(60) {
            records.extend(read_json(p)["Records"].as_array().unwrap().iter().cloned());
        }
    }
    let fake = FakeCloudTrail::start(&records, 50, Some(2)).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let events_file = scratch.path().join("events.json");
    std::fs::write(
        &events_file,
        serde_json::json!({ "Records": records }).to_string(),
    )
    .unwrap();

    pare_ok(
        &[
            "replay",
            "cloudtrail:lookup",
            "--endpoint-url",
            &fake.endpoint(),
            "--region",
            "us-east-1",
            "--out",
            "lookup.json",
        ],
        scratch.path(),
    );
    pare_ok(&["replay", "events.json", "--out", "local.json"], scratch.path());
    let lookup = read_json(&scratch.path().join("lookup.json"));
    let local = read_json(&scratch.path().join("local.json"));

    let stats = &lookup["stats"];
    let seen = stats["records"].as_u64().unwrap() + stats["skipped"].as_u64().unwrap();
    assert_eq!(seen, records.len() as u64, "every event of every page is counted");
    let reqs = fake.requests();
    let pages = records.len().div_ceil(50);
    assert!(pages >= 3);
    assert_eq!(
        reqs.len(),
        pages + 1,
        "each page fetched once, plus the retry after throttling"
    );
    assert_eq!(reqs.iter().filter(|r| r.status == 400).count(), 1);
    assert_eq!(lookup["principals"], local["principals"]);
    assert_eq!(lookup["window"], local["window"]);
    assert_eq!(lookup["unmapped"], local["unmapped"]);
    assert_eq!(lookup["stats"]["records"], local["stats"]["records"]);
}

/// A snapshot without what names its inputs (`iam:live` vs the file), for comparing the same account read
/// two ways.
fn without_origin_files(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(origin)) = m.get_mut("origin") {
                    origin.insert("file".into(), Value::String(String::new()));
                }
                if let Some(Value::String(f)) = m.get_mut("file") {
                    *f = String::new();
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    v.as_object_mut().unwrap().remove("sources");
    walk(&mut v);
    v
}

#[test]
fn policies_from_iam_live_equal_policies_from_the_aws_cli_output() {
    let Some(moto) = moto(
        "policies_from_iam_live_equal_policies_from_the_aws_cli_output",
        &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")],
    ) else {
        return;
    };
    let endpoint = moto.endpoint();
    let seeded = testing::block_on(async {
        let iam = testing::iam_client(&endpoint).await;
        testing::seed_iam_account(&iam).await
    })
    .unwrap()
    .unwrap();
    let scratch = tempfile::tempdir().unwrap();

    // What a user does without pare's live access: the AWS CLI's output, as it prints it by default.
    let aws = testing::venv_program("aws").expect("the AWS CLI is installed in .venv by scripts/setup.sh");
    let mut cmd = Command::new(aws);
    cmd.args([
        "iam",
        "get-account-authorization-details",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
    ]);
    aws_env(&mut cmd, scratch.path());
    let cli = cmd.output().unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    std::fs::write(scratch.path().join("authdetails.json"), &cli.stdout).unwrap();

    pare_ok(
        &[
            "policies",
            "iam:live",
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "--out",
            "live.json",
        ],
        scratch.path(),
    );
    pare_ok(
        &["policies", "authdetails.json", "--out", "file.json"],
        scratch.path(),
    );
    let live = read_json(&scratch.path().join("live.json"));
    let file = read_json(&scratch.path().join("file.json"));
    assert_eq!(live["sources"][0]["path"], "iam:live");
    assert_eq!(without_origin_files(live.clone()), without_origin_files(file));

    // Without any region configured, IAM is called in us-east-1.
    let mut no_region = Command::new(PARE);
    no_region
        .args([
            "policies",
            "iam:live",
            "--endpoint-url",
            &endpoint,
            "--out",
            "live-no-region.json",
        ])
        .current_dir(scratch.path());
    aws_env(&mut no_region, scratch.path());
    let out = no_region.env_remove("AWS_REGION").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        read_json(&scratch.path().join("live-no-region.json"))["principals"],
        live["principals"]
    );

    // The account as seeded: default version chosen, boundary, group membership, trust policy and path.
    let principals = live["principals"].as_array().unwrap();
    let find = |arn: &str| {
        principals
            .iter()
            .find(|p| p["arn"] == arn)
            .unwrap_or_else(|| panic!("no {arn} in {live}"))
    };
    let attached_doc = |p: &Value, arn: &str| {
        p["attached"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["arn"] == arn)
            .map(|d| d["document"].clone())
    };
    let read_v1: Value = serde_json::from_str(testing::READ_POLICY_V1).unwrap();

    let alice = find(&seeded.users[0]);
    assert_eq!(alice["groups"], serde_json::json!([seeded.group]));
    assert_eq!(
        attached_doc(alice, &seeded.read_policy_arn),
        Some(read_v1.clone()),
        "the default version (v1), not v2"
    );
    assert_eq!(alice["inline"][0]["name"], "alice-kms");
    let role = find(&seeded.role);
    assert_eq!(role["path"], "/service/");
    assert_eq!(role["boundary"]["arn"], seeded.boundary_arn.as_str());
    assert_eq!(
        role["trust"]["document"]["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    assert_eq!(attached_doc(role, &seeded.read_policy_arn), Some(read_v1));
    assert_eq!(role["inline"][0]["name"], "app-sqs");
    let group = find(&seeded.group);
    assert_eq!(group["inline"][0]["name"], "devs-describe");
    let bob = find(&seeded.users[1]);
    let managed = attached_doc(bob, &seeded.aws_managed_arn).expect("bob has the AWS managed policy");
    assert!(
        managed["Statement"].as_array().is_some_and(|s| !s.is_empty()),
        "{managed}"
    );
}

#[test]
fn aws_sources_without_region_or_endpoint_fail_clearly() {
    let scratch = tempfile::tempdir().unwrap();
    // No region anywhere: S3 and CloudTrail are regional, so this is a usage error that says what to do.
    let mut cmd = Command::new(PARE);
    cmd.args([
        "replay",
        "s3://org-trail/AWSLogs/",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .current_dir(scratch.path());
    aws_env(&mut cmd, scratch.path());
    let out = cmd.env_remove("AWS_REGION").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error:") && err.contains("no AWS region configured") && err.contains("--region"),
        "{err}"
    );

    // An endpoint nobody listens on: the error names it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = pare(
        &[
            "replay",
            "cloudtrail:lookup",
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
        ],
        scratch.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error:") && err.contains(&url), "{err}");
}

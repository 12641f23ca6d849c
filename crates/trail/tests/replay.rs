//! Replay over the real CloudTrail fixtures and the bad-input fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test helpers fail loudly"
)]

use pare_trail::replay::{ReplayError, ReplayOptions, Replayer};
use pare_trail::usage::{PrincipalType, UsageSummary};
use std::io::Write;
use std::path::{Path, PathBuf};

fn real(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/cloudtrail-real")
        .join(dir)
}

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/replay")
        .join(name)
}

const DIRS: [(&str, u64); 3] = [
    ("invictus-aws-dataset", 1761),
    ("traildiscover-log-examples", 384),
    ("otrf-ec2-proxy-s3-exfiltration", 103),
];

fn replay_with(paths: &[PathBuf], options: ReplayOptions) -> UsageSummary {
    let mut r = Replayer::new(options).unwrap();
    for p in paths {
        r.add_path(p).unwrap();
    }
    r.finish().unwrap().0
}

fn replay(paths: &[PathBuf]) -> UsageSummary {
    replay_with(paths, ReplayOptions::default())
}

fn all_real() -> Vec<PathBuf> {
    DIRS.iter().map(|(d, _)| real(d)).collect()
}

/// The summary without its `sources` (paths and hashes differ between layouts of the same events).
fn content(s: &UsageSummary) -> String {
    let mut s = s.clone();
    s.sources.clear();
    for e in &mut s.stats.errors {
        e.source.clear();
    }
    s.to_json_pretty()
}

#[test]
fn every_real_record_is_read_or_accounted_for() {
    let mut total = 0;
    for (dir, expected) in DIRS {
        let s = replay(&[real(dir)]);
        assert_eq!(s.stats.records + s.stats.skipped, expected, "{dir}");
        assert_eq!(s.stats.skipped, 0, "{dir}: {:?}", s.stats.errors);
        let per_source: u64 = s.sources.iter().map(|x| x.records + x.skipped).sum();
        assert_eq!(per_source, expected, "{dir}");
        assert!(s.sources.iter().all(|x| x.sha256.len() == 64));
        total += s.stats.records + s.stats.skipped;
    }
    assert_eq!(total, 2248);
    let s = replay(&all_real());
    assert_eq!(s.stats.records, 2248);
    assert_eq!(s.sources.len(), 421);
}

#[test]
fn otrf_takes_time_from_at_timestamp() {
    let s = replay(&[real("otrf-ec2-proxy-s3-exfiltration")]);
    let w = s.window.clone().unwrap();
    assert_eq!(w.start, "2020-09-14T00:44:20Z");
    assert_eq!(w.end, "2020-09-14T01:13:20Z");
    let role = s
        .principal("arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0")
        .unwrap();
    assert_eq!(role.r#type, PrincipalType::AssumedRole);
    let list = role.actions.iter().find(|a| a.action == "s3:ListBucket").unwrap();
    assert!(list.first_seen.starts_with("2020-09-14T"));
    assert!(s.principal("arn:aws:iam::123456789123:user/pedro").is_some());
    assert!(s.principal("service:ec2.amazonaws.com").is_some());
}

#[test]
fn principals_of_assumed_roles_sso_services_and_users() {
    let s = replay(&[real("invictus-aws-dataset"), real("traildiscover-log-examples")]);
    let kind = |arn: &str| s.principal(arn).map(|p| p.r#type);
    // Assumed-role sessions become their role's IAM ARN, path kept.
    assert_eq!(
        kind("arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role"),
        Some(PrincipalType::AssumedRole)
    );
    assert_eq!(
        kind("arn:aws:iam::123837392027:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"),
        Some(PrincipalType::AssumedRole)
    );
    assert_eq!(
        kind("arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_AdministratorAccess_1b74cd717d47002b"),
        Some(PrincipalType::AssumedRole)
    );
    assert!(!s
        .principals
        .iter()
        .any(|p| p.arn.contains(":assumed-role/") && p.r#type == PrincipalType::AssumedRole));
    // Service events without `type`: by `invokedBy`.
    assert_eq!(
        kind("service:secretsmanager.amazonaws.com"),
        Some(PrincipalType::AWSService)
    );
    // Users; the one without `arn` (CheckMfa) is built from accountId + userName.
    assert_eq!(
        kind("arn:aws:iam::123837392027:user/bert-jan"),
        Some(PrincipalType::IAMUser)
    );
    assert_eq!(
        kind("arn:aws:iam::111111111111:user/TrailDiscover"),
        Some(PrincipalType::IAMUser)
    );
    // `type: Unknown` keeps the ARN CloudTrail gave.
    assert_eq!(
        kind("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez"),
        Some(PrincipalType::Unknown)
    );
    let bert = s.principal("arn:aws:iam::123837392027:user/bert-jan").unwrap();
    assert!(
        bert.actions.iter().any(|a| a.denied > 0),
        "the attacker was denied some calls"
    );
    for p in &s.principals {
        for a in &p.actions {
            assert!(a.count >= a.denied && a.count > 0);
            assert!(a.first_seen <= a.last_seen);
            assert!(!a.resources.is_empty(), "{} {}", p.arn, a.action);
            assert!(!a.event_names.is_empty());
        }
    }
}

#[test]
fn every_ground_truth_row_maps_to_the_action_aws_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudtrail-real");
    let gt: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("accessdenied-ground-truth.json")).unwrap())
            .unwrap();
    let rows = gt["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 243);
    let mut misses = Vec::new();
    for row in rows {
        let file = root.join(row["file"].as_str().unwrap());
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let rec = &doc["Records"][row["record_index"].as_u64().unwrap() as usize];
        assert_eq!(rec["eventID"], row["eventID"]);
        let text = serde_json::to_vec(&serde_json::json!({ "Records": [rec] })).unwrap();
        let mut r = Replayer::new(ReplayOptions {
            threads: 1,
            ..Default::default()
        })
        .unwrap();
        r.add_reader("row".into(), Box::new(std::io::Cursor::new(text)));
        let (s, _) = r.finish().unwrap();
        let want = row["required_action"].as_str().unwrap();
        let found = s
            .principals
            .iter()
            .flat_map(|p| &p.actions)
            .find(|a| a.action.eq_ignore_ascii_case(want));
        match found {
            Some(a) => assert_eq!(a.denied, 1, "{want} should count as denied"),
            None => misses.push(format!(
                "{}:{} -> {} (got {:?})",
                row["eventSource"],
                row["eventName"],
                want,
                s.principals
                    .iter()
                    .flat_map(|p| &p.actions)
                    .map(|a| &a.action)
                    .collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        misses.is_empty(),
        "{} rows not mapped as AWS said:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn gzip_and_s3_layout_give_the_same_summary() {
    let plain = replay(&all_real());
    let tmp = tempfile::tempdir().unwrap();
    let day = tmp
        .path()
        .join("AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10");
    std::fs::create_dir_all(&day).unwrap();
    let digest = tmp
        .path()
        .join("AWSLogs/123837392027/CloudTrail-Digest/us-east-1/2023/07/10");
    std::fs::create_dir_all(&digest).unwrap();
    std::fs::write(
        digest.join("x_CloudTrail-Digest_us-east-1.json.gz"),
        b"not events",
    )
    .unwrap();
    let mut n = 0;
    for (dir, _) in DIRS {
        for entry in std::fs::read_dir(real(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let data = std::fs::read(&path).unwrap();
            let out = std::fs::File::create(day.join(format!("{n:04}_{name}.gz"))).unwrap();
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
            gz.write_all(&data).unwrap();
            gz.finish().unwrap();
            n += 1;
        }
    }
    let layout = replay(&[tmp.path().to_path_buf()]);
    assert_eq!(content(&layout), content(&plain));
    assert_eq!(layout.sources.len(), 421);
    assert!(layout.sources.iter().all(|s| s.path.ends_with(".gz")));
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let one = replay_with(
        &all_real(),
        ReplayOptions {
            threads: 1,
            ..Default::default()
        },
    );
    let two = replay_with(
        &all_real(),
        ReplayOptions {
            threads: 2,
            ..Default::default()
        },
    );
    let four = replay_with(
        &all_real(),
        ReplayOptions {
            threads: 4,
            ..Default::default()
        },
    );
    assert_eq!(one.to_json_pretty(), two.to_json_pretty());
    assert_eq!(one.to_json_pretty(), four.to_json_pretty());
    let again = replay(&all_real());
    assert_eq!(one.to_json_pretty(), again.to_json_pretty());
}

#[test]
fn shards_merge_into_the_whole() {
    let whole = replay(&all_real());
    let mut merged = UsageSummary::empty();
    for p in all_real() {
        pare_trail::usage::merge_into(&mut merged, replay(&[p]));
    }
    assert_eq!(merged.to_json_pretty(), whole.to_json_pretty());
}

#[test]
fn filters_count_as_skipped() {
    let all = replay(&[real("invictus-aws-dataset")]);
    let users = replay_with(
        &[real("invictus-aws-dataset")],
        ReplayOptions {
            principal: Some("arn:aws:iam::*:user/*".into()),
            ..Default::default()
        },
    );
    assert!(users.principals.iter().all(|p| p.arn.contains(":user/")));
    assert_eq!(users.stats.records + users.stats.skipped, 1761);
    assert!(users.stats.reasons["principal-filtered"] > 0);
    assert!(users.stats.errors.is_empty());
    let window = replay_with(
        &[real("invictus-aws-dataset")],
        ReplayOptions {
            since: Some("2023-07-10T12:00:00Z".into()),
            until: Some("2023-07-10T12:30:00Z".into()),
            ..Default::default()
        },
    );
    let w = window.window.unwrap();
    assert!(w.start.as_str() >= "2023-07-10T12:00:00Z" && w.end.as_str() < "2023-07-10T12:30:00Z");
    assert!(window.stats.records < all.stats.records);
    assert_eq!(
        window.stats.records + window.stats.reasons["outside-window"],
        1761
    );
    assert!(Replayer::new(ReplayOptions {
        since: Some("last tuesday".into()),
        ..Default::default()
    })
    .is_err());
    assert!(Replayer::new(ReplayOptions {
        principal: Some("arn:[".into()),
        ..Default::default()
    })
    .is_err());
}

fn reasons(s: &UsageSummary) -> Vec<(String, u64)> {
    s.stats.reasons.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

fn r(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn bad_inputs_are_skipped_and_counted() {
    let s = replay(&[bad("not-an-object.json")]);
    assert_eq!((s.stats.records, s.stats.skipped), (2, 3));
    assert_eq!(
        s.stats.errors.iter().map(|e| e.record).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(s.stats.errors[0]
        .message
        .contains("record is a number, not an object"));

    let s = replay(&[bad("missing-fields.json")]);
    assert_eq!((s.stats.records, s.stats.skipped), (1, 7));
    assert_eq!(
        reasons(&s),
        r(&[
            ("bad-field", 1),
            ("bad-time", 1),
            ("missing-field", 4),
            ("no-principal", 1)
        ])
    );
    let msgs: Vec<_> = s.stats.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(msgs.contains(&"`eventSource` is missing"), "{msgs:?}");
    assert!(msgs.contains(&"`eventName` is not a string"));
    assert!(msgs.contains(&"`eventTime` `yesterday` is not an RFC 3339 time"));

    for name in ["not-json.json", "garbage.bin"] {
        let s = replay(&[bad(name)]);
        assert_eq!((s.stats.records, s.stats.skipped), (0, 1), "{name}");
        assert_eq!(s.stats.errors[0].reason, "not-json");
        assert!(s.stats.errors[0].source.ends_with(name));
        assert!(s.stats.errors[0].message.starts_with("not a CloudTrail log"));
    }

    let s = replay(&[bad("truncated.json.gz")]);
    assert_eq!(reasons(&s), r(&[("bad-gzip", 1)]));
    assert!(s.stats.records < 5);
    assert!(
        s.stats.errors[0].message.contains("truncated gzip"),
        "{:?}",
        s.stats.errors
    );
    assert_eq!(s.stats.errors[0].record, s.stats.records);

    let s = replay(&[bad("truncated.json")]);
    assert_eq!((s.stats.records, s.stats.skipped), (2, 1));
    assert_eq!(reasons(&s), r(&[("truncated", 1)]));
    assert_eq!(
        s.stats.errors[0].to_string().rsplit_once('(').unwrap().1,
        format!("{}:record 2)", bad("truncated.json").display())
    );

    let s = replay(&[bad("trailing-garbage.json")]);
    assert_eq!((s.stats.records, s.stats.skipped), (2, 1));
    assert_eq!(reasons(&s), r(&[("not-json", 1)]));

    let s = replay(&[bad("broken-line.jsonl")]);
    assert_eq!((s.stats.records, s.stats.skipped), (3, 1));
    assert_eq!(s.stats.errors[0].line, Some(3));
    assert!(s.stats.errors[0].to_string().ends_with("broken-line.jsonl:3)"));

    let s = replay(&[bad("lookup-events.json")]);
    assert_eq!((s.stats.records, s.stats.skipped), (3, 0));
    let ana = s.principal("arn:aws:iam::111122223333:user/ana").unwrap();
    assert_eq!(ana.actions[0].action, "s3:GetObject");
    assert_eq!(ana.actions[0].resources, ["arn:aws:s3:::logs/a.txt"]);
}

#[test]
fn gzip_bomb_is_capped() {
    let capped = replay_with(
        &[bad("bomb.json.gz")],
        ReplayOptions {
            max_decompressed_bytes: 1 << 20,
            ..Default::default()
        },
    );
    assert_eq!((capped.stats.records, capped.stats.skipped), (1, 1));
    assert_eq!(capped.stats.errors[0].reason, "gzip-bomb");
    assert!(capped.stats.errors[0]
        .message
        .contains("exceeds the limit of 1048576 bytes"));
    let uncapped = replay(&[bad("bomb.json.gz")]);
    assert_eq!((uncapped.stats.records, uncapped.stats.skipped), (2, 0));
}

#[test]
fn strict_stops_at_the_first_error() {
    let mut r = Replayer::new(ReplayOptions {
        strict: true,
        ..Default::default()
    })
    .unwrap();
    r.add_path(bad("missing-fields.json")).unwrap();
    match r.finish() {
        Err(ReplayError::Strict(e)) => {
            assert_eq!(e.record, 0);
            assert!(e.to_string().contains("missing-fields.json:record 0)"), "{e}");
        }
        other => panic!("expected a strict error, got {:?}", other.map(|x| x.0.stats)),
    }
    // Strict with clean input is fine.
    let mut r = Replayer::new(ReplayOptions {
        strict: true,
        ..Default::default()
    })
    .unwrap();
    r.add_path(real("otrf-ec2-proxy-s3-exfiltration")).unwrap();
    assert_eq!(r.finish().unwrap().0.stats.records, 103);
}

#[test]
fn missing_path_is_an_error() {
    let mut r = Replayer::new(ReplayOptions::default()).unwrap();
    let err = r.add_path("/nonexistent/trail.json").unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cannot read `/nonexistent/trail.json`"));
}

#[test]
fn event_texts_and_reader_streams() {
    let text = std::fs::read_to_string(bad("lookup-events.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events: Vec<Result<String, String>> = doc["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Ok(e["CloudTrailEvent"].as_str().unwrap().to_string()))
        .chain([Ok("{not json".to_string()), Err("throttled".to_string())])
        .collect();
    let mut r = Replayer::new(ReplayOptions::default()).unwrap();
    r.add_event_texts("cloudtrail:lookup".into(), Box::new(events.into_iter()));
    let objects: Vec<Result<(String, Box<dyn std::io::Read + Send>), String>> = vec![
        Ok((
            "s3://b/AWSLogs/x.json.gz".into(),
            Box::new(std::fs::File::open(bad("truncated.json.gz")).unwrap()),
        )),
        Err("access denied on `s3://b/y`".into()),
    ];
    r.add_readers(Box::new(objects.into_iter()));
    let (s, _) = r.finish().unwrap();
    assert_eq!(
        s.sources.iter().map(|x| x.path.as_str()).collect::<Vec<_>>(),
        ["<source 1>", "cloudtrail:lookup", "s3://b/AWSLogs/x.json.gz"]
    );
    let lookup = &s.sources[1];
    assert_eq!((lookup.records, lookup.skipped), (3, 2));
    assert_eq!(s.stats.reasons["source-error"], 2);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn replay_bytes(data: Vec<u8>) -> UsageSummary {
        let mut r = Replayer::new(ReplayOptions {
            threads: 1,
            max_decompressed_bytes: 1 << 20,
            ..Default::default()
        })
        .unwrap();
        r.add_reader("fuzz".into(), Box::new(std::io::Cursor::new(data)));
        r.finish().unwrap().0
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn garbage_never_panics(data in prop::collection::vec(any::<u8>(), 0..2048)) {
            let s = replay_bytes(data);
            prop_assert_eq!(s.stats.records + s.stats.skipped, s.sources[0].records + s.sources[0].skipped);
        }

        #[test]
        fn mutated_logs_never_panic(cut in 0usize..6000, flips in prop::collection::vec((0usize..6000, any::<u8>()), 0..8), gz in any::<bool>()) {
            let path = real("otrf-ec2-proxy-s3-exfiltration/ec2_proxy_s3_exfiltration_2020-09-14011940.jsonl");
            let mut data = std::fs::read(path).unwrap();
            data.truncate(cut.max(1) * 17);
            for (at, b) in flips {
                if let Some(x) = data.get_mut(at * 7) { *x = b; }
            }
            if gz {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(&data).unwrap();
                data = e.finish().unwrap();
                let len = data.len();
                data.truncate(len - (cut % 7));
            }
            let s = replay_bytes(data);
            prop_assert!(s.stats.records <= 103);
        }
    }
}

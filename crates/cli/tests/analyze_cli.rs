//! `pare analyze` end to end: text and JSON output on the hand-written account of `fixtures/graph/`, the
//! `--fail-on` gate, and input errors.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `pare` from the repository root (so file names in output are relative and stable).
fn pare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pare"))
        .args(args)
        .current_dir(root())
        .env("CI", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run pare")
}

fn analyze(extra: &[&str]) -> Output {
    let mut args = vec![
        "analyze",
        "--usage",
        "fixtures/graph/usage.json",
        "--policies",
        "fixtures/graph/snapshot.json",
    ];
    args.extend_from_slice(extra);
    pare(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn text_report() {
    let o = analyze(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("analyze_text", stdout(&o));
}

/// The JSON document with its lists as `pare analyze` bounds them: the two admin roles grant every one of the
/// catalog's 22,000 actions, and only the riskiest 50 unused and the first 50 unobservable are listed; the
/// snapshot cuts them further to keep it reviewable.
#[test]
fn json_report() {
    let o = analyze(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "pare.analysis/v1");
    assert_eq!(v["limit"], 50);
    let mut cut = 0;
    for p in v["principals"].as_array_mut().unwrap() {
        let counts = p["counts"].clone();
        // Lists hold min(count, limit) entries; the per-service table and the reasons add up to the counts.
        for (list, count) in [("unused", "unused"), ("missing", "missing")] {
            let n = counts[count].as_u64().unwrap();
            let expected = if list == "missing" { n } else { n.min(50) };
            assert_eq!(
                p[list].as_array().unwrap().len() as u64,
                expected,
                "{list} of {}",
                p["arn"]
            );
            cut += usize::from(n > expected);
        }
        // Unobservable: at most 50 of each reason.
        for r in p["unobservable_reasons"].as_array().unwrap() {
            let listed = p["unobservable"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|u| u["reason"] == r["reason"])
                .count() as u64;
            assert_eq!(listed, r["count"].as_u64().unwrap().min(50));
        }
        let services = p["services"].as_array().unwrap();
        let sum = |k: &str| services.iter().map(|s| s[k].as_u64().unwrap()).sum::<u64>();
        assert_eq!(sum("unused"), counts["unused"].as_u64().unwrap());
        assert_eq!(sum("unobservable"), counts["unobservable"].as_u64().unwrap());
        assert_eq!(sum("granted"), counts["granted"].as_u64().unwrap());
        let reasons: u64 = p["unobservable_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum();
        assert_eq!(reasons, counts["unobservable"].as_u64().unwrap());
        // Riskiest first.
        let risks: Vec<u64> = p["unused"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["risk"].as_u64().unwrap())
            .collect();
        assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
        for list in ["unused", "unobservable"] {
            if let Some(items) = p[list].as_array_mut() {
                items.truncate(8);
            }
        }
        if let Some(items) = p["services"].as_array_mut() {
            if items.len() > 10 {
                items.retain(|s| s["used"].as_u64() > Some(0));
            }
        }
    }
    assert!(cut > 0, "the admin roles' lists are cut");
    insta::assert_json_snapshot!("analyze_json", v);
}

#[test]
fn full_lists_everything() {
    let o = analyze(&["--format", "json", "--full"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["limit"], serde_json::Value::Null);
    let mut long = 0;
    for p in v["principals"].as_array().unwrap() {
        for list in ["unused", "unobservable"] {
            let n = p["counts"][list].as_u64().unwrap();
            assert_eq!(p[list].as_array().unwrap().len() as u64, n);
            long += usize::from(n > 50);
        }
    }
    assert!(long > 0);
    // The bounded document is the full one with shorter lists.
    let b = analyze(&["--format", "json"]);
    let bounded: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    for (f, p) in v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .zip(bounded["principals"].as_array().unwrap())
    {
        assert_eq!(f["counts"], p["counts"]);
        assert_eq!(f["services"], p["services"]);
        let first: Vec<_> = f["unused"].as_array().unwrap().iter().take(50).collect();
        let listed: Vec<_> = p["unused"].as_array().unwrap().iter().collect();
        assert_eq!(first, listed);
    }
}

/// Permission-only actions (no AWS API call needs them) are reported as unobservable with the
/// `no-api-method` reason, in text and JSON, and do not trip `--fail-on unused`.
#[test]
fn permission_only_actions_are_unobservable() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write(
        dir.path(),
        "snapshot.json",
        r#"{"schema": "pare.policies/v1", "principals": [{
          "arn": "arn:aws:iam::111122223333:user/finance", "kind": "User", "name": "finance", "path": "/",
          "inline": [{"name": "billing", "origin": {"file": "finance.json", "json_path": "$"},
            "document": {"Version": "2012-10-17", "Statement": [
              {"Sid": "Console", "Effect": "Allow", "Resource": "*",
               "Action": ["aws-portal:ViewBilling", "execute-api:Invoke", "ssmmessages:CreateControlChannel"]},
              {"Sid": "Costs", "Effect": "Allow", "Action": "ce:GetCostAndUsage", "Resource": "*"}]}}]}]}"#,
    );
    let usage = write(
        dir.path(),
        "usage.json",
        r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
          "stats": {"records": 3, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
          "principals": [{"arn": "arn:aws:iam::111122223333:user/finance", "type": "IAMUser", "actions": [
            {"action": "ce:GetCostAndUsage", "count": 3, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
             "last_seen": "2026-11-02T00:00:00Z", "event_names": ["ce.amazonaws.com:GetCostAndUsage"],
             "resources": ["*"], "sample_event_ids": ["e1"], "regions": ["us-east-1"]}]}]}"#,
    );
    let base = [
        "analyze",
        "--usage",
        usage.as_str(),
        "--policies",
        snapshot.as_str(),
    ];
    let o = pare(&[&base[..], &["--fail-on", "unused"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("granted 4 | used 1 | unused 0 | unobservable 3 | missing 0"),
        "{text}"
    );
    assert!(
        text.contains(
            "no-api-method aws-portal:ViewBilling, execute-api:Invoke, ssmmessages:CreateControlChannel"
        ),
        "{text}"
    );
    let o = pare(&[&base[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["principals"][0];
    let reasons: Vec<(&str, &str)> = p["unobservable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["action"].as_str().unwrap(), u["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("aws-portal:ViewBilling", "no-api-method"),
            ("execute-api:Invoke", "no-api-method"),
            ("ssmmessages:CreateControlChannel", "no-api-method")
        ]
    );
    assert!(p["unobservable"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("no AWS API call in the embedded API map needs `aws-portal:ViewBilling`"));
    assert_eq!(
        p["unobservable_reasons"],
        serde_json::json!([{"reason": "no-api-method", "count": 3}])
    );
}

/// A region-conditioned grant through the CLI: the used region decides (aws:RequestedRegion from the usage).
#[test]
fn region_condition_is_judged_with_the_recorded_region() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write(
        dir.path(),
        "snapshot.json",
        r#"{"schema": "pare.policies/v1", "principals": [{
          "arn": "arn:aws:iam::111122223333:role/app", "kind": "Role", "name": "app", "path": "/",
          "inline": [{"name": "app", "origin": {"file": "app.json", "json_path": "$"},
            "document": {"Version": "2012-10-17", "Statement": [
              {"Sid": "EuOnly", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*",
               "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}}]}]}"#,
    );
    let usage_in = |region: &str| {
        write(
            dir.path(),
            &format!("usage-{region}.json"),
            &format!(
                r#"{{"schema": "pare.usage/v1", "sources": [], "window": null,
                  "stats": {{"records": 1, "skipped": 0, "unmapped": 0, "errors": []}}, "unmapped": [],
                  "principals": [{{"arn": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole", "actions": [
                    {{"action": "sqs:ListQueues", "count": 1, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
                     "last_seen": "2026-11-01T00:00:00Z", "event_names": ["sqs.amazonaws.com:ListQueues"],
                     "resources": ["*"], "sample_event_ids": ["e1"], "regions": ["{region}"]}}]}}]}}"#
            ),
        )
    };
    let eu = usage_in("eu-west-1");
    let o = pare(&[
        "analyze",
        "--usage",
        &eu,
        "--policies",
        &snapshot,
        "--fail-on",
        "missing",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("<- app#EuOnly"), "{}", stdout(&o));
    let us = usage_in("us-east-1");
    let o = pare(&[
        "analyze",
        "--usage",
        &us,
        "--policies",
        &snapshot,
        "--fail-on",
        "missing",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("missing (1)"), "{}", stdout(&o));
}

#[test]
fn json_is_deterministic() {
    let a = analyze(&["--format", "json"]);
    let b = analyze(&["--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn fail_on_gates() {
    // The fixture has unused grants and missing permissions.
    assert_eq!(analyze(&["--fail-on", "missing"]).status.code(), Some(1));
    assert_eq!(analyze(&["--fail-on", "unused"]).status.code(), Some(1));
    assert_eq!(
        analyze(&["--fail-on", "unused,missing", "--format", "json"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(analyze(&[]).status.code(), Some(0));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn fail_on_passes_when_policies_match_usage() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write(
        dir.path(),
        "snapshot.json",
        r#"{"schema": "pare.policies/v1", "principals": [{
          "arn": "arn:aws:iam::111122223333:role/lister", "kind": "Role", "name": "lister", "path": "/",
          "inline": [{"name": "list", "origin": {"file": "lister.json", "json_path": "$"},
            "document": {"Version": "2012-10-17", "Statement": [
              {"Sid": "List", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}}]}]}"#,
    );
    let usage = write(
        dir.path(),
        "usage.json",
        r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
          "stats": {"records": 4, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
          "principals": [{"arn": "arn:aws:iam::111122223333:role/lister", "type": "AssumedRole", "actions": [
            {"action": "s3:ListAllMyBuckets", "count": 4, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
             "last_seen": "2026-11-02T00:00:00Z", "event_names": ["s3.amazonaws.com:ListBuckets"],
             "resources": ["*"], "sample_event_ids": ["e1"]}]}]}"#,
    );
    let o = pare(&[
        "analyze",
        "--usage",
        &usage,
        "--policies",
        &snapshot,
        "--fail-on",
        "unused,missing",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("granted 1 | used 1 | unused 0 | unobservable 0 | missing 0"),
        "{text}"
    );
    assert!(
        text.contains("s3:ListAllMyBuckets") && text.contains("<- list#List"),
        "{text}"
    );
}

#[test]
fn input_errors_exit_2() {
    let o = pare(&[
        "analyze",
        "--usage",
        "fixtures/graph/nope.json",
        "--policies",
        "fixtures/graph/snapshot.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("error: cannot read the usage summary"), "{err}");
    assert!(err.contains("fixtures/graph/nope.json"), "{err}");

    // A snapshot given as the usage summary.
    let o = pare(&[
        "analyze",
        "--usage",
        "fixtures/graph/snapshot.json",
        "--policies",
        "fixtures/graph/snapshot.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pare.usage/v1"), "{}", stderr(&o));

    let o = analyze(&["--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown format `yaml` (expected `text` or `json`)\n"
    );

    let o = analyze(&["--fail-on", "drift"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown `--fail-on` value `drift` (expected `unused` or `missing`)\n"
    );
}

#[test]
fn unparsable_policy_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write(
        dir.path(),
        "snapshot.json",
        r#"{"schema": "pare.policies/v1", "principals": [{
          "arn": "arn:aws:iam::111122223333:user/dana", "kind": "User", "name": "dana", "path": "/",
          "inline": [{"name": "broken", "origin": {"file": "dana.json", "json_path": "$.Policy"},
            "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}}]}]}"#,
    );
    let usage = write(
        dir.path(),
        "usage.json",
        r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
          "stats": {"records": 0, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [], "principals": []}"#,
    );
    let o = pare(&[
        "analyze",
        "--usage",
        &usage,
        "--policies",
        &snapshot,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"][0]["policy"], "broken");
    assert_eq!(v["errors"][0]["file"], "dana.json");
    assert!(
        stderr(&o).starts_with("warning: policy `broken` of `arn:aws:iam::111122223333:user/dana` ignored:")
    );
}

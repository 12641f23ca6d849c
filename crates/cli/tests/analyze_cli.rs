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

/// The JSON document with the two admin roles' long lists cut to their first entries (the full document lists
/// every one of the catalog's 22,000 actions for them): the cut keeps the snapshot reviewable.
#[test]
fn json_report() {
    let o = analyze(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "pare.analysis/v1");
    for p in v["principals"].as_array_mut().unwrap() {
        let counts = p["counts"].clone();
        // Lists and counts agree.
        assert_eq!(
            p["unused"].as_array().unwrap().len() as u64,
            counts["unused"].as_u64().unwrap()
        );
        assert_eq!(
            p["unobservable"].as_array().unwrap().len() as u64,
            counts["unobservable"].as_u64().unwrap()
        );
        assert_eq!(
            p["missing"].as_array().unwrap().len() as u64,
            counts["missing"].as_u64().unwrap()
        );
        for list in ["unused", "unobservable"] {
            if let Some(items) = p[list].as_array_mut() {
                items.truncate(8);
            }
        }
    }
    insta::assert_json_snapshot!("analyze_json", v);
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

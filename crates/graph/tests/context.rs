//! The request context the usage summary knows goes to the evaluator: a call recorded in a region is judged
//! with `aws:RequestedRegion` set to it, so a region-conditioned grant allows calls in its region and refuses
//! the others; calls whose region was not recorded are allowed only if the conditions hold.

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;

const ROLE: &str = "arn:aws:iam::111122223333:role/app";

fn snapshot(statements: serde_json::Value) -> Snapshot {
    let doc = serde_json::json!({"schema": "pare.policies/v1", "principals": [{
        "arn": ROLE, "kind": "Role", "name": "app", "path": "/",
        "inline": [{"name": "app", "origin": {"file": "app.json", "json_path": "$"},
                    "document": {"Version": "2012-10-17", "Statement": statements}}]}]});
    Snapshot::from_json(&doc.to_string()).unwrap()
}

fn eu_only() -> Snapshot {
    snapshot(serde_json::json!([{"Sid": "EuOnly", "Effect": "Allow",
        "Action": ["sqs:ListQueues", "sqs:CreateQueue"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]))
}

/// One action used with the given resources and regions.
fn usage(action: &str, resources: &[&str], regions: &[&str]) -> UsageSummary {
    let doc = serde_json::json!({"schema": "pare.usage/v1", "sources": [], "window": null,
        "stats": {"records": 2, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
        "principals": [{"arn": ROLE, "type": "AssumedRole", "actions": [
            {"action": action, "count": 2, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
             "last_seen": "2026-11-01T00:00:00Z", "event_names": [], "resources": resources,
             "sample_event_ids": ["e1"], "regions": regions}]}]});
    UsageSummary::from_json(&doc.to_string()).unwrap()
}

#[test]
fn region_condition_allows_calls_in_its_region() {
    let s = eu_only();
    let u = usage("sqs:ListQueues", &["*"], &["eu-west-1"]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(ROLE).unwrap();
    assert!(a.missing.is_empty(), "{:?}", a.missing);
    assert_eq!(a.used.len(), 1);
    // Allowed outright, not "if conditions hold": the region is known.
    assert_eq!(a.used[0].decision, "allowed");
    assert_eq!(a.used[0].regions, vec!["eu-west-1"]);
    assert_eq!(a.used[0].allowed_by[0].sid.as_deref(), Some("EuOnly"));
}

#[test]
fn region_condition_refuses_calls_in_another_region() {
    let s = eu_only();
    let u = usage("sqs:ListQueues", &["*"], &["us-east-1"]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(ROLE).unwrap();
    assert!(a.used.is_empty(), "{:?}", a.used);
    assert_eq!(a.missing.len(), 1);
    let m = &a.missing[0];
    assert_eq!(m.action, "sqs:ListQueues");
    assert_eq!(m.decision, "implicit-deny");
    assert_eq!(m.regions, vec!["us-east-1"]);
    assert_eq!(a.counts.missing, 1);
}

#[test]
fn calls_in_two_regions_split_between_used_and_missing() {
    let s = eu_only();
    let u = usage(
        "sqs:CreateQueue",
        &[
            "arn:aws:sqs:eu-west-1:111122223333:jobs",
            "arn:aws:sqs:us-east-1:111122223333:jobs",
        ],
        &["eu-west-1", "us-east-1"],
    );
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(ROLE).unwrap();
    // Each queue ARN is judged in its own region.
    assert_eq!(a.used.len(), 1);
    assert_eq!(
        a.used[0].resources,
        vec!["arn:aws:sqs:eu-west-1:111122223333:jobs"]
    );
    assert_eq!(a.used[0].regions, vec!["eu-west-1"]);
    assert_eq!(a.missing.len(), 1);
    assert_eq!(
        a.missing[0].resources,
        vec!["arn:aws:sqs:us-east-1:111122223333:jobs"]
    );
    assert_eq!(a.missing[0].regions, vec!["us-east-1"]);
    assert!(
        a.missing[0].why.contains("`us-east-1`") && a.missing[0].why.contains("allowed in `eu-west-1`"),
        "{}",
        a.missing[0].why
    );
}

#[test]
fn unknown_region_is_allowed_if_conditions_hold() {
    // A summary without regions (written before they were recorded): the condition cannot be checked.
    let s = eu_only();
    let u = usage("sqs:ListQueues", &["*"], &[]);
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal(ROLE).unwrap();
    assert!(a.missing.is_empty());
    assert_eq!(a.used[0].decision, "allowed-if-conditions");
    assert!(a.used[0].regions.is_empty());
}

#[test]
fn unknown_keys_stay_optimistic_next_to_a_known_region() {
    // MFA is not in the usage: with the region right, the grant holds if MFA holds; with the region wrong it
    // cannot hold whatever MFA says.
    let s = snapshot(
        serde_json::json!([{"Sid": "EuWithMfa", "Effect": "Allow", "Action": "sqs:ListQueues",
        "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                                       "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
    );
    let eu = usage("sqs:ListQueues", &["*"], &["eu-west-1"]);
    let g = PermissionGraph::build(&s, &eu);
    let a = g.analyze_principal(ROLE).unwrap();
    assert_eq!(a.used[0].decision, "allowed-if-conditions");
    let us = usage("sqs:ListQueues", &["*"], &["us-east-1"]);
    let g = PermissionGraph::build(&s, &us);
    let a = g.analyze_principal(ROLE).unwrap();
    assert!(a.used.is_empty());
    assert_eq!(a.missing[0].regions, vec!["us-east-1"]);
}

#[test]
fn region_deny_applies_only_in_its_regions() {
    // The AWS User Guide's "deny access to AWS based on the requested Region" pattern.
    let s = snapshot(serde_json::json!([
        {"Sid": "All", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
        {"Sid": "DenyOutsideEu", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]));
    let g_eu_usage = usage("sqs:ListQueues", &["*"], &["eu-central-1"]);
    let g = PermissionGraph::build(&s, &g_eu_usage);
    let a = g.analyze_principal(ROLE).unwrap();
    assert_eq!(a.used[0].decision, "allowed");
    let us = usage("sqs:ListQueues", &["*"], &["us-east-1"]);
    let g = PermissionGraph::build(&s, &us);
    let a = g.analyze_principal(ROLE).unwrap();
    assert!(a.used.is_empty());
    assert_eq!(a.missing[0].decision, "explicit-deny");
    assert_eq!(a.missing[0].denied_by[0].sid.as_deref(), Some("DenyOutsideEu"));
}

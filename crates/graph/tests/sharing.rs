//! Principals whose policies have the same contents share one computation of what the policies grant; the
//! sharing must never mix up principals that the evaluator tells apart: statements are reported on each
//! principal's own policy, and the account, the kind and principal-dependent conditions keep sets apart.

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;
use serde_json::{json, Value};

fn inline(owner: &str, statements: Value) -> Value {
    json!([{"name": "app", "origin": {"file": format!("{owner}.json"), "json_path": "$"},
            "document": {"Version": "2012-10-17", "Statement": statements}}])
}

fn empty_usage() -> UsageSummary {
    UsageSummary::from_json(
        r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
            "stats": {"records": 0, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [], "principals": []}"#,
    )
    .unwrap()
}

#[test]
fn same_inline_document_shared_but_reported_on_each_own_policy() {
    let st = json!([{"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*",
                     "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"}]);
    let s = Snapshot::from_json(
        &json!({"schema": "pare.policies/v1", "principals": [
            {"arn": "arn:aws:iam::111122223333:role/a", "kind": "Role", "name": "a", "path": "/", "inline": inline("a", st.clone())},
            {"arn": "arn:aws:iam::111122223333:role/b", "kind": "Role", "name": "b", "path": "/", "inline": inline("b", st.clone())},
            // Same document, another account: the queue is cross-account for it, so nothing is granted.
            {"arn": "arn:aws:iam::444455556666:role/c", "kind": "Role", "name": "c", "path": "/", "inline": inline("c", st)}
        ]})
        .to_string(),
    )
    .unwrap();
    let u = empty_usage();
    let g = PermissionGraph::build(&s, &u);
    let a = g.analyze_principal("arn:aws:iam::111122223333:role/a").unwrap();
    let b = g.analyze_principal("arn:aws:iam::111122223333:role/b").unwrap();
    let c = g.analyze_principal("arn:aws:iam::444455556666:role/c").unwrap();
    assert!(a.counts.granted > 10);
    assert_eq!(a.counts, b.counts);
    assert_eq!(a.unused[0].granted_by[0].file, "a.json");
    assert_eq!(b.unused[0].granted_by[0].file, "b.json");
    assert_eq!(b.statements[0].statement.file, "b.json");
    assert_eq!(c.counts.granted, 0, "{:?}", c.counts);
}

#[test]
fn principal_conditions_keep_sets_apart() {
    // The same managed policy, whose grant depends on who asks.
    let managed = json!([{"name": "ci-only", "arn": "arn:aws:iam::111122223333:policy/ci-only",
        "origin": {"file": "ci.json", "json_path": "$"},
        "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
            "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*"}}}]}}]);
    let s = Snapshot::from_json(
        &json!({"schema": "pare.policies/v1", "principals": [
            {"arn": "arn:aws:iam::111122223333:role/ci-build", "kind": "Role", "name": "ci-build", "path": "/", "attached": managed.clone()},
            {"arn": "arn:aws:iam::111122223333:role/web", "kind": "Role", "name": "web", "path": "/", "attached": managed}
        ]})
        .to_string(),
    )
    .unwrap();
    let u = empty_usage();
    let g = PermissionGraph::build(&s, &u);
    let ci = g
        .analyze_principal("arn:aws:iam::111122223333:role/ci-build")
        .unwrap();
    let web = g.analyze_principal("arn:aws:iam::111122223333:role/web").unwrap();
    assert_eq!(ci.counts.granted, 1);
    assert_eq!(web.counts.granted, 0);
}

//! Escalation paths on crafted accounts: one method per case, and the cases where a deny, a boundary or a
//! trust policy closes the path.

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;
use serde_json::{json, Value};

const A: &str = "arn:aws:iam::444455556666";

fn principal(kind: &str, name: &str, statements: Value) -> Value {
    let arn = format!("{A}:{}/{name}", kind.to_ascii_lowercase());
    json!({"arn": arn, "kind": kind, "name": name, "path": "/",
           "inline": [{"name": name, "origin": {"file": "crafted.json", "json_path": "$"},
                       "document": {"Version": "2012-10-17", "Statement": statements}}]})
}

fn with_trust(mut p: Value, statements: Value) -> Value {
    p["trust"] = json!({"name": "trust", "origin": {"file": "crafted.json", "json_path": "$"},
                        "document": {"Version": "2012-10-17", "Statement": statements}});
    p
}

fn admin(kind: &str, name: &str) -> Value {
    principal(
        kind,
        name,
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    )
}

fn service_trust(service: &str) -> Value {
    json!([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])
}

/// The escalation paths of `who` as (from, to, method) names.
fn paths(principals: Vec<Value>, who: &str) -> Vec<Vec<(String, String, String)>> {
    let snapshot =
        Snapshot::from_json(&json!({"schema": "pare.policies/v1", "principals": principals}).to_string())
            .unwrap();
    let usage = UsageSummary::empty();
    let g = PermissionGraph::build(&snapshot, &usage);
    assert!(g.errors().is_empty(), "{:?}", g.errors());
    let short = |s: &str| s.rsplit(':').next().unwrap_or(s).to_string();
    g.escalation_paths(&format!("{A}:{who}"))
        .into_iter()
        .map(|p| {
            p.steps
                .into_iter()
                .map(|s| (short(&s.from), short(&s.to), s.method))
                .collect()
        })
        .collect()
}

fn step(from: &str, to: &str, method: &str) -> (String, String, String) {
    (from.to_string(), to.to_string(), method.to_string())
}

#[test]
fn attach_policy_to_itself() {
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": format!("{A}:user/dev")}]),
    );
    assert_eq!(
        paths(vec![user], "user/dev"),
        [vec![step("user/dev", "*", "attach-user-policy")]]
    );
    // On another user only: no path (and that user is not admin).
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": format!("{A}:user/other")}]),
    );
    assert!(paths(vec![user], "user/dev").is_empty());
}

#[test]
fn join_an_admin_group() {
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": format!("{A}:group/admins")}]),
    );
    let group = admin("Group", "admins");
    assert_eq!(
        paths(vec![user, group], "user/dev"),
        [vec![step("user/dev", "group/admins", "add-user-to-group")]]
    );
}

#[test]
fn rewrite_a_trust_policy_then_assume() {
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], "Resource": format!("{A}:role/*")}]),
    );
    let role = with_trust(admin("Role", "admin"), service_trust("ec2.amazonaws.com"));
    assert_eq!(
        paths(vec![user, role], "user/dev"),
        [vec![step("user/dev", "role/admin", "update-assume-role-policy")]]
    );
}

#[test]
fn mint_keys_for_an_admin_user() {
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}]),
    );
    let boss = admin("User", "boss");
    assert_eq!(
        paths(vec![user, boss], "user/dev"),
        [vec![step("user/dev", "user/boss", "create-access-key")]]
    );
}

#[test]
fn pass_role_to_a_glue_endpoint() {
    let role = principal(
        "Role",
        "etl",
        json!([{"Effect": "Allow", "Action": ["iam:PassRole", "glue:CreateDevEndpoint"], "Resource": "*"}]),
    );
    let glue_admin = with_trust(admin("Role", "glue-admin"), service_trust("glue.amazonaws.com"));
    let lambda_admin = with_trust(
        admin("Role", "lambda-admin"),
        service_trust("lambda.amazonaws.com"),
    );
    // Only the role Glue can assume is reachable.
    assert_eq!(
        paths(vec![role, glue_admin, lambda_admin], "role/etl"),
        [vec![step(
            "role/etl",
            "role/glue-admin",
            "glue-create-dev-endpoint"
        )]]
    );
}

#[test]
fn explicit_deny_on_pass_role_closes_the_path() {
    let role = principal(
        "Role",
        "build",
        json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": format!("{A}:role/lambda-admin")}
        ]),
    );
    let lambda_admin = with_trust(
        admin("Role", "lambda-admin"),
        service_trust("lambda.amazonaws.com"),
    );
    assert!(paths(vec![role, lambda_admin], "role/build").is_empty());
}

#[test]
fn boundary_closes_create_policy_version() {
    let mut user = principal(
        "User",
        "ci",
        json!([{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"}]),
    );
    user["attached"] = json!([{"name": "ci", "arn": format!("{A}:policy/ci"), "origin": {"file": "crafted.json", "json_path": "$"},
        "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}}]);
    assert_eq!(
        paths(vec![user.clone()], "user/ci"),
        [vec![step("user/ci", "*", "create-policy-version")]]
    );
    user["boundary"] = json!({"name": "b", "arn": format!("{A}:policy/b"), "origin": {"file": "crafted.json", "json_path": "$"},
        "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}});
    assert!(paths(vec![user], "user/ci").is_empty());
}

#[test]
fn chain_through_an_account_trusting_role() {
    // The user may assume any role; `ops` trusts the whole account and may rewrite its own inline policy.
    let user = principal(
        "User",
        "dev",
        json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
    );
    let ops = with_trust(
        principal(
            "Role",
            "ops",
            json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": format!("{A}:role/ops")}]),
        ),
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("{A}:root")}, "Action": "sts:AssumeRole"}]),
    );
    // `locked` trusts nobody in the account: identity policies alone do not let the user in.
    let locked = with_trust(admin("Role", "locked"), service_trust("ec2.amazonaws.com"));
    assert_eq!(
        paths(vec![user, ops, locked], "user/dev"),
        [vec![
            step("user/dev", "role/ops", "assume-role"),
            step("role/ops", "*", "put-role-policy")
        ]]
    );
}

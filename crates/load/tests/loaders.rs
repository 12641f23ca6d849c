//! Loads every fixture under `fixtures/policies` (one case per file or directory) and snapshots the
//! resulting `pare.policies/v1` JSON.

#![allow(clippy::panic, clippy::unwrap_used)]
use pare_load::snapshot::{Snapshot, SourceKind};
use pare_load::{load_auth_details_value, load_sources, LoadOptions};
use std::path::Path;

const ROOT: &str = "../../fixtures/policies";

fn load(path: &str) -> Snapshot {
    load_sources(&[format!("{ROOT}/{path}")], &LoadOptions::default()).unwrap()
}

fn check(name: &str, path: &str) -> Snapshot {
    let s = load(path);
    insta::assert_snapshot!(name, s.to_json_pretty());
    // Deterministic: loading again gives the same bytes, and the JSON reads back to the same snapshot.
    assert_eq!(load(path).to_json_pretty(), s.to_json_pretty());
    assert_eq!(Snapshot::from_json(&s.to_json_pretty()).unwrap(), s);
    s
}

#[test]
fn auth_details() {
    let s = check("auth_details", "auth-details/account.json");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let alice = "arn:aws:iam::111122223333:user/alice";
    let names: Vec<&str> = s
        .identity_policies(alice)
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["alice-logs", "ReadOnlyBuckets", "developers-sqs", "ReportsApp"]
    );
    let role = s
        .principal("arn:aws:iam::111122223333:role/service/reports-app")
        .unwrap();
    assert_eq!(role.path, "/service/");
    assert!(role.trust.is_some());
    assert_eq!(role.boundary.as_ref().unwrap().name, "DeveloperBoundary");
    // moto leaves PolicyName out: the name comes from the ARN.
    assert_eq!(role.attached[0].name, "ReportsApp");
    let deployer = s.principal("arn:aws:iam::111122223333:user/ci/deployer").unwrap();
    assert_eq!(deployer.unresolved, ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    assert_eq!(s.policies.len(), 1, "the unattached customer managed policy");
}

#[test]
fn url_encoded_auth_details_load_the_same_policies() {
    let a = load("auth-details/account.json");
    let b = load("auth-details/account-url-encoded.json");
    assert!(b.errors.is_empty(), "{:?}", b.errors);
    assert!(a.same_policies(&b));
}

#[test]
fn live_value_loads_like_the_cli_file() {
    let text = std::fs::read_to_string(format!("{ROOT}/auth-details/account.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let live = load_auth_details_value(&value, "iam:live").unwrap();
    let file = load("auth-details/account.json");
    assert!(live.same_policies(&file));
    assert_eq!(live.principals, file.principals);
    assert_eq!(live.sources[0].kind, SourceKind::Live);
    assert!(live.principals[0].inline.iter().all(|d| d.origin.is_live()));
    assert!(load_auth_details_value(&serde_json::json!({"Statement": []}), "x").is_err());
}

#[test]
fn invalid_inline_policy_is_skipped_and_located() {
    let s = check("auth_details_invalid", "auth-details/invalid-inline.json");
    assert_eq!(s.errors.len(), 1);
    let e = &s.errors[0];
    assert_eq!(
        e.json_path.as_deref(),
        Some("$.RoleDetailList[1].RolePolicyList[0].PolicyDocument.Statement[1].Effect")
    );
    assert!(e.line.is_some() && e.column.is_some());
    let broken = s.principal("arn:aws:iam::111122223333:role/broken").unwrap();
    assert_eq!(
        broken.inline.len(),
        1,
        "the valid policy after the broken one loads"
    );
    assert!(
        s.principal("arn:aws:iam::111122223333:role/zeta").is_some(),
        "entries after it load"
    );
    assert_eq!(s.sources[0].skipped, 1);
    let strict = LoadOptions {
        strict: true,
        ..LoadOptions::default()
    };
    let err = load_sources(&[format!("{ROOT}/auth-details/invalid-inline.json")], &strict).unwrap_err();
    assert!(err.to_string().contains("`Effect` must be"), "{err}");
}

#[test]
fn policy_directory() {
    let s = check("policy_directory", "files/dir");
    assert_eq!(
        s.policies.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["app.json", "nested/worker.json"]
    );
    assert_eq!(s.resource_policies[0].name, "nested/bucket-policy.json");
    assert_eq!(s.errors.len(), 2);
    let broken = s.errors.iter().find(|e| e.file.ends_with("broken.json")).unwrap();
    assert_eq!((broken.line, broken.column), (Some(6), Some(34)));
    assert_eq!(broken.json_path.as_deref(), Some("$.Statement[0].Action[1]"));
    let truncated = s
        .errors
        .iter()
        .find(|e| e.file.ends_with("truncated.json"))
        .unwrap();
    assert!(truncated.message.starts_with("invalid JSON"));
    assert_eq!(s.sources.len(), 5, "README.md is not read");
}

#[test]
fn single_policy_file_is_named_after_the_file() {
    let s = load("files/dir/nested/worker.json");
    assert_eq!(s.policies[0].name, "worker.json");
    assert_eq!(s.policies[0].origin.json_path, "$");
}

#[test]
fn cloudformation_yaml() {
    let s = check("cloudformation_yaml", "cloudformation/reports-stack.yaml");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"${Ref:DataBucketName}"));
    assert!(names.contains(&"${Ref:AWS::AccountId}"));
    assert!(names.contains(&"${GetAtt:RenderFunction.Arn}"));
}

#[test]
fn cloudformation_yaml_with_params() {
    let mut options = LoadOptions::default();
    for (k, v) in [
        ("AWS::AccountId", "111122223333"),
        ("AWS::Partition", "aws"),
        ("AWS::Region", "eu-west-1"),
        ("DataBucketName", "audit"),
    ] {
        options.params.insert(k.into(), v.into());
    }
    let s = load_sources(&[format!("{ROOT}/cloudformation/reports-stack.yaml")], &options).unwrap();
    let role = s
        .principal("arn:aws:iam::111122223333:role/service/reports-app-prod")
        .unwrap();
    let data = serde_json::to_string(&role.inline[0].document).unwrap();
    assert!(data.contains("arn:aws:s3:::audit/reports/*"), "{data}");
    assert!(
        data.contains("cloudwatch:PutMetricData"),
        "IsProd holds for the default Environment"
    );
    assert_eq!(role.boundary.as_ref().unwrap().name, "reports-boundary");
    assert_eq!(
        role.unresolved,
        ["arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"]
    );
    assert!(
        s.policies.iter().any(|p| p.name == "audit-only"),
        "HasAudit holds: the policy exists, unattached"
    );
    assert!(s.placeholders.iter().all(|p| !p.name.contains("AWS::AccountId")));
}

#[test]
fn cloudformation_json() {
    let s = check("cloudformation_json", "cloudformation/batch-stack.json");
    assert_eq!(s.errors.len(), 1, "the policy without Action");
    assert!(
        s.principals.iter().any(|p| p.name == "ci-bot"),
        "a user named but not defined in the template"
    );
}

#[test]
fn fixture_files_exist() {
    assert!(Path::new(ROOT).is_dir());
}

#[test]
fn terraform_plan() {
    let s = check("terraform_plan", "terraform/reports-plan.json");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let role = s
        .principal("arn:aws:iam::111122223333:role/service/reports-app")
        .unwrap();
    let inline: Vec<&str> = role.inline.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(inline, ["inline-logs", "reports-data"]);
    let data = serde_json::to_string(&role.inline[1].document).unwrap();
    assert!(data.contains("${terraform:aws_s3_bucket.data.arn}"), "{data}");
    assert_eq!(role.attached[0].name, "reports-queues");
    assert_eq!(
        role.unresolved,
        [
            "arn:aws:iam::111122223333:policy/boundaries/DeveloperBoundary",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
    assert!(role.trust.is_some());
    let alice = "arn:aws:iam::111122223333:user/alice";
    let names: Vec<&str> = s
        .identity_policies(alice)
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["audit", "reports-queues"]);
    assert!(
        s.principal("arn:aws:iam::111122223333:user/ci/ci-deployer")
            .is_some(),
        "child module, count"
    );
    assert!(
        s.principal("arn:aws:iam::111122223333:role/reports-batch")
            .is_some(),
        "attached outside the plan"
    );
    assert!(
        s.policies.iter().any(|p| p.name == "describe-instances"),
        "unattached"
    );
    assert!(
        !serde_json::to_string(&s).unwrap().contains("legacy-admin"),
        "planned for deletion"
    );
    assert!(s
        .placeholders
        .iter()
        .any(|p| p.reason.contains("aws_s3_bucket_policy.data")));
}

#[test]
fn terraform_plan_without_account() {
    let s = load_sources(
        &["../../fixtures/scenarios/reports-app/terraform/plan.json"],
        &LoadOptions::default(),
    )
    .unwrap();
    assert!(s
        .principal("arn:aws:iam::${terraform:account_id}:role/reports-app")
        .is_some());
    assert!(s.placeholders.iter().any(|p| p.name == "${terraform:account_id}"));
    let mut options = LoadOptions::default();
    options
        .params
        .insert("AWS::AccountId".into(), "111122223333".into());
    let s = load_sources(
        &["../../fixtures/scenarios/reports-app/terraform/plan.json"],
        &options,
    )
    .unwrap();
    let role = s.principal("arn:aws:iam::111122223333:role/reports-app").unwrap();
    assert_eq!(role.inline[0].name, "reports-app-data");
}

#[test]
fn invalid_policy_in_a_yaml_template_is_located() {
    let s = load("cloudformation/invalid-policy.yaml");
    assert_eq!(s.errors.len(), 1);
    let e = &s.errors[0];
    assert_eq!(
        e.json_path.as_deref(),
        Some("$.Resources.AppRole.Properties.Policies[1].PolicyDocument.Statement[1].Effect")
    );
    assert_eq!((e.line, e.column), (Some(29), Some(17)));
    let role = s.principals.iter().find(|p| p.name == "app").unwrap();
    assert_eq!(role.inline.len(), 1);
    assert_eq!(role.inline[0].name, "good");
}

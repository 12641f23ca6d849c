//! Loading a large GetAccountAuthorizationDetails document: `cargo bench -p pare-load`.
//!
//! Builds an account of 2,000 roles and 1,000 users (each with two inline policies, two attached managed
//! policies out of 200, a boundary, a trust policy), then times loading it into a normalized snapshot and
//! writing the snapshot JSON. Prints the median of several runs.

use pare_load::load_auth_details_value;
use serde_json::{json, Value};
use std::time::Instant;

fn doc(i: usize) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [format!("arn:aws:s3:::bucket-{i}"), format!("arn:aws:s3:::bucket-{i}/*")]},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": format!("arn:aws:sqs:eu-west-1:111122223333:q-{i}"),
         "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]})
}

fn account(roles: usize, users: usize, managed: usize) -> Value {
    let arn = |k: usize| format!("arn:aws:iam::111122223333:policy/p-{k}");
    let policies: Vec<Value> = (0..managed)
        .map(|k| {
            json!({"PolicyName": format!("p-{k}"), "Arn": arn(k), "Path": "/", "DefaultVersionId": "v1",
            "PolicyVersionList": [{"Document": doc(k), "VersionId": "v1", "IsDefaultVersion": true}]})
        })
        .collect();
    let entity = |kind: &str, list: &str, i: usize| {
        json!({"Path": "/", format!("{kind}Name"): format!("{}-{i}", kind.to_lowercase()),
            "Arn": format!("arn:aws:iam::111122223333:{}/{}-{i}", kind.to_lowercase(), kind.to_lowercase()),
            list: [{"PolicyName": "a", "PolicyDocument": doc(i)}, {"PolicyName": "b", "PolicyDocument": doc(i + 1)}],
            "AttachedManagedPolicies": [{"PolicyArn": arn(i % managed)}, {"PolicyArn": arn((i * 7) % managed)}],
            "PermissionsBoundary": {"PermissionsBoundaryArn": arn(0)},
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "GroupList": []})
    };
    json!({
        "RoleDetailList": (0..roles).map(|i| entity("Role", "RolePolicyList", i)).collect::<Vec<_>>(),
        "UserDetailList": (0..users).map(|i| entity("User", "UserPolicyList", i)).collect::<Vec<_>>(),
        "GroupDetailList": [],
        "Policies": policies,
    })
}

fn main() {
    let value = account(2_000, 1_000, 200);
    let bytes = serde_json::to_vec(&value).unwrap_or_default().len();
    let mut times = Vec::new();
    let mut documents = 0;
    for _ in 0..7 {
        let start = Instant::now();
        let Ok(snapshot) = load_auth_details_value(&value, "bench.json") else {
            eprintln!("error: the generated account did not load");
            return;
        };
        let out = snapshot.to_json_pretty();
        times.push(start.elapsed());
        documents = snapshot.sources.first().map_or(0, |s| s.documents);
        std::hint::black_box(out);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "load_auth_details_value + to_json_pretty: 3,000 principals, {documents} documents ({:.1} MB of JSON): median {:.1} ms over {} runs",
        bytes as f64 / 1e6,
        median.as_secs_f64() * 1e3,
        times.len()
    );
}

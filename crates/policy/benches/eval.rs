//! Throughput of parsing and evaluation (`cargo bench -p pare-policy`). A plain timing harness: each
//! measurement runs long enough to be stable and prints nanoseconds per operation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pare_policy::{decide, evaluate, parse, EvalInput, PolicyRef, Request};
use std::hint::black_box;
use std::time::{Duration, Instant};

const IDENTITY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": ["arn:aws:s3:::data-*", "arn:aws:s3:::data-*/*"]},
    {"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"},
    {"Sid": "Queues", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
     "Resource": "arn:aws:sqs:*:111122223333:app-*"},
    {"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                   "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}},
    {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::data-secret/*"},
    {"Sid": "Mfa", "Effect": "Deny", "NotAction": ["iam:*MFA*", "sts:GetSessionToken"], "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}"#;
const BOUNDARY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","sqs:*","ec2:*"],"Resource":"*"}}"#;
const SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1","us-east-1"]}}}]}"#;

fn measure(name: &str, mut f: impl FnMut() -> usize) {
    // Warm up, then run batches until at least one second has passed.
    for _ in 0..3 {
        black_box(f());
    }
    let start = Instant::now();
    let mut ops = 0usize;
    while start.elapsed() < Duration::from_secs(1) {
        ops += black_box(f());
    }
    let ns = start.elapsed().as_nanos() as f64 / ops as f64;
    println!("{name:<48} {ns:>10.1} ns/op  ({:.2} M ops/s)", 1000.0 / ns);
}

fn main() {
    let identity = parse(IDENTITY).unwrap();
    let boundary = parse(BOUNDARY).unwrap();
    let scp = parse(SCP).unwrap();
    let input = EvalInput {
        identity: vec![PolicyRef::new("identity", &identity)],
        boundary: Some(PolicyRef::new("boundary", &boundary)),
        scps: vec![
            vec![PolicyRef::new("root", &scp)],
            vec![PolicyRef::new("ou", &scp)],
        ],
        resource_policy: None,
    };
    let requests: Vec<Request> = [
        ("s3:GetObject", "arn:aws:s3:::data-lake/2024/01/part-0001.parquet"),
        ("s3:PutObject", "arn:aws:s3:::home/alice/notes.txt"),
        ("s3:GetObject", "arn:aws:s3:::data-secret/key"),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:app-events"),
        (
            "ec2:RunInstances",
            "arn:aws:ec2:eu-west-1:111122223333:instance/*",
        ),
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/x"),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/t",
        ),
        (
            "ec2:RunInstances",
            "arn:aws:ec2:ap-south-1:111122223333:instance/*",
        ),
    ]
    .iter()
    .map(|(a, r)| {
        Request::new(*a, *r)
            .principal("arn:aws:iam::111122223333:user/alice")
            .with("aws:username", "alice")
            .with(
                "aws:RequestedRegion",
                if r.contains("ap-south-1") {
                    "ap-south-1"
                } else {
                    "eu-west-1"
                },
            )
            .with("aws:SourceIp", "10.1.2.3")
            .with("aws:MultiFactorAuthPresent", "true")
    })
    .collect();

    measure("parse (6-statement identity policy)", || {
        black_box(parse(black_box(IDENTITY)).unwrap());
        1
    });
    measure("decide (identity + boundary + 2 SCP levels)", || {
        for r in &requests {
            black_box(decide(&input, r));
        }
        requests.len()
    });
    measure("evaluate with matched statements (same input)", || {
        for r in &requests {
            black_box(evaluate(&input, r));
        }
        requests.len()
    });
    let only_identity = EvalInput::identity(vec![PolicyRef::new("identity", &identity)]);
    measure("decide (identity policy only)", || {
        for r in &requests {
            black_box(decide(&only_identity, r));
        }
        requests.len()
    });
    measure("Policy::allows (one document)", || {
        for r in &requests {
            black_box(identity.allows(r));
        }
        requests.len()
    });
}

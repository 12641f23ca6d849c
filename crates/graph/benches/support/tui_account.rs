//! The account of the TUI benchmark (`crates/tui/examples/first_frame.rs`), also analysed by the graph benchmark
//! (`PARE_BENCH_TUI=2000`): roles with one broad inline policy each, 20 used actions with 1–8 resources each.
//! Deterministic. Included by both with `#[path]`.

use pare_load::snapshot::{Origin, PolicyDocument, Principal, PrincipalKind, Snapshot};
use pare_trail::usage::{ActionUsage, PrincipalType, PrincipalUsage, UsageSummary, Window};

const ACTIONS: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::data-{p}/obj/{r}.json"),
    ("s3:PutObject", "arn:aws:s3:::data-{p}/out/{r}.json"),
    ("s3:ListBucket", "arn:aws:s3:::data-{p}"),
    ("s3:DeleteObject", "arn:aws:s3:::data-{p}/tmp/{r}"),
    (
        "dynamodb:GetItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    (
        "dynamodb:PutItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    (
        "dynamodb:Query",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}/index/i{r}",
    ),
    (
        "dynamodb:UpdateItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}"),
    (
        "sqs:ReceiveMessage",
        "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}",
    ),
    ("sqs:DeleteMessage", "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}"),
    ("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}"),
    ("kms:Encrypt", "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}"),
    (
        "kms:GenerateDataKey",
        "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}",
    ),
    (
        "lambda:InvokeFunction",
        "arn:aws:lambda:eu-west-1:111122223333:function:f{p}-{r}",
    ),
    (
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:111122223333:log-group:g{p}:log-stream:s{r}",
    ),
    (
        "logs:CreateLogStream",
        "arn:aws:logs:eu-west-1:111122223333:log-group:g{p}:log-stream:s{r}",
    ),
    ("ec2:DescribeInstances", "*"),
    ("ec2:DescribeVpcs", "*"),
    ("iam:GetRole", "arn:aws:iam::111122223333:role/r{r}"),
];

/// A usage summary of about `events` events: `principals` roles, 20 actions each with 1–8 resources.
pub fn usage(principals: usize, events: u64) -> UsageSummary {
    let actions_per = ACTIONS.len();
    let per_action = (events / (principals as u64 * actions_per as u64)).max(1);
    let mut out = UsageSummary::empty();
    out.window = Some(Window {
        start: "2026-11-01T00:00:00Z".to_string(),
        end: "2026-11-30T00:00:00Z".to_string(),
    });
    out.stats.records = per_action * principals as u64 * actions_per as u64;
    for p in 0..principals {
        let mut actions = Vec::new();
        for a in 0..actions_per {
            let (action, template) = ACTIONS[(a + p) % ACTIONS.len()];
            let n = 1 + (p + a) % 8;
            let resources: Vec<String> = (0..n)
                .map(|r| {
                    template
                        .replace("{p}", &p.to_string())
                        .replace("{r}", &r.to_string())
                })
                .collect();
            actions.push(ActionUsage {
                action: action.to_string(),
                count: per_action,
                denied: 0,
                first_seen: "2026-11-01T00:00:00Z".to_string(),
                last_seen: format!("2026-11-{:02}T12:00:00Z", 1 + (p + a) % 28),
                event_names: vec![format!("{}:{}", action.split(':').next().unwrap_or(""), "Call")],
                resources,
                sample_event_ids: (0..3).map(|k| format!("{p:06}-{a:03}-{k}")).collect(),
                regions: vec!["eu-west-1".to_string()],
            });
        }
        out.principals.push(PrincipalUsage {
            arn: format!("arn:aws:iam::111122223333:role/app-{p:05}"),
            r#type: PrincipalType::AssumedRole,
            actions,
        });
    }
    out.normalize();
    out
}

/// A snapshot declaring every role of [`usage`] with its own copy of one broad inline policy.
pub fn snapshot(principals: usize) -> Snapshot {
    let mut s = Snapshot::default();
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "sqs:*", "kms:Decrypt", "kms:Encrypt",
            "kms:GenerateDataKey", "lambda:InvokeFunction", "logs:*", "ec2:Describe*", "iam:Get*"],
         "Resource": "*"}]});
    for p in 0..principals {
        let name = format!("app-{p:05}");
        let mut pr = Principal::new(
            PrincipalKind::Role,
            format!("arn:aws:iam::111122223333:role/{name}"),
            name,
            "/".to_string(),
        );
        pr.inline.push(PolicyDocument {
            name: "app".to_string(),
            arn: None,
            origin: Origin::file("bench.json", format!("$.roles[{p}]")),
            document: doc.clone(),
        });
        s.principals.push(pr);
    }
    s
}

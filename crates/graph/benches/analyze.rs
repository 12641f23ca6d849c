//! `cargo bench -p pare-graph`: builds the graph and runs the whole analysis on a generated account of
//! thousands of principals, and prints the time of each phase. The account is shaped like real ones: most
//! roles share a few managed policies (service roles from a handful of templates), some principals carry
//! their own inline policies, a few are admins, users are spread over groups, and about half the principals
//! appear in the usage with a few actions each.

#![allow(missing_docs, clippy::unwrap_used)]

#[path = "support/tui_account.rs"]
mod tui_account;

use pare_graph::{AnalyzeOptions, PermissionGraph};
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;
use serde_json::{json, Value};
use std::time::Instant;

const A: &str = "arn:aws:iam::111122223333";

fn doc(name: &str, arn: Option<String>, statements: Value) -> Value {
    let mut d = json!({"name": name, "origin": {"file": "bench.json", "json_path": "$"},
                       "document": {"Version": "2012-10-17", "Statement": statements}});
    if let Some(a) = arn {
        d["arn"] = json!(a);
    }
    d
}

const SERVICES: [&str; 10] = [
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "lambda",
    "logs",
    "kms",
    "ec2",
    "ecr",
    "secretsmanager",
];
const ACTIONS: [&str; 10] = [
    "s3:GetObject",
    "dynamodb:Query",
    "sqs:ReceiveMessage",
    "sns:ListTopics",
    "lambda:GetFunction",
    "logs:PutLogEvents",
    "kms:Decrypt",
    "ec2:DescribeInstances",
    "ecr:GetAuthorizationToken",
    "secretsmanager:GetSecretValue",
];

fn account(n: usize) -> (Snapshot, UsageSummary) {
    let templates: Vec<Value> = (0..20)
        .map(|t| {
            let s1 = SERVICES[t % 10];
            let s2 = SERVICES[(t + 3) % 10];
            doc(
                &format!("template-{t}"),
                Some(format!("{A}:policy/template-{t}")),
                json!([
                    {"Sid": "Main", "Effect": "Allow", "Action": [format!("{s1}:Get*"), format!("{s1}:List*"), format!("{s1}:Describe*")], "Resource": "*"},
                    {"Sid": "Write", "Effect": "Allow", "Action": format!("{s2}:*"), "Resource": format!("arn:aws:{s2}:eu-west-1:111122223333:app-{t}-*")},
                    {"Sid": "Guard", "Effect": "Deny", "Action": format!("{s2}:Delete*"), "Resource": "*"}
                ]),
            )
        })
        .collect();
    let admin = doc(
        "AdministratorAccess",
        Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    );
    let mut principals = Vec::new();
    for g in 0..10 {
        principals.push(json!({"arn": format!("{A}:group/team-{g}"), "kind": "Group", "name": format!("team-{g}"), "path": "/",
            "attached": [templates[g * 2].clone()]}));
    }
    for i in 0..n {
        let (kind, name) = if i % 3 == 0 {
            ("User", format!("user-{i}"))
        } else {
            ("Role", format!("role-{i}"))
        };
        let arn = format!("{A}:{}/{name}", kind.to_ascii_lowercase());
        let mut p = json!({"arn": arn, "kind": kind, "name": name, "path": "/", "attached": [templates[i % 20].clone()]});
        if i % 50 == 0 {
            p["attached"] = json!([admin.clone()]);
        }
        if i % 4 == 0 {
            let s = SERVICES[i % 10];
            p["inline"] = json!([doc(
                "own",
                None,
                json!([{"Effect": "Allow", "Action": [format!("{s}:Put*"), "iam:PassRole"], "Resource": format!("arn:aws:{s}:eu-west-1:111122223333:{name}-*")}])
            )]);
        }
        if kind == "User" {
            p["groups"] = json!([format!("{A}:group/team-{}", i % 10)]);
        } else {
            let service = [
                "lambda.amazonaws.com",
                "ec2.amazonaws.com",
                "ecs-tasks.amazonaws.com",
            ][i % 3];
            p["trust"] = doc(
                "trust",
                None,
                json!([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]),
            );
        }
        principals.push(p);
    }
    let snapshot =
        Snapshot::from_json(&json!({"schema": "pare.policies/v1", "principals": principals}).to_string())
            .unwrap();
    let mut up = Vec::new();
    for i in (0..n).step_by(2) {
        let (kind, name, t) = if i % 3 == 0 {
            ("user", format!("user-{i}"), "IAMUser")
        } else {
            ("role", format!("role-{i}"), "AssumedRole")
        };
        let actions: Vec<Value> = (0..4)
            .map(|k| ACTIONS[(i + k * 3) % 10])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|a| json!({"action": a, "count": 10 + i as u64, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
                            "last_seen": "2026-11-02T00:00:00Z", "event_names": [], "resources": ["*"], "sample_event_ids": []}))
            .collect();
        up.push(json!({"arn": format!("{A}:{kind}/{name}"), "type": t, "actions": actions}));
    }
    up.sort_by(|a, b| a["arn"].as_str().cmp(&b["arn"].as_str()));
    let usage = UsageSummary::from_json(
        &json!({"schema": "pare.usage/v1", "sources": [], "window": null, "stats": {"records": 0, "skipped": 0, "unmapped": 0, "errors": []},
                "principals": up, "unmapped": []})
        .to_string(),
    )
    .unwrap();
    (snapshot, usage)
}

fn main() {
    // `cargo test --benches` runs this binary too: keep that quick.
    // `PARE_BENCH_SIZES=500,5000` picks the sizes.
    let chosen: Vec<usize> = std::env::var("PARE_BENCH_SIZES")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let sizes: Vec<usize> = if !chosen.is_empty() {
        chosen
    } else if std::env::args().any(|a| a == "--bench") {
        vec![500, 2000, 5000]
    } else {
        vec![50]
    };
    let _ = pare_catalog::catalog().action_count();
    // `PARE_BENCH_TUI=2000`: the TUI benchmark's account instead.
    if let Some(n) = std::env::var("PARE_BENCH_TUI")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let (snapshot, usage) = (tui_account::snapshot(n), tui_account::usage(n, n as u64 * 500));
        let t0 = Instant::now();
        let graph = PermissionGraph::build(&snapshot, &usage);
        let t1 = Instant::now();
        let analysis = graph.analyze();
        let t2 = Instant::now();
        let graph = PermissionGraph::build(&snapshot, &usage);
        let t3 = Instant::now();
        let _ = graph.analyze_principal(&format!("{A}:role/app-00000"));
        let t4 = Instant::now();
        println!(
            "tui account, {n} roles: build {:.1} ms, analyze (complete lists) {:.1} ms ({} principals), analyze_principal on a fresh graph {:.1} ms",
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            analysis.principals.len(),
            (t4 - t3).as_secs_f64() * 1e3,
        );
        return;
    }
    for n in sizes {
        let (snapshot, usage) = account(n);
        let t0 = Instant::now();
        let graph = PermissionGraph::build(&snapshot, &usage);
        let t1 = Instant::now();
        let analysis = graph.analyze_with(AnalyzeOptions { limit: Some(50) }, &|_, _| {});
        let t2 = Instant::now();
        let json = analysis.to_json_pretty();
        let t3 = Instant::now();
        println!(
            "analyze {n:>5} principals ({} nodes, {} edges): build {:>8.1} ms, analyze {:>8.1} ms, json {:>7.1} ms ({:.1} MB), {} with escalation paths",
            graph.graph().node_count(),
            graph.graph().edge_count(),
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            (t3 - t2).as_secs_f64() * 1e3,
            json.len() as f64 / 1e6,
            analysis.summary.with_escalation,
        );
        drop(json);
        // Complete lists (what `pare report` and `pare tui` get), on a fresh graph.
        let graph = PermissionGraph::build(&snapshot, &usage);
        let t4 = Instant::now();
        let full = graph.analyze();
        let t5 = Instant::now();
        let unused: usize = full.principals.iter().map(|p| p.unused.len()).sum();
        // One principal on a fresh graph (the TUI's first request), then a second one sharing its policies.
        let graph = PermissionGraph::build(&snapshot, &usage);
        let t6 = Instant::now();
        let _ = graph.analyze_principal(&format!("{A}:role/role-1"));
        let t7 = Instant::now();
        let _ = graph.analyze_principal(&format!("{A}:role/role-21"));
        let t8 = Instant::now();
        println!(
            "        complete lists: analyze {:>8.1} ms ({unused} unused entries); analyze_principal: first {:.1} ms, same policies {:.2} ms",
            (t5 - t4).as_secs_f64() * 1e3,
            (t7 - t6).as_secs_f64() * 1e3,
            (t8 - t7).as_secs_f64() * 1e3,
        );
    }
}

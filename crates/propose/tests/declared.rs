//! Proposals against declared policies (never broader), size compression, and the output formats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use pare_catalog::catalog;
use pare_load::snapshot::{Origin, PolicyDocument, Principal, PrincipalKind, Snapshot};
use pare_policy::{decide, Decision, EvalInput, Policy, PolicyRef, Request};
use pare_propose::{propose, render, Options, Proposal, Strictness};
use pare_trail::usage::UsageSummary;
use serde_json::json;

const APP: &str = "arn:aws:iam::111122223333:role/reports-app";

/// Every (action of the catalog expansion, resource pattern) of the proposal is allowed by `declared`, the
/// pattern read as an ARN.
fn assert_within(p: &Proposal, declared: &[Policy]) -> usize {
    let input = EvalInput::identity(declared.iter().map(|d| PolicyRef::new("declared", d)).collect());
    let mut checks = 0;
    for st in &p.policy.statement {
        for entry in &st.action {
            for action in catalog().expand(entry) {
                for r in &st.resource {
                    let mut req = Request::new(action.full_name, r.as_str())
                        .with("aws:PrincipalArn", p.principal.as_str());
                    req = req.with("aws:RequestedRegion", "eu-west-1");
                    if action.full_name == "iam:PassRole" {
                        for svc in ["ec2.amazonaws.com", "lambda.amazonaws.com"] {
                            let req = req.clone().with("iam:PassedToService", svc);
                            assert_eq!(
                                decide(&input, &req),
                                Decision::Allow,
                                "{} {} on {r}",
                                p.principal,
                                action.full_name
                            );
                        }
                    } else {
                        assert_eq!(
                            decide(&input, &req),
                            Decision::Allow,
                            "{} {} on {r}",
                            p.principal,
                            action.full_name
                        );
                    }
                    checks += 1;
                }
            }
        }
    }
    checks
}

#[test]
fn scenario_proposals_stay_within_the_terraform_policies_and_say_how_much_narrower() {
    let usage = common::scenario_usage();
    let snapshot = common::scenario_snapshot();
    for st in Strictness::ALL {
        let out = propose(
            &usage,
            Some(&snapshot),
            &Options {
                strictness: st,
                ..Options::default()
            },
        );
        assert_eq!(out.proposals.len(), 2);
        for p in &out.proposals {
            let name = render::principal_name(&p.principal);
            let declared_principal = snapshot.principals.iter().find(|d| d.name == name).unwrap();
            let declared: Vec<Policy> = snapshot
                .identity_policies(&declared_principal.arn)
                .iter()
                .map(|d| Policy::from_value(&d.document).unwrap())
                .collect();
            assert!(assert_within(p, &declared) > 5);
            let c = p.compared_to_declared.as_ref().unwrap();
            assert!(c.actions_removed > 300, "{c:?}");
            assert_eq!(c.actions_removed, c.declared_actions - c.proposed_actions);
            assert!(c.resources_narrowed > 0);
            assert!(c.not_declared.is_empty());
        }
    }
}

fn snapshot_with(arn: &str, document: serde_json::Value) -> Snapshot {
    let mut s = Snapshot::default();
    let mut p = Principal::new(
        PrincipalKind::Role,
        arn.to_string(),
        "reports-app".to_string(),
        "/".to_string(),
    );
    p.inline.push(PolicyDocument {
        name: "narrow".to_string(),
        arn: None,
        origin: Origin::file("narrow.json", "$"),
        document,
    });
    s.principals.push(p);
    s
}

#[test]
fn a_narrower_declared_policy_narrows_the_proposal() {
    let usage = common::scenario_usage();
    let document = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-input/incoming/2026-11-01/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::reports-output/reports/*"},
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}
    ]});
    let snapshot = snapshot_with(APP, document.clone());
    let declared = vec![Policy::from_value(&document).unwrap()];
    for st in Strictness::ALL {
        let opts = Options {
            strictness: st,
            principal: Some(APP.to_string()),
            ..Options::default()
        };
        let out = propose(&usage, Some(&snapshot), &opts);
        let p = &out.proposals[0];
        assert_within(p, &declared);
        let resources: Vec<&str> = p
            .policy
            .statement
            .iter()
            .filter(|s| s.action.contains(&"s3:GetObject".to_string()))
            .flat_map(|s| s.resource.iter().map(String::as_str))
            .collect();
        assert_eq!(
            resources,
            ["arn:aws:s3:::reports-input/incoming/2026-11-01/*.csv"],
            "{st}"
        );
        let put: Vec<&str> = p
            .policy
            .statement
            .iter()
            .filter(|s| s.action.contains(&"s3:PutObject".to_string()))
            .flat_map(|s| s.resource.iter().map(String::as_str))
            .collect();
        assert_eq!(put, ["arn:aws:s3:::reports-output/reports/2026/11/*/*.json"]);
        let not_declared: Vec<(&str, &str)> = p
            .excluded
            .iter()
            .map(|e| (e.action.as_str(), e.reason.as_str()))
            .collect();
        assert!(
            not_declared.contains(&("kms:Decrypt", "not-declared")),
            "{not_declared:?}"
        );
        assert!(not_declared.contains(&("s3:DeleteObject", "denied")));
        assert!(
            p.warnings.iter().any(|w| w.contains("`s3:GetObject`")),
            "{:?}",
            p.warnings
        );
    }
}

#[test]
fn a_pattern_broader_than_the_declared_grant_falls_back_to_the_observed_arns() {
    // Declared: PutObject on the first two days only. The day wildcard would reach the third, so the
    // proposal keeps the observed ARNs of the two days and leaves out the third's.
    let usage = common::scenario_usage();
    let document = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": [
            "arn:aws:s3:::reports-output/reports/2026/11/01/*", "arn:aws:s3:::reports-output/reports/2026/11/02/*"]}
    ]});
    let snapshot = snapshot_with(APP, document.clone());
    let out = propose(
        &usage,
        Some(&snapshot),
        &Options {
            strictness: Strictness::Exact,
            principal: Some(APP.to_string()),
            ..Options::default()
        },
    );
    let p = &out.proposals[0];
    assert_within(p, &[Policy::from_value(&document).unwrap()]);
    let st = &p.policy.statement[0];
    assert_eq!(st.action, ["s3:PutObject"]);
    assert!(st
        .resource
        .iter()
        .all(|r| r.starts_with("arn:aws:s3:::reports-output/reports/2026/11/0")));
    assert!(st.resource.iter().all(|r| !r.contains('*')));
    let j = &p.justification[0];
    assert!(
        j.resources[0]
            .why
            .contains("would reach beyond the declared policies"),
        "{}",
        j.resources[0].why
    );
}

/// Forty S3 actions, each on its own two buckets: far over 6,144 characters as separate statements.
fn big_usage() -> UsageSummary {
    let names: Vec<&str> = catalog()
        .expand("s3:*")
        .iter()
        .filter(|a| a.resource_types.iter().any(|r| r.name == "bucket"))
        .map(|a| a.full_name)
        .take(40)
        .collect();
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    ];
    let actions: Vec<serde_json::Value> = names
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let resources: Vec<String> = (0..2)
                .map(|k| {
                    format!(
                        "arn:aws:s3:::{}-{}{}-logs",
                        words[k],
                        words[i % 10],
                        words[i / 10]
                    )
                })
                .collect();
            json!({"action": a, "count": 3, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
                   "last_seen": "2026-11-01T00:00:00Z", "event_names": [], "resources": resources,
                   "sample_event_ids": [format!("ev-{i}")], "regions": ["eu-west-1", "us-east-1"]})
        })
        .collect();
    let doc = json!({"schema": "pare.usage/v1", "sources": [], "window": null,
        "stats": {"records": 120, "skipped": 0, "unmapped": 0, "errors": []},
        "principals": [{"arn": "arn:aws:iam::111122223333:user/ci", "type": "IAMUser", "actions": actions}],
        "unmapped": []});
    UsageSummary::from_json(&doc.to_string()).unwrap()
}

#[test]
fn an_oversized_proposal_is_compressed_and_every_admission_is_reported() {
    let usage = big_usage();
    let out = propose(
        &usage,
        None,
        &Options {
            strictness: Strictness::Exact,
            ..Options::default()
        },
    );
    let p = &out.proposals[0];
    assert!(p.size.fits, "{:?} {:?}", p.size, p.warnings);
    assert!(p.size.characters <= 6_144);
    assert_eq!(p.size.characters, pare_propose::policy_characters(&p.policy));
    let merges: Vec<_> = p.wildcards.iter().filter(|w| w.kind == "merge").collect();
    assert!(
        !merges.is_empty(),
        "{:?} {} {:?}",
        p.size,
        p.policy.statement.len(),
        p.policy.statement.first()
    );
    // A merge names what it admits: an action of one statement on a resource of the other.
    for m in &merges {
        for g in &m.extra_grants {
            let (action, resource) = g.split_once(" on ").unwrap();
            let before = usage.principals[0]
                .actions
                .iter()
                .find(|a| a.action == action)
                .unwrap();
            assert!(
                !before.resources.iter().any(|r| r == resource),
                "{g} was observed"
            );
        }
    }
    // Still sound: every observed call is allowed.
    let policy = common::parsed(p);
    for a in &usage.principals[0].actions {
        for r in &a.resources {
            assert!(
                common::allows(&policy, &p.principal, &a.action, r, a),
                "{} on {r}",
                a.action
            );
        }
    }
    // And no action beyond the observed ones.
    for st in &p.policy.statement {
        for entry in &st.action {
            for e in catalog().expand(entry) {
                assert!(
                    usage.principals[0]
                        .actions
                        .iter()
                        .any(|a| a.action == e.full_name),
                    "{}",
                    e.full_name
                );
            }
        }
    }
    // The inline limit of a user (2,048) is out of reach even merged: reported, lossless result kept.
    let inline = propose(
        &usage,
        None,
        &Options {
            inline: true,
            ..Options::default()
        },
    );
    let p = &inline.proposals[0];
    assert_eq!(
        (p.size.limit, p.size.kind.as_str(), p.size.fits),
        (2_048, "user-inline", false)
    );
    assert!(p
        .wildcards
        .iter()
        .all(|w| w.kind == "action" && w.extra_actions.is_empty()));
    assert!(p.warnings.iter().any(|w| w.contains("split it")));
}

#[test]
fn cloudformation_yaml_parses_back_to_the_json_policies() {
    let usage = common::scenario_usage();
    let snapshot = common::scenario_snapshot();
    for st in Strictness::ALL {
        let out = propose(
            &usage,
            Some(&snapshot),
            &Options {
                strictness: st,
                ..Options::default()
            },
        );
        let yaml: serde_json::Value = serde_yaml::from_str(&render::cloudformation(&out)).unwrap();
        for p in &out.proposals {
            let id = if p.principal.ends_with("reports-app") {
                "ReportsAppLeastPrivilege"
            } else {
                "ReportsBatchLeastPrivilege"
            };
            let props = &yaml["Resources"][id]["Properties"];
            assert_eq!(
                props["PolicyDocument"],
                serde_json::to_value(&p.policy).unwrap(),
                "{st}"
            );
            assert_eq!(props["Roles"][0], render::principal_name(&p.principal));
            assert_eq!(yaml["Resources"][id]["Type"], "AWS::IAM::ManagedPolicy");
        }
    }
}

#[test]
fn terraform_lists_every_statement_with_its_justification() {
    let usage = common::scenario_usage();
    let out = propose(
        &usage,
        None,
        &Options {
            strictness: Strictness::Exact,
            ..Options::default()
        },
    );
    for p in &out.proposals {
        let tf = render::terraform(p, "exact");
        assert_eq!(tf.matches("  statement {").count(), p.policy.statement.len());
        for st in &p.policy.statement {
            let sid = format!("= \"{}\"", st.sid);
            assert!(
                tf.lines()
                    .any(|l| l.trim_start().starts_with("sid ") && l.ends_with(&sid)),
                "{sid}"
            );
            for r in &st.resource {
                assert!(tf.contains(&format!("\"{r}\"")), "{r}");
            }
        }
        assert!(tf.contains("variable = \"aws:RequestedRegion\""));
        assert!(tf.contains("# observed: "));
        assert_eq!(tf.matches('{').count(), tf.matches('}').count());
    }
}

#[test]
fn run_instances_gets_the_resource_types_it_requires_beyond_the_recorded_subnet() {
    let usage = common::scenario_usage();
    let out = propose(
        &usage,
        None,
        &Options {
            strictness: Strictness::Exact,
            ..Options::default()
        },
    );
    let batch = out
        .proposals
        .iter()
        .find(|p| p.principal.ends_with("role/reports-batch"))
        .unwrap();
    let st = batch
        .policy
        .statement
        .iter()
        .find(|s| s.action == ["ec2:RunInstances"])
        .unwrap();
    assert_eq!(
        st.resource,
        [
            "arn:aws:ec2:eu-west-1:111122223333:instance/*",
            "arn:aws:ec2:eu-west-1:111122223333:network-interface/*",
            "arn:aws:ec2:eu-west-1:111122223333:security-group/*",
            "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0c1d2e3f4a5b6c7d8",
            "arn:aws:ec2:eu-west-1::image/*",
        ]
    );
    let j = batch.justification.iter().find(|j| j.sid == st.sid).unwrap();
    let instance = j
        .resources
        .iter()
        .find(|r| r.pattern.ends_with(":instance/*"))
        .unwrap();
    assert!(instance.from.is_empty());
    assert!(
        instance
            .why
            .contains("also authorizes on the `instance` resource type"),
        "{}",
        instance.why
    );
}

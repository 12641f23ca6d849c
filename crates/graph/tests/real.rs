//! The real CloudTrail logs of `fixtures/cloudtrail-real/` replayed with `pare_trail`, then analysed against
//! `fixtures/graph/real-snapshot.json` (policies written for some of the principals in those logs: the Invictus
//! attack simulation's admin and auditor users and Stratus Red Team roles, and the OTRF CloudGoat user and
//! EC2 role). The other principals of the logs are not declared.

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::report::Analysis;
use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_trail::replay::{ReplayOptions, Replayer};
use pare_trail::usage::UsageSummary;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn replay() -> UsageSummary {
    let mut r = Replayer::new(ReplayOptions::default()).unwrap();
    r.add_path(root().join("cloudtrail-real")).unwrap();
    r.finish().unwrap().0
}

fn run() -> (UsageSummary, Analysis) {
    let usage = replay();
    let snapshot = Snapshot::read(root().join("graph/real-snapshot.json")).unwrap();
    let analysis = PermissionGraph::build(&snapshot, &usage).analyze();
    (usage, analysis)
}

#[test]
fn every_principal_is_analysed_and_denied_calls_are_missing() {
    let (usage, a) = run();
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    // Every principal of the logs is there; the snapshot's group is not listed.
    for p in &usage.principals {
        assert!(a.principals.iter().any(|x| x.arn == p.arn), "{}", p.arn);
    }
    assert_eq!(a.summary.declared, 8);
    assert_eq!(a.summary.not_declared, usage.principals.len() - 8);
    for p in a.principals.iter().filter(|p| p.declared && p.observed) {
        let u = usage.principal(&p.arn).unwrap();
        // Every action that had calls refused with AccessDenied is reported missing.
        for act in u.actions.iter().filter(|a| a.denied > 0) {
            assert!(
                p.missing
                    .iter()
                    .any(|m| m.action == act.action && m.denied == act.denied),
                "{} {}",
                p.arn,
                act.action
            );
        }
        // Every used action is either allowed (with its statements) or missing.
        for act in &u.actions {
            let used = p.used.iter().find(|x| x.action == act.action);
            assert!(
                used.is_some() || p.missing.iter().any(|m| m.action == act.action),
                "{} {}",
                p.arn,
                act.action
            );
            if let Some(used) = used {
                assert!(!used.allowed_by.is_empty(), "{} {}", p.arn, act.action);
            }
        }
        assert!(p.counts.used <= p.counts.granted);
    }
}

#[test]
fn findings_on_the_real_logs() {
    let (_, a) = run();
    let get = |arn: &str| a.principals.iter().find(|p| p.arn == arn).unwrap();

    let bert = get("arn:aws:iam::123837392027:user/bert-jan");
    assert!(bert.admin_equivalent);
    assert!(bert.used.len() > 150);
    // The attacker's handful of refused calls were refused by something other than his (admin) policies.
    assert!(bert.missing.iter().all(|m| m.decision == "allowed"));

    let pw = get("arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role");
    assert_eq!(pw.missing.len(), 1);
    assert_eq!(
        (
            pw.missing[0].action.as_str(),
            pw.missing[0].decision,
            pw.missing[0].denied
        ),
        ("ec2:GetPasswordData", "implicit-deny", 5)
    );
    assert_eq!(pw.counts.unused, 1, "ec2:DescribeInstances was never called");

    // The auditor can mint access keys for any user, bert-jan (an admin) included.
    let ben = get("arn:aws:iam::123837392027:user/benjamin");
    let path = &ben.escalation[0];
    assert_eq!(path.reaches, "arn:aws:iam::123837392027:user/bert-jan");
    assert_eq!(path.steps[0].method, "create-access-key");
    assert_eq!(
        path.steps[0].actions[0].allowed_by[0].sid.as_deref(),
        Some("RotateKeys")
    );
    // What the auditor policy does not cover shows up as missing although the calls succeeded.
    assert!(ben
        .missing
        .iter()
        .any(|m| m.action == "s3:GetStorageLensConfiguration" && m.denied == 0));

    // Pedro may launch instances with any role: the WAF role is not admin, so no escalation path.
    let pedro = get("arn:aws:iam::123456789123:user/pedro");
    assert!(pedro.missing.is_empty());
    assert!(pedro.escalation.is_empty());
    let waf = get("arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0");
    assert_eq!(waf.counts.used, 3);
    assert!(waf.missing.is_empty());
}

#[test]
fn real_run_is_deterministic() {
    let (_, a) = run();
    let (_, b) = run();
    assert_eq!(a.to_json_pretty(), b.to_json_pretty());
}

//! Shared helpers of the integration tests: replaying fixture logs and loading the scenario's policies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_load::snapshot::Snapshot;
use pare_trail::replay::{ReplayOptions, Replayer};
use pare_trail::usage::UsageSummary;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Replays a file or directory with the trail crate's replayer.
pub fn replay(path: &Path) -> UsageSummary {
    let mut r = Replayer::new(ReplayOptions {
        threads: 1,
        ..ReplayOptions::default()
    })
    .unwrap();
    r.add_path(path).unwrap();
    r.finish().unwrap().0
}

/// The worked scenario's usage.
pub fn scenario_usage() -> UsageSummary {
    replay(&root().join("fixtures/scenarios/reports-app/cloudtrail"))
}

/// The worked scenario's declared policies (its Terraform plan).
pub fn scenario_snapshot() -> Snapshot {
    let plan = root().join("fixtures/scenarios/reports-app/terraform/plan.json");
    pare_load::load_sources(
        &[plan.to_string_lossy().into_owned()],
        &pare_load::LoadOptions::default(),
    )
    .unwrap()
}

use pare_policy::{decide, Decision, EvalInput, Policy, PolicyRef, Request};
use pare_propose::Proposal;
use pare_trail::usage::ActionUsage;

/// The proposal's policy parsed by the evaluator's parser.
pub fn parsed(p: &Proposal) -> Policy {
    Policy::from_value(&serde_json::to_value(&p.policy).unwrap()).unwrap()
}

/// Whether `policy` allows `action` on `resource` in every context of the action's calls.
pub fn allows(policy: &Policy, principal: &str, action: &str, resource: &str, usage: &ActionUsage) -> bool {
    let input = EvalInput::identity(vec![PolicyRef::new("proposal", policy)]);
    pare_propose::request_contexts(usage).iter().all(|ctx| {
        // The identity side (the proposal) alone: no principal on the request, so a resource whose account
        // differs from the caller's (anonymised logs) is still judged by the proposal only.
        let mut req = Request::new(action, resource).with("aws:PrincipalArn", principal);
        for (k, v) in ctx {
            req = req.with(k, v.as_str());
        }
        decide(&input, &req) == Decision::Allow
    })
}

/// The real log sets: each directory of fixtures/cloudtrail-real.
pub fn real_log_sets() -> Vec<PathBuf> {
    let dir = root().join("fixtures/cloudtrail-real");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "LICENSES"))
        .collect();
    out.sort();
    out
}

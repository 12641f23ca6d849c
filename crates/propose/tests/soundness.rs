//! Soundness and tightness of proposals on every real log set and on the worked scenario.
//!
//! Soundness: every successful call (each action with successful calls, each resource it touched, in each
//! request context the calls carried) is allowed by the proposed policy of its principal, checked with
//! `pare_policy`'s evaluator, at every strictness. Tightness: the catalog expansion of every `Action` entry
//! of a proposal is made of observed actions only.

#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use pare_catalog::catalog;
use pare_propose::{propose, Options, Strictness};
use pare_trail::usage::{PrincipalType, UsageSummary};
use std::collections::BTreeSet;

/// Checks every successful call of `usage` against the proposals; returns the number of checks.
fn check_sound(name: &str, usage: &UsageSummary, strictness: Strictness) -> usize {
    let out = propose(
        usage,
        None,
        &Options {
            strictness,
            ..Options::default()
        },
    );
    let mut checks = 0;
    let mut failures = Vec::new();
    for principal in &usage.principals {
        let Some(p) = out.proposals.iter().find(|p| p.principal == principal.arn) else {
            assert!(
                !matches!(
                    principal.r#type,
                    PrincipalType::IAMUser | PrincipalType::AssumedRole
                ) || !principal.arn.starts_with("arn:"),
                "{name}: no proposal for {}",
                principal.arn
            );
            assert!(out.skipped.iter().any(|s| s.principal == principal.arn));
            continue;
        };
        let policy = common::parsed(p);
        for a in principal.actions.iter().filter(|a| a.count > a.denied) {
            let resources: Vec<&str> = if a.resources.is_empty() {
                vec!["*"]
            } else {
                a.resources.iter().map(String::as_str).collect()
            };
            for r in resources {
                checks += 1;
                if !common::allows(&policy, &p.principal, &a.action, r, a) {
                    failures.push(format!("{} {} on {r}", p.principal, a.action));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{name} at {strictness}: {} calls not allowed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checks
}

fn check_tight(name: &str, usage: &UsageSummary, strictness: Strictness) -> usize {
    let out = propose(
        usage,
        None,
        &Options {
            strictness,
            ..Options::default()
        },
    );
    let mut checked = 0;
    for p in &out.proposals {
        let principal = usage.principal(&p.principal).unwrap();
        let observed: BTreeSet<String> = principal
            .actions
            .iter()
            .filter(|a| a.count > a.denied)
            .map(|a| a.action.to_ascii_lowercase())
            .collect();
        for st in &p.policy.statement {
            for entry in &st.action {
                let expansion = catalog().expand(entry);
                let granted: Vec<String> = if expansion.is_empty() {
                    vec![entry.to_ascii_lowercase()]
                } else {
                    expansion
                        .iter()
                        .map(|a| a.full_name.to_ascii_lowercase())
                        .collect()
                };
                for g in granted {
                    checked += 1;
                    assert!(
                        observed.contains(&g),
                        "{name}: {} grants unobserved {g} (from `{entry}`)",
                        p.principal
                    );
                }
            }
        }
    }
    checked
}

#[test]
fn every_successful_call_in_the_real_logs_is_allowed_at_every_strictness() {
    let mut total = 0;
    for dir in common::real_log_sets() {
        let usage = common::replay(&dir);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for st in Strictness::ALL {
            let n = check_sound(&name, &usage, st);
            assert!(n > 0, "{name}: nothing checked");
            total += n;
        }
    }
    // Three log sets, three strictness levels: thousands of (call, resource) checks.
    assert!(total > 1_000, "only {total} checks");
}

#[test]
fn every_successful_call_in_the_scenario_is_allowed_at_every_strictness() {
    let usage = common::scenario_usage();
    for st in Strictness::ALL {
        assert!(check_sound("scenario", &usage, st) > 50);
    }
}

#[test]
fn exact_and_balanced_proposals_grant_only_observed_actions() {
    let mut sets: Vec<(String, UsageSummary)> = common::real_log_sets()
        .into_iter()
        .map(|d| {
            (
                d.file_name().unwrap().to_string_lossy().into_owned(),
                common::replay(&d),
            )
        })
        .collect();
    sets.push(("scenario".to_string(), common::scenario_usage()));
    for (name, usage) in &sets {
        for st in [Strictness::Exact, Strictness::Balanced] {
            assert!(check_tight(name, usage, st) > 0, "{name}: nothing checked");
        }
    }
}

#[test]
fn proposals_are_deterministic() {
    let usage = common::scenario_usage();
    let snapshot = common::scenario_snapshot();
    for st in Strictness::ALL {
        let opts = Options {
            strictness: st,
            ..Options::default()
        };
        let a = pare_propose::render::to_json(&propose(&usage, Some(&snapshot), &opts));
        let b = pare_propose::render::to_json(&propose(&usage, Some(&snapshot), &opts));
        assert_eq!(a, b);
    }
}

//! The decision corpus: every `fixtures/eval/*.json` case is one request through the evaluator, built from the
//! examples of the IAM User Guide (each case names its page and section in `doc`).
//!
//! Case shape: `{"description", "doc", "policies": {"identity": [..], "boundary": .., "scps": [[..]],
//! "resource_policy": ..}, "request": {"action", "resource", "principal", "context": {key: string | [string]}},
//! "expected": "Allow" | "ExplicitDeny" | "ImplicitDeny", "matched_sids": [..] (optional)}`.
//! Every policy is also printed and parsed back, which must give the same policy and the same decision.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_policy::{evaluate, ContextValue, Decision, EvalInput, Policy, PolicyRef, Request};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/eval")
}

fn policy(v: &Value, file: &str) -> Policy {
    let p = Policy::from_value(v).unwrap_or_else(|e| panic!("{file}: policy does not parse: {e}"));
    let again = pare_policy::parse(&p.to_string())
        .unwrap_or_else(|e| panic!("{file}: printed policy does not parse: {e}"));
    assert_eq!(p, again, "{file}: print then parse changed the policy");
    p
}

fn request(v: &Value) -> Request {
    let mut r = Request::new(
        v["action"].as_str().expect("action"),
        v["resource"].as_str().expect("resource"),
    );
    if let Some(p) = v.get("principal").and_then(Value::as_str) {
        r = r.principal(p);
    }
    if let Some(ctx) = v.get("context").and_then(Value::as_object) {
        for (k, val) in ctx {
            let cv = match val {
                Value::Array(items) => ContextValue::Multi(
                    items
                        .iter()
                        .map(|i| i.as_str().expect("string").to_string())
                        .collect(),
                ),
                Value::String(s) => ContextValue::Single(s.clone()),
                other => panic!("context value must be a string or array: {other}"),
            };
            // Keys keep the case the case file uses: lookups are case-insensitive.
            r.context.insert(k.clone(), cv);
        }
    }
    r
}

struct Case {
    file: String,
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    scps: Vec<Vec<Policy>>,
    resource_policy: Option<Policy>,
    request: Request,
    expected: Decision,
    matched_sids: Option<Vec<String>>,
}

fn load(path: &Path) -> Case {
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for key in ["description", "doc", "policies", "request", "expected"] {
        assert!(v.get(key).is_some(), "{file}: missing `{key}`");
    }
    let p = &v["policies"];
    Case {
        identity: p["identity"]
            .as_array()
            .map(|a| a.iter().map(|x| policy(x, &file)).collect())
            .unwrap_or_default(),
        boundary: p
            .get("boundary")
            .filter(|b| !b.is_null())
            .map(|b| policy(b, &file)),
        scps: p
            .get("scps")
            .and_then(Value::as_array)
            .map(|levels| {
                levels
                    .iter()
                    .map(|l| {
                        l.as_array()
                            .expect("scp level array")
                            .iter()
                            .map(|x| policy(x, &file))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default(),
        resource_policy: p
            .get("resource_policy")
            .filter(|b| !b.is_null())
            .map(|b| policy(b, &file)),
        request: request(&v["request"]),
        expected: Decision::parse(v["expected"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{file}: bad expected")),
        matched_sids: v
            .get("matched_sids")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect()),
        file,
    }
}

#[test]
fn decision_corpus() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("fixtures/eval")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 60, "the corpus has {} cases", paths.len());
    let mut failures = Vec::new();
    let mut by_expected = [0usize; 3];
    for path in &paths {
        let c = load(path);
        let labels: Vec<String> = (0..c.identity.len()).map(|i| format!("identity[{i}]")).collect();
        let input = EvalInput {
            identity: c
                .identity
                .iter()
                .zip(&labels)
                .map(|(p, l)| PolicyRef::new(l, p))
                .collect(),
            boundary: c.boundary.as_ref().map(|p| PolicyRef::new("boundary", p)),
            scps: c
                .scps
                .iter()
                .map(|level| level.iter().map(|p| PolicyRef::new("scp", p)).collect())
                .collect(),
            resource_policy: c
                .resource_policy
                .as_ref()
                .map(|p| PolicyRef::new("resource_policy", p)),
        };
        let e = evaluate(&input, &c.request);
        let fast = pare_policy::decide(&input, &c.request);
        if e.decision != c.expected || fast != c.expected {
            failures.push(format!(
                "{}: expected {}, got {} (fast path {}; {})",
                c.file, c.expected, e.decision, fast, e.reason
            ));
            continue;
        }
        if let Some(want) = &c.matched_sids {
            let got: Vec<String> = e
                .matched
                .iter()
                .map(|m| m.sid.unwrap_or("").to_string())
                .collect();
            if &got != want {
                failures.push(format!("{}: matched {got:?}, expected {want:?}", c.file));
            }
        }
        by_expected[c.expected as usize] += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
    // The corpus covers every outcome.
    assert!(by_expected.iter().all(|n| *n >= 10), "outcomes: {by_expected:?}");
}

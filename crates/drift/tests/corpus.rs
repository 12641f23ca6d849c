//! The comparison corpus: every `fixtures/check/*.json` case (base, head, expected verdict and kinds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_drift::check::check;
use pare_drift::compare::Kind;
use pare_drift::units::{file_unit, is_snapshot, snapshot_units, Units};
use std::collections::BTreeSet;
use std::path::Path;

fn units(v: &serde_json::Value, name: &str) -> Units {
    if is_snapshot(v) {
        snapshot_units(v, &|_| None).unwrap()
    } else {
        let text = serde_json::to_string_pretty(v).unwrap();
        let mut u = Units::default();
        u.units.insert(
            "policy.json".into(),
            file_unit("policy.json", &text, name).unwrap(),
        );
        u
    }
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/check");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut n = 0;
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        n += 1;
        let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let base = units(&case["base"], &name);
        let head = units(&case["head"], &name);
        // The whole path: comparison, grouping, counterexamples re-checked by the evaluator.
        let report = check(&base, &head, None, "2026-01-01", "base", "head");
        let mut kinds = BTreeSet::new();
        for f in &report.findings {
            kinds.insert(f.kind.code().to_string());
            if f.kind != Kind::PossiblyBroader {
                assert!(
                    f.counterexample.is_some(),
                    "{name}: finding without counterexample"
                );
            }
        }
        if std::env::var_os("CORPUS_DEBUG").is_some() {
            eprintln!("{name}: {kinds:?}");
        }
        let verdict = if kinds.is_empty() {
            "not-broader"
        } else {
            "broader"
        };
        let expected = case["expected"].as_str().unwrap();
        let want: BTreeSet<String> = case["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        if verdict != expected || (expected == "broader" && !want.is_subset(&kinds)) {
            failures.push(format!(
                "{name}: expected {expected} {want:?}, got {verdict} {kinds:?}"
            ));
        }
    }
    assert!(n >= 40, "corpus too small: {n}");
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

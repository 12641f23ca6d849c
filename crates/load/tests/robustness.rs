//! Loading and linting never panic, whatever the bytes: arbitrary input, and every fixture truncated or with a
//! byte changed anywhere.

#![allow(clippy::panic, clippy::unwrap_used)]
use pare_load::lint::lint_snapshot;
use pare_load::{load_bytes, LoadOptions};
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    "../../fixtures/policies/auth-details/account.json",
    "../../fixtures/policies/auth-details/account-url-encoded.json",
    "../../fixtures/policies/terraform/reports-plan.json",
    "../../fixtures/policies/cloudformation/reports-stack.yaml",
    "../../fixtures/policies/cloudformation/batch-stack.json",
    "../../fixtures/policies/files/dir/app.json",
];

fn exercise(name: &str, bytes: &[u8]) {
    let snapshot = load_bytes(name, bytes, &LoadOptions::default()).unwrap();
    let _ = lint_snapshot(&snapshot);
    let _ = snapshot.to_json_pretty();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), yaml in any::<bool>()) {
        exercise(if yaml { "x.yaml" } else { "x.json" }, &bytes);
    }

    #[test]
    fn damaged_fixtures(which in 0..FIXTURES.len(), cut in 0.0f64..1.0, at in 0.0f64..1.0, byte in any::<u8>()) {
        let path = FIXTURES[which];
        let original = std::fs::read(path).unwrap();
        let truncated = &original[..(original.len() as f64 * cut) as usize];
        exercise(path, truncated);
        let mut changed = original.clone();
        let i = ((changed.len() - 1) as f64 * at) as usize;
        changed[i] = byte;
        exercise(path, &changed);
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let s = load_bytes("deep.json", deep.as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(s.errors.len(), 1);
    let yaml = format!("Resources: {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let s = load_bytes("deep.yaml", yaml.as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(s.errors.len(), 1);
}

//! The lint fixture corpus: one case per file under `fixtures/policies/lint`. A file named `CODE.json` or
//! `CODE--variant.json` must produce a finding with that code; a `clean--*.json` file must produce none. All
//! findings are snapshotted.

#![allow(clippy::panic, clippy::unwrap_used)]
use pare_load::lint::{lint_sources, Code, Severity};
use std::fmt::Write;

const DIR: &str = "../../fixtures/policies/lint";

#[test]
fn lint_corpus() {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20);
    let mut report = String::new();
    let mut covered = std::collections::BTreeSet::new();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let expected = name.split("--").next().unwrap().to_string();
        let findings = lint_sources(&[path.to_string_lossy().to_string()]).unwrap();
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        if expected == "clean" {
            assert!(findings.is_empty(), "{name}: {findings:#?}");
        } else {
            assert!(
                codes.contains(&expected.as_str()),
                "{name}: expected `{expected}`, got {codes:?}"
            );
            covered.insert(expected);
        }
        for f in &findings {
            writeln!(
                report,
                "{name}.json:{}:{} {}[{}] {} — fix: {}",
                f.line.map_or("-".into(), |l| l.to_string()),
                f.column.map_or("-".into(), |c| c.to_string()),
                f.severity.as_str(),
                f.code.as_str(),
                f.message,
                f.fix
            )
            .unwrap();
        }
    }
    // Every rule has a case.
    for c in Code::ALL {
        assert!(covered.contains(c.as_str()), "no fixture for `{}`", c.as_str());
    }
    insta::assert_snapshot!(report);
}

#[test]
fn findings_inside_auth_details_point_into_the_file() {
    let findings = lint_sources(&["../../fixtures/policies/auth-details/invalid-inline.json"]).unwrap();
    let invalid = findings.iter().find(|f| f.code == Code::InvalidPolicy).unwrap();
    assert_eq!(invalid.severity, Severity::Error);
    assert!(invalid.line.is_some());
    assert!(invalid
        .json_path
        .starts_with("$.RoleDetailList[1].RolePolicyList[0]"));
}

//! `pare propose` end to end on the worked scenario (fixtures/scenarios/reports-app): what users see on
//! stdout, stderr and in `--out` directories, snapshotted with insta.
//!
//! The usage summary is replayed with the trail crate's replayer (the scenario's CloudTrail logs), the
//! declared policies are loaded from its Terraform plan with `pare policies`, then `pare propose` runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{pare, root};

fn scenario() -> PathBuf {
    root().join("fixtures/scenarios/reports-app")
}

/// Writes the scenario's usage summary and policy snapshot into `dir`.
fn inputs(dir: &Path) -> (String, String) {
    let mut replayer = pare_trail::replay::Replayer::new(pare_trail::replay::ReplayOptions {
        threads: 1,
        ..Default::default()
    })
    .unwrap();
    replayer.add_path(scenario().join("cloudtrail")).unwrap();
    let (usage, _) = replayer.finish().unwrap();
    let usage_path = dir.join("usage.json");
    usage.write(&usage_path).unwrap();
    let policies_path = dir.join("policies.json");
    let plan = scenario().join("terraform/plan.json");
    let out = pare(&[
        "policies",
        plan.to_str().unwrap(),
        "--param",
        "account_id=111122223333",
        "--out",
        policies_path.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "pare policies failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        usage_path.to_string_lossy().into_owned(),
        policies_path.to_string_lossy().into_owned(),
    )
}

fn text(bytes: &[u8], dir: &Path) -> String {
    String::from_utf8_lossy(bytes).replace(&dir.to_string_lossy().into_owned(), "[TMP]")
}

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = pare(args);
    (
        text(&out.stdout, dir),
        text(&out.stderr, dir),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn json_with_declared_policies_at_each_strictness() {
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    for st in ["exact", "balanced", "loose"] {
        let (stdout, stderr, code) = run(
            tmp.path(),
            &[
                "propose",
                "--usage",
                &usage,
                "--policies",
                &policies,
                "--strictness",
                st,
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(doc["schema"], "pare.proposals/v1");
        assert_eq!(doc["strictness"], st);
        insta::assert_snapshot!(format!("json_{st}"), stdout);
        insta::assert_snapshot!(format!("json_{st}_stderr"), stderr);
    }
}

#[test]
fn terraform_and_cloudformation() {
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    let (tf, _, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            &usage,
            "--policies",
            &policies,
            "--format",
            "terraform",
            "-q",
        ],
    );
    assert_eq!(code, 0);
    assert!(tf.contains("data \"aws_iam_policy_document\" \"reports_app\""));
    insta::assert_snapshot!("terraform_balanced", tf);
    let (cfn, _, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            &usage,
            "--policies",
            &policies,
            "--format",
            "cloudformation",
            "-q",
        ],
    );
    assert_eq!(code, 0);
    // (The template's YAML is parsed back and compared with the JSON proposals in pare-propose's tests.)
    assert!(cfn.contains("Type: AWS::IAM::ManagedPolicy"));
    insta::assert_snapshot!("cloudformation_balanced", cfn);
}

#[test]
fn out_dir_has_one_file_per_principal_and_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    let out = tmp.path().join("proposed");
    let (stdout, stderr, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            &usage,
            "--policies",
            &policies,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    insta::assert_json_snapshot!("out_index", index);
    for (principal, file) in index.as_object().unwrap() {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(file.as_str().unwrap())).unwrap())
                .unwrap();
        assert_eq!(doc["Version"], "2012-10-17", "{principal}");
    }
    assert!(out.join("proposals.json").is_file());
    insta::assert_snapshot!("out_stderr", stderr);
}

#[test]
fn principal_glob_and_include_denied() {
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    let (stdout, _, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            &usage,
            "--principal",
            "*role/reports-app",
            "-q",
        ],
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["proposals"].as_array().unwrap().len(), 1);
    let excluded: Vec<&str> = doc["proposals"][0]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, ["s3:DeleteObject", "secretsmanager:GetSecretValue"]);

    // With --include-denied the denied calls come in; the one the declared policies never granted is flagged.
    let (stdout, _, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            &usage,
            "--policies",
            &policies,
            "--principal",
            "*role/reports-app",
            "--include-denied",
            "-q",
        ],
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let p = &doc["proposals"][0];
    assert!(p.get("excluded").is_none());
    assert_eq!(
        p["compared_to_declared"]["not_declared"],
        serde_json::json!(["secretsmanager:GetSecretValue"])
    );
    let actions: Vec<&str> = p["policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
        })
        .collect();
    assert!(actions.contains(&"s3:DeleteObject") && actions.contains(&"secretsmanager:GetSecretValue"));

    let (_, stderr, code) = run(
        tmp.path(),
        &["propose", "--usage", &usage, "--principal", "*role/nobody"],
    );
    assert_eq!(code, 0);
    assert_eq!(stderr, "warning: no principal matches `*role/nobody`\n");
}

#[test]
fn bad_input_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.json");
    let (_, stderr, code) = run(tmp.path(), &["propose", "--usage", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("[TMP]/missing.json"), "{stderr}");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": \"pare.usage/v1\", \"principals\": 3}").unwrap();
    let (_, stderr, code) = run(tmp.path(), &["propose", "--usage", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("bad_usage_stderr", stderr);
    let (_, stderr, code) = run(
        tmp.path(),
        &[
            "propose",
            "--usage",
            bad.to_str().unwrap(),
            "--strictness",
            "tight",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("tight"), "{stderr}");
}

/// The files under `reports/examples/propose/` are what `pare propose` prints for the scenario today:
/// `proposals-<strictness>.json` (stdout, `--format json --policies`), and `json/`, `terraform/`,
/// `cloudformation/` (`--out DIR` in each format, balanced). `PARE_UPDATE_EXAMPLES=1` rewrites them.
#[test]
fn committed_examples_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    let mut produced: Vec<(String, String)> = Vec::new();
    for st in ["exact", "balanced", "loose"] {
        let (stdout, stderr, code) = run(
            tmp.path(),
            &[
                "propose",
                "--usage",
                &usage,
                "--policies",
                &policies,
                "--strictness",
                st,
                "-q",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        produced.push((format!("proposals-{st}.json"), stdout));
    }
    for format in ["json", "terraform", "cloudformation"] {
        let out = tmp.path().join(format);
        let (_, stderr, code) = run(
            tmp.path(),
            &[
                "propose",
                "--usage",
                &usage,
                "--policies",
                &policies,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let name = format!("{format}/{}", f.file_name().unwrap().to_string_lossy());
            produced.push((name, std::fs::read_to_string(&f).unwrap()));
        }
    }
    let dir = root().join("reports/examples/propose");
    if std::env::var_os("PARE_UPDATE_EXAMPLES").is_some() {
        for (name, text) in &produced {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    for (name, text) in &produced {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|_| {
            panic!("reports/examples/propose/{name} is missing (PARE_UPDATE_EXAMPLES=1)")
        });
        assert_eq!(
            &committed, text,
            "reports/examples/propose/{name} is out of date (PARE_UPDATE_EXAMPLES=1)"
        );
    }
}

/// The Terraform output is what `terraform fmt` would write (so it parses, and reviews stay quiet). Runs when
/// a `terraform` binary is on PATH.
#[test]
fn terraform_output_is_canonical_for_terraform_fmt() {
    let Ok(version) = Command::new("terraform").arg("version").output() else {
        eprintln!("terraform not on PATH: skipped");
        return;
    };
    assert!(version.status.success());
    let tmp = tempfile::tempdir().unwrap();
    let (usage, policies) = inputs(tmp.path());
    for st in ["exact", "balanced", "loose"] {
        let out = tmp.path().join(st);
        let (_, stderr, code) = run(
            tmp.path(),
            &[
                "propose",
                "--usage",
                &usage,
                "--policies",
                &policies,
                "--strictness",
                st,
                "--format",
                "terraform",
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        let fmt = Command::new("terraform")
            .args(["fmt", "-check", "-diff", "-no-color"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            fmt.status.success(),
            "{st}: terraform fmt -check failed:\n{}{}",
            String::from_utf8_lossy(&fmt.stdout),
            String::from_utf8_lossy(&fmt.stderr)
        );
    }
}

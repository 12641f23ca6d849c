//! `pare check` end to end: the real binary on files, snapshots, a Terraform plan, a real git repository, the
//! allow-list, every output format and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

mod support;
use support::{code, pare_in as pare, stderr, stdout, write};

const BASE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app-data/reports/*"
    },
    {
      "Sid": "NoDelete",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*"
    }
  ]
}
"#;

const HEAD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      "Resource": "arn:aws:s3:::app-data/*"
    }
  ]
}
"#;

#[test]
fn broader_pair_exits_1_with_located_checked_findings() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "head.json", HEAD);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["schema"], "pare.check/v1");
    assert_eq!(r["broader"], true);
    let kinds: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"new-action"), "{kinds:?}");
    assert!(kinds.contains(&"widened-resource"), "{kinds:?}");
    assert!(kinds.contains(&"deny-removed"), "{kinds:?}");
    for f in r["findings"].as_array().unwrap() {
        assert_eq!(f["statement"]["file"], "head.json");
        assert_eq!(f["statement"]["line"], 4);
        assert_eq!(f["statement"]["column"], 5);
        assert_eq!(f["statement"]["sid"], "Read");
        assert_eq!(f["counterexample"]["head_decision"], "Allow");
        assert!(!f["fix"].as_str().unwrap().is_empty());
    }
    let new_action = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "new-action")
        .unwrap();
    assert_eq!(new_action["actions"], json!(["s3:PutObject"]));
    let deny = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "deny-removed")
        .unwrap();
    assert_eq!(deny["counterexample"]["action"], "s3:DeleteObject");
    assert_eq!(deny["counterexample"]["base_decision"], "ExplicitDeny");

    // The counterexamples really are allowed by head and not by base: ask `pare eval`.
    for f in r["findings"].as_array().unwrap() {
        let c = &f["counterexample"];
        let (a, res) = (c["action"].as_str().unwrap(), c["resource"].as_str().unwrap());
        let h = pare(
            t.path(),
            &[
                "eval",
                "--action",
                a,
                "--resource",
                res,
                "--policy",
                "head.json",
                "--format",
                "json",
            ],
        );
        let b = pare(
            t.path(),
            &[
                "eval",
                "--action",
                a,
                "--resource",
                res,
                "--policy",
                "base.json",
                "--format",
                "json",
            ],
        );
        let hd: Value = serde_json::from_str(&stdout(&h)).unwrap();
        let bd: Value = serde_json::from_str(&stdout(&b)).unwrap();
        assert_eq!(hd["decision"], "Allow");
        assert_ne!(bd["decision"], "Allow");
    }

    // Text: one finding per block, with the statement's location.
    let o = pare(t.path(), &["check", "--base", "base.json", "--head", "head.json"]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(
        text.starts_with("head is broader than base: 3 finding(s)"),
        "{text}"
    );
    assert!(
        text.contains("new-action  head.json:4:5  statement `Read`"),
        "{text}"
    );
    assert!(text.contains("fix: "), "{text}");
}

#[test]
fn narrower_or_equivalent_exits_0() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", HEAD);
    write(t.path(), "head.json", BASE);
    let o = pare(t.path(), &["check", "--base", "base.json", "--head", "head.json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("head grants nothing base did not"));
    // Reformatted and reordered: still nothing new.
    let v: Value = serde_json::from_str(HEAD).unwrap();
    write(t.path(), "compact.json", &v.to_string());
    let o = pare(
        t.path(),
        &["check", "--base", "base.json", "--head", "compact.json"],
    );
    assert_eq!(code(&o), 0);
}

#[test]
fn output_is_deterministic() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "head.json", HEAD);
    for f in ["text", "json", "markdown", "sarif"] {
        let a = pare(
            t.path(),
            &[
                "check",
                "--base",
                "base.json",
                "--head",
                "head.json",
                "--format",
                f,
            ],
        );
        let b = pare(
            t.path(),
            &[
                "check",
                "--base",
                "base.json",
                "--head",
                "head.json",
                "--format",
                f,
            ],
        );
        assert_eq!(a.stdout, b.stdout, "{f}");
    }
}

#[test]
fn sarif_is_valid_2_1_0() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "head.json", HEAD);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(code(&o), 1);
    let s: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(s["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "pare");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let rule = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], rule, "ruleIndex points at the rule");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "head.json");
        assert_eq!(loc["region"]["startLine"], 4);
        assert_eq!(loc["region"]["startColumn"], 5);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
}

#[test]
fn markdown_is_a_pr_comment() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "head.json", HEAD);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--format",
            "markdown",
        ],
    );
    let md = stdout(&o);
    assert!(
        md.starts_with("### pare check: the policy change grants more than before"),
        "{md}"
    );
    assert!(md.contains("| kind | where | now allowed | example request | why | fix |"));
    assert_eq!(md.lines().filter(|l| l.starts_with("| `")).count(), 3);
}

#[test]
fn allow_list_accepts_and_expired_entries_fail() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "head.json", HEAD);
    let all = r#"
[[accept]]
statement = "Read"
action = "s3:*"
resource = "*"
reason = "bucket-wide access reviewed in PR 42"
expires = "2999-12-31"
"#;
    write(t.path(), "pare-allow.toml", all);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "pare-allow.toml",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("3 accepted broadening(s)"), "{}", stdout(&o));

    // An entry that covers only the new action leaves the others reported.
    let part = "[[accept]]\nkind = \"new-action\"\naction = \"s3:PutObject\"\nreason = \"uploads\"\nexpires = \"2999-01-01\"\n";
    write(t.path(), "part.toml", part);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "part.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["summary"]["accepted"], 1);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "new-action"));

    // A narrower resource pattern accepts only the part of the widening it covers.
    let narrow = "[[accept]]\nkind = \"widened-resource\"\nresource = \"arn:aws:s3:::app-data/exports/*\"\nreason = \"exports\"\nexpires = \"2999-01-01\"\n";
    write(t.path(), "narrow.toml", narrow);
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "narrow.toml",
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let widened = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "widened-resource")
        .unwrap();
    assert!(!widened["counterexample"]["resource"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:s3:::app-data/exports/"));

    // Expired: accepts nothing and fails, even as of a fixed date.
    write(t.path(), "old.toml", &all.replace("2999-12-31", "2026-01-31"));
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "old.toml",
            "--today",
            "2026-02-01",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("allow-entry-expired  old.toml:2  expired on 2026-01-31"),
        "{}",
        stdout(&o)
    );
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "old.toml",
            "--today",
            "2026-01-31",
        ],
    );
    assert_eq!(code(&o), 0, "the expiry day itself still applies");
    // Even with nothing broader, an expired entry fails the check.
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "base.json",
            "--allow",
            "old.toml",
            "--today",
            "2026-02-01",
        ],
    );
    assert_eq!(code(&o), 1);

    // Malformed: usage error with the line.
    write(
        t.path(),
        "bad.toml",
        "[[accept]]\nreason = \"x\"\nexpires = \"soon\"\n",
    );
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--allow",
            "bad.toml",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("error: `expires` must be a date like `2026-12-31`, not `soon` (bad.toml:1)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn input_errors_exit_2() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "base.json", BASE);
    write(t.path(), "broken.json", "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": 3, \"Resource\": \"*\"}]}");
    let o = pare(
        t.path(),
        &["check", "--base", "base.json", "--head", "missing.json"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).starts_with("error: head: "), "{}", stderr(&o));
    let o = pare(
        t.path(),
        &["check", "--base", "base.json", "--head", "broken.json"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("broken.json"), "{}", stderr(&o));
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "base.json",
            "--format",
            "xml",
        ],
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn snapshots_compare_principal_by_principal() {
    let t = tempfile::tempdir().unwrap();
    let case: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/check/snapshot-boundary-removed.json"),
        )
        .unwrap(),
    )
    .unwrap();
    write(t.path(), "base.json", &case["base"].to_string());
    write(t.path(), "head.json", &case["head"].to_string());
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base.json",
            "--head",
            "head.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = &r["findings"][0];
    assert_eq!(f["kind"], "boundary-loosened");
    assert_eq!(f["unit"], "arn:aws:iam::111122223333:role/app");
    assert_eq!(f["unit_kind"], "principal");
}

#[test]
fn terraform_plans_compare_through_the_loader() {
    let t = tempfile::tempdir().unwrap();
    let plan_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scenarios/reports-app/terraform/plan.json");
    let head: Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    // Base: the same plan with the app role's inline policy limited to one read action on one prefix.
    let mut base = head.clone();
    let narrow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::pare-reports-data/reports/*"}]})
    .to_string();
    for r in base["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
    {
        if r["type"] == "aws_iam_role_policy" && r["name"] == "reports_app_data" {
            r["values"]["policy"] = json!(narrow);
        }
    }
    if let Some(changes) = base["resource_changes"].as_array_mut() {
        for c in changes {
            if c["type"] == "aws_iam_role_policy" && c["name"] == "reports_app_data" {
                c["change"]["after"]["policy"] = json!(narrow);
            }
        }
    }
    write(
        t.path(),
        "base-plan.json",
        &serde_json::to_string_pretty(&base).unwrap(),
    );
    write(
        t.path(),
        "plan.json",
        &serde_json::to_string_pretty(&head).unwrap(),
    );
    let o = pare(
        t.path(),
        &[
            "check",
            "--base",
            "base-plan.json",
            "--head",
            "plan.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let units: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"].as_str().unwrap())
        .collect();
    assert!(units.iter().all(|u| u.contains(":role/")), "{units:?}");
    // Same plan on both sides: nothing new.
    let o = pare(t.path(), &["check", "--base", "plan.json", "--head", "plan.json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "pare")
        .env("GIT_AUTHOR_EMAIL", "pare@example.invalid")
        .env("GIT_COMMITTER_NAME", "pare")
        .env("GIT_COMMITTER_EMAIL", "pare@example.invalid")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn git_revisions_in_a_real_repository() {
    let t = tempfile::tempdir().unwrap();
    let repo = t.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "iam/app.json", BASE);
    write(repo, "iam/batch.json", BASE);
    write(repo, "README.md", "not a policy\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    write(repo, "iam/app.json", HEAD);
    git(repo, &["commit", "-q", "-am", "head"]);

    let o = pare(
        repo,
        &[
            "check",
            "--base",
            "HEAD~1:iam/",
            "--head",
            "iam/",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["summary"]["units"], 2);
    for f in r["findings"].as_array().unwrap() {
        assert_eq!(f["unit"], "app.json");
        assert_eq!(f["statement"]["file"], "iam/app.json");
        assert_eq!(f["statement"]["line"], 4);
    }
    // Both sides from git.
    let o = pare(repo, &["check", "--base", "HEAD~1:iam/", "--head", "HEAD:iam/"]);
    assert_eq!(code(&o), 1);
    // Nothing changed between a revision and itself.
    let o = pare(repo, &["check", "--base", "HEAD:iam/", "--head", "iam/"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // From a subdirectory, paths stay relative to it.
    let o = pare(
        &repo.join("iam"),
        &["check", "--base", "HEAD~1:app.json", "--head", "app.json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    // A revision that does not exist is an input error.
    let o = pare(repo, &["check", "--base", "nope:iam/", "--head", "iam/"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("error: base: `git ls-tree"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn pre_commit_hook_blocks_a_staged_broadening() {
    let t = tempfile::tempdir().unwrap();
    let repo = t.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "infra/iam/app.json", BASE);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let hook = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ci-examples/pre-commit");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pare"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run_hook = || {
        Command::new("sh")
            .arg(&hook)
            .current_dir(repo)
            .env("PATH", &path)
            .output()
            .unwrap()
    };

    // A narrowing is fine.
    write(
        repo,
        "infra/iam/app.json",
        &BASE.replace("reports/*", "reports/2026/*"),
    );
    git(repo, &["add", "."]);
    let o = run_hook();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // A broadening is refused; the unstaged working tree does not matter.
    write(repo, "infra/iam/app.json", HEAD);
    git(repo, &["add", "."]);
    write(repo, "infra/iam/app.json", BASE);
    let o = run_hook();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("new-action"), "{}", stdout(&o));
}

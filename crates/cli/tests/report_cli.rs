//! `pare report` end to end: JSON and Markdown snapshots on the worked scenario, every format written,
//! determinism, hostile strings made inert, and the HTML opened in headless Chromium.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::pare_in;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Replays the scenario's logs and loads its Terraform plan into `dir` (usage.json, snapshot.json), with
/// paths relative to the repository root so the provenance is stable.
fn scenario(dir: &Path) {
    let r = root();
    let usage = dir.join("usage.json");
    let snap = dir.join("snapshot.json");
    ok(&pare_in(
        &r,
        &[
            "replay",
            "fixtures/scenarios/reports-app/cloudtrail",
            "--out",
            usage.to_str().unwrap(),
        ],
    ));
    ok(&pare_in(
        &r,
        &[
            "policies",
            "fixtures/scenarios/reports-app/terraform/plan.json",
            "--out",
            snap.to_str().unwrap(),
        ],
    ));
}

fn report(dir: &Path, format: &str, out: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "report",
        "--usage",
        "usage.json",
        "--policies",
        "snapshot.json",
        "--format",
        format,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    pare_in(dir, &args)
}

#[test]
fn json_and_markdown_snapshots_on_the_scenario() {
    let t = tempfile::tempdir().unwrap();
    scenario(t.path());
    ok(&report(t.path(), "json", "report.json", &[]));
    ok(&report(t.path(), "md", "report.md", &[]));
    let json = std::fs::read_to_string(t.path().join("report.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "pare.report/v1");
    assert_eq!(v["generated_at"], serde_json::Value::Null);
    // Every framework is mapped, every control row has a verdict.
    for fw in ["cis", "nist-800-53", "soc2", "pci-dss"] {
        assert!(
            v["controls"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["framework"] == fw),
            "{fw}"
        );
    }
    // The over-broad Terraform grants fail least-privilege controls.
    let ac6 = v["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "AC-6")
        .unwrap();
    assert_eq!(ac6["status"], "fail");
    insta::assert_snapshot!("report_scenario_json", json);
    insta::assert_snapshot!(
        "report_scenario_md",
        std::fs::read_to_string(t.path().join("report.md")).unwrap()
    );
}

#[test]
fn two_runs_are_byte_identical_and_generated_at_is_opt_in() {
    let t = tempfile::tempdir().unwrap();
    scenario(t.path());
    for f in ["html", "json", "md"] {
        // The command line is part of the provenance: run the very same command twice.
        ok(&report(t.path(), f, "r.out", &[]));
        let a = std::fs::read(t.path().join("r.out")).unwrap();
        ok(&report(t.path(), f, "r.out", &[]));
        let b = std::fs::read(t.path().join("r.out")).unwrap();
        assert_eq!(a, b, "{f} differs between runs");
    }
    ok(&report(
        t.path(),
        "json",
        "g.json",
        &["--generated-at", "2026-11-23T10:00:00Z"],
    ));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("g.json")).unwrap()).unwrap();
    assert_eq!(v["generated_at"], "2026-11-23T10:00:00Z");
}

#[test]
fn csv_and_parquet_tables() {
    let t = tempfile::tempdir().unwrap();
    scenario(t.path());
    ok(&report(t.path(), "csv", "csv", &[]));
    let access = std::fs::read_to_string(t.path().join("csv/access.csv")).unwrap();
    assert!(access.starts_with(
        "principal,principal_kind,service,action,access_level,resource,state,count,denied,first_seen,last_seen,detail\r\n"
    ));
    assert!(access.contains(",used,") && access.contains(",unused,"));
    let findings = std::fs::read_to_string(t.path().join("csv/findings.csv")).unwrap();
    assert!(findings.starts_with("code,severity,principal,message,evidence,fix\r\n"));
    ok(&report(t.path(), "parquet", "pq", &[]));
    for f in ["access.parquet", "findings.parquet"] {
        let bytes = std::fs::read(t.path().join("pq").join(f)).unwrap();
        assert!(
            bytes.len() > 8 && &bytes[..4] == b"PAR1" && &bytes[bytes.len() - 4..] == b"PAR1",
            "{f}"
        );
    }
}

#[test]
fn usage_alone_and_policies_alone() {
    let t = tempfile::tempdir().unwrap();
    scenario(t.path());
    ok(&pare_in(
        t.path(),
        &[
            "report",
            "--usage",
            "usage.json",
            "--format",
            "json",
            "--out",
            "u.json",
        ],
    ));
    let u: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("u.json")).unwrap()).unwrap();
    assert_eq!(u["provenance"]["evidence"], serde_json::json!(["usage"]));
    assert!(u["principals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["proposal"].is_object()));
    let cis = u["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1.16")
        .unwrap();
    assert_eq!(cis["status"], "needs-review");
    ok(&pare_in(
        t.path(),
        &[
            "report",
            "--policies",
            "snapshot.json",
            "--format",
            "json",
            "--out",
            "p.json",
        ],
    ));
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("p.json")).unwrap()).unwrap();
    assert_eq!(p["provenance"]["evidence"], serde_json::json!(["policies"]));
    // Without usage, nothing is called unused.
    assert!(!p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "unused-write"));
    let o = pare_in(t.path(), &["report", "--format", "json", "--out", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = pare_in(
        t.path(),
        &["report", "--usage", "usage.json", "--format", "pdf", "--out", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format `pdf`"));
}

const HOSTILE_PRINCIPAL: &str = "arn:aws:iam::111122223333:user/<script>document.title='pwned'</script>";
const HOSTILE_RESOURCE: &str =
    "arn:aws:s3:::bucket/\u{1b}]0;pwned\u{7}\u{1b}[2J<img src=x onerror=alert(1)>=cmd|' /C calc'!A0";

/// A usage summary whose principal ARN and resource names carry markup, an ANSI sequence and a formula.
fn hostile_usage(dir: &Path) {
    let usage = serde_json::json!({
        "schema": "pare.usage/v1", "sources": [], "window": null,
        "stats": {"records": 1, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
        "principals": [{"arn": HOSTILE_PRINCIPAL, "type": "IAMUser", "actions": [{
            "action": "s3:GetObject", "count": 1, "denied": 0,
            "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-01T00:00:00Z",
            "event_names": ["s3.amazonaws.com:GetObject"], "resources": [HOSTILE_RESOURCE],
            "sample_event_ids": ["<b>e1</b>"], "regions": ["eu-west-1"]}]}]
    });
    std::fs::write(dir.join("usage.json"), serde_json::to_string(&usage).unwrap()).unwrap();
}

#[test]
fn planted_markup_and_escapes_come_out_inert() {
    let t = tempfile::tempdir().unwrap();
    hostile_usage(t.path());
    for (f, out) in [("html", "r.html"), ("md", "r.md"), ("json", "r.json")] {
        ok(&pare_in(
            t.path(),
            &["report", "--usage", "usage.json", "--format", f, "--out", out],
        ));
    }
    ok(&pare_in(
        t.path(),
        &[
            "report",
            "--usage",
            "usage.json",
            "--format",
            "csv",
            "--out",
            "csv",
        ],
    ));
    let html = std::fs::read_to_string(t.path().join("r.html")).unwrap();
    assert!(!html.contains("<script"), "a <script> element reached the HTML");
    assert!(!html.contains("<img"), "an <img> element reached the HTML");
    assert!(html.contains("&lt;script&gt;"));
    let md = std::fs::read_to_string(t.path().join("r.md")).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"));
    for (name, text) in [("html", &html), ("md", &md)] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "a control character reached the {name}"
        );
    }
    let csv = std::fs::read_to_string(t.path().join("csv/access.csv")).unwrap();
    assert!(!csv.contains('\u{1b}'));
    assert!(!csv.contains(",=cmd"), "a formula cell reached the CSV");
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|c| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(c))
                .find(|p| p.is_file())
        })
    })
}

/// Runs headless Chromium on `page` with the flags this machine needs (no network, no background services).
fn headless(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> Output {
    let url = format!("file://{}", page.display());
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium")
}

#[test]
fn html_renders_in_headless_chromium_without_console_errors() {
    let Some(bin) = chromium() else {
        if std::env::var_os("PARE_REQUIRE_BROWSER").is_some() {
            panic!(
                "chromium is required (PARE_REQUIRE_BROWSER is set) but not installed: run scripts/setup.sh"
            );
        }
        eprintln!("SKIPPED: chromium is not installed (scripts/setup.sh installs it)");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    scenario(t.path());
    ok(&report(t.path(), "html", "report.html", &[]));
    let page = t.path().join("report.html");
    let dom = headless(&bin, &t.path().join("profile1"), &["--dump-dom"], &page);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom_text.contains("Least-privilege report"),
        "the page did not render: {dom_text:.500}"
    );
    assert!(dom_text.contains("AC-6"));
    let console: Vec<&str> = String::from_utf8_lossy(&dom.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("Content Security Policy"))
        .map(|_| "console message")
        .collect();
    assert!(
        console.is_empty(),
        "console errors: {}",
        String::from_utf8_lossy(&dom.stderr)
    );

    let shot_dir = root().join("target").join("report-screenshots");
    std::fs::create_dir_all(&shot_dir).unwrap();
    let shot = shot_dir.join("scenario.png");
    let _ = std::fs::remove_file(&shot);
    let o = headless(
        &bin,
        &t.path().join("profile2"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
            "--hide-scrollbars",
        ],
        &page,
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "the screenshot is blank"
    );
}

#[test]
fn hostile_html_does_not_run_in_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("PARE_REQUIRE_BROWSER").is_some() {
            panic!(
                "chromium is required (PARE_REQUIRE_BROWSER is set) but not installed: run scripts/setup.sh"
            );
        }
        eprintln!("SKIPPED: chromium is not installed");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    hostile_usage(t.path());
    ok(&pare_in(
        t.path(),
        &[
            "report",
            "--usage",
            "usage.json",
            "--format",
            "html",
            "--out",
            "r.html",
        ],
    ));
    let dom = headless(
        &bin,
        &t.path().join("profile"),
        &["--dump-dom"],
        &t.path().join("r.html"),
    );
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        text.contains("<title>pare least-privilege report</title>"),
        "the title changed: {text:.300}"
    );
    assert!(!text.contains("pwned</title>"));
    assert!(!text.to_ascii_lowercase().contains("<script"));
}

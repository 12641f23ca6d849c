//! The HTML report stays small for large accounts: 5,000 principals, each with long lists, render well under
//! 10 MB because every per-principal list is capped (the complete tables are in CSV/Parquet/JSON).

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_report::controls::{ControlResult, Status};
use pare_report::findings::{Code, Finding};
use pare_report::model::*;

fn principal(i: usize) -> PrincipalReport {
    let arn = format!("arn:aws:iam::111122223333:role/service-{i:05}/app-role-{i:05}");
    PrincipalReport {
        arn: arn.clone(),
        kind: "role".into(),
        declared: true,
        observed: true,
        admin_equivalent: false,
        counts: Counts {
            granted: 400,
            used: 30,
            unused: 300,
            unobservable: 60,
            missing: 10,
        },
        access_levels: ["List", "Read", "Write", "Permissions management", "Tagging"]
            .iter()
            .map(|l| LevelRow {
                level: l.to_string(),
                granted: 80,
                used: 6,
                unused: 60,
                unobservable: 12,
            })
            .collect(),
        services: vec![],
        used: (0..30)
            .map(|j| UsedRow {
                action: format!("s3:GetObjectVersion{j}"),
                access_level: "Read".into(),
                count: 10,
                denied: 0,
                first_seen: "2026-11-01T00:00:00Z".into(),
                last_seen: "2026-11-02T00:00:00Z".into(),
                resources: (0..20)
                    .map(|k| format!("arn:aws:s3:::bucket-{i}/runs/{k}/output.json"))
                    .collect(),
                sample_event_ids: vec!["0f3c9a2e-0000-4000-8000-000000000000".into()],
                allowed_by: vec!["AppPolicy#S3Read".into()],
            })
            .collect(),
        missing: vec![],
        unused: (0..300)
            .map(|j| UnusedRow {
                action: format!("iam:PutRolePolicy{j}"),
                access_level: "Permissions management".into(),
                risk: 9,
                granted_by: vec!["AdminPolicy#Statement[0]".into()],
            })
            .collect(),
        unobservable: vec![],
        wildcard_statements: vec![],
        escalation: vec![],
        proposal: Some(ProposalRow {
            policy: serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bucket/*"]}]}),
            statements: 1,
            characters: 90,
            limit: 6144,
            actions_removed: Some(370),
            declared_actions: Some(400),
            proposed_actions: 30,
            resources_narrowed: Some(2),
        }),
        finding_codes: vec!["unused-permissions-management".into()],
    }
}

#[test]
fn five_thousand_principals_render_under_ten_megabytes() {
    let principals: Vec<PrincipalReport> = (0..5000).map(principal).collect();
    let findings: Vec<Finding> = principals
        .iter()
        .map(|p| {
            Finding::new(
                Code::UnusedPermissionsManagement,
                &p.arn,
                "300 actions".into(),
                vec!["x".into(); 9],
            )
        })
        .collect();
    let report = Report {
        schema: SCHEMA,
        generated_at: None,
        provenance: Provenance {
            pare_version: "0".into(),
            command_line: vec![],
            catalog: CatalogRef {
                name: "c".into(),
                version: "v".into(),
                sha256: "0".repeat(64),
            },
            accounts: vec!["111122223333".into()],
            window: None,
            inputs: vec![],
            log_sources: vec![],
            policy_sources: vec![],
            frameworks: vec![],
            evidence: vec!["usage".into(), "policies".into()],
        },
        summary: Summary::default(),
        controls: vec![ControlResult {
            framework: "nist-800-53".into(),
            id: "AC-6".into(),
            title: "Least Privilege".into(),
            status: Status::Fail,
            reason: "5000 principals".into(),
            findings: vec!["unused-permissions-management".into()],
            principals: principals.iter().map(|p| p.arn.clone()).collect(),
        }],
        findings,
        principals,
    };
    let html = pare_report::render::html::render(&report);
    let mb = html.len() as f64 / 1_048_576.0;
    eprintln!("5,000 principals: {mb:.2} MiB of HTML");
    assert!(html.len() < 10 * 1024 * 1024, "{mb:.2} MiB");
    assert!(html.contains("(+297)"));
}

#[test]
#[ignore = "prints one compact principal section, for inspection"]
fn show_one_section() {
    let principals: Vec<PrincipalReport> = (0..300).map(principal).collect();
    let report = Report {
        schema: SCHEMA,
        generated_at: None,
        provenance: Provenance {
            pare_version: "0".into(),
            command_line: vec![],
            catalog: CatalogRef {
                name: "c".into(),
                version: "v".into(),
                sha256: "0".repeat(64),
            },
            accounts: vec![],
            window: None,
            inputs: vec![],
            log_sources: vec![],
            policy_sources: vec![],
            frameworks: vec![],
            evidence: vec![],
        },
        summary: Summary::default(),
        controls: vec![],
        findings: vec![],
        principals,
    };
    let html = pare_report::render::html::render(&report);
    let start = html.find("<details>").unwrap();
    let end = start + html[start..].find("</details>").unwrap();
    eprintln!("{}", &html[start..end]);
}

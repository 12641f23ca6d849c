//! Compliance reports: least-privilege evidence mapped to CIS, NIST SP 800-53 AC-6, SOC 2 and PCI DSS
//! controls, rendered as HTML, CSV, JSON, Parquet and Markdown.
//!
//! [`build`] turns a usage summary (`pare.usage/v1`), a policy snapshot (`pare.policies/v1`), or both, into a
//! [`Report`] (`pare.report/v1`): scope and provenance (every input with its sha256, the catalog, the command
//! line), per-principal evidence from the permission graph (`pare_graph`: used, unused, unobservable, missing,
//! escalation paths), proposals (`pare_propose`), [`findings`] with stable codes, and [`controls`] rows whose
//! mapping lives in `data/controls.json`. The renderers in [`render`] and [`parquet`] only present it.
//!
//! ```
//! use pare_report::{build, Inputs, controls::Framework};
//! use pare_load::snapshot::Snapshot;
//!
//! let snapshot = Snapshot::from_json(r#"{"schema": "pare.policies/v1", "principals": [{
//!   "arn": "arn:aws:iam::111122223333:user/admin", "kind": "User", "name": "admin", "path": "/",
//!   "inline": [{"name": "all", "origin": {"file": "admin.json", "json_path": "$"},
//!               "document": {"Version": "2012-10-17", "Statement": [
//!                 {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]}"#).unwrap();
//! let report = build(&Inputs { snapshot: Some(&snapshot), frameworks: vec![Framework::Cis], ..Inputs::default() });
//! let cis_1_16 = report.controls.iter().find(|c| c.id == "1.16").unwrap();
//! assert_eq!(cis_1_16.status.as_str(), "fail");
//! assert!(report.findings.iter().any(|f| f.code == "full-admin-policy"));
//! ```

pub mod controls;
pub mod escape;
pub mod findings;
pub mod model;
pub mod parquet;
pub mod render;
pub mod table;

use std::collections::{BTreeMap, BTreeSet};

use pare_catalog::catalog;
use pare_graph::report::{PrincipalAnalysis, StatementRef};
use pare_graph::PermissionGraph;
use pare_load::snapshot::{PrincipalKind, Snapshot};
use pare_propose::{propose, Options, Strictness};
use pare_trail::usage::{PrincipalUsage, UsageSummary};

use controls::{Evidence, Framework};
use findings::{Code, Finding};
pub use model::Report;
use model::*;

/// How many of the riskiest unused actions a finding names as evidence.
const EVIDENCE_ACTIONS: usize = 8;

/// What a report is built from.
#[derive(Default)]
pub struct Inputs<'a> {
    /// The usage summary, if any.
    pub usage: Option<&'a UsageSummary>,
    /// The policy snapshot, if any.
    pub snapshot: Option<&'a Snapshot>,
    /// The files given on the command line, with their sha256.
    pub files: Vec<InputFile>,
    /// The command line, as given.
    pub command_line: Vec<String>,
    /// `--generated-at`.
    pub generated_at: Option<String>,
    /// Frameworks to map to; empty means all four.
    pub frameworks: Vec<Framework>,
}

/// Builds the report. Pure: the same inputs give an equal report.
pub fn build(inputs: &Inputs<'_>) -> Report {
    let empty_usage = UsageSummary::default();
    let usage = inputs.usage.unwrap_or(&empty_usage);
    let analysis = inputs
        .snapshot
        .map(|s| PermissionGraph::build(s, usage).analyze());
    let proposals = inputs.usage.map(|u| {
        propose(
            u,
            inputs.snapshot,
            &Options {
                strictness: Strictness::Balanced,
                ..Options::default()
            },
        )
    });
    let mut principals: Vec<PrincipalReport> = match &analysis {
        Some(a) => a.principals.iter().map(from_analysis).collect(),
        None => usage.principals.iter().map(from_usage).collect(),
    };
    if let Some(props) = &proposals {
        for p in &mut principals {
            if let Some(prop) = props.proposals.iter().find(|x| x.principal == p.arn) {
                p.proposal = Some(ProposalRow {
                    policy: serde_json::to_value(&prop.policy).unwrap_or_default(),
                    statements: prop.policy.statement.len(),
                    characters: prop.size.characters,
                    limit: prop.size.limit,
                    actions_removed: prop.compared_to_declared.as_ref().map(|c| c.actions_removed),
                    declared_actions: prop.compared_to_declared.as_ref().map(|c| c.declared_actions),
                    proposed_actions: prop.policy.statement.iter().map(|s| s.action.len()).sum(),
                    resources_narrowed: prop.compared_to_declared.as_ref().map(|c| c.resources_narrowed),
                });
            }
        }
    }

    let evidence = Evidence {
        usage: inputs.usage.is_some(),
        policies: inputs.snapshot.is_some(),
    };
    let mut all_findings = Vec::new();
    for p in &mut principals {
        let fs = principal_findings(p, evidence, inputs.snapshot);
        p.finding_codes = fs
            .iter()
            .map(|f| f.code.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        all_findings.extend(fs);
    }
    if let Some(s) = inputs.snapshot {
        all_findings.extend(account_findings(s));
    }
    if let Some(a) = &analysis {
        for e in &a.errors {
            all_findings.push(Finding::new(
                Code::InvalidPolicy,
                &e.principal,
                format!("policy `{}` could not be parsed: {}", e.policy, e.message),
                vec![format!("{} {}", e.file, e.json_path)],
            ));
        }
    }
    all_findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.principal.cmp(&b.principal))
            .then_with(|| a.message.cmp(&b.message))
    });

    let frameworks: Vec<Framework> = if inputs.frameworks.is_empty() {
        Framework::ALL.to_vec()
    } else {
        dedup(&inputs.frameworks)
    };
    let kinds: BTreeMap<&str, &str> = principals
        .iter()
        .map(|p| (p.arn.as_str(), p.kind.as_str()))
        .collect();
    let controls = controls::evaluate(&frameworks, &all_findings, evidence, &|arn| {
        kinds.get(arn).copied().unwrap_or("").to_string()
    });

    let summary = summarize(&principals, &all_findings, &controls);
    Report {
        schema: SCHEMA,
        generated_at: inputs.generated_at.clone(),
        provenance: provenance(inputs, &principals, &frameworks),
        summary,
        controls,
        findings: all_findings,
        principals,
    }
}

fn dedup(f: &[Framework]) -> Vec<Framework> {
    Framework::ALL.into_iter().filter(|x| f.contains(x)).collect()
}

fn provenance(inputs: &Inputs<'_>, principals: &[PrincipalReport], frameworks: &[Framework]) -> Provenance {
    let src = catalog().source();
    let mut accounts: BTreeSet<String> = principals.iter().filter_map(|p| account_of(&p.arn)).collect();
    if let Some(s) = inputs.snapshot {
        accounts.extend(s.principals.iter().filter_map(|p| account_of(&p.arn)));
    }
    let mut files = inputs.files.clone();
    files.sort();
    let mut log_sources: Vec<LogSource> = inputs
        .usage
        .map(|u| {
            u.sources
                .iter()
                .map(|s| LogSource {
                    path: s.path.clone(),
                    sha256: s.sha256.clone(),
                    records: s.records,
                    skipped: s.skipped,
                })
                .collect()
        })
        .unwrap_or_default();
    log_sources.sort();
    let mut policy_sources: Vec<PolicySource> = inputs
        .snapshot
        .map(|s| {
            s.sources
                .iter()
                .map(|x| PolicySource {
                    path: x.path.clone(),
                    kind: serde_json::to_value(x.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    documents: x.documents,
                    skipped: x.skipped,
                })
                .collect()
        })
        .unwrap_or_default();
    policy_sources.sort();
    let mut evidence = Vec::new();
    if inputs.usage.is_some() {
        evidence.push("usage".to_string());
    }
    if inputs.snapshot.is_some() {
        evidence.push("policies".to_string());
    }
    Provenance {
        pare_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: inputs.command_line.clone(),
        catalog: CatalogRef {
            name: src.name.to_string(),
            version: src.version.to_string(),
            sha256: src.sha256.to_string(),
        },
        accounts: accounts.into_iter().collect(),
        window: inputs.usage.and_then(|u| u.window.as_ref()).map(|w| Window {
            start: w.start.clone(),
            end: w.end.clone(),
        }),
        inputs: files,
        log_sources,
        policy_sources,
        frameworks: frameworks.iter().map(|f| f.as_str().to_string()).collect(),
        evidence,
    }
}

/// The account of an IAM or STS ARN.
fn account_of(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let account = parts.nth(3)?;
    (!account.is_empty() && account.chars().all(|c| c.is_ascii_digit())).then(|| account.to_string())
}

fn statement_label(s: &StatementRef) -> String {
    let which = s.sid.clone().unwrap_or_else(|| format!("Statement[{}]", s.index));
    match &s.via_group {
        Some(g) => format!("{}#{} (via {})", s.policy, which, g),
        None => format!("{}#{}", s.policy, which),
    }
}

fn service_of(action: &str) -> String {
    action.split(':').next().unwrap_or(action).to_ascii_lowercase()
}

fn level_of(action: &str) -> String {
    catalog()
        .action(action)
        .map(|a| a.access_level.as_str().to_string())
        .unwrap_or_else(|| "Unknown".into())
}

fn from_analysis(p: &PrincipalAnalysis) -> PrincipalReport {
    let used: Vec<UsedRow> = p
        .used
        .iter()
        .map(|u| UsedRow {
            action: u.action.clone(),
            access_level: u.access_level.to_string(),
            count: u.count,
            denied: u.denied,
            first_seen: u.first_seen.clone(),
            last_seen: u.last_seen.clone(),
            resources: u.resources.clone(),
            sample_event_ids: Vec::new(),
            allowed_by: u.allowed_by.iter().map(statement_label).collect(),
        })
        .collect();
    let missing: Vec<MissingRow> = p
        .missing
        .iter()
        .map(|m| MissingRow {
            action: m.action.clone(),
            access_level: m.access_level.to_string(),
            count: m.count,
            denied: m.denied,
            resources: m.resources.clone(),
            why: m.why.clone(),
        })
        .collect();
    let unused: Vec<UnusedRow> = p
        .unused
        .iter()
        .map(|u| UnusedRow {
            action: u.action.clone(),
            access_level: u.access_level.to_string(),
            risk: u.risk,
            granted_by: u.granted_by.iter().map(statement_label).collect(),
        })
        .collect();
    let unobservable: Vec<UnobservableRow> = p
        .unobservable
        .iter()
        .map(|u| UnobservableRow {
            action: u.action.clone(),
            access_level: u.access_level.to_string(),
            reason: u.reason.to_string(),
            detail: u.detail.clone(),
        })
        .collect();
    let wildcard_statements = p
        .statements
        .iter()
        .filter(|s| s.wildcard != "none")
        .map(|s| WildcardRow {
            statement: statement_label(&s.statement),
            location: format!("{} {}", s.statement.file, s.statement.json_path),
            wildcard: s.wildcard.to_string(),
            actions: s.actions.clone(),
            granted: s.granted,
            used: s.used,
        })
        .collect();
    let escalation = p
        .escalation
        .iter()
        .map(|e| EscalationRow {
            reaches: e.reaches.clone(),
            steps: e
                .steps
                .iter()
                .map(|s| EscalationStepRow {
                    from: s.from.clone(),
                    to: s.to.clone(),
                    method: s.method_name.clone(),
                    actions: s
                        .actions
                        .iter()
                        .map(|a| {
                            let by: Vec<String> = a.allowed_by.iter().map(statement_label).collect();
                            format!("{} on {} (allowed by {})", a.action, a.resource, by.join(", "))
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut services: BTreeMap<String, ServiceRow> = BTreeMap::new();
    for u in &used {
        let r = service_row(&mut services, &u.action);
        r.used += 1;
        r.granted += 1;
    }
    for u in &unused {
        let r = service_row(&mut services, &u.action);
        r.unused += 1;
        r.granted += 1;
    }
    for u in &unobservable {
        let r = service_row(&mut services, &u.action);
        r.unobservable += 1;
        r.granted += 1;
    }
    for m in &missing {
        service_row(&mut services, &m.action).missing += 1;
    }
    PrincipalReport {
        arn: p.arn.clone(),
        kind: p.kind.to_string(),
        declared: p.declared,
        observed: p.observed,
        admin_equivalent: p.admin_equivalent,
        counts: Counts {
            granted: p.counts.granted,
            used: p.counts.used,
            unused: p.counts.unused,
            unobservable: p.counts.unobservable,
            missing: p.counts.missing,
        },
        access_levels: p
            .access_levels
            .iter()
            .map(|l| LevelRow {
                level: l.level.to_string(),
                granted: l.granted,
                used: l.used,
                unused: l.unused,
                unobservable: l.unobservable,
            })
            .collect(),
        services: services.into_values().collect(),
        used,
        missing,
        unused,
        unobservable,
        wildcard_statements,
        escalation,
        proposal: None,
        finding_codes: Vec::new(),
    }
}

fn service_row<'a>(services: &'a mut BTreeMap<String, ServiceRow>, action: &str) -> &'a mut ServiceRow {
    let s = service_of(action);
    services.entry(s.clone()).or_insert(ServiceRow {
        service: s,
        granted: 0,
        used: 0,
        unused: 0,
        unobservable: 0,
        missing: 0,
    })
}

fn from_usage(p: &PrincipalUsage) -> PrincipalReport {
    let used: Vec<UsedRow> = p
        .actions
        .iter()
        .filter(|a| a.count > a.denied)
        .map(|a| UsedRow {
            action: a.action.clone(),
            access_level: level_of(&a.action),
            count: a.count,
            denied: a.denied,
            first_seen: a.first_seen.clone(),
            last_seen: a.last_seen.clone(),
            resources: a.resources.clone(),
            sample_event_ids: a.sample_event_ids.clone(),
            allowed_by: Vec::new(),
        })
        .collect();
    let missing: Vec<MissingRow> = p
        .actions
        .iter()
        .filter(|a| a.denied > 0)
        .map(|a| MissingRow {
            action: a.action.clone(),
            access_level: level_of(&a.action),
            count: a.count,
            denied: a.denied,
            resources: a.resources.clone(),
            why: format!("{} of {} calls were denied", a.denied, a.count),
        })
        .collect();
    let mut levels: BTreeMap<String, LevelRow> = BTreeMap::new();
    let mut services: BTreeMap<String, ServiceRow> = BTreeMap::new();
    for u in &used {
        let l = levels.entry(u.access_level.clone()).or_insert(LevelRow {
            level: u.access_level.clone(),
            granted: 0,
            used: 0,
            unused: 0,
            unobservable: 0,
        });
        l.used += 1;
        service_row(&mut services, &u.action).used += 1;
    }
    for m in &missing {
        service_row(&mut services, &m.action).missing += 1;
    }
    PrincipalReport {
        arn: p.arn.clone(),
        kind: p.r#type.to_string(),
        declared: false,
        observed: true,
        admin_equivalent: false,
        counts: Counts {
            granted: 0,
            used: used.len(),
            unused: 0,
            unobservable: 0,
            missing: missing.len(),
        },
        access_levels: levels.into_values().collect(),
        services: services.into_values().collect(),
        used,
        missing,
        unused: Vec::new(),
        unobservable: Vec::new(),
        wildcard_statements: Vec::new(),
        escalation: Vec::new(),
        proposal: None,
        finding_codes: Vec::new(),
    }
}

fn names(actions: &[&UnusedRow]) -> Vec<String> {
    let mut v: Vec<String> = actions
        .iter()
        .take(EVIDENCE_ACTIONS)
        .map(|u| format!("{} (granted by {})", u.action, u.granted_by.join(", ")))
        .collect();
    if actions.len() > EVIDENCE_ACTIONS {
        v.push(format!("… and {} more", actions.len() - EVIDENCE_ACTIONS));
    }
    v
}

fn principal_findings(p: &PrincipalReport, evidence: Evidence, snapshot: Option<&Snapshot>) -> Vec<Finding> {
    let mut out = Vec::new();
    let arn = p.arn.as_str();
    if p.admin_equivalent {
        out.push(Finding::new(
            Code::AdminEquivalent,
            arn,
            "the declared policies allow every administrative probe on `*`".to_string(),
            p.wildcard_statements
                .iter()
                .map(|w| format!("{} ({})", w.statement, w.location))
                .collect(),
        ));
    }
    if let Some(s) = snapshot {
        if let Some(sp) = s.principals.iter().find(|x| x.arn == p.arn) {
            for (doc, how) in sp
                .inline
                .iter()
                .map(|d| (d, "inline"))
                .chain(sp.attached.iter().map(|d| (d, "attached")))
            {
                if let Ok(policy) = pare_policy::Policy::from_value(&doc.document) {
                    for (i, st) in policy.statements.iter().enumerate() {
                        if is_full_admin(st) {
                            let which = st.sid.clone().unwrap_or_else(|| format!("Statement[{i}]"));
                            out.push(Finding::new(
                                Code::FullAdminPolicy,
                                arn,
                                format!("{how} policy `{}` allows `*` on `*` in {which}", doc.name),
                                vec![format!(
                                    "{}#{} ({} {})",
                                    doc.name, which, doc.origin.file, doc.origin.json_path
                                )],
                            ));
                        }
                    }
                }
            }
            if sp.kind == PrincipalKind::User && (!sp.inline.is_empty() || !sp.attached.is_empty()) {
                let mut ev: Vec<String> = sp.inline.iter().map(|d| format!("inline `{}`", d.name)).collect();
                ev.extend(
                    sp.attached
                        .iter()
                        .map(|d| format!("attached `{}`", d.arn.as_deref().unwrap_or(&d.name))),
                );
                out.push(Finding::new(
                    Code::UserDirectPolicy,
                    arn,
                    format!(
                        "the user holds {} policies directly",
                        sp.inline.len() + sp.attached.len()
                    ),
                    ev,
                ));
            }
        }
    }
    if !p.escalation.is_empty() && !p.admin_equivalent {
        let ev = p
            .escalation
            .iter()
            .take(EVIDENCE_ACTIONS)
            .map(|e| {
                let steps: Vec<String> = e
                    .steps
                    .iter()
                    .map(|s| format!("{} → {} by {}", s.from, s.to, s.method))
                    .collect();
                format!("reaches {}: {}", e.reaches, steps.join("; "))
            })
            .collect();
        out.push(Finding::new(
            Code::PrivilegeEscalation,
            arn,
            format!("{} path(s) to admin-equivalent power", p.escalation.len()),
            ev,
        ));
    }
    if evidence.usage && evidence.policies {
        let by = |levels: &[&str]| -> Vec<&UnusedRow> {
            p.unused
                .iter()
                .filter(|u| levels.contains(&u.access_level.as_str()))
                .collect()
        };
        let pm = by(&["Permissions management"]);
        if !pm.is_empty() {
            out.push(Finding::new(
                Code::UnusedPermissionsManagement,
                arn,
                format!(
                    "{} Permissions management action(s) granted and never used",
                    pm.len()
                ),
                names(&pm),
            ));
        }
        let w = by(&["Write", "Tagging"]);
        if !w.is_empty() {
            out.push(Finding::new(
                Code::UnusedWrite,
                arn,
                format!("{} Write/Tagging action(s) granted and never used", w.len()),
                names(&w),
            ));
        }
        let r = by(&["Read", "List"]);
        if !r.is_empty() {
            out.push(Finding::new(
                Code::UnusedRead,
                arn,
                format!("{} Read/List action(s) granted and never used", r.len()),
                names(&r),
            ));
        }
        if p.declared && !p.observed && p.counts.granted > 0 && p.kind != "group" {
            out.push(Finding::new(
                Code::InactivePrincipal,
                arn,
                format!(
                    "{} action(s) granted, no call in the log window",
                    p.counts.granted
                ),
                Vec::new(),
            ));
        }
        if p.observed && !p.declared {
            out.push(Finding::new(
                Code::UndeclaredPrincipal,
                arn,
                format!(
                    "{} action(s) used by a principal the snapshot does not declare",
                    p.used.len() + p.missing.len()
                ),
                p.missing
                    .iter()
                    .take(EVIDENCE_ACTIONS)
                    .map(|m| m.action.clone())
                    .collect(),
            ));
        }
        if !p.unobservable.is_empty() {
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for u in &p.unobservable {
                *reasons.entry(u.reason.as_str()).or_default() += 1;
            }
            out.push(Finding::new(
                Code::UnobservableGrant,
                arn,
                format!(
                    "{} granted action(s) cannot be shown as used from CloudTrail",
                    p.unobservable.len()
                ),
                reasons.into_iter().map(|(r, n)| format!("{n} × {r}")).collect(),
            ));
        }
    }
    for w in &p.wildcard_statements {
        out.push(Finding::new(
            Code::WildcardAction,
            arn,
            format!(
                "{} grants `{}` ({} actions, {} used)",
                w.statement,
                w.actions.join("`, `"),
                w.granted,
                w.used
            ),
            vec![w.location.clone()],
        ));
    }
    if !p.missing.is_empty() && (evidence.policies || p.missing.iter().any(|m| m.denied > 0)) {
        out.push(Finding::new(
            Code::MissingPermission,
            arn,
            format!("{} action(s) used but not granted or denied", p.missing.len()),
            p.missing
                .iter()
                .take(EVIDENCE_ACTIONS)
                .map(|m| format!("{}: {}", m.action, m.why))
                .collect(),
        ));
    }
    out
}

/// `Allow` of `*` on `*` with no condition (CIS 1.16).
fn is_full_admin(st: &pare_policy::Statement) -> bool {
    st.effect == pare_policy::Effect::Allow
        && !st.action.is_not()
        && st.action.patterns().iter().any(|a| a.is_any())
        && st
            .resource
            .as_ref()
            .is_some_and(|r| !r.is_not() && r.patterns().iter().any(|p| p.is_any()))
        && st.condition.as_ref().is_none_or(|c| c.is_empty())
}

fn account_findings(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let attached = |suffix: &str| -> Vec<&str> {
        s.principals
            .iter()
            .filter(|p| {
                p.attached
                    .iter()
                    .any(|d| d.arn.as_deref().is_some_and(|a| a.ends_with(suffix)))
            })
            .map(|p| p.arn.as_str())
            .collect()
    };
    let roles_with_support: Vec<&str> = s
        .principals
        .iter()
        .filter(|p| p.kind == PrincipalKind::Role)
        .filter(|p| {
            p.attached.iter().any(|d| {
                d.arn
                    .as_deref()
                    .is_some_and(|a| a.ends_with(":policy/AWSSupportAccess"))
            })
        })
        .map(|p| p.arn.as_str())
        .collect();
    if roles_with_support.is_empty() {
        out.push(Finding::new(
            Code::NoSupportRole,
            "account",
            "no role in the snapshot has arn:aws:iam::aws:policy/AWSSupportAccess attached".to_string(),
            Vec::new(),
        ));
    }
    for p in attached(":policy/AWSCloudShellFullAccess") {
        out.push(Finding::new(
            Code::CloudshellFullAccess,
            p,
            "AWSCloudShellFullAccess is attached".to_string(),
            vec!["arn:aws:iam::aws:policy/AWSCloudShellFullAccess".to_string()],
        ));
    }
    out
}

fn summarize(
    principals: &[PrincipalReport],
    findings: &[Finding],
    controls: &[controls::ControlResult],
) -> Summary {
    use findings::Severity;
    let mut s = Summary {
        principals: principals.len(),
        ..Summary::default()
    };
    for f in findings {
        match f.severity {
            Severity::High => s.findings_high += 1,
            Severity::Medium => s.findings_medium += 1,
            Severity::Low => s.findings_low += 1,
            Severity::Info => s.findings_info += 1,
        }
    }
    let high: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .map(|f| f.principal.as_str())
        .collect();
    s.principals_high = principals
        .iter()
        .filter(|p| high.contains(p.arn.as_str()))
        .count();
    for c in controls {
        match c.status {
            controls::Status::Pass => s.controls_pass += 1,
            controls::Status::Fail => s.controls_fail += 1,
            controls::Status::NeedsReview => s.controls_review += 1,
        }
    }
    for p in principals {
        s.granted += p.counts.granted;
        s.used += p.counts.used;
        s.unused += p.counts.unused;
        s.unobservable += p.counts.unobservable;
        s.missing += p.counts.missing;
    }
    s
}

/// Lower-case hex sha256 of `bytes` (input digests in the provenance section).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

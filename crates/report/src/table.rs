//! The report flattened into the two tables auditors load into spreadsheets and data tools: one row per
//! principal × action × resource × state, and one row per finding. CSV and Parquet write these.

use crate::model::Report;

/// Column names of the access table, in order.
pub const ACCESS_COLUMNS: [&str; 12] = [
    "principal",
    "principal_kind",
    "service",
    "action",
    "access_level",
    "resource",
    "state",
    "count",
    "denied",
    "first_seen",
    "last_seen",
    "detail",
];

/// Column names of the findings table, in order.
pub const FINDING_COLUMNS: [&str; 6] = ["code", "severity", "principal", "message", "evidence", "fix"];

/// One row of the access table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRow {
    /// Principal ARN.
    pub principal: String,
    /// Principal kind.
    pub principal_kind: String,
    /// Service prefix.
    pub service: String,
    /// Action.
    pub action: String,
    /// Access level.
    pub access_level: String,
    /// Resource ARN or pattern (`*` when calls recorded none; empty for grants not tied to a call).
    pub resource: String,
    /// `used`, `missing`, `unused`, `unobservable`, or `granted` (a grant, when no usage was given).
    pub state: &'static str,
    /// Calls (for the action; every resource row of an action repeats it).
    pub count: u64,
    /// Denied calls.
    pub denied: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Statements that allow or grant it, or why it is missing/unobservable.
    pub detail: String,
}

/// The access table of a report.
pub fn access_rows(report: &Report) -> Vec<AccessRow> {
    let have_usage = report.provenance.evidence.iter().any(|e| e == "usage");
    let mut rows = Vec::new();
    for p in &report.principals {
        let base = |action: &str, level: &str| AccessRow {
            principal: p.arn.clone(),
            principal_kind: p.kind.clone(),
            service: action.split(':').next().unwrap_or(action).to_ascii_lowercase(),
            action: action.to_string(),
            access_level: level.to_string(),
            resource: String::new(),
            state: "used",
            count: 0,
            denied: 0,
            first_seen: String::new(),
            last_seen: String::new(),
            detail: String::new(),
        };
        for u in &p.used {
            let resources = if u.resources.is_empty() {
                vec!["*".to_string()]
            } else {
                u.resources.clone()
            };
            for r in resources {
                rows.push(AccessRow {
                    resource: r,
                    state: "used",
                    count: u.count,
                    denied: u.denied,
                    first_seen: u.first_seen.clone(),
                    last_seen: u.last_seen.clone(),
                    detail: u.allowed_by.join("; "),
                    ..base(&u.action, &u.access_level)
                });
            }
        }
        for m in &p.missing {
            let resources = if m.resources.is_empty() {
                vec!["*".to_string()]
            } else {
                m.resources.clone()
            };
            for r in resources {
                rows.push(AccessRow {
                    resource: r,
                    state: "missing",
                    count: m.count,
                    denied: m.denied,
                    detail: m.why.clone(),
                    ..base(&m.action, &m.access_level)
                });
            }
        }
        for u in &p.unused {
            rows.push(AccessRow {
                state: if have_usage { "unused" } else { "granted" },
                detail: u.granted_by.join("; "),
                ..base(&u.action, &u.access_level)
            });
        }
        for u in &p.unobservable {
            rows.push(AccessRow {
                state: "unobservable",
                detail: format!("{}: {}", u.reason, u.detail),
                ..base(&u.action, &u.access_level)
            });
        }
    }
    rows
}

/// The findings table of a report: code, severity, principal, message, evidence (joined by ` | `), fix.
pub fn finding_rows(report: &Report) -> Vec<[String; 6]> {
    report
        .findings
        .iter()
        .map(|f| {
            [
                f.code.to_string(),
                f.severity.as_str().to_string(),
                f.principal.clone(),
                f.message.clone(),
                f.evidence.join(" | "),
                f.fix.to_string(),
            ]
        })
        .collect()
}

impl AccessRow {
    /// The row's cells as strings, in [`ACCESS_COLUMNS`] order.
    pub fn cells(&self) -> [String; 12] {
        [
            self.principal.clone(),
            self.principal_kind.clone(),
            self.service.clone(),
            self.action.clone(),
            self.access_level.clone(),
            self.resource.clone(),
            self.state.to_string(),
            self.count.to_string(),
            self.denied.to_string(),
            self.first_seen.clone(),
            self.last_seen.clone(),
            self.detail.clone(),
        ]
    }
}

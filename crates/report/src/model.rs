//! The report document, `pare.report/v1`: what `pare report --format json` prints and every other format
//! renders. Every list is sorted, so the same inputs give byte-identical output.

use serde::Serialize;

use crate::controls::ControlResult;
use crate::findings::Finding;

/// The schema identifier.
pub const SCHEMA: &str = "pare.report/v1";

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// When the report was generated, only when the caller gave it (`--generated-at`): reports carry no
    /// wall-clock time otherwise, so two runs on the same inputs are byte-identical.
    pub generated_at: Option<String>,
    /// What the report was computed from.
    pub provenance: Provenance,
    /// Counts over the whole report.
    pub summary: Summary,
    /// Control rows, by framework then control id.
    pub controls: Vec<ControlResult>,
    /// Findings, most severe first, then by code and principal.
    pub findings: Vec<Finding>,
    /// One entry per principal, sorted by ARN.
    pub principals: Vec<PrincipalReport>,
}

/// Scope and provenance: enough to reproduce the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Provenance {
    /// pare's version.
    pub pare_version: String,
    /// The command line as given.
    pub command_line: Vec<String>,
    /// The embedded IAM catalog.
    pub catalog: CatalogRef,
    /// Accounts seen in the principals' ARNs.
    pub accounts: Vec<String>,
    /// The log window of the usage summary.
    pub window: Option<Window>,
    /// The files given to `pare report`, with their sha256.
    pub inputs: Vec<InputFile>,
    /// The log files the usage summary was replayed from, with their sha256 and record counts.
    pub log_sources: Vec<LogSource>,
    /// The sources the policy snapshot was loaded from.
    pub policy_sources: Vec<PolicySource>,
    /// Frameworks the control rows cover.
    pub frameworks: Vec<String>,
    /// Which evidence the report had: `usage`, `policies`, or both.
    pub evidence: Vec<String>,
}

/// The embedded catalog.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CatalogRef {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// sha256 of the catalog data.
    pub sha256: String,
}

/// A time window (RFC 3339).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Window {
    /// First event.
    pub start: String,
    /// Last event.
    pub end: String,
}

/// A file given to the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// `usage` or `policies`.
    pub kind: String,
    /// The path as given.
    pub path: String,
    /// sha256 of its bytes.
    pub sha256: String,
}

/// A log file behind the usage summary.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogSource {
    /// Path or URL.
    pub path: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// Records used.
    pub records: u64,
    /// Records skipped.
    pub skipped: u64,
}

/// A source of the policy snapshot.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicySource {
    /// Path, or `iam:live`.
    pub path: String,
    /// Kind of source (`policy-file`, `auth-details`, `terraform-plan`, …).
    pub kind: String,
    /// Documents loaded.
    pub documents: usize,
    /// Documents skipped as invalid.
    pub skipped: usize,
}

/// Counts over the whole report.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Principals in the report.
    pub principals: usize,
    /// Principals with at least one finding of severity high.
    pub principals_high: usize,
    /// Findings per severity.
    pub findings_high: usize,
    /// Medium findings.
    pub findings_medium: usize,
    /// Low findings.
    pub findings_low: usize,
    /// Informational findings.
    pub findings_info: usize,
    /// Control rows that pass.
    pub controls_pass: usize,
    /// Control rows that fail.
    pub controls_fail: usize,
    /// Control rows that need review.
    pub controls_review: usize,
    /// Distinct granted actions over all principals (sum per principal).
    pub granted: usize,
    /// Used actions (sum per principal).
    pub used: usize,
    /// Granted but unused (sum per principal).
    pub unused: usize,
    /// Granted, not observable in CloudTrail (sum per principal).
    pub unobservable: usize,
    /// Used but not granted (sum per principal).
    pub missing: usize,
}

/// Everything about one principal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrincipalReport {
    /// ARN or usage identifier.
    pub arn: String,
    /// `user`, `role`, `group`, `undeclared`, or the usage type when no snapshot was given.
    pub kind: String,
    /// In the policy snapshot.
    pub declared: bool,
    /// In the usage summary.
    pub observed: bool,
    /// Admin-equivalent as declared.
    pub admin_equivalent: bool,
    /// Category counts.
    pub counts: Counts,
    /// Granted/used/unused/unobservable per access level.
    pub access_levels: Vec<LevelRow>,
    /// Granted/used/unused/unobservable per service.
    pub services: Vec<ServiceRow>,
    /// Used actions.
    pub used: Vec<UsedRow>,
    /// Used but not granted, or denied.
    pub missing: Vec<MissingRow>,
    /// Granted, unused, riskiest first.
    pub unused: Vec<UnusedRow>,
    /// Granted, unobservable.
    pub unobservable: Vec<UnobservableRow>,
    /// Statements whose Action is a wildcard.
    pub wildcard_statements: Vec<WildcardRow>,
    /// Escalation paths, edge by edge.
    pub escalation: Vec<EscalationRow>,
    /// The proposed least-privilege policy.
    pub proposal: Option<ProposalRow>,
    /// Codes of this principal's findings.
    pub finding_codes: Vec<String>,
}

/// Category counts for one principal.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Granted actions.
    pub granted: usize,
    /// Used actions.
    pub used: usize,
    /// Granted, unused, observable.
    pub unused: usize,
    /// Granted, unused, not observable.
    pub unobservable: usize,
    /// Used but not granted.
    pub missing: usize,
}

/// One access level's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelRow {
    /// `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub level: String,
    /// Granted.
    pub granted: usize,
    /// Used.
    pub used: usize,
    /// Unused.
    pub unused: usize,
    /// Unobservable.
    pub unobservable: usize,
}

/// One service's figures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServiceRow {
    /// Service prefix.
    pub service: String,
    /// Granted.
    pub granted: usize,
    /// Used.
    pub used: usize,
    /// Unused.
    pub unused: usize,
    /// Unobservable.
    pub unobservable: usize,
    /// Used but not granted.
    pub missing: usize,
}

/// A used action.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsedRow {
    /// Action.
    pub action: String,
    /// Access level.
    pub access_level: String,
    /// Calls.
    pub count: u64,
    /// Calls denied.
    pub denied: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Resources touched.
    pub resources: Vec<String>,
    /// Sample CloudTrail event ids.
    pub sample_event_ids: Vec<String>,
    /// Statements that allow it (`policy#sid-or-index`), empty without a snapshot.
    pub allowed_by: Vec<String>,
}

/// A used action that the declared policies do not allow (or that was denied).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MissingRow {
    /// Action.
    pub action: String,
    /// Access level.
    pub access_level: String,
    /// Calls.
    pub count: u64,
    /// Calls denied.
    pub denied: u64,
    /// Resources.
    pub resources: Vec<String>,
    /// Why it is missing.
    pub why: String,
}

/// A granted, unused action.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnusedRow {
    /// Action.
    pub action: String,
    /// Access level.
    pub access_level: String,
    /// Risk score (higher first).
    pub risk: u32,
    /// Statements that grant it.
    pub granted_by: Vec<String>,
}

/// A granted action CloudTrail cannot show.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnobservableRow {
    /// Action.
    pub action: String,
    /// Access level.
    pub access_level: String,
    /// Reason code.
    pub reason: String,
    /// Explanation.
    pub detail: String,
}

/// A statement granting a wildcard action.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WildcardRow {
    /// `policy#sid-or-index`.
    pub statement: String,
    /// Where it was read (`file` and JSON path).
    pub location: String,
    /// `*`, `service:*` or `pattern`.
    pub wildcard: String,
    /// Its action patterns.
    pub actions: Vec<String>,
    /// Actions it grants.
    pub granted: usize,
    /// Of those, used.
    pub used: usize,
}

/// One escalation path.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EscalationRow {
    /// What it reaches.
    pub reaches: String,
    /// The steps, in order.
    pub steps: Vec<EscalationStepRow>,
}

/// One step of an escalation path.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EscalationStepRow {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Method name.
    pub method: String,
    /// The actions the step needs, with the statements that allow them.
    pub actions: Vec<String>,
}

/// The proposal for one principal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProposalRow {
    /// The proposed policy document.
    pub policy: serde_json::Value,
    /// Statements in it.
    pub statements: usize,
    /// Size as IAM counts it.
    pub characters: usize,
    /// The size limit that applies.
    pub limit: usize,
    /// Actions granted by the declared policies that the proposal removes.
    pub actions_removed: Option<usize>,
    /// Declared actions (catalog expansion).
    pub declared_actions: Option<usize>,
    /// Proposed actions.
    pub proposed_actions: usize,
    /// Resources narrowed.
    pub resources_narrowed: Option<usize>,
}

impl Report {
    /// Pretty JSON with a trailing newline.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

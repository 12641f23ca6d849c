//! The `pare.proposals/v1` document: what `pare propose --format json` prints.
//!
//! The fields of DESIGN.md are kept exactly; the additive ones (`size.fits`, `compared_to_declared`'s
//! details, `wildcards`, `excluded`, `warnings`, `from_count`, `count`, `conditions`) explain the proposal
//! further and are omitted when empty.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema name of a proposals document.
pub const SCHEMA: &str = "pare.proposals/v1";

/// Every proposal of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposals {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// `exact`, `balanced` or `loose`.
    pub strictness: String,
    /// One per principal, sorted by principal.
    pub proposals: Vec<Proposal>,
    /// Principals of the usage summary that got no proposal (they cannot hold identity policies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

/// A principal that got no proposal, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The principal, as in the usage summary.
    pub principal: String,
    /// Why.
    pub reason: String,
}

/// The proposed policy of one principal, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The principal's ARN, as in the usage summary.
    pub principal: String,
    /// The proposed identity policy.
    pub policy: PolicyJson,
    /// One entry per statement, in the same order.
    pub justification: Vec<Justification>,
    /// Its size as IAM counts it.
    pub size: Size,
    /// How it compares with the principal's declared policies; `null` without a policy snapshot.
    pub compared_to_declared: Option<Compared>,
    /// Every wildcard that admits more than what was observed, and exactly what it admits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wildcards: Vec<WildcardAdmission>,
    /// Observed actions left out of the policy, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<Excluded>,
    /// Anything the reader must know (the policy does not fit its size limit, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An IAM policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyJson {
    /// Always `2012-10-17`.
    #[serde(rename = "Version")]
    pub version: String,
    /// The statements, sorted by Sid.
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// A stable id derived from the statement's services, access levels and first resource.
    #[serde(rename = "Sid")]
    pub sid: String,
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: String,
    /// Actions (sorted), possibly with wildcards listed in [`Proposal::wildcards`].
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// Resource patterns (sorted).
    #[serde(rename = "Resource")]
    pub resource: Vec<String>,
    /// Conditions learned from the run (`exact` only), operator → key → values.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Map<String, Value>>,
}

/// Why a statement is there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Justification {
    /// The statement's Sid.
    pub sid: String,
    /// The observed actions the statement allows (before any action wildcard).
    pub actions: Vec<String>,
    /// Successful calls behind them.
    #[serde(default)]
    pub count: u64,
    /// Some of the CloudTrail event ids that used them.
    pub sample_event_ids: Vec<String>,
    /// How each resource pattern was derived.
    pub resources: Vec<ResourceJustification>,
    /// How each condition was learned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// How one resource pattern was derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceJustification {
    /// The pattern as it appears in the statement.
    pub pattern: String,
    /// Concrete ARNs it was derived from (at most 20; see `from_count`).
    pub from: Vec<String>,
    /// How many concrete ARNs it was derived from.
    #[serde(default)]
    pub from_count: usize,
    /// Why this pattern: what varied, or that the name was stable, or why `*`.
    pub why: String,
}

/// The size of a policy as IAM counts it: characters of the JSON without whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// Characters, whitespace not counted.
    pub characters: usize,
    /// The limit of the policy kind it was sized for.
    pub limit: usize,
    /// `managed`, `role-inline`, `user-inline` or `group-inline`.
    #[serde(default)]
    pub kind: String,
    /// Whether it fits.
    #[serde(default)]
    pub fits: bool,
}

/// How the proposal compares with the principal's declared policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Compared {
    /// Catalog actions the declared policies allow that the proposal does not.
    pub actions_removed: usize,
    /// Proposed actions whose declared resources were broader than the proposed ones.
    pub resources_narrowed: usize,
    /// Catalog actions the declared policies allow (wildcards expanded through the catalog).
    #[serde(default)]
    pub declared_actions: usize,
    /// Catalog actions the proposal allows.
    #[serde(default)]
    pub proposed_actions: usize,
    /// Characters of the declared identity policies (whitespace not counted).
    #[serde(default)]
    pub declared_characters: usize,
    /// Declared documents that could not be parsed (they count as granting nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unparsed: Vec<String>,
    /// Actions in the proposal that the declared policies do not allow (only with `--include-denied`, or
    /// when a call succeeded through a grant outside the snapshot, such as a resource policy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_declared: Vec<String>,
}

/// One wildcard and what it admits beyond the observed calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WildcardAdmission {
    /// The statement holding it.
    pub sid: String,
    /// `action` (an action wildcard) or `merge` (statements merged to save space).
    pub kind: String,
    /// The action pattern, or a description of the merge.
    pub pattern: String,
    /// Actions it admits that were not observed (empty: it adds nothing as of this catalog).
    pub extra_actions: Vec<String>,
    /// Action × resource pairs it admits that were not there before (merges).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_grants: Vec<String>,
    /// Why it was used.
    pub why: String,
}

/// An observed action left out of the proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    /// The action.
    pub action: String,
    /// Calls observed (all denied, or not allowed by the declared policies).
    pub count: u64,
    /// `denied` or `not-declared`.
    pub reason: String,
    /// Sample event ids.
    pub sample_event_ids: Vec<String>,
}

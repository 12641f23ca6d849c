//! The usage summary, `pare.usage/v1`: per principal, which IAM actions it used, how often, when, on which
//! resources, plus where the evidence came from and what could not be used.
//!
//! Every list is kept sorted and deduplicated ([`UsageSummary::normalize`]) so that the same inputs serialize to
//! byte-identical JSON. [`merge`] is associative and commutative: shards replayed separately (per account, region
//! or day) combine into the summary a single replay of all of them would give.
//!
//! Capped lists (the sample event ids of an action, the error list) keep the *smallest* entries of the union,
//! which is what keeps capping compatible with associativity and commutativity.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The schema identifier written in every summary.
pub const SCHEMA: &str = "pare.usage/v1";

/// How many sample event ids an action keeps (the lexicographically smallest ones).
pub const MAX_SAMPLE_EVENT_IDS: usize = 5;

/// How many record errors the summary lists (the first ones by source and record); the count per reason is kept
/// in [`Stats::reasons`] whatever the cap.
pub const MAX_ERRORS: usize = 100;

/// The resource written for calls that named no resource ARN.
pub const ANY_RESOURCE: &str = "*";

/// A usage summary (`pare.usage/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageSummary {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The inputs, one entry per file or named reader, sorted by path.
    pub sources: Vec<SourceInfo>,
    /// Earliest and latest event time of the records used; absent when no record was used.
    pub window: Option<Window>,
    /// Counts of records used, skipped and unmapped, and the errors met.
    pub stats: Stats,
    /// Per principal, the actions it used, sorted by ARN.
    pub principals: Vec<PrincipalUsage>,
    /// Events the catalog could not map to any IAM action, sorted by source and name.
    pub unmapped: Vec<UnmappedEvent>,
}

/// One input of a replay.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceInfo {
    /// File path as given (or found under a directory), `s3://bucket/key`, or the name of an in-memory reader.
    pub path: String,
    /// SHA-256 of the bytes read (compressed bytes for `.gz`), lowercase hex.
    pub sha256: String,
    /// Records of this source that were used.
    pub records: u64,
    /// Records of this source that were skipped (errors and filtered out).
    pub skipped: u64,
}

/// A time window, RFC 3339 UTC (`2026-11-01T00:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Earliest event time.
    pub start: String,
    /// Latest event time.
    pub end: String,
}

/// Record counts. `records + skipped` is the number of records in the sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Records used (mapped, unmapped or needing no permission).
    pub records: u64,
    /// Records that could not be used (bad input) or were filtered out (`--principal`, `--since`, `--until`).
    pub skipped: u64,
    /// Records whose event the catalog could not map (included in `records`).
    pub unmapped: u64,
    /// Records whose event needs no IAM permission, e.g. `ConsoleLogin` (included in `records`).
    #[serde(default)]
    pub no_permission_needed: u64,
    /// The first [`MAX_ERRORS`] errors, sorted by source, record and message.
    pub errors: Vec<RecordError>,
    /// Skipped records per reason (kebab-case code such as `not-json`, `missing-field`, `outside-window`).
    #[serde(default)]
    pub reasons: BTreeMap<String, u64>,
}

/// A record (or a whole source) that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordError {
    /// The source it came from.
    pub source: String,
    /// Zero-based index of the record in its source.
    pub record: u64,
    /// 1-based line, for JSON-lines sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What is wrong, lowercase, user values in backticks.
    pub message: String,
    /// The kebab-case reason code counted in [`Stats::reasons`].
    #[serde(default)]
    pub reason: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} ({}:{})", self.message, self.source, line),
            None => write!(f, "{} ({}:record {})", self.message, self.source, self.record),
        }
    }
}

/// What kind of identity made the calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PrincipalType {
    /// An IAM user, `arn:aws:iam::<account>:user/<path><name>`.
    IAMUser,
    /// A role, from its assumed-role sessions: `arn:aws:iam::<account>:role/<path><name>` (SSO roles included).
    AssumedRole,
    /// The account root user, `arn:aws:iam::<account>:root`.
    Root,
    /// An AWS service acting on its own, `service:<host>` such as `service:ec2.amazonaws.com`.
    AWSService,
    /// An STS federated user, `arn:aws:sts::<account>:federated-user/<name>`.
    FederatedUser,
    /// A web identity (OIDC) user, `web-identity:<provider>/<user>`.
    WebIdentityUser,
    /// A SAML user, `saml:<provider>/<user>`.
    SAMLUser,
    /// An IAM Identity Center user, `identity-center:<identity store ARN>/<user id>`.
    IdentityCenterUser,
    /// Another AWS account, `arn:aws:iam::<account>:root`.
    AWSAccount,
    /// An unauthenticated caller, `anonymous`.
    Anonymous,
    /// CloudTrail said `Unknown` (or nothing recognisable): `unknown:<account>/<user name>`.
    Unknown,
}

/// One principal and what it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalUsage {
    /// The principal's identifier (an IAM ARN for users, roles and root; see [`PrincipalType`]).
    pub arn: String,
    /// The kind of principal.
    #[serde(rename = "type")]
    pub r#type: PrincipalType,
    /// Actions used, sorted by name.
    pub actions: Vec<ActionUsage>,
}

/// One action used by one principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUsage {
    /// Canonical action name, `s3:GetObject`.
    pub action: String,
    /// Calls that needed this action (failed ones included).
    pub count: u64,
    /// Calls refused with an access-denied error code.
    pub denied: u64,
    /// Earliest call.
    pub first_seen: String,
    /// Latest call.
    pub last_seen: String,
    /// `eventSource:eventName` pairs that needed this action, sorted.
    pub event_names: Vec<String>,
    /// Resource ARNs the calls touched, sorted; `*` when some calls named none.
    pub resources: Vec<String>,
    /// Up to [`MAX_SAMPLE_EVENT_IDS`] event ids (the smallest), sorted.
    pub sample_event_ids: Vec<String>,
    /// Regions the calls went to, sorted.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Events the catalog did not map.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnmappedEvent {
    /// `eventSource`, e.g. `s3.amazonaws.com`.
    pub event_source: String,
    /// `eventName` as recorded.
    pub event_name: String,
    /// How many records.
    pub count: u64,
}

/// Errors reading or writing a summary.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// The file could not be read or written.
    #[error("cannot {op} `{path}`: {source}")]
    Io {
        /// `read` or `write`.
        op: &'static str,
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The JSON is not a usage summary.
    #[error("not a usage summary ({path}:{line}): {message}")]
    Json {
        /// The file (or `<input>`).
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON is a different schema.
    #[error("unsupported schema `{found}`, expected `{SCHEMA}` ({path})")]
    Schema {
        /// The file (or `<input>`).
        path: String,
        /// The schema found.
        found: String,
    },
}

impl Default for UsageSummary {
    fn default() -> Self {
        Self::empty()
    }
}

impl UsageSummary {
    /// A summary of nothing: the identity of [`merge`].
    pub fn empty() -> Self {
        UsageSummary {
            schema: SCHEMA.to_string(),
            sources: Vec::new(),
            window: None,
            stats: Stats::default(),
            principals: Vec::new(),
            unmapped: Vec::new(),
        }
    }

    /// Reads a summary from a JSON file.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, UsageError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| UsageError::Io {
            op: "read",
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json_named(&text, &path.display().to_string())
    }

    /// Parses a summary from JSON text.
    pub fn from_json(text: &str) -> Result<Self, UsageError> {
        Self::from_json_named(text, "<input>")
    }

    fn from_json_named(text: &str, name: &str) -> Result<Self, UsageError> {
        #[derive(Deserialize)]
        struct Head {
            schema: Option<String>,
        }
        if let Ok(Head { schema: Some(found) }) = serde_json::from_str::<Head>(text) {
            if found != SCHEMA {
                return Err(UsageError::Schema {
                    path: name.to_string(),
                    found,
                });
            }
        }
        let mut summary: UsageSummary = serde_json::from_str(text).map_err(|e| UsageError::Json {
            path: name.to_string(),
            line: e.line(),
            message: e.to_string(),
        })?;
        summary.normalize();
        Ok(summary)
    }

    /// Pretty JSON with a trailing newline; deterministic for a normalized summary.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes [`Self::to_json_pretty`] to a file, streamed (a large summary is not held twice in memory).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), UsageError> {
        use std::io::Write;
        let path = path.as_ref();
        let io_err = |source: std::io::Error| UsageError::Io {
            op: "write",
            path: path.display().to_string(),
            source,
        };
        let file = std::fs::File::create(path).map_err(io_err)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer_pretty(&mut out, self).map_err(|e| io_err(e.into()))?;
        out.write_all(b"\n").map_err(io_err)?;
        out.flush().map_err(io_err)
    }

    /// Looks a principal up by ARN (the list is sorted).
    pub fn principal(&self, arn: &str) -> Option<&PrincipalUsage> {
        self.principals
            .binary_search_by(|p| p.arn.as_str().cmp(arn))
            .ok()
            .and_then(|i| self.principals.get(i))
    }

    /// Sorts and deduplicates every list, merging duplicate principals, actions and unmapped entries, and
    /// applies the caps. Idempotent; [`merge`] and the replay always return normalized summaries.
    pub fn normalize(&mut self) {
        self.schema = SCHEMA.to_string();
        self.sources.sort();
        self.stats.errors.sort();
        self.stats.errors.dedup();
        self.stats.errors.truncate(MAX_ERRORS);

        let mut principals: BTreeMap<String, PrincipalUsage> = BTreeMap::new();
        for p in std::mem::take(&mut self.principals) {
            match principals.get_mut(&p.arn) {
                Some(existing) => merge_principal(existing, p),
                None => {
                    principals.insert(p.arn.clone(), p);
                }
            }
        }
        self.principals = principals
            .into_values()
            .map(|mut p| {
                let mut actions: BTreeMap<String, ActionUsage> = BTreeMap::new();
                for a in std::mem::take(&mut p.actions) {
                    match actions.get_mut(&a.action) {
                        Some(existing) => merge_action(existing, a),
                        None => {
                            actions.insert(a.action.clone(), a);
                        }
                    }
                }
                p.actions = actions
                    .into_values()
                    .map(|mut a| {
                        normalize_action(&mut a);
                        a
                    })
                    .collect();
                p
            })
            .collect();

        let mut unmapped: BTreeMap<(String, String), u64> = BTreeMap::new();
        for u in std::mem::take(&mut self.unmapped) {
            *unmapped.entry((u.event_source, u.event_name)).or_default() += u.count;
        }
        self.unmapped = unmapped
            .into_iter()
            .map(|((event_source, event_name), count)| UnmappedEvent {
                event_source,
                event_name,
                count,
            })
            .collect();
    }
}

fn normalize_action(a: &mut ActionUsage) {
    for list in [&mut a.event_names, &mut a.resources, &mut a.regions] {
        list.sort();
        list.dedup();
    }
    a.sample_event_ids.sort();
    a.sample_event_ids.dedup();
    a.sample_event_ids.truncate(MAX_SAMPLE_EVENT_IDS);
}

fn union_sorted(a: &mut Vec<String>, b: Vec<String>) {
    a.extend(b);
    a.sort();
    a.dedup();
}

fn merge_action(into: &mut ActionUsage, other: ActionUsage) {
    into.count += other.count;
    into.denied += other.denied;
    if other.first_seen < into.first_seen {
        into.first_seen = other.first_seen;
    }
    if other.last_seen > into.last_seen {
        into.last_seen = other.last_seen;
    }
    union_sorted(&mut into.event_names, other.event_names);
    union_sorted(&mut into.resources, other.resources);
    union_sorted(&mut into.regions, other.regions);
    union_sorted(&mut into.sample_event_ids, other.sample_event_ids);
    into.sample_event_ids.truncate(MAX_SAMPLE_EVENT_IDS);
}

fn merge_principal(into: &mut PrincipalUsage, other: PrincipalUsage) {
    // The same identifier with two kinds cannot come from one replay; pick deterministically.
    into.r#type = into.r#type.min(other.r#type);
    into.actions.extend(other.actions);
}

/// Merges two summaries: counts add up, sets unite, windows widen, capped lists keep their smallest entries.
/// Associative and commutative, with [`UsageSummary::empty`] as identity (on normalized summaries).
pub fn merge(a: &UsageSummary, b: &UsageSummary) -> UsageSummary {
    let mut out = a.clone();
    merge_into(&mut out, b.clone());
    out
}

/// In-place form of [`merge`]: `into = merge(into, other)`.
pub fn merge_into(into: &mut UsageSummary, other: UsageSummary) {
    into.sources.extend(other.sources);
    into.window = match (into.window.take(), other.window) {
        (None, w) | (w, None) => w,
        (Some(a), Some(b)) => Some(Window {
            start: a.start.min(b.start),
            end: a.end.max(b.end),
        }),
    };
    into.stats.records += other.stats.records;
    into.stats.skipped += other.stats.skipped;
    into.stats.unmapped += other.stats.unmapped;
    into.stats.no_permission_needed += other.stats.no_permission_needed;
    into.stats.errors.extend(other.stats.errors);
    for (reason, n) in other.stats.reasons {
        *into.stats.reasons.entry(reason).or_default() += n;
    }
    into.principals.extend(other.principals);
    into.unmapped.extend(other.unmapped);
    into.normalize();
}

impl std::fmt::Display for PrincipalType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            PrincipalType::IAMUser => "IAMUser",
            PrincipalType::AssumedRole => "AssumedRole",
            PrincipalType::Root => "Root",
            PrincipalType::AWSService => "AWSService",
            PrincipalType::FederatedUser => "FederatedUser",
            PrincipalType::WebIdentityUser => "WebIdentityUser",
            PrincipalType::SAMLUser => "SAMLUser",
            PrincipalType::IdentityCenterUser => "IdentityCenterUser",
            PrincipalType::AWSAccount => "AWSAccount",
            PrincipalType::Anonymous => "Anonymous",
            PrincipalType::Unknown => "Unknown",
        };
        f.write_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_action() -> impl Strategy<Value = ActionUsage> {
        (
            prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "iam:PassRole"]),
            0u64..50,
            0u64..5,
            0u32..40,
            0u32..40,
            prop::collection::vec(
                prop::sample::select(vec!["s3.amazonaws.com:GetObject", "x:Y"]),
                0..3,
            ),
            prop::collection::vec(
                prop::sample::select(vec!["*", "arn:aws:s3:::b/k", "arn:aws:s3:::b"]),
                0..3,
            ),
            prop::collection::vec("[a-f0-9]{3}", 0..8),
            prop::collection::vec(prop::sample::select(vec!["us-east-1", "eu-west-1"]), 0..2),
        )
            .prop_map(|(action, count, denied, t1, t2, en, res, ids, regions)| {
                let (lo, hi) = (t1.min(t2), t1.max(t2));
                ActionUsage {
                    action: action.to_string(),
                    count,
                    denied,
                    first_seen: format!("2026-11-01T00:00:{lo:02}Z"),
                    last_seen: format!("2026-11-01T00:00:{hi:02}Z"),
                    event_names: en.into_iter().map(String::from).collect(),
                    resources: res.into_iter().map(String::from).collect(),
                    sample_event_ids: ids,
                    regions: regions.into_iter().map(String::from).collect(),
                }
            })
    }

    fn arb_summary() -> impl Strategy<Value = UsageSummary> {
        (
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "arn:aws:iam::1:user/a",
                        "arn:aws:iam::1:role/r",
                        "anonymous",
                    ]),
                    prop::collection::vec(arb_action(), 0..3),
                ),
                0..3,
            ),
            prop::collection::vec(("[a-c]", 0u64..3, "[a-z ]{0,5}"), 0..4),
            prop::collection::vec((prop::sample::select(vec!["s3", "ec2"]), "[A-C]", 1u64..4), 0..3),
            prop::option::of((0u32..30, 0u32..30)),
            0u64..100,
        )
            .prop_map(|(ps, errs, unm, window, records)| {
                let mut s = UsageSummary::empty();
                s.principals = ps
                    .into_iter()
                    .map(|(arn, actions)| PrincipalUsage {
                        arn: arn.to_string(),
                        r#type: if arn.contains(":role/") {
                            PrincipalType::AssumedRole
                        } else {
                            PrincipalType::IAMUser
                        },
                        actions,
                    })
                    .collect();
                for (src, rec, msg) in errs {
                    s.stats.errors.push(RecordError {
                        source: src,
                        record: rec,
                        line: None,
                        message: msg,
                        reason: "not-json".into(),
                    });
                    s.stats.skipped += 1;
                    *s.stats.reasons.entry("not-json".into()).or_default() += 1;
                }
                s.unmapped = unm
                    .into_iter()
                    .map(|(a, b, c)| UnmappedEvent {
                        event_source: a.to_string(),
                        event_name: b,
                        count: c,
                    })
                    .collect();
                s.window = window.map(|(a, b)| Window {
                    start: format!("2026-11-01T00:{:02}:00Z", a.min(b)),
                    end: format!("2026-11-01T00:{:02}:00Z", a.max(b)),
                });
                s.stats.records = records;
                s.sources.push(SourceInfo {
                    path: format!("f{records}"),
                    sha256: "00".into(),
                    records,
                    skipped: 0,
                });
                s.normalize();
                s
            })
    }

    proptest! {
        #[test]
        fn merge_is_commutative(a in arb_summary(), b in arb_summary()) {
            prop_assert_eq!(merge(&a, &b), merge(&b, &a));
        }

        #[test]
        fn merge_is_associative(a in arb_summary(), b in arb_summary(), c in arb_summary()) {
            prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
        }

        #[test]
        fn empty_is_identity(a in arb_summary()) {
            prop_assert_eq!(merge(&a, &UsageSummary::empty()), a.clone());
            prop_assert_eq!(merge(&UsageSummary::empty(), &a), a);
        }

        #[test]
        fn json_round_trips(a in arb_summary()) {
            let text = a.to_json_pretty();
            let back = UsageSummary::from_json(&text).unwrap();
            prop_assert_eq!(back.to_json_pretty(), text);
            prop_assert_eq!(back, a);
        }

        #[test]
        fn merge_adds_counts(a in arb_summary(), b in arb_summary()) {
            let m = merge(&a, &b);
            prop_assert_eq!(m.stats.records, a.stats.records + b.stats.records);
            prop_assert_eq!(m.stats.skipped, a.stats.skipped + b.stats.skipped);
            let total = |s: &UsageSummary| s.principals.iter().flat_map(|p| &p.actions).map(|x| x.count).sum::<u64>();
            prop_assert_eq!(total(&m), total(&a) + total(&b));
        }
    }

    #[test]
    fn reads_the_design_example() {
        let text = r#"{
          "schema": "pare.usage/v1",
          "sources": [{"path": "a.json", "sha256": "ab", "records": 1234, "skipped": 0}],
          "window": {"start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z"},
          "stats": {"records": 1234, "skipped": 0, "unmapped": 3, "errors": [{"source": "a.json", "record": 17, "message": "m"}]},
          "principals": [{
            "arn": "arn:aws:iam::111122223333:role/app",
            "type": "AssumedRole",
            "actions": [{
              "action": "s3:GetObject",
              "count": 42, "denied": 0,
              "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-01T00:00:00Z",
              "event_names": ["s3.amazonaws.com:GetObject"],
              "resources": ["arn:aws:s3:::bucket/key"],
              "sample_event_ids": ["e1"]
            }]
          }],
          "unmapped": [{"event_source": "x.amazonaws.com", "event_name": "Y", "count": 3}]
        }"#;
        let s = UsageSummary::from_json(text).unwrap();
        assert_eq!(s.principals[0].r#type, PrincipalType::AssumedRole);
        assert_eq!(
            s.principal("arn:aws:iam::111122223333:role/app").unwrap().actions[0].count,
            42
        );
        assert!(s.to_json_pretty().contains("\"type\": \"AssumedRole\""));
    }

    #[test]
    fn rejects_other_schemas() {
        let err = UsageSummary::from_json(r#"{"schema":"pare.policies/v1"}"#).unwrap_err();
        assert!(err.to_string().contains("unsupported schema `pare.policies/v1`"));
    }
}

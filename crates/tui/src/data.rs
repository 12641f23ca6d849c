//! What the screens show: the principals list built straight from the usage summary and the policy snapshot
//! (cheap: no analysis), the per-principal analyses (`pare.analysis/v1` entries from `pare_graph`) as they
//! arrive, and the rows derived from them. No analysis of its own.

use pare_graph::report::{PrincipalAnalysis, StatementRef};
use pare_graph::PermissionGraph;
use pare_load::snapshot::{PrincipalKind, Snapshot};
use pare_trail::usage::{ActionUsage, PrincipalType, UsageSummary, Window};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// What the principals list shows of one principal before (and without) its analysis: read straight from
/// the usage summary and the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalInfo {
    /// Its ARN (or the usage summary's identifier for principals that are not IAM ARNs).
    pub arn: String,
    /// `user`, `role` or `undeclared` (as in `pare.analysis/v1`).
    pub kind: &'static str,
    /// In the snapshot.
    pub declared: bool,
    /// In the usage summary.
    pub observed: bool,
    /// The usage summary's principal type (`IAMUser`, `AssumedRole`, …) when observed.
    pub usage_type: Option<String>,
    /// Calls recorded (every action, failed calls included).
    pub calls: u64,
    /// Distinct actions used.
    pub actions: usize,
    /// Latest call (RFC 3339), empty when none.
    pub last_seen: String,
    /// Identity policies declared for it: inline, attached, and those of its groups.
    pub policies: usize,
}

/// What the principals list needs of a usage summary: per principal, its actions' names, counts and last
/// calls. Read from a summary file without the rest (resources, event names, sample ids), so a large
/// summary lists its principals long before it is fully read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UsageDigest {
    /// The schema identifier (`pare.usage/v1`).
    #[serde(default)]
    pub schema: Option<String>,
    /// The usage window.
    #[serde(default)]
    pub window: Option<Window>,
    /// The principals.
    #[serde(default)]
    pub principals: Vec<PrincipalDigest>,
}

/// One principal of a [`UsageDigest`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrincipalDigest {
    /// Its identifier.
    pub arn: String,
    /// Its kind.
    pub r#type: PrincipalType,
    /// Its actions.
    #[serde(default)]
    pub actions: Vec<ActionDigest>,
}

/// One action of a [`PrincipalDigest`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionDigest {
    /// The action.
    pub action: String,
    /// Calls.
    pub count: u64,
    /// Latest call.
    pub last_seen: String,
}

impl UsageDigest {
    /// The digest of a summary in memory.
    pub fn of(usage: &UsageSummary) -> UsageDigest {
        UsageDigest {
            schema: Some(usage.schema.clone()),
            window: usage.window.clone(),
            principals: usage
                .principals
                .iter()
                .map(|p| PrincipalDigest {
                    arn: p.arn.clone(),
                    r#type: p.r#type,
                    actions: p
                        .actions
                        .iter()
                        .map(|a| ActionDigest {
                            action: a.action.clone(),
                            count: a.count,
                            last_seen: a.last_seen.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Reads the digest of a summary file (one pass, skipping what the list does not show). `None` when the
    /// file cannot be read this way: [`UsageSummary::read`] then says what is wrong with it.
    pub fn read(path: &Path) -> Option<UsageDigest> {
        let bytes = std::fs::read(path).ok()?;
        let digest: UsageDigest = serde_json::from_slice(&bytes).ok()?;
        (digest.schema.as_deref() == Some(pare_trail::usage::SCHEMA)).then_some(digest)
    }
}

/// The principals list: what the first frame shows, before any analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Every user, role and observed principal, sorted by ARN: the principals `pare_graph` analyses, in
    /// the order of `pare.analysis/v1`. Indices into this list name principals everywhere in the state.
    pub principals: Vec<PrincipalInfo>,
    /// The usage window.
    pub window: Option<Window>,
}

impl Listing {
    /// Joins the usage digest and the snapshot; cheap (one pass over each, no analysis).
    pub fn new(usage: &UsageDigest, snapshot: Option<&Snapshot>) -> Listing {
        Listing {
            principals: principal_list(usage, snapshot),
            window: usage.window.clone(),
        }
    }

    /// The index of a principal in [`Listing::principals`].
    pub fn index_of(&self, arn: &str) -> Option<usize> {
        self.principals.binary_search_by(|p| p.arn.as_str().cmp(arn)).ok()
    }
}

/// Everything loaded, shared read-only between the UI and the workers.
#[derive(Debug)]
pub struct Data {
    /// The principals list (indices into it name principals everywhere in the state).
    pub listing: Arc<Listing>,
    /// The usage summary (empty when opened with a snapshot only).
    pub usage: UsageSummary,
    /// The policy snapshot, when one was given.
    pub snapshot: Option<Snapshot>,
    /// Whether event JSON can be looked up in log files (opened with `--logs`).
    pub logs: Vec<String>,
}

/// The analysis of one principal, as far as it has got.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// Not analysed yet (queued on the analysis worker).
    Pending,
    /// Analysed.
    Ready(Box<PrincipalAnalysis>),
    /// The analysis could not be made, and why.
    Failed(String),
}

impl Slot {
    /// The analysis, when it has arrived.
    pub fn ready(&self) -> Option<&PrincipalAnalysis> {
        match self {
            Slot::Ready(p) => Some(p),
            _ => None,
        }
    }

    /// Whether it is still awaited.
    pub fn is_pending(&self) -> bool {
        matches!(self, Slot::Pending)
    }
}

impl Data {
    /// Joins `usage` and `snapshot` into the principals list; cheap (one pass over each, no analysis).
    pub fn new(usage: UsageSummary, snapshot: Option<Snapshot>, logs: Vec<String>) -> Data {
        let listing = Arc::new(Listing::new(&UsageDigest::of(&usage), snapshot.as_ref()));
        Data::with_listing(listing, usage, snapshot, logs)
    }

    /// The data with a listing already made from the same usage and snapshot (by [`UsageDigest::read`]).
    pub fn with_listing(
        listing: Arc<Listing>,
        usage: UsageSummary,
        snapshot: Option<Snapshot>,
        logs: Vec<String>,
    ) -> Data {
        Data {
            listing,
            usage,
            snapshot,
            logs,
        }
    }

    /// The principals list.
    pub fn principals(&self) -> &[PrincipalInfo] {
        &self.listing.principals
    }

    /// The index of a principal in the principals list.
    pub fn index_of(&self, arn: &str) -> Option<usize> {
        self.listing.index_of(arn)
    }

    /// Analyses the principals at `indices`, in that order, with one permission graph (built first), and
    /// hands each result to `sink` as soon as it is made; stops early when `sink` returns `false`. The
    /// analysis worker of the TUI and the synchronous [`Data::analyze_all`] both go through here.
    pub fn analyze_each(
        &self,
        mut next: impl FnMut() -> Option<usize>,
        mut sink: impl FnMut(usize, Slot) -> bool,
    ) {
        let empty = Snapshot::default();
        let graph = PermissionGraph::build(self.snapshot.as_ref().unwrap_or(&empty), &self.usage);
        while let Some(i) = next() {
            let Some(info) = self.principals().get(i) else {
                continue;
            };
            let slot = match graph.analyze_principal(&info.arn) {
                Some(p) => Slot::Ready(Box::new(p)),
                None => Slot::Failed(format!(
                    "the permission graph does not know `{}`",
                    crate::sanitize::sanitize(&info.arn)
                )),
            };
            if !sink(i, slot) {
                return;
            }
        }
    }

    /// Every principal's analysis, in list order (synchronously, on this thread).
    pub fn analyze_all(&self) -> Vec<Slot> {
        let mut out = vec![Slot::Pending; self.principals().len()];
        let mut todo = 0..self.principals().len();
        self.analyze_each(
            || todo.next(),
            |i, slot| {
                out[i] = slot;
                true
            },
        );
        out
    }

    /// The usage of one action by one principal.
    pub fn action_usage(&self, principal: &str, action: &str) -> Option<&ActionUsage> {
        self.usage
            .principal(principal)?
            .actions
            .iter()
            .find(|a| a.action.eq_ignore_ascii_case(action))
    }

    /// The principal's declared identity policies (inline, attached, and those of its groups) as one policy
    /// document whose statements are theirs in order, each tagged with a `Sid` when it had none; `None` when
    /// the snapshot does not declare the principal.
    pub fn current_policy(&self, arn: &str) -> Option<Value> {
        let snapshot = self.snapshot.as_ref()?;
        let principal = snapshot.principals.iter().find(|p| p.arn == arn)?;
        let mut docs: Vec<(&str, &Value)> = Vec::new();
        for d in principal.inline.iter().chain(&principal.attached) {
            docs.push((d.name.as_str(), &d.document));
        }
        for g in &principal.groups {
            if let Some(group) = snapshot.principals.iter().find(|p| &p.arn == g) {
                for d in group.inline.iter().chain(&group.attached) {
                    docs.push((d.name.as_str(), &d.document));
                }
            }
        }
        let mut statements = Vec::new();
        for (name, doc) in docs {
            let list = match doc.get("Statement") {
                Some(Value::Array(a)) => a.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            for (i, mut st) in list.into_iter().enumerate() {
                if let Value::Object(map) = &mut st {
                    if !map.contains_key("Sid") {
                        map.insert("Sid".to_string(), Value::String(format!("{name}#{i}")));
                    }
                }
                statements.push(st);
            }
        }
        let mut doc = serde_json::Map::new();
        doc.insert("Version".to_string(), Value::String("2012-10-17".to_string()));
        doc.insert("Statement".to_string(), Value::Array(statements));
        Some(Value::Object(doc))
    }
}

/// The principals `pare_graph` analyses (declared users and roles, and every observed principal that is not
/// a declared group), with what the usage summary and the snapshot say of each, sorted by ARN.
pub fn principal_list(usage: &UsageDigest, snapshot: Option<&Snapshot>) -> Vec<PrincipalInfo> {
    let mut out: BTreeMap<&str, PrincipalInfo> = BTreeMap::new();
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    if let Some(s) = snapshot {
        for p in s.principals.iter().filter(|p| p.kind == PrincipalKind::Group) {
            groups.insert(&p.arn, p.inline.len() + p.attached.len());
        }
        for p in &s.principals {
            let kind = match p.kind {
                PrincipalKind::User => "user",
                PrincipalKind::Role => "role",
                PrincipalKind::Group => continue,
            };
            let via_groups: usize = p
                .groups
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .filter_map(|g| groups.get(g.as_str()))
                .sum();
            out.entry(&p.arn).or_insert(PrincipalInfo {
                arn: p.arn.clone(),
                kind,
                declared: true,
                observed: false,
                usage_type: None,
                calls: 0,
                actions: 0,
                last_seen: String::new(),
                policies: p.inline.len() + p.attached.len() + via_groups,
            });
        }
    }
    // A summary may name a principal or an action twice (normalising merges them): distinct actions are
    // counted through a set then, and simply otherwise (a normalised summary: each once, sorted).
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &usage.principals {
        *times.entry(&u.arn).or_default() += 1;
    }
    let mut actions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for u in &usage.principals {
        if groups.contains_key(u.arn.as_str()) {
            continue;
        }
        let sorted = u.actions.windows(2).all(|w| w[0].action < w[1].action);
        if sorted && times.get(u.arn.as_str()) == Some(&1) {
            actions.insert(&u.arn, BTreeSet::new());
        } else {
            actions
                .entry(&u.arn)
                .or_default()
                .extend(u.actions.iter().map(|a| a.action.as_str()));
        }
        let info = out.entry(&u.arn).or_insert_with(|| PrincipalInfo {
            arn: u.arn.clone(),
            kind: "undeclared",
            declared: false,
            observed: false,
            usage_type: None,
            calls: 0,
            actions: 0,
            last_seen: String::new(),
            policies: 0,
        });
        info.observed = true;
        info.usage_type = Some(format!("{:?}", u.r#type));
        info.calls += u.actions.iter().map(|a| a.count).sum::<u64>();
        if let Some(last) = u.actions.iter().map(|a| a.last_seen.as_str()).max() {
            if last > info.last_seen.as_str() {
                info.last_seen = last.to_string();
            }
        }
    }
    for u in &usage.principals {
        if let (Some(set), Some(info)) = (actions.get(u.arn.as_str()), out.get_mut(u.arn.as_str())) {
            info.actions = if set.is_empty() {
                u.actions.len()
            } else {
                set.len()
            };
        }
    }
    out.into_values().collect()
}

/// What a principal's action row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Granted and used.
    Used,
    /// Used but not granted, or denied.
    Missing,
    /// Granted, never used.
    Unused,
    /// Granted, never used, and CloudTrail would not show it.
    Unobservable,
}

impl Category {
    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Category::Used => "used",
            Category::Missing => "missing",
            Category::Unused => "unused",
            Category::Unobservable => "unobservable",
        }
    }
}

/// One action of a principal's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    /// The category.
    pub category: Category,
    /// The service prefix (`s3`).
    pub service: String,
    /// The access level.
    pub level: &'static str,
    /// The action.
    pub action: String,
    /// Calls (used and missing actions).
    pub count: u64,
    /// Last call (used actions).
    pub last_seen: String,
    /// Risk (unused actions).
    pub risk: u32,
    /// Index in the analysis list of its category.
    pub index: usize,
}

/// The access levels in the catalog's order.
const LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

fn level_rank(level: &str) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(LEVELS.len())
}

fn service(action: &str) -> String {
    action.split(':').next().unwrap_or(action).to_ascii_lowercase()
}

/// The rows of a principal's view, grouped by service then access level, then by action.
pub fn action_rows(p: &PrincipalAnalysis, usage: &UsageSummary) -> Vec<ActionRow> {
    let pu = usage.principal(&p.arn);
    let last_seen = |action: &str| {
        pu.and_then(|u| u.actions.iter().find(|a| a.action.eq_ignore_ascii_case(action)))
            .map(|a| a.last_seen.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (index, u) in p.used.iter().enumerate() {
        rows.push(ActionRow {
            category: Category::Used,
            service: service(&u.action),
            level: u.access_level,
            action: u.action.clone(),
            count: u.count,
            last_seen: u.last_seen.clone(),
            risk: 0,
            index,
        });
    }
    for (index, m) in p.missing.iter().enumerate() {
        rows.push(ActionRow {
            category: Category::Missing,
            service: service(&m.action),
            level: m.access_level,
            action: m.action.clone(),
            count: m.count,
            last_seen: last_seen(&m.action),
            risk: 0,
            index,
        });
    }
    for (index, u) in p.unused.iter().enumerate() {
        rows.push(ActionRow {
            category: Category::Unused,
            service: service(&u.action),
            level: u.access_level,
            action: u.action.clone(),
            count: 0,
            last_seen: String::new(),
            risk: u.risk,
            index,
        });
    }
    for (index, u) in p.unobservable.iter().enumerate() {
        rows.push(ActionRow {
            category: Category::Unobservable,
            service: service(&u.action),
            level: u.access_level,
            action: u.action.clone(),
            count: 0,
            last_seen: String::new(),
            risk: 0,
            index,
        });
    }
    rows.sort_by(|a, b| {
        (&a.service, level_rank(a.level), &a.action, a.category).cmp(&(
            &b.service,
            level_rank(b.level),
            &b.action,
            b.category,
        ))
    });
    rows
}

/// Unused grants over granted actions (0 when nothing is granted).
pub fn unused_fraction(p: &PrincipalAnalysis) -> f64 {
    if p.counts.granted == 0 {
        0.0
    } else {
        (p.counts.unused + p.counts.unobservable) as f64 / p.counts.granted as f64
    }
}

/// The principal's risk: the highest risk of its unused grants, 200 when it has an escalation path, 300 when
/// it is admin-equivalent.
pub fn risk(p: &PrincipalAnalysis) -> u32 {
    if p.admin_equivalent {
        300
    } else if !p.escalation.is_empty() {
        200
    } else {
        p.unused.iter().map(|u| u.risk).max().unwrap_or(0)
    }
}

/// A statement as `policy#sid` (or `policy#index`), with its attachment.
pub fn statement_label(s: &StatementRef) -> String {
    let id = s.sid.clone().unwrap_or_else(|| s.index.to_string());
    let via = s
        .via_group
        .as_deref()
        .map(|g| format!(" via {g}"))
        .unwrap_or_default();
    format!(
        "{}#{} ({}{via}) {}:{}",
        s.policy, id, s.attachment, s.file, s.json_path
    )
}

/// The analyses that have arrived, with their indices.
pub fn ready(slots: &[Slot]) -> impl Iterator<Item = (usize, &PrincipalAnalysis)> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.ready().map(|p| (i, p)))
}

/// One assume edge of the graph: the principal (index into [`Listing::principals`]) and its link (index into
/// its `assumes`).
pub type EdgeRef = (usize, usize);

/// One escalation path: the principal and the path's index in its `escalation`.
pub type PathRef = (usize, usize);

/// Every assume edge of the principals analysed so far, in principal then role order.
pub fn graph_edges(slots: &[Slot], query: &str) -> Vec<EdgeRef> {
    let q = query.to_lowercase();
    let mut out = Vec::new();
    for (i, p) in ready(slots) {
        for (j, link) in p.assumes.iter().enumerate() {
            if q.is_empty() || p.arn.to_lowercase().contains(&q) || link.role.to_lowercase().contains(&q) {
                out.push((i, j));
            }
        }
    }
    out
}

/// Every escalation path of the principals analysed so far, in principal order, shortest first.
pub fn graph_paths(slots: &[Slot], query: &str) -> Vec<PathRef> {
    let q = query.to_lowercase();
    let mut out = Vec::new();
    for (i, p) in ready(slots) {
        for (j, path) in p.escalation.iter().enumerate() {
            let hit = q.is_empty()
                || p.arn.to_lowercase().contains(&q)
                || path.reaches.to_lowercase().contains(&q)
                || path.steps.iter().any(|s| s.method.to_lowercase().contains(&q));
            if hit {
                out.push((i, j));
            }
        }
    }
    out
}

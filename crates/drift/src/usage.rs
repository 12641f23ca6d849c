//! `pare drift`: how usage moved between two runs (two `pare.usage/v1` summaries), per principal — actions newly
//! used (and, given declared policies, whether they would be allowed: a predicted AccessDenied when not), actions
//! no longer used (candidates for removal), resources newly touched (and whether the policies cover them), and
//! the statements the change leaves unused.
//!
//! Predictions evaluate each observed (action, resource) with pare_policy's evaluator against the principal's
//! identity policies and boundary, with the request context a usage summary carries: `aws:RequestedRegion`
//! (the first region the calls went to). Conditions on other keys count as unmet.

use crate::check::StatementRef;
use crate::side::Side;
use crate::units::Units;
use pare_policy::{evaluate, Decision, Effect, Layer, Request};
use pare_trail::usage::{ActionUsage, UsageSummary};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Schema name of the JSON output.
pub const SCHEMA: &str = "pare.drift/v1";

/// At most this many resources are listed per action.
pub const MAX_LISTED_RESOURCES: usize = 10;

/// What the declared policies say about one request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Prediction {
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub decision: String,
    /// The resource evaluated.
    pub resource: String,
}

/// An action used now and not before.
#[derive(Debug, Clone, Serialize)]
pub struct NewAction {
    /// The action.
    pub action: String,
    /// Calls in the current run.
    pub count: u64,
    /// Calls already refused with AccessDenied in the current run.
    pub denied: u64,
    /// Resources touched (first [`MAX_LISTED_RESOURCES`]).
    pub resources: Vec<String>,
    /// With policies: `true` when every resource is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// With policies: the requests that would be refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub predicted_denials: Vec<Prediction>,
}

/// An action used before and not now.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedAction {
    /// The action.
    pub action: String,
    /// Calls in the baseline.
    pub baseline_count: u64,
    /// Last call in the baseline.
    pub last_seen: String,
}

/// Resources an action touches now that it did not before.
#[derive(Debug, Clone, Serialize)]
pub struct MovedResources {
    /// The action.
    pub action: String,
    /// The new resources (first [`MAX_LISTED_RESOURCES`]).
    pub resources: Vec<String>,
    /// How many in all.
    pub total: usize,
    /// With policies: new resources outside what the policies allow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub predicted_denials: Vec<Prediction>,
}

/// A statement that allowed baseline requests and allows none of the current ones.
#[derive(Debug, Clone, Serialize)]
pub struct Unneeded {
    /// The statement.
    pub statement: StatementRef,
    /// Baseline actions it allowed.
    pub actions: Vec<String>,
}

/// The drift of one principal.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalDrift {
    /// The principal.
    pub arn: String,
    /// `new` (only in current), `gone` (only in baseline) or `changed`.
    pub status: &'static str,
    /// Whether the policies declare this principal (`None` without `--policies`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<bool>,
    /// Actions newly used.
    pub new_actions: Vec<NewAction>,
    /// Actions no longer used.
    pub removed_actions: Vec<RemovedAction>,
    /// New resources of actions used in both runs.
    pub moved_resources: Vec<MovedResources>,
    /// Statements the change leaves unused (with `--policies`).
    pub unneeded_statements: Vec<Unneeded>,
}

/// Counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftSummary {
    /// Principals with any change.
    pub principals: usize,
    /// Newly used actions.
    pub new_actions: usize,
    /// No longer used actions.
    pub removed_actions: usize,
    /// Actions with new resources.
    pub moved_resources: usize,
    /// Requests the policies would refuse.
    pub predicted_denials: usize,
    /// Statements the change leaves unused.
    pub unneeded_statements: usize,
}

/// The result of `pare drift`.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Baseline file.
    pub baseline: String,
    /// Current file.
    pub current: String,
    /// Policies, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<String>,
    /// Counts.
    pub summary: DriftSummary,
    /// Principals with changes, by ARN.
    pub principals: Vec<PrincipalDrift>,
}

impl DriftReport {
    /// Exit 1: some newly used action or newly touched resource would be refused by the policies.
    pub fn fails(&self) -> bool {
        self.summary.predicted_denials > 0
    }
}

fn request(action: &str, resource: &str, u: &ActionUsage) -> Request {
    let mut r = Request::new(action, resource);
    if let Some(region) = u.regions.first() {
        r = r.with("aws:RequestedRegion", region.as_str());
    }
    r
}

fn predict(side: &Side, u: &ActionUsage, resources: &[String]) -> Vec<Prediction> {
    let input = side.input();
    resources
        .iter()
        .filter_map(|res| {
            let e = evaluate(&input, &request(&u.action, res, u));
            (e.decision != Decision::Allow).then(|| Prediction {
                decision: e.decision.as_str().to_string(),
                resource: res.clone(),
            })
        })
        .collect()
}

/// Statements (label, index) that allow some request of `actions`.
fn used_statements(side: &Side, actions: &[ActionUsage]) -> BTreeMap<(String, usize), BTreeSet<String>> {
    let input = side.input();
    let mut out: BTreeMap<(String, usize), BTreeSet<String>> = BTreeMap::new();
    for u in actions {
        for res in &u.resources {
            let e = evaluate(&input, &request(&u.action, res, u));
            if e.decision != Decision::Allow {
                continue;
            }
            for m in e
                .matched
                .iter()
                .filter(|m| m.effect == Effect::Allow && m.layer == Layer::Identity)
            {
                out.entry((m.source.to_string(), m.index))
                    .or_default()
                    .insert(u.action.clone());
            }
        }
    }
    out
}

fn statement_ref(side: &Side, label: &str, index: usize) -> Option<StatementRef> {
    let doc = side.by_label(label)?;
    let span = doc.statement_span(index);
    Some(StatementRef {
        file: doc.file.clone(),
        line: span.line,
        column: span.column,
        policy: doc.name.clone(),
        path: doc.policy.statement_path(index),
        index,
        sid: doc.policy.statements.get(index).and_then(|s| s.sid.clone()),
    })
}

fn capped(v: &[String]) -> Vec<String> {
    v.iter().take(MAX_LISTED_RESOURCES).cloned().collect()
}

/// Compares two usage summaries, with the declared policies if given.
pub fn drift(
    baseline: &UsageSummary,
    current: &UsageSummary,
    policies: Option<&Units>,
    labels: (&str, &str, Option<&str>),
) -> DriftReport {
    let mut arns: BTreeSet<&str> = BTreeSet::new();
    arns.extend(baseline.principals.iter().map(|p| p.arn.as_str()));
    arns.extend(current.principals.iter().map(|p| p.arn.as_str()));
    let mut out = Vec::new();
    let mut summary = DriftSummary::default();
    for arn in arns {
        let b = baseline.principal(arn);
        let c = current.principal(arn);
        let side = policies.and_then(|p| p.units.get(arn)).map(|u| &u.side);
        let before: BTreeMap<&str, &ActionUsage> = b
            .map(|p| p.actions.iter().map(|a| (a.action.as_str(), a)).collect())
            .unwrap_or_default();
        let after: BTreeMap<&str, &ActionUsage> = c
            .map(|p| p.actions.iter().map(|a| (a.action.as_str(), a)).collect())
            .unwrap_or_default();
        let mut d = PrincipalDrift {
            arn: arn.to_string(),
            status: match (b, c) {
                (None, _) => "new",
                (_, None) => "gone",
                _ => "changed",
            },
            declared: policies.map(|_| side.is_some()),
            new_actions: Vec::new(),
            removed_actions: Vec::new(),
            moved_resources: Vec::new(),
            unneeded_statements: Vec::new(),
        };
        for (name, u) in &after {
            match before.get(name) {
                None => {
                    let denials = side.map(|s| predict(s, u, &u.resources));
                    d.new_actions.push(NewAction {
                        action: u.action.clone(),
                        count: u.count,
                        denied: u.denied,
                        resources: capped(&u.resources),
                        allowed: if policies.is_some() {
                            Some(denials.as_ref().is_some_and(Vec::is_empty))
                        } else {
                            None
                        },
                        predicted_denials: match (policies, denials) {
                            (_, Some(d)) => d,
                            // Declared policies given, principal absent from them: nothing allows it.
                            (Some(_), None) => u
                                .resources
                                .iter()
                                .map(|r| Prediction {
                                    decision: "ImplicitDeny".into(),
                                    resource: r.clone(),
                                })
                                .collect(),
                            (None, None) => Vec::new(),
                        },
                    });
                }
                Some(prev) => {
                    let old: BTreeSet<&String> = prev.resources.iter().collect();
                    let new: Vec<String> = u.resources.iter().filter(|r| !old.contains(r)).cloned().collect();
                    if !new.is_empty() {
                        let denials = side.map(|s| predict(s, u, &new)).unwrap_or_default();
                        d.moved_resources.push(MovedResources {
                            action: u.action.clone(),
                            resources: capped(&new),
                            total: new.len(),
                            predicted_denials: denials,
                        });
                    }
                }
            }
        }
        for (name, u) in &before {
            if !after.contains_key(name) {
                d.removed_actions.push(RemovedAction {
                    action: u.action.clone(),
                    baseline_count: u.count,
                    last_seen: u.last_seen.clone(),
                });
            }
        }
        if let Some(side) = side {
            let was = used_statements(side, b.map(|p| p.actions.as_slice()).unwrap_or_default());
            let now = used_statements(side, c.map(|p| p.actions.as_slice()).unwrap_or_default());
            for ((label, index), actions) in was {
                if now.contains_key(&(label.clone(), index)) {
                    continue;
                }
                if let Some(statement) = statement_ref(side, &label, index) {
                    d.unneeded_statements.push(Unneeded {
                        statement,
                        actions: actions.into_iter().collect(),
                    });
                }
            }
        }
        let changed = !d.new_actions.is_empty()
            || !d.removed_actions.is_empty()
            || !d.moved_resources.is_empty()
            || !d.unneeded_statements.is_empty();
        if changed {
            summary.principals += 1;
            summary.new_actions += d.new_actions.len();
            summary.removed_actions += d.removed_actions.len();
            summary.moved_resources += d.moved_resources.len();
            summary.unneeded_statements += d.unneeded_statements.len();
            summary.predicted_denials += d
                .new_actions
                .iter()
                .map(|a| a.predicted_denials.len())
                .sum::<usize>()
                + d.moved_resources
                    .iter()
                    .map(|m| m.predicted_denials.len())
                    .sum::<usize>();
            out.push(d);
        }
    }
    DriftReport {
        schema: SCHEMA,
        baseline: labels.0.to_string(),
        current: labels.1.to_string(),
        policies: labels.2.map(str::to_string),
        summary,
        principals: out,
    }
}

fn denial_text(p: &[Prediction]) -> String {
    let shown: Vec<String> = p
        .iter()
        .take(3)
        .map(|x| format!("`{}` ({})", x.resource, x.decision))
        .collect();
    if p.len() > 3 {
        format!("{} and {} more", shown.join(", "), p.len() - 3)
    } else {
        shown.join(", ")
    }
}

/// Human text.
pub fn text(r: &DriftReport) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(
        o,
        "{} principal(s) changed: {} new action(s), {} no longer used, {} with new resources, {} predicted denial(s){}",
        s.principals,
        s.new_actions,
        s.removed_actions,
        s.moved_resources,
        s.predicted_denials,
        if r.policies.is_some() { format!(", {} statement(s) no longer needed", s.unneeded_statements) } else { String::new() }
    );
    for p in &r.principals {
        let _ = writeln!(o);
        let _ = writeln!(o, "{} ({})", p.arn, p.status);
        for a in &p.new_actions {
            let verdict = match a.allowed {
                Some(true) => "allowed by the policies".to_string(),
                Some(false) => format!("WOULD BE DENIED: {}", denial_text(&a.predicted_denials)),
                None => String::new(),
            };
            let _ = writeln!(o, "  + {} ({} call(s)) {}", a.action, a.count, verdict);
        }
        for a in &p.removed_actions {
            let _ = writeln!(o, "  - {} (no longer used; last seen {})", a.action, a.last_seen);
        }
        for m in &p.moved_resources {
            let outside = if m.predicted_denials.is_empty() {
                String::new()
            } else {
                format!("; outside the policies: {}", denial_text(&m.predicted_denials))
            };
            let _ = writeln!(
                o,
                "  ~ {} on {} new resource(s), e.g. `{}`{}",
                m.action,
                m.total,
                m.resources.first().cloned().unwrap_or_default(),
                outside
            );
        }
        for u in &p.unneeded_statements {
            let sid = u
                .statement
                .sid
                .clone()
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| u.statement.path.clone());
            let _ = writeln!(
                o,
                "  ? statement {sid} ({}:{}) allowed only {}: no longer needed",
                u.statement.file,
                u.statement.line,
                u.actions.join(", ")
            );
        }
    }
    o
}

/// JSON (`pare.drift/v1`).
pub fn json(r: &DriftReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// Markdown.
pub fn markdown(r: &DriftReport) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "### pare drift");
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{} principal(s) changed: {} new action(s), {} no longer used, {} with new resources, **{} predicted denial(s)**.",
        s.principals, s.new_actions, s.removed_actions, s.moved_resources, s.predicted_denials
    );
    for p in &r.principals {
        let _ = writeln!(o);
        let _ = writeln!(o, "#### `{}` ({})", p.arn, p.status);
        let _ = writeln!(o);
        let _ = writeln!(o, "| change | action | detail |");
        let _ = writeln!(o, "| --- | --- | --- |");
        for a in &p.new_actions {
            let detail = match a.allowed {
                Some(true) => "allowed".to_string(),
                Some(false) => format!("would be denied: {}", denial_text(&a.predicted_denials)),
                None => format!("{} call(s)", a.count),
            };
            let _ = writeln!(
                o,
                "| newly used | `{}` | {} |",
                a.action,
                detail.replace('|', "\\|")
            );
        }
        for a in &p.removed_actions {
            let _ = writeln!(
                o,
                "| no longer used | `{}` | last seen {} |",
                a.action, a.last_seen
            );
        }
        for m in &p.moved_resources {
            let _ = writeln!(
                o,
                "| new resources | `{}` | {} new, {} outside the policies |",
                m.action,
                m.total,
                m.predicted_denials.len()
            );
        }
        for u in &p.unneeded_statements {
            let _ = writeln!(
                o,
                "| statement no longer needed | {} | `{}:{}` {} |",
                u.actions.join(", "),
                u.statement.file,
                u.statement.line,
                u.statement.path
            );
        }
    }
    o
}

/// SARIF 2.1.0: one result per predicted denial (rule `predicted-access-denied`) and per unneeded statement
/// (rule `statement-no-longer-needed`, a note).
pub fn sarif(r: &DriftReport) -> String {
    let rules = serde_json::json!([
        {"id": "predicted-access-denied", "name": "predicted-access-denied",
         "shortDescription": {"text": "a newly used action or resource would be refused by the declared policies"},
         "defaultConfiguration": {"level": "error"}},
        {"id": "statement-no-longer-needed", "name": "statement-no-longer-needed",
         "shortDescription": {"text": "a statement allowed baseline usage and allows none of the current usage"},
         "defaultConfiguration": {"level": "note"}},
    ]);
    let mut results = Vec::new();
    for p in &r.principals {
        let preds = p
            .new_actions
            .iter()
            .flat_map(|a| a.predicted_denials.iter().map(move |d| (a.action.as_str(), d)))
            .chain(
                p.moved_resources
                    .iter()
                    .flat_map(|m| m.predicted_denials.iter().map(move |d| (m.action.as_str(), d))),
            );
        for (action, d) in preds {
            results.push(serde_json::json!({
                "ruleId": "predicted-access-denied", "ruleIndex": 0, "level": "error",
                "message": {"text": format!("{} will call `{action}` on `{}`: the policies give {}", p.arn, d.resource, d.decision)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.policies.clone().unwrap_or_else(|| r.current.clone())},
                    "region": {"startLine": 1, "startColumn": 1}}}],
            }));
        }
        for u in &p.unneeded_statements {
            results.push(serde_json::json!({
                "ruleId": "statement-no-longer-needed", "ruleIndex": 1, "level": "note",
                "message": {"text": format!("{}: {} allowed only {}, which the current run no longer uses", p.arn, u.statement.path, u.actions.join(", "))},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": u.statement.file},
                    "region": {"startLine": u.statement.line.max(1), "startColumn": u.statement.column.max(1)}}}],
            }));
        }
    }
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "pare", "informationUri": "https://example.invalid/pare",
            "version": env!("CARGO_PKG_VERSION"), "rules": rules}}, "results": results}],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

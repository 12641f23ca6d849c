//! `pare check`: compares every unit of head with its base counterpart and turns broadening requests into
//! findings — grouped by head statement and kind, each with a counterexample re-checked by the evaluator, the
//! reason base did not allow it and a suggested fix — then applies the allow-list.

use crate::allow::{AllowList, Entry, Target};
use crate::compare::{compare, Cell, Comparison, Kind};
use crate::side::{Doc, Side};
use crate::units::{Unit, UnitKind, Units};
use pare_policy::{evaluate, Condition, ContextValue, Decision, Request, ResourceSpec};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Schema name of the JSON output.
pub const SCHEMA: &str = "pare.check/v1";

/// At most this many actions are listed per finding (the total is always given).
pub const MAX_LISTED_ACTIONS: usize = 25;

/// A statement, located.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatementRef {
    /// The file (repository-relative for git inputs).
    pub file: String,
    /// 1-based line of the statement (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// The policy's name.
    pub policy: String,
    /// JSON path of the statement inside the file (`Statement[1]`, or below the document's own path).
    pub path: String,
    /// Index in the policy's statements.
    pub index: usize,
    /// `Sid`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// A request head allows and base does not.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Counterexample {
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// Context keys the request carries (values as strings or arrays of strings).
    pub context: BTreeMap<String, serde_json::Value>,
    /// Condition keys the request leaves out (it matters: `IfExists`, `Null`, negated operators).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub absent_keys: Vec<String>,
    /// Head's decision (always `Allow`).
    pub head_decision: String,
    /// Base's decision (`ImplicitDeny` or `ExplicitDeny`; `none` when base has no such unit).
    pub base_decision: String,
}

/// One broadening.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The kind code.
    pub kind: Kind,
    /// The unit (principal ARN or policy path).
    pub unit: String,
    /// Principal or policy.
    pub unit_kind: UnitKind,
    /// The head statement that grants it.
    pub statement: StatementRef,
    /// Actions that became reachable through this statement with this kind (first [`MAX_LISTED_ACTIONS`]).
    pub actions: Vec<String>,
    /// How many actions in all.
    pub actions_total: usize,
    /// Checked counterexample (absent only for `possibly-broader`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
    /// Why base does not allow it.
    pub why: String,
    /// A suggested fix.
    pub fix: String,
    /// The allow-list entry that accepts it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Entry>,
}

/// An allow-list entry whose date passed.
#[derive(Debug, Clone, Serialize)]
pub struct Expired {
    /// The allow-list file.
    pub file: String,
    /// The entry.
    pub entry: Entry,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Units compared (head).
    pub units: usize,
    /// Units only in base (removed: never broader).
    pub removed_units: usize,
    /// Findings not accepted.
    pub findings: usize,
    /// Findings accepted by the allow-list.
    pub accepted: usize,
    /// Expired allow-list entries.
    pub expired: usize,
    /// Representative requests decided.
    pub requests: usize,
}

/// The result of `pare check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// The base as given.
    pub base: String,
    /// The head as given.
    pub head: String,
    /// Whether head grants anything base did not (accepted findings aside).
    pub broader: bool,
    /// Counts.
    pub summary: Summary,
    /// Findings, unit then kind then statement order.
    pub findings: Vec<Finding>,
    /// Accepted findings.
    pub accepted: Vec<Finding>,
    /// Expired allow-list entries (they fail the check).
    pub expired: Vec<Expired>,
    /// Allow-list entries that accepted nothing (stale; they do not fail the check).
    pub unused_allow_entries: Vec<Entry>,
    /// Non-fatal notes (inputs skipped, inexact comparisons).
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether the check fails (exit 1): findings or expired entries.
    pub fn fails(&self) -> bool {
        !self.findings.is_empty() || !self.expired.is_empty()
    }
}

fn statement_ref(doc: &Doc, index: usize) -> StatementRef {
    let span = doc.statement_span(index);
    let stmt_path = doc.policy.statement_path(index);
    let path = if doc.json_path == "$" || doc.json_path.is_empty() {
        stmt_path
    } else {
        format!("{}.{}", doc.json_path.trim_start_matches("$."), stmt_path)
    };
    StatementRef {
        file: doc.file.clone(),
        line: span.line,
        column: span.column,
        policy: doc.name.clone(),
        path,
        index,
        sid: doc.policy.statements.get(index).and_then(|s| s.sid.clone()),
    }
}

fn describe_statement(doc: &Doc, index: usize) -> String {
    let r = statement_ref(doc, index);
    let name = match &r.sid {
        Some(s) => format!("`{s}`"),
        None => r.path.clone(),
    };
    if r.line > 0 {
        format!("{name} ({}:{})", r.file, r.line)
    } else {
        format!("{name} ({})", r.file)
    }
}

fn conditions_text(conds: &[Condition]) -> String {
    conds
        .iter()
        .flat_map(|c| {
            c.entries.iter().map(move |e| {
                let vals: Vec<&str> = e.values.iter().map(|v| v.as_str()).collect();
                format!("{} {} [{}]", c.operator.raw, e.key, vals.join(", "))
            })
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn context_json(req: &Request, names: &BTreeMap<String, String>) -> BTreeMap<String, serde_json::Value> {
    req.context
        .iter()
        .map(|(k, v)| {
            let k = names.get(k).unwrap_or(k);
            let j = match v {
                ContextValue::Single(s) => serde_json::Value::String(s.clone()),
                ContextValue::Multi(m) => {
                    serde_json::Value::Array(m.iter().cloned().map(serde_json::Value::String).collect())
                }
            };
            (k.clone(), j)
        })
        .collect()
}

fn list(actions: &[String]) -> String {
    let shown: Vec<String> = actions.iter().take(3).map(|a| format!("`{a}`")).collect();
    match actions.len() {
        0 => String::new(),
        n if n <= 3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

/// Why and how to fix, for one cell.
fn explain(cell: &Cell, base: Option<&Side>, head: &Side, unit: &str) -> (String, String) {
    let action = &cell.request.action;
    let resource = &cell.request.resource;
    let head_doc = head.by_label(&cell.head_statement.0);
    let head_stmt = head_doc
        .map(|d| describe_statement(d, cell.head_statement.1))
        .unwrap_or_else(|| "the statement".into());
    let base_docs: Vec<(&Doc, usize)> = base
        .map(|b| {
            cell.base_statements
                .iter()
                .filter_map(|(l, i)| b.by_label(l).map(|d| (d, *i)))
                .collect()
        })
        .unwrap_or_default();
    match cell.kind {
        Kind::NewPrincipal => (
            format!("`{unit}` does not exist in base; head grants it `{action}` on `{resource}`"),
            "check that every action granted to the new principal is needed, then accept it in the allow-list".into(),
        ),
        Kind::NewAction => (
            format!("no base statement grants {}", list(&cell.actions)),
            format!(
                "remove {} from {head_stmt}, or list only the actions base granted",
                list(&cell.actions)
            ),
        ),
        Kind::WidenedResource => {
            let pats: BTreeSet<String> = base_docs
                .iter()
                .filter_map(|(d, i)| d.policy.statements.get(*i))
                .filter_map(|s| s.resource.as_ref())
                .map(|r| {
                    let ps: Vec<String> = r.patterns().iter().map(|p| format!("`{p}`")).collect();
                    match r {
                        ResourceSpec::Resource(_) => ps.join(", "),
                        ResourceSpec::NotResource(_) => format!("everything but {}", ps.join(", ")),
                    }
                })
                .collect();
            let pats: Vec<String> = pats.into_iter().collect();
            (
                format!("base grants `{action}` only on {}; head also on `{resource}`", pats.join("; ")),
                format!("narrow the Resource of {head_stmt} back to {}", pats.join("; ")),
            )
        }
        Kind::ConditionLoosened => {
            let conds: Vec<String> = base_docs
                .iter()
                .filter_map(|(d, i)| d.policy.statements.get(*i))
                .filter_map(|s| s.condition.as_ref())
                .map(|c| conditions_text(c))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let cond = if conds.is_empty() { "its conditions".to_string() } else { conds.join("; or ") };
            (
                format!("base grants `{action}` on `{resource}` only when {cond}; this request meets none of that"),
                format!("restore the condition on {head_stmt}: {cond}"),
            )
        }
        Kind::DenyRemoved => {
            let denies: Vec<String> = base_docs.iter().map(|(d, i)| describe_statement(d, *i)).collect();
            (
                format!("base denied it with {}; no head Deny applies", denies.join(", ")),
                format!("restore the Deny {} in head", denies.join(", ")),
            )
        }
        Kind::BoundaryLoosened => {
            let name = base.and_then(|b| b.boundary.as_ref()).map(|d| d.name.clone()).unwrap_or_default();
            (
                format!("base's permissions boundary `{name}` did not allow it"),
                format!("restore the permissions boundary `{name}` (or one as narrow)"),
            )
        }
        Kind::ScpLoosened => (
            "a base service control policy did not allow it".into(),
            "restore the service control policy".into(),
        ),
        Kind::PossiblyBroader => (String::new(), String::new()),
    }
}

/// Re-checks a counterexample with the evaluator: head must allow, base must not.
fn verify(req: &Request, base: Option<&Side>, head: &Side) -> bool {
    let h = evaluate(&head.input(), req).decision == Decision::Allow;
    let b = base.is_some_and(|b| evaluate(&b.input(), req).decision == Decision::Allow);
    h && !b
}

/// Compares units and applies the allow-list. `today` is `YYYY-MM-DD`.
pub fn check(
    base: &Units,
    head: &Units,
    allow: Option<&AllowList>,
    today: &str,
    base_label: &str,
    head_label: &str,
) -> CheckReport {
    let refine = allow.map(AllowList::refine).unwrap_or_default();
    let mut findings = Vec::new();
    let mut accepted = Vec::new();
    let mut notes: Vec<String> = base
        .warnings
        .iter()
        .chain(head.warnings.iter())
        .cloned()
        .collect();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let expired_entries: Vec<&Entry> = allow.map(|a| a.expired(today)).unwrap_or_default();
    let mut summary = Summary {
        units: head.units.len(),
        ..Default::default()
    };
    summary.removed_units = base.units.keys().filter(|k| pair(head, k).is_none()).count();

    for (unit_key, hu) in &head.units {
        let bu: Option<&Unit> = pair(base, unit_key);
        // A single policy file has no key of its own: it is named by its file.
        let shown = if unit_key.is_empty() {
            hu.side
                .identity
                .first()
                .map(|d| d.file.clone())
                .unwrap_or_default()
        } else {
            unit_key.clone()
        };
        let key = &shown;
        let base_side = bu.map(|u| &u.side);
        if hu
            .side
            .identity
            .iter()
            .any(|d| d.policy.statements.iter().any(|st| st.principal.is_some()))
        {
            notes.push(format!(
                "{key}: statements with `Principal` are compared on action, resource and conditions; the principals they name are not compared"
            ));
        }
        let cmp: Comparison = compare(base_side, &hu.side, &refine);
        summary.requests += cmp.requests;
        // Group: (head statement, kind) → cells.
        let mut groups: BTreeMap<(String, usize, Kind), Vec<&Cell>> = BTreeMap::new();
        for c in &cmp.cells {
            groups
                .entry((c.head_statement.0.clone(), c.head_statement.1, c.kind))
                .or_default()
                .push(c);
        }
        let mut exact_statements: BTreeSet<(String, usize)> = BTreeSet::new();
        for ((label, index, kind), cells) in groups {
            let Some(doc) = hu.side.by_label(&label) else {
                continue;
            };
            let sref = statement_ref(doc, index);
            // Split the cells into accepted and not, entry by entry.
            let mut open: Vec<&Cell> = Vec::new();
            let mut acc: BTreeMap<usize, Vec<&Cell>> = BTreeMap::new();
            for c in cells {
                let target = Target {
                    unit: key,
                    sid: sref.sid.as_deref(),
                    index,
                    kind,
                    action: &c.request.action,
                    resource: &c.request.resource,
                };
                let hit = allow.and_then(|a| {
                    a.entries
                        .iter()
                        .position(|e| !expired_entries.contains(&e) && e.matches(&target))
                });
                match hit {
                    Some(i) => acc.entry(i).or_default().push(c),
                    None => open.push(c),
                }
            }
            let make = |cells: &[&Cell], entry: Option<Entry>| -> Option<Finding> {
                let first = cells.iter().find(|c| verify(&c.request, base_side, &hu.side))?;
                // Classes are disjoint: count them all, list the first ones.
                let mut classes: Vec<&std::sync::Arc<Vec<String>>> = Vec::new();
                for c in cells {
                    if !classes.iter().any(|x| std::sync::Arc::ptr_eq(x, &c.actions)) {
                        classes.push(&c.actions);
                    }
                }
                let total: usize = classes.iter().map(|c| c.len()).sum();
                let mut listed: Vec<&String> = Vec::new();
                for c in &classes {
                    listed.extend(c.iter().take(MAX_LISTED_ACTIONS));
                }
                listed.sort_by_key(|a| a.to_ascii_lowercase());
                let actions: Vec<String> = listed.into_iter().take(MAX_LISTED_ACTIONS).cloned().collect();
                let (why, fix) = explain(first, base_side, &hu.side, key);
                let base_decision = first
                    .base_decision
                    .map(|(d, _)| d.as_str().to_string())
                    .unwrap_or_else(|| "none".into());
                Some(Finding {
                    kind,
                    unit: key.clone(),
                    unit_kind: hu.kind,
                    statement: sref.clone(),
                    actions,
                    actions_total: total,
                    counterexample: Some(Counterexample {
                        action: first.request.action.clone(),
                        resource: first.request.resource.clone(),
                        context: context_json(&first.request, &first.key_names),
                        absent_keys: first.absent_keys.clone(),
                        head_decision: "Allow".into(),
                        base_decision,
                    }),
                    why,
                    fix,
                    accepted: entry,
                })
            };
            if !open.is_empty() {
                exact_statements.insert((label.clone(), index));
                match make(&open, None) {
                    Some(f) => findings.push(f),
                    None => notes.push(format!(
                        "{}: a broadening of {} could not be confirmed by the evaluator and was not reported",
                        key, sref.path
                    )),
                }
            }
            for (i, cells) in acc {
                used.insert(i);
                let entry = allow.and_then(|a| a.entries.get(i).cloned());
                if let Some(f) = make(&cells, entry) {
                    accepted.push(f);
                }
            }
        }
        for inx in &cmp.inexact {
            if exact_statements.contains(&inx.head_statement) {
                continue;
            }
            let Some(doc) = hu.side.by_label(&inx.head_statement.0) else {
                continue;
            };
            let sref = statement_ref(doc, inx.head_statement.1);
            findings.push(Finding {
                kind: Kind::PossiblyBroader,
                unit: key.clone(),
                unit_kind: hu.kind,
                statement: sref,
                actions: vec![inx.action.clone()],
                actions_total: 1,
                counterexample: None,
                why: format!("the comparison is not exact here: {}", inx.reason),
                fix: "review the statement by hand; accept it in the allow-list once reviewed".into(),
                accepted: None,
            });
        }
    }
    let unused: Vec<Entry> = allow
        .map(|a| {
            a.entries
                .iter()
                .enumerate()
                .filter(|(i, e)| !used.contains(i) && !expired_entries.contains(e))
                .map(|(_, e)| e.clone())
                .collect()
        })
        .unwrap_or_default();
    let expired: Vec<Expired> = expired_entries
        .iter()
        .map(|e| Expired {
            file: allow.map(|a| a.file.clone()).unwrap_or_default(),
            entry: (*e).clone(),
        })
        .collect();
    findings.sort_by(|a, b| (&a.unit, a.kind, &a.statement).cmp(&(&b.unit, b.kind, &b.statement)));
    accepted.sort_by(|a, b| (&a.unit, a.kind, &a.statement).cmp(&(&b.unit, b.kind, &b.statement)));
    notes.sort();
    notes.dedup();
    summary.findings = findings.len();
    summary.accepted = accepted.len();
    summary.expired = expired.len();
    CheckReport {
        schema: SCHEMA,
        base: base_label.to_string(),
        head: head_label.to_string(),
        broader: !findings.is_empty(),
        summary,
        findings,
        accepted,
        expired,
        unused_allow_entries: unused,
        notes,
    }
}

/// The base unit paired with a head key: the same key, else the unique key one is a path suffix of the other.
pub fn pair<'a>(units: &'a Units, key: &str) -> Option<&'a Unit> {
    if let Some(u) = units.units.get(key) {
        return Some(u);
    }
    let cands: Vec<&Unit> = units
        .units
        .values()
        .filter(|u| {
            u.kind == UnitKind::Policy
                && (key.ends_with(&format!("/{}", u.key)) || u.key.ends_with(&format!("/{key}")))
        })
        .collect();
    match cands.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

//! The whole analysis: every query, for every principal, into the `pare.analysis/v1` document.

use crate::authz::Decision;
use crate::escalation::ANY_PERMISSION;
use crate::graph::{is_assume_role_action, PermissionGraph, PrincipalEntry, StmtKey};
use crate::model::PrincipalKind;
use crate::query::access_level;
use crate::report::{
    Analysis, AssumeLink, CatalogRef, Counts, LevelUse, MissingAction, PrincipalAnalysis, ReasonCount,
    ServiceUse, StatementUse, Summary, UnobservableAction, UnusedAction, UsedAction, Window, SCHEMA,
};
use pare_catalog::{catalog, AccessLevel};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const LEVELS: [AccessLevel; 5] = [
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

/// Options of an analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// List at most this many unused actions (riskiest first) and unobservable actions of each reason per
    /// principal; `None` lists them all. The counts, the access levels and the per-service table always cover every action.
    pub limit: Option<usize>,
}

impl PermissionGraph<'_> {
    /// Runs every query for every user, role and observed principal (groups act only through their members
    /// and are not listed), listing every unused and unobservable action. `progress` is called after each
    /// principal with (done, total).
    pub fn analyze_with_progress(&self, progress: &dyn Fn(usize, usize)) -> Analysis {
        self.analyze_with(AnalyzeOptions::default(), progress)
    }

    /// [`Self::analyze_with_progress`] with options (see [`AnalyzeOptions`]).
    pub fn analyze_with(&self, options: AnalyzeOptions, progress: &dyn Fn(usize, usize)) -> Analysis {
        let todo: Vec<&PrincipalEntry> = self
            .principals
            .values()
            .filter(|p| p.kind != PrincipalKind::Group && (p.declared.is_some() || p.observed.is_some()))
            .collect();
        let total = todo.len();
        let mut principals = Vec::with_capacity(total);
        for (i, p) in todo.into_iter().enumerate() {
            principals.push(self.analyze_entry(p, options.limit));
            progress(i + 1, total);
        }
        let summary = Summary {
            principals: principals.len(),
            declared: principals.iter().filter(|p| p.declared).count(),
            observed: principals.iter().filter(|p| p.observed).count(),
            not_declared: principals.iter().filter(|p| !p.declared).count(),
            with_unused: principals.iter().filter(|p| p.counts.unused > 0).count(),
            with_missing: principals.iter().filter(|p| p.counts.missing > 0).count(),
            with_escalation: principals.iter().filter(|p| !p.escalation.is_empty()).count(),
            admin_equivalent: principals.iter().filter(|p| p.admin_equivalent).count(),
        };
        let source = catalog().source();
        let mut errors = self.errors.clone();
        errors.sort();
        Analysis {
            schema: SCHEMA,
            catalog: CatalogRef {
                name: source.name.to_string(),
                version: source.version.to_string(),
                sha256: source.sha256.to_string(),
            },
            window: self.usage.window.as_ref().map(|w| Window {
                start: w.start.clone(),
                end: w.end.clone(),
            }),
            limit: options.limit,
            summary,
            principals,
            errors,
        }
    }

    /// [`Self::analyze_with_progress`] without progress.
    pub fn analyze(&self) -> Analysis {
        self.analyze_with_progress(&|_, _| {})
    }

    /// The analysis of one principal, every list complete (`None` when the graph does not know it). Cheap
    /// once another principal with the same policies was analysed: what the policies grant is computed once
    /// per distinct policy set.
    pub fn analyze_principal(&self, arn: &str) -> Option<PrincipalAnalysis> {
        self.principals.get(arn).map(|p| self.analyze_entry(p, None))
    }

    /// [`Self::analyze_principal`] with lists cut to `limit` entries (see [`AnalyzeOptions::limit`]).
    pub fn analyze_principal_with(&self, arn: &str, options: AnalyzeOptions) -> Option<PrincipalAnalysis> {
        self.principals
            .get(arn)
            .map(|p| self.analyze_entry(p, options.limit))
    }

    fn refs(&self, p: &PrincipalEntry, keys: &[StmtKey]) -> Vec<crate::report::StatementRef> {
        let mut v: Vec<_> = keys
            .iter()
            .map(|k| self.statement_ref(*k, self.via_group(p, k.policy)))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Like [`Self::refs`] for statement keys over canonical policies (see [`crate::sets`]).
    fn canonical_refs(&self, p: &PrincipalEntry, keys: &[StmtKey]) -> Vec<crate::report::StatementRef> {
        let actual: Vec<StmtKey> = keys.iter().flat_map(|k| self.actual_keys(p, *k)).collect();
        self.refs(p, &actual)
    }

    fn analyze_entry(&self, p: &PrincipalEntry, limit: Option<usize>) -> PrincipalAnalysis {
        let declared = p.declared.is_some();
        let usage = p.observed.and_then(|i| self.usage.principals.get(i));
        let info = declared.then(|| self.set_info(p));

        // Used and missing.
        let mut used: Vec<UsedAction> = Vec::new();
        let mut missing: Vec<MissingAction> = Vec::new();
        let mut used_names: BTreeSet<String> = BTreeSet::new();
        if let Some(u) = usage {
            if !declared {
                for a in &u.actions {
                    used_names.insert(canonical(&a.action));
                    used.push(UsedAction {
                        action: canonical(&a.action),
                        access_level: level_name(access_level(&a.action)),
                        count: a.count,
                        denied: a.denied,
                        first_seen: a.first_seen.clone(),
                        last_seen: a.last_seen.clone(),
                        resources: a.resources.clone(),
                        regions: a.regions.clone(),
                        decision: "not-declared",
                        allowed_by: Vec::new(),
                    });
                }
            }
        }
        if declared && usage.is_some() {
            for v in self.used_verdicts(&p.arn) {
                let a = v.usage;
                let name = canonical(&a.action);
                used_names.insert(name.clone());
                let level = level_name(access_level(&a.action));
                if !v.allowed.is_empty() {
                    let mut keys: Vec<StmtKey> = Vec::new();
                    let mut conditional = false;
                    for x in &v.allowed {
                        keys.extend(x.decision.statements().iter().copied());
                        conditional |= matches!(x.decision, Decision::AllowIfConditions(_));
                    }
                    used.push(UsedAction {
                        action: name.clone(),
                        access_level: level,
                        count: a.count,
                        denied: a.denied,
                        first_seen: a.first_seen.clone(),
                        last_seen: a.last_seen.clone(),
                        resources: distinct(v.allowed.iter().map(|x| x.resource.as_str())),
                        regions: distinct(v.allowed.iter().filter_map(|x| x.region.as_deref())),
                        decision: if conditional {
                            "allowed-if-conditions"
                        } else {
                            "allowed"
                        },
                        allowed_by: self.refs(p, &keys),
                    });
                }
                if !v.refused.is_empty() {
                    let explicit: Vec<StmtKey> = v
                        .refused
                        .iter()
                        .flat_map(|x| match &x.decision {
                            Decision::ExplicitDeny(k) => k.clone(),
                            _ => Vec::new(),
                        })
                        .collect();
                    let reason = v.refused.iter().find_map(|x| match x.decision {
                        Decision::ImplicitDeny(r) => Some(r),
                        _ => None,
                    });
                    let mut why = if !explicit.is_empty() {
                        "a Deny statement refuses it".to_string()
                    } else {
                        reason.map(|r| r.to_string()).unwrap_or_default()
                    };
                    let regions = distinct(v.refused.iter().filter_map(|x| x.region.as_deref()));
                    if !regions.is_empty() && !v.allowed.is_empty() {
                        let _ = write!(
                            why,
                            " for calls in {} (allowed in {})",
                            backticked(&regions),
                            backticked(&distinct(v.allowed.iter().filter_map(|x| x.region.as_deref())))
                        );
                    }
                    missing.push(MissingAction {
                        action: name.clone(),
                        access_level: level,
                        count: a.count,
                        denied: a.denied,
                        resources: distinct(v.refused.iter().map(|x| x.resource.as_str())),
                        regions,
                        decision: if explicit.is_empty() {
                            "implicit-deny"
                        } else {
                            "explicit-deny"
                        },
                        why,
                        denied_by: self.refs(p, &explicit),
                    });
                } else if a.denied > 0 {
                    missing.push(MissingAction {
                        action: name.clone(),
                        access_level: level,
                        count: a.count,
                        denied: a.denied,
                        resources: a.resources.clone(),
                        regions: a.regions.clone(),
                        decision: "allowed",
                        why: format!(
                            "{} of {} calls failed with an access-denied error although the declared policies \
                             allow them: another policy (SCP, resource policy, session policy) refused them, or \
                             the policies changed",
                            a.denied, a.count
                        ),
                        denied_by: Vec::new(),
                    });
                }
            }
        }

        // Granted actions that were used, as indices into the set's entries.
        let used_entries: BTreeSet<usize> = match &info {
            Some(info) => used_names
                .iter()
                .filter_map(|n| info.index.get(&n.to_ascii_lowercase()).copied())
                .collect(),
            None => BTreeSet::new(),
        };

        // Unused (riskiest first, the set's order) and unobservable (by name), per access level and service.
        let mut unused: Vec<UnusedAction> = Vec::new();
        let mut unobservable_idx: Vec<usize> = Vec::new();
        let mut n_unused = 0;
        let mut levels: BTreeMap<usize, LevelUse> = BTreeMap::new();
        let mut services: BTreeMap<&str, ServiceUse> = BTreeMap::new();
        let mut stmt_used: BTreeMap<StmtKey, usize> = BTreeMap::new();
        let cap = limit.unwrap_or(usize::MAX);
        if let Some(info) = &info {
            for (i, e) in info.entries.iter().enumerate() {
                let is_used = used_entries.contains(&i);
                let svc = services.entry(e.service.as_str()).or_insert_with(|| ServiceUse {
                    service: e.service.clone(),
                    granted: 0,
                    used: 0,
                    unused: 0,
                    unobservable: 0,
                });
                svc.granted += 1;
                let level = e
                    .level
                    .and_then(|l| LEVELS.iter().position(|x| *x == l).map(|idx| (idx, l)))
                    .map(|(idx, l)| {
                        levels.entry(idx).or_insert_with(|| LevelUse {
                            level: l.as_str(),
                            granted: 0,
                            used: 0,
                            unobservable: 0,
                            unused: 0,
                            fraction_used: 0.0,
                        })
                    });
                let mut level = level;
                if let Some(l) = level.as_deref_mut() {
                    l.granted += 1;
                }
                if is_used {
                    svc.used += 1;
                    if let Some(l) = level {
                        l.used += 1;
                    }
                    for k in &e.statements {
                        *stmt_used.entry(*k).or_default() += 1;
                    }
                } else if e.unobservable.is_some() {
                    svc.unobservable += 1;
                    if let Some(l) = level {
                        l.unobservable += 1;
                    }
                    unobservable_idx.push(i);
                } else {
                    svc.unused += 1;
                    if let Some(l) = level {
                        l.unused += 1;
                    }
                    n_unused += 1;
                    if unused.len() < cap {
                        unused.push(UnusedAction {
                            action: e.action.to_string(),
                            access_level: level_name(e.level),
                            risk: e.risk,
                            granted_by: self.canonical_refs(p, &e.statements),
                        });
                    }
                }
            }
        }
        let n_unobservable = unobservable_idx.len();
        let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
        if let Some(info) = &info {
            for &i in &unobservable_idx {
                if let Some(u) = info.entries.get(i).and_then(|e| e.unobservable.as_ref()) {
                    *reasons.entry(u.reason).or_default() += 1;
                }
            }
        }
        let mut unobservable: Vec<UnobservableAction> = Vec::new();
        if let Some(info) = &info {
            unobservable_idx.sort_by_key(|&i| info.entries.get(i).map(|e| e.action));
            let mut listed: BTreeMap<&'static str, usize> = BTreeMap::new();
            for &i in &unobservable_idx {
                let Some(e) = info.entries.get(i) else {
                    continue;
                };
                let Some(u) = &e.unobservable else {
                    continue;
                };
                let n = listed.entry(u.reason).or_default();
                if *n >= cap {
                    continue;
                }
                *n += 1;
                unobservable.push(UnobservableAction {
                    action: e.action.to_string(),
                    access_level: level_name(e.level),
                    reason: u.reason,
                    detail: u.detail.clone(),
                    doc: u.doc.clone(),
                });
            }
        }
        let access_levels: Vec<LevelUse> = levels
            .into_values()
            .map(|mut l| {
                l.fraction_used = if l.granted == 0 {
                    0.0
                } else {
                    (l.used as f64 / l.granted as f64 * 10_000.0).round() / 10_000.0
                };
                l
            })
            .collect();

        // Statements.
        let mut statements: Vec<StatementUse> = Vec::new();
        if let Some(info) = &info {
            for (k, g) in &info.statement_granted {
                let u = stmt_used.get(k).copied().unwrap_or(0);
                let (actions, wildcard) = self.statement_patterns(*k);
                for actual in self.actual_keys(p, *k) {
                    statements.push(StatementUse {
                        statement: self.statement_ref(actual, self.via_group(p, actual.policy)),
                        actions: actions.clone(),
                        wildcard,
                        granted: *g,
                        used: u,
                    });
                }
            }
        }
        statements.sort_by(|a, b| {
            wildcard_rank(b.wildcard)
                .cmp(&wildcard_rank(a.wildcard))
                .then(b.granted.cmp(&a.granted))
                .then_with(|| a.statement.cmp(&b.statement))
        });
        // Assume links.
        let mut assumes: BTreeMap<String, AssumeLink> = BTreeMap::new();
        if declared {
            for (r, conditional) in self.can_assume_detail(&p.arn) {
                assumes.insert(
                    r.to_string(),
                    AssumeLink {
                        role: r.to_string(),
                        can_assume: true,
                        if_conditions: conditional,
                        assumed: 0,
                        first_seen: None,
                        last_seen: None,
                    },
                );
            }
        }
        if let Some(u) = usage {
            for a in u.actions.iter().filter(|a| is_assume_role_action(&a.action)) {
                for r in a.resources.iter().filter(|r| crate::graph::is_role_arn(r)) {
                    let e = assumes.entry(r.clone()).or_insert_with(|| AssumeLink {
                        role: r.clone(),
                        can_assume: false,
                        if_conditions: false,
                        assumed: 0,
                        first_seen: None,
                        last_seen: None,
                    });
                    e.assumed += a.count;
                    e.first_seen = Some(min_opt(e.first_seen.take(), &a.first_seen));
                    e.last_seen = Some(max_opt(e.last_seen.take(), &a.last_seen));
                }
            }
        }

        let admin_equivalent = declared && p.acts() && self.admin(&p.arn);
        let escalation = if declared {
            self.escalation_paths(&p.arn)
        } else {
            Vec::new()
        };
        let counts = Counts {
            granted: info.as_ref().map_or(0, |i| i.granted.actions.len()),
            used: used.iter().filter(|u| u.decision != "not-declared").count(),
            unused: n_unused,
            unobservable: n_unobservable,
            missing: missing.len(),
        };
        PrincipalAnalysis {
            arn: p.arn.clone(),
            kind: p.kind.as_str(),
            usage_type: usage.map(|u| PermissionGraph::usage_type_name(u.r#type)),
            declared,
            observed: usage.is_some(),
            admin_equivalent,
            counts,
            access_levels,
            used,
            missing,
            unused,
            services: services.into_values().collect(),
            statements,
            unobservable,
            unobservable_reasons: reasons
                .into_iter()
                .map(|(reason, count)| ReasonCount { reason, count })
                .collect(),
            assumes: assumes.into_values().collect(),
            escalation,
        }
    }

    /// A statement's action patterns and how wide it is.
    fn statement_patterns(&self, k: StmtKey) -> (Vec<String>, &'static str) {
        let Some(st) = self
            .policies
            .get(k.policy)
            .and_then(|p| p.policy.as_ref())
            .and_then(|p| p.statements.get(k.statement))
        else {
            return (Vec::new(), "none");
        };
        let not = st.action.is_not();
        let pats: Vec<String> = st
            .action
            .patterns()
            .iter()
            .map(|p| {
                if not {
                    format!("!{}", p.as_str())
                } else {
                    p.as_str().to_string()
                }
            })
            .collect();
        let wildcard = if not || st.action.patterns().iter().any(|p| p.is_any()) {
            "*"
        } else if st.action.patterns().iter().any(|p| p.as_str().ends_with(":*")) {
            "service:*"
        } else if st.action.patterns().iter().any(|p| p.has_wildcard()) {
            "pattern"
        } else {
            "none"
        };
        (pats, wildcard)
    }

    /// How wide a statement's actions are (cached).
    fn statement_wildcard(&self, k: StmtKey) -> &'static str {
        if let Some(w) = self.cache.wildcards.borrow().get(&k) {
            return w;
        }
        let w = self.statement_patterns(k).1;
        self.cache.wildcards.borrow_mut().insert(k, w);
        w
    }

    /// +5 when only `*`/`NotAction` statements grant the action, +3 when only service wildcards do.
    pub(crate) fn wildcard_bonus(&self, keys: &[StmtKey]) -> u32 {
        if keys.is_empty() {
            return 0;
        }
        let kinds: Vec<&str> = keys.iter().map(|k| self.statement_wildcard(*k)).collect();
        if kinds.iter().all(|k| *k == "*") {
            5
        } else if kinds.iter().all(|k| *k == "*" || *k == "service:*") {
            3
        } else {
            0
        }
    }
}

fn wildcard_rank(w: &str) -> u8 {
    match w {
        "*" => 3,
        "service:*" => 2,
        "pattern" => 1,
        _ => 0,
    }
}

/// The distinct strings, in first-seen order.
fn distinct<'s>(items: impl Iterator<Item = &'s str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.iter().any(|o| o == i) {
            out.push(i.to_string());
        }
    }
    out
}

fn backticked(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn canonical(action: &str) -> String {
    catalog()
        .action(action)
        .map(|a| a.full_name.to_string())
        .unwrap_or_else(|| action.to_string())
}

fn level_name(level: Option<AccessLevel>) -> &'static str {
    level.map(AccessLevel::as_str).unwrap_or("Unknown")
}

fn min_opt(a: Option<String>, b: &str) -> String {
    match a {
        Some(a) if a.as_str() <= b => a,
        _ => b.to_string(),
    }
}

fn max_opt(a: Option<String>, b: &str) -> String {
    match a {
        Some(a) if a.as_str() >= b => a,
        _ => b.to_string(),
    }
}

/// Whether a target string names arbitrary permissions.
pub fn is_any_permission(target: &str) -> bool {
    target == ANY_PERMISSION
}

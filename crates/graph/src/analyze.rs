//! The whole analysis: every query, for every principal, into the `pare.analysis/v1` document.

use crate::authz::Decision;
use crate::escalation::ANY_PERMISSION;
use crate::graph::{is_assume_role_action, PermissionGraph, PrincipalEntry, StmtKey};
use crate::model::PrincipalKind;
use crate::query::{access_level, level_risk};
use crate::report::{
    Analysis, AssumeLink, CatalogRef, Counts, LevelUse, MissingAction, PrincipalAnalysis, StatementUse,
    Summary, UnobservableAction, UnusedAction, UsedAction, Window, SCHEMA,
};
use pare_catalog::{catalog, AccessLevel};
use std::collections::{BTreeMap, BTreeSet};

const LEVELS: [AccessLevel; 5] = [
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

impl PermissionGraph<'_> {
    /// Runs every query for every user, role and observed principal (groups act only through their members
    /// and are not listed). `progress` is called after each principal with (done, total).
    pub fn analyze_with_progress(&self, progress: &dyn Fn(usize, usize)) -> Analysis {
        let todo: Vec<&PrincipalEntry> = self
            .principals
            .values()
            .filter(|p| p.kind != PrincipalKind::Group && (p.declared.is_some() || p.observed.is_some()))
            .collect();
        let total = todo.len();
        let mut principals = Vec::with_capacity(total);
        for (i, p) in todo.into_iter().enumerate() {
            principals.push(self.analyze_entry(p));
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
            summary,
            principals,
            errors,
        }
    }

    /// [`Self::analyze_with_progress`] without progress.
    pub fn analyze(&self) -> Analysis {
        self.analyze_with_progress(&|_, _| {})
    }

    /// The analysis of one principal (`None` when the graph does not know it).
    pub fn analyze_principal(&self, arn: &str) -> Option<PrincipalAnalysis> {
        self.principals.get(arn).map(|p| self.analyze_entry(p))
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

    fn analyze_entry(&self, p: &PrincipalEntry) -> PrincipalAnalysis {
        let declared = p.declared.is_some();
        let usage = p.observed.and_then(|i| self.usage.principals.get(i));
        let granted = if declared {
            self.granted(&p.arn)
        } else {
            Default::default()
        };

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
                    for (_, d) in &v.allowed {
                        keys.extend(d.statements().iter().copied());
                        conditional |= matches!(d, Decision::AllowIfConditions(_));
                    }
                    used.push(UsedAction {
                        action: name.clone(),
                        access_level: level,
                        count: a.count,
                        denied: a.denied,
                        first_seen: a.first_seen.clone(),
                        last_seen: a.last_seen.clone(),
                        resources: v.allowed.iter().map(|(r, _)| r.clone()).collect(),
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
                        .flat_map(|(_, d)| match d {
                            Decision::ExplicitDeny(k) => k.clone(),
                            _ => Vec::new(),
                        })
                        .collect();
                    let reason = v.refused.iter().find_map(|(_, d)| match d {
                        Decision::ImplicitDeny(r) => Some(*r),
                        _ => None,
                    });
                    let why = if !explicit.is_empty() {
                        "a Deny statement refuses it".to_string()
                    } else {
                        reason.map(|r| r.to_string()).unwrap_or_default()
                    };
                    missing.push(MissingAction {
                        action: name.clone(),
                        access_level: level,
                        count: a.count,
                        denied: a.denied,
                        resources: v.refused.iter().map(|(r, _)| r.clone()).collect(),
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

        // Unused and unobservable.
        let mut unused: Vec<UnusedAction> = Vec::new();
        let mut unobservable: Vec<UnobservableAction> = Vec::new();
        let escalation_actions: BTreeSet<String> = crate::data::tables()
            .methods
            .iter()
            .flat_map(|m| m.actions.iter().map(|a| a.to_ascii_lowercase()))
            .collect();
        let used_lower: BTreeSet<String> = used_names.iter().map(|s| s.to_ascii_lowercase()).collect();
        for (&action, grant) in &granted.actions {
            if used_lower.contains(&action.to_ascii_lowercase()) {
                continue;
            }
            let level = access_level(action);
            if let Some(u) = self.unobservable(action, &grant.statements) {
                unobservable.push(UnobservableAction {
                    action: action.to_string(),
                    access_level: level_name(level),
                    reason: u.reason,
                    detail: u.detail,
                    doc: u.doc,
                });
                continue;
            }
            let mut risk = if escalation_actions.contains(&action.to_ascii_lowercase()) {
                100
            } else {
                level_risk(level)
            };
            risk += self.wildcard_bonus(&grant.statements);
            unused.push(UnusedAction {
                action: action.to_string(),
                access_level: level_name(level),
                risk,
                granted_by: self.refs(p, &grant.statements),
            });
        }
        unused.sort_by(|a, b| b.risk.cmp(&a.risk).then_with(|| a.action.cmp(&b.action)));

        // Per level.
        let mut levels: BTreeMap<usize, LevelUse> = BTreeMap::new();
        let unobservable_set: BTreeSet<&str> = unobservable.iter().map(|u| u.action.as_str()).collect();
        for &action in granted.actions.keys() {
            let Some(level) = access_level(action) else {
                continue;
            };
            let Some(idx) = LEVELS.iter().position(|l| *l == level) else {
                continue;
            };
            let e = levels.entry(idx).or_insert_with(|| LevelUse {
                level: level.as_str(),
                granted: 0,
                used: 0,
                unobservable: 0,
                unused: 0,
                fraction_used: 0.0,
            });
            e.granted += 1;
            if used_lower.contains(&action.to_ascii_lowercase()) {
                e.used += 1;
            } else if unobservable_set.contains(action) {
                e.unobservable += 1;
            } else {
                e.unused += 1;
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
        let mut stmt_counts: BTreeMap<StmtKey, (usize, usize)> = BTreeMap::new();
        for (&action, grant) in &granted.actions {
            let is_used = used_lower.contains(&action.to_ascii_lowercase());
            for k in &grant.statements {
                let e = stmt_counts.entry(*k).or_default();
                e.0 += 1;
                if is_used {
                    e.1 += 1;
                }
            }
        }
        let mut statements: Vec<StatementUse> = stmt_counts
            .into_iter()
            .map(|(k, (g, u))| {
                let (actions, wildcard) = self.statement_patterns(k);
                StatementUse {
                    statement: self.statement_ref(k, self.via_group(p, k.policy)),
                    actions,
                    wildcard,
                    granted: g,
                    used: u,
                }
            })
            .collect();
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
            granted: granted.actions.len(),
            used: used.iter().filter(|u| u.decision != "not-declared").count(),
            unused: unused.len(),
            unobservable: unobservable.len(),
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
            statements,
            unobservable,
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
    fn wildcard_bonus(&self, keys: &[StmtKey]) -> u32 {
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

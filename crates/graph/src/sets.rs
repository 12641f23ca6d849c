//! What a principal's policies grant, computed once per distinct set of policy *contents*.
//!
//! Real accounts attach the same few managed policies to many principals, and tools that write inline policies
//! copy one document to many roles. Every query that depends only on the policies — the granted actions
//! (every catalog action a statement's wildcards cover, each checked with the evaluator), their access level,
//! why CloudTrail could not show them, how risky an unused one is, and how much each statement grants — is
//! computed once per [`SetKey`] and shared. The key holds the canonical index of each policy (the first policy
//! with the same document), the principal's account and kind (they decide cross-account checks and the
//! `aws:PrincipalType`/`aws:username` keys), and the principal itself only when a policy depends on who asks
//! (policy variables, conditions on the principal's keys).
//!
//! Statement keys inside a [`SetInfo`] point at the canonical policies; [`PermissionGraph::actual_keys`] maps
//! them back to the principal's own policies for display.

use crate::authz::PolicySet;
use crate::graph::{PermissionGraph, PrincipalEntry, StmtKey};
use crate::model::PrincipalKind;
use crate::observe::Unobservable;
use crate::query::{access_level, level_risk, Granted};
use pare_catalog::AccessLevel;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// What identifies a [`SetInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SetKey {
    identity: Vec<usize>,
    boundary: Option<usize>,
    account: Option<String>,
    kind: PrincipalKind,
    who: Option<String>,
}

/// One granted action, classified.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Canonical name.
    pub action: &'static str,
    /// `s3` in `s3:GetObject`, lowercase.
    pub service: String,
    /// Access level.
    pub level: Option<AccessLevel>,
    /// Why CloudTrail cannot show it, when it cannot.
    pub unobservable: Option<Rc<Unobservable>>,
    /// Risk when unused (see [`crate::report::UnusedAction::risk`]).
    pub risk: u32,
    /// Granting statements (canonical policies).
    pub statements: Vec<StmtKey>,
}

/// What the catalog and the tables say about one action, whoever is granted it.
#[derive(Debug)]
pub(crate) struct ActionClass {
    service: String,
    level: Option<AccessLevel>,
    risk: u32,
    /// A table rule or `no-api-method` (not `via-service`, which depends on the statements).
    unobservable: Option<Rc<Unobservable>>,
}

/// Everything about a policy set that does not depend on usage.
#[derive(Debug)]
pub(crate) struct SetInfo {
    /// Granted actions, sorted by name (statements over canonical policies).
    pub granted: Granted,
    /// Every granted action, riskiest first, then by name.
    pub entries: Vec<Entry>,
    /// Lowercase action → index in `entries`.
    pub index: HashMap<String, usize>,
    /// Canonical statement → number of granted actions it grants.
    pub statement_granted: BTreeMap<StmtKey, usize>,
}

impl PermissionGraph<'_> {
    /// The policy set of a principal over canonical policies, and its key.
    fn set_key(&self, p: &PrincipalEntry) -> (SetKey, PolicySet) {
        let canon = |i: usize| self.canon.get(i).copied().unwrap_or(i);
        let mut identity: Vec<usize> = Vec::new();
        for (i, _) in &p.identity {
            let c = canon(*i);
            if !identity.contains(&c) {
                identity.push(c);
            }
        }
        let boundary = p.boundary.map(canon);
        let dependent = p
            .identity
            .iter()
            .map(|(i, _)| *i)
            .chain(p.boundary)
            .any(|i| self.dependent.get(i).copied().unwrap_or(false));
        let key = SetKey {
            identity: identity.clone(),
            boundary,
            account: p.account().map(str::to_string),
            kind: p.kind,
            who: dependent.then(|| p.arn.clone()),
        };
        let set = PolicySet {
            identity,
            boundary,
            scps: self.scps.clone(),
            resource: None,
        };
        (key, set)
    }

    /// Whether a declared principal is admin-equivalent (cached per distinct set).
    pub(crate) fn set_admin(&self, p: &PrincipalEntry) -> bool {
        let (key, set) = self.set_key(p);
        if let Some(&v) = self.cache.set_admin.borrow().get(&key) {
            return v;
        }
        let v = self.set_is_admin(p, &set);
        self.cache.set_admin.borrow_mut().insert(key, v);
        v
    }

    /// The [`SetInfo`] of a declared principal (cached per distinct set).
    pub(crate) fn set_info(&self, p: &PrincipalEntry) -> Rc<SetInfo> {
        let (key, set) = self.set_key(p);
        if let Some(info) = self.cache.sets.borrow().get(&key) {
            return Rc::clone(info);
        }
        let info = Rc::new(self.compute_set_info(p, set));
        self.cache.sets.borrow_mut().insert(key, Rc::clone(&info));
        info
    }

    fn compute_set_info(&self, p: &PrincipalEntry, set: PolicySet) -> SetInfo {
        let set = &set;
        let granted = self.compute_granted(p, set);
        let mut statement_granted: BTreeMap<StmtKey, usize> = BTreeMap::new();
        let mut entries: Vec<Entry> = Vec::with_capacity(granted.actions.len());
        for (&action, grant) in &granted.actions {
            for k in &grant.statements {
                *statement_granted.entry(*k).or_default() += 1;
            }
            let class = self.action_class(action);
            // The table and the API map first (per action, cached); then statements usable only through a
            // service (per statement set, only when one has conditions).
            let unobservable = match &class.unobservable {
                Some(u) => Some(Rc::clone(u)),
                None if grant.statements.iter().any(|k| self.statement_has_condition(*k)) => {
                    self.unobservable(action, &grant.statements).map(Rc::new)
                }
                None => None,
            };
            let mut risk = class.risk;
            risk += self.wildcard_bonus(&grant.statements);
            entries.push(Entry {
                action,
                service: class.service.clone(),
                level: class.level,
                unobservable,
                risk,
                statements: grant.statements.clone(),
            });
        }
        entries.sort_by(|a, b| b.risk.cmp(&a.risk).then_with(|| a.action.cmp(b.action)));
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.action.to_ascii_lowercase(), i))
            .collect();
        SetInfo {
            granted,
            entries,
            index,
            statement_granted,
        }
    }

    /// What the catalog and the tables say about one action (cached).
    fn action_class(&self, action: &'static str) -> Rc<ActionClass> {
        if let Some(c) = self.cache.actions.borrow().get(action) {
            return Rc::clone(c);
        }
        let lower = action.to_ascii_lowercase();
        let level = access_level(action);
        let escalation = crate::data::tables()
            .methods
            .iter()
            .any(|m| m.actions.iter().any(|a| a.eq_ignore_ascii_case(action)));
        let c = Rc::new(ActionClass {
            service: lower.split(':').next().unwrap_or_default().to_string(),
            level,
            risk: if escalation { 100 } else { level_risk(level) },
            unobservable: self.unobservable(action, &[]).map(Rc::new),
        });
        self.cache.actions.borrow_mut().insert(action, Rc::clone(&c));
        c
    }

    fn statement_has_condition(&self, k: StmtKey) -> bool {
        self.policies
            .get(k.policy)
            .and_then(|p| p.policy.as_ref())
            .and_then(|p| p.statements.get(k.statement))
            .is_some_and(|st| st.condition.is_some())
    }

    /// The principal's own statements behind a canonical statement key (one per policy of the principal with
    /// that content; the key itself when none).
    pub(crate) fn actual_keys(&self, p: &PrincipalEntry, k: StmtKey) -> Vec<StmtKey> {
        let out: Vec<StmtKey> = p
            .identity
            .iter()
            .map(|(i, _)| *i)
            .chain(p.boundary)
            .filter(|&i| self.canon.get(i).copied() == Some(k.policy))
            .map(|i| StmtKey {
                policy: i,
                statement: k.statement,
            })
            .collect();
        let mut out = out;
        out.dedup();
        if out.is_empty() {
            vec![k]
        } else {
            out
        }
    }
}

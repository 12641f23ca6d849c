//! Queries on the permission graph: granted actions, used actions with the statements that allow them,
//! used-but-not-granted, granted-but-unused, unobservable.
//!
//! Every decision goes through `pare_policy`'s evaluator ([`crate::authz`]); wildcard expansion goes through
//! `pare_catalog`. Expansions are cached per statement and per pattern, and the granted set per distinct policy
//! set, so principals sharing the same attachments (the common case in real accounts) cost one computation.

use crate::authz::{self, Decision, PolicySet};
use crate::graph::{PermissionGraph, PrincipalEntry, StmtKey};
use pare_catalog::{catalog, AccessLevel};
use pare_policy::{Effect, Request};
use pare_trail::usage::{ActionUsage, ANY_RESOURCE};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// The caches of a graph.
#[derive(Default)]
pub(crate) struct Cache {
    patterns: RefCell<HashMap<String, Rc<Vec<&'static str>>>>,
    statements: RefCell<HashMap<StmtKey, Rc<Vec<&'static str>>>>,
    granted: RefCell<HashMap<Signature, Rc<Granted>>>,
    all_actions: RefCell<Option<Rc<Vec<&'static str>>>>,
    pub(crate) admin: RefCell<HashMap<String, bool>>,
    pub(crate) hops: RefCell<HashMap<String, Vec<crate::escalation::Hop>>>,
    /// Action (lower-case) → index of the unobservable-table rule that matches it.
    pub(crate) rules: RefCell<HashMap<String, Option<usize>>>,
    /// Statement → how wide its actions are.
    pub(crate) wildcards: RefCell<HashMap<StmtKey, &'static str>>,
    /// Per distinct policy set: granted actions, classified.
    pub(crate) sets: RefCell<HashMap<crate::sets::SetKey, Rc<crate::sets::SetInfo>>>,
    /// Per action: level, risk, unobservable by table or API map.
    pub(crate) actions: RefCell<HashMap<&'static str, Rc<crate::sets::ActionClass>>>,
    /// Per distinct policy set: admin-equivalent.
    pub(crate) set_admin: RefCell<HashMap<crate::sets::SetKey, bool>>,
}

/// What identifies a principal's granted set: its policies, and the principal itself when a statement uses
/// policy variables (their value depends on who asks).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Signature {
    set: PolicySet,
    who: Option<String>,
}

/// One granted action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Identity statements that allow it.
    pub statements: Vec<StmtKey>,
    /// Only statements with conditions the analysis cannot check allow it.
    pub conditional: bool,
}

/// The actions a principal's declared policies grant, after explicit denies, the permissions boundary and
/// SCPs, each with the statements that grant it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Granted {
    /// Canonical action name (`s3:GetObject`) → grant.
    pub actions: BTreeMap<&'static str, Grant>,
}

/// A used action with the evaluator's verdict per resource and region.
#[derive(Debug, Clone)]
pub struct UsedVerdict<'u> {
    /// The usage record.
    pub usage: &'u ActionUsage,
    /// Resources (or `*`) the declared policies allow, with the statements that allow them.
    pub allowed: Vec<Verdict>,
    /// Resources the declared policies refuse.
    pub refused: Vec<Verdict>,
}

/// The evaluator's verdict on the calls of one action to one resource in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The resource ARN, or `*` for calls that named none.
    pub resource: String,
    /// The region the calls went to (`aws:RequestedRegion`), when the usage recorded it.
    pub region: Option<String>,
    /// The decision.
    pub decision: Decision,
}

/// The regions to evaluate calls to `resource` in: the resource's own region when the calls went there, else
/// every region the action's calls went to; `[None]` when the usage recorded no region.
pub(crate) fn regions_for<'r>(resource: &'r str, regions: &'r [String]) -> Vec<Option<&'r str>> {
    if regions.is_empty() {
        return vec![None];
    }
    let own = resource
        .split(':')
        .nth(3)
        .filter(|r| resource.starts_with("arn:") && !r.is_empty());
    if let Some(own) = own {
        if let Some(g) = regions.iter().find(|g| g.as_str() == own) {
            return vec![Some(g.as_str())];
        }
    }
    regions.iter().map(|g| Some(g.as_str())).collect()
}

impl PermissionGraph<'_> {
    /// The catalog actions an IAM action pattern covers (cached).
    pub(crate) fn expand(&self, pattern: &str) -> Rc<Vec<&'static str>> {
        let key = pattern.to_ascii_lowercase();
        if let Some(v) = self.cache.patterns.borrow().get(&key) {
            return Rc::clone(v);
        }
        let v: Rc<Vec<&'static str>> =
            Rc::new(catalog().expand(pattern).iter().map(|a| a.full_name).collect());
        self.cache.patterns.borrow_mut().insert(key, Rc::clone(&v));
        v
    }

    fn all_actions(&self) -> Rc<Vec<&'static str>> {
        if let Some(v) = self.cache.all_actions.borrow().as_ref() {
            return Rc::clone(v);
        }
        let v = self.expand("*");
        *self.cache.all_actions.borrow_mut() = Some(Rc::clone(&v));
        v
    }

    /// The catalog actions a statement's `Action` (or `NotAction`) covers (cached per statement).
    pub fn statement_actions(&self, key: StmtKey) -> Rc<Vec<&'static str>> {
        if let Some(v) = self.cache.statements.borrow().get(&key) {
            return Rc::clone(v);
        }
        let st = self
            .policies
            .get(key.policy)
            .and_then(|p| p.policy.as_ref())
            .and_then(|p| p.statements.get(key.statement));
        let v: Rc<Vec<&'static str>> = match st {
            None => Rc::new(Vec::new()),
            Some(st) if st.action.is_not() => Rc::new(
                self.all_actions()
                    .iter()
                    .copied()
                    .filter(|a| st.action.applies_to(a))
                    .collect(),
            ),
            Some(st) => {
                let mut set: BTreeSet<&'static str> = BTreeSet::new();
                for p in st.action.patterns() {
                    set.extend(self.expand(p.as_str()).iter().copied());
                }
                Rc::new(set.into_iter().collect())
            }
        };
        self.cache.statements.borrow_mut().insert(key, Rc::clone(&v));
        v
    }

    /// The actions a principal's declared policies grant (see [`Granted`]). Empty for undeclared principals
    /// and groups' own evaluation uses their policies alone.
    pub fn granted(&self, arn: &str) -> Rc<Granted> {
        let Some(p) = self.principals.get(arn) else {
            return Rc::new(Granted::default());
        };
        let set = self.policy_set(p);
        let uses_vars = set.identity.iter().chain(set.boundary.iter()).any(|&i| {
            self.policies
                .get(i)
                .and_then(|e| e.policy.as_ref())
                .is_some_and(|pol| pol.variables_enabled() && policy_text_has_vars(pol))
        });
        let sig = Signature {
            set: set.clone(),
            who: uses_vars.then(|| arn.to_string()),
        };
        if let Some(g) = self.cache.granted.borrow().get(&sig) {
            return Rc::clone(g);
        }
        let g = Rc::new(self.compute_granted(p, &set));
        self.cache.granted.borrow_mut().insert(sig, Rc::clone(&g));
        g
    }

    pub(crate) fn compute_granted(&self, p: &PrincipalEntry, set: &PolicySet) -> Granted {
        // Candidates: every action an identity Allow statement covers, with the statements (and so the resource
        // patterns) to try it on.
        let mut resources_of: Vec<Vec<String>> = Vec::new();
        let mut candidates: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for &pi in &set.identity {
            let Some(policy) = self.policies.get(pi).and_then(|e| e.policy.as_ref()) else {
                continue;
            };
            for (si, st) in policy.statements.iter().enumerate() {
                if st.effect != Effect::Allow {
                    continue;
                }
                let key = StmtKey {
                    policy: pi,
                    statement: si,
                };
                let idx = resources_of.len();
                resources_of.push(candidate_resources(st, p));
                for &a in self.statement_actions(key).iter() {
                    candidates.entry(a).or_default().push(idx);
                }
            }
        }
        let mut candidates: Vec<(&'static str, Vec<usize>)> = candidates.into_iter().collect();
        candidates.sort_unstable_by(|a, b| a.0.cmp(b.0));
        // One request per resource pattern, its context built once; only the action changes.
        let mut requests: HashMap<&str, Request> = HashMap::new();
        let mut out = Granted::default();
        for (action, idxs) in candidates {
            let resources: BTreeSet<&str> = idxs
                .iter()
                .filter_map(|&i| resources_of.get(i))
                .flat_map(|rs| rs.iter().map(String::as_str))
                .collect();
            let mut best: Option<Decision> = None;
            for r in resources {
                let req = requests
                    .entry(r)
                    .or_insert_with(|| authz::request_for(p, action, r));
                if req.action != action {
                    req.action.clear();
                    req.action.push_str(action);
                }
                let d = authz::evaluate(self, set, req);
                let done = matches!(d, Decision::Allow(_));
                if d.allowed() && !best.as_ref().is_some_and(|b| matches!(b, Decision::Allow(_))) {
                    best = Some(d);
                }
                if done {
                    break;
                }
            }
            if let Some(d) = best {
                let conditional = matches!(d, Decision::AllowIfConditions(_));
                let statements: Vec<StmtKey> = d
                    .statements()
                    .iter()
                    .copied()
                    .filter(|k| set.identity.contains(&k.policy))
                    .collect();
                out.actions.insert(
                    action,
                    Grant {
                        statements,
                        conditional,
                    },
                );
            }
        }
        out
    }

    /// The evaluator's verdict on each used action of a principal, per resource it touched. For calls that
    /// named no resource (`*`), the action counts as allowed when some identity statement allows it on the
    /// resources it names.
    pub fn used_verdicts(&self, arn: &str) -> Vec<UsedVerdict<'_>> {
        let (Some(p), Some(pu)) = (
            self.principals.get(arn),
            self.principals
                .get(arn)
                .and_then(|p| p.observed)
                .and_then(|i| self.usage.principals.get(i)),
        ) else {
            return Vec::new();
        };
        let set = self.policy_set(p);
        pu.actions
            .iter()
            .map(|u| {
                let mut allowed = Vec::new();
                let mut refused = Vec::new();
                let resources: BTreeSet<&str> = u.resources.iter().map(String::as_str).collect();
                let resources: Vec<&str> = if resources.is_empty() {
                    vec![ANY_RESOURCE]
                } else {
                    resources.into_iter().collect()
                };
                for r in resources {
                    for region in regions_for(r, &u.regions) {
                        let d = if r == ANY_RESOURCE {
                            self.decide_anywhere(p, &set, &u.action, region).1
                        } else {
                            authz::evaluate(self, &set, &authz::request_in(p, &u.action, r, region))
                        };
                        let v = Verdict {
                            resource: r.to_string(),
                            region: region.map(str::to_string),
                            decision: d,
                        };
                        if v.decision.allowed() {
                            allowed.push(v);
                        } else {
                            refused.push(v);
                        }
                    }
                }
                UsedVerdict {
                    usage: u,
                    allowed,
                    refused,
                }
            })
            .collect()
    }

    /// The decision for an action whose calls named no resource: `*` first, then each resource pattern of an
    /// identity Allow statement covering the action; with the resource the decision was reached on.
    pub(crate) fn decide_anywhere(
        &self,
        p: &PrincipalEntry,
        set: &PolicySet,
        action: &str,
        region: Option<&str>,
    ) -> (String, Decision) {
        let mut tried: BTreeSet<String> = BTreeSet::new();
        let mut first = (
            ANY_RESOURCE.to_string(),
            authz::evaluate(self, set, &authz::request_in(p, action, ANY_RESOURCE, region)),
        );
        if matches!(first.1, Decision::Allow(_)) {
            return first;
        }
        tried.insert(ANY_RESOURCE.to_string());
        let mut conditional: Option<(String, Decision)> = first.1.allowed().then(|| first.clone());
        for &pi in &set.identity {
            let Some(policy) = self.policies.get(pi).and_then(|e| e.policy.as_ref()) else {
                continue;
            };
            for st in &policy.statements {
                if st.effect != Effect::Allow || !st.action.applies_to(action) {
                    continue;
                }
                for r in candidate_resources(st, p) {
                    if !tried.insert(r.clone()) {
                        continue;
                    }
                    let d = authz::evaluate(self, set, &authz::request_in(p, action, &r, region));
                    if matches!(d, Decision::Allow(_)) {
                        return (r, d);
                    }
                    if d.allowed() && conditional.is_none() {
                        conditional = Some((r, d));
                    } else if matches!(d, Decision::ExplicitDeny(_))
                        && !matches!(first.1, Decision::ExplicitDeny(_))
                    {
                        first = (r, d);
                    }
                }
            }
        }
        conditional.unwrap_or(first)
    }

    /// Whether a principal is allowed every admin probe on `*` (see `data/escalation-methods.json`).
    pub fn is_admin_equivalent(&self, arn: &str) -> bool {
        let Some(p) = self.principals.get(arn) else {
            return false;
        };
        if p.declared.is_none() {
            return false;
        }
        let set = self.policy_set(p);
        self.set_is_admin(p, &set)
    }

    pub(crate) fn set_is_admin(&self, p: &PrincipalEntry, set: &PolicySet) -> bool {
        let probes = &crate::data::tables().admin_probes;
        !probes.is_empty()
            && probes
                .iter()
                .all(|a| authz::evaluate(self, set, &authz::request_for(p, a, ANY_RESOURCE)).allowed())
    }

    /// Evaluates one request for a declared principal with its own policy set.
    pub fn evaluate_for(&self, arn: &str, action: &str, resource: &str) -> Decision {
        let Some(p) = self.principals.get(arn) else {
            return Decision::ImplicitDeny(pare_policy::Reason::NoAllow);
        };
        authz::evaluate(
            self,
            &self.policy_set(p),
            &authz::request_for(p, action, resource),
        )
    }

    pub(crate) fn evaluate_request(&self, set: &PolicySet, req: &Request) -> Decision {
        authz::evaluate(self, set, req)
    }
}

/// The resources to try an Allow statement's actions on: its resource patterns as written (a pattern matches
/// itself), with the principal's own policy variables filled in; `*` for `NotResource` or no `Resource`.
pub(crate) fn candidate_resources(st: &pare_policy::Statement, p: &PrincipalEntry) -> Vec<String> {
    match &st.resource {
        Some(r) if !r.is_not() => r
            .patterns()
            .iter()
            .map(|pat| fill_principal_vars(pat.as_str(), p))
            .collect(),
        _ => vec![ANY_RESOURCE.to_string()],
    }
}

/// Replaces `${aws:username}`, `${aws:PrincipalAccount}` and `${aws:userid}`-free variables that are known
/// for the principal; others stay as written.
fn fill_principal_vars(pattern: &str, p: &PrincipalEntry) -> String {
    if !pattern.contains("${") {
        return pattern.to_string();
    }
    let name = p.arn.rsplit('/').next().unwrap_or_default();
    let mut out = pattern.to_string();
    for (var, value) in [
        (
            "${aws:username}",
            (p.kind == crate::model::PrincipalKind::User).then_some(name),
        ),
        ("${aws:PrincipalAccount}", p.account()),
    ] {
        if let Some(value) = value {
            out = replace_ci(&out, var, value);
        }
    }
    out
}

fn replace_ci(text: &str, needle: &str, value: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    let mut out = String::new();
    let mut last = 0;
    let mut from = 0;
    while let Some(pos) = lower.get(from..).and_then(|s| s.find(&n)) {
        let at = from + pos;
        out.push_str(text.get(last..at).unwrap_or_default());
        out.push_str(value);
        last = at + n.len();
        from = last;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

fn policy_text_has_vars(policy: &pare_policy::Policy) -> bool {
    policy.statements.iter().any(|st| {
        st.resource
            .as_ref()
            .is_some_and(|r| r.patterns().iter().any(|p| p.as_str().contains("${")))
    })
}

/// The access level of an action, as the catalog says.
pub(crate) fn access_level(action: &str) -> Option<AccessLevel> {
    catalog().action(action).map(|a| a.access_level)
}

/// Ordering rank of access levels for "riskiest first".
pub(crate) fn level_risk(level: Option<AccessLevel>) -> u32 {
    match level {
        Some(AccessLevel::PermissionsManagement) => 80,
        Some(AccessLevel::Write) => 60,
        Some(AccessLevel::Tagging) => 30,
        Some(AccessLevel::Read) => 20,
        Some(AccessLevel::List) => 10,
        None => 0,
    }
}

//! Privilege-escalation paths: which principals can reach admin-equivalent power through the known methods of
//! `data/escalation-methods.json` (Rhino Security Labs' list, plus assume-role chains), each step checked with
//! the evaluator against the acting principal's policies.
//!
//! How each target kind of the table is checked (every request goes through [`crate::authz`]):
//! - `attached-policy`: the action on each customer managed policy attached to the principal or its groups;
//!   the principal then writes itself any permission (`*`).
//! - `self-user`, `own-group`, `own-role`: the action on the principal's own ARN, one of its groups, or itself
//!   as a role or a role it can assume (then assumed) → `*`.
//! - `user`, `group`, `role`: the actions on each other declared user, group or role → that principal's
//!   permissions.
//! - `pass-role`: `iam:PassRole` on each role whose trust policy lets the method's service assume it, and the
//!   other actions on some resource → that role's permissions.
//! - `service-role`: the actions on some resource → the permissions of each role the service can assume
//!   (an existing resource of that service may run as it; the caveat says so).
//! - `trusting-role`: can-assume edges (trust policy and the caller's `sts:AssumeRole` permission).
//!
//! A path ends at `*` or at a principal that is admin-equivalent (allowed every admin probe on `*`).

use crate::authz::{Decision, PolicySet};
use crate::data::{tables, Grants, Method, TargetKind};
use crate::graph::{PermissionGraph, PrincipalEntry};
use crate::model::{Edge, Node, PrincipalKind};
use crate::report::{EscalationPath, EscalationStep, StepAction};
use pare_policy::wildcard_match;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The pseudo-principal reached when a step grants arbitrary permissions.
pub const ANY_PERMISSION: &str = "*";

/// How many paths are kept per principal (the shortest, then by target).
pub const MAX_PATHS: usize = 10;

/// One escalation step out of a principal.
#[derive(Debug, Clone)]
pub(crate) struct Hop {
    to: String,
    method: usize,
    actions: Vec<StepAction>,
}

impl PermissionGraph<'_> {
    /// Escalation paths from a declared user or role to admin-equivalent power, shortest first (at most
    /// [`MAX_PATHS`]). Empty when the principal is already admin-equivalent, or is not declared.
    pub fn escalation_paths(&self, arn: &str) -> Vec<EscalationPath> {
        let Some(start) = self.principals.get(arn) else {
            return Vec::new();
        };
        if start.declared.is_none() || !start.acts() || self.admin(arn) {
            return Vec::new();
        }
        // Breadth-first over principals; each node keeps the hop that reached it first.
        let mut parent: BTreeMap<String, (String, Hop)> = BTreeMap::new();
        let mut seen: BTreeSet<String> = BTreeSet::from([arn.to_string()]);
        let mut queue: VecDeque<String> = VecDeque::from([arn.to_string()]);
        let mut targets: Vec<String> = Vec::new();
        while let Some(node) = queue.pop_front() {
            for hop in self.hops(&node) {
                if !seen.insert(hop.to.clone()) {
                    continue;
                }
                let to = hop.to.clone();
                parent.insert(to.clone(), (node.clone(), hop));
                if to == ANY_PERMISSION || self.admin(&to) {
                    targets.push(to);
                } else if self.principals.get(&to).is_some_and(PrincipalEntry::acts) {
                    queue.push_back(to);
                }
            }
        }
        let mut paths: Vec<EscalationPath> = targets
            .into_iter()
            .map(|target| {
                let mut steps = Vec::new();
                let mut cur = target.clone();
                while let Some((from, hop)) = parent.get(&cur) {
                    steps.push(self.step(from, hop));
                    cur = from.clone();
                }
                steps.reverse();
                EscalationPath {
                    reaches: target,
                    steps,
                }
            })
            .collect();
        paths.sort_by(|a, b| {
            a.steps
                .len()
                .cmp(&b.steps.len())
                .then_with(|| a.reaches.cmp(&b.reaches))
        });
        paths.truncate(MAX_PATHS);
        paths
    }

    /// Whether a principal (user, role or group) is admin-equivalent (cached).
    pub(crate) fn admin(&self, arn: &str) -> bool {
        if arn == ANY_PERMISSION {
            return true;
        }
        if let Some(&v) = self.cache.admin.borrow().get(arn) {
            return v;
        }
        let v = match self.principals.get(arn) {
            Some(p) if p.declared.is_some() => self.set_admin(p),
            _ => false,
        };
        self.cache.admin.borrow_mut().insert(arn.to_string(), v);
        v
    }

    fn step(&self, from: &str, hop: &Hop) -> EscalationStep {
        let m = tables().methods.get(hop.method);
        EscalationStep {
            from: from.to_string(),
            to: hop.to.clone(),
            method: m.map(|m| m.id.clone()).unwrap_or_default(),
            method_name: m.map(|m| m.name.clone()).unwrap_or_default(),
            rhino: m.and_then(|m| m.rhino),
            caveat: m.and_then(|m| m.caveat.clone()),
            actions: hop.actions.clone(),
        }
    }

    /// Every escalation step out of a principal (cached).
    pub(crate) fn hops(&self, arn: &str) -> Vec<Hop> {
        if let Some(h) = self.cache.hops.borrow().get(arn) {
            return h.clone();
        }
        let h = self.compute_hops(arn);
        self.cache.hops.borrow_mut().insert(arn.to_string(), h.clone());
        h
    }

    fn compute_hops(&self, arn: &str) -> Vec<Hop> {
        let Some(p) = self.principals.get(arn) else {
            return Vec::new();
        };
        if p.declared.is_none() || !p.acts() {
            return Vec::new();
        }
        let set = self.policy_set(p);
        let info = self.set_info(p);
        let granted = &info.granted;
        let mut out: Vec<Hop> = Vec::new();
        for (mi, m) in tables().methods.iter().enumerate() {
            // Cheap filter: every action of the method must be granted somewhere.
            let all_granted = m.actions.iter().all(|a| {
                pare_catalog::catalog()
                    .action(a)
                    .is_some_and(|info| granted.actions.contains_key(info.full_name))
            });
            if !all_granted {
                continue;
            }
            for (to, actions) in self.method_targets(p, &set, m) {
                let to = if m.grants == Grants::Arbitrary {
                    ANY_PERMISSION.to_string()
                } else {
                    to
                };
                if to == arn {
                    continue;
                }
                out.push(Hop {
                    to,
                    method: mi,
                    actions,
                });
            }
        }
        out.sort_by(|a, b| a.to.cmp(&b.to).then(a.method.cmp(&b.method)));
        out
    }

    /// The targets a method reaches from `p`, each with the allowed requests it needs.
    fn method_targets(
        &self,
        p: &PrincipalEntry,
        set: &PolicySet,
        m: &Method,
    ) -> Vec<(String, Vec<StepAction>)> {
        let mut out = Vec::new();
        let on = |resource: &str, actions: &[String]| -> Option<Vec<StepAction>> {
            actions
                .iter()
                .map(|a| self.step_action(p, set, a, resource))
                .collect()
        };
        match m.target {
            TargetKind::AttachedPolicy => {
                let mut arns: BTreeSet<&str> = BTreeSet::new();
                for (pi, _) in &p.identity {
                    if let Some(e) = self.policies.get(*pi) {
                        if let Some(a) = e.arn.as_deref().filter(|a| !a.contains(":iam::aws:policy/")) {
                            arns.insert(a);
                        }
                    }
                }
                for a in arns {
                    if let Some(acts) = on(a, &m.actions) {
                        out.push((a.to_string(), acts));
                    }
                }
            }
            TargetKind::SelfUser => {
                if p.kind == PrincipalKind::User {
                    if let Some(acts) = on(&p.arn, &m.actions) {
                        out.push((p.arn.clone(), acts));
                    }
                }
            }
            TargetKind::OwnGroup => {
                for g in &p.groups {
                    if let Some(acts) = on(g, &m.actions) {
                        out.push((g.clone(), acts));
                    }
                }
            }
            TargetKind::OwnRole => {
                let mut roles: Vec<String> =
                    self.can_assume(&p.arn).into_iter().map(str::to_string).collect();
                if p.kind == PrincipalKind::Role {
                    roles.insert(0, p.arn.clone());
                }
                for r in roles {
                    if let Some(mut acts) = on(&r, &m.actions) {
                        if r != p.arn {
                            if let Some(assume) = self.assume_action(p, &r) {
                                acts.push(assume);
                            }
                        }
                        out.push((r, acts));
                    }
                }
            }
            TargetKind::User | TargetKind::Group | TargetKind::Role => {
                let kind = match m.target {
                    TargetKind::User => PrincipalKind::User,
                    TargetKind::Group => PrincipalKind::Group,
                    _ => PrincipalKind::Role,
                };
                if kind == PrincipalKind::Group && p.kind != PrincipalKind::User {
                    return out;
                }
                for t in self.principals.values() {
                    if t.kind != kind || t.declared.is_none() || t.arn == p.arn || p.groups.contains(&t.arn) {
                        continue;
                    }
                    if let Some(acts) = on(&t.arn, &m.actions) {
                        out.push((t.arn.clone(), acts));
                    }
                }
            }
            TargetKind::PassRole | TargetKind::ServiceRole => {
                let Some(service) = m.service.as_deref() else {
                    return out;
                };
                let others: Vec<String> = m
                    .actions
                    .iter()
                    .filter(|a| !a.eq_ignore_ascii_case("iam:PassRole"))
                    .cloned()
                    .collect();
                let Some(mut base) = others
                    .iter()
                    .map(|a| self.step_action_anywhere(p, set, a))
                    .collect::<Option<Vec<StepAction>>>()
                else {
                    return out;
                };
                base.sort_by(|a, b| a.action.cmp(&b.action));
                let pass_patterns = self.pass_role_patterns(p);
                for role in self.roles_trusting(service) {
                    if role == p.arn {
                        continue;
                    }
                    let mut acts = Vec::new();
                    if m.target == TargetKind::PassRole {
                        // Cheap filter before the evaluator: an Allow needs a statement whose resource
                        // matches the role.
                        if !pass_patterns.iter().any(|pat| {
                            pat.is_none() || pat.as_deref().is_some_and(|x| wildcard_match(x, &role, false))
                        }) {
                            continue;
                        }
                        match self.step_action(p, set, "iam:PassRole", &role) {
                            Some(a) => acts.push(a),
                            None => continue,
                        }
                    }
                    acts.extend(base.iter().cloned());
                    out.push((role, acts));
                }
            }
            TargetKind::TrustingRole => {
                for r in self.can_assume(&p.arn) {
                    if let Some(a) = self.assume_action(p, r) {
                        out.push((r.to_string(), vec![a]));
                    }
                }
            }
        }
        out
    }

    /// `sts:AssumeRole` on a role, with the statements of the caller and of the trust policy that allow it.
    fn assume_action(&self, p: &PrincipalEntry, role: &str) -> Option<StepAction> {
        let r = self.principals.get(role)?;
        let d = crate::authz::assume(
            self,
            &self.policy_set(p),
            r.trust?,
            &crate::authz::request_for(p, "sts:AssumeRole", role),
        );
        self.to_step_action(p, "sts:AssumeRole", role, d)
    }

    fn step_action(
        &self,
        p: &PrincipalEntry,
        set: &PolicySet,
        action: &str,
        resource: &str,
    ) -> Option<StepAction> {
        let d = self.evaluate_request(set, &crate::authz::request_for(p, action, resource));
        self.to_step_action(p, action, resource, d)
    }

    fn step_action_anywhere(&self, p: &PrincipalEntry, set: &PolicySet, action: &str) -> Option<StepAction> {
        let (resource, d) = self.decide_anywhere(p, set, action, None);
        self.to_step_action(p, action, &resource, d)
    }

    fn to_step_action(
        &self,
        p: &PrincipalEntry,
        action: &str,
        resource: &str,
        d: Decision,
    ) -> Option<StepAction> {
        if !d.allowed() {
            return None;
        }
        let mut allowed_by: Vec<_> = d
            .statements()
            .iter()
            .map(|k| self.statement_ref(*k, self.via_group(p, k.policy)))
            .collect();
        allowed_by.sort();
        allowed_by.dedup();
        Some(StepAction {
            action: pare_catalog::catalog()
                .action(action)
                .map(|a| a.full_name.to_string())
                .unwrap_or_else(|| action.to_string()),
            resource: resource.to_string(),
            allowed_by,
        })
    }

    /// The resource patterns of the identity Allow statements of `p` that cover `iam:PassRole`; `None` for a
    /// statement that may match any role (`NotResource`, no `Resource`, policy variables).
    fn pass_role_patterns(&self, p: &PrincipalEntry) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for (pi, _) in &p.identity {
            let Some(policy) = self.policies.get(*pi).and_then(|e| e.policy.as_ref()) else {
                continue;
            };
            for st in &policy.statements {
                if st.effect != pare_policy::Effect::Allow || !st.action.applies_to("iam:PassRole") {
                    continue;
                }
                match &st.resource {
                    Some(r) if !r.is_not() => out.extend(r.patterns().iter().map(|x| {
                        let x = x.as_str();
                        (!x.contains("${")).then(|| x.to_string())
                    })),
                    _ => out.push(None),
                }
            }
        }
        out
    }

    /// Roles whose trust policy lets a service principal assume them (can-assume edges from the service).
    pub fn roles_trusting(&self, service: &str) -> Vec<String> {
        let Some(n) = self.principal_index(service).filter(|&n| {
            matches!(
                &self.graph[n],
                Node::Principal {
                    kind: PrincipalKind::Service,
                    ..
                }
            )
        }) else {
            return Vec::new();
        };
        let mut out: Vec<String> = self
            .graph
            .edges_directed(n, Direction::Outgoing)
            .filter(|e| matches!(e.weight(), Edge::CanAssume { .. }))
            .filter_map(|e| match &self.graph[e.target()] {
                Node::Principal { arn, .. } => Some(arn.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

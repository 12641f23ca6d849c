//! The principal's declared policies (from a `pare.policies/v1` snapshot): what they allow, checked with the
//! evaluator, so a proposal is never broader than them, and how much narrower it is.
//!
//! A request counts as declared when the principal's identity policies (inline, attached, its groups')
//! allow it and its permissions boundary, if any, does too — `pare_policy::decide` on those documents, with
//! `aws:PrincipalArn` and the regions the calls went to as context, and no principal on the request (the identity
//! side alone, as DESIGN.md reads documents: a resource in another account is judged by these policies). A
//! generalized resource pattern is
//! within the declared grant when the pattern itself, read as an ARN, is allowed: every declared `*` then
//! spans what the proposal's `*` spans.

use crate::model::{Compared, PolicyJson};
use pare_catalog::catalog;
use pare_load::snapshot::Snapshot;
use pare_policy::{decide, Decision, EvalInput, Policy, PolicyRef, Request};
use std::collections::BTreeSet;

/// `${...}` placeholders replaced by `*`; other `*` and `?` kept.
fn placeholders_as_stars(arn: &str) -> String {
    let mut out = String::new();
    let mut rest = arn;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The declared policies of one principal, parsed.
pub(crate) struct Declared {
    principal: String,
    identity: Vec<(String, Policy)>,
    boundary: Option<(String, Policy)>,
    /// Documents that could not be parsed, as `name: error`.
    pub unparsed: Vec<String>,
    /// Characters of the identity documents (whitespace not counted).
    pub characters: usize,
}

impl Declared {
    /// The snapshot principal for a usage principal: the same ARN, or else the one principal whose ARN has
    /// placeholders (`arn:aws:iam::${terraform:account_id}:role/app`, values only known after deployment)
    /// that match it, each placeholder standing for any value.
    pub fn resolve<'s>(snapshot: &'s Snapshot, principal: &str) -> Option<&'s str> {
        if let Some(p) = snapshot.principal(principal) {
            return Some(p.arn.as_str());
        }
        let candidates: Vec<&str> = snapshot
            .principals
            .iter()
            .filter(|p| p.arn.contains("${"))
            .filter(|p| pare_policy::wildcard_match(&placeholders_as_stars(&p.arn), principal, false))
            .map(|p| p.arn.as_str())
            .collect();
        match candidates.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The principal's policies in the snapshot (`snapshot_arn` from [`Declared::resolve`]), or `None` when
    /// the snapshot does not know it.
    pub fn load(snapshot: &Snapshot, snapshot_arn: &str, principal: &str) -> Option<Declared> {
        let p = snapshot.principal(snapshot_arn)?;
        let mut identity = Vec::new();
        let mut unparsed = Vec::new();
        let mut characters = 0;
        for doc in snapshot.identity_policies(snapshot_arn) {
            characters += crate::proposal::document_characters(&doc.document);
            match Policy::from_value(&doc.document) {
                Ok(policy) => identity.push((doc.name.clone(), policy)),
                Err(e) => unparsed.push(format!("{}: {e}", doc.name)),
            }
        }
        let boundary = match &p.boundary {
            Some(doc) => match Policy::from_value(&doc.document) {
                Ok(policy) => Some((doc.name.clone(), policy)),
                Err(e) => {
                    unparsed.push(format!("{}: {e}", doc.name));
                    None
                }
            },
            None => None,
        };
        Some(Declared {
            principal: principal.to_string(),
            identity,
            boundary,
            unparsed,
            characters,
        })
    }

    /// Whether the declared policies allow `action` on `resource` (an ARN or a pattern read as one) in every
    /// one of `contexts` (see [`crate::request_contexts`]).
    pub fn allows(&self, action: &str, resource: &str, contexts: &[Vec<(String, String)>]) -> bool {
        let input = EvalInput {
            identity: self.identity.iter().map(|(n, p)| PolicyRef::new(n, p)).collect(),
            boundary: self.boundary.as_ref().map(|(n, p)| PolicyRef::new(n, p)),
            ..Default::default()
        };
        contexts.iter().all(|context| {
            // The identity side alone, as a reviewer reads the documents: no principal on the request, so a
            // resource in another account is judged by these policies too (the other side is not compared).
            let mut req = Request::new(action, resource).with("aws:PrincipalArn", self.principal.as_str());
            for (k, v) in context {
                req = req.with(k, v.as_str());
            }
            decide(&input, &req) == Decision::Allow
        })
    }

    /// Catalog actions some `Allow` statement of the identity policies applies to (wildcards and `NotAction`
    /// expanded through the catalog), whatever the resource or conditions.
    pub fn granted_actions(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (_, policy) in &self.identity {
            for st in &policy.statements {
                if st.effect != pare_policy::Effect::Allow {
                    continue;
                }
                if st.action.is_not() {
                    for service in catalog().services() {
                        for a in service.actions() {
                            if st.action.applies_to(a.full_name) {
                                out.insert(a.full_name.to_string());
                            }
                        }
                    }
                } else {
                    for p in st.action.patterns() {
                        for a in catalog().expand(p.as_str()) {
                            out.insert(a.full_name.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether a declared `Allow` statement for `action` names a resource the `proposed` patterns do not
    /// cover (or uses `NotResource`): the proposal narrowed the action's resources.
    fn broader_resources_for(&self, action: &str, proposed: &[String]) -> bool {
        for (_, policy) in &self.identity {
            for st in &policy.statements {
                if st.effect != pare_policy::Effect::Allow || !st.action.applies_to(action) {
                    continue;
                }
                match &st.resource {
                    None => return true,
                    Some(spec) if spec.is_not() => return true,
                    Some(spec) => {
                        for p in spec.patterns() {
                            let covered = proposed
                                .iter()
                                .any(|q| pare_policy::wildcard_match(q, p.as_str(), false));
                            if !covered {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        false
    }

    /// The comparison numbers for a proposed policy.
    pub fn compare(&self, policy: &PolicyJson, not_declared: Vec<String>) -> Compared {
        let declared = self.granted_actions();
        let mut proposed: BTreeSet<String> = BTreeSet::new();
        let mut narrowed = 0;
        let mut per_action: std::collections::BTreeMap<String, Vec<String>> =
            std::collections::BTreeMap::new();
        for st in &policy.statement {
            for a in &st.action {
                for info in catalog().expand(a) {
                    proposed.insert(info.full_name.to_string());
                    per_action
                        .entry(info.full_name.to_string())
                        .or_default()
                        .extend(st.resource.iter().cloned());
                }
                if catalog().expand(a).is_empty() {
                    proposed.insert(a.clone());
                    per_action
                        .entry(a.clone())
                        .or_default()
                        .extend(st.resource.iter().cloned());
                }
            }
        }
        for (action, resources) in &per_action {
            if self.broader_resources_for(action, resources) {
                narrowed += 1;
            }
        }
        Compared {
            actions_removed: declared.difference(&proposed).count(),
            resources_narrowed: narrowed,
            declared_actions: declared.len(),
            proposed_actions: proposed.len(),
            declared_characters: self.characters,
            unparsed: self.unparsed.clone(),
            not_declared,
        }
    }
}

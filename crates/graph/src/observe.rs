//! Granted actions CloudTrail cannot show, each with its reason.
//!
//! - `data-event`, `pass-role`: the embedded table `data/unobservable.json` (data events that trails do not log
//!   by default; `iam:PassRole`, checked inside another call and never logged on its own).
//! - `no-api-method`: no AWS API call needs the action ([`pare_catalog::Catalog::has_api_method`] is `false`:
//!   no SDK method of the embedded API map maps to it and the service has no method of the same name). These
//!   are the permission-only actions of the Service Authorization Reference — console-only
//!   (`aws-portal:ViewBilling`), data-plane (`execute-api:Invoke`) and session permissions
//!   (`ssmmessages:CreateControlChannel`): CloudTrail has no management event of their own, so their absence
//!   from the logs says nothing. The API map is older than the catalog, so an API added since (its calls would
//!   be logged) lands here too; the detail says so, and "cannot tell" is the safe side of that error.
//! - `via-service`: every statement granting the action requires the call to come through an AWS service on
//!   the principal's behalf (`aws:CalledVia`, `aws:CalledViaFirst`, `aws:CalledViaLast`, `aws:ViaAWSService`,
//!   `<service>:ViaService`): such forward-access-session requests are made by the service, not by the
//!   principal's own API calls.
//!
//! The table is checked first, then `no-api-method`, then `via-service`: an action gets one reason.

use crate::data::{tables, UnobservableRule};
use crate::graph::{PermissionGraph, StmtKey};
use pare_catalog::{catalog, ActionInfo};
use pare_policy::wildcard_match;

/// Why a granted action cannot be seen in CloudTrail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unobservable {
    /// `data-event`, `pass-role`, `no-api-method` or `via-service`.
    pub reason: &'static str,
    /// In words.
    pub detail: String,
    /// The AWS documentation.
    pub doc: String,
}

const VIA_KEYS: [&str; 4] = [
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
];

const NO_API_DOC: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_actions-resources-contextkeys.html";

const FAS_DOC: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html";

fn rule_matches(rule: &UnobservableRule, info: &ActionInfo<'_>) -> bool {
    if rule
        .patterns
        .iter()
        .any(|p| wildcard_match(p, info.full_name, true))
    {
        return true;
    }
    match (&rule.prefix, &rule.resource_type) {
        (Some(prefix), Some(rt)) => {
            info.prefix.eq_ignore_ascii_case(prefix)
                && info
                    .resource_types
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case(rt))
        }
        _ => false,
    }
}

fn code(id: &str) -> &'static str {
    match id {
        "data-event" => "data-event",
        "pass-role" => "pass-role",
        _ => "other",
    }
}

impl PermissionGraph<'_> {
    /// Whether CloudTrail can show calls needing `action` when granted by `statements`; `Some` with the reason
    /// when it cannot.
    pub fn unobservable(&self, action: &str, statements: &[StmtKey]) -> Option<Unobservable> {
        let key = action.to_ascii_lowercase();
        let cached = self.cache.rules.borrow().get(&key).copied();
        let rule = match cached {
            Some(r) => r,
            None => {
                let r = catalog()
                    .action(action)
                    .and_then(|info| tables().unobservable.iter().position(|r| rule_matches(r, &info)));
                self.cache.rules.borrow_mut().insert(key, r);
                r
            }
        };
        if let Some(rule) = rule.and_then(|i| tables().unobservable.get(i)) {
            return Some(Unobservable {
                reason: code(&rule.id),
                detail: rule.reason.clone(),
                doc: rule.doc.clone(),
            });
        }
        if let Some(info) = catalog().action(action) {
            if !catalog().has_api_method(info.full_name) {
                return Some(Unobservable {
                    reason: "no-api-method",
                    detail: format!(
                        "no AWS API call in the embedded API map needs `{}`: a permission-only action \
                         (console, data-plane, session or service-side) with no CloudTrail event of its own, or \
                         an API newer than the map",
                        info.full_name
                    ),
                    doc: NO_API_DOC.to_string(),
                });
            }
        }
        if !statements.is_empty() {
            let mut keys: Vec<String> = Vec::new();
            let all_via = statements.iter().all(|k| {
                let Some(st) = self
                    .policies
                    .get(k.policy)
                    .and_then(|p| p.policy.as_ref())
                    .and_then(|p| p.statements.get(k.statement))
                else {
                    return false;
                };
                let via: Vec<&str> = st
                    .condition
                    .iter()
                    .flatten()
                    .flat_map(|c| c.entries.iter())
                    .filter(|e| {
                        let k = e.key_lower();
                        VIA_KEYS.contains(&k) || k.ends_with(":viaservice")
                    })
                    .map(|e| e.key.as_str())
                    .collect();
                keys.extend(via.iter().map(|s| s.to_string()));
                !via.is_empty()
            });
            if all_via {
                keys.sort();
                keys.dedup();
                return Some(Unobservable {
                    reason: "via-service",
                    detail: format!(
                        "granted only for calls an AWS service makes on the principal's behalf (condition {}); \
                         the service, not the principal, makes those requests",
                        keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                    doc: FAS_DOC.to_string(),
                });
            }
        }
        None
    }
}

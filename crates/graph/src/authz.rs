//! The bridge to `pare_policy`'s evaluator: which policies apply to a request, and the verdict with the
//! statements behind it.
//!
//! A usage summary does not carry the request context CloudTrail saw (source IP, MFA, tags, …), so a
//! statement with a `Condition` cannot be decided exactly. Each request is therefore evaluated twice when
//! needed: as written (conditions read an empty context, as AWS does for absent keys), then — when that does
//! not allow — against an *optimistic* copy of the policies in which every `Allow` condition holds and every
//! conditional `Deny` does not apply. An allow of the second kind is reported as
//! [`Decision::AllowIfConditions`]: granted, provided the conditions hold.

use crate::graph::{PermissionGraph, PrincipalEntry, StmtKey};
use crate::model::PrincipalKind;
use pare_policy::{ActionPattern, ActionSpec, Effect, EvalInput, Policy, PolicyRef, Reason, Request, Values};

/// The policies that apply to one request, as indices into [`PermissionGraph::policies`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PolicySet {
    /// Identity policies (own and groups').
    pub identity: Vec<usize>,
    /// Permissions boundary.
    pub boundary: Option<usize>,
    /// SCPs, taken as one organization level (see the crate docs).
    pub scps: Vec<usize>,
    /// Resource policy (a role's trust policy for `sts:AssumeRole`).
    pub resource: Option<usize>,
}

/// The verdict on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed as written, by these statements (every layer that was required).
    Allow(Vec<StmtKey>),
    /// Allowed if the conditions of these statements hold.
    AllowIfConditions(Vec<StmtKey>),
    /// Refused by these unconditional `Deny` statements (or conditional ones that hold on an empty context).
    ExplicitDeny(Vec<StmtKey>),
    /// Nothing allows it; the reason says which layer is missing.
    ImplicitDeny(Reason),
}

impl Decision {
    /// The statements behind the verdict.
    pub fn statements(&self) -> &[StmtKey] {
        match self {
            Decision::Allow(s) | Decision::AllowIfConditions(s) | Decision::ExplicitDeny(s) => s,
            Decision::ImplicitDeny(_) => &[],
        }
    }

    /// `allowed`, `allowed-if-conditions`, `explicit-deny`, `implicit-deny`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Allow(_) => "allowed",
            Decision::AllowIfConditions(_) => "allowed-if-conditions",
            Decision::ExplicitDeny(_) => "explicit-deny",
            Decision::ImplicitDeny(_) => "implicit-deny",
        }
    }
}

/// The optimistic copy of a policy: `Allow` statements lose their conditions; conditional `Deny` statements
/// are neutralized (`NotAction: "*"` matches nothing) so statement indices stay the same.
pub(crate) fn optimistic(policy: &Policy) -> Policy {
    let mut p = policy.clone();
    for st in &mut p.statements {
        if st.condition.is_none() {
            continue;
        }
        match st.effect {
            Effect::Allow => st.condition = None,
            Effect::Deny => {
                st.action = ActionSpec::NotAction(Values::list(vec![ActionPattern::new("*")]));
                st.condition = None;
            }
        }
    }
    p
}

/// A request with no principal context (services and accounts named in trust policies).
pub(crate) fn request(action: &str, resource: &str, principal: &str, account: Option<&str>) -> Request {
    let mut r = Request::new(action, resource).principal(principal);
    if let Some(a) = account {
        r = r.with("aws:PrincipalAccount", a);
    }
    r
}

/// A request made by a declared or observed principal, with the context keys its identity fixes:
/// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, and `aws:username` for users.
pub(crate) fn request_for(p: &PrincipalEntry, action: &str, resource: &str) -> Request {
    let mut r = Request::new(action, resource)
        .principal(p.arn.as_str())
        .with("aws:PrincipalArn", p.arn.as_str());
    if let Some(a) = p.account() {
        r = r.with("aws:PrincipalAccount", a);
    }
    match p.kind {
        PrincipalKind::User => {
            let name = p.arn.rsplit('/').next().unwrap_or_default();
            r = r.with("aws:PrincipalType", "User").with("aws:username", name);
        }
        PrincipalKind::Role => r = r.with("aws:PrincipalType", "AssumedRole"),
        _ => {}
    }
    r
}

/// Evaluates a request: as written first, then optimistically (see the module docs).
pub(crate) fn evaluate(g: &PermissionGraph<'_>, set: &PolicySet, req: &Request) -> Decision {
    let strict = run(g, set, req, false);
    if let Some(strict) = &strict {
        if strict.0 == pare_policy::Decision::Allow {
            return Decision::Allow(strict.1.clone());
        }
    }
    let opt = run(g, set, req, true);
    match (strict, opt) {
        (_, Some((pare_policy::Decision::Allow, keys, _))) => Decision::AllowIfConditions(keys),
        (Some((pare_policy::Decision::ExplicitDeny, keys, _)), _) => Decision::ExplicitDeny(keys),
        (_, Some((pare_policy::Decision::ExplicitDeny, keys, _))) => Decision::ExplicitDeny(keys),
        (Some((_, _, reason)), _) => Decision::ImplicitDeny(reason),
        (None, _) => Decision::ImplicitDeny(Reason::NoAllow),
    }
}

type Outcome = (pare_policy::Decision, Vec<StmtKey>, Reason);

fn run(g: &PermissionGraph<'_>, set: &PolicySet, req: &Request, optimistic: bool) -> Option<Outcome> {
    let labels = &g.labels;
    let pick = |i: usize| -> Option<PolicyRef<'_>> {
        let e = g.policies.get(i)?;
        let policy = if optimistic {
            e.optimistic.as_ref()?
        } else {
            e.policy.as_ref()?
        };
        Some(PolicyRef::new(labels.get(i)?.as_str(), policy))
    };
    let input = EvalInput {
        identity: set.identity.iter().filter_map(|&i| pick(i)).collect(),
        boundary: set.boundary.and_then(pick),
        scps: if set.scps.is_empty() {
            Vec::new()
        } else {
            vec![set.scps.iter().filter_map(|&i| pick(i)).collect()]
        },
        resource_policy: set.resource.and_then(pick),
    };
    // A boundary or SCP that does not parse must not silently widen the principal's permissions: refuse.
    if set.boundary.is_some() && input.boundary.is_none() {
        return Some((
            pare_policy::Decision::ImplicitDeny,
            Vec::new(),
            Reason::BoundaryDoesNotAllow,
        ));
    }
    let e = pare_policy::evaluate(&input, req);
    let keys = e
        .matched
        .iter()
        .filter_map(|m| {
            Some(StmtKey {
                policy: m.source.parse().ok()?,
                statement: m.index,
            })
        })
        .collect();
    Some((e.decision, keys, e.reason))
}

/// `sts:AssumeRole` on a role: the caller's policies and the role's trust policy (as the resource policy) must
/// allow it, and — the exception the IAM User Guide makes for role trust policies — the trust policy must
/// itself allow the caller (by its ARN, its account or `*`) even within one account: identity policies alone
/// never let a principal assume a role. The statements of both sides are returned.
pub(crate) fn assume(g: &PermissionGraph<'_>, caller: &PolicySet, trust: usize, req: &Request) -> Decision {
    let mut set = caller.clone();
    set.resource = Some(trust);
    let full = evaluate(g, &set, req);
    if !full.allowed() {
        return full;
    }
    let trust_only = PolicySet {
        resource: Some(trust),
        ..PolicySet::default()
    };
    let mut conditional = matches!(full, Decision::AllowIfConditions(_));
    let mut trust_keys = match run(g, &trust_only, req, false) {
        Some((pare_policy::Decision::ExplicitDeny, keys, _)) => return Decision::ExplicitDeny(keys),
        Some((_, keys, _)) => keys,
        None => Vec::new(),
    };
    if trust_keys.is_empty() {
        trust_keys = match run(g, &trust_only, req, true) {
            Some((pare_policy::Decision::ExplicitDeny, _, _)) | None => Vec::new(),
            Some((_, keys, _)) => keys,
        };
        conditional = true;
    }
    if trust_keys.is_empty() {
        return Decision::ImplicitDeny(Reason::NoAllow);
    }
    let mut keys = full.statements().to_vec();
    keys.extend(trust_keys);
    keys.sort();
    keys.dedup();
    if conditional {
        Decision::AllowIfConditions(keys)
    } else {
        Decision::Allow(keys)
    }
}

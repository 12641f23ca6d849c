//! The bridge to `pare_policy`'s evaluator: which policies apply to a request, and the verdict with the
//! statements behind it.
//!
//! A usage summary carries only part of the request context CloudTrail saw. The requests the graph builds
//! carry what is known: the principal's own keys (`aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:PrincipalType`, `aws:username` for users — exact for a declared user or role) and, for used calls, the
//! region they went to (`aws:RequestedRegion`, from the summary's `regions`). Other keys (source IP, MFA, tags,
//! …) are unknown, so a statement conditioned on them cannot be decided exactly. Each request is therefore
//! evaluated twice when needed: as written (conditions read the request's context, absent keys absent as AWS
//! does), then — when that does not allow — against an *optimistic* copy of the policies in which every
//! condition on an unknown key holds for `Allow` statements and a `Deny` statement with such a condition does
//! not apply, while conditions on the keys the request carries are still evaluated. An allow of the second kind
//! is reported as [`Decision::AllowIfConditions`]: granted, provided the conditions hold. So a statement allowing
//! only `aws:RequestedRegion` `eu-west-1` allows a call recorded in `eu-west-1` and refuses one recorded in
//! `us-east-1`, while a call whose region is unknown is allowed if conditions hold.

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

/// Context keys the graph fills in from the principal's identity (see [`request_for`]): when a request carries
/// `aws:PrincipalArn`, these are exactly what AWS would send, absent ones included.
const PRINCIPAL_KEYS: [&str; 4] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
];

/// Whether a (lowercase) condition key is one [`request_for`] fills in from the principal.
pub(crate) fn is_principal_key(key_lower: &str) -> bool {
    PRINCIPAL_KEYS.contains(&key_lower)
}

/// The region key, filled in when the usage recorded the call's region.
const REGION_KEY: &str = "aws:requestedregion";

/// How many optimistic variants a policy has: one per combination of known key groups (principal, region).
pub(crate) const VARIANTS: usize = 4;

/// Which key groups a request knows: bit 0 the principal's keys, bit 1 the requested region.
fn known_mask(req: &Request) -> usize {
    let mut m = 0;
    if req.context.contains_key("aws:principalarn") {
        m |= 1;
    }
    if req.context.contains_key(REGION_KEY) {
        m |= 2;
    }
    m
}

fn key_known(key_lower: &str, mask: usize) -> bool {
    (mask & 1 != 0 && PRINCIPAL_KEYS.contains(&key_lower)) || (mask & 2 != 0 && key_lower == REGION_KEY)
}

/// Whether a policy has any `Condition` (otherwise its optimistic copies are the policy itself).
pub(crate) fn has_conditions(policy: &Policy) -> bool {
    policy.statements.iter().any(|st| st.condition.is_some())
}

/// The optimistic copies of a policy, one per [`known_mask`] value: `Allow` statements keep only the
/// conditions on known keys; a `Deny` statement with a condition on an unknown key is neutralized
/// (`NotAction: "*"` matches nothing) so statement indices stay the same; conditions on known keys stay as
/// written.
pub(crate) fn optimistic_variants(policy: &Policy) -> Vec<Policy> {
    (0..VARIANTS).map(|mask| optimistic(policy, mask)).collect()
}

fn optimistic(policy: &Policy, mask: usize) -> Policy {
    let mut p = policy.clone();
    for st in &mut p.statements {
        let Some(conditions) = st.condition.as_mut() else {
            continue;
        };
        match st.effect {
            Effect::Allow => {
                for c in conditions.iter_mut() {
                    c.entries.retain(|e| key_known(e.key_lower(), mask));
                }
                conditions.retain(|c| !c.entries.is_empty());
                if conditions.is_empty() {
                    st.condition = None;
                }
            }
            Effect::Deny => {
                let all_known = conditions
                    .iter()
                    .flat_map(|c| c.entries.iter())
                    .all(|e| key_known(e.key_lower(), mask));
                if !all_known {
                    st.action = ActionSpec::NotAction(Values::list(vec![ActionPattern::new("*")]));
                    st.condition = None;
                }
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
    request_in(p, action, resource, None)
}

/// [`request_for`] with the region the call went to (`aws:RequestedRegion`), when known.
pub(crate) fn request_in(p: &PrincipalEntry, action: &str, resource: &str, region: Option<&str>) -> Request {
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
    if let Some(region) = region {
        r = r.with("aws:RequestedRegion", region);
    }
    r
}

/// Evaluates a request: as written first, then optimistically (see the module docs).
pub(crate) fn evaluate(g: &PermissionGraph<'_>, set: &PolicySet, req: &Request) -> Decision {
    let strict = run(g, set, req, None);
    if let Some(strict) = &strict {
        if strict.0 == pare_policy::Decision::Allow {
            return Decision::Allow(strict.1.clone());
        }
    }
    // Without conditions anywhere, the optimistic copies are the policies themselves.
    let conditional = set
        .identity
        .iter()
        .chain(set.boundary.iter())
        .chain(set.scps.iter())
        .chain(set.resource.iter())
        .any(|&i| g.policies.get(i).is_some_and(|e| !e.optimistic.is_empty()));
    let opt = if conditional {
        run(g, set, req, Some(known_mask(req)))
    } else {
        strict.clone()
    };
    match (strict, opt) {
        (_, Some((pare_policy::Decision::Allow, keys, _))) => Decision::AllowIfConditions(keys),
        (Some((pare_policy::Decision::ExplicitDeny, keys, _)), _) => Decision::ExplicitDeny(keys),
        (_, Some((pare_policy::Decision::ExplicitDeny, keys, _))) => Decision::ExplicitDeny(keys),
        (Some((_, _, reason)), _) => Decision::ImplicitDeny(reason),
        (None, _) => Decision::ImplicitDeny(Reason::NoAllow),
    }
}

type Outcome = (pare_policy::Decision, Vec<StmtKey>, Reason);

/// Runs the evaluator on the policies as written (`optimistic` `None`) or on their optimistic copies for a
/// [`known_mask`].
fn run(
    g: &PermissionGraph<'_>,
    set: &PolicySet,
    req: &Request,
    optimistic: Option<usize>,
) -> Option<Outcome> {
    let labels = &g.labels;
    let pick = |i: usize| -> Option<PolicyRef<'_>> {
        let e = g.policies.get(i)?;
        let written = e.policy.as_ref()?;
        let policy = match optimistic {
            Some(mask) => e.optimistic.get(mask).unwrap_or(written),
            None => written,
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
    let mut trust_keys = match run(g, &trust_only, req, None) {
        Some((pare_policy::Decision::ExplicitDeny, keys, _)) => return Decision::ExplicitDeny(keys),
        Some((_, keys, _)) => keys,
        None => Vec::new(),
    };
    if trust_keys.is_empty() {
        trust_keys = match run(g, &trust_only, req, Some(known_mask(req))) {
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

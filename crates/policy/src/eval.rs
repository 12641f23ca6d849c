//! Request evaluation across policy types, following the IAM User Guide's "Policy evaluation logic".
//!
//! 1. An explicit `Deny` in any policy that applies (identity, boundary, any SCP, resource policy) wins.
//! 2. Every SCP level given must have an `Allow` that applies, or the request is implicitly denied.
//! 3. Same account: a resource-policy `Allow` naming the caller (its user or session ARN, or `*`) suffices on its
//!    own; one naming the caller's role ARN still needs the permission boundary (if any) to allow; one naming
//!    the account delegates to identity policies. Otherwise an identity-policy `Allow` is needed, and the
//!    boundary (if any) must allow too.
//! 4. Cross account (the principal's account differs from the resource's): the identity side (identity
//!    policies and boundary) and the resource policy must both allow.
//! 5. Anything else is an implicit deny.

use crate::model::{principal_matches, Effect, Policy, PrincipalMatch, PrincipalSpec, Statement};
use crate::request::Request;
use std::fmt;

/// A policy with the label that names it in results (a file, a policy ARN, ...).
#[derive(Debug, Clone, Copy)]
pub struct PolicyRef<'a> {
    /// Names the policy in [`Matched::source`].
    pub label: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

impl<'a> PolicyRef<'a> {
    /// Pairs a label and a policy.
    pub fn new(label: &'a str, policy: &'a Policy) -> PolicyRef<'a> {
        PolicyRef { label, policy }
    }
}

/// Every policy that applies to a request.
#[derive(Debug, Clone, Default)]
pub struct EvalInput<'a> {
    /// Identity-based policies (inline, managed, group policies).
    pub identity: Vec<PolicyRef<'a>>,
    /// The permissions boundary, if the principal has one.
    pub boundary: Option<PolicyRef<'a>>,
    /// SCPs, one entry per organization level (root, OU..., account); every level must allow. Empty: no SCPs.
    pub scps: Vec<Vec<PolicyRef<'a>>>,
    /// The resource-based policy of the resource, if any.
    pub resource_policy: Option<PolicyRef<'a>>,
}

impl<'a> EvalInput<'a> {
    /// Only identity policies.
    pub fn identity(policies: Vec<PolicyRef<'a>>) -> EvalInput<'a> {
        EvalInput {
            identity: policies,
            ..Default::default()
        }
    }
}

/// The outcome (serialized as `"Allow"`, `"ExplicitDeny"`, `"ImplicitDeny"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Nothing allowed it (or a required layer did not).
    ImplicitDeny,
}

impl Decision {
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    /// Parses the names above.
    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Allow, Decision::ExplicitDeny, Decision::ImplicitDeny]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// An identity-based policy.
    Identity,
    /// The permissions boundary.
    Boundary,
    /// An SCP at this level (0-based, in [`EvalInput::scps`] order).
    Scp(usize),
    /// The resource-based policy.
    ResourcePolicy,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Identity => f.write_str("identity policy"),
            Layer::Boundary => f.write_str("permissions boundary"),
            Layer::Scp(l) => write!(f, "SCP level {}", l + 1),
            Layer::ResourcePolicy => f.write_str("resource policy"),
        }
    }
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'a> {
    /// The label of its policy.
    pub source: &'a str,
    /// Its `Sid`.
    pub sid: Option<&'a str>,
    /// Its effect.
    pub effect: Effect,
    /// Its index in the policy's statements.
    pub index: usize,
    /// The kind of policy.
    pub layer: Layer,
}

/// Why the decision was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A `Deny` applies (the matched statements).
    ExplicitDeny,
    /// An SCP level (0-based) has no `Allow` for the request.
    ScpDoesNotAllow(usize),
    /// No identity policy (nor resource policy) allows it.
    NoAllow,
    /// Identity policies allow it but the permissions boundary does not.
    BoundaryDoesNotAllow,
    /// Cross-account: the resource policy does not allow the caller.
    CrossAccountResourcePolicyDoesNotAllow,
    /// Cross-account: the caller's identity side does not allow it.
    CrossAccountIdentityDoesNotAllow,
    /// Allowed by identity policies (and boundary, SCPs).
    AllowedByIdentity,
    /// Allowed by the resource policy (same account).
    AllowedByResourcePolicy,
    /// Cross-account: both sides allow.
    AllowedCrossAccount,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ExplicitDeny => f.write_str("an explicit deny applies"),
            Reason::ScpDoesNotAllow(l) => write!(f, "no statement of SCP level {} allows the request", l + 1),
            Reason::NoAllow => f.write_str("no policy allows the request"),
            Reason::BoundaryDoesNotAllow => {
                f.write_str("the permissions boundary does not allow the request")
            }
            Reason::CrossAccountResourcePolicyDoesNotAllow => {
                f.write_str("cross-account request: the resource policy does not allow the principal")
            }
            Reason::CrossAccountIdentityDoesNotAllow => {
                f.write_str("cross-account request: the principal's own policies do not allow it")
            }
            Reason::AllowedByIdentity => f.write_str("allowed by identity policy"),
            Reason::AllowedByResourcePolicy => f.write_str("allowed by the resource policy"),
            Reason::AllowedCrossAccount => f.write_str("cross-account request allowed on both sides"),
        }
    }
}

/// The decision with the statements that made it: for `ExplicitDeny` every `Deny` that applies; for `Allow` the
/// `Allow` statements of each layer that was required; for `ImplicitDeny` the `Allow` statements that did apply
/// (the missing layer is in `reason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation<'a> {
    /// The decision.
    pub decision: Decision,
    /// Why.
    pub reason: Reason,
    /// The statements involved, in evaluation order (SCP levels, resource policy, boundary, identity).
    pub matched: Vec<Matched<'a>>,
}

/// The decision alone, without collecting statements (the fast path for bulk evaluation).
pub fn decide(input: &EvalInput<'_>, req: &Request) -> Decision {
    run(input, req, None)
}

/// Evaluates a request, collecting the statements that decided it.
///
/// ```
/// use pare_policy::{parse, evaluate, EvalInput, PolicyRef, Request, Decision};
/// let p = parse(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
///   {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]}"#).unwrap();
/// let input = EvalInput::identity(vec![PolicyRef::new("p.json", &p)]);
/// assert_eq!(evaluate(&input, &Request::new("s3:getobject", "arn:aws:s3:::b/x")).decision, Decision::Allow);
/// let e = evaluate(&input, &Request::new("s3:GetObject", "arn:aws:s3:::b/secret/k"));
/// assert_eq!((e.decision, e.matched[0].sid), (Decision::ExplicitDeny, Some("NoSecrets")));
/// ```
pub fn evaluate<'a>(input: &EvalInput<'a>, req: &Request) -> Evaluation<'a> {
    let mut out = Evaluation {
        decision: Decision::ImplicitDeny,
        reason: Reason::NoAllow,
        matched: Vec::new(),
    };
    let decision = run(input, req, Some(&mut out));
    out.decision = decision;
    out
}

struct Collector<'c, 'a> {
    out: Option<&'c mut Evaluation<'a>>,
}

impl<'a> Collector<'_, 'a> {
    fn reason(&mut self, r: Reason) {
        if let Some(o) = self.out.as_deref_mut() {
            o.reason = r;
        }
    }
}

/// Whether a statement applies, and for resource policies how the principal matched.
fn statement_applies(st: &Statement, req: &Request, resource_policy: bool) -> Option<PrincipalMatch> {
    if !st.action.applies_to(&req.action) {
        return None;
    }
    if let Some(r) = &st.resource {
        if !r.applies_to(req) {
            return None;
        }
    }
    let m = if resource_policy {
        match &st.principal {
            Some(PrincipalSpec::Principal(p)) => match principal_matches(p, req) {
                PrincipalMatch::No => return None,
                m => m,
            },
            Some(PrincipalSpec::NotPrincipal(p)) => match principal_matches(p, req) {
                PrincipalMatch::No => PrincipalMatch::Anyone,
                _ => return None,
            },
            None => return None,
        }
    } else {
        PrincipalMatch::Exact
    };
    st.conditions_hold(req).then_some(m)
}

/// Looks for statements of `effect` in a policy that apply; records them when collecting; returns the best
/// principal match found (for identity-side policies any match is `Exact`).
fn scan<'a>(
    p: &PolicyRef<'a>,
    layer: Layer,
    effect: Effect,
    req: &Request,
    out: &mut Option<Vec<Matched<'a>>>,
) -> Option<PrincipalMatch> {
    let rp = layer == Layer::ResourcePolicy;
    let mut best: Option<PrincipalMatch> = None;
    for (index, st) in p.policy.statements.iter().enumerate() {
        if st.effect != effect {
            continue;
        }
        let Some(m) = statement_applies(st, req, rp) else {
            continue;
        };
        best = Some(match best {
            None => m,
            Some(b) => stronger(b, m),
        });
        match out {
            Some(v) => v.push(Matched {
                source: p.label,
                sid: st.sid.as_deref(),
                effect,
                index,
                layer,
            }),
            // Not collecting: the first match settles it, unless a resource policy may still name the caller
            // more directly further down.
            None if !rp || rank(m) == 3 => return best,
            None => {}
        }
    }
    best
}

fn rank(m: PrincipalMatch) -> u8 {
    match m {
        PrincipalMatch::No => 0,
        PrincipalMatch::Account => 1,
        PrincipalMatch::Role => 2,
        PrincipalMatch::Anyone | PrincipalMatch::Exact => 3,
    }
}

fn stronger(a: PrincipalMatch, b: PrincipalMatch) -> PrincipalMatch {
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

fn layers<'x, 'a>(input: &'x EvalInput<'a>) -> impl Iterator<Item = (Layer, &'x PolicyRef<'a>)> {
    let scps = input
        .scps
        .iter()
        .enumerate()
        .flat_map(|(l, ps)| ps.iter().map(move |p| (Layer::Scp(l), p)));
    scps.chain(input.resource_policy.iter().map(|p| (Layer::ResourcePolicy, p)))
        .chain(input.boundary.iter().map(|p| (Layer::Boundary, p)))
        .chain(input.identity.iter().map(|p| (Layer::Identity, p)))
}

fn run<'a>(input: &EvalInput<'a>, req: &Request, out: Option<&mut Evaluation<'a>>) -> Decision {
    let collecting = out.is_some();
    let mut col = Collector { out };
    let fresh = || if collecting { Some(Vec::new()) } else { None };

    // 1. Explicit deny anywhere.
    let mut denies = fresh();
    let mut denied = false;
    for (layer, p) in layers(input) {
        if scan(p, layer, Effect::Deny, req, &mut denies).is_some() {
            denied = true;
            if !collecting {
                return Decision::ExplicitDeny;
            }
        }
    }
    if denied {
        if let Some(o) = col.out.as_deref_mut() {
            o.matched = denies.unwrap_or_default();
        }
        col.reason(Reason::ExplicitDeny);
        return Decision::ExplicitDeny;
    }

    // Allows, per layer.
    let mut allows = fresh();
    for (level, ps) in input.scps.iter().enumerate() {
        let mut any = false;
        for p in ps {
            any |= scan(p, Layer::Scp(level), Effect::Allow, req, &mut allows).is_some();
        }
        if !any {
            return finish(
                &mut col,
                allows,
                Decision::ImplicitDeny,
                Reason::ScpDoesNotAllow(level),
            );
        }
    }
    let rbp = match &input.resource_policy {
        Some(p) => scan(p, Layer::ResourcePolicy, Effect::Allow, req, &mut allows),
        None => None,
    };
    let boundary_ok = match &input.boundary {
        Some(p) => scan(p, Layer::Boundary, Effect::Allow, req, &mut allows).is_some(),
        None => true,
    };
    let mut identity_ok = false;
    for p in &input.identity {
        identity_ok |= scan(p, Layer::Identity, Effect::Allow, req, &mut allows).is_some();
        if identity_ok && !collecting {
            break;
        }
    }

    let cross_account = match (req.principal_account(), req.resource_account()) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    };
    let (decision, reason) = if cross_account {
        match (identity_ok && boundary_ok, rbp.is_some()) {
            (true, true) => (Decision::Allow, Reason::AllowedCrossAccount),
            (true, false) => (
                Decision::ImplicitDeny,
                Reason::CrossAccountResourcePolicyDoesNotAllow,
            ),
            (false, _) => (Decision::ImplicitDeny, Reason::CrossAccountIdentityDoesNotAllow),
        }
    } else {
        match rbp {
            Some(PrincipalMatch::Exact | PrincipalMatch::Anyone) => {
                (Decision::Allow, Reason::AllowedByResourcePolicy)
            }
            Some(PrincipalMatch::Role) if boundary_ok => (Decision::Allow, Reason::AllowedByResourcePolicy),
            _ if identity_ok && boundary_ok => (Decision::Allow, Reason::AllowedByIdentity),
            _ if identity_ok || matches!(rbp, Some(PrincipalMatch::Role)) => {
                (Decision::ImplicitDeny, Reason::BoundaryDoesNotAllow)
            }
            _ => (Decision::ImplicitDeny, Reason::NoAllow),
        }
    };
    if decision == Decision::Allow {
        // Keep only the layers that were needed for this allow.
        if let Some(v) = allows.as_mut() {
            let via_rbp_only = reason == Reason::AllowedByResourcePolicy;
            let rbp_role = matches!(rbp, Some(PrincipalMatch::Role));
            v.retain(|m| match m.layer {
                Layer::Identity => !via_rbp_only,
                Layer::Boundary => !via_rbp_only || rbp_role,
                Layer::ResourcePolicy => via_rbp_only || reason == Reason::AllowedCrossAccount,
                Layer::Scp(_) => true,
            });
        }
    }
    finish(&mut col, allows, decision, reason)
}

fn finish<'a>(
    col: &mut Collector<'_, 'a>,
    allows: Option<Vec<Matched<'a>>>,
    decision: Decision,
    reason: Reason,
) -> Decision {
    if let Some(o) = col.out.as_deref_mut() {
        o.matched = allows.unwrap_or_default();
        o.reason = reason;
    }
    decision
}

impl Policy {
    /// What this policy alone says about a request, reading it as an identity policy (no `Principal` check):
    /// `Some(Deny)` if a `Deny` applies, else `Some(Allow)` if an `Allow` applies, else `None`.
    pub fn effect_for(&self, req: &Request) -> Option<Effect> {
        self.effect_as(req, false)
    }

    /// Like [`Policy::effect_for`], reading the policy as a resource-based (or trust) policy: statements apply
    /// only to the principals they name.
    pub fn effect_for_resource_policy(&self, req: &Request) -> Option<Effect> {
        self.effect_as(req, true)
    }

    fn effect_as(&self, req: &Request, resource_policy: bool) -> Option<Effect> {
        let mut allow = false;
        for st in &self.statements {
            if statement_applies(st, req, resource_policy).is_some() {
                if st.effect == Effect::Deny {
                    return Some(Effect::Deny);
                }
                allow = true;
            }
        }
        allow.then_some(Effect::Allow)
    }

    /// Whether this policy alone, as an identity policy, allows the request (an `Allow` applies, no `Deny`).
    pub fn allows(&self, req: &Request) -> bool {
        self.effect_for(req) == Some(Effect::Allow)
    }
}

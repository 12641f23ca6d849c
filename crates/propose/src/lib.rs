//! Least-privilege policy proposals from observed usage: one IAM policy per principal, each statement backed
//! by the calls that needed it.
//!
//! [`propose`] takes a usage summary (`pare.usage/v1`, from `pare replay`) and, optionally, the principals'
//! declared policies (`pare.policies/v1`), and returns [`Proposals`] (`pare.proposals/v1`):
//!
//! - **actions**: exactly the observed ones (canonical spelling from the catalog); actions whose calls were
//!   all denied are left out unless [`Options::include_denied`];
//! - **resources**: concrete ARNs where names were stable, wildcards only where names varied, generalized
//!   segment by segment along the catalog's ARN template ([`generalize`], [`Strictness`]); `*` for actions the
//!   catalog says support no resource types, and when calls recorded no ARN — each case said in the
//!   justification;
//! - **statements**: actions with the same resource patterns (and condition) share a statement, with a
//!   stable Sid (`S3WriteReportsOutput`); at `exact`, `aws:RequestedRegion` is added where every call of the
//!   statement's actions went to one region;
//! - **size**: counted as IAM does (no whitespace) against the managed (6,144) or inline limit, and
//!   compressed when needed ([`compress`]), every wildcard's extra admissions reported;
//! - **declared policies**: the proposal never grants what they did not (checked with `pare_policy`'s
//!   evaluator), and [`model::Compared`] says how much narrower it is.
//!
//! [`render`] prints the result as JSON, Terraform or CloudFormation.
//!
//! ```
//! use pare_propose::{propose, Options, Strictness};
//! use pare_trail::usage::UsageSummary;
//!
//! let usage = UsageSummary::from_json(r#"{
//!   "schema": "pare.usage/v1", "sources": [], "window": null,
//!   "stats": {"records": 2, "skipped": 0, "unmapped": 0, "errors": []},
//!   "principals": [{"arn": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole", "actions": [{
//!     "action": "s3:GetObject", "count": 2, "denied": 0,
//!     "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
//!     "event_names": ["s3.amazonaws.com:GetObject"],
//!     "resources": ["arn:aws:s3:::bucket/runs/2026-11-01/a.json", "arn:aws:s3:::bucket/runs/2026-11-02/a.json"],
//!     "sample_event_ids": ["e1", "e2"], "regions": ["eu-west-1"]}]}],
//!   "unmapped": []
//! }"#).unwrap();
//! let out = propose(&usage, None, &Options { strictness: Strictness::Exact, ..Options::default() });
//! let st = &out.proposals[0].policy.statement[0];
//! assert_eq!(st.action, ["s3:GetObject"]);
//! assert_eq!(st.resource, ["arn:aws:s3:::bucket/runs/*/a.json"]);
//! ```

pub mod compress;
mod declared;
pub mod generalize;
pub mod model;
mod proposal;
pub mod render;

pub use compress::PolicyKind;
pub use generalize::{generalize, ArnTemplate, Generalized, Strictness};
pub use model::{Proposal, Proposals, SCHEMA};
pub use proposal::{document_characters, policy_characters};
pub use render::Format;

use declared::Declared;
use model::{Excluded, Size, Skipped};
use pare_load::snapshot::Snapshot;
use pare_trail::usage::{ActionUsage, PrincipalType, PrincipalUsage, UsageSummary};
use proposal::{group, plan_action, policy, select, ActionPlan, Scope, MAX_SAMPLES};

/// What to propose and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How far resource generalization may go.
    pub strictness: Strictness,
    /// Only principals whose ARN matches this glob (`*` any run, `?` one character).
    pub principal: Option<String>,
    /// Keep actions whose calls were all denied (and, with a snapshot, actions it does not grant).
    pub include_denied: bool,
    /// Size for inline policies (the principal's kind: role, user or group) instead of a managed policy.
    pub inline: bool,
}

/// Whether a principal can hold identity policies (users and roles).
fn can_hold_policies(p: &PrincipalUsage) -> bool {
    matches!(p.r#type, PrincipalType::IAMUser | PrincipalType::AssumedRole)
        && PolicyKind::inline_for(&p.arn).is_some()
}

/// One proposal per principal of `usage` that can hold identity policies (IAM users and roles), compared
/// with `snapshot` when given. Deterministic: the same inputs give the same proposals.
pub fn propose(usage: &UsageSummary, snapshot: Option<&Snapshot>, options: &Options) -> Proposals {
    let mut principals: Vec<&PrincipalUsage> = usage
        .principals
        .iter()
        .filter(|p| {
            options
                .principal
                .as_deref()
                .is_none_or(|g| pare_policy::wildcard_match(g, &p.arn, false))
        })
        .collect();
    principals.sort_by(|a, b| a.arn.cmp(&b.arn));
    let mut proposals = Vec::new();
    let mut skipped = Vec::new();
    for p in principals {
        if !can_hold_policies(p) {
            skipped.push(Skipped {
                principal: p.arn.clone(),
                reason: format!("{:?} principals cannot hold identity policies", p.r#type),
            });
            continue;
        }
        proposals.push(propose_one(p, snapshot, options));
    }
    Proposals {
        schema: SCHEMA.to_string(),
        strictness: options.strictness.as_str().to_string(),
        proposals,
        skipped,
    }
}

fn propose_one(p: &PrincipalUsage, snapshot: Option<&Snapshot>, options: &Options) -> Proposal {
    let strictness = options.strictness;
    let (kept, mut excluded) = select(&p.actions, options.include_denied);
    let mut warnings = Vec::new();
    let declared = match snapshot {
        Some(s) => {
            let resolved = Declared::resolve(s, &p.arn);
            match resolved {
                Some(arn) if arn != p.arn => warnings.push(format!(
                    "compared with the declared principal `{arn}` (its placeholders stand for any value)"
                )),
                Some(_) => {}
                None => warnings.push(format!(
                    "the policy snapshot has no principal `{}`: not compared",
                    p.arn
                )),
            }
            resolved.and_then(|arn| Declared::load(s, arn, &p.arn))
        }
        None => None,
    };
    let mut plans: Vec<ActionPlan> = Vec::new();
    let mut not_declared = Vec::new();
    for usage in kept {
        let mut plan = plan_action(usage, strictness, Scope::of(&p.arn));
        if let Some(d) = &declared {
            let contexts = request_contexts(usage);
            let observed: Vec<String> = if usage.resources.is_empty() {
                vec!["*".to_string()]
            } else {
                usage.resources.clone()
            };
            let allowed: Vec<String> = observed
                .iter()
                .filter(|r| d.allows(&plan.action, r, &contexts))
                .cloned()
                .collect();
            if allowed.is_empty() {
                if options.include_denied {
                    not_declared.push(plan.action.clone());
                } else {
                    excluded.push(Excluded {
                        action: plan.action.clone(),
                        count: usage.count,
                        reason: "not-declared".to_string(),
                        sample_event_ids: usage.sample_event_ids.iter().take(MAX_SAMPLES).cloned().collect(),
                    });
                    continue;
                }
            } else {
                if allowed.len() < observed.len() {
                    warnings.push(format!(
                        "{} of the {} resources `{}` was used on are outside the declared policies and were left out",
                        observed.len() - allowed.len(),
                        observed.len(),
                        plan.action
                    ));
                    let mut narrowed = usage.clone();
                    narrowed.resources = allowed;
                    plan = plan_action(&narrowed, strictness, Scope::of(&p.arn));
                }
                plan.patterns = within_declared(d, &plan, &contexts);
            }
        }
        plans.push(plan);
    }
    let mut drafts = group(plans);
    let kind = if options.inline {
        PolicyKind::inline_for(&p.arn).unwrap_or_default()
    } else {
        PolicyKind::Managed
    };
    let (wildcards, fits) = compress::fit(&mut drafts, kind.limit(), strictness);
    let policy = policy(&drafts);
    let characters = policy_characters(&policy);
    if !fits {
        warnings.push(format!(
            "the policy has {characters} characters, over the {} limit of a {} policy, even compressed: split it",
            kind.limit(),
            kind.as_str()
        ));
    }
    if policy.statement.is_empty() {
        warnings
            .push("no successful call to base a policy on: the principal needs no permissions".to_string());
    }
    let compared = declared.as_ref().map(|d| d.compare(&policy, not_declared));
    excluded.sort_by(|a, b| a.action.cmp(&b.action));
    Proposal {
        principal: p.arn.clone(),
        justification: drafts.iter().map(|d| d.justification()).collect(),
        policy,
        size: Size {
            characters,
            limit: kind.limit(),
            kind: kind.as_str().to_string(),
            fits,
        },
        compared_to_declared: compared,
        wildcards,
        excluded,
        warnings,
    }
}

/// The request context keys the calls of one action are known to have carried, one context per combination:
/// `aws:RequestedRegion` (each region the calls went to) and, for `iam:PassRole`, `iam:PassedToService` (each
/// service it was passed to). A proposal or a declared policy allows the calls when it allows every context.
pub fn request_contexts(usage: &ActionUsage) -> Vec<Vec<(String, String)>> {
    let regions: Vec<Option<&String>> = if usage.regions.is_empty() {
        vec![None]
    } else {
        usage.regions.iter().map(Some).collect()
    };
    let passed: Vec<Option<String>> = match proposal::passed_to(usage) {
        Some(services) if usage.action.eq_ignore_ascii_case("iam:PassRole") => {
            services.into_iter().map(Some).collect()
        }
        _ => vec![None],
    };
    let mut out = Vec::new();
    for r in &regions {
        for p in &passed {
            let mut ctx = Vec::new();
            if let Some(r) = r {
                ctx.push(("aws:RequestedRegion".to_string(), (*r).clone()));
            }
            if let Some(p) = p {
                ctx.push(("iam:PassedToService".to_string(), p.clone()));
            }
            out.push(ctx);
        }
    }
    out
}

/// Keeps each generalized pattern only if the declared policies allow it as a whole; otherwise falls back to
/// the concrete ARNs it came from (a pattern derived from none, such as a required resource type no call
/// recorded, is dropped).
fn within_declared(d: &Declared, plan: &ActionPlan, contexts: &[Vec<(String, String)>]) -> Vec<Generalized> {
    let mut out = Vec::new();
    for g in &plan.patterns {
        if d.allows(&plan.action, &g.pattern, contexts) {
            out.push(g.clone());
            continue;
        }
        for arn in &g.from {
            out.push(Generalized {
                pattern: arn.clone(),
                from: vec![arn.clone()],
                why: format!(
                    "kept as observed: the generalized `{}` would reach beyond the declared policies",
                    g.pattern
                ),
                label: g.label.clone(),
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.pattern == b.pattern);
    out
}

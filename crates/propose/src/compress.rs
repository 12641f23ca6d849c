//! Fitting a proposal into IAM's size limits.
//!
//! IAM counts the characters of a policy without whitespace: 6,144 for a managed policy, and for the inline
//! policies of one identity together 10,240 (role), 2,048 (user) or 5,120 (group) (IAM User Guide, "IAM and
//! AWS STS quotas"). When a proposal is larger, it is compressed in steps, stopping as soon as it fits:
//!
//! 1. action wildcards that add nothing: `svc:Prefix*` replaces observed actions only when the catalog's
//!    expansion of the pattern is a subset of the statement's observed actions (reported with no extra actions;
//!    AWS may add actions later, so the catalog version matters);
//! 2. merging statements of the same service (then of any service) with the same condition, the pair saving
//!    the most characters first; every action × resource pair a merge admits is reported;
//! 3. at `loose` only, read/list wildcards (`s3:Get*`) whose whole expansion is Read or List actions, with the
//!    unobserved actions they admit reported.
//!
//! A proposal that does not fit even then is printed with only the lossless step 1 applied (merging for
//! nothing would only admit more), `size.fits = false` and a warning to split it.

use crate::generalize::Strictness;
use crate::model::WildcardAdmission;
use crate::proposal::{merge_resources, policy, policy_characters, Draft};
use pare_catalog::{catalog, AccessLevel};
use std::collections::BTreeSet;

/// The kind of policy a proposal is sized for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyKind {
    /// A customer managed policy: 6,144 characters.
    #[default]
    Managed,
    /// The inline policies of a role: 10,240 characters together.
    RoleInline,
    /// The inline policies of a user: 2,048 characters together.
    UserInline,
    /// The inline policies of a group: 5,120 characters together.
    GroupInline,
}

impl PolicyKind {
    /// The character limit.
    pub fn limit(self) -> usize {
        match self {
            PolicyKind::Managed => 6_144,
            PolicyKind::RoleInline => 10_240,
            PolicyKind::UserInline => 2_048,
            PolicyKind::GroupInline => 5_120,
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Managed => "managed",
            PolicyKind::RoleInline => "role-inline",
            PolicyKind::UserInline => "user-inline",
            PolicyKind::GroupInline => "group-inline",
        }
    }

    /// The inline kind for a principal ARN (`:role/`, `:user/`, `:group/`), or `None` for other principals.
    pub fn inline_for(principal: &str) -> Option<PolicyKind> {
        let rest = principal.splitn(6, ':').nth(5)?;
        if rest.starts_with("role/") {
            Some(PolicyKind::RoleInline)
        } else if rest.starts_with("user/") {
            Some(PolicyKind::UserInline)
        } else if rest.starts_with("group/") {
            Some(PolicyKind::GroupInline)
        } else {
            None
        }
    }
}

fn size(drafts: &[Draft]) -> usize {
    policy_characters(&policy(drafts))
}

/// Compresses `drafts` until they fit `limit`; returns what each wildcard or merge admits, and whether it fits.
pub(crate) fn fit(
    drafts: &mut Vec<Draft>,
    limit: usize,
    strictness: Strictness,
) -> (Vec<WildcardAdmission>, bool) {
    let mut admissions = Vec::new();
    if size(drafts) <= limit {
        return (admissions, true);
    }
    for d in drafts.iter_mut() {
        admissions.extend(exact_action_wildcards(d));
    }
    if size(drafts) <= limit {
        return (admissions, true);
    }
    // The lossless step was not enough: try the lossy ones on a copy, and keep them only if they fit
    // (merging everything into a policy that still does not fit would only admit more for nothing).
    let lossless = (drafts.clone(), admissions.clone());
    for cross_service in [false, true] {
        while size(drafts) > limit {
            match best_merge(drafts, cross_service) {
                Some((i, j)) => admissions.push(merge(drafts, i, j)),
                None => break,
            }
        }
    }
    for d in drafts.iter_mut() {
        admissions.extend(exact_action_wildcards(d));
    }
    if size(drafts) > limit && strictness == Strictness::Loose {
        for d in drafts.iter_mut() {
            admissions.extend(read_wildcards(d));
        }
    }
    if size(drafts) <= limit {
        return (admissions, true);
    }
    *drafts = lossless.0;
    (lossless.1, false)
}

fn is_pattern(a: &str) -> bool {
    a.contains(['*', '?'])
}

/// Replaces groups of observed actions by `svc:Prefix*` where the expansion is exactly a subset of them.
fn exact_action_wildcards(d: &mut Draft) -> Vec<WildcardAdmission> {
    let observed: BTreeSet<String> = d
        .actions
        .iter()
        .filter(|a| !is_pattern(a))
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut new_actions: Vec<String> = d.actions.iter().filter(|a| is_pattern(a)).cloned().collect();
    let mut plain: Vec<String> = d.actions.iter().filter(|a| !is_pattern(a)).cloned().collect();
    plain.sort();
    // The catalog's action names per service, lowercased: `svc:Prefix*` expands to those starting with
    // `prefix` (the catalog's `expand`, computed once per service).
    let mut services: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for action in &plain {
        if covered.contains(&action.to_ascii_lowercase()) {
            continue;
        }
        let Some((svc, name)) = action.split_once(':') else {
            continue;
        };
        let names = services.entry(svc.to_ascii_lowercase()).or_insert_with(|| {
            catalog()
                .expand(&format!("{svc}:*"))
                .iter()
                .map(|a| a.full_name.to_ascii_lowercase())
                .collect()
        });
        let mut chosen = None;
        for (len, _) in name.char_indices().skip(1) {
            let prefix = format!("{svc}:{}", &name[..len]).to_ascii_lowercase();
            let expansion: Vec<&String> = names.iter().filter(|n| n.starts_with(&prefix)).collect();
            if expansion.len() >= 2 && expansion.iter().all(|e| observed.contains(*e)) {
                let pattern = format!("{svc}:{}*", &name[..len]);
                let saved: usize = expansion.iter().map(|e| e.len() + 3).sum::<usize>();
                if pattern.len() + 3 < saved {
                    chosen = Some((pattern, expansion.into_iter().cloned().collect::<Vec<String>>()));
                }
                break;
            }
        }
        match chosen {
            Some((pattern, expansion)) => {
                out.push(WildcardAdmission {
                    sid: d.sid.clone(),
                    kind: "action".to_string(),
                    pattern: pattern.clone(),
                    extra_actions: Vec::new(),
                    extra_grants: Vec::new(),
                    why: format!(
                        "to fit the size limit: the catalog expands `{pattern}` to {} actions, all observed",
                        expansion.len()
                    ),
                });
                covered.extend(expansion);
                new_actions.push(pattern);
            }
            None => new_actions.push(action.clone()),
        }
    }
    new_actions.retain(|a| is_pattern(a) || !covered.contains(&a.to_ascii_lowercase()));
    new_actions.sort();
    new_actions.dedup();
    d.actions = new_actions;
    out
}

fn first_service(d: &Draft) -> &str {
    d.observed.first().and_then(|a| a.split(':').next()).unwrap_or("")
}

fn statement_size(d: &Draft) -> usize {
    serde_json::to_string(&d.statement()).map_or(0, |s| s.chars().count())
}

/// The pair whose merge saves the most characters (each statement's size computed alone: the rest of the
/// document does not change).
fn best_merge(drafts: &[Draft], cross_service: bool) -> Option<(usize, usize)> {
    let sizes: Vec<usize> = drafts.iter().map(statement_size).collect();
    let mut best: Option<(usize, usize, usize)> = None;
    for i in 0..drafts.len() {
        for j in (i + 1)..drafts.len() {
            let (a, b) = (&drafts[i], &drafts[j]);
            if a.conditions != b.conditions || (!cross_service && first_service(a) != first_service(b)) {
                continue;
            }
            let mut merged = a.clone();
            absorb(&mut merged, b.clone());
            // Two statements and a comma become one statement.
            let before = sizes[i] + sizes[j] + 1;
            let after = statement_size(&merged);
            if after < before {
                let saved = before - after;
                if best.is_none_or(|(_, _, s)| saved > s) {
                    best = Some((i, j, saved));
                }
            }
        }
    }
    best.map(|(i, j, _)| (i, j))
}

fn absorb(a: &mut Draft, b: Draft) {
    a.actions.extend(b.actions);
    a.actions.sort();
    a.actions.dedup();
    a.observed.extend(b.observed);
    a.observed.sort();
    a.observed.dedup();
    a.count += b.count;
    a.samples.extend(b.samples);
    merge_resources(&mut a.resources, b.resources);
}

fn merge_into(drafts: &mut Vec<Draft>, i: usize, j: usize) {
    let b = drafts.remove(j);
    if let Some(a) = drafts.get_mut(i) {
        absorb(a, b);
    }
}

fn merge(drafts: &mut Vec<Draft>, i: usize, j: usize) -> WildcardAdmission {
    let (a, b) = (&drafts[i], &drafts[j]);
    let mut extra = Vec::new();
    for (x, y) in [(a, b), (b, a)] {
        let own: BTreeSet<&str> = x.resources.iter().map(|g| g.pattern.as_str()).collect();
        for action in &x.actions {
            for r in &y.resources {
                if !own.contains(r.pattern.as_str()) && !own.contains("*") {
                    extra.push(format!("{action} on {}", r.pattern));
                }
            }
        }
    }
    extra.sort();
    extra.dedup();
    let admission = WildcardAdmission {
        sid: a.sid.clone(),
        kind: "merge".to_string(),
        pattern: format!("{} + {}", a.sid, b.sid),
        extra_actions: Vec::new(),
        extra_grants: extra,
        why: "to fit the size limit: statements merged, so each action also reaches the other's resources"
            .to_string(),
    };
    merge_into(drafts, i, j);
    admission
}

/// The leading word of an action name (`Get` in `GetObjectAcl`).
fn verb(name: &str) -> &str {
    let end = name
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(name.len(), |(i, _)| i);
    &name[..end]
}

/// `svc:Verb*` for observed read/list actions when the whole expansion is Read or List (loose only).
fn read_wildcards(d: &mut Draft) -> Vec<WildcardAdmission> {
    let mut out = Vec::new();
    let observed: BTreeSet<String> = d.observed.iter().map(|a| a.to_ascii_lowercase()).collect();
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for a in d.actions.iter().filter(|a| !is_pattern(a)) {
        if let Some((svc, name)) = a.split_once(':') {
            candidates.insert(format!("{svc}:{}*", verb(name)));
        }
    }
    for pattern in candidates {
        let expansion = catalog().expand(&pattern);
        let all_read = !expansion.is_empty()
            && expansion
                .iter()
                .all(|e| matches!(e.access_level, AccessLevel::Read | AccessLevel::List));
        let covered: Vec<String> = d
            .actions
            .iter()
            .filter(|a| !is_pattern(a) && pare_policy::wildcard_match(&pattern, a, true))
            .cloned()
            .collect();
        if !all_read || covered.len() < 2 {
            continue;
        }
        let extra: Vec<String> = expansion
            .iter()
            .filter(|e| !observed.contains(&e.full_name.to_ascii_lowercase()))
            .map(|e| e.full_name.to_string())
            .collect();
        d.actions.retain(|a| !covered.contains(a));
        d.actions.push(pattern.clone());
        d.actions.sort();
        out.push(WildcardAdmission {
            sid: d.sid.clone(),
            kind: "action".to_string(),
            why: format!(
                "to fit the size limit at `loose`: `{pattern}` covers {} observed actions and only Read/List actions",
                covered.len()
            ),
            pattern,
            extra_actions: extra,
            extra_grants: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs() {
        assert_eq!(verb("GetObjectAcl"), "Get");
        assert_eq!(verb("ListBucket"), "List");
        assert_eq!(verb("Decrypt"), "Decrypt");
    }

    #[test]
    fn inline_kinds() {
        assert_eq!(
            PolicyKind::inline_for("arn:aws:iam::1:role/x"),
            Some(PolicyKind::RoleInline)
        );
        assert_eq!(
            PolicyKind::inline_for("arn:aws:iam::1:user/x"),
            Some(PolicyKind::UserInline)
        );
        assert_eq!(PolicyKind::inline_for("arn:aws:iam::1:root"), None);
        assert_eq!(PolicyKind::RoleInline.limit(), 10_240);
        assert_eq!(PolicyKind::Managed.limit(), 6_144);
    }
}

//! `aws iam get-account-authorization-details` output (and the same JSON built from the live API).
//!
//! Users, groups and roles with their inline policies, attached managed policies (the document of the
//! default version from `Policies`), group memberships, permissions boundaries and role trust policies.
//! Documents may be JSON objects (as the AWS CLI prints them) or URL-encoded JSON strings (as the API
//! returns them). Fields that can be derived are never required: a managed policy's name comes from the last
//! part of its ARN when `PolicyName` is missing, a principal's name and path from its ARN.

use crate::error::Error;
use crate::locate::JsonPath;
use crate::snapshot::{PolicyDocument, Principal, PrincipalKind, Snapshot, SourceKind, LIVE};
use crate::Ctx;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const LISTS: [&str; 4] = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];

/// Loads GetAccountAuthorizationDetails JSON held in memory. `source` labels the origins: pass
/// [`LIVE`] (`iam:live`) for the live account, or the file name. Invalid documents are recorded in the
/// snapshot's errors and skipped; the result is normalized, so the same account gives the same snapshot
/// whether it was read from the AWS CLI's output or from the API (origins aside, which equality ignores).
pub fn load_auth_details_value(value: &Value, source: &str) -> Result<Snapshot, Error> {
    let Some(obj) = value.as_object() else {
        return Err(Error::NotAuthDetails {
            source_name: source.to_string(),
            message: "expected a JSON object".to_string(),
        });
    };
    if !LISTS.iter().any(|k| obj.contains_key(*k)) {
        return Err(Error::NotAuthDetails {
            source_name: source.to_string(),
            message: "none of `UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies` is present"
                .to_string(),
        });
    }
    let mut cx = Ctx::new(source, None);
    load(&mut cx, value);
    let kind = if source == LIVE {
        SourceKind::Live
    } else {
        SourceKind::AuthDetails
    };
    Ok(cx.finish(kind, None))
}

/// A managed policy from `Policies`, at its default version.
struct Managed {
    doc: Option<PolicyDocument>,
    used: bool,
}

pub(crate) fn load(cx: &mut Ctx<'_>, value: &Value) {
    let root = JsonPath::root();
    let mut managed: BTreeMap<String, Managed> = BTreeMap::new();
    for (i, p) in items(value, "Policies") {
        let at = root.key("Policies").index(i);
        let Some(arn) = p.get("Arn").and_then(Value::as_str) else {
            cx.error_at(&at, "managed policy without `Arn`: skipped".to_string());
            cx.skipped += 1;
            continue;
        };
        let name = p
            .get("PolicyName")
            .and_then(Value::as_str)
            .map_or_else(|| last_part(arn).to_string(), str::to_string);
        let default_id = p.get("DefaultVersionId").and_then(Value::as_str);
        let versions: Vec<(usize, &Value)> = items(p, "PolicyVersionList").collect();
        let default = versions
            .iter()
            .find(|(_, v)| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true))
            .or_else(|| {
                versions.iter().find(|(_, v)| {
                    default_id.is_some() && v.get("VersionId").and_then(Value::as_str) == default_id
                })
            });
        let doc = match default {
            Some((j, v)) => {
                let doc_at = at.key("PolicyVersionList").index(*j).key("Document");
                match v.get("Document") {
                    Some(d) => cx.document(&name, Some(arn.to_string()), &doc_at, d.clone()),
                    None => {
                        cx.error_at(
                            &doc_at,
                            format!("managed policy `{arn}`: the default version has no `Document`"),
                        );
                        cx.skipped += 1;
                        None
                    }
                }
            }
            None => {
                cx.error_at(
                    &at,
                    format!("managed policy `{arn}` has no default version in `PolicyVersionList`"),
                );
                cx.skipped += 1;
                None
            }
        };
        managed.insert(arn.to_string(), Managed { doc, used: false });
    }

    let mut group_arns: BTreeMap<String, String> = BTreeMap::new();
    let specs = [
        (
            PrincipalKind::Group,
            "GroupDetailList",
            "GroupName",
            "GroupPolicyList",
        ),
        (
            PrincipalKind::User,
            "UserDetailList",
            "UserName",
            "UserPolicyList",
        ),
        (
            PrincipalKind::Role,
            "RoleDetailList",
            "RoleName",
            "RolePolicyList",
        ),
    ];
    for (kind, list, name_key, inline_key) in specs {
        for (i, e) in items(value, list) {
            let at = root.key(list).index(i);
            let Some(arn) = e.get("Arn").and_then(Value::as_str) else {
                cx.error_at(
                    &at,
                    format!("{} without `Arn`: skipped", kind.as_str().to_lowercase()),
                );
                cx.skipped += 1;
                continue;
            };
            let name = e
                .get(name_key)
                .and_then(Value::as_str)
                .map_or_else(|| last_part(arn).to_string(), str::to_string);
            let path = e
                .get("Path")
                .and_then(Value::as_str)
                .map_or_else(|| path_from_arn(arn), str::to_string);
            let mut p = Principal::new(kind, arn.to_string(), name.clone(), path);
            if kind == PrincipalKind::Group {
                group_arns.insert(name.clone(), arn.to_string());
            }
            for (j, pol) in items(e, inline_key) {
                let pat = at.key(inline_key).index(j);
                let pname = pol
                    .get("PolicyName")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                match pol.get("PolicyDocument") {
                    Some(d) => {
                        if let Some(doc) = cx.document(&pname, None, &pat.key("PolicyDocument"), d.clone()) {
                            p.inline.push(doc);
                        }
                    }
                    None => {
                        cx.error_at(
                            &pat,
                            format!("inline policy `{pname}` of `{arn}` has no `PolicyDocument`"),
                        );
                        cx.skipped += 1;
                    }
                }
            }
            for (_, att) in items(e, "AttachedManagedPolicies") {
                if let Some(parn) = att.get("PolicyArn").and_then(Value::as_str) {
                    match managed.get_mut(parn) {
                        Some(m) => {
                            m.used = true;
                            if let Some(doc) = &m.doc {
                                p.attached.push(doc.clone());
                            }
                        }
                        None => p.unresolved.push(parn.to_string()),
                    }
                }
            }
            if let Some(parn) = e
                .get("PermissionsBoundary")
                .and_then(|b| b.get("PermissionsBoundaryArn"))
                .and_then(Value::as_str)
            {
                match managed.get_mut(parn) {
                    Some(m) => {
                        m.used = true;
                        p.boundary = m.doc.clone();
                    }
                    None => p.unresolved.push(parn.to_string()),
                }
            }
            if kind == PrincipalKind::Role {
                if let Some(d) = e.get("AssumeRolePolicyDocument") {
                    p.trust = cx.document("trust", None, &at.key("AssumeRolePolicyDocument"), d.clone());
                }
            }
            if kind == PrincipalKind::User {
                let mut groups = BTreeSet::new();
                for (_, g) in items(e, "GroupList") {
                    if let Some(g) = g.as_str() {
                        groups.insert(g.to_string());
                    }
                }
                // Group names are resolved to ARNs below, once every group is known.
                p.groups = groups.into_iter().collect();
            }
            cx.snap.principals.push(p);
        }
    }
    for p in &mut cx.snap.principals {
        if p.kind != PrincipalKind::User {
            continue;
        }
        let prefix = arn_prefix(&p.arn);
        p.groups = p
            .groups
            .iter()
            .map(|g| {
                group_arns
                    .get(g)
                    .cloned()
                    .unwrap_or_else(|| format!("{prefix}group/{g}"))
            })
            .collect();
    }
    for (arn, m) in managed {
        if m.used || arn.contains(":iam::aws:policy/") {
            continue;
        }
        if let Some(doc) = m.doc {
            cx.snap.policies.push(doc);
        }
    }
}

fn items<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = (usize, &'v Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().enumerate())
        .into_iter()
        .flatten()
}

/// The last part of an ARN's resource (`arn:aws:iam::1:policy/a/b` → `b`).
pub(crate) fn last_part(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// The IAM path in an ARN (`arn:aws:iam::1:role/a/b/name` → `/a/b/`).
pub(crate) fn path_from_arn(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let mut parts: Vec<&str> = resource.split('/').collect();
    if parts.len() <= 2 {
        return "/".to_string();
    }
    parts.remove(0);
    parts.pop();
    format!("/{}/", parts.join("/"))
}

/// `arn:aws:iam::111122223333:` of an IAM ARN.
fn arn_prefix(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        [a, p, s, r, acct, _] => format!("{a}:{p}:{s}:{r}:{acct}:"),
        _ => "arn:aws:iam:::".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_parts() {
        assert_eq!(last_part("arn:aws:iam::1:policy/a/b"), "b");
        assert_eq!(path_from_arn("arn:aws:iam::1:role/a/b/name"), "/a/b/");
        assert_eq!(path_from_arn("arn:aws:iam::1:role/name"), "/");
        assert_eq!(arn_prefix("arn:aws:iam::1:user/x"), "arn:aws:iam::1:");
    }
}

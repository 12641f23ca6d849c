//! IAM GetAccountAuthorizationDetails, all pages merged into the JSON document the AWS CLI prints.
//!
//! Key names and order follow the service model (as the CLI prints them); policy documents are
//! URL-decoded and parsed into JSON objects as the CLI does (a document that does not parse stays the
//! string the service sent); dates are ISO 8601 in UTC as the CLI prints them with its `iso8601`
//! timestamp format (`2026-11-01T00:00:00+00:00`, microseconds when not zero).

use crate::config::{self, block_on, IAM_DEFAULT_REGION};
use crate::error::from_sdk;
use crate::{AwsError, AwsOptions};
use aws_config::Region;
use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, GroupDetail, InstanceProfile, ManagedPolicyDetail,
    PolicyDetail, PolicyVersion, Role, RoleDetail, RoleLastUsed, Tag, UserDetail,
};
use aws_sdk_iam::Client;
use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

/// See [`crate::account_authorization_details`].
pub(crate) fn details(opts: &AwsOptions) -> Result<Value, AwsError> {
    config::check_endpoint(opts)?;
    block_on(async {
        let mut shared = config::load(opts).await;
        if shared.region().is_none() {
            shared = shared
                .into_builder()
                .region(Region::new(IAM_DEFAULT_REGION))
                .build();
        }
        let label = config::endpoint_label(opts, "iam", &shared);
        let client = Client::new(&shared);
        let mut pages = client.get_account_authorization_details().into_paginator().send();
        let (mut users, mut groups, mut roles, mut policies) = (vec![], vec![], vec![], vec![]);
        let mut page_no = 0usize;
        while let Some(page) = pages.next().await {
            page_no += 1;
            let what = format!("iam get-account-authorization-details (page {page_no})");
            let page = page.map_err(|e| from_sdk(e, &what, &label))?;
            users.extend(page.user_detail_list().iter().map(user));
            groups.extend(page.group_detail_list().iter().map(group));
            roles.extend(page.role_detail_list().iter().map(role_detail));
            policies.extend(page.policies().iter().map(managed_policy));
        }
        let mut doc = Map::new();
        doc.insert("UserDetailList".into(), Value::Array(users));
        doc.insert("GroupDetailList".into(), Value::Array(groups));
        doc.insert("RoleDetailList".into(), Value::Array(roles));
        doc.insert("Policies".into(), Value::Array(policies));
        Ok(Value::Object(doc))
    })?
}

/// An object builder that leaves absent members out, as the CLI does.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    fn s(mut self, k: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::String(v.to_owned()));
        }
        self
    }
    fn v(mut self, k: &str, v: Option<Value>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), v);
        }
        self
    }
    fn date(self, k: &str, d: Option<&DateTime>) -> Self {
        self.v(k, d.map(|d| Value::String(iso8601(d))))
    }
    fn doc(self, k: &str, d: Option<&str>) -> Self {
        self.v(k, d.map(policy_document))
    }
    fn list<T>(self, k: &str, items: Option<&[T]>, f: impl Fn(&T) -> Value) -> Self {
        self.v(k, items.map(|xs| Value::Array(xs.iter().map(f).collect())))
    }
    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

fn user(u: &UserDetail) -> Value {
    Obj::default()
        .s("Path", u.path())
        .s("UserName", u.user_name())
        .s("UserId", u.user_id())
        .s("Arn", u.arn())
        .date("CreateDate", u.create_date())
        .list("UserPolicyList", u.user_policy_list.as_deref(), policy_detail)
        .list("GroupList", u.group_list.as_deref(), |g| Value::String(g.clone()))
        .list(
            "AttachedManagedPolicies",
            u.attached_managed_policies.as_deref(),
            attached,
        )
        .v("PermissionsBoundary", u.permissions_boundary().map(boundary))
        .list("Tags", u.tags.as_deref(), tag)
        .done()
}

fn group(g: &GroupDetail) -> Value {
    Obj::default()
        .s("Path", g.path())
        .s("GroupName", g.group_name())
        .s("GroupId", g.group_id())
        .s("Arn", g.arn())
        .date("CreateDate", g.create_date())
        .list("GroupPolicyList", g.group_policy_list.as_deref(), policy_detail)
        .list(
            "AttachedManagedPolicies",
            g.attached_managed_policies.as_deref(),
            attached,
        )
        .done()
}

fn role_detail(r: &RoleDetail) -> Value {
    Obj::default()
        .s("Path", r.path())
        .s("RoleName", r.role_name())
        .s("RoleId", r.role_id())
        .s("Arn", r.arn())
        .date("CreateDate", r.create_date())
        .doc("AssumeRolePolicyDocument", r.assume_role_policy_document())
        .list(
            "InstanceProfileList",
            r.instance_profile_list.as_deref(),
            instance_profile,
        )
        .list("RolePolicyList", r.role_policy_list.as_deref(), policy_detail)
        .list(
            "AttachedManagedPolicies",
            r.attached_managed_policies.as_deref(),
            attached,
        )
        .v("PermissionsBoundary", r.permissions_boundary().map(boundary))
        .list("Tags", r.tags.as_deref(), tag)
        .v("RoleLastUsed", r.role_last_used().map(last_used))
        .done()
}

fn instance_profile(p: &InstanceProfile) -> Value {
    Obj::default()
        .s("Path", Some(p.path()))
        .s("InstanceProfileName", Some(p.instance_profile_name()))
        .s("InstanceProfileId", Some(p.instance_profile_id()))
        .s("Arn", Some(p.arn()))
        .date("CreateDate", Some(p.create_date()))
        .list("Roles", Some(p.roles()), role)
        .list("Tags", p.tags.as_deref(), tag)
        .done()
}

fn role(r: &Role) -> Value {
    Obj::default()
        .s("Path", Some(r.path()))
        .s("RoleName", Some(r.role_name()))
        .s("RoleId", Some(r.role_id()))
        .s("Arn", Some(r.arn()))
        .date("CreateDate", Some(r.create_date()))
        .doc("AssumeRolePolicyDocument", r.assume_role_policy_document())
        .s("Description", r.description())
        .v("MaxSessionDuration", r.max_session_duration().map(Value::from))
        .v("PermissionsBoundary", r.permissions_boundary().map(boundary))
        .list("Tags", r.tags.as_deref(), tag)
        .v("RoleLastUsed", r.role_last_used().map(last_used))
        .done()
}

fn managed_policy(p: &ManagedPolicyDetail) -> Value {
    Obj::default()
        .s("PolicyName", p.policy_name())
        .s("PolicyId", p.policy_id())
        .s("Arn", p.arn())
        .s("Path", p.path())
        .s("DefaultVersionId", p.default_version_id())
        .v("AttachmentCount", p.attachment_count().map(Value::from))
        .v(
            "PermissionsBoundaryUsageCount",
            p.permissions_boundary_usage_count().map(Value::from),
        )
        .v("IsAttachable", Some(Value::Bool(p.is_attachable())))
        .s("Description", p.description())
        .date("CreateDate", p.create_date())
        .date("UpdateDate", p.update_date())
        .list(
            "PolicyVersionList",
            p.policy_version_list.as_deref(),
            policy_version,
        )
        .done()
}

fn policy_version(v: &PolicyVersion) -> Value {
    Obj::default()
        .doc("Document", v.document())
        .s("VersionId", v.version_id())
        .v("IsDefaultVersion", Some(Value::Bool(v.is_default_version())))
        .date("CreateDate", v.create_date())
        .done()
}

fn policy_detail(p: &PolicyDetail) -> Value {
    Obj::default()
        .s("PolicyName", p.policy_name())
        .doc("PolicyDocument", p.policy_document())
        .done()
}

fn attached(p: &AttachedPolicy) -> Value {
    Obj::default()
        .s("PolicyName", p.policy_name())
        .s("PolicyArn", p.policy_arn())
        .done()
}

fn boundary(b: &AttachedPermissionsBoundary) -> Value {
    Obj::default()
        .s(
            "PermissionsBoundaryType",
            b.permissions_boundary_type().map(|t| t.as_str()),
        )
        .s("PermissionsBoundaryArn", b.permissions_boundary_arn())
        .done()
}

fn tag(t: &Tag) -> Value {
    Obj::default()
        .s("Key", Some(t.key()))
        .s("Value", Some(t.value()))
        .done()
}

fn last_used(l: &RoleLastUsed) -> Value {
    Obj::default()
        .date("LastUsedDate", l.last_used_date())
        .s("Region", l.region())
        .done()
}

/// A policy document as the CLI shows it: percent-decoded, then parsed as JSON; left as the string the
/// service sent when it is not JSON.
pub(crate) fn policy_document(raw: &str) -> Value {
    let decoded = percent_decode(raw);
    serde_json::from_str::<Value>(&decoded).unwrap_or_else(|_| Value::String(raw.to_owned()))
}

/// Percent-decoding as Python's `urllib.parse.unquote` does it: `%XX` escapes become bytes, the bytes are
/// read as UTF-8 (invalid sequences replaced), `+` stays `+`, a malformed escape stays as written.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A date as the AWS CLI prints it with `iso8601` timestamps (Python's `datetime.isoformat()` in UTC).
pub(crate) fn iso8601(d: &DateTime) -> String {
    let micros = d.subsec_nanos() / 1_000;
    match chrono::DateTime::from_timestamp(d.secs(), micros * 1_000) {
        Some(t) if micros == 0 => t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string(),
        None => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_policy_documents_like_the_cli() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let v = policy_document(raw);
        assert_eq!(v["Statement"][0]["Action"], "s3:Get*");
        // Plain (not encoded) JSON parses too; a broken document stays the string that was sent.
        assert_eq!(policy_document(r#"{"a":"b+c"}"#)["a"], "b+c");
        assert_eq!(
            policy_document("%7Bnot json"),
            Value::String("%7Bnot json".into())
        );
    }

    #[test]
    fn percent_decoding_matches_python_unquote() {
        assert_eq!(percent_decode("a%20b+c"), "a b+c");
        assert_eq!(percent_decode("%E2%9C%93"), "\u{2713}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn dates_print_as_python_isoformat() {
        assert_eq!(
            iso8601(&DateTime::from_secs(1_793_491_200)),
            "2026-11-01T00:00:00+00:00"
        );
        assert_eq!(
            iso8601(&DateTime::from_secs_and_nanos(1_793_491_200, 123_456_789)),
            "2026-11-01T00:00:00.123456+00:00"
        );
    }
}

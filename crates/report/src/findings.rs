//! Findings: stable kebab-case codes, one enum, a severity and a description each.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Every finding the report can raise. The codes are a contract: tools filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// Admin-equivalent power.
    AdminEquivalent,
    /// A statement allows `*` on `*` with no condition.
    FullAdminPolicy,
    /// A path to admin-equivalent power.
    PrivilegeEscalation,
    /// Granted, unused Permissions management actions.
    UnusedPermissionsManagement,
    /// Granted, unused Write or Tagging actions.
    UnusedWrite,
    /// Granted, unused Read or List actions.
    UnusedRead,
    /// A statement grants actions by wildcard.
    WildcardAction,
    /// Used actions the declared policies do not allow, or calls that were denied.
    MissingPermission,
    /// An IAM user holds policies directly instead of through groups.
    UserDirectPolicy,
    /// A principal seen in the logs is not in the policy snapshot.
    UndeclaredPrincipal,
    /// A declared principal with grants made no call in the log window.
    InactivePrincipal,
    /// Granted actions CloudTrail cannot show: their use cannot be proven from logs.
    UnobservableGrant,
    /// No role has the AWSSupportAccess managed policy attached.
    NoSupportRole,
    /// The AWSCloudShellFullAccess managed policy is attached.
    CloudshellFullAccess,
    /// A policy document could not be parsed, so its statements were not assessed.
    InvalidPolicy,
}

impl Code {
    /// Every code, in a stable order.
    pub const ALL: [Code; 15] = [
        Code::AdminEquivalent,
        Code::FullAdminPolicy,
        Code::PrivilegeEscalation,
        Code::UnusedPermissionsManagement,
        Code::UnusedWrite,
        Code::UnusedRead,
        Code::WildcardAction,
        Code::MissingPermission,
        Code::UserDirectPolicy,
        Code::UndeclaredPrincipal,
        Code::InactivePrincipal,
        Code::UnobservableGrant,
        Code::NoSupportRole,
        Code::CloudshellFullAccess,
        Code::InvalidPolicy,
    ];

    /// The stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AdminEquivalent => "admin-equivalent",
            Code::FullAdminPolicy => "full-admin-policy",
            Code::PrivilegeEscalation => "privilege-escalation",
            Code::UnusedPermissionsManagement => "unused-permissions-management",
            Code::UnusedWrite => "unused-write",
            Code::UnusedRead => "unused-read",
            Code::WildcardAction => "wildcard-action",
            Code::MissingPermission => "missing-permission",
            Code::UserDirectPolicy => "user-direct-policy",
            Code::UndeclaredPrincipal => "undeclared-principal",
            Code::InactivePrincipal => "inactive-principal",
            Code::UnobservableGrant => "unobservable-grant",
            Code::NoSupportRole => "no-support-role",
            Code::CloudshellFullAccess => "cloudshell-full-access",
            Code::InvalidPolicy => "invalid-policy",
        }
    }

    /// The severity findings of this code carry.
    pub fn severity(self) -> Severity {
        match self {
            Code::AdminEquivalent
            | Code::FullAdminPolicy
            | Code::PrivilegeEscalation
            | Code::UnusedPermissionsManagement => Severity::High,
            Code::UnusedWrite
            | Code::WildcardAction
            | Code::InactivePrincipal
            | Code::CloudshellFullAccess => Severity::Medium,
            Code::UnusedRead
            | Code::MissingPermission
            | Code::UserDirectPolicy
            | Code::NoSupportRole
            | Code::InvalidPolicy => Severity::Low,
            Code::UndeclaredPrincipal | Code::UnobservableGrant => Severity::Info,
        }
    }

    /// What the code flags, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Code::AdminEquivalent => {
                "the principal's declared policies allow every administrative probe on `*`"
            }
            Code::FullAdminPolicy => "a statement allows `*` on `*` with no condition",
            Code::PrivilegeEscalation => {
                "the principal can reach admin-equivalent power through a known method"
            }
            Code::UnusedPermissionsManagement => {
                "Permissions management actions are granted but were never used in the log window"
            }
            Code::UnusedWrite => "Write or Tagging actions are granted but were never used in the log window",
            Code::UnusedRead => "Read or List actions are granted but were never used in the log window",
            Code::WildcardAction => "a statement grants actions through a wildcard",
            Code::MissingPermission => {
                "calls were made that the declared policies do not allow, or were denied"
            }
            Code::UserDirectPolicy => "an IAM user holds policies directly instead of through groups",
            Code::UndeclaredPrincipal => "a principal seen in the logs is not in the policy snapshot",
            Code::InactivePrincipal => "a declared principal with grants made no call in the log window",
            Code::UnobservableGrant => {
                "granted actions CloudTrail does not record by default cannot be shown as used"
            }
            Code::NoSupportRole => "no role has the AWSSupportAccess managed policy attached",
            Code::CloudshellFullAccess => "the AWSCloudShellFullAccess managed policy is attached",
            Code::InvalidPolicy => "a policy document could not be parsed and was not assessed",
        }
    }

    /// The one-line fix.
    pub fn fix(self) -> &'static str {
        match self {
            Code::AdminEquivalent | Code::FullAdminPolicy => {
                "replace the administrative grant with the proposed least-privilege policy"
            }
            Code::PrivilegeEscalation => "remove the step's actions or scope them to specific resources",
            Code::UnusedPermissionsManagement | Code::UnusedWrite | Code::UnusedRead => {
                "remove the unused actions (see the proposed policy)"
            }
            Code::WildcardAction => "list the actions the principal needs instead of a wildcard",
            Code::MissingPermission => "grant the call if the code needs it, or fix the code that made it",
            Code::UserDirectPolicy => "attach the policies to a group and add the user to it",
            Code::UndeclaredPrincipal => "add the principal's account or source to the policy snapshot",
            Code::InactivePrincipal => {
                "confirm the principal is still needed; remove it or its grants if not"
            }
            Code::UnobservableGrant => "enable the data events or confirm the grant is needed by other means",
            Code::NoSupportRole => "create a role with AWSSupportAccess for incident handling",
            Code::CloudshellFullAccess => "detach AWSCloudShellFullAccess or restrict who holds it",
            Code::InvalidPolicy => "fix the policy document (run `pare lint` on it)",
        }
    }
}

/// One finding with its evidence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// Stable code.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The principal it concerns (`account` for account-wide findings).
    pub principal: String,
    /// One-line summary with the specifics.
    pub message: String,
    /// The evidence: statements, actions, sample events.
    pub evidence: Vec<String>,
    /// The fix.
    pub fix: &'static str,
}

impl Finding {
    /// A finding of `code` about `principal`.
    pub fn new(code: Code, principal: &str, message: String, evidence: Vec<String>) -> Finding {
        Finding {
            code: code.as_str(),
            severity: code.severity(),
            principal: principal.to_string(),
            message,
            evidence,
            fix: code.fix(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{s} is not kebab-case"
            );
            assert!(!code.description().is_empty());
            assert!(!code.fix().is_empty());
        }
    }
}

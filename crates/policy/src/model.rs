//! The policy model: a parsed document with its statements, ready to match requests.

use crate::condition::{Condition, IgnoredSpan};
use crate::error::Span;
use crate::request::Request;
use crate::wildcard::{ActionPattern, ResourcePattern};

/// The two policy language versions.
pub const VERSION_2012: &str = "2012-10-17";
/// The old version: policy variables are literal text.
pub const VERSION_2008: &str = "2008-10-17";

/// A parsed IAM policy document (identity, resource, boundary, SCP or trust policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `Version` as written; `None` when absent (AWS then uses `2008-10-17`: no policy variables).
    pub version: Option<String>,
    /// `Id`, if present.
    pub id: Option<String>,
    /// The statements, in order.
    pub statements: Vec<Statement>,
    /// Whether `Statement` was an array (`false`: a single object). Printing keeps the shape.
    pub statement_list: bool,
}

impl Policy {
    /// Whether policy variables (`${aws:username}`) are substituted: only under `Version` `2012-10-17`.
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some(VERSION_2012)
    }

    /// The JSON path of statement `index`: `Statement[2]`, or `Statement` for a single-object statement.
    pub fn statement_path(&self, index: usize) -> String {
        if self.statement_list {
            format!("Statement[{index}]")
        } else {
            "Statement".to_string()
        }
    }
}

/// `Allow` or `Deny` (serialized as those words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Values written as one string or an array of strings. `list` records which, so printing gives the same JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values<T> {
    /// The values, in order.
    pub items: Vec<T>,
    /// `true` when written as an array.
    pub list: bool,
}

impl<T> Values<T> {
    /// Values written as an array.
    pub fn list(items: Vec<T>) -> Values<T> {
        Values { items, list: true }
    }
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: the statement applies to matching actions.
    Action(Values<ActionPattern>),
    /// `NotAction`: the statement applies to every action that matches none of these.
    NotAction(Values<ActionPattern>),
}

impl ActionSpec {
    /// The patterns, whichever the element.
    pub fn patterns(&self) -> &[ActionPattern] {
        match self {
            ActionSpec::Action(v) | ActionSpec::NotAction(v) => &v.items,
        }
    }

    /// Whether this is `NotAction`.
    pub fn is_not(&self) -> bool {
        matches!(self, ActionSpec::NotAction(_))
    }

    /// Whether the statement applies to `action` (case-insensitive).
    pub fn applies_to(&self, action: &str) -> bool {
        let hit = self.patterns().iter().any(|p| p.matches(action));
        hit != self.is_not()
    }
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceSpec {
    /// `Resource`.
    Resource(Values<ResourcePattern>),
    /// `NotResource`.
    NotResource(Values<ResourcePattern>),
}

impl ResourceSpec {
    /// The patterns, whichever the element.
    pub fn patterns(&self) -> &[ResourcePattern] {
        match self {
            ResourceSpec::Resource(v) | ResourceSpec::NotResource(v) => &v.items,
        }
    }

    /// Whether this is `NotResource`.
    pub fn is_not(&self) -> bool {
        matches!(self, ResourceSpec::NotResource(_))
    }

    /// Whether the statement applies to the request's resource (variables substituted from its context).
    pub fn applies_to(&self, req: &Request) -> bool {
        let hit = self.patterns().iter().any(|p| p.matches_in(&req.resource, req));
        hit != self.is_not()
    }
}

/// The kinds of principal in a `Principal` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, users, roles, sessions.
    Aws,
    /// `"Service"`: `s3.amazonaws.com`.
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`.
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    /// Parses a JSON key (exact spelling).
    pub fn parse(s: &str) -> Option<PrincipalKind> {
        [
            PrincipalKind::Aws,
            PrincipalKind::Service,
            PrincipalKind::Federated,
            PrincipalKind::CanonicalUser,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The value of `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone (anonymous included).
    Any,
    /// `{"AWS": ..., "Service": ...}` in written order.
    Map(Vec<(PrincipalKind, Values<String>)>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `Principal`.
    Principal(Principals),
    /// `NotPrincipal`.
    NotPrincipal(Principals),
}

impl PrincipalSpec {
    /// The principals, whichever the element.
    pub fn principals(&self) -> &Principals {
        match self {
            PrincipalSpec::Principal(p) | PrincipalSpec::NotPrincipal(p) => p,
        }
    }

    /// Whether the statement applies to the request's principal. An unknown principal (`None`) matches only
    /// `"*"` / `{"AWS": "*"}` (and every `NotPrincipal`).
    pub fn applies_to(&self, req: &Request) -> bool {
        match self {
            PrincipalSpec::Principal(p) => principal_matches(p, req) != PrincipalMatch::No,
            PrincipalSpec::NotPrincipal(p) => principal_matches(p, req) == PrincipalMatch::No,
        }
    }
}

/// How a principal matched a `Principal` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrincipalMatch {
    No,
    /// `*` or a wildcard AWS principal.
    Anyone,
    /// The account (`123456789012` or `arn:aws:iam::123456789012:root`): the account then delegates to its
    /// identity policies.
    Account,
    /// A role ARN matching the caller's role session.
    Role,
    /// The exact principal (user, session, service, federated, canonical user).
    Exact,
}

/// Matches the request's principal against a principal value. Principal values admit no wildcards except the
/// whole-value `*`.
pub(crate) fn principal_matches(p: &Principals, req: &Request) -> PrincipalMatch {
    let map = match p {
        Principals::Any => return PrincipalMatch::Anyone,
        Principals::Map(m) => m,
    };
    let caller = req.principal.as_deref();
    let mut best = PrincipalMatch::No;
    let mut note = |m: PrincipalMatch| {
        let rank = |m: PrincipalMatch| match m {
            PrincipalMatch::No => 0,
            PrincipalMatch::Account => 1,
            PrincipalMatch::Anyone => 2,
            PrincipalMatch::Role => 3,
            PrincipalMatch::Exact => 4,
        };
        if rank(m) > rank(best) {
            best = m;
        }
    };
    for (kind, values) in map {
        for v in &values.items {
            if v == "*" {
                note(PrincipalMatch::Anyone);
                continue;
            }
            let Some(caller) = caller else { continue };
            match kind {
                PrincipalKind::Aws => note(aws_principal_match(v, caller, req)),
                _ => {
                    if v == caller {
                        note(PrincipalMatch::Exact);
                    }
                }
            }
        }
    }
    best
}

fn aws_principal_match(value: &str, caller: &str, req: &Request) -> PrincipalMatch {
    if value == caller {
        return PrincipalMatch::Exact;
    }
    // An account: `123456789012` or `arn:aws:iam::123456789012:root`.
    let account = if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Some(value)
    } else {
        value.strip_prefix("arn:").and_then(|_| {
            let (parts, n) = crate::wildcard::arn_parts(value);
            (n == 6 && parts[2] == "iam" && parts[5] == "root").then_some(parts[4])
        })
    };
    if let Some(account) = account {
        return if req.principal_account() == Some(account) {
            PrincipalMatch::Account
        } else {
            PrincipalMatch::No
        };
    }
    // A role ARN matches its sessions: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
    let (vp, vn) = crate::wildcard::arn_parts(value);
    let (cp, cn) = crate::wildcard::arn_parts(caller);
    if vn == 6 && cn == 6 && vp[2] == "iam" && cp[2] == "sts" && vp[1] == cp[1] && vp[4] == cp[4] {
        if let (Some(role_path), Some(session)) =
            (vp[5].strip_prefix("role/"), cp[5].strip_prefix("assumed-role/"))
        {
            let role_name = role_path.rsplit('/').next().unwrap_or(role_path);
            if session.split('/').next() == Some(role_name) {
                return PrincipalMatch::Role;
            }
        }
    }
    PrincipalMatch::No
}

/// Source positions of a statement's parts (ignored by equality).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementSpans {
    /// Where the statement object starts.
    pub statement: IgnoredSpan,
    /// Each `Action`/`NotAction` entry, in order.
    pub actions: Vec<IgnoredSpan>,
    /// Each `Resource`/`NotResource` entry, in order.
    pub resources: Vec<IgnoredSpan>,
}

impl StatementSpans {
    /// The position of action `i` (unknown when out of range or parsed from a value).
    pub fn action(&self, i: usize) -> Span {
        self.actions.get(i).map(|s| s.0).unwrap_or(Span::UNKNOWN)
    }

    /// The position of resource `i`.
    pub fn resource(&self, i: usize) -> Span {
        self.resources.get(i).map(|s| s.0).unwrap_or(Span::UNKNOWN)
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if present.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal`/`NotPrincipal` (resource and trust policies), if present.
    pub principal: Option<PrincipalSpec>,
    /// `Action`/`NotAction`.
    pub action: ActionSpec,
    /// `Resource`/`NotResource`; `None` when absent (trust policies), which matches any resource.
    pub resource: Option<ResourceSpec>,
    /// The `Condition` block, one entry per operator in written order; `None` when absent.
    pub condition: Option<Vec<Condition>>,
    /// Where the parts were in the text.
    pub spans: StatementSpans,
}

impl Statement {
    /// Whether the statement applies to the request: action, resource, conditions and — when
    /// `check_principal` (resource-based and trust policies) — the principal. A statement without
    /// `Principal` in a resource policy applies to no one.
    pub fn applies_to(&self, req: &Request, check_principal: bool) -> bool {
        if !self.action.applies_to(&req.action) {
            return false;
        }
        if let Some(r) = &self.resource {
            if !r.applies_to(req) {
                return false;
            }
        }
        if check_principal {
            match &self.principal {
                Some(p) if p.applies_to(req) => {}
                _ => return false,
            }
        }
        self.conditions_hold(req)
    }

    /// Whether every condition holds (true without a `Condition` block).
    pub fn conditions_hold(&self, req: &Request) -> bool {
        self.condition
            .as_ref()
            .is_none_or(|c| c.iter().all(|c| c.evaluate(req)))
    }
}

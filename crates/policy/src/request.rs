//! The request being authorized: action, resource, principal and the context keys conditions read.

use crate::wildcard::VarLookup;
use std::collections::HashMap;

/// The value of a context key: one string or several (a multivalued key such as `aws:TagKeys`).
/// Every type (numbers, dates, booleans, IP addresses) travels as text, as in the request context AWS builds;
/// operators parse it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (possibly empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one element for [`ContextValue::Single`]).
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::Single(s.to_string())
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::Single(s)
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(v: Vec<String>) -> Self {
        ContextValue::Multi(v)
    }
}

impl From<Vec<&str>> for ContextValue {
    fn from(v: Vec<&str>) -> Self {
        ContextValue::Multi(v.into_iter().map(str::to_string).collect())
    }
}

impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        ContextValue::Single(b.to_string())
    }
}

/// One request: `action` (`s3:GetObject`, any case), `resource` (an ARN, or `*` for actions without
/// resource-level permissions), the calling `principal` (an ARN, a service such as `s3.amazonaws.com`, or
/// `None` when unknown) and the request context.
///
/// Context keys are case-insensitive: store them in any case ([`Request::with`] lowercases them, which makes
/// lookups a single hash probe). Keys absent from `context` are absent for conditions: nothing is derived
/// implicitly except the accounts used to tell same-account from cross-account requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The action, e.g. `s3:GetObject`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// The calling principal, e.g. `arn:aws:iam::111122223333:user/alice`.
    pub principal: Option<String>,
    /// Context keys (`aws:SourceIp`, `aws:username`, `s3:prefix`, ...) and their values.
    pub context: HashMap<String, ContextValue>,
}

impl Request {
    /// A request without principal or context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            principal: None,
            context: HashMap::new(),
        }
    }

    /// Sets the principal.
    pub fn principal(mut self, principal: impl Into<String>) -> Request {
        self.principal = Some(principal.into());
        self
    }

    /// Adds a context key (lowercased) and its value.
    pub fn with(mut self, key: &str, value: impl Into<ContextValue>) -> Request {
        self.context.insert(key.to_ascii_lowercase(), value.into());
        self
    }

    /// Looks a context key up, case-insensitively. `key_lower` must be lowercase.
    pub fn lookup(&self, key_lower: &str) -> Option<&ContextValue> {
        if let Some(v) = self.context.get(key_lower) {
            return Some(v);
        }
        self.context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key_lower))
            .map(|(_, v)| v)
    }

    /// Looks a context key up in any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.lookup(&key.to_ascii_lowercase())
        } else {
            self.lookup(key)
        }
    }

    /// The account of the principal: `aws:PrincipalAccount` from the context, else the account segment of the
    /// principal ARN (`None` for services or when unknown).
    pub fn principal_account(&self) -> Option<&str> {
        if let Some(ContextValue::Single(a)) = self.lookup("aws:principalaccount") {
            return Some(a);
        }
        let p = self.principal.as_deref()?;
        if !p.starts_with("arn:") {
            return None;
        }
        let (parts, n) = crate::wildcard::arn_parts(p);
        (n == 6).then_some(parts[4]).filter(|a| !a.is_empty())
    }

    /// The account owning the resource: `aws:ResourceAccount` from the context, else the account segment of
    /// the resource ARN (`None` when the ARN has none, as for S3 buckets).
    pub fn resource_account(&self) -> Option<&str> {
        if let Some(ContextValue::Single(a)) = self.lookup("aws:resourceaccount") {
            return Some(a);
        }
        let (parts, n) = crate::wildcard::arn_parts(&self.resource);
        (n == 6 && parts[0] == "arn")
            .then_some(parts[4])
            .filter(|a| !a.is_empty())
    }
}

impl VarLookup for Request {
    fn var(&self, key_lower: &str) -> Option<&str> {
        match self.lookup(key_lower)? {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(v) if v.len() == 1 => v.first().map(String::as_str),
            ContextValue::Multi(_) => None,
        }
    }
}

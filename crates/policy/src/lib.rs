//! The core of pare: the IAM policy language and AWS's evaluation logic, with no I/O.
//!
//! # Parsing
//! [`parse`] (or [`parse_with`] for a file label and a catalog hook) reads a policy document into a
//! [`Policy`]; [`Policy::from_value`] does the same from a `serde_json::Value`. The whole grammar is covered:
//! `Version`, `Id`, `Statement` (object or array), `Sid`, `Effect`, `Action`/`NotAction` ([`ActionSpec`]),
//! `Resource`/`NotResource` ([`ResourceSpec`]), `Principal`/`NotPrincipal` ([`PrincipalSpec`]: `*`, `AWS`,
//! `Service`, `Federated`, `CanonicalUser`), and `Condition` ([`Condition`]: every operator family, `IfExists`,
//! `ForAllValues:`/`ForAnyValue:`, policy variables). A [`ParseError`] names the file label, the JSON path
//! (`Statement[2].Action[3]`), the line and column, and a fix when one is known. The policy crate knows no
//! catalog: [`ParseOptions::known_action`] (or [`Policy::unknown_actions`]) lets a caller that has one flag
//! unknown actions with a did-you-mean.
//!
//! Printing ([`Policy::to_json`], `Display`) keeps shapes and spellings, so parsing the printed text gives an
//! equal policy. Equality ignores source positions.
//!
//! # Matching
//! [`wildcard_match`] is the `*`/`?` matcher (case-insensitive for actions). [`ActionPattern`] and
//! [`ResourcePattern`] are compiled once at parse time; resources match per ARN segment and case-sensitively
//! (see [`ResourcePattern`]). [`Arn`] parses ARNs.
//!
//! # Evaluation
//! A [`Request`] (action, resource, principal, context keys as [`ContextValue`]s) is evaluated against an
//! [`EvalInput`] (identity policies, permissions boundary, SCP levels, resource policy — each a labelled
//! [`PolicyRef`]) by [`evaluate`], which returns an [`Evaluation`]: the [`Decision`] (`Allow`, `ExplicitDeny`,
//! `ImplicitDeny`), the [`Reason`] and the [`Matched`] statements (source label, `Sid`, effect, index, layer).
//! [`decide`] returns the decision alone without collecting anything. For one document,
//! [`Policy::effect_for`] / [`Policy::allows`] answer "what does this policy say about this request".
//!
//! # Semantics where the documentation leaves a choice
//! - Policy variables are substituted in `Resource`/`NotResource` and in the values of String, Arn and Bool
//!   operators (the condition operators page allows them in `Bool`), only under `Version` `2012-10-17`. A
//!   substituted value is literal text (a `*` in a tag value is not a wildcard). A variable whose key is absent
//!   or multivalued, without a default, makes that pattern or value match nothing.
//! - Same account or cross account is decided from `aws:PrincipalAccount`/`aws:ResourceAccount` in the context,
//!   else from the account segments of the principal and resource ARNs; when either is unknown (an S3 ARN
//!   without `aws:ResourceAccount`, no principal) the request is treated as same-account.
//! - A resource-policy grant to the caller's user or session ARN, or to `*`, suffices in the same account; to
//!   its role ARN it still needs the boundary; to its account it delegates to identity policies.
//! - A statement without `Resource` (trust policies) applies to any resource; a resource-policy statement
//!   without `Principal`/`NotPrincipal` applies to no one. `Null` treats an empty multivalued key as absent.
//! - Malformed numbers, dates and CIDRs in `Numeric*`, `Date*` and `IpAddress` values are parse errors; a request
//!   value that cannot be read that way does not match (so a negated operator is then true).
//!
//! ```
//! use pare_policy::{parse, evaluate, Decision, EvalInput, PolicyRef, Request};
//!
//! let identity = parse(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/${aws:username}/*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
//!   }]
//! }"#).unwrap();
//! let boundary = parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#).unwrap();
//! let input = EvalInput {
//!     identity: vec![PolicyRef::new("identity.json", &identity)],
//!     boundary: Some(PolicyRef::new("boundary.json", &boundary)),
//!     ..Default::default()
//! };
//! let req = Request::new("s3:GetObject", "arn:aws:s3:::reports/alice/q3.csv")
//!     .with("aws:username", "alice")
//!     .with("aws:SourceIp", "203.0.113.9");
//! let e = evaluate(&input, &req);
//! assert_eq!(e.decision, Decision::Allow);
//! assert_eq!(e.matched.iter().map(|m| m.source).collect::<Vec<_>>(), ["boundary.json", "identity.json"]);
//! ```

mod arn;
mod condition;
mod error;
mod eval;
mod json;
mod model;
mod parse;
mod print;
mod request;
mod wildcard;

pub use arn::{Arn, ArnError};
pub use condition::{
    parse_date, Condition, ConditionEntry, ConditionValue, Family, IgnoredSpan, JsonType, Operator,
    OperatorKind, SetQualifier,
};
pub use error::{ParseError, Span};
pub use eval::{decide, evaluate, Decision, EvalInput, Evaluation, Layer, Matched, PolicyRef, Reason};
pub use model::{
    ActionSpec, Effect, Policy, PrincipalKind, PrincipalSpec, Principals, ResourceSpec, Statement,
    StatementSpans, Values, VERSION_2008, VERSION_2012,
};
pub use parse::{parse, parse_with, ActionLookup, ParseOptions};
pub use request::{ContextValue, Request};
pub use wildcard::{wildcard_match, ActionPattern, ResourcePattern};

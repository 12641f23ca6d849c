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

//! The permission graph: principals, policies, statements, actions, resources, used and assume-role edges, and
//! the queries `pare analyze`, `propose`, `report` and `tui` ask of it.
//!
//! [`PermissionGraph::build`] joins a policy snapshot (`pare.policies/v1`) and a usage summary
//! (`pare.usage/v1`) into a petgraph [`DiGraph`](petgraph::graph::DiGraph) of [`Node`]s and [`Edge`]s:
//! attached-to (policy → principal), member-of (user → group), contains (policy → statement), grants
//! (statement → action pattern, with its resource patterns and whether it has conditions), scopes (statement
//! → resource pattern), used (principal → action, counts and times), touched (principal → observed resource),
//! can-assume (user, role, account or service → role, from trust policies checked with the evaluator) and
//! assumed (principal → role, from `sts:AssumeRole*` calls), so a chain user → role A → role B is visible
//! ([`PermissionGraph::assume_chains`]).
//!
//! Queries (every decision through `pare_policy`'s evaluator, every wildcard through `pare_catalog`):
//! - [`PermissionGraph::granted`]: the actions the declared policies grant (identity + groups, minus denies,
//!   within the boundary and SCPs), each with the statements that grant it;
//! - [`PermissionGraph::used_verdicts`]: each used action with the evaluator's verdict per resource and the
//!   statements that allow or refuse it;
//! - [`PermissionGraph::unobservable`]: why CloudTrail cannot show a granted action;
//! - [`PermissionGraph::escalation_paths`]: ways to admin-equivalent power (Rhino Security Labs' methods and
//!   assume-role chains), edge by edge with the statements that allow each step;
//! - [`PermissionGraph::analyze`]: all of it for every principal, as the `pare.analysis/v1` document
//!   ([`report::Analysis`]).
//!
//! ```
//! use pare_graph::PermissionGraph;
//! use pare_load::snapshot::Snapshot;
//! use pare_trail::usage::UsageSummary;
//!
//! let snapshot = Snapshot::from_json(r#"{"schema": "pare.policies/v1", "principals": [{
//!   "arn": "arn:aws:iam::111122223333:user/alice", "kind": "User", "name": "alice", "path": "/",
//!   "inline": [{"name": "s3", "origin": {"file": "alice.json", "json_path": "$"},
//!               "document": {"Version": "2012-10-17", "Statement": [
//!                 {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]}}]
//! }]}"#).unwrap();
//! let usage = UsageSummary::from_json(r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
//!   "stats": {"records": 1, "skipped": 0, "unmapped": 0, "errors": []}, "unmapped": [],
//!   "principals": [{"arn": "arn:aws:iam::111122223333:user/alice", "type": "IAMUser", "actions": [
//!     {"action": "s3:GetObject", "count": 1, "denied": 0, "first_seen": "2026-11-01T00:00:00Z",
//!      "last_seen": "2026-11-01T00:00:00Z", "event_names": ["s3.amazonaws.com:GetObject"],
//!      "resources": ["arn:aws:s3:::b/k"], "sample_event_ids": ["e1"]}]}]}"#).unwrap();
//! let graph = PermissionGraph::build(&snapshot, &usage);
//! let alice = graph.analyze_principal("arn:aws:iam::111122223333:user/alice").unwrap();
//! assert_eq!(alice.used[0].action, "s3:GetObject");
//! assert_eq!(alice.used[0].allowed_by[0].policy, "s3");
//! // s3:PutObject is granted and unused, but it is an S3 data event: unobservable, not unused.
//! assert_eq!(alice.unobservable[0].action, "s3:PutObject");
//! assert_eq!(alice.unobservable[0].reason, "data-event");
//! ```

mod analyze;
pub mod authz;
pub mod data;
pub mod escalation;
mod graph;
pub mod model;
mod observe;
pub mod query;
pub mod report;
mod sets;

pub use analyze::{is_any_permission, AnalyzeOptions};
pub use authz::{Decision, PolicySet};
pub use graph::{PermissionGraph, PolicyEntry, PrincipalEntry, StmtKey};
pub use model::{Attachment, Edge, Node, PrincipalKind};
pub use observe::Unobservable;
pub use query::{Grant, Granted, UsedVerdict, Verdict};
pub use report::Analysis;

//! Declared policies: loaders for policy files, get-account-authorization-details, Terraform plans and
//! CloudFormation templates into the `pare.policies/v1` snapshot, and the policy lint.
//!
//! The snapshot types live in [`snapshot`]:
//!
//! ```
//! use pare_load::snapshot::{Snapshot, SCHEMA};
//! let s = Snapshot::from_json(r#"{"schema": "pare.policies/v1"}"#).unwrap();
//! assert_eq!(s.schema, SCHEMA);
//! assert!(s.identity_policies("arn:aws:iam::111122223333:role/app").is_empty());
//! ```

pub mod snapshot;

//! CloudTrail decoding (streaming, parallel), normalization, principal resolution, event to IAM actions and
//! resources, and the `pare.usage/v1` usage summary with merge.
//!
//! - [`usage`]: the summary types ([`usage::UsageSummary`]), JSON read/write, deterministic normalization and
//!   [`usage::merge`] (associative and commutative).
//!
//! ```
//! use pare_trail::usage::{merge, UsageSummary};
//! let a = UsageSummary::empty();
//! let b = UsageSummary::from_json(&a.to_json_pretty()).unwrap();
//! assert_eq!(merge(&a, &b), UsageSummary::empty());
//! ```

pub mod usage;

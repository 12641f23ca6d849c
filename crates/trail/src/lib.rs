//! CloudTrail decoding (streaming, parallel), normalization, principal resolution, event to IAM actions and
//! resources, and the `pare.usage/v1` usage summary with merge.
//!
//! - [`usage`]: the summary types ([`usage::UsageSummary`]), JSON read/write, deterministic normalization and
//!   [`usage::merge`] (associative and commutative).
//! - [`replay`]: the engine ([`replay::Replayer`]): local files and directories (the S3 `AWSLogs/` layout
//!   included), `.json.gz`, JSON lines, `aws cloudtrail lookup-events` output and in-memory readers, decoded
//!   in parallel without a DOM per event; each event's actions and resources come from
//!   [`pare_catalog::Catalog::map_event`].
//! - [`principal`] documents how a record's `userIdentity` becomes the principal a summary is keyed by.
//!
//! ```
//! use pare_trail::replay::{ReplayOptions, Replayer};
//! use pare_trail::usage::{merge, UsageSummary};
//!
//! let log = br#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-11-01T10:00:00Z",
//!   "eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1",
//!   "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ana","accountId":"111122223333"},
//!   "requestParameters":{"bucketName":"logs","key":"a.txt"},"eventID":"e1","recipientAccountId":"111122223333"}]}"#;
//! let mut replayer = Replayer::new(ReplayOptions::default()).unwrap();
//! replayer.add_reader("example.json".into(), Box::new(std::io::Cursor::new(log.to_vec())));
//! let (summary, _report) = replayer.finish().unwrap();
//! let ana = summary.principal("arn:aws:iam::111122223333:user/ana").unwrap();
//! assert_eq!(ana.actions[0].action, "s3:GetObject");
//! assert_eq!(merge(&summary, &UsageSummary::empty()), summary);
//! ```

mod aggregate;
mod decode;
pub mod principal;
pub mod replay;
pub mod time;
pub mod usage;

/// The progress-bar library front ends use to draw [`replay::Progress`] (re-exported so that they draw with
/// the same version the replay is built with). The library itself never draws.
pub use indicatif;

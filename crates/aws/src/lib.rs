//! Live AWS access for pare, and the only crate that links the AWS SDK.
//!
//! A synchronous facade over aws-sdk-s3, aws-sdk-cloudtrail and aws-sdk-iam: the crate owns a small tokio
//! runtime and blocks on it, so callers never see async. Configuration follows aws-config's standard
//! chain (environment, shared config and credentials files, profiles, container and instance
//! credentials), with the command line's `--region`, `--profile` and `--endpoint-url` taking precedence.
//!
//! - [`s3_objects`]: CloudTrail log objects under `s3://bucket/prefix`, in key order, downloaded a few ahead.
//! - [`lookup_events`]: CloudTrail LookupEvents, every page, each event's `CloudTrailEvent` JSON.
//! - [`account_authorization_details`]: IAM GetAccountAuthorizationDetails, every page merged, as the JSON
//!   document the AWS CLI prints.
//!
//! [`testing`] holds what the emulator-backed tests use (a moto server guard and a local CloudTrail
//! endpoint).

mod cloudtrail;
mod config;
mod error;
mod iam;
mod s3;
pub mod testing;

pub use cloudtrail::LookupEvents;
pub use config::IAM_DEFAULT_REGION;
pub use error::{AwsError, AwsErrorKind};
pub use s3::{S3Object, S3Objects, S3Url};

/// Where and as whom to call AWS. Each field left `None` falls back to aws-config's standard chain
/// (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, the shared config files, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    /// The region (`--region`).
    pub region: Option<String>,
    /// The named profile from the shared config files (`--profile`).
    pub profile: Option<String>,
    /// A custom endpoint such as a local emulator (`--endpoint-url`); S3 then uses path-style addressing.
    pub endpoint_url: Option<String>,
}

/// Lists and downloads the objects under `s3://bucket/prefix` (recursively, every ListObjectsV2 page),
/// yielding `("s3://bucket/key", body)` in key order with bounded memory (a few objects are fetched
/// ahead in parallel). "Directory" keys (ending in `/`) are skipped. Bodies are returned as stored
/// (`.json.gz` objects stay compressed).
///
/// The first listing page is fetched before returning, so a bad URL, a missing bucket, a denied listing
/// or an unreachable endpoint is this call's error. A failed download is yielded as an error item and
/// the iteration continues; a failed later listing page ends the iteration with an error item.
pub fn s3_objects(url: &str, opts: &AwsOptions) -> Result<S3Objects, AwsError> {
    s3::objects(url, opts)
}

/// CloudTrail LookupEvents across all pages (NextToken, through the SDK paginator and its standard retry
/// configuration), optionally within `[start, end]` (RFC 3339 times); yields each event's
/// `CloudTrailEvent` JSON string. The first page is fetched before returning: a bad time, a missing region,
/// an unreachable endpoint or a denied call is this call's error; a later page that still fails after the
/// retries is the last item yielded.
pub fn lookup_events(
    opts: &AwsOptions,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<LookupEvents, AwsError> {
    cloudtrail::lookup(opts, start, end)
}

/// GetAccountAuthorizationDetails, all pages (Marker/IsTruncated) merged, as the JSON document the AWS CLI
/// prints: `{"UserDetailList":[...],"GroupDetailList":[...],"RoleDetailList":[...],"Policies":[...]}` with
/// policy documents URL-decoded and parsed into JSON objects and dates in ISO 8601. When no region is
/// configured anywhere, IAM is called in [`IAM_DEFAULT_REGION`] (see [`iam_region_notice`]).
pub fn account_authorization_details(opts: &AwsOptions) -> Result<serde_json::Value, AwsError> {
    iam::details(opts)
}

/// When no region is configured anywhere (options, environment, profile), the notice the CLI should print
/// before calling [`account_authorization_details`], which then uses [`IAM_DEFAULT_REGION`]; `None` when a
/// region is configured.
pub fn iam_region_notice(opts: &AwsOptions) -> Result<Option<String>, AwsError> {
    if opts.region.as_deref().is_some_and(|r| !r.is_empty()) {
        return Ok(None);
    }
    let shared = config::block_on(config::load(opts))?;
    Ok(shared.region().is_none().then(|| {
        format!("no AWS region configured (--region, AWS_REGION or the profile): calling IAM in `{IAM_DEFAULT_REGION}`")
    }))
}

//! The one error type of this crate, and how AWS SDK errors become clear, actionable messages.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::fmt;

/// What kind of failure an [`AwsError`] is, for callers that react differently (exit codes, retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AwsErrorKind {
    /// A user value (URL, time, option) is malformed.
    InvalidInput,
    /// No region could be found in the configuration chain where one is required.
    NoRegion,
    /// No credentials could be found or loaded.
    NoCredentials,
    /// The endpoint could not be reached (connection refused, DNS, TLS, timeout).
    Unreachable,
    /// The bucket, key or other named resource does not exist.
    NotFound,
    /// The service refused the request (access denied, bad signature, expired token).
    AccessDenied,
    /// The service kept throttling after the SDK's retries.
    Throttled,
    /// The service returned another error.
    Service,
    /// The response could not be understood.
    Decode,
    /// The internal async runtime could not be started.
    Runtime,
}

/// An error from live AWS access. `Display` is one lowercase line naming what was being done (endpoint,
/// bucket, key, operation) and what failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    kind: AwsErrorKind,
    message: String,
}

impl AwsError {
    /// Builds an error of the given kind with its message.
    pub fn new(kind: AwsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> AwsErrorKind {
        self.kind
    }

    /// The message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AwsError {}

/// Error codes that mean "you are not allowed" across S3, IAM and CloudTrail.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "UnauthorizedOperation",
    "InvalidToken",
];

/// Error codes that mean the named resource is missing.
const NOT_FOUND_CODES: &[&str] = &["NoSuchBucket", "NoSuchKey", "NotFound", "NoSuchEntity"];

/// Converts an SDK error into an [`AwsError`]. `what` says what was being done ("listing `s3://b/p`"),
/// `endpoint` where ("`http://127.0.0.1:5000`" or "aws s3 in `us-east-1`").
pub(crate) fn from_sdk<E, R>(err: SdkError<E, R>, what: &str, endpoint: &str) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    let code = err.code().map(str::to_owned);
    let service_message = err.message().map(str::to_owned);
    let detail = clean_detail(&chain_text(&err));
    let credentials = has_credentials_error(&err);
    match &err {
        SdkError::ServiceError(_) => {
            let code_s = code.clone().unwrap_or_else(|| "unknown error".to_owned());
            let msg = service_message.map(|m| format!(": {m}")).unwrap_or_default();
            let kind = if DENIED_CODES.contains(&code_s.as_str()) {
                AwsErrorKind::AccessDenied
            } else if NOT_FOUND_CODES.contains(&code_s.as_str()) {
                AwsErrorKind::NotFound
            } else if code_s.contains("Throttl") || code_s == "RequestLimitExceeded" || code_s == "SlowDown" {
                AwsErrorKind::Throttled
            } else {
                AwsErrorKind::Service
            };
            let lead = match kind {
                AwsErrorKind::AccessDenied => "access denied",
                AwsErrorKind::NotFound => "not found",
                AwsErrorKind::Throttled => "throttled (after retries)",
                _ => "service error",
            };
            AwsError::new(kind, format!("{what} at {endpoint}: {lead}: `{code_s}`{msg}"))
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            if credentials {
                no_credentials(what, &detail)
            } else {
                AwsError::new(
                    AwsErrorKind::Unreachable,
                    format!("{what}: cannot reach {endpoint}: {detail}"),
                )
            }
        }
        SdkError::ConstructionFailure(_) => {
            if credentials || mentions_credentials(&detail) {
                no_credentials(what, &detail)
            } else {
                AwsError::new(
                    AwsErrorKind::InvalidInput,
                    format!("{what}: cannot build the request: {detail}"),
                )
            }
        }
        SdkError::ResponseError(_) => AwsError::new(
            AwsErrorKind::Decode,
            format!("{what}: unexpected response from {endpoint}: {detail}"),
        ),
        _ => AwsError::new(AwsErrorKind::Service, format!("{what} at {endpoint}: {detail}")),
    }
}

fn mentions_credentials(detail: &str) -> bool {
    detail.to_ascii_lowercase().contains("credential")
}

/// Whether the error's source chain holds a credentials failure (no provider in the chain had credentials,
/// a profile that cannot be loaded, an expired SSO session, ...).
fn has_credentials_error(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The messages of the error and its sources, joined with `: `, skipping the ones already said and the
/// SDK's opaque "other"/"unhandled" wrappers (no Debug dumps).
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let s = e.to_string();
        let skip = s.is_empty() || s == "other" || parts.iter().any(|p| p.contains(&s));
        if !skip {
            parts.push(s);
        }
        cur = e.source();
    }
    if parts.is_empty() {
        return DisplayErrorContext(err).to_string();
    }
    parts.join(": ")
}

fn no_credentials(what: &str, detail: &str) -> AwsError {
    AwsError::new(
        AwsErrorKind::NoCredentials,
        format!(
            "{what}: no usable AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile): {detail}"
        ),
    )
}

/// The SDK's error chains repeat themselves ("dispatch failure: io error: ...: io error: ..."); keep them
/// on one line and lowercase the first letter to follow the project's error style.
fn clean_detail(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = one_line.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_is_one_line_and_lowercase() {
        assert_eq!(
            clean_detail("Dispatch failure:\n  io error"),
            "dispatch failure: io error"
        );
        assert_eq!(clean_detail(""), "");
    }

    #[test]
    fn credentials_detection() {
        assert!(mentions_credentials(
            "failed to load credentials: no providers in chain"
        ));
        assert!(!mentions_credentials("connection refused"));
    }
}

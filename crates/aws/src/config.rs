//! The internal tokio runtime and the shared AWS configuration (aws-config's standard chain).

use crate::{AwsError, AwsErrorKind, AwsOptions};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use std::future::Future;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The region IAM is called in when the configuration names none (IAM is a global service whose
/// endpoint for the `aws` partition lives in us-east-1).
pub const IAM_DEFAULT_REGION: &str = "us-east-1";

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The process-wide runtime that drives every SDK call of this crate. Never dropped, so iterators that
/// outlive a call keep their background tasks running.
pub(crate) fn runtime() -> Result<&'static Runtime, AwsError> {
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pare-aws")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    rt.as_ref().map_err(|e| {
        AwsError::new(
            AwsErrorKind::Runtime,
            format!("cannot start the AWS runtime: {e}"),
        )
    })
}

/// Runs a future to completion on the internal runtime. Must not be called from inside async code.
pub(crate) fn block_on<F: Future>(fut: F) -> Result<F::Output, AwsError> {
    Ok(runtime()?.block_on(fut))
}

/// Loads the shared configuration: explicit options first, then environment, profile files, and the
/// rest of aws-config's default chain. The HTTP client is hyper with rustls on ring.
pub(crate) async fn load(opts: &AwsOptions) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http);
    if let Some(profile) = opts.profile.as_deref().filter(|p| !p.is_empty()) {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = opts.region.as_deref().filter(|r| !r.is_empty()) {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let Some(url) = opts.endpoint_url.as_deref().filter(|u| !u.is_empty()) {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Checks the endpoint URL given by the user before any request is built from it.
pub(crate) fn check_endpoint(opts: &AwsOptions) -> Result<(), AwsError> {
    if let Some(url) = opts.endpoint_url.as_deref() {
        let ok = (url.starts_with("http://") || url.starts_with("https://"))
            && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
        if !ok {
            return Err(AwsError::new(
                AwsErrorKind::InvalidInput,
                format!(
                    "invalid endpoint url `{url}`: expected `http://host[:port]` or `https://host[:port]`"
                ),
            ));
        }
    }
    Ok(())
}

/// How an endpoint is named in messages: the custom URL, or the service and region.
pub(crate) fn endpoint_label(opts: &AwsOptions, service: &str, config: &SdkConfig) -> String {
    match opts.endpoint_url.as_deref() {
        Some(url) => format!("`{url}`"),
        None => match config.region() {
            Some(r) => format!("aws {service} in `{r}`"),
            None => format!("aws {service}"),
        },
    }
}

/// Fails with a clear message when the chain found no region.
pub(crate) fn require_region(config: &SdkConfig, what: &str) -> Result<(), AwsError> {
    if config.region().is_none() {
        return Err(AwsError::new(
            AwsErrorKind::NoRegion,
            format!("{what}: no AWS region configured (pass --region, set AWS_REGION, or set `region` in the profile)"),
        ));
    }
    Ok(())
}

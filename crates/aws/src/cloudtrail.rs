//! CloudTrail LookupEvents: every page (NextToken through the SDK paginator), each event's
//! `CloudTrailEvent` JSON string.

use crate::config::{self, block_on, endpoint_label, require_region};
use crate::error::from_sdk;
use crate::{AwsError, AwsErrorKind, AwsOptions};
use aws_sdk_cloudtrail::Client;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use tokio::sync::mpsc;

/// The events returned by LookupEvents, newest first as the service returns them, fetched page by page
/// in the background. An error (after the SDK's retries) is the last item.
pub struct LookupEvents {
    rx: mpsc::Receiver<Result<String, AwsError>>,
}

impl Iterator for LookupEvents {
    type Item = Result<String, AwsError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rx.blocking_recv()
    }
}

impl std::fmt::Debug for LookupEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupEvents").finish_non_exhaustive()
    }
}

/// Parses an RFC 3339 time given by the user (`--since`/`--until`).
pub(crate) fn parse_time(flag: &str, value: &str) -> Result<DateTime, AwsError> {
    DateTime::from_str(value, Format::DateTime).map_err(|e| {
        AwsError::new(
            AwsErrorKind::InvalidInput,
            format!("invalid {flag} time `{value}`: expected RFC 3339 such as `2026-11-01T00:00:00Z` ({e})"),
        )
    })
}

/// See [`crate::lookup_events`].
pub(crate) fn lookup(
    opts: &AwsOptions,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<LookupEvents, AwsError> {
    let start = start.map(|s| parse_time("start", s)).transpose()?;
    let end = end.map(|s| parse_time("end", s)).transpose()?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(AwsError::new(
                AwsErrorKind::InvalidInput,
                "invalid time window for cloudtrail lookup: the start is after the end",
            ));
        }
    }
    config::check_endpoint(opts)?;
    let rt = config::runtime()?;
    let what = "cloudtrail lookup-events";
    // The first page is fetched before returning, so an unreachable endpoint, missing credentials or a
    // denied call is this call's error rather than an item.
    let (mut items, first, label) = block_on(async {
        let shared = config::load(opts).await;
        require_region(&shared, what)?;
        let label = endpoint_label(opts, "cloudtrail", &shared);
        let client = Client::new(&shared);
        let mut items = client
            .lookup_events()
            .set_start_time(start)
            .set_end_time(end)
            .into_paginator()
            .items()
            .send();
        let first = match items.next().await {
            Some(Err(e)) => return Err(from_sdk(e, what, &label)),
            Some(Ok(event)) => Some(event),
            None => None,
        };
        Ok::<_, AwsError>((items, first, label))
    })??;
    let (tx, rx) = mpsc::channel(256);
    rt.spawn(async move {
        let mut index: u64 = 0;
        let mut next = first.map(Ok);
        while let Some(item) = next {
            let out = match item {
                Ok(event) => match event.cloud_trail_event {
                    Some(json) => Ok(json),
                    None => Err(AwsError::new(
                        AwsErrorKind::Decode,
                        format!(
                            "{what} at {label}: event {} (`{}`) has no CloudTrailEvent",
                            index + 1,
                            event.event_id.as_deref().unwrap_or("no id")
                        ),
                    )),
                },
                Err(e) => {
                    let _ = tx.send(Err(from_sdk(e, what, &label))).await;
                    return;
                }
            };
            index += 1;
            if tx.send(out).await.is_err() {
                return;
            }
            next = items.next().await;
        }
    });
    Ok(LookupEvents { rx })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_or_name_the_value() {
        assert_eq!(
            parse_time("start", "2026-11-01T00:00:00Z").unwrap().secs(),
            1_793_491_200
        );
        let e = parse_time("start", "yesterday").unwrap_err();
        assert!(e.to_string().contains("`yesterday`"), "{e}");
    }
}

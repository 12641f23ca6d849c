//! CloudTrail log objects from S3: ListObjectsV2 under a prefix, GetObject for each, a few ahead.

use crate::config::{self, block_on, endpoint_label, require_region};
use crate::error::from_sdk;
use crate::{AwsError, AwsErrorKind, AwsOptions};
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::Client;
use std::collections::VecDeque;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How many GetObject calls run ahead of the consumer.
const FETCH_AHEAD: usize = 4;

/// A parsed `s3://bucket/prefix` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    /// The bucket name.
    pub bucket: String,
    /// The key prefix (may be empty: the whole bucket).
    pub prefix: String,
}

impl S3Url {
    /// Parses `s3://bucket` or `s3://bucket/prefix`.
    pub fn parse(url: &str) -> Result<Self, AwsError> {
        let invalid = |why: &str| {
            AwsError::new(
                AwsErrorKind::InvalidInput,
                format!("invalid s3 url `{url}`: {why}"),
            )
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| invalid("expected `s3://bucket/prefix`"))?;
        let (bucket, prefix) = match rest.split_once('/') {
            Some((b, p)) => (b, p),
            None => (rest, ""),
        };
        if bucket.is_empty() {
            return Err(invalid("the bucket name is empty"));
        }
        if !bucket
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err(invalid("the bucket name has characters S3 does not allow"));
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

/// One downloaded object: its source name `s3://bucket/key` and its body.
pub type S3Object = (String, Vec<u8>);

/// The objects under an `s3://` prefix, in key order, downloaded a few ahead of the consumer.
///
/// A failed GetObject is yielded as an error and the iteration goes on with the next key; a failed
/// listing page is yielded as the last item.
pub struct S3Objects {
    rx: mpsc::Receiver<Result<S3Object, AwsError>>,
}

impl Iterator for S3Objects {
    type Item = Result<S3Object, AwsError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rx.blocking_recv()
    }
}

impl std::fmt::Debug for S3Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Objects").finish_non_exhaustive()
    }
}

/// Builds an S3 client for the options (path-style addressing when an endpoint URL is given).
pub(crate) async fn client(opts: &AwsOptions) -> (Client, String, aws_config::SdkConfig) {
    let shared = config::load(opts).await;
    let mut b = aws_sdk_s3::config::Builder::from(&shared);
    if opts.endpoint_url.is_some() {
        b = b.force_path_style(true);
    }
    let label = endpoint_label(opts, "s3", &shared);
    (Client::from_conf(b.build()), label, shared)
}

/// See [`crate::s3_objects`].
pub(crate) fn objects(url: &str, opts: &AwsOptions) -> Result<S3Objects, AwsError> {
    let S3Url { bucket, prefix } = S3Url::parse(url)?;
    config::check_endpoint(opts)?;
    let rt = config::runtime()?;
    let listing = format!("listing `s3://{bucket}/{prefix}`");
    // The first page is listed before returning, so a missing bucket, a denied listing or an unreachable
    // endpoint is reported by this call rather than by the first item.
    let (client, label, first) = block_on(async {
        let (client, label, shared) = client(opts).await;
        require_region(&shared, &listing)?;
        let first = list_page(&client, &bucket, &prefix, None)
            .await
            .map_err(|e| from_sdk(e, &listing, &label))?;
        Ok::<_, AwsError>((client, label, first))
    })??;
    let (tx, rx) = mpsc::channel(2);
    rt.spawn(produce(client, label, bucket, prefix, first, tx));
    Ok(S3Objects { rx })
}

async fn list_page(
    client: &Client,
    bucket: &str,
    prefix: &str,
    token: Option<String>,
) -> Result<
    ListObjectsV2Output,
    aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Error>,
> {
    client
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .set_continuation_token(token)
        .send()
        .await
}

type Pending = VecDeque<JoinHandle<Result<S3Object, AwsError>>>;

/// Lists page after page and downloads each object, keeping at most `FETCH_AHEAD` downloads in flight and
/// sending results in key order. Stops when the consumer goes away.
async fn produce(
    client: Client,
    label: String,
    bucket: String,
    prefix: String,
    first: ListObjectsV2Output,
    tx: mpsc::Sender<Result<S3Object, AwsError>>,
) {
    let mut pending: Pending = VecDeque::new();
    let mut page = first;
    loop {
        for obj in page.contents() {
            let Some(key) = obj.key() else { continue };
            // "Directory" placeholder keys created by consoles and sync tools carry no log.
            if key.ends_with('/') {
                continue;
            }
            let (c, b, k, l) = (client.clone(), bucket.clone(), key.to_owned(), label.clone());
            pending.push_back(tokio::spawn(async move { get(&c, &b, &k, &l).await }));
            while pending.len() >= FETCH_AHEAD {
                if !send_front(&mut pending, &tx).await {
                    abort_all(&mut pending);
                    return;
                }
            }
        }
        let token = match (page.is_truncated(), page.next_continuation_token()) {
            (Some(true), Some(t)) => t.to_owned(),
            _ => break,
        };
        match list_page(&client, &bucket, &prefix, Some(token)).await {
            Ok(next) => page = next,
            Err(e) => {
                while !pending.is_empty() {
                    if !send_front(&mut pending, &tx).await {
                        abort_all(&mut pending);
                        return;
                    }
                }
                let what = format!("listing `s3://{bucket}/{prefix}` (next page)");
                let _ = tx.send(Err(from_sdk(e, &what, &label))).await;
                return;
            }
        }
    }
    while !pending.is_empty() {
        if !send_front(&mut pending, &tx).await {
            abort_all(&mut pending);
            return;
        }
    }
}

/// Waits for the oldest download and sends it; false when the consumer is gone.
async fn send_front(pending: &mut Pending, tx: &mpsc::Sender<Result<S3Object, AwsError>>) -> bool {
    let Some(handle) = pending.pop_front() else {
        return true;
    };
    let item = match handle.await {
        Ok(r) => r,
        Err(e) => Err(AwsError::new(
            AwsErrorKind::Runtime,
            format!("a download task failed: {e}"),
        )),
    };
    tx.send(item).await.is_ok()
}

fn abort_all(pending: &mut Pending) {
    for h in pending.drain(..) {
        h.abort();
    }
}

async fn get(client: &Client, bucket: &str, key: &str, label: &str) -> Result<S3Object, AwsError> {
    let name = format!("s3://{bucket}/{key}");
    let what = format!("downloading `{name}`");
    let resp = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| from_sdk(e, &what, label))?;
    let body = resp.body.collect().await.map_err(|e| {
        AwsError::new(
            AwsErrorKind::Unreachable,
            format!("{what}: the body was cut off: {e}"),
        )
    })?;
    Ok((name, body.into_bytes().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_urls() {
        let u = S3Url::parse("s3://trail-logs/AWSLogs/111122223333/").unwrap();
        assert_eq!(u.bucket, "trail-logs");
        assert_eq!(u.prefix, "AWSLogs/111122223333/");
        let u = S3Url::parse("s3://b").unwrap();
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("b", ""));
        for bad in ["s3://", "s3:///x", "http://b/x", "s3://b b/x"] {
            let e = S3Url::parse(bad).unwrap_err();
            assert_eq!(e.kind(), AwsErrorKind::InvalidInput, "{bad}");
            assert!(e.to_string().contains(&format!("`{bad}`")), "{e}");
        }
    }
}

//! Amazon Resource Names: `arn:partition:service:region:account-id:resource`.

use std::fmt;
use std::str::FromStr;

/// A parsed ARN. The resource part keeps any further colons and slashes (`function:my-fn:1`, `bucket/key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
    /// The service namespace, e.g. `s3`.
    pub service: String,
    /// The region, empty for global resources.
    pub region: String,
    /// The account id, empty for S3 buckets and objects.
    pub account: String,
    /// The resource part, e.g. `user/division_abc/Bob` or `bucket/key`.
    pub resource: String,
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an ARN (expected `arn:partition:service:region:account:resource`)")]
pub struct ArnError {
    /// The text that was given.
    pub input: String,
}

impl Arn {
    /// Parses an ARN.
    ///
    /// ```
    /// let a: pare_policy::Arn = "arn:aws:s3:::bucket/a:b".parse().unwrap();
    /// assert_eq!((a.service.as_str(), a.resource.as_str()), ("s3", "bucket/a:b"));
    /// ```
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        let (parts, n) = crate::wildcard::arn_parts(s);
        if n != 6 || parts[0] != "arn" || parts[1].is_empty() || parts[2].is_empty() {
            return Err(ArnError { input: s.to_string() });
        }
        Ok(Arn {
            partition: parts[1].to_string(),
            service: parts[2].to_string(),
            region: parts[3].to_string(),
            account: parts[4].to_string(),
            resource: parts[5].to_string(),
        })
    }

    /// The resource type and id split at the first `/` or `:` (`user/Bob` → (`user`, `Bob`)); `None` when the
    /// resource part has neither.
    pub fn resource_type_and_id(&self) -> Option<(&str, &str)> {
        let i = self.resource.find(['/', ':'])?;
        Some((self.resource.get(..i)?, self.resource.get(i + 1..)?))
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arn::parse(s)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in [
            "arn:aws:iam::123456789012:user/a/b",
            "arn:aws:lambda:us-east-1:1:function:f:1",
            "arn:aws:s3:::b",
        ] {
            assert_eq!(Arn::parse(s).unwrap().to_string(), s);
        }
        assert!(Arn::parse("arn:aws:s3").is_err());
        assert!(Arn::parse("*").is_err());
    }
}

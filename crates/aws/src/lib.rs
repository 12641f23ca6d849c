//! Live AWS access for pare: CloudTrail logs from S3, CloudTrail LookupEvents, IAM GetAccountAuthorizationDetails. The only crate that links the AWS SDK.

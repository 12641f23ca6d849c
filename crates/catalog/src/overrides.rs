//! Documented decisions where the API map alone would give the wrong answer for a CloudTrail event.
//!
//! Each entry names the event, what it maps to instead, why, and the AWS documentation that says so. The
//! ground-truth test (`tests/ground_truth.rs`) and the fixture coverage test hold these to the real logs.

/// One documented override of the event → action mapping.
#[derive(Debug, Clone, Copy)]
pub struct Override {
    /// Stable id, recorded as [`Provenance::Override`](crate::Provenance::Override).
    pub id: &'static str,
    /// `eventSource` (`s3.amazonaws.com`).
    pub event_source: &'static str,
    /// `eventName` after API-version normalisation.
    pub event_name: &'static str,
    /// What the event maps to.
    pub outcome: OverrideOutcome,
    /// Why the override exists.
    pub reason: &'static str,
    /// The AWS documentation that supports it.
    pub doc: &'static str,
}

/// What an override maps an event to.
#[derive(Debug, Clone, Copy)]
pub enum OverrideOutcome {
    /// These actions, in order.
    Actions(&'static [OverrideAction]),
    /// No IAM permission is needed.
    NoPermission(&'static str),
}

/// One action of an override.
#[derive(Debug, Clone, Copy)]
pub struct OverrideAction {
    /// The action (`s3:GetObject`).
    pub action: &'static str,
    /// ARN templates in the API map's syntax; empty means the catalog's resource-type templates filled from the
    /// parameters of the same name.
    pub arns: &'static [&'static str],
    /// Whether ARNs from the event's `resources` array may be used for this action.
    pub use_event_resources: bool,
    /// The action applies only when the request has one of these parameters (empty: always).
    pub when_any_param: &'static [&'static str],
}

const fn act(
    action: &'static str,
    arns: &'static [&'static str],
    use_event_resources: bool,
) -> OverrideAction {
    OverrideAction {
        action,
        arns,
        use_event_resources,
        when_any_param: &[],
    }
}

const fn act_if(
    action: &'static str,
    arns: &'static [&'static str],
    use_event_resources: bool,
    when_any_param: &'static [&'static str],
) -> OverrideAction {
    OverrideAction {
        action,
        arns,
        use_event_resources,
        when_any_param,
    }
}

/// S3 request headers that set an ACL on the object (CloudTrail records them in `requestParameters`).
const S3_ACL_HEADERS: &[&str] = &[
    "x-amz-acl",
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write-acp",
];

/// The S3 request header that tags the object.
const S3_TAGGING_HEADERS: &[&str] = &["x-amz-tagging"];

const S3_OBJECT: &str = "arn:${Partition}:s3:::${Bucket}/${Key}";

/// Every override, sorted by id (a test keeps it sorted and the ids unique).
pub static OVERRIDES: &[Override] = &[
    Override {
        id: "kms-reencrypt",
        event_source: "kms.amazonaws.com",
        event_name: "ReEncrypt",
        outcome: OverrideOutcome::Actions(&[
            act("kms:ReEncryptFrom", &["%%iftemplatematch%${SourceKeyId}%%", "arn:${Partition}:kms:${Region}:${Account}:key/%%regex%${SourceKeyId}%/^([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/g%%"], false),
            act("kms:ReEncryptTo", &["%%iftemplatematch%${DestinationKeyId}%%", "arn:${Partition}:kms:${Region}:${Account}:key/%%regex%${DestinationKeyId}%/^([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/g%%"], false),
        ]),
        reason: "ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key; the event's `resources` lists both keys without saying which is which, so the ARNs come from the parameters",
        doc: "AWS KMS API Reference, ReEncrypt: \"Required permissions: kms:ReEncryptFrom permission on the source KMS key (key policy); kms:ReEncryptTo permission on the destination KMS key (key policy)\" https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html",
    },
    Override {
        id: "s3-copy-object",
        event_source: "s3.amazonaws.com",
        event_name: "CopyObject",
        outcome: OverrideOutcome::Actions(&[
            act("s3:GetObject", &["arn:${Partition}:s3:::%%regex%${CopySource}%/^\\/?([^?]+?)(?:\\?.*)?$/g%%"], false),
            act("s3:PutObject", &[S3_OBJECT], false),
            act_if("s3:PutObjectAcl", &[S3_OBJECT], false, S3_ACL_HEADERS),
            act_if("s3:PutObjectTagging", &[S3_OBJECT], false, S3_TAGGING_HEADERS),
        ]),
        reason: "the API map lists seven actions for CopyObject (tagging and ACL ones included) and puts the source object's action on the destination key; the call needs s3:GetObject on the source and s3:PutObject on the destination, plus s3:PutObjectAcl / s3:PutObjectTagging on the destination only when the request sets an ACL or tags",
        doc: "Amazon S3 API Reference, CopyObject, Permissions: \"You must have read access to the source object and write access to the destination bucket\" — s3:GetObject on the source, s3:PutObject on the destination https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html",
    },
    Override {
        id: "s3-delete-bucket-public-access-block",
        event_source: "s3.amazonaws.com",
        event_name: "DeleteBucketPublicAccessBlock",
        outcome: OverrideOutcome::Actions(&[act("s3:PutBucketPublicAccessBlock", &[], true)]),
        reason: "CloudTrail names the DeletePublicAccessBlock call DeleteBucketPublicAccessBlock, which is neither an SDK method in the map nor an IAM action; the call is authorized by s3:PutBucketPublicAccessBlock",
        doc: "Amazon S3 API Reference, DeletePublicAccessBlock: \"To use this operation, you must have the s3:PutBucketPublicAccessBlock permission\" https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html",
    },
    Override {
        id: "s3-put-object",
        event_source: "s3.amazonaws.com",
        event_name: "PutObject",
        outcome: OverrideOutcome::Actions(&[
            act("s3:PutObject", &[S3_OBJECT], true),
            act_if("s3:PutObjectAcl", &[S3_OBJECT], false, S3_ACL_HEADERS),
            act_if("s3:PutObjectTagging", &[S3_OBJECT], false, S3_TAGGING_HEADERS),
        ]),
        reason: "the API map lists only s3:PutObject; a PutObject that sets an ACL or tags also needs s3:PutObjectAcl or s3:PutObjectTagging, and only then",
        doc: "Amazon S3 API Reference, PutObject, Permissions: \"If the object you want to put has tags, you must have the s3:PutObjectTagging permission\"; \"to use ACL-specific headers ... you need the s3:PutObjectAcl permission\" https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html",
    },
    Override {
        id: "s3-storage-lens-dashboard-data",
        event_source: "s3.amazonaws.com",
        event_name: "GetStorageLensDashboardDataInternal",
        outcome: OverrideOutcome::Actions(&[act("s3:GetStorageLensDashboard", &["%%iftemplatematch%${ConfigurationARN}%%"], true)]),
        reason: "the S3 console loads a Storage Lens dashboard through this internal call, which is in neither the API map nor the catalog; viewing a dashboard is authorized by s3:GetStorageLensDashboard",
        doc: "Amazon S3 User Guide, \"Setting Amazon S3 Storage Lens permissions\": viewing a dashboard in the console needs s3:GetStorageLensDashboard https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage_lens_iam_permissions.html",
    },
    Override {
        id: "s3-upload-part-copy",
        event_source: "s3.amazonaws.com",
        event_name: "UploadPartCopy",
        outcome: OverrideOutcome::Actions(&[
            act("s3:GetObject", &["arn:${Partition}:s3:::%%regex%${CopySource}%/^\\/?([^?]+?)(?:\\?.*)?$/g%%"], false),
            act("s3:PutObject", &["arn:${Partition}:s3:::${Bucket}/${Key}"], false),
        ]),
        reason: "as for CopyObject: the API map puts the source object's s3:GetObject on the destination key; the source is the x-amz-copy-source header",
        doc: "Amazon S3 API Reference, UploadPartCopy, Permissions: \"You must have READ access to the source object and WRITE access to the destination bucket\" — s3:GetObject on the source, s3:PutObject on the destination https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html",
    },
    Override {
        id: "signin-check-mfa",
        event_source: "signin.amazonaws.com",
        event_name: "CheckMfa",
        outcome: OverrideOutcome::NoPermission("console sign-in step"),
        reason: "an MFA check during console sign-in; no IAM action authorizes it",
        doc: "AWS CloudTrail User Guide, \"Logging sign-in events\" (CheckMfa is a sign-in event, not an API call) https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-aws-console-sign-in-events.html",
    },
    Override {
        id: "signin-console-login",
        event_source: "signin.amazonaws.com",
        event_name: "ConsoleLogin",
        outcome: OverrideOutcome::NoPermission("console sign-in"),
        reason: "console sign-in is authenticated, not authorized by an IAM action",
        doc: "AWS CloudTrail User Guide, \"AWS Management Console sign-in events\" https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-aws-console-sign-in-events.html",
    },
    Override {
        id: "signin-get-signin-token",
        event_source: "signin.amazonaws.com",
        event_name: "GetSigninToken",
        outcome: OverrideOutcome::NoPermission("federation sign-in token"),
        reason: "the federation endpoint exchanges temporary credentials for a sign-in token; the credentials' own permissions apply afterwards",
        doc: "IAM User Guide, \"Enable custom identity broker access to the AWS console\" (GetSigninToken on the federation endpoint) https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html",
    },
];

/// The override for a normalised event name, if any.
pub(crate) fn find(event_source: &str, event_name: &str) -> Option<&'static Override> {
    OVERRIDES.iter().find(|o| {
        o.event_source.eq_ignore_ascii_case(event_source) && o.event_name.eq_ignore_ascii_case(event_name)
    })
}

#[cfg(test)]
mod tests {
    use super::OVERRIDES;

    #[test]
    fn sorted_unique_ids() {
        let ids: Vec<&str> = OVERRIDES.iter().map(|o| o.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for o in OVERRIDES {
            assert!(
                o.doc.contains("https://docs.aws.amazon.com/"),
                "{} cites no AWS doc",
                o.id
            );
        }
    }
}

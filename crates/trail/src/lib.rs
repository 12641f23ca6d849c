//! CloudTrail decoding (streaming, parallel), normalization, principal resolution, event to IAM actions and resources, and the pare.usage/v1 usage summary with merge.

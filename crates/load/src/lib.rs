//! Declared policies: loaders for policy files, get-account-authorization-details, Terraform plans and CloudFormation templates into the pare.policies/v1 snapshot, and the policy lint.

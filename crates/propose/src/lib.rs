//! Least-privilege policy proposals: action sets, resource wildcard generalization, size limits, justification, JSON/Terraform/CloudFormation output.

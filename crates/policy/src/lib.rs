//! The core of pare: IAM policy model and parser, ARN model, wildcard matching, condition operators and request evaluation (identity, permission boundary, SCP levels, resource policy). No I/O.

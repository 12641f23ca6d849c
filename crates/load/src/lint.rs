//! Policy lint (see [`lint_document`]).

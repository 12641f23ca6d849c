//! Semantic policy comparison (is head broader than base?) with checked counterexamples, usage drift between
//! runs, findings as text, JSON, Markdown and SARIF.

pub mod allow;
pub mod check;
pub mod compare;
pub mod context;
pub mod glob;
pub mod input;
pub mod render;
pub mod side;
pub mod units;
pub mod usage;

//! Semantic policy comparison (is head broader than base?) with checked counterexamples, usage drift between runs, findings as text, JSON, Markdown and SARIF.

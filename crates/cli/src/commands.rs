//! One module per command: its arguments (clap) and `run`, which wires library crates to the terminal.

pub mod analyze;
pub mod catalog;
pub mod check;
pub mod drift;
pub mod eval;
pub mod lint;
pub mod merge;
pub mod policies;
pub mod propose;
pub mod replay;
pub mod report;
pub mod tui;
pub mod version;

//! `pare drift`: how usage moved between two runs.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare drift`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier usage summary.
    #[arg(long)]
    pub baseline: PathBuf,
    /// The later usage summary.
    #[arg(long)]
    pub current: PathBuf,
    /// Policy snapshot, to predict denials and unneeded statements.
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Output format: text, json, markdown or sarif.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare drift` is not available in this build")
}

//! `pare merge`: merge usage summaries.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare merge`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summaries to merge.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file; stdout when absent.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare merge` is not available in this build")
}

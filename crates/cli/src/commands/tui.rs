//! `pare tui`: explore permissions in the terminal.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare tui`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: Option<PathBuf>,
    /// Policy snapshot (pare.policies/v1).
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// CloudTrail log sources to replay on open.
    #[arg(long)]
    pub logs: Vec<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare tui` is not available in this build")
}

//! `pare analyze`: granted vs used per principal.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare analyze`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: PathBuf,
    /// Policy snapshot (pare.policies/v1).
    #[arg(long)]
    pub policies: PathBuf,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Exit 1 when a principal has unused grants (`unused`) or used-but-not-granted actions (`missing`).
    #[arg(long)]
    pub fail_on: Vec<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare analyze` is not available in this build")
}

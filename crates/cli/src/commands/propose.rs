//! `pare propose`: least-privilege policies from usage.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare propose`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: PathBuf,
    /// Policy snapshot (pare.policies/v1) to compare with.
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Only principals whose ARN matches this glob.
    #[arg(long)]
    pub principal: Option<String>,
    /// How far resource generalization may go: exact, balanced or loose.
    #[arg(long, default_value = "balanced")]
    pub strictness: String,
    /// Output format: json, terraform or cloudformation.
    #[arg(long, default_value = "json")]
    pub format: String,
    /// Write one file per principal and an index.json here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include actions that were denied in the run.
    #[arg(long)]
    pub include_denied: bool,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare propose` is not available in this build")
}

//! `pare eval`: one request through the IAM evaluation logic.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    pub action: String,
    /// The resource ARN.
    #[arg(long)]
    pub resource: String,
    /// Identity policy files.
    #[arg(long)]
    pub policy: Vec<PathBuf>,
    /// Permission boundary file.
    #[arg(long)]
    pub boundary: Option<PathBuf>,
    /// SCP files, one organization level each (every level must allow).
    #[arg(long)]
    pub scp: Vec<PathBuf>,
    /// Resource-based policy file.
    #[arg(long)]
    pub resource_policy: Option<PathBuf>,
    /// The calling principal ARN.
    #[arg(long)]
    pub principal: Option<String>,
    /// Request context entries, KEY=VALUE (repeat a key for a multi-valued key).
    #[arg(long)]
    pub context: Vec<String>,
    /// JSON object of context keys to a string or an array of strings.
    #[arg(long)]
    pub context_file: Option<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare eval` is not available in this build")
}

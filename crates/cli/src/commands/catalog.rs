//! `pare catalog`: what the IAM catalog knows about an action or pattern.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare catalog`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An action (`s3:GetObject`) or a wildcard pattern (`s3:Get*`).
    pub query: String,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare catalog` is not available in this build")
}

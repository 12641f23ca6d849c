//! `pare lint`: lint policy files.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare lint` is not available in this build")
}

//! `pare check`: fail when a policy change grants anything new.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The base: a policy file, snapshot or directory, or `REV:PATH` read through git.
    #[arg(long)]
    pub base: String,
    /// The head: same forms as `--base`.
    #[arg(long)]
    pub head: String,
    /// Allow-list of accepted broadenings (TOML).
    #[arg(long)]
    pub allow: Option<PathBuf>,
    /// Output format: text, json, markdown or sarif.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare check` is not available in this build")
}

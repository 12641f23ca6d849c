//! `pare policies`: declared policies to a snapshot.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare policies`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files, auth-details JSON, Terraform plan JSON, CloudFormation templates, directories, or `iam:live`.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Where to write the snapshot; stdout when absent.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Fail on the first invalid policy instead of skipping and counting it.
    #[arg(long)]
    pub strict: bool,
    /// AWS region for `iam:live`.
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile for `iam:live`.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL for `iam:live`.
    #[arg(long)]
    pub endpoint_url: Option<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare policies` is not available in this build")
}

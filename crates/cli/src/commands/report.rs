//! `pare report`: compliance report for auditors.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: Option<PathBuf>,
    /// Policy snapshot (pare.policies/v1).
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Frameworks: cis, nist-800-53, soc2, pci-dss (all when absent).
    #[arg(long)]
    pub framework: Vec<String>,
    /// Output format: html, csv, json, parquet or md.
    #[arg(long)]
    pub format: String,
    /// Output path.
    #[arg(long)]
    pub out: PathBuf,
    /// The generation time to print (reports are otherwise free of wall-clock times).
    #[arg(long)]
    pub generated_at: Option<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare report` is not available in this build")
}

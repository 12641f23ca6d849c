//! `pare replay`: CloudTrail logs to a usage summary.

use crate::exit::Outcome;
use crate::Globals;
use std::path::PathBuf;

/// Arguments of `pare replay`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Log files, directories, `s3://bucket/prefix` or `cloudtrail:lookup`.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Where to write the summary (`.json`, or `.parquet` for the event-level table); stdout when absent.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Keep only principals whose ARN matches this glob.
    #[arg(long)]
    pub principal: Option<String>,
    /// Keep only events at or after this time (RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Keep only events before this time (RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
    /// Stop at the first bad record (exit 2) instead of skipping and counting it.
    #[arg(long)]
    pub strict: bool,
    /// AWS region for `s3://` and `cloudtrail:lookup`.
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile for `s3://` and `cloudtrail:lookup`.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL for `s3://` and `cloudtrail:lookup` (e.g. a local emulator).
    #[arg(long)]
    pub endpoint_url: Option<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = (&args, globals);
    anyhow::bail!("`pare replay` is not available in this build")
}

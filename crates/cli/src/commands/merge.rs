//! `pare merge`: merge usage summaries.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_trail::usage::{merge_into, UsageSummary};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `pare merge`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summaries to merge.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file; stdout when absent.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// Runs the command: the result does not depend on the order of the inputs.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let mut merged = UsageSummary::empty();
    for input in &args.inputs {
        let summary = UsageSummary::read(input)?;
        merge_into(&mut merged, summary);
    }
    match &args.out {
        Some(path) => merged
            .write(path)
            .with_context(|| format!("cannot write the merged summary to `{}`", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(merged.to_json_pretty().as_bytes())?;
            out.flush()?;
        }
    }
    if !globals.quiet {
        eprintln!(
            "merged {} summaries: {} records, {} skipped, {} principals",
            args.inputs.len(),
            merged.stats.records,
            merged.stats.skipped,
            merged.principals.len()
        );
    }
    Ok(Outcome::Clean)
}

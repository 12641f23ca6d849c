//! `pare drift`: how usage moved between two runs.
//!
//! Exit codes: 0 no newly used action or resource would be refused; 1 with `--policies`, some newly used
//! action (or a resource an action newly touches) would be refused by the declared policies — a predicted
//! AccessDenied; 2 bad usage or input.

use crate::exit::Outcome;
use crate::Globals;
use pare_drift::input::{load, Source};
use pare_drift::usage;
use pare_trail::usage::UsageSummary;
use std::io::Write as _;
use std::path::PathBuf;

/// Arguments of `pare drift`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier usage summary.
    #[arg(long)]
    pub baseline: PathBuf,
    /// The later usage summary.
    #[arg(long)]
    pub current: PathBuf,
    /// Declared policies (snapshot, policy files, Terraform plan, CloudFormation, directory), to predict
    /// denials and unneeded statements.
    #[arg(long)]
    pub policies: Option<String>,
    /// Output format: text, json, markdown or sarif.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = globals;
    let render: fn(&usage::DriftReport) -> String = match args.format.as_str() {
        "text" => usage::text,
        "json" => usage::json,
        "markdown" | "md" => usage::markdown,
        "sarif" => usage::sarif,
        other => anyhow::bail!("unknown format `{other}`, expected text, json, markdown or sarif"),
    };
    let baseline = UsageSummary::read(&args.baseline)?;
    let current = UsageSummary::read(&args.current)?;
    let policies = match &args.policies {
        Some(p) => Some(load(&Source::Path(PathBuf::from(p))).map_err(|e| anyhow::anyhow!("policies: {e}"))?),
        None => None,
    };
    let report = usage::drift(
        &baseline,
        &current,
        policies.as_ref(),
        (
            &args.baseline.display().to_string(),
            &args.current.display().to_string(),
            args.policies.as_deref(),
        ),
    );
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(render(&report).as_bytes())?;
    stdout.flush()?;
    Ok(if report.fails() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

//! `pare tui`: explore permissions in the terminal (see the `pare-tui` crate).

use crate::exit::Outcome;
use crate::Globals;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `pare tui`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: Option<PathBuf>,
    /// Policy snapshot (pare.policies/v1), or any source `pare policies` reads (Terraform plan JSON,
    /// CloudFormation template, authorization details, policy files, directories); repeatable.
    #[arg(long)]
    pub policies: Vec<String>,
    /// CloudTrail log files or directories to replay on open (sample events are then read from them).
    #[arg(long)]
    pub logs: Vec<String>,
    /// A value for a placeholder of the policy sources, as `pare policies --param` (`account_id=111122223333`).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
}

fn exists(path: &Path, what: &str) -> anyhow::Result<()> {
    if path.exists() {
        Ok(())
    } else {
        anyhow::bail!("{what} `{}` does not exist", path.display())
    }
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = globals;
    if args.usage.is_none() && args.policies.is_empty() && args.logs.is_empty() {
        anyhow::bail!("nothing to open: give `--usage`, `--policies` or `--logs`");
    }
    let mut params = BTreeMap::new();
    for p in &args.params {
        let Some((k, v)) = p.split_once('=') else {
            anyhow::bail!("invalid `--param {p}`: expected KEY=VALUE");
        };
        params.insert(k.trim().to_string(), v.to_string());
    }
    if let Some(u) = &args.usage {
        exists(u, "usage summary")?;
    }
    for p in &args.policies {
        exists(Path::new(p), "policy source")?;
    }
    for l in &args.logs {
        if l.contains("://") || l.starts_with("cloudtrail:") {
            anyhow::bail!(
                "`pare tui --logs` reads local files and directories; replay `{l}` with `pare replay` and open the summary with `--usage`"
            );
        }
        exists(Path::new(l), "log source")?;
    }
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("`pare tui` needs a terminal on stdout");
    }
    let options = pare_tui::Options {
        usage: args.usage,
        policies: args.policies,
        logs: args.logs,
        params,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    pare_tui::run(options)?;
    Ok(Outcome::Clean)
}

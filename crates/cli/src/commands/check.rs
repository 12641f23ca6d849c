//! `pare check`: fail when a policy change grants anything new.
//!
//! Exit codes: 0 head grants nothing base did not (accepted broadenings aside); 1 a broadening, or an
//! allow-list entry past its expiry date; 2 bad usage or input (unreadable file, invalid policy, malformed
//! allow-list).

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context as _;
use pare_drift::allow::AllowList;
use pare_drift::input::{load, Source};
use pare_drift::render::{render, Format};
use std::io::Write as _;
use std::path::PathBuf;

/// Arguments of `pare check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The base: a policy file, snapshot, Terraform plan, CloudFormation template or directory, or `REV:PATH`
    /// read through git (`origin/main:infra/iam/`).
    #[arg(long)]
    pub base: String,
    /// The head: same forms as `--base`.
    #[arg(long)]
    pub head: String,
    /// Allow-list of accepted broadenings (TOML, `[[accept]]` entries with `reason` and `expires`).
    #[arg(long)]
    pub allow: Option<PathBuf>,
    /// Output format: text, json, markdown or sarif.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Judge allow-list expiry as of this date (YYYY-MM-DD) instead of today (UTC), for reproducible runs.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = globals;
    let format = Format::parse(&args.format).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown format `{}`, expected text, json, markdown or sarif",
            args.format
        )
    })?;
    let allow = match &args.allow {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))?;
            Some(AllowList::parse(&text, &p.display().to_string()).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    let today = match args.today {
        Some(t) => {
            AllowList::parse(
                &format!("[[accept]]\nreason = \"x\"\nexpires = \"{t}\"\n"),
                "--today",
            )
            .map_err(|_| anyhow::anyhow!("`--today` must be a date like `2026-12-31`, not `{t}`"))?;
            t
        }
        None => pare_drift::allow::today(),
    };
    let base = load(&Source::parse(&args.base)).map_err(|e| anyhow::anyhow!("base: {e}"))?;
    let head = load(&Source::parse(&args.head)).map_err(|e| anyhow::anyhow!("head: {e}"))?;
    let report = pare_drift::check::check(&base, &head, allow.as_ref(), &today, &args.base, &args.head);
    let out = render(&report, format);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(if report.fails() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

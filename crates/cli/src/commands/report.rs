//! `pare report`: least-privilege evidence for auditors, mapped to CIS, NIST SP 800-53 AC-6, SOC 2 and
//! PCI DSS controls, as HTML, CSV, JSON (`pare.report/v1`), Parquet or Markdown.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_load::snapshot::Snapshot;
use pare_report::controls::Framework;
use pare_report::model::InputFile;
use pare_report::render::{self, Format};
use pare_report::{build, Inputs};
use pare_trail::usage::UsageSummary;
use std::path::{Path, PathBuf};

/// Arguments of `pare report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: Option<PathBuf>,
    /// Policy snapshot (pare.policies/v1).
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Frameworks: cis, nist-800-53, soc2, pci-dss (repeatable; all four when absent).
    #[arg(long)]
    pub framework: Vec<String>,
    /// Output format: html, csv, json, parquet or md.
    #[arg(long)]
    pub format: String,
    /// Output path: a file for html, json and md; a directory for csv and parquet (access and findings tables).
    #[arg(long)]
    pub out: PathBuf,
    /// The generation time to print (reports are otherwise free of wall-clock times).
    #[arg(long)]
    pub generated_at: Option<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let format = Format::parse(&args.format).with_context(|| {
        format!(
            "unknown format `{}` (expected html, csv, json, parquet or md)",
            args.format
        )
    })?;
    if args.usage.is_none() && args.policies.is_none() {
        anyhow::bail!("give `--usage`, `--policies`, or both");
    }
    let mut frameworks = Vec::new();
    for f in args
        .framework
        .iter()
        .flat_map(|f| f.split(','))
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        frameworks.push(Framework::parse(f).with_context(|| {
            format!("unknown framework `{f}` (expected cis, nist-800-53, soc2 or pci-dss)")
        })?);
    }
    let mut files = Vec::new();
    let usage = match &args.usage {
        Some(p) => {
            files.push(input("usage", p)?);
            Some(UsageSummary::read(p).context("cannot read the usage summary")?)
        }
        None => None,
    };
    let snapshot = match &args.policies {
        Some(p) => {
            files.push(input("policies", p)?);
            Some(Snapshot::read(p).context("cannot read the policy snapshot")?)
        }
        None => None,
    };
    let command_line: Vec<String> = std::iter::once("pare".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    let report = build(&Inputs {
        usage: usage.as_ref(),
        snapshot: snapshot.as_ref(),
        files,
        command_line,
        generated_at: args.generated_at.clone(),
        frameworks,
    });
    let out = &args.out;
    match format {
        Format::Html => write(out, &render::html::render(&report))?,
        Format::Json => write(out, &report.to_json_pretty())?,
        Format::Markdown => write(out, &render::markdown::render(&report))?,
        Format::Csv => {
            dir(out)?;
            write(&out.join("access.csv"), &render::csv::access(&report))?;
            write(&out.join("findings.csv"), &render::csv::findings(&report))?;
        }
        Format::Parquet => {
            dir(out)?;
            pare_report::parquet::write_access(&report, &out.join("access.parquet"))?;
            pare_report::parquet::write_findings(&report, &out.join("findings.parquet"))?;
        }
    }
    if !globals.quiet {
        let s = &report.summary;
        eprintln!(
            "report: {} principals, {} findings ({} high), controls {} fail / {} review / {} pass → {}",
            s.principals,
            report.findings.len(),
            s.findings_high,
            s.controls_fail,
            s.controls_review,
            s.controls_pass,
            out.display()
        );
    }
    Ok(Outcome::Clean)
}

fn input(kind: &str, path: &Path) -> anyhow::Result<InputFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(InputFile {
        kind: kind.to_string(),
        path: path.display().to_string(),
        sha256: pare_report::sha256_hex(&bytes),
    })
}

fn dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create directory `{}`", path.display()))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        dir(parent)?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

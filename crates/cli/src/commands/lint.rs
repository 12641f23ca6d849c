//! `pare lint`: lint policy files.
//!
//! Exit codes: 0 when no finding reaches the `--fail-on` severity (default `error`), 1 when one does, 2 when
//! an input cannot be read at all.

use crate::exit::Outcome;
use crate::Globals;
use pare_load::lint::{lint_sources, Finding, Severity};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `pare lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories (auth-details JSON, Terraform plans, CloudFormation templates and snapshots
    /// are linted document by document).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// The lowest severity that makes the command exit 1.
    #[arg(long, default_value = "error", value_parser = ["error", "warning", "info"])]
    pub fail_on: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let sources: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let findings = lint_sources(&sources)?;
    let threshold = match args.fail_on.as_str() {
        "info" => Severity::Info,
        "warning" => Severity::Warning,
        _ => Severity::Error,
    };
    let mut out = std::io::stdout().lock();
    if args.format == "json" {
        out.write_all(render_json(&findings).as_bytes())?;
    } else {
        out.write_all(render_text(&findings).as_bytes())?;
    }
    out.flush()?;
    if !globals.quiet && args.format == "text" {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        eprintln!(
            "{} finding(s): {} error(s), {} warning(s), {} info",
            findings.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
    }
    if findings.iter().any(|f| f.severity >= threshold) {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Clean)
    }
}

/// `file:line:col: severity[code]: message (at json path)` then `  fix: ...`, one finding per block.
pub fn render_text(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let mut loc = f.file.clone();
        if let Some(l) = f.line {
            loc.push_str(&format!(":{l}"));
            if let Some(c) = f.column {
                loc.push_str(&format!(":{c}"));
            }
        }
        s.push_str(&format!(
            "{loc}: {}[{}]: {} (at {})\n  fix: {}\n",
            f.severity.as_str(),
            f.code.as_str(),
            f.message,
            f.json_path,
            f.fix
        ));
    }
    s
}

/// `{"findings": [...]}` with a trailing newline.
pub fn render_json(findings: &[Finding]) -> String {
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "findings": findings })).unwrap_or_default();
    s.push('\n');
    s
}

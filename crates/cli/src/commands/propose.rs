//! `pare propose`: least-privilege policies from usage.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_load::snapshot::Snapshot;
use pare_propose::{render, Format, Options, Proposals, Strictness};
use pare_trail::usage::UsageSummary;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `pare propose`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: PathBuf,
    /// Policy snapshot (pare.policies/v1) to compare with: the proposal never grants more than it.
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Only principals whose ARN matches this glob.
    #[arg(long)]
    pub principal: Option<String>,
    /// How far resource generalization may go: exact, balanced or loose.
    #[arg(long, default_value = "balanced", value_parser = ["exact", "balanced", "loose"])]
    pub strictness: String,
    /// Output format: json, terraform or cloudformation.
    #[arg(long, default_value = "json", value_parser = ["json", "terraform", "cloudformation"])]
    pub format: String,
    /// Write one file per principal and an index.json here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include actions that were denied in the run (and, with --policies, actions they did not grant).
    #[arg(long)]
    pub include_denied: bool,
    /// Size each policy against the principal's inline-policy limit (role 10,240, user 2,048 characters)
    /// instead of a managed policy's 6,144.
    #[arg(long)]
    pub inline: bool,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let usage = UsageSummary::read(&args.usage).map_err(|e| anyhow::anyhow!("{e}"))?;
    let snapshot = match &args.policies {
        Some(path) => Some(Snapshot::read(path).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let strictness = Strictness::parse(&args.strictness).with_context(|| {
        format!(
            "unknown strictness `{}` (exact, balanced or loose)",
            args.strictness
        )
    })?;
    let format = Format::parse(&args.format).with_context(|| {
        format!(
            "unknown format `{}` (json, terraform or cloudformation)",
            args.format
        )
    })?;
    let options = Options {
        strictness,
        principal: args.principal.clone(),
        include_denied: args.include_denied,
        inline: args.inline,
    };
    let proposals = pare_propose::propose(&usage, snapshot.as_ref(), &options);
    if !globals.quiet {
        summarize(&proposals, args.principal.as_deref());
    }
    match &args.out {
        Some(dir) => write_dir(dir, &proposals, format, globals)?,
        None => {
            let text = match format {
                Format::Json => render::to_json(&proposals),
                Format::Terraform => render::terraform_all(&proposals),
                Format::CloudFormation => render::cloudformation(&proposals),
            };
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

/// One line per principal on stderr: statements, size, and the comparison with declared policies.
fn summarize(proposals: &Proposals, glob: Option<&str>) {
    if proposals.proposals.is_empty() {
        match glob {
            Some(g) => eprintln!("warning: no principal matches `{g}`"),
            None => eprintln!("warning: the usage summary has no user or role to propose a policy for"),
        }
    }
    for p in &proposals.proposals {
        let mut line = format!(
            "{}: {} statements, {} actions, {}/{} characters",
            p.principal,
            p.policy.statement.len(),
            p.justification.iter().map(|j| j.actions.len()).sum::<usize>(),
            p.size.characters,
            p.size.limit
        );
        if let Some(c) = &p.compared_to_declared {
            line.push_str(&format!(
                "; declared {} actions → {} ({} removed, {} narrowed)",
                c.declared_actions, c.proposed_actions, c.actions_removed, c.resources_narrowed
            ));
        }
        if !p.excluded.is_empty() {
            line.push_str(&format!("; {} left out", p.excluded.len()));
        }
        eprintln!("{line}");
        for w in &p.warnings {
            eprintln!("warning: {w}");
        }
    }
    for s in &proposals.skipped {
        eprintln!("skipped {}: {}", s.principal, s.reason);
    }
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

/// `DIR/<principal>.<ext>` per principal, `DIR/index.json` (principal ARN → file name) and
/// `DIR/proposals.json` (the whole `pare.proposals/v1` document, justifications included).
fn write_dir(dir: &Path, proposals: &Proposals, format: Format, globals: Globals) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut index: BTreeMap<String, String> = BTreeMap::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for p in &proposals.proposals {
        let stem = render::file_stem(&p.principal);
        let n = used.entry(stem.clone()).or_insert(0);
        *n += 1;
        let stem = if *n == 1 { stem } else { format!("{stem}-{n}") };
        let file = format!("{stem}.{}", format.extension());
        let text = match format {
            Format::Json => render::policy_json(p),
            Format::Terraform => render::terraform(p, &proposals.strictness),
            Format::CloudFormation => render::cloudformation(&Proposals {
                proposals: vec![p.clone()],
                skipped: Vec::new(),
                ..proposals.clone()
            }),
        };
        write_file(&dir.join(&file), &text)?;
        index.insert(p.principal.clone(), file);
    }
    let mut index_text = serde_json::to_string_pretty(&index)?;
    index_text.push('\n');
    write_file(&dir.join("index.json"), &index_text)?;
    write_file(&dir.join("proposals.json"), &render::to_json(proposals))?;
    if !globals.quiet {
        eprintln!(
            "wrote {} proposals to {}",
            proposals.proposals.len(),
            dir.display()
        );
    }
    Ok(())
}

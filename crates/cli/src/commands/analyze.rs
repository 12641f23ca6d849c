//! `pare analyze`: granted vs used per principal, unobservable grants, missing permissions and escalation
//! paths. Text (one screen per principal) or JSON (`pare.analysis/v1`, documented in `pare_graph::report`).
//!
//! Both list at most [`LIST_LIMIT`] unused (riskiest first) and unobservable actions of each reason per
//! principal, with
//! every count, the access levels and a per-service table complete: an `Action: "*"` principal grants
//! ~22,000 actions, and listing each for every admin made the JSON of a 5,000-principal account 1.8 GB.
//! `--full` lists everything in the JSON.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_graph::report::{Analysis, EscalationPath, PrincipalAnalysis, StatementRef};
use pare_graph::{AnalyzeOptions, PermissionGraph};
use pare_load::snapshot::Snapshot;
use pare_trail::indicatif::{ProgressBar, ProgressStyle};
use pare_trail::usage::UsageSummary;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// How many unused grants the text output lists per principal.
const TEXT_UNUSED: usize = 10;
/// How many unused actions, and unobservable actions of each reason, the analysis lists per principal without
/// `--full`.
pub const LIST_LIMIT: usize = 50;
/// How many services the text output's "unused by service" line names.
const TEXT_SERVICES: usize = 8;
/// How many used, missing or unobservable entries the text output lists per principal.
const TEXT_LIST: usize = 15;

/// Arguments of `pare analyze`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Usage summary (pare.usage/v1).
    #[arg(long)]
    pub usage: PathBuf,
    /// Policy snapshot (pare.policies/v1).
    #[arg(long)]
    pub policies: PathBuf,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Exit 1 when a principal has unused grants (`unused`) or used-but-not-granted actions (`missing`).
    #[arg(long)]
    pub fail_on: Vec<String>,
    /// List every unused and unobservable action in the JSON (by default the 50 riskiest unused and the first
    /// 50 unobservable of each reason per principal, with complete counts per access level, service and
    /// reason).
    #[arg(long)]
    pub full: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let format = match args.format.as_str() {
        "text" => Format::Text,
        "json" => Format::Json,
        other => anyhow::bail!("unknown format `{other}` (expected `text` or `json`)"),
    };
    let mut fail_unused = false;
    let mut fail_missing = false;
    for f in &args.fail_on {
        for part in f.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match part {
                "unused" => fail_unused = true,
                "missing" => fail_missing = true,
                other => {
                    anyhow::bail!("unknown `--fail-on` value `{other}` (expected `unused` or `missing`)")
                }
            }
        }
    }
    let usage = UsageSummary::read(&args.usage).context("cannot read the usage summary")?;
    let snapshot = Snapshot::read(&args.policies).context("cannot read the policy snapshot")?;
    let graph = PermissionGraph::build(&snapshot, &usage);
    let bar = globals.progress.then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("analyzing {pos}/{len} principals {wide_bar} {eta}") {
            bar.set_style(style);
        }
        bar
    });
    let options = AnalyzeOptions {
        limit: (!args.full || format == Format::Text).then_some(LIST_LIMIT),
    };
    let analysis = graph.analyze_with(options, &|done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let out = match format {
        Format::Json => analysis.to_json_pretty(),
        Format::Text => render_text(&analysis),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    if !globals.quiet {
        for e in &analysis.errors {
            eprintln!(
                "warning: policy `{}` of `{}` ignored: {} ({} at {})",
                e.policy, e.principal, e.message, e.file, e.json_path
            );
        }
    }
    let findings = (fail_unused && analysis.has_unused()) || (fail_missing && analysis.has_missing());
    Ok(if findings {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The text report: a header, then one block per principal.
pub fn render_text(a: &Analysis) -> String {
    let mut s = String::new();
    let sum = &a.summary;
    let _ = writeln!(
        s,
        "pare analyze: {} principals ({} declared, {} observed, {} not declared)",
        sum.principals, sum.declared, sum.observed, sum.not_declared
    );
    match &a.window {
        Some(w) => {
            let _ = writeln!(s, "usage window: {} .. {}", w.start, w.end);
        }
        None => {
            let _ = writeln!(s, "usage window: none (no usage)");
        }
    }
    let _ = writeln!(
        s,
        "findings: {} with unused grants, {} with missing permissions, {} with escalation paths, {} admin-equivalent",
        sum.with_unused, sum.with_missing, sum.with_escalation, sum.admin_equivalent
    );
    let _ = writeln!(
        s,
        "catalog: {} {} (sha256 {})",
        a.catalog.name,
        a.catalog.version,
        a.catalog.sha256.get(..12).unwrap_or(&a.catalog.sha256)
    );
    for e in &a.errors {
        let _ = writeln!(
            s,
            "ignored policy `{}` of {}: {} ({} at {})",
            e.policy, e.principal, e.message, e.file, e.json_path
        );
    }
    for p in &a.principals {
        s.push('\n');
        render_principal(&mut s, p);
    }
    s
}

fn stmt(r: &StatementRef) -> String {
    let mut out = String::new();
    if let Some(g) = &r.via_group {
        out.push_str(short(g));
        out.push('/');
    }
    out.push_str(&r.policy);
    match &r.sid {
        Some(sid) => {
            let _ = write!(out, "#{sid}");
        }
        None => {
            let _ = write!(out, "#{}", r.index);
        }
    }
    if r.attachment == "boundary" {
        out.push_str(" (boundary)");
    } else if r.attachment == "trust" {
        out.push_str(" (trust)");
    }
    out
}

fn stmts(refs: &[StatementRef]) -> String {
    refs.iter().map(stmt).collect::<Vec<_>>().join(", ")
}

/// The resource part of an IAM ARN (`user/alice`), or the whole string.
fn short(arn: &str) -> &str {
    if arn.starts_with("arn:") {
        arn.splitn(6, ':').nth(5).unwrap_or(arn)
    } else {
        arn
    }
}

fn pct(n: usize, d: usize) -> String {
    match (n * 100 + d / 2).checked_div(d) {
        Some(p) => format!("{p}%"),
        None => "-".to_string(),
    }
}

fn render_principal(s: &mut String, p: &PrincipalAnalysis) {
    let mut tags = vec![p.kind.to_string()];
    if !p.declared {
        tags.push("not declared".into());
    }
    if !p.observed {
        tags.push("no usage".into());
    }
    if p.admin_equivalent {
        tags.push("ADMIN-EQUIVALENT".into());
    }
    let _ = writeln!(s, "== {}  [{}]", p.arn, tags.join(", "));
    if !p.declared {
        let _ = writeln!(
            s,
            "   not declared in the snapshot: its {} used action(s) cannot be checked against policies",
            p.used.len()
        );
        for u in p.used.iter().take(TEXT_LIST) {
            let _ = writeln!(s, "     {:<44} {:>6}x  last {}", u.action, u.count, u.last_seen);
        }
        more(s, p.used.len(), TEXT_LIST);
        return;
    }
    let c = &p.counts;
    let _ = writeln!(
        s,
        "   granted {} | used {} | unused {} | unobservable {} | missing {}",
        c.granted, c.used, c.unused, c.unobservable, c.missing
    );
    if !p.access_levels.is_empty() {
        let levels: Vec<String> = p
            .access_levels
            .iter()
            .map(|l| {
                format!(
                    "{} {}/{} ({})",
                    l.level,
                    l.used,
                    l.granted,
                    pct(l.used, l.granted)
                )
            })
            .collect();
        let _ = writeln!(s, "   used by access level: {}", levels.join(" | "));
    }
    if !p.escalation.is_empty() {
        let _ = writeln!(s, "   escalation paths ({}):", p.escalation.len());
        for path in &p.escalation {
            render_path(s, path);
        }
    }
    if !p.missing.is_empty() {
        let _ = writeln!(s, "   missing ({}): used but not granted", p.missing.len());
        for m in p.missing.iter().take(TEXT_LIST) {
            let denied = if m.denied > 0 {
                format!(", {} denied", m.denied)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "     {:<44} {:>6}x{}  {}: {}",
                m.action, m.count, denied, m.decision, m.why
            );
            if !m.denied_by.is_empty() {
                let _ = writeln!(s, "       denied by {}", stmts(&m.denied_by));
            }
        }
        more(s, p.missing.len(), TEXT_LIST);
    }
    if !p.used.is_empty() {
        let _ = writeln!(s, "   used ({}):", p.used.len());
        for u in p.used.iter().take(TEXT_LIST) {
            let cond = if u.decision == "allowed-if-conditions" {
                " (if conditions hold)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "     {:<44} {:>6}x  <- {}{}",
                u.action,
                u.count,
                stmts(&u.allowed_by),
                cond
            );
        }
        more(s, p.used.len(), TEXT_LIST);
    }
    if !p.unused.is_empty() {
        let _ = writeln!(
            s,
            "   riskiest unused grants ({} of {}):",
            p.unused.len().min(TEXT_UNUSED),
            p.counts.unused
        );
        for u in p.unused.iter().take(TEXT_UNUSED) {
            let _ = writeln!(
                s,
                "     {:<44} {:<22} <- {}",
                u.action,
                u.access_level,
                stmts(&u.granted_by)
            );
        }
    }
    let mut by_service: Vec<_> = p.services.iter().filter(|x| x.unused > 0).collect();
    if by_service.len() > 1 {
        by_service.sort_by(|a, b| b.unused.cmp(&a.unused).then_with(|| a.service.cmp(&b.service)));
        let shown: Vec<String> = by_service
            .iter()
            .take(TEXT_SERVICES)
            .map(|x| format!("{} {}", x.service, x.unused))
            .collect();
        let rest = by_service.len().saturating_sub(TEXT_SERVICES);
        let tail = if rest > 0 {
            format!(" and {rest} more services")
        } else {
            String::new()
        };
        let _ = writeln!(s, "   unused by service: {}{tail}", shown.join(", "));
    }
    let wide: Vec<_> = p.statements.iter().filter(|st| st.granted > 0).collect();
    if !wide.is_empty() {
        let _ = writeln!(s, "   statements (used / granted):");
        for st in wide.iter().take(TEXT_LIST) {
            let mut pats = st.actions.join(", ");
            if pats.len() > 60 {
                let cut = pats
                    .char_indices()
                    .take_while(|(i, _)| *i < 57)
                    .last()
                    .map(|(i, c)| i + c.len_utf8());
                pats.truncate(cut.unwrap_or(0));
                pats.push_str("...");
            }
            let _ = writeln!(
                s,
                "     {:<40} {:>5} / {:<5} {}",
                stmt(&st.statement),
                st.used,
                st.granted,
                pats
            );
        }
        more(s, wide.len(), TEXT_LIST);
    }
    if p.counts.unobservable > 0 {
        let _ = writeln!(
            s,
            "   unobservable ({}): granted, unused, and CloudTrail would not show them",
            p.counts.unobservable
        );
        for r in &p.unobservable_reasons {
            let shown: Vec<&str> = p
                .unobservable
                .iter()
                .filter(|u| u.reason == r.reason)
                .take(6)
                .map(|u| u.action.as_str())
                .collect();
            let rest = r.count.saturating_sub(shown.len());
            let tail = if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            };
            let _ = writeln!(s, "     {:<13} {}{tail}", r.reason, shown.join(", "));
        }
    }
    if !p.assumes.is_empty() {
        let _ = writeln!(s, "   assumes:");
        for l in &p.assumes {
            let can = match (l.can_assume, l.if_conditions) {
                (true, false) => "can assume",
                (true, true) => "can assume if conditions hold",
                (false, _) => "trust does not allow",
            };
            let seen = if l.assumed > 0 {
                format!(", assumed {}x", l.assumed)
            } else {
                String::new()
            };
            let _ = writeln!(s, "     {}  ({can}{seen})", l.role);
        }
    }
}

fn render_path(s: &mut String, path: &EscalationPath) {
    let target = if path.reaches == "*" {
        "any permission".to_string()
    } else {
        short(&path.reaches).to_string()
    };
    let _ = writeln!(s, "     -> {target} in {} step(s)", path.steps.len());
    for (i, step) in path.steps.iter().enumerate() {
        let rhino = step.rhino.map(|n| format!(", Rhino #{n}")).unwrap_or_default();
        let to = if step.to == "*" {
            "any permission".to_string()
        } else {
            short(&step.to).to_string()
        };
        let _ = writeln!(
            s,
            "        {}. {} -> {}: {} ({}{rhino})",
            i + 1,
            short(&step.from),
            to,
            step.method_name,
            step.method
        );
        for a in &step.actions {
            let _ = writeln!(
                s,
                "           {} on {} <- {}",
                a.action,
                a.resource,
                stmts(&a.allowed_by)
            );
        }
        if let Some(c) = &step.caveat {
            let _ = writeln!(s, "           note: {c}");
        }
    }
}

fn more(s: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(s, "     ... {} more (see --format json)", total - shown);
    }
}

//! `pare replay`: CloudTrail logs to a usage summary.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_trail::indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pare_trail::replay::{EventTextStream, ReaderStream, ReplayError, ReplayOptions, ReplayReport, Replayer};
use pare_trail::usage::UsageSummary;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
    /// Cap on the decompressed size of one `.gz` source (`1GiB`, `500MB`, bytes); over it the source is an error.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1GiB")]
    pub max_decompressed_size: u64,
    /// Decoding threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Parses `1GiB`, `512MiB`, `500MB`, `64k`, `1048576`.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("`{text}` is not a size (expected e.g. `1GiB`, `500MB` or a number of bytes)")
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KB, KiB, MB, MiB, GB, GiB)"
            ))
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size `{text}` is too large"))
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let parquet = args
        .out
        .as_deref()
        .is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")));
    let bar = globals.progress.then(progress_bar);
    let progress = bar.clone().map(|bar| {
        Arc::new(move |p: pare_trail::replay::Progress| {
            bar.set_position(p.bytes);
            bar.set_message(format!(
                "{} records, {}/{} sources",
                p.records, p.sources_done, p.sources_queued
            ));
        }) as pare_trail::replay::ProgressFn
    });
    let options = ReplayOptions {
        strict: args.strict,
        principal: args.principal.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        max_decompressed_bytes: args.max_decompressed_size,
        threads: args.threads.unwrap_or(0),
        progress,
    };
    let mut replayer = Replayer::new(options)?;
    let aws = pare_aws::AwsOptions {
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
    };
    for source in &args.sources {
        if source.starts_with("s3://") {
            let objects = pare_aws::s3_objects(source, &aws).map_err(|e| anyhow::anyhow!("{e}"))?;
            let stream: ReaderStream = Box::new(objects.map(|item| {
                item.map(|(name, body)| (name, Box::new(std::io::Cursor::new(body)) as Box<dyn Read + Send>))
                    .map_err(|e| e.to_string())
            }));
            replayer.add_readers(stream);
        } else if source == "cloudtrail:lookup" {
            let since = args.since.as_deref().and_then(pare_trail::time::parse_bound);
            let until = args.until.as_deref().and_then(pare_trail::time::parse_bound);
            let events = pare_aws::lookup_events(&aws, since.as_deref(), until.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let stream: EventTextStream = Box::new(events.map(|item| item.map_err(|e| e.to_string())));
            replayer.add_event_texts(source.clone(), stream);
        } else if source.contains("://") || source.starts_with("cloudtrail:") {
            anyhow::bail!(
                "unsupported source `{source}`: expected a file, a directory, `s3://bucket/prefix` or `cloudtrail:lookup`"
            );
        } else {
            replayer.add_path(source)?;
        }
    }
    let result = replayer.finish();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let (summary, report) = match result {
        Ok(r) => r,
        Err(ReplayError::Strict(e)) => {
            anyhow::bail!("{e} (stopped by --strict)")
        }
        Err(e) => return Err(e.into()),
    };
    if !globals.quiet {
        print_stats(&summary, &report, globals.verbose)?;
    }
    match &args.out {
        Some(path) if parquet => write_parquet(&summary, path)?,
        Some(path) => summary
            .write(path)
            .with_context(|| format!("cannot write the summary to `{}`", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(summary.to_json_pretty().as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

fn write_parquet(summary: &UsageSummary, path: &Path) -> anyhow::Result<()> {
    pare_report::parquet::write_usage_events(summary, path)?;
    Ok(())
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {elapsed} {bytes} read ({bytes_per_sec}) {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_stats(summary: &UsageSummary, report: &ReplayReport, verbose: bool) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    let stats = &summary.stats;
    writeln!(
        err,
        "replayed {} source{}: {} records used, {} skipped, {} unmapped, {} needing no permission; {} principals",
        report.sources,
        if report.sources == 1 { "" } else { "s" },
        stats.records,
        stats.skipped,
        stats.unmapped,
        stats.no_permission_needed,
        summary.principals.len()
    )?;
    if !stats.reasons.is_empty() {
        let reasons: Vec<String> = stats.reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        writeln!(err, "skipped by reason: {}", reasons.join(", "))?;
    }
    let shown = if verbose { stats.errors.len() } else { 5 };
    for e in stats.errors.iter().take(shown) {
        writeln!(err, "warning: {e}")?;
    }
    if stats.errors.len() > shown {
        writeln!(
            err,
            "warning: … {} more errors in the summary's `stats.errors`",
            stats.errors.len() - shown
        )?;
    }
    if !summary.unmapped.is_empty() {
        let mut top: Vec<_> = summary.unmapped.iter().collect();
        top.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.event_source, &a.event_name).cmp(&(&b.event_source, &b.event_name)))
        });
        let names: Vec<String> = top
            .iter()
            .take(5)
            .map(|u| format!("{}:{} ({})", u.event_source, u.event_name, u.count))
            .collect();
        writeln!(err, "unmapped events (top): {}", names.join(", "))?;
    }
    if report.ignored_files > 0 {
        writeln!(
            err,
            "passed over {} non-log files or folders in directories",
            report.ignored_files
        )?;
    }
    writeln!(
        err,
        "read {:.1} MB ({:.1} MB decompressed) in {:.2}s: {:.1} MB/s, {:.1} MB/s decompressed, {:.0} events/s on {} threads",
        report.bytes_read as f64 / 1e6,
        report.bytes_decoded as f64 / 1e6,
        report.elapsed.as_secs_f64(),
        report.mb_per_sec(),
        report.decoded_mb_per_sec(),
        report.events_per_sec(),
        report.threads
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}

//! The runtime: the terminal (raw mode, alternate screen, mouse), the event loop, and the workers that do
//! the heavy or blocking work (reading, replaying and analysing; proposals; event look-ups; writing files)
//! off the UI thread. It feeds [`Action`]s to [`update`] and draws [`State`].

use crate::data::{Data, Listing, UsageDigest};
use crate::keys::action_for;
use crate::state::{Effect, LoadProgress, ProposalResult, State};
use crate::update::{proposal_diff, update, Action};
use pare_load::snapshot::Snapshot;
use pare_propose::{render, Format, Proposals};
use pare_trail::replay::{ReplayOptions, Replayer};
use pare_trail::usage::{merge_into, UsageSummary};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

/// What `pare tui` opens.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A usage summary (`pare.usage/v1`).
    pub usage: Option<PathBuf>,
    /// Policy sources: a `pare.policies/v1` snapshot, or anything `pare policies` reads (Terraform plan JSON,
    /// CloudFormation, authorization details, policy files, directories).
    pub policies: Vec<String>,
    /// CloudTrail log files or directories to replay on open.
    pub logs: Vec<String>,
    /// Values for placeholders of the policy sources (as `pare policies --param`).
    pub params: BTreeMap<String, String>,
    /// Use colours (false when `NO_COLOR` is set).
    pub color: bool,
}

/// Why the TUI stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal could not be set up or drawn to.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// The inputs could not be loaded (shown in the TUI first).
    #[error("{0}")]
    Load(String),
}

/// Restores the terminal: leaves raw mode, the alternate screen and mouse capture. Safe to call twice.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped: on return, on `?` errors and on unwinding panics.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the TUI until the user quits.
pub fn run(options: Options) -> Result<(), TuiError> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    enable_raw_mode()?;
    let guard = Guard;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    let (tx, rx) = channel::<Action>();
    let (priority_tx, priority_rx) = channel::<Vec<usize>>();
    let mut state = State::new(options.color);
    let size = terminal.size()?;
    update(&mut state, Action::Resize(size.width, size.height));
    state.progress.stage = "reading inputs…".to_string();
    {
        let tx = tx.clone();
        let options = options.clone();
        std::thread::spawn(move || match load(&options, &tx) {
            Ok(data) => {
                let data = Arc::new(data);
                if tx.send(Action::Loaded(data.clone())).is_ok() {
                    analyze(&data, &priority_rx, &tx);
                }
            }
            Err(e) => {
                let _ = tx.send(Action::LoadFailed(e));
            }
        });
    }
    let mut dirty = true;
    while !state.quit {
        if dirty {
            terminal.draw(|f| f.render_widget(&state, f.area()))?;
            dirty = false;
        }
        if event::poll(Duration::from_millis(50))? {
            let ev = event::read()?;
            if let Some(action) = action_for(&state, &ev) {
                update(&mut state, action);
            }
            dirty = true;
        }
        while let Ok(action) = rx.try_recv() {
            update(&mut state, action);
            dirty = true;
        }
        for effect in std::mem::take(&mut state.effects) {
            if let Effect::Analyze(first) = effect {
                // The worker may have finished already: nothing is left to reorder then.
                let _ = priority_tx.send(first);
            } else {
                run_effect(&state, effect, &tx);
            }
        }
    }
    drop(terminal);
    drop(guard);
    match state.error {
        Some(e) => Err(TuiError::Load(e)),
        None => Ok(()),
    }
}

/// The analysis worker: analyses every principal of `data` with one permission graph, the ones last asked
/// for on `priority` first (each request replaces the previous one; see [`Effect::Analyze`]), then the rest
/// in list order, sending each result as an [`Action::Analysed`]. Returns when all are done or the UI is gone.
pub fn analyze(data: &Data, priority: &Receiver<Vec<usize>>, tx: &Sender<Action>) {
    let n = data.principals().len();
    let mut done = vec![false; n];
    let mut first: Vec<usize> = Vec::new();
    let mut next = 0;
    data.analyze_each(
        || {
            // The latest request wins (a closed channel just means no more requests).
            while let Ok(list) = priority.try_recv() {
                first = list;
            }
            let pick = first.iter().copied().find(|&i| i < n && !done[i]).or_else(|| {
                while next < n && done[next] {
                    next += 1;
                }
                (next < n).then_some(next)
            })?;
            done[pick] = true;
            Some(pick)
        },
        |index, slot| tx.send(Action::Analysed { index, slot }).is_ok(),
    );
}

/// Reads and replays the inputs and builds the principals list (no analysis), reporting progress. Opened
/// with a usage summary and no logs, the list is made first from a digest of the summary read at the same
/// time as the policies, and sent as [`Action::Listed`] before the summary is read in full.
pub fn load(options: &Options, tx: &Sender<Action>) -> Result<Data, String> {
    let stage = |stage: &str| {
        let _ = tx.send(Action::Progress(LoadProgress {
            stage: stage.to_string(),
            ..LoadProgress::default()
        }));
    };
    let read_usage =
        |path: &Path| UsageSummary::read(path).map_err(|e| format!("cannot read the usage summary: {e}"));
    if let (Some(path), true) = (&options.usage, options.logs.is_empty()) {
        stage(&format!("reading {}…", path.display()));
        // The list needs little of each input: the summary's digest, and the policies' principals (a
        // snapshot file read as is; other sources through the loader) are read at the same time.
        let (digest, early) = std::thread::scope(|s| {
            let policies = s.spawn(|| early_policies(options));
            let digest = UsageDigest::read(path);
            (digest, policies.join())
        });
        let early = early.map_err(|_| "reading the policies stopped unexpectedly".to_string())??;
        let Some(digest) = digest else {
            // Not readable as a summary: the full read says why.
            let usage = read_usage(path)?;
            return Ok(Data::new(usage, early.into_snapshot(options)?, Vec::new()));
        };
        let listing = Arc::new(Listing::new(&digest, early.snapshot()));
        let _ = tx.send(Action::Listed(listing.clone()));
        // Then everything, as the analysis needs it.
        let (usage, snapshot) = std::thread::scope(|s| {
            let policies = s.spawn(|| early.into_snapshot(options));
            (read_usage(path), policies.join())
        });
        let snapshot = snapshot.map_err(|_| "reading the policies stopped unexpectedly".to_string())??;
        let usage = usage?;
        // The loader and the snapshot reader see the same principals; should they not, the list is made
        // again (and shown anew by `Action::Loaded`).
        let full = Listing::new(&digest, snapshot.as_ref());
        let listing = if full == *listing { listing } else { Arc::new(full) };
        return Ok(Data::with_listing(listing, usage, snapshot, Vec::new()));
    }
    let mut usage = match &options.usage {
        Some(path) => {
            stage(&format!("reading {}…", path.display()));
            read_usage(path)?
        }
        None => UsageSummary::empty(),
    };
    if !options.logs.is_empty() {
        stage("replaying the logs…");
        let progress_tx = tx.clone();
        let replay = ReplayOptions {
            progress: Some(Arc::new(move |p: pare_trail::replay::Progress| {
                let _ = progress_tx.send(Action::Progress(LoadProgress {
                    stage: "replaying the logs…".to_string(),
                    records: p.records,
                    sources_done: p.sources_done,
                    sources_queued: p.sources_queued,
                }));
            })),
            ..ReplayOptions::default()
        };
        let mut replayer = Replayer::new(replay).map_err(|e| e.to_string())?;
        for source in &options.logs {
            replayer.add_path(source).map_err(|e| e.to_string())?;
        }
        let (replayed, _) = replayer.finish().map_err(|e| e.to_string())?;
        if options.usage.is_some() {
            merge_into(&mut usage, replayed);
        } else {
            usage = replayed;
        }
    }
    if !options.policies.is_empty() {
        stage("reading the policies…");
    }
    let snapshot = read_policies(options)?;
    stage("listing the principals…");
    Ok(Data::new(usage, snapshot, options.logs.clone()))
}

/// The policies as first read for the list.
enum Early {
    /// Read by the loader: final.
    Loaded(Option<Snapshot>),
    /// One `pare.policies/v1` file read as is (no validation, no source record): the loader reads it again.
    Quick(Snapshot),
}

impl Early {
    fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Early::Loaded(s) => s.as_ref(),
            Early::Quick(s) => Some(s),
        }
    }

    fn into_snapshot(self, options: &Options) -> Result<Option<Snapshot>, String> {
        match self {
            Early::Loaded(s) => Ok(s),
            Early::Quick(_) => read_policies(options),
        }
    }
}

/// A single snapshot file is read as is (fast); anything else through the loader.
fn early_policies(options: &Options) -> Result<Early, String> {
    if let [one] = options.policies.as_slice() {
        if Path::new(one).is_file() {
            if let Ok(s) = Snapshot::read(one) {
                return Ok(Early::Quick(s));
            }
        }
    }
    read_policies(options).map(Early::Loaded)
}

/// The policy snapshot of `options.policies` (`None` when there are none).
fn read_policies(options: &Options) -> Result<Option<Snapshot>, String> {
    if options.policies.is_empty() {
        return Ok(None);
    }
    let load = pare_load::LoadOptions {
        strict: false,
        params: options.params.clone(),
    };
    pare_load::load_sources(&options.policies, &load)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn run_effect(state: &State, effect: Effect, tx: &Sender<Action>) {
    let Some(data) = state.data.clone() else {
        return;
    };
    let tx = tx.clone();
    match effect {
        Effect::Propose {
            principal,
            strictness,
        } => {
            std::thread::spawn(move || {
                let _ = tx.send(compute_proposal(&data, &principal, strictness));
            });
        }
        Effect::Write { result, format, path } => {
            let text = render_proposal(&result, format);
            let r = std::fs::write(&path, text)
                .map(|()| path.clone())
                .map_err(|e| format!("cannot write `{path}`: {e}"));
            let _ = tx.send(Action::Written(r));
        }
        Effect::LoadEvent { id } => {
            std::thread::spawn(move || {
                let result = find_event(&data.logs, &id);
                let _ = tx.send(Action::EventLoaded { id, result });
            });
        }
        // Forwarded to the analysis worker by the event loop.
        Effect::Analyze(_) => {}
    }
}

/// The proposal for one principal at one strictness, with its diff against the current policy.
pub fn compute_proposal(data: &Data, principal: &str, strictness: pare_propose::Strictness) -> Action {
    let options = pare_propose::Options {
        strictness,
        principal: Some(principal.replace('*', "?")),
        ..pare_propose::Options::default()
    };
    let out = pare_propose::propose(&data.usage, data.snapshot.as_ref(), &options);
    match out.proposals.into_iter().find(|p| p.principal == principal) {
        Some(proposal) => {
            let current = data.current_policy(principal);
            let diff = proposal_diff(current.as_ref(), &proposal);
            Action::ProposalReady(Box::new(ProposalResult {
                principal: principal.to_string(),
                strictness,
                proposal,
                has_current: current.is_some(),
                diff,
            }))
        }
        None => Action::ProposalUnavailable {
            principal: principal.to_string(),
            strictness,
            reason: out
                .skipped
                .into_iter()
                .find(|s| s.principal == principal)
                .map(|s| format!("no proposal: {}", s.reason))
                .unwrap_or_else(|| "no proposal for this principal".to_string()),
        },
    }
}

/// The file text of a proposal in a format: the bare IAM policy (json), Terraform, or CloudFormation.
pub fn render_proposal(result: &ProposalResult, format: Format) -> String {
    match format {
        Format::Json => render::policy_json(&result.proposal),
        Format::Terraform => render::terraform(&result.proposal, result.strictness.as_str()),
        Format::CloudFormation => render::cloudformation(&Proposals {
            schema: pare_propose::SCHEMA.to_string(),
            strictness: result.strictness.as_str().to_string(),
            proposals: vec![result.proposal.clone()],
            skipped: Vec::new(),
        }),
    }
}

/// Looks up the event with `eventID` `id` in the CloudTrail log files under `sources` (files or
/// directories; `.json` and gzip), returning its pretty JSON as sanitised lines.
pub fn find_event(sources: &[String], id: &str) -> Result<Vec<String>, String> {
    if id.is_empty() {
        return Err("no event id".to_string());
    }
    let mut files = Vec::new();
    for s in sources {
        collect(Path::new(s), &mut files);
    }
    files.sort();
    for file in files {
        let Ok(bytes) = read_maybe_gz(&file) else { continue };
        // Cheap check before parsing the whole file.
        if !bytes.windows(id.len()).any(|w| w == id.as_bytes()) {
            continue;
        }
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let records = doc.get("Records").and_then(|r| r.as_array());
        let hit = records
            .into_iter()
            .flatten()
            .chain(std::iter::once(&doc))
            .find(|r| r.get("eventID").and_then(|v| v.as_str()) == Some(id));
        if let Some(event) = hit {
            let text = serde_json::to_string_pretty(event).unwrap_or_default();
            let mut lines = vec![format!(
                "// {}",
                crate::sanitize::sanitize(&file.display().to_string())
            )];
            lines.extend(crate::sanitize::sanitize_lines(&text));
            return Ok(lines);
        }
    }
    Err(format!(
        "event `{}` not found in the log files",
        crate::sanitize::sanitize(id)
    ))
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                collect(&e.path(), out);
            }
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn read_maybe_gz(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

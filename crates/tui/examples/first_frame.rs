//! Benchmark: how fast `pare tui` shows a populated principals list on a large usage summary. Generates
//! (deterministically) a summary of 1,000,000 events (2,000 roles × 20 actions, up to 8 resources each) and a
//! snapshot declaring every role with broad policies, writes both to a temporary directory, then times:
//!
//! - process start → first populated frame: this example re-runs itself as a child process that does what
//!   `pare tui --usage usage.json --policies snapshot.json` does before its first populated frame (`app::load`
//!   on a thread, the actions it sends applied until `Action::Listed`, one draw on a 160×48 `TestBackend`),
//!   checks the frame lists principals, and reports; the parent times from spawning the child to reading its
//!   report (best of 5);
//! - in process, best of 5: the load call → first populated frame and → the summary fully read (when the
//!   analysis starts), and the parts: the summary's digest and the snapshot's principals (read at the same
//!   time), the principals list, the frame; then the full read of the summary and the policy loader (at the
//!   same time);
//! - the background analysis: the permission graph build and the first principal's analysis (what the worker
//!   sends first), every principal's analysis, and the UI-thread cost of the 2,000 `Analysed` actions while
//!   the list is sorted by risk (re-sorted on each).
//!
//! `cargo run --release -p pare-tui --example first_frame [principals] [events]` (`KEEP=1` keeps the files).

#[path = "../../graph/benches/support/tui_account.rs"]
mod tui_account;

use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;
use pare_tui::app::{load, Options};
use pare_tui::data::{Data, Listing, UsageDigest};
use pare_tui::state::{Sort, State};
use pare_tui::update::{update, Action};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::error::Error;
use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tui_account::{snapshot, usage};

fn best<T>(
    runs: usize,
    mut f: impl FnMut() -> Result<T, Box<dyn Error>>,
) -> Result<(Duration, T), Box<dyn Error>> {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f()?;
        best = best.min(t.elapsed());
        last = Some(v);
    }
    let v = last.ok_or("no run")?;
    Ok((best, v))
}

/// Draws `state` on a 160×48 test terminal and returns the screen's text.
fn draw(state: &State) -> Result<String, Box<dyn Error>> {
    let mut t = Terminal::new(TestBackend::new(160, 48))?;
    t.draw(|f| f.render_widget(state, f.area()))?;
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..48 {
        for x in 0..160 {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    Ok(out)
}

fn options(dir: &Path) -> Options {
    Options {
        usage: Some(dir.join("usage.json")),
        policies: vec![dir.join("snapshot.json").display().to_string()],
        ..Options::default()
    }
}

type Loader = std::thread::JoinHandle<Result<Data, String>>;

/// What `pare tui` does up to its first populated frame: the inputs are loaded on a thread, and the state
/// takes the actions it sends until the principals list is there, then one frame is drawn and checked to
/// list principals. Returns the state, the loading thread (still reading the summary in full) and its
/// channel.
fn first_frame(dir: &Path) -> Result<(State, Loader, Receiver<Action>), Box<dyn Error>> {
    let (tx, rx) = channel();
    let options = options(dir);
    let loader = std::thread::spawn(move || load(&options, &tx));
    let mut state = State::new(true);
    loop {
        let action = rx.recv().map_err(|_| "loading stopped without a list")?;
        let listed = matches!(action, Action::Listed(_) | Action::Loaded(_));
        update(&mut state, action);
        if listed {
            break;
        }
    }
    let screen = draw(&state)?;
    if !screen.contains("arn:aws:iam::111122223333:role/app-00000") {
        return Err(format!("the first frame lists no principal:\n{screen}").into());
    }
    Ok((state, loader, rx))
}

fn child(dir: &Path) -> Result<(), Box<dyn Error>> {
    let start = Instant::now();
    first_frame(dir)?;
    println!("frame {}", start.elapsed().as_nanos());
    // Exit without freeing the data, as the timing ends at the frame.
    std::process::exit(0);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn Error>> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir] = argv.as_slice() {
        if flag == "--child" {
            return child(Path::new(dir));
        }
    }
    let principals: usize = argv.first().map(|a| a.parse()).transpose()?.unwrap_or(2_000);
    let events: u64 = argv.get(1).map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("pare-tui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let u = usage(principals, events);
    u.write(dir.join("usage.json"))?;
    let snap = snapshot(principals);
    snap.write(dir.join("snapshot.json"))?;
    let bytes = std::fs::metadata(dir.join("usage.json"))?.len();
    let snap_bytes = std::fs::metadata(dir.join("snapshot.json"))?.len();
    let resources: usize = u
        .principals
        .iter()
        .flat_map(|p| &p.actions)
        .map(|a| a.resources.len())
        .sum();
    let actions: usize = u.principals.iter().map(|p| p.actions.len()).sum();
    println!(
        "summary: {} events, {} principals, {actions} principal-actions, {resources} resources, {:.1} MB; snapshot {:.1} MB",
        u.stats.records,
        u.principals.len(),
        bytes as f64 / 1e6,
        snap_bytes as f64 / 1e6
    );
    drop(u);
    drop(snap);

    // Process start → first populated frame, best of 5.
    let exe = std::env::current_exe()?;
    let mut process = Duration::MAX;
    let mut inside = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let mut c = Command::new(&exe)
            .arg("--child")
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn()?;
        let out = c.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(out).read_line(&mut line)?;
        let elapsed = t.elapsed();
        let status = c.wait()?;
        let nanos: u64 = line
            .strip_prefix("frame ")
            .ok_or_else(|| format!("the child failed ({status}): {line}"))?
            .trim()
            .parse()?;
        process = process.min(elapsed);
        inside = inside.min(Duration::from_nanos(nanos));
    }

    // In process: the load call → first populated frame, and until the summary is fully read.
    let mut total = Duration::MAX;
    let mut full = Duration::MAX;
    let mut state = None;
    for _ in 0..5 {
        let t = Instant::now();
        let (mut s, loader, rx) = first_frame(&dir)?;
        total = total.min(t.elapsed());
        let data = loader.join().map_err(|_| "the loader panicked")??;
        full = full.min(t.elapsed());
        for action in rx.try_iter() {
            update(&mut s, action);
        }
        update(&mut s, Action::Loaded(Arc::new(data)));
        state = Some(s);
    }
    let mut state = state.ok_or("no run")?;
    // Its parts.
    let (digest, _) = best(5, || {
        UsageDigest::read(&dir.join("usage.json")).ok_or_else(|| "no digest".into())
    })?;
    let (read, usage) = best(5, || Ok(UsageSummary::read(dir.join("usage.json"))?))?;
    let (quick_snapshot, _) = best(5, || Ok(Snapshot::read(dir.join("snapshot.json"))?))?;
    let (read_snapshot, snapshot) = best(5, || {
        let sources = [dir.join("snapshot.json").display().to_string()];
        Ok(pare_load::load_sources(
            &sources,
            &pare_load::LoadOptions::default(),
        )?)
    })?;
    let digested = UsageDigest::read(&dir.join("usage.json")).ok_or("no digest")?;
    let (list, listing) = best(5, || Ok(Arc::new(Listing::new(&digested, Some(&snapshot)))))?;
    let (frame, _) = best(5, || {
        let mut s = State::new(true);
        update(&mut s, Action::Listed(listing.clone()));
        draw(&s)
    })?;
    let data = Arc::new(Data::with_listing(listing, usage, Some(snapshot), Vec::new()));

    // The background analysis.
    let t = Instant::now();
    let mut first_result = None;
    let mut first = Some(0);
    data.analyze_each(
        || first.take(),
        |_, _| {
            first_result = Some(t.elapsed());
            true
        },
    );
    let first_analysis = first_result.ok_or("no analysis")?;
    let t = Instant::now();
    let slots = data.analyze_all();
    let all = t.elapsed();
    state.sort = Sort::Risk;
    let t = Instant::now();
    for (index, slot) in slots.into_iter().enumerate() {
        update(&mut state, Action::Analysed { index, slot });
    }
    let arrivals = t.elapsed();
    let (analysed_frame, _) = best(5, || draw(&state))?;
    let (principal, _) = best(5, || {
        update(&mut state, Action::Back);
        update(&mut state, Action::Open);
        draw(&state)
    })?;
    if std::env::var_os("KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("kept {}", dir.display());
    }

    println!(
        "process start → first populated frame (child process, wall):   {:9.2} ms",
        ms(process)
    );
    println!(
        "  of which main() → frame, inside the child:                   {:9.2} ms",
        ms(inside)
    );
    println!(
        "load call → first populated frame (in process):               {:9.2} ms",
        ms(total)
    );
    println!(
        "  digest of the summary (UsageDigest::read), parallel with:    {:9.2} ms",
        ms(digest)
    );
    println!(
        "  the snapshot's principals (Snapshot::read)                   {:9.2} ms",
        ms(quick_snapshot)
    );
    println!(
        "  build the principals list (Listing::new):                    {:9.2} ms",
        ms(list)
    );
    println!(
        "  first frame (Listed + draw, 160×48):                         {:9.2} ms",
        ms(frame)
    );
    println!(
        "load call → summary fully read (the analysis starts):         {:9.2} ms",
        ms(full)
    );
    println!(
        "  read the summary in full (UsageSummary::read), parallel with: {:8.2} ms",
        ms(read)
    );
    println!(
        "  load the policies (pare_load::load_sources)                  {:9.2} ms",
        ms(read_snapshot)
    );
    println!(
        "background: graph build + first principal's analysis:         {:9.2} ms",
        ms(first_analysis)
    );
    println!(
        "background: every principal's analysis (graph build included): {:9.2} ms",
        ms(all)
    );
    println!(
        "UI thread: {} Analysed actions, sorted by risk:               {:9.2} ms ({:.3} ms each)",
        state.analyses.len(),
        ms(arrivals),
        ms(arrivals) / state.analyses.len().max(1) as f64
    );
    println!(
        "frame with every analysis, sorted by risk:                     {:9.2} ms",
        ms(analysed_frame)
    );
    println!(
        "principal view frame:                                          {:9.2} ms",
        ms(principal)
    );
    Ok(())
}

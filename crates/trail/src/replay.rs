//! The replay engine: CloudTrail sources in, a [`UsageSummary`] out.
//!
//! A [`Replayer`] takes local paths (files and directories, the S3 `AWSLogs/<account>/CloudTrail/...` layout
//! included), named in-memory readers (S3 objects) and streams of event texts (LookupEvents), then
//! [`Replayer::finish`] decodes them on all cores: a producer feeds a bounded channel, each worker decodes whole
//! sources into its own partial aggregate, and the partial aggregates are merged at the end.
//!
//! Formats are recognised by content, not by name: gzip by its magic bytes, then `{"Records":[...]}` (a
//! CloudTrail log file), `{"Events":[...]}` (`aws cloudtrail lookup-events` output), a top-level array of events,
//! or JSON lines (one event per line; a value spanning several lines is accepted).
//!
//! Bad input never stops a replay unless `strict` is set: a record that cannot be used is skipped and counted
//! with its reason, a source that breaks off (truncated gzip, invalid JSON, decompressed size over the cap)
//! keeps the records read before the break and counts one error at the record where it broke.
//!
//! Decisions where CloudTrail leaves room:
//! - A call that failed for a reason other than access denied (`NoSuchKey`, `ThrottlingException`,
//!   `ValidationException`, …) still went through authorization or at least asked for the permission: it
//!   counts as a use of the action. Access-denied codes ([`is_access_denied`]) count in `count` *and* `denied`.
//! - Events that need no permission (`ConsoleLogin`, AWS service events) and unmapped events are records used:
//!   their principal appears in the summary (possibly with no actions).
//! - Filtered records (`--principal`, `--since`, `--until`) are counted as skipped with reasons
//!   `principal-filtered` and `outside-window`, without an error entry.
//! - In directories, files named `*.json`, `*.jsonl`, `*.ndjson` (optionally `.gz`) or `*.gz` are read; hidden
//!   entries and `CloudTrail-Digest` folders (digest files, not events) are passed over and counted in
//!   [`ReplayReport::ignored_files`].

use crate::aggregate::{self, Aggregate, Call, Sym};
use crate::decode::{self, Layout, Obj, Record, RecordSink, Str};
use crate::principal;
use crate::time;
use crate::usage::{RecordError, SourceInfo, UsageSummary};
use pare_catalog::{EventMapping, EventRef, EventResource};
use rustc_hash::FxHashMap;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Default cap on the decompressed size of one gzip source: 1 GiB.
pub const DEFAULT_MAX_DECOMPRESSED: u64 = 1 << 30;

/// Sources whose content fits in this many bytes are decoded from memory (zero-copy); larger ones stream.
const IN_MEMORY_MAX: u64 = 64 << 20;

/// Error codes that mean the caller lacked the permission.
pub const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "Client.AccessDenied",
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
    "UnauthorizedAccess",
    "UnauthorizedAccessException",
    "UnauthorizedException",
    "Unauthorized",
    "AuthorizationError",
    "AuthorizationErrorException",
    "AuthorizationFailure",
    "AuthorizationException",
    "NotAuthorized",
    "NotAuthorizedException",
    "Forbidden",
    "ForbiddenException",
    "AccessDeniedFault",
    "InsufficientPermissionsException",
];

/// Whether an `errorCode` says the call was refused for lack of permission.
pub fn is_access_denied(code: &str) -> bool {
    ACCESS_DENIED_CODES.contains(&code)
}

/// What a progress callback is told.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes read from the sources so far (compressed bytes for gzip).
    pub bytes: u64,
    /// Records decoded so far (used and skipped).
    pub records: u64,
    /// Sources finished so far.
    pub sources_done: u64,
    /// Sources queued so far (grows while directories are walked and S3 is listed).
    pub sources_queued: u64,
}

/// A progress callback; called from worker threads.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Replay options.
#[derive(Clone)]
pub struct ReplayOptions {
    /// Stop at the first bad record or source.
    pub strict: bool,
    /// Keep only principals whose identifier matches this glob (`*` crosses `/`).
    pub principal: Option<String>,
    /// Keep only events at or after this time (RFC 3339 or `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Keep only events strictly before this time (RFC 3339 or `YYYY-MM-DD`).
    pub until: Option<String>,
    /// Cap on the decompressed bytes of one gzip source; over it, the source is an error.
    pub max_decompressed_bytes: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Called as sources finish and every few MB.
    pub progress: Option<ProgressFn>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            strict: false,
            principal: None,
            since: None,
            until: None,
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED,
            threads: 0,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ReplayOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayOptions")
            .field("strict", &self.strict)
            .field("principal", &self.principal)
            .field("since", &self.since)
            .field("until", &self.until)
            .field("max_decompressed_bytes", &self.max_decompressed_bytes)
            .field("threads", &self.threads)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Throughput and volume of one replay (wall-clock numbers: not part of the summary).
#[derive(Debug, Clone, Default)]
pub struct ReplayReport {
    /// Sources decoded.
    pub sources: u64,
    /// Files under directories that were passed over (not log names, hidden, digests).
    pub ignored_files: u64,
    /// Bytes read from the sources (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Bytes after decompression.
    pub bytes_decoded: u64,
    /// Records seen (`stats.records + stats.skipped`).
    pub records: u64,
    /// Wall-clock time of [`Replayer::finish`].
    pub elapsed: Duration,
    /// Worker threads used.
    pub threads: usize,
}

impl ReplayReport {
    fn per_sec(&self, n: u64) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            n as f64 / s
        } else {
            0.0
        }
    }
    /// MB (10^6 bytes) read per second.
    pub fn mb_per_sec(&self) -> f64 {
        self.per_sec(self.bytes_read) / 1e6
    }
    /// Decompressed MB per second.
    pub fn decoded_mb_per_sec(&self) -> f64 {
        self.per_sec(self.bytes_decoded) / 1e6
    }
    /// Records per second.
    pub fn events_per_sec(&self) -> f64 {
        self.per_sec(self.records)
    }
}

/// Errors that stop a replay.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A path given as a source cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Path {
        /// The path.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// An option has an invalid value.
    #[error("invalid {option} `{value}`: {message}")]
    Option {
        /// `--principal`, `--since`, `--until`.
        option: &'static str,
        /// The value given.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// Strict mode met a bad record or source.
    #[error("{0}")]
    Strict(RecordError),
    /// A worker thread failed.
    #[error("internal error: {0}")]
    Internal(String),
}

/// An error from an external source iterator (S3, LookupEvents), as text.
pub type SourceError = String;

/// A stream of named readers (e.g. S3 objects).
pub type ReaderStream = Box<dyn Iterator<Item = Result<(String, Box<dyn Read + Send>), SourceError>> + Send>;

/// A stream of events as JSON texts (e.g. LookupEvents' `CloudTrailEvent`).
pub type EventTextStream = Box<dyn Iterator<Item = Result<String, SourceError>> + Send>;

enum Input {
    Path(PathBuf),
    Reader(String, Box<dyn Read + Send>),
    Readers(ReaderStream),
    Events(String, EventTextStream),
}

enum Work {
    File(PathBuf),
    Reader(String, Box<dyn Read + Send>),
    Events(String, EventTextStream),
    Failed(String, String),
}

/// Replays CloudTrail sources into a usage summary.
///
/// ```no_run
/// use pare_trail::replay::{Replayer, ReplayOptions};
/// let mut replayer = Replayer::new(ReplayOptions::default())?;
/// replayer.add_path("logs/")?;
/// replayer.add_reader("memory".to_string(), Box::new(std::io::Cursor::new(br#"{"Records":[]}"#.to_vec())));
/// let (summary, report) = replayer.finish()?;
/// println!("{} records, {:.1} MB/s", summary.stats.records, report.mb_per_sec());
/// # Ok::<(), pare_trail::replay::ReplayError>(())
/// ```
pub struct Replayer {
    options: ReplayOptions,
    ctx: Ctx,
    inputs: Vec<Input>,
}

struct Ctx {
    strict: bool,
    principal: Option<globset::GlobMatcher>,
    /// Packed times ([`aggregate::pack_time`]).
    since: Option<aggregate::PackedTime>,
    until: Option<aggregate::PackedTime>,
    max_decompressed: u64,
}

impl Replayer {
    /// Checks the options (glob syntax, times) and makes an empty replayer.
    pub fn new(options: ReplayOptions) -> Result<Self, ReplayError> {
        let principal = match &options.principal {
            None => None,
            Some(g) => Some(
                globset::GlobBuilder::new(g)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| ReplayError::Option {
                        option: "--principal",
                        value: g.clone(),
                        message: e.kind().to_string(),
                    })?
                    .compile_matcher(),
            ),
        };
        let bound = |option: &'static str, v: &Option<String>| -> Result<Option<u64>, ReplayError> {
            match v {
                None => Ok(None),
                Some(text) => time::parse_bound(text)
                    .as_deref()
                    .and_then(aggregate::pack_time)
                    .map(Some)
                    .ok_or_else(|| ReplayError::Option {
                        option,
                        value: text.clone(),
                        message:
                            "expected an RFC 3339 time such as `2026-11-01T00:00:00Z` or a date `2026-11-01`"
                                .into(),
                    }),
            }
        };
        let ctx = Ctx {
            strict: options.strict,
            principal,
            since: bound("--since", &options.since)?,
            until: bound("--until", &options.until)?,
            max_decompressed: options.max_decompressed_bytes,
        };
        Ok(Replayer {
            options,
            ctx,
            inputs: Vec::new(),
        })
    }

    /// Adds a file or a directory (walked recursively when [`Replayer::finish`] runs).
    pub fn add_path(&mut self, path: impl AsRef<Path>) -> Result<(), ReplayError> {
        let path = path.as_ref();
        std::fs::metadata(path).map_err(|source| ReplayError::Path {
            path: path.display().to_string(),
            source,
        })?;
        self.inputs.push(Input::Path(path.to_path_buf()));
        Ok(())
    }

    /// Adds a named in-memory reader; its content is recognised like a file's (gzip or not).
    pub fn add_reader(&mut self, name: String, reader: Box<dyn Read + Send>) {
        self.inputs.push(Input::Reader(name, reader));
    }

    /// Adds a stream of named readers, pulled lazily while workers decode (bounded look-ahead). An `Err` item
    /// counts as a failed source (reason `source-error`).
    pub fn add_readers(&mut self, stream: ReaderStream) {
        self.inputs.push(Input::Readers(stream));
    }

    /// Adds a stream of events given one by one as JSON texts, under one source name (e.g. `cloudtrail:lookup`).
    /// The source's sha256 is that of the texts joined by newlines (as JSON lines).
    pub fn add_event_texts(&mut self, name: String, stream: EventTextStream) {
        self.inputs.push(Input::Events(name, stream));
    }

    /// Decodes everything on the worker threads and returns the summary and the throughput report.
    pub fn finish(self) -> Result<(UsageSummary, ReplayReport), ReplayError> {
        let start = Instant::now();
        let threads = match self.options.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        // Parse the catalog once before the workers race for it.
        let _ = pare_catalog::catalog();
        let shared = Shared {
            bytes: AtomicU64::new(0),
            decoded: AtomicU64::new(0),
            records: AtomicU64::new(0),
            sources_done: AtomicU64::new(0),
            sources_queued: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            first_error: Mutex::new(None),
            progress: self.options.progress.clone(),
        };
        let ctx = &self.ctx;
        let (tx, rx) = crossbeam_channel::bounded::<Work>(threads * 2);
        let mut ignored = 0u64;
        let aggregates: Vec<Aggregate> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let rx = rx.clone();
                    let shared = &shared;
                    scope.spawn(move || {
                        let mut worker = Worker {
                            ctx,
                            shared,
                            agg: Aggregate::default(),
                            memo: MappingMemo::default(),
                            buf: Vec::new(),
                        };
                        for work in rx.iter() {
                            if shared.stop.load(Ordering::Relaxed) {
                                continue;
                            }
                            worker.run(work);
                            shared.sources_done.fetch_add(1, Ordering::Relaxed);
                            shared.report();
                        }
                        worker.agg
                    })
                })
                .collect();
            drop(rx);
            let send = |w: Work| {
                shared.sources_queued.fetch_add(1, Ordering::Relaxed);
                !shared.stop.load(Ordering::Relaxed) && tx.send(w).is_ok()
            };
            'inputs: for input in self.inputs {
                match input {
                    Input::Path(p) => {
                        let mut files = Vec::new();
                        walk(&p, true, &mut files, &mut ignored);
                        for f in files {
                            let work = match f {
                                Ok(f) => Work::File(f),
                                Err((path, msg)) => Work::Failed(path, msg),
                            };
                            if !send(work) {
                                break 'inputs;
                            }
                        }
                    }
                    Input::Reader(name, r) => {
                        if !send(Work::Reader(name, r)) {
                            break 'inputs;
                        }
                    }
                    Input::Readers(stream) => {
                        for (i, item) in stream.enumerate() {
                            let work = match item {
                                Ok((name, r)) => Work::Reader(name, r),
                                Err(msg) => Work::Failed(format!("<source {i}>"), msg),
                            };
                            if !send(work) {
                                break 'inputs;
                            }
                        }
                    }
                    Input::Events(name, stream) => {
                        if !send(Work::Events(name, stream)) {
                            break 'inputs;
                        }
                    }
                }
            }
            drop(tx);
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| ReplayError::Internal("a decoding thread panicked".into()))
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        if let Ok(mut slot) = shared.first_error.lock() {
            if let Some(err) = slot.take() {
                return Err(ReplayError::Strict(err));
            }
        }
        let mut total = Aggregate::default();
        for agg in aggregates {
            total.absorb(agg);
        }
        let summary = total.into_summary();
        let report = ReplayReport {
            sources: summary.sources.len() as u64,
            ignored_files: ignored,
            bytes_read: shared.bytes.load(Ordering::Relaxed),
            bytes_decoded: shared.decoded.load(Ordering::Relaxed),
            records: summary.stats.records + summary.stats.skipped,
            elapsed: start.elapsed(),
            threads,
        };
        Ok((summary, report))
    }
}

/// Whether a directory entry name looks like a CloudTrail log.
fn is_log_name(name: &str) -> bool {
    let base = name.strip_suffix(".gz").unwrap_or(name);
    name.ends_with(".gz") || base.ends_with(".json") || base.ends_with(".jsonl") || base.ends_with(".ndjson")
}

type Walked = Result<PathBuf, (String, String)>;

fn walk(path: &Path, top: bool, out: &mut Vec<Walked>, ignored: &mut u64) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.push(Err((path.display().to_string(), format!("cannot read: {e}"))));
            return;
        }
    };
    if meta.is_file() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if top || (!name.starts_with('.') && is_log_name(&name)) {
            out.push(Ok(path.to_path_buf()));
        } else {
            *ignored += 1;
        }
        return;
    }
    if !meta.is_dir() {
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Err((
                path.display().to_string(),
                format!("cannot list directory: {e}"),
            )));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "CloudTrail-Digest" {
            *ignored += 1;
            continue;
        }
        walk(&child, false, out, ignored);
    }
}

struct Shared {
    bytes: AtomicU64,
    decoded: AtomicU64,
    records: AtomicU64,
    sources_done: AtomicU64,
    sources_queued: AtomicU64,
    stop: AtomicBool,
    first_error: Mutex<Option<RecordError>>,
    progress: Option<ProgressFn>,
}

impl Shared {
    fn report(&self) {
        if let Some(p) = &self.progress {
            p(Progress {
                bytes: self.bytes.load(Ordering::Relaxed),
                records: self.records.load(Ordering::Relaxed),
                sources_done: self.sources_done.load(Ordering::Relaxed),
                sources_queued: self.sources_queued.load(Ordering::Relaxed),
            });
        }
    }
}

struct Worker<'a> {
    ctx: &'a Ctx,
    shared: &'a Shared,
    agg: Aggregate,
    memo: MappingMemo,
    buf: Vec<u8>,
}

/// Counts and hashes the raw bytes of a source.
struct Counting<'a, R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    pending: u64,
    shared: &'a Shared,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = buf.get(..n).unwrap_or_default();
        self.hasher.update(chunk);
        self.bytes += n as u64;
        self.pending += n as u64;
        if self.pending >= 4 << 20 {
            self.shared.bytes.fetch_add(self.pending, Ordering::Relaxed);
            self.pending = 0;
            self.shared.report();
        }
        Ok(n)
    }
}

/// The decompressed size went over the cap.
#[derive(Debug)]
struct OverCap(u64);

impl std::fmt::Display for OverCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "decompressed size exceeds the limit of {} bytes (a gzip bomb? raise it with --max-decompressed-size)",
            self.0
        )
    }
}

impl std::error::Error for OverCap {}

/// Caps the bytes read through it.
struct Capped<R> {
    inner: R,
    limit: u64,
    count: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(OverCap(self.limit)));
        }
        Ok(n)
    }
}

fn io_reason(e: &io::Error) -> (&'static str, String) {
    if let Some(cap) = e.get_ref().and_then(|inner| inner.downcast_ref::<OverCap>()) {
        return ("gzip-bomb", cap.to_string());
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => ("bad-gzip", "truncated gzip stream: unexpected end of file".into()),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            ("bad-gzip", format!("corrupt gzip stream: {e}"))
        }
        _ => ("io", format!("read error: {e}")),
    }
}

fn json_reason(e: serde_json::Error) -> (&'static str, String) {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => io_reason(&io::Error::from(e)),
        Category::Eof => ("truncated", format!("truncated JSON: {e}")),
        Category::Syntax => ("not-json", format!("not valid JSON: {e}")),
        Category::Data => ("bad-structure", format!("unexpected JSON structure: {e}")),
    }
}

impl Worker<'_> {
    fn run(&mut self, work: Work) {
        match work {
            Work::File(path) => {
                let name = path.display().to_string();
                match std::fs::File::open(&path) {
                    Ok(f) => self.source(&name, f),
                    Err(e) => self.failed(&name, "io", format!("cannot open: {e}")),
                }
            }
            Work::Reader(name, r) => self.source(&name, r),
            Work::Events(name, stream) => self.events(&name, stream),
            Work::Failed(name, msg) => self.failed(&name, "source-error", msg),
        }
    }

    fn sink<'s>(&'s mut self, name: &'s str) -> FileSink<'s> {
        FileSink {
            ctx: self.ctx,
            shared: self.shared,
            agg: &mut self.agg,
            memo: &mut self.memo,
            source: name,
            index: 0,
            used: 0,
            skipped: 0,
            line: None,
        }
    }

    fn failed(&mut self, name: &str, reason: &'static str, message: String) {
        let mut sink = self.sink(name);
        sink.fail(reason, message);
        let skipped = sink.skipped;
        self.agg.source(SourceInfo {
            path: name.to_string(),
            sha256: String::new(),
            records: 0,
            skipped,
        });
    }

    fn events(&mut self, name: &str, stream: EventTextStream) {
        let mut hasher = Sha256::new();
        let mut sink = self.sink(name);
        for item in stream {
            if sink.stop() {
                break;
            }
            match item {
                Ok(text) => {
                    hasher.update(text.as_bytes());
                    hasher.update(b"\n");
                    sink.shared
                        .bytes
                        .fetch_add(text.len() as u64 + 1, Ordering::Relaxed);
                    sink.shared
                        .decoded
                        .fetch_add(text.len() as u64 + 1, Ordering::Relaxed);
                    decode::decode_event_text(&text, &mut sink);
                }
                Err(msg) => sink.fail("source-error", msg),
            }
        }
        let (used, skipped) = (sink.used, sink.skipped);
        sink.flush_records();
        self.agg.source(SourceInfo {
            path: name.to_string(),
            sha256: hex::encode(hasher.finalize()),
            records: used,
            skipped,
        });
    }

    fn source<R: Read>(&mut self, name: &str, raw: R) {
        let shared = self.shared;
        let cap = self.ctx.max_decompressed;
        let mut counting = Counting {
            inner: raw,
            hasher: Sha256::new(),
            bytes: 0,
            pending: 0,
            shared,
        };
        let mut buf = std::mem::take(&mut self.buf);
        let (used, skipped) = {
            let mut sink = self.sink(name);
            let mut br = BufReader::with_capacity(256 << 10, &mut counting);
            match br.fill_buf() {
                Err(e) => {
                    let (reason, msg) = io_reason(&e);
                    sink.fail(reason, msg);
                }
                Ok([0x1f, 0x8b, ..]) => {
                    let mut content = Capped {
                        inner: flate2::bufread::MultiGzDecoder::new(&mut br),
                        limit: cap,
                        count: 0,
                    };
                    content_into(&mut content, &mut sink, &mut buf);
                    shared.decoded.fetch_add(content.count, Ordering::Relaxed);
                }
                Ok(_) => {
                    let mut content = Capped {
                        inner: &mut br,
                        limit: u64::MAX,
                        count: 0,
                    };
                    content_into(&mut content, &mut sink, &mut buf);
                    shared.decoded.fetch_add(content.count, Ordering::Relaxed);
                }
            }
            // Read what is left so the sha256 covers the whole source.
            let _ = io::copy(&mut br, &mut io::sink());
            sink.flush_records();
            (sink.used, sink.skipped)
        };
        if buf.capacity() > IN_MEMORY_MAX as usize * 2 {
            buf = Vec::new();
        }
        self.buf = buf;
        shared.bytes.fetch_add(counting.pending, Ordering::Relaxed);
        self.agg.source(SourceInfo {
            path: name.to_string(),
            sha256: hex::encode(counting.hasher.finalize()),
            records: used,
            skipped,
        });
    }
}

/// Decodes the (decompressed) content of one source into the sink.
fn content_into<R: Read>(content: &mut R, sink: &mut FileSink<'_>, buf: &mut Vec<u8>) {
    buf.clear();
    let read = content.by_ref().take(IN_MEMORY_MAX + 1).read_to_end(buf);
    let io_err = read.err();
    let head = buf.get(..buf.len().min(4096)).unwrap_or_default();
    let layout = decode::detect_layout(head);
    match layout {
        Layout::Empty if io_err.is_none() => return,
        Layout::NotJson => {
            let shown: String = head
                .iter()
                .take(8)
                .map(|b| if b.is_ascii_graphic() { *b as char } else { '.' })
                .collect();
            match &io_err {
                Some(e) if buf.is_empty() => {
                    let (reason, msg) = io_reason(e);
                    sink.fail(reason, msg);
                }
                _ => sink.fail(
                    "not-json",
                    format!("not a CloudTrail log: content starts with `{shown}`, not JSON"),
                ),
            }
            return;
        }
        _ => {}
    }
    if io_err.is_none() && buf.len() as u64 > IN_MEMORY_MAX {
        // Large source: stream it from the reader.
        let head_cursor = io::Cursor::new(&buf[..]);
        let mut reader = BufReader::with_capacity(256 << 10, head_cursor.chain(content));
        match layout {
            Layout::Lines => lines_from_reader(&mut reader, sink),
            _ => {
                let mut de = serde_json::Deserializer::from_reader(reader);
                if let Err(e) = decode::stream_document(&mut de, sink) {
                    let (reason, msg) = json_reason(e);
                    sink.fail(reason, msg);
                }
            }
        }
        return;
    }
    let truncated = io_err.is_some();
    match layout {
        Layout::Lines => lines_from_slice(buf, sink, truncated),
        Layout::Document => {
            // Valid UTF-8 (the rule) is checked once for the whole buffer, so that the parser does not check
            // every string again; otherwise the slice parser reports where the bad bytes are.
            let res = match std::str::from_utf8(buf) {
                Ok(text) => decode::stream_document(&mut serde_json::Deserializer::from_str(text), sink),
                Err(_) => decode::stream_document(&mut serde_json::Deserializer::from_slice(buf), sink),
            };
            if let (Err(e), false) = (res, truncated) {
                let (reason, msg) = json_reason(e);
                sink.fail(reason, msg);
            }
        }
        Layout::Empty | Layout::NotJson => {}
    }
    if let Some(e) = io_err {
        if !sink.stop() {
            let (reason, msg) = io_reason(&e);
            sink.fail(reason, msg);
        }
    }
}

/// A value spanning several lines is accumulated over at most this many lines.
const MAX_CONTINUATION_LINES: u64 = 100_000;

/// Whether a physical line starts a new JSON-lines record (so an unfinished value before it is cut short).
fn starts_record(line: &[u8]) -> bool {
    line.first() == Some(&b'{')
}

fn lines_from_slice(buf: &[u8], sink: &mut FileSink<'_>, truncated: bool) {
    let len = buf.len();
    let next_nl =
        |from: usize| memchr::memchr(b'\n', buf.get(from..).unwrap_or_default()).map_or(len, |i| from + i);
    let mut pos = 0usize;
    let mut line_no = 0u64;
    while pos < len && !sink.stop() {
        let mut end = next_nl(pos);
        line_no += 1;
        let first_line = line_no;
        if buf
            .get(pos..end)
            .unwrap_or_default()
            .iter()
            .all(u8::is_ascii_whitespace)
        {
            pos = end + 1;
            continue;
        }
        loop {
            sink.line = Some(first_line);
            let mut de = serde_json::Deserializer::from_slice(buf.get(pos..end).unwrap_or_default());
            match decode::stream_value(&mut de, sink) {
                Ok(()) => break,
                Err(e)
                    if e.is_eof()
                        && end < len
                        && !starts_record(buf.get(end + 1..).unwrap_or_default())
                        && line_no - first_line < MAX_CONTINUATION_LINES =>
                {
                    end = next_nl(end + 1);
                    line_no += 1;
                }
                Err(e) => {
                    if !(e.is_eof() && end >= len && truncated) {
                        let (reason, msg) = json_reason(e);
                        sink.fail(reason, msg);
                    }
                    break;
                }
            }
        }
        pos = end + 1;
    }
    sink.line = None;
}

fn lines_from_reader<R: BufRead>(reader: &mut R, sink: &mut FileSink<'_>) {
    let mut pending: Vec<u8> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut pending_err: Option<serde_json::Error> = None;
    let mut line_no = 0u64;
    let mut first_line = 0u64;
    while !sink.stop() {
        line.clear();
        let n = match reader.read_until(b'\n', &mut line) {
            Ok(n) => n,
            Err(e) => {
                sink.line = Some(line_no + 1);
                let (reason, msg) = io_reason(&e);
                sink.fail(reason, msg);
                break;
            }
        };
        let at_end = n == 0;
        if !at_end {
            line_no += 1;
        }
        if let Some(e) = pending_err.take() {
            if at_end || starts_record(&line) || line_no - first_line > MAX_CONTINUATION_LINES {
                sink.line = Some(first_line);
                let (reason, msg) = json_reason(e);
                sink.fail(reason, msg);
                pending.clear();
            }
        }
        if at_end {
            break;
        }
        if pending.is_empty() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            first_line = line_no;
        }
        pending.extend_from_slice(&line);
        sink.line = Some(first_line);
        let mut de = serde_json::Deserializer::from_slice(&pending);
        match decode::stream_value(&mut de, sink) {
            Ok(()) => pending.clear(),
            Err(e) if e.is_eof() => pending_err = Some(e),
            Err(e) => {
                let (reason, msg) = json_reason(e);
                sink.fail(reason, msg);
                pending.clear();
            }
        }
    }
    sink.line = None;
}

/// Decodes records of one source into the worker's aggregate.
struct FileSink<'a> {
    ctx: &'a Ctx,
    shared: &'a Shared,
    agg: &'a mut Aggregate,
    memo: &'a mut MappingMemo,
    source: &'a str,
    index: u64,
    used: u64,
    skipped: u64,
    line: Option<u64>,
}

enum Outcome {
    Used,
    Filtered(&'static str),
    Bad(&'static str, String),
}

impl FileSink<'_> {
    fn fail(&mut self, reason: &'static str, message: String) {
        let err = RecordError {
            source: self.source.to_string(),
            record: self.index,
            line: self.line,
            message,
            reason: reason.to_string(),
        };
        self.index += 1;
        self.skipped += 1;
        if self.ctx.strict {
            self.shared.stop.store(true, Ordering::Relaxed);
            if let Ok(mut slot) = self.shared.first_error.lock() {
                if slot.as_ref().is_none_or(|e| err < *e) {
                    *slot = Some(err.clone());
                }
            }
        }
        self.agg.error(err, reason);
    }

    fn flush_records(&mut self) {
        self.shared.records.fetch_add(self.index, Ordering::Relaxed);
        self.index = 0;
    }

    fn handle(&mut self, rec: Record<'_>) -> Outcome {
        let ev = match rec {
            Obj::Some(ev) => ev,
            Obj::Null => return Outcome::Bad("not-an-object", "record is `null`, not an object".into()),
            Obj::Wrong(kind) => {
                return Outcome::Bad("not-an-object", format!("record is {kind}, not an object"))
            }
            Obj::Missing => return Outcome::Bad("not-an-object", "record is missing".into()),
        };
        let event_source = match required(&ev.event_source, "eventSource") {
            Ok(s) => s,
            Err(o) => return o,
        };
        let event_name = match required(&ev.event_name, "eventName") {
            Ok(s) => s,
            Err(o) => return o,
        };
        let raw_time = match (&ev.event_time, &ev.timestamp) {
            (Str::Some(t), _) => t.as_ref(),
            (_, Str::Some(t)) => t.as_ref(),
            (Str::Wrong, _) => return Outcome::Bad("bad-field", "`eventTime` is not a string".into()),
            _ => return Outcome::Bad("missing-field", "`eventTime` (or `@timestamp`) is missing".into()),
        };
        let Some(time) = time::normalize(raw_time)
            .as_deref()
            .and_then(aggregate::pack_time)
        else {
            return Outcome::Bad(
                "bad-time",
                format!("`eventTime` `{raw_time}` is not an RFC 3339 time"),
            );
        };
        let ui = match &ev.user_identity {
            Obj::Some(ui) => ui,
            Obj::Wrong(kind) => {
                return Outcome::Bad("bad-field", format!("`userIdentity` is {kind}, not an object"))
            }
            _ => return Outcome::Bad("missing-field", "`userIdentity` is missing".into()),
        };
        if self.ctx.since.is_some_and(|since| time < since) {
            return Outcome::Filtered("outside-window");
        }
        if self.ctx.until.is_some_and(|until| time >= until) {
            return Outcome::Filtered("outside-window");
        }
        let region = ev.aws_region.non_empty();
        let partition = partition_of(region, ui.arn.get());
        let (arn, ty) = match principal::resolve(ui, partition) {
            Ok(p) => p,
            Err(msg) => return Outcome::Bad("no-principal", msg),
        };
        if let Some(glob) = &self.ctx.principal {
            if !glob.is_match(arn.as_ref()) {
                return Outcome::Filtered("principal-filtered");
            }
        }
        let error_code = ev.error_code.non_empty();
        let input = MapInput {
            event_source,
            event_name,
            event_type: ev.event_type.non_empty(),
            partition,
            region,
            account: ev.recipient_account_id.non_empty().or(ui.account_id.non_empty()),
            request: ev.request_parameters.as_deref().map(RawValue::get),
            response: ev.response_elements.as_deref().map(RawValue::get),
            resources: &ev.resources.0,
            error_code,
        };
        let principal = self.agg.principal(&arn, ty, time);
        let event_id = ev.event_id.non_empty();
        let denied = error_code.is_some_and(is_access_denied);
        self.memo.with(&input, self.agg, |mapped, agg| match mapped {
            Mapped::Actions {
                event_source,
                event_name,
                region,
                actions,
            } => {
                let call = Call {
                    principal,
                    time,
                    event_source: *event_source,
                    event_name: *event_name,
                    region: *region,
                    event_id,
                    denied,
                };
                for (action, resources) in actions.iter() {
                    agg.call(*action, resources, &call);
                }
            }
            Mapped::NoPermission => agg.no_permission += 1,
            Mapped::Unmapped {
                event_source,
                event_name,
            } => agg.unmapped(*event_source, *event_name),
        });
        Outcome::Used
    }
}

/// What the catalog's [`pare_catalog::Catalog::map_event`] reads of one record.
struct MapInput<'a> {
    event_source: &'a str,
    event_name: &'a str,
    event_type: Option<&'a str>,
    partition: &'a str,
    region: Option<&'a str>,
    account: Option<&'a str>,
    /// Raw JSON of `requestParameters` (never `null`).
    request: Option<&'a str>,
    /// Raw JSON of `responseElements` (never `null`).
    response: Option<&'a str>,
    resources: &'a [decode::RawResource<'a>],
    error_code: Option<&'a str>,
}

/// An event's mapping with its strings interned in the worker's aggregate.
enum Mapped {
    /// The event's actions, each with its resource ids (empty: `*`), and the interned names for the summary.
    Actions {
        event_source: Sym,
        event_name: Sym,
        region: Option<Sym>,
        actions: Box<[(Sym, Box<[Sym]>)]>,
    },
    /// No IAM permission needed.
    NoPermission,
    /// The catalog does not know the event.
    Unmapped { event_source: Sym, event_name: Sym },
}

/// A memo keys bigger than this are not stored (huge `responseElements` are rarely repeated).
const MEMO_MAX_KEY: usize = 4 << 10;
/// The memo is emptied when its keys reach this many bytes, or it holds [`MEMO_MAX_ENTRIES`] entries: its memory
/// is bounded whatever the corpus.
const MEMO_MAX_BYTES: usize = 16 << 20;
/// See [`MEMO_MAX_BYTES`].
const MEMO_MAX_ENTRIES: usize = 64 << 10;

/// Memoizes [`pare_catalog::Catalog::map_event`] per worker.
///
/// The mapping is a pure function of the fields in [`MapInput`]; records that repeat a call (same source, name,
/// region, account, parameter and response texts, resources) are common in CloudTrail, and for them the JSON
/// parameters are neither turned into `serde_json::Value`s nor walked by the ARN templates again. The key is the
/// exact bytes of every input field (length-prefixed), so two records share an entry only when the catalog would
/// see identical inputs. Memory is bounded by [`MEMO_MAX_BYTES`] and [`MEMO_MAX_ENTRIES`].
#[derive(Default)]
struct MappingMemo {
    entries: FxHashMap<Box<[u8]>, Mapped>,
    key_bytes: usize,
    key: Vec<u8>,
}

fn push_field(key: &mut Vec<u8>, field: Option<&str>) {
    match field {
        None => key.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(s) => {
            // Keys are capped at MEMO_MAX_KEY bytes before they are built, so lengths fit.
            key.extend_from_slice(&(s.len() as u32).to_le_bytes());
            key.extend_from_slice(s.as_bytes());
        }
    }
}

impl MappingMemo {
    /// Calls `f` with the mapping of `input`, from the memo or computed (and then memoized when small enough).
    fn with(&mut self, input: &MapInput<'_>, agg: &mut Aggregate, f: impl FnOnce(&Mapped, &mut Aggregate)) {
        let raw_len = input.request.map_or(0, str::len) + input.response.map_or(0, str::len);
        let memoize = raw_len <= MEMO_MAX_KEY;
        if memoize {
            let key = &mut self.key;
            key.clear();
            for f in [
                Some(input.event_source),
                Some(input.event_name),
                input.event_type,
                Some(input.partition),
                input.region,
                input.account,
                input.request,
                input.response,
                input.error_code,
            ] {
                push_field(key, f);
            }
            key.extend_from_slice(&(input.resources.len() as u32).to_le_bytes());
            for r in input.resources {
                push_field(key, r.arn.non_empty());
                push_field(key, r.kind.non_empty());
                push_field(key, r.account_id.non_empty());
            }
        }
        let memoize = memoize && self.key.len() <= 2 * MEMO_MAX_KEY;
        if memoize {
            if let Some(mapped) = self.entries.get(self.key.as_slice()) {
                return f(mapped, agg);
            }
        }
        let mapped = compute_mapping(input, &mut agg.strings);
        f(&mapped, agg);
        if !memoize {
            return;
        }
        if self.entries.len() >= MEMO_MAX_ENTRIES || self.key_bytes + self.key.len() > MEMO_MAX_BYTES {
            self.entries.clear();
            self.entries.shrink_to(MEMO_MAX_ENTRIES);
            self.key_bytes = 0;
        }
        self.key_bytes += self.key.len();
        self.entries.insert(self.key.as_slice().into(), mapped);
    }
}

/// Runs the catalog's mapping on one record and interns what it returns.
fn compute_mapping(input: &MapInput<'_>, strings: &mut aggregate::Interner) -> Mapped {
    let parse = |raw: Option<&str>| -> Option<serde_json::Value> {
        raw.and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
            .filter(|v| !v.is_null())
    };
    let request = parse(input.request);
    let response = parse(input.response);
    let resources: Vec<EventResource<'_>> = input
        .resources
        .iter()
        .map(|r| EventResource {
            arn: r.arn.non_empty(),
            resource_type: r.kind.non_empty(),
            account_id: r.account_id.non_empty(),
        })
        .collect();
    let event = EventRef {
        event_source: input.event_source,
        event_name: input.event_name,
        event_type: input.event_type,
        partition: input.partition,
        region: input.region,
        account: input.account,
        request_parameters: request.as_ref(),
        response_elements: response.as_ref(),
        resources: &resources,
        error_code: input.error_code,
    };
    match pare_catalog::catalog().map_event(&event) {
        EventMapping::Mapped(actions) => Mapped::Actions {
            event_source: strings.intern(input.event_source),
            event_name: strings.intern(input.event_name),
            region: input.region.map(|r| strings.intern(r)),
            actions: actions
                .iter()
                .map(|a| {
                    (
                        strings.intern(&a.action),
                        a.resources.iter().map(|r| strings.intern(r)).collect(),
                    )
                })
                .collect(),
        },
        EventMapping::NoPermissionNeeded { .. } => Mapped::NoPermission,
        EventMapping::Unmapped => Mapped::Unmapped {
            event_source: strings.intern(input.event_source),
            event_name: strings.intern(input.event_name),
        },
    }
}

fn required<'a>(field: &'a Str<'_>, name: &str) -> Result<&'a str, Outcome> {
    match field {
        Str::Some(s) if !s.is_empty() => Ok(s),
        Str::Some(_) => Err(Outcome::Bad("missing-field", format!("`{name}` is empty"))),
        Str::Wrong => Err(Outcome::Bad("bad-field", format!("`{name}` is not a string"))),
        Str::Missing | Str::Null => Err(Outcome::Bad("missing-field", format!("`{name}` is missing"))),
    }
}

/// The partition from the region (`cn-…`, `us-gov-…`, `us-iso-…`), else from the caller's ARN, else `aws`.
fn partition_of(region: Option<&str>, arn: Option<&str>) -> &'static str {
    if let Some(r) = region {
        if r.starts_with("cn-") {
            return "aws-cn";
        }
        if r.starts_with("us-gov-") {
            return "aws-us-gov";
        }
        if r.starts_with("us-isob-") {
            return "aws-iso-b";
        }
        if r.starts_with("us-iso-") {
            return "aws-iso";
        }
    }
    match arn.and_then(|a| a.split(':').nth(1)) {
        Some("aws-cn") => "aws-cn",
        Some("aws-us-gov") => "aws-us-gov",
        Some("aws-iso") => "aws-iso",
        Some("aws-iso-b") => "aws-iso-b",
        _ => "aws",
    }
}

impl RecordSink for FileSink<'_> {
    fn record(&mut self, rec: Record<'_>) {
        match self.handle(rec) {
            Outcome::Used => {
                self.used += 1;
                self.index += 1;
            }
            Outcome::Filtered(reason) => {
                self.agg.skip(reason);
                self.skipped += 1;
                self.index += 1;
            }
            Outcome::Bad(reason, message) => self.fail(reason, message),
        }
    }

    fn bad_record(&mut self, reason: &'static str, message: String) {
        self.fail(reason, message);
    }

    fn stop(&self) -> bool {
        self.ctx.strict && self.shared.stop.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(request: Option<&'a str>, resources: &'a [decode::RawResource<'a>]) -> MapInput<'a> {
        MapInput {
            event_source: "s3.amazonaws.com",
            event_name: "GetObject",
            event_type: Some("AwsApiCall"),
            partition: "aws",
            region: Some("us-east-1"),
            account: Some("111122223333"),
            request,
            response: None,
            resources,
            error_code: None,
        }
    }

    /// The action names and resource ARNs of a mapping, as strings.
    fn actions(mapped: &Mapped, agg: &Aggregate) -> Vec<(String, Vec<String>)> {
        match mapped {
            Mapped::Actions { actions, .. } => actions
                .iter()
                .map(|(a, rs)| {
                    (
                        agg.strings.get(*a).to_string(),
                        rs.iter().map(|r| agg.strings.get(*r).to_string()).collect(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn memo_hits_only_on_identical_inputs_and_agrees_with_the_catalog() {
        let mut memo = MappingMemo::default();
        let mut agg = Aggregate::default();
        let mut seen = Vec::new();
        let a = r#"{"bucketName":"logs","key":"a.txt"}"#;
        let b = r#"{"bucketName":"logs","key":"b.txt"}"#;
        for req in [a, b, a, a, b] {
            memo.with(&input(Some(req), &[]), &mut agg, |m, agg| {
                seen.push(actions(m, agg))
            });
        }
        assert_eq!(memo.entries.len(), 2);
        let expect = |key: &str| {
            vec![(
                "s3:GetObject".to_string(),
                vec![format!("arn:aws:s3:::logs/{key}")],
            )]
        };
        assert_eq!(seen[0], expect("a.txt"));
        assert_eq!(seen[1], expect("b.txt"));
        assert_eq!(seen[2], seen[0]);
        assert_eq!(seen[4], seen[1]);
        // The event's own `resources` are part of the key.
        let res = [decode::RawResource {
            arn: Str::Some("arn:aws:s3:::other/x".into()),
            kind: Str::Some("AWS::S3::Object".into()),
            account_id: Str::Missing,
        }];
        memo.with(&input(Some(a), &res), &mut agg, |_, _| {});
        assert_eq!(memo.entries.len(), 3);
    }

    #[test]
    fn memo_skips_large_inputs_and_stays_bounded() {
        let mut memo = MappingMemo::default();
        let mut agg = Aggregate::default();
        let big = format!(r#"{{"bucketName":"logs","key":"{}"}}"#, "k".repeat(MEMO_MAX_KEY));
        let mut got = Vec::new();
        memo.with(&input(Some(&big), &[]), &mut agg, |m, agg| got = actions(m, agg));
        assert!(memo.entries.is_empty());
        assert_eq!(got.len(), 1);
        for i in 0..MEMO_MAX_ENTRIES + 10 {
            let req = format!(r#"{{"bucketName":"logs","key":"{i}"}}"#);
            memo.with(&input(Some(&req), &[]), &mut agg, |_, _| {});
        }
        assert!(memo.entries.len() <= MEMO_MAX_ENTRIES);
        assert!(memo.key_bytes <= MEMO_MAX_BYTES);
    }
}

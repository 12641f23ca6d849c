//! Reading what `pare check` compares: a policy file, a `pare.policies/v1` snapshot, a Terraform plan, a
//! CloudFormation template, an auth-details file, a directory of any of these, or `REV:PATH` — the same at a
//! git revision, read with `git ls-tree` and `git show` (git runs as a subprocess in the current directory).

use crate::units::{file_unit, is_policy_document, is_snapshot, snapshot_units, Units};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where an input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file or directory.
    Path(PathBuf),
    /// A path at a git revision.
    Git {
        /// The revision (`origin/main`, `HEAD~1`, a commit).
        rev: String,
        /// The path, relative to the current directory (empty: the whole tree).
        path: String,
    },
}

impl Source {
    /// `REV:PATH` when the text is not an existing path and has a colon; a path otherwise.
    pub fn parse(s: &str) -> Source {
        if Path::new(s).exists() {
            return Source::Path(PathBuf::from(s));
        }
        match s.split_once(':') {
            Some((rev, path)) if !rev.is_empty() => Source::Git {
                rev: rev.to_string(),
                path: path.to_string(),
            },
            _ => Source::Path(PathBuf::from(s)),
        }
    }
}

/// An input error: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// One file to read: how it is shown (and located in SARIF), its key for pairing, its bytes.
struct File {
    display: String,
    key: String,
    bytes: Vec<u8>,
}

const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

fn wanted(path: &str) -> bool {
    let p = Path::new(path);
    let hidden = p.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        (s.starts_with('.') && s != "." && s != "..") || s == "target" || s == "node_modules"
    });
    !hidden
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| InputError(format!("cannot read `{}`: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| InputError(format!("cannot read `{}`: {e}", dir.display())))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn clean(p: &str) -> String {
    let s = p.replace('\\', "/");
    let s = s.trim_start_matches("./");
    s.trim_end_matches('/').to_string()
}

fn local_files(root: &Path) -> Result<(Vec<File>, bool), InputError> {
    let meta =
        std::fs::metadata(root).map_err(|e| InputError(format!("cannot read `{}`: {e}", root.display())))?;
    if meta.is_file() {
        let bytes =
            std::fs::read(root).map_err(|e| InputError(format!("cannot read `{}`: {e}", root.display())))?;
        let display = clean(&root.display().to_string());
        return Ok((
            vec![File {
                display,
                key: String::new(),
                bytes,
            }],
            true,
        ));
    }
    let mut paths = Vec::new();
    walk(root, &mut paths)?;
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let display = clean(&p.display().to_string());
        if !wanted(&display) {
            continue;
        }
        let key = clean(&p.strip_prefix(root).unwrap_or(&p).display().to_string());
        let bytes = std::fs::read(&p).map_err(|e| InputError(format!("cannot read `{display}`: {e}")))?;
        out.push(File { display, key, bytes });
    }
    Ok((out, false))
}

fn git(args: &[&str]) -> Result<Vec<u8>, InputError> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| InputError(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_lowercase();
        return Err(InputError(format!("`git {}` failed: {err}", args.join(" "))));
    }
    Ok(out.stdout)
}

fn git_files(rev: &str, path: &str) -> Result<(Vec<File>, bool), InputError> {
    // Paths from `ls-tree --full-name` are relative to the repository root; the user's path is relative to the
    // current directory, which may be below the root.
    let prefix = String::from_utf8_lossy(&git(&["rev-parse", "--show-prefix"])?)
        .trim()
        .to_string();
    let wanted_path = clean(&format!("{prefix}{}", clean(path)));
    let spec = if clean(path).is_empty() {
        ".".to_string()
    } else {
        clean(path)
    };
    let listing = git(&["ls-tree", "-r", "--full-name", "--name-only", rev, "--", &spec])?;
    let names: Vec<String> = String::from_utf8_lossy(&listing)
        .lines()
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(InputError(format!("`{path}` does not exist at revision `{rev}`")));
    }
    let single = names.len() == 1 && names.first().is_some_and(|n| *n == wanted_path);
    let names: Vec<String> = names.into_iter().filter(|n| single || wanted(n)).collect();
    let blobs = git_blobs(rev, &names)?;
    let mut out = Vec::new();
    for (name, bytes) in names.into_iter().zip(blobs) {
        let key = if single {
            String::new()
        } else {
            clean(name.strip_prefix(&wanted_path).unwrap_or(&name))
        };
        out.push(File {
            display: name,
            key,
            bytes,
        });
    }
    Ok((out, single))
}

/// The contents of `names` at `rev`, in order, from one `git cat-file --batch` process (a `git show` per file
/// would cost a process start each: a second for 400 files).
fn git_blobs(rev: &str, names: &[String]) -> Result<Vec<Vec<u8>>, InputError> {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| InputError(format!("cannot run git: {e}")))?;
    let requests: String = names.iter().map(|n| format!("{rev}:{n}\n")).collect();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| InputError("cannot write to `git cat-file`".to_string()))?;
    // Written from another thread: git answers while it reads, and both pipes have bounded buffers.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| InputError("cannot read from `git cat-file`".to_string()))?;
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| InputError(format!("`git cat-file` failed: {e}")))?;
        // `<sha> blob <size>`, or `<rev>:<name> missing`.
        let size = match header.trim_end().rsplit_once(' ') {
            Some((head, size)) if head.ends_with(" blob") => size.parse::<usize>().ok(),
            _ => None,
        }
        .ok_or_else(|| {
            InputError(format!(
                "`{name}` cannot be read at revision `{rev}`: git says `{}`",
                header.trim_end()
            ))
        })?;
        let mut bytes = vec![0u8; size];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| InputError(format!("`git cat-file` ended early reading `{name}`: {e}")))?;
        let mut newline = [0u8; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|e| InputError(format!("`git cat-file` ended early reading `{name}`: {e}")))?;
        out.push(bytes);
    }
    drop(reader);
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

/// Reads a source into units. A single policy file is one unit with the empty key (so two single files pair
/// up whatever their names); files of a directory are keyed by their path below it.
pub fn load(source: &Source) -> Result<Units, InputError> {
    let (files, single) = match source {
        Source::Path(p) => local_files(p)?,
        Source::Git { rev, path } => git_files(rev, path)?,
    };
    let texts: BTreeMap<String, String> = files
        .iter()
        .filter_map(|f| {
            std::str::from_utf8(&f.bytes)
                .ok()
                .map(|t| (f.display.clone(), t.to_string()))
        })
        .collect();
    let lookup = |name: &str| -> Option<String> {
        texts
            .get(&clean(name))
            .cloned()
            .or_else(|| std::fs::read_to_string(name).ok())
    };
    let mut out = Units::default();
    for f in &files {
        let text = std::str::from_utf8(&f.bytes)
            .map_err(|_| InputError(format!("`{}` is not UTF-8 text", f.display)))?;
        let json: Option<serde_json::Value> = serde_json::from_str(text).ok();
        match json {
            Some(v) if is_policy_document(&v) => {
                let key = if single { String::new() } else { f.key.clone() };
                let unit = file_unit(&key, text, &f.display).map_err(|e| InputError(e.to_string()))?;
                out.units.insert(key, unit);
            }
            Some(v) if is_snapshot(&v) => {
                let u =
                    snapshot_units(&v, &lookup).map_err(|e| InputError(format!("{e} ({})", f.display)))?;
                merge(&mut out, u);
            }
            _ => {
                let snap = pare_load::load_bytes(&f.display, &f.bytes, &pare_load::LoadOptions::default())
                    .map_err(|e| InputError(e.to_string()))?;
                for e in &snap.errors {
                    let msg = format!("{}: {}", e.file, e.message);
                    if single {
                        return Err(InputError(msg));
                    }
                    out.warnings.push(format!("skipped {msg}"));
                }
                let v = serde_json::to_value(&snap).map_err(|e| InputError(e.to_string()))?;
                let u =
                    snapshot_units(&v, &lookup).map_err(|e| InputError(format!("{e} ({})", f.display)))?;
                merge(&mut out, u);
            }
        }
    }
    if files.is_empty() {
        out.warnings.push("no policy files found".to_string());
    }
    Ok(out)
}

fn merge(into: &mut Units, from: Units) {
    for (k, mut u) in from.units {
        match into.units.get_mut(&k) {
            Some(existing) => {
                // The same principal from several files: its policies add up.
                let offset = existing.side.identity.len();
                for (i, d) in u.side.identity.iter_mut().enumerate() {
                    d.label = format!("{}+{}", d.label, offset + i);
                }
                existing.side.identity.extend(u.side.identity);
                if existing.side.boundary.is_none() {
                    existing.side.boundary = u.side.boundary;
                }
            }
            None => {
                into.units.insert(k, u);
            }
        }
    }
    into.warnings.extend(from.warnings);
}

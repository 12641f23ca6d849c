//! What the CLI tests share: running the built `pare` binary and reading what it printed.
//!
//! Each test file includes this module (`mod support;`) and uses what it needs; hence the `dead_code` allowance.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (fixtures live under it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `pare ARGS` in the crate directory, as in CI (no progress bars, no colour).
pub fn pare(args: &[&str]) -> Output {
    command(args).output().expect("run pare")
}

/// Runs `pare ARGS` in `dir`.
pub fn pare_in(dir: &Path, args: &[&str]) -> Output {
    command(args).current_dir(dir).output().expect("run pare")
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pare"));
    cmd.args(args).env("CI", "1").env_remove("RUST_LOG");
    cmd
}

/// The exit code (the tests never kill the process, so there is one).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// Standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `text` to `dir/name` (creating directories) and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

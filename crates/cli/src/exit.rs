//! Exit codes and the one place errors become process exits.

use std::io::IsTerminal;
use std::process::ExitCode;

/// Everything went well.
pub const OK: u8 = 0;
/// The command ran and found something (check, drift, `analyze --fail-on`).
pub const FINDINGS: u8 = 1;
/// Bad usage or bad input.
pub const USAGE: u8 = 2;

/// What a command reports back when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to flag.
    Clean,
    /// Findings: exit 1.
    Findings,
}

/// Maps a command's result to the process exit code, printing the error once.
/// A closed stdout (`pare ... | head`) is a clean exit, not an error.
pub fn finish(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::from(OK),
        Ok(Outcome::Findings) => ExitCode::from(FINDINGS),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(OK);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(USAGE)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Progress bars only on an interactive stderr, never in CI.
pub fn progress_allowed() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

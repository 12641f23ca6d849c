//! The `pare` binary: command-line parsing, wiring of the library crates, terminal output and exit codes.
//!
//! Exit codes: 0 ok, 1 findings (`check`, `drift`, `analyze --fail-on`), 2 usage or input error.
//! Errors are printed once, here, as `error: <what> (<file>:<line or record>)`.

mod commands;
mod exit;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Least-privilege analyzer for AWS IAM: replay CloudTrail, compare with declared policies, propose tight ones.
#[derive(Parser, Debug)]
#[command(name = "pare", disable_version_flag = true, about, long_about = None)]
pub struct Cli {
    /// Print the version (with `--verbose`: the embedded catalog's source and sha256, data notices).
    #[arg(short = 'V', long = "version", global = false)]
    version: bool,
    /// More detail (with `--version`).
    #[arg(short = 'v', long = "verbose", global = true)]
    verbose: bool,
    /// Print nothing but results and errors.
    #[arg(short = 'q', long = "quiet", global = true)]
    quiet: bool,
    /// Never draw progress bars (they are also off when stderr is not a terminal or CI is set).
    #[arg(long = "no-progress", global = true)]
    no_progress: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Options every command sees.
#[derive(Debug, Clone, Copy)]
pub struct Globals {
    /// `-q/--quiet`.
    pub quiet: bool,
    /// `-v/--verbose`.
    pub verbose: bool,
    /// Whether progress bars may be drawn.
    pub progress: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Turn CloudTrail logs into a usage summary (pare.usage/v1).
    Replay(commands::replay::Args),
    /// Merge usage summaries (associative and commutative).
    Merge(commands::merge::Args),
    /// Show what the IAM catalog knows about an action or a wildcard pattern.
    Catalog(commands::catalog::Args),
    /// Load declared policies into a snapshot (pare.policies/v1).
    Policies(commands::policies::Args),
    /// Evaluate one request against policies, as AWS does.
    Eval(commands::eval::Args),
    /// Lint policy files.
    Lint(commands::lint::Args),
    /// Per principal: granted and used, granted but unused, used but not granted.
    Analyze(commands::analyze::Args),
    /// Propose least-privilege policies from observed usage.
    Propose(commands::propose::Args),
    /// Fail when a policy change grants anything new (semantic comparison).
    Check(commands::check::Args),
    /// Compare two usage summaries.
    Drift(commands::drift::Args),
    /// Compliance report for auditors.
    Report(commands::report::Args),
    /// Explore permissions interactively in the terminal.
    Tui(commands::tui::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let globals = Globals {
        quiet: cli.quiet,
        verbose: cli.verbose,
        progress: !cli.no_progress && !cli.quiet && exit::progress_allowed(),
    };
    if cli.version {
        return exit::finish(commands::version::run(globals));
    }
    let Some(command) = cli.command else {
        eprintln!("error: a command is required (see `pare --help`)");
        return ExitCode::from(exit::USAGE);
    };
    let result = match command {
        Command::Replay(a) => commands::replay::run(a, globals),
        Command::Merge(a) => commands::merge::run(a, globals),
        Command::Catalog(a) => commands::catalog::run(a, globals),
        Command::Policies(a) => commands::policies::run(a, globals),
        Command::Eval(a) => commands::eval::run(a, globals),
        Command::Lint(a) => commands::lint::run(a, globals),
        Command::Analyze(a) => commands::analyze::run(a, globals),
        Command::Propose(a) => commands::propose::run(a, globals),
        Command::Check(a) => commands::check::run(a, globals),
        Command::Drift(a) => commands::drift::run(a, globals),
        Command::Report(a) => commands::report::run(a, globals),
        Command::Tui(a) => commands::tui::run(a, globals),
    };
    exit::finish(result)
}

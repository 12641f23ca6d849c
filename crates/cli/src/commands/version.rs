//! `pare --version [--verbose]`.

use crate::exit::Outcome;
use crate::Globals;
use pare_catalog::catalog;
use std::io::Write;

/// Prints the version; with `--verbose`, the data the binary embeds, where it came from, its sha256, and the
/// notices its licences require.
pub fn run(globals: Globals) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "pare {}", env!("CARGO_PKG_VERSION"))?;
    if !globals.verbose {
        return Ok(Outcome::Clean);
    }
    let cat = catalog();
    let source = cat.source();
    writeln!(
        out,
        "catalog: {} {} ({} services, {} actions; API map: {} methods)",
        source.name,
        source.version,
        cat.services().len(),
        cat.action_count(),
        cat.api_method_count()
    )?;
    writeln!(out, "catalog sha256: {}", source.sha256)?;
    writeln!(out, "embedded data:")?;
    for f in &source.files {
        writeln!(out, "  {}", f.name)?;
        writeln!(out, "    sha256  {}", f.sha256)?;
        writeln!(out, "    bytes   {}", f.bytes)?;
        writeln!(out, "    source  {}", f.origin)?;
        writeln!(out, "    licence {}", f.license)?;
    }
    writeln!(out, "data notices:")?;
    for (name, text) in &source.notices {
        writeln!(out, "--- {name}")?;
        for line in text.lines() {
            writeln!(out, "{line}")?;
        }
    }
    Ok(Outcome::Clean)
}

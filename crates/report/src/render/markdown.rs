//! A Markdown summary for a ticket or a pull request: scope, controls, the most severe findings and one line
//! per principal. Every value from logs or policies goes through [`crate::escape::markdown`].

use std::fmt::Write;

use crate::escape::markdown as md;
use crate::model::Report;

/// Findings listed before the rest is summarised.
const TOP_FINDINGS: usize = 25;
/// Principals listed before the rest is summarised.
const TOP_PRINCIPALS: usize = 50;

/// Renders the summary.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let p = &r.provenance;
    let _ = writeln!(s, "# Least-privilege report\n");
    if let Some(g) = &r.generated_at {
        let _ = writeln!(s, "Generated at {}.\n", md(g));
    }
    let _ = writeln!(
        s,
        "- **Accounts:** {}",
        if p.accounts.is_empty() {
            "—".to_string()
        } else {
            p.accounts.iter().map(|a| md(a)).collect::<Vec<_>>().join(", ")
        }
    );
    let _ = writeln!(
        s,
        "- **Log window:** {}",
        p.window
            .as_ref()
            .map(|w| format!("{} → {}", md(&w.start), md(&w.end)))
            .unwrap_or_else(|| "no usage evidence".into())
    );
    let _ = writeln!(s, "- **Evidence:** {}", p.evidence.join(" + "));
    let _ = writeln!(
        s,
        "- **Catalog:** {} {} (sha256 `{}`)",
        md(&p.catalog.name),
        md(&p.catalog.version),
        p.catalog.sha256
    );
    let _ = writeln!(s, "- **pare:** {}", md(&p.pare_version));
    for f in &p.inputs {
        let _ = writeln!(
            s,
            "- **Input ({}):** {} (sha256 `{}`)",
            f.kind,
            md(&f.path),
            f.sha256
        );
    }
    let sm = &r.summary;
    let _ = writeln!(
        s,
        "\n**{}** principals · findings: **{}** high, **{}** medium, **{}** low, {} info · controls: **{}** fail, **{}** need review, **{}** pass\n",
        sm.principals, sm.findings_high, sm.findings_medium, sm.findings_low, sm.findings_info, sm.controls_fail, sm.controls_review, sm.controls_pass
    );
    let _ = writeln!(
        s,
        "## Controls\n\n| Framework | Control | Status | Why | Findings |\n|---|---|---|---|---|"
    );
    for c in &r.controls {
        let _ = writeln!(
            s,
            "| {} | {} {} | **{}** | {} | {} |",
            c.framework,
            md(&c.id),
            md(&c.title),
            c.status.as_str(),
            md(&c.reason),
            c.findings.join(", ")
        );
    }
    let _ = writeln!(s, "\n## Findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(s, "No findings.");
    } else {
        let _ = writeln!(s, "| Severity | Code | Principal | Finding |\n|---|---|---|---|");
        for f in r.findings.iter().take(TOP_FINDINGS) {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} |",
                f.severity.as_str(),
                f.code,
                md(&f.principal),
                md(&f.message)
            );
        }
        if r.findings.len() > TOP_FINDINGS {
            let _ = writeln!(
                s,
                "\n… and {} more findings (see the JSON, CSV or HTML report).",
                r.findings.len() - TOP_FINDINGS
            );
        }
    }
    let _ = writeln!(s, "\n## Principals\n\n| Principal | Kind | Granted | Used | Unused | Unobservable | Missing | Proposal |\n|---|---|---|---|---|---|---|---|");
    for pr in r.principals.iter().take(TOP_PRINCIPALS) {
        let prop = pr
            .proposal
            .as_ref()
            .map(|x| match (x.actions_removed, x.declared_actions) {
                (Some(rm), Some(d)) => format!("{} actions, removes {rm} of {d}", x.proposed_actions),
                _ => format!("{} actions", x.proposed_actions),
            })
            .unwrap_or_else(|| "—".into());
        let c = &pr.counts;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&pr.arn),
            pr.kind,
            c.granted,
            c.used,
            c.unused,
            c.unobservable,
            c.missing,
            prop
        );
    }
    if r.principals.len() > TOP_PRINCIPALS {
        let _ = writeln!(
            s,
            "\n… and {} more principals.",
            r.principals.len() - TOP_PRINCIPALS
        );
    }
    s
}

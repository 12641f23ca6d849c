//! One self-contained HTML file: inline CSS and SVG charts, no script, no network at view time, printable
//! (print CSS opens every section). Every value from logs or policies goes through [`crate::escape::html`].
//! Per-principal sections are collapsed `<details>` with capped lists, so thousands of principals stay small;
//! the complete tables are in the CSV, Parquet and JSON outputs.

use std::fmt::Write;

use crate::escape::html as h;
use crate::model::{PrincipalReport, Report};

/// Rows of each per-principal list shown before the rest is counted.
const LIST_CAP: usize = 12;
/// Findings rows shown in the findings table.
const FINDINGS_CAP: usize = 1500;
/// Reports with at most this many principals are rendered in full detail (each proposed policy document,
/// resources, statements); larger ones switch to a compact layout so 5,000 principals stay well under 10 MB.
const FULL_DETAIL_UP_TO: usize = 200;
/// Rows of each per-principal list in the compact layout.
const COMPACT_CAP: usize = 3;
/// Principals drawn in the "used vs granted" chart.
const CHART_PRINCIPALS: usize = 30;

const CSS: &str = r#"
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--used:#1a7f37;--unused:#cf222e;--unobs:#9a6700;--missing:#8250df;--high:#cf222e;--medium:#bc4c00;--low:#9a6700;--info:#57606a}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:140px}.card b{display:block;font-size:22px}
.sev-high{color:var(--high);font-weight:600}.sev-medium{color:var(--medium);font-weight:600}.sev-low{color:var(--low)}.sev-info{color:var(--info)}
.st-fail{color:#fff;background:var(--high);padding:1px 6px;border-radius:4px}.st-pass{color:#fff;background:var(--used);padding:1px 6px;border-radius:4px}.st-needs-review{color:#fff;background:var(--unobs);padding:1px 6px;border-radius:4px}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}summary{cursor:pointer;font-weight:600}summary .meta{font-weight:400;color:var(--muted)}
.muted{color:var(--muted)}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:400px;font-size:12px}
@media print{body{max-width:none;padding:0}details{break-inside:avoid}details>*{display:block}details:not([open])>*:not(summary){display:block}pre{max-height:none}}
"#;

/// Renders the report.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(64 * 1024 + r.principals.len() * 1200);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>pare least-privilege report</title><style>{CSS}</style></head><body>\n"
    );
    header(&mut s, r);
    charts(&mut s, r);
    controls(&mut s, r);
    findings(&mut s, r);
    principals(&mut s, r);
    s.push_str("</body></html>\n");
    s
}

fn header(s: &mut String, r: &Report) {
    let p = &r.provenance;
    let sm = &r.summary;
    let _ = write!(
        s,
        "<h1>Least-privilege report</h1><p class=\"muted\">Evidence: {}",
        h(&p.evidence.join(" + "))
    );
    if let Some(g) = &r.generated_at {
        let _ = write!(s, " · generated at {}", h(g));
    }
    s.push_str("</p>\n<div class=\"cards\">");
    for (n, label, class) in [
        (sm.principals, "principals", ""),
        (sm.findings_high, "high findings", "sev-high"),
        (sm.findings_medium, "medium findings", "sev-medium"),
        (sm.findings_low, "low findings", "sev-low"),
        (sm.controls_fail, "controls failing", "sev-high"),
        (sm.controls_review, "controls to review", "sev-medium"),
        (sm.controls_pass, "controls passing", ""),
    ] {
        let _ = write!(s, "<div class=\"card\"><b class=\"{class}\">{n}</b>{label}</div>");
    }
    s.push_str("</div>\n<h2 id=\"scope\">Scope and provenance</h2><table>");
    let row = |s: &mut String, k: &str, v: String| {
        let _ = write!(s, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row(
        s,
        "Accounts",
        if p.accounts.is_empty() {
            "—".into()
        } else {
            h(&p.accounts.join(", "))
        },
    );
    row(
        s,
        "Log window",
        p.window
            .as_ref()
            .map(|w| format!("{} → {}", h(&w.start), h(&w.end)))
            .unwrap_or_else(|| "no usage evidence".into()),
    );
    row(s, "Frameworks", h(&p.frameworks.join(", ")));
    row(
        s,
        "IAM catalog",
        format!(
            "{} {} <code>sha256 {}</code>",
            h(&p.catalog.name),
            h(&p.catalog.version),
            h(&p.catalog.sha256)
        ),
    );
    row(s, "pare", h(&p.pare_version));
    row(
        s,
        "Command line",
        format!("<code>{}</code>", h(&p.command_line.join(" "))),
    );
    s.push_str("</table>\n<h3>Inputs</h3><table><tr><th>Kind</th><th>Path</th><th>sha256</th><th>Records</th><th>Skipped</th></tr>");
    for f in &p.inputs {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td></td><td></td></tr>",
            h(&f.kind),
            h(&f.path),
            h(&f.sha256)
        );
    }
    for f in &p.log_sources {
        let _ = write!(
            s,
            "<tr><td>log</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            h(&f.path),
            h(&f.sha256),
            f.records,
            f.skipped
        );
    }
    for f in &p.policy_sources {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td></td><td class=\"n\">{} documents</td><td class=\"n\">{}</td></tr>",
            h(&f.kind),
            h(&f.path),
            f.documents,
            f.skipped
        );
    }
    s.push_str("</table>\n");
}

fn charts(s: &mut String, r: &Report) {
    s.push_str("<h2 id=\"charts\">Used and granted</h2>");
    // Used vs granted per principal: the principals with the most granted actions.
    let mut ps: Vec<&PrincipalReport> = r
        .principals
        .iter()
        .filter(|p| p.counts.granted + p.counts.used > 0)
        .collect();
    ps.sort_by(|a, b| {
        (b.counts.granted + b.counts.missing)
            .cmp(&(a.counts.granted + a.counts.missing))
            .then(a.arn.cmp(&b.arn))
    });
    ps.truncate(CHART_PRINCIPALS);
    if ps.is_empty() {
        s.push_str("<p class=\"muted\">Nothing granted or used.</p>");
        return;
    }
    let max = ps
        .iter()
        .map(|p| p.counts.granted.max(p.counts.used + p.counts.missing))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (label_w, bar_w, row_h) = (360.0, 560.0, 18.0);
    let height = row_h * ps.len() as f64 + 30.0;
    let _ = write!(
        s,
        "<p class=\"legend muted\">Actions per principal (top {} by grants):<span style=\"background:var(--used)\"></span>used<span style=\"background:var(--unobs)\"></span>unobservable<span style=\"background:var(--unused)\"></span>unused<span style=\"background:var(--missing)\"></span>used but not granted</p>\
<svg role=\"img\" aria-label=\"used versus granted actions per principal\" width=\"100%\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">",
        ps.len(),
        label_w + bar_w + 60.0
    );
    for (i, p) in ps.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let name = short(&p.arn, 52);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 12.0,
            h(&name)
        );
        let mut x = label_w;
        for (n, color) in [
            (p.counts.used, "var(--used)"),
            (p.counts.unobservable, "var(--unobs)"),
            (p.counts.unused, "var(--unused)"),
            (p.counts.missing, "var(--missing)"),
        ] {
            let w = n as f64 / max * bar_w;
            if w > 0.0 {
                let _ = write!(s, "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" style=\"fill:{color}\"/>", row_h - 4.0);
                x += w;
            }
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\">{}/{}</text>",
            x + 4.0,
            y + 12.0,
            p.counts.used,
            p.counts.granted
        );
    }
    s.push_str("</svg>");
    // Unused by access level, over all principals.
    let levels = ["List", "Read", "Write", "Permissions management", "Tagging"];
    let mut sums = [(0usize, 0usize); 5];
    for p in &r.principals {
        for l in &p.access_levels {
            if let Some(i) = levels.iter().position(|x| *x == l.level) {
                if let Some(e) = sums.get_mut(i) {
                    e.0 += l.unused;
                    e.1 += l.granted;
                }
            }
        }
    }
    let max = sums.iter().map(|x| x.1).max().unwrap_or(0).max(1) as f64;
    s.push_str("<h3>Unused grants by access level (all principals)</h3><svg role=\"img\" aria-label=\"unused grants by access level\" width=\"100%\" viewBox=\"0 0 980 110\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    for (i, (lvl, (unused, granted))) in levels.iter().zip(sums).enumerate() {
        let y = i as f64 * 20.0 + 4.0;
        let gw = granted as f64 / max * 600.0;
        let uw = unused as f64 / max * 600.0;
        let _ = write!(
            s,
            "<text x=\"200\" y=\"{:.1}\" text-anchor=\"end\">{lvl}</text><rect x=\"206\" y=\"{y:.1}\" width=\"{gw:.1}\" height=\"14\" style=\"fill:#d0d7de\"/><rect x=\"206\" y=\"{y:.1}\" width=\"{uw:.1}\" height=\"14\" style=\"fill:var(--unused)\"/><text x=\"{:.1}\" y=\"{:.1}\">{unused} unused of {granted} granted</text>",
            y + 11.0,
            212.0 + gw,
            y + 11.0
        );
    }
    s.push_str("</svg>\n");
}

fn short(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}

fn controls(s: &mut String, r: &Report) {
    s.push_str("<h2 id=\"controls\">Controls</h2><table><tr><th>Framework</th><th>Control</th><th>Status</th><th>Why</th><th>Findings</th><th>Principals</th></tr>");
    for c in &r.controls {
        let principals = if c.principals.len() > LIST_CAP {
            format!(
                "{} … and {} more",
                h(&c.principals[..LIST_CAP].join(", ")),
                c.principals.len() - LIST_CAP
            )
        } else {
            h(&c.principals.join(", "))
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td><b>{}</b> {}</td><td><span class=\"st-{}\">{}</span></td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
            h(&c.framework),
            h(&c.id),
            h(&c.title),
            c.status.as_str(),
            c.status.as_str(),
            h(&c.reason),
            h(&c.findings.join(", ")),
            principals
        );
    }
    s.push_str("</table>\n");
}

fn findings(s: &mut String, r: &Report) {
    let _ = write!(s, "<h2 id=\"findings\">Findings ({})</h2>", r.findings.len());
    if r.findings.is_empty() {
        s.push_str("<p>No findings.</p>");
        return;
    }
    if r.principals.len() > FULL_DETAIL_UP_TO {
        findings_grouped(s, r);
        return;
    }
    s.push_str("<table><tr><th>Severity</th><th>Code</th><th>Principal</th><th>Finding</th><th>Evidence</th><th>Fix</th></tr>");
    for f in r.findings.iter().take(FINDINGS_CAP) {
        let sev = f.severity.as_str();
        let evidence = if f.evidence.is_empty() {
            String::new()
        } else {
            format!(
                "<details><summary>{} item(s)</summary><ul>{}</ul></details>",
                f.evidence.len(),
                f.evidence
                    .iter()
                    .map(|e| format!("<li class=\"mono\">{}</li>", h(e)))
                    .collect::<String>()
            )
        };
        let _ = write!(
            s,
            "<tr><td class=\"sev-{sev}\">{sev}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{evidence}</td><td>{}</td></tr>",
            h(f.code),
            h(&f.principal),
            h(&f.message),
            h(f.fix)
        );
    }
    s.push_str("</table>");
    if r.findings.len() > FINDINGS_CAP {
        let _ = write!(
            s,
            "<p class=\"muted\">… and {} more findings in the CSV, Parquet and JSON outputs.</p>",
            r.findings.len() - FINDINGS_CAP
        );
    }
}

/// One line of a compact section: the first items and how many more.
fn compact_line(s: &mut String, label: &str, items: impl Iterator<Item = String>, total: usize) {
    if total == 0 {
        return;
    }
    let first: Vec<String> = items.take(COMPACT_CAP).map(|i| h(&i)).collect();
    let more = if total > COMPACT_CAP {
        format!(" (+{})", total - COMPACT_CAP)
    } else {
        String::new()
    };
    let _ = write!(
        s,
        "<p><b>{label}:</b> <span class=\"mono\">{}</span>{more}</p>",
        first.join(", ")
    );
}

/// Large reports: one row per finding code, with how many principals it concerns and a few of them; every
/// finding is still in each principal's section codes and in the CSV, Parquet and JSON outputs.
fn findings_grouped(s: &mut String, r: &Report) {
    let mut groups: Vec<(&str, &str, &str, Vec<&str>)> = Vec::new();
    for f in &r.findings {
        match groups.iter_mut().find(|g| g.0 == f.code) {
            Some(g) => g.3.push(&f.principal),
            None => groups.push((f.code, f.severity.as_str(), f.fix, vec![&f.principal])),
        }
    }
    s.push_str("<table><tr><th>Severity</th><th>Code</th><th>Findings</th><th>Principals (first)</th><th>Fix</th></tr>");
    for (code, sev, fix, principals) in groups {
        let first: Vec<&str> = principals.iter().take(COMPACT_CAP).copied().collect();
        let _ = write!(
            s,
            "<tr><td class=\"sev-{sev}\">{sev}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
            h(code),
            principals.len(),
            h(&first.join(", ")),
            h(fix)
        );
    }
    s.push_str("</table><p class=\"muted\">Every finding, with its evidence, is in the CSV, Parquet and JSON outputs.</p>");
}

fn capped<T>(s: &mut String, items: &[T], cap: usize, head: &str, row: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    let _ = write!(s, "<table>{head}");
    for it in items.iter().take(cap) {
        s.push_str(&row(it));
    }
    s.push_str("</table>");
    if items.len() > cap {
        let _ = write!(s, "<p class=\"muted\">… and {} more.</p>", items.len() - cap);
    }
}

fn principals(s: &mut String, r: &Report) {
    let _ = write!(
        s,
        "<h2 id=\"principals\">Principals ({})</h2>",
        r.principals.len()
    );
    let full = r.principals.len() <= FULL_DETAIL_UP_TO;
    let cap = if full { LIST_CAP } else { COMPACT_CAP };
    if !full {
        let _ = write!(s, "<p class=\"muted\">{} principals: each section shows its {COMPACT_CAP} riskiest unused and most used actions; the complete lists and the proposed policy documents are in the CSV, Parquet and JSON outputs.</p>", r.principals.len());
    }
    for p in &r.principals {
        let c = &p.counts;
        let _ = write!(
            s,
            "<details><summary><span class=\"mono\">{}</span> <span class=\"meta\">{} · granted {} · used {} · unused {} · unobservable {} · missing {}{}</span></summary>",
            h(&p.arn),
            h(&p.kind),
            c.granted,
            c.used,
            c.unused,
            c.unobservable,
            c.missing,
            if p.finding_codes.is_empty() { String::new() } else { format!(" · {}", h(&p.finding_codes.join(", "))) }
        );
        if !full {
            let levels: Vec<String> = p
                .access_levels
                .iter()
                .map(|l| format!("{} {}/{}", h(&l.level), l.used, l.granted))
                .collect();
            if !levels.is_empty() {
                let _ = write!(s, "<p class=\"muted\">used/granted: {}</p>", levels.join(" · "));
            }
        } else if !p.access_levels.is_empty() {
            s.push_str("<table><tr><th>Access level</th><th>Granted</th><th>Used</th><th>Unused</th><th>Unobservable</th></tr>");
            for l in &p.access_levels {
                let _ = write!(s, "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", h(&l.level), l.granted, l.used, l.unused, l.unobservable);
            }
            s.push_str("</table>");
        }
        if !full {
            compact_line(
                s,
                "Riskiest unused",
                p.unused
                    .iter()
                    .map(|u| format!("{} ({})", u.action, u.access_level)),
                p.unused.len(),
            );
            compact_line(
                s,
                "Most used",
                p.used.iter().map(|u| format!("{} ×{}", u.action, u.count)),
                p.used.len(),
            );
            compact_line(
                s,
                "Used but not granted",
                p.missing.iter().map(|m| m.action.clone()),
                p.missing.len(),
            );
            if let Some(prop) = &p.proposal {
                let _ = write!(
                    s,
                    "<p><b>Proposed policy:</b> {} action(s), {} of {} characters</p>",
                    prop.proposed_actions, prop.characters, prop.limit
                );
            }
            s.push_str("</details>\n");
            continue;
        }
        if !p.unused.is_empty() {
            s.push_str("<h3>Riskiest unused grants</h3>");
        }
        capped(
            s,
            &p.unused,
            cap,
            "<tr><th>Action</th><th>Level</th><th>Risk</th><th>Granted by</th></tr>",
            |u| {
                let by = if full {
                    h(&u.granted_by.join(", "))
                } else {
                    String::new()
                };
                format!("<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"mono\">{by}</td></tr>", h(&u.action), h(&u.access_level), u.risk)
            },
        );
        if !p.used.is_empty() {
            s.push_str("<h3>Used</h3>");
        }
        capped(
            s,
            &p.used,
            cap,
            "<tr><th>Action</th><th>Calls</th><th>Last seen</th><th>Resources</th><th>Allowed by</th></tr>",
            |u| {
                let res = if !full {
                    format!("{} resource(s)", u.resources.len())
                } else if u.resources.len() > 3 {
                    format!("{} … +{}", u.resources[..3].join(", "), u.resources.len() - 3)
                } else {
                    u.resources.join(", ")
                };
                let by = if full {
                    h(&u.allowed_by.join(", "))
                } else {
                    String::new()
                };
                format!("<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{by}</td></tr>", h(&u.action), u.count, h(&u.last_seen), h(&res))
            },
        );
        if !p.missing.is_empty() {
            s.push_str("<h3>Used but not granted</h3>");
        }
        capped(
            s,
            &p.missing,
            cap,
            "<tr><th>Action</th><th>Calls</th><th>Denied</th><th>Why</th></tr>",
            |m| {
                format!("<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>", h(&m.action), m.count, m.denied, h(&m.why))
            },
        );
        if !p.wildcard_statements.is_empty() {
            s.push_str("<h3>Wildcard grants</h3>");
        }
        capped(
            s,
            &p.wildcard_statements,
            cap,
            "<tr><th>Statement</th><th>Actions</th><th>Grants</th><th>Used</th></tr>",
            |w| {
                format!("<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", h(&w.statement), h(&w.actions.join(", ")), w.granted, w.used)
            },
        );
        if !p.escalation.is_empty() {
            s.push_str("<h3>Privilege-escalation paths</h3><ol>");
            for e in p.escalation.iter().take(cap) {
                let _ = write!(s, "<li>reaches <span class=\"mono\">{}</span><ol>", h(&e.reaches));
                for st in &e.steps {
                    let _ = write!(s, "<li><span class=\"mono\">{}</span> → <span class=\"mono\">{}</span> by {} <span class=\"muted mono\">{}</span></li>", h(&st.from), h(&st.to), h(&st.method), h(&st.actions.join("; ")));
                }
                s.push_str("</ol></li>");
            }
            s.push_str("</ol>");
        }
        if !p.unobservable.is_empty() {
            let _ = write!(s, "<p class=\"muted\">{} granted action(s) CloudTrail does not show (data events, PassRole, no API call): their use cannot be proven from logs.</p>", p.unobservable.len());
        }
        if let Some(prop) = &p.proposal {
            let removes = match (prop.actions_removed, prop.declared_actions) {
                (Some(rm), Some(d)) => format!(", removes {rm} of {d} declared actions"),
                _ => String::new(),
            };
            let _ = write!(
                s,
                "<p><b>Proposed policy:</b> {} statement(s), {} action(s), {} of {} characters{}.</p>",
                prop.statements, prop.proposed_actions, prop.characters, prop.limit, removes
            );
            if full {
                let _ = write!(
                    s,
                    "<pre>{}</pre>",
                    h(&serde_json::to_string_pretty(&prop.policy).unwrap_or_default())
                );
            }
        }
        s.push_str("</details>\n");
    }
}

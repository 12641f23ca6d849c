//! Renderers for [`CheckReport`]: human text (one screen), JSON, Markdown for a pull-request comment and SARIF
//! 2.1.0 for code-scanning UIs. All deterministic: the same report renders to the same bytes.

use crate::check::{CheckReport, Finding};
use crate::compare::Kind;
use std::fmt::Write as _;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human text.
    Text,
    /// JSON (`pare.check/v1`).
    Json,
    /// Markdown.
    Markdown,
    /// SARIF 2.1.0.
    Sarif,
}

impl Format {
    /// Parses `text`, `json`, `markdown` (or `md`), `sarif`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// Rule id of an expired allow-list entry in SARIF.
pub const EXPIRED_RULE: &str = "allow-entry-expired";

fn location(f: &Finding) -> String {
    let s = &f.statement;
    if s.line > 0 {
        format!("{}:{}:{}", s.file, s.line, s.column)
    } else {
        s.file.clone()
    }
}

fn statement_name(f: &Finding) -> String {
    match &f.statement.sid {
        Some(sid) => format!("statement `{sid}`"),
        None => format!("`{}`", f.statement.path),
    }
}

fn context_text(f: &Finding) -> String {
    let Some(c) = &f.counterexample else {
        return String::new();
    };
    let mut parts: Vec<String> = c
        .context
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect();
    parts.extend(c.absent_keys.iter().map(|k| format!("no {k}")));
    if parts.is_empty() {
        String::new()
    } else {
        format!(" with {}", parts.join(", "))
    }
}

fn example_text(f: &Finding) -> String {
    match &f.counterexample {
        Some(c) => format!(
            "`{}` on `{}`{} (head: Allow, base: {})",
            c.action,
            c.resource,
            context_text(f),
            c.base_decision
        ),
        None => "no exact counterexample".to_string(),
    }
}

fn actions_text(f: &Finding) -> String {
    let shown: Vec<String> = f.actions.iter().take(5).map(|a| format!("`{a}`")).collect();
    if f.actions_total > shown.len() {
        format!("{} and {} more", shown.join(", "), f.actions_total - shown.len())
    } else {
        shown.join(", ")
    }
}

/// Human text: a verdict line, then each finding in a few lines.
pub fn text(r: &CheckReport) -> String {
    let mut o = String::new();
    if r.fails() {
        let _ = writeln!(
            o,
            "head is broader than base: {} finding(s){}{}",
            r.findings.len(),
            if r.accepted.is_empty() {
                String::new()
            } else {
                format!(", {} accepted", r.accepted.len())
            },
            if r.expired.is_empty() {
                String::new()
            } else {
                format!(", {} expired allow-list entr(ies)", r.expired.len())
            }
        );
    } else {
        let _ = writeln!(
            o,
            "head grants nothing base did not ({} unit(s) compared{})",
            r.summary.units,
            if r.accepted.is_empty() {
                String::new()
            } else {
                format!(", {} accepted broadening(s)", r.accepted.len())
            }
        );
    }
    for f in &r.findings {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{}  {}  {} of {}",
            f.kind.code(),
            location(f),
            statement_name(f),
            f.unit
        );
        let _ = writeln!(o, "  now allowed: {}", actions_text(f));
        let _ = writeln!(o, "  e.g. {}", example_text(f));
        let _ = writeln!(o, "  why: {}", f.why);
        let _ = writeln!(o, "  fix: {}", f.fix);
    }
    for e in &r.expired {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{EXPIRED_RULE}  {}:{}  expired on {}: {}",
            e.file, e.entry.line, e.entry.expires, e.entry.reason
        );
        let _ = writeln!(
            o,
            "  fix: renew the entry with a new date, or remove it and narrow the policy"
        );
    }
    if !r.accepted.is_empty() {
        let _ = writeln!(o);
        for f in &r.accepted {
            let reason = f
                .accepted
                .as_ref()
                .map(|e| format!("{} (until {})", e.reason, e.expires))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "accepted  {}  {}  {}: {}",
                f.kind.code(),
                location(f),
                actions_text(f),
                reason
            );
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

/// JSON (`pare.check/v1`), pretty-printed, newline-terminated.
pub fn json(r: &CheckReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown for a pull-request comment.
pub fn markdown(r: &CheckReport) -> String {
    let mut o = String::new();
    if r.fails() {
        let _ = writeln!(o, "### pare check: the policy change grants more than before");
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{} finding(s), {} accepted, {} expired allow-list entr(ies). Base `{}`, head `{}`.",
            r.findings.len(),
            r.accepted.len(),
            r.expired.len(),
            md_escape(&r.base),
            md_escape(&r.head)
        );
    } else {
        let _ = writeln!(o, "### pare check: no broadening");
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{} unit(s) compared; head grants nothing base did not. Base `{}`, head `{}`.",
            r.summary.units,
            md_escape(&r.base),
            md_escape(&r.head)
        );
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "| kind | where | now allowed | example request | why | fix |");
        let _ = writeln!(o, "| --- | --- | --- | --- | --- | --- |");
        for f in &r.findings {
            let _ = writeln!(
                o,
                "| `{}` | `{}` {} ({}) | {} | {} | {} | {} |",
                f.kind.code(),
                md_escape(&location(f)),
                md_escape(&statement_name(f)),
                md_escape(&f.unit),
                md_escape(&actions_text(f)),
                md_escape(&example_text(f)),
                md_escape(&f.why),
                md_escape(&f.fix)
            );
        }
    }
    if !r.expired.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Expired allow-list entries (renew or remove them):");
        let _ = writeln!(o);
        for e in &r.expired {
            let _ = writeln!(
                o,
                "- `{}:{}` expired on {}: {}",
                e.file,
                e.entry.line,
                e.entry.expires,
                md_escape(&e.entry.reason)
            );
        }
    }
    if !r.accepted.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "<details><summary>{} accepted broadening(s)</summary>",
            r.accepted.len()
        );
        let _ = writeln!(o);
        for f in &r.accepted {
            let reason = f
                .accepted
                .as_ref()
                .map(|e| format!("{} (until {})", e.reason, e.expires))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "- `{}` `{}`: {} — {}",
                f.kind.code(),
                location(f),
                actions_text(f),
                md_escape(&reason)
            );
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "</details>");
    }
    o
}

fn sarif_rules() -> Vec<serde_json::Value> {
    let mut rules: Vec<serde_json::Value> = Kind::ALL
        .iter()
        .map(|k| {
            serde_json::json!({
                "id": k.code(),
                "name": k.code(),
                "shortDescription": {"text": k.description()},
                "defaultConfiguration": {"level": if *k == Kind::PossiblyBroader { "warning" } else { "error" }},
            })
        })
        .collect();
    rules.push(serde_json::json!({
        "id": EXPIRED_RULE,
        "name": EXPIRED_RULE,
        "shortDescription": {"text": "an allow-list entry passed its expiry date"},
        "defaultConfiguration": {"level": "error"},
    }));
    rules
}

fn region(line: u32, column: u32) -> serde_json::Value {
    serde_json::json!({"startLine": line.max(1), "startColumn": column.max(1)})
}

/// SARIF 2.1.0: one run, one rule per finding kind, one result per finding with its location.
pub fn sarif(r: &CheckReport) -> String {
    let rules = sarif_rules();
    let index_of = |id: &str| rules.iter().position(|x| x["id"] == id).unwrap_or(0);
    let mut results: Vec<serde_json::Value> = Vec::new();
    for f in &r.findings {
        let msg = format!(
            "{} of {} grants {}: e.g. {}. Why: {}. Fix: {}",
            statement_name(f),
            f.unit,
            actions_text(f),
            example_text(f),
            f.why,
            f.fix
        );
        results.push(serde_json::json!({
            "ruleId": f.kind.code(),
            "ruleIndex": index_of(f.kind.code()),
            "level": if f.kind == Kind::PossiblyBroader { "warning" } else { "error" },
            "message": {"text": msg},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.statement.file, "uriBaseId": "%SRCROOT%"},
                    "region": region(f.statement.line, f.statement.column),
                },
                "logicalLocations": [{"name": f.statement.path, "fullyQualifiedName": format!("{}/{}", f.unit, f.statement.path)}],
            }],
            "properties": {
                "unit": f.unit,
                "actions": f.actions,
                "actionsTotal": f.actions_total,
                "counterexample": f.counterexample,
            },
        }));
    }
    for e in &r.expired {
        results.push(serde_json::json!({
            "ruleId": EXPIRED_RULE,
            "ruleIndex": index_of(EXPIRED_RULE),
            "level": "error",
            "message": {"text": format!("allow-list entry expired on {}: {}", e.entry.expires, e.entry.reason)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": e.file, "uriBaseId": "%SRCROOT%"},
                    "region": region(e.entry.line as u32, 1),
                },
            }],
        }));
    }
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pare",
                "informationUri": "https://example.invalid/pare",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Renders in `format`.
pub fn render(r: &CheckReport, format: Format) -> String {
    match format {
        Format::Text => text(r),
        Format::Json => json(r),
        Format::Markdown => markdown(r),
        Format::Sarif => sarif(r),
    }
}

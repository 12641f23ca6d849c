//! `pare catalog`: what the IAM catalog knows about an action or pattern.

use crate::exit::Outcome;
use crate::Globals;
use pare_catalog::{catalog, ActionInfo};
use serde_json::{json, Value};
use std::io::Write;

/// Arguments of `pare catalog`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An action (`s3:GetObject`) or a wildcard pattern (`s3:Get*`, `*:List*`).
    pub query: String,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let _ = globals;
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => anyhow::bail!("unknown format `{other}` for `pare catalog`: expected `text` or `json`"),
    };
    let query = args.query.trim();
    let cat = catalog();
    let mut out = std::io::stdout().lock();
    if query.contains(['*', '?']) {
        let actions = cat.expand(query);
        if actions.is_empty() {
            anyhow::bail!("`{query}` matches no action in the catalog{}", hint(query));
        }
        if json {
            let doc = json!({
                "pattern": query,
                "count": actions.len(),
                "actions": actions.iter().map(|a| json!({"action": a.full_name, "access_level": a.access_level.as_str()})).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        } else {
            write_expansion(&mut out, query, &actions)?;
        }
        return Ok(Outcome::Clean);
    }
    if !query.contains(':') {
        match cat.service(query) {
            Some(service) => anyhow::bail!(
                "`{query}` is a service, not an action: write `{}:*` for its {} actions",
                service.prefix,
                service.actions().len()
            ),
            None => anyhow::bail!("`{query}` is not an action: write `service:Action`, e.g. `s3:GetObject`"),
        }
    }
    let Some(action) = cat.action(query) else {
        anyhow::bail!("unknown action `{query}`{}", hint(query));
    };
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&action_json(&action))?)?;
    } else {
        write_action(&mut out, &action)?;
    }
    Ok(Outcome::Clean)
}

fn hint(query: &str) -> String {
    match catalog().suggest(&query.replace(['*', '?'], "")) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

fn action_json(a: &ActionInfo<'_>) -> Value {
    let service = catalog().service(a.prefix);
    json!({
        "action": a.full_name,
        "service": a.prefix,
        "service_name": service.map(|s| s.name),
        "access_level": a.access_level.as_str(),
        "access_level_detail": a.access_level_text,
        "resource_types": a.resource_types.iter().map(|r| json!({
            "name": r.name,
            "required": r.required,
            "arn": r.arn,
            "condition_keys": r.condition_keys,
            "dependent_actions": r.dependent_actions,
        })).collect::<Vec<_>>(),
        "condition_keys": a.condition_keys,
        "dependent_actions": a.dependent_actions,
    })
}

fn write_action(out: &mut impl Write, a: &ActionInfo<'_>) -> std::io::Result<()> {
    let service = catalog().service(a.prefix);
    writeln!(out, "{}", a.full_name)?;
    writeln!(
        out,
        "  service        {} ({})",
        service.map(|s| s.name).unwrap_or_default(),
        a.prefix
    )?;
    if a.access_level_text.contains(',') {
        writeln!(
            out,
            "  access level   {} ({})",
            a.access_level, a.access_level_text
        )?;
    } else {
        writeln!(out, "  access level   {}", a.access_level)?;
    }
    if a.resource_types.is_empty() {
        writeln!(
            out,
            "  resource types none: the action supports only \"Resource\": \"*\""
        )?;
    } else {
        writeln!(out, "  resource types (* = required)")?;
        let width = a
            .resource_types
            .iter()
            .map(|r| r.name.len() + 1)
            .max()
            .unwrap_or_default();
        for r in a.resource_types {
            let name = format!("{}{}", r.name, if r.required { "*" } else { "" });
            writeln!(out, "    {name:<width$}  {}", r.arn)?;
            if !r.condition_keys.is_empty() {
                writeln!(
                    out,
                    "    {:<width$}  condition keys: {}",
                    "",
                    r.condition_keys.join(", ")
                )?;
            }
            if !r.dependent_actions.is_empty() {
                writeln!(
                    out,
                    "    {:<width$}  dependent actions: {}",
                    "",
                    r.dependent_actions.join(", ")
                )?;
            }
        }
    }
    if a.condition_keys.is_empty() {
        writeln!(out, "  condition keys none")?;
    } else {
        writeln!(out, "  condition keys")?;
        for k in a.condition_keys {
            writeln!(out, "    {k}")?;
        }
    }
    if a.dependent_actions.is_empty() {
        writeln!(out, "  dependent actions none")?;
    } else {
        writeln!(out, "  dependent actions")?;
        for d in a.dependent_actions {
            writeln!(out, "    {d}")?;
        }
    }
    Ok(())
}

fn write_expansion(out: &mut impl Write, pattern: &str, actions: &[ActionInfo<'_>]) -> std::io::Result<()> {
    let noun = if actions.len() == 1 { "action" } else { "actions" };
    writeln!(out, "{pattern} matches {} {noun}", actions.len())?;
    let width = actions
        .iter()
        .map(|a| a.full_name.len())
        .max()
        .unwrap_or_default();
    for a in actions {
        writeln!(out, "  {:<width$}  {}", a.full_name, a.access_level)?;
    }
    Ok(())
}

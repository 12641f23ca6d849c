//! `pare eval`: one request through the IAM evaluation logic.
//!
//! Prints the decision, the reason and the statements that decided it (text or JSON); exits 0 whatever the
//! decision. A policy that cannot be parsed is an input error (exit 2) naming the file, line, column and JSON
//! path. Actions the embedded catalog does not know are warnings with a did-you-mean (the catalog may lag
//! behind AWS, so they never fail the command).

use crate::exit::Outcome;
use crate::Globals;
use anyhow::{bail, Context as _};
use pare_policy::{
    evaluate, ActionLookup, ContextValue, EvalInput, ParseOptions, Policy, PolicyRef, Request,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `pare eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    pub action: String,
    /// The resource ARN (`*` for actions without resource-level permissions).
    #[arg(long)]
    pub resource: String,
    /// Identity policy files.
    #[arg(long)]
    pub policy: Vec<PathBuf>,
    /// Permission boundary file.
    #[arg(long)]
    pub boundary: Option<PathBuf>,
    /// SCP files, one organization level each (every level must allow).
    #[arg(long)]
    pub scp: Vec<PathBuf>,
    /// Resource-based policy file.
    #[arg(long)]
    pub resource_policy: Option<PathBuf>,
    /// The calling principal ARN.
    #[arg(long)]
    pub principal: Option<String>,
    /// Request context entries, KEY=VALUE (repeat a key for a multi-valued key).
    #[arg(long)]
    pub context: Vec<String>,
    /// JSON object of context keys to a string or an array of strings.
    #[arg(long)]
    pub context_file: Option<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// A policy file read and parsed, with its label.
struct Loaded {
    label: String,
    policy: Policy,
}

fn known_action(name: &str) -> ActionLookup {
    let catalog = pare_catalog::catalog();
    if catalog.action(name).is_some() {
        ActionLookup::Known
    } else {
        ActionLookup::Unknown {
            suggestion: catalog.suggest(name).map(str::to_string),
        }
    }
}

fn load(path: &Path, globals: Globals) -> anyhow::Result<Loaded> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read policy file `{label}`"))?;
    let opts = ParseOptions {
        file: Some(&label),
        known_action: None,
    };
    let policy = pare_policy::parse_with(&text, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !globals.quiet {
        for w in policy.unknown_actions(Some(&label), &known_action) {
            eprintln!("warning: {w}");
        }
    }
    Ok(Loaded { label, policy })
}

/// Context from `--context-file` then `--context` (a key given on the command line replaces the file's; a key
/// repeated on the command line is multivalued).
fn context(args: &Args) -> anyhow::Result<HashMap<String, ContextValue>> {
    let mut out: HashMap<String, ContextValue> = HashMap::new();
    if let Some(path) = &args.context_file {
        let label = path.display().to_string();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read context file `{label}`"))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "invalid JSON in context file ({label}:{}:{}): {e}",
                e.line(),
                e.column()
            )
        })?;
        let Value::Object(map) = value else {
            bail!("the context file must be a JSON object of key to string or array of strings ({label})");
        };
        for (k, v) in map {
            let scalar = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            let cv = match &v {
                Value::Array(items) => {
                    let mut vals = Vec::with_capacity(items.len());
                    for item in items {
                        match scalar(item) {
                            Some(s) => vals.push(s),
                            None => bail!("context key `{k}` must hold strings ({label})"),
                        }
                    }
                    ContextValue::Multi(vals)
                }
                other => match scalar(other) {
                    Some(s) => ContextValue::Single(s),
                    None => bail!("context key `{k}` must be a string or an array of strings ({label})"),
                },
            };
            out.insert(k.to_ascii_lowercase(), cv);
        }
    }
    let mut from_cli: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &args.context {
        let Some((k, v)) = entry.split_once('=') else {
            bail!("`--context {entry}` must be KEY=VALUE");
        };
        let k = k.trim().to_ascii_lowercase();
        if k.is_empty() {
            bail!("`--context {entry}` has an empty key");
        }
        match from_cli.iter_mut().find(|(key, _)| *key == k) {
            Some((_, vals)) => vals.push(v.to_string()),
            None => from_cli.push((k, vec![v.to_string()])),
        }
    }
    for (k, mut vals) in from_cli {
        let cv = if vals.len() == 1 {
            ContextValue::Single(vals.remove(0))
        } else {
            ContextValue::Multi(vals)
        };
        out.insert(k, cv);
    }
    Ok(out)
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    if args.format != "text" && args.format != "json" {
        bail!("unknown format `{}` (expected `text` or `json`)", args.format);
    }
    let identity = args
        .policy
        .iter()
        .map(|p| load(p, globals))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let boundary = args.boundary.as_deref().map(|p| load(p, globals)).transpose()?;
    let scps = args
        .scp
        .iter()
        .map(|p| load(p, globals))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let resource_policy = args
        .resource_policy
        .as_deref()
        .map(|p| load(p, globals))
        .transpose()?;
    let request = Request {
        action: args.action.clone(),
        resource: args.resource.clone(),
        principal: args.principal.clone(),
        context: context(&args)?,
    };
    let input = EvalInput {
        identity: identity.iter().map(as_ref).collect(),
        boundary: boundary.as_ref().map(as_ref),
        scps: scps.iter().map(|l| vec![as_ref(l)]).collect(),
        resource_policy: resource_policy.as_ref().map(as_ref),
    };
    let result = evaluate(&input, &request);

    let all: Vec<&Loaded> = identity
        .iter()
        .chain(boundary.iter())
        .chain(scps.iter())
        .chain(resource_policy.iter())
        .collect();
    let statement_path = |source: &str, index: usize| -> String {
        all.iter()
            .find(|l| l.label == source)
            .map(|l| l.policy.statement_path(index))
            .unwrap_or_else(|| format!("Statement[{index}]"))
    };

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == "json" {
        let matched: Vec<Value> = result
            .matched
            .iter()
            .map(|m| {
                json!({
                    "source": m.source,
                    "sid": m.sid,
                    "effect": m.effect.as_str(),
                    "statement": statement_path(m.source, m.index),
                    "layer": layer_name(m.layer),
                })
            })
            .collect();
        let doc = json!({
            "decision": result.decision.as_str(),
            "reason": result.reason.to_string(),
            "matched": matched,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(
            out,
            "{}: {} {}",
            result.decision, request.action, request.resource
        )?;
        writeln!(out, "  {}", result.reason)?;
        for m in &result.matched {
            let sid = m.sid.map(|s| format!(" (Sid `{s}`)")).unwrap_or_default();
            writeln!(
                out,
                "  {:<5} {}: {}{} [{}]",
                m.effect.as_str(),
                m.source,
                statement_path(m.source, m.index),
                sid,
                m.layer
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

fn as_ref(l: &Loaded) -> PolicyRef<'_> {
    PolicyRef {
        label: l.label.as_str(),
        policy: &l.policy,
    }
}

fn layer_name(layer: pare_policy::Layer) -> String {
    match layer {
        pare_policy::Layer::Identity => "identity".to_string(),
        pare_policy::Layer::Boundary => "boundary".to_string(),
        pare_policy::Layer::Scp(level) => format!("scp[{level}]"),
        pare_policy::Layer::ResourcePolicy => "resource_policy".to_string(),
    }
}

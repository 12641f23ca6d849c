//! What gets compared pairwise: *units*. A snapshot yields one unit per principal (its identity policies,
//! group policies included, and its permissions boundary) and one per unattached policy; a bare policy file is a
//! unit of its own, keyed by its path. Units of base and head are paired by key.

use crate::side::{Doc, Side};
use pare_policy::{parse_with, ParseError, ParseOptions};
use std::collections::BTreeMap;

/// What a unit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// An IAM user, role or group from a snapshot.
    Principal,
    /// A policy document not attached to any principal (a policy file).
    Policy,
}

/// One comparable unit.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The pairing key: a principal ARN, or a policy file's relative path.
    pub key: String,
    /// Principal or policy.
    pub kind: UnitKind,
    /// Its policies.
    pub side: Side,
}

/// All units of one input, by key.
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// The units.
    pub units: BTreeMap<String, Unit>,
    /// Non-fatal problems met while reading (file and message).
    pub warnings: Vec<String>,
}

/// Parses one policy document from text.
pub fn parse_doc(
    text: &str,
    file: &str,
    name: &str,
    json_path: &str,
    label: &str,
) -> Result<Doc, ParseError> {
    let opts = ParseOptions {
        file: Some(file),
        known_action: None,
    };
    let policy = parse_with(text, &opts)?;
    Ok(Doc {
        label: label.to_string(),
        name: name.to_string(),
        file: file.to_string(),
        json_path: json_path.to_string(),
        policy,
    })
}

/// Whether a JSON value is a policy document (has `Statement`).
pub fn is_policy_document(v: &serde_json::Value) -> bool {
    v.get("Statement").is_some()
}

/// Whether a JSON value is a `pare.policies/v1` snapshot.
pub fn is_snapshot(v: &serde_json::Value) -> bool {
    v.get("schema").and_then(|s| s.as_str()) == Some("pare.policies/v1")
}

/// A snapshot document entry → [`Doc`]. When `texts` holds the original file of the entry's origin and the
/// document is the whole file (`$`), positions come from that text.
fn snapshot_doc(
    entry: &serde_json::Value,
    label: String,
    texts: &dyn Fn(&str) -> Option<String>,
) -> Result<Doc, String> {
    let name = entry
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("policy")
        .to_string();
    let origin = entry.get("origin");
    let file = origin
        .and_then(|o| o.get("file"))
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let json_path = origin
        .and_then(|o| o.get("json_path"))
        .and_then(|v| v.as_str())
        .unwrap_or("$")
        .to_string();
    let document = entry.get("document").cloned().unwrap_or(serde_json::Value::Null);
    // Prefer the original text (for line and column) when it still holds the same document.
    if json_path == "$" {
        if let Some(text) = texts(&file) {
            if serde_json::from_str::<serde_json::Value>(&text).ok().as_ref() == Some(&document) {
                if let Ok(d) = parse_doc(&text, &file, &name, &json_path, &label) {
                    return Ok(d);
                }
            }
        }
    }
    let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    let mut d = parse_doc(&text, &file, &name, &json_path, &label).map_err(|e| e.to_string())?;
    // Positions in the re-serialized text mean nothing to the user.
    for st in &mut d.policy.statements {
        st.spans = Default::default();
    }
    Ok(d)
}

/// Units of a `pare.policies/v1` snapshot given as JSON. `texts` reads an origin file's text, if available.
pub fn snapshot_units(
    v: &serde_json::Value,
    texts: &dyn Fn(&str) -> Option<String>,
) -> Result<Units, String> {
    let mut out = Units::default();
    let principals = v
        .get("principals")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default();
    let by_arn: BTreeMap<String, &serde_json::Value> = principals
        .iter()
        .filter_map(|p| p.get("arn").and_then(|a| a.as_str()).map(|a| (a.to_string(), p)))
        .collect();
    let docs_of = |p: &serde_json::Value, field: &str| -> Vec<serde_json::Value> {
        p.get(field)
            .and_then(|x| x.as_array())
            .cloned()
            .unwrap_or_default()
    };
    // SCPs apply to every principal of the snapshot; several SCPs count as one level (any of them may allow).
    let mut scps = Vec::new();
    for (i, e) in v
        .get("scps")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        scps.push(snapshot_doc(e, format!("scp#{i}"), texts)?);
    }
    for p in &principals {
        let Some(arn) = p.get("arn").and_then(|a| a.as_str()) else {
            return Err("a principal has no `arn`".to_string());
        };
        let mut side = Side::default();
        if !scps.is_empty() {
            side.scps = vec![scps.clone()];
        }
        let mut n = 0usize;
        let mut add = |entry: &serde_json::Value, how: &str, side: &mut Side| -> Result<(), String> {
            let label = format!("{how}#{n}");
            n += 1;
            let d = snapshot_doc(entry, label, texts).map_err(|e| format!("{arn}: {e}"))?;
            side.identity.push(d);
            Ok(())
        };
        for e in docs_of(p, "inline") {
            add(&e, "inline", &mut side)?;
        }
        for e in docs_of(p, "attached") {
            add(&e, "attached", &mut side)?;
        }
        for g in p
            .get("groups")
            .and_then(|g| g.as_array())
            .cloned()
            .unwrap_or_default()
        {
            let Some(g) = g.as_str() else { continue };
            match by_arn.get(g) {
                Some(gp) => {
                    for e in docs_of(gp, "inline").iter().chain(docs_of(gp, "attached").iter()) {
                        add(e, "group", &mut side)?;
                    }
                }
                None => out
                    .warnings
                    .push(format!("{arn}: group `{g}` is not in the snapshot")),
            }
        }
        if let Some(b) = p.get("boundary").filter(|b| !b.is_null()) {
            side.boundary =
                Some(snapshot_doc(b, "boundary".to_string(), texts).map_err(|e| format!("{arn}: {e}"))?);
        }
        out.units.insert(
            arn.to_string(),
            Unit {
                key: arn.to_string(),
                kind: crate::units::UnitKind::Principal,
                side,
            },
        );
    }
    for (i, e) in v
        .get("policies")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let d = snapshot_doc(e, format!("policy#{i}"), texts)?;
        let key = d.name.clone();
        let mut side = Side::default();
        side.identity.push(d);
        out.units.insert(
            key.clone(),
            Unit {
                key,
                kind: UnitKind::Policy,
                side,
            },
        );
    }
    Ok(out)
}

/// The unit of a bare policy file.
pub fn file_unit(key: &str, text: &str, file: &str) -> Result<Unit, ParseError> {
    let d = parse_doc(text, file, key, "$", "policy#0")?;
    let mut side = Side::default();
    side.identity.push(d);
    Ok(Unit {
        key: key.to_string(),
        kind: UnitKind::Policy,
        side,
    })
}

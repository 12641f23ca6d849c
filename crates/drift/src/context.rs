//! The condition dimension: for the condition entries that bear on one key, a finite set of representative
//! context values (the key absent, single values, sets of values) such that every combination of entry
//! outcomes any real value can produce is produced by one of them. Each entry is evaluated by pare_policy's own
//! condition evaluation; only the choice of candidates lives here.

use crate::glob::{self, Dialect, Glob};
use pare_policy::{Condition, ContextValue, Family, Operator, OperatorKind, Request};
use std::collections::BTreeMap;

/// A condition entry (one operator, one key) as found in some statement.
#[derive(Debug, Clone)]
pub struct Clause {
    /// The operator with its qualifier and `IfExists`.
    pub operator: Operator,
    /// The condition holding only this entry.
    pub condition: Condition,
}

/// The representative values of one key: each is `None` (absent) or a value, with the outcome vector of the
/// key's clauses, deduplicated by outcome.
#[derive(Debug, Clone)]
pub struct KeyClasses {
    /// The key (lowercase).
    pub key: String,
    /// One representative per distinct outcome vector.
    pub values: Vec<Option<ContextValue>>,
    /// Why the candidates may not cover every behaviour, if so.
    pub inexact: Option<String>,
}

/// Substitutes every policy variable in `text` by `sample`.
fn substitute(text: &str, sample: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 2..).unwrap_or_default();
        match after.find('}') {
            Some(j) => {
                let key = after.get(..j).unwrap_or_default().trim();
                match key {
                    "*" => out.push('*'),
                    "?" => out.push('?'),
                    "$" => out.push('$'),
                    _ => out.push_str(sample),
                }
                rest = after.get(j + 1..).unwrap_or_default();
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn ip_candidates(text: &str, out: &mut Vec<String>) {
    let net: Option<ipnet::IpNet> = text.trim().parse::<ipnet::IpNet>().ok().or_else(|| {
        text.trim()
            .parse::<std::net::IpAddr>()
            .ok()
            .map(ipnet::IpNet::from)
    });
    let Some(net) = net else { return };
    match net {
        ipnet::IpNet::V4(n) => {
            let lo = u32::from(n.network());
            let hi = u32::from(n.broadcast());
            out.push(std::net::Ipv4Addr::from(lo).to_string());
            if let Some(b) = lo.checked_sub(1) {
                out.push(std::net::Ipv4Addr::from(b).to_string());
            }
            if let Some(a) = hi.checked_add(1) {
                out.push(std::net::Ipv4Addr::from(a).to_string());
            }
        }
        ipnet::IpNet::V6(n) => {
            let lo = u128::from(n.network());
            let hi = u128::from(n.broadcast());
            out.push(std::net::Ipv6Addr::from(lo).to_string());
            if let Some(b) = lo.checked_sub(1) {
                out.push(std::net::Ipv6Addr::from(b).to_string());
            }
            if let Some(a) = hi.checked_add(1) {
                out.push(std::net::Ipv6Addr::from(a).to_string());
            }
        }
    }
}

/// Candidate single values for the clauses of one key.
fn single_candidates(clauses: &[Clause], var_sample: &str) -> (Vec<String>, Option<String>) {
    let mut out: Vec<String> = Vec::new();
    let mut inexact = None;
    let mut string_globs: Vec<Glob> = Vec::new();
    let mut arn_globs: Vec<Glob> = Vec::new();
    for c in clauses {
        let fam = c.operator.kind.family();
        for e in &c.condition.entries {
            for v in &e.values {
                let text = v.as_str();
                let has_var = text.contains("${") && c.operator.kind.takes_variables();
                if has_var && inexact.is_none() {
                    inexact = Some(format!(
                        "condition value `{text}` holds a policy variable; compared with one sample value"
                    ));
                }
                let text = if has_var {
                    substitute(text, var_sample)
                } else {
                    text.to_string()
                };
                match fam {
                    Family::String => match c.operator.kind {
                        OperatorKind::StringLike | OperatorKind::StringNotLike => {
                            string_globs.push(Glob::compile(&text, Dialect::Plain, None));
                        }
                        OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase => {
                            out.push(text.to_lowercase());
                            out.push(text.to_uppercase());
                            string_globs.push(Glob::literal(&text));
                        }
                        _ => string_globs.push(Glob::literal(&text)),
                    },
                    Family::Arn => match c.operator.kind {
                        OperatorKind::ArnLike | OperatorKind::ArnNotLike => {
                            arn_globs.push(Glob::compile(&text, Dialect::Arn, None));
                        }
                        _ => arn_globs.push(Glob::compile(&text, Dialect::Arn, None)),
                    },
                    Family::Numeric => {
                        if let Ok(n) = text.trim().parse::<f64>() {
                            for d in [-1.0, -0.5, 0.0, 0.5, 1.0] {
                                let x = n + d;
                                if x.fract() == 0.0 && x.abs() < 1e15 {
                                    out.push(format!("{}", x as i64));
                                } else {
                                    out.push(format!("{x}"));
                                }
                            }
                        }
                        out.push(text.clone());
                    }
                    Family::Date => {
                        out.push(text.clone());
                        if let Some((secs, nanos)) = pare_policy::parse_date(&text) {
                            for d in [-1i64, 0, 1] {
                                out.push(format!("{}", secs + d));
                            }
                            if nanos != 0 {
                                out.push(format!("{}", secs + 1));
                            }
                        }
                    }
                    Family::Bool => {
                        out.push(text.clone());
                        out.push(text.to_lowercase());
                    }
                    Family::Binary => out.push(text.clone()),
                    Family::Ip => ip_candidates(&text, &mut out),
                    Family::Null => {}
                }
            }
        }
    }
    for globs in [&string_globs, &arn_globs] {
        if globs.is_empty() {
            continue;
        }
        match glob::signatures(globs, glob::MAX_STATES) {
            Ok(sigs) => out.extend(sigs.into_values()),
            Err(glob::TooLarge) => {
                inexact = Some("condition patterns too complex to enumerate exactly".to_string());
                for g in globs.iter() {
                    out.extend(glob::fillings(g.toks()));
                }
            }
        }
    }
    out.extend(
        [
            "true",
            "false",
            "pare-other",
            "0",
            "203.0.113.7",
            "2001:db8::7",
            "2026-01-01T00:00:00Z",
        ]
        .map(str::to_string),
    );
    (out, inexact)
}

/// Outcome of each clause for a context holding only `value` under `key` (plus the variable samples).
fn outcomes(key: &str, value: &Option<ContextValue>, clauses: &[Clause], base: &Request) -> Vec<bool> {
    let mut req = base.clone();
    match value {
        Some(v) => {
            req.context.insert(key.to_string(), v.clone());
        }
        None => {
            req.context.remove(key);
        }
    }
    clauses.iter().map(|c| c.condition.evaluate(&req)).collect()
}

/// How many value classes of a multivalued key are combined exhaustively (2^n subsets).
const MAX_SET_CLASSES: usize = 8;

/// The representative values of `key` for `clauses`. `base` carries the variable samples.
pub fn key_classes(key: &str, clauses: &[Clause], var_sample: &str, base: &Request) -> KeyClasses {
    let (singles, mut inexact) = single_candidates(clauses, var_sample);
    let multivalued = clauses.iter().any(|c| c.operator.qualifier.is_some());
    let mut seen: BTreeMap<Vec<bool>, Option<ContextValue>> = BTreeMap::new();
    let push = |v: Option<ContextValue>, seen: &mut BTreeMap<Vec<bool>, Option<ContextValue>>| {
        let o = outcomes(key, &v, clauses, base);
        seen.entry(o).or_insert(v);
    };
    push(None, &mut seen);
    let mut single_classes: BTreeMap<Vec<bool>, String> = BTreeMap::new();
    for s in &singles {
        let v = Some(ContextValue::Single(s.clone()));
        let o = outcomes(key, &v, clauses, base);
        single_classes.entry(o).or_insert_with(|| s.clone());
        push(v, &mut seen);
    }
    if multivalued {
        let reps: Vec<String> = single_classes.values().cloned().collect();
        push(Some(ContextValue::Multi(Vec::new())), &mut seen);
        if reps.len() <= MAX_SET_CLASSES {
            for mask in 1u32..(1 << reps.len()) {
                let set: Vec<String> = reps
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, r)| r.clone())
                    .collect();
                push(Some(ContextValue::Multi(set)), &mut seen);
            }
        } else {
            inexact = Some(format!(
                "multivalued key `{key}` has {} value classes; sets were sampled (pairs and the full set)",
                reps.len()
            ));
            for (i, a) in reps.iter().enumerate() {
                for b in reps.iter().skip(i) {
                    push(Some(ContextValue::Multi(vec![a.clone(), b.clone()])), &mut seen);
                }
            }
            push(Some(ContextValue::Multi(reps.clone())), &mut seen);
        }
    }
    // Stable order: absent first, then by first appearance of the value text.
    let mut values: Vec<Option<ContextValue>> = seen.into_values().collect();
    values.sort_by_key(|v| match v {
        None => (0, String::new()),
        Some(ContextValue::Single(s)) => (1, s.clone()),
        Some(ContextValue::Multi(m)) => (2 + m.len(), m.join("\u{1}")),
    });
    KeyClasses {
        key: key.to_string(),
        values,
        inexact,
    }
}

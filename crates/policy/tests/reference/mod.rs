//! A deliberately naive reference evaluator, written apart from the real one: it reads the policy JSON
//! directly (no model, no compiled patterns), turns every wildcard into a regular expression, and follows the
//! IAM User Guide's evaluation steps literally. It only knows the condition operators the generators produce.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;

/// A request as the reference sees it.
#[derive(Debug, Clone)]
pub struct RefRequest {
    pub action: String,
    pub resource: String,
    pub principal: Option<String>,
    /// Keys lowercased; every value a list (a single-valued key has one element).
    pub context: HashMap<String, Vec<String>>,
}

/// The policies of one evaluation, as JSON.
#[derive(Debug, Clone, Default)]
pub struct RefInput {
    pub identity: Vec<Value>,
    pub boundary: Option<Value>,
    pub scps: Vec<Vec<Value>>,
    pub resource_policy: Option<Value>,
}

fn as_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// `*` → `.*`, `?` → `.` (or the segment-bounded forms), everything else escaped.
fn wildcard_regex(pattern: &str, star: &str, one: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(star),
            '?' => out.push_str(one),
            c => out.push_str(&regex::escape(&c.to_string())),
        }
    }
    out
}

fn full_match(re: &str, value: &str, ci: bool) -> bool {
    let re = format!("{}^(?:{re})$", if ci { "(?i)" } else { "" });
    Regex::new(&re).unwrap().is_match(value)
}

fn action_matches(pattern: &str, action: &str) -> bool {
    full_match(&wildcard_regex(pattern, ".*", "."), action, true)
}

/// Substitutes `${key}` / `${*}` from the context; `None` when a variable has no value. Escaped characters
/// come back as placeholders so that they stay literal in the regex.
fn substitute(pattern: &str, ctx: &HashMap<String, Vec<String>>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                let key = &after[..end];
                match key {
                    "*" | "?" | "$" => out.push(Piece::Literal(key.to_string())),
                    k => {
                        let vals = ctx.get(&k.to_ascii_lowercase())?;
                        if vals.len() != 1 {
                            return None;
                        }
                        out.push(Piece::Literal(vals[0].clone()));
                    }
                }
                rest = &after[end + 1..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap();
        out.push(Piece::Pattern(c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

#[derive(Debug, Clone)]
enum Piece {
    Literal(String),
    Pattern(String),
}

fn pieces_regex(pieces: &[Piece], star: &str, one: &str) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(s) => regex::escape(s),
            Piece::Pattern(s) => wildcard_regex(s, star, one),
        })
        .collect()
}

/// Resource matching: split at the first five colons on both sides and compare segment by segment with
/// regexes; a pattern with fewer segments ending in `*` lets that star take the rest of the ARN.
fn resource_matches(pattern: &str, resource: &str, ctx: &HashMap<String, Vec<String>>, vars: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    let pieces = if vars {
        match substitute(pattern, ctx) {
            Some(p) => p,
            None => return false,
        }
    } else {
        pattern.chars().map(|c| Piece::Pattern(c.to_string())).collect()
    };
    // Split pieces at literal-pattern colons, at most 6 parts.
    let mut segs: Vec<Vec<Piece>> = vec![vec![]];
    for p in pieces {
        if matches!(&p, Piece::Pattern(s) if s == ":") && segs.len() < 6 {
            segs.push(vec![]);
        } else {
            segs.last_mut().unwrap().push(p);
        }
    }
    let values: Vec<&str> = resource.splitn(6, ':').collect();
    let last_is_star = matches!(segs.last().and_then(|s| s.last()), Some(Piece::Pattern(s)) if s == "*");
    if segs.len() < 6 && last_is_star {
        let k = segs.len();
        if values.len() < k {
            return false;
        }
        for i in 0..k - 1 {
            if !full_match(&pieces_regex(&segs[i], ".*", "."), values[i], false) {
                return false;
            }
        }
        let rest = values[k - 1..].join(":");
        return full_match(&pieces_regex(&segs[k - 1], ".*", "."), &rest, false);
    }
    if segs.len() != values.len() {
        return false;
    }
    segs.iter()
        .zip(values)
        .all(|(s, v)| full_match(&pieces_regex(s, ".*", "."), v, false))
}

fn condition_holds(op: &str, key: &str, policy_values: &[String], req: &RefRequest, vars: bool) -> bool {
    let values = req.context.get(&key.to_ascii_lowercase());
    let present = values.is_some_and(|v| !v.is_empty());
    let (qualifier, op) = match op.split_once(':') {
        Some((q, o)) => (Some(q), o),
        None => (None, op),
    };
    if op == "Null" {
        return policy_values.iter().any(|p| (p == "true") != present);
    }
    let (base, if_exists) = match op.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (op, false),
    };
    let negated = base.contains("Not");
    let positive = |v: &str, p: &str| -> bool {
        match base.replace("Not", "").as_str() {
            "StringEquals" => {
                let p = if vars {
                    substitute_text(p, &req.context)
                } else {
                    Some(p.to_string())
                };
                p.is_some_and(|p| p == v)
            }
            "StringLike" => match if vars {
                substitute(p, &req.context)
            } else {
                Some(vec![Piece::Pattern(p.into())])
            } {
                Some(pieces) => full_match(&pieces_regex(&pieces, ".*", "."), v, false),
                None => false,
            },
            "NumericLessThan" => match (v.parse::<f64>(), p.parse::<f64>()) {
                (Ok(a), Ok(b)) => a < b,
                _ => false,
            },
            "Bool" => v.eq_ignore_ascii_case(p),
            "IpAddress" => ip_in(v, p),
            other => panic!("reference does not know {other}"),
        }
    };
    let one = |v: &str| -> bool {
        let hit = policy_values.iter().any(|p| positive(v, p));
        if negated {
            !hit
        } else {
            hit
        }
    };
    let vals: Vec<String> = values.cloned().unwrap_or_default();
    match qualifier {
        Some("ForAllValues") => vals.iter().all(|v| one(v)),
        Some("ForAnyValue") => {
            if vals.is_empty() {
                if_exists
            } else {
                vals.iter().any(|v| one(v))
            }
        }
        _ => {
            if vals.is_empty() {
                if_exists || negated
            } else if negated {
                vals.iter().all(|v| one(v))
            } else {
                vals.iter().any(|v| one(v))
            }
        }
    }
}

fn substitute_text(p: &str, ctx: &HashMap<String, Vec<String>>) -> Option<String> {
    substitute(p, ctx).map(|pieces| {
        pieces
            .into_iter()
            .map(|x| match x {
                Piece::Literal(s) | Piece::Pattern(s) => s,
            })
            .collect()
    })
}

fn ip_in(v: &str, cidr: &str) -> bool {
    let Ok(ip) = v.parse::<std::net::Ipv4Addr>() else {
        return false;
    };
    let (net, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
    let net: std::net::Ipv4Addr = net.parse().unwrap();
    let bits: u32 = bits.parse().unwrap();
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    (u32::from(ip) & mask) == (u32::from(net) & mask)
}

/// How a resource policy's principal names the caller: 0 no, 1 account, 2 role ARN, 3 directly or `*`.
fn principal_rank(principal: &Value, req: &RefRequest) -> u8 {
    if principal == "*" {
        return 3;
    }
    let Some(caller) = &req.principal else {
        return if principal
            .get("AWS")
            .is_some_and(|a| as_list(a).iter().any(|x| x == "*"))
        {
            3
        } else {
            0
        };
    };
    let mut best = 0;
    for (kind, vals) in principal.as_object().unwrap() {
        for v in as_list(vals) {
            let r = if v == "*" || &v == caller {
                3
            } else if kind != "AWS" {
                0
            } else if v.len() == 12 && v.chars().all(|c| c.is_ascii_digit())
                || (v.starts_with("arn:aws:iam::") && v.ends_with(":root"))
            {
                let acct = v.trim_start_matches("arn:aws:iam::").trim_end_matches(":root");
                if account_of(caller) == Some(acct.to_string()) {
                    1
                } else {
                    0
                }
            } else if let (Some(role), Some(sess)) =
                (v.split(":role/").nth(1), caller.split(":assumed-role/").nth(1))
            {
                let same_acct = account_of(&v) == account_of(caller);
                if same_acct && sess.split('/').next() == role.rsplit('/').next() {
                    2
                } else {
                    0
                }
            } else {
                0
            };
            best = best.max(r);
        }
    }
    best
}

fn account_of(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && !parts[4].is_empty()).then(|| parts[4].to_string())
}

/// Does this statement apply? For resource policies, returns the principal rank (0 = no).
fn statement_rank(st: &Value, req: &RefRequest, vars: bool, resource_policy: bool) -> u8 {
    let action_ok = if let Some(a) = st.get("Action") {
        as_list(a).iter().any(|p| action_matches(p, &req.action))
    } else {
        !as_list(&st["NotAction"])
            .iter()
            .any(|p| action_matches(p, &req.action))
    };
    if !action_ok {
        return 0;
    }
    let resource_ok = if let Some(r) = st.get("Resource") {
        as_list(r)
            .iter()
            .any(|p| resource_matches(p, &req.resource, &req.context, vars))
    } else if let Some(r) = st.get("NotResource") {
        !as_list(r)
            .iter()
            .any(|p| resource_matches(p, &req.resource, &req.context, vars))
    } else {
        true
    };
    if !resource_ok {
        return 0;
    }
    let mut rank = 3;
    if resource_policy {
        rank = if let Some(p) = st.get("Principal") {
            principal_rank(p, req)
        } else if let Some(p) = st.get("NotPrincipal") {
            if principal_rank(p, req) == 0 {
                3
            } else {
                0
            }
        } else {
            0
        };
        if rank == 0 {
            return 0;
        }
    }
    if let Some(cond) = st.get("Condition").and_then(Value::as_object) {
        for (op, keys) in cond {
            for (key, vals) in keys.as_object().unwrap() {
                if !condition_holds(op, key, &as_list(vals), req, vars) {
                    return 0;
                }
            }
        }
    }
    rank
}

fn statements(policy: &Value) -> Vec<Value> {
    match &policy["Statement"] {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

fn best_rank(policy: &Value, effect: &str, req: &RefRequest, resource_policy: bool) -> u8 {
    let vars = policy.get("Version").and_then(Value::as_str) == Some("2012-10-17");
    statements(policy)
        .iter()
        .filter(|s| s["Effect"] == effect)
        .map(|s| statement_rank(s, req, vars, resource_policy))
        .max()
        .unwrap_or(0)
}

/// "Allow", "ExplicitDeny" or "ImplicitDeny".
pub fn reference_decision(input: &RefInput, req: &RefRequest) -> &'static str {
    // Deny evaluation: every policy that applies.
    let mut all: Vec<(&Value, bool)> = input.identity.iter().map(|p| (p, false)).collect();
    all.extend(input.boundary.iter().map(|p| (p, false)));
    all.extend(input.scps.iter().flatten().map(|p| (p, false)));
    all.extend(input.resource_policy.iter().map(|p| (p, true)));
    if all.iter().any(|(p, rp)| best_rank(p, "Deny", req, *rp) > 0) {
        return "ExplicitDeny";
    }
    // SCPs: each level needs an allow.
    for level in &input.scps {
        if !level.iter().any(|p| best_rank(p, "Allow", req, false) > 0) {
            return "ImplicitDeny";
        }
    }
    let rbp = input
        .resource_policy
        .as_ref()
        .map(|p| best_rank(p, "Allow", req, true))
        .unwrap_or(0);
    let boundary = input
        .boundary
        .as_ref()
        .is_none_or(|p| best_rank(p, "Allow", req, false) > 0);
    let identity = input
        .identity
        .iter()
        .any(|p| best_rank(p, "Allow", req, false) > 0);
    let resource_account = req
        .context
        .get("aws:resourceaccount")
        .and_then(|v| v.first().cloned())
        .or_else(|| account_of(&req.resource).filter(|_| req.resource.starts_with("arn:")));
    let principal_account = req
        .context
        .get("aws:principalaccount")
        .and_then(|v| v.first().cloned())
        .or_else(|| req.principal.as_deref().and_then(account_of));
    let cross = matches!((&principal_account, &resource_account), (Some(a), Some(b)) if a != b);
    let allowed = if cross {
        identity && boundary && rbp > 0
    } else {
        rbp == 3 || (rbp == 2 && boundary) || (identity && boundary)
    };
    if allowed {
        "Allow"
    } else {
        "ImplicitDeny"
    }
}

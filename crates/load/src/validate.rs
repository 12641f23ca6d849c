//! Checks that a document is a well-formed IAM policy before it enters a snapshot.

use serde_json::Value;

/// Why a document is not a valid policy: the JSON path inside the document (`Statement[1].Effect`, empty for
/// the document itself) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub path: String,
    pub message: String,
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

/// Validates a policy document with `pare_policy`'s parser (the whole IAM grammar: elements, types, condition
/// operators, principals), then with the shape checks below.
pub(crate) fn validate(doc: &Value) -> Result<(), Problem> {
    if let Err(e) = pare_policy::Policy::from_value(doc) {
        let message = match &e.help {
            Some(help) => format!("{}: {help}", e.message),
            None => e.message.clone(),
        };
        return Err(problem(e.path, message));
    }
    shape(doc)
}

/// The grammar checks `pare_policy` leaves to its evaluator's leniency: an object policy with a `Statement`,
/// statements with `Effect` and exactly one of `Action`/`NotAction`.
fn shape(doc: &Value) -> Result<(), Problem> {
    let Value::Object(map) = doc else {
        return Err(problem(
            "",
            format!("a policy must be a JSON object, found {}", describe(doc)),
        ));
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(problem(key.clone(), format!("unknown policy element `{key}`")));
        }
    }
    if let Some(v) = map.get("Version") {
        match v.as_str() {
            Some("2012-10-17" | "2008-10-17") => {}
            _ => {
                return Err(problem(
                    "Version",
                    format!("unsupported policy version {v}: use `2012-10-17`"),
                ))
            }
        }
    }
    if let Some(v) = map.get("Id") {
        if !v.is_string() {
            return Err(problem(
                "Id",
                format!("`Id` must be a string, found {}", describe(v)),
            ));
        }
    }
    match map.get("Statement") {
        None => Err(problem("", "the policy has no `Statement`")),
        Some(Value::Array(items)) => {
            for (i, s) in items.iter().enumerate() {
                statement(s, &format!("Statement[{i}]"))?;
            }
            Ok(())
        }
        Some(s @ Value::Object(_)) => statement(s, "Statement"),
        Some(other) => Err(problem(
            "Statement",
            format!(
                "`Statement` must be an object or an array, found {}",
                describe(other)
            ),
        )),
    }
}

fn statement(s: &Value, path: &str) -> Result<(), Problem> {
    let Value::Object(map) = s else {
        return Err(problem(
            path,
            format!("a statement must be an object, found {}", describe(s)),
        ));
    };
    for (key, v) in map {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Sid" => {
                if !v.is_string() {
                    return Err(problem(at, "`Sid` must be a string"));
                }
            }
            "Effect" => match v.as_str() {
                Some("Allow" | "Deny") => {}
                _ => {
                    return Err(problem(
                        at,
                        format!("`Effect` must be `Allow` or `Deny`, found {v}"),
                    ))
                }
            },
            "Action" | "NotAction" | "Resource" | "NotResource" => strings(v, &at, key)?,
            "Principal" | "NotPrincipal" => principal(v, &at)?,
            "Condition" => condition(v, &at)?,
            _ => return Err(problem(at, format!("unknown statement element `{key}`"))),
        }
    }
    if !map.contains_key("Effect") {
        return Err(problem(path, "the statement has no `Effect`"));
    }
    match (map.contains_key("Action"), map.contains_key("NotAction")) {
        (false, false) => Err(problem(
            path,
            "the statement has neither `Action` nor `NotAction`",
        )),
        (true, true) => Err(problem(path, "the statement has both `Action` and `NotAction`")),
        _ if map.contains_key("Resource") && map.contains_key("NotResource") => Err(problem(
            path,
            "the statement has both `Resource` and `NotResource`",
        )),
        _ if map.contains_key("Principal") && map.contains_key("NotPrincipal") => Err(problem(
            path,
            "the statement has both `Principal` and `NotPrincipal`",
        )),
        _ => Ok(()),
    }
}

fn strings(v: &Value, path: &str, key: &str) -> Result<(), Problem> {
    match v {
        Value::String(s) if s.is_empty() => Err(problem(path, format!("`{key}` is an empty string"))),
        Value::String(_) => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_string() {
                    return Err(problem(
                        format!("{path}[{i}]"),
                        format!("`{key}` elements must be strings, found {}", describe(item)),
                    ));
                }
            }
            Ok(())
        }
        other => Err(problem(
            path,
            format!(
                "`{key}` must be a string or an array of strings, found {}",
                describe(other)
            ),
        )),
    }
}

fn principal(v: &Value, path: &str) -> Result<(), Problem> {
    match v {
        Value::String(s) if s == "*" => Ok(()),
        Value::Object(map) => {
            for (k, ids) in map {
                if !matches!(k.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    return Err(problem(
                        format!("{path}.{k}"),
                        format!("unknown principal type `{k}`"),
                    ));
                }
                strings(ids, &format!("{path}.{k}"), k)?;
            }
            Ok(())
        }
        other => Err(problem(
            path,
            format!(
                "a principal must be `\"*\"` or an object, found {}",
                describe(other)
            ),
        )),
    }
}

fn condition(v: &Value, path: &str) -> Result<(), Problem> {
    let Value::Object(ops) = v else {
        return Err(problem(
            path,
            format!("`Condition` must be an object, found {}", describe(v)),
        ));
    };
    for (op, keys) in ops {
        let Value::Object(keys) = keys else {
            return Err(problem(
                format!("{path}.{op}"),
                format!(
                    "condition operator `{op}` must map to an object, found {}",
                    describe(keys)
                ),
            ));
        };
        for (k, vals) in keys {
            let at = format!("{path}.{op}[\"{k}\"]");
            let ok = |x: &Value| x.is_string() || x.is_boolean() || x.is_number();
            let valid = match vals {
                Value::Array(items) => items.iter().all(ok),
                other => ok(other),
            };
            if !valid {
                return Err(problem(
                    at,
                    format!("values of condition key `{k}` must be strings, numbers or booleans"),
                ));
            }
        }
    }
    Ok(())
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_valid_and_rejects_broken() {
        assert!(validate(&json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})).is_ok());
        let e = validate(&json!({"Statement": [{"Effect": "Allow", "Action": "s3:*"}, {"Effect": "Permit", "Action": "x:y"}]})).unwrap_err();
        assert_eq!(e.path, "Statement[1].Effect");
        let e = validate(&json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", 3]}]})).unwrap_err();
        assert_eq!(e.path, "Statement[0].Action[1]");
        assert!(validate(&json!([])).is_err());
    }
}

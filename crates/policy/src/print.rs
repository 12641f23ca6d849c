//! Printing a [`Policy`] back to JSON. Parsing the printed text gives the same policy (the shapes — single
//! value or array, statement object or array — and the spelling of every value are kept).

use crate::condition::{Condition, ConditionValue, JsonType};
use crate::model::*;
use serde_json::{Map, Value};
use std::fmt;

fn values<T>(v: &Values<T>, f: impl Fn(&T) -> Value) -> Value {
    if v.list || v.items.len() != 1 {
        Value::Array(v.items.iter().map(f).collect())
    } else {
        v.items.first().map(f).unwrap_or(Value::Null)
    }
}

fn condition_value(v: &ConditionValue) -> Value {
    match v.json_type() {
        JsonType::String => Value::String(v.as_str().to_string()),
        JsonType::Bool => Value::Bool(v.as_str() == "true"),
        JsonType::Number => match serde_json::from_str::<serde_json::Number>(v.as_str()) {
            Ok(n) => Value::Number(n),
            Err(_) => Value::String(v.as_str().to_string()),
        },
    }
}

fn principals(p: &Principals) -> Value {
    match p {
        Principals::Any => Value::String("*".into()),
        Principals::Map(m) => {
            let mut out = Map::new();
            for (kind, vals) in m {
                out.insert(
                    kind.as_str().to_string(),
                    values(vals, |s| Value::String(s.clone())),
                );
            }
            Value::Object(out)
        }
    }
}

fn conditions(cs: &[Condition]) -> Value {
    let mut out = Map::new();
    for c in cs {
        let mut keys = Map::new();
        for e in &c.entries {
            let v = if e.list || e.values.len() != 1 {
                Value::Array(e.values.iter().map(condition_value).collect())
            } else {
                e.values.first().map(condition_value).unwrap_or(Value::Null)
            };
            keys.insert(e.key.clone(), v);
        }
        out.insert(c.operator.raw.clone(), Value::Object(keys));
    }
    Value::Object(out)
}

impl Statement {
    /// The statement as JSON (elements in the order `Sid`, `Effect`, `Principal`, `Action`, `Resource`,
    /// `Condition`).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), Value::String(sid.clone()));
        }
        m.insert("Effect".into(), Value::String(self.effect.as_str().into()));
        match &self.principal {
            Some(PrincipalSpec::Principal(p)) => {
                m.insert("Principal".into(), principals(p));
            }
            Some(PrincipalSpec::NotPrincipal(p)) => {
                m.insert("NotPrincipal".into(), principals(p));
            }
            None => {}
        }
        let (key, v) = match &self.action {
            ActionSpec::Action(v) => ("Action", v),
            ActionSpec::NotAction(v) => ("NotAction", v),
        };
        m.insert(key.into(), values(v, |a| Value::String(a.as_str().into())));
        if let Some(r) = &self.resource {
            let (key, v) = match r {
                ResourceSpec::Resource(v) => ("Resource", v),
                ResourceSpec::NotResource(v) => ("NotResource", v),
            };
            m.insert(key.into(), values(v, |r| Value::String(r.as_str().into())));
        }
        if let Some(c) = &self.condition {
            m.insert("Condition".into(), conditions(c));
        }
        Value::Object(m)
    }
}

impl Policy {
    /// The policy as JSON (`Version`, `Id`, `Statement`).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(v) = &self.version {
            m.insert("Version".into(), Value::String(v.clone()));
        }
        if let Some(id) = &self.id {
            m.insert("Id".into(), Value::String(id.clone()));
        }
        let st = if self.statement_list || self.statements.len() != 1 {
            Value::Array(self.statements.iter().map(Statement::to_json).collect())
        } else {
            self.statements
                .first()
                .map(Statement::to_json)
                .unwrap_or(Value::Null)
        };
        m.insert("Statement".into(), st);
        Value::Object(m)
    }
}

/// Pretty-printed JSON.
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string_pretty(&self.to_json()).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

//! Shared helpers of the catalog's integration tests: the real CloudTrail fixtures and their events.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_catalog::{EventRef, EventResource};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `fixtures/cloudtrail-real` of the repository.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudtrail-real")
}

/// Every event of the real fixtures: (path relative to the fixtures dir, record index, event).
pub fn all_events() -> Vec<(String, usize, Value)> {
    let root = fixtures_dir();
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "accessdenied-ground-truth.json" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if rel.ends_with(".jsonl") {
            for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                out.push((rel.clone(), i, serde_json::from_str(line).unwrap()));
            }
        } else if rel.ends_with(".json") {
            let doc: Value = serde_json::from_str(&text).unwrap();
            for (i, ev) in doc["Records"].as_array().unwrap().iter().enumerate() {
                out.push((rel.clone(), i, ev.clone()));
            }
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The `resources` array of an event.
pub fn resources(ev: &Value) -> Vec<EventResource<'_>> {
    ev.get("resources")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|r| EventResource {
                    arn: r.get("ARN").and_then(Value::as_str),
                    resource_type: r.get("type").and_then(Value::as_str),
                    account_id: r.get("accountId").and_then(Value::as_str),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An [`EventRef`] over a decoded event, as the replay builds it.
pub fn event_ref<'a>(ev: &'a Value, resources: &'a [EventResource<'a>]) -> EventRef<'a> {
    let s = |k: &str| ev.get(k).and_then(Value::as_str);
    let region = s("awsRegion");
    let partition = match region {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        _ => "aws",
    };
    EventRef {
        event_source: s("eventSource").unwrap_or_default(),
        event_name: s("eventName").unwrap_or_default(),
        event_type: s("eventType"),
        partition,
        region,
        account: s("recipientAccountId")
            .or_else(|| ev.pointer("/userIdentity/accountId").and_then(Value::as_str)),
        request_parameters: ev.get("requestParameters").filter(|v| !v.is_null()),
        response_elements: ev.get("responseElements").filter(|v| !v.is_null()),
        resources,
        error_code: s("errorCode"),
    }
}

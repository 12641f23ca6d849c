//! `cargo bench -p pare-catalog`: the one-time cost of parsing the embedded data, lookups, and `map_event`
//! over the real fixture events (decoded beforehand, so only the mapping is timed).
//! Numbers go to `reports/benchmarks.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pare_catalog::{catalog, EventRef, EventResource};
use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    // Parse: the first call pays for the index and the event-source map; a service is parsed on first use.
    let t = Instant::now();
    let cat = catalog();
    let parse = t.elapsed();
    println!(
        "parse embedded catalog + event-source map (first catalog()): {:.1} ms",
        parse.as_secs_f64() * 1e3
    );
    let t = Instant::now();
    black_box(cat.action("s3:GetObject"));
    println!(
        "first lookup in a service (parses that service, s3): {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let all = cat.expand("*").len();
    println!(
        "first expand(\"*\") (parses every service, {all} actions): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let methods = cat.api_method_count();
    println!(
        "parse embedded API map ({methods} methods, on first use by map_event): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    // The machine is shared: each timed loop runs 5 times and the fastest run is reported.
    let names: Vec<String> = cat
        .expand("*")
        .iter()
        .map(|a| a.full_name.to_ascii_lowercase())
        .collect();
    let rounds = 20;
    let per = best_of(5, || {
        for _ in 0..rounds {
            for n in &names {
                black_box(cat.action(black_box(n)));
            }
        }
    }) / (rounds * names.len()) as f64;
    println!(
        "action() lookup: {:.0} ns per lookup ({} names x {rounds}, best of 5)",
        per * 1e9,
        names.len()
    );

    let secs = best_of(5, || {
        black_box(cat.expand(black_box("s3:Get*")));
    });
    println!(
        "expand(\"s3:Get*\") = {} actions: {:.1} us",
        cat.expand("s3:Get*").len(),
        secs * 1e6
    );
    let secs = best_of(5, || {
        black_box(cat.expand(black_box("*:Get*")));
    });
    println!(
        "expand(\"*:Get*\") = {} actions: {:.2} ms",
        cat.expand("*:Get*").len(),
        secs * 1e3
    );

    let events = load_events();
    let resources: Vec<Vec<EventResource<'_>>> = events.iter().map(resources_of).collect();
    let refs: Vec<EventRef<'_>> = events
        .iter()
        .zip(&resources)
        .map(|(e, r)| event_ref(e, r))
        .collect();
    // First sight of each (eventSource, eventName) builds its plan.
    let t = Instant::now();
    for ev in &refs {
        black_box(cat.map_event(ev));
    }
    println!(
        "map_event, cold plan cache: {} events in {:.1} ms",
        refs.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let rounds = 50;
    let total = rounds * refs.len();
    let secs = best_of(5, || {
        for _ in 0..rounds {
            for ev in &refs {
                black_box(cat.map_event(black_box(ev)));
            }
        }
    });
    println!(
        "map_event, warm: {total} events in {:.2} s = {:.0} events/s ({:.2} us/event, one thread, best of 5)",
        secs,
        total as f64 / secs,
        secs / total as f64 * 1e6
    );
    // The same events without parameters or resources: the plan lookup and the result alone.
    let bare: Vec<EventRef<'_>> = refs
        .iter()
        .map(|e| EventRef {
            request_parameters: None,
            response_elements: None,
            resources: &[],
            ..*e
        })
        .collect();
    let secs = best_of(5, || {
        for _ in 0..rounds {
            for ev in &bare {
                black_box(cat.map_event(black_box(ev)));
            }
        }
    });
    println!(
        "map_event, plan lookup only (no parameters): {:.2} us/event (best of 5)",
        secs / total as f64 * 1e6
    );
}

/// Seconds of the fastest of `n` runs of `f`.
fn best_of(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn load_events() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudtrail-real");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if f.extension().is_some_and(|e| e == "jsonl") {
            out.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).unwrap()),
            );
        } else if f
            .file_name()
            .is_some_and(|n| n != "accessdenied-ground-truth.json")
            && f.extension().is_some_and(|e| e == "json")
        {
            let doc: Value = serde_json::from_str(&text).unwrap();
            out.extend(doc["Records"].as_array().unwrap().iter().cloned());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn resources_of(ev: &Value) -> Vec<EventResource<'_>> {
    ev.get("resources")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .map(|r| EventResource {
                    arn: r.get("ARN").and_then(Value::as_str),
                    resource_type: r.get("type").and_then(Value::as_str),
                    account_id: r.get("accountId").and_then(Value::as_str),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn event_ref<'a>(ev: &'a Value, resources: &'a [EventResource<'a>]) -> EventRef<'a> {
    let s = |k: &str| ev.get(k).and_then(Value::as_str);
    EventRef {
        event_source: s("eventSource").unwrap_or_default(),
        event_name: s("eventName").unwrap_or_default(),
        event_type: s("eventType"),
        partition: "aws",
        region: s("awsRegion"),
        account: s("recipientAccountId")
            .or_else(|| ev.pointer("/userIdentity/accountId").and_then(Value::as_str)),
        request_parameters: ev.get("requestParameters").filter(|v| !v.is_null()),
        response_elements: ev.get("responseElements").filter(|v| !v.is_null()),
        resources,
        error_code: s("errorCode"),
    }
}

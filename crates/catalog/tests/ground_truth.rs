//! Every row of `fixtures/cloudtrail-real/accessdenied-ground-truth.json` (the action AWS itself named in an
//! AccessDenied message) must be what `map_event` yields for that event.

mod common;

use pare_catalog::{catalog, EventMapping};
use serde_json::Value;

#[test]
fn every_access_denied_row_maps_to_the_action_aws_named() {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(common::fixtures_dir().join("accessdenied-ground-truth.json")).unwrap(),
    )
    .unwrap();
    let rows = truth["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 243);
    let events = common::all_events();
    let mut failures = Vec::new();
    for row in rows {
        let file = row["file"].as_str().unwrap();
        let index = row["record_index"].as_u64().unwrap() as usize;
        let (_, _, ev) = events.iter().find(|(f, i, _)| f == file && *i == index).unwrap();
        assert_eq!(ev["eventID"], row["eventID"], "{file}#{index}");
        let resources = common::resources(ev);
        let event = common::event_ref(ev, &resources);
        let required = row["required_action"].as_str().unwrap();
        let mapping = catalog().map_event(&event);
        let ok = mapping
            .actions()
            .iter()
            .any(|a| a.action.eq_ignore_ascii_case(required));
        if !ok {
            failures.push(format!(
                "{file}#{index} {}:{} needs {required}, got {mapping:?}",
                event.event_source, event.event_name
            ));
        }
        if let EventMapping::Mapped(actions) = &mapping {
            for a in actions {
                assert!(
                    catalog().action(&a.action).is_some(),
                    "{} not in the catalog",
                    a.action
                );
                for arn in &a.resources {
                    assert!(
                        arn.starts_with("arn:") && !arn.contains("${"),
                        "{file}#{index}: bad ARN {arn}"
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

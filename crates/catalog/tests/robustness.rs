//! Every action of the catalog, called as an event with parameters that fill many templates (and with odd
//! values), maps without panicking and emits only complete ARNs.

use pare_catalog::{catalog, EventMapping, EventRef, EventResource};
use serde_json::json;
use std::collections::HashMap;

#[test]
fn every_action_as_an_event_maps_cleanly() {
    let cat = catalog();
    // IAM prefix → one CloudTrail event source for it (the reverse of the event-source map).
    let mut sources: HashMap<String, String> = HashMap::new();
    for service in cat.services() {
        sources.insert(
            service.prefix.to_owned(),
            format!("{}.amazonaws.com", service.prefix),
        );
    }
    let transcribed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/cloudtrail-eventsource-map.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for (source, prefix) in transcribed["cloudtrail_service_mappings"].as_object().unwrap() {
        sources.insert(prefix.as_str().unwrap().to_owned(), source.clone());
    }
    let filled = json!({
        "bucketName": "b", "key": "dir/k", "name": "/n/x", "functionName": "arn:aws:lambda:us-east-1:111122223333:function:f:1",
        "roleArn": "arn:aws:iam::111122223333:role/r", "role": "arn:aws:iam::111122223333:role/path/r",
        "roleName": "r", "userName": "u", "groupName": "g", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "secretId": "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf",
        "instanceId": "i-0123456789abcdef0", "instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]},
        "tags": [{"key": "a", "value": "b"}], "tagSpecificationSet": {"items": [{"resourceType": "vpc"}]},
        "clusterName": "c", "tableName": "t", "queueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/q",
        "topicArn": "arn:aws:sns:us-east-1:111122223333:t", "logGroupName": "/aws/x", "stackName": "s",
        "resourceArn": "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1", "arn": "arn:aws:iam::111122223333:user/u",
        "path": "/p/", "versionId": "3", "x-amz-copy-source": "src/o", "id": "x", "repositoryName": "repo",
        "delete": {"objects": [{"key": "a"}, {"key": "b", "versionId": "v"}]}
    });
    let odd = json!({"bucketName": "", "key": null, "name": 7, "functionName": ["x"], "tags": {}, "role": "not-an-arn",
                     "roleArn": "arn:aws:iam::1:role/", "keyId": "%%", "path": "${Partition}"});
    let resources = [
        EventResource {
            arn: Some("arn:aws:s3:::b/dir/k"),
            resource_type: Some("AWS::S3::Object"),
            account_id: None,
        },
        EventResource {
            arn: None,
            resource_type: Some("AWS::S3::Bucket"),
            account_id: None,
        },
        EventResource {
            arn: Some("not-an-arn"),
            resource_type: None,
            account_id: None,
        },
    ];
    let mut mapped = 0usize;
    for action in cat.expand("*") {
        let source = &sources[action.prefix];
        for (params, res) in [(&filled, &resources[..]), (&odd, &[][..])] {
            let mut ev = EventRef::new(source, action.name);
            ev.region = Some("us-east-1");
            ev.account = Some("111122223333");
            ev.request_parameters = Some(params);
            ev.response_elements = Some(params);
            ev.resources = res;
            if let EventMapping::Mapped(actions) = cat.map_event(&ev) {
                mapped += 1;
                assert!(!actions.is_empty());
                for a in &actions {
                    assert!(
                        cat.action(&a.action).is_some(),
                        "{}: {}",
                        action.full_name,
                        a.action
                    );
                    for arn in &a.resources {
                        assert!(
                            arn.starts_with("arn:") && !arn.contains("${") && !arn.contains("%%"),
                            "{}: {} emitted `{arn}`",
                            action.full_name,
                            a.action
                        );
                    }
                    let mut sorted = a.resources.clone();
                    sorted.sort();
                    sorted.dedup();
                    assert_eq!(sorted, a.resources);
                }
            }
        }
    }
    // Nearly every action is reachable as an event of its own name (the map or the same-name fallback).
    assert!(mapped > 2 * 21_000, "{mapped}");
}

//! Event → action(s) + resources on CloudTrail-shaped events: renamed S3 operations, multi-action calls,
//! implied `iam:PassRole`, events that need no permission, ARN templates.

#![allow(clippy::panic)]

use pare_catalog::{catalog, EventMapping, EventRef, EventResource, MappedAction, Provenance};
use serde_json::{json, Value};

fn map(source: &str, name: &str, params: Value) -> Vec<MappedAction> {
    map_with(source, name, params, &[])
}

fn map_with(source: &str, name: &str, params: Value, resources: &[EventResource<'_>]) -> Vec<MappedAction> {
    let mut ev = EventRef::new(source, name);
    ev.region = Some("us-east-1");
    ev.account = Some("111122223333");
    ev.event_type = Some("AwsApiCall");
    ev.request_parameters = Some(&params);
    ev.resources = resources;
    match catalog().map_event(&ev) {
        EventMapping::Mapped(actions) => actions,
        other => panic!("{source}:{name} not mapped: {other:?}"),
    }
}

fn names(actions: &[MappedAction]) -> Vec<&str> {
    actions.iter().map(|a| a.action.as_str()).collect()
}

fn only(actions: &[MappedAction]) -> &MappedAction {
    assert_eq!(actions.len(), 1, "{actions:?}");
    &actions[0]
}

#[test]
fn s3_renamed_operations() {
    let cases = [
        ("ListObjects", "s3:ListBucket"),
        ("ListObjectsV2", "s3:ListBucket"),
        ("ListObjectVersions", "s3:ListBucketVersions"),
        ("HeadBucket", "s3:ListBucket"),
        ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ];
    for (event, action) in cases {
        let a = map(
            "s3.amazonaws.com",
            event,
            json!({"bucketName": "logs", "Host": "logs.s3.amazonaws.com"}),
        );
        let a = only(&a);
        assert_eq!(a.action, action, "{event}");
        assert_eq!(a.resources, ["arn:aws:s3:::logs"], "{event}");
    }
    let a = map(
        "s3.amazonaws.com",
        "ListBuckets",
        json!({"Host": "s3.amazonaws.com"}),
    );
    assert_eq!(names(&a), ["s3:ListAllMyBuckets"]);
    assert!(a[0].resources.is_empty());
}

#[test]
fn s3_object_reads_and_versions() {
    let a = map(
        "s3.amazonaws.com",
        "GetObject",
        json!({"bucketName": "b", "key": "dir/a.json"}),
    );
    let a = only(&a);
    assert_eq!(a.action, "s3:GetObject");
    assert_eq!(a.resources, ["arn:aws:s3:::b/dir/a.json"]);
    let a = map(
        "s3.amazonaws.com",
        "GetObject",
        json!({"bucketName": "b", "key": "k", "versionId": "3"}),
    );
    assert_eq!(names(&a), ["s3:GetObjectVersion"]);
    let a = map(
        "s3.amazonaws.com",
        "GetObjectAcl",
        json!({"bucketName": "b", "key": "k", "acl": ""}),
    );
    assert_eq!(names(&a), ["s3:GetObjectAcl"]);
    let a = map(
        "s3.amazonaws.com",
        "GetObjectAttributes",
        json!({"bucketName": "b", "key": "k"}),
    );
    assert_eq!(names(&a), ["s3:GetObject", "s3:GetObjectAttributes"]);
    let a = map(
        "s3.amazonaws.com",
        "GetObjectAttributes",
        json!({"bucketName": "b", "key": "k", "versionId": "v"}),
    );
    assert_eq!(
        names(&a),
        ["s3:GetObjectVersion", "s3:GetObjectVersionAttributes"]
    );
    let a = map(
        "s3.amazonaws.com",
        "HeadObject",
        json!({"bucketName": "b", "key": "k"}),
    );
    assert_eq!(names(&a), ["s3:GetObject"]);
    let a = map(
        "s3.amazonaws.com",
        "HeadObject",
        json!({"bucketName": "b", "key": "k", "versionId": "3"}),
    );
    assert_eq!(names(&a), ["s3:GetObjectVersion"]);
    let a = map(
        "s3.amazonaws.com",
        "DeleteObjects",
        json!({"bucketName": "b", "delete": {"object": [{"key": "k"}]}}),
    );
    assert_eq!(names(&a), ["s3:DeleteObject"]);
}

#[test]
fn s3_event_resources_belong_to_their_action() {
    let resources = [
        EventResource {
            arn: Some("arn:aws:s3:::b/k"),
            resource_type: Some("AWS::S3::Object"),
            account_id: None,
        },
        EventResource {
            arn: Some("arn:aws:s3:::b"),
            resource_type: Some("AWS::S3::Bucket"),
            account_id: Some("111122223333"),
        },
    ];
    let a = map_with(
        "s3.amazonaws.com",
        "GetObject",
        json!({"bucketName": "b", "key": "k"}),
        &resources,
    );
    assert_eq!(only(&a).resources, ["arn:aws:s3:::b/k"]);
    let a = map_with(
        "s3.amazonaws.com",
        "ListObjects",
        json!({"bucketName": "b"}),
        &resources[1..],
    );
    assert_eq!(only(&a).resources, ["arn:aws:s3:::b"]);
}

#[test]
fn s3_directory_buckets_only_for_express_names() {
    let a = map("s3.amazonaws.com", "GetBucketPolicy", json!({"bucketName": "b"}));
    assert_eq!(names(&a), ["s3:GetBucketPolicy"]);
    let a = map(
        "s3.amazonaws.com",
        "GetBucketPolicy",
        json!({"bucketName": "b--use1-az4--x-s3"}),
    );
    assert_eq!(names(&a), ["s3express:GetBucketPolicy"]);
}

#[test]
fn copy_object_reads_the_source_and_writes_the_destination() {
    let a = map(
        "s3.amazonaws.com",
        "CopyObject",
        json!({"bucketName": "dst", "key": "out/b.txt", "x-amz-copy-source": "src/in/a.txt"}),
    );
    assert_eq!(names(&a), ["s3:GetObject", "s3:PutObject"]);
    assert_eq!(a[0].resources, ["arn:aws:s3:::src/in/a.txt"]);
    assert_eq!(a[1].resources, ["arn:aws:s3:::dst/out/b.txt"]);
    assert_eq!(a[0].provenance, Provenance::Override("s3-copy-object"));
    // A versioned, URL-style copy source.
    let a = map(
        "s3.amazonaws.com",
        "CopyObject",
        json!({"bucketName": "dst", "key": "b", "x-amz-copy-source": "/src/a.txt?versionId=7"}),
    );
    assert_eq!(a[0].resources, ["arn:aws:s3:::src/a.txt"]);
}

#[test]
fn put_object_acl_and_tagging_only_when_requested() {
    let a = map(
        "s3.amazonaws.com",
        "PutObject",
        json!({"bucketName": "b", "key": "k"}),
    );
    assert_eq!(names(&a), ["s3:PutObject"]);
    assert_eq!(a[0].resources, ["arn:aws:s3:::b/k"]);
    let a = map(
        "s3.amazonaws.com",
        "PutObject",
        json!({"bucketName": "b", "key": "k", "x-amz-acl": "private"}),
    );
    assert_eq!(names(&a), ["s3:PutObject", "s3:PutObjectAcl"]);
    let a = map(
        "s3.amazonaws.com",
        "PutObject",
        json!({"bucketName": "b", "key": "k", "x-amz-tagging": "a=b", "x-amz-grant-read": "id=x"}),
    );
    assert_eq!(
        names(&a),
        ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"]
    );
    assert!(a.iter().all(|m| m.resources == ["arn:aws:s3:::b/k"]));
    let a = map(
        "s3.amazonaws.com",
        "CopyObject",
        json!({"bucketName": "dst", "key": "k", "x-amz-copy-source": "src/o", "x-amz-tagging": "a=b"}),
    );
    assert_eq!(names(&a), ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]);
}

#[test]
fn reencrypt_needs_from_and_to() {
    let src = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let a = map(
        "kms.amazonaws.com",
        "ReEncrypt",
        json!({"sourceKeyId": src, "destinationKeyId": "0987dcba-09fe-87dc-65ba-ab0987654321"}),
    );
    assert_eq!(names(&a), ["kms:ReEncryptFrom", "kms:ReEncryptTo"]);
    assert_eq!(a[0].resources, [src]);
    assert_eq!(
        a[1].resources,
        ["arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"]
    );
    // An alias is no key ARN: the action counts with `*`.
    let a = map(
        "kms.amazonaws.com",
        "ReEncrypt",
        json!({"destinationKeyId": "alias/x"}),
    );
    assert!(a[1].resources.is_empty());
}

#[test]
fn pass_role_from_role_arns_in_the_request() {
    let a = map(
        "lambda.amazonaws.com",
        "CreateFunction20150331",
        json!({"functionName": "f", "role": "arn:aws:iam::111122223333:role/service/lambda-exec", "runtime": "python3.12"}),
    );
    assert_eq!(names(&a), ["lambda:CreateFunction", "iam:PassRole"]);
    assert_eq!(
        a[0].resources,
        ["arn:aws:lambda:us-east-1:111122223333:function:f"]
    );
    assert_eq!(
        a[1].resources,
        ["arn:aws:iam::111122223333:role/service/lambda-exec"]
    );

    let a = map(
        "ecs.amazonaws.com",
        "RegisterTaskDefinition",
        json!({"family": "web", "taskRoleArn": "arn:aws:iam::111122223333:role/task",
               "executionRoleArn": "arn:aws:iam::111122223333:role/exec"}),
    );
    let pass = a.iter().find(|m| m.action == "iam:PassRole").unwrap();
    assert_eq!(
        pass.resources,
        [
            "arn:aws:iam::111122223333:role/exec",
            "arn:aws:iam::111122223333:role/task"
        ]
    );

    // An instance profile is not a role ARN: PassRole is needed, but on a role we cannot name.
    let a = map(
        "ec2.amazonaws.com",
        "RunInstances",
        json!({"instancesSet": {"items": [{"imageId": "ami-1", "minCount": 1, "maxCount": 1}]},
               "iamInstanceProfile": {"arn": "arn:aws:iam::111122223333:instance-profile/web"}}),
    );
    let pass = a.iter().find(|m| m.action == "iam:PassRole").unwrap();
    assert!(pass.resources.is_empty(), "{pass:?}");
    let a = map(
        "ec2.amazonaws.com",
        "RunInstances",
        json!({"instancesSet": {"items": [{"imageId": "ami-1", "minCount": 1, "maxCount": 1}]}}),
    );
    assert!(!names(&a).contains(&"iam:PassRole"));

    // A role ARN a service call hands over where the map lists no PassRole: implied.
    let a = map(
        "states.amazonaws.com",
        "CreateStateMachine",
        json!({"name": "sm", "definition": "{}", "roleArn": "arn:aws:iam::111122223333:role/sfn"}),
    );
    let pass = a.iter().find(|m| m.action == "iam:PassRole").unwrap();
    assert_eq!(pass.resources, ["arn:aws:iam::111122223333:role/sfn"]);

    // Assuming a role is not passing it; naming a principal is not either.
    let a = map(
        "sts.amazonaws.com",
        "AssumeRole",
        json!({"roleArn": "arn:aws:iam::111122223333:role/r", "roleSessionName": "s"}),
    );
    assert_eq!(names(&a), ["sts:AssumeRole"]);
    assert_eq!(a[0].resources, ["arn:aws:iam::111122223333:role/r"]);
    let a = map(
        "eks.amazonaws.com",
        "CreateAccessEntry",
        json!({"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/admin"}),
    );
    assert_eq!(names(&a), ["eks:CreateAccessEntry"]);
}

#[test]
fn implied_pass_role_provenance() {
    let a = map(
        "glue.amazonaws.com",
        "CreateCrawler",
        json!({"name": "c", "role": "arn:aws:iam::111122223333:role/glue", "targets": {}}),
    );
    let pass = a.iter().find(|m| m.action == "iam:PassRole").unwrap();
    assert!(matches!(
        pass.provenance,
        Provenance::ApiMap | Provenance::Implied(_)
    ));
    assert_eq!(pass.resources, ["arn:aws:iam::111122223333:role/glue"]);
}

#[test]
fn tags_only_when_the_request_tags() {
    let a = map(
        "ec2.amazonaws.com",
        "CreateVpc",
        json!({"cidrBlock": "10.0.0.0/16"}),
    );
    assert_eq!(names(&a), ["ec2:CreateVpc"]);
    let a = map(
        "ec2.amazonaws.com",
        "CreateVpc",
        json!({"cidrBlock": "10.0.0.0/16", "tagSpecificationSet": {"items": [{"resourceType": "vpc", "tags": [{"key": "a", "value": "b"}]}]}}),
    );
    assert_eq!(names(&a), ["ec2:CreateVpc", "ec2:CreateTags"]);
}

#[test]
fn ec2_instance_lists_as_cloudtrail_logs_them() {
    let a = map(
        "ec2.amazonaws.com",
        "StopInstances",
        json!({"instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]}, "force": false}),
    );
    assert_eq!(
        only(&a).resources,
        [
            "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-2"
        ]
    );
}

#[test]
fn api_version_suffixes_normalise() {
    let a = map(
        "lambda.amazonaws.com",
        "GetFunctionConfiguration20150331v2",
        json!({"functionName": "f"}),
    );
    assert_eq!(only(&a).action, "lambda:GetFunctionConfiguration");
    let a = map(
        "lambda.amazonaws.com",
        "Invoke20150331",
        json!({"functionName": "arn:aws:lambda:us-east-1:111122223333:function:f:live"}),
    );
    assert_eq!(only(&a).action, "lambda:InvokeFunction");
    assert_eq!(
        only(&a).resources,
        ["arn:aws:lambda:us-east-1:111122223333:function:f"]
    );
    let a = map(
        "cloudfront.amazonaws.com",
        "CreateDistribution2020_05_31",
        json!({}),
    );
    assert_eq!(names(&a)[0], "cloudfront:CreateDistribution");
}

#[test]
fn iam_paths_and_ssm_parameter_names_fill_templates() {
    let a = map(
        "iam.amazonaws.com",
        "CreateRole",
        json!({"roleName": "app", "path": "/svc/", "assumeRolePolicyDocument": "{}"}),
    );
    assert_eq!(only(&a).resources, ["arn:aws:iam::111122223333:role/svc/app"]);
    let a = map(
        "iam.amazonaws.com",
        "CreateRole",
        json!({"roleName": "app", "assumeRolePolicyDocument": "{}"}),
    );
    assert_eq!(only(&a).resources, ["arn:aws:iam::111122223333:role/app"]);
    let a = map(
        "ssm.amazonaws.com",
        "GetParameter",
        json!({"name": "/app/db/password", "withDecryption": true}),
    );
    assert_eq!(
        only(&a).resources,
        ["arn:aws:ssm:us-east-1:111122223333:parameter/app/db/password"]
    );
}

#[test]
fn unfilled_templates_emit_no_arn() {
    // Without the function name, the ARN cannot be built: the action counts with `*`.
    let a = map("lambda.amazonaws.com", "GetFunction20150331v2", json!({}));
    assert!(only(&a).resources.is_empty());
    // Without a region, nothing regional is built.
    let params = json!({"functionName": "f"});
    let mut ev = EventRef::new("lambda.amazonaws.com", "GetFunction20150331v2");
    ev.account = Some("111122223333");
    ev.request_parameters = Some(&params);
    assert!(catalog().map_event(&ev).actions()[0].resources.is_empty());
}

#[test]
fn events_that_need_no_permission() {
    let cases = [
        ("signin.amazonaws.com", "ConsoleLogin", Some("AwsConsoleSignIn")),
        ("signin.amazonaws.com", "CheckMfa", Some("AwsConsoleSignIn")),
        ("signin.amazonaws.com", "ConsoleLogin", None),
        ("signin.amazonaws.com", "GetSigninToken", Some("AwsApiCall")),
        ("sts.amazonaws.com", "GetCallerIdentity", Some("AwsApiCall")),
        (
            "ec2.amazonaws.com",
            "SharedSnapshotVolumeCreated",
            Some("AwsServiceEvent"),
        ),
    ];
    for (source, name, event_type) in cases {
        let mut ev = EventRef::new(source, name);
        ev.event_type = event_type;
        assert!(
            matches!(catalog().map_event(&ev), EventMapping::NoPermissionNeeded { .. }),
            "{source}:{name} {event_type:?}"
        );
    }
}

#[test]
fn same_name_fallback_and_unmapped() {
    // The catalog knows the action though the map does not list the method.
    let ev = EventRef::new("notifications.amazonaws.com", "ListNotificationHubs");
    let EventMapping::Mapped(a) = catalog().map_event(&ev) else {
        panic!()
    };
    assert_eq!(a[0].provenance, Provenance::CatalogSameName);
    let ev = EventRef::new("s3.amazonaws.com", "NoSuchOperationEver");
    assert_eq!(catalog().map_event(&ev), EventMapping::Unmapped);
    let ev = EventRef::new("nosuchservice.amazonaws.com", "DoThing");
    assert_eq!(catalog().map_event(&ev), EventMapping::Unmapped);
}

#[test]
fn mapping_is_deterministic_and_cached() {
    let params = json!({"bucketName": "b", "key": "k"});
    let mut ev = EventRef::new("s3.amazonaws.com", "GetObject");
    ev.request_parameters = Some(&params);
    let first = catalog().map_event(&ev);
    for _ in 0..3 {
        assert_eq!(catalog().map_event(&ev), first);
    }
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let params = json!({"bucketName": "b", "key": "k"});
                let mut ev = EventRef::new("s3.amazonaws.com", "GetObject");
                ev.request_parameters = Some(&params);
                catalog().map_event(&ev)
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), first);
    }
}

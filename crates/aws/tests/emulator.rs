//! pare-aws against real AWS SDK clients and local emulators: moto server (S3, IAM) and the local
//! CloudTrail LookupEvents endpoint of `pare_aws::testing`.
//!
//! Without moto installed (scripts/setup.sh) the moto-backed tests are skipped with a message, unless
//! `PARE_REQUIRE_EMULATOR=1`, where they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use pare_aws::testing::{self, FakeCloudTrail, MotoServer};
use pare_aws::{AwsErrorKind, AwsOptions};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::sync::Once;

/// The library calls read credentials through the standard chain: give this process the dummy ones,
/// once, before any test touches the SDK, and keep the user's files out of it.
fn test_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for k in testing::CLEARED_ENV {
            std::env::remove_var(k);
        }
        for (k, v) in testing::TEST_ENV {
            std::env::set_var(k, v);
        }
        let none = std::env::temp_dir().join("pare-aws-tests-no-such-file");
        std::env::set_var("AWS_CONFIG_FILE", &none);
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &none);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    });
}

fn moto(test: &str, env: &[(&str, &str)]) -> Option<MotoServer> {
    test_env();
    match MotoServer::program() {
        Some(program) => Some(MotoServer::start(&program, env).unwrap_or_else(|e| panic!("{test}: {e}"))),
        None if testing::emulator_required() => {
            panic!("{test}: moto_server is not installed (.venv/bin/moto_server); run scripts/setup.sh")
        }
        None => {
            eprintln!(
                "\n*** SKIPPED {test}: moto_server is not installed; run scripts/setup.sh \
                 (set PARE_REQUIRE_EMULATOR=1 to make this a failure) ***\n"
            );
            None
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn fixture_records(dir: &str) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/cloudtrail-real")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let v: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        out.extend(v["Records"].as_array().unwrap().iter().cloned());
    }
    out
}

#[test]
fn s3_objects_lists_every_page_in_key_order_and_downloads_each_object() {
    let Some(moto) = moto("s3_objects_lists_every_page", &[]) else {
        return;
    };
    let endpoint = moto.endpoint();
    let prefix = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/";
    // 1,003 objects: more than one ListObjectsV2 page (1,000 keys), some gzipped, one "directory" key,
    // and objects outside the prefix.
    let mut expected: Vec<(String, Vec<u8>)> = Vec::new();
    testing::block_on(async {
        let s3 = testing::s3_client(&endpoint).await;
        s3.create_bucket().bucket("pare-trail").send().await.unwrap();
        let put = |key: String, body: Vec<u8>| {
            let s3 = s3.clone();
            async move {
                s3.put_object()
                    .bucket("pare-trail")
                    .key(key)
                    .body(body.into())
                    .send()
                    .await
                    .unwrap();
            }
        };
        put(prefix.to_owned(), Vec::new()).await;
        put("other/outside.json".into(), b"{}".to_vec()).await;
        for i in 0..1003 {
            let key = format!("{prefix}123456789012_CloudTrail_us-east-1_20261101T{i:04}Z_x.json");
            let body = format!(r#"{{"Records":[{{"eventID":"{i}"}}]}}"#).into_bytes();
            let (key, body) = if i % 3 == 0 {
                (format!("{key}.gz"), gzip(&body))
            } else {
                (key, body)
            };
            put(key.clone(), body.clone()).await;
            expected.push((format!("s3://pare-trail/{key}"), body));
        }
    })
    .unwrap();
    expected.sort();

    let got: Vec<(String, Vec<u8>)> = pare_aws::s3_objects("s3://pare-trail/AWSLogs/", &moto.options())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got.len(), 1003);
    assert!(
        got == expected,
        "objects differ from what was uploaded (names, order or bytes)"
    );
    assert!(
        got[0].1.starts_with(&[0x1f, 0x8b]),
        "gzipped bodies stay as stored"
    );

    // An early drop stops the background downloads without blocking.
    let mut it = pare_aws::s3_objects("s3://pare-trail/", &moto.options()).unwrap();
    assert!(it.next().unwrap().is_ok());
    drop(it);
}

#[test]
fn s3_errors_name_the_bucket_and_the_endpoint() {
    let Some(moto) = moto("s3_errors_name_the_bucket_and_the_endpoint", &[]) else {
        return;
    };
    let err = pare_aws::s3_objects("s3://no-such-bucket/AWSLogs/", &moto.options()).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::NotFound, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("s3://no-such-bucket/AWSLogs/") && msg.contains("NoSuchBucket"),
        "{msg}"
    );
    assert!(msg.contains(&moto.endpoint()), "{msg}");

    let err = pare_aws::s3_objects("bucket/key", &moto.options()).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::InvalidInput);

    let err = pare_aws::s3_objects(
        "s3://b/p",
        &AwsOptions {
            endpoint_url: Some("ftp://x".into()),
            ..moto.options()
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("`ftp://x`"), "{err}");
}

#[test]
fn s3_unreachable_endpoint_is_a_clear_error() {
    test_env();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(url.clone()),
    };
    let err = pare_aws::s3_objects("s3://trail/AWSLogs/", &opts).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Unreachable, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&url) && msg.contains("s3://trail/AWSLogs/"), "{msg}");
    assert!(msg.starts_with("listing"), "{msg}");
}

#[test]
fn lookup_events_pages_through_next_token_and_retries_throttling() {
    test_env();
    let records = fixture_records("invictus-aws-dataset");
    assert!(records.len() > 1000);
    let fake = FakeCloudTrail::start(&records, 50, Some(3)).unwrap();
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(fake.endpoint()),
    };
    let events: Vec<String> = pare_aws::lookup_events(&opts, None, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(events.len(), records.len());
    for (got, want) in events.iter().zip(&records) {
        assert_eq!(&serde_json::from_str::<Value>(got).unwrap(), want);
    }
    let reqs = fake.requests();
    let pages = records.len().div_ceil(50);
    assert_eq!(reqs.len(), pages + 1, "one request per page plus the retried one");
    assert!(
        reqs.iter()
            .all(|r| r.target.ends_with("CloudTrail_20131101.LookupEvents")),
        "{reqs:?}"
    );
    assert_eq!(reqs.iter().filter(|r| r.status == 400).count(), 1);
    let throttled = reqs.iter().position(|r| r.status == 400).unwrap();
    assert_eq!(
        reqs[throttled].body,
        reqs[throttled + 1].body,
        "the SDK retried the same page"
    );
    assert_eq!(reqs[throttled + 1].status, 200);
    assert_eq!(reqs[0].body.get("NextToken"), None);
    let tokens: Vec<&str> = reqs
        .iter()
        .filter(|r| r.status == 200)
        .skip(1)
        .map(|r| r.body["NextToken"].as_str().unwrap())
        .collect();
    assert_eq!(tokens.len(), pages - 1);
}

#[test]
fn lookup_events_sends_the_time_window() {
    test_env();
    let records = fixture_records("invictus-aws-dataset");
    let fake = FakeCloudTrail::start(&records, 50, None).unwrap();
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(fake.endpoint()),
    };
    let (start, end) = ("2023-07-10T12:00:00Z", "2023-07-10T12:10:00Z");
    let events: Vec<String> = pare_aws::lookup_events(&opts, Some(start), Some(end))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let inside = |t: &str| t >= start && t <= end;
    let want = records
        .iter()
        .filter(|r| inside(r["eventTime"].as_str().unwrap()))
        .count();
    assert!(want > 0 && want < records.len());
    assert_eq!(events.len(), want);
    let body = &fake.requests()[0].body;
    assert_eq!(body["StartTime"].as_f64(), Some(1_688_990_400.0));
    assert_eq!(body["EndTime"].as_f64(), Some(1_688_991_000.0));

    let err = pare_aws::lookup_events(&opts, Some("last tuesday"), None).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::InvalidInput);
    assert!(err.to_string().contains("`last tuesday`"), "{err}");
}

#[test]
fn lookup_events_with_no_events_yields_nothing() {
    test_env();
    let fake = FakeCloudTrail::start(&[], 50, None).unwrap();
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(fake.endpoint()),
    };
    let events: Vec<_> = pare_aws::lookup_events(&opts, None, None).unwrap().collect();
    assert!(events.is_empty(), "no events, no error: {events:?}");
    assert_eq!(fake.requests().len(), 1);

    // An endpoint nobody listens on is the call's error, naming the endpoint.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(url.clone()),
    };
    let err = pare_aws::lookup_events(&opts, None, None).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Unreachable, "{err}");
    assert!(err.to_string().contains(&url), "{err}");
}

#[test]
fn authorization_details_match_the_aws_cli_output() {
    let Some(moto) = moto(
        "authorization_details_match_the_aws_cli_output",
        &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")],
    ) else {
        return;
    };
    let endpoint = moto.endpoint();
    let seeded = testing::block_on(async {
        let iam = testing::iam_client(&endpoint).await;
        testing::seed_iam_account(&iam).await
    })
    .unwrap()
    .unwrap();
    let ours = pare_aws::account_authorization_details(&moto.options()).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let cli = match testing::aws_cli_authorization_details(&endpoint, scratch.path()) {
        Ok(v) => v,
        Err(e) if !testing::emulator_required() && testing::venv_program("aws").is_none() => {
            eprintln!("\n*** SKIPPED the AWS CLI comparison: {e} ***\n");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    if ours != cli {
        let a = serde_json::to_string_pretty(&ours).unwrap();
        let b = serde_json::to_string_pretty(&cli).unwrap();
        std::fs::write(scratch.path().join("ours.json"), &a).unwrap();
        std::fs::write(scratch.path().join("cli.json"), &b).unwrap();
        let first = a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y);
        panic!("differs from the AWS CLI output; first differing line: {first:?}");
    }
    // What was seeded is there, decoded.
    let users = ours["UserDetailList"].as_array().unwrap();
    let alice = users.iter().find(|u| u["UserName"] == "alice").unwrap();
    assert_eq!(alice["GroupList"], serde_json::json!(["devs"]));
    let kms = &alice["UserPolicyList"][0]["PolicyDocument"];
    assert_eq!(
        kms["Statement"][0]["Condition"]["StringLike"]["kms:EncryptionContext:path"],
        "reports/2026 q3+q4 & 100%25/*"
    );
    let role = ours["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RoleName"] == "app")
        .unwrap();
    assert_eq!(role["Path"], "/service/");
    assert_eq!(
        role["PermissionsBoundary"]["PermissionsBoundaryArn"],
        seeded.boundary_arn.as_str()
    );
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    let read = ours["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Arn"] == seeded.read_policy_arn.as_str())
        .unwrap();
    assert_eq!(read["DefaultVersionId"], "v1");
    let versions = read["PolicyVersionList"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions
        .iter()
        .any(|v| v["IsDefaultVersion"] == true && v["Document"]["Statement"][0]["Sid"] == "ReadLogs"));
    assert!(users
        .iter()
        .all(|u| u["CreateDate"].as_str().unwrap().ends_with("+00:00")));
}

/// Percent-encodes as IAM does for policy documents in its XML responses.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn authorization_details_follow_every_page_and_decode_documents() {
    test_env();
    let user_doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b+c/*"}}"#;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let v1 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#;
    let pages = vec![
        format!(
            "<UserDetailList><member><Path>/</Path><UserName>carol</UserName><UserId>AIDAEXAMPLE1</UserId>\
             <Arn>arn:aws:iam::111122223333:user/carol</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate>\
             <UserPolicyList><member><PolicyName>carol-read</PolicyName><PolicyDocument>{}</PolicyDocument></member></UserPolicyList>\
             <GroupList><member>ops</member></GroupList><AttachedManagedPolicies/>\
             <PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>\
             <PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/edge</PermissionsBoundaryArn></PermissionsBoundary>\
             <Tags><member><Key>team</Key><Value>ops</Value></member></Tags></member></UserDetailList>\
             <GroupDetailList/><RoleDetailList/><Policies/>",
            url_encode(user_doc)
        ),
        format!(
            "<UserDetailList/><GroupDetailList><member><Path>/</Path><GroupName>ops</GroupName><GroupId>AGPAEXAMPLE</GroupId>\
             <Arn>arn:aws:iam::111122223333:group/ops</Arn><CreateDate>2026-01-02T03:04:05.250Z</CreateDate>\
             <GroupPolicyList/><AttachedManagedPolicies><member><PolicyName>send</PolicyName>\
             <PolicyArn>arn:aws:iam::111122223333:policy/send</PolicyArn></member></AttachedManagedPolicies></member></GroupDetailList>\
             <RoleDetailList><member><Path>/svc/</Path><RoleName>fn</RoleName><RoleId>AROAEXAMPLE</RoleId>\
             <Arn>arn:aws:iam::111122223333:role/svc/fn</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate>\
             <AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList/>\
             <AttachedManagedPolicies/><Tags/><RoleLastUsed><LastUsedDate>2026-02-01T00:00:00Z</LastUsedDate>\
             <Region>eu-west-1</Region></RoleLastUsed></member></RoleDetailList><Policies/>",
            url_encode(trust)
        ),
        format!(
            "<UserDetailList/><GroupDetailList/><RoleDetailList/><Policies><member><PolicyName>send</PolicyName>\
             <PolicyId>ANPAEXAMPLE</PolicyId><Arn>arn:aws:iam::111122223333:policy/send</Arn><Path>/</Path>\
             <DefaultVersionId>v1</DefaultVersionId><AttachmentCount>1</AttachmentCount>\
             <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>\
             <CreateDate>2026-01-01T00:00:00Z</CreateDate><UpdateDate>2026-01-03T00:00:00Z</UpdateDate>\
             <PolicyVersionList><member><Document>{}</Document><VersionId>v2</VersionId><IsDefaultVersion>false</IsDefaultVersion>\
             <CreateDate>2026-01-03T00:00:00Z</CreateDate></member><member><Document>{}</Document><VersionId>v1</VersionId>\
             <IsDefaultVersion>true</IsDefaultVersion><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></PolicyVersionList>\
             </member></Policies>",
            url_encode(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#),
            url_encode(v1)
        ),
    ];
    let fake = testing::FakeIamPages::start(pages).unwrap();
    let opts = AwsOptions {
        region: Some("us-east-1".into()),
        profile: None,
        endpoint_url: Some(fake.endpoint()),
    };
    let got = pare_aws::account_authorization_details(&opts).unwrap();
    let doc = |s: &str| serde_json::from_str::<Value>(s).unwrap();
    let want = serde_json::json!({
        "UserDetailList": [{
            "Path": "/", "UserName": "carol", "UserId": "AIDAEXAMPLE1", "Arn": "arn:aws:iam::111122223333:user/carol",
            "CreateDate": "2026-01-02T03:04:05+00:00",
            "UserPolicyList": [{"PolicyName": "carol-read", "PolicyDocument": doc(user_doc)}],
            "GroupList": ["ops"], "AttachedManagedPolicies": [],
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                    "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/edge"},
            "Tags": [{"Key": "team", "Value": "ops"}]
        }],
        "GroupDetailList": [{
            "Path": "/", "GroupName": "ops", "GroupId": "AGPAEXAMPLE", "Arn": "arn:aws:iam::111122223333:group/ops",
            "CreateDate": "2026-01-02T03:04:05.250000+00:00", "GroupPolicyList": [],
            "AttachedManagedPolicies": [{"PolicyName": "send", "PolicyArn": "arn:aws:iam::111122223333:policy/send"}]
        }],
        "RoleDetailList": [{
            "Path": "/svc/", "RoleName": "fn", "RoleId": "AROAEXAMPLE", "Arn": "arn:aws:iam::111122223333:role/svc/fn",
            "CreateDate": "2026-01-02T03:04:05+00:00", "AssumeRolePolicyDocument": doc(trust),
            "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [],
            "RoleLastUsed": {"LastUsedDate": "2026-02-01T00:00:00+00:00", "Region": "eu-west-1"}
        }],
        "Policies": [{
            "PolicyName": "send", "PolicyId": "ANPAEXAMPLE", "Arn": "arn:aws:iam::111122223333:policy/send", "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
            "CreateDate": "2026-01-01T00:00:00+00:00", "UpdateDate": "2026-01-03T00:00:00+00:00",
            "PolicyVersionList": [
                {"Document": doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#),
                 "VersionId": "v2", "IsDefaultVersion": false, "CreateDate": "2026-01-03T00:00:00+00:00"},
                {"Document": doc(v1), "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2026-01-01T00:00:00+00:00"}
            ]
        }]
    });
    assert_eq!(got, want);
    // The key order is the CLI's (the service model's), not alphabetical.
    let keys: Vec<&String> = got["UserDetailList"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["Path", "UserName", "UserId"]);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3, "one request per page");
    assert!(!reqs[0].raw.contains("Marker="));
    assert!(reqs[1].raw.contains("Marker=pare-page-1") && reqs[2].raw.contains("Marker=pare-page-2"));
}

#[test]
fn authorization_details_errors_name_the_endpoint() {
    test_env();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let opts = AwsOptions {
        region: None,
        profile: None,
        endpoint_url: Some(url.clone()),
    };
    let err = pare_aws::account_authorization_details(&opts).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Unreachable, "{err}");
    assert!(
        err.to_string().contains(&url) && err.to_string().contains("get-account-authorization-details"),
        "{err}"
    );
}

//! `pare eval` end to end: the real binary on policy files in a temporary directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::Path;

mod support;
use support::{pare, write};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const IDENTITY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadHome", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::corp/home/${aws:username}/*"},
    {"Sid": "NoDeleteOutsideOffice", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
  ]
}"#;

#[test]
fn json_output_names_the_deciding_statements() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "identity.json", IDENTITY);
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::corp/home/alice/a.txt",
        "--policy",
        s(&p),
        "--context",
        "aws:username=alice",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["matched"].as_array().unwrap().len(), 1);
    assert_eq!(v["matched"][0]["source"], s(&p));
    assert_eq!(v["matched"][0]["sid"], "ReadHome");
    assert_eq!(v["matched"][0]["effect"], "Allow");
    assert_eq!(v["matched"][0]["statement"], "Statement[0]");

    // Another user's home: implicit deny, still exit 0.
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::corp/home/bob/a.txt",
        "--policy",
        s(&p),
        "--context",
        "aws:username=alice",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
    assert_eq!(v["matched"], Value::Array(vec![]));
}

#[test]
fn explicit_deny_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "identity.json", IDENTITY);
    let out = pare(&[
        "eval",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::corp/home/alice/a.txt",
        "--policy",
        s(&p),
        "--context",
        "aws:SourceIp=198.51.100.4",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("ExplicitDeny: s3:DeleteObject arn:aws:s3:::corp/home/alice/a.txt\n"),
        "{text}"
    );
    assert!(
        text.contains("Deny  ")
            && text.contains("Statement[1] (Sid `NoDeleteOutsideOffice`) [identity policy]"),
        "{text}"
    );

    // The negated operator on an absent key is true: still denied without any context.
    let out = pare(&[
        "eval",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::x",
        "--policy",
        s(&p),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "ExplicitDeny");
}

#[test]
fn boundary_scp_levels_and_resource_policy() {
    let dir = tempfile::tempdir().unwrap();
    let id = write(
        dir.path(),
        "id.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#,
    );
    let boundary = write(
        dir.path(),
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":{"Sid":"B","Effect":"Allow","Action":"sqs:Send*","Resource":"*"}}"#,
    );
    let root = write(
        dir.path(),
        "root.json",
        r#"{"Version":"2012-10-17","Statement":{"Sid":"Full","Effect":"Allow","Action":"*","Resource":"*"}}"#,
    );
    let ou = write(
        dir.path(),
        "ou.json",
        r#"{"Version":"2012-10-17","Statement":{"Sid":"OnlyEc2","Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#,
    );
    let rp = write(
        dir.path(),
        "queue-policy.json",
        r#"{"Version":"2012-10-17","Statement":{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:SendMessage","Resource":"*"}}"#,
    );
    let queue = "arn:aws:sqs:us-east-1:111122223333:q";
    let run = |extra: &[&str]| -> Value {
        let mut args = vec![
            "eval",
            "--action",
            "sqs:SendMessage",
            "--resource",
            queue,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = pare(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Same account: identity + boundary + the root SCP.
    let v = run(&["--policy", s(&id), "--boundary", s(&boundary), "--scp", s(&root)]);
    assert_eq!(v["decision"], "Allow");
    let sids: Vec<&str> = v["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sid"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(sids, ["Full", "B", "-"]);
    // A second SCP level that does not allow SQS.
    let v = run(&["--policy", s(&id), "--scp", s(&root), "--scp", s(&ou)]);
    assert_eq!(v["decision"], "ImplicitDeny");
    assert_eq!(v["reason"], "no statement of SCP level 2 allows the request");
    // Cross-account: the partner's identity policy and the queue policy both allow.
    let partner = "arn:aws:iam::444455556666:user/p";
    let v = run(&[
        "--policy",
        s(&id),
        "--resource-policy",
        s(&rp),
        "--principal",
        partner,
    ]);
    assert_eq!(v["decision"], "Allow");
    let v = run(&["--policy", s(&id), "--principal", partner]);
    assert_eq!(v["decision"], "ImplicitDeny");
}

#[test]
fn context_file_and_multivalued_context() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*",
            "Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["ID","Message"]}}}}"#,
    );
    let ctx = write(
        dir.path(),
        "ctx.json",
        r#"{"dynamodb:Attributes": ["ID", "Message"]}"#,
    );
    let base = [
        "eval",
        "--action",
        "dynamodb:GetItem",
        "--resource",
        "*",
        "--policy",
        s(&p),
        "--format",
        "json",
    ];
    let decision = |extra: &[&str]| -> String {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = pare(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(decision(&["--context-file", s(&ctx)]), "Allow");
    assert_eq!(
        decision(&[
            "--context",
            "dynamodb:Attributes=ID",
            "--context",
            "dynamodb:Attributes=Secret"
        ]),
        "ImplicitDeny"
    );
    // The command line replaces the file's value for the same key.
    assert_eq!(
        decision(&[
            "--context-file",
            s(&ctx),
            "--context",
            "dynamodb:attributes=Secret"
        ]),
        "ImplicitDeny"
    );
}

#[test]
fn bad_policy_is_an_input_error_with_location_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", 42], \"Resource\": \"*\"}\n  ]\n}\n",
    );
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--policy",
        s(&p),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains(&format!("({}:4:52: Statement[0].Action[1])", s(&p))),
        "{err}"
    );

    let p = write(
        dir.path(),
        "syntax.json",
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [}\n",
    );
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--policy",
        s(&p),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("invalid JSON") && err.contains(&format!("({}:2:16)", s(&p))),
        "{err}"
    );

    let p = write(
        dir.path(),
        "effect.json",
        r#"{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
    );
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--policy",
        s(&p),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("Statement.Effect") && err.contains("did you mean `Allow`?"),
        "{err}"
    );

    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--policy",
        "/nonexistent/p.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_action_is_a_warning_with_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "typo.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObjcet"],"Resource":"*"}}"#,
    );
    let out = pare(&[
        "eval",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--policy",
        s(&p),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: unknown action `s3:GetObjcet`"), "{err}");
    assert!(
        err.contains("Statement.Action[0]") && err.contains("did you mean `s3:GetObject`?"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
}

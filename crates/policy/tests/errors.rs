//! Parse errors name the file, the JSON path, the line and column, and a fix when one is known.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_policy::{parse, parse_with, ActionLookup, ParseOptions, Policy};

fn err(text: &str) -> pare_policy::ParseError {
    parse(text).unwrap_err()
}

#[test]
fn paths_and_positions() {
    let text = "{\n \"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n  {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\",\n   \"Condition\": {\"NumericLessThan\": {\"s3:max-keys\": [\"10\", \"ten\"]}}}\n ]\n}";
    let e = err(text);
    assert_eq!(e.path, "Statement[1].Condition.NumericLessThan.s3:max-keys[1]");
    assert_eq!((e.span.line, e.span.column), (6, 60));
    assert_eq!(e.message, "`ten` is not a number for `NumericLessThan`");

    let e = err(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"123456789012"}}"#,
    );
    assert_eq!(e.path, "Statement.Principal");
    assert_eq!(e.help.as_deref(), Some("write {\"AWS\": \"123456789012\"}"));

    let e = err(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Conditions":{}}]}"#,
    );
    assert_eq!(e.to_string(), "unknown element `Conditions` (1:87: Statement[0]): expected one of `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`");

    let e = err(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}"#,
    );
    assert_eq!(e.message, "`Action` and `NotAction` cannot both be present");
    assert_eq!(e.path, "Statement[0].NotAction");

    let e = err(r#"{"Version":"2012-10-18","Statement":[]}"#);
    assert_eq!(
        (e.path.as_str(), e.help.as_deref()),
        ("Version", Some("use `2012-10-17`"))
    );

    let e =
        err(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetItem","Resource":"*"}]}"#);
    assert!(e.message.contains("`GetItem` is not an action"), "{e}");

    let e = err(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}"#,
    );
    assert_eq!(e.path, "Statement[0].Condition.IpAddress.aws:SourceIp");

    let e = err(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValue:StringEquals":{"k":"v"}}}]}"#,
    );
    assert_eq!(e.message, "unknown condition operator `ForAllValue:StringEquals`");

    let e = err(r#"{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*"}]}"#);
    assert_eq!(e.message, "duplicate element `Effect`");
}

#[test]
fn file_label_and_catalog_hook() {
    let hook = |a: &str| {
        if a.eq_ignore_ascii_case("s3:GetObject") {
            ActionLookup::Known
        } else {
            ActionLookup::Unknown {
                suggestion: Some("s3:GetObject".into()),
            }
        }
    };
    let opts = ParseOptions {
        file: Some("p.json"),
        known_action: Some(&hook),
    };
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\n\"Action\":[\"s3:getobject\",\"s3:GetObjcet\",\"s3:Get*\"],\"Resource\":\"*\"}}";
    let e = parse_with(text, &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown action `s3:GetObjcet` (p.json:2:26: Statement.Action[1]): did you mean `s3:GetObject`?"
    );
    // Without the hook the policy parses; the same finding is available as a warning.
    let p = parse(text).unwrap();
    let warnings = p.unknown_actions(Some("p.json"), &hook);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0], e);
}

#[test]
fn values_have_paths_but_no_positions() {
    let v =
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:*"}]});
    let e = Policy::from_value(&v).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`Effect` must be `Allow` or `Deny`, found `Permit` (at Statement[0].Effect)"
    );
    assert!(!e.span.is_known());
}

#[test]
fn invalid_json_points_at_the_character() {
    let e = err("{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}");
    assert_eq!((e.span.line, e.span.column), (3, 3));
    assert!(
        e.message
            .starts_with("invalid JSON: unexpected `\\\"`, expected `,` or `}`"),
        "{e}"
    );
}

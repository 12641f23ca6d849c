//! Properties of the comparison on generated policies, and a randomized cross-check against the evaluator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pare_drift::compare::{compare, Refine};
use pare_drift::glob::{Dialect, Glob};
use pare_drift::side::{Doc, Side};
use pare_policy::{decide, parse, Decision, Request, ResourcePattern};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "s3:DeleteObject",
    "sqs:SendMessage",
    "sqs:*",
    "*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/logs/*",
    "arn:aws:s3:::b/logs/202?",
    "arn:aws:s3:::c/*",
    "arn:aws:sqs:eu-west-1:111122223333:q",
    "arn:aws:sqs:*:111122223333:*",
];
const REGIONS: &[&str] = &["eu-west-1", "us-east-1", "eu-*"];

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::sample::subsequence(ACTIONS, 1..3),
        any::<bool>(),
        prop::sample::subsequence(RESOURCES, 1..3),
        0usize..5,
    )
        .prop_map(|(deny, not_action, actions, not_resource, resources, cond)| {
            let mut s = serde_json::Map::new();
            s.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
            s.insert(
                if not_action && deny { "NotAction" } else { "Action" }.into(),
                json!(actions),
            );
            s.insert(
                if not_resource { "NotResource" } else { "Resource" }.into(),
                json!(resources),
            );
            match cond {
                1 => {
                    s.insert(
                        "Condition".into(),
                        json!({"StringEquals": {"aws:RequestedRegion": REGIONS[0]}}),
                    );
                }
                2 => {
                    s.insert(
                        "Condition".into(),
                        json!({"StringLike": {"aws:RequestedRegion": REGIONS[2]}}),
                    );
                }
                3 => {
                    s.insert(
                        "Condition".into(),
                        json!({"StringNotEqualsIfExists": {"aws:RequestedRegion": REGIONS[1]}}),
                    );
                }
                4 => {
                    s.insert(
                        "Condition".into(),
                        json!({"Bool": {"aws:SecureTransport": "true"}}),
                    );
                }
                _ => {}
            }
            Value::Object(s)
        })
}

fn policy() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(statement(), 1..4)
}

fn side(stmts: &[Value]) -> Side {
    let text = json!({"Version": "2012-10-17", "Statement": stmts}).to_string();
    let policy = parse(&text).unwrap();
    Side {
        identity: vec![Doc {
            label: "p".into(),
            name: "p".into(),
            file: "p.json".into(),
            json_path: "$".into(),
            policy,
        }],
        ..Default::default()
    }
}

fn broader(base: &[Value], head: &[Value]) -> bool {
    let r = compare(Some(&side(base)), &side(head), &Refine::default());
    !r.cells.is_empty() || !r.inexact.is_empty()
}

const SAMPLE_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:GetBucketPolicy",
    "s3:DeleteObject",
    "sqs:SendMessage",
    "sqs:DeleteQueue",
    "ec2:RunInstances",
];
const SAMPLE_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b/logs/2024",
    "arn:aws:s3:::b/logs/2024/x",
    "arn:aws:s3:::c/y",
    "arn:aws:s3:::d",
    "arn:aws:sqs:eu-west-1:111122223333:q",
    "arn:aws:sqs:us-east-1:111122223333:other",
    "*",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn never_broader_than_itself(p in policy()) {
        prop_assert!(!broader(&p, &p));
    }

    #[test]
    fn adding_a_deny_to_head_never_makes_it_broader(base in policy(), head in policy(), extra in statement()) {
        prop_assume!(!broader(&base, &head));
        let mut deny = extra.clone();
        deny["Effect"] = json!("Deny");
        let mut head2 = head.clone();
        head2.push(deny);
        prop_assert!(!broader(&base, &head2));
    }

    #[test]
    fn adding_an_allow_to_base_never_makes_head_broader(base in policy(), head in policy(), extra in statement()) {
        prop_assume!(!broader(&base, &head));
        let mut allow = extra.clone();
        allow["Effect"] = json!("Allow");
        if let Some(o) = allow.as_object_mut() {
            if let Some(v) = o.remove("NotAction") { o.insert("Action".into(), v); }
        }
        let mut base2 = base.clone();
        base2.push(allow);
        prop_assert!(!broader(&base2, &head));
    }

    #[test]
    fn a_head_allow_base_lacks_is_found(base in policy(), extra in statement()) {
        // Head = base plus one Allow: broader exactly when some request the new statement allows was not
        // allowed by base and is not denied in base (the deny statements are shared).
        let mut allow = extra.clone();
        allow["Effect"] = json!("Allow");
        if let Some(o) = allow.as_object_mut() {
            if let Some(v) = o.remove("NotAction") { o.insert("Action".into(), v); }
        }
        let mut head = base.clone();
        head.push(allow);
        let (b, h) = (side(&base), side(&head));
        let r = compare(Some(&b), &h, &Refine::default());
        for c in &r.cells {
            prop_assert_eq!(decide(&h.input(), &c.request), Decision::Allow);
            prop_assert_ne!(decide(&b.input(), &c.request), Decision::Allow);
        }
    }

    #[test]
    fn not_broader_means_every_sampled_request_head_allows_base_allows(
        base in policy(), head in policy(),
        action in prop::sample::select(SAMPLE_ACTIONS), resource in prop::sample::select(SAMPLE_RESOURCES),
        region in prop::option::of(prop::sample::select(&["eu-west-1", "us-east-1", "eu-central-1", "ap-south-1"][..])),
        tls in prop::option::of(prop::sample::select(&["true", "false"][..])),
    ) {
        let (b, h) = (side(&base), side(&head));
        let r = compare(Some(&b), &h, &Refine::default());
        let mut req = Request::new(action, resource);
        if let Some(region) = region { req = req.with("aws:RequestedRegion", region); }
        if let Some(t) = tls { req = req.with("aws:SecureTransport", t); }
        if r.cells.is_empty() && r.inexact.is_empty() && decide(&h.input(), &req) == Decision::Allow {
            prop_assert_eq!(decide(&b.input(), &req), Decision::Allow, "head allows {:?} but base does not", req);
        }
    }

    #[test]
    fn signatures_are_exact(
        patterns in prop::collection::vec("[ab:/*?]{0,6}", 1..4),
        strings in prop::collection::vec("[abc:/]{0,7}", 1..20),
        arn in any::<bool>(),
    ) {
        let dialect = if arn { Dialect::Arn } else { Dialect::Plain };
        let globs: Vec<Glob> = patterns.iter().map(|p| Glob::compile(p, dialect, None)).collect();
        let sigs = pare_drift::glob::signatures(&globs, pare_drift::glob::MAX_STATES).unwrap();
        // Sound: every witness has its signature.
        for (sig, w) in &sigs {
            prop_assert_eq!(&pare_drift::glob::signature_of(&globs, w), sig);
        }
        // Complete: any string's signature was found.
        for s in &strings {
            let sig = pare_drift::glob::signature_of(&globs, s);
            prop_assert!(sigs.contains_key(&sig), "{:?} realizes {:?}, not found for {:?}", s, sig, patterns);
        }
    }

    #[test]
    fn arn_globs_agree_with_the_evaluator(
        pattern in "[ab:/*?]{0,8}",
        value in "[ab:/]{0,8}",
    ) {
        let mine = Glob::compile(&pattern, Dialect::Arn, None).matches(&value);
        let theirs = ResourcePattern::new(pattern.clone(), false).matches(&value);
        prop_assert_eq!(mine, theirs, "pattern {:?} value {:?}", pattern, value);
    }
}

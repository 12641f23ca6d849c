//! Property tests: the parser never panics, printing then parsing is the identity, decisions are monotonic
//! (adding a `Deny` never produces an `Allow`; adding an `Allow` never takes one away), and the evaluator agrees
//! with a naive reference evaluator on generated policies and requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod reference;

use pare_policy::{decide, evaluate, parse, ContextValue, Decision, EvalInput, Policy, PolicyRef, Request};
use proptest::prelude::*;
use proptest::sample::select;
use reference::{reference_decision, RefInput, RefRequest};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------------------
// Generators: small alphabets so that patterns and requests meet often.

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "iam:PassRole",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "S3:getobject",
    "ec2:*Instances",
    "iam:?assRole",
    "*:Get*",
    "s3:Put?bject",
    "s3:List*",
    "iam:PassRole",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/home/alice/x",
    "arn:aws:s3:::other/k",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:ec2:eu-west-1:444455556666:instance/i-2",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:lambda:us-east-1:111122223333:function:f:1",
    "*",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:*",
    "arn:aws:s3:::b",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:ec2:us-?ast-1:*:*",
    "arn:aws:lambda:*:*:function:f*",
    "arn:aws:s3:::b/home/${aws:username}/*",
    "arn:aws:iam::*:role/?",
    "arn:aws:*:*:111122223333:*",
    "arn:aws:s3:::b/${*}",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/r/s",
    "arn:aws:iam::444455556666:user/bob",
];

fn principal_value() -> impl Strategy<Value = Value> {
    select(vec![
        json!("*"),
        json!({"AWS": "111122223333"}),
        json!({"AWS": "arn:aws:iam::111122223333:user/alice"}),
        json!({"AWS": ["arn:aws:iam::111122223333:role/r", "arn:aws:iam::444455556666:root"]}),
        json!({"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"}),
        json!({"AWS": "arn:aws:iam::444455556666:user/bob"}),
        json!({"Service": "s3.amazonaws.com"}),
    ])
}

fn condition() -> impl Strategy<Value = (String, String, Value)> {
    let op = select(vec![
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringLike",
        "ForAnyValue:StringEqualsIfExists",
        "NumericLessThan",
        "Bool",
        "BoolIfExists",
        "IpAddress",
        "NotIpAddress",
        "Null",
    ]);
    (
        op,
        0..4usize,
        prop::collection::vec(0..4usize, 1..3),
        any::<bool>(),
    )
        .prop_map(|(op, key_i, vals, list)| {
            let (key, pool): (&str, &[&str]) = match op {
                "NumericLessThan" => ("k:num", &["1", "5", "10", "2.5"]),
                "Bool" | "BoolIfExists" => ("k:flag", &["true", "false", "TRUE", "false"]),
                "IpAddress" | "NotIpAddress" => (
                    "aws:sourceip",
                    &["10.0.0.0/8", "192.0.2.0/24", "192.0.2.7", "0.0.0.0/0"],
                ),
                "Null" => (
                    ["aws:username", "k:multi", "k:flag", "k:num"][key_i],
                    &["true", "false", "true", "false"],
                ),
                _ => (
                    ["aws:username", "k:multi", "aws:username", "k:multi"][key_i],
                    &["alice", "a*", "${aws:username}", "x?z"],
                ),
            };
            let vs: Vec<Value> = vals.iter().map(|i| Value::String(pool[*i].to_string())).collect();
            let v = if list || vs.len() > 1 {
                Value::Array(vs)
            } else {
                vs.into_iter().next().unwrap()
            };
            (op.to_string(), key.to_string(), v)
        })
}

fn one_or_many(pool: &'static [&'static str]) -> impl Strategy<Value = Value> {
    (prop::collection::vec(select(pool), 1..3), any::<bool>()).prop_map(|(v, list)| {
        if v.len() == 1 && !list {
            Value::String(v[0].to_string())
        } else {
            Value::Array(v.into_iter().map(|s| Value::String(s.to_string())).collect())
        }
    })
}

fn statement(effect: Option<&'static str>, with_principal: bool) -> impl Strategy<Value = Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => select(vec!["Allow", "Allow", "Allow", "Deny"]).boxed(),
    };
    (
        effect,
        prop::option::of(select(vec!["S1", "Read", "x"])),
        any::<bool>(),
        one_or_many(ACTION_PATTERNS),
        0..3u8,
        one_or_many(RESOURCE_PATTERNS),
        prop::collection::vec(condition(), 0..3),
        principal_value(),
        any::<bool>(),
    )
        .prop_map(
            move |(
                effect,
                sid,
                not_action,
                actions,
                res_kind,
                resources,
                conds,
                principal,
                not_principal,
            )| {
                let mut m = Map::new();
                if let Some(s) = sid {
                    m.insert("Sid".into(), json!(s));
                }
                m.insert("Effect".into(), json!(effect));
                if with_principal {
                    let key = if not_principal && effect == "Deny" {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    };
                    m.insert(key.into(), principal);
                }
                m.insert(if not_action { "NotAction" } else { "Action" }.into(), actions);
                match res_kind {
                    0 => {}
                    1 => {
                        m.insert("NotResource".into(), resources);
                    }
                    _ => {
                        m.insert("Resource".into(), resources);
                    }
                }
                if !conds.is_empty() {
                    let mut c = Map::new();
                    for (op, key, v) in conds {
                        let entry = c.entry(op).or_insert_with(|| Value::Object(Map::new()));
                        entry.as_object_mut().unwrap().insert(key, v);
                    }
                    m.insert("Condition".into(), Value::Object(c));
                }
                Value::Object(m)
            },
        )
}

fn policy_with(
    effect: Option<&'static str>,
    with_principal: bool,
    n: std::ops::Range<usize>,
) -> impl Strategy<Value = Value> {
    (
        select(vec![
            Some("2012-10-17"),
            Some("2012-10-17"),
            Some("2008-10-17"),
            None,
        ]),
        prop::collection::vec(statement(effect, with_principal), n),
        any::<bool>(),
    )
        .prop_map(|(version, sts, list)| {
            let mut m = Map::new();
            if let Some(v) = version {
                m.insert("Version".into(), json!(v));
            }
            let st = if sts.len() == 1 && !list {
                sts[0].clone()
            } else {
                Value::Array(sts)
            };
            m.insert("Statement".into(), st);
            Value::Object(m)
        })
}

fn policy() -> impl Strategy<Value = Value> {
    policy_with(None, false, 1..4)
}

fn resource_policy() -> impl Strategy<Value = Value> {
    policy_with(None, true, 1..3)
}

fn context() -> impl Strategy<Value = HashMap<String, Vec<String>>> {
    (
        prop::option::of(select(vec!["alice", "bob"])),
        prop::option::of(prop::collection::vec(
            select(vec!["alice", "abc", "xyz", "b"]),
            0..3,
        )),
        prop::option::of(select(vec!["true", "false", "True"])),
        prop::option::of(select(vec!["0", "3", "7.5", "12"])),
        prop::option::of(select(vec![
            "10.1.2.3",
            "192.0.2.7",
            "192.0.2.200",
            "203.0.113.1",
        ])),
    )
        .prop_map(|(user, multi, flag, num, ip)| {
            let mut m = HashMap::new();
            if let Some(u) = user {
                m.insert("aws:username".to_string(), vec![u.to_string()]);
            }
            if let Some(v) = multi {
                m.insert("k:multi".to_string(), v.into_iter().map(str::to_string).collect());
            }
            if let Some(f) = flag {
                m.insert("k:flag".to_string(), vec![f.to_string()]);
            }
            if let Some(n) = num {
                m.insert("k:num".to_string(), vec![n.to_string()]);
            }
            if let Some(i) = ip {
                m.insert("aws:sourceip".to_string(), vec![i.to_string()]);
            }
            m
        })
}

fn request() -> impl Strategy<Value = RefRequest> {
    (
        select(ACTIONS),
        select(RESOURCES),
        prop::option::of(select(PRINCIPALS)),
        context(),
    )
        .prop_map(|(action, resource, principal, context)| RefRequest {
            action: action.to_string(),
            resource: resource.to_string(),
            principal: principal.map(str::to_string),
            context,
        })
}

#[derive(Debug, Clone)]
struct Scenario {
    input: RefInput,
    request: RefRequest,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(policy(), 0..3),
        prop::option::of(policy()),
        prop::collection::vec(prop::collection::vec(policy(), 1..3), 0..3),
        prop::option::of(resource_policy()),
        request(),
    )
        .prop_map(|(identity, boundary, scps, resource_policy, request)| Scenario {
            input: RefInput {
                identity,
                boundary,
                scps,
                resource_policy,
            },
            request,
        })
}

// ---------------------------------------------------------------------------------------------------------
// Running the real evaluator on a scenario.

struct Parsed {
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    scps: Vec<Vec<Policy>>,
    resource_policy: Option<Policy>,
}

fn parsed(input: &RefInput) -> Parsed {
    let p =
        |v: &Value| Policy::from_value(v).unwrap_or_else(|e| panic!("generated policy rejected: {e}\n{v}"));
    Parsed {
        identity: input.identity.iter().map(p).collect(),
        boundary: input.boundary.as_ref().map(p),
        scps: input.scps.iter().map(|l| l.iter().map(p).collect()).collect(),
        resource_policy: input.resource_policy.as_ref().map(p),
    }
}

fn real_request(r: &RefRequest) -> Request {
    let mut req = Request::new(r.action.clone(), r.resource.clone());
    req.principal = r.principal.clone();
    for (k, v) in &r.context {
        let cv = if k == "k:multi" {
            ContextValue::Multi(v.clone())
        } else {
            ContextValue::Single(v[0].clone())
        };
        req.context.insert(k.clone(), cv);
    }
    req
}

fn real_decision(p: &Parsed, req: &Request) -> Decision {
    let input = EvalInput {
        identity: p.identity.iter().map(|x| PolicyRef::new("identity", x)).collect(),
        boundary: p.boundary.as_ref().map(|x| PolicyRef::new("boundary", x)),
        scps: p
            .scps
            .iter()
            .map(|l| l.iter().map(|x| PolicyRef::new("scp", x)).collect())
            .collect(),
        resource_policy: p.resource_policy.as_ref().map(|x| PolicyRef::new("resource", x)),
    };
    let full = evaluate(&input, req).decision;
    let fast = decide(&input, req);
    assert_eq!(full, fast, "evaluate and decide disagree");
    full
}

/// Appends a statement to a policy, keeping its other elements (`Version` decides variable substitution).
fn push_statement(policy: &mut Value, st: Value) {
    match policy.get_mut("Statement").unwrap() {
        Value::Array(a) => a.push(st),
        other => {
            let one = other.take();
            *other = Value::Array(vec![one, st]);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The real evaluator agrees with the naive reference on generated policies and requests.
    #[test]
    fn agrees_with_reference_evaluator(s in scenario()) {
        let p = parsed(&s.input);
        let real = real_decision(&p, &real_request(&s.request));
        let want = reference_decision(&s.input, &s.request);
        prop_assert_eq!(real.as_str(), want, "input: {:#?}\nrequest: {:#?}", s.input, s.request);
    }

    /// Adding a Deny statement anywhere never turns a decision into Allow: the decision stays or becomes an
    /// explicit deny.
    #[test]
    fn adding_a_deny_never_allows(s in scenario(), deny in statement(Some("Deny"), false), rp_deny in statement(Some("Deny"), true), place in 0..4usize) {
        let before = real_decision(&parsed(&s.input), &real_request(&s.request));
        let mut input = s.input.clone();
        match place {
            0 => input.identity.push(json!({"Version": "2012-10-17", "Statement": [deny]})),
            1 if input.boundary.is_some() => push_statement(input.boundary.as_mut().unwrap(), deny),
            2 if !input.scps.is_empty() => push_statement(&mut input.scps[0][0], deny),
            3 if input.resource_policy.is_some() => push_statement(input.resource_policy.as_mut().unwrap(), rp_deny),
            _ => input.identity.push(json!({"Statement": deny})),
        }
        let after = real_decision(&parsed(&input), &real_request(&s.request));
        prop_assert!(after == before || after == Decision::ExplicitDeny, "{:?} -> {:?}", before, after);
    }

    /// Adding an Allow statement anywhere never takes an Allow away (and never creates an explicit deny).
    #[test]
    fn adding_an_allow_never_denies(s in scenario(), allow in statement(Some("Allow"), false), rp_allow in statement(Some("Allow"), true), place in 0..4usize) {
        let before = real_decision(&parsed(&s.input), &real_request(&s.request));
        let mut input = s.input.clone();
        match place {
            0 => input.identity.push(json!({"Version": "2012-10-17", "Statement": [allow]})),
            1 if input.boundary.is_some() => push_statement(input.boundary.as_mut().unwrap(), allow),
            2 if !input.scps.is_empty() => input.scps[0].push(json!({"Statement": allow})),
            3 => match input.resource_policy.as_mut() {
                Some(p) => push_statement(p, rp_allow),
                None => input.resource_policy = Some(json!({"Version": "2012-10-17", "Statement": rp_allow})),
            },
            _ => input.identity.push(json!({"Statement": allow})),
        }
        let after = real_decision(&parsed(&input), &real_request(&s.request));
        if before == Decision::Allow {
            prop_assert_eq!(after, Decision::Allow);
        }
        if before != Decision::ExplicitDeny {
            prop_assert_ne!(after, Decision::ExplicitDeny);
        }
    }

    /// Printing a parsed policy and parsing it back gives the same policy, and printing is then stable.
    #[test]
    fn print_then_parse_is_identity(v in prop_oneof![policy(), resource_policy()]) {
        let p = Policy::from_value(&v).unwrap();
        let text = p.to_string();
        let again = parse(&text).unwrap();
        prop_assert_eq!(&p, &again);
        prop_assert_eq!(text, again.to_string());
        // The printed JSON is the generated JSON: shapes and spellings are kept.
        prop_assert_eq!(p.to_json(), v);
    }

    /// The parser never panics on arbitrary bytes.
    #[test]
    fn parse_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
    }

    /// Nor on text made of policy fragments (which reaches deeper than random bytes).
    #[test]
    fn parse_never_panics_on_policy_like_text(parts in prop::collection::vec(select(vec![
        "{", "}", "[", "]", ",", ":", "\"Version\"", "\"2012-10-17\"", "\"Statement\"", "\"Effect\"", "\"Allow\"",
        "\"Deny\"", "\"Action\"", "\"NotAction\"", "\"s3:*\"", "\"Resource\"", "\"*\"", "\"Condition\"",
        "\"StringLike\"", "\"ForAllValues:StringEqualsIfExists\"", "\"NumericLessThan\"", "\"DateLessThan\"",
        "\"IpAddress\"", "\"aws:SourceIp\"", "\"1.2.3.0/24\"", "\"${aws:username, 'x''y'}\"", "\"${\"", "1e999",
        "-0.5", "true", "null", "\"Principal\"", "\"AWS\"", "\"\\ud800\"", "\"é\"", " ", "\n",
    ]), 0..80)) {
        let text: String = parts.concat();
        let _ = parse(&text);
    }

    /// A parse error always carries a position inside the text (or the document start) for text input.
    #[test]
    fn parse_errors_have_positions(v in policy(), cut in 0usize..400) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        let cut = text.char_indices().map(|(i, _)| i).find(|i| *i >= cut.min(text.len())).unwrap_or(text.len());
        if let Err(e) = parse(&text[..cut]) {
            prop_assert!(e.span.line >= 1);
            prop_assert!(e.span.line as usize <= text[..cut].split('\n').count());
        }
    }
}

/// The generators reach every outcome often enough for the properties above to mean something.
#[test]
fn generated_scenarios_cover_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = scenario();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for _ in 0..1000 {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        *counts
            .entry(reference_decision(&s.input, &s.request))
            .or_default() += 1;
    }
    for outcome in ["Allow", "ExplicitDeny", "ImplicitDeny"] {
        assert!(counts.get(outcome).copied().unwrap_or(0) >= 50, "{counts:?}");
    }
}

//! Fuzzes the policy parser: any input must parse or fail with an error, never panic; a policy that parses
//! must print and parse back to itself, and must evaluate a request without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pare_policy::{decide, parse, EvalInput, PolicyRef, Request};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(policy) = parse(&text) else { return };
    let printed = policy.to_string();
    let again = parse(&printed).expect("a printed policy parses");
    assert_eq!(policy, again, "print then parse changed the policy");
    let request = Request::new("s3:GetObject", "arn:aws:s3:::bucket/key")
        .principal("arn:aws:iam::111122223333:user/alice")
        .with("aws:username", "alice")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:TagKeys", vec!["a", "b"]);
    let input = EvalInput {
        identity: vec![PolicyRef::new("fuzz", &policy)],
        resource_policy: Some(PolicyRef::new("fuzz", &policy)),
        ..Default::default()
    };
    let _ = decide(&input, &request);
});

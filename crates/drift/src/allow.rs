//! The allow-list (`pare-allow.toml`): broadenings a team has reviewed and accepted, each with a reason and an
//! expiry date.
//!
//! ```toml
//! [[accept]]
//! principal = "arn:aws:iam::111122223333:role/app"  # optional: glob on the unit (principal ARN or policy path)
//! statement = "Upload"                               # optional: the head statement's Sid, or "#2" (index)
//! kind = "new-action"                                # optional: a finding kind code
//! action = "s3:PutObject"                            # optional: action glob, case-insensitive (default "*")
//! resource = "arn:aws:s3:::app-data/reports/*"       # optional: ARN pattern (default "*")
//! reason = "reports upload, reviewed in PR 42"       # required
//! expires = "2026-12-31"                             # required: YYYY-MM-DD, last day the entry applies
//! ```
//!
//! An entry accepts a broadening when every field it gives matches: the request's action and resource must lie
//! inside its `action` and `resource` patterns (exactly: the comparison splits requests along these patterns).
//! An entry whose date has passed accepts nothing and is itself reported, so `pare check` fails until it is
//! renewed or removed.

use crate::compare::Kind;
use pare_policy::wildcard_match;
use serde::Deserialize;

/// One accepted broadening.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Glob on the unit key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Sid, or `#index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Finding kind code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Action glob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Resource ARN pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Why it is accepted.
    pub reason: String,
    /// Last day the entry applies (`YYYY-MM-DD`).
    pub expires: String,
    /// 1-based line of the entry in the file (filled in when reading).
    #[serde(skip_deserializing, default)]
    pub line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    accept: Vec<Entry>,
}

/// A parsed allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    /// The file, as given.
    pub file: String,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
}

/// Checks `YYYY-MM-DD`.
fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

impl AllowList {
    /// Parses an allow-list. Errors name the file and line: `` `expires` must be YYYY-MM-DD (pare-allow.toml:7)``.
    pub fn parse(text: &str, file: &str) -> Result<AllowList, String> {
        let shape: FileShape = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            format!(
                "{} ({file}:{line})",
                e.message().trim_end_matches('.').to_lowercase()
            )
        })?;
        // Lines of the `[[accept]]` headers, in order.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[accept]]"))
            .map(|(i, _)| i + 1)
            .collect();
        let mut entries = shape.accept;
        for (i, e) in entries.iter_mut().enumerate() {
            e.line = headers.get(i).copied().unwrap_or(0);
            if !valid_date(&e.expires) {
                return Err(format!(
                    "`expires` must be a date like `2026-12-31`, not `{}` ({file}:{})",
                    e.expires, e.line
                ));
            }
            if e.reason.trim().is_empty() {
                return Err(format!("an entry needs a non-empty `reason` ({file}:{})", e.line));
            }
            if let Some(k) = &e.kind {
                if Kind::from_code(k).is_none() {
                    let codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
                    return Err(format!(
                        "unknown `kind` `{k}`, expected one of {} ({file}:{})",
                        codes.join(", "),
                        e.line
                    ));
                }
            }
        }
        Ok(AllowList {
            file: file.to_string(),
            entries,
        })
    }

    /// Entries whose date has passed (`today` is `YYYY-MM-DD`).
    pub fn expired(&self, today: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.expires.as_str() < today)
            .collect()
    }

    /// Action and resource patterns the comparison must not split.
    pub fn refine(&self) -> crate::compare::Refine {
        crate::compare::Refine {
            actions: self.entries.iter().filter_map(|e| e.action.clone()).collect(),
            resources: self.entries.iter().filter_map(|e| e.resource.clone()).collect(),
        }
    }
}

/// The 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map(|t| t.matches('\n').count() + 1).unwrap_or(0)
}

/// What an entry is matched against.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Unit key.
    pub unit: &'a str,
    /// Head statement Sid.
    pub sid: Option<&'a str>,
    /// Head statement index.
    pub index: usize,
    /// Finding kind.
    pub kind: Kind,
    /// The counterexample's action (every action of its class behaves alike).
    pub action: &'a str,
    /// The counterexample's resource.
    pub resource: &'a str,
}

impl Entry {
    /// Whether the entry accepts the target (dates aside).
    pub fn matches(&self, t: &Target<'_>) -> bool {
        if let Some(p) = &self.principal {
            if !wildcard_match(p, t.unit, false) {
                return false;
            }
        }
        if let Some(s) = &self.statement {
            let ok = match s.strip_prefix('#') {
                Some(i) => i.parse::<usize>().ok() == Some(t.index),
                None => t.sid == Some(s.as_str()),
            };
            if !ok {
                return false;
            }
        }
        if let Some(k) = &self.kind {
            if k != t.kind.code() {
                return false;
            }
        }
        if let Some(a) = &self.action {
            if !wildcard_match(a, t.action, true) {
                return false;
            }
        }
        if let Some(r) = &self.resource {
            if !crate::compare::resource_pattern_matches(r, t.resource) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_454), "2026-01-01");
        assert_eq!(civil_from_days(11_016), "2000-02-29");
    }

    #[test]
    fn parse_and_errors() {
        let ok = "[[accept]]\naction = \"s3:PutObject\"\nreason = \"r\"\nexpires = \"2026-12-31\"\n";
        let a = AllowList::parse(ok, "pare-allow.toml").unwrap();
        assert_eq!(a.entries[0].line, 1);
        let bad = "[[accept]]\nreason = \"r\"\nexpires = \"next year\"\n";
        let e = AllowList::parse(bad, "pare-allow.toml").unwrap_err();
        assert_eq!(
            e,
            "`expires` must be a date like `2026-12-31`, not `next year` (pare-allow.toml:1)"
        );
        let unknown = "[[accept]]\nreason = \"r\"\nexpires = \"2026-12-31\"\nactoin = \"x\"\n";
        assert!(AllowList::parse(unknown, "a.toml")
            .unwrap_err()
            .contains("a.toml:4"));
        let missing = "[[accept]]\nexpires = \"2026-12-31\"\n";
        assert!(AllowList::parse(missing, "a.toml")
            .unwrap_err()
            .contains("reason"));
    }
}

//! Condition operators: names, value parsing (done once, when the policy is parsed) and evaluation against a
//! request's context, with the semantics of the IAM User Guide ("IAM JSON policy elements: Condition operators",
//! "Single-valued vs. multivalued context keys").

use crate::error::Span;
use crate::request::{ContextValue, Request};
use crate::wildcard::{self, Glob, ResourcePattern, Unit};
use std::fmt;

/// A condition operator without its `IfExists` suffix or set qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The family an operator belongs to (what its values are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `String*`.
    String,
    /// `Numeric*`.
    Numeric,
    /// `Date*`.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress`, `NotIpAddress`.
    Ip,
    /// `Arn*`.
    Arn,
    /// `Null`.
    Null,
}

impl OperatorKind {
    /// Every operator, in the documentation's order.
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    /// The name as AWS spells it.
    pub fn name(self) -> &'static str {
        use OperatorKind::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// Looks an operator up by name, case-insensitively.
    pub fn from_name(name: &str) -> Option<OperatorKind> {
        OperatorKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// Whether the operator is a negated one (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...): it is true
    /// when no policy value matches, and true on an absent key.
    pub fn is_negated(self) -> bool {
        use OperatorKind::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The operator's family.
    pub fn family(self) -> Family {
        use OperatorKind::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Whether policy variables are substituted in this operator's values: String, Arn and Bool operators, as
    /// the condition operators page states (not Numeric, Date, Binary, IP address or Null).
    pub fn takes_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn | Family::Bool)
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every value of the key must match; true when the key is absent or empty.
    ForAllValues,
    /// `ForAnyValue:`: at least one value must match; false when the key is absent or empty.
    ForAnyValue,
}

/// A full condition operator as written: qualifier, operator, `IfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The text as written (printed back unchanged).
    pub raw: String,
    /// `ForAllValues:`/`ForAnyValue:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// The operator.
    pub kind: OperatorKind,
    /// The `IfExists` suffix: true when the key is absent.
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name such as `ForAnyValue:StringLikeIfExists` (case-insensitively).
    pub fn parse(raw: &str) -> Option<Operator> {
        let (qualifier, rest) = match raw.split_once(':') {
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
                (Some(SetQualifier::ForAllValues), rest)
            }
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(SetQualifier::ForAnyValue), rest)
            }
            Some(_) => return None,
            None => (None, raw),
        };
        if let Some(kind) = OperatorKind::from_name(rest) {
            return Some(Operator {
                raw: raw.to_string(),
                qualifier,
                kind,
                if_exists: false,
            });
        }
        let cut = rest.len().checked_sub("IfExists".len())?;
        let (base, suffix) = (rest.get(..cut)?, rest.get(cut..)?);
        if !suffix.eq_ignore_ascii_case("IfExists") {
            return None;
        }
        let kind = OperatorKind::from_name(base)?;
        if kind == OperatorKind::Null {
            return None;
        }
        Some(Operator {
            raw: raw.to_string(),
            qualifier,
            kind,
            if_exists: true,
        })
    }

    /// The canonical spelling (`ForAnyValue:StringLikeIfExists`).
    pub fn canonical(&self) -> String {
        let q = match self.qualifier {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        format!(
            "{q}{}{}",
            self.kind.name(),
            if self.if_exists { "IfExists" } else { "" }
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// How a condition value was written in JSON (printed back the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `"text"`.
    String,
    /// `42`, `1.5`.
    Number,
    /// `true`.
    Bool,
}

/// One value of a condition entry, with its operator-specific compiled form.
#[derive(Debug, Clone)]
pub struct ConditionValue {
    text: String,
    json: JsonType,
    compiled: Compiled,
}

#[derive(Debug, Clone)]
enum Compiled {
    /// StringEquals/StringNotEquals (+IgnoreCase): literal text, variables substituted.
    Text {
        units: Vec<Unit>,
        plain: Option<String>,
        ci: bool,
    },
    /// StringLike/StringNotLike.
    Like(Glob),
    /// Arn*.
    Arn(ResourcePattern),
    Num(f64),
    Date(Instant),
    Ip(ipnet::IpNet),
    Binary(Option<Vec<u8>>),
    /// `Null`: `true` means "the key is absent".
    Null(bool),
}

/// A point in time: seconds since the epoch and nanoseconds.
type Instant = (i64, u32);

impl ConditionValue {
    /// The value as written (numbers and booleans as their JSON text).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How the value was written in JSON.
    pub fn json_type(&self) -> JsonType {
        self.json
    }

    /// Compiles a value for an operator. `vars` enables policy variables (policy `Version` `2012-10-17`).
    /// Errors are messages for values the operator cannot use (a bad number, date or CIDR).
    pub fn new(kind: OperatorKind, text: &str, json: JsonType, vars: bool) -> Result<ConditionValue, String> {
        let vars = vars && kind.takes_variables();
        let compiled = match kind {
            OperatorKind::StringEquals | OperatorKind::StringNotEquals => text_value(text, false, vars),
            OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase => {
                text_value(text, true, vars)
            }
            OperatorKind::StringLike | OperatorKind::StringNotLike => {
                Compiled::Like(Glob::compile(text, false, vars))
            }
            OperatorKind::ArnEquals
            | OperatorKind::ArnLike
            | OperatorKind::ArnNotEquals
            | OperatorKind::ArnNotLike => Compiled::Arn(ResourcePattern::new(text, vars)),
            OperatorKind::NumericEquals
            | OperatorKind::NumericNotEquals
            | OperatorKind::NumericLessThan
            | OperatorKind::NumericLessThanEquals
            | OperatorKind::NumericGreaterThan
            | OperatorKind::NumericGreaterThanEquals => match parse_number(text) {
                Some(n) => Compiled::Num(n),
                None => return Err(format!("`{text}` is not a number")),
            },
            OperatorKind::DateEquals
            | OperatorKind::DateNotEquals
            | OperatorKind::DateLessThan
            | OperatorKind::DateLessThanEquals
            | OperatorKind::DateGreaterThan
            | OperatorKind::DateGreaterThanEquals => match parse_date(text) {
                Some(d) => Compiled::Date(d),
                None => {
                    return Err(format!(
                        "`{text}` is not a date (ISO 8601 such as `2026-01-31T00:00:00Z`, or epoch seconds)"
                    ))
                }
            },
            // `Bool` compares `true`/`false` case-insensitively; the docs allow policy variables in it.
            OperatorKind::Bool => text_value(text, true, vars),
            OperatorKind::BinaryEquals => Compiled::Binary(decode_base64(text)),
            OperatorKind::IpAddress | OperatorKind::NotIpAddress => match parse_cidr(text) {
                Some(n) => Compiled::Ip(n),
                None => return Err(format!("`{text}` is not an IP address or CIDR range")),
            },
            OperatorKind::Null => match text.to_ascii_lowercase().as_str() {
                "true" => Compiled::Null(true),
                "false" => Compiled::Null(false),
                _ => return Err(format!("`{text}` is not `true` or `false`")),
            },
        };
        Ok(ConditionValue {
            text: text.to_string(),
            json,
            compiled,
        })
    }

    /// Whether one request value matches this policy value under the operator's positive form.
    fn matches(&self, kind: OperatorKind, value: &str, req: &Request) -> bool {
        match &self.compiled {
            Compiled::Text { units, plain, ci } => {
                let policy: std::borrow::Cow<'_, str> = match plain {
                    Some(p) => p.as_str().into(),
                    None => match wildcard::substitute_text(units, req) {
                        Some(s) => s.into(),
                        None => return false,
                    },
                };
                if *ci {
                    eq_ignore_case(&policy, value)
                } else {
                    policy == value
                }
            }
            Compiled::Like(g) => g.matches(value, req),
            Compiled::Arn(p) => value.starts_with("arn:") && p.matches_with(value, req),
            Compiled::Num(n) => match parse_number(value) {
                Some(v) => compare(kind, v.partial_cmp(n)),
                None => false,
            },
            Compiled::Date(d) => match parse_date(value) {
                Some(v) => compare(kind, Some(v.cmp(d))),
                None => false,
            },
            Compiled::Ip(net) => match value.trim().parse::<std::net::IpAddr>() {
                Ok(ip) => net.contains(&ip),
                Err(_) => match parse_cidr(value) {
                    Some(other) => net.contains(&other),
                    None => false,
                },
            },
            Compiled::Binary(bytes) => match (bytes, decode_base64(value)) {
                (Some(a), Some(b)) => *a == b,
                _ => self.text == value,
            },
            Compiled::Null(_) => false,
        }
    }
}

impl PartialEq for ConditionValue {
    fn eq(&self, other: &Self) -> bool {
        if self.json != other.json {
            return false;
        }
        match (self.json, parse_number(&self.text), parse_number(&other.text)) {
            // Numbers compare by value: `1e3` prints back as `1000.0`.
            (JsonType::Number, Some(a), Some(b)) => a == b,
            _ => self.text == other.text,
        }
    }
}
impl Eq for ConditionValue {}

fn text_value(text: &str, ci: bool, vars: bool) -> Compiled {
    let units = wildcard::units(text, false, vars);
    let plain = if units.iter().any(|u| matches!(u, Unit::Var(_))) {
        None
    } else {
        wildcard::substitute_text(&units, &wildcard::NoVars)
    };
    Compiled::Text { units, plain, ci }
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.to_lowercase() == b.to_lowercase()
}

fn compare(kind: OperatorKind, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use OperatorKind::*;
    let Some(ord) = ord else { return false };
    match kind {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

/// Numbers as IAM reads them: integers or decimals (`3`, `-2`, `1.5`).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Dates: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with offset or fraction, without a zone read as
/// UTC, the basic form `20260131T120000Z`) or epoch seconds (`1767225600`, decimals allowed).
pub fn parse_date(text: &str) -> Option<(i64, u32)> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(int_part) && digits(frac_part) {
        if let Some((int, frac)) = t.split_once('.') {
            let secs = int.parse::<i64>().ok()?;
            let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
            return Some((secs, digits.parse::<u32>().ok()?));
        }
        if let Ok(secs) = t.parse::<i64>() {
            return Some((secs, 0));
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some((d.timestamp(), d.timestamp_subsec_nanos()));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z", "%Y%m%dT%H%M%S%#z"] {
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some((d.timestamp(), d.timestamp_subsec_nanos()));
        }
    }
    let zless = t.strip_suffix('Z').unwrap_or(t);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(zless, f) {
            let u = d.and_utc();
            return Some((u.timestamp(), u.timestamp_subsec_nanos()));
        }
    }
    for f in ["%Y-%m-%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(zless, f) {
            let u = d.and_hms_opt(0, 0, 0)?.and_utc();
            return Some((u.timestamp(), 0));
        }
    }
    None
}

fn parse_cidr(text: &str) -> Option<ipnet::IpNet> {
    let t = text.trim();
    if let Ok(n) = t.parse::<ipnet::IpNet>() {
        return Some(n);
    }
    t.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from)
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()
}

/// One key of a condition with its values (several values are ORed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    /// The key as written, e.g. `aws:SourceIp`.
    pub key: String,
    key_lower: String,
    /// The values.
    pub values: Vec<ConditionValue>,
    /// Whether the values were written as an array (printing keeps the shape).
    pub list: bool,
    /// Where the key is in the policy text.
    pub span: IgnoredSpan,
}

impl ConditionEntry {
    /// Creates an entry.
    pub fn new(key: impl Into<String>, values: Vec<ConditionValue>, list: bool) -> ConditionEntry {
        let key = key.into();
        let key_lower = key.to_ascii_lowercase();
        ConditionEntry {
            key,
            key_lower,
            values,
            list,
            span: IgnoredSpan(Span::UNKNOWN),
        }
    }

    /// The key, lowercased (keys are case-insensitive).
    pub fn key_lower(&self) -> &str {
        &self.key_lower
    }
}

/// A [`Span`] that equality ignores, so that a policy parsed from text equals the same policy printed and
/// parsed again.
#[derive(Debug, Clone, Copy, Default)]
pub struct IgnoredSpan(pub Span);

impl PartialEq for IgnoredSpan {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for IgnoredSpan {}

/// One operator of a `Condition` block with its keys (several keys are ANDed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// The keys and their values.
    pub entries: Vec<ConditionEntry>,
}

impl Condition {
    /// Whether every key of this operator is satisfied by the request.
    pub fn evaluate(&self, req: &Request) -> bool {
        self.entries
            .iter()
            .all(|e| evaluate_entry(&self.operator, e, req))
    }
}

/// Evaluates one key under an operator.
///
/// - `Null`: `true` tests that the key is absent (or has no values), `false` that it is present.
/// - No qualifier: an absent key makes the condition false, except for negated operators and `...IfExists`,
///   which are then true. A present key matches when one of its values matches one of the policy's values; a
///   negated operator is true when none does.
/// - `ForAllValues:`: true when every value of the key matches (an absent or empty key: true).
/// - `ForAnyValue:`: true when at least one value matches (absent or empty: false, or true with `IfExists`).
pub(crate) fn evaluate_entry(op: &Operator, entry: &ConditionEntry, req: &Request) -> bool {
    let ctx = req.lookup(&entry.key_lower);
    let values: &[String] = ctx.map(ContextValue::values).unwrap_or(&[]);
    if op.kind == OperatorKind::Null {
        let absent = values.is_empty();
        return entry
            .values
            .iter()
            .any(|v| matches!(v.compiled, Compiled::Null(want) if want == absent));
    }
    let negated = op.kind.is_negated();
    let one = |value: &str| -> bool {
        let hit = entry.values.iter().any(|pv| pv.matches(op.kind, value, req));
        hit != negated
    };
    match op.qualifier {
        None => {
            if values.is_empty() {
                return op.if_exists || negated;
            }
            if negated {
                values.iter().all(|v| one(v))
            } else {
                values.iter().any(|v| one(v))
            }
        }
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| one(v)),
        Some(SetQualifier::ForAnyValue) => {
            if values.is_empty() {
                return op.if_exists;
            }
            values.iter().any(|v| one(v))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        let o = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(o.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(o.kind, OperatorKind::StringLike);
        assert!(o.if_exists);
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqualz").is_none());
        assert!(Operator::parse("ForSome:StringEquals").is_none());
        assert_eq!(
            Operator::parse("stringequals").unwrap().canonical(),
            "StringEquals"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), Some((1_577_836_800, 0)));
        assert_eq!(parse_date("2020-01-01"), Some((1_577_836_800, 0)));
        assert_eq!(parse_date("1577836800"), Some((1_577_836_800, 0)));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), Some((1_577_836_800, 0)));
        assert_eq!(
            parse_date("2020-01-01T00:00:00.5Z"),
            Some((1_577_836_800, 500_000_000))
        );
        assert_eq!(parse_date("20200101T000000Z"), Some((1_577_836_800, 0)));
        assert_eq!(parse_date("yesterday"), None);
    }
}

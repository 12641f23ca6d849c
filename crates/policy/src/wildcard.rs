//! Wildcard matching as IAM does it: `*` is any run of characters (empty included), `?` exactly one.
//!
//! Patterns are compiled once when a policy is parsed ([`Glob`], [`ActionPattern`], [`ResourcePattern`]), so
//! matching a request allocates nothing unless the pattern holds policy variables (`${aws:username}`), whose
//! values are only known per request.

use std::fmt;

/// Whether `value` matches `pattern` (`*` any run, `?` one character), over the whole string.
/// `case_insensitive` is what actions need (`s3:get*` matches `s3:GetObject`); ARNs are case-sensitive.
/// Variables are not interpreted here: `$` and braces are ordinary characters.
///
/// ```
/// use pare_policy::wildcard_match;
/// assert!(wildcard_match("s3:Get*", "s3:getobject", true));
/// assert!(!wildcard_match("s3:Get*", "s3:getobject", false));
/// assert!(wildcard_match("iam:?etRole", "iam:GetRole", false));
/// ```
pub fn wildcard_match(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    let g = Glob::compile(pattern, case_insensitive, false);
    g.matches_plain(value)
}

/// One unit of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A literal character (lowercased when the pattern is case-insensitive).
    Char(char),
    /// `*`.
    Star,
    /// `?`.
    One,
    /// A policy variable, replaced per request by the context value (taken literally).
    Var(Box<VarRef>),
}

/// A `${key}` or `${key, 'default'}` policy variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VarRef {
    /// The key, lowercased for lookup (keys are case-insensitive).
    pub key: String,
    /// The default used when the key is absent.
    pub default: Option<String>,
}

/// Looks a policy variable up in the request (the key is lowercased already).
pub(crate) trait VarLookup {
    /// The single value of the key; `None` when absent or multi-valued (AWS cannot substitute those).
    fn var(&self, key_lower: &str) -> Option<&str>;
}

/// No variables available.
pub(crate) struct NoVars;

impl VarLookup for NoVars {
    fn var(&self, _: &str) -> Option<&str> {
        None
    }
}

/// The shape of a compiled pattern, for fast paths.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*`: anything.
    Any,
    /// No wildcard: equality.
    Exact(String),
    /// Literal text then one trailing `*`.
    Prefix(String),
    /// Anything else, matched unit by unit.
    General,
}

/// A compiled wildcard pattern over one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    shape: Shape,
    units: Vec<Unit>,
    ci: bool,
    has_vars: bool,
}

fn fold(c: char, ci: bool) -> char {
    if !ci {
        c
    } else if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    }
}

/// Splits pattern text into units. With `vars`, `${...}` are policy variables (`${*}`, `${?}`, `${$}` are the
/// literal characters); a malformed `${` is literal text.
pub(crate) fn units(text: &str, ci: bool, vars: bool) -> Vec<Unit> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if vars && rest.starts_with("${") {
            if let Some((unit, used)) = parse_var(rest, ci) {
                if let Some(u) = unit {
                    out.push(u);
                }
                rest = rest.get(used..).unwrap_or_default();
                continue;
            }
        }
        out.push(match c {
            '*' => Unit::Star,
            '?' => Unit::One,
            c => Unit::Char(fold(c, ci)),
        });
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    out
}

/// Parses `${...}` at the start of `text`: the unit (a literal for `${*}`, `${?}`, `${$}`, else a variable)
/// and the bytes used. `None` when malformed.
fn parse_var(text: &str, ci: bool) -> Option<(Option<Unit>, usize)> {
    let body_start = 2;
    let body = text.get(body_start..)?;
    // The key runs to `,` or `}`; a default is a single-quoted string where `''` is a quote.
    let key_end = body.find([',', '}'])?;
    let key = body.get(..key_end)?.trim();
    let after_key = body.get(key_end..)?;
    let (default, used_body) = if let Some(after_comma) = after_key.strip_prefix(',') {
        let trimmed = after_comma.trim_start();
        let skipped = after_comma.len() - trimmed.len();
        let mut chars = trimmed.char_indices();
        if chars.next()?.1 != '\'' {
            return None;
        }
        let mut value = String::new();
        let mut end = None;
        let bytes = trimmed.as_bytes();
        let mut i = 1;
        while i < bytes.len() {
            if bytes.get(i) == Some(&b'\'') {
                if bytes.get(i + 1) == Some(&b'\'') {
                    value.push('\'');
                    i += 2;
                    continue;
                }
                end = Some(i + 1);
                break;
            }
            let ch = trimmed.get(i..)?.chars().next()?;
            value.push(ch);
            i += ch.len_utf8();
        }
        let end = end?;
        let tail = trimmed.get(end..)?;
        let tail_trimmed = tail.trim_start();
        if !tail_trimmed.starts_with('}') {
            return None;
        }
        let consumed = key_end + 1 + skipped + end + (tail.len() - tail_trimmed.len()) + 1;
        (Some(value), consumed)
    } else {
        (None, key_end + 1)
    };
    if key.is_empty() {
        return None;
    }
    let used = body_start + used_body;
    let unit = match (key, &default) {
        ("*", None) => Some(Unit::Char('*')),
        ("?", None) => Some(Unit::Char('?')),
        ("$", None) => Some(Unit::Char('$')),
        _ => Some(Unit::Var(Box::new(VarRef {
            key: key.to_ascii_lowercase(),
            default: default.map(|d| if ci { d.to_lowercase() } else { d }),
        }))),
    };
    Some((unit, used))
}

impl Glob {
    /// Compiles pattern text.
    pub(crate) fn compile(text: &str, ci: bool, vars: bool) -> Glob {
        Glob::from_units(units(text, ci, vars), ci)
    }

    pub(crate) fn from_units(units: Vec<Unit>, ci: bool) -> Glob {
        let has_vars = units.iter().any(|u| matches!(u, Unit::Var(_)));
        let shape = if has_vars {
            Shape::General
        } else if units.len() == 1 && units.first() == Some(&Unit::Star) {
            Shape::Any
        } else if units.iter().all(|u| matches!(u, Unit::Char(_))) {
            Shape::Exact(chars_of(&units))
        } else if units.last() == Some(&Unit::Star)
            && units.iter().rev().skip(1).all(|u| matches!(u, Unit::Char(_)))
        {
            Shape::Prefix(chars_of(units.get(..units.len() - 1).unwrap_or_default()))
        } else {
            Shape::General
        };
        let units = if matches!(shape, Shape::General) {
            units
        } else {
            Vec::new()
        };
        Glob {
            shape,
            units,
            ci,
            has_vars,
        }
    }

    /// Whether the pattern contains policy variables.
    pub(crate) fn has_vars(&self) -> bool {
        self.has_vars
    }

    /// Whether the pattern ends with `*` (after variables, which never end in a wildcard).
    pub(crate) fn ends_with_star(&self) -> bool {
        match &self.shape {
            Shape::Any | Shape::Prefix(_) => true,
            Shape::Exact(_) => false,
            Shape::General => self.units.last() == Some(&Unit::Star),
        }
    }

    /// Whether the pattern is exactly `*`.
    pub(crate) fn is_any(&self) -> bool {
        self.shape == Shape::Any
    }

    /// Matches without variables (a variable then never matches).
    pub(crate) fn matches_plain(&self, value: &str) -> bool {
        self.matches(value, &NoVars)
    }

    /// Matches, substituting variables from `vars`. An unresolvable variable (absent key without a default)
    /// makes the pattern match nothing, as AWS documents.
    pub(crate) fn matches(&self, value: &str, vars: &dyn VarLookup) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(s) => eq_fold(s, value, self.ci),
            Shape::Prefix(p) => prefix_fold(p, value, self.ci),
            Shape::General => {
                if self.has_vars {
                    match substitute(&self.units, vars, self.ci) {
                        Some(u) => glob(&u, value, self.ci),
                        None => false,
                    }
                } else {
                    glob(&self.units, value, self.ci)
                }
            }
        }
    }
}

fn chars_of(units: &[Unit]) -> String {
    units
        .iter()
        .filter_map(|u| match u {
            Unit::Char(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// Replaces variables by their values, as literal characters. `None` if one cannot be resolved.
pub(crate) fn substitute(units: &[Unit], vars: &dyn VarLookup, ci: bool) -> Option<Vec<Unit>> {
    let mut out = Vec::with_capacity(units.len() + 16);
    for u in units {
        match u {
            Unit::Var(v) => {
                let text = match vars.var(&v.key) {
                    Some(t) => t,
                    None => v.default.as_deref()?,
                };
                out.extend(text.chars().map(|c| Unit::Char(fold(c, ci))));
            }
            other => out.push(other.clone()),
        }
    }
    Some(out)
}

/// Expands variables into plain text (literal), for operators that compare whole strings.
pub(crate) fn substitute_text(units: &[Unit], vars: &dyn VarLookup) -> Option<String> {
    let mut out = String::new();
    for u in units {
        match u {
            Unit::Var(v) => match vars.var(&v.key) {
                Some(t) => out.push_str(t),
                None => out.push_str(v.default.as_deref()?),
            },
            Unit::Char(c) => out.push(*c),
            Unit::Star => out.push('*'),
            Unit::One => out.push('?'),
        }
    }
    Some(out)
}

fn eq_fold(pattern_folded: &str, value: &str, ci: bool) -> bool {
    if !ci {
        return pattern_folded == value;
    }
    let mut p = pattern_folded.chars();
    let mut v = value.chars();
    loop {
        match (p.next(), v.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == fold(b, true) => {}
            _ => return false,
        }
    }
}

fn prefix_fold(prefix_folded: &str, value: &str, ci: bool) -> bool {
    if !ci {
        return value.starts_with(prefix_folded);
    }
    let mut v = value.chars();
    for a in prefix_folded.chars() {
        match v.next() {
            Some(b) if a == fold(b, true) => {}
            _ => return false,
        }
    }
    true
}

/// The classic linear-time glob with one backtrack point: correct for `*` and `?` alone.
fn glob(units: &[Unit], value: &str, ci: bool) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        let next = value.get(i..).and_then(|r| r.chars().next());
        if let Some(u) = units.get(p) {
            match u {
                Unit::Star => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                Unit::One => {
                    if let Some(c) = next {
                        i += c.len_utf8();
                        p += 1;
                        continue;
                    }
                }
                Unit::Char(pc) => {
                    if let Some(c) = next {
                        if *pc == fold(c, ci) {
                            i += c.len_utf8();
                            p += 1;
                            continue;
                        }
                    }
                }
                Unit::Var(_) => {}
            }
        } else if next.is_none() {
            return true;
        }
        match star {
            Some((sp, si)) => match value.get(si..).and_then(|r| r.chars().next()) {
                Some(c) => {
                    let ni = si + c.len_utf8();
                    star = Some((sp, ni));
                    p = sp + 1;
                    i = ni;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// A compiled `Action`/`NotAction` entry: `*`, or `service:pattern` matched case-insensitively.
#[derive(Debug, Clone)]
pub struct ActionPattern {
    raw: String,
    glob: Glob,
}

impl ActionPattern {
    /// Compiles an action pattern such as `s3:Get*`.
    pub fn new(raw: impl Into<String>) -> ActionPattern {
        let raw = raw.into();
        let glob = Glob::compile(&raw, true, false);
        ActionPattern { raw, glob }
    }

    /// The text as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the pattern is `*`.
    pub fn is_any(&self) -> bool {
        self.glob.is_any()
    }

    /// Whether the pattern holds `*` or `?`.
    pub fn has_wildcard(&self) -> bool {
        self.raw.contains(['*', '?'])
    }

    /// The service prefix (`s3` in `s3:Get*`), if the pattern has a colon.
    pub fn service(&self) -> Option<&str> {
        self.raw.split_once(':').map(|(s, _)| s)
    }

    /// Whether `action` (e.g. `s3:GetObject`) matches, case-insensitively.
    pub fn matches(&self, action: &str) -> bool {
        self.glob.matches_plain(action)
    }
}

impl PartialEq for ActionPattern {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl Eq for ActionPattern {}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// A compiled `Resource`/`NotResource` entry, or an ARN pattern of an `Arn*` condition operator.
///
/// Matching is case-sensitive and per ARN segment: the pattern and the ARN are split at their first five
/// colons (`arn:partition:service:region:account:resource`, the resource part keeping any further colons);
/// each segment is matched on its own, so a `*` in the region does not run into the account, while a `*` in the
/// resource part runs past `/` and `:`. A pattern with fewer segments whose last one ends in `*` lets that
/// `*` run over the rest of the ARN, colons included (`arn:aws:s3:*` covers every S3 ARN). `*` alone matches
/// everything, non-ARN strings included.
#[derive(Debug, Clone)]
pub struct ResourcePattern {
    raw: String,
    segs: Vec<Glob>,
    tail_run: bool,
}

/// Up to six ARN parts of `value` (the sixth keeps its colons) and how many there are. No allocation.
pub(crate) fn arn_parts(value: &str) -> ([&str; 6], usize) {
    let mut parts = [""; 6];
    let mut n = 0;
    let mut rest = value;
    while n < 5 {
        match rest.find(':') {
            Some(i) => {
                parts[n] = rest.get(..i).unwrap_or_default();
                rest = rest.get(i + 1..).unwrap_or_default();
                n += 1;
            }
            None => break,
        }
    }
    parts[n] = rest;
    (parts, n + 1)
}

/// Byte offset where ARN part `k` starts in `value` (`k` < part count).
fn part_offset(value: &str, k: usize) -> usize {
    let mut off = 0;
    for _ in 0..k {
        match value.get(off..).and_then(|r| r.find(':')) {
            Some(i) => off += i + 1,
            None => return value.len(),
        }
    }
    off
}

impl ResourcePattern {
    /// Compiles a resource pattern; `vars` turns on policy variables (policies with `Version` `2012-10-17`).
    pub fn new(raw: impl Into<String>, vars: bool) -> ResourcePattern {
        let raw = raw.into();
        let all = units(&raw, false, vars);
        let mut segs: Vec<Vec<Unit>> = vec![Vec::new()];
        for u in all {
            if u == Unit::Char(':') && segs.len() < 6 {
                segs.push(Vec::new());
            } else if let Some(last) = segs.last_mut() {
                last.push(u);
            }
        }
        let segs: Vec<Glob> = segs.into_iter().map(|s| Glob::from_units(s, false)).collect();
        let tail_run = segs.len() < 6 && segs.last().is_some_and(Glob::ends_with_star);
        ResourcePattern { raw, segs, tail_run }
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the pattern is `*`.
    pub fn is_any(&self) -> bool {
        self.segs.len() == 1 && self.segs.first().is_some_and(Glob::is_any)
    }

    /// Whether the pattern holds policy variables.
    pub fn has_vars(&self) -> bool {
        self.segs.iter().any(Glob::has_vars)
    }

    /// Whether `resource` matches (no variables: a pattern with variables matches nothing here; use
    /// [`ResourcePattern::matches_in`]).
    pub fn matches(&self, resource: &str) -> bool {
        self.matches_with(resource, &NoVars)
    }

    /// Whether `resource` matches, substituting policy variables from the request's context.
    pub fn matches_in(&self, resource: &str, request: &crate::Request) -> bool {
        self.matches_with(resource, request)
    }

    pub(crate) fn matches_with(&self, resource: &str, vars: &dyn VarLookup) -> bool {
        if self.is_any() {
            return true;
        }
        let (parts, n) = arn_parts(resource);
        let k = self.segs.len();
        if self.tail_run {
            if n < k {
                // The trailing `*` may still cover a shorter value only if the earlier segments match and the
                // value simply ends earlier: require every fixed segment to be present.
                return false;
            }
            let fixed = k - 1;
            for i in 0..fixed {
                match (self.segs.get(i), parts.get(i)) {
                    (Some(g), Some(p)) if g.matches(p, vars) => {}
                    _ => return false,
                }
            }
            let rest = resource.get(part_offset(resource, fixed)..).unwrap_or_default();
            return self.segs.get(fixed).is_some_and(|g| g.matches(rest, vars));
        }
        if n != k {
            return false;
        }
        self.segs
            .iter()
            .zip(parts.iter())
            .all(|(g, p)| g.matches(p, vars))
    }
}

impl PartialEq for ResourcePattern {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl Eq for ResourcePattern {}

impl fmt::Display for ResourcePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a*b*c", "axxbyyc", false));
        assert!(!wildcard_match("a*b*c", "axxbyy", false));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(wildcard_match("*é", "café", false));
        assert!(wildcard_match("S3:GET*", "s3:getObject", true));
        assert!(!wildcard_match("s3:get", "s3:getx", true));
        assert!(wildcard_match("*a*a*b", "aaaaaaab", false));
    }

    #[test]
    fn resources_per_segment() {
        let p = ResourcePattern::new("arn:aws:s3:::bucket/*", true);
        assert!(p.matches("arn:aws:s3:::bucket/a/b:c"));
        assert!(!p.matches("arn:aws:s3:::bucket"));
        let p = ResourcePattern::new("arn:aws:ec2:*:123456789012:instance/*", true);
        assert!(p.matches("arn:aws:ec2:us-east-1:123456789012:instance/i-1"));
        assert!(!p.matches("arn:aws:ec2:us-east-1:999999999999:instance/i-1"));
        let p = ResourcePattern::new("arn:aws:ec2:us-*:*:instance/*", true);
        assert!(p.matches("arn:aws:ec2:us-east-1:1:instance/x"));
        let p = ResourcePattern::new("arn:aws:s3:*", true);
        assert!(p.matches("arn:aws:s3:::bucket/key"));
        assert!(!p.matches("arn:aws:sqs:us-east-1:1:q"));
        let p = ResourcePattern::new("arn:aws:iam::123:user/Bob", true);
        assert!(!p.matches("arn:aws:iam::123:user/bob"));
    }

    #[test]
    fn variables() {
        struct V;
        impl VarLookup for V {
            fn var(&self, k: &str) -> Option<&str> {
                (k == "aws:username").then_some("bob")
            }
        }
        let p = ResourcePattern::new("arn:aws:s3:::b/${aws:username}/*", true);
        assert!(p.matches_with("arn:aws:s3:::b/bob/x", &V));
        assert!(!p.matches_with("arn:aws:s3:::b/alice/x", &V));
        assert!(!p.matches("arn:aws:s3:::b/bob/x"));
        let p = ResourcePattern::new("arn:aws:s3:::b/${aws:UserName}/${*}", true);
        assert!(p.matches_with("arn:aws:s3:::b/bob/*", &V));
        assert!(!p.matches_with("arn:aws:s3:::b/bob/x", &V));
        let p = ResourcePattern::new("arn:aws:s3:::b/${aws:nope, 'def''s'}", true);
        assert!(p.matches_with("arn:aws:s3:::b/def's", &V));
        let p = ResourcePattern::new("arn:aws:s3:::b/${aws:username}", false);
        assert!(p.matches("arn:aws:s3:::b/${aws:username}"));
    }
}

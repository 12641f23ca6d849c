//! The iam-dataset template language (`aws/MAP-README.md`): `${Param}`, `${A.B}`, `${A[].B}`,
//! `%%many%…%%`, `%%iftemplatematch%…%%`, `%%iftruthy%…%%`, `%%regex%…%/re/g%%`, `%%urlencode%…%%`.
//!
//! Templates are parsed once per (eventSource, eventName) plan and evaluated per event against a [`Scope`]:
//! the request parameters (then the response elements), translated from SDK names (`Bucket`) to CloudTrail's
//! lowerCamelCase (`bucketName`), and the event's partition, region and account.

use regex::Regex;
use serde_json::Value;

/// At most this many values come out of one template (a `DeleteObjects` of 1,000 keys stays bounded).
const MAX_VALUES: usize = 256;

/// A parsed template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Var(Vec<Segment>),
    Many(Vec<Template>),
    IfTemplateMatch(Box<Template>),
    IfTruthy(Box<Template>, Box<Template>, Box<Template>),
    Regex(Box<Template>, Option<Regex>),
    UrlEncode(Box<Template>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Each,
}

/// What a template is evaluated against.
pub(crate) struct Scope<'a> {
    pub partition: &'a str,
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
    pub request: Option<&'a Value>,
    pub response: Option<&'a Value>,
    /// The ARN template of the resource type being filled (for `%%iftemplatematch%%`).
    pub resource_template: Option<&'a str>,
}

impl Template {
    /// Parses a template. Unknown `%%function%%` names are kept as literal text (they then never fill an ARN
    /// because the literal contains `%%`... which [`fill_arn`] rejects).
    pub(crate) fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut literal = String::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("%%") {
                if let Some((inner, tail)) = split_function(after) {
                    if let Some(part) = parse_function(inner) {
                        flush(&mut literal, &mut parts);
                        parts.push(part);
                        rest = tail;
                        continue;
                    }
                }
            }
            if let Some(after) = rest.strip_prefix("${") {
                if let Some(end) = after.find('}') {
                    flush(&mut literal, &mut parts);
                    parts.push(Part::Var(parse_path(&after[..end])));
                    rest = &after[end + 1..];
                    continue;
                }
            }
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                literal.push(c);
            }
            rest = chars.as_str();
        }
        flush(&mut literal, &mut parts);
        Template { parts }
    }

    /// The variable paths the template reads, as written (`Bucket`, `Delete.Objects[].Key`).
    #[cfg(test)]
    pub(crate) fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    /// Every value the template produces in `scope`; empty when a variable cannot be filled.
    pub(crate) fn eval(&self, scope: &Scope<'_>) -> Vec<String> {
        // Most templates yield one value: build it in place, and only fan out when a part yields several.
        let mut acc: Vec<String> = vec![String::with_capacity(64)];
        for part in &self.parts {
            if let Part::Literal(s) = part {
                for prefix in &mut acc {
                    prefix.push_str(s);
                }
                continue;
            }
            let values = part.eval(scope);
            match values.as_slice() {
                [] => return Vec::new(),
                [one] => {
                    for prefix in &mut acc {
                        prefix.push_str(one);
                    }
                }
                many => {
                    let mut next = Vec::with_capacity((acc.len() * many.len()).min(MAX_VALUES));
                    'outer: for prefix in &acc {
                        for v in many {
                            if next.len() >= MAX_VALUES {
                                break 'outer;
                            }
                            next.push(format!("{prefix}{v}"));
                        }
                    }
                    acc = next;
                }
            }
        }
        acc
    }
}

impl Part {
    fn eval(&self, scope: &Scope<'_>) -> Vec<String> {
        match self {
            Part::Literal(s) => vec![s.clone()],
            Part::Var(path) => lookup(scope, path),
            Part::Many(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(item.eval(scope));
                    if out.len() >= MAX_VALUES {
                        out.truncate(MAX_VALUES);
                        break;
                    }
                }
                out
            }
            Part::IfTemplateMatch(inner) => {
                let values = inner.eval(scope);
                match scope.resource_template {
                    Some(template) => values
                        .into_iter()
                        .filter(|v| arn_matches_template(v, template))
                        .collect(),
                    None => values,
                }
            }
            Part::IfTruthy(test, yes, no) => {
                let truthy = test
                    .eval(scope)
                    .iter()
                    .any(|v| !v.is_empty() && v != "false" && v != "0");
                if truthy {
                    yes.eval(scope)
                } else {
                    no.eval(scope)
                }
            }
            // No match (or no value) gives the empty string, as in iam-dataset: `%%regex%${Path}%/^\/(.+)$/g%%`
            // contributes nothing for the default path `/`. An ARN left with an empty name is rejected later.
            Part::Regex(inner, re) => {
                let Some(re) = re else { return Vec::new() };
                let values = inner.eval(scope);
                if values.is_empty() {
                    return vec![String::new()];
                }
                values
                    .iter()
                    .map(|v| {
                        re.captures(v)
                            .and_then(|caps| {
                                caps.get(1).or_else(|| caps.get(0)).map(|m| m.as_str().to_owned())
                            })
                            .unwrap_or_default()
                    })
                    .collect()
            }
            Part::UrlEncode(inner) => inner.eval(scope).iter().map(|v| url_encode(v)).collect(),
        }
    }
}

fn flush(literal: &mut String, parts: &mut Vec<Part>) {
    if !literal.is_empty() {
        parts.push(Part::Literal(std::mem::take(literal)));
    }
}

/// Splits `name%arg%arg%%rest` at the closing `%%` (a `%%` inside `${...}` or a `/regex/` is not one).
fn split_function(after: &str) -> Option<(&str, &str)> {
    let bytes = after.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'$', b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            (b'}', _) if depth > 0 => depth -= 1,
            // `…%%%`: the first `%` separates an empty last argument, the final `%%` closes.
            (b'%', b'%') if depth == 0 && bytes.get(i + 2) == Some(&b'%') => {}
            (b'%', b'%') if depth == 0 => {
                // A nested function opens with `%%name%`; the closing one is followed by neither a letter run and `%`.
                let rest = &after[i + 2..];
                let name_len = rest.bytes().take_while(|b| b.is_ascii_lowercase()).count();
                let is_open = name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'%');
                if !is_open {
                    return Some((&after[..i], rest));
                }
                // Skip the nested function entirely.
                let (_, nested_rest) = split_function(rest)?;
                i = after.len() - nested_rest.len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_function(inner: &str) -> Option<Part> {
    let (name, args) = inner.split_once('%')?;
    match name {
        "many" => Some(Part::Many(
            split_args(args).into_iter().map(Template::parse).collect(),
        )),
        "iftemplatematch" => Some(Part::IfTemplateMatch(Box::new(Template::parse(args)))),
        "urlencode" => Some(Part::UrlEncode(Box::new(Template::parse(args)))),
        "iftruthy" => {
            let args = split_args(args);
            let test = Template::parse(args.first()?);
            let yes = Template::parse(args.get(1).copied().unwrap_or_default());
            let no = Template::parse(args.get(2).copied().unwrap_or_default());
            Some(Part::IfTruthy(Box::new(test), Box::new(yes), Box::new(no)))
        }
        "regex" => {
            // `${Value}%/pattern/flags`: the pattern is everything between the first `/` after `%` and the last `/`.
            let (value, pattern) = split_first_arg(args)?;
            let body = pattern.strip_prefix('/')?;
            let end = body.rfind('/')?;
            let re = Regex::new(&body[..end]).ok();
            Some(Part::Regex(Box::new(Template::parse(value)), re))
        }
        _ => None,
    }
}

/// Splits arguments at `%` outside `${...}` and nested `%%…%%`.
fn split_args(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some((first, tail)) = split_first_arg(rest) {
        out.push(first);
        rest = tail;
    }
    out.push(rest);
    out
}

fn split_first_arg(args: &str) -> Option<(&str, &str)> {
    let bytes = args.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth > 0 => depth -= 1,
            b'%' if depth == 0 => {
                if bytes.get(i + 1) == Some(&b'%') {
                    let (_, rest) = split_function(&args[i + 2..])?;
                    i = args.len() - rest.len();
                    continue;
                }
                return Some((&args[..i], &args[i + 1..]));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_path(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for piece in text.split('.') {
        match piece.strip_suffix("[]") {
            Some(key) => {
                if !key.is_empty() {
                    out.push(Segment::Key(key.to_owned()));
                }
                out.push(Segment::Each);
            }
            None => out.push(Segment::Key(piece.to_owned())),
        }
    }
    out
}

/// Resolves a variable: the event's partition/region/account, else the request parameters, else the response.
fn lookup(scope: &Scope<'_>, path: &[Segment]) -> Vec<String> {
    if let [Segment::Key(key)] = path {
        let builtin = match key.as_str() {
            "Partition" => Some(scope.partition),
            "Region" => scope.region,
            "Account" => scope.account,
            _ => None,
        };
        if let Some(value) = builtin {
            return if value.is_empty() {
                Vec::new()
            } else {
                vec![value.to_owned()]
            };
        }
        if matches!(key.as_str(), "Region" | "Account") {
            return Vec::new();
        }
    }
    // Some services log the request wrapped in one object (`{"CreateFlowLogsRequest": {...}}`).
    let wrapped = scope.request.and_then(|r| match r {
        Value::Object(map) if map.len() == 1 => {
            map.iter().find(|(k, _)| k.ends_with("Request")).map(|(_, v)| v)
        }
        _ => None,
    });
    for root in [scope.request, wrapped, scope.response].into_iter().flatten() {
        let mut out = Vec::new();
        walk(root, path, &mut out);
        if !out.is_empty() {
            return out;
        }
    }
    Vec::new()
}

fn walk(value: &Value, path: &[Segment], out: &mut Vec<String>) {
    if out.len() >= MAX_VALUES {
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        match value {
            Value::String(s) if !s.is_empty() => out.push(s.clone()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Bool(b) => out.push(b.to_string()),
            // CloudTrail flattens some one-element lists (`{"items": [...]}`) — a list at a leaf yields its items.
            Value::Array(items) => {
                for item in items {
                    walk(item, &[], out);
                }
            }
            // Where the SDK has a list of strings (`InstanceIds`), CloudTrail logs a list of one-field objects
            // (`instancesSet.items[].instanceId`) or wraps the list (`{"items": [...]}`): take the one value.
            Value::Object(map) if map.len() == 1 => {
                if let Some(inner) = map.values().next() {
                    walk(inner, &[], out);
                }
            }
            _ => {}
        }
        return;
    };
    match first {
        Segment::Each => match value {
            Value::Array(items) => {
                for item in items {
                    walk(item, rest, out);
                }
            }
            // CloudTrail often wraps lists as `{"items": [...]}` or a one-key object.
            Value::Object(map) => {
                if let Some(items) = map
                    .get("items")
                    .or_else(|| (map.len() == 1).then(|| map.values().next()).flatten())
                {
                    if items.is_array() {
                        return walk(items, path, out);
                    }
                }
                walk(value, rest, out);
            }
            _ => {}
        },
        Segment::Key(key) => match value {
            Value::Object(map) => {
                if let Some(child) = find_key(map, key) {
                    walk(child, rest, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, path, out);
                }
            }
            _ => {}
        },
    }
}

/// Finds an SDK parameter name among CloudTrail's keys: exact, case-insensitive, then the spellings CloudTrail
/// uses for the same parameter (`Bucket` → `bucketName`, a plural list name → its singular, ...).
pub(crate) fn find_key<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    // One pass, no allocation: keep the best-ranked candidate.
    let singular = key.strip_suffix('s');
    let alias = aliases(key);
    let mut best: Option<(u8, &Value)> = None;
    for (k, v) in map {
        let rank = if k.eq_ignore_ascii_case(key) {
            return Some(v);
        } else if alias.iter().any(|a| k.eq_ignore_ascii_case(a)) {
            1
        } else if eq_ci_concat(k, key, "Name") {
            2
        } else if singular.is_some_and(|s| k.eq_ignore_ascii_case(s)) {
            3
        } else if singular.is_some_and(|s| eq_ci_concat(k, s, "Set")) {
            4
        } else if eq_ci_concat(k, key, "Set") {
            5
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, v));
        }
    }
    best.map(|(_, v)| v)
}

/// `text` equals `a` followed by `b`, ASCII case-insensitively.
fn eq_ci_concat(text: &str, a: &str, b: &str) -> bool {
    text.len() == a.len() + b.len()
        && text.is_char_boundary(a.len())
        && text[..a.len()].eq_ignore_ascii_case(a)
        && text[a.len()..].eq_ignore_ascii_case(b)
}

/// CloudTrail spellings of SDK parameters that differ beyond case.
fn aliases(key: &str) -> &'static [&'static str] {
    match key {
        "Bucket" => &["bucketName"],
        "CopySource" => &["x-amz-copy-source"],
        "ACL" => &["x-amz-acl"],
        "Tagging" => &["x-amz-tagging"],
        "ExpectedBucketOwner" => &["x-amz-expected-bucket-owner"],
        "InstanceIds" => &["instancesSet"],
        _ => &[],
    }
}

/// Whether a concrete ARN fits a resource type's ARN template: `${...}` variables match any text without `:`,
/// and without `/` unless the variable ends the template right after a `/` (object keys, role paths).
pub(crate) fn arn_matches_template(arn: &str, template: &str) -> bool {
    fn go(arn: &[u8], t: &[u8], after_slash: bool) -> bool {
        if t.is_empty() {
            return arn.is_empty();
        }
        if t.starts_with(b"${") {
            let Some(end) = t.iter().position(|&b| b == b'}') else {
                return false;
            };
            let rest = &t[end + 1..];
            let slash_ok = rest.is_empty() && after_slash;
            for take in 0..=arn.len() {
                if take > 0 {
                    let c = arn[take - 1];
                    if c == b':' && !rest.is_empty() || c == b'/' && !slash_ok {
                        return false;
                    }
                }
                if go(&arn[take..], rest, false) {
                    return true;
                }
            }
            return false;
        }
        match arn.first() {
            Some(&c) if c.eq_ignore_ascii_case(&t[0]) => go(&arn[1..], &t[1..], c == b'/'),
            _ => false,
        }
    }
    go(arn.as_bytes(), template.as_bytes(), false)
}

fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope<'a>(request: &'a Value) -> Scope<'a> {
        Scope {
            partition: "aws",
            region: Some("us-east-1"),
            account: Some("111122223333"),
            request: Some(request),
            response: None,
            resource_template: None,
        }
    }

    #[test]
    fn variables_translate_sdk_names() {
        let req = json!({"bucketName": "b", "key": "k/x"});
        let t = Template::parse("arn:${Partition}:s3:::${Bucket}/${Key}");
        assert_eq!(t.eval(&scope(&req)), ["arn:aws:s3:::b/k/x"]);
        let missing = Template::parse("${VersionId}");
        assert!(missing.eval(&scope(&req)).is_empty());
        assert!(Template::parse("literal").is_literal());
    }

    #[test]
    fn lists_and_many() {
        let req = json!({"delete": {"objects": [{"key": "a"}, {"key": "b"}]}, "x": "1", "y": "2"});
        assert_eq!(
            Template::parse("${Delete.Objects[].Key}").eval(&scope(&req)),
            ["a", "b"]
        );
        assert_eq!(
            Template::parse("%%many%${X}%${Y}%%").eval(&scope(&req)),
            ["1", "2"]
        );
    }

    #[test]
    fn regex_takes_first_group() {
        let t = Template::parse(
            r"%%regex%${FunctionName}%/^(?:^arn\:[^:]+\:.+function\:|^[0-9]{12}\:function\:)?([^:]+?)(?:\:[^:]+)?$/g%%",
        );
        let req = json!({"functionName": "arn:aws:lambda:us-east-1:111122223333:function:f1:PROD"});
        assert_eq!(t.eval(&scope(&req)), ["f1"]);
        let req = json!({"functionName": "plain"});
        assert_eq!(t.eval(&scope(&req)), ["plain"]);
    }

    #[test]
    fn iftruthy_and_urlencode() {
        let t = Template::parse("%%iftruthy%${A}%yes-${A}%no%%");
        assert_eq!(t.eval(&scope(&json!({"a": "v"}))), ["yes-v"]);
        assert_eq!(t.eval(&scope(&json!({}))), ["no"]);
        let t = Template::parse("%%iftruthy%${A}%arn:x:subnet/*%%%");
        assert_eq!(t.eval(&scope(&json!({"a": "v"}))), ["arn:x:subnet/*"]);
        assert_eq!(t.eval(&scope(&json!({}))), [""]);
        assert_eq!(
            Template::parse("%%urlencode%${A}%%").eval(&scope(&json!({"a": "a b/c"}))),
            ["a%20b%2Fc"]
        );
    }

    #[test]
    fn template_match() {
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(arn_matches_template("arn:aws:iam::111122223333:role/a/b", role));
        assert!(!arn_matches_template("arn:aws:iam::111122223333:user/a", role));
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(arn_matches_template("arn:aws:s3:::b", bucket));
        assert!(!arn_matches_template("arn:aws:s3:::b/k", bucket));
        assert!(arn_matches_template(
            "arn:aws:s3:::b/k/x",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        ));
        let req = json!({"role": "arn:aws:iam::111122223333:role/x"});
        let mut s = scope(&req);
        s.resource_template = Some(role);
        assert_eq!(
            Template::parse("%%iftemplatematch%${Role}%%").eval(&s),
            ["arn:aws:iam::111122223333:role/x"]
        );
        let req = json!({"role": "not-an-arn"});
        let mut s = scope(&req);
        s.resource_template = Some(role);
        assert!(Template::parse("%%iftemplatematch%${Role}%%").eval(&s).is_empty());
    }
}

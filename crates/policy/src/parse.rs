//! From JSON text (or a `serde_json::Value`) to a [`Policy`], with precise errors.

use crate::condition::{Condition, ConditionEntry, ConditionValue, IgnoredSpan, JsonType, Operator};
use crate::error::{ParseError, Span};
use crate::json::{self, JsonKind, JsonValue};
use crate::model::*;
use crate::wildcard::{ActionPattern, ResourcePattern};
use std::fmt;

/// What a catalog knows about an action, for [`ParseOptions::known_action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionLookup {
    /// The action exists.
    Known,
    /// The action does not exist; the closest known one, if any.
    Unknown {
        /// A suggestion such as `s3:GetObject`.
        suggestion: Option<String>,
    },
}

/// Options for [`parse_with`].
#[derive(Default, Clone, Copy)]
pub struct ParseOptions<'a> {
    /// The label errors name as their file (a path, `iam:live`, ...).
    pub file: Option<&'a str>,
    /// When set, every action without wildcards is looked up, and an unknown one is an error carrying the
    /// suggestion (`did you mean `s3:GetObject`?`). The policy crate knows no catalog: callers that have one
    /// fill this in.
    pub known_action: Option<&'a dyn Fn(&str) -> ActionLookup>,
}

impl fmt::Debug for ParseOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseOptions")
            .field("file", &self.file)
            .field("known_action", &self.known_action.is_some())
            .finish()
    }
}

/// Parses a policy document from JSON text.
///
/// ```
/// let p = pare_policy::parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#).unwrap();
/// assert_eq!(p.statements.len(), 1);
/// let e = pare_policy::parse(r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject", 3],"Resource":"*"}]}"#).unwrap_err();
/// assert_eq!(e.path, "Statement[0].Action[1]");
/// assert_eq!((e.span.line, e.span.column), (1, 59));
/// ```
pub fn parse(text: &str) -> Result<Policy, ParseError> {
    parse_with(text, &ParseOptions::default())
}

/// Parses a policy document from JSON text with options (file label, action lookup).
pub fn parse_with(text: &str, opts: &ParseOptions<'_>) -> Result<Policy, ParseError> {
    let value = json::parse(text).map_err(|e| {
        let mut err = ParseError::new(String::new(), e.span, format!("invalid JSON: {}", e.message));
        err.file = opts.file.map(str::to_string);
        err
    })?;
    build(&value, opts)
}

impl Policy {
    /// Parses a policy from an already decoded JSON value (positions are then unknown; paths are exact).
    pub fn from_value(value: &serde_json::Value) -> Result<Policy, ParseError> {
        Policy::from_value_with(value, &ParseOptions::default())
    }

    /// [`Policy::from_value`] with options.
    pub fn from_value_with(value: &serde_json::Value, opts: &ParseOptions<'_>) -> Result<Policy, ParseError> {
        build(&json::from_serde(value), opts)
    }

    /// Every action without wildcards that `known_action` does not know, as errors with location and
    /// suggestion (for warnings: parsing itself succeeded).
    pub fn unknown_actions(
        &self,
        file: Option<&str>,
        known_action: &dyn Fn(&str) -> ActionLookup,
    ) -> Vec<ParseError> {
        let mut out = Vec::new();
        for (si, st) in self.statements.iter().enumerate() {
            let (name, list) = match &st.action {
                ActionSpec::Action(v) => ("Action", v.list),
                ActionSpec::NotAction(v) => ("NotAction", v.list),
            };
            for (ai, a) in st.action.patterns().iter().enumerate() {
                if a.has_wildcard() {
                    continue;
                }
                if let ActionLookup::Unknown { suggestion } = known_action(a.as_str()) {
                    let mut path = format!("{}.{name}", self.statement_path(si));
                    if list {
                        path.push_str(&format!("[{ai}]"));
                    }
                    let mut e = ParseError::new(path, st.spans.action(ai), format!("unknown action `{a}`"));
                    e.file = file.map(str::to_string);
                    e.help = suggestion.map(|s| format!("did you mean `{s}`?"));
                    out.push(e);
                }
            }
        }
        out
    }
}

/// A JSON path built on the stack, formatted only when an error needs it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, k) => {
                if matches!(parent, Path::Root) {
                    write!(f, "{k}")
                } else {
                    write!(f, "{parent}.{k}")
                }
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

struct Ctx<'o> {
    opts: &'o ParseOptions<'o>,
    vars: bool,
}

impl Ctx<'_> {
    fn err(&self, path: &Path<'_>, span: Span, message: impl Into<String>) -> ParseError {
        let mut e = ParseError::new(path.to_string(), span, message);
        e.file = self.opts.file.map(str::to_string);
        e
    }
}

fn closest<'a>(word: &str, choices: &[&'a str]) -> Option<&'a str> {
    choices.iter().copied().find(|c| c.eq_ignore_ascii_case(word))
}

fn unknown_key(ctx: &Ctx<'_>, path: &Path<'_>, span: Span, key: &str, allowed: &[&str]) -> ParseError {
    let mut e = ctx.err(path, span, format!("unknown element `{key}`"));
    e.help = match closest(key, allowed) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => Some(format!(
            "expected one of {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    e
}

fn members<'v>(
    ctx: &Ctx<'_>,
    path: &Path<'_>,
    v: &'v JsonValue,
    what: &str,
) -> Result<&'v [(String, Span, JsonValue)], ParseError> {
    match &v.kind {
        JsonKind::Object(m) => Ok(m),
        other => Err(ctx.err(
            path,
            v.span,
            format!("{what} must be an object, found {}", other.describe()),
        )),
    }
}

fn string<'v>(ctx: &Ctx<'_>, path: &Path<'_>, v: &'v JsonValue, what: &str) -> Result<&'v str, ParseError> {
    match &v.kind {
        JsonKind::String(s) => Ok(s),
        other => Err(ctx.err(
            path,
            v.span,
            format!("{what} must be a string, found {}", other.describe()),
        )),
    }
}

/// Strings with their spans, and whether they were written as an array.
type StringItems<'v> = (Vec<(&'v str, Span)>, bool);

/// One string or a non-empty array of strings, with each item's span.
fn strings<'v>(
    ctx: &Ctx<'_>,
    path: &Path<'_>,
    v: &'v JsonValue,
    what: &str,
) -> Result<StringItems<'v>, ParseError> {
    match &v.kind {
        JsonKind::String(s) => Ok((vec![(s.as_str(), v.span)], false)),
        JsonKind::Array(items) => {
            if items.is_empty() {
                return Err(ctx.err(path, v.span, format!("{what} must not be empty")));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = Path::Index(path, i);
                out.push((string(ctx, &p, item, what)?, item.span));
            }
            Ok((out, true))
        }
        other => Err(ctx.err(
            path,
            v.span,
            format!(
                "{what} must be a string or an array of strings, found {}",
                other.describe()
            ),
        )),
    }
}

fn check_duplicates(
    ctx: &Ctx<'_>,
    path: &Path<'_>,
    m: &[(String, Span, JsonValue)],
) -> Result<(), ParseError> {
    for (i, (k, span, _)) in m.iter().enumerate() {
        if m.iter().take(i).any(|(other, _, _)| other == k) {
            let p = Path::Key(path, k);
            return Err(ctx.err(&p, *span, format!("duplicate element `{k}`")));
        }
    }
    Ok(())
}

const TOP: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn build(v: &JsonValue, opts: &ParseOptions<'_>) -> Result<Policy, ParseError> {
    let mut ctx = Ctx { opts, vars: false };
    let root = Path::Root;
    let m = members(&ctx, &root, v, "a policy")?;
    check_duplicates(&ctx, &root, m)?;
    let mut version = None;
    let mut id = None;
    let mut statement = None;
    for (k, span, val) in m {
        let p = Path::Key(&root, k);
        match k.as_str() {
            "Version" => {
                let s = string(&ctx, &p, val, "`Version`")?;
                if s != VERSION_2012 && s != VERSION_2008 {
                    let mut e = ctx.err(&p, val.span, format!("unsupported `Version` `{s}`"));
                    e.help = Some(format!("use `{VERSION_2012}`"));
                    return Err(e);
                }
                version = Some(s.to_string());
            }
            "Id" => id = Some(string(&ctx, &p, val, "`Id`")?.to_string()),
            "Statement" => statement = Some(val),
            other => return Err(unknown_key(&ctx, &root, *span, other, &TOP)),
        }
    }
    ctx.vars = version.as_deref() == Some(VERSION_2012);
    let Some(st) = statement else {
        return Err(ctx.err(&root, v.span, "missing `Statement`"));
    };
    let sp = Path::Key(&root, "Statement");
    let (statements, statement_list) = match &st.kind {
        JsonKind::Object(_) => (vec![statement_of(&ctx, &sp, st)?], false),
        JsonKind::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(statement_of(&ctx, &Path::Index(&sp, i), item)?);
            }
            (out, true)
        }
        other => {
            return Err(ctx.err(
                &sp,
                st.span,
                format!(
                    "`Statement` must be an object or an array of objects, found {}",
                    other.describe()
                ),
            ))
        }
    };
    Ok(Policy {
        version,
        id,
        statements,
        statement_list,
    })
}

fn statement_of(ctx: &Ctx<'_>, path: &Path<'_>, v: &JsonValue) -> Result<Statement, ParseError> {
    let m = members(ctx, path, v, "a statement")?;
    check_duplicates(ctx, path, m)?;
    let mut sid = None;
    let mut effect = None;
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut condition = None;
    let mut spans = StatementSpans {
        statement: IgnoredSpan(v.span),
        ..Default::default()
    };
    for (k, span, val) in m {
        let p = Path::Key(path, k);
        match k.as_str() {
            "Sid" => sid = Some(string(ctx, &p, val, "`Sid`")?.to_string()),
            "Effect" => {
                let s = string(ctx, &p, val, "`Effect`")?;
                effect = Some(match s {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    _ => {
                        let mut e = ctx.err(
                            &p,
                            val.span,
                            format!("`Effect` must be `Allow` or `Deny`, found `{s}`"),
                        );
                        e.help = closest(s, &["Allow", "Deny"]).map(|c| format!("did you mean `{c}`?"));
                        return Err(e);
                    }
                });
            }
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return Err(ctx.err(&p, *span, "`Principal` and `NotPrincipal` cannot both be present"));
                }
                let value = principals(ctx, &p, val)?;
                principal = Some(if k == "Principal" {
                    PrincipalSpec::Principal(value)
                } else {
                    PrincipalSpec::NotPrincipal(value)
                });
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return Err(ctx.err(&p, *span, "`Action` and `NotAction` cannot both be present"));
                }
                let (items, list) = strings(ctx, &p, val, &format!("`{k}`"))?;
                let mut patterns = Vec::with_capacity(items.len());
                for (i, (s, sp)) in items.iter().enumerate() {
                    let ip = if list { Path::Index(&p, i) } else { p };
                    check_action(ctx, &ip, *sp, s)?;
                    spans.actions.push(IgnoredSpan(*sp));
                    patterns.push(ActionPattern::new(*s));
                }
                let values = Values {
                    items: patterns,
                    list,
                };
                action = Some(if k == "Action" {
                    ActionSpec::Action(values)
                } else {
                    ActionSpec::NotAction(values)
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return Err(ctx.err(&p, *span, "`Resource` and `NotResource` cannot both be present"));
                }
                let (items, list) = strings(ctx, &p, val, &format!("`{k}`"))?;
                let mut patterns = Vec::with_capacity(items.len());
                for (i, (s, sp)) in items.iter().enumerate() {
                    if s.is_empty() {
                        let ip = if list { Path::Index(&p, i) } else { p };
                        return Err(ctx.err(&ip, *sp, "empty resource"));
                    }
                    spans.resources.push(IgnoredSpan(*sp));
                    patterns.push(ResourcePattern::new(*s, ctx.vars));
                }
                let values = Values {
                    items: patterns,
                    list,
                };
                resource = Some(if k == "Resource" {
                    ResourceSpec::Resource(values)
                } else {
                    ResourceSpec::NotResource(values)
                });
            }
            "Condition" => condition = Some(conditions(ctx, &p, val)?),
            other => return Err(unknown_key(ctx, path, *span, other, &STATEMENT)),
        }
    }
    let Some(effect) = effect else {
        return Err(ctx.err(path, v.span, "missing `Effect`"));
    };
    let Some(action) = action else {
        return Err(ctx.err(path, v.span, "missing `Action` or `NotAction`"));
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        condition,
        spans,
    })
}

fn check_action(ctx: &Ctx<'_>, path: &Path<'_>, span: Span, s: &str) -> Result<(), ParseError> {
    if s == "*" {
        return Ok(());
    }
    match s.split_once(':') {
        Some((service, name)) if !service.is_empty() && !name.is_empty() => {
            if service.contains(['*', '?']) && service != "*" {
                // `*:Get*` style: allowed by the grammar, nothing to look up.
                return Ok(());
            }
        }
        _ => {
            let mut e = ctx.err(
                path,
                span,
                format!("`{s}` is not an action (expected `service:Action` or `*`)"),
            );
            e.help = Some("prefix the action with its service, e.g. `s3:GetObject`".to_string());
            return Err(e);
        }
    }
    if let Some(lookup) = ctx.opts.known_action {
        if !s.contains(['*', '?']) {
            if let ActionLookup::Unknown { suggestion } = lookup(s) {
                let mut e = ctx.err(path, span, format!("unknown action `{s}`"));
                e.help = suggestion.map(|x| format!("did you mean `{x}`?"));
                return Err(e);
            }
        }
    }
    Ok(())
}

fn principals(ctx: &Ctx<'_>, path: &Path<'_>, v: &JsonValue) -> Result<Principals, ParseError> {
    match &v.kind {
        JsonKind::String(s) if s == "*" => Ok(Principals::Any),
        JsonKind::Object(m) => {
            check_duplicates(ctx, path, m)?;
            let mut out = Vec::with_capacity(m.len());
            for (k, span, val) in m {
                let p = Path::Key(path, k);
                let Some(kind) = PrincipalKind::parse(k) else {
                    return Err(unknown_key(
                        ctx,
                        path,
                        *span,
                        k,
                        &["AWS", "Service", "Federated", "CanonicalUser"],
                    ));
                };
                let (items, list) = strings(ctx, &p, val, &format!("`{k}`"))?;
                out.push((
                    kind,
                    Values {
                        items: items.into_iter().map(|(s, _)| s.to_string()).collect(),
                        list,
                    },
                ));
            }
            if out.is_empty() {
                return Err(ctx.err(path, v.span, "the principal must not be empty"));
            }
            Ok(Principals::Map(out))
        }
        JsonKind::String(s) => {
            let mut e = ctx.err(
                path,
                v.span,
                format!("a principal must be `\"*\"` or an object, found `{s}`"),
            );
            e.help = Some(format!("write {{\"AWS\": \"{s}\"}}"));
            Err(e)
        }
        other => Err(ctx.err(
            path,
            v.span,
            format!(
                "a principal must be `\"*\"` or an object, found {}",
                other.describe()
            ),
        )),
    }
}

fn conditions(ctx: &Ctx<'_>, path: &Path<'_>, v: &JsonValue) -> Result<Vec<Condition>, ParseError> {
    let m = members(ctx, path, v, "`Condition`")?;
    check_duplicates(ctx, path, m)?;
    let mut out = Vec::with_capacity(m.len());
    for (op_name, op_span, block) in m {
        let p = Path::Key(path, op_name);
        let Some(operator) = Operator::parse(op_name) else {
            let mut e = ctx.err(&p, *op_span, format!("unknown condition operator `{op_name}`"));
            let base = op_name.rsplit(':').next().unwrap_or(op_name);
            e.help = crate::condition::OperatorKind::ALL
                .iter()
                .map(|k| {
                    (
                        strsim_distance(&base.to_ascii_lowercase(), &k.name().to_ascii_lowercase()),
                        k.name(),
                    )
                })
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, n)| format!("did you mean `{n}`?"));
            return Err(e);
        };
        let keys = members(ctx, &p, block, &format!("`{op_name}`"))?;
        check_duplicates(ctx, &p, keys)?;
        let mut entries = Vec::with_capacity(keys.len());
        for (key, key_span, vals) in keys {
            let kp = Path::Key(&p, key);
            let (items, list): (Vec<&JsonValue>, bool) = match &vals.kind {
                JsonKind::Array(a) => (a.iter().collect(), true),
                _ => (vec![vals], false),
            };
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let ip = if list { Path::Index(&kp, i) } else { kp };
                let (text, json) = match &item.kind {
                    JsonKind::String(s) => (s.clone(), JsonType::String),
                    JsonKind::Number(n) => (n.clone(), JsonType::Number),
                    JsonKind::Bool(b) => (b.to_string(), JsonType::Bool),
                    other => {
                        return Err(ctx.err(
                            &ip,
                            item.span,
                            format!(
                                "a condition value must be a string, number or boolean, found {}",
                                other.describe()
                            ),
                        ))
                    }
                };
                let value = ConditionValue::new(operator.kind, &text, json, ctx.vars).map_err(|msg| {
                    ctx.err(&ip, item.span, format!("{msg} for `{}`", operator.kind.name()))
                })?;
                values.push(value);
            }
            let mut entry = ConditionEntry::new(key.clone(), values, list);
            entry.span = IgnoredSpan(*key_span);
            entries.push(entry);
        }
        out.push(Condition { operator, entries });
    }
    Ok(out)
}

/// Levenshtein distance (small strings only).
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

//! The policy lint: findings about policy documents in the spirit of AWS IAM Access Analyzer's policy
//! validation and parliament.
//!
//! [`lint_sources`] loads files like `pare policies` does (policy files, directories, auth-details, Terraform
//! plans, CloudFormation templates, snapshots) and lints every document in them; [`lint_document`] lints one
//! document. Each [`Finding`] has a stable kebab-case [`Code`], a [`Severity`], a location (file, line and
//! column when known, JSON path) and a one-line fix.
//!
//! Action, resource type and condition key knowledge comes from `pare_catalog` (the Service Authorization
//! Reference).

use crate::locate::{self, JsonPath};
use crate::snapshot::{LoadError, PolicyDocument, Snapshot};
use crate::{load_sources_checked, Error, LoadOptions};
use pare_catalog::{catalog, ActionInfo};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How serious a finding is. `pare lint` exits 1 when any finding is an [`Severity::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not wrong.
    Info,
    /// Probably a mistake or an unnecessary risk.
    Warning,
    /// The policy does not do what it says, or grants dangerous access.
    Error,
}

impl Severity {
    /// `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $description:literal;)*) => {
        /// A lint rule. Codes are stable: scripts and allow lists hold on to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $description] $variant,)*
        }

        impl Code {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case code.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// What the rule flags.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)* }
            }

            /// The severity of its findings.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    InvalidJson = "invalid-json", Error, "The file is not valid JSON or YAML.";
    InvalidPolicy = "invalid-policy", Error, "The document breaks the IAM policy grammar (missing Effect, wrong types, unknown elements).";
    MissingVersion = "missing-version", Warning, "No `Version`: IAM uses 2008-10-17, where policy variables are not substituted.";
    OldVersion = "old-version", Warning, "`Version` 2008-10-17: policy variables are not substituted.";
    UnknownService = "unknown-service", Error, "The action's service prefix is not a known IAM service.";
    UnknownAction = "unknown-action", Error, "The action, or every action a wildcard pattern could mean, does not exist in its service.";
    ResourceMismatch = "resource-mismatch", Warning, "No resource of the statement can match any resource type the action is authorized on.";
    ResourceWildcardRequired = "resource-wildcard-required", Warning, "The action supports only `\"Resource\": \"*\"`, and the statement names specific resources.";
    MalformedArn = "malformed-arn", Error, "A resource is neither `*` nor a well-formed ARN (`arn:partition:service:region:account:resource`).";
    ResourceServiceMismatch = "resource-service-mismatch", Warning, "A resource belongs to a service none of the statement's actions act on: it can never match.";
    UnknownConditionKey = "unknown-condition-key", Warning, "A condition key is not global and not defined for the statement's actions or their resources.";
    UnknownConditionOperator = "unknown-condition-operator", Error, "A condition operator does not exist (typo, or `IfExists` on `Null`).";
    AllowNotAction = "allow-not-action", Warning, "`Allow` with `NotAction` grants every other action, including future ones.";
    AllowNotResource = "allow-not-resource", Warning, "`Allow` with `NotResource` grants every other resource, including future ones.";
    PassRoleAnyResource = "pass-role-any-resource", Error, "`iam:PassRole` is allowed on every role: any service can be given any role.";
    AdminAccess = "admin-access", Error, "`*` (or `*:*`) is allowed on `*`: full administrator access.";
    PrivilegeEscalation = "privilege-escalation", Warning, "The statement allows an IAM action that lets a principal grant itself more permissions.";
    ServiceWildcard = "service-wildcard", Info, "Every action of a service (`s3:*`) is allowed.";
    DuplicateSid = "duplicate-sid", Warning, "Two statements share a `Sid`.";
    InvalidSid = "invalid-sid", Warning, "A `Sid` has characters other than letters and digits, which IAM identity policies reject.";
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The file the document came from.
    pub file: String,
    /// 1-based line, when the file is JSON and the element was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The rule.
    #[serde(serialize_with = "ser_code")]
    pub code: Code,
    /// The rule's severity.
    pub severity: Severity,
    /// JSON path of the element in the file.
    pub json_path: String,
    /// The policy's name (file name, inline policy name, managed policy name).
    pub policy: String,
    /// What is wrong (lowercase, user values in backticks).
    pub message: String,
    /// A one-line fix.
    pub fix: String,
}

fn ser_code<S: serde::Serializer>(c: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

/// A finding inside one document, before it is placed in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFinding {
    /// The rule.
    pub code: Code,
    /// Path inside the document (`Statement[0].Action[1]`; empty for the document).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// A one-line fix.
    pub fix: String,
}

fn f(code: Code, path: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> DocFinding {
    DocFinding {
        code,
        path: path.into(),
        message: message.into(),
        fix: fix.into(),
    }
}

/// Loads the sources (as `pare policies` does, never strict) and lints every document in them; documents that
/// could not be loaded become `invalid-json` or `invalid-policy` findings. Sorted by file, line, column, code.
pub fn lint_sources<S: AsRef<str>>(sources: &[S]) -> Result<Vec<Finding>, Error> {
    let snapshot = load_sources_checked(sources, &LoadOptions::default(), false)?;
    Ok(lint_snapshot(&snapshot))
}

/// Lints every document of a snapshot (each managed policy once), plus its load errors.
pub fn lint_snapshot(snapshot: &Snapshot) -> Vec<Finding> {
    let mut docs: Vec<&PolicyDocument> = Vec::new();
    for p in &snapshot.principals {
        docs.extend(p.inline.iter());
        docs.extend(p.attached.iter());
        docs.extend(p.boundary.iter());
        docs.extend(p.trust.iter());
    }
    docs.extend(snapshot.policies.iter());
    docs.extend(snapshot.resource_policies.iter());
    docs.extend(snapshot.scps.iter());
    let mut seen = BTreeSet::new();
    let mut texts: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for d in docs {
        if !seen.insert((d.origin.file.clone(), d.origin.json_path.clone())) {
            continue;
        }
        let text = texts
            .entry(d.origin.file.clone())
            .or_insert_with(|| std::fs::read_to_string(&d.origin.file).ok())
            .as_deref();
        let base = parse_path(&d.origin.json_path);
        for df in lint_document(&d.document) {
            let path = base.join_relative(&df.path);
            let pos =
                text.and_then(|t| locate::locate_any(t, &path).or_else(|| locate::locate_any(t, &base)));
            out.push(Finding {
                file: d.origin.file.clone(),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                code: df.code,
                severity: df.code.severity(),
                json_path: path.to_string(),
                policy: d.name.clone(),
                message: df.message,
                fix: df.fix,
            });
        }
    }
    for e in &snapshot.errors {
        out.push(load_error_finding(e));
    }
    out.sort();
    out.dedup();
    out
}

fn load_error_finding(e: &LoadError) -> Finding {
    let json = e.message.starts_with("invalid JSON")
        || e.message.starts_with("invalid YAML")
        || e.message.starts_with("not a recognized")
        || e.message.contains("not UTF-8");
    let code = if json {
        Code::InvalidJson
    } else {
        Code::InvalidPolicy
    };
    Finding {
        file: e.file.clone(),
        line: e.line,
        column: e.column.map(|c| c.max(1)),
        code,
        severity: code.severity(),
        json_path: e.json_path.clone().unwrap_or_else(|| "$".to_string()),
        policy: String::new(),
        message: e.message.clone(),
        fix: if json {
            "fix the syntax at the position shown".to_string()
        } else {
            "correct the element named in the message so the document follows the IAM policy grammar"
                .to_string()
        },
    }
}

/// `$.a[0]["b c"]` back into a path.
fn parse_path(s: &str) -> JsonPath {
    JsonPath::root().join_relative(s.strip_prefix('$').unwrap_or(s))
}

/// Lints one policy document (already known to follow the grammar, or reported as `invalid-policy`).
pub fn lint_document(doc: &Value) -> Vec<DocFinding> {
    let mut out = Vec::new();
    if let Err(p) = crate::validate::validate(doc) {
        // An unknown condition operator gets its own finding (with a suggestion) and linting goes on.
        let operator_typo = bad_operator_paths(doc)
            .iter()
            .any(|op| p.path.starts_with(op.as_str()));
        if !operator_typo {
            out.push(f(
                Code::InvalidPolicy,
                p.path,
                p.message,
                "correct the element so the document follows the IAM policy grammar",
            ));
            return out;
        }
    }
    match doc.get("Version").and_then(Value::as_str) {
        None => out.push(f(
            Code::MissingVersion,
            "",
            "the policy has no `Version`",
            "add `\"Version\": \"2012-10-17\"`",
        )),
        Some("2008-10-17") => out.push(f(
            Code::OldVersion,
            "Version",
            "`Version` is `2008-10-17`: policy variables such as `${aws:username}` are taken literally",
            "use `\"Version\": \"2012-10-17\"`",
        )),
        _ => {}
    }
    let statements: Vec<(String, &Value)> = match doc.get("Statement") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("Statement[{i}]"), s))
            .collect(),
        Some(s) => vec![("Statement".to_string(), s)],
        None => Vec::new(),
    };
    let mut sids: BTreeMap<String, String> = BTreeMap::new();
    for (path, s) in &statements {
        if let Some(sid) = s.get("Sid").and_then(Value::as_str) {
            if !sid.is_empty() {
                if let Some(first) = sids.get(sid) {
                    out.push(f(
                        Code::DuplicateSid,
                        format!("{path}.Sid"),
                        format!("`Sid` `{sid}` is also used by {first}"),
                        "give each statement its own `Sid`",
                    ));
                } else {
                    sids.insert(sid.to_string(), path.clone());
                }
                if !sid.chars().all(|c| c.is_ascii_alphanumeric()) && !is_resource_policy_statement(s) {
                    out.push(f(
                        Code::InvalidSid,
                        format!("{path}.Sid"),
                        format!("`Sid` `{sid}` has characters other than letters and digits"),
                        format!(
                            "use `{}`",
                            sid.chars()
                                .filter(char::is_ascii_alphanumeric)
                                .collect::<String>()
                        ),
                    ));
                }
            }
        }
        statement(path, s, &mut out);
    }
    out
}

/// Paths (`Statement[0].Condition.StringEqual`) of condition operators that do not exist.
fn bad_operator_paths(doc: &Value) -> Vec<String> {
    let statements: Vec<(String, &Value)> = match doc.get("Statement") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("Statement[{i}]"), s))
            .collect(),
        Some(s) => vec![("Statement".to_string(), s)],
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for (path, s) in statements {
        if let Some(Value::Object(ops)) = s.get("Condition") {
            for op in ops.keys().filter(|op| !valid_operator(op)) {
                out.push(format!("{path}.Condition.{op}"));
                out.push(format!("{path}.Condition[\"{op}\"]"));
            }
        }
    }
    out
}

fn is_resource_policy_statement(s: &Value) -> bool {
    s.get("Principal").is_some() || s.get("NotPrincipal").is_some()
}

fn strings(v: Option<&Value>) -> Vec<(usize, &str)> {
    match v {
        Some(Value::String(s)) => vec![(usize::MAX, s.as_str())],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.as_str().map(|s| (i, s)))
            .collect(),
        _ => Vec::new(),
    }
}

fn at(path: &str, key: &str, i: usize) -> String {
    if i == usize::MAX {
        format!("{path}.{key}")
    } else {
        format!("{path}.{key}[{i}]")
    }
}

/// Whether a value holds a policy variable or a placeholder (`${...}`), which the lint cannot judge.
fn has_variable(s: &str) -> bool {
    s.contains("${")
}

const ESCALATION: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
];

fn statement(path: &str, s: &Value, out: &mut Vec<DocFinding>) {
    let cat = catalog();
    let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
    let actions = strings(s.get("Action"));
    let resources = strings(s.get("Resource"));
    let any_resource = resources.iter().any(|(_, r)| *r == "*");

    if allow && s.get("NotAction").is_some() {
        out.push(f(
            Code::AllowNotAction,
            format!("{path}.NotAction"),
            "`Allow` with `NotAction` allows every action not listed, including actions added later",
            "list the allowed actions in `Action` instead",
        ));
    }
    if allow && s.get("NotResource").is_some() {
        out.push(f(
            Code::AllowNotResource,
            format!("{path}.NotResource"),
            "`Allow` with `NotResource` allows every resource not listed, including resources created later",
            "list the allowed resources in `Resource` instead",
        ));
    }

    // Actions: known service, known action, and what each covers.
    let mut infos: Vec<ActionInfo<'static>> = Vec::new();
    let mut all_actions = false;
    for (i, a) in &actions {
        let p = at(path, "Action", *i);
        if *a == "*" || *a == "*:*" {
            all_actions = true;
            if allow && any_resource && s.get("Condition").is_none() {
                out.push(f(
                    Code::AdminAccess,
                    p.clone(),
                    format!("`{a}` is allowed on `*`: full administrator access"),
                    "allow only the actions the principal needs (see `pare propose`)",
                ));
            }
            continue;
        }
        if has_variable(a) {
            continue;
        }
        let Some((prefix, name)) = a.split_once(':') else {
            out.push(f(
                Code::UnknownAction,
                p,
                format!("`{a}` is not an action: expected `service:Action`"),
                "write the action as `service:Action`, e.g. `s3:GetObject`",
            ));
            continue;
        };
        if prefix.contains(['*', '?']) {
            let expanded = cat.expand(a);
            if expanded.is_empty() {
                out.push(f(
                    Code::UnknownAction,
                    p,
                    format!("`{a}` matches no action"),
                    "check the pattern",
                ));
            }
            infos.extend(expanded);
            continue;
        }
        if cat.service(prefix).is_none() {
            out.push(f(
                Code::UnknownService,
                p,
                format!("unknown service `{prefix}` in `{a}`"),
                match cat.suggest(a) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use a service prefix from the Service Authorization Reference".to_string(),
                },
            ));
            continue;
        }
        if name.contains(['*', '?']) {
            let expanded = cat.expand(a);
            if expanded.is_empty() {
                out.push(f(
                    Code::UnknownAction,
                    p.clone(),
                    format!("`{a}` matches no action of `{prefix}`"),
                    "check the pattern against the service's actions (`pare catalog`)",
                ));
            }
            if name == "*" && allow {
                out.push(f(
                    Code::ServiceWildcard,
                    p,
                    format!("`{a}` allows every action of `{prefix}`"),
                    "allow only the actions the principal needs",
                ));
            }
            infos.extend(expanded);
            continue;
        }
        match cat.action(a) {
            Some(info) => infos.push(info),
            None => out.push(f(
                Code::UnknownAction,
                p,
                format!("unknown action `{a}`"),
                match cat.suggest(a) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("see `pare catalog {prefix}:*` for the actions of `{prefix}`"),
                },
            )),
        }
    }

    if allow {
        let covers = |name: &str| all_actions || actions.iter().any(|(_, a)| pare_policy_like_match(a, name));
        if !all_actions && covers("iam:PassRole") && any_resource {
            let i = actions
                .iter()
                .find(|(_, a)| pare_policy_like_match(a, "iam:PassRole"))
                .map_or(usize::MAX, |x| x.0);
            out.push(f(
                Code::PassRoleAnyResource,
                at(path, "Action", i),
                "`iam:PassRole` is allowed on `*`: the principal can hand any role to a service",
                "limit `Resource` to the role ARNs it must pass, and add an `iam:PassedToService` condition",
            ));
        }
        if !all_actions && any_resource {
            if let Some(esc) = ESCALATION.iter().find(|e| covers(e)) {
                out.push(f(
                    Code::PrivilegeEscalation,
                    format!("{path}.Action"),
                    format!("`{esc}` on `*` lets the principal grant itself more permissions"),
                    "scope the IAM action to specific principals or policies, or remove it",
                ));
            }
        }
    }

    // Resources: well-formed, of a service the actions act on, of a type each action is authorized on.
    let specific: Vec<(usize, &str)> = resources.iter().copied().filter(|(_, r)| *r != "*").collect();
    let mut arn_services: BTreeSet<String> = BTreeSet::new();
    for info in &infos {
        for rt in info.resource_types {
            if let Some(svc) = rt.arn.split(':').nth(2) {
                arn_services.insert(svc.to_string());
            }
        }
    }
    let mut well_formed: Vec<&str> = Vec::new();
    for (i, r) in &specific {
        let p = at(path, "Resource", *i);
        // Placeholders and policy variables may hold colons (`${Ref:AWS::Partition}`): split without them.
        let norm = replace_vars(r);
        let parts: Vec<&str> = norm.splitn(6, ':').collect();
        if parts.len() < 6 || parts.first() != Some(&"arn") {
            if !has_variable(r) || !r.starts_with("arn:") && !r.starts_with("${") {
                out.push(f(
                    Code::MalformedArn,
                    p,
                    format!("`{r}` is not `*` and not an ARN: it can never match"),
                    "write the full ARN (`arn:aws:service:region:account:resource`) or `*`",
                ));
            }
            continue;
        }
        well_formed.push(r);
        let svc = parts.get(2).copied().unwrap_or("");
        if !all_actions
            && !arn_services.is_empty()
            && !svc.contains(['*', '?', '$'])
            && !arn_services.contains(svc)
        {
            out.push(f(
                Code::ResourceServiceMismatch,
                p,
                format!(
                    "`{r}` belongs to service `{svc}`, and no action of the statement acts on its resources"
                ),
                "move the resource to a statement with actions of its service, or fix the ARN",
            ));
        }
    }
    if !well_formed.is_empty() && !all_actions {
        for (i, a) in &actions {
            if a.contains(['*', '?']) || has_variable(a) {
                continue;
            }
            let Some(info) = cat.action(a) else { continue };
            if info.resource_types.is_empty() {
                if !any_resource {
                    out.push(f(
                        Code::ResourceWildcardRequired,
                        at(path, "Action", *i),
                        format!("`{}` supports only `\"Resource\": \"*\"`, and the statement names specific resources", info.full_name),
                        format!("move `{}` to a statement with `\"Resource\": \"*\"`", info.full_name),
                    ));
                }
                continue;
            }
            if any_resource {
                continue;
            }
            let fits = well_formed.iter().any(|r| {
                info.resource_types.iter().any(|rt| {
                    !rt.arn.is_empty() && globs_intersect(&template_glob(&rt.arn), &resource_glob(r))
                })
            });
            if !fits {
                let types: Vec<&str> = info.resource_types.iter().map(|rt| rt.name.as_str()).collect();
                out.push(f(
                    Code::ResourceMismatch,
                    at(path, "Action", *i),
                    format!(
                        "`{}` acts on {} resources, and none of the statement's resources is one",
                        info.full_name,
                        types.join("/")
                    ),
                    format!(
                        "add a resource matching `{}`",
                        info.resource_types
                            .iter()
                            .filter(|rt| !rt.arn.is_empty())
                            .min_by_key(|rt| (!rt.required, rt.arn.len()))
                            .map_or("", |rt| rt.arn.as_str())
                    ),
                ));
            }
        }
    }

    // Conditions: operators and keys.
    if let Some(Value::Object(ops)) = s.get("Condition") {
        let mut keys_known: BTreeSet<String> = BTreeSet::new();
        let mut prefixes: BTreeSet<String> = BTreeSet::new();
        for info in &infos {
            prefixes.insert(info.prefix.to_ascii_lowercase());
            keys_known.extend(info.condition_keys.iter().map(|k| k.to_ascii_lowercase()));
            for rt in info.resource_types {
                keys_known.extend(rt.condition_keys.iter().map(|k| k.to_ascii_lowercase()));
            }
        }
        for (op, keys) in ops {
            let cp = format!("{path}.Condition.{op}");
            if !valid_operator(op) {
                out.push(f(
                    Code::UnknownConditionOperator,
                    cp.clone(),
                    format!("unknown condition operator `{op}`"),
                    match closest_operator(op) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use an operator from the IAM condition operator reference".to_string(),
                    },
                ));
            }
            let Some(keys) = keys.as_object() else { continue };
            for key in keys.keys() {
                let lower = key.to_ascii_lowercase();
                let Some((kp, _)) = lower.split_once(':') else {
                    out.push(f(
                        Code::UnknownConditionKey,
                        format!("{cp}[\"{key}\"]"),
                        format!("condition key `{key}` has no service prefix"),
                        "write the key as `service:Key` or a global `aws:` key",
                    ));
                    continue;
                };
                if kp == "aws" || all_actions || infos.is_empty() || s.get("NotAction").is_some() {
                    continue;
                }
                if key_matches(&lower, &keys_known) {
                    continue;
                }
                let service_known = cat.service(kp).is_some();
                let defined = service_known
                    && cat.service(kp).is_some_and(|svc| {
                        key_matches(
                            &lower,
                            &svc.condition_keys
                                .iter()
                                .map(|k| k.key.to_ascii_lowercase())
                                .collect(),
                        )
                    });
                let message = if !service_known {
                    format!("condition key `{key}` belongs to no known service")
                } else if !defined {
                    format!("`{kp}` defines no condition key `{key}`")
                } else {
                    format!("condition key `{key}` does not apply to any action of the statement")
                };
                out.push(f(
                    Code::UnknownConditionKey,
                    format!("{cp}[\"{key}\"]"),
                    message,
                    "use a key the statement's actions support (see `pare catalog ACTION`), or a global `aws:` key",
                ));
            }
        }
    }
}

/// Matches an action pattern against an action name as IAM does (case-insensitive `*` and `?`).
fn pare_policy_like_match(pattern: &str, action: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let a = action.to_ascii_lowercase();
    globs_intersect(&p, &a)
}

/// Whether a condition key matches one of the known keys, templated ones included (`aws:RequestTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`).
fn key_matches(key: &str, known: &BTreeSet<String>) -> bool {
    if known.contains(key) {
        return true;
    }
    known.iter().any(|k| {
        let stem = k.split(['$', '<']).next().unwrap_or(k);
        stem.len() < k.len() && key.starts_with(stem) && key.len() > stem.len()
    })
}

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

fn valid_operator(op: &str) -> bool {
    let base = op
        .strip_prefix("ForAllValues:")
        .or_else(|| op.strip_prefix("ForAnyValue:"))
        .unwrap_or(op);
    match base.strip_suffix("IfExists") {
        Some(b) => b != "Null" && OPERATORS.contains(&b),
        None => OPERATORS.contains(&base),
    }
}

fn closest_operator(op: &str) -> Option<&'static str> {
    OPERATORS
        .iter()
        .map(|o| {
            (
                strsim::jaro_winkler(&o.to_ascii_lowercase(), &op.to_ascii_lowercase()),
                *o,
            )
        })
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// An ARN template as a glob: every `${Variable}` matches anything.
fn template_glob(template: &str) -> String {
    replace_vars(template)
}

/// A statement resource as a glob: policy variables and placeholders match anything.
fn resource_glob(resource: &str) -> String {
    replace_vars(resource)
}

fn replace_vars(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 2..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push('*');
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(rest.get(i..).unwrap_or(""));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether two glob patterns (`*` any run, `?` one character) can match a common string.
pub(crate) fn globs_intersect(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    // reach[i][j]: the suffixes a[i..] and b[j..] can match a common string.
    let mut reach = vec![vec![false; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            let get = |r: &Vec<Vec<bool>>, x: usize, y: usize| {
                r.get(x).and_then(|row| row.get(y)).copied().unwrap_or(false)
            };
            let v = match (a.get(i), b.get(j)) {
                (None, None) => true,
                (Some('*'), _) => get(&reach, i + 1, j) || (j < m && get(&reach, i, j + 1)),
                (_, Some('*')) => get(&reach, i, j + 1) || (i < n && get(&reach, i + 1, j)),
                (Some(x), Some(y)) => (x == y || *x == '?' || *y == '?') && get(&reach, i + 1, j + 1),
                _ => false,
            };
            if let Some(cell) = reach.get_mut(i).and_then(|row| row.get_mut(j)) {
                *cell = v;
            }
        }
    }
    reach.first().and_then(|r| r.first()).copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'));
            assert!(!c.description().is_empty());
        }
    }

    #[test]
    fn glob_intersection() {
        assert!(globs_intersect("arn:*:s3:::*/*", "arn:aws:s3:::bucket/key"));
        assert!(!globs_intersect("arn:*:s3:::*/*", "arn:aws:s3:::bucket"));
        assert!(globs_intersect("arn:*:s3:::*/*", "arn:aws:s3:::bucket*"));
        assert!(globs_intersect("a?c", "*c"));
        assert!(!globs_intersect("abc", "abd"));
        assert!(globs_intersect("iam:passrole", "iam:pass*"));
    }

    #[test]
    fn operators() {
        assert!(valid_operator("ForAnyValue:StringLikeIfExists"));
        assert!(!valid_operator("NullIfExists"));
        assert!(!valid_operator("StringEqual"));
        assert_eq!(closest_operator("StringEqual"), Some("StringEquals"));
    }
}

//! CloudFormation templates, JSON or YAML (short-form tags such as `!Sub`, `!GetAtt`, `!Ref` included).
//!
//! Resources read: `AWS::IAM::Role`, `AWS::IAM::User`, `AWS::IAM::Group` (inline `Policies`,
//! `ManagedPolicyArns`, `PermissionsBoundary`, `AssumeRolePolicyDocument`, `Path`, names, `Groups`),
//! `AWS::IAM::Policy`, `AWS::IAM::RolePolicy`/`UserPolicy`/`GroupPolicy`, `AWS::IAM::ManagedPolicy`,
//! `AWS::IAM::UserToGroupAddition`, and the resource policies `AWS::S3::BucketPolicy`, `AWS::SQS::QueuePolicy`,
//! `AWS::SNS::TopicPolicy` and `AWS::KMS::Key` (`KeyPolicy`).
//!
//! Intrinsic functions are resolved offline where the template (or `--param`) determines the value:
//! parameters with defaults, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` on
//! conditions that can be evaluated, names and ARNs of the template's own IAM resources. Anything else becomes a
//! named placeholder listed in the snapshot: `${Ref:Param}`, `${Ref:AWS::AccountId}` (pseudo parameters),
//! `${GetAtt:Logical.Attr}`, `${ImportValue:Name}`, `${Fn::Base64}`; a role without `RoleName` is named
//! `${Ref:Logical}` (CloudFormation generates its name).

use crate::auth_details::last_part;
use crate::locate::JsonPath;
use crate::snapshot::{PolicyDocument, Principal, PrincipalKind};
use crate::{Ctx, LoadOptions};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Loads a YAML template.
pub(crate) fn load_yaml(cx: &mut Ctx<'_>, text: &str, options: &LoadOptions) {
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let loc = e.location();
            cx.errors.push(crate::snapshot::LoadError {
                file: cx.file.clone(),
                json_path: None,
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
                message: format!("invalid YAML: {e}"),
            });
            cx.skipped += 1;
            return;
        }
    };
    let value = yaml_to_json(yaml);
    if !value.get("Resources").is_some_and(Value::is_object) {
        cx.file_error(
            "not a recognized policy source: a YAML file must be a CloudFormation template with `Resources`"
                .to_string(),
        );
        return;
    }
    load_json(cx, value, options);
}

/// Converts YAML to JSON, short-form tags to their long form (`!Ref X` → `{"Ref": "X"}`,
/// `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` → `{"Fn::Sub": s}`).
pub(crate) fn yaml_to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    other => yaml_scalar_string(&other),
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!').to_string();
            let inner = yaml_to_json(t.value);
            let mut out = Map::new();
            match name.as_str() {
                "Ref" => {
                    out.insert("Ref".into(), inner);
                }
                "Condition" => {
                    out.insert("Condition".into(), inner);
                }
                "GetAtt" => {
                    let v = match inner {
                        Value::String(s) => match s.split_once('.') {
                            Some((a, b)) => Value::Array(vec![a.into(), b.into()]),
                            None => Value::String(s),
                        },
                        other => other,
                    };
                    out.insert("Fn::GetAtt".into(), v);
                }
                _ => {
                    out.insert(format!("Fn::{name}"), inner);
                }
            }
            Value::Object(out)
        }
    }
}

fn yaml_scalar_string(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The resolver: template sections plus the values given with `--param`.
struct Resolver<'t> {
    resources: &'t Map<String, Value>,
    parameters: Map<String, Value>,
    mappings: Map<String, Value>,
    conditions: Map<String, Value>,
    params: &'t BTreeMap<String, String>,
    /// Placeholders met while resolving the current value: (token, reason).
    found: Vec<(String, String)>,
}

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::NotificationARNs",
];

impl Resolver<'_> {
    fn placeholder(&mut self, token: String, reason: String) -> Value {
        self.found.push((token.clone(), reason));
        Value::String(token)
    }

    fn resource_type(&self, logical: &str) -> Option<&str> {
        self.resources.get(logical)?.get("Type")?.as_str()
    }

    fn prop(&self, logical: &str, key: &str) -> Option<&Value> {
        self.resources.get(logical)?.get("Properties")?.get(key)
    }

    /// The name of a template IAM resource (its name property, else `${Ref:Logical}`).
    fn iam_name(&mut self, logical: &str, key: &str) -> String {
        let raw = self.prop(logical, key).cloned();
        match raw.map(|v| self.resolve(&v)) {
            Some(Some(Value::String(s))) => s,
            _ => {
                let token = format!("${{Ref:{logical}}}");
                self.placeholder(
                    token.clone(),
                    format!("`{logical}` has no `{key}`: CloudFormation generates the name at deployment"),
                );
                token
            }
        }
    }

    fn iam_path(&mut self, logical: &str) -> String {
        let raw = self.prop(logical, "Path").cloned();
        match raw.map(|v| self.resolve(&v)) {
            Some(Some(Value::String(s))) => s,
            _ => "/".to_string(),
        }
    }

    fn pseudo(&mut self, name: &str) -> String {
        match self.params.get(name) {
            Some(v) => v.clone(),
            None => str_of(&self.placeholder(
                format!("${{Ref:{name}}}"),
                format!("pseudo parameter `{name}` is only known at deployment (give it with `--param {name}=VALUE`)"),
            )),
        }
    }

    /// The ARN of a template IAM resource of kind user, role, group or policy.
    fn iam_arn(&mut self, logical: &str) -> Option<String> {
        let (kind, name_key) = match self.resource_type(logical)? {
            "AWS::IAM::Role" => ("role", "RoleName"),
            "AWS::IAM::User" => ("user", "UserName"),
            "AWS::IAM::Group" => ("group", "GroupName"),
            "AWS::IAM::ManagedPolicy" => ("policy", "ManagedPolicyName"),
            _ => return None,
        };
        let name = self.iam_name(logical, name_key);
        let path = self.iam_path(logical);
        let partition = self.pseudo("AWS::Partition");
        let account = self.pseudo("AWS::AccountId");
        Some(format!("arn:{partition}:iam::{account}:{kind}{path}{name}"))
    }

    fn reference(&mut self, name: &str) -> Option<Value> {
        if name == "AWS::NoValue" {
            return None;
        }
        if let Some(v) = self.params.get(name) {
            return Some(Value::String(v.clone()));
        }
        if PSEUDO.contains(&name) {
            return Some(Value::String(self.pseudo(name)));
        }
        if let Some(p) = self.parameters.get(name).cloned() {
            let list = p
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
            return Some(match p.get("Default") {
                Some(d) => {
                    let s = scalar_string(d);
                    if list {
                        Value::Array(
                            s.split(',')
                                .map(|x| Value::String(x.trim().to_string()))
                                .collect(),
                        )
                    } else {
                        Value::String(s)
                    }
                }
                None => self.placeholder(
                    format!("${{Ref:{name}}}"),
                    format!("parameter `{name}` has no default (give it with `--param {name}=VALUE`)"),
                ),
            });
        }
        match self.resource_type(name) {
            Some("AWS::IAM::Role") => Some(Value::String(self.iam_name(name, "RoleName"))),
            Some("AWS::IAM::User") => Some(Value::String(self.iam_name(name, "UserName"))),
            Some("AWS::IAM::Group") => Some(Value::String(self.iam_name(name, "GroupName"))),
            Some("AWS::IAM::ManagedPolicy") => self.iam_arn(name).map(Value::String),
            Some(t) => {
                let t = t.to_string();
                Some(self.placeholder(
                    format!("${{Ref:{name}}}"),
                    format!("`Ref` of the `{t}` resource `{name}` is only known at deployment"),
                ))
            }
            None => Some(self.placeholder(
                format!("${{Ref:{name}}}"),
                format!("`{name}` is neither a parameter nor a resource of the template"),
            )),
        }
    }

    fn get_att(&mut self, logical: &str, attr: &str) -> Value {
        let arn_attr = matches!(
            (self.resource_type(logical), attr),
            (
                Some("AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group"),
                "Arn"
            ) | (Some("AWS::IAM::ManagedPolicy"), "PolicyArn")
        );
        if arn_attr {
            if let Some(arn) = self.iam_arn(logical) {
                return Value::String(arn);
            }
        }
        if self.resource_type(logical) == Some("AWS::IAM::Role") && attr == "RoleName" {
            return Value::String(self.iam_name(logical, "RoleName"));
        }
        self.placeholder(
            format!("${{GetAtt:{logical}.{attr}}}"),
            format!("`Fn::GetAtt` `{logical}.{attr}` is only known at deployment"),
        )
    }

    /// Evaluates a condition; None when it depends on values only known at deployment.
    fn condition(&mut self, v: &Value, depth: usize) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        if let Some(name) = v.as_str() {
            let c = self.conditions.get(name).cloned()?;
            return self.condition(&c, depth + 1);
        }
        let (f, arg) = single(v)?;
        let args = arg.as_array();
        match f {
            "Condition" => {
                let c = self.conditions.get(arg.as_str()?).cloned()?;
                self.condition(&c, depth + 1)
            }
            "Fn::Equals" => {
                let args = args?;
                let before = self.found.len();
                let a = self.resolve(args.first()?)?;
                let b = self.resolve(args.get(1)?)?;
                if self.found.len() > before {
                    self.found.truncate(before);
                    return None;
                }
                Some(scalar_string(&a) == scalar_string(&b))
            }
            "Fn::Not" => self.condition(args?.first()?, depth + 1).map(|b| !b),
            "Fn::And" => {
                let mut all = Some(true);
                for a in args? {
                    match self.condition(a, depth + 1) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            "Fn::Or" => {
                let mut any = Some(false);
                for a in args? {
                    match self.condition(a, depth + 1) {
                        Some(true) => return Some(true),
                        None => any = None,
                        Some(false) => {}
                    }
                }
                any
            }
            _ => None,
        }
    }

    /// Resolves intrinsic functions in a value. None means `AWS::NoValue` (the element is removed).
    fn resolve(&mut self, v: &Value) -> Option<Value> {
        self.resolve_depth(v, 0)
    }

    fn resolve_depth(&mut self, v: &Value, depth: usize) -> Option<Value> {
        if depth > 64 {
            return Some(Value::Null);
        }
        match v {
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|i| self.resolve_depth(i, depth + 1))
                    .collect(),
            )),
            Value::Object(map) => {
                if let Some((f, arg)) = single(v) {
                    if f == "Ref" || f.starts_with("Fn::") {
                        return self.intrinsic(f, arg, depth);
                    }
                }
                let mut out = Map::new();
                for (k, x) in map {
                    if let Some(r) = self.resolve_depth(x, depth + 1) {
                        out.insert(k.clone(), r);
                    }
                }
                Some(Value::Object(out))
            }
            other => Some(other.clone()),
        }
    }

    fn intrinsic(&mut self, f: &str, arg: &Value, depth: usize) -> Option<Value> {
        match f {
            "Ref" => match arg.as_str() {
                Some(name) => self.reference(name),
                None => Some(Value::Null),
            },
            "Fn::GetAtt" => {
                let (a, b) = match arg {
                    Value::Array(x) => (
                        x.first().and_then(Value::as_str).unwrap_or("").to_string(),
                        x.get(1)
                            .map(|v| str_of(&self.resolve(v).unwrap_or(Value::Null)))
                            .unwrap_or_default(),
                    ),
                    Value::String(s) => {
                        let (a, b) = s.split_once('.').unwrap_or((s, ""));
                        (a.to_string(), b.to_string())
                    }
                    _ => (String::new(), String::new()),
                };
                Some(self.get_att(&a, &b))
            }
            "Fn::Sub" => {
                let (template, vars) = match arg {
                    Value::Array(x) => (
                        x.first().and_then(Value::as_str).unwrap_or("").to_string(),
                        x.get(1).and_then(Value::as_object).cloned().unwrap_or_default(),
                    ),
                    Value::String(s) => (s.clone(), Map::new()),
                    _ => (String::new(), Map::new()),
                };
                Some(Value::String(self.sub(&template, &vars, depth)))
            }
            "Fn::Join" => {
                let x = arg.as_array()?;
                let delim = x.first().and_then(Value::as_str).unwrap_or("").to_string();
                let list = self.resolve_depth(x.get(1)?, depth + 1)?;
                let parts: Vec<String> = match list {
                    Value::Array(items) => items.iter().map(str_of).collect(),
                    other => vec![str_of(&other)],
                };
                Some(Value::String(parts.join(&delim)))
            }
            "Fn::Select" => {
                let x = arg.as_array()?;
                let index = self
                    .resolve_depth(x.first()?, depth + 1)
                    .map(|i| scalar_string(&i))
                    .and_then(|s| s.parse::<usize>().ok());
                let list = self.resolve_depth(x.get(1)?, depth + 1)?;
                match (index, list) {
                    (Some(i), Value::Array(items)) if i < items.len() => items.get(i).cloned(),
                    _ => Some(self.placeholder(
                        "${Fn::Select}".to_string(),
                        "`Fn::Select` on a list only known at deployment".to_string(),
                    )),
                }
            }
            "Fn::Split" => {
                let x = arg.as_array()?;
                let delim = x.first().and_then(Value::as_str).unwrap_or(",").to_string();
                let s = str_of(&self.resolve_depth(x.get(1)?, depth + 1)?);
                if delim.is_empty() {
                    return Some(Value::Array(vec![Value::String(s)]));
                }
                Some(Value::Array(
                    s.split(delim.as_str())
                        .map(|p| Value::String(p.to_string()))
                        .collect(),
                ))
            }
            "Fn::If" => {
                let x = arg.as_array()?;
                let name = x.first().and_then(Value::as_str).unwrap_or("").to_string();
                let branch = match self.condition(&Value::String(name.clone()), 0) {
                    Some(true) => x.get(1),
                    Some(false) => x.get(2),
                    None => {
                        self.found.push((
                            format!("${{If:{name}}}"),
                            format!(
                                "condition `{name}` cannot be evaluated offline: its true branch was used"
                            ),
                        ));
                        x.get(1)
                    }
                };
                self.resolve_depth(branch?, depth + 1)
            }
            "Fn::FindInMap" => {
                let x = arg.as_array()?;
                let keys: Vec<String> = x
                    .iter()
                    .take(3)
                    .map(|k| str_of(&self.resolve_depth(k, depth + 1).unwrap_or(Value::Null)))
                    .collect();
                let found = match keys.as_slice() {
                    [m, a, b] => self
                        .mappings
                        .get(m)
                        .and_then(|m| m.get(a))
                        .and_then(|m| m.get(b))
                        .cloned(),
                    _ => None,
                };
                match found {
                    Some(v) => Some(v),
                    None => Some(self.placeholder(
                        format!("${{FindInMap:{}}}", keys.join(".")),
                        "`Fn::FindInMap` with keys only known at deployment".to_string(),
                    )),
                }
            }
            "Fn::ImportValue" => {
                let name = str_of(&self.resolve_depth(arg, depth + 1).unwrap_or(Value::Null));
                Some(self.placeholder(
                    format!("${{ImportValue:{name}}}"),
                    format!("`Fn::ImportValue` `{name}` is an export of another stack"),
                ))
            }
            other => {
                let other = other.to_string();
                Some(self.placeholder(
                    format!("${{{other}}}"),
                    format!("`{other}` is only evaluated at deployment"),
                ))
            }
        }
    }

    fn sub(&mut self, template: &str, vars: &Map<String, Value>, depth: usize) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(start..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str(&format!("${{{lit}}}"));
                continue;
            }
            let value = if let Some(v) = vars.get(name) {
                self.resolve_depth(v, depth + 1).unwrap_or(Value::Null)
            } else if let Some((a, b)) = name.split_once('.').filter(|_| !name.starts_with("AWS::")) {
                self.get_att(a, b)
            } else if name.contains(':') && !name.starts_with("AWS::") {
                // An IAM policy variable written without `!`: keep it as AWS would see it.
                Value::String(format!("${{{name}}}"))
            } else {
                self.reference(name).unwrap_or(Value::String(String::new()))
            };
            out.push_str(&str_of(&value));
        }
        out.push_str(rest);
        out
    }
}

/// The only member of a one-member object.
fn single(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    m.iter().next().map(|(k, v)| (k.as_str(), v))
}

fn scalar_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn str_of(v: &Value) -> String {
    match v {
        Value::Array(items) => items.iter().map(str_of).collect::<Vec<_>>().join(","),
        other => scalar_string(other),
    }
}

/// Where a policy attaches: a template resource by logical id, or a principal outside the template by name.
enum Target {
    Logical(String),
    Named(PrincipalKind, String),
}

/// Loads a template already converted to JSON.
pub(crate) fn load_json(cx: &mut Ctx<'_>, value: Value, options: &LoadOptions) {
    let empty = Map::new();
    let resources = value
        .get("Resources")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let section = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut r = Resolver {
        resources,
        parameters: section("Parameters"),
        mappings: section("Mappings"),
        conditions: section("Conditions"),
        params: &options.params,
        found: Vec::new(),
    };
    let res_path = JsonPath::root().key("Resources");
    let mut logicals: Vec<&String> = resources.keys().collect();
    logicals.sort();

    // Principals defined by the template, by logical id; those only named, by (kind, name).
    let mut defined: BTreeMap<String, Principal> = BTreeMap::new();
    let mut external: BTreeMap<(PrincipalKind, String), Principal> = BTreeMap::new();
    // Managed policies of the template: logical id → (ARN, document).
    let mut managed: BTreeMap<String, (String, Option<PolicyDocument>)> = BTreeMap::new();
    let mut managed_used: BTreeMap<String, bool> = BTreeMap::new();
    // (target, document) for inline policies, (target, policy logical) for attachments.
    let mut inline: Vec<(Target, PolicyDocument)> = Vec::new();
    let mut attach: Vec<(Target, String)> = Vec::new();
    let mut memberships: Vec<(Target, Target)> = Vec::new();

    let mut active: Vec<&String> = Vec::new();
    for logical in &logicals {
        let res = resources.get(*logical).unwrap_or(&Value::Null);
        if let Some(cond) = res.get("Condition").and_then(Value::as_str) {
            match r.condition(&Value::String(cond.to_string()), 0) {
                Some(false) => continue,
                Some(true) => {}
                None => r.found.push((
                    format!("${{If:{cond}}}"),
                    format!("condition `{cond}` of `{logical}` cannot be evaluated offline: the resource was kept"),
                )),
            }
        }
        active.push(logical);
    }
    flush(cx, &mut r, &res_path);

    // Managed policies first, so attachments by ARN can find them.
    for logical in &active {
        let ty = r.resource_type(logical).unwrap_or("").to_string();
        if ty != "AWS::IAM::ManagedPolicy" {
            continue;
        }
        let at = res_path.key(logical).key("Properties");
        let arn = r.iam_arn(logical).unwrap_or_default();
        let name = last_part(&arn).to_string();
        let doc = policy_doc(
            cx,
            &mut r,
            logical,
            "PolicyDocument",
            &name,
            Some(arn.clone()),
            &at,
        );
        for (key, kind) in [
            ("Roles", PrincipalKind::Role),
            ("Users", PrincipalKind::User),
            ("Groups", PrincipalKind::Group),
        ] {
            for t in targets(&mut r, logical, key, kind) {
                attach.push((t, logical.to_string()));
            }
        }
        flush(cx, &mut r, &at);
        managed.insert(logical.to_string(), (arn, doc));
    }

    for logical in &active {
        let ty = r.resource_type(logical).unwrap_or("").to_string();
        let at = res_path.key(logical).key("Properties");
        let principal_kind = match ty.as_str() {
            "AWS::IAM::Role" => Some((PrincipalKind::Role, "RoleName")),
            "AWS::IAM::User" => Some((PrincipalKind::User, "UserName")),
            "AWS::IAM::Group" => Some((PrincipalKind::Group, "GroupName")),
            _ => None,
        };
        if let Some((kind, name_key)) = principal_kind {
            let name = r.iam_name(logical, name_key);
            let path = r.iam_path(logical);
            let arn = r.iam_arn(logical).unwrap_or_default();
            let mut p = Principal::new(kind, arn, name, path);
            if let Some(Value::Array(pols)) = r.prop(logical, "Policies").cloned() {
                for (i, pol) in pols.iter().enumerate() {
                    let pat = at.key("Policies").index(i);
                    let Some(pol) = r.resolve(pol) else { continue };
                    let pname = pol.get("PolicyName").map(str_of).unwrap_or_default();
                    match pol.get("PolicyDocument") {
                        Some(d) => {
                            if let Some(doc) =
                                cx.document(&pname, None, &pat.key("PolicyDocument"), d.clone())
                            {
                                p.inline.push(doc);
                            }
                        }
                        None => {
                            cx.error_at(
                                &pat,
                                format!("inline policy `{pname}` of `{logical}` has no `PolicyDocument`"),
                            );
                            cx.skipped += 1;
                        }
                    }
                }
            }
            if let Some(raw) = r.prop(logical, "ManagedPolicyArns").cloned() {
                for (raw_item, resolved) in list_items(&mut r, &raw) {
                    match managed_logical(&r, &raw_item, &resolved, &managed) {
                        Some(m) => attach.push((Target::Logical(logical.to_string()), m)),
                        None => p.unresolved.push(resolved),
                    }
                }
            }
            if let Some(raw) = r.prop(logical, "PermissionsBoundary").cloned() {
                if let Some(resolved) = r.resolve(&raw).map(|v| str_of(&v)) {
                    match managed_logical(&r, &raw, &resolved, &managed) {
                        Some(m) => {
                            managed_used.insert(m.clone(), true);
                            p.boundary = managed.get(&m).and_then(|(_, d)| d.clone());
                        }
                        None => p.unresolved.push(resolved),
                    }
                }
            }
            if kind == PrincipalKind::Role {
                if let Some(raw) = r.prop(logical, "AssumeRolePolicyDocument").cloned() {
                    if let Some(d) = r.resolve(&raw) {
                        p.trust = cx.document("trust", None, &at.key("AssumeRolePolicyDocument"), d);
                    }
                }
            }
            if kind == PrincipalKind::User {
                for t in targets(&mut r, logical, "Groups", PrincipalKind::Group) {
                    memberships.push((Target::Logical(logical.to_string()), t));
                }
            }
            flush(cx, &mut r, &at);
            defined.insert(logical.to_string(), p);
            continue;
        }
        match ty.as_str() {
            "AWS::IAM::Policy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy" => {
                let name = r
                    .prop(logical, "PolicyName")
                    .cloned()
                    .and_then(|v| r.resolve(&v))
                    .map_or_else(|| logical.to_string(), |v| str_of(&v));
                let doc = policy_doc(cx, &mut r, logical, "PolicyDocument", &name, None, &at);
                let mut ts = Vec::new();
                match ty.as_str() {
                    "AWS::IAM::RolePolicy" => {
                        ts.extend(targets(&mut r, logical, "RoleName", PrincipalKind::Role))
                    }
                    "AWS::IAM::UserPolicy" => {
                        ts.extend(targets(&mut r, logical, "UserName", PrincipalKind::User))
                    }
                    "AWS::IAM::GroupPolicy" => {
                        ts.extend(targets(&mut r, logical, "GroupName", PrincipalKind::Group))
                    }
                    _ => {
                        for (key, kind) in [
                            ("Roles", PrincipalKind::Role),
                            ("Users", PrincipalKind::User),
                            ("Groups", PrincipalKind::Group),
                        ] {
                            ts.extend(targets(&mut r, logical, key, kind));
                        }
                    }
                }
                if let Some(doc) = doc {
                    if ts.is_empty() {
                        cx.snap.policies.push(doc);
                    } else {
                        for t in ts {
                            inline.push((t, doc.clone()));
                        }
                    }
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let groups = targets(&mut r, logical, "GroupName", PrincipalKind::Group);
                let users = targets(&mut r, logical, "Users", PrincipalKind::User);
                for g in &groups {
                    for u in &users {
                        memberships.push((clone_target(u), clone_target(g)));
                    }
                }
            }
            "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                if let Some(doc) = policy_doc(cx, &mut r, logical, "PolicyDocument", logical, None, &at) {
                    cx.snap.resource_policies.push(doc);
                }
            }
            "AWS::KMS::Key" => {
                if let Some(doc) = policy_doc(cx, &mut r, logical, "KeyPolicy", logical, None, &at) {
                    cx.snap.resource_policies.push(doc);
                }
            }
            _ => {}
        }
        flush(cx, &mut r, &at);
    }

    // Wire inline policies, attachments and memberships to principals.
    let partition = r.pseudo("AWS::Partition");
    let account = r.pseudo("AWS::AccountId");
    flush(cx, &mut r, &res_path);
    let mut book = Book {
        defined: &mut defined,
        external: &mut external,
        partition,
        account,
    };
    for (t, doc) in inline {
        if let Some(p) = book.get(&t) {
            p.inline.push(doc);
        }
    }
    for (t, m) in attach {
        managed_used.insert(m.clone(), true);
        let doc = managed.get(&m).and_then(|(_, d)| d.clone());
        if let (Some(p), Some(doc)) = (book.get(&t), doc) {
            p.attached.push(doc);
        }
    }
    for (u, g) in memberships {
        let garn = book.get(&g).map(|p| p.arn.clone());
        if let (Some(garn), Some(p)) = (garn, book.get(&u)) {
            p.groups.push(garn);
        }
    }
    for (logical, (_, doc)) in managed {
        if !managed_used.contains_key(&logical) {
            if let Some(doc) = doc {
                cx.snap.policies.push(doc);
            }
        }
    }
    cx.snap.principals.extend(defined.into_values());
    cx.snap.principals.extend(external.into_values());
}

/// The principals of a template, and those it only names (created on first use).
struct Book<'a> {
    defined: &'a mut BTreeMap<String, Principal>,
    external: &'a mut BTreeMap<(PrincipalKind, String), Principal>,
    partition: String,
    account: String,
}

impl Book<'_> {
    fn get(&mut self, t: &Target) -> Option<&mut Principal> {
        match t {
            Target::Logical(l) => self.defined.get_mut(l),
            Target::Named(kind, name) => {
                let arn = format!(
                    "arn:{}:iam::{}:{}/{name}",
                    self.partition,
                    self.account,
                    kind.arn_type()
                );
                Some(
                    self.external
                        .entry((*kind, name.clone()))
                        .or_insert_with(|| Principal::new(*kind, arn, name.clone(), "/".to_string())),
                )
            }
        }
    }
}

fn clone_target(t: &Target) -> Target {
    match t {
        Target::Logical(l) => Target::Logical(l.clone()),
        Target::Named(k, n) => Target::Named(*k, n.clone()),
    }
}

/// Moves the placeholders found while resolving into the snapshot, at `at`.
fn flush(cx: &mut Ctx<'_>, r: &mut Resolver<'_>, at: &JsonPath) {
    for (token, reason) in std::mem::take(&mut r.found) {
        cx.placeholder(&token, reason, at);
    }
}

/// Resolves and validates the policy document in property `key` of a resource.
fn policy_doc(
    cx: &mut Ctx<'_>,
    r: &mut Resolver<'_>,
    logical: &str,
    key: &str,
    name: &str,
    arn: Option<String>,
    at: &JsonPath,
) -> Option<PolicyDocument> {
    let Some(raw) = r.prop(logical, key).cloned() else {
        cx.error_at(&at.key(key), format!("`{logical}` has no `{key}`"));
        cx.skipped += 1;
        return None;
    };
    let doc = r.resolve(&raw)?;
    flush(cx, r, at);
    cx.document(name, arn, &at.key(key), doc)
}

/// The items of a list property, raw and resolved to strings.
fn list_items(r: &mut Resolver<'_>, raw: &Value) -> Vec<(Value, String)> {
    match raw {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| r.resolve(i).map(|v| (i.clone(), str_of(&v))))
            .collect(),
        other => match r.resolve(other) {
            Some(Value::Array(items)) => items.iter().map(|v| (v.clone(), str_of(v))).collect(),
            Some(v) => vec![(other.clone(), str_of(&v))],
            None => Vec::new(),
        },
    }
}

/// The targets named by a property (a name, a list of names, `Ref`s to template resources).
fn targets(r: &mut Resolver<'_>, logical: &str, key: &str, kind: PrincipalKind) -> Vec<Target> {
    let Some(raw) = r.prop(logical, key).cloned() else {
        return Vec::new();
    };
    let want = match kind {
        PrincipalKind::Role => "AWS::IAM::Role",
        PrincipalKind::User => "AWS::IAM::User",
        PrincipalKind::Group => "AWS::IAM::Group",
    };
    let mut out = Vec::new();
    for (item, name) in list_items(r, &raw) {
        let by_ref = item
            .get("Ref")
            .and_then(Value::as_str)
            .filter(|l| r.resource_type(l) == Some(want))
            .map(str::to_string);
        if let Some(l) = by_ref {
            out.push(Target::Logical(l));
            continue;
        }
        // A name: a template resource with that name, else a principal outside the template.
        let name_key = match kind {
            PrincipalKind::Role => "RoleName",
            PrincipalKind::User => "UserName",
            PrincipalKind::Group => "GroupName",
        };
        let logicals: Vec<String> = r
            .resources
            .iter()
            .filter(|(_, v)| v.get("Type").and_then(Value::as_str) == Some(want))
            .map(|(k, _)| k.clone())
            .collect();
        let found = logicals.into_iter().find(|l| {
            r.prop(l, name_key)
                .and_then(Value::as_str)
                .is_some_and(|n| n == name)
        });
        match found {
            Some(l) => out.push(Target::Logical(l)),
            None => out.push(Target::Named(kind, name)),
        }
    }
    out
}

/// The template managed policy an ARN (raw `Ref`/`GetAtt` or resolved string) points to.
fn managed_logical(
    r: &Resolver<'_>,
    raw: &Value,
    resolved: &str,
    managed: &BTreeMap<String, (String, Option<PolicyDocument>)>,
) -> Option<String> {
    if let Some(l) = raw.get("Ref").and_then(Value::as_str) {
        if managed.contains_key(l) {
            return Some(l.to_string());
        }
    }
    if let Some(Value::Array(x)) = raw.get("Fn::GetAtt") {
        if let Some(l) = x.first().and_then(Value::as_str) {
            if managed.contains_key(l) && r.resource_type(l) == Some("AWS::IAM::ManagedPolicy") {
                return Some(l.to_string());
            }
        }
    }
    managed
        .iter()
        .find(|(_, (arn, _))| arn == resolved)
        .map(|(l, _)| l.clone())
}

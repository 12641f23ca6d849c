//! Terraform plan JSON (`terraform show -json plan.out`, also a state shown with `terraform show -json`).
//!
//! Resources are read from `resource_changes` (their `after` values, with `after_unknown` telling which values
//! are only known after apply), `planned_values` and `prior_state` (data sources read during planning),
//! child modules included; resources planned for deletion are left out. Types read: `aws_iam_role`
//! (`inline_policy` blocks, `assume_role_policy`, `permissions_boundary`, `managed_policy_arns`, `path`),
//! `aws_iam_user`, `aws_iam_group`, `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`,
//! `aws_iam_group_policy`, the `*_policy_attachment` resources, `aws_iam_policy_attachment`, group
//! memberships, `aws_iam_policy_document` data sources (their rendered `json`, or the document rendered from
//! their `statement` blocks when `json` is only known after apply), and the resource policies
//! `aws_s3_bucket_policy`, `aws_sqs_queue_policy`, `aws_sns_topic_policy`, `aws_kms_key`.
//!
//! A value known only after apply becomes a placeholder named after what it refers to in the configuration,
//! e.g. `${terraform:aws_s3_bucket.data.arn}`; the account of ARNs built for new principals comes from any
//! known IAM ARN or `aws_caller_identity` in the plan, else `--param AWS::AccountId=…`, else
//! `${terraform:account_id}`.

use crate::auth_details::last_part;
use crate::locate::JsonPath;
use crate::snapshot::{PolicyDocument, Principal, PrincipalKind};
use crate::{Ctx, LoadOptions};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One resource instance with its values.
#[derive(Debug, Clone)]
struct Res {
    address: String,
    /// `module.a.module.b.` or empty.
    module: String,
    mode: String,
    ty: String,
    name: String,
    values: Map<String, Value>,
    unknown: Value,
    path: JsonPath,
}

impl Res {
    /// The configuration address: module path plus `type.name` (no instance key).
    fn config_address(&self) -> String {
        let prefix = if self.mode == "data" { "data." } else { "" };
        format!("{}{prefix}{}.{}", self.module, self.ty, self.name)
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(Value::as_str)
    }
}

/// An attribute value: known, only known after apply (placeholder token and the address it refers to), or absent.
enum Attr {
    Known(Value),
    Unknown { token: String, target: Option<String> },
    Absent,
}

struct Plan {
    resources: Vec<Res>,
    /// Configuration address → expressions.
    config: BTreeMap<String, Value>,
    account: String,
    partition: String,
}

impl Plan {
    fn attr(&self, r: &Res, key: &str) -> Attr {
        match r.values.get(key) {
            Some(v) if !v.is_null() => return Attr::Known(v.clone()),
            _ => {}
        }
        if r.unknown.get(key).is_some_and(|u| u == &Value::Bool(true)) {
            let refs = self.references(r, &[key]);
            let (token, target) = self.token_for(r, key, &refs);
            return Attr::Unknown { token, target };
        }
        Attr::Absent
    }

    /// The configuration references of an expression (path of keys/indices inside `expressions`).
    fn references(&self, r: &Res, path: &[&str]) -> Vec<String> {
        let mut v = match self.config.get(&r.config_address()) {
            Some(v) => v,
            None => return Vec::new(),
        };
        for p in path {
            v = match p.parse::<usize>() {
                Ok(i) => match v.get(i) {
                    Some(x) => x,
                    None => return Vec::new(),
                },
                Err(_) => match v.get(*p) {
                    Some(x) => x,
                    None => return Vec::new(),
                },
            };
        }
        v.get("references")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| format!("{}{s}", r.module))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The placeholder token for an unknown value and the resource address it refers to.
    fn token_for(&self, r: &Res, key: &str, refs: &[String]) -> (String, Option<String>) {
        // References come most specific first: `aws_iam_policy.app.arn`, then `aws_iam_policy.app`.
        let with_attr = refs.iter().find(|s| {
            let parts = s.trim_start_matches(&r.module).split('.').count();
            let data = s.trim_start_matches(&r.module).starts_with("data.");
            parts >= if data { 4 } else { 3 }
        });
        match with_attr.or(refs.first()) {
            Some(reference) => {
                let target = self.resolve_address(reference);
                (format!("${{terraform:{reference}}}"), target)
            }
            None => (format!("${{terraform:{}.{key}}}", r.address), None),
        }
    }

    /// The address of the resource a reference (`module.m.aws_iam_policy.app.arn`) points to.
    fn resolve_address(&self, reference: &str) -> Option<String> {
        self.resources
            .iter()
            .filter(|r| {
                let base = r.config_address();
                reference == base
                    || reference.starts_with(&format!("{base}."))
                    || reference.starts_with(&format!("{base}["))
            })
            .map(|r| r.address.clone())
            .next()
    }

    fn by_address(&self, address: &str) -> Option<&Res> {
        self.resources.iter().find(|r| r.address == address)
    }

    fn arn_of(&self, r: &Res, kind: &str) -> String {
        if let Some(arn) = r.str("arn") {
            return arn.to_string();
        }
        let path = r.str("path").unwrap_or("/");
        let name = match r.str("name") {
            Some(n) => n.to_string(),
            None => format!("${{terraform:{}.name}}", r.address),
        };
        format!("arn:{}:iam::{}:{kind}{path}{name}", self.partition, self.account)
    }
}

fn collect_module(module: &Value, prefix: &str, path: JsonPath, out: &mut Vec<Res>) {
    for (i, r) in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        out.push(Res {
            address: field("address"),
            module: prefix.to_string(),
            mode: field("mode"),
            ty: field("type"),
            name: field("name"),
            values: r
                .get("values")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            unknown: Value::Null,
            path: path.key("resources").index(i).key("values"),
        });
    }
    for (i, child) in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let addr = child.get("address").and_then(Value::as_str).unwrap_or("");
        collect_module(
            child,
            &format!("{addr}."),
            path.key("child_modules").index(i),
            out,
        );
    }
}

fn collect_config(module: &Value, prefix: &str, out: &mut BTreeMap<String, Value>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(a) = r.get("address").and_then(Value::as_str) {
            out.insert(
                format!("{prefix}{a}"),
                r.get("expressions").cloned().unwrap_or(Value::Null),
            );
        }
    }
    if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                collect_config(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

/// The module prefix of an address (`module.a.aws_iam_role.x[0]` → `module.a.`).
fn module_prefix(address: &str) -> String {
    let mut prefix = String::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').unwrap_or(after.len());
        let name = after.get(..end).unwrap_or("");
        prefix.push_str(&format!("module.{name}."));
        rest = after.get(end + 1..).unwrap_or("");
    }
    prefix
}

pub(crate) fn load(cx: &mut Ctx<'_>, value: &Value, options: &LoadOptions) {
    let root = JsonPath::root();
    let mut by_address: BTreeMap<String, Res> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut put = |r: Res, by: &mut BTreeMap<String, Res>| {
        if !by.contains_key(&r.address) {
            order.push(r.address.clone());
        }
        by.insert(r.address.clone(), r);
    };
    let mut layers: Vec<Res> = Vec::new();
    if let Some(m) = value
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        collect_module(
            m,
            "",
            root.key("prior_state").key("values").key("root_module"),
            &mut layers,
        );
    }
    if let Some(m) = value.get("values").and_then(|v| v.get("root_module")) {
        collect_module(m, "", root.key("values").key("root_module"), &mut layers);
    }
    if let Some(m) = value.get("planned_values").and_then(|v| v.get("root_module")) {
        collect_module(m, "", root.key("planned_values").key("root_module"), &mut layers);
    }
    for r in layers {
        put(r, &mut by_address);
    }
    for (i, rc) in value
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = |k: &str| rc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let address = field("address");
        let change = rc.get("change").unwrap_or(&Value::Null);
        let actions: Vec<&str> = change
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if actions == ["delete"] || change.get("after").is_none_or(Value::is_null) {
            by_address.remove(&address);
            continue;
        }
        let module = rc
            .get("module_address")
            .and_then(Value::as_str)
            .map_or_else(|| module_prefix(&address), |m| format!("{m}."));
        put(
            Res {
                address: address.clone(),
                module,
                mode: field("mode"),
                ty: field("type"),
                name: field("name"),
                values: change
                    .get("after")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                unknown: change.get("after_unknown").cloned().unwrap_or(Value::Null),
                path: root.key("resource_changes").index(i).key("change").key("after"),
            },
            &mut by_address,
        );
    }
    let resources: Vec<Res> = order.iter().filter_map(|a| by_address.get(a).cloned()).collect();
    let mut config = BTreeMap::new();
    if let Some(m) = value.get("configuration").and_then(|c| c.get("root_module")) {
        collect_config(m, "", &mut config);
    }

    // The account: a parameter, any known IAM ARN, or aws_caller_identity.
    let account = options
        .params
        .get("AWS::AccountId")
        .or_else(|| options.params.get("account_id"))
        .cloned()
        .or_else(|| {
            resources.iter().find_map(|r| {
                if r.ty == "aws_caller_identity" {
                    return r.str("account_id").map(str::to_string);
                }
                let arn = r.str("arn")?;
                let parts: Vec<&str> = arn.splitn(6, ':').collect();
                match parts.as_slice() {
                    [_, _, "iam", _, acct, _]
                        if acct.chars().all(|c| c.is_ascii_digit()) && !acct.is_empty() =>
                    {
                        Some((*acct).to_string())
                    }
                    _ => None,
                }
            })
        });
    let account = match account {
        Some(a) => a,
        None => {
            let needed = resources.iter().any(|r| {
                matches!(
                    r.ty.as_str(),
                    "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy"
                ) && r.str("arn").is_none()
            });
            if needed {
                cx.placeholder(
                    "${terraform:account_id}",
                    "the account of resources created by the plan is only known after apply (give it with \
                     `--param AWS::AccountId=VALUE`)"
                        .to_string(),
                    &root,
                );
            }
            "${terraform:account_id}".to_string()
        }
    };
    let partition = options
        .params
        .get("AWS::Partition")
        .cloned()
        .unwrap_or_else(|| "aws".to_string());
    let plan = Plan {
        resources,
        config,
        account,
        partition,
    };
    Loader {
        plan: &plan,
        principals: BTreeMap::new(),
        managed: BTreeMap::new(),
    }
    .run(cx);
}

struct Loader<'p> {
    plan: &'p Plan,
    /// (kind, name) → principal; name may be a placeholder.
    principals: BTreeMap<(PrincipalKind, String), Principal>,
    /// aws_iam_policy address → (ARN, document, used).
    managed: BTreeMap<String, (String, Option<PolicyDocument>, bool)>,
}

impl Loader<'_> {
    fn run(mut self, cx: &mut Ctx<'_>) {
        let plan = self.plan;
        // Principals and managed policies first.
        for r in plan.resources.iter().filter(|r| r.mode == "managed") {
            let kind = match r.ty.as_str() {
                "aws_iam_role" => PrincipalKind::Role,
                "aws_iam_user" => PrincipalKind::User,
                "aws_iam_group" => PrincipalKind::Group,
                "aws_iam_policy" => {
                    let arn = plan.arn_of(r, "policy");
                    let name = r
                        .str("name")
                        .map_or_else(|| last_part(&arn).to_string(), str::to_string);
                    let doc = self.policy_attr(cx, r, "policy", &name, Some(arn.clone()));
                    self.managed.insert(r.address.clone(), (arn, doc, false));
                    continue;
                }
                _ => continue,
            };
            let name = r
                .str("name")
                .map_or_else(|| format!("${{terraform:{}.name}}", r.address), str::to_string);
            let arn = plan.arn_of(r, kind.arn_type());
            let path = r.str("path").unwrap_or("/").to_string();
            let mut p = Principal::new(kind, arn, name.clone(), path);
            if kind == PrincipalKind::Role {
                p.trust = self.policy_attr(cx, r, "assume_role_policy", "trust", None);
                for (i, block) in r
                    .values
                    .get("inline_policy")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let pname = block
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    if let Some(policy) = block
                        .get("policy")
                        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                    {
                        let at = r.path.key("inline_policy").index(i).key("policy");
                        if let Some(doc) = cx.document(&pname, None, &at, policy.clone()) {
                            p.inline.push(doc);
                        }
                    }
                }
            }
            self.principals.insert((kind, name), p);
        }
        for r in plan.resources.iter().filter(|r| r.mode == "managed") {
            match r.ty.as_str() {
                "aws_iam_role" | "aws_iam_user" => {
                    let kind = if r.ty == "aws_iam_role" {
                        PrincipalKind::Role
                    } else {
                        PrincipalKind::User
                    };
                    let target = Attr::Known(Value::String(
                        r.str("name")
                            .map_or_else(|| format!("${{terraform:{}.name}}", r.address), str::to_string),
                    ));
                    let boundary = plan.attr(r, "permissions_boundary");
                    if !matches!(boundary, Attr::Absent) {
                        let (doc, unresolved) = self.managed_doc(cx, r, boundary);
                        if let Some(p) = self.principal(kind, &target) {
                            match (doc, unresolved) {
                                (Some(d), _) => p.boundary = Some(d),
                                (None, Some(u)) => p.unresolved.push(u),
                                _ => {}
                            }
                        }
                    }
                    if kind == PrincipalKind::Role {
                        if let Some(arns) = r.values.get("managed_policy_arns").and_then(Value::as_array) {
                            for a in arns.clone() {
                                let (doc, unresolved) = self.managed_doc(cx, r, Attr::Known(a));
                                self.attach(kind, &target, doc, unresolved);
                            }
                        }
                    }
                }
                "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                    let (kind, key) = match r.ty.as_str() {
                        "aws_iam_role_policy" => (PrincipalKind::Role, "role"),
                        "aws_iam_user_policy" => (PrincipalKind::User, "user"),
                        _ => (PrincipalKind::Group, "group"),
                    };
                    let name = r.str("name").unwrap_or(&r.name).to_string();
                    let doc = self.policy_attr(cx, r, "policy", &name, None);
                    let target = plan.attr(r, key);
                    if let (Some(doc), Some(p)) = (doc, self.principal(kind, &target)) {
                        p.inline.push(doc);
                    }
                }
                "aws_iam_role_policy_attachment"
                | "aws_iam_user_policy_attachment"
                | "aws_iam_group_policy_attachment" => {
                    let (kind, key) = match r.ty.as_str() {
                        "aws_iam_role_policy_attachment" => (PrincipalKind::Role, "role"),
                        "aws_iam_user_policy_attachment" => (PrincipalKind::User, "user"),
                        _ => (PrincipalKind::Group, "group"),
                    };
                    let (doc, unresolved) = self.managed_doc(cx, r, plan.attr(r, "policy_arn"));
                    let target = plan.attr(r, key);
                    self.attach(kind, &target, doc, unresolved);
                }
                "aws_iam_policy_attachment" => {
                    let (doc, unresolved) = self.managed_doc(cx, r, plan.attr(r, "policy_arn"));
                    for (key, kind) in [
                        ("roles", PrincipalKind::Role),
                        ("users", PrincipalKind::User),
                        ("groups", PrincipalKind::Group),
                    ] {
                        for t in list_attr(plan, r, key) {
                            self.attach(kind, &t, doc.clone(), unresolved.clone());
                        }
                    }
                }
                "aws_iam_user_group_membership" => {
                    let user = plan.attr(r, "user");
                    for g in list_attr(plan, r, "groups") {
                        self.member(&user, &g);
                    }
                }
                "aws_iam_group_membership" => {
                    let group = plan.attr(r, "group");
                    for u in list_attr(plan, r, "users") {
                        self.member(&u, &group);
                    }
                }
                "aws_s3_bucket_policy" | "aws_sqs_queue_policy" | "aws_sns_topic_policy" | "aws_kms_key" => {
                    let name = r.address.clone();
                    let key = "policy";
                    if !matches!(plan.attr(r, key), Attr::Absent) {
                        if let Some(doc) = self.policy_attr(cx, r, key, &name, None) {
                            cx.snap.resource_policies.push(doc);
                        }
                    }
                }
                _ => {}
            }
        }
        for (_, (_, doc, used)) in std::mem::take(&mut self.managed) {
            if !used {
                if let Some(doc) = doc {
                    cx.snap.policies.push(doc);
                }
            }
        }
        cx.snap.principals.extend(self.principals.into_values());
    }

    /// The principal a name attribute designates (created, outside the plan, when the plan does not define it).
    fn principal(&mut self, kind: PrincipalKind, target: &Attr) -> Option<&mut Principal> {
        let name = match target {
            Attr::Known(v) => v.as_str()?.to_string(),
            Attr::Unknown { token, target } => {
                match target.as_deref().and_then(|a| self.plan.by_address(a)) {
                    Some(r) => r
                        .str("name")
                        .map_or_else(|| format!("${{terraform:{}.name}}", r.address), str::to_string),
                    None => token.clone(),
                }
            }
            Attr::Absent => return None,
        };
        // A role attribute may hold the role's ARN rather than its name.
        let name = if name.starts_with("arn:") {
            last_part(&name).to_string()
        } else {
            name
        };
        let plan = self.plan;
        Some(self.principals.entry((kind, name.clone())).or_insert_with(|| {
            Principal::new(
                kind,
                format!(
                    "arn:{}:iam::{}:{}/{name}",
                    plan.partition,
                    plan.account,
                    kind.arn_type()
                ),
                name.clone(),
                "/".to_string(),
            )
        }))
    }

    fn attach(
        &mut self,
        kind: PrincipalKind,
        target: &Attr,
        doc: Option<PolicyDocument>,
        unresolved: Option<String>,
    ) {
        if let Some(p) = self.principal(kind, target) {
            match (doc, unresolved) {
                (Some(d), _) => p.attached.push(d),
                (None, Some(u)) => p.unresolved.push(u),
                _ => {}
            }
        }
    }

    fn member(&mut self, user: &Attr, group: &Attr) {
        let Some(garn) = self.principal(PrincipalKind::Group, group).map(|g| g.arn.clone()) else {
            return;
        };
        if let Some(u) = self.principal(PrincipalKind::User, user) {
            u.groups.push(garn);
        }
    }

    /// The managed policy an ARN attribute designates: its document when the plan defines it, else the ARN as
    /// unresolved.
    fn managed_doc(
        &mut self,
        cx: &mut Ctx<'_>,
        r: &Res,
        arn: Attr,
    ) -> (Option<PolicyDocument>, Option<String>) {
        let address = match &arn {
            Attr::Known(v) => {
                let s = v.as_str().unwrap_or("");
                self.managed
                    .iter()
                    .find(|(_, (a, _, _))| a == s)
                    .map(|(k, _)| k.clone())
            }
            Attr::Unknown { target, .. } => target.clone().filter(|t| self.managed.contains_key(t)),
            Attr::Absent => None,
        };
        if let Some(m) = address.and_then(|a| self.managed.get_mut(&a)) {
            m.2 = true;
            return (m.1.clone(), None);
        }
        match arn {
            Attr::Known(v) => (None, v.as_str().map(str::to_string)),
            Attr::Unknown { token, .. } => {
                cx.placeholder(
                    &token,
                    format!("the policy ARN of `{}` is only known after apply", r.address),
                    &r.path,
                );
                (None, Some(token))
            }
            Attr::Absent => (None, None),
        }
    }

    /// A policy JSON attribute: known JSON, or the rendering of the `aws_iam_policy_document` it refers to.
    fn policy_attr(
        &mut self,
        cx: &mut Ctx<'_>,
        r: &Res,
        key: &str,
        name: &str,
        arn: Option<String>,
    ) -> Option<PolicyDocument> {
        let at = r.path.key(key);
        match self.plan.attr(r, key) {
            Attr::Known(v) => {
                if v.as_str() == Some("") {
                    return None;
                }
                cx.document(name, arn, &at, v)
            }
            Attr::Unknown { token, target } => {
                let data = target
                    .as_deref()
                    .and_then(|a| self.plan.by_address(a))
                    .filter(|d| d.ty == "aws_iam_policy_document");
                if let Some(d) = data {
                    if let Some(doc) = render_policy_document(cx, self.plan, d) {
                        return cx.document(name, arn, &d.path, doc);
                    }
                }
                cx.placeholder(
                    &token,
                    format!(
                        "the policy document `{key}` of `{}` is only known after apply: it was left out",
                        r.address
                    ),
                    &at,
                );
                None
            }
            Attr::Absent => None,
        }
    }
}

fn list_attr(plan: &Plan, r: &Res, key: &str) -> Vec<Attr> {
    match plan.attr(r, key) {
        Attr::Known(Value::Array(items)) => {
            let refs = plan.references(r, &[key]);
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    if v.is_null() {
                        let (token, target) = plan.token_for(r, key, refs.get(i..).unwrap_or(&[]));
                        Attr::Unknown { token, target }
                    } else {
                        Attr::Known(v)
                    }
                })
                .collect()
        }
        Attr::Known(v) => vec![Attr::Known(v)],
        u @ Attr::Unknown { .. } => vec![u],
        Attr::Absent => Vec::new(),
    }
}

/// Renders an `aws_iam_policy_document` from its arguments as the AWS provider does (single values as strings),
/// unknown values replaced by placeholders. None when it has no statement blocks to render.
fn render_policy_document(cx: &mut Ctx<'_>, plan: &Plan, d: &Res) -> Option<Value> {
    let statements = d.values.get("statement")?.as_array()?;
    let mut out = Map::new();
    out.insert(
        "Version".into(),
        Value::String(d.str("version").unwrap_or("2012-10-17").to_string()),
    );
    if let Some(id) = d.str("policy_id") {
        out.insert("Id".into(), Value::String(id.to_string()));
    }
    let mut rendered = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let unknown = d
            .unknown
            .get("statement")
            .and_then(|u| u.get(i))
            .cloned()
            .unwrap_or(Value::Null);
        let si = i.to_string();
        let mut st = Map::new();
        if let Some(sid) = s.get("sid").and_then(Value::as_str).filter(|x| !x.is_empty()) {
            st.insert("Sid".into(), Value::String(sid.to_string()));
        }
        st.insert(
            "Effect".into(),
            Value::String(
                s.get("effect")
                    .and_then(Value::as_str)
                    .unwrap_or("Allow")
                    .to_string(),
            ),
        );
        for (key, json_key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            let refs = plan.references(d, &["statement", &si, key]);
            let values = strings_with_unknowns(cx, plan, d, s.get(key), unknown.get(key), &refs);
            if !values.is_empty() {
                st.insert(json_key.into(), one_or_many(values));
            }
        }
        for (key, json_key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let Some(blocks) = s.get(key).and_then(Value::as_array).filter(|b| !b.is_empty()) else {
                continue;
            };
            let mut m = Map::new();
            let mut star = false;
            for b in blocks {
                let ty = b.get("type").and_then(Value::as_str).unwrap_or("AWS").to_string();
                let ids: Vec<String> = b
                    .get("identifiers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if ty == "*" {
                    star = true;
                    continue;
                }
                m.insert(ty, one_or_many(ids));
            }
            st.insert(
                json_key.into(),
                if star && m.is_empty() {
                    Value::String("*".into())
                } else {
                    Value::Object(m)
                },
            );
        }
        if let Some(conds) = s
            .get("condition")
            .and_then(Value::as_array)
            .filter(|c| !c.is_empty())
        {
            let mut m: Map<String, Value> = Map::new();
            for (j, c) in conds.iter().enumerate() {
                let test = c.get("test").and_then(Value::as_str).unwrap_or("").to_string();
                let var = c
                    .get("variable")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let refs = plan.references(d, &["statement", &si, "condition", &j.to_string(), "values"]);
                let cu = unknown
                    .get("condition")
                    .and_then(|u| u.get(j))
                    .and_then(|u| u.get("values"))
                    .cloned();
                let values = strings_with_unknowns(cx, plan, d, c.get("values"), cu.as_ref(), &refs);
                if let Some(Value::Object(op)) = m.get_mut(&test) {
                    op.insert(var, one_or_many(values));
                } else {
                    let mut op = Map::new();
                    op.insert(var, one_or_many(values));
                    m.insert(test, Value::Object(op));
                }
            }
            st.insert("Condition".into(), Value::Object(m));
        }
        rendered.push(Value::Object(st));
    }
    out.insert("Statement".into(), Value::Array(rendered));
    Some(Value::Object(out))
}

/// A list of strings where unknown elements (null in `after`, `true` in `after_unknown`) become placeholders
/// named after the configuration references, in order.
fn strings_with_unknowns(
    cx: &mut Ctx<'_>,
    plan: &Plan,
    d: &Res,
    values: Option<&Value>,
    unknown: Option<&Value>,
    refs: &[String],
) -> Vec<String> {
    let refs: Vec<&String> = refs
        .iter()
        .filter(|s| {
            let rel = s.trim_start_matches(&d.module);
            rel.split('.').count() >= if rel.starts_with("data.") { 4 } else { 3 }
        })
        .collect();
    let mut next_ref = 0;
    let mut token = |cx: &mut Ctx<'_>| {
        let name = match refs.get(next_ref).or(refs.last()) {
            Some(r) => format!("${{terraform:{r}}}"),
            None => format!("${{terraform:{}}}", d.address),
        };
        next_ref += 1;
        cx.placeholder(
            &name,
            format!("a value of `{}` is only known after apply", d.address),
            &d.path,
        );
        name
    };
    let _ = plan;
    if unknown == Some(&Value::Bool(true)) {
        return vec![token(cx)];
    }
    let mut out = Vec::new();
    for (i, v) in values.and_then(Value::as_array).into_iter().flatten().enumerate() {
        match v.as_str() {
            Some(s) => out.push(s.to_string()),
            None => {
                let is_unknown = unknown.and_then(|u| u.get(i)) == Some(&Value::Bool(true)) || v.is_null();
                if is_unknown {
                    out.push(token(cx));
                }
            }
        }
    }
    out
}

fn one_or_many(mut v: Vec<String>) -> Value {
    if v.len() == 1 {
        Value::String(v.remove(0))
    } else {
        Value::Array(v.into_iter().map(Value::String).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_prefixes() {
        assert_eq!(
            module_prefix("module.a.module.b.aws_iam_role.x[0]"),
            "module.a.module.b."
        );
        assert_eq!(module_prefix("aws_iam_role.x"), "");
    }
}

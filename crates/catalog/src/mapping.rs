//! Event → action(s) + resources: the join from a CloudTrail event to the API map and the catalog.
//!
//! Resolution, per (eventSource, eventName), computed once and cached as a [`Plan`]:
//! 1. documented overrides (`overrides.rs`) and calls that need no permission;
//! 2. eventSource → IAM prefix → the map's SDK service names → `"<Sdk>.<eventName>"` (case-insensitive, after
//!    stripping an API-version suffix such as `20150331v2` or `2020_05_31`), every action validated against the
//!    catalog;
//! 3. the catalog's action `<prefix>:<eventName>` when it exists;
//! 4. otherwise unmapped.
//!
//! Per event only the plan's conditions and ARN templates are evaluated.

use crate::event::{EventMapping, EventRef, MappedAction, Provenance};
use crate::overrides::{self, OverrideOutcome};
use crate::template::{self, Scope, Template};
use crate::Catalog;
use serde::Deserialize;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// The parsed API → IAM map and the plan cache.
#[derive(Default)]
pub(crate) struct Mapper {
    /// `"S3.GetObject"` → entries, as the map spells the method.
    methods: HashMap<String, Vec<MapEntry>>,
    /// `"s3.getobject"` → the map's spellings of it, sorted (`Iot.X` and `IoT.X` both occur).
    methods_ci: HashMap<String, Vec<String>>,
    /// IAM prefix → SDK service names.
    sdk_for_prefix: HashMap<String, Vec<String>>,
    /// `"sts.getcalleridentity"`.
    permissionless: HashSet<String>,
    /// eventSource host → IAM prefix.
    event_sources: HashMap<String, String>,
    /// Every IAM action some SDK method maps to, lower-cased (`"s3:getobject"`).
    mapped_actions: HashSet<String>,
    plans: RwLock<HashMap<String, Arc<Plan>, FxBuild>>,
}

#[derive(Deserialize)]
struct RawMap {
    #[serde(default)]
    sdk_permissionless_actions: Vec<String>,
    sdk_method_iam_mappings: HashMap<String, Vec<MapEntry>>,
    #[serde(default)]
    service_sdk_mappings: HashMap<String, Vec<String>>,
    #[serde(default)]
    sdk_service_mappings: HashMap<String, String>,
    #[serde(default)]
    cloudtrail_service_mappings: HashMap<String, String>,
}

#[derive(Deserialize, Clone, Debug)]
pub(crate) struct MapEntry {
    action: String,
    #[serde(default)]
    resource_mappings: BTreeMap<String, RawTemplate>,
    #[serde(default)]
    resourcearn_mappings: BTreeMap<String, String>,
    #[serde(default)]
    arn_override: Option<RawTemplate>,
    #[serde(default)]
    conditions: Option<RawCondition>,
    #[serde(default)]
    notice: Option<String>,
}

#[derive(Deserialize, Clone, Debug)]
struct RawTemplate {
    template: String,
    #[serde(default)]
    conditions: Option<RawCondition>,
}

#[derive(Deserialize, Clone, Debug)]
struct RawCondition {
    lhs: String,
    op: String,
    #[serde(default)]
    rhs: Option<String>,
}

/// What an (eventSource, eventName) pair resolves to, before looking at one event's parameters.
#[derive(Debug)]
pub(crate) enum Plan {
    NoPermission(&'static str),
    Unmapped,
    Mapped(Vec<PlanEntry>),
}

#[derive(Debug)]
pub(crate) struct PlanEntry {
    action: String,
    provenance: Provenance,
    when: When,
    builders: Vec<Builder>,
    /// Resource type names of the action (lower-case), to claim the event's own `resources`.
    resource_type_names: Vec<String>,
    /// ARN templates of the action's resource types, to claim the event's own `resources`.
    resource_type_arns: Vec<String>,
    /// Whether the event's own `resources` may be used for this action (not for implied or secondary actions
    /// whose resource is elsewhere, such as the role of `iam:PassRole`).
    use_event_resources: bool,
}

/// When a plan entry applies to an event.
#[derive(Debug)]
enum When {
    Always,
    /// The map's condition on a request parameter.
    Condition(Condition),
    /// Only when the request has one of these parameters (case-insensitive key anywhere at the top level).
    AnyParam(&'static [&'static str]),
    /// Only when the request has none of these parameters.
    NoParam(&'static [&'static str]),
    /// Only when a resource ARN could be built (`iam:PassRole` needs the role the request names).
    IfResource,
}

#[derive(Debug)]
struct Condition {
    lhs: Template,
    op: String,
    rhs: String,
}

impl Condition {
    fn from_raw(raw: &RawCondition) -> Condition {
        Condition {
            lhs: Template::parse(&format!("${{{}}}", raw.lhs)),
            op: raw.op.clone(),
            rhs: raw.rhs.clone().unwrap_or_default(),
        }
    }

    fn holds(&self, scope: &Scope<'_>) -> bool {
        let values = self.lhs.eval(scope);
        let rhs = self.rhs.as_str();
        match self.op.as_str() {
            "Exists" => !values.is_empty(),
            "NotExists" => values.is_empty(),
            "Equals" => values.iter().any(|v| v == rhs),
            "NotEquals" => values.iter().all(|v| v != rhs),
            "IContains" => {
                let rhs = rhs.to_ascii_lowercase();
                values.iter().any(|v| v.to_ascii_lowercase().contains(&rhs))
            }
            "Contains" => values.iter().any(|v| v.contains(rhs)),
            "StartsWith" => values.iter().any(|v| v.starts_with(rhs)),
            "EndsWith" => values.iter().any(|v| v.ends_with(rhs)),
            "NotEndsWith" => values.iter().all(|v| !v.ends_with(rhs)),
            "NotStartsWith" => values.iter().all(|v| !v.starts_with(rhs)),
            // An operator this version does not know: keep the action (over-reporting beats missing one).
            _ => true,
        }
    }
}

/// Builds the ARNs of one resource type from the event.
#[derive(Debug)]
struct Builder {
    /// The whole ARN (catalog template with variables replaced by map templates, or a map ARN template).
    arn: Template,
    /// The resource type's catalog ARN template (for `%%iftemplatematch%%`).
    resource_template: String,
    /// Conditions on variables (the map's per-variable `conditions`): all must hold.
    conditions: Vec<Condition>,
}

/// At most this many (eventSource, eventName) plans are cached; beyond (only logs with absurd numbers of distinct
/// event names get there) plans are computed per event, so memory stays bounded.
const MAX_PLANS: usize = 100_000;

/// FxHash (as in rustc): the plan cache is hit once per event, and SipHash's flood resistance buys nothing for
/// a cache that is bounded by [`MAX_PLANS`].
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

thread_local! {
    static KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

impl Mapper {
    /// Parses the embedded map; errors are returned for [`Catalog::load_errors`].
    pub(crate) fn load(json: &str) -> (Mapper, Vec<String>) {
        match serde_json::from_str::<RawMap>(json) {
            Ok(raw) => {
                let mut methods_ci: HashMap<String, Vec<String>> = HashMap::new();
                for k in raw.sdk_method_iam_mappings.keys() {
                    methods_ci
                        .entry(k.to_ascii_lowercase())
                        .or_default()
                        .push(k.clone());
                }
                for v in methods_ci.values_mut() {
                    v.sort();
                }
                // IAM prefix → SDK names: `service_sdk_mappings`, completed by the inverse of `sdk_service_mappings`
                // (the former lacks some, e.g. `rds` lists only DocDB and Neptune); the SDK named like the prefix first.
                let mut sdk_for_prefix = raw.service_sdk_mappings;
                let mut inverse: Vec<(&String, &String)> = raw.sdk_service_mappings.iter().collect();
                inverse.sort();
                for (sdk, prefix) in inverse {
                    let list = sdk_for_prefix.entry(prefix.clone()).or_default();
                    if !list.contains(sdk) {
                        list.push(sdk.clone());
                    }
                }
                for (prefix, list) in &mut sdk_for_prefix {
                    let squash = |s: &str| s.replace([' ', '-'], "").to_ascii_lowercase();
                    let p = squash(prefix);
                    list.sort_by_key(|sdk| squash(sdk) != p);
                }
                let mapped_actions = raw
                    .sdk_method_iam_mappings
                    .values()
                    .flatten()
                    .map(|e| e.action.to_ascii_lowercase())
                    .collect();
                let mapper = Mapper {
                    mapped_actions,
                    sdk_for_prefix,
                    methods: raw.sdk_method_iam_mappings,
                    methods_ci,
                    permissionless: raw
                        .sdk_permissionless_actions
                        .iter()
                        .map(|s| s.to_ascii_lowercase())
                        .collect(),
                    event_sources: raw.cloudtrail_service_mappings,
                    plans: RwLock::default(),
                };
                (mapper, Vec::new())
            }
            Err(e) => (Mapper::default(), vec![format!("embedded API map: {e}")]),
        }
    }

    pub(crate) fn event_source_prefix(&self, event_source: &str) -> Option<&str> {
        self.event_sources.get(event_source).map(String::as_str)
    }

    /// A method's entries: the exact spelling first, else case-insensitively (first spelling in sort order).
    fn method(&self, method: &str) -> Option<&[MapEntry]> {
        if let Some(entries) = self.methods.get(method) {
            return Some(entries);
        }
        let spelling = self.methods_ci.get(&method.to_ascii_lowercase())?.first()?;
        self.methods.get(spelling).map(Vec::as_slice)
    }

    pub(crate) fn event_source_count(&self) -> usize {
        self.event_sources.len()
    }

    /// The number of SDK methods in the map.
    pub(crate) fn method_count(&self) -> usize {
        self.methods.len()
    }

    /// Whether some SDK method needs `action` (`prefix:Name`): the map lists it as a method's action, or one of
    /// the prefix's SDK services has a method of the action's name (the catalog's same-name rule).
    pub(crate) fn has_method_for(&self, action: &str) -> bool {
        let lower = action.to_ascii_lowercase();
        if self.mapped_actions.contains(&lower) {
            return true;
        }
        let Some((prefix, name)) = lower.split_once(':') else {
            return false;
        };
        self.sdk_for_prefix.get(prefix).is_some_and(|sdks| {
            sdks.iter().any(|sdk| {
                self.methods_ci
                    .contains_key(&format!("{}.{name}", sdk.to_ascii_lowercase()))
            })
        })
    }
}

/// Strips an API-version suffix: `Invoke20150331` → `Invoke`, `GetFunctionConfiguration20150331v2` →
/// `GetFunctionConfiguration`, `CreateDistribution2020_05_31` → `CreateDistribution` (the semantics of
/// `^(.*?)(\d{8}(v\d+)?|\d{4}_\d{2}_\d{2})$`, without a regex).
pub fn normalize_event_name(name: &str) -> &str {
    let b = name.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // dddd_dd_dd
    if b.len() > 10 {
        let tail = &b[b.len() - 10..];
        if digits(&tail[..4])
            && tail[4] == b'_'
            && digits(&tail[5..7])
            && tail[7] == b'_'
            && digits(&tail[8..])
        {
            return &name[..name.len() - 10];
        }
    }
    // dddddddd(v\d+)?
    let mut end = b.len();
    let trailing = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if trailing > 0 && trailing < end && b[end - trailing - 1] == b'v' {
        end -= trailing + 1;
    }
    if end > 8 && digits(&b[end - 8..end]) {
        // `(.*?)` is lazy, so a longer digit run leaves its extra digits in the name: `Foo123456789` → `Foo1`.
        return &name[..end - 8];
    }
    name
}

impl Catalog {
    /// Maps one CloudTrail event to the IAM action(s) it needed and the resources it touched.
    pub fn map_event(&self, ev: &EventRef<'_>) -> EventMapping {
        match ev.event_type {
            Some("AwsServiceEvent") => {
                return EventMapping::NoPermissionNeeded {
                    reason: "aws service event",
                }
            }
            Some("AwsConsoleSignIn") => {
                return EventMapping::NoPermissionNeeded {
                    reason: "console sign-in",
                }
            }
            _ => {}
        }
        let plan = self.plan(ev.event_source, ev.event_name);
        match &*plan {
            Plan::NoPermission(reason) => EventMapping::NoPermissionNeeded { reason },
            Plan::Unmapped => EventMapping::Unmapped,
            Plan::Mapped(entries) => EventMapping::Mapped(apply(entries, ev)),
        }
    }

    /// How an (eventSource, eventName) pair resolves, ignoring parameters: the provenance of each action.
    /// Useful to audit the mapping; [`Catalog::map_event`] is what replay uses.
    pub fn plan_summary(&self, event_source: &str, event_name: &str) -> EventMapping {
        match &*self.plan(event_source, event_name) {
            Plan::NoPermission(reason) => EventMapping::NoPermissionNeeded { reason },
            Plan::Unmapped => EventMapping::Unmapped,
            Plan::Mapped(entries) => EventMapping::Mapped(
                entries
                    .iter()
                    .map(|e| MappedAction {
                        action: e.action.clone(),
                        provenance: e.provenance,
                        resources: Vec::new(),
                    })
                    .collect(),
            ),
        }
    }

    fn plan(&self, event_source: &str, event_name: &str) -> Arc<Plan> {
        let mapper = self.mapper();
        let cached = KEY.with(|key| {
            let mut key = key.borrow_mut();
            key.clear();
            key.push_str(event_source);
            key.push('\u{0}');
            key.push_str(event_name);
            let plans = mapper.plans.read().unwrap_or_else(|e| e.into_inner());
            plans.get(key.as_str()).cloned()
        });
        if let Some(plan) = cached {
            return plan;
        }
        let plan = Arc::new(self.build_plan(event_source, event_name));
        let mut plans = mapper.plans.write().unwrap_or_else(|e| e.into_inner());
        if plans.len() >= MAX_PLANS {
            return plan;
        }
        plans
            .entry(format!("{event_source}\u{0}{event_name}"))
            .or_insert(plan)
            .clone()
    }

    fn build_plan(&self, event_source: &str, raw_name: &str) -> Plan {
        let name = normalize_event_name(raw_name);
        let Some(prefix) = self.prefix_for_event_source(event_source) else {
            return Plan::Unmapped;
        };
        if let Some(ov) = overrides::find(event_source, name) {
            return match ov.outcome {
                OverrideOutcome::NoPermission(reason) => Plan::NoPermission(reason),
                OverrideOutcome::Actions(actions) => Plan::Mapped(
                    actions
                        .iter()
                        .filter_map(|a| {
                            let info = self.action(a.action)?;
                            let builders = if a.arns.is_empty() {
                                self.catalog_builders(info.full_name, &BTreeMap::new())
                            } else {
                                a.arns
                                    .iter()
                                    .map(|t| Builder {
                                        arn: Template::parse(t),
                                        resource_template: info
                                            .resource_types
                                            .first()
                                            .map(|r| r.arn.clone())
                                            .unwrap_or_default(),
                                        conditions: Vec::new(),
                                    })
                                    .collect()
                            };
                            Some(self.entry(
                                info.full_name,
                                Provenance::Override(ov.id),
                                if a.when_any_param.is_empty() {
                                    When::Always
                                } else {
                                    When::AnyParam(a.when_any_param)
                                },
                                builders,
                                a.use_event_resources,
                            ))
                        })
                        .collect(),
                ),
            };
        }
        let sdks = self
            .mapper()
            .sdk_for_prefix
            .get(prefix)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for sdk in sdks {
            let method = format!("{sdk}.{name}").to_ascii_lowercase();
            if self.mapper().permissionless.contains(&method) {
                return Plan::NoPermission("the call needs no iam permission");
            }
        }
        for sdk in sdks {
            let Some(entries) = self.mapper().method(&format!("{sdk}.{name}")) else {
                continue;
            };
            let plan = self.plan_from_map(name, entries);
            if !plan.is_empty() {
                return Plan::Mapped(plan);
            }
        }
        if let Some(info) = self.action(&format!("{prefix}:{name}")) {
            let builders = self.catalog_builders(info.full_name, &BTreeMap::new());
            return Plan::Mapped(vec![self.entry(
                info.full_name,
                Provenance::CatalogSameName,
                When::Always,
                builders,
                true,
            )]);
        }
        Plan::Unmapped
    }

    fn plan_from_map(&self, name: &str, entries: &[MapEntry]) -> Vec<PlanEntry> {
        // Validate against the catalog; drop actions it does not know (retired or misspelt in the map).
        let valid: Vec<(&MapEntry, crate::ActionInfo<'_>)> = entries
            .iter()
            .filter_map(|e| Some((e, self.action(&e.action)?)))
            .collect();
        let primary = valid
            .iter()
            .position(|(_, info)| info.name.eq_ignore_ascii_case(name))
            .unwrap_or_default();
        let multi = valid.len() > 1;
        let has_express = valid.iter().any(|(_, info)| info.prefix == "s3express");
        valid
            .iter()
            .enumerate()
            .map(|(i, (entry, info))| {
                let is_pass_role = info.full_name == "iam:PassRole";
                let when = if let Some(c) = &entry.conditions {
                    When::Condition(Condition::from_raw(c))
                } else if let Some(c) = directory_bucket_condition(entry, info.prefix, has_express) {
                    When::Condition(c)
                } else if is_pass_role {
                    When::IfResource
                } else if let Some(when) = version_twin(info, &valid) {
                    when
                } else if !multi || i == primary {
                    When::Always
                } else if info.access_level == crate::AccessLevel::Tagging {
                    When::AnyParam(TAG_PARAMS)
                } else if info.name.ends_with("Acl") || info.name.ends_with("ACL") {
                    When::AnyParam(ACL_PARAMS)
                } else {
                    When::Always
                };
                let mut builders = Vec::new();
                if let Some(over) = &entry.arn_override {
                    builders.push(Builder {
                        arn: Template::parse(&over.template),
                        resource_template: info
                            .resource_types
                            .first()
                            .map(|r| r.arn.clone())
                            .unwrap_or_default(),
                        conditions: over.conditions.iter().map(Condition::from_raw).collect(),
                    });
                } else {
                    for (rt, template) in &entry.resourcearn_mappings {
                        let resource_template = info
                            .resource_types
                            .iter()
                            .find(|r| r.name.eq_ignore_ascii_case(rt))
                            .map(|r| r.arn.clone())
                            .unwrap_or_default();
                        builders.push(Builder {
                            arn: Template::parse(template),
                            resource_template,
                            conditions: Vec::new(),
                        });
                    }
                    let covered: Vec<&str> = entry.resourcearn_mappings.keys().map(String::as_str).collect();
                    builders.extend(
                        self.catalog_builders(info.full_name, &entry.resource_mappings)
                            .into_iter()
                            .zip(info.resource_types.iter())
                            .filter(|(_, rt)| !covered.iter().any(|c| c.eq_ignore_ascii_case(&rt.name)))
                            .map(|(b, _)| b),
                    );
                }
                let use_event_resources = !is_pass_role;
                self.entry(
                    info.full_name,
                    Provenance::ApiMap,
                    when,
                    builders,
                    use_event_resources,
                )
            })
            .collect()
    }

    /// One builder per resource type of the action (same order as `resource_types`), each ARN template's
    /// variables replaced by the map's templates where given, else read from the parameter of the same name.
    fn catalog_builders(&self, action: &str, mappings: &BTreeMap<String, RawTemplate>) -> Vec<Builder> {
        let Some(info) = self.action(action) else {
            return Vec::new();
        };
        info.resource_types
            .iter()
            .map(|rt| {
                let mut text = String::new();
                let mut conditions = Vec::new();
                let mut rest = rt.arn.as_str();
                while let Some(start) = rest.find("${") {
                    text.push_str(&rest[..start]);
                    let after = &rest[start + 2..];
                    let Some(end) = after.find('}') else {
                        text.push_str(&rest[start..]);
                        rest = "";
                        break;
                    };
                    let var = &after[..end];
                    let inner = match mappings.get(var) {
                        Some(m) => {
                            conditions.extend(m.conditions.iter().map(Condition::from_raw));
                            m.template.clone()
                        }
                        None => format!("${{{var}}}"),
                    };
                    if var.ends_with("WithoutLeadingSlash") && !inner.starts_with("%%") {
                        // `${ParameterNameWithoutLeadingSlash}` filled from `Name` = `/app/key`: drop the slash.
                        text.push_str(&format!("%%regex%{inner}%/^\\/?(.+)$/g%%"));
                    } else {
                        text.push_str(&inner);
                    }
                    rest = &after[end + 1..];
                }
                text.push_str(rest);
                Builder {
                    arn: Template::parse(&text),
                    resource_template: rt.arn.clone(),
                    conditions,
                }
            })
            .collect()
    }

    fn entry(
        &self,
        action: &str,
        provenance: Provenance,
        when: When,
        builders: Vec<Builder>,
        use_event_resources: bool,
    ) -> PlanEntry {
        let info = self.action(action);
        PlanEntry {
            action: action.to_owned(),
            provenance,
            when,
            builders,
            resource_type_names: info
                .map(|i| {
                    i.resource_types
                        .iter()
                        .map(|r| r.name.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default(),
            resource_type_arns: info
                .map(|i| i.resource_types.iter().map(|r| r.arn.clone()).collect())
                .unwrap_or_default(),
            use_event_resources,
        }
    }
}

/// S3 methods list an action and its version-specific twin (`GetObject` / `GetObjectVersion`,
/// `GetObjectAcl` / `GetObjectVersionAcl`, `DeleteObjectTagging` / `DeleteObjectVersionTagging`): the twin is
/// needed when the request names a `versionId`, the plain action when it does not (S3 API Reference, GetObject:
/// "you need the s3:GetObjectVersion permission to access a specific version of an object").
fn version_twin(info: &crate::ActionInfo<'_>, set: &[(&MapEntry, crate::ActionInfo<'_>)]) -> Option<When> {
    let strip = |name: &str| name.contains("Version").then(|| name.replacen("Version", "", 1));
    let same_service = |other: &crate::ActionInfo<'_>| other.prefix == info.prefix && other.name != info.name;
    if let Some(plain) = strip(info.name) {
        if set
            .iter()
            .any(|(_, o)| same_service(o) && o.name.eq_ignore_ascii_case(&plain))
        {
            return Some(When::AnyParam(VERSION_PARAMS));
        }
    }
    if set
        .iter()
        .any(|(_, o)| same_service(o) && strip(o.name).is_some_and(|p| p.eq_ignore_ascii_case(info.name)))
    {
        return Some(When::NoParam(VERSION_PARAMS));
    }
    None
}

const VERSION_PARAMS: &[&str] = &["versionId"];

/// S3 methods list both `s3:` and `s3express:` actions: the latter only for directory buckets, whose names end
/// with `--x-s3` (the map says so in a `notice`; two methods carry no notice, hence the prefix rule).
fn directory_bucket_condition(entry: &MapEntry, prefix: &str, has_express: bool) -> Option<Condition> {
    const SUFFIX: &str = "--x-s3";
    let notice = entry.notice.as_deref().unwrap_or_default();
    let op = if notice.contains("does not end with --x-s3")
        || (has_express && prefix == "s3" && notice.is_empty())
    {
        "NotEndsWith"
    } else if notice.contains("ends with --x-s3") || (has_express && prefix == "s3express") {
        "EndsWith"
    } else {
        return None;
    };
    Some(Condition {
        lhs: Template::parse("${Bucket}"),
        op: op.to_owned(),
        rhs: SUFFIX.to_owned(),
    })
}

/// Request parameters that mean the call set tags.
const TAG_PARAMS: &[&str] = &[
    "Tags",
    "TagSpecifications",
    "TagSpecificationSet",
    "TagList",
    "Tagging",
    "x-amz-tagging",
    "TagSet",
];

/// Request parameters that mean the call set an ACL.
const ACL_PARAMS: &[&str] = &[
    "ACL",
    "x-amz-acl",
    "AccessControlPolicy",
    "AccessControlList",
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write",
    "x-amz-grant-write-acp",
];

fn apply(entries: &[PlanEntry], ev: &EventRef<'_>) -> Vec<MappedAction> {
    let mut out: Vec<MappedAction> = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut scope = Scope {
            partition: if ev.partition.is_empty() {
                "aws"
            } else {
                ev.partition
            },
            region: ev.region,
            account: ev.account,
            request: ev.request_parameters,
            response: ev.response_elements,
            resource_template: None,
        };
        let applies = match &entry.when {
            When::Always | When::IfResource => true,
            When::Condition(c) => c.holds(&scope),
            When::AnyParam(names) => has_any_param(ev.request_parameters, names),
            When::NoParam(names) => !has_any_param(ev.request_parameters, names),
        };
        if !applies {
            continue;
        }
        let mut resources = Vec::new();
        if entry.use_event_resources {
            for r in ev.resources {
                let Some(arn) = r.arn else { continue };
                let by_type = r
                    .resource_type
                    .and_then(|t| t.rsplit("::").next())
                    .is_some_and(|t| {
                        let t = t.to_ascii_lowercase();
                        entry.resource_type_names.contains(&t)
                    });
                if by_type
                    || entry
                        .resource_type_arns
                        .iter()
                        .any(|t| template::arn_matches_template(arn, t))
                {
                    resources.push(arn.to_owned());
                }
            }
        }
        // Whether a builder produced anything at all (`*` included): `iam:PassRole` entries apply only then.
        let mut produced = !resources.is_empty();
        if resources.is_empty() {
            for b in &entry.builders {
                scope.resource_template = Some(&b.resource_template);
                if !b.conditions.iter().all(|c| c.holds(&scope)) {
                    continue;
                }
                for value in b.arn.eval(&scope) {
                    produced |= !value.is_empty();
                    if is_complete_arn(&value) {
                        resources.push(value);
                    }
                }
            }
        }
        if matches!(entry.when, When::IfResource) && !produced {
            continue;
        }
        resources.sort();
        resources.dedup();
        match out.iter_mut().find(|m| m.action == entry.action) {
            Some(existing) => {
                existing.resources.extend(resources);
                existing.resources.sort();
                existing.resources.dedup();
            }
            None => out.push(MappedAction {
                action: entry.action.clone(),
                provenance: entry.provenance,
                resources,
            }),
        }
    }
    if !out.iter().any(|m| m.action == "iam:PassRole") {
        let roles = passed_roles(ev);
        if !roles.is_empty() {
            out.push(MappedAction {
                action: "iam:PassRole".to_owned(),
                provenance: Provenance::Implied("role-arn-in-request"),
                resources: roles,
            });
        }
    }
    out
}

/// IAM role ARNs a mutating call hands to a service (`role`, `roleArn`, `taskRoleArn`, `executionRoleArn`, ...):
/// passing a role needs `iam:PassRole` on it. Not for IAM and STS themselves (`sts:AssumeRole` names the role it
/// assumes, it does not pass it), not for read calls, and never an instance-profile ARN or a principal ARN.
fn passed_roles(ev: &EventRef<'_>) -> Vec<String> {
    const VERBS: &[&str] = &[
        "Create",
        "Update",
        "Put",
        "Run",
        "Start",
        "Register",
        "Set",
        "Modify",
        "Associate",
        "Enable",
        "Import",
        "Submit",
        "Add",
        "Attach",
        "Request",
        "Replace",
        "Copy",
        "Restore",
    ];
    let Some(params) = ev.request_parameters else {
        return Vec::new();
    };
    if matches!(ev.event_source, "iam.amazonaws.com" | "sts.amazonaws.com") {
        return Vec::new();
    }
    let name = normalize_event_name(ev.event_name);
    if !VERBS.iter().any(|v| name.starts_with(v)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    collect_roles(params, 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect_roles(value: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 6 || out.len() >= 16 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = k.to_ascii_lowercase();
                let role_key = key == "role"
                    || key.ends_with("rolearn")
                    || key == "servicerole"
                    || key == "executionrole";
                match v {
                    Value::String(s) if role_key && is_role_arn(s) => out.push(s.clone()),
                    Value::Object(_) | Value::Array(_) => collect_roles(v, depth + 1, out),
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_roles(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// `arn:<partition>:iam::<12 digits>:role/<name>`.
fn is_role_arn(s: &str) -> bool {
    let mut parts = s.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(p), Some("iam"), Some(""), Some(acct), Some(res))
            if p.starts_with("aws") && acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit())
                && res.len() > 5 && res.starts_with("role/")
    )
}

/// An ARN we may emit: starts with `arn:`, no unfilled `${...}`, no template syntax left, no empty segment
/// where the service or resource belongs.
fn is_complete_arn(arn: &str) -> bool {
    if !arn.starts_with("arn:") || arn.contains("${") || arn.contains("%%") {
        return false;
    }
    let mut parts = arn.splitn(6, ':');
    let (_, partition, service, _, _, resource) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    );
    let complete = matches!((partition, service, resource), (Some(p), Some(s), Some(r)) if !p.is_empty() && !s.is_empty() && !r.is_empty() && !r.ends_with('/') && !r.ends_with(':'));
    // A segment that is only `*` came from a map template that gives up on the resource: that is no ARN.
    complete && !arn.split([':', '/']).any(|segment| segment == "*")
}

fn has_any_param(params: Option<&Value>, names: &[&str]) -> bool {
    let Some(Value::Object(map)) = params else {
        return false;
    };
    names.iter().any(|n| {
        template::find_key(map, n).is_some_and(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::normalize_event_name as n;

    #[test]
    fn api_version_suffixes() {
        assert_eq!(n("Invoke20150331"), "Invoke");
        assert_eq!(
            n("GetFunctionConfiguration20150331v2"),
            "GetFunctionConfiguration"
        );
        assert_eq!(
            n("UpdateFunctionConfiguration20150331v2"),
            "UpdateFunctionConfiguration"
        );
        assert_eq!(n("CreateDistribution2020_05_31"), "CreateDistribution");
        assert_eq!(n("GetObject"), "GetObject");
        assert_eq!(n("ListObjectsV2"), "ListObjectsV2");
        assert_eq!(n("Foo123456789"), "Foo1");
        assert_eq!(n("20150331"), "20150331");
        assert_eq!(n("Describe2"), "Describe2");
        assert_eq!(n("Xv2"), "Xv2");
    }
}

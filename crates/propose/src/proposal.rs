//! From one principal's usage to its proposed policy: actions, resource patterns, conditions, statements.

use crate::generalize::{generalize, ArnTemplate, Generalized, Strictness, MAX_FROM};
use crate::model::{Excluded, Justification, PolicyJson, ResourceJustification, Statement};
use pare_catalog::{catalog, AccessLevel, ActionInfo};
use pare_trail::usage::ActionUsage;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many sample event ids per statement.
pub const MAX_SAMPLES: usize = 5;

/// The resource patterns of one action, and the evidence.
#[derive(Debug, Clone)]
pub(crate) struct ActionPlan {
    pub action: String,
    pub patterns: Vec<Generalized>,
    /// Conditions learned from the run (`StringEquals` key → values, with why).
    pub conditions: Vec<Learned>,
    pub count: u64,
    pub samples: Vec<String>,
}

/// One `StringEquals` condition learned from the run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Learned {
    pub key: String,
    pub values: Vec<String>,
    pub why: String,
}

/// A statement being built, with its evidence (kept apart from the output until the end).
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub sid: String,
    /// Action entries as they will be printed (patterns after compression).
    pub actions: Vec<String>,
    /// The observed actions it covers.
    pub observed: Vec<String>,
    pub resources: Vec<Generalized>,
    pub conditions: Vec<Learned>,
    pub count: u64,
    pub samples: Vec<String>,
}

impl Draft {
    pub fn statement(&self) -> Statement {
        let mut resource: Vec<String> = self.resources.iter().map(|g| g.pattern.clone()).collect();
        resource.sort();
        resource.dedup();
        let mut action = self.actions.clone();
        action.sort_by_key(|a| a.to_ascii_lowercase());
        action.dedup();
        Statement {
            sid: self.sid.clone(),
            effect: "Allow".to_string(),
            action,
            resource,
            condition: if self.conditions.is_empty() {
                None
            } else {
                let mut keys = Map::new();
                for c in &self.conditions {
                    let value = match c.values.as_slice() {
                        [one] => Value::String(one.clone()),
                        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
                    };
                    keys.insert(c.key.clone(), value);
                }
                let mut op = Map::new();
                op.insert("StringEquals".to_string(), Value::Object(keys));
                Some(op)
            },
        }
    }

    pub fn justification(&self) -> Justification {
        let mut resources: Vec<ResourceJustification> = self
            .resources
            .iter()
            .map(|g| ResourceJustification {
                pattern: g.pattern.clone(),
                from_count: g.from.len(),
                from: g.from.iter().take(MAX_FROM).cloned().collect(),
                why: g.why.clone(),
            })
            .collect();
        resources.sort_by(|a, b| a.pattern.cmp(&b.pattern));
        resources.dedup_by(|a, b| a.pattern == b.pattern);
        let mut observed = self.observed.clone();
        observed.sort_by_key(|a| a.to_ascii_lowercase());
        observed.dedup();
        Justification {
            sid: self.sid.clone(),
            actions: observed,
            count: self.count,
            sample_event_ids: self.samples.iter().take(MAX_SAMPLES).cloned().collect(),
            resources,
            conditions: self
                .conditions
                .iter()
                .map(|c| format!("{} = `{}`: {}", c.key, c.values.join("`, `"), c.why))
                .collect(),
        }
    }
}

/// Splits usage into what goes into the proposal and what is left out (actions only ever denied).
pub(crate) fn select(actions: &[ActionUsage], include_denied: bool) -> (Vec<&ActionUsage>, Vec<Excluded>) {
    let mut kept = Vec::new();
    let mut excluded = Vec::new();
    for a in actions {
        if a.count > a.denied || include_denied {
            kept.push(a);
        } else {
            excluded.push(Excluded {
                action: a.action.clone(),
                count: a.count,
                reason: "denied".to_string(),
                sample_event_ids: a.sample_event_ids.iter().take(MAX_SAMPLES).cloned().collect(),
            });
        }
    }
    (kept, excluded)
}

/// The resource patterns for one action.
/// Where the principal's calls went: its partition and account, and the one region of the calls if only one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub partition: &'a str,
    pub account: Option<&'a str>,
}

impl<'a> Scope<'a> {
    /// From a principal ARN (`arn:aws:iam::111122223333:role/app`).
    pub fn of(principal: &'a str) -> Scope<'a> {
        let mut parts = principal.split(':');
        let partition = parts.nth(1).filter(|p| !p.is_empty()).unwrap_or("aws");
        let account = parts.nth(2).filter(|a| !a.is_empty());
        Scope { partition, account }
    }
}

pub(crate) fn plan_action(usage: &ActionUsage, strictness: Strictness, scope: Scope<'_>) -> ActionPlan {
    let info = catalog().action(&usage.action);
    let action = info.map_or_else(|| usage.action.clone(), |i| i.full_name.to_string());
    let mut conditions = Vec::new();
    if let (Strictness::Exact, [one]) = (strictness, usage.regions.as_slice()) {
        conditions.push(Learned {
            key: "aws:RequestedRegion".to_string(),
            values: vec![one.clone()],
            why: format!("every call of these actions went to `{one}`"),
        });
    }
    if strictness != Strictness::Loose && action == "iam:PassRole" {
        if let Some(services) = passed_to(usage) {
            conditions.push(Learned {
                key: "iam:PassedToService".to_string(),
                why: format!("roles were only passed by calls to {}", services.join(", ")),
                values: services,
            });
        }
    }
    let successes = if usage.count > usage.denied {
        usage.count - usage.denied
    } else {
        usage.count
    };
    ActionPlan {
        patterns: resource_patterns(&action, info, usage, strictness, scope),
        action,
        conditions,
        count: successes,
        samples: usage.sample_event_ids.clone(),
    }
}

/// The services roles were passed to: the event sources of the calls that needed `iam:PassRole`
/// (`ec2.amazonaws.com` for `RunInstances`), when none is IAM itself.
pub(crate) fn passed_to(usage: &ActionUsage) -> Option<Vec<String>> {
    let services: BTreeSet<String> = usage
        .event_names
        .iter()
        .filter_map(|e| e.split_once(':').map(|(s, _)| s.to_string()))
        .collect();
    if services.is_empty()
        || services
            .iter()
            .any(|s| s.starts_with("iam.") || !s.ends_with(".amazonaws.com"))
    {
        return None;
    }
    Some(services.into_iter().collect())
}

fn star(why: String, from: Vec<String>) -> Generalized {
    Generalized {
        pattern: "*".to_string(),
        from,
        why,
        label: "AnyResource".to_string(),
    }
}

fn resource_patterns(
    action: &str,
    info: Option<ActionInfo<'_>>,
    usage: &ActionUsage,
    strictness: Strictness,
    scope: Scope<'_>,
) -> Vec<Generalized> {
    let resources = usage.resources.as_slice();
    let Some(info) = info else {
        if resources.is_empty() || resources.iter().any(|r| r == "*") {
            return vec![star(
                format!("`{action}` is not in the catalog and no resource ARN was recorded for its calls"),
                Vec::new(),
            )];
        }
        return resources
            .iter()
            .map(|r| Generalized {
                pattern: r.clone(),
                from: vec![r.clone()],
                why: format!(
                    "kept as observed: `{action}` is not in the catalog, so no template to generalize along"
                ),
                label: r.rsplit([':', '/']).next().unwrap_or(r).to_string(),
            })
            .collect();
    };
    if info.resource_wildcard_only() {
        return vec![star(
            format!(
                "the catalog lists no resource types for `{action}`: it only supports `\"Resource\": \"*\"`"
            ),
            resources.iter().filter(|r| *r != "*").cloned().collect(),
        )];
    }
    if resources.is_empty() || resources.iter().any(|r| r == "*") {
        return vec![star(
            format!(
                "no resource ARN was recorded for some calls of `{action}`, so `*` is the only sound choice"
            ),
            resources.iter().filter(|r| *r != "*").cloned().collect(),
        )];
    }
    // Each ARN goes with the most specific template that fits it: the action's resource types first, then
    // the service's (CloudTrail sometimes names the bucket of an object call).
    let action_templates: Vec<ArnTemplate> = info
        .resource_types
        .iter()
        .map(|r| ArnTemplate::parse(&r.arn))
        .collect();
    let service_templates: Vec<ArnTemplate> = catalog()
        .service(info.prefix)
        .map(|s| {
            s.resource_types
                .iter()
                .map(|r| ArnTemplate::parse(&r.arn))
                .collect()
        })
        .unwrap_or_default();
    let mut by_template: BTreeMap<String, (ArnTemplate, Vec<String>)> = BTreeMap::new();
    let mut unmatched: Vec<Generalized> = Vec::new();
    for arn in resources {
        let best = |templates: &[ArnTemplate]| -> Option<ArnTemplate> {
            templates
                .iter()
                .filter(|t| t.match_arn(arn).is_some())
                .max_by_key(|t| t.specificity())
                .cloned()
        };
        match best(&action_templates).or_else(|| best(&service_templates)) {
            Some(t) => by_template
                .entry(t.as_str().to_string())
                .or_insert_with(|| (t.clone(), Vec::new()))
                .1
                .push(arn.clone()),
            None => unmatched.push(Generalized {
                pattern: arn.clone(),
                from: vec![arn.clone()],
                why: format!("kept as observed: no ARN template of `{}` fits it", info.prefix),
                label: arn.rsplit([':', '/']).next().unwrap_or(arn).to_string(),
            }),
        }
    }
    // Resource types the catalog says the action requires but no recorded ARN shows (CloudTrail names the
    // subnet of a `RunInstances`, not the instance, image, network interface or security group it also
    // authorizes): every resource of that type in the account and region the calls went to.
    let region = match usage.regions.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let mut missing = Vec::new();
    for rt in info.resource_types.iter().filter(|r| r.required) {
        let template = ArnTemplate::parse(&rt.arn);
        if by_template.contains_key(template.as_str()) {
            continue;
        }
        let pattern = template.type_scope(scope.partition, region, scope.account);
        missing.push(Generalized {
            why: format!(
                "the catalog says `{action}` also authorizes on the `{}` resource type and the calls recorded none: \
                 any `{}` in the account and region of the calls",
                rt.name, rt.name
            ),
            label: rt.name.clone(),
            from: Vec::new(),
            pattern,
        });
    }
    let mut out = unmatched;
    for (template, arns) in by_template.into_values() {
        out.extend(generalize(&template, &arns, strictness));
    }
    out.extend(missing);
    out.sort();
    out.dedup_by(|a, b| a.pattern == b.pattern);
    out
}

/// Statements group by resource patterns and conditions (key, values).
type GroupKey = (Vec<String>, Vec<(String, Vec<String>)>);

/// Groups actions with the same resource patterns (and condition) into statements with stable Sids.
pub(crate) fn group(plans: Vec<ActionPlan>) -> Vec<Draft> {
    let mut groups: BTreeMap<GroupKey, Draft> = BTreeMap::new();
    for plan in plans {
        let key: Vec<String> = plan.patterns.iter().map(|g| g.pattern.clone()).collect();
        let cond_key: Vec<(String, Vec<String>)> = plan
            .conditions
            .iter()
            .map(|c| (c.key.clone(), c.values.clone()))
            .collect();
        let entry = groups.entry((key, cond_key)).or_insert_with(|| Draft {
            sid: String::new(),
            actions: Vec::new(),
            observed: Vec::new(),
            resources: Vec::new(),
            conditions: plan.conditions.clone(),
            count: 0,
            samples: Vec::new(),
        });
        entry.actions.push(plan.action.clone());
        entry.observed.push(plan.action.clone());
        entry.count += plan.count;
        entry.samples.extend(plan.samples.iter().take(2).cloned());
        merge_resources(&mut entry.resources, plan.patterns);
    }
    let mut drafts: Vec<Draft> = groups.into_values().collect();
    name_statements(&mut drafts);
    drafts
}

/// Adds `more` to `into`, merging the sources of equal patterns.
pub(crate) fn merge_resources(into: &mut Vec<Generalized>, more: Vec<Generalized>) {
    for g in more {
        match into.iter_mut().find(|x| x.pattern == g.pattern) {
            Some(x) => {
                x.from.extend(g.from);
                x.from.sort();
                x.from.dedup();
                if x.why != g.why && !x.why.contains(&g.why) {
                    x.why = format!("{}; {}", x.why, g.why);
                }
            }
            None => into.push(g),
        }
    }
    into.sort();
}

fn camel(text: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

fn level_word(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::List => "List",
        AccessLevel::Read => "Read",
        AccessLevel::Write => "Write",
        AccessLevel::PermissionsManagement => "Permissions",
        AccessLevel::Tagging => "Tagging",
    }
}

/// Sid = services + access levels + the first resource's name, CamelCase, at most 64 characters; a number is
/// appended to repeated ones. Statements are then sorted by Sid.
pub(crate) fn name_statements(drafts: &mut [Draft]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut bases: Vec<String> = Vec::new();
    for d in drafts.iter() {
        let services: BTreeSet<String> = d
            .observed
            .iter()
            .map(|a| camel(a.split(':').next().unwrap_or(a)))
            .collect();
        let levels: BTreeSet<AccessLevel> = d
            .observed
            .iter()
            .filter_map(|a| catalog().action(a))
            .map(|i| i.access_level)
            .collect();
        let level: String = levels.into_iter().map(level_word).collect();
        let label = d
            .resources
            .iter()
            .map(|g| g.label.as_str())
            .find(|l| *l != "AnyResource")
            .map(camel)
            .unwrap_or_else(|| "AnyResource".to_string());
        let services: String = if services.len() > 3 {
            "Multi".to_string()
        } else {
            services.into_iter().collect()
        };
        let mut base: String = services + &level + &label;
        base.truncate(60);
        bases.push(base);
    }
    for (d, base) in drafts.iter_mut().zip(bases) {
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        d.sid = if *n == 1 { base } else { format!("{base}{n}") };
    }
    drafts.sort_by(|a, b| a.sid.cmp(&b.sid));
}

/// The policy document of some drafts.
pub(crate) fn policy(drafts: &[Draft]) -> PolicyJson {
    PolicyJson {
        version: "2012-10-17".to_string(),
        statement: drafts.iter().map(Draft::statement).collect(),
    }
}

/// Characters of the policy as IAM counts them: the JSON without whitespace outside strings.
pub fn policy_characters(policy: &PolicyJson) -> usize {
    serde_json::to_string(policy).map_or(0, |s| s.chars().count())
}

/// Characters of any policy document without whitespace outside strings.
pub fn document_characters(document: &Value) -> usize {
    serde_json::to_string(document).map_or(0, |s| s.chars().count())
}

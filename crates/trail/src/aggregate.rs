//! Per-thread aggregation of used records into a [`UsageSummary`].
//!
//! Each worker keeps its own [`Aggregate`] (hash maps keyed by principal and action, sets of resources) and the
//! partial aggregates are merged at the end, so memory is bounded by the number of distinct
//! (principal, action, resource) keys, not by the number of events. Every operation is order-independent
//! (sums, min/max, set unions, "smallest N" caps), so the result does not depend on the thread count.

use crate::usage::{
    ActionUsage, PrincipalType, PrincipalUsage, RecordError, SourceInfo, Stats, UnmappedEvent, UsageSummary,
    Window, ANY_RESOURCE, MAX_ERRORS, MAX_SAMPLE_EVENT_IDS,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

#[derive(Default)]
pub(crate) struct ActionAgg {
    count: u64,
    denied: u64,
    first: String,
    last: String,
    event_names: Vec<String>,
    resources: HashSet<String>,
    any_resource: bool,
    samples: BTreeSet<String>,
    regions: Vec<String>,
}

pub(crate) struct PrincipalAgg {
    ty: PrincipalType,
    actions: HashMap<String, ActionAgg>,
}

/// One call of one action, as the aggregate sees it.
pub(crate) struct Call<'a> {
    pub(crate) time: &'a str,
    pub(crate) event_source: &'a str,
    pub(crate) event_name: &'a str,
    pub(crate) region: Option<&'a str>,
    pub(crate) event_id: Option<&'a str>,
    pub(crate) denied: bool,
}

#[derive(Default)]
pub(crate) struct Aggregate {
    principals: HashMap<String, PrincipalAgg>,
    unmapped: HashMap<(String, String), u64>,
    window: Option<(String, String)>,
    pub(crate) records: u64,
    pub(crate) skipped: u64,
    pub(crate) unmapped_count: u64,
    pub(crate) no_permission: u64,
    errors: Vec<RecordError>,
    reasons: HashMap<&'static str, u64>,
    sources: Vec<SourceInfo>,
}

impl Aggregate {
    /// Notes a used record's principal and time; returns the principal's entry.
    pub(crate) fn principal(&mut self, arn: &str, ty: PrincipalType, time: &str) -> &mut PrincipalAgg {
        self.records += 1;
        match &mut self.window {
            Some((start, end)) => {
                if time < start.as_str() {
                    replace(start, time);
                }
                if time > end.as_str() {
                    replace(end, time);
                }
            }
            None => self.window = Some((time.to_string(), time.to_string())),
        }
        if !self.principals.contains_key(arn) {
            self.principals.insert(
                arn.to_string(),
                PrincipalAgg {
                    ty,
                    actions: HashMap::new(),
                },
            );
        }
        // INVARIANT: inserted just above when absent.
        #[allow(clippy::unwrap_used)]
        let p = self.principals.get_mut(arn).unwrap();
        p.ty = p.ty.min(ty);
        p
    }

    pub(crate) fn unmapped(&mut self, event_source: &str, event_name: &str) {
        self.unmapped_count += 1;
        // Unmapped events are rare: the owned key is fine.
        *self
            .unmapped
            .entry((event_source.to_string(), event_name.to_string()))
            .or_default() += 1;
    }

    pub(crate) fn skip(&mut self, reason: &'static str) {
        self.skipped += 1;
        *self.reasons.entry(reason).or_default() += 1;
    }

    /// A skipped record with an error entry (capped: the smallest by source, record, message are kept).
    pub(crate) fn error(&mut self, err: RecordError, reason: &'static str) {
        self.skip(reason);
        self.errors.push(err);
        if self.errors.len() >= 4 * MAX_ERRORS {
            self.errors.sort();
            self.errors.truncate(MAX_ERRORS);
        }
    }

    pub(crate) fn source(&mut self, info: SourceInfo) {
        self.sources.push(info);
    }

    /// Merges another worker's aggregate into this one.
    pub(crate) fn absorb(&mut self, other: Aggregate) {
        for (arn, p) in other.principals {
            match self.principals.get_mut(&arn) {
                None => {
                    self.principals.insert(arn, p);
                }
                Some(mine) => {
                    mine.ty = mine.ty.min(p.ty);
                    for (name, a) in p.actions {
                        match mine.actions.get_mut(&name) {
                            None => {
                                mine.actions.insert(name, a);
                            }
                            Some(m) => m.absorb(a),
                        }
                    }
                }
            }
        }
        for (k, n) in other.unmapped {
            *self.unmapped.entry(k).or_default() += n;
        }
        if let Some((s, e)) = other.window {
            match &mut self.window {
                None => self.window = Some((s, e)),
                Some((ms, me)) => {
                    if s < *ms {
                        *ms = s;
                    }
                    if e > *me {
                        *me = e;
                    }
                }
            }
        }
        self.records += other.records;
        self.skipped += other.skipped;
        self.unmapped_count += other.unmapped_count;
        self.no_permission += other.no_permission;
        self.errors.extend(other.errors);
        self.errors.sort();
        self.errors.truncate(MAX_ERRORS);
        for (r, n) in other.reasons {
            *self.reasons.entry(r).or_default() += n;
        }
        self.sources.extend(other.sources);
    }

    pub(crate) fn into_summary(self) -> UsageSummary {
        let principals = self
            .principals
            .into_iter()
            .map(|(arn, p)| PrincipalUsage {
                arn,
                r#type: p.ty,
                actions: p
                    .actions
                    .into_iter()
                    .map(|(action, a)| a.into_usage(action))
                    .collect(),
            })
            .collect();
        let mut summary = UsageSummary {
            schema: crate::usage::SCHEMA.to_string(),
            sources: self.sources,
            window: self.window.map(|(start, end)| Window { start, end }),
            stats: Stats {
                records: self.records,
                skipped: self.skipped,
                unmapped: self.unmapped_count,
                no_permission_needed: self.no_permission,
                errors: self.errors,
                reasons: self
                    .reasons
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<BTreeMap<_, _>>(),
            },
            principals,
            unmapped: self
                .unmapped
                .into_iter()
                .map(|((event_source, event_name), count)| UnmappedEvent {
                    event_source,
                    event_name,
                    count,
                })
                .collect(),
        };
        summary.normalize();
        summary
    }
}

impl PrincipalAgg {
    /// Records one call of `action` on `resources` (empty: no resource ARN, counted as `*`).
    pub(crate) fn call(&mut self, action: &str, resources: &[String], call: &Call<'_>) {
        if !self.actions.contains_key(action) {
            self.actions.insert(action.to_string(), ActionAgg::default());
        }
        // INVARIANT: inserted just above when absent.
        #[allow(clippy::unwrap_used)]
        let a = self.actions.get_mut(action).unwrap();
        a.add(resources, call);
    }
}

fn replace(s: &mut String, with: &str) {
    s.clear();
    s.push_str(with);
}

fn is_event_name(entry: &str, source: &str, name: &str) -> bool {
    entry.len() == source.len() + 1 + name.len()
        && entry.starts_with(source)
        && entry.as_bytes().get(source.len()) == Some(&b':')
        && entry.ends_with(name)
}

impl ActionAgg {
    fn add(&mut self, resources: &[String], call: &Call<'_>) {
        if self.count == 0 {
            replace(&mut self.first, call.time);
            replace(&mut self.last, call.time);
        } else {
            if call.time < self.first.as_str() {
                replace(&mut self.first, call.time);
            }
            if call.time > self.last.as_str() {
                replace(&mut self.last, call.time);
            }
        }
        self.count += 1;
        if call.denied {
            self.denied += 1;
        }
        if !self
            .event_names
            .iter()
            .any(|e| is_event_name(e, call.event_source, call.event_name))
        {
            self.event_names
                .push(format!("{}:{}", call.event_source, call.event_name));
        }
        if let Some(region) = call.region {
            if !self.regions.iter().any(|r| r == region) {
                self.regions.push(region.to_string());
            }
        }
        if resources.is_empty() {
            self.any_resource = true;
        }
        for r in resources {
            if !self.resources.contains(r.as_str()) {
                self.resources.insert(r.clone());
            }
        }
        if let Some(id) = call.event_id {
            let full = self.samples.len() >= MAX_SAMPLE_EVENT_IDS;
            let smaller = self.samples.last().is_none_or(|max| id < max.as_str());
            if (!full || smaller) && !self.samples.contains(id) {
                self.samples.insert(id.to_string());
                if self.samples.len() > MAX_SAMPLE_EVENT_IDS {
                    self.samples.pop_last();
                }
            }
        }
    }

    fn absorb(&mut self, other: ActionAgg) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other;
            return;
        }
        self.count += other.count;
        self.denied += other.denied;
        if other.first < self.first {
            self.first = other.first;
        }
        if other.last > self.last {
            self.last = other.last;
        }
        for e in other.event_names {
            if !self.event_names.contains(&e) {
                self.event_names.push(e);
            }
        }
        for r in other.regions {
            if !self.regions.contains(&r) {
                self.regions.push(r);
            }
        }
        self.resources.extend(other.resources);
        self.any_resource |= other.any_resource;
        self.samples.extend(other.samples);
        while self.samples.len() > MAX_SAMPLE_EVENT_IDS {
            self.samples.pop_last();
        }
    }

    fn into_usage(self, action: String) -> ActionUsage {
        let mut resources: Vec<String> = self.resources.into_iter().collect();
        if self.any_resource {
            resources.push(ANY_RESOURCE.to_string());
        }
        ActionUsage {
            action,
            count: self.count,
            denied: self.denied,
            first_seen: self.first,
            last_seen: self.last,
            event_names: self.event_names,
            resources,
            sample_event_ids: self.samples.into_iter().collect(),
            regions: self.regions,
        }
    }
}

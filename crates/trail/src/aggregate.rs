//! Per-thread aggregation of used records into a [`UsageSummary`].
//!
//! Each worker keeps its own [`Aggregate`] and the partial aggregates are merged at the end, so memory is bounded
//! by the number of distinct (principal, action, resource) keys, not by the number of events. Every operation is
//! order-independent (sums, min/max, set unions, "smallest N" caps), so the result does not depend on the thread
//! count.
//!
//! Strings (principals, actions, resources, event sources and names, regions) are interned once per aggregate
//! ([`Interner`]) and the aggregate works on their `u32` ids with FxHash maps: a resource ARN used by many
//! principals is stored once, and the per-call work is integer hashing. Times are packed into integers
//! ([`pack_time`]) so that comparing them is one instruction; strings come back in [`Aggregate::into_summary`].

use crate::usage::{
    ActionUsage, PrincipalType, PrincipalUsage, RecordError, SourceInfo, Stats, UnmappedEvent, UsageSummary,
    Window, ANY_RESOURCE, MAX_ERRORS, MAX_SAMPLE_EVENT_IDS,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// An interned string's id within one [`Aggregate`].
pub(crate) type Sym = u32;

/// Strings stored once, known by a dense id.
#[derive(Default)]
pub(crate) struct Interner {
    ids: FxHashMap<Arc<str>, Sym>,
    strings: Vec<Arc<str>>,
}

impl Interner {
    /// The id of `s`, interning it when new.
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let text: Arc<str> = Arc::from(s);
        // Ids are dense: 2^32 distinct strings would need far more memory than any machine replay runs on.
        let id = self.strings.len() as Sym;
        self.strings.push(Arc::clone(&text));
        self.ids.insert(text, id);
        id
    }

    /// The string of an id handed out by this interner.
    pub(crate) fn get(&self, id: Sym) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// A time `YYYY-MM-DDTHH:MM:SSZ` packed as the integer `YYYYMMDDHHMMSS`: integer order is string order.
pub(crate) type PackedTime = u64;

/// Packs a canonical time ([`crate::time::normalize`]'s form); `None` for anything else.
pub(crate) fn pack_time(text: &str) -> Option<PackedTime> {
    let b = text.as_bytes();
    if b.len() != 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || b.get(19) != Some(&b'Z')
    {
        return None;
    }
    let mut n: u64 = 0;
    for (i, c) in b.iter().enumerate() {
        if matches!(i, 4 | 7 | 10 | 13 | 16 | 19) {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    Some(n)
}

/// The canonical text of a packed time.
pub(crate) fn unpack_time(t: PackedTime) -> String {
    let digits = format!("{t:014}");
    let d = digits.as_bytes();
    let s = |r: std::ops::Range<usize>| std::str::from_utf8(d.get(r).unwrap_or_default()).unwrap_or_default();
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        s(0..4),
        s(4..6),
        s(6..8),
        s(8..10),
        s(10..12),
        s(12..14)
    )
}

/// A small set: the first `N` members inline (no pointer to chase on the hot path), the rest in a `Vec`.
struct SmallSet<T, const N: usize> {
    inline: [T; N],
    len: usize,
    more: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Default for SmallSet<T, N> {
    fn default() -> Self {
        SmallSet {
            inline: [T::default(); N],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl<T: Copy + Default + PartialEq, const N: usize> SmallSet<T, N> {
    fn insert(&mut self, v: T) {
        let inline = self.inline.get(..self.len.min(N)).unwrap_or_default();
        if inline.contains(&v) || (self.len > N && self.more.contains(&v)) {
            return;
        }
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.more.push(v),
        }
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.inline
            .iter()
            .take(self.len.min(N))
            .chain(self.more.iter())
            .copied()
    }

    fn map(&self, f: impl Fn(T) -> T) -> Self {
        let mut out = Self::default();
        for v in self.iter() {
            out.insert(f(v));
        }
        out
    }
}

/// The resources of one action: most actions see one or two, a few see thousands.
#[derive(Default)]
struct Resources {
    few: SmallSet<Sym, 2>,
    many: FxHashSet<Sym>,
}

impl Resources {
    fn insert(&mut self, r: Sym) {
        if self.many.is_empty() {
            if self.few.len < 2 || self.few.iter().any(|x| x == r) {
                self.few.insert(r);
                return;
            }
            self.many.extend(self.few.iter());
            self.few = SmallSet::default();
        }
        self.many.insert(r);
    }

    fn iter(&self) -> impl Iterator<Item = Sym> + '_ {
        self.few.iter().chain(self.many.iter().copied())
    }
}

#[derive(Default)]
struct ActionAgg {
    count: u64,
    denied: u64,
    first: PackedTime,
    last: PackedTime,
    /// (eventSource, eventName) ids.
    event_names: SmallSet<(Sym, Sym), 1>,
    resources: Resources,
    any_resource: bool,
    /// The first 8 bytes (big-endian, zero-padded) of the largest sample once the list is full: most ids are
    /// rejected on it without reading the samples.
    sample_max_prefix: u64,
    /// The smallest event ids seen, sorted, at most [`MAX_SAMPLE_EVENT_IDS`].
    samples: Vec<Box<str>>,
    regions: SmallSet<Sym, 4>,
}

/// The first 8 bytes of `s` as a big-endian integer (zero-padded): `prefix(a) < prefix(b)` implies `a < b`.
fn prefix(s: &str) -> u64 {
    let mut buf = [0u8; 8];
    for (d, c) in buf.iter_mut().zip(s.bytes()) {
        *d = c;
    }
    u64::from_be_bytes(buf)
}

/// One call, as the aggregate sees it (strings already interned).
pub(crate) struct Call<'a> {
    pub(crate) principal: Sym,
    pub(crate) time: PackedTime,
    pub(crate) event_source: Sym,
    pub(crate) event_name: Sym,
    pub(crate) region: Option<Sym>,
    pub(crate) event_id: Option<&'a str>,
    pub(crate) denied: bool,
}

#[derive(Default)]
pub(crate) struct Aggregate {
    pub(crate) strings: Interner,
    principals: FxHashMap<Sym, PrincipalType>,
    actions: FxHashMap<(Sym, Sym), ActionAgg>,
    unmapped: FxHashMap<(Sym, Sym), u64>,
    window: Option<(PackedTime, PackedTime)>,
    pub(crate) records: u64,
    pub(crate) skipped: u64,
    pub(crate) unmapped_count: u64,
    pub(crate) no_permission: u64,
    errors: Vec<RecordError>,
    reasons: HashMap<&'static str, u64>,
    sources: Vec<SourceInfo>,
}

impl Aggregate {
    /// Notes a used record's principal and time; returns the principal's id.
    pub(crate) fn principal(&mut self, arn: &str, ty: PrincipalType, time: PackedTime) -> Sym {
        self.records += 1;
        match &mut self.window {
            Some((start, end)) => {
                *start = (*start).min(time);
                *end = (*end).max(time);
            }
            None => self.window = Some((time, time)),
        }
        let id = self.strings.intern(arn);
        let slot = self.principals.entry(id).or_insert(ty);
        *slot = (*slot).min(ty);
        id
    }

    pub(crate) fn unmapped(&mut self, event_source: Sym, event_name: Sym) {
        self.unmapped_count += 1;
        *self.unmapped.entry((event_source, event_name)).or_default() += 1;
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

    /// Records one call of `action` on `resources` (empty: no resource ARN, counted as `*`).
    pub(crate) fn call(&mut self, action: Sym, resources: &[Sym], call: &Call<'_>) {
        self.actions
            .entry((call.principal, action))
            .or_default()
            .add(resources, call);
    }

    /// Merges another worker's aggregate into this one.
    pub(crate) fn absorb(&mut self, other: Aggregate) {
        let Aggregate {
            strings,
            principals,
            actions,
            unmapped,
            window,
            records,
            skipped,
            unmapped_count,
            no_permission,
            errors,
            reasons,
            sources,
        } = other;
        let map: Vec<Sym> = strings.strings.iter().map(|s| self.strings.intern(s)).collect();
        let m = |id: Sym| map.get(id as usize).copied().unwrap_or(id);
        for (p, ty) in principals {
            let slot = self.principals.entry(m(p)).or_insert(ty);
            *slot = (*slot).min(ty);
        }
        for ((p, a), mut agg) in actions {
            agg.remap(&m);
            match self.actions.get_mut(&(m(p), m(a))) {
                None => {
                    self.actions.insert((m(p), m(a)), agg);
                }
                Some(mine) => mine.absorb(agg),
            }
        }
        for ((s, n), count) in unmapped {
            *self.unmapped.entry((m(s), m(n))).or_default() += count;
        }
        if let Some((s, e)) = window {
            self.window = Some(match self.window {
                None => (s, e),
                Some((ms, me)) => (ms.min(s), me.max(e)),
            });
        }
        self.records += records;
        self.skipped += skipped;
        self.unmapped_count += unmapped_count;
        self.no_permission += no_permission;
        self.errors.extend(errors);
        self.errors.sort();
        self.errors.truncate(MAX_ERRORS);
        for (r, n) in reasons {
            *self.reasons.entry(r).or_default() += n;
        }
        self.sources.extend(sources);
    }

    pub(crate) fn into_summary(self) -> UsageSummary {
        let strings = self.strings;
        let text = |id: Sym| strings.get(id).to_string();
        let mut by_principal: FxHashMap<Sym, Vec<ActionUsage>> = FxHashMap::default();
        for ((p, a), agg) in self.actions {
            by_principal
                .entry(p)
                .or_default()
                .push(agg.into_usage(text(a), &strings));
        }
        let principals = self
            .principals
            .into_iter()
            .map(|(p, ty)| PrincipalUsage {
                arn: text(p),
                r#type: ty,
                actions: by_principal.remove(&p).unwrap_or_default(),
            })
            .collect();
        let mut summary = UsageSummary {
            schema: crate::usage::SCHEMA.to_string(),
            sources: self.sources,
            window: self.window.map(|(start, end)| Window {
                start: unpack_time(start),
                end: unpack_time(end),
            }),
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
                .map(|((s, n), count)| UnmappedEvent {
                    event_source: text(s),
                    event_name: text(n),
                    count,
                })
                .collect(),
        };
        summary.normalize();
        summary
    }
}

impl ActionAgg {
    fn add(&mut self, resources: &[Sym], call: &Call<'_>) {
        if self.count == 0 {
            self.first = call.time;
            self.last = call.time;
        } else {
            self.first = self.first.min(call.time);
            self.last = self.last.max(call.time);
        }
        self.count += 1;
        if call.denied {
            self.denied += 1;
        }
        self.event_names.insert((call.event_source, call.event_name));
        if let Some(region) = call.region {
            self.regions.insert(region);
        }
        if resources.is_empty() {
            self.any_resource = true;
        }
        for &r in resources {
            self.resources.insert(r);
        }
        if let Some(id) = call.event_id {
            self.sample(id);
        }
    }

    /// Keeps `id` if it is among the [`MAX_SAMPLE_EVENT_IDS`] smallest distinct ids seen.
    fn sample(&mut self, id: &str) {
        if self.samples.len() >= MAX_SAMPLE_EVENT_IDS {
            let p = prefix(id);
            if p > self.sample_max_prefix
                || (p == self.sample_max_prefix && self.samples.last().is_some_and(|max| id >= &**max))
            {
                return;
            }
        }
        if let Err(pos) = self.samples.binary_search_by(|s| (**s).cmp(id)) {
            self.samples.insert(pos, id.into());
            self.samples.truncate(MAX_SAMPLE_EVENT_IDS);
            if self.samples.len() >= MAX_SAMPLE_EVENT_IDS {
                self.sample_max_prefix = self.samples.last().map_or(0, |max| prefix(max));
            }
        }
    }

    /// Rewrites ids from another aggregate's interner into this one's.
    fn remap(&mut self, m: &impl Fn(Sym) -> Sym) {
        self.event_names = self.event_names.map(|(s, n)| (m(s), m(n)));
        self.regions = self.regions.map(m);
        let mut resources = Resources::default();
        for r in self.resources.iter() {
            resources.insert(m(r));
        }
        self.resources = resources;
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
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        for e in other.event_names.iter() {
            self.event_names.insert(e);
        }
        for r in other.regions.iter() {
            self.regions.insert(r);
        }
        for r in other.resources.iter() {
            self.resources.insert(r);
        }
        self.any_resource |= other.any_resource;
        for s in other.samples {
            self.sample(&s);
        }
    }

    fn into_usage(self, action: String, strings: &Interner) -> ActionUsage {
        let mut resources: Vec<String> = self
            .resources
            .iter()
            .map(|r| strings.get(r).to_string())
            .collect();
        if self.any_resource {
            resources.push(ANY_RESOURCE.to_string());
        }
        ActionUsage {
            action,
            count: self.count,
            denied: self.denied,
            first_seen: unpack_time(self.first),
            last_seen: unpack_time(self.last),
            event_names: self
                .event_names
                .iter()
                .map(|(s, n)| format!("{}:{}", strings.get(s), strings.get(n)))
                .collect(),
            resources,
            sample_event_ids: self.samples.into_iter().map(String::from).collect(),
            regions: self.regions.iter().map(|r| strings.get(r).to_string()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_times_round_trip_and_order() {
        let a = pack_time("2026-11-01T09:05:07Z").unwrap();
        let b = pack_time("2026-11-01T10:00:00Z").unwrap();
        assert!(a < b);
        assert_eq!(unpack_time(a), "2026-11-01T09:05:07Z");
        assert_eq!(
            unpack_time(pack_time("0001-01-01T00:00:00Z").unwrap()),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(pack_time("+10000-01-01T00:00:00Z"), None);
        assert_eq!(pack_time("2026-11-01T09:05:07.5Z"), None);
        assert_eq!(pack_time("2026-11-01 09:05:07Z"), None);
    }

    #[test]
    fn samples_keep_the_smallest_distinct_ids() {
        let mut a = ActionAgg::default();
        for id in ["g", "c", "a", "c", "f", "e", "b", "h", "d"] {
            a.sample(id);
        }
        let kept: Vec<&str> = a.samples.iter().map(|s| &**s).collect();
        assert_eq!(kept, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn small_sets_and_resources_dedupe_across_inline_and_spill() {
        let mut s: SmallSet<u32, 2> = SmallSet::default();
        for v in [3, 1, 3, 7, 1, 9, 7] {
            s.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), [3, 1, 7, 9]);
        let mut r = Resources::default();
        for v in [5, 5, 6, 5, 8, 6, 9] {
            r.insert(v);
        }
        let mut all: Vec<u32> = r.iter().collect();
        all.sort();
        assert_eq!(all, [5, 6, 8, 9]);
    }

    #[test]
    fn sample_prefix_orders_like_strings() {
        for (a, b) in [
            ("a", "b"),
            ("abc", "abd"),
            ("ab", "abc"),
            ("12345678x", "12345678y"),
        ] {
            assert!(prefix(a) <= prefix(b), "{a} {b}");
        }
        let mut a = ActionAgg::default();
        for id in ["zz1", "aa5", "aa4", "aa3", "aa2", "aa1", "aa0", "zz0", "aa00"] {
            a.sample(id);
        }
        let kept: Vec<&str> = a.samples.iter().map(|s| &**s).collect();
        assert_eq!(kept, ["aa0", "aa00", "aa1", "aa2", "aa3"]);
    }

    #[test]
    fn interner_gives_dense_stable_ids() {
        let mut i = Interner::default();
        let x = i.intern("arn:aws:s3:::b");
        let y = i.intern("s3:GetObject");
        assert_eq!(i.intern("arn:aws:s3:::b"), x);
        assert_ne!(x, y);
        assert_eq!(i.get(y), "s3:GetObject");
    }
}

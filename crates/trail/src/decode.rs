//! Streaming, tolerant decoding of CloudTrail records.
//!
//! Nothing here builds a DOM per event: records are decoded into borrowed structs ([`RawEvent`]) holding only
//! the fields replay needs (`requestParameters` and `responseElements` stay raw JSON text; replay turns them into
//! `serde_json::Value`s for the catalog's ARN templates only when the mapping of that input is not memoized). Containers (`{"Records":[...]}`, `{"Events":[...]}`, a top-level
//! array) are streamed element by element through a [`RecordSink`], so a file never sits in memory as a list of
//! events.
//!
//! Every field type is *tolerant*: a field of the wrong JSON type is recorded as [`Str::Wrong`] instead of
//! aborting the stream, so one bad record is skipped and counted while the rest of the file is still read.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A string field that may be missing, null or of another type.
#[derive(Debug, Default, Clone)]
pub(crate) enum Str<'a> {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// A number, boolean, array or object.
    Wrong,
    /// A string.
    Some(Cow<'a, str>),
}

impl<'a> Str<'a> {
    /// The string, if it is one.
    pub(crate) fn get(&self) -> Option<&str> {
        match self {
            Str::Some(s) => Some(s),
            _ => None,
        }
    }

    /// The string if present and non-empty.
    pub(crate) fn non_empty(&self) -> Option<&str> {
        self.get().filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str::Some(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str::Some(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str::Some(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Str::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Str::Null)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Str::Wrong)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Str::Wrong)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Str::Wrong)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Str::Wrong)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Str::Wrong)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Str::Wrong)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An object field that may be missing, null or of another type.
#[derive(Debug, Clone, Default)]
pub(crate) enum Obj<T> {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// Not an object (the JSON type's name).
    Wrong(&'static str),
    /// An object.
    Some(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj::Some)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Obj::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Obj::Null)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Obj::Wrong("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Obj::Wrong("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Obj::Wrong("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Obj::Wrong("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Obj::Wrong("a string"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Obj::Wrong("an array"))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list of objects that may be missing or of another type; non-object elements are dropped.
#[derive(Debug, Clone)]
pub(crate) struct ObjList<T>(pub(crate) Vec<T>);

impl<T> Default for ObjList<T> {
    fn default() -> Self {
        ObjList(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjList<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Obj<T>>()? {
                    if let Obj::Some(item) = item {
                        out.push(item);
                    }
                }
                Ok(ObjList(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ObjList(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(ObjList(Vec::new()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// `userIdentity.sessionContext.sessionIssuer`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SessionIssuer<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Str<'a>,
    #[serde(borrow)]
    pub(crate) arn: Str<'a>,
}

/// `userIdentity.sessionContext`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SessionContext<'a> {
    #[serde(borrow)]
    pub(crate) session_issuer: Obj<SessionIssuer<'a>>,
}

/// `userIdentity.onBehalfOf` (IAM Identity Center users).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct OnBehalfOf<'a> {
    #[serde(borrow)]
    pub(crate) user_id: Str<'a>,
    #[serde(borrow)]
    pub(crate) identity_store_arn: Str<'a>,
}

/// `userIdentity`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct UserIdentity<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Str<'a>,
    #[serde(borrow)]
    pub(crate) arn: Str<'a>,
    #[serde(borrow)]
    pub(crate) account_id: Str<'a>,
    #[serde(borrow)]
    pub(crate) user_name: Str<'a>,
    #[serde(borrow)]
    pub(crate) principal_id: Str<'a>,
    #[serde(borrow)]
    pub(crate) invoked_by: Str<'a>,
    #[serde(borrow)]
    pub(crate) identity_provider: Str<'a>,
    #[serde(borrow)]
    pub(crate) session_context: Obj<SessionContext<'a>>,
    #[serde(borrow)]
    pub(crate) on_behalf_of: Obj<OnBehalfOf<'a>>,
}

/// One entry of `resources`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawResource<'a> {
    #[serde(borrow, rename = "ARN")]
    pub(crate) arn: Str<'a>,
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Str<'a>,
    #[serde(borrow, rename = "accountId")]
    pub(crate) account_id: Str<'a>,
}

/// The fields of one CloudTrail record that replay uses.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawEvent<'a> {
    #[serde(borrow)]
    pub(crate) event_source: Str<'a>,
    #[serde(borrow)]
    pub(crate) event_name: Str<'a>,
    #[serde(borrow)]
    pub(crate) event_type: Str<'a>,
    #[serde(borrow)]
    pub(crate) event_time: Str<'a>,
    #[serde(borrow, rename = "@timestamp")]
    pub(crate) timestamp: Str<'a>,
    #[serde(borrow)]
    pub(crate) aws_region: Str<'a>,
    #[serde(borrow)]
    pub(crate) recipient_account_id: Str<'a>,
    #[serde(borrow)]
    pub(crate) error_code: Str<'a>,
    #[serde(borrow, rename = "eventID")]
    pub(crate) event_id: Str<'a>,
    #[serde(borrow)]
    pub(crate) user_identity: Obj<UserIdentity<'a>>,
    #[serde(borrow)]
    pub(crate) resources: ObjList<RawResource<'a>>,
    /// Kept as raw JSON text: the catalog's templates read it only when the mapping of this exact input is
    /// not memoized yet (see `replay::MappingMemo`). `null` and absent both give `None`.
    pub(crate) request_parameters: Option<Box<serde_json::value::RawValue>>,
    /// Like `request_parameters`.
    pub(crate) response_elements: Option<Box<serde_json::value::RawValue>>,
}

/// One record as found in a container: an event object, or something else.
pub(crate) type Record<'a> = Obj<RawEvent<'a>>;

/// Receives records as the decoder streams them.
pub(crate) trait RecordSink {
    /// One record (the sink counts indices).
    fn record(&mut self, rec: Record<'_>);
    /// A record that could not be decoded but did not stop the stream (e.g. a LookupEvents entry whose
    /// `CloudTrailEvent` is not valid JSON).
    fn bad_record(&mut self, reason: &'static str, message: String);
    /// Whether to stop early (strict mode after an error).
    fn stop(&self) -> bool;
}

/// How a source's content is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One JSON document: `{"Records":[...]}`, `{"Events":[...]}` or `[event, ...]`, streamed.
    Document,
    /// JSON lines (or concatenated objects), one event per value.
    Lines,
    /// Nothing but whitespace.
    Empty,
    /// Does not start like JSON at all.
    NotJson,
}

/// Detects the layout from the first bytes of the (decompressed) content.
pub(crate) fn detect_layout(head: &[u8]) -> Layout {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(pos) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Layout::Empty;
    };
    let rest = &head[pos..];
    match rest.first() {
        Some(b'[') => Layout::Document,
        Some(b'{') => {
            let after = &rest[1..];
            let Some(q) = after.iter().position(|b| !b.is_ascii_whitespace()) else {
                return Layout::Document;
            };
            let key = &after[q..];
            if key.starts_with(b"\"Records\"") || key.starts_with(b"\"Events\"") {
                Layout::Document
            } else {
                Layout::Lines
            }
        }
        _ => Layout::NotJson,
    }
}

/// Streams one JSON document (container or array of events) into the sink.
pub(crate) fn stream_document<'de, R, S>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut S,
) -> Result<(), serde_json::Error>
where
    R: serde_json::de::Read<'de>,
    S: RecordSink,
{
    TopSeed { sink }.deserialize(&mut *de)?;
    de.end()
}

/// Decodes one JSON value (a JSON line) as a record; containers on a line are streamed too.
pub(crate) fn stream_value<'de, R, S>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut S,
) -> Result<(), serde_json::Error>
where
    R: serde_json::de::Read<'de>,
    S: RecordSink,
{
    LineSeed { sink }.deserialize(&mut *de)?;
    de.end()
}

struct TopSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for TopSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RecordSink> Visitor<'de> for TopSeed<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail log (`{\"Records\":[...]}`, `{\"Events\":[...]}` or an array of events)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        records_seq(seq, self.sink)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Records => map.next_value_seed(RecordsSeed {
                    sink: &mut *self.sink,
                    lookup: false,
                })?,
                TopKey::Events => map.next_value_seed(RecordsSeed {
                    sink: &mut *self.sink,
                    lookup: true,
                })?,
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.sink.stop() {
                return Ok(());
            }
        }
        Ok(())
    }
}

enum TopKey {
    Records,
    Events,
    Other,
}

impl<'de> Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TopKey, E> {
                Ok(match v {
                    "Records" => TopKey::Records,
                    "Events" => TopKey::Events,
                    _ => TopKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

struct RecordsSeed<'s, S> {
    sink: &'s mut S,
    lookup: bool,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for RecordsSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RecordSink> Visitor<'de> for RecordsSeed<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.lookup {
            while seq
                .next_element_seed(LookupSeed {
                    sink: &mut *self.sink,
                })?
                .is_some()
            {
                if self.sink.stop() {
                    return Ok(());
                }
            }
            Ok(())
        } else {
            records_seq(seq, self.sink)
        }
    }
}

fn records_seq<'de, A: SeqAccess<'de>, S: RecordSink>(mut seq: A, sink: &mut S) -> Result<(), A::Error> {
    while let Some(rec) = seq.next_element::<Record<'de>>()? {
        sink.record(rec);
        if sink.stop() {
            return Ok(());
        }
    }
    Ok(())
}

/// One entry of `aws cloudtrail lookup-events` output: the event is the JSON string `CloudTrailEvent`.
struct LookupSeed<'s, S> {
    sink: &'s mut S,
}

#[derive(Deserialize)]
struct LookupEntry<'a> {
    #[serde(borrow, default, rename = "CloudTrailEvent")]
    cloudtrail_event: Str<'a>,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for LookupSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let entry = Obj::<LookupEntry<'de>>::deserialize(d)?;
        match entry {
            Obj::Some(LookupEntry {
                cloudtrail_event: Str::Some(text),
            }) => decode_event_text(&text, self.sink),
            Obj::Some(_) => self.sink.bad_record(
                "missing-field",
                "lookup-events entry has no `CloudTrailEvent` string".to_string(),
            ),
            _ => self.sink.bad_record(
                "not-an-object",
                "lookup-events entry is not a JSON object".to_string(),
            ),
        }
        Ok(())
    }
}

/// Decodes one event given as JSON text (LookupEvents' `CloudTrailEvent`, or what the aws crate yields).
pub(crate) fn decode_event_text<S: RecordSink>(text: &str, sink: &mut S) {
    let mut de = serde_json::Deserializer::from_str(text);
    match Record::deserialize(&mut de).and_then(|r| de.end().map(|()| r)) {
        Ok(rec) => sink.record(rec),
        Err(e) => sink.bad_record("not-json", format!("event is not valid JSON: {e}")),
    }
}

struct LineSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for LineSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RecordSink> Visitor<'de> for LineSeed<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail event")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        // A line holding a container is rare; a line holding an event is the rule.
        let ev = RawEvent::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.sink.record(Obj::Some(ev));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        records_seq(seq, self.sink)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.sink.record(Obj::Wrong("a boolean"));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.sink.record(Obj::Wrong("a number"));
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.sink.record(Obj::Wrong("a number"));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.sink.record(Obj::Wrong("a number"));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.sink.record(Obj::Wrong("a string"));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.sink.record(Obj::Null);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        names: Vec<String>,
        bad: Vec<String>,
    }

    impl RecordSink for Collect {
        fn record(&mut self, rec: Record<'_>) {
            match rec {
                Obj::Some(ev) => self.names.push(ev.event_name.get().unwrap_or("?").to_string()),
                Obj::Wrong(kind) => self.bad.push(kind.to_string()),
                _ => self.bad.push("null".into()),
            }
        }
        fn bad_record(&mut self, reason: &'static str, _message: String) {
            self.bad.push(reason.to_string());
        }
        fn stop(&self) -> bool {
            false
        }
    }

    fn run(text: &str) -> (Collect, Result<(), serde_json::Error>) {
        let mut sink = Collect::default();
        let mut de = serde_json::Deserializer::from_str(text);
        let r = stream_document(&mut de, &mut sink);
        (sink, r)
    }

    #[test]
    fn streams_records_and_tolerates_bad_ones() {
        let (s, r) = run(
            r#"{"Records":[{"eventName":"A","eventSource":5},7,null,{"eventName":"B","userIdentity":"x"}]}"#,
        );
        r.unwrap();
        assert_eq!(s.names, ["A", "B"]);
        assert_eq!(s.bad, ["a number", "null"]);
    }

    #[test]
    fn lookup_events_shape() {
        let (s, r) = run(
            r#"{"Events":[{"EventId":"1","CloudTrailEvent":"{\"eventName\":\"X\"}"},{"CloudTrailEvent":"{oops"},{"EventId":"3"}],"NextToken":null}"#,
        );
        r.unwrap();
        assert_eq!(s.names, ["X"]);
        assert_eq!(s.bad, ["not-json", "missing-field"]);
    }

    #[test]
    fn borrows_when_it_can() {
        let text =
            r#"{"eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"}}"#;
        let ev: Record<'_> = serde_json::from_str(text).unwrap();
        let Obj::Some(ev) = ev else { panic!() };
        assert!(matches!(ev.event_name, Str::Some(Cow::Borrowed("GetObject"))));
        let Obj::Some(ui) = ev.user_identity else { panic!() };
        assert_eq!(ui.arn.get(), Some("arn:aws:iam::1:user/a"));
    }

    #[test]
    fn layouts() {
        assert_eq!(detect_layout(b"  {\"Records\": ["), Layout::Document);
        assert_eq!(detect_layout(b"{ \"Events\":[]}"), Layout::Document);
        assert_eq!(detect_layout(b"[{}]"), Layout::Document);
        assert_eq!(detect_layout(b"{\"eventVersion\":\"1.08\"}\n{}"), Layout::Lines);
        assert_eq!(detect_layout(b"   \n"), Layout::Empty);
        assert_eq!(detect_layout(b"PK\x03\x04"), Layout::NotJson);
    }
}

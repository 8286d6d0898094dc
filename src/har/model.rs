//! Lenient serde shapes of HAR 1.2 objects (<http://www.softwareishard.com/blog/har-12-spec/>).
//!
//! Every field is optional, and every field is wrapped so that a value of the wrong JSON
//! type is skipped and remembered instead of failing the whole entry: exporters disagree
//! (Firefox writes `time` as an integer, some tools write `status` as a string, others
//! write `null` for absent strings). Only malformed JSON, or nesting deeper than serde's
//! limit, fails an entry.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A field as found: absent (or `null`), usable, or of the wrong JSON type.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Field<T> {
    /// Absent or `null`.
    #[default]
    Missing,
    /// Present with a usable value.
    Value(T),
    /// Present with a value of the named JSON type, which was skipped.
    Wrong(&'static str),
}

impl<T> Field<T> {
    /// The value, if usable.
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value by reference, if usable.
    #[cfg(test)]
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// A string field; numbers and booleans are accepted and printed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Text(pub Field<String>);

/// A number field; numeric strings are accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Number(pub Field<f64>);

/// An object field deserialised as `T`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Obj<T>(pub Field<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(Field::Missing)
    }
}

/// An array field whose elements are deserialised as `T`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct List<T>(pub Field<Vec<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Field::Missing)
    }
}

/// Whether a field is present at all, even as `null` (Firefox marks cached responses with
/// `"afterRequest": null`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Present(pub bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

// Each wrapper drives serde_json with `deserialize_any` and decides by the JSON type it
// is shown; a value of the wrong type is consumed (so the stream stays in sync) and noted.
macro_rules! wrong_containers {
    ($wrap:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_map(map)?;
            Ok($wrap(Field::Wrong("object")))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_seq(seq)?;
            Ok($wrap(Field::Wrong("array")))
        }
    };
}

macro_rules! missing_on_null {
    ($wrap:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Field::Missing))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Field::Missing))
        }
    };
}

/// How a [`Text`] reads each JSON type (also used by the fast path in `fast`).
pub(crate) struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(Field::Value(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(Field::Value(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(Field::Value(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(Field::Value(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(Field::Value(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(Field::Value(v.to_string())))
    }

    missing_on_null!(Text);
    wrong_containers!(Text);
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// How a [`Number`] reads each JSON type (also used by the fast path in `fast`).
pub(crate) struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
        Ok(Number(match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Field::Value(n),
            _ => Field::Wrong("string"),
        }))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Number, E> {
        Ok(Number(Field::Wrong("boolean")))
    }

    // JSON numbers beyond f64 precision only lose precision, which sizes and times tolerate.
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(Number(Field::Value(v as f64)))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(Number(Field::Value(v as f64)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        Ok(Number(Field::Value(v)))
    }

    missing_on_null!(Number);
    wrong_containers!(Number);
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumberVisitor)
    }
}

/// How an [`Obj`] reads each JSON type (also used by the fast path in `fast`).
pub(crate) struct ObjVisitor<T>(pub(crate) PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|v| Obj(Field::Value(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(Obj(Field::Wrong("array")))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
        Ok(Obj(Field::Wrong("string")))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
        Ok(Obj(Field::Wrong("boolean")))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
        Ok(Obj(Field::Wrong("number")))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
        Ok(Obj(Field::Wrong("number")))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
        Ok(Obj(Field::Wrong("number")))
    }

    missing_on_null!(Obj);
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjVisitor(PhantomData))
    }
}

/// How a [`List`] reads each JSON type (also used by the fast path in `fast`).
pub(crate) struct ListVisitor<T>(pub(crate) PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<List<T>, A::Error> {
        Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(|v| List(Field::Value(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(List(Field::Wrong("object")))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<List<T>, E> {
        Ok(List(Field::Wrong("string")))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
        Ok(List(Field::Wrong("boolean")))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<List<T>, E> {
        Ok(List(Field::Wrong("number")))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<List<T>, E> {
        Ok(List(Field::Wrong("number")))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
        Ok(List(Field::Wrong("number")))
    }

    missing_on_null!(List);
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// `log.creator` / `log.browser`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawSoftware {
    pub name: Text,
    pub version: Text,
    pub comment: Text,
}

/// `log.pages[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPage {
    #[serde(rename = "startedDateTime")]
    pub started_date_time: Text,
    pub id: Text,
    pub title: Text,
    #[serde(rename = "pageTimings")]
    pub page_timings: Obj<RawPageTimings>,
}

/// `pages[].pageTimings`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPageTimings {
    #[serde(rename = "onContentLoad")]
    pub on_content_load: Number,
    #[serde(rename = "onLoad")]
    pub on_load: Number,
}

/// `log.entries[]`, with the browser-specific extras authlens reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawEntry {
    pub pageref: Text,
    #[serde(rename = "startedDateTime")]
    pub started_date_time: Text,
    pub time: Number,
    pub request: Obj<RawRequest>,
    pub response: Obj<RawResponse>,
    pub cache: Obj<RawCache>,
    pub timings: Obj<RawTimings>,
    #[serde(rename = "serverIPAddress")]
    pub server_ip_address: Text,
    pub connection: Text,
    pub comment: Text,
    #[serde(rename = "_resourceType")]
    pub resource_type: Text,
    #[serde(rename = "_fromCache")]
    pub from_cache: Text,
    #[serde(rename = "_initiator")]
    pub initiator: Obj<RawInitiator>,
    #[serde(rename = "_priority")]
    pub priority: Text,
    #[serde(rename = "_securityState")]
    pub security_state: Text,
    #[serde(rename = "_fetchType")]
    pub fetch_type: Text,
    #[serde(rename = "_monotonicTime")]
    pub monotonic_time: Number,
    #[serde(rename = "_frameref")]
    pub frameref: Text,
    #[serde(rename = "_serverPort")]
    pub server_port: Number,
}

/// `entries[].request`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawRequest {
    pub method: Text,
    pub url: Text,
    #[serde(rename = "httpVersion")]
    pub http_version: Text,
    pub headers: List<Obj<RawPair>>,
    pub cookies: List<IgnoredAny>,
    #[serde(rename = "postData")]
    pub post_data: Obj<RawPostData>,
    #[serde(rename = "headersSize")]
    pub headers_size: Number,
    #[serde(rename = "bodySize")]
    pub body_size: Number,
}

/// `entries[].response`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawResponse {
    pub status: Number,
    #[serde(rename = "statusText")]
    pub status_text: Text,
    #[serde(rename = "httpVersion")]
    pub http_version: Text,
    pub headers: List<Obj<RawPair>>,
    pub cookies: List<IgnoredAny>,
    pub content: Obj<RawContent>,
    #[serde(rename = "redirectURL")]
    pub redirect_url: Text,
    #[serde(rename = "headersSize")]
    pub headers_size: Number,
    #[serde(rename = "bodySize")]
    pub body_size: Number,
    #[serde(rename = "_transferSize")]
    pub transfer_size: Number,
    #[serde(rename = "_error")]
    pub error: Text,
    #[serde(rename = "_failureText")]
    pub failure_text: Text,
}

/// A `{name, value}` pair (headers, query strings, form parameters).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPair {
    pub name: Text,
    pub value: Text,
}

/// `request.postData`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPostData {
    #[serde(rename = "mimeType")]
    pub mime_type: Text,
    pub text: Text,
    pub params: List<Obj<RawPair>>,
    pub encoding: Text,
}

/// `response.content`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawContent {
    pub size: Number,
    pub compression: Number,
    #[serde(rename = "mimeType")]
    pub mime_type: Text,
    pub text: Text,
    pub encoding: Text,
}

/// `entries[].cache`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawCache {
    #[serde(rename = "beforeRequest")]
    pub before_request: Present,
    #[serde(rename = "afterRequest")]
    pub after_request: Present,
}

/// `entries[].timings`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawTimings {
    pub blocked: Number,
    pub dns: Number,
    pub connect: Number,
    pub ssl: Number,
    pub send: Number,
    pub wait: Number,
    pub receive: Number,
}

/// Chrome `_initiator`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawInitiator {
    #[serde(rename = "type")]
    pub kind: Text,
    pub url: Text,
    pub stack: Obj<RawStack>,
}

/// Chrome `_initiator.stack`; `parent` chains async stacks.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawStack {
    #[serde(rename = "callFrames")]
    pub call_frames: List<Obj<RawFrame>>,
    pub parent: Obj<Box<RawStack>>,
}

/// One frame of `_initiator.stack.callFrames`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawFrame {
    pub url: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Probe {
        t: Text,
        n: Number,
        o: Obj<RawPair>,
        l: List<Text>,
    }

    #[test]
    fn wrong_types_are_skipped_and_named() {
        let cases = [
            (
                r#"{"t": "x", "n": 1.5, "o": {"name": "a"}, "l": ["b", 2]}"#,
                Field::Value("x".to_string()),
                Field::Value(1.5),
                true,
                Some(2),
            ),
            (
                r#"{"t": 42, "n": "17", "o": [1], "l": {"a": [1]}}"#,
                Field::Value("42".to_string()),
                Field::Value(17.0),
                false,
                None,
            ),
            (
                r#"{"t": {"x": 1}, "n": "abc", "o": "s", "l": "s"}"#,
                Field::Wrong("object"),
                Field::Wrong("string"),
                false,
                None,
            ),
            (
                r#"{"t": null, "n": null, "o": null, "l": null}"#,
                Field::Missing,
                Field::Missing,
                false,
                None,
            ),
        ];
        for (json, t, n, has_obj, list_len) in cases {
            let p: Probe = serde_json::from_str(json).unwrap();
            assert_eq!(p.t.0, t, "{json}");
            assert_eq!(p.n.0, n, "{json}");
            assert_eq!(p.o.0.as_ref().is_some(), has_obj, "{json}");
            assert_eq!(p.l.0.as_ref().map(Vec::len), list_len, "{json}");
        }
    }

    #[test]
    fn presence_counts_null() {
        let c: RawCache = serde_json::from_str(r#"{"afterRequest": null}"#).unwrap();
        assert_eq!(
            (c.before_request, c.after_request),
            (Present(false), Present(true))
        );
    }
}

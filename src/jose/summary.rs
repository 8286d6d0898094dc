//! The fields a token list shows first (form, `alg`/`typ`/`kid`, `iss`/`sub`/`aud`, the
//! times, how many claims, how many problems), read without building JSON trees.
//!
//! [`summarize`] is [`decode`] for callers that only want these fields, many tokens at a
//! time (the batched wasm API the panel's token column and scripts use). A well-formed
//! compact JWS, the common case, is read in one pass into reused buffers: its segments are
//! base64url-decoded with [`base64::decode_clean_into`] and its header and claims are
//! scanned with serde without allocating, borrowing strings from the decoded bytes. Anything
//! else (a JWE, a nested or unsecured token, duplicate members, any diagnostic at all) goes
//! to [`decode`] and [`Summary::from_decoded`], so both paths give the same summary
//! (a property test holds them to it): the fast path only skips work, never judges.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{decode, CompactScratch, Decoded, Form, MAX_TOKEN_BYTES};
use crate::base64::{self, Alphabet};

/// The first-glance fields of one token.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary<'a> {
    /// JWS, JWE or malformed.
    pub form: Form,
    /// Header `alg`, when a string.
    pub alg: Option<Cow<'a, str>>,
    /// Header `typ`, when a string.
    pub typ: Option<Cow<'a, str>>,
    /// Header `kid`, when a string.
    pub kid: Option<Cow<'a, str>>,
    /// Claim `iss`, when a string (claims of the innermost token when nested).
    pub iss: Option<Cow<'a, str>>,
    /// Claim `sub`, when a string.
    pub sub: Option<Cow<'a, str>>,
    /// Claim `aud` when a string, else the first item of an `aud` array when a string.
    pub aud: Option<Cow<'a, str>>,
    /// Claim `exp`, when a JSON number (seconds; RFC 7519 §2 NumericDate).
    pub exp: Option<f64>,
    /// Claim `iat`, when a JSON number.
    pub iat: Option<f64>,
    /// Claim `nbf`, when a JSON number.
    pub nbf: Option<f64>,
    /// Number of claims (members of the claims object; 0 without one).
    pub claim_count: usize,
    /// Number of diagnostics [`decode`] reports, nested tokens included.
    pub diagnostics: usize,
}

impl Summary<'static> {
    /// The summary of a full decoding (what [`summarize`] falls back to).
    pub fn from_decoded(d: &Decoded) -> Self {
        let own = |s: Option<&str>| s.map(|s| Cow::Owned(s.to_string()));
        let claims = d.effective_claims();
        let claim = |name: &str| claims.and_then(|c| c.get(name));
        let aud = match claim("aud") {
            Some(Value::Array(items)) => items.first().and_then(Value::as_str),
            other => other.and_then(Value::as_str),
        };
        let mut diagnostics = 0;
        let mut cur = Some(d);
        while let Some(x) = cur {
            diagnostics += x.diagnostics.len();
            cur = x.nested.as_deref();
        }
        Summary {
            form: d.form,
            alg: own(d.alg()),
            typ: own(d.typ()),
            kid: own(d.kid()),
            iss: own(claim("iss").and_then(Value::as_str)),
            sub: own(claim("sub").and_then(Value::as_str)),
            aud: own(aud),
            exp: claim("exp").and_then(Value::as_f64),
            iat: claim("iat").and_then(Value::as_f64),
            nbf: claim("nbf").and_then(Value::as_f64),
            claim_count: claims.and_then(Value::as_object).map_or(0, |o| o.len()),
            diagnostics,
        }
    }
}

/// Buffers [`summarize`] reuses from token to token.
#[derive(Debug, Default)]
pub struct Scratch {
    header: Vec<u8>,
    payload: Vec<u8>,
    keys: Vec<u64>,
}

/// The [`Summary`] of `token`, equal to `Summary::from_decoded(&decode(token))`; strings
/// borrow from `scratch` where they could.
pub fn summarize<'s>(token: &str, scratch: &'s mut Scratch) -> Summary<'s> {
    let Scratch {
        header,
        payload,
        keys,
    } = scratch;
    if fill(token, header, payload) {
        let (header, payload): (&'s [u8], &'s [u8]) = (header, payload);
        if let Some(s) = fast(header, payload, keys) {
            return s;
        }
    }
    Summary::from_decoded(&decode(token))
}

/// Splits and base64url-decodes a three-segment token whose segments are all non-empty and
/// clean; `false` when [`decode`] would have something to say about the structure.
fn fill(token: &str, header: &mut Vec<u8>, payload: &mut Vec<u8>) -> bool {
    if token.len() > MAX_TOKEN_BYTES {
        return false;
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    header.clear();
    payload.clear();
    !h.is_empty()
        && !p.is_empty()
        && !s.is_empty()
        && base64::decode_clean_into(h, Alphabet::UrlSafe, header)
        && base64::decode_clean_into(p, Alphabet::UrlSafe, payload)
        && base64::clean_len(s, Alphabet::UrlSafe).is_some_and(|n| n > 0)
        && !payload.is_empty()
}

const HEADER: &[&str] = &["alg", "typ", "kid", "enc", "cty"];
const CLAIMS: &[&str] = &["iss", "sub", "aud", "exp", "iat", "nbf"];

/// The fast path over decoded segments; `None` for anything [`decode`] would judge.
fn fast<'s>(header: &'s [u8], payload: &'s [u8], keys: &mut Vec<u64>) -> Option<Summary<'s>> {
    let (h, _) = scan(header, HEADER, keys)?;
    let [alg, typ, kid, enc, cty, _] = h;
    // A JWE header, a nested token or an unsecured one: decode judges those.
    if enc.is_some() || cty.is_some() {
        return None;
    }
    let alg = alg?.string()?;
    if alg.eq_ignore_ascii_case("none") {
        return None;
    }
    let (c, claim_count) = scan(payload, CLAIMS, keys)?;
    let [iss, sub, aud, exp, iat, nbf] = c;
    Some(Summary {
        form: Form::Jws,
        alg: Some(alg),
        typ: typ.and_then(Field::string),
        kid: kid.and_then(Field::string),
        iss: iss.and_then(Field::string),
        sub: sub.and_then(Field::string),
        aud: aud.and_then(|a| match a {
            Field::List(first) => first.and_then(|f| f.string()),
            other => other.string(),
        }),
        exp: exp.and_then(Field::number),
        iat: iat.and_then(Field::number),
        nbf: nbf.and_then(Field::number),
        claim_count,
        diagnostics: 0,
    })
}

/// Reads a JSON object, keeping the members named in `wanted` (by position) and counting
/// members; `None` when it is not one object or has a member twice (serde_json's `Value`
/// keeps the last, so [`decode`] decides).
fn scan<'s>(
    bytes: &'s [u8],
    wanted: &'static [&'static str],
    keys: &mut Vec<u64>,
) -> Option<([Option<Field<'s>>; 6], usize)> {
    keys.clear();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = ObjectSeed { wanted, keys }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    keys.sort_unstable();
    if keys.windows(2).any(|w| w.first() == w.get(1)) {
        return None;
    }
    Some((found, keys.len()))
}

/// A member value, as far as a summary cares.
#[derive(Debug)]
enum Field<'de> {
    Str(Cow<'de, str>),
    Num(f64),
    /// An array and its first item.
    List(Option<Box<Field<'de>>>),
    Other,
}

impl<'de> Field<'de> {
    fn string(self) -> Option<Cow<'de, str>> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }

    fn number(self) -> Option<f64> {
        match self {
            Field::Num(n) => Some(n),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }

    // `as f64` is what `Value::as_f64` does with integers.
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Num(v as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Num(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Field::Num(v))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let first = seq.next_element::<Field<'de>>()?.map(Box::new);
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::List(first))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
}

/// A member name, borrowed unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }
}

/// FNV-1a: member names are short, and equal hashes only send the token to [`decode`].
fn key_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct ObjectSeed<'k> {
    wanted: &'static [&'static str],
    keys: &'k mut Vec<u64>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = [Option<Field<'de>>; 6];

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = [Option<Field<'de>>; 6];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found: [Option<Field<'de>>; 6] = Default::default();
        while let Some(Key(name)) = map.next_key::<Key<'de>>()? {
            self.keys.push(key_hash(&name));
            match self
                .wanted
                .iter()
                .position(|w| *w == name)
                .and_then(|i| found.get_mut(i))
            {
                Some(slot) => *slot = Some(map.next_value::<Field<'de>>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Numbers per token in [`Compact::numbers`].
pub const COMPACT_STRIDE: usize = 18;

/// Summaries of many tokens for a caller across a language boundary (the batched wasm API):
/// one list of numbers and one string, instead of an object per token.
///
/// Tokens go in as one string separated by `\n` (a compact JWS or JWE never contains one).
/// Per token, [`COMPACT_STRIDE`] numbers: `form` (0 JWS, 1 JWE, 2 malformed), `diagnostics`,
/// `claim_count`, `exp`, `iat`, `nbf` (NaN when absent), then `start, len` of `alg`, `typ`,
/// `kid`, `iss`, `sub`, `aud` in [`Compact::strings`] (UTF-16 code units, so JavaScript's
/// `strings.slice(start, start + len)`; `start` −1 when absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compact {
    /// The numbers, [`COMPACT_STRIDE`] per token.
    pub numbers: Vec<f64>,
    /// The string fields, concatenated.
    pub strings: String,
}

impl Compact {
    /// Summarizes every `\n`-separated token of `joined`, in order.
    ///
    /// Well-formed JWS tokens take the fast path of `jose/fast.rs`; the others, and
    /// anything it is not sure about, go through [`summarize`]. The output is exactly
    /// [`Compact::summarize_joined_full`]'s.
    pub fn summarize_joined(joined: &str) -> Self {
        let mut out = Compact::default();
        out.summarize_into(joined.as_bytes(), &mut CompactScratch::default());
        out
    }

    /// [`Compact::summarize_joined`] into `self`, reusing its allocations and `scratch`
    /// from batch to batch. `joined` may hold bytes that are not UTF-8: each token is then
    /// read as [`String::from_utf8_lossy`] reads it.
    pub fn summarize_into(&mut self, joined: &[u8], scratch: &mut CompactScratch) {
        super::fast::summarize_into(joined, self, scratch);
    }

    /// The reference for [`Compact::summarize_joined`]: every token through [`summarize`],
    /// without the batch fast path. For the differential tests and the fuzz target.
    pub fn summarize_joined_full(joined: &str) -> Self {
        let mut numbers = Vec::with_capacity(COMPACT_STRIDE * (joined.len() / 512 + 1));
        let mut strings = Vec::with_capacity(joined.len() / 8);
        let mut units = 0usize;
        let mut scratch = Scratch::default();
        for token in joined.split('\n') {
            let s = summarize(token, &mut scratch);
            push_summary(&mut numbers, &mut strings, &s, &mut units);
        }
        Compact {
            numbers,
            // Whole `str`s were appended, so this is UTF-8; lossy only to avoid a panic path.
            strings: String::from_utf8(strings)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }
}

/// Appends one token's summary to [`Compact`]'s numbers and (the bytes of) its strings;
/// `units` is the UTF-16 length of the strings so far.
pub(super) fn push_summary(
    numbers: &mut Vec<f64>,
    strings: &mut Vec<u8>,
    s: &Summary<'_>,
    units: &mut usize,
) {
    let form = match s.form {
        Form::Jws => 0.0,
        Form::Jwe => 1.0,
        Form::Malformed => 2.0,
    };
    let n = |v: Option<f64>| v.unwrap_or(f64::NAN);
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    numbers.extend([
        form,
        s.diagnostics as f64,
        s.claim_count as f64,
        n(s.exp),
        n(s.iat),
        n(s.nbf),
    ]);
    for field in [&s.alg, &s.typ, &s.kid, &s.iss, &s.sub, &s.aud] {
        match field {
            Some(text) => {
                let len = if text.is_ascii() {
                    text.len()
                } else {
                    text.encode_utf16().count()
                };
                strings.extend_from_slice(text.as_bytes());
                #[allow(clippy::cast_precision_loss)]
                numbers.extend([*units as f64, len as f64]);
                *units += len;
            }
            None => numbers.extend([-1.0, 0.0]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::encode_jws;
    use proptest::prelude::*;
    use serde_json::json;

    fn tok(header: &Value, claims: &Value) -> String {
        encode_jws(header, claims, &[9; 32])
    }

    #[test]
    fn fast_path_reads_the_fields() {
        let t = tok(
            &json!({"alg": "RS256", "typ": "at+jwt", "kid": "k\"1"}),
            &json!({"iss": "https://id/", "sub": "u", "aud": ["api", "x"], "exp": 1_700_000_000u64,
                    "iat": -5, "nbf": 1.5, "scope": "a b", "nested": {"deep": [1, 2]}}),
        );
        let mut scratch = Scratch::default();
        let s = summarize(&t, &mut scratch);
        assert_eq!(s.form, Form::Jws);
        assert_eq!(s.alg.as_deref(), Some("RS256"));
        assert_eq!(s.kid.as_deref(), Some("k\"1"));
        assert_eq!(s.aud.as_deref(), Some("api"));
        assert_eq!((s.exp, s.iat, s.nbf), (Some(1.7e9), Some(-5.0), Some(1.5)));
        assert_eq!((s.claim_count, s.diagnostics), (8, 0));
        assert!(
            matches!(s.iss, Some(Cow::Borrowed(_))),
            "no copy for plain strings"
        );
        assert_eq!(s, Summary::from_decoded(&decode(&t)));
    }

    /// Tokens [`decode`] judges: each must come out of `summarize` as `decode` sees it.
    #[test]
    fn judged_tokens_match_decode() {
        let claims = json!({"sub": "u", "exp": 1});
        let cases = [
            tok(&json!({"alg": "none"}), &claims),
            tok(&json!({"alg": "HS256", "enc": "A128GCM"}), &claims),
            tok(&json!({"alg": "HS256", "cty": "JWT"}), &claims),
            tok(&json!({"alg": 5}), &claims),
            tok(&json!({"alg": "HS256"}), &json!([1, 2])),
            tok(&json!({"alg": "HS256"}), &json!("text")),
            format!("{}.", tok(&json!({"alg": "HS256"}), &claims)),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1Iiwic3ViIjoidiJ9.c2ln".to_string(), // sub twice
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0".to_string(),
            "eyJhbGciOiJIUzI1NiJ9..c2ln".to_string(),
            "a.b.c.d.e".to_string(),
            String::new(),
            "not a token".to_string(),
        ];
        let mut scratch = Scratch::default();
        for t in cases {
            assert_eq!(
                summarize(&t, &mut scratch),
                Summary::from_decoded(&decode(&t)),
                "{t}"
            );
        }
    }

    #[test]
    fn compact_layout_gives_back_the_summaries() {
        let tokens = [
            tok(
                &json!({"alg": "RS256", "kid": "clé"}),
                &json!({"iss": "ïss", "aud": "a", "exp": 5}),
            ),
            "garbage".to_string(),
            tok(&json!({"alg": "none"}), &json!({"sub": "x"})),
        ];
        let joined = tokens.join("\n");
        let c = Compact::summarize_joined(&joined);
        assert_eq!(c.numbers.len(), COMPACT_STRIDE * tokens.len());
        let units: Vec<u16> = c.strings.encode_utf16().collect();
        let mut scratch = Scratch::default();
        for (i, t) in tokens.iter().enumerate() {
            let n = &c.numbers[i * COMPACT_STRIDE..(i + 1) * COMPACT_STRIDE];
            let s = summarize(t, &mut scratch);
            let text = |k: usize| {
                let (start, len) = (n[6 + 2 * k], n[7 + 2 * k]);
                (start >= 0.0).then(|| {
                    String::from_utf16(&units[start as usize..(start + len) as usize]).unwrap()
                })
            };
            assert_eq!(n[0], [0.0, 1.0, 2.0][s.form as usize]);
            assert_eq!((n[1], n[2]), (s.diagnostics as f64, s.claim_count as f64));
            assert_eq!(n[3].is_nan(), s.exp.is_none());
            let fields = [&s.alg, &s.typ, &s.kid, &s.iss, &s.sub, &s.aud];
            for (k, f) in fields.iter().enumerate() {
                assert_eq!(text(k).as_deref(), f.as_deref(), "token {i} field {k}");
            }
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1e12f64..1e12).prop_map(|n| json!(n)),
            "[a-z\"\\\\é ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("alg".to_string()),
                        Just("aud".to_string()),
                        Just("exp".to_string()),
                        "[a-z]{1,4}"
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The fast path never changes the answer: for any header and claims, and for any
        /// damage to the token, `summarize` is `from_decoded(decode(..))`.
        #[test]
        fn summarize_is_decode(mut header in any_json(), claims in any_json(), cut in 0usize..200, junk in "[.=+ a-z]{0,3}") {
            // Mostly headers with a string alg, so the fast path is taken often.
            if cut % 4 != 1 {
                if let Value::Object(m) = &mut header {
                    m.insert("alg".into(), json!("HS256"));
                } else {
                    header = json!({"alg": "ES256", "typ": "JWT"});
                }
            }
            let mut t = tok(&header, &claims);
            if cut % 3 == 0 {
                let at = cut.min(t.len());
                if t.is_char_boundary(at) {
                    t.insert_str(at, &junk);
                }
            }
            let mut scratch = Scratch::default();
            prop_assert_eq!(summarize(&t, &mut scratch), Summary::from_decoded(&decode(&t)));
        }
    }
}

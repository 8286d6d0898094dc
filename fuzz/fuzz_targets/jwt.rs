//! JOSE compact decoding (`jose::decode`) on arbitrary text, and on tokens assembled from
//! arbitrary segments (base64url-encoded, so the JSON layer is reached), plus the verdicts.
//! Input: a mode byte, then the data (segments separated by `0xFF` in assembled mode).
#![no_main]

use authlens::base64::{self, Alphabet};
use authlens::jose;
use authlens_fuzz::{assert_offsets, split_parts, text, NOW};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(d: &jose::Decoded, len: usize, depth: usize) {
    assert!(depth <= jose::MAX_NESTING + 1, "nesting beyond the limit");
    assert_eq!(d.length, len);
    assert_offsets(&d.diagnostics, len, "jose::decode");
    for s in &d.segments {
        assert!(
            s.offset.saturating_add(s.len) <= len,
            "segment {s:?} beyond token length {len}"
        );
    }
    if let Some(inner) = &d.nested {
        // A nested token lives inside this one's payload, so it is shorter.
        // Lossy UTF-8 can grow a payload (one invalid byte becomes U+FFFD, three bytes),
        // but never beyond three times the outer token.
        assert!(
            inner.length <= len.saturating_mul(3),
            "nested token longer than possible"
        );
        check(inner, inner.length, depth + 1);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let token = if mode & 1 == 0 {
        text(rest).into_owned()
    } else {
        let n = if mode & 2 == 0 { 3 } else { 5 };
        split_parts(rest, n)
            .iter()
            .map(|p| base64::encode(p, Alphabet::UrlSafe))
            .collect::<Vec<_>>()
            .join(".")
    };
    let decoded = jose::decode(&token);
    check(&decoded, token.len(), 0);
    let _ = decoded.claims_view(NOW);
    let findings = jose::validate(&decoded, NOW, i64::from(mode >> 2));
    for f in &findings {
        assert!(!f.id.is_empty());
    }
    let _ = serde_json::to_string(&decoded);

    // Re-encoding what was decoded gives a token that decodes to the same header and claims.
    if let (jose::Form::Jws, Some(h), Some(c)) = (decoded.form, &decoded.header, &decoded.claims) {
        let again = jose::decode(&jose::encode_jws(h, c, b"sig"));
        assert!(
            again.header.as_ref().is_some_and(|x| same(x, h, 0)),
            "header round trip: {h} vs {:?}",
            again.header
        );
        assert!(
            again.claims.as_ref().is_some_and(|x| same(x, c, 0)),
            "claims round trip: {c} vs {:?}",
            again.claims
        );
    }
});

/// JSON equality where floats may differ in the last place: serde_json's default float
/// parser is not correctly rounded (its `float_roundtrip` feature is off), so printing and
/// re-reading `2.444444444444445e85` can move it by one ulp. Not an authlens property.
fn same(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > 256 {
        return a == b;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) if x.is_f64() || y.is_f64() => {
                (p - q).abs() <= p.abs().max(q.abs()) * 1e-14
            }
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, depth + 1)))
        }
        _ => a == b,
    }
}

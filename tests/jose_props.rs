//! Property tests: the decoder never panics, and encode → decode round-trips.

use authlens::jose;
use authlens::time::Timestamp;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,24}".prop_map(Value::String),
        Just(Value::Null),
    ]
}

fn json_object() -> impl Strategy<Value = Value> {
    let leaf = json_scalar();
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    });
    proptest::collection::btree_map("[a-z_]{1,8}", value, 0..6)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
}

proptest! {
    #[test]
    fn decode_never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let d = jose::decode(&s);
        let _ = jose::validate(&d, Timestamp(0), 60);
        let _ = d.claims_view(Timestamp(0));
        prop_assert!(serde_json::to_string(&d).is_ok());
    }

    #[test]
    fn decode_never_panics_on_token_shaped_text(
        parts in proptest::collection::vec("[A-Za-z0-9_+/=\\- \u{e9}]{0,40}", 1..8)
    ) {
        let t = parts.join(".");
        let d = jose::decode(&t);
        prop_assert_eq!(d.segment_count, parts.len());
        for diag in &d.diagnostics {
            prop_assert!(diag.offset <= t.len().max(jose::MAX_TOKEN_BYTES));
        }
        let _ = jose::validate(&d, Timestamp(1_700_000_000_000), 60);
    }

    #[test]
    fn encode_decode_round_trips(
        mut header in json_object(),
        claims in json_object(),
        sig in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        header["alg"] = json!("HS256");
        header.as_object_mut().unwrap().remove("enc");
        header.as_object_mut().unwrap().remove("cty");
        let t = jose::encode_jws(&header, &claims, &sig);
        let d = jose::decode(&t);
        prop_assert_eq!(d.form, jose::Form::Jws);
        prop_assert_eq!(d.header.as_ref(), Some(&header));
        prop_assert_eq!(d.claims.as_ref(), Some(&claims));
        prop_assert_eq!(d.signature.as_ref().map(|s| s.bytes), Some(sig.len()));
        prop_assert!(d.diagnostics.iter().all(|x| x.code != "header-not-json"));
        prop_assert!(jose::looks_like_jose(&t));
    }

    /// The batch summary's fast path (`jose/fast.rs`) gives exactly the full path's numbers
    /// and strings, for tokens with any claims (non-ASCII, escapes, nesting) and any damage.
    #[test]
    fn compact_summary_fast_path_equals_full_path(
        tokens in proptest::collection::vec(
            (json_object(), json_object(), proptest::collection::vec(any::<u8>(), 0..80), 0usize..1200, "[.\n=a ]{0,2}"),
            1..4,
        ),
    ) {
        let joined = tokens
            .into_iter()
            .map(|(mut header, claims, sig, cut, junk)| {
                if cut % 5 != 0 {
                    header["alg"] = json!("RS256");
                    header.as_object_mut().unwrap().remove("enc");
                }
                let mut t = jose::encode_jws(&header, &claims, &sig);
                if cut % 7 == 0 && t.is_char_boundary(cut.min(t.len())) {
                    t.insert_str(cut.min(t.len()), &junk);
                }
                t
            })
            .collect::<Vec<_>>()
            .join("\n");
        let fast = jose::Compact::summarize_joined(&joined);
        let full = jose::Compact::summarize_joined_full(&joined);
        prop_assert_eq!(&fast.strings, &full.strings);
        let bits = |c: &jose::Compact| c.numbers.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&fast), bits(&full));
    }

    #[test]
    fn exp_verdict_matches_arithmetic(exp in -4_000_000_000i64..4_000_000_000, now in 0i64..4_000_000_000) {
        let t = jose::encode_jws(&json!({"alg":"ES256"}), &json!({"exp": exp}), b"s");
        let findings = jose::validate(&jose::decode(&t), Timestamp::from_unix_secs(now), 60);
        let expired = findings.iter().any(|f| f.id == "token-expired"
            && f.severity == authlens::diagnostic::Severity::Error);
        prop_assert_eq!(expired, exp <= now - 60);
    }
}

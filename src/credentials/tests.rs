use super::*;

#[test]
fn lex_scheme_table() {
    let cases = [
        ("Bearer abc", ("Bearer", 0)),
        ("  Basic x", ("Basic", 2)),
        ("Bearer%20abc", ("Bearer", 0)),
        ("bearer%20abc", ("bearer", 0)),
        ("AWS4-HMAC-SHA256 Credential=x", ("AWS4-HMAC-SHA256", 0)),
        ("Bearer: abc", ("Bearer", 0)),
        ("\"abc\"", ("", 0)),
        ("", ("", 0)),
    ];
    for (value, expected) in cases {
        assert_eq!(lex_scheme(value), expected, "{value:?}");
    }
}

#[test]
fn classify_table() {
    let cases = [
        ("Bearer", SchemeClass::Bearer),
        ("BEARER", SchemeClass::Bearer),
        ("DPoP", SchemeClass::Dpop),
        ("Basic", SchemeClass::Basic),
        ("Digest", SchemeClass::Digest),
        ("Negotiate", SchemeClass::Negotiate),
        ("Kerberos", SchemeClass::Negotiate),
        ("NTLM", SchemeClass::Ntlm),
        ("aws4-hmac-sha256", SchemeClass::Aws4),
        ("token", SchemeClass::ApiKey),
        ("SSWS", SchemeClass::ApiKey),
        ("JWT", SchemeClass::Other),
    ];
    for (scheme, class) in cases {
        assert_eq!(classify(scheme), class, "{scheme}");
    }
}

#[test]
fn percent_decode_table() {
    let cases = [
        ("abc", "abc"),
        ("a%20b", "a b"),
        ("a+b", "a+b"),
        ("%3D%3d", "=="),
        ("%zz%", "%zz%"),
        ("%", "%"),
        ("%C3%A4", "ä"),
        ("%FF", "\u{fffd}"),
    ];
    for (input, expected) in cases {
        assert_eq!(percent_decode(input), expected, "{input}");
    }
}

#[test]
fn fingerprint_is_stable_and_short() {
    let a = fingerprint("token-a");
    assert_eq!(a.len(), 12);
    assert_eq!(a, fingerprint("token-a"));
    assert_ne!(a, fingerprint("token-b"));
    // The first 9 bytes of SHA-256("abc"), base64url: ba7816bf8f01cfea41.
    assert_eq!(fingerprint("abc"), "ungWv48Bz-pB");
}

#[test]
fn context_charset_hint() {
    let at = Timestamp(0);
    assert!(Context::new(at).with_charset("UTF-8").utf8());
    assert!(Context::new(at).with_charset("\"utf-8\"").utf8());
    assert!(!Context::new(at).with_charset("ISO-8859-1").utf8());
    assert!(!Context::new(at).utf8());
}

fn jws(header: serde_json::Value, claims: serde_json::Value) -> String {
    jose::encode_jws(&header, &claims, &[1; 64])
}

/// Values whose decoding depends on time in every way: exp/nbf/iat, nested, unsigned, and
/// ones that do not depend on it at all.
fn rejudge_cases() -> Vec<String> {
    let t = 1_717_232_400i64;
    let claims = serde_json::json!({"sub": "u", "iat": t - 60, "nbf": t - 60, "exp": t + 600});
    let inner = jws(serde_json::json!({"alg": "HS256"}), claims.clone());
    vec![
        format!(
            "Bearer {}",
            jws(serde_json::json!({"alg": "RS256"}), claims.clone())
        ),
        format!(
            "Bearer {}",
            jws(serde_json::json!({"alg": "none"}), claims.clone())
        ),
        format!(
            "Bearer {}.{}.c2ln",
            base64::encode(br#"{"alg":"HS256","cty":"JWT"}"#, Alphabet::UrlSafe),
            base64::encode(inner.as_bytes(), Alphabet::UrlSafe)
        ),
        format!(
            "bearer  \"{}\"",
            jws(serde_json::json!({"alg": "ES256"}), claims)
        ),
        format!(
            "Bearer {}",
            jws(
                serde_json::json!({"alg": "HS256"}),
                serde_json::json!({"exp": "soon"})
            )
        ),
        "Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345".to_string(),
        "Basic dXNlcjpwYXNz".to_string(),
        "Bearer undefined".to_string(),
    ]
}

#[test]
fn rejudge_at_equals_decoding_at_that_instant() {
    let t = Timestamp::from_unix_secs(1_717_232_400);
    let instants = [-7200, -61, 0, 590, 660, 601, 86_400].map(|d| Timestamp(t.0 + d * 1000));
    for value in rejudge_cases() {
        let first = decode_authorization(&value, &Context::new(t));
        for at in instants {
            let mut moved = first.clone();
            rejudge_at(&mut moved, Some(at), DEFAULT_LEEWAY);
            assert_eq!(
                moved,
                decode_authorization(&value, &Context::new(at)),
                "{value} at {at:?}"
            );
        }
        // Without an instant there are no time verdicts at all.
        let mut none = first.clone();
        rejudge_at(&mut none, None, DEFAULT_LEEWAY);
        assert!(none
            .findings
            .iter()
            .all(|f| !jose::TIME_VERDICT_IDS.contains(&f.id)));
    }
}

const DEFAULT_LEEWAY: i64 = jose::DEFAULT_LEEWAY_SECS;

proptest::proptest! {
    /// Moving a decoding to any instant is the same as decoding there.
    #[test]
    fn rejudge_at_is_decoding_at_any_instant(case in 0usize..8, from in -1_000_000i64..1_000_000, to in -1_000_000i64..1_000_000) {
        let value = rejudge_cases().swap_remove(case);
        let base = 1_717_232_400_000i64;
        let mut moved = decode_authorization(&value, &Context::new(Timestamp(base + from * 1000)));
        rejudge_at(&mut moved, Some(Timestamp(base + to * 1000)), DEFAULT_LEEWAY);
        proptest::prop_assert_eq!(moved, decode_authorization(&value, &Context::new(Timestamp(base + to * 1000))));
    }
}

proptest::proptest! {
    /// Whatever is sent, the decoders only produce catalogued finding ids.
    #[test]
    fn findings_use_only_listed_ids(
        scheme in proptest::sample::select(vec!["Bearer ", "DPoP ", "Basic ", "Digest ", "AWS4-HMAC-SHA256 ", "token ", "", "Bearer Bearer "]),
        token in proptest::sample::select(rejudge_cases()),
        noise in "[ -~]{0,40}",
        proof in proptest::option::of("[A-Za-z0-9._-]{0,80}"),
    ) {
        let value = format!("{scheme}{}{noise}", token.split_once(' ').map_or(token.as_str(), |(_, t)| t));
        let mut req = crate::exchange::Request {
            method: "GET".into(),
            url: "https://api.example.com/v1/me?access_token=abc".into(),
            ..crate::exchange::Request::default()
        };
        req.headers.push("Authorization", value.as_str());
        if let Some(p) = &proof {
            req.headers.push("DPoP", p.as_str());
        }
        for c in from_request(&req, &Context::new(Timestamp::from_unix_secs(1_717_232_400))) {
            for f in &c.credential.findings {
                proptest::prop_assert!(FINDING_IDS.contains(&f.id), "{} from {value:?}", f.id);
            }
        }
    }
}

use super::*;
use serde_json::json;

fn b64(s: &str) -> String {
    base64::encode(s.as_bytes(), Alphabet::UrlSafe)
}

fn codes(d: &Decoded) -> Vec<&'static str> {
    d.diagnostics.iter().map(|d| d.code).collect()
}

fn token(header: &str, payload: &str, sig: &str) -> String {
    format!("{}.{}.{}", b64(header), b64(payload), sig)
}

const NOW: Timestamp = Timestamp(1_795_255_200_000); // 2026-11-21T10:00:00Z

#[test]
fn segment_count_problems_are_positioned() {
    // (input, form, code, offset)
    let h = b64(r#"{"alg":"HS256"}"#);
    let p = b64(r#"{"sub":"a"}"#);
    let two = format!("{h}.{p}");
    let four = format!("{h}.{p}.c2ln.extra");
    let six = format!("{h}.a.b.c.d.e");
    let cases: Vec<(String, &str, usize)> = vec![
        ("abc".into(), "not-compact", 0),
        (two.clone(), "missing-segment", two.len()),
        (
            four.clone(),
            "wrong-segment-count",
            four.rfind('.').unwrap(),
        ),
        (six.clone(), "wrong-segment-count", six.rfind('.').unwrap()),
        ("".into(), "empty-token", 0),
    ];
    for (input, code, offset) in cases {
        let d = decode(&input);
        assert_eq!(d.form, Form::Malformed, "{input}");
        let diag = d
            .diagnostics
            .iter()
            .find(|x| x.code == code)
            .unwrap_or_else(|| panic!("{input}: {:?}", d.diagnostics));
        assert_eq!(diag.offset, offset, "{input}");
    }
}

#[test]
fn truncated_jws_still_shows_claims() {
    let t = format!("{}.{}", b64(r#"{"alg":"RS256"}"#), b64(r#"{"sub":"42"}"#));
    let d = decode(&t);
    assert_eq!(d.alg(), Some("RS256"));
    assert_eq!(d.claims, Some(json!({"sub": "42"})));
    assert!(d.signature.is_none());
}

#[test]
fn base64_problems_are_shifted_to_the_segment() {
    let h = b64(r#"{"alg":"HS256"}"#);
    let t = format!("{h}.eyJz+WIiOiJhIn0.c2ln");
    let d = decode(&t);
    let diag = d
        .diagnostics
        .iter()
        .find(|x| x.code == "base64-wrong-alphabet")
        .unwrap();
    assert_eq!(diag.offset, h.len() + 1 + 4);
    let padded = format!("{h}.{}==.c2ln", b64("{}"));
    let d = decode(&padded);
    assert!(codes(&d).contains(&"base64-padding"), "{:?}", d.diagnostics);
}

#[test]
fn header_problems_table() {
    let cases = [
        (format!(".{}.sig", b64("{}")), "empty-header"),
        (token("not json", "{}", "sig"), "header-not-json"),
        (token("[1,2]", "{}", "sig"), "header-not-object"),
        (token(r#"{"typ":"JWT"}"#, "{}", "sig"), "missing-alg"),
        (
            token(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#, "{}", "sig"),
            "jwe-header-in-jws",
        ),
        (
            format!("{}.a.b.c.d", b64(r#"{"alg":"dir"}"#)),
            "missing-enc",
        ),
        (format!("{}.{}.sig", "_-8", b64("{}")), "header-not-utf8"),
        (token(r#"{"alg":"HS256"}"#, "{}", ""), "empty-signature"),
        (
            token(r#"{"alg":"none"}"#, "{}", "c2ln"),
            "unsecured-with-signature",
        ),
        (
            token(r#"{"alg":"HS256"}"#, "[1]", "c2ln"),
            "payload-not-object",
        ),
        (
            token(r#"{"alg":"HS256"}"#, "hello", "c2ln"),
            "payload-not-json",
        ),
        (
            format!(
                "{}.AAAA.AAAA..AAAA",
                b64(r#"{"alg":"dir","enc":"A128GCM"}"#)
            ),
            "empty-ciphertext",
        ),
    ];
    for (input, code) in cases {
        let d = decode(&input);
        assert!(codes(&d).contains(&code), "{input}: {:?}", d.diagnostics);
    }
}

#[test]
fn json_depth_is_bounded_by_serde_json_recursion_limit() {
    // 5000 nested arrays: serde_json stops at depth 128 with an error, no stack overflow.
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let t = token(&deep, "{}", "c2ln");
    let d = decode(&t);
    let diag = d
        .diagnostics
        .iter()
        .find(|x| x.code == "header-not-json")
        .unwrap();
    assert!(diag.message.contains("recursion limit"), "{}", diag.message);
    let t = token(r#"{"alg":"HS256"}"#, &deep, "c2ln");
    let d = decode(&t);
    assert!(d.claims.is_none());
    assert!(!d.payload.unwrap().json);
}

#[test]
fn oversized_token_is_measured_not_decoded() {
    let big = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"HS256"}"#),
        "A".repeat(MAX_TOKEN_BYTES)
    );
    let d = decode(&big);
    assert_eq!(codes(&d), vec!["token-too-large"]);
    assert!(d.header.is_none());
    assert_eq!(d.segment_count, 3);
    assert_eq!(d.length, big.len());
}

#[test]
fn many_dots_do_not_allocate_per_segment() {
    let t = ".".repeat(50_000);
    let d = decode(&t);
    assert_eq!(d.segment_count, 50_001);
    assert!(d.segments.len() <= 6);
}

#[test]
fn nested_jwt_is_decoded_and_bounded() {
    let inner = token(r#"{"alg":"HS256"}"#, r#"{"sub":"inner"}"#, "c2ln");
    let outer = token(r#"{"alg":"HS256","cty":"JWT"}"#, &inner, "c2ln");
    let d = decode(&outer);
    let n = d.nested.as_deref().unwrap();
    assert_eq!(n.claims, Some(json!({"sub": "inner"})));
    assert_eq!(d.effective_claims(), Some(&json!({"sub": "inner"})));
    assert!(d.claims.is_none());

    // Without cty the payload is still recognised, with a note.
    let outer = token(r#"{"alg":"HS256"}"#, &inner, "c2ln");
    let d = decode(&outer);
    assert!(d.nested.is_some());
    assert!(codes(&d).contains(&"nested-without-cty"));

    // Ten levels: followed MAX_NESTING deep, then a warning.
    let mut t = inner;
    for _ in 0..10 {
        t = token(r#"{"alg":"HS256","cty":"JWT"}"#, &t, "c2ln");
    }
    let d = decode(&t);
    let mut depth = 0;
    let mut cur = &d;
    while let Some(n) = cur.nested.as_deref() {
        depth += 1;
        cur = n;
    }
    assert_eq!(depth, MAX_NESTING);
    assert!(codes(cur).contains(&"nesting-too-deep"));
}

#[test]
fn looks_like_jose_separates_dotted_opaque_tokens() {
    let cases = [
        (token(r#"{"alg":"HS256"}"#, "{}", "c2ln"), true),
        (format!("{}.a.b.c.d", b64("{\"alg\":\"dir\"}")), true),
        (format!("{}.e30.", b64("\n {\"alg\":\"none\"}")), true),
        ("mF_9.B5f-4.1JqM".to_string(), false),
        (
            "SG.abcdefghijklmnop.qrstuvwxyz0123456789".to_string(),
            false,
        ),
        ("ya29.a0AfH6SMBx".to_string(), false),
        ("eyJhbGciOiJIUzI1NiJ9".to_string(), false),
        ("".to_string(), false),
    ];
    for (t, expected) in cases {
        assert_eq!(looks_like_jose(&t), expected, "{t}");
    }
}

#[test]
fn claims_view_reads_registered_claims() {
    let claims = json!({
        "iss": "https://issuer.example",
        "sub": "user-1",
        "aud": ["api://a", "api://b"],
        "azp": "spa",
        "client_id": "cli",
        "jti": "id-1",
        "exp": 1_795_255_020, // 3 min before NOW
        "iat": 1_795_251_420, // exp - 1 h
        "nbf": 1_795_251_420,
        "scope": "read write  admin",
        "roles": ["r1"],
        "groups": "g1 g2",
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
    });
    let t = encode_jws(
        &json!({"alg":"RS256","typ":"at+jwt","kid":"k1"}),
        &claims,
        b"s",
    );
    let v = decode(&t).claims_view(NOW);
    assert_eq!(v.iss.as_deref(), Some("https://issuer.example"));
    assert_eq!(v.aud, vec!["api://a", "api://b"]);
    assert_eq!(v.scopes, vec!["read", "write", "admin"]);
    assert_eq!(v.groups, vec!["g1", "g2"]);
    assert_eq!(v.roles, vec!["r1"]);
    assert!(v.access_token_jwt);
    assert_eq!(v.kid.as_deref(), Some("k1"));
    let exp = v.exp.unwrap();
    assert_eq!(exp.utc, "2026-11-21 09:57:00 UTC");
    assert_eq!(exp.relative, "3 min before");
    assert_eq!(exp.secs_from_reference, -180);
    assert_eq!(v.lifetime_secs, Some(3600));
    assert_eq!(v.lifetime.as_deref(), Some("1 h"));
    assert_eq!(
        v.cnf_jkt.as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
}

#[test]
fn numeric_date_variants_are_diagnosed() {
    // (exp value, expected code, expected instant in unix secs)
    let cases = [
        (
            json!(1_795_255_200.5),
            Some("numeric-date-fractional"),
            Some(1_795_255_200),
        ),
        (
            json!("1795255200"),
            Some("numeric-date-string"),
            Some(1_795_255_200),
        ),
        (
            json!("2026-11-21T10:00:00Z"),
            Some("numeric-date-string"),
            Some(1_795_255_200),
        ),
        (
            json!(1_795_255_200_000_i64),
            Some("numeric-date-millis"),
            Some(1_795_255_200_000),
        ),
        (json!("tomorrow"), Some("numeric-date-invalid"), None),
        (json!(true), Some("numeric-date-invalid"), None),
        (json!(1e300), Some("numeric-date-out-of-range"), None),
        (json!(1_795_255_200), None, Some(1_795_255_200)),
    ];
    for (value, code, secs) in cases {
        let t = encode_jws(&json!({"alg":"HS256"}), &json!({ "exp": value }), b"s");
        let v = decode(&t).claims_view(NOW);
        let got: Vec<_> = v.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(got, code.into_iter().collect::<Vec<_>>(), "{value}");
        assert_eq!(v.exp.map(|e| e.at.unix_secs()), secs, "{value}");
    }
}

#[test]
fn wrongly_typed_claims_are_kept_and_flagged() {
    let t = encode_jws(
        &json!({"alg":"HS256"}),
        &json!({"iss": 42, "aud": {"x": 1}, "scp": ["a", 7]}),
        b"s",
    );
    let v = decode(&t).claims_view(NOW);
    assert_eq!(v.iss.as_deref(), Some("42"));
    assert_eq!(v.aud, vec![r#"{"x":1}"#]);
    assert_eq!(v.scopes, vec!["a", "7"]);
    assert_eq!(
        v.diagnostics
            .iter()
            .filter(|d| d.code == "claim-not-string")
            .count(),
        3
    );
}

fn ids(f: &[crate::finding::Finding]) -> Vec<(&'static str, Severity)> {
    f.iter().map(|f| (f.id, f.severity)).collect()
}

use crate::diagnostic::Severity;

#[test]
fn validate_time_verdicts_table() {
    let now = NOW.unix_secs();
    // (claims, expected findings)
    let cases = [
        (
            json!({"exp": now - 180}),
            vec![("token-expired", Severity::Error)],
        ),
        (
            json!({"exp": now - 30}),
            vec![("token-expired", Severity::Warning)],
        ),
        (
            json!({"exp": now}),
            vec![("token-expired", Severity::Warning)],
        ),
        (json!({"exp": now + 1}), vec![]),
        (
            json!({"nbf": now + 600}),
            vec![("token-not-yet-valid", Severity::Error)],
        ),
        (
            json!({"iat": now + 600}),
            vec![("token-not-yet-valid", Severity::Error)],
        ),
        (json!({"nbf": now + 30, "iat": now + 30}), vec![]),
        (
            json!({"exp": now + 3600, "iat": now - 60, "nbf": now - 60}),
            vec![],
        ),
    ];
    for (claims, expected) in cases {
        let t = encode_jws(&json!({"alg":"ES256"}), &claims, b"sig");
        let f = validate(&decode(&t), NOW, DEFAULT_LEEWAY_SECS);
        assert_eq!(ids(&f), expected, "{claims}");
    }
}

#[test]
fn expired_detail_says_how_long_before() {
    let t = encode_jws(
        &json!({"alg":"ES256"}),
        &json!({"exp": NOW.unix_secs() - 200}),
        b"sig",
    );
    let f = validate(&decode(&t), NOW, 60);
    let f = f.first().unwrap();
    assert_eq!(f.title, "Token expired 3 min 20 s before this request");
    assert!(f.detail.contains("2026-11-21 09:56:40 UTC"), "{}", f.detail);
    assert_eq!(f.fixes, vec!["refresh-token", "relogin"]);
    assert_eq!(f.refs[0].title, "RFC 7519 §4.1.4");
    assert_eq!(f.evidence[0].label, "claim exp");
}

#[test]
fn not_yet_valid_points_at_clock_skew() {
    let t = encode_jws(
        &json!({"alg":"ES256"}),
        &json!({"nbf": NOW.unix_secs() + 600, "iat": NOW.unix_secs() + 600}),
        b"sig",
    );
    let f = validate(&decode(&t), NOW, 60);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].fixes, vec!["sync-clock"]);
    assert!(f[0].detail.contains("clock"));
    assert_eq!(f[0].evidence.len(), 3);
}

#[test]
fn validate_structure_verdicts() {
    let f = validate(&decode("abc.def"), NOW, 60);
    assert_eq!(ids(&f), vec![("malformed-authorization", Severity::Error)]);
    assert_eq!(f[0].fixes, vec!["fix-authorization-format"]);
    let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64("{}"));
    let f = validate(&decode(&none), NOW, 60);
    assert_eq!(ids(&f), vec![("alg-none", Severity::Error)]);
    // A broken claim value is a structural problem too.
    let t = encode_jws(&json!({"alg":"HS256"}), &json!({"exp": "soon"}), b"s");
    let f = validate(&decode(&t), NOW, 60);
    assert_eq!(ids(&f), vec![("malformed-authorization", Severity::Error)]);
}

#[test]
fn jwe_has_no_claim_verdicts() {
    let t = format!(
        "{}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
        b64(r#"{"alg":"dir","enc":"A256GCM"}"#)
    );
    let d = decode(&t);
    assert_eq!(d.form, Form::Jwe);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert!(validate(&d, NOW, 60).is_empty());
}

#[test]
fn serialized_output_masks_signature_and_payload_text() {
    let t = token(
        r#"{"alg":"HS256"}"#,
        "super secret payload text",
        "c2lnbmF0dXJlc2lnbmF0dXJl",
    );
    let d = decode(&t);
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("super secret payload text"), "{json}");
    assert!(!json.contains("c2lnbmF0dXJlc2lnbmF0dXJl"), "{json}");
    assert!(json.contains("\"form\":\"jws\""), "{json}");
}

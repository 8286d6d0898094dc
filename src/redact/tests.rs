//! Redaction tests: credential values decode the same before and after, markers have the
//! documented shape, and nothing secret survives.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::base64::{self, Alphabet};
use crate::credentials::{decode_authorization, Context};
use crate::exchange::{Body, Headers, Request, Response};
use crate::jose;
use crate::time::Timestamp;

fn b64u(s: &str) -> String {
    base64::encode(s.as_bytes(), Alphabet::UrlSafe)
}

fn b64(s: &[u8]) -> String {
    base64::encode(s, Alphabet::Standard)
}

fn jwt(header: &str, claims: &str, sig: &str) -> String {
    format!("{}.{}.{}", b64u(header), b64u(claims), b64u(sig))
}

fn at() -> Timestamp {
    Timestamp::from_unix_secs(1_800_000_000)
}

/// Finding ids, diagnostic codes, kind and scheme: what the diagnosis reads of a credential.
fn decoded_shape(value: &str) -> (String, String, Vec<&'static str>, Vec<&'static str>) {
    let d = decode_authorization(value, &Context::new(at()));
    let mut codes: Vec<&'static str> = d.diagnostics.iter().map(|x| x.code).collect();
    codes.sort_unstable();
    codes.dedup();
    (
        d.scheme.clone(),
        format!("{:?}", d.kind),
        d.findings.iter().map(|f| f.id).collect(),
        codes,
    )
}

fn authorization_corpus() -> Vec<String> {
    let claims = r#"{"iss":"https://id.example.com","sub":"user-1","email":"a@example.com","aud":"api","iat":1799990000,"exp":1799999000,"scope":"read write"}"#;
    let token = jwt(
        r#"{"alg":"RS256","kid":"k1","typ":"at+jwt"}"#,
        claims,
        "sig-bytes-0123456789",
    );
    let expired = jwt(
        r#"{"alg":"HS256"}"#,
        r#"{"exp":1700000000,"sub":"x"}"#,
        "another-signature-xyz",
    );
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        b64u(r#"{"alg":"dir","enc":"A256GCM"}"#),
        "",
        b64u("iv-0123456789ab"),
        b64u("ciphertext-0123456789abcdef"),
        b64u("tag-0123456789ab")
    );
    vec![
        format!("Bearer {token}"),
        format!("Bearer {expired}"),
        format!("Bearer {jwe}"),
        format!("Bearer Bearer {token}"),
        format!("bearer {token}"),
        format!("Bearer \"{token}\""),
        format!("Bearer {token};"),
        format!("Bearer: {token}"),
        format!("Bearer%20{token}"),
        format!("Bearer {token}\n"),
        format!("Bearer {}", token.replacen('.', ". ", 1)),
        format!("Bearer {}", token.replace('-', "+")),
        format!("Bearer {}=", token),
        token.clone(),
        "Bearer undefined".into(),
        "Bearer ".into(),
        "Bearer [object Object]".into(),
        "Bearer {{access_token}}".into(),
        "Bearer eyJh…[28 chars]".into(),
        "Bearer opaque-Token_0123456789abcdef".into(),
        "Bearer ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78".into(),
        "Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc".into(),
        "Bearer AKIAIOSFODNN7EXAMPLE".into(),
        "Bearer SK0123456789abcdef0123456789abcdef".into(),
        "Bearer pk_test_TYooMQauvdEDq54NiTphI7jx".into(),
        "Bearer abc%2Bdef%2Fghijklmnop".into(),
        "Bearer abc\u{e9}defghijklmnop".into(),
        "Bearer sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01&sig=AbCdEf0123456789%2B%3D".into(),
        "Token 0123456789abcdef0123456789abcdef".into(),
        format!("Basic {}", b64(b"alice:open sesame 42")),
        format!("Basic {}", b64(b"alice:")),
        format!("Basic {}", b64(b":")),
        format!("Basic {}", b64(b"undefined:undefined")),
        format!("Basic {}", b64(b"alice:p\xe4sswort-99")),
        format!("Basic {}", b64("alice:pässwort-99".as_bytes())),
        format!("Basic {}", b64(b"alice:secret-with-newline\n")),
        format!("Basic {}", b64(b"no-colon-token-0123456789")),
        format!("Basic {}", b64(b"sk_live_4eC39HqLyjWDarjtT1zdp7dc:")),
        format!("Basic {}", b64(b"alice:pw-123456").trim_end_matches('=')),
        format!("Basic {}", base64::encode(b"alice:pw~~~>>>???", Alphabet::UrlSafe)),
        "Basic !!!not-base64!!!".into(),
        "Digest username=\"Mufasa\", realm=\"r\", uri=\"/dir/index.html\", nonce=\"dcd98b\", response=\"6629fae49393a05397450978507c4ef1\", qop=auth, nc=00000001, cnonce=\"0a4f113b\"".into(),
        "Digest username=\"Mufasa\", realm=\"r\", uri=\"/x\", nonce=\"n\", response=\"short\"".into(),
        "Digest username=\"Mufasa\", realm=\"r\", nonce=\"n\", response=\"6629fae49393a05397450978507c4ef1\"".into(),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024".into(),
        "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=xyz".into(),
        "OAuth oauth_consumer_key=\"key\", oauth_token=\"tok-0123456789\", oauth_signature=\"c2lnbmF0dXJl%3D\", oauth_nonce=\"n1\"".into(),
        format!("Bearer {token}, Basic {}", b64(b"bob:hunter2-000")),
        "Negotiate".into(),
        "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==".into(),
        "DPoP dpop-bound-access-token-0123456789".into(),
        "REDACTED-token-12chars-1".into(),
        "   ".into(),
    ]
}

#[test]
fn credentials_decode_the_same_after_redaction() {
    let mut r = Redactor::new(RedactOptions::default());
    for value in authorization_corpus() {
        let out = r.authorization(&value);
        assert_eq!(
            decoded_shape(&value),
            decoded_shape(&out),
            "{value:?}\n  became {out:?}"
        );
    }
}

#[test]
fn placeholders_and_markers_stay_as_sent() {
    let mut r = Redactor::new(RedactOptions::default());
    for value in [
        "Bearer undefined",
        "Bearer null",
        "Bearer ",
        "Bearer {{access_token}}",
        "Bearer ${TOKEN}",
        "Bearer [object Object]",
        "Basic dXNlcjo=",
        "Negotiate",
        "Bearer REDACTED-token-40chars-7",
        "",
    ] {
        assert_eq!(r.authorization(value), value, "{value:?}");
    }
}

#[test]
fn markers_have_the_documented_shape() {
    let mut r = Redactor::new(RedactOptions::default());
    let cases = [
        (
            "Bearer opaque-Token_0123456789abcdef",
            "Bearer REDACTED-token-29chars-1",
        ),
        (
            "Bearer ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78",
            "Bearer ghp_REDACTED-token-40chars-2",
        ),
        ("Bearer AKIAIOSFODNN7EXAMPLE", "Bearer AKIAREDACTED00000003"),
        (
            "Bearer Bearer opaque-Token_0123456789abcdef",
            "Bearer Bearer REDACTED-token-29chars-1",
        ),
        (
            "bearer opaque-Token_0123456789abcdef;",
            "bearer REDACTED-token-29chars-1;",
        ),
    ];
    for (value, want) in cases {
        assert_eq!(r.authorization(value), want, "{value:?}");
    }
    let basic = r.authorization(&format!("Basic {}", b64(b"alice:open sesame 42")));
    let plain = base64::decode(basic.trim_start_matches("Basic "), Alphabet::Standard).bytes;
    // The id is zero-padded so the encoding keeps its padding: `…-4`, `…-04` or `…-004`.
    let plain = String::from_utf8(plain).unwrap();
    assert!(
        plain.starts_with("alice:REDACTED-password-14chars-"),
        "{plain}"
    );
    let id = plain.trim_start_matches("alice:REDACTED-password-14chars-");
    assert!(id.trim_start_matches('0') == "4", "{plain}");
    let digest =
        r.authorization("Digest username=\"u\", response=\"6629fae49393a05397450978507c4ef1\"");
    assert_eq!(
        digest,
        "Digest username=\"u\", response=\"00000000000000000000000000000005\""
    );
}

#[test]
fn jws_keeps_header_and_allowlisted_claims() {
    let header = r#"{"alg":"RS256","kid":"k1","typ":"at+jwt"}"#;
    let claims = r#"{"iss":"https://id","sub":"user-1","email":"a@example.com","aud":["api"],"exp":1799999000,"cnf":{"jkt":"abc","x5t#S256":"def"},"name":"Alice"}"#;
    let token = jwt(header, claims, "signature-bytes-0123456789");
    let mut r = Redactor::new(RedactOptions::default());
    let out = r.authorization(&format!("Bearer {token}"));
    let new = out.trim_start_matches("Bearer ");
    let parts: Vec<&str> = new.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0],
        token.split('.').next().unwrap(),
        "header kept as sent"
    );
    let d = jose::decode(new);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    let c = d.claims.unwrap();
    assert_eq!(
        c,
        serde_json::json!({"iss":"https://id","aud":["api"],"exp":1799999000,"cnf":{"jkt":"abc"}})
    );
    assert!(
        parts[2].starts_with("REDACTED-sig-35chars-"),
        "{}",
        parts[2]
    );
    let items: Vec<&str> = r.summary().items.iter().map(|i| i.what.as_str()).collect();
    assert_eq!(
        items,
        [
            "JWT claims (cnf.x5t#S256, email, name, sub)",
            "JWS signature"
        ]
    );

    let mut r = Redactor::new(RedactOptions::default().keep_claim("sub"));
    let out = r.authorization(&format!("Bearer {token}"));
    let c = jose::decode(out.trim_start_matches("Bearer "))
        .claims
        .unwrap();
    assert_eq!(c.get("sub"), Some(&Value::from("user-1")));

    let mut r = Redactor::new(RedactOptions::default().with_claims(false));
    let out = r.authorization(&format!("Bearer {token}"));
    let c = jose::decode(out.trim_start_matches("Bearer "))
        .claims
        .unwrap();
    let only: Vec<&String> = c.as_object().unwrap().keys().collect();
    assert_eq!(only, ["redacted"]);
}

#[test]
fn private_jwk_members_are_removed_but_still_seen() {
    let proof = jwt(
        r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"xx","y":"yy","d":"PRIVATE-KEY-MATERIAL-0123"}}"#,
        r#"{"htm":"GET","htu":"https://api.example.com/x?token=abcdef0123456789","iat":1799999990,"jti":"j1"}"#,
        "sig-0123456789",
    );
    let ex = Exchange {
        request: Request {
            method: "GET".into(),
            url: "https://api.example.com/x".into(),
            headers: [("DPoP", proof.as_str())].into_iter().collect::<Headers>(),
            ..Request::default()
        },
        ..Exchange::default()
    };
    let (out, _) = redact_exchange(&ex, &RedactOptions::default());
    let v = out.request.headers.get("DPoP").unwrap();
    assert!(!v.contains(&b64u("PRIVATE-KEY-MATERIAL-0123")));
    let d = jose::decode(v);
    let h = d.header.unwrap();
    assert!(h["jwk"]["d"]
        .as_str()
        .unwrap()
        .starts_with("REDACTED-privatekey-"));
    assert_eq!(h["jwk"]["x"], "xx");
    let c = d.claims.unwrap();
    assert!(!c["htu"].as_str().unwrap().contains("abcdef0123456789"));
}

#[test]
fn same_secret_same_marker_different_secret_different_marker() {
    let mut r = Redactor::new(RedactOptions::default());
    let a1 = r.authorization("Bearer opaque-Token_0123456789abcdef");
    let b = r.authorization("Bearer opaque-Token_0123456789abcdeX");
    let a2 = r.authorization("Bearer opaque-Token_0123456789abcdef");
    assert_eq!(a1, a2);
    assert_ne!(a1, b);
}

#[test]
fn options_deserialize_with_defaults() {
    let o: RedactOptions = serde_json::from_str(r#"{"keep_bodies":true}"#).unwrap();
    assert_eq!(o, RedactOptions::default().with_bodies(true));
    let o: RedactOptions = serde_json::from_str(r#"{"claims":["sub"]}"#).unwrap();
    assert!(o.keep_claims);
    assert_eq!(o.claims, ["sub"]);
}

#[test]
fn a_value_keeps_its_marker_wherever_it_appears() {
    // A refresh token sent in a form, then in a cookie: equal must stay equal.
    let mut r = Redactor::new(RedactOptions::default());
    let in_form = r.token(
        "rt-0123456789abcdef",
        Secret::Token,
        "request body refresh_token",
    );
    let in_cookie = r.cookie_header("refresh=rt-0123456789abcdef");
    assert_eq!(in_cookie, format!("refresh={in_form}"));
}

fn exchange_with_everything() -> Exchange {
    let token = jwt(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"s"}"#,
        "sig-AAAA-0123456789",
    );
    Exchange {
        index: 3,
        request: Request {
            method: "POST".into(),
            url: "https://id.example.com/oauth/token?client_secret=cs-0123456789abc".into(),
            http_version: "HTTP/1.1".into(),
            headers: [
                ("Authorization", format!("Bearer {token}")),
                ("Cookie", "sid=cookie-0123456789abc; theme=dark".to_string()),
                ("X-Api-Key", "apikey-0123456789abc".to_string()),
                ("Referer", "https://app.example.com/cb?code=code-0123456789abc".to_string()),
                ("X-Debug", "seen token ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78".to_string()),
            ]
            .into_iter()
            .collect(),
            body: Some(Body {
                mime_type: "application/x-www-form-urlencoded".into(),
                text: "grant_type=password&username=alice&password=pw-0123456789abc".into(),
                encoding: None,
            }),
        },
        response: Response {
            status: 400,
            headers: [
                ("Set-Cookie", "sid=cookie-9876543210xyz; Path=/; HttpOnly"),
                ("Location", "https://app.example.com/#access_token=at-0123456789abc"),
                ("X-Echo", "cookie-0123456789abc"),
            ]
            .into_iter()
            .collect(),
            body: Some(Body {
                mime_type: "application/json".into(),
                text: r#"{"error":"invalid_grant","refresh_token":"rt-0123456789abc","hint":"pw-0123456789abc"}"#
                    .into(),
                encoding: None,
            }),
            ..Response::default()
        },
        ..Exchange::default()
    }
}

const EVERYTHING_SECRETS: &[&str] = &[
    "sig-AAAA-0123456789",
    "cs-0123456789abc",
    "cookie-0123456789abc",
    "apikey-0123456789abc",
    "code-0123456789abc",
    "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78",
    "pw-0123456789abc",
    "cookie-9876543210xyz",
    "at-0123456789abc",
    "rt-0123456789abc",
];

#[test]
fn nothing_secret_survives_an_exchange() {
    let ex = exchange_with_everything();
    let (out, summary) = redact_exchange(&ex, &RedactOptions::default());
    let text = serde_json::to_string(&out).unwrap() + &serde_json::to_string(&summary).unwrap();
    for s in EVERYTHING_SECRETS {
        assert!(!text.contains(s), "{s} survived: {text}");
        assert!(!text.contains(&b64u(s)), "{s} survived in base64url");
    }
    assert!(text.contains("theme=REDACTED-cookie-4chars-"), "{text}");
    assert!(
        text.contains("\\\"error\\\":\\\"invalid_grant\\\""),
        "{text}"
    );
    assert!(out
        .request
        .body
        .as_ref()
        .unwrap()
        .text
        .starts_with("grant_type=password&password=REDACTED-password-16chars-"));
    assert!(
        summary.net_hits >= 2,
        "X-Echo and the error body hint are caught by the net"
    );
}

#[test]
fn header_sizes_follow_the_redaction() {
    let ex = exchange_with_everything();
    let meta = crate::har::EntryMeta {
        index: 3,
        request_headers_size: Some(900.0),
        response_headers_size: Some(-1.0),
        ..Default::default()
    };
    let doc = crate::har::HarDocument {
        exchanges: vec![ex.clone()],
        meta: vec![meta],
        ..Default::default()
    };
    let r = redact_document(&doc, &RedactOptions::default());
    let x = &r.document.exchanges[0];
    let size = |h: &Headers| {
        h.iter()
            .map(|h| h.name.len() + h.value.len() + 4)
            .sum::<usize>()
    };
    let line = |e: &Exchange| {
        let u = e.url();
        u.path.len() + u.query.map_or(0, |q| q.len() + 1)
    };
    let before = size(&ex.request.headers) + line(&ex);
    let after = size(&x.request.headers) + line(x);
    let want = 900.0 + after as f64 - before as f64;
    assert_eq!(r.document.meta[0].request_headers_size, Some(want));
    assert_eq!(r.document.meta[0].response_headers_size, Some(-1.0));
}

#[test]
fn redacting_twice_changes_nothing() {
    let ex = exchange_with_everything();
    let opts = RedactOptions::default().with_bodies(true);
    let (once, _) = redact_exchange(&ex, &opts);
    let (twice, summary) = redact_exchange(&once, &opts);
    assert_eq!(once, twice);
    assert!(summary.items.is_empty(), "{:?}", summary.items);
}

#[test]
fn summary_counts_and_line() {
    let (_, s) = redact_exchange(&exchange_with_everything(), &RedactOptions::default());
    let line = s.line();
    assert!(line.contains("secrets removed: "), "{line}");
    assert!(line.contains("× JWS signature"), "{line}");
    let total: usize = s.counts().iter().map(|(_, n)| n).sum();
    assert_eq!(total, s.items.len());
    assert!(s.items.iter().all(|i| i.entry == Some(3)));
    assert!(s
        .items
        .iter()
        .any(|i| i.location == "cookie sid" && i.what == "cookie value"));
}

/// The shape checks of a decoded value, for the regression tests below.
fn same_shape(value: &str) {
    let mut r = Redactor::new(RedactOptions::default());
    let out = r.authorization(value);
    assert_ne!(out, value, "nothing was redacted");
    assert_eq!(
        decoded_shape(value),
        decoded_shape(&out),
        "{value:?} → {out:?}"
    );
}

#[test]
fn regression_truncated_signature_stays_truncated() {
    // A signature one symbol past a full base64 group (found by proptest): the marker must
    // keep `base64-truncated`, or `malformed-authorization` disappears.
    let token = format!(
        "{}.{}.aaaa000AaaaA_AAaaa0_a0aA00_aa00_a",
        b64u(r#"{"alg":"HS256"}"#),
        b64u(r#"{"exp":1}"#)
    );
    same_shape(&format!("Bearer {token}"));
}

#[test]
fn regression_urlsafe_basic_keeps_its_alphabet() {
    // `YWxpY2U6cHd-fn4-Pj4_Pz8` uses `-`/`_`: the redacted value must still show them.
    same_shape("Basic YWxpY2U6cHd-fn4-Pj4_Pz8");
}

#[test]
fn regression_basic_keeps_its_padding() {
    // Unpadded originals stay unpadded, and the marker length keeps the padding question.
    same_shape("Basic c2tfbGl2ZV80ZUMzOUhxTHlqV0Rhcmp0VDF6ZHA3ZGM6");
    same_shape(&format!(
        "Basic {}",
        b64(b"alice:pw-123456").trim_end_matches('=')
    ));
}

#[test]
fn regression_sas_signature_keeps_its_escapes() {
    // An Azure SAS pasted as a Bearer token: `%2B%3D` is a finding of its own.
    same_shape("Bearer sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01&sig=AbCdEf0123456789%2B%3D");
}

#[test]
fn regression_quoted_jws_keeps_the_closing_quote() {
    // `Bearer "eyJ…";`: the decoder sees the closing quote inside the signature segment.
    let token = jwt(r#"{"alg":"HS256"}"#, r#"{"exp":1}"#, "signature-0123456789");
    same_shape(&format!("Bearer \"{token}\";"));
    let mut r = Redactor::new(RedactOptions::default());
    let out = r.authorization(&format!("Bearer \"{token}\";"));
    assert!(
        out.ends_with("\";") && out.contains(".REDACTED-sig-"),
        "{out}"
    );
}

proptest! {
    #[test]
    fn authorization_never_panics(value in "\\PC{0,120}") {
        let mut r = Redactor::new(RedactOptions::default());
        let out = r.authorization(&value);
        // Layout-only changes: the result is never longer than a marker per byte allows.
        prop_assert!(out.len() <= value.len() * 8 + 64);
    }

    #[test]
    fn generated_bearer_tokens_never_survive(secret in "[A-Za-z0-9_-]{20,60}") {
        let mut r = Redactor::new(RedactOptions::default());
        let out = r.authorization(&format!("Bearer {secret}"));
        prop_assert!(!out.contains(&secret), "{}", out);
        prop_assert!(out.starts_with("Bearer "));
    }

    #[test]
    fn generated_basic_passwords_never_survive(user in "[a-z]{1,12}", pass in "[ -~]{6,40}") {
        let mut r = Redactor::new(RedactOptions::default());
        let value = format!("Basic {}", b64(format!("{user}:{pass}").as_bytes()));
        let out = r.authorization(&value);
        let plain = base64::decode(out.trim_start_matches("Basic "), Alphabet::Standard).bytes;
        let plain = String::from_utf8_lossy(&plain).into_owned();
        prop_assume!(crate::credentials::placeholder(&pass).is_none_or(|k| k == crate::credentials::PlaceholderKind::Example));
        prop_assert!(plain.starts_with(&format!("{user}:REDACTED-password-")), "{}", plain);
        prop_assert!(!plain.contains(&pass));
    }

    #[test]
    fn jws_round_trips_its_metadata(
        kid in "[a-z0-9]{1,10}",
        exp in 1_600_000_000i64..2_000_000_000,
        sub in "[a-z]{1,10}",
        sig in proptest::collection::vec(any::<u8>(), 1..80),
    ) {
        let token = format!(
            "{}.{}.{}",
            b64u(&format!(r#"{{"alg":"ES256","kid":"{kid}"}}"#)),
            b64u(&format!(r#"{{"exp":{exp},"sub":"{sub}"}}"#)),
            base64::encode(&sig, Alphabet::UrlSafe),
        );
        let mut r = Redactor::new(RedactOptions::default());
        let out = r.authorization(&format!("Bearer {token}"));
        let d = jose::decode(out.trim_start_matches("Bearer "));
        prop_assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        prop_assert_eq!(d.kid(), Some(kid.as_str()));
        prop_assert_eq!(d.claims.as_ref().and_then(|c| c.get("exp")).and_then(Value::as_i64), Some(exp));
        prop_assert!(d.claims.as_ref().and_then(|c| c.get("sub")).is_none());
    }
}

/// Every HAR fixture the repository has (rule fixtures, clean traffic, browser exports).
fn fixture_documents() -> Vec<(String, HarDocument)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "har") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let doc = crate::har::parse_har(&std::fs::read(&p).ok()?).ok()?;
            Some((p.display().to_string(), doc))
        })
        .collect()
}

#[test]
fn staged_redaction_equals_redact_document() {
    let docs = fixture_documents();
    assert!(docs.len() > 50, "fixtures found: {}", docs.len());
    let opts = RedactOptions::default().with_bodies(true);
    for (name, doc) in &docs {
        let whole = redact_document(doc, &opts);
        for step in [1, 3, usize::MAX] {
            let mut staged = DocumentRedaction::new(&opts);
            for ex in &doc.exchanges {
                staged.push(ex, doc.meta_for(ex.index));
            }
            assert_eq!(staged.len(), doc.exchanges.len());
            let mut waiting = usize::MAX;
            while waiting > 0 {
                let left = staged.net(step);
                assert!(left < waiting || waiting == usize::MAX, "{name}: progress");
                waiting = left;
            }
            assert_eq!(staged.finish(doc), whole, "{name}, net {step} at a time");
        }
    }
}

#[test]
fn staged_net_catches_a_secret_first_structured_in_a_later_entry() {
    let secret = "s3cr3t-opaque-token-0123456789abcdef";
    let get = |url: &str, index: usize| Exchange {
        index,
        request: Request {
            method: "GET".into(),
            url: url.into(),
            ..Request::default()
        },
        ..Exchange::default()
    };
    let early = get(
        "https://api.test/echo?note=s3cr3t-opaque-token-0123456789abcdef",
        0,
    );
    let mut late = get("https://api.test/me", 1);
    late.request
        .headers
        .push("Authorization", format!("Bearer {secret}"));
    let doc = HarDocument {
        exchanges: vec![early, late],
        ..HarDocument::default()
    };
    let mut staged = DocumentRedaction::new(&RedactOptions::default());
    for ex in &doc.exchanges {
        staged.push(ex, None);
    }
    assert_eq!(staged.net(1), 1);
    let out = staged.finish(&doc);
    let text = crate::har::write_har(&out.document, &creator_for(None));
    assert!(!text.contains(secret), "{text}");
}

#[test]
fn an_abandoned_redaction_hands_back_every_structured_exchange() {
    let docs = fixture_documents();
    let (name, doc) = docs
        .iter()
        .max_by_key(|(_, d)| d.exchanges.len())
        .expect("a fixture");
    let mut staged = DocumentRedaction::new(&RedactOptions::default());
    for ex in &doc.exchanges {
        staged.push(ex, doc.meta_for(ex.index));
    }
    staged.net(1);
    let pairs = staged.into_pairs();
    let indices: Vec<usize> = pairs.iter().map(|(x, _)| x.index).collect();
    let expected: Vec<usize> = doc.exchanges.iter().map(|x| x.index).collect();
    assert_eq!(indices, expected, "{name}");
    // The structured pass already ran: no Authorization value comes back verbatim.
    let mut checked = 0;
    for ((x, _), original) in pairs.iter().zip(&doc.exchanges) {
        for (h, o) in x
            .request
            .headers
            .iter()
            .zip(original.request.headers.iter())
        {
            if o.name.eq_ignore_ascii_case("authorization") && o.value.len() > 12 {
                assert_ne!(h.value, o.value, "{name}: entry {}", x.index);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "{name} has no Authorization to check");
}

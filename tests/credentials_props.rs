//! Property and regression tests: decoders never panic on hostile input, and secrets never
//! reach Debug or Serialize output.

use authlens::base64::{encode, Alphabet};
use authlens::credentials::{
    decode_api_key, decode_authorization, decode_bare_token, decode_dpop_proof, from_request,
    Context,
};
use authlens::exchange::{Headers, Request};
use authlens::time::Timestamp;
use proptest::prelude::*;

fn ctx() -> Context<'static> {
    Context::new(Timestamp(1_795_255_200_000))
}

fn scheme() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Bearer ".to_string()),
        Just("bearer ".to_string()),
        Just("Basic ".to_string()),
        Just("Digest ".to_string()),
        Just("DPoP ".to_string()),
        Just("Negotiate ".to_string()),
        Just("NTLM ".to_string()),
        Just("AWS4-HMAC-SHA256 ".to_string()),
        Just("Token ".to_string()),
        Just("Bearer Bearer ".to_string()),
        Just("Bearer%20".to_string()),
        "[A-Za-z0-9-]{1,12} ",
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,200}",
        "[A-Za-z0-9+/=._~-]{0,120}",
        "[A-Za-z0-9=\", ]{0,120}",
        "(eyJ[A-Za-z0-9_-]{0,40}\\.){0,6}[A-Za-z0-9_-]{0,40}",
        "[\\x00-\\x7f]{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_authorization_never_panics(s in scheme(), b in body(), charset in proptest::option::of("UTF-8|latin1")) {
        let value = format!("{s}{b}");
        let mut c = ctx();
        if let Some(cs) = charset.as_deref() { c = c.with_charset(cs); }
        let d = decode_authorization(&value, &c);
        for diag in &d.diagnostics {
            prop_assert!(diag.offset <= value.len(), "{:?} beyond {}", diag, value.len());
        }
        prop_assert!(serde_json::to_string(&d).is_ok());
        let _ = format!("{d:?}");
    }

    #[test]
    fn other_decoders_never_panic(b in body()) {
        let _ = decode_bare_token(&b, &ctx());
        let _ = decode_api_key(&b, &ctx());
        let _ = decode_dpop_proof(&b, &ctx(), Some(&b), Some("x"));
    }

    #[test]
    fn from_request_never_panics(
        headers in proptest::collection::vec(
            (prop_oneof![
                Just("Authorization".to_string()),
                Just("Proxy-Authorization".to_string()),
                Just("DPoP".to_string()),
                Just("X-API-Key".to_string()),
                Just("X-Amz-Date".to_string()),
                Just("Cookie".to_string()),
                "[A-Za-z-]{1,12}",
            ], prop_oneof![scheme().prop_flat_map(|s| body().prop_map(move |b| format!("{s}{b}"))), body()]),
            0..6,
        ),
        method in "[A-Z]{0,7}",
        url in prop_oneof![
            "\\PC{0,80}",
            "https?://[a-z.]{1,12}(:[0-9]{1,5})?/[a-z/]{0,12}\\?(access_token|key|code|sv|sig|token)=[A-Za-z0-9%.=&-]{0,40}",
        ],
    ) {
        let req = Request {
            method,
            url,
            http_version: "HTTP/1.1".to_string(),
            headers: headers.into_iter().collect::<Headers>(),
            body: None,
        };
        let creds = from_request(&req, &ctx());
        prop_assert!(serde_json::to_string(&creds).is_ok());
    }

    #[test]
    fn basic_password_never_reaches_output(user in "[a-z]{1,10}", pw in "Pw[A-Za-z0-9!#%&*]{10,24}") {
        let token = encode(format!("{user}:{pw}").as_bytes(), Alphabet::Standard);
        let value = format!("Basic {token}");
        let d = decode_authorization(&value, &ctx());
        let json = serde_json::to_string(&d).unwrap();
        let debug = format!("{d:?}");
        prop_assert!(!json.contains(&pw) && !debug.contains(&pw));
        // The base64 form encodes the password too.
        prop_assert!(!json.contains(&token) && !debug.contains(&token));
        prop_assert_eq!(d.basic.as_ref().map(|b| b.password_length), Some(pw.chars().count()));
    }
}

/// Regression: the password must not leak through any output path, including findings
/// (placeholder, malformed) and the request-level view.
#[test]
fn basic_password_never_appears_in_debug_or_serialize() {
    let cases = [
        "alice:S3cr3t-Passw0rd!",
        "undefined:S3cr3t-Passw0rd!",
        ":S3cr3t-Passw0rd!",
        "alice:S3cr3t-Passw0rd!\n",
        "sk_live_aB3dE5gH7jK9mN1pQ2rS4tU6:S3cr3t-Passw0rd!",
    ];
    for plain in cases {
        let token = encode(plain.as_bytes(), Alphabet::Standard);
        for value in [
            format!("Basic {token}"),
            format!("basic  \"{token}\";"),
            format!("Basic Basic {token}"),
        ] {
            let d = decode_authorization(&value, &ctx());
            let req = Request {
                method: "GET".into(),
                url: "http://example.com/".into(),
                http_version: "HTTP/1.1".into(),
                headers: [
                    ("Authorization", value.as_str()),
                    ("Proxy-Authorization", value.as_str()),
                ]
                .into_iter()
                .collect(),
                body: None,
            };
            let outputs = [
                serde_json::to_string(&d).unwrap(),
                format!("{d:?}"),
                serde_json::to_string(&from_request(&req, &ctx())).unwrap(),
                format!("{:?}", from_request(&req, &ctx())),
                format!("{:?}", decode_bare_token(&token, &ctx())),
            ];
            for out in outputs {
                assert!(
                    !out.contains("S3cr3t-Passw0rd"),
                    "{plain:?} via {value:?}: {out}"
                );
                assert!(
                    !out.contains(&token),
                    "{plain:?} via {value:?}: base64 leaked"
                );
            }
        }
    }
}

#[test]
fn tokens_are_masked_in_serialized_output() {
    let secret = "ghp_aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zCaB3d";
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    for value in [
        format!("Bearer {secret}"),
        format!("Bearer {jwt}"),
        format!("Token {secret}"),
    ] {
        let d = decode_authorization(&value, &ctx());
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains(&secret[4..]), "{json}");
        assert!(
            !json.contains("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
            "{json}"
        );
    }
}

#[test]
fn huge_values_are_handled_in_linear_time() {
    let start = std::time::Instant::now();
    for value in [
        format!("Bearer {}", "a".repeat(300_000)),
        format!("Bearer {}", "a ".repeat(150_000)),
        format!("Bearer {}", ".".repeat(300_000)),
        format!("Basic {}", "QUFB".repeat(75_000)),
        format!("Digest {}", "a=b, ".repeat(60_000)),
        format!("Bearer eyJ{}", "\"".repeat(300_000)),
    ] {
        let d = decode_authorization(&value, &ctx());
        assert!(
            d.diagnostics.len() < 1000,
            "{} diagnostics",
            d.diagnostics.len()
        );
    }
    // Generous bound for debug builds on a loaded machine; quadratic behaviour would take minutes.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

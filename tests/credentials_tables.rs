//! Table-driven tests: opaque token families, placeholders, format problems with offsets.

use authlens::credentials::{
    decode_authorization, decode_bare_token, Context, Kind, PlaceholderKind, TokenAlphabet,
};
use authlens::diagnostic::Severity;
use authlens::time::Timestamp;

fn ctx() -> Context<'static> {
    Context::new(Timestamp(1_795_255_200_000))
}

/// Builds a fake token: the real prefix, then filler of the right alphabet (never a real key).
fn fake(prefix: &str, filler: &str, len: usize) -> String {
    let mut s = prefix.to_string();
    s.extend(
        filler
            .chars()
            .cycle()
            .take(len.saturating_sub(prefix.len())),
    );
    s
}

const B62: &str = "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC";
const HEX: &str = "0123456789abcdef";

#[test]
fn opaque_token_families() {
    // (token, family id, issuer, wrong-token-type severity when sent as Bearer)
    let cases: Vec<(String, &str, &str, Option<Severity>)> = vec![
        (fake("ghp_", B62, 40), "github-classic-pat", "GitHub", None),
        (
            fake("github_pat_", B62, 93),
            "github-fine-grained-pat",
            "GitHub",
            None,
        ),
        (fake("gho_", B62, 40), "github-oauth", "GitHub", None),
        (
            fake("ghs_", B62, 40),
            "github-app-installation",
            "GitHub",
            None,
        ),
        (
            fake("ghr_", B62, 76),
            "github-refresh",
            "GitHub",
            Some(Severity::Error),
        ),
        (fake("glpat-", B62, 26), "gitlab-pat", "GitLab", None),
        (
            fake("ya29.", B62, 120),
            "google-oauth-access",
            "Google",
            None,
        ),
        (
            fake("AIza", B62, 39),
            "google-api-key",
            "Google",
            Some(Severity::Warning),
        ),
        (fake("xoxb-", "1234-", 50), "slack-bot", "Slack", None),
        (fake("xoxp-", "1234-", 50), "slack-user", "Slack", None),
        (
            fake("xapp-", "1-A2-3", 40),
            "slack-app-level",
            "Slack",
            None,
        ),
        (
            fake("sk_live_", B62, 32),
            "stripe-secret-live",
            "Stripe",
            None,
        ),
        (
            fake("sk_test_", B62, 32),
            "stripe-secret-test",
            "Stripe",
            None,
        ),
        (
            fake("rk_live_", B62, 32),
            "stripe-restricted-live",
            "Stripe",
            None,
        ),
        (
            fake("pk_live_", B62, 32),
            "stripe-publishable-live",
            "Stripe",
            Some(Severity::Error),
        ),
        (
            "AKIAIOSFODNN7EXAMPLE".to_string(),
            "aws-access-key-id",
            "AWS",
            Some(Severity::Error),
        ),
        (
            "ASIAIOSFODNN7EXAMPLE".to_string(),
            "aws-temporary-access-key-id",
            "AWS",
            Some(Severity::Error),
        ),
        (
            fake("sk-proj-", B62, 60),
            "openai-project-key",
            "OpenAI",
            None,
        ),
        (fake("sk-", B62, 51), "openai-style-key", "OpenAI", None),
        (
            fake("sk-ant-api03-", B62, 100),
            "anthropic-api-key",
            "Anthropic",
            Some(Severity::Warning),
        ),
        (fake("npm_", B62, 40), "npm-token", "npm", None),
        (
            fake("shpat_", HEX, 38),
            "shopify-admin-token",
            "Shopify",
            Some(Severity::Warning),
        ),
        (
            fake("ATATT3x", B62, 60),
            "atlassian-api-token",
            "Atlassian",
            Some(Severity::Warning),
        ),
        (
            fake("SK", HEX, 34),
            "twilio-api-key-sid",
            "Twilio",
            Some(Severity::Warning),
        ),
        (fake("SG.", B62, 69), "sendgrid-key", "SendGrid", None),
        (
            fake("hf_", B62, 37),
            "huggingface-token",
            "Hugging Face",
            None,
        ),
        (
            fake("pypi-", B62, 60),
            "pypi-token",
            "PyPI",
            Some(Severity::Warning),
        ),
        (
            fake("dckr_pat_", B62, 36),
            "docker-hub-pat",
            "Docker Hub",
            Some(Severity::Warning),
        ),
        (
            fake("whsec_", B62, 38),
            "stripe-webhook-secret",
            "Stripe",
            Some(Severity::Error),
        ),
    ];
    for (token, id, issuer, wrong) in cases {
        let d = decode_authorization(&format!("Bearer {token}"), &ctx());
        let o = d
            .opaque
            .as_ref()
            .unwrap_or_else(|| panic!("{token}: not opaque"));
        let fam = o
            .family
            .as_ref()
            .unwrap_or_else(|| panic!("{token}: no family"));
        assert_eq!(fam.id, id, "{token}");
        assert_eq!(fam.issuer, issuer, "{token}");
        assert_eq!(d.kind, Kind::Opaque, "{token}");
        assert!(
            d.issuer_hint.as_deref().unwrap().starts_with(issuer),
            "{token}"
        );
        // The known prefix is kept, the rest masked.
        let t = d.token.as_ref().unwrap();
        assert!(
            t.masked.starts_with(&token[..fam.prefix.len()]),
            "{}",
            t.masked
        );
        assert!(
            !t.masked.contains(&token[fam.prefix.len()..]),
            "{}",
            t.masked
        );
        let got = d.finding("wrong-token-type").map(|f| f.severity);
        assert_eq!(got, wrong, "{token}: {:?}", d.findings);
    }
}

#[test]
fn azure_sas_is_recognised() {
    let sas = "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-12-01T00:00:00Z&sig=abcDEF123%3D";
    let d = decode_bare_token(sas, &ctx());
    assert_eq!(d.opaque.unwrap().family.unwrap().id, "azure-sas");
}

#[test]
fn prefixes_need_their_shape() {
    // Too short or wrong alphabet: no family claimed.
    for token in [
        "ghp_x",
        "AKIA1234",
        "SKnothexnothexnothexnothexnothexno",
        "sk-1",
        "key-zz",
    ] {
        let d = decode_bare_token(token, &ctx());
        assert!(
            d.opaque.as_ref().unwrap().family.is_none(),
            "{token}: {:?}",
            d.opaque
        );
    }
}

#[test]
fn unknown_opaque_tokens_report_shape() {
    // (token, alphabet, uuid)
    let cases = [
        (
            "0123456789abcdef0123456789abcdef",
            TokenAlphabet::Hex,
            false,
        ),
        (
            "123e4567-e89b-12d3-a456-426614174000",
            TokenAlphabet::Hex,
            true,
        ),
        ("Zm9vYmFyYmF6cXV4-_", TokenAlphabet::Base64url, false),
        ("Zm9vYmFy+/YmF6cXV4==", TokenAlphabet::Base64, false),
        ("mF_9.B5f-4.1JqM", TokenAlphabet::Mixed, false),
    ];
    for (token, alphabet, uuid) in cases {
        let d = decode_authorization(&format!("Bearer {token}"), &ctx());
        let o = d.opaque.unwrap();
        assert_eq!((o.alphabet, o.uuid), (alphabet, uuid), "{token}");
        assert_eq!(o.length, token.len());
        assert!(o.family.is_none());
    }
}

#[test]
fn placeholders() {
    // (header value, kind)
    let cases = [
        ("Bearer undefined", PlaceholderKind::MissingValue),
        ("Bearer null", PlaceholderKind::MissingValue),
        ("Bearer [object Object]", PlaceholderKind::ObjectString),
        ("Bearer ", PlaceholderKind::Empty),
        ("Bearer", PlaceholderKind::Empty),
        ("Bearer ${token}", PlaceholderKind::Template),
        ("Bearer {{token}}", PlaceholderKind::Template),
        ("Bearer {{ access_token }}", PlaceholderKind::Template),
        ("Bearer <token>", PlaceholderKind::Template),
        ("Bearer %TOKEN%", PlaceholderKind::Template),
        ("Bearer your_token_here", PlaceholderKind::Example),
        ("Bearer YOUR_API_KEY", PlaceholderKind::Example),
        ("Bearer $ACCESS_TOKEN", PlaceholderKind::EnvVar),
        ("Bearer string", PlaceholderKind::Example),
        ("Bearer eyJh…[28 chars]", PlaceholderKind::Masked),
        ("DPoP undefined", PlaceholderKind::MissingValue),
        (
            "Basic dW5kZWZpbmVkOnVuZGVmaW5lZA==",
            PlaceholderKind::MissingValue,
        ),
        ("Basic Om51bGw=", PlaceholderKind::MissingValue),
    ];
    for (value, kind) in cases {
        let d = decode_authorization(value, &ctx());
        assert_eq!(d.placeholder, Some(kind), "{value}: {:?}", d.findings);
        let f = d
            .finding("bearer-placeholder")
            .unwrap_or_else(|| panic!("{value}"));
        assert_eq!(f.severity, Severity::Error);
        assert!(f.fixes.contains(&"fix-authorization-format"));
        // A placeholder is not also a malformed token.
        assert!(
            d.finding("malformed-authorization").is_none(),
            "{value}: {:?}",
            d.findings
        );
    }
    // Real tokens are not placeholders.
    for value in [
        "Bearer mF_9.B5f-4.1JqM",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    ] {
        let d = decode_authorization(value, &ctx());
        assert!(d.placeholder.is_none(), "{value}");
        assert!(d.finding("bearer-placeholder").is_none(), "{value}");
    }
}

#[test]
fn format_problems_with_offsets() {
    // (header value, diagnostic code, offset, finding severity)
    let cases = [
        (
            "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
            "missing-scheme",
            0,
            Severity::Error,
        ),
        (
            "  abcdefghijklmnopqrstuvwxyz",
            "missing-scheme",
            2,
            Severity::Error,
        ),
        ("Bearer Bearer abc", "duplicate-scheme", 7, Severity::Error),
        ("Bearer bearer: abc", "duplicate-scheme", 7, Severity::Error),
        ("Bearer \"abc\"", "quoted-token", 7, Severity::Error),
        ("Bearer 'abc'", "quoted-token", 7, Severity::Error),
        ("Bearer “abc”", "quoted-token", 7, Severity::Error),
        ("Bearer abc def", "whitespace-in-token", 10, Severity::Error),
        ("Bearer abc\ndef", "newline-in-token", 10, Severity::Error),
        ("Bearer abc\r\n", "newline-in-token", 10, Severity::Error),
        ("bearer abc", "scheme-case", 0, Severity::Warning),
        ("BEARER abc", "scheme-case", 0, Severity::Warning),
        (
            "basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "scheme-case",
            0,
            Severity::Warning,
        ),
        ("Bearer abc;", "trailing-punctuation", 10, Severity::Error),
        ("Bearer abc,", "trailing-punctuation", 10, Severity::Error),
        ("Bearer: abc", "scheme-colon", 6, Severity::Error),
        ("Bearer%20abc", "percent-encoded-token", 6, Severity::Error),
        (
            "Bearer abc%2Bdef",
            "percent-encoded-token",
            10,
            Severity::Error,
        ),
        ("Bearer ab$c", "invalid-token-char", 9, Severity::Error),
        ("Bearer abc=def", "invalid-token-char", 11, Severity::Error),
        (
            "Basic abc, Bearer xyz",
            "multiple-credentials",
            11,
            Severity::Error,
        ),
        ("Bearer\tabc", "tab-after-scheme", 6, Severity::Warning),
        ("Basic Zm9v", "basic-missing-colon", 6, Severity::Error),
        (
            "Basic Zm9v!Og==",
            "base64-invalid-char",
            10,
            Severity::Error,
        ),
        (
            "Basic Zm9vOmJhcg",
            "base64-missing-padding",
            16,
            Severity::Info,
        ),
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30",
            "missing-segment",
            31,
            Severity::Error,
        ),
        // Padding mid-token is also outside RFC 6750 b64token, hence an error overall.
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30==.c2ln",
            "base64-padding",
            31,
            Severity::Error,
        ),
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30==.c2ln",
            "invalid-token-char",
            33,
            Severity::Error,
        ),
    ];
    for (value, code, offset, severity) in cases {
        let d = decode_authorization(value, &ctx());
        let diag = d
            .diagnostics
            .iter()
            .find(|x| x.code == code)
            .unwrap_or_else(|| panic!("{value:?}: no {code} in {:?}", d.diagnostics));
        assert_eq!(diag.offset, offset, "{value:?}: {code}");
        if severity == Severity::Info {
            assert!(d.finding("malformed-authorization").is_none(), "{value:?}");
            continue;
        }
        let f = d
            .finding("malformed-authorization")
            .unwrap_or_else(|| panic!("{value:?}: {:?}", d.findings));
        assert_eq!(f.severity, severity, "{value:?}");
        assert!(f.fixes.contains(&"fix-authorization-format"));
        assert!(
            f.evidence
                .iter()
                .any(|e| e.label == format!("{code} at byte {offset}")),
            "{value:?}"
        );
    }
}

#[test]
fn well_formed_values_have_no_format_findings() {
    for value in [
        "Bearer mF_9.B5f-4.1JqM",
        "Bearer abc==",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "DPoP Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU",
        "  Bearer   abc  ",
    ] {
        let d = decode_authorization(value, &ctx());
        assert!(d.findings.is_empty(), "{value:?}: {:?}", d.findings);
    }
}

#[test]
fn cleaned_token_is_still_decoded() {
    // The quotes and the duplicate scheme are reported, and the JWT inside is decoded anyway.
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTUyNTUwMjB9.c2ln";
    for value in [
        format!("Bearer \"{jwt}\""),
        format!("Bearer Bearer {jwt}"),
        jwt.to_string(),
    ] {
        let d = decode_authorization(&value, &ctx());
        assert_eq!(d.kind, Kind::Jws, "{value}");
        assert!(d.finding("malformed-authorization").is_some(), "{value}");
        assert_eq!(
            d.finding("token-expired").unwrap().title,
            "Token expired 3 min before this request"
        );
    }
}

#[test]
fn bare_token_guesses() {
    // (input, kind, scheme)
    let cases = [
        ("eyJhbGciOiJIUzI1NiJ9.e30.c2ln", Kind::Jws, ""),
        ("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", Kind::Basic, ""),
        ("Bearer mF_9.B5f-4.1JqM", Kind::Opaque, "Bearer"),
        (
            "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            Kind::Basic,
            "Basic",
        ),
        ("ghp_aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zCaB3d", Kind::Opaque, ""),
        ("0123456789abcdef", Kind::Opaque, ""),
    ];
    for (input, kind, scheme) in cases {
        let d = decode_bare_token(input, &ctx());
        assert_eq!((d.kind, d.scheme.as_str()), (kind, scheme), "{input}");
        assert!(
            d.finding("malformed-authorization").is_none(),
            "{input}: {:?}",
            d.findings
        );
    }
    let d = decode_bare_token(
        "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        &ctx(),
    );
    assert!(d.proxy);
}

#[test]
fn json_contract_fields_are_always_present() {
    let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
    // (value, kind as serialized)
    let cases = [
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.c2ln".to_string(), "jws"),
        (format!("Bearer {jwe}"), "jwe"),
        ("Bearer mF_9.B5f-4.1JqM".to_string(), "opaque"),
        ("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_string(), "basic"),
        ("Digest username=\"Mufasa\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"8ca523f5e9506fed4657c9700eebdbec\"".to_string(), "digest"),
        ("NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAA=".to_string(), "ntlm"),
        ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024".to_string(), "aws4"),
        ("Token 0123456789abcdef".to_string(), "apikey"),
        ("Custom whatever".to_string(), "unknown"),
        ("".to_string(), "unknown"),
    ];
    for (value, kind) in cases {
        let d = decode_authorization(&value, &ctx());
        let json = serde_json::to_value(&d).unwrap();
        for key in [
            "scheme",
            "kind",
            "header",
            "claims",
            "username",
            "issuer_hint",
            "findings",
        ] {
            assert!(json.get(key).is_some(), "{value}: no {key} in {json}");
        }
        assert_eq!(json["kind"], kind, "{value}");
        assert!(json["findings"].is_array());
        for f in json["findings"].as_array().unwrap() {
            for key in ["id", "severity", "title", "detail"] {
                assert!(f.get(key).is_some(), "{value}: finding without {key}");
            }
        }
    }
    let d = decode_authorization(
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.c2ln",
        &ctx(),
    );
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["header"]["alg"], "HS256");
    assert_eq!(json["claims"]["iss"], "https://issuer.example");
    assert_eq!(json["issuer_hint"], "https://issuer.example");
    assert_eq!(json["username"], serde_json::Value::Null);
    let d = decode_authorization(&format!("Bearer {jwe}"), &ctx());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["header"]["enc"], "A256GCM");
    assert_eq!(json["claims"], serde_json::Value::Null);
    assert_eq!(json["jose"]["encrypted"]["ciphertext_bytes"], 63);
}

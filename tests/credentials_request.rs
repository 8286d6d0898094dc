//! `from_request` and the scheme decoders that need a request: API-key headers, query
//! tokens, duplicate headers, DPoP binding, SigV4, Negotiate/NTLM.

use authlens::base64::{encode, Alphabet};
use authlens::credentials::{decode_authorization, from_request, Context, Kind, Source};
use authlens::diagnostic::Severity;
use authlens::exchange::{Headers, Request};
use authlens::jose;
use authlens::time::Timestamp;
use serde_json::json;

const NOW: Timestamp = Timestamp(1_795_255_200_000); // 2026-11-21T10:00:00Z

fn ctx() -> Context<'static> {
    Context::new(NOW)
}

fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Request {
    Request {
        method: method.to_string(),
        url: url.to_string(),
        http_version: "HTTP/1.1".to_string(),
        headers: headers.iter().copied().collect::<Headers>(),
        body: None,
    }
}

fn jwt(claims: serde_json::Value) -> String {
    jose::encode_jws(
        &json!({"alg": "RS256", "typ": "at+jwt"}),
        &claims,
        &[7u8; 256],
    )
}

#[test]
fn every_credential_is_found_with_its_source() {
    let token = jwt(json!({"sub": "u1", "exp": NOW.unix_secs() + 600}));
    let auth = format!("Bearer {token}");
    let r = request(
        "GET",
        "https://api.example.com/v1/me?api_key=0123456789abcdef&code=SplxlOBeZQQYbYS6WxSbIA&x=1",
        &[
            ("Accept", "application/json"),
            ("Authorization", auth.as_str()),
            ("X-API-Key", "AIzaSyA-aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0"),
            ("Proxy-Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ],
    );
    let creds = from_request(&r, &ctx());
    let summary: Vec<(String, Kind)> = creds
        .iter()
        .map(|c| (c.location.clone(), c.credential.kind))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("request header Authorization".to_string(), Kind::Jws),
            ("request header X-API-Key".to_string(), Kind::Apikey),
            (
                "request header Proxy-Authorization".to_string(),
                Kind::Basic
            ),
            ("query parameter api_key".to_string(), Kind::Apikey),
            ("query parameter code".to_string(), Kind::Opaque),
        ]
    );
    assert_eq!(
        creds[0].source,
        Source::Header {
            name: "Authorization".to_string(),
            index: 1
        }
    );
    assert!(
        creds[0].credential.findings.is_empty(),
        "{:?}",
        creds[0].credential.findings
    );
    assert_eq!(
        creds[1].credential.issuer_hint.as_deref(),
        Some("Google API key")
    );
    assert!(creds[2].credential.proxy);
    assert!(creds[4]
        .credential
        .issuer_hint
        .as_deref()
        .unwrap()
        .contains("authorization code"));
    let json = serde_json::to_value(&creds).unwrap();
    assert_eq!(
        json[0]["source"],
        json!({"type": "header", "name": "Authorization", "index": 1})
    );
    assert_eq!(
        json[3]["source"],
        json!({"type": "query", "name": "api_key"})
    );
}

#[test]
fn api_key_header_table_is_case_insensitive() {
    for name in [
        "x-api-key",
        "API-KEY",
        "Ocp-Apim-Subscription-Key",
        "x-goog-api-key",
        "private-token",
        "X-Auth-Token",
    ] {
        let r = request(
            "GET",
            "https://x.example/",
            &[(name, "0123456789abcdef0123")],
        );
        let creds = from_request(&r, &ctx());
        assert_eq!(creds.len(), 1, "{name}");
        assert_eq!(creds[0].credential.kind, Kind::Apikey, "{name}");
    }
    let r = request(
        "GET",
        "https://x.example/",
        &[("X-Request-Id", "0123456789abcdef0123")],
    );
    assert!(from_request(&r, &ctx()).is_empty());
}

#[test]
fn jwt_in_an_api_key_header_is_judged() {
    let token = jwt(json!({"exp": NOW.unix_secs() - 3600}));
    let r = request(
        "GET",
        "https://x.example/",
        &[("X-Auth-Token", token.as_str())],
    );
    let creds = from_request(&r, &ctx());
    assert_eq!(creds[0].credential.kind, Kind::Jws);
    assert_eq!(creds[0].credential.findings[0].id, "token-expired");
}

#[test]
fn two_authorization_headers_are_malformed() {
    let r = request(
        "GET",
        "https://x.example/",
        &[
            ("Authorization", "Bearer abc"),
            ("authorization", "Bearer def"),
        ],
    );
    let creds = from_request(&r, &ctx());
    assert!(creds[0].credential.findings.is_empty());
    let f = &creds[1].credential.findings[0];
    assert_eq!(
        (f.id, f.severity),
        ("malformed-authorization", Severity::Error)
    );
    assert!(f.title.contains("more than one Authorization header"));
}

#[test]
fn dpop_bound_token_sent_as_bearer() {
    let token = jwt(
        json!({"exp": NOW.unix_secs() + 600, "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}),
    );
    let auth = format!("Bearer {token}");
    let r = request(
        "GET",
        "https://x.example/",
        &[("Authorization", auth.as_str())],
    );
    let creds = from_request(&r, &ctx());
    let ids: Vec<_> = creds[0].credential.findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, vec!["dpop-bound-token-as-bearer"]);
    assert_eq!(
        creds[0]
            .credential
            .claims_view
            .as_ref()
            .unwrap()
            .cnf_jkt
            .as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
}

#[test]
fn dpop_key_mismatch_and_private_key_leak() {
    // A proof whose jwk carries "d", bound token thumbprint that does not match.
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
                     "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", "d": "private"});
    let token = jwt(json!({"exp": NOW.unix_secs() + 600, "cnf": {"jkt": "some-other-thumbprint"}}));
    let proof = jose::encode_jws(
        &json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}),
        &json!({"jti": "j1", "htm": "GET", "htu": "https://x.example/r", "iat": NOW.unix_secs(),
                "ath": jose::access_token_hash(&token)}),
        &[1u8; 64],
    );
    let auth = format!("DPoP {token}");
    let r = request(
        "GET",
        "https://x.example/r?q=1",
        &[("Authorization", auth.as_str()), ("DPoP", proof.as_str())],
    );
    let creds = from_request(&r, &ctx());
    let proof = &creds[1].credential;
    assert_eq!(proof.kind, Kind::Dpop);
    let titles: Vec<_> = proof.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "The DPoP proof's jwk contains the PRIVATE key",
            "The access token is bound to a different key than the DPoP proof",
        ]
    );
    assert!(
        creds[0].credential.findings.is_empty(),
        "{:?}",
        creds[0].credential.findings
    );
}

#[test]
fn dpop_proof_checks_table() {
    let good_header = json!({"typ": "dpop+jwt", "alg": "ES256",
        "jwk": {"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}});
    let good_claims = json!({"jti": "j1", "htm": "POST", "htu": "https://as.example/token", "iat": NOW.unix_secs()});
    let with = |h: &serde_json::Value, c: &serde_json::Value| jose::encode_jws(h, c, &[1u8; 64]);
    let mut typ = good_header.clone();
    typ["typ"] = json!("JWT");
    let mut hs = good_header.clone();
    hs["alg"] = json!("HS256");
    let mut nojwk = good_header.clone();
    nojwk.as_object_mut().unwrap().remove("jwk");
    let mut nojti = good_claims.clone();
    nojti.as_object_mut().unwrap().remove("jti");
    let mut future = good_claims.clone();
    future["iat"] = json!(NOW.unix_secs() + 600);
    let cases = [
        (with(&good_header, &good_claims), vec![]),
        (
            with(&typ, &good_claims),
            vec!["The DPoP proof's typ is not dpop+jwt"],
        ),
        (
            with(&hs, &good_claims),
            vec!["The DPoP proof is not signed with an asymmetric algorithm"],
        ),
        (
            with(&nojwk, &good_claims),
            vec!["The DPoP proof has no jwk"],
        ),
        (
            with(&good_header, &nojti),
            vec!["The DPoP proof has no jti claim"],
        ),
        (
            with(&good_header, &future),
            vec!["The DPoP proof is dated 10 min in the future"],
        ),
        (
            "not-a-jwt".to_string(),
            vec!["The DPoP proof is not a signed JWT"],
        ),
    ];
    for (proof, expected) in cases {
        let r = request(
            "POST",
            "https://as.example/token",
            &[("DPoP", proof.as_str())],
        );
        let creds = from_request(&r, &ctx());
        let titles: Vec<_> = creds[0]
            .credential
            .findings
            .iter()
            .map(|f| f.title.as_str())
            .collect();
        assert_eq!(titles, expected, "{proof}");
    }
    // Two proofs in one request.
    let p = with(&good_header, &good_claims);
    let r = request(
        "POST",
        "https://as.example/token",
        &[("DPoP", p.as_str()), ("DPoP", p.as_str())],
    );
    let creds = from_request(&r, &ctx());
    assert_eq!(
        creds[1].credential.findings[0].title,
        "More than one DPoP header"
    );
}

const SIGV4: &str = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";

#[test]
fn sigv4_is_decoded_and_compared_with_x_amz_date() {
    let r = request(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        &[("Authorization", SIGV4), ("X-Amz-Date", "20261121T095800Z")],
    );
    let creds = from_request(&r, &ctx());
    let d = &creds[0].credential;
    assert_eq!(d.kind, Kind::Aws4);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    let a = d.aws4.as_ref().unwrap();
    assert_eq!(a.access_key_id, "AKIA…[20 chars]");
    assert_eq!(a.key_type, "long-term");
    assert_eq!(
        (a.date.as_deref(), a.region.as_deref(), a.service.as_deref()),
        (Some("20261121"), Some("us-east-1"), Some("s3"))
    );
    assert_eq!(a.signed_headers, vec!["host", "range", "x-amz-date"]);
    assert_eq!(a.signature.as_deref(), Some("…[64 chars]"));
    assert_eq!(a.request_time_relative.as_deref(), Some("2 min before"));
    let json = serde_json::to_string(d).unwrap();
    assert!(
        !json.contains("IOSFODNN7EXAMPLE") && !json.contains("fe5f80f77d5fa3"),
        "{json}"
    );

    // (X-Amz-Date, expected finding title)
    let cases = [
        (
            "20261120T235900Z",
            "SigV4 credential scope dated another day than X-Amz-Date",
        ),
        (
            "20261121T090000Z",
            "SigV4 signing time more than 15 minutes off",
        ),
    ];
    for (date, title) in cases {
        let r = request(
            "GET",
            "https://examplebucket.s3.amazonaws.com/test.txt",
            &[("Authorization", SIGV4), ("X-Amz-Date", date)],
        );
        let creds = from_request(&r, &ctx());
        let titles: Vec<_> = creds[0]
            .credential
            .findings
            .iter()
            .map(|f| f.title.as_str())
            .collect();
        assert!(titles.contains(&title), "{date}: {titles:?}");
        assert!(creds[0]
            .credential
            .findings
            .iter()
            .all(|f| f.id == "aws4-request-invalid"));
    }
    let temp = SIGV4.replace("AKIA", "ASIA");
    let r = request(
        "GET",
        "https://b.s3.amazonaws.com/k",
        &[
            ("Authorization", temp.as_str()),
            ("X-Amz-Date", "20261121T100000Z"),
        ],
    );
    let creds = from_request(&r, &ctx());
    assert_eq!(
        creds[0].credential.findings[0].title,
        "Temporary AWS key without its session token"
    );
}

#[test]
fn sigv4_structure_problems() {
    let cases = [
        ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2026/us-east-1/s3, SignedHeaders=host, Signature=00", vec!["aws4-bad-scope", "aws4-bad-signature"]),
        ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date", vec!["aws4-missing-param", "aws4-host-not-signed"]),
    ];
    for (value, codes) in cases {
        let d = decode_authorization(value, &ctx());
        let mut got: Vec<_> = d.diagnostics.iter().map(|d| d.code).collect();
        got.sort_unstable();
        let mut want = codes.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{value}");
        assert_eq!(d.findings[0].id, "malformed-authorization");
    }
}

#[test]
fn negotiate_and_ntlm_tokens() {
    use authlens::challenge::negotiate::TokenKind;
    let ntlm1 = encode(
        b"NTLMSSP\0\x01\0\0\0\x07\x82\x08\xa2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        Alphabet::Standard,
    );
    // GSS-API framing, SPNEGO OID, negTokenInit offering Kerberos.
    let mut blob = vec![0x60, 0x1b, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
    blob.extend([0xa0, 0x11, 0x30, 0x0f, 0xa0, 0x0d, 0x30, 0x0b]);
    blob.extend([
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02,
    ]);
    let spnego = encode(&blob, Alphabet::Standard);
    // (value, kind, token kind, ntlm type)
    let cases = [
        (
            format!("NTLM {ntlm1}"),
            Kind::Ntlm,
            TokenKind::Ntlm,
            Some(1),
        ),
        (
            format!("Negotiate {ntlm1}"),
            Kind::Ntlm,
            TokenKind::Ntlm,
            Some(1),
        ),
        (
            format!("Negotiate {spnego}"),
            Kind::Negotiate,
            TokenKind::SpnegoInit,
            None,
        ),
    ];
    for (value, kind, token_kind, msg_type) in cases {
        let d = decode_authorization(&value, &ctx());
        assert_eq!(d.kind, kind, "{value}");
        let n = d.negotiate.as_ref().unwrap();
        assert_eq!(n.kind, token_kind, "{value}");
        assert_eq!(n.ntlm.as_ref().map(|m| m.message_type), msg_type, "{value}");
        assert!(
            d.finding("malformed-authorization").is_none(),
            "{value}: {:?}",
            d.findings
        );
    }
    let d = decode_authorization("Negotiate", &ctx());
    assert_eq!(d.findings[0].id, "malformed-authorization");
}

#[test]
fn query_tokens_are_percent_decoded() {
    let token = jwt(json!({"exp": NOW.unix_secs() + 60 * 60}));
    let url = format!(
        "https://x.example/ws?access_token={}&v=2",
        token.replace('-', "%2D")
    );
    let r = request("GET", &url, &[]);
    let creds = from_request(&r, &ctx());
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0].credential.kind, Kind::Jws);
    assert!(
        creds[0].credential.findings.is_empty(),
        "{:?}",
        creds[0].credential.findings
    );
}

#[test]
fn azure_sas_and_presigned_urls() {
    let r = request("GET", "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sp=r&se=2026-12-01T00%3A00%3A00Z&sig=abcDEF123%3D", &[]);
    let creds = from_request(&r, &ctx());
    assert_eq!(creds.len(), 1);
    assert_eq!(
        creds[0]
            .credential
            .opaque
            .as_ref()
            .unwrap()
            .family
            .as_ref()
            .unwrap()
            .id,
        "azure-sas"
    );
    let r = request("GET", "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261121T100000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aaaa", &[]);
    let creds = from_request(&r, &ctx());
    assert_eq!(creds[0].credential.kind, Kind::Aws4);
    assert_eq!(
        creds[0].credential.aws4.as_ref().unwrap().region.as_deref(),
        Some("us-east-1")
    );
}

#[test]
fn cookies_with_jwts_and_session_ids() {
    let expired = jwt(json!({"sub": "u1", "exp": NOW.unix_secs() - 120}));
    let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4.XFBoMYUZodetZdvTiFvSkQ";
    let cookie = format!(
        "_ga=GA1.1.123.456; theme=dark; JSESSIONID=0123456789ABCDEF0123456789ABCDEF; custom_jwt=\"{expired}\"; next-auth.session-token={jwe}; connect.sid=s%3Aabc.def"
    );
    let r = request(
        "GET",
        "https://app.example/api",
        &[("Cookie", cookie.as_str())],
    );
    let creds = from_request(&r, &ctx());
    let summary: Vec<(String, Kind)> = creds
        .iter()
        .map(|c| (c.location.clone(), c.credential.kind))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("cookie JSESSIONID".to_string(), Kind::Opaque),
            ("cookie custom_jwt".to_string(), Kind::Jws),
            ("cookie next-auth.session-token".to_string(), Kind::Jwe),
            ("cookie connect.sid".to_string(), Kind::Opaque),
        ]
    );
    assert_eq!(
        creds[0].credential.issuer_hint.as_deref(),
        Some("Java servlet session")
    );
    assert_eq!(creds[1].credential.findings[0].id, "token-expired");
    assert_eq!(
        creds[1].source,
        Source::Cookie {
            name: "custom_jwt".to_string(),
            index: 0
        }
    );
    assert_eq!(
        creds[2].credential.header.as_ref().unwrap()["enc"],
        "A256GCM"
    );
    let json = serde_json::to_string(&creds).unwrap();
    assert!(
        !json.contains("0123456789ABCDEF0123456789ABCDEF"),
        "session id leaked"
    );
}

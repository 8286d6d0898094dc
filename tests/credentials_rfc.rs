//! The RFCs' own examples: RFC 7617 (Basic), RFC 7616 §3.9.1 (Digest), RFC 6750 (Bearer),
//! RFC 9449 §4.1 and §7.1 (DPoP).

use authlens::credentials::{
    decode_authorization, from_request, BasicCharset, Context, Kind, Source,
};
use authlens::exchange::{Headers, Request};
use authlens::time::Timestamp;

fn ctx() -> Context<'static> {
    Context::new(Timestamp(1_795_255_200_000))
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

#[test]
fn rfc_7617_section_2_aladdin() {
    let d = decode_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", &ctx());
    assert_eq!(d.kind, Kind::Basic);
    assert_eq!(d.scheme, "Basic");
    assert_eq!(d.username.as_deref(), Some("Aladdin"));
    let b = d.basic.as_ref().unwrap();
    assert_eq!(b.password_length, "open sesame".len());
    assert!(!b.password_empty);
    assert_eq!(b.charset, BasicCharset::Ascii);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn rfc_7617_section_2_1_utf8_charset() {
    // test:123£ with the challenge's charset="UTF-8".
    let c = ctx().with_charset("UTF-8");
    let d = decode_authorization("Basic dGVzdDoxMjPCow==", &c);
    assert_eq!(d.username.as_deref(), Some("test"));
    let b = d.basic.as_ref().unwrap();
    assert_eq!(b.password_length, 4);
    assert_eq!(b.charset, BasicCharset::Utf8);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);

    // Without the charset announcement the same bytes are ambiguous: say so.
    let d = decode_authorization("Basic dGVzdDoxMjPCow==", &ctx());
    let codes: Vec<_> = d.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["basic-non-ascii"]);
    assert_eq!(d.diagnostics[0].offset, 6);

    // ISO-8859-1 bytes (test:123\xa3) where UTF-8 was announced are an error.
    let d = decode_authorization("Basic dGVzdDoxMjOj", &c);
    assert!(d.diagnostics.iter().any(|d| d.code == "basic-invalid-utf8"));
    let d = decode_authorization("Basic dGVzdDoxMjOj", &ctx());
    assert_eq!(d.basic.as_ref().unwrap().charset, BasicCharset::Latin1);
    assert_eq!(d.basic.as_ref().unwrap().password_length, 4);
}

const DIGEST_SHA256: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

const DIGEST_MD5: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

#[test]
fn rfc_7616_section_3_9_1_authorization() {
    for (value, alg, response_len) in [(DIGEST_SHA256, "SHA-256", 64), (DIGEST_MD5, "MD5", 32)] {
        let d = decode_authorization(value, &ctx());
        assert_eq!(d.kind, Kind::Digest, "{alg}");
        assert_eq!(d.username.as_deref(), Some("Mufasa"));
        let g = d.digest.as_ref().unwrap();
        assert_eq!(g.realm.as_deref(), Some("http-auth@example.org"));
        assert_eq!(g.uri.as_deref(), Some("/dir/index.html"));
        assert_eq!(g.algorithm.as_deref(), Some(alg));
        assert_eq!(g.qop.as_deref(), Some("auth"));
        assert_eq!(g.nc.as_deref(), Some("00000001"));
        assert_eq!(
            g.cnonce.as_deref(),
            Some("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
        );
        assert_eq!(
            g.nonce.as_deref(),
            Some("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v")
        );
        assert_eq!(
            g.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
        assert_eq!(g.response_length, response_len);
        assert_eq!(
            g.response.as_deref(),
            Some(format!("…[{response_len} chars]").as_str())
        );
        assert!(!g.userhash);
        assert!(d.findings.is_empty(), "{alg}: {:?}", d.findings);
        assert!(d.diagnostics.is_empty(), "{alg}: {:?}", d.diagnostics);
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains("753927fa0e85d155564e"), "response leaked");
        assert!(!json.contains("8ca523f5e9506fed4657"), "response leaked");
    }
}

#[test]
fn rfc_7616_uri_is_compared_with_the_request() {
    let good = request("GET", "http://www.example.org/dir/index.html", &[]);
    let d = decode_authorization(DIGEST_SHA256, &ctx().with_request(&good));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    let other = request("GET", "http://www.example.org/dir/other.html", &[]);
    let d = decode_authorization(DIGEST_SHA256, &ctx().with_request(&other));
    assert_eq!(d.findings[0].id, "digest-uri-mismatch");
}

#[test]
fn rfc_7616_folded_header_still_decodes() {
    // As printed in the RFC: one parameter per line (obs-fold).
    let folded = DIGEST_SHA256.replace(", ", ",\r\n       ");
    let d = decode_authorization(&folded, &ctx());
    assert_eq!(d.username.as_deref(), Some("Mufasa"));
    assert_eq!(
        d.digest.as_ref().unwrap().algorithm.as_deref(),
        Some("SHA-256")
    );
    assert!(
        d.diagnostics.iter().all(|x| x.code == "obs-fold"),
        "{:?}",
        d.diagnostics
    );
}

#[test]
fn rfc_6750_section_2_1_header() {
    let d = decode_authorization("Bearer mF_9.B5f-4.1JqM", &ctx());
    assert_eq!(d.kind, Kind::Opaque, "two dots but not a JWT");
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    let t = d.token.unwrap();
    assert_eq!((t.length, t.offset), (15, 7));
    assert_eq!(t.masked, "…[15 chars]");
}

#[test]
fn rfc_6750_section_2_3_query_parameter() {
    let r = request(
        "GET",
        "https://server.example.com/resource?access_token=mF_9.B5f-4.1JqM&p=q",
        &[],
    );
    let creds = from_request(&r, &ctx());
    assert_eq!(creds.len(), 1);
    assert_eq!(
        creds[0].source,
        Source::Query {
            name: "access_token".to_string()
        }
    );
    assert_eq!(creds[0].location, "query parameter access_token");
    assert_eq!(creds[0].credential.kind, Kind::Opaque);
    assert_eq!(creds[0].credential.token.as_ref().unwrap().length, 15);
}

/// RFC 9449 §4.1, Figure 2 (line breaks removed).
const DPOP_TOKEN_REQUEST_PROOF: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";

/// RFC 9449 §7.1: the proof sent to a protected resource with the access token below.
const DPOP_RESOURCE_PROOF: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA";

const DPOP_ACCESS_TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";

fn dpop_of(
    creds: &[authlens::credentials::RequestCredential],
) -> Option<&authlens::credentials::DecodedCredential> {
    creds
        .iter()
        .find(|c| c.credential.kind == Kind::Dpop)
        .map(|c| &c.credential)
}

#[test]
fn rfc_9449_section_4_1_token_request_proof() {
    let r = request(
        "POST",
        "https://server.example.com/token",
        &[("DPoP", DPOP_TOKEN_REQUEST_PROOF)],
    );
    let at = Context::new(Timestamp::from_unix_secs(1_562_262_618));
    let creds = from_request(&r, &at);
    let d = dpop_of(&creds).unwrap();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    let p = d.dpop.as_ref().unwrap();
    assert_eq!(p.typ.as_deref(), Some("dpop+jwt"));
    assert_eq!(p.alg.as_deref(), Some("ES256"));
    assert_eq!(p.htm.as_deref(), Some("POST"));
    assert_eq!(p.htu.as_deref(), Some("https://server.example.com/token"));
    assert_eq!(p.jti.as_deref(), Some("-BwC3ESc6acc2lTc"));
    assert_eq!(
        p.iat.as_ref().unwrap().at,
        Timestamp::from_unix_secs(1_562_262_616)
    );
    assert_eq!(
        p.jwk_thumbprint.as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
    assert!(!p.private_key_in_jwk);
}

#[test]
fn rfc_9449_proof_checked_against_the_request() {
    let at = Context::new(Timestamp::from_unix_secs(1_562_262_618));
    // (method, url, expected title fragment)
    let cases = [
        (
            "GET",
            "https://server.example.com/token",
            "another HTTP method",
        ),
        ("POST", "https://server.example.com/other", "another URL"),
        ("POST", "http://server.example.com/token", "another URL"),
    ];
    for (method, url, fragment) in cases {
        let r = request(method, url, &[("DPoP", DPOP_TOKEN_REQUEST_PROOF)]);
        let creds = from_request(&r, &at);
        let d = dpop_of(&creds).unwrap();
        let titles: Vec<_> = d.findings.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles.len(), 1, "{method} {url}: {titles:?}");
        assert!(titles[0].contains(fragment), "{titles:?}");
        assert_eq!(d.findings[0].id, "dpop-proof-invalid");
    }
    // An hour later the same proof is stale.
    let later = Context::new(Timestamp::from_unix_secs(1_562_262_616 + 3600));
    let r = request(
        "POST",
        "https://server.example.com/token",
        &[("DPoP", DPOP_TOKEN_REQUEST_PROOF)],
    );
    let d = from_request(&r, &later);
    assert!(dpop_of(&d).unwrap().findings[0].title.contains("1 h old"));
}

#[test]
fn rfc_9449_section_7_1_protected_resource_request() {
    let auth = format!("DPoP {DPOP_ACCESS_TOKEN}");
    let r = request(
        "GET",
        "https://resource.example.org/protectedresource",
        &[
            ("Authorization", auth.as_str()),
            ("DPoP", DPOP_RESOURCE_PROOF),
        ],
    );
    let at = Context::new(Timestamp::from_unix_secs(1_562_262_619));
    let creds = from_request(&r, &at);
    assert_eq!(creds.len(), 2);
    let token = &creds[0].credential;
    assert_eq!(token.scheme, "DPoP");
    assert_eq!(token.kind, Kind::Opaque);
    assert!(token.findings.is_empty(), "{:?}", token.findings);
    let proof = dpop_of(&creds).unwrap();
    assert!(proof.findings.is_empty(), "{:#?}", proof.findings);
    assert_eq!(
        proof.dpop.as_ref().unwrap().ath.as_deref(),
        Some("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo")
    );

    // The same proof with another access token: ath no longer matches.
    let r = request(
        "GET",
        "https://resource.example.org/protectedresource",
        &[
            ("Authorization", "DPoP another-token-value"),
            ("DPoP", DPOP_RESOURCE_PROOF),
        ],
    );
    let creds = from_request(&r, &at);
    let titles: Vec<_> = dpop_of(&creds)
        .unwrap()
        .findings
        .iter()
        .map(|f| f.title.clone())
        .collect();
    assert_eq!(
        titles,
        vec!["The DPoP proof's ath is for another access token"]
    );

    // The DPoP scheme without a proof header.
    let r = request(
        "GET",
        "https://resource.example.org/protectedresource",
        &[("Authorization", auth.as_str())],
    );
    let creds = from_request(&r, &at);
    assert_eq!(creds[0].credential.findings[0].id, "dpop-proof-missing");
}

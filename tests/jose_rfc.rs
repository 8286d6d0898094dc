//! The RFCs' own worked examples, decoded exactly as printed.

use authlens::jose::{self, Form};
use authlens::time::Timestamp;
use serde_json::json;

/// RFC 7515 appendix A.1 (HS256) — also the RFC 7519 §3.1 example JWT.
const A1_HS256: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// RFC 7515 appendix A.2 (RS256).
const A2_RS256: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

/// RFC 7515 appendix A.3 (ES256).
const A3_ES256: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/// RFC 7515 appendix A.4 (ES512), whose payload is the text `Payload`, not JSON.
const A4_ES512: &str = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

/// RFC 7515 appendix A.5 — identical to the RFC 7519 §6.1 Unsecured JWT.
const A5_NONE: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

/// RFC 7516 appendix A.1.7 (RSA-OAEP + A256GCM).
const JWE_A1: &str = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";

fn joe_claims() -> serde_json::Value {
    json!({"iss": "joe", "exp": 1_300_819_380_i64, "http://example.com/is_root": true})
}

#[test]
fn rfc_7515_signed_examples() {
    // (token, alg, typ, signature bytes)
    let cases = [
        (A1_HS256, "HS256", Some("JWT"), 32),
        (A2_RS256, "RS256", None, 256),
        (A3_ES256, "ES256", None, 64),
    ];
    for (token, alg, typ, sig_bytes) in cases {
        let d = jose::decode(token);
        assert_eq!(d.form, Form::Jws, "{alg}");
        assert!(d.diagnostics.is_empty(), "{alg}: {:?}", d.diagnostics);
        assert_eq!(d.alg(), Some(alg));
        assert_eq!(d.typ(), typ);
        assert_eq!(d.claims, Some(joe_claims()), "{alg}");
        assert_eq!(d.signature.as_ref().unwrap().bytes, sig_bytes, "{alg}");
        assert!(!d.is_unsecured());
    }
}

#[test]
fn rfc_7515_a4_non_json_payload_is_reported_not_rejected() {
    let d = jose::decode(A4_ES512);
    assert_eq!(d.form, Form::Jws);
    assert_eq!(d.alg(), Some("ES512"));
    assert!(d.claims.is_none());
    let p = d.payload.as_ref().unwrap();
    assert_eq!(p.text, "Payload");
    assert!(!p.json);
    assert_eq!(p.masked, "…[7 chars]");
    assert_eq!(d.signature.as_ref().unwrap().bytes, 132);
    let codes: Vec<_> = d.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["payload-not-json"]);
    assert_eq!(d.diagnostics[0].offset, "eyJhbGciOiJFUzUxMiJ9.".len());
    // Not JSON is not broken: no verdicts.
    assert!(jose::validate(&d, Timestamp(0), 60).is_empty());
}

#[test]
fn rfc_7515_a5_and_rfc_7519_section_6_1_unsecured_jwt() {
    let d = jose::decode(A5_NONE);
    assert_eq!(d.form, Form::Jws);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert!(d.is_unsecured());
    assert_eq!(d.claims, Some(joe_claims()));
    assert_eq!(d.signature.as_ref().unwrap().bytes, 0);
    let at = Timestamp::from_unix_secs(1_300_819_000);
    let ids: Vec<_> = jose::validate(&d, at, 60).iter().map(|f| f.id).collect();
    assert_eq!(ids, vec!["alg-none"]);
}

#[test]
fn rfc_7519_section_3_1_claims_and_expiry() {
    let d = jose::decode(A1_HS256);
    // exp 1300819380 = 2011-03-22 18:43:00 UTC.
    let view = d.claims_view(Timestamp::from_unix_secs(1_300_819_380 + 180));
    assert_eq!(view.iss.as_deref(), Some("joe"));
    let exp = view.exp.unwrap();
    assert_eq!(exp.utc, "2011-03-22 18:43:00 UTC");
    assert_eq!(exp.relative, "3 min before");
    let findings = jose::validate(&d, Timestamp::from_unix_secs(1_300_819_380 + 180), 60);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].id, "token-expired");
    assert_eq!(findings[0].title, "Token expired 3 min before this request");
    // Before expiry there is nothing to say.
    assert!(jose::validate(&d, Timestamp::from_unix_secs(1_300_819_000), 60).is_empty());
}

#[test]
fn rfc_7516_a1_jwe_header_and_sizes() {
    let d = jose::decode(JWE_A1);
    assert_eq!(d.form, Form::Jwe);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert_eq!(d.header, Some(json!({"alg": "RSA-OAEP", "enc": "A256GCM"})));
    assert_eq!(d.enc(), Some("A256GCM"));
    let e = d.encrypted.unwrap();
    assert_eq!(
        (
            e.encrypted_key_bytes,
            e.iv_bytes,
            e.ciphertext_bytes,
            e.tag_bytes
        ),
        (256, 12, 63, 16)
    );
    assert!(d.claims.is_none());
    assert!(jose::looks_like_jose(JWE_A1));
}

#[test]
fn rfc_examples_look_like_jose() {
    for t in [A1_HS256, A2_RS256, A3_ES256, A4_ES512, A5_NONE, JWE_A1] {
        assert!(jose::looks_like_jose(t), "{t}");
    }
}

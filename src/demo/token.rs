//! Access tokens, refresh tokens and DPoP proofs the playground hands out.
//!
//! The JWTs are real compact JWS ([RFC 7515 §7.1](https://www.rfc-editor.org/rfc/rfc7515#section-7.1)) with claims computed from the server
//! clock at request time, but their signatures are random bytes: the playground never
//! verifies signatures. The only thing it reads back is the time claims of a token (see
//! [`time_window`]), to decide whether a gated endpoint answers 200 or 401.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Map, Value};

use crate::base64::{self, Alphabet};
use crate::demo::scenario::TokenProfile;
use crate::time::Timestamp;

/// Who the playground claims to be as an issuer.
pub const ISSUER: &str = "https://id.authlens.example";

/// Random bytes for nonces, ids and fake signatures. Not cryptographic: `RandomState`
/// seeds SipHash with per-process random keys, which is all a playground needs.
pub fn random_bytes(n: usize) -> Vec<u8> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = RandomState::new();
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        let mut h = state.build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.extend_from_slice(&h.finish().to_le_bytes());
    }
    out.truncate(n);
    out
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    random_bytes(n).iter().map(|b| format!("{b:02x}")).collect()
}

fn b64url(bytes: &[u8]) -> String {
    base64::encode(bytes, Alphabet::UrlSafe)
}

fn json_segment(v: &Value) -> String {
    b64url(v.to_string().as_bytes())
}

/// A compact JWS from a header, claims and a fake signature of `sig_len` random bytes.
fn compact(header: &Value, claims: &Value, sig_len: usize) -> String {
    format!(
        "{}.{}.{}",
        json_segment(header),
        json_segment(claims),
        b64url(&random_bytes(sig_len))
    )
}

/// What `POST /api/login` (and a refresh) returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    /// The access token (a JWT).
    pub access_token: String,
    /// `Bearer`, or `DPoP` for a DPoP-bound token ([RFC 9449 §5](https://www.rfc-editor.org/rfc/rfc9449#section-5)).
    pub token_type: &'static str,
    /// Seconds until `exp`, never negative ([RFC 6749 §5.1](https://www.rfc-editor.org/rfc/rfc6749#section-5.1) `expires_in`).
    pub expires_in: i64,
    /// An opaque refresh token.
    pub refresh_token: String,
    /// The granted scope.
    pub scope: &'static str,
    /// A DPoP proof JWT for the requested `htu`, for [`TokenProfile::Dpop`].
    pub dpop_proof: Option<String>,
}

impl Issued {
    /// The [RFC 6749 §5.1](https://www.rfc-editor.org/rfc/rfc6749#section-5.1) token response body.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("access_token".into(), self.access_token.clone().into());
        m.insert("token_type".into(), self.token_type.into());
        m.insert("expires_in".into(), self.expires_in.into());
        m.insert("refresh_token".into(), self.refresh_token.clone().into());
        m.insert("scope".into(), self.scope.into());
        if let Some(p) = &self.dpop_proof {
            m.insert("dpop_proof".into(), p.clone().into());
        }
        Value::Object(m)
    }
}

/// Mints a token of `profile` at `now` for the API at `audience` (an origin such as
/// `http://127.0.0.1:8401`). `htu`/`htm` only matter for [`TokenProfile::Dpop`].
pub fn mint(profile: TokenProfile, now: Timestamp, audience: &str, htu: &str, htm: &str) -> Issued {
    let t = now.unix_secs();
    let (iat, nbf, exp) = match profile {
        TokenProfile::Expired => (t - 65 * 60, None, t - 5 * 60),
        TokenProfile::NotYetValid => (t + 10 * 60, Some(t + 10 * 60), t + 70 * 60),
        TokenProfile::ShortLived => (t - 60, None, t + 5 * 60),
        _ => (t - 60, None, t + 60 * 60),
    };
    let scope = match profile {
        TokenProfile::ReadOnly => "read",
        _ => "read write",
    };
    let aud = match profile {
        TokenProfile::WrongAudience => "https://other.example",
        _ => audience,
    };
    let mut claims = json!({
        "iss": ISSUER,
        "sub": "user-42",
        "aud": aud,
        "iat": iat,
        "exp": exp,
        "scope": scope,
        "jti": random_hex(8),
        "client_id": "playground-spa",
    });
    if let (Some(nbf), Some(m)) = (nbf, claims.as_object_mut()) {
        m.insert("nbf".into(), nbf.into());
    }
    let mut header = json!({"alg": "RS256", "typ": "JWT", "kid": "playground-2026"});
    let mut sig_len = 256;
    let mut token_type = "Bearer";
    let mut dpop_proof = None;
    match profile {
        TokenProfile::AlgNone => {
            header = json!({"alg": "none", "typ": "JWT"});
            sig_len = 0;
        }
        TokenProfile::Xss => {
            if let Some(m) = claims.as_object_mut() {
                m.insert(
                    "name".into(),
                    "<script>window.__authlens_xss=1</script>".into(),
                );
                m.insert(
                    "nickname".into(),
                    "\"><svg onload=window.__authlens_xss=2>".into(),
                );
            }
        }
        TokenProfile::Dpop => {
            let jwk = json!({
                "kty": "EC",
                "crv": "P-256",
                "x": b64url(&random_bytes(32)),
                "y": b64url(&random_bytes(32)),
            });
            if let Some(m) = claims.as_object_mut() {
                // [RFC 9449 §6.1](https://www.rfc-editor.org/rfc/rfc9449#section-6.1): the token is bound to the key's thumbprint. This one is
                // random bytes of the right length; nothing checks it.
                m.insert("cnf".into(), json!({"jkt": b64url(&random_bytes(32))}));
            }
            token_type = "DPoP";
            // [RFC 9449 §4.2](https://www.rfc-editor.org/rfc/rfc9449#section-4.2); deliberately without `nonce`, which is the scenario.
            let proof_header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
            let proof_claims = json!({"jti": random_hex(12), "htm": htm, "htu": htu, "iat": t});
            dpop_proof = Some(compact(&proof_header, &proof_claims, 64));
        }
        _ => {}
    }
    Issued {
        access_token: compact(&header, &claims, sig_len),
        token_type,
        expires_in: exp.saturating_sub(t).max(0),
        refresh_token: format!("rt_{}", random_hex(16)),
        scope,
        dpop_proof,
    }
}

/// Why a token did not pass [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Not three dot-separated segments with a JSON object in the middle one.
    Unreadable,
    /// `nbf` is after `now`.
    NotYetValid,
    /// `exp` is at or before `now`, or missing.
    Expired,
}

/// The `(nbf, exp)` claims of a compact JWT, in Unix seconds, without verifying it.
pub fn time_window(token: &str) -> Result<(Option<i64>, Option<i64>), Rejection> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Unreadable);
    };
    let decoded = base64::decode(payload, Alphabet::UrlSafe);
    if decoded.has_errors() {
        return Err(Rejection::Unreadable);
    }
    let claims: Value =
        serde_json::from_slice(&decoded.bytes).map_err(|_| Rejection::Unreadable)?;
    let obj = claims.as_object().ok_or(Rejection::Unreadable)?;
    let num = |k: &str| obj.get(k).and_then(Value::as_f64).map(|f| f.floor() as i64);
    Ok((num("nbf"), num("exp")))
}

/// Whether `token` is current at `now` ([RFC 7519 §4.1.4](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4) `exp`, §4.1.5 `nbf`), with no leeway.
pub fn check(token: &str, now: Timestamp) -> Result<(), Rejection> {
    let (nbf, exp) = time_window(token)?;
    let t = now.unix_secs();
    if nbf.is_some_and(|nbf| nbf > t) {
        return Err(Rejection::NotYetValid);
    }
    match exp {
        Some(exp) if exp > t => Ok(()),
        _ => Err(Rejection::Expired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    fn part(token: &str, i: usize) -> Value {
        let seg = token.split('.').nth(i).unwrap();
        serde_json::from_slice(&base64::decode(seg, Alphabet::UrlSafe).bytes).unwrap()
    }

    #[test]
    fn profiles_set_the_time_claims_from_now() {
        let t = NOW.unix_secs();
        // (profile, iat, nbf, exp)
        let table: &[(TokenProfile, i64, Option<i64>, i64)] = &[
            (TokenProfile::Valid, t - 60, None, t + 3600),
            (TokenProfile::Expired, t - 3900, None, t - 300),
            (TokenProfile::NotYetValid, t + 600, Some(t + 600), t + 4200),
            (TokenProfile::ShortLived, t - 60, None, t + 300),
        ];
        for &(p, iat, nbf, exp) in table {
            let tok = mint(p, NOW, "http://127.0.0.1:8401", "", "");
            let c = part(&tok.access_token, 1);
            assert_eq!(c["iat"], iat, "{p:?}");
            assert_eq!(c["exp"], exp, "{p:?}");
            assert_eq!(c.get("nbf").and_then(Value::as_i64), nbf, "{p:?}");
            assert_eq!(tok.expires_in, (exp - t).max(0), "{p:?}");
        }
    }

    #[test]
    fn check_follows_the_profiles() {
        let table: &[(TokenProfile, Result<(), Rejection>)] = &[
            (TokenProfile::Valid, Ok(())),
            (TokenProfile::Expired, Err(Rejection::Expired)),
            (TokenProfile::NotYetValid, Err(Rejection::NotYetValid)),
            (TokenProfile::ShortLived, Ok(())),
            (TokenProfile::WrongAudience, Ok(())),
            (TokenProfile::AlgNone, Ok(())),
        ];
        for &(p, want) in table {
            let tok = mint(p, NOW, "http://localhost:1", "", "");
            assert_eq!(check(&tok.access_token, NOW), want, "{p:?}");
        }
        // Ten minutes later (the clock-skew story) the short-lived token is expired.
        let short = mint(TokenProfile::ShortLived, NOW, "a", "", "").access_token;
        assert_eq!(
            check(&short, Timestamp(NOW.0 + 600_000)),
            Err(Rejection::Expired)
        );
    }

    #[test]
    fn audience_scope_and_alg_follow_the_profile() {
        let aud = "http://127.0.0.1:8401";
        let v = mint(TokenProfile::Valid, NOW, aud, "", "");
        assert_eq!(part(&v.access_token, 1)["aud"], aud);
        assert_eq!(part(&v.access_token, 0)["alg"], "RS256");
        let w = mint(TokenProfile::WrongAudience, NOW, aud, "", "");
        assert_eq!(part(&w.access_token, 1)["aud"], "https://other.example");
        let r = mint(TokenProfile::ReadOnly, NOW, aud, "", "");
        assert_eq!(part(&r.access_token, 1)["scope"], "read");
        let n = mint(TokenProfile::AlgNone, NOW, aud, "", "");
        assert_eq!(part(&n.access_token, 0)["alg"], "none");
        assert!(n.access_token.ends_with('.'));
    }

    #[test]
    fn xss_claims_hold_markup_verbatim() {
        let x = mint(TokenProfile::Xss, NOW, "a", "", "");
        let c = part(&x.access_token, 1);
        assert_eq!(c["name"], "<script>window.__authlens_xss=1</script>");
        assert_eq!(c["nickname"], "\"><svg onload=window.__authlens_xss=2>");
    }

    #[test]
    fn dpop_profile_binds_and_proves() {
        let d = mint(TokenProfile::Dpop, NOW, "a", "http://127.0.0.1:1/x", "GET");
        assert_eq!(d.token_type, "DPoP");
        assert!(part(&d.access_token, 1)["cnf"]["jkt"].is_string());
        let proof = d.dpop_proof.clone().unwrap();
        assert_eq!(part(&proof, 0)["typ"], "dpop+jwt");
        assert_eq!(part(&proof, 0)["jwk"]["kty"], "EC");
        let pc = part(&proof, 1);
        assert_eq!(pc["htu"], "http://127.0.0.1:1/x");
        assert_eq!(pc["htm"], "GET");
        assert_eq!(pc["iat"], NOW.unix_secs());
        assert!(pc.get("nonce").is_none());
        assert!(d.to_json()["dpop_proof"].is_string());
        assert!(mint(TokenProfile::Valid, NOW, "a", "", "")
            .to_json()
            .get("dpop_proof")
            .is_none());
    }

    #[test]
    fn random_values_differ() {
        assert_ne!(random_hex(16), random_hex(16));
        assert_eq!(random_hex(5).len(), 10);
        assert_eq!(random_bytes(13).len(), 13);
        let a = mint(TokenProfile::Valid, NOW, "a", "", "");
        let b = mint(TokenProfile::Valid, NOW, "a", "", "");
        assert_ne!(a.access_token, b.access_token);
        assert_ne!(a.refresh_token, b.refresh_token);
    }

    #[test]
    fn unreadable_tokens_are_rejected() {
        for t in [
            "",
            "undefined",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            "a.W10.c",
            "a.bnVsbA.c",
        ] {
            assert_eq!(check(t, NOW), Err(Rejection::Unreadable), "{t}");
        }
        // A readable token without exp is not current.
        let no_exp = format!("e30.{}.", b64url(b"{\"sub\":\"x\"}"));
        assert_eq!(check(&no_exp, NOW), Err(Rejection::Expired));
    }

    proptest! {
        #[test]
        fn check_never_panics(s in ".{0,200}") {
            let _ = check(&s, NOW);
        }

        #[test]
        fn check_never_panics_on_dotted_base64(a in "[A-Za-z0-9_-]{0,40}", b in "[A-Za-z0-9_\\-=+/]{0,80}") {
            let _ = check(&format!("{a}.{b}.{a}"), NOW);
        }

        #[test]
        fn minted_tokens_read_back(secs in 0i64..4_000_000_000) {
            let now = Timestamp::from_unix_secs(secs);
            let tok = mint(TokenProfile::Valid, now, "x", "", "").access_token;
            prop_assert_eq!(check(&tok, now), Ok(()));
            let tok = mint(TokenProfile::Expired, now, "x", "", "").access_token;
            prop_assert_eq!(check(&tok, now), Err(Rejection::Expired));
        }
    }
}

//! DPoP proofs (RFC 9449): the `DPoP` request header, a JWT signed with the client's key that
//! binds the request (`htm`, `htu`), the time (`iat`) and the access token (`ath`).
//!
//! The checks are RFC 9449 §4.3's, minus the signature: typ, alg, a public `jwk`, the
//! required claims, method and URL, freshness, `ath` and the token's `cnf.jkt` binding.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::exchange::UrlParts;
use crate::finding::Finding;
use crate::jose::{self, TimeClaim};
use crate::time::{describe_duration, Timestamp};

/// Proofs older than this are suspicious: servers accept a proof for seconds to minutes,
/// and a proof is meant to be made fresh for every request.
pub const MAX_PROOF_AGE_SECS: i64 = 300;

const RFC9449_CHECKS: (&str, &str) = (
    "RFC 9449 §4.3",
    "https://www.rfc-editor.org/rfc/rfc9449#section-4.3",
);
const RFC9449_SYNTAX: (&str, &str) = (
    "RFC 9449 §4.2",
    "https://www.rfc-editor.org/rfc/rfc9449#section-4.2",
);
const RFC9449_JKT: (&str, &str) = (
    "RFC 9449 §6.1",
    "https://www.rfc-editor.org/rfc/rfc9449#section-6.1",
);
const RFC9449_SCHEME: (&str, &str) = (
    "RFC 9449 §7.1",
    "https://www.rfc-editor.org/rfc/rfc9449#section-7.1",
);

/// The decoded fields of a DPoP proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DpopProof {
    /// Header `typ` (must be `dpop+jwt`).
    pub typ: Option<String>,
    /// Header `alg`.
    pub alg: Option<String>,
    /// Key type of the header `jwk`.
    pub jwk_kty: Option<String>,
    /// Curve of the header `jwk`, for EC/OKP keys.
    pub jwk_crv: Option<String>,
    /// RFC 7638 thumbprint of the `jwk`: what a bound token's `cnf.jkt` must equal.
    pub jwk_thumbprint: Option<String>,
    /// Whether the `jwk` contains private key members (`d`, …) — a leaked private key.
    pub private_key_in_jwk: bool,
    /// `htm`.
    pub htm: Option<String>,
    /// `htu`.
    pub htu: Option<String>,
    /// `jti`.
    pub jti: Option<String>,
    /// `iat`.
    pub iat: Option<TimeClaim>,
    /// `ath`.
    pub ath: Option<String>,
    /// `nonce` (from the server's `DPoP-Nonce`).
    pub nonce: Option<String>,
}

/// What the proof is checked against.
#[derive(Debug, Clone, Copy)]
pub struct ProofContext<'a> {
    /// The request method.
    pub method: Option<&'a str>,
    /// The request URL.
    pub url: Option<&'a str>,
    /// The access token sent with the `DPoP` scheme, when there is one.
    pub access_token: Option<&'a str>,
    /// The access token's `cnf.jkt`, when it is a JWT that has one.
    pub token_jkt: Option<&'a str>,
    /// Reference instant.
    pub at: Timestamp,
    /// Clock-skew leeway in seconds.
    pub leeway_secs: i64,
}

fn invalid(title: impl Into<String>, detail: impl Into<String>) -> Finding {
    Finding::new("dpop-proof-invalid", Severity::Error, title, detail)
        .with_ref(RFC9449_CHECKS.0, RFC9449_CHECKS.1)
}

const NOT_A_JWT: &str = "The DPoP proof is not a signed JWT";

const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k"];

/// Reads and checks a decoded proof. Finding ids: `dpop-proof-invalid` (one per failed check).
pub fn check(decoded: &jose::Decoded, ctx: &ProofContext<'_>) -> (DpopProof, Vec<Finding>) {
    let header = decoded.header.as_ref();
    let claims = decoded.claims.as_ref();
    let hs = |n: &str| {
        header
            .and_then(|h| h.get(n))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let cs = |n: &str| {
        claims
            .and_then(|c| c.get(n))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let jwk = header.and_then(|h| h.get("jwk"));
    let view = decoded.claims_view(ctx.at);
    let proof = DpopProof {
        typ: hs("typ"),
        alg: hs("alg"),
        jwk_kty: jwk
            .and_then(|j| j.get("kty"))
            .and_then(|v| v.as_str())
            .map(str::to_string),
        jwk_crv: jwk
            .and_then(|j| j.get("crv"))
            .and_then(|v| v.as_str())
            .map(str::to_string),
        jwk_thumbprint: jwk.and_then(jose::jwk_thumbprint),
        private_key_in_jwk: jwk
            .is_some_and(|j| PRIVATE_MEMBERS.iter().any(|m| j.get(*m).is_some())),
        htm: cs("htm"),
        htu: cs("htu"),
        jti: cs("jti"),
        iat: view.iat.clone(),
        ath: cs("ath"),
        nonce: cs("nonce"),
    };
    let mut f = Vec::new();
    if decoded.form != jose::Form::Jws || decoded.header.is_none() {
        f.push(invalid(
            NOT_A_JWT,
            "The DPoP header must hold one compact JWS (RFC 9449 §4.2); this value does not parse as one.",
        ));
        return (proof, f);
    }
    if !proof
        .typ
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt"))
    {
        f.push(
            invalid(
                "The DPoP proof's typ is not dpop+jwt",
                format!(
                    "The header's typ is {}; a DPoP proof must say \"typ\": \"dpop+jwt\" so it cannot be confused with other JWTs.",
                    proof.typ.as_deref().map_or("missing".to_string(), |t| format!("{t:?}"))
                ),
            )
            .with_evidence("header typ", proof.typ.clone().unwrap_or_default())
            .with_ref(RFC9449_SYNTAX.0, RFC9449_SYNTAX.1),
        );
    }
    let alg = proof.alg.as_deref().unwrap_or("");
    if alg.is_empty()
        || alg.eq_ignore_ascii_case("none")
        || alg.to_ascii_uppercase().starts_with("HS")
    {
        f.push(
            invalid(
                "The DPoP proof is not signed with an asymmetric algorithm",
                format!("alg is {alg:?}: a DPoP proof must be signed with the private key matching its jwk (ES256, RS256, EdDSA…), never 'none' or an HMAC."),
            )
            .with_evidence("header alg", alg),
        );
    }
    match jwk {
        None => f.push(invalid(
            "The DPoP proof has no jwk",
            "The header must carry the public key as \"jwk\" (RFC 9449 §4.2); without it the server cannot verify the proof.",
        )),
        Some(_) if proof.private_key_in_jwk => f.push(invalid(
            "The DPoP proof's jwk contains the PRIVATE key",
            "The jwk in the header has private members (e.g. \"d\"): the client is publishing its private key in every request. Servers reject it; rotate the key and send only the public part.",
        )),
        Some(_) => {}
    }
    for (name, present) in [
        ("jti", proof.jti.is_some()),
        ("htm", proof.htm.is_some()),
        ("htu", proof.htu.is_some()),
        ("iat", proof.iat.is_some()),
    ] {
        if !present {
            f.push(invalid(
                format!("The DPoP proof has no {name} claim"),
                format!("\"{name}\" is required in every DPoP proof (RFC 9449 §4.2)."),
            ));
        }
    }
    if let (Some(htm), Some(method)) = (&proof.htm, ctx.method) {
        if htm != method {
            f.push(
                invalid(
                    "The DPoP proof was made for another HTTP method",
                    format!("htm is {htm:?} but the request method is {method:?}. Create a new proof for each request with its exact method."),
                )
                .with_evidence("claim htm", htm.clone())
                .with_evidence("request method", method),
            );
        }
    }
    if let (Some(htu), Some(url)) = (&proof.htu, ctx.url) {
        if !same_target(htu, url) {
            f.push(
                invalid(
                    "The DPoP proof was made for another URL",
                    format!("htu is {htu:?} but the request went to {}; they must match (scheme, host, port and path; query and fragment are ignored).", strip_query(url)),
                )
                .with_evidence("claim htu", htu.clone())
                .with_evidence("request URL", strip_query(url)),
            );
        }
    }
    if let Some(iat) = &proof.iat {
        let age = ctx.at.secs_since(iat.at);
        if -age > ctx.leeway_secs.max(0) {
            f.push(
                invalid(
                    format!("The DPoP proof is dated {} in the future", describe_duration(age)),
                    format!("iat is {}, {} after the request: the client's clock is ahead. Synchronise it.", iat.utc, describe_duration(age)),
                )
                .with_evidence("claim iat", iat.utc.clone())
                .with_fix("sync-clock"),
            );
        } else if age > MAX_PROOF_AGE_SECS {
            let mut stale = invalid(
                format!("The DPoP proof is {} old", describe_duration(age)),
                format!("iat is {}, {} before the request. Servers accept a proof only briefly (seconds to minutes) and only once: make a fresh proof per request — or the client's clock is behind.", iat.utc, describe_duration(age)),
            )
            .with_evidence("claim iat", iat.utc.clone())
            .with_fix("sync-clock");
            stale.severity = Severity::Warning;
            f.push(stale);
        }
    }
    if let Some(token) = ctx.access_token {
        let expected = jose::access_token_hash(token);
        match &proof.ath {
            None => f.push(invalid(
                "The DPoP proof has no ath for the access token",
                "With an access token the proof must contain \"ath\", the base64url SHA-256 of the token (RFC 9449 §4.2).",
            )),
            Some(ath) if *ath != expected => f.push(
                invalid(
                    "The DPoP proof's ath is for another access token",
                    "\"ath\" does not equal the SHA-256 of the access token sent with it: the proof was made for a previous token (refreshed since?) or for another request.",
                )
                .with_evidence("claim ath", ath.clone())
                .with_evidence("hash of the sent token", expected),
            ),
            Some(_) => {}
        }
    }
    if let (Some(jkt), Some(thumb)) = (ctx.token_jkt, &proof.jwk_thumbprint) {
        if jkt != thumb {
            f.push(
                invalid(
                    "The access token is bound to a different key than the DPoP proof",
                    "The token's cnf.jkt is not the thumbprint of the proof's jwk: the proof is signed with another key than the one the token was issued for (key rotated, or token from another client instance).",
                )
                .with_evidence("token cnf.jkt", jkt)
                .with_evidence("proof jwk thumbprint", thumb.clone())
                .with_ref(RFC9449_JKT.0, RFC9449_JKT.1),
            );
        }
    }
    (proof, f)
}

fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or("").to_string()
}

/// RFC 9449 §4.3 step 9: compare without query and fragment, after RFC 3986 §6.2.2/§6.2.3
/// normalisation (case of scheme and host, default port, empty path).
fn same_target(htu: &str, url: &str) -> bool {
    let a = UrlParts::parse(htu);
    let b = UrlParts::parse(url);
    a.scheme.eq_ignore_ascii_case(b.scheme)
        && a.host.eq_ignore_ascii_case(b.host)
        && a.effective_port() == b.effective_port()
        && a.path == b.path
}

/// A `dpop-proof-invalid` finding for structural errors, unless one already says the proof
/// is not a JWT at all.
pub fn malformed(diagnostics: &[Diagnostic], findings: &[Finding]) -> Option<Finding> {
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let first = errors.first()?;
    if findings.iter().any(|f| f.title == NOT_A_JWT) {
        return None;
    }
    let mut f = invalid(
        "The DPoP proof is malformed",
        format!(
            "The proof does not parse cleanly: {} (at byte {}). Servers reject it before checking anything else.",
            first.message, first.offset
        ),
    );
    for d in errors.iter().take(5) {
        f = f.with_evidence(
            format!("{} at byte {}", d.code, d.offset),
            d.message.clone(),
        );
    }
    Some(f)
}

/// A `dpop-proof-missing` finding: the `DPoP` scheme was used without a proof header.
pub fn missing_proof() -> Finding {
    Finding::new(
        "dpop-proof-missing",
        Severity::Error,
        "DPoP token sent without a DPoP proof",
        "The Authorization header uses the DPoP scheme but the request has no DPoP header. Every request with a DPoP-bound token must carry a fresh proof signed with the bound key.",
    )
    .with_ref(RFC9449_SCHEME.0, RFC9449_SCHEME.1)
}

/// A `dpop-bound-token-as-bearer` finding: a token with `cnf.jkt` sent with the Bearer scheme.
pub fn bound_token_as_bearer(jkt: &str) -> Finding {
    Finding::new(
        "dpop-bound-token-as-bearer",
        Severity::Error,
        "DPoP-bound token sent as a Bearer token",
        "The access token has a cnf.jkt claim, so it is bound to a DPoP key; it must be sent as 'Authorization: DPoP <token>' with a DPoP proof header. Resource servers reject bound tokens presented as Bearer.",
    )
    .with_evidence("token cnf.jkt", jkt)
    .with_fix("fix-authorization-format")
    .with_ref(RFC9449_SCHEME.0, RFC9449_SCHEME.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_normalisation_table() {
        let cases = [
            (
                "https://server.example.com/token",
                "https://server.example.com/token",
                true,
            ),
            (
                "https://Server.Example.com:443/token",
                "https://server.example.com/token?x=1#f",
                true,
            ),
            (
                "HTTPS://server.example.com/token",
                "https://server.example.com/token",
                true,
            ),
            (
                "https://server.example.com/token",
                "https://server.example.com/token/",
                false,
            ),
            (
                "https://server.example.com/token",
                "http://server.example.com/token",
                false,
            ),
            (
                "https://server.example.com:8443/token",
                "https://server.example.com/token",
                false,
            ),
            ("https://a.example/token", "https://b.example/token", false),
        ];
        for (htu, url, expected) in cases {
            assert_eq!(same_target(htu, url), expected, "{htu} vs {url}");
        }
    }
}

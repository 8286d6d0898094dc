//! `invalid-token`: the server rejected the token without a more specific cause found.
//!
//! [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1): `invalid_token`
//! covers expired, revoked, malformed or otherwise invalid tokens. More specific rules
//! (`token-expired`, `audience-mismatch`, …) suppress this one; what remains is explained
//! from the server's message where it names a cause.

use crate::finding::Finding;

use super::{clip, make, request_line, Facts};

/// `(keywords, explanation)` matched against the lowercase server message.
const HINTS: &[(&[&str], &str)] = &[
    (
        &["signature", "kid", "key was not found", "idx10503", "idx10501", "no matching key", "signing key"],
        "The signature could not be verified: the token was signed with a key the server does not know. Usually a key rotation (the server's JWKS cache is stale or the issuer rotated keys), or a token from another environment (staging token against production).",
    ),
    (
        &["issuer", "iss claim", "idx10205"],
        "The issuer is not the one the server trusts: a token from another tenant, realm or environment, or an issuer URL that differs by a trailing slash.",
    ),
    (
        &["revoked", "inactive", "not active"],
        "The token was revoked (logout, password change, admin action) or introspection says it is not active.",
    ),
    (
        &["malformed", "decode", "parse", "invalid compact", "idx12741", "idx14100"],
        "The server could not parse the token: check for truncation, quotes or a token of another kind (an ID token, or an opaque token where a JWT is expected).",
    ),
];

const GENERIC: &str = "Remaining possibilities: a signature made with a key the server does not have (key rotation: \"the signature key was not found\"), a revoked token, a wrong issuer or environment, or a token of another type (an ID token instead of an access token).";

/// Raised when the server answers `error="invalid_token"`.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure
        || !f
            .error_code()
            .is_some_and(|c| c.eq_ignore_ascii_case("invalid_token"))
    {
        return;
    }
    let desc = f.description_lower();
    let explanation = HINTS
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| desc.contains(k)))
        .map_or(GENERIC, |(_, e)| e);
    let mut detail = format!("The server rejected the token sent to {}.", request_line(f));
    if let Some(d) = f.error_description() {
        detail.push_str(&format!(" It says: \"{}\".", clip(d, 200)));
    }
    detail.push(' ');
    detail.push_str(explanation);
    let mut finding = make("invalid-token", detail)
        .with_evidence("error", "invalid_token")
        .with_fix("refresh-token")
        .with_fix("relogin")
        .with_fix("check-server-logs");
    if let Some(d) = f.error_description() {
        finding = finding.with_evidence("error_description", clip(d, 200));
    }
    out.push(finding);
}

//! `token-expired`: the token's `exp` had passed, or the server says it expired.
//!
//! [RFC 7519 §4.1.4](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4): the token must
//! not be accepted on or after `exp` (with a small leeway). Servers also say it in words
//! (`error_description="The access token expired"`, Spring's `Jwt expired at …`, ASP.NET's
//! `IDX10223: Lifetime validation failed. The token is expired.`).

use crate::finding::Finding;

use super::{clip, make, request_line, Facts};

/// Whether a server message says the token expired.
pub fn says_expired(text_lower: &str) -> bool {
    text_lower.contains("expired")
        || text_lower.contains("token_expired")
        || text_lower.contains("jwt is expired")
}

/// Raised on a 401/403 whose token's `exp` had passed (the decoder's verdict, which says
/// how long before) or whose server message says the token expired. Both merge into one
/// finding.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure {
        return;
    }
    if let Some((loc, v)) = f.verdicts("token-expired").next() {
        out.push(
            v.clone()
                .with_evidence("credential", loc.to_string())
                .with_fix("copy-curl"),
        );
    }
    let desc = f.description_lower();
    let code = f
        .error_body
        .as_ref()
        .map(|b| b.text_lower())
        .unwrap_or_default();
    if !(says_expired(&desc) || says_expired(&code)) {
        return;
    }
    // "Expired" must be about a token: a Digest "nonce expired" is a stale nonce, and a
    // session or password expiry is not what this rule explains.
    if desc.contains("nonce") || code.contains("nonce") {
        return;
    }
    let about_token = |t: &str| t.contains("token") || t.contains("jwt") || t.contains("lifetime");
    let token_sent = f.scheme().is_some_and(|s| {
        s.eq_ignore_ascii_case("bearer") || s.eq_ignore_ascii_case("dpop") || s.is_empty()
    });
    let invalid_token = f
        .error_code()
        .is_some_and(|c| c.eq_ignore_ascii_case("invalid_token"));
    if !(about_token(&desc) || about_token(&code) || invalid_token || token_sent) {
        return;
    }
    let quoted = f
        .error_description()
        .map(|d| clip(d, 200))
        .or_else(|| f.error_body.as_ref().map(|b| b.quote()))
        .unwrap_or_default();
    let label = if f.challenge_param("error_description").is_some() {
        "challenge param error_description"
    } else {
        "response body"
    };
    out.push(
        make(
            "token-expired",
            format!(
                "The server rejected {} because the token expired (it says: \"{quoted}\"). Get a new access token with the refresh token, or log in again.",
                request_line(f)
            ),
        )
        .with_evidence(label, quoted)
        .with_fix("refresh-token")
        .with_fix("relogin")
        .with_fix("copy-curl"),
    );
}

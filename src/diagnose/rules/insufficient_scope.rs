//! `insufficient-scope`: the token lacks a scope the resource requires.
//!
//! [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1): `insufficient_scope`
//! with status 403, and the challenge's `scope` names what is needed; the token's own
//! `scope` / `scp` claim ([RFC 9068 §2.2.3](https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3))
//! says what it has.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// The token's scopes (`scope` / `scp`), when its claims were decoded.
fn token_scopes<'f>(f: &'f Facts<'_>) -> Option<&'f [String]> {
    f.authorization_decoded()
        .and_then(|c| c.claims_view.as_ref())
        .map(|v| v.scopes.as_slice())
}

/// Raised when the server answers `error="insufficient_scope"` (challenge or OAuth body),
/// or when a failure's challenge asks for scopes the token's `scope`/`scp` lacks.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure {
        return;
    }
    let said = f
        .error_code()
        .is_some_and(|c| c.eq_ignore_ascii_case("insufficient_scope"));
    let wanted: Vec<&str> = f
        .challenge_param("scope")
        .map(|s| s.split_whitespace().take(32).collect())
        .unwrap_or_default();
    let have = token_scopes(f).filter(|s| !s.is_empty());
    let missing: Vec<&str> = match have {
        Some(have) => wanted
            .iter()
            .copied()
            .filter(|w| !have.iter().any(|h| h == w))
            .collect(),
        None => Vec::new(),
    };
    if !said && missing.is_empty() {
        return;
    }
    // Without the token's claims, the challenge's scope is the best statement of what is missing.
    let required = if missing.is_empty() {
        f.challenge_param("scope").map(|s| clip(s, 200))
    } else {
        Some(clip(&missing.join(" "), 200))
    };
    let mut detail = format!("The token's scopes do not cover {}.", request_line(f));
    if let Some(r) = &required {
        detail.push_str(&format!(" Missing: {r}."));
    }
    if let Some(d) = f.error_description() {
        detail.push_str(&format!(" The server says: \"{}\".", clip(d, 200)));
    }
    detail.push_str(" Request the missing scopes and log in again (a refresh keeps the scopes originally granted).");
    let mut finding = make("insufficient-scope", detail)
        .with_fix("request-scope")
        .with_fix("relogin");
    if said {
        finding = finding.with_evidence("error", "insufficient_scope");
    }
    if let Some(h) = have {
        finding = finding.with_evidence("token scopes", clip(&h.join(" "), 200));
    }
    if let Some(r) = required {
        finding = finding
            .with_evidence(
                "challenge param scope",
                clip(f.challenge_param("scope").unwrap_or(""), 200),
            )
            .with_evidence(hint::MISSING_SCOPES, r);
    }
    out.push(finding);
}

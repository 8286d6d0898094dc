//! `insufficient-scope`: the token lacks a scope the resource requires.
//!
//! [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1): `insufficient_scope`
//! with status 403, and the challenge's `scope` names what is needed.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised when the server answers `error="insufficient_scope"` (challenge or OAuth body).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure
        || !f
            .error_code()
            .is_some_and(|c| c.eq_ignore_ascii_case("insufficient_scope"))
    {
        return;
    }
    let required = f.challenge_param("scope").map(|s| clip(s, 200));
    let mut detail = format!(
        "The server says the token's scopes do not cover {}.",
        request_line(f)
    );
    if let Some(r) = &required {
        detail.push_str(&format!(" It requires: {r}."));
    }
    if let Some(d) = f.error_description() {
        detail.push_str(&format!(" Its message: \"{}\".", clip(d, 200)));
    }
    detail.push_str(" Request the missing scopes and log in again (a refresh keeps the scopes originally granted).");
    let mut finding = make("insufficient-scope", detail)
        .with_evidence("error", "insufficient_scope")
        .with_fix("request-scope")
        .with_fix("relogin");
    if let Some(r) = required {
        finding = finding
            .with_evidence("challenge param scope", r.clone())
            .with_evidence(hint::MISSING_SCOPES, r);
    }
    out.push(finding);
}

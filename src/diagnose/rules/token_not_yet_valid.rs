//! `token-not-yet-valid`: the token's `nbf` or `iat` lies in the future.
//!
//! [RFC 7519 §4.1.5](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5) (`nbf`) and
//! [§4.1.6](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6) (`iat`), judged by
//! [`crate::jose::validate`] against the request's own time with the leeway.

use crate::finding::Finding;

use super::Facts;

/// Raised on a failure whose token is not valid yet at the request time.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure {
        return;
    }
    if let Some((loc, v)) = f.verdicts("token-not-yet-valid").next() {
        out.push(
            v.clone()
                .with_evidence("credential", loc.to_string())
                .with_fix("relogin"),
        );
    }
}

//! `invalid-request`: the server says the request itself is malformed.
//!
//! [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1): `invalid_request`
//! (a missing, repeated or unsupported parameter, or credentials sent more than one way)
//! goes with status 400.

use crate::finding::Finding;

use super::{clip, make, request_line, Facts};

/// Raised when the server answers `error="invalid_request"` on a 400/401/403.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(f.failure || f.status == 400) || f.token_request.is_some() {
        return;
    }
    if !f
        .error_code()
        .is_some_and(|c| c.eq_ignore_ascii_case("invalid_request"))
    {
        return;
    }
    let mut detail = format!(
        "The server says {} is malformed (invalid_request): a required parameter is missing, a parameter is repeated, or the token was sent in more than one place (header and query, say).",
        request_line(f)
    );
    if let Some(d) = f.error_description() {
        detail.push_str(&format!(" It says: \"{}\".", clip(d, 200)));
    }
    if f.status != 400 {
        detail.push_str(&format!(
            " RFC 6750 expects status 400 for this error; the server sent {}.",
            f.status
        ));
    }
    out.push(
        make("invalid-request", detail)
            .with_evidence("error", "invalid_request")
            .with_evidence("response status", f.status.to_string())
            .with_fix("fix-authorization-format")
            .with_fix("check-server-logs"),
    );
}

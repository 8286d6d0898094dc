//! `missing-challenge`: a 401 without `WWW-Authenticate`.
//!
//! [RFC 9110 §15.5.2](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2): "The server
//! generating a 401 response MUST send a WWW-Authenticate header field containing at least
//! one challenge." The error body, if it is one of the usual JSON shapes, is quoted instead.

use crate::finding::Finding;

use super::{make, request_line, Facts};

/// Raised on a 401 (not a preflight) without `WWW-Authenticate`.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || f.challenges.is_some() {
        return;
    }
    let mut detail = format!(
        "{} got a 401 without WWW-Authenticate, which RFC 9110 §15.5.2 requires: nothing says which scheme is expected or why the credentials failed.",
        request_line(f)
    );
    let mut finding = make("missing-challenge", String::new())
        .with_evidence("response header WWW-Authenticate", "absent")
        .with_fix("add-www-authenticate")
        .with_fix("check-server-logs");
    match &f.error_body {
        Some(b) => {
            detail.push_str(&format!(
                " The body ({}) says: \"{}\".",
                b.shape.name(),
                b.quote()
            ));
            finding =
                finding.with_evidence(format!("response body ({})", b.shape.name()), b.quote());
        }
        None => {
            let mime =
                f.ex.response
                    .body
                    .as_ref()
                    .map(|b| b.mime_type.clone())
                    .unwrap_or_default();
            if !mime.is_empty() {
                detail.push_str(&format!(
                    " The body is {} with no recognisable error shape.",
                    super::clip(&mime, 60)
                ));
            }
            detail.push_str(" The server's logs will say why.");
        }
    }
    finding.detail = detail;
    out.push(finding);
}

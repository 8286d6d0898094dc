//! `missing-credentials`: the request carried no credentials at all.
//!
//! [RFC 9110 §15.5.2](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2): a 401 means
//! the request lacks valid credentials; the challenge names the scheme to use.

use crate::finding::{Finding, Severity};
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised on a 401 (error) or 403 (warning) that carried no `Authorization`, cookie, API
/// key or URL token.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(f.status == 401 || f.status == 403) || f.preflight || f.carries_any_credential() {
        return;
    }
    let required = f
        .challenges
        .as_ref()
        .and_then(|c| c.challenges.first())
        .map(|c| clip(c.scheme, 40));
    let mut detail = format!(
        "{} went out with no Authorization header, no cookie, no API-key header and no token in the URL.",
        request_line(f)
    );
    match &required {
        Some(s) => detail.push_str(&format!(" The server asks for the {s} scheme.")),
        None => {
            detail.push_str(" The server did not say which scheme it wants (no WWW-Authenticate).")
        }
    }
    detail.push_str(" Typical causes: the auth interceptor did not run for this URL, the token was not loaded yet, or a cross-origin request was sent without credentials: \"include\".");
    let mut finding = make("missing-credentials", detail)
        .with_evidence(
            "request headers",
            "no Authorization, Cookie or API-key header",
        )
        .with_fix("send-credentials")
        .with_fix("copy-fetch");
    if f.status == 403 {
        finding.severity = Severity::Warning;
    }
    if let Some(s) = required {
        finding = finding.with_evidence(hint::REQUIRED_SCHEME, s);
    }
    out.push(finding);
}

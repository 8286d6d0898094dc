//! `forbidden-not-unauthorized`: authentication worked, authorization said no.
//!
//! [RFC 9110 §15.5.4](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4): 403 means the
//! server understood who is asking and refuses; repeating the request with the same
//! credentials will not help. [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1)
//! puts `insufficient_scope` on 403, so a 401 carrying it is the wrong status.

use crate::finding::{Finding, Severity};

use super::{clip, make, request_line, Facts};

/// Raised on a 403 that carried credentials (error), and on a 401 carrying
/// `insufficient_scope` (warning: the status should have been 403).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.preflight {
        return;
    }
    let code = f.error_code().map(str::to_ascii_lowercase);
    if f.status == 401 && code.as_deref() == Some("insufficient_scope") {
        let mut finding = make(
            "forbidden-not-unauthorized",
            format!(
                "{} answered 401 with insufficient_scope. The token was accepted but lacks permissions, which RFC 6750 §3.1 answers with 403: a 401 makes clients refresh or re-login in a loop instead of asking for the scope.",
                request_line(f)
            ),
        )
        .with_evidence("response status", "401")
        .with_evidence("error", "insufficient_scope")
        .with_fix("use-403");
        finding.severity = Severity::Warning;
        finding.title = "insufficient_scope should be a 403, not a 401".to_string();
        out.push(finding);
        return;
    }
    // On a 403, a scope problem (said by the server or seen in the token, found by the
    // insufficient-scope rule that runs before this one) is the more specific explanation.
    if f.status != 403
        || !f.carries_any_credential()
        || code.as_deref() == Some("insufficient_scope")
        || out.iter().any(|x| x.id == "insufficient-scope")
    {
        return;
    }
    let message = f
        .error_description()
        .map(|d| clip(d, 200))
        .or_else(|| f.error_body.as_ref().map(|b| b.quote()));
    let csrf = message
        .as_deref()
        .is_some_and(|m| m.to_ascii_lowercase().contains("csrf"));
    let mut detail = format!(
        "{} carried credentials and got 403: the server knows who is asking and refuses this action or resource. Look at roles, permissions, group membership and resource ownership for this user, not at the token's validity.",
        request_line(f)
    );
    if csrf {
        detail.push_str(" The message mentions CSRF: the session is fine but the anti-CSRF token or header is missing or stale.");
    }
    let mut finding = make("forbidden-not-unauthorized", detail)
        .with_evidence("response status", "403")
        .with_fix("check-server-logs")
        .with_fix("copy-curl");
    if let Some(m) = message {
        finding = finding.with_evidence("server message", m);
    }
    out.push(finding);
}
